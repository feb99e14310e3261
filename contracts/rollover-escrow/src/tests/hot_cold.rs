//! The hot/cold split (issue 23): settle, withdraw, deposit, top-up, heartbeat and failure
//! reports write only the lease's small hot record; messages that change the rest write the
//! whole lease and drop the hot record; a lease without one (as every lease stored before the
//! split) is read from its full record, so every query answers the same either way.

use cosmwasm_std::{coins, Binary};

use super::suite::{backup, Suite, AKT};
use crate::msg::ExecuteMsg;
use crate::state::{leases, LEASE_HOT};

fn raw(s: &Suite, key: &[u8]) -> Option<Binary> {
    s.app
        .wrap()
        .query_wasm_raw(&s.escrow, key.to_vec())
        .unwrap()
        .map(Binary::from)
}

fn full(s: &Suite, id: u64) -> Option<Binary> {
    raw(s, &leases().key(id))
}

fn hot(s: &Suite, id: u64) -> Option<Binary> {
    raw(s, &LEASE_HOT.key(id))
}

#[test]
fn hot_paths_write_only_the_hot_record_and_full_saves_drop_it() {
    let mut s = Suite::new();
    let (t, p, m) = (s.tenant.clone(), s.provider.clone(), s.monitor.clone());
    let b1 = s.backup1.clone();
    let id = s.open_active("1.5", 100_000, vec![]);
    // Opened and accepted: full saves only.
    let stored = full(&s, id).expect("stored");
    assert_eq!(hot(&s, id), None);

    s.advance_live(30);
    let k = s.keeper.clone();
    s.exec(&k, &ExecuteMsg::Settle { lease_id: id }, &[])
        .unwrap();
    assert!(hot(&s, id).is_some());
    s.advance_live(10);
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    s.exec(&t, &ExecuteMsg::Deposit { lease_id: id }, &coins(500, AKT))
        .unwrap();
    s.exec(
        &m,
        &ExecuteMsg::ReportFailure {
            lease_id: id,
            reason: 10_005,
        },
        &[],
    )
    .unwrap();
    // None of them rewrote the full record.
    assert_eq!(full(&s, id), Some(stored.clone()));
    let view = s.lease(id);
    assert_eq!(view.total_deposited.u128(), 100_500);
    assert!(view.total_paid.u128() > 0);

    // A cold change (the standby list) writes the whole lease and drops the hot record.
    s.exec(
        &t,
        &ExecuteMsg::SetBackups {
            lease_id: id,
            backups: vec![backup(&b1, "1")],
        },
        &[],
    )
    .unwrap();
    assert_eq!(hot(&s, id), None);
    assert_ne!(full(&s, id), Some(stored));
    let mut after = s.lease(id);
    assert_eq!(after.backups.len(), 1);
    after.backups = view.backups.clone();
    assert_eq!(after, view, "the full save carried every hot field");
}

/// A lease stored before the split has no hot record: it is read from its full record, and its
/// first hot write splits it.
#[test]
fn a_lease_without_a_hot_record_reads_from_its_full_record() {
    let mut s = Suite::new();
    let p = s.provider.clone();
    let id = s.open_active("2", 10_000, vec![]);
    s.advance_live(20);
    let before = s.lease(id);
    assert_eq!(hot(&s, id), None);
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    assert!(hot(&s, id).is_some());
    let after = s.lease(id);
    assert_eq!(after.total_paid + after.total_fees, before.earned);
    assert_eq!(after.balance, before.balance);
}

