//! place_order, amend_order, cancel_order.

use cosmwasm_std::{coin, coins, Uint128};

use super::suite::*;
use crate::msg::ExecuteMsg;
use crate::spec::MAX_REPLICAS;
use crate::state::OrderStatus;
use crate::ContractError;

#[test]
fn place_order_holds_the_deposit_and_rests_in_the_book() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let id = s.place(&t, spec(), "2", 3);
    let order = s.order(id);
    assert_eq!(order.status, OrderStatus::Open);
    assert_eq!(order.deposit.u128(), 600); // 100 blocks × 2 × 3
    assert_eq!(order.resource_class, "c1000-m1024-s8192-g0");
    assert_eq!(s.balance(&s.book, AKT), 600);
    let depth = s.depth("c1000-m1024-s8192-g0", None);
    assert_eq!(depth.bids.len(), 1);
    assert_eq!(depth.bids[0].units, 3);
    assert_eq!(depth.bids[0].price_per_block, dec("2"));
}

#[test]
fn deposit_must_cover_the_runway_rounded_up_against_the_tenant() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    // 100 blocks × 0.333 × 2 = 66.6 → 67.
    assert_eq!(s.needed("0.333", 2), 67);
    let msg = Suite::place_msg(spec(), "0.333", 2);
    assert_err(
        s.exec(&t, &msg, &coins(66, AKT)),
        ContractError::InsufficientDeposit {
            denom: AKT.into(),
            needed: Uint128::new(67),
            available: Uint128::new(66),
        },
    );
    s.exec(&t, &msg, &coins(67, AKT)).unwrap();
    // A tiny price still needs one base unit per replica, so each fill's share is a coin.
    assert_eq!(s.needed("0.000001", 5), 5);
    let msg = Suite::place_msg(spec(), "0.000001", 5);
    assert_err(
        s.exec(&t, &msg, &coins(4, AKT)),
        ContractError::InsufficientDeposit {
            denom: AKT.into(),
            needed: Uint128::new(5),
            available: Uint128::new(4),
        },
    );
}

#[test]
fn place_order_refuses_missing_wrong_or_multiple_coins() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let msg = Suite::place_msg(spec(), "1", 1);
    assert_err(
        s.exec(&t, &msg, &[]),
        ContractError::NoFunds { denom: AKT.into() },
    );
    assert_err(
        s.exec(&t, &msg, &coins(100, USDC)),
        ContractError::WrongDenom {
            expected: AKT.into(),
            got: USDC.into(),
        },
    );
    let two = vec![coin(100, AKT), coin(100, USDC)];
    assert_err(
        s.exec(&t, &msg, &two),
        ContractError::MultipleCoins {
            denom: AKT.into(),
            coins: two.clone(),
        },
    );
}

#[test]
fn place_order_refuses_zero_price_unaccepted_denom_bad_replicas_and_past_expiry() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let funds = coins(1_000, AKT);
    assert_err(
        s.exec(&t, &Suite::place_msg(spec(), "0", 1), &funds),
        ContractError::ZeroPrice {
            field: "max_price_per_block".into(),
        },
    );
    let uosmo = ExecuteMsg::PlaceOrder {
        spec: spec(),
        max_price_per_block: dec("1"),
        denom: "uosmo".into(),
        expires_at: None,
        replicas: 1,
    };
    assert_err(
        s.exec(&t, &uosmo, &coins(1_000, "uosmo")),
        ContractError::DenomNotAccepted {
            denom: "uosmo".into(),
            accepted: vec![AKT.into(), USDC.into()],
        },
    );
    for replicas in [0, MAX_REPLICAS + 1] {
        assert_err(
            s.exec(&t, &Suite::place_msg(spec(), "1", replicas), &funds),
            ContractError::ReplicasOutOfRange {
                value: replicas,
                min: 1,
                max: MAX_REPLICAS,
            },
        );
    }
    let h = s.height();
    let past = ExecuteMsg::PlaceOrder {
        spec: spec(),
        max_price_per_block: dec("1"),
        denom: AKT.into(),
        expires_at: Some(h),
        replicas: 1,
    };
    assert_err(
        s.exec(&t, &past, &funds),
        ContractError::ExpiryNotInFuture {
            expires_at: h,
            height: h,
        },
    );
}

#[test]
fn open_order_cap_per_tenant_is_enforced_and_freed_by_cancel() {
    let mut s = Suite::with(|m| m.max_open_orders_per_tenant = 2);
    let t = s.tenant.clone();
    let first = s.place(&t, spec(), "1", 1);
    s.place(&t, spec(), "1", 1);
    assert_err(
        s.exec(&t, &Suite::place_msg(spec(), "1", 1), &coins(100, AKT)),
        ContractError::TooManyOpenOrders {
            tenant: t.to_string(),
            max: 2,
        },
    );
    // Another tenant is not affected.
    let t2 = s.tenant2.clone();
    s.place(&t2, spec(), "1", 1);
    s.exec(&t, &ExecuteMsg::CancelOrder { order_id: first }, &[])
        .unwrap();
    s.place(&t, spec(), "1", 1);
}

