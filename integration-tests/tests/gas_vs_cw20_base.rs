//! SPICE's cw20 paths may cost no more VM gas than cw20-base 2.0's optimized artifact, built by
//! the same pipeline and run in the same cosmwasm-vm: a holder moving SPICE must never pay for
//! the supply ledger, the native twin or the burn accounting it does not use.
//!
//! Prints the side-by-side table (`cargo test -p spice-integration-tests --test gas_vs_cw20_base
//! -- --nocapture`). Needs `scripts/build-wasm.sh` to have been run.

use serde_json::{Value, json};
use spice_integration_tests::vm::{CallReport, VmContract, addr};

struct Row {
    path: &'static str,
    spice: CallReport,
    cw20_base: CallReport,
}

/// The same token in both contracts: alice holds 1,000,000, minted by `minter` under a cap.
fn instantiate(token: &mut VmContract, extra: Value) -> CallReport {
    let mut msg = json!({
        "name": "Spice",
        "symbol": "SPICE",
        "decimals": 6,
        "initial_balances": [
            { "address": addr("alice"), "amount": "1000000" },
            { "address": addr("bob"), "amount": "1000000" },
        ],
        "mint": { "minter": addr("minter"), "cap": "1000000000" },
    });
    if let (Some(msg), Some(extra)) = (msg.as_object_mut(), extra.as_object()) {
        msg.extend(extra.clone());
    }
    token
        .instantiate(&addr("deployer"), &msg, &[])
        .expect("instantiate")
        .without_response()
}

/// Runs every measured path on `token`, in the same order and state for both contracts.
fn measure(token: &mut VmContract) -> Vec<(&'static str, CallReport)> {
    let alice = addr("alice");
    let bob = addr("bob");
    let receiver = addr("receiver_contract");
    let run = |token: &mut VmContract, sender: &str, msg: Value| {
        token
            .execute(sender, &msg, &[])
            .unwrap_or_else(|e| panic!("{} {msg}: {e:?}", token.name()))
            .without_response()
    };
    // A transfer to an existing holder, and one that creates a new account.
    let transfer = run(
        token,
        &alice,
        json!({ "transfer": { "recipient": bob, "amount": "1000" } }),
    );
    let transfer_new = run(
        token,
        &alice,
        json!({ "transfer": { "recipient": addr("carol"), "amount": "1000" } }),
    );
    let send = run(
        token,
        &alice,
        json!({ "send": { "contract": receiver, "amount": "1000", "msg": "e30=" } }),
    );
    let burn = run(token, &bob, json!({ "burn": { "amount": "1000" } }));
    let (_, balance) = token
        .query(&json!({ "balance": { "address": alice } }))
        .expect("balance");
    vec![
        ("transfer", transfer),
        ("transfer (new account)", transfer_new),
        ("send", send),
        ("burn", burn),
        ("balance", balance),
    ]
}

fn rows() -> Vec<Row> {
    let mut spice = VmContract::load("spice_token").expect("spice_token artifact");
    let mut cw20 = VmContract::load_reference("cw20_base").expect("cw20-base reference artifact");
    let spice_init = instantiate(&mut spice, json!({ "owner": addr("dao") }));
    let cw20_init = instantiate(&mut cw20, json!({}));
    let mut rows = vec![Row {
        path: "instantiate",
        spice: spice_init,
        cw20_base: cw20_init,
    }];
    for ((path, spice), (_, cw20_base)) in measure(&mut spice).into_iter().zip(measure(&mut cw20)) {
        rows.push(Row {
            path,
            spice,
            cw20_base,
        });
    }
    rows
}

fn print(rows: &[Row]) {
    println!(
        "| path | SPICE VM gas | cw20-base VM gas | ratio | SPICE SDK gas | cw20-base SDK gas |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.3} | {} | {} |",
            r.path,
            r.spice.vm_gas,
            r.cw20_base.vm_gas,
            r.spice.vm_gas as f64 / r.cw20_base.vm_gas as f64,
            r.spice.sdk_gas,
            r.cw20_base.sdk_gas
        );
    }
}

#[test]
fn spice_cw20_paths_cost_no_more_vm_gas_than_cw20_base() {
    let rows = rows();
    print(&rows);
    for r in rows.iter().filter(|r| r.path != "instantiate") {
        assert!(
            r.spice.vm_gas <= r.cw20_base.vm_gas,
            "{}: SPICE costs {} VM gas, cw20-base {}",
            r.path,
            r.spice.vm_gas,
            r.cw20_base.vm_gas
        );
    }
}

#[test]
fn spice_cw20_paths_touch_no_more_storage_than_cw20_base() {
    // SDK gas is dominated by KV costs; the burn path also updates the burner's total, so it
    // is held to its own bound below.
    for r in rows() {
        match r.path {
            "instantiate" => {}
            "burn" => assert!(
                r.spice.kv.writes <= r.cw20_base.kv.writes + 1,
                "burn writes {} vs {}",
                r.spice.kv.writes,
                r.cw20_base.kv.writes
            ),
            _ => assert!(
                r.spice.kv.reads <= r.cw20_base.kv.reads
                    && r.spice.kv.writes <= r.cw20_base.kv.writes,
                "{}: SPICE {:?} vs cw20-base {:?}",
                r.path,
                r.spice.kv,
                r.cw20_base.kv
            ),
        }
    }
}
