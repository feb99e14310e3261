//! Random sequences of proceeds, conversions, stakes, IBC outcomes, operator reports, unbonds
//! and claims on the operator strategy.

use cosmwasm_std::{coins, Uint128};
use proptest::prelude::*;
use spice_testing::{fund, ibc_escrow_address, ibc_pending_packets};

use super::suite::*;
use crate::msg::ExecuteMsg;

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
    ReturnAndConfirm,
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
        any::<bool>().prop_map(Op::Claim),
        (1u64..100_000).prop_map(Op::Advance),
    ]
}

fn share(amount: Uint128, permille: u16) -> u128 {
    amount.u128() * u128::from(permille) / 1000
}

proptest! {
    /// Principal is conserved: after every step, pending + in flight (transferring + at the
    /// operator) + staked + unbonding + returned + paid out (+ lost, never here) equals all AKT
    /// bought or received; the vault's own bank holds exactly pending + returned (+ confirmed
    /// revenue, none here); the escrow holds what is in transfer plus what was acknowledged;
    /// and the books' `acquired` equals the sum of the AKT deposits and swap outputs.
    #[test]
    fn akt_principal_is_conserved_through_any_sequence(ops in proptest::collection::vec(op(), 1..25)) {
        let mut s = Suite::operator();
        let mut acquired = 0u128;
        let mut acked = 0u128;
        let mut paid_out = 0u128;
        for op in ops {
            match op {
                Op::DepositOsmo(a) => { s.deposit(a, OSMO).unwrap(); }
                Op::DepositAkt(a) => { s.deposit(a, AKT).unwrap(); acquired += a; }
                Op::Convert => {
                    if let Ok(res) = s.convert(OSMO, None) {
                        acquired += event_attr(&res, "convert", "akt_out").parse::<u128>().unwrap();
                    }
                }
                Op::Stake => { let _ = s.stake(); }
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
                    if amount > 0 { s.confirm_delegation(amount).unwrap(); }
                }
                Op::Unbond(pm) => {
                    let b = s.books();
                    let amount = share(b.staked - b.unbond_requested, pm);
                    if amount > 0 {
                        s.owner_exec(&ExecuteMsg::Unbond { amount: Uint128::new(amount) }).unwrap();
                    }
                }
                Op::ConfirmUndelegation => {
                    let amount = s.books().unbond_requested;
                    if !amount.is_zero() {
                        let tx_hash = s.hash();
                        s.operator_exec(&ExecuteMsg::ConfirmUndelegation { amount, tx_hash }).unwrap();
                    }
                }
                Op::ReturnAndConfirm => {
                    let amount = s.books().unbonding;
                    if !amount.is_zero() {
                        let vault = s.vault.clone();
                        fund(&mut s.app, &vault, coins(amount.u128(), AKT)).unwrap();
                        let tx_hash = s.hash();
                        s.operator_exec(&ExecuteMsg::ConfirmReturned { amount, tx_hash }).unwrap();
                    }
                }
                Op::Claim(out) => {
                    let returned = s.books().returned.u128();
                    let recipient = out.then(|| s.treasury.to_string());
                    let res = s.owner_exec(&ExecuteMsg::ClaimUnbonded { recipient });
                    prop_assert_eq!(res.is_ok(), returned > 0);
                    if out { paid_out += returned; }
                }
                Op::Advance(secs) => s.advance(secs),
            }
            let b = s.books();
            prop_assert!(s.status().halt.is_none(), "honest reports never halt");
            assert_conserved(&b);
            prop_assert_eq!(b.acquired.u128(), acquired);
            prop_assert_eq!(b.unbonded_out.u128(), paid_out);
            prop_assert_eq!(
                s.balance(&s.vault.clone(), AKT),
                b.pending.u128() + b.returned.u128() + b.revenue_pending.u128()
            );
            prop_assert_eq!(
                s.balance(&ibc_escrow_address(&s.app, CHANNEL), AKT),
                b.transferring.u128() + acked
            );
            prop_assert_eq!(s.balance(&s.treasury.clone(), AKT), paid_out);
        }
    }
}
