//! `spice deploy`'s engine on cw-orch's Mock chain: what it stores, where it instantiates, how
//! it wires the suite, and that a re-run does nothing but read.

use std::path::Path;

use cw_orch::prelude::*;
use serde_json::{json, Value};
use spice_cli::deploy::{
    deploy, deploy_with, is_not_found, parse_code_ids, Action, DeployFile, DeployOptions,
    DeployReport, DeployState, NetworkConfig, StateLock, CONTRACTS,
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
    assert!(err.to_string().contains("was the chain reset?"), "{err}");
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

// ---------------------------------------------------------------------------------------
// Pre-flight, mainnet rules, governance code ids, lock, crashes (issue 24, finding 6)
// ---------------------------------------------------------------------------------------

fn mainnet(code_ids: &[(&str, u64)], yes: bool) -> DeployOptions {
    DeployOptions {
        code_ids: code_ids.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        mainnet: true,
        yes,
    }
}

/// Stores the six codes as governance would (codes 1..=6 on a fresh Mock), outside any deploy.
fn store_by_governance(mock: &MockBech32) -> Vec<(&'static str, u64)> {
    let suite = spice_interfaces::SpiceSuite::new(mock.clone());
    suite.spice_token.upload().unwrap();
    suite.buyback_burn.upload().unwrap();
    suite.staking_vault.upload().unwrap();
    suite.rollover_escrow.upload().unwrap();
    suite.order_book.upload().unwrap();
    suite.provider_incentives.upload().unwrap();
    CONTRACTS.iter().zip(1..).map(|(k, id)| (*k, id)).collect()
}

fn no_code(mock: &MockBech32, code_id: u64) -> bool {
    mock.wasm_querier().code(code_id).is_err()
}

#[test]
fn rebuilt_artifact_is_refused_before_any_transaction() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = config(&mock);
    let first = run(&mock, &config, &path);

    // A run that had stored the codes and stopped; since then spice_token's artifact was
    // rebuilt: the recorded code (here code 2, whose checksum the state records) is no
    // longer what the artifact holds.
    let mut state = first.state.clone();
    for c in state.contracts.values_mut() {
        c.address = None;
    }
    let code2 = state.contracts["buyback_burn"].checksum.clone();
    let token = state.contracts.get_mut("spice_token").unwrap();
    token.code_id = Some(2);
    token.checksum = code2;
    state.deployment = "spice@other".into();
    state.save(&path).unwrap();
    let before = std::fs::read(&path).unwrap();

    let mut steps = 0;
    let err = deploy(mock.clone(), "mock", &config, &path, &mut |_| steps += 1).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("spice_token's artifact changed"), "{msg}");
    assert!(msg.contains("Nothing was sent"), "{msg}");
    assert_eq!(steps, 0);
    // Nothing stored, nothing instantiated, the state file untouched, the lock released.
    assert!(no_code(&mock, 7));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    drop(StateLock::acquire(&path).unwrap());
}

