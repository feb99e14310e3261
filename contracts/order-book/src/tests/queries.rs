//! Listings through indexes, capped pagination, depth by price level.

use super::suite::*;
use crate::msg::{QueryMsg, ResourceClassResponse};
use crate::state::OrderStatus;
use spice_types::MAX_PAGE_LIMIT;

#[test]
fn orders_are_listed_by_tenant_and_status_through_indexes() {
    let mut s = Suite::new();
    let (t, t2) = (s.tenant.clone(), s.tenant2.clone());
    let a = s.place(&t, spec(), "1", 1);
    let b = s.place(&t, spec(), "0.5", 1);
    let c = s.place(&t2, spec(), "1", 1);
    let p = s.p(0);
    s.post(&p, capacity("us-west"), "1", 2);
    s.match_orders(10); // fills a and c (the two bids at 1)
    let ids = |v: Vec<crate::state::Order>| v.into_iter().map(|o| o.id).collect::<Vec<_>>();
    assert_eq!(ids(s.orders(Some(&t), None, None, None)), vec![a, b]);
    // A tenant's orders across statuses (a filled, b open) page by id as one list.
    assert_eq!(ids(s.orders(Some(&t), None, None, Some(1))), vec![a]);
    assert_eq!(ids(s.orders(Some(&t), None, Some(a), Some(1))), vec![b]);
    assert!(ids(s.orders(Some(&t), None, Some(b), None)).is_empty());
    assert_eq!(
        ids(s.orders(None, Some(OrderStatus::Filled), None, None)),
        vec![a, c]
    );
    assert_eq!(
        ids(s.orders(Some(&t), Some(OrderStatus::Open), None, None)),
        vec![b]
    );
    assert_eq!(ids(s.orders(None, None, Some(a), Some(1))), vec![b]);
    assert_eq!(s.offers(Some(&p), None).len(), 1);
    assert!(s.offers(Some(&t), None).is_empty());
}

#[test]
fn huge_pagination_limits_are_capped() {
    let mut s = Suite::with(|m| m.max_open_orders_per_tenant = 100);
    let t = s.tenant.clone();
    for _ in 0..(MAX_PAGE_LIMIT + 5) {
        s.place(&t, spec(), "1", 1);
    }
    assert_eq!(s.orders(None, None, None, Some(u32::MAX)).len(), 30);
    assert_eq!(s.orders(Some(&t), None, None, None).len(), 10);
    assert_eq!(
        s.orders(None, Some(OrderStatus::Open), None, Some(1_000))
            .len(),
        30
    );
}

#[test]
fn depth_sums_units_per_price_level_best_first() {
    let mut s = Suite::new();
    let (t, t2) = (s.tenant.clone(), s.tenant2.clone());
    s.place(&t, spec(), "1", 2);
    s.place(&t2, spec(), "1", 3);
    s.place(&t, spec(), "0.9", 1);
    let (p0, p1) = (s.p(0), s.p(1));
    s.post(&p0, capacity("us-west"), "2", 4);
    s.post(&p1, capacity("us-west"), "2", 1);
    s.post(&p1, capacity("us-west"), "3", 7);
    let d = s.depth("c1000-m1024-s8192-g0", None);
    let levels = |v: &Vec<crate::msg::PriceLevel>| {
        v.iter()
            .map(|l| (l.price_per_block.to_string(), l.units))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        levels(&d.bids),
        vec![("1".to_string(), 5), ("0.9".to_string(), 1)]
    );
    assert_eq!(
        levels(&d.asks),
        vec![("2".to_string(), 5), ("3".to_string(), 7)]
    );
    assert_eq!(s.depth("c1000-m1024-s8192-g0", Some(1)).asks.len(), 1);
    let classes: ResourceClassResponse = s
        .app
        .wrap()
        .query_wasm_smart(
            &s.book,
            &QueryMsg::ResourceClass {
                resources: resources(),
            },
        )
        .unwrap();
    assert_eq!(classes.order_class, "c1000-m1024-s8192-g0");
}

/// Records written before the compact layout (the public `Order` / `Offer` JSON, id included;
/// queue items with long variant names) read back as the same order, offer and item.
#[test]
fn records_in_the_old_layout_read_back_unchanged_and_new_ones_are_smaller() {
    use crate::state::{Pending, StoredOffer, StoredOrder};
    use cosmwasm_std::{from_json, to_json_vec, Uint128};

    let mut s = Suite::new();
    let t = s.tenant.clone();
    let p = s.p(0);
    let order_id = s.place(&t, spec(), "1", 2);
    let offer_id = s.post(&p, capacity("us-west"), "9", 3);
    let order = s.order(order_id);
    let offer = s.offer(offer_id);

    let old = to_json_vec(&order).unwrap();
    let stored: StoredOrder = from_json(&old).unwrap();
    assert_eq!(stored.clone().into_order(order_id), order);
    let new = to_json_vec(&stored).unwrap();
    assert!(
        new.len() * 10 < old.len() * 7,
        "{} vs {}",
        new.len(),
        old.len()
    );
    let again: StoredOrder = from_json(&new).unwrap();
    assert_eq!(again.into_order(order_id), order);

    let old = to_json_vec(&offer).unwrap();
    let stored: StoredOffer = from_json(&old).unwrap();
    assert_eq!(stored.clone().into_offer(offer_id), offer);
    let new = to_json_vec(&stored).unwrap();
    assert!(new.len() < old.len(), "{} vs {}", new.len(), old.len());
    let again: StoredOffer = from_json(&new).unwrap();
    assert_eq!(again.into_offer(offer_id), offer);

    let queued: Pending = from_json(br#"{"order":{"id":3,"resume_after":["5",7]}}"#).unwrap();
    assert_eq!(
        queued,
        Pending::Order {
            id: 3,
            resume_after: Some((Uint128::new(5), 7))
        }
    );
    let queued: Pending = from_json(br#"{"offer":{"id":4,"resume_after":null}}"#).unwrap();
    assert_eq!(
        queued,
        Pending::Offer {
            id: 4,
            resume_after: None
        }
    );
    assert_eq!(to_json_vec(&queued).unwrap(), br#"{"f":{"id":4}}"#.to_vec());
}
