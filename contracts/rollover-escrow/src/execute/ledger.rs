//! The lease ledger every message goes through: exact lazy streaming, the status state machine,
//! the depletion index, provider payouts and depositor refunds.

use cosmwasm_std::{
    Addr, BankMsg, Coin, Decimal, Env, Event, MessageInfo, Response, StdError, Storage, SubMsg,
    Timestamp, Uint128, Uint256,
};
use spice_types::{spice_event, IncentivesHookMsg, BPS_DENOMINATOR};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::health::{grace_ends, settle_now, Stop, SLASH_FULL_INTERVALS};
use crate::state::{
    leases, Closure, Config, DepositEntry, DepositSource, Lease, LeaseHot, LeaseStatus,
    ProviderTerm, StoredDeposit, BALANCES, DEPLETION, DEPOSIT_LIST, GRANTS, LEASE_HOT,
};

/// Separate deposits a lease tracks for refunds, in three buckets so no outsider can crowd out
/// the tenant. A deposit merges into the entry with the same depositor and source wherever it
/// is, and fully spent entries (spent oldest first) are dropped.
/// - the tenant's own (bank, incl. the order book's on its behalf, and prefunded balance):
///   at most 2 entries, never refused;
/// - grants (the tenant's own grants spent by its grantees, or grants the tenant spends):
///   at most `MAX_GRANT_ENTRIES`, all created with the tenant's consent;
/// - sponsors (anyone else, by bank, at least `min_sponsor_deposit` each time): at most
///   `MAX_SPONSOR_ENTRIES`.
///
/// So the refund loop at close (one bank send or balance credit and at most one grant update
/// each) stays bounded by `MAX_DEPOSIT_ENTRIES`.
pub const MAX_GRANT_ENTRIES: usize = 6;
pub const MAX_SPONSOR_ENTRIES: usize = 8;
pub const MAX_DEPOSIT_ENTRIES: usize = 2 + MAX_GRANT_ENTRIES + MAX_SPONSOR_ENTRIES;
/// Reply id of the provider-incentives hook (its failure never blocks the escrow).
pub const REPLY_INCENTIVES_HOOK: u64 = 1;
/// Ended provider terms kept on the lease; older ones live on in `rollover`/`close_lease` events.
pub const MAX_HISTORY: usize = 20;

/// Reason codes, Akash's ranges: 1–9999 tenant, 10000–19999 provider, 20000+ network/contract.
pub const TENANT_REASONS: (u32, u32) = (1, 9_999);
pub const PROVIDER_REASONS: (u32, u32) = (10_000, 19_999);
pub const NETWORK_REASONS: (u32, u32) = (20_000, u32::MAX);
/// Rollover asked for by the tenant or a monitor without a reported failure.
pub const REASON_ROLLOVER_REQUESTED: u32 = 10_001;
/// The provider missed heartbeats beyond `heartbeat_timeout_blocks`.
pub const REASON_MISSED_HEARTBEATS: u32 = 10_002;
/// Funds ran out and the grace period passed.
pub const REASON_INSUFFICIENT_FUNDS: u32 = 20_001;
/// The provider failed and no backup was left.
pub const REASON_NO_BACKUP_LEFT: u32 = 20_002;

const ATOMICS_PER_UNIT: u128 = 1_000_000_000_000_000_000;

/// Events and messages gathered while a message runs, returned as one response.
#[derive(Default)]
pub struct Effects {
    pub events: Vec<Event>,
    pub msgs: Vec<SubMsg>,
    /// Block time of the message being run.
    pub time: Timestamp,
}

impl Effects {
    pub fn at(env: &Env) -> Self {
        Effects {
            time: env.block.time,
            ..Default::default()
        }
    }

    pub fn event(&mut self, e: Event) {
        self.events.push(e);
    }

    pub fn send(&mut self, to: &Addr, denom: &str, amount: Uint128) {
        if !amount.is_zero() {
            self.msgs.push(SubMsg::new(BankMsg::Send {
                to_address: to.to_string(),
                amount: vec![Coin::new(amount, denom)],
            }));
        }
    }

    pub fn into_response(self) -> Response {
        Response::new()
            .add_events(self.events)
            .add_submessages(self.msgs)
    }
}

pub fn in_range(reason: u32, range: (u32, u32)) -> bool {
    reason >= range.0 && reason <= range.1
}

