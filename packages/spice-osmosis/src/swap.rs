//! The swap itself: poolmanager's `MsgSwapExactAmountIn` along a route, and the amount its
//! response reports in the reply.

use cosmwasm_std::{AnyMsg, Coin, CosmosMsg, Reply, Uint128};
use osmosis_std::types::osmosis::poolmanager::v1beta1::{
    MsgSwapExactAmountIn, MsgSwapExactAmountInResponse, SwapAmountInRoute,
};

use crate::route::Hop;

pub fn swap_routes(route: &[Hop]) -> Vec<SwapAmountInRoute> {
    route
        .iter()
        .map(|h| SwapAmountInRoute {
            pool_id: h.pool_id,
            token_out_denom: h.token_out_denom.clone(),
        })
        .collect()
}

/// Swaps `token_in` along `route`; the chain refuses to pay out less than `min_out`.
pub fn swap_msg(sender: &str, route: &[Hop], token_in: Coin, min_out: Uint128) -> CosmosMsg {
    let swap = MsgSwapExactAmountIn {
        sender: sender.to_string(),
        routes: swap_routes(route),
        token_in: Some(token_in.into()),
        token_out_min_amount: min_out.to_string(),
    };
    CosmosMsg::Any(AnyMsg {
        type_url: MsgSwapExactAmountIn::TYPE_URL.to_string(),
        value: swap.to_proto_bytes().into(),
    })
}

/// The output amount of a successful swap sub-message: from its `msg_responses` (SDK 0.50), or
/// from `data` on chains that still fill only that. The error is the reason, for the calling
/// contract's own "bad response" variant.
pub fn swap_output(reply: Reply) -> Result<Uint128, String> {
    let response = reply.result.into_result()?;
    let bytes = match response
        .msg_responses
        .iter()
        .find(|r| r.type_url == MsgSwapExactAmountInResponse::TYPE_URL)
    {
        Some(r) => r.value.clone(),
        #[allow(deprecated)]
        None => response
            .data
            .ok_or_else(|| "the swap returned no response".to_string())?,
    };
    let decoded =
        MsgSwapExactAmountInResponse::try_from(bytes).map_err(|e| format!("undecodable: {e}"))?;
    decoded
        .token_out_amount
        .parse::<Uint128>()
        .map_err(|e| format!("token_out_amount {:?}: {e}", decoded.token_out_amount))
}
