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
//! - no epoch pays more than its budget: `settled + held + carried_out ≤ budget`, and a
//!   finalized epoch with weight never budgets more than the deployed `max_payout_per_epoch`;
//! - who is paid and when: a claim pays exactly the provider's leading run of claimable epochs
//!   (finalized and past the dispute window), so a claim before the dispute window pays nothing,
//!   and a claim that should pay is not refused;
//! - no provider earns more than its capped weight in an epoch, however it self-deals;
//! - a lying oracle never sets an agreed value above what the honest oracles report;
//! - a backlog withdrawn late lands in the current epoch only in proportion to the time of it
//!   served there.

use cosmwasm_std::{coin, Uint128};
use proptest_derive::Arbitrary as PropArbitrary;
use provider_incentives::msg::{
    AttributeInput, DisputeOutcome, EpochRange, EpochResponse, ExecuteMsg, PendingRewardsResponse,
    ProviderResponse, QueryMsg, ReportEntry,
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
    /// One of the deployed oracles (index mod 3), reporting the truth.
    #[proptest(weight = 3)]
    Honest(u8),
    /// The third deployed oracle, reporting whatever inflates the provider.
    Liar,
    Stranger(User),
}

/// What honest oracles report for a provider: the same value every epoch.
pub fn truth(provider: Prov) -> u128 {
    10_000 * (provider.index() as u128 + 1)
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
    /// A provider farming: the escrow's hook reports `leases` settlements in which the provider
    /// is its own tenant, each of `amount` uakt (dust to whale) served over the last `seconds`.
    #[proptest(weight = 3)]
    SelfDeal {
        provider: Prov,
        leases: u8,
        amount: Amount,
        seconds: u32,
    },
    /// A provider that let its earnings pile up withdraws a backlog served over the last
    /// `epochs` (1–8) epochs, hoping to land it in the current one.
    #[proptest(weight = 2)]
    Backlog {
        tenant: User,
        provider: Prov,
        epochs: u8,
        amount: Amount,
    },
    /// A whole epoch in one step, so claims that pay are reached: the two honest oracles
    /// report the provider, time runs past the epoch's report window, a keeper finalizes, time
    /// runs past the dispute window (unless `early`), and the provider claims.
    #[proptest(weight = 2)]
    EpochCycle {
        provider: Prov,
        early: bool,
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
            let (who, reported) = match by {
                Oracle::Honest(i) => (w.roles.oracles[usize::from(i) % 2].clone(), truth(provider)),
                Oracle::Liar => (
                    w.roles.oracles[2].clone(),
                    (truth(provider) + 1)
                        .saturating_add(units.resolve(1_000_000_000))
                        .min(1_000_000_000_000_000_000),
                ),
                Oracle::Stranger(u) => (w.user(u), units.resolve(1_000_000)),
            };
            let msg = ExecuteMsg::SubmitReport {
                epoch: e.resolve(current),
                entries: vec![ReportEntry {
                    provider: w.provider(provider).to_string(),
                    utilization_units: Uint128::new(reported),
                }],
            };
            if let Some(res) = w.exec(&who, &contract, &msg, &[])? {
                for agreed in event_values(
                    &res,
                    "wasm-spice.incentives.entry_agreed",
                    "utilization_units",
                ) {
                    ensure(agreed <= truth(provider), || {
                        format!(
                            "incentives: oracles agreed on {agreed} units for a provider whose \
                             honest value is {}",
                            truth(provider)
                        )
                    })?;
                }
            }
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
            let range = range.map(|(a, b)| EpochRange {
                first: a.resolve(current),
                last: b.resolve(current),
            });
            let limit = limit.map(|l| u32::from(l % 40));
            // Who is paid and when: the claim pays the provider's leading run of claimable
            // epochs in the range (finalized and past the dispute window), at most `limit`
            // of them — nothing before the window, everything owed after it.
            let due = due_now(w, &p, range.as_ref(), limit);
            let msg = ExecuteMsg::Claim {
                epochs: range,
                limit,
            };
            let accepted = w.exec(&p, &contract, &msg, &[])?.is_some();
            let paid = w.bank(&p, OSMO_DENOM) - before;
            w.ghost.incentives_claimed += paid;
            ensure(paid == due, || {
                format!("incentives: claim paid {paid} OSMO, {due} was due (accepted {accepted})")
            })?;
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
        IncentivesAction::SelfDeal {
            provider,
            leases,
            amount,
            seconds,
        } => {
            let p = w.provider(provider);
            let now = w.app.block_info().time;
            let from = now.minus_seconds(u64::from(seconds % 86_400).min(now.seconds()));
            // Dust to above the pair cap per settlement.
            let each = amount.resolve(3 * spice_suite::INCENTIVES_MAX_WEIGHT_PER_PAIR);
            for _ in 0..(leases % 8) + 1 {
                hook(w, &p, &p, each, from, now)?;
            }
        }
        IncentivesAction::Backlog {
            tenant,
            provider,
            epochs,
            amount,
        } => {
            let p = w.provider(provider);
            let t = w.user(tenant);
            let now = w.app.block_info().time;
            let info = epoch(w, current);
            let span =
                u64::from(epochs % 8 + 1) * (info.ends_at.seconds() - info.starts_at.seconds());
            let from = now.minus_seconds(span.min(now.seconds()));
            // Dust to a large backlog (kept below the contract's per-settlement bound).
            let value = amount.resolve(1_000_000_000).min(1_000_000_000_000_000);
            let before = weight_in(w, &p, current);
            hook(w, &p, &t, value, from, now)?;
            let gained = weight_in(w, &p, current) - before;
            // The current epoch's part of the backlog, at the highest tier multiplier (2).
            let here = now.seconds() - info.starts_at.seconds().max(from.seconds());
            let duration = now.seconds() - from.seconds();
            let fair = if duration == 0 {
                value
            } else {
                value * u128::from(here) / u128::from(duration)
            };
            ensure(gained <= 2 * fair, || {
                format!(
                    "incentives: a backlog of {value} over {duration}s put {gained} weight in \
                     the current epoch, of which it served {here}s (fair share {fair})"
                )
            })?;
        }
        IncentivesAction::EpochCycle { provider, early } => {
            for i in 0..2 {
                let report = IncentivesAction::Report {
                    by: Oracle::Honest(i),
                    epoch: EpochRef::Current,
                    provider,
                    units: Amount::One,
                };
                apply(w, &report)?;
            }
            let closes = epoch(w, current).report_window_closes_at.seconds();
            let now = w.app.block_info().time.seconds();
            w.advance(closes.saturating_sub(now) + 1);
            apply(w, &IncentivesAction::FinalizeAll)?;
            if !early {
                let claimable = epoch(w, current).claimable_at.map(|t| t.seconds());
                let now = w.app.block_info().time.seconds();
                w.advance(claimable.unwrap_or(now).saturating_sub(now) + 1);
            }
            let claim = IncentivesAction::Claim {
                provider,
                range: None,
                limit: None,
            };
            apply(w, &claim)?;
        }
        IncentivesAction::Advance(t) => w.advance(t.seconds()),
    }
    Ok(())
}

