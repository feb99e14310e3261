use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Decimal, Decimal256, Uint128};
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::state::{BuybackRecord, Config, Hop};

#[cw_serde]
pub struct InstantiateMsg {
    /// Governance (a DAO or the gov module); defaults to the instantiator.
    pub owner: Option<String>,
    /// May pause, never unpause.
    pub guardian: Option<String>,
    /// The spice-token contract whose `burn_native` records every burn.
    pub spice_token: String,
    /// SPICE's tokenfactory denom, `factory/{spice_token}/uspice`: every route ends in it.
    pub spice_denom: String,
    /// TWAP window for the minimum-out price, at least 600 seconds.
    pub twap_window_seconds: u64,
    /// Largest shortfall below the TWAP-implied output a buyback accepts, at most 10%.
    pub max_slippage: Decimal,
    /// Largest distance of spot from TWAP before a buyback is refused as manipulated, at most 10%.
    pub max_spot_deviation: Decimal,
    /// Keeper reward in bps of the input swapped, at most 500 bps.
    pub keeper_bounty_bps: u16,
    /// Least time between two buybacks of the same denom.
    pub cooldown_seconds: u64,
    /// Most input one call swaps (per denom); the rest waits for later calls.
    pub per_call_cap: Uint128,
    /// Most input swapped per denom in one epoch; at least `per_call_cap`.
    pub epoch_cap: Uint128,
    /// Length of a budget epoch (e.g. a day), at least 600 seconds.
    pub epoch_seconds: u64,
    /// Least input one buyback swaps, so dust cannot spend the cooldown; from 1 to
    /// `per_call_cap`. Left out: 1% of `per_call_cap`, rounded up.
    #[serde(default)]
    pub min_swap: Option<Uint128>,
}

/// Each field left out keeps its value; the result is validated exactly like instantiate.
#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub spice_token: Option<String>,
    pub spice_denom: Option<String>,
    pub twap_window_seconds: Option<u64>,
    pub max_slippage: Option<Decimal>,
    pub max_spot_deviation: Option<Decimal>,
    pub keeper_bounty_bps: Option<u16>,
    pub cooldown_seconds: Option<u64>,
    pub per_call_cap: Option<Uint128>,
    pub epoch_cap: Option<Uint128>,
    pub epoch_seconds: Option<u64>,
    /// Most pools a route may cross, 1 to 5 (3 at instantiate). Routes already stored keep
    /// working; the bound applies to `set_route`.
    pub max_hops: Option<u32>,
    /// The smallest swap a buyback makes, 1 to `per_call_cap` (1% of `per_call_cap`, rounded
    /// up, at instantiate).
    pub min_swap: Option<Uint128>,
}

