//! Issue 17, "Marketplace under attack": each attack against the escrow, named for the attack
//! and its outcome, next to the honest control case.

use cosmwasm_std::{coin, coins, Addr, Decimal, Uint128};
use cw_multi_test::Executor;

use super::suite::{
    assert_err, attr, backup, cerr, ev, Suite, AKT, GRACE, HEARTBEAT_TIMEOUT, HEARTBEAT_WINDOW,
};
use crate::execute::ledger::{
    take_fee, MAX_SPONSOR_ENTRIES, REASON_INSUFFICIENT_FUNDS, REASON_MISSED_HEARTBEATS,
    REASON_NO_BACKUP_LEFT,
};
use crate::msg::{ExecuteMsg, QueryMsg, ThresholdResponse};
use crate::state::{DepositSource, LeaseStatus, TopUpSource};
use crate::ContractError;
use spice_types::IncentivesHookMsg;

fn paid_gross(s: &Suite, id: u64) -> u128 {
    let l = s.lease(id);
    (l.total_paid + l.total_fees + l.earned).u128()
}

fn report(s: &mut Suite, by: &Addr, id: u64) {
    s.exec(
        by,
        &ExecuteMsg::ReportFailure {
            lease_id: id,
            reason: 10_050,
        },
        &[],
    )
    .unwrap();
}

fn beat(s: &mut Suite) {
    let p = s.provider.clone();
    s.exec(&p, &ExecuteMsg::Heartbeat { lease_id: None }, &[])
        .unwrap();
}

// ---- 3. A failed provider keeps earning --------------------------------------------------

#[test]
fn failed_provider_is_never_paid_past_an_attested_failure() {
    let mut s = Suite::new();
    let id = s.open_active("1", 1_000, vec![]);
    let (p, t, m, x) = (
        s.provider.clone(),
        s.tenant.clone(),
        s.monitor.clone(),
        s.stranger.clone(),
    );
    s.advance(10);
    report(&mut s, &m, id);
    s.advance(30);
    // Withdraw, settle, deposit and close all stop at the failure height.
    let before = s.bank(&p, AKT);
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    assert_eq!(s.bank(&p, AKT) - before, 10); // 10 blocks, fee 0.1 carried
    s.exec(&x, &ExecuteMsg::Settle { lease_id: id }, &[])
        .unwrap();
    s.exec(&t, &ExecuteMsg::Deposit { lease_id: id }, &coins(100, AKT))
        .unwrap();
    s.advance(5);
    assert_err(
        s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[]),
        ContractError::NothingToWithdraw { lease_id: id },
    );
    let tenant_before = s.bank(&t, AKT);
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    assert_eq!(paid_gross(&s, id), 10);
    assert_eq!(s.bank(&t, AKT) - tenant_before, 1_100 - 10);
}

#[test]
fn healthy_provider_is_paid_to_the_current_block_control() {
    let mut s = Suite::new();
    let id = s.open_active("1", 1_000, vec![]);
    let p = s.provider.clone();
    s.advance(40);
    let before = s.bank(&p, AKT);
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    assert_eq!(s.bank(&p, AKT) - before, 40);
}

#[test]
fn lapsed_provider_is_not_paid_past_its_heartbeat_deadline_even_after_it_returns() {
    let mut s = Suite::new();
    let id = s.open_active("1", 1_000, vec![]);
    let p = s.provider.clone();
    s.advance(HEARTBEAT_WINDOW + 30);
    // It comes back: the outage is remembered.
    beat(&mut s);
    s.advance(10);
    let before = s.bank(&p, AKT);
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    assert_eq!(paid_gross(&s, id), u128::from(HEARTBEAT_WINDOW));
    // 60 × 1% = 0.6: the fee rounds down to 0 and the fraction carries to the next payout.
    assert_eq!(s.bank(&p, AKT) - before, u128::from(HEARTBEAT_WINDOW));
}

#[test]
fn provider_level_heartbeat_keeps_every_lease_paid_control() {
    let mut s = Suite::new();
    let a = s.open_active("1", 10_000, vec![]);
    let b = s.open_active("1", 10_000, vec![]);
    for _ in 0..10 {
        s.advance(HEARTBEAT_TIMEOUT);
        beat(&mut s);
    }
    s.advance(5);
    let x = s.stranger.clone();
    for id in [a, b] {
        assert!(matches!(
            cerr(&s.err(&x, &ExecuteMsg::Rollover { lease_id: id }, &[])),
            ContractError::ProviderHealthy { .. }
        ));
        assert_eq!(
            s.lease(id).earned.u128(),
            u128::from(HEARTBEAT_TIMEOUT * 10 + 5)
        );
    }
}

