use cosmwasm_std::{coin, coins, Uint128};
use cw_multi_test::Executor;

use super::suite::{assert_err, attr, cerr, ev, Suite, AKT, GRACE, USDC};
use crate::execute::ledger::{MAX_DEPOSIT_ENTRIES, MAX_SPONSOR_ENTRIES};
use crate::msg::ExecuteMsg;
use crate::state::{DepositSource, LeaseStatus, TopUpSource};
use crate::ContractError;

#[test]
fn anyone_may_deposit_and_each_depositor_is_tracked() {
    let mut s = Suite::new();
    let id = s.open_active("1", 100, vec![]);
    let sponsor = s.sponsor.clone();
    let res = s
        .exec(
            &sponsor,
            &ExecuteMsg::Deposit { lease_id: id },
            &coins(50, AKT),
        )
        .unwrap();
    let e = ev(&res, "spice.escrow.deposit")[0];
    assert_eq!(attr(e, "depositor"), sponsor.to_string());
    assert_eq!(attr(e, "amount"), "50");
    let lease = s.lease(id);
    assert_eq!(lease.balance, Uint128::new(150));
    assert_eq!(lease.deposits.len(), 2);
    assert_eq!(lease.deposits[1].depositor, sponsor);
}

#[test]
fn deposit_refuses_wrong_denom_multiple_coins_and_zero() {
    let mut s = Suite::new();
    let id = s.open_active("1", 100, vec![]);
    let x = s.stranger.clone();
    let d = ExecuteMsg::Deposit { lease_id: id };
    assert_err(
        s.exec(&x, &d, &coins(5, USDC)),
        ContractError::WrongDenom {
            lease_id: id,
            expected: AKT.into(),
            got: USDC.into(),
        },
    );
    assert_err(
        s.exec(&x, &d, &[coin(5, AKT), coin(5, USDC)]),
        ContractError::ExpectedOneCoin { count: 2 },
    );
    assert_err(
        s.exec(&x, &ExecuteMsg::Deposit { lease_id: 99 }, &coins(5, AKT)),
        ContractError::LeaseNotFound { lease_id: 99 },
    );
}

#[test]
fn deposit_within_grace_revives_and_pays_the_provider_for_the_gap() {
    let mut s = Suite::new();
    let id = s.open_active("1", 10, vec![]);
    s.advance(10 + 20); // dry at +10, 20 blocks into grace
    let x = s.stranger.clone();
    let res = s
        .exec(&x, &ExecuteMsg::Deposit { lease_id: id }, &coins(100, AKT))
        .unwrap();
    assert_eq!(ev(&res, "spice.escrow.revive").len(), 1);
    let lease = s.lease(id);
    assert_eq!(lease.status, LeaseStatus::Active);
    // 10 before running dry + 20 in grace.
    assert_eq!(lease.earned, Uint128::new(30));
    assert_eq!(lease.balance, Uint128::new(80));
    assert_eq!(lease.runway_blocks, Some(80));
}

