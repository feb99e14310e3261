//! The operator strategy: IBC lifecycle and every bound tripping the halt.

use cosmwasm_std::Uint128;
use spice_testing::{ibc_escrow_address, ibc_sent_packet};

use super::suite::*;
use crate::msg::{ExecuteMsg, IbcLifecycleComplete, ReturnKind, SudoMsg};
use crate::ContractError;

const STAKE: u128 = 1_000_000_000;

/// An operator suite with `STAKE` AKT pending (deposited directly).
fn with_pending(amount: u128) -> Suite {
    let mut s = Suite::operator();
    s.deposit(amount, AKT).unwrap();
    s
}

/// ... and staked at the operator (sent, acked, confirmed).
fn with_staked() -> Suite {
    let mut s = with_pending(STAKE);
    s.stake().unwrap();
    s.ack(1);
    s.confirm_delegation(STAKE).unwrap();
    s
}

fn escrow(s: &Suite) -> u128 {
    s.balance(&ibc_escrow_address(&s.app, CHANNEL), AKT)
}

#[test]
fn stake_sends_an_ics20_transfer_with_the_callback_memo_and_the_ack_moves_it_to_the_operator() {
    let mut s = with_pending(STAKE);
    let res = s.stake().unwrap();
    assert_eq!(
        event_attr(&res, "stake", "memo"),
        format!(r#"{{"ibc_callback":"{}"}}"#, s.vault)
    );
    assert_eq!(event_attr(&res, "transfer_sent", "sequence"), "1");
    let packet = ibc_sent_packet(&s.app, CHANNEL, 1).unwrap();
    assert_eq!(packet.receiver, AKASH_ADDR);
    assert_eq!(packet.callback, Some(s.vault.clone()));
    assert_eq!((escrow(&s), s.balance(&s.vault.clone(), AKT)), (STAKE, 0));
    assert_eq!(s.books().transferring.u128(), STAKE);
    assert_eq!(s.status().in_flight.u128(), STAKE);

    s.ack(1);
    let b = s.books();
    assert_eq!((b.transferring.u128(), b.at_operator.u128()), (0, STAKE));
    assert_eq!((escrow(&s), s.balance(&s.vault.clone(), AKT)), (STAKE, 0));
    s.confirm_delegation(STAKE).unwrap();
    let b = s.books();
    assert_eq!((b.at_operator.u128(), b.staked.u128()), (0, STAKE));
    assert_conserved(&b);
}

#[test]
fn error_ack_puts_the_transfer_back_to_pending_with_exact_balances() {
    let mut s = with_pending(STAKE);
    s.stake().unwrap();
    s.error_ack(1);
    let b = s.books();
    assert_eq!(
        (
            b.pending.u128(),
            b.transferring.u128(),
            b.at_operator.u128()
        ),
        (STAKE, 0, 0)
    );
    assert_eq!((escrow(&s), s.balance(&s.vault.clone(), AKT)), (0, STAKE));
    assert_conserved(&b);
    // and it can go again, as sequence 2
    let res = s.stake().unwrap();
    assert_eq!(event_attr(&res, "transfer_sent", "sequence"), "2");
}

#[test]
fn timeout_puts_the_transfer_back_to_pending_with_exact_balances() {
    let mut s = with_pending(STAKE);
    s.stake().unwrap();
    s.advance(600);
    s.timeout(1);
    let b = s.books();
    assert_eq!((b.pending.u128(), b.transferring.u128()), (STAKE, 0));
    assert_eq!((escrow(&s), s.balance(&s.vault.clone(), AKT)), (0, STAKE));
    assert_conserved(&b);
    // a callback for an unknown packet changes nothing and does not fail the relayer
    let vault = s.vault.clone();
    let res = s
        .app
        .wasm_sudo(
            vault,
            &SudoMsg::IbcLifecycleComplete(IbcLifecycleComplete::IbcTimeout {
                channel: CHANNEL.into(),
                sequence: 99,
            }),
        )
        .unwrap();
    assert_eq!(event_attr(&res, "ibc_lifecycle", "known"), "false");
    assert_eq!(s.books(), b);
}

#[test]
fn daily_outflow_cap_limits_what_stake_sends_and_resets_the_next_day() {
    let mut s = with_pending(DAILY_OUTFLOW + 1_000);
    let res = s.stake().unwrap();
    assert_eq!(
        event_attr(&res, "stake", "amount"),
        DAILY_OUTFLOW.to_string()
    );
    let now = s.app.block_info().time.seconds();
    assert_err(
        s.stake(),
        ContractError::OutflowCapReached {
            cap: Uint128::new(DAILY_OUTFLOW),
            resets_at: (now / 86_400 + 1) * 86_400,
        },
    );
    assert_eq!(s.status().outflow_left_today, Some(Uint128::zero()));
    s.advance(86_400);
    let res = s.stake().unwrap();
    assert_eq!(event_attr(&res, "stake", "amount"), "1000");
}

#[test]
fn confirming_more_delegation_than_arrived_halts_until_the_owner_resumes() {
    let mut s = with_pending(STAKE);
    s.stake().unwrap();
    s.ack(1);
    let res = s.confirm_delegation(STAKE + 1).unwrap();
    assert!(event_attr(&res, "halt", "reason").contains("exceeds the 1000000000 at the operator"));
    let halt = s.status().halt.unwrap();
    assert_eq!(
        s.books().at_operator.u128(),
        STAKE,
        "a breaching report is not applied"
    );
    let halted = || ContractError::StrategyHalted {
        reason: halt.reason.clone(),
        at: halt.at,
    };
    s.deposit(10, AKT).unwrap();
    assert_err(s.stake(), halted());
    assert_err(s.confirm_delegation(STAKE), halted());
    let stranger = s.stranger.clone();
    let err = s
        .exec(&stranger, &ExecuteMsg::ResumeStrategy {}, &[])
        .unwrap_err();
    assert!(matches!(cerr(&err), ContractError::Governance(_)));
    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();
    assert_err(
        s.owner_exec(&ExecuteMsg::ResumeStrategy {}),
        ContractError::NotHalted,
    );
    s.confirm_delegation(STAKE).unwrap();
    assert_conserved(&s.books());
}

#[test]
fn rewards_are_bounded_by_principal_times_max_apr_times_elapsed_and_must_arrive() {
    let mut s = with_staked();
    // 36.5 days at 20%: 1,000,000,000 × 0.2 × 0.1 = 20,000,000 may be confirmed.
    s.advance(3_153_600);
    s.return_and_confirm_rewards(15_000_000).unwrap();
    assert_eq!(s.books().reward_allowance.u128(), 5_000_000);
    s.return_and_confirm_rewards(5_000_000).unwrap();
    let res = s.return_and_confirm_rewards(1).unwrap();
    assert!(event_attr(&res, "halt", "reason").contains("exceed the bound 0"));
    assert!(s.status().halt.is_some());
    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();

    // harvest sends the confirmed 20,000,000 (less the 20 bps bounty) to buyback
    s.harvest().unwrap();
    assert_eq!(s.balance(&s.buyback.clone(), AKT), 20_000_000 - 40_000);
    assert_eq!(s.balance(&s.keeper.clone(), AKT), 40_000);
    // the stray unit beyond the allowance came home as principal (acquired), never revenue
    assert_eq!(s.balance(&s.vault.clone(), AKT), 1);
    assert_eq!(s.books().pending.u128(), 1);

    // rewards reported but never sent back: halt
    s.advance(3_153_600);
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ConfirmRewards {
            amount: Uint128::new(1_000),
            tx_hash,
        })
        .unwrap();
    let reason = event_attr(&res, "halt", "reason");
    assert!(reason.contains("reported as arrived"), "{reason}");
}

