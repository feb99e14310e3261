//! `open_leases`: the order book opens many leases in one call, each exactly as its own
//! `open_lease`; a refused item is skipped with nothing of it written and its deposit sent back
//! to the order book in the same call (checked against bank balances), the others open; only
//! whole-call problems (sender, size, funds, pause) refuse the call, and then nothing moves.

use cosmwasm_std::{coin, coins, from_json, Addr, Coin, Uint128};
use cw_multi_test::AppResponse;
use spice_types::{
    OpenLeaseItem, OpenLeaseMsg, OpenLeaseResult, OpenLeasesResponse, MAX_OPEN_LEASES,
};

use super::suite::{assert_err, attr, ev, Suite, AKT, USDC};
use crate::msg::ExecuteMsg;
use crate::state::LeaseStatus;
use crate::ContractError;

/// An item the order book would send: tenant named, provider `provider`, order `order_id`.
fn item(s: &Suite, provider: &Addr, denom: &str, deposit: u128, order_id: u64) -> OpenLeaseItem {
    OpenLeaseItem {
        lease: OpenLeaseMsg {
            tenant: Some(s.tenant.to_string()),
            provider: provider.to_string(),
            price_per_block: "0.5".parse().unwrap(),
            denom: denom.into(),
            backups: vec![],
            spec_ref: Some(format!("order-book/{order_id}/gpu")),
            order_id: Some(order_id),
        },
        deposit: Uint128::new(deposit),
    }
}

fn results(res: &AppResponse) -> Vec<OpenLeaseResult> {
    let data = res.data.as_ref().expect("open_leases answers data");
    // Multi-test hands the top-level caller the contract's own data (a sub-message's caller
    // gets it wrapped in a `MsgExecuteContractResponse`, as on the chain).
    let inner = match cw_utils::parse_execute_response_data(data) {
        Ok(wrapped) => wrapped.data.expect("inner data"),
        Err(_) => data.clone(),
    };
    from_json::<OpenLeasesResponse>(&inner).unwrap().results
}

/// (order book, escrow) balances of `denom`.
fn books(s: &Suite, denom: &str) -> (u128, u128) {
    (s.bank(&s.order_book, denom), s.bank(&s.escrow, denom))
}

#[test]
fn open_leases_opens_every_item_as_open_lease_would_in_one_call() {
    let mut s = Suite::new();
    let (ob, p, b1) = (s.order_book.clone(), s.provider.clone(), s.backup1.clone());
    let items = vec![
        item(&s, &p, AKT, 1_000, 1),
        item(&s, &b1, AKT, 2_000, 2),
        item(&s, &p, USDC, 3_000, 3),
    ];
    let (akt0, usdc0) = (books(&s, AKT), books(&s, USDC));
    let res = s
        .exec(
            &ob,
            &ExecuteMsg::OpenLeases {
                leases: items.clone(),
            },
            &[coin(3_000, AKT), coin(3_000, USDC)],
        )
        .unwrap();
    let ids: Vec<u64> = results(&res)
        .into_iter()
        .map(|r| match r {
            OpenLeaseResult::Opened { lease_id } => lease_id,
            other => panic!("refused: {other:?}"),
        })
        .collect();
    assert_eq!(ids, vec![1, 2, 3]);
    assert_eq!(ev(&res, "spice.escrow.open_lease").len(), 3);
    let summary = ev(&res, "spice.escrow.open_leases")[0];
    assert_eq!(attr(summary, "opened"), "3");
    assert_eq!(attr(summary, "refused"), "0");
    assert_eq!(attr(summary, "lease_ids"), "1,2,3");
    for (id, it) in ids.iter().zip(&items) {
        let lease = s.lease(*id);
        assert_eq!(
            lease.status,
            LeaseStatus::Active,
            "the book's leases stream at once"
        );
        assert_eq!(lease.tenant, s.tenant);
        assert_eq!(lease.provider.as_str(), it.lease.provider);
        assert_eq!(lease.balance, it.deposit);
        assert_eq!(lease.order_id, it.lease.order_id);
    }
    // Every coin moved from the order book to the escrow, none elsewhere.
    assert_eq!(books(&s, AKT), (akt0.0 - 3_000, akt0.1 + 3_000));
    assert_eq!(books(&s, USDC), (usdc0.0 - 3_000, usdc0.1 + 3_000));

    // Control: the same lease through `open_lease` is the same record (but its id).
    let mut single = Suite::new();
    let msg = items[0].lease.clone();
    single
        .exec(&ob, &ExecuteMsg::OpenLease(msg), &coins(1_000, AKT))
        .unwrap();
    assert_eq!(single.lease(1), s.lease(1));
}

