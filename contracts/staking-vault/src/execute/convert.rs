//! `convert`: proceeds -> AKT along the denom's route, TWAP-guarded (spice-osmosis'
//! `guarded_route_quote`, the guard buyback-burn uses too).
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
    coins, BankMsg, Decimal256, Deps, DepsMut, Env, MessageInfo, Order, Reply, Response, StdResult,
    SubMsg, Uint128,
};
use spice_osmosis::{check_route_end, guarded_route_quote, swap_msg, GuardParams, Quote};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::books::{self, max_apr, record, Transition};
use crate::execute::config::MAX_ROUTES;
use crate::state::{
    Config, ConvertInFlight, Hop, ACTIVITY, BOOKS, CONFIG, CONVERT_IN_FLIGHT, DENOMS, PROCEEDS,
    ROUTES,
};

/// The keeper bounty arithmetic, shared with buyback-burn.
pub use spice_osmosis::{affordable, bounty};

pub const SWAP_REPLY_ID: u64 = 1;

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
    /// The floor, the pools' estimate, and AKT per unit of input along the route.
    pub quote: Quote,
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
    // `osmo_staking` re-pointed the staking denom: converting into it is its whole point.
    if crate::state::FALLBACK.may_load(deps.storage)?
        == Some(crate::state::FallbackMode::DirectBuyback)
    {
        return Err(ContractError::FallbackDirectBuyback);
    }
    // No AKT is bought once the sunset's unbond has started.
    crate::execute::sunset::assert_not_started(deps, env.block.time.seconds())?;
    let route = ROUTES
        .may_load(deps.storage, denom)?
        .ok_or_else(|| ContractError::NoRoute {
            denom: denom.to_string(),
        })?;
    // The AKT denom may have changed since the route was set.
    check_route_end(denom, &route, &config.akt_denom)?;
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
    let epoch_left = epoch_left(deps, config, denom, now)?;
    if epoch_left.is_zero() {
        let epoch = now / config.convert_epoch_seconds;
        return Err(ContractError::EpochCapReached {
            denom: denom.to_string(),
            converted: config.convert_epoch_cap,
            cap: config.convert_epoch_cap,
            next_epoch_at: epoch
                .saturating_add(1)
                .saturating_mul(config.convert_epoch_seconds),
        });
    }
    let amount_in = [
        limit.unwrap_or(Uint128::MAX),
        config.per_convert_cap,
        epoch_left,
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
    // A conversion spends the denom's cooldown: it must be worth at least the minimum, so a
    // dust `limit` cannot throttle the treasury.
    if amount_in < config.min_convert_amount {
        return Err(ContractError::BelowMinConvert {
            denom: denom.to_string(),
            amount_in,
            min_convert_amount: config.min_convert_amount,
        });
    }

    let quote = guarded_route_quote(
        &deps.querier,
        env,
        denom,
        &route,
        amount_in,
        &GuardParams {
            twap_window_seconds: config.twap_window_seconds,
            max_slippage: Decimal256::from(config.max_slippage),
            max_spot_deviation: Decimal256::from(config.max_spot_deviation),
        },
    )?;
    Ok(Plan {
        route,
        amount_in,
        bounty: bounty(amount_in, config.keeper_bounty_bps)?,
        quote,
    })
}

/// What `denom` may still convert in the current epoch.
pub fn epoch_left(deps: Deps, config: &Config, denom: &str, now: u64) -> StdResult<Uint128> {
    let epoch = now / config.convert_epoch_seconds;
    let used = DENOMS
        .may_load(deps.storage, denom)?
        .filter(|d| d.epoch == epoch)
        .map_or(Uint128::zero(), |d| d.epoch_in);
    Ok(config.convert_epoch_cap.saturating_sub(used))
}

/// With no denom: the first routed denom (ascending) off cooldown whose affordable input, within
/// the per-call and epoch caps, reaches the minimum — a dust balance in one denom never blocks
/// the others. Bounded by MAX_ROUTES.
fn pick_denom(deps: Deps, env: &Env, config: &Config) -> Result<String, ContractError> {
    let now = env.block.time.seconds();
    let denoms: Vec<String> = ROUTES
        .keys(deps.storage, None, None, Order::Ascending)
        .take(MAX_ROUTES)
        .collect::<StdResult<_>>()?;
    for denom in denoms {
        let size = [
            affordable(waiting(deps, &denom)?, config.keeper_bounty_bps)?,
            config.per_convert_cap,
            epoch_left(deps, config, &denom, now)?,
        ]
        .into_iter()
        .min()
        .unwrap_or_default();
        if !size.is_zero()
            && size >= config.min_convert_amount
            && now >= next_convert_at(deps, config, &denom)?
        {
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
    let epoch = now / config.convert_epoch_seconds;
    state.epoch_in = if state.epoch == epoch {
        state.epoch_in.checked_add(plan.amount_in)?
    } else {
        plan.amount_in
    };
    state.epoch = epoch;
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
            min_out: plan.quote.min_out,
            bounty: plan.bounty,
            twap_price: plan.quote.twap_price,
        },
    )?;
    let swap = swap_msg(
        env.contract.address.as_str(),
        &plan.route,
        cosmwasm_std::Coin::new(plan.amount_in, &denom),
        plan.quote.min_out,
    );
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(swap, SWAP_REPLY_ID))
        .add_event(
            spice_event(TAG, "convert_swap")
                .add_attribute("denom", &denom)
                .add_attribute("keeper", info.sender.as_str())
                .add_attribute("amount_in", plan.amount_in)
                .add_attribute("min_out", plan.quote.min_out)
                .add_attribute("expected_out", plan.quote.expected_out)
                .add_attribute("twap_price", plan.quote.twap_price.to_string())
                .add_attribute("spot_price", plan.quote.spot_price.to_string())
                .add_attribute("bounty", plan.bounty)
                .add_attribute("waiting_left", left)
                .add_attribute("epoch_in", state.epoch_in),
        ))
}

fn swap_output(reply: Reply) -> Result<Uint128, ContractError> {
    spice_osmosis::swap_output(reply).map_err(|reason| ContractError::BadResponse { reason })
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
