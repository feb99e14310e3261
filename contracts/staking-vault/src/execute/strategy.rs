//! Staking: `stake` with the configured strategy, the IBC lifecycle of transfers to the
//! operator, and the owner's `set_strategy` / `resume_strategy`.
//!
//! * native: `pending` is split by weight, `share_i = ⌊pending × w_i / Σw⌋`, the remainder of
//!   the rounding going to the first validator, and delegated with `StakingMsg::Delegate`.
//! * operator: `amount = min(pending, max_daily_outflow − sent today)` goes by ICS-20
//!   `MsgTransfer` on the channel to the delegation address with the memo
//!   `{"ibc_callback":"<vault>"}`; the reply reads the packet's sequence. ibc-hooks then calls
//!   `sudo` once: a success ack moves it to `at_operator`, an error ack or a timeout back to
//!   `pending` (the transfer module refunded it before the callback).

use cosmwasm_std::{
    coin, AnyMsg, CosmosMsg, DepsMut, Env, MessageInfo, Order, Reply, Response, StakingMsg,
    StdResult, SubMsg, Uint128,
};
use osmosis_std::types::ibc::applications::transfer::v1::{MsgTransfer, MsgTransferResponse};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::books::{self, assert_not_halted, max_apr, record, Transition};
use crate::execute::config::validate_strategy;
use crate::msg::{IbcLifecycleComplete, StrategyMsg};
use crate::state::{
    Books, Config, OperatorStrategy, Strategy, TransferInFlight, WeightedValidator, BOOKS, CONFIG,
    HALT, TRANSFERS, TRANSFER_IN_FLIGHT, VALIDATOR_STAKE,
};

pub const TRANSFER_REPLY_ID: u64 = 2;
pub const DAY_SECONDS: u64 = 86_400;

/// What the operator strategy may still send today.
pub fn outflow_left(books: &Books, op: &OperatorStrategy, now: u64) -> Uint128 {
    let sent = if books.outflow_day == now / DAY_SECONDS {
        books.outflow_today
    } else {
        Uint128::zero()
    };
    op.max_daily_outflow.saturating_sub(sent)
}

/// Splits `amount` by weight, rounding down, the remainder to the first validator.
pub fn split_by_weight(
    amount: Uint128,
    validators: &[WeightedValidator],
) -> Result<Vec<(String, Uint128)>, ContractError> {
    let total: u64 = validators.iter().map(|v| u64::from(v.weight)).sum();
    let mut shares = Vec::with_capacity(validators.len());
    let mut given = Uint128::zero();
    for v in validators {
        let share = amount.checked_multiply_ratio(v.weight, total)?;
        given = given.checked_add(share)?;
        shares.push((v.address.clone(), share));
    }
    if let Some(first) = shares.first_mut() {
        first.1 = first.1.checked_add(amount.checked_sub(given)?)?;
    }
    Ok(shares)
}

