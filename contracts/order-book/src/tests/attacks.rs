//! Issue 17, "Marketplace under attack": one hostile participant must not halt matching, pick
//! who is paid, or spam the book for free. Each attack runs against the real rollover-escrow,
//! next to the honest case as its control.

use cosmwasm_std::{coin, Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use cw_multi_test::{AppResponse, ContractWrapper, Executor};

use super::suite::*;
use crate::execute::matching::{MAX_CANDIDATES, MAX_SCAN};
use crate::msg::{ConfigUpdate, ExecuteMsg, InstantiateMsg};
use crate::state::{OfferStatus, OrderStatus};
use crate::ContractError;

fn escrow_config(s: &mut Suite, update: rollover_escrow::msg::ConfigUpdate) {
    let (owner, escrow) = (s.owner.clone(), s.escrow.clone());
    s.app
        .execute_contract(
            owner,
            escrow,
            &rollover_escrow::msg::ExecuteMsg::UpdateConfig(update),
            &[],
        )
        .unwrap();
}

/// Every lease the escrow opened has a tenant other than its provider and than its backups.
fn assert_leases_valid(s: &Suite) {
    for l in s.leases() {
        let tenant = l.msg.tenant.clone().unwrap();
        assert_ne!(tenant, l.msg.provider);
        assert!(l.msg.backups.iter().all(|b| b.provider != tenant));
    }
}

fn queue_len(res: &AppResponse) -> (String, String) {
    let e = ev(res, "match_orders")[0];
    (attr(e, "processed"), attr(e, "requeued"))
}

// ---------- finding 1: one self-crossing pair halts all matching ----------

#[test]
fn self_crossing_pair_does_not_block_the_queue() {
    let mut s = Suite::new();
    let (t, t2, p0) = (s.tenant.clone(), s.tenant2.clone(), s.p(0));
    // The tenant also sells capacity, cheapest in the book.
    let own = s.post(&t, capacity("us-west"), "1", 1);
    let honest = s.post(&p0, capacity("us-west"), "1.5", 1);
    s.match_orders(10);
    let mine = s.place(&t, spec(), "2", 1);
    let other = s.place(&t2, spec(), "2", 1);
    let res = s.match_orders(10);
    // The tenant's order skips its own offer and takes the honest one; the other tenant's
    // order takes the tenant's offer (selling to someone else is fine).
    assert_eq!(attr(ev(&res, "match_orders")[0], "fills"), "2");
    assert_eq!(s.order(mine).status, OrderStatus::Filled);
    assert_eq!(s.order(other).status, OrderStatus::Filled);
    assert_eq!(s.offer(honest).status, OfferStatus::Exhausted);
    assert_eq!(s.offer(own).status, OfferStatus::Exhausted);
    let leases = s.leases();
    assert_eq!(leases.len(), 2);
    assert_eq!(leases[0].msg.provider, p0.to_string());
    assert_eq!(leases[1].msg.provider, t.to_string());
    assert_leases_valid(&s);
    // The queue drained.
    let res = s.match_orders(10);
    assert_eq!(queue_len(&res), ("0".into(), "0".into()));
    // And the tenant cannot fill the pair by hand either.
    let own2 = s.post(&t, capacity("us-west"), "1", 1);
    let mine2 = s.place(&t, spec(), "2", 1);
    s.match_orders(10);
    assert_eq!(s.order(mine2).status, OrderStatus::Open);
    assert_err(
        s.fill(&t, mine2, Some(own2)),
        ContractError::SelfCrossing {
            order_id: mine2,
            offer_id: own2,
            address: t.to_string(),
        },
    );
}

#[test]
fn tenant_is_never_named_its_own_backup() {
    let mut s = Suite::new();
    let (t, p0, p1) = (s.tenant.clone(), s.p(0), s.p(1));
    s.post(&p0, capacity("us-west"), "1", 1);
    // The tenant's offer is the next best: it would be the first backup.
    s.post(&t, capacity("us-west"), "1.1", 1);
    s.post(&p1, capacity("us-west"), "1.2", 1);
    s.match_orders(10);
    let order = s.place(&t, spec(), "2", 1);
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    let lease = &s.leases()[0].msg;
    assert_eq!(lease.provider, p0.to_string());
    let backups: Vec<_> = lease.backups.iter().map(|b| b.provider.clone()).collect();
    assert_eq!(backups, vec![p1.to_string()]);
}

#[test]
fn a_denom_the_escrow_refuses_is_skipped_and_the_rest_matches() {
    let mut s = Suite::new();
    // The book takes USDC, the escrow no longer does.
    escrow_config(
        &mut s,
        rollover_escrow::msg::ConfigUpdate {
            accepted_denoms: Some(vec![AKT.into()]),
            ..Default::default()
        },
    );
    let (t, t2, p0, p1) = (s.tenant.clone(), s.tenant2.clone(), s.p(0), s.p(1));
    let usdc_offer = s
        .exec(
            &p0,
            &ExecuteMsg::PostOffer {
                spec_capacity: capacity("us-west"),
                price_per_block: dec("1"),
                denom: USDC.into(),
                units: 1,
                expires_at: None,
            },
            &[offer_deposit()],
        )
        .map(|r| {
            attr(ev(&r, "post_offer")[0], "offer_id")
                .parse::<u64>()
                .unwrap()
        })
        .unwrap();
    let usdc_order = {
        let res = s
            .exec(
                &t,
                &ExecuteMsg::PlaceOrder {
                    spec: spec(),
                    max_price_per_block: dec("1"),
                    denom: USDC.into(),
                    expires_at: None,
                    replicas: 1,
                },
                &[coin(s.needed("1", 1), USDC)],
            )
            .unwrap();
        attr(ev(&res, "place_order")[0], "order_id")
            .parse::<u64>()
            .unwrap()
    };
    // The honest AKT pair queued behind it.
    s.post(&p1, capacity("us-west"), "1", 1);
    let akt_order = s.place(&t2, spec(), "1", 1);
    let res = s.match_orders(10);
    assert_eq!(attr(ev(&res, "match_orders")[0], "fills"), "1");
    assert_eq!(s.order(akt_order).status, OrderStatus::Filled);
    assert_eq!(s.order(usdc_order).status, OrderStatus::Open);
    assert_eq!(s.offer(usdc_offer).status, OfferStatus::Open);
    assert_err(
        s.fill(&t, usdc_order, Some(usdc_offer)),
        ContractError::EscrowRefusesDenom {
            denom: USDC.into(),
            accepted: vec![AKT.into()],
        },
    );
}

#[test]
fn backups_never_exceed_the_escrows_max_backups() {
    let mut s = Suite::new();
    escrow_config(
        &mut s,
        rollover_escrow::msg::ConfigUpdate {
            max_backups: Some(1),
            ..Default::default()
        },
    );
    let ps: Vec<Addr> = (0..4).map(|i| s.p(i)).collect();
    for (i, p) in ps.iter().enumerate() {
        s.post(p, capacity("us-west"), &format!("1.{i}"), 1);
    }
    s.match_orders(10);
    let t = s.tenant.clone();
    let order = s.place(&t, spec(), "2", 1);
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    let lease = &s.leases()[0].msg;
    assert_eq!(lease.provider, ps[0].to_string());
    assert_eq!(lease.backups.len(), 1);
    assert_eq!(lease.backups[0].provider, ps[1].to_string());
}

/// The real escrow, refusing every lease whose provider is `p5` (as if that provider were
/// banned there), and every lease of `tenant2` with `p4`: refusals the book cannot foresee.
/// In an `open_leases` batch such an item is given a zero price, so the real escrow refuses it
/// by its own rules (skipped, deposit sent back) while the others open.
fn refusing_escrow_exec(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: rollover_escrow::msg::ExecuteMsg,
) -> Result<Response, rollover_escrow::ContractError> {
    let banned = |open: &spice_types::OpenLeaseMsg| {
        let api = cosmwasm_std::testing::MockApi::default();
        open.provider == api.addr_make("p5").as_str()
            || (open.provider == api.addr_make("p4").as_str()
                && open.tenant.as_deref() == Some(api.addr_make("tenant2").as_str()))
    };
    let msg = match msg {
        rollover_escrow::msg::ExecuteMsg::OpenLease(open) if banned(&open) => {
            return Err(cosmwasm_std::StdError::generic_err("provider banned").into());
        }
        rollover_escrow::msg::ExecuteMsg::OpenLeases { mut leases } => {
            for item in leases.iter_mut().filter(|i| banned(&i.lease)) {
                item.lease.price_per_block = cosmwasm_std::Decimal::zero();
            }
            rollover_escrow::msg::ExecuteMsg::OpenLeases { leases }
        }
        other => other,
    };
    rollover_escrow::contract::execute(deps, env, info, msg)
}

fn escrow_query(
    deps: Deps,
    env: Env,
    msg: rollover_escrow::msg::QueryMsg,
) -> Result<Binary, rollover_escrow::ContractError> {
    rollover_escrow::contract::query(deps, env, msg)
}

/// Points the book at a fresh escrow running `refusing_escrow_exec`.
pub(super) fn use_refusing_escrow(s: &mut Suite) {
    use_escrow_code(
        s,
        Box::new(ContractWrapper::new(
            refusing_escrow_exec,
            rollover_escrow::contract::instantiate,
            escrow_query,
        )),
    );
}

/// Points the book at a fresh escrow running `code`, opening leases for the book.
pub(super) fn use_escrow_code(
    s: &mut Suite,
    code: Box<dyn cw_multi_test::Contract<cosmwasm_std::Empty>>,
) {
    let code = s.app.store_code(code);
    let owner = s.owner.clone();
    // A fresh escrow with this code, opening leases for the book.
    let fresh = s
        .app
        .instantiate_contract(
            code,
            owner.clone(),
            &rollover_escrow::msg::InstantiateMsg {
                owner: Some(owner.to_string()),
                guardian: None,
                accepted_denoms: vec![AKT.into(), USDC.into()],
                take_fee_bps: 100,
                fee_collector: owner.to_string(),
                grace_period_blocks: 600,
                heartbeat_timeout_blocks: 100,
                order_book: Some(s.book.to_string()),
                keeper_bounty_bps: 10,
                incentives: None,
                min_sponsor_deposit: None,
                monitors: None,
                max_backups: None,
                bond_slash_bps: None,
            },
            &[],
            "refusing escrow",
            None,
        )
        .unwrap();
    s.escrow = fresh.clone();
    s.update_config(ConfigUpdate {
        escrow: Some(fresh.to_string()),
        ..Default::default()
    })
    .unwrap();
}

#[test]
fn a_refused_lease_undoes_that_fill_alone_and_the_batch_stands() {
    let mut s = Suite::with(|m: &mut InstantiateMsg| m.keeper_bounty_bps = Some(100));
    use_refusing_escrow(&mut s);
    let (t, t2, banned, p0) = (s.tenant.clone(), s.tenant2.clone(), s.p(5), s.p(0));
    let bad_offer = s.post(&banned, capacity("us-west"), "1", 1);
    let good_offer = s.post(&p0, capacity("us-west"), "1", 1);
    s.match_orders(10);
    let bad_order = s.place(&t, spec(), "1", 1);
    let good_order = s.place(&t2, spec(), "1", 1);
    let keeper = s.keeper.clone();
    let (book_akt, book_osmo, keeper_akt, banned_osmo) = (
        s.balance(&s.book, AKT),
        s.balance(&s.book, OSMO),
        s.balance(&keeper, AKT),
        s.balance(&banned, OSMO),
    );
    let deposit = s.needed("1", 1);
    let res = s.match_orders(10);
    // Both fills were tried; the banned provider's lease failed and was undone.
    assert_eq!(ev(&res, "fill").len(), 2);
    let failed = ev(&res, "fill_failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(attr(failed[0], "order_id"), bad_order.to_string());
    assert_eq!(attr(failed[0], "offer_id"), bad_offer.to_string());
    assert_eq!(attr(failed[0], "restored"), deposit.to_string());
    // The failed pair is back as it was: order open with its deposit, offer open with its
    // deposit, nothing paid for it.
    let o = s.order(bad_order);
    assert_eq!((o.status, o.filled_replicas), (OrderStatus::Open, 0));
    assert_eq!(o.deposit.u128(), deposit);
    let f = s.offer(bad_offer);
    assert_eq!((f.status, f.units_left), (OfferStatus::Open, 1));
    assert_eq!(f.deposit, Some(offer_deposit()));
    assert_eq!(s.balance(&banned, OSMO), banned_osmo);
    // The rest of the batch stands: the honest pair has its lease, the keeper its bounty
    // (1% of the honest fill only), the honest provider its deposit back.
    assert_eq!(s.order(good_order).status, OrderStatus::Filled);
    assert_eq!(s.offer(good_offer).status, OfferStatus::Exhausted);
    let leases = s.leases();
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].msg.provider, p0.to_string());
    let bounty = deposit / 100;
    assert_eq!(s.balance(&keeper, AKT), keeper_akt + bounty);
    assert_eq!(s.balance(&s.book, AKT), book_akt - deposit);
    assert_eq!(s.balance(&s.book, OSMO), book_osmo - OFFER_DEPOSIT);
    assert_eq!(s.balance(&s.escrow, AKT), deposit - bounty);
    // The queue moved on; the tenant can still cancel and get everything back.
    let res = s.match_orders(10);
    assert_eq!(queue_len(&res), ("0".into(), "0".into()));
    let before = s.balance(&t, AKT);
    s.exec(
        &t,
        &ExecuteMsg::CancelOrder {
            order_id: bad_order,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.balance(&t, AKT), before + deposit);
}

#[test]
fn while_the_escrow_is_paused_matching_waits_instead_of_churning() {
    let mut s = Suite::new();
    let (t, p0) = (s.tenant.clone(), s.p(0));
    s.post(&p0, capacity("us-west"), "1", 1);
    let order = s.place(&t, spec(), "1", 1);
    let (owner, escrow) = (s.owner.clone(), s.escrow.clone());
    s.app
        .execute_contract(
            owner.clone(),
            escrow.clone(),
            &rollover_escrow::msg::ExecuteMsg::Pause {},
            &[],
        )
        .unwrap();
    let keeper = s.keeper.clone();
    assert_err(
        s.exec(&keeper, &ExecuteMsg::MatchOrders { limit: None }, &[]),
        ContractError::EscrowPaused,
    );
    s.app
        .execute_contract(
            owner,
            escrow,
            &rollover_escrow::msg::ExecuteMsg::Unpause {},
            &[],
        )
        .unwrap();
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
}

// ---------- finding 6: fills above the best price ----------

#[test]
fn provider_cannot_fill_above_the_best_resting_offer() {
    let mut s = Suite::new();
    let (t, p0, p1) = (s.tenant.clone(), s.p(0), s.p(1));
    let cheap = s.post(&p0, capacity("us-west"), "1", 1);
    let dear = s.post(&p1, capacity("us-west"), "1.8", 1);
    let order = s.place(&t, spec(), "2", 1);
    // The dear provider grabs the order before the keeper runs: refused.
    assert_err(
        s.fill(&p1, order, Some(dear)),
        ContractError::BetterOfferRests {
            order_id: order,
            offer_id: dear,
            price: dec("1.8"),
            better_offer_id: cheap,
            better_price: dec("1"),
        },
    );
    assert_eq!(s.order(order).status, OrderStatus::Open);
    // Control: the best offer's provider may fill it at its price.
    s.fill(&p0, order, Some(cheap)).unwrap();
    assert_eq!(s.leases()[0].msg.provider, p0.to_string());
    assert_eq!(s.leases()[0].msg.price_per_block, dec("1"));
}

#[test]
fn at_equal_price_only_the_earlier_offers_provider_may_fill() {
    let mut s = Suite::new();
    let (t, p0, p1) = (s.tenant.clone(), s.p(0), s.p(1));
    let early = s.post(&p0, capacity("us-west"), "1", 1);
    let late = s.post(&p1, capacity("us-west"), "1", 1);
    let order = s.place(&t, spec(), "2", 1);
    assert_err(
        s.fill(&p1, order, Some(late)),
        ContractError::BetterOfferRests {
            order_id: order,
            offer_id: late,
            price: dec("1"),
            better_offer_id: early,
            better_price: dec("1"),
        },
    );
    s.fill(&p0, order, Some(early)).unwrap();
    assert_eq!(s.leases()[0].msg.provider, p0.to_string());
}

#[test]
fn the_tenant_may_choose_a_dearer_offer_and_incompatible_cheaper_ones_do_not_count() {
    let mut s = Suite::new();
    let (t, t2, p0, p1, p2) = (s.tenant.clone(), s.tenant2.clone(), s.p(0), s.p(1), s.p(2));
    s.post(&p0, capacity("us-west"), "1", 1);
    let dear = s.post(&p1, capacity("us-west"), "1.8", 1);
    let order = s.place(&t, spec(), "2", 1);
    // The tenant's own choice of provider, at that provider's price.
    s.fill(&t, order, Some(dear)).unwrap();
    assert_eq!(s.leases()[0].msg.provider, p1.to_string());
    // A cheaper offer the order cannot use (wrong region) does not block the provider.
    let mut sp = spec();
    sp.region = Some("us-*".into());
    let other = s.place(&t2, sp, "2", 1);
    s.post(&p2, capacity("eu-west"), "0.5", 1);
    let fit = s.post(&p2, capacity("us-west"), "1.9", 1);
    // p0's offer at 1 is still cheaper and compatible: p2 is refused at 1.9 ...
    assert!(s.fill(&p2, other, Some(fit)).is_err());
    // ... until it is gone.
    s.match_orders(10);
    assert_eq!(s.order(other).status, OrderStatus::Filled);
    assert_eq!(s.leases()[1].msg.provider, p0.to_string());
}

#[test]
fn the_cheapest_compatible_offer_wins_and_at_equal_price_the_earlier_one() {
    let mut s = Suite::new();
    let ps: Vec<Addr> = (0..4).map(|i| s.p(i)).collect();
    s.post(&ps[0], capacity("us-west"), "1.5", 1);
    s.post(&ps[1], capacity("us-west"), "1.2", 1);
    s.post(&ps[2], capacity("us-west"), "1.2", 1);
    s.post(&ps[3], capacity("eu-west"), "1", 1);
    s.match_orders(10);
    let t = s.tenant.clone();
    let mut sp = spec();
    sp.region = Some("us-*".into());
    let order = s.place(&t, sp, "2", 2);
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    let providers: Vec<_> = s.leases().iter().map(|l| l.msg.provider.clone()).collect();
    assert_eq!(providers, vec![ps[1].to_string(), ps[2].to_string()]);
}

// ---------- finding 8: offers are free; unusable asks crowd out the usable ---------

#[test]
fn an_unregistered_book_must_charge_an_offer_deposit() {
    let api = cosmwasm_std::testing::MockApi::default();
    let mut s = Suite::new();
    let code = s.app.store_code(Box::new(ContractWrapper::new(
        crate::contract::execute,
        crate::contract::instantiate,
        crate::contract::query,
    )));
    let mut msg = InstantiateMsg {
        owner: None,
        guardian: None,
        escrow: s.escrow.to_string(),
        accepted_denoms: vec![AKT.into()],
        min_runway_blocks: 1,
        max_open_orders_per_tenant: 1,
        provider_registry: None,
        keeper_bounty_bps: None,
        max_open_offers_per_provider: None,
        offer_deposit: None,
    };
    let owner = s.owner.clone();
    let err = s
        .app
        .instantiate_contract(code, owner.clone(), &msg, &[], "free", None)
        .unwrap_err();
    assert_eq!(cerr(&err), &ContractError::OfferDepositRequired);
    msg.offer_deposit = Some(coin(0, OSMO));
    let err = s
        .app
        .instantiate_contract(code, owner.clone(), &msg, &[], "free", None)
        .unwrap_err();
    assert_eq!(cerr(&err), &ContractError::OfferDepositRequired);
    // Control: with a registry gating offers, no deposit is needed.
    msg.provider_registry = Some(api.addr_make("registry").to_string());
    s.app
        .instantiate_contract(code, owner.clone(), &msg, &[], "gated", None)
        .unwrap();
    // And the suite's book cannot drop its deposit without a registry.
    assert_err(
        s.update_config(ConfigUpdate {
            offer_deposit: Some(coin(0, OSMO)),
            ..Default::default()
        }),
        ContractError::OfferDepositRequired,
    );
}

#[test]
fn offers_lock_a_deposit_refunded_on_withdraw_expiry_and_use() {
    let mut s = Suite::new();
    let (p0, t) = (s.p(0), s.tenant.clone());
    let start = s.balance(&p0, OSMO);
    // Free offers are refused, so is the wrong coin or amount.
    for funds in [
        vec![],
        vec![coin(OFFER_DEPOSIT - 1, OSMO)],
        vec![coin(OFFER_DEPOSIT, AKT)],
    ] {
        assert_err(
            s.exec(&p0, &Suite::post_msg(capacity("us-west"), "1", 1), &funds),
            ContractError::WrongOfferDeposit {
                expected: offer_deposit().to_string(),
                got: funds.clone(),
            },
        );
    }
    assert_eq!(s.balance(&p0, OSMO), start);
    // Withdrawn: refunded.
    let a = s.post(&p0, capacity("us-west"), "1", 1);
    assert_eq!(s.balance(&p0, OSMO), start - OFFER_DEPOSIT);
    assert_eq!(s.balance(&s.book, OSMO), OFFER_DEPOSIT);
    assert_eq!(s.offer(a).deposit, Some(offer_deposit()));
    let res = s
        .exec(&p0, &ExecuteMsg::WithdrawOffer { offer_id: a }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "refund_offer_deposit")[0], "amount"),
        OFFER_DEPOSIT.to_string()
    );
    assert_eq!(s.balance(&p0, OSMO), start);
    assert_eq!(s.offer(a).deposit, None);
    // Expired: refunded.
    let h = s.height();
    s.exec(
        &p0,
        &ExecuteMsg::PostOffer {
            spec_capacity: capacity("us-west"),
            price_per_block: dec("1"),
            denom: AKT.into(),
            units: 1,
            expires_at: Some(h + 5),
        },
        &[offer_deposit()],
    )
    .unwrap();
    s.advance(5);
    s.expire(None).unwrap();
    assert_eq!(s.balance(&p0, OSMO), start);
    // Used up by fills: refunded once its last lease opened; a partly used one keeps it.
    let used = s.post(&p0, capacity("us-west"), "1", 2);
    s.place(&t, spec(), "1", 1);
    s.match_orders(10);
    assert_eq!(s.offer(used).units_left, 1);
    assert_eq!(s.balance(&p0, OSMO), start - OFFER_DEPOSIT);
    s.place(&t, spec(), "1", 1);
    s.match_orders(10);
    assert_eq!(s.offer(used).status, OfferStatus::Exhausted);
    assert_eq!(s.balance(&p0, OSMO), start);
    assert_eq!(s.balance(&s.book, OSMO), 0);
}

