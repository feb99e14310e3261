//! `convert`: proceeds -> AKT along the denom's route, TWAP-guarded (the guard of buyback-burn,
//! kept as this contract's own module).
//!
//! * size: `amount_in = min(limit, per_convert_cap, ⌊waiting × 10000 / (10000 + bounty_bps)⌋)`
//!   — the last term leaves the bounty on the waiting proceeds;
//! * cooldown: refused while `now < last convert of the denom + convert_cooldown_seconds`;
//! * per hop: `twap_i = ArithmeticTwapToNow(pool, in_i, out_i, now − window)`, `spot_i =
//!   SpotPrice(pool, in_i, out_i)`, refused when `|spot_i − twap_i| > twap_i × max_spot_deviation`;
//! * `min_out = ⌈amount_in × Π twap_i × (1 − max_slippage)⌉` (rounded up: a floor on what the
//!   protocol accepts); the pools' estimate must reach it and the chain enforces it on the swap;
//! * `bounty = ⌊amount_in × bps / 10000⌋` (rounded down), paid in the reply — only after the
//!   swap succeeded; the AKT bought is read from `MsgSwapExactAmountInResponse` in the reply.

use cosmwasm_std::{
    coins, AnyMsg, BankMsg, CosmosMsg, Decimal, Decimal256, Deps, DepsMut, Env, MessageInfo, Order,
    Reply, Response, StdResult, SubMsg, Timestamp, Uint128, Uint256,
};
use osmosis_std::shim::Timestamp as ProtoTimestamp;
use osmosis_std::types::osmosis::poolmanager::v1beta1::{
    MsgSwapExactAmountIn, MsgSwapExactAmountInResponse, PoolmanagerQuerier, SwapAmountInRoute,
};
use osmosis_std::types::osmosis::twap::v1beta1::TwapQuerier;
use spice_types::{spice_event, BPS_DENOMINATOR};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::books::{self, max_apr, record, Transition};
use crate::execute::config::MAX_ROUTES;
use crate::state::{
    Config, ConvertInFlight, Hop, ACTIVITY, BOOKS, CONFIG, CONVERT_IN_FLIGHT, DENOMS, PROCEEDS,
    ROUTES,
};

pub const SWAP_REPLY_ID: u64 = 1;

pub fn affordable(balance: Uint128, bounty_bps: u16) -> Result<Uint128, ContractError> {
    let denominator = u128::from(BPS_DENOMINATOR) + u128::from(bounty_bps);
    Ok(balance.checked_multiply_ratio(BPS_DENOMINATOR, denominator)?)
}

/// A keeper bounty, rounded down.
pub fn bounty(amount: Uint128, bounty_bps: u16) -> Result<Uint128, ContractError> {
    Ok(amount.checked_multiply_ratio(bounty_bps, BPS_DENOMINATOR)?)
}

pub fn min_out(
    amount_in: Uint128,
    twaps: &[Decimal256],
    max_slippage: Decimal,
) -> Result<Uint128, ContractError> {
    let mut value = Decimal256::from_ratio(amount_in, 1u8);
    for twap in twaps {
        value = value.checked_mul(*twap)?;
    }
    let keep = Decimal256::one().checked_sub(Decimal256::from(max_slippage))?;
    let rounded: Uint256 = value.checked_mul(keep)?.to_uint_ceil();
    Ok(Uint128::try_from(rounded)?)
}

pub fn deviates(spot: Decimal256, twap: Decimal256, max: Decimal256) -> bool {
    let distance = if spot > twap {
        spot - twap
    } else {
        twap - spot
    };
    distance > twap * max
}

pub fn next_convert_at(deps: Deps, config: &Config, denom: &str) -> StdResult<u64> {
    Ok(DENOMS
        .may_load(deps.storage, denom)?
        .and_then(|d| d.last_convert_at)
        .map_or(0, |t| t.saturating_add(config.convert_cooldown_seconds)))
}

