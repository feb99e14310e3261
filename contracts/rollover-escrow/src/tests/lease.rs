use cosmwasm_std::{coin, coins, from_json, Decimal, Uint128};
use spice_types::{EscrowOpenLease, IncentivesHookMsg};

use super::suite::{assert_err, attr, backup, cerr, ev, Suite, AKT, GRACE, USDC};
use crate::execute::ledger::{affordable_blocks, owed};
use crate::msg::ExecuteMsg;
use crate::state::LeaseStatus;
use crate::ContractError;

#[test]
fn open_lease_parses_exactly_what_the_order_book_sends() {
    let json = r#"{"open_lease":{"tenant":"osmo1t","provider":"osmo1p","price_per_block":"0.5","denom":"uakt","backups":[{"provider":"osmo1b","price_per_block":"1"}],"spec_ref":null,"order_id":3}}"#;
    let ours: ExecuteMsg = from_json(json).unwrap();
    let theirs: EscrowOpenLease = from_json(json).unwrap();
    let EscrowOpenLease::OpenLease(inner) = theirs;
    assert_eq!(ours, ExecuteMsg::OpenLease(inner));
}

#[test]
fn tenant_opened_lease_waits_for_the_provider_and_streams_nothing() {
    let mut s = Suite::new();
    let msg = s.open_msg("1", vec![]);
    let tenant = s.tenant.clone();
    s.exec(&tenant, &ExecuteMsg::OpenLease(msg), &coins(100, AKT))
        .unwrap();
    s.advance(10);
    let lease = s.lease(1);
    assert_eq!(lease.status, LeaseStatus::Pending);
    assert_eq!(lease.balance, Uint128::new(100));
    assert_eq!(lease.earned, Uint128::zero());
    assert_eq!(lease.runway_blocks, None);

    // Only the provider may accept; then streaming starts at that block.
    assert!(matches!(
        cerr(&s.err(&tenant, &ExecuteMsg::AcceptLease { lease_id: 1 }, &[])),
        ContractError::Unauthorized { .. }
    ));
    let provider = s.provider.clone();
    let res = s
        .exec(&provider, &ExecuteMsg::AcceptLease { lease_id: 1 }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.accept_lease")[0], "lease_id"),
        "1"
    );
    s.advance(4);
    assert_eq!(s.lease(1).earned, Uint128::new(4));
    assert_eq!(s.lease(1).runway_blocks, Some(96));
}

#[test]
fn order_book_opens_an_active_lease_for_the_named_tenant() {
    let mut s = Suite::new();
    let mut msg = s.open_msg("2", vec![backup(&s.backup1, "3")]);
    msg.tenant = Some(s.tenant.to_string());
    msg.order_id = Some(9);
    let book = s.order_book.clone();
    let res = s
        .exec(&book, &ExecuteMsg::OpenLease(msg), &coins(1_000, AKT))
        .unwrap();
    let e = ev(&res, "spice.escrow.open_lease")[0];
    assert_eq!(attr(e, "tenant"), s.tenant.to_string());
    assert_eq!(attr(e, "status"), "active");
    assert_eq!(attr(e, "order_id"), "9");
    let lease = s.lease(1);
    assert_eq!(lease.status, LeaseStatus::Active);
    assert_eq!(lease.tenant, s.tenant);
    // Refunds of the order book's deposit go to the tenant.
    assert_eq!(lease.deposits[0].depositor, s.tenant);
}

