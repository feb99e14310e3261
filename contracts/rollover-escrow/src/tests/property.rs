use cosmwasm_std::{coins, Uint128};
use proptest::prelude::*;

use super::suite::{backup, Suite, AKT};
use crate::msg::{ExecuteMsg, QueryMsg};
use crate::state::{LeaseStatus, TopUpSource};

#[derive(Debug, Clone)]
enum Action {
    Open {
        price: usize,
        deposit: u128,
        backups: bool,
    },
    Advance(u64),
    Deposit {
        lease: u64,
        amount: u128,
    },
    Settle(u64),
    Withdraw(u64),
    TenantClose(u64),
    NetworkClose(u64),
    Rollover(u64),
    FundBalance(u128),
    AutoTopUp {
        lease: u64,
        runway: u64,
    },
    TopUp(u64),
    PostBond {
        lease: u64,
        amount: u128,
    },
    MonitorReport(u64),
    WithdrawBalance(u128),
}

const PRICES: [&str; 6] = ["0.3", "1", "2.5", "0.07", "7", "1.333333333333333333"];

fn action() -> impl Strategy<Value = Action> {
    let lease = 1u64..6;
    prop_oneof![
        (0..PRICES.len(), 1u128..2_000, any::<bool>()).prop_map(|(price, deposit, backups)| {
            Action::Open {
                price,
                deposit,
                backups,
            }
        }),
        (1u64..120).prop_map(Action::Advance),
        (lease.clone(), 1u128..500).prop_map(|(lease, amount)| Action::Deposit { lease, amount }),
        lease.clone().prop_map(Action::Settle),
        lease.clone().prop_map(Action::Withdraw),
        lease.clone().prop_map(Action::TenantClose),
        lease.clone().prop_map(Action::NetworkClose),
        lease.clone().prop_map(Action::Rollover),
        (1u128..3_000).prop_map(Action::FundBalance),
        (lease.clone(), 1u64..300).prop_map(|(lease, runway)| Action::AutoTopUp { lease, runway }),
        lease.clone().prop_map(Action::TopUp),
        (lease.clone(), 1u128..300).prop_map(|(lease, amount)| Action::PostBond { lease, amount }),
        lease.clone().prop_map(Action::MonitorReport),
        (1u128..500).prop_map(Action::WithdrawBalance),
    ]
}

