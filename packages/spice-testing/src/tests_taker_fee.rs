//! poolmanager's taker fee: off the token in of every hop, before the pool's spread factor, in
//! swaps and in the estimates, at the pair's rate (mainnet's 0.1% by default).

use cosmwasm_std::{coin, Addr, Decimal, Uint128};
use osmosis_std::types::osmosis::poolmanager::v1beta1 as pm;

use crate::*;

const OSMO: &str = "uosmo";
const AKT: &str = "uakt";
const USDC: &str = "uusdc";

struct Chain {
    app: OsmosisApp,
    trader: Addr,
    akt_pool: u64,
    usdc_pool: u64,
}

/// OSMO/AKT and USDC/OSMO, 1,000,000 each side, 0.2% spread factor.
fn chain(app: OsmosisApp) -> Chain {
    let mut app = app;
    let lp = app.api().addr_make("lp");
    let trader = app.api().addr_make("trader");
    fund(
        &mut app,
        &lp,
        vec![
            coin(2_000_000, OSMO),
            coin(1_000_000, AKT),
            coin(1_000_000, USDC),
        ],
    )
    .unwrap();
    let fee = Decimal::permille(2);
    let akt_pool = create_balancer_pool(
        &mut app,
        &lp,
        &[(coin(1_000_000, OSMO), 1), (coin(1_000_000, AKT), 1)],
        fee,
    )
    .unwrap();
    let usdc_pool = create_balancer_pool(
        &mut app,
        &lp,
        &[(coin(1_000_000, USDC), 1), (coin(1_000_000, OSMO), 1)],
        fee,
    )
    .unwrap();
    Chain {
        app,
        trader,
        akt_pool,
        usdc_pool,
    }
}

fn balance(app: &OsmosisApp, who: &Addr, denom: &str) -> u128 {
    app.wrap().query_balance(who, denom).unwrap().amount.u128()
}

fn estimate(app: &OsmosisApp, routes: &[(u64, &str)], token_in: &str) -> String {
    pm::PoolmanagerQuerier::new(&app.wrap())
        .estimate_swap_exact_amount_in(
            String::new(),
            0,
            token_in.to_string(),
            routes
                .iter()
                .map(|(pool_id, out)| pm::SwapAmountInRoute {
                    pool_id: *pool_id,
                    token_out_denom: out.to_string(),
                })
                .collect(),
        )
        .unwrap()
        .token_out_amount
}

fn taker_fee(app: &OsmosisApp, denom_in: &str, denom_out: &str) -> Decimal {
    pm::PoolmanagerQuerier::new(&app.wrap())
        .trading_pair_taker_fee(denom_in.to_string(), denom_out.to_string())
        .unwrap()
        .taker_fee
        .parse()
        .unwrap()
}

#[test]
fn the_default_taker_fee_is_mainnets_and_is_taken_before_the_spread_factor() {
    let mut c = chain(osmosis_app());
    assert_eq!(taker_fee(&c.app, OSMO, AKT), Decimal::permille(1));
    let trader = c.trader.clone();
    fund(&mut c.app, &trader, vec![coin(10_000, OSMO)]).unwrap();
    // 10,000 in: the taker fee keeps ⌊0.999 × 10,000⌋ = 9,990 for the pool and 10 for the
    // collector; the pool's 0.2% then leaves 9,970.02 effective:
    // out = ⌊1,000,000 × 9,970.02 / 1,009,970.02⌋ = 9,871
    assert_eq!(estimate(&c.app, &[(c.akt_pool, AKT)], "10000uosmo"), "9871");
    let out = swap_exact_amount_in(
        &mut c.app,
        &trader,
        &[(c.akt_pool, AKT)],
        coin(10_000, OSMO),
        Uint128::new(9_871),
    )
    .unwrap();
    assert_eq!(out, Uint128::new(9_871));
    let collector = taker_fee_collector_address(&c.app);
    assert_eq!(balance(&c.app, &collector, OSMO), 10);
    assert_eq!(
        pool_reserves(&c.app, c.akt_pool).unwrap(),
        vec![coin(990_129, AKT), coin(1_009_990, OSMO)],
        "only what is left after the taker fee reaches the pool"
    );
    assert_eq!(balance(&c.app, &trader, OSMO), 0);
}

