//! `buyback`: revenue -> SPICE along the denom's route, TWAP-guarded, burned in the same
//! transaction through spice-token, with a bounty for the keeper.
//!
//! ## Pending revenue
//! Revenue arrives by plain bank sends (the vault's harvest, escrow take fees, donations), so
//! nothing has to be called on arrival. What is pending in a denom is this contract's balance of
//! it: nothing is ever reserved across transactions, because a buyback swaps, burns and pays its
//! bounty inside one transaction. Any denom with a route can therefore be bought back.
//!
//! ## The guard, per call
//! * size: `amount_in = min(limit, per_call_cap, epoch_cap − spent this epoch,
//!   ⌊balance × 10000 / (10000 + bounty_bps)⌋)` — the last term leaves room for the bounty;
//! * cooldown: refused while `now < last buyback of the denom + cooldown_seconds`;
//! * per hop `i` (`in_i -> out_i` through pool `p_i`): `twap_i = ArithmeticTwapToNow(p_i, base
//!   in_i, quote out_i, now − twap_window)` and `spot_i = SpotPrice(p_i, in_i, out_i)`;
//!   refused when `|spot_i − twap_i| > twap_i × max_spot_deviation`;
//! * `min_out = ⌈amount_in × Π twap_i × (1 − max_slippage)⌉`: rounded UP, because the minimum is
//!   a protection floor and rounding it down would accept a unit less than the bound allows;
//!   the per-hop products are truncated at 18 decimals (under 10⁻¹⁸ of a unit per hop);
//! * the pools' estimate must reach `min_out` (a clear error instead of the chain's), and the
//!   chain enforces `min_out` again on the swap itself;
//! * `bounty = ⌊amount_in × keeper_bounty_bps / 10000⌋`, rounded down (the keeper's loss).
//!
//! ## Reply mode
//! The swap is a `SubMsg::reply_on_success`: when it fails (below the minimum, a pool error) the
//! error propagates and the whole call reverts — no cooldown or budget is consumed, no bounty is
//! paid, and the in-flight marker written before the swap disappears with the rest. On success
//! the reply reads the SPICE received, sends it to spice-token's `burn_native`, pays the bounty
//! and clears the marker, all in the same transaction.

use cosmwasm_std::{
    coins, to_json_binary, AnyMsg, BankMsg, CosmosMsg, Decimal256, Deps, DepsMut, Env, MessageInfo,
    Reply, Response, SubMsg, Timestamp, Uint128, Uint256, WasmMsg,
};
use osmosis_std::shim::Timestamp as ProtoTimestamp;
use osmosis_std::types::osmosis::poolmanager::v1beta1::{
    MsgSwapExactAmountIn, MsgSwapExactAmountInResponse, PoolmanagerQuerier, SwapAmountInRoute,
};
use osmosis_std::types::osmosis::twap::v1beta1::TwapQuerier;
use spice_types::{spice_event, BPS_DENOMINATOR};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::msg::SpiceTokenMsg;
use crate::state::{
    BuybackRecord, Config, DenomState, Hop, InFlight, CONFIG, DENOMS, HISTORY, HISTORY_SEQ,
    IN_FLIGHT, ROUTES, TOTALS,
};

pub const SWAP_REPLY_ID: u64 = 1;

/// Where a denom stands against its cooldown and epoch budget at `now`.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub next_allowed_at: u64,
    pub epoch: u64,
    pub epoch_ends_at: u64,
    pub spent_in_epoch: Uint128,
    pub budget_left: Uint128,
}

pub fn window(config: &Config, state: &DenomState, now: u64) -> Window {
    // Epochs are fixed slices of chain time: epoch n covers [n × len, (n + 1) × len).
    let epoch = now / config.epoch_seconds;
    let spent_in_epoch = if state.epoch == epoch {
        state.spent_in_epoch
    } else {
        Uint128::zero()
    };
    Window {
        next_allowed_at: state
            .last_buyback_at
            .map_or(0, |t| t.saturating_add(config.cooldown_seconds)),
        epoch,
        epoch_ends_at: epoch.saturating_add(1).saturating_mul(config.epoch_seconds),
        spent_in_epoch,
        // A cap lowered below what this epoch already spent leaves nothing, never wraps.
        budget_left: config.epoch_cap.saturating_sub(spent_in_epoch),
    }
}

/// The most that can be swapped out of `balance` while leaving the bounty on it:
/// `a + ⌊a × bps / 10000⌋ ≤ balance` for `a = ⌊balance × 10000 / (10000 + bps)⌋`.
pub fn affordable(balance: Uint128, bounty_bps: u16) -> Result<Uint128, ContractError> {
    let denominator = u128::from(BPS_DENOMINATOR) + u128::from(bounty_bps);
    Ok(balance.checked_multiply_ratio(BPS_DENOMINATOR, denominator)?)
}

/// The keeper's bounty, rounded down.
pub fn bounty(amount_in: Uint128, bounty_bps: u16) -> Result<Uint128, ContractError> {
    Ok(amount_in.checked_multiply_ratio(bounty_bps, BPS_DENOMINATOR)?)
}

