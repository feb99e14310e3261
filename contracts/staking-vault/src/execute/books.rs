//! The AKT state machine: every move of principal between buckets is one [`Transition`] applied
//! by [`apply`], which checks the source holds the amount, moves it with checked math, and keeps
//! `pending + transferring + at_operator + staked + unbonding + returned + unbonded_out + lost
//! == acquired`.
//!
//! ```text
//!  (bought / received) ──Acquire──> Pending ──StakeNative──────────────────────> Staked
//!                                     │  ^                                          │  │
//!                          SendToOperator  TransferFailed (error ack / timeout)     │  Loss ──> lost
//!                                     v  │                                          │
//!                                   Transferring ──TransferAcked──> AtOperator ─ConfirmDelegation─┘
//!  Staked ──Undelegate──> Unbonding ──ReturnArrived──> Returned ──Restake──> Pending
//!                                                         └──PayOut──> unbonded_out
//!  Pending ──PayOutPending (sunset)──> unbonded_out
//!  Unbonding ──UnbondingLoss──> lost
//! ```
//!
//! The operator's reward allowance is checkpointed on every transition, so it integrates the
//! staked amount over time exactly: `allowance += ⌊staked × max_apr × Δt / year⌋` (rounded down:
//! the bound is the protocol's, a unit tighter rather than looser).

use cosmwasm_std::{Decimal, Env, Storage, Uint128, Uint256};

use crate::error::ContractError;
use crate::state::{Books, Bucket, Config, HistoryEntry, Strategy, HALT, HISTORY, HISTORY_SEQ};

pub const YEAR_SECONDS: u64 = 365 * 86_400;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Acquire,
    StakeNative,
    SendToOperator,
    TransferAcked,
    TransferFailed,
    ConfirmDelegation,
    Undelegate,
    ReturnArrived,
    Restake,
    PayOut,
    /// The sunset routes principal at home that was never staked (or came back to pending).
    PayOutPending,
    Loss,
    /// Slashed while unbonding (native: an entry matured short; operator: `book_loss`).
    UnbondingLoss,
    /// A failed transfer whose refund `sync` already booked as acquired (its callback came
    /// late, replayed after a failure ibc-hooks swallowed): the transfer is retired and the
    /// double count in `acquired` undone.
    RefundAlreadyBooked,
}

impl Transition {
    /// `(from, to)`; `None` is outside the buckets (acquired, paid out, lost).
    pub fn edge(self) -> (Option<Bucket>, Option<Bucket>) {
        use Bucket::*;
        match self {
            Transition::Acquire => (None, Some(Pending)),
            Transition::StakeNative => (Some(Pending), Some(Staked)),
            Transition::SendToOperator => (Some(Pending), Some(Transferring)),
            Transition::TransferAcked => (Some(Transferring), Some(AtOperator)),
            Transition::TransferFailed => (Some(Transferring), Some(Pending)),
            Transition::ConfirmDelegation => (Some(AtOperator), Some(Staked)),
            Transition::Undelegate => (Some(Staked), Some(Unbonding)),
            Transition::ReturnArrived => (Some(Unbonding), Some(Returned)),
            Transition::Restake => (Some(Returned), Some(Pending)),
            Transition::PayOut => (Some(Returned), None),
            Transition::PayOutPending => (Some(Pending), None),
            Transition::Loss => (Some(Staked), None),
            Transition::UnbondingLoss => (Some(Unbonding), None),
            Transition::RefundAlreadyBooked => (Some(Transferring), None),
        }
    }
}

fn bucket_mut(books: &mut Books, b: Bucket) -> &mut Uint128 {
    match b {
        Bucket::Pending => &mut books.pending,
        Bucket::Transferring => &mut books.transferring,
        Bucket::AtOperator => &mut books.at_operator,
        Bucket::Staked => &mut books.staked,
        Bucket::Unbonding => &mut books.unbonding,
        Bucket::Returned => &mut books.returned,
    }
}

