//! Funding from others: deposits by anyone, prefunded balances, grants, and on-chain auto
//! top-up.
//!
//! Model (Akash's authz deployment grants, on-chain): an account prefunds a balance in the
//! escrow (`fund_balance`), then either tops up its own leases automatically (source `balance`)
//! or grants another account the right to spend up to a limit of that balance (`grant`) on
//! leases whose tenant is the granter (a helper managing the tenant's leases) or the grantee (a
//! sponsor paying for the grantee's leases). A refund of a grant-funded deposit goes back into
//! the granter's balance and restores the grant's remaining limit.

use cosmwasm_std::{Addr, Coin, DepsMut, Env, MessageInfo, Response, Storage, Uint128};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::health::settle_now;
use crate::execute::lease::{check_denom, unauthorized};
use crate::execute::ledger::{
    add_funds, cost_of_blocks, credit_balance, debit_balance, load_lease, mul_bps, nonpayable,
    one_coin, save_hot, save_lease, wrong_status, Effects,
};
use crate::state::{
    AutoTopUp, Config, DepositEntry, DepositSource, Grant, Lease, LeaseStatus, StoredTopUpSource,
    TopUpSource, BALANCES, CONFIG, GRANTS, GRANT_SEQ,
};
use spice_types::overlay::WriteBack;

pub fn deposit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let cfg = CONFIG.load(deps.storage)?;
    let coin = one_coin(&info)?;
    let mut fx = Effects::at(&env);
    deposit_one(
        deps.storage,
        &cfg,
        &env,
        &info.sender,
        lease_id,
        coin,
        &mut fx,
    )?;
    Ok(fx.into_response())
}

/// Adds `coin` (already received) to one lease (shared by `deposit` and `deposit_batch`); every
/// failure comes before the first write, so a batch can skip (and refund) a failed item.
pub fn deposit_one(
    storage: &mut dyn Storage,
    cfg: &Config,
    env: &Env,
    sender: &Addr,
    lease_id: u64,
    coin: Coin,
    fx: &mut Effects,
) -> Result<(), ContractError> {
    let mut lease = load_lease(storage, lease_id)?;
    if coin.denom != lease.denom {
        return Err(ContractError::WrongDenom {
            lease_id,
            expected: lease.denom,
            got: coin.denom,
        });
    }
    // The order book funds on the tenant's behalf, so its deposits are the tenant's (refunded
    // to the tenant, never limited by sponsors' entries).
    let depositor = if cfg.order_book.as_ref() == Some(sender) {
        lease.tenant.clone()
    } else {
        sender.clone()
    };
    let entry = DepositEntry {
        depositor,
        source: DepositSource::Bank,
        amount: coin.amount,
    };
    add_funds(storage, &mut lease, cfg, entry, env.block.height, fx)?;
    save_hot(storage, &mut lease)
}

/// Checks `granter`'s grant to `grantee` can spend `amount` of `denom` now; returns it.
fn usable_grant(
    deps: &DepsMut,
    granter: &cosmwasm_std::Addr,
    grantee: &cosmwasm_std::Addr,
    now: u64,
) -> Result<Grant, ContractError> {
    let grant = GRANTS
        .may_load(deps.storage, (granter, grantee))?
        .ok_or_else(|| ContractError::GrantNotFound {
            granter: granter.to_string(),
            grantee: grantee.to_string(),
        })?;
    if let Some(expiration) = grant.expiration {
        if now >= expiration {
            return Err(ContractError::GrantExpired {
                granter: granter.to_string(),
                grantee: grantee.to_string(),
                expiration,
            });
        }
    }
    Ok(grant)
}

