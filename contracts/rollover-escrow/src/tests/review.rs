//! Second adversarial review of the escrow (findings R2, R4, R5, R6, R7): each attack, named
//! for the attack and its outcome, next to the honest control case. Payments are checked in
//! bank balances and prefunded balances, not only in the lease's counters.

use cosmwasm_std::{coin, coins, Addr, Uint128};
use cw_multi_test::Executor;

use super::suite::{assert_err, attr, ev, Suite, AKT, GRACE, HEARTBEAT_TIMEOUT, HEARTBEAT_WINDOW};
use crate::execute::health::MAX_LAPSES;
use crate::execute::ledger::{MAX_GRANT_ENTRIES, REASON_INSUFFICIENT_FUNDS};
use crate::msg::ExecuteMsg;
use crate::state::LeaseStatus;
use crate::ContractError;

fn beat(s: &mut Suite, p: &Addr) {
    s.exec(p, &ExecuteMsg::Heartbeat { lease_id: None }, &[])
        .unwrap();
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

fn close_by_tenant(s: &mut Suite, id: u64) {
    let t = s.tenant.clone();
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
}

/// Bank movements of (provider + fee collector, tenant) while `f` runs: what the provider side
/// was paid gross, and what the tenant got back.
fn flows(s: &mut Suite, f: impl FnOnce(&mut Suite)) -> (u128, u128) {
    let (p, t, fc) = (
        s.provider.clone(),
        s.tenant.clone(),
        s.fee_collector.clone(),
    );
    let (p0, t0, f0) = (s.bank(&p, AKT), s.bank(&t, AKT), s.bank(&fc, AKT));
    f(s);
    (
        s.bank(&p, AKT) - p0 + s.bank(&fc, AKT) - f0,
        s.bank(&t, AKT) - t0,
    )
}

// ---- R2: an outage can never be erased by later lapses ------------------------------------

#[test]
fn provider_lapsing_many_more_times_never_erases_its_first_outage() {
    let mut s = Suite::new();
    let p = s.provider.clone();
    let id = s.open_active("1", 10_000, vec![]);
    let start = s.height();
    s.advance(10);
    beat(&mut s, &p);
    let seen = s.height();
    // The outage: silent for two windows, failed at seen + window.
    s.advance(2 * HEARTBEAT_WINDOW);
    beat(&mut s, &p);
    // Then cheap lapses, more than the remembered number, each just past the window.
    for i in 0..MAX_LAPSES + 1 {
        s.advance(HEARTBEAT_WINDOW + 1);
        let res = s
            .exec(&p, &ExecuteMsg::Heartbeat { lease_id: None }, &[])
            .unwrap();
        let e = ev(&res, "spice.escrow.heartbeat")[0];
        assert_eq!(
            attr(e, "lapse_until"),
            s.height().to_string(),
            "every late heartbeat records its outage"
        );
        // The list is full from the 8th outage on: from then on two merge, none is dropped.
        assert_eq!(attr(e, "merged_lapses"), (i + 2 > MAX_LAPSES).to_string());
        assert_eq!(attr(e, "lapses"), (i + 2).min(MAX_LAPSES).to_string());
    }
    let failed_at = seen + HEARTBEAT_WINDOW;
    let (paid, refunded) = flows(&mut s, |s| close_by_tenant(s, id));
    assert_eq!(paid, u128::from(failed_at - start));
    assert_eq!(refunded, 10_000 - paid);
}

#[test]
fn provider_heartbeating_on_time_is_paid_every_block_control() {
    let mut s = Suite::new();
    let id = s.open_active("1", 10_000, vec![]);
    let start = s.height();
    // As many intervals as the attack above spans, never late.
    s.advance_live(12 * HEARTBEAT_WINDOW);
    let served = s.height() - start;
    let (paid, refunded) = flows(&mut s, |s| close_by_tenant(s, id));
    assert_eq!(paid, u128::from(served));
    assert_eq!(refunded, 10_000 - paid);
}

// ---- R4: silence after a lease stopped owing service is not slashed ----------------------

#[test]
fn silence_after_the_lease_ran_dry_is_not_slashed() {
    let mut s = Suite::new();
    let (p, t, x) = (s.provider.clone(), s.tenant.clone(), s.stranger.clone());
    let id = s.open_active("1", 50, vec![]);
    s.exec(
        &p,
        &ExecuteMsg::PostBond { lease_id: id },
        &coins(1_000, AKT),
    )
    .unwrap();
    // Beats at +20 and +40; the lease runs dry at +50; then the provider goes quiet.
    s.advance_live(2 * HEARTBEAT_TIMEOUT);
    s.advance(10 + GRACE + 10 * HEARTBEAT_WINDOW);
    let (p0, t0) = (s.bank(&p, AKT), s.bank(&t, AKT));
    let res = s
        .exec(&x, &ExecuteMsg::CloseExpired { limit: None }, &[])
        .unwrap();
    let bond = ev(&res, "spice.escrow.bond_settled");
    assert_eq!(attr(bond[0], "slashed"), "0");
    assert_eq!(s.lease(id).close_reason, Some(REASON_INSUFFICIENT_FUNDS));
    // The whole bond back, and the 50 blocks served (the 1% fee, 0.5, is carried).
    assert_eq!(s.bank(&p, AKT) - p0, 1_000 + 50);
    assert_eq!(s.bank(&t, AKT), t0);
}

#[test]
fn lapse_while_funded_is_slashed_control() {
    let mut s = Suite::new();
    let (p, t) = (s.provider.clone(), s.tenant.clone());
    let id = s.open_active("1", 1_000, vec![]);
    s.exec(
        &p,
        &ExecuteMsg::PostBond { lease_id: id },
        &coins(1_000, AKT),
    )
    .unwrap();
    let start = s.height();
    // Silent from the start for the full-slash span (10 intervals): slashed 50% (5 000 bps).
    s.advance(10 * HEARTBEAT_TIMEOUT);
    let t0 = s.bank(&t, AKT);
    close_by_tenant(&mut s, id);
    let served = HEARTBEAT_WINDOW;
    assert_eq!(
        s.lease(id).total_paid + s.lease(id).total_fees,
        Uint128::from(served)
    );
    assert_eq!(
        s.bank(&t, AKT) - t0,
        500 + 1_000 - u128::from(served),
        "half the bond slashed to the tenant, the unserved rest refunded (start {start})"
    );
}

// ---- R5: leases the crank cannot close never block it ------------------------------------

/// Five failed-but-funded leases (a monitor's report stopped their stream, so they never run
/// dry) sit at the head of the depletion index, ahead of one dry lease past its grace.
fn blocked_queue(s: &mut Suite, blockers: usize) -> (Vec<u64>, u64) {
    let m = s.monitor.clone();
    let ids: Vec<u64> = (0..blockers)
        .map(|_| s.open_active("1", 10, vec![]))
        .collect();
    s.advance(2);
    for id in &ids {
        report(s, &m, *id);
    }
    let dry = s.open_active("1", 12, vec![]);
    s.advance_live(12 + GRACE + 1);
    (ids, dry)
}

#[test]
fn unclosable_leases_at_the_head_never_block_close_expired() {
    let mut s = Suite::new();
    let x = s.stranger.clone();
    let (blockers, dry) = blocked_queue(&mut s, 5);
    let mut calls = 0;
    while s.lease(dry).status != LeaseStatus::Closed {
        calls += 1;
        assert!(calls <= 4, "not closed within 4 calls of limit 2");
        s.exec(&x, &ExecuteMsg::CloseExpired { limit: Some(2) }, &[])
            .unwrap();
    }
    assert_eq!(s.lease(dry).close_reason, Some(REASON_INSUFFICIENT_FUNDS));
    // At the end of the index the walk wraps to the oldest entries, still `limit` at most.
    let res = s
        .exec(&x, &ExecuteMsg::CloseExpired { limit: Some(2) }, &[])
        .unwrap();
    let e = ev(&res, "spice.escrow.close_expired")[0];
    assert_eq!(
        (attr(e, "closed"), attr(e, "looked_at")),
        ("0".to_string(), "2".to_string())
    );
    let first = s.lease(blockers[1]);
    assert_eq!(
        attr(e, "next"),
        format!("{},{}", first.depletion_height.unwrap(), blockers[1])
    );
    // The failed leases stay open and funded: only the tenant or a rollover ends them.
    for id in blockers {
        let l = s.lease(id);
        assert_eq!(l.status, LeaseStatus::Active);
        assert_eq!(l.balance, Uint128::new(8));
    }
}

#[test]
fn a_dry_lease_with_nothing_ahead_closes_in_one_call_control() {
    let mut s = Suite::new();
    let x = s.stranger.clone();
    let (_, dry) = blocked_queue(&mut s, 0);
    let res = s
        .exec(&x, &ExecuteMsg::CloseExpired { limit: Some(2) }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.close_expired")[0], "closed"),
        "1"
    );
    assert_eq!(s.lease(dry).status, LeaseStatus::Closed);
}

// ---- R6: a tenant's report never cuts blocks the provider proved it served ----------------

#[test]
fn tenant_report_right_after_a_heartbeat_never_cuts_served_blocks_at_close() {
    let mut s = Suite::new();
    let (p, t) = (s.provider.clone(), s.tenant.clone());
    let id = s.open_active("1", 1_000, vec![]);
    let start = s.height();
    s.advance(HEARTBEAT_TIMEOUT);
    beat(&mut s, &p);
    let h = s.height();
    s.advance(1);
    report(&mut s, &t, id);
    s.advance(HEARTBEAT_WINDOW - 2);
    let (paid, refunded) = flows(&mut s, |s| close_by_tenant(s, id));
    // Paid through the heartbeat and up to the report (blocks before a report stay paid).
    assert_eq!(paid, u128::from(h + 1 - start));
    assert_eq!(refunded, 1_000 - paid);
}

#[test]
fn tenant_report_right_after_a_heartbeat_never_cuts_served_blocks_at_rollover() {
    let mut s = Suite::new();
    let (p, t, b) = (s.provider.clone(), s.tenant.clone(), s.backup1.clone());
    let id = s.open_active("1", 1_000, vec![super::suite::backup(&b, "1")]);
    let start = s.height();
    s.advance(HEARTBEAT_TIMEOUT);
    beat(&mut s, &p);
    let h = s.height();
    s.advance(1);
    report(&mut s, &t, id);
    s.advance(HEARTBEAT_WINDOW - 2);
    let (paid, refunded) = flows(&mut s, |s| {
        s.exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[])
            .unwrap();
    });
    assert_eq!(paid, u128::from(h + 1 - start));
    assert_eq!(refunded, 0);
    let l = s.lease(id);
    assert_eq!(l.provider, b);
    assert_eq!(l.balance, Uint128::from(1_000 - paid));
}

