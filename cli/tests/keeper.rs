//! `spice keeper run` as an operator runs it.

use std::process::Command;

use serde_json::Value;

fn spice(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spice"))
        .args(args)
        .output()
        .expect("spice runs")
}

#[test]
fn one_embedded_round_logs_a_json_line_per_decision_and_does_every_action() {
    let out = spice(&[
        "keeper",
        "run",
        "--network",
        "embedded",
        "--once",
        "--json-log",
        "--price",
        "akt=5",
        // Below osmosis-1's real price (10000uosmo, the default), so that every seeded bounty
        // covers it and every action runs once.
        "--embedded-fee",
        "1000uosmo",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(out.stdout.is_empty(), "the log goes to stderr");
    let decisions: Vec<Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    for action in [
        "harvest",
        "buyback",
        "convert",
        "stake",
        "match_orders",
        "expire_orders",
        "rollover",
        "top_up",
        "finalize_epoch",
    ] {
        let executed: Vec<&Value> = decisions
            .iter()
            .filter(|d| d["action"] == action && d["decision"] == "execute")
            .collect();
        assert_eq!(executed.len(), 1, "{action}: {stderr}");
        let d = executed[0];
        assert_eq!(d["tx"]["result"], "ok", "{d}");
        assert_eq!(d["tx"]["gas_used"], 0);
        assert_eq!(d["fee"], "1000uosmo");
        assert!(d["contract"].as_str().is_some_and(|c| !c.is_empty()));
        assert!(d["work"].as_str().is_some_and(|w| !w.is_empty()));
    }
    assert!(
        stderr.contains("9 transaction(s) sent, 9 accepted"),
        "{stderr}"
    );
}

#[test]
fn a_fee_above_every_bounty_sends_nothing_and_says_why() {
    let out = spice(&[
        "keeper",
        "run",
        "--network",
        "embedded",
        "--once",
        "--price",
        "akt=5",
        "--embedded-fee",
        "100000000uosmo",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("decision=execute"), "{stderr}");
    assert!(
        stderr.contains("does not cover the fee 100000000uosmo"),
        "{stderr}"
    );
    assert!(
        stderr.contains("above --max-duty-fee 50000uosmo"),
        "{stderr}"
    );
    assert!(stderr.contains("0 transaction(s) sent"), "{stderr}");
}

#[test]
fn real_networks_need_a_deployment_state_file() {
    let missing = std::env::temp_dir().join("spice-keeper-test-no-such-state.json");
    let out = spice(&[
        "keeper",
        "run",
        "--network",
        "osmosis-1",
        "--once",
        "--state-file",
        missing.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no state file at") && stderr.contains("deploy first"),
        "{stderr}"
    );
}

#[test]
fn bad_flags_are_refused_before_anything_runs() {
    let out = spice(&[
        "keeper",
        "run",
        "--network",
        "embedded",
        "--once",
        "--price",
        "akt",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("DENOM=PRICE"));
    let out = spice(&["keeper", "run", "--network", "mainnet"]);
    assert!(!out.status.success());
}
