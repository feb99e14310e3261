//! `spice keeper run`: the suite's permissionless upkeep, paid by the contracts' bounties.
//!
//! Each round walks the keeper actions in an order where one action's result is the next one's
//! work (harvest sends revenue to buyback-burn before `buyback`, `convert` fills the vault's
//! pending AKT before `stake`, fills open leases before they are checked). Every contract lists
//! its pending keeper work in one `keeper_work` query, with the bounty each call pays (Levana's
//! crank-work query is the model): the keeper reads it once per contract and round, and again
//! only when an earlier action of the round changed that contract (see [`Action::changes`] and
//! [`work`]), so it acts on the state the previous action left:
//!
//! | action | reads | sends | bounty |
//! |---|---|---|---|
//! | harvest | vault `keeper_work` (ready `harvest`) | `harvest` | the listed bounty (`revenue_pending × keeper_bounty_bps`, AKT); a native harvest's withdrawn rewards add theirs, valued by the simulation |
//! | buyback | buyback-burn `keeper_work` (ready denoms) | `buyback { denom }` per denom | the listed `bounty` (input denom) |
//! | convert | vault `keeper_work` (ready `convert { denom }`) | `convert { denom }` per denom | the listed bounty (input denom) |
//! | stake | vault `keeper_work` (ready `stake`) | `stake` | none (a duty) |
//! | match_orders | order-book `keeper_work { limit: 30 }` (`match_orders`: fills on a scratch book) | the listed `match_orders { limit }` | the listed `bounty`: each fill's deposit × `keeper_bounty_bps` (order denom) |
//! | expire_orders | order-book `keeper_work` (`expire_orders`) | the listed `expire_orders { limit }` | none (a duty) |
//! | close_expired | escrow `pause_info`, `keeper_work` (≤ `--escrow-pages` pages of 30 leases) | `close_expired { limit: 30 }` per 30 leases | none (a duty) |
//! | rollover | escrow `keeper_work` | `rollover { lease_id }` per lease (no batch form) | none (a duty) |
//! | top_up | escrow `keeper_work` | `top_up_batch { lease_ids }`, ≤ 30 leases a transaction (`top_up` for a lone lease) | the sum of the items' bounties: moved × `keeper_bounty_bps` each (lease denom) |
//! | settle | escrow `keeper_work` | `settle_batch { lease_ids }`, ≤ 30 leases a transaction (`settle` for a lone lease) | none (a duty) |
//! | finalize_epoch | incentives `keeper_work` (epochs in order) | `finalize_epoch { epoch }` per epoch | none (a duty) |
//!
//! A batch is one decision: simulated as a whole, valued by the sum its items pay, sent or
//! skipped as one. The escrow skips an item that fails and applies the others; a batch refused
//! as a whole in simulation (every item failed, or an older escrow) is split: the item the
//! error names is dropped, or else the batch is halved, so one bad item never holds the others
//! back (see [`escrow`]). Each item's outcome (topped up, settled, skipped with the reason) is
//! read from the transaction's events and logged with it.
//!
//! The bounty column is the plan; before sending, each transaction is simulated and valued by
//! what the simulation pays the sender (its bank transfers to the keeper), so work another
//! transaction already did, or a match whose fills fail, is never paid for. An action with a
//! bounty is sent only when that simulated bounty, valued in the fee denom, covers the
//! estimated fee plus `--min-profit`. Actions without a bounty are protocol duties: they are
//! sent when their fee is at most `--max-duty-fee`, or never with `--no-duties`. Every decision
//! is one log line (see [`log`]).
//!
//! Reads that fail in transport (see [`retry::is_transport`]) are retried with exponential
//! backoff, at most `--max-retries` times; a contract's refusal is logged and never retried. A
//! transaction is sent again only when the account sequence shows the earlier send did not
//! land: one that landed with its answer lost is reported `unknown`, one handed to the node
//! without confirmation holds every send until it landed or its timeout height passed, and one
//! a block failed logs the fee it was charged.
//!
//! Bounds ([`Limits`]): a round stops at `--round-timeout-seconds` (checked before every
//! action, retry and send; each call to a node has its own timeout, see
//! `network::KeeperDaemon`); nothing is sent while the node's latest block is older than
//! `--max-block-age-seconds`; `--max-fees-per-hour` stops sending for the rest of the hour
//! once the last hour's fees reach it.

