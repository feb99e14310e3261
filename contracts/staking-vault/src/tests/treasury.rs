//! Issue 18, "Treasury under attack": every coin on the books, attributable operator arrivals,
//! dust conversions, loss booking, and the conversion / report bounds. Each attack has its
//! honest control in the same test or beside it.

use cosmwasm_std::{coin, coins, Decimal, Uint128};
use cw_multi_test::{StakingSudo, SudoMsg as AppSudo};
use spice_testing::fund;

use super::suite::*;
use crate::msg::{ConfigUpdate, ExecuteMsg, LossKind, ReturnKind};
use crate::state::Bucket;
use crate::ContractError;

const STAKE: u128 = 1_000_000_000;

/// Every AKT in the vault's bank is on the books: pending + returned + revenue + arrivals.
#[track_caller]
fn assert_bank_is_books(s: &Suite) {
    let b = s.books();
    assert_eq!(
        s.balance(&s.vault.clone(), AKT),
        b.pending.u128()
            + b.returned.u128()
            + b.revenue_pending.u128()
            + b.returns_arrived.u128()
            + b.rewards_arrived.u128(),
        "{b:?}"
    );
    assert_conserved(&b);
}

fn operator_staked() -> Suite {
    let mut s = Suite::operator();
    s.deposit(STAKE, AKT).unwrap();
    s.stake().unwrap();
    s.ack(1);
    s.confirm_delegation(STAKE).unwrap();
    s
}

fn slash(s: &mut Suite, validator: &str, percent: u64) {
    s.app
        .sudo(AppSudo::Staking(StakingSudo::Slash {
            validator: validator.into(),
            percentage: Decimal::percent(percent),
        }))
        .unwrap();
}

// ---- 1. coins that arrive by bank send are booked ----

#[test]
fn take_fees_sent_by_bank_are_booked_by_sync_and_staked() {
    let mut s = Suite::operator();
    // control: a deposit books AKT at once
    s.deposit(1_000, AKT).unwrap();
    assert_bank_is_books(&s);
    // the escrow's take fee arrives by plain bank send: off the books until `sync`
    s.send_to_vault(5_000, AKT);
    assert_eq!(s.books().pending.u128(), 1_000);
    let res = s.sync().unwrap();
    assert_eq!(event_attr(&res, "sync", "akt_acquired"), "5000");
    let b = s.books();
    assert_eq!((b.pending.u128(), b.acquired.u128()), (6_000, 6_000));
    assert_bank_is_books(&s);
    // and it is staked like any acquired AKT
    let res = s.stake().unwrap();
    assert_eq!(event_attr(&res, "stake", "amount"), "6000");
    // nothing left to book: refused, and nothing changes
    let before = s.books();
    assert_err(s.sync(), ContractError::NothingToSync);
    assert_eq!(s.books(), before);
}

#[test]
fn non_akt_fees_become_proceeds_and_are_converted() {
    let mut s = Suite::native();
    s.send_to_vault(2_004_000, OSMO);
    assert_err(
        s.convert(OSMO, None),
        ContractError::NothingToConvert {
            denom: OSMO.into(),
            waiting: Uint128::zero(),
        },
    );
    let res = s.sync().unwrap();
    assert_eq!(
        event_attr(&res, "sync", "proceeds"),
        format!("2004000{OSMO}")
    );
    assert_eq!(s.waiting(OSMO), 2_004_000);
    let res = s.convert(OSMO, None).unwrap();
    assert!(
        event_attr(&res, "convert", "akt_out")
            .parse::<u128>()
            .unwrap()
            > 0
    );
    assert_bank_is_books(&s);
}