#[test]
fn after_rollover_the_backup_is_paid_from_the_rollover_height() {
    let mut s = Suite::new();
    let b1 = s.backup1.clone();
    let id = s.open_active("1", 1_000, vec![backup(&b1, "2")]);
    let (m, t) = (s.monitor.clone(), s.tenant.clone());
    s.advance(10);
    report(&mut s, &m, id);
    s.advance(20);
    s.exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    s.advance(5);
    let l = s.lease(id);
    assert_eq!(l.provider, b1);
    assert_eq!(l.earned, Uint128::new(10)); // 5 blocks × 2
    assert_eq!(l.balance, Uint128::new(1_000 - 10 - 10));
}

// ---- 4. A tenant's unverified report sticks ------------------------------------------------

#[test]
fn provider_heartbeat_refutes_a_tenant_only_report() {
    let mut s = Suite::new();
    let id = s.open_active("1", 1_000, vec![backup(&s.backup1.clone(), "1")]);
    let (t, x) = (s.tenant.clone(), s.stranger.clone());
    s.advance(5);
    report(&mut s, &t, id);
    s.advance(5);
    beat(&mut s);
    s.advance(20);
    // The refuted report neither lets a stranger force a rollover nor cuts the provider's pay.
    assert!(matches!(
        cerr(&s.err(&x, &ExecuteMsg::Rollover { lease_id: id }, &[])),
        ContractError::ProviderHealthy { .. }
    ));
    s.exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert_eq!(paid_gross(&s, id), 30);
}

#[test]
fn per_lease_heartbeat_clears_a_tenant_report_but_not_a_monitors() {
    let mut s = Suite::new();
    let id = s.open_active("1", 1_000, vec![]);
    let (t, m, p) = (s.tenant.clone(), s.monitor.clone(), s.provider.clone());
    s.advance(5);
    report(&mut s, &t, id);
    let res = s
        .exec(&p, &ExecuteMsg::Heartbeat { lease_id: Some(id) }, &[])
        .unwrap();
    assert_eq!(
        attr(
            ev(&res, "spice.escrow.heartbeat")[0],
            "cleared_tenant_report"
        ),
        "true"
    );
    assert_eq!(s.lease(id).failure, None);
    report(&mut s, &m, id);
    s.exec(&p, &ExecuteMsg::Heartbeat { lease_id: Some(id) }, &[])
        .unwrap();
    assert_eq!(s.lease(id).failure.unwrap().reporter, m);
}

