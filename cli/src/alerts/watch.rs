//! The watcher: one round reads the chain for the enabled rules, records every firing (state,
//! event, outbox) in one transaction each, then delivers what is due.
//!
//! Reads per round:
//! - runway `<` and `=` rules (blocks or seconds): one paged `leases_below_threshold` with the
//!   largest threshold, shared by all of them, plus a `lease` read for each lease a rule is
//!   firing on (to see it re-arm) and for each new lease of an owner rule (its tenant, once,
//!   then remembered in the database). Healthy leases cost nothing: the work is O(leases below
//!   the largest threshold + alerts firing), not a scan of all leases.
//! - runway `>`, balance and lifecycle rules: the watched leases themselves (`lease`, or the
//!   owner's `leases_by_tenant` pages), O(leases watched by such rules).
//! - `rewards-claimable`: provider-incentives `pending_rewards` (first page) per provider.

use std::collections::{BTreeMap, HashMap};

use anyhow::{anyhow, bail, Context, Result};
use rollover_escrow::msg::{
    BalanceResponse, GrantResponse, LeaseResponse, LeasesResponse, QueryMsg, ThresholdResponse,
};
use rollover_escrow::state::{LeaseStatus, StoredTopUpSource};
use serde_json::{json, Value};

use super::channels::Sender;
use super::store::{now_ms, Firing, OutboxStatus, RetryPolicy, Store};
use super::{
    reason_in_words, step_count, step_flag, step_threshold, Arming, Channel, Condition, Lifecycle,
    Metric, Op, Rule, Seen, Step, Target,
};
use crate::chain::{SuiteAddresses, SuiteChain};

/// Most pages of 30 read from one listing in a round.
const MAX_PAGES: usize = 100;
const PAGE: u32 = 30;

/// A test hook standing for a crash at a point of the round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Stop right after the outbox rows were committed, before anything is sent.
    AfterOutboxWrite,
}

impl std::str::FromStr for Fault {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "after-outbox-write" => Ok(Fault::AfterOutboxWrite),
            other => bail!("unknown fault {other:?} (after-outbox-write)"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct WatchConfig {
    /// Seconds per block, to turn runway blocks into time.
    pub block_seconds: f64,
    pub retry: RetryPolicy,
    /// Deliveries attempted per round at most.
    pub deliveries_per_round: u32,
    pub fault: Option<Fault>,
    /// The database's watcher lease (owner, time to live), renewed before each round and each
    /// send, so a second watcher cannot send what this one is sending.
    pub lease: Option<(String, std::time::Duration)>,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            block_seconds: 6.0,
            retry: RetryPolicy::default(),
            deliveries_per_round: 100,
            fault: None,
            lease: None,
        }
    }
}

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoundReport {
    pub height: u64,
    pub looks: usize,
    pub fired: usize,
    pub delivered: usize,
    pub retrying: usize,
    pub failed: usize,
    /// Contract queries sent.
    pub queries: usize,
    /// Rules that could not be evaluated, and why (an unknown lease id, a failed read).
    pub errors: Vec<String>,
}

/// The chain side of a round: the escrow and incentives queries, counted.
struct Reader<'a> {
    chain: &'a dyn SuiteChain,
    addresses: &'a SuiteAddresses,
    queries: usize,
    leases: HashMap<u64, Option<LeaseResponse>>,
}

