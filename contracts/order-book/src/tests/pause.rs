//! Paused: entries and keeper matching stop; users' exits stay open.

use cosmwasm_std::coins;
use spice_governance::GovernanceError;

use super::suite::*;
use crate::msg::ExecuteMsg;
use crate::state::{OfferStatus, OrderStatus};
use crate::ContractError;

fn paused() -> ContractError {
    ContractError::Governance(GovernanceError::Paused)
}

#[test]
fn paused_book_refuses_new_orders_offers_amendments_and_matching() {
    let mut s = Suite::new();
    let (t, p) = (s.tenant.clone(), s.p(0));
    let order = s.place(&t, spec(), "1", 1);
    let offer = s.post(&p, capacity("us-west"), "1", 1);
    let guardian = s.guardian.clone();
    s.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();
    assert_err(
        s.exec(&t, &Suite::place_msg(spec(), "1", 1), &coins(100, AKT)),
        paused(),
    );
    assert_err(
        s.exec(&p, &Suite::post_msg(capacity("us-west"), "1", 1), &[]),
        paused(),
    );
    let amend = ExecuteMsg::AmendOrder {
        order_id: order,
        max_price_per_block: Some(dec("0.5")),
        expires_at: None,
        replicas: None,
    };
    assert_err(s.exec(&t, &amend, &[]), paused());
    assert_err(s.fill(&t, order, Some(offer)), paused());
    let keeper = s.keeper.clone();
    assert_err(
        s.exec(&keeper, &ExecuteMsg::MatchOrders { limit: None }, &[]),
        paused(),
    );
    // Unpaused by the owner, matching resumes where it was.
    let owner = s.owner.clone();
    s.exec(&owner, &ExecuteMsg::Unpause {}, &[]).unwrap();
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
}

#[test]
fn paused_book_still_lets_tenants_and_providers_leave() {
    let mut s = Suite::new();
    let (t, p) = (s.tenant.clone(), s.p(0));
    let before = s.balance(&t, AKT);
    let order = s.place(&t, spec(), "1", 1);
    let h = s.height();
    let expiring = ExecuteMsg::PlaceOrder {
        spec: spec(),
        max_price_per_block: dec("1"),
        denom: AKT.into(),
        expires_at: Some(h + 2),
        replicas: 1,
    };
    s.exec(&t, &expiring, &coins(100, AKT)).unwrap();
    let mut elsewhere = capacity("eu-west");
    elsewhere.resources.cpu_millis = 2_000;
    let offer = s.post(&p, elsewhere, "1", 1);
    let guardian = s.guardian.clone();
    s.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();
    s.exec(&t, &ExecuteMsg::CancelOrder { order_id: order }, &[])
        .unwrap();
    s.exec(&p, &ExecuteMsg::WithdrawOffer { offer_id: offer }, &[])
        .unwrap();
    s.advance(2);
    s.expire(None).unwrap();
    assert_eq!(s.order(order).status, OrderStatus::Cancelled);
    assert_eq!(s.order(2).status, OrderStatus::Expired);
    assert_eq!(s.offer(offer).status, OfferStatus::Withdrawn);
    assert_eq!(s.balance(&t, AKT), before);
}
