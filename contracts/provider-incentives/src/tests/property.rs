use cosmwasm_std::{coin, Addr, Uint128};
use proptest::prelude::*;

use super::suite::{amount, entry, Suite, ATOM, DISPUTE_WINDOW, EPOCH, OSMO, START_BALANCE};
use crate::msg::{DisputeOutcome, ExecuteMsg, ProviderResponse, QueryMsg};
use crate::state::EpochStatus;

#[derive(Debug, Clone)]
enum Op {
    Fund {
        ahead: u64,
        osmo: u128,
        atom: u128,
    },
    Report {
        provider: usize,
        units: u128,
    },
    Hook {
        provider: usize,
        blocks: u64,
    },
    Advance {
        seconds: u64,
    },
    Finalize,
    Claim {
        provider: usize,
        limit: u32,
    },
    Dispute {
        provider: usize,
        epoch: u64,
    },
    Resolve {
        provider: usize,
        epoch: u64,
        clawback: bool,
        slash: u128,
    },
    /// A stranger expires a dispute (refused before its deadline).
    Expire {
        provider: usize,
        epoch: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u64..3, 0u128..10_000, 0u128..50).prop_map(|(ahead, osmo, atom)| Op::Fund {
            ahead,
            osmo,
            atom
        }),
        (0usize..4, 0u128..1_000).prop_map(|(provider, units)| Op::Report { provider, units }),
        (0usize..4, 0u64..100).prop_map(|(provider, blocks)| Op::Hook { provider, blocks }),
        (0u64..EPOCH).prop_map(|seconds| Op::Advance { seconds }),
        Just(Op::Finalize),
        (0usize..4, 1u32..4).prop_map(|(provider, limit)| Op::Claim { provider, limit }),
        (0usize..4, 0u64..6).prop_map(|(provider, epoch)| Op::Dispute { provider, epoch }),
        (0usize..4, 0u64..6).prop_map(|(provider, epoch)| Op::Expire { provider, epoch }),
        (0usize..4, 0u64..6, any::<bool>(), 0u128..80).prop_map(
            |(provider, epoch, clawback, slash)| Op::Resolve {
                provider,
                epoch,
                clawback,
                slash
            }
        ),
    ]
}

struct Model {
    funded: [u128; 2],
    slashed: u128,
    horizon: u64,
}

const DENOMS: [&str; 2] = [OSMO, ATOM];

/// Reward money the contract's books say it holds, per denom: unfinalized budgets (the pool),
/// and in finalized epochs whatever is neither carried out nor settled (held + owed).
/// Returns (holdings, pool, held).
fn books(s: &Suite, horizon: u64) -> ([u128; 2], [u128; 2], [u128; 2]) {
    let mut holdings = [0; 2];
    let mut pool = [0; 2];
    let mut held = [0; 2];
    for epoch in 0..=horizon + 2 {
        let e = s.epoch(epoch);
        for (i, denom) in DENOMS.iter().enumerate() {
            let budget = amount(&e.budget, denom);
            if e.status == EpochStatus::Finalized {
                let out = amount(&e.carried_out, denom) + amount(&e.settled, denom);
                // Rewards never exceed the budget.
                assert!(
                    out + amount(&e.held, denom) <= budget,
                    "epoch {epoch} overspent"
                );
                holdings[i] += budget - out;
                held[i] += amount(&e.held, denom);
            } else {
                holdings[i] += budget;
                pool[i] += budget;
            }
        }
    }
    (holdings, pool, held)
}

fn bonds(s: &Suite) -> u128 {
    s.providers
        .iter()
        .filter_map(|p| {
            s.app
                .wrap()
                .query_wasm_smart::<ProviderResponse>(
                    s.contract.clone(),
                    &QueryMsg::Provider {
                        address: p.to_string(),
                    },
                )
                .ok()
        })
        .map(|p| p.bond.u128())
        .sum()
}

fn claimed(s: &Suite, providers: &[Addr], bonded: u128) -> [u128; 2] {
    // Providers 0 and 1 bonded `bonded` uosmo each at the start.
    let mut out = [0; 2];
    for (i, denom) in DENOMS.iter().enumerate() {
        out[i] = providers
            .iter()
            .enumerate()
            .map(|(j, p)| {
                let start = if i == 0 && j < 2 {
                    START_BALANCE - bonded
                } else {
                    START_BALANCE
                };
                s.balance(p, denom) - start
            })
            .sum();
    }
    out
}

/// The contract's bank balance equals its books plus bonds, and what was funded (plus slashed
/// bonds) equals what providers claimed plus what the contract holds for rewards.
fn check_conservation(
    s: &Suite,
    m: &Model,
    providers: &[Addr],
) -> ([u128; 2], [u128; 2], [u128; 2]) {
    let (holdings, pool, held) = books(s, m.horizon);
    let bonds = bonds(s);
    let paid = claimed(s, providers, 100);
    for i in 0..2 {
        let bank = s.balance(&s.contract, DENOMS[i]);
        let bond_part = if i == 0 { bonds } else { 0 };
        assert_eq!(
            bank,
            holdings[i] + bond_part,
            "bank vs books for {}",
            DENOMS[i]
        );
        let slashed = if i == 0 { m.slashed } else { 0 };
        assert_eq!(
            m.funded[i] + slashed,
            paid[i] + holdings[i],
            "funded == claimed + held + carried + owed for {}",
            DENOMS[i]
        );
    }
    (paid, pool, held)
}