#[test]
fn tenant_report_stands_without_a_heartbeat_and_only_cuts_later_blocks_control() {
    let mut s = Suite::new();
    let id = s.open_active("1", 1_000, vec![backup(&s.backup1.clone(), "1")]);
    let (t, x) = (s.tenant.clone(), s.stranger.clone());
    s.advance(7);
    report(&mut s, &t, id);
    s.advance(20);
    // Not refuted: anyone may roll, and the provider is paid the 7 blocks before the report.
    s.exec(&x, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert_eq!(paid_gross(&s, id), 7);
}

#[test]
fn attested_failure_counts_from_the_monitors_report_not_the_tenants_earlier_one() {
    let mut s = Suite::new();
    let id = s.open_active("1", 1_000, vec![]);
    let (t, m) = (s.tenant.clone(), s.monitor.clone());
    s.advance(5);
    report(&mut s, &t, id);
    s.advance(10);
    report(&mut s, &m, id);
    let f = s.lease(id).failure.unwrap();
    assert_eq!((f.reporter, f.height), (m.clone(), s.height()));
    s.advance(10);
    // A later report (tenant or monitor) never moves the attested height.
    report(&mut s, &t, id);
    report(&mut s, &m, id);
    assert_eq!(s.lease(id).failure.unwrap().height, f.height);
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    // Paid to the monitor's height (5 + 10), not only to the tenant's earlier one (5).
    assert_eq!(paid_gross(&s, id), 15);
}

// ---- 5. Dust deposits lock the tenant out --------------------------------------------------

#[test]
fn dust_deposits_never_lock_out_the_tenant() {
    let mut s = Suite::with(|m| m.min_sponsor_deposit = Some(Uint128::new(100)));
    let id = s.open_active("1", 1_000, vec![]);
    let (t, sp, ob, k) = (
        s.tenant.clone(),
        s.sponsor.clone(),
        s.order_book.clone(),
        s.keeper.clone(),
    );
    // 16 one-unit deposits by strangers: each refused, nothing moves.
    let escrow_before = s.bank(&s.escrow, AKT);
    for i in 0..16 {
        let dust = s.app.api().addr_make(&format!("dust{i}"));
        s.app
            .send_tokens(sp.clone(), dust.clone(), &coins(1_000, AKT))
            .unwrap();
        assert_err(
            s.exec(&dust, &ExecuteMsg::Deposit { lease_id: id }, &coins(1, AKT)),
            ContractError::DepositBelowMinimum {
                lease_id: id,
                amount: Uint128::one(),
                min: Uint128::new(100),
            },
        );
    }
    assert_eq!(s.bank(&s.escrow, AKT), escrow_before);
    // Strangers paying the minimum fill their bucket; then they are refused.
    let mut sponsors = vec![];
    for i in 0..MAX_SPONSOR_ENTRIES + 1 {
        let d = s.app.api().addr_make(&format!("sp{i}"));
        s.app
            .send_tokens(sp.clone(), d.clone(), &coins(1_000, AKT))
            .unwrap();
        sponsors.push(d);
    }
    for d in &sponsors[..MAX_SPONSOR_ENTRIES] {
        s.exec(d, &ExecuteMsg::Deposit { lease_id: id }, &coins(100, AKT))
            .unwrap();
    }
    assert_err(
        s.exec(
            &sponsors[MAX_SPONSOR_ENTRIES],
            &ExecuteMsg::Deposit { lease_id: id },
            &coins(100, AKT),
        ),
        ContractError::TooManyDeposits {
            lease_id: id,
            max: MAX_SPONSOR_ENTRIES,
        },
    );
    // The tenant, the order book, a grant the tenant spends and the keeper's top-up all fund.
    s.exec(&t, &ExecuteMsg::Deposit { lease_id: id }, &coins(1, AKT))
        .unwrap();
    s.exec(&ob, &ExecuteMsg::Deposit { lease_id: id }, &coins(1, AKT))
        .unwrap();
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(500, AKT))
        .unwrap();
    s.exec(
        &sp,
        &ExecuteMsg::Grant {
            grantee: t.to_string(),
            spend_limit: coin(100, AKT),
            expiration: None,
        },
        &[],
    )
    .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::DepositFromGrant {
            lease_id: id,
            granter: sp.to_string(),
            amount: Uint128::new(10),
        },
        &[],
    )
    .unwrap();
    s.exec(&t, &ExecuteMsg::FundBalance {}, &coins(5_000, AKT))
        .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::SetAutoTopUp {
            lease_id: id,
            target_runway_blocks: 3_000,
            source: TopUpSource::Balance,
        },
        &[],
    )
    .unwrap();
    s.exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[])
        .unwrap();
    let lease = s.lease(id);
    // The order book's deposit is the tenant's.
    let tenant_bank: u128 = lease
        .deposits
        .iter()
        .filter(|d| d.depositor == t && d.source == DepositSource::Bank)
        .map(|d| d.amount.u128())
        .sum();
    assert_eq!(tenant_bank, 1_000 + 1 + 1);
    // Each sponsor is refunded exactly what it put in.
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    for d in &sponsors[..MAX_SPONSOR_ENTRIES] {
        assert_eq!(s.bank(d, AKT), 1_000);
    }
}

#[test]
fn a_sponsor_at_the_minimum_funds_a_lease_control() {
    let mut s = Suite::new();
    let id = s.open_active("1", 100, vec![]);
    let sp = s.sponsor.clone();
    s.exec(&sp, &ExecuteMsg::Deposit { lease_id: id }, &coins(100, AKT))
        .unwrap();
    s.exec(&sp, &ExecuteMsg::Deposit { lease_id: id }, &coins(100, AKT))
        .unwrap();
    let l = s.lease(id);
    assert_eq!(l.balance, Uint128::new(300));
    assert_eq!(l.deposits.len(), 2); // merged into one sponsor entry
}

// ---- 9. Pause, heartbeats, hooks, grants, fees, dead leases --------------------------------