#[test]
fn signed_by_needs_a_configured_registry() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let mut sp = spec();
    sp.signed_by.any_of = vec![s.auditor.to_string()];
    assert_err(
        s.exec(&t, &Suite::place_msg(sp, "1", 1), &coins(100, AKT)),
        ContractError::SignedByNeedsRegistry,
    );
}

#[test]
fn cancel_order_refunds_what_the_order_still_holds() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let before = s.balance(&t, AKT);
    let id = s.place_paying(&t, spec(), "1", 2, 250);
    let res = s
        .exec(&t, &ExecuteMsg::CancelOrder { order_id: id }, &[])
        .unwrap();
    assert_eq!(attr(ev(&res, "cancel_order")[0], "refund"), "250");
    assert_eq!(s.balance(&t, AKT), before);
    assert_eq!(s.balance(&s.book, AKT), 0);
    assert_eq!(s.order(id).status, OrderStatus::Cancelled);
    assert!(s.depth("c1000-m1024-s8192-g0", None).bids.is_empty());
    assert_err(
        s.exec(&t, &ExecuteMsg::CancelOrder { order_id: id }, &[]),
        ContractError::OrderNotOpen {
            order_id: id,
            status: "cancelled".into(),
        },
    );
    assert_err(
        s.exec(&t, &ExecuteMsg::CancelOrder { order_id: 99 }, &[]),
        ContractError::OrderNotFound { order_id: 99 },
    );
}

fn amend(price: Option<&str>, replicas: Option<u32>, order_id: u64) -> ExecuteMsg {
    ExecuteMsg::AmendOrder {
        order_id,
        max_price_per_block: price.map(dec),
        expires_at: None,
        replicas,
    }
}

#[test]
fn amend_lowering_the_price_keeps_time_priority() {
    let mut s = Suite::new();
    let (t, t2) = (s.tenant.clone(), s.tenant2.clone());
    let first = s.place(&t, spec(), "3", 1);
    let second = s.place(&t2, spec(), "2", 1);
    let seq = s.order(first).seq;
    let res = s.exec(&t, &amend(Some("2"), None, first), &[]).unwrap();
    assert_eq!(attr(ev(&res, "amend_order")[0], "kept_priority"), "true");
    assert_eq!(s.order(first).seq, seq);
    // Same price now: the earlier order (first) still gets the offer.
    let p = s.p(0);
    s.post(&p, capacity("us-west"), "2", 1);
    s.match_orders(10);
    assert_eq!(s.order(first).status, OrderStatus::Filled);
    assert_eq!(s.order(second).status, OrderStatus::Open);
}

#[test]
fn amend_raising_the_price_loses_time_priority() {
    let mut s = Suite::new();
    let (t, t2) = (s.tenant.clone(), s.tenant2.clone());
    let first = s.place_paying(&t, spec(), "1", 1, 500);
    let second = s.place(&t2, spec(), "2", 1);
    let res = s.exec(&t, &amend(Some("2"), None, first), &[]).unwrap();
    assert_eq!(attr(ev(&res, "amend_order")[0], "kept_priority"), "false");
    assert!(s.order(first).seq > s.order(second).seq);
    let p = s.p(0);
    s.post(&p, capacity("us-west"), "2", 1);
    s.match_orders(10);
    assert_eq!(s.order(second).status, OrderStatus::Filled);
    assert_eq!(s.order(first).status, OrderStatus::Open);
}

#[test]
fn amend_needs_a_top_up_when_the_terms_need_more_deposit() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let id = s.place(&t, spec(), "1", 1); // 100 held
    assert_err(
        s.exec(&t, &amend(None, Some(3), id), &[]),
        ContractError::InsufficientDeposit {
            denom: AKT.into(),
            needed: Uint128::new(300),
            available: Uint128::new(100),
        },
    );
    s.exec(&t, &amend(None, Some(3), id), &coins(200, AKT))
        .unwrap();
    let order = s.order(id);
    assert_eq!((order.replicas, order.deposit.u128()), (3, 300));
    assert_eq!(s.balance(&s.book, AKT), 300);
    assert_eq!(s.depth(&order.resource_class, None).bids[0].units, 3);
    assert_err(
        s.exec(&t, &amend(None, None, id), &[]),
        ContractError::NothingToAmend,
    );
    assert_err(
        s.exec(&t, &amend(Some("0"), None, id), &[]),
        ContractError::ZeroPrice {
            field: "max_price_per_block".into(),
        },
    );
}

#[test]
fn amend_refuses_fewer_replicas_than_already_filled() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    let id = s.place(&t, spec(), "1", 3);
    let p = s.p(0);
    s.post(&p, capacity("us-west"), "1", 2);
    s.match_orders(10);
    assert_eq!(s.order(id).filled_replicas, 2);
    assert_err(
        s.exec(&t, &amend(None, Some(2), id), &[]),
        ContractError::ReplicasBelowFilled {
            replicas: 2,
            filled: 2,
        },
    );
}
