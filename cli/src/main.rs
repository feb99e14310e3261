//! `spice`: the SPICE suite from the command line.
//!
//! `spice demo [--json]` runs the suite on an embedded chain (cw-multi-test with the Osmosis
//! emulation from `spice-testing`): no node, no network. `spice keeper run` keeps the suite's
//! permissionless upkeep going for bounties; `spice store-code-proposal` writes the governance
//! proposals that upload the contracts to Osmosis mainnet.

#[allow(dead_code)] // shared with `spice status`: not every part is the keeper's
mod chain;
mod demo;
mod embedded;
mod keeper;
#[path = "network_stub.rs"]
mod network;
mod proposal;

use clap::{Parser, Subcommand};

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
    /// Run the keeper: convert, stake, harvest, buy back, match and expire orders, top up and
    /// roll over leases, finalize incentive epochs, whenever a bounty pays for it.
    Keeper {
        #[command(subcommand)]
        command: KeeperCommand,
    },
    /// Write gov v1 proposals (MsgStoreCode) that upload contracts to Osmosis, where code upload
    /// is permissioned.
    StoreCodeProposal(proposal::ProposalArgs),
}

#[derive(Subcommand)]
enum KeeperCommand {
    /// Keep the suite: rounds every --interval-seconds until Ctrl-C, or one with --once.
    Run(keeper::cli::RunArgs),
}

fn main() -> anyhow::Result<()> {
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
    }
    Ok(())
}
