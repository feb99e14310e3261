//! Every contract migrates from its previous release: the 0.1.0 artifact (pinned in
//! `fixtures/v0.1.0/`, checked against its `SHA256SUMS`) is instantiated in the real VM and
//! given state by representative calls, then migrated to the current artifact in `artifacts/`.
//! The migrated contract must report the new cw2 version, answer every query exactly as
//! before, keep working on the old state, and refuse a downgrade and another contract's code.
//!
//! The messages sent to the 0.1.0 code are literals frozen at that release's schema, not the
//! shared fixtures of `src/fixtures.rs` and `src/bench.rs`: those follow the current code, and
//! the old artifact only ever understands its own messages.
//!
//! Needs `scripts/build-wasm.sh` to have built `artifacts/` (CI does so before the tests). When
//! `artifacts/` does not exist at all the tests say so and skip, unless `CI` is set; a missing
//! artifact in an existing `artifacts/`, or a missing or altered fixture, fails.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};
use spice_integration_tests::querier::StargateHandler;
use spice_integration_tests::vm::{
    Binary, Checksum, Coin, MsgResponse, Reply, Response, SubMsgResponse, SubMsgResult, VmContract,
    addr, artifacts_dir, coin, coins,
};

/// The release the fixtures were built from.
const PREVIOUS: &str = "0.1.0";
/// The workspace version, which every contract stores as its cw2 version.
const CURRENT: &str = env!("CARGO_PKG_VERSION");

const AKT: &str = "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4";

// ---------------------------------------------------------------------------------------
// Artifacts and fixtures
// ---------------------------------------------------------------------------------------

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("v{PREVIOUS}"))
}

/// `false` (after saying why) when `artifacts/` was never built and this is not CI; the
/// current code cannot be tested then. Anything else missing is a failure, not a skip.
fn artifacts_built(test: &str) -> bool {
    let dir = artifacts_dir();
    if dir.is_dir() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: {} does not exist; CI must run scripts/build-wasm.sh before the tests",
        dir.display()
    );
    eprintln!(
        "SKIPPED {test}: {} does not exist; run `scripts/build-wasm.sh` to build the current \
         artifacts the migration tests need",
        dir.display()
    );
    false
}

/// `SHA256SUMS` of the fixtures: artifact file name -> hex sha256.
fn previous_checksums() -> BTreeMap<String, String> {
    let path = fixtures_dir().join("SHA256SUMS");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; the 0.1.0 fixtures are missing", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (sum, file) = l
                .split_once("  ")
                .unwrap_or_else(|| panic!("{}: not a sha256sum line: {l:?}", path.display()));
            (file.to_string(), sum.to_string())
        })
        .collect()
}

/// The 0.1.0 artifact `name`, loaded only if its bytes are the ones `SHA256SUMS` records.
fn load_previous(name: &str) -> VmContract {
    let file = format!("{name}.wasm");
    let expected = previous_checksums()
        .remove(&file)
        .unwrap_or_else(|| panic!("SHA256SUMS has no {file}"));
    let contract = VmContract::load_path(name, &fixtures_dir().join(&file))
        .unwrap_or_else(|e| panic!("loading the {PREVIOUS} fixture {file}: {e:#}"));
    assert_eq!(
        contract.checksum().to_hex(),
        expected,
        "fixtures/v{PREVIOUS}/{file} is not the artifact SHA256SUMS records"
    );
    contract
}

fn current_code(name: &str) -> PathBuf {
    let path = artifacts_dir().join(format!("{name}.wasm"));
    assert!(
        path.is_file(),
        "{} is missing: run scripts/build-wasm.sh",
        path.display()
    );
    path
}

/// The crate's cw2 name: `spice_token` -> `crates.io:spice-token`.
fn cw2_name(name: &str) -> String {
    format!("crates.io:{}", name.replace('_', "-"))
}

/// The contract's tag in event types (`spice.<tag>.<action>`).
fn event_tag(name: &str) -> &'static str {
    match name {
        "spice_token" => "token",
        "staking_vault" => "vault",
        "buyback_burn" => "buyback",
        "provider_incentives" => "incentives",
        "order_book" => "order_book",
        "rollover_escrow" => "escrow",
        other => panic!("unknown contract {other}"),
    }
}

// ---------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------

fn exec(c: &mut VmContract, sender: &str, msg: Value, funds: &[Coin]) -> Response {
    c.execute(sender, &msg, funds)
        .unwrap_or_else(|e| panic!("{msg}: {e}"))
        .response
}

/// The value of `key` in the response's events.
fn attr(response: &Response, key: &str) -> String {
    response
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .chain(&response.attributes)
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
        .unwrap_or_else(|| panic!("no attribute {key:?} in {response:?}"))
}

fn query(c: &mut VmContract, msg: &Value) -> Value {
    c.query_json::<Value>(msg)
        .unwrap_or_else(|e| panic!("query {msg}: {e:#}"))
        .0
}

/// The raw `contract_info` key cw2 keeps: what `wasmd query wasm contract-state raw` shows.
fn cw2_info(c: &VmContract) -> (String, String) {
    let raw = c
        .storage()
        .peek(b"contract_info")
        .expect("no cw2 contract_info stored");
    let info: Value = serde_json::from_slice(&raw).expect("contract_info is JSON");
    (
        info["contract"].as_str().expect("contract").to_string(),
        info["version"].as_str().expect("version").to_string(),
    )
}

/// The raw store without cw2's `contract_info`, which a migration rewrites.
fn state_without_version(c: &mut VmContract) -> Vec<(Vec<u8>, Vec<u8>)> {
    let records: Vec<_> = c
        .storage_records()
        .into_iter()
        .filter(|(key, _)| key.as_slice() != b"contract_info")
        .collect();
    assert!(records.len() > 3, "no state to migrate");
    records
}

/// Every query's raw answer, in order.
fn snapshot(c: &mut VmContract, queries: &[Value]) -> Vec<String> {
    queries
        .iter()
        .map(|q| {
            let (answer, _) = c.query(q).unwrap_or_else(|e| panic!("query {q}: {e}"));
            String::from_utf8(answer.to_vec()).expect("query answers are JSON")
        })
        .collect()
}

/// A field the current release added to a query answer, with the value a contract migrated
/// from 0.1.0 state must answer in it (its stored records predate the field and take their
/// `#[serde(default)]`, or the migration sets it).
struct Added {
    /// The query's name: the top-level key of the query message.
    query: &'static str,
    /// Where the field sits in the answer: object keys, `*` for every element of an array.
    /// The last key is the added field.
    path: &'static [&'static str],
    /// What the migrated contract answers there.
    value: Value,
    /// `None` for a field the release added. `Some(old)` for the rare answer the release
    /// changed on purpose: the 0.1.0 code answered `old` there, the current code `value`.
    was: Option<Value>,
}