#[test]
fn undelegation_and_return_are_bounded_by_the_request_and_by_what_arrived() {
    let mut s = with_staked();
    s.owner_exec(&ExecuteMsg::Unbond {
        amount: Uint128::new(400),
    })
    .unwrap();
    assert_eq!(s.books().unbond_requested.u128(), 400);
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ConfirmUndelegation {
            amount: Uint128::new(401),
            tx_hash,
        })
        .unwrap();
    assert!(event_attr(&res, "halt", "reason").contains("requested 400"));
    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();
    let tx_hash = s.hash();
    s.operator_exec(&ExecuteMsg::ConfirmUndelegation {
        amount: Uint128::new(400),
        tx_hash,
    })
    .unwrap();
    let b = s.books();
    assert_eq!(
        (
            b.staked.u128(),
            b.unbonding.u128(),
            b.unbond_requested.u128()
        ),
        (STAKE - 400, 400, 0)
    );

    // returned before the AKT is here: halt
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ConfirmReturned {
            amount: Uint128::new(400),
            tx_hash,
        })
        .unwrap();
    assert!(event_attr(&res, "halt", "reason").contains("reported as arrived"));
    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();
    // more than unbonding: halt
    s.receive(ReturnKind::Principal, 400).unwrap();
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ConfirmReturned {
            amount: Uint128::new(401),
            tx_hash,
        })
        .unwrap();
    assert!(event_attr(&res, "halt", "reason").contains("exceeds the 400 unbonding"));
    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();
    let tx_hash = s.hash();
    s.operator_exec(&ExecuteMsg::ConfirmReturned {
        amount: Uint128::new(400),
        tx_hash,
    })
    .unwrap();
    let treasury = s.treasury.to_string();
    s.owner_exec(&ExecuteMsg::ClaimUnbonded {
        recipient: Some(treasury),
    })
    .unwrap();
    assert_eq!(s.balance(&s.treasury.clone(), AKT), 400);
    assert_eq!(s.balance(&s.vault.clone(), AKT), 0);
    assert_conserved(&s.books());
}

