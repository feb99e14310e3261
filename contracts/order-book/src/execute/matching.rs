//! Matching: price-time priority per `(resource class, denom)` book, fills that open leases in
//! the rollover-escrow with backups, `fill_order` and the keeper's `match_orders`.
//!
//! A trade always clears at the offer's price: the tenant never pays more than its max (only
//! asks priced at or below it are ever read) and the provider never gets less than its ask.
//! Every scan reads a bounded slice of one book's ordered keys (at most `MAX_SCAN` asks, of
//! which it fills from at most `MAX_CANDIDATES` usable ones, or `MAX_BIDS_PER_OFFER` bids),
//! skipping what it cannot use, and resumes from a cursor next time, never the whole book.
//!
//! One item never blocks the batch: a pair the escrow would refuse (a tenant as its own
//! provider, a denom the escrow does not take, backups it would refuse) is skipped before it is
//! tried. A call's fills open their leases in one escrow `open_leases` sub-message (per
//! `MAX_OPEN_LEASES` fills; a call with a single fill sends that fill's `open_lease`), whose
//! reply reads the escrow's per-item results: a refused item's fill is undone alone (the order
//! gets its replicas and deposit back, the offer its units; the escrow sent its deposit back in
//! the same call) while the rest stand. The keeper's bounty and a used-up offer's deposit
//! refund are paid in the same reply, only for the fills whose leases opened. When the whole
//! sub-message fails (escrow paused, out of gas, an escrow too old to know `open_leases`),
//! every fill it carried is undone and nothing is paid.

use std::collections::BTreeMap;

use cosmwasm_schema::cw_serde;
use cosmwasm_schema::serde::Deserialize;
use cosmwasm_std::{
    coin, from_json, to_json_binary, Addr, BankMsg, Binary, Coin, CosmosMsg, Decimal, Deps,
    DepsMut, Env, Event, MessageInfo, Order as IterOrder, Reply, ReplyOn, Response, StdResult,
    SubMsg, SubMsgResponse, SubMsgResult, Uint128,
};
use cw_storage_plus::Bound;
use spice_types::{
    spice_event, BackupProvider, EscrowOpenLeases, OpenLeaseItem, OpenLeaseMsg, OpenLeaseResult,
    OpenLeasesResponse, BPS_DENOMINATOR, MAX_OPEN_LEASES,
};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::book::{
    ask_filled, ask_unfilled, bid_filled, bid_unfilled, enqueue_next, insert_ask, insert_bid, live,
    nonpayable, open_offers_inc, open_orders_inc, order_book,
};
use crate::execute::{offers as offer_exec, orders as order_exec};
use crate::spec::{auditors_satisfied, mismatch};
use crate::state::{
    ask_price_key, bid_price_key, book_key, load_offer, load_order, may_load_offer, may_load_order,
    save_offer, save_order, Config, Offer, OfferStatus, Order, OrderStatus, Pending, ASKS, BIDS,
    CONFIG, PENDING,
};

/// Usable asks one order's scan fills from per call.
pub const MAX_CANDIDATES: usize = 8;
/// Asks one scan reads per call, usable or not: what it cannot use it skips, and the scan
/// resumes after the last one read next time.
pub const MAX_SCAN: usize = 24;
/// Standby providers attached to each lease (fewer when the escrow allows fewer).
pub const MAX_BACKUPS: usize = 3;
/// Bids one queued offer's scan reads per call.
pub const MAX_BIDS_PER_OFFER: usize = 4;
/// Queued items one `match_orders` works through.
pub const MAX_MATCH_LIMIT: u32 = 10;
pub const DEFAULT_MATCH_LIMIT: u32 = 5;

/// The reply id of a call's single fill's `open_lease`.
pub const FILL_REPLY_ID: u64 = 1;
/// The reply id of an `open_leases` carrying several fills (its payload: their `FillUndo`s).
pub const FILLS_REPLY_ID: u64 = 2;

type Cursor = (u128, u64);

/// What the escrow refuses that depends on its config, read once per call.
#[derive(Default)]
pub struct EscrowRules {
    accepted_denoms: Vec<String>,
    /// The standby list's longest length, the escrow's and ours.
    max_backups: usize,
}

