use cosmwasm_std::{coins, Decimal, Uint128};

use super::suite::{
    assert_err, attr, backup, cerr, ev, Suite, AKT, HEARTBEAT_TIMEOUT, HEARTBEAT_WINDOW,
};
use crate::execute::ledger::{
    REASON_MISSED_HEARTBEATS, REASON_NO_BACKUP_LEFT, REASON_ROLLOVER_REQUESTED,
};
use crate::msg::ExecuteMsg;
use crate::state::LeaseStatus;
use crate::ContractError;

fn suite_with_backups() -> (Suite, u64) {
    let mut s = Suite::new();
    let backups = vec![backup(&s.backup1, "2"), backup(&s.backup2, "3")];
    let id = s.open_active("1", 1_000, backups);
    (s, id)
}

#[test]
fn tenant_rollover_moves_lease_to_next_backup_at_its_price() {
    let (mut s, id) = suite_with_backups();
    s.advance(10);
    let t = s.tenant.clone();
    let p = s.provider.clone();
    let before = s.bank(&p, AKT);
    let res = s
        .exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    let e = ev(&res, "spice.escrow.rollover")[0];
    assert_eq!(attr(e, "from_provider"), p.to_string());
    assert_eq!(attr(e, "to_provider"), s.backup1.to_string());
    assert_eq!(attr(e, "reason"), REASON_ROLLOVER_REQUESTED.to_string());
    // The primary was paid its 10 blocks (the 0.1 fee carried) in the same transaction.
    assert_eq!(s.bank(&p, AKT) - before, 10);
    s.advance(5);
    let lease = s.lease(id);
    assert_eq!(lease.id, id);
    assert_eq!(lease.provider, s.backup1);
    assert_eq!(lease.price_per_block, Decimal::from_ratio(2u128, 1u128));
    assert_eq!(lease.earned, Uint128::new(10));
    assert_eq!(lease.balance, Uint128::new(1_000 - 10 - 10));
    assert_eq!(lease.backups.len(), 1);
    assert_eq!(lease.history[0].provider, p);
    assert_eq!(lease.history[0].reason, REASON_ROLLOVER_REQUESTED);
    assert_eq!(lease.rollovers, 1);
}

#[test]
fn monitor_may_roll_over_a_lease() {
    let (mut s, id) = suite_with_backups();
    let m = s.monitor.clone();
    s.exec(&m, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert_eq!(s.lease(id).provider, s.backup1);
}

#[test]
fn stranger_may_not_roll_over_a_healthy_provider() {
    let (mut s, id) = suite_with_backups();
    s.advance(HEARTBEAT_TIMEOUT);
    let x = s.stranger.clone();
    let h = s.height() - HEARTBEAT_TIMEOUT;
    assert_err(
        s.exec(&x, &ExecuteMsg::Rollover { lease_id: id }, &[]),
        ContractError::ProviderHealthy {
            lease_id: id,
            provider: s.provider.to_string(),
            last_heartbeat: h,
            timeout_at: h + HEARTBEAT_WINDOW,
        },
    );
}

#[test]
fn anyone_may_roll_over_after_missed_heartbeats_and_primary_is_paid_only_to_the_deadline() {
    let (mut s, id) = suite_with_backups();
    let p = s.provider.clone();
    s.advance(5);
    s.exec(&p, &ExecuteMsg::Heartbeat { lease_id: Some(id) }, &[])
        .unwrap();
    s.advance(HEARTBEAT_WINDOW + 10);
    let x = s.stranger.clone();
    let res = s
        .exec(&x, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.rollover")[0], "reason"),
        REASON_MISSED_HEARTBEATS.to_string()
    );
    let lease = s.lease(id);
    // Paid 5 + 60 blocks (3 intervals), not the 10 after the heartbeat deadline.
    assert_eq!(lease.total_paid + lease.total_fees, Uint128::new(65));
    assert_eq!(lease.balance, Uint128::new(935));
    assert_eq!(lease.provider, s.backup1);
}

#[test]
fn anyone_may_roll_over_after_a_reported_failure_paid_up_to_the_report() {
    let (mut s, id) = suite_with_backups();
    let (t, x) = (s.tenant.clone(), s.stranger.clone());
    s.advance(4);
    let res = s
        .exec(
            &t,
            &ExecuteMsg::ReportFailure {
                lease_id: id,
                reason: 10_042,
            },
            &[],
        )
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.report_failure")[0], "reason"),
        "10042"
    );
    s.advance(6);
    s.exec(&x, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    let lease = s.lease(id);
    assert_eq!(lease.history[0].reason, 10_042);
    assert_eq!(lease.total_paid + lease.total_fees, Uint128::new(4));
    assert_eq!(lease.failure, None);
}

#[test]
fn report_failure_needs_tenant_or_monitor_and_a_provider_reason() {
    let (mut s, id) = suite_with_backups();
    let (x, m, p) = (s.stranger.clone(), s.monitor.clone(), s.provider.clone());
    assert!(matches!(
        cerr(&s.err(
            &x,
            &ExecuteMsg::ReportFailure {
                lease_id: id,
                reason: 10_001
            },
            &[]
        )),
        ContractError::Unauthorized { .. }
    ));
    assert!(matches!(
        cerr(&s.err(
            &p,
            &ExecuteMsg::ReportFailure {
                lease_id: id,
                reason: 10_001
            },
            &[]
        )),
        ContractError::Unauthorized { .. }
    ));
    for reason in [0, 5, 9_999, 20_000] {
        assert_err(
            s.exec(
                &m,
                &ExecuteMsg::ReportFailure {
                    lease_id: id,
                    reason,
                },
                &[],
            ),
            ContractError::ReasonOutOfRange {
                reason,
                min: 10_000,
                max: 19_999,
            },
        );
    }
    s.exec(
        &m,
        &ExecuteMsg::ReportFailure {
            lease_id: id,
            reason: 19_999,
        },
        &[],
    )
    .unwrap();
}

#[test]
fn no_backup_left_closes_the_lease_and_refunds() {
    let mut s = Suite::new();
    let id = s.open_active("1", 100, vec![]);
    s.advance(10);
    let t = s.tenant.clone();
    let before = s.bank(&t, AKT);
    let res = s
        .exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.close_lease")[0], "reason"),
        REASON_NO_BACKUP_LEFT.to_string()
    );
    assert_eq!(s.bank(&t, AKT) - before, 90);
    let lease = s.lease(id);
    assert_eq!(lease.status, LeaseStatus::Closed);
    assert_eq!(lease.close_reason, Some(REASON_NO_BACKUP_LEFT));
    assert_eq!(lease.history.len(), 1);
    assert_eq!(lease.history[0].reason, REASON_ROLLOVER_REQUESTED);
}