#[test]
fn provider_heartbeating_through_a_tenant_report_is_paid_every_block_control() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let id = s.open_active("1", 1_000, vec![]);
    let start = s.height();
    s.advance_live(HEARTBEAT_TIMEOUT);
    report(&mut s, &t, id);
    s.advance_live(2 * HEARTBEAT_TIMEOUT);
    let served = s.height() - start;
    let (paid, _) = flows(&mut s, |s| close_by_tenant(s, id));
    assert_eq!(paid, u128::from(served));
}

// ---- R7: one granter's renewals never fill the grant bucket ------------------------------

fn grant(s: &mut Suite, granter: &Addr, grantee: &Addr, amount: u128) {
    s.exec(
        granter,
        &ExecuteMsg::Grant {
            grantee: grantee.to_string(),
            spend_limit: coin(amount, AKT),
            expiration: None,
        },
        &[],
    )
    .unwrap();
}

fn spend(
    s: &mut Suite,
    grantee: &Addr,
    granter: &Addr,
    id: u64,
    amount: u128,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    s.exec(
        grantee,
        &ExecuteMsg::DepositFromGrant {
            lease_id: id,
            granter: granter.to_string(),
            amount: Uint128::new(amount),
        },
        &[],
    )
}

#[test]
fn one_sponsor_renewing_its_grant_ten_times_never_fills_the_grant_bucket() {
    let mut s = Suite::new();
    let (t, sp) = (s.tenant.clone(), s.sponsor.clone());
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(10_000, AKT))
        .unwrap();
    let id = s.open_active("1", 1_000, vec![]);
    for _ in 0..10 {
        grant(&mut s, &sp, &t, 100);
        spend(&mut s, &t, &sp, id, 100).unwrap();
        s.advance_live(1);
    }
    assert_eq!(s.prefunded(&sp, AKT), Uint128::new(9_000));
    let l = s.lease(id);
    assert_eq!(l.deposits.len(), 2, "{:?}", l.deposits);
    // Blocks are paid from the tenant's own (oldest) deposit, so the sponsor gets all 1 000
    // back into its balance; the current grant gets back only what it spent itself.
    close_by_tenant(&mut s, id);
    assert_eq!(s.prefunded(&sp, AKT), Uint128::new(10_000));
    let g = s.grant_info(&sp, &t);
    assert_eq!((g.spent, g.remaining), (Uint128::zero(), Uint128::new(100)));
}

