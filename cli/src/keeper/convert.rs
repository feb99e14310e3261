//! `convert` on the staking vault: proceeds (OSMO, USDC, ...) are swapped to AKT along the
//! denom's route, TWAP-guarded. The vault's own `simulate_convert` says whether it would go
//! through now and what it pays the sender (in the input denom).

use anyhow::Result;
use cosmwasm_std::coin;
use staking_vault::msg::{ExecuteMsg, QueryMsg, SimulateConvertResponse, StatusResponse};

use super::harvest::nonzero;
use super::{msg_json, Bounty, Candidate, Contract, Ctx, Finding};

pub fn plan(ctx: &Ctx) -> Result<Vec<Finding>> {
    let status: StatusResponse = ctx.query(Contract::StakingVault, &QueryMsg::Status {})?;
    let mut findings = vec![];
    for proceeds in status.proceeds.iter().filter(|p| !p.waiting.is_zero()) {
        let denom = proceeds.denom.clone();
        let sim: SimulateConvertResponse = ctx.query(
            Contract::StakingVault,
            &QueryMsg::SimulateConvert {
                denom: denom.clone(),
            },
        )?;
        let waiting = coin(sim.waiting.u128(), &denom);
        if !sim.would_execute || sim.amount_in.is_zero() {
            findings.push(Finding::Idle {
                target: Some(denom),
                reason: format!(
                    "{waiting} waiting, but convert would be refused now: {}",
                    sim.refusal.unwrap_or_else(|| "nothing to swap".into())
                ),
            });
            continue;
        }
        findings.push(Finding::Work(Candidate {
            target: Some(denom.clone()),
            work: format!(
                "{waiting} waiting; would swap {} to AKT, expecting {} (at least {})",
                coin(sim.amount_in.u128(), &denom),
                sim.expected_out,
                sim.min_out
            ),
            msg: msg_json(&ExecuteMsg::Convert {
                denom: Some(denom.clone()),
                limit: None,
            })?,
            bounty: Bounty::Paid(nonzero(sim.bounty.u128(), &denom)),
        }));
    }
    if findings.is_empty() {
        findings.push(Finding::idle("no proceeds waiting"));
    }
    Ok(findings)
}
