use cosmwasm_std::{
    Addr, Api, Decimal, DepsMut, Env, MessageInfo, Order, Response, StdError, StdResult, Storage,
    Uint128,
};
use cw_storage_plus::Bound;
use spice_types::{spice_event, BackupProvider, OpenLeaseMsg};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::health::{ensure_liveness, grace_ends, record_heartbeat, settle_now};
use crate::execute::ledger::{
    self, in_range, load_lease, nonpayable, one_coin, save_hot, save_lease, transition,
    wrong_status, Effects, NETWORK_REASONS, PROVIDER_REASONS, TENANT_REASONS,
};
use crate::state::{
    Backup, Config, DepositEntry, DepositSource, Health, Lease, LeaseStatus, LeaseTotals, Stream,
    CLOSE_CURSOR, CONFIG, DEPLETION, DEPOSITS, NEXT_LEASE_ID,
};

/// Validates a standby list: at most `max_backups`, non-zero prices, no duplicates, neither the
/// tenant nor the current provider.
pub fn validate_backups(
    api: &dyn Api,
    cfg: &Config,
    tenant: &Addr,
    provider: &Addr,
    backups: Vec<BackupProvider>,
) -> Result<Vec<Backup>, ContractError> {
    if backups.len() > cfg.max_backups as usize {
        return Err(ContractError::TooManyBackups {
            count: backups.len(),
            max: cfg.max_backups,
        });
    }
    let mut out: Vec<Backup> = Vec::with_capacity(backups.len());
    for b in backups {
        let addr = api.addr_validate(&b.provider)?;
        if b.price_per_block.is_zero() {
            return Err(ContractError::ZeroPrice);
        }
        if addr == *tenant {
            return Err(ContractError::BackupIsTenant {
                tenant: addr.into_string(),
            });
        }
        if addr == *provider {
            return Err(ContractError::BackupIsProvider {
                provider: addr.into_string(),
            });
        }
        if out.iter().any(|o| o.provider == addr) {
            return Err(ContractError::DuplicateBackup {
                provider: addr.into_string(),
            });
        }
        out.push(Backup {
            provider: addr,
            price_per_block: b.price_per_block,
            // Every backup agrees for itself (`accept_backup`), also when the order book named it.
            accepted: false,
        });
    }
    Ok(out)
}

/// Longest `spec_ref`, in bytes: every later load of the lease (settlements, withdrawals,
/// top-ups by keepers) reads it, so its size is bounded like every other stored string.
pub const MAX_SPEC_REF_LEN: usize = 256;

pub fn check_denom(cfg: &Config, denom: &str) -> Result<(), ContractError> {
    if !cfg.accepted_denoms.iter().any(|d| d == denom) {
        return Err(ContractError::DenomNotAccepted {
            denom: denom.to_string(),
            accepted: cfg.accepted_denoms.join(","),
        });
    }
    Ok(())
}

pub fn open(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: OpenLeaseMsg,
) -> Result<Response, ContractError> {
    open_with_id(deps, env, info, msg).map(|(_, res)| res)
}

