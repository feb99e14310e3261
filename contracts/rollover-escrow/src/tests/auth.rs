//! Every execute message refused for a sender who may not send it.

use cosmwasm_std::{coin, coins, Addr, Coin, Uint128};
use spice_governance::GovernanceError;

use super::suite::{backup, cerr, Suite, AKT};
use crate::msg::{ConfigUpdate, ExecuteMsg};
use crate::state::TopUpSource;
use crate::ContractError;

#[test]
fn every_execute_message_refuses_an_unauthorized_sender() {
    let mut s = Suite::new();
    let (t, p, x) = (s.tenant.clone(), s.provider.clone(), s.stranger.clone());
    let id = s.open_active("1", 100, vec![backup(&s.backup1.clone(), "1")]);
    let pending = {
        let msg = s.open_msg("1", vec![]);
        s.exec(&t, &ExecuteMsg::OpenLease(msg), &coins(10, AKT))
            .unwrap();
        id + 1
    };
    let mut other = s.open_msg("1", vec![]);
    other.tenant = Some(t.to_string());
    let cases: Vec<(&str, Addr, ExecuteMsg, Vec<Coin>)> = vec![
        (
            "update_config",
            x.clone(),
            ExecuteMsg::UpdateConfig(ConfigUpdate::default()),
            vec![],
        ),
        (
            "set_guardian",
            x.clone(),
            ExecuteMsg::SetGuardian { guardian: None },
            vec![],
        ),
        ("pause", x.clone(), ExecuteMsg::Pause {}, vec![]),
        ("unpause", x.clone(), ExecuteMsg::Unpause {}, vec![]),
        (
            "open_lease for another tenant",
            x.clone(),
            ExecuteMsg::OpenLease(other),
            coins(10, AKT),
        ),
        (
            "accept_lease",
            t.clone(),
            ExecuteMsg::AcceptLease { lease_id: pending },
            vec![],
        ),
        (
            "withdraw",
            x.clone(),
            ExecuteMsg::Withdraw { lease_id: id },
            vec![],
        ),
        (
            "close_lease",
            x.clone(),
            ExecuteMsg::CloseLease {
                lease_id: id,
                reason: 1,
            },
            vec![],
        ),
        (
            "deposit_from_grant",
            x.clone(),
            ExecuteMsg::DepositFromGrant {
                lease_id: id,
                granter: t.to_string(),
                amount: Uint128::one(),
            },
            vec![],
        ),
        (
            "withdraw_balance",
            x.clone(),
            ExecuteMsg::WithdrawBalance {
                denom: AKT.into(),
                amount: Uint128::one(),
            },
            vec![],
        ),
        (
            "revoke",
            x.clone(),
            ExecuteMsg::Revoke {
                grantee: t.to_string(),
            },
            vec![],
        ),
        (
            "set_auto_top_up",
            x.clone(),
            ExecuteMsg::SetAutoTopUp {
                lease_id: id,
                target_runway_blocks: 1,
                source: TopUpSource::Balance,
            },
            vec![],
        ),
        (
            "heartbeat",
            x.clone(),
            ExecuteMsg::Heartbeat { lease_id: Some(id) },
            vec![],
        ),
        (
            "report_failure",
            x.clone(),
            ExecuteMsg::ReportFailure {
                lease_id: id,
                reason: 10_001,
            },
            vec![],
        ),
        (
            "set_backups",
            p.clone(),
            ExecuteMsg::SetBackups {
                lease_id: id,
                backups: vec![],
            },
            vec![],
        ),
        (
            "rollover",
            x.clone(),
            ExecuteMsg::Rollover { lease_id: id },
            vec![],
        ),
        (
            "accept_backup by a provider not listed",
            x.clone(),
            ExecuteMsg::AcceptBackup { lease_id: id },
            vec![],
        ),
        (
            "post_bond",
            t.clone(),
            ExecuteMsg::PostBond { lease_id: id },
            coins(5, AKT),
        ),
        (
            "grant to oneself",
            x.clone(),
            ExecuteMsg::Grant {
                grantee: x.to_string(),
                spend_limit: coin(1, AKT),
                expiration: None,
            },
            vec![],
        ),
    ];
    for (name, sender, msg, funds) in cases {
        let e = s.err(&sender, &msg, &funds);
        let ok = matches!(
            cerr(&e),
            ContractError::Unauthorized { .. }
                | ContractError::TenantMismatch { .. }
                | ContractError::GrantNotFound { .. }
                | ContractError::InsufficientBalance { .. }
                | ContractError::ProviderHealthy { .. }
                | ContractError::SelfGrant { .. }
                | ContractError::NotABackup { .. }
                | ContractError::Governance(
                    GovernanceError::Ownership(_) | GovernanceError::NotOwnerOrGuardian { .. }
                )
        );
        assert!(ok, "{name}: {e:?}");
    }
    // Permissionless messages (deposit, settle, top_up, fund_balance, close_expired, and
    // `heartbeat {}` which only speaks for its sender) are open to anyone by design; their
    // guards are covered in funding.rs, lease.rs and attacks.rs.
}

#[test]
fn a_stranger_s_provider_level_heartbeat_keeps_no_one_else_s_lease_alive() {
    let mut s = Suite::new();
    let id = s.open_active("1", 10_000, vec![backup(&s.backup1.clone(), "1")]);
    let (x, m) = (s.stranger.clone(), s.monitor.clone());
    s.advance(super::suite::HEARTBEAT_WINDOW + 1);
    // The stranger's `heartbeat {}` succeeds but only records the stranger.
    s.exec(&x, &ExecuteMsg::Heartbeat { lease_id: None }, &[])
        .unwrap();
    assert_eq!(
        s.lease(id).last_heartbeat,
        s.height() - super::suite::HEARTBEAT_WINDOW - 1
    );
    s.exec(&m, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert_eq!(s.lease(id).provider, s.backup1);
}

#[test]
fn close_expired_is_open_to_anyone_but_refuses_funds_and_pauses() {
    let mut s = Suite::new();
    let (x, g) = (s.stranger.clone(), s.guardian.clone());
    let crank = ExecuteMsg::CloseExpired { limit: Some(5) };
    assert_eq!(
        cerr(&s.err(&x, &crank, &coins(1, AKT))),
        &ContractError::UnexpectedFunds { count: 1 }
    );
    s.exec(&g, &ExecuteMsg::Pause {}, &[]).unwrap();
    assert!(matches!(
        cerr(&s.err(&x, &crank, &[])),
        ContractError::Governance(GovernanceError::Paused)
    ));
}

#[test]
fn non_payable_messages_refuse_funds() {
    let mut s = Suite::new();
    let id = s.open_active("1", 100, vec![]);
    let x = s.stranger.clone();
    let e = s.err(&x, &ExecuteMsg::Settle { lease_id: id }, &coins(1, AKT));
    assert_eq!(cerr(&e), &ContractError::UnexpectedFunds { count: 1 });
}
