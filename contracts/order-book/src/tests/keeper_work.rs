//! keeper_work: the query lists work exactly when `match_orders` / `expire_orders` would do it,
//! with the fills and bounty the call then pays.

use cosmwasm_std::{coin, coins};
use cw_multi_test::Executor;

use super::suite::*;
use crate::msg::{ExecuteMsg, KeeperWorkResponse, QueryMsg};
use crate::state::{OfferStatus, OrderStatus};

fn work(s: &Suite, limit: Option<u32>) -> KeeperWorkResponse {
    s.app
        .wrap()
        .query_wasm_smart(&s.book, &QueryMsg::KeeperWork { limit })
        .unwrap()
}

/// `(order_id, offer_id, replicas, bounty)` of every `fill` event.
fn fills(res: &cw_multi_test::AppResponse) -> Vec<(u64, u64, u32, String)> {
    ev(res, "fill")
        .iter()
        .map(|e| {
            (
                attr(e, "order_id").parse().unwrap(),
                attr(e, "offer_id").parse().unwrap(),
                attr(e, "replicas").parse().unwrap(),
                attr(e, "bounty"),
            )
        })
        .collect()
}

#[test]
fn keeper_work_lists_the_fills_and_bounty_that_match_orders_then_pays() {
    let mut s = Suite::with(|m| m.keeper_bounty_bps = Some(100));
    let (t, t2, keeper) = (s.tenant.clone(), s.tenant2.clone(), s.keeper.clone());
    let a = s.place_paying(&t, spec(), "1", 2, 2_205);
    let b = s.place_paying(&t2, spec(), "1", 1, 1_099);
    let (p0, p1) = (s.p(0), s.p(1));
    s.post(&p0, capacity("us-west"), "1", 1);
    s.post(&p1, capacity("us-west"), "1", 3);

    let w = work(&s, Some(10));
    let m = w.match_orders.clone().expect("queued work");
    assert_eq!(m.msg, ExecuteMsg::MatchOrders { limit: Some(10) });
    assert_eq!(m.refusal, None);
    assert_eq!(m.items, 4);
    assert!(w.expire_orders.is_none());
    // The query changed nothing.
    assert_eq!(s.order(a).status, OrderStatus::Open);
    assert_eq!(work(&s, Some(10)), w);

    let before = s.balance(&keeper, AKT);
    let res = s.match_orders(10);
    let made = fills(&res);
    let listed: Vec<_> = m
        .fills
        .iter()
        .map(|f| {
            assert_eq!(f.bounty.denom, AKT);
            (
                f.order_id,
                f.offer_id,
                f.replicas,
                f.bounty.amount.to_string(),
            )
        })
        .collect();
    assert_eq!(listed, made);
    assert_eq!(made.len(), 3, "{made:?}");
    let paid = s.balance(&keeper, AKT) - before;
    let bounty: u128 = m.fills.iter().map(|f| f.bounty.amount.u128()).sum();
    assert!(paid > 0);
    assert_eq!(m.bounty, vec![coin(paid, AKT)]);
    assert_eq!(bounty, paid);
    assert_eq!(s.order(a).status, OrderStatus::Filled);
    assert_eq!(s.order(b).status, OrderStatus::Filled);
    // Each lease opened with the deposit the preview gave.
    let mut deposits: Vec<String> = m
        .fills
        .iter()
        .map(|f| format!("{:?}", vec![f.deposit.clone()]))
        .collect();
    let mut funded: Vec<String> = s
        .leases()
        .into_iter()
        .map(|l| format!("{:?}", l.funds))
        .collect();
    deposits.sort();
    funded.sort();
    assert_eq!(deposits, funded);

    // Nothing queued: nothing listed, and the call pays nothing.
    let w = work(&s, Some(10));
    assert_eq!(w.match_orders, None);
    let res = s.match_orders(10);
    assert_eq!(attr(ev(&res, "match_orders")[0], "processed"), "0");
    assert_eq!(s.balance(&keeper, AKT), before + paid);
}

#[test]
fn keeper_work_lists_queued_items_that_fill_nothing_with_no_bounty() {
    let mut s = Suite::with(|m| m.keeper_bounty_bps = Some(100));
    let (t, keeper, p) = (s.tenant.clone(), s.keeper.clone(), s.p(0));
    s.place_paying(&t, spec(), "1", 1, 1_099);
    // Dearer than the bid: no cross.
    s.post(&p, capacity("us-west"), "2", 1);
    let m = work(&s, None).match_orders.expect("queued work");
    assert_eq!(m.items, 2);
    assert!(m.fills.is_empty());
    assert!(m.bounty.is_empty());
    let before = s.balance(&keeper, AKT);
    let res = s.match_orders(5);
    assert_eq!(attr(ev(&res, "match_orders")[0], "fills"), "0");
    assert_eq!(attr(ev(&res, "match_orders")[0], "processed"), "2");
    assert_eq!(s.balance(&keeper, AKT), before);
    assert_eq!(work(&s, None).match_orders, None);
}

