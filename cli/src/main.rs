//! `spice`: the SPICE suite from the command line.
//!
//! `spice demo [--json]` runs the suite on an embedded chain (cw-multi-test with the Osmosis
//! emulation from `spice-testing`): no node, no network. `spice deploy` puts the suite on a
//! node and `spice status` shows it there or on the embedded chain; `spice keeper run` keeps
//! the suite's permissionless upkeep going for bounties; `spice store-code-proposal` writes the
//! governance proposals that upload the contracts to Osmosis mainnet; `spice alerts` tells
//! people by email or webhook when a lease runs low, fails, rolls over or closes.

mod alerts;
#[allow(dead_code)] // shared with `spice status`: not every part is the keeper's
mod chain;
mod demo;
mod embedded;
mod keeper;
mod network;
mod proposal;
mod status;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use spice_cli::deploy::{self, ChainOverrides, DeployFile, DeployState};

use crate::chain::{SuiteAddresses, SuiteChain};
use crate::network::{DaemonChain, Network};

#[derive(Parser)]
#[command(
    name = "spice",
    version,
    about = "The SPICE contract suite for Osmosis and Akash"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Deploy the whole suite on an embedded Osmosis chain and walk through its flows.
    Demo {
        /// Print the final report as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Store the six artifacts and instantiate the suite on a node; a re-run finishes what a
    /// previous run left and skips what is done.
    Deploy {
        #[arg(long, value_enum)]
        network: Network,
        /// Roles, denoms and parameters per network (see deploy.example.toml).
        #[arg(long, default_value = "deploy.toml")]
        config: PathBuf,
        /// Where code ids and addresses are recorded [default: spice-state-<network>.json].
        #[arg(long)]
        state: Option<PathBuf>,
        /// Environment variable holding the deployer's mnemonic [default: LOCAL_MNEMONIC,
        /// TEST_MNEMONIC or MAIN_MNEMONIC, by network].
        #[arg(long)]
        mnemonic_env: Option<String>,
        /// Code ids already stored (by governance on osmosis-1, where upload is
        /// permissioned), as `spice_token=12,buyback_burn=13,…`; each must hold exactly the
        /// artifact's code. Contracts left out are uploaded (refused on osmosis-1).
        #[arg(long, value_parser = deploy::parse_code_ids)]
        code_ids: Option<std::collections::BTreeMap<String, u64>>,
        /// Confirm a mainnet (osmosis-1) deployment; refused there without it.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// The suite's contracts, owners, pause flags and key numbers in one table.
    Status {
        #[arg(long, value_enum)]
        network: StatusNetwork,
        /// Read for `[<network>.chain]` node overrides, if the file exists.
        #[arg(long, default_value = "deploy.toml")]
        config: PathBuf,
        /// The deploy state file [default: spice-state-<network>.json].
        #[arg(long)]
        state: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Run the keeper: convert, stake, harvest, buy back, match and expire orders, top up and
    /// roll over leases, finalize incentive epochs, whenever a bounty pays for it.
    Keeper {
        #[command(subcommand)]
        command: KeeperCommand,
    },
    /// Escrow alerts by email, webhook or JSON log: rules, a watcher, history.
    Alerts(alerts::cli::AlertsArgs),
    /// Write gov v1 proposals (MsgStoreCode) that upload contracts to Osmosis, where code upload
    /// is permissioned.
    StoreCodeProposal(proposal::ProposalArgs),
}

#[derive(Subcommand)]
enum KeeperCommand {
    /// Keep the suite: rounds every --interval-seconds until Ctrl-C, or one with --once.
    Run(keeper::cli::RunArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StatusNetwork {
    Local,
    #[value(name = "osmo-test-5")]
    OsmoTest5,
    #[value(name = "osmosis-1")]
    Osmosis1,
    /// A fresh embedded chain with the suite deployed by spice-suite.
    Embedded,
}

fn main() -> Result<()> {
    // cw-orch prints a banner about enabling logs to stdout, which would break --json; this
    // runs before any thread exists.
    if std::env::var_os("CW_ORCH_LOGS_ACTIVATION_MESSAGE").is_none() {
        std::env::set_var("CW_ORCH_LOGS_ACTIVATION_MESSAGE", "false");
    }
    match Cli::parse().command {
        Command::Demo { json } => {
            let report = demo::run(&mut demo::Progress::new(!json))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                demo::print_report(&report);
            }
        }
        Command::Keeper {
            command: KeeperCommand::Run(args),
        } => keeper::cli::run_command(&args)?,
        Command::StoreCodeProposal(args) => proposal::run(&args)?,
        Command::Alerts(args) => alerts::cli::run_command(&args)?,
        Command::Deploy {
            network,
            config,
            state,
            mnemonic_env,
            code_ids,
            yes,
            json,
        } => {
            let options = deploy::DeployOptions {
                code_ids: code_ids.unwrap_or_default(),
                mainnet: deploy::is_mainnet(network.name()),
                yes,
            };
            run_deploy(network, &config, state, mnemonic_env, &options, json)?
        }
        Command::Status {
            network,
            config,
            state,
            json,
        } => {
            let report = match network {
                StatusNetwork::Embedded => status_embedded()?,
                StatusNetwork::Local => status_node(Network::Local, &config, state)?,
                StatusNetwork::OsmoTest5 => status_node(Network::OsmoTest5, &config, state)?,
                StatusNetwork::Osmosis1 => status_node(Network::Osmosis1, &config, state)?,
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                status::print_table(&report);
            }
        }
    }
    Ok(())
}

fn run_deploy(
    network: Network,
    config: &Path,
    state: Option<PathBuf>,
    mnemonic_env: Option<String>,
    options: &deploy::DeployOptions,
    json: bool,
) -> Result<()> {
    let file = DeployFile::load(config)?;
    let net = file.network(network.name())?;
    // Mainnet's rules before anything else: no key, no node, nothing sent.
    deploy::check_policy(net, options)?;
    // cw-orch panics on a missing artifact; say what to do instead.
    let missing: Vec<String> = deploy::artifacts()
        .into_iter()
        .filter(|(_, path)| !path.is_file())
        .map(|(_, path)| path.display().to_string())
        .collect();
    if !missing.is_empty() {
        bail!(
            "missing artifacts (build them with scripts/build-wasm.sh, or point ARTIFACTS_DIR at \
             them): {}",
            missing.join(", ")
        );
    }
    // Absolute, so the path printed (and a resumed run) does not depend on the directory.
    let state_path =
        std::path::absolute(state.unwrap_or_else(|| deploy::default_state_path(network.name())))?;
    let env = mnemonic_env.unwrap_or_else(|| network.default_mnemonic_env().to_string());
    let daemon = network::connect(network, &net.chain, &env)?;
    if !json {
        println!(
            "deploying the SPICE suite on {} ({}) from {}; state in {}",
            network.name(),
            daemon.chain_info().chain_id,
            daemon.daemon.sender_addr(),
            state_path.display()
        );
    }
    // Fault injection for the real-node crash test (scripts/e2e.sh): the process dies right
    // after step N's transaction, before the state file records it, as a `kill -9` would.
    let abort_after = std::env::var("SPICE_DEPLOY_ABORT_AFTER_STEP")
        .ok()
        .map(|n| n.parse::<usize>())
        .transpose()
        .context("SPICE_DEPLOY_ABORT_AFTER_STEP must be a step number")?;
    let mut steps_done = 0;
    let report = deploy::deploy_with(
        daemon,
        network.name(),
        net,
        &state_path,
        options,
        &mut |step| {
            if !json {
                println!("  {step}");
            }
            if abort_after == Some(steps_done) {
                eprintln!("SPICE_DEPLOY_ABORT_AFTER_STEP={steps_done}: dying before recording it");
                std::process::abort();
            }
            steps_done += 1;
        },
    )?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&deploy::report_json(&report))?
        );
    } else {
        println!("wiring:");
        for check in &report.wiring {
            println!("  {:<34} {}", check.what, check.actual);
        }
        println!(
            "{}",
            if report.nothing_done() {
                "nothing to do: the suite was already deployed"
            } else {
                "deployed"
            }
        );
    }
    Ok(())
}

