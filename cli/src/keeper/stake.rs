//! `stake` on the staking vault: pending AKT goes to the strategy (delegated natively, or sent
//! over IBC to the operator within its daily outflow cap). The vault pays no bounty for it, so
//! it is a duty.

use anyhow::Result;
use cosmwasm_std::coin;
use staking_vault::msg::{ExecuteMsg, QueryMsg, StatusResponse};
use staking_vault::state::Config;

use super::{msg_json, Bounty, Candidate, Contract, Ctx, Finding};

pub fn plan(ctx: &Ctx) -> Result<Vec<Finding>> {
    let status: StatusResponse = ctx.query(Contract::StakingVault, &QueryMsg::Status {})?;
    let pending = status.books.pending;
    if pending.is_zero() {
        return Ok(vec![Finding::idle("no AKT pending")]);
    }
    let config: Config = ctx.query(Contract::StakingVault, &QueryMsg::Config {})?;
    let pending = coin(pending.u128(), &config.akt_denom);
    let Some(strategy) = status.strategy else {
        return Ok(vec![Finding::Alert {
            target: "strategy".into(),
            message: format!("{pending} pending but no strategy is set: governance must set one"),
        }]);
    };
    if let Some(halt) = status.halt {
        return Ok(vec![Finding::Alert {
            target: "strategy".into(),
            message: format!(
                "{pending} pending but the strategy is halted since {}: {}",
                halt.at, halt.reason
            ),
        }]);
    }
    if status.outflow_left_today.is_some_and(|left| left.is_zero()) {
        return Ok(vec![Finding::idle(format!(
            "{pending} pending; today's outflow cap to the operator is reached"
        ))]);
    }
    let amount = match status.outflow_left_today {
        Some(left) => pending.amount.min(left),
        None => pending.amount,
    };
    Ok(vec![Finding::Work(Candidate {
        target: None,
        work: format!(
            "{pending} pending; would stake {} with the {strategy} strategy",
            coin(amount.u128(), &config.akt_denom)
        ),
        msg: msg_json(&ExecuteMsg::Stake {})?,
        bounty: Bounty::Unpaid,
    })])
}