pub fn stake(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    cw_utils::nonpayable(&info)?;
    assert_not_halted(deps.storage)?;
    // Nothing is staked once the sunset's unbond has started.
    crate::execute::sunset::assert_not_started(deps.as_ref(), env.block.time.seconds())?;
    let config = CONFIG.load(deps.storage)?;
    let strategy = config.strategy.clone().ok_or(ContractError::NoStrategy)?;
    let mut b = BOOKS.load(deps.storage)?;
    if b.pending.is_zero() {
        return Err(ContractError::NothingToStake);
    }
    let now = env.block.time.seconds();
    match strategy {
        Strategy::Native { validators } => {
            let amount = b.pending;
            let balance_before =
                crate::chain::balance(&deps.querier, &env.contract.address, &config.akt_denom)?;
            books::apply(
                &mut b,
                Transition::StakeNative,
                amount,
                max_apr(&config),
                now,
            )?;
            BOOKS.save(deps.storage, &b)?;
            // Bounded: at most MAX_VALIDATORS.
            let mut msgs = vec![];
            for (validator, share) in split_by_weight(amount, &validators)? {
                if share.is_zero() {
                    continue;
                }
                let staked = VALIDATOR_STAKE
                    .may_load(deps.storage, &validator)?
                    .unwrap_or_default()
                    .checked_add(share)?;
                VALIDATOR_STAKE.save(deps.storage, &validator, &staked)?;
                msgs.push(StakingMsg::Delegate {
                    validator,
                    amount: coin(share.u128(), &config.akt_denom),
                });
            }
            // The delegations leave the bank; whatever arrives on top is the rewards the
            // staking module paid on its own, booked as revenue in the reply.
            let response = with_staking_reply(
                deps.storage,
                msgs,
                balance_before.checked_sub(amount)?,
                "stake",
            )?;
            record(
                deps.storage,
                &env,
                "stake",
                amount,
                &config.akt_denom,
                "native".into(),
            )?;
            Ok(response.add_event(
                spice_event(TAG, "stake")
                    .add_attribute("strategy", "native")
                    .add_attribute("keeper", info.sender.as_str())
                    .add_attribute("amount", amount)
                    .add_attribute("staked", b.staked),
            ))
        }
        Strategy::Operator(op) => {
            if TRANSFER_IN_FLIGHT.exists(deps.storage) {
                return Err(ContractError::TransferInFlight);
            }
            let left = outflow_left(&b, &op, now);
            if left.is_zero() {
                return Err(ContractError::OutflowCapReached {
                    cap: op.max_daily_outflow,
                    resets_at: (now / DAY_SECONDS + 1) * DAY_SECONDS,
                });
            }
            let amount = b.pending.min(left);
            books::apply(&mut b, Transition::SendToOperator, amount, op.max_apr, now)?;
            let day = now / DAY_SECONDS;
            b.outflow_today = if b.outflow_day == day {
                b.outflow_today.checked_add(amount)?
            } else {
                amount
            };
            b.outflow_day = day;
            BOOKS.save(deps.storage, &b)?;
            TRANSFER_IN_FLIGHT.save(
                deps.storage,
                &TransferInFlight {
                    channel: op.channel.clone(),
                    amount,
                },
            )?;
            let memo = format!(r#"{{"ibc_callback":"{}"}}"#, env.contract.address);
            let transfer = MsgTransfer {
                source_port: "transfer".into(),
                source_channel: op.channel.clone(),
                token: Some(cosmwasm_std::Coin::new(amount, &config.akt_denom).into()),
                sender: env.contract.address.to_string(),
                receiver: op.delegation_address.clone(),
                timeout_height: None,
                timeout_timestamp: env
                    .block
                    .time
                    .plus_seconds(op.transfer_timeout_seconds)
                    .nanos(),
                memo: memo.clone(),
            };
            let msg = CosmosMsg::Any(AnyMsg {
                type_url: MsgTransfer::TYPE_URL.to_string(),
                value: transfer.to_proto_bytes().into(),
            });
            Ok(Response::new()
                .add_submessage(SubMsg::reply_on_success(msg, TRANSFER_REPLY_ID))
                .add_event(
                    spice_event(TAG, "stake")
                        .add_attribute("strategy", "operator")
                        .add_attribute("keeper", info.sender.as_str())
                        .add_attribute("amount", amount)
                        .add_attribute("channel", &op.channel)
                        .add_attribute("receiver", &op.delegation_address)
                        .add_attribute("memo", memo)
                        .add_attribute("outflow_today", b.outflow_today),
                ))
        }
    }
}

pub fn transfer_reply(deps: DepsMut, env: Env, reply: Reply) -> Result<Response, ContractError> {
    let flight = TRANSFER_IN_FLIGHT
        .may_load(deps.storage)?
        .ok_or(ContractError::NothingInFlight)?;
    TRANSFER_IN_FLIGHT.remove(deps.storage);
    let bad = |reason: String| ContractError::BadResponse { reason };
    let response = reply.result.into_result().map_err(bad)?;
    let bytes = match response
        .msg_responses
        .iter()
        .find(|r| r.type_url == MsgTransferResponse::TYPE_URL)
    {
        Some(r) => r.value.clone(),
        #[allow(deprecated)]
        None => response
            .data
            .ok_or_else(|| bad("the transfer returned no response".into()))?,
    };
    let sequence = MsgTransferResponse::try_from(bytes)
        .map_err(|e| bad(format!("undecodable: {e}")))?
        .sequence;
    TRANSFERS.save(deps.storage, (&flight.channel, sequence), &flight.amount)?;
    let config = CONFIG.load(deps.storage)?;
    record(
        deps.storage,
        &env,
        "transfer_sent",
        flight.amount,
        &config.akt_denom,
        format!("{} sequence {sequence}", flight.channel),
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "transfer_sent")
            .add_attribute("channel", &flight.channel)
            .add_attribute("sequence", sequence.to_string())
            .add_attribute("amount", flight.amount),
    ))
}

