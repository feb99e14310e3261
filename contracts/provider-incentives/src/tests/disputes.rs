use cosmwasm_std::{coins, Uint128};

use super::suite::{
    amount, contract_err, entry, Suite, SuiteBuilder, DISPUTE_WINDOW, OSMO, START_BALANCE,
};
use crate::msg::{DisputeOutcome, DisputeResponse, ProviderResponse, QueryMsg};
use crate::ContractError;

/// Providers 0 and 1 earn 100 and 300 weight in epoch 0 (budget 1000 uosmo), finalized.
fn finalized_epoch(s: &mut Suite) {
    let (a, b) = (s.p(0), s.p(1));
    if s.register(&a, &coins(500, OSMO)).is_ok() {
        s.audit(&a, 1).unwrap();
    }
    s.onboard(&b, 1);
    s.fund(None, &coins(1_000, OSMO)).unwrap();
    s.agree(0, vec![entry(&a, 100), entry(&b, 300)], 2);
    s.go_to_window_close(0);
    s.finalize(0).unwrap();
}

#[test]
fn dispute_holds_the_reward_and_clawback_returns_it_to_the_next_unfinalized_epoch() {
    let mut s = Suite::new();
    finalized_epoch(&mut s);
    let (a, b) = (s.p(0), s.p(1));
    s.dispute(0, &a).unwrap();
    let held: Option<DisputeResponse> = s.query(&QueryMsg::Dispute {
        epoch: 0,
        provider: a.to_string(),
    });
    assert_eq!(amount(&held.unwrap().amounts, OSMO), 250);
    assert_eq!(amount(&s.epoch(0).held, OSMO), 250);
    s.advance(DISPUTE_WINDOW);
    // Held: nothing to claim for the disputed provider; the other one is paid.
    assert!(s.claim(&a, None, None).is_err());
    s.claim(&b, None, None).unwrap();
    assert_eq!(s.balance(&b, OSMO), START_BALANCE + 750);
    let res = s.resolve(0, &a, DisputeOutcome::Clawback, None).unwrap();
    assert!(res
        .events
        .iter()
        .any(|e| e.ty == "wasm-spice.incentives.resolve_dispute"));
    let e0 = s.epoch(0);
    assert!(e0.held.is_empty());
    assert_eq!(e0.settled_weight, e0.total_weight);
    assert_eq!(amount(&s.epoch(1).budget, OSMO), 250);
    assert_eq!(s.balance(&a, OSMO), START_BALANCE - 500);
}

#[test]
fn released_dispute_lets_the_provider_claim() {
    let mut s = Suite::new();
    finalized_epoch(&mut s);
    let a = s.p(0);
    s.dispute(0, &a).unwrap();
    s.resolve(0, &a, DisputeOutcome::Release, None).unwrap();
    s.advance(DISPUTE_WINDOW);
    s.claim(&a, None, None).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE - 500 + 250);
    assert_eq!(amount(&s.epoch(1).budget, OSMO), 0);
}

#[test]
fn resolution_may_slash_the_bond_into_the_pool() {
    let mut s = Suite::new();
    finalized_epoch(&mut s);
    let a = s.p(0);
    s.dispute(0, &a).unwrap();
    let err = contract_err(
        s.resolve(0, &a, DisputeOutcome::Clawback, Some(501))
            .unwrap_err(),
    );
    assert_eq!(
        err,
        ContractError::SlashExceedsBond {
            provider: a.to_string(),
            requested: Uint128::new(501),
            bond: Uint128::new(500)
        }
    );
    let res = s
        .resolve(0, &a, DisputeOutcome::Clawback, Some(200))
        .unwrap();
    assert!(res
        .events
        .iter()
        .any(|e| e.ty == "wasm-spice.incentives.slash_bond"));
    let p: ProviderResponse = s.query(&QueryMsg::Provider {
        address: a.to_string(),
    });
    assert_eq!(p.bond, Uint128::new(300));
    assert_eq!(p.open_disputes, 0);
    assert_eq!(amount(&s.epoch(1).budget, OSMO), 250 + 200);
}

#[test]
fn dispute_window_and_targets_are_checked() {
    let mut s = SuiteBuilder::default().build();
    let a = s.p(0);
    let stranger = s.p(4);
    let err = contract_err(s.dispute(0, &a).unwrap_err());
    assert_eq!(err, ContractError::EpochNotFinalized { epoch: 0 });
    finalized_epoch(&mut s);
    let err = contract_err(s.dispute(0, &stranger).unwrap_err());
    assert_eq!(
        err,
        ContractError::NothingToDispute {
            epoch: 0,
            provider: stranger.to_string()
        }
    );
    s.dispute(0, &a).unwrap();
    // A second dispute finds nothing left to hold.
    assert!(matches!(
        contract_err(s.dispute(0, &a).unwrap_err()),
        ContractError::NothingToDispute { .. }
    ));
    let err = contract_err(
        s.resolve(0, &stranger, DisputeOutcome::Release, None)
            .unwrap_err(),
    );
    assert!(matches!(err, ContractError::DisputeNotFound { .. }));
    let b = s.p(1);
    let closed_at = s.now().plus_seconds(DISPUTE_WINDOW);
    s.advance(DISPUTE_WINDOW);
    let err = contract_err(s.dispute(0, &b).unwrap_err());
    assert_eq!(
        err,
        ContractError::DisputeWindowClosed {
            epoch: 0,
            closed_at
        }
    );
}
