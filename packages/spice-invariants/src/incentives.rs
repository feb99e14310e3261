//! provider-incentives: funded epochs, registration and audits, oracle reports, the escrow's
//! settlement hook (leases served and withdrawn), finalization, claims, disputes and their
//! resolution, providers leaving.
//!
//! Invariants (after every step):
//! - funded == claimed + held + carried: every unit of OSMO funded (ghost) is either claimed by a
//!   provider (ghost: their balance differences around `claim`) or still in the contract's books
//!   (unfinalized budgets, and in finalized epochs what is neither settled nor carried out:
//!   owed, held for disputes);
//! - the contract's bank holds exactly those books plus the providers' bonds;
//! - no epoch pays more than its budget: `settled + held + carried_out ≤ budget`.

use cosmwasm_std::{coin, Uint128};
use proptest_derive::Arbitrary as PropArbitrary;
use provider_incentives::msg::{
    AttributeInput, DisputeOutcome, EpochRange, EpochResponse, ExecuteMsg, ProviderResponse,
    QueryMsg, ReportEntry,
};
use provider_incentives::state::EpochStatus;
use spice_suite::{AKT_DENOM, OSMO_DENOM};

use crate::common::{Amount, Caller, Prov, Time, User};
use crate::world::{ensure, funds, Step, World};

/// An epoch relative to the current one.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochRef {
    #[proptest(weight = 3)]
    Current,
    #[proptest(weight = 3)]
    Previous,
    /// 2 to 9 epochs back.
    Back(u8),
    Next,
    /// 0 to 7 epochs ahead (funding allows a few).
    Ahead(u8),
}

impl EpochRef {
    pub fn resolve(self, current: u64) -> u64 {
        match self {
            EpochRef::Current => current,
            EpochRef::Previous => current.saturating_sub(1),
            EpochRef::Back(n) => current.saturating_sub(u64::from(n % 8) + 2),
            EpochRef::Next => current + 1,
            EpochRef::Ahead(n) => current + u64::from(n % 8),
        }
    }
}

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auditor {
    #[proptest(weight = 3)]
    Auditor,
    Stranger(User),
}

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oracle {
    #[proptest(weight = 3)]
    Oracle,
    Stranger(User),
}

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Debug)]
pub enum IncentivesAction {
    #[proptest(weight = 4)]
    Fund {
        from: User,
        epoch: EpochRef,
        amount: Amount,
        /// AKT instead of the reward denom (refused).
        wrong_denom: bool,
    },
    Register {
        provider: Prov,
    },
    UnbondProvider {
        provider: Prov,
    },
    WithdrawBond {
        provider: Prov,
    },
    Audit {
        by: Auditor,
        provider: Prov,
        tier: u8,
    },
    #[proptest(weight = 3)]
    Report {
        by: Oracle,
        epoch: EpochRef,
        provider: Prov,
        units: Amount,
    },
    /// Anyone finalizes one epoch.
    Finalize {
        by: User,
        epoch: EpochRef,
    },
    /// A keeper finalizes every epoch it can, in order.
    #[proptest(weight = 3)]
    FinalizeAll,
    #[proptest(weight = 4)]
    Claim {
        provider: Prov,
        /// Within these epochs only.
        range: Option<(EpochRef, EpochRef)>,
        limit: Option<u8>,
    },
    #[proptest(weight = 2)]
    Dispute {
        by: Auditor,
        provider: Prov,
        epoch: EpochRef,
    },
    #[proptest(weight = 2)]
    Resolve {
        caller: Caller,
        provider: Prov,
        epoch: EpochRef,
        clawback: bool,
        slash: Option<Amount>,
    },
    Pause {
        caller: Caller,
    },
    Unpause {
        caller: Caller,
    },
    /// Feeds it: a tenant's lease with the provider streams `blocks` (1–256) and the provider
    /// withdraws, so the escrow's settlement hook counts the blocks.
    #[proptest(weight = 3)]
    LeaseServed {
        tenant: User,
        provider: Prov,
        blocks: u8,
    },
    #[proptest(weight = 4)]
    Advance(Time),
}

pub fn current_epoch(w: &World) -> u64 {
    let e: EpochResponse = w.query(
        &w.suite.provider_incentives.address,
        &QueryMsg::Epoch { epoch: 0 },
    );
    e.current_epoch
}

fn epoch(w: &World, n: u64) -> EpochResponse {
    w.query(
        &w.suite.provider_incentives.address,
        &QueryMsg::Epoch { epoch: n },
    )
}