/// The escrow's `config {}` and `pause_info {}` queries, as far as the book reads them.
#[cw_serde]
enum EscrowQuery {
    Config {},
    PauseInfo {},
}

/// The fields of the escrow's config the book needs (the rest are ignored).
#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct EscrowConfig {
    accepted_denoms: Vec<String>,
    /// Absent in escrows older than the field; their limit was 5.
    #[serde(default)]
    max_backups: Option<u32>,
}

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct EscrowPause {
    paused: bool,
}

/// Reads the escrow's rules; refuses while the escrow is paused (no lease could open, and
/// trying would only churn the queue).
fn escrow_rules(deps: Deps, config: &Config) -> Result<EscrowRules, ContractError> {
    let pause: EscrowPause = deps
        .querier
        .query_wasm_smart(&config.escrow, &EscrowQuery::PauseInfo {})?;
    if pause.paused {
        return Err(ContractError::EscrowPaused);
    }
    let c: EscrowConfig = deps
        .querier
        .query_wasm_smart(&config.escrow, &EscrowQuery::Config {})?;
    Ok(EscrowRules {
        accepted_denoms: c.accepted_denoms,
        max_backups: (c.max_backups.unwrap_or(5) as usize).min(MAX_BACKUPS),
    })
}

/// What the reply of a fill's lease needs to pay for it (success) or undo it (failure).
#[cw_serde]
pub struct FillUndo {
    pub order_id: u64,
    pub offer_id: u64,
    pub tenant: Addr,
    pub provider: Addr,
    pub replicas: u32,
    /// What the fill took from the order: the lease's deposit plus the keeper's bounty.
    pub share: Uint128,
    pub denom: String,
    pub bounty: Uint128,
    pub keeper: Option<Addr>,
    /// The deposit of the offer this fill used up, refunded once the lease opened.
    pub offer_deposit: Option<Coin>,
}

/// What one call's fills produced.
struct Matcher<'a> {
    config: &'a Config,
    rules: EscrowRules,
    height: u64,
    /// Nonzero only inside `match_orders`.
    bounty_bps: u16,
    keeper: Option<Addr>,
    events: Vec<Event>,
    bounty: BTreeMap<String, Uint128>,
    fills: u32,
    /// Every fill of this call, in order (what `keeper_work` reports) …
    undos: Vec<FillUndo>,
    /// … and the lease each one opens, in the same order.
    opens: Vec<OpenLeaseItem>,
}

impl<'a> Matcher<'a> {
    fn new(config: &'a Config, rules: EscrowRules, env: &Env, keeper: Option<Addr>) -> Self {
        Matcher {
            config,
            rules,
            height: env.block.height,
            bounty_bps: if keeper.is_some() {
                config.keeper_bounty_bps
            } else {
                0
            },
            keeper,
            events: vec![],
            bounty: BTreeMap::new(),
            fills: 0,
            undos: vec![],
            opens: vec![],
        }
    }
}

