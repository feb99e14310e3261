//! Keeper rounds on the embedded chain with the suite deployed and work left by
//! [`seed_keeper_work`] (which starts from `spice_suite::flows`).

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::time::Duration;

use anyhow::Result;
use cosmwasm_std::{coin, Coin, Decimal, Uint128};
use cw_multi_test::Executor;
use serde_json::Value;
use spice_suite::{flows, AKT_DENOM, OSMO_DENOM, USDC_DENOM};

use super::log::{Logger, TxResult, Verdict};
use super::policy::Policy;
use super::retry::{RetryPolicy, StopFlag};
use super::{run, Action, Keeper, KeeperConfig, Limits, RoundReport, Settings};
use crate::chain::{
    FailedOnChain, Simulation, SuiteAddresses, SuiteChain, Transport, TxOutcome, Unconfirmed,
};
use crate::embedded::{seed_keeper_work, EmbeddedChain, SeededWork, DEFAULT_FEE_UOSMO};

const FEE: u128 = DEFAULT_FEE_UOSMO;

fn config() -> KeeperConfig {
    let mut policy = Policy::default();
    // 1 AKT = 5 OSMO, the seeded pool's price.
    policy
        .prices
        .insert("akt".into(), Decimal::from_ratio(5u128, 1u128));
    KeeperConfig {
        policy,
        retry: RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(4),
        },
        settings: Settings::default(),
        limits: Limits::default(),
        once: true,
        interval: Duration::from_secs(3_600),
    }
}

fn seeded() -> (EmbeddedChain, SeededWork) {
    let mut chain = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    let work = seed_keeper_work(&mut chain).unwrap();
    (chain, work)
}

fn keeper(chain: &dyn SuiteChain, config: &KeeperConfig) -> Keeper {
    Keeper::new(chain, config, &StopFlag::new()).unwrap()
}

fn round(keeper: &mut Keeper, chain: &mut dyn SuiteChain) -> RoundReport {
    keeper.round(chain, &mut Logger::sink(), &StopFlag::new())
}

fn balances(chain: &EmbeddedChain, who: &str) -> Vec<Uint128> {
    let spice = chain.suite().spice_denom();
    [OSMO_DENOM, AKT_DENOM, USDC_DENOM, spice.as_str()]
        .iter()
        .map(|d| chain.balance(who, d).unwrap())
        .collect()
}

fn query<T: serde::de::DeserializeOwned>(
    chain: &EmbeddedChain,
    contract: &str,
    msg: &impl serde::Serialize,
) -> T {
    chain.app().wrap().query_wasm_smart(contract, msg).unwrap()
}

/// The actions the seeded work gives something to do (no lease is dry: nothing to settle or
/// close).
const SEEDED: [Action; 9] = [
    Action::Harvest,
    Action::Buyback,
    Action::Convert,
    Action::Stake,
    Action::MatchOrders,
    Action::ExpireOrders,
    Action::Rollover,
    Action::TopUp,
    Action::FinalizeEpoch,
];

fn decisions_of(report: &RoundReport, action: Action) -> Vec<&super::log::Decision> {
    report
        .decisions
        .iter()
        .filter(|d| d.action == action)
        .collect()
}

#[test]
fn a_round_without_work_sends_nothing_and_leaves_the_keeper_balance_alone() {
    let mut chain = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    // Pools and a finished lease exist, but nothing waits for a keeper.
    let suite = chain.suite().clone();
    let roles = chain.roles().clone();
    flows::spice_economy(chain.app_mut(), &suite, &roles).unwrap();
    flows::osmo_akt_market(chain.app_mut(), &roles.treasury).unwrap();
    flows::lease_with_rollover(chain.app_mut(), &suite, &roles).unwrap();
    let sender = chain.sender();
    let before = balances(&chain, &sender);

    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);

    assert_eq!(report.sent(), 0, "{:#?}", report.decisions);
    for action in Action::ROUND {
        let ds = decisions_of(&report, action);
        assert!(!ds.is_empty(), "{action:?} logged nothing");
        assert!(
            ds.iter().all(|d| d.decision == Verdict::Idle),
            "{action:?}: {ds:#?}"
        );
    }
    assert_eq!(balances(&chain, &sender), before);
}

#[test]
fn every_kind_of_work_is_done_once_and_the_next_round_finds_none() {
    let (mut chain, work) = seeded();
    let sender = chain.sender();
    let akt_before = chain.balance(&sender, AKT_DENOM).unwrap();
    let osmo_before = chain.balance(&sender, OSMO_DENOM).unwrap();
    let mut k = keeper(&chain, &config());

    let first = round(&mut k, &mut chain);
    for action in SEEDED {
        assert_eq!(
            first.executed(action),
            1,
            "{action:?}: {:#?}",
            decisions_of(&first, action)
        );
    }
    assert_eq!(first.sent(), SEEDED.len());
    // The thin lease without an auto top-up is not dry yet: no keeper work (the escrow's
    // keeper_work lists it once it needs a settle).
    let thin = format!("lease {}", work.lease_without_top_up);
    assert!(
        first
            .decisions
            .iter()
            .all(|d| d.target.as_deref() != Some(thin.as_str())),
        "{:#?}",
        first.decisions
    );

    // The bounties arrived: in OSMO for the conversion, in AKT for the rest.
    let osmo_bounty = chain.balance(&sender, OSMO_DENOM).unwrap() - osmo_before;
    let akt_bounty = chain.balance(&sender, AKT_DENOM).unwrap() - akt_before;
    // 20 bps of what was swapped, both out of the 500 OSMO: 500e6 × 20 / 10,020, rounded down.
    assert_eq!(osmo_bounty, Uint128::new(998_003));
    // 20 bps of the 500,000 uakt harvested is 1,000; the buyback, fill and top-up add theirs.
    assert!(akt_bounty > Uint128::new(1_000), "{akt_bounty}");
    let convert = &decisions_of(&first, Action::Convert)[0];
    assert_eq!(convert.bounty.as_deref(), Some("998003uosmo"));
    assert_eq!(
        convert.tx.as_ref().unwrap().bounty_paid.as_deref(),
        Some("998003uosmo")
    );

    // What each action did, read back from the contracts.
    let a = chain.addresses().unwrap();
    let vault: staking_vault::msg::StatusResponse = query(
        &chain,
        &a.staking_vault,
        &staking_vault::msg::QueryMsg::Status {},
    );
    assert!(vault.books.revenue_pending.is_zero());
    assert!(vault.books.pending.is_zero());
    assert!(
        !vault.books.transferring.is_zero(),
        "stake sent AKT over IBC"
    );
    let order: order_book::state::Order = query(
        &chain,
        &a.order_book,
        &order_book::msg::QueryMsg::Order {
            order_id: work.order_to_match,
        },
    );
    assert_eq!(order.status, order_book::state::OrderStatus::Filled);
    let expired: order_book::state::Order = query(
        &chain,
        &a.order_book,
        &order_book::msg::QueryMsg::Order {
            order_id: work.order_expired,
        },
    );
    assert_eq!(expired.status, order_book::state::OrderStatus::Expired);
    let lease = |id| -> rollover_escrow::msg::LeaseResponse {
        query(
            &chain,
            &a.rollover_escrow,
            &rollover_escrow::msg::QueryMsg::Lease { lease_id: id },
        )
    };
    assert_eq!(lease(work.lease_to_top_up).runway_blocks, Some(14_400));
    let rolled = lease(work.lease_failed);
    assert_eq!(rolled.rollovers, 1);
    assert!(rolled.failure.is_none());
    let epoch: provider_incentives::msg::EpochResponse = query(
        &chain,
        &a.provider_incentives,
        &provider_incentives::msg::QueryMsg::Epoch {
            epoch: work.epoch_due,
        },
    );
    assert_eq!(
        epoch.status,
        provider_incentives::state::EpochStatus::Finalized
    );

    let second = round(&mut k, &mut chain);
    assert_eq!(second.sent(), 0, "{:#?}", second.decisions);
    assert!(!second.had_failures());
}

