//! Where a provider's paid service stops: provider-level liveness (one `heartbeat {}` covers
//! every lease of the provider, O(1)), per-lease failure reports, and the pause-aware grace
//! clock.
//!
//! Rules:
//! - A failure attested by a monitor stops the stream at the monitor's report height.
//! - Silence longer than `MISSED_INTERVALS × heartbeat_timeout_blocks` stops the stream at that
//!   deadline, also when the provider comes back later (the outage is remembered in its
//!   `Liveness`, and never forgotten: a full list merges its two closest outages).
//! - Silence counts only while the lease owes service: not after it ran out of funds.
//! - A tenant's own report stops the stream at the report height (never earlier: blocks before
//!   it stay paid) until the provider's next heartbeat refutes it.

use cosmwasm_std::{Addr, Env, Storage, Timestamp};

use crate::error::ContractError;
use crate::execute::ledger::{settle, Effects, REASON_MISSED_HEARTBEATS};
use crate::state::{Config, Lapse, Lease, LeaseStatus, Liveness, LIVENESS, PAUSE_SPANS};

/// Heartbeat intervals a provider must miss before it counts as failed: one late heartbeat
/// never costs a provider its lease or its bond.
pub const MISSED_INTERVALS: u64 = 3;
/// Intervals of silence at which a missed-heartbeat slash reaches the full `bond_slash_bps`;
/// a shorter outage is slashed in proportion.
pub const SLASH_FULL_INTERVALS: u64 = 10;
/// Outage records kept per provider; beyond it the two closest merge (`record_heartbeat`).
pub const MAX_LAPSES: usize = 8;
/// Ended pauses remembered for the grace clock.
pub const MAX_PAUSE_SPANS: usize = 8;

/// Where and why the current provider's paid service stops.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    pub height: u64,
    pub time: Option<Timestamp>,
    pub reason: u32,
    /// By a monitor or by missed heartbeats (not only the tenant's word): slashes the bond.
    pub attested: bool,
    /// For missed heartbeats: how long the provider was silent (sizes the slash).
    pub silent_blocks: u64,
}

/// Blocks of silence after which a provider counts as failed.
pub fn heartbeat_window(cfg: &Config) -> u64 {
    cfg.heartbeat_timeout_blocks
        .saturating_mul(MISSED_INTERVALS)
}

pub fn liveness(storage: &dyn Storage, provider: &Addr) -> Result<Option<Liveness>, ContractError> {
    Ok(LIVENESS.may_load(storage, provider)?)
}

/// The provider's last proof of life for this lease: its latest heartbeat, or the start of its
/// term on the lease.
pub fn last_seen(lease: &Lease, live: Option<&Liveness>) -> u64 {
    live.map_or(0, |l| l.last_seen)
        .max(lease.health.last_heartbeat)
}

/// The first missed-heartbeat deadline in the provider's current term, if any. Silence counts
/// only while the lease owed service: up to `now`, or up to `since` once it ran out of funds
/// (review finding R4: a provider is not failed, nor slashed, for going quiet on a lease that
/// stopped paying it).
fn lapse(lease: &Lease, cfg: &Config, live: Option<&Liveness>, now: u64) -> Option<Stop> {
    let window = heartbeat_window(cfg);
    let start = lease.health.last_heartbeat;
    let end = match lease.status {
        LeaseStatus::InsufficientFunds { since } => since.min(now),
        _ => now,
    };
    if let Some(live) = live {
        for l in &live.lapses {
            if l.until <= start {
                continue;
            }
            // A term that started inside a merged outage started in one of its live gaps (a
            // term starts with a heartbeat): its silence is counted from the merged span's last
            // part, never from the parts before its start (second review, finding 1). The
            // provider may then be paid through an earlier part the merge hid, never less than
            // it served.
            let (seen, alive) = if start > l.from {
                (l.last_from.map_or(start, |lf| lf.max(start)), 0)
            } else {
                (l.from, l.alive)
            };
            if seen >= end {
                break;
            }
            let until = l.until.min(end);
            let deadline = seen.saturating_add(window);
            if deadline < until {
                return Some(Stop {
                    height: deadline,
                    time: Some(l.from_time),
                    reason: REASON_MISSED_HEARTBEATS,
                    attested: true,
                    silent_blocks: (until - seen).saturating_sub(alive),
                });
            }
        }
    }
    let seen = last_seen(lease, live);
    let deadline = seen.saturating_add(window);
    (end > deadline).then(|| Stop {
        height: deadline,
        time: live
            .filter(|l| l.last_seen >= start)
            .map(|l| l.last_seen_time),
        reason: REASON_MISSED_HEARTBEATS,
        attested: true,
        silent_blocks: end - seen,
    })
}