/// Exactly one non-zero coin.
pub fn one_coin(info: &MessageInfo) -> Result<Coin, ContractError> {
    match info.funds.as_slice() {
        [coin] if coin.amount.is_zero() => Err(ContractError::ZeroAmount),
        [coin] => Ok(coin.clone()),
        other => Err(ContractError::ExpectedOneCoin { count: other.len() }),
    }
}

pub fn nonpayable(info: &MessageInfo) -> Result<(), ContractError> {
    if !info.funds.is_empty() {
        return Err(ContractError::UnexpectedFunds {
            count: info.funds.len(),
        });
    }
    Ok(())
}

pub fn load_lease(storage: &dyn Storage, lease_id: u64) -> Result<Lease, ContractError> {
    let mut lease = leases()
        .may_load(storage, lease_id)?
        .ok_or(ContractError::LeaseNotFound { lease_id })?;
    if let Some(hot) = LEASE_HOT.may_load(storage, lease_id)? {
        hot.apply(&mut lease);
    }
    Ok(lease)
}

/// Keeps the lease's `DEPLETION` index entry in step with its balance, price and status.
fn index_depletion(storage: &mut dyn Storage, lease: &mut Lease) -> Result<(), ContractError> {
    let new = depletion_height(lease)?;
    if new != lease.depletion_height {
        if let Some(old) = lease.depletion_height {
            DEPLETION.remove(storage, (old, lease.id));
        }
        if let Some(h) = new {
            DEPLETION.save(storage, (h, lease.id), &())?;
        }
        lease.depletion_height = new;
    }
    Ok(())
}

/// Saves the whole lease (for messages that change its cold part: provider, price, backups,
/// history, bond, auto top-up, closure) and drops its hot record, which the full record now
/// carries. Every write of a lease goes through here or `save_hot`.
pub fn save_lease(storage: &mut dyn Storage, lease: &mut Lease) -> Result<(), ContractError> {
    index_depletion(storage, lease)?;
    leases().save(storage, lease.id, lease)?;
    LEASE_HOT.remove(storage, lease.id);
    Ok(())
}

/// Saves only the hot part (`LeaseHot`): for messages that change nothing else. Debug builds
/// (every test) check that the cold part is indeed unchanged, so a handler that changes it and
/// saves only the hot part fails its tests instead of losing the change.
pub fn save_hot(storage: &mut dyn Storage, lease: &mut Lease) -> Result<(), ContractError> {
    #[cfg(debug_assertions)]
    {
        let mut stored = load_lease(storage, lease.id)?;
        LeaseHot::of(lease).apply(&mut stored);
        assert_eq!(
            &stored, lease,
            "save_hot of lease {} with a changed cold part",
            lease.id
        );
    }
    index_depletion(storage, lease)?;
    LEASE_HOT.save(storage, lease.id, &LeaseHot::of(lease))?;
    Ok(())
}

/// The one place lease status changes. Allowed:
/// pending → active (accept) | closed (withdrawn or refused);
/// active → insufficient_funds (ran dry) | closed;
/// insufficient_funds → active (revived within grace) | closed.
pub fn transition(lease: &mut Lease, to: LeaseStatus) -> Result<(), ContractError> {
    use LeaseStatus::*;
    let allowed = matches!(
        (&lease.status, &to),
        (Pending, Active)
            | (Pending, Closed)
            | (Active, InsufficientFunds { .. })
            | (Active, Closed)
            | (InsufficientFunds { .. }, Active)
            | (InsufficientFunds { .. }, Closed)
    );
    if !allowed {
        return Err(ContractError::InvalidTransition {
            lease_id: lease.id,
            from: lease.status.name().to_string(),
            to: to.name().to_string(),
        });
    }
    lease.status = to;
    Ok(())
}

pub fn wrong_status(lease: &Lease, needed: &str) -> ContractError {
    ContractError::WrongStatus {
        lease_id: lease.id,
        status: lease.status.name().to_string(),
        needed: needed.to_string(),
    }
}

fn to_u128(v: Uint256) -> Result<Uint128, ContractError> {
    Ok(Uint128::try_from(v).map_err(StdError::from)?)
}

