//! Scenario tests of the Osmosis emulation. Every expected number is written
//! out with its arithmetic.

use cosmwasm_std::{
    coin, from_json, to_json_binary, Addr, BankQuery, Binary, Coin, CosmosMsg, Decimal, Deps,
    DepsMut, Empty, Env, MessageInfo, QueryRequest, Reply, Response, StdError, StdResult, SubMsg,
    SupplyResponse, Timestamp, Uint128,
};
use cw_multi_test::{ContractWrapper, Executor};
use cw_storage_plus::Item;
use osmosis_std::types::cosmos::bank::v1beta1::{DenomUnit as ProtoDenomUnit, Metadata};
use osmosis_std::types::cosmos::base::v1beta1::Coin as ProtoCoin;
use osmosis_std::types::osmosis::gamm::v1beta1 as gamm;
use osmosis_std::types::osmosis::poolmanager::v1beta1 as pm;
use osmosis_std::types::osmosis::tokenfactory::v1beta1 as tf;
use osmosis_std::types::osmosis::twap::v1beta1 as twap;
use prost::Message;

use crate::*;

const OSMO: &str = "uosmo";
const AKT: &str = "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4";
const SPICE: &str = "uspice";

struct Suite {
    app: OsmosisApp,
    lp: Addr,
    trader: Addr,
}

impl Suite {
    /// Pool math in isolation: no taker fee (the taker fee has its own tests).
    fn new() -> Self {
        let mut app = OsmosisAppBuilder::new()
            .with_default_taker_fee(Decimal::zero())
            .build();
        let lp = app.api().addr_make("lp");
        let trader = app.api().addr_make("trader");
        fund(
            &mut app,
            &lp,
            vec![
                coin(100_000_000, OSMO),
                coin(100_000_000, AKT),
                coin(100_000_000, SPICE),
            ],
        )
        .unwrap();
        Suite { app, lp, trader }
    }

    fn pool(&mut self, assets: &[(Coin, u64)], fee: Decimal) -> u64 {
        create_balancer_pool(&mut self.app, &self.lp, assets, fee).unwrap()
    }

    /// The 50/50 OSMO/AKT pool, 1,000,000 each, 0.2% swap fee.
    fn even_pool(&mut self) -> u64 {
        self.pool(
            &[(coin(1_000_000, OSMO), 1), (coin(1_000_000, AKT), 1)],
            Decimal::permille(2),
        )
    }

    fn balance(&self, addr: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(addr, denom)
            .unwrap()
            .amount
            .u128()
    }

    fn supply(&self, denom: &str) -> u128 {
        let res: SupplyResponse = self
            .app
            .wrap()
            .query(&QueryRequest::Bank(BankQuery::Supply {
                denom: denom.to_string(),
            }))
            .unwrap();
        res.amount.amount.u128()
    }
}

// ---------------------------------------------------------------- poolmanager

#[test]
fn even_pool_swap_pays_constant_product_after_fee_and_moves_bank_funds() {
    let mut s = Suite::new();
    let pool_id = s.even_pool();
    assert_eq!(pool_id, 1, "pool ids start at 1");
    let trader = s.trader.clone();
    fund(&mut s.app, &trader, vec![coin(10_000, OSMO)]).unwrap();

    // 10,000 in, 0.2% fee: 10,000 × 0.998 = 9,980 effective;
    // out = 1,000,000 × 9,980 / (1,000,000 + 9,980) = 9,980,000,000 / 1,009,980 = 9,881.38 -> 9,881
    let out = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &[(pool_id, AKT)],
        coin(10_000, OSMO),
        Uint128::new(9_881),
    )
    .unwrap();
    assert_eq!(out, Uint128::new(9_881));
    assert_eq!(s.balance(&trader, AKT), 9_881);
    assert_eq!(s.balance(&trader, OSMO), 0);

    // reserves: OSMO 1,000,000 + 10,000 = 1,010,000 (the fee stays in the pool);
    // AKT 1,000,000 − 9,881 = 990,119 — and they are the pool account's real balances
    let reserves = pool_reserves(&s.app, pool_id).unwrap();
    let akt_then_osmo = vec![coin(990_119, AKT), coin(1_010_000, OSMO)];
    assert_eq!(reserves, akt_then_osmo);
    let pool_addr = pool_address(s.app.api(), pool_id).unwrap();
    assert_eq!(s.balance(&pool_addr, OSMO), 1_010_000);
    assert_eq!(s.balance(&pool_addr, AKT), 990_119);

    // spot price of OSMO in AKT: 990,119 / 1,010,000 = 0.98031584158… -> 8 significant figures 0.98031584
    let price = spot_price(&s.app, pool_id, OSMO, AKT).unwrap();
    assert_eq!(price, "0.98031584".parse::<Decimal>().unwrap());
}

