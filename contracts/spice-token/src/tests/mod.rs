mod allowances;
mod config;
mod cw20;
mod helpers;
mod marketing;
mod native;
mod supply_invariant;
