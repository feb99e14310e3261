//! A provider's way out: unbond, wait until nothing can still slash the bond, withdraw it.

use cosmwasm_std::coins;

use super::suite::{contract_err, entry, Suite, DISPUTE_WINDOW, EPOCH, OSMO, START_BALANCE};
use crate::msg::{DisputeOutcome, ExecuteMsg, ProviderResponse, QueryMsg};
use crate::ContractError;

const BOND: u128 = 500;

/// Provider 0 bonded and audited, provider 1 audited without bond; both earn in epoch 0.
fn setup() -> Suite {
    let mut s = Suite::new();
    let (a, b) = (s.p(0), s.p(1));
    s.register(&a, &coins(BOND, OSMO)).unwrap();
    s.audit(&a, 1).unwrap();
    s.onboard(&b, 1);
    s.fund(None, &coins(1_000, OSMO)).unwrap();
    s.agree(0, vec![entry(&a, 100), entry(&b, 300)], 2);
    s
}

fn unbond(s: &mut Suite, i: usize) -> Result<(), ContractError> {
    let p = s.p(i);
    s.exec(&p, &ExecuteMsg::UnbondProvider {}, &[])
        .map(|_| ())
        .map_err(contract_err)
}

fn withdraw(s: &mut Suite, i: usize) -> Result<(), ContractError> {
    let p = s.p(i);
    s.exec(&p, &ExecuteMsg::WithdrawBond {}, &[])
        .map(|_| ())
        .map_err(contract_err)
}

fn provider(s: &Suite, i: usize) -> ProviderResponse {
    s.query(&QueryMsg::Provider {
        address: s.p(i).to_string(),
    })
}

#[test]
fn bond_comes_back_once_the_last_epoch_is_past_its_dispute_window() {
    let mut s = setup();
    let a = s.p(0);
    unbond(&mut s, 0).unwrap();
    assert_eq!(provider(&s, 0).leaving.unwrap().last_epoch, 0);
    // Not finalized yet.
    assert!(matches!(
        withdraw(&mut s, 0),
        Err(ContractError::BondLocked { .. })
    ));
    s.go_to_window_close(0);
    s.finalize(0).unwrap();
    // Finalized, but still inside the dispute window.
    let err = withdraw(&mut s, 0).unwrap_err();
    assert!(
        matches!(&err, ContractError::BondLocked { reason, .. } if reason.contains("can be disputed until")),
        "{err}"
    );
    s.advance(DISPUTE_WINDOW);
    withdraw(&mut s, 0).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE);
    assert_eq!(provider(&s, 0).bond.u128(), 0);
    // The reward it earned before leaving is still claimable.
    s.claim(&a, None, None).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE + 250);
}

#[test]
fn open_dispute_locks_the_bond_and_a_slash_is_taken_before_it_is_returned() {
    let mut s = setup();
    let a = s.p(0);
    unbond(&mut s, 0).unwrap();
    s.go_to_window_close(0);
    s.finalize(0).unwrap();
    s.dispute(0, &a).unwrap();
    s.advance(DISPUTE_WINDOW);
    let err = withdraw(&mut s, 0).unwrap_err();
    assert!(
        matches!(&err, ContractError::BondLocked { reason, .. } if reason.contains("1 dispute(s)")),
        "{err}"
    );
    s.resolve(0, &a, DisputeOutcome::Clawback, Some(200))
        .unwrap();
    withdraw(&mut s, 0).unwrap();
    assert_eq!(s.balance(&a, OSMO), START_BALANCE - 200);
}

#[test]
fn leaving_provider_earns_nothing_in_later_epochs_and_is_not_offered_work() {
    let mut s = setup();
    unbond(&mut s, 0).unwrap();
    let a = s.p(0);
    s.advance(EPOCH);
    s.agree(1, vec![entry(&a, 1_000)], 2);
    assert_eq!(s.epoch(1).total_weight.u128(), 0);
    let audit: spice_types::ProviderAuditResponse = s.query(&QueryMsg::ProviderAudit {
        provider: a.to_string(),
    });
    assert!(!audit.registered);
    assert_eq!(audit.tier, None);
}

#[test]
fn registering_again_cancels_leaving() {
    let mut s = setup();
    unbond(&mut s, 0).unwrap();
    let a = s.p(0);
    s.register(&a, &[]).unwrap();
    assert_eq!(provider(&s, 0).leaving, None);
    assert_eq!(
        withdraw(&mut s, 0).unwrap_err(),
        ContractError::NotLeaving {
            provider: a.to_string()
        }
    );
}

#[test]
fn unbond_is_refused_twice_and_for_strangers() {
    let mut s = setup();
    unbond(&mut s, 0).unwrap();
    assert_eq!(
        unbond(&mut s, 0).unwrap_err(),
        ContractError::AlreadyLeaving {
            provider: s.p(0).to_string(),
            last_epoch: 0
        }
    );
    // p(3) never registered.
    assert!(matches!(
        unbond(&mut s, 3),
        Err(ContractError::NotRegistered { .. })
    ));
    assert!(matches!(
        withdraw(&mut s, 3),
        Err(ContractError::NotRegistered { .. })
    ));
}

#[test]
fn unbonding_and_withdrawing_stay_open_while_paused() {
    let mut s = setup();
    s.pause();
    unbond(&mut s, 0).unwrap();
    s.go_to_window_close(0);
    // Finalizing is a keeper action, refused while paused; the bond waits for it.
    assert!(s.finalize(0).is_err());
    assert!(matches!(
        withdraw(&mut s, 0),
        Err(ContractError::BondLocked { .. })
    ));
}