/// Posts `count` offers nobody's `spec()` order in `us-*` can use (capacity in eu-west), at
/// price 1, spread over providers 3–5 so no one hits the open-offer cap.
fn sybil_offers(s: &mut Suite, count: usize) {
    for i in 0..count {
        let p = s.p(3 + i % 3);
        s.post(&p, capacity("eu-west"), "1", 1);
    }
    // Let the queue offer them to the (empty) bid side.
    while queue_len(&s.match_orders(10)).0 != "0" {}
}

fn us_spec() -> crate::spec::OrderSpec {
    let mut sp = spec();
    sp.region = Some("us-*".into());
    sp
}

#[test]
fn sybil_offers_ahead_neither_block_fill_order_nor_empty_the_backups() {
    let mut s = Suite::new();
    // More unusable cheap offers than the old scan read (it stopped at MAX_CANDIDATES).
    sybil_offers(&mut s, MAX_CANDIDATES + 2);
    let (p0, p1, p2) = (s.p(0), s.p(1), s.p(2));
    s.post(&p0, capacity("us-west"), "1.5", 1);
    s.post(&p1, capacity("us-west"), "1.6", 1);
    s.post(&p2, capacity("us-west"), "1.7", 1);
    s.match_orders(10);
    let t = s.tenant.clone();
    let order = s.place(&t, us_spec(), "2", 1);
    // Filled by anyone right away, past the unusable asks.
    let stranger = s.stranger.clone();
    s.fill(&stranger, order, None).unwrap();
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    let lease = &s.leases()[0].msg;
    assert_eq!(lease.provider, p0.to_string());
    let backups: Vec<_> = lease.backups.iter().map(|b| b.provider.clone()).collect();
    assert_eq!(backups, vec![p1.to_string(), p2.to_string()]);
}