pub fn deposit_from_grant(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
    granter: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let cfg = CONFIG.load(deps.storage)?;
    let granter = deps.api.addr_validate(&granter)?;
    let now = env.block.height;
    let mut grant = usable_grant(&deps, &granter, &info.sender, now)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    if lease.tenant != granter && lease.tenant != info.sender {
        return Err(ContractError::GrantNotForLease {
            lease_id,
            tenant: lease.tenant.into_string(),
        });
    }
    if grant.spend_limit.denom != lease.denom {
        return Err(ContractError::GrantDenomMismatch {
            lease_id,
            grant_denom: grant.spend_limit.denom,
            lease_denom: lease.denom,
        });
    }
    let remaining = grant.spend_limit.amount.saturating_sub(grant.spent);
    if amount > remaining {
        return Err(ContractError::GrantLimitExceeded {
            granter: granter.to_string(),
            grantee: info.sender.to_string(),
            needed: amount,
            remaining,
        });
    }
    debit_balance(deps.storage, &granter, &lease.denom, amount)?;
    grant.spent = grant.spent.checked_add(amount)?;
    GRANTS.save(deps.storage, (&granter, &info.sender), &grant)?;
    let mut fx = Effects::at(&env);
    let entry = DepositEntry {
        depositor: granter,
        source: DepositSource::Grant {
            grantee: info.sender,
            seq: grant.seq,
            earlier: Uint128::zero(),
        },
        amount,
    };
    add_funds(deps.storage, &mut lease, &cfg, entry, now, &mut fx)?;
    save_hot(deps.storage, &mut lease)?;
    Ok(fx.into_response())
}

pub fn fund_balance(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let cfg = CONFIG.load(deps.storage)?;
    let coin = one_coin(&info)?;
    check_denom(&cfg, &coin.denom)?;
    credit_balance(deps.storage, &info.sender, &coin.denom, coin.amount)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "fund_balance")
            .add_attribute("owner", info.sender.as_str())
            .add_attribute("amount", coin.amount)
            .add_attribute("denom", coin.denom),
    ))
}

/// An exit: open while paused.
pub fn withdraw_balance(
    deps: DepsMut,
    info: MessageInfo,
    denom: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    debit_balance(deps.storage, &info.sender, &denom, amount)?;
    let mut fx = Effects::default();
    fx.send(&info.sender, &denom, amount);
    fx.event(
        spice_event(TAG, "withdraw_balance")
            .add_attribute("owner", info.sender.as_str())
            .add_attribute("amount", amount)
            .add_attribute("denom", denom),
    );
    Ok(fx.into_response())
}

pub fn grant(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    grantee: String,
    spend_limit: Coin,
    expiration: Option<u64>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let grantee = deps.api.addr_validate(&grantee)?;
    if grantee == info.sender {
        return Err(ContractError::SelfGrant {
            address: grantee.into_string(),
        });
    }
    if spend_limit.amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    check_denom(&cfg, &spend_limit.denom)?;
    if let Some(expiration) = expiration {
        if expiration <= env.block.height {
            return Err(ContractError::ExpirationInPast {
                expiration,
                height: env.block.height,
            });
        }
    }
    // A new grant replaces the old one, with nothing spent under it yet and a new number, so
    // refunds of what the old one spent never restore the new one's limit.
    let seq = GRANT_SEQ.may_load(deps.storage)?.unwrap_or_default() + 1;
    GRANT_SEQ.save(deps.storage, &seq)?;
    GRANTS.save(
        deps.storage,
        (&info.sender, &grantee),
        &Grant {
            spend_limit: spend_limit.clone(),
            spent: Uint128::zero(),
            expiration,
            seq,
        },
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "grant")
            .add_attribute("granter", info.sender.as_str())
            .add_attribute("grantee", grantee.as_str())
            .add_attribute("spend_limit", spend_limit.to_string())
            .add_attribute(
                "expiration",
                expiration
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "none".into()),
            ),
    ))
}

/// Taking authority back is always open, also while paused.
pub fn revoke(
    deps: DepsMut,
    info: MessageInfo,
    grantee: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let grantee = deps.api.addr_validate(&grantee)?;
    if !GRANTS.has(deps.storage, (&info.sender, &grantee)) {
        return Err(ContractError::GrantNotFound {
            granter: info.sender.to_string(),
            grantee: grantee.to_string(),
        });
    }
    GRANTS.remove(deps.storage, (&info.sender, &grantee));
    Ok(Response::new().add_event(
        spice_event(TAG, "revoke")
            .add_attribute("granter", info.sender.as_str())
            .add_attribute("grantee", grantee.as_str()),
    ))
}

