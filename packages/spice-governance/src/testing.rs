//! One conformance check for the governance wiring of every contract: each contract's tests call
//! [`check_governance_wiring`] with its entry points, so the six contracts cannot drift apart on
//! who may pause, unpause, transfer ownership or migrate.

use std::fmt::Debug;

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi, MockQuerier};
use cosmwasm_std::{
    from_json, Addr, Binary, Deps, DepsMut, Env, MemoryStorage, MessageInfo, OwnedDeps, Response,
};
use serde::de::DeserializeOwned;

use crate::{Ownership, PauseInfoResponse};

pub type TestDeps = OwnedDeps<MemoryStorage, MockApi, MockQuerier>;

/// A contract's entry points, as the conformance check drives them.
pub struct EntryPoints<I, X, Q, M, E> {
    pub instantiate: fn(DepsMut, Env, MessageInfo, I) -> Result<Response, E>,
    pub execute: fn(DepsMut, Env, MessageInfo, X) -> Result<Response, E>,
    pub query: fn(Deps, Env, Q) -> Result<Binary, E>,
    pub migrate: fn(DepsMut, Env, M) -> Result<Response, E>,
    pub contract_name: &'static str,
    pub event_prefix: &'static str,
}

fn json<T: DeserializeOwned>(text: &str) -> T {
    from_json(text.as_bytes()).unwrap_or_else(|e| panic!("{text} does not parse: {e}"))
}

/// Instantiates with `make_msg(owner, guardian)` and checks, through the entry points and the
/// flat governance JSON every contract shares:
/// strangers are refused for every governance message; the guardian pauses but cannot unpause;
/// ownership moves in two steps; migrations refuse downgrades and foreign contracts.
pub fn check_governance_wiring<I, X, Q, M, E>(
    entry: EntryPoints<I, X, Q, M, E>,
    make_msg: impl Fn(&MockApi, &Addr, &Addr) -> I,
) where
    X: DeserializeOwned,
    Q: DeserializeOwned,
    M: DeserializeOwned,
    E: Debug,
{
    let mut deps: TestDeps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let stranger = deps.api.addr_make("stranger");
    let next_owner = deps.api.addr_make("next_owner");
    let env = mock_env();
    let as_ = |a: &Addr| message_info(a, &[]);

    let msg = make_msg(&deps.api, &owner, &guardian);
    let res = (entry.instantiate)(deps.as_mut(), env.clone(), as_(&owner), msg).unwrap();
    assert!(
        res.events
            .iter()
            .all(|e| e.ty.starts_with(entry.event_prefix)),
        "instantiate events must be named {}*: {:?}",
        entry.event_prefix,
        res.events
    );
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().contract,
        entry.contract_name
    );

    let query =
        |deps: &TestDeps, q: &str| (entry.query)(deps.as_ref(), env.clone(), json(q)).unwrap();
    let pause_info: PauseInfoResponse = from_json(query(&deps, r#"{"pause_info":{}}"#)).unwrap();
    assert!(!pause_info.paused);
    assert_eq!(pause_info.guardian.as_ref(), Some(&guardian));
    let ownership: Ownership<Addr> = from_json(query(&deps, r#"{"ownership":{}}"#)).unwrap();
    assert_eq!(ownership.owner.as_ref(), Some(&owner));

    let exec = |deps: &mut TestDeps, sender: &Addr, msg: &str| {
        (entry.execute)(deps.as_mut(), env.clone(), as_(sender), json(msg))
    };

    // Strangers are refused for every governance message, and nothing changes.
    let transfer = format!(
        r#"{{"update_ownership":{{"transfer_ownership":{{"new_owner":"{next_owner}","expiry":null}}}}}}"#
    );
    let set_guardian = format!(r#"{{"set_guardian":{{"guardian":"{stranger}"}}}}"#);
    for msg in [
        transfer.as_str(),
        set_guardian.as_str(),
        r#"{"pause":{}}"#,
        r#"{"unpause":{}}"#,
    ] {
        assert!(
            exec(&mut deps, &stranger, msg).is_err(),
            "stranger ran {msg}"
        );
    }
    let pause_info: PauseInfoResponse = from_json(query(&deps, r#"{"pause_info":{}}"#)).unwrap();
    assert!(!pause_info.paused);
    assert_eq!(pause_info.guardian.as_ref(), Some(&guardian));

    // The guardian can pause, not unpause; the owner can unpause.
    let res = exec(&mut deps, &guardian, r#"{"pause":{}}"#).unwrap();
    assert_eq!(res.events[0].ty, format!("{}pause", entry.event_prefix));
    assert!(exec(&mut deps, &guardian, r#"{"unpause":{}}"#).is_err());
    let pause_info: PauseInfoResponse = from_json(query(&deps, r#"{"pause_info":{}}"#)).unwrap();
    assert!(pause_info.paused);
    exec(&mut deps, &owner, r#"{"unpause":{}}"#).unwrap();

    // Ownership moves only when the proposed owner accepts.
    exec(&mut deps, &owner, &transfer).unwrap();
    assert!(exec(
        &mut deps,
        &stranger,
        r#"{"update_ownership":"accept_ownership"}"#
    )
    .is_err());
    let ownership: Ownership<Addr> = from_json(query(&deps, r#"{"ownership":{}}"#)).unwrap();
    assert_eq!(ownership.owner.as_ref(), Some(&owner));
    exec(
        &mut deps,
        &next_owner,
        r#"{"update_ownership":"accept_ownership"}"#,
    )
    .unwrap();
    let ownership: Ownership<Addr> = from_json(query(&deps, r#"{"ownership":{}}"#)).unwrap();
    assert_eq!(ownership.owner.as_ref(), Some(&next_owner));
    assert!(exec(&mut deps, &owner, r#"{"pause":{}}"#).is_err());

    // Migrations: same version passes, a downgrade and a foreign contract are refused.
    (entry.migrate)(deps.as_mut(), env.clone(), json("{}")).unwrap();
    cw2::set_contract_version(&mut deps.storage, entry.contract_name, "999.0.0").unwrap();
    assert!((entry.migrate)(deps.as_mut(), env.clone(), json("{}")).is_err());
    cw2::set_contract_version(&mut deps.storage, "crates.io:someone-else", "0.0.1").unwrap();
    assert!((entry.migrate)(deps.as_mut(), env.clone(), json("{}")).is_err());
}

/// No storage key may be a prefix of another: cw-storage-plus namespaces are raw byte prefixes,
/// so `"l"` and `"lb"` could read each other's entries (an Oak CTF bug class).
pub fn assert_no_key_prefixes(keys: &[&str]) {
    let all: Vec<&str> = keys
        .iter()
        .copied()
        .chain(crate::STORAGE_KEYS.iter().copied())
        .collect();
    for (i, a) in all.iter().enumerate() {
        for (j, b) in all.iter().enumerate() {
            if i != j {
                assert!(!b.starts_with(a), "storage key {a:?} is a prefix of {b:?}");
            }
        }
    }
}
