use cosmwasm_std::{coin, coins, Uint128};

use super::suite::{amount, contract_err, entry, Suite, ATOM, DISPUTE_WINDOW, OSMO, START_BALANCE};
use crate::msg::EpochRange;
use crate::ContractError;

/// Provider 0 (tier 1) earns in epochs 0..n, each funded with 10 uosmo; all finalized.
fn run_epochs(s: &mut Suite, n: u64) {
    let a = s.p(0);
    s.onboard(&a, 1);
    for epoch in 0..n {
        s.fund(Some(epoch), &coins(10, OSMO)).unwrap();
    }
    let escrow = s.escrow.clone();
    for epoch in 0..n {
        s.set_time(s.epoch_start(epoch));
        s.lease_settled(&escrow, &a, 5).unwrap();
    }
    for epoch in 0..n {
        s.go_to_window_close(epoch);
        s.finalize(epoch).unwrap();
    }
    s.advance(DISPUTE_WINDOW);
}

#[test]
fn claims_over_many_epochs_are_paid_in_bounded_calls() {
    let mut s = Suite::new();
    run_epochs(&mut s, 45);
    let a = s.p(0);
    // Default limit 10; a larger limit is capped at 30.
    let res = s.claim(&a, None, None).unwrap();
    let ev = res
        .events
        .iter()
        .find(|e| e.ty == "wasm-spice.incentives.claim")
        .unwrap();
    assert!(ev
        .attributes
        .iter()
        .any(|x| x.key == "epochs" && x.value == "10"));
    assert_eq!(s.balance(&a, OSMO), START_BALANCE + 100);
    s.claim(&a, None, Some(1_000)).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE + 400);
    s.claim(&a, None, Some(30)).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE + 450);
    let err = contract_err(s.claim(&a, None, None).unwrap_err());
    assert_eq!(
        err,
        ContractError::NothingToClaim {
            provider: a.to_string()
        }
    );
}

#[test]
fn claim_within_a_range_pays_only_those_epochs() {
    let mut s = Suite::new();
    run_epochs(&mut s, 5);
    let a = s.p(0);
    s.claim(&a, Some(EpochRange { first: 1, last: 2 }), None)
        .unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE + 20);
    let pending = s.pending(&a);
    assert_eq!(
        pending.epochs.iter().map(|e| e.epoch).collect::<Vec<_>>(),
        vec![0, 3, 4]
    );
    assert_eq!(amount(&pending.claimable, OSMO), 30);
    let err = contract_err(
        s.claim(&a, Some(EpochRange { first: 3, last: 1 }), None)
            .unwrap_err(),
    );
    assert_eq!(err, ContractError::InvalidEpochRange { first: 3, last: 1 });
}

#[test]
fn claims_open_only_after_the_dispute_window() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    s.fund(None, &coins(90, OSMO)).unwrap();
    s.agree(0, vec![entry(&a, 3)], 2);
    s.go_to_window_close(0);
    let err = contract_err(s.claim(&a, None, None).unwrap_err());
    assert_eq!(
        err,
        ContractError::NothingToClaim {
            provider: a.to_string()
        }
    );
    s.finalize(0).unwrap();
    let pending = s.pending(&a);
    assert!(!pending.epochs[0].claimable);
    assert_eq!(amount(&pending.epochs[0].rewards, OSMO), 90);
    s.advance(DISPUTE_WINDOW - 1);
    assert!(s.claim(&a, None, None).is_err());
    s.advance(1);
    s.claim(&a, None, None).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE + 90);
}

#[test]
fn every_reward_denom_is_paid_in_proportion() {
    let mut s = Suite::new();
    let (a, b) = (s.p(0), s.p(1));
    s.onboard(&a, 1);
    s.onboard(&b, 1);
    s.fund(None, &[coin(100, OSMO), coin(3, ATOM)]).unwrap();
    s.agree(0, vec![entry(&a, 1), entry(&b, 2)], 2);
    s.go_to_window_close(0);
    s.finalize(0).unwrap();
    s.advance(DISPUTE_WINDOW);
    s.claim(&a, None, None).unwrap();
    s.claim(&b, None, None).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE + 33);
    assert_eq!(s.balance(&b, OSMO), START_BALANCE + 66);
    assert_eq!(s.balance(&a, ATOM), START_BALANCE + 1);
    assert_eq!(s.balance(&b, ATOM), START_BALANCE + 2);
    // Osmo dust of 1 carried to epoch 1 once both had claimed; atom divided exactly.
    let e0 = s.epoch(0);
    assert_eq!(e0.settled_weight, e0.total_weight);
    assert_eq!(amount(&e0.carried_out, OSMO), 1);
    assert_eq!(amount(&e0.carried_out, ATOM), 0);
    assert_eq!(amount(&s.epoch(1).budget, OSMO), 1);
}

#[test]
fn one_unit_budget_split_two_ways_pays_nothing_and_carries_the_unit() {
    let mut s = Suite::new();
    let (a, b) = (s.p(0), s.p(1));
    s.onboard(&a, 1);
    s.onboard(&b, 1);
    s.fund(None, &coins(1, OSMO)).unwrap();
    s.agree(0, vec![entry(&a, 1), entry(&b, 1)], 2);
    s.go_to_window_close(0);
    s.finalize(0).unwrap();
    s.advance(DISPUTE_WINDOW);
    // A claim of nothing still settles the epoch (no message sent, no error).
    let res = s.claim(&a, None, None).unwrap();
    assert!(res
        .events
        .iter()
        .any(|e| e.ty == "wasm-spice.incentives.claim"));
    s.claim(&b, None, None).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE);
    assert_eq!(amount(&s.epoch(1).budget, OSMO), 1);
    assert_eq!(s.epoch(0).settled_weight, Uint128::new(2));
}

#[test]
fn claims_stay_open_while_paused() {
    let mut s = Suite::new();
    run_epochs(&mut s, 1);
    s.pause();
    let a = s.p(0);
    s.claim(&a, None, None).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE + 10);
}
