//! `harvest` on the staking vault: confirmed staking rewards (`books.revenue_pending`) go to
//! buyback-burn, the sender earning `keeper_bounty_bps` of them in AKT.
//!
//! Revenue the vault already holds is visible to a query: the operator strategy's confirmed
//! rewards (`revenue_pending`). A native strategy's validator rewards are not: `harvest`
//! withdraws them from the distribution module and pays the bounty on what arrived. So with
//! the native strategy a harvest is always a candidate with no planned bounty; its simulation
//! (what the withdrawals would pay the keeper) values it, and it is sent only when that covers
//! the fee — or skipped when the vault answers that there is nothing to harvest.

use anyhow::Result;
use cosmwasm_std::coin;
use staking_vault::msg::{ExecuteMsg, QueryMsg, StatusResponse};
use staking_vault::state::Config;

use super::{bps_of, msg_json, Bounty, Candidate, Contract, Ctx, Finding};

pub fn plan(ctx: &Ctx) -> Result<Vec<Finding>> {
    let status: StatusResponse = ctx.query(Contract::StakingVault, &QueryMsg::Status {})?;
    let revenue = status.books.revenue_pending;
    let native = status.strategy.as_deref() == Some("native");
    if revenue.is_zero() && !native {
        return Ok(vec![Finding::idle("no confirmed revenue pending")]);
    }
    let config: Config = ctx.query(Contract::StakingVault, &QueryMsg::Config {})?;
    if native {
        return Ok(vec![Finding::Work(Candidate {
            target: None,
            work: format!(
                "validator rewards to withdraw (native strategy), {} of revenue pending",
                coin(revenue.u128(), &config.akt_denom)
            ),
            msg: msg_json(&ExecuteMsg::Harvest {})?,
            // Valued by the simulation's transfers to the keeper.
            bounty: Bounty::Paid(nonzero(
                bps_of(revenue, config.keeper_bounty_bps)?.u128(),
                &config.akt_denom,
            )),
        })]);
    }
    let bounty = bps_of(revenue, config.keeper_bounty_bps)?;
    Ok(vec![Finding::Work(Candidate {
        target: None,
        work: format!(
            "{} of revenue pending",
            coin(revenue.u128(), &config.akt_denom)
        ),
        msg: msg_json(&ExecuteMsg::Harvest {})?,
        bounty: Bounty::Paid(nonzero(bounty.u128(), &config.akt_denom)),
    })])
}

pub(super) fn nonzero(amount: u128, denom: &str) -> Vec<cosmwasm_std::Coin> {
    if amount == 0 {
        vec![]
    } else {
        vec![coin(amount, denom)]
    }
}
