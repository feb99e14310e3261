//! Matching: price-time priority per `(resource class, denom)` book, fills that open leases in
//! the rollover-escrow with backups, `fill_order` and the keeper's `match_orders`.
//!
//! A trade always clears at the offer's price: the tenant never pays more than its max (only
//! asks priced at or below it are ever read) and the provider never gets less than its ask.
//! Every scan reads a bounded slice of one book's ordered keys (`MAX_CANDIDATES` asks or
//! `MAX_BIDS_PER_OFFER` bids) and resumes from a cursor next time, never the whole book.

use std::collections::BTreeMap;

use cosmwasm_std::{
    coin, BankMsg, CosmosMsg, Decimal, Deps, DepsMut, Env, Event, MessageInfo, Order as IterOrder,
    Response, StdResult, Uint128,
};
use cw_storage_plus::Bound;
use spice_types::{spice_event, BackupProvider, OpenLeaseMsg, BPS_DENOMINATOR};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::book::{ask_filled, bid_filled, enqueue_next, live, nonpayable, order_book};
use crate::execute::{offers as offer_exec, orders as order_exec};
use crate::spec::{auditors_satisfied, mismatch};
use crate::state::{
    ask_price_key, bid_price_key, book_key, offers, orders, Config, Offer, OfferStatus, Order,
    OrderStatus, Pending, ASKS, BIDS, CONFIG, PENDING,
};

/// Asks one order's scan reads per call (compatible or not).
pub const MAX_CANDIDATES: usize = 8;
/// Standby providers attached to each lease.
pub const MAX_BACKUPS: usize = 3;
/// Bids one queued offer's scan reads per call.
pub const MAX_BIDS_PER_OFFER: usize = 4;
/// Queued items one `match_orders` works through.
pub const MAX_MATCH_LIMIT: u32 = 10;
pub const DEFAULT_MATCH_LIMIT: u32 = 5;

type Cursor = (u128, u64);

/// What one call's fills produced.
struct Matcher<'a> {
    config: &'a Config,
    height: u64,
    /// Nonzero only inside `match_orders`.
    bounty_bps: u16,
    msgs: Vec<CosmosMsg>,
    events: Vec<Event>,
    bounty: BTreeMap<String, Uint128>,
    fills: u32,
}

impl<'a> Matcher<'a> {
    fn new(config: &'a Config, env: &Env, bounty_bps: u16) -> Self {
        Matcher {
            config,
            height: env.block.height,
            bounty_bps,
            msgs: vec![],
            events: vec![],
            bounty: BTreeMap::new(),
            fills: 0,
        }
    }
}

/// Why `order` and `offer` may not trade now, or `Ok`.
fn check_pair(
    deps: Deps,
    config: &Config,
    height: u64,
    order: &Order,
    offer: &Offer,
) -> Result<(), ContractError> {
    if order.status != OrderStatus::Open {
        return Err(ContractError::OrderNotOpen {
            order_id: order.id,
            status: order.status.name().into(),
        });
    }
    if offer.status != OfferStatus::Open {
        return Err(ContractError::OfferNotOpen {
            offer_id: offer.id,
            status: offer.status.name().into(),
        });
    }
    if !live(order.expires_at, height) {
        return Err(ContractError::OrderExpired {
            order_id: order.id,
            expires_at: order.expires_at.unwrap_or_default(),
        });
    }
    if !live(offer.expires_at, height) {
        return Err(ContractError::OfferExpired {
            offer_id: offer.id,
            expires_at: offer.expires_at.unwrap_or_default(),
        });
    }
    if order.denom != offer.denom {
        return Err(ContractError::DenomMismatch {
            order_denom: order.denom.clone(),
            offer_denom: offer.denom.clone(),
        });
    }
    if order.resource_class != offer.resource_class {
        return Err(ContractError::ClassMismatch {
            order_class: order.resource_class.clone(),
            offer_class: offer.resource_class.clone(),
        });
    }
    if offer.price_per_block > order.max_price_per_block {
        return Err(ContractError::PriceAboveMax {
            order_id: order.id,
            offer_id: offer.id,
            max_price_per_block: order.max_price_per_block,
            price_per_block: offer.price_per_block,
        });
    }
    let incompatible = |reason: String| ContractError::Incompatible {
        order_id: order.id,
        offer_id: offer.id,
        reason,
    };
    if let Some(reason) = mismatch(&order.spec, &offer.capacity) {
        return Err(incompatible(reason));
    }
    if !order.spec.signed_by.is_empty() {
        // A registry that cannot answer vouches for no one.
        let audit = offer_exec::audit(deps, config, &offer.provider).unwrap_or(None);
        if !auditors_satisfied(&order.spec, audit.as_ref()) {
            return Err(incompatible("signed_by".into()));
        }
    }
    Ok(())
}