#[test]
fn deposit_after_grace_is_refused_and_anyone_may_close_with_a_network_reason() {
    let mut s = Suite::new();
    let id = s.open_active("1", 10, vec![]);
    s.advance(10 + GRACE);
    let x = s.stranger.clone();
    // Exactly at the end of grace the lease may still be revived, not closed.
    assert!(matches!(
        cerr(&s.err(
            &x,
            &ExecuteMsg::CloseLease {
                lease_id: id,
                reason: 20_001
            },
            &[]
        )),
        ContractError::GracePeriodNotOver { .. }
    ));
    s.advance(1);
    let since = s.height() - GRACE - 1;
    assert_err(
        s.exec(&x, &ExecuteMsg::Deposit { lease_id: id }, &coins(100, AKT)),
        ContractError::GracePeriodOver {
            lease_id: id,
            since,
            grace_ends: since + GRACE,
        },
    );
    let p = s.provider.clone();
    let before = s.bank(&p, AKT);
    s.exec(
        &x,
        &ExecuteMsg::CloseLease {
            lease_id: id,
            reason: 20_001,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.bank(&p, AKT) - before, 10); // 10 earned, fee 0.1 carried
    let lease = s.lease(id);
    assert_eq!(lease.status, LeaseStatus::Closed);
    assert_eq!(lease.close_reason, Some(20_001));
}

#[test]
fn refunds_go_newest_deposit_first_and_restore_grants() {
    let mut s = Suite::new();
    let (t, sp, x) = (s.tenant.clone(), s.sponsor.clone(), s.stranger.clone());
    // tenant 100 (oldest), then the sponsor's grant 50, then a stranger's 30 (newest).
    let id = s.open_active("1", 100, vec![]);
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(200, AKT))
        .unwrap();
    s.exec(
        &sp,
        &ExecuteMsg::Grant {
            grantee: t.to_string(),
            spend_limit: coin(80, AKT),
            expiration: None,
        },
        &[],
    )
    .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::DepositFromGrant {
            lease_id: id,
            granter: sp.to_string(),
            amount: Uint128::new(50),
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.grant_info(&sp, &t).remaining, Uint128::new(30));
    s.exec(&x, &ExecuteMsg::Deposit { lease_id: id }, &coins(30, AKT))
        .unwrap();
    // 120 streamed: the tenant's 100 and 20 of the sponsor's 50 are spent.
    s.advance_live(120);
    let (tb, xb) = (s.bank(&t, AKT), s.bank(&x, AKT));
    let res = s
        .exec(
            &t,
            &ExecuteMsg::CloseLease {
                lease_id: id,
                reason: 3,
            },
            &[],
        )
        .unwrap();
    let refunds: Vec<(String, String)> = ev(&res, "spice.escrow.refund")
        .iter()
        .map(|e| (attr(e, "depositor"), attr(e, "amount")))
        .collect();
    assert_eq!(
        refunds,
        vec![(x.to_string(), "30".into()), (sp.to_string(), "30".into())]
    );
    assert_eq!(s.bank(&x, AKT) - xb, 30);
    assert_eq!(s.bank(&t, AKT), tb);
    // The sponsor's 30 went back into its balance and its grant got 30 back.
    assert_eq!(s.prefunded(&sp, AKT), Uint128::new(180));
    assert_eq!(s.grant_info(&sp, &t).remaining, Uint128::new(60));
}

#[test]
fn grants_enforce_limit_expiration_denom_and_revocation() {
    let mut s = Suite::new();
    let (t, sp, x) = (s.tenant.clone(), s.sponsor.clone(), s.stranger.clone());
    let id = s.open_active("1", 100, vec![]);
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(1_000, AKT))
        .unwrap();
    let h = s.height();
    assert_err(
        s.exec(
            &sp,
            &ExecuteMsg::Grant {
                grantee: t.to_string(),
                spend_limit: coin(10, AKT),
                expiration: Some(h),
            },
            &[],
        ),
        ContractError::ExpirationInPast {
            expiration: h,
            height: h,
        },
    );
    assert_err(
        s.exec(
            &sp,
            &ExecuteMsg::Grant {
                grantee: t.to_string(),
                spend_limit: coin(0, AKT),
                expiration: None,
            },
            &[],
        ),
        ContractError::ZeroAmount,
    );
    s.exec(
        &sp,
        &ExecuteMsg::Grant {
            grantee: t.to_string(),
            spend_limit: coin(10, AKT),
            expiration: Some(h + 5),
        },
        &[],
    )
    .unwrap();
    let spend = |amount: u128| ExecuteMsg::DepositFromGrant {
        lease_id: id,
        granter: sp.to_string(),
        amount: Uint128::new(amount),
    };
    assert_err(
        s.exec(&t, &spend(11), &[]),
        ContractError::GrantLimitExceeded {
            granter: sp.to_string(),
            grantee: t.to_string(),
            needed: Uint128::new(11),
            remaining: Uint128::new(10),
        },
    );
    assert!(matches!(
        cerr(&s.err(&x, &spend(1), &[])),
        ContractError::GrantNotFound { .. }
    ));
    s.exec(&t, &spend(4), &[]).unwrap();
    s.advance(5);
    assert!(matches!(
        cerr(&s.err(&t, &spend(1), &[])),
        ContractError::GrantExpired { .. }
    ));
    assert!(s.grant_info(&sp, &t).expired);
    s.exec(
        &sp,
        &ExecuteMsg::Revoke {
            grantee: t.to_string(),
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.grant_info(&sp, &t).spend_limit, None);
    assert!(matches!(
        cerr(&s.err(
            &sp,
            &ExecuteMsg::Revoke {
                grantee: t.to_string()
            },
            &[]
        )),
        ContractError::GrantNotFound { .. }
    ));
}