#[test]
fn unroutable_coins_are_held_until_governance_routes_them() {
    let mut s = Suite::native();
    s.owner_exec(&ExecuteMsg::RemoveRoute { denom: USDC.into() })
        .unwrap();
    s.send_to_vault(7_000, USDC);
    // the default sync looks at AKT and routed denoms only; a held denom is named
    assert_err(s.sync(), ContractError::NothingToSync);
    let stranger = s.stranger.clone();
    let res = s
        .exec(
            &stranger,
            &ExecuteMsg::Sync {
                denoms: Some(vec![USDC.into()]),
            },
            &[],
        )
        .unwrap();
    assert_eq!(event_attr(&res, "sync", "held"), format!("7000{USDC}"));
    assert_eq!(s.status().held, vec![coin(7_000, USDC)]);
    assert_eq!(s.waiting(USDC), 0);
    // governance routes it: the held coins become proceeds
    let (usdc_pool, akt_pool) = (s.usdc_pool, s.akt_pool);
    let res = s
        .owner_exec(&ExecuteMsg::SetRoute {
            denom: USDC.into(),
            hops: vec![hop(usdc_pool, OSMO), hop(akt_pool, AKT)],
        })
        .unwrap();
    assert_eq!(event_attr(&res, "set_route", "released_from_held"), "7000");
    assert!(s.status().held.is_empty());
    assert_eq!(s.waiting(USDC), 7_000);
    // bounds on the named list
    let many: Vec<String> = (0..11).map(|i| format!("denom{i}")).collect();
    assert_err(
        s.exec(&stranger, &ExecuteMsg::Sync { denoms: Some(many) }, &[]),
        ContractError::TooManyDenoms { count: 11, max: 10 },
    );
}

#[test]
fn rewards_the_staking_module_pays_on_delegation_changes_are_revenue() {
    let mut s = Suite::native();
    s.deposit(STAKE, AKT).unwrap();
    s.stake().unwrap();
    s.advance(30 * 86_400);
    // the second stake changes both delegations: the SDK pays their accrued rewards first
    s.deposit(STAKE, AKT).unwrap();
    let res = s.stake().unwrap();
    let paid: u128 = event_attr(&res, "rewards_withdrawn", "amount")
        .parse()
        .unwrap();
    assert!(paid > 0);
    let b = s.books();
    assert_eq!(b.revenue_pending.u128(), paid);
    assert_eq!(b.staked.u128(), 2 * STAKE);
    assert_bank_is_books(&s);
    // harvest sends them to buyback
    s.app.update_block(|b| b.height += 1);
    let res = s.harvest().unwrap();
    assert_eq!(event_attr(&res, "harvest", "revenue"), paid.to_string());
    assert_bank_is_books(&s);
    // unbond pays again (the SDK's hook on undelegation) — booked as revenue as well
    s.advance(10 * 86_400);
    let res = s
        .owner_exec(&ExecuteMsg::Unbond {
            amount: Uint128::new(STAKE),
        })
        .unwrap();
    assert!(
        event_attr(&res, "rewards_withdrawn", "amount")
            .parse::<u128>()
            .unwrap()
            > 0
    );
    assert_bank_is_books(&s);
}

// ---- 2. operator arrivals are attributable ----

#[test]
fn operator_cannot_cover_withheld_principal_with_take_fees() {
    let mut s = operator_staked();
    s.owner_exec(&ExecuteMsg::Unbond {
        amount: Uint128::new(400),
    })
    .unwrap();
    let tx_hash = s.hash();
    s.operator_exec(&ExecuteMsg::ConfirmUndelegation {
        amount: Uint128::new(400),
        tx_hash,
    })
    .unwrap();
    // the operator keeps the principal on Akash; a take fee of the same size lands here
    s.send_to_vault(400, AKT);
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ConfirmReturned {
            amount: Uint128::new(400),
            tx_hash,
        })
        .unwrap();
    assert!(event_attr(&res, "halt", "reason").contains("only 0 came home"));
    let b = s.books();
    assert_eq!((b.unbonding.u128(), b.returned.u128()), (400, 0));
    // the fee is booked as acquired by sync, never as returned principal
    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();
    s.sync().unwrap();
    assert_eq!(s.books().pending.u128(), 400);
    assert_eq!(s.books().unbonding.u128(), 400);
    assert_bank_is_books(&s);

    // control: the honest return through the ibc-hooks memo is accepted
    let res = s.receive(ReturnKind::Principal, 400).unwrap();
    assert_eq!(event_attr(&res, "receive_return", "held"), "400");
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ConfirmReturned {
            amount: Uint128::new(400),
            tx_hash,
        })
        .unwrap();
    assert_eq!(event_attr(&res, "confirm_returned", "accepted"), "true");
    let b = s.books();
    assert_eq!((b.unbonding.u128(), b.returned.u128()), (0, 400));
    assert_bank_is_books(&s);
}