/// Why `order` and `offer` may not trade now (in the book's rules or the escrow's), or `Ok`.
fn check_pair(deps: Deps, m: &Matcher, order: &Order, offer: &Offer) -> Result<(), ContractError> {
    let (config, height) = (m.config, m.height);
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
    // The escrow refuses a lease whose tenant is its own provider.
    if order.tenant == offer.provider {
        return Err(ContractError::SelfCrossing {
            order_id: order.id,
            offer_id: offer.id,
            address: order.tenant.to_string(),
        });
    }
    if !m.rules.accepted_denoms.contains(&order.denom) {
        return Err(ContractError::EscrowRefusesDenom {
            denom: order.denom.clone(),
            accepted: m.rules.accepted_denoms.clone(),
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

/// The next-best compatible offers for `n` replicas of `order`, other than `filled`'s provider
/// and the tenant: cheapest first, one per provider, as many as the escrow takes (at most
/// `MAX_BACKUPS`), from the first `MAX_SCAN` asks at or below the order's max, skipping what
/// cannot serve (so the escrow's backup rules hold by construction).
fn backups_for(
    deps: Deps,
    m: &Matcher,
    order: &Order,
    filled: &Offer,
    n: u32,
) -> Result<Vec<BackupProvider>, ContractError> {
    let max_backups = m.rules.max_backups;
    if max_backups == 0 {
        return Ok(vec![]);
    }
    let book = order_book(order);
    let max = Bound::inclusive((ask_price_key(order.max_price_per_block), u64::MAX));
    let candidates: Vec<(Cursor, u64)> = ASKS
        .sub_prefix(&book)
        .range(deps.storage, None, Some(max), IterOrder::Ascending)
        .take(MAX_SCAN)
        .collect::<StdResult<_>>()?;
    let mut backups: Vec<BackupProvider> = vec![];
    for (_, offer_id) in candidates {
        if backups.len() == max_backups {
            break;
        }
        // The filled offer is never its own backup: not even read.
        if offer_id == filled.id {
            continue;
        }
        let Some(offer) = may_load_offer(deps.storage, offer_id)? else {
            continue;
        };
        let taken = offer.provider == filled.provider
            || offer.provider == order.tenant
            || backups
                .iter()
                .any(|b| b.provider == offer.provider.as_str());
        if taken || offer.units_left < n || check_pair(deps, m, order, &offer).is_err() {
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
        save_order(deps.storage, order, Some(OrderStatus::Open))?;
    }
    ask_filled(deps.storage, offer, n)?;
    offer.units_left -= n;
    // A used-up offer's deposit is refunded in the reply, once its lease opened.
    let offer_deposit = if offer.units_left == 0 {
        offer_exec::close(deps, offer, OfferStatus::Exhausted)?
    } else {
        save_offer(deps.storage, offer, false)?;
        None
    };

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
    let open = OpenLeaseItem {
        lease: OpenLeaseMsg {
            tenant: Some(order.tenant.to_string()),
            provider: offer.provider.to_string(),
            price_per_block: lease_price,
            denom: order.denom.clone(),
            backups,
            spec_ref: Some(format!("order-book/{}/{}", order.id, order.resource_class)),
            order_id: Some(order.id),
        },
        deposit: lease_deposit,
    };
    let undo = FillUndo {
        order_id: order.id,
        offer_id: offer.id,
        tenant: order.tenant.clone(),
        provider: offer.provider.clone(),
        replicas: n,
        share,
        denom: order.denom.clone(),
        bounty,
        keeper: m.keeper.clone().filter(|_| !bounty.is_zero()),
        offer_deposit,
    };
    m.opens.push(open);
    m.undos.push(undo);
    m.fills += 1;
    Ok(())
}

/// Fills `order_id` from the cheapest compatible asks, earliest first at equal price, reading at
/// most `MAX_SCAN` asks after `resume_after` and filling from at most `MAX_CANDIDATES` usable
/// ones, among asks with a sequence number below `seq_below`; asks it cannot use are skipped.
/// Returns whether the order needs no more scanning (filled, gone, or no ask left at its price),
/// where the scan stopped, and how many asks it read.
fn match_order(
    deps: &mut DepsMut,
    m: &mut Matcher,
    order_id: u64,
    resume_after: Option<Cursor>,
    seq_below: u64,
) -> Result<(bool, Option<Cursor>, u32), ContractError> {
    let Some(mut order) = may_load_order(deps.storage, order_id)? else {
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
        .take(MAX_SCAN + 1)
        .collect::<StdResult<_>>()?;
    let mut more = candidates.len() > MAX_SCAN;
    let mut cursor = resume_after;
    let mut scanned = 0;
    let mut usable = 0;
    for (key, offer_id) in candidates.into_iter().take(MAX_SCAN) {
        if order.remaining() == 0 {
            break;
        }
        if usable == MAX_CANDIDATES {
            more = true;
            break;
        }
        cursor = Some(key);
        scanned += 1;
        if key.1 >= seq_below {
            continue;
        }
        let Some(mut offer) = may_load_offer(deps.storage, offer_id)? else {
            continue;
        };
        if check_pair(deps.as_ref(), m, &order, &offer).is_ok() {
            usable += 1;
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
    let Some(mut offer) = may_load_offer(deps.storage, offer_id)? else {
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
        let Some(mut order) = may_load_order(deps.storage, order_id)? else {
            continue;
        };
        if check_pair(deps.as_ref(), m, &order, &offer).is_ok() {
            fill(deps, m, &mut order, &mut offer)?;
        }
    }
    let complete = offer.status != OfferStatus::Open || !more;
    Ok((complete, cursor))
}

/// The call's response: its fills' leases opened in the escrow, their events and `summary`.
///
/// A single fill sends `open_lease` as before (it needs no result list, costs the escrow no
/// batch bookkeeping, and works with an escrow of any version). Several fills go in one
/// `open_leases` per `MAX_OPEN_LEASES` (the escrow's bound; a pass fills at most
/// `MAX_MATCH_LIMIT × MAX_CANDIDATES`), each carrying its fills' `FillUndo`s as its payload: the
/// only pending reply state, one bounded record per sub-message, nothing in storage.
fn finish(m: Matcher, summary: Event) -> Result<Response, ContractError> {
    let escrow = &m.config.escrow;
    let mut msgs: Vec<SubMsg> = vec![];
    if let ([undo], [open]) = (m.undos.as_slice(), m.opens.as_slice()) {
        let msg = open
            .lease
            .clone()
            .into_cosmos_msg(escrow, coin(open.deposit.u128(), &open.lease.denom))?;
        // The reply undoes this fill if the escrow refuses the lease; it also runs on success
        // when there is a bounty or a deposit to pay out.
        let sub = if undo.bounty.is_zero() && undo.offer_deposit.is_none() {
            SubMsg::reply_on_error(msg, FILL_REPLY_ID)
        } else {
            SubMsg::reply_always(msg, FILL_REPLY_ID)
        };
        msgs.push(sub.with_payload(to_json_binary(undo)?));
    } else {
        for (opens, undos) in m
            .opens
            .chunks(MAX_OPEN_LEASES)
            .zip(m.undos.chunks(MAX_OPEN_LEASES))
        {
            let msg = EscrowOpenLeases::OpenLeases {
                leases: opens.to_vec(),
            }
            .into_cosmos_msg(escrow)?;
            // Always: a refused item must be undone, and an opened one paid.
            msgs.push(
                SubMsg::reply_always(msg, FILLS_REPLY_ID).with_payload(to_json_binary(undos)?),
            );
        }
    }
    Ok(Response::new()
        .add_submessages(msgs)
        .add_events(m.events)
        .add_event(summary))
}

/// Refuses a provider's explicit fill when a compatible offer rests ahead of `offer` in
/// price-time priority (cheaper, or as cheap and earlier): a provider may not jump the queue
/// and clear the tenant's order at a dearer price. Reads at most `MAX_SCAN` asks.
fn assert_best_offer(
    deps: Deps,
    m: &Matcher,
    order: &Order,
    offer: &Offer,
) -> Result<(), ContractError> {
    let book = order_book(order);
    let ahead = Bound::exclusive((ask_price_key(offer.price_per_block), offer.seq));
    let keys: Vec<(Cursor, u64)> = ASKS
        .sub_prefix(&book)
        .range(deps.storage, None, Some(ahead), IterOrder::Ascending)
        .take(MAX_SCAN + 1)
        .collect::<StdResult<_>>()?;
    for (_, id) in keys.iter().take(MAX_SCAN) {
        let Some(better) = may_load_offer(deps.storage, *id)? else {
            continue;
        };
        if check_pair(deps, m, order, &better).is_ok() {
            return Err(ContractError::BetterOfferRests {
                order_id: order.id,
                offer_id: offer.id,
                price: offer.price_per_block,
                better_offer_id: better.id,
                better_price: better.price_per_block,
            });
        }
    }
    if keys.len() > MAX_SCAN {
        return Err(ContractError::PriorityUnverified {
            order_id: order.id,
            offer_id: offer.id,
            scanned: MAX_SCAN as u32,
        });
    }
    Ok(())
}

/// With `offer_id`: the order's tenant fills exactly this pair (its own choice of provider, at
/// that provider's price); the offer's provider only when no compatible offer rests ahead of
/// it. Without: anyone fills the order from the cheapest compatible offers; when the bounded
/// scan found nothing usable but did not reach the order's price, the rest of the scan is
/// queued for `match_orders` instead of failing. No bounty either way.
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
    let mut order = order_exec::load(&deps, order_id)?;
    let mut scanned = 0;
    let mut queued = false;
    let mut picked_by_tenant = false;
    let rules = escrow_rules(deps.as_ref(), &config)?;
    let mut m = Matcher::new(&config, rules, &env, None);
    match offer_id {
        Some(offer_id) => {
            let mut offer = offer_exec::load(&deps, offer_id)?;
            let by_tenant = info.sender == order.tenant;
            if !by_tenant && info.sender != offer.provider {
                return Err(ContractError::NotPartyToFill {
                    order_id,
                    offer_id,
                    sender: info.sender.to_string(),
                });
            }
            check_pair(deps.as_ref(), &m, &order, &offer)?;
            if !by_tenant {
                assert_best_offer(deps.as_ref(), &m, &order, &offer)?;
            }
            picked_by_tenant = by_tenant;
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
            let (complete, cursor, read) = match_order(&mut deps, &mut m, order_id, None, head)?;
            scanned = read;
            if m.fills == 0 {
                if complete {
                    return Err(ContractError::NoCompatibleOffer { order_id, scanned });
                }
                // Unusable asks filled the bounded scan: the queue carries it on from there.
                enqueue_next(
                    deps.storage,
                    &Pending::Order {
                        id: order_id,
                        resume_after: cursor.map(|(p, s)| (Uint128::new(p), s)),
                    },
                )?;
                queued = true;
            }
        }
    }
    let summary = spice_event(TAG, "fill_order")
        .add_attribute("order_id", order_id.to_string())
        .add_attribute("sender", info.sender.as_str())
        .add_attribute("fills", m.fills.to_string())
        .add_attribute("scanned", scanned.to_string())
        .add_attribute("queued", queued.to_string())
        .add_attribute("picked_by_tenant", picked_by_tenant.to_string());
    finish(m, summary)
}

/// What one pass over the queue did: the fills (with their messages and events) and how many
/// items it took and put back.
pub struct QueueRun<'a> {
    matcher: Matcher<'a>,
    pub processed: usize,
    pub requeued: u32,
}

impl QueueRun<'_> {
    /// The fills this pass made, in order, each with the bounty its reply pays once the lease
    /// opened.
    pub fn fills(&self) -> &[FillUndo] {
        &self.matcher.undos
    }
}

/// The body of `match_orders` after its checks: up to `limit` queued items, oldest first, on
/// whatever storage `deps` carries (the chain's, or `keeper_work`'s overlay).
pub fn run_queue<'a>(
    deps: &mut DepsMut,
    env: &Env,
    config: &'a Config,
    keeper: Addr,
    limit: Option<u32>,
) -> Result<QueueRun<'a>, ContractError> {
    let limit = limit.unwrap_or(DEFAULT_MATCH_LIMIT).min(MAX_MATCH_LIMIT) as usize;
    let work: Vec<(u64, Pending)> = PENDING
        .range(deps.storage, None, None, IterOrder::Ascending)
        .take(limit)
        .collect::<StdResult<_>>()?;
    let processed = work.len();
    let rules = if work.is_empty() {
        EscrowRules::default()
    } else {
        escrow_rules(deps.as_ref(), config)?
    };
    let mut m = Matcher::new(config, rules, env, Some(keeper));
    let mut requeued = 0u32;
    for (key, item) in work {
        PENDING.remove(deps.storage, key);
        let cursor_in = |c: Option<(Uint128, u64)>| c.map(|(p, s)| (p.u128(), s));
        let cursor_out = |c: Option<Cursor>| c.map(|(p, s)| (Uint128::new(p), s));
        let again = match item {
            Pending::Order { id, resume_after } => {
                let (complete, cursor, _) =
                    match_order(deps, &mut m, id, cursor_in(resume_after), key)?;
                (!complete).then_some(Pending::Order {
                    id,
                    resume_after: cursor_out(cursor),
                })
            }
            Pending::Offer { id, resume_after } => {
                let (complete, cursor) =
                    match_offer(deps, &mut m, id, cursor_in(resume_after), key)?;
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
    Ok(QueueRun {
        matcher: m,
        processed,
        requeued,
    })
}

/// Keeper: works through up to `limit` queued orders and offers (oldest first), each with a
/// bounded scan; an item whose scan stopped at its bound goes back to the end of the queue with
/// its cursor. Pays the sender `keeper_bounty_bps` of each fill's deposit once that fill's lease
/// opened, so nothing when nothing matched. Refused while the escrow is paused (when there is
/// work), so the queue waits instead of churning.
pub fn match_orders(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let run = run_queue(&mut deps, &env, &config, info.sender.clone(), limit)?;
    let (m, processed, requeued) = (run.matcher, run.processed, run.requeued);
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
    finish(m, summary)
}

/// The escrow's answer to the call's leases. Never fails on the escrow's refusals (a failing
/// reply would revert the whole batch): `FILL_REPLY_ID` is one fill's `open_lease`, paid when it
/// opened and undone when refused; `FILLS_REPLY_ID` is an `open_leases`, whose per-item results
/// say, fill by fill in order, which to pay and which to undo, and whose failure as a whole
/// undoes every fill it carried. The only failure is an answer the book cannot read (an
/// `open_leases` that succeeded without one result per fill): then the whole call reverts,
/// leases and deposits included, so no coin is lost to a guess.
pub fn reply(deps: DepsMut, msg: Reply) -> Result<Response, ContractError> {
    match msg.id {
        FILL_REPLY_ID => {
            let undo: FillUndo = from_json(&msg.payload)?;
            match msg.result {
                SubMsgResult::Ok(_) => fill_opened(deps, undo),
                SubMsgResult::Err(error) => undo_fill(deps, undo, error),
            }
        }
        FILLS_REPLY_ID => fills_reply(deps, msg),
        id => Err(ContractError::UnknownReply { id }),
    }
}

fn fills_reply(mut deps: DepsMut, msg: Reply) -> Result<Response, ContractError> {
    let undos: Vec<FillUndo> = from_json(&msg.payload)?;
    let outcomes: Vec<Result<u64, String>> = match msg.result {
        SubMsgResult::Ok(answer) => {
            let results = open_leases_results(answer)?;
            if results.len() != undos.len() {
                return Err(ContractError::OpenLeasesAnswerUnreadable {
                    reason: format!("{} results for {} leases", results.len(), undos.len()),
                });
            }
            results
                .into_iter()
                .map(|r| match r {
                    OpenLeaseResult::Opened { lease_id } => Ok(lease_id),
                    OpenLeaseResult::Refused { error } => Err(error),
                })
                .collect()
        }
        SubMsgResult::Err(error) => undos.iter().map(|_| Err(error.clone())).collect(),
    };
    let (mut sends, mut rest, mut events) = (Sends::default(), vec![], vec![]);
    let (mut opened, mut failed) = (vec![], 0u32);
    for (undo, outcome) in undos.into_iter().zip(outcomes) {
        let res = match outcome {
            Ok(lease_id) => {
                opened.push(format!("{}:{lease_id}", undo.order_id));
                events.push(
                    spice_event(TAG, "fill_opened")
                        .add_attribute("order_id", undo.order_id.to_string())
                        .add_attribute("offer_id", undo.offer_id.to_string())
                        .add_attribute("lease_id", lease_id.to_string()),
                );
                fill_opened(deps.branch(), undo)?
            }
            Err(error) => {
                failed += 1;
                undo_fill(deps.branch(), undo, error)?
            }
        };
        events.extend(res.events);
        for sub in res.messages {
            match &sub.msg {
                CosmosMsg::Bank(BankMsg::Send { to_address, amount })
                    if sub.reply_on == ReplyOn::Never =>
                {
                    sends.add(to_address.clone(), amount.clone())?
                }
                _ => rest.push(sub),
            }
        }
    }
    events.push(
        spice_event(TAG, "fills_opened")
            .add_attribute("opened", opened.len().to_string())
            .add_attribute("failed", failed.to_string())
            // order_id:lease_id per opened fill, in fill order.
            .add_attribute("leases", opened.join(",")),
    );
    Ok(Response::new()
        .add_messages(sends.into_msgs())
        .add_submessages(rest)
        .add_events(events))
}

/// The `OpenLeasesResponse` in an `open_leases` answer: the escrow's `data`, wrapped by the
/// chain as a `MsgExecuteContractResponse` (in `msg_responses`, and in the older `data` field).
fn open_leases_results(answer: SubMsgResponse) -> Result<Vec<OpenLeaseResult>, ContractError> {
    let unreadable = |reason: String| ContractError::OpenLeasesAnswerUnreadable { reason };
    #[allow(deprecated)]
    let wrapped: Option<Binary> = answer
        .msg_responses
        .into_iter()
        .next()
        .map(|r| r.value)
        .or(answer.data);
    let wrapped = wrapped.ok_or_else(|| unreadable("no data".into()))?;
    // JSON never parses as that protobuf (its `{` is an invalid field), so an answer passed on
    // unwrapped is read as it is.
    let data = match cw_utils::parse_execute_response_data(&wrapped) {
        Ok(r) => r.data.ok_or_else(|| unreadable("empty data".into()))?,
        Err(_) => wrapped,
    };
    let answer: OpenLeasesResponse = from_json(&data).map_err(|e| unreadable(e.to_string()))?;
    Ok(answer.results)
}

/// Bank sends merged per recipient (one send for every bounty of a keeper, for instance).
#[derive(Default)]
struct Sends(Vec<(String, BTreeMap<String, Uint128>)>);

impl Sends {
    fn add(&mut self, to: String, amount: Vec<Coin>) -> Result<(), ContractError> {
        let at = match self.0.iter().position(|(t, _)| *t == to) {
            Some(i) => i,
            None => {
                self.0.push((to, BTreeMap::new()));
                self.0.len() - 1
            }
        };
        for c in amount {
            let sum = self.0[at].1.entry(c.denom).or_default();
            *sum = sum.checked_add(c.amount)?;
        }
        Ok(())
    }

    fn into_msgs(self) -> Vec<BankMsg> {
        self.0
            .into_iter()
            .map(|(to_address, coins)| BankMsg::Send {
                to_address,
                amount: coins
                    .into_iter()
                    .map(|(denom, amount)| Coin::new(amount, denom))
                    .collect(),
            })
            .collect()
    }
}

fn fill_opened(deps: DepsMut, undo: FillUndo) -> Result<Response, ContractError> {
    let mut res = Response::new();
    if let Some(keeper) = undo.keeper.as_ref().filter(|_| !undo.bounty.is_zero()) {
        res = res
            .add_message(BankMsg::Send {
                to_address: keeper.to_string(),
                amount: vec![coin(undo.bounty.u128(), &undo.denom)],
            })
            .add_event(
                spice_event(TAG, "pay_bounty")
                    .add_attribute("order_id", undo.order_id.to_string())
                    .add_attribute("offer_id", undo.offer_id.to_string())
                    .add_attribute("keeper", keeper.as_str())
                    .add_attribute("amount", undo.bounty.to_string())
                    .add_attribute("denom", &undo.denom),
            );
    }
    if let Some(deposit) = undo.offer_deposit {
        // An earlier fill of this batch on the same offer failed and reopened the offer: it
        // stands again, so its deposit goes back on its record instead of home.
        let mut offer = load_offer(deps.storage, undo.offer_id)?;
        if offer.status == OfferStatus::Open {
            offer.deposit = Some(deposit.clone());
            save_offer(deps.storage, &offer, false)?;
            res = res.add_event(
                spice_event(TAG, "offer_deposit_kept")
                    .add_attribute("offer_id", undo.offer_id.to_string())
                    .add_attribute("provider", undo.provider.as_str())
                    .add_attribute("amount", deposit.to_string()),
            );
        } else {
            let (msg, event) = offer_exec::refund_deposit(undo.offer_id, &undo.provider, deposit);
            res = res.add_message(msg).add_event(event);
        }
    }
    Ok(res)
}

/// Puts back what one fill took: the order's replicas and deposit share (bounty included, since
/// none was paid), and the offer's units and deposit; both reopen when the fill had closed them.
/// Only this transaction's fills ran in between, and they cannot close a filled order or a
/// used-up offer, so the records are as this fill left them up to other fills' arithmetic.
fn undo_fill(deps: DepsMut, undo: FillUndo, error: String) -> Result<Response, ContractError> {
    let n = undo.replicas;
    let mut res = Response::new();
    let mut order = load_order(deps.storage, undo.order_id)?;
    let reopened_order = order.status == OrderStatus::Filled;
    match order.status {
        OrderStatus::Open | OrderStatus::Filled => {
            if !reopened_order {
                bid_unfilled(deps.storage, &order, n)?;
            }
            order.filled_replicas = order.filled_replicas.checked_sub(n).ok_or_else(|| {
                cosmwasm_std::OverflowError::new(cosmwasm_std::OverflowOperation::Sub)
            })?;
            order.deposit = order.deposit.checked_add(undo.share)?;
            if reopened_order {
                order_exec::transition(&mut order, OrderStatus::Open)?;
                insert_bid(deps.storage, &order)?;
                open_orders_inc(deps.storage, &order.tenant)?;
            }
            let was = if reopened_order {
                OrderStatus::Filled
            } else {
                OrderStatus::Open
            };
            save_order(deps.storage, &order, Some(was))?;
        }
        // Cannot happen within one transaction; the tenant gets the share back all the same.
        OrderStatus::Cancelled | OrderStatus::Expired => {
            res = res.add_message(BankMsg::Send {
                to_address: undo.tenant.to_string(),
                amount: vec![coin(undo.share.u128(), &undo.denom)],
            });
        }
    }
    let mut offer = load_offer(deps.storage, undo.offer_id)?;
    let reopened_offer = offer.status == OfferStatus::Exhausted && offer.units_left == 0;
    match offer.status {
        OfferStatus::Open => {
            ask_unfilled(deps.storage, &offer, n)?;
            offer.units_left += n;
            // This fill used the offer up, but an earlier failed fill of the batch reopened
            // it without the deposit (this fill carried it): it goes back on the record.
            if let Some(d) = undo.offer_deposit.clone() {
                offer.deposit = Some(d);
            }
            save_offer(deps.storage, &offer, false)?;
        }
        OfferStatus::Exhausted => {
            offer_exec::transition(&mut offer, OfferStatus::Open)?;
            offer.units_left = n;
            // Only the fill that used the offer up carries its deposit; when a later fill
            // did, that fill's reply (failed or opened) puts it back on this record.
            if undo.offer_deposit.is_some() {
                offer.deposit = undo.offer_deposit.clone();
            }
            insert_ask(deps.storage, &offer)?;
            open_offers_inc(deps.storage, &offer.provider)?;
            save_offer(deps.storage, &offer, false)?;
        }
        OfferStatus::Withdrawn | OfferStatus::Expired => {
            if let Some(d) = undo.offer_deposit.clone() {
                let (msg, event) = offer_exec::refund_deposit(offer.id, &offer.provider, d);
                res = res.add_message(msg).add_event(event);
            }
        }
    }
    Ok(res.add_event(
        spice_event(TAG, "fill_failed")
            .add_attribute("order_id", undo.order_id.to_string())
            .add_attribute("offer_id", undo.offer_id.to_string())
            .add_attribute("tenant", undo.tenant.as_str())
            .add_attribute("provider", undo.provider.as_str())
            .add_attribute("replicas", n.to_string())
            .add_attribute("restored", undo.share.to_string())
            .add_attribute("denom", &undo.denom)
            .add_attribute("order_reopened", reopened_order.to_string())
            .add_attribute("offer_reopened", reopened_offer.to_string())
            .add_attribute("error", error),
    ))
}
