mod chain;
pub mod contract;
pub mod error;
mod execute;
pub mod msg;
mod query;
pub mod state;

#[cfg(test)]
mod tests;

pub use error::ContractError;
/// The ibc-hooks intermediary address `receive_return` accepts (for operators and tests).
pub use execute::sync::ibc_hooks_sender;
