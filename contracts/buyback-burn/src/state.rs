use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Decimal256, Uint128};
use cw_storage_plus::{Item, Map};

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
    /// Most pools a route may cross (1 ..= `MAX_HOPS_LIMIT`). A config stored before this field
    /// existed reads as the default.
    #[serde(default = "default_max_hops")]
    pub max_hops: u32,
    /// The smallest swap a buyback makes: a call that would swap less is refused and changes
    /// nothing, so no caller can spend the cooldown on dust. 1 ..= `per_call_cap`; a config
    /// stored before this field existed reads 0 and `migrate` sets the default.
    #[serde(default)]
    pub min_swap: Uint128,
}

fn default_max_hops() -> u32 {
    crate::execute::config::DEFAULT_MAX_HOPS
}

/// One pool crossed by a route (shared with the other contract that swaps along routes).
pub use spice_osmosis::Hop;

/// What the contract remembers per revenue denom (created at the first buyback).
#[cw_serde]
#[derive(Default)]
pub struct DenomState {
    /// Block time (seconds) of the last executed buyback; `None` before the first.
    pub last_buyback_at: Option<u64>,
    /// When the cooldown the last buyback started ends: `last_buyback_at +
    /// ⌈cooldown_seconds × amount_in / per_call_cap⌉`, so a small swap blocks the next one for
    /// its share of the cooldown only. `None` for a record written before this field existed
    /// (the full cooldown after `last_buyback_at` applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_until: Option<u64>,
    /// The epoch (`time / epoch_seconds`) that `spent_in_epoch` counts.
    pub epoch: u64,
    /// Input swapped in `epoch` (the keeper bounty is not counted: it is not swapped).
    pub spent_in_epoch: Uint128,
    /// Everything ever swapped of this denom.
    pub total_in: Uint128,
    /// Everything ever paid to keepers in this denom.
    pub total_bounty: Uint128,
    /// All SPICE this denom bought (and burned).
    pub total_spice_out: Uint128,
}

/// Suite-wide totals. Every SPICE bought is burned in the same transaction, so
/// `spice_burned == spice_bought + spice_burned_held` after every transaction. This is this
/// contract's own count: whether the burns happened is checked against spice-token's
/// `burners` entry for this contract and the bank's supply of native SPICE (the suite's
/// invariants and this crate's property test do), never against these numbers alone.
#[cw_serde]
#[derive(Default)]
pub struct Totals {
    pub buybacks: u64,
    pub spice_bought: Uint128,
    pub spice_burned: Uint128,
    /// SPICE burned by `burn_held` (held outside any buyback).
    #[serde(default)]
    pub spice_burned_held: Uint128,
}

/// The buyback between its `execute` (which sends the swap) and the swap's `reply`. Written just
/// before the swap is dispatched and removed in the reply, in the same transaction: its presence
/// outside that window is impossible, and a second `buyback` while it exists is refused.
#[cw_serde]
pub struct InFlight {
    pub denom: String,
    pub keeper: Addr,
    pub amount_in: Uint128,
    pub min_out: Uint128,
    pub bounty: Uint128,
    /// SPICE per unit of input, from the per-hop TWAPs composed along the route.
    pub twap_price: Decimal256,
}

/// One executed buyback, as the `history` query shows it.
#[cw_serde]
pub struct BuybackRecord {
    pub id: u64,
    pub denom: String,
    pub amount_in: Uint128,
    pub spice_out: Uint128,
    pub spice_burned: Uint128,
    pub min_out: Uint128,
    pub bounty: Uint128,
    /// SPICE received per unit of input (`spice_out / amount_in`).
    pub execution_price: Decimal256,
    /// SPICE per unit of input at the composed TWAP.
    pub twap_price: Decimal256,
    pub height: u64,
    pub time: u64,
    pub keeper: Addr,
}

pub const CONFIG: Item<Config> = Item::new("cfg");
/// Route by input denom.
pub const ROUTES: Map<&str, Vec<Hop>> = Map::new("r");
/// Cooldown, epoch budget and totals by input denom.
pub const DENOMS: Map<&str, DenomState> = Map::new("d");
pub const TOTALS: Item<Totals> = Item::new("t");
pub const IN_FLIGHT: Item<InFlight> = Item::new("f");
/// Executed buybacks by id (ascending from 1).
pub const HISTORY: Map<u64, BuybackRecord> = Map::new("h");
/// The last history id handed out.
pub const HISTORY_SEQ: Item<u64> = Item::new("n");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &["cfg", "r", "d", "t", "f", "h", "n"];
