use cosmwasm_std::{Deps, Env, StdResult, Uint128};
use cw_storage_plus::Bound;
use spice_osmosis::SwapPreview;
use spice_types::page_limit;

use crate::error::ContractError;
use crate::execute::buyback::{pending, plan, window};
use crate::msg::{
    BuybackWork, DenomStatus, ExecuteMsg, HistoryResponse, KeeperWorkResponse, RouteInfo,
    RoutesResponse, SimulateBuybackResponse, StatusResponse, WaitingDenom,
};
use crate::state::{Config, CONFIG, DENOMS, HISTORY, ROUTES, TOTALS};

pub fn config(deps: Deps) -> StdResult<Config> {
    CONFIG.load(deps.storage)
}

pub fn routes(
    deps: Deps,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<RoutesResponse> {
    let routes = ROUTES
        .range(
            deps.storage,
            start_after.as_deref().map(Bound::exclusive),
            None,
            cosmwasm_std::Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|r| r.map(|(denom, hops)| RouteInfo { denom, hops }))
        .collect::<StdResult<_>>()?;
    Ok(RoutesResponse { routes })
}

/// Totals, and one page of routed denoms with what is pending and when it may go.
pub fn status(
    deps: Deps,
    env: Env,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<StatusResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let totals = TOTALS.may_load(deps.storage)?.unwrap_or_default();
    let now = env.block.time.seconds();
    let denoms: Vec<String> = ROUTES
        .keys(
            deps.storage,
            start_after.as_deref().map(Bound::exclusive),
            None,
            cosmwasm_std::Order::Ascending,
        )
        .take(page_limit(limit))
        .collect::<StdResult<_>>()?;
    let mut out = Vec::with_capacity(denoms.len());
    for denom in denoms {
        let state = DENOMS.may_load(deps.storage, &denom)?.unwrap_or_default();
        let w = window(&config, &state, now);
        out.push(DenomStatus {
            pending: pending(deps, &env, &denom)?,
            next_allowed_at: w.next_allowed_at,
            epoch_budget_left: w.budget_left,
            epoch_ends_at: w.epoch_ends_at,
            total_in: state.total_in,
            total_bounty: state.total_bounty,
            total_spice_out: state.total_spice_out,
            denom,
        });
    }
    Ok(StatusResponse {
        buybacks: totals.buybacks,
        spice_bought: totals.spice_bought,
        spice_burned: totals.spice_burned,
        spice_burned_held: totals.spice_burned_held,
        denoms: out,
    })
}

/// The same checks `buyback` runs, reported instead of enforced.
pub fn simulate_buyback(
    deps: Deps,
    env: Env,
    denom: String,
    limit: Option<Uint128>,
) -> Result<SimulateBuybackResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let state = DENOMS.may_load(deps.storage, &denom)?.unwrap_or_default();
    let w = window(&config, &state, env.block.time.seconds());
    let pending = pending(deps, &env, &denom)?;
    let preview = match plan(deps, &env, &config, &denom, limit) {
        Ok(p) => SwapPreview::planned(p.amount_in, p.bounty, &p.quote),
        Err(e) => SwapPreview::refused(e),
    };
    Ok(SimulateBuybackResponse {
        denom,
        pending,
        next_allowed_at: w.next_allowed_at,
        epoch_budget_left: w.budget_left,
        amount_in: preview.amount_in,
        expected_out: preview.expected_out,
        min_out: preview.min_out,
        twap_price: preview.twap_price,
        spot_price: preview.spot_price,
        bounty: preview.bounty,
        would_execute: preview.would_execute,
        refusal: preview.refusal,
    })
}

pub fn history(
    deps: Deps,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<HistoryResponse> {
    let buybacks = HISTORY
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            cosmwasm_std::Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|r| r.map(|(_, record)| record))
        .collect::<StdResult<_>>()?;
    Ok(HistoryResponse { buybacks })
}

/// One page of routed denoms with revenue, each ready (the plan `buyback` would run, so the
/// same amount and bounty) or waiting with the refusal. Reads one balance per routed denom on
/// the page and prices only those with a balance.
pub fn keeper_work(
    deps: Deps,
    env: Env,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<KeeperWorkResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let limit = page_limit(limit);
    let denoms: Vec<String> = ROUTES
        .keys(
            deps.storage,
            start_after.as_deref().map(Bound::exclusive),
            None,
            cosmwasm_std::Order::Ascending,
        )
        .take(limit)
        .collect::<StdResult<_>>()?;
    let next_start_after = if denoms.len() == limit {
        denoms.last().cloned()
    } else {
        None
    };
    let now = env.block.time.seconds();
    let (mut ready, mut waiting) = (vec![], vec![]);
    for denom in denoms {
        let pending = pending(deps, &env, &denom)?;
        if pending.is_zero() {
            continue;
        }
        match plan(deps, &env, &config, &denom, None) {
            Ok(p) => ready.push(BuybackWork {
                msg: ExecuteMsg::Buyback {
                    denom: denom.clone(),
                    limit: None,
                },
                denom,
                pending,
                amount_in: p.amount_in,
                min_out: p.quote.min_out,
                expected_out: p.quote.expected_out,
                bounty: p.bounty,
            }),
            Err(e) => {
                let state = DENOMS.may_load(deps.storage, &denom)?.unwrap_or_default();
                waiting.push(WaitingDenom {
                    next_allowed_at: window(&config, &state, now).next_allowed_at,
                    denom,
                    pending,
                    refusal: e.to_string(),
                })
            }
        }
    }
    Ok(KeeperWorkResponse {
        ready,
        waiting,
        next_start_after,
    })
}
