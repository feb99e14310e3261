use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Uint128};
use cw_storage_plus::Item;

#[cw_serde]
pub struct Config {
    pub spice_token: Addr,
    pub spice_denom: String,
    pub twap_window_seconds: u64,
    pub max_slippage: Decimal,
    pub max_spot_deviation: Decimal,
    pub keeper_bounty_bps: u16,
    pub cooldown_seconds: u64,
    pub per_call_cap: Uint128,
    pub epoch_cap: Uint128,
    pub epoch_seconds: u64,
}

pub const CONFIG: Item<Config> = Item::new("cfg");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &["cfg"];