#[test]
fn a_floor_that_ignores_the_taker_fee_is_refused_on_mainnet_and_passes_without_it() {
    // Control: a chain without taker fee pays 9,881 (the pool-math tests' value).
    let mut free = chain(
        OsmosisAppBuilder::new()
            .with_default_taker_fee(Decimal::zero())
            .build(),
    );
    let trader = free.trader.clone();
    fund(&mut free.app, &trader, vec![coin(10_000, OSMO)]).unwrap();
    let pool = free.akt_pool;
    assert_eq!(
        swap_exact_amount_in(
            &mut free.app,
            &trader,
            &[(pool, AKT)],
            coin(10_000, OSMO),
            Uint128::new(9_881)
        )
        .unwrap(),
        Uint128::new(9_881)
    );
    assert_eq!(
        balance(&free.app, &taker_fee_collector_address(&free.app), OSMO),
        0
    );

    // Mainnet: the same floor is refused and nothing moves.
    let mut c = chain(osmosis_app());
    let trader = c.trader.clone();
    fund(&mut c.app, &trader, vec![coin(10_000, OSMO)]).unwrap();
    let pool = c.akt_pool;
    let err = swap_exact_amount_in(
        &mut c.app,
        &trader,
        &[(pool, AKT)],
        coin(10_000, OSMO),
        Uint128::new(9_881),
    )
    .unwrap_err();
    assert!(
        err.root_cause()
            .to_string()
            .contains("calculated amount is lesser than min amount"),
        "{err}"
    );
    assert_eq!(balance(&c.app, &trader, OSMO), 10_000);
    assert_eq!(
        balance(&c.app, &taker_fee_collector_address(&c.app), OSMO),
        0
    );
}

#[test]
fn every_hop_pays_the_taker_fee_of_its_own_direction_and_the_estimate_agrees() {
    let mut c = chain(osmosis_app());
    // USDC -> OSMO at a 0.2% override (like ATOM/OSMO on mainnet); OSMO -> AKT at the default.
    set_trading_pair_taker_fee(&mut c.app, USDC, OSMO, Decimal::permille(2)).unwrap();
    assert_eq!(taker_fee(&c.app, USDC, OSMO), Decimal::permille(2));
    assert_eq!(
        taker_fee(&c.app, OSMO, USDC),
        Decimal::permille(1),
        "overrides are per direction"
    );
    let trader = c.trader.clone();
    fund(&mut c.app, &trader, vec![coin(100_000, USDC)]).unwrap();
    let routes = [(c.usdc_pool, OSMO), (c.akt_pool, AKT)];
    // hop 1: ⌊0.998 × 100,000⌋ = 99,800 in, fee 200 USDC; 0.998 × 99,800 = 99,600.4 effective
    //        out = ⌊1,000,000 × 99,600.4 / 1,099,600.4⌋ = 90,578
    // hop 2: ⌊0.999 × 90,578⌋ = 90,487 in (⌊90,487.422⌋), fee 91 OSMO; 0.998 × 90,487 = 90,306.026
    //        out = ⌊1,000,000 × 90,306.026 / 1,090,306.026⌋ = 82,826
    let expected = estimate(&c.app, &routes, "100000uusdc");
    let out = swap_exact_amount_in(
        &mut c.app,
        &trader,
        &routes,
        coin(100_000, USDC),
        Uint128::one(),
    )
    .unwrap();
    assert_eq!(out.to_string(), expected);
    assert_eq!(out, Uint128::new(82_826));
    let collector = taker_fee_collector_address(&c.app);
    assert_eq!(
        (
            balance(&c.app, &collector, USDC),
            balance(&c.app, &collector, OSMO)
        ),
        (200, 91)
    );
}

#[test]
fn the_fee_is_rounded_up_for_the_protocol_and_a_zero_rate_takes_nothing() {
    let fee = Decimal::permille(1);
    let dec = |d: Decimal| crate::balancer_math::Dec::from_decimal(d);
    // 0.999 × 1,000 = 999 exactly: fee 1
    assert_eq!(
        calc_taker_fee_exact_in(Uint128::new(1_000), dec(fee)).unwrap(),
        (Uint128::new(999), Uint128::new(1))
    );
    // 0.999 × 999 = 998.001 -> 998 to the pool, the fee rounds up to 1
    assert_eq!(
        calc_taker_fee_exact_in(Uint128::new(999), dec(fee)).unwrap(),
        (Uint128::new(998), Uint128::new(1))
    );
    // one unit: all of it is fee
    assert_eq!(
        calc_taker_fee_exact_in(Uint128::one(), dec(fee)).unwrap(),
        (Uint128::zero(), Uint128::one())
    );
    assert_eq!(
        calc_taker_fee_exact_in(Uint128::MAX, dec(Decimal::zero())).unwrap(),
        (Uint128::MAX, Uint128::zero())
    );
    // a rate of 1 or more is refused when set
    let mut app = osmosis_app();
    set_trading_pair_taker_fee(&mut app, OSMO, AKT, Decimal::one()).unwrap_err();
}
