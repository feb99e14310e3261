use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Coin, Decimal, Decimal256, Timestamp, Uint128};
use spice_governance::{OwnershipAction, PauseInfoResponse};
use spice_types::ProviderAuditResponse;

pub use crate::state::ValueWeight;
use crate::state::{Config, EpochStatus, Leaving, ProviderInfo, SignedAttribute};

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
    /// Weight multiplier per audited tier (tier 1 first); 1 to 10 tiers, each in (0, 10].
    /// Defaults to `["1", "1.5", "2"]`.
    pub tier_multipliers: Option<Vec<Decimal>>,
    /// Denom providers bond in; must be one of `reward_denoms`. Fixed for life. Default: none
    /// (registration takes no bond).
    pub bond_denom: Option<String>,
    /// Least bond a provider must hold; needs `bond_denom`. Default 0 (bond optional).
    pub min_bond: Option<Uint128>,
    /// Most entries one `submit_report` carries, 1 to 100. Default 50.
    pub max_report_entries: Option<u32>,
    /// Escrow settlements earn `floor(amount × weight)` weight units (then × tier), by the
    /// lease denom's weight; a denom not listed earns nothing. Default: none.
    pub value_weights: Option<Vec<ValueWeight>>,
    /// Most weight one provider earns per epoch; above 0. Default: no cap.
    pub max_weight_per_provider: Option<Uint128>,
    /// Most weight one tenant's leases earn one provider per epoch; above 0. Default: no cap.
    pub max_weight_per_pair: Option<Uint128>,
    /// Most an epoch pays out per reward denom; the rest carries to the next epoch.
    /// Default: no cap.
    pub max_payout_per_epoch: Option<Vec<Coin>>,
    /// How long a dispute may stay open before anyone may expire it (releasing the reward),
    /// at least one hour. Default 30 days.
    pub dispute_deadline_seconds: Option<u64>,
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
    pub tier_multipliers: Option<Vec<Decimal>>,
    pub min_bond: Option<Uint128>,
    pub max_report_entries: Option<u32>,
    pub value_weights: Option<Vec<ValueWeight>>,
    pub max_weight_per_provider: Option<Uint128>,
    pub max_weight_per_pair: Option<Uint128>,
    pub max_payout_per_epoch: Option<Vec<Coin>>,
    pub dispute_deadline_seconds: Option<u64>,
}

#[cw_serde]
pub struct ReportEntry {
    pub provider: String,
    pub utilization_units: Uint128,
}

#[cw_serde]
pub struct AttributeInput {
    pub key: String,
    pub value: String,
}

/// Inclusive range of epochs.
#[cw_serde]
pub struct EpochRange {
    pub first: u64,
    pub last: u64,
}