#[test]
fn a_refused_item_is_skipped_with_its_deposit_sent_back_and_the_others_open() {
    let mut s = Suite::new();
    let (ob, p, t) = (s.order_book.clone(), s.provider.clone(), s.tenant.clone());
    let items = vec![
        item(&s, &p, AKT, 1_000, 1),
        // The tenant as its own provider: refused.
        item(&s, &t, AKT, 400, 2),
        // A denom the escrow does not take: refused, sent back in that denom.
        item(&s, &p, "uatom", 50, 3),
        // A zero deposit: refused, nothing to send back.
        item(&s, &p, USDC, 0, 4),
        item(&s, &p, USDC, 700, 5),
    ];
    let (akt0, usdc0, atom0) = (books(&s, AKT), books(&s, USDC), books(&s, "uatom"));
    let res = s
        .exec(
            &ob,
            &ExecuteMsg::OpenLeases { leases: items },
            &[coin(1_400, AKT), coin(50, "uatom"), coin(700, USDC)],
        )
        .unwrap();
    let r = results(&res);
    assert_eq!(r[0], OpenLeaseResult::Opened { lease_id: 1 });
    assert_eq!(
        r[1],
        OpenLeaseResult::Refused {
            error: ContractError::TenantIsProvider {
                address: t.to_string()
            }
            .to_string()
        }
    );
    assert!(matches!(&r[2], OpenLeaseResult::Refused { error } if error.contains("uatom")));
    assert_eq!(
        r[3],
        OpenLeaseResult::Refused {
            error: ContractError::ZeroAmount.to_string()
        }
    );
    // The refused items took no lease id.
    assert_eq!(r[4], OpenLeaseResult::Opened { lease_id: 2 });
    let refused = ev(&res, "spice.escrow.open_lease_refused");
    assert_eq!(
        refused
            .iter()
            .map(|e| attr(e, "order_id"))
            .collect::<Vec<_>>(),
        vec!["2", "3", "4"]
    );
    assert_eq!(
        attr(ev(&res, "spice.escrow.open_leases")[0], "refunded"),
        "400uakt,50uatom"
    );
    // Only the opened deposits left the order book; the escrow holds exactly them.
    assert_eq!(books(&s, AKT), (akt0.0 - 1_000, akt0.1 + 1_000));
    assert_eq!(books(&s, USDC), (usdc0.0 - 700, usdc0.1 + 700));
    assert_eq!(books(&s, "uatom"), atom0);
    assert_eq!(s.lease(1).balance, Uint128::new(1_000));
    assert_eq!(s.lease(2).balance, Uint128::new(700));
    assert!(s
        .query::<crate::msg::LeasesResponse>(&crate::msg::QueryMsg::LeasesByTenant {
            tenant: t.to_string(),
            start_after: Some(2),
            limit: None,
        })
        .leases
        .is_empty());
}

