//! Price-time priority, partial and split fills, the OpenLease message with its deposit and
//! backups, refusals of incompatible or over-priced pairs, keeper bounty and bounded work.

use cosmwasm_std::{coin, Uint128};

use super::suite::*;
use crate::execute::matching::MAX_SCAN;
use crate::msg::ExecuteMsg;
use crate::state::{OfferStatus, OrderStatus};
use crate::ContractError;

#[test]
fn order_takes_the_cheapest_compatible_offer_at_the_offers_price() {
    let mut s = Suite::new();
    let (p0, p1, p2) = (s.p(0), s.p(1), s.p(2));
    let dear = s.post(&p0, capacity("us-west"), "1.5", 1);
    let cheap = s.post(&p1, capacity("us-west"), "1.2", 1);
    let mut elsewhere = capacity("eu-central");
    elsewhere.attributes.clear();
    let cheapest_but_wrong = s.post(&p2, elsewhere, "1", 1);
    let t = s.tenant.clone();
    let mut sp = spec();
    sp.region = Some("us-*".into());
    let order = s.place(&t, sp, "2", 1);
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    assert_eq!(s.offer(cheap).status, OfferStatus::Exhausted);
    assert_eq!(s.offer(dear).status, OfferStatus::Open);
    assert_eq!(s.offer(cheapest_but_wrong).status, OfferStatus::Open);
    let leases = s.leases();
    assert_eq!(leases.len(), 1);
    // Clears at the ask (1.2), not the tenant's max (2).
    assert_eq!(leases[0].msg.price_per_block, dec("1.2"));
    assert_eq!(leases[0].msg.provider, p1.to_string());
}

#[test]
fn at_equal_price_the_earlier_offer_wins() {
    let mut s = Suite::new();
    let (p0, p1) = (s.p(0), s.p(1));
    let first = s.post(&p0, capacity("us-west"), "1", 1);
    s.post(&p1, capacity("us-west"), "1", 1);
    let t = s.tenant.clone();
    s.place(&t, spec(), "1", 1);
    s.match_orders(10);
    assert_eq!(s.offer(first).status, OfferStatus::Exhausted);
    assert_eq!(s.leases()[0].msg.provider, p0.to_string());
}

#[test]
fn a_new_offer_goes_to_the_highest_bid_then_the_earliest() {
    let mut s = Suite::new();
    let (t, t2) = (s.tenant.clone(), s.tenant2.clone());
    let low = s.place(&t, spec(), "1", 1);
    let high_late = s.place(&t2, spec(), "3", 1);
    let high_early_is_first = s.place(&t, spec(), "2", 1);
    let p = s.p(0);
    s.post(&p, capacity("us-west"), "1", 2);
    s.match_orders(10);
    assert_eq!(s.order(high_late).status, OrderStatus::Filled);
    assert_eq!(s.order(high_early_is_first).status, OrderStatus::Filled);
    assert_eq!(s.order(low).status, OrderStatus::Open);
    let leases = s.leases();
    assert_eq!(leases[0].msg.order_id, Some(high_late));
    assert_eq!(leases[1].msg.order_id, Some(high_early_is_first));
}

#[test]
fn fill_sends_open_lease_with_the_deposit_and_next_best_backups() {
    let mut s = Suite::new();
    let ps: Vec<_> = (0..6).map(|i| s.p(i)).collect();
    s.post(&ps[0], capacity("us-west"), "1", 1);
    s.post(&ps[1], capacity("us-west"), "1.1", 1);
    s.post(&ps[1], capacity("us-west"), "1.15", 1); // same provider twice: listed once
    s.post(&ps[2], capacity("eu-west"), "1.2", 1); // wrong region
    s.post(&ps[3], capacity("us-west"), "1.3", 1);
    s.post(&ps[4], capacity("us-west"), "1.4", 1);
    s.post(&ps[5], capacity("us-west"), "5", 1); // above the order's max
    s.match_orders(10);
    let t = s.tenant.clone();
    let mut sp = spec();
    sp.region = Some("us-*".into());
    let order = s.place_paying(&t, sp, "2", 1, 1_000);
    s.match_orders(10);
    let leases = s.leases();
    assert_eq!(leases.len(), 1);
    let lease = &leases[0].msg;
    assert_eq!(leases[0].funds, vec![coin(1_000, AKT)]);
    assert_eq!(lease.tenant, Some(t.to_string()));
    assert_eq!(lease.provider, ps[0].to_string());
    assert_eq!(lease.order_id, Some(order));
    assert_eq!(lease.denom, AKT);
    let backups: Vec<_> = lease
        .backups
        .iter()
        .map(|b| (b.provider.clone(), b.price_per_block))
        .collect();
    assert_eq!(
        backups,
        vec![
            (ps[1].to_string(), dec("1.1")),
            (ps[3].to_string(), dec("1.3")),
            (ps[4].to_string(), dec("1.4")),
        ]
    );
    assert_eq!(s.balance(&s.escrow, AKT), 1_000);
    assert_eq!(s.balance(&s.book, AKT), 0);
}

