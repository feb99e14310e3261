//! `spice deploy`'s engine on cw-orch's Mock chain: what it stores, where it instantiates, how
//! it wires the suite, and that a re-run does nothing but read.

use std::path::Path;

use cw_orch::prelude::*;
use serde_json::{json, Value};
use spice_cli::deploy::{
    deploy, Action, DeployFile, DeployReport, DeployState, NetworkConfig, CONTRACTS,
};

const CONFIG: &str = r#"
[mock.roles]
owner = "{dao}"
guardian = "{guardian}"
treasury = "{treasury}"
monitors = ["{monitor}"]
oracles = ["{oracle}"]
auditors = ["{auditor}"]

[mock.denoms]
akt = "ibc/AKT"
payment = ["ibc/AKT", "uusdc"]
rewards = ["uosmo"]

[mock.token]
# cw-orch's Mock routes no tokenfactory messages.
enable_native = false
initial_supply = "5000000"

[mock.escrow]
take_fee_bps = 150
"#;

fn addr(mock: &MockBech32, name: &str) -> String {
    mock.addr_make(name).to_string()
}

fn config(mock: &MockBech32) -> NetworkConfig {
    let mut text = CONFIG.to_string();
    for role in [
        "dao", "guardian", "treasury", "monitor", "oracle", "auditor",
    ] {
        text = text.replace(&format!("{{{role}}}"), &addr(mock, role));
    }
    DeployFile::parse(&text)
        .unwrap()
        .network("mock")
        .unwrap()
        .clone()
}

fn run(mock: &MockBech32, config: &NetworkConfig, state: &Path) -> DeployReport {
    deploy(mock.clone(), "mock", config, state, &mut |_| {}).unwrap()
}

fn query(mock: &MockBech32, contract: &str, msg: Value) -> Value {
    mock.query(&msg, &Addr::unchecked(contract)).unwrap()
}

#[test]
fn deploy_stores_six_codes_instantiates_in_order_and_records_them() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let report = run(&mock, &config(&mock), &path);

    let actions: Vec<(&str, &Action)> = report
        .steps
        .iter()
        .map(|s| (s.contract, &s.action))
        .collect();
    assert_eq!(actions.len(), 12);
    for (i, key) in CONTRACTS.iter().enumerate() {
        // Stored first, in spice-suite's order, so code ids are 1..=6 on a fresh chain.
        assert_eq!(
            actions[i],
            (
                *key,
                &Action::Uploaded {
                    code_id: i as u64 + 1
                }
            )
        );
        let (contract, action) = actions[6 + i];
        assert_eq!(contract, *key);
        assert!(
            matches!(action, Action::Instantiated { .. }),
            "{key}: {action:?}"
        );
    }

    let on_disk: DeployState = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk, report.state);
    assert_eq!(on_disk.network, "mock");
    assert_eq!(on_disk.chain_id, mock.env_info().chain_id);
    assert_eq!(on_disk.deployer, mock.sender_addr().to_string());
    assert!(on_disk.deployment.starts_with("spice@"));
    for (i, key) in CONTRACTS.iter().enumerate() {
        let c = &on_disk.contracts[*key];
        assert_eq!(c.code_id, Some(i as u64 + 1));
        let checksum = c.checksum.as_deref().unwrap();
        assert_eq!(checksum.len(), 64, "{key}: hex SHA-256");
        let address = c.address.as_deref().unwrap();
        assert!(address.starts_with("osmo1"));
        // The chain agrees: that address runs that code, with the DAO as wasm admin.
        let info = mock
            .wasm_querier()
            .contract_info(&Addr::unchecked(address))
            .unwrap();
        assert_eq!(info.code_id, i as u64 + 1);
        assert_eq!(info.admin, Some(mock.addr_make("dao")));
    }
}