#[test]
fn receive_return_is_refused_from_anyone_but_the_delegation_address_and_without_akt() {
    let mut s = operator_staked();
    let stranger = s.stranger.clone();
    fund(&mut s.app, &stranger, coins(10, AKT)).unwrap();
    let before = s.balance(&stranger, AKT);
    assert_err(
        s.exec(
            &stranger,
            &ExecuteMsg::ReceiveReturn {
                kind: ReturnKind::Principal,
            },
            &coins(10, AKT),
        ),
        ContractError::NotDelegationAddress {
            expected: s.hooks_sender().to_string(),
            sender: stranger.to_string(),
        },
    );
    assert_eq!(s.balance(&stranger, AKT), before);
    // the right sender with the wrong coin
    let hooks = s.hooks_sender();
    fund(&mut s.app, &hooks, coins(10, OSMO)).unwrap();
    assert_err(
        s.exec(
            &hooks,
            &ExecuteMsg::ReceiveReturn {
                kind: ReturnKind::Rewards,
            },
            &coins(10, OSMO),
        ),
        ContractError::WrongReturnFunds {
            akt_denom: AKT.into(),
            funds: format!("10{OSMO}"),
        },
    );
    // the native strategy has no operator to receive from
    let mut n = Suite::native();
    let hooks = n.hooks_sender();
    fund(&mut n.app, &hooks, coins(10, AKT)).unwrap();
    assert_err(
        n.exec(
            &hooks,
            &ExecuteMsg::ReceiveReturn {
                kind: ReturnKind::Principal,
            },
            &coins(10, AKT),
        ),
        ContractError::WrongStrategy {
            expected: "operator".into(),
            actual: "native".into(),
        },
    );
}

#[test]
fn a_lying_operator_is_refused_or_halts_the_vault() {
    let mut s = operator_staked();
    s.advance(3_153_600);
    // rewards that never came (a donation of the same size sits in the bank): halt
    s.send_to_vault(1_000, AKT);
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ConfirmRewards {
            amount: Uint128::new(1_000),
            tx_hash: tx_hash.clone(),
        })
        .unwrap();
    assert!(event_attr(&res, "halt", "reason").contains("came home"));
    assert_eq!(s.books().revenue_pending.u128(), 0);
    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();
    // a replayed hash: refused, nothing changes
    s.receive(ReturnKind::Rewards, 1_000).unwrap();
    let before = s.books();
    assert_err(
        s.operator_exec(&ExecuteMsg::ConfirmRewards {
            amount: Uint128::new(1_000),
            tx_hash: tx_hash.clone(),
        }),
        ContractError::TxHashReused { tx_hash },
    );
    assert_eq!(s.books(), before);
    // control: a fresh hash for what did arrive is accepted
    let tx_hash = s.hash();
    s.operator_exec(&ExecuteMsg::ConfirmRewards {
        amount: Uint128::new(1_000),
        tx_hash,
    })
    .unwrap();
    assert_eq!(s.books().revenue_pending.u128(), 1_000);
    s.sync().unwrap();
    assert_bank_is_books(&s);
}

// ---- 3. dust does not reset the cooldown ----

#[test]
fn dust_convert_cannot_spend_the_cooldown() {
    let mut s = Suite::native();
    s.deposit(10_000_000, OSMO).unwrap();
    let keeper = s.keeper.clone();
    let before = s.balance(&keeper, OSMO);
    assert_err(
        s.convert(OSMO, Some(1)),
        ContractError::BelowMinConvert {
            denom: OSMO.into(),
            amount_in: Uint128::one(),
            min_convert_amount: Uint128::new(MIN_CONVERT),
        },
    );
    assert_eq!(s.balance(&keeper, OSMO), before);
    assert_eq!(s.waiting(OSMO), 10_000_000);
    // control: a conversion of the minimum goes through, and then the cooldown holds
    s.convert(OSMO, Some(MIN_CONVERT)).unwrap();
    assert!(matches!(
        cerr(&s.convert(OSMO, None).unwrap_err()),
        ContractError::CooldownActive { .. }
    ));
}

