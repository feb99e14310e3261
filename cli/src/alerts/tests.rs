//! Conditions and crossing semantics, the outbox state machine, the database, and the watcher
//! against a scripted escrow (restart between outbox write and send, retries, owner rules).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use cosmwasm_std::{Coin, Uint128};
use serde_json::{json, Value};

use super::channels::{self, Sender};
use super::store::{next_outbox_state, OutboxStatus, RetryPolicy, Store};
use super::watch::{Fault, WatchConfig, Watcher};
use super::*;
use crate::chain::{SuiteAddresses, SuiteChain, TxOutcome};

// ---- conditions -------------------------------------------------------------------------

#[test]
fn conditions_parse_with_or_without_spaces_and_refuse_nonsense() {
    assert_eq!(
        "runway-blocks<100".parse::<Condition>().unwrap(),
        Condition::Threshold {
            metric: Metric::RunwayBlocks,
            op: Op::Lt,
            value: 100
        }
    );
    assert_eq!(
        "balance = 5000".parse::<Condition>().unwrap(),
        Condition::Threshold {
            metric: Metric::Balance,
            op: Op::Eq,
            value: 5000
        }
    );
    assert_eq!(
        "runway-seconds>3600".parse::<Condition>().unwrap(),
        Condition::Threshold {
            metric: Metric::RunwaySeconds,
            op: Op::Gt,
            value: 3600
        }
    );
    assert_eq!(
        "closed".parse::<Condition>().unwrap(),
        Condition::Lifecycle(Lifecycle::Closed)
    );
    assert_eq!(
        "top_up_failed".parse::<Condition>().unwrap(),
        Condition::Lifecycle(Lifecycle::TopUpFailed)
    );
    for bad in [
        "runway<-1",
        "height<5",
        "balance<",
        "balance<1.5",
        "sometimes",
    ] {
        let err = bad.parse::<Condition>().unwrap_err().to_string();
        assert!(err.contains(bad.trim()), "{bad}: {err}");
    }
    // Round trip through the database's JSON (u128 as a string).
    let c = Condition::Threshold {
        metric: Metric::Balance,
        op: Op::Gt,
        value: u128::MAX,
    };
    let s = serde_json::to_string(&c).unwrap();
    assert!(s.contains(&u128::MAX.to_string()));
    assert_eq!(serde_json::from_str::<Condition>(&s).unwrap(), c);
}

#[test]
fn channels_parse_and_refuse_bad_addresses() {
    assert_eq!(
        "email:ops@example.com".parse::<Channel>().unwrap(),
        Channel::Email("ops@example.com".into())
    );
    assert_eq!(
        "webhook:http://127.0.0.1:9/hook"
            .parse::<Channel>()
            .unwrap(),
        Channel::Webhook("http://127.0.0.1:9/hook".into())
    );
    assert_eq!("log".parse::<Channel>().unwrap(), Channel::Log);
    assert!("email:not-an-address".parse::<Channel>().is_err());
    assert!("webhook:ftp://x".parse::<Channel>().is_err());
    assert!("sms:123".parse::<Channel>().is_err());
}

/// Feeds `values` through the crossing state machine; returns which looks fired.
fn fires(op: Op, threshold: u128, values: &[Seen]) -> Vec<bool> {
    let mut arming = Arming::default();
    values
        .iter()
        .map(|&v| {
            let step = step_threshold(&arming, op, threshold, v);
            arming = step.next;
            step.fire
        })
        .collect()
}

#[test]
fn below_fires_once_when_it_becomes_true_and_rearms_when_false() {
    use Seen::Value as V;
    assert_eq!(
        fires(
            Op::Lt,
            100,
            &[V(150), V(120), V(99), V(50), V(0), V(200), V(80)]
        ),
        [false, false, true, false, false, false, true]
    );
    // Already below at the first look: it fires (the condition became true for the watcher).
    assert_eq!(fires(Op::Lt, 100, &[V(10), V(5)]), [true, false]);
    // The boundary is not below.
    assert_eq!(fires(Op::Lt, 100, &[V(100)]), [false]);
    // A lease that stops streaming re-arms the rule.
    assert_eq!(
        fires(Op::Lt, 100, &[V(10), Seen::Nothing, V(10)]),
        [true, false, true]
    );
}

#[test]
fn above_fires_once_per_crossing() {
    use Seen::Value as V;
    assert_eq!(
        fires(
            Op::Gt,
            1_000,
            &[V(1_000), V(1_001), V(5_000), V(999), V(2_000)]
        ),
        [false, true, false, false, true]
    );
}

