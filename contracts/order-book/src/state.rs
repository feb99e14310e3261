use cosmwasm_schema::cw_serde;
use cosmwasm_schema::serde::{Deserialize, Serialize};
use cosmwasm_std::{Addr, Coin, Decimal, StdResult, Storage, Uint128};
use cw_storage_plus::{Index, Item, Map, MultiIndex, PrimaryKey};

use crate::spec::{
    offer_class, order_class, Attribute, Capacity, Gpu, OrderSpec, Resources, SignedBy,
};

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
/// cross), with where its last bounded scan stopped. Stored with one-letter variant names and
/// no empty cursor; items queued by 0.1.0 and 0.2.0 (`order` / `offer`) read as aliases.
#[cw_serde]
pub enum Pending {
    /// Scan the order's asks from after `(price atomics, seq)`.
    #[serde(rename = "o", alias = "order")]
    Order {
        id: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume_after: Option<(Uint128, u64)>,
    },
    /// Scan the offer's bids from after `(inverted price atomics, seq)`.
    #[serde(rename = "f", alias = "offer")]
    Offer {
        id: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume_after: Option<(Uint128, u64)>,
    },
}

// ---- stored records ----
//
// Orders and offers are stored in a compact form: short field names, the id only in the key,
// and empty fields left out, so every write costs fewer bytes (30 SDK gas each). The long names
// of the records written by 0.1.0 and 0.2.0 are read as aliases, so those records need no
// migration. Queries answer the public `Order` / `Offer` built from them, as before.
//
// The indexes are maintained by hand (`save_order`, `save_offer`): an index entry is written
// only when its key changes (a status change), never on a fill or an amendment, and the key
// formats are cw-storage-plus' `MultiIndex` ones, so the entries 0.1.0 wrote stay valid.

fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}

fn gpu_is_empty(g: &Gpu) -> bool {
    g.units == 0 && g.vendor.is_none() && g.model.is_none()
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(crate = "cosmwasm_schema::serde")]
struct StoredResources {
    #[serde(rename = "c", alias = "cpu_millis")]
    cpu_millis: u64,
    #[serde(rename = "m", alias = "memory_bytes")]
    memory_bytes: u64,
    #[serde(rename = "s", alias = "storage_bytes")]
    storage_bytes: u64,
    #[serde(
        rename = "g",
        alias = "gpu",
        default,
        skip_serializing_if = "gpu_is_empty"
    )]
    gpu: Gpu,
}

impl From<Resources> for StoredResources {
    fn from(r: Resources) -> Self {
        StoredResources {
            cpu_millis: r.cpu_millis,
            memory_bytes: r.memory_bytes,
            storage_bytes: r.storage_bytes,
            gpu: r.gpu,
        }
    }
}

impl From<StoredResources> for Resources {
    fn from(r: StoredResources) -> Self {
        Resources {
            cpu_millis: r.cpu_millis,
            memory_bytes: r.memory_bytes,
            storage_bytes: r.storage_bytes,
            gpu: r.gpu,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(crate = "cosmwasm_schema::serde")]
struct StoredSpec {
    #[serde(rename = "r", alias = "resources")]
    resources: StoredResources,
    #[serde(
        rename = "g",
        alias = "region",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    region: Option<String>,
    #[serde(
        rename = "a",
        alias = "attributes",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    attributes: Vec<Attribute>,
    #[serde(
        rename = "s",
        alias = "signed_by",
        default,
        skip_serializing_if = "SignedBy::is_empty"
    )]
    signed_by: SignedBy,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(crate = "cosmwasm_schema::serde")]
struct StoredCapacity {
    #[serde(rename = "r", alias = "resources")]
    resources: StoredResources,
    #[serde(
        rename = "g",
        alias = "region",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    region: Option<String>,
    #[serde(
        rename = "a",
        alias = "attributes",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    attributes: Vec<Attribute>,
}

