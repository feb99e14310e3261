//! Health and rollover: heartbeats, failure reports, standby lists, provider bonds, and moving a
//! lease to its next backup provider in one transaction.

use cosmwasm_std::{Decimal, DepsMut, Env, MessageInfo, Response};
use spice_types::{spice_event, BackupProvider};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::health::{
    ensure_liveness, heartbeat_window, last_seen, liveness, record_heartbeat, report_attested,
    settle_now, standing_report, stop,
};
use crate::execute::lease::{unauthorized, validate_backups};
use crate::execute::ledger::{
    self, in_range, load_lease, nonpayable, one_coin, save_hot, save_lease, wrong_status, Effects,
    PROVIDER_REASONS, REASON_NO_BACKUP_LEFT, REASON_ROLLOVER_REQUESTED,
};
use crate::state::{Failure, LeaseStatus, CONFIG};

/// Proof of life. Without a lease: the sender's provider-level heartbeat, O(1), read by every
/// lease it serves. With a lease: the same, by that lease's provider, and it also clears a
/// tenant-only failure report on that lease. A heartbeat after more silence than the heartbeat
/// window does not revive leases that ran through the outage: they stay failed at its deadline.
/// Open while paused, so a pause never makes a healthy provider look failed once it ends.
pub fn heartbeat(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: Option<u64>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let mut event = spice_event(TAG, "heartbeat")
        .add_attribute("provider", info.sender.as_str())
        .add_attribute("height", env.block.height.to_string());
    if let Some(lease_id) = lease_id {
        let mut lease = load_lease(deps.storage, lease_id)?;
        if info.sender != lease.provider {
            return Err(unauthorized(&info, "heartbeat", lease_id, "the provider"));
        }
        if !matches!(
            lease.status,
            LeaseStatus::Active | LeaseStatus::InsufficientFunds { .. }
        ) {
            return Err(wrong_status(&lease, "active"));
        }
        let cleared = lease.health.failure.is_some() && !report_attested(&lease, &cfg);
        if cleared {
            lease.health.failure = None;
            save_hot(deps.storage, &mut lease)?;
        }
        event = event
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("cleared_tenant_report", cleared.to_string());
    }
    let rec = record_heartbeat(deps.storage, &cfg, &info.sender, &env)?;
    let mut event = event
        .add_attribute("lapses", rec.live.lapses.len().to_string())
        .add_attribute("merged_lapses", rec.merged.to_string());
    if let Some(l) = rec.lapse {
        event = event
            .add_attribute("lapse_from", l.from.to_string())
            .add_attribute("lapse_until", l.until.to_string());
    }
    Ok(Response::new().add_event(event))
}

/// The tenant or a monitor reports the provider failed, with a provider reason code.
/// - A monitor's report is attested: the stream stops at its height, the provider's bond is
///   slashed at rollover, and a later report never moves it. It replaces a tenant's earlier
///   report (the attesting report's height counts, not the tenant's).
/// - A tenant's report stops the stream from its own height on (blocks before it stay paid),
///   until the provider's next heartbeat refutes it; it never replaces a monitor's report.
///
/// Open while paused: it is a signal, moving no funds.
pub fn report_failure(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
    reason: u32,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    let is_monitor = cfg.monitors.contains(&info.sender);
    if info.sender != lease.tenant && !is_monitor {
        return Err(unauthorized(
            &info,
            "report a failure on",
            lease_id,
            "the tenant or a monitor",
        ));
    }
    if !in_range(reason, PROVIDER_REASONS) {
        return Err(ContractError::ReasonOutOfRange {
            reason,
            min: PROVIDER_REASONS.0,
            max: PROVIDER_REASONS.1,
        });
    }
    if lease.status != LeaseStatus::Active {
        return Err(wrong_status(&lease, "active"));
    }
    let now = env.block.height;
    let live = liveness(deps.storage, &lease.provider)?;
    let standing = standing_report(&lease, &cfg, live.as_ref());
    let keep = match &standing {
        // An attested report stays; a tenant's standing report stays unless a monitor attests.
        Some(s) => s.attested || !is_monitor,
        None => false,
    };
    if !keep {
        lease.health.failure = Some(Failure {
            reporter: info.sender.clone(),
            reason,
            height: now,
            time: Some(env.block.time),
        });
        save_hot(deps.storage, &mut lease)?;
    }
    let height = lease.health.failure.as_ref().map_or(now, |f| f.height);
    Ok(Response::new().add_event(
        spice_event(TAG, "report_failure")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("reporter", info.sender.as_str())
            .add_attribute("provider", lease.provider.as_str())
            .add_attribute("reason", reason.to_string())
            .add_attribute("attested", is_monitor.to_string())
            .add_attribute("recorded", (!keep).to_string())
            .add_attribute("failure_height", height.to_string()),
    ))
}

