//! Tenants' standing orders: place, amend, cancel, and the order state machine.

use cosmwasm_std::{coins, BankMsg, Decimal, DepsMut, Env, MessageInfo, Response, Uint128};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::book::{
    enqueue, enqueue_next, insert_bid, live, nonpayable, one_coin, open_orders_dec, remove_bid,
};
use crate::spec::{order_class, validate_order_spec, OrderSpec, MAX_REPLICAS};
use crate::state::{
    may_load_order, next_order_id, next_seq, save_order, Config, Order, OrderStatus, Pending,
    CONFIG, OPEN_ORDERS,
};

/// The one place an order's status changes: open → filled | cancelled | expired, and
/// filled → open only when the escrow refused the lease of the fill that completed it
/// (`matching::reply` undoes that fill in the same transaction).
pub fn transition(order: &mut Order, to: OrderStatus) -> Result<(), ContractError> {
    match (order.status, to) {
        (
            OrderStatus::Open,
            OrderStatus::Filled | OrderStatus::Cancelled | OrderStatus::Expired,
        )
        | (OrderStatus::Filled, OrderStatus::Open) => {
            order.status = to;
            Ok(())
        }
        (from, to) => Err(ContractError::InvalidOrderTransition {
            order_id: order.id,
            from: from.name().into(),
            to: to.name().into(),
        }),
    }
}

/// Takes an open order out of the book into a terminal status; returns what it still held
/// (the caller refunds it or has moved it to the escrow).
pub fn close(
    deps: &mut DepsMut,
    order: &mut Order,
    to: OrderStatus,
) -> Result<Uint128, ContractError> {
    remove_bid(deps.storage, order)?;
    let was = order.status;
    transition(order, to)?;
    open_orders_dec(deps.storage, &order.tenant)?;
    let held = order.deposit;
    order.deposit = Uint128::zero();
    save_order(deps.storage, order, Some(was))?;
    Ok(held)
}

/// The least deposit for `replicas` at `price`:
/// `max(ceil(min_runway_blocks × price × replicas), replicas)`.
/// Rounded up, against the tenant, so the runway is never short by a fraction; and at least one
/// base unit per replica so every fill's share of it is a non-zero coin.
pub fn required_deposit(
    config: &Config,
    price: Decimal,
    replicas: u32,
) -> Result<Uint128, ContractError> {
    let blocks = Uint128::from(config.min_runway_blocks).checked_mul(replicas.into())?;
    Ok(blocks.checked_mul_ceil(price)?.max(replicas.into()))
}

fn check_denom(config: &Config, denom: &str) -> Result<(), ContractError> {
    if !config.accepted_denoms.iter().any(|d| d == denom) {
        return Err(ContractError::DenomNotAccepted {
            denom: denom.to_string(),
            accepted: config.accepted_denoms.clone(),
        });
    }
    Ok(())
}

fn check_price(field: &str, price: Decimal) -> Result<(), ContractError> {
    if price.is_zero() {
        return Err(ContractError::ZeroPrice {
            field: field.to_string(),
        });
    }
    Ok(())
}

fn check_replicas(value: u32, min: u32) -> Result<(), ContractError> {
    if value < min || value > MAX_REPLICAS {
        return Err(ContractError::ReplicasOutOfRange {
            value,
            min,
            max: MAX_REPLICAS,
        });
    }
    Ok(())
}

pub fn check_expiry(expires_at: Option<u64>, env: &Env) -> Result<(), ContractError> {
    if let Some(at) = expires_at {
        if at <= env.block.height {
            return Err(ContractError::ExpiryNotInFuture {
                expires_at: at,
                height: env.block.height,
            });
        }
    }
    Ok(())
}

pub fn load(deps: &DepsMut, order_id: u64) -> Result<Order, ContractError> {
    may_load_order(deps.storage, order_id)?.ok_or(ContractError::OrderNotFound { order_id })
}

fn load_own_open(
    deps: &DepsMut,
    info: &MessageInfo,
    order_id: u64,
) -> Result<Order, ContractError> {
    let order = load(deps, order_id)?;
    if order.tenant != info.sender {
        return Err(ContractError::NotOrderTenant {
            order_id,
            sender: info.sender.to_string(),
        });
    }
    if order.status != OrderStatus::Open {
        return Err(ContractError::OrderNotOpen {
            order_id,
            status: order.status.name().into(),
        });
    }
    Ok(order)
}