/// `open_lease`, also answering the new lease's id (for `open_leases`' per-item results).
pub fn open_with_id(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: OpenLeaseMsg,
) -> Result<(u64, Response), ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let cfg = CONFIG.load(deps.storage)?;
    let coin = one_coin(&info)?;
    check_denom(&cfg, &msg.denom)?;
    if coin.denom != msg.denom {
        return Err(ContractError::FundsDenomMismatch {
            expected: msg.denom,
            got: coin.denom,
        });
    }
    if msg.price_per_block.is_zero() {
        return Err(ContractError::ZeroPrice);
    }
    if let Some(len) = msg.spec_ref.as_ref().map(String::len) {
        if len > MAX_SPEC_REF_LEN {
            return Err(ContractError::SpecRefTooLong {
                len,
                max: MAX_SPEC_REF_LEN,
            });
        }
    }
    let from_order_book = cfg.order_book.as_ref() == Some(&info.sender);
    let tenant = if from_order_book {
        let tenant = msg.tenant.ok_or(ContractError::MissingTenant)?;
        deps.api.addr_validate(&tenant)?
    } else {
        if let Some(t) = &msg.tenant {
            if deps.api.addr_validate(t)? != info.sender {
                return Err(ContractError::TenantMismatch {
                    tenant: t.clone(),
                    sender: info.sender.to_string(),
                });
            }
        }
        info.sender.clone()
    };
    let provider = deps.api.addr_validate(&msg.provider)?;
    if provider == tenant {
        return Err(ContractError::TenantIsProvider {
            address: tenant.into_string(),
        });
    }
    let backups = validate_backups(deps.api, &cfg, &tenant, &provider, msg.backups)?;
    let id = NEXT_LEASE_ID.load(deps.storage)?;
    let next = id
        .checked_add(1)
        .ok_or_else(|| StdError::generic_err("lease ids exhausted"))?;
    NEXT_LEASE_ID.save(deps.storage, &next)?;
    let now = env.block.height;
    // The order book's match is the provider's agreement, so its leases stream at once.
    let status = if from_order_book {
        LeaseStatus::Active
    } else {
        LeaseStatus::Pending
    };
    let mut lease = Lease {
        id,
        tenant: tenant.clone(),
        provider,
        price_per_block: msg.price_per_block,
        denom: msg.denom,
        status,
        opened_at: now,
        provider_since: now,
        balance: coin.amount,
        stream: Stream {
            settled_height: now,
            carry: Decimal::zero(),
            earned: Uint128::zero(),
            earned_blocks: 0,
            fee_carry: Decimal::zero(),
            served_from: Some(env.block.time),
            settled_time: Some(env.block.time),
        },
        totals: LeaseTotals {
            deposited: coin.amount,
            ..Default::default()
        },
        health: Health {
            last_heartbeat: now,
            failure: None,
            rollovers: 0,
        },
        bond: Uint128::zero(),
        backups,
        history: vec![],
        auto_top_up: None,
        closure: None,
        depletion_height: None,
        spec_ref: msg.spec_ref,
        order_id: msg.order_id,
    };
    // The tenant gets every refund, also of the order book's deposit made on its behalf.
    DEPOSITS.save(
        deps.storage,
        id,
        &vec![DepositEntry {
            depositor: tenant,
            source: DepositSource::Bank,
            amount: coin.amount,
        }],
    )?;
    ensure_liveness(deps.storage, &lease.provider, &env)?;
    save_lease(deps.storage, &mut lease)?;
    let res = Response::new().add_event(
        spice_event(TAG, "open_lease")
            .add_attribute("lease_id", id.to_string())
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("tenant", lease.tenant.as_str())
            .add_attribute("provider", lease.provider.as_str())
            .add_attribute("price_per_block", lease.price_per_block.to_string())
            .add_attribute("denom", &lease.denom)
            .add_attribute("deposit", coin.amount)
            .add_attribute("status", lease.status.name())
            .add_attribute("backups", lease.backups.len().to_string())
            .add_attribute(
                "order_id",
                lease
                    .order_id
                    .map(|o| o.to_string())
                    .unwrap_or_else(|| "none".into()),
            ),
    );
    Ok((id, res))
}

pub fn accept(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    if info.sender != lease.provider {
        return Err(unauthorized(&info, "accept", lease_id, "the provider"));
    }
    if lease.status != LeaseStatus::Pending {
        return Err(wrong_status(&lease, "pending"));
    }
    transition(&mut lease, LeaseStatus::Active)?;
    let now = env.block.height;
    lease.stream.settled_height = now;
    lease.stream.served_from = Some(env.block.time);
    lease.stream.settled_time = Some(env.block.time);
    lease.provider_since = now;
    lease.health.last_heartbeat = now;
    save_lease(deps.storage, &mut lease)?;
    // Accepting is the provider's own proof of life.
    let cfg = CONFIG.load(deps.storage)?;
    let rec = record_heartbeat(deps.storage, &cfg, &info.sender, &env)?;
    let mut event = spice_event(TAG, "accept_lease")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("tenant", lease.tenant.as_str())
        .add_attribute("provider", lease.provider.as_str())
        .add_attribute("height", now.to_string());
    if let Some(l) = rec.lapse {
        // The provider's acceptance ended an outage of its other leases.
        event = event
            .add_attribute("lapse_from", l.from.to_string())
            .add_attribute("lapse_until", l.until.to_string())
            .add_attribute("merged_lapses", rec.merged.to_string());
    }
    Ok(Response::new().add_event(event))
}