/// A provider named as a backup agrees in advance to take the lease over at its listed price.
/// Rollover never hands a lease to a backup that has not.
pub fn accept_backup(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    if lease.status == LeaseStatus::Closed {
        return Err(wrong_status(&lease, "open"));
    }
    let Some(backup) = lease.backups.iter_mut().find(|b| b.provider == info.sender) else {
        return Err(ContractError::NotABackup {
            lease_id,
            sender: info.sender.into_string(),
        });
    };
    backup.accepted = true;
    let price = backup.price_per_block;
    save_lease(deps.storage, &mut lease)?;
    ensure_liveness(deps.storage, &info.sender, &env)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "accept_backup")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("provider", info.sender.as_str())
            .add_attribute("price_per_block", price.to_string()),
    ))
}

pub fn set_backups(
    deps: DepsMut,
    info: MessageInfo,
    lease_id: u64,
    backups: Vec<BackupProvider>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    if info.sender != lease.tenant {
        return Err(unauthorized(
            &info,
            "set backups on",
            lease_id,
            "the tenant",
        ));
    }
    if lease.status == LeaseStatus::Closed {
        return Err(wrong_status(&lease, "open"));
    }
    let mut next = validate_backups(deps.api, &cfg, &lease.tenant, &lease.provider, backups)?;
    // A backup's acceptance stands while it stays listed at the price it accepted.
    for b in next.iter_mut() {
        b.accepted = lease.backups.iter().any(|o| {
            o.accepted && o.provider == b.provider && o.price_per_block == b.price_per_block
        });
    }
    lease.backups = next;
    save_lease(deps.storage, &mut lease)?;
    let list: Vec<String> = lease
        .backups
        .iter()
        .map(|b| format!("{}@{}:{}", b.provider, b.price_per_block, b.accepted))
        .collect();
    Ok(Response::new().add_event(
        spice_event(TAG, "set_backups")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("tenant", lease.tenant.as_str())
            .add_attribute("backups", list.join(",")),
    ))
}