#[test]
fn weighted_pool_with_integer_exponent_matches_hand_computation() {
    let mut s = Suite::new();
    // OSMO weight 80, AKT weight 20, 1,000,000 each, no swap fee
    let pool_id = s.pool(
        &[(coin(1_000_000, OSMO), 80), (coin(1_000_000, AKT), 20)],
        Decimal::zero(),
    );
    // spot price of OSMO in AKT = (B_akt / W_akt) / (B_osmo / W_osmo) = (1e6/20) / (1e6/80) = 4
    assert_eq!(
        spot_price(&s.app, pool_id, OSMO, AKT).unwrap(),
        Decimal::from_ratio(4u8, 1u8)
    );
    assert_eq!(
        spot_price(&s.app, pool_id, AKT, OSMO).unwrap(),
        Decimal::percent(25)
    );

    let trader = s.trader.clone();
    fund(&mut s.app, &trader, vec![coin(250_000, OSMO)]).unwrap();
    // OSMO in (weight 80) -> AKT out (weight 20): exponent 80/20 = 4
    // y = 1,000,000 / (1,000,000 + 250,000) = 0.8 ; y^4 = 0.4096
    // out = 1,000,000 × (1 − 0.4096) = 590,400 exactly
    let out = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &[(pool_id, AKT)],
        coin(250_000, OSMO),
        Uint128::one(),
    )
    .unwrap();
    assert_eq!(out, Uint128::new(590_400));
}

#[test]
fn weighted_pool_with_fractional_exponent_is_within_one_unit_of_exact() {
    let mut s = Suite::new();
    let pool_id = s.pool(
        &[(coin(1_000_000, OSMO), 80), (coin(1_000_000, AKT), 20)],
        Decimal::zero(),
    );
    let trader = s.trader.clone();
    fund(&mut s.app, &trader, vec![coin(1_000_000, AKT)]).unwrap();
    // AKT in (weight 20) -> OSMO out (weight 80): exponent 20/80 = 0.25
    // y = 1,000,000 / 2,000,000 = 0.5 ; 0.5^0.25 = 2^-0.25 = 0.840896415253714543…
    // exact out = 1,000,000 × (1 − 0.840896415…) = 159,103.5847… -> 159,103
    let out = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &[(pool_id, OSMO)],
        coin(1_000_000, AKT),
        Uint128::one(),
    )
    .unwrap();
    assert!(out.u128().abs_diff(159_103) <= 1, "got {out}");
}

#[test]
fn two_hop_route_chains_each_pool_output() {
    let mut s = Suite::new();
    let osmo_akt = s.even_pool();
    // AKT/SPICE 1,000,000 / 2,000,000, 50/50, 0.3% fee
    let akt_spice = s.pool(
        &[(coin(1_000_000, AKT), 1), (coin(2_000_000, SPICE), 1)],
        Decimal::permille(3),
    );
    assert_eq!(akt_spice, 2);
    let trader = s.trader.clone();
    fund(&mut s.app, &trader, vec![coin(10_000, OSMO)]).unwrap();

    // hop 1: 10,000 OSMO -> 9,881 AKT (as in the single-hop test)
    // hop 2: 9,881 × 0.997 = 9,851.357 effective;
    //        2,000,000 × 9,851.357 / (1,000,000 + 9,851.357) = 19,510.509 -> 19,510 SPICE
    let routes = [(osmo_akt, AKT), (akt_spice, SPICE)];
    let estimate = pm::PoolmanagerQuerier::new(&s.app.wrap())
        .estimate_swap_exact_amount_in(
            trader.to_string(),
            osmo_akt,
            "10000uosmo".to_string(),
            routes
                .iter()
                .map(|(id, d)| pm::SwapAmountInRoute {
                    pool_id: *id,
                    token_out_denom: d.to_string(),
                })
                .collect(),
        )
        .unwrap();
    assert_eq!(estimate.token_out_amount, "19510");

    let out = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &routes,
        coin(10_000, OSMO),
        Uint128::new(19_510),
    )
    .unwrap();
    assert_eq!(out, Uint128::new(19_510));
    assert_eq!(s.balance(&trader, SPICE), 19_510);
    assert_eq!(
        s.balance(&trader, AKT),
        0,
        "intermediate AKT passes straight through"
    );
    // pool 2 received the 9,881 AKT and paid out 19,510 SPICE
    assert_eq!(
        pool_reserves(&s.app, akt_spice).unwrap(),
        vec![coin(1_009_881, AKT), coin(1_980_490, SPICE)]
    );
}