/// An `Order` as stored (see above); its id is the key.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(crate = "cosmwasm_schema::serde")]
pub struct StoredOrder {
    #[serde(rename = "t", alias = "tenant")]
    tenant: Addr,
    #[serde(rename = "p", alias = "spec")]
    spec: StoredSpec,
    /// Written by 0.1.0 and 0.2.0; now derived from the resources (the same function placed
    /// it), so never written again.
    #[serde(rename = "c", alias = "resource_class", default, skip_serializing)]
    resource_class: Option<String>,
    #[serde(rename = "d", alias = "denom")]
    denom: String,
    #[serde(rename = "x", alias = "max_price_per_block")]
    max_price_per_block: Decimal,
    #[serde(rename = "r", alias = "replicas")]
    replicas: u32,
    #[serde(
        rename = "f",
        alias = "filled_replicas",
        default,
        skip_serializing_if = "is_zero_u32"
    )]
    filled_replicas: u32,
    #[serde(rename = "v", alias = "deposit")]
    deposit: Uint128,
    #[serde(rename = "q", alias = "seq")]
    seq: u64,
    #[serde(
        rename = "e",
        alias = "expires_at",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    expires_at: Option<u64>,
    #[serde(rename = "h", alias = "created_at")]
    created_at: u64,
    #[serde(rename = "s", alias = "status")]
    status: OrderStatus,
    /// Records written by 0.1.0 and 0.2.0 repeat their key here; never written again.
    #[serde(default, skip_serializing)]
    id: Option<u64>,
}

impl StoredOrder {
    fn from_order(o: &Order) -> Self {
        StoredOrder {
            tenant: o.tenant.clone(),
            spec: StoredSpec {
                resources: o.spec.resources.clone().into(),
                region: o.spec.region.clone(),
                attributes: o.spec.attributes.clone(),
                signed_by: o.spec.signed_by.clone(),
            },
            resource_class: None,
            denom: o.denom.clone(),
            max_price_per_block: o.max_price_per_block,
            replicas: o.replicas,
            filled_replicas: o.filled_replicas,
            deposit: o.deposit,
            seq: o.seq,
            expires_at: o.expires_at,
            created_at: o.created_at,
            status: o.status,
            id: None,
        }
    }

    pub fn into_order(self, id: u64) -> Order {
        let resources: Resources = self.spec.resources.into();
        let resource_class = self
            .resource_class
            .unwrap_or_else(|| order_class(&resources));
        Order {
            id,
            tenant: self.tenant,
            spec: OrderSpec {
                resources,
                region: self.spec.region,
                attributes: self.spec.attributes,
                signed_by: self.spec.signed_by,
            },
            resource_class,
            denom: self.denom,
            max_price_per_block: self.max_price_per_block,
            replicas: self.replicas,
            filled_replicas: self.filled_replicas,
            deposit: self.deposit,
            seq: self.seq,
            expires_at: self.expires_at,
            created_at: self.created_at,
            status: self.status,
        }
    }
}

/// An `Offer` as stored (see above); its id is the key.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(crate = "cosmwasm_schema::serde")]
pub struct StoredOffer {
    #[serde(rename = "p", alias = "provider")]
    provider: Addr,
    #[serde(rename = "k", alias = "capacity")]
    capacity: StoredCapacity,
    /// Written by 0.1.0 and 0.2.0; now derived from the resources (the same function placed
    /// it), so never written again.
    #[serde(rename = "c", alias = "resource_class", default, skip_serializing)]
    resource_class: Option<String>,
    #[serde(rename = "d", alias = "denom")]
    denom: String,
    #[serde(rename = "x", alias = "price_per_block")]
    price_per_block: Decimal,
    #[serde(rename = "u", alias = "units")]
    units: u32,
    #[serde(rename = "l", alias = "units_left")]
    units_left: u32,
    #[serde(rename = "q", alias = "seq")]
    seq: u64,
    #[serde(
        rename = "e",
        alias = "expires_at",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    expires_at: Option<u64>,
    #[serde(rename = "h", alias = "created_at")]
    created_at: u64,
    #[serde(rename = "s", alias = "status")]
    status: OfferStatus,
    /// The deposit when its denom is not the offer's.
    #[serde(
        rename = "v",
        alias = "deposit",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    deposit: Option<Coin>,
    /// The deposit's amount when its denom is the offer's (the common case: no denom repeated).
    #[serde(rename = "w", default, skip_serializing_if = "Option::is_none")]
    deposit_amount: Option<Uint128>,
    /// Records written by 0.1.0 and 0.2.0 repeat their key here; never written again.
    #[serde(default, skip_serializing)]
    id: Option<u64>,
}

