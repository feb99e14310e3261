use cosmwasm_std::{Decimal, Deps, Order as IterOrder, StdResult};
use cw_storage_plus::Bound;
use spice_types::page_limit;

use crate::error::ContractError;
use crate::msg::{
    DepthResponse, OffersResponse, OrdersResponse, PriceLevel, ResourceClassResponse,
};
use crate::spec::{offer_class, order_class, Resources};
use crate::state::{
    book_key, offers, orders, Config, Offer, Order, OrderStatus, ASK_LEVELS, BID_LEVELS, CONFIG,
};

pub fn config(deps: Deps) -> StdResult<Config> {
    CONFIG.load(deps.storage)
}

pub fn order(deps: Deps, order_id: u64) -> Result<Order, ContractError> {
    orders()
        .may_load(deps.storage, order_id)?
        .ok_or(ContractError::OrderNotFound { order_id })
}

pub fn offer(deps: Deps, offer_id: u64) -> Result<Offer, ContractError> {
    offers()
        .may_load(deps.storage, offer_id)?
        .ok_or(ContractError::OfferNotFound { offer_id })
}

/// Ascending by id; each filter is an index prefix, never a filtered scan.
pub fn list_orders(
    deps: Deps,
    tenant: Option<String>,
    status: Option<OrderStatus>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<OrdersResponse, ContractError> {
    let limit = page_limit(limit);
    let start = start_after.map(Bound::exclusive);
    let map = orders();
    let tenant = tenant.map(|t| deps.api.addr_validate(&t)).transpose()?;
    let page: Vec<(u64, Order)> = match (tenant, status) {
        (Some(t), Some(s)) => map
            .idx
            .tenant_status
            .prefix((t, s.name().to_string()))
            .range(deps.storage, start, None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
        (Some(t), None) => map
            .idx
            .tenant
            .prefix(t)
            .range(deps.storage, start, None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
        (None, Some(s)) => map
            .idx
            .status
            .prefix(s.name().to_string())
            .range(deps.storage, start, None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
        (None, None) => map
            .range(deps.storage, start, None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
    };
    Ok(OrdersResponse {
        orders: page.into_iter().map(|(_, o)| o).collect(),
    })
}

pub fn list_offers(
    deps: Deps,
    provider: Option<String>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<OffersResponse, ContractError> {
    let limit = page_limit(limit);
    let start = start_after.map(Bound::exclusive);
    let map = offers();
    let page: Vec<(u64, Offer)> = match provider {
        Some(p) => map
            .idx
            .provider
            .prefix(deps.api.addr_validate(&p)?)
            .range(deps.storage, start, None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
        None => map
            .range(deps.storage, start, None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
    };
    Ok(OffersResponse {
        offers: page.into_iter().map(|(_, o)| o).collect(),
    })
}

/// Up to `limit` price levels per side, read from the per-level totals.
pub fn depth(
    deps: Deps,
    resource_class: String,
    denom: String,
    limit: Option<u32>,
) -> StdResult<DepthResponse> {
    let limit = page_limit(limit);
    let book = book_key(&resource_class, &denom);
    let level = |price: u128, units: u64| PriceLevel {
        price_per_block: Decimal::raw(price),
        units,
    };
    let bids = BID_LEVELS
        .prefix(&book)
        .range(deps.storage, None, None, IterOrder::Ascending)
        .take(limit)
        .map(|r| r.map(|(inv, units)| level(u128::MAX - inv, units)))
        .collect::<StdResult<_>>()?;
    let asks = ASK_LEVELS
        .prefix(&book)
        .range(deps.storage, None, None, IterOrder::Ascending)
        .take(limit)
        .map(|r| r.map(|(p, units)| level(p, units)))
        .collect::<StdResult<_>>()?;
    Ok(DepthResponse { bids, asks })
}

pub fn resource_class(resources: Resources) -> ResourceClassResponse {
    ResourceClassResponse {
        order_class: order_class(&resources),
        offer_class: offer_class(&resources),
    }
}