#[test]
fn equal_fires_on_the_value_or_when_passed_through_and_never_twice_in_a_row() {
    use Seen::Value as V;
    // Hits the value exactly, stays there, leaves, comes back.
    assert_eq!(
        fires(Op::Eq, 100, &[V(103), V(100), V(100), V(97), V(100)]),
        [false, true, false, false, true]
    );
    // A watcher that looks every 4 blocks sees 103 then 99: the runway passed 100 in between.
    assert_eq!(
        fires(Op::Eq, 100, &[V(103), V(99), V(95)]),
        [false, true, false]
    );
    // Upwards too (a deposit raises the balance past the threshold).
    assert_eq!(fires(Op::Eq, 100, &[V(50), V(150)]), [false, true]);
    // From above the listing (not read exactly) to below the threshold.
    assert_eq!(
        fires(Op::Eq, 100, &[Seen::Above, V(40), V(30)]),
        [false, true, false]
    );
    // The first look below says nothing about passing (no earlier look).
    assert_eq!(fires(Op::Eq, 100, &[V(40)]), [false]);
    // Equal at the first look fires.
    assert_eq!(fires(Op::Eq, 100, &[V(100)]), [true]);
    // Nothing (closed) is no crossing.
    assert_eq!(fires(Op::Eq, 100, &[V(150), Seen::Nothing]), [false, false]);
}

#[test]
fn flags_fire_when_raised_and_counts_when_they_grow() {
    let mut a = Arming::default();
    let mut out = vec![];
    for holds in [false, true, true, false, true] {
        let s = step_flag(&a, holds);
        a = s.next;
        out.push(s.fire);
    }
    assert_eq!(out, [false, true, false, false, true]);

    let mut a = Arming::default();
    let mut out = vec![];
    // The first look at a lease rolled over twice already only records the count.
    for count in [2, 2, 3, 3, 5] {
        let s = step_count(&a, count);
        a = s.next;
        out.push(s.fire);
    }
    assert_eq!(out, [false, false, true, false, true]);
}

#[test]
fn reason_codes_read_as_words() {
    assert_eq!(
        reason_in_words(20_001),
        "closed by the network: ran out of funds (reason 20001)"
    );
    assert_eq!(reason_in_words(7), "closed by the tenant (reason 7)");
    assert_eq!(
        reason_in_words(10_002),
        "closed for the provider: provider missed heartbeats (reason 10002)"
    );
    assert_eq!(
        reason_in_words(25_000),
        "closed by the network (reason 25000)"
    );
}

// ---- the outbox state machine -----------------------------------------------------------

#[test]
fn outbox_delivers_backs_off_doubling_and_fails_after_max_attempts() {
    let policy = RetryPolicy {
        max_attempts: 4,
        base: Duration::from_secs(2),
        cap: Duration::from_secs(5),
    };
    let ok = next_outbox_state(OutboxStatus::Pending, 0, true, 1_000, &policy).unwrap();
    assert_eq!((ok.status, ok.attempts), (OutboxStatus::Delivered, 1));

    let mut attempts = 0;
    let mut waits = vec![];
    let mut status = OutboxStatus::Pending;
    while status == OutboxStatus::Pending {
        let t = next_outbox_state(status, attempts, false, 10_000, &policy).unwrap();
        waits.push(t.next_attempt_ms - 10_000);
        attempts = t.attempts;
        status = t.status;
    }
    // 2 s, 4 s, then capped at 5 s; the fourth refusal is final.
    assert_eq!(waits, [2_000, 4_000, 5_000, 0]);
    assert_eq!((status, attempts), (OutboxStatus::Failed, 4));

    // Delivered and failed rows are never attempted again.
    for done in [OutboxStatus::Delivered, OutboxStatus::Failed] {
        assert!(next_outbox_state(done, 1, true, 0, &policy).is_err());
    }
    // A late success after refusals is still one delivery.
    let t = next_outbox_state(OutboxStatus::Pending, 3, true, 0, &policy).unwrap();
    assert_eq!((t.status, t.attempts), (OutboxStatus::Delivered, 4));
}

// ---- the database -----------------------------------------------------------------------

fn rule(store: &Store, target: Target, when: &str, channels: &[Channel]) -> i64 {
    store
        .add_rule(
            "Lease 1 low",
            "Top it up from the ops wallet.",
            &target,
            &when.parse().unwrap(),
            channels,
        )
        .unwrap()
}

