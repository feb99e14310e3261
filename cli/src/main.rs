//! `spice`: the SPICE suite from the command line.
//!
//! `spice demo [--json]` runs the suite on an embedded chain (cw-multi-test with the Osmosis
//! emulation from `spice-testing`): no node, no network. Each feature issue extends the story.

#[allow(dead_code)] // implemented and used by the keeper and status commands
mod chain;
mod demo;

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
    }
    Ok(())
}