/// `⌈amount × Π prices × (1 − slippage)⌉`, the minimum output the swap accepts.
pub fn min_out(
    amount_in: Uint128,
    twaps: &[Decimal256],
    max_slippage: Decimal256,
) -> Result<Uint128, ContractError> {
    let mut value = Decimal256::from_ratio(amount_in, 1u8);
    for twap in twaps {
        value = value.checked_mul(*twap)?;
    }
    let keep = Decimal256::one().checked_sub(max_slippage)?;
    let floor = value.checked_mul(keep)?;
    let rounded: Uint256 = floor.to_uint_ceil();
    Ok(Uint128::try_from(rounded)?)
}

/// `|spot − twap| > twap × max`: the spot price has left the band around the TWAP. The band's
/// edge is truncated, so a price exactly on it is still refused only when strictly outside.
pub fn deviates(spot: Decimal256, twap: Decimal256, max: Decimal256) -> bool {
    let distance = if spot > twap {
        spot - twap
    } else {
        twap - spot
    };
    distance > twap * max
}

/// Everything a buyback of `denom` would do now.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub route: Vec<Hop>,
    pub pending: Uint128,
    pub window: Window,
    pub amount_in: Uint128,
    pub bounty: Uint128,
    pub min_out: Uint128,
    pub expected_out: Uint128,
    /// SPICE per unit of input, composed along the route.
    pub twap_price: Decimal256,
    pub spot_price: Decimal256,
}

pub fn pending(deps: Deps, env: &Env, denom: &str) -> Result<Uint128, ContractError> {
    Ok(deps
        .querier
        .query_balance(&env.contract.address, denom)?
        .amount)
}

fn parse_price(
    text: &str,
    make_err: impl FnOnce(String) -> ContractError,
) -> Result<Decimal256, ContractError> {
    text.parse::<Decimal256>()
        .map_err(|e| make_err(format!("unreadable price {text:?}: {e}")))
}

fn proto_time(t: Timestamp) -> ProtoTimestamp {
    ProtoTimestamp {
        seconds: i64::try_from(t.seconds()).unwrap_or(i64::MAX),
        nanos: i32::try_from(t.subsec_nanos()).unwrap_or(0),
    }
}

/// The checks of a buyback, in the order `buyback` applies them; `simulate_buyback` runs the same.
pub fn plan(
    deps: Deps,
    env: &Env,
    config: &Config,
    denom: &str,
    limit: Option<Uint128>,
) -> Result<Plan, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    if let Some(in_flight) = IN_FLIGHT.may_load(deps.storage)? {
        return Err(ContractError::BuybackInFlight {
            denom: in_flight.denom,
        });
    }
    if limit == Some(Uint128::zero()) {
        return Err(ContractError::ZeroLimit);
    }
    let route = ROUTES
        .may_load(deps.storage, denom)?
        .ok_or_else(|| ContractError::NoRoute {
            denom: denom.to_string(),
        })?;
    // The SPICE denom may have changed since the route was set.
    let last = route.last().ok_or_else(|| ContractError::EmptyRoute {
        denom: denom.to_string(),
    })?;
    if last.token_out_denom != config.spice_denom {
        return Err(ContractError::RouteMustEndInSpice {
            denom: denom.to_string(),
            last: last.token_out_denom.clone(),
            spice_denom: config.spice_denom.clone(),
        });
    }

    // ---- size ----
    let now = env.block.time.seconds();
    let state = DENOMS.may_load(deps.storage, denom)?.unwrap_or_default();
    let window = window(config, &state, now);
    if now < window.next_allowed_at {
        return Err(ContractError::CooldownActive {
            denom: denom.to_string(),
            next_allowed_at: window.next_allowed_at,
            now,
        });
    }
    if window.budget_left.is_zero() {
        return Err(ContractError::EpochCapReached {
            denom: denom.to_string(),
            epoch_cap: config.epoch_cap,
            next_epoch_at: window.epoch_ends_at,
        });
    }
    let pending = pending(deps, env, denom)?;
    let amount_in = [
        limit.unwrap_or(Uint128::MAX),
        config.per_call_cap,
        window.budget_left,
        affordable(pending, config.keeper_bounty_bps)?,
    ]
    .into_iter()
    .min()
    .unwrap_or_default();
    if amount_in.is_zero() {
        return Err(ContractError::NothingPending {
            denom: denom.to_string(),
            balance: pending,
        });
    }

    // ---- price: per hop, TWAP over the window and spot within the band ----
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
    // Bounded: a route has at most MAX_HOPS_LIMIT hops.
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
    let min_out = min_out(amount_in, &twaps, Decimal256::from(config.max_slippage))?;
    if min_out.is_zero() {
        return Err(ContractError::MinOutZero {
            denom: denom.to_string(),
            amount_in,
        });
    }
    let expected = pool_querier
        .estimate_swap_exact_amount_in(
            String::new(),
            0,
            format!("{amount_in}{denom}"),
            swap_routes(&route),
        )
        .map_err(|e| ContractError::BadSwapResponse {
            reason: format!("estimate failed: {e}"),
        })?;
    let expected_out: Uint128 =
        expected
            .token_out_amount
            .parse()
            .map_err(|e| ContractError::BadSwapResponse {
                reason: format!("estimate {:?}: {e}", expected.token_out_amount),
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
        pending,
        window,
        amount_in,
        bounty: bounty(amount_in, config.keeper_bounty_bps)?,
        min_out,
        expected_out,
        twap_price,
        spot_price,
    })
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

