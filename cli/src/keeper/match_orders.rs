//! `match_orders` on the order book: queued orders and offers are matched, each fill opening a
//! lease in the escrow and paying the sender `keeper_bounty_bps` of the fill's deposit (in the
//! order's denom).
//!
//! The queue itself is not queryable, so the keeper looks for what a match could fill: an open,
//! live order whose book (`depth`) has asks at or below its max price. The bounty estimate
//! assumes every such ask is compatible with the order's spec; when a `match_orders` fills
//! nothing, that crossing is remembered and not paid for again until the book changes.

use anyhow::Result;
use cosmwasm_std::{coin, Coin};
use order_book::msg::{DepthResponse, ExecuteMsg, OrdersResponse, QueryMsg};
use order_book::state::{Config, Order, OrderStatus};

use super::{bps_of, msg_json, sum_coins, Bounty, Candidate, Contract, Ctx, Finding, Memory};
use crate::chain::TxOutcome;

/// Pages of open orders read per round (30 each).
const MAX_PAGES: usize = 20;
/// Queued items one `match_orders` works through: the contract's maximum.
pub const MATCH_LIMIT: u32 = 10;

/// Every open order, ascending by id.
pub fn open_orders(ctx: &Ctx) -> Result<Vec<Order>> {
    let mut orders = vec![];
    let mut start_after = None;
    for _ in 0..MAX_PAGES {
        let page: OrdersResponse = ctx.query(
            Contract::OrderBook,
            &QueryMsg::Orders {
                tenant: None,
                status: Some(OrderStatus::Open),
                start_after,
                limit: Some(30),
            },
        )?;
        let full = page.orders.len() == 30;
        start_after = page.orders.last().map(|o| o.id);
        orders.extend(page.orders);
        if !full {
            break;
        }
    }
    Ok(orders)
}

pub fn live(expires_at: Option<u64>, height: u64) -> bool {
    expires_at.is_none_or(|at| height < at)
}

pub fn plan(ctx: &Ctx, memory: &mut Memory) -> Result<Vec<Finding>> {
    let orders: Vec<Order> = open_orders(ctx)?
        .into_iter()
        .filter(|o| live(o.expires_at, ctx.height))
        .collect();
    if orders.is_empty() {
        return Ok(vec![Finding::idle("no open orders")]);
    }
    let config: Config = ctx.query(Contract::OrderBook, &QueryMsg::Config {})?;
    let mut crossing = vec![];
    let mut bounties: Vec<Coin> = vec![];
    let mut signature = vec![];
    let mut books: Vec<((String, String), DepthResponse)> = vec![];
    for order in &orders {
        let key = (order.resource_class.clone(), order.denom.clone());
        let depth = match books.iter().find(|(k, _)| *k == key) {
            Some((_, d)) => d.clone(),
            None => {
                let d: DepthResponse = ctx.query(
                    Contract::OrderBook,
                    &QueryMsg::Depth {
                        resource_class: key.0.clone(),
                        denom: key.1.clone(),
                        limit: Some(30),
                    },
                )?;
                books.push((key, d.clone()));
                d
            }
        };
        let units: u64 = depth
            .asks
            .iter()
            .filter(|a| a.price_per_block <= order.max_price_per_block)
            .map(|a| a.units)
            .sum();
        if units == 0 {
            continue;
        }
        let remaining = order.replicas - order.filled_replicas;
        let n = u64::from(remaining).min(units);
        // The share of the deposit the fills would take, as the book computes it.
        let share = if n == u64::from(remaining) {
            order.deposit
        } else {
            order.deposit.checked_multiply_ratio(n, remaining)?
        };
        bounties.push(coin(
            bps_of(share, config.keeper_bounty_bps)?.u128(),
            &order.denom,
        ));
        crossing.push(format!("order {} ({n} of {remaining} replicas)", order.id));
        signature.push(format!(
            "{}:{}:{}:{:?}",
            order.id, remaining, order.deposit, depth.asks
        ));
    }
    if crossing.is_empty() {
        return Ok(vec![Finding::idle(format!(
            "{} open orders, none crossed by an ask",
            orders.len()
        ))]);
    }
    let signature = signature.join("|");
    if memory.futile_crossing.as_deref() == Some(signature.as_str()) {
        return Ok(vec![Finding::idle(format!(
            "{} cross asks, but the last match_orders filled nothing from this book (specs or \
             auditors do not fit); waiting for it to change",
            crossing.join(", ")
        ))]);
    }
    memory.pending_crossing = Some(signature);
    Ok(vec![Finding::Work(Candidate {
        target: None,
        work: format!("{} cross asks on the book", crossing.join(", ")),
        msg: msg_json(&ExecuteMsg::MatchOrders {
            limit: Some(MATCH_LIMIT),
        })?,
        bounty: Bounty::Paid(sum_coins(bounties)?),
    })])
}

/// A `match_orders` that filled nothing marks the crossing it was sent for as futile.
pub fn observe(outcome: &TxOutcome, memory: &mut Memory) {
    let fills = outcome
        .attributes
        .iter()
        .rev()
        .find(|(_, k, _)| k == "fills")
        .and_then(|(_, _, v)| v.parse::<u64>().ok())
        .unwrap_or(0);
    let pending = memory.pending_crossing.take();
    memory.futile_crossing = if fills == 0 { pending } else { None };
}
