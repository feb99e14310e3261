use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::Decimal;
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::state::Config;

#[cw_serde]
pub struct InstantiateMsg {
    /// Governance (a DAO or the gov module); defaults to the instantiator.
    pub owner: Option<String>,
    /// May pause, never unpause.
    pub guardian: Option<String>,
    /// AKT as this chain knows it (on Osmosis, an `ibc/…` denom).
    pub akt_denom: String,
    /// Receives harvested staking revenue: the buyback-burn contract.
    pub revenue_recipient: String,
    /// TWAP window for the minimum-out price, at least 600 seconds.
    pub twap_window_seconds: u64,
    /// Largest shortfall below the TWAP-implied output a swap accepts, at most 10%.
    pub max_slippage: Decimal,
    /// Largest distance of spot from TWAP before a swap is refused as manipulated, at most 10%.
    pub max_spot_deviation: Decimal,
    /// Keeper reward in bps of the amount swapped or harvested, at most 500 bps.
    pub keeper_bounty_bps: u16,
    /// Least time between two conversions of the same denom.
    pub convert_cooldown_seconds: u64,
}

/// Each field left out keeps its value; the result is validated exactly like instantiate.
#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub akt_denom: Option<String>,
    pub revenue_recipient: Option<String>,
    pub twap_window_seconds: Option<u64>,
    pub max_slippage: Option<Decimal>,
    pub max_spot_deviation: Option<Decimal>,
    pub keeper_bounty_bps: Option<u16>,
    pub convert_cooldown_seconds: Option<u64>,
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
