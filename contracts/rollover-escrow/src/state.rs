use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Coin, Decimal, Timestamp, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};

#[cw_serde]
pub struct Config {
    pub accepted_denoms: Vec<String>,
    pub take_fee_bps: u16,
    pub fee_collector: Addr,
    pub grace_period_blocks: u64,
    pub heartbeat_timeout_blocks: u64,
    pub order_book: Option<Addr>,
    pub keeper_bounty_bps: u16,
    /// provider-incentives, told of every provider payout (`IncentivesHookMsg::LeaseSettled`).
    #[serde(default)]
    pub incentives: Option<Addr>,
    /// Accounts that may report failures and roll leases over on tenants' behalf.
    #[serde(default)]
    pub monitors: Vec<Addr>,
    /// Longest standby list a lease may carry (at most `MAX_BACKUPS`).
    #[serde(default = "default_max_backups")]
    pub max_backups: u32,
    /// Share of a provider's bond paid to the tenant when a failure attested by someone other
    /// than the tenant (a monitor's report or missed heartbeats) ends the provider's term.
    #[serde(default = "default_bond_slash_bps")]
    pub bond_slash_bps: u16,
    /// Smallest deposit an account other than the tenant (a sponsor) may make by bank transfer;
    /// sponsors also share a bounded number of deposit entries, so dust cannot fill a lease's
    /// refund list (the tenant's own, its grants', the order book's and auto top-up deposits
    /// are never limited by sponsors).
    #[serde(default = "default_min_sponsor_deposit")]
    pub min_sponsor_deposit: Uint128,
}

pub fn default_min_sponsor_deposit() -> Uint128 {
    Uint128::new(1_000)
}

pub fn default_max_backups() -> u32 {
    5
}

pub fn default_bond_slash_bps() -> u16 {
    10_000
}

/// Where a lease is in its life. Every change goes through `execute::lease::transition`.
#[cw_serde]
pub enum LeaseStatus {
    /// Opened by a tenant; streams nothing until the provider's `accept_lease`.
    Pending,
    /// Streaming to the provider every block.
    Active,
    /// Funds ran out at `since` (the last block paid). A deposit by `since + grace_period_blocks`
    /// revives the lease (and pays the provider for the gap); after that anyone may close it.
    InsufficientFunds { since: u64 },
    /// Terminal.
    Closed,
}

impl LeaseStatus {
    pub fn name(&self) -> &'static str {
        match self {
            LeaseStatus::Pending => "pending",
            LeaseStatus::Active => "active",
            LeaseStatus::InsufficientFunds { .. } => "insufficient_funds",
            LeaseStatus::Closed => "closed",
        }
    }
}

#[cw_serde]
pub struct Backup {
    pub provider: Addr,
    pub price_per_block: Decimal,
    /// The backup agreed in advance (`accept_backup`); rollover skips backups that did not.
    #[serde(default)]
    pub accepted: bool,
}

/// One provider's term on a lease, recorded when it ends.
#[cw_serde]
pub struct ProviderTerm {
    pub provider: Addr,
    pub price_per_block: Decimal,
    pub from_height: u64,
    pub to_height: u64,
    pub reason: u32,
}

#[cw_serde]
pub struct Failure {
    pub reporter: Addr,
    pub reason: u32,
    pub height: u64,
    /// Block time of the report (where settlement stops when the report stands).
    #[serde(default)]
    pub time: Option<Timestamp>,
}

/// A provider's liveness, shared by all its leases: one `heartbeat {}` covers every lease.
#[cw_serde]
pub struct Liveness {
    pub last_seen: u64,
    pub last_seen_time: Timestamp,
    /// Every outage, oldest first: a heartbeat at `until` after silence since `from` longer
    /// than the heartbeat window. Leases running through an outage stay failed at its deadline
    /// even after the provider comes back. At most `MAX_LAPSES`: when full, the two adjacent
    /// outages closest together merge into one, so no outage is ever forgotten (a merged one
    /// may stop a lease earlier, never later).
    pub lapses: Vec<Lapse>,
}

#[cw_serde]
pub struct Lapse {
    pub from: u64,
    pub from_time: Timestamp,
    pub until: u64,
    /// Blocks inside `[from, until)` the provider was in fact seen (the gaps between outages
    /// merged into this one); not counted as silence when sizing a slash.
    #[serde(default)]
    pub alive: u64,
    /// For a merged outage, where its last merged part began: a lease whose term started
    /// inside the merged span (its start is a heartbeat, so in a gap) is failed from there,
    /// never from before its own start.
    #[serde(default)]
    pub last_from: Option<u64>,
}