#[test]
fn schema_migrates_once_and_refuses_a_newer_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("alerts.sqlite");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 3);
    let id = rule(
        &store,
        Target::Lease(1),
        "runway-blocks<10",
        &[Channel::Log],
    );
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.rule(id).unwrap().name, "Lease 1 low");
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = format!("{:#}", Store::open(&path).err().unwrap());
    assert!(err.contains("newer"), "{err}");
}

#[test]
fn rules_are_listed_disabled_enabled_and_deleted_by_id_with_clear_errors() {
    let store = Store::in_memory().unwrap();
    let a = rule(&store, Target::Lease(1), "balance<5", &[Channel::Log]);
    let b = rule(
        &store,
        Target::Owner("inj1owner".into()),
        "closed",
        &[Channel::Email("a@b.c".into()), Channel::Log],
    );
    assert_eq!(store.rules(true).unwrap().len(), 2);
    store.set_enabled(a, false).unwrap();
    assert_eq!(
        store
            .rules(true)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        [b]
    );
    assert!(!store.rule(a).unwrap().enabled);
    store.set_enabled(a, true).unwrap();
    store.delete_rule(b).unwrap();
    assert_eq!(store.rules(false).unwrap().len(), 1);
    for err in [
        store.rule(b).unwrap_err(),
        store.delete_rule(b).unwrap_err(),
        store.set_enabled(42, false).unwrap_err(),
    ] {
        assert!(err.to_string().contains("no alert with id"), "{err}");
    }
    assert!(store
        .add_rule(
            "",
            "",
            &Target::Lease(1),
            &"closed".parse().unwrap(),
            &[Channel::Log]
        )
        .is_err());
    assert!(store
        .add_rule("x", "", &Target::Lease(1), &"closed".parse().unwrap(), &[])
        .is_err());
}

// ---- a scripted escrow ------------------------------------------------------------------

#[derive(Clone)]
struct FakeLease {
    tenant: String,
    /// `None`: not streaming (pending or closed).
    depletion: Option<u64>,
    closed: Option<u32>,
    balance: u128,
    failure: bool,
    rollovers: u32,
    /// Auto top-up target runway (from the tenant's prefunded balance).
    auto_top_up: Option<u64>,
}

/// Answers the escrow's `lease`, `leases_by_tenant` and `leases_below_threshold` from a table,
/// at a height the test moves; counts the queries.
struct FakeEscrow {
    height: Cell<u64>,
    leases: BTreeMap<u64, FakeLease>,
    queries: Cell<usize>,
    /// The tenants' prefunded balance on the escrow.
    prefunded: u128,
    /// provider-incentives: claimable coins of provider "prov".
    claimable: Vec<Coin>,
}

const ESCROW: &str = "escrow";

impl FakeEscrow {
    fn new(leases: &[(u64, &str, u64)]) -> Self {
        FakeEscrow {
            height: Cell::new(100),
            leases: leases
                .iter()
                .map(|&(id, tenant, depletion)| {
                    (
                        id,
                        FakeLease {
                            tenant: tenant.into(),
                            depletion: Some(depletion),
                            closed: None,
                            balance: 1_000,
                            failure: false,
                            rollovers: 0,
                            auto_top_up: None,
                        },
                    )
                })
                .collect(),
            queries: Cell::new(0),
            prefunded: 0,
            claimable: vec![],
        }
    }

    fn addresses() -> SuiteAddresses {
        SuiteAddresses {
            rollover_escrow: ESCROW.into(),
            provider_incentives: "incentives".into(),
            ..SuiteAddresses::default()
        }
    }

    fn lease_json(&self, id: u64, l: &FakeLease) -> Value {
        let h = self.height.get();
        let (status, runway) = match (l.closed, l.depletion) {
            (Some(_), _) => (json!("closed"), Value::Null),
            (None, Some(d)) if d <= h => (json!({"insufficient_funds": {"since": d}}), json!(0)),
            (None, Some(d)) => (json!("active"), json!(d - h)),
            (None, None) => (json!("pending"), Value::Null),
        };
        json!({
            "id": id, "tenant": l.tenant, "provider": "prov", "price_per_block": "1",
            "denom": "uakt", "status": status, "opened_at": 1, "provider_since": 1,
            "settled_height": h, "carry": "0", "balance": l.balance.to_string(), "earned": "0",
            "runway_blocks": runway, "depletion_height": l.depletion, "total_deposited": "0",
            "total_paid": "0", "total_fees": "0", "total_refunded": "0", "bond": "0",
            "backups": [], "history": [], "rollovers": l.rollovers, "last_heartbeat": 1,
            "failure": l.failure.then(|| json!({"reporter": "mon", "reason": 10_002, "height": h})),
            "auto_top_up": l.auto_top_up.map(|t| json!({"target_runway_blocks": t, "source": "balance"})),
            "close_reason": l.closed, "closed_at": l.closed.map(|_| h),
            "deposits": [], "spec_ref": null, "order_id": null,
        })
    }
}

