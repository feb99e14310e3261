//! Random sequences of proceeds, conversions, stakes, IBC outcomes, operator reports (honest and
//! lying), take fees landing by bank send, syncs, unbonds and claims on the operator strategy.
//! Every step states whether it must succeed; a refused step must change nothing (bank balances
//! and the vault's status compared before and after).

use cosmwasm_std::Uint128;
use proptest::prelude::*;
use spice_testing::{ibc_escrow_address, ibc_pending_packets};

use super::suite::*;
use crate::msg::{ExecuteMsg, ReturnKind, StatusResponse};

#[derive(Clone, Debug)]
enum Op {
    DepositOsmo(u128),
    DepositAkt(u128),
    Convert,
    Stake,
    /// Settle the oldest waiting packet: 0 ack, 1 error ack, 2 timeout.
    Settle(u8),
    /// Confirm this share (‰) of what is at the operator.
    ConfirmDelegation(u16),
    /// Unbond this share (‰) of what is staked and not yet requested.
    Unbond(u16),
    ConfirmUndelegation,
    /// The unbonding AKT comes home through the ibc-hooks memo and is confirmed.
    ReturnAndConfirm,
    /// A take fee lands by plain bank send.
    FeeLands(u128),
    Sync,
    /// The operator reports a return that never came (fees may sit in the bank): halts.
    LieReturned,
    /// The operator replays its last accepted hash: refused.
    ReplayHash,
    Claim(bool),
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u128..3_000_000_000).prop_map(Op::DepositOsmo),
        (1u128..2_000_000_000).prop_map(Op::DepositAkt),
        Just(Op::Convert),
        Just(Op::Stake),
        (0u8..3).prop_map(Op::Settle),
        (1u16..=1000).prop_map(Op::ConfirmDelegation),
        (1u16..=1000).prop_map(Op::Unbond),
        Just(Op::ConfirmUndelegation),
        Just(Op::ReturnAndConfirm),
        (1u128..50_000_000).prop_map(Op::FeeLands),
        Just(Op::Sync),
        Just(Op::LieReturned),
        Just(Op::ReplayHash),
        any::<bool>().prop_map(Op::Claim),
        (1u64..100_000).prop_map(Op::Advance),
    ]
}

const START: u128 = 2_000_000_000;

fn share(amount: Uint128, permille: u16) -> u128 {
    amount.u128() * u128::from(permille) / 1000
}

/// Everything a refused call must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    status: StatusResponse,
    banks: Vec<u128>,
}

fn snapshot(s: &Suite) -> Snapshot {
    let escrow = ibc_escrow_address(&s.app, CHANNEL);
    let mut banks = vec![];
    for who in [&s.vault, &s.treasury, &s.keeper, &s.buyback, &escrow] {
        banks.push(s.balance(who, AKT));
        banks.push(s.balance(who, OSMO));
    }
    Snapshot {
        status: s.status(),
        banks,
    }
}

/// A call the model expects refused: it is, and nothing changed.
fn refused(
    s: &Suite,
    before: Snapshot,
    res: anyhow::Result<cw_multi_test::AppResponse>,
    what: &str,
) -> Result<(), TestCaseError> {
    prop_assert!(res.is_err(), "{what} should be refused");
    prop_assert_eq!(
        snapshot(s),
        before,
        "{} was refused but changed state",
        what
    );
    Ok(())
}

fn report_accepted(res: &cw_multi_test::AppResponse, name: &str) -> bool {
    event_attr(res, name, "accepted") == "true"
}