#[test]
fn min_out_refused_with_osmosis_error_and_nothing_moves() {
    let mut s = Suite::new();
    let pool_id = s.even_pool();
    let trader = s.trader.clone();
    fund(&mut s.app, &trader, vec![coin(10_000, OSMO)]).unwrap();
    let before = pool_reserves(&s.app, pool_id).unwrap();

    // the swap yields 9,881; asking for 9,882 must fail
    let err = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &[(pool_id, AKT)],
        coin(10_000, OSMO),
        Uint128::new(9_882),
    )
    .unwrap_err();
    assert_eq!(
        err.root_cause().to_string(),
        format!(
            "{AKT} token is lesser than min amount: calculated amount is lesser than min amount"
        )
    );
    assert_eq!(s.balance(&trader, OSMO), 10_000);
    assert_eq!(s.balance(&trader, AKT), 0);
    assert_eq!(pool_reserves(&s.app, pool_id).unwrap(), before);
}

#[test]
fn swap_errors_name_the_problem() {
    let mut s = Suite::new();
    let pool_id = s.even_pool();
    let trader = s.trader.clone();
    fund(&mut s.app, &trader, vec![coin(10_000, OSMO)]).unwrap();

    let err = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &[(9, AKT)],
        coin(10_000, OSMO),
        Uint128::one(),
    )
    .unwrap_err();
    assert_eq!(
        err.root_cause().to_string(),
        "failed to find route for pool id (9)"
    );

    let err = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &[(pool_id, OSMO)],
        coin(10_000, OSMO),
        Uint128::one(),
    )
    .unwrap_err();
    assert_eq!(
        err.root_cause().to_string(),
        "cannot trade same denomination in and out"
    );

    let err = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &[(pool_id, AKT)],
        coin(10_000, OSMO),
        Uint128::zero(),
    )
    .unwrap_err();
    assert_eq!(
        err.root_cause().to_string(),
        "min out amount or max in amount should be positive, was (0)"
    );

    let err = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &[(pool_id, AKT)],
        coin(10_001, OSMO),
        Uint128::one(),
    )
    .unwrap_err();
    assert!(
        err.root_cause().to_string().contains("insufficient funds"),
        "{err:?}"
    );

    // a message signed for someone else is refused, as wasmd does
    let lp = s.lp.clone();
    let msg = pm::MsgSwapExactAmountIn {
        sender: lp.to_string(),
        routes: vec![pm::SwapAmountInRoute {
            pool_id,
            token_out_denom: AKT.to_string(),
        }],
        token_in: Some(coin(10, OSMO).into()),
        token_out_min_amount: "1".to_string(),
    };
    let err = s.app.execute(trader, msg.into()).unwrap_err();
    assert!(err
        .root_cause()
        .to_string()
        .starts_with("contract doesn't have permission: unauthorized"));
}

#[test]
fn pool_queries_answer_like_the_chain_in_json_and_protobuf() {
    let mut s = Suite::new();
    let pool_id = s.even_pool();
    let querier = s.app.wrap();
    let pm_querier = pm::PoolmanagerQuerier::new(&querier);

    assert_eq!(pm_querier.num_pools().unwrap().num_pools, 1);
    let spot = pm_querier
        .spot_price(pool_id, OSMO.to_string(), AKT.to_string())
        .unwrap();
    assert_eq!(spot.spot_price, "1.000000000000000000");

    // Stargate (JSON) path: LegacyDec fields as decimal strings
    let pool: gamm::Pool = pm_querier
        .pool(pool_id)
        .unwrap()
        .pool
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(pool.id, 1);
    assert_eq!(
        pool.address,
        pool_address(s.app.api(), 1).unwrap().to_string()
    );
    assert_eq!(
        pool.pool_params.as_ref().unwrap().swap_fee,
        "0.002000000000000000"
    );
    // weights are stored × 2^30 = 1,073,741,824
    assert_eq!(pool.pool_assets[0].weight, "1073741824");
    assert_eq!(pool.total_weight, "2147483648");
    assert_eq!(pool.total_shares.unwrap().amount, "100000000000000000000");

    // Grpc (protobuf) path: LegacyDec fields as atomics
    let raw = querier
        .query_grpc(
            "/osmosis.poolmanager.v1beta1.Query/Pool".to_string(),
            pm::PoolRequest { pool_id }.to_proto_bytes().into(),
        )
        .unwrap();
    let response = pm::PoolResponse::decode(raw.as_slice()).unwrap();
    let pool = gamm::Pool::decode(response.pool.unwrap().value.as_slice()).unwrap();
    assert_eq!(pool.pool_params.unwrap().swap_fee, "2000000000000000");

    let err = pm_querier.pool(7).unwrap_err();
    assert!(
        err.to_string()
            .contains("failed to find route for pool id (7)"),
        "{err}"
    );
    let err = pm_querier
        .spot_price(pool_id, OSMO.to_string(), "uatom".to_string())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("(uatom) does not exist in the pool"),
        "{err}"
    );
}

