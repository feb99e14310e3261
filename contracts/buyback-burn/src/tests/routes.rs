//! `set_route` / `remove_route` and the `routes` query.

use cosmwasm_std::coins;
use spice_governance::GovernanceError;

use super::suite::*;
use crate::msg::{ConfigUpdate, ExecuteMsg};
use crate::ContractError;

#[test]
fn set_route_stores_replaces_and_emits_events() {
    let mut s = Suite::bare();
    let spice = s.spice.clone();
    let (sp, ak) = (s.spice_pool, s.akt_pool);
    let res = s.set_route(OSMO, vec![hop(sp, &spice)]).unwrap();
    assert_eq!(event_attr(&res, "set_route", "denom"), OSMO);
    assert_eq!(
        event_attr(&res, "set_route", "hops"),
        format!("{sp}:{spice}")
    );
    assert_eq!(event_attr(&res, "set_route", "replaced"), "false");
    s.set_route(AKT, vec![hop(ak, OSMO), hop(sp, &spice)])
        .unwrap();
    let res = s.set_route(OSMO, vec![hop(sp, &spice)]).unwrap();
    assert_eq!(event_attr(&res, "set_route", "replaced"), "true");

    // Ascending by denom ("ibc/…" < "uosmo"), paginated.
    let routes = s.routes(None, None).routes;
    assert_eq!(routes.len(), 2);
    assert_eq!(routes[0].denom, AKT);
    assert_eq!(routes[0].hops, vec![hop(ak, OSMO), hop(sp, &spice)]);
    let page = s.routes(Some(AKT), Some(1)).routes;
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].denom, OSMO);
    assert!(s.routes(Some(OSMO), None).routes.is_empty());
}

#[test]
fn remove_route_deletes_and_refuses_a_missing_route() {
    let mut s = Suite::new();
    let owner = s.owner.clone();
    let res = s
        .exec(&owner, &ExecuteMsg::RemoveRoute { denom: OSMO.into() }, &[])
        .unwrap();
    assert_eq!(event_attr(&res, "remove_route", "denom"), OSMO);
    assert_eq!(s.routes(None, None).routes.len(), 1);
    assert_err(
        s.exec(&owner, &ExecuteMsg::RemoveRoute { denom: OSMO.into() }, &[]),
        ContractError::NoRoute { denom: OSMO.into() },
    );
    // Revenue in a denom whose route was removed waits for a new route.
    s.revenue(1_000_000, OSMO);
    assert_err(
        s.buyback(OSMO, None),
        ContractError::NoRoute { denom: OSMO.into() },
    );
}

