use cosmwasm_std::{coin, Coin, Decimal, Deps, DepsMut, Env, Order as IterOrder, StdResult};
use cw_storage_plus::Bound;
use spice_types::page_limit;

use crate::error::ContractError;
use crate::execute::expiry::{due, DEFAULT_EXPIRE_LIMIT, MAX_EXPIRE_LIMIT};
use crate::execute::matching::{run_queue, DEFAULT_MATCH_LIMIT, MAX_MATCH_LIMIT};
use crate::msg::{
    DepthResponse, ExecuteMsg, ExpireWork, FillPreview, KeeperWorkResponse, MatchWork,
    OffersResponse, OrdersResponse, PriceLevel, ResourceClassResponse,
};
use crate::spec::{offer_class, order_class, Resources};
use crate::state::{
    book_key, may_load_offer, may_load_order, offer_provider_index, order_status_index,
    order_tenant_status_index, Config, Offer, Order, OrderStatus, StoredOffer, StoredOrder,
    ASK_LEVELS, BID_LEVELS, CONFIG, OFFERS, ORDERS, PENDING,
};
use spice_types::overlay::Overlay;

pub fn config(deps: Deps) -> StdResult<Config> {
    CONFIG.load(deps.storage)
}

pub fn order(deps: Deps, order_id: u64) -> Result<Order, ContractError> {
    may_load_order(deps.storage, order_id)?.ok_or(ContractError::OrderNotFound { order_id })
}

pub fn offer(deps: Deps, offer_id: u64) -> Result<Offer, ContractError> {
    may_load_offer(deps.storage, offer_id)?.ok_or(ContractError::OfferNotFound { offer_id })
}

const STATUSES: [OrderStatus; 4] = [
    OrderStatus::Open,
    OrderStatus::Filled,
    OrderStatus::Cancelled,
    OrderStatus::Expired,
];

/// Ascending by id; each filter is an index prefix, never a filtered scan. A tenant without a
/// status reads one page of each status prefix and merges them (at most 4 × `limit` entries).
pub fn list_orders(
    deps: Deps,
    tenant: Option<String>,
    status: Option<OrderStatus>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<OrdersResponse, ContractError> {
    let limit = page_limit(limit);
    let start = || start_after.map(Bound::exclusive);
    let tenant = tenant.map(|t| deps.api.addr_validate(&t)).transpose()?;
    let mut page: Vec<(u64, StoredOrder)> = match (tenant, status) {
        (Some(t), Some(s)) => order_tenant_status_index()
            .prefix((t, s.name().to_string()))
            .range(deps.storage, start(), None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
        (Some(t), None) => {
            let mut merged = vec![];
            for s in STATUSES {
                let part: Vec<(u64, StoredOrder)> = order_tenant_status_index()
                    .prefix((t.clone(), s.name().to_string()))
                    .range(deps.storage, start(), None, IterOrder::Ascending)
                    .take(limit)
                    .collect::<StdResult<_>>()?;
                merged.extend(part);
            }
            merged.sort_by_key(|(id, _)| *id);
            merged
        }
        (None, Some(s)) => order_status_index()
            .prefix(s.name().to_string())
            .range(deps.storage, start(), None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
        (None, None) => ORDERS
            .range(deps.storage, start(), None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
    };
    page.truncate(limit);
    Ok(OrdersResponse {
        orders: page.into_iter().map(|(id, o)| o.into_order(id)).collect(),
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
    let page: Vec<(u64, StoredOffer)> = match provider {
        Some(p) => offer_provider_index()
            .prefix(deps.api.addr_validate(&p)?)
            .range(deps.storage, start, None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
        None => OFFERS
            .range(deps.storage, start, None, IterOrder::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
    };
    Ok(OffersResponse {
        offers: page.into_iter().map(|(id, o)| o.into_offer(id)).collect(),
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

/// See `QueryMsg::KeeperWork`. `match_orders` runs here on an overlay of the book (writes kept in
/// memory and dropped), through the same `run_queue` the call uses, so its fills and bounty are
/// the call's at this height, assuming each lease opens (the book skips every pair the escrow
/// would refuse before trying it).
pub fn keeper_work(
    deps: Deps,
    env: Env,
    limit: Option<u32>,
) -> Result<KeeperWorkResponse, ContractError> {
    let height = env.block.height;
    // The call's own default and cap; at least one, so the listed call does something.
    let match_limit = limit
        .unwrap_or(DEFAULT_MATCH_LIMIT)
        .clamp(1, MAX_MATCH_LIMIT);
    let queued = PENDING
        .keys(deps.storage, None, None, IterOrder::Ascending)
        .next()
        .is_some();
    let match_orders = if queued {
        let msg = ExecuteMsg::MatchOrders {
            limit: Some(match_limit),
        };
        let mut overlay = Overlay::new(deps.storage);
        let mut scratch = DepsMut {
            storage: &mut overlay,
            api: deps.api,
            querier: deps.querier,
        };
        let config = CONFIG.load(deps.storage)?;
        let run = spice_governance::assert_not_paused(deps.storage)
            .map_err(ContractError::from)
            .and_then(|()| {
                run_queue(
                    &mut scratch,
                    &env,
                    &config,
                    env.contract.address.clone(),
                    Some(match_limit),
                )
            });
        Some(match run {
            Ok(run) => {
                let mut bounty: Vec<Coin> = vec![];
                let mut fills = vec![];
                for f in run.fills() {
                    if !f.bounty.is_zero() {
                        match bounty.iter_mut().find(|c| c.denom == f.denom) {
                            Some(c) => c.amount = c.amount.checked_add(f.bounty)?,
                            None => bounty.push(coin(f.bounty.u128(), &f.denom)),
                        }
                    }
                    fills.push(FillPreview {
                        order_id: f.order_id,
                        offer_id: f.offer_id,
                        replicas: f.replicas,
                        deposit: coin(f.share.checked_sub(f.bounty)?.u128(), &f.denom),
                        bounty: coin(f.bounty.u128(), &f.denom),
                    });
                }
                MatchWork {
                    msg,
                    items: run.processed as u32,
                    fills,
                    bounty,
                    refusal: None,
                }
            }
            Err(e) => MatchWork {
                msg,
                items: 0,
                fills: vec![],
                bounty: vec![],
                refusal: Some(e.to_string()),
            },
        })
    } else {
        None
    };
    let expire_limit = limit
        .unwrap_or(DEFAULT_EXPIRE_LIMIT)
        .clamp(1, MAX_EXPIRE_LIMIT);
    let (orders, offers) = due(deps.storage, height, Some(expire_limit))?;
    let expire_orders = (!orders.is_empty() || !offers.is_empty()).then_some(ExpireWork {
        msg: ExecuteMsg::ExpireOrders {
            limit: Some(expire_limit),
        },
        orders,
        offers,
    });
    Ok(KeeperWorkResponse {
        match_orders,
        expire_orders,
    })
}