#[test]
fn pool_accounts_are_derived_like_osmosis() {
    let app = osmosis_app();
    // The derivation is the SDK's `address.Module(module, "pool" ‖ id)`. Mainnet
    // pool #1 predates poolmanager and was derived under "gamm"; reproducing
    // its address checks the algorithm byte for byte.
    let mut key = b"pool".to_vec();
    key.extend_from_slice(&1u64.to_be_bytes());
    assert_eq!(
        crate::chain::derived_module_address(app.api(), "gamm", &key)
            .unwrap()
            .as_str(),
        "osmo1mw0ac6rwlp5r8wapwk3zs6g29h8fcscxqakdzw9emkne6c8wjp9q0t3v8t"
    );
    // pools created today are derived under "poolmanager" (`poolmanagertypes.NewPoolAddress`)
    assert_eq!(
        pool_address(app.api(), 1).unwrap().as_str(),
        "osmo19e2mf7cywkv7zaug6nk5f87d07fxrdgrladvymh2gwv5crvm3vnsuewhh7"
    );
}

#[test]
fn proportional_join_and_exit_round_against_the_user() {
    let mut s = Suite::new();
    let pool_id = s.even_pool();
    let lp = s.lp.clone();
    let shares = pool_share_denom(pool_id);
    // the creator holds the initial 100 × 10^18 shares
    assert_eq!(s.balance(&lp, &shares), 100_000_000_000_000_000_000);

    // 1% more shares (10^18 of 10^20): 1,000,000 × 1% = 10,000 of each asset
    let paid = join_pool(
        &mut s.app,
        &lp,
        pool_id,
        Uint128::new(1_000_000_000_000_000_000),
        vec![],
    )
    .unwrap();
    assert_eq!(paid, vec![coin(10_000, AKT), coin(10_000, OSMO)]);
    // one sub-share: 1,010,000 × 1 / 1.01×10^20 rounds UP to 1 of each
    let paid = join_pool(&mut s.app, &lp, pool_id, Uint128::one(), vec![]).unwrap();
    assert_eq!(paid, vec![coin(1, AKT), coin(1, OSMO)]);
    // limits are enforced
    let err = join_pool(
        &mut s.app,
        &lp,
        pool_id,
        Uint128::new(1_000_000_000_000_000_000),
        vec![coin(9_999, OSMO), coin(10_000, AKT)],
    )
    .unwrap_err();
    assert!(err
        .root_cause()
        .to_string()
        .contains("calculated amount is larger than max amount"));

    // exit 10^18 shares of 101×10^18 + 1: 1,010,001 × 10^18 / (101×10^18 + 1) = 10,000.0099… -> 10,000 (rounded down)
    let got = exit_pool(
        &mut s.app,
        &lp,
        pool_id,
        Uint128::new(1_000_000_000_000_000_000),
        vec![],
    )
    .unwrap();
    assert_eq!(got, vec![coin(10_000, AKT), coin(10_000, OSMO)]);
    assert_eq!(
        pool_reserves(&s.app, pool_id).unwrap(),
        vec![coin(1_000_001, AKT), coin(1_000_001, OSMO)]
    );
    assert_eq!(s.supply(&shares), 100_000_000_000_000_000_001);
}

// ----------------------------------------------------------------------- twap

