//! `spice alerts …`: flags and wiring.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use spice_cli::deploy::{default_state_path, ChainOverrides, DeployState};

use super::channels::{Channels, SmtpConfig, WebhookConfig};
use super::store::{self, Firing, RetryPolicy, Store};
use super::watch::{Fault, RoundReport, WatchConfig, Watcher};
use super::{Channel, Condition, Lifecycle, Target};
use crate::chain::SuiteChain;
use crate::keeper::retry::StopFlag;
use crate::network::{DaemonChain, Network};

#[derive(clap::Args, Debug)]
pub struct AlertsArgs {
    /// The alerts database [default: <data dir>/spice/alerts.sqlite, else ./spice-alerts.sqlite].
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: AlertsCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum AlertsCommand {
    /// Add an alert rule.
    Add(AddArgs),
    /// Every alert, one line each.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One alert: its rule, where it stands per lease, its latest events.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Stop an alert from firing (its history stays).
    Disable { id: i64 },
    /// Let a disabled alert fire again (from a fresh look).
    Enable { id: i64 },
    /// Delete an alert (its history stays).
    Delete { id: i64 },
    /// Past events, newest first, with each delivery's state.
    History {
        /// Only this alert's events.
        id: Option<i64>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Watch the chain and deliver notifications until Ctrl-C, or one round with --once.
    Run(RunArgs),
    /// Send a test notification through an alert's channels (recorded in its history).
    Test {
        id: i64,
        #[command(flatten)]
        delivery: DeliveryArgs,
    },
}

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// The notification's subject starts with it.
    #[arg(long)]
    pub name: String,
    /// Text put in the notification's body.
    #[arg(long, default_value = "")]
    pub notes: String,
    /// Watch this lease.
    #[arg(long, conflicts_with_all = ["owner", "provider"])]
    pub lease: Option<u64>,
    /// Watch every lease whose tenant is this address.
    #[arg(long, conflicts_with = "provider")]
    pub owner: Option<String>,
    /// Watch this provider's incentive rewards (with `--when rewards-claimable`).
    #[arg(long)]
    pub provider: Option<String>,
    /// `runway-blocks<N`, `runway-seconds<N`, `balance<N` (also `=` and `>`), or
    /// `failure-reported`, `rolled-over`, `closed`, `top-up-failed`, `rewards-claimable`.
    #[arg(long)]
    pub when: String,
    /// `email:ADDRESS`, `webhook:URL` or `log`; repeatable.
    #[arg(long = "channel", required = true)]
    pub channels: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct DeliveryArgs {
    /// SMTP server host [env SPICE_SMTP_HOST, default 127.0.0.1].
    #[arg(long)]
    pub smtp_host: Option<String>,
    /// SMTP port [env SPICE_SMTP_PORT; default 25, 587 with starttls, 465 with tls].
    #[arg(long)]
    pub smtp_port: Option<u16>,
    /// none, starttls or tls [env SPICE_SMTP_TLS, default none]. Credentials only from
    /// SPICE_SMTP_USER and SPICE_SMTP_PASSWORD.
    #[arg(long)]
    pub smtp_tls: Option<String>,
    /// Sender address [env SPICE_SMTP_FROM, default spice-alerts@localhost].
    #[arg(long)]
    pub smtp_from: Option<String>,
    /// Attempts per delivery before it is marked failed.
    #[arg(long, default_value_t = 8)]
    pub max_attempts: u32,
    /// Wait before the second attempt, doubled after each (at most 5 minutes).
    #[arg(long, default_value_t = 2_000)]
    pub retry_base_ms: u64,
}

impl DeliveryArgs {
    fn channels(&self) -> Result<Channels> {
        Channels::new(
            SmtpConfig::from_env(
                self.smtp_host.as_deref(),
                self.smtp_port,
                self.smtp_tls.as_deref(),
                self.smtp_from.as_deref(),
            )?,
            WebhookConfig::from_env(),
        )
    }

    fn retry(&self) -> Result<RetryPolicy> {
        if self.max_attempts == 0 {
            bail!("--max-attempts must be at least 1");
        }
        Ok(RetryPolicy {
            max_attempts: self.max_attempts,
            base: Duration::from_millis(self.retry_base_ms),
            cap: Duration::from_secs(300),
        })
    }
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[arg(long, value_parser = ["embedded", "local", "osmo-test-5", "osmosis-1"])]
    pub network: String,
    /// The deployment state file with the suite's addresses [default: spice-state-<network>.json].
    #[arg(long)]
    pub state_file: Option<PathBuf>,
    /// Read for `[<network>.chain]` node overrides (grpc_url, chain_id), if the file exists.
    #[arg(long, default_value = "deploy.toml")]
    pub config: PathBuf,
    /// The node's gRPC endpoint, over the network's default and deploy.toml.
    #[arg(long)]
    pub grpc_url: Option<String>,
    /// One round (read, record, deliver), then exit.
    #[arg(long)]
    pub once: bool,
    #[arg(long, default_value_t = 6)]
    pub interval_seconds: u64,
    /// Seconds per block, for runway-seconds conditions.
    #[arg(long, default_value_t = 6.0)]
    pub block_seconds: f64,
    /// One JSON object per round on stderr.
    #[arg(long)]
    pub json_log: bool,
    /// Test hook: stop as a crash would at this point (after-outbox-write).
    #[arg(long, hide = true)]
    pub fault: Option<String>,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

pub fn run_command(args: &AlertsArgs) -> Result<()> {
    let path = args.db.clone().unwrap_or_else(store::default_path);
    let mut store = Store::open(&path)?;
    match &args.command {
        AlertsCommand::Add(a) => {
            let target = match (a.lease, &a.owner, &a.provider) {
                (Some(id), None, None) => Target::Lease(id),
                (None, Some(o), None) => Target::Owner(o.clone()),
                (None, None, Some(p)) => Target::Provider(p.clone()),
                _ => bail!("name what to watch: --lease ID, --owner ADDRESS or --provider ADDRESS"),
            };
            if let Target::Owner(addr) | Target::Provider(addr) = &target {
                bech32::decode(addr)
                    .map_err(|e| anyhow::anyhow!("{addr:?} is not a bech32 address: {e}"))?;
            }
            let condition: Condition = a.when.parse()?;
            let provider_rule = condition == Condition::Lifecycle(Lifecycle::RewardsClaimable);
            if provider_rule != matches!(target, Target::Provider(_)) {
                bail!("--when rewards-claimable goes with --provider, and --provider only with it");
            }
            let channels = a
                .channels
                .iter()
                .map(|c| c.parse())
                .collect::<Result<Vec<Channel>>>()?;
            let id = store.add_rule(&a.name, &a.notes, &target, &condition, &channels)?;
            println!(
                "alert {id} added: \"{}\" when {condition} on {target}",
                a.name
            );
        }
        AlertsCommand::List { json } => {
            let rules = store.rules(false)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&rules)?);
            } else if rules.is_empty() {
                println!("no alerts (add one with spice alerts add)");
            } else {
                println!(
                    "{:>4}  {:<8}  {:<24}  {:<28}  {:<30}  channels",
                    "id", "state", "name", "when", "on"
                );
                for r in rules {
                    let channels: Vec<String> = r.channels.iter().map(|c| c.to_string()).collect();
                    println!(
                        "{:>4}  {:<8}  {:<24}  {:<28}  {:<30}  {}",
                        r.id,
                        if r.enabled { "enabled" } else { "disabled" },
                        r.name,
                        r.condition.to_string(),
                        r.target.to_string(),
                        channels.join(", ")
                    );
                }
            }
        }
        AlertsCommand::Show { id, json } => {
            let rule = store.rule(*id)?;
            let events = store.history(Some(*id), 10)?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "alert": rule, "events": events })
                    )?
                );
            } else {
                println!("alert {}: {}", rule.id, rule.name);
                println!(
                    "  state     {}",
                    if rule.enabled { "enabled" } else { "disabled" }
                );
                println!("  when      {}", rule.condition);
                println!("  on        {}", rule.target);
                let channels: Vec<String> = rule.channels.iter().map(|c| c.to_string()).collect();
                println!("  channels  {}", channels.join(", "));
                if !rule.notes.is_empty() {
                    println!("  notes     {}", rule.notes);
                }
                println!("  latest events:");
                print_events(&store, &events)?;
            }
        }
        AlertsCommand::Disable { id } => {
            store.set_enabled(*id, false)?;
            println!("alert {id} disabled");
        }
        AlertsCommand::Enable { id } => {
            store.set_enabled(*id, true)?;
            println!("alert {id} enabled");
        }
        AlertsCommand::Delete { id } => {
            store.delete_rule(*id)?;
            println!("alert {id} deleted (its history stays)");
        }
        AlertsCommand::History { id, limit, json } => {
            if let Some(id) = id {
                // An unknown id is an error, not an empty history, unless it has events
                // (a deleted alert's history stays).
                if store.history(Some(*id), 1)?.is_empty() {
                    store.rule(*id)?;
                }
            }
            let events = store.history(*id, *limit)?;
            if *json {
                let mut out = vec![];
                for e in &events {
                    out.push(serde_json::json!({
                        "event": e,
                        "deliveries": store.deliveries_of(e.id)?,
                    }));
                }
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else if events.is_empty() {
                println!("no events yet");
            } else {
                print_events(&store, &events)?;
            }
        }
        AlertsCommand::Test { id, delivery } => {
            let rule = store.rule(*id)?;
            let firing = Firing {
                rule_id: rule.id,
                rule_name: rule.name.clone(),
                subject: "test".into(),
                height: 0,
                subject_line: format!("[spice alert] {}: test notification", rule.name),
                body: format!(
                    "{}{}This is a test of alert #{} ({} on {}).\n",
                    rule.notes,
                    if rule.notes.is_empty() { "" } else { "\n\n" },
                    rule.id,
                    rule.condition,
                    rule.target
                ),
                payload: serde_json::json!({ "test": true, "notes": rule.notes }),
                channels: rule.channels.clone(),
            };
            // The channels first: a bad setting must not leave a test in the outbox.
            let mut sender = delivery.channels()?;
            let event_id = store.record_test(&firing)?;
            let mut watcher = Watcher {
                store: &mut store,
                addresses: Default::default(),
                config: WatchConfig {
                    retry: delivery.retry()?,
                    ..WatchConfig::default()
                },
            };
            let mut report = RoundReport::default();
            watcher.deliver(&mut sender, Some(event_id), &mut report)?;
            for d in store.deliveries_of(event_id)? {
                println!(
                    "{}: {:?}{}",
                    d.channel,
                    d.status,
                    d.last_error.map(|e| format!(" ({e})")).unwrap_or_default()
                );
            }
            if report.delivered == 0 {
                bail!("no channel accepted the test notification (see above)");
            }
        }
        AlertsCommand::Run(run) => watch(&mut store, run)?,
    }
    Ok(())
}