#[test]
fn a_fee_above_the_bounty_skips_with_the_reason() {
    let (mut chain, _) = seeded();
    chain.set_fee(coin(1_000_000_000_000, OSMO_DENOM));
    let sender = chain.sender();
    let before = balances(&chain, &sender);
    let mut k = keeper(&chain, &config());

    let report = round(&mut k, &mut chain);
    assert_eq!(report.sent(), 0);
    assert_eq!(balances(&chain, &sender), before);
    for action in SEEDED {
        let d = decisions_of(&report, action)
            .into_iter()
            .find(|d| d.work.is_some())
            .unwrap_or_else(|| panic!("{action:?} found no work"));
        assert_eq!(d.decision, Verdict::Skip, "{d:#?}");
        assert_eq!(d.fee.as_deref(), Some("1000000000000uosmo"));
        let paid = !matches!(
            action,
            Action::Stake | Action::ExpireOrders | Action::Rollover | Action::FinalizeEpoch
        );
        if paid {
            assert!(
                d.reason
                    .contains("does not cover the fee 1000000000000uosmo"),
                "{d:#?}"
            );
            assert!(d.bounty_value.is_some());
        } else {
            assert!(
                d.reason.contains("above --max-duty-fee 50000uosmo"),
                "{d:#?}"
            );
            assert_eq!(d.bounty.as_deref(), Some("none"));
        }
    }

    // At the usual fee the same work goes through.
    chain.set_fee(coin(FEE, OSMO_DENOM));
    assert_eq!(round(&mut k, &mut chain).sent(), SEEDED.len());
}

#[test]
fn a_bounty_without_a_price_is_worth_nothing_and_duties_can_be_turned_off() {
    let (mut chain, _) = seeded();
    let mut config = config();
    config.policy.prices.clear();
    config.policy.duties = false;
    let mut k = keeper(&chain, &config);

    let report = round(&mut k, &mut chain);
    // Only the conversion pays in the fee denom (OSMO proceeds).
    assert_eq!(report.sent(), 1, "{:#?}", report.decisions);
    assert_eq!(report.executed(Action::Convert), 1);
    let harvest = &decisions_of(&report, Action::Harvest)[0];
    assert_eq!(harvest.decision, Verdict::Skip);
    assert!(
        harvest
            .reason
            .contains(&format!("no --price for {AKT_DENOM}")),
        "{harvest:#?}"
    );
    let stake = &decisions_of(&report, Action::Stake)[0];
    assert_eq!(stake.decision, Verdict::Skip);
    assert!(stake.reason.contains("--no-duties"), "{stake:#?}");
}

#[test]
fn min_profit_raises_the_bar_above_the_fee() {
    let (mut chain, _) = seeded();
    let mut config = config();
    // The harvest bounty (1,000 uakt) is worth 5,000 uosmo: enough for a 1,000 fee, not for a
    // 1,000 fee plus 4,001 of profit.
    config.policy.min_profit = Uint128::new(4_001);
    let mut k = keeper(&chain, &config);
    let report = round(&mut k, &mut chain);
    let harvest = &decisions_of(&report, Action::Harvest)[0];
    assert_eq!(
        harvest.bounty.as_deref(),
        Some(format!("1000{AKT_DENOM}").as_str())
    );
    assert_eq!(harvest.bounty_value.as_deref(), Some("5000uosmo"));
    assert_eq!(harvest.decision, Verdict::Skip, "{harvest:#?}");
    assert!(harvest.reason.contains("min profit 4001"));
}

/// Delegates to the embedded chain, with faults injected.
struct Faulty {
    inner: EmbeddedChain,
    /// Transactions that fail in transport before they start to succeed.
    execute_failures: u32,
    /// The guardian pauses the contract just before each transaction reaches it.
    pause_before_execute: bool,
    /// Raised as the first transaction completes.
    stop_after_execute: Option<StopFlag>,
    executes: u32,
}

impl Faulty {
    fn new(inner: EmbeddedChain) -> Self {
        Faulty {
            inner,
            execute_failures: 0,
            pause_before_execute: false,
            stop_after_execute: None,
            executes: 0,
        }
    }
}

fn transport(what: &str) -> anyhow::Error {
    anyhow::Error::new(Transport(format!("{what}: connection refused")))
}

impl SuiteChain for Faulty {
    fn sender(&self) -> String {
        self.inner.sender()
    }

    fn block_height(&self) -> Result<u64> {
        self.inner.block_height()
    }

    fn block_time(&self) -> Result<u64> {
        self.inner.block_time()
    }

    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        self.inner.query(contract, msg)
    }

    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        self.executes += 1;
        if self.execute_failures > 0 {
            self.execute_failures -= 1;
            return Err(transport("broadcast"));
        }
        if self.pause_before_execute {
            let guardian = self.inner.roles().guardian.clone();
            // Already paused by an earlier transaction is fine.
            let _ = self.inner.app_mut().execute_contract(
                guardian,
                cosmwasm_std::Addr::unchecked(contract),
                &serde_json::json!({ "pause": {} }),
                &[],
            );
        }
        let outcome = self.inner.execute(contract, msg, funds);
        if let Some(stop) = &self.stop_after_execute {
            stop.raise();
        }
        outcome
    }

    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        self.inner.balance(address, denom)
    }

    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation> {
        self.inner.simulate(contract, msg, funds)
    }
    fn fee_denom(&self) -> String {
        self.inner.fee_denom()
    }

    fn addresses(&self) -> Result<SuiteAddresses> {
        self.inner.addresses()
    }
}

/// Counts `block_height` calls through a shared counter, failing them all.
struct DeadNode {
    inner: EmbeddedChain,
    calls: Rc<RefCell<u32>>,
}

impl SuiteChain for DeadNode {
    fn sender(&self) -> String {
        self.inner.sender()
    }
    fn block_height(&self) -> Result<u64> {
        *self.calls.borrow_mut() += 1;
        Err(transport("status"))
    }
    fn block_time(&self) -> Result<u64> {
        self.inner.block_time()
    }
    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        self.inner.query(contract, msg)
    }
    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        self.inner.execute(contract, msg, funds)
    }
    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        self.inner.balance(address, denom)
    }
    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation> {
        self.inner.simulate(contract, msg, funds)
    }
    fn fee_denom(&self) -> String {
        self.inner.fee_denom()
    }
    fn addresses(&self) -> Result<SuiteAddresses> {
        self.inner.addresses()
    }
}

#[test]
fn a_contract_refusal_is_logged_and_never_retried() {
    let (chain, _) = seeded();
    let mut chain = Faulty::new(chain);
    chain.pause_before_execute = true;
    let mut k = keeper(&chain, &config());

    let report = round(&mut k, &mut chain);
    let sent: Vec<_> = report.decisions.iter().filter(|d| d.tx.is_some()).collect();
    assert!(!sent.is_empty());
    // One send per transaction: the refusal was not retried.
    assert_eq!(chain.executes as usize, sent.len());
    for d in &sent {
        let tx = d.tx.as_ref().unwrap();
        assert_eq!(tx.attempts, 1);
        if d.action == Action::ExpireOrders {
            // The book keeps expiry open while paused.
            assert_eq!(tx.result, TxResult::Ok, "{d:#?}");
            continue;
        }
        assert_eq!(tx.result, TxResult::Refused, "{d:#?}");
        assert!(
            tx.error
                .as_deref()
                .unwrap()
                .to_lowercase()
                .contains("paused"),
            "{d:#?}"
        );
    }
    assert!(!report.had_failures(), "a refusal is not a keeper failure");

    // The next round reads the pause and sends nothing to paused contracts.
    chain.pause_before_execute = false;
    let next = round(&mut k, &mut chain);
    assert!(next
        .decisions
        .iter()
        .any(|d| d.decision == Verdict::Skip && d.reason == "the contract is paused"));
}

#[test]
fn transport_failures_are_retried_until_a_send_goes_through() {
    let (chain, _) = seeded();
    let mut chain = Faulty::new(chain);
    chain.execute_failures = 2;
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);
    let harvest = &decisions_of(&report, Action::Harvest)[0];
    let tx = harvest.tx.as_ref().unwrap();
    assert_eq!(tx.result, TxResult::Ok, "{harvest:#?}");
    assert_eq!(tx.attempts, 3);
    assert_eq!(report.executed(Action::Harvest), 1);
}

