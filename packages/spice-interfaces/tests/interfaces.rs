//! The interfaces point at what scripts/build-wasm.sh builds, and store the Rust contracts on
//! cw-orch's Mock so `upload_if_needed` recognises them.

use std::collections::BTreeMap;

use cw_orch::prelude::*;
use spice_interfaces::{artifacts_dir, SpiceSuite};

/// `artifacts/checksums.txt` (sha256sum format) by file name.
fn recorded_checksums() -> BTreeMap<String, String> {
    let path = artifacts_dir().join("checksums.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (build the artifacts with scripts/build-wasm.sh first)",
            path.display()
        )
    });
    text.lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(sum, file)| (file.to_string(), sum.to_string()))
        .collect()
}

fn wasm_of<T: Uploadable>() -> WasmPath {
    T::wasm(&ChainInfoOwned::default())
}

#[test]
fn each_interface_uploads_the_optimized_artifact_build_wasm_writes() {
    let recorded = recorded_checksums();
    let wasms = [
        (
            "spice_token.wasm",
            wasm_of::<spice_interfaces::SpiceToken<Mock>>(),
        ),
        (
            "buyback_burn.wasm",
            wasm_of::<spice_interfaces::BuybackBurn<Mock>>(),
        ),
        (
            "staking_vault.wasm",
            wasm_of::<spice_interfaces::StakingVault<Mock>>(),
        ),
        (
            "rollover_escrow.wasm",
            wasm_of::<spice_interfaces::RolloverEscrow<Mock>>(),
        ),
        (
            "order_book.wasm",
            wasm_of::<spice_interfaces::OrderBook<Mock>>(),
        ),
        (
            "provider_incentives.wasm",
            wasm_of::<spice_interfaces::ProviderIncentives<Mock>>(),
        ),
    ];
    for (file, wasm) in wasms {
        assert_eq!(wasm.path().file_name().unwrap(), file);
        // The checksum cw-orch compares with the chain's is the one build-wasm.sh recorded.
        assert_eq!(wasm.checksum().unwrap().to_hex(), recorded[file], "{file}");
    }
}

#[test]
fn mock_recognises_code_it_already_stored() {
    let mock = MockBech32::new("osmo");
    let suite = SpiceSuite::new(mock.clone());
    assert!(suite.spice_token.upload_if_needed().unwrap().is_some());
    assert!(suite.staking_vault.upload_if_needed().unwrap().is_some());
    assert_eq!(suite.spice_token.code_id().unwrap(), 1);
    assert_eq!(suite.staking_vault.code_id().unwrap(), 2);
    // Same contract id, same checksum: nothing is stored again.
    assert!(suite.spice_token.upload_if_needed().unwrap().is_none());
    assert!(suite.staking_vault.upload_if_needed().unwrap().is_none());
    assert!(mock.wasm_querier().code(3).is_err());
}
