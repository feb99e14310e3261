//! `open_leases`: the order book opens every lease of one matching pass in one call.
//!
//! Each item runs exactly `open_lease`'s code (`lease::open`), whose failures all come before
//! its first write, so a refused item is skipped with nothing of it written, reported in an
//! `open_lease_refused` event and in the response's per-item results, and its deposit goes back
//! to the order book in the same call (one bank send for every refused item); the other items
//! open. Only what concerns the whole call refuses it: a paused escrow, a sender other than the
//! order book, an empty or oversized list, or attached coins that are not exactly the items'
//! deposits summed per denom. A whole refused call moves nothing: the order book's reply then
//! undoes every fill of its pass.

use std::collections::BTreeMap;

use cosmwasm_std::{
    to_json_binary, BankMsg, Coin, DepsMut, Env, Event, MessageInfo, Response, SubMsg, Uint128,
};
use spice_types::{
    spice_event, OpenLeaseItem, OpenLeaseResult, OpenLeasesResponse, MAX_OPEN_LEASES,
};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::lease;
use crate::state::CONFIG;

pub fn open_leases(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    leases: Vec<OpenLeaseItem>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let cfg = CONFIG.load(deps.storage)?;
    if cfg.order_book.as_ref() != Some(&info.sender) {
        return Err(ContractError::NotOrderBook {
            sender: info.sender.to_string(),
            order_book: cfg
                .order_book
                .map_or_else(|| "(none configured)".to_string(), |a| a.to_string()),
        });
    }
    if leases.is_empty() {
        return Err(ContractError::EmptyBatch);
    }
    if leases.len() > MAX_OPEN_LEASES {
        return Err(ContractError::BatchTooLarge {
            count: leases.len(),
            max: MAX_OPEN_LEASES,
        });
    }
    check_funds(&info, &leases)?;

    let mut results = Vec::with_capacity(leases.len());
    let mut events: Vec<Event> = vec![];
    let mut opened: Vec<String> = vec![];
    let mut refund: BTreeMap<String, Uint128> = BTreeMap::new();
    let mut messages: Vec<SubMsg> = vec![];
    for (index, item) in leases.into_iter().enumerate() {
        let deposit = Coin::new(item.deposit, item.lease.denom.clone());
        let refused = spice_event(TAG, "open_lease_refused")
            .add_attribute("index", index.to_string())
            .add_attribute(
                "order_id",
                item.lease
                    .order_id
                    .map_or_else(|| "none".to_string(), |o| o.to_string()),
            )
            .add_attribute("tenant", item.lease.tenant.clone().unwrap_or_default())
            .add_attribute("provider", &item.lease.provider)
            .add_attribute("deposit", deposit.to_string());
        let item_info = MessageInfo {
            sender: info.sender.clone(),
            // A zero deposit is refused by the item itself (`ZeroAmount`), like `open_lease`.
            funds: vec![deposit.clone()],
        };
        match lease::open_with_id(deps.branch(), env.clone(), item_info, item.lease) {
            Ok((lease_id, res)) => {
                events.extend(res.events);
                // Whatever an opening sends goes out with the batch (today it sends nothing).
                messages.extend(res.messages);
                opened.push(lease_id.to_string());
                results.push(OpenLeaseResult::Opened { lease_id });
            }
            Err(err) => {
                let error = err.to_string();
                events.push(refused.add_attribute("reason", &error));
                if !deposit.amount.is_zero() {
                    let sum = refund.entry(deposit.denom).or_default();
                    *sum = sum.checked_add(deposit.amount)?;
                }
                results.push(OpenLeaseResult::Refused { error });
            }
        }
    }
    let refund: Vec<Coin> = refund
        .into_iter()
        .map(|(denom, amount)| Coin::new(amount, denom))
        .collect();
    let summary = spice_event(TAG, "open_leases")
        .add_attribute("sender", info.sender.as_str())
        .add_attribute("items", results.len().to_string())
        .add_attribute("opened", opened.len().to_string())
        .add_attribute("refused", (results.len() - opened.len()).to_string())
        .add_attribute("lease_ids", opened.join(","))
        .add_attribute(
            "refunded",
            refund
                .iter()
                .map(Coin::to_string)
                .collect::<Vec<_>>()
                .join(","),
        );
    let mut res = Response::new()
        .add_events(events)
        .add_submessages(messages)
        .add_event(summary)
        .set_data(to_json_binary(&OpenLeasesResponse { results })?);
    if !refund.is_empty() {
        // Every refused item's deposit, back to the order book that attached it.
        res = res.add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: refund,
        });
    }
    Ok(res)
}

/// The attached coins are exactly the items' deposits, summed per denom (zero deposits count
/// for nothing: the chain carries no zero coin).
fn check_funds(info: &MessageInfo, leases: &[OpenLeaseItem]) -> Result<(), ContractError> {
    crate::execute::batch::funds_equal_listed(
        info,
        leases
            .iter()
            .map(|item| (item.lease.denom.as_str(), item.deposit)),
    )
}