/// ibc-hooks' callback. Never fails for a packet it does not know (an error would only make
/// the relayer retry); a known packet settles exactly once. ibc-hooks swallows a timeout
/// callback's error and deletes the callback, so after such a failure only governance can
/// replay it (`MsgSudoContract`); a failed transfer's refund that a `sync` booked in between
/// is then retired from `transferring` rather than booked a second time.
pub fn lifecycle(
    deps: DepsMut,
    env: Env,
    msg: IbcLifecycleComplete,
) -> Result<Response, ContractError> {
    let (channel, sequence, outcome) = match msg {
        IbcLifecycleComplete::IbcAck {
            channel,
            sequence,
            success,
            ..
        } => (channel, sequence, if success { "ack" } else { "error_ack" }),
        IbcLifecycleComplete::IbcTimeout { channel, sequence } => (channel, sequence, "timeout"),
    };
    let event = spice_event(TAG, "ibc_lifecycle")
        .add_attribute("channel", &channel)
        .add_attribute("sequence", sequence.to_string())
        .add_attribute("outcome", outcome);
    let Some(amount) = TRANSFERS.may_load(deps.storage, (&channel, sequence))? else {
        return Ok(Response::new().add_event(event.add_attribute("known", "false")));
    };
    TRANSFERS.remove(deps.storage, (&channel, sequence));
    let config = CONFIG.load(deps.storage)?;
    let mut b = BOOKS.load(deps.storage)?;
    let (apr, now) = (max_apr(&config), env.block.time.seconds());
    if outcome == "ack" {
        books::apply(&mut b, Transition::TransferAcked, amount, apr, now)?;
    } else {
        // The refund is in the bank before this callback runs. Only what the bank holds
        // beyond the books goes back to pending: if this callback was lost (a timeout
        // callback's error is swallowed) and replayed after a `sync` booked the refund as
        // acquired, the rest is retired instead of being counted twice.
        let surplus = crate::execute::sync::akt_surplus(deps.as_ref(), &env, &config, &b)?;
        let unbooked = amount.min(surplus);
        let booked_by_sync = amount.checked_sub(unbooked)?;
        if !unbooked.is_zero() {
            books::apply(&mut b, Transition::TransferFailed, unbooked, apr, now)?;
        }
        if !booked_by_sync.is_zero() {
            books::apply(
                &mut b,
                Transition::RefundAlreadyBooked,
                booked_by_sync,
                apr,
                now,
            )?;
        }
    }
    BOOKS.save(deps.storage, &b)?;
    record(
        deps.storage,
        &env,
        &format!("transfer_{outcome}"),
        amount,
        &config.akt_denom,
        format!("{channel} sequence {sequence}"),
    )?;
    Ok(Response::new().add_event(
        event
            .add_attribute("amount", amount)
            .add_attribute("pending", b.pending)
            .add_attribute("at_operator", b.at_operator),
    ))
}

