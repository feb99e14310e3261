//! `spice alerts`: escrow alerts that reach people, by email, webhook or a JSON log.
//!
//! A rule watches one lease (`--lease 7`) or every lease of a tenant (`--owner inj1…`), or a
//! provider's rewards (`--provider inj1…`), and has a condition:
//!
//! | condition | value read | fires when |
//! |---|---|---|
//! | `runway-blocks <op> N` | blocks before the lease's funds run out | the comparison becomes true |
//! | `runway-seconds <op> N` | the same × `--block-seconds` | the comparison becomes true |
//! | `balance <op> N` | the lease's unstreamed balance (base units) | the comparison becomes true |
//! | `failure-reported` | the lease's standing failure report | a report appears |
//! | `rolled-over` | the lease's rollover count | it grows |
//! | `closed` | the lease's status | it is closed (with the reason in words) |
//! | `top-up-failed` | auto top-up target, runway, the source's funds | the lease is below its target and the source has nothing left |
//! | `rewards-claimable` | provider-incentives `pending_rewards` | a finalized epoch can be claimed |
//!
//! Crossing semantics: a rule fires when its condition becomes true for a subject (a lease, or
//! the provider) and re-arms when it becomes false; a condition that stays true never fires
//! twice. `=` fires when the value equals the threshold or passed through it since the watcher
//! last looked (a watcher sees a block now and then, and a runway counts down past any value
//! between two looks), and re-arms once the value is elsewhere.
//!
//! Every firing is one SQLite transaction that records the new arming state, the event
//! (history) and one outbox row per channel; only then is anything sent, and a delivery is
//! recorded once the channel accepted it ([`store`]). A restart sends what is still pending and
//! nothing that was delivered; a row that keeps failing is retried with exponential backoff and
//! marked `failed` after `--max-attempts`, visible in `history`.

pub mod channels;
pub mod cli;
pub mod store;
pub mod watch;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use anyhow::{anyhow, bail, Result};
use serde::{Deserialize, Serialize};

/// What a rule watches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Lease(u64),
    /// Every lease whose tenant is this address.
    Owner(String),
    /// A provider (for `rewards-claimable`).
    Provider(String),
}

impl Target {
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Lease(_) => "lease",
            Target::Owner(_) => "owner",
            Target::Provider(_) => "provider",
        }
    }

    pub fn value(&self) -> String {
        match self {
            Target::Lease(id) => id.to_string(),
            Target::Owner(a) | Target::Provider(a) => a.clone(),
        }
    }

    pub fn from_parts(kind: &str, value: &str) -> Result<Self> {
        Ok(match kind {
            "lease" => Target::Lease(value.parse().map_err(|_| anyhow!("lease id {value:?}"))?),
            "owner" => Target::Owner(value.to_string()),
            "provider" => Target::Provider(value.to_string()),
            other => bail!("unknown target kind {other:?}"),
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Lease(id) => write!(f, "lease {id}"),
            Target::Owner(a) => write!(f, "all leases of {a}"),
            Target::Provider(a) => write!(f, "provider {a}"),
        }
    }
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = ">")]
    Gt,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Eq => "=",
            Op::Gt => ">",
        }
    }

    pub fn holds(self, value: u128, threshold: u128) -> bool {
        match self {
            Op::Lt => value < threshold,
            Op::Eq => value == threshold,
            Op::Gt => value > threshold,
        }
    }
}

impl FromStr for Op {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "<" | "lt" => Op::Lt,
            "=" | "==" | "eq" => Op::Eq,
            ">" | "gt" => Op::Gt,
            other => bail!("comparison {other:?}: use <, = or >"),
        })
    }
}

/// The number a threshold condition compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    RunwayBlocks,
    RunwaySeconds,
    Balance,
}

/// Lease and provider lifecycle conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    FailureReported,
    RolledOver,
    Closed,
    TopUpFailed,
    RewardsClaimable,
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 5] = [
        Lifecycle::FailureReported,
        Lifecycle::RolledOver,
        Lifecycle::Closed,
        Lifecycle::TopUpFailed,
        Lifecycle::RewardsClaimable,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Lifecycle::FailureReported => "failure-reported",
            Lifecycle::RolledOver => "rolled-over",
            Lifecycle::Closed => "closed",
            Lifecycle::TopUpFailed => "top-up-failed",
            Lifecycle::RewardsClaimable => "rewards-claimable",
        }
    }
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::RunwayBlocks => "runway-blocks",
            Metric::RunwaySeconds => "runway-seconds",
            Metric::Balance => "balance",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Threshold {
        metric: Metric,
        op: Op,
        /// Kept as a string in JSON: balances exceed what JSON numbers carry exactly.
        #[serde(with = "u128_string")]
        value: u128,
    },
    Lifecycle(Lifecycle),
}

mod u128_string {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl FromStr for Condition {
    type Err = anyhow::Error;