/// Records stored before the short names (every 0.1/0.2 lease) still read, and new writes use
/// the short names.
#[test]
fn long_field_names_of_older_records_still_read() {
    use crate::state::{Health, LeaseTotals, Stream};
    let stream: Stream = cosmwasm_std::from_json(
        br#"{"settled_height":7,"carry":"0.5","earned":"3","earned_blocks":2}"#,
    )
    .unwrap();
    assert_eq!(stream.settled_height, 7);
    assert_eq!(stream.carry, cosmwasm_std::Decimal::percent(50));
    assert_eq!(stream.fee_carry, cosmwasm_std::Decimal::zero());
    let totals: LeaseTotals =
        cosmwasm_std::from_json(br#"{"deposited":"10","paid":"1","fees":"0","refunded":"2"}"#)
            .unwrap();
    assert_eq!(totals.refunded.u128(), 2);
    let health: Health =
        cosmwasm_std::from_json(br#"{"last_heartbeat":5,"failure":null,"rollovers":1}"#).unwrap();
    assert_eq!(health.rollovers, 1);
    let json = cosmwasm_std::to_json_string(&health).unwrap();
    assert_eq!(json, r#"{"lh":5,"ro":1}"#);
}

fn deposits_raw(s: &Suite, id: u64) -> String {
    let raw = raw(s, &crate::state::DEPOSITS.key(id)).expect("a deposit list");
    String::from_utf8(raw.to_vec()).unwrap()
}

/// Deposit lists as the ledger writes them are compact (short names, the tenant's own entries
/// without its address), lists in the long form (`open_lease`'s, every list stored before)
/// still read, and the query answers the same entries either way.
#[test]
fn deposit_lists_are_written_compact_and_the_long_form_still_reads() {
    use crate::state::{DepositEntry, DepositSource};
    let mut s = Suite::new();
    let (t, sp) = (s.tenant.clone(), s.sponsor.clone());
    let id = s.open_active("1", 10_000, vec![]);
    // As open_lease stored it: the long form, with the tenant's address.
    let long = deposits_raw(&s, id);
    assert!(
        long.contains("\"depositor\"") && long.contains(t.as_str()),
        "{long}"
    );
    assert_eq!(
        s.lease(id).deposits,
        vec![DepositEntry {
            depositor: t.clone(),
            source: DepositSource::Bank,
            amount: 10_000u128.into(),
        }]
    );

    s.exec(&t, &ExecuteMsg::Deposit { lease_id: id }, &coins(500, AKT))
        .unwrap();
    // Only the tenant's own bank deposit: the list lives in the hot record, the stored one is
    // neither read nor written.
    assert_eq!(deposits_raw(&s, id), long);
    assert_eq!(
        s.lease(id).deposits,
        vec![DepositEntry {
            depositor: t.clone(),
            source: DepositSource::Bank,
            amount: 10_500u128.into(),
        }]
    );
    s.exec(
        &sp,
        &ExecuteMsg::Deposit { lease_id: id },
        &coins(2_000, AKT),
    )
    .unwrap();
    let compact = deposits_raw(&s, id);
    assert!(!compact.contains(t.as_str()), "{compact}");
    assert!(compact.contains(sp.as_str()), "{compact}");
    assert!(!compact.contains("\"depositor\""), "{compact}");
    assert_eq!(
        s.lease(id).deposits,
        vec![
            DepositEntry {
                depositor: t.clone(),
                source: DepositSource::Bank,
                amount: 10_500u128.into(),
            },
            DepositEntry {
                depositor: sp.clone(),
                source: DepositSource::Bank,
                amount: 2_000u128.into(),
            },
        ]
    );
    // Closing refunds each depositor from the compact list.
    let (tenant_before, sponsor_before) = (s.bank(&t, AKT), s.bank(&sp, AKT));
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.bank(&sp, AKT), sponsor_before + 2_000);
    assert_eq!(s.bank(&t, AKT), tenant_before + 10_500);
    assert_eq!(s.lease(id).deposits, vec![]);
    assert_eq!(raw(&s, &crate::state::DEPOSITS.key(id)), None);
}

/// The tenant's sole deposit kept in the hot record: refunded in full at close, and the list
/// moves back to `DEPOSITS` when another depositor comes, and back again when only the tenant's
/// is left.
#[test]
fn a_tenant_only_deposit_list_refunds_and_moves_between_the_hot_record_and_the_list() {
    use crate::state::{DepositEntry, DepositSource};
    let mut s = Suite::new();
    let (t, sp, p) = (s.tenant.clone(), s.sponsor.clone(), s.provider.clone());
    let id = s.open_active("10", 1_000, vec![]);
    s.exec(
        &t,
        &ExecuteMsg::Deposit { lease_id: id },
        &coins(1_000, AKT),
    )
    .unwrap();
    s.exec(
        &sp,
        &ExecuteMsg::Deposit { lease_id: id },
        &coins(1_000, AKT),
    )
    .unwrap();
    // 250 blocks at 10 spend 2,500: the tenant's 2,000 and 500 of the sponsor's.
    s.advance_live(250);
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    // The tenant deposits again: the sponsor's 500 left stay the older entry, the tenant's
    // spent entry is dropped and its new one comes after.
    s.exec(&t, &ExecuteMsg::Deposit { lease_id: id }, &coins(700, AKT))
        .unwrap();
    let entry = |who: &cosmwasm_std::Addr, amount: u128| DepositEntry {
        depositor: who.clone(),
        source: DepositSource::Bank,
        amount: amount.into(),
    };
    assert_eq!(s.lease(id).deposits, vec![entry(&sp, 500), entry(&t, 700)]);
    // 50 more blocks spend the sponsor's 500: the next deposit leaves only the tenant's.
    s.advance_live(50);
    s.exec(&t, &ExecuteMsg::Deposit { lease_id: id }, &coins(300, AKT))
        .unwrap();
    assert_eq!(s.lease(id).deposits, vec![entry(&t, 1_000)]);
    let (tenant_before, sponsor_before) = (s.bank(&t, AKT), s.bank(&sp, AKT));
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.bank(&sp, AKT), sponsor_before);
    assert_eq!(s.bank(&t, AKT), tenant_before + 1_000);
    assert_eq!(s.lease(id).deposits, vec![]);
}

/// Hot fields at their default are not stored (30 gas a byte on every hot write) and read back
/// as the default.
#[test]
fn hot_records_leave_out_default_fields() {
    let mut s = Suite::new();
    let p = s.provider.clone();
    let id = s.open_active("2", 10_000, vec![]);
    s.advance_live(20);
    let before = s.lease(id);
    s.exec(&p, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    let stored = String::from_utf8(hot(&s, id).expect("hot record").to_vec()).unwrap();
    for absent in ["\"fl\"", "\"ro\"", "\"r\"", "\"e\"", "\"eb\"", "null"] {
        assert!(!stored.contains(absent), "{absent} in {stored}");
    }
    let after = s.lease(id);
    assert_eq!(after.failure, None);
    assert_eq!(after.rollovers, 0);
    assert_eq!(after.earned.u128(), 0);
    assert_eq!(after.total_refunded.u128(), 0);
    assert_eq!(after.total_paid + after.total_fees, before.earned);
}

/// Only the tenant's own bank deposit is kept in the hot record: a list left with one entry of
/// anyone else (here a sponsor's, after the tenant's was spent) stays in `DEPOSITS` with its
/// depositor, and the close refunds the sponsor, not the tenant.
#[test]
fn a_sole_sponsor_entry_is_refunded_to_the_sponsor() {
    use crate::state::{DepositEntry, DepositSource};
    let mut s = Suite::new();
    let (t, sp) = (s.tenant.clone(), s.sponsor.clone());
    let id = s.open_active("10", 1_000, vec![]);
    s.exec(
        &sp,
        &ExecuteMsg::Deposit { lease_id: id },
        &coins(1_000, AKT),
    )
    .unwrap();
    // 150 blocks at 10 spend the tenant's 1,000 and 500 of the sponsor's.
    s.advance_live(150);
    s.exec(
        &sp,
        &ExecuteMsg::Deposit { lease_id: id },
        &coins(1_000, AKT),
    )
    .unwrap();
    assert_eq!(
        s.lease(id).deposits,
        vec![DepositEntry {
            depositor: sp.clone(),
            source: DepositSource::Bank,
            amount: 1_500u128.into(),
        }]
    );
    let (tenant_before, sponsor_before) = (s.bank(&t, AKT), s.bank(&sp, AKT));
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.bank(&sp, AKT), sponsor_before + 1_500);
    assert_eq!(s.bank(&t, AKT), tenant_before);
}