#[test]
fn a_renewed_grant_never_regains_what_earlier_grants_spent() {
    let mut s = Suite::new();
    let (t, sp) = (s.tenant.clone(), s.sponsor.clone());
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(10_000, AKT))
        .unwrap();
    // Lease a is paid from the sponsor's deposits: 300 in under the first grant, then 40
    // under the renewed one (limit 50), merged into one entry. The renewed grant's other 10
    // go to lease b.
    let a = s.open_active("1", 1, vec![]);
    let b = s.open_active("1", 1_000, vec![]);
    grant(&mut s, &sp, &t, 300);
    spend(&mut s, &t, &sp, a, 300).unwrap();
    grant(&mut s, &sp, &t, 50);
    spend(&mut s, &t, &sp, a, 40).unwrap();
    spend(&mut s, &t, &sp, b, 10).unwrap();
    assert_eq!(s.lease(a).deposits.len(), 2);
    s.advance_live(HEARTBEAT_TIMEOUT);
    // 20 blocks paid on a: 1 from the tenant, 19 from the first grant's part (a deposit
    // drops what is spent from the entries, the first grant's part first).
    s.exec(&t, &ExecuteMsg::Deposit { lease_id: a }, &coins(5, AKT))
        .unwrap();
    close_by_tenant(&mut s, a);
    assert_eq!(s.prefunded(&sp, AKT), Uint128::new(10_000 - 10 - 19));
    let g = s.grant_info(&sp, &t);
    // Only the renewed grant's own 40 come back to its limit: the 10 in lease b stay spent.
    assert_eq!((g.spent, g.remaining), (Uint128::new(10), Uint128::new(40)));
}