#[test]
fn multi_replica_order_splits_across_providers_with_deposit_shares() {
    let mut s = Suite::new();
    let (p0, p1) = (s.p(0), s.p(1));
    s.post(&p0, capacity("us-west"), "1", 2);
    s.post(&p1, capacity("us-west"), "1.5", 5);
    let t = s.tenant.clone();
    // 3 replicas, 1001 held: 2/3 of it (667.33 → 667, rounded down) then the rest (334).
    let order = s.place_paying(&t, spec(), "2", 3, 1_001);
    let res = s.match_orders(10);
    assert_eq!(ev(&res, "fill").len(), 2);
    let leases = s.leases();
    assert_eq!(leases[0].msg.provider, p0.to_string());
    assert_eq!(leases[0].msg.price_per_block, dec("2")); // 2 replicas × 1
    assert_eq!(leases[0].funds, vec![coin(667, AKT)]);
    assert_eq!(leases[1].msg.provider, p1.to_string());
    assert_eq!(leases[1].msg.price_per_block, dec("1.5"));
    assert_eq!(leases[1].funds, vec![coin(334, AKT)]);
    let o = s.order(order);
    assert_eq!(
        (o.status, o.filled_replicas, o.deposit),
        (OrderStatus::Filled, 3, Uint128::zero())
    );
    assert_eq!(s.offer(2).units_left, 4);
    assert_eq!(s.balance(&s.book, AKT), 0);
}

#[test]
fn partial_fill_leaves_the_rest_of_the_order_waiting_with_its_deposit() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let order = s.place_paying(&t, spec(), "1", 4, 800);
    let p = s.p(0);
    s.post(&p, capacity("us-west"), "1", 1);
    s.match_orders(10);
    let o = s.order(order);
    assert_eq!(
        (o.status, o.filled_replicas, o.deposit.u128()),
        (OrderStatus::Open, 1, 600)
    );
    assert_eq!(s.leases()[0].funds, vec![coin(200, AKT)]);
    assert_eq!(s.depth(&o.resource_class, None).bids[0].units, 3);
    assert_eq!(s.balance(&s.book, AKT), 600);
    // A later offer fills the rest.
    let p1 = s.p(1);
    s.post(&p1, capacity("us-west"), "1", 3);
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    assert_eq!(s.leases()[1].funds, vec![coin(600, AKT)]);
}

#[test]
fn fill_order_pair_refuses_an_offer_above_the_max_price() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let order = s.place(&t, spec(), "1", 1);
    let p = s.p(0);
    let offer = s.post(&p, capacity("us-west"), "1.000001", 1);
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Open);
    assert_err(
        s.fill(&p, order, Some(offer)),
        ContractError::PriceAboveMax {
            order_id: order,
            offer_id: offer,
            max_price_per_block: dec("1"),
            price_per_block: dec("1.000001"),
        },
    );
}