#[test]
fn open_leases_from_anyone_but_the_order_book_is_refused() {
    let mut s = Suite::new();
    let (t, p, stranger) = (s.tenant.clone(), s.provider.clone(), s.stranger.clone());
    let msg = ExecuteMsg::OpenLeases {
        leases: vec![item(&s, &p, AKT, 1_000, 1)],
    };
    for sender in [&t, &stranger, &p] {
        let before = s.bank(sender, AKT);
        assert_err(
            s.exec(sender, &msg, &coins(1_000, AKT)),
            ContractError::NotOrderBook {
                sender: sender.to_string(),
                order_book: s.order_book.to_string(),
            },
        );
        assert_eq!(s.bank(sender, AKT), before);
    }
    // No order book configured: nobody may.
    let mut none = Suite::with(|m| m.order_book = None);
    let ob = none.order_book.clone();
    assert_err(
        none.exec(&ob, &msg, &coins(1_000, AKT)),
        ContractError::NotOrderBook {
            sender: ob.to_string(),
            order_book: "(none configured)".into(),
        },
    );
    // Control: the order book may.
    let ob = s.order_book.clone();
    s.exec(&ob, &msg, &coins(1_000, AKT)).unwrap();
    assert_eq!(s.lease(1).balance, Uint128::new(1_000));
}

#[test]
fn open_leases_refuses_funds_that_do_not_add_up_and_changes_nothing() {
    let mut s = Suite::new();
    let (ob, p) = (s.order_book.clone(), s.provider.clone());
    let msg = ExecuteMsg::OpenLeases {
        leases: vec![item(&s, &p, AKT, 100, 1), item(&s, &p, AKT, 50, 2)],
    };
    let before = (books(&s, AKT), books(&s, USDC));
    let cases: Vec<(Vec<Coin>, ContractError)> = vec![
        (
            coins(149, AKT),
            ContractError::BatchFundsMismatch {
                denom: AKT.into(),
                attached: Uint128::new(149),
                listed: Uint128::new(150),
            },
        ),
        (
            vec![coin(150, AKT), coin(1, USDC)],
            ContractError::BatchFundsMismatch {
                denom: USDC.into(),
                attached: Uint128::new(1),
                listed: Uint128::zero(),
            },
        ),
        (
            vec![],
            ContractError::BatchFundsMismatch {
                denom: AKT.into(),
                attached: Uint128::zero(),
                listed: Uint128::new(150),
            },
        ),
    ];
    for (funds, err) in cases {
        assert_err(s.exec(&ob, &msg, &funds), err);
    }
    assert_eq!(before, (books(&s, AKT), books(&s, USDC)));
    // Control: the right funds open both.
    let res = s.exec(&ob, &msg, &coins(150, AKT)).unwrap();
    assert_eq!(attr(ev(&res, "spice.escrow.open_leases")[0], "opened"), "2");
}

#[test]
fn empty_oversized_and_paused_open_leases_are_refused() {
    let mut s = Suite::new();
    let (ob, p, g) = (s.order_book.clone(), s.provider.clone(), s.guardian.clone());
    assert_err(
        s.exec(&ob, &ExecuteMsg::OpenLeases { leases: vec![] }, &[]),
        ContractError::EmptyBatch,
    );
    let too_many: Vec<_> = (0..=MAX_OPEN_LEASES as u64)
        .map(|i| item(&s, &p, AKT, 1, i))
        .collect();
    assert_err(
        s.exec(
            &ob,
            &ExecuteMsg::OpenLeases { leases: too_many },
            &coins(MAX_OPEN_LEASES as u128 + 1, AKT),
        ),
        ContractError::BatchTooLarge {
            count: MAX_OPEN_LEASES + 1,
            max: MAX_OPEN_LEASES,
        },
    );
    // The largest batch opens.
    let largest: Vec<_> = (0..MAX_OPEN_LEASES as u64)
        .map(|i| item(&s, &p, AKT, 1, i))
        .collect();
    let res = s
        .exec(
            &ob,
            &ExecuteMsg::OpenLeases { leases: largest },
            &coins(MAX_OPEN_LEASES as u128, AKT),
        )
        .unwrap();
    assert_eq!(results(&res).len(), MAX_OPEN_LEASES);
    s.exec(&g, &ExecuteMsg::Pause {}, &[]).unwrap();
    let before = books(&s, AKT);
    let paused = ExecuteMsg::OpenLeases {
        leases: vec![item(&s, &p, AKT, 10, 99)],
    };
    assert_err(
        s.exec(&ob, &paused, &coins(10, AKT)),
        ContractError::Governance(spice_governance::GovernanceError::Paused),
    );
    assert_eq!(books(&s, AKT), before);
}
