//! The shared guard, route checks and swap reply against a scripted chain: every answer is set
//! by the test, so each boundary (zero, the band's edge, one atom beyond, rounding) is exact.

use std::cell::RefCell;
use std::collections::HashMap;

use cosmwasm_std::testing::mock_env;
use cosmwasm_std::{
    from_json, to_json_binary, Binary, Coin, ContractResult, CosmosMsg, Decimal256, Empty, Env,
    MsgResponse, Querier, QuerierResult, QuerierWrapper, QueryRequest, Reply, SubMsgResponse,
    SubMsgResult, SystemResult, Timestamp, Uint128,
};
use osmosis_std::types::osmosis::poolmanager::v1beta1 as pm;
use osmosis_std::types::osmosis::twap::v1beta1 as twap;
use prost::Message;

use crate::*;

const OSMO: &str = "uosmo";
const USDC: &str = "uusdc";
const AKT: &str = "uakt";

/// A chain whose pools answer what the test scripted: TWAP and spot price strings per
/// `(pool, base, quote)`, one estimate, and the pools that exist. Unscripted queries fail like
/// the chain's do, with an error message.
struct ScriptedChain {
    twaps: HashMap<(u64, String, String), String>,
    spots: HashMap<(u64, String, String), String>,
    estimate: Option<String>,
    pools: Vec<u64>,
    /// The start time of every TWAP request, in order.
    twap_starts: RefCell<Vec<i64>>,
    /// Every estimate request, in order.
    estimates: RefCell<Vec<pm::EstimateSwapExactAmountInRequest>>,
    /// Taker fee per `(denom in, denom out)`; unscripted pairs pay `default_taker_fee`.
    taker_fees: HashMap<(String, String), String>,
    /// The chain's default taker fee (zero unless a test sets it), or `None` to fail the query.
    default_taker_fee: Option<String>,
    /// Every taker fee request `(denom_0, denom_1)`, in order.
    taker_fee_requests: RefCell<Vec<(String, String)>>,
}

impl Default for ScriptedChain {
    fn default() -> Self {
        Self {
            twaps: HashMap::new(),
            spots: HashMap::new(),
            estimate: None,
            pools: vec![],
            twap_starts: RefCell::default(),
            estimates: RefCell::default(),
            taker_fees: HashMap::new(),
            default_taker_fee: Some("0.000000000000000000".to_string()),
            taker_fee_requests: RefCell::default(),
        }
    }
}

fn key(pool: u64, base: &str, quote: &str) -> (u64, String, String) {
    (pool, base.to_string(), quote.to_string())
}

impl ScriptedChain {
    /// A pool priced at `twap` over the window and `spot` now, for `base` in `quote`.
    fn price(mut self, pool: u64, base: &str, quote: &str, twap: &str, spot: &str) -> Self {
        self.twaps.insert(key(pool, base, quote), twap.to_string());
        self.spots.insert(key(pool, base, quote), spot.to_string());
        if !self.pools.contains(&pool) {
            self.pools.push(pool);
        }
        self
    }

    fn taker_fee(mut self, denom_in: &str, denom_out: &str, fee: &str) -> Self {
        self.taker_fees.insert(
            (denom_in.to_string(), denom_out.to_string()),
            fee.to_string(),
        );
        self
    }

    fn default_taker_fee(mut self, fee: Option<&str>) -> Self {
        self.default_taker_fee = fee.map(str::to_string);
        self
    }

    fn estimate(mut self, out: &str) -> Self {
        self.estimate = Some(out.to_string());
        self
    }

    fn answer<T: serde::Serialize>(response: &T) -> QuerierResult {
        SystemResult::Ok(ContractResult::Ok(to_json_binary(response).unwrap()))
    }

    fn fail(reason: &str) -> QuerierResult {
        SystemResult::Ok(ContractResult::Err(reason.to_string()))
    }
}

