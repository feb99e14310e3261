//! `settle_batch`, `withdraw_batch`, `top_up_batch`, `deposit_batch`: every item exactly as the
//! single message (compared against a second suite running the singles), a failed item skipped
//! with nothing of it changed while the others apply, one bank send per recipient, bounded size.

use cosmwasm_std::{coin, coins, Addr, Coin, Uint128};
use cw_multi_test::AppResponse;

use super::suite::{assert_err, attr, ev, Suite, AKT, USDC};
use crate::execute::batch::MAX_BATCH;
use crate::msg::{BatchDeposit, ExecuteMsg};
use crate::state::{LeaseStatus, TopUpSource};
use crate::ContractError;
use spice_types::IncentivesHookMsg;

/// Opens a lease served by `provider` (accepted by it), paid by the suite's tenant.
fn open_for(s: &mut Suite, provider: &Addr, price: &str, deposit: u128) -> u64 {
    let mut msg = s.open_msg(price, vec![]);
    msg.provider = provider.to_string();
    let t = s.tenant.clone();
    let res = s
        .exec(&t, &ExecuteMsg::OpenLease(msg), &coins(deposit, AKT))
        .unwrap();
    let id = attr(ev(&res, "spice.escrow.open_lease")[0], "lease_id")
        .parse()
        .unwrap();
    s.exec(provider, &ExecuteMsg::AcceptLease { lease_id: id }, &[])
        .unwrap();
    id
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

fn skipped(res: &AppResponse) -> Vec<(String, String)> {
    ev(res, "spice.escrow.batch_item_skipped")
        .into_iter()
        .map(|e| (attr(e, "lease_id"), attr(e, "reason")))
        .collect()
}

/// Two identical suites with three leases of the provider and one of backup1.
fn twin() -> [(Suite, [u64; 4]); 2] {
    [0, 1].map(|_| {
        let mut s = Suite::new();
        let p = s.provider.clone();
        let other = s.backup1.clone();
        let ids = [
            open_for(&mut s, &p, "1.5", 100_000),
            open_for(&mut s, &p, "2", 100_000),
            open_for(&mut s, &p, "0.3", 100_000),
            open_for(&mut s, &other, "1", 100_000),
        ];
        s.advance_live(400);
        (s, ids)
    })
}

#[test]
fn withdraw_batch_pays_like_single_withdrawals_in_one_send_per_recipient() {
    let [(mut single, ids), (mut batch, _)] = twin();
    let (p, fc) = (single.provider.clone(), single.fee_collector.clone());
    for id in &ids[..3] {
        single
            .exec(&p, &ExecuteMsg::Withdraw { lease_id: *id }, &[])
            .unwrap();
    }
    let res = batch
        .exec(
            &p,
            &ExecuteMsg::WithdrawBatch {
                lease_ids: ids[..3].to_vec(),
            },
            &[],
        )
        .unwrap();
    assert_eq!(ev(&res, "spice.escrow.withdraw").len(), 3);
    assert_eq!(transfers_to(&res, &p), 1, "one send to the provider");
    assert_eq!(transfers_to(&res, &fc), 1, "one send to the fee collector");
    let summary = ev(&res, "spice.escrow.withdraw_batch")[0];
    assert_eq!(attr(summary, "applied"), "3");
    assert_eq!(attr(summary, "skipped"), "0");
    for who in [&p, &fc] {
        assert_eq!(batch.bank(who, AKT), single.bank(who, AKT));
    }
    for id in ids {
        assert_eq!(batch.lease(id), single.lease(id));
    }
    // 600 + 800 + 120 earned over 400 blocks, 1% fee each rounded down: 6 + 8 + 1.
    assert_eq!(batch.bank(&fc, AKT), 15);
    assert_eq!(batch.bank(&p, AKT), super::suite::START + 1_520 - 15);
}

#[test]
fn withdraw_batch_skips_leases_the_sender_does_not_serve_and_applies_the_rest() {
    let [(mut s, ids), _] = twin();
    let p = s.provider.clone();
    let other_before = s.lease(ids[3]);
    let bank_before = s.bank(&p, AKT);
    let res = s
        .exec(
            &p,
            &ExecuteMsg::WithdrawBatch {
                // Another provider's lease, a missing one, and the same lease twice.
                lease_ids: vec![ids[0], ids[3], 99, ids[0]],
            },
            &[],
        )
        .unwrap();
    let skipped = skipped(&res);
    assert_eq!(skipped.len(), 3);
    assert_eq!(skipped[0].0, ids[3].to_string());
    assert!(
        skipped[0].1.contains("may not withdraw from"),
        "{skipped:?}"
    );
    assert_eq!(skipped[1], ("99".into(), "lease 99 does not exist".into()));
    assert_eq!(
        skipped[2].1,
        format!("lease {} has nothing to withdraw", ids[0])
    );
    assert_eq!(
        attr(ev(&res, "spice.escrow.withdraw_batch")[0], "lease_ids"),
        ids[0].to_string()
    );
    // The applied item paid (600 earned, fee 6); the skipped lease is untouched.
    assert_eq!(s.bank(&p, AKT), bank_before + 594);
    assert_eq!(s.lease(ids[3]), other_before);
}

#[test]
fn a_batch_in_which_every_item_fails_is_refused_with_the_first_error() {
    let [(mut s, ids), _] = twin();
    let x = s.stranger.clone();
    let before = s.lease(ids[0]);
    let res = s.exec(
        &x,
        &ExecuteMsg::WithdrawBatch {
            lease_ids: vec![ids[0], ids[1]],
        },
        &[],
    );
    assert_err(
        res,
        ContractError::Unauthorized {
            sender: x.to_string(),
            action: "withdraw from".into(),
            lease_id: ids[0],
            allowed: "the provider".into(),
        },
    );
    assert_eq!(s.lease(ids[0]), before);
    assert_eq!(s.bank(&x, AKT), super::suite::START);
}

#[test]
fn empty_and_oversized_batches_are_refused() {
    let mut s = Suite::new();
    let k = s.keeper.clone();
    let too_many: Vec<u64> = (1..=MAX_BATCH as u64 + 1).collect();
    let msgs = |ids: Vec<u64>| {
        vec![
            ExecuteMsg::SettleBatch {
                lease_ids: ids.clone(),
            },
            ExecuteMsg::WithdrawBatch {
                lease_ids: ids.clone(),
            },
            ExecuteMsg::TopUpBatch {
                lease_ids: ids.clone(),
            },
            ExecuteMsg::DepositBatch {
                deposits: ids
                    .iter()
                    .map(|&lease_id| BatchDeposit {
                        lease_id,
                        amount: coin(1, AKT),
                    })
                    .collect(),
            },
        ]
    };
    for msg in msgs(vec![]) {
        assert_err(s.exec(&k, &msg, &[]), ContractError::EmptyBatch);
    }
    for msg in msgs(too_many) {
        assert_err(
            s.exec(&k, &msg, &[]),
            ContractError::BatchTooLarge {
                count: MAX_BATCH + 1,
                max: MAX_BATCH,
            },
        );
    }
}

#[test]
fn settle_batch_settles_like_single_settles_and_skips_missing_leases() {
    let [(mut single, ids), (mut batch, _)] = twin();
    let k = single.keeper.clone();
    for id in ids {
        single
            .exec(&k, &ExecuteMsg::Settle { lease_id: id }, &[])
            .unwrap();
    }
    let mut list = ids.to_vec();
    list.push(99);
    let res = batch
        .exec(&k, &ExecuteMsg::SettleBatch { lease_ids: list }, &[])
        .unwrap();
    assert_eq!(ev(&res, "spice.escrow.settle").len(), 4);
    assert_eq!(
        skipped(&res),
        vec![("99".into(), "lease 99 does not exist".into())]
    );
    for id in ids {
        assert_eq!(batch.lease(id), single.lease(id));
    }
    // A lease that ran dry is marked so in the batch as in the single call.
    batch.advance_live(50_000);
    let res = batch
        .exec(
            &k,
            &ExecuteMsg::SettleBatch {
                lease_ids: vec![ids[1]],
            },
            &[],
        )
        .unwrap();
    assert_eq!(ev(&res, "spice.escrow.insufficient_funds").len(), 1);
    assert!(matches!(
        batch.lease(ids[1]).status,
        LeaseStatus::InsufficientFunds { .. }
    ));
}

/// Three leases with a 1% bounty whose top-ups each move 50: every single bounty rounds down to
/// 0, so a batch must pay 0 too (paying 1% of the 150 moved together would farm dust).
#[test]
fn top_up_batch_pays_exactly_the_single_bounties_never_more() {
    let [(mut single, ids), (mut batch, _)] = twin();
    let (t, k) = (single.tenant.clone(), single.keeper.clone());
    for s in [&mut single, &mut batch] {
        s.exec(&t, &ExecuteMsg::FundBalance {}, &coins(10_000, AKT))
            .unwrap();
        for (id, price) in [(ids[0], 15u64), (ids[1], 20), (ids[3], 10)] {
            // Runway to keep: what the lease holds now plus 50 units' worth of blocks.
            let l = s.lease(id);
            let blocks = l.runway_blocks.unwrap() + 500 / price;
            s.exec(
                &t,
                &ExecuteMsg::SetAutoTopUp {
                    lease_id: id,
                    target_runway_blocks: blocks,
                    source: TopUpSource::Balance,
                },
                &[],
            )
            .unwrap();
        }
    }
    let mut singles = vec![];
    for id in [ids[0], ids[1], ids[3]] {
        let res = single
            .exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[])
            .unwrap();
        singles.push(attr(ev(&res, "spice.escrow.top_up")[0], "amount"));
    }
    let res = batch
        .exec(
            &k,
            &ExecuteMsg::TopUpBatch {
                // ids[2] has no auto top-up: skipped; the first again: nothing more to move.
                lease_ids: vec![ids[0], ids[1], ids[2], ids[3], ids[0]],
            },
            &[],
        )
        .unwrap();
    let moved: Vec<String> = ev(&res, "spice.escrow.top_up")
        .iter()
        .map(|e| attr(e, "amount"))
        .collect();
    assert_eq!(moved, singles);
    let total: u128 = moved.iter().map(|m| m.parse::<u128>().unwrap()).sum();
    assert!(
        total >= 100,
        "the batch moved {total}: enough for a 1% bounty if pooled"
    );
    assert_eq!(
        skipped(&res),
        vec![(
            ids[2].to_string(),
            format!("lease {} has no auto top-up set", ids[2])
        )]
    );
    assert_eq!(batch.bank(&k, AKT), single.bank(&k, AKT));
    assert_eq!(batch.bank(&k, AKT), 0);
    assert_eq!(batch.prefunded(&t, AKT), single.prefunded(&t, AKT));
    for id in ids {
        assert_eq!(batch.lease(id), single.lease(id));
    }
}

