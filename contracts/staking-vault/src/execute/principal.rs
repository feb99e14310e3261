//! Principal leaves only by the owner: `unbond` and `claim_unbonded`. Both stay open while the
//! vault is paused or the strategy halted (exits are never locked).

use cosmwasm_std::{
    coin, coins, BankMsg, DepsMut, Env, MessageInfo, Order, Response, StakingMsg, StdResult,
    Uint128,
};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::books::{self, backed_by_bank, max_apr, record, Transition};
use crate::execute::config::{MAX_UNBONDINGS, MAX_VALIDATORS};
use crate::execute::strategy::with_staking_reply;
use crate::execute::sync::{akt_surplus, settle_matured};
use crate::state::{
    Activity, Books, Bucket, Config, Strategy, Unbonding, ACTIVITY, BOOKS, CONFIG, UNBONDINGS,
    VALIDATOR_STAKE,
};

pub fn unbond(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let config = CONFIG.load(deps.storage)?;
    let now = env.block.time.seconds();
    let mut b = BOOKS.load(deps.storage)?;
    match config.strategy.as_ref().ok_or(ContractError::NoStrategy)? {
        Strategy::Native { .. } => undelegate_native(deps, &env, &config, b, amount, "unbond"),
        Strategy::Operator(op) => {
            let available = b.staked.saturating_sub(b.unbond_requested);
            if amount > available {
                return Err(ContractError::InsufficientInBucket {
                    bucket: Bucket::Staked,
                    needed: amount,
                    available,
                });
            }
            books::checkpoint(&mut b, op.max_apr, now)?;
            b.unbond_requested = b.unbond_requested.checked_add(amount)?;
            BOOKS.save(deps.storage, &b)?;
            record(
                deps.storage,
                &env,
                "unbond",
                amount,
                &config.akt_denom,
                "operator request".into(),
            )?;
            Ok(Response::new().add_event(
                spice_event(TAG, "unbond")
                    .add_attribute("strategy", "operator")
                    .add_attribute("amount", amount)
                    .add_attribute("unbond_requested", b.unbond_requested),
            ))
        }
    }
}

/// Native: undelegates `amount` greedily across the validators (address order, bounded by
/// `MAX_VALIDATORS`) as one unbonding entry maturing after the unbonding period. `action` names
/// the history entry and the event (`unbond`, `sunset_unbond`).
pub fn undelegate_native(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    mut b: Books,
    amount: Uint128,
    action: &str,
) -> Result<Response, ContractError> {
    let now = env.block.time.seconds();
    let open = UNBONDINGS
        .keys(deps.storage, None, None, Order::Ascending)
        .take(MAX_UNBONDINGS)
        .count();
    if open >= MAX_UNBONDINGS {
        return Err(ContractError::TooManyUnbondings {
            max: MAX_UNBONDINGS,
        });
    }
    books::apply(&mut b, Transition::Undelegate, amount, max_apr(config), now)?;
    BOOKS.save(deps.storage, &b)?;
    let balance_before =
        crate::chain::balance(&deps.querier, &env.contract.address, &config.akt_denom)?;
    // Greedy across validators in address order; bounded by MAX_VALIDATORS.
    let stakes: Vec<(String, Uint128)> = VALIDATOR_STAKE
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_VALIDATORS)
        .collect::<StdResult<_>>()?;
    let mut left = amount;
    let mut msgs = vec![];
    for (validator, staked) in stakes {
        if left.is_zero() {
            break;
        }
        let take = staked.min(left);
        if take.is_zero() {
            continue;
        }
        left = left.checked_sub(take)?;
        let remaining = staked.checked_sub(take)?;
        if remaining.is_zero() {
            VALIDATOR_STAKE.remove(deps.storage, &validator);
        } else {
            VALIDATOR_STAKE.save(deps.storage, &validator, &remaining)?;
        }
        msgs.push(StakingMsg::Undelegate {
            validator,
            amount: coin(take.u128(), &config.akt_denom),
        });
    }
    // Undelegating pays nothing until maturity; anything arriving now is rewards.
    let response = with_staking_reply(deps.storage, msgs, balance_before, action)?;
    let mut activity: Activity = ACTIVITY.load(deps.storage)?;
    let id = activity.next_unbonding_id;
    activity.next_unbonding_id = id.saturating_add(1);
    ACTIVITY.save(deps.storage, &activity)?;
    let matures_at = now.saturating_add(config.unbonding_period_seconds);
    UNBONDINGS.save(deps.storage, id, &Unbonding { amount, matures_at })?;
    record(
        deps.storage,
        env,
        action,
        amount,
        &config.akt_denom,
        format!("native, matures at {matures_at}"),
    )?;
    Ok(response.add_event(
        spice_event(TAG, action)
            .add_attribute("strategy", "native")
            .add_attribute("amount", amount)
            .add_attribute("matures_at", matures_at.to_string())
            .add_attribute("staked", b.staked),
    ))
}

pub fn claim_unbonded(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    recipient: Option<String>,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    let recipient = recipient.map(|r| deps.api.addr_validate(&r)).transpose()?;
    let config = CONFIG.load(deps.storage)?;
    let now = env.block.time.seconds();
    let apr = max_apr(&config);
    let mut b = BOOKS.load(deps.storage)?;
    // Native entries that matured have been paid into the bank by the staking module; what
    // the bank holds beyond the books settles them, and an entry it cannot cover matured short
    // (slashed while unbonding): the shortfall is booked lost (see `sync`).
    let mut lost = Uint128::zero();
    if matches!(config.strategy, Some(Strategy::Native { .. })) {
        let mut surplus = akt_surplus(deps.as_ref(), &env, &config, &b)?;
        lost = settle_matured(deps.storage, &mut b, &config, &mut surplus, now)?.lost;
    }
    let amount = b.returned;
    if amount.is_zero() {
        if !lost.is_zero() {
            // Only a loss to book: keep it.
            BOOKS.save(deps.storage, &b)?;
            record(
                deps.storage,
                &env,
                "unbonding_lost",
                lost,
                &config.akt_denom,
                "matured short".into(),
            )?;
            return Ok(Response::new().add_event(
                spice_event(TAG, "claim_unbonded")
                    .add_attribute("amount", amount)
                    .add_attribute("lost", lost),
            ));
        }
        return Err(ContractError::NothingToClaim);
    }
    let balance = crate::chain::balance(&deps.querier, &env.contract.address, &config.akt_denom)?;
    let needed = backed_by_bank(&b)?;
    if balance < needed {
        return Err(ContractError::Unbacked { balance, needed });
    }
    let mut response = Response::new();
    let to = match &recipient {
        Some(r) => {
            books::apply(&mut b, Transition::PayOut, amount, apr, now)?;
            response = response.add_message(BankMsg::Send {
                to_address: r.to_string(),
                amount: coins(amount.u128(), &config.akt_denom),
            });
            r.to_string()
        }
        None => {
            books::apply(&mut b, Transition::Restake, amount, apr, now)?;
            "pending".to_string()
        }
    };
    BOOKS.save(deps.storage, &b)?;
    record(
        deps.storage,
        &env,
        "claim_unbonded",
        amount,
        &config.akt_denom,
        format!("to {to}"),
    )?;
    Ok(response.add_event(
        spice_event(TAG, "claim_unbonded")
            .add_attribute("amount", amount)
            .add_attribute("to", to)
            .add_attribute("lost", lost)
            .add_attribute("unbonded_out", b.unbonded_out),
    ))
}