#[test]
fn fill_order_pair_refuses_incompatible_class_denom_or_attributes() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let mut sp = spec();
    sp.attributes = attrs(&[("arch", "arm64")]);
    let order = s.place(&t, sp, "1", 1);
    let p = s.p(0);
    let wrong_arch = s.post(&p, capacity("us-west"), "1", 1);
    assert_err(
        s.fill(&t, order, Some(wrong_arch)),
        ContractError::Incompatible {
            order_id: order,
            offer_id: wrong_arch,
            reason: "attribute arch".into(),
        },
    );
    let mut big = capacity("us-west");
    big.resources.cpu_millis = 4_000;
    let bigger_class = s.post(&p, big, "1", 1);
    assert_err(
        s.fill(&t, order, Some(bigger_class)),
        ContractError::ClassMismatch {
            order_class: "c1000-m1024-s8192-g0".into(),
            offer_class: "c4000-m1024-s8192-g0".into(),
        },
    );
    let usdc = ExecuteMsg::PostOffer {
        spec_capacity: capacity("us-west"),
        price_per_block: dec("1"),
        denom: USDC.into(),
        units: 1,
        expires_at: None,
    };
    s.exec(&p, &usdc, &[offer_deposit()]).unwrap();
    assert_err(
        s.fill(&t, order, Some(3)),
        ContractError::DenomMismatch {
            order_denom: AKT.into(),
            offer_denom: USDC.into(),
        },
    );
}

#[test]
fn fill_order_pair_by_the_best_offers_provider_takes_the_order_directly() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let order = s.place(&t, spec(), "2", 1);
    let (p0, p1) = (s.p(0), s.p(1));
    let mine = s.post(&p1, capacity("us-west"), "1", 1);
    s.post(&p0, capacity("us-west"), "1.5", 1);
    // Before any keeper runs, p1 takes the order with its own offer, the best in the book.
    let res = s.fill(&p1, order, Some(mine)).unwrap();
    assert_eq!(ev(&res, "fill").len(), 1);
    assert_eq!(s.leases()[0].msg.provider, p1.to_string());
    assert_eq!(s.leases()[0].msg.price_per_block, dec("1"));
    // And the next one stands by.
    assert_eq!(s.leases()[0].msg.backups[0].provider, p0.to_string());
}

#[test]
fn fill_order_without_offer_takes_processed_asks_and_fails_when_none_fits() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let order = s.place(&t, spec(), "1", 1);
    s.match_orders(10);
    let stranger = s.stranger.clone();
    assert_err(
        s.fill(&stranger, order, None),
        ContractError::NoCompatibleOffer {
            order_id: order,
            scanned: 0,
        },
    );
    let p = s.p(0);
    let offer = s.post(&p, capacity("us-west"), "1", 1);
    // The new offer is still queued: it is offered to the bids by the queue first.
    assert_err(
        s.fill(&stranger, order, None),
        ContractError::NoCompatibleOffer {
            order_id: order,
            scanned: 1,
        },
    );
    // A tenant that arrives later than the queue head must wait for match_orders.
    let t2 = s.tenant2.clone();
    let late = s.place(&t2, spec(), "1", 1);
    assert_err(
        s.fill(&t2, late, None),
        ContractError::OrderQueued {
            order_id: late,
            seq: s.order(late).seq,
            head: s.offer(offer).seq,
        },
    );
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    assert_eq!(s.order(late).status, OrderStatus::Open);
}

#[test]
fn match_orders_pays_the_bounty_only_when_it_matched() {
    let mut s = Suite::with(|m| m.keeper_bounty_bps = Some(100));
    let keeper = s.keeper.clone();
    let t = s.tenant.clone();
    s.place_paying(&t, spec(), "1", 1, 1_099);
    let before = s.balance(&keeper, AKT);
    let res = s.match_orders(10);
    assert_eq!(attr(ev(&res, "match_orders")[0], "fills"), "0");
    assert_eq!(s.balance(&keeper, AKT), before);
    let p = s.p(0);
    s.post(&p, capacity("us-west"), "1", 1);
    let res = s.match_orders(10);
    // 1% of 1099 = 10.99 → 10 to the keeper (rounded down), 1089 to the lease.
    assert_eq!(attr(ev(&res, "match_orders")[0], "bounty"), "10uakt");
    assert_eq!(s.balance(&keeper, AKT), before + 10);
    assert_eq!(s.leases()[0].funds, vec![coin(1_089, AKT)]);
    // Nothing left to do: an empty call pays nothing.
    let res = s.match_orders(10);
    assert_eq!(attr(ev(&res, "match_orders")[0], "processed"), "0");
    assert_eq!(s.balance(&keeper, AKT), before + 10);
}