// Variants of the same shape share one decoder (`deserialize_with`, see
// `spice_types::msg_fields`); the JSON and the schema are those of the variants as written.
// `update_config` carries every optional field; boxing it would change every caller's Rust for
// no gain (messages are decoded once per call).
#[allow(clippy::large_enum_variant)]
#[cw_serde]
pub enum ExecuteMsg {
    /// Anyone (a keeper): swaps part of this contract's `denom` balance along its route into
    /// SPICE, TWAP-guarded, burns the SPICE through spice-token and pays the caller the bounty.
    /// Swaps `min(limit, per_call_cap, epoch budget left, what the balance covers with the
    /// bounty)`; the rest waits for later calls.
    #[serde(deserialize_with = "spice_types::msg_fields::denom_limit")]
    Buyback {
        denom: String,
        limit: Option<Uint128>,
    },
    /// Anyone: burns the native and cw20 SPICE this contract holds (sent to it outside a
    /// buyback) through spice-token's burn paths, so the token's burn totals record it. Pays no
    /// bounty and changes no cooldown or budget.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    BurnHeld {},
    /// Owner only: sets (or replaces) the route `denom` is swapped along.
    SetRoute { denom: String, hops: Vec<Hop> },
    /// Owner only.
    #[serde(deserialize_with = "spice_types::msg_fields::denom")]
    RemoveRoute { denom: String },
    /// Owner only.
    UpdateConfig(ConfigUpdate),
    /// Two-step ownership transfer (cw-ownable): propose, accept, or renounce.
    UpdateOwnership(OwnershipAction),
    /// Owner only; `null` removes the guardian.
    SetGuardian { guardian: Option<String> },
    /// Owner or guardian.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Pause {},
    /// Owner only.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Unpause {},
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Config {},
    /// Routes ascending by input denom.
    #[returns(RoutesResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::page")]
    Routes {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Totals, and per routed denom (ascending, paginated) what is pending and when it may go.
    #[returns(StatusResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::page")]
    Status {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// What `buyback { denom, limit }` would do if sent now, or why it would be refused.
    #[returns(SimulateBuybackResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::denom_limit")]
    SimulateBuyback {
        denom: String,
        limit: Option<Uint128>,
    },
    /// Keeper work: one page of routed denoms (ascending after `start_after`, `limit` default
    /// 10, at most 30) holding revenue, each either ready (`buyback { denom }` would execute now,
    /// with the bounty it pays, from the same checks as `simulate_buyback`) or waiting with the
    /// reason the call would be refused now. Denoms with no balance are left out.
    #[returns(KeeperWorkResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::page")]
    KeeperWork {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Executed buybacks ascending by id.
    #[returns(HistoryResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::page")]
    History {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    #[returns(spice_governance::Ownership<String>)]
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Ownership {},
    #[returns(PauseInfoResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    PauseInfo {},
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct RouteInfo {
    pub denom: String,
    pub hops: Vec<Hop>,
}

#[cw_serde]
pub struct RoutesResponse {
    pub routes: Vec<RouteInfo>,
}

#[cw_serde]
pub struct DenomStatus {
    pub denom: String,
    /// This contract's balance of the denom: revenue waiting to be bought back.
    pub pending: Uint128,
    /// Earliest block time (seconds) of the next buyback of this denom.
    pub next_allowed_at: u64,
    /// Input still swappable in the current epoch.
    pub epoch_budget_left: Uint128,
    /// When the current epoch ends (seconds).
    pub epoch_ends_at: u64,
    pub total_in: Uint128,
    pub total_bounty: Uint128,
    pub total_spice_out: Uint128,
}

#[cw_serde]
pub struct StatusResponse {
    pub buybacks: u64,
    pub spice_bought: Uint128,
    /// Everything this contract sent to spice-token to burn: what buybacks bought plus what
    /// `burn_held` burned. The token's `burners` entry for this contract must say the same.
    pub spice_burned: Uint128,
    /// The part of `spice_burned` that `burn_held` burned.
    pub spice_burned_held: Uint128,
    pub denoms: Vec<DenomStatus>,
}

#[cw_serde]
pub struct SimulateBuybackResponse {
    pub denom: String,
    pub pending: Uint128,
    pub next_allowed_at: u64,
    pub epoch_budget_left: Uint128,
    /// Input the call would swap (0 when refused before sizing).
    pub amount_in: Uint128,
    /// The pools' own estimate of the SPICE out for `amount_in` (0 when not priced).
    pub expected_out: Uint128,
    /// `amount_in × Π twap × (1 − max_slippage)`, rounded up (0 when not priced).
    pub min_out: Uint128,
    /// SPICE per unit of input at the composed TWAP.
    pub twap_price: Option<Decimal256>,
    /// SPICE per unit of input at the composed spot price.
    pub spot_price: Option<Decimal256>,
    pub bounty: Uint128,
    pub would_execute: bool,
    /// The error the call would fail with now.
    pub refusal: Option<String>,
}

#[cw_serde]
pub struct KeeperWorkResponse {
    /// Calls that would execute now, each with its bounty.
    pub ready: Vec<BuybackWork>,
    /// Denoms holding revenue whose buyback would be refused now.
    pub waiting: Vec<WaitingDenom>,
    /// The last routed denom this page read (pass it as `start_after`); `None` when the page
    /// reached the last route.
    pub next_start_after: Option<String>,
}

#[cw_serde]
pub struct BuybackWork {
    pub denom: String,
    /// The call to send.
    pub msg: ExecuteMsg,
    /// The revenue held in `denom`.
    pub pending: Uint128,
    pub amount_in: Uint128,
    pub min_out: Uint128,
    pub expected_out: Uint128,
    /// Paid to the sender in `denom`, off the top of `amount_in`'s revenue.
    pub bounty: Uint128,
}

#[cw_serde]
pub struct WaitingDenom {
    pub denom: String,
    pub pending: Uint128,
    /// The error `buyback { denom }` would fail with now.
    pub refusal: String,
    /// When the cooldown lets it go (seconds), for a keeper's schedule.
    pub next_allowed_at: u64,
}

#[cw_serde]
pub struct HistoryResponse {
    pub buybacks: Vec<BuybackRecord>,
}

/// The spice-token messages this contract sends (their JSON is spice-token's).
#[cw_serde]
pub enum SpiceTokenMsg {
    /// Burns the attached native SPICE and records the burn.
    BurnNative {},
    /// cw20 `burn` of this contract's own cw20 SPICE, recorded by the token.
    Burn { amount: Uint128 },
}

/// The one spice-token query this contract asks (cw20 `balance`).
#[cw_serde]
pub enum SpiceTokenQuery {
    Balance { address: String },
}

/// cw20's `BalanceResponse`.
#[cw_serde]
pub struct SpiceTokenBalance {
    pub balance: Uint128,
}
