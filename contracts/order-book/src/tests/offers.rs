//! post_offer, withdraw_offer.

use cosmwasm_std::coins;

use super::suite::*;
use crate::msg::ExecuteMsg;
use crate::spec::MAX_UNITS;
use crate::state::OfferStatus;
use crate::ContractError;

#[test]
fn post_offer_rests_in_the_ask_side_by_class() {
    let mut s = Suite::new();
    let p = s.p(0);
    let id = s.post(&p, capacity("us-west"), "0.5", 4);
    let offer = s.offer(id);
    assert_eq!(offer.status, OfferStatus::Open);
    assert_eq!(offer.resource_class, "c1000-m1024-s8192-g0");
    assert_eq!((offer.units, offer.units_left), (4, 4));
    let depth = s.depth("c1000-m1024-s8192-g0", None);
    assert_eq!(depth.asks[0].units, 4);
    assert_eq!(depth.asks[0].price_per_block, dec("0.5"));
}

#[test]
fn post_offer_requires_an_audit_when_a_registry_is_set() {
    let mut s = Suite::with_registry();
    let p = s.p(0);
    s.set_audit(&p, true, None, &[]);
    assert_err(
        s.exec(&p, &Suite::post_msg(capacity("us-west"), "1", 1), &[]),
        ContractError::ProviderNotAudited {
            provider: p.to_string(),
        },
    );
    s.set_audit(&p, false, Some(1), &[]);
    assert!(s
        .exec(&p, &Suite::post_msg(capacity("us-west"), "1", 1), &[])
        .is_err());
    s.set_audit(&p, true, Some(2), &[]);
    s.post(&p, capacity("us-west"), "1", 1);
}

#[test]
fn withdraw_offer_takes_it_out_of_the_book() {
    let mut s = Suite::new();
    let p = s.p(0);
    let id = s.post(&p, capacity("us-west"), "1", 3);
    let res = s
        .exec(&p, &ExecuteMsg::WithdrawOffer { offer_id: id }, &[])
        .unwrap();
    assert_eq!(attr(ev(&res, "withdraw_offer")[0], "units_left"), "3");
    assert_eq!(s.offer(id).status, OfferStatus::Withdrawn);
    assert!(s.depth("c1000-m1024-s8192-g0", None).asks.is_empty());
    // Nothing matches it any more.
    let t = s.tenant.clone();
    let order = s.place(&t, spec(), "2", 1);
    s.match_orders(10);
    assert!(s.leases().is_empty());
    assert_eq!(s.order(order).filled_replicas, 0);
    assert_err(
        s.exec(&p, &ExecuteMsg::WithdrawOffer { offer_id: id }, &[]),
        ContractError::OfferNotOpen {
            offer_id: id,
            status: "withdrawn".into(),
        },
    );
}

#[test]
fn post_offer_refuses_bad_inputs() {
    let mut s = Suite::new();
    let p = s.p(0);
    assert_err(
        s.exec(&p, &Suite::post_msg(capacity("us-west"), "0", 1), &[]),
        ContractError::ZeroPrice {
            field: "price_per_block".into(),
        },
    );
    for units in [0, MAX_UNITS + 1] {
        assert_err(
            s.exec(&p, &Suite::post_msg(capacity("us-west"), "1", units), &[]),
            ContractError::UnitsOutOfRange {
                value: units,
                max: MAX_UNITS,
            },
        );
    }
    assert_err(
        s.exec(
            &p,
            &Suite::post_msg(capacity("us-west"), "1", 1),
            &coins(5, AKT),
        ),
        ContractError::WrongOfferDeposit {
            expected: offer_deposit().to_string(),
            got: coins(5, AKT),
        },
    );
    let uosmo = ExecuteMsg::PostOffer {
        spec_capacity: capacity("us-west"),
        price_per_block: dec("1"),
        denom: "uosmo".into(),
        units: 1,
        expires_at: None,
    };
    assert!(matches!(
        cerr(&s.exec(&p, &uosmo, &[]).unwrap_err()),
        ContractError::DenomNotAccepted { .. }
    ));
    assert!(matches!(
        cerr(
            &s.exec(&p, &Suite::post_msg(capacity("us-*"), "1", 1), &[])
                .unwrap_err()
        ),
        ContractError::WildcardNotAllowed { .. }
    ));
}

#[test]
fn open_offer_cap_per_provider_is_enforced() {
    let mut s = Suite::with(|m| m.max_open_offers_per_provider = Some(2));
    let p = s.p(0);
    let first = s.post(&p, capacity("us-west"), "1", 1);
    s.post(&p, capacity("us-west"), "1", 1);
    assert_err(
        s.exec(&p, &Suite::post_msg(capacity("us-west"), "1", 1), &[]),
        ContractError::TooManyOpenOffers {
            provider: p.to_string(),
            max: 2,
        },
    );
    s.exec(&p, &ExecuteMsg::WithdrawOffer { offer_id: first }, &[])
        .unwrap();
    s.post(&p, capacity("us-west"), "1", 1);
}
