//! A timeout callback that fails. Osmosis' ibc-hooks swallows the error of a contract's
//! timeout callback: the refund stays with the vault, the callback is deleted and the vault is
//! never told (the emulation does the same, see `spice_testing::ibc_transfer`). The vault's
//! callback is written never to fail; these tests make it fail on purpose (a wrapper around
//! `sudo`, standing in for a bug fixed later) and check what the books say, and that the
//! recovery — governance replaying the callback with wasmd's `MsgSudoContract` once the bug is
//! fixed — books the refund exactly once, whether or not a stranger's `sync` came first.
//! The honest control (the callback succeeds) is
//! `operator::timeout_puts_the_transfer_back_to_pending_with_exact_balances`.

use std::cell::Cell;

use cosmwasm_std::{DepsMut, Env, Response, StdError};
use cw_multi_test::AppResponse;
use spice_testing::ibc_escrow_address;

use super::suite::*;
use crate::contract;
use crate::msg::{IbcLifecycleComplete, SudoMsg};
use crate::state::Books;
use crate::ContractError;

const STAKE: u128 = 1_000_000_000;

thread_local! {
    /// Whether the vault's timeout callback fails (the App runs contracts on the test's thread).
    static TIMEOUT_CALLBACK_FAILS: Cell<bool> = const { Cell::new(false) };
}

/// The vault's `sudo`, failing a timeout callback while `TIMEOUT_CALLBACK_FAILS` is set.
fn sudo_failing_on_timeout(
    deps: DepsMut,
    env: Env,
    msg: SudoMsg,
) -> Result<Response, ContractError> {
    let timeout = matches!(
        msg,
        SudoMsg::IbcLifecycleComplete(IbcLifecycleComplete::IbcTimeout { .. })
    );
    if timeout && TIMEOUT_CALLBACK_FAILS.with(Cell::get) {
        return Err(StdError::generic_err("timeout callback broken").into());
    }
    contract::sudo(deps, env, msg)
}

fn escrow(s: &Suite) -> u128 {
    s.balance(&ibc_escrow_address(&s.app, CHANNEL), AKT)
}

fn vault_akt(s: &Suite) -> u128 {
    s.balance(&s.vault.clone(), AKT)
}

/// What the vault's own bank must hold by its books (`books::backed_by_bank`).
fn backed(b: &Books) -> u128 {
    b.pending.u128()
        + b.returned.u128()
        + b.revenue_pending.u128()
        + b.returns_arrived.u128()
        + b.rewards_arrived.u128()
}

/// `STAKE` sent to the operator, the packet timed out and its callback failed (swallowed).
fn after_failed_timeout_callback() -> (Suite, Books) {
    let mut s = Suite::operator_with_sudo(sudo_failing_on_timeout);
    s.deposit(STAKE, AKT).unwrap();
    s.stake().unwrap();
    s.advance(600);
    let before = s.books();
    assert_eq!(before.transferring.u128(), STAKE);
    TIMEOUT_CALLBACK_FAILS.with(|f| f.set(true));
    let res = spice_testing::relay_timeout(&mut s.app, CHANNEL, 1).unwrap();
    TIMEOUT_CALLBACK_FAILS.with(|f| f.set(false));
    let swallowed = res
        .events
        .iter()
        .find(|e| e.ty == "ibc-timeout-callback-error")
        .expect("the callback error is swallowed with an event");
    assert!(swallowed
        .attributes
        .iter()
        .any(|a| a.key == "contract" && a.value == s.vault.as_str()));
    (s, before)
}

/// Governance replays the deleted callback (`MsgSudoContract`), the bug being fixed.
fn replay_timeout(s: &mut Suite) -> AppResponse {
    let vault = s.vault.clone();
    s.app
        .wasm_sudo(
            vault,
            &SudoMsg::IbcLifecycleComplete(IbcLifecycleComplete::IbcTimeout {
                channel: CHANNEL.into(),
                sequence: 1,
            }),
        )
        .unwrap()
}

#[test]
fn a_failing_timeout_callback_leaves_the_refund_with_the_vault_and_its_books_untouched() {
    let (mut s, before) = after_failed_timeout_callback();
    // the refund is the vault's, the books are exactly as before the relay
    assert_eq!((escrow(&s), vault_akt(&s)), (0, STAKE));
    let b = s.books();
    assert_eq!(b, before);
    assert_conserved(&b);
    // the vault's queries show the refund as a surplus of the bank over the books
    assert_eq!(s.status().in_flight.u128(), STAKE);
    assert_eq!(vault_akt(&s) - backed(&b), STAKE);
    // the relayer cannot deliver the timeout again: the packet is gone
    assert!(spice_testing::relay_timeout(&mut s.app, CHANNEL, 1).is_err());

    // governance replays the callback: the transfer goes back to pending, once
    replay_timeout(&mut s);
    let b = s.books();
    assert_eq!(
        (b.pending.u128(), b.transferring.u128(), b.acquired.u128()),
        (STAKE, 0, STAKE)
    );
    assert_eq!(vault_akt(&s), backed(&b));
    assert_conserved(&b);
    // bank and books agree: nothing for sync to book
    assert_err(s.sync(), ContractError::NothingToSync);
    // a second replay knows nothing of the packet and changes nothing
    replay_timeout(&mut s);
    assert_eq!(s.books(), b);
    // and the AKT can go out again
    s.advance(86_400);
    let res = s.stake().unwrap();
    assert_eq!(event_attr(&res, "transfer_sent", "sequence"), "2");
}

#[test]
fn a_sync_before_the_replayed_timeout_callback_does_not_book_the_refund_twice() {
    let (mut s, _) = after_failed_timeout_callback();
    // a stranger syncs first: the refund looks like AKT that arrived by plain send
    s.sync().unwrap();
    let b = s.books();
    assert_eq!(vault_akt(&s), backed(&b));
    assert_conserved(&b);
    assert_eq!(
        (b.pending.u128(), b.transferring.u128(), b.acquired.u128()),
        (STAKE, STAKE, 2 * STAKE)
    );

    // governance replays the callback: the refund was already booked as pending, so the
    // transfer is retired and its double count in `acquired` undone, not pending raised again
    let res = replay_timeout(&mut s);
    let b = s.books();
    assert_eq!(
        (b.pending.u128(), b.transferring.u128(), b.acquired.u128()),
        (STAKE, 0, STAKE),
        "{res:?}"
    );
    assert_eq!(vault_akt(&s), backed(&b));
    assert_conserved(&b);
    assert_err(s.sync(), ContractError::NothingToSync);
    s.advance(86_400);
    s.stake().unwrap();
    assert_eq!(escrow(&s), STAKE);
    assert_eq!(vault_akt(&s), 0);
}
