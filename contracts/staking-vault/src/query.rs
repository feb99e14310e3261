use cosmwasm_std::{Deps, Env, Order, StdResult};
use cw_storage_plus::Bound;
use spice_osmosis::SwapPreview;
use spice_types::page_limit;

use crate::error::ContractError;
use crate::execute::config::MAX_ROUTES;
use crate::execute::convert::{next_convert_at, plan, waiting};
use crate::execute::strategy::outflow_left;
use crate::msg::{
    DenomProceeds, HistoryResponse, LpPositionsResponse, RouteInfo, RoutesResponse,
    SimulateConvertResponse, StatusResponse,
};
use crate::state::{
    Config, Strategy, ACTIVITY, BOOKS, CONFIG, DENOMS, HALT, HELD, HISTORY, LP_POSITIONS, PROCEEDS,
    ROUTES,
};

pub fn config(deps: Deps) -> StdResult<Config> {
    CONFIG.load(deps.storage)
}

/// AKT by bucket, every proceeds denom (routed or merely waiting; bounded), activity, halt.
pub fn status(deps: Deps, env: Env) -> Result<StatusResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let books = BOOKS.load(deps.storage)?;
    let activity = ACTIVITY.load(deps.storage)?;
    let mut denoms: Vec<String> = ROUTES
        .keys(deps.storage, None, None, Order::Ascending)
        .take(MAX_ROUTES)
        .collect::<StdResult<_>>()?;
    for d in PROCEEDS
        .keys(deps.storage, None, None, Order::Ascending)
        .take(MAX_ROUTES * 2)
    {
        let d = d?;
        if !denoms.contains(&d) {
            denoms.push(d);
        }
    }
    let mut proceeds = Vec::with_capacity(denoms.len());
    for denom in denoms {
        let state = DENOMS.may_load(deps.storage, &denom)?.unwrap_or_default();
        proceeds.push(DenomProceeds {
            waiting: waiting(deps, &denom)?,
            next_convert_at: next_convert_at(deps, &config, &denom)?,
            total_in: state.total_in,
            total_akt_out: state.total_akt_out,
            denom,
        });
    }
    let outflow_left_today = match &config.strategy {
        Some(Strategy::Operator(op)) => Some(outflow_left(&books, op, env.block.time.seconds())),
        _ => None,
    };
    Ok(StatusResponse {
        strategy: config.strategy.as_ref().map(|s| s.kind().to_string()),
        in_flight: books.transferring.checked_add(books.at_operator)?,
        books,
        proceeds,
        last_convert_at: activity.last_convert_at,
        last_harvest_at: activity.last_harvest_at,
        halt: HALT.may_load(deps.storage)?,
        outflow_left_today,
        held: HELD
            .range(deps.storage, None, None, Order::Ascending)
            .take(30)
            .map(|r| r.map(|(denom, amount)| cosmwasm_std::Coin { denom, amount }))
            .collect::<StdResult<_>>()?,
    })
}

/// The same checks `convert` runs, reported instead of enforced.
pub fn simulate_convert(
    deps: Deps,
    env: Env,
    denom: String,
) -> Result<SimulateConvertResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let preview = match plan(deps, &env, &config, &denom, None) {
        Ok(p) => SwapPreview::planned(p.amount_in, p.bounty, &p.quote),
        Err(e) => SwapPreview::refused(e),
    };
    Ok(SimulateConvertResponse {
        waiting: waiting(deps, &denom)?,
        next_convert_at: next_convert_at(deps, &config, &denom)?,
        denom,
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
    let entries = HISTORY
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|r| r.map(|(_, e)| e))
        .collect::<StdResult<_>>()?;
    Ok(HistoryResponse { entries })
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
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|r| r.map(|(denom, hops)| RouteInfo { denom, hops }))
        .collect::<StdResult<_>>()?;
    Ok(RoutesResponse { routes })
}

pub fn lp_positions(
    deps: Deps,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<LpPositionsResponse> {
    let position_ids = LP_POSITIONS
        .keys(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .collect::<StdResult<_>>()?;
    Ok(LpPositionsResponse { position_ids })
}