    /// `runway-blocks<100`, `runway-seconds < 3600`, `balance>5000`, `closed`, … (spaces
    /// optional).
    fn from_str(s: &str) -> Result<Self> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        for lc in Lifecycle::ALL {
            if compact == lc.name() || compact == lc.name().replace('-', "_") {
                return Ok(Condition::Lifecycle(lc));
            }
        }
        let Some(at) = compact.find(['<', '=', '>']) else {
            bail!(
                "condition {s:?}: expected METRIC<N, METRIC=N or METRIC>N (metrics: runway-blocks, \
                 runway-seconds, balance) or one of: failure-reported, rolled-over, closed, \
                 top-up-failed, rewards-claimable"
            );
        };
        let (metric, rest) = compact.split_at(at);
        let op_len = if rest.starts_with("==") { 2 } else { 1 };
        let (op, number) = rest.split_at(op_len);
        let metric = match metric.replace('_', "-").as_str() {
            "runway-blocks" | "runway" => Metric::RunwayBlocks,
            "runway-seconds" | "runway-time" => Metric::RunwaySeconds,
            "balance" => Metric::Balance,
            other => bail!(
                "condition {s:?}: unknown metric {other:?} (runway-blocks, runway-seconds, balance)"
            ),
        };
        let value = number
            .parse::<u128>()
            .map_err(|_| anyhow!("condition {s:?}: {number:?} is not a whole number"))?;
        Ok(Condition::Threshold {
            metric,
            op: op.parse()?,
            value,
        })
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Threshold { metric, op, value } => {
                write!(f, "{} {} {value}", metric.name(), op.symbol())
            }
            Condition::Lifecycle(lc) => f.write_str(lc.name()),
        }
    }
}

/// Where a notification goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email(String),
    Webhook(String),
    /// One JSON line on stdout.
    Log,
}

impl FromStr for Channel {
    type Err = anyhow::Error;
    /// `email:alice@example.com`, `webhook:https://…`, `log`.
    fn from_str(s: &str) -> Result<Self> {
        if s == "log" || s == "stdout" {
            return Ok(Channel::Log);
        }
        if let Some(to) = s.strip_prefix("email:") {
            to.parse::<lettre::Address>()
                .map_err(|e| anyhow!("channel {s:?}: {to:?} is not an email address ({e})"))?;
            return Ok(Channel::Email(to.to_string()));
        }
        if let Some(url) = s.strip_prefix("webhook:") {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("channel {s:?}: a webhook URL starts with http:// or https://");
            }
            return Ok(Channel::Webhook(url.to_string()));
        }
        bail!("channel {s:?}: use email:ADDRESS, webhook:URL or log")
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Channel::Email(to) => write!(f, "email:{to}"),
            Channel::Webhook(url) => write!(f, "webhook:{url}"),
            Channel::Log => f.write_str("log"),
        }
    }
}

/// A stored alert rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    pub notes: String,
    pub target: Target,
    pub condition: Condition,
    pub channels: Vec<Channel>,
    pub enabled: bool,
    pub created_at: i64,
}

/// A rule's arming state for one subject, as stored between rounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Arming {
    /// The condition held at the last look (the rule fired and has not re-armed).
    pub firing: bool,
    /// What the last look saw; `None` before the first look.
    pub last: Option<Seen>,
}

/// What one look at a value decides: fire or not, and the state to store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub fire: bool,
    pub next: Arming,
}

/// A value a condition sees at one look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// The exact value.
    Value(u128),
    /// Above every threshold the listing was asked for (a lease not in
    /// `leases_below_threshold`), so above this rule's threshold.
    Above,
    /// No value: the lease does not stream (pending, closed) or is gone.
    Nothing,
}

impl Seen {
    /// How the arming table stores it.
    pub fn encode(self) -> String {
        match self {
            Seen::Value(v) => v.to_string(),
            Seen::Above => "above".into(),
            Seen::Nothing => "none".into(),
        }
    }

    pub fn decode(s: &str) -> Result<Self> {
        Ok(match s {
            "above" => Seen::Above,
            "none" => Seen::Nothing,
            v => Seen::Value(v.parse().map_err(|_| anyhow!("stored value {v:?}"))?),
        })
    }
}

/// Crossing semantics of a threshold: fire when `value op threshold` becomes true (`=`: or the
/// value passed through the threshold since the last look), re-arm when it is false.
pub fn step_threshold(prev: &Arming, op: Op, threshold: u128, seen: Seen) -> Step {
    let holds = match seen {
        Seen::Value(v) => op.holds(v, threshold),
        Seen::Above | Seen::Nothing => false,
    };
    // Passing through: the last look was on one side of the threshold, this one on the other.
    let passed = op == Op::Eq
        && match (prev.last, seen) {
            (Some(Seen::Value(a)), Seen::Value(b)) => {
                (a > threshold && b < threshold) || (a < threshold && b > threshold)
            }
            (Some(Seen::Above), Seen::Value(b)) => b < threshold,
            (Some(Seen::Value(a)), Seen::Above) => a < threshold,
            _ => false,
        };
    Step {
        fire: (holds || passed) && !prev.firing,
        next: Arming {
            firing: holds,
            last: Some(seen),
        },
    }
}

/// Crossing semantics of a yes/no condition.
pub fn step_flag(prev: &Arming, holds: bool) -> Step {
    Step {
        fire: holds && !prev.firing,
        next: Arming {
            firing: holds,
            last: Some(Seen::Value(u128::from(holds))),
        },
    }
}

/// A count that fires whenever it grows (rollovers). The first look only records it.
pub fn step_count(prev: &Arming, count: u128) -> Step {
    let fire = matches!(prev.last, Some(Seen::Value(last)) if count > last);
    Step {
        fire,
        next: Arming {
            firing: fire,
            last: Some(Seen::Value(count)),
        },
    }
}

/// Akash's termination reason ranges, and the escrow's own codes in the words of
/// [`spice_cli::display::reason_name`], for an alert's sentence.
pub fn reason_in_words(reason: u32) -> String {
    let named = spice_cli::display::reason_name(reason);
    let by = match reason {
        0 => "no reason given",
        1..=9_999 => "closed by the tenant",
        10_000..=19_999 => "closed for the provider",
        _ => "closed by the network",
    };
    match named {
        Some(what) => format!("{by}: {what} (reason {reason})"),
        None => format!("{by} (reason {reason})"),
    }
}
