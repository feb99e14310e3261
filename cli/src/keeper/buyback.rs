//! `buyback { denom }` on buyback-burn: revenue held by the contract is swapped to SPICE along
//! its route, TWAP-guarded, and burned. Its `keeper_work` lists each denom whose buyback would
//! execute now, with the bounty (input denom), and those waiting with the refusal.

use anyhow::Result;
use cosmwasm_std::coin;

use super::work::RoundWork;
use super::{msg_json, nonzero, Bounty, Candidate, Ctx, Finding};

pub fn plan(ctx: &Ctx, work: &mut RoundWork) -> Result<Vec<Finding>> {
    let found = work.buyback(ctx)?;
    let mut findings = vec![];
    for w in &found.ready {
        findings.push(Finding::Work(Candidate {
            target: Some(w.denom.clone()),
            work: format!(
                "{} waiting; would swap {} to SPICE, expecting {} (at least {}), and burn it",
                coin(w.pending.u128(), &w.denom),
                coin(w.amount_in.u128(), &w.denom),
                w.expected_out,
                w.min_out
            ),
            msg: msg_json(&w.msg)?,
            bounty: Bounty::Paid(nonzero(w.bounty.u128(), &w.denom)),
            batch: None,
        }));
    }
    for w in &found.waiting {
        findings.push(Finding::Idle {
            target: Some(w.denom.clone()),
            reason: format!(
                "{} waiting, but buyback would be refused now: {}",
                coin(w.pending.u128(), &w.denom),
                w.refusal
            ),
        });
    }
    if findings.is_empty() {
        findings.push(Finding::idle("no revenue waiting"));
    }
    Ok(findings)
}