pub mod buyback;
pub mod cli;
pub mod escrow;
pub mod expire_orders;
pub mod finalize_epoch;
pub mod log;
pub mod match_orders;
pub mod policy;
pub mod retry;
pub mod vault;
pub mod work;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use cosmwasm_std::{Coin, Uint128};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::chain::{FailedOnChain, SuiteAddresses, SuiteChain, Unconfirmed};
use log::{Decision, Logger, TxReport, TxResult, Verdict};
use policy::Policy;
use retry::{RetryPolicy, StopFlag};

/// What the keeper does, in the order of a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Harvest,
    Buyback,
    Convert,
    Stake,
    MatchOrders,
    ExpireOrders,
    CloseExpired,
    Rollover,
    TopUp,
    Settle,
    FinalizeEpoch,
}

impl Action {
    /// A round's order: revenue flows harvest → buyback, proceeds convert → stake, fills open
    /// leases before leases are checked, expired leases close before the rest are looked at, a
    /// rolled-over lease is topped up at its new price, and what no top-up saved is settled.
    pub const ROUND: [Action; 11] = [
        Action::Harvest,
        Action::Buyback,
        Action::Convert,
        Action::Stake,
        Action::MatchOrders,
        Action::ExpireOrders,
        Action::CloseExpired,
        Action::Rollover,
        Action::TopUp,
        Action::Settle,
        Action::FinalizeEpoch,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::Harvest => "harvest",
            Action::Buyback => "buyback",
            Action::Convert => "convert",
            Action::Stake => "stake",
            Action::MatchOrders => "match_orders",
            Action::ExpireOrders => "expire_orders",
            Action::CloseExpired => "close_expired",
            Action::Rollover => "rollover",
            Action::TopUp => "top_up",
            Action::Settle => "settle",
            Action::FinalizeEpoch => "finalize_epoch",
        }
    }

    pub fn contract(self) -> Contract {
        match self {
            Action::Harvest | Action::Convert | Action::Stake => Contract::StakingVault,
            Action::Buyback => Contract::BuybackBurn,
            Action::MatchOrders | Action::ExpireOrders => Contract::OrderBook,
            Action::CloseExpired | Action::Rollover | Action::TopUp | Action::Settle => {
                Contract::RolloverEscrow
            }
            Action::FinalizeEpoch => Contract::ProviderIncentives,
        }
    }

    /// The contracts whose keeper work a sent transaction of this action changes: its own, and
    /// the next one's in the round (harvest's revenue is buyback-burn's work, a fill opens a
    /// lease in the escrow). Their `keeper_work` is read again before the next action uses it.
    pub fn changes(self) -> &'static [Contract] {
        match self {
            Action::Harvest => &[Contract::StakingVault, Contract::BuybackBurn],
            Action::MatchOrders => &[Contract::OrderBook, Contract::RolloverEscrow],
            a => match a.contract() {
                Contract::StakingVault => &[Contract::StakingVault],
                Contract::BuybackBurn => &[Contract::BuybackBurn],
                Contract::OrderBook => &[Contract::OrderBook],
                Contract::RolloverEscrow => &[Contract::RolloverEscrow],
                Contract::ProviderIncentives => &[Contract::ProviderIncentives],
            },
        }
    }

    fn plan(
        self,
        ctx: &Ctx,
        memory: &mut Memory,
        work: &mut work::RoundWork,
    ) -> Result<Vec<Finding>> {
        match self {
            Action::Harvest | Action::Convert | Action::Stake => vault::plan(self, ctx, work),
            Action::Buyback => buyback::plan(ctx, work),
            Action::MatchOrders => match_orders::plan(ctx, work),
            Action::ExpireOrders => expire_orders::plan(ctx, work),
            Action::CloseExpired | Action::Rollover | Action::TopUp | Action::Settle => {
                escrow::plan(self, ctx, memory, work)
            }
            Action::FinalizeEpoch => finalize_epoch::plan(ctx, work),
        }
    }
}