#[test]
fn hostile_dust_granters_cannot_lock_out_the_tenant() {
    let mut s = Suite::new();
    let (t, sp) = (s.tenant.clone(), s.sponsor.clone());
    let id = s.open_active("1", 1_000, vec![]);
    let hostile: Vec<Addr> = (0..MAX_GRANT_ENTRIES)
        .map(|i| s.app.api().addr_make(&format!("hostile{i}")))
        .collect();
    let x = s.stranger.clone();
    for h in &hostile {
        s.app
            .send_tokens(x.clone(), h.clone(), &coins(10, AKT))
            .unwrap();
        s.exec(h, &ExecuteMsg::FundBalance {}, &coins(1, AKT))
            .unwrap();
        // A grant to the tenant is spent only by the tenant; the granter cannot push it in.
        grant(&mut s, h, &t, 1);
        assert_err(
            spend(&mut s, h, h, id, 1),
            ContractError::GrantNotFound {
                granter: h.to_string(),
                grantee: h.to_string(),
            },
        );
        // Nor through an accomplice it granted to.
        grant(&mut s, h, &x, 1);
        assert_err(
            spend(&mut s, &x, h, id, 1),
            ContractError::GrantNotForLease {
                lease_id: id,
                tenant: t.to_string(),
            },
        );
    }
    assert_eq!(s.lease(id).deposits.len(), 1);
    // The tenant, its own sponsor's grant (renewed) and a sponsor's bank deposit all still fund.
    s.exec(&t, &ExecuteMsg::Deposit { lease_id: id }, &coins(5, AKT))
        .unwrap();
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(1_000, AKT))
        .unwrap();
    for _ in 0..MAX_GRANT_ENTRIES + 1 {
        grant(&mut s, &sp, &t, 10);
        spend(&mut s, &t, &sp, id, 10).unwrap();
    }
    s.exec(&sp, &ExecuteMsg::Deposit { lease_id: id }, &coins(5, AKT))
        .unwrap();
    let l = s.lease(id);
    assert_eq!(l.deposits.len(), 3, "{:?}", l.deposits);
    assert_eq!(l.balance, Uint128::new(1_000 + 5 + 70 + 5));
}

// ---- R6 as a property: any interleaving of heartbeats and tenant reports ------------------

#[derive(Debug, Clone)]
enum Step {
    Advance(u64),
    Beat,
    Report,
    Settle,
    Withdraw,
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        3 => (1u64..=HEARTBEAT_TIMEOUT).prop_map(Step::Advance),
        2 => Just(Step::Beat),
        2 => Just(Step::Report),
        1 => Just(Step::Settle),
        1 => Just(Step::Withdraw),
    ]
}

