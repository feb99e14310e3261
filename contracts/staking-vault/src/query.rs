use cosmwasm_std::{coins, Deps, DepsMut, Env, MessageInfo, Order, Response, StdResult};
use cw_storage_plus::Bound;
use spice_osmosis::SwapPreview;
use spice_types::page_limit;

use crate::error::ContractError;
use crate::execute::config::MAX_ROUTES;
use crate::execute::convert::{next_convert_at, plan, waiting, waiting as waiting_amount};
use crate::execute::strategy::outflow_left;
use crate::msg::{
    DenomProceeds, ExecuteMsg, HistoryResponse, KeeperWorkResponse, LpPositionsResponse, RouteInfo,
    RoutesResponse, SimulateConvertResponse, StatusResponse, VaultWaiting, VaultWork,
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

/// What the call does at `env` on a scratch copy of storage (`spice_types::overlay`): the
/// execute's own code, so its answer is the call's.
fn dry_run(
    deps: Deps,
    env: &Env,
    run: impl FnOnce(DepsMut, Env, MessageInfo) -> Result<Response, ContractError>,
) -> Result<Response, ContractError> {
    let mut overlay = spice_types::overlay::Overlay::new(deps.storage);
    let scratch = DepsMut {
        storage: &mut overlay,
        api: deps.api,
        querier: deps.querier,
    };
    let info = MessageInfo {
        sender: env.contract.address.clone(),
        funds: vec![],
    };
    run(scratch, env.clone(), info)
}

/// Refusals that only mean "nothing to do here": such a step is left out of the answer.
fn nothing_to_do(e: &ContractError) -> bool {
    matches!(
        e,
        ContractError::NothingToHarvest
            | ContractError::NothingToStake
            | ContractError::NothingToUnbond { .. }
            | ContractError::NothingToRoute
            | ContractError::NothingToForward { .. }
            | ContractError::NoSunset
            | ContractError::SunsetNotStarted { .. }
            | ContractError::NoFallback
            | ContractError::PrincipalHeld
    )
}

/// See `QueryMsg::KeeperWork`.
pub fn keeper_work(
    deps: Deps,
    env: Env,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<KeeperWorkResponse, ContractError> {
    use crate::execute::{harvest, strategy, sunset};
    let config = CONFIG.load(deps.storage)?;
    let (mut ready, mut waiting) = (vec![], vec![]);
    let mut outcome =
        |msg: ExecuteMsg, result: Result<Vec<cosmwasm_std::Coin>, ContractError>| match result {
            Ok(bounty) => ready.push(VaultWork { msg, bounty }),
            Err(e) if nothing_to_do(&e) => {}
            Err(e) => waiting.push(VaultWaiting {
                msg,
                refusal: e.to_string(),
            }),
        };
    if start_after.is_none() {
        // harvest: the bounty on what is pending now (what `pay` takes when no validator
        // withdrawal runs first; with one, its rewards add their own share).
        let pending_bounty = crate::execute::convert::bounty(
            BOOKS.load(deps.storage)?.revenue_pending,
            config.keeper_bounty_bps,
        )?;
        let paid = if pending_bounty.is_zero() {
            vec![]
        } else {
            coins(pending_bounty.u128(), &config.akt_denom)
        };
        outcome(
            ExecuteMsg::Harvest {},
            dry_run(deps, &env, harvest::harvest).map(|_| paid),
        );
        outcome(
            ExecuteMsg::Stake {},
            dry_run(deps, &env, strategy::stake).map(|_| vec![]),
        );
        outcome(
            ExecuteMsg::BeginSunsetUnbond {},
            dry_run(deps, &env, sunset::begin_unbond).map(|_| vec![]),
        );
        outcome(
            ExecuteMsg::RouteSunsetPrincipal {},
            dry_run(deps, &env, sunset::route_principal).map(|_| vec![]),
        );
    }
    // Per denom: the denoms `status` lists (routed, or holding proceeds; bounded), ascending.
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
    denoms.sort();
    let limit = page_limit(limit);
    let page: Vec<String> = denoms
        .into_iter()
        .filter(|d| start_after.as_ref().is_none_or(|s| d > s))
        .take(limit)
        .collect();
    let next_start_after = (page.len() == limit)
        .then(|| page.last().cloned())
        .flatten();
    for denom in page {
        if waiting_amount(deps, &denom)?.is_zero() {
            continue;
        }
        let convert = ExecuteMsg::Convert {
            denom: Some(denom.clone()),
            limit: None,
        };
        let planned = plan(deps, &env, &config, &denom, None).map(|p| {
            if p.bounty.is_zero() {
                vec![]
            } else {
                coins(p.bounty.u128(), &denom)
            }
        });
        outcome(convert, planned);
        let forward = denom.clone();
        outcome(
            ExecuteMsg::ForwardProceeds {
                denom: denom.clone(),
            },
            dry_run(deps, &env, |d, e, i| {
                sunset::forward_proceeds(d, e, i, forward)
            })
            .map(|_| vec![]),
        );
    }
    Ok(KeeperWorkResponse {
        ready,
        waiting,
        next_start_after,
    })
}