/// Whether the stored report is attested (a monitor's) rather than only the tenant's word.
pub fn report_attested(lease: &Lease, cfg: &Config) -> bool {
    lease
        .health
        .failure
        .as_ref()
        .is_some_and(|f| cfg.monitors.contains(&f.reporter))
}

/// The stored report, if it still stands: a tenant-only report is refuted by any later
/// heartbeat of the provider.
pub fn standing_report(lease: &Lease, cfg: &Config, live: Option<&Liveness>) -> Option<Stop> {
    let f = lease.health.failure.as_ref()?;
    let attested = cfg.monitors.contains(&f.reporter);
    if !attested && live.is_some_and(|l| l.last_seen >= f.height) {
        return None;
    }
    Some(Stop {
        height: f.height,
        time: f.time,
        reason: f.reason,
        attested,
        silent_blocks: 0,
    })
}

/// Where the active provider's paid service stops, as of `now` (None: it is healthy).
pub fn stop(
    storage: &dyn Storage,
    lease: &Lease,
    cfg: &Config,
    now: u64,
) -> Result<Option<Stop>, ContractError> {
    if !matches!(
        lease.status,
        LeaseStatus::Active | LeaseStatus::InsufficientFunds { .. }
    ) {
        return Ok(None);
    }
    let live = liveness(storage, &lease.provider)?;
    let report = standing_report(lease, cfg, live.as_ref());
    let lapse = lapse(lease, cfg, live.as_ref(), now);
    Ok(match (report, lapse) {
        (Some(r), Some(l)) => Some(if l.height < r.height { l } else { r }),
        (r, l) => r.or(l),
    })
}

/// Streams the lease as far as its provider served: to `now`, or to the failure height when a
/// failure stands. A tenant-only report refuted by a heartbeat is dropped here.
pub fn settle_now(
    storage: &dyn Storage,
    lease: &mut Lease,
    cfg: &Config,
    now: u64,
    fx: &mut Effects,
) -> Result<Option<Stop>, ContractError> {
    let stop = stop(storage, lease, cfg, now)?;
    if lease.health.failure.is_some() && !report_attested(lease, cfg) {
        let live = liveness(storage, &lease.provider)?;
        if standing_report(lease, cfg, live.as_ref()).is_none() {
            lease.health.failure = None;
        }
    }
    let (to, time) = match &stop {
        Some(s) if s.height < now => (s.height, s.time.unwrap_or(fx.time)),
        _ => (now, fx.time),
    };
    settle(lease, to, time, fx)?;
    Ok(stop)
}

/// What a heartbeat recorded: the new liveness, the outage it ended (if it came after more
/// than the heartbeat window of silence), and whether two older outages were merged to keep it.
pub struct Recorded {
    pub live: Liveness,
    pub lapse: Option<Lapse>,
    pub merged: bool,
}

