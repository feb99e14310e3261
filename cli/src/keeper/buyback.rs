//! `buyback` on buyback-burn: revenue held by the contract is swapped to SPICE along its route,
//! TWAP-guarded, and burned. `simulate_buyback` says whether it would go through now and the
//! bounty (in the input denom).

use anyhow::Result;
use buyback_burn::msg::{QueryMsg, SimulateBuybackResponse, StatusResponse};
use cosmwasm_std::coin;

use super::harvest::nonzero;
use super::{msg_json, Bounty, Candidate, Contract, Ctx, Finding};

/// Pages of routed denoms read per round (30 each).
const MAX_PAGES: usize = 10;

pub fn plan(ctx: &Ctx) -> Result<Vec<Finding>> {
    let mut findings = vec![];
    let mut start_after = None;
    for _ in 0..MAX_PAGES {
        let status: StatusResponse = ctx.query(
            Contract::BuybackBurn,
            &QueryMsg::Status {
                start_after: start_after.clone(),
                limit: Some(30),
            },
        )?;
        for d in status.denoms.iter().filter(|d| !d.pending.is_zero()) {
            findings.push(denom_finding(ctx, &d.denom)?);
        }
        match status.denoms.last() {
            Some(last) if status.denoms.len() == 30 => start_after = Some(last.denom.clone()),
            _ => break,
        }
    }
    if findings.is_empty() {
        findings.push(Finding::idle("no revenue waiting"));
    }
    Ok(findings)
}

fn denom_finding(ctx: &Ctx, denom: &str) -> Result<Finding> {
    let sim: SimulateBuybackResponse = ctx.query(
        Contract::BuybackBurn,
        &QueryMsg::SimulateBuyback {
            denom: denom.to_string(),
            limit: None,
        },
    )?;
    let pending = coin(sim.pending.u128(), denom);
    if !sim.would_execute || sim.amount_in.is_zero() {
        return Ok(Finding::Idle {
            target: Some(denom.to_string()),
            reason: format!(
                "{pending} waiting, but buyback would be refused now: {}",
                sim.refusal.unwrap_or_else(|| "nothing to swap".into())
            ),
        });
    }
    Ok(Finding::Work(Candidate {
        target: Some(denom.to_string()),
        work: format!(
            "{pending} waiting; would swap {} to SPICE, expecting {} (at least {}), and burn it",
            coin(sim.amount_in.u128(), denom),
            sim.expected_out,
            sim.min_out
        ),
        msg: msg_json(&buyback_burn::msg::ExecuteMsg::Buyback {
            denom: denom.to_string(),
            limit: None,
        })?,
        bounty: Bounty::Paid(nonzero(sim.bounty.u128(), denom)),
    }))
}