impl Querier for ScriptedChain {
    fn raw_query(&self, bin_request: &[u8]) -> QuerierResult {
        let request: QueryRequest<Empty> = from_json(bin_request).unwrap();
        #[allow(deprecated)]
        let QueryRequest::Stargate { path, data } = request
        else {
            panic!("only stargate queries are scripted: {request:?}");
        };
        match path.as_str() {
            "/osmosis.twap.v1beta1.Query/ArithmeticTwapToNow" => {
                let req = twap::ArithmeticTwapToNowRequest::decode(data.as_slice()).unwrap();
                self.twap_starts
                    .borrow_mut()
                    .push(req.start_time.map_or(-1, |t| t.seconds));
                match self
                    .twaps
                    .get(&key(req.pool_id, &req.base_asset, &req.quote_asset))
                {
                    Some(price) => Self::answer(&twap::ArithmeticTwapToNowResponse {
                        arithmetic_twap: price.clone(),
                    }),
                    None => Self::fail("no twap records"),
                }
            }
            "/osmosis.poolmanager.v1beta1.Query/SpotPrice" => {
                let req = pm::SpotPriceRequest::decode(data.as_slice()).unwrap();
                match self.spots.get(&key(
                    req.pool_id,
                    &req.base_asset_denom,
                    &req.quote_asset_denom,
                )) {
                    Some(price) => Self::answer(&pm::SpotPriceResponse {
                        spot_price: price.clone(),
                    }),
                    None => Self::fail("denom not in pool"),
                }
            }
            "/osmosis.poolmanager.v1beta1.Query/EstimateSwapExactAmountIn" => {
                let req = pm::EstimateSwapExactAmountInRequest::decode(data.as_slice()).unwrap();
                self.estimates.borrow_mut().push(req);
                match &self.estimate {
                    Some(out) => Self::answer(&pm::EstimateSwapExactAmountInResponse {
                        token_out_amount: out.clone(),
                    }),
                    None => Self::fail("insufficient liquidity"),
                }
            }
            "/osmosis.poolmanager.v1beta1.Query/TradingPairTakerFee" => {
                let req = pm::TradingPairTakerFeeRequest::decode(data.as_slice()).unwrap();
                self.taker_fee_requests
                    .borrow_mut()
                    .push((req.denom_0.clone(), req.denom_1.clone()));
                match self
                    .taker_fees
                    .get(&(req.denom_0, req.denom_1))
                    .or(self.default_taker_fee.as_ref())
                {
                    Some(fee) => Self::answer(&pm::TradingPairTakerFeeResponse {
                        taker_fee: fee.clone(),
                    }),
                    None => Self::fail("taker fee store unavailable"),
                }
            }
            "/osmosis.poolmanager.v1beta1.Query/Pool" => {
                let req = pm::PoolRequest::decode(data.as_slice()).unwrap();
                if self.pools.contains(&req.pool_id) {
                    // The pool is skipped unread by the existence check.
                    Self::answer(&serde_json::json!({ "pool": { "@type": "/x", "id": "1" } }))
                } else {
                    Self::fail("pool not found")
                }
            }
            other => panic!("unscripted query {other}"),
        }
    }
}

fn hop(pool_id: u64, token_out_denom: &str) -> Hop {
    Hop {
        pool_id,
        token_out_denom: token_out_denom.to_string(),
    }
}

fn dec(text: &str) -> Decimal256 {
    text.parse().unwrap()
}

fn env_at(seconds: u64) -> Env {
    let mut env = mock_env();
    env.block.time = Timestamp::from_seconds(seconds);
    env
}

/// 2% slippage, 3% band, one hour of TWAP.
fn params() -> GuardParams {
    GuardParams {
        twap_window_seconds: 3_600,
        max_slippage: Decimal256::percent(2),
        max_spot_deviation: Decimal256::percent(3),
    }
}

fn quote(chain: &ScriptedChain, route: &[Hop], amount_in: u128) -> Result<Quote, GuardError> {
    guarded_route_quote(
        &QuerierWrapper::new(chain),
        &env_at(100_000),
        OSMO,
        route,
        Uint128::new(amount_in),
        &params(),
    )
}

// ---- guarded_route_quote ----

#[test]
fn one_hop_quote_floors_at_twap_less_slippage_and_reports_the_estimate() {
    let chain = ScriptedChain::default()
        .price(1, OSMO, AKT, "2.0", "2.01")
        .estimate("1990");
    let q = quote(&chain, &[hop(1, AKT)], 1_000).unwrap();
    assert_eq!(
        q,
        Quote {
            // 1,000 × 2 × 0.98
            min_out: Uint128::new(1_960),
            expected_out: Uint128::new(1_990),
            twap_price: dec("2"),
            spot_price: dec("2.01"),
            taker_fees: vec![Decimal256::zero()],
        }
    );
    // the TWAP covers the window before now; the estimate swaps exactly amount_in
    assert_eq!(*chain.twap_starts.borrow(), vec![100_000 - 3_600]);
    let estimates = chain.estimates.borrow();
    assert_eq!(estimates[0].token_in, "1000uosmo");
    assert_eq!(estimates[0].routes.len(), 1);
    assert_eq!(estimates[0].routes[0].pool_id, 1);
}