pub fn waiting(deps: Deps, denom: &str) -> StdResult<Uint128> {
    Ok(PROCEEDS.may_load(deps.storage, denom)?.unwrap_or_default())
}

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub route: Vec<Hop>,
    pub amount_in: Uint128,
    pub bounty: Uint128,
    pub min_out: Uint128,
    pub expected_out: Uint128,
    pub twap_price: Decimal256,
    pub spot_price: Decimal256,
}

fn proto_time(t: Timestamp) -> ProtoTimestamp {
    ProtoTimestamp {
        seconds: i64::try_from(t.seconds()).unwrap_or(i64::MAX),
        nanos: i32::try_from(t.subsec_nanos()).unwrap_or(0),
    }
}

fn parse_price(
    text: &str,
    make_err: impl FnOnce(String) -> ContractError,
) -> Result<Decimal256, ContractError> {
    text.parse::<Decimal256>()
        .map_err(|e| make_err(format!("unreadable price {text:?}: {e}")))
}

fn swap_routes(route: &[Hop]) -> Vec<SwapAmountInRoute> {
    route
        .iter()
        .map(|h| SwapAmountInRoute {
            pool_id: h.pool_id,
            token_out_denom: h.token_out_denom.clone(),
        })
        .collect()
}

/// Every check of `convert`, in order; `simulate_convert` runs the same.
pub fn plan(
    deps: Deps,
    env: &Env,
    config: &Config,
    denom: &str,
    limit: Option<Uint128>,
) -> Result<Plan, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    if let Some(f) = CONVERT_IN_FLIGHT.may_load(deps.storage)? {
        return Err(ContractError::ConvertInFlight { denom: f.denom });
    }
    if limit == Some(Uint128::zero()) {
        return Err(ContractError::ZeroLimit);
    }
    let route = ROUTES
        .may_load(deps.storage, denom)?
        .ok_or_else(|| ContractError::NoRoute {
            denom: denom.to_string(),
        })?;
    let last = route.last().ok_or_else(|| ContractError::EmptyRoute {
        denom: denom.to_string(),
    })?;
    if last.token_out_denom != config.akt_denom {
        return Err(ContractError::RouteMustEndInAkt {
            denom: denom.to_string(),
            last: last.token_out_denom.clone(),
            akt_denom: config.akt_denom.clone(),
        });
    }
    let now = env.block.time.seconds();
    let next_allowed_at = next_convert_at(deps, config, denom)?;
    if now < next_allowed_at {
        return Err(ContractError::CooldownActive {
            denom: denom.to_string(),
            next_allowed_at,
            now,
        });
    }
    let waiting = waiting(deps, denom)?;
    let amount_in = [
        limit.unwrap_or(Uint128::MAX),
        config.per_convert_cap,
        affordable(waiting, config.keeper_bounty_bps)?,
    ]
    .into_iter()
    .min()
    .unwrap_or_default();
    if amount_in.is_zero() {
        return Err(ContractError::NothingToConvert {
            denom: denom.to_string(),
            waiting,
        });
    }

    let start = env
        .block
        .time
        .minus_seconds(config.twap_window_seconds.min(now));
    let max_deviation = Decimal256::from(config.max_spot_deviation);
    let twap_querier = TwapQuerier::new(&deps.querier);
    let pool_querier = PoolmanagerQuerier::new(&deps.querier);
    let mut twaps = Vec::with_capacity(route.len());
    let mut twap_price = Decimal256::one();
    let mut spot_price = Decimal256::one();
    let mut token_in = denom.to_string();
    // Bounded: a route has at most MAX_HOPS hops.
    for hop in &route {
        let (pool_id, base, quote) = (hop.pool_id, token_in.clone(), hop.token_out_denom.clone());
        let twap_err = |reason: String| ContractError::TwapUnavailable {
            pool_id,
            base: base.clone(),
            quote: quote.clone(),
            reason,
        };
        let twap = twap_querier
            .arithmetic_twap_to_now(
                pool_id,
                base.clone(),
                quote.clone(),
                Some(proto_time(start)),
            )
            .map_err(|e| twap_err(e.to_string()))
            .and_then(|r| parse_price(&r.arithmetic_twap, twap_err))?;
        let spot_err = |reason: String| ContractError::SpotUnavailable {
            pool_id,
            base: base.clone(),
            quote: quote.clone(),
            reason,
        };
        let spot = pool_querier
            .spot_price(pool_id, base.clone(), quote.clone())
            .map_err(|e| spot_err(e.to_string()))
            .and_then(|r| parse_price(&r.spot_price, spot_err))?;
        if twap.is_zero() || spot.is_zero() {
            return Err(ContractError::ZeroPrice {
                pool_id,
                base,
                quote,
            });
        }
        if deviates(spot, twap, max_deviation) {
            return Err(ContractError::SpotDeviatesFromTwap {
                pool_id,
                spot,
                twap,
                max_deviation,
            });
        }
        twaps.push(twap);
        twap_price = twap_price.checked_mul(twap)?;
        spot_price = spot_price.checked_mul(spot)?;
        token_in = quote;
    }
    let min_out = min_out(amount_in, &twaps, config.max_slippage)?;
    if min_out.is_zero() {
        return Err(ContractError::MinOutZero {
            denom: denom.to_string(),
            amount_in,
        });
    }
    let estimate = pool_querier
        .estimate_swap_exact_amount_in(
            String::new(),
            0,
            format!("{amount_in}{denom}"),
            swap_routes(&route),
        )
        .map_err(|e| ContractError::BadResponse {
            reason: format!("estimate failed: {e}"),
        })?;
    let expected_out: Uint128 =
        estimate
            .token_out_amount
            .parse()
            .map_err(|e| ContractError::BadResponse {
                reason: format!("estimate {:?}: {e}", estimate.token_out_amount),
            })?;
    if expected_out < min_out {
        return Err(ContractError::ExpectedOutBelowMin {
            denom: denom.to_string(),
            amount_in,
            expected_out,
            min_out,
        });
    }
    Ok(Plan {
        route,
        amount_in,
        bounty: bounty(amount_in, config.keeper_bounty_bps)?,
        min_out,
        expected_out,
        twap_price,
        spot_price,
    })
}