#[test]
fn twap_is_the_time_weighted_mean_of_a_piecewise_constant_price() {
    let mut s = Suite::new();
    // no fee so that prices are round: OSMO/AKT 1,000,000 each -> price 1.0
    let pool_id = s.pool(
        &[(coin(1_000_000, OSMO), 1), (coin(1_000_000, AKT), 1)],
        Decimal::zero(),
    );
    let t0 = s.app.block_info().time;

    advance_time(&mut s.app, 100);
    // swap 1,000,000 AKT in: y = 1e6 / 2e6 = 0.5, out = 1e6 × 0.5 = 500,000 OSMO
    // reserves OSMO 500,000 / AKT 2,000,000 -> price of OSMO in AKT = 4.0
    let trader = s.trader.clone();
    fund(&mut s.app, &trader, vec![coin(1_000_000, AKT)]).unwrap();
    let out = swap_exact_amount_in(
        &mut s.app,
        &trader,
        &[(pool_id, OSMO)],
        coin(1_000_000, AKT),
        Uint128::one(),
    )
    .unwrap();
    assert_eq!(out, Uint128::new(500_000));
    advance_time(&mut s.app, 300);

    // price 1.0 for 100 s then 4.0 for 300 s: (1 × 100 + 4 × 300) / 400 = 1,300 / 400 = 3.25
    assert_eq!(
        arithmetic_twap_to_now(&s.app, pool_id, OSMO, AKT, t0).unwrap(),
        Decimal::percent(325)
    );
    // the other direction: (1 × 100 + 0.25 × 300) / 400 = 175 / 400 = 0.4375
    assert_eq!(
        arithmetic_twap_to_now(&s.app, pool_id, AKT, OSMO, t0).unwrap(),
        "0.4375".parse::<Decimal>().unwrap()
    );
    // from the middle of the first segment: (1 × 50 + 4 × 300) / 350 = 3.571428571428571428 (truncated)
    assert_eq!(
        arithmetic_twap_to_now(&s.app, pool_id, OSMO, AKT, t0.plus_seconds(50)).unwrap(),
        "3.571428571428571428".parse::<Decimal>().unwrap()
    );
    // a window inside the second segment is the spot price
    assert_eq!(
        arithmetic_twap_to_now(&s.app, pool_id, OSMO, AKT, t0.plus_seconds(200)).unwrap(),
        Decimal::from_ratio(4u8, 1u8)
    );
    // ArithmeticTwap over [t0, t0 + 200]: (1 × 100 + 4 × 100) / 200 = 2.5
    let bounded = twap::TwapQuerier::new(&s.app.wrap())
        .arithmetic_twap(
            pool_id,
            OSMO.to_string(),
            AKT.to_string(),
            Some(timestamp(t0)),
            Some(timestamp(t0.plus_seconds(200))),
        )
        .unwrap();
    assert_eq!(bounded.arithmetic_twap, "2.500000000000000000");

    // over gRPC the LegacyDec comes as atomics: 3.25 × 10^18
    let raw = s
        .app
        .wrap()
        .query_grpc(
            "/osmosis.twap.v1beta1.Query/ArithmeticTwapToNow".to_string(),
            twap::ArithmeticTwapToNowRequest {
                pool_id,
                base_asset: OSMO.to_string(),
                quote_asset: AKT.to_string(),
                start_time: Some(timestamp(t0)),
            }
            .to_proto_bytes()
            .into(),
        )
        .unwrap();
    let response = twap::ArithmeticTwapToNowResponse::decode(raw.as_slice()).unwrap();
    assert_eq!(response.arithmetic_twap, "3250000000000000000");
}

#[test]
fn twap_refuses_windows_outside_the_recorded_history() {
    let mut s = Suite::new();
    let pool_id = s.even_pool();
    let t0 = s.app.block_info().time;

    // before the pool's first record
    let err = arithmetic_twap_to_now(&s.app, pool_id, OSMO, AKT, t0.minus_seconds(1)).unwrap_err();
    assert!(
        err.to_string().contains(
            "looking for a time that's too old, not in the historical index.  Try storing the accumulator value. \
             (requested time 2019-10-23 02:23:38.879305533 +0000 UTC)"
        ),
        "{err}"
    );
    // in the future
    let err = arithmetic_twap_to_now(&s.app, pool_id, OSMO, AKT, t0.plus_seconds(1)).unwrap_err();
    assert!(
        err.to_string()
            .contains("called GetArithmeticTwap with a start time that is after the end time."),
        "{err}"
    );
    // same asset twice
    let err = arithmetic_twap_to_now(&s.app, pool_id, OSMO, OSMO, t0).unwrap_err();
    assert!(
        err.to_string()
            .contains("both assets cannot be of the same denom"),
        "{err}"
    );
    // an asset the pool does not hold
    let err = arithmetic_twap_to_now(&s.app, pool_id, OSMO, SPICE, t0).unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "getTwapRecord: querying for assets {OSMO} {SPICE} that are not in pool id 1"
        )),
        "{err}"
    );

    // 49 hours later: t0 is outside the 48 h history, (now − 48 h) is inside
    advance_time(&mut s.app, 49 * 3600);
    let now = s.app.block_info().time;
    let err = arithmetic_twap_to_now(&s.app, pool_id, OSMO, AKT, t0).unwrap_err();
    assert!(
        err.to_string()
            .contains("looking for a time that's too old"),
        "{err}"
    );
    let twap = arithmetic_twap_to_now(
        &s.app,
        pool_id,
        OSMO,
        AKT,
        now.minus_seconds(TWAP_HISTORY_SECONDS),
    )
    .unwrap();
    assert_eq!(twap, Decimal::one());
}

