use cosmwasm_std::{coin, coins, Uint128};

use super::suite::{amount, entry, Suite, ATOM, EPOCH, OSMO, REPORT_WINDOW};
use crate::execute::epochs::share;
use crate::state::EpochStatus;
use crate::ContractError;

#[test]
fn fund_adds_to_current_epoch_by_default_and_to_a_chosen_future_epoch() {
    let mut s = Suite::new();
    let res = s.fund(None, &[coin(100, OSMO), coin(7, ATOM)]).unwrap();
    assert!(res
        .events
        .iter()
        .any(|e| e.ty == "wasm-spice.incentives.fund"));
    s.fund(Some(3), &coins(50, OSMO)).unwrap();
    s.fund(Some(0), &coins(1, OSMO)).unwrap();
    let e0 = s.epoch(0);
    assert_eq!(amount(&e0.budget, OSMO), 101);
    assert_eq!(amount(&e0.budget, ATOM), 7);
    assert_eq!(amount(&s.epoch(3).budget, OSMO), 50);
    assert_eq!(s.balance(&s.contract.clone(), OSMO), 151);
}

#[test]
fn fund_refuses_past_epochs_wrong_denoms_zero_and_no_funds() {
    let mut s = Suite::new();
    s.advance(EPOCH * 2);
    let err = contract_err_of(s.fund(Some(1), &coins(5, OSMO)));
    assert_eq!(
        err,
        ContractError::EpochInPast {
            epoch: 1,
            current: 2
        }
    );
    let err = contract_err_of(s.fund(None, &[]));
    assert_eq!(
        err,
        ContractError::NoFunds {
            accepted: vec![OSMO.into(), ATOM.into()]
        }
    );
    let err = contract_err_of(s.fund(Some(2 + 521), &coins(5, OSMO)));
    assert_eq!(
        err,
        ContractError::EpochTooFarAhead {
            epoch: 523,
            current: 2,
            max_ahead: 520
        }
    );
}

#[test]
fn fund_refuses_a_denom_that_is_not_a_reward_denom() {
    let mut s = Suite::new();
    // Mint a foreign denom to the funder through the bank sudo.
    let funder = s.funder.clone();
    s.app
        .init_modules(|router, _, storage| {
            router
                .bank
                .init_balance(storage, &funder, coins(10, "uother"))
        })
        .unwrap();
    let err = contract_err_of(s.fund(None, &coins(10, "uother")));
    assert_eq!(
        err,
        ContractError::WrongDenom {
            denom: "uother".into(),
            accepted: vec![OSMO.into(), ATOM.into()]
        }
    );
}

fn contract_err_of<T: std::fmt::Debug>(r: cw_multi_test::error::AnyResult<T>) -> ContractError {
    super::suite::contract_err(r.unwrap_err())
}

#[test]
fn epoch_status_moves_open_then_reporting_then_finalized() {
    let mut s = Suite::new();
    assert_eq!(s.epoch(0).status, EpochStatus::Open);
    // Last second of epoch 0 is still open; its end makes it reporting.
    let end = s.epoch_start(1);
    s.set_time(end.minus_seconds(1));
    assert_eq!(s.epoch(0).status, EpochStatus::Open);
    s.set_time(end);
    assert_eq!(s.epoch(0).status, EpochStatus::Reporting);
    assert_eq!(s.epoch(1).status, EpochStatus::Open);
    s.go_to_window_close(0);
    s.finalize(0).unwrap();
    let e0 = s.epoch(0);
    assert_eq!(e0.status, EpochStatus::Finalized);
    assert_eq!(e0.finalized_at, Some(s.now()));
}

#[test]
fn finalize_waits_for_epoch_end_and_report_window_and_goes_in_order() {
    let mut s = Suite::new();
    let err = contract_err_of(s.finalize(0));
    assert_eq!(
        err,
        ContractError::EpochNotEnded {
            epoch: 0,
            ends_at: s.epoch_start(1)
        }
    );
    s.set_time(s.epoch_start(1).plus_seconds(REPORT_WINDOW - 1));
    let err = contract_err_of(s.finalize(0));
    assert_eq!(
        err,
        ContractError::ReportWindowOpen {
            epoch: 0,
            closes_at: s.epoch_start(1).plus_seconds(REPORT_WINDOW)
        }
    );
    s.go_to_window_close(1);
    let err = contract_err_of(s.finalize(1));
    assert_eq!(err, ContractError::EpochOutOfOrder { epoch: 1, next: 0 });
    s.finalize(0).unwrap();
    s.finalize(1).unwrap();
    let err = contract_err_of(s.finalize(1));
    assert_eq!(err, ContractError::EpochFinalized { epoch: 1 });
}