#[test]
fn more_unusable_asks_than_one_scan_reads_hand_the_order_to_the_queue() {
    let mut s = Suite::new();
    sybil_offers(&mut s, MAX_SCAN + 2);
    let p0 = s.p(0);
    let good = s.post(&p0, capacity("us-west"), "1.5", 1);
    s.match_orders(10);
    let t = s.tenant.clone();
    let order = s.place(&t, us_spec(), "2", 1);
    // fill_order does not fail: it hands the rest of its scan to the queue ...
    let stranger = s.stranger.clone();
    let res = s.fill(&stranger, order, None).unwrap();
    let e = ev(&res, "fill_order")[0];
    assert_eq!(attr(e, "fills"), "0");
    assert_eq!(attr(e, "queued"), "true");
    assert_eq!(attr(e, "scanned"), MAX_SCAN.to_string());
    // ... and match_orders finishes it within a bounded number of calls.
    for _ in 0..3 {
        if s.order(order).status == OrderStatus::Filled {
            break;
        }
        s.match_orders(10);
    }
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    assert_eq!(s.offer(good).status, OfferStatus::Exhausted);
}

// ---------- liveness ----------

#[test]
fn an_order_revived_by_a_new_expiry_is_matched_again() {
    let mut s = Suite::new();
    let (t, p0) = (s.tenant.clone(), s.p(0));
    let h = s.height();
    let res = s
        .exec(
            &t,
            &ExecuteMsg::PlaceOrder {
                spec: spec(),
                max_price_per_block: dec("1"),
                denom: AKT.into(),
                expires_at: Some(h + 2),
                replicas: 1,
            },
            &[coin(s.needed("1", 1), AKT)],
        )
        .unwrap();
    let order: u64 = attr(ev(&res, "place_order")[0], "order_id")
        .parse()
        .unwrap();
    s.advance(2);
    let offer = s.post(&p0, capacity("us-west"), "1", 1);
    // Both queue items run while the order is expired: nothing matches.
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Open);
    // The tenant gives it a new expiry: it crosses the offer again and must be matched.
    let later = s.height() + 100;
    s.exec(
        &t,
        &ExecuteMsg::AmendOrder {
            order_id: order,
            max_price_per_block: None,
            expires_at: Some(later),
            replicas: None,
        },
        &[],
    )
    .unwrap();
    s.match_orders(10);
    assert_eq!(s.order(order).status, OrderStatus::Filled);
    assert_eq!(s.offer(offer).status, OfferStatus::Exhausted);
}

