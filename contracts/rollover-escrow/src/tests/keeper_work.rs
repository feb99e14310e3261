//! `keeper_work`: one query lists the action each lease needs now, with its bounty, paged off
//! the depletion index; each listed action then succeeds and pays the bounty listed.

use cosmwasm_std::{coin, coins};

use super::suite::{attr, ev, Suite, AKT, GRACE, HEARTBEAT_WINDOW};
use crate::msg::{ExecuteMsg, KeeperWork, KeeperWorkResponse, QueryMsg};
use crate::state::TopUpSource;

fn work(s: &Suite, start_after: Option<(u64, u64)>, limit: Option<u32>) -> KeeperWorkResponse {
    s.query(&QueryMsg::KeeperWork { start_after, limit })
}

#[test]
fn healthy_leases_need_no_work() {
    let mut s = Suite::new();
    s.open_active("1", 1_000, vec![]);
    s.advance_live(100);
    let w = work(&s, None, None);
    assert!(w.items.is_empty(), "{w:?}");
    assert_eq!(w.next, None);
}

#[test]
fn a_top_up_is_listed_with_the_bounty_the_top_up_then_pays() {
    let mut s = Suite::new();
    let (t, k) = (s.tenant.clone(), s.keeper.clone());
    let id = s.open_active("2", 100, vec![]);
    s.exec(&t, &ExecuteMsg::FundBalance {}, &coins(10_000, AKT))
        .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::SetAutoTopUp {
            lease_id: id,
            target_runway_blocks: 200,
            source: TopUpSource::Balance,
        },
        &[],
    )
    .unwrap();
    s.advance(10);
    let w = work(&s, None, None);
    assert_eq!(w.items.len(), 1);
    assert_eq!(w.items[0].lease_id, id);
    assert_eq!(w.items[0].work, KeeperWork::TopUp);
    assert_eq!(w.items[0].bounty, Some(coin(3, AKT)));
    let res = s
        .exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[])
        .unwrap();
    assert_eq!(attr(ev(&res, "spice.escrow.top_up")[0], "bounty"), "3");
    // Done: nothing left to do.
    assert!(work(&s, None, None).items.is_empty());
}

#[test]
fn dry_leases_are_listed_to_settle_then_to_close_after_grace() {
    let mut s = Suite::new();
    let k = s.keeper.clone();
    let id = s.open_active("1", 30, vec![]);
    s.advance_live(40);
    let w = work(&s, None, None);
    assert_eq!(w.items.len(), 1);
    assert_eq!(w.items[0].work, KeeperWork::Settle);
    assert_eq!(w.items[0].bounty, None);
    s.exec(&k, &ExecuteMsg::Settle { lease_id: id }, &[])
        .unwrap();
    // Marked dry, within grace: nothing for a keeper.
    assert!(work(&s, None, None).items.is_empty());
    s.advance(GRACE + 1);
    let w = work(&s, None, None);
    assert_eq!(w.items[0].work, KeeperWork::CloseExpired);
    let res = s
        .exec(&k, &ExecuteMsg::CloseExpired { limit: None }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.close_expired")[0], "closed"),
        "1"
    );
    assert!(work(&s, None, None).items.is_empty());
}

#[test]
fn a_failed_provider_is_listed_for_rollover() {
    let mut s = Suite::new();
    let b = s.backup1.clone();
    let id = s.open_active("1", 10_000, vec![super::suite::backup(&b, "1")]);
    s.advance(HEARTBEAT_WINDOW + 5);
    let w = work(&s, None, None);
    assert_eq!(w.items.len(), 1);
    assert_eq!(w.items[0].work, KeeperWork::Rollover);
    let k = s.keeper.clone();
    s.exec(&k, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert_eq!(s.lease(id).provider, b);
}

#[test]
fn keeper_work_pages_through_the_index_bounded_by_limit() {
    let mut s = Suite::new();
    let ids: Vec<u64> = (0..3).map(|_| s.open_active("1", 30, vec![])).collect();
    s.advance_live(40);
    let first = work(&s, None, Some(2));
    assert_eq!(first.items.len(), 2);
    let next = first.next.expect("more to come");
    let second = work(&s, Some(next), Some(2));
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.next, None);
    let listed: Vec<u64> = first
        .items
        .iter()
        .chain(&second.items)
        .map(|i| i.lease_id)
        .collect();
    assert_eq!(listed, ids);
    // A limit above 30 is accepted (capped at 30 entries looked at).
    assert_eq!(work(&s, None, Some(1_000)).items.len(), 3);
}
