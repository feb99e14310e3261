//! `expire_orders`: removes expired orders (refunding what they hold) and offers, oldest
//! expiry first, through the expiry indexes. Open to anyone, also while paused.

use cosmwasm_std::{
    coins, BankMsg, DepsMut, Env, MessageInfo, Order as IterOrder, Response, StdResult, Storage,
};
use cw_storage_plus::Bound;
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::book::nonpayable;
use crate::execute::{offers as offer_exec, orders as order_exec};
use crate::state::{OfferStatus, OrderStatus, OFFER_EXPIRY, ORDER_EXPIRY};

pub const DEFAULT_EXPIRE_LIMIT: u32 = 10;
/// Orders and offers (together) one call removes.
pub const MAX_EXPIRE_LIMIT: u32 = 30;

/// The orders and offers `expire_orders { limit }` removes at `height`: up to `limit` (at most
/// `MAX_EXPIRE_LIMIT`) in all, orders first, each side oldest expiry first. Read by the call and
/// by `keeper_work`, so both list the same ids.
pub fn due(
    storage: &dyn Storage,
    height: u64,
    limit: Option<u32>,
) -> StdResult<(Vec<u64>, Vec<u64>)> {
    let limit = limit.unwrap_or(DEFAULT_EXPIRE_LIMIT).min(MAX_EXPIRE_LIMIT) as usize;
    // Expired at `height` means expires_at <= height.
    let due = Some(Bound::inclusive((height, u64::MAX)));
    let orders: Vec<u64> = ORDER_EXPIRY
        .keys(storage, None, due.clone(), IterOrder::Ascending)
        .take(limit)
        .map(|k| k.map(|(_, id)| id))
        .collect::<StdResult<_>>()?;
    let offers: Vec<u64> = OFFER_EXPIRY
        .keys(storage, None, due, IterOrder::Ascending)
        .take(limit - orders.len())
        .map(|k| k.map(|(_, id)| id))
        .collect::<StdResult<_>>()?;
    Ok((orders, offers))
}

pub fn expire(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let (due_orders, due_offers) = due(deps.storage, env.block.height, limit)?;
    let mut res = Response::new();
    for order_id in &due_orders {
        let mut order = order_exec::load(&deps, *order_id)?;
        let refund = order_exec::close(&mut deps, &mut order, OrderStatus::Expired)?;
        if !refund.is_zero() {
            res = res.add_message(BankMsg::Send {
                to_address: order.tenant.to_string(),
                amount: coins(refund.u128(), &order.denom),
            });
        }
        res = res.add_event(
            spice_event(TAG, "expire_order")
                .add_attribute("order_id", order_id.to_string())
                .add_attribute("tenant", order.tenant.as_str())
                .add_attribute("refund", refund.to_string())
                .add_attribute("denom", &order.denom),
        );
    }
    for offer_id in &due_offers {
        let mut offer = offer_exec::load(&deps, *offer_id)?;
        let deposit = offer_exec::close(&mut deps, &mut offer, OfferStatus::Expired)?;
        res = res.add_event(
            spice_event(TAG, "expire_offer")
                .add_attribute("offer_id", offer_id.to_string())
                .add_attribute("provider", offer.provider.as_str()),
        );
        // An expired offer's deposit goes back to its provider: expiry is not misconduct.
        res = offer_exec::with_refund(res, &offer, deposit);
    }
    Ok(res.add_event(
        spice_event(TAG, "expire_orders")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("orders", due_orders.len().to_string())
            .add_attribute("offers", due_offers.len().to_string()),
    ))
}