#[test]
fn retries_are_bounded() {
    let (chain, _) = seeded();
    let mut chain = Faulty::new(chain);
    chain.execute_failures = u32::MAX;
    let config = config();
    let mut k = keeper(&chain, &config);
    let report = round(&mut k, &mut chain);
    let sent: Vec<_> = report.decisions.iter().filter(|d| d.tx.is_some()).collect();
    assert!(!sent.is_empty());
    for d in &sent {
        let tx = d.tx.as_ref().unwrap();
        assert_eq!(tx.result, TxResult::Failed);
        assert_eq!(tx.attempts, config.retry.max_retries + 1);
    }
    assert_eq!(
        chain.executes as usize,
        sent.len() * (config.retry.max_retries as usize + 1)
    );
    assert!(report.had_failures());

    // A node that cannot be read: each action gives up after the same bound.
    let calls = Rc::new(RefCell::new(0));
    let (inner, _) = seeded();
    let mut dead = DeadNode {
        inner,
        calls: calls.clone(),
    };
    let mut k = keeper(&dead, &config);
    let report = round(&mut k, &mut dead);
    assert_eq!(report.sent(), 0);
    assert!(report
        .decisions
        .iter()
        .all(|d| d.decision == Verdict::Error && d.reason.contains("connection refused")));
    assert_eq!(
        *calls.borrow() as usize,
        Action::ROUND.len() * (config.retry.max_retries as usize + 1)
    );
}

#[test]
fn retry_backoff_doubles_up_to_its_cap() {
    let policy = RetryPolicy {
        max_retries: 10,
        base_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(3),
    };
    let delays: Vec<u128> = (1..=5).map(|r| policy.delay(r).as_millis()).collect();
    assert_eq!(delays, [500, 1_000, 2_000, 3_000, 3_000]);
    assert_eq!(policy.delay(40), Duration::from_secs(3));
}

#[test]
fn ctrl_c_finishes_the_transaction_in_hand_then_stops() {
    let (chain, _) = seeded();
    let mut chain = Faulty::new(chain);
    let stop = StopFlag::new();
    chain.stop_after_execute = Some(stop.clone());
    let mut config = config();
    // Not --once: only the stop ends the run.
    config.once = false;
    let totals = run(&mut chain, &config, &mut Logger::sink(), &stop).unwrap();
    assert_eq!(totals.rounds, 1);
    assert_eq!(totals.sent, 1);
    assert_eq!(totals.accepted, 1);
    assert_eq!(chain.executes, 1);
}

#[test]
fn a_match_whose_simulation_fills_nothing_is_never_sent() {
    use order_book::msg::ExecuteMsg as Book;
    use order_book::spec::{Capacity, Gpu, OrderSpec, Resources, SignedBy};
    let mut chain = EmbeddedChain::deploy(coin(100, OSMO_DENOM)).unwrap();
    let book = chain.suite().order_book.address.clone();
    let resources = Resources {
        cpu_millis: 1_000,
        memory_bytes: 1 << 30,
        storage_bytes: 1 << 30,
        gpu: Gpu {
            units: 0,
            vendor: None,
            model: None,
        },
    };
    let app = chain.app_mut();
    let tenant = app.api().addr_make("eu_tenant");
    spice_testing::fund(app, &tenant, vec![coin(10_000_000, AKT_DENOM)]).unwrap();
    // An order for Europe crossing, by price, an offer in the US: the specs do not fit.
    app.execute_contract(
        tenant,
        book.clone(),
        &Book::PlaceOrder {
            spec: OrderSpec {
                resources: resources.clone(),
                region: Some("eu-*".into()),
                attributes: vec![],
                signed_by: SignedBy::default(),
            },
            max_price_per_block: Decimal::percent(500),
            denom: AKT_DENOM.into(),
            expires_at: None,
            replicas: 1,
        },
        &[coin(10_000_000, AKT_DENOM)],
    )
    .unwrap();
    let provider = app.api().addr_make("us_provider");
    let suite = chain.suite().clone();
    let roles = chain.roles().clone();
    let app = chain.app_mut();
    app.execute_contract(
        provider.clone(),
        suite.provider_incentives.address.clone(),
        &serde_json::json!({"register_provider": {"info": {"moniker": "us", "host_uri": "https://us.example:8443"}}}),
        &[],
    )
    .unwrap();
    app.execute_contract(
        roles.auditor.clone(),
        suite.provider_incentives.address.clone(),
        &serde_json::json!({"audit_provider": {"provider": provider.to_string(), "tier": 1, "attributes": []}}),
        &[],
    )
    .unwrap();
    app.execute_contract(
        provider,
        book,
        &Book::PostOffer {
            spec_capacity: Capacity {
                resources,
                region: Some("us-west".into()),
                attributes: vec![],
            },
            price_per_block: Decimal::percent(100),
            denom: AKT_DENOM.into(),
            units: 1,
            expires_at: None,
        },
        &[],
    )
    .unwrap();

    let mut k = keeper(&chain, &config());
    let keeper_before = balances(&chain, &chain.sender());
    let first = round(&mut k, &mut chain);
    let m = &decisions_of(&first, Action::MatchOrders)[0];
    // The prices cross, but the book's keeper_work (the match run on a scratch book) fills
    // nothing and pays nothing, so no fee is spent on it.
    assert_eq!(m.decision, Verdict::Idle, "{m:#?}");
    assert!(m.reason.contains("none would fill"), "{m:#?}");
    assert!(m.tx.is_none(), "{m:#?}");
    assert_eq!(first.sent(), 0);
    let second = round(&mut k, &mut chain);
    assert_eq!(second.sent(), 0);
    // Nothing moved, the order is still open for a compatible offer.
    assert_eq!(balances(&chain, &chain.sender()), keeper_before);
}

/// A `Write` tests can read back.
#[derive(Clone, Default)]
struct Captured(Rc<RefCell<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn each_decision_is_one_log_line_in_text_or_json() {
    let (mut chain, _) = seeded();
    let mut k = keeper(&chain, &config());
    let captured = Captured::default();
    let mut logger = Logger::new(true, Box::new(captured.clone()));
    let report = k.round(&mut chain, &mut logger, &StopFlag::new());
    let text = String::from_utf8(captured.0.borrow().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), report.decisions.len());
    let convert = lines.iter().find(|l| l["action"] == "convert").unwrap();
    assert_eq!(convert["contract"], "staking-vault");
    assert_eq!(convert["target"], "uosmo");
    assert_eq!(convert["bounty"], "998003uosmo");
    assert_eq!(convert["bounty_value"], "998003uosmo");
    assert_eq!(convert["fee"], "1000uosmo");
    assert_eq!(convert["decision"], "execute");
    assert_eq!(convert["tx"]["result"], "ok");
    assert_eq!(convert["tx"]["gas_used"], 0);
    assert!(convert["work"]
        .as_str()
        .unwrap()
        .contains("convert would swap them to AKT now"));
    // The top-up's item, with its outcome from the transaction's events.
    let top_up = lines.iter().find(|l| l["action"] == "top_up").unwrap();
    let item = &top_up["tx"]["items"][0];
    assert_eq!(item["result"], "topped_up", "{top_up}");
    assert_eq!(item["amount"], format!("1340000{AKT_DENOM}"), "{top_up}");
    let line = report
        .decisions
        .iter()
        .find(|d| d.action == Action::TopUp)
        .unwrap()
        .to_line();
    assert!(line.contains(":topped_up "), "{line}");

    let line = report
        .decisions
        .iter()
        .find(|d| d.action == Action::Convert)
        .unwrap()
        .to_line();
    assert!(line.starts_with("keeper round=1 height="), "{line}");
    for part in [
        "action=convert",
        "contract=staking-vault",
        "target=uosmo",
        "bounty=\"0.998003 OSMO\"",
        "fee=\"0.001 OSMO\"",
        "decision=execute",
        "tx=ok",
        "gas=0",
        "attempts=1",
    ] {
        assert!(line.contains(part), "{part} not in {line}");
    }
    assert!(!line.contains('\n'));
}