// One argument per message field, so contract.rs stays a table of contents.
#[allow(clippy::too_many_arguments)]
pub fn place(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    spec: OrderSpec,
    max_price_per_block: Decimal,
    denom: String,
    expires_at: Option<u64>,
    replicas: u32,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let config = CONFIG.load(deps.storage)?;
    check_denom(&config, &denom)?;
    check_price("max_price_per_block", max_price_per_block)?;
    check_replicas(replicas, 1)?;
    check_expiry(expires_at, &env)?;
    let spec = validate_order_spec(deps.api, spec)?;
    if !spec.signed_by.is_empty() && config.provider_registry.is_none() {
        return Err(ContractError::SignedByNeedsRegistry);
    }
    let open = OPEN_ORDERS
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    if open >= config.max_open_orders_per_tenant {
        return Err(ContractError::TooManyOpenOrders {
            tenant: info.sender.to_string(),
            max: config.max_open_orders_per_tenant,
        });
    }
    let deposit = one_coin(&info, &denom)?;
    let needed = required_deposit(&config, max_price_per_block, replicas)?;
    if deposit < needed {
        return Err(ContractError::InsufficientDeposit {
            denom,
            needed,
            available: deposit,
        });
    }

    let (id, seq) = next_order_id(deps.storage)?;
    let order = Order {
        id,
        tenant: info.sender.clone(),
        resource_class: order_class(&spec.resources),
        spec,
        denom,
        max_price_per_block,
        replicas,
        filled_replicas: 0,
        deposit,
        seq,
        expires_at,
        created_at: env.block.height,
        status: OrderStatus::Open,
    };
    save_order(deps.storage, &order, None)?;
    insert_bid(deps.storage, &order)?;
    OPEN_ORDERS.save(deps.storage, &order.tenant, &(open + 1))?;
    enqueue(
        deps.storage,
        order.seq,
        &Pending::Order {
            id,
            resume_after: None,
        },
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "place_order")
            .add_attribute("order_id", id.to_string())
            .add_attribute("tenant", order.tenant.as_str())
            .add_attribute("resource_class", &order.resource_class)
            .add_attribute("denom", &order.denom)
            .add_attribute("max_price_per_block", max_price_per_block.to_string())
            .add_attribute("replicas", replicas.to_string())
            .add_attribute("deposit", deposit.to_string())
            .add_attribute("seq", order.seq.to_string()),
    ))
}

pub fn amend(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    order_id: u64,
    max_price_per_block: Option<Decimal>,
    expires_at: Option<u64>,
    replicas: Option<u32>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let config = CONFIG.load(deps.storage)?;
    let old = load_own_open(&deps, &info, order_id)?;
    if max_price_per_block.is_none()
        && expires_at.is_none()
        && replicas.is_none()
        && info.funds.is_empty()
    {
        return Err(ContractError::NothingToAmend);
    }
    let top_up = if info.funds.is_empty() {
        Uint128::zero()
    } else {
        one_coin(&info, &old.denom)?
    };
    let price = max_price_per_block.unwrap_or(old.max_price_per_block);
    check_price("max_price_per_block", price)?;
    check_expiry(expires_at, &env)?;
    let total = replicas.unwrap_or(old.replicas);
    if total <= old.filled_replicas {
        return Err(ContractError::ReplicasBelowFilled {
            replicas: total,
            filled: old.filled_replicas,
        });
    }
    check_replicas(total, 1)?;

    let mut order = old.clone();
    order.max_price_per_block = price;
    order.replicas = total;
    order.expires_at = expires_at.or(old.expires_at);
    order.deposit = old.deposit.checked_add(top_up)?;
    let needed = required_deposit(&config, price, order.remaining())?;
    if order.deposit < needed {
        return Err(ContractError::InsufficientDeposit {
            denom: order.denom,
            needed,
            available: order.deposit,
        });
    }
    // Time priority survives unless the price goes up: a raise joins the back of its new level.
    let raised = price > old.max_price_per_block;
    if raised {
        order.seq = next_seq(deps.storage)?;
    }
    remove_bid(deps.storage, &old)?;
    insert_bid(deps.storage, &order)?;
    save_order(deps.storage, &order, Some(OrderStatus::Open))?;
    // Only a higher price, more replicas or a new expiry (which may revive an order that had
    // expired when its queue item ran) can make new matches.
    if raised || order.remaining() > old.remaining() || order.expires_at != old.expires_at {
        enqueue_next(
            deps.storage,
            &Pending::Order {
                id: order_id,
                resume_after: None,
            },
        )?;
    }
    Ok(Response::new().add_event(
        spice_event(TAG, "amend_order")
            .add_attribute("order_id", order_id.to_string())
            .add_attribute("max_price_per_block", price.to_string())
            .add_attribute("replicas", total.to_string())
            .add_attribute("deposit", order.deposit.to_string())
            .add_attribute("kept_priority", (!raised).to_string())
            .add_attribute("seq", order.seq.to_string()),
    ))
}

/// Open while paused: a tenant can always take back what the book holds for it.
pub fn cancel(
    mut deps: DepsMut,
    info: MessageInfo,
    order_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut order = load_own_open(&deps, &info, order_id)?;
    let refund = close(&mut deps, &mut order, OrderStatus::Cancelled)?;
    let mut res = Response::new();
    if !refund.is_zero() {
        res = res.add_message(BankMsg::Send {
            to_address: order.tenant.to_string(),
            amount: coins(refund.u128(), &order.denom),
        });
    }
    Ok(res.add_event(
        spice_event(TAG, "cancel_order")
            .add_attribute("order_id", order_id.to_string())
            .add_attribute("tenant", order.tenant.as_str())
            .add_attribute("refund", refund.to_string())
            .add_attribute("denom", &order.denom),
    ))
}

/// Whether the order still matches at `height`.
pub fn order_live(order: &Order, height: u64) -> bool {
    order.status == OrderStatus::Open && live(order.expires_at, height)
}
