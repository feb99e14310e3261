//! expire_orders.

use cosmwasm_std::coins;

use super::suite::*;
use crate::execute::expiry::MAX_EXPIRE_LIMIT;
use crate::msg::ExecuteMsg;
use crate::state::{OfferStatus, OrderStatus};

fn place_expiring(s: &mut Suite, at: u64) -> u64 {
    let t = s.tenant.clone();
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
}

#[test]
fn expire_orders_refunds_expired_orders_and_removes_expired_offers() {
    let mut s = Suite::new();
    let h = s.height();
    let t = s.tenant.clone();
    let before = s.balance(&t, AKT);
    let soon = place_expiring(&mut s, h + 10);
    let later = place_expiring(&mut s, h + 100);
    let p = s.p(0);
    let offer_msg = ExecuteMsg::PostOffer {
        spec_capacity: capacity("us-west"),
        price_per_block: dec("5"),
        denom: AKT.into(),
        units: 1,
        expires_at: Some(h + 10),
    };
    s.exec(&p, &offer_msg, &[offer_deposit()]).unwrap();
    // Not yet: nothing to do.
    s.advance(9);
    let res = s.expire(None).unwrap();
    assert_eq!(attr(ev(&res, "expire_orders")[0], "orders"), "0");
    s.advance(1);
    let res = s.expire(None).unwrap();
    assert_eq!(ev(&res, "expire_order").len(), 1);
    assert_eq!(ev(&res, "expire_offer").len(), 1);
    assert_eq!(attr(ev(&res, "expire_order")[0], "refund"), "150");
    assert_eq!(s.order(soon).status, OrderStatus::Expired);
    assert_eq!(s.order(later).status, OrderStatus::Open);
    assert_eq!(s.offer(1).status, OfferStatus::Expired);
    assert_eq!(s.balance(&t, AKT), before - 150);
    assert_eq!(s.balance(&s.book, AKT), 150);
    let depth = s.depth("c1000-m1024-s8192-g0", None);
    assert_eq!(depth.bids.len(), 1);
    assert!(depth.asks.is_empty());
}

#[test]
fn expire_orders_does_at_most_the_capped_limit_per_call() {
    let mut s = Suite::with(|m| m.max_open_orders_per_tenant = 100);
    let h = s.height();
    for _ in 0..(MAX_EXPIRE_LIMIT + 5) {
        place_expiring(&mut s, h + 1);
    }
    s.advance(1);
    let res = s.expire(Some(1_000)).unwrap();
    assert_eq!(
        attr(ev(&res, "expire_orders")[0], "orders"),
        MAX_EXPIRE_LIMIT.to_string()
    );
    let res = s.expire(Some(1_000)).unwrap();
    assert_eq!(attr(ev(&res, "expire_orders")[0], "orders"), "5");
    assert_eq!(s.balance(&s.book, AKT), 0);
}

#[test]
fn amending_the_expiry_moves_the_order_in_the_expiry_index() {
    let mut s = Suite::new();
    let h = s.height();
    let id = place_expiring(&mut s, h + 5);
    let t = s.tenant.clone();
    let amend = ExecuteMsg::AmendOrder {
        order_id: id,
        max_price_per_block: None,
        expires_at: Some(h + 50),
        replicas: None,
    };
    s.exec(&t, &amend, &[]).unwrap();
    s.advance(10);
    s.expire(None).unwrap();
    assert_eq!(s.order(id).status, OrderStatus::Open);
    s.advance(40);
    s.expire(None).unwrap();
    assert_eq!(s.order(id).status, OrderStatus::Expired);
}