#[test]
fn route_validation_refuses_each_bad_route() {
    let mut s = Suite::bare();
    let spice = s.spice.clone();
    let (sp, ak) = (s.spice_pool, s.akt_pool);
    let cases: Vec<(&str, Vec<crate::state::Hop>, ContractError)> = vec![
        (
            OSMO,
            vec![],
            ContractError::EmptyRoute { denom: OSMO.into() },
        ),
        (
            AKT,
            vec![hop(ak, OSMO)],
            ContractError::RouteMustEndInSpice {
                denom: AKT.into(),
                last: OSMO.into(),
                spice_denom: spice.clone(),
            },
        ),
        (
            OSMO,
            vec![hop(sp, OSMO), hop(sp, &spice)],
            ContractError::RouteCycle {
                denom: OSMO.into(),
                repeated: OSMO.into(),
            },
        ),
        (
            AKT,
            vec![hop(sp, &spice), hop(sp, OSMO), hop(ak, &spice)],
            ContractError::RouteCycle {
                denom: AKT.into(),
                repeated: spice.clone(),
            },
        ),
        (
            &spice,
            vec![hop(sp, &spice)],
            ContractError::RouteForSpice {
                denom: spice.clone(),
            },
        ),
        (
            OSMO,
            vec![
                hop(sp, "uaaa"),
                hop(sp, "ubbb"),
                hop(sp, "uccc"),
                hop(sp, &spice),
            ],
            ContractError::TooManyHops {
                denom: OSMO.into(),
                hops: 4,
                max: 3,
            },
        ),
        (
            AKT,
            vec![hop(sp, OSMO), hop(sp, &spice)],
            // pool `sp` holds OSMO and SPICE, not AKT
            ContractError::PoolLacksDenoms {
                pool_id: sp,
                token_in: AKT.into(),
                token_out: OSMO.into(),
                reason: String::new(),
            },
        ),
        (
            OSMO,
            vec![hop(99, &spice)],
            ContractError::PoolNotFound {
                pool_id: 99,
                reason: String::new(),
            },
        ),
    ];
    for (denom, hops, expected) in cases {
        let err = s.set_route(denom, hops.clone()).unwrap_err();
        assert_eq!(
            without_reason(cerr(&err)),
            format!("{expected:?}"),
            "{denom} {hops:?}"
        );
    }
    assert!(s.routes(None, None).routes.is_empty());

    // Raising max_hops admits the longer route's length check (the pools still decide).
    s.update_config(ConfigUpdate {
        max_hops: Some(5),
        ..Default::default()
    })
    .unwrap();
    let err = s
        .set_route(
            OSMO,
            vec![
                hop(sp, "uaaa"),
                hop(sp, "ubbb"),
                hop(sp, "uccc"),
                hop(sp, &spice),
            ],
        )
        .unwrap_err();
    assert!(matches!(cerr(&err), ContractError::PoolLacksDenoms { .. }));
}

#[test]
fn route_denoms_must_be_valid() {
    let mut s = Suite::bare();
    let spice = s.spice.clone();
    let sp = s.spice_pool;
    let err = s.set_route("1bad", vec![hop(sp, &spice)]).unwrap_err();
    assert!(matches!(cerr(&err), ContractError::InvalidConfig(_)));
}

#[test]
fn only_the_owner_sets_or_removes_routes_and_updates_config() {
    let mut s = Suite::new();
    let spice = s.spice.clone();
    let sp = s.spice_pool;
    for sender in [s.stranger.clone(), s.guardian.clone(), s.keeper.clone()] {
        for msg in [
            ExecuteMsg::SetRoute {
                denom: OSMO.into(),
                hops: vec![hop(sp, &spice)],
            },
            ExecuteMsg::RemoveRoute { denom: OSMO.into() },
            ExecuteMsg::UpdateConfig(ConfigUpdate {
                cooldown_seconds: Some(0),
                ..Default::default()
            }),
        ] {
            let err = s.exec(&sender, &msg, &[]).unwrap_err();
            assert!(
                matches!(
                    cerr(&err),
                    ContractError::Governance(GovernanceError::Ownership(_))
                ),
                "{msg:?}"
            );
        }
    }
    assert_eq!(s.routes(None, None).routes.len(), 2);
}

#[test]
fn owner_messages_refuse_attached_funds() {
    let mut s = Suite::new();
    let owner = s.owner.clone();
    spice_testing::fund(&mut s.app, &owner, coins(10, OSMO)).unwrap();
    let err = s
        .exec(
            &owner,
            &ExecuteMsg::RemoveRoute { denom: OSMO.into() },
            &coins(10, OSMO),
        )
        .unwrap_err();
    assert!(matches!(cerr(&err), ContractError::Payment(_)));
}

/// The error's debug text with free-text `reason` fields blanked, to compare variants and values.
fn without_reason(e: &ContractError) -> String {
    match e {
        ContractError::PoolNotFound { pool_id, .. } => format!(
            "{:?}",
            ContractError::PoolNotFound {
                pool_id: *pool_id,
                reason: String::new(),
            }
        ),
        ContractError::PoolLacksDenoms {
            pool_id,
            token_in,
            token_out,
            ..
        } => format!(
            "{:?}",
            ContractError::PoolLacksDenoms {
                pool_id: *pool_id,
                token_in: token_in.clone(),
                token_out: token_out.clone(),
                reason: String::new(),
            }
        ),
        other => format!("{other:?}"),
    }
}
