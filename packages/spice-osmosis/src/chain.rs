//! The Osmosis queries the guard and the route checks ask (all on Osmosis' stargate whitelist:
//! `ArithmeticTwapToNow`, `SpotPrice`, `EstimateSwapExactAmountIn`, `TradingPairTakerFee`,
//! `Pool`), answered as wasmd answers a
//! `Stargate` query (the response as JSON) and read only as far as needed.
//!
//! osmosis-std's query helpers decode into its full response types through their own copy of
//! the querier plumbing; these send the very same requests (osmosis-std's request types, so the
//! paths and protobuf bytes cannot drift) through `spice_types::query` and read the one field
//! each answer is asked for. Unknown fields are skipped, as osmosis-std's types skip them.

use cosmwasm_schema::serde::Deserialize;
use cosmwasm_std::{QuerierWrapper, StdResult, Timestamp, Uint128};
use osmosis_std::shim::Timestamp as ProtoTimestamp;
use osmosis_std::types::osmosis::poolmanager::v1beta1::{
    EstimateSwapExactAmountInRequest, SpotPriceRequest, TradingPairTakerFeeRequest,
};
use osmosis_std::types::osmosis::twap::v1beta1::ArithmeticTwapToNowRequest;
use spice_types::query::query;

use crate::route::Hop;
use crate::swap::swap_routes;

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct SpotPriceAnswer {
    spot_price: String,
}

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct TwapAnswer {
    arithmetic_twap: String,
}

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct EstimateAnswer {
    token_out_amount: String,
}

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct TakerFeeAnswer {
    taker_fee: String,
}

fn proto_time(t: Timestamp) -> ProtoTimestamp {
    ProtoTimestamp {
        seconds: i64::try_from(t.seconds()).unwrap_or(i64::MAX),
        nanos: i32::try_from(t.subsec_nanos()).unwrap_or(0),
    }
}

/// poolmanager's `SpotPrice` of `base` in `quote`: the decimal string as the chain writes it.
pub fn spot_price(
    querier: &QuerierWrapper,
    pool_id: u64,
    base: &str,
    quote: &str,
) -> StdResult<String> {
    let request = SpotPriceRequest {
        pool_id,
        base_asset_denom: base.to_string(),
        quote_asset_denom: quote.to_string(),
    };
    let answer: SpotPriceAnswer = query(querier, &request.into())?;
    Ok(answer.spot_price)
}

/// twap's `ArithmeticTwapToNow` of `base` in `quote` since `start`: the decimal string.
pub fn arithmetic_twap_to_now(
    querier: &QuerierWrapper,
    pool_id: u64,
    base: &str,
    quote: &str,
    start: Timestamp,
) -> StdResult<String> {
    let request = ArithmeticTwapToNowRequest {
        pool_id,
        base_asset: base.to_string(),
        quote_asset: quote.to_string(),
        start_time: Some(proto_time(start)),
    };
    let answer: TwapAnswer = query(querier, &request.into())?;
    Ok(answer.arithmetic_twap)
}

/// poolmanager's `EstimateSwapExactAmountIn` of `amount_in` `denom_in` along `route`: the
/// output amount string.
pub fn estimate_swap_exact_amount_in(
    querier: &QuerierWrapper,
    denom_in: &str,
    amount_in: Uint128,
    route: &[Hop],
) -> StdResult<String> {
    // `sender` and `pool_id` are deprecated and left empty, as osmosis-std's helper leaves them.
    let request = EstimateSwapExactAmountInRequest {
        token_in: format!("{amount_in}{denom_in}"),
        routes: swap_routes(route),
        ..Default::default()
    };
    let answer: EstimateAnswer = query(querier, &request.into())?;
    Ok(answer.token_out_amount)
}

/// poolmanager's `TradingPairTakerFee` of a swap from `denom_in` to `denom_out` (the order
/// matters: overrides are per direction): the decimal string. On Osmosis' stargate whitelist.
pub fn trading_pair_taker_fee(
    querier: &QuerierWrapper,
    denom_in: &str,
    denom_out: &str,
) -> StdResult<String> {
    let request = TradingPairTakerFeeRequest {
        denom_0: denom_in.to_string(),
        denom_1: denom_out.to_string(),
    };
    let answer: TakerFeeAnswer = query(querier, &request.into())?;
    Ok(answer.taker_fee)
}