#[cw_serde]
pub enum DisputeOutcome {
    /// The reward goes back to the next unfinalized epoch's budget.
    Clawback,
    /// The provider may claim the reward again.
    Release,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Anyone: adds the attached reward-denom coins to `epoch`'s budget (default: the current
    /// epoch; only the current or a later epoch).
    Fund { epoch: Option<u64> },
    /// The sender registers (or updates) itself as a provider, attaching its bond if any.
    RegisterProvider { info: ProviderInfo },
    /// The provider starts leaving: it earns nothing after the current epoch, and its bond can
    /// be withdrawn once that epoch is finalized and past its dispute window. Registering again
    /// cancels it. Open while paused.
    UnbondProvider {},
    /// The leaving provider takes its (possibly slashed) bond back; refused while a dispute
    /// against it is open or its last epoch can still be disputed. Open while paused.
    WithdrawBond {},
    /// Auditors: records this auditor's tier and signed attributes for the provider, replacing
    /// only this auditor's earlier audit. The provider's tier is the lowest any auditor gave.
    AuditProvider {
        provider: String,
        tier: u32,
        attributes: Vec<AttributeInput>,
    },
    /// Oracles: utilization per provider for `epoch`; once `oracle_quorum` oracles reported an
    /// entry, the lower median of their values counts.
    SubmitReport {
        epoch: u64,
        entries: Vec<ReportEntry>,
    },
    /// The configured escrow only (`spice_types::IncentivesHookMsg`): a lease settlement earns
    /// weight by value (`amount` × the denom's value weight × tier), spread pro rata over the
    /// epochs of `served_from..served_until`; see `execute::reports::lease_settled`.
    LeaseSettled {
        provider: String,
        tenant: String,
        lease_id: u64,
        denom: String,
        amount: Uint128,
        take_fee: Uint128,
        blocks: u64,
        served_from: Timestamp,
        served_until: Timestamp,
    },
    /// The configured escrow only: up to 30 settlements in one call (the escrow's batches),
    /// each credited exactly as its own `lease_settled`, in order.
    LeasesSettled {
        settlements: Vec<spice_types::LeaseSettlement>,
    },
    /// Anyone, once the epoch's report window has closed: fixes its reward per weight unit.
    FinalizeEpoch { epoch: u64 },
    /// The sender claims its rewards over at most `limit` epochs (default 10, max 30), in
    /// epoch order, optionally within `epochs`.
    Claim {
        epochs: Option<EpochRange>,
        limit: Option<u32>,
    },
    /// Auditors, within the dispute window after finalization: holds the provider's reward.
    Dispute {
        epoch: u64,
        provider: String,
        reason: String,
    },
    /// Anyone, once the dispute's deadline (`raised_at + dispute_deadline_seconds`) has passed:
    /// the held reward is released to the provider (an accusation not upheld in time lapses),
    /// and its bond is no longer locked by this dispute.
    ExpireDispute { epoch: u64, provider: String },
    /// Owner, before the dispute's deadline: settles a dispute, optionally slashing the
    /// provider's bond into the pool.
    ResolveDispute {
        epoch: u64,
        provider: String,
        outcome: DisputeOutcome,
        slash: Option<Uint128>,
    },
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
    #[returns(EpochResponse)]
    Epoch { epoch: u64 },
    #[returns(ProviderResponse)]
    Provider { address: String },
    #[returns(ProvidersResponse)]
    Providers {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// What the provider earned, per epoch, over at most `limit` epochs after `start_after`.
    #[returns(PendingRewardsResponse)]
    PendingRewards {
        provider: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// `spice_types::ProviderAuditQuery`, asked by the order book.
    #[returns(ProviderAuditResponse)]
    ProviderAudit { provider: String },
    #[returns(Option<DisputeResponse>)]
    Dispute { epoch: u64, provider: String },
    /// Keeper work: the epochs `finalize_epoch` accepts now, in the order it requires (the next
    /// one to finalize, then each following epoch whose report window has also closed), from
    /// after `start_after` (default: before the next one), `limit` default 10, at most 30.
    /// Finalizing pays no bounty.
    #[returns(KeeperWorkResponse)]
    KeeperWork {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
}

#[cw_serde]
pub struct KeeperWorkResponse {
    /// The calls to send, in this order (each epoch only after the one before it).
    pub ready: Vec<FinalizeWork>,
    /// The first epoch not listed, when it is not finalizable yet: why and from when.
    pub next: Option<NextFinalize>,
}

#[cw_serde]
pub struct FinalizeWork {
    pub epoch: u64,
    pub msg: ExecuteMsg,
    /// What the epoch holds when finalized, and the weight it is shared over.
    pub budget: Vec<Coin>,
    pub total_weight: Uint128,
}

#[cw_serde]
pub struct NextFinalize {
    pub epoch: u64,
    /// The error `finalize_epoch` gives for it now.
    pub refusal: String,
    /// When its report window closes (it can be finalized from then on, unless paused).
    pub ready_at: Timestamp,
}

#[cw_serde]
pub struct DenomRate {
    pub denom: String,
    /// Budget per weight unit, rounded down to 18 decimals (informational: claims use the exact
    /// ratio `budget × weight / total_weight`).
    pub reward_per_weight: Decimal256,
}

#[cw_serde]
pub struct EpochResponse {
    pub epoch: u64,
    pub current_epoch: u64,
    pub status: EpochStatus,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub report_window_closes_at: Timestamp,
    pub budget: Vec<Coin>,
    pub total_weight: Uint128,
    /// Empty until finalized, or when no weight was earned.
    pub reward_per_weight: Vec<DenomRate>,
    pub finalized_at: Option<Timestamp>,
    /// Claims open (and the dispute window closes) at this time.
    pub claimable_at: Option<Timestamp>,
    pub settled_weight: Uint128,
    pub settled: Vec<Coin>,
    pub held: Vec<Coin>,
    pub carried_out: Vec<Coin>,
}

#[cw_serde]
pub struct ProviderResponse {
    pub address: String,
    pub info: ProviderInfo,
    pub registered_at: Timestamp,
    pub bond: Uint128,
    pub tier: Option<u32>,
    pub attributes: Vec<SignedAttribute>,
    pub audited_at: Option<Timestamp>,
    pub open_disputes: u32,
    pub leaving: Option<Leaving>,
}

#[cw_serde]
pub struct ProvidersResponse {
    pub providers: Vec<ProviderResponse>,
}

#[cw_serde]
pub struct EpochReward {
    pub epoch: u64,
    pub weight: Uint128,
    pub status: EpochStatus,
    /// Zero-free list; empty until the epoch is finalized.
    pub rewards: Vec<Coin>,
    /// Finalized and past the dispute window: `claim` pays it now.
    pub claimable: bool,
}

#[cw_serde]
pub struct PendingRewardsResponse {
    pub provider: String,
    /// Sum of the claimable epochs' rewards in this page.
    pub claimable: Vec<Coin>,
    pub epochs: Vec<EpochReward>,
    /// Pass as `start_after` for the next page; `None` when this page is the last.
    pub next_start_after: Option<u64>,
}

#[cw_serde]
pub struct DisputeResponse {
    pub epoch: u64,
    pub provider: String,
    pub weight: Uint128,
    pub amounts: Vec<Coin>,
    pub auditor: String,
    pub reason: String,
    pub raised_at: Timestamp,
    /// After this anyone may `expire_dispute`, releasing the reward to the provider.
    pub expires_at: Timestamp,
}

#[cw_serde]
pub struct MigrateMsg {}
