//! A call's fills open their leases in one escrow `open_leases` (a single fill still sends
//! `open_lease`): the reply pays the opened fills and undoes the refused ones alone; a failed
//! sub-call undoes every fill it carried. Every coin is checked against bank balances.

use cosmwasm_std::{Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use cw_multi_test::{AppResponse, ContractWrapper, Executor};

use super::attacks::{use_escrow_code, use_refusing_escrow};
use super::suite::*;
use crate::msg::InstantiateMsg;
use crate::state::{OfferStatus, OrderStatus};

/// How many times the response executed `contract`.
fn executions(res: &AppResponse, contract: &Addr) -> usize {
    res.events
        .iter()
        .filter(|e| e.ty == "execute")
        .filter(|e| {
            e.attributes
                .iter()
                .any(|a| a.key == "_contract_address" && a.value == contract.as_str())
        })
        .count()
}

fn escrow_events(res: &AppResponse, ty: &str) -> usize {
    res.events
        .iter()
        .filter(|e| e.ty == format!("wasm-spice.escrow.{ty}"))
        .count()
}

/// Bank transfers the response made to `to`.
fn transfers_to(res: &AppResponse, to: &Addr) -> usize {
    res.events
        .iter()
        .filter(|e| e.ty == "transfer")
        .filter(|e| {
            e.attributes
                .iter()
                .any(|a| a.key == "recipient" && a.value == to.as_str())
        })
        .count()
}

/// Everyone who can hold the suite's coins: a match moves coins among them only.
fn holders(s: &Suite) -> Vec<Addr> {
    let mut all = vec![
        s.tenant.clone(),
        s.tenant2.clone(),
        s.keeper.clone(),
        s.book.clone(),
        s.escrow.clone(),
    ];
    all.extend(s.providers.iter().cloned());
    all
}

fn balances(s: &Suite, denom: &str) -> Vec<u128> {
    holders(s).iter().map(|a| s.balance(a, denom)).collect()
}

/// Five one-unit offers from five providers, drained from the queue, and five one-replica
/// orders of `tenant` waiting for the keeper.
fn five_crossing(s: &mut Suite) -> (Vec<u64>, Vec<u64>) {
    let offers: Vec<u64> = (0..5)
        .map(|i| {
            let p = s.p(i);
            s.post(&p, capacity("us-west"), "1", 1)
        })
        .collect();
    s.match_orders(10);
    let t = s.tenant.clone();
    let orders = (0..5).map(|_| s.place(&t, spec(), "1", 1)).collect();
    (orders, offers)
}

#[test]
fn a_pass_of_five_fills_opens_every_lease_in_one_escrow_call() {
    let mut s = Suite::with(|m: &mut InstantiateMsg| m.keeper_bounty_bps = Some(100));
    let (orders, offers) = five_crossing(&mut s);
    let (akt, osmo) = (balances(&s, AKT), balances(&s, OSMO));
    let (book_akt, escrow_akt, keeper_akt) = (
        s.balance(&s.book, AKT),
        s.balance(&s.escrow, AKT),
        s.balance(&s.keeper, AKT),
    );
    let res = s.match_orders(10);
    assert_eq!(ev(&res, "fill").len(), 5);
    assert_eq!(
        executions(&res, &s.escrow),
        1,
        "one escrow call for the pass"
    );
    assert_eq!(escrow_events(&res, "open_leases"), 1);
    assert_eq!(escrow_events(&res, "open_lease"), 5);
    assert_eq!(ev(&res, "fill_failed").len(), 0);
    // Which fill opened which lease, in fill order.
    let opened = ev(&res, "fills_opened");
    assert_eq!(attr(opened[0], "opened"), "5");
    assert_eq!(attr(opened[0], "failed"), "0");
    let expected: Vec<String> = orders
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{o}:{}", i + 1))
        .collect();
    assert_eq!(attr(opened[0], "leases"), expected.join(","));
    let per_fill = ev(&res, "fill_opened");
    assert_eq!(per_fill.len(), 5);
    for (i, e) in per_fill.iter().enumerate() {
        assert_eq!(attr(e, "order_id"), orders[i].to_string());
        assert_eq!(attr(e, "offer_id"), offers[i].to_string());
        assert_eq!(attr(e, "lease_id"), (i + 1).to_string());
    }
    for o in &orders {
        assert_eq!(s.order(*o).status, OrderStatus::Filled);
    }
    for f in &offers {
        assert_eq!(s.offer(*f).status, OfferStatus::Exhausted);
    }
    // Money: each order's deposit split into its lease and 1% for the keeper, paid in one
    // send; every used-up offer's deposit went home; nothing left anywhere else.
    let deposit = s.needed("1", 1);
    let bounty = deposit / 100;
    let leases = s.leases();
    assert_eq!(leases.len(), 5);
    for l in &leases {
        assert_eq!(l.funds, vec![cosmwasm_std::coin(deposit - bounty, AKT)]);
    }
    assert_eq!(s.balance(&s.keeper, AKT), keeper_akt + 5 * bounty);
    assert_eq!(transfers_to(&res, &s.keeper), 1, "the bounties in one send");
    assert_eq!(
        s.balance(&s.escrow, AKT),
        escrow_akt + 5 * (deposit - bounty)
    );
    assert_eq!(s.balance(&s.book, AKT), book_akt - 5 * deposit);
    for i in 0..5 {
        assert_eq!(s.balance(&s.p(i), OSMO), START);
    }
    assert_eq!(
        balances(&s, AKT).iter().sum::<u128>(),
        akt.iter().sum::<u128>()
    );
    assert_eq!(
        balances(&s, OSMO).iter().sum::<u128>(),
        osmo.iter().sum::<u128>()
    );
}

#[test]
fn a_single_fill_still_opens_its_lease_with_open_lease() {
    let mut s = Suite::new();
    let p = s.p(0);
    s.post(&p, capacity("us-west"), "1", 1);
    s.match_orders(10);
    let t = s.tenant.clone();
    let order = s.place(&t, spec(), "1", 1);
    let res = s.match_orders(10);
    assert_eq!(executions(&res, &s.escrow), 1);
    assert_eq!(escrow_events(&res, "open_lease"), 1);
    assert_eq!(escrow_events(&res, "open_leases"), 0);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    assert_eq!(s.leases().len(), 1);
}

#[test]
fn one_refused_item_undoes_its_fill_alone_and_the_others_open_and_are_paid() {
    let mut s = Suite::with(|m: &mut InstantiateMsg| m.keeper_bounty_bps = Some(100));
    use_refusing_escrow(&mut s);
    // p5 is banned in the escrow: its offer is the middle one of three.
    let ps = [s.p(0), s.p(5), s.p(1)];
    let offers: Vec<u64> = ps
        .iter()
        .map(|p| s.post(p, capacity("us-west"), "1", 1))
        .collect();
    s.match_orders(10);
    let t = s.tenant.clone();
    let orders: Vec<u64> = (0..3).map(|_| s.place(&t, spec(), "1", 1)).collect();
    let (akt, osmo) = (balances(&s, AKT), balances(&s, OSMO));
    let (book_akt, escrow_akt, keeper_akt, book_osmo) = (
        s.balance(&s.book, AKT),
        s.balance(&s.escrow, AKT),
        s.balance(&s.keeper, AKT),
        s.balance(&s.book, OSMO),
    );
    let res = s.match_orders(10);
    assert_eq!(executions(&res, &s.escrow), 1);
    assert_eq!(ev(&res, "fill").len(), 3);
    let failed = ev(&res, "fill_failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(attr(failed[0], "order_id"), orders[1].to_string());
    assert_eq!(attr(failed[0], "offer_id"), offers[1].to_string());
    assert!(attr(failed[0], "error").contains("price"), "{failed:?}");
    assert_eq!(attr(ev(&res, "fills_opened")[0], "failed"), "1");
    // The refused pair is as it was; the others opened.
    let o = s.order(orders[1]);
    let deposit = s.needed("1", 1);
    assert_eq!((o.status, o.filled_replicas), (OrderStatus::Open, 0));
    assert_eq!(o.deposit.u128(), deposit);
    let f = s.offer(offers[1]);
    assert_eq!((f.status, f.units_left), (OfferStatus::Open, 1));
    assert_eq!(f.deposit, Some(offer_deposit()));
    for i in [0, 2] {
        assert_eq!(s.order(orders[i]).status, OrderStatus::Filled);
        assert_eq!(s.offer(offers[i]).status, OfferStatus::Exhausted);
    }
    // Paid for the two opened fills only; the refused deposit came back to the book.
    let bounty = deposit / 100;
    assert_eq!(s.balance(&s.keeper, AKT), keeper_akt + 2 * bounty);
    assert_eq!(
        s.balance(&s.escrow, AKT),
        escrow_akt + 2 * (deposit - bounty)
    );
    assert_eq!(s.balance(&s.book, AKT), book_akt - 2 * deposit);
    assert_eq!(s.balance(&s.book, OSMO), book_osmo - 2 * OFFER_DEPOSIT);
    assert_eq!(s.balance(&ps[1], OSMO), START - OFFER_DEPOSIT);
    assert_eq!(s.leases().len(), 2);
    assert_eq!(
        balances(&s, AKT).iter().sum::<u128>(),
        akt.iter().sum::<u128>()
    );
    assert_eq!(
        balances(&s, OSMO).iter().sum::<u128>(),
        osmo.iter().sum::<u128>()
    );
    // The book's books still balance: the refused order can be cancelled for its deposit.
    let t_akt = s.balance(&t, AKT);
    s.exec(
        &t,
        &crate::msg::ExecuteMsg::CancelOrder {
            order_id: orders[1],
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.balance(&t, AKT), t_akt + deposit);
}

/// An escrow that does not know `open_leases` (one older than the message, as if the book were
/// upgraded first): it refuses the message as a whole.
fn old_escrow_exec(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: rollover_escrow::msg::ExecuteMsg,
) -> Result<Response, rollover_escrow::ContractError> {
    if let rollover_escrow::msg::ExecuteMsg::OpenLeases { .. } = msg {
        return Err(cosmwasm_std::StdError::parse_err(
            "rollover_escrow::msg::ExecuteMsg",
            "unknown variant `open_leases`",
        )
        .into());
    }
    rollover_escrow::contract::execute(deps, env, info, msg)
}

fn escrow_query(
    deps: Deps,
    env: Env,
    msg: rollover_escrow::msg::QueryMsg,
) -> Result<Binary, rollover_escrow::ContractError> {
    rollover_escrow::contract::query(deps, env, msg)
}

/// Points the book at a fresh escrow of the old code (as if the book were upgraded first).
fn use_old_escrow(s: &mut Suite) {
    use_escrow_code(
        s,
        Box::new(ContractWrapper::new(
            old_escrow_exec,
            rollover_escrow::contract::instantiate,
            escrow_query,
        )),
    );
}

#[test]
fn a_failed_open_leases_undoes_every_fill_of_the_pass_and_pays_nothing() {
    let mut s = Suite::with(|m: &mut InstantiateMsg| m.keeper_bounty_bps = Some(100));
    use_old_escrow(&mut s);
    let (orders, offers) = five_crossing(&mut s);
    let (akt, osmo) = (balances(&s, AKT), balances(&s, OSMO));
    let before: Vec<_> = orders.iter().map(|o| s.order(*o)).collect();
    let offers_before: Vec<_> = offers.iter().map(|f| s.offer(*f)).collect();
    let res = s.match_orders(10);
    assert_eq!(ev(&res, "fill").len(), 5);
    let failed = ev(&res, "fill_failed");
    assert_eq!(failed.len(), 5);
    assert!(
        attr(failed[0], "error").contains("open_leases"),
        "{failed:?}"
    );
    assert_eq!(attr(ev(&res, "fills_opened")[0], "opened"), "0");
    // Every coin where it was: nothing paid, nothing opened.
    assert_eq!(balances(&s, AKT), akt);
    assert_eq!(balances(&s, OSMO), osmo);
    assert!(s.leases().is_empty());
    for (o, b) in orders.iter().zip(&before) {
        let now = s.order(*o);
        assert_eq!(
            (now.status, now.filled_replicas, now.deposit),
            (b.status, b.filled_replicas, b.deposit)
        );
    }
    for (f, b) in offers.iter().zip(&offers_before) {
        let now = s.offer(*f);
        assert_eq!(
            (now.status, now.units_left, &now.deposit),
            (b.status, b.units_left, &b.deposit)
        );
    }
    // Control: with an escrow that knows `open_leases` (upgraded: escrow first), the same
    // orders and offers match on the next crossing.
    let mut fresh = Suite::with(|m: &mut InstantiateMsg| m.keeper_bounty_bps = Some(100));
    five_crossing(&mut fresh);
    let res = fresh.match_orders(10);
    assert_eq!(attr(ev(&res, "fills_opened")[0], "opened"), "5");
}

#[test]
fn a_paused_escrow_refuses_the_pass_before_any_fill() {
    let mut s = Suite::new();
    let (orders, _) = five_crossing(&mut s);
    let owner = s.owner.clone();
    s.app
        .execute_contract(
            owner,
            s.escrow.clone(),
            &rollover_escrow::msg::ExecuteMsg::Pause {},
            &[],
        )
        .unwrap();
    let akt = balances(&s, AKT);
    let keeper = s.keeper.clone();
    assert_err(
        s.exec(
            &keeper,
            &crate::msg::ExecuteMsg::MatchOrders { limit: Some(10) },
            &[],
        ),
        crate::ContractError::EscrowPaused,
    );
    assert_eq!(balances(&s, AKT), akt);
    assert_eq!(s.order(orders[0]).status, OrderStatus::Open);
}
