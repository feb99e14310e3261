pub mod books;
pub mod config;
pub mod convert;
pub mod harvest;
pub mod operator;
pub mod principal;
pub mod proceeds;
pub mod strategy;