proptest::proptest! {
    /// A provider that never misses its window is paid at least through its last heartbeat,
    /// whatever the tenant reports, at close and at rollover; the tenant gets exactly the rest.
    #[test]
    fn tenant_reports_never_cut_blocks_before_the_last_heartbeat(
        steps in proptest::collection::vec(step(), 1..40),
        rollover in proptest::bool::ANY,
    ) {
        let mut s = Suite::new();
        let (p, t, b) = (s.provider.clone(), s.tenant.clone(), s.backup1.clone());
        let id = s.open_active("1", 100_000, vec![super::suite::backup(&b, "1")]);
        let start = s.height();
        let mut last_beat = start;
        let (paid, refunded) = flows(&mut s, |s| {
            for st in &steps {
                match st {
                    Step::Advance(n) => {
                        // Never late: beat first when the advance would pass the interval.
                        if s.height() + n > last_beat + HEARTBEAT_TIMEOUT {
                            beat(s, &p);
                            last_beat = s.height();
                        }
                        s.advance(*n);
                    }
                    Step::Beat => {
                        beat(s, &p);
                        last_beat = s.height();
                    }
                    Step::Report => report(s, &t, id),
                    Step::Settle => {
                        s.exec(&t, &ExecuteMsg::Settle { lease_id: id }, &[]).unwrap();
                    }
                    Step::Withdraw => {
                        let l = s.lease(id);
                        let res = s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[]);
                        // Refused only when nothing is owed, and then nothing moved.
                        if l.earned.is_zero() {
                            assert_err(res, ContractError::NothingToWithdraw { lease_id: id });
                        } else {
                            res.unwrap();
                        }
                    }
                }
            }
            if rollover {
                s.exec(&t, &ExecuteMsg::Rollover { lease_id: id }, &[]).unwrap();
            } else {
                close_by_tenant(s, id);
            }
        });
        let end = s.height();
        proptest::prop_assert!(paid >= u128::from(last_beat - start), "paid {} < {}", paid, last_beat - start);
        proptest::prop_assert!(paid <= u128::from(end - start));
        if rollover {
            proptest::prop_assert_eq!(refunded, 0);
            proptest::prop_assert_eq!(s.lease(id).balance, Uint128::from(100_000 - paid));
        } else {
            proptest::prop_assert_eq!(refunded, 100_000 - paid);
        }
    }
}

// Second review: merged outages spanning a term's start, and the close cursor.

fn merged_case(merge: bool) -> (String, u128) {
    let mut s = Suite::new();
    let (p, x) = (s.provider.clone(), s.stranger.clone());
    let _a = s.open_active("1", 1_000_000, vec![]);
    // L1: an outage before lease B exists.
    s.advance(2 * HEARTBEAT_WINDOW);
    beat(&mut s, &p);
    s.advance(5);
    beat(&mut s, &p);
    let id = s.open_active("1", 100, vec![]);
    s.exec(
        &p,
        &ExecuteMsg::PostBond { lease_id: id },
        &coins(1_000, AKT),
    )
    .unwrap();
    // B is served every block until it runs dry at +100, then settled (InsufficientFunds).
    s.advance_live(5 * HEARTBEAT_WINDOW);
    s.exec(&x, &ExecuteMsg::Settle { lease_id: id }, &[])
        .unwrap();
    // L2: a short outage long after B ran dry.
    s.advance(HEARTBEAT_WINDOW + 1);
    beat(&mut s, &p);
    {
        // Later outages, farther apart than L1..L2: the 9th record merges L1 and L2.
        for _ in 0..if merge {
            MAX_LAPSES - 1
        } else {
            MAX_LAPSES - 2
        } {
            s.advance_live(20 * HEARTBEAT_WINDOW);
            s.advance(HEARTBEAT_WINDOW + 1);
            beat(&mut s, &p);
        }
    }
    let res = s
        .exec(&x, &ExecuteMsg::CloseExpired { limit: None }, &[])
        .unwrap();
    let bond = ev(&res, "spice.escrow.bond_settled");
    let slashed = attr(bond[0], "slashed").to_string();
    let paid = s.lease(id).total_paid.u128() + s.lease(id).total_fees.u128();
    (slashed, paid)
}

