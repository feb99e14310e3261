//! Batches: a provider's withdrawals, a keeper's settlements and top-ups, and a tenant's deposits
//! over many leases in one call. Each item runs exactly the single message's code (`*_one`),
//! whose failures all come before its first write, so a failed item is skipped with nothing of
//! it changed (reported in a `batch_item_skipped` event with its reason) and never reverts the
//! others; only a batch in which every item fails is refused, with the first item's error. Bank sends to the same recipient are merged into one (one send per recipient,
//! carrying every denom); keeper bounties are computed per item, so a batch pays exactly what
//! the same single calls would.

use std::collections::BTreeMap;

use cosmwasm_std::{
    from_json, to_json_binary, BankMsg, Coin, CosmosMsg, DepsMut, Env, MessageInfo, ReplyOn,
    Response, SubMsg, Uint128, WasmMsg,
};
use spice_types::{spice_event, IncentivesHookMsg, MAX_SETTLEMENTS_PER_HOOK};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::funding::{deposit_one, top_up_one};
use crate::execute::lease::{settle_one, withdraw_one};
use crate::execute::ledger::{nonpayable, Effects, REPLY_INCENTIVES_HOOK};
use crate::msg::BatchDeposit;
use crate::state::CONFIG;
use spice_types::overlay::WriteBack;

/// Most items in one batch: keeps every call well inside a block's gas.
pub const MAX_BATCH: usize = 30;

/// Refuses an empty or oversized batch, before anything is read.
pub fn check_size(count: usize) -> Result<(), ContractError> {
    if count == 0 {
        return Err(ContractError::EmptyBatch);
    }
    if count > MAX_BATCH {
        return Err(ContractError::BatchTooLarge {
            count,
            max: MAX_BATCH,
        });
    }
    Ok(())
}

/// The outcome of a batch being run: the effects of the items applied, their ids, and how many
/// were skipped.
struct Batch {
    action: &'static str,
    fx: Effects,
    env: Env,
    applied: Vec<u64>,
    skipped: usize,
    /// The first item's failure: a batch in which no item applies is refused with it.
    first_err: Option<ContractError>,
}

impl Batch {
    fn new(action: &'static str, env: &Env) -> Self {
        Batch {
            action,
            fx: Effects::at(env),
            env: env.clone(),
            applied: vec![],
            skipped: 0,
            first_err: None,
        }
    }

    /// Runs one item with effects of its own, kept only when it succeeds.
    fn item<T>(
        &mut self,
        lease_id: u64,
        run: impl FnOnce(&mut Effects) -> Result<T, ContractError>,
    ) -> Option<T> {
        let mut fx = Effects::at(&self.env);
        match run(&mut fx) {
            Ok(out) => {
                self.fx.events.extend(fx.events);
                self.fx.msgs.extend(fx.msgs);
                self.applied.push(lease_id);
                Some(out)
            }
            Err(err) => {
                self.skipped += 1;
                self.fx.event(
                    spice_event(TAG, "batch_item_skipped")
                        .add_attribute("action", self.action)
                        .add_attribute("lease_id", lease_id.to_string())
                        .add_attribute("reason", err.to_string()),
                );
                self.first_err.get_or_insert(err);
                None
            }
        }
    }

    /// The response, or the first failure when no item applied (nothing to report, nothing
    /// changed: a stranger's batch of other providers' leases is refused like the single call).
    fn into_response(self, info: &MessageInfo) -> Result<Response, ContractError> {
        if self.applied.is_empty() {
            if let Some(err) = self.first_err {
                return Err(err);
            }
        }
        let ids: Vec<String> = self.applied.iter().map(u64::to_string).collect();
        let summary = spice_event(TAG, &format!("{}_batch", self.action))
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("items", (ids.len() + self.skipped).to_string())
            .add_attribute("applied", ids.len().to_string())
            .add_attribute("skipped", self.skipped.to_string())
            .add_attribute("lease_ids", ids.join(","));
        Ok(Response::new()
            .add_events(self.fx.events)
            .add_event(summary)
            .add_submessages(merge_hooks(merge_sends(self.fx.msgs))?))
    }
}

/// One bank send per recipient: plain sends (no reply) to the same address are merged, their
/// coins summed per denom; every other message keeps its place after them.
fn merge_sends(msgs: Vec<SubMsg>) -> Vec<SubMsg> {
    let mut sends: Vec<(String, BTreeMap<String, Uint128>)> = vec![];
    let mut rest = vec![];
    for m in msgs {
        match (&m.msg, &m.reply_on) {
            (CosmosMsg::Bank(BankMsg::Send { to_address, amount }), ReplyOn::Never) => {
                let at = match sends.iter().position(|(to, _)| to == to_address) {
                    Some(i) => i,
                    None => {
                        sends.push((to_address.clone(), BTreeMap::new()));
                        sends.len() - 1
                    }
                };
                for c in amount {
                    let sum = sends[at].1.entry(c.denom.clone()).or_default();
                    // Sums of coins the contract holds: cannot exceed the supply.
                    *sum = sum.saturating_add(c.amount);
                }
            }
            _ => rest.push(m),
        }
    }
    sends
        .into_iter()
        .map(|(to_address, coins)| {
            SubMsg::new(BankMsg::Send {
                to_address,
                amount: coins
                    .into_iter()
                    .map(|(denom, amount)| Coin::new(amount, denom))
                    .collect(),
            })
        })
        .chain(rest)
        .collect()
}

