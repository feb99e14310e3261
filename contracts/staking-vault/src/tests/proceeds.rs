//! Proceeds in: deposits, routes, LP positions.

use cosmwasm_std::{coin, coins, Uint128};
use spice_testing::{accrue_cl_rewards, cl_position, create_cl_position, fund};

use super::suite::*;
use crate::msg::ExecuteMsg;
use crate::ContractError;

#[test]
fn deposit_credits_routed_denoms_and_akt_and_refuses_unknown_denoms_by_name() {
    let mut s = Suite::bare();
    s.deposit(700, OSMO).unwrap();
    s.deposit(300, USDC).unwrap();
    let res = s.deposit(50, AKT).unwrap();
    assert_eq!(event_attr(&res, "deposit", "funds"), format!("50{AKT}"));
    assert_eq!(s.waiting(OSMO), 700);
    assert_eq!(s.waiting(USDC), 300);
    let b = s.books();
    assert_eq!((b.pending.u128(), b.acquired.u128()), (50, 50));

    let treasury = s.treasury.clone();
    fund(&mut s.app, &treasury, vec![coin(5, "uatom"), coin(5, OSMO)]).unwrap();
    assert_err(
        s.exec(
            &treasury,
            &ExecuteMsg::Deposit {},
            &[coin(5, "uatom"), coin(5, OSMO)],
        ),
        ContractError::UnknownDenom {
            denom: "uatom".into(),
        },
    );
    assert_eq!(s.waiting(OSMO), 700, "a refused deposit credits nothing");
    assert_err(
        s.exec(&treasury, &ExecuteMsg::Deposit {}, &[]),
        ContractError::EmptyDeposit,
    );
}

#[test]
fn routes_must_reach_akt_without_cycles_through_real_pools() {
    let mut s = Suite::bare();
    let (akt_pool, usdc_pool) = (s.akt_pool, s.usdc_pool);
    let cases = vec![
        (
            "uatom",
            vec![],
            ContractError::EmptyRoute {
                denom: "uatom".into(),
            },
        ),
        (
            USDC,
            vec![hop(usdc_pool, OSMO)],
            ContractError::RouteMustEndInAkt {
                denom: USDC.into(),
                last: OSMO.into(),
                akt_denom: AKT.into(),
            },
        ),
        (
            OSMO,
            vec![hop(akt_pool, AKT), hop(akt_pool, OSMO), hop(akt_pool, AKT)],
            ContractError::RouteCycle {
                denom: OSMO.into(),
                repeated: OSMO.into(),
            },
        ),
        (
            OSMO,
            vec![
                hop(1, "a1x"),
                hop(1, "a2x"),
                hop(1, "a3x"),
                hop(1, "a4x"),
                hop(1, AKT),
            ],
            ContractError::TooManyHops {
                denom: OSMO.into(),
                hops: 5,
                max: 4,
            },
        ),
        (AKT, vec![hop(akt_pool, OSMO)], ContractError::RouteForAkt),
    ];
    for (denom, hops, expected) in cases {
        assert_err(
            s.owner_exec(&ExecuteMsg::SetRoute {
                denom: denom.into(),
                hops,
            }),
            expected,
        );
    }
    // a pool that does not hold the denoms
    let err = s
        .owner_exec(&ExecuteMsg::SetRoute {
            denom: "uatom".into(),
            hops: vec![hop(akt_pool, AKT)],
        })
        .unwrap_err();
    assert!(
        matches!(cerr(&err), ContractError::PoolLacksDenoms { pool_id, .. } if *pool_id == akt_pool)
    );
    s.owner_exec(&ExecuteMsg::RemoveRoute { denom: USDC.into() })
        .unwrap();
    assert_err(
        s.deposit(1, USDC),
        ContractError::UnknownDenom { denom: USDC.into() },
    );
    assert_err(
        s.owner_exec(&ExecuteMsg::RemoveRoute { denom: USDC.into() }),
        ContractError::NoRoute { denom: USDC.into() },
    );
}

#[test]
fn collect_lp_proceeds_credits_spread_rewards_and_incentives_less_the_bounty() {
    let mut s = Suite::bare();
    let vault = s.vault.clone();
    let p1 = create_cl_position(&mut s.app, &vault, 1_400).unwrap();
    let p2 = create_cl_position(&mut s.app, &vault, 1_400).unwrap();
    assert_err(
        s.keeper_exec(&ExecuteMsg::CollectLpProceeds { limit: None }),
        ContractError::NoLpPositions,
    );
    s.owner_exec(&ExecuteMsg::AddLpPosition { position_id: p1 })
        .unwrap();
    s.owner_exec(&ExecuteMsg::AddLpPosition { position_id: p2 })
        .unwrap();
    assert_err(
        s.owner_exec(&ExecuteMsg::AddLpPosition { position_id: p1 }),
        ContractError::LpPositionExists { position_id: p1 },
    );
    accrue_cl_rewards(
        &mut s.app,
        p1,
        vec![coin(100_000, OSMO), coin(10_000, AKT)],
        vec![coin(50_000, OSMO)],
    )
    .unwrap();
    accrue_cl_rewards(&mut s.app, p2, vec![coin(20_000, USDC)], vec![]).unwrap();

    let res = s
        .keeper_exec(&ExecuteMsg::CollectLpProceeds { limit: None })
        .unwrap();
    // Spread: 10,000 AKT − 20 bps (20) = 9,980 pending; 100,000 OSMO − 200 = 99,800;
    // 20,000 USDC − 40 = 19,960. Incentives: 50,000 OSMO − 100 = 49,900.
    assert!(event_attr(&res, "collect_lp_proceeds", "credited").contains("99800uosmo"));
    assert_eq!(s.waiting(OSMO), 99_800 + 49_900);
    assert_eq!(s.waiting(USDC), 19_960);
    assert_eq!(s.books().pending.u128(), 9_980);
    assert_eq!(s.balance(&s.keeper.clone(), OSMO), 200 + 100);
    assert_eq!(s.balance(&s.keeper.clone(), AKT), 20);
    assert_eq!(s.balance(&s.keeper.clone(), USDC), 40);
    assert!(cl_position(&s.app, p1).unwrap().spread_rewards.is_empty());
    // nothing accrued since: the call works and pays nothing
    let keeper_osmo = s.balance(&s.keeper.clone(), OSMO);
    s.keeper_exec(&ExecuteMsg::CollectLpProceeds { limit: Some(1) })
        .unwrap();
    assert_eq!(s.balance(&s.keeper.clone(), OSMO), keeper_osmo);
    s.owner_exec(&ExecuteMsg::RemoveLpPosition { position_id: p2 })
        .unwrap();
    assert_err(
        s.owner_exec(&ExecuteMsg::RemoveLpPosition { position_id: p2 }),
        ContractError::LpPositionUnknown { position_id: p2 },
    );
    let _ = (coins(1, OSMO), Uint128::zero());
}