#[test]
fn open_lease_refuses_bad_inputs() {
    let mut s = Suite::new();
    let tenant = s.tenant.clone();
    let book = s.order_book.clone();
    let open = |s: &Suite, f: &dyn Fn(&mut spice_types::OpenLeaseMsg)| {
        let mut m = s.open_msg("1", vec![]);
        f(&mut m);
        ExecuteMsg::OpenLease(m)
    };
    let m = open(&s, &|_| {});
    assert_err(
        s.exec(&tenant, &m, &[]),
        ContractError::ExpectedOneCoin { count: 0 },
    );
    assert_err(
        s.exec(&tenant, &m, &[coin(1, AKT), coin(1, USDC)]),
        ContractError::ExpectedOneCoin { count: 2 },
    );
    assert_err(
        s.exec(&tenant, &m, &coins(10, USDC)),
        ContractError::FundsDenomMismatch {
            expected: AKT.into(),
            got: USDC.into(),
        },
    );
    let m = open(&s, &|m| m.denom = "uatom".into());
    assert!(matches!(
        cerr(&s.err(&tenant, &m, &coins(10, "uatom"))),
        ContractError::DenomNotAccepted { .. }
    ));
    let m = open(&s, &|m| m.price_per_block = Decimal::zero());
    assert_err(
        s.exec(&tenant, &m, &coins(10, AKT)),
        ContractError::ZeroPrice,
    );
    let stranger = s.stranger.to_string();
    let m = open(&s, &|m| m.tenant = Some(stranger.clone()));
    assert!(matches!(
        cerr(&s.err(&tenant, &m, &coins(10, AKT))),
        ContractError::TenantMismatch { .. }
    ));
    let me = s.tenant.to_string();
    let m = open(&s, &|m| m.provider = me.clone());
    assert!(matches!(
        cerr(&s.err(&tenant, &m, &coins(10, AKT))),
        ContractError::TenantIsProvider { .. }
    ));
    let m = open(&s, &|_| {});
    assert_err(
        s.exec(&book, &m, &coins(10, AKT)),
        ContractError::MissingTenant,
    );
    let p = s.provider.clone();
    let b1 = s.backup1.clone();
    let m = open(&s, &|m| {
        m.backups = vec![backup(&b1, "1"), backup(&b1, "2")]
    });
    assert_err(
        s.exec(&tenant, &m, &coins(10, AKT)),
        ContractError::DuplicateBackup {
            provider: b1.to_string(),
        },
    );
    let m = open(&s, &|m| m.backups = vec![backup(&p, "1")]);
    assert_err(
        s.exec(&tenant, &m, &coins(10, AKT)),
        ContractError::BackupIsProvider {
            provider: p.to_string(),
        },
    );
    let m = open(&s, &|m| m.backups = vec![backup(&tenant, "1")]);
    assert_err(
        s.exec(&tenant, &m, &coins(10, AKT)),
        ContractError::BackupIsTenant {
            tenant: tenant.to_string(),
        },
    );
    let (b2, st) = (s.backup2.clone(), s.stranger.clone());
    let sp = s.sponsor.clone();
    let m = open(&s, &|m| {
        m.backups = vec![
            backup(&b1, "1"),
            backup(&b2, "1"),
            backup(&st, "1"),
            backup(&sp, "1"),
        ]
    });
    assert_err(
        s.exec(&tenant, &m, &coins(10, AKT)),
        ContractError::TooManyBackups { count: 4, max: 3 },
    );
}

#[test]
fn fractions_carry_over_so_point_three_for_ten_single_block_settles_is_exactly_three() {
    let mut s = Suite::new();
    let id = s.open_active("0.3", 1_000, vec![]);
    let anyone = s.stranger.clone();
    for _ in 0..10 {
        s.advance(1);
        s.exec(&anyone, &ExecuteMsg::Settle { lease_id: id }, &[])
            .unwrap();
    }
    let lease = s.lease(id);
    assert_eq!(lease.earned, Uint128::new(3));
    assert_eq!(lease.carry, Decimal::zero());
    assert_eq!(lease.balance, Uint128::new(997));
}

#[test]
fn fractions_over_many_blocks_match_one_big_settlement() {
    // 1/7 per block settled every block for 700 blocks pays exactly 100, like one settlement.
    let price = Decimal::from_ratio(1u128, 7u128);
    let mut carry = Decimal::zero();
    let mut paid = 0u128;
    for _ in 0..700 {
        let (whole, c) = owed(carry, price, 1).unwrap();
        paid += Uint128::try_from(whole).unwrap().u128();
        carry = c;
    }
    let (whole, c) = owed(Decimal::zero(), price, 700).unwrap();
    assert_eq!(Uint128::try_from(whole).unwrap().u128(), paid);
    assert_eq!(c, carry);
    // Decimal's 1/7 is 0.142857142857142857, so 700 blocks come to just under 100.
    assert_eq!(paid, 99);
}

