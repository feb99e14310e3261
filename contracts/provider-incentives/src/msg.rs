use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::Timestamp;
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::state::Config;

#[cw_serde]
pub struct InstantiateMsg {
    /// Governance (a DAO or the gov module); defaults to the instantiator.
    pub owner: Option<String>,
    /// May pause, never unpause.
    pub guardian: Option<String>,
    /// Denoms the pool is funded and pays in.
    pub reward_denoms: Vec<String>,
    /// Start of epoch 0; defaults to the instantiation block's time. Fixed for life.
    pub genesis_time: Option<Timestamp>,
    /// Epoch length, at least one hour. Fixed for life, so epoch numbers never shift.
    pub epoch_seconds: u64,
    /// Time after an epoch ends in which oracles may still report on it.
    pub report_window_seconds: u64,
    /// Time after finalization in which auditors may dispute a provider's reward.
    pub dispute_window_seconds: u64,
    /// Accounts whose utilization reports count; an entry counts once `oracle_quorum` agree.
    pub oracles: Vec<String>,
    /// M of the N oracles; 1 ≤ M ≤ N.
    pub oracle_quorum: u32,
    /// Accounts that audit providers (assign tiers) and raise disputes.
    pub auditors: Vec<String>,
    /// The rollover-escrow whose settled leases count as utilization without oracles.
    pub escrow: Option<String>,
}

/// Each field left out keeps its value; the result is validated exactly like instantiate.
/// The epoch schedule (genesis, length) cannot change: it would renumber past epochs.
#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub reward_denoms: Option<Vec<String>>,
    pub report_window_seconds: Option<u64>,
    pub dispute_window_seconds: Option<u64>,
    pub oracles: Option<Vec<String>>,
    pub oracle_quorum: Option<u32>,
    pub auditors: Option<Vec<String>>,
    pub escrow: Option<String>,
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