fn added(query: &'static str, path: &'static [&'static str], value: Value) -> Added {
    Added {
        query,
        path,
        value,
        was: None,
    }
}

/// An answer the release changed on purpose (see `Added::was`); reported, not hidden.
fn changed(query: &'static str, path: &'static [&'static str], was: Value, value: Value) -> Added {
    Added {
        query,
        path,
        value,
        was: Some(was),
    }
}

/// The name of the query `q`: `{"config":{}}` -> `config`.
fn query_name(q: &Value) -> &str {
    q.as_object()
        .and_then(|o| o.keys().next())
        .map(String::as_str)
        .unwrap_or_else(|| panic!("not a query message: {q}"))
}

/// Checks and removes the field at `path` in every object `at` reaches; returns how many
/// fields it found.
fn strip_added(at: &mut Value, path: &[&str], expected: &Value, what: &str) -> usize {
    match path {
        [] => unreachable!("an added field has a name"),
        ["*", rest @ ..] => match at {
            Value::Array(items) => items
                .iter_mut()
                .map(|item| strip_added(item, rest, expected, what))
                .sum(),
            // An absent list (`null`) has no elements to carry the field.
            Value::Null => 0,
            other => panic!("{what}: expected an array, found {other}"),
        },
        [field] => {
            let shown = at.to_string();
            let object = at
                .as_object_mut()
                .unwrap_or_else(|| panic!("{what}: expected an object, found {shown}"));
            let value = object
                .remove(*field)
                .unwrap_or_else(|| panic!("{what}: the added field {field:?} is missing"));
            assert_eq!(
                &value, expected,
                "{what}: the added field {field:?} does not answer its default"
            );
            1
        }
        [key, rest @ ..] => {
            let shown = at.to_string();
            let inner = at
                .get_mut(*key)
                .unwrap_or_else(|| panic!("{what}: no {key:?} in {shown}"));
            strip_added(inner, rest, expected, what)
        }
    }
}

/// The migrated contract answers every query exactly as before, except for the fields the
/// current release documents as added (`added`): each of those must be there, with its
/// default, and nothing else may differ. An answer without added fields must be
/// byte-identical; one with added fields must be identical JSON once they are removed.
/// Every entry of `added` must match at least one field, so the list cannot go stale.
fn assert_same_answers(
    what: &str,
    queries: &[Value],
    added: &[Added],
    before: &[String],
    after: &[String],
) {
    let mut used = vec![false; added.len()];
    for ((q, b), a) in queries.iter().zip(before).zip(after) {
        let name = query_name(q);
        let fields: Vec<_> = added
            .iter()
            .enumerate()
            .filter(|(_, f)| f.query == name)
            .collect();
        if fields.is_empty() {
            if b != a {
                eprintln!("DIFF {what} {q}\nB {b}\nA {a}");
            }
            continue;
        }
        let mut old: Value = serde_json::from_str(b).expect("query answers are JSON");
        let mut new: Value = serde_json::from_str(a).expect("query answers are JSON");
        for (i, f) in fields {
            let at = format!("{what}: query {q}, {}", f.path.join("."));
            let found = strip_added(&mut new, f.path, &f.value, &at);
            if let Some(was) = &f.was {
                let had = strip_added(&mut old, f.path, was, &format!("{at} (before)"));
                assert_eq!(had, found, "{at}: changed in some places only");
            }
            used[i] |= found > 0;
        }
        assert_eq!(
            old, new,
            "{what}: query {q} answers differently besides the added fields\n  raw before: {b}\n  raw after:  {a}"
        );
    }
    for (f, used) in added.iter().zip(used) {
        assert!(
            used,
            "{what}: no answer had the added field {}.{}",
            f.query,
            f.path.join(".")
        );
    }
}

fn empty_reply(id: u64, msg_responses: Vec<MsgResponse>) -> Reply {
    #[allow(deprecated)]
    Reply {
        id,
        payload: Binary::default(),
        gas_used: 0,
        result: SubMsgResult::Ok(SubMsgResponse {
            events: vec![],
            data: None,
            msg_responses,
        }),
    }
}

/// The reply to a swap submessage that paid out `amount_out`: `MsgSwapExactAmountInResponse`
/// with `token_out_amount` (field 1, a string).
fn swap_reply(id: u64, amount_out: &str) -> Reply {
    assert!(amount_out.len() < 128, "one-byte protobuf length");
    let mut value = vec![0x0a, amount_out.len() as u8];
    value.extend_from_slice(amount_out.as_bytes());
    empty_reply(
        id,
        vec![MsgResponse {
            type_url: "/osmosis.poolmanager.v1beta1.MsgSwapExactAmountInResponse".into(),
            value: Binary::from(value),
        }],
    )
}

/// Osmosis' answers for pool 1, a balanced pool of `denoms` quoting 0.5 of one per the other
/// (spot = TWAP), in the JSON wasmd returns for stargate queries; enough for routes,
/// conversions and buybacks.
fn osmosis_answers(denoms: [&str; 2]) -> StargateHandler {
    osmosis_answers_quoting(denoms, "499000")
}

/// `osmosis_answers`, with the pool quoting `estimate` out for any swap.
fn osmosis_answers_quoting(denoms: [&str; 2], estimate: &str) -> StargateHandler {
    let [a, b, estimate] = [denoms[0], denoms[1], estimate].map(str::to_string);
    Box::new(move |path, _request| osmosis_answer(path, &a, &b, &estimate))
}

fn osmosis_answer(path: &str, a: &str, b: &str, estimate: &str) -> Result<Binary, String> {
    let json = match path {
        "/osmosis.poolmanager.v1beta1.Query/Pool" => json!({ "pool": {
            "@type": "/osmosis.gamm.v1beta1.Pool",
            "address": addr("pool1"),
            "id": "1",
            "pool_params": { "swap_fee": "0.002000000000000000", "exit_fee": "0.000000000000000000",
                             "smooth_weight_change_params": null },
            "future_pool_governor": "",
            "total_shares": { "denom": "gamm/pool/1", "amount": "100000000000000000000" },
            "pool_assets": [
                { "token": { "denom": a, "amount": "1000000000000" }, "weight": "1073741824" },
                { "token": { "denom": b, "amount": "2000000000000" }, "weight": "1073741824" },
            ],
            "total_weight": "2147483648",
        } }),
        "/osmosis.poolmanager.v1beta1.Query/SpotPrice" => {
            json!({ "spot_price": "0.500000000000000000" })
        }
        "/osmosis.twap.v1beta1.Query/ArithmeticTwapToNow" => {
            json!({ "arithmetic_twap": "0.500000000000000000" })
        }
        // Mainnet's default taker fee, which the swap guard deducts per hop.
        "/osmosis.poolmanager.v1beta1.Query/TradingPairTakerFee" => {
            json!({ "taker_fee": "0.001000000000000000" })
        }
        "/osmosis.poolmanager.v1beta1.Query/EstimateSwapExactAmountIn" => {
            json!({ "token_out_amount": estimate })
        }
        other => return Err(format!("not emulated: {other}")),
    };
    Ok(Binary::from(
        serde_json::to_vec(&json).map_err(|e| e.to_string())?,
    ))
}

/// A stored record (raw key) that `migrate` rewrites, filling in `field` (a top-level key of
/// the JSON record) with `value`; the rest of the record must stay as it was.
struct Rewritten {
    key: &'static [u8],
    field: &'static str,
    value: Value,
}

/// The store after the migration is the store before it, except the `rewritten` records, which
/// differ only by their filled-in field.
fn assert_rewritten(
    name: &str,
    before: &[(Vec<u8>, Vec<u8>)],
    after: &[(Vec<u8>, Vec<u8>)],
    rewritten: &[Rewritten],
) {
    let keys = |records: &[(Vec<u8>, Vec<u8>)]| -> Vec<Vec<u8>> {
        records.iter().map(|(k, _)| k.clone()).collect()
    };
    assert_eq!(
        keys(before),
        keys(after),
        "{name}: the migration added or removed stored records"
    );
    for r in rewritten {
        assert!(
            before.iter().any(|(k, _)| k.as_slice() == r.key),
            "{name}: no stored record {:?} to rewrite",
            String::from_utf8_lossy(r.key)
        );
    }
    for ((key, old), (_, new)) in before.iter().zip(after) {
        let shown = String::from_utf8_lossy(key);
        let Some(r) = rewritten.iter().find(|r| r.key == key.as_slice()) else {
            assert!(
                old == new,
                "{name}: the migration changed the stored record {shown:?}"
            );
            continue;
        };
        let old: Value = serde_json::from_slice(old).expect("a JSON record");
        let mut new: Value = serde_json::from_slice(new).expect("a JSON record");
        assert!(
            old.get(r.field).is_none(),
            "{name}: {shown:?} already had {:?}: {old}",
            r.field
        );
        let filled = new
            .as_object_mut()
            .and_then(|o| o.remove(r.field))
            .unwrap_or_else(|| {
                panic!(
                    "{name}: the migration did not fill in {shown:?}.{}",
                    r.field
                )
            });
        assert_eq!(filled, r.value, "{name}: {shown:?}.{}", r.field);
        assert_eq!(
            old, new,
            "{name}: the migration changed {shown:?} besides {:?}",
            r.field
        );
    }
}

// ---------------------------------------------------------------------------------------
// The migration and its refusals, the same for every contract
// ---------------------------------------------------------------------------------------

/// Migrates `c` (running the 0.1.0 code `name`, with state) to the current code as `admin`
/// and checks: the migrate event, the cw2 version, `queries` answering as before; that the
/// 0.1.0 code and a foreign contract's code are refused and leave code and state alone; that
/// re-running the migration at the same version is allowed.
fn migrate_and_check(
    c: &mut VmContract,
    name: &str,
    admin: &str,
    queries: &[Value],
    added: &[Added],
    rewritten: &[Rewritten],
) {
    let crate_name = cw2_name(name);
    assert_eq!(
        cw2_info(c),
        (crate_name.clone(), PREVIOUS.to_string()),
        "{name}: the fixture is not the {PREVIOUS} release"
    );
    assert_ne!(PREVIOUS, CURRENT, "the workspace version was not bumped");
    let before = snapshot(c, queries);
    let raw_before = state_without_version(c);

    let previous = c.checksum();
    let current = c
        .store_code_path(&current_code(name))
        .expect("storing the current code");
    assert_ne!(
        previous, current,
        "{name}: the current code is the {PREVIOUS} code"
    );

    let migrated = c
        .migrate(admin, &current, &json!({}))
        .unwrap_or_else(|e| panic!("{name}: migrating {PREVIOUS} -> {CURRENT}: {e}"));
    assert_eq!(c.checksum(), current, "{name}: runs the new code");
    eprintln!("{name}: migrate {PREVIOUS} -> {CURRENT}: {migrated}");
    let event_type = format!("spice.{}.migrate", event_tag(name));
    let event = migrated
        .response
        .events
        .iter()
        .find(|e| e.ty == event_type)
        .unwrap_or_else(|| panic!("{name}: no {event_type} event in {:?}", migrated.response));
    let attrs: BTreeMap<&str, &str> = event
        .attributes
        .iter()
        .map(|a| (a.key.as_str(), a.value.as_str()))
        .collect();
    assert_eq!(
        attrs.get("from_version"),
        Some(&PREVIOUS),
        "{name}: {event:?}"
    );
    assert_eq!(attrs.get("to_version"), Some(&CURRENT), "{name}: {event:?}");
    assert!(
        migrated.response.messages.is_empty(),
        "{name}: the migration sends nothing"
    );
    assert_eq!(cw2_info(c), (crate_name.clone(), CURRENT.to_string()));
    let after = snapshot(c, queries);
    assert_same_answers(
        &format!("{name} after migrating"),
        queries,
        added,
        &before,
        &after,
    );
    // Nothing but the version and the records `rewritten` lists may have moved, and those only
    // by the field the migration fills in.
    let raw_after = state_without_version(c);
    assert_rewritten(name, &raw_before, &raw_after, rewritten);

    // Back to the 0.1.0 code: its migrate handler must refuse the newer state.
    let downgrade = c
        .migrate(admin, &previous, &json!({}))
        .expect_err("a downgrade must be refused");
    assert_eq!(
        downgrade.contract_message(),
        Some(
            format!("cannot migrate from version {CURRENT} to the older version {PREVIOUS}")
                .as_str()
        ),
        "{name}: {downgrade}"
    );
    assert_eq!(
        c.checksum(),
        current,
        "{name}: a refused downgrade keeps the code"
    );
    assert_eq!(cw2_info(c), (crate_name.clone(), CURRENT.to_string()));

    // Another contract's code onto this state.
    let foreign = if name == "spice_token" {
        "order_book"
    } else {
        "spice_token"
    };
    let foreign_code = c
        .store_code_path(&current_code(foreign))
        .expect("storing the foreign code");
    let refused = c
        .migrate(admin, &foreign_code, &json!({}))
        .expect_err("a foreign contract's code must be refused");
    assert_eq!(
        refused.contract_message(),
        Some(
            format!(
                "cannot migrate: the stored contract is {crate_name}, this code is {}",
                cw2_name(foreign)
            )
            .as_str()
        ),
        "{name}: {refused}"
    );
    assert_eq!(
        c.checksum(),
        current,
        "{name}: a refused migration keeps the code"
    );
    assert_eq!(cw2_info(c), (crate_name.clone(), CURRENT.to_string()));

    // Governance may re-run a migration at the same version (one that only changes config).
    let again = c
        .migrate(admin, &current, &json!({}))
        .unwrap_or_else(|e| panic!("{name}: re-running the migration: {e}"));
    assert_eq!(attr(&again.response, "from_version"), CURRENT);

    assert!(
        state_without_version(c) == raw_after,
        "{name}: a refused migration changed storage"
    );
    let unchanged = snapshot(c, queries);
    assert_same_answers(
        &format!("{name} after the refused migrations"),
        queries,
        added,
        &before,
        &unchanged,
    );
}

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

#[test]
fn fixtures_are_the_six_previous_artifacts() {
    let sums = previous_checksums();
    let files: Vec<&str> = sums.keys().map(String::as_str).collect();
    assert_eq!(
        files,
        [
            "buyback_burn.wasm",
            "order_book.wasm",
            "provider_incentives.wasm",
            "rollover_escrow.wasm",
            "spice_token.wasm",
            "staking_vault.wasm",
        ]
    );
    for file in sums.keys() {
        let name = file.trim_end_matches(".wasm");
        // Checks the bytes against SHA256SUMS and that Osmosis would accept the upload.
        let contract = load_previous(name);
        assert!(contract.wasm_len() > 100_000, "{file} is not a contract");
        eprintln!(
            "{file}: {} bytes, sha256 {}",
            contract.wasm_len(),
            sums[file]
        );
    }
}

#[test]
fn migrating_to_code_never_stored_is_refused() {
    let mut c = load_previous("order_book");
    let before = c.checksum();
    let unknown = Checksum::generate(b"never uploaded");
    let err = c
        .migrate(&addr("dao"), &unknown, &json!({}))
        .expect_err("no such code");
    assert!(
        err.contract_message().is_none(),
        "the chain refuses, not the contract: {err}"
    );
    assert!(err.to_string().contains("was not stored"), "{err}");
    assert_eq!(c.checksum(), before);
}

// ---------------------------------------------------------------------------------------
// Per contract
// ---------------------------------------------------------------------------------------

#[test]
fn spice_token_migrates_with_balances_and_allowances() {
    if !artifacts_built("spice_token_migrates_with_balances_and_allowances") {
        return;
    }
    let name = "spice_token";
    let (dao, alice, bob, carol) = (addr("dao"), addr("alice"), addr("bob"), addr("carol"));
    let mut c = load_previous(name);
    c.instantiate(
        &dao,
        &json!({
            "name": "Spice",
            "symbol": "SPICE",
            "decimals": 6,
            "initial_balances": [
                { "address": alice, "amount": "1000000" },
                { "address": bob, "amount": "1000000" },
            ],
            "mint": { "minter": dao, "cap": "1000000000" },
            "marketing": { "project": "https://spice.example", "description": "SPICE",
                           "marketing": dao, "logo": null },
            "owner": dao,
        }),
        &[],
    )
    .expect("instantiate 0.1.0");
    exec(
        &mut c,
        &alice,
        json!({ "transfer": { "recipient": bob, "amount": "1000" } }),
        &[],
    );
    exec(
        &mut c,
        &alice,
        json!({ "increase_allowance": { "spender": carol, "amount": "50000", "expires": null } }),
        &[],
    );
    exec(
        &mut c,
        &carol,
        json!({ "transfer_from": { "owner": alice, "recipient": carol, "amount": "20000" } }),
        &[],
    );
    exec(&mut c, &bob, json!({ "burn": { "amount": "3000" } }), &[]);
    exec(
        &mut c,
        &dao,
        json!({ "mint": { "recipient": carol, "amount": "7000" } }),
        &[],
    );
    exec(
        &mut c,
        &dao,
        json!({ "set_guardian": { "guardian": addr("guardian") } }),
        &[],
    );
    // Governance pauses a release before replacing it: the pause must outlive the migration.
    // A pause stops minting; transfers (exits) stay open (SECURITY.md).
    exec(&mut c, &addr("guardian"), json!({ "pause": {} }), &[]);

    let mut queries = vec![
        json!({ "token_info": {} }),
        json!({ "minter": {} }),
        json!({ "allowance": { "owner": alice, "spender": carol } }),
        json!({ "all_allowances": { "owner": alice } }),
        json!({ "all_spender_allowances": { "spender": carol } }),
        json!({ "all_accounts": {} }),
        json!({ "marketing_info": {} }),
        json!({ "config": {} }),
        json!({ "supply": {} }),
        json!({ "burn_stats": {} }),
        json!({ "burners": {} }),
        json!({ "ownership": {} }),
        json!({ "pause_info": {} }),
    ];
    for who in [&alice, &bob, &carol] {
        queries.push(json!({ "balance": { "address": who } }));
    }
    // 0.2.0 added to the answers (stored records read the serde defaults): nothing is
    // reserved for the native denom and its admin was never renounced.
    let new_fields = [
        added("config", &["native_admin_renounced"], json!(false)),
        added("supply", &["native_reserve"], json!("0")),
    ];
    migrate_and_check(&mut c, name, &dao, &queries, &new_fields, &[]);

    let mint = json!({ "mint": { "recipient": carol, "amount": "1000" } });
    let paused = c
        .execute(&dao, &mint, &[])
        .expect_err("still paused after the migration");
    assert!(
        paused
            .contract_message()
            .is_some_and(|m| m.contains("paused")),
        "{paused}"
    );
    exec(&mut c, &dao, json!({ "unpause": {} }), &[]);
    exec(&mut c, &dao, mint, &[]);

    // The allowance given before the migration is still spendable, down to the last unit.
    exec(
        &mut c,
        &carol,
        json!({ "transfer_from": { "owner": alice, "recipient": bob, "amount": "30000" } }),
        &[],
    );
    let over = c
        .execute(
            &carol,
            &json!({ "transfer_from": { "owner": alice, "recipient": bob, "amount": "1" } }),
            &[],
        )
        .expect_err("the allowance is spent");
    assert!(over.contract_message().is_some(), "{over}");
    exec(
        &mut c,
        &bob,
        json!({ "transfer": { "recipient": carol, "amount": "500" } }),
        &[],
    );
    let balance = |c: &mut VmContract, who: &str| {
        query(c, &json!({ "balance": { "address": who } }))["balance"].clone()
    };
    // alice: 1,000,000 - 1,000 - 20,000 - 30,000; bob: 1,000,000 + 1,000 - 3,000 + 30,000 - 500;
    // carol: 20,000 + 7,000 + 1,000 + 500.
    assert_eq!(balance(&mut c, &alice), json!("949000"));
    assert_eq!(balance(&mut c, &bob), json!("1027500"));
    assert_eq!(balance(&mut c, &carol), json!("28500"));
    let supply = query(&mut c, &json!({ "token_info": {} }));
    assert_eq!(supply["total_supply"], json!("2005000"));
}

#[test]
fn staking_vault_migrates_with_deposits_stake_and_proceeds() {
    use cosmwasm_std_vm::{Decimal, Validator};

    if !artifacts_built("staking_vault_migrates_with_deposits_stake_and_proceeds") {
        return;
    }
    let name = "staking_vault";
    let (dao, treasury, keeper) = (addr("dao"), addr("treasury"), addr("keeper"));
    let mut c = load_previous(name);
    c.set_stargate_handler(osmosis_answers([AKT, "uosmo"]));
    let validator = "osmovaloper1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjn5cxd";
    let validators = [Validator::create(
        validator.to_string(),
        Decimal::percent(5),
        Decimal::percent(20),
        Decimal::percent(1),
    )];
    c.querier_mut().update_staking(AKT, &validators, &[]);
    c.instantiate(
        &dao,
        &json!({
            "owner": dao,
            "akt_denom": AKT,
            "revenue_recipient": dao,
            "twap_window_seconds": 1800,
            "max_slippage": "0.02",
            "max_spot_deviation": "0.03",
            "keeper_bounty_bps": 20,
            "convert_cooldown_seconds": 3600,
            "strategy": { "native": { "validators": [{ "address": validator, "weight": 1 }] } },
        }),
        &[],
    )
    .expect("instantiate 0.1.0");
    exec(
        &mut c,
        &dao,
        json!({ "set_route": { "denom": "uosmo", "hops": [{ "pool_id": 1, "token_out_denom": AKT }] } }),
        &[],
    );
    exec(
        &mut c,
        &dao,
        json!({ "add_lp_position": { "position_id": 7 } }),
        &[],
    );
    exec(
        &mut c,
        &treasury,
        json!({ "deposit": {} }),
        &coins(1_000_000, AKT),
    );
    let staked = exec(&mut c, &keeper, json!({ "stake": {} }), &[]);
    assert!(!staked.messages.is_empty(), "stake delegates");
    // The delegation left the vault's bank; uosmo proceeds wait for conversion.
    let address = c.address().to_string();
    c.set_balance(&address, vec![]);
    exec(
        &mut c,
        &treasury,
        json!({ "deposit": {} }),
        &coins(2_000_000, "uosmo"),
    );
    exec(
        &mut c,
        &treasury,
        json!({ "deposit": {} }),
        &coins(300_000, AKT),
    );

    let queries = [
        json!({ "config": {} }),
        json!({ "status": {} }),
        json!({ "simulate_convert": { "denom": "uosmo" } }),
        json!({ "history": {} }),
        json!({ "routes": {} }),
        json!({ "lp_positions": {} }),
        json!({ "ownership": {} }),
        json!({ "pause_info": {} }),
    ];
    let status_before = query(&mut c, &json!({ "status": {} }));
    let history_before = query(&mut c, &json!({ "history": {} }));
    // 0.2.0 added to the answers: the conversion bounds and the daily loss limit read their
    // defaults, the new books start at zero, nothing is held.
    let new_fields = [
        added("config", &["min_convert_amount"], json!("1000000")),
        added("config", &["convert_epoch_seconds"], json!(86400)),
        added("config", &["convert_epoch_cap"], json!("100000000000")),
        added("config", &["max_daily_loss"], json!("0.1")),
        added("status", &["books", "returns_arrived"], json!("0")),
        added("status", &["books", "rewards_arrived"], json!("0")),
        added("status", &["books", "loss_day"], json!(0)),
        added("status", &["books", "loss_today"], json!("0")),
        added("status", &["books", "loss_base"], json!("0")),
        added("status", &["held"], json!([])),
        // Changed on purpose (issue 19): the swap guard deducts Osmosis' taker fee (0.1% here)
        // from the TWAP minimum, so the same refusal quotes a lower minimum.
        changed(
            "simulate_convert",
            &["refusal"],
            json!("1996007uosmo would buy 499000 AKT, below the TWAP minimum 978044"),
            json!("1996007uosmo would buy 499000 AKT, below the TWAP minimum 977066"),
        ),
    ];
    migrate_and_check(&mut c, name, &dao, &queries, &new_fields, &[]);

    // The uosmo deposited before the migration converts, and its swap reply lands.
    let convert = exec(
        &mut c,
        &keeper,
        json!({ "convert": { "denom": "uosmo", "limit": "1000000" } }),
        &[],
    );
    assert!(!convert.messages.is_empty(), "convert swaps: {convert:?}");
    let swap_id = convert.messages[0].id;
    c.reply(&swap_reply(swap_id, "499000"))
        .unwrap_or_else(|e| panic!("convert reply: {e}"));
    c.set_balance(&address, vec![coin(300_000 + 499_000, AKT)]);
    // Stake what is pending: the 300,000 AKT deposited before, and what the swap bought.
    exec(&mut c, &keeper, json!({ "stake": {} }), &[]);
    let status = query(&mut c, &json!({ "status": {} }));
    assert_ne!(
        status, status_before,
        "the vault moved on from the migrated state"
    );
    let history = query(&mut c, &json!({ "history": {} }));
    let entries = |h: &Value| h["entries"].as_array().cloned().unwrap_or_default();
    let (old, new) = (entries(&history_before), entries(&history));
    assert!(!old.is_empty(), "{history_before}");
    assert!(
        new.len() > old.len(),
        "convert and stake were recorded: {history}"
    );
    assert_eq!(
        new[..old.len()],
        old[..],
        "earlier entries are kept as they were"
    );
}

#[test]
fn buyback_burn_migrates_with_routes_and_history() {
    if !artifacts_built("buyback_burn_migrates_with_routes_and_history") {
        return;
    }
    let name = "buyback_burn";
    let (dao, keeper) = (addr("dao"), addr("keeper"));
    let token = addr("contract:spice_token");
    let spice = format!("factory/{token}/uspice");
    let mut c = load_previous(name);
    c.set_stargate_handler(osmosis_answers([AKT, &spice]));
    c.instantiate(
        &dao,
        &json!({
            "owner": dao,
            "spice_token": token,
            "spice_denom": spice,
            "twap_window_seconds": 1800,
            "max_slippage": "0.02",
            "max_spot_deviation": "0.03",
            "keeper_bounty_bps": 20,
            "cooldown_seconds": 3600,
            "per_call_cap": "1000000000",
            "epoch_cap": "10000000000",
            "epoch_seconds": 86400,
        }),
        &[],
    )
    .expect("instantiate 0.1.0");
    exec(
        &mut c,
        &dao,
        json!({ "set_route": { "denom": AKT, "hops": [{ "pool_id": 1, "token_out_denom": spice }] } }),
        &[],
    );
    let address = c.address().to_string();
    // `balance` AKT waiting, of which the 0.2% bounty is kept and the rest buys `out` SPICE.
    let buyback = |c: &mut VmContract, balance: u128, out: &str| {
        c.set_balance(&address, vec![coin(balance, AKT)]);
        let r = exec(
            c,
            &keeper,
            json!({ "buyback": { "denom": AKT, "limit": null } }),
            &[],
        );
        let id = r.messages.first().expect("buyback swaps").id;
        c.reply(&swap_reply(id, out))
            .unwrap_or_else(|e| panic!("buyback reply: {e}"))
            .response
    };
    buyback(&mut c, 1_000_000, "499000");
    c.advance_blocks(700, 4_000);

    let queries = [
        json!({ "config": {} }),
        json!({ "routes": {} }),
        json!({ "status": {} }),
        json!({ "simulate_buyback": { "denom": AKT, "limit": null } }),
        json!({ "history": {} }),
        json!({ "ownership": {} }),
        json!({ "pause_info": {} }),
    ];
    let history_before = query(&mut c, &json!({ "history": {} }));
    // 0.2.0 added `min_swap`: `migrate` stores the instantiate default, ⌈per_call_cap / 100⌉,
    // into the 0.1.0 config; nothing was burned from held SPICE.
    let new_fields = [
        added("config", &["min_swap"], json!("10000000")),
        added("status", &["spice_burned_held"], json!("0")),
        // The default minimum swap is above the 998,003 AKT waiting since before the
        // migration, so the same simulation now refuses: a consequence of the new default.
        changed(
            "simulate_buyback",
            &["amount_in"],
            json!("998003"),
            json!("0"),
        ),
        changed(
            "simulate_buyback",
            &["expected_out"],
            json!("499000"),
            json!("0"),
        ),
        changed(
            "simulate_buyback",
            &["min_out"],
            json!("489022"),
            json!("0"),
        ),
        changed(
            "simulate_buyback",
            &["twap_price"],
            json!("0.5"),
            Value::Null,
        ),
        changed(
            "simulate_buyback",
            &["spot_price"],
            json!("0.5"),
            Value::Null,
        ),
        changed("simulate_buyback", &["bounty"], json!("1996"), json!("0")),
        changed(
            "simulate_buyback",
            &["would_execute"],
            json!(true),
            json!(false),
        ),
        changed(
            "simulate_buyback",
            &["refusal"],
            Value::Null,
            json!(format!(
                "a buyback of 998003{AKT} is below the minimum swap 10000000; it would spend \
                 the cooldown on dust"
            )),
        ),
    ];
    let rewritten = [Rewritten {
        key: b"cfg",
        field: "min_swap",
        value: json!("10000000"),
    }];
    migrate_and_check(&mut c, name, &dao, &queries, &new_fields, &rewritten);

    // The 0.1.0-sized buyback is now below the minimum swap and is refused, changing nothing.
    let dust = c
        .execute(
            &keeper,
            &json!({ "buyback": { "denom": AKT, "limit": null } }),
            &[],
        )
        .expect_err("below the migrated minimum swap");
    assert!(
        dust.contract_message()
            .is_some_and(|m| m.contains("below the minimum swap 10000000")),
        "{dust}"
    );
    // The route set before the migration still buys back, past the old cooldown, at or above
    // the minimum swap: 20 AKT, 19.96 of it swapped at 0.5 (the pool quotes that much).
    c.set_stargate_handler(osmosis_answers_quoting([AKT, &spice], "9980000"));
    buyback(&mut c, 20_000_000, "9980000");
    let history = query(&mut c, &json!({ "history": {} }));
    let count = |h: &Value| h["buybacks"].as_array().map_or(0, Vec::len);
    assert_eq!(count(&history_before), 1, "{history_before}");
    assert_eq!(count(&history), 2, "{history}");
    assert_eq!(history["buybacks"][0], history_before["buybacks"][0]);
}

#[test]
fn provider_incentives_migrates_with_providers_reports_and_epochs() {
    if !artifacts_built("provider_incentives_migrates_with_providers_reports_and_epochs") {
        return;
    }
    const EPOCH: u64 = 604_800;
    const REPORT_WINDOW: u64 = 86_400;
    const DISPUTE_WINDOW: u64 = 172_800;
    let name = "provider_incentives";
    let (dao, oracle, auditor, escrow) =
        (addr("dao"), addr("oracle"), addr("auditor"), addr("escrow"));
    let (p1, p2) = (addr("provider1"), addr("provider2"));
    let mut c = load_previous(name);
    c.instantiate(
        &dao,
        &json!({
            "owner": dao,
            "reward_denoms": ["uosmo"],
            "epoch_seconds": EPOCH,
            "report_window_seconds": REPORT_WINDOW,
            "dispute_window_seconds": DISPUTE_WINDOW,
            "oracles": [oracle],
            "oracle_quorum": 1,
            "auditors": [auditor],
            "escrow": escrow,
        }),
        &[],
    )
    .expect("instantiate 0.1.0");
    let genesis = c.block_time().seconds();
    let set_time = |c: &mut VmContract, seconds: u64| {
        let delta = seconds - c.block_time().seconds();
        c.advance_blocks(delta / 6, delta);
    };
    set_time(&mut c, genesis + 60);
    for p in [&p1, &p2] {
        exec(
            &mut c,
            p,
            json!({ "register_provider": { "info": { "moniker": "prov", "host_uri": "https://prov.example:8443" } } }),
            &[],
        );
        exec(
            &mut c,
            &auditor,
            json!({ "audit_provider": { "provider": p, "tier": 1, "attributes": [] } }),
            &[],
        );
    }
    exec(
        &mut c,
        &addr("funder"),
        json!({ "fund": { "epoch": 0 } }),
        &coins(1_000_000, "uosmo"),
    );
    exec(
        &mut c,
        &escrow,
        json!({ "lease_settled": { "provider": p1, "lease_id": 1, "denom": AKT,
                                   "amount": "1000", "blocks": 100 } }),
        &[],
    );
    set_time(&mut c, genesis + EPOCH + 60);
    exec(
        &mut c,
        &oracle,
        json!({ "submit_report": { "epoch": 0, "entries": [
            { "provider": p1, "utilization_units": "1000" },
            { "provider": p2, "utilization_units": "500" },
        ] } }),
        &[],
    );

    let mut queries = vec![
        json!({ "config": {} }),
        json!({ "ownership": {} }),
        json!({ "pause_info": {} }),
        json!({ "epoch": { "epoch": 0 } }),
        json!({ "epoch": { "epoch": 1 } }),
        json!({ "providers": {} }),
    ];
    for p in [&p1, &p2] {
        queries.push(json!({ "provider": { "address": p } }));
        queries.push(json!({ "pending_rewards": { "provider": p } }));
        queries.push(json!({ "provider_audit": { "provider": p } }));
        queries.push(json!({ "dispute": { "epoch": 0, "provider": p } }));
    }
    // 0.2.0 added to the config (serde defaults): no value weights, no caps per provider, pair
    // or epoch, and disputes expire after 30 days.
    let new_fields = [
        added("config", &["value_weights"], json!([])),
        added(
            "config",
            &["max_weight_per_provider"],
            json!(u128::MAX.to_string()),
        ),
        added(
            "config",
            &["max_weight_per_pair"],
            json!(u128::MAX.to_string()),
        ),
        added("config", &["max_payout_per_epoch"], json!([])),
        added("config", &["dispute_deadline_seconds"], json!(2_592_000)),
    ];
    migrate_and_check(&mut c, name, &dao, &queries, &new_fields, &[]);

    // The epoch reported before the migration finalizes and pays out.
    set_time(&mut c, genesis + EPOCH + REPORT_WINDOW + 60);
    exec(
        &mut c,
        &addr("keeper"),
        json!({ "finalize_epoch": { "epoch": 0 } }),
        &[],
    );
    set_time(
        &mut c,
        genesis + EPOCH + REPORT_WINDOW + DISPUTE_WINDOW + 120,
    );
    let claim = exec(
        &mut c,
        &p1,
        json!({ "claim": { "epochs": null, "limit": null } }),
        &[],
    );
    assert_eq!(claim.messages.len(), 1, "one bank send: {claim:?}");
    let paid = format!("{:?}", claim.messages[0].msg);
    assert!(paid.contains("uosmo") && paid.contains(&p1), "{paid}");
    let again = c
        .execute(
            &p1,
            &json!({ "claim": { "epochs": null, "limit": null } }),
            &[],
        )
        .map(|r| r.response.messages.len());
    assert!(
        matches!(again, Ok(0) | Err(_)),
        "a second claim pays nothing: {again:?}"
    );
}

fn order_spec() -> Value {
    json!({
        "resources": { "cpu_millis": 1000, "memory_bytes": 1073741824u64, "storage_bytes": 8589934592u64,
                       "gpu": { "units": 0, "vendor": null, "model": null } },
        "region": null,
        "attributes": [],
        "signed_by": { "any_of": [], "all_of": [] },
    })
}

fn place_order(price: &str) -> Value {
    json!({ "place_order": { "spec": order_spec(), "max_price_per_block": price, "denom": AKT,
                             "expires_at": null, "replicas": 1 } })
}

fn post_offer(price: &str) -> Value {
    json!({ "post_offer": {
        "spec_capacity": {
            "resources": { "cpu_millis": 1000, "memory_bytes": 1073741824u64, "storage_bytes": 8589934592u64,
                           "gpu": { "units": 0, "vendor": null, "model": null } },
            "region": "eu-west",
            "attributes": [{ "key": "arch", "value": "amd64" }],
        },
        "price_per_block": price, "denom": AKT, "units": 2, "expires_at": null } })
}

#[test]
fn order_book_migrates_with_orders_and_offers() {
    if !artifacts_built("order_book_migrates_with_orders_and_offers") {
        return;
    }
    let name = "order_book";
    let (dao, keeper, provider) = (addr("dao"), addr("keeper"), addr("provider"));
    let (t1, t2) = (addr("tenant1"), addr("tenant2"));
    let deposit = coins(10_000_000, AKT);
    let mut c = load_previous(name);
    c.instantiate(
        &dao,
        &json!({
            "owner": dao,
            "escrow": addr("escrow"),
            "accepted_denoms": [AKT],
            "min_runway_blocks": 14400,
            "max_open_orders_per_tenant": 20,
        }),
        &[],
    )
    .expect("instantiate 0.1.0");
    let order_id = |r: &Response| attr(r, "order_id").parse::<u64>().expect("order_id");
    // A resting bid under the offer, and one that crosses it and is matched.
    let resting = order_id(&exec(&mut c, &t1, place_order("0.1"), &deposit));
    let offer = exec(&mut c, &provider, post_offer("0.5"), &[]);
    let offer_id: u64 = attr(&offer, "offer_id").parse().expect("offer_id");
    let crossing = order_id(&exec(&mut c, &t2, place_order("0.5"), &deposit));
    // A bid no offer crosses yet: it rests in 0.1.0's record layout and is matched after.
    let waiting = order_id(&exec(&mut c, &t2, place_order("0.2"), &deposit));
    let matched = exec(
        &mut c,
        &keeper,
        json!({ "match_orders": { "limit": 10 } }),
        &[],
    );
    assert!(
        !matched.messages.is_empty(),
        "the crossing order was filled: {matched:?}"
    );

    let class = query(
        &mut c,
        &json!({ "resource_class": { "resources": order_spec()["resources"] } }),
    );
    let class = class["order_class"]
        .as_str()
        .expect("an order class")
        .to_string();
    let queries = [
        json!({ "config": {} }),
        json!({ "ownership": {} }),
        json!({ "pause_info": {} }),
        json!({ "order": { "order_id": resting } }),
        json!({ "order": { "order_id": crossing } }),
        json!({ "orders": {} }),
        json!({ "orders": { "tenant": t1 } }),
        json!({ "offer": { "offer_id": offer_id } }),
        json!({ "offers": {} }),
        json!({ "depth": { "resource_class": class, "denom": AKT } }),
        json!({ "resource_class": { "resources": order_spec()["resources"] } }),
    ];
    let order_before = query(&mut c, &json!({ "order": { "order_id": resting } }));
    // 0.2.0's `offer_deposit` / `deposit` are omitted while `None`, which every 0.1.0 record
    // reads: the answers are unchanged.
    migrate_and_check(&mut c, name, &dao, &queries, &[], &[]);

    // The order placed before the migration is cancelled and its deposit refunded.
    let cancel = exec(
        &mut c,
        &t1,
        json!({ "cancel_order": { "order_id": resting } }),
        &[],
    );
    let refund = format!("{:?}", cancel.messages.first().expect("a refund").msg);
    assert!(refund.contains(&t1) && refund.contains(AKT), "{refund}");
    let order = query(&mut c, &json!({ "order": { "order_id": resting } }));
    assert_ne!(order["status"], order_before["status"], "{order}");
    assert_eq!(order["status"], json!("cancelled"), "{order}");

    // The bid 0.1.0 wrote (record, price level, bid key) is matched by a new offer: the
    // compact layout reads it, and the fill writes it back in the new layout.
    let provider2 = addr("provider2");
    exec(&mut c, &provider2, post_offer("0.2"), &[]);
    // Since 0.2.0 a match first reads the escrow's rules: not paused, takes AKT.
    c.querier_mut().update_wasm(|q| {
        use cosmwasm_std_vm::{ContractResult, SystemResult, WasmQuery, to_json_binary};
        let answer = match q {
            WasmQuery::Smart { msg, .. } if msg.as_slice().starts_with(b"{\"pause_info\"") => {
                to_json_binary(&json!({ "paused": false, "guardian": null,
                                        "last_changed_by": null, "last_changed_height": null }))
            }
            _ => to_json_binary(&json!({ "accepted_denoms": [AKT], "max_backups": 5 })),
        };
        SystemResult::Ok(ContractResult::Ok(answer.expect("escrow answer")))
    });
    let matched = exec(
        &mut c,
        &keeper,
        json!({ "match_orders": { "limit": 10 } }),
        &[],
    );
    assert!(
        !matched.messages.is_empty(),
        "the old bid was filled: {matched:?}"
    );
    let order = query(&mut c, &json!({ "order": { "order_id": waiting } }));
    assert_eq!(order["status"], json!("filled"), "{order}");
    assert_eq!(order["filled_replicas"], json!(1), "{order}");
}

#[test]
fn rollover_escrow_migrates_with_leases_balances_and_grants() {
    if !artifacts_built("rollover_escrow_migrates_with_leases_balances_and_grants") {
        return;
    }
    let name = "rollover_escrow";
    let (dao, tenant, provider, backup) = (
        addr("dao"),
        addr("tenant"),
        addr("provider"),
        addr("backup"),
    );
    let mut c = load_previous(name);
    c.instantiate(
        &dao,
        &json!({
            "owner": dao,
            "accepted_denoms": [AKT, "uusdc"],
            "take_fee_bps": 100,
            "fee_collector": addr("fee-collector"),
            "grace_period_blocks": 600,
            "heartbeat_timeout_blocks": 100,
            "order_book": addr("order-book"),
            "keeper_bounty_bps": 10,
            "incentives": addr("incentives"),
        }),
        &[],
    )
    .expect("instantiate 0.1.0");
    let open = |c: &mut VmContract, provider: &str, backups: Value| {
        let r = exec(
            c,
            &tenant,
            json!({ "open_lease": { "tenant": null, "provider": provider, "price_per_block": "1.5",
                                    "denom": AKT, "backups": backups, "spec_ref": "sdl-hash",
                                    "order_id": null } }),
            &coins(1_000_000, AKT),
        );
        attr(&r, "lease_id").parse::<u64>().expect("lease_id")
    };
    let active = open(
        &mut c,
        &provider,
        json!([{ "provider": backup, "price_per_block": "1.6" }]),
    );
    exec(
        &mut c,
        &provider,
        json!({ "accept_lease": { "lease_id": active } }),
        &[],
    );
    let pending = open(&mut c, &addr("provider2"), json!([]));
    c.advance_blocks(100, 600);
    exec(
        &mut c,
        &addr("keeper"),
        json!({ "settle": { "lease_id": active } }),
        &[],
    );
    exec(
        &mut c,
        &tenant,
        json!({ "fund_balance": {} }),
        &coins(400_000, AKT),
    );
    exec(
        &mut c,
        &tenant,
        json!({ "grant": { "grantee": addr("keeper"), "spend_limit": coin(100_000, AKT), "expiration": null } }),
        &[],
    );

    let queries = [
        json!({ "config": {} }),
        json!({ "ownership": {} }),
        json!({ "pause_info": {} }),
        json!({ "lease": { "lease_id": active } }),
        json!({ "lease": { "lease_id": pending } }),
        json!({ "leases_by_tenant": { "tenant": tenant } }),
        json!({ "leases_by_provider": { "provider": provider } }),
        json!({ "leases_below_threshold": { "runway_blocks": 10_000_000 } }),
        json!({ "grant": { "granter": tenant, "grantee": addr("keeper") } }),
        json!({ "balance": { "owner": tenant, "denom": AKT } }),
    ];
    let lease_before = query(&mut c, &json!({ "lease": { "lease_id": active } }));
    // 0.2.0 added the sponsor deposit floor (serde default) and whether a backup accepted its
    // role (no 0.1.0 backup did).
    let new_fields = [
        added("config", &["min_sponsor_deposit"], json!("1000")),
        added("lease", &["backups", "*", "accepted"], json!(false)),
        added(
            "leases_by_tenant",
            &["leases", "*", "backups", "*", "accepted"],
            json!(false),
        ),
        added(
            "leases_by_provider",
            &["leases", "*", "backups", "*", "accepted"],
            json!(false),
        ),
    ];
    migrate_and_check(&mut c, name, &dao, &queries, &new_fields, &[]);

    // The lease opened before the migration keeps streaming: the provider withdraws what
    // accrued, and the tenant tops it up.
    c.advance_blocks(50, 300);
    let withdraw = exec(
        &mut c,
        &provider,
        json!({ "withdraw": { "lease_id": active } }),
        &[],
    );
    let paid = format!("{:?}", withdraw.messages);
    assert!(paid.contains(&provider), "the provider is paid: {paid}");
    exec(
        &mut c,
        &tenant,
        json!({ "deposit": { "lease_id": active } }),
        &coins(500_000, AKT),
    );
    let lease = query(&mut c, &json!({ "lease": { "lease_id": active } }));
    assert_eq!(lease["status"], lease_before["status"], "{lease}");
    assert_ne!(lease, lease_before, "{lease}");
}
