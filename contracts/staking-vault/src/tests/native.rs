//! The native strategy on multi-test's staking and distribution modules.

use cosmwasm_std::Uint128;

use super::suite::*;
use crate::msg::ExecuteMsg;
use crate::state::Bucket;
use crate::ContractError;

fn delegated(s: &Suite, validator: &str) -> u128 {
    s.app
        .wrap()
        .query_delegation(s.vault.clone(), validator)
        .unwrap()
        .map_or(0, |d| d.amount.amount.u128())
}

fn accrued(s: &Suite, validator: &str) -> u128 {
    s.app
        .wrap()
        .query_delegation(s.vault.clone(), validator)
        .unwrap()
        .map_or(0, |d| {
            d.accumulated_rewards.iter().map(|c| c.amount.u128()).sum()
        })
}

#[test]
fn native_stake_splits_by_weight_and_harvest_sends_withdrawn_rewards_to_buyback() {
    let mut s = Suite::native();
    let bought = s.acquire(1_002_000_000);
    assert_err(
        s.keeper_exec(&ExecuteMsg::Harvest {}),
        ContractError::NothingToHarvest,
    );
    s.stake().unwrap();
    // weights 1:2 — ⌊P/3⌋ + remainder to the first, ⌊2P/3⌋ to the second
    let second = bought * 2 / 3;
    assert_eq!(delegated(&s, VALIDATORS[1]), second);
    assert_eq!(delegated(&s, VALIDATORS[0]), bought - second);
    let b = s.books();
    assert_eq!((b.pending.u128(), b.staked.u128()), (0, bought));
    assert_conserved(&b);
    assert_err(s.stake(), ContractError::NothingToStake);

    s.advance(30 * 86_400);
    let expected = accrued(&s, VALIDATORS[0]) + accrued(&s, VALIDATORS[1]);
    assert!(expected > 0);
    let res = s.harvest().unwrap();
    assert_eq!(event_attr(&res, "harvest", "revenue"), expected.to_string());
    let fee = expected * u128::from(BOUNTY_BPS) / 10_000;
    assert_eq!(s.balance(&s.buyback.clone(), AKT), expected - fee);
    assert_eq!(s.balance(&s.keeper.clone(), AKT), fee);
    // principal untouched, the vault's bank back to its books
    assert_eq!(s.balance(&s.vault.clone(), AKT), 0);
    assert_eq!(s.books().staked.u128(), bought);
}

#[test]
fn harvest_is_idempotent_within_a_block_and_pays_nothing_without_revenue() {
    let mut s = Suite::native();
    s.acquire(1_002_000_000);
    s.stake().unwrap();
    s.advance(86_400);
    s.harvest().unwrap();
    let keeper = s.balance(&s.keeper.clone(), AKT);
    let height = s.app.block_info().height;
    assert_err(s.harvest(), ContractError::AlreadyHarvested { height });
    assert_eq!(s.balance(&s.keeper.clone(), AKT), keeper);
    // a new block with no elapsed time: no rewards, nothing paid
    s.app.update_block(|b| b.height += 1);
    assert_err(s.harvest(), ContractError::NothingToHarvest);
}

#[test]
fn native_unbond_matures_then_goes_to_a_recipient_or_back_to_pending() {
    let mut s = Suite::native();
    let bought = s.acquire(1_002_000_000);
    s.stake().unwrap();
    assert_err(
        s.owner_exec(&ExecuteMsg::Unbond {
            amount: Uint128::new(bought + 1),
        }),
        ContractError::InsufficientInBucket {
            bucket: Bucket::Staked,
            needed: Uint128::new(bought + 1),
            available: Uint128::new(bought),
        },
    );
    let first = delegated(&s, VALIDATORS[0]);
    // more than the first validator holds: greedy across both
    let amount = first + 1_000;
    s.owner_exec(&ExecuteMsg::Unbond {
        amount: Uint128::new(amount),
    })
    .unwrap();
    assert_eq!(delegated(&s, VALIDATORS[0]), 0);
    assert_eq!(delegated(&s, VALIDATORS[1]), bought - first - 1_000);
    assert_eq!(s.books().unbonding.u128(), amount);
    assert_err(
        s.owner_exec(&ExecuteMsg::ClaimUnbonded { recipient: None }),
        ContractError::NothingToClaim,
    );
    s.advance(UNBONDING + 1);
    let treasury = s.treasury.to_string();
    s.owner_exec(&ExecuteMsg::ClaimUnbonded {
        recipient: Some(treasury),
    })
    .unwrap();
    assert_eq!(s.balance(&s.treasury.clone(), AKT), amount);
    let b = s.books();
    assert_eq!(
        (b.unbonding.u128(), b.returned.u128(), b.unbonded_out.u128()),
        (0, 0, amount)
    );
    assert_conserved(&b);

    // back to pending when no recipient is named
    s.owner_exec(&ExecuteMsg::Unbond {
        amount: Uint128::new(500),
    })
    .unwrap();
    s.advance(UNBONDING + 1);
    s.owner_exec(&ExecuteMsg::ClaimUnbonded { recipient: None })
        .unwrap();
    assert_eq!(s.books().pending.u128(), 500);
    assert_eq!(
        s.balance(&s.vault.clone(), AKT) - s.books().revenue_pending.u128(),
        500
    );
    assert_conserved(&s.books());
}