/// With no denom: the first routed denom (ascending) with proceeds and no cooldown. Bounded by
/// MAX_ROUTES.
fn pick_denom(deps: Deps, env: &Env, config: &Config) -> Result<String, ContractError> {
    let now = env.block.time.seconds();
    let denoms: Vec<String> = ROUTES
        .keys(deps.storage, None, None, Order::Ascending)
        .take(MAX_ROUTES)
        .collect::<StdResult<_>>()?;
    for denom in denoms {
        if !waiting(deps, &denom)?.is_zero() && now >= next_convert_at(deps, config, &denom)? {
            return Ok(denom);
        }
    }
    Err(ContractError::NoConvertibleDenom)
}

pub fn convert(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    denom: Option<String>,
    limit: Option<Uint128>,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    spice_governance::assert_not_paused(deps.storage)?;
    let denom = match denom {
        Some(d) => d,
        None => pick_denom(deps.as_ref(), &env, &config)?,
    };
    let plan = plan(deps.as_ref(), &env, &config, &denom, limit)?;

    // The input and the bounty leave the waiting proceeds now; a failed swap reverts it all.
    let left = waiting(deps.as_ref(), &denom)?
        .checked_sub(plan.amount_in)?
        .checked_sub(plan.bounty)?;
    PROCEEDS.save(deps.storage, &denom, &left)?;
    let mut state = DENOMS.may_load(deps.storage, &denom)?.unwrap_or_default();
    let now = env.block.time.seconds();
    state.last_convert_at = Some(now);
    state.total_in = state.total_in.checked_add(plan.amount_in)?;
    state.total_bounty = state.total_bounty.checked_add(plan.bounty)?;
    DENOMS.save(deps.storage, &denom, &state)?;
    ACTIVITY.update(deps.storage, |mut a| -> StdResult<_> {
        a.last_convert_at = Some(now);
        Ok(a)
    })?;
    CONVERT_IN_FLIGHT.save(
        deps.storage,
        &ConvertInFlight {
            denom: denom.clone(),
            keeper: info.sender.clone(),
            amount_in: plan.amount_in,
            min_out: plan.min_out,
            bounty: plan.bounty,
            twap_price: plan.twap_price,
        },
    )?;
    let swap = MsgSwapExactAmountIn {
        sender: env.contract.address.to_string(),
        routes: swap_routes(&plan.route),
        token_in: Some(cosmwasm_std::Coin::new(plan.amount_in, &denom).into()),
        token_out_min_amount: plan.min_out.to_string(),
    };
    let swap = CosmosMsg::Any(AnyMsg {
        type_url: MsgSwapExactAmountIn::TYPE_URL.to_string(),
        value: swap.to_proto_bytes().into(),
    });
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(swap, SWAP_REPLY_ID))
        .add_event(
            spice_event(TAG, "convert_swap")
                .add_attribute("denom", &denom)
                .add_attribute("keeper", info.sender.as_str())
                .add_attribute("amount_in", plan.amount_in)
                .add_attribute("min_out", plan.min_out)
                .add_attribute("expected_out", plan.expected_out)
                .add_attribute("twap_price", plan.twap_price.to_string())
                .add_attribute("spot_price", plan.spot_price.to_string())
                .add_attribute("bounty", plan.bounty)
                .add_attribute("waiting_left", left),
        ))
}