#[test]
fn top_up_batch_pays_each_bounty_in_one_send() {
    let [(mut s, ids), _] = twin();
    let (t, k) = (s.tenant.clone(), s.keeper.clone());
    s.exec(&t, &ExecuteMsg::FundBalance {}, &coins(200_000, AKT))
        .unwrap();
    for id in [ids[0], ids[1]] {
        s.exec(
            &t,
            &ExecuteMsg::SetAutoTopUp {
                lease_id: id,
                target_runway_blocks: 100_000,
                source: TopUpSource::Balance,
            },
            &[],
        )
        .unwrap();
    }
    let res = s
        .exec(
            &k,
            &ExecuteMsg::TopUpBatch {
                lease_ids: vec![ids[0], ids[1]],
            },
            &[],
        )
        .unwrap();
    let bounties: u128 = ev(&res, "spice.escrow.top_up")
        .iter()
        .map(|e| attr(e, "bounty").parse::<u128>().unwrap())
        .sum();
    // 150,000 − 99,400 and 200,000 − 99,200 moved: 506 + 1,008 at 1% (rounded down).
    assert_eq!(bounties, 506 + 1_008);
    assert_eq!(transfers_to(&res, &k), 1);
    assert_eq!(s.bank(&k, AKT), bounties);
}

#[test]
fn deposit_batch_refuses_funds_that_do_not_add_up_and_changes_nothing() {
    let [(mut s, ids), _] = twin();
    let x = s.sponsor.clone();
    let items = vec![
        BatchDeposit {
            lease_id: ids[0],
            amount: coin(100, AKT),
        },
        BatchDeposit {
            lease_id: ids[1],
            amount: coin(50, AKT),
        },
    ];
    let before = (s.lease(ids[0]), s.bank(&x, AKT), s.bank(&x, USDC));
    let msg = ExecuteMsg::DepositBatch {
        deposits: items.clone(),
    };
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
        assert_err(s.exec(&x, &msg, &funds), err);
    }
    let mut zero = items;
    zero[1].amount = coin(0, AKT);
    assert_err(
        s.exec(
            &x,
            &ExecuteMsg::DepositBatch { deposits: zero },
            &coins(100, AKT),
        ),
        ContractError::ZeroAmount,
    );
    assert_eq!(before, (s.lease(ids[0]), s.bank(&x, AKT), s.bank(&x, USDC)));
    // Control: the same batch with the right funds goes through.
    s.exec(&x, &msg, &coins(150, AKT)).unwrap();
    assert_eq!(s.bank(&x, AKT), before.1 - 150);
}

