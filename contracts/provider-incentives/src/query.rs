use cosmwasm_std::{Addr, Coin, Deps, Env, Order, StdResult, Uint128};
use cw_storage_plus::Bound;
use spice_types::{page_limit, AuditedAttribute, ProviderAuditResponse};

use crate::error::ContractError;
use crate::execute::epochs::{add_coin, finalizable, load_epoch, reward_per_weight, rewards};
use crate::execute::providers::signed_attributes;
use crate::msg::{
    DisputeResponse, EpochResponse, EpochReward, ExecuteMsg, FinalizeWork, KeeperWorkResponse,
    NextFinalize, PendingRewardsResponse, ProviderResponse, ProvidersResponse,
};
use crate::state::{
    Config, EpochStatus, Provider, CONFIG, DISPUTES, NEXT_FINALIZE, PROVIDERS, PROVIDER_WEIGHT,
};

pub fn config(deps: Deps) -> StdResult<Config> {
    CONFIG.load(deps.storage)
}

pub fn epoch(deps: Deps, env: Env, epoch: u64) -> Result<EpochResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let state = load_epoch(deps.storage, &config, epoch, env.block.time)?;
    Ok(EpochResponse {
        epoch,
        current_epoch: config.epoch_at(env.block.time),
        status: state.status,
        starts_at: config.epoch_start(epoch)?,
        ends_at: config.epoch_end(epoch)?,
        report_window_closes_at: config.report_window_end(epoch)?,
        reward_per_weight: reward_per_weight(&state),
        budget: state.budget,
        total_weight: state.total_weight,
        finalized_at: state.finalized_at,
        claimable_at: state.claimable_at,
        settled_weight: state.settled_weight,
        settled: state.settled,
        held: state.held,
        carried_out: state.carried_out,
    })
}

fn provider_response(
    deps: Deps,
    addr: &Addr,
    p: Provider,
) -> Result<ProviderResponse, ContractError> {
    Ok(ProviderResponse {
        address: addr.to_string(),
        attributes: signed_attributes(deps.storage, addr, &p)?,
        info: p.info,
        registered_at: p.registered_at,
        bond: p.bond,
        tier: p.tier,
        audited_at: p.audited_at,
        open_disputes: p.open_disputes,
        leaving: p.leaving,
    })
}

pub fn provider(deps: Deps, address: String) -> Result<ProviderResponse, ContractError> {
    let addr = deps.api.addr_validate(&address)?;
    let record =
        PROVIDERS
            .may_load(deps.storage, &addr)?
            .ok_or_else(|| ContractError::NotRegistered {
                provider: addr.to_string(),
            })?;
    provider_response(deps, &addr, record)
}

pub fn providers(
    deps: Deps,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<ProvidersResponse, ContractError> {
    let start = start_after
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    let providers = PROVIDERS
        .range(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .collect::<StdResult<Vec<_>>>()?
        .into_iter()
        .map(|(addr, p)| provider_response(deps, &addr, p))
        .collect::<Result<_, _>>()?;
    Ok(ProvidersResponse { providers })
}

/// One page of the provider's unclaimed epochs (disputed epochs are in `dispute`).
pub fn pending_rewards(
    deps: Deps,
    env: Env,
    provider: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<PendingRewardsResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let addr = deps.api.addr_validate(&provider)?;
    let limit = page_limit(limit);
    let entries: Vec<(u64, Uint128)> = PROVIDER_WEIGHT
        .prefix(&addr)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit.saturating_add(1))
        .collect::<StdResult<_>>()?;
    let next_start_after = if entries.len() > limit {
        entries.get(limit.saturating_sub(1)).map(|(e, _)| *e)
    } else {
        None
    };
    let now = env.block.time;
    let mut claimable: Vec<Coin> = vec![];
    let mut epochs = Vec::with_capacity(limit);
    for (epoch, weight) in entries.into_iter().take(limit) {
        let state = load_epoch(deps.storage, &config, epoch, now)?;
        let finalized = state.status == EpochStatus::Finalized;
        let reward = if finalized {
            rewards(&state, weight)?
        } else {
            vec![]
        };
        let is_claimable = finalized && state.claimable_at.is_some_and(|at| now >= at);
        if is_claimable {
            for coin in &reward {
                add_coin(&mut claimable, &coin.denom, coin.amount)?;
            }
        }
        epochs.push(EpochReward {
            epoch,
            weight,
            status: state.status,
            rewards: reward,
            claimable: is_claimable,
        });
    }
    Ok(PendingRewardsResponse {
        provider: addr.into_string(),
        claimable,
        epochs,
        next_start_after,
    })
}

/// What the order book asks before accepting a provider's offer. A leaving provider answers as
/// unregistered, so it takes on no new work while its bond waits to be released.
pub fn provider_audit(
    deps: Deps,
    provider: String,
) -> Result<ProviderAuditResponse, ContractError> {
    let addr = deps.api.addr_validate(&provider)?;
    let record = PROVIDERS
        .may_load(deps.storage, &addr)?
        .filter(|r| r.leaving.is_none());
    let attributes = match &record {
        Some(r) => signed_attributes(deps.storage, &addr, r)?
            .into_iter()
            .map(|a| AuditedAttribute {
                key: a.key,
                value: a.value,
                auditor: a.auditor.into_string(),
            })
            .collect(),
        None => vec![],
    };
    Ok(ProviderAuditResponse {
        provider: addr.into_string(),
        registered: record.is_some(),
        tier: record.as_ref().and_then(|r| r.tier),
        attributes,
    })
}

pub fn dispute(
    deps: Deps,
    epoch: u64,
    provider: String,
) -> Result<Option<DisputeResponse>, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let addr = deps.api.addr_validate(&provider)?;
    Ok(DISPUTES
        .may_load(deps.storage, (epoch, &addr))?
        .map(|d| DisputeResponse {
            expires_at: crate::execute::disputes::dispute_deadline(&config, d.raised_at),
            epoch,
            provider: addr.into_string(),
            weight: d.weight,
            amounts: d.amounts,
            auditor: d.auditor.into_string(),
            reason: d.reason,
            raised_at: d.raised_at,
        }))
}

/// See `QueryMsg::KeeperWork`: the same checks `finalize_epoch` runs (`finalizable`, the order,
/// the pause), on at most `limit` epochs.
pub fn keeper_work(
    deps: Deps,
    env: Env,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<KeeperWorkResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let now = env.block.time;
    let first = NEXT_FINALIZE.load(deps.storage)?;
    let first = match start_after {
        Some(e) => first.max(e.saturating_add(1)),
        None => first,
    };
    let limit = page_limit(limit) as u64;
    let mut ready = vec![];
    let mut next = None;
    for epoch in first..first.saturating_add(limit) {
        let check = spice_governance::assert_not_paused(deps.storage)
            .map_err(ContractError::from)
            .and_then(|()| finalizable(deps.storage, &config, epoch, now));
        match check {
            Ok(state) => ready.push(FinalizeWork {
                epoch,
                msg: ExecuteMsg::FinalizeEpoch { epoch },
                budget: state.budget,
                total_weight: state.total_weight,
            }),
            Err(e) => {
                next = Some(NextFinalize {
                    epoch,
                    refusal: e.to_string(),
                    ready_at: config.report_window_end(epoch)?,
                });
                break;
            }
        }
    }
    Ok(KeeperWorkResponse { ready, next })
}
