mod auth;
mod config;
mod funding;
mod lease;
mod pause;
mod property;
mod rollover;
mod suite;
