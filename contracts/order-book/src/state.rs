use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Coin, Decimal, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};

use crate::spec::{Capacity, OrderSpec};

#[cw_serde]
pub struct Config {
    pub escrow: Addr,
    pub accepted_denoms: Vec<String>,
    pub min_runway_blocks: u64,
    pub max_open_orders_per_tenant: u32,
    pub provider_registry: Option<Addr>,
    /// Share of each fill's deposit paid to the keeper whose `match_orders` made it (at most
    /// `MAX_KEEPER_BOUNTY_BPS`); 0 pays none.
    #[serde(default)]
    pub keeper_bounty_bps: u16,
    /// Open offers one provider may have at once (1 to 100), against spam.
    #[serde(default = "default_max_open_offers")]
    pub max_open_offers_per_provider: u32,
    /// The refundable deposit every new offer locks (like Akash's bid deposit), against Sybil
    /// offers; `None` charges nothing, allowed only when `provider_registry` gates offers.
    /// Refunded when the offer is withdrawn, expires or is used up by fills; never forfeited.
    /// Left out of the JSON when `None`, so a book migrated from 0.1.0 answers as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_deposit: Option<Coin>,
}

pub fn default_max_open_offers() -> u32 {
    20
}

/// Where an order is in its life. Every change goes through `execute::orders::transition`.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum OrderStatus {
    /// Waiting in the book (possibly with some replicas already filled).
    Open,
    /// Every replica has a lease. Terminal.
    Filled,
    /// Withdrawn by the tenant, the rest of the deposit refunded. Terminal.
    Cancelled,
    /// Removed by `expire_orders`, the rest of the deposit refunded. Terminal.
    Expired,
}

impl OrderStatus {
    pub fn name(&self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::Filled => "filled",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
        }
    }
}

/// Where an offer is in its life. Every change goes through `execute::offers::transition`.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum OfferStatus {
    Open,
    /// Every unit sold. Terminal.
    Exhausted,
    Withdrawn,
    Expired,
}

impl OfferStatus {
    pub fn name(&self) -> &'static str {
        match self {
            OfferStatus::Open => "open",
            OfferStatus::Exhausted => "exhausted",
            OfferStatus::Withdrawn => "withdrawn",
            OfferStatus::Expired => "expired",
        }
    }
}

#[cw_serde]
pub struct Order {
    pub id: u64,
    pub tenant: Addr,
    pub spec: OrderSpec,
    pub resource_class: String,
    pub denom: String,
    pub max_price_per_block: Decimal,
    /// Replicas wanted in total.
    pub replicas: u32,
    pub filled_replicas: u32,
    /// Held by the book for the replicas not yet filled.
    pub deposit: Uint128,
    /// Time priority: lower is earlier. Kept on amendments that do not raise the price.
    pub seq: u64,
    /// Block height from which the order no longer matches and may be expired.
    pub expires_at: Option<u64>,
    pub created_at: u64,
    pub status: OrderStatus,
}

impl Order {
    pub fn remaining(&self) -> u32 {
        self.replicas - self.filled_replicas
    }
}

#[cw_serde]
pub struct Offer {
    pub id: u64,
    pub provider: Addr,
    pub capacity: Capacity,
    pub resource_class: String,
    pub denom: String,
    pub price_per_block: Decimal,
    pub units: u32,
    pub units_left: u32,
    pub seq: u64,
    pub expires_at: Option<u64>,
    pub created_at: u64,
    pub status: OfferStatus,
    /// What the book holds for this offer (the config's `offer_deposit` when it was posted);
    /// `None` once refunded, and for offers posted without one.
    /// Left out of the JSON when `None` (offers from 0.1.0 answer as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit: Option<Coin>,
}

/// Work waiting for `match_orders`: an order or offer that arrived (or changed so that it may
/// cross), with where its last bounded scan stopped.
#[cw_serde]
pub enum Pending {
    /// Scan the order's asks from after `(price atomics, seq)`.
    Order {
        id: u64,
        resume_after: Option<(Uint128, u64)>,
    },
    /// Scan the offer's bids from after `(inverted price atomics, seq)`.
    Offer {
        id: u64,
        resume_after: Option<(Uint128, u64)>,
    },
}

