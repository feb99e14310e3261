//! The optimized artifacts in the real VM: cw20-base as a reference for the harness, and
//! every SPICE contract instantiated and queried.
//!
//! Needs `scripts/build-wasm.sh` to have been run.

use serde_json::{Value, json};
use spice_integration_tests::fixtures::{CONTRACTS, instantiate_msg};
use spice_integration_tests::gas::{CONTRACT_CALL_COST, sdk_gas};
use spice_integration_tests::vm::{CallError, CallReport, VmContract, addr};

fn assert_gas_is_metered<T>(what: &str, report: &CallReport<T>) {
    assert!(report.vm_gas > 0, "{what}: no VM gas metered");
    assert!(
        report.sdk_gas >= CONTRACT_CALL_COST,
        "{what}: {} SDK gas is below the per-call cost",
        report.sdk_gas
    );
    assert_eq!(
        report.sdk_gas,
        sdk_gas(report.vm_gas, &report.kv),
        "{what}: SDK gas formula"
    );
}

fn cw20_balance(token: &mut VmContract, address: &str) -> (u128, CallReport) {
    let (response, report) = token
        .query_json::<Value>(&json!({ "balance": { "address": address } }))
        .expect("balance query");
    let balance = response["balance"]
        .as_str()
        .expect("balance is a string")
        .parse()
        .expect("balance is a number");
    (balance, report)
}

fn cw20_with_alice_holding(amount: u128) -> (VmContract, String) {
    let alice = addr("alice");
    let mut token = VmContract::load_reference("cw20_base").expect("cw20-base reference artifact");
    let init = token
        .instantiate(
            &addr("deployer"),
            &json!({
                "name": "Reference Token",
                "symbol": "REF",
                "decimals": 6,
                "initial_balances": [{ "address": alice, "amount": amount.to_string() }],
            }),
            &[],
        )
        .expect("instantiate cw20-base");
    assert_gas_is_metered("cw20 instantiate", &init);
    assert!(
        init.kv.writes >= 2,
        "instantiate stores token info and a balance: {init}"
    );
    (token, alice)
}

#[test]
fn cw20_base_transfers_in_the_vm_and_reports_gas_per_call() {
    let (mut token, alice) = cw20_with_alice_holding(1_000_000);
    let bob = addr("bob");

    let transfer = token
        .execute(
            &alice,
            &json!({ "transfer": { "recipient": bob, "amount": "250000" } }),
            &[],
        )
        .expect("transfer");
    assert_gas_is_metered("cw20 transfer", &transfer);
    // Both balances read and written.
    assert!(
        transfer.kv.reads >= 2 && transfer.kv.writes >= 2,
        "transfer: {transfer}"
    );
    let action = transfer
        .response
        .attributes
        .iter()
        .find(|a| a.key == "action")
        .map(|a| a.value.as_str());
    assert_eq!(action, Some("transfer"));

    eprintln!("cw20-base transfer: {transfer}");

    let (alice_balance, query) = cw20_balance(&mut token, &alice);
    let (bob_balance, _) = cw20_balance(&mut token, &bob);
    assert_eq!(alice_balance, 750_000);
    assert_eq!(bob_balance, 250_000);
    assert_gas_is_metered("cw20 balance query", &query);
    eprintln!("cw20-base balance query: {query}");
    assert_eq!(query.kv.writes, 0, "queries do not write");
    assert!(query.kv.reads >= 1);
}

#[test]
fn cw20_base_failed_transfer_is_rolled_back_and_still_costs_gas() {
    let (mut token, alice) = cw20_with_alice_holding(100);
    let bob = addr("bob");

    let error = token
        .execute(
            &alice,
            &json!({ "transfer": { "recipient": bob, "amount": "101" } }),
            &[],
        )
        .expect_err("transfer of more than the balance");

    match &error {
        CallError::Contract {
            message, report, ..
        } => {
            assert!(
                message.contains("Overflow") || message.contains("overflow"),
                "unexpected error: {message}"
            );
            assert_gas_is_metered("failed transfer", report);
        }
        other => panic!("expected a contract error, got {other}"),
    }
    assert_eq!(cw20_balance(&mut token, &alice).0, 100);
    assert_eq!(cw20_balance(&mut token, &bob).0, 0);
}

#[test]
fn cw20_base_rejects_an_invalid_address_through_the_vm_api() {
    let (mut token, alice) = cw20_with_alice_holding(100);

    let error = token
        .execute(
            &alice,
            &json!({ "transfer": { "recipient": "cosmos1notosmo", "amount": "1" } }),
            &[],
        )
        .expect_err("transfer to an invalid address");

    assert!(
        error.contract_message().is_some(),
        "expected a contract error, got {error}"
    );
    assert_eq!(cw20_balance(&mut token, &alice).0, 100);
}

#[test]
fn cw20_base_call_over_its_gas_limit_runs_out_of_gas_and_changes_nothing() {
    let (mut token, alice) = cw20_with_alice_holding(100);
    let bob = addr("bob");
    // 1 SDK gas = 140_000 VM gas: not enough to parse the message.
    token.set_gas_limit(1);

    let error = token
        .execute(
            &alice,
            &json!({ "transfer": { "recipient": bob, "amount": "1" } }),
            &[],
        )
        .expect_err("transfer with 1 SDK gas");

    assert!(
        matches!(
            error,
            CallError::Vm {
                out_of_gas: true,
                ..
            }
        ),
        "expected out of gas, got {error}"
    );
    token.set_gas_limit(10_000_000);
    assert_eq!(cw20_balance(&mut token, &alice).0, 100);
    assert_eq!(cw20_balance(&mut token, &bob).0, 0);
}

#[test]
fn every_spice_contract_instantiates_and_answers_its_config_query() {
    let owner = addr("owner");
    let mut failures = Vec::new();

    for contract in CONTRACTS {
        let mut vm = match VmContract::load(contract) {
            Ok(vm) => vm,
            Err(e) => {
                // The error names the artifact and says how to build it.
                failures.push(format!("{e:#}"));
                continue;
            }
        };
        let msg = instantiate_msg(contract, &owner);
        match vm.instantiate(&owner, &msg, &[]) {
            Ok(report) => {
                assert_gas_is_metered(&format!("{contract} instantiate"), &report);
                eprintln!("{contract} instantiate: {report}");
            }
            Err(e) => {
                failures.push(format!("{contract}: instantiate with {msg}: {e}"));
                continue;
            }
        }
        match vm.query_json::<Value>(&json!({ "config": {} })) {
            Ok((config, report)) => {
                assert_gas_is_metered(&format!("{contract} config query"), &report);
                if !config.is_object() {
                    failures.push(format!("{contract}: config is not a JSON object: {config}"));
                }
            }
            Err(e) => failures.push(format!("{contract}: config query: {e:#}")),
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {} contracts failed:\n{}",
        failures.len(),
        CONTRACTS.len(),
        failures.join("\n")
    );
}