/// Moves an active lease to its next backup that accepted, same id and same escrow:
/// 1. who: the tenant, a monitor, or anyone (except a listed backup, which would gain from it)
///    once a failure stands — missed heartbeats beyond `MISSED_INTERVALS` intervals or a
///    report;
/// 2. the outgoing provider is paid up to the failure height, not for the blocks after it; its
///    bond is slashed to the tenant for a monitor-attested failure (`bond_slash_bps`) or missed
///    heartbeats (in proportion to the silence), never on the tenant's word alone;
/// 3. its term closes with a provider reason code (the report's, 10002 for missed heartbeats,
///    10001 for a requested rollover);
/// 4. backups that did not accept are skipped (and dropped); the first that did serves from
///    this block at its own price; with none left the lease closes with 20002 and every
///    depositor is refunded.
pub fn rollover(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let now = env.block.height;
    let mut lease = load_lease(deps.storage, lease_id)?;
    if lease.status != LeaseStatus::Active {
        return Err(wrong_status(&lease, "active"));
    }
    let failure = stop(deps.storage, &lease, &cfg, now)?;
    let privileged = info.sender == lease.tenant || cfg.monitors.contains(&info.sender);
    if !privileged {
        if failure.is_none() {
            let live = liveness(deps.storage, &lease.provider)?;
            let last = last_seen(&lease, live.as_ref());
            return Err(ContractError::ProviderHealthy {
                lease_id,
                provider: lease.provider.to_string(),
                last_heartbeat: last,
                timeout_at: last.saturating_add(heartbeat_window(&cfg)),
            });
        }
        if lease.backups.iter().any(|b| b.provider == info.sender) {
            return Err(ContractError::BackupMayNotForce {
                lease_id,
                sender: info.sender.into_string(),
            });
        }
    }
    let reason = failure
        .as_ref()
        .map_or(REASON_ROLLOVER_REQUESTED, |f| f.reason);
    let slash_bps = ledger::slash_bps(failure.as_ref(), &cfg);
    let mut fx = Effects::at(&env);
    settle_now(deps.storage, &mut lease, &cfg, now, &mut fx)?;
    if lease.status != LeaseStatus::Active {
        // Ran dry before the failure: deposit (revive) or close instead.
        return Err(wrong_status(&lease, "active"));
    }
    // Blocks after the failure are not paid: streaming resumes from now for the next provider.
    // The outgoing provider's sub-unit carry is forgiven; it was never taken from the balance.
    lease.stream.settled_height = now;
    lease.stream.settled_time = Some(env.block.time);
    lease.stream.carry = Decimal::zero();
    let from = lease.provider.clone();
    ledger::end_provider_term(&mut lease, &cfg, reason, slash_bps, now, &mut fx)?;
    lease.stream.served_from = Some(env.block.time);
    lease.health.failure = None;
    let mut skipped = vec![];
    while lease.backups.first().is_some_and(|b| !b.accepted) {
        skipped.push(lease.backups.remove(0).provider.into_string());
    }
    let base = |to: &str| {
        spice_event(TAG, "rollover")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("from_provider", from.as_str())
            .add_attribute("to_provider", to.to_string())
            .add_attribute("reason", reason.to_string())
            .add_attribute("slash_bps", slash_bps.to_string())
            .add_attribute("skipped_backups", skipped.join(","))
    };
    if lease.backups.is_empty() {
        fx.event(base("none"));
        // The provider's term already ended above; what is left goes back to the depositors.
        ledger::finish_close(
            deps.storage,
            &mut lease,
            REASON_NO_BACKUP_LEFT,
            now,
            &mut fx,
        )?;
        return Ok(fx.into_response());
    }
    let next = lease.backups.remove(0);
    lease.provider = next.provider;
    lease.price_per_block = next.price_per_block;
    lease.provider_since = now;
    lease.health.last_heartbeat = now;
    lease.health.rollovers = lease.health.rollovers.saturating_add(1);
    ensure_liveness(deps.storage, &lease.provider, &env)?;
    save_lease(deps.storage, &mut lease)?;
    fx.event(
        base(lease.provider.as_str())
            .add_attribute("price_per_block", lease.price_per_block.to_string())
            .add_attribute("backups_left", lease.backups.len().to_string()),
    );
    Ok(fx.into_response())
}

/// The current provider stakes a bond in the lease denom; it is returned when the provider's
/// term ends, unless an attested failure slashes `bond_slash_bps` of it to the tenant.
pub fn post_bond(
    deps: DepsMut,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let coin = one_coin(&info)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    if info.sender != lease.provider {
        return Err(unauthorized(
            &info,
            "post a bond on",
            lease_id,
            "the provider",
        ));
    }
    if lease.status == LeaseStatus::Closed {
        return Err(wrong_status(&lease, "open"));
    }
    if coin.denom != lease.denom {
        return Err(ContractError::WrongDenom {
            lease_id,
            expected: lease.denom,
            got: coin.denom,
        });
    }
    lease.bond = lease.bond.checked_add(coin.amount)?;
    save_lease(deps.storage, &mut lease)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "post_bond")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("provider", lease.provider.as_str())
            .add_attribute("amount", coin.amount)
            .add_attribute("bond", lease.bond)
            .add_attribute("denom", &lease.denom),
    ))
}