impl SuiteChain for FakeEscrow {
    fn sender(&self) -> String {
        String::new()
    }
    fn fee_denom(&self) -> String {
        "uosmo".into()
    }
    fn block_height(&self) -> Result<u64> {
        Ok(self.height.get())
    }
    fn block_time(&self) -> Result<u64> {
        Ok(self.height.get() * 6)
    }
    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        self.queries.set(self.queries.get() + 1);
        if contract == "incentives" {
            assert_eq!(msg["pending_rewards"]["provider"], "prov");
            return Ok(
                json!({"provider": "prov", "claimable": self.claimable, "epochs": [],
                             "next_start_after": null}),
            );
        }
        assert_eq!(contract, ESCROW);
        if let Some(q) = msg.get("balance") {
            assert_eq!(q["owner"], "t");
            return Ok(json!({"owner": "t", "denom": q["denom"],
                             "amount": self.prefunded.to_string()}));
        }
        let h = self.height.get();
        if let Some(q) = msg.get("lease") {
            let id = q["lease_id"].as_u64().unwrap();
            let l = self
                .leases
                .get(&id)
                .ok_or_else(|| anyhow!("rollover_escrow::state::Lease not found"))?;
            return Ok(self.lease_json(id, l));
        }
        if let Some(q) = msg.get("leases_by_tenant") {
            let after = q["start_after"].as_u64();
            let leases: Vec<Value> = self
                .leases
                .iter()
                .filter(|(id, l)| l.tenant == q["tenant"] && after.is_none_or(|a| **id > a))
                .take(q["limit"].as_u64().unwrap() as usize)
                .map(|(id, l)| self.lease_json(*id, l))
                .collect();
            return Ok(json!({ "leases": leases }));
        }
        if let Some(q) = msg.get("leases_below_threshold") {
            let below = h + q["runway_blocks"].as_u64().unwrap();
            let mut keys: Vec<(u64, u64)> = self
                .leases
                .iter()
                .filter(|(_, l)| l.closed.is_none())
                .filter_map(|(id, l)| l.depletion.map(|d| (d, *id)))
                .filter(|&(d, _)| d < below)
                .collect();
            keys.sort_unstable();
            let after: Option<(u64, u64)> = serde_json::from_value(q["start_after"].clone())?;
            let leases: Vec<Value> = keys
                .into_iter()
                .filter(|k| after.is_none_or(|a| *k > a))
                .take(q["limit"].as_u64().unwrap() as usize)
                .map(|(d, id)| {
                    json!({"lease_id": id, "depletion_height": d,
                           "runway_blocks": d.saturating_sub(h), "status": "active"})
                })
                .collect();
            return Ok(json!({ "leases": leases }));
        }
        bail!("unexpected query {msg}")
    }
    fn execute(&mut self, _: &str, _: &Value, _: &[Coin]) -> Result<TxOutcome> {
        bail!("read only")
    }
    fn balance(&self, _: &str, _: &str) -> Result<Uint128> {
        Ok(Uint128::zero())
    }
    fn simulate(&mut self, _: &str, _: &Value, _: &[Coin]) -> Result<crate::chain::Simulation> {
        bail!("read only")
    }
}

/// Records what it was given; refuses the first `refuse` sends.
#[derive(Default)]
struct Recorder {
    sent: Vec<(String, i64, String)>,
    refuse: usize,
    attempts: usize,
}

impl Sender for Recorder {
    fn send(&mut self, channel: &Channel, delivery_id: i64, event: &store::Event) -> Result<()> {
        self.attempts += 1;
        if self.refuse > 0 {
            self.refuse -= 1;
            bail!("connection refused");
        }
        self.sent
            .push((channel.to_string(), delivery_id, event.subject_line.clone()));
        Ok(())
    }
}

fn config(fault: Option<Fault>) -> WatchConfig {
    WatchConfig {
        retry: RetryPolicy {
            max_attempts: 3,
            base: Duration::ZERO,
            cap: Duration::ZERO,
        },
        fault,
        ..WatchConfig::default()
    }
}

fn watcher(store: &mut Store, fault: Option<Fault>) -> Watcher<'_> {
    Watcher {
        store,
        addresses: FakeEscrow::addresses(),
        config: config(fault),
    }
}