#[test]
fn affordable_blocks_is_exact_at_the_boundaries() {
    let p = |x: &str| x.parse::<Decimal>().unwrap();
    assert_eq!(
        affordable_blocks(Uint128::zero(), Decimal::zero(), p("1")).unwrap(),
        0
    );
    assert_eq!(
        affordable_blocks(Uint128::new(1), Decimal::zero(), p("1")).unwrap(),
        1
    );
    // floor(0.3·3) = 0 ≤ 0, floor(0.3·4) = 1 > 0.
    assert_eq!(
        affordable_blocks(Uint128::zero(), Decimal::zero(), p("0.3")).unwrap(),
        3
    );
    assert_eq!(
        affordable_blocks(Uint128::zero(), p("0.9"), p("0.3")).unwrap(),
        0
    );
    assert_eq!(
        affordable_blocks(Uint128::zero(), Decimal::zero(), Decimal::MAX).unwrap(),
        0
    );
    assert_eq!(
        affordable_blocks(Uint128::MAX, Decimal::zero(), Decimal::MAX).unwrap(),
        1_000_000_000_000_000_000
    );
    assert_eq!(
        affordable_blocks(
            Uint128::MAX,
            Decimal::zero(),
            Decimal::from_atomics(1u128, 18).unwrap()
        )
        .unwrap(),
        u64::MAX
    );
}

#[test]
fn settling_twice_in_one_block_is_a_no_op() {
    let mut s = Suite::new();
    let id = s.open_active("1.5", 1_000, vec![]);
    s.advance(3);
    let anyone = s.stranger.clone();
    let first = s
        .exec(&anyone, &ExecuteMsg::Settle { lease_id: id }, &[])
        .unwrap();
    assert_eq!(attr(ev(&first, "spice.escrow.settle")[0], "amount"), "4");
    let before = s.lease(id);
    let second = s
        .exec(&anyone, &ExecuteMsg::Settle { lease_id: id }, &[])
        .unwrap();
    assert!(ev(&second, "spice.escrow.settle").is_empty());
    assert_eq!(s.lease(id), before);
    assert_eq!(before.carry, "0.5".parse::<Decimal>().unwrap());
}

#[test]
fn withdraw_pays_provider_minus_fee_carrying_the_fraction_and_tells_incentives() {
    let mut s = Suite::new();
    let incentives = s.with_incentives();
    let id = s.open_active("1", 1_000, vec![]);
    s.advance_live(150);
    let provider = s.provider.clone();
    let before = s.bank(&provider, AKT);
    let res = s
        .exec(&provider, &ExecuteMsg::Withdraw { lease_id: id }, &[])
        .unwrap();
    let e = ev(&res, "spice.escrow.withdraw")[0];
    // 1% of 150 = 1.5: 1 to the fee collector now, 0.5 carried to the next payout.
    assert_eq!(attr(e, "fee"), "1");
    assert_eq!(attr(e, "fee_carry"), "0.5");
    assert_eq!(s.bank(&provider, AKT) - before, 149);
    assert_eq!(s.bank(&s.fee_collector, AKT), 1);
    let hooks = s.hooks(&incentives);
    assert_eq!(hooks.len(), 1);
    let IncentivesHookMsg::LeaseSettled {
        amount,
        take_fee,
        blocks,
        ..
    } = &hooks[0]
    else {
        panic!("a single withdrawal sends the plain hook: {hooks:?}");
    };
    assert_eq!((amount.u128(), take_fee.u128(), *blocks), (150, 1, 150));
    // Nothing more to take in the same block.
    assert_err(
        s.exec(&provider, &ExecuteMsg::Withdraw { lease_id: id }, &[]),
        ContractError::NothingToWithdraw { lease_id: id },
    );
}

#[test]
fn lease_runs_dry_into_insufficient_funds_paying_only_what_it_holds() {
    let mut s = Suite::new();
    let id = s.open_active("3", 10, vec![]);
    s.advance(5);
    let lease = s.lease(id);
    // 3 blocks cost 9; the 10th unit stays held (less than a block's price).
    assert_eq!(
        lease.status,
        LeaseStatus::InsufficientFunds {
            since: s.height() - 2
        }
    );
    assert_eq!(lease.earned, Uint128::new(9));
    assert_eq!(lease.balance, Uint128::new(1));
    let anyone = s.stranger.clone();
    let res = s
        .exec(&anyone, &ExecuteMsg::Settle { lease_id: id }, &[])
        .unwrap();
    assert_eq!(ev(&res, "spice.escrow.insufficient_funds").len(), 1);
}