/// The suite's contracts a keeper sends to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contract {
    StakingVault,
    BuybackBurn,
    OrderBook,
    RolloverEscrow,
    ProviderIncentives,
}

impl Contract {
    pub fn name(self) -> &'static str {
        match self {
            Contract::StakingVault => "staking-vault",
            Contract::BuybackBurn => "buyback-burn",
            Contract::OrderBook => "order-book",
            Contract::RolloverEscrow => "rollover-escrow",
            Contract::ProviderIncentives => "provider-incentives",
        }
    }

    pub fn address(self, addresses: &SuiteAddresses) -> &str {
        match self {
            Contract::StakingVault => &addresses.staking_vault,
            Contract::BuybackBurn => &addresses.buyback_burn,
            Contract::OrderBook => &addresses.order_book,
            Contract::RolloverEscrow => &addresses.rollover_escrow,
            Contract::ProviderIncentives => &addresses.provider_incentives,
        }
    }
}

/// What the sender of an action is paid.
#[derive(Clone, Debug, PartialEq)]
pub enum Bounty {
    /// The contract pays these coins (zero amounts left out).
    Paid(Vec<Coin>),
    /// The contract pays nothing: a protocol duty.
    Unpaid,
}

/// One transaction the keeper could send.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// What the message acts on: a denom, `lease 7`, `epoch 3`.
    pub target: Option<String>,
    /// The work found, in words.
    pub work: String,
    pub msg: Value,
    pub bounty: Bounty,
    /// The escrow leases a `top_up_batch` / `settle_batch` (or its lone-item call) acts on.
    pub batch: Option<escrow::Batch>,
}

/// What an action's reads found.
#[derive(Clone, Debug)]
pub enum Finding {
    Work(Candidate),
    /// Nothing to send, and why.
    Idle {
        target: Option<String>,
        reason: String,
    },
    /// Something a person should know about and no transaction can fix.
    Alert {
        target: String,
        message: String,
    },
}

impl Finding {
    fn idle(reason: impl Into<String>) -> Self {
        Finding::Idle {
            target: None,
            reason: reason.into(),
        }
    }
}

/// `amount denom` as a coin list, empty for zero.
fn nonzero(amount: u128, denom: &str) -> Vec<Coin> {
    if amount == 0 {
        vec![]
    } else {
        vec![Coin::new(amount, denom)]
    }
}

/// Serializes a typed contract message into the JSON a chain is sent.
fn msg_json(msg: &impl Serialize) -> Result<Value> {
    Ok(serde_json::to_value(msg)?)
}

/// What an action's reads see: the chain, where the suite is, and the keeper's settings.
pub struct Ctx<'a> {
    pub chain: &'a dyn SuiteChain,
    pub addresses: &'a SuiteAddresses,
    pub settings: &'a Settings,
}

impl Ctx<'_> {
    pub fn query<T: DeserializeOwned>(
        &self,
        contract: Contract,
        msg: &impl Serialize,
    ) -> Result<T> {
        let msg = msg_json(msg)?;
        let answer = self
            .chain
            .query(contract.address(self.addresses), &msg)
            .with_context(|| format!("{} {msg}", contract.name()))?;
        serde_json::from_value(answer)
            .with_context(|| format!("reading {}'s answer to {msg}", contract.name()))
    }
}

/// What the keeper remembers between rounds, so it neither rescans history nor repeats a
/// transaction that achieved nothing.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    /// Where the last round's scan of the escrow's `keeper_work` stopped (past its first page):
    /// the next round resumes there.
    pub escrow_scan_after: Option<(u64, u64)>,
}

/// Tuning of what counts as work.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Pages of the escrow's `keeper_work` (30 leases each) read per round: the first from the
    /// soonest-dry lease, the rest resuming where the last round stopped.
    pub escrow_pages: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { escrow_pages: 10 }
    }
}

