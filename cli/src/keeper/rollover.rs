//! `rollover` on the rollover escrow: a lease whose provider was reported failed, or missed its
//! heartbeats past `heartbeat_timeout_blocks`, moves to its next backup (or closes, refunding
//! the depositors, when none is left). Anyone may send it then; it pays no bounty, so it is a
//! duty.
//!
//! No query lists failed leases, so each round checks the health of a slice of the streaming
//! leases (`leases_below_threshold` with an unbounded runway lists them all), resuming where
//! the last round stopped.

use anyhow::Result;
use rollover_escrow::msg::{ExecuteMsg, QueryMsg};
use rollover_escrow::state::{Config, LeaseStatus};

use super::top_up::{lease, leases_below};
use super::{msg_json, Bounty, Candidate, Contract, Ctx, Finding, Memory};

pub fn plan(ctx: &Ctx, memory: &mut Memory) -> Result<Vec<Finding>> {
    let pages = (ctx.settings.rollover_scan_per_round as usize)
        .div_ceil(30)
        .max(1);
    let (slice, reached_end) = leases_below(ctx, u64::MAX, memory.rollover_scan_after, pages)?;
    memory.rollover_scan_after = if reached_end {
        None
    } else {
        slice
            .leases
            .last()
            .map(|l| (l.depletion_height, l.lease_id))
    };
    let config: Config = ctx.query(Contract::RolloverEscrow, &QueryMsg::Config {})?;
    let mut findings = vec![];
    let mut checked = 0;
    for entry in slice.leases {
        if entry.status != LeaseStatus::Active {
            continue;
        }
        checked += 1;
        let lease = lease(ctx, entry.lease_id)?;
        if lease.status != LeaseStatus::Active {
            continue;
        }
        // A provider fails after `MISSED_INTERVALS` heartbeat intervals of silence.
        let deadline = lease.last_heartbeat.saturating_add(
            config
                .heartbeat_timeout_blocks
                .saturating_mul(rollover_escrow::MISSED_INTERVALS),
        );
        let why = match &lease.failure {
            // A tenant's report refuted by a later heartbeat no longer stands.
            Some(f)
                if !config.monitors.contains(&f.reporter) && lease.last_heartbeat >= f.height =>
            {
                continue
            }
            Some(f) => format!(
                "provider {} reported failed by {} (reason {}) at height {}",
                lease.provider, f.reporter, f.reason, f.height
            ),
            None if ctx.height > deadline => format!(
                "provider {} missed heartbeats since height {} (timeout at {deadline})",
                lease.provider, lease.last_heartbeat
            ),
            None => continue,
        };
        let next = match lease.backups.iter().find(|b| b.accepted) {
            Some(b) => format!(
                "rolls over to {} at {}/block",
                b.provider, b.price_per_block
            ),
            None => "no backup left: the lease closes and its depositors are refunded".into(),
        };
        findings.push(Finding::Work(Candidate {
            target: Some(format!("lease {}", lease.id)),
            work: format!("{why}; {next}"),
            msg: msg_json(&ExecuteMsg::Rollover { lease_id: lease.id })?,
            bounty: Bounty::Unpaid,
        }));
    }
    if findings.is_empty() {
        findings.push(Finding::idle(format!(
            "{checked} streaming leases checked, every provider healthy"
        )));
    }
    Ok(findings)
}
