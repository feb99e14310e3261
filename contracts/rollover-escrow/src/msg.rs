use cosmwasm_schema::{cw_serde, QueryResponses};
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::state::Config;

#[cw_serde]
pub struct InstantiateMsg {
    /// Governance (a DAO or the gov module); defaults to the instantiator.
    pub owner: Option<String>,
    /// May pause, never unpause.
    pub guardian: Option<String>,
    /// Denoms a lease may be priced and funded in (e.g. IBC AKT, USDC).
    pub accepted_denoms: Vec<String>,
    /// Cut of each provider withdrawal sent to `fee_collector`, at most 1,000 bps.
    pub take_fee_bps: u16,
    /// Receives take fees: the staking vault or buyback-burn.
    pub fee_collector: String,
    /// Blocks an out-of-funds lease waits for a deposit that revives it before anyone may close it.
    pub grace_period_blocks: u64,
    /// Blocks without a provider heartbeat after which anyone may roll the lease over.
    pub heartbeat_timeout_blocks: u64,
    /// The order book allowed to open leases on tenants' behalf.
    pub order_book: Option<String>,
    /// Keeper reward for a top-up, in bps of the amount moved, at most 500 bps.
    pub keeper_bounty_bps: u16,
}

/// Each field left out keeps its value; the result is validated exactly like instantiate.
#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub accepted_denoms: Option<Vec<String>>,
    pub take_fee_bps: Option<u16>,
    pub fee_collector: Option<String>,
    pub grace_period_blocks: Option<u64>,
    pub heartbeat_timeout_blocks: Option<u64>,
    pub order_book: Option<String>,
    pub keeper_bounty_bps: Option<u16>,
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