/// The next-best compatible offers for `n` replicas of `order`, other than `filled`'s provider:
/// cheapest first, one per provider, at most `MAX_BACKUPS`, from the first `MAX_CANDIDATES`
/// asks at or below the order's max.
fn backups_for(
    deps: Deps,
    m: &Matcher,
    order: &Order,
    filled: &Offer,
    n: u32,
) -> Result<Vec<BackupProvider>, ContractError> {
    let book = order_book(order);
    let max = Bound::inclusive((ask_price_key(order.max_price_per_block), u64::MAX));
    let candidates: Vec<(Cursor, u64)> = ASKS
        .sub_prefix(&book)
        .range(deps.storage, None, Some(max), IterOrder::Ascending)
        .take(MAX_CANDIDATES)
        .collect::<StdResult<_>>()?;
    let mut backups: Vec<BackupProvider> = vec![];
    for (_, offer_id) in candidates {
        if backups.len() == MAX_BACKUPS {
            break;
        }
        let Some(offer) = offers().may_load(deps.storage, offer_id)? else {
            continue;
        };
        let taken = offer.provider == filled.provider
            || backups
                .iter()
                .any(|b| b.provider == offer.provider.as_str());
        if taken
            || offer.units_left < n
            || check_pair(deps, m.config, m.height, order, &offer).is_err()
        {
            continue;
        }
        backups.push(BackupProvider {
            provider: offer.provider.to_string(),
            price_per_block: offer
                .price_per_block
                .checked_mul(Decimal::from_ratio(n, 1u32))?,
        });
    }
    Ok(backups)
}

/// Fills as many of `order`'s replicas as `offer` has units, at the offer's price, and opens
/// the lease in the escrow with that share of the deposit.
fn fill(
    deps: &mut DepsMut,
    m: &mut Matcher,
    order: &mut Order,
    offer: &mut Offer,
) -> Result<(), ContractError> {
    let remaining = order.remaining();
    let n = remaining.min(offer.units_left);
    let backups = backups_for(deps.as_ref(), m, order, offer, n)?;
    // The share of the deposit for n of the remaining replicas, rounded down; the fill that
    // takes the last replica takes all that is left, so one order's shares add up to its
    // deposit exactly and what stays covers the remaining replicas' runway.
    let share = if n == remaining {
        order.deposit
    } else {
        order.deposit.checked_multiply_ratio(n, remaining)?
    };
    // The keeper's bounty, rounded down: the fraction stays in the tenant's lease.
    let bounty = share.checked_multiply_ratio(m.bounty_bps, BPS_DENOMINATOR)?;
    let lease_deposit = share.checked_sub(bounty)?;
    let lease_price = offer
        .price_per_block
        .checked_mul(Decimal::from_ratio(n, 1u32))?;

    bid_filled(deps.storage, order, n)?;
    order.filled_replicas += n;
    order.deposit = order.deposit.checked_sub(share)?;
    if order.remaining() == 0 {
        order_exec::close(deps, order, OrderStatus::Filled)?;
    } else {
        orders().save(deps.storage, order.id, order)?;
    }
    ask_filled(deps.storage, offer, n)?;
    offer.units_left -= n;
    if offer.units_left == 0 {
        offer_exec::close(deps, offer, OfferStatus::Exhausted)?;
    } else {
        offers().save(deps.storage, offer.id, offer)?;
    }

    if !bounty.is_zero() {
        let total = m.bounty.entry(order.denom.clone()).or_default();
        *total = total.checked_add(bounty)?;
    }
    let backup_list = backups
        .iter()
        .map(|b| b.provider.as_str())
        .collect::<Vec<_>>()
        .join(",");
    m.events.push(
        spice_event(TAG, "fill")
            .add_attribute("order_id", order.id.to_string())
            .add_attribute("offer_id", offer.id.to_string())
            .add_attribute("tenant", order.tenant.as_str())
            .add_attribute("provider", offer.provider.as_str())
            .add_attribute("replicas", n.to_string())
            .add_attribute("price_per_block", lease_price.to_string())
            .add_attribute("denom", &order.denom)
            .add_attribute("deposit", lease_deposit.to_string())
            .add_attribute("bounty", bounty.to_string())
            .add_attribute("backups", backup_list)
            .add_attribute("order_status", order.status.name())
            .add_attribute("offer_status", offer.status.name()),
    );
    m.msgs.push(
        OpenLeaseMsg {
            tenant: Some(order.tenant.to_string()),
            provider: offer.provider.to_string(),
            price_per_block: lease_price,
            denom: order.denom.clone(),
            backups,
            spec_ref: Some(format!("order-book/{}/{}", order.id, order.resource_class)),
            order_id: Some(order.id),
        }
        .into_cosmos_msg(&m.config.escrow, coin(lease_deposit.u128(), &order.denom))?,
    );
    m.fills += 1;
    Ok(())
}