/// The auditor (or a stranger, refused) audits `provider` at tier 1–4 (4 is beyond the three
/// configured tiers: refused).
pub fn audit(w: &mut World, by: Auditor, provider: Prov, tier: u8) -> Step {
    let who = match by {
        Auditor::Auditor => w.roles.auditor.clone(),
        Auditor::Stranger(u) => w.user(u),
    };
    let msg = ExecuteMsg::AuditProvider {
        provider: w.provider(provider).to_string(),
        tier: u32::from(tier % 4) + 1,
        attributes: vec![AttributeInput {
            key: "gpu".into(),
            value: "a100".into(),
        }],
    };
    let contract = w.suite.provider_incentives.address.clone();
    w.exec(&who, &contract, &msg, &[])?;
    Ok(())
}

pub fn apply(w: &mut World, a: &IncentivesAction) -> Step {
    let contract = w.suite.provider_incentives.address.clone();
    let current = current_epoch(w);
    match *a {
        IncentivesAction::Fund {
            from,
            epoch: e,
            amount,
            wrong_denom,
        } => {
            let from = w.user(from);
            let denom = if wrong_denom { AKT_DENOM } else { OSMO_DENOM };
            let amount = amount.resolve(w.bank(&from, denom));
            let target = e.resolve(current);
            let msg = ExecuteMsg::Fund {
                epoch: Some(target),
            };
            if w.exec(&from, &contract, &msg, &funds(amount, denom))?
                .is_some()
            {
                w.ghost.incentives_funded += amount;
                w.ghost.incentives_last_funded_epoch =
                    w.ghost.incentives_last_funded_epoch.max(target);
            }
        }
        IncentivesAction::Register { provider } => {
            let p = w.provider(provider);
            let msg = ExecuteMsg::RegisterProvider {
                info: provider_incentives::state::ProviderInfo {
                    moniker: format!("provider-{}", provider.index()),
                    host_uri: format!("https://provider{}.example:8443", provider.index()),
                },
            };
            w.exec(&p, &contract, &msg, &[])?;
        }
        IncentivesAction::UnbondProvider { provider } => {
            let p = w.provider(provider);
            w.exec(&p, &contract, &ExecuteMsg::UnbondProvider {}, &[])?;
        }
        IncentivesAction::WithdrawBond { provider } => {
            let p = w.provider(provider);
            w.exec(&p, &contract, &ExecuteMsg::WithdrawBond {}, &[])?;
        }
        IncentivesAction::Audit { by, provider, tier } => audit(w, by, provider, tier)?,
        IncentivesAction::Report {
            by,
            epoch: e,
            provider,
            units,
        } => {
            let who = match by {
                Oracle::Oracle => w.roles.oracle.clone(),
                Oracle::Stranger(u) => w.user(u),
            };
            let msg = ExecuteMsg::SubmitReport {
                epoch: e.resolve(current),
                entries: vec![ReportEntry {
                    provider: w.provider(provider).to_string(),
                    utilization_units: Uint128::new(units.resolve(1_000_000)),
                }],
            };
            w.exec(&who, &contract, &msg, &[])?;
        }
        IncentivesAction::Finalize { by, epoch: e } => {
            let by = w.user(by);
            let msg = ExecuteMsg::FinalizeEpoch {
                epoch: e.resolve(current),
            };
            w.exec(&by, &contract, &msg, &[])?;
        }
        IncentivesAction::FinalizeAll => {
            let keeper = w.keeper.clone();
            for n in 0..=current {
                if epoch(w, n).status != EpochStatus::Finalized {
                    let msg = ExecuteMsg::FinalizeEpoch { epoch: n };
                    if w.exec(&keeper, &contract, &msg, &[])?.is_none() {
                        break;
                    }
                }
            }
        }
        IncentivesAction::Claim {
            provider,
            range,
            limit,
        } => {
            let p = w.provider(provider);
            let before = w.bank(&p, OSMO_DENOM);
            let msg = ExecuteMsg::Claim {
                epochs: range.map(|(a, b)| EpochRange {
                    first: a.resolve(current),
                    last: b.resolve(current),
                }),
                limit: limit.map(|l| u32::from(l % 40)),
            };
            w.exec(&p, &contract, &msg, &[])?;
            w.ghost.incentives_claimed += w.bank(&p, OSMO_DENOM) - before;
        }
        IncentivesAction::Dispute {
            by,
            provider,
            epoch: e,
        } => {
            let who = match by {
                Auditor::Auditor => w.roles.auditor.clone(),
                Auditor::Stranger(u) => w.user(u),
            };
            let msg = ExecuteMsg::Dispute {
                epoch: e.resolve(current),
                provider: w.provider(provider).to_string(),
                reason: "capacity not as audited".into(),
            };
            w.exec(&who, &contract, &msg, &[])?;
        }
        IncentivesAction::Resolve {
            caller,
            provider,
            epoch: e,
            clawback,
            slash,
        } => {
            let who = w.caller(caller);
            let p = w.provider(provider);
            let bond = provider_bond(w, &p);
            let msg = ExecuteMsg::ResolveDispute {
                epoch: e.resolve(current),
                provider: p.to_string(),
                outcome: if clawback {
                    DisputeOutcome::Clawback
                } else {
                    DisputeOutcome::Release
                },
                slash: slash.map(|s| Uint128::new(s.resolve(bond))),
            };
            w.exec(&who, &contract, &msg, &[])?;
        }
        IncentivesAction::Pause { caller } => w.pause(&contract, caller, true)?,
        IncentivesAction::Unpause { caller } => w.pause(&contract, caller, false)?,
        IncentivesAction::LeaseServed {
            tenant,
            provider,
            blocks,
        } => lease_served(w, tenant, provider, u64::from(blocks) + 1)?,
        IncentivesAction::Advance(t) => w.advance(t.seconds()),
    }
    Ok(())
}