#[test]
fn two_hops_compose_prices_and_query_each_hop_from_the_previous_output() {
    let chain = ScriptedChain::default()
        .price(1, OSMO, USDC, "0.5", "0.5")
        .price(2, USDC, AKT, "4", "4.1")
        .estimate("2000");
    let q = quote(&chain, &[hop(1, USDC), hop(2, AKT)], 1_000).unwrap();
    assert_eq!(q.twap_price, dec("2"));
    assert_eq!(q.spot_price, dec("2.05"));
    assert_eq!(q.min_out, Uint128::new(1_960));
    assert_eq!(chain.twap_starts.borrow().len(), 2);
}

#[test]
fn the_floor_deducts_each_hops_taker_fee_before_the_slippage() {
    // Mainnet: 0.1% default; this pair's reverse direction has an override the route never uses.
    let chain = ScriptedChain::default()
        .default_taker_fee(Some("0.001000000000000000"))
        .taker_fee(USDC, OSMO, "0.5")
        .price(1, OSMO, USDC, "0.5", "0.5")
        .price(2, USDC, AKT, "4", "4")
        .estimate("1957");
    let q = quote(&chain, &[hop(1, USDC), hop(2, AKT)], 1_000).unwrap();
    // 1,000 × 0.5 × 0.999 × 4 × 0.999 × 0.98 = 1,956.08… -> 1,957 (rounded up)
    assert_eq!(q.min_out, Uint128::new(1_957));
    assert_eq!(
        q.taker_fees,
        vec![dec("0.001"), dec("0.001")],
        "each hop's own direction is asked"
    );
    assert_eq!(
        *chain.taker_fee_requests.borrow(),
        vec![
            (OSMO.to_string(), USDC.to_string()),
            (USDC.to_string(), AKT.to_string())
        ]
    );
    // the TWAP prices stay the pools' prices: the fee is not the market's
    assert_eq!(q.twap_price, dec("2"));
}

#[test]
fn an_estimate_that_ignores_the_taker_fee_is_not_what_the_floor_expects() {
    // Control: with no taker fee the floor is 1,960 and an estimate of 1,957 is refused.
    let free = ScriptedChain::default()
        .price(1, OSMO, AKT, "2", "2")
        .estimate("1957");
    assert_eq!(
        quote(&free, &[hop(1, AKT)], 1_000),
        Err(GuardError::ExpectedOutBelowMin {
            denom: OSMO.into(),
            amount_in: Uint128::new(1_000),
            expected_out: Uint128::new(1_957),
            min_out: Uint128::new(1_960),
        })
    );
    // With mainnet's 0.1% the floor is 1,000 × 2 × 0.999 × 0.98 = 1,958.04 -> 1,959, which the
    // chain's estimate (net of the fee) reaches.
    let charged = ScriptedChain::default()
        .default_taker_fee(Some("0.001"))
        .price(1, OSMO, AKT, "2", "2")
        .estimate("1959");
    let q = quote(&charged, &[hop(1, AKT)], 1_000).unwrap();
    assert_eq!(q.min_out, Uint128::new(1_959));
    assert_eq!(q.expected_out, Uint128::new(1_959));
}

#[test]
fn a_taker_fee_the_chain_cannot_answer_or_of_one_refuses_the_swap() {
    let unanswered = ScriptedChain::default()
        .default_taker_fee(None)
        .price(1, OSMO, AKT, "2", "2")
        .estimate("1990");
    assert_eq!(
        quote(&unanswered, &[hop(1, AKT)], 1_000),
        Err(GuardError::TakerFeeUnavailable {
            denom_in: OSMO.into(),
            denom_out: AKT.into(),
            reason: "Generic error: Querier contract error: taker fee store unavailable".into(),
        })
    );
    let unreadable = ScriptedChain::default()
        .default_taker_fee(Some("lots"))
        .price(1, OSMO, AKT, "2", "2")
        .estimate("1990");
    assert!(matches!(
        quote(&unreadable, &[hop(1, AKT)], 1_000),
        Err(GuardError::TakerFeeUnavailable { .. })
    ));
    let confiscatory = ScriptedChain::default()
        .default_taker_fee(Some("1.5"))
        .price(1, OSMO, AKT, "2", "2")
        .estimate("1990");
    assert!(matches!(
        quote(&confiscatory, &[hop(1, AKT)], 1_000),
        Err(GuardError::Overflow(_))
    ));
}

