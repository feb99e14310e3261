pub mod burn;
pub mod buyback;
pub mod config;
pub mod routes;