pub fn buyback(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    denom: String,
    limit: Option<Uint128>,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let plan = plan(deps.as_ref(), &env, &config, &denom, limit)?;

    let mut state = DENOMS.may_load(deps.storage, &denom)?.unwrap_or_default();
    state.last_buyback_at = Some(env.block.time.seconds());
    state.epoch = plan.window.epoch;
    state.spent_in_epoch = plan.window.spent_in_epoch.checked_add(plan.amount_in)?;
    state.total_in = state.total_in.checked_add(plan.amount_in)?;
    state.total_bounty = state.total_bounty.checked_add(plan.bounty)?;
    DENOMS.save(deps.storage, &denom, &state)?;
    IN_FLIGHT.save(
        deps.storage,
        &InFlight {
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
            spice_event(TAG, "swap")
                .add_attribute("denom", &denom)
                .add_attribute("keeper", info.sender.as_str())
                .add_attribute("amount_in", plan.amount_in)
                .add_attribute("min_out", plan.min_out)
                .add_attribute("expected_out", plan.expected_out)
                .add_attribute("twap_price", plan.twap_price.to_string())
                .add_attribute("spot_price", plan.spot_price.to_string())
                .add_attribute("bounty", plan.bounty)
                .add_attribute("epoch_spent", state.spent_in_epoch),
        ))
}

fn swap_output(reply: Reply) -> Result<Uint128, ContractError> {
    let bad = |reason: String| ContractError::BadSwapResponse { reason };
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
    if reply.id != SWAP_REPLY_ID {
        return Err(ContractError::UnknownReply { id: reply.id });
    }
    let flight = IN_FLIGHT
        .may_load(deps.storage)?
        .ok_or(ContractError::NoBuybackInFlight)?;
    IN_FLIGHT.remove(deps.storage);
    let spice_out = swap_output(reply)?;
    // The chain enforced the minimum already; this keeps the contract's own promise explicit.
    if spice_out < flight.min_out {
        return Err(ContractError::SwapBelowMin {
            spice_out,
            min_out: flight.min_out,
        });
    }
    let config = CONFIG.load(deps.storage)?;

    let mut state = DENOMS
        .may_load(deps.storage, &flight.denom)?
        .unwrap_or_default();
    state.total_spice_out = state.total_spice_out.checked_add(spice_out)?;
    DENOMS.save(deps.storage, &flight.denom, &state)?;
    let mut totals = TOTALS.may_load(deps.storage)?.unwrap_or_default();
    totals.buybacks = totals.buybacks.saturating_add(1);
    totals.spice_bought = totals.spice_bought.checked_add(spice_out)?;
    // Burned in this transaction by the message below; if that fails, all of this reverts.
    totals.spice_burned = totals.spice_burned.checked_add(spice_out)?;
    TOTALS.save(deps.storage, &totals)?;
    let id = HISTORY_SEQ
        .may_load(deps.storage)?
        .unwrap_or_default()
        .saturating_add(1);
    HISTORY_SEQ.save(deps.storage, &id)?;
    let record = BuybackRecord {
        id,
        denom: flight.denom.clone(),
        amount_in: flight.amount_in,
        spice_out,
        spice_burned: spice_out,
        min_out: flight.min_out,
        bounty: flight.bounty,
        execution_price: Decimal256::from_ratio(spice_out, flight.amount_in),
        twap_price: flight.twap_price,
        height: env.block.height,
        time: env.block.time.seconds(),
        keeper: flight.keeper.clone(),
    };
    HISTORY.save(deps.storage, id, &record)?;

    let mut response = Response::new().add_message(WasmMsg::Execute {
        contract_addr: config.spice_token.to_string(),
        msg: to_json_binary(&SpiceTokenMsg::BurnNative {})?,
        funds: coins(spice_out.u128(), &config.spice_denom),
    });
    if !flight.bounty.is_zero() {
        response = response.add_message(BankMsg::Send {
            to_address: flight.keeper.to_string(),
            amount: coins(flight.bounty.u128(), &flight.denom),
        });
    }
    Ok(response.add_event(
        spice_event(TAG, "buyback")
            .add_attribute("id", id.to_string())
            .add_attribute("denom", &flight.denom)
            .add_attribute("keeper", flight.keeper.as_str())
            .add_attribute("amount_in", flight.amount_in)
            .add_attribute("spice_out", spice_out)
            .add_attribute("spice_burned", spice_out)
            .add_attribute("min_out", flight.min_out)
            .add_attribute("bounty", flight.bounty)
            .add_attribute("execution_price", record.execution_price.to_string())
            .add_attribute("twap_price", record.twap_price.to_string())
            .add_attribute("total_burned", totals.spice_burned),
    ))
}