#[cw_serde]
pub enum TopUpSource {
    /// The tenant's own prefunded balance (`fund_balance`).
    Balance,
    /// `granter`'s prefunded balance, through the grant `granter` gave the tenant.
    Grant { granter: String },
}

#[cw_serde]
pub enum StoredTopUpSource {
    Balance,
    Grant { granter: Addr },
}

#[cw_serde]
pub struct AutoTopUp {
    pub target_runway_blocks: u64,
    pub source: StoredTopUpSource,
}

#[cw_serde]
pub struct Lease {
    pub id: u64,
    pub tenant: Addr,
    pub provider: Addr,
    pub price_per_block: Decimal,
    pub denom: String,
    pub status: LeaseStatus,
    pub opened_at: u64,
    /// Height the current provider's term started (accept, order-book open or rollover).
    pub provider_since: u64,
    /// Held for future blocks (refundable to depositors).
    pub balance: Uint128,
    pub stream: Stream,
    pub totals: LeaseTotals,
    pub health: Health,
    /// The current provider's bond for this lease, in the lease denom.
    pub bond: Uint128,
    pub backups: Vec<Backup>,
    /// Ended provider terms, the most recent `MAX_HISTORY` kept (events carry them all).
    pub history: Vec<ProviderTerm>,
    pub auto_top_up: Option<AutoTopUp>,
    pub closure: Option<Closure>,
    /// Mirror of this lease's key in `DEPLETION` (None when not indexed).
    pub depletion_height: Option<u64>,
    pub spec_ref: Option<String>,
    pub order_id: Option<u64>,
}

/// The part of a lease every block-level action changes (settle, withdraw, deposit, top-up,
/// heartbeat, failure report), stored apart in `LEASE_HOT` so those actions write only it, and
/// not the whole record with its backups, history and spec (issue 23: KV writes cost 30 gas a
/// byte). A lease with a hot record reads these fields from it; one without (every lease written
/// before the split, and every lease after a full save) reads them from its `leases()` record.
#[cw_serde]
pub struct LeaseHot {
    #[serde(rename = "s", alias = "status")]
    pub status: LeaseStatus,
    #[serde(rename = "b", alias = "balance")]
    pub balance: Uint128,
    #[serde(rename = "st", alias = "stream")]
    pub stream: Stream,
    #[serde(rename = "t", alias = "totals")]
    pub totals: LeaseTotals,
    #[serde(rename = "hl", alias = "health")]
    pub health: Health,
    #[serde(rename = "dh", alias = "depletion_height")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depletion_height: Option<u64>,
}

impl LeaseHot {
    pub fn of(lease: &Lease) -> Self {
        LeaseHot {
            status: lease.status.clone(),
            balance: lease.balance,
            stream: lease.stream.clone(),
            totals: lease.totals.clone(),
            health: lease.health.clone(),
            depletion_height: lease.depletion_height,
        }
    }

    pub fn apply(self, lease: &mut Lease) {
        lease.status = self.status;
        lease.balance = self.balance;
        lease.stream = self.stream;
        lease.totals = self.totals;
        lease.health = self.health;
        lease.depletion_height = self.depletion_height;
    }
}

// `Lease` is split into the parts below because a flat struct's deserializer keeps a wasm local
// per field: at 30 fields it needed 116 locals, and wasmd refuses code with more than 100 in one
// function.

