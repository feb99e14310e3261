//! The staking vault's keeper work, from its `keeper_work` answer (each step run there on a
//! scratch copy of the vault, through the execute's own code):
//!
//! - `harvest`: confirmed staking revenue (and, with the native strategy, the validators'
//!   rewards it withdraws) goes to buyback-burn; the sender earns `keeper_bounty_bps` of it in
//!   AKT. The listed bounty is the one on revenue already pending; the simulation values the
//!   rewards a native harvest withdraws on top.
//! - `convert { denom }`: proceeds are swapped to AKT along the denom's route, TWAP-guarded;
//!   it pays its listed bounty in the input denom.
//! - `stake`: pending AKT goes to the strategy. No bounty: a duty.
//!
//! Steps the vault lists as waiting come with the error the call would give now (logged idle).
//! The sunset steps (`begin_sunset_unbond`, `route_sunset_principal`, `forward_proceeds`) are
//! not sent by this keeper; when the vault lists one ready, it is an alert for its operators.

use anyhow::Result;
use staking_vault::msg::ExecuteMsg;

use super::work::RoundWork;
use super::{msg_json, Action, Bounty, Candidate, Ctx, Finding};

/// Which keeper action a vault step is, if any.
fn action_of(msg: &ExecuteMsg) -> Option<Action> {
    match msg {
        ExecuteMsg::Harvest {} => Some(Action::Harvest),
        ExecuteMsg::Convert { .. } => Some(Action::Convert),
        ExecuteMsg::Stake {} => Some(Action::Stake),
        _ => None,
    }
}

fn target_of(msg: &ExecuteMsg) -> Option<String> {
    match msg {
        ExecuteMsg::Convert {
            denom: Some(denom), ..
        } => Some(denom.clone()),
        ExecuteMsg::ForwardProceeds { denom } => Some(denom.clone()),
        _ => None,
    }
}

/// The name of a step's message: its JSON key.
fn name_of(msg: &ExecuteMsg) -> String {
    msg_json(msg)
        .ok()
        .and_then(|v| v.as_object().and_then(|o| o.keys().next().cloned()))
        .unwrap_or_else(|| "?".into())
}

pub fn plan(action: Action, ctx: &Ctx, work: &mut RoundWork) -> Result<Vec<Finding>> {
    let found = work.vault(ctx)?;
    let mut findings = vec![];
    for step in &found.ready {
        match action_of(&step.msg) {
            Some(a) if a == action => {
                let bounty = if action == Action::Stake {
                    Bounty::Unpaid
                } else {
                    Bounty::Paid(step.bounty.clone())
                };
                let work = match action {
                    Action::Harvest => "revenue to send to buyback-burn (the vault's keeper_work \
                                        lists harvest ready)"
                        .to_string(),
                    Action::Convert => format!(
                        "proceeds waiting; convert would swap them to AKT now ({})",
                        target_of(&step.msg).unwrap_or_default()
                    ),
                    _ => "AKT pending; stake would send it to the strategy now".to_string(),
                };
                findings.push(Finding::Work(Candidate {
                    target: target_of(&step.msg),
                    work,
                    msg: msg_json(&step.msg)?,
                    bounty,
                    batch: None,
                }));
            }
            // Steps this keeper does not send, reported once a round (with stake).
            None if action == Action::Stake => findings.push(Finding::Alert {
                target: target_of(&step.msg).unwrap_or_else(|| name_of(&step.msg)),
                message: format!(
                    "the vault lists {} ready; this keeper does not send it",
                    name_of(&step.msg)
                ),
            }),
            _ => {}
        }
    }
    for step in &found.waiting {
        if action_of(&step.msg) == Some(action) {
            findings.push(Finding::Idle {
                target: target_of(&step.msg),
                reason: format!(
                    "work pending, but {} would be refused now: {}",
                    name_of(&step.msg),
                    step.refusal
                ),
            });
        }
    }
    if findings.is_empty() {
        findings.push(Finding::idle(match action {
            Action::Harvest => "no revenue to harvest",
            Action::Convert => "no proceeds to convert",
            _ => "no AKT to stake",
        }));
    }
    Ok(findings)
}
