use cosmwasm_std::{Addr, Api, Decimal, DepsMut, Env, MessageInfo, Response, StdError, Uint128};
use spice_types::{spice_event, BackupProvider, OpenLeaseMsg};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::ledger::{
    self, in_range, load_lease, nonpayable, one_coin, save_lease, settle, transition, wrong_status,
    Effects, NETWORK_REASONS, PROVIDER_REASONS, TENANT_REASONS,
};
use crate::state::{
    Backup, Config, DepositEntry, DepositSource, Health, Lease, LeaseStatus, LeaseTotals, Stream,
    CONFIG, DEPOSITS, NEXT_LEASE_ID,
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
        if addr == *tenant || addr == *provider || out.iter().any(|o| o.provider == addr) {
            return Err(ContractError::DuplicateBackup {
                provider: addr.into_string(),
            });
        }
        out.push(Backup {
            provider: addr,
            price_per_block: b.price_per_block,
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
    save_lease(deps.storage, &mut lease)?;
    Ok(Response::new().add_event(
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
    ))
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
    lease.provider_since = now;
    lease.health.last_heartbeat = now;
    save_lease(deps.storage, &mut lease)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "accept_lease")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("tenant", lease.tenant.as_str())
            .add_attribute("provider", lease.provider.as_str())
            .add_attribute("height", now.to_string()),
    ))
}

pub fn settle_lease(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    let mut fx = Effects::default();
    settle(&mut lease, env.block.height, &mut fx)?;
    if !fx.events.is_empty() {
        save_lease(deps.storage, &mut lease)?;
    }
    Ok(fx.into_response())
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
    let mut lease = load_lease(deps.storage, lease_id)?;
    if info.sender != lease.provider {
        return Err(unauthorized(
            &info,
            "withdraw from",
            lease_id,
            "the provider",
        ));
    }
    let mut fx = Effects::default();
    settle(&mut lease, env.block.height, &mut fx)?;
    if ledger::pay_provider(&mut lease, &cfg, &mut fx)?.is_zero() {
        return Err(ContractError::NothingToWithdraw { lease_id });
    }
    save_lease(deps.storage, &mut lease)?;
    Ok(fx.into_response())
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
    let mut fx = Effects::default();
    settle(&mut lease, now, &mut fx)?;
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
        let grace_ends = since.saturating_add(cfg.grace_period_blocks);
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
    let slash = ledger::failure_attested(&lease, &cfg, now);
    ledger::close(deps.storage, &mut lease, &cfg, reason, slash, now, &mut fx)?;
    Ok(fx
        .into_response()
        .add_attribute("sender", info.sender.as_str()))
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
