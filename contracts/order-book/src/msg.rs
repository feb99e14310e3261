use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Coin, Decimal};
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::spec::{Capacity, OrderSpec, Resources};
use crate::state::{Config, Offer, Order, OrderStatus};

#[cw_serde]
pub struct InstantiateMsg {
    /// Governance (a DAO or the gov module); defaults to the instantiator.
    pub owner: Option<String>,
    /// May pause, never unpause.
    pub guardian: Option<String>,
    /// The rollover-escrow a fill opens its lease in.
    pub escrow: String,
    /// Denoms orders and offers may be priced in.
    pub accepted_denoms: Vec<String>,
    /// An order's deposit must pay at least this many blocks at its max price.
    pub min_runway_blocks: u64,
    /// Open orders one tenant may have at once (1 to 100), against spam.
    pub max_open_orders_per_tenant: u32,
    /// When set, only providers audited in this provider-incentives registry may post offers.
    pub provider_registry: Option<String>,
    /// Bps of each fill's deposit paid to the keeper whose `match_orders` made the fill
    /// (at most 100 = 1%); default 0.
    #[serde(default)]
    pub keeper_bounty_bps: Option<u16>,
    /// Open offers one provider may have at once (1 to 100); default 20.
    #[serde(default)]
    pub max_open_offers_per_provider: Option<u32>,
    /// Refundable deposit each `post_offer` must attach (exactly this coin); refunded when the
    /// offer is withdrawn, expires or is used up. Required (non-zero) when no
    /// `provider_registry` gates offers; default none.
    #[serde(default)]
    pub offer_deposit: Option<Coin>,
}