#[test]
fn deployed_suite_is_wired_like_spice_suite_and_owned_by_the_dao() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let report = run(&mock, &config(&mock), &dir.path().join("state.json"));
    let at = |key: &str| report.state.address(key).unwrap().to_string();

    assert!(report.wiring.iter().all(|c| c.ok()), "{:?}", report.wiring);
    assert_eq!(report.wiring.len(), 14);

    // Read back independently of the engine's own check.
    let escrow = query(&mock, &at("rollover_escrow"), json!({ "config": {} }));
    assert_eq!(escrow["order_book"], json!(at("order_book")));
    assert_eq!(escrow["incentives"], json!(at("provider_incentives")));
    assert_eq!(escrow["fee_collector"], json!(at("staking_vault")));
    assert_eq!(escrow["take_fee_bps"], json!(150));
    assert_eq!(escrow["monitors"], json!([addr(&mock, "monitor")]));
    assert_eq!(escrow["accepted_denoms"], json!(["ibc/AKT", "uusdc"]));
    let book = query(&mock, &at("order_book"), json!({ "config": {} }));
    assert_eq!(book["escrow"], json!(at("rollover_escrow")));
    assert_eq!(book["provider_registry"], json!(at("provider_incentives")));
    let vault = query(&mock, &at("staking_vault"), json!({ "config": {} }));
    assert_eq!(vault["revenue_recipient"], json!(at("buyback_burn")));
    assert_eq!(vault["akt_denom"], json!("ibc/AKT"));
    let buyback = query(&mock, &at("buyback_burn"), json!({ "config": {} }));
    assert_eq!(buyback["spice_token"], json!(at("spice_token")));
    assert_eq!(
        buyback["spice_denom"],
        json!(format!("factory/{}/uspice", at("spice_token")))
    );
    let incentives = query(&mock, &at("provider_incentives"), json!({ "config": {} }));
    assert_eq!(incentives["escrow"], json!(at("rollover_escrow")));
    assert_eq!(incentives["oracles"], json!([addr(&mock, "oracle")]));
    assert_eq!(incentives["reward_denoms"], json!(["uosmo"]));

    // The DAO owns everything; the deployer key owns nothing.
    for key in CONTRACTS {
        let ownership = query(&mock, &at(key), json!({ "ownership": {} }));
        assert_eq!(ownership["owner"], json!(addr(&mock, "dao")), "{key}");
        assert_eq!(ownership["pending_owner"], Value::Null, "{key}");
    }
    let minter = query(&mock, &at("spice_token"), json!({ "minter": {} }));
    assert_eq!(minter["minter"], json!(addr(&mock, "dao")));
    let treasury = query(
        &mock,
        &at("spice_token"),
        json!({ "balance": { "address": addr(&mock, "treasury") } }),
    );
    assert_eq!(treasury["balance"], json!("5000000"));
}

#[test]
fn second_run_skips_every_upload_and_instantiation() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = config(&mock);
    let first = run(&mock, &config, &path);
    let before = std::fs::read(&path).unwrap();

    let second = run(&mock, &config, &path);
    assert!(second.nothing_done());
    assert!(!first.nothing_done());
    for (i, key) in CONTRACTS.iter().enumerate() {
        assert_eq!(
            second.steps[i].action,
            Action::UploadSkipped {
                code_id: i as u64 + 1
            }
        );
        assert_eq!(
            second.steps[6 + i].action,
            Action::InstantiateSkipped {
                address: first.state.address(key).unwrap().to_string()
            }
        );
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // No seventh code was stored.
    assert!(mock.wasm_querier().code(7).is_err());
}

#[test]
fn run_that_stopped_before_saving_adopts_contracts_already_at_their_address() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = config(&mock);
    let first = run(&mock, &config, &path);

    // As if the run had died after instantiating the book and incentives but before saving.
    let mut state = first.state.clone();
    for key in ["order_book", "provider_incentives"] {
        state.contracts.get_mut(key).unwrap().address = None;
    }
    state.save(&path).unwrap();

    let resumed = run(&mock, &config, &path);
    assert_eq!(
        resumed.steps[10].action,
        Action::Adopted {
            address: first.state.address("order_book").unwrap().to_string()
        }
    );
    assert_eq!(
        resumed.steps[11].action,
        Action::Adopted {
            address: first
                .state
                .address("provider_incentives")
                .unwrap()
                .to_string()
        }
    );
    assert_eq!(resumed.state, first.state);
}

