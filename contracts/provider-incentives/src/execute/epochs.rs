//! Epoch budgets: funding, finalization, and the pool that rolled-over money lands in.

use cosmwasm_std::{
    Coin, Decimal256, DepsMut, Env, MessageInfo, Response, Storage, Timestamp, Uint128,
};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::msg::DenomRate;
use crate::state::{Config, EpochState, EpochStatus, CONFIG, EPOCHS, NEXT_FINALIZE};

/// `fund` accepts epochs at most this far ahead of the current one (about ten years of weekly
/// epochs), so a typo cannot park money where no one will ever finalize it.
pub const MAX_FUND_AHEAD: u64 = 520;

pub fn amount_of(list: &[Coin], denom: &str) -> Uint128 {
    list.iter()
        .find(|c| c.denom == denom)
        .map(|c| c.amount)
        .unwrap_or_default()
}

pub fn add_coin(list: &mut Vec<Coin>, denom: &str, amount: Uint128) -> Result<(), ContractError> {
    if amount.is_zero() {
        return Ok(());
    }
    match list.iter_mut().find(|c| c.denom == denom) {
        Some(coin) => coin.amount = coin.amount.checked_add(amount)?,
        None => list.push(Coin::new(amount, denom)),
    }
    Ok(())
}

pub fn sub_coin(list: &mut Vec<Coin>, denom: &str, amount: Uint128) -> Result<(), ContractError> {
    if amount.is_zero() {
        return Ok(());
    }
    let have = amount_of(list, denom);
    let left = have.checked_sub(amount)?;
    list.retain(|c| c.denom != denom);
    if !left.is_zero() {
        list.push(Coin::new(left, denom));
    }
    Ok(())
}

pub fn coins_attr(list: &[Coin]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter()
        .map(Coin::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// An epoch as stored, with the time-driven transition (open → reporting) applied.
pub fn load_epoch(
    storage: &dyn Storage,
    config: &Config,
    epoch: u64,
    now: Timestamp,
) -> Result<EpochState, ContractError> {
    let mut state = EPOCHS.may_load(storage, epoch)?.unwrap_or_default();
    state.observe(config, epoch, now)?;
    Ok(state)
}

/// A provider's reward in one denom: `floor(budget × weight / total_weight)`.
/// Rounding down is in the protocol's favour: the providers' shares never sum to more than the
/// budget; the remainder (under one unit per provider) is carried on once the epoch settles.
pub fn share(
    budget: Uint128,
    weight: Uint128,
    total_weight: Uint128,
) -> Result<Uint128, ContractError> {
    if total_weight.is_zero() || weight.is_zero() {
        return Ok(Uint128::zero());
    }
    // weight ≤ total_weight, so the result never exceeds `budget` and cannot overflow.
    Ok(budget.checked_multiply_ratio(weight, total_weight)?)
}

/// What `weight` earns in a finalized epoch, one coin per budget denom (zeros left out).
pub fn rewards(state: &EpochState, weight: Uint128) -> Result<Vec<Coin>, ContractError> {
    let mut out = Vec::with_capacity(state.budget.len());
    for coin in &state.budget {
        let amount = share(coin.amount, weight, state.total_weight)?;
        if !amount.is_zero() {
            out.push(Coin::new(amount, coin.denom.clone()));
        }
    }
    Ok(out)
}

pub fn reward_per_weight(state: &EpochState) -> Vec<DenomRate> {
    if state.status != EpochStatus::Finalized || state.total_weight.is_zero() {
        return vec![];
    }
    state
        .budget
        .iter()
        .map(|c| DenomRate {
            denom: c.denom.clone(),
            // Decimal256 rounds down; display only.
            reward_per_weight: Decimal256::checked_from_ratio(c.amount, state.total_weight)
                .unwrap_or_default(),
        })
        .collect()
}

/// Returns money to the pool: the budget of the oldest epoch not yet finalized. Returns that
/// epoch.
pub fn add_to_pool(storage: &mut dyn Storage, coins: &[Coin]) -> Result<u64, ContractError> {
    let target = NEXT_FINALIZE.load(storage)?;
    if coins.iter().all(|c| c.amount.is_zero()) {
        return Ok(target);
    }
    let mut state = EPOCHS.may_load(storage, target)?.unwrap_or_default();
    for coin in coins {
        add_coin(&mut state.budget, &coin.denom, coin.amount)?;
    }
    EPOCHS.save(storage, target, &state)?;
    Ok(target)
}

/// Records `weight` of a finalized epoch as settled (paid out or clawed back) with `amounts`.
/// Once all of the epoch's weight has settled, the rounding dust left in its budget is carried
/// to the pool; that dust is returned. The caller saves `state`.
pub fn settle(
    storage: &mut dyn Storage,
    state: &mut EpochState,
    weight: Uint128,
    amounts: &[Coin],
) -> Result<Vec<Coin>, ContractError> {
    state.settled_weight = state.settled_weight.checked_add(weight)?;
    for coin in amounts {
        add_coin(&mut state.settled, &coin.denom, coin.amount)?;
    }
    let mut dust = vec![];
    if state.settled_weight == state.total_weight {
        for coin in &state.budget {
            let left = coin
                .amount
                .checked_sub(amount_of(&state.carried_out, &coin.denom))?
                .checked_sub(amount_of(&state.settled, &coin.denom))?
                .checked_sub(amount_of(&state.held, &coin.denom))?;
            if !left.is_zero() {
                dust.push(Coin::new(left, coin.denom.clone()));
            }
        }
        for coin in &dust {
            add_coin(&mut state.carried_out, &coin.denom, coin.amount)?;
        }
        add_to_pool(storage, &dust)?;
    }
    Ok(dust)
}

pub fn fund(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    epoch: Option<u64>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let config = CONFIG.load(deps.storage)?;
    let current = config.epoch_at(env.block.time);
    let epoch = epoch.unwrap_or(current);
    if epoch < current {
        return Err(ContractError::EpochInPast { epoch, current });
    }
    if epoch > current.saturating_add(MAX_FUND_AHEAD) {
        return Err(ContractError::EpochTooFarAhead {
            epoch,
            current,
            max_ahead: MAX_FUND_AHEAD,
        });
    }
    if info.funds.is_empty() {
        return Err(ContractError::NoFunds {
            accepted: config.reward_denoms,
        });
    }
    let mut state = load_epoch(deps.storage, &config, epoch, env.block.time)?;
    // The current epoch or a later one is never finalized (finalization needs the epoch over).
    if state.status == EpochStatus::Finalized {
        return Err(ContractError::EpochFinalized { epoch });
    }
    for coin in &info.funds {
        if !config.reward_denoms.contains(&coin.denom) {
            return Err(ContractError::WrongDenom {
                denom: coin.denom.clone(),
                accepted: config.reward_denoms,
            });
        }
        if coin.amount.is_zero() {
            return Err(ContractError::ZeroAmount {
                denom: coin.denom.clone(),
            });
        }
        add_coin(&mut state.budget, &coin.denom, coin.amount)?;
    }
    EPOCHS.save(deps.storage, epoch, &state)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "fund")
            .add_attribute("funder", info.sender.as_str())
            .add_attribute("epoch", epoch.to_string())
            .add_attribute("amount", coins_attr(&info.funds))
            .add_attribute("budget", coins_attr(&state.budget)),
    ))
}