/// Two leases top up from one tenant balance that covers only the first. The escrow's
/// keeper_work previews each alone, so each looks like a full top-up with a bounty; in the
/// batch, the second item moves what the first left and pays no bounty. The batch is valued by
/// its simulation (the first item's bounty), not the planned sum.
#[test]
fn a_batch_is_valued_by_what_its_simulation_pays_not_the_planned_sum() {
    use rollover_escrow::msg::ExecuteMsg as Escrow;
    use rollover_escrow::state::TopUpSource;
    let mut chain = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    let escrow = chain.suite().rollover_escrow.address.clone();
    let app = chain.app_mut();
    let tenant = app.api().addr_make("shared_tenant");
    spice_testing::fund(app, &tenant, vec![coin(2_000_000, AKT_DENOM)]).unwrap();
    app.execute_contract(
        tenant.clone(),
        escrow.clone(),
        &Escrow::FundBalance {},
        &[coin(1_500_000, AKT_DENOM)],
    )
    .unwrap();
    let mut leases = vec![];
    for provider in ["first_provider", "second_provider"] {
        let id = crate::embedded::open_lease(
            app,
            &escrow,
            &tenant,
            provider,
            Decimal::percent(10_000),
            100_000,
            vec![],
        )
        .unwrap();
        app.execute_contract(
            tenant.clone(),
            escrow.clone(),
            &Escrow::SetAutoTopUp {
                lease_id: id,
                target_runway_blocks: 14_400,
                source: TopUpSource::Balance,
            },
            &[],
        )
        .unwrap();
        leases.push(id);
    }
    let sender = chain.sender();
    let before = chain.balance(&sender, AKT_DENOM).unwrap();
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);
    let top_ups = decisions_of(&report, Action::TopUp);
    assert_eq!(top_ups.len(), 1, "{top_ups:#?}");
    let batch = top_ups[0];
    assert_eq!(
        batch.target.as_deref(),
        Some(format!("leases {},{}", leases[0], leases[1]).as_str())
    );
    assert!(batch.succeeded(), "{batch:#?}");
    // The first moved 1,340,000 (to 14,400 blocks at 100 a block) and paid 10 bps of it; the
    // second moved the 158,660 left and paid nothing.
    let work = batch.work.as_deref().unwrap_or_default();
    assert!(
        work.contains(&format!(
            "planned bounty 2680{AKT_DENOM}, simulated 1340{AKT_DENOM}"
        )),
        "{work}"
    );
    assert_eq!(
        chain.balance(&sender, AKT_DENOM).unwrap(),
        before + Uint128::new(1_340)
    );
    let tx = batch.tx.as_ref().unwrap();
    assert_eq!(tx.bounty_paid, Some(format!("1340{AKT_DENOM}")));
    let items = tx.items.as_ref().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (items[0].lease_id, items[0].result.as_str()),
        (leases[0], "topped_up")
    );
    assert_eq!(items[0].amount, Some(format!("1340000{AKT_DENOM}")));
    assert_eq!(items[0].bounty, Some(format!("1340{AKT_DENOM}")));
    assert_eq!(
        (items[1].lease_id, items[1].result.as_str()),
        (leases[1], "topped_up")
    );
    assert_eq!(items[1].amount, Some(format!("158660{AKT_DENOM}")));
    assert_eq!(items[1].bounty, Some(format!("0{AKT_DENOM}")));
    // The tenant's balance is spent.
    let balance: rollover_escrow::msg::BalanceResponse = query(
        &chain,
        escrow.as_str(),
        &rollover_escrow::msg::QueryMsg::Balance {
            owner: tenant.to_string(),
            denom: AKT_DENOM.into(),
        },
    );
    assert!(balance.amount.is_zero(), "{balance:?}");
}

/// Answers as a contract migrated after this keeper was built gives them: every struct of
/// every answer carries a field the keeper's types do not know (a one-key object may be an
/// enum's tag, where serde puts no field, so it is left alone; its content is not).
struct Migrated {
    inner: EmbeddedChain,
}

fn add_unknown_fields(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for field in fields.values_mut() {
                add_unknown_fields(field);
            }
            if fields.len() > 1 {
                fields.insert("added_by_a_migration".into(), serde_json::json!({"x": 1}));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(add_unknown_fields),
        _ => {}
    }
}

impl SuiteChain for Migrated {
    fn sender(&self) -> String {
        self.inner.sender()
    }
    fn block_height(&self) -> Result<u64> {
        self.inner.block_height()
    }
    fn block_time(&self) -> Result<u64> {
        self.inner.block_time()
    }
    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        let mut answer = self.inner.query(contract, msg)?;
        add_unknown_fields(&mut answer);
        Ok(answer)
    }
    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        self.inner.execute(contract, msg, funds)
    }
    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        self.inner.balance(address, denom)
    }
    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation> {
        self.inner.simulate(contract, msg, funds)
    }
    fn fee_denom(&self) -> String {
        self.inner.fee_denom()
    }
    fn addresses(&self) -> Result<SuiteAddresses> {
        self.inner.addresses()
    }
}

/// A migration that adds fields to the contracts' answers does not stop the keeper: the same
/// seeded work is done, every action once, with no read error.
#[test]
fn answers_with_fields_a_migration_added_are_read_and_the_work_is_done() {
    let (chain, _) = seeded();
    let mut chain = Migrated { inner: chain };
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);
    let errors: Vec<_> = report
        .decisions
        .iter()
        .filter(|d| d.decision == Verdict::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    for action in SEEDED {
        assert_eq!(
            report.executed(action),
            1,
            "{action:?}: {:#?}",
            decisions_of(&report, action)
        );
    }
    // The fields were there: the escrow's config came back with one the keeper never read.
    let a = chain.addresses().unwrap();
    let answer = chain
        .query(&a.rollover_escrow, &serde_json::json!({"config": {}}))
        .unwrap();
    assert!(answer.get("added_by_a_migration").is_some(), "{answer}");
}

#[test]
fn amounts_in_another_unit_than_the_fee_are_refused_at_start() {
    use super::cli::check_amounts_denom;
    use super::policy::parse_amount;
    let mut config = config();
    config.policy.amounts_denom = Some("osmo".into());
    let err = check_amounts_denom(&config, "uosmo")
        .unwrap_err()
        .to_string();
    assert!(err.contains("osmo") && err.contains("uosmo"), "{err}");
    config.policy.amounts_denom = Some("uosmo".into());
    assert!(check_amounts_denom(&config, "uosmo").is_ok());
    config.policy.amounts_denom = None;
    assert!(check_amounts_denom(&config, "inj").is_ok());
    // A decimal or a malformed denom never becomes a denom the keeper compares against.
    assert!(parse_amount("1.5")
        .unwrap_err()
        .to_string()
        .contains("whole base units"));
    assert!(parse_amount("1.5uosmo").is_err());
    assert!(parse_amount("10 uosmo").is_err());
    assert!(parse_amount("10u").is_err());
    assert_eq!(
        parse_amount("1500000uosmo").unwrap(),
        (Uint128::new(1_500_000), Some("uosmo".to_string()))
    );
    assert_eq!(parse_amount("0").unwrap(), (Uint128::zero(), None));
}

/// How a [`Node`] misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    /// The latest block is this many seconds older than the wall clock.
    StaleBy(u64),
    /// Every read takes this many milliseconds.
    SlowReads(u64),
    /// The transaction lands, then the connection drops before the answer.
    LandsThenDrops,
    /// The transaction reaches the node, and its confirmation never comes.
    NeverConfirmed,
    /// A block includes the transaction and the contract fails there: the fee is charged.
    FailsOnChain,
}

/// A node with an account sequence (one more per transaction a block took), a wall clock and
/// one fault.
struct Node {
    inner: EmbeddedChain,
    fault: Fault,
    sequence: u64,
    /// Calls to `execute` (sends).
    executes: u32,
}

impl Node {
    fn new(inner: EmbeddedChain, fault: Fault) -> Self {
        Node {
            inner,
            fault,
            sequence: 0,
            executes: 0,
        }
    }

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }
}

impl SuiteChain for Node {
    fn sender(&self) -> String {
        self.inner.sender()
    }
    fn block_height(&self) -> Result<u64> {
        if let Fault::SlowReads(ms) = self.fault {
            std::thread::sleep(Duration::from_millis(ms));
        }
        self.inner.block_height()
    }
    fn block_time(&self) -> Result<u64> {
        match self.fault {
            Fault::StaleBy(secs) => Ok(Node::now() - secs),
            _ => Ok(Node::now() - 3),
        }
    }
    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        if let Fault::SlowReads(ms) = self.fault {
            std::thread::sleep(Duration::from_millis(ms));
        }
        self.inner.query(contract, msg)
    }
    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        self.executes += 1;
        match self.fault {
            Fault::LandsThenDrops => {
                self.sequence += 1;
                self.inner.execute(contract, msg, funds)?;
                Err(transport("reading the broadcast's answer"))
            }
            Fault::NeverConfirmed => Err(anyhow::Error::new(Unconfirmed {
                hash: format!("HASH{}", self.executes),
                timeout_height: self.inner.block_height()? + 10,
                reason: "not found in 60 s".into(),
            })),
            Fault::FailsOnChain => {
                self.sequence += 1;
                Err(anyhow::Error::new(FailedOnChain {
                    hash: "FAILED".into(),
                    gas_used: 90_000,
                    fee_paid: Uint128::new(FEE),
                    log: "out of gas".into(),
                }))
            }
            _ => {
                self.sequence += 1;
                self.inner.execute(contract, msg, funds)
            }
        }
    }
    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        self.inner.balance(address, denom)
    }
    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation> {
        self.inner.simulate(contract, msg, funds)
    }
    fn fee_denom(&self) -> String {
        self.inner.fee_denom()
    }
    fn addresses(&self) -> Result<SuiteAddresses> {
        self.inner.addresses()
    }
    fn account_sequence(&self) -> Result<Option<u64>> {
        Ok(Some(self.sequence))
    }
}