/// Two fills used one offer in the same batch and both leases were refused: the offer comes
/// back whole — both units, its deposit on its record and in the book's bank balance — and the
/// provider can withdraw it and get the deposit back.
#[test]
fn two_refused_fills_on_one_offer_give_the_offer_back_with_its_deposit() {
    let mut s = Suite::new();
    use_refusing_escrow(&mut s);
    let (t, t2, banned) = (s.tenant.clone(), s.tenant2.clone(), s.p(5));
    let offer = s.post(&banned, capacity("us-west"), "1", 2);
    let first = s.place(&t, spec(), "1", 1);
    let second = s.place(&t2, spec(), "1", 1);
    let (book_osmo, banned_osmo) = (s.balance(&s.book, OSMO), s.balance(&banned, OSMO));
    let res = s.match_orders(10);
    let failed = ev(&res, "fill_failed");
    assert_eq!(failed.len(), 2);
    let f = s.offer(offer);
    assert_eq!((f.status, f.units_left), (OfferStatus::Open, 2));
    assert_eq!(f.deposit, Some(offer_deposit()));
    assert_eq!(s.balance(&s.book, OSMO), book_osmo);
    assert_eq!(s.balance(&banned, OSMO), banned_osmo);
    for order in [first, second] {
        let o = s.order(order);
        assert_eq!((o.status, o.filled_replicas), (OrderStatus::Open, 0));
    }
    // The deposit is the provider's to take back, all of it.
    s.exec(&banned, &ExecuteMsg::WithdrawOffer { offer_id: offer }, &[])
        .unwrap();
    assert_eq!(s.balance(&banned, OSMO), banned_osmo + OFFER_DEPOSIT);
    assert_eq!(s.balance(&s.book, OSMO), book_osmo - OFFER_DEPOSIT);
}

