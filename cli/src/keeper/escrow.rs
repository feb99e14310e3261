//! The rollover escrow's keeper work, from its `keeper_work` answer (one action per lease,
//! soonest-dry first, see [`super::work`]):
//!
//! - `close_expired`: leases dry past their grace period; one `close_expired { limit }` closes
//!   up to 30 of them (oldest first). A duty.
//! - `rollover { lease_id }`: a lease whose provider's failure stands moves to its next backup
//!   (or closes). One transaction per lease (the escrow has no batch form). A duty.
//! - `top_up_batch { lease_ids }`: leases whose auto top-up would move funds now, up to 30 per
//!   transaction; each item pays `keeper_bounty_bps` of what it moved (lease denom), the batch
//!   the sum. A lone item is sent as `top_up { lease_id }`.
//! - `settle_batch { lease_ids }`: streaming leases past their depletion height, not yet marked
//!   out of funds, up to 30 per transaction. A duty. A lone item is sent as `settle`.
//!
//! A batch is one decision, valued by what its simulation pays the keeper. The escrow skips an
//! item that fails (a `batch_item_skipped` event with its reason) and applies the others; only
//! a batch whose every item fails is refused as a whole. When a batch's simulation is refused,
//! the keeper drops the item the error names, or else splits the batch in halves, so one bad
//! item never holds the others back. Each item's outcome is read from the transaction's events.

use anyhow::Result;
use cosmwasm_std::Coin;
use rollover_escrow::msg::{ExecuteMsg, KeeperWork, KeeperWorkItem};
use serde::Serialize;

use super::work::RoundWork;
use super::{msg_json, sum_coins, Action, Bounty, Candidate, Ctx, Finding, Memory};

/// Most lease ids in one batch: the escrow's `MAX_BATCH` (its `execute` module is private).
pub const MAX_BATCH: usize = 30;
/// Leases one `close_expired` closes: the contract's maximum.
pub const CLOSE_LIMIT: u32 = 30;

/// Which batch message a candidate sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchKind {
    TopUp,
    Settle,
}

/// A candidate's lease items, kept so a refused batch can be split.
#[derive(Clone, Debug)]
pub struct Batch {
    pub kind: BatchKind,
    pub items: Vec<KeeperWorkItem>,
}

/// What became of one item of a sent batch, read from the transaction's events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemOutcome {
    pub lease_id: u64,
    /// `topped_up`, `settled`, `out_of_funds`, `unchanged` (applied with nothing to do) or
    /// `skipped` (the escrow refused this item and applied the others).
    pub result: String,
    /// What the item moved (top-up) or paid the provider (settle), with its denom.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// The item's bounty, with its denom.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounty: Option<String>,
    /// Why a skipped item was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

pub fn plan(
    action: Action,
    ctx: &Ctx,
    memory: &mut Memory,
    work: &mut RoundWork,
) -> Result<Vec<Finding>> {
    let found = work.escrow(ctx, memory)?.clone();
    let mut findings = vec![];
    // The scan bound is reported once a round, with the first escrow action.
    if action == Action::CloseExpired {
        if let Some((height, id)) = found.cut_at {
            findings.push(Finding::Idle {
                target: Some("keeper_work".into()),
                reason: format!(
                    "read {} page(s) of the escrow's keeper_work (--escrow-pages), cut at \
                     depletion height {height}, lease {id}: the leases after it are looked at \
                     in the next rounds",
                    found.pages
                ),
            });
        }
    }
    let wanted = match action {
        Action::CloseExpired => KeeperWork::CloseExpired,
        Action::Rollover => KeeperWork::Rollover,
        Action::TopUp => KeeperWork::TopUp,
        Action::Settle => KeeperWork::Settle,
        _ => unreachable!("not an escrow action: {action:?}"),
    };
    let (listed, pages) = (found.items.len(), found.pages);
    let items: Vec<KeeperWorkItem> = found
        .items
        .into_iter()
        .filter(|i| i.work == wanted)
        .collect();
    match action {
        Action::CloseExpired => {
            for chunk in items.chunks(CLOSE_LIMIT as usize) {
                findings.push(Finding::Work(Candidate {
                    target: Some(leases_target(chunk)),
                    work: format!(
                        "{} lease(s) dry past their grace period: close_expired closes them \
                         oldest first and refunds their depositors",
                        chunk.len()
                    ),
                    msg: msg_json(&ExecuteMsg::CloseExpired {
                        limit: Some(CLOSE_LIMIT),
                    })?,
                    bounty: Bounty::Unpaid,
                    batch: None,
                }));
            }
        }
        Action::Rollover => {
            for item in &items {
                findings.push(Finding::Work(Candidate {
                    target: Some(format!("lease {}", item.lease_id)),
                    work: "its provider's failure stands: it moves to its next backup (or \
                           closes, refunding its depositors)"
                        .into(),
                    msg: msg_json(&ExecuteMsg::Rollover {
                        lease_id: item.lease_id,
                    })?,
                    bounty: Bounty::Unpaid,
                    batch: None,
                }));
            }
        }
        Action::TopUp | Action::Settle => {
            let kind = if action == Action::TopUp {
                BatchKind::TopUp
            } else {
                BatchKind::Settle
            };
            for chunk in items.chunks(MAX_BATCH) {
                findings.push(Finding::Work(batch_candidate(kind, chunk.to_vec())?));
            }
        }
        _ => {}
    }
    if findings.is_empty() {
        findings.push(Finding::idle(format!(
            "no lease needs {} ({} lease(s) with work in {} page(s) of keeper_work)",
            action.name(),
            listed,
            pages
        )));
    }
    Ok(findings)
}