/// Fills `order_id` from the cheapest compatible asks, earliest first at equal price, reading at
/// most `MAX_CANDIDATES` asks after `resume_after`, among asks with a sequence number below
/// `seq_below`. Returns whether the order needs no more scanning (filled, gone, or no ask left
/// at its price) and where the scan stopped.
fn match_order(
    deps: &mut DepsMut,
    m: &mut Matcher,
    order_id: u64,
    resume_after: Option<Cursor>,
    seq_below: u64,
) -> Result<(bool, Option<Cursor>, u32), ContractError> {
    let Some(mut order) = orders().may_load(deps.storage, order_id)? else {
        return Ok((true, None, 0));
    };
    if !order_exec::order_live(&order, m.height) {
        return Ok((true, None, 0));
    }
    let book = order_book(&order);
    let max = Bound::inclusive((ask_price_key(order.max_price_per_block), u64::MAX));
    let candidates: Vec<(Cursor, u64)> = ASKS
        .sub_prefix(&book)
        .range(
            deps.storage,
            resume_after.map(Bound::exclusive),
            Some(max),
            IterOrder::Ascending,
        )
        .take(MAX_CANDIDATES + 1)
        .collect::<StdResult<_>>()?;
    let more = candidates.len() > MAX_CANDIDATES;
    let mut cursor = resume_after;
    let mut scanned = 0;
    for (key, offer_id) in candidates.into_iter().take(MAX_CANDIDATES) {
        if order.remaining() == 0 {
            break;
        }
        cursor = Some(key);
        scanned += 1;
        if key.1 >= seq_below {
            continue;
        }
        let Some(mut offer) = offers().may_load(deps.storage, offer_id)? else {
            continue;
        };
        if check_pair(deps.as_ref(), m.config, m.height, &order, &offer).is_ok() {
            fill(deps, m, &mut order, &mut offer)?;
        }
    }
    let complete = order.status != OrderStatus::Open || !more;
    Ok((complete, cursor, scanned))
}

/// Offers a newly posted offer to the best bids it crosses (highest price first, earliest first
/// at equal price), reading at most `MAX_BIDS_PER_OFFER` bids after `resume_after`, among bids
/// with a sequence number below `seq_below`.
fn match_offer(
    deps: &mut DepsMut,
    m: &mut Matcher,
    offer_id: u64,
    resume_after: Option<Cursor>,
    seq_below: u64,
) -> Result<(bool, Option<Cursor>), ContractError> {
    let Some(mut offer) = offers().may_load(deps.storage, offer_id)? else {
        return Ok((true, None));
    };
    if offer.status != OfferStatus::Open || !live(offer.expires_at, m.height) {
        return Ok((true, None));
    }
    let book = book_key(&offer.resource_class, &offer.denom);
    // Bids at or above the ask: inverted price keys at or below the ask's.
    let max = Bound::inclusive((bid_price_key(offer.price_per_block), u64::MAX));
    let bids: Vec<(Cursor, u64)> = BIDS
        .sub_prefix(&book)
        .range(
            deps.storage,
            resume_after.map(Bound::exclusive),
            Some(max),
            IterOrder::Ascending,
        )
        .take(MAX_BIDS_PER_OFFER + 1)
        .collect::<StdResult<_>>()?;
    let more = bids.len() > MAX_BIDS_PER_OFFER;
    let mut cursor = resume_after;
    for (key, order_id) in bids.into_iter().take(MAX_BIDS_PER_OFFER) {
        if offer.status != OfferStatus::Open {
            break;
        }
        cursor = Some(key);
        if key.1 >= seq_below {
            continue;
        }
        let Some(mut order) = orders().may_load(deps.storage, order_id)? else {
            continue;
        };
        if check_pair(deps.as_ref(), m.config, m.height, &order, &offer).is_ok() {
            fill(deps, m, &mut order, &mut offer)?;
        }
    }
    let complete = offer.status != OfferStatus::Open || !more;
    Ok((complete, cursor))
}

fn finish(m: Matcher, summary: Event) -> Response {
    Response::new()
        .add_messages(m.msgs)
        .add_events(m.events)
        .add_event(summary)
}

