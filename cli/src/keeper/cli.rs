//! `spice keeper run`: flags and wiring.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use cosmwasm_std::Coin;

use super::log::Logger;
use super::policy::{parse_amount, parse_price, Policy};
use super::retry::{RetryPolicy, StopFlag};
use super::{run, KeeperConfig, Limits, Settings};
use crate::chain::SuiteChain;
use crate::embedded::{seed_keeper_work, EmbeddedChain};

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Where to keep: `embedded` deploys the suite on an in-process chain and seeds one piece
    /// of work for every action; the others connect to a node.
    #[arg(long, value_parser = ["embedded", "local", "osmo-test-5", "osmosis-1"])]
    pub network: String,
    /// The deployment state file with the suite's addresses (real networks; the network's
    /// default when left out).
    #[arg(long)]
    pub state_file: Option<PathBuf>,
    /// The deploy config with node overrides (`[<network>.chain]`); default `./deploy.toml`
    /// when it exists.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The environment variable holding the keeper's mnemonic (default: the network's,
    /// `LOCAL_MNEMONIC`, `TEST_MNEMONIC` or `MAIN_MNEMONIC`).
    #[arg(long)]
    pub mnemonic_env: Option<String>,
    /// One round, then exit (non-zero if something could not be read or sent).
    #[arg(long)]
    pub once: bool,
    /// Pause between rounds.
    #[arg(long, default_value_t = 60)]
    pub interval_seconds: u64,
    /// Retries of a read or transaction that failed in transport (never of a contract's
    /// refusal), with exponential backoff.
    #[arg(long, default_value_t = 3)]
    pub max_retries: u32,
    /// Wait before the first retry, doubled each time (at most 30 s).
    #[arg(long, default_value_t = 1_000)]
    pub retry_backoff_ms: u64,
    /// What a bounty must be worth beyond the fee, in fee-denom base units (`1000` or
    /// `1000uosmo`).
    #[arg(long, default_value = "0")]
    pub min_profit: String,
    /// A bounty denom's worth in fee-denom base units per base unit, e.g. `--price akt=5`
    /// (aliases: akt, spice, osmo). Repeatable. Bounties in a denom without a price are worth 0.
    #[arg(long = "price", value_name = "DENOM=PRICE")]
    pub prices: Vec<String>,
    /// Never send actions that pay no bounty (stake, expire_orders, close_expired, rollover,
    /// settle, finalize_epoch).
    #[arg(long)]
    pub no_duties: bool,
    /// Largest fee paid for an action that pays no bounty, in fee-denom base units.
    #[arg(long, default_value = "50000")]
    pub max_duty_fee: String,
    /// Pages of the escrow's `keeper_work` (30 leases each, soonest-dry first) read per round:
    /// the first from the start, the others resuming where the last round stopped. A cut scan
    /// is logged.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub escrow_pages: u64,
    /// A round stops reading and sending once this many seconds have passed since it began
    /// (the rest waits for the next round); each call to the node is bounded too
    /// (`--call-timeout-seconds`).
    #[arg(long, default_value_t = 300)]
    pub round_timeout_seconds: u64,
    /// Longest wait for any one answer from the node (a query, a broadcast, one confirmation
    /// poll), in seconds; a transaction's confirmation is awaited at most
    /// `--confirm-timeout-seconds`.
    #[arg(long, default_value_t = 20)]
    pub call_timeout_seconds: u64,
    /// How long a sent transaction's inclusion is awaited before its outcome is reported
    /// `unknown` (it is then never sent again while it may still land).
    #[arg(long, default_value_t = 60)]
    pub confirm_timeout_seconds: u64,
    /// Gas limit of each transaction = its simulated gas × this (at least 150,000). The fee
    /// an action is valued at is this limit's, so the margin is paid for, never a surprise; too
    /// small a margin loses whole fees to out-of-gas (a native `stake` simulated right after a
    /// harvest used 1.33× its simulation on the local chain).
    #[arg(long, default_value_t = 1.5)]
    pub gas_buffer: f64,
    /// Nothing is sent while the node's latest block is older than this (a stopped or
    /// lagging node); real networks only.
    #[arg(long, default_value_t = 60)]
    pub max_block_age_seconds: u64,
    /// Fee budget: once the fees of the last hour reach this (fee-denom base units, `50000`
    /// or `50000uosmo`), nothing more is sent until the hour has passed. Unlimited when left
    /// out.
    #[arg(long)]
    pub max_fees_per_hour: Option<String>,
    /// One JSON object per decision on stderr instead of text.
    #[arg(long)]
    pub json_log: bool,
    /// `--network embedded` only: the fee its chain estimates for every transaction (default:
    /// 400,000 gas at osmosis-1's gas price in cw-orch's chain info, the price a real keeper
    /// pays: 10000uosmo at 0.025).
    #[arg(long)]
    pub embedded_fee: Option<String>,
}