// ---- 4. losses can be booked ----

#[test]
fn native_slashing_is_reconciled_and_the_strategy_can_change_again() {
    let mut s = Suite::native();
    s.deposit(3_000_000, AKT).unwrap();
    s.stake().unwrap();
    // nothing to reconcile before a slash
    assert_err(
        s.keeper_exec(&ExecuteMsg::ReconcileNative {}),
        ContractError::NothingToReconcile,
    );
    slash(&mut s, VALIDATORS[1], 10);
    // the phantom stake cannot be undelegated: the chain refuses the booked amount
    assert!(s
        .owner_exec(&ExecuteMsg::Unbond {
            amount: Uint128::new(3_000_000),
        })
        .is_err());
    // anyone books the loss down to what the chain reports (2,000,000 × 10%)
    let stranger = s.stranger.clone();
    let res = s
        .exec(&stranger, &ExecuteMsg::ReconcileNative {}, &[])
        .unwrap();
    assert_eq!(event_attr(&res, "reconcile_native", "lost"), "200000");
    let b = s.books();
    assert_eq!((b.staked.u128(), b.lost.u128()), (2_800_000, 200_000));
    assert_conserved(&b);
    // never up, and idempotent
    assert_err(
        s.exec(&stranger, &ExecuteMsg::ReconcileNative {}, &[]),
        ContractError::NothingToReconcile,
    );
    // everything left unbonds, and the strategy may switch once it is home
    s.owner_exec(&ExecuteMsg::Unbond {
        amount: Uint128::new(2_800_000),
    })
    .unwrap();
    s.advance(UNBONDING + 1);
    s.owner_exec(&ExecuteMsg::ClaimUnbonded { recipient: None })
        .unwrap();
    let strategy = s.operator_strategy();
    s.owner_exec(&ExecuteMsg::SetStrategy { strategy }).unwrap();
    assert_bank_is_books(&s);
}

#[test]
fn slashing_during_unbonding_is_booked_on_claim_instead_of_reverting() {
    let mut s = Suite::native();
    s.deposit(3_000_000, AKT).unwrap();
    s.stake().unwrap();
    s.owner_exec(&ExecuteMsg::Unbond {
        amount: Uint128::new(1_000_000),
    })
    .unwrap();
    // the first validator (1,000,000 staked) is slashed 50% while the entry unbonds
    slash(&mut s, VALIDATORS[0], 50);
    s.advance(UNBONDING + crate::execute::sync::MATURITY_MARGIN_SECONDS + 1);
    let res = s
        .owner_exec(&ExecuteMsg::ClaimUnbonded { recipient: None })
        .unwrap();
    assert_eq!(event_attr(&res, "claim_unbonded", "lost"), "500000");
    let b = s.books();
    assert_eq!(
        (b.unbonding.u128(), b.pending.u128(), b.lost.u128()),
        (0, 500_000, 500_000)
    );
    assert_bank_is_books(&s);
}