proptest! {

    /// Budget conservation: over any sequence of funding, reports, escrow hooks, time, finalizing,
    /// claims, disputes and resolutions (with slashing), every unit funded (plus every unit
    /// slashed) is either claimed by a provider, held for a dispute, carried in the pool, or still
    /// owed to a provider; the contract's bank balance matches its books; no epoch pays out more
    /// than its budget. Once every epoch is finalized and every provider has claimed,
    /// funded == claimed + held for disputes + carried, exactly (rounding dust included).
    #[test]
    fn funded_equals_claimed_plus_held_plus_carried(ops in proptest::collection::vec(op(), 1..40)) {
        let mut s = Suite::new();
        let providers: Vec<Addr> = (0..4).map(|i| s.p(i)).collect();
        // 0: tier 1, bonded; 1: tier 3, bonded; 2: registered, unaudited; 3: unregistered.
        s.register(&providers[0], &[coin(100, OSMO)]).unwrap();
        s.audit(&providers[0], 1).unwrap();
        s.register(&providers[1], &[coin(100, OSMO)]).unwrap();
        s.audit(&providers[1], 3).unwrap();
        s.register(&providers[2], &[]).unwrap();
        let escrow = s.escrow.clone();
        let owner = s.owner.clone();
        let mut m = Model { funded: [0, 0], slashed: 0, horizon: 0 };

        for op in ops {
            let current = (s.now().seconds() - s.genesis.seconds()) / EPOCH;
            m.horizon = m.horizon.max(current + 3);
            match op {
                Op::Fund { ahead, osmo, atom } => {
                    let funds: Vec<_> = [coin(osmo, OSMO), coin(atom, ATOM)]
                        .into_iter()
                        .filter(|c| !c.amount.is_zero())
                        .collect();
                    if !funds.is_empty() && s.fund(Some(current + ahead), &funds).is_ok() {
                        m.funded[0] += osmo;
                        m.funded[1] += atom;
                    }
                }
                Op::Report { provider, units } => {
                    for oracle in 0..2 {
                        let _ = s.report(oracle, current, vec![entry(&providers[provider], units)]);
                    }
                }
                Op::Hook { provider, blocks } => {
                    s.lease_settled(&escrow, &providers[provider], blocks).unwrap();
                }
                Op::Advance { seconds } => s.advance(seconds),
                Op::Finalize => {
                    for epoch in 0..=current {
                        let _ = s.finalize(epoch);
                    }
                }
                Op::Claim { provider, limit } => {
                    let _ = s.claim(&providers[provider], None, Some(limit));
                }
                Op::Dispute { provider, epoch } => {
                    let _ = s.dispute(epoch, &providers[provider]);
                }
                Op::Resolve { provider, epoch, clawback, slash } => {
                    let outcome = if clawback { DisputeOutcome::Clawback } else { DisputeOutcome::Release };
                    let msg = ExecuteMsg::ResolveDispute {
                        epoch,
                        provider: providers[provider].to_string(),
                        outcome,
                        slash: Some(Uint128::new(slash)),
                    };
                    if s.exec(&owner, &msg, &[]).is_ok() {
                        m.slashed += slash;
                    }
                }
                Op::Expire { provider, epoch } => {
                    let stranger = s.stranger.clone();
                    let msg = ExecuteMsg::ExpireDispute {
                        epoch,
                        provider: providers[provider].to_string(),
                    };
                    let _ = s.exec(&stranger, &msg, &[]);
                }
            }
            check_conservation(&s, &m, &providers);
        }

        // Wind down: finalize every epoch up to the horizon, release every open dispute (an open
        // dispute rightly keeps its epoch's rounding dust parked until it is resolved), then
        // everyone claims everything.
        s.set_time(s.epoch_start(m.horizon + 1).plus_seconds(super::suite::REPORT_WINDOW));
        for epoch in 0..=m.horizon {
            let _ = s.finalize(epoch);
        }
        for epoch in 0..=m.horizon {
            for p in &providers {
                let release = ExecuteMsg::ResolveDispute {
                    epoch,
                    provider: p.to_string(),
                    outcome: DisputeOutcome::Release,
                    slash: None,
                };
                let _ = s.exec(&owner, &release, &[]);
                // Past its deadline a dispute is no longer the owner's to resolve: it expires.
                let expire = ExecuteMsg::ExpireDispute {
                    epoch,
                    provider: p.to_string(),
                };
                let stranger = s.stranger.clone();
                let _ = s.exec(&stranger, &expire, &[]);
            }
        }
        s.advance(DISPUTE_WINDOW);
        for p in &providers {
            while s.claim(p, None, Some(30)).is_ok() {}
        }
        let (paid, pool, held) = check_conservation(&s, &m, &providers);
        for epoch in 0..=m.horizon {
            let e = s.epoch(epoch);
            prop_assert_eq!(e.status, EpochStatus::Finalized);
        }
        for i in 0..2 {
            let slashed = if i == 0 { m.slashed } else { 0 };
            prop_assert_eq!(m.funded[i] + slashed, paid[i] + held[i] + pool[i]);
        }
    }
}
