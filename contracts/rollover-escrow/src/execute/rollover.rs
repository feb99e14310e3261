//! Health and rollover: heartbeats, failure reports, standby lists, provider bonds, and moving a
//! lease to its next backup provider in one transaction.

use cosmwasm_std::{Decimal, DepsMut, Env, MessageInfo, Response};
use spice_types::{spice_event, BackupProvider};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::lease::{unauthorized, validate_backups};
use crate::execute::ledger::{
    self, heartbeat_timed_out, in_range, load_lease, nonpayable, one_coin, save_lease, settle,
    wrong_status, Effects, PROVIDER_REASONS, REASON_MISSED_HEARTBEATS, REASON_NO_BACKUP_LEFT,
    REASON_ROLLOVER_REQUESTED,
};
use crate::state::{Failure, LeaseStatus, CONFIG};

/// Proof of life from the current provider. Open while paused, so a pause never makes a
/// healthy provider look failed once it ends.
pub fn heartbeat(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
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
    lease.health.last_heartbeat = env.block.height;
    save_lease(deps.storage, &mut lease)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "heartbeat")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("provider", lease.provider.as_str())
            .add_attribute("height", env.block.height.to_string()),
    ))
}

/// The tenant or a monitor reports the provider failed, with a provider reason code. The first
/// report's height is kept (the provider is paid up to it on rollover); a later report may
/// replace who reported and why, e.g. a monitor confirming the tenant's report. Open while
/// paused: it is a signal, moving no funds.
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
    let height = lease
        .health
        .failure
        .as_ref()
        .map(|f| f.height)
        .unwrap_or(env.block.height);
    lease.health.failure = Some(Failure {
        reporter: info.sender.clone(),
        reason,
        height,
    });
    save_lease(deps.storage, &mut lease)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "report_failure")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("reporter", info.sender.as_str())
            .add_attribute("provider", lease.provider.as_str())
            .add_attribute("reason", reason.to_string())
            .add_attribute("failure_height", height.to_string()),
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
    lease.backups = validate_backups(deps.api, &cfg, &lease.tenant, &lease.provider, backups)?;
    save_lease(deps.storage, &mut lease)?;
    let list: Vec<String> = lease
        .backups
        .iter()
        .map(|b| format!("{}@{}", b.provider, b.price_per_block))
        .collect();
    Ok(Response::new().add_event(
        spice_event(TAG, "set_backups")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("tenant", lease.tenant.as_str())
            .add_attribute("backups", list.join(",")),
    ))
}

/// Moves an active lease to its next backup, same id and same escrow:
/// 1. who: the tenant, a monitor, or anyone once the provider missed heartbeats beyond
///    `heartbeat_timeout_blocks` or a failure was reported;
/// 2. the outgoing provider is paid up to the failure (the reported failure height, or the
///    heartbeat deadline), not for the blocks after it, and its bond is slashed to the tenant
///    when the failure is attested by a monitor or by missed heartbeats;
/// 3. its term closes with a provider reason code (the report's, 10002 for missed heartbeats,
///    10001 for a requested rollover);
/// 4. the next backup serves from this block at its own price; with none left the lease closes
///    with 20002 and every depositor is refunded.
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
    let timed_out = heartbeat_timed_out(&lease, &cfg, now);
    let privileged = info.sender == lease.tenant || cfg.monitors.contains(&info.sender);
    if !privileged && !timed_out && lease.health.failure.is_none() {
        return Err(ContractError::ProviderHealthy {
            lease_id,
            provider: lease.provider.to_string(),
            last_heartbeat: lease.health.last_heartbeat,
            timeout_at: lease
                .health
                .last_heartbeat
                .saturating_add(cfg.heartbeat_timeout_blocks),
        });
    }
    let heartbeat_deadline = lease
        .health
        .last_heartbeat
        .saturating_add(cfg.heartbeat_timeout_blocks);
    let (reason, service_end) = match (&lease.health.failure, timed_out) {
        (Some(f), _) => (f.reason, f.height.min(now)),
        (None, true) => (REASON_MISSED_HEARTBEATS, heartbeat_deadline.min(now)),
        (None, false) => (REASON_ROLLOVER_REQUESTED, now),
    };
    let slash = ledger::failure_attested(&lease, &cfg, now);
    let mut fx = Effects::default();
    settle(&mut lease, service_end, &mut fx)?;
    if lease.status != LeaseStatus::Active {
        // Ran dry before the failure: deposit (revive) or close instead.
        return Err(wrong_status(&lease, "active"));
    }
    // Blocks after the failure are not paid: streaming resumes from now for the next provider.
    // The outgoing provider's sub-unit carry is forgiven; it was never taken from the balance.
    lease.stream.settled_height = now;
    lease.stream.carry = Decimal::zero();
    let from = lease.provider.clone();
    ledger::end_provider_term(&mut lease, &cfg, reason, slash, now, &mut fx)?;
    lease.health.failure = None;
    if lease.backups.is_empty() {
        fx.event(
            spice_event(TAG, "rollover")
                .add_attribute("lease_id", lease_id.to_string())
                .add_attribute("sender", info.sender.as_str())
                .add_attribute("from_provider", from.as_str())
                .add_attribute("to_provider", "none")
                .add_attribute("reason", reason.to_string())
                .add_attribute("slashed", slash.to_string()),
        );
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
    save_lease(deps.storage, &mut lease)?;
    fx.event(
        spice_event(TAG, "rollover")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("from_provider", from.as_str())
            .add_attribute("to_provider", lease.provider.as_str())
            .add_attribute("price_per_block", lease.price_per_block.to_string())
            .add_attribute("reason", reason.to_string())
            .add_attribute("slashed", slash.to_string())
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