fn limited(limits: Limits) -> KeeperConfig {
    KeeperConfig { limits, ..config() }
}

#[test]
fn a_node_whose_blocks_stopped_is_sent_nothing() {
    let config = limited(Limits {
        max_block_age: Some(Duration::from_secs(60)),
        ..Limits::default()
    });
    let (chain, _) = seeded();
    let mut stale = Node::new(chain, Fault::StaleBy(600));
    let mut k = keeper(&stale, &config);
    let report = round(&mut k, &mut stale);
    assert_eq!(report.sent(), 0);
    assert_eq!(stale.executes, 0);
    let held: Vec<_> = report
        .decisions
        .iter()
        .filter(|d| d.reason.contains("--max-block-age-seconds 60"))
        .collect();
    assert!(!held.is_empty(), "{report:#?}");
    assert!(held.iter().all(|d| d.decision == Verdict::Error));
    assert!(report.had_failures());

    // Control: the same work on a node with a fresh block is sent.
    let (chain, _) = seeded();
    let mut fresh = Node::new(chain, Fault::None);
    let mut k = keeper(&fresh, &config);
    let report = round(&mut k, &mut fresh);
    assert!(report.accepted() > 0, "{report:#?}");
    assert_eq!(fresh.executes as usize, report.sent());
}

#[test]
fn a_slow_node_cannot_hold_a_round_past_its_deadline() {
    let config = limited(Limits {
        round_timeout: Duration::from_millis(300),
        ..Limits::default()
    });
    let (chain, _) = seeded();
    let mut slow = Node::new(chain, Fault::SlowReads(40));
    let mut k = keeper(&slow, &config);
    let started = std::time::Instant::now();
    let report = round(&mut k, &mut slow);
    // The deadline is checked before each read and send: at most one action's reads pass it.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let last = report.decisions.last().unwrap();
    assert_eq!(last.decision, Verdict::Error, "{last:#?}");
    assert!(last.reason.contains("deadline"), "{last:#?}");
    assert!(report.decisions.len() < 20, "the round stopped early");

    // Control: with time enough the same slow node gets its whole round.
    let config = limited(Limits::default());
    let (chain, _) = seeded();
    let mut slow = Node::new(chain, Fault::SlowReads(1));
    let mut k = keeper(&slow, &config);
    let report = round(&mut k, &mut slow);
    assert!(!report
        .decisions
        .iter()
        .any(|d| d.reason.contains("deadline")));
    assert!(report.accepted() > 0);
}

#[test]
fn a_transaction_that_landed_before_the_connection_dropped_is_never_sent_twice() {
    let (chain, _) = seeded();
    let mut node = Node::new(chain, Fault::LandsThenDrops);
    let mut k = keeper(&node, &config());
    let report = round(&mut k, &mut node);
    let sent: Vec<_> = report.decisions.iter().filter(|d| d.tx.is_some()).collect();
    assert!(!sent.is_empty());
    // One send per decision: the sequence showed each landed, none was resent.
    assert_eq!(node.executes as usize, sent.len());
    for d in &sent {
        let tx = d.tx.as_ref().unwrap();
        assert_eq!(tx.result, TxResult::Unknown, "{d:#?}");
        assert_eq!(tx.attempts, 1);
        assert!(tx.error.as_deref().unwrap().contains("sequence moved"));
    }
    assert!(report.had_failures(), "an unknown outcome is reported");

    // The work did happen: the next round, on a healthy connection, finds none of it again.
    node.fault = Fault::None;
    let first: Vec<_> = sent.iter().map(|d| (d.action, d.target.clone())).collect();
    let next = round(&mut k, &mut node);
    for d in next.decisions.iter().filter(|d| d.tx.is_some()) {
        assert!(
            !first.contains(&(d.action, d.target.clone())) || d.action == Action::FinalizeEpoch,
            "sent again: {d:#?}"
        );
    }

    // Control: a transport failure before anything landed (sequence unchanged) is retried.
    let (chain, _) = seeded();
    let mut chain = Faulty::new(chain);
    chain.execute_failures = 1;
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);
    let harvest = &decisions_of(&report, Action::Harvest)[0];
    assert_eq!(harvest.tx.as_ref().unwrap().attempts, 2);
    assert_eq!(harvest.tx.as_ref().unwrap().result, TxResult::Ok);
}

#[test]
fn an_unconfirmed_transaction_holds_every_send_until_it_can_no_longer_land() {
    let (chain, _) = seeded();
    let mut node = Node::new(chain, Fault::NeverConfirmed);
    let mut k = keeper(&node, &config());
    let report = round(&mut k, &mut node);
    // The first send is unconfirmed; nothing else is sent while it may land.
    assert_eq!(node.executes, 1, "{report:#?}");
    let sent: Vec<_> = report.decisions.iter().filter(|d| d.tx.is_some()).collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].tx.as_ref().unwrap().result, TxResult::Unknown);
    assert!(report
        .decisions
        .iter()
        .any(|d| d.reason.contains("HASH1 may still land")));

    // Past its timeout height it can no longer land: sending resumes.
    node.fault = Fault::None;
    node.inner.app_mut().update_block(|b| b.height += 11);
    let next = round(&mut k, &mut node);
    assert!(next.accepted() > 0, "{next:#?}");
    assert!(!next
        .decisions
        .iter()
        .any(|d| d.reason.contains("may still land")));
}

#[test]
fn a_transaction_that_failed_on_chain_logs_the_fee_it_paid() {
    let (chain, _) = seeded();
    let mut node = Node::new(chain, Fault::FailsOnChain);
    let mut k = keeper(&node, &config());
    let report = round(&mut k, &mut node);
    let harvest = &decisions_of(&report, Action::Harvest)[0];
    let tx = harvest.tx.as_ref().unwrap();
    assert_eq!(tx.result, TxResult::Refused);
    assert_eq!(tx.fee_paid, Uint128::new(FEE));
    assert_eq!(tx.gas_used, 90_000);
    assert_eq!(tx.attempts, 1, "a failure on chain is never retried");
    // In tokens in the text log (FEE is 1,000 uosmo), in base units in the JSON form.
    assert!(
        harvest.to_line().contains("fee_paid=\"0.001 OSMO\""),
        "{}",
        harvest.to_line()
    );
}

#[test]
fn the_fee_budget_stops_sending_for_the_rest_of_the_hour() {
    // Room for two transactions at the embedded chain's fee.
    let config = limited(Limits {
        max_fees_per_hour: Some(Uint128::new(2 * FEE + FEE / 2)),
        ..Limits::default()
    });
    let (mut chain, _) = seeded();
    let mut k = keeper(&chain, &config);
    let report = round(&mut k, &mut chain);
    assert_eq!(report.sent(), 2, "{report:#?}");
    let held: Vec<_> = report
        .decisions
        .iter()
        .filter(|d| d.reason.contains("--max-fees-per-hour 2500uosmo"))
        .collect();
    assert!(!held.is_empty());
    assert!(held
        .iter()
        .all(|d| d.decision == Verdict::Skip && d.tx.is_none()));
    assert!(held[0].reason.contains("2000uosmo spent in the last hour"));
    assert!(held[0].reason.contains("resumes in 60 min"));
    // The next round, within the hour, sends nothing either.
    let next = round(&mut k, &mut chain);
    assert_eq!(next.sent(), 0);

    // Control: without a budget the same round sends more than two.
    let (mut chain, _) = seeded();
    let mut k = keeper(&chain, &self::config());
    assert!(round(&mut k, &mut chain).sent() > 2);
}

/// The vault with the native strategy: no confirmed revenue in its books, validator rewards
/// in the distribution module that only a `harvest` (its simulation) shows.
struct NativeVault {
    inner: EmbeddedChain,
    /// What a simulated harvest's withdrawals would pay the keeper (`None`: nothing accrued,
    /// the vault refuses).
    reward_bounty: Option<Coin>,
    harvests: u32,
}