fn dry_lease(s: &mut Suite) -> u64 {
    let id = s.open_active("1", 10, vec![]);
    s.advance(10);
    s.exec(
        &s.stranger.clone(),
        &ExecuteMsg::Settle { lease_id: id },
        &[],
    )
    .unwrap();
    id
}

#[test]
fn a_pause_longer_than_grace_does_not_let_anyone_close_dry_leases() {
    let mut s = Suite::new();
    let id = dry_lease(&mut s);
    let (g, o, x, t) = (
        s.guardian.clone(),
        s.owner.clone(),
        s.stranger.clone(),
        s.tenant.clone(),
    );
    s.advance(5);
    s.exec(&g, &ExecuteMsg::Pause {}, &[]).unwrap();
    s.advance(GRACE * 3);
    let close = ExecuteMsg::CloseLease {
        lease_id: id,
        reason: REASON_INSUFFICIENT_FUNDS,
    };
    assert!(matches!(
        cerr(&s.err(&x, &close, &[])),
        ContractError::GracePeriodNotOver { .. }
    ));
    s.exec(&o, &ExecuteMsg::Unpause {}, &[]).unwrap();
    s.advance(10);
    assert!(matches!(
        cerr(&s.err(&x, &close, &[])),
        ContractError::GracePeriodNotOver { .. }
    ));
    // 5 + 10 unpaused blocks of grace used: the tenant can still revive it.
    s.exec(&t, &ExecuteMsg::Deposit { lease_id: id }, &coins(500, AKT))
        .unwrap();
    assert_eq!(s.lease(id).status, LeaseStatus::Active);
}

#[test]
fn anyone_may_close_a_dry_lease_after_unpaused_grace_control() {
    let mut s = Suite::new();
    let id = dry_lease(&mut s);
    let x = s.stranger.clone();
    s.advance(GRACE + 1);
    s.exec(
        &x,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: REASON_INSUFFICIENT_FUNDS,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.lease(id).status, LeaseStatus::Closed);
}

#[test]
fn one_missed_heartbeat_does_not_let_anyone_force_a_rollover() {
    let mut s = Suite::new();
    let id = s.open_active("1", 10_000, vec![backup(&s.backup1.clone(), "1")]);
    let x = s.stranger.clone();
    s.advance(HEARTBEAT_TIMEOUT + 1);
    assert!(matches!(
        cerr(&s.err(&x, &ExecuteMsg::Rollover { lease_id: id }, &[])),
        ContractError::ProviderHealthy { .. }
    ));
    s.advance(HEARTBEAT_WINDOW - HEARTBEAT_TIMEOUT - 1);
    assert!(matches!(
        cerr(&s.err(&x, &ExecuteMsg::Rollover { lease_id: id }, &[])),
        ContractError::ProviderHealthy { .. }
    ));
}