/// How many whole blocks `balance` pays for: the largest `n` with
/// `floor(carry + price × n) ≤ balance`, computed exactly in 10⁻¹⁸ units.
pub fn affordable_blocks(
    balance: Uint128,
    carry: Decimal,
    price: Decimal,
) -> Result<u64, ContractError> {
    if price.is_zero() {
        return Ok(u64::MAX);
    }
    // carry + price·n < balance + 1  ⟺  price·n ≤ (balance + 1)·10¹⁸ − carry − 1 (in atomics).
    let limit = Uint256::from(balance)
        .checked_add(Uint256::one())?
        .checked_mul(Uint256::from(ATOMICS_PER_UNIT))?
        .checked_sub(Uint256::from(carry.atomics()))?
        .checked_sub(Uint256::one())?;
    let n = limit.checked_div(Uint256::from(price.atomics()))?;
    Ok(Uint128::try_from(n)
        .ok()
        .and_then(|n| u64::try_from(n.u128()).ok())
        .unwrap_or(u64::MAX))
}

/// `carry + price × blocks`, split into whole base units and the new sub-unit carry.
pub fn owed(
    carry: Decimal,
    price: Decimal,
    blocks: u64,
) -> Result<(Uint256, Decimal), ContractError> {
    let atoms = Uint256::from(price.atomics())
        .checked_mul(Uint256::from(blocks))?
        .checked_add(Uint256::from(carry.atomics()))?;
    let unit = Uint256::from(ATOMICS_PER_UNIT);
    let whole = atoms.checked_div(unit)?;
    let rest = to_u128(atoms.checked_rem(unit)?)?;
    Ok((whole, Decimal::new(rest)))
}

/// Whole units needed so the lease can stream `blocks` more blocks from its current state.
pub fn cost_of_blocks(lease: &Lease, blocks: u64) -> Result<Uint128, ContractError> {
    let (whole, _) = owed(lease.stream.carry, lease.price_per_block, blocks)?;
    to_u128(whole)
}

pub fn depletion_height(lease: &Lease) -> Result<Option<u64>, ContractError> {
    Ok(match lease.status {
        LeaseStatus::Active => {
            let n = affordable_blocks(lease.balance, lease.stream.carry, lease.price_per_block)?;
            Some(lease.stream.settled_height.saturating_add(n))
        }
        LeaseStatus::InsufficientFunds { since } => Some(since),
        LeaseStatus::Pending | LeaseStatus::Closed => None,
    })
}

/// Streams an active lease up to `to_height`: O(1), exact, lazy. The provider earns
/// `floor(carry + price × blocks)` and the fraction is carried to the next settlement, so
/// nothing is ever dropped; a second call at the same height finds zero blocks and does nothing.
/// When the balance cannot pay for every block, the lease is paid up to the last whole block it
/// can afford and enters `insufficient_funds` there; what is left (less than one block's price)
/// stays in the balance — never paid out beyond what is held.
///
/// Callers stream to where the provider's service stops (`health::settle_now`), never past a
/// standing failure. `to_time` is the block time of `to_height`.
pub fn settle(
    lease: &mut Lease,
    to_height: u64,
    to_time: Timestamp,
    fx: &mut Effects,
) -> Result<(), ContractError> {
    if lease.status != LeaseStatus::Active || to_height <= lease.stream.settled_height {
        return Ok(());
    }
    let blocks = to_height - lease.stream.settled_height;
    let affordable = affordable_blocks(lease.balance, lease.stream.carry, lease.price_per_block)?;
    let paid_blocks = blocks.min(affordable);
    let (whole, carry) = owed(lease.stream.carry, lease.price_per_block, paid_blocks)?;
    let amount = to_u128(whole)?;
    lease.balance = lease.balance.checked_sub(amount)?;
    lease.stream.earned = lease.stream.earned.checked_add(amount)?;
    lease.stream.earned_blocks = lease.stream.earned_blocks.saturating_add(paid_blocks);
    lease.stream.carry = carry;
    lease.stream.settled_height = lease.stream.settled_height.saturating_add(paid_blocks);
    if paid_blocks > 0 {
        lease.stream.settled_time = Some(to_time);
        fx.event(
            spice_event(TAG, "settle")
                .add_attribute("lease_id", lease.id.to_string())
                .add_attribute("provider", lease.provider.as_str())
                .add_attribute("amount", amount)
                .add_attribute("denom", &lease.denom)
                .add_attribute("blocks", paid_blocks.to_string())
                .add_attribute("settled_height", lease.stream.settled_height.to_string())
                .add_attribute("carry", lease.stream.carry.to_string()),
        );
    }
    if paid_blocks < blocks {
        let since = lease.stream.settled_height;
        transition(lease, LeaseStatus::InsufficientFunds { since })?;
        fx.event(
            spice_event(TAG, "insufficient_funds")
                .add_attribute("lease_id", lease.id.to_string())
                .add_attribute("tenant", lease.tenant.as_str())
                .add_attribute("provider", lease.provider.as_str())
                .add_attribute("since", since.to_string())
                .add_attribute("balance", lease.balance)
                .add_attribute("reason", REASON_INSUFFICIENT_FUNDS.to_string()),
        );
    }
    Ok(())
}

