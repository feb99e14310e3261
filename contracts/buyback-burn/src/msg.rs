use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Decimal, Uint128};
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::state::Config;

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
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Owner only.
    UpdateConfig(ConfigUpdate),
    /// Two-step ownership transfer (cw-ownable): propose, accept, or renounce.
    UpdateOwnership(OwnershipAction),
    /// Owner only; `null` removes the guardian.
    SetGuardian { guardian: Option<String> },
    /// Owner or guardian.
    Pause {},
    /// Owner only.
    Unpause {},
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    Config {},
    #[returns(spice_governance::Ownership<String>)]
    Ownership {},
    #[returns(PauseInfoResponse)]
    PauseInfo {},
}

#[cw_serde]
pub struct MigrateMsg {}