#[test]
fn budget_without_eligible_providers_rolls_over_to_the_next_epoch() {
    let mut s = Suite::new();
    s.fund(None, &[coin(1_000, OSMO), coin(10, ATOM)]).unwrap();
    // An unregistered provider's agreed utilization earns nothing.
    let ghost = s.p(0);
    s.agree(0, vec![entry(&ghost, 500)], 2);
    s.go_to_window_close(0);
    let res = s.finalize(0).unwrap();
    let ev = res
        .events
        .iter()
        .find(|e| e.ty == "wasm-spice.incentives.finalize_epoch")
        .unwrap();
    assert!(ev
        .attributes
        .iter()
        .any(|a| a.key == "rolled_over" && a.value.contains("1000uosmo")));
    let e0 = s.epoch(0);
    assert_eq!(e0.total_weight, Uint128::zero());
    assert_eq!(e0.carried_out, e0.budget);
    let e1 = s.epoch(1);
    assert_eq!(amount(&e1.budget, OSMO), 1_000);
    assert_eq!(amount(&e1.budget, ATOM), 10);
}

#[test]
fn rewards_split_by_weight_and_fix_a_reward_per_weight_unit() {
    let mut s = Suite::new();
    let (a, b) = (s.p(0), s.p(1));
    s.onboard(&a, 1);
    s.onboard(&b, 3); // ×2
    s.fund(None, &coins(1_000, OSMO)).unwrap();
    s.agree(0, vec![entry(&a, 100), entry(&b, 100)], 2);
    s.go_to_window_close(0);
    s.finalize(0).unwrap();
    let e0 = s.epoch(0);
    assert_eq!(e0.total_weight, Uint128::new(300));
    assert_eq!(e0.reward_per_weight[0].denom, OSMO);
    assert_eq!(
        e0.reward_per_weight[0].reward_per_weight.to_string(),
        "3.333333333333333333"
    );
    s.advance(super::suite::DISPUTE_WINDOW);
    s.claim(&a, None, None).unwrap();
    s.claim(&b, None, None).unwrap();
    // floor(1000 × 100/300) = 333 and floor(1000 × 200/300) = 666; the 1 left is dust.
    assert_eq!(s.balance(&a, OSMO), super::suite::START_BALANCE + 333);
    assert_eq!(s.balance(&b, OSMO), super::suite::START_BALANCE + 666);
    let e0 = s.epoch(0);
    assert_eq!(amount(&e0.carried_out, OSMO), 1);
    assert_eq!(amount(&s.epoch(1).budget, OSMO), 1);
}

#[test]
fn share_rounds_down_at_zero_one_and_max() {
    let max = Uint128::MAX;
    // Zero budget, zero weight, zero total: nothing, never a division by zero.
    assert_eq!(
        share(Uint128::zero(), Uint128::one(), Uint128::one()).unwrap(),
        Uint128::zero()
    );
    assert_eq!(
        share(Uint128::new(5), Uint128::zero(), Uint128::one()).unwrap(),
        Uint128::zero()
    );
    assert_eq!(
        share(Uint128::new(5), Uint128::zero(), Uint128::zero()).unwrap(),
        Uint128::zero()
    );
    // One unit split two ways: each gets 0, the unit stays with the protocol.
    assert_eq!(
        share(Uint128::one(), Uint128::one(), Uint128::new(2)).unwrap(),
        Uint128::zero()
    );
    assert_eq!(
        share(Uint128::one(), Uint128::one(), Uint128::one()).unwrap(),
        Uint128::one()
    );
    // Max budget and weights: the whole budget to the sole provider, no overflow.
    assert_eq!(share(max, max, max).unwrap(), max);
    assert_eq!(share(max, Uint128::one(), max).unwrap(), Uint128::one());
    assert_eq!(
        share(max, max - Uint128::one(), max).unwrap(),
        max - Uint128::one()
    );
    // Two halves of an odd max never exceed it.
    let half = share(max, Uint128::one(), Uint128::new(2)).unwrap();
    assert!(half + half <= max);
    assert_eq!(half + half + Uint128::one(), max);
}

#[test]
fn epoch_boundary_decides_where_hook_utilization_counts() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    let escrow = s.escrow.clone();
    s.set_time(s.epoch_start(1).minus_seconds(1));
    s.lease_settled(&escrow, &a, 10).unwrap();
    s.set_time(s.epoch_start(1));
    s.lease_settled(&escrow, &a, 7).unwrap();
    assert_eq!(s.epoch(0).total_weight, Uint128::new(10));
    assert_eq!(s.epoch(1).total_weight, Uint128::new(7));
}