/// `amount × bps / 10 000`, rounded up or down as the caller states.
pub fn mul_bps(amount: Uint128, bps: u16, round_up: bool) -> Result<Uint128, ContractError> {
    let num = Uint256::from(amount).checked_mul(Uint256::from(bps))?;
    let den = Uint256::from(BPS_DENOMINATOR);
    let mut q = num.checked_div(den)?;
    if round_up && !num.checked_rem(den)?.is_zero() {
        q = q.checked_add(Uint256::one())?;
    }
    to_u128(q)
}

/// Fee on a payout of `gross`: `fee_carry + gross × bps / 10 000`, split into whole units (paid
/// now) and the sub-unit rest (carried to the next payout). Exact over time, so the protocol
/// gets its full share, and a tiny payout is never all fee: 1 unit at 100 bps pays fee 0 and
/// carries 0.01.
pub fn take_fee(
    gross: Uint128,
    bps: u16,
    fee_carry: Decimal,
) -> Result<(Uint128, Decimal), ContractError> {
    let atoms = Uint256::from(gross)
        .checked_mul(Uint256::from(bps))?
        .checked_mul(Uint256::from(ATOMICS_PER_UNIT / BPS_DENOMINATOR as u128))?
        .checked_add(Uint256::from(fee_carry.atomics()))?;
    let unit = Uint256::from(ATOMICS_PER_UNIT);
    let fee = to_u128(atoms.checked_div(unit)?)?;
    let rest = to_u128(atoms.checked_rem(unit)?)?;
    // fee ≤ gross: bps ≤ 1 000 and the carry is < 1, so gross·bps/10⁴ + carry < gross + 1.
    Ok((fee.min(gross), Decimal::new(rest)))
}

/// Pays the current provider what it has earned: the take fee to the fee collector, the rest to
/// the provider, and tells provider-incentives (when configured) what was earned and for how
/// many blocks — as a sub-message whose failure is swallowed in `reply`, so incentives can never
/// block a withdrawal, close or rollover. Returns the gross amount.
pub fn pay_provider(
    lease: &mut Lease,
    cfg: &Config,
    fx: &mut Effects,
) -> Result<Uint128, ContractError> {
    let gross = lease.stream.earned;
    if gross.is_zero() {
        return Ok(gross);
    }
    let (fee, fee_carry) = take_fee(gross, cfg.take_fee_bps, lease.stream.fee_carry)?;
    let net = gross.checked_sub(fee)?;
    fx.send(&lease.provider, &lease.denom, net);
    fx.send(&cfg.fee_collector, &lease.denom, fee);
    let served_from = lease.stream.served_from.unwrap_or(fx.time);
    let served_until = lease.stream.settled_time.unwrap_or(fx.time);
    if let Some(incentives) = &cfg.incentives {
        let msg = IncentivesHookMsg::LeaseSettled {
            provider: lease.provider.to_string(),
            tenant: lease.tenant.to_string(),
            lease_id: lease.id,
            denom: lease.denom.clone(),
            amount: gross,
            take_fee: fee,
            blocks: lease.stream.earned_blocks,
            served_from,
            served_until,
        }
        .into_cosmos_msg(incentives)?;
        fx.msgs
            .push(SubMsg::reply_on_error(msg, REPLY_INCENTIVES_HOOK));
    }
    fx.event(
        spice_event(TAG, "withdraw")
            .add_attribute("lease_id", lease.id.to_string())
            .add_attribute("provider", lease.provider.as_str())
            .add_attribute("denom", &lease.denom)
            .add_attribute("amount", gross)
            .add_attribute("fee", fee)
            .add_attribute("net", net)
            .add_attribute("fee_carry", fee_carry.to_string())
            .add_attribute("fee_collector", cfg.fee_collector.as_str())
            .add_attribute("blocks", lease.stream.earned_blocks.to_string()),
    );
    lease.totals.paid = lease.totals.paid.checked_add(net)?;
    lease.totals.fees = lease.totals.fees.checked_add(fee)?;
    lease.stream.fee_carry = fee_carry;
    lease.stream.earned = Uint128::zero();
    lease.stream.earned_blocks = 0;
    lease.stream.served_from = Some(served_until);
    Ok(gross)
}

