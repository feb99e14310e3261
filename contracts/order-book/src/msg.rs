use cosmwasm_schema::{cw_serde, QueryResponses};
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::state::Config;

#[cw_serde]
pub struct InstantiateMsg {
    /// Governance (a DAO or the gov module); defaults to the instantiator.
    pub owner: Option<String>,
    /// May pause, never unpause.
    pub guardian: Option<String>,
    /// The rollover-escrow a fill opens its lease in.
    pub escrow: String,
    /// Denoms orders and offers may be priced in.
    pub accepted_denoms: Vec<String>,
    /// An order's deposit must pay at least this many blocks at its max price.
    pub min_runway_blocks: u64,
    /// Open orders one tenant may have at once (1 to 100), against spam.
    pub max_open_orders_per_tenant: u32,
    /// When set, only providers audited in this provider-incentives registry may post offers.
    pub provider_registry: Option<String>,
}

/// Each field left out keeps its value; the result is validated exactly like instantiate.
#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub escrow: Option<String>,
    pub accepted_denoms: Option<Vec<String>>,
    pub min_runway_blocks: Option<u64>,
    pub max_open_orders_per_tenant: Option<u32>,
    pub provider_registry: Option<String>,
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