impl StoredOffer {
    fn from_offer(o: &Offer) -> Self {
        StoredOffer {
            provider: o.provider.clone(),
            capacity: StoredCapacity {
                resources: o.capacity.resources.clone().into(),
                region: o.capacity.region.clone(),
                attributes: o.capacity.attributes.clone(),
            },
            resource_class: None,
            denom: o.denom.clone(),
            price_per_block: o.price_per_block,
            units: o.units,
            units_left: o.units_left,
            seq: o.seq,
            expires_at: o.expires_at,
            created_at: o.created_at,
            status: o.status,
            deposit: o.deposit.clone().filter(|d| d.denom != o.denom),
            deposit_amount: o
                .deposit
                .as_ref()
                .filter(|d| d.denom == o.denom)
                .map(|d| d.amount),
            id: None,
        }
    }

    pub fn into_offer(self, id: u64) -> Offer {
        let resources: Resources = self.capacity.resources.into();
        let resource_class = self
            .resource_class
            .unwrap_or_else(|| offer_class(&resources));
        let deposit = self.deposit.or(self.deposit_amount.map(|amount| Coin {
            denom: self.denom.clone(),
            amount,
        }));
        Offer {
            id,
            provider: self.provider,
            capacity: Capacity {
                resources,
                region: self.capacity.region,
                attributes: self.capacity.attributes,
            },
            resource_class,
            denom: self.denom,
            price_per_block: self.price_per_block,
            units: self.units,
            units_left: self.units_left,
            seq: self.seq,
            expires_at: self.expires_at,
            created_at: self.created_at,
            status: self.status,
            deposit,
        }
    }
}

/// Orders by id.
pub const ORDERS: Map<u64, StoredOrder> = Map::new("od");
/// Offers by id.
pub const OFFERS: Map<u64, StoredOffer> = Map::new("fd");

/// `(status, id)` for every order.
pub fn order_status_index<'a>() -> MultiIndex<'a, String, StoredOrder, u64> {
    MultiIndex::new(|_, o: &StoredOrder| o.status.name().to_string(), "od", "os")
}

/// `(tenant, status, id)` for every order; also answers "all of a tenant's orders" (one
/// prefix per status, merged).
pub fn order_tenant_status_index<'a>() -> MultiIndex<'a, (Addr, String), StoredOrder, u64> {
    MultiIndex::new(
        |_, o: &StoredOrder| (o.tenant.clone(), o.status.name().to_string()),
        "od",
        "ou",
    )
}

/// `(provider, id)` for every offer.
pub fn offer_provider_index<'a>() -> MultiIndex<'a, Addr, StoredOffer, u64> {
    MultiIndex::new(|_, o: &StoredOffer| o.provider.clone(), "fd", "fp")
}

pub fn may_load_order(storage: &dyn Storage, id: u64) -> StdResult<Option<Order>> {
    Ok(ORDERS.may_load(storage, id)?.map(|o| o.into_order(id)))
}

pub fn load_order(storage: &dyn Storage, id: u64) -> StdResult<Order> {
    Ok(ORDERS.load(storage, id)?.into_order(id))
}

pub fn load_offer(storage: &dyn Storage, id: u64) -> StdResult<Offer> {
    Ok(OFFERS.load(storage, id)?.into_offer(id))
}

pub fn may_load_offer(storage: &dyn Storage, id: u64) -> StdResult<Option<Offer>> {
    Ok(OFFERS.may_load(storage, id)?.map(|o| o.into_offer(id)))
}

