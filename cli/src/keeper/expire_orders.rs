//! `expire_orders` on the order book: open orders and offers past their `expires_at` are
//! removed and the orders' deposits refunded. Anyone may send it, also while the book is
//! paused; it pays no bounty, so it is a duty. The book's `keeper_work` lists what the call
//! would remove.

use anyhow::Result;

use super::work::RoundWork;
use super::{msg_json, Bounty, Candidate, Ctx, Finding};

pub fn plan(ctx: &Ctx, work: &mut RoundWork) -> Result<Vec<Finding>> {
    let Some(e) = &work.book(ctx)?.expire_orders else {
        return Ok(vec![Finding::idle("no expired orders or offers")]);
    };
    Ok(vec![Finding::Work(Candidate {
        target: None,
        work: format!("expired: orders {:?}, offers {:?}", e.orders, e.offers),
        msg: msg_json(&e.msg)?,
        bounty: Bounty::Unpaid,
        batch: None,
    })])
}