/// The first fill on an offer is refused, the second (which used the offer up) opens its lease:
/// the offer stays open with the refused unit and keeps its deposit; nothing is refunded for
/// an offer that still stands.
#[test]
fn a_refused_fill_before_the_one_that_used_the_offer_up_keeps_the_deposit_on_the_offer() {
    let mut s = Suite::new();
    use_refusing_escrow(&mut s);
    let (t, t2, p4) = (s.tenant.clone(), s.tenant2.clone(), s.p(4));
    let offer = s.post(&p4, capacity("us-west"), "1", 2);
    // tenant2's lease with p4 is refused; it is placed first so its fill runs first.
    let refused = s.place(&t2, spec(), "1", 1);
    let opened = s.place(&t, spec(), "1", 1);
    let (book_osmo, p4_osmo) = (s.balance(&s.book, OSMO), s.balance(&p4, OSMO));
    let res = s.match_orders(10);
    let fills: Vec<String> = ev(&res, "fill")
        .iter()
        .map(|e| attr(e, "order_id"))
        .collect();
    assert_eq!(fills, vec![refused.to_string(), opened.to_string()]);
    let failed = ev(&res, "fill_failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(attr(failed[0], "order_id"), refused.to_string());
    assert_eq!(s.order(opened).status, OrderStatus::Filled);
    assert_eq!(s.order(refused).status, OrderStatus::Open);
    let f = s.offer(offer);
    assert_eq!((f.status, f.units_left), (OfferStatus::Open, 1));
    assert_eq!(f.deposit, Some(offer_deposit()));
    assert_eq!(s.balance(&s.book, OSMO), book_osmo);
    assert_eq!(s.balance(&p4, OSMO), p4_osmo);
    // Later the last unit is used up by an honest order: then the deposit goes home.
    let third = s.place(&t, spec(), "1", 1);
    s.match_orders(10);
    assert_eq!(s.order(third).status, OrderStatus::Filled);
    assert_eq!(s.offer(offer).status, OfferStatus::Exhausted);
    assert_eq!(s.balance(&p4, OSMO), p4_osmo + OFFER_DEPOSIT);
    assert_eq!(s.balance(&s.book, OSMO), book_osmo - OFFER_DEPOSIT);
}

/// Control: the fill that used the offer up is the refused one (the earlier fill opened):
/// the offer reopens with one unit and its deposit.
#[test]
fn a_refused_last_fill_reopens_the_offer_with_its_deposit() {
    let mut s = Suite::new();
    use_refusing_escrow(&mut s);
    let (t, t2, p4) = (s.tenant.clone(), s.tenant2.clone(), s.p(4));
    let offer = s.post(&p4, capacity("us-west"), "1", 2);
    let opened = s.place(&t, spec(), "1", 1);
    let refused = s.place(&t2, spec(), "1", 1);
    let (book_osmo, p4_osmo) = (s.balance(&s.book, OSMO), s.balance(&p4, OSMO));
    let res = s.match_orders(10);
    assert_eq!(ev(&res, "fill_failed").len(), 1);
    assert_eq!(s.order(opened).status, OrderStatus::Filled);
    assert_eq!(s.order(refused).status, OrderStatus::Open);
    let f = s.offer(offer);
    assert_eq!((f.status, f.units_left), (OfferStatus::Open, 1));
    assert_eq!(f.deposit, Some(offer_deposit()));
    assert_eq!(s.balance(&s.book, OSMO), book_osmo);
    assert_eq!(s.balance(&p4, OSMO), p4_osmo);
}