#[test]
fn code_id_holding_other_code_is_refused_before_any_transaction() {
    let mock = MockBech32::new("osmo");
    store_by_governance(&mock);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    // Control: the right ids deploy without uploading.
    let ok = deploy_with(
        mock.clone(),
        "mock",
        &config(&mock),
        &path,
        &DeployOptions {
            code_ids: parse_code_ids(
                "spice_token=1,buyback_burn=2,staking_vault=3,rollover_escrow=4,order_book=5,\
                 provider_incentives=6",
            )
            .unwrap(),
            ..DeployOptions::default()
        },
        &mut |_| {},
    )
    .unwrap();
    assert!(ok.wiring.iter().all(|c| c.ok()));

    // Swapped ids: code 2 is buyback_burn's code, not spice_token's.
    let other = dir.path().join("other.json");
    let err = deploy_with(
        mock.clone(),
        "mock",
        &config(&mock),
        &other,
        &DeployOptions {
            code_ids: parse_code_ids("spice_token=2").unwrap(),
            ..DeployOptions::default()
        },
        &mut |_| panic!("no step may run"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("is not this artifact"), "{err}");
    // A code id the chain does not have.
    let err = deploy_with(
        mock.clone(),
        "mock",
        &config(&mock),
        &other,
        &DeployOptions {
            code_ids: parse_code_ids("order_book=99").unwrap(),
            ..DeployOptions::default()
        },
        &mut |_| panic!("no step may run"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("has no code 99"), "{err}");
    assert!(no_code(&mock, 7));
    assert!(!other.exists());
}

#[test]
fn mainnet_deploys_from_governance_code_ids_without_uploading() {
    let mock = MockBech32::new("osmo");
    let ids = store_by_governance(&mock);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let report = deploy_with(
        mock.clone(),
        "osmosis-1",
        &config(&mock),
        &path,
        &mainnet(&ids, true),
        &mut |_| {},
    )
    .unwrap();
    for (i, key) in CONTRACTS.iter().enumerate() {
        assert_eq!(
            report.steps[i].action,
            Action::UploadSkipped {
                code_id: i as u64 + 1
            },
            "{key}"
        );
        assert!(matches!(
            report.steps[6 + i].action,
            Action::Instantiated { .. }
        ));
    }
    assert!(no_code(&mock, 7));
    assert!(report.wiring.iter().all(|c| c.ok()));
}

#[test]
fn mainnet_without_yes_is_refused_and_sends_nothing() {
    let mock = MockBech32::new("osmo");
    let ids = store_by_governance(&mock);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let err = deploy_with(
        mock.clone(),
        "osmosis-1",
        &config(&mock),
        &path,
        &mainnet(&ids, false),
        &mut |_| panic!("no step may run"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("run again with --yes"), "{err}");
    assert!(!path.exists());
}

#[test]
fn mainnet_refuses_the_deployer_as_owner_or_guardian() {
    let mock = MockBech32::new("osmo");
    let ids = store_by_governance(&mock);
    let dir = tempfile::tempdir().unwrap();
    for role in ["owner", "guardian"] {
        let mut config = config(&mock);
        match role {
            "owner" => config.roles.owner = "deployer".into(),
            _ => config.roles.guardian = Some("deployer".into()),
        }
        let err = deploy_with(
            mock.clone(),
            "osmosis-1",
            &config,
            &dir.path().join("state.json"),
            &mainnet(&ids, true),
            &mut |_| panic!("no step may run"),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains(&format!("roles.{role}")),
            "{role}: {err}"
        );
    }
    // Off mainnet "deployer" stays allowed (the local chain's example uses it).
    let mut local = config(&mock);
    local.roles.owner = "deployer".into();
    let report = deploy(
        mock.clone(),
        "mock",
        &local,
        &dir.path().join("l.json"),
        &mut |_| {},
    );
    assert!(report.is_ok(), "{report:?}");
}

#[test]
fn mainnet_without_code_ids_uploads_nothing() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let err = deploy_with(
        mock.clone(),
        "osmosis-1",
        &config(&mock),
        &dir.path().join("state.json"),
        &mainnet(&[("spice_token", 1)], true),
        &mut |_| panic!("no step may run"),
    )
    .unwrap_err();
    // Code 1 does not exist yet: refused, and nothing uploaded.
    assert!(err.to_string().contains("has no code 1"), "{err}");
    let err = deploy_with(
        mock.clone(),
        "osmosis-1",
        &config(&mock),
        &dir.path().join("state.json"),
        &mainnet(&[], true),
        &mut |_| panic!("no step may run"),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("--code-ids spice_token=<id>"),
        "{err}"
    );
    assert!(no_code(&mock, 1));
}

#[test]
fn code_ids_flag_refuses_unknown_and_repeated_contracts() {
    assert_eq!(
        parse_code_ids("spice_token=12, order_book=3").unwrap(),
        [
            ("order_book".to_string(), 3),
            ("spice_token".to_string(), 12)
        ]
        .into_iter()
        .collect()
    );
    for bad in [
        "spice=1",
        "spice_token=1,spice_token=2",
        "spice_token",
        "spice_token=-1",
    ] {
        assert!(parse_code_ids(bad).is_err(), "{bad}");
    }
}

#[test]
fn concurrent_deploy_is_refused_by_the_lock() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let held = StateLock::acquire(&path).unwrap();
    let err = deploy(mock.clone(), "mock", &config(&mock), &path, &mut |_| {
        panic!("no step may run")
    })
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("another deploy"), "{msg}");
    assert!(
        msg.contains(&format!("(pid {})", std::process::id())),
        "{msg}"
    );
    assert!(no_code(&mock, 1));
    drop(held);
    // Control: once released, the deploy runs and releases the lock itself.
    run(&mock, &config(&mock), &path);
    drop(StateLock::acquire(&path).unwrap());
}

#[test]
fn state_file_is_written_whole_without_leftover_temporary_files() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    run(&mock, &config(&mock), &path);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["state.json", "state.json.lock"]);
}

/// Runs a deploy whose process "dies" when step `die_at` happens, after its transaction and
/// before the state file records it.
fn crash_at(mock: &MockBech32, config: &NetworkConfig, path: &Path, die_at: usize) {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut n = 0;
        deploy(mock.clone(), "mock", config, path, &mut |_| {
            if n == die_at {
                panic!("killed at step {die_at}");
            }
            n += 1;
        })
    }));
    assert!(
        outcome.is_err(),
        "the run was meant to die at step {die_at}"
    );
}

#[test]
fn crash_between_store_and_instantiate_is_finished_by_a_rerun() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = config(&mock);
    // Died right after storing the sixth code, before recording it.
    crash_at(&mock, &config, &path, 5);
    let state = DeployState::load_or_default(&path).unwrap();
    assert_eq!(state.contract("order_book").code_id, Some(5));
    assert_eq!(state.contract("provider_incentives").code_id, None);

    let resumed = run(&mock, &config, &path);
    // The unrecorded upload is stored again (a wasted fee, same checksum, same addresses).
    assert_eq!(resumed.steps[5].action, Action::Uploaded { code_id: 7 });
    assert!(resumed.wiring.iter().all(|c| c.ok()));
    assert!(CONTRACTS.iter().all(|k| resumed.state.address(k).is_some()));
}

