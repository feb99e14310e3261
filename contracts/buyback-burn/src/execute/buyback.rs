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
//! (Sizing here; the price checks are spice-osmosis' `guarded_route_quote`, shared with
//! staking-vault.)
//! * size: `amount_in = min(limit, per_call_cap, epoch_cap − spent this epoch,
//!   ⌊balance × 10000 / (10000 + bounty_bps)⌋)` — the last term leaves room for the bounty;
//! * minimum: refused when `amount_in < min_swap` (dust would spend the cooldown for nothing);
//! * cooldown: refused while `now <` the end of the cooldown the last buyback of the denom
//!   started, `⌈cooldown_seconds × its amount_in / per_call_cap⌉` long: a full-size swap waits
//!   the whole cooldown, the smallest allowed swap its share, so whoever calls first can only
//!   delay the next keeper in proportion to the work it did;
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
    coins, to_json_binary, BankMsg, Decimal256, Deps, DepsMut, Env, MessageInfo, Reply, Response,
    SubMsg, Uint128, Uint256, WasmMsg,
};
use spice_osmosis::{check_route_end, guarded_route_quote, swap_msg, GuardParams, Quote};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::msg::SpiceTokenMsg;
use crate::state::{
    BuybackRecord, Config, DenomState, Hop, InFlight, CONFIG, DENOMS, HISTORY, HISTORY_SEQ,
    IN_FLIGHT, ROUTES, TOTALS,
};

#[cfg(test)]
pub use spice_osmosis::deviates;
/// The guard's arithmetic, shared with staking-vault's conversions.
pub use spice_osmosis::{affordable, bounty};

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
        next_allowed_at: state.cooldown_until.unwrap_or_else(|| {
            state
                .last_buyback_at
                .map_or(0, |t| t.saturating_add(config.cooldown_seconds))
        }),
        epoch,
        epoch_ends_at: epoch.saturating_add(1).saturating_mul(config.epoch_seconds),
        spent_in_epoch,
        // A cap lowered below what this epoch already spent leaves nothing, never wraps.
        budget_left: config.epoch_cap.saturating_sub(spent_in_epoch),
    }
}

/// The part of the cooldown a swap of `amount_in` starts: `⌈cooldown × amount_in /
/// per_call_cap⌉`, rounded up (the protocol's favour: never a second less than the share).
/// `amount_in ≤ per_call_cap`, so the result is at most the cooldown.
pub fn cooldown_share(config: &Config, amount_in: Uint128) -> Result<u64, ContractError> {
    let share = Uint256::from(config.cooldown_seconds)
        .checked_mul(Uint256::from(amount_in))?
        .checked_add(Uint256::from(config.per_call_cap))?
        .checked_sub(Uint256::one())?
        .checked_div(Uint256::from(config.per_call_cap))
        .map_err(|e| cosmwasm_std::StdError::generic_err(e.to_string()))?;
    Ok(u64::try_from(Uint128::try_from(share)?.u128())
        .unwrap_or(config.cooldown_seconds)
        .min(config.cooldown_seconds))
}

/// `⌈amount × Π prices × (1 − slippage)⌉`, the minimum output the swap accepts, with this
/// contract's errors (the unit tests check the boundaries through it).
#[cfg(test)]
pub fn min_out(
    amount_in: Uint128,
    twaps: &[Decimal256],
    max_slippage: Decimal256,
) -> Result<Uint128, ContractError> {
    Ok(spice_osmosis::min_out(amount_in, twaps, max_slippage)?)
}

/// Everything a buyback of `denom` would do now.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub route: Vec<Hop>,
    pub pending: Uint128,
    pub window: Window,
    pub amount_in: Uint128,
    pub bounty: Uint128,
    /// The floor, the pools' estimate, and SPICE per unit of input along the route.
    pub quote: Quote,
}

pub fn pending(deps: Deps, env: &Env, denom: &str) -> Result<Uint128, ContractError> {
    Ok(deps
        .querier
        .query_balance(&env.contract.address, denom)?
        .amount)
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
    check_route_end(denom, &route, &config.spice_denom)?;

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
    if amount_in < config.min_swap {
        return Err(ContractError::BelowMinSwap {
            denom: denom.to_string(),
            amount_in,
            min_swap: config.min_swap,
        });
    }

    // ---- price: per hop, TWAP over the window and spot within the band ----
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
        pending,
        window,
        amount_in,
        bounty: bounty(amount_in, config.keeper_bounty_bps)?,
        quote,
    })
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

    let now = env.block.time.seconds();
    let mut state = DENOMS.may_load(deps.storage, &denom)?.unwrap_or_default();
    state.last_buyback_at = Some(now);
    state.cooldown_until = Some(now.saturating_add(cooldown_share(&config, plan.amount_in)?));
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
            spice_event(TAG, "swap")
                .add_attribute("denom", &denom)
                .add_attribute("keeper", info.sender.as_str())
                .add_attribute("amount_in", plan.amount_in)
                .add_attribute("min_out", plan.quote.min_out)
                .add_attribute("expected_out", plan.quote.expected_out)
                .add_attribute("twap_price", plan.quote.twap_price.to_string())
                .add_attribute("spot_price", plan.quote.spot_price.to_string())
                .add_attribute("bounty", plan.bounty)
                .add_attribute("epoch_spent", state.spent_in_epoch)
                .add_attribute(
                    "next_allowed_at",
                    state.cooldown_until.unwrap_or(now).to_string(),
                ),
        ))
}

fn swap_output(reply: Reply) -> Result<Uint128, ContractError> {
    spice_osmosis::swap_output(reply).map_err(|reason| ContractError::BadSwapResponse { reason })
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
