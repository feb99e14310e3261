use cosmwasm_schema::cw_serde;
use cosmwasm_std::Addr;
use cw_storage_plus::Item;

#[cw_serde]
pub struct Config {
    pub accepted_denoms: Vec<String>,
    pub take_fee_bps: u16,
    pub fee_collector: Addr,
    pub grace_period_blocks: u64,
    pub heartbeat_timeout_blocks: u64,
    pub order_book: Option<Addr>,
    pub keeper_bounty_bps: u16,
}

pub const CONFIG: Item<Config> = Item::new("cfg");

/// Every storage key this contract writes, including the governance package's; a test checks
/// that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &["cfg"];