#[derive(Clone, Debug)]
pub struct KeeperConfig {
    pub policy: Policy,
    pub retry: RetryPolicy,
    pub settings: Settings,
    pub limits: Limits,
    pub once: bool,
    pub interval: Duration,
}

/// Bounds on what one round may take and spend.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A round sends nothing more once this long has passed since it started (checked before
    /// every read and send; each call to a node is bounded by the chain's own timeout).
    pub round_timeout: Duration,
    /// Nothing is sent while the node's latest block is older than this by the wall clock (a
    /// node that stopped or fell behind). `None` on a chain without a wall clock (embedded).
    pub max_block_age: Option<Duration>,
    /// Fees paid (or, where the chain reports none, estimated) in the last hour, in fee-denom
    /// base units, above which nothing more is sent until the hour has passed.
    pub max_fees_per_hour: Option<Uint128>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            round_timeout: Duration::from_secs(300),
            max_block_age: None,
            max_fees_per_hour: None,
        }
    }
}

/// The keeper's state across rounds.
pub struct Keeper {
    addresses: SuiteAddresses,
    policy: Policy,
    retry: RetryPolicy,
    settings: Settings,
    limits: Limits,
    memory: Memory,
    /// This round's `keeper_work` answers.
    work: work::RoundWork,
    round: u64,
    /// Fees of the last hour's transactions, oldest first.
    fees: VecDeque<(Instant, Uint128)>,
    /// A transaction handed to the node whose fate is not known yet.
    in_flight: Option<InFlight>,
}

/// A sent transaction that may still land: nothing else is sent until it has (the account
/// sequence moved past it) or it no longer can (the chain passed its timeout height).
#[derive(Clone, Debug)]
struct InFlight {
    sequence: Option<u64>,
    timeout_height: u64,
    hash: String,
}

/// What one round decided, in order.
#[derive(Clone, Debug, Default)]
pub struct RoundReport {
    pub decisions: Vec<Decision>,
}

impl RoundReport {
    /// Transactions of `action` that went through.
    #[cfg(test)]
    pub fn executed(&self, action: Action) -> usize {
        self.decisions
            .iter()
            .filter(|d| d.action == action && d.succeeded())
            .count()
    }

    /// Transactions the contracts accepted.
    pub fn accepted(&self) -> usize {
        self.decisions.iter().filter(|d| d.succeeded()).count()
    }

    /// Transactions sent (whatever became of them).
    pub fn sent(&self) -> usize {
        self.decisions.iter().filter(|d| d.tx.is_some()).count()
    }

    /// Whether something could not be read or sent even after retries.
    pub fn had_failures(&self) -> bool {
        self.decisions.iter().any(|d| {
            d.decision == Verdict::Error
                || d.tx
                    .as_ref()
                    .is_some_and(|t| matches!(t.result, TxResult::Failed | TxResult::Unknown))
        })
    }
}

impl Keeper {
    /// Reads where the suite is and resolves the price aliases (`akt`, `spice`) against the
    /// contracts' configs.
    pub fn new(chain: &dyn SuiteChain, config: &KeeperConfig, stop: &StopFlag) -> Result<Self> {
        let retry = config.retry.clone();
        let (addresses, _) = retry.run(stop, || chain.addresses());
        let addresses = addresses.context("finding the suite")?;
        let mut policy = config.policy.clone();
        let (resolved, _) = retry.run(stop, || policy.resolve_aliases(chain, &addresses));
        resolved.context("resolving price aliases")?;
        Ok(Keeper {
            addresses,
            policy,
            retry,
            settings: config.settings.clone(),
            limits: config.limits.clone(),
            memory: Memory::default(),
            work: work::RoundWork::default(),
            round: 0,
            fees: VecDeque::new(),
            in_flight: None,
        })
    }