fn run(s: &mut Suite, a: &Action) {
    let (t, p, x, m, k) = (
        s.tenant.clone(),
        s.provider.clone(),
        s.stranger.clone(),
        s.monitor.clone(),
        s.keeper.clone(),
    );
    // Any provider of the lease may be the current one after rollovers; try them all.
    let providers = [p.clone(), s.backup1.clone(), s.backup2.clone()];
    // Failures are fine: a refused message changes nothing.
    let _ = match a {
        Action::Open {
            price,
            deposit,
            backups,
        } => {
            let b = if *backups {
                vec![backup(&s.backup1, "1"), backup(&s.backup2, "0.5")]
            } else {
                vec![]
            };
            let msg = s.open_msg(PRICES[*price], b);
            let r = s.exec(&t, &ExecuteMsg::OpenLease(msg), &coins(*deposit, AKT));
            if let Ok(res) = &r {
                let id: u64 = super::suite::attr(
                    super::suite::ev(res, "spice.escrow.open_lease")[0],
                    "lease_id",
                )
                .parse()
                .unwrap();
                let _ = s.exec(&p, &ExecuteMsg::AcceptLease { lease_id: id }, &[]);
            }
            r.map(|_| ())
        }
        Action::Advance(n) => {
            s.advance(*n);
            Ok(())
        }
        Action::Deposit { lease, amount } => s
            .exec(
                &x,
                &ExecuteMsg::Deposit { lease_id: *lease },
                &coins(*amount, AKT),
            )
            .map(|_| ()),
        Action::Settle(l) => s
            .exec(&x, &ExecuteMsg::Settle { lease_id: *l }, &[])
            .map(|_| ()),
        Action::Withdraw(l) => {
            for pr in &providers {
                let _ = s.exec(pr, &ExecuteMsg::Withdraw { lease_id: *l }, &[]);
            }
            Ok(())
        }
        Action::TenantClose(l) => s
            .exec(
                &t,
                &ExecuteMsg::CloseLease {
                    lease_id: *l,
                    reason: 7,
                },
                &[],
            )
            .map(|_| ()),
        Action::NetworkClose(l) => s
            .exec(
                &x,
                &ExecuteMsg::CloseLease {
                    lease_id: *l,
                    reason: 20_001,
                },
                &[],
            )
            .map(|_| ()),
        Action::Rollover(l) => s
            .exec(&m, &ExecuteMsg::Rollover { lease_id: *l }, &[])
            .map(|_| ()),
        Action::FundBalance(a) => s
            .exec(&t, &ExecuteMsg::FundBalance {}, &coins(*a, AKT))
            .map(|_| ()),
        Action::AutoTopUp { lease, runway } => s
            .exec(
                &t,
                &ExecuteMsg::SetAutoTopUp {
                    lease_id: *lease,
                    target_runway_blocks: *runway,
                    source: TopUpSource::Balance,
                },
                &[],
            )
            .map(|_| ()),
        Action::TopUp(l) => s
            .exec(&k, &ExecuteMsg::TopUp { lease_id: *l }, &[])
            .map(|_| ()),
        Action::PostBond { lease, amount } => {
            for pr in &providers {
                let _ = s.exec(
                    pr,
                    &ExecuteMsg::PostBond { lease_id: *lease },
                    &coins(*amount, AKT),
                );
            }
            Ok(())
        }
        Action::MonitorReport(l) => s
            .exec(
                &m,
                &ExecuteMsg::ReportFailure {
                    lease_id: *l,
                    reason: 10_500,
                },
                &[],
            )
            .map(|_| ()),
        Action::WithdrawBalance(a) => s
            .exec(
                &t,
                &ExecuteMsg::WithdrawBalance {
                    denom: AKT.into(),
                    amount: Uint128::new(*a),
                },
                &[],
            )
            .map(|_| ()),
    };
}

fn check_conservation(s: &Suite) {
    let mut deposited = 0u128;
    let mut out = 0u128; // paid to providers + fees + refunds
    let mut held = 0u128; // balance + earned
    let mut bonds = 0u128;
    let mut fees = 0u128;
    let page: crate::msg::LeasesResponse = s.query(&QueryMsg::LeasesByTenant {
        tenant: s.tenant.to_string(),
        start_after: None,
        limit: Some(30),
    });
    for l in &page.leases {
        // Per lease: what came in is what went out plus what is still held.
        assert_eq!(
            l.total_deposited,
            l.total_paid + l.total_fees + l.total_refunded + l.balance + l.earned,
            "lease {}",
            l.id
        );
        assert!(l.carry < cosmwasm_std::Decimal::one());
        if l.status == LeaseStatus::Closed {
            assert!(l.balance.is_zero() && l.earned.is_zero() && l.bond.is_zero());
        }
        deposited += l.total_deposited.u128();
        out += (l.total_paid + l.total_fees + l.total_refunded).u128();
        held += (l.balance + l.earned).u128();
        bonds += l.bond.u128();
        fees += l.total_fees.u128();
    }
    assert_eq!(deposited, out + held);
    // The escrow's real bank balance is exactly what it owes: lease funds, bonds, prefunded
    // balances. It never paid out more than it held.
    let prefunded = s.prefunded(&s.tenant, AKT).u128();
    assert_eq!(s.bank(&s.escrow, AKT), held + bonds + prefunded);
    // Fees really reached the fee collector.
    assert_eq!(s.bank(&s.fee_collector, AKT), fees);
}

proptest! {

    /// Conservation of funds: over any sequence of opens, deposits, block advances, settlements,
    /// withdrawals, closes, rollovers, top-ups and bonds, every lease's deposits equal what was
    /// paid to providers + fees + refunds + what it still holds, and the escrow's bank balance
    /// equals everything it holds (lease funds, bonds, prefunded balances) to the unit.
    #[test]
    fn funds_are_conserved_over_random_sequences(actions in prop::collection::vec(action(), 1..60)) {
        let mut s = Suite::new();
        for a in &actions {
            run(&mut s, a);
            check_conservation(&s);
        }
    }
}