#[test]
fn a_window_longer_than_the_chain_starts_the_twap_at_genesis() {
    let chain = ScriptedChain::default()
        .price(1, OSMO, AKT, "1", "1")
        .estimate("100");
    guarded_route_quote(
        &QuerierWrapper::new(&chain),
        &env_at(600),
        OSMO,
        &[hop(1, AKT)],
        Uint128::new(100),
        &params(),
    )
    .unwrap();
    assert_eq!(*chain.twap_starts.borrow(), vec![0]);
}

#[test]
fn zero_amount_in_is_refused_as_buying_nothing() {
    let chain = ScriptedChain::default()
        .price(1, OSMO, AKT, "1", "1")
        .estimate("0");
    assert_eq!(
        quote(&chain, &[hop(1, AKT)], 0),
        Err(GuardError::MinOutZero {
            denom: OSMO.into(),
            amount_in: Uint128::zero(),
        })
    );
    // refused before the estimate is asked
    assert!(chain.estimates.borrow().is_empty());
}

#[test]
fn a_value_below_one_atom_of_decimal_is_refused_not_rounded_up_to_one() {
    // 1 × 10⁻¹⁸ × 0.98 truncates to zero at 18 decimals: nothing to protect
    let chain = ScriptedChain::default()
        .price(1, OSMO, AKT, "0.000000000000000001", "0.000000000000000001")
        .estimate("1");
    assert!(matches!(
        quote(&chain, &[hop(1, AKT)], 1),
        Err(GuardError::MinOutZero { .. })
    ));
}

#[test]
fn a_fraction_of_a_unit_floor_rounds_up_in_the_protocols_favour() {
    // 1 × 0.5 × 0.98 = 0.49: the floor is 1, and an estimate of 0 is refused
    let chain = ScriptedChain::default()
        .price(1, OSMO, AKT, "0.5", "0.5")
        .estimate("0");
    assert_eq!(
        quote(&chain, &[hop(1, AKT)], 1),
        Err(GuardError::ExpectedOutBelowMin {
            denom: OSMO.into(),
            amount_in: Uint128::one(),
            expected_out: Uint128::zero(),
            min_out: Uint128::one(),
        })
    );
}

#[test]
fn spot_exactly_on_the_band_edge_passes_and_one_atom_beyond_is_refused() {
    for (spot, passes) in [
        ("1.03", true),
        ("0.97", true),
        ("1.030000000000000001", false),
        ("0.969999999999999999", false),
    ] {
        let chain = ScriptedChain::default()
            .price(1, OSMO, AKT, "1", spot)
            .estimate("1000");
        let result = quote(&chain, &[hop(1, AKT)], 1_000);
        if passes {
            assert_eq!(result.unwrap().spot_price, dec(spot), "spot {spot}");
        } else {
            assert_eq!(
                result,
                Err(GuardError::SpotDeviatesFromTwap {
                    pool_id: 1,
                    spot: dec(spot),
                    twap: Decimal256::one(),
                    max_deviation: Decimal256::percent(3),
                }),
                "spot {spot}"
            );
        }
    }
}

#[test]
fn a_manipulated_second_hop_is_reported_with_its_pool() {
    let chain = ScriptedChain::default()
        .price(1, OSMO, USDC, "1", "1")
        .price(2, USDC, AKT, "1", "1.5")
        .estimate("1000");
    assert!(matches!(
        quote(&chain, &[hop(1, USDC), hop(2, AKT)], 1_000),
        Err(GuardError::SpotDeviatesFromTwap { pool_id: 2, .. })
    ));
}

#[test]
fn a_zero_twap_or_spot_is_refused() {
    for (twap, spot) in [("0", "1"), ("1", "0"), ("0", "0")] {
        let chain = ScriptedChain::default()
            .price(1, OSMO, AKT, twap, spot)
            .estimate("1000");
        assert_eq!(
            quote(&chain, &[hop(1, AKT)], 1_000),
            Err(GuardError::ZeroPrice {
                pool_id: 1,
                base: OSMO.into(),
                quote: AKT.into(),
            })
        );
    }
}

