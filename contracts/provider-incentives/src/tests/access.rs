use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};
use cosmwasm_std::{coin, coins, Uint128};
use spice_governance::GovernanceError;

use super::suite::{contract_err, entry, info, Suite, OSMO};
use crate::contract;
use crate::msg::{ConfigUpdate, DisputeOutcome, ExecuteMsg, InstantiateMsg};
use crate::ContractError;

#[test]
fn every_restricted_message_is_refused_for_a_stranger() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    let stranger = s.stranger.clone();
    let who = stranger.to_string();
    let cases: Vec<(ExecuteMsg, ContractError)> = vec![
        (
            ExecuteMsg::AuditProvider {
                provider: a.to_string(),
                tier: 1,
                attributes: vec![],
            },
            ContractError::NotAuditor {
                sender: who.clone(),
            },
        ),
        (
            ExecuteMsg::SubmitReport {
                epoch: 0,
                entries: vec![entry(&a, 1)],
            },
            ContractError::NotOracle {
                sender: who.clone(),
            },
        ),
        (
            ExecuteMsg::LeaseSettled {
                provider: a.to_string(),
                tenant: "tenant".into(),
                lease_id: 1,
                denom: "uakt".into(),
                amount: Uint128::one(),
                take_fee: Uint128::zero(),
                blocks: 1,
                served_from: cosmwasm_std::Timestamp::from_seconds(0),
                served_until: cosmwasm_std::Timestamp::from_seconds(0),
            },
            ContractError::NotEscrow {
                sender: who.clone(),
                escrow: s.escrow.to_string(),
            },
        ),
        (
            ExecuteMsg::Dispute {
                epoch: 0,
                provider: a.to_string(),
                reason: "x".into(),
            },
            ContractError::NotAuditor {
                sender: who.clone(),
            },
        ),
    ];
    for (msg, expected) in cases {
        assert_eq!(s.exec_err(&stranger, &msg, &[]), expected, "{msg:?}");
    }
    // Owner-only messages.
    for msg in [
        ExecuteMsg::ResolveDispute {
            epoch: 0,
            provider: a.to_string(),
            outcome: DisputeOutcome::Release,
            slash: None,
        },
        ExecuteMsg::UpdateConfig(ConfigUpdate::default()),
        ExecuteMsg::SetGuardian { guardian: None },
        ExecuteMsg::Unpause {},
    ] {
        assert!(
            matches!(
                s.exec_err(&stranger, &msg, &[]),
                ContractError::Governance(_)
            ),
            "{msg:?}"
        );
    }
    // Claims pay only the sender's own rewards: a stranger has none.
    assert_eq!(
        s.exec_err(
            &stranger,
            &ExecuteMsg::Claim {
                epochs: None,
                limit: None
            },
            &[]
        ),
        ContractError::NothingToClaim { provider: who }
    );
    // An oracle is not an auditor, an auditor is not an oracle.
    let oracle = s.oracles[0].clone();
    let auditor = s.auditor.clone();
    assert!(matches!(
        s.exec_err(
            &oracle,
            &ExecuteMsg::AuditProvider {
                provider: a.to_string(),
                tier: 1,
                attributes: vec![]
            },
            &[]
        ),
        ContractError::NotAuditor { .. }
    ));
    assert!(matches!(
        s.exec_err(
            &auditor,
            &ExecuteMsg::SubmitReport {
                epoch: 0,
                entries: vec![entry(&a, 1)]
            },
            &[]
        ),
        ContractError::NotOracle { .. }
    ));
}

#[test]
fn paused_contract_refuses_entries_and_keeper_actions() {
    let mut s = Suite::new();
    let (a, b) = (s.p(0), s.p(1));
    s.onboard(&a, 1);
    s.pause();
    let paused = ContractError::Governance(GovernanceError::Paused);
    assert_eq!(
        contract_err(s.fund(None, &coins(1, OSMO)).unwrap_err()),
        paused
    );
    assert_eq!(contract_err(s.register(&b, &[]).unwrap_err()), paused);
    assert_eq!(contract_err(s.audit(&a, 2).unwrap_err()), paused);
    assert_eq!(
        contract_err(s.report(0, 0, vec![entry(&a, 1)]).unwrap_err()),
        paused
    );
    s.go_to_window_close(0);
    assert_eq!(contract_err(s.finalize(0).unwrap_err()), paused);
    let owner = s.owner.clone();
    s.exec(&owner, &ExecuteMsg::Unpause {}, &[]).unwrap();
    s.finalize(0).unwrap();
}

#[test]
fn fund_refuses_a_zero_coin() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let oracle = deps.api.addr_make("oracle").to_string();
    contract::instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        InstantiateMsg {
            owner: None,
            guardian: None,
            reward_denoms: vec![OSMO.into(), "uatom".into()],
            genesis_time: None,
            epoch_seconds: 3_600,
            report_window_seconds: 0,
            dispute_window_seconds: 0,
            oracles: vec![oracle],
            oracle_quorum: 1,
            auditors: vec![],
            escrow: None,
            tier_multipliers: None,
            bond_denom: None,
            min_bond: None,
            max_report_entries: None,
        },
    )
    .unwrap();
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[coin(5, OSMO), coin(0, "uatom")]),
        ExecuteMsg::Fund { epoch: None },
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::ZeroAmount {
            denom: "uatom".into()
        }
    );
    // Without a bond denom, registration takes no funds.
    let p = deps.api.addr_make("p");
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&p, &coins(5, OSMO)),
        ExecuteMsg::RegisterProvider { info: info("p") },
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::UnexpectedFunds {
            funds: "5uosmo".into()
        }
    );
}