#[test]
fn a_lease_crossing_its_runway_threshold_is_sent_once_per_crossing() {
    let mut store = Store::in_memory().unwrap();
    let id = rule(
        &store,
        Target::Lease(1),
        "runway-blocks<50",
        &[Channel::Log],
    );
    let mut chain = FakeEscrow::new(&[(1, "t", 200), (2, "t", 120)]);
    let mut out = Recorder::default();
    // Height 100: runway 100, nothing.
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!((r.fired, r.delivered), (0, 0));
    // Height 160: runway 40 -> fires; 170: still below, nothing more.
    for (h, fired) in [(160, 1), (170, 0), (180, 0)] {
        chain.height.set(h);
        let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
        assert_eq!(r.fired, fired, "height {h}");
    }
    assert_eq!(out.sent.len(), 1);
    assert!(out.sent[0].2.contains("Lease 1 low"), "{:?}", out.sent[0]);
    assert!(
        out.sent[0]
            .2
            .contains("lease 1: runway 40 blocks (alert: runway-blocks < 50)"),
        "{:?}",
        out.sent[0]
    );
    // A deposit moves depletion to 400 (runway 220): re-armed; the next crossing fires again.
    chain.leases.get_mut(&1).unwrap().depletion = Some(400);
    watcher(&mut store, None).round(&chain, &mut out).unwrap();
    chain.height.set(360);
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!((r.fired, r.delivered), (1, 1));
    let history = store.history(Some(id), 10).unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|e| e.subject == "1"));
    // Lease 2 crossed too, but no rule watches it.
    assert_eq!(out.sent.len(), 2);
}

#[test]
fn a_crash_between_outbox_write_and_send_sends_once_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.sqlite");
    let mut store = Store::open(&path).unwrap();
    rule(
        &store,
        Target::Lease(1),
        "runway-blocks<50",
        &[Channel::Log, Channel::Email("ops@example.com".into())],
    );
    let chain = FakeEscrow::new(&[(1, "t", 120)]);
    let mut out = Recorder::default();
    let err = watcher(&mut store, Some(Fault::AfterOutboxWrite))
        .round(&chain, &mut out)
        .unwrap_err();
    assert!(err.to_string().contains("fault injected"), "{err}");
    assert!(out.sent.is_empty(), "nothing was sent before the crash");
    drop(store);

    // The restarted watcher: the crossing is not recorded again, the outbox is sent once.
    let mut store = Store::open(&path).unwrap();
    let pending = store.all_deliveries().unwrap();
    assert_eq!(pending.len(), 2);
    assert!(pending.iter().all(|d| d.status == OutboxStatus::Pending));
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!((r.fired, r.delivered), (0, 2));
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!((r.fired, r.delivered), (0, 0));
    assert_eq!(out.sent.len(), 2);
    assert_eq!(out.attempts, 2);
    assert!(store
        .all_deliveries()
        .unwrap()
        .iter()
        .all(|d| d.status == OutboxStatus::Delivered && d.attempts == 1));
}

#[test]
fn a_refused_delivery_is_retried_then_delivered_once_or_marked_failed() {
    let mut store = Store::in_memory().unwrap();
    rule(
        &store,
        Target::Lease(1),
        "runway-blocks<50",
        &[Channel::Log],
    );
    let chain = FakeEscrow::new(&[(1, "t", 120)]);
    // Down for two attempts, back for the third (of at most three).
    let mut out = Recorder {
        refuse: 2,
        ..Recorder::default()
    };
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!((r.fired, r.retrying), (1, 1));
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.retrying, 1);
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.delivered, 1);
    assert_eq!(out.sent.len(), 1);
    let d = &store.all_deliveries().unwrap()[0];
    assert_eq!((d.status, d.attempts), (OutboxStatus::Delivered, 3));
    assert_eq!(d.last_error, None);

    // Down for good: failed after three attempts, with the error, and never tried again.
    let mut store = Store::in_memory().unwrap();
    rule(
        &store,
        Target::Lease(1),
        "runway-blocks<50",
        &[Channel::Log],
    );
    let mut out = Recorder {
        refuse: 100,
        ..Recorder::default()
    };
    for _ in 0..5 {
        watcher(&mut store, None).round(&chain, &mut out).unwrap();
    }
    assert_eq!(out.attempts, 3);
    let d = &store.all_deliveries().unwrap()[0];
    assert_eq!((d.status, d.attempts), (OutboxStatus::Failed, 3));
    assert!(d
        .last_error
        .as_deref()
        .unwrap()
        .contains("connection refused"));
}