#[test]
fn auto_top_up_from_balance_keeps_target_runway_and_pays_bounty_only_when_it_moves_funds() {
    let mut s = Suite::new();
    let (t, k) = (s.tenant.clone(), s.keeper.clone());
    let id = s.open_active("2", 100, vec![]);
    s.exec(&t, &ExecuteMsg::FundBalance {}, &coins(10_000, AKT))
        .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::SetAutoTopUp {
            lease_id: id,
            target_runway_blocks: 200,
            source: TopUpSource::Balance,
        },
        &[],
    )
    .unwrap();
    s.advance(10);
    let res = s
        .exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[])
        .unwrap();
    let e = ev(&res, "spice.escrow.top_up")[0];
    // 200 blocks × 2 = 400 needed, 80 held: 320 moved, bounty 1% = 3 (rounded down).
    assert_eq!(attr(e, "amount"), "320");
    assert_eq!(attr(e, "bounty"), "3");
    assert_eq!(s.bank(&k, AKT), 3);
    assert_eq!(s.lease(id).runway_blocks, Some(200));
    assert_eq!(s.prefunded(&t, AKT), Uint128::new(10_000 - 323));
    assert_eq!(
        s.lease(id).deposits.last().unwrap().source,
        DepositSource::Balance
    );
    // Again in the same block: nothing to do, no bounty.
    let res = s
        .exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[])
        .unwrap();
    assert!(ev(&res, "spice.escrow.top_up").is_empty());
    assert_eq!(s.bank(&k, AKT), 3);
}

#[test]
fn auto_top_up_from_a_grant_revives_within_grace_and_counts_against_the_limit() {
    let mut s = Suite::new();
    let (t, sp, k) = (s.tenant.clone(), s.sponsor.clone(), s.keeper.clone());
    let id = s.open_active("1", 10, vec![]);
    s.exec(&sp, &ExecuteMsg::FundBalance {}, &coins(1_000, AKT))
        .unwrap();
    s.exec(
        &sp,
        &ExecuteMsg::Grant {
            grantee: t.to_string(),
            spend_limit: coin(500, AKT),
            expiration: None,
        },
        &[],
    )
    .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::SetAutoTopUp {
            lease_id: id,
            target_runway_blocks: 100,
            source: TopUpSource::Grant {
                granter: sp.to_string(),
            },
        },
        &[],
    )
    .unwrap();
    s.advance(15); // dry at +10, 5 into grace
    s.exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[])
        .unwrap();
    let lease = s.lease(id);
    assert_eq!(lease.status, LeaseStatus::Active);
    assert_eq!(lease.runway_blocks, Some(100));
    assert_eq!(lease.earned, Uint128::new(15));
    // 105 moved + 1 bounty from the sponsor, under its grant.
    assert_eq!(s.grant_info(&sp, &t).remaining, Uint128::new(500 - 106));
    assert_eq!(s.prefunded(&sp, AKT), Uint128::new(1_000 - 106));
}

#[test]
fn top_up_without_auto_top_up_or_funds_does_nothing() {
    let mut s = Suite::new();
    let (t, k) = (s.tenant.clone(), s.keeper.clone());
    let id = s.open_active("1", 10, vec![]);
    assert_err(
        s.exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[]),
        ContractError::NoAutoTopUp { lease_id: id },
    );
    s.exec(
        &t,
        &ExecuteMsg::SetAutoTopUp {
            lease_id: id,
            target_runway_blocks: 100,
            source: TopUpSource::Balance,
        },
        &[],
    )
    .unwrap();
    // No prefunded balance: the keeper's call succeeds, moves nothing, earns nothing.
    let res = s
        .exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[])
        .unwrap();
    assert!(ev(&res, "spice.escrow.top_up").is_empty());
    assert_eq!(s.bank(&k, AKT), 0);
}