    /// One pass over every action. Stops between transactions once `stop` is raised.
    pub fn round(
        &mut self,
        chain: &mut dyn SuiteChain,
        logger: &mut Logger,
        stop: &StopFlag,
    ) -> RoundReport {
        self.round += 1;
        self.work = work::RoundWork::default();
        let mut report = RoundReport::default();
        let deadline = Instant::now() + self.limits.round_timeout;
        for action in Action::ROUND {
            if stop.raised() {
                break;
            }
            if Instant::now() >= deadline {
                let d = Decision::new(self.round, 0, action, action.contract().name()).verdict(
                    Verdict::Error,
                    format!(
                        "the round deadline ({} s) passed: the rest of the round is left to the \
                         next",
                        self.limits.round_timeout.as_secs()
                    ),
                );
                logger.record(&d);
                report.decisions.push(d);
                break;
            }
            self.run_action(chain, action, logger, stop, deadline, &mut report);
        }
        report
    }

    /// Fees counted against `--max-fees-per-hour`: those of the last hour.
    fn fees_this_hour(&mut self, now: Instant) -> Uint128 {
        while self
            .fees
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) >= Duration::from_secs(3_600))
        {
            self.fees.pop_front();
        }
        self.fees.iter().map(|(_, fee)| *fee).sum()
    }

    /// Why nothing may be sent now, if so: the node's latest block is stale, an earlier
    /// transaction may still land, or the hour's fee budget would be exceeded by `fee`.
    fn hold(&mut self, chain: &dyn SuiteChain, block_time: u64, height: u64) -> Option<String> {
        if let Some(max_age) = self.limits.max_block_age {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let age = now.saturating_sub(block_time);
            if age > max_age.as_secs() {
                return Some(format!(
                    "the node's latest block (height {height}) is {age} s old, more than \
                     --max-block-age-seconds {}: the node is stopped or behind, not sending",
                    max_age.as_secs()
                ));
            }
        }
        if let Some(flight) = self.in_flight.clone() {
            let landed = match (flight.sequence, chain.account_sequence()) {
                (Some(before), Ok(Some(now))) => now > before,
                _ => false,
            };
            if landed || height > flight.timeout_height {
                self.in_flight = None;
            } else {
                return Some(format!(
                    "transaction {} may still land (until height {}): nothing else is sent \
                     before it has or can no longer",
                    flight.hash, flight.timeout_height
                ));
            }
        }
        None
    }

    fn run_action(
        &mut self,
        chain: &mut dyn SuiteChain,
        action: Action,
        logger: &mut Logger,
        stop: &StopFlag,
        deadline: Instant,
        report: &mut RoundReport,
    ) {
        let contract = action.contract();
        let address = contract.address(&self.addresses).to_string();
        let mut record = |d: Decision| {
            logger.record(&d);
            report.decisions.push(d);
        };
        let round = self.round;
        let base = |height: u64| Decision::new(round, height, action, contract.name());

        // Reads: the block, then the contract's `keeper_work` (read once a round, again only
        // after an action changed it).
        let (reads, _) = self.retry.run_by(stop, Some(deadline), || -> Result<_> {
            let height = chain.block_height()?;
            let time = chain.block_time()?;
            let ctx = Ctx {
                chain: &*chain,
                addresses: &self.addresses,
                settings: &self.settings,
            };
            let paused = self.work.paused(&ctx, contract)?;
            let findings = if paused {
                vec![]
            } else {
                action.plan(&ctx, &mut self.memory, &mut self.work)?
            };
            Ok((height, time, paused, findings))
        });
        let (height, time, paused, findings) = match reads {
            Ok(r) => r,
            Err(e) => {
                record(base(0).verdict(Verdict::Error, format!("reading: {e:#}")));
                return;
            }
        };
        if paused {
            record(base(height).verdict(Verdict::Skip, "the contract is paused"));
            return;
        }
        if findings.is_empty() {
            record(base(height).verdict(Verdict::Idle, "no work"));
        }
        let mut queue: VecDeque<Finding> = findings.into();
        while let Some(finding) = queue.pop_front() {
            let candidate = match finding {
                Finding::Idle { target, reason } => {
                    record(base(height).target(target).verdict(Verdict::Idle, reason));
                    continue;
                }
                Finding::Alert { target, message } => {
                    record(
                        base(height)
                            .target(Some(target))
                            .verdict(Verdict::Alert, message),
                    );
                    continue;
                }
                Finding::Work(c) => c,
            };
            if stop.raised() {
                break;
            }
            if Instant::now() >= deadline {
                record(
                    base(height)
                        .target(candidate.target.clone())
                        .work(&candidate.work)
                        .verdict(Verdict::Error, "the round deadline passed: not sending"),
                );
                break;
            }
            if let Some(reason) = self.hold(&*chain, time, height) {
                record(
                    base(height)
                        .target(candidate.target.clone())
                        .work(&candidate.work)
                        .verdict(Verdict::Error, reason),
                );
                continue;
            }
            let mut d = base(height)
                .target(candidate.target.clone())
                .work(&candidate.work)
                .bounty(&candidate.bounty);
            let (simulation, _) = self.retry.run_by(stop, Some(deadline), || {
                chain.simulate(&address, &candidate.msg, &[])
            });
            let simulation = match simulation {
                Ok(simulation) => simulation,
                Err(e) => {
                    // A simulation that fails for the contract's reasons is a refusal ahead of
                    // time: nothing is sent. A refused batch is split so its other items still
                    // go: the item the error names is dropped, or else the batch is halved.
                    let transport = retry::is_transport(&e);
                    let verdict = if transport {
                        Verdict::Error
                    } else {
                        Verdict::Skip
                    };
                    let error = format!("{e:#}");
                    let batch = candidate.batch.as_ref().filter(|b| b.items.len() > 1);
                    let split = match batch {
                        Some(b) if !transport => Some(escrow::split(b, &error)),
                        _ => None,
                    };
                    match split {
                        Some(Ok((dropped, rest))) => {
                            let then = match &dropped {
                                Some(bad) => format!(
                                    "lease {} dropped from it (the error names it), the other \
                                     {} sent on their own",
                                    bad.lease_id,
                                    b_len(&rest)
                                ),
                                None => format!(
                                    "split into {} to find the item the escrow refuses",
                                    rest.iter()
                                        .filter_map(|c| c.target.clone())
                                        .collect::<Vec<_>>()
                                        .join(" and ")
                                ),
                            };
                            record(
                                d.verdict(verdict, format!("estimating the fee: {error}; {then}")),
                            );
                            for c in rest.into_iter().rev() {
                                queue.push_front(Finding::Work(c));
                            }
                        }
                        Some(Err(split_error)) => record(d.verdict(
                            verdict,
                            format!("estimating the fee: {error}; splitting: {split_error:#}"),
                        )),
                        None => record(d.verdict(verdict, format!("estimating the fee: {error}"))),
                    }
                    continue;
                }
            };
            // Items the escrow would skip (their state changed since `keeper_work` was read) cost
            // gas and pay nothing: they are dropped and the rest simulated again, once per drop,
            // so the batch shrinks each time and the loop ends.
            if let (Some(batch), Some(attributes)) = (
                candidate.batch.as_ref().filter(|b| b.items.len() > 1),
                simulation.attributes.as_ref(),
            ) {
                if let Some(rest) = escrow::without_skipped(batch, attributes) {
                    let (dropped, rest) = rest;
                    match rest {
                        Ok(rest) => {
                            record(d.verdict(
                                Verdict::Skip,
                                format!(
                                    "the escrow would skip {dropped}: dropped, the other {} \
                                     simulated again",
                                    b_len(std::slice::from_ref(&rest))
                                ),
                            ));
                            queue.push_front(Finding::Work(rest));
                        }
                        Err(e) => record(d.verdict(
                            Verdict::Skip,
                            format!("the escrow would skip {dropped}; rebuilding: {e:#}"),
                        )),
                    }
                    continue;
                }
            }
            let fee = simulation.fee.clone();
            d = d.fee(&fee);
            // A paid action is worth what its simulation pays the sender, not what the plan
            // expected from a snapshot: a top-up another top-up already drained, a match whose
            // fills the book refuses, pay nothing and are not sent. A batch is worth the sum of
            // what its items pay.
            let mut candidate = candidate;
            if let Bounty::Paid(planned) = &candidate.bounty {
                match simulation.received_by(&chain.sender()) {
                    Ok(Some(received)) => {
                        if &received != planned {
                            d.work = Some(format!(
                                "{} (planned bounty {}, simulated {})",
                                candidate.work,
                                log::coins_text_or_zero(planned),
                                log::coins_text_or_zero(&received)
                            ));
                        }
                        candidate.bounty = Bounty::Paid(received);
                        d = d.bounty(&candidate.bounty);
                    }
                    Ok(None) => {}
                    Err(e) => {
                        record(d.verdict(
                            Verdict::Skip,
                            format!("reading the simulation's transfers: {e:#}"),
                        ));
                        continue;
                    }
                }
            }
            let decision = self.policy.decide(&candidate.bounty, &fee);
            d.bounty_value = decision.bounty_value.clone();
            if !decision.send {
                record(d.verdict(Verdict::Skip, decision.reason));
                continue;
            }
            if let Some(budget) = self.limits.max_fees_per_hour {
                let spent = self.fees_this_hour(Instant::now());
                if spent.checked_add(fee.amount).map_or(true, |t| t > budget) {
                    let resumes = self
                        .fees
                        .front()
                        .map(|(at, _)| {
                            let left = Duration::from_secs(3_600)
                                .saturating_sub(Instant::now().duration_since(*at));
                            format!("in {} min", left.as_secs().div_ceil(60))
                        })
                        .unwrap_or_else(|| "never at this fee".into());
                    record(d.verdict(
                        Verdict::Skip,
                        format!(
                            "fee budget: {spent}{denom} spent in the last hour, this {fee} would \
                             pass --max-fees-per-hour {budget}{denom}; sending resumes {resumes}",
                            denom = fee.denom
                        ),
                    ));
                    continue;
                }
            }
            let (tx, charged) = self.send(chain, &address, &candidate, stop, deadline);
            self.fees
                .push_back((Instant::now(), charged.unwrap_or(fee.amount)));
            // Whatever became of it, the contracts it may have changed are read again.
            for c in action.changes() {
                self.work.forget(*c);
            }
            d.tx = Some(tx);
            record(d.verdict(Verdict::Execute, decision.reason));
        }
    }

    /// Sends `candidate` at most once per landing: a transport error is retried only when the
    /// account sequence shows the earlier send did not land and the chain does not report it
    /// handed to the node. Returns the report and the fee charged, when the chain says.
    fn send(
        &mut self,
        chain: &mut dyn SuiteChain,
        address: &str,
        candidate: &Candidate,
        stop: &StopFlag,
        deadline: Instant,
    ) -> (TxReport, Option<Uint128>) {
        let (before, _) = self
            .retry
            .run_by(stop, Some(deadline), || chain.account_sequence());
        let before = match before {
            Ok(sequence) => sequence,
            Err(e) => {
                return (
                    TxReport::failed(format!("reading the account sequence: {e:#}"), 0),
                    Some(Uint128::zero()),
                )
            }
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let error = match chain.execute(address, &candidate.msg, &[]) {
                Ok(outcome) => {
                    // A chain without fees (embedded) reports 0: the estimate is counted.
                    let charged = (!outcome.fee_paid.is_zero()).then_some(outcome.fee_paid);
                    let mut report = TxReport::ok(&outcome, attempts, &candidate.bounty);
                    if let Some(batch) = &candidate.batch {
                        // Items pay one merged send: the bounty is what reached the keeper.
                        if matches!(candidate.bounty, Bounty::Paid(_)) {
                            report.bounty_paid =
                                escrow::paid_to(&outcome.attributes, &chain.sender()).ok();
                        }
                        report.items = Some(escrow::item_outcomes(batch, &outcome.attributes));
                    }
                    return (report, charged);
                }
                Err(e) => e,
            };
            if let Some(failure) = error
                .chain()
                .find_map(|e| e.downcast_ref::<FailedOnChain>())
            {
                return (
                    TxReport::failed_on_chain(failure, attempts),
                    Some(failure.fee_paid),
                );
            }
            let unconfirmed = error.chain().find_map(|e| e.downcast_ref::<Unconfirmed>());
            if unconfirmed.is_none() && !retry::is_transport(&error) {
                return (
                    TxReport::refused(format!("{error:#}"), attempts),
                    Some(Uint128::zero()),
                );
            }
            // The send may have landed: the sequence says whether a block took a transaction
            // of this account since.
            let after = chain.account_sequence();
            let landed = matches!((before, &after), (Some(b), Ok(Some(a))) if *a > b);
            let hash = unconfirmed.map(|u| u.hash.as_str());
            if landed {
                return (
                    TxReport::unknown(
                        format!(
                            "{error:#}; the account sequence moved ({} → {}): a block took the \
                             transaction, its result is unknown, it is not sent again",
                            before.unwrap_or_default(),
                            after.ok().flatten().unwrap_or_default()
                        ),
                        attempts,
                    )
                    .with_hash(hash),
                    None,
                );
            }
            if let Some(u) = unconfirmed {
                self.in_flight = Some(InFlight {
                    sequence: before,
                    timeout_height: u.timeout_height,
                    hash: u.hash.clone(),
                });
                return (
                    TxReport::unknown(
                        format!("{error:#}; not sent again while it may still land"),
                        attempts,
                    )
                    .with_hash(hash),
                    None,
                );
            }
            if before.is_none() && after.is_err() {
                // Neither sequence known: nothing proves the send did not land.
                return (TxReport::unknown(format!("{error:#}"), attempts), None);
            }
            let delay = self.retry.delay(attempts);
            if attempts > self.retry.max_retries
                || Instant::now() + delay >= deadline
                || !stop.sleep(delay)
            {
                return (
                    TxReport::failed(format!("{error:#}"), attempts),
                    Some(Uint128::zero()),
                );
            }
        }
    }
}