/// Hot fields at their default are left out of the stored record (a byte costs 30 gas on every
/// hot write) and read back as the default.
fn is_zero<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// Where streaming stands. `Stream`, `LeaseTotals` and `Health` are written by every hot path
/// (`LeaseHot`), so they are stored under short names (30 gas a byte); the long names are still
/// read (`alias`), as in every lease stored before 0.3.
#[cw_serde]
pub struct Stream {
    /// Streaming has paid every block up to here.
    #[serde(rename = "h", alias = "settled_height")]
    pub settled_height: u64,
    /// Owed to the provider but below one base unit; always < 1. Carried between settlements
    /// so `price × blocks` is paid exactly over time, never dropped.
    #[serde(rename = "c", alias = "carry")]
    #[serde(default, skip_serializing_if = "Decimal::is_zero")]
    pub carry: Decimal,
    /// Settled to the current provider, not yet withdrawn.
    #[serde(rename = "e", alias = "earned")]
    #[serde(default, skip_serializing_if = "Uint128::is_zero")]
    pub earned: Uint128,
    /// Blocks of service `earned` pays for.
    #[serde(rename = "eb", alias = "earned_blocks")]
    #[serde(default, skip_serializing_if = "is_zero")]
    pub earned_blocks: u64,
    /// Take fee owed on past payouts but below one base unit; always < 1. The fee on each
    /// payout is `floor(fee_carry + earned × take_fee_bps / 10 000)`, so over time the protocol
    /// receives its exact share and a tiny payout is never all fee.
    #[serde(default, skip_serializing_if = "Decimal::is_zero")]
    #[serde(rename = "fc", alias = "fee_carry")]
    pub fee_carry: Decimal,
    /// Block time of the settlement point where the not-yet-paid service began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "sf", alias = "served_from")]
    pub served_from: Option<Timestamp>,
    /// Block time `settled_height` corresponds to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "st", alias = "settled_time")]
    pub settled_time: Option<Timestamp>,
}

/// Lifetime money flows of the lease: deposited == paid + fees + refunded + held.
#[cw_serde]
#[derive(Default)]
pub struct LeaseTotals {
    #[serde(rename = "d", alias = "deposited")]
    #[serde(default, skip_serializing_if = "Uint128::is_zero")]
    pub deposited: Uint128,
    /// Paid out to providers, net of take fees.
    #[serde(rename = "p", alias = "paid")]
    #[serde(default, skip_serializing_if = "Uint128::is_zero")]
    pub paid: Uint128,
    #[serde(rename = "f", alias = "fees")]
    #[serde(default, skip_serializing_if = "Uint128::is_zero")]
    pub fees: Uint128,
    #[serde(rename = "r", alias = "refunded")]
    #[serde(default, skip_serializing_if = "Uint128::is_zero")]
    pub refunded: Uint128,
    /// Set while the lease's deposit list is exactly one entry, the tenant's own bank deposit,
    /// of this amount (the common case: the tenant, or the order book for it, funds the lease).
    /// The list then lives here, in the hot record every deposit writes anyway, and `DEPOSITS`
    /// is neither read nor written (issue 23); None: `DEPOSITS` holds the list.
    #[serde(rename = "sd", default, skip_serializing_if = "Option::is_none")]
    pub sole_deposit: Option<Uint128>,
}

/// The current provider's liveness.
#[cw_serde]
pub struct Health {
    #[serde(rename = "lh", alias = "last_heartbeat")]
    pub last_heartbeat: u64,
    #[serde(rename = "fl", alias = "failure")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    #[serde(rename = "ro", alias = "rollovers")]
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rollovers: u32,
}

#[cw_serde]
pub struct Closure {
    pub reason: u32,
    pub height: u64,
}

#[cw_serde]
pub enum DepositSource {
    /// Coins sent with the message; refunded by bank transfer.
    Bank,
    /// Taken from the depositor's prefunded balance; refunded back into it.
    Balance,
    /// Taken from `depositor`'s prefunded balance through its grant to `grantee`; refunded into
    /// the balance, and restored to the grant only while it is the same grant (`seq`), so a
    /// renewed grant never regains what an older one spent. One entry per (granter, grantee):
    /// a deposit under a renewed grant merges into it, and what earlier grants put in is kept
    /// apart in `earlier`.
    Grant {
        grantee: Addr,
        #[serde(default)]
        seq: u64,
        /// Part of the entry's amount deposited under earlier grants (before `seq`), spent
        /// first: refunded into the granter's balance like the rest, never restored to grant
        /// `seq`'s limit.
        #[serde(default)]
        earlier: Uint128,
    },
}

#[cw_serde]
pub struct DepositEntry {
    pub depositor: Addr,
    pub source: DepositSource,
    /// Still unspent. Deposits are spent oldest first, so newest entries are refunded first.
    pub amount: Uint128,
}