#[test]
fn match_orders_does_bounded_work_and_resumes_past_incompatible_offers() {
    let mut s = Suite::new();
    // More cheap incompatible offers than one scan reads.
    for i in 0..(MAX_SCAN + 2) {
        let p = s.p(2 + i % 4);
        s.post(&p, capacity("eu-west"), "1", 1);
    }
    let p1 = s.p(1);
    let good = s.post(&p1, capacity("us-west"), "1.5", 1);
    let res = s.match_orders(30);
    // The limit is capped at 10 queued items.
    assert_eq!(attr(ev(&res, "match_orders")[0], "processed"), "10");
    for _ in 0..2 {
        s.match_orders(10);
    }
    let t = s.tenant.clone();
    let mut sp = spec();
    sp.region = Some("us-*".into());
    let order = s.place(&t, sp, "2", 1);
    let res = s.match_orders(10);
    // First pass: the scan stops at its bound and the order goes back in the queue.
    assert_eq!(attr(ev(&res, "match_orders")[0], "requeued"), "1");
    assert_eq!(s.order(order).status, OrderStatus::Open);
    let res = s.match_orders(10);
    assert_eq!(attr(ev(&res, "match_orders")[0], "fills"), "1");
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    assert_eq!(s.offer(good).status, OfferStatus::Exhausted);
}

#[test]
fn signed_by_orders_match_only_providers_their_auditors_vouch_for() {
    let mut s = Suite::with_registry();
    let (p0, p1, p2) = (s.p(0), s.p(1), s.p(2));
    let (a1, a2) = (s.auditor.clone(), s.auditor2.clone());
    s.set_audit(
        &p1,
        true,
        Some(1),
        &[("region", "us-west", &a1), ("region", "us-west", &a2)],
    );
    s.set_audit(&p2, true, Some(1), &[("region", "us-west", &a2)]);
    // p0: audited by a1 only (suite default). p2 is cheapest but only a2 vouches for it.
    s.post(&p2, capacity("us-west"), "1", 1);
    s.post(&p0, capacity("us-west"), "1.1", 1);
    s.post(&p1, capacity("us-west"), "1.2", 1);
    s.match_orders(10);
    let t = s.tenant.clone();
    let mut sp = spec();
    sp.attributes = attrs(&[("region", "us-*")]);
    sp.signed_by.all_of = vec![a1.to_string(), a2.to_string()];
    let order = s.place(&t, sp.clone(), "2", 1);
    s.match_orders(10);
    // None of the offers states attribute `region`, so none matches.
    assert_eq!(s.order(order).status, OrderStatus::Open);
    let mut c = capacity("us-west");
    c.attributes = attrs(&[("region", "us-west")]);
    s.post(&p2, c.clone(), "1", 1);
    s.post(&p1, c.clone(), "1.3", 1);
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    assert_eq!(s.leases()[0].msg.provider, p1.to_string());
    // any_of: a2 alone is enough, so the cheaper p2 offer serves the next order.
    sp.signed_by.all_of.clear();
    sp.signed_by.any_of = vec![a2.to_string()];
    s.post(&p2, c, "1", 1);
    s.match_orders(10);
    let order2 = s.place(&t, sp, "2", 1);
    s.match_orders(10);
    assert_eq!(s.order(order2).status, OrderStatus::Filled);
    assert_eq!(s.leases()[1].msg.provider, p2.to_string());
}

#[test]
fn expired_offers_and_orders_never_match() {
    let mut s = Suite::new();
    let p = s.p(0);
    let h = s.height();
    let msg = ExecuteMsg::PostOffer {
        spec_capacity: capacity("us-west"),
        price_per_block: dec("1"),
        denom: AKT.into(),
        units: 1,
        expires_at: Some(h + 5),
    };
    let res = s.exec(&p, &msg, &[offer_deposit()]).unwrap();
    let offer: u64 = attr(ev(&res, "post_offer")[0], "offer_id").parse().unwrap();
    s.match_orders(10);
    s.advance(5);
    let t = s.tenant.clone();
    let order = s.place(&t, spec(), "1", 1);
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Open);
    assert_err(
        s.fill(&t, order, Some(offer)),
        ContractError::OfferExpired {
            offer_id: offer,
            expires_at: h + 5,
        },
    );
}
