//! Instantiate messages for the contract artifacts, shared by the VM smoke tests and
//! benchmarks. They are JSON (not the crates' Rust types) because the VM sees only bytes, and
//! because a JSON literal catches a message-format change that the Rust types would hide.

use serde_json::{Value, json};

/// Artifact names (crate names with underscores) of every SPICE contract.
pub const CONTRACTS: [&str; 6] = [
    "spice_token",
    "staking_vault",
    "buyback_burn",
    "provider_incentives",
    "order_book",
    "rollover_escrow",
];

/// AKT on Osmosis (channel-1 from Akash).
pub const AKT_DENOM: &str = "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4";

/// The instantiate message of `contract` with `owner` as its owner. Other addresses the
/// config needs (fee collector, escrow, token) are `owner` too: valid addresses are all the
/// instantiate checks, and the smoke test needs no second account.
/// The order book fixture's offer deposit (5 AKT).
pub const OFFER_DEPOSIT: u128 = 5_000_000;

pub fn instantiate_msg(contract: &str, owner: &str) -> Value {
    match contract {
        "spice_token" => json!({
            "name": "Spice",
            "symbol": "SPICE",
            "decimals": 6,
            "initial_balances": [{ "address": owner, "amount": "1000000000" }],
            "mint": { "minter": owner, "cap": "1000000000000" },
            "owner": owner,
        }),
        "staking_vault" => json!({
            "owner": owner,
            "akt_denom": AKT_DENOM,
            "revenue_recipient": owner,
            "twap_window_seconds": 1800,
            "max_slippage": "0.02",
            "max_spot_deviation": "0.03",
            "keeper_bounty_bps": 20,
            "convert_cooldown_seconds": 3600,
            // The benchmark converts ~1 OSMO of proceeds at a time.
            "min_convert_amount": "100000",
        }),
        "buyback_burn" => json!({
            "owner": owner,
            "spice_token": owner,
            "spice_denom": format!("factory/{owner}/uspice"),
            "twap_window_seconds": 1800,
            "max_slippage": "0.02",
            "max_spot_deviation": "0.03",
            "keeper_bounty_bps": 20,
            "cooldown_seconds": 3600,
            "per_call_cap": "1000000000",
            "epoch_cap": "10000000000",
            "epoch_seconds": 86400,
            // As spice-suite deploys it: the benchmark's ~1 AKT of revenue is one buyback.
            "min_swap": "500000",
        }),
        "provider_incentives" => json!({
            "owner": owner,
            "reward_denoms": ["uosmo"],
            "epoch_seconds": 604800,
            "report_window_seconds": 86400,
            "dispute_window_seconds": 172800,
            "oracles": [owner],
            "oracle_quorum": 1,
            "auditors": [owner],
            // Escrow settlements earn weight only in a priced denom.
            "value_weights": [{ "denom": AKT_DENOM, "weight": "1" }],
        }),
        "order_book" => json!({
            "owner": owner,
            "escrow": owner,
            "accepted_denoms": [AKT_DENOM],
            "min_runway_blocks": 14400,
            "max_open_orders_per_tenant": 20,
            // No registry here, so offers must carry a deposit.
            "offer_deposit": { "denom": AKT_DENOM, "amount": OFFER_DEPOSIT.to_string() },
        }),
        "rollover_escrow" => json!({
            "owner": owner,
            "accepted_denoms": [AKT_DENOM, "uusdc"],
            "take_fee_bps": 100,
            "fee_collector": owner,
            "grace_period_blocks": 600,
            "heartbeat_timeout_blocks": 100,
            "keeper_bounty_bps": 10,
        }),
        other => panic!("no instantiate fixture for contract {other:?}"),
    }
}
