//! The operator's reports, each with an Akash tx hash accepted once, each bounded:
//!
//! | report | bound (a breach halts the strategy and the report is not applied) |
//! |---|---|
//! | `confirm_delegation` | `amount ≤ at_operator` (acknowledged at the delegation address) |
//! | `confirm_rewards` | `amount ≤ reward_allowance` (∫ staked × max_apr dt / year) and `amount ≤ rewards_arrived` |
//! | `confirm_undelegation` | `amount ≤ min(staked, unbond_requested)` |
//! | `confirm_returned` | `amount ≤ unbonding` and `amount ≤ returns_arrived` |
//! | `report_loss` | always halts; applied when `amount ≤ staked` |
//!
//! Arrivals are attributable: `returns_arrived` / `rewards_arrived` count only AKT that came
//! through ibc-hooks `receive_return` from the strategy's delegation address (see
//! `execute::sync`). Take fees, donations or anything else in the bank never back a
//! confirmation, so an operator that keeps the principal on Akash cannot make the books look
//! whole. Each tx hash is exactly 64 hex characters and is accepted once.
//!
//! While paused, only `confirm_undelegation` and `confirm_returned` are accepted: they bring the
//! owner's unbonded principal home.
//!
//! A breach succeeds as a transaction (so the halt and the spent hash persist) and emits
//! `spice.vault.halt`; while halted every report and `stake` are refused until the owner
//! resumes. The daily outflow bound is enforced by `stake` itself, which never sends more.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Uint128};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::books::{self, assert_not_halted, record, Transition};
use crate::state::{Books, Halt, OperatorStrategy, Strategy, BOOKS, CONFIG, HALT, TX_HASHES};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    Delegation,
    Rewards,
    Undelegation,
    Returned,
    Loss,
}

impl Report {
    fn name(self) -> &'static str {
        match self {
            Report::Delegation => "confirm_delegation",
            Report::Rewards => "confirm_rewards",
            Report::Undelegation => "confirm_undelegation",
            Report::Returned => "confirm_returned",
            Report::Loss => "report_loss",
        }
    }
}

/// A Cosmos tx hash: SHA-256, 64 hex characters.
fn valid_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit())
}

/// The breach, if the report is outside its bound.
fn breach(report: Report, amount: Uint128, b: &Books) -> Result<Option<String>, ContractError> {
    let arrived = |arrived: Uint128| -> Result<Option<String>, ContractError> {
        Ok((amount > arrived).then(|| {
            format!("{amount} reported as arrived, but only {arrived} came home from the delegation address")
        }))
    };
    Ok(match report {
        Report::Delegation => (amount > b.at_operator).then(|| {
            format!(
                "delegation of {amount} exceeds the {} at the operator",
                b.at_operator
            )
        }),
        Report::Rewards => {
            if amount > b.reward_allowance {
                Some(format!(
                    "rewards of {amount} exceed the bound {} (staked × max APR × elapsed)",
                    b.reward_allowance
                ))
            } else {
                arrived(b.rewards_arrived)?
            }
        }
        Report::Undelegation => {
            let max = b.staked.min(b.unbond_requested);
            (amount > max).then(|| {
                format!(
                    "undelegation of {amount} exceeds min(staked {}, requested {})",
                    b.staked, b.unbond_requested
                )
            })
        }
        Report::Returned => {
            if amount > b.unbonding {
                Some(format!(
                    "return of {amount} exceeds the {} unbonding",
                    b.unbonding
                ))
            } else {
                arrived(b.returns_arrived)?
            }
        }
        Report::Loss => Some(format!("operator reported a loss of {amount}")),
    })
}