impl RunArgs {
    pub fn config(&self) -> Result<KeeperConfig> {
        let (min_profit, profit_denom) = parse_amount(&self.min_profit).context("--min-profit")?;
        let (max_duty_fee, duty_denom) =
            parse_amount(&self.max_duty_fee).context("--max-duty-fee")?;
        let budget = self
            .max_fees_per_hour
            .as_deref()
            .map(|b| parse_amount(b).context("--max-fees-per-hour"))
            .transpose()?;
        let budget_denom = budget.as_ref().and_then(|(_, d)| d.clone());
        let denoms: Vec<(&str, &String)> = [
            ("--min-profit", &profit_denom),
            ("--max-duty-fee", &duty_denom),
            ("--max-fees-per-hour", &budget_denom),
        ]
        .into_iter()
        .filter_map(|(flag, d)| d.as_ref().map(|d| (flag, d)))
        .collect();
        if let Some(((a_flag, a), (b_flag, b))) = denoms
            .iter()
            .zip(denoms.iter().skip(1))
            .find(|((_, a), (_, b))| a != b)
        {
            bail!("{a_flag} is in {a} but {b_flag} in {b}");
        }
        if !(1.0..=10.0).contains(&self.gas_buffer) {
            bail!(
                "--gas-buffer {} must be between 1 and 10 (the gas limit is the simulated gas \
                 times it)",
                self.gas_buffer
            );
        }
        if self.round_timeout_seconds == 0 || self.call_timeout_seconds == 0 {
            bail!("--round-timeout-seconds and --call-timeout-seconds must be above 0");
        }
        let mut prices = std::collections::BTreeMap::new();
        for p in &self.prices {
            let (denom, price) = parse_price(p)?;
            prices.insert(denom, price);
        }
        Ok(KeeperConfig {
            policy: Policy {
                prices,
                min_profit,
                duties: !self.no_duties,
                max_duty_fee,
                amounts_denom: profit_denom.or(duty_denom).or(budget_denom),
            },
            retry: RetryPolicy {
                max_retries: self.max_retries,
                base_delay: Duration::from_millis(self.retry_backoff_ms),
                max_delay: Duration::from_secs(30),
            },
            settings: Settings {
                escrow_pages: self.escrow_pages as usize,
            },
            limits: Limits {
                round_timeout: Duration::from_secs(self.round_timeout_seconds),
                // The embedded chain's clock is its own; real nodes are held to the wall clock.
                max_block_age: (self.network != "embedded")
                    .then(|| Duration::from_secs(self.max_block_age_seconds)),
                max_fees_per_hour: budget.map(|(amount, _)| amount),
            },
            once: self.once,
            interval: Duration::from_secs(self.interval_seconds),
        })
    }
}

pub fn run_command(args: &RunArgs) -> Result<()> {
    let config = args.config()?;
    let mut chain: Box<dyn SuiteChain> = if args.network == "embedded" {
        let fee: Coin = match &args.embedded_fee {
            Some(fee) => fee
                .parse()
                .map_err(|e| anyhow::anyhow!("--embedded-fee {fee:?}: {e}"))?,
            None => crate::network::osmosis_keeper_fee(),
        };
        let mut chain = EmbeddedChain::deploy(fee)?;
        let w = seed_keeper_work(&mut chain).context("seeding work")?;
        eprintln!(
            "keeper: embedded chain at height {}, suite deployed; work seeded: leases {} (top up), \
             {} (failed provider), {} (no auto top-up); orders {} (crossing), {} (expired); \
             epoch {} (due)",
            chain.block_height()?,
            w.lease_to_top_up,
            w.lease_failed,
            w.lease_without_top_up,
            w.order_to_match,
            w.order_expired,
            w.epoch_due
        );
        Box::new(chain)
    } else {
        crate::network::connect_keeper(
            &args.network,
            args.state_file.as_deref(),
            args.config.as_deref(),
            args.mnemonic_env.as_deref(),
            crate::network::NodeLimits {
                call: Duration::from_secs(args.call_timeout_seconds),
                confirm: Duration::from_secs(args.confirm_timeout_seconds),
                gas_buffer: Some(args.gas_buffer),
            },
        )?
    };
    check_amounts_denom(&config, &chain.fee_denom())?;
    eprintln!("keeper: sending as {}", chain.sender());
    let stop = StopFlag::new();
    stop.on_ctrl_c()?;
    let mut logger = Logger::stderr(args.json_log);
    let totals = run(chain.as_mut(), &config, &mut logger, &stop)?;
    eprintln!(
        "keeper: {} round(s), {} transaction(s) sent, {} accepted{}",
        totals.rounds,
        totals.sent,
        totals.accepted,
        if stop.raised() { "; stopped" } else { "" }
    );
    if config.once && totals.last_round_had_failures {
        bail!("the round could not read or send everything (see the log)");
    }
    Ok(())
}

/// `--min-profit 1osmo` against a chain paying fees in `uosmo` would value every bounty in the
/// wrong unit and skip everything forever: refused at start instead.
pub fn check_amounts_denom(config: &KeeperConfig, fee_denom: &str) -> Result<()> {
    if let Some(denom) = config.policy.amounts_denom.as_deref() {
        if denom != fee_denom {
            bail!(
                "--min-profit / --max-duty-fee are in {denom}, but this chain pays fees in \
                 {fee_denom}: give them in {fee_denom} base units (e.g. 1000{fee_denom}) or \
                 without a denom"
            );
        }
    }
    Ok(())
}
