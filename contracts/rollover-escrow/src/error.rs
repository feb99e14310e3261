use cosmwasm_std::{DivideByZeroError, OverflowError, StdError, Uint128};
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
    DivideByZero(#[from] DivideByZeroError),

    #[error(transparent)]
    Governance(#[from] GovernanceError),

    #[error(transparent)]
    InvalidConfig(#[from] ValidationError),

    #[error("heartbeat_timeout_blocks must be at least 1")]
    ZeroHeartbeatTimeout,

    #[error("max_backups is {value}; at most {max} is allowed")]
    TooManyBackupsAllowed { value: u32, max: u32 },

    #[error("{count} monitors configured; at most {max} are allowed")]
    TooManyMonitors { count: usize, max: usize },

    #[error("monitor {monitor} is listed more than once")]
    DuplicateMonitor { monitor: String },

    #[error("lease {lease_id} does not exist")]
    LeaseNotFound { lease_id: u64 },

    #[error("{sender} may not {action} lease {lease_id}: only {allowed} may")]
    Unauthorized {
        sender: String,
        action: String,
        lease_id: u64,
        allowed: String,
    },

    #[error("{sender} may not {action}: only {allowed} may")]
    NotAllowed {
        sender: String,
        action: String,
        allowed: String,
    },

    #[error("send exactly one coin; got {count}")]
    ExpectedOneCoin { count: usize },

    #[error("no funds may be sent with this message; got {count} coins")]
    UnexpectedFunds { count: usize },

    #[error("amount must be above zero")]
    ZeroAmount,

    #[error("denom {denom} is not accepted; accepted: {accepted}")]
    DenomNotAccepted { denom: String, accepted: String },

    #[error("lease {lease_id} is in {expected}; got {got}")]
    WrongDenom {
        lease_id: u64,
        expected: String,
        got: String,
    },

    #[error("the attached coin is {got}; the lease is priced in {expected}")]
    FundsDenomMismatch { expected: String, got: String },

    #[error("lease {lease_id} has no auto top-up set")]
    NoAutoTopUp { lease_id: u64 },

    #[error("price_per_block must be above zero")]
    ZeroPrice,

    #[error("spec_ref is {len} bytes long; at most {max} are allowed")]
    SpecRefTooLong { len: usize, max: usize },

    #[error("the tenant cannot be the provider ({address})")]
    TenantIsProvider { address: String },

    #[error("tenant {tenant} differs from the sender {sender}; only the order book may open for another tenant")]
    TenantMismatch { tenant: String, sender: String },

    #[error("the order book must name the tenant it opens a lease for")]
    MissingTenant,

    #[error("{count} backups given; at most {max} are allowed")]
    TooManyBackups { count: usize, max: u32 },

    #[error("backup {provider} is listed more than once")]
    DuplicateBackup { provider: String },

    #[error("lease {lease_id} cannot go from {from} to {to}")]
    InvalidTransition {
        lease_id: u64,
        from: String,
        to: String,
    },

    #[error("lease {lease_id} is {status}; this needs it {needed}")]
    WrongStatus {
        lease_id: u64,
        status: String,
        needed: String,
    },

    #[error("reason {reason} is outside {min}..={max} for this caller")]
    ReasonOutOfRange { reason: u32, min: u32, max: u32 },

    #[error("lease {lease_id} ran out of funds at {since}; its grace period ends at {grace_ends}")]
    GracePeriodNotOver {
        lease_id: u64,
        since: u64,
        grace_ends: u64,
    },

    #[error("lease {lease_id} ran out of funds at {since}; its grace period ended at {grace_ends}, so it can only be closed")]
    GracePeriodOver {
        lease_id: u64,
        since: u64,
        grace_ends: u64,
    },

    #[error("lease {lease_id} has nothing to withdraw")]
    NothingToWithdraw { lease_id: u64 },

    #[error("lease {lease_id} already holds {max} separate deposits of this kind; deposit again from an existing source")]
    TooManyDeposits { lease_id: u64, max: usize },

    #[error("lease {lease_id}: a deposit by someone other than the tenant must be at least {min}; got {amount}")]
    DepositBelowMinimum {
        lease_id: u64,
        amount: Uint128,
        min: Uint128,
    },

    #[error("{sender} is a backup of lease {lease_id} and may not force its rollover")]
    BackupMayNotForce { lease_id: u64, sender: String },

    #[error("no reply {id} was expected")]
    UnknownReply { id: u64 },

    #[error("{sender} is not a backup of lease {lease_id}")]
    NotABackup { lease_id: u64, sender: String },

    #[error("tenant {tenant} cannot be a backup of its own lease")]
    BackupIsTenant { tenant: String },

    #[error("backup {provider} is already the lease's provider")]
    BackupIsProvider { provider: String },

    #[error("lease {lease_id} needs {needed} but {available} is available")]
    InsufficientFunds {
        lease_id: u64,
        needed: Uint128,
        available: Uint128,
    },

    #[error("{owner} holds {available} {denom}; {needed} was asked for")]
    InsufficientBalance {
        owner: String,
        denom: String,
        needed: Uint128,
        available: Uint128,
    },

    #[error("no grant from {granter} to {grantee}")]
    GrantNotFound { granter: String, grantee: String },

    #[error("the grant from {granter} to {grantee} expired at height {expiration}")]
    GrantExpired {
        granter: String,
        grantee: String,
        expiration: u64,
    },

    #[error("the grant from {granter} to {grantee} has {remaining} left; {needed} was asked for")]
    GrantLimitExceeded {
        granter: String,
        grantee: String,
        needed: Uint128,
        remaining: Uint128,
    },

    #[error("expiration {expiration} is not after the current height {height}")]
    ExpirationInPast { expiration: u64, height: u64 },

    #[error("an account cannot grant to itself ({address})")]
    SelfGrant { address: String },

    #[error("the grant is in {grant_denom}; lease {lease_id} is in {lease_denom}")]
    GrantDenomMismatch {
        lease_id: u64,
        grant_denom: String,
        lease_denom: String,
    },

    #[error("lease {lease_id}'s tenant {tenant} is neither the granter nor the grantee")]
    GrantNotForLease { lease_id: u64, tenant: String },

    #[error("lease {lease_id}'s provider {provider} is healthy: heartbeat at {last_heartbeat}, timeout at {timeout_at}, no failure reported")]
    ProviderHealthy {
        lease_id: u64,
        provider: String,
        last_heartbeat: u64,
        timeout_at: u64,
    },

    #[error("a batch needs at least one item")]
    EmptyBatch,

    #[error("a batch of {count} items; at most {max} are allowed")]
    BatchTooLarge { count: usize, max: usize },

    #[error("{attached} {denom} attached but the items list {listed}")]
    BatchFundsMismatch {
        denom: String,
        attached: Uint128,
        listed: Uint128,
    },

    #[error("{sender} may not open leases in a batch: only the order book {order_book} may")]
    NotOrderBook { sender: String, order_book: String },
}