pub fn settle_lease(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let mut fx = Effects::at(&env);
    settle_one(deps.storage, &cfg, env.block.height, lease_id, &mut fx)?;
    Ok(fx.into_response())
}

/// Settles one lease (shared by `settle` and `settle_batch`); every failure comes before the
/// first write, so a batch can skip a failed item with nothing of it changed.
pub fn settle_one(
    storage: &mut dyn Storage,
    cfg: &Config,
    now: u64,
    lease_id: u64,
    fx: &mut Effects,
) -> Result<(), ContractError> {
    let mut lease = load_lease(storage, lease_id)?;
    let before = fx.events.len();
    settle_now(storage, &mut lease, cfg, now, fx)?;
    if fx.events.len() > before {
        save_hot(storage, &mut lease)?;
    }
    Ok(())
}

/// The provider's exit: open while paused.
pub fn withdraw(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let mut fx = Effects::at(&env);
    withdraw_one(
        deps.storage,
        &cfg,
        env.block.height,
        &info,
        lease_id,
        &mut fx,
    )?;
    Ok(fx.into_response())
}

/// Settles one lease and pays its provider (shared by `withdraw` and `withdraw_batch`); every
/// failure comes before the first write.
pub fn withdraw_one(
    storage: &mut dyn Storage,
    cfg: &Config,
    now: u64,
    info: &MessageInfo,
    lease_id: u64,
    fx: &mut Effects,
) -> Result<(), ContractError> {
    let mut lease = load_lease(storage, lease_id)?;
    if info.sender != lease.provider {
        return Err(unauthorized(
            info,
            "withdraw from",
            lease_id,
            "the provider",
        ));
    }
    settle_now(storage, &mut lease, cfg, now, fx)?;
    if ledger::pay_provider(&mut lease, cfg, fx)?.is_zero() {
        return Err(ContractError::NothingToWithdraw { lease_id });
    }
    save_hot(storage, &mut lease)
}

/// Who may close with which reason: the tenant with 1–9999, the provider with 10000–19999,
/// anyone with 20000+ once an out-of-funds lease's grace period is over. Open while paused.
pub fn close_lease(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
    reason: u32,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    if lease.status == LeaseStatus::Closed {
        return Err(wrong_status(&lease, "open"));
    }
    let now = env.block.height;
    let mut fx = Effects::at(&env);
    let stop = settle_now(deps.storage, &mut lease, &cfg, now, &mut fx)?;
    if in_range(reason, TENANT_REASONS) {
        if info.sender != lease.tenant {
            return Err(unauthorized(
                &info,
                "close",
                lease_id,
                "the tenant (reasons 1-9999)",
            ));
        }
    } else if in_range(reason, PROVIDER_REASONS) {
        if info.sender != lease.provider {
            return Err(unauthorized(
                &info,
                "close",
                lease_id,
                "the provider (reasons 10000-19999)",
            ));
        }
    } else if in_range(reason, NETWORK_REASONS) {
        let LeaseStatus::InsufficientFunds { since } = lease.status else {
            return Err(wrong_status(
                &lease,
                "insufficient_funds past its grace period",
            ));
        };
        let grace_ends = grace_ends(deps.storage, &cfg, since, now)?;
        if now <= grace_ends {
            return Err(ContractError::GracePeriodNotOver {
                lease_id,
                since,
                grace_ends,
            });
        }
    } else {
        return Err(ContractError::ReasonOutOfRange {
            reason,
            min: TENANT_REASONS.0,
            max: NETWORK_REASONS.1,
        });
    }
    let slash_bps = ledger::slash_bps(stop.as_ref(), &cfg);
    ledger::close(
        deps.storage,
        &mut lease,
        &cfg,
        reason,
        slash_bps,
        now,
        &mut fx,
    )?;
    Ok(fx
        .into_response()
        .add_attribute("sender", info.sender.as_str()))
}

