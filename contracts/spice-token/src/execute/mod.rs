pub mod allowances;
pub mod balances;
pub mod config;
pub mod cw20;
pub mod governance;
pub mod marketing;
pub mod native;