#[test]
fn state_of_a_reset_chain_is_refused_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let old = MockBech32::new("osmo");
    run(&old, &config(&old), &path);

    // Same chain id, same deployer, but none of the recorded contracts exist any more.
    let fresh = MockBech32::new("osmo");
    let err = deploy(fresh.clone(), "mock", &config(&fresh), &path, &mut |_| {}).unwrap_err();
    assert!(
        err.to_string().contains("the chain has no contract there"),
        "{err}"
    );
}

#[test]
fn another_key_cannot_finish_a_deployment_it_did_not_start() {
    let mut mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = config(&mock);
    let first = run(&mock, &config, &path);
    let mut state = first.state;
    state
        .contracts
        .get_mut("provider_incentives")
        .unwrap()
        .address = None;
    state.save(&path).unwrap();

    mock.set_sender(mock.addr_make("someone-else"));
    let err = deploy(mock.clone(), "mock", &config, &path, &mut |_| {}).unwrap_err();
    assert!(
        err.to_string().contains("finish with the same key"),
        "{err}"
    );
}

#[test]
fn example_config_parses_for_every_network() {
    let file = DeployFile::parse(include_str!("../../deploy.example.toml")).unwrap();
    let local = file.network("local").unwrap();
    assert_eq!(local.roles.owner, "deployer");
    assert!(!local.token.enable_native);
    assert_eq!(
        local.chain.grpc_url.as_deref(),
        Some("http://127.0.0.1:9391")
    );
    let testnet = file.network("osmo-test-5").unwrap();
    assert_eq!(testnet.incentives.epoch_seconds, 86_400);
    // Left out: spice-suite's value.
    assert_eq!(testnet.escrow.take_fee_bps, 100);
    let main = file.network("osmosis-1").unwrap();
    assert_eq!(main.roles.oracles.len(), 3);
    assert_eq!(main.incentives.oracle_quorum, 2);
    assert_eq!(main.token.cap.u128(), 1_000_000_000_000_000);
    assert!(main.vault.strategy.is_none());
    assert!(file.network("osmosis-2").is_err());
}

#[test]
fn misspelt_parameter_is_an_error_not_a_silent_default() {
    let err = DeployFile::parse(
        r#"
[x.roles]
owner = "a"
treasury = "b"
oracles = []
[x.denoms]
akt = "u"
payment = []
rewards = []
[x.escrow]
take_fee_bsp = 5
"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("take_fee_bsp"), "{err}");
}

fn spice_deploy(artifacts: &Path, extra: &[&str]) -> std::process::Output {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy.example.toml");
    std::process::Command::new(env!("CARGO_BIN_EXE_spice"))
        .args(["deploy", "--network", "local", "--config", config])
        .args(extra)
        .env("ARTIFACTS_DIR", artifacts)
        .output()
        .expect("spice runs")
}

#[test]
fn deploy_without_artifacts_says_how_to_build_them() {
    let empty = tempfile::tempdir().unwrap();
    let output = spice_deploy(empty.path(), &[]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("scripts/build-wasm.sh"), "{err}");
    assert!(err.contains("spice_token.wasm"), "{err}");
}

#[test]
fn deploy_without_the_mnemonic_names_its_variable_before_connecting() {
    let artifacts = tempfile::tempdir().unwrap();
    for key in CONTRACTS {
        std::fs::write(artifacts.path().join(format!("{key}.wasm")), b"\0asm").unwrap();
    }
    let output = spice_deploy(
        artifacts.path(),
        &["--mnemonic-env", "SPICE_TEST_UNSET_MNEMONIC"],
    );
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("set SPICE_TEST_UNSET_MNEMONIC"), "{err}");
}