/// With `offer_id`: the order's tenant or the offer's provider fills exactly this pair. Without:
/// anyone fills the order from the cheapest compatible offers. No bounty either way.
pub fn fill_order(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    order_id: u64,
    offer_id: Option<u64>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let mut m = Matcher::new(&config, &env, 0);
    let mut order = order_exec::load(&deps, order_id)?;
    let mut scanned = 0;
    match offer_id {
        Some(offer_id) => {
            let mut offer = offer_exec::load(&deps, offer_id)?;
            if info.sender != order.tenant && info.sender != offer.provider {
                return Err(ContractError::NotPartyToFill {
                    order_id,
                    offer_id,
                    sender: info.sender.to_string(),
                });
            }
            check_pair(deps.as_ref(), &config, env.block.height, &order, &offer)?;
            fill(&mut deps, &mut m, &mut order, &mut offer)?;
        }
        None => {
            if order.status != OrderStatus::Open {
                return Err(ContractError::OrderNotOpen {
                    order_id,
                    status: order.status.name().into(),
                });
            }
            if let Some(at) = order
                .expires_at
                .filter(|_| !live(order.expires_at, env.block.height))
            {
                return Err(ContractError::OrderExpired {
                    order_id,
                    expires_at: at,
                });
            }
            // Only what the queue has already processed: an order still queued behind other
            // work, or an ask not yet offered to the bids ahead, waits for `match_orders`.
            let head = PENDING
                .keys(deps.storage, None, None, IterOrder::Ascending)
                .next()
                .transpose()?
                .unwrap_or(u64::MAX);
            if order.seq > head {
                return Err(ContractError::OrderQueued {
                    order_id,
                    seq: order.seq,
                    head,
                });
            }
            (_, _, scanned) = match_order(&mut deps, &mut m, order_id, None, head)?;
            if m.fills == 0 {
                return Err(ContractError::NoCompatibleOffer { order_id, scanned });
            }
        }
    }
    let summary = spice_event(TAG, "fill_order")
        .add_attribute("order_id", order_id.to_string())
        .add_attribute("sender", info.sender.as_str())
        .add_attribute("fills", m.fills.to_string())
        .add_attribute("scanned", scanned.to_string());
    Ok(finish(m, summary))
}

/// Keeper: works through up to `limit` queued orders and offers (oldest first), each with a
/// bounded scan; an item whose scan stopped at its bound goes back to the end of the queue with
/// its cursor. Pays the sender `keeper_bounty_bps` of each fill's deposit, so nothing when
/// nothing matched.
pub fn match_orders(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let limit = limit.unwrap_or(DEFAULT_MATCH_LIMIT).min(MAX_MATCH_LIMIT) as usize;
    let work: Vec<(u64, Pending)> = PENDING
        .range(deps.storage, None, None, IterOrder::Ascending)
        .take(limit)
        .collect::<StdResult<_>>()?;
    let processed = work.len();
    let mut m = Matcher::new(&config, &env, config.keeper_bounty_bps);
    let mut requeued = 0u32;
    for (key, item) in work {
        PENDING.remove(deps.storage, key);
        let cursor_in = |c: Option<(Uint128, u64)>| c.map(|(p, s)| (p.u128(), s));
        let cursor_out = |c: Option<Cursor>| c.map(|(p, s)| (Uint128::new(p), s));
        let again = match item {
            Pending::Order { id, resume_after } => {
                let (complete, cursor, _) =
                    match_order(&mut deps, &mut m, id, cursor_in(resume_after), key)?;
                (!complete).then_some(Pending::Order {
                    id,
                    resume_after: cursor_out(cursor),
                })
            }
            Pending::Offer { id, resume_after } => {
                let (complete, cursor) =
                    match_offer(&mut deps, &mut m, id, cursor_in(resume_after), key)?;
                (!complete).then_some(Pending::Offer {
                    id,
                    resume_after: cursor_out(cursor),
                })
            }
        };
        if let Some(work) = again {
            enqueue_next(deps.storage, &work)?;
            requeued += 1;
        }
    }
    let bounty: Vec<_> = m
        .bounty
        .iter()
        .filter(|(_, a)| !a.is_zero())
        .map(|(d, a)| coin(a.u128(), d))
        .collect();
    let summary = spice_event(TAG, "match_orders")
        .add_attribute("keeper", info.sender.as_str())
        .add_attribute("processed", processed.to_string())
        .add_attribute("requeued", requeued.to_string())
        .add_attribute("fills", m.fills.to_string())
        .add_attribute(
            "bounty",
            bounty
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(","),
        );
    let mut res = finish(m, summary);
    if !bounty.is_empty() {
        res = res.add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: bounty,
        });
    }
    Ok(res)
}