/// Each field left out keeps its value; the result is validated exactly like instantiate.
#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub escrow: Option<String>,
    pub accepted_denoms: Option<Vec<String>>,
    pub min_runway_blocks: Option<u64>,
    pub max_open_orders_per_tenant: Option<u32>,
    pub provider_registry: Option<String>,
    #[serde(default)]
    pub keeper_bounty_bps: Option<u16>,
    #[serde(default)]
    pub max_open_offers_per_provider: Option<u32>,
    /// A zero amount removes the deposit (refused unless a provider registry gates offers).
    /// Offers already posted keep (and get back) what they paid.
    #[serde(default)]
    pub offer_deposit: Option<Coin>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Owner only.
    UpdateConfig(ConfigUpdate),
    /// Two-step ownership transfer (cw-ownable): propose, accept, or renounce.
    UpdateOwnership(OwnershipAction),
    /// Owner only; `null` removes the guardian.
    SetGuardian { guardian: Option<String> },
    /// Owner or guardian.
    Pause {},
    /// Owner only.
    Unpause {},

    /// A standing order for `replicas` × `spec`, paying at most `max_price_per_block` per
    /// replica. Send exactly one coin of `denom`, at least
    /// `max(ceil(min_runway_blocks × max_price_per_block × replicas), replicas)`.
    PlaceOrder {
        spec: OrderSpec,
        max_price_per_block: Decimal,
        denom: String,
        /// Block height from which the order stops matching.
        expires_at: Option<u64>,
        replicas: u32,
    },
    /// Tenant only. Keeps time priority unless the price is raised. Coins sent are added to the
    /// deposit (required when the new terms need more).
    AmendOrder {
        order_id: u64,
        max_price_per_block: Option<Decimal>,
        expires_at: Option<u64>,
        /// New total (filled replicas included).
        replicas: Option<u32>,
    },
    /// Tenant only; refunds what the order still holds. Open while paused.
    CancelOrder { order_id: u64 },
    /// `units` of `spec_capacity` at `price_per_block` per unit. Attach exactly the config's
    /// `offer_deposit` (nothing when there is none).
    PostOffer {
        spec_capacity: Capacity,
        price_per_block: Decimal,
        denom: String,
        units: u32,
        expires_at: Option<u64>,
    },
    /// Provider only; refunds the offer's deposit. Open while paused.
    WithdrawOffer { offer_id: u64 },
    /// With `offer_id`: the order's tenant fills this pair at the offer's price; the offer's
    /// provider only when no compatible offer rests ahead of it (cheaper, or as cheap and
    /// earlier). Without: anyone fills the order from the cheapest compatible offers.
    FillOrder {
        order_id: u64,
        offer_id: Option<u64>,
    },
    /// Keeper: works through up to `limit` (at most 10) queued orders and offers.
    MatchOrders { limit: Option<u32> },
    /// Anyone: removes up to `limit` (at most 30) expired orders and offers, refunding deposits.
    /// Open while paused.
    ExpireOrders { limit: Option<u32> },
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    Config {},
    #[returns(spice_governance::Ownership<String>)]
    Ownership {},
    #[returns(PauseInfoResponse)]
    PauseInfo {},
    #[returns(Order)]
    Order { order_id: u64 },
    /// By id ascending; filtered by tenant and/or status through indexes.
    #[returns(OrdersResponse)]
    Orders {
        tenant: Option<String>,
        status: Option<OrderStatus>,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    #[returns(Offer)]
    Offer { offer_id: u64 },
    #[returns(OffersResponse)]
    Offers {
        provider: Option<String>,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Price levels of one book, best first on each side.
    #[returns(DepthResponse)]
    Depth {
        resource_class: String,
        denom: String,
        limit: Option<u32>,
    },
    /// The classes an order for, and an offer of, these resources fall in.
    #[returns(ResourceClassResponse)]
    ResourceClass { resources: Resources },
    /// Keeper work waiting now, one entry per call worth sending, each with the bounty it pays:
    /// what `match_orders { limit }` would fill (run on a scratch copy of the book, so it is
    /// exactly what the call does at this height) and what `expire_orders { limit }` would
    /// remove. `limit` is the one the calls would be sent with (capped like them: 10 queued
    /// items, 30 expiries). Both calls always start at the head of their queue, so there is
    /// no `start_after`: after a call, ask again.
    #[returns(KeeperWorkResponse)]
    KeeperWork { limit: Option<u32> },
}

#[cw_serde]
pub struct KeeperWorkResponse {
    /// `None` when nothing is queued for matching.
    pub match_orders: Option<MatchWork>,
    /// `None` when no open order or offer has expired.
    pub expire_orders: Option<ExpireWork>,
}

#[cw_serde]
pub struct MatchWork {
    /// The call to send.
    pub msg: ExecuteMsg,
    /// Queued items the call works through (an item whose bounded scan stops early goes back
    /// to the end of the queue).
    pub items: u32,
    /// The fills it would make, in order. Empty: the call only advances the queue and pays no
    /// bounty.
    pub fills: Vec<FillPreview>,
    /// What the call pays its sender, per denom: the sum of the fills' bounties (each paid once
    /// its lease opened in the escrow).
    pub bounty: Vec<Coin>,
    /// Why the call would fail now (paused book or escrow); `fills` and `bounty` are then empty.
    pub refusal: Option<String>,
}

#[cw_serde]
pub struct FillPreview {
    pub order_id: u64,
    pub offer_id: u64,
    pub replicas: u32,
    /// What the lease would open with, after the bounty.
    pub deposit: Coin,
    pub bounty: Coin,
}

#[cw_serde]
pub struct ExpireWork {
    /// The call to send; it pays no bounty.
    pub msg: ExecuteMsg,
    /// Orders it would expire (refunding their deposits), oldest expiry first.
    pub orders: Vec<u64>,
    /// Offers it would expire (refunding their deposits).
    pub offers: Vec<u64>,
}

#[cw_serde]
pub struct OrdersResponse {
    pub orders: Vec<Order>,
}

#[cw_serde]
pub struct OffersResponse {
    pub offers: Vec<Offer>,
}

#[cw_serde]
pub struct PriceLevel {
    pub price_per_block: Decimal,
    /// Replicas wanted (bids) or units offered (asks) at this price.
    pub units: u64,
}

#[cw_serde]
pub struct DepthResponse {
    /// Highest first.
    pub bids: Vec<PriceLevel>,
    /// Lowest first.
    pub asks: Vec<PriceLevel>,
}

#[cw_serde]
pub struct ResourceClassResponse {
    pub order_class: String,
    pub offer_class: String,
}

#[cw_serde]
pub struct MigrateMsg {}
