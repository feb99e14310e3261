use cosmwasm_schema::cw_serde;
use cosmwasm_std::Addr;
use cw_storage_plus::Item;

#[cw_serde]
pub struct Config {
    pub escrow: Addr,
    pub accepted_denoms: Vec<String>,
    pub min_runway_blocks: u64,
    pub max_open_orders_per_tenant: u32,
    pub provider_registry: Option<Addr>,
}

pub const CONFIG: Item<Config> = Item::new("cfg");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &["cfg"];