/// Share of the bond slashed for a failure: a monitor-attested failure the full
/// `bond_slash_bps`; missed heartbeats in proportion to the silence, reaching the full share at
/// `SLASH_FULL_INTERVALS` heartbeat intervals; the tenant's word alone nothing.
pub fn slash_bps(stop: Option<&Stop>, cfg: &Config) -> u16 {
    match stop {
        // No silence, no slash: a missed-heartbeats stop never takes the attested share
        // (second review: a merged outage's zero silence fell through to the full slash).
        Some(s) if s.reason == REASON_MISSED_HEARTBEATS && s.silent_blocks == 0 => 0,
        Some(s) if s.attested && s.reason == REASON_MISSED_HEARTBEATS => {
            let full = cfg
                .heartbeat_timeout_blocks
                .saturating_mul(SLASH_FULL_INTERVALS)
                .max(1);
            let share = s.silent_blocks.min(full);
            // Rounded down: the provider keeps the fraction.
            (u64::from(cfg.bond_slash_bps) * share / full) as u16
        }
        Some(s) if s.attested => cfg.bond_slash_bps,
        _ => 0,
    }
}

/// Ends the current provider's term: pays what it earned, slashes its bond to the tenant when
/// the failure is attested (else returns it), and records the term in the history.
pub fn end_provider_term(
    lease: &mut Lease,
    cfg: &Config,
    reason: u32,
    slash_bps: u16,
    now: u64,
    fx: &mut Effects,
) -> Result<(), ContractError> {
    pay_provider(lease, cfg, fx)?;
    if !lease.bond.is_zero() {
        // Slash rounds down: the rest of the bond goes back to the provider, so exactly `bond`
        // leaves.
        let slashed = mul_bps(lease.bond, slash_bps, false)?;
        let returned = lease.bond.checked_sub(slashed)?;
        fx.send(&lease.tenant, &lease.denom, slashed);
        fx.send(&lease.provider, &lease.denom, returned);
        fx.event(
            spice_event(TAG, "bond_settled")
                .add_attribute("lease_id", lease.id.to_string())
                .add_attribute("provider", lease.provider.as_str())
                .add_attribute("tenant", lease.tenant.as_str())
                .add_attribute("reason", reason.to_string())
                .add_attribute("slashed", slashed)
                .add_attribute("returned", returned)
                .add_attribute("denom", &lease.denom),
        );
        lease.bond = Uint128::zero();
    }
    if lease.status != LeaseStatus::Pending {
        if lease.history.len() >= MAX_HISTORY {
            lease.history.remove(0);
        }
        lease.history.push(ProviderTerm {
            provider: lease.provider.clone(),
            price_per_block: lease.price_per_block,
            from_height: lease.provider_since,
            to_height: now,
            reason,
        });
    }
    Ok(())
}

/// Drops fully spent deposits (spent oldest first) so the entries add up to `balance`.
fn prune_deposits(entries: &mut Vec<DepositEntry>, balance: Uint128) -> Result<(), ContractError> {
    let mut covered = Uint128::zero();
    let mut keep_from = entries.len();
    for i in (0..entries.len()).rev() {
        if covered >= balance {
            break;
        }
        let take = entries[i].amount.min(balance.checked_sub(covered)?);
        // Spent oldest first, also inside a merged grant entry: earlier grants' part first.
        let spent = entries[i].amount.checked_sub(take)?;
        if let DepositSource::Grant { earlier, .. } = &mut entries[i].source {
            *earlier = earlier.saturating_sub(spent);
        }
        entries[i].amount = take;
        covered = covered.checked_add(take)?;
        keep_from = i;
    }
    entries.drain(..keep_from);
    Ok(())
}

