//! `top_up` on the rollover escrow (its keeper-facing funding message): a lease with an auto
//! top-up is refilled to its target runway from the tenant's prefunded balance or a grant, and
//! the sender earns `keeper_bounty_bps` of what moved, in the lease's denom. The escrow's
//! `leases_below_threshold` lists the leases running dry within the keeper's horizon; one
//! without an auto top-up (or whose source is empty) is an alert for its tenant, since no
//! keeper transaction can fund it.

use anyhow::Result;
use cosmwasm_std::{coin, Decimal, Uint128, Uint256};
use rollover_escrow::msg::{
    BalanceResponse, ExecuteMsg, GrantResponse, LeaseResponse, QueryMsg, ThresholdResponse,
};
use rollover_escrow::state::{Config, LeaseStatus, StoredTopUpSource};

use super::harvest::nonzero;
use super::{bps_of, msg_json, Bounty, Candidate, Contract, Ctx, Finding};

/// Pages of leases below the horizon read per round (30 each).
const MAX_PAGES: usize = 10;

/// Every lease running dry within `runway_blocks`, soonest first.
pub fn leases_below(
    ctx: &Ctx,
    runway_blocks: u64,
    start_after: Option<(u64, u64)>,
    max_pages: usize,
) -> Result<(ThresholdResponse, bool)> {
    let mut all = ThresholdResponse { leases: vec![] };
    let mut start_after = start_after;
    for _ in 0..max_pages {
        let page: ThresholdResponse = ctx.query(
            Contract::RolloverEscrow,
            &QueryMsg::LeasesBelowThreshold {
                runway_blocks,
                start_after,
                limit: Some(30),
            },
        )?;
        let full = page.leases.len() == 30;
        start_after = page.leases.last().map(|l| (l.depletion_height, l.lease_id));
        all.leases.extend(page.leases);
        if !full {
            return Ok((all, true));
        }
    }
    Ok((all, false))
}

pub fn lease(ctx: &Ctx, lease_id: u64) -> Result<LeaseResponse> {
    ctx.query(Contract::RolloverEscrow, &QueryMsg::Lease { lease_id })
}

/// Whole units the lease needs to stream `blocks` more blocks: `⌊carry + price × blocks⌋`,
/// as the escrow computes it.
fn cost_of_blocks(price: Decimal, carry: Decimal, blocks: u64) -> Result<Uint128> {
    let atoms = Uint256::from(price.atomics())
        .checked_mul(Uint256::from(blocks))?
        .checked_add(Uint256::from(carry.atomics()))?;
    let whole = atoms.checked_div(Uint256::from(10u128.pow(18)))?;
    Ok(Uint128::try_from(whole)?)
}

pub fn plan(ctx: &Ctx) -> Result<Vec<Finding>> {
    let horizon = ctx.settings.top_up_horizon_blocks;
    let (below, _) = leases_below(ctx, horizon, None, MAX_PAGES)?;
    if below.leases.is_empty() {
        return Ok(vec![Finding::idle(format!(
            "no lease runs dry within {horizon} blocks"
        ))]);
    }
    let config: Config = ctx.query(Contract::RolloverEscrow, &QueryMsg::Config {})?;
    let mut findings = vec![];
    for entry in below.leases {
        let lease = lease(ctx, entry.lease_id)?;
        let target = format!("lease {}", lease.id);
        let dry = match lease.status {
            LeaseStatus::InsufficientFunds { since } => format!("ran dry at height {since}"),
            _ => format!(
                "runs dry in {} blocks (height {})",
                entry.runway_blocks, entry.depletion_height
            ),
        };
        let Some(auto) = lease.auto_top_up.clone() else {
            findings.push(Finding::Alert {
                target,
                message: format!("{dry} and has no auto top-up: its tenant must deposit"),
            });
            continue;
        };
        // A lease that ran dry within grace also pays the provider for the blocks since.
        let gap = match lease.status {
            LeaseStatus::InsufficientFunds { since } => ctx.height.saturating_sub(since),
            LeaseStatus::Closed => continue,
            LeaseStatus::Active | LeaseStatus::Pending => 0,
        };
        let blocks = gap.saturating_add(auto.target_runway_blocks);
        let needed = cost_of_blocks(lease.price_per_block, lease.carry, blocks)?
            .saturating_sub(lease.balance);
        if needed.is_zero() {
            findings.push(Finding::Idle {
                target: Some(target),
                reason: format!("{dry}, already at its target runway"),
            });
            continue;
        }
        let (depositor, available) = source_available(ctx, &lease, &auto.source)?;
        let moved = needed.min(available);
        if moved.is_zero() {
            findings.push(Finding::Alert {
                target,
                message: format!(
                    "{dry}; its auto top-up source ({depositor}) has no {} left",
                    lease.denom
                ),
            });
            continue;
        }
        // As the escrow pays it: rounded down, and never more than the source has left.
        let bounty = bps_of(moved, config.keeper_bounty_bps)?.min(available - moved);
        findings.push(Finding::Work(Candidate {
            target: Some(target),
            work: format!(
                "{dry}; would move {} from {depositor} toward {} blocks of runway",
                coin(moved.u128(), &lease.denom),
                auto.target_runway_blocks
            ),
            msg: msg_json(&ExecuteMsg::TopUp { lease_id: lease.id })?,
            bounty: Bounty::Paid(nonzero(bounty.u128(), &lease.denom)),
        }));
    }
    Ok(findings)
}

/// Who funds the top-up and how much of the lease's denom it can give.
fn source_available(
    ctx: &Ctx,
    lease: &LeaseResponse,
    source: &StoredTopUpSource,
) -> Result<(String, Uint128)> {
    let depositor = match source {
        StoredTopUpSource::Balance => lease.tenant.to_string(),
        StoredTopUpSource::Grant { granter } => granter.to_string(),
    };
    let balance: BalanceResponse = ctx.query(
        Contract::RolloverEscrow,
        &QueryMsg::Balance {
            owner: depositor.clone(),
            denom: lease.denom.clone(),
        },
    )?;
    let mut available = balance.amount;
    if let StoredTopUpSource::Grant { granter } = source {
        let grant: GrantResponse = ctx.query(
            Contract::RolloverEscrow,
            &QueryMsg::Grant {
                granter: granter.to_string(),
                grantee: lease.tenant.to_string(),
            },
        )?;
        let usable = grant
            .spend_limit
            .as_ref()
            .is_some_and(|l| l.denom == lease.denom)
            && !grant.expired;
        available = if usable {
            available.min(grant.remaining)
        } else {
            Uint128::zero()
        };
    }
    Ok((depositor, available))
}
