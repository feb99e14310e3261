//! One line per decision, on stderr: `key=value` text by default, a JSON object per line with
//! `--json-log`. Fields: round, height, action, contract, target, work found, bounty (estimated,
//! and its worth in the fee denom), fee, decision (`idle`, `alert`, `skip`, `execute`, `error`)
//! with its reason, and for a sent transaction its result (`ok`, `refused`, `failed`), gas,
//! fee paid, bounty paid and attempts.

use std::io::Write;

use cosmwasm_std::{Coin, Uint128};
use serde::Serialize;

use super::escrow::ItemOutcome;
use super::{Action, Bounty};
use crate::chain::TxOutcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No work.
    Idle,
    /// Work no transaction of the keeper's can do: a person should look.
    Alert,
    /// Work found, not sent (fee above bounty, contract paused, refused in simulation, ...).
    Skip,
    /// Sent: see `tx`.
    Execute,
    /// The chain could not be read even after retries.
    Error,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Idle => "idle",
            Verdict::Alert => "alert",
            Verdict::Skip => "skip",
            Verdict::Execute => "execute",
            Verdict::Error => "error",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TxResult {
    Ok,
    /// The contract refused: never retried.
    Refused,
    /// Transport failures until the retries ran out.
    Failed,
    /// Handed to the node, fate not learnt in time: it may still land. Never sent again
    /// while it can.
    Unknown,
}

#[derive(Clone, Debug, Serialize)]
pub struct TxReport {
    pub result: TxResult,
    /// The transaction's hash, when it reached the node (look it up to see what it did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    pub gas_used: u64,
    pub fee_paid: Uint128,
    /// The `bounty` the contract reported paying, with the estimate's denom when it reports a
    /// bare amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounty_paid: Option<String>,
    /// Sends of this transaction (1 + transport retries).
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A batch's items (`top_up_batch`, `settle_batch`, or their lone-item call), each with
    /// its outcome read from the transaction's events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ItemOutcome>>,
}

impl TxReport {
    pub fn ok(outcome: &TxOutcome, attempts: u32, estimate: &Bounty) -> Self {
        // The last `bounty` attribute is the action's summary (match_orders also tags each fill).
        let reported = outcome
            .attributes
            .iter()
            .rev()
            .find(|(_, k, _)| k == "bounty")
            .map(|(_, _, v)| v.clone());
        let bounty_paid = reported.map(|v| match estimate {
            Bounty::Paid(coins) if coins.len() == 1 && v.parse::<u128>().is_ok() => {
                format!("{v}{}", coins[0].denom)
            }
            _ => v,
        });
        TxReport {
            result: TxResult::Ok,
            hash: Some(outcome.hash.clone()).filter(|h| !h.is_empty()),
            gas_used: outcome.gas_used,
            fee_paid: outcome.fee_paid,
            bounty_paid,
            attempts,
            error: None,
            items: None,
        }
    }

    pub fn refused(error: String, attempts: u32) -> Self {
        TxReport {
            result: TxResult::Refused,
            hash: None,
            gas_used: 0,
            fee_paid: Uint128::zero(),
            bounty_paid: None,
            attempts,
            error: Some(error),
            items: None,
        }
    }

    pub fn failed(error: String, attempts: u32) -> Self {
        TxReport {
            result: TxResult::Failed,
            ..TxReport::refused(error, attempts)
        }
    }

    /// A block included the transaction and the contract refused it there: the fee was paid.
    pub fn failed_on_chain(failure: &crate::chain::FailedOnChain, attempts: u32) -> Self {
        TxReport {
            hash: Some(failure.hash.clone()),
            gas_used: failure.gas_used,
            fee_paid: failure.fee_paid,
            ..TxReport::refused(failure.to_string(), attempts)
        }
    }

    /// Sent, with no answer on whether it went through.
    pub fn unknown(error: String, attempts: u32) -> Self {
        TxReport {
            result: TxResult::Unknown,
            ..TxReport::refused(error, attempts)
        }
    }

    /// The hash of the transaction this report is about, when it is known.
    pub fn with_hash(mut self, hash: Option<&str>) -> Self {
        self.hash = hash.map(str::to_string).or(self.hash);
        self
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub round: u64,
    pub height: u64,
    pub action: Action,
    pub contract: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work: Option<String>,
    /// Estimated bounty: coins, or `none` for a duty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounty: Option<String>,
    /// What the bounty is worth in the fee denom, by `--price`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounty_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    pub decision: Verdict,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx: Option<TxReport>,
}

impl Decision {
    pub fn new(round: u64, height: u64, action: Action, contract: &'static str) -> Self {
        Decision {
            round,
            height,
            action,
            contract,
            target: None,
            work: None,
            bounty: None,
            bounty_value: None,
            fee: None,
            decision: Verdict::Idle,
            reason: String::new(),
            tx: None,
        }
    }

    pub fn target(mut self, target: Option<String>) -> Self {
        self.target = target;
        self
    }

    pub fn work(mut self, work: &str) -> Self {
        self.work = Some(work.to_string());
        self
    }

    pub fn bounty(mut self, bounty: &Bounty) -> Self {
        self.bounty = Some(match bounty {
            Bounty::Paid(coins) if coins.is_empty() => "0".into(),
            Bounty::Paid(coins) => coins_text(coins),
            Bounty::Unpaid => "none".into(),
        });
        self
    }

