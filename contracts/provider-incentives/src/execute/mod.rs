pub mod claims;
pub mod config;
pub mod disputes;
pub mod epochs;
pub mod providers;
pub mod reports;
