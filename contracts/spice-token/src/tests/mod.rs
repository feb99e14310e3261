mod allowances;
mod config;
mod cw20;
mod helpers;
mod marketing;
mod native;
mod storage;
mod supply_invariant;