    pub fn fee(mut self, fee: &Coin) -> Self {
        self.fee = Some(fee.to_string());
        self
    }

    pub fn verdict(mut self, verdict: Verdict, reason: impl Into<String>) -> Self {
        self.decision = verdict;
        self.reason = reason.into();
        self
    }

    /// A transaction was sent and the contract accepted it.
    pub fn succeeded(&self) -> bool {
        self.tx.as_ref().is_some_and(|t| t.result == TxResult::Ok)
    }

    /// The text form: `key=value` pairs, values with spaces quoted; amounts in tokens
    /// (`fee="0.00007 INJ"`, see `spice_cli::display`), where the JSON form keeps base units.
    pub fn to_line(&self) -> String {
        let mut out = format!(
            "keeper round={} height={} action={} contract={}",
            self.round,
            self.height,
            self.action.name(),
            self.contract
        );
        let mut field = |key: &str, value: &str| {
            out.push(' ');
            out.push_str(key);
            out.push('=');
            out.push_str(&quote(value));
        };
        let human = |v: &Option<String>| v.as_deref().map(coins_for_people);
        let optional = [
            ("target", self.target.clone()),
            ("work", self.work.clone()),
            ("bounty", human(&self.bounty)),
            ("bounty_value", human(&self.bounty_value)),
            ("fee", human(&self.fee)),
        ];
        for (key, value) in optional {
            if let Some(v) = value {
                field(key, &v);
            }
        }
        // The fee is charged in the estimate's denom.
        let fee_denom = self
            .fee
            .as_deref()
            .map(|f| f.trim_start_matches(|c: char| c.is_ascii_digit()))
            .filter(|d| !d.is_empty());
        field("decision", self.decision.as_str());
        field("reason", &self.reason);
        if let Some(tx) = &self.tx {
            let result = match tx.result {
                TxResult::Ok => "ok",
                TxResult::Refused => "refused",
                TxResult::Failed => "failed",
                TxResult::Unknown => "unknown",
            };
            field("tx", result);
            if let Some(hash) = &tx.hash {
                field("hash", hash);
            }
            field("gas", &tx.gas_used.to_string());
            let fee_paid = match fee_denom {
                Some(denom) => spice_cli::display::uamount(tx.fee_paid, denom),
                None => tx.fee_paid.to_string(),
            };
            field("fee_paid", &fee_paid);
            if let Some(b) = &tx.bounty_paid {
                field("bounty_paid", &coins_for_people(b));
            }
            field("attempts", &tx.attempts.to_string());
            if let Some(items) = &tx.items {
                let text: Vec<String> = items.iter().map(item_text).collect();
                field("items", &text.join("; "));
            }
            if let Some(e) = &tx.error {
                field("error", e);
            }
        }
        out
    }
}

/// `7:topped_up 1 INJ bounty 0.002 INJ`, `8:skipped (lease 8 has no auto top-up set)`.
fn item_text(item: &ItemOutcome) -> String {
    let mut out = format!("{}:{}", item.lease_id, item.result);
    if let Some(amount) = &item.amount {
        out.push_str(&format!(" {}", coins_for_people(amount)));
    }
    if let Some(bounty) = &item.bounty {
        out.push_str(&format!(" bounty {}", coins_for_people(bounty)));
    }
    if let Some(reason) = &item.reason {
        out.push_str(&format!(" ({reason})"));
    }
    out
}

/// `998003uosmo,5uakt` as people read it (`0.998003 OSMO, 0.000005 AKT`); `none`, `0` and
/// other text unchanged.
fn coins_for_people(text: &str) -> String {
    text.split(',')
        .map(spice_cli::display::coin_text)
        .collect::<Vec<_>>()
        .join(", ")
}

fn quote(value: &str) -> String {
    if !value.is_empty() && !value.contains([' ', '"', '=']) {
        return value.to_string();
    }
    // JSON string escaping: one line, unambiguous.
    serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
}

/// [`coins_text`], or `0` for no coins.
pub fn coins_text_or_zero(coins: &[Coin]) -> String {
    if coins.is_empty() {
        "0".into()
    } else {
        coins_text(coins)
    }
}

pub fn coins_text(coins: &[Coin]) -> String {
    coins
        .iter()
        .map(Coin::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Writes each decision as it is made.
pub struct Logger {
    json: bool,
    out: Box<dyn Write>,
}

impl Logger {
    pub fn new(json: bool, out: Box<dyn Write>) -> Self {
        Logger { json, out }
    }

    pub fn stderr(json: bool) -> Self {
        Logger::new(json, Box::new(std::io::stderr()))
    }

    /// Discards every line (tests read the round reports instead).
    #[cfg(test)]
    pub fn sink() -> Self {
        Logger::new(false, Box::new(std::io::sink()))
    }

    pub fn record(&mut self, decision: &Decision) {
        let line = if self.json {
            serde_json::to_string(decision).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
        } else {
            decision.to_line()
        };
        // A log that cannot be written must not stop the keeper's work.
        let _ = writeln!(self.out, "{line}");
        let _ = self.out.flush();
    }
}