#[test]
fn operator_losses_are_booked_by_owner_or_guardian_within_the_daily_bound() {
    let mut s = operator_staked();
    let book = |kind, amount: u128| ExecuteMsg::BookLoss {
        kind,
        amount: Uint128::new(amount),
    };
    for who in [s.stranger.clone(), s.operator.clone(), s.keeper.clone()] {
        assert_err(
            s.exec(&who, &book(LossKind::Staked, 1), &[]),
            ContractError::NotOwnerOrGuardian {
                sender: who.to_string(),
            },
        );
    }
    // 10% of the 1,000,000,000 exposed per day
    let guardian = s.guardian.clone();
    s.exec(&guardian, &book(LossKind::Staked, 60_000_000), &[])
        .unwrap();
    let before = s.books();
    assert_err(
        s.owner_exec(&book(LossKind::Staked, 40_000_001)),
        ContractError::LossAboveDailyBound {
            amount: Uint128::new(40_000_001),
            booked: Uint128::new(60_000_000),
            bound: Uint128::new(100_000_000),
            max_daily_loss: Decimal::percent(10),
            base: Uint128::new(STAKE),
        },
    );
    assert_eq!(s.books(), before);
    s.owner_exec(&book(LossKind::Staked, 40_000_000)).unwrap();
    // an unbonding loss cannot go below zero
    s.advance(86_400);
    assert!(matches!(
        cerr(&s.owner_exec(&book(LossKind::Unbonding, 1)).unwrap_err()),
        ContractError::InsufficientInBucket {
            bucket: Bucket::Unbonding,
            ..
        }
    ));
    let b = s.books();
    assert_eq!((b.staked.u128(), b.lost.u128()), (900_000_000, 100_000_000));
    assert_conserved(&b);
}

// ---- 5. conversion and report bounds ----

