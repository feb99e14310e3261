//! Routes: the pools a denom is swapped through to reach a contract's target denom (SPICE for
//! buyback-burn, AKT for staking-vault), and the checks every stored route passes.

use cosmwasm_schema::cw_serde;
use cosmwasm_schema::serde::de::IgnoredAny;
use cosmwasm_schema::serde::Deserialize;
use cosmwasm_std::{QuerierWrapper, StdResult};
use osmosis_std::types::osmosis::poolmanager::v1beta1::PoolRequest;
use spice_types::{validate_denom, validate_max_seconds, validate_min_seconds, ValidationError};
use thiserror::Error;

/// One pool crossed by a route: the swap leaves the pool as `token_out_denom`.
#[cw_serde]
pub struct Hop {
    pub pool_id: u64,
    pub token_out_denom: String,
}

/// The shortest TWAP window a guarded swap may use: under 10 minutes the average is cheap to
/// move with a few blocks of manipulated prices.
pub const MIN_TWAP_WINDOW_SECONDS: u64 = 600;
/// The longest: Osmosis keeps TWAP records for 48 hours (`RecordHistoryKeepPeriod`) and refuses
/// a `start_time` older than that, so a longer window would make every swap fail. One hour of
/// margin below the 48 hours keeps a window valid whatever the block time.
pub const MAX_TWAP_WINDOW_SECONDS: u64 = 47 * 60 * 60;

/// The TWAP window check every contract that swaps along routes applies to its config
/// (buyback-burn and staking-vault, in instantiate and `update_config` alike).
pub fn validate_twap_window(field: &str, seconds: u64) -> Result<(), ValidationError> {
    validate_min_seconds(field, seconds, MIN_TWAP_WINDOW_SECONDS)?;
    validate_max_seconds(field, seconds, MAX_TWAP_WINDOW_SECONDS)
}

/// What a contract asks of its routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteRules<'a> {
    /// Every route ends in this denom, and this denom itself has no route.
    pub target_denom: &'a str,
    /// The most pools one route may cross.
    pub max_hops: usize,
    /// Also ask poolmanager's `Pool` query whether each pool exists, so a missing pool is
    /// reported as such rather than as a pool that cannot price the hop.
    pub check_pools_exist: bool,
}

/// Why a route was refused. Each contract maps these onto its own error variants, which keep
/// their names and messages (the target denom is named there: SPICE, AKT).
#[derive(Error, Debug, PartialEq)]
pub enum RouteError {
    #[error(transparent)]
    InvalidDenom(#[from] ValidationError),

    #[error("{denom} is the target denom itself; it needs no route")]
    RouteForTarget { denom: String },

    #[error("the route for {denom} has no hops")]
    EmptyRoute { denom: String },

    #[error("the route for {denom} has {hops} hops; at most {max} are allowed")]
    TooManyHops {
        denom: String,
        hops: usize,
        max: usize,
    },

    #[error("the route for {denom} ends in {last}, not in {target}")]
    MustEndInTarget {
        denom: String,
        last: String,
        target: String,
    },

    #[error("the route for {denom} passes through {repeated} twice")]
    RouteCycle { denom: String, repeated: String },

    /// Only with [`RouteRules::check_pools_exist`]. The hop's denoms are carried so a contract
    /// without a variant of its own can still report which hop failed.
    #[error("pool {pool_id} does not exist: {reason}")]
    PoolNotFound {
        pool_id: u64,
        token_in: String,
        token_out: String,
        reason: String,
    },

    #[error("pool {pool_id} cannot swap {token_in} into {token_out}: {reason}")]
    PoolLacksDenoms {
        pool_id: u64,
        token_in: String,
        token_out: String,
        reason: String,
    },
}

/// The route's last hop, which must leave the pool as `target`: checked when a route is stored
/// and again before it is used, since the target denom may have changed in between.
pub fn check_route_end<'r>(
    denom: &str,
    route: &'r [Hop],
    target: &str,
) -> Result<&'r Hop, RouteError> {
    let last = route.last().ok_or_else(|| RouteError::EmptyRoute {
        denom: denom.to_string(),
    })?;
    if last.token_out_denom != target {
        return Err(RouteError::MustEndInTarget {
            denom: denom.to_string(),
            last: last.token_out_denom.clone(),
            target: target.to_string(),
        });
    }
    Ok(last)
}

/// The checks that need no chain: valid denoms, not the target itself, 1 to `max_hops` hops,
/// ending in the target, and no denom visited twice (so no hop swaps a denom into itself).
/// Applied in this order, so the first failure reported is the same whatever the chain holds.
pub fn check_route_shape(denom: &str, hops: &[Hop], rules: &RouteRules) -> Result<(), RouteError> {
    validate_denom(denom)?;
    if denom == rules.target_denom {
        return Err(RouteError::RouteForTarget {
            denom: denom.to_string(),
        });
    }
    if hops.is_empty() {
        return Err(RouteError::EmptyRoute {
            denom: denom.to_string(),
        });
    }
    if hops.len() > rules.max_hops {
        return Err(RouteError::TooManyHops {
            denom: denom.to_string(),
            hops: hops.len(),
            max: rules.max_hops,
        });
    }
    check_route_end(denom, hops, rules.target_denom)?;
    // Bounded by max_hops: a handful of denoms compared pairwise.
    let mut visited: Vec<&str> = vec![denom];
    for hop in hops {
        validate_denom(&hop.token_out_denom)?;
        if visited.contains(&hop.token_out_denom.as_str()) {
            return Err(RouteError::RouteCycle {
                denom: denom.to_string(),
                repeated: hop.token_out_denom.clone(),
            });
        }
        visited.push(&hop.token_out_denom);
    }
    Ok(())
}

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
fn query_pool(querier: &QuerierWrapper, pool_id: u64) -> StdResult<PoolExists> {
    spice_types::query::query(querier, &PoolRequest { pool_id }.into())
}

/// [`check_route_shape`], then per hop (in route order): the pool exists (when the rules ask)
/// and poolmanager prices the hop's `token_in` in its `token_out`, which fails unless the pool
/// holds both denoms.
pub fn validate_route(
    querier: &QuerierWrapper,
    denom: &str,
    hops: &[Hop],
    rules: &RouteRules,
) -> Result<(), RouteError> {
    check_route_shape(denom, hops, rules)?;
    let mut token_in = denom;
    for hop in hops {
        if rules.check_pools_exist {
            query_pool(querier, hop.pool_id).map_err(|e| RouteError::PoolNotFound {
                pool_id: hop.pool_id,
                token_in: token_in.to_string(),
                token_out: hop.token_out_denom.clone(),
                reason: e.to_string(),
            })?;
        }
        crate::chain::spot_price(querier, hop.pool_id, token_in, &hop.token_out_denom).map_err(
            |e| RouteError::PoolLacksDenoms {
                pool_id: hop.pool_id,
                token_in: token_in.to_string(),
                token_out: hop.token_out_denom.clone(),
                reason: e.to_string(),
            },
        )?;
        token_in = &hop.token_out_denom;
    }
    Ok(())
}