#[test]
fn a_reported_loss_is_booked_and_halts() {
    let mut s = with_staked();
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ReportLoss {
            amount: Uint128::new(7_000),
            tx_hash,
        })
        .unwrap();
    assert!(event_attr(&res, "halt", "reason").contains("loss of 7000"));
    let b = s.books();
    assert_eq!((b.staked.u128(), b.lost.u128()), (STAKE - 7_000, 7_000));
    assert_conserved(&b);
    assert!(s.status().halt.is_some());
}

#[test]
fn tx_hashes_are_accepted_once_and_must_be_hex() {
    let mut s = with_pending(STAKE);
    s.stake().unwrap();
    s.ack(1);
    s.operator_exec(&ExecuteMsg::ConfirmDelegation {
        amount: Uint128::new(10),
        tx_hash: HASH.into(),
    })
    .unwrap();
    assert_err(
        s.operator_exec(&ExecuteMsg::ConfirmDelegation {
            amount: Uint128::new(10),
            tx_hash: HASH.to_lowercase(),
        }),
        ContractError::TxHashReused {
            tx_hash: HASH.into(),
        },
    );
    assert_err(
        s.operator_exec(&ExecuteMsg::ConfirmDelegation {
            amount: Uint128::new(10),
            tx_hash: "0xzz".into(),
        }),
        ContractError::InvalidTxHash {
            tx_hash: "0xzz".into(),
        },
    );
    assert_err(
        s.operator_exec(&ExecuteMsg::ConfirmDelegation {
            amount: Uint128::zero(),
            tx_hash: "AB".into(),
        }),
        ContractError::ZeroAmount,
    );
    // a hash is a SHA-256: exactly 64 hex characters, not 1 to 128
    for bad in [
        "AB".to_string(),
        "A".repeat(63),
        "A".repeat(65),
        "A".repeat(128),
    ] {
        assert_err(
            s.operator_exec(&ExecuteMsg::ConfirmDelegation {
                amount: Uint128::new(10),
                tx_hash: bad.clone(),
            }),
            ContractError::InvalidTxHash { tx_hash: bad },
        );
    }
}

#[test]
fn strategy_switch_needs_nothing_in_flight_and_nothing_staked() {
    let mut s = with_pending(STAKE);
    s.stake().unwrap();
    let busy = |transferring: u128, at_operator: u128, staked: u128| ContractError::StrategyBusy {
        transferring: Uint128::new(transferring),
        at_operator: Uint128::new(at_operator),
        staked: Uint128::new(staked),
        unbonding: Uint128::zero(),
        unbond_requested: Uint128::zero(),
    };
    assert_err(
        s.owner_exec(&ExecuteMsg::SetStrategy {
            strategy: native_strategy(),
        }),
        busy(STAKE, 0, 0),
    );
    s.ack(1);
    s.confirm_delegation(STAKE).unwrap();
    assert_err(
        s.owner_exec(&ExecuteMsg::SetStrategy {
            strategy: native_strategy(),
        }),
        busy(0, 0, STAKE),
    );
    // same operator target, new bounds: allowed with stake in place
    let mut strategy = s.operator_strategy();
    if let crate::msg::StrategyMsg::Operator {
        max_daily_outflow, ..
    } = &mut strategy
    {
        *max_daily_outflow = Uint128::new(1);
    }
    s.owner_exec(&ExecuteMsg::SetStrategy { strategy }).unwrap();
    // a wrong-kind report
    let mut n = Suite::native();
    let tx_hash = n.hash();
    assert_err(
        n.operator_exec(&ExecuteMsg::ConfirmDelegation {
            amount: Uint128::one(),
            tx_hash,
        }),
        ContractError::WrongStrategy {
            expected: "operator".into(),
            actual: "native".into(),
        },
    );
    let mut bare = Suite::bare();
    bare.deposit(5, AKT).unwrap();
    assert_err(bare.stake(), ContractError::NoStrategy);
}