fn timestamp(t: Timestamp) -> osmosis_std::shim::Timestamp {
    osmosis_std::shim::Timestamp {
        seconds: t.seconds() as i64,
        nanos: t.subsec_nanos() as i32,
    }
}

// --------------------------------------------------------------- tokenfactory

#[test]
fn tokenfactory_create_mint_burn_change_admin_with_bank_supply() {
    let fee = coin(10_000_000, OSMO);
    let mut app = OsmosisAppBuilder::new()
        .with_denom_creation_fee(vec![fee.clone()])
        .build();
    let creator = app.api().addr_make("spice-token");
    let holder = app.api().addr_make("holder");
    let stranger = app.api().addr_make("stranger");
    let new_admin = app.api().addr_make("dao");
    fund(&mut app, &creator, vec![coin(10_000_000, OSMO)]).unwrap();

    // create: the response data is the protobuf MsgCreateDenomResponse
    let res = app
        .execute(
            creator.clone(),
            tf::MsgCreateDenom {
                sender: creator.to_string(),
                subdenom: "uspice".to_string(),
            }
            .into(),
        )
        .unwrap();
    let denom = factory_denom(&creator, "uspice");
    let created = tf::MsgCreateDenomResponse::decode(res.data.unwrap().as_slice()).unwrap();
    assert_eq!(created.new_token_denom, denom);
    // the 10,000,000 uosmo fee went from the creator to the community pool
    assert_eq!(
        app.wrap()
            .query_balance(&creator, OSMO)
            .unwrap()
            .amount
            .u128(),
        0
    );
    assert_eq!(
        app.wrap()
            .query_balance(community_pool_address(&app), OSMO)
            .unwrap()
            .amount,
        fee.amount
    );
    // a second create of the same denom is refused
    fund(&mut app, &creator, vec![coin(10_000_000, OSMO)]).unwrap();
    let err = app
        .execute(
            creator.clone(),
            tf::MsgCreateDenom {
                sender: creator.to_string(),
                subdenom: "uspice".to_string(),
            }
            .into(),
        )
        .unwrap_err();
    assert_eq!(
        err.root_cause().to_string(),
        "attempting to create a denom that already exists (has bank metadata)"
    );

    let admin_of = |app: &OsmosisApp| {
        tf::TokenfactoryQuerier::new(&app.wrap())
            .denom_authority_metadata(denom.clone())
            .unwrap()
            .authority_metadata
            .unwrap()
            .admin
    };
    assert_eq!(admin_of(&app), creator.to_string());

    let mint = |sender: &Addr, amount: u128, to: &Addr| -> CosmosMsg {
        tf::MsgMint {
            sender: sender.to_string(),
            amount: Some(ProtoCoin {
                denom: denom.clone(),
                amount: amount.to_string(),
            }),
            mint_to_address: to.to_string(),
        }
        .into()
    };
    let burn = |sender: &Addr, amount: u128, from: &Addr| -> CosmosMsg {
        tf::MsgBurn {
            sender: sender.to_string(),
            amount: Some(ProtoCoin {
                denom: denom.clone(),
                amount: amount.to_string(),
            }),
            burn_from_address: from.to_string(),
        }
        .into()
    };
    let supply = |app: &OsmosisApp| -> u128 {
        let res: SupplyResponse = app
            .wrap()
            .query(&QueryRequest::Bank(BankQuery::Supply {
                denom: denom.clone(),
            }))
            .unwrap();
        res.amount.amount.u128()
    };

    // mint 1,000,000 to the holder: supply 1,000,000
    app.execute(creator.clone(), mint(&creator, 1_000_000, &holder))
        .unwrap();
    assert_eq!(
        app.wrap()
            .query_balance(&holder, &denom)
            .unwrap()
            .amount
            .u128(),
        1_000_000
    );
    assert_eq!(supply(&app), 1_000_000);
    // a non-admin cannot mint or burn
    let err = app
        .execute(stranger.clone(), mint(&stranger, 1, &stranger))
        .unwrap_err();
    assert_eq!(err.root_cause().to_string(), "unauthorized account");
    let err = app
        .execute(stranger.clone(), burn(&stranger, 1, &holder))
        .unwrap_err();
    assert_eq!(err.root_cause().to_string(), "unauthorized account");
    // zero amounts are invalid coins
    let err = app
        .execute(creator.clone(), mint(&creator, 0, &holder))
        .unwrap_err();
    assert!(err.root_cause().to_string().ends_with(": invalid coins"));

    // the admin burns 400,000 from the holder (Osmosis allows it): supply 1,000,000 − 400,000 = 600,000
    app.execute(creator.clone(), burn(&creator, 400_000, &holder))
        .unwrap();
    assert_eq!(
        app.wrap()
            .query_balance(&holder, &denom)
            .unwrap()
            .amount
            .u128(),
        600_000
    );
    assert_eq!(supply(&app), 600_000);
    // burning more than the holder has fails and burns nothing
    let err = app
        .execute(creator.clone(), burn(&creator, 600_001, &holder))
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("insufficient funds"));
    assert_eq!(supply(&app), 600_000);

    // change admin; the old admin is then refused, the new one may mint
    app.execute(
        creator.clone(),
        tf::MsgChangeAdmin {
            sender: creator.to_string(),
            denom: denom.clone(),
            new_admin: new_admin.to_string(),
        }
        .into(),
    )
    .unwrap();
    assert_eq!(admin_of(&app), new_admin.to_string());
    let err = app
        .execute(creator.clone(), mint(&creator, 1, &creator))
        .unwrap_err();
    assert_eq!(err.root_cause().to_string(), "unauthorized account");
    app.execute(new_admin.clone(), mint(&new_admin, 5, &new_admin))
        .unwrap();
    assert_eq!(supply(&app), 600_005);

    // DenomsFromCreator is not on Osmosis' contract whitelist: tests read the store directly.
    assert_eq!(denoms_from_creator(&app, &creator), vec![denom.clone()]);
}

