pub mod contract;
pub mod error;
mod execute;
pub mod msg;
mod query;
pub mod state;

#[cfg(test)]
mod tests;

pub use error::ContractError;
/// Heartbeat intervals a provider must miss before it counts as failed.
pub use execute::health::MISSED_INTERVALS;