#[test]
fn keeper_work_limit_is_the_calls_and_is_capped_like_it() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    for _ in 0..12 {
        s.place_paying(&t, spec(), "1", 1, 1_099);
    }
    let m = work(&s, Some(2)).match_orders.unwrap();
    assert_eq!(m.items, 2);
    assert_eq!(m.msg, ExecuteMsg::MatchOrders { limit: Some(2) });
    let m = work(&s, Some(1_000)).match_orders.unwrap();
    assert_eq!(m.items, 10);
    assert_eq!(m.msg, ExecuteMsg::MatchOrders { limit: Some(10) });
    let res = s.match_orders(1_000);
    assert_eq!(attr(ev(&res, "match_orders")[0], "processed"), "10");
}

#[test]
fn keeper_work_reports_the_refusal_when_match_orders_would_fail() {
    let mut s = Suite::with(|m| m.keeper_bounty_bps = Some(100));
    let (t, p, keeper) = (s.tenant.clone(), s.p(0), s.keeper.clone());
    s.place_paying(&t, spec(), "1", 1, 1_099);
    s.post(&p, capacity("us-west"), "1", 1);
    // The escrow pauses: the call is refused, and the query says so instead of listing fills.
    let owner = s.owner.clone();
    let escrow = s.escrow.clone();
    s.app
        .execute_contract(
            owner.clone(),
            escrow.clone(),
            &rollover_escrow::msg::ExecuteMsg::Pause {},
            &[],
        )
        .unwrap();
    let m = work(&s, None).match_orders.expect("queued work");
    assert!(m.fills.is_empty() && m.bounty.is_empty());
    let refusal = m.refusal.expect("a refusal");
    let err = s
        .exec(&keeper, &ExecuteMsg::MatchOrders { limit: None }, &[])
        .unwrap_err();
    assert_eq!(refusal, cerr(&err).to_string());
    // Control: once the escrow resumes, the same query lists the fill and the call makes it.
    s.app
        .execute_contract(
            owner,
            escrow,
            &rollover_escrow::msg::ExecuteMsg::Unpause {},
            &[],
        )
        .unwrap();
    let m = work(&s, None).match_orders.unwrap();
    assert_eq!(m.refusal, None);
    assert_eq!(m.fills.len(), 1);
    let before = s.balance(&keeper, AKT);
    s.match_orders(5);
    assert_eq!(
        s.balance(&keeper, AKT),
        before + m.fills[0].bounty.amount.u128()
    );
}

#[test]
fn keeper_work_lists_exactly_what_expire_orders_removes() {
    let mut s = Suite::new();
    let (t, p) = (s.tenant.clone(), s.p(0));
    let h = s.height();
    let place = |s: &mut Suite, at: u64| -> u64 {
        let msg = ExecuteMsg::PlaceOrder {
            spec: spec(),
            max_price_per_block: dec("1"),
            denom: AKT.into(),
            expires_at: Some(at),
            replicas: 1,
        };
        let res = s.exec(&t, &msg, &coins(150, AKT)).unwrap();
        attr(ev(&res, "place_order")[0], "order_id")
            .parse()
            .unwrap()
    };
    let soon = place(&mut s, h + 10);
    let sooner = place(&mut s, h + 5);
    let later = place(&mut s, h + 100);
    let offer = ExecuteMsg::PostOffer {
        spec_capacity: capacity("us-west"),
        price_per_block: dec("5"),
        denom: AKT.into(),
        units: 1,
        expires_at: Some(h + 10),
    };
    s.exec(&p, &offer, &[offer_deposit()]).unwrap();
    // Nothing due: nothing listed, and the call removes nothing.
    s.advance(4);
    assert_eq!(work(&s, None).expire_orders, None);
    let res = s.expire(None).unwrap();
    assert_eq!(attr(ev(&res, "expire_orders")[0], "orders"), "0");
    assert_eq!(attr(ev(&res, "expire_orders")[0], "offers"), "0");

    s.advance(6);
    // A limit of 2 lists the two oldest expiries, and the call with it removes those.
    let e = work(&s, Some(2)).expire_orders.expect("expired work");
    assert_eq!(e.msg, ExecuteMsg::ExpireOrders { limit: Some(2) });
    assert_eq!(
        (e.orders.clone(), e.offers.clone()),
        (vec![sooner, soon], vec![])
    );
    let stranger = s.stranger.clone();
    let res = s.exec(&stranger, &e.msg, &[]).unwrap();
    let removed: Vec<u64> = ev(&res, "expire_order")
        .iter()
        .map(|e| attr(e, "order_id").parse().unwrap())
        .collect();
    assert_eq!(removed, e.orders);
    let e = work(&s, None).expire_orders.expect("the offer");
    assert_eq!((e.orders.clone(), e.offers.clone()), (vec![], vec![1]));
    s.expire(None).unwrap();
    assert_eq!(s.offer(1).status, OfferStatus::Expired);
    assert_eq!(s.order(later).status, OrderStatus::Open);
    assert_eq!(work(&s, None).expire_orders, None);
}