/// `lease 7`, or `leases 3,4,9` for several.
pub fn leases_target(items: &[KeeperWorkItem]) -> String {
    let ids: Vec<String> = items.iter().map(|i| i.lease_id.to_string()).collect();
    if ids.len() == 1 {
        format!("lease {}", ids[0])
    } else {
        format!("leases {}", ids.join(","))
    }
}

/// The transaction for `items` (1–30): the batch message, or the single one for a lone item.
pub fn batch_candidate(kind: BatchKind, items: Vec<KeeperWorkItem>) -> Result<Candidate> {
    let ids: Vec<u64> = items.iter().map(|i| i.lease_id).collect();
    let single = ids.len() == 1;
    let (msg, bounty, work) = match kind {
        BatchKind::TopUp => {
            let bounty = sum_coins(items.iter().filter_map(|i| i.bounty.clone()))?;
            let msg = if single {
                ExecuteMsg::TopUp { lease_id: ids[0] }
            } else {
                ExecuteMsg::TopUpBatch {
                    lease_ids: ids.clone(),
                }
            };
            (
                msg,
                Bounty::Paid(bounty),
                format!(
                    "{} lease(s) whose auto top-up would move funds now",
                    ids.len()
                ),
            )
        }
        BatchKind::Settle => {
            let msg = if single {
                ExecuteMsg::Settle { lease_id: ids[0] }
            } else {
                ExecuteMsg::SettleBatch {
                    lease_ids: ids.clone(),
                }
            };
            (
                msg,
                Bounty::Unpaid,
                format!(
                    "{} lease(s) past their depletion height, not yet marked out of funds",
                    ids.len()
                ),
            )
        }
    };
    Ok(Candidate {
        target: Some(leases_target(&items)),
        work,
        msg: msg_json(&msg)?,
        bounty,
        batch: Some(Batch { kind, items }),
    })
}

/// How to go on after a batch's simulation was refused with `error`: the item the error names
/// dropped (`Some(item)`, the rest as one candidate), or the batch split in two halves.
pub fn split(batch: &Batch, error: &str) -> Result<(Option<KeeperWorkItem>, Vec<Candidate>)> {
    let named = batch
        .items
        .iter()
        .position(|i| names_lease(error, i.lease_id));
    let mut items = batch.items.clone();
    if let Some(at) = named {
        let bad = items.remove(at);
        let rest = if items.is_empty() {
            vec![]
        } else {
            vec![batch_candidate(batch.kind, items)?]
        };
        return Ok((Some(bad), rest));
    }
    let second = items.split_off(items.len() / 2);
    Ok((
        None,
        vec![
            batch_candidate(batch.kind, items)?,
            batch_candidate(batch.kind, second)?,
        ],
    ))
}