#[test]
fn deposit_batch_applies_good_items_and_sends_back_the_skipped_ones() {
    let [(mut s, ids), _] = twin();
    let (t, x) = (s.tenant.clone(), s.sponsor.clone());
    s.exec(
        &t,
        &ExecuteMsg::CloseLease {
            lease_id: ids[2],
            reason: 1,
        },
        &[],
    )
    .unwrap();
    let (bal0, bal1) = (s.lease(ids[0]).balance, s.lease(ids[1]).balance);
    let closed = s.lease(ids[2]);
    let (akt, usdc) = (s.bank(&x, AKT), s.bank(&x, USDC));
    let items = vec![
        BatchDeposit {
            lease_id: ids[0],
            amount: coin(100, AKT),
        },
        // Closed: skipped, sent back.
        BatchDeposit {
            lease_id: ids[2],
            amount: coin(40, AKT),
        },
        // No such lease: skipped, sent back.
        BatchDeposit {
            lease_id: 99,
            amount: coin(30, AKT),
        },
        // Wrong denom for the lease: skipped, sent back.
        BatchDeposit {
            lease_id: ids[1],
            amount: coin(20, USDC),
        },
        BatchDeposit {
            lease_id: ids[1],
            amount: coin(10, AKT),
        },
    ];
    let res = s
        .exec(
            &x,
            &ExecuteMsg::DepositBatch { deposits: items },
            &[coin(180, AKT), coin(20, USDC)],
        )
        .unwrap();
    assert_eq!(skipped(&res).len(), 3);
    assert_eq!(ev(&res, "spice.escrow.deposit").len(), 2);
    assert_eq!(transfers_to(&res, &x), 1, "one send back with both denoms");
    assert_eq!(s.bank(&x, AKT), akt - 110);
    assert_eq!(s.bank(&x, USDC), usdc);
    assert_eq!(s.lease(ids[0]).balance, bal0 + Uint128::new(100));
    assert_eq!(s.lease(ids[1]).balance, bal1 + Uint128::new(10));
    assert_eq!(s.lease(ids[2]), closed);
}