#[test]
fn cooldowns_epochs_and_minimums_are_validated() {
    let mut s = Suite::native();
    let update = |u: ConfigUpdate| ExecuteMsg::UpdateConfig(u);
    assert!(matches!(
        cerr(
            &s.owner_exec(&update(ConfigUpdate {
                convert_cooldown_seconds: Some(0),
                ..Default::default()
            }))
            .unwrap_err()
        ),
        ContractError::InvalidConfig(_)
    ));
    assert_err(
        s.owner_exec(&update(ConfigUpdate {
            min_convert_amount: Some(Uint128::new(CAP + 1)),
            ..Default::default()
        })),
        ContractError::InvalidConvertBounds {
            min_convert_amount: Uint128::new(CAP + 1),
            per_convert_cap: Uint128::new(CAP),
            convert_epoch_cap: Uint128::new(100_000_000_000),
        },
    );
    assert_err(
        s.owner_exec(&update(ConfigUpdate {
            convert_epoch_cap: Some(Uint128::new(CAP - 1)),
            ..Default::default()
        })),
        ContractError::InvalidConvertBounds {
            min_convert_amount: Uint128::new(MIN_CONVERT),
            per_convert_cap: Uint128::new(CAP),
            convert_epoch_cap: Uint128::new(CAP - 1),
        },
    );
    assert_err(
        s.owner_exec(&update(ConfigUpdate {
            max_daily_loss: Some(Decimal::zero()),
            ..Default::default()
        })),
        ContractError::ZeroMaxDailyLoss,
    );
    // control: valid values are stored and announced
    let res = s
        .owner_exec(&update(ConfigUpdate {
            convert_cooldown_seconds: Some(600),
            convert_epoch_cap: Some(Uint128::new(CAP)),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(
        event_attr(&res, "update_config", "convert_epoch_cap"),
        CAP.to_string()
    );
}

#[test]
fn the_epoch_cap_bounds_what_a_keeper_can_sandwich() {
    let mut s = Suite::native();
    s.owner_exec(&ExecuteMsg::UpdateConfig(ConfigUpdate {
        convert_cooldown_seconds: Some(600),
        convert_epoch_cap: Some(Uint128::new(CAP)),
        ..Default::default()
    }))
    .unwrap();
    s.deposit(3 * CAP, OSMO).unwrap();
    // align to the start of an epoch
    let now = s.app.block_info().time.seconds();
    s.advance(86_400 - now % 86_400 + 1);
    s.convert(OSMO, Some(CAP / 2)).unwrap();
    s.advance(600);
    let res = s.convert(OSMO, None).unwrap();
    assert_eq!(
        event_attr(&res, "convert_swap", "amount_in"),
        (CAP / 2).to_string()
    );
    s.advance(600);
    assert!(matches!(
        cerr(&s.convert(OSMO, None).unwrap_err()),
        ContractError::EpochCapReached { .. }
    ));
    // control: the next epoch converts again
    s.advance(86_400);
    s.convert(OSMO, None).unwrap();
}

#[test]
fn one_unit_in_the_first_routed_denom_does_not_brick_convert() {
    let mut s = Suite::native();
    // uosmo sorts before uusdc
    s.deposit(1, OSMO).unwrap();
    s.deposit(5_000_000, USDC).unwrap();
    let keeper = s.keeper.clone();
    let res = s
        .exec(
            &keeper,
            &ExecuteMsg::Convert {
                denom: None,
                limit: None,
            },
            &[],
        )
        .unwrap();
    assert_eq!(event_attr(&res, "convert", "denom"), USDC);
    assert_eq!(s.waiting(OSMO), 1);
}

#[test]
fn reward_allowance_resets_when_the_operator_changes() {
    let mut s = operator_staked();
    s.advance(3_153_600);
    // the same operator retuned: its allowance is kept (control)
    let strategy = s.operator_strategy();
    s.owner_exec(&ExecuteMsg::SetStrategy { strategy }).unwrap();
    let kept = s.books().reward_allowance.u128();
    assert!(kept > 0);
    // a new operator starts from zero
    let new_operator = s.app.api().addr_make("new-operator");
    let mut strategy = s.operator_strategy();
    if let crate::msg::StrategyMsg::Operator { operator, .. } = &mut strategy {
        *operator = new_operator.to_string();
    }
    let res = s.owner_exec(&ExecuteMsg::SetStrategy { strategy }).unwrap();
    assert_eq!(
        event_attr(&res, "set_strategy", "reward_allowance_reset"),
        kept.to_string()
    );
    assert_eq!(s.books().reward_allowance.u128(), 0);
}

#[test]
fn akt_denom_cannot_change_while_the_books_hold_akt() {
    let mut s = Suite::native();
    s.deposit(1_000, AKT).unwrap();
    assert_err(
        s.owner_exec(&ExecuteMsg::UpdateConfig(ConfigUpdate {
            akt_denom: Some("uakt".into()),
            ..Default::default()
        })),
        ContractError::AktDenomInUse {
            akt_denom: AKT.into(),
            held: Uint128::new(1_000),
        },
    );
    // control: with empty books it may change
    let mut e = Suite::native();
    e.owner_exec(&ExecuteMsg::UpdateConfig(ConfigUpdate {
        akt_denom: Some("uakt".into()),
        ..Default::default()
    }))
    .unwrap();
}

#[test]
fn an_entry_the_chain_has_not_paid_yet_is_not_booked_lost_by_a_strangers_sync() {
    let mut s = Suite::native();
    s.deposit(3_000_000, AKT).unwrap();
    s.stake().unwrap();
    s.owner_exec(&ExecuteMsg::Unbond {
        amount: Uint128::new(1_000_000),
    })
    .unwrap();
    s.advance(UNBONDING + 1);
    // The staking module pays the entry after this block's transactions: take the payout out
    // of the vault's bank for now, and let a 10-unit take fee arrive, so a stranger's sync has
    // a surplus to book.
    let vault = s.vault.clone();
    let parked = s.app.api().addr_make("parked");
    let send = |s: &mut Suite, from: &cosmwasm_std::Addr, to: &cosmwasm_std::Addr, amount: u128| {
        cw_multi_test::Executor::send_tokens(
            &mut s.app,
            from.clone(),
            to.clone(),
            &coins(amount, AKT),
        )
        .unwrap();
    };
    send(&mut s, &vault, &parked, 1_000_000);
    send(&mut s, &parked, &vault, 10);
    s.sync().unwrap();
    let b = s.books();
    assert_eq!(
        b.lost.u128(),
        0,
        "a stranger's sync booked an unpaid entry as lost"
    );
    assert_eq!((b.unbonding.u128(), b.returned.u128()), (999_990, 10));
    // The payout lands: the next sync books the rest as returned, nothing as lost.
    send(&mut s, &parked, &vault, 999_990);
    s.sync().unwrap();
    let b = s.books();
    assert_eq!(
        (b.unbonding.u128(), b.returned.u128(), b.lost.u128()),
        (0, 1_000_000, 0)
    );
    assert_bank_is_books(&s);
}