/// A `DepositEntry` as the ledger stores it (issue 23: every deposit rewrites its lease's list at
/// 30 gas a byte): short names, and no address for the tenant's own entries (`depositor` None:
/// the lease's tenant). Lists written by `open_lease` and every list stored before 0.4 use the
/// long names and always carry the address; both read.
#[cw_serde]
pub struct StoredDeposit {
    #[serde(rename = "d", alias = "depositor")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depositor: Option<Addr>,
    #[serde(rename = "s", alias = "source")]
    pub source: DepositSource,
    #[serde(rename = "a", alias = "amount")]
    pub amount: Uint128,
}

impl StoredDeposit {
    pub fn of(entry: DepositEntry, tenant: &Addr) -> Self {
        StoredDeposit {
            depositor: (entry.depositor != *tenant).then_some(entry.depositor),
            source: entry.source,
            amount: entry.amount,
        }
    }

    pub fn entry(self, tenant: &Addr) -> DepositEntry {
        DepositEntry {
            depositor: self.depositor.unwrap_or_else(|| tenant.clone()),
            source: self.source,
            amount: self.amount,
        }
    }
}

#[cw_serde]
pub struct Grant {
    pub spend_limit: Coin,
    pub spent: Uint128,
    /// Block height from which the grant no longer works.
    pub expiration: Option<u64>,
    /// Which grant this is: every `grant` call issues a new number.
    #[serde(default)]
    pub seq: u64,
}

pub struct LeaseIndexes<'a> {
    pub tenant: MultiIndex<'a, Addr, Lease, u64>,
    pub provider: MultiIndex<'a, Addr, Lease, u64>,
}

impl IndexList<Lease> for LeaseIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Lease>> + '_> {
        let v: Vec<&dyn Index<Lease>> = vec![&self.tenant, &self.provider];
        Box::new(v.into_iter())
    }
}

pub fn leases<'a>() -> IndexedMap<u64, Lease, LeaseIndexes<'a>> {
    IndexedMap::new(
        "ls",
        LeaseIndexes {
            tenant: MultiIndex::new(|_, l: &Lease| l.tenant.clone(), "ls", "it"),
            provider: MultiIndex::new(|_, l: &Lease| l.provider.clone(), "ls", "ip"),
        },
    )
}

pub const CONFIG: Item<Config> = Item::new("cfg");
/// Lease id → its hot part (`LeaseHot`), when written since its last full save.
pub const LEASE_HOT: Map<u64, LeaseHot> = Map::new("lh");
pub const NEXT_LEASE_ID: Item<u64> = Item::new("nid");
/// (depletion height, lease id) for every active or out-of-funds lease: monitors and keepers
/// page through leases about to run dry without scanning all leases.
pub const DEPLETION: Map<(u64, u64), ()> = Map::new("dh");
/// Unspent deposits per lease, oldest first (at most `MAX_DEPOSIT_ENTRIES`), as `open_lease`
/// writes them (long names).
pub const DEPOSITS: Map<u64, Vec<DepositEntry>> = Map::new("dp");
/// The same lists as the ledger reads and writes them (`StoredDeposit`: compact, reads both
/// forms). Same key as `DEPOSITS`.
pub const DEPOSIT_LIST: Map<u64, Vec<StoredDeposit>> = Map::new("dp");
/// (granter, grantee) → grant.
pub const GRANTS: Map<(&Addr, &Addr), Grant> = Map::new("gr");
/// (owner, denom) → prefunded balance, the source for grants and auto top-ups.
pub const BALANCES: Map<(&Addr, &str), Uint128> = Map::new("bl");
/// Provider → liveness (`heartbeat {}`), read by every lease of that provider.
pub const LIVENESS: Map<&Addr, Liveness> = Map::new("lv");
/// Last grant number issued.
pub const GRANT_SEQ: Item<u64> = Item::new("gs");
/// Ended pauses as (paused at, unpaused at), the most recent `MAX_PAUSE_SPANS`: the grace clock
/// of an out-of-funds lease stands still while the contract is paused.
pub const PAUSE_SPANS: Item<Vec<(u64, u64)>> = Item::new("ps");
/// Where the `close_expired` crank stopped: the last `DEPLETION` key it looked at. The next
/// call goes on from there (wrapping to the start), so leases it cannot close never hold the
/// rest of the queue back.
pub const CLOSE_CURSOR: Item<(u64, u64)> = Item::new("cc");

/// Every storage key this contract writes, including the governance package's; a test checks
/// that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &[
    "cfg", "nid", "ls", "lh", "it", "ip", "dh", "dp", "gr", "bl", "lv", "gs", "ps", "cc",
];