#[test]
fn batches_follow_the_pause_rules_of_their_single_messages() {
    let [(mut s, ids), _] = twin();
    let (g, p, k) = (s.guardian.clone(), s.provider.clone(), s.keeper.clone());
    s.exec(&g, &ExecuteMsg::Pause {}, &[]).unwrap();
    let paused = |e: anyhow::Error| {
        let msg = format!("{e:#}");
        assert!(msg.to_lowercase().contains("paused"), "{msg}");
    };
    paused(s.err(
        &k,
        &ExecuteMsg::SettleBatch {
            lease_ids: vec![ids[0]],
        },
        &[],
    ));
    paused(s.err(
        &k,
        &ExecuteMsg::TopUpBatch {
            lease_ids: vec![ids[0]],
        },
        &[],
    ));
    paused(s.err(
        &k,
        &ExecuteMsg::DepositBatch {
            deposits: vec![BatchDeposit {
                lease_id: ids[0],
                amount: coin(1, AKT),
            }],
        },
        &[],
    ));
    // The provider's exit stays open.
    s.exec(
        &p,
        &ExecuteMsg::WithdrawBatch {
            lease_ids: vec![ids[0]],
        },
        &[],
    )
    .unwrap();
}

#[test]
fn withdraw_batch_tells_incentives_once_with_every_settlement_the_singles_would_send() {
    let [(mut single, ids), (mut batch, _)] = twin();
    let inc_single = single.with_incentives();
    let inc_batch = batch.with_incentives();
    let p = single.provider.clone();
    for id in &ids[..3] {
        single
            .exec(&p, &ExecuteMsg::Withdraw { lease_id: *id }, &[])
            .unwrap();
    }
    batch
        .exec(
            &p,
            &ExecuteMsg::WithdrawBatch {
                lease_ids: ids[..3].to_vec(),
            },
            &[],
        )
        .unwrap();
    let singles: Vec<_> = single
        .hooks(&inc_single)
        .into_iter()
        .flat_map(IncentivesHookMsg::into_settlements)
        .collect();
    assert_eq!(singles.len(), 3);
    // One call for the whole batch, carrying exactly the three settlements, in order.
    assert_eq!(
        batch.hooks(&inc_batch),
        vec![IncentivesHookMsg::LeasesSettled {
            settlements: singles
        }]
    );
}

#[test]
fn a_batch_with_one_settlement_sends_the_plain_hook() {
    let [(mut s, ids), _] = twin();
    let inc = s.with_incentives();
    let p = s.provider.clone();
    s.exec(
        &p,
        &ExecuteMsg::WithdrawBatch {
            lease_ids: vec![ids[0], ids[3]],
        },
        &[],
    )
    .unwrap();
    // ids[3] is backup1's lease: skipped; the one settlement goes out as `lease_settled`.
    let hooks = s.hooks(&inc);
    assert_eq!(hooks.len(), 1);
    assert!(
        matches!(&hooks[0], IncentivesHookMsg::LeaseSettled { lease_id, .. } if *lease_id == ids[0]),
        "{hooks:?}"
    );
}