#[test]
fn missing_or_unreadable_prices_name_the_pool_and_the_reason() {
    // no TWAP at all
    let chain = ScriptedChain::default().estimate("1000");
    match quote(&chain, &[hop(7, AKT)], 1_000) {
        Err(GuardError::TwapUnavailable {
            pool_id: 7,
            base,
            quote,
            reason,
        }) => {
            assert_eq!((base.as_str(), quote.as_str()), (OSMO, AKT));
            assert!(reason.contains("no twap records"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // a TWAP, but the spot price is unreadable
    let chain = ScriptedChain::default()
        .price(7, OSMO, AKT, "1", "one")
        .estimate("1000");
    match quote(&chain, &[hop(7, AKT)], 1_000) {
        Err(GuardError::SpotUnavailable {
            pool_id, reason, ..
        }) => {
            assert_eq!(pool_id, 7);
            assert!(reason.starts_with("unreadable price \"one\""), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn the_estimate_must_reach_the_floor_exactly_or_more() {
    // floor: 1,000 × 0.98 = 980
    let at_floor = ScriptedChain::default()
        .price(1, OSMO, AKT, "1", "1")
        .estimate("980");
    assert_eq!(
        quote(&at_floor, &[hop(1, AKT)], 1_000)
            .unwrap()
            .expected_out,
        Uint128::new(980)
    );
    let below = ScriptedChain::default()
        .price(1, OSMO, AKT, "1", "1")
        .estimate("979");
    assert_eq!(
        quote(&below, &[hop(1, AKT)], 1_000),
        Err(GuardError::ExpectedOutBelowMin {
            denom: OSMO.into(),
            amount_in: Uint128::new(1_000),
            expected_out: Uint128::new(979),
            min_out: Uint128::new(980),
        })
    );
}

#[test]
fn a_failed_or_unreadable_estimate_is_a_bad_estimate() {
    let failed = ScriptedChain::default().price(1, OSMO, AKT, "1", "1");
    match quote(&failed, &[hop(1, AKT)], 1_000) {
        Err(GuardError::BadEstimate { reason }) => {
            assert!(reason.starts_with("estimate failed: "), "{reason}");
            assert!(reason.contains("insufficient liquidity"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let garbage = ScriptedChain::default()
        .price(1, OSMO, AKT, "1", "1")
        .estimate("lots");
    match quote(&garbage, &[hop(1, AKT)], 1_000) {
        Err(GuardError::BadEstimate { reason }) => {
            assert!(reason.starts_with("estimate \"lots\": "), "{reason}")
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn an_empty_route_is_refused_before_any_query() {
    let chain = ScriptedChain::default();
    assert_eq!(
        quote(&chain, &[], 1_000),
        Err(GuardError::EmptyRoute { denom: OSMO.into() })
    );
    assert!(chain.twap_starts.borrow().is_empty());
}

// ---- the arithmetic ----

#[test]
fn min_out_rounds_up_and_never_wraps() {
    let two_pct = Decimal256::percent(2);
    let one = Decimal256::one();
    assert_eq!(
        min_out(Uint128::zero(), &[one], two_pct).unwrap(),
        Uint128::zero()
    );
    // 1 × 0.98 = 0.98 -> 1 (rounded down it would be 0: no protection at all)
    assert_eq!(
        min_out(Uint128::one(), &[one], two_pct).unwrap(),
        Uint128::one()
    );
    // exact products are not rounded
    assert_eq!(
        min_out(Uint128::new(100), &[one], two_pct).unwrap(),
        Uint128::new(98)
    );
    // 101 × 0.98 = 98.98 -> 99
    assert_eq!(
        min_out(Uint128::new(101), &[one], two_pct).unwrap(),
        Uint128::new(99)
    );
    assert_eq!(
        min_out(Uint128::MAX, &[one], Decimal256::zero()).unwrap(),
        Uint128::MAX
    );
    assert!(matches!(
        min_out(Uint128::MAX, &[dec("2")], Decimal256::zero()),
        Err(GuardError::ConversionOverflow(_))
    ));
    // a slippage above 100% is an error, not a negative floor
    assert!(matches!(
        min_out(Uint128::one(), &[one], dec("1.01")),
        Err(GuardError::Overflow(_))
    ));
}

#[test]
fn deviates_holds_the_edge_and_treats_an_unrepresentable_band_as_holding_everything() {
    let twap = Decimal256::one();
    let max = Decimal256::percent(3);
    let atom = Decimal256::new(1u128.into());
    assert!(!deviates(dec("1.03"), twap, max));
    assert!(!deviates(dec("0.97"), twap, max));
    assert!(deviates(dec("1.03") + atom, twap, max));
    assert!(deviates(dec("0.97") - atom, twap, max));
    assert!(!deviates(twap, twap, Decimal256::zero()));
    assert!(deviates(twap + atom, twap, Decimal256::zero()));
    // twap × max overflows Decimal256: no price is outside such a band
    assert!(!deviates(Decimal256::zero(), Decimal256::MAX, dec("2")));
}

#[test]
fn affordable_and_bounty_round_against_the_keeper() {
    assert_eq!(affordable(Uint128::zero(), 20).unwrap(), Uint128::zero());
    assert_eq!(affordable(Uint128::one(), 20).unwrap(), Uint128::zero());
    assert_eq!(affordable(Uint128::one(), 0).unwrap(), Uint128::one());
    assert_eq!(
        affordable(Uint128::new(1_002), 20).unwrap(),
        Uint128::new(1_000)
    );
    // the amount and its bounty always fit in what is there
    for balance in [1u128, 2, 999, 1_001, 1_002, 1_003, u128::MAX] {
        let balance = Uint128::new(balance);
        let a = affordable(balance, 500).unwrap();
        assert!(a + bounty(a, 500).unwrap() <= balance, "balance {balance}");
    }
    assert_eq!(bounty(Uint128::zero(), 20).unwrap(), Uint128::zero());
    assert_eq!(bounty(Uint128::new(499), 20).unwrap(), Uint128::zero());
    assert_eq!(bounty(Uint128::new(500), 20).unwrap(), Uint128::one());
}

#[test]
fn a_preview_reports_the_plan_or_the_refusal_with_zeros() {
    let q = Quote {
        taker_fees: vec![],
        min_out: Uint128::new(98),
        expected_out: Uint128::new(99),
        twap_price: Decimal256::one(),
        spot_price: dec("1.01"),
    };
    let planned = SwapPreview::planned(Uint128::new(100), Uint128::new(2), &q);
    assert!(planned.would_execute);
    assert_eq!(planned.refusal, None);
    assert_eq!(
        (
            planned.amount_in,
            planned.bounty,
            planned.min_out,
            planned.expected_out
        ),
        (
            Uint128::new(100),
            Uint128::new(2),
            Uint128::new(98),
            Uint128::new(99)
        )
    );
    assert_eq!(planned.spot_price, Some(dec("1.01")));
    let refused = SwapPreview::refused(GuardError::EmptyRoute { denom: OSMO.into() });
    assert!(!refused.would_execute);
    assert_eq!(
        refused.refusal.as_deref(),
        Some("the route for uosmo has no hops")
    );
    assert_eq!(refused.min_out, Uint128::zero());
    assert_eq!(refused.twap_price, None);
}

// ---- routes ----

fn rules(check_pools_exist: bool) -> RouteRules<'static> {
    RouteRules {
        target_denom: AKT,
        max_hops: 2,
        check_pools_exist,
    }
}

#[test]
fn route_shape_errors_come_in_a_fixed_order() {
    let r = rules(false);
    let cases: Vec<(&str, Vec<Hop>, RouteError)> = vec![
        (
            AKT,
            vec![],
            RouteError::RouteForTarget { denom: AKT.into() },
        ),
        (OSMO, vec![], RouteError::EmptyRoute { denom: OSMO.into() }),
        (
            OSMO,
            vec![hop(1, USDC), hop(2, "uatom"), hop(3, AKT)],
            RouteError::TooManyHops {
                denom: OSMO.into(),
                hops: 3,
                max: 2,
            },
        ),
        (
            OSMO,
            vec![hop(1, USDC)],
            RouteError::MustEndInTarget {
                denom: OSMO.into(),
                last: USDC.into(),
                target: AKT.into(),
            },
        ),
        (
            OSMO,
            vec![hop(1, OSMO), hop(2, AKT)],
            RouteError::RouteCycle {
                denom: OSMO.into(),
                repeated: OSMO.into(),
            },
        ),
    ];
    for (denom, hops, expected) in cases {
        assert_eq!(check_route_shape(denom, &hops, &r), Err(expected));
    }
    assert!(matches!(
        check_route_shape("1bad", &[hop(1, AKT)], &r),
        Err(RouteError::InvalidDenom(_))
    ));
    assert!(matches!(
        check_route_shape(OSMO, &[hop(1, "x"), hop(2, AKT)], &r),
        Err(RouteError::InvalidDenom(_))
    ));
    assert_eq!(
        check_route_shape(OSMO, &[hop(1, USDC), hop(2, AKT)], &r),
        Ok(())
    );
}

#[test]
fn check_route_end_returns_the_last_hop_or_why_it_is_wrong() {
    let route = [hop(1, USDC), hop(2, AKT)];
    assert_eq!(check_route_end(OSMO, &route, AKT), Ok(&route[1]));
    assert_eq!(
        check_route_end(OSMO, &route, "uspice"),
        Err(RouteError::MustEndInTarget {
            denom: OSMO.into(),
            last: AKT.into(),
            target: "uspice".into(),
        })
    );
    assert_eq!(
        check_route_end(OSMO, &[], AKT),
        Err(RouteError::EmptyRoute { denom: OSMO.into() })
    );
}

#[test]
fn validate_route_asks_each_pool_to_price_its_hop() {
    let chain = ScriptedChain::default()
        .price(1, OSMO, USDC, "1", "1")
        .price(2, USDC, AKT, "1", "1");
    let querier = QuerierWrapper::new(&chain);
    assert_eq!(
        validate_route(&querier, OSMO, &[hop(1, USDC), hop(2, AKT)], &rules(true)),
        Ok(())
    );
    // pool 1 exists but cannot price the second hop
    match validate_route(&querier, OSMO, &[hop(1, USDC), hop(1, AKT)], &rules(true)) {
        Err(RouteError::PoolLacksDenoms {
            pool_id: 1,
            token_in,
            token_out,
            reason,
        }) => {
            assert_eq!((token_in.as_str(), token_out.as_str()), (USDC, AKT));
            assert!(reason.contains("denom not in pool"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_missing_pool_is_reported_as_missing_only_when_the_rules_ask() {
    let chain = ScriptedChain::default().price(1, OSMO, USDC, "1", "1");
    let querier = QuerierWrapper::new(&chain);
    let route = [hop(1, USDC), hop(9, AKT)];
    assert!(matches!(
        validate_route(&querier, OSMO, &route, &rules(true)),
        Err(RouteError::PoolNotFound { pool_id: 9, ref token_in, .. }) if token_in == USDC
    ));
    assert!(matches!(
        validate_route(&querier, OSMO, &route, &rules(false)),
        Err(RouteError::PoolLacksDenoms { pool_id: 9, .. })
    ));
}

// ---- the swap ----

#[test]
fn swap_msg_swaps_exactly_amount_in_along_the_route_with_the_floor() {
    let msg = swap_msg(
        "contract",
        &[hop(1, USDC), hop(2, AKT)],
        Coin::new(1_000u128, OSMO),
        Uint128::new(980),
    );
    let CosmosMsg::Any(any) = msg else {
        panic!("not an Any message: {msg:?}");
    };
    assert_eq!(any.type_url, pm::MsgSwapExactAmountIn::TYPE_URL);
    let swap = pm::MsgSwapExactAmountIn::decode(any.value.as_slice()).unwrap();
    assert_eq!(swap.sender, "contract");
    assert_eq!(swap.token_out_min_amount, "980");
    let token_in = swap.token_in.unwrap();
    assert_eq!(
        (token_in.denom.as_str(), token_in.amount.as_str()),
        (OSMO, "1000")
    );
    let hops: Vec<(u64, &str)> = swap
        .routes
        .iter()
        .map(|r| (r.pool_id, r.token_out_denom.as_str()))
        .collect();
    assert_eq!(hops, vec![(1, USDC), (2, AKT)]);
}

fn reply_with(msg_responses: Vec<MsgResponse>, data: Option<Binary>) -> Reply {
    #[allow(deprecated)]
    Reply {
        id: 1,
        payload: Binary::default(),
        gas_used: 0,
        result: SubMsgResult::Ok(SubMsgResponse {
            events: vec![],
            data,
            msg_responses,
        }),
    }
}

fn swap_response(amount: &str) -> Binary {
    Binary::new(
        pm::MsgSwapExactAmountInResponse {
            token_out_amount: amount.to_string(),
        }
        .encode_to_vec(),
    )
}

#[test]
fn swap_output_reads_msg_responses_then_data() {
    let from_responses = reply_with(
        vec![
            MsgResponse {
                type_url: "/other.Msg".into(),
                value: swap_response("1"),
            },
            MsgResponse {
                type_url: pm::MsgSwapExactAmountInResponse::TYPE_URL.into(),
                value: swap_response("990"),
            },
        ],
        None,
    );
    assert_eq!(swap_output(from_responses), Ok(Uint128::new(990)));
    let from_data = reply_with(vec![], Some(swap_response("42")));
    assert_eq!(swap_output(from_data), Ok(Uint128::new(42)));
}

#[test]
fn unreadable_swap_replies_give_a_reason() {
    assert_eq!(
        swap_output(reply_with(vec![], None)),
        Err("the swap returned no response".to_string())
    );
    let undecodable = reply_with(vec![], Some(Binary::new(vec![0xff, 0xff])));
    assert!(swap_output(undecodable)
        .unwrap_err()
        .starts_with("undecodable: "));
    let garbage = reply_with(vec![], Some(swap_response("many")));
    assert!(swap_output(garbage)
        .unwrap_err()
        .starts_with("token_out_amount \"many\": "));
    let failed = Reply {
        id: 1,
        payload: Binary::default(),
        gas_used: 0,
        result: SubMsgResult::Err("out of gas".into()),
    };
    assert_eq!(swap_output(failed), Err("out of gas".to_string()));
}

// ---- the error mapping a contract uses ----

/// A contract error enum of the shape `impl_from_guard_error!` expects.
#[derive(Debug, PartialEq)]
enum ContractLike {
    Overflow(cosmwasm_std::OverflowError),
    ConversionOverflow(cosmwasm_std::ConversionOverflowError),
    EmptyRoute {
        denom: String,
    },
    TwapUnavailable {
        pool_id: u64,
        base: String,
        quote: String,
        reason: String,
    },
    SpotUnavailable {
        pool_id: u64,
        base: String,
        quote: String,
        reason: String,
    },
    ZeroPrice {
        pool_id: u64,
        base: String,
        quote: String,
    },
    SpotDeviatesFromTwap {
        pool_id: u64,
        spot: Decimal256,
        twap: Decimal256,
        max_deviation: Decimal256,
    },
    MinOutZero {
        denom: String,
        amount_in: Uint128,
    },
    ExpectedOutBelowMin {
        denom: String,
        amount_in: Uint128,
        expected_out: Uint128,
        min_out: Uint128,
    },
    BadQuote {
        reason: String,
    },
}

crate::impl_from_guard_error!(ContractLike, bad_estimate: BadQuote);

#[test]
fn guard_errors_map_field_for_field_onto_the_contracts_variants() {
    assert_eq!(
        ContractLike::from(GuardError::BadEstimate {
            reason: "estimate failed: x".into()
        }),
        ContractLike::BadQuote {
            reason: "estimate failed: x".into()
        }
    );
    assert_eq!(
        ContractLike::from(GuardError::TakerFeeUnavailable {
            denom_in: OSMO.into(),
            denom_out: AKT.into(),
            reason: "x".into(),
        }),
        ContractLike::BadQuote {
            reason: "taker fee of uosmo to uakt failed: x".into()
        }
    );
    assert_eq!(
        ContractLike::from(GuardError::SpotDeviatesFromTwap {
            pool_id: 3,
            spot: dec("1.5"),
            twap: Decimal256::one(),
            max_deviation: Decimal256::percent(3),
        }),
        ContractLike::SpotDeviatesFromTwap {
            pool_id: 3,
            spot: dec("1.5"),
            twap: Decimal256::one(),
            max_deviation: Decimal256::percent(3),
        }
    );
    assert_eq!(
        ContractLike::from(GuardError::MinOutZero {
            denom: OSMO.into(),
            amount_in: Uint128::one(),
        }),
        ContractLike::MinOutZero {
            denom: OSMO.into(),
            amount_in: Uint128::one(),
        }
    );
}

#[test]
fn twap_window_is_bounded_by_osmosis_48_hour_history() {
    use spice_types::ValidationError;
    assert_eq!(MAX_TWAP_WINDOW_SECONDS, 47 * 3_600);
    assert!(validate_twap_window("w", MIN_TWAP_WINDOW_SECONDS).is_ok());
    assert!(validate_twap_window("w", MAX_TWAP_WINDOW_SECONDS).is_ok());
    assert_eq!(
        validate_twap_window("w", MIN_TWAP_WINDOW_SECONDS - 1),
        Err(ValidationError::WindowTooShort {
            field: "w".into(),
            value: MIN_TWAP_WINDOW_SECONDS - 1,
            min: MIN_TWAP_WINDOW_SECONDS,
        })
    );
    // 48 hours is where Osmosis' history ends: refused, like anything longer.
    for value in [MAX_TWAP_WINDOW_SECONDS + 1, 48 * 3_600, u64::MAX] {
        assert_eq!(
            validate_twap_window("w", value),
            Err(ValidationError::WindowTooLong {
                field: "w".into(),
                value,
                max: MAX_TWAP_WINDOW_SECONDS,
            })
        );
    }
}