impl Reader<'_> {
    fn escrow<T: serde::de::DeserializeOwned>(&mut self, msg: &QueryMsg) -> Result<T> {
        self.queries += 1;
        let msg = serde_json::to_value(msg)?;
        let answer = self
            .chain
            .query(&self.addresses.rollover_escrow, &msg)
            .with_context(|| format!("rollover-escrow {msg}"))?;
        Ok(serde_json::from_value(answer)?)
    }

    /// The lease, or `None` when the escrow has no such id.
    fn lease(&mut self, id: u64) -> Result<Option<LeaseResponse>> {
        if let Some(l) = self.leases.get(&id) {
            return Ok(l.clone());
        }
        let lease = match self.escrow::<LeaseResponse>(&QueryMsg::Lease { lease_id: id }) {
            Ok(l) => Some(l),
            Err(e) if format!("{e:#}").contains("not found") => None,
            Err(e) => return Err(e),
        };
        self.leases.insert(id, lease.clone());
        Ok(lease)
    }

    fn leases_of(&mut self, tenant: &str) -> Result<Vec<LeaseResponse>> {
        let mut out = vec![];
        let mut start_after = None;
        for _ in 0..MAX_PAGES {
            let page: LeasesResponse = self.escrow(&QueryMsg::LeasesByTenant {
                tenant: tenant.to_string(),
                start_after,
                limit: Some(PAGE),
            })?;
            let full = page.leases.len() == PAGE as usize;
            start_after = page.leases.last().map(|l| l.id);
            for l in page.leases {
                self.leases.insert(l.id, Some(l.clone()));
                out.push(l);
            }
            if !full {
                break;
            }
        }
        Ok(out)
    }

    /// Lease id → runway blocks, for every lease running dry within `horizon` blocks.
    fn below(&mut self, horizon: u64) -> Result<BTreeMap<u64, u64>> {
        let mut out = BTreeMap::new();
        let mut start_after = None;
        for _ in 0..MAX_PAGES {
            let page: ThresholdResponse = self.escrow(&QueryMsg::LeasesBelowThreshold {
                runway_blocks: horizon,
                start_after,
                limit: Some(PAGE),
            })?;
            let full = page.leases.len() == PAGE as usize;
            start_after = page.leases.last().map(|l| (l.depletion_height, l.lease_id));
            for e in page.leases {
                out.insert(e.lease_id, e.runway_blocks);
            }
            if !full {
                break;
            }
        }
        Ok(out)
    }

    /// What the auto top-up source of `lease` can still move.
    fn top_up_available(
        &mut self,
        lease: &LeaseResponse,
        source: &StoredTopUpSource,
    ) -> Result<u128> {
        let tenant = lease.tenant.to_string();
        let (depositor, grant_left) = match source {
            StoredTopUpSource::Balance => (tenant.clone(), None),
            StoredTopUpSource::Grant { granter } => {
                let g: GrantResponse = self.escrow(&QueryMsg::Grant {
                    granter: granter.to_string(),
                    grantee: tenant.clone(),
                })?;
                let left = if g.expired { 0 } else { g.remaining.u128() };
                (granter.to_string(), Some(left))
            }
        };
        let b: BalanceResponse = self.escrow(&QueryMsg::Balance {
            owner: depositor,
            denom: lease.denom.clone(),
        })?;
        Ok(grant_left.map_or(b.amount.u128(), |g| g.min(b.amount.u128())))
    }

    fn claimable(&mut self, provider: &str) -> Result<Vec<cosmwasm_std::Coin>> {
        use provider_incentives::msg::{PendingRewardsResponse, QueryMsg as Incentives};
        self.queries += 1;
        let msg = serde_json::to_value(Incentives::PendingRewards {
            provider: provider.to_string(),
            start_after: None,
            limit: Some(PAGE),
        })?;
        let answer = self
            .chain
            .query(&self.addresses.provider_incentives, &msg)
            .with_context(|| format!("provider-incentives {msg}"))?;
        let r: PendingRewardsResponse = serde_json::from_value(answer)?;
        Ok(r.claimable)
    }
}

fn streaming(status: &LeaseStatus) -> bool {
    matches!(
        status,
        LeaseStatus::Active | LeaseStatus::InsufficientFunds { .. }
    )
}

fn status_words(status: &LeaseStatus) -> String {
    match status {
        LeaseStatus::Pending => "pending".into(),
        LeaseStatus::Active => "active".into(),
        LeaseStatus::InsufficientFunds { since } => format!("out of funds since height {since}"),
        LeaseStatus::Closed => "closed".into(),
    }
}