#[test]
fn balances_are_withdrawable_and_checked() {
    let mut s = Suite::new();
    let t = s.tenant.clone();
    s.exec(&t, &ExecuteMsg::FundBalance {}, &coins(100, USDC))
        .unwrap();
    assert_err(
        s.exec(
            &t,
            &ExecuteMsg::WithdrawBalance {
                denom: USDC.into(),
                amount: Uint128::new(101),
            },
            &[],
        ),
        ContractError::InsufficientBalance {
            owner: t.to_string(),
            denom: USDC.into(),
            needed: Uint128::new(101),
            available: Uint128::new(100),
        },
    );
    assert_err(
        s.exec(
            &t,
            &ExecuteMsg::WithdrawBalance {
                denom: USDC.into(),
                amount: Uint128::zero(),
            },
            &[],
        ),
        ContractError::ZeroAmount,
    );
    assert!(matches!(
        cerr(&s.err(&t, &ExecuteMsg::FundBalance {}, &coins(100, "uatom"))),
        ContractError::DenomNotAccepted { .. }
    ));
    let before = s.bank(&t, USDC);
    s.exec(
        &t,
        &ExecuteMsg::WithdrawBalance {
            denom: USDC.into(),
            amount: Uint128::new(100),
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.bank(&t, USDC) - before, 100);
}

#[test]
fn depositor_list_is_bounded_and_spent_deposits_are_pruned() {
    let mut s = Suite::new();
    let id = s.open_active("1", 1, vec![]);
    let depositors: Vec<_> = (0..=MAX_SPONSOR_ENTRIES)
        .map(|i| {
            let a = s.app.api().addr_make(&format!("d{i}"));
            a
        })
        .collect();
    // Fund the depositors from the sponsor.
    for d in &depositors {
        s.app
            .send_tokens(s.sponsor.clone(), d.clone(), &coins(10, AKT))
            .unwrap();
    }
    for d in &depositors[..MAX_SPONSOR_ENTRIES] {
        s.exec(d, &ExecuteMsg::Deposit { lease_id: id }, &coins(1, AKT))
            .unwrap();
    }
    let last = depositors[MAX_SPONSOR_ENTRIES].clone();
    assert_err(
        s.exec(&last, &ExecuteMsg::Deposit { lease_id: id }, &coins(1, AKT)),
        ContractError::TooManyDeposits {
            lease_id: id,
            max: MAX_SPONSOR_ENTRIES,
        },
    );
    // The newest depositor may add to its own entry.
    let newest = depositors[MAX_SPONSOR_ENTRIES - 1].clone();
    s.exec(
        &newest,
        &ExecuteMsg::Deposit { lease_id: id },
        &coins(1, AKT),
    )
    .unwrap();
    // Once older deposits are spent they are dropped and new depositors fit again.
    s.advance(10);
    s.exec(&last, &ExecuteMsg::Deposit { lease_id: id }, &coins(1, AKT))
        .unwrap();
    assert!(s.lease(id).deposits.len() < MAX_DEPOSIT_ENTRIES);
}

#[test]
fn leases_below_threshold_pages_through_the_depletion_index_soonest_first() {
    let mut s = Suite::new();
    // Runways 100, 10, 50, 1000 blocks.
    let a = s.open_active("1", 100, vec![]);
    let b = s.open_active("1", 10, vec![]);
    let c = s.open_active("1", 50, vec![]);
    let _d = s.open_active("1", 1_000, vec![]);
    let h = s.height();
    let all = s.below(101, None, None);
    assert_eq!(
        all.leases.iter().map(|e| e.lease_id).collect::<Vec<_>>(),
        vec![b, c, a]
    );
    assert_eq!(all.leases[0].depletion_height, h + 10);
    assert_eq!(all.leases[0].runway_blocks, 10);
    let first = s.below(101, None, Some(1));
    let next = s.below(
        101,
        Some((first.leases[0].depletion_height, first.leases[0].lease_id)),
        Some(1),
    );
    assert_eq!(next.leases[0].lease_id, c);
    // A deposit moves a lease out of range; the index follows.
    let x = s.stranger.clone();
    s.exec(&x, &ExecuteMsg::Deposit { lease_id: b }, &coins(500, AKT))
        .unwrap();
    assert_eq!(
        s.below(101, None, None)
            .leases
            .iter()
            .map(|e| e.lease_id)
            .collect::<Vec<_>>(),
        vec![c, a]
    );
    // Huge limits are capped at 30.
    for _ in 0..40 {
        s.open_active("1", 5, vec![]);
    }
    assert_eq!(s.below(10, None, Some(u32::MAX)).leases.len(), 30);
}
