use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Coin, Decimal, Uint128};
use spice_governance::{OwnershipAction, PauseInfoResponse};
use spice_types::{BackupProvider, OpenLeaseItem, OpenLeaseMsg};

use crate::state::{
    AutoTopUp, Backup, Config, DepositEntry, Failure, LeaseStatus, ProviderTerm, TopUpSource,
};

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
    /// The heartbeat interval: a provider silent for `MISSED_INTERVALS` (3) of them counts as
    /// failed, and anyone but its backups may then roll its leases over.
    pub heartbeat_timeout_blocks: u64,
    /// The order book allowed to open leases on tenants' behalf.
    pub order_book: Option<String>,
    /// Keeper reward for a top-up, in bps of the amount moved, at most 500 bps.
    pub keeper_bounty_bps: u16,
    /// provider-incentives, sent `lease_settled` on every provider payout. Default: none.
    #[serde(default)]
    pub incentives: Option<String>,
    /// Accounts that may report failures and roll leases over. Default: none; at most 20.
    #[serde(default)]
    pub monitors: Option<Vec<String>>,
    /// Longest standby list per lease. Default 5, at most 10.
    #[serde(default)]
    pub max_backups: Option<u32>,
    /// Share of a provider bond slashed to the tenant on an attested failure. Default 10,000.
    #[serde(default)]
    pub bond_slash_bps: Option<u16>,
    /// Smallest bank deposit by anyone other than the tenant (or the order book). Default 1,000.
    #[serde(default)]
    pub min_sponsor_deposit: Option<Uint128>,
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
    #[serde(default)]
    pub incentives: Option<String>,
    #[serde(default)]
    pub monitors: Option<Vec<String>>,
    #[serde(default)]
    pub max_backups: Option<u32>,
    #[serde(default)]
    pub bond_slash_bps: Option<u16>,
    #[serde(default)]
    pub min_sponsor_deposit: Option<Uint128>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Owner only.
    UpdateConfig(ConfigUpdate),
    /// Two-step ownership transfer (cw-ownable): propose, accept, or renounce.
    UpdateOwnership(OwnershipAction),
    /// Owner only; `null` removes the guardian.
    SetGuardian {
        guardian: Option<String>,
    },
    /// Owner or guardian.
    Pause {},
    /// Owner only.
    Unpause {},

    /// A tenant (lease waits for `accept_lease`) or the order book (lease starts at once);
    /// exactly one coin of `denom` attached as the first deposit.
    OpenLease(OpenLeaseMsg),
    /// The order book only: opens 1–30 leases, each exactly as its own `open_lease`. The coins
    /// attached must be the items' deposits summed per denom (else nothing happens). A refused
    /// item is skipped with nothing of it written and its deposit sent back to the order book;
    /// the response's `data` is an `OpenLeasesResponse` (spice-types) with one result per item.
    OpenLeases {
        leases: Vec<OpenLeaseItem>,
    },
    /// The provider agrees to a tenant-opened lease; streaming starts this block.
    AcceptLease {
        lease_id: u64,
    },
    /// Anyone: pays the provider for the blocks since the last settlement (no-op twice a block).
    Settle {
        lease_id: u64,
    },
    /// The current provider: settles and pays out what it earned, minus the take fee.
    Withdraw {
        lease_id: u64,
    },
    /// Tenant (reason 1–9999), provider (10000–19999), or anyone with 20000+ once an
    /// out-of-funds lease's grace period is over. Pays the provider, refunds depositors newest
    /// deposit first.
    CloseLease {
        lease_id: u64,
        reason: u32,
    },
    /// Anyone, one coin of the lease's denom; revives an out-of-funds lease within grace.
    Deposit {
        lease_id: u64,
    },
    /// A grantee moves `amount` of the granter's prefunded balance into a lease whose tenant is
    /// the granter or the grantee.
    DepositFromGrant {
        lease_id: u64,
        granter: String,
        amount: Uint128,
    },
    /// Anyone: prefund a balance (one coin of an accepted denom) for grants and auto top-ups.
    FundBalance {},
    /// Take back prefunded balance (open while paused).
    WithdrawBalance {
        denom: String,
        amount: Uint128,
    },
    /// Let `grantee` spend up to `spend_limit` of the sender's prefunded balance on leases.
    Grant {
        grantee: String,
        spend_limit: Coin,
        /// Block height from which the grant stops working.
        expiration: Option<u64>,
    },
    Revoke {
        grantee: String,
    },
    /// Tenant: keep the lease funded `target_runway_blocks` ahead from `source`; 0 turns it off.
    SetAutoTopUp {
        lease_id: u64,
        target_runway_blocks: u64,
        source: TopUpSource,
    },
    /// Anyone (keeper): top the lease up to its target runway; a bounty is paid from the source
    /// only when funds moved.
    TopUp {
        lease_id: u64,
    },
    /// Proof of life. `{}`: the sender's provider-level heartbeat covering all its leases (O(1)).
    /// With `lease_id`: by that lease's provider; also clears a tenant-only failure report.
    Heartbeat {
        #[serde(default)]
        lease_id: Option<u64>,
    },
    /// A provider listed as a backup agrees to take the lease over at its listed price; rollover
    /// skips backups that have not.
    AcceptBackup {
        lease_id: u64,
    },
    /// Anyone: closes up to `limit` (default 10, at most 30) out-of-funds leases whose grace
    /// period is over, oldest first from the depletion index, refunding their depositors.
    CloseExpired {
        limit: Option<u32>,
    },
    /// The tenant or a monitor, provider reason code (10000–19999).
    ReportFailure {
        lease_id: u64,
        reason: u32,
    },
    /// Tenant: replace the ordered standby list.
    SetBackups {
        lease_id: u64,
        backups: Vec<BackupProvider>,
    },
    /// Tenant, monitor, or anyone but its backups once a failure stands (3 heartbeat intervals
    /// missed, or a report): move the lease to its next backup that accepted (or close it when
    /// none is left).
    Rollover {
        lease_id: u64,
    },
    /// The current provider stakes a bond (lease denom) slashed to the tenant on attested failure.
    PostBond {
        lease_id: u64,
    },
    /// `settle` over 1–30 leases; a lease that cannot be settled is skipped
    /// (`batch_item_skipped`), the others are settled.
    SettleBatch {
        lease_ids: Vec<u64>,
    },
    /// The provider's `withdraw` over 1–30 leases, one bank send per recipient; leases it does not
    /// serve or with nothing earned are skipped. Open while paused.
    WithdrawBatch {
        lease_ids: Vec<u64>,
    },
    /// Keeper `top_up` over 1–30 leases; each bounty exactly as the single call's, paid in one send.
    TopUpBatch {
        lease_ids: Vec<u64>,
    },
    /// `deposit` to 1–30 leases. The coins attached must be the items' amounts summed per denom
    /// (else nothing happens); a refused item is skipped and its amount sent back.
    DepositBatch {
        deposits: Vec<BatchDeposit>,
    },
}