#[test]
fn the_backup_that_gains_may_not_force_a_rollover_and_the_slash_is_proportional() {
    let mut s = Suite::new();
    let (b1, x, p, t) = (
        s.backup1.clone(),
        s.stranger.clone(),
        s.provider.clone(),
        s.tenant.clone(),
    );
    let id = s.open_active("1", 10_000, vec![backup(&b1, "1")]);
    s.exec(
        &p,
        &ExecuteMsg::PostBond { lease_id: id },
        &coins(10_000, AKT),
    )
    .unwrap();
    s.advance(HEARTBEAT_WINDOW + 1);
    assert_err(
        s.exec(&b1, &ExecuteMsg::Rollover { lease_id: id }, &[]),
        ContractError::BackupMayNotForce {
            lease_id: id,
            sender: b1.to_string(),
        },
    );
    let tenant_before = s.bank(&t, AKT);
    let res = s
        .exec(&x, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    let e = ev(&res, "spice.escrow.rollover")[0];
    assert_eq!(attr(e, "reason"), REASON_MISSED_HEARTBEATS.to_string());
    // 61 silent blocks of the 200 (10 intervals) for a full slash of 5,000 bps: 1,525 bps.
    assert_eq!(attr(e, "slash_bps"), "1525");
    assert_eq!(s.bank(&t, AKT) - tenant_before, 1_525);
    assert_eq!(s.lease(id).provider, b1);
}

#[test]
fn rollover_never_hands_a_lease_to_a_backup_that_did_not_accept() {
    let mut s = Suite::new();
    let (b1, b2, t, x) = (
        s.backup1.clone(),
        s.backup2.clone(),
        s.tenant.clone(),
        s.stranger.clone(),
    );
    let id = s.open_active_unaccepted("1", 1_000, vec![backup(&b1, "1"), backup(&b2, "2")]);
    assert_err(
        s.exec(&x, &ExecuteMsg::AcceptBackup { lease_id: id }, &[]),
        ContractError::NotABackup {
            lease_id: id,
            sender: x.to_string(),
        },
    );
    let res = s
        .exec(&b2, &ExecuteMsg::AcceptBackup { lease_id: id }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.accept_backup")[0], "provider"),
        b2.to_string()
    );
    let res = s
        .exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    let e = ev(&res, "spice.escrow.rollover")[0];
    assert_eq!(attr(e, "skipped_backups"), b1.to_string());
    assert_eq!(s.lease(id).provider, b2);
    // None left that agreed: the lease closes and refunds.
    let id2 = s.open_active_unaccepted("1", 1_000, vec![backup(&b1, "1")]);
    s.exec(&t, &ExecuteMsg::Rollover { lease_id: id2 }, &[])
        .unwrap();
    let l = s.lease(id2);
    assert_eq!(l.status, LeaseStatus::Closed);
    assert_eq!(l.close_reason, Some(REASON_NO_BACKUP_LEFT));
}

#[test]
fn a_refusing_incentives_contract_cannot_block_withdraw_close_or_rollover() {
    let mut s = Suite::new();
    s.with_failing_incentives();
    let (p, t) = (s.provider.clone(), s.tenant.clone());
    let id = s.open_active("1", 1_000, vec![backup(&s.backup1.clone(), "1")]);
    s.advance(10);
    let res = s
        .exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    assert_eq!(ev(&res, "spice.escrow.incentives_hook_failed").len(), 1);
    s.advance(10);
    s.exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    s.advance(10);
    let res = s
        .exec(
            &t,
            &ExecuteMsg::CloseLease {
                lease_id: id,
                reason: 1,
            },
            &[],
        )
        .unwrap();
    assert_eq!(ev(&res, "spice.escrow.incentives_hook_failed").len(), 1);
    assert_eq!(paid_gross(&s, id), 30);
}

#[test]
fn an_accepting_incentives_contract_gets_the_full_hook_control() {
    let mut s = Suite::new();
    let incentives = s.with_incentives();
    let p = s.provider.clone();
    let id = s.open_active("1", 1_000, vec![]);
    let start = s.app.block_info().time;
    s.advance_live(150);
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    assert_eq!(
        s.hooks(&incentives),
        vec![IncentivesHookMsg::LeaseSettled {
            provider: p.to_string(),
            tenant: s.tenant.to_string(),
            lease_id: id,
            denom: AKT.into(),
            amount: Uint128::new(150),
            take_fee: Uint128::new(1),
            blocks: 150,
            served_from: start,
            served_until: start.plus_seconds(5 * 150),
        }]
    );
}

#[test]
fn a_renewed_grant_does_not_regain_what_the_old_grant_spent() {
    let mut s = Suite::new();
    let (t, sp) = (s.tenant.clone(), s.sponsor.clone());
    let old_lease = s.open_active("1", 100, vec![]);
    let new_lease = s.open_active("1", 100, vec![]);
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(1_000, AKT))
        .unwrap();
    let grant = |limit: u128| ExecuteMsg::Grant {
        grantee: t.to_string(),
        spend_limit: coin(limit, AKT),
        expiration: None,
    };
    let spend = |lease_id: u64, amount: u128| ExecuteMsg::DepositFromGrant {
        lease_id,
        granter: sp.to_string(),
        amount: Uint128::new(amount),
    };
    s.exec(&sp, &grant(100), &[]).unwrap();
    s.exec(&t, &spend(old_lease, 100), &[]).unwrap();
    // Renewed at 50, fully spent on another lease.
    s.exec(&sp, &grant(50), &[]).unwrap();
    s.exec(&t, &spend(new_lease, 50), &[]).unwrap();
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: old_lease,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    // The refund of the old grant's 100 goes back to the sponsor's balance but does not reopen
    // the new grant: the grantee stays at its limit of 50.
    assert_eq!(s.grant_info(&sp, &t).remaining, Uint128::zero());
    assert_err(
        s.exec(&t, &spend(new_lease, 1), &[]),
        ContractError::GrantLimitExceeded {
            granter: sp.to_string(),
            grantee: t.to_string(),
            needed: Uint128::one(),
            remaining: Uint128::zero(),
        },
    );
    assert_eq!(s.prefunded(&sp, AKT), Uint128::new(1_000 - 50));
}