#[test]
fn tokenfactory_metadata_is_served_by_the_bank_module() {
    let mut app = osmosis_app();
    let creator = app.api().addr_make("spice-token");
    let denom = factory_denom(&creator, "uspice");
    app.execute(
        creator.clone(),
        any_msg(
            tf::MsgCreateDenom::TYPE_URL,
            &tf::MsgCreateDenom {
                sender: creator.to_string(),
                subdenom: "uspice".to_string(),
            },
        ),
    )
    .unwrap();
    // creation writes the chain's default metadata
    assert_eq!(
        app.wrap().query_denom_metadata(&denom).unwrap().symbol,
        denom
    );

    let metadata = Metadata {
        description: "SPICE, the Akash community memecoin".to_string(),
        denom_units: vec![
            ProtoDenomUnit {
                denom: denom.clone(),
                exponent: 0,
                aliases: vec![],
            },
            ProtoDenomUnit {
                denom: "spice".to_string(),
                exponent: 6,
                aliases: vec![],
            },
        ],
        base: denom.clone(),
        display: "spice".to_string(),
        name: "Spice".to_string(),
        symbol: "SPICE".to_string(),
        uri: String::new(),
        uri_hash: String::new(),
    };
    let stranger = app.api().addr_make("stranger");
    let err = app
        .execute(
            stranger.clone(),
            tf::MsgSetDenomMetadata {
                sender: stranger.to_string(),
                metadata: Some(metadata.clone()),
            }
            .into(),
        )
        .unwrap_err();
    assert_eq!(err.root_cause().to_string(), "unauthorized account");
    app.execute(
        creator.clone(),
        tf::MsgSetDenomMetadata {
            sender: creator.to_string(),
            metadata: Some(metadata),
        }
        .into(),
    )
    .unwrap();
    let stored = app.wrap().query_denom_metadata(&denom).unwrap();
    assert_eq!(stored.symbol, "SPICE");
    assert_eq!(stored.display, "spice");
    assert_eq!(stored.denom_units[1].exponent, 6);
}

// ------------------------------------------------------ contract round trip

/// A tiny contract that swaps the funds it receives through poolmanager as a
/// `reply_on_success` sub-message and records the decoded response.
mod swapper {
    use super::*;
    use cosmwasm_schema::cw_serde;

    #[cw_serde]
    pub struct SwapMsg {
        pub pool_id: u64,
        pub token_out_denom: String,
        pub min_out: Uint128,
    }

    pub const LAST_OUT: Item<Uint128> = Item::new("last_out");
    pub const SWAP_REPLY_ID: u64 = 7;