/// Which of a lease's deposit buckets an entry belongs to (see `MAX_DEPOSIT_ENTRIES`).
#[derive(PartialEq)]
pub enum Bucket {
    Tenant,
    Grant,
    Sponsor,
}

pub fn bucket(lease: &Lease, entry: &DepositEntry) -> Bucket {
    match entry.source {
        DepositSource::Grant { .. } => Bucket::Grant,
        _ if entry.depositor == lease.tenant => Bucket::Tenant,
        _ => Bucket::Sponsor,
    }
}

/// Adds funds to a lease: settles it first, refuses a closed lease or one past its grace period
/// (which stands still while paused), records the deposit for refunds, and revives an
/// out-of-funds lease (paying the provider for the blocks since it ran dry, as far as the new
/// funds go and never past a standing failure).
pub fn add_funds(
    storage: &mut dyn Storage,
    lease: &mut Lease,
    cfg: &Config,
    entry: DepositEntry,
    now: u64,
    fx: &mut Effects,
) -> Result<(), ContractError> {
    settle_now(storage, lease, cfg, now, fx)?;
    let revive = match lease.status {
        LeaseStatus::Closed => return Err(wrong_status(lease, "open")),
        LeaseStatus::InsufficientFunds { since } => {
            let grace_ends = grace_ends(storage, cfg, since, now)?;
            if now > grace_ends {
                return Err(ContractError::GracePeriodOver {
                    lease_id: lease.id,
                    since,
                    grace_ends,
                });
            }
            true
        }
        LeaseStatus::Pending | LeaseStatus::Active => false,
    };
    let kind = bucket(lease, &entry);
    if kind == Bucket::Sponsor && entry.amount < cfg.min_sponsor_deposit {
        return Err(ContractError::DepositBelowMinimum {
            lease_id: lease.id,
            amount: entry.amount,
            min: cfg.min_sponsor_deposit,
        });
    }
    let mut entries = load_deposits(storage, lease)?;
    prune_deposits(&mut entries, lease.balance)?;
    fx.event(
        spice_event(TAG, "deposit")
            .add_attribute("lease_id", lease.id.to_string())
            .add_attribute("depositor", entry.depositor.as_str())
            .add_attribute("source", source_name(&entry.source))
            .add_attribute("amount", entry.amount)
            .add_attribute("denom", &lease.denom),
    );
    let amount = entry.amount;
    match entries
        .iter_mut()
        .find(|e| e.depositor == entry.depositor && same_slot(&e.source, &entry.source))
    {
        Some(same) => {
            // Under a renewed grant (review finding R7: one entry per grant number let one
            // granter's renewals fill the grant bucket): everything held so far becomes the
            // earlier grants' part, never restored to the new grant's limit.
            if let (
                DepositSource::Grant { seq, earlier, .. },
                DepositSource::Grant { seq: new_seq, .. },
            ) = (&mut same.source, &entry.source)
            {
                if seq != new_seq {
                    *earlier = same.amount;
                    *seq = *new_seq;
                }
            }
            same.amount = same.amount.checked_add(amount)?;
        }
        None => {
            let max = match kind {
                Bucket::Tenant => usize::MAX,
                Bucket::Grant => MAX_GRANT_ENTRIES,
                Bucket::Sponsor => MAX_SPONSOR_ENTRIES,
            };
            let held = entries.iter().filter(|e| bucket(lease, e) == kind).count();
            if held >= max {
                return Err(ContractError::TooManyDeposits {
                    lease_id: lease.id,
                    max,
                });
            }
            entries.push(entry);
        }
    }
    debug_assert!(entries.len() <= MAX_DEPOSIT_ENTRIES);
    // Every check before the first write (review: an overflow after the list was saved left a
    // failed batch item's entry in the batch's write-back cache).
    let balance = lease.balance.checked_add(amount)?;
    let deposited = lease.totals.deposited.checked_add(amount)?;
    save_deposits(storage, lease, entries)?;
    lease.balance = balance;
    lease.totals.deposited = deposited;
    if revive {
        transition(lease, LeaseStatus::Active)?;
        // The provider owed no service while the lease was dry (R4), so its obligation starts
        // again here, like a new term: a fresh heartbeat window from the revival, and silence
        // from before it never fails nor slashes it (second review: a dust revival made the
        // dry period's silence slashable). A lease goes dry only without a missed deadline
        // before `since` (settlement would have stopped there), so no outage is forgotten.
        lease.health.last_heartbeat = lease.health.last_heartbeat.max(now);
        fx.event(
            spice_event(TAG, "revive")
                .add_attribute("lease_id", lease.id.to_string())
                .add_attribute("tenant", lease.tenant.as_str())
                .add_attribute("provider", lease.provider.as_str())
                .add_attribute("balance", lease.balance),
        );
        settle_now(storage, lease, cfg, now, fx)?;
    }
    Ok(())
}

