//! Osmosis answers a contract's stargate queries only on its whitelist: the emulation refuses
//! the rest like the chain, and every query the SPICE contracts make is on the list.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cosmwasm_std::{
    from_json, Binary, ContractResult, Empty, GrpcQuery, Querier, QuerierResult, QuerierWrapper,
    QueryRequest, SystemResult,
};
use osmosis_std::types::osmosis::poolmanager::v1beta1 as pm;
use osmosis_std::types::osmosis::tokenfactory::v1beta1 as tf;
use osmosis_std::types::osmosis::twap::v1beta1 as twap;

use crate::whitelist::{is_whitelisted, STARGATE_WHITELIST};
use crate::{osmosis_app, OsmosisApp};

/// A querier that records the path of the one stargate query it is asked and answers `{}`.
#[derive(Default)]
struct PathRecorder(std::cell::RefCell<Vec<String>>);

impl Querier for PathRecorder {
    fn raw_query(&self, bin_request: &[u8]) -> QuerierResult {
        let request: QueryRequest<Empty> = from_json(bin_request).unwrap();
        #[allow(deprecated)]
        let path = match request {
            QueryRequest::Stargate { path, .. } => path,
            QueryRequest::Grpc(GrpcQuery { path, .. }) => path,
            other => panic!("not a chain query: {other:?}"),
        };
        self.0.borrow_mut().push(path);
        SystemResult::Ok(ContractResult::Ok(Binary::from(b"{}".to_vec())))
    }
}

#[allow(deprecated)]
fn path_of(request: QueryRequest<Empty>) -> String {
    match request {
        QueryRequest::Stargate { path, .. } => path,
        other => panic!("not a stargate query: {other:?}"),
    }
}

/// The path of every osmosis-std query the suite's code may use, taken from osmosis-std itself
/// (the request's own `Into<QueryRequest>`, or the querier helper's request), by the name that
/// appears in the source.
fn known_queries() -> BTreeMap<&'static str, String> {
    let helper = |call: &dyn Fn(&QuerierWrapper)| {
        let recorder = PathRecorder::default();
        call(&QuerierWrapper::new(&recorder));
        let paths = recorder.0.into_inner();
        assert_eq!(paths.len(), 1, "one query per helper call");
        paths[0].clone()
    };
    BTreeMap::from([
        (
            "ArithmeticTwapToNowRequest",
            path_of(twap::ArithmeticTwapToNowRequest::default().into()),
        ),
        (
            "EstimateSwapExactAmountInRequest",
            path_of(pm::EstimateSwapExactAmountInRequest::default().into()),
        ),
        ("PoolRequest", path_of(pm::PoolRequest::default().into())),
        (
            "SpotPriceRequest",
            path_of(pm::SpotPriceRequest::default().into()),
        ),
        (
            "TradingPairTakerFeeRequest",
            path_of(pm::TradingPairTakerFeeRequest::default().into()),
        ),
        (
            "TokenfactoryQuerier::params",
            helper(&|q| {
                // The answer `{}` may not parse; only the path matters.
                let _ignored_answer = tf::TokenfactoryQuerier::new(q).params();
            }),
        ),
    ])
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The `.rs` files of the contracts and of the packages they link (not this emulation, not
/// test code).
fn production_sources() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("contracts"))
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .collect();
    for package in [
        "spice-osmosis",
        "spice-types",
        "spice-governance",
        "spice-interfaces",
    ] {
        dirs.push(root.join("packages").join(package).join("src"));
    }
    let mut files = vec![];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if name != "tests" {
                    dirs.push(path);
                }
            } else if name.ends_with(".rs") && name != "tests.rs" && !name.starts_with("tests_") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The chain queries a source names: osmosis-std request types (`…Request`, but not
/// cosmwasm's `QueryRequest`) and querier helper calls (`XQuerier::new(..).method`).
fn queries_named_in(source: &str) -> BTreeSet<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut found = BTreeSet::new();
    for word in source.split(|c: char| !ident(c)) {
        if word.ends_with("Request")
            && word.len() > "Request".len()
            && word.starts_with(|c: char| c.is_ascii_uppercase())
            && word != "QueryRequest"
        {
            found.insert(word.to_string());
        }
    }
    let mut rest = source;
    while let Some(at) = rest.find("Querier::new(") {
        let name_start = rest[..at].rfind(|c: char| !ident(c)).map_or(0, |i| i + 1);
        let name = &rest[name_start..at];
        let after = &rest[at + "Querier::new(".len()..];
        let mut depth = 1;
        let close = after
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map(|(i, _)| i)
            .expect("balanced parentheses");
        let tail = after[close + 1..].trim_start();
        if let Some(call) = tail.strip_prefix('.') {
            let method: String = call.chars().take_while(|&c| ident(c)).collect();
            if !["MockQuerier", ""].contains(&name) {
                found.insert(format!("{name}Querier::{method}"));
            }
        }
        rest = after;
    }
    found
}