/// The operator's max APR, zero for any other strategy (no allowance accrues).
pub fn max_apr(config: &Config) -> Decimal {
    match &config.strategy {
        Some(Strategy::Operator(op)) => op.max_apr,
        _ => Decimal::zero(),
    }
}

/// Accrues the reward allowance up to `now`.
pub fn checkpoint(books: &mut Books, apr: Decimal, now: u64) -> Result<(), ContractError> {
    let elapsed = now.saturating_sub(books.checkpoint_at);
    if elapsed > 0 && !apr.is_zero() && !books.staked.is_zero() {
        // staked × apr × elapsed / year, in 256 bits, rounded down.
        let numerator = Uint256::from(books.staked)
            .checked_mul(Uint256::from(apr.atomics()))?
            .checked_mul(Uint256::from(elapsed))?;
        let denominator =
            Uint256::from(Decimal::one().atomics()).checked_mul(Uint256::from(YEAR_SECONDS))?;
        let accrued = Uint128::try_from(numerator.checked_div(denominator).unwrap_or_default())?;
        books.reward_allowance = books.reward_allowance.checked_add(accrued)?;
    }
    books.checkpoint_at = books.checkpoint_at.max(now);
    Ok(())
}

/// Moves `amount` along `transition`.
pub fn apply(
    books: &mut Books,
    transition: Transition,
    amount: Uint128,
    apr: Decimal,
    now: u64,
) -> Result<(), ContractError> {
    checkpoint(books, apr, now)?;
    let (from, to) = transition.edge();
    match from {
        Some(b) => {
            let slot = bucket_mut(books, b);
            *slot = slot
                .checked_sub(amount)
                .map_err(|_| ContractError::InsufficientInBucket {
                    bucket: b,
                    needed: amount,
                    available: *slot,
                })?;
        }
        None => books.acquired = books.acquired.checked_add(amount)?,
    }
    match (transition, to) {
        (_, Some(b)) => {
            let slot = bucket_mut(books, b);
            *slot = slot.checked_add(amount)?;
        }
        (Transition::PayOut | Transition::PayOutPending, None) => {
            books.unbonded_out = books.unbonded_out.checked_add(amount)?
        }
        (Transition::RefundAlreadyBooked, None) => {
            books.acquired = books.acquired.checked_sub(amount)?
        }
        (_, None) => books.lost = books.lost.checked_add(amount)?,
    }
    Ok(())
}

/// The AKT the vault's own bank must hold: principal at home, revenue not yet harvested, and
/// the operator's arrivals waiting for their confirmation. After `sync` the bank holds exactly
/// this.
pub fn backed_by_bank(books: &Books) -> Result<Uint128, ContractError> {
    Ok(books
        .pending
        .checked_add(books.returned)?
        .checked_add(books.revenue_pending)?
        .checked_add(books.returns_arrived)?
        .checked_add(books.rewards_arrived)?)
}

pub fn assert_not_halted(storage: &dyn Storage) -> Result<(), ContractError> {
    match HALT.may_load(storage)? {
        Some(h) => Err(ContractError::StrategyHalted {
            reason: h.reason,
            at: h.at,
        }),
        None => Ok(()),
    }
}

/// Appends a history entry; returns its id.
pub fn record(
    storage: &mut dyn Storage,
    env: &Env,
    action: &str,
    amount: Uint128,
    denom: &str,
    detail: String,
) -> Result<u64, ContractError> {
    let id = HISTORY_SEQ
        .may_load(storage)?
        .unwrap_or_default()
        .saturating_add(1);
    HISTORY_SEQ.save(storage, &id)?;
    HISTORY.save(
        storage,
        id,
        &HistoryEntry {
            id,
            action: action.to_string(),
            amount,
            denom: denom.to_string(),
            detail,
            height: env.block.height,
            time: env.block.time.seconds(),
        },
    )?;
    Ok(id)
}