#[test]
fn close_reason_must_match_who_closes() {
    let mut s = Suite::new();
    let id = s.open_active("1", 100, vec![]);
    let (t, p, x) = (s.tenant.clone(), s.provider.clone(), s.stranger.clone());
    let close = |reason| ExecuteMsg::CloseLease {
        lease_id: id,
        reason,
    };
    assert_err(
        s.exec(&t, &close(0), &[]),
        ContractError::ReasonOutOfRange {
            reason: 0,
            min: 1,
            max: u32::MAX,
        },
    );
    assert!(matches!(
        cerr(&s.err(&t, &close(10_000), &[])),
        ContractError::Unauthorized { .. }
    ));
    assert!(matches!(
        cerr(&s.err(&p, &close(5), &[])),
        ContractError::Unauthorized { .. }
    ));
    assert!(matches!(
        cerr(&s.err(&x, &close(5), &[])),
        ContractError::Unauthorized { .. }
    ));
    // A network code needs an out-of-funds lease past grace.
    assert!(matches!(
        cerr(&s.err(&x, &close(20_001), &[])),
        ContractError::WrongStatus { .. }
    ));
    let res = s.exec(&p, &close(10_500), &[]).unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.close_lease")[0], "reason"),
        "10500"
    );
    assert_eq!(s.lease(id).close_reason, Some(10_500));
    assert!(matches!(
        cerr(&s.err(&t, &close(1), &[])),
        ContractError::WrongStatus { .. }
    ));
}

#[test]
fn tenant_close_pays_provider_and_refunds_the_rest() {
    let mut s = Suite::new();
    let id = s.open_active("2", 100, vec![]);
    s.advance(10);
    let (t, p) = (s.tenant.clone(), s.provider.clone());
    let (tb, pb) = (s.bank(&t, AKT), s.bank(&p, AKT));
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.bank(&t, AKT) - tb, 80);
    assert_eq!(s.bank(&p, AKT) - pb, 20); // 20 earned, fee 0.2 carried (never paid: < 1)
    let lease = s.lease(id);
    assert_eq!(lease.status, LeaseStatus::Closed);
    assert_eq!(lease.total_refunded, Uint128::new(80));
    assert_eq!(lease.total_paid + lease.total_fees, Uint128::new(20));
    assert_eq!(lease.history.len(), 1);
    assert_eq!(s.bank(&s.escrow, AKT), 0);
}

#[test]
fn leases_by_tenant_and_provider_paginate_with_a_capped_limit() {
    let mut s = Suite::new();
    for _ in 0..35 {
        s.open_active("1", 1_000, vec![]);
    }
    let page = s.leases_by_tenant(None, None);
    assert_eq!(page.leases.len(), 10);
    assert_eq!(page.leases[0].id, 1);
    let page = s.leases_by_tenant(None, Some(1_000));
    assert_eq!(page.leases.len(), 30);
    let page = s.leases_by_tenant(Some(10), Some(1_000));
    assert_eq!(page.leases.len(), 25);
    assert_eq!(page.leases[0].id, 11);
    let page = s.leases_by_tenant(Some(30), Some(u32::MAX));
    assert_eq!(page.leases.len(), 5);
    let by_provider: crate::msg::LeasesResponse =
        s.query(&crate::msg::QueryMsg::LeasesByProvider {
            provider: s.provider.to_string(),
            start_after: Some(33),
            limit: None,
        });
    assert_eq!(
        by_provider.leases.iter().map(|l| l.id).collect::<Vec<_>>(),
        vec![34, 35]
    );
}

#[test]
fn grace_period_constant_is_what_the_suite_configures() {
    let s = Suite::new();
    let cfg: crate::state::Config = s.query(&crate::msg::QueryMsg::Config {});
    assert_eq!(cfg.grace_period_blocks, GRACE);
    assert_eq!(cfg.monitors, vec![s.monitor.clone()]);
}

#[test]
fn zero_coins_are_refused_where_funds_are_expected() {
    // The bank module refuses zero coins before the contract sees them; the contract refuses
    // them too, whatever the chain lets through.
    use cosmwasm_std::testing::{message_info, MockApi};
    let sender = MockApi::default().addr_make("tenant");
    assert_eq!(
        crate::execute::ledger::one_coin(&message_info(&sender, &coins(0, AKT))),
        Err(ContractError::ZeroAmount)
    );
    assert_eq!(
        crate::execute::ledger::one_coin(&message_info(&sender, &[])),
        Err(ContractError::ExpectedOneCoin { count: 0 })
    );
}