#[test]
fn a_disabled_alert_sends_nothing_for_a_new_crossing() {
    let mut store = Store::in_memory().unwrap();
    let id = rule(
        &store,
        Target::Lease(1),
        "runway-blocks<50",
        &[Channel::Log],
    );
    let mut chain = FakeEscrow::new(&[(1, "t", 120)]);
    let mut out = Recorder::default();
    watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(out.sent.len(), 1);
    store.set_enabled(id, false).unwrap();
    chain.leases.get_mut(&1).unwrap().depletion = Some(400);
    watcher(&mut store, None).round(&chain, &mut out).unwrap();
    chain.height.set(380);
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!((r.looks, r.fired), (0, 0));
    assert_eq!(out.sent.len(), 1);
    // Control: enabled again, the lease (still below) fires from a fresh look.
    store.set_enabled(id, true).unwrap();
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 1);
}

#[test]
fn an_owner_rule_reads_only_the_listed_leases_and_remembers_their_tenants() {
    let mut store = Store::in_memory().unwrap();
    rule(
        &store,
        Target::Owner("alice".into()),
        "runway-blocks<50",
        &[Channel::Log],
    );
    // 100 healthy leases of alice's, two of hers and one of bob's run low.
    let mut leases: Vec<(u64, &str, u64)> = (10..110).map(|id| (id, "alice", 10_000)).collect();
    leases.extend([(1, "alice", 120), (2, "bob", 130), (3, "alice", 140)]);
    let chain = FakeEscrow::new(&leases);
    let mut out = Recorder::default();
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 2);
    let subjects: Vec<String> = store
        .history(None, 10)
        .unwrap()
        .iter()
        .map(|e| e.subject.clone())
        .collect();
    assert_eq!(subjects, ["3", "1"]);
    // One listing page and one `lease` read per listed lease (tenants), none for the 100.
    assert_eq!(chain.queries.get(), 4);
    // The next round reads the listing and the two firing leases' state from the database only.
    chain.queries.set(0);
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!((r.fired, chain.queries.get()), (0, 1));
}

#[test]
fn closed_and_balance_rules_read_the_lease_and_say_the_reason_in_words() {
    let mut store = Store::in_memory().unwrap();
    rule(&store, Target::Lease(1), "closed", &[Channel::Log]);
    rule(&store, Target::Lease(1), "balance=500", &[Channel::Log]);
    let mut chain = FakeEscrow::new(&[(1, "t", 1_000)]);
    let mut out = Recorder::default();
    watcher(&mut store, None).round(&chain, &mut out).unwrap();
    chain.leases.get_mut(&1).unwrap().balance = 450;
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 1, "balance passed through 500");
    chain.leases.get_mut(&1).unwrap().closed = Some(20_001);
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 1);
    let last = &out.sent.last().unwrap().2;
    assert!(last.contains("ran out of funds"), "{last}");
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 0);
}

#[test]
fn an_unknown_lease_id_is_a_clear_error_that_does_not_stop_other_alerts() {
    let mut store = Store::in_memory().unwrap();
    rule(
        &store,
        Target::Lease(99),
        "runway-blocks<50",
        &[Channel::Log],
    );
    rule(&store, Target::Lease(98), "closed", &[Channel::Log]);
    rule(
        &store,
        Target::Lease(1),
        "runway-blocks<50",
        &[Channel::Log],
    );
    let chain = FakeEscrow::new(&[(1, "t", 120)]);
    let mut out = Recorder::default();
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 1);
    assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
    assert!(
        r.errors[0].contains("lease 99 does not exist"),
        "{:?}",
        r.errors
    );
    assert!(
        r.errors[1].contains("lease 98 does not exist"),
        "{:?}",
        r.errors
    );
}

// ---- channels ---------------------------------------------------------------------------