    pub fn instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
        Ok(Response::new())
    }

    pub fn execute(
        deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: SwapMsg,
    ) -> StdResult<Response> {
        let token_in = info
            .funds
            .first()
            .cloned()
            .ok_or_else(|| StdError::generic_err("send the token to swap"))?;
        // the contract may ask poolmanager first, through the whitelisted stargate query
        let estimate = pm::PoolmanagerQuerier::new(&deps.querier)
            .estimate_single_pool_swap_exact_amount_in(
                msg.pool_id,
                token_in.to_string(),
                msg.token_out_denom.clone(),
            )?;
        let swap = pm::MsgSwapExactAmountIn {
            sender: env.contract.address.to_string(),
            routes: vec![pm::SwapAmountInRoute {
                pool_id: msg.pool_id,
                token_out_denom: msg.token_out_denom,
            }],
            token_in: Some(token_in.into()),
            token_out_min_amount: msg.min_out.to_string(),
        };
        Ok(Response::new()
            .add_attribute("estimate", estimate.token_out_amount)
            .add_submessage(SubMsg::reply_on_success(
                any_msg(pm::MsgSwapExactAmountIn::TYPE_URL, &swap),
                SWAP_REPLY_ID,
            )))
    }

    pub fn reply(deps: DepsMut, _: Env, reply: Reply) -> StdResult<Response> {
        assert_eq!(reply.id, SWAP_REPLY_ID);
        let response = reply.result.into_result().map_err(StdError::generic_err)?;
        let first = response
            .msg_responses
            .first()
            .ok_or_else(|| StdError::generic_err("no msg_responses"))?;
        if first.type_url != pm::MsgSwapExactAmountInResponse::TYPE_URL {
            return Err(StdError::generic_err(format!(
                "unexpected {}",
                first.type_url
            )));
        }
        let decoded = pm::MsgSwapExactAmountInResponse::decode(first.value.as_slice())
            .map_err(|e| StdError::generic_err(e.to_string()))?;
        // the deprecated `data` carries the same bytes
        #[allow(deprecated)]
        let data = response.data.unwrap_or_default();
        if data != first.value {
            return Err(StdError::generic_err("data differs from msg_responses"));
        }
        let out: Uint128 = decoded.token_out_amount.parse()?;
        LAST_OUT.save(deps.storage, &out)?;
        Ok(Response::new()
            .add_attribute("token_out_amount", out.to_string())
            .set_data(to_json_binary(&out)?))
    }

    pub fn query(deps: Deps, _: Env, _: Empty) -> StdResult<Binary> {
        to_json_binary(&LAST_OUT.load(deps.storage)?)
    }
}

#[test]
fn contract_reply_decodes_swap_response_from_msg_responses() {
    let mut s = Suite::new();
    let pool_id = s.even_pool();
    let code_id = s.app.store_code(Box::new(
        ContractWrapper::new(swapper::execute, swapper::instantiate, swapper::query)
            .with_reply(swapper::reply),
    ));
    let owner = s.lp.clone();
    let contract = s
        .app
        .instantiate_contract(code_id, owner, &Empty {}, &[], "swapper", None)
        .unwrap();
    let trader = s.trader.clone();
    fund(&mut s.app, &trader, vec![coin(10_000, OSMO)]).unwrap();

    let res = s
        .app
        .execute_contract(
            trader.clone(),
            contract.clone(),
            &swapper::SwapMsg {
                pool_id,
                token_out_denom: AKT.to_string(),
                min_out: Uint128::new(9_881),
            },
            &[coin(10_000, OSMO)],
        )
        .unwrap();
    // 9,881 as in the single-hop test, estimated, swapped, decoded in reply
    let out: Uint128 = from_json(res.data.clone().unwrap()).unwrap();
    assert_eq!(out, Uint128::new(9_881));
    assert!(res.has_event(&cosmwasm_std::Event::new("wasm").add_attribute("estimate", "9881")));
    assert!(res.has_event(
        &cosmwasm_std::Event::new("token_swapped")
            .add_attribute("tokens_out", format!("9881{AKT}"))
    ));
    let stored: Uint128 = s.app.wrap().query_wasm_smart(&contract, &Empty {}).unwrap();
    assert_eq!(stored, Uint128::new(9_881));
    assert_eq!(s.balance(&contract, AKT), 9_881);

    // a swap below its minimum fails the whole execution and moves nothing
    fund(&mut s.app, &trader, vec![coin(10_000, OSMO)]).unwrap();
    let err = s
        .app
        .execute_contract(
            trader.clone(),
            contract.clone(),
            &swapper::SwapMsg {
                pool_id,
                token_out_denom: AKT.to_string(),
                min_out: Uint128::new(1_000_000),
            },
            &[coin(10_000, OSMO)],
        )
        .unwrap_err();
    assert!(err
        .root_cause()
        .to_string()
        .contains("token is lesser than min amount"));
    assert_eq!(s.balance(&trader, OSMO), 10_000);
}