#[test]
fn a_refund_restores_the_same_grant_control() {
    let mut s = Suite::new();
    let (t, sp) = (s.tenant.clone(), s.sponsor.clone());
    let id = s.open_active("1", 100, vec![]);
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(1_000, AKT))
        .unwrap();
    s.exec(
        &sp,
        &ExecuteMsg::Grant {
            grantee: t.to_string(),
            spend_limit: coin(100, AKT),
            expiration: None,
        },
        &[],
    )
    .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::DepositFromGrant {
            lease_id: id,
            granter: sp.to_string(),
            amount: Uint128::new(60),
        },
        &[],
    )
    .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.grant_info(&sp, &t).remaining, Uint128::new(100));
}

#[test]
fn a_one_unit_payout_is_not_all_fee() {
    // Edges: 0, 1, and the largest payout, at the largest fee; the carry makes the total exact.
    assert_eq!(
        take_fee(Uint128::zero(), 1_000, Decimal::zero()).unwrap(),
        (Uint128::zero(), Decimal::zero())
    );
    assert_eq!(
        take_fee(Uint128::one(), 100, Decimal::zero()).unwrap(),
        (Uint128::zero(), Decimal::percent(1))
    );
    assert_eq!(
        take_fee(Uint128::one(), 100, Decimal::percent(99)).unwrap(),
        (Uint128::one(), Decimal::zero())
    );
    assert_eq!(
        take_fee(Uint128::MAX, 1_000, Decimal::zero()).unwrap(),
        (
            Uint128::MAX.multiply_ratio(1u128, 10u128),
            Decimal::percent(50)
        )
    );
    // A hundred 1-unit payouts at 1 % pay exactly one unit of fee.
    let mut carry = Decimal::zero();
    let mut fees = Uint128::zero();
    for _ in 0..100 {
        let (f, c) = take_fee(Uint128::one(), 100, carry).unwrap();
        fees += f;
        carry = c;
    }
    assert_eq!((fees, carry), (Uint128::one(), Decimal::zero()));

    let mut s = Suite::new();
    let id = s.open_active("1", 100, vec![]);
    let p = s.provider.clone();
    s.advance(1);
    let before = s.bank(&p, AKT);
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    assert_eq!(s.bank(&p, AKT) - before, 1);
}

#[test]
fn dead_dry_leases_are_closed_by_the_crank_and_leave_the_depletion_index() {
    let mut s = Suite::new();
    let ids: Vec<u64> = (0..3).map(|_| s.open_active("1", 10, vec![])).collect();
    let live = s.open_active("1", 100_000, vec![]);
    let x = s.stranger.clone();
    s.advance(10 + GRACE + 1);
    let res = s
        .exec(&x, &ExecuteMsg::CloseExpired { limit: Some(2) }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.close_expired")[0], "closed"),
        "2"
    );
    s.exec(&x, &ExecuteMsg::CloseExpired { limit: None }, &[])
        .unwrap();
    for id in &ids {
        let l = s.lease(*id);
        assert_eq!(l.status, LeaseStatus::Closed);
        assert_eq!(l.close_reason, Some(REASON_INSUFFICIENT_FUNDS));
    }
    let below: ThresholdResponse = s.query(&QueryMsg::LeasesBelowThreshold {
        runway_blocks: 1_000_000,
        start_after: None,
        limit: None,
    });
    assert_eq!(
        below.leases.iter().map(|e| e.lease_id).collect::<Vec<_>>(),
        vec![live]
    );
    assert_eq!(s.lease(live).status, LeaseStatus::Active);
}

#[test]
fn the_crank_leaves_leases_within_grace_control() {
    let mut s = Suite::new();
    let id = s.open_active("1", 10, vec![]);
    let x = s.stranger.clone();
    s.advance(10 + GRACE);
    let res = s
        .exec(&x, &ExecuteMsg::CloseExpired { limit: None }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.close_expired")[0], "closed"),
        "0"
    );
    assert!(matches!(
        s.lease(id).status,
        LeaseStatus::InsufficientFunds { .. }
    ));
}
