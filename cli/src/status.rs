//! `spice status`: the deployed suite in one table. Only [`SuiteChain`] queries, so the same
//! code reads the embedded chain and a node.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{json, Value};

use crate::chain::{SuiteAddresses, SuiteChain};
use spice_cli::display;

/// One contract of the suite as the state file (or the embedded deploy) knows it.
pub struct Known {
    pub name: &'static str,
    pub address: String,
    pub code_id: Option<u64>,
}

impl Known {
    /// The six contracts in instantiation order, with code ids where known.
    pub fn suite(addresses: &SuiteAddresses, code_id: impl Fn(&str) -> Option<u64>) -> Vec<Known> {
        [
            ("spice_token", &addresses.spice_token),
            ("buyback_burn", &addresses.buyback_burn),
            ("staking_vault", &addresses.staking_vault),
            ("rollover_escrow", &addresses.rollover_escrow),
            ("order_book", &addresses.order_book),
            ("provider_incentives", &addresses.provider_incentives),
        ]
        .into_iter()
        .map(|(name, address)| Known {
            name,
            address: address.clone(),
            code_id: code_id(name),
        })
        .collect()
    }
}

#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub network: String,
    pub height: u64,
    /// Seconds since the Unix epoch of the latest block.
    pub time: u64,
    pub contracts: Vec<ContractStatus>,
}

#[derive(Debug, Serialize)]
pub struct ContractStatus {
    pub name: &'static str,
    pub address: String,
    pub code_id: Option<u64>,
    pub owner: Option<String>,
    pub pending_owner: Option<String>,
    pub paused: bool,
    pub guardian: Option<String>,
    /// The numbers that say how the contract is doing, by name.
    pub numbers: BTreeMap<&'static str, Value>,
}

pub fn collect(chain: &dyn SuiteChain, network: &str, known: &[Known]) -> Result<StatusReport> {
    let height = chain.block_height()?;
    let time = chain.block_time()?;
    let mut contracts = Vec::with_capacity(known.len());
    for k in known {
        let q = |msg: Value| {
            chain
                .query(&k.address, &msg)
                .with_context(|| format!("{} at {}: query {msg}", k.name, k.address))
        };
        let ownership = q(json!({ "ownership": {} }))?;
        let pause = q(json!({ "pause_info": {} }))?;
        let numbers = numbers_of(k.name, &q, time)?;
        contracts.push(ContractStatus {
            name: k.name,
            address: k.address.clone(),
            code_id: k.code_id,
            owner: ownership["owner"].as_str().map(str::to_string),
            pending_owner: ownership["pending_owner"].as_str().map(str::to_string),
            paused: pause["paused"].as_bool().unwrap_or(false),
            guardian: pause["guardian"].as_str().map(str::to_string),
            numbers,
        });
    }
    Ok(StatusReport {
        network: network.to_string(),
        height,
        time,
        contracts,
    })
}

/// Each contract's key numbers, from its `status`, `config` or supply queries.
fn numbers_of(
    name: &str,
    q: &dyn Fn(Value) -> Result<Value>,
    now: u64,
) -> Result<BTreeMap<&'static str, Value>> {
    let mut n = BTreeMap::new();
    match name {
        "spice_token" => {
            let supply = q(json!({ "supply": {} }))?;
            let config = q(json!({ "config": {} }))?;
            for k in ["cap", "minted", "burned", "cw20_supply", "native_supply"] {
                n.insert(k, supply[k].clone());
            }
            n.insert("native_denom", config["native"]["denom"].clone());
        }
        "buyback_burn" => {
            let status = q(json!({ "status": {} }))?;
            for k in ["buybacks", "spice_bought", "spice_burned"] {
                n.insert(k, status[k].clone());
            }
            n.insert(
                "spice_denom",
                q(json!({ "config": {} }))?["spice_denom"].clone(),
            );
        }
        "staking_vault" => {
            let status = q(json!({ "status": {} }))?;
            let books = &status["books"];
            for k in ["pending", "staked", "unbonding", "revenue_harvested"] {
                n.insert(k, books[k].clone());
            }
            n.insert("in_flight", status["in_flight"].clone());
            n.insert("strategy", status["strategy"].clone());
            n.insert("halted", Value::Bool(!status["halt"].is_null()));
        }
        "rollover_escrow" => {
            let config = q(json!({ "config": {} }))?;
            n.insert("take_fee_bps", config["take_fee_bps"].clone());
            n.insert("accepted_denoms", count(&config["accepted_denoms"]));
            n.insert("monitors", count(&config["monitors"]));
            n.insert("grace_period_blocks", config["grace_period_blocks"].clone());
        }
        "order_book" => {
            let config = q(json!({ "config": {} }))?;
            n.insert("min_runway_blocks", config["min_runway_blocks"].clone());
            n.insert("accepted_denoms", count(&config["accepted_denoms"]));
            n.insert(
                "max_open_orders_per_tenant",
                config["max_open_orders_per_tenant"].clone(),
            );
        }
        "provider_incentives" => {
            let config = q(json!({ "config": {} }))?;
            let epoch_seconds = config["epoch_seconds"].as_u64().unwrap_or(0);
            n.insert("epoch_seconds", config["epoch_seconds"].clone());
            n.insert("oracles", count(&config["oracles"]));
            n.insert("oracle_quorum", config["oracle_quorum"].clone());
            n.insert("auditors", count(&config["auditors"]));
            // Timestamps serialize as nanosecond strings.
            let genesis = config["genesis_time"]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
                .map(|nanos| nanos / 1_000_000_000);
            if let (Some(genesis), true) = (genesis, epoch_seconds > 0) {
                n.insert(
                    "current_epoch",
                    json!(now.saturating_sub(genesis) / epoch_seconds),
                );
            }
        }
        _ => {}
    }
    Ok(n)
}