proptest! {
    /// Principal is conserved and every coin is on the books: after every step, pending + in
    /// flight + staked + unbonding + returned + paid out + lost equals all AKT acquired, and
    /// `acquired` is exactly the AKT deposits, the swap outputs and the synced take fees; the
    /// vault's bank holds exactly its books (pending + returned + revenue + attributed arrivals)
    /// plus the fees that landed since the last sync; the IBC escrow holds what is in transfer
    /// plus what was acknowledged. Honest calls succeed; a lying report halts without moving a
    /// bucket; replayed hashes and calls with nothing to do are refused and change nothing.
    #[test]
    fn every_coin_is_booked_and_principal_is_conserved_through_any_sequence(ops in proptest::collection::vec(op(), 1..25)) {
        // Start deep in the state machine: principal staked at the operator, part of it
        // unbonding, so reports and lies meet non-empty buckets.
        let mut s = Suite::operator();
        s.deposit(START, AKT).unwrap();
        s.stake().unwrap();
        s.ack(1);
        s.confirm_delegation(START).unwrap();
        s.owner_exec(&ExecuteMsg::Unbond { amount: Uint128::new(START / 4) }).unwrap();
        let tx_hash = s.hash();
        s.operator_exec(&ExecuteMsg::ConfirmUndelegation { amount: Uint128::new(START / 4), tx_hash: tx_hash.clone() }).unwrap();
        let mut acquired = START;
        let mut acked = START;
        let mut paid_out = 0u128;
        let mut unsynced = 0u128;
        let mut last_convert: Option<u64> = None;
        let mut last_hash: Option<String> = Some(tx_hash);
        for op in ops {
            let now = s.app.block_info().time.seconds();
            let before = snapshot(&s);
            match op {
                Op::DepositOsmo(a) => { s.deposit(a, OSMO).unwrap(); }
                Op::DepositAkt(a) => { s.deposit(a, AKT).unwrap(); acquired += a; }
                Op::Convert => {
                    let waiting = s.waiting(OSMO);
                    let size = (waiting * 10_000 / (10_000 + u128::from(BOUNTY_BPS))).min(CAP);
                    let cooled = last_convert.is_none_or(|t| now >= t + COOLDOWN);
                    let res = s.convert(OSMO, None);
                    if size >= MIN_CONVERT && cooled {
                        let res = res.unwrap();
                        let out: u128 = event_attr(&res, "convert", "akt_out").parse().unwrap();
                        prop_assert!(out > 0);
                        acquired += out;
                        last_convert = Some(now);
                    } else {
                        refused(&s, before, res, "convert")?;
                    }
                }
                Op::Stake => {
                    let st = s.status();
                    let can = !st.books.pending.is_zero()
                        && !st.outflow_left_today.unwrap_or_default().is_zero();
                    let res = s.stake();
                    if can { res.unwrap(); } else { refused(&s, before, res, "stake")?; }
                }
                Op::Settle(kind) => {
                    if let Some(p) = ibc_pending_packets(&s.app).first().cloned() {
                        match kind {
                            0 => { s.ack(p.sequence); acked += p.coin.amount.u128(); }
                            1 => s.error_ack(p.sequence),
                            _ => { s.advance(600); s.timeout(p.sequence); }
                        }
                    }
                }
                Op::ConfirmDelegation(pm) => {
                    let amount = share(s.books().at_operator, pm);
                    if amount > 0 {
                        let tx_hash = s.hash();
                        let res = s.operator_exec(&ExecuteMsg::ConfirmDelegation {
                            amount: Uint128::new(amount), tx_hash: tx_hash.clone(),
                        }).unwrap();
                        prop_assert!(report_accepted(&res, "confirm_delegation"));
                        last_hash = Some(tx_hash);
                    }
                }
                Op::Unbond(pm) => {
                    let b = s.books();
                    let amount = share(b.staked - b.unbond_requested, pm);
                    let res = s.owner_exec(&ExecuteMsg::Unbond { amount: Uint128::new(amount) });
                    if amount > 0 { res.unwrap(); } else { refused(&s, before, res, "unbond of 0")?; }
                }
                Op::ConfirmUndelegation => {
                    let amount = s.books().unbond_requested;
                    if !amount.is_zero() {
                        let tx_hash = s.hash();
                        let res = s.operator_exec(&ExecuteMsg::ConfirmUndelegation { amount, tx_hash: tx_hash.clone() }).unwrap();
                        prop_assert!(report_accepted(&res, "confirm_undelegation"));
                        last_hash = Some(tx_hash);
                    }
                }
                Op::ReturnAndConfirm => {
                    let amount = s.books().unbonding;
                    if !amount.is_zero() {
                        let res = s.receive(ReturnKind::Principal, amount.u128()).unwrap();
                        prop_assert_eq!(event_attr(&res, "receive_return", "held"), amount.to_string());
                        let tx_hash = s.hash();
                        let res = s.operator_exec(&ExecuteMsg::ConfirmReturned { amount, tx_hash: tx_hash.clone() }).unwrap();
                        prop_assert!(report_accepted(&res, "confirm_returned"));
                        last_hash = Some(tx_hash);
                    }
                }
                Op::FeeLands(a) => { s.send_to_vault(a, AKT); unsynced += a; }
                Op::Sync => {
                    let res = s.sync();
                    if unsynced > 0 {
                        let res = res.unwrap();
                        prop_assert_eq!(event_attr(&res, "sync", "akt_acquired"), unsynced.to_string());
                        acquired += unsynced;
                        unsynced = 0;
                    } else {
                        refused(&s, before, res, "sync with nothing unbooked")?;
                    }
                }
                Op::LieReturned => {
                    // claims what is unbonding (or 1) came home; only fees are in the bank
                    let amount = s.books().unbonding.u128().max(1);
                    let books_before = s.books();
                    let tx_hash = s.hash();
                    let res = s.operator_exec(&ExecuteMsg::ConfirmReturned {
                        amount: Uint128::new(amount), tx_hash,
                    }).unwrap();
                    prop_assert!(!report_accepted(&res, "confirm_returned"));
                    prop_assert!(s.status().halt.is_some(), "a lie halts the strategy");
                    let b = s.books();
                    prop_assert_eq!(
                        (b.pending, b.staked, b.unbonding, b.returned, b.returns_arrived),
                        (books_before.pending, books_before.staked, books_before.unbonding, books_before.returned, books_before.returns_arrived)
                    );
                    // the owner reviews and resumes
                    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();
                }
                Op::ReplayHash => {
                    if let Some(tx_hash) = last_hash.clone() {
                        let res = s.operator_exec(&ExecuteMsg::ConfirmDelegation {
                            amount: Uint128::one(), tx_hash,
                        });
                        refused(&s, before, res, "a replayed hash")?;
                    }
                }
                Op::Claim(out) => {
                    let returned = s.books().returned.u128();
                    let recipient = out.then(|| s.treasury.to_string());
                    let res = s.owner_exec(&ExecuteMsg::ClaimUnbonded { recipient });
                    if returned > 0 {
                        res.unwrap();
                        if out { paid_out += returned; }
                    } else {
                        refused(&s, before, res, "claim with nothing returned")?;
                    }
                }
                Op::Advance(secs) => s.advance(secs),
            }
            let b = s.books();
            prop_assert!(s.status().halt.is_none(), "only lies halt, and the owner resumed");
            assert_conserved(&b);
            prop_assert_eq!(b.acquired.u128(), acquired);
            prop_assert_eq!(b.unbonded_out.u128(), paid_out);
            prop_assert_eq!(
                s.balance(&s.vault.clone(), AKT),
                b.pending.u128() + b.returned.u128() + b.revenue_pending.u128()
                    + b.returns_arrived.u128() + b.rewards_arrived.u128() + unsynced
            );
            prop_assert_eq!(s.balance(&s.vault.clone(), OSMO), s.waiting(OSMO));
            prop_assert_eq!(
                s.balance(&ibc_escrow_address(&s.app, CHANNEL), AKT),
                b.transferring.u128() + acked
            );
            prop_assert_eq!(s.balance(&s.treasury.clone(), AKT), paid_out);
        }
    }
}

#[test]
fn fees_and_sync_keep_the_bank_equal_to_the_books() {
    // A fixed sequence of the property's steps, so a refuse-everything contract fails here even
    // without proptest's sampling.
    let mut s = Suite::operator();
    s.deposit(1_000_000, AKT).unwrap();
    s.send_to_vault(5, AKT);
    s.sync().unwrap();
    assert_eq!(s.books().acquired.u128(), 1_000_005);
    assert_eq!(s.balance(&s.vault.clone(), AKT), s.books().pending.u128());
}