pub fn report(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    report: Report,
    amount: Uint128,
    tx_hash: String,
) -> Result<Response, ContractError> {
    // The owner's unbond comes home through these two reports; like `unbond` and
    // `claim_unbonded` they stay open while paused, so a pause never locks the exit.
    if !matches!(report, Report::Undelegation | Report::Returned) {
        spice_governance::assert_not_paused(deps.storage)?;
    }
    cw_utils::nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let op: OperatorStrategy = match &config.strategy {
        Some(Strategy::Operator(op)) => op.clone(),
        Some(other) => {
            return Err(ContractError::WrongStrategy {
                expected: "operator".into(),
                actual: other.kind().into(),
            })
        }
        None => return Err(ContractError::NoStrategy),
    };
    if info.sender != op.operator {
        return Err(ContractError::NotOperator {
            operator: op.operator.to_string(),
            sender: info.sender.to_string(),
        });
    }
    assert_not_halted(deps.storage)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    if !valid_hash(&tx_hash) {
        return Err(ContractError::InvalidTxHash { tx_hash });
    }
    // Hashes are compared as the chain prints them: upper-case hex.
    let tx_hash = tx_hash.to_ascii_uppercase();
    if TX_HASHES.has(deps.storage, &tx_hash) {
        return Err(ContractError::TxHashReused { tx_hash });
    }
    let now = env.block.time.seconds();
    let mut b = BOOKS.load(deps.storage)?;
    books::checkpoint(&mut b, op.max_apr, now)?;
    let name = report.name();
    let event = spice_event(TAG, name)
        .add_attribute("operator", info.sender.as_str())
        .add_attribute("amount", amount)
        .add_attribute("tx_hash", &tx_hash);

    if let Some(reason) = breach(report, amount, &b)? {
        // A reported loss within what is staked is real: book it, then halt.
        if report == Report::Loss && amount <= b.staked {
            books::apply(&mut b, Transition::Loss, amount, op.max_apr, now)?;
            b.unbond_requested = b.unbond_requested.min(b.staked);
        }
        BOOKS.save(deps.storage, &b)?;
        let id = record(
            deps.storage,
            &env,
            "halt",
            amount,
            &config.akt_denom,
            format!("{name}: {reason}"),
        )?;
        TX_HASHES.save(deps.storage, &tx_hash, &id)?;
        HALT.save(
            deps.storage,
            &Halt {
                reason: reason.clone(),
                at: now,
                tx_hash: Some(tx_hash.clone()),
            },
        )?;
        return Ok(Response::new()
            .add_event(event.add_attribute("accepted", "false"))
            .add_event(
                spice_event(TAG, "halt")
                    .add_attribute("report", name)
                    .add_attribute("reason", reason)
                    .add_attribute("tx_hash", &tx_hash),
            ));
    }

    match report {
        Report::Delegation => books::apply(
            &mut b,
            Transition::ConfirmDelegation,
            amount,
            op.max_apr,
            now,
        )?,
        Report::Rewards => {
            b.reward_allowance = b.reward_allowance.checked_sub(amount)?;
            b.rewards_arrived = b.rewards_arrived.checked_sub(amount)?;
            b.revenue_pending = b.revenue_pending.checked_add(amount)?;
        }
        Report::Undelegation => {
            books::apply(&mut b, Transition::Undelegate, amount, op.max_apr, now)?;
            b.unbond_requested = b.unbond_requested.checked_sub(amount)?;
        }
        Report::Returned => {
            b.returns_arrived = b.returns_arrived.checked_sub(amount)?;
            books::apply(&mut b, Transition::ReturnArrived, amount, op.max_apr, now)?
        }
        // A loss always breaches and returned above.
        Report::Loss => {}
    }
    BOOKS.save(deps.storage, &b)?;
    let id = record(
        deps.storage,
        &env,
        name,
        amount,
        &config.akt_denom,
        format!("tx {tx_hash}"),
    )?;
    TX_HASHES.save(deps.storage, &tx_hash, &id)?;
    Ok(Response::new().add_event(
        event
            .add_attribute("accepted", "true")
            .add_attribute("staked", b.staked)
            .add_attribute("reward_allowance", b.reward_allowance),
    ))
}