fn status_embedded() -> Result<status::StatusReport> {
    let chain =
        embedded::EmbeddedChain::deploy(cosmwasm_std::coin(embedded::DEFAULT_FEE_UOSMO, "uosmo"))?;
    let addresses = chain.addresses()?;
    let suite = chain.suite();
    let known = status::Known::suite(&addresses, |name| {
        suite
            .all()
            .into_iter()
            .find(|d| d.name.replace('-', "_") == name)
            .map(|d| d.code_id)
    });
    status::collect(&chain, "embedded", &known)
}

fn status_node(
    network: Network,
    config: &Path,
    state: Option<PathBuf>,
) -> Result<status::StatusReport> {
    let overrides = ChainOverrides::from_config_file(config, network.name())?;
    let state_path = state.unwrap_or_else(|| deploy::default_state_path(network.name()));
    if !state_path.is_file() {
        bail!(
            "no state file at {}: deploy first, or pass --state",
            state_path.display()
        );
    }
    let state = DeployState::load_or_default(&state_path)?;
    let addresses = addresses(&state)?;
    let known = status::Known::suite(&addresses, |name| state.contract(name).code_id);
    use cw_orch::prelude::QueryHandler as _;
    let daemon = network::connect_query_only(network, &overrides)?;
    // A suite recorded on one chain read from a node of another shows whatever sits at those
    // addresses there (or nothing): refused, as the keeper refuses it.
    let node_chain_id = daemon
        .block_info()
        .with_context(|| format!("reading {}'s latest block", network.name()))?
        .chain_id;
    network::check_chain_id(&state.chain_id, &node_chain_id, &state_path)?;
    let chain = DaemonChain {
        daemon,
        addresses: Some(addresses.clone()),
    };
    status::collect(&chain, network.name(), &known)
}

/// The suite's addresses from a finished state file.
fn addresses(state: &DeployState) -> Result<SuiteAddresses> {
    let get = |key: &str| {
        state.address(key).map(str::to_string).ok_or_else(|| {
            anyhow::anyhow!("the state file has no address for {key}: finish it with spice deploy")
        })
    };
    Ok(SuiteAddresses {
        spice_token: get("spice_token")?,
        staking_vault: get("staking_vault")?,
        buyback_burn: get("buyback_burn")?,
        provider_incentives: get("provider_incentives")?,
        order_book: get("order_book")?,
        rollover_escrow: get("rollover_escrow")?,
    })
}