/// Whether `error` speaks of `lease {id}` (the escrow's errors name the lease that way).
fn names_lease(error: &str, id: u64) -> bool {
    let needle = format!("lease {id}");
    error.match_indices(&needle).any(|(at, _)| {
        !error[at + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// The events among `attributes` (each attribute `(type, key, value)`; an event's attributes
/// are consecutive): a new event starts at a type change or a repeated key.
fn events(attributes: &[(String, String, String)]) -> Vec<(&str, Vec<(&str, &str)>)> {
    let mut out: Vec<(&str, Vec<(&str, &str)>)> = vec![];
    for (ty, key, value) in attributes {
        let new = match out.last() {
            Some((t, attrs)) => *t != ty.as_str() || attrs.iter().any(|(k, _)| *k == key),
            None => true,
        };
        if new {
            out.push((ty.as_str(), vec![]));
        }
        out.last_mut()
            .expect("pushed above")
            .1
            .push((key.as_str(), value.as_str()));
    }
    out
}

/// Each item's outcome in a sent batch (or lone call), from its events: the escrow emits
/// `top_up` / `settle` / `insufficient_funds` for an item it applied and `batch_item_skipped`
/// (with the reason) for one it refused; an applied item with nothing to do emits neither.
pub fn item_outcomes(batch: &Batch, attributes: &[(String, String, String)]) -> Vec<ItemOutcome> {
    let evs = events(attributes);
    let get = |attrs: &[(&str, &str)], key: &str| {
        attrs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    };
    batch
        .items
        .iter()
        .map(|item| {
            let id = item.lease_id.to_string();
            let mut outcome = ItemOutcome {
                lease_id: item.lease_id,
                result: "unchanged".into(),
                amount: None,
                bounty: None,
                reason: None,
            };
            for (ty, attrs) in &evs {
                if get(attrs, "lease_id").as_deref() != Some(id.as_str()) {
                    continue;
                }
                let denom = get(attrs, "denom").unwrap_or_default();
                let with_denom = |v: Option<String>| v.map(|amount| format!("{amount}{denom}"));
                if ty.ends_with(".batch_item_skipped") {
                    outcome.result = "skipped".into();
                    outcome.reason = get(attrs, "reason");
                } else if batch.kind == BatchKind::TopUp && ty.ends_with(".top_up") {
                    outcome.result = "topped_up".into();
                    outcome.amount = with_denom(get(attrs, "amount"));
                    outcome.bounty = with_denom(get(attrs, "bounty"));
                } else if batch.kind == BatchKind::Settle && ty.ends_with(".settle") {
                    outcome.result = "settled".into();
                    outcome.amount = with_denom(get(attrs, "amount"));
                } else if batch.kind == BatchKind::Settle && ty.ends_with(".insufficient_funds") {
                    outcome.result = "out_of_funds".into();
                }
            }
            outcome
        })
        .collect()
}

/// When a simulated batch would skip some of its items but not all: those items in words
/// (`lease 7 (reason), …`) and a candidate of the others. `None` when it skips none (or every
/// item: then the batch's own refusal path applies).
pub fn without_skipped(
    batch: &Batch,
    attributes: &[(String, String, String)],
) -> Option<(String, Result<Candidate>)> {
    let outcomes = item_outcomes(batch, attributes);
    let skipped: Vec<&ItemOutcome> = outcomes.iter().filter(|o| o.result == "skipped").collect();
    if skipped.is_empty() || skipped.len() == batch.items.len() {
        return None;
    }
    let words = skipped
        .iter()
        .map(|o| {
            format!(
                "lease {} ({})",
                o.lease_id,
                o.reason.as_deref().unwrap_or("no reason given")
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let keep: Vec<KeeperWorkItem> = batch
        .items
        .iter()
        .filter(|i| !skipped.iter().any(|o| o.lease_id == i.lease_id))
        .cloned()
        .collect();
    Some((words, batch_candidate(batch.kind, keep)))
}

/// Coins the transaction moved to the keeper, as the log writes them (`0` for none).
pub fn paid_to(attributes: &[(String, String, String)], keeper: &str) -> Result<String> {
    let coins: Vec<Coin> = crate::chain::transfers_to(attributes, keeper)?;
    Ok(super::log::coins_text_or_zero(&sum_coins(coins)?))
}
