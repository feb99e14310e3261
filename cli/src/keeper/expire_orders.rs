//! `expire_orders` on the order book: open orders and offers past their `expires_at` are
//! removed and the orders' deposits refunded. Anyone may send it, also while the book is
//! paused; it pays no bounty, so it is a duty.

use anyhow::Result;
use order_book::msg::{ExecuteMsg, OffersResponse, QueryMsg};
use order_book::state::{Offer, OfferStatus};

use super::match_orders::{live, open_orders};
use super::{msg_json, Bounty, Candidate, Contract, Ctx, Finding, Memory};

/// Orders and offers one `expire_orders` removes: the contract's maximum.
pub const EXPIRE_LIMIT: u32 = 30;
/// Pages of offers read per round (30 each).
const MAX_OFFER_PAGES: usize = 20;

pub fn plan(ctx: &Ctx, memory: &mut Memory) -> Result<Vec<Finding>> {
    let orders: Vec<u64> = open_orders(ctx)?
        .into_iter()
        .filter(|o| !live(o.expires_at, ctx.height))
        .map(|o| o.id)
        .collect();
    let offers: Vec<u64> = open_offers(ctx, memory)?
        .into_iter()
        .filter(|o| !live(o.expires_at, ctx.height))
        .map(|o| o.id)
        .collect();
    if orders.is_empty() && offers.is_empty() {
        return Ok(vec![Finding::idle("no expired orders or offers")]);
    }
    Ok(vec![Finding::Work(Candidate {
        target: None,
        work: format!(
            "expired: orders {:?}, offers {:?} (at most {EXPIRE_LIMIT} per transaction)",
            orders, offers
        ),
        msg: msg_json(&ExecuteMsg::ExpireOrders {
            limit: Some(EXPIRE_LIMIT),
        })?,
        bounty: Bounty::Unpaid,
    })])
}

/// Open offers, scanning from the first one not known to be closed. A closed offer never
/// reopens and new offers get higher ids, so what is below the first open offer is skipped
/// from then on.
fn open_offers(ctx: &Ctx, memory: &mut Memory) -> Result<Vec<Offer>> {
    let mut open = vec![];
    let mut start_after = Some(memory.offers_closed_through).filter(|id| *id > 0);
    let mut closed_through = memory.offers_closed_through;
    let mut all_closed_so_far = true;
    for _ in 0..MAX_OFFER_PAGES {
        let page: OffersResponse = ctx.query(
            Contract::OrderBook,
            &QueryMsg::Offers {
                provider: None,
                start_after,
                limit: Some(30),
            },
        )?;
        let full = page.offers.len() == 30;
        start_after = page.offers.last().map(|o| o.id);
        for offer in page.offers {
            if offer.status == OfferStatus::Open {
                all_closed_so_far = false;
                open.push(offer);
            } else if all_closed_so_far {
                closed_through = offer.id;
            }
        }
        if !full {
            break;
        }
    }
    memory.offers_closed_through = closed_through;
    Ok(open)
}