pub struct Watcher<'s> {
    pub store: &'s mut Store,
    pub addresses: SuiteAddresses,
    pub config: WatchConfig,
}

/// One look's outcome for a subject, before it is stored.
struct Look {
    subject: String,
    step: Step,
    /// What the notification says about the subject (one line) and its details.
    what: String,
    details: Value,
}

impl Watcher<'_> {
    fn runway_value(&self, metric: Metric, blocks: u64) -> u128 {
        match metric {
            Metric::RunwaySeconds => (blocks as f64 * self.config.block_seconds).round() as u128,
            _ => u128::from(blocks),
        }
    }

    fn unit(metric: Metric, denom: Option<&str>) -> String {
        match metric {
            Metric::RunwayBlocks => "blocks".into(),
            Metric::RunwaySeconds => "s".into(),
            Metric::Balance => denom.unwrap_or("").to_string(),
        }
    }

    /// Blocks a runway threshold needs from the listing (`None`: the rule reads leases itself).
    fn horizon(&self, rule: &Rule) -> Option<u64> {
        match rule.condition {
            Condition::Threshold { metric, op, value } if op != Op::Gt => {
                let blocks = match metric {
                    Metric::RunwayBlocks => value,
                    Metric::RunwaySeconds => {
                        (value as f64 / self.config.block_seconds).ceil() as u128
                    }
                    Metric::Balance => return None,
                };
                // `=` must see the threshold itself; seconds round to whole blocks.
                Some(u64::try_from(blocks).unwrap_or(u64::MAX).saturating_add(1))
            }
            _ => None,
        }
    }

    /// Reads the chain for every enabled rule and records what fired.
    pub fn evaluate(&mut self, chain: &dyn SuiteChain, report: &mut RoundReport) -> Result<()> {
        let height = chain.block_height()?;
        report.height = height;
        let rules = self.store.rules(true)?;
        let addresses = self.addresses.clone();
        let mut reader = Reader {
            chain,
            addresses: &addresses,
            queries: 0,
            leases: HashMap::new(),
        };
        let horizon = rules.iter().filter_map(|r| self.horizon(r)).max();
        let below = match horizon {
            Some(h) => reader.below(h)?,
            None => BTreeMap::new(),
        };
        for rule in &rules {
            match self.looks(rule, &mut reader, &below) {
                Ok(looks) => {
                    for look in looks {
                        report.looks += 1;
                        if self.record(rule, height, look)? {
                            report.fired += 1;
                        }
                    }
                }
                Err(e) => report
                    .errors
                    .push(format!("alert {} ({}): {e:#}", rule.id, rule.name)),
            }
        }
        report.queries += reader.queries;
        Ok(())
    }

    fn looks(
        &mut self,
        rule: &Rule,
        reader: &mut Reader,
        below: &BTreeMap<u64, u64>,
    ) -> Result<Vec<Look>> {
        let mut looks = vec![];
        if let Some(_h) = self.horizon(rule) {
            let Condition::Threshold { metric, op, value } = rule.condition else {
                unreachable!("horizon() is only Some for thresholds")
            };
            // Subjects: listed leases the rule targets, and those it has a stored value for.
            let mut subjects: Vec<u64> = vec![];
            for &id in below.keys() {
                if self.targets(rule, id, reader)? {
                    subjects.push(id);
                }
            }
            if let Target::Lease(id) = rule.target {
                subjects.push(id);
            }
            for s in self.store.armed_subjects(rule.id)? {
                if let Ok(id) = s.parse::<u64>() {
                    subjects.push(id);
                }
            }
            subjects.sort_unstable();
            subjects.dedup();
            for id in subjects {
                let seen = match below.get(&id) {
                    Some(&blocks) => Seen::Value(self.runway_value(metric, blocks)),
                    None => match reader.lease(id)? {
                        None => {
                            if rule.target == Target::Lease(id) {
                                bail!("lease {id} does not exist on the escrow");
                            }
                            Seen::Nothing
                        }
                        Some(l) => match l.runway_blocks {
                            Some(b) if streaming(&l.status) => {
                                Seen::Value(self.runway_value(metric, b))
                            }
                            _ => Seen::Nothing,
                        },
                    },
                };
                let subject = id.to_string();
                let prev = self.store.arming(rule.id, &subject)?;
                let step = step_threshold(&prev, op, value, seen);
                looks.push(self.threshold_look(id, (metric, op, value), seen, step, None));
            }
            return Ok(looks);
        }
        match (&rule.target, &rule.condition) {
            (Target::Provider(p), Condition::Lifecycle(Lifecycle::RewardsClaimable)) => {
                let claimable = reader.claimable(p)?;
                let prev = self.store.arming(rule.id, p)?;
                let step = step_flag(&prev, !claimable.is_empty());
                let coins: Vec<String> = claimable.iter().map(|c| c.to_string()).collect();
                looks.push(Look {
                    subject: p.clone(),
                    step,
                    what: format!("provider {p} has rewards to claim: {}", coins.join(", ")),
                    details: json!({ "provider": p, "claimable": coins }),
                });
            }
            (Target::Provider(_), _) | (_, Condition::Lifecycle(Lifecycle::RewardsClaimable)) => {
                bail!("rewards-claimable goes with --provider, and --provider only with it")
            }
            (target, condition) => {
                let leases = match target {
                    Target::Lease(id) => vec![reader
                        .lease(*id)?
                        .ok_or_else(|| anyhow!("lease {id} does not exist on the escrow"))?],
                    Target::Owner(owner) => reader.leases_of(owner)?,
                    Target::Provider(_) => unreachable!("handled above"),
                };
                for lease in leases {
                    let subject = lease.id.to_string();
                    let prev = self.store.arming(rule.id, &subject)?;
                    looks.push(self.lease_look(condition, &lease, &prev, reader)?);
                }
            }
        }
        Ok(looks)
    }

    /// Whether `rule` watches lease `id` (an owner rule reads the tenant once, then remembers).
    fn targets(&self, rule: &Rule, id: u64, reader: &mut Reader) -> Result<bool> {
        Ok(match &rule.target {
            Target::Lease(l) => *l == id,
            Target::Provider(_) => false,
            Target::Owner(owner) => {
                let tenant = match self.store.tenant_of(id)? {
                    Some(t) => t,
                    None => match reader.lease(id)? {
                        Some(l) => {
                            self.store.remember_tenant(id, l.tenant.as_str())?;
                            l.tenant.to_string()
                        }
                        None => return Ok(false),
                    },
                };
                &tenant == owner
            }
        })
    }

    fn threshold_look(
        &self,
        lease_id: u64,
        (metric, op, threshold): (Metric, Op, u128),
        seen: Seen,
        step: Step,
        denom: Option<&str>,
    ) -> Look {
        let unit = Self::unit(metric, denom);
        let now = match seen {
            Seen::Value(v) => format!("{v} {unit}"),
            Seen::Above => format!("above {threshold} {unit}"),
            Seen::Nothing => "not streaming".into(),
        };
        Look {
            subject: lease_id.to_string(),
            step,
            what: format!(
                "lease {lease_id}: {} {now} (alert: {} {} {threshold})",
                match metric {
                    Metric::Balance => "balance",
                    Metric::RunwayBlocks | Metric::RunwaySeconds => "runway",
                },
                metric.name(),
                op.symbol()
            ),
            details: json!({
                "lease_id": lease_id,
                "metric": metric.name(),
                "op": op.symbol(),
                "threshold": threshold.to_string(),
                "value": match seen { Seen::Value(v) => Value::String(v.to_string()), _ => Value::Null },
                "unit": unit,
            }),
        }
    }

    fn lease_look(
        &self,
        condition: &Condition,
        lease: &LeaseResponse,
        prev: &Arming,
        reader: &mut Reader,
    ) -> Result<Look> {
        let id = lease.id;
        Ok(match *condition {
            Condition::Threshold { metric, op, value } => {
                let seen = match metric {
                    Metric::Balance if lease.status != LeaseStatus::Closed => {
                        Seen::Value(lease.balance.u128())
                    }
                    Metric::Balance => Seen::Nothing,
                    _ => match lease.runway_blocks {
                        Some(b) if streaming(&lease.status) => {
                            Seen::Value(self.runway_value(metric, b))
                        }
                        _ => Seen::Nothing,
                    },
                };
                let step = step_threshold(prev, op, value, seen);
                self.threshold_look(id, (metric, op, value), seen, step, Some(&lease.denom))
            }
            Condition::Lifecycle(Lifecycle::FailureReported) => {
                let failure = lease
                    .failure
                    .as_ref()
                    .filter(|_| lease.status != LeaseStatus::Closed);
                let step = step_flag(prev, failure.is_some());
                let what = match failure {
                    Some(f) => format!(
                        "lease {id}: a failure of provider {} was reported by {} at height {} \
                         (reason {})",
                        lease.provider, f.reporter, f.height, f.reason
                    ),
                    None => format!("lease {id}: no failure reported"),
                };
                Look {
                    subject: id.to_string(),
                    step,
                    what,
                    details: json!({ "lease_id": id, "provider": lease.provider, "failure": lease.failure }),
                }
            }
            Condition::Lifecycle(Lifecycle::RolledOver) => {
                let step = step_count(prev, u128::from(lease.rollovers));
                Look {
                    subject: id.to_string(),
                    step,
                    what: format!(
                        "lease {id}: rolled over to provider {} at height {} (rollover {})",
                        lease.provider, lease.provider_since, lease.rollovers
                    ),
                    details: json!({ "lease_id": id, "provider": lease.provider, "rollovers": lease.rollovers, "provider_since": lease.provider_since }),
                }
            }
            Condition::Lifecycle(Lifecycle::Closed) => {
                let closed = lease.status == LeaseStatus::Closed;
                let step = step_flag(prev, closed);
                let reason = lease.close_reason.map(reason_in_words);
                Look {
                    subject: id.to_string(),
                    step,
                    what: format!(
                        "lease {id}: closed at height {}: {}",
                        lease.closed_at.unwrap_or_default(),
                        reason
                            .clone()
                            .unwrap_or_else(|| "no reason recorded".into())
                    ),
                    details: json!({ "lease_id": id, "close_reason": lease.close_reason, "reason": reason, "closed_at": lease.closed_at }),
                }
            }
            Condition::Lifecycle(Lifecycle::TopUpFailed) => {
                let mut holds = false;
                let mut what = format!("lease {id}: auto top-up is fine");
                if let Some(auto) = &lease.auto_top_up {
                    let below_target = match lease.status {
                        LeaseStatus::InsufficientFunds { .. } => true,
                        LeaseStatus::Active => lease
                            .runway_blocks
                            .is_some_and(|r| r < auto.target_runway_blocks),
                        _ => false,
                    };
                    if below_target && reader.top_up_available(lease, &auto.source)? == 0 {
                        holds = true;
                        what = format!(
                            "lease {id}: auto top-up cannot refill it, its source has no {} left \
                             ({}; target {} blocks, runway {})",
                            lease.denom,
                            status_words(&lease.status),
                            auto.target_runway_blocks,
                            lease.runway_blocks.unwrap_or_default()
                        );
                    }
                }
                Look {
                    subject: id.to_string(),
                    step: step_flag(prev, holds),
                    what,
                    details: json!({ "lease_id": id, "auto_top_up": lease.auto_top_up, "runway_blocks": lease.runway_blocks }),
                }
            }
            Condition::Lifecycle(Lifecycle::RewardsClaimable) => {
                unreachable!("provider rules are read in looks()")
            }
        })
    }

    /// Stores a look; a firing is the state, the event and the outbox in one transaction.
    fn record(&mut self, rule: &Rule, height: u64, look: Look) -> Result<bool> {
        if !look.step.fire {
            self.store
                .record_look(rule.id, &look.subject, &look.step.next)?;
            return Ok(false);
        }
        let subject_line = format!("[spice alert] {}: {}", rule.name, look.what);
        let mut body = String::new();
        if !rule.notes.is_empty() {
            body.push_str(&rule.notes);
            body.push_str("\n\n");
        }
        body.push_str(&format!(
            "{}\n\nAlert #{} \"{}\": {} on {}.\nChain height {height}.\n",
            look.what, rule.id, rule.name, rule.condition, rule.target
        ));
        let firing = Firing {
            rule_id: rule.id,
            rule_name: rule.name.clone(),
            subject: look.subject.clone(),
            height,
            subject_line,
            body,
            payload: json!({
                "notes": rule.notes,
                "condition": rule.condition.to_string(),
                "target": rule.target.to_string(),
                "what": look.what,
                "details": look.details,
            }),
            channels: rule.channels.clone(),
        };
        self.store.record_firing(&firing, &look.step.next)?;
        Ok(true)
    }

    /// Sends every due outbox row (of `only_event`, when given) once, recording each attempt.
    pub fn deliver(
        &mut self,
        sender: &mut dyn Sender,
        only_event: Option<i64>,
        report: &mut RoundReport,
    ) -> Result<()> {
        let due = match only_event {
            Some(id) => self
                .store
                .deliveries_of(id)?
                .into_iter()
                .filter(|d| d.status == OutboxStatus::Pending)
                .collect(),
            None => self.store.due(now_ms(), self.config.deliveries_per_round)?,
        };
        for d in due {
            self.renew_lease()?;
            let event = self.store.event(d.event_id)?;
            let result = d
                .channel
                .parse::<Channel>()
                .and_then(|c| sender.send(&c, d.id, &event))
                .map_err(|e| format!("{e:#}"));
            if let Err(e) = &result {
                eprintln!("alerts: delivery {} to {} failed: {e}", d.id, d.channel);
            }
            let t = self
                .store
                .record_attempt(d.id, result, &self.config.retry)?;
            match t.status {
                OutboxStatus::Delivered => {
                    eprintln!(
                        "alerts: delivered event {} ({}) to {}",
                        event.id, event.rule_name, d.channel
                    );
                    report.delivered += 1
                }
                OutboxStatus::Pending => report.retrying += 1,
                OutboxStatus::Failed => {
                    eprintln!(
                        "alerts: delivery {} to {} failed for good after {} attempts",
                        d.id, d.channel, t.attempts
                    );
                    report.failed += 1
                }
            }
        }
        Ok(())
    }

    fn renew_lease(&mut self) -> Result<()> {
        if let Some((owner, ttl)) = &self.config.lease {
            self.store.claim_watcher(owner, now_ms(), *ttl)?;
        }
        Ok(())
    }

    /// Evaluate, then deliver. With [`Fault::AfterOutboxWrite`] the round stops with an error
    /// once a firing is committed, as a crash there would.
    pub fn round(
        &mut self,
        chain: &dyn SuiteChain,
        sender: &mut dyn Sender,
    ) -> Result<RoundReport> {
        let mut report = RoundReport::default();
        self.renew_lease()?;
        self.evaluate(chain, &mut report)?;
        if self.config.fault == Some(Fault::AfterOutboxWrite) && report.fired > 0 {
            bail!("fault injected: stopped after writing the outbox, before sending");
        }
        self.deliver(sender, None, &mut report)?;
        Ok(report)
    }
}