#[test]
fn merged_outages_never_slash_a_lease_served_to_the_end() {
    let control = merged_case(false);
    let merged = merged_case(true);
    assert_eq!(control.0, "0", "control: no slash");
    assert_eq!(
        merged, control,
        "merging older outages changed a settled lease's slash"
    );
}

fn merged_active(merge: bool) -> (u128, u128) {
    let mut s = Suite::new();
    let p = s.provider.clone();
    let _a = s.open_active("1", 1_000_000, vec![]);
    s.advance(2 * HEARTBEAT_WINDOW);
    beat(&mut s, &p);
    s.advance(5);
    beat(&mut s, &p);
    let id = s.open_active("1", 100_000, vec![]);
    s.exec(
        &p,
        &ExecuteMsg::PostBond { lease_id: id },
        &coins(1_000, AKT),
    )
    .unwrap();
    s.advance_live(5 * HEARTBEAT_WINDOW);
    s.advance(HEARTBEAT_WINDOW + 1);
    beat(&mut s, &p);
    if merge {
        for _ in 0..MAX_LAPSES - 1 {
            s.advance_live(20 * HEARTBEAT_WINDOW);
            s.advance(HEARTBEAT_WINDOW + 1);
            beat(&mut s, &p);
        }
    }
    flows(&mut s, |s| close_by_tenant(s, id))
}

#[test]
fn merged_outages_never_cut_an_active_lease_earlier() {
    let control = merged_active(false);
    let merged = merged_active(true);
    assert_eq!(
        merged, control,
        "(provider side paid, tenant refunded incl. slash)"
    );
}

#[test]
fn a_zero_limit_call_cannot_reset_the_close_cursor() {
    let mut s = Suite::new();
    let (x, k) = (s.stranger.clone(), s.tenant.clone());
    let (_, dry) = blocked_queue(&mut s, 5);
    for _ in 0..4 {
        s.exec(&k, &ExecuteMsg::CloseExpired { limit: Some(2) }, &[])
            .unwrap();
        // the griefer, between the keeper's calls
        s.exec(&x, &ExecuteMsg::CloseExpired { limit: Some(0) }, &[])
            .unwrap();
    }
    assert_eq!(
        s.lease(dry).status,
        LeaseStatus::Closed,
        "dry lease starved by cursor resets"
    );
}

/// The slash a provider takes at close when its lease ran dry, it went quiet (owing nothing,
/// R4), and the tenant revived the lease with a deposit (or not) before the grace ended.
fn slash_after_dry_silence(revive: bool) -> String {
    let mut s = Suite::new();
    let (p, t, x, o) = (
        s.provider.clone(),
        s.tenant.clone(),
        s.stranger.clone(),
        s.owner.clone(),
    );
    s.exec(
        &o,
        &ExecuteMsg::UpdateConfig(crate::msg::ConfigUpdate {
            grace_period_blocks: Some(600),
            ..Default::default()
        }),
        &[],
    )
    .unwrap();
    let id = s.open_active("1", 50, vec![]);
    s.exec(
        &p,
        &ExecuteMsg::PostBond { lease_id: id },
        &coins(1_000, AKT),
    )
    .unwrap();
    s.advance_live(2 * HEARTBEAT_TIMEOUT);
    // Dry at +50; the provider, owed nothing, goes quiet; within grace the tenant deposits.
    s.advance(10 + 10 * HEARTBEAT_TIMEOUT);
    s.exec(&x, &ExecuteMsg::Settle { lease_id: id }, &[])
        .unwrap();
    if revive {
        s.exec(
            &t,
            &ExecuteMsg::Deposit { lease_id: id },
            &coins(1_000, AKT),
        )
        .unwrap();
        // The provider answers within its fresh window and serves.
        s.advance_live(HEARTBEAT_TIMEOUT);
    }
    if !revive {
        s.advance(600);
    }
    let res = if revive {
        s.exec(
            &t,
            &ExecuteMsg::CloseLease {
                lease_id: id,
                reason: 1,
            },
            &[],
        )
        .unwrap()
    } else {
        s.exec(&x, &ExecuteMsg::CloseExpired { limit: None }, &[])
            .unwrap()
    };
    attr(ev(&res, "spice.escrow.bond_settled")[0], "slashed").to_string()
}

#[test]
fn reviving_a_dry_lease_never_makes_the_dry_silence_slashable() {
    assert_eq!(slash_after_dry_silence(false), "0");
    assert_eq!(slash_after_dry_silence(true), "0");
}
