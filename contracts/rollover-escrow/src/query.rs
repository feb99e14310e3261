use cosmwasm_std::{Addr, BankMsg, Coin, CosmosMsg, Deps, Env, Order, StdResult, Uint128};
use cw_storage_plus::Bound;
use spice_types::overlay::Overlay;
use spice_types::page_limit;

use crate::error::ContractError;
use crate::execute::funding::top_up_one;
use crate::execute::health::{grace_ends, settle_now};
use crate::execute::ledger::{depletion_height, load_deposits, load_lease, Effects};
use crate::msg::{
    BalanceResponse, GrantResponse, KeeperWork, KeeperWorkItem, KeeperWorkResponse, LeaseResponse,
    LeasesResponse, ThresholdEntry, ThresholdResponse,
};
use crate::state::{leases, Config, Lease, LeaseStatus, BALANCES, CONFIG, DEPLETION, GRANTS};

pub fn config(deps: Deps) -> StdResult<Config> {
    CONFIG.load(deps.storage)
}

/// The lease as it would stand if settled now (lazy settlement, previewed).
fn view(deps: Deps, env: &Env, mut lease: Lease) -> Result<LeaseResponse, ContractError> {
    let now = env.block.height;
    let cfg = CONFIG.load(deps.storage)?;
    let mut fx = Effects {
        time: env.block.time,
        ..Effects::default()
    };
    settle_now(deps.storage, &mut lease, &cfg, now, &mut fx)?;
    let live = crate::execute::health::liveness(deps.storage, &lease.provider)?;
    let last_heartbeat = crate::execute::health::last_seen(&lease, live.as_ref());
    let depletion = depletion_height(&lease)?;
    let runway_blocks = depletion.map(|h| h.saturating_sub(now));
    let deposits = load_deposits(deps.storage, &lease)?;
    Ok(LeaseResponse {
        id: lease.id,
        tenant: lease.tenant,
        provider: lease.provider,
        price_per_block: lease.price_per_block,
        denom: lease.denom,
        status: lease.status,
        opened_at: lease.opened_at,
        provider_since: lease.provider_since,
        settled_height: lease.stream.settled_height,
        carry: lease.stream.carry,
        balance: lease.balance,
        earned: lease.stream.earned,
        runway_blocks,
        depletion_height: depletion,
        total_deposited: lease.totals.deposited,
        total_paid: lease.totals.paid,
        total_fees: lease.totals.fees,
        total_refunded: lease.totals.refunded,
        bond: lease.bond,
        backups: lease.backups,
        history: lease.history,
        rollovers: lease.health.rollovers,
        last_heartbeat,
        failure: lease.health.failure,
        auto_top_up: lease.auto_top_up,
        close_reason: lease.closure.as_ref().map(|c| c.reason),
        closed_at: lease.closure.as_ref().map(|c| c.height),
        deposits,
        spec_ref: lease.spec_ref,
        order_id: lease.order_id,
    })
}

pub fn lease(deps: Deps, env: Env, lease_id: u64) -> Result<LeaseResponse, ContractError> {
    view(deps, &env, load_lease(deps.storage, lease_id)?)
}