#[test]
fn every_stargate_query_the_contracts_make_is_on_osmosis_whitelist() {
    let known = known_queries();
    let mut used = BTreeMap::<String, Vec<String>>::new();
    for file in production_sources() {
        let source = std::fs::read_to_string(&file).unwrap();
        for query in queries_named_in(&source) {
            used.entry(query)
                .or_default()
                .push(file.display().to_string());
        }
    }
    // The scan sees the queries we know the contracts make (so it is not scanning nothing).
    for expected in [
        "ArithmeticTwapToNowRequest",
        "SpotPriceRequest",
        "EstimateSwapExactAmountInRequest",
        "TradingPairTakerFeeRequest",
        "PoolRequest",
        "TokenfactoryQuerier::params",
    ] {
        assert!(
            used.contains_key(expected),
            "{expected} not found: {used:?}"
        );
    }
    for (query, files) in &used {
        let path = known.get(query.as_str()).unwrap_or_else(|| {
            panic!("{query} (in {files:?}) is a chain query this test does not know: add it to known_queries()")
        });
        assert!(
            is_whitelisted(path),
            "{query} queries {path}, which Osmosis refuses to contracts (used in {files:?})"
        );
    }
}

#[test]
fn the_scan_finds_requests_and_querier_helpers_but_not_cosmwasm_requests() {
    let found = queries_named_in(
        "let q: QueryRequest = PoolRequest { pool_id }.into();\n\
         let p = TokenfactoryQuerier::new(&deps.querier).params()?;\n\
         let r = PoolmanagerQuerier::new(&f(x)).all_pools()?;",
    );
    assert_eq!(
        found,
        BTreeSet::from([
            "PoolRequest".to_string(),
            "TokenfactoryQuerier::params".to_string(),
            "PoolmanagerQuerier::all_pools".to_string(),
        ])
    );
}

fn refusal(app: &OsmosisApp, request: QueryRequest<Empty>) -> String {
    app.wrap()
        .query::<serde_json::Value>(&request)
        .unwrap_err()
        .to_string()
}

#[test]
fn queries_off_the_whitelist_are_refused_like_the_chain_refuses_them() {
    let app = osmosis_app();
    for (request, path) in [
        (
            tf::QueryDenomsFromCreatorRequest {
                creator: app.api().addr_make("creator").to_string(),
            }
            .into(),
            "/osmosis.tokenfactory.v1beta1.Query/DenomsFromCreator",
        ),
        (
            pm::AllPoolsRequest {}.into(),
            "/osmosis.poolmanager.v1beta1.Query/AllPools",
        ),
    ] {
        let error = refusal(&app, request);
        assert!(
            error.contains(&format!("'{path}' path is not allowed from the contract")),
            "{error}"
        );
    }
    // the same paths over gRPC
    let error = refusal(
        &app,
        QueryRequest::Grpc(GrpcQuery {
            path: "/cosmos.bank.v1beta1.Query/AllBalances".to_string(),
            data: Binary::default(),
        }),
    );
    assert!(
        error.contains("'/cosmos.bank.v1beta1.Query/AllBalances' path is not allowed"),
        "{error}"
    );
    // Control: a whitelisted path is answered.
    let answer: pm::NumPoolsResponse = app
        .wrap()
        .query(&pm::NumPoolsRequest {}.into())
        .expect("NumPools is whitelisted");
    assert_eq!(answer.num_pools, 0);
    assert!(is_whitelisted(
        "/osmosis.poolmanager.v1beta1.Query/TradingPairTakerFee"
    ));
    assert_eq!(STARGATE_WHITELIST.len(), 92);
}