/// Keeper crank: closes up to `limit` out-of-funds leases whose grace period (paused time
/// excluded) is over, walking the depletion index below `now - grace_period_blocks`, with
/// reason 20001 and a refund to every depositor. The depositors are the ones paid for it (their
/// refunds), so no bounty is taken from the lease. Bounded: at most `limit` (≤ 30) leases looked
/// at per call.
///
/// The walk goes on from where the previous call stopped (`CLOSE_CURSOR`) and wraps to the
/// oldest entry at the end, so entries it cannot close (a failed provider's lease still holding
/// funds: its stream stopped at the failure, so it never runs dry) never hold the queue back
/// (review finding R5): every expired lease is closed within `ceil(n / limit) + 1` calls for
/// `n` entries below the cutoff. The event's `next` is where the next call starts.
pub fn close_expired(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let now = env.block.height;
    let Some(cutoff) = now.checked_sub(cfg.grace_period_blocks) else {
        return Ok(Response::new().add_event(
            spice_event(TAG, "close_expired")
                .add_attribute("sender", info.sender.as_str())
                .add_attribute("closed", "0")
                .add_attribute("next", "start"),
        ));
    };
    // At least one: a zero-limit call would find no candidate and reset the cursor, sending
    // every keeper back to the unclosable leases at the head (second review, finding 2).
    let limit = spice_types::page_limit(limit).max(1);
    let end = Some(Bound::exclusive((cutoff, 0)));
    let cursor = CLOSE_CURSOR.may_load(deps.storage)?;
    let mut candidates: Vec<(u64, u64)> = DEPLETION
        .keys(
            deps.storage,
            cursor.map(Bound::exclusive),
            end.clone(),
            Order::Ascending,
        )
        .take(limit)
        .collect::<StdResult<_>>()?;
    if let Some(cursor) = cursor {
        if candidates.len() < limit {
            // Wrap: the rest of the budget from the oldest entry, up to the cursor.
            let wrapped: Vec<(u64, u64)> = DEPLETION
                .keys(deps.storage, None, end, Order::Ascending)
                .take_while(|k| k.as_ref().map_or(true, |k| *k <= cursor))
                .take(limit - candidates.len())
                .collect::<StdResult<_>>()?;
            candidates.extend(wrapped);
        }
    }
    match candidates.last() {
        Some(last) => CLOSE_CURSOR.save(deps.storage, last)?,
        None => CLOSE_CURSOR.remove(deps.storage),
    }
    let mut fx = Effects::at(&env);
    let mut closed = vec![];
    for &(_, id) in &candidates {
        let mut lease = load_lease(deps.storage, id)?;
        settle_now(deps.storage, &mut lease, &cfg, now, &mut fx)?;
        let LeaseStatus::InsufficientFunds { since } = lease.status else {
            save_hot(deps.storage, &mut lease)?;
            continue;
        };
        if now <= grace_ends(deps.storage, &cfg, since, now)? {
            save_hot(deps.storage, &mut lease)?;
            continue;
        }
        let stop = crate::execute::health::stop(deps.storage, &lease, &cfg, now)?;
        let slash_bps = ledger::slash_bps(stop.as_ref(), &cfg);
        ledger::close(
            deps.storage,
            &mut lease,
            &cfg,
            ledger::REASON_INSUFFICIENT_FUNDS,
            slash_bps,
            now,
            &mut fx,
        )?;
        closed.push(id.to_string());
    }
    fx.event(
        spice_event(TAG, "close_expired")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("closed", closed.len().to_string())
            .add_attribute("lease_ids", closed.join(","))
            .add_attribute("looked_at", candidates.len().to_string())
            .add_attribute(
                "next",
                candidates
                    .last()
                    .map_or_else(|| "start".to_string(), |(h, id)| format!("{h},{id}")),
            ),
    );
    Ok(fx.into_response())
}

pub fn unauthorized(
    info: &MessageInfo,
    action: &str,
    lease_id: u64,
    allowed: &str,
) -> ContractError {
    ContractError::Unauthorized {
        sender: info.sender.to_string(),
        action: action.to_string(),
        lease_id,
        allowed: allowed.to_string(),
    }
}
