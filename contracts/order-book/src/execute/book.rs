//! The book's ordered keys and counters: every write to `BIDS`, `ASKS`, their price levels, the
//! expiry indexes, the pending queue and the open counters goes through here, so an order is
//! in the book exactly while it is open (and an offer likewise). Each helper touches a constant
//! number of keys.

use cosmwasm_std::{Addr, Coin, MessageInfo, StdResult, Storage, Uint128};
use cw_storage_plus::Map;

use crate::error::ContractError;
use crate::state::{
    ask_price_key, bid_price_key, book_key, next_seq, Offer, Order, Pending, ASKS, ASK_LEVELS,
    BIDS, BID_LEVELS, OFFER_EXPIRY, OPEN_OFFERS, OPEN_ORDERS, ORDER_EXPIRY, PENDING,
};

fn level_add(
    levels: &Map<(&str, u128), u64>,
    storage: &mut dyn Storage,
    book: &str,
    price: u128,
    units: u64,
) -> Result<(), ContractError> {
    // Nothing to change (an order or offer closing after its last fill): no read, no write.
    if units == 0 {
        return Ok(());
    }
    let current = levels.may_load(storage, (book, price))?.unwrap_or_default();
    let next = current
        .checked_add(units)
        .ok_or_else(|| cosmwasm_std::OverflowError::new(cosmwasm_std::OverflowOperation::Add))?;
    levels.save(storage, (book, price), &next)?;
    Ok(())
}

fn level_sub(
    levels: &Map<(&str, u128), u64>,
    storage: &mut dyn Storage,
    book: &str,
    price: u128,
    units: u64,
) -> Result<(), ContractError> {
    // Nothing to change (an order or offer closing after its last fill): no read, no write.
    if units == 0 {
        return Ok(());
    }
    let current = levels.may_load(storage, (book, price))?.unwrap_or_default();
    let next = current
        .checked_sub(units)
        .ok_or_else(|| cosmwasm_std::OverflowError::new(cosmwasm_std::OverflowOperation::Sub))?;
    if next == 0 {
        levels.remove(storage, (book, price));
    } else {
        levels.save(storage, (book, price), &next)?;
    }
    Ok(())
}

pub fn order_book(order: &Order) -> String {
    book_key(&order.resource_class, &order.denom)
}

pub fn offer_book(offer: &Offer) -> String {
    book_key(&offer.resource_class, &offer.denom)
}

/// Puts an open order on the bid side (and its expiry in the expiry index).
pub fn insert_bid(storage: &mut dyn Storage, order: &Order) -> Result<(), ContractError> {
    let book = order_book(order);
    let price = bid_price_key(order.max_price_per_block);
    BIDS.save(storage, (&book, price, order.seq), &order.id)?;
    level_add(&BID_LEVELS, storage, &book, price, order.remaining().into())?;
    if let Some(at) = order.expires_at {
        ORDER_EXPIRY.save(storage, (at, order.id), &())?;
    }
    Ok(())
}

/// Takes an order off the bid side with what it still wants.
pub fn remove_bid(storage: &mut dyn Storage, order: &Order) -> Result<(), ContractError> {
    let book = order_book(order);
    let price = bid_price_key(order.max_price_per_block);
    BIDS.remove(storage, (&book, price, order.seq));
    level_sub(&BID_LEVELS, storage, &book, price, order.remaining().into())?;
    if let Some(at) = order.expires_at {
        ORDER_EXPIRY.remove(storage, (at, order.id));
    }
    Ok(())
}

/// `n` replicas of an order were filled: its level shrinks by `n`.
pub fn bid_filled(storage: &mut dyn Storage, order: &Order, n: u32) -> Result<(), ContractError> {
    let book = order_book(order);
    let price = bid_price_key(order.max_price_per_block);
    level_sub(&BID_LEVELS, storage, &book, price, n.into())
}

/// A fill of `n` replicas was undone (its lease refused): its level grows back by `n`.
pub fn bid_unfilled(storage: &mut dyn Storage, order: &Order, n: u32) -> Result<(), ContractError> {
    let book = order_book(order);
    let price = bid_price_key(order.max_price_per_block);
    level_add(&BID_LEVELS, storage, &book, price, n.into())
}

pub fn insert_ask(storage: &mut dyn Storage, offer: &Offer) -> Result<(), ContractError> {
    let book = offer_book(offer);
    let price = ask_price_key(offer.price_per_block);
    ASKS.save(storage, (&book, price, offer.seq), &offer.id)?;
    level_add(&ASK_LEVELS, storage, &book, price, offer.units_left.into())?;
    if let Some(at) = offer.expires_at {
        OFFER_EXPIRY.save(storage, (at, offer.id), &())?;
    }
    Ok(())
}