#[test]
fn webhook_signature_is_hex_hmac_sha256_of_the_body() {
    // RFC 4231, test case 2.
    assert_eq!(
        channels::signature(b"Jefe", b"what do ya want for nothing?"),
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

fn event() -> store::Event {
    store::Event {
        id: 7,
        rule_id: 3,
        rule_name: "GPU lease low".into(),
        subject: "1".into(),
        height: 1234,
        fired_at_ms: 0,
        subject_line: "[spice alert] GPU lease low: lease 1: runway blocks is 40".into(),
        body: "Call Bob before it stops.\n\nlease 1 ...".into(),
        payload: json!({"notes": "Call Bob before it stops."}),
    }
}

#[test]
fn email_carries_the_name_in_the_subject_and_the_notes_in_the_body() {
    let m = channels::email_message("alerts@spice.test", "ops@example.com", 11, &event()).unwrap();
    let text = String::from_utf8(m.formatted()).unwrap();
    assert!(
        text.contains("Subject: [spice alert] GPU lease low"),
        "{text}"
    );
    assert!(text.contains("Call Bob before it stops."), "{text}");
    assert!(
        text.contains("Message-ID: <spice-alert-11@spice.test>"),
        "{text}"
    );
}

#[test]
fn webhook_posts_signed_json_and_treats_an_error_status_as_not_accepted() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let mut got = vec![];
        for status in ["200 OK", "500 Internal Server Error"] {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = BTreeMap::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                }
            }
            let len: usize = headers["content-length"].parse().unwrap();
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            )
            .unwrap();
            got.push((headers, body));
        }
        got
    });
    let mut ch = channels::Channels::new(
        channels::SmtpConfig::from_env(None, None, None, None).unwrap(),
        channels::WebhookConfig {
            secret: Some("s3cret".into()),
            timeout: Duration::from_secs(5),
        },
    )
    .unwrap();
    let hook = Channel::Webhook(url);
    ch.send(&hook, 21, &event()).unwrap();
    let err = ch.send(&hook, 21, &event()).unwrap_err();
    assert!(format!("{err:#}").contains("500"), "{err:#}");
    let got = server.join().unwrap();
    let (headers, body) = &got[0];
    assert_eq!(
        headers["x-spice-signature"],
        channels::signature(b"s3cret", body)
    );
    assert_eq!(headers["x-spice-delivery"], "21");
    let json: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(json["alert"]["name"], "GPU lease low");
    assert_eq!(json["details"]["notes"], "Call Bob before it stops.");

    // Without a secret nothing is posted.
    let mut unsigned = channels::Channels::new(
        channels::SmtpConfig::from_env(None, None, None, None).unwrap(),
        channels::WebhookConfig {
            secret: None,
            timeout: Duration::from_secs(1),
        },
    )
    .unwrap();
    let err = unsigned.send(&hook, 1, &event()).unwrap_err();
    assert!(err.to_string().contains("SPICE_WEBHOOK_SECRET"), "{err}");
}

#[test]
fn lifecycle_rules_fire_when_a_failure_is_reported_a_lease_rolls_over_or_top_up_runs_dry() {
    let mut store = Store::in_memory().unwrap();
    let failure = rule(
        &store,
        Target::Lease(1),
        "failure-reported",
        &[Channel::Log],
    );
    let rolled = rule(
        &store,
        Target::Owner("t".into()),
        "rolled-over",
        &[Channel::Log],
    );
    let top_up = rule(&store, Target::Lease(1), "top-up-failed", &[Channel::Log]);
    let mut chain = FakeEscrow::new(&[(1, "t", 150)]);
    {
        let l = chain.leases.get_mut(&1).unwrap();
        l.rollovers = 1; // before the alert existed: not announced
        l.auto_top_up = Some(100);
    }
    chain.prefunded = 5;
    let mut out = Recorder::default();
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(
        r.fired, 0,
        "runway 50 < target 100, but the source still has funds"
    );

    chain.prefunded = 0;
    chain.leases.get_mut(&1).unwrap().failure = true;
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 2);
    chain.leases.get_mut(&1).unwrap().rollovers = 2;
    chain.leases.get_mut(&1).unwrap().failure = false;
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 1);
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 0);
    let count = |id| store.history(Some(id), 10).unwrap().len();
    assert_eq!((count(failure), count(rolled), count(top_up)), (1, 1, 1));
    let subjects: Vec<&str> = out.sent.iter().map(|s| s.2.as_str()).collect();
    assert!(subjects
        .iter()
        .any(|s| s.contains("failure of provider prov was reported")));
    assert!(subjects
        .iter()
        .any(|s| s.contains("source has no uakt left")));
    assert!(subjects
        .iter()
        .any(|s| s.contains("rolled over to provider prov")));
}

#[test]
fn rewards_claimable_fires_per_provider_and_runway_seconds_use_the_block_time() {
    let mut store = Store::in_memory().unwrap();
    rule(
        &store,
        Target::Provider("prov".into()),
        "rewards-claimable",
        &[Channel::Log],
    );
    // 300 s at 6 s a block is 50 blocks.
    rule(
        &store,
        Target::Lease(1),
        "runway-seconds<300",
        &[Channel::Log],
    );
    let mut chain = FakeEscrow::new(&[(1, "t", 151)]);
    let mut out = Recorder::default();
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 0, "runway 51 blocks = 306 s");
    chain.claimable = vec![Coin::new(7u128, "uakt")];
    chain.height.set(102);
    let r = watcher(&mut store, None).round(&chain, &mut out).unwrap();
    assert_eq!(r.fired, 2, "294 s of runway, and rewards to claim");
    assert!(out
        .sent
        .iter()
        .any(|s| s.2.contains("rewards to claim: 7uakt")));
    assert!(out
        .sent
        .iter()
        .any(|s| s.2.contains("runway 294 s (alert: runway-seconds < 300)")));
}

