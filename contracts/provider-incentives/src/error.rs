use cosmwasm_std::{
    CheckedMultiplyFractionError, CheckedMultiplyRatioError, Decimal, OverflowError, StdError,
    Timestamp, Uint128,
};
use spice_governance::GovernanceError;
use spice_types::ValidationError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    MultiplyRatio(#[from] CheckedMultiplyRatioError),

    #[error(transparent)]
    MultiplyFraction(#[from] CheckedMultiplyFractionError),

    #[error(transparent)]
    Governance(#[from] GovernanceError),

    #[error(transparent)]
    InvalidConfig(#[from] ValidationError),

    #[error("oracle_quorum {quorum} must be between 1 and the number of oracles ({oracles})")]
    QuorumOutOfRange { quorum: u32, oracles: u32 },

    #[error("{field} lists {address} more than once")]
    DuplicateAddress { field: String, address: String },

    #[error("at most {max} {field} are allowed, got {count}")]
    TooManyAddresses { field: String, count: u32, max: u32 },

    #[error("at most {max} reward denoms are allowed, got {count}")]
    TooManyRewardDenoms { count: u32, max: u32 },

    #[error("reward denom {denom} cannot be removed: budgets may still hold it")]
    RewardDenomRemoved { denom: String },

    #[error("tier_multipliers must list 1 to {max} tiers, got {count}")]
    TierCountOutOfRange { count: u32, max: u32 },

    #[error("tier {tier} multiplier {value} must be above 0 and at most {max}")]
    TierMultiplierOutOfRange {
        tier: u32,
        value: Decimal,
        max: Decimal,
    },

    #[error("bond denom {denom} must be one of the reward denoms, so slashed bonds feed the pool")]
    BondDenomNotRewarded { denom: String },

    #[error("min_bond {min_bond} needs a bond_denom")]
    MinBondWithoutDenom { min_bond: Uint128 },

    #[error("max_report_entries {value} must be between 1 and {max}")]
    MaxReportEntriesOutOfRange { value: u32, max: u32 },

    #[error("at most {max} value_weights are allowed, got {count}")]
    TooManyValueWeights { count: u32, max: u32 },

    #[error("{field} lists denom {denom} more than once")]
    DuplicateDenom { field: String, denom: String },

    #[error("value weight of {denom} is {value}; it must be above 0 and at most {max}")]
    ValueWeightOutOfRange {
        denom: String,
        value: Decimal,
        max: Decimal,
    },

    #[error("max_payout_per_epoch caps {denom}, which is not a reward denom")]
    PayoutCapNotRewarded { denom: String },

    #[error("{field} must be above zero")]
    ZeroCap { field: String },

    // --- Roles ---
    #[error("{sender} is not a configured oracle")]
    NotOracle { sender: String },

    #[error("{sender} is not a configured auditor")]
    NotAuditor { sender: String },

    #[error("{sender} is not the configured escrow ({escrow})")]
    NotEscrow { sender: String, escrow: String },

    #[error("a settlement hook carries {count} settlements; 1 to {max} are allowed")]
    SettlementCount { count: usize, max: usize },

    // --- Epochs ---
    #[error("epoch {epoch} is out of the representable range")]
    EpochOutOfRange { epoch: u64 },

    #[error("epoch {epoch} cannot move from {from} to {to}")]
    InvalidEpochTransition {
        epoch: u64,
        from: String,
        to: String,
    },

    #[error("epoch {epoch} has already started or ended (current epoch {current}); fund the current or a later epoch")]
    EpochInPast { epoch: u64, current: u64 },

    #[error("epoch {epoch} is more than {max_ahead} epochs after the current epoch {current}")]
    EpochTooFarAhead {
        epoch: u64,
        current: u64,
        max_ahead: u64,
    },

    #[error("epoch {epoch} has not started (current epoch {current})")]
    EpochNotStarted { epoch: u64, current: u64 },

    #[error("epoch {epoch} has not ended; it ends at {ends_at}")]
    EpochNotEnded { epoch: u64, ends_at: Timestamp },

    #[error("the report window of epoch {epoch} closed at {closed_at}")]
    ReportWindowClosed { epoch: u64, closed_at: Timestamp },

    #[error("the report window of epoch {epoch} is open until {closes_at}")]
    ReportWindowOpen { epoch: u64, closes_at: Timestamp },

    #[error("epochs finalize in order: finalize epoch {next} before epoch {epoch}")]
    EpochOutOfOrder { epoch: u64, next: u64 },

    #[error("epoch {epoch} is already finalized")]
    EpochFinalized { epoch: u64 },

    #[error("epoch {epoch} is not finalized yet")]
    EpochNotFinalized { epoch: u64 },

    // --- Funds ---
    #[error("no funds attached; send one or more of {accepted:?}")]
    NoFunds { accepted: Vec<String> },

    #[error("{denom} is not accepted here; send only {accepted:?}")]
    WrongDenom {
        denom: String,
        accepted: Vec<String>,
    },

    #[error("a zero amount of {denom} was attached")]
    ZeroAmount { denom: String },

    #[error("this message takes no funds, got {funds}")]
    UnexpectedFunds { funds: String },

    // --- Providers ---
    #[error("{field} must be 1 to {max} characters, got {len}")]
    TextLength { field: String, len: u32, max: u32 },

    #[error("provider {provider} is not registered")]
    NotRegistered { provider: String },

    #[error("bond of {bond} is below the minimum {min_bond} {denom}")]
    BondTooSmall {
        bond: Uint128,
        min_bond: Uint128,
        denom: String,
    },

    #[error("tier {tier} is not configured; tiers run from 1 to {max}")]
    InvalidTier { tier: u32, max: u32 },

    #[error("at most {max} attributes are allowed, got {count}")]
    TooManyAttributes { count: u32, max: u32 },

    // --- Reports ---
    #[error("a report may carry 1 to {max} entries, got {count}")]
    ReportSize { count: u32, max: u32 },

    #[error("oracle {oracle} already reported provider {provider} for epoch {epoch}")]
    AlreadyReported {
        epoch: u64,
        provider: String,
        oracle: String,
    },

    #[error("{units} utilization units for {provider} exceeds the per-entry maximum {max}")]
    UtilizationTooLarge {
        provider: String,
        units: Uint128,
        max: Uint128,
    },

    // --- Claims and disputes ---
    #[error("claim range: first epoch {first} is after last epoch {last}")]
    InvalidEpochRange { first: u64, last: u64 },

    #[error("{provider} has nothing claimable in the requested epochs")]
    NothingToClaim { provider: String },

    #[error("provider {provider} has no unclaimed reward in epoch {epoch} to dispute")]
    NothingToDispute { epoch: u64, provider: String },

    #[error("the dispute window of epoch {epoch} closed at {closed_at}")]
    DisputeWindowClosed { epoch: u64, closed_at: Timestamp },

    #[error("no open dispute for provider {provider} in epoch {epoch}")]
    DisputeNotFound { epoch: u64, provider: String },

    #[error("the dispute of provider {provider} in epoch {epoch} expired at {expired_at}; anyone may expire it")]
    DisputeExpired {
        epoch: u64,
        provider: String,
        expired_at: Timestamp,
    },

    #[error("the dispute of provider {provider} in epoch {epoch} runs until {expires_at}")]
    DisputeNotExpired {
        epoch: u64,
        provider: String,
        expires_at: Timestamp,
    },

    #[error("cannot slash {requested} from provider {provider}: its bond is {bond}")]
    SlashExceedsBond {
        provider: String,
        requested: Uint128,
        bond: Uint128,
    },

    #[error("{provider} is already leaving (requested in epoch {last_epoch})")]
    AlreadyLeaving { provider: String, last_epoch: u64 },

    #[error("{provider} has not asked to unbond: send unbond_provider first")]
    NotLeaving { provider: String },

    #[error("{provider}'s bond is locked: {reason}")]
    BondLocked { provider: String, reason: String },
}
