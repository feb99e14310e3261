//! `spice status --network embedded`: spice-suite's deployment, read back through the same
//! `SuiteChain` queries `spice status` uses on a node.

use std::process::Command;

use serde_json::{json, Value};

fn spice(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spice"))
        .args(args)
        .output()
        .expect("spice runs")
}

fn status_json() -> Value {
    let output = spice(&["status", "--network", "embedded", "--json"]);
    assert!(
        output.status.success(),
        "spice status failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("--json prints one JSON document")
}

#[test]
fn embedded_status_lists_the_six_contracts_with_code_ids_owner_and_pause() {
    let report = status_json();
    assert_eq!(report["network"], "embedded");
    assert!(report["height"].as_u64().unwrap() > 0);
    let contracts = report["contracts"].as_array().unwrap();
    let rows: Vec<(&str, u64)> = contracts
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["code_id"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("spice_token", 1),
            ("buyback_burn", 2),
            ("staking_vault", 3),
            ("rollover_escrow", 4),
            ("order_book", 5),
            ("provider_incentives", 6),
        ]
    );
    let owner = &contracts[0]["owner"];
    let guardian = &contracts[0]["guardian"];
    assert!(owner.as_str().unwrap().starts_with("osmo1"));
    assert_ne!(owner, guardian);
    for c in contracts {
        assert_eq!(&c["owner"], owner, "{}", c["name"]);
        assert_eq!(&c["guardian"], guardian, "{}", c["name"]);
        assert_eq!(c["pending_owner"], Value::Null);
        assert_eq!(c["paused"], false);
        assert!(c["address"].as_str().unwrap().starts_with("osmo1"));
    }
}

#[test]
fn embedded_status_reports_each_contracts_key_numbers() {
    let report = status_json();
    let numbers = |i: usize| report["contracts"][i]["numbers"].clone();
    let token = numbers(0);
    // spice-suite: a 1 billion SPICE cap (6 decimals), 10% minted to the treasury.
    assert_eq!(token["cap"], "1000000000000000");
    assert_eq!(token["minted"], "100000000000000");
    assert_eq!(token["cw20_supply"], "100000000000000");
    assert_eq!(token["burned"], "0");
    assert_eq!(token["native_supply"], "0");
    let token_address = report["contracts"][0]["address"].as_str().unwrap();
    let spice_denom = format!("factory/{token_address}/uspice");
    assert_eq!(token["native_denom"], json!(spice_denom));
    assert_eq!(
        numbers(1),
        json!({ "buybacks": 0, "spice_bought": "0", "spice_burned": "0", "spice_denom": spice_denom })
    );
    let vault = numbers(2);
    assert_eq!(vault["staked"], "0");
    assert_eq!(vault["in_flight"], "0");
    assert_eq!(vault["halted"], false);
    assert_eq!(vault["strategy"], Value::Null);
    assert_eq!(
        numbers(3),
        json!({ "take_fee_bps": 100, "accepted_denoms": 2, "monitors": 1, "grace_period_blocks": 600 })
    );
    assert_eq!(
        numbers(4),
        json!({ "min_runway_blocks": 14400, "accepted_denoms": 2, "max_open_orders_per_tenant": 20 })
    );
    assert_eq!(
        numbers(5),
        json!({
            "epoch_seconds": 604800, "oracles": 3, "oracle_quorum": 2, "auditors": 1,
            "current_epoch": 0
        })
    );
}

#[test]
fn embedded_status_table_has_a_row_per_contract() {
    let output = spice(&["status", "--network", "embedded"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("SPICE suite on embedded at height "));
    assert!(lines[1].starts_with("contract"));
    assert_eq!(lines.len(), 8, "{text}");
    assert!(lines[2].starts_with("spice_token "));
    // Amounts in tokens, periods as durations, the block time as a date; no Rust Debug.
    assert!(lines[2].contains("minted=100,000,000 SPICE"), "{text}");
    assert!(lines[2].contains("cap=1,000,000,000 SPICE"), "{text}");
    assert!(lines[4].contains("staked=0 AKT"), "{text}");
    assert!(lines[4].contains("strategy=none"), "{text}");
    assert!(lines[5].contains("take_fee=1%"), "{text}");
    assert!(lines[7].starts_with("provider_incentives "));
    assert!(lines[7].contains("epoch=7 d"), "{text}");
    assert!(lines[0].ends_with(" UTC)"), "{text}");
    for debug in ["Some(", "None", "Addr(", "Coin {", "Uint128("] {
        assert!(!text.contains(debug), "{debug} in {text}");
    }
}

#[test]
fn status_on_a_node_without_a_state_file_says_to_deploy_first() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing.json");
    let output = spice(&[
        "status",
        "--network",
        "local",
        "--state",
        missing.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("no state file"), "{err}");
}