/// Items in the candidates `rest` (one batch, or none).
fn b_len(rest: &[Candidate]) -> usize {
    rest.iter()
        .map(|c| c.batch.as_ref().map_or(1, |b| b.items.len()))
        .sum()
}

/// What a run did, counted (a keeper runs for months: rounds are logged, not kept).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunTotals {
    pub rounds: u64,
    pub sent: u64,
    pub accepted: u64,
    pub last_round_had_failures: bool,
}

impl RunTotals {
    fn add(&mut self, report: &RoundReport) {
        self.rounds += 1;
        self.sent += report.sent() as u64;
        self.accepted += report.accepted() as u64;
        self.last_round_had_failures = report.had_failures();
    }
}

/// Runs rounds until `--once` is done or `stop` is raised (Ctrl-C), sleeping `interval` between
/// rounds. Each round's decisions go to the log as they are made; only the totals are kept.
pub fn run(
    chain: &mut dyn SuiteChain,
    config: &KeeperConfig,
    logger: &mut Logger,
    stop: &StopFlag,
) -> Result<RunTotals> {
    let mut keeper = Keeper::new(&*chain, config, stop)?;
    let mut totals = RunTotals::default();
    loop {
        let report = keeper.round(chain, logger, stop);
        totals.add(&report);
        if config.once || stop.raised() {
            break;
        }
        if !stop.sleep(config.interval) {
            break;
        }
    }
    Ok(totals)
}

/// Sums coins by denom (zero amounts left out), in denom order.
pub fn sum_coins(coins: impl IntoIterator<Item = Coin>) -> Result<Vec<Coin>> {
    let mut by_denom: BTreeMap<String, Uint128> = BTreeMap::new();
    for c in coins {
        let total = by_denom.entry(c.denom).or_default();
        *total = total.checked_add(c.amount)?;
    }
    Ok(by_denom
        .into_iter()
        .filter(|(_, a)| !a.is_zero())
        .map(|(d, a)| Coin::new(a, d))
        .collect())
}
