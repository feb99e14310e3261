//! `finalize_epoch` on provider-incentives: once an epoch's report window has closed, anyone may
//! fix its rewards. Epochs finalize in order and it pays no bounty, so it is a duty.
//!
//! Finalized epochs are a prefix of all epochs, so the first one not finalized is found by
//! binary search (and remembered).

use anyhow::Result;
use provider_incentives::msg::{EpochResponse, ExecuteMsg, QueryMsg};
use provider_incentives::state::EpochStatus;

use super::log::coins_text;
use super::{msg_json, Bounty, Candidate, Contract, Ctx, Finding, Memory};

/// Epochs one round finalizes at most (each is a transaction).
const MAX_PER_ROUND: u64 = 10;

fn epoch(ctx: &Ctx, epoch: u64) -> Result<EpochResponse> {
    ctx.query(Contract::ProviderIncentives, &QueryMsg::Epoch { epoch })
}

pub fn plan(ctx: &Ctx, memory: &mut Memory) -> Result<Vec<Finding>> {
    let current = epoch(ctx, memory.epochs_finalized_below)?.current_epoch;
    // Invariant: every epoch below `lo` is finalized; `current` never is (it has not ended).
    let (mut lo, mut hi) = (memory.epochs_finalized_below.min(current), current);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if epoch(ctx, mid)?.status == EpochStatus::Finalized {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    memory.epochs_finalized_below = lo;
    let mut findings = vec![];
    for e in lo..current.min(lo + MAX_PER_ROUND) {
        let info = epoch(ctx, e)?;
        let closes = info.report_window_closes_at.seconds();
        if closes > ctx.time {
            findings.push(Finding::idle(format!(
                "epoch {e} ended; its report window closes at {closes} (now {})",
                ctx.time
            )));
            break;
        }
        let budget = if info.budget.is_empty() {
            "no budget".to_string()
        } else {
            format!("budget {}", coins_text(&info.budget))
        };
        findings.push(Finding::Work(Candidate {
            target: Some(format!("epoch {e}")),
            work: format!(
                "epoch {e}'s report window closed at {closes}; {budget}, weight {}",
                info.total_weight
            ),
            msg: msg_json(&ExecuteMsg::FinalizeEpoch { epoch: e })?,
            bounty: Bounty::Unpaid,
        }));
    }
    if findings.is_empty() {
        findings.push(Finding::idle(format!(
            "epoch {current} is the current one; every earlier epoch is finalized"
        )));
    }
    Ok(findings)
}

/// A finalized epoch moves the floor past it.
pub fn observe(candidate: &Candidate, memory: &mut Memory) {
    let finalized = candidate
        .target
        .as_deref()
        .and_then(|t| t.strip_prefix("epoch "))
        .and_then(|e| e.parse::<u64>().ok());
    if let Some(e) = finalized {
        memory.epochs_finalized_below = memory.epochs_finalized_below.max(e + 1);
    }
}