fn count(v: &Value) -> Value {
    json!(v.as_array().map(Vec::len).unwrap_or(0))
}

fn short(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

/// A number of the table as people read it: amounts in tokens (the token's SPICE, the
/// vault's AKT), periods as durations, denoms shortened; the JSON keeps the raw value.
fn shown(contract: &str, key: &str, v: &Value, spice_denom: &str) -> String {
    let units = || v.as_str().and_then(|s| s.parse::<u128>().ok());
    match (contract, key) {
        ("spice_token", "cap" | "minted" | "burned" | "cw20_supply" | "native_supply")
        | ("buyback_burn", "spice_bought" | "spice_burned") => match units() {
            Some(n) => display::amount(n, spice_denom),
            None => short(v),
        },
        (
            "staking_vault",
            "pending" | "staked" | "unbonding" | "revenue_harvested" | "in_flight",
        ) => match units() {
            Some(n) => display::amount(n, "uakt"),
            None => short(v),
        },
        (_, "take_fee_bps") => match v.as_u64() {
            // 1 bp = 0.01%.
            Some(bps) => format!("{}%", display_bps(bps)),
            None => short(v),
        },
        (_, "epoch_seconds") => match v.as_u64() {
            Some(secs) => display::duration(secs),
            None => short(v),
        },
        (_, "native_denom" | "spice_denom") => match v.as_str() {
            Some(d) => display::short_denom(d),
            None => short(v),
        },
        _ => short(v),
    }
}

/// Basis points as a percentage: 100 → `1`, 150 → `1.5`, 5 → `0.05`.
fn display_bps(bps: u64) -> String {
    let (int, frac) = (bps / 100, bps % 100);
    match frac {
        0 => int.to_string(),
        f if f % 10 == 0 => format!("{int}.{}", f / 10),
        f => format!("{int}.{f:02}"),
    }
}

pub fn print_table(report: &StatusReport) {
    println!(
        "SPICE suite on {} at height {} (block time {})",
        report.network,
        report.height,
        display::date(report.time)
    );
    // The SPICE amounts are the token's base units; its native denom names the token.
    let spice_denom = report
        .contracts
        .iter()
        .find(|c| c.name == "spice_token")
        .and_then(|c| c.numbers.get("native_denom"))
        .and_then(Value::as_str)
        .unwrap_or("uspice")
        .to_string();
    let rows: Vec<[String; 6]> = report
        .contracts
        .iter()
        .map(|c| {
            let owner = match (&c.owner, &c.pending_owner) {
                (Some(o), Some(p)) => format!("{o} (pending {p})"),
                (Some(o), None) => o.clone(),
                (None, _) => "none".into(),
            };
            let numbers = c
                .numbers
                .iter()
                .map(|(k, v)| {
                    let label = match *k {
                        "epoch_seconds" => "epoch",
                        "take_fee_bps" => "take_fee",
                        other => other,
                    };
                    format!("{label}={}", shown(c.name, k, v, &spice_denom))
                })
                .collect::<Vec<_>>()
                .join(" ");
            [
                c.name.to_string(),
                c.code_id.map_or("-".into(), |id| id.to_string()),
                if c.paused { "yes" } else { "no" }.into(),
                c.address.clone(),
                owner,
                numbers,
            ]
        })
        .collect();
    let header = [
        "contract",
        "code",
        "paused",
        "address",
        "owner",
        "key numbers",
    ];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i == 5 {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        println!("{}", out.trim_end());
    };
    line(header);
    for row in &rows {
        line(row.each_ref().map(String::as_str));
    }
}