pub fn leases_by_tenant(
    deps: Deps,
    env: Env,
    tenant: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<LeasesResponse, ContractError> {
    let tenant = deps.api.addr_validate(&tenant)?;
    let ids: Vec<u64> = leases()
        .idx
        .tenant
        .prefix(tenant)
        .keys(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .collect::<StdResult<_>>()?;
    page(deps, &env, ids)
}

pub fn leases_by_provider(
    deps: Deps,
    env: Env,
    provider: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<LeasesResponse, ContractError> {
    let provider = deps.api.addr_validate(&provider)?;
    let ids: Vec<u64> = leases()
        .idx
        .provider
        .prefix(provider)
        .keys(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .collect::<StdResult<_>>()?;
    page(deps, &env, ids)
}

fn page(deps: Deps, env: &Env, ids: Vec<u64>) -> Result<LeasesResponse, ContractError> {
    let leases = ids
        .into_iter()
        .map(|id| view(deps, env, load_lease(deps.storage, id)?))
        .collect::<Result<_, _>>()?;
    Ok(LeasesResponse { leases })
}

/// Leases whose funds run out before `now + runway_blocks`, soonest first, read straight off
/// the depletion index (no scan of healthy leases).
pub fn leases_below_threshold(
    deps: Deps,
    env: Env,
    runway_blocks: u64,
    start_after: Option<(u64, u64)>,
    limit: Option<u32>,
) -> Result<ThresholdResponse, ContractError> {
    let now = env.block.height;
    let below = now.saturating_add(runway_blocks);
    let min = start_after.map(Bound::exclusive);
    let max = Some(Bound::exclusive((below, 0u64)));
    let keys: Vec<(u64, u64)> = DEPLETION
        .keys(deps.storage, min, max, Order::Ascending)
        .take(page_limit(limit))
        .collect::<StdResult<_>>()?;
    let mut out = Vec::with_capacity(keys.len());
    for (height, lease_id) in keys {
        let status = load_lease(deps.storage, lease_id)?.status;
        // An active lease whose depletion height has passed has run dry but not been touched yet.
        let status = match status {
            LeaseStatus::Active if height <= now => {
                LeaseStatus::InsufficientFunds { since: height }
            }
            s => s,
        };
        out.push(ThresholdEntry {
            lease_id,
            depletion_height: height,
            runway_blocks: height.saturating_sub(now),
            status,
        });
    }
    Ok(ThresholdResponse { leases: out })
}

/// Pending keeper work, read off the depletion index soonest-dry first (Levana perps' crank
/// work query, as a page): per lease the one action a keeper should send now, with the bounty it
/// pays. Bounded: at most `limit` (default 10, at most 30) index entries are looked at; `next`
/// is the `start_after` of the following page (None at the end).
///
/// Order of precedence per lease: `close_expired` (dry past its grace), `rollover` (its
/// provider's failure stands), `top_up` (its auto top-up would move funds now), `settle` (an
/// active lease past its depletion height, not yet marked out of funds).
pub fn keeper_work(
    deps: Deps,
    env: Env,
    start_after: Option<(u64, u64)>,
    limit: Option<u32>,
) -> Result<KeeperWorkResponse, ContractError> {
    let cfg = CONFIG.load(deps.storage)?;
    let limit = page_limit(limit);
    let keys: Vec<(u64, u64)> = DEPLETION
        .keys(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit)
        .collect::<StdResult<_>>()?;
    let next = (keys.len() == limit)
        .then(|| keys.last().copied())
        .flatten();
    let mut items = vec![];
    for (depletion_height, lease_id) in keys {
        // One lease's error hides that lease only: a page that failed for one hostile lease
        // (review: a tenant's top-up target whose cost overflows) would hide every other lease's
        // work from every keeper.
        let Ok(Some((work, bounty))) =
            load_lease(deps.storage, lease_id).and_then(|lease| work_on(deps, &env, &cfg, lease))
        else {
            continue;
        };
        items.push(KeeperWorkItem {
            lease_id,
            depletion_height,
            work,
            bounty,
        });
    }
    Ok(KeeperWorkResponse { items, next })
}

/// The one action a keeper should take on `lease` now, and its bounty.
fn work_on(
    deps: Deps,
    env: &Env,
    cfg: &Config,
    mut lease: Lease,
) -> Result<Option<(KeeperWork, Option<Coin>)>, ContractError> {
    let now = env.block.height;
    let unmarked_dry =
        lease.status == LeaseStatus::Active && lease.depletion_height.is_some_and(|h| h <= now);
    let mut fx = Effects {
        time: env.block.time,
        ..Effects::default()
    };
    let stop = settle_now(deps.storage, &mut lease, cfg, now, &mut fx)?;
    if let LeaseStatus::InsufficientFunds { since } = lease.status {
        if now > grace_ends(deps.storage, cfg, since, now)? {
            return Ok(Some((KeeperWork::CloseExpired, None)));
        }
    }
    // `rollover` moves only an active lease (one that ran dry is revived or closed instead).
    if stop.is_some() && lease.status == LeaseStatus::Active {
        return Ok(Some((KeeperWork::Rollover, None)));
    }
    // Listed only when `top_up` itself would move funds: its own code run on a write overlay
    // that is dropped, with the contract standing in for the keeper, so the bounty listed is
    // what the call pays (review: a top-up the escrow refuses, e.g. a full grant bucket, was
    // listed with a bounty and made keepers pay for failing batch items).
    if lease.auto_top_up.is_some() {
        let stand_in = &env.contract.address;
        let mut dry = Effects::at(env);
        let moved = top_up_one(
            &mut Overlay::new(deps.storage),
            cfg,
            env,
            stand_in,
            lease.id,
            &mut dry,
        );
        if moved.is_ok_and(|moved| !moved.is_zero()) {
            let bounty = paid_to(&dry, stand_in, &lease.denom);
            let bounty = (!bounty.is_zero()).then(|| Coin::new(bounty, lease.denom.clone()));
            return Ok(Some((KeeperWork::TopUp, bounty)));
        }
    }
    Ok(unmarked_dry.then_some((KeeperWork::Settle, None)))
}

pub fn grant(
    deps: Deps,
    env: Env,
    granter: String,
    grantee: String,
) -> Result<GrantResponse, ContractError> {
    let granter = deps.api.addr_validate(&granter)?;
    let grantee = deps.api.addr_validate(&grantee)?;
    let grant = GRANTS.may_load(deps.storage, (&granter, &grantee))?;
    Ok(match grant {
        Some(g) => GrantResponse {
            remaining: g.spend_limit.amount.saturating_sub(g.spent),
            expired: g.expiration.is_some_and(|e| env.block.height >= e),
            spend_limit: Some(g.spend_limit),
            spent: g.spent,
            expiration: g.expiration,
            granter,
            grantee,
        },
        None => GrantResponse {
            granter,
            grantee,
            spend_limit: None,
            spent: Default::default(),
            remaining: Default::default(),
            expiration: None,
            expired: false,
        },
    })
}

pub fn balance(deps: Deps, owner: String, denom: String) -> Result<BalanceResponse, ContractError> {
    let owner = deps.api.addr_validate(&owner)?;
    let amount = BALANCES
        .may_load(deps.storage, (&owner, &denom))?
        .unwrap_or_default();
    Ok(BalanceResponse {
        owner,
        denom,
        amount,
    })
}

/// What `fx`'s bank sends pay `to` in `denom`.
fn paid_to(fx: &Effects, to: &Addr, denom: &str) -> Uint128 {
    fx.msgs
        .iter()
        .filter_map(|m| match &m.msg {
            CosmosMsg::Bank(BankMsg::Send { to_address, amount }) if to_address == to.as_str() => {
                Some(amount.iter().filter(|c| c.denom == denom).map(|c| c.amount))
            }
            _ => None,
        })
        .flatten()
        .sum()
}
