pub mod book;
pub mod config;
pub mod expiry;
pub mod matching;
pub mod offers;
pub mod orders;