#[test]
fn attested_failure_slashes_the_bond_to_the_tenant() {
    let (mut s, id) = suite_with_backups();
    let (p, t, m) = (s.provider.clone(), s.tenant.clone(), s.monitor.clone());
    s.exec(&p, &ExecuteMsg::PostBond { lease_id: id }, &coins(200, AKT))
        .unwrap();
    s.exec(
        &m,
        &ExecuteMsg::ReportFailure {
            lease_id: id,
            reason: 10_100,
        },
        &[],
    )
    .unwrap();
    let (tb, pb) = (s.bank(&t, AKT), s.bank(&p, AKT));
    let res = s
        .exec(&m, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    let e = ev(&res, "spice.escrow.bond_settled")[0];
    assert_eq!(attr(e, "slashed"), "100"); // 50%
    assert_eq!(attr(e, "reason"), "10100");
    assert_eq!(s.bank(&t, AKT) - tb, 100);
    assert_eq!(s.bank(&p, AKT) - pb, 100);
    assert_eq!(s.lease(id).bond, Uint128::zero());
}

#[test]
fn tenant_requested_rollover_returns_the_bond() {
    let (mut s, id) = suite_with_backups();
    let (p, t) = (s.provider.clone(), s.tenant.clone());
    s.exec(&p, &ExecuteMsg::PostBond { lease_id: id }, &coins(200, AKT))
        .unwrap();
    let pb = s.bank(&p, AKT);
    s.exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert_eq!(s.bank(&p, AKT) - pb, 200);
}

#[test]
fn set_backups_is_tenant_only_bounded_and_distinct() {
    let (mut s, id) = suite_with_backups();
    let (t, x, p) = (s.tenant.clone(), s.stranger.clone(), s.provider.clone());
    let b1 = s.backup1.clone();
    assert!(matches!(
        cerr(&s.err(
            &x,
            &ExecuteMsg::SetBackups {
                lease_id: id,
                backups: vec![]
            },
            &[]
        )),
        ContractError::Unauthorized { .. }
    ));
    assert_err(
        s.exec(
            &t,
            &ExecuteMsg::SetBackups {
                lease_id: id,
                backups: vec![backup(&b1, "1"), backup(&b1, "1")],
            },
            &[],
        ),
        ContractError::DuplicateBackup {
            provider: b1.to_string(),
        },
    );
    assert!(matches!(
        cerr(&s.err(
            &t,
            &ExecuteMsg::SetBackups {
                lease_id: id,
                backups: vec![backup(&p, "1")]
            },
            &[]
        )),
        ContractError::BackupIsProvider { .. }
    ));
    assert_err(
        s.exec(
            &t,
            &ExecuteMsg::SetBackups {
                lease_id: id,
                backups: vec![backup(&b1, "0")],
            },
            &[],
        ),
        ContractError::ZeroPrice,
    );
    let res = s
        .exec(
            &t,
            &ExecuteMsg::SetBackups {
                lease_id: id,
                backups: vec![backup(&x, "4")],
            },
            &[],
        )
        .unwrap();
    assert_eq!(ev(&res, "spice.escrow.set_backups").len(), 1);
    assert_eq!(s.lease(id).backups.len(), 1);
    assert_eq!(s.lease(id).backups[0].provider, x);
}

#[test]
fn heartbeat_is_provider_only_and_after_rollover_the_new_provider_heartbeats() {
    let (mut s, id) = suite_with_backups();
    let (p, t, b1) = (s.provider.clone(), s.tenant.clone(), s.backup1.clone());
    assert!(matches!(
        cerr(&s.err(&t, &ExecuteMsg::Heartbeat { lease_id: Some(id) }, &[])),
        ContractError::Unauthorized { .. }
    ));
    s.exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert!(s
        .exec(&p, &ExecuteMsg::Heartbeat { lease_id: Some(id) }, &[])
        .is_err());
    s.advance(3);
    let res = s
        .exec(&b1, &ExecuteMsg::Heartbeat { lease_id: Some(id) }, &[])
        .unwrap();
    assert_eq!(ev(&res, "spice.escrow.heartbeat").len(), 1);
    assert_eq!(s.lease(id).last_heartbeat, s.height());
    // The old provider can no longer withdraw; the new one can.
    assert!(matches!(
        cerr(&s.err(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])),
        ContractError::Unauthorized { .. }
    ));
    s.exec(&b1, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
}

#[test]
fn rollover_of_a_lease_that_ran_dry_is_refused() {
    let mut s = Suite::new();
    let id = s.open_active("1", 5, vec![backup(&s.backup1.clone(), "1")]);
    s.advance(10);
    let t = s.tenant.clone();
    assert!(matches!(
        cerr(&s.err(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])),
        ContractError::WrongStatus { .. }
    ));
}
