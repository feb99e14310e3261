//! Types and helpers every SPICE contract shares: event naming, pagination bounds,
//! and the validation rules for the config values that recur across contracts
//! (basis points, fractions, denoms, time windows).

pub mod events;
pub mod hooks;
pub mod msg_fields;
pub mod overlay;
pub mod pagination;
pub mod query;
pub mod validation;

pub use events::{spice_event, ContractTag};
pub use hooks::{
    AuditedAttribute, BackupProvider, EscrowOpenLease, EscrowOpenLeases, IncentivesHookMsg,
    LeaseSettlement, OpenLeaseItem, OpenLeaseMsg, OpenLeaseResult, OpenLeasesResponse,
    ProviderAuditQuery, ProviderAuditResponse, MAX_OPEN_LEASES, MAX_SETTLEMENTS_PER_HOOK,
};
pub use pagination::{page_limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
pub use validation::{
    validate_bps, validate_denom, validate_denoms, validate_fraction, validate_max_seconds,
    validate_min_seconds, ValidationError, BPS_DENOMINATOR,
};