impl NativeVault {
    fn is_vault(&self, contract: &str) -> bool {
        self.inner.addresses().unwrap().staking_vault == contract
    }
}

impl SuiteChain for NativeVault {
    fn sender(&self) -> String {
        self.inner.sender()
    }
    fn block_height(&self) -> Result<u64> {
        self.inner.block_height()
    }
    fn block_time(&self) -> Result<u64> {
        self.inner.block_time()
    }
    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        let mut answer = self.inner.query(contract, msg)?;
        if self.is_vault(contract) && msg.get("keeper_work").is_some() {
            // No revenue pending: the harvest is listed ready with no bounty of its own.
            for step in answer["ready"].as_array_mut().into_iter().flatten() {
                if step["msg"].get("harvest").is_some() {
                    step["bounty"] = serde_json::json!([]);
                }
            }
        }
        Ok(answer)
    }
    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        if self.is_vault(contract) && msg.get("harvest").is_some() {
            self.harvests += 1;
        }
        self.inner.execute(contract, msg, funds)
    }
    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        self.inner.balance(address, denom)
    }
    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation> {
        if self.is_vault(contract) && msg.get("harvest").is_some() {
            let Some(bounty) = &self.reward_bounty else {
                anyhow::bail!("execute wasm contract failed: Nothing to harvest");
            };
            let t = |k: &str, v: String| ("transfer".to_string(), k.to_string(), v);
            return Ok(Simulation {
                fee: coin(FEE, OSMO_DENOM),
                attributes: Some(vec![
                    t("recipient", self.inner.sender()),
                    t("sender", contract.to_string()),
                    t("amount", bounty.to_string()),
                ]),
            });
        }
        self.inner.simulate(contract, msg, funds)
    }
    fn fee_denom(&self) -> String {
        self.inner.fee_denom()
    }
    fn addresses(&self) -> Result<SuiteAddresses> {
        self.inner.addresses()
    }
}

#[test]
fn native_validator_rewards_are_harvested_though_no_revenue_is_pending() {
    // 600 uakt at 5 uosmo each covers the 1,000 uosmo fee.
    let (chain, _) = seeded();
    let mut vault = NativeVault {
        inner: chain,
        reward_bounty: Some(coin(600, AKT_DENOM)),
        harvests: 0,
    };
    let mut k = keeper(&vault, &config());
    let report = round(&mut k, &mut vault);
    let harvest = &decisions_of(&report, Action::Harvest)[0];
    assert_eq!(harvest.decision, Verdict::Execute, "{harvest:#?}");
    assert!(
        harvest
            .work
            .as_deref()
            .unwrap()
            .contains(&format!("planned bounty 0, simulated 600{AKT_DENOM}")),
        "{harvest:#?}"
    );
    assert_eq!(harvest.bounty, Some(format!("600{AKT_DENOM}")));
    assert_eq!(vault.harvests, 1);

    // Control: nothing accrued, the vault refuses the simulation: nothing is sent.
    let (chain, _) = seeded();
    let mut vault = NativeVault {
        inner: chain,
        reward_bounty: None,
        harvests: 0,
    };
    let mut k = keeper(&vault, &config());
    let report = round(&mut k, &mut vault);
    let harvest = &decisions_of(&report, Action::Harvest)[0];
    assert_eq!(harvest.decision, Verdict::Skip, "{harvest:#?}");
    assert!(harvest.reason.contains("Nothing to harvest"));
    assert_eq!(vault.harvests, 0);
    // And rewards worth less than the fee are not worth a transaction.
    let (chain, _) = seeded();
    let mut vault = NativeVault {
        inner: chain,
        reward_bounty: Some(coin(100, AKT_DENOM)),
        harvests: 0,
    };
    let mut k = keeper(&vault, &config());
    round(&mut k, &mut vault);
    assert_eq!(vault.harvests, 0);
}

#[derive(clap::Parser)]
struct RunFlags {
    #[command(flatten)]
    run: super::cli::RunArgs,
}

fn run_flags(extra: &[&str]) -> super::cli::RunArgs {
    use clap::Parser;
    let mut argv = vec!["keeper", "--network", "local"];
    argv.extend_from_slice(extra);
    RunFlags::try_parse_from(argv).expect("the flags parse").run
}

#[test]
fn gas_buffer_defaults_to_one_and_a_half_and_refuses_less_than_the_simulation() {
    let defaults = run_flags(&[]);
    assert_eq!(defaults.gas_buffer, 1.5);
    assert!(defaults.config().is_ok());
    assert!(run_flags(&["--gas-buffer", "1.3"]).config().is_ok());
    // A limit below the simulated gas runs every transaction out of gas.
    let err = run_flags(&["--gas-buffer", "0.9"]).config().unwrap_err();
    assert!(err.to_string().contains("--gas-buffer 0.9"), "{err}");
    assert!(run_flags(&["--gas-buffer", "11"]).config().is_err());
}

/// Records every query and transaction, and lets a test rewrite the escrow's answers and
/// refuse its batches: the embedded chain underneath.
struct Recorder {
    inner: EmbeddedChain,
    /// `(contract, message key)` of every query, in order.
    queries: RefCell<Vec<(String, String)>>,
    /// `(contract, message)` of every transaction sent.
    sent: Vec<(String, Value)>,
    /// Items added to the escrow's `keeper_work` answers (the first page).
    extra_items: Vec<Value>,
    /// A top-up (single or batch) naming this lease is refused as a whole, as an escrow that
    /// reverted whole batches would; with `name_it`, the error names the lease.
    refuse_lease: Option<u64>,
    name_it: bool,
}

impl Recorder {
    fn new(inner: EmbeddedChain) -> Self {
        Recorder {
            inner,
            queries: RefCell::new(vec![]),
            sent: vec![],
            extra_items: vec![],
            refuse_lease: None,
            name_it: false,
        }
    }

    fn refused(&self, msg: &Value) -> Option<anyhow::Error> {
        let bad = self.refuse_lease?;
        let ids: Vec<u64> = match (msg.get("top_up_batch"), msg.get("top_up")) {
            (Some(b), _) => serde_json::from_value(b["lease_ids"].clone()).unwrap(),
            (_, Some(t)) => vec![t["lease_id"].as_u64().unwrap()],
            _ => return None,
        };
        ids.contains(&bad).then(|| {
            if self.name_it {
                anyhow::anyhow!("execute wasm contract failed: lease {bad} has no auto top-up set")
            } else {
                anyhow::anyhow!("execute wasm contract failed: batch refused")
            }
        })
    }

    /// Lease ids of the top-ups sent, one list per transaction.
    fn top_ups_sent(&self) -> Vec<Vec<u64>> {
        self.sent
            .iter()
            .filter_map(
                |(_, msg)| match (msg.get("top_up_batch"), msg.get("top_up")) {
                    (Some(b), _) => Some(serde_json::from_value(b["lease_ids"].clone()).unwrap()),
                    (_, Some(t)) => Some(vec![t["lease_id"].as_u64().unwrap()]),
                    _ => None,
                },
            )
            .collect()
    }

    /// `keeper_work` queries per contract address.
    fn keeper_work_queries(&self, contract: &str) -> usize {
        self.queries
            .borrow()
            .iter()
            .filter(|(c, k)| c == contract && k == "keeper_work")
            .count()
    }
}

impl SuiteChain for Recorder {
    fn sender(&self) -> String {
        self.inner.sender()
    }
    fn block_height(&self) -> Result<u64> {
        self.inner.block_height()
    }
    fn block_time(&self) -> Result<u64> {
        self.inner.block_time()
    }
    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        let key = msg
            .as_object()
            .and_then(|o| o.keys().next().cloned())
            .unwrap_or_default();
        self.queries
            .borrow_mut()
            .push((contract.to_string(), key.clone()));
        let mut answer = self.inner.query(contract, msg)?;
        let escrow = self.inner.addresses()?.rollover_escrow;
        if contract == escrow && key == "keeper_work" && msg["keeper_work"]["start_after"].is_null()
        {
            let items = answer["items"].as_array_mut().unwrap();
            items.extend(self.extra_items.iter().cloned());
        }
        Ok(answer)
    }
    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        if let Some(e) = self.refused(msg) {
            return Err(e);
        }
        self.sent.push((contract.to_string(), msg.clone()));
        self.inner.execute(contract, msg, funds)
    }
    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        self.inner.balance(address, denom)
    }
    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation> {
        if let Some(e) = self.refused(msg) {
            return Err(e);
        }
        self.inner.simulate(contract, msg, funds)
    }
    fn fee_denom(&self) -> String {
        self.inner.fee_denom()
    }
    fn addresses(&self) -> Result<SuiteAddresses> {
        self.inner.addresses()
    }
}

