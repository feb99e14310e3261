//! `spice store-code-proposal` as a release manager runs it.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use serde_json::Value;

fn spice(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spice"))
        .args(args)
        .output()
        .expect("spice runs")
}

fn artifact(dir: &Path, name: &str) -> Vec<u8> {
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(name.bytes().cycle().take(10_000));
    std::fs::write(dir.join(format!("{}.wasm", name.replace('-', "_"))), &wasm).unwrap();
    wasm
}

#[test]
fn writes_a_proposal_whose_code_is_the_artifact_and_prints_how_to_check_it() {
    let artifacts = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let wasm = artifact(artifacts.path(), "rollover-escrow");
    let run = spice(&[
        "store-code-proposal",
        "--network",
        "osmosis-1",
        "--contract",
        "rollover-escrow",
        "--artifacts",
        artifacts.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--commit",
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "--instantiate-permission",
        "only:osmo10d07y265gmmuvt4z0w9aw880jnsr700jjeq4qp",
    ]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let file = out.path().join("rollover-escrow.proposal.json");
    let proposal: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let code = base64::engine::general_purpose::STANDARD
        .decode(proposal["messages"][0]["wasm_byte_code"].as_str().unwrap())
        .unwrap();
    let mut unzipped = vec![];
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&code[..]), &mut unzipped)
        .unwrap();
    assert_eq!(unzipped, wasm);
    let checksum: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&wasm)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert!(proposal["summary"].as_str().unwrap().contains(&checksum));
    assert_eq!(
        proposal["messages"][0]["instantiate_permission"]["permission"],
        "ACCESS_TYPE_ANY_OF_ADDRESSES"
    );
    assert!(
        stdout.contains("osmosisd tx gov submit-proposal"),
        "{stdout}"
    );
    assert!(stdout.contains("--chain-id osmosis-1"), "{stdout}");
    assert!(
        stdout.contains("| base64 -d | gunzip | sha256sum"),
        "{stdout}"
    );
    assert!(stdout.contains(&checksum), "{stdout}");
}

#[test]
fn an_unknown_contract_is_refused_clearly() {
    let artifacts = tempfile::tempdir().unwrap();
    let run = spice(&[
        "store-code-proposal",
        "--network",
        "osmosis-1",
        "--contract",
        "cw20-base",
        "--artifacts",
        artifacts.path().to_str().unwrap(),
        "--commit",
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    ]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("unknown contract \"cw20-base\""),
        "{stderr}"
    );
    assert!(stderr.contains("provider-incentives"), "{stderr}");
}

#[test]
fn contract_or_all_is_required() {
    let run = spice(&["store-code-proposal", "--network", "osmosis-1"]);
    assert!(!run.status.success());
}

/// A proposal run for rollover-escrow; whether it wrote the proposal file.
fn propose(commit: &str, permission: &str, network: &str) -> (std::process::Output, bool) {
    let artifacts = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    artifact(artifacts.path(), "rollover-escrow");
    let run = spice(&[
        "store-code-proposal",
        "--network",
        network,
        "--contract",
        "rollover-escrow",
        "--artifacts",
        artifacts.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--commit",
        commit,
        "--instantiate-permission",
        permission,
    ]);
    let written = out.path().join("rollover-escrow.proposal.json").exists();
    (run, written)
}

const COMMIT: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const DAO: &str = "osmo10d07y265gmmuvt4z0w9aw880jnsr700jjeq4qp";

#[test]
fn duplicate_instantiate_addresses_are_refused_as_wasmd_would() {
    let (run, written) = propose(COMMIT, &format!("only:{DAO},{DAO}"), "osmosis-1");
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains(&format!("{DAO} twice")), "{stderr}");
    assert!(!written);
    // Control: the same address once is a valid proposal.
    let (run, written) = propose(COMMIT, &format!("only:{DAO}"), "osmosis-1");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(written);
}

#[test]
fn commit_that_is_not_a_full_hash_is_refused() {
    for bad in [
        "main",
        "4b825dc",
        "4b825dc642cb6eb9a060e54bf8d69288fbee490g",
        "",
    ] {
        let (run, written) = propose(bad, "everybody", "osmosis-1");
        assert!(!run.status.success(), "{bad:?} was accepted");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains("40 hex digits"), "{bad:?}: {stderr}");
        assert!(!written);
    }
}

#[test]
fn networks_without_store_code_proposals_are_not_offered() {
    for network in ["local", "embedded"] {
        let (run, written) = propose(COMMIT, "everybody", network);
        assert!(!run.status.success());
        let stderr = String::from_utf8_lossy(&run.stderr);
        // clap's own refusal, listing what is possible.
        assert!(stderr.contains("invalid value"), "{network}: {stderr}");
        assert!(
            stderr.contains("[possible values: osmo-test-5, osmosis-1]"),
            "{stderr}"
        );
        assert!(!written);
    }
    let (run, _) = propose(COMMIT, "everybody", "osmo-test-5");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
