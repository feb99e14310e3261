//! Runs the `spice` binary as a user would and checks what it reports.

use std::process::Command;

use serde_json::Value;

fn demo_json() -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_spice"))
        .args(["demo", "--json"])
        .output()
        .expect("spice runs");
    assert!(
        output.status.success(),
        "spice demo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("--json prints one JSON document")
}

#[test]
fn demo_deploys_all_six_contracts_owned_and_unpaused() {
    let report = demo_json();
    let contracts = report["contracts"].as_array().unwrap();
    let names: Vec<&str> = contracts
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "spice-token",
            "buyback-burn",
            "staking-vault",
            "rollover-escrow",
            "order-book",
            "provider-incentives"
        ]
    );
    let owner = contracts[0]["owner"].as_str().unwrap();
    for c in contracts {
        assert_eq!(c["owner"].as_str(), Some(owner), "{c}");
        assert_eq!(c["paused"], Value::Bool(false), "{c}");
    }
    assert_eq!(report["guardian_pause_checked"], Value::Bool(true));
}

#[test]
fn demo_reports_a_balanced_spice_ledger_and_exact_swap() {
    let report = demo_json();
    let supply = &report["spice_supply"];
    let n = |v: &Value| v.as_str().unwrap().parse::<u128>().unwrap();
    assert_eq!(n(&supply["cap"]), 1_000_000_000_000_000);
    assert_eq!(
        n(&supply["cw20_supply"]) + n(&supply["native_supply"]) + n(&supply["burned"]),
        n(&supply["minted"])
    );
    // 100 OSMO into a 50,000 OSMO / 10,000 AKT pool with a 0.2% fee:
    // 10,000e6 * 99.8e6 / (50,000e6 + 99.8e6) = 19,920,239.04 -> 19,920,239 (rounded down).
    let pool = &report["osmo_akt_pool"];
    assert!(pool["swap_out"]
        .as_str()
        .unwrap()
        .starts_with("19920239ibc/"));
    assert_eq!(pool["spot_price_before"], "5");
}

#[test]
fn text_mode_prints_progress_and_report() {
    let output = Command::new(env!("CARGO_BIN_EXE_spice"))
        .arg("demo")
        .output()
        .expect("spice runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("[2] Storing and instantiating the six contracts"));
    assert!(stdout.contains("rollover-escrow"));
    assert!(stdout.contains("Guardian pause / DAO-only unpause: checked"));
}