/// Opens `n` leases, each 1,000 blocks from dry (100 uakt a block), with an auto top-up to
/// 14,400 blocks from its tenant's prefunded balance: each top-up moves 1,340,000 uakt and pays
/// a 1,340 uakt bounty. (One tenant per lease: the embedded helper finds a tenant's newest lease
/// in its first page of 30.)
fn leases_to_top_up(chain: &mut EmbeddedChain, n: usize) -> Vec<u64> {
    use rollover_escrow::msg::ExecuteMsg as Escrow;
    use rollover_escrow::state::TopUpSource;
    let escrow = chain.suite().rollover_escrow.address.clone();
    let app = chain.app_mut();
    (0..n)
        .map(|i| {
            let tenant = app.api().addr_make(&format!("tenant_{i}"));
            spice_testing::fund(app, &tenant, vec![coin(1_341_340 + 100_000, AKT_DENOM)]).unwrap();
            app.execute_contract(
                tenant.clone(),
                escrow.clone(),
                &Escrow::FundBalance {},
                &[coin(1_341_340, AKT_DENOM)],
            )
            .unwrap();
            let id = crate::embedded::open_lease(
                app,
                &escrow,
                &tenant,
                &format!("provider_{i}"),
                Decimal::percent(10_000),
                100_000,
                vec![],
            )
            .unwrap();
            app.execute_contract(
                tenant,
                escrow.clone(),
                &Escrow::SetAutoTopUp {
                    lease_id: id,
                    target_runway_blocks: 14_400,
                    source: TopUpSource::Balance,
                },
                &[],
            )
            .unwrap();
            id
        })
        .collect()
}

fn runway(chain: &EmbeddedChain, lease_id: u64) -> Option<u64> {
    let escrow = chain.suite().rollover_escrow.address.clone();
    let lease: rollover_escrow::msg::LeaseResponse = query(
        chain,
        escrow.as_str(),
        &rollover_escrow::msg::QueryMsg::Lease { lease_id },
    );
    lease.runway_blocks
}

/// Without work, a round reads each contract's `keeper_work` once (and the escrow's pause
/// flag), nothing else; with work, only `keeper_work` again where an action changed it.
#[test]
fn a_round_plans_from_one_keeper_work_query_per_contract() {
    let mut inner = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    let suite = inner.suite().clone();
    let roles = inner.roles().clone();
    flows::spice_economy(inner.app_mut(), &suite, &roles).unwrap();
    flows::lease_with_rollover(inner.app_mut(), &suite, &roles).unwrap();
    let mut chain = Recorder::new(inner);
    let a = chain.addresses().unwrap();
    let mut k = keeper(&chain, &config());
    chain.queries.borrow_mut().clear();
    let report = round(&mut k, &mut chain);
    assert_eq!(report.sent(), 0, "{:#?}", report.decisions);
    let mut asked = chain.queries.borrow().clone();
    asked.sort();
    let mut expected: Vec<(String, String)> = [
        &a.staking_vault,
        &a.buyback_burn,
        &a.order_book,
        &a.rollover_escrow,
        &a.provider_incentives,
    ]
    .iter()
    .map(|c| (c.to_string(), "keeper_work".to_string()))
    .chain([(a.rollover_escrow.clone(), "pause_info".to_string())])
    .collect();
    expected.sort();
    assert_eq!(asked, expected);

    // With every kind of work: harvest changes the vault (read again for convert, and after
    // convert for stake) and buyback-burn (read first after it anyway); the match changes the
    // book (read again for expire_orders) and the escrow (read after it anyway); rollover and
    // top_up change the escrow (read again for top_up and settle).
    let (inner, _) = seeded();
    let mut chain = Recorder::new(inner);
    let a = chain.addresses().unwrap();
    let mut k = keeper(&chain, &config());
    chain.queries.borrow_mut().clear();
    let report = round(&mut k, &mut chain);
    assert_eq!(report.sent(), SEEDED.len(), "{:#?}", report.decisions);
    let other: Vec<_> = chain
        .queries
        .borrow()
        .iter()
        .filter(|(_, k)| k != "keeper_work" && k != "pause_info")
        .cloned()
        .collect();
    assert!(other.is_empty(), "{other:?}");
    assert_eq!(chain.keeper_work_queries(&a.staking_vault), 3);
    assert_eq!(chain.keeper_work_queries(&a.buyback_burn), 1);
    assert_eq!(chain.keeper_work_queries(&a.order_book), 2);
    assert_eq!(chain.keeper_work_queries(&a.rollover_escrow), 3);
    assert_eq!(chain.keeper_work_queries(&a.provider_incentives), 1);
}

/// 35 leases need a top-up: one `top_up_batch` of the first 30, one of the other 5, each
/// paying the sum of its items' bounties; every lease is topped up.
#[test]
fn top_ups_go_in_batches_of_at_most_30() {
    let mut inner = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    let leases = leases_to_top_up(&mut inner, 35);
    let mut chain = Recorder::new(inner);
    let escrow = chain.addresses().unwrap().rollover_escrow;
    let sender = chain.sender();
    let before = chain.balance(&sender, AKT_DENOM).unwrap();
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);

    assert_eq!(
        chain.top_ups_sent(),
        vec![leases[..30].to_vec(), leases[30..].to_vec()]
    );
    assert!(chain.sent.iter().all(|(c, _)| *c == escrow));
    let batches = decisions_of(&report, Action::TopUp);
    assert_eq!(batches.len(), 2, "{batches:#?}");
    for (batch, ids) in batches.iter().zip([&leases[..30], &leases[30..]]) {
        assert!(batch.succeeded(), "{batch:#?}");
        let tx = batch.tx.as_ref().unwrap();
        assert_eq!(
            tx.bounty_paid,
            Some(format!("{}{AKT_DENOM}", 1_340 * ids.len()))
        );
        let items = tx.items.as_ref().unwrap();
        let got: Vec<(u64, &str)> = items
            .iter()
            .map(|i| (i.lease_id, i.result.as_str()))
            .collect();
        let want: Vec<(u64, &str)> = ids.iter().map(|id| (*id, "topped_up")).collect();
        assert_eq!(got, want);
    }
    for id in &leases {
        assert_eq!(runway(&chain.inner, *id), Some(14_400), "lease {id}");
    }
    assert_eq!(
        chain.balance(&sender, AKT_DENOM).unwrap(),
        before + Uint128::new(1_340 * 35)
    );
}

/// `--escrow-pages 1`: a round reads 30 leases of the escrow's work and logs the cut; the
/// leases after it wait for the next round, which finds them.
#[test]
fn the_escrow_scan_is_bounded_per_round_and_the_cut_is_logged() {
    let mut inner = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    let leases = leases_to_top_up(&mut inner, 35);
    let mut chain = Recorder::new(inner);
    let escrow = chain.addresses().unwrap().rollover_escrow;
    let mut config = config();
    config.settings.escrow_pages = 1;
    let mut k = keeper(&chain, &config);

    let first = round(&mut k, &mut chain);
    assert_eq!(
        chain.keeper_work_queries(&escrow),
        2,
        "one page, read again after the send"
    );
    assert_eq!(chain.top_ups_sent(), vec![leases[..30].to_vec()]);
    let cut: Vec<_> = first
        .decisions
        .iter()
        .filter(|d| d.target.as_deref() == Some("keeper_work"))
        .collect();
    assert_eq!(cut.len(), 1, "{:#?}", first.decisions);
    assert!(cut[0].reason.contains("read 1 page(s)"), "{:#?}", cut[0]);
    assert!(cut[0].reason.contains("next rounds"), "{:#?}", cut[0]);
    for id in &leases[30..] {
        assert_eq!(runway(&chain.inner, *id), Some(1_000), "lease {id} waits");
    }

    // The topped-up leases now run dry later: the 5 left are the first page of the next round.
    let second = round(&mut k, &mut chain);
    assert_eq!(
        chain.top_ups_sent(),
        vec![leases[..30].to_vec(), leases[30..].to_vec()]
    );
    assert_eq!(second.executed(Action::TopUp), 1);
    for id in &leases {
        assert_eq!(runway(&chain.inner, *id), Some(14_400), "lease {id}");
    }
}

