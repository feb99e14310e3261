use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Timestamp};
use cw_storage_plus::Item;

#[cw_serde]
pub struct Config {
    pub reward_denoms: Vec<String>,
    pub genesis_time: Timestamp,
    pub epoch_seconds: u64,
    pub report_window_seconds: u64,
    pub dispute_window_seconds: u64,
    pub oracles: Vec<Addr>,
    pub oracle_quorum: u32,
    pub auditors: Vec<Addr>,
    pub escrow: Option<Addr>,
}

pub const CONFIG: Item<Config> = Item::new("cfg");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &["cfg"];
