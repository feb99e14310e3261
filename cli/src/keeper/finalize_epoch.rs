//! `finalize_epoch` on provider-incentives: once an epoch's report window has closed, anyone may
//! fix its rewards. Epochs finalize in order and it pays no bounty, so it is a duty. The
//! contract's `keeper_work` lists the epochs it accepts now, in order, and why the next one
//! waits.

use anyhow::Result;

use super::log::coins_text;
use super::work::RoundWork;
use super::{msg_json, Bounty, Candidate, Ctx, Finding};

pub fn plan(ctx: &Ctx, work: &mut RoundWork) -> Result<Vec<Finding>> {
    let found = work.incentives(ctx)?;
    let mut findings = vec![];
    for w in &found.ready {
        let budget = if w.budget.is_empty() {
            "no budget".to_string()
        } else {
            format!("budget {}", coins_text(&w.budget))
        };
        findings.push(Finding::Work(Candidate {
            target: Some(format!("epoch {}", w.epoch)),
            work: format!(
                "epoch {}'s report window closed; {budget}, weight {}",
                w.epoch, w.total_weight
            ),
            msg: msg_json(&w.msg)?,
            bounty: Bounty::Unpaid,
            batch: None,
        }));
    }
    if let Some(next) = &found.next {
        findings.push(Finding::Idle {
            target: Some(format!("epoch {}", next.epoch)),
            reason: format!(
                "not finalizable before {}: {}",
                next.ready_at.seconds(),
                next.refusal
            ),
        });
    }
    if findings.is_empty() {
        findings.push(Finding::idle("no epoch to finalize"));
    }
    Ok(findings)
}
