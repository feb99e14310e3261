//! `match_orders` on the order book: queued orders and offers are matched, each fill opening a
//! lease in the escrow and paying the sender `keeper_bounty_bps` of the fill's deposit (in the
//! order's denom). The book's `keeper_work` runs the match on a scratch copy of the book, so
//! its fills and bounty are exactly what the call does at this height; queued items that fill
//! nothing pay nothing and are not worth a fee.

use anyhow::Result;

use super::work::RoundWork;
use super::{msg_json, Bounty, Candidate, Ctx, Finding};

pub fn plan(ctx: &Ctx, work: &mut RoundWork) -> Result<Vec<Finding>> {
    let Some(m) = &work.book(ctx)?.match_orders else {
        return Ok(vec![Finding::idle("nothing queued for matching")]);
    };
    if let Some(refusal) = &m.refusal {
        return Ok(vec![Finding::idle(format!(
            "{} queued item(s), but match_orders would be refused now: {refusal}",
            m.items
        ))]);
    }
    if m.fills.is_empty() {
        return Ok(vec![Finding::idle(format!(
            "{} queued item(s), none would fill (specs, prices or auditors do not fit): no \
             bounty to pay a fee",
            m.items
        ))]);
    }
    let fills: Vec<String> = m
        .fills
        .iter()
        .map(|f| {
            format!(
                "order {} × offer {} ({} replica(s), deposit {})",
                f.order_id, f.offer_id, f.replicas, f.deposit
            )
        })
        .collect();
    Ok(vec![Finding::Work(Candidate {
        target: None,
        work: format!("would fill {}", fills.join(", ")),
        msg: msg_json(&m.msg)?,
        bounty: Bounty::Paid(m.bounty.clone()),
        batch: None,
    })])
}
