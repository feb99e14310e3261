use cosmwasm_std::{coin, coins, Uint128};
use spice_governance::GovernanceError;

use super::suite::{backup, cerr, Suite, AKT};
use crate::msg::ExecuteMsg;
use crate::state::{LeaseStatus, TopUpSource};
use crate::ContractError;

#[test]
fn pause_refuses_entries_and_keeper_actions() {
    let mut s = Suite::new();
    let (t, p, x, sp) = (
        s.tenant.clone(),
        s.provider.clone(),
        s.stranger.clone(),
        s.sponsor.clone(),
    );
    let id = s.open_active("1", 100, vec![backup(&s.backup1.clone(), "1")]);
    let pending = {
        let msg = s.open_msg("1", vec![]);
        s.exec(&t, &ExecuteMsg::OpenLease(msg), &coins(10, AKT))
            .unwrap();
        id + 1
    };
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(100, AKT))
        .unwrap();
    let g = s.guardian.clone();
    s.exec(&g, &ExecuteMsg::Pause {}, &[]).unwrap();
    let open = ExecuteMsg::OpenLease(s.open_msg("1", vec![]));
    let refused: Vec<(cosmwasm_std::Addr, ExecuteMsg, Vec<cosmwasm_std::Coin>)> = vec![
        (t.clone(), open, coins(10, AKT)),
        (
            p.clone(),
            ExecuteMsg::AcceptLease { lease_id: pending },
            vec![],
        ),
        (x.clone(), ExecuteMsg::Settle { lease_id: id }, vec![]),
        (
            x.clone(),
            ExecuteMsg::Deposit { lease_id: id },
            coins(10, AKT),
        ),
        (
            t.clone(),
            ExecuteMsg::DepositFromGrant {
                lease_id: id,
                granter: sp.to_string(),
                amount: Uint128::one(),
            },
            vec![],
        ),
        (x.clone(), ExecuteMsg::FundBalance {}, coins(10, AKT)),
        (
            sp.clone(),
            ExecuteMsg::Grant {
                grantee: t.to_string(),
                spend_limit: coin(10, AKT),
                expiration: None,
            },
            vec![],
        ),
        (
            t.clone(),
            ExecuteMsg::SetAutoTopUp {
                lease_id: id,
                target_runway_blocks: 10,
                source: TopUpSource::Balance,
            },
            vec![],
        ),
        (x.clone(), ExecuteMsg::TopUp { lease_id: id }, vec![]),
        (
            t.clone(),
            ExecuteMsg::SetBackups {
                lease_id: id,
                backups: vec![],
            },
            vec![],
        ),
        (t.clone(), ExecuteMsg::Rollover { lease_id: id }, vec![]),
        (
            p.clone(),
            ExecuteMsg::PostBond { lease_id: id },
            coins(10, AKT),
        ),
    ];
    for (sender, msg, funds) in refused {
        let e = s.err(&sender, &msg, &funds);
        assert_eq!(
            cerr(&e),
            &ContractError::Governance(GovernanceError::Paused),
            "{msg:?}"
        );
    }
}

#[test]
fn pause_leaves_exits_open() {
    let mut s = Suite::new();
    let (t, p, sp, m) = (
        s.tenant.clone(),
        s.provider.clone(),
        s.sponsor.clone(),
        s.monitor.clone(),
    );
    let id = s.open_active("1", 100, vec![]);
    let second = s.open_active("1", 100, vec![]);
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(100, AKT))
        .unwrap();
    s.exec(
        &sp,
        &ExecuteMsg::Grant {
            grantee: t.to_string(),
            spend_limit: coin(10, AKT),
            expiration: None,
        },
        &[],
    )
    .unwrap();
    s.advance(10);
    let g = s.guardian.clone();
    s.exec(&g, &ExecuteMsg::Pause {}, &[]).unwrap();
    // Provider takes its earnings, heartbeats and failure reports still land.
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    s.exec(&p, &ExecuteMsg::Heartbeat { lease_id: Some(id) }, &[])
        .unwrap();
    s.exec(
        &m,
        &ExecuteMsg::ReportFailure {
            lease_id: second,
            reason: 10_001,
        },
        &[],
    )
    .unwrap();
    // Tenant closes its lease and is refunded; sponsor revokes and withdraws its balance.
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.lease(id).status, LeaseStatus::Closed);
    s.exec(
        &p,
        &ExecuteMsg::CloseLease {
            lease_id: second,
            reason: 10_001,
        },
        &[],
    )
    .unwrap();
    s.exec(
        &sp,
        &ExecuteMsg::Revoke {
            grantee: t.to_string(),
        },
        &[],
    )
    .unwrap();
    s.exec(
        &sp,
        &ExecuteMsg::WithdrawBalance {
            denom: AKT.into(),
            amount: Uint128::new(100),
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.bank(&s.escrow, AKT), 0);
}