/// The lease's unspent deposits, oldest first.
pub fn load_deposits(
    storage: &dyn Storage,
    lease: &Lease,
) -> Result<Vec<DepositEntry>, ContractError> {
    if let Some(amount) = lease.totals.sole_deposit {
        return Ok(vec![DepositEntry {
            depositor: lease.tenant.clone(),
            source: DepositSource::Bank,
            amount,
        }]);
    }
    Ok(DEPOSIT_LIST
        .may_load(storage, lease.id)?
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.entry(&lease.tenant))
        .collect())
}

/// Stores the list: a list of only the tenant's own bank deposit in the lease itself (its hot
/// record, written anyway), any other in `DEPOSITS`.
fn save_deposits(
    storage: &mut dyn Storage,
    lease: &mut Lease,
    entries: Vec<DepositEntry>,
) -> Result<(), ContractError> {
    if let [only] = entries.as_slice() {
        if only.depositor == lease.tenant && only.source == DepositSource::Bank {
            lease.totals.sole_deposit = Some(only.amount);
            return Ok(());
        }
    }
    lease.totals.sole_deposit = None;
    let stored: Vec<StoredDeposit> = entries
        .into_iter()
        .map(|e| StoredDeposit::of(e, &lease.tenant))
        .collect();
    DEPOSIT_LIST.save(storage, lease.id, &stored)?;
    Ok(())
}

/// Whether a deposit from `new` merges into an entry from `held` of the same depositor: the
/// same kind, and for grants the same grantee, whichever grant number.
fn same_slot(held: &DepositSource, new: &DepositSource) -> bool {
    match (held, new) {
        (DepositSource::Grant { grantee: a, .. }, DepositSource::Grant { grantee: b, .. }) => {
            a == b
        }
        (a, b) => a == b,
    }
}

pub fn source_name(source: &DepositSource) -> String {
    match source {
        DepositSource::Bank => "bank".into(),
        DepositSource::Balance => "balance".into(),
        DepositSource::Grant { grantee, .. } => format!("grant:{grantee}"),
    }
}

/// Returns the whole balance to the depositors, newest deposit first (deposits are spent oldest
/// first, so the newest are the ones still unspent). Coins sent with a deposit go back by bank
/// transfer; deposits drawn from a prefunded balance go back into it, and grant spending is
/// restored. Bounded by `MAX_DEPOSIT_ENTRIES`.
pub fn refund_all(
    storage: &mut dyn Storage,
    lease: &mut Lease,
    fx: &mut Effects,
) -> Result<Uint128, ContractError> {
    let entries = load_deposits(storage, lease)?;
    let mut left = lease.balance;
    for entry in entries.iter().rev() {
        if left.is_zero() {
            break;
        }
        let amount = entry.amount.min(left);
        left = left.checked_sub(amount)?;
        match &entry.source {
            DepositSource::Bank => fx.send(&entry.depositor, &lease.denom, amount),
            DepositSource::Balance => {
                credit_balance(storage, &entry.depositor, &lease.denom, amount)?
            }
            DepositSource::Grant {
                grantee,
                seq,
                earlier,
            } => {
                credit_balance(storage, &entry.depositor, &lease.denom, amount)?;
                let key = (&entry.depositor, grantee);
                if let Some(mut grant) = GRANTS.may_load(storage, key)? {
                    // Only the grant that spent it gets its limit back: a renewed grant
                    // starts from its own limit. Refunds take the newest part first, so the
                    // earlier grants' part is what is left unrefunded.
                    let own = amount.min(entry.amount.saturating_sub(*earlier));
                    if grant.spend_limit.denom == lease.denom && grant.seq == *seq {
                        grant.spent = grant.spent.saturating_sub(own);
                        GRANTS.save(storage, key, &grant)?;
                    }
                }
            }
        }
        fx.event(
            spice_event(TAG, "refund")
                .add_attribute("lease_id", lease.id.to_string())
                .add_attribute("depositor", entry.depositor.as_str())
                .add_attribute("source", source_name(&entry.source))
                .add_attribute("amount", amount)
                .add_attribute("denom", &lease.denom),
        );
    }
    // Entries always add up to at least the balance; anything not matched (never expected)
    // goes to the tenant rather than staying stranded.
    fx.send(&lease.tenant, &lease.denom, left);
    let refunded = lease.balance;
    lease.totals.refunded = lease.totals.refunded.checked_add(refunded)?;
    lease.balance = Uint128::zero();
    DEPOSIT_LIST.remove(storage, lease.id);
    lease.totals.sole_deposit = None;
    Ok(refunded)
}