pub fn set_auto_top_up(
    deps: DepsMut,
    info: MessageInfo,
    lease_id: u64,
    target_runway_blocks: u64,
    source: TopUpSource,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    if info.sender != lease.tenant {
        return Err(unauthorized(
            &info,
            "set auto top-up on",
            lease_id,
            "the tenant",
        ));
    }
    if lease.status == LeaseStatus::Closed {
        return Err(wrong_status(&lease, "open"));
    }
    let stored = match source {
        TopUpSource::Balance => StoredTopUpSource::Balance,
        TopUpSource::Grant { granter } => {
            let granter = deps.api.addr_validate(&granter)?;
            if !GRANTS.has(deps.storage, (&granter, &lease.tenant)) {
                return Err(ContractError::GrantNotFound {
                    granter: granter.into_string(),
                    grantee: lease.tenant.into_string(),
                });
            }
            StoredTopUpSource::Grant { granter }
        }
    };
    let source_attr = match &stored {
        StoredTopUpSource::Balance => "balance".to_string(),
        StoredTopUpSource::Grant { granter } => format!("grant:{granter}"),
    };
    lease.auto_top_up = (target_runway_blocks > 0).then_some(AutoTopUp {
        target_runway_blocks,
        source: stored,
    });
    save_lease(deps.storage, &mut lease)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "set_auto_top_up")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("tenant", lease.tenant.as_str())
            .add_attribute("target_runway_blocks", target_runway_blocks.to_string())
            .add_attribute("source", source_attr),
    ))
}

/// Keeper action: idempotent (a lease already at its target moves nothing and pays nothing),
/// O(1), and the bounty — `keeper_bounty_bps` of what moved, rounded down, drawn from the same
/// source on top of the top-up — is paid only when funds moved.
pub fn top_up(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let cfg = CONFIG.load(deps.storage)?;
    let mut fx = Effects::at(&env);
    // The source's balance and the provider's liveness are each read twice on the way (plan,
    // settle, debit): through the write-back cache, once.
    let mut store = WriteBack::new(deps.storage);
    let moved = top_up_one(&mut store, &cfg, &env, &info.sender, lease_id, &mut fx)?;
    store.flush();
    let mut res = fx.into_response();
    if moved.is_zero() {
        res = res
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("moved", "0");
    }
    Ok(res)
}

/// One top-up (shared by `top_up` and `top_up_batch`), returning what moved. The bounty is
/// computed per lease, rounded down, exactly as a single call would: a batch never pays more
/// than the same top-ups one by one. Every failure comes before the first write (`add_funds`
/// checks everything before it writes, and runs before the source is debited).
pub fn top_up_one(
    storage: &mut dyn Storage,
    cfg: &Config,
    env: &Env,
    keeper: &Addr,
    lease_id: u64,
    fx: &mut Effects,
) -> Result<Uint128, ContractError> {
    let now = env.block.height;
    let mut lease = load_lease(storage, lease_id)?;
    let auto = lease
        .auto_top_up
        .clone()
        .ok_or(ContractError::NoAutoTopUp { lease_id })?;
    let before = fx.events.len();
    settle_now(storage, &mut lease, cfg, now, fx)?;
    // Blocks to pay for: the target runway, plus (for an out-of-funds lease within grace) the
    // blocks since it ran dry, which a revival pays the provider for.
    let gap = match lease.status {
        LeaseStatus::Closed => return Err(wrong_status(&lease, "open")),
        LeaseStatus::InsufficientFunds { since } => now.saturating_sub(since),
        LeaseStatus::Active | LeaseStatus::Pending => 0,
    };
    let (moved, bounty, source) = top_up_plan(storage, cfg, &lease, &auto, gap, now)?;
    if moved.is_zero() {
        if fx.events.len() > before {
            save_hot(storage, &mut lease)?;
        }
        return Ok(moved);
    }
    let spent = moved.checked_add(bounty)?;
    let entry = DepositEntry {
        depositor: source.depositor.clone(),
        source: source.deposit_source,
        amount: moved,
    };
    add_funds(storage, &mut lease, cfg, entry, now, fx)?;
    debit_balance(storage, &source.depositor, &lease.denom, spent)?;
    if let Some(mut g) = source.grant {
        g.spent = g.spent.checked_add(spent)?;
        GRANTS.save(storage, (&source.depositor, &lease.tenant), &g)?;
    }
    save_hot(storage, &mut lease)?;
    fx.send(keeper, &lease.denom, bounty);
    fx.event(
        spice_event(TAG, "top_up")
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("keeper", keeper.as_str())
            .add_attribute("from", source.depositor.as_str())
            .add_attribute("amount", moved)
            .add_attribute("bounty", bounty)
            .add_attribute("denom", &lease.denom)
            .add_attribute(
                "target_runway_blocks",
                auto.target_runway_blocks.to_string(),
            ),
    );
    Ok(moved)
}