#[test]
fn the_watcher_reads_the_real_escrow_answers_on_the_embedded_chain() {
    use crate::embedded::{seed_keeper_work, EmbeddedChain};
    let mut chain = EmbeddedChain::deploy(cosmwasm_std::coin(1_000, "uosmo")).unwrap();
    let w = seed_keeper_work(&mut chain).unwrap();
    let mut store = Store::in_memory().unwrap();
    let low = rule(
        &store,
        Target::Lease(w.lease_to_top_up),
        "runway-blocks<14400",
        &[Channel::Log],
    );
    let failed = rule(
        &store,
        Target::Lease(w.lease_failed),
        "failure-reported",
        &[Channel::Log],
    );
    let healthy = rule(
        &store,
        Target::Lease(w.lease_failed),
        "balance<1",
        &[Channel::Log],
    );
    let mut out = Recorder::default();
    let mut watcher = Watcher {
        store: &mut store,
        addresses: chain.addresses().unwrap(),
        config: config(None),
    };
    let r = watcher.round(&chain, &mut out).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!((r.fired, r.delivered), (2, 2));
    let count = |id| store.history(Some(id), 10).unwrap().len();
    assert_eq!((count(low), count(failed), count(healthy)), (1, 1, 0));
}

#[test]
fn malformed_delivery_settings_are_refused_with_the_value() {
    let err = channels::SmtpConfig::from_env(None, None, Some("ssl"), None).unwrap_err();
    assert!(err.to_string().contains("\"ssl\""), "{err}");
    let err = channels::SmtpConfig::from_env(None, None, Some("none"), Some("not an address"))
        .unwrap_err();
    assert!(err.to_string().contains("not an address"), "{err}");
    let ok =
        channels::SmtpConfig::from_env(Some("mail.test"), None, Some("starttls"), None).unwrap();
    assert_eq!((ok.host.as_str(), ok.port), ("mail.test", 587));
}

#[test]
fn one_watcher_per_database_and_a_crashed_ones_lease_expires() {
    let mut store = Store::in_memory().unwrap();
    let ttl = Duration::from_secs(30);
    store.claim_watcher("a", 1_000, ttl).unwrap();
    // Renewing is fine; a second watcher is refused while the lease runs.
    store.claim_watcher("a", 2_000, ttl).unwrap();
    let err = store
        .claim_watcher("b", 3_000, ttl)
        .unwrap_err()
        .to_string();
    assert!(err.contains("another watcher (a)"), "{err}");
    // "a" crashed at 2 s: its lease ends at 32 s, then "b" takes over.
    assert!(store.claim_watcher("b", 31_999, ttl).is_err());
    store.claim_watcher("b", 32_000, ttl).unwrap();
    assert!(store.claim_watcher("a", 33_000, ttl).is_err());
    // A clean exit releases at once.
    store.release_watcher("b").unwrap();
    store.claim_watcher("a", 33_000, ttl).unwrap();
}

#[test]
fn a_second_watcher_on_the_same_database_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.sqlite");
    let mut first = Store::open(&path).unwrap();
    let mut second = Store::open(&path).unwrap();
    rule(
        &first,
        Target::Lease(1),
        "runway-blocks<50",
        &[Channel::Log],
    );
    let chain = FakeEscrow::new(&[(1, "t", 120)]);
    fn leased<'s>(store: &'s mut Store, owner: &str) -> Watcher<'s> {
        Watcher {
            store,
            addresses: FakeEscrow::addresses(),
            config: WatchConfig {
                lease: Some((owner.to_string(), Duration::from_secs(60))),
                ..config(None)
            },
        }
    }
    let mut out = Recorder::default();
    let r = leased(&mut first, "first").round(&chain, &mut out).unwrap();
    assert_eq!(r.delivered, 1);
    let err = leased(&mut second, "second")
        .round(&chain, &mut out)
        .unwrap_err();
    assert!(err.to_string().contains("another watcher (first)"), "{err}");
    assert_eq!(out.attempts, 1);
    // Control: once the first releases, the second runs.
    first.release_watcher("first").unwrap();
    leased(&mut second, "second")
        .round(&chain, &mut out)
        .unwrap();
}
