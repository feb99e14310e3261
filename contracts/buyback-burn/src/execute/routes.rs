//! Routes: the pools each revenue denom is swapped through to reach SPICE.

use cosmwasm_schema::serde::de::IgnoredAny;
use cosmwasm_schema::serde::Deserialize;
use cosmwasm_std::{Deps, DepsMut, MessageInfo, QueryRequest, Response, StdResult};
use osmosis_std::types::osmosis::poolmanager::v1beta1::{PoolRequest, PoolmanagerQuerier};
use spice_types::{spice_event, validate_denom};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::state::{Config, Hop, CONFIG, ROUTES};

/// poolmanager's `Pool` answer, read only as far as the existence check needs. osmosis-std's
/// `PoolResponse` decodes the pool through its `Any`, which links the serde code of every pool
/// model (balancer, stableswap, concentrated liquidity, cosmwasm pools), `serde_cw_value` and
/// chrono into the contract: about 100 KB of wasm for a check that only needs the query to
/// succeed. The pool itself is skipped unread: a pool of a model osmosis-std does not know is
/// accepted too (the spot-price query that follows still checks the pool holds both denoms).
#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct PoolExists {
    #[allow(dead_code)]
    pool: Option<IgnoredAny>,
}

/// `/osmosis.poolmanager.v1beta1.Query/Pool`, the same request osmosis-std's
/// `PoolmanagerQuerier::pool` sends.
fn query_pool(deps: Deps, pool_id: u64) -> StdResult<PoolExists> {
    let request: QueryRequest = PoolRequest { pool_id }.into();
    deps.querier.query(&request)
}

/// The checks every stored route passes: it starts at `denom`, ends in SPICE, never visits a
/// denom twice (so no hop swaps a denom into itself), crosses at most `max_hops` pools, and every
/// pool exists and holds both denoms of its hop (asked of poolmanager).
pub fn validate_route(
    deps: Deps,
    config: &Config,
    denom: &str,
    hops: &[Hop],
) -> Result<(), ContractError> {
    validate_denom(denom)?;
    if denom == config.spice_denom {
        return Err(ContractError::RouteForSpice {
            denom: denom.to_string(),
        });
    }
    let last = hops.last().ok_or_else(|| ContractError::EmptyRoute {
        denom: denom.to_string(),
    })?;
    let count = u32::try_from(hops.len()).unwrap_or(u32::MAX);
    if count > config.max_hops {
        return Err(ContractError::TooManyHops {
            denom: denom.to_string(),
            hops: count,
            max: config.max_hops,
        });
    }
    if last.token_out_denom != config.spice_denom {
        return Err(ContractError::RouteMustEndInSpice {
            denom: denom.to_string(),
            last: last.token_out_denom.clone(),
            spice_denom: config.spice_denom.clone(),
        });
    }
    // Bounded: at most MAX_HOPS_LIMIT hops, so at most 6 denoms compared pairwise.
    let mut visited: Vec<&str> = vec![denom];
    for hop in hops {
        validate_denom(&hop.token_out_denom)?;
        if visited.contains(&hop.token_out_denom.as_str()) {
            return Err(ContractError::RouteCycle {
                denom: denom.to_string(),
                repeated: hop.token_out_denom.clone(),
            });
        }
        visited.push(&hop.token_out_denom);
    }
    let querier = PoolmanagerQuerier::new(&deps.querier);
    let mut token_in = denom;
    for hop in hops {
        query_pool(deps, hop.pool_id).map_err(|e| ContractError::PoolNotFound {
            pool_id: hop.pool_id,
            reason: e.to_string(),
        })?;
        querier
            .spot_price(
                hop.pool_id,
                token_in.to_string(),
                hop.token_out_denom.clone(),
            )
            .map_err(|e| ContractError::PoolLacksDenoms {
                pool_id: hop.pool_id,
                token_in: token_in.to_string(),
                token_out: hop.token_out_denom.clone(),
                reason: e.to_string(),
            })?;
        token_in = &hop.token_out_denom;
    }
    Ok(())
}

pub fn set(
    deps: DepsMut,
    info: MessageInfo,
    denom: String,
    hops: Vec<Hop>,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    validate_route(deps.as_ref(), &config, &denom, &hops)?;
    let replaced = ROUTES.has(deps.storage, &denom);
    ROUTES.save(deps.storage, &denom, &hops)?;
    let path = hops
        .iter()
        .map(|h| format!("{}:{}", h.pool_id, h.token_out_denom))
        .collect::<Vec<_>>()
        .join(",");
    Ok(Response::new().add_event(
        spice_event(TAG, "set_route")
            .add_attribute("denom", denom)
            .add_attribute("hops", path)
            .add_attribute("replaced", replaced.to_string()),
    ))
}

pub fn remove(deps: DepsMut, info: MessageInfo, denom: String) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    if !ROUTES.has(deps.storage, &denom) {
        return Err(ContractError::NoRoute { denom });
    }
    ROUTES.remove(deps.storage, &denom);
    Ok(Response::new().add_event(spice_event(TAG, "remove_route").add_attribute("denom", denom)))
}