/// The escrow's settlement hook as the escrow sends it (this contract cannot tell).
fn hook(
    w: &mut World,
    provider: &cosmwasm_std::Addr,
    tenant: &cosmwasm_std::Addr,
    amount: u128,
    from: cosmwasm_std::Timestamp,
    until: cosmwasm_std::Timestamp,
) -> Step {
    let escrow = w.suite.rollover_escrow.address.clone();
    let contract = w.suite.provider_incentives.address.clone();
    let msg = ExecuteMsg::LeaseSettled {
        provider: provider.to_string(),
        tenant: tenant.to_string(),
        lease_id: 0,
        denom: AKT_DENOM.into(),
        amount: Uint128::new(amount),
        take_fee: Uint128::new(amount / 100),
        blocks: 1,
        served_from: from,
        served_until: until,
    };
    // The hook never fails for the escrow (paused or not, registered or not).
    ensure(w.exec(&escrow, &contract, &msg, &[])?.is_some(), || {
        "incentives: the escrow's settlement hook was refused".to_string()
    })?;
    Ok(())
}

/// The provider's weight in `epoch` (zero when none).
fn weight_in(w: &World, p: &cosmwasm_std::Addr, n: u64) -> u128 {
    let page: PendingRewardsResponse = w.query(
        &w.suite.provider_incentives.address,
        &QueryMsg::PendingRewards {
            provider: p.to_string(),
            start_after: n.checked_sub(1),
            limit: Some(1),
        },
    );
    page.epochs
        .iter()
        .find(|e| e.epoch == n)
        .map(|e| e.weight.u128())
        .unwrap_or(0)
}

/// What a claim should pay now: the leading run of claimable epochs within `range`, at most
/// `limit` (default 10, at most 30) of them.
fn due_now(
    w: &World,
    p: &cosmwasm_std::Addr,
    range: Option<&EpochRange>,
    limit: Option<u32>,
) -> u128 {
    if range.is_some_and(|r| r.first > r.last) {
        return 0;
    }
    let page: PendingRewardsResponse = w.query(
        &w.suite.provider_incentives.address,
        &QueryMsg::PendingRewards {
            provider: p.to_string(),
            start_after: range.and_then(|r| r.first.checked_sub(1)),
            limit: Some(30),
        },
    );
    let limit = limit.unwrap_or(10).min(30) as usize;
    page.epochs
        .iter()
        .filter(|e| range.is_none_or(|r| e.epoch >= r.first && e.epoch <= r.last))
        .take(limit)
        .take_while(|e| e.claimable)
        .map(|e| amount_of(&e.rewards, OSMO_DENOM))
        .sum()
}

fn event_values(res: &cw_multi_test::AppResponse, ty: &str, key: &str) -> Vec<u128> {
    res.events
        .iter()
        .filter(|e| e.ty == ty)
        .flat_map(|e| e.attributes.iter().filter(|a| a.key == key))
        .filter_map(|a| a.value.parse().ok())
        .collect()
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
        if e.status == EpochStatus::Finalized && !e.total_weight.is_zero() {
            ensure(
                budget <= spice_suite::INCENTIVES_MAX_PAYOUT_PER_EPOCH,
                || {
                    format!("incentives: finalized epoch {n} pays from a {budget} budget, above the cap")
                },
            )?;
        }
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
    // No provider earns more than its capped weight in any epoch it still holds weight in.
    for p in &w.providers {
        let page: PendingRewardsResponse = w.query(
            contract,
            &QueryMsg::PendingRewards {
                provider: p.to_string(),
                start_after: None,
                limit: Some(30),
            },
        );
        for e in &page.epochs {
            ensure(
                e.weight.u128() <= spice_suite::INCENTIVES_MAX_WEIGHT_PER_PROVIDER,
                || {
                    format!(
                        "incentives: {p} holds {} weight in epoch {}, above the per-provider cap",
                        e.weight, e.epoch
                    )
                },
            )?;
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