pub fn credit_balance(
    storage: &mut dyn Storage,
    owner: &Addr,
    denom: &str,
    amount: Uint128,
) -> Result<(), ContractError> {
    let key = (owner, denom);
    let current = BALANCES.may_load(storage, key)?.unwrap_or_default();
    BALANCES.save(storage, key, &current.checked_add(amount)?)?;
    Ok(())
}

pub fn debit_balance(
    storage: &mut dyn Storage,
    owner: &Addr,
    denom: &str,
    amount: Uint128,
) -> Result<(), ContractError> {
    let key = (owner, denom);
    let available = BALANCES.may_load(storage, key)?.unwrap_or_default();
    if available < amount {
        return Err(ContractError::InsufficientBalance {
            owner: owner.to_string(),
            denom: denom.to_string(),
            needed: amount,
            available,
        });
    }
    let rest = available.checked_sub(amount)?;
    if rest.is_zero() {
        BALANCES.remove(storage, key);
    } else {
        BALANCES.save(storage, key, &rest)?;
    }
    Ok(())
}

/// Closes the lease: streams it to `now`, ends the provider's term, refunds every depositor.
pub fn close(
    storage: &mut dyn Storage,
    lease: &mut Lease,
    cfg: &Config,
    reason: u32,
    slash_bps: u16,
    now: u64,
    fx: &mut Effects,
) -> Result<(), ContractError> {
    end_provider_term(lease, cfg, reason, slash_bps, now, fx)?;
    finish_close(storage, lease, reason, now, fx)
}

/// Refunds every depositor and marks the lease closed, once the provider's term has ended.
pub fn finish_close(
    storage: &mut dyn Storage,
    lease: &mut Lease,
    reason: u32,
    now: u64,
    fx: &mut Effects,
) -> Result<(), ContractError> {
    // The carry (< 1 base unit owed to the provider) is never paid: only whole units are held,
    // and they all go back to the depositors.
    let refunded = refund_all(storage, lease, fx)?;
    transition(lease, LeaseStatus::Closed)?;
    lease.closure = Some(Closure {
        reason,
        height: now,
    });
    lease.auto_top_up = None;
    lease.stream.carry = Decimal::zero();
    fx.event(
        spice_event(TAG, "close_lease")
            .add_attribute("lease_id", lease.id.to_string())
            .add_attribute("tenant", lease.tenant.as_str())
            .add_attribute("provider", lease.provider.as_str())
            .add_attribute("reason", reason.to_string())
            .add_attribute("refunded", refunded)
            .add_attribute("denom", &lease.denom),
    );
    save_lease(storage, lease)
}

/// The provider-incentives hook failed: the escrow's own message stands; record why.
pub fn reply(
    _deps: cosmwasm_std::DepsMut,
    _env: Env,
    msg: cosmwasm_std::Reply,
) -> Result<Response, ContractError> {
    match (msg.id, msg.result) {
        (REPLY_INCENTIVES_HOOK, cosmwasm_std::SubMsgResult::Err(error)) => Ok(Response::new()
            .add_event(spice_event(TAG, "incentives_hook_failed").add_attribute("error", error))),
        (id, _) => Err(ContractError::UnknownReply { id }),
    }
}