/// What a top-up of the (settled) lease moves now and the keeper's bounty on it, from where.
/// The bounty is rounded down: the keeper never gets more than its share, and never more than
/// the source has left after the top-up.
fn top_up_plan(
    storage: &dyn Storage,
    cfg: &Config,
    lease: &Lease,
    auto: &AutoTopUp,
    gap: u64,
    now: u64,
) -> Result<(Uint128, Uint128, TopUpFunds), ContractError> {
    // A target whose cost overflows asks for more than any source holds: everything available
    // (review: an overflow here made the keeper-work page of every lease fail).
    let target = cost_of_blocks(lease, gap.saturating_add(auto.target_runway_blocks))
        .unwrap_or(Uint128::MAX);
    let needed = target.saturating_sub(lease.balance);
    let source = top_up_source(storage, lease, auto, now)?;
    let moved = needed.min(source.available);
    let bounty =
        mul_bps(moved, cfg.keeper_bounty_bps, false)?.min(source.available.checked_sub(moved)?);
    Ok((moved, bounty, source))
}

/// Where an auto top-up draws from: the depositor, the deposit source, the grant in use (if
/// any) and what can be drawn now (the prefunded balance, capped by the grant's remaining limit).
struct TopUpFunds {
    depositor: Addr,
    deposit_source: DepositSource,
    grant: Option<Grant>,
    available: Uint128,
}

fn top_up_source(
    storage: &dyn Storage,
    lease: &Lease,
    auto: &AutoTopUp,
    now: u64,
) -> Result<TopUpFunds, ContractError> {
    let (depositor, deposit_source, grant, limit) = match &auto.source {
        StoredTopUpSource::Balance => (lease.tenant.clone(), DepositSource::Balance, None, None),
        StoredTopUpSource::Grant { granter } => {
            let grant: Option<Grant> =
                GRANTS
                    .may_load(storage, (granter, &lease.tenant))?
                    .filter(|g| {
                        g.spend_limit.denom == lease.denom && g.expiration.is_none_or(|e| now < e)
                    });
            let seq = grant.as_ref().map_or(0, |g| g.seq);
            let remaining = grant
                .as_ref()
                .map(|g| g.spend_limit.amount.saturating_sub(g.spent))
                .unwrap_or_default();
            (
                granter.clone(),
                DepositSource::Grant {
                    grantee: lease.tenant.clone(),
                    seq,
                    earlier: Uint128::zero(),
                },
                grant,
                Some(remaining),
            )
        }
    };
    let mut available = BALANCES
        .may_load(storage, (&depositor, &lease.denom))?
        .unwrap_or_default();
    if let Some(remaining) = limit {
        available = available.min(remaining);
    }
    Ok(TopUpFunds {
        depositor,
        deposit_source,
        grant,
        available,
    })
}
