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
/// Time a sunset's lead must cover on top of the unbonding period.
pub use execute::sunset::SUNSET_MARGIN_SECONDS;
/// The ibc-hooks intermediary address `receive_return` accepts (for operators and tests).
pub use execute::sync::ibc_hooks_sender;