/// An item the escrow cannot top up (here a lease that does not exist, listed by a stale
/// answer) is skipped inside the batch, reported with its reason; the others are topped up.
#[test]
fn a_failing_item_is_skipped_and_the_rest_of_its_batch_applied() {
    let mut inner = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    let leases = leases_to_top_up(&mut inner, 2);
    let mut chain = Recorder::new(inner);
    chain.extra_items.push(serde_json::json!({
        "lease_id": 4242, "depletion_height": 0, "work": "top_up", "bounty": null
    }));
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);
    // The simulation shows the escrow would skip lease 4242: it is dropped (it would cost gas
    // and pay nothing) and the other two are simulated again and sent.
    assert_eq!(chain.top_ups_sent(), vec![vec![leases[0], leases[1]]]);
    let ds = decisions_of(&report, Action::TopUp);
    assert_eq!(ds.len(), 2, "{ds:#?}");
    assert_eq!(ds[0].decision, Verdict::Skip, "{:#?}", ds[0]);
    assert!(
        ds[0].reason.contains("would skip lease 4242")
            && ds[0].reason.contains("lease 4242 does not exist")
            && ds[0].reason.contains("the other 2 simulated again"),
        "{:#?}",
        ds[0]
    );
    let batch = ds[1];
    assert!(batch.succeeded(), "{batch:#?}");
    let items = batch.tx.as_ref().unwrap().items.as_ref().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].result, "topped_up");
    assert_eq!(items[1].result, "topped_up");
    for id in &leases {
        assert_eq!(runway(&chain.inner, *id), Some(14_400), "lease {id}");
    }
}

/// A batch refused as a whole in simulation (an escrow that reverts the batch for one item):
/// the item the error names is dropped and the others go in one batch; when the error names
/// none, the batch is halved until the bad item is alone. Either way every other lease is
/// topped up and the bad one is never sent.
#[test]
fn a_batch_refused_for_one_item_is_split_so_the_others_go() {
    // The error names the lease.
    let mut inner = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    let leases = leases_to_top_up(&mut inner, 4);
    let mut chain = Recorder::new(inner);
    chain.refuse_lease = Some(leases[3]);
    chain.name_it = true;
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);
    assert_eq!(chain.top_ups_sent(), vec![leases[..3].to_vec()]);
    let ds = decisions_of(&report, Action::TopUp);
    assert_eq!(ds.len(), 2, "{ds:#?}");
    assert_eq!(ds[0].decision, Verdict::Skip);
    assert!(
        ds[0]
            .reason
            .contains(&format!("lease {} dropped", leases[3])),
        "{:#?}",
        ds[0]
    );
    assert!(ds[1].succeeded(), "{:#?}", ds[1]);
    for id in &leases[..3] {
        assert_eq!(runway(&chain.inner, *id), Some(14_400), "lease {id}");
    }
    assert_eq!(runway(&chain.inner, leases[3]), Some(1_000));

    // The error names nothing: [a b c X] → [a b] sent, [c X] → [c] sent, [X] refused.
    let mut inner = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    let leases = leases_to_top_up(&mut inner, 4);
    let mut chain = Recorder::new(inner);
    chain.refuse_lease = Some(leases[3]);
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);
    assert_eq!(
        chain.top_ups_sent(),
        vec![leases[..2].to_vec(), vec![leases[2]]]
    );
    let ds = decisions_of(&report, Action::TopUp);
    let verdicts: Vec<_> = ds.iter().map(|d| d.decision).collect();
    assert_eq!(
        verdicts,
        vec![
            Verdict::Skip,
            Verdict::Execute,
            Verdict::Skip,
            Verdict::Execute,
            Verdict::Skip
        ],
        "{ds:#?}"
    );
    assert_eq!(
        ds[4].target.as_deref(),
        Some(format!("lease {}", leases[3]).as_str())
    );
    for id in &leases[..3] {
        assert_eq!(runway(&chain.inner, *id), Some(14_400), "lease {id}");
    }
    assert_eq!(runway(&chain.inner, leases[3]), Some(1_000));
}

/// Two top-ups each pay 1,340 uakt (6,700 uosmo at 5 uosmo a uakt). A fee of 10,000 uosmo is
/// more than either is worth alone but less than the batch of both: the batch is sent. At a fee
/// of 14,000 the batch is not worth it and nothing is sent.
#[test]
fn a_batch_is_sent_only_when_its_items_together_cover_the_fee() {
    let mut inner = EmbeddedChain::deploy(coin(14_000, OSMO_DENOM)).unwrap();
    let leases = leases_to_top_up(&mut inner, 2);
    let mut chain = Recorder::new(inner);
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);
    assert!(chain.top_ups_sent().is_empty());
    let batch = decisions_of(&report, Action::TopUp)[0];
    assert_eq!(batch.decision, Verdict::Skip, "{batch:#?}");
    assert_eq!(
        batch.bounty.as_deref(),
        Some(format!("2680{AKT_DENOM}").as_str())
    );
    assert_eq!(batch.bounty_value.as_deref(), Some("13400uosmo"));
    assert!(
        batch.reason.contains("does not cover the fee 14000uosmo"),
        "{batch:#?}"
    );
    for id in &leases {
        assert_eq!(runway(&chain.inner, *id), Some(1_000), "lease {id}");
    }

    chain.inner.set_fee(coin(10_000, OSMO_DENOM));
    let report = round(&mut k, &mut chain);
    assert_eq!(chain.top_ups_sent(), vec![leases.clone()]);
    assert_eq!(report.executed(Action::TopUp), 1);
    for id in &leases {
        assert_eq!(runway(&chain.inner, *id), Some(14_400), "lease {id}");
    }
}

/// Three leases without an auto top-up run dry (the escrow has not marked them yet): one
/// `settle_batch` of the three marks them out of funds, a duty within --max-duty-fee; each
/// item's outcome is read from its events.
#[test]
fn dry_leases_are_settled_in_one_batch() {
    let mut inner = EmbeddedChain::deploy(coin(FEE, OSMO_DENOM)).unwrap();
    let escrow = inner.suite().rollover_escrow.address.clone();
    let app = inner.app_mut();
    let leases: Vec<u64> = (0..3)
        .map(|i| {
            let tenant = app.api().addr_make(&format!("dry_tenant_{i}"));
            spice_testing::fund(app, &tenant, vec![coin(1_000, AKT_DENOM)]).unwrap();
            crate::embedded::open_lease(
                app,
                &escrow,
                &tenant,
                &format!("dry_provider_{i}"),
                Decimal::percent(10_000),
                1_000,
                vec![],
            )
            .unwrap()
        })
        .collect();
    // 10 blocks of runway each: two blocks past it, within the grace period and before a
    // provider counts as silent.
    app.update_block(|b| b.height += 12);
    let mut chain = Recorder::new(inner);
    let mut k = keeper(&chain, &config());
    let report = round(&mut k, &mut chain);

    let settles: Vec<Vec<u64>> = chain
        .sent
        .iter()
        .filter_map(|(_, msg)| msg.get("settle_batch"))
        .map(|b| serde_json::from_value(b["lease_ids"].clone()).unwrap())
        .collect();
    assert_eq!(settles, vec![leases.clone()], "{:#?}", report.decisions);
    let d = decisions_of(&report, Action::Settle)[0];
    assert!(d.succeeded(), "{d:#?}");
    assert_eq!(d.bounty.as_deref(), Some("none"));
    let items = d.tx.as_ref().unwrap().items.as_ref().unwrap();
    let got: Vec<(u64, &str)> = items
        .iter()
        .map(|i| (i.lease_id, i.result.as_str()))
        .collect();
    let want: Vec<(u64, &str)> = leases.iter().map(|id| (*id, "out_of_funds")).collect();
    assert_eq!(got, want);
    for id in &leases {
        let lease: rollover_escrow::msg::LeaseResponse = query(
            &chain.inner,
            escrow.as_str(),
            &rollover_escrow::msg::QueryMsg::Lease { lease_id: *id },
        );
        assert!(
            matches!(
                lease.status,
                rollover_escrow::state::LeaseStatus::InsufficientFunds { .. }
            ),
            "lease {id}: {:?}",
            lease.status
        );
    }
    // Marked: the next round finds nothing to settle.
    let again = round(&mut k, &mut chain);
    assert_eq!(again.executed(Action::Settle), 0, "{:#?}", again.decisions);
}