#[test]
fn crash_between_instantiate_and_wiring_is_finished_by_a_rerun() {
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = config(&mock);
    // Died right after instantiating the first contract, then after the last one.
    crash_at(&mock, &config, &path, 6);
    let state = DeployState::load_or_default(&path).unwrap();
    assert_eq!(state.address("spice_token"), None);
    crash_at(&mock, &config, &path, 11);

    let resumed = run(&mock, &config, &path);
    assert!(matches!(resumed.steps[11].action, Action::Adopted { .. }));
    assert!(resumed.wiring.iter().all(|c| c.ok()));
    // No contract was instantiated twice: a third run does nothing.
    assert!(run(&mock, &config, &path).nothing_done());
    assert!(no_code(&mock, 7));
}

#[test]
fn wasm_admin_that_is_not_the_owner_is_reported() {
    use cw_orch::mock::cw_multi_test::Executor;
    let mock = MockBech32::new("osmo");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = config(&mock);
    let first = run(&mock, &config, &path);
    // The admin (the DAO) hands the book's migrations to someone else.
    let book = first.state.address("order_book").unwrap().to_string();
    let (dao, stranger) = (mock.addr_make("dao"), mock.addr_make("stranger"));
    mock.app
        .borrow_mut()
        .execute(
            dao,
            cosmwasm_std::WasmMsg::UpdateAdmin {
                contract_addr: book.clone(),
                admin: stranger.to_string(),
            }
            .into(),
        )
        .unwrap();
    let err = deploy(mock.clone(), "mock", &config, &path, &mut |_| {}).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("order_book at {book} has wasm admin")),
        "{msg}"
    );
    assert!(msg.contains(stranger.as_str()), "{msg}");
}

#[test]
fn query_failures_are_not_taken_for_missing_code() {
    // What the chains answer for a code or contract that does not exist.
    for missing in [
        "code id 7: no such code",
        "status: NotFound, message: \"no such contract: address osmo1...\"",
        "rpc error: code = NotFound desc = not found",
    ] {
        assert!(is_not_found(missing), "{missing}");
    }
    // A node that could not be asked: an error, never "upload again".
    for failed in [
        "status: Unavailable, message: \"error trying to connect: tcp connect error: Connection refused\"",
        "transport error",
        "status: DeadlineExceeded, message: \"Timeout expired\"",
        "status: Internal, message: \"codespace wasm code 5: not found\" connection reset",
    ] {
        assert!(!is_not_found(failed), "{failed}");
    }
}

#[test]
fn mainnet_deploy_without_yes_is_refused_before_the_key_is_read() {
    let artifacts = tempfile::tempdir().unwrap();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy.example.toml");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_spice"))
        .args(["deploy", "--network", "osmosis-1", "--config", config])
        .args(["--mnemonic-env", "SPICE_TEST_UNSET_MNEMONIC"])
        .env("ARTIFACTS_DIR", artifacts.path())
        .output()
        .expect("spice runs");
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("run again with --yes"), "{err}");
    assert!(!err.contains("SPICE_TEST_UNSET_MNEMONIC"), "{err}");
}

#[test]
fn lock_of_a_killed_deploy_does_not_block_the_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    // Another process holds the lock (flock(1) takes the same flock(2) lock and, with
    // --no-fork, becomes the sleep that holds it)…
    let mut holder = std::process::Command::new("flock")
        .arg("--no-fork")
        .arg(StateLock::path_for(&path))
        .args(["sleep", "300"])
        .spawn()
        .expect("flock(1) runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while StateLock::acquire(&path).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "flock(1) never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // …and is killed (SIGKILL: no clean-up runs): the re-run takes the lock.
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert!(StateLock::acquire(&path).is_ok());
}

#[test]
fn node_overrides_come_from_the_networks_chain_table_or_default_without_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.toml");
    let none = spice_cli::deploy::ChainOverrides::from_config_file(&missing, "local").unwrap();
    assert_eq!(none.grpc_url, None);
    assert_eq!(none.chain_id, None);

    let path = dir.path().join("deploy.toml");
    let text = format!(
        "{CONFIG}\n[mock.chain]\ngrpc_url = \"http://127.0.0.1:29090\"\nchain_id = \"spice-1\"\ngas_price = 0.5\n"
    );
    std::fs::write(&path, text).unwrap();
    let mock = spice_cli::deploy::ChainOverrides::from_config_file(&path, "mock").unwrap();
    assert_eq!(mock.grpc_url.as_deref(), Some("http://127.0.0.1:29090"));
    assert_eq!(mock.chain_id.as_deref(), Some("spice-1"));
    assert_eq!(mock.gas_price, Some(0.5));
    // A network without a table of its own keeps the built-in values.
    let other = spice_cli::deploy::ChainOverrides::from_config_file(&path, "local").unwrap();
    assert_eq!(other.grpc_url, None);

    std::fs::write(&path, "[mock.chain]\ngrpc = \"typo\"\n").unwrap();
    let err = spice_cli::deploy::ChainOverrides::from_config_file(&path, "mock").unwrap_err();
    assert!(format!("{err:#}").contains("parsing"), "{err:#}");
}
