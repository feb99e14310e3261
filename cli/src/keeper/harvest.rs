//! `harvest` on the staking vault: confirmed staking rewards (`books.revenue_pending`) go to
//! buyback-burn, the sender earning `keeper_bounty_bps` of them in AKT.
//!
//! Only revenue the vault already holds is visible to a query: the operator strategy's
//! confirmed rewards. A native strategy's undistributed validator rewards are not, so with it
//! the keeper harvests only what is pending.

use anyhow::Result;
use cosmwasm_std::coin;
use staking_vault::msg::{ExecuteMsg, QueryMsg, StatusResponse};
use staking_vault::state::Config;

use super::{bps_of, msg_json, Bounty, Candidate, Contract, Ctx, Finding};

pub fn plan(ctx: &Ctx) -> Result<Vec<Finding>> {
    let status: StatusResponse = ctx.query(Contract::StakingVault, &QueryMsg::Status {})?;
    let revenue = status.books.revenue_pending;
    if revenue.is_zero() {
        return Ok(vec![Finding::idle("no confirmed revenue pending")]);
    }
    let config: Config = ctx.query(Contract::StakingVault, &QueryMsg::Config {})?;
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