/// Records a heartbeat of `provider` (O(1)); remembers the outage when it comes after more
/// than the heartbeat window of silence.
pub fn record_heartbeat(
    storage: &mut dyn Storage,
    cfg: &Config,
    provider: &Addr,
    env: &Env,
) -> Result<Recorded, ContractError> {
    let now = env.block.height;
    let mut live = LIVENESS.may_load(storage, provider)?.unwrap_or(Liveness {
        last_seen: now,
        last_seen_time: env.block.time,
        lapses: vec![],
    });
    let mut lapse = None;
    let mut merged = false;
    if live.last_seen.saturating_add(heartbeat_window(cfg)) < now {
        if live.lapses.len() >= MAX_LAPSES {
            merge_closest(&mut live.lapses);
            merged = true;
        }
        let l = Lapse {
            from: live.last_seen,
            from_time: live.last_seen_time,
            until: now,
            alive: 0,
            last_from: None,
        };
        live.lapses.push(l.clone());
        lapse = Some(l);
    }
    live.last_seen = now;
    live.last_seen_time = env.block.time;
    LIVENESS.save(storage, provider, &live)?;
    Ok(Recorded {
        live,
        lapse,
        merged,
    })
}

/// Makes room for one more outage without forgetting any (review finding R2: dropping the
/// oldest let a provider erase its first outage with a few cheap lapses). The two adjacent
/// outages with the shortest gap between them become one outage from the first's `from` to the
/// second's `until`, the gap counted as `alive`, the second's start kept as `last_from`. A lease
/// whose term began before the merged span stops at the first part's deadline as before; one
/// that began inside it (in a live gap) counts from the last part, so an honest provider is
/// never cut earlier than it served. O(`MAX_LAPSES`).
fn merge_closest(lapses: &mut Vec<Lapse>) {
    let Some(i) = (0..lapses.len().saturating_sub(1))
        .min_by_key(|&i| lapses[i + 1].from.saturating_sub(lapses[i].until))
    else {
        return;
    };
    let next = lapses.remove(i + 1);
    let first = &mut lapses[i];
    let gap = next.from.saturating_sub(first.until);
    first.alive = first.alive.saturating_add(gap).saturating_add(next.alive);
    first.until = next.until;
    first.last_from = Some(next.last_from.unwrap_or(next.from));
}

/// Blocks in `[since, now)` during which the contract was paused.
pub fn paused_blocks(storage: &dyn Storage, since: u64, now: u64) -> Result<u64, ContractError> {
    let mut spans = PAUSE_SPANS.may_load(storage)?.unwrap_or_default();
    let info = spice_governance::pause_info(storage)?;
    if info.paused {
        spans.push((info.last_changed_height.unwrap_or(since), now));
    }
    Ok(spans
        .iter()
        .map(|&(a, b)| b.min(now).saturating_sub(a.max(since)))
        .sum())
}

/// Last height at which an out-of-funds lease (dry since `since`) may still be revived; the
/// grace clock stands still while the contract is paused.
pub fn grace_ends(
    storage: &dyn Storage,
    cfg: &Config,
    since: u64,
    now: u64,
) -> Result<u64, ContractError> {
    Ok(since
        .saturating_add(cfg.grace_period_blocks)
        .saturating_add(paused_blocks(storage, since, now)?))
}

/// Called on unpause: remembers the pause that just ended.
pub fn record_pause_span(
    storage: &mut dyn Storage,
    from: u64,
    until: u64,
) -> Result<(), ContractError> {
    let mut spans = PAUSE_SPANS.may_load(storage)?.unwrap_or_default();
    if spans.len() >= MAX_PAUSE_SPANS {
        spans.remove(0);
    }
    spans.push((from, until));
    PAUSE_SPANS.save(storage, &spans)?;
    Ok(())
}

/// Starts a provider's liveness record at the start of its term on a lease (order-book open,
/// rollover) when it has none, without refreshing an existing one: only the provider's own
/// messages prove it alive.
pub fn ensure_liveness(
    storage: &mut dyn Storage,
    provider: &Addr,
    env: &Env,
) -> Result<(), ContractError> {
    if !LIVENESS.has(storage, provider) {
        LIVENESS.save(
            storage,
            provider,
            &Liveness {
                last_seen: env.block.height,
                last_seen_time: env.block.time,
                lapses: vec![],
            },
        )?;
    }
    Ok(())
}
