//! Who may call what, and what a pause stops.

use cosmwasm_std::{coins, Decimal, Uint128};
use spice_governance::GovernanceError;
use spice_testing::fund;

use super::suite::*;
use crate::msg::{ConfigUpdate, ExecuteMsg};
use crate::ContractError;

#[test]
fn unauthorized_senders_are_refused_for_every_owner_and_operator_message() {
    let mut s = Suite::operator();
    let stranger = s.stranger.clone();
    let akt_pool = s.akt_pool;
    let owner_only = vec![
        ExecuteMsg::Unbond {
            amount: Uint128::one(),
        },
        ExecuteMsg::ClaimUnbonded { recipient: None },
        ExecuteMsg::ResumeStrategy {},
        ExecuteMsg::SetStrategy {
            strategy: native_strategy(),
        },
        ExecuteMsg::SetRoute {
            denom: "uatom".into(),
            hops: vec![hop(akt_pool, AKT)],
        },
        ExecuteMsg::RemoveRoute { denom: OSMO.into() },
        ExecuteMsg::AddLpPosition { position_id: 1 },
        ExecuteMsg::RemoveLpPosition { position_id: 1 },
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            max_slippage: Some(Decimal::percent(1)),
            ..Default::default()
        }),
        ExecuteMsg::Unpause {},
    ];
    for msg in owner_only {
        let err = s.exec(&stranger, &msg, &[]).unwrap_err();
        assert!(
            matches!(
                cerr(&err),
                ContractError::Governance(GovernanceError::Ownership(_))
            ),
            "{msg:?}: {:?}",
            cerr(&err)
        );
    }
    // the guardian may pause but nothing else of the owner's
    let guardian = s.guardian.clone();
    let err = s
        .exec(
            &guardian,
            &ExecuteMsg::Unbond {
                amount: Uint128::one(),
            },
            &[],
        )
        .unwrap_err();
    assert!(matches!(cerr(&err), ContractError::Governance(_)));
    let operator_only = vec![
        ExecuteMsg::ConfirmDelegation {
            amount: Uint128::one(),
            tx_hash: "AA".into(),
        },
        ExecuteMsg::ConfirmRewards {
            amount: Uint128::one(),
            tx_hash: "AA".into(),
        },
        ExecuteMsg::ConfirmUndelegation {
            amount: Uint128::one(),
            tx_hash: "AA".into(),
        },
        ExecuteMsg::ConfirmReturned {
            amount: Uint128::one(),
            tx_hash: "AA".into(),
        },
        ExecuteMsg::ReportLoss {
            amount: Uint128::one(),
            tx_hash: "AA".into(),
        },
    ];
    let owner = s.owner.clone();
    for msg in operator_only {
        for who in [&stranger, &owner] {
            assert_err(
                s.exec(who, &msg, &[]),
                ContractError::NotOperator {
                    operator: s.operator.to_string(),
                    sender: who.to_string(),
                },
            );
        }
    }
    // keeper messages are permissionless but refuse attached funds
    let keeper = s.keeper.clone();
    fund(&mut s.app, &keeper, coins(5, OSMO)).unwrap();
    let err = s
        .exec(&keeper, &ExecuteMsg::Stake {}, &coins(5, OSMO))
        .unwrap_err();
    assert!(matches!(cerr(&err), ContractError::Payment(_)));
}

#[test]
fn pause_stops_entries_keepers_and_reports_but_not_exits_or_ibc_callbacks() {
    let mut s = Suite::operator();
    s.deposit(1_000_000, AKT).unwrap();
    s.stake().unwrap();
    s.ack(1);
    s.confirm_delegation(1_000_000).unwrap();
    s.deposit(2_000, AKT).unwrap();
    s.stake().unwrap();
    let guardian = s.guardian.clone();
    s.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();

    let paused = |e: &anyhow::Error| cerr(e) == &ContractError::Governance(GovernanceError::Paused);
    for msg in [
        ExecuteMsg::Stake {},
        ExecuteMsg::Harvest {},
        ExecuteMsg::Convert {
            denom: Some(OSMO.into()),
            limit: None,
        },
        ExecuteMsg::CollectLpProceeds { limit: None },
    ] {
        let err = s.keeper_exec(&msg).unwrap_err();
        assert!(paused(&err), "{msg:?}: {:?}", cerr(&err));
    }
    let err = s.deposit(10, AKT).unwrap_err();
    assert!(paused(&err));
    let err = s.confirm_delegation(1).unwrap_err();
    assert!(paused(&err));
    // the in-flight transfer still settles (ibc-hooks' sudo is never refused)
    s.error_ack(2);
    assert_eq!(s.books().pending.u128(), 2_000);
    // exits stay open to the owner
    s.owner_exec(&ExecuteMsg::Unbond {
        amount: Uint128::new(100),
    })
    .unwrap();
    assert_eq!(s.books().unbond_requested.u128(), 100);
    s.owner_exec(&ExecuteMsg::Unpause {}).unwrap();
    s.stake().unwrap();
}