/// One incentives hook per batch: the items' `lease_settled` hooks (each a sub-message whose
/// failure `reply` swallows) become one `leases_settled` carrying every settlement in order, in
/// chunks of at most `MAX_SETTLEMENTS_PER_HOOK`; a single hook is sent as it is. Incentives
/// credits each settlement exactly as its own hook (provider-incentives must be upgraded to
/// understand `leases_settled` before the escrow).
fn merge_hooks(msgs: Vec<SubMsg>) -> Result<Vec<SubMsg>, ContractError> {
    let mut hooks = vec![];
    let mut rest = vec![];
    for m in msgs {
        match &m.msg {
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr, msg, ..
            }) if m.id == REPLY_INCENTIVES_HOOK => {
                let hook: IncentivesHookMsg = from_json(msg)?;
                hooks.push((contract_addr.clone(), hook, m));
            }
            _ => rest.push(m),
        }
    }
    if hooks.len() < 2 {
        rest.extend(hooks.into_iter().map(|(_, _, m)| m));
        return Ok(rest);
    }
    // One escrow, one incentives contract: every hook goes to the same address.
    let incentives = hooks[0].0.clone();
    let settlements: Vec<_> = hooks
        .into_iter()
        .flat_map(|(_, hook, _)| hook.into_settlements())
        .collect();
    for chunk in settlements.chunks(MAX_SETTLEMENTS_PER_HOOK) {
        let msg = IncentivesHookMsg::LeasesSettled {
            settlements: chunk.to_vec(),
        };
        rest.push(SubMsg::reply_on_error(
            WasmMsg::Execute {
                contract_addr: incentives.clone(),
                msg: to_json_binary(&msg)?,
                funds: vec![],
            },
            REPLY_INCENTIVES_HOOK,
        ));
    }
    Ok(rest)
}

/// The provider's withdrawals from many leases: open while paused, like `withdraw`.
pub fn withdraw_batch(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_ids: Vec<u64>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    check_size(lease_ids.len())?;
    let cfg = CONFIG.load(deps.storage)?;
    let now = env.block.height;
    let mut batch = Batch::new("withdraw", &env);
    let mut store = WriteBack::new(deps.storage);
    for id in lease_ids {
        batch.item(id, |fx| withdraw_one(&mut store, &cfg, now, &info, id, fx));
    }
    store.flush();
    batch.into_response(&info)
}

/// Anyone: settles many leases.
pub fn settle_batch(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_ids: Vec<u64>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    check_size(lease_ids.len())?;
    let cfg = CONFIG.load(deps.storage)?;
    let now = env.block.height;
    let mut batch = Batch::new("settle", &env);
    let mut store = WriteBack::new(deps.storage);
    for id in lease_ids {
        batch.item(id, |fx| settle_one(&mut store, &cfg, now, id, fx));
    }
    store.flush();
    batch.into_response(&info)
}

/// Anyone (keeper): tops up many leases; each bounty as in `top_up`, one send for all of them.
pub fn top_up_batch(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_ids: Vec<u64>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonpayable(&info)?;
    check_size(lease_ids.len())?;
    let cfg = CONFIG.load(deps.storage)?;
    let mut batch = Batch::new("top_up", &env);
    let mut store = WriteBack::new(deps.storage);
    for id in lease_ids {
        batch.item(id, |fx| {
            top_up_one(&mut store, &cfg, &env, &info.sender, id, fx)
        });
    }
    store.flush();
    batch.into_response(&info)
}

/// Anyone: deposits to many leases. The coins attached must be exactly the items' amounts,
/// summed per denom, or the whole call is refused; an item that fails is skipped and its amount
/// sent back to the sender.
pub fn deposit_batch(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    deposits: Vec<BatchDeposit>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    check_size(deposits.len())?;
    check_funds(&info, &deposits)?;
    let cfg = CONFIG.load(deps.storage)?;
    let mut batch = Batch::new("deposit", &env);
    let mut store = WriteBack::new(deps.storage);
    for d in deposits {
        let coin = d.amount.clone();
        if batch
            .item(d.lease_id, |fx| {
                deposit_one(&mut store, &cfg, &env, &info.sender, d.lease_id, coin, fx)
            })
            .is_none()
        {
            batch
                .fx
                .send(&info.sender, &d.amount.denom, d.amount.amount);
        }
    }
    store.flush();
    batch.into_response(&info)
}

/// The attached coins are exactly the listed amounts, per denom; no item is zero.
fn check_funds(info: &MessageInfo, deposits: &[BatchDeposit]) -> Result<(), ContractError> {
    if deposits.iter().any(|d| d.amount.amount.is_zero()) {
        return Err(ContractError::ZeroAmount);
    }
    funds_equal_listed(
        info,
        deposits
            .iter()
            .map(|d| (d.amount.denom.as_str(), d.amount.amount)),
    )
}

/// The attached coins are exactly the `listed` amounts summed per denom (a zero amount counts
/// for nothing: the chain carries no zero coin), else `BatchFundsMismatch` naming the first
/// denom that differs.
pub fn funds_equal_listed<'a>(
    info: &MessageInfo,
    listed: impl IntoIterator<Item = (&'a str, Uint128)>,
) -> Result<(), ContractError> {
    let mut per_denom: BTreeMap<&str, Uint128> = BTreeMap::new();
    for (denom, amount) in listed {
        let sum = per_denom.entry(denom).or_default();
        *sum = sum.checked_add(amount)?;
    }
    let mut attached: BTreeMap<&str, Uint128> = BTreeMap::new();
    for c in &info.funds {
        let sum = attached.entry(c.denom.as_str()).or_default();
        *sum = sum.checked_add(c.amount)?;
    }
    for denom in per_denom.keys().chain(attached.keys()) {
        let (a, l) = (
            attached.get(denom).copied().unwrap_or_default(),
            per_denom.get(denom).copied().unwrap_or_default(),
        );
        if a != l {
            return Err(ContractError::BatchFundsMismatch {
                denom: denom.to_string(),
                attached: a,
                listed: l,
            });
        }
    }
    Ok(())
}