pub fn remove_ask(storage: &mut dyn Storage, offer: &Offer) -> Result<(), ContractError> {
    let book = offer_book(offer);
    let price = ask_price_key(offer.price_per_block);
    ASKS.remove(storage, (&book, price, offer.seq));
    level_sub(&ASK_LEVELS, storage, &book, price, offer.units_left.into())?;
    if let Some(at) = offer.expires_at {
        OFFER_EXPIRY.remove(storage, (at, offer.id));
    }
    Ok(())
}

pub fn ask_filled(storage: &mut dyn Storage, offer: &Offer, n: u32) -> Result<(), ContractError> {
    let book = offer_book(offer);
    let price = ask_price_key(offer.price_per_block);
    level_sub(&ASK_LEVELS, storage, &book, price, n.into())
}

pub fn ask_unfilled(storage: &mut dyn Storage, offer: &Offer, n: u32) -> Result<(), ContractError> {
    let book = offer_book(offer);
    let price = ask_price_key(offer.price_per_block);
    level_add(&ASK_LEVELS, storage, &book, price, n.into())
}

/// Queues work for `match_orders` under `key` (a fresh sequence number). When the item is
/// processed it only meets counterparties with a lower sequence number: those that arrived
/// later meet it when their own item is processed, so the queue replays arrivals in order.
pub fn enqueue(storage: &mut dyn Storage, key: u64, work: &Pending) -> StdResult<()> {
    PENDING.save(storage, key, work)
}

/// Queues work under the next sequence number.
pub fn enqueue_next(storage: &mut dyn Storage, work: &Pending) -> StdResult<()> {
    let key = next_seq(storage)?;
    enqueue(storage, key, work)
}

fn count_change(
    map: &Map<&Addr, u32>,
    storage: &mut dyn Storage,
    who: &Addr,
    up: bool,
) -> Result<u32, ContractError> {
    let current = map.may_load(storage, who)?.unwrap_or_default();
    let next = if up {
        current.checked_add(1)
    } else {
        current.checked_sub(1)
    }
    .ok_or_else(|| cosmwasm_std::OverflowError::new(cosmwasm_std::OverflowOperation::Sub))?;
    if next == 0 {
        map.remove(storage, who);
    } else {
        map.save(storage, who, &next)?;
    }
    Ok(next)
}

pub fn open_orders_inc(storage: &mut dyn Storage, tenant: &Addr) -> Result<u32, ContractError> {
    count_change(&OPEN_ORDERS, storage, tenant, true)
}

pub fn open_orders_dec(storage: &mut dyn Storage, tenant: &Addr) -> Result<u32, ContractError> {
    count_change(&OPEN_ORDERS, storage, tenant, false)
}

pub fn open_offers_inc(storage: &mut dyn Storage, provider: &Addr) -> Result<u32, ContractError> {
    count_change(&OPEN_OFFERS, storage, provider, true)
}

pub fn open_offers_dec(storage: &mut dyn Storage, provider: &Addr) -> Result<u32, ContractError> {
    count_change(&OPEN_OFFERS, storage, provider, false)
}

/// Exactly one coin of `denom`, non-zero.
pub fn one_coin(info: &MessageInfo, denom: &str) -> Result<Uint128, ContractError> {
    match info.funds.as_slice() {
        [] => Err(ContractError::NoFunds {
            denom: denom.to_string(),
        }),
        [Coin { denom: d, amount }] if d == denom && !amount.is_zero() => Ok(*amount),
        [Coin { denom: d, amount }] if d == denom && amount.is_zero() => {
            Err(ContractError::NoFunds {
                denom: denom.to_string(),
            })
        }
        [c] => Err(ContractError::WrongDenom {
            expected: denom.to_string(),
            got: c.denom.clone(),
        }),
        coins => Err(ContractError::MultipleCoins {
            denom: denom.to_string(),
            coins: coins.to_vec(),
        }),
    }
}

/// Messages that move no money in refuse coins, so nothing is stranded outside the accounting.
pub fn nonpayable(info: &MessageInfo) -> Result<(), ContractError> {
    if info.funds.is_empty() {
        Ok(())
    } else {
        Err(ContractError::UnexpectedFunds {
            coins: info.funds.clone(),
        })
    }
}

/// Whether something that expires at `expires_at` still counts at `height`.
pub fn live(expires_at: Option<u64>, height: u64) -> bool {
    expires_at.is_none_or(|at| height < at)
}