fn swap_output(reply: Reply) -> Result<Uint128, ContractError> {
    let bad = |reason: String| ContractError::BadResponse { reason };
    let response = reply.result.into_result().map_err(bad)?;
    let bytes = match response
        .msg_responses
        .iter()
        .find(|r| r.type_url == MsgSwapExactAmountInResponse::TYPE_URL)
    {
        Some(r) => r.value.clone(),
        #[allow(deprecated)]
        None => response
            .data
            .ok_or_else(|| bad("the swap returned no response".into()))?,
    };
    let decoded = MsgSwapExactAmountInResponse::try_from(bytes)
        .map_err(|e| bad(format!("undecodable: {e}")))?;
    decoded.token_out_amount.parse::<Uint128>().map_err(|e| {
        bad(format!(
            "token_out_amount {:?}: {e}",
            decoded.token_out_amount
        ))
    })
}

pub fn reply(deps: DepsMut, env: Env, reply: Reply) -> Result<Response, ContractError> {
    let flight = CONVERT_IN_FLIGHT
        .may_load(deps.storage)?
        .ok_or(ContractError::NothingInFlight)?;
    CONVERT_IN_FLIGHT.remove(deps.storage);
    let akt_out = swap_output(reply)?;
    if akt_out < flight.min_out {
        return Err(ContractError::SwapBelowMin {
            akt_out,
            min_out: flight.min_out,
        });
    }
    let config = CONFIG.load(deps.storage)?;
    let now = env.block.time.seconds();
    let mut books_state = BOOKS.load(deps.storage)?;
    books::apply(
        &mut books_state,
        Transition::Acquire,
        akt_out,
        max_apr(&config),
        now,
    )?;
    BOOKS.save(deps.storage, &books_state)?;
    let mut state = DENOMS
        .may_load(deps.storage, &flight.denom)?
        .unwrap_or_default();
    state.total_akt_out = state.total_akt_out.checked_add(akt_out)?;
    DENOMS.save(deps.storage, &flight.denom, &state)?;
    let id = record(
        deps.storage,
        &env,
        "convert",
        akt_out,
        &config.akt_denom,
        format!(
            "{}{} in, bounty {}",
            flight.amount_in, flight.denom, flight.bounty
        ),
    )?;
    let mut response = Response::new();
    if !flight.bounty.is_zero() {
        response = response.add_message(BankMsg::Send {
            to_address: flight.keeper.to_string(),
            amount: coins(flight.bounty.u128(), &flight.denom),
        });
    }
    Ok(response.add_event(
        spice_event(TAG, "convert")
            .add_attribute("id", id.to_string())
            .add_attribute("denom", &flight.denom)
            .add_attribute("keeper", flight.keeper.as_str())
            .add_attribute("amount_in", flight.amount_in)
            .add_attribute("akt_out", akt_out)
            .add_attribute("min_out", flight.min_out)
            .add_attribute("bounty", flight.bounty)
            .add_attribute("pending", books_state.pending),
    ))
}