/// The native staking messages, the last one replying to [`crate::execute::sync::staking_reply`]
/// (messages run in order: when it replies, every one has run).
pub fn with_staking_reply(
    storage: &mut dyn cosmwasm_std::Storage,
    msgs: Vec<StakingMsg>,
    expected_balance: Uint128,
    action: &str,
) -> Result<Response, ContractError> {
    let mut response = Response::new();
    let last = msgs.len().saturating_sub(1);
    for (i, msg) in msgs.into_iter().enumerate() {
        response = if i == last {
            response.add_submessage(SubMsg::reply_on_success(
                msg,
                crate::execute::sync::STAKING_REPLY_ID,
            ))
        } else {
            response.add_message(msg)
        };
    }
    crate::state::STAKING_IN_FLIGHT.save(
        storage,
        &crate::state::StakingInFlight {
            expected_balance,
            action: action.to_string(),
        },
    )?;
    Ok(response)
}

fn busy(b: &Books) -> ContractError {
    ContractError::StrategyBusy {
        transferring: b.transferring,
        at_operator: b.at_operator,
        staked: b.staked,
        unbonding: b.unbonding,
        unbond_requested: b.unbond_requested,
    }
}

pub fn set_strategy(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: StrategyMsg,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    let strategy = validate_strategy(deps.as_ref(), msg)?;
    let mut config: Config = CONFIG.load(deps.storage)?;
    let mut b = BOOKS.load(deps.storage)?;
    if !b.transferring.is_zero()
        || !b.at_operator.is_zero()
        || TRANSFER_IN_FLIGHT.exists(deps.storage)
    {
        return Err(busy(&b));
    }
    let same_kind = config
        .strategy
        .as_ref()
        .is_some_and(|s| s.kind() == strategy.kind());
    let operator_target_changed = match (&config.strategy, &strategy) {
        (Some(Strategy::Operator(old)), Strategy::Operator(new)) => {
            old.channel != new.channel || old.delegation_address != new.delegation_address
        }
        _ => false,
    };
    if (!same_kind || operator_target_changed)
        && (!b.staked.is_zero() || !b.unbonding.is_zero() || !b.unbond_requested.is_zero())
    {
        return Err(busy(&b));
    }
    if let Strategy::Native { validators } = &strategy {
        // A validator still holding stake must stay in the set (so harvest and unbond reach it).
        let staked: Vec<(String, Uint128)> = VALIDATOR_STAKE
            .range(deps.storage, None, None, Order::Ascending)
            .take(crate::execute::config::MAX_VALIDATORS + 1)
            .collect::<StdResult<_>>()?;
        for (validator, amount) in staked {
            if !amount.is_zero() && !validators.iter().any(|v| v.address == validator) {
                return Err(ContractError::ValidatorStillStaked { validator, amount });
            }
        }
    }
    // Accrue the old strategy's allowance up to now before the APR changes.
    books::checkpoint(&mut b, max_apr(&config), env.block.time.seconds())?;
    // The allowance is what *this* operator earned the right to confirm: a new operator (or
    // another kind of strategy) starts from zero.
    let same_operator = match (&config.strategy, &strategy) {
        (Some(Strategy::Operator(old)), Strategy::Operator(new)) => old.operator == new.operator,
        _ => false,
    };
    let allowance_reset = if same_operator {
        Uint128::zero()
    } else {
        std::mem::take(&mut b.reward_allowance)
    };
    BOOKS.save(deps.storage, &b)?;
    let kind = strategy.kind();
    config.strategy = Some(strategy);
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "set_strategy")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("strategy", kind)
            .add_attribute("reward_allowance_reset", allowance_reset),
    ))
}

pub fn resume(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    let halt = HALT
        .may_load(deps.storage)?
        .ok_or(ContractError::NotHalted)?;
    HALT.remove(deps.storage);
    record(
        deps.storage,
        &env,
        "resume",
        Uint128::zero(),
        "",
        format!("halted since {}: {}", halt.at, halt.reason),
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "resume_strategy")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("halt_reason", halt.reason),
    ))
}
