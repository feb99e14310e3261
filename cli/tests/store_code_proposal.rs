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
