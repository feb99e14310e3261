//! `harvest`: staking revenue to the revenue recipient (buyback-burn).
//!
//! Revenue is `revenue_pending` (operator rewards confirmed and arrived) plus, for the native
//! strategy, what `DistributionMsg::WithdrawDelegatorReward` on every staked validator pays —
//! measured in the reply as the vault's AKT balance after the withdrawals minus before (so
//! only what the withdrawals paid counts). `bounty = ⌊revenue × bps / 10000⌋` (rounded down)
//! goes to the keeper, the rest to the recipient. Nothing to harvest, or a second harvest in
//! the same block, is refused: it reverts and pays nothing.

use cosmwasm_std::{
    coins, BankMsg, DepsMut, DistributionMsg, Env, MessageInfo, Order, Reply, Response, StdResult,
    SubMsg, Uint128,
};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::books::record;
use crate::execute::config::MAX_VALIDATORS;
use crate::execute::convert::bounty;
use crate::state::{
    Config, HarvestInFlight, Strategy, ACTIVITY, BOOKS, CONFIG, HARVEST_IN_FLIGHT, VALIDATOR_STAKE,
};

pub const HARVEST_REPLY_ID: u64 = 5;

pub fn harvest(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    cw_utils::nonpayable(&info)?;
    let mut activity = ACTIVITY.load(deps.storage)?;
    if activity.last_harvest_height == Some(env.block.height) {
        return Err(ContractError::AlreadyHarvested {
            height: env.block.height,
        });
    }
    activity.last_harvest_height = Some(env.block.height);
    activity.last_harvest_at = Some(env.block.time.seconds());
    ACTIVITY.save(deps.storage, &activity)?;
    let config = CONFIG.load(deps.storage)?;
    let staked_with: Vec<String> = match config.strategy {
        Some(Strategy::Native { .. }) => VALIDATOR_STAKE
            .keys(deps.storage, None, None, Order::Ascending)
            .take(MAX_VALIDATORS)
            .collect::<StdResult<_>>()?,
        _ => vec![],
    };
    // Only validators with rewards accrued are asked to pay (bounded by MAX_VALIDATORS).
    let mut validators = Vec::with_capacity(staked_with.len());
    for validator in staked_with {
        let accrued = crate::chain::has_accrued_rewards(
            &deps.querier,
            env.contract.address.as_str(),
            &validator,
            &config.akt_denom,
        )?;
        if accrued {
            validators.push(validator);
        }
    }
    if validators.is_empty() {
        return pay(deps, &env, &config, &info.sender, Uint128::zero());
    }
    let balance_before =
        crate::chain::balance(&deps.querier, &env.contract.address, &config.akt_denom)?;
    HARVEST_IN_FLIGHT.save(
        deps.storage,
        &HarvestInFlight {
            keeper: info.sender.clone(),
            balance_before,
        },
    )?;
    let last = validators.len() - 1;
    let mut response = Response::new();
    for (i, validator) in validators.into_iter().enumerate() {
        let msg = DistributionMsg::WithdrawDelegatorReward { validator };
        response = if i == last {
            // Messages run in order: when this one replies, every withdrawal has paid.
            response.add_submessage(SubMsg::reply_on_success(msg, HARVEST_REPLY_ID))
        } else {
            response.add_message(msg)
        };
    }
    Ok(response)
}

pub fn reply(deps: DepsMut, env: Env, _reply: Reply) -> Result<Response, ContractError> {
    let flight = HARVEST_IN_FLIGHT
        .may_load(deps.storage)?
        .ok_or(ContractError::NothingInFlight)?;
    HARVEST_IN_FLIGHT.remove(deps.storage);
    let config = CONFIG.load(deps.storage)?;
    let balance = crate::chain::balance(&deps.querier, &env.contract.address, &config.akt_denom)?;
    let withdrawn = balance.checked_sub(flight.balance_before)?;
    pay(deps, &env, &config, &flight.keeper, withdrawn)
}

fn pay(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    keeper: &cosmwasm_std::Addr,
    withdrawn: Uint128,
) -> Result<Response, ContractError> {
    let mut b = BOOKS.load(deps.storage)?;
    let revenue = b.revenue_pending.checked_add(withdrawn)?;
    if revenue.is_zero() {
        return Err(ContractError::NothingToHarvest);
    }
    let fee = bounty(revenue, config.keeper_bounty_bps)?;
    let net = revenue.checked_sub(fee)?;
    b.revenue_pending = Uint128::zero();
    b.revenue_harvested = b.revenue_harvested.checked_add(net)?;
    b.harvest_bounties = b.harvest_bounties.checked_add(fee)?;
    BOOKS.save(deps.storage, &b)?;
    let id = record(
        deps.storage,
        env,
        "harvest",
        net,
        &config.akt_denom,
        format!("revenue {revenue}, bounty {fee}"),
    )?;
    let mut response = Response::new();
    if !net.is_zero() {
        response = response.add_message(BankMsg::Send {
            to_address: config.revenue_recipient.to_string(),
            amount: coins(net.u128(), &config.akt_denom),
        });
    }
    if !fee.is_zero() {
        response = response.add_message(BankMsg::Send {
            to_address: keeper.to_string(),
            amount: coins(fee.u128(), &config.akt_denom),
        });
    }
    Ok(response.add_event(
        spice_event(TAG, "harvest")
            .add_attribute("id", id.to_string())
            .add_attribute("keeper", keeper.as_str())
            .add_attribute("revenue", revenue)
            .add_attribute("withdrawn", withdrawn)
            .add_attribute("to_recipient", net)
            .add_attribute("bounty", fee)
            .add_attribute("recipient", config.revenue_recipient.as_str()),
    ))
}