pub struct OrderIndexes<'a> {
    pub status: MultiIndex<'a, String, Order, u64>,
    pub tenant: MultiIndex<'a, Addr, Order, u64>,
    pub tenant_status: MultiIndex<'a, (Addr, String), Order, u64>,
}

impl IndexList<Order> for OrderIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Order>> + '_> {
        let v: Vec<&dyn Index<Order>> = vec![&self.status, &self.tenant, &self.tenant_status];
        Box::new(v.into_iter())
    }
}

pub fn orders<'a>() -> IndexedMap<u64, Order, OrderIndexes<'a>> {
    IndexedMap::new(
        "od",
        OrderIndexes {
            status: MultiIndex::new(|_, o: &Order| o.status.name().to_string(), "od", "os"),
            tenant: MultiIndex::new(|_, o: &Order| o.tenant.clone(), "od", "ot"),
            tenant_status: MultiIndex::new(
                |_, o: &Order| (o.tenant.clone(), o.status.name().to_string()),
                "od",
                "ou",
            ),
        },
    )
}

pub struct OfferIndexes<'a> {
    pub provider: MultiIndex<'a, Addr, Offer, u64>,
}

impl IndexList<Offer> for OfferIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Offer>> + '_> {
        let v: Vec<&dyn Index<Offer>> = vec![&self.provider];
        Box::new(v.into_iter())
    }
}

pub fn offers<'a>() -> IndexedMap<u64, Offer, OfferIndexes<'a>> {
    IndexedMap::new(
        "fd",
        OfferIndexes {
            provider: MultiIndex::new(|_, o: &Offer| o.provider.clone(), "fd", "fp"),
        },
    )
}

pub const CONFIG: Item<Config> = Item::new("cfg");
/// One sequence for time priority and the pending queue; strictly increasing.
pub const SEQ: Item<u64> = Item::new("sq");
pub const NEXT_ORDER_ID: Item<u64> = Item::new("ni");
pub const NEXT_OFFER_ID: Item<u64> = Item::new("nf");

/// The book's bid side: `(book, u128::MAX − price atomics, seq) → order id` for open orders
/// only, so ascending order is highest price first, then earliest. `book` is
/// `"<resource class>|<denom>"` (a class never contains `|`).
pub const BIDS: Map<(&str, u128, u64), u64> = Map::new("bd");
/// The ask side: `(book, price atomics, seq) → offer id` for open offers: cheapest, then earliest.
pub const ASKS: Map<(&str, u128, u64), u64> = Map::new("ak");
/// Replicas wanted per bid price level (same price encoding as `BIDS`), for `depth`.
pub const BID_LEVELS: Map<(&str, u128), u64> = Map::new("bl");
/// Units offered per ask price level, for `depth`.
pub const ASK_LEVELS: Map<(&str, u128), u64> = Map::new("al");
/// `(expires_at, order id)` for open orders that expire.
pub const ORDER_EXPIRY: Map<(u64, u64), ()> = Map::new("xo");
/// `(expires_at, offer id)` for open offers that expire.
pub const OFFER_EXPIRY: Map<(u64, u64), ()> = Map::new("xf");
/// `seq → work` for `match_orders`, oldest first.
pub const PENDING: Map<u64, Pending> = Map::new("pq");
/// Open orders per tenant (the cap's counter, O(1)).
pub const OPEN_ORDERS: Map<&Addr, u32> = Map::new("tc");
/// Open offers per provider.
pub const OPEN_OFFERS: Map<&Addr, u32> = Map::new("pc");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &[
    "cfg", "sq", "ni", "nf", "od", "os", "ot", "ou", "fd", "fp", "bd", "ak", "bl", "al", "xo",
    "xf", "pq", "tc", "pc",
];

pub fn book_key(class: &str, denom: &str) -> String {
    format!("{class}|{denom}")
}

/// Bid keys sort highest price first.
pub fn bid_price_key(price: Decimal) -> u128 {
    u128::MAX - price.atomics().u128()
}

pub fn ask_price_key(price: Decimal) -> u128 {
    price.atomics().u128()
}

pub fn next_seq(storage: &mut dyn cosmwasm_std::Storage) -> cosmwasm_std::StdResult<u64> {
    let seq = SEQ.may_load(storage)?.unwrap_or_default() + 1;
    SEQ.save(storage, &seq)?;
    Ok(seq)
}