/// One item of `deposit_batch`.
#[cw_serde]
pub struct BatchDeposit {
    pub lease_id: u64,
    pub amount: Coin,
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
    /// The lease as if settled at the current block.
    #[returns(LeaseResponse)]
    Lease { lease_id: u64 },
    #[returns(LeasesResponse)]
    LeasesByTenant {
        tenant: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Leases the provider currently serves (or last served, when closed).
    #[returns(LeasesResponse)]
    LeasesByProvider {
        provider: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Active or out-of-funds leases that run dry within `runway_blocks`, soonest first.
    /// `start_after` is the last entry's `[depletion_height, lease_id]`.
    #[returns(ThresholdResponse)]
    LeasesBelowThreshold {
        runway_blocks: u64,
        start_after: Option<(u64, u64)>,
        limit: Option<u32>,
    },
    /// Pending keeper work (close_expired, rollover, top_up with its bounty, settle), one action
    /// per lease, soonest-dry first; looks at most `limit` (default 10, at most 30) leases of the
    /// depletion index after `start_after` (the previous page's `next`).
    #[returns(KeeperWorkResponse)]
    KeeperWork {
        start_after: Option<(u64, u64)>,
        limit: Option<u32>,
    },
    #[returns(GrantResponse)]
    Grant { granter: String, grantee: String },
    #[returns(BalanceResponse)]
    Balance { owner: String, denom: String },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct LeaseResponse {
    pub id: u64,
    pub tenant: Addr,
    pub provider: Addr,
    pub price_per_block: Decimal,
    pub denom: String,
    pub status: LeaseStatus,
    pub opened_at: u64,
    pub provider_since: u64,
    pub settled_height: u64,
    pub carry: Decimal,
    pub balance: Uint128,
    pub earned: Uint128,
    /// Blocks left before funds run out (0 when out of funds; None when not streaming).
    pub runway_blocks: Option<u64>,
    pub depletion_height: Option<u64>,
    pub total_deposited: Uint128,
    pub total_paid: Uint128,
    pub total_fees: Uint128,
    pub total_refunded: Uint128,
    pub bond: Uint128,
    pub backups: Vec<Backup>,
    pub history: Vec<ProviderTerm>,
    pub rollovers: u32,
    pub last_heartbeat: u64,
    pub failure: Option<Failure>,
    pub auto_top_up: Option<AutoTopUp>,
    pub close_reason: Option<u32>,
    pub closed_at: Option<u64>,
    pub deposits: Vec<DepositEntry>,
    pub spec_ref: Option<String>,
    pub order_id: Option<u64>,
}

#[cw_serde]
pub struct LeasesResponse {
    pub leases: Vec<LeaseResponse>,
}

#[cw_serde]
pub struct ThresholdEntry {
    pub lease_id: u64,
    pub depletion_height: u64,
    pub runway_blocks: u64,
    pub status: LeaseStatus,
}

#[cw_serde]
pub struct ThresholdResponse {
    pub leases: Vec<ThresholdEntry>,
}

/// What a keeper should send for a lease.
#[cw_serde]
pub enum KeeperWork {
    /// `close_expired {}`: dry past its grace period.
    CloseExpired,
    /// `rollover { lease_id }`: its provider's failure stands.
    Rollover,
    /// `top_up { lease_id }` (or `top_up_batch`): its auto top-up would move funds now.
    TopUp,
    /// `settle { lease_id }` (or `settle_batch`): ran dry, not yet marked out of funds.
    Settle,
}

#[cw_serde]
pub struct KeeperWorkItem {
    pub lease_id: u64,
    pub depletion_height: u64,
    pub work: KeeperWork,
    /// What the call pays its sender now (None: no bounty).
    pub bounty: Option<Coin>,
}

#[cw_serde]
pub struct KeeperWorkResponse {
    pub items: Vec<KeeperWorkItem>,
    /// `start_after` of the next page; None when the index is exhausted.
    pub next: Option<(u64, u64)>,
}

#[cw_serde]
pub struct GrantResponse {
    pub granter: Addr,
    pub grantee: Addr,
    pub spend_limit: Option<Coin>,
    pub spent: Uint128,
    pub remaining: Uint128,
    pub expiration: Option<u64>,
    pub expired: bool,
}

#[cw_serde]
pub struct BalanceResponse {
    pub owner: Addr,
    pub denom: String,
    pub amount: Uint128,
}