/// A lease at 1 AKT per block, accepted, streamed `blocks` blocks and withdrawn by the provider.
fn lease_served(w: &mut World, tenant: User, provider: Prov, blocks: u64) -> Step {
    use rollover_escrow::msg::ExecuteMsg as Escrow;
    let escrow = w.suite.rollover_escrow.address.clone();
    let tenant = w.user(tenant);
    let prov = w.provider(provider);
    let open = Escrow::OpenLease(spice_types::OpenLeaseMsg {
        tenant: None,
        provider: prov.to_string(),
        price_per_block: cosmwasm_std::Decimal::one(),
        denom: AKT_DENOM.into(),
        backups: vec![],
        spec_ref: None,
        order_id: None,
    });
    if w.exec(&tenant, &escrow, &open, &[coin(1_000_000, AKT_DENOM)])?
        .is_none()
    {
        return Ok(());
    }
    let lease_id = w.ghost.leases_opened;
    if w.exec(&prov, &escrow, &Escrow::AcceptLease { lease_id }, &[])?
        .is_none()
    {
        return Ok(());
    }
    w.advance(blocks * 5);
    w.exec(&prov, &escrow, &Escrow::Withdraw { lease_id }, &[])?;
    Ok(())
}

fn provider_bond(w: &World, p: &cosmwasm_std::Addr) -> u128 {
    w.try_query::<ProviderResponse>(
        &w.suite.provider_incentives.address,
        &QueryMsg::Provider {
            address: p.to_string(),
        },
    )
    .map(|r| r.bond.u128())
    .unwrap_or_default()
}

fn amount_of(coins: &[cosmwasm_std::Coin], denom: &str) -> u128 {
    coins
        .iter()
        .filter(|c| c.denom == denom)
        .map(|c| c.amount.u128())
        .sum()
}

pub fn check(w: &World) -> Step {
    let contract = &w.suite.provider_incentives.address;
    let current = current_epoch(w);
    let horizon = current.max(w.ghost.incentives_last_funded_epoch) + 1;
    let mut books = 0u128;
    for n in 0..=horizon {
        let e = epoch(w, n);
        let budget = amount_of(&e.budget, OSMO_DENOM);
        ensure(e.budget.iter().all(|c| c.denom == OSMO_DENOM), || {
            format!(
                "incentives: epoch {n} budget in other denoms: {:?}",
                e.budget
            )
        })?;
        if e.status == EpochStatus::Finalized {
            let out = amount_of(&e.carried_out, OSMO_DENOM) + amount_of(&e.settled, OSMO_DENOM);
            let held = amount_of(&e.held, OSMO_DENOM);
            ensure(out + held <= budget, || {
                format!(
                    "incentives: epoch {n} pays out {out} and holds {held} of a {budget} budget"
                )
            })?;
            books += budget - out;
        } else {
            books += budget;
        }
    }
    let bonds: u128 = w.providers.iter().map(|p| provider_bond(w, p)).sum();
    let bank = w.bank(contract, OSMO_DENOM);
    ensure(bank == books + bonds, || {
        format!("incentives: bank holds {bank} OSMO, books {books} + bonds {bonds}")
    })?;
    let g = &w.ghost;
    ensure(g.incentives_funded == g.incentives_claimed + books, || {
        format!(
            "incentives: funded {} != claimed {} + held, owed and carried {books}",
            g.incentives_funded, g.incentives_claimed
        )
    })?;
    Ok(())
}