/// Writes `order`; `was` is the status it had in storage (`None` for a new order). The status
/// indexes are rewritten only when the status changed.
pub fn save_order(
    storage: &mut dyn Storage,
    order: &Order,
    was: Option<OrderStatus>,
) -> StdResult<()> {
    let stored = StoredOrder::from_order(order);
    if was != Some(order.status) {
        let pk = order.id.joined_key();
        if let Some(was) = was {
            let mut old = stored.clone();
            old.status = was;
            order_status_index().remove(storage, &pk, &old)?;
            order_tenant_status_index().remove(storage, &pk, &old)?;
        }
        order_status_index().save(storage, &pk, &stored)?;
        order_tenant_status_index().save(storage, &pk, &stored)?;
    }
    ORDERS.save(storage, order.id, &stored)
}

/// Writes `offer`; `is_new` writes its provider index entry (the only index, whose key never
/// changes).
pub fn save_offer(storage: &mut dyn Storage, offer: &Offer, is_new: bool) -> StdResult<()> {
    let stored = StoredOffer::from_offer(offer);
    if is_new {
        offer_provider_index().save(storage, &offer.id.joined_key(), &stored)?;
    }
    OFFERS.save(storage, offer.id, &stored)
}

pub const CONFIG: Item<Config> = Item::new("cfg");
/// One sequence for time priority and the pending queue; strictly increasing.
/// The 0.1.0 and 0.2.0 books kept the three counters under a key each; `counters` reads them until `COUNTERS` is
/// first written.
const LEGACY_SEQ: Item<u64> = Item::new("sq");
const LEGACY_NEXT_ORDER_ID: Item<u64> = Item::new("ni");
const LEGACY_NEXT_OFFER_ID: Item<u64> = Item::new("nf");

/// The book's counters in one record, so a new order or offer reads and writes one key for its
/// id and sequence number.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(crate = "cosmwasm_schema::serde")]
pub struct Counters {
    /// One sequence for time priority and the pending queue; strictly increasing.
    #[serde(rename = "s")]
    pub seq: u64,
    /// The last order id given.
    #[serde(rename = "o")]
    pub order: u64,
    /// The last offer id given.
    #[serde(rename = "f")]
    pub offer: u64,
}

pub const COUNTERS: Item<Counters> = Item::new("ct");

pub fn counters(storage: &dyn Storage) -> StdResult<Counters> {
    match COUNTERS.may_load(storage)? {
        Some(c) => Ok(c),
        None => Ok(Counters {
            seq: LEGACY_SEQ.may_load(storage)?.unwrap_or_default(),
            order: LEGACY_NEXT_ORDER_ID.may_load(storage)?.unwrap_or_default(),
            offer: LEGACY_NEXT_OFFER_ID.may_load(storage)?.unwrap_or_default(),
        }),
    }
}

/// A new order's id and sequence number.
pub fn next_order_id(storage: &mut dyn Storage) -> StdResult<(u64, u64)> {
    let mut c = counters(storage)?;
    c.order += 1;
    c.seq += 1;
    COUNTERS.save(storage, &c)?;
    Ok((c.order, c.seq))
}

/// A new offer's id and sequence number.
pub fn next_offer_id(storage: &mut dyn Storage) -> StdResult<(u64, u64)> {
    let mut c = counters(storage)?;
    c.offer += 1;
    c.seq += 1;
    COUNTERS.save(storage, &c)?;
    Ok((c.offer, c.seq))
}

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
    "cfg", "ct", "sq", "ni", "nf", "od", "os", "ot", "ou", "fd", "fp", "bd", "ak", "bl", "al",
    "xo", "xf", "pq", "tc", "pc",
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

pub fn next_seq(storage: &mut dyn Storage) -> StdResult<u64> {
    let mut c = counters(storage)?;
    c.seq += 1;
    COUNTERS.save(storage, &c)?;
    Ok(c.seq)
}