fn print_events(store: &Store, events: &[store::Event]) -> Result<()> {
    for e in events {
        println!(
            "  #{:<5} alert {:<4} {:<20} height {:<8} {}",
            e.id, e.rule_id, e.rule_name, e.height, e.subject_line
        );
        for d in store.deliveries_of(e.id)? {
            println!(
                "         -> {:<40} {:?} after {} attempt(s){}",
                d.channel,
                d.status,
                d.attempts,
                d.last_error
                    .filter(|_| d.status != store::OutboxStatus::Delivered)
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(())
}

fn connect(run: &RunArgs) -> Result<Box<dyn SuiteChain>> {
    if run.network == "embedded" {
        let mut chain = crate::embedded::EmbeddedChain::deploy(cosmwasm_std::coin(
            crate::embedded::DEFAULT_FEE_UOSMO,
            "uosmo",
        ))?;
        let w = crate::embedded::seed_keeper_work(&mut chain).context("seeding leases")?;
        eprintln!(
            "alerts: embedded chain, suite deployed; leases {} (low runway, auto top-up), {} \
             (failed provider), {} (low runway, no top-up)",
            w.lease_to_top_up, w.lease_failed, w.lease_without_top_up
        );
        return Ok(Box::new(chain));
    }
    let network = match run.network.as_str() {
        "local" => Network::Local,
        "osmo-test-5" => Network::OsmoTest5,
        _ => Network::Osmosis1,
    };
    let mut overrides = ChainOverrides::from_config_file(&run.config, network.name())?;
    if let Some(url) = &run.grpc_url {
        overrides.grpc_url = Some(url.clone());
    }
    let state_path = run
        .state_file
        .clone()
        .unwrap_or_else(|| default_state_path(network.name()));
    if !Path::new(&state_path).is_file() {
        bail!(
            "no state file at {}: deploy first, or pass --state-file",
            state_path.display()
        );
    }
    let state = DeployState::load_or_default(&state_path)?;
    let addresses = crate::addresses(&state)?;
    // cw-orch's default state file is the same temp path in every process, locked while a
    // daemon lives: a watcher beside a keeper would panic on it. The watcher only queries, so
    // its state is read-only and never locked.
    let info = network.chain_info(&overrides);
    let state = cw_orch::daemon::DaemonState::new(
        std::env::temp_dir()
            .join("spice-alerts-cw-orch.json")
            .display()
            .to_string(),
        &std::sync::Arc::new(info.clone()),
        "default".into(),
        true,
        false,
    )?;
    let daemon = cw_orch::daemon::DaemonBuilder::new(info)
        .state(state)
        .build_sender(())
        .with_context(|| format!("connecting to {}", network.name()))?;
    Ok(Box::new(DaemonChain {
        daemon,
        addresses: Some(addresses),
    }))
}

fn watch(store: &mut Store, run: &RunArgs) -> Result<()> {
    if run.block_seconds.is_nan() || run.block_seconds <= 0.0 {
        bail!("--block-seconds must be positive");
    }
    let fault = run.fault.as_deref().map(str::parse::<Fault>).transpose()?;
    let chain = connect(run)?;
    let addresses = chain.addresses()?;
    let mut sender = run.delivery.channels()?;
    let stop = StopFlag::new();
    stop.on_ctrl_c()?;
    // Renewed before every round and every send; a crashed watcher's successor waits at most
    // this long.
    let owner = format!("pid {} since {}", std::process::id(), store::now_ms());
    let ttl = Duration::from_secs(run.interval_seconds.saturating_mul(3).max(60));
    let mut watcher = Watcher {
        store,
        addresses,
        config: WatchConfig {
            block_seconds: run.block_seconds,
            retry: run.delivery.retry()?,
            deliveries_per_round: 100,
            fault,
            lease: Some((owner.clone(), ttl)),
        },
    };
    eprintln!(
        "alerts: watching {} enabled alert(s) on {}",
        watcher.store.rules(true)?.len(),
        run.network
    );
    let mut errors = 0;
    let result = loop {
        match watcher.round(chain.as_ref(), &mut sender) {
            Ok(r) => {
                for e in &r.errors {
                    eprintln!("alerts: {e}");
                }
                errors += r.errors.len();
                if run.json_log {
                    eprintln!(
                        "{}",
                        serde_json::json!({
                            "height": r.height, "looks": r.looks, "fired": r.fired,
                            "delivered": r.delivered, "retrying": r.retrying, "failed": r.failed,
                            "queries": r.queries, "errors": r.errors,
                        })
                    );
                } else if r.fired + r.delivered + r.retrying + r.failed > 0 {
                    eprintln!(
                        "alerts: height {}: {} fired, {} delivered, {} to retry, {} failed ({} \
                         queries)",
                        r.height, r.fired, r.delivered, r.retrying, r.failed, r.queries
                    );
                }
            }
            // The fault hook stands for a crash of the outbox's writer; the lease is released
            // (its expiry after a real crash is tested on its own) so the restart runs at once.
            Err(e) if fault.is_some() => {
                watcher.store.release_watcher(&owner)?;
                return Err(e);
            }
            Err(e) if e.to_string().starts_with("another watcher") => break Err(e),
            Err(e) => {
                errors += 1;
                eprintln!("alerts: round failed: {e:#}");
            }
        }
        if run.once || stop.raised() || !stop.sleep(Duration::from_secs(run.interval_seconds)) {
            break Ok(());
        }
    };
    watcher.store.release_watcher(&owner)?;
    result?;
    if run.once && errors > 0 {
        bail!("{errors} alert(s) could not be evaluated (see above)");
    }
    Ok(())
}
