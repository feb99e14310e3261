pub mod batch;
pub mod config;
pub mod funding;
pub mod health;
pub mod lease;
pub mod ledger;
pub mod open_batch;
pub mod rollover;