/// O(1): freezes the epoch's budget and total weight, which fixes every provider's share
/// (`budget × weight / total_weight`). With no weight earned, the whole budget rolls over to
/// the next epoch.
/// The epoch's state if its reports are over at `now` (ended, report window closed), or why not.
/// `finalize` and `keeper_work` both ask this.
pub fn finalizable(
    storage: &dyn Storage,
    config: &Config,
    epoch: u64,
    now: Timestamp,
) -> Result<EpochState, ContractError> {
    let state = load_epoch(storage, config, epoch, now)?;
    if state.status == EpochStatus::Open {
        return Err(ContractError::EpochNotEnded {
            epoch,
            ends_at: config.epoch_end(epoch)?,
        });
    }
    let closes_at = config.report_window_end(epoch)?;
    if now < closes_at {
        return Err(ContractError::ReportWindowOpen { epoch, closes_at });
    }
    Ok(state)
}

pub fn finalize(deps: DepsMut, env: Env, epoch: u64) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let config = CONFIG.load(deps.storage)?;
    let next = NEXT_FINALIZE.load(deps.storage)?;
    if epoch < next {
        return Err(ContractError::EpochFinalized { epoch });
    }
    if epoch > next {
        return Err(ContractError::EpochOutOfOrder { epoch, next });
    }
    let now = env.block.time;
    let mut state = finalizable(deps.storage, &config, epoch, now)?;
    state.transition(epoch, EpochStatus::Finalized)?;
    state.finalized_at = Some(now);
    state.claimable_at = Some(now.plus_seconds(config.dispute_window_seconds));
    let following = epoch
        .checked_add(1)
        .ok_or(ContractError::EpochOutOfRange { epoch })?;
    NEXT_FINALIZE.save(deps.storage, &following)?;
    let mut deferred: Vec<Coin> = vec![];
    let rolled_over = if state.total_weight.is_zero() {
        // No eligible provider earned anything: the whole budget rolls over.
        state.carried_out = state.budget.clone();
        state.budget.clone()
    } else {
        // Emissions are bounded: above `max_payout_per_epoch` the budget moves on to the next
        // epoch before any share is fixed, so shares are taken from the capped budget.
        for coin in state.budget.iter_mut() {
            if let Some(cap) = config.payout_cap(&coin.denom) {
                if coin.amount > cap {
                    deferred.push(Coin::new(coin.amount.checked_sub(cap)?, coin.denom.clone()));
                    coin.amount = cap;
                }
            }
        }
        vec![]
    };
    EPOCHS.save(deps.storage, epoch, &state)?;
    add_to_pool(deps.storage, &rolled_over)?;
    add_to_pool(deps.storage, &deferred)?;

    let rates = reward_per_weight(&state)
        .into_iter()
        .map(|r| format!("{}:{}", r.denom, r.reward_per_weight))
        .collect::<Vec<_>>()
        .join(",");
    Ok(Response::new().add_event(
        spice_event(TAG, "finalize_epoch")
            .add_attribute("epoch", epoch.to_string())
            .add_attribute("budget", coins_attr(&state.budget))
            .add_attribute("total_weight", state.total_weight.to_string())
            .add_attribute(
                "reward_per_weight",
                if rates.is_empty() {
                    "none".into()
                } else {
                    rates
                },
            )
            .add_attribute("rolled_over", coins_attr(&rolled_over))
            .add_attribute("deferred", coins_attr(&deferred))
            .add_attribute("rolled_over_to", following.to_string()),
    ))
}
