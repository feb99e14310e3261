//! The price guard of a keeper-triggered swap along a route, and its sizing arithmetic.
//!
//! * size: `affordable(balance, bps) = ⌊balance × 10000 / (10000 + bps)⌋` leaves room for the
//!   keeper's `bounty = ⌊amount × bps / 10000⌋` (both rounded down: against the keeper);
//! * per hop `i` (`in_i -> out_i` through pool `p_i`): `twap_i = ArithmeticTwapToNow(p_i, base
//!   in_i, quote out_i, now − twap_window)` and `spot_i = SpotPrice(p_i, in_i, out_i)`;
//!   refused when either is zero or `|spot_i − twap_i| > twap_i × max_spot_deviation`;
//! * per hop, `fee_i = TradingPairTakerFee(in_i, out_i)`: Osmosis takes the taker fee off the
//!   token in of every hop before the pool's spread factor (default 0.1% on mainnet, per pair
//!   overrides), so the value the swap can fairly expect is `Π twap_i × (1 − fee_i)`. The rate
//!   is read from the chain (the query is on Osmosis' stargate whitelist), never configured, so
//!   a governance change of the fee cannot make every keeper call fail or the floor lax;
//! * `min_out = ⌈amount_in × Π twap_i × (1 − fee_i) × (1 − max_slippage)⌉`: rounded UP, because
//!   the minimum is a protection floor and rounding it down would accept a unit less than the
//!   bound allows; the per-hop products are truncated at 18 decimals (under 10⁻¹⁸ of a unit
//!   per hop);
//! * the pools' estimate must reach `min_out` (a clear error instead of the chain's), and the
//!   chain enforces `min_out` again on the swap itself.

use cosmwasm_std::{
    CheckedMultiplyRatioError, ConversionOverflowError, Decimal256, Env, OverflowError,
    QuerierWrapper, Timestamp, Uint128, Uint256,
};
use spice_types::BPS_DENOMINATOR;
use thiserror::Error;

use crate::chain;
use crate::route::Hop;

/// The guard's settings, from the calling contract's config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuardParams {
    /// The TWAP covers `[now − twap_window_seconds, now]` (from genesis when the chain is
    /// younger than the window).
    pub twap_window_seconds: u64,
    /// The share of the TWAP value the swap may lose: `min_out` keeps `1 − max_slippage`.
    pub max_slippage: Decimal256,
    /// How far, relative to the TWAP, each hop's spot price may stray.
    pub max_spot_deviation: Decimal256,
}

/// What a guarded swap of `amount_in` along a route would get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// The least the swap accepts (the chain enforces it).
    pub min_out: Uint128,
    /// The pools' own estimate, at least `min_out`.
    pub expected_out: Uint128,
    /// Output per unit of input at the TWAP, composed along the route.
    pub twap_price: Decimal256,
    /// Output per unit of input at spot, composed along the route.
    pub spot_price: Decimal256,
    /// The taker fee of each hop, as the chain charges it.
    pub taker_fees: Vec<Decimal256>,
}

/// Why the guard refused a swap. Each contract maps these onto its own error variants, which
/// keep their names and messages.
#[derive(Error, Debug, PartialEq)]
pub enum GuardError {
    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    ConversionOverflow(#[from] ConversionOverflowError),

    #[error("the route for {denom} has no hops")]
    EmptyRoute { denom: String },

    #[error("no TWAP for pool {pool_id} ({base} in {quote}) over the window: {reason}")]
    TwapUnavailable {
        pool_id: u64,
        base: String,
        quote: String,
        reason: String,
    },

    #[error("no spot price for pool {pool_id} ({base} in {quote}): {reason}")]
    SpotUnavailable {
        pool_id: u64,
        base: String,
        quote: String,
        reason: String,
    },

    #[error("pool {pool_id} quotes a zero price for {base} in {quote}")]
    ZeroPrice {
        pool_id: u64,
        base: String,
        quote: String,
    },

    #[error("pool {pool_id}: spot {spot} is more than {max_deviation} away from the TWAP {twap}; the price looks manipulated")]
    SpotDeviatesFromTwap {
        pool_id: u64,
        spot: Decimal256,
        twap: Decimal256,
        max_deviation: Decimal256,
    },

    #[error("{amount_in}{denom} buys less than one unit of the target denom at the TWAP")]
    MinOutZero { denom: String, amount_in: Uint128 },

    #[error("{amount_in}{denom} would buy {expected_out}, below the TWAP minimum {min_out}")]
    ExpectedOutBelowMin {
        denom: String,
        amount_in: Uint128,
        expected_out: Uint128,
        min_out: Uint128,
    },

    #[error("no taker fee for {denom_in} to {denom_out}: {reason}")]
    TakerFeeUnavailable {
        denom_in: String,
        denom_out: String,
        reason: String,
    },

    /// The reason reads like the contracts' `bad response` reasons: `estimate failed: …`.
    #[error("the swap estimate cannot be read: {reason}")]
    BadEstimate { reason: String },
}

/// The most that can be swapped out of `balance` while leaving the keeper's bounty on it:
/// `a + ⌊a × bps / 10000⌋ ≤ balance` for `a = ⌊balance × 10000 / (10000 + bps)⌋`.
pub fn affordable(balance: Uint128, bounty_bps: u16) -> Result<Uint128, CheckedMultiplyRatioError> {
    let denominator = u128::from(BPS_DENOMINATOR) + u128::from(bounty_bps);
    balance.checked_multiply_ratio(BPS_DENOMINATOR, denominator)
}

/// A keeper bounty, rounded down (the keeper's loss, never the protocol's).
pub fn bounty(amount: Uint128, bounty_bps: u16) -> Result<Uint128, CheckedMultiplyRatioError> {
    amount.checked_multiply_ratio(bounty_bps, BPS_DENOMINATOR)
}

/// `⌈amount × Π prices × (1 − slippage)⌉`, the minimum output the swap accepts. An answer
/// beyond `Uint128` is an error, never a wrap.
pub fn min_out(
    amount_in: Uint128,
    twaps: &[Decimal256],
    max_slippage: Decimal256,
) -> Result<Uint128, GuardError> {
    let mut value = Decimal256::from_ratio(amount_in, 1u8);
    for twap in twaps {
        value = value.checked_mul(*twap)?;
    }
    let keep = Decimal256::one().checked_sub(max_slippage)?;
    // Rounded up: the floor protects the protocol, so it never sits below the bound.
    let rounded: Uint256 = value.checked_mul(keep)?.to_uint_ceil();
    Ok(Uint128::try_from(rounded)?)
}

/// `|spot − twap| > twap × max`: the spot price has left the band around the TWAP. A price
/// exactly on the band's edge passes. A band too wide to represent holds every price.
pub fn deviates(spot: Decimal256, twap: Decimal256, max: Decimal256) -> bool {
    let distance = if spot > twap {
        spot - twap
    } else {
        twap - spot
    };
    twap.checked_mul(max).is_ok_and(|band| distance > band)
}

fn parse_price(
    text: &str,
    make_err: impl FnOnce(String) -> GuardError,
) -> Result<Decimal256, GuardError> {
    text.parse::<Decimal256>()
        .map_err(|e| make_err(format!("unreadable price {text:?}: {e}")))
}

/// The TWAP and spot price of one hop, both checked: non-zero, and spot within the band.
fn hop_prices(
    querier: &QuerierWrapper,
    start: Timestamp,
    pool_id: u64,
    base: &str,
    quote: &str,
    max_deviation: Decimal256,
) -> Result<(Decimal256, Decimal256), GuardError> {
    let twap_err = |reason: String| GuardError::TwapUnavailable {
        pool_id,
        base: base.to_string(),
        quote: quote.to_string(),
        reason,
    };
    let twap = chain::arithmetic_twap_to_now(querier, pool_id, base, quote, start)
        .map_err(|e| twap_err(e.to_string()))
        .and_then(|price| parse_price(&price, twap_err))?;
    let spot_err = |reason: String| GuardError::SpotUnavailable {
        pool_id,
        base: base.to_string(),
        quote: quote.to_string(),
        reason,
    };
    let spot = chain::spot_price(querier, pool_id, base, quote)
        .map_err(|e| spot_err(e.to_string()))
        .and_then(|price| parse_price(&price, spot_err))?;
    if twap.is_zero() || spot.is_zero() {
        return Err(GuardError::ZeroPrice {
            pool_id,
            base: base.to_string(),
            quote: quote.to_string(),
        });
    }
    if deviates(spot, twap, max_deviation) {
        return Err(GuardError::SpotDeviatesFromTwap {
            pool_id,
            spot,
            twap,
            max_deviation,
        });
    }
    Ok((twap, spot))
}

/// Prices `amount_in` of `denom_in` along `route` hop by hop at the TWAP and at spot, refuses a
/// hop whose spot price strays from its TWAP, and returns the minimum the swap must accept with
/// the pools' estimate, which must reach it. The checks run in route order, so the first hop
/// that fails is the one reported.
pub fn guarded_route_quote(
    querier: &QuerierWrapper,
    env: &Env,
    denom_in: &str,
    route: &[Hop],
    amount_in: Uint128,
    params: &GuardParams,
) -> Result<Quote, GuardError> {
    if route.is_empty() {
        return Err(GuardError::EmptyRoute {
            denom: denom_in.to_string(),
        });
    }
    let now = env.block.time;
    let start = now.minus_seconds(params.twap_window_seconds.min(now.seconds()));
    let mut twaps = Vec::with_capacity(route.len());
    let mut taker_fees = Vec::with_capacity(route.len());
    let mut twap_price = Decimal256::one();
    let mut spot_price = Decimal256::one();
    let mut token_in = denom_in;
    // Bounded: a stored route has at most its contract's max hops.
    for hop in route {
        let (twap, spot) = hop_prices(
            querier,
            start,
            hop.pool_id,
            token_in,
            &hop.token_out_denom,
            params.max_spot_deviation,
        )?;
        let fee_err = |reason: String| GuardError::TakerFeeUnavailable {
            denom_in: token_in.to_string(),
            denom_out: hop.token_out_denom.clone(),
            reason,
        };
        let taker_fee = chain::trading_pair_taker_fee(querier, token_in, &hop.token_out_denom)
            .map_err(|e| fee_err(e.to_string()))
            .and_then(|fee| parse_price(&fee, fee_err))?;
        // What reaches the pool: the chain keeps `⌊(1 − fee) × in⌋`; a fee of 1 or more
        // leaves nothing and fails as an overflow rather than a negative price.
        twaps.push(twap.checked_mul(Decimal256::one().checked_sub(taker_fee)?)?);
        taker_fees.push(taker_fee);
        twap_price = twap_price.checked_mul(twap)?;
        spot_price = spot_price.checked_mul(spot)?;
        token_in = &hop.token_out_denom;
    }
    let min_out = min_out(amount_in, &twaps, params.max_slippage)?;
    if min_out.is_zero() {
        return Err(GuardError::MinOutZero {
            denom: denom_in.to_string(),
            amount_in,
        });
    }
    let estimate = chain::estimate_swap_exact_amount_in(querier, denom_in, amount_in, route)
        .map_err(|e| GuardError::BadEstimate {
            reason: format!("estimate failed: {e}"),
        })?;
    let expected_out: Uint128 = estimate.parse().map_err(|e| GuardError::BadEstimate {
        reason: format!("estimate {estimate:?}: {e}"),
    })?;
    if expected_out < min_out {
        return Err(GuardError::ExpectedOutBelowMin {
            denom: denom_in.to_string(),
            amount_in,
            expected_out,
            min_out,
        });
    }
    Ok(Quote {
        min_out,
        expected_out,
        twap_price,
        spot_price,
        taker_fees,
    })
}

/// The swap part of a `simulate_*` answer: what the keeper's call would do, or why it would be
/// refused (with zeros and no prices).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SwapPreview {
    pub amount_in: Uint128,
    pub bounty: Uint128,
    pub min_out: Uint128,
    pub expected_out: Uint128,
    pub twap_price: Option<Decimal256>,
    pub spot_price: Option<Decimal256>,
    pub would_execute: bool,
    pub refusal: Option<String>,
}

impl SwapPreview {
    pub fn planned(amount_in: Uint128, bounty: Uint128, quote: &Quote) -> Self {
        SwapPreview {
            amount_in,
            bounty,
            min_out: quote.min_out,
            expected_out: quote.expected_out,
            twap_price: Some(quote.twap_price),
            spot_price: Some(quote.spot_price),
            would_execute: true,
            refusal: None,
        }
    }

    pub fn refused(reason: impl ToString) -> Self {
        SwapPreview {
            refusal: Some(reason.to_string()),
            ..SwapPreview::default()
        }
    }
}

/// `impl From<GuardError> for $error`, for a contract error enum that has variants of the same
/// names and fields as [`GuardError`]'s (`Overflow`, `ConversionOverflow`, `EmptyRoute`,
/// `TwapUnavailable`, `SpotUnavailable`, `ZeroPrice`, `SpotDeviatesFromTwap`, `MinOutZero`,
/// `ExpectedOutBelowMin`), plus one `{ reason: String }` variant for a bad estimate (which also
/// carries an unreadable taker fee). The
/// contract keeps its own messages (which name its target denom); only the plumbing is shared.
#[macro_export]
macro_rules! impl_from_guard_error {
    ($error:ty, bad_estimate: $bad_estimate:ident) => {
        impl From<$crate::GuardError> for $error {
            fn from(e: $crate::GuardError) -> Self {
                use $crate::GuardError as G;
                match e {
                    G::Overflow(e) => Self::Overflow(e),
                    G::ConversionOverflow(e) => Self::ConversionOverflow(e),
                    G::EmptyRoute { denom } => Self::EmptyRoute { denom },
                    G::TwapUnavailable {
                        pool_id,
                        base,
                        quote,
                        reason,
                    } => Self::TwapUnavailable {
                        pool_id,
                        base,
                        quote,
                        reason,
                    },
                    G::SpotUnavailable {
                        pool_id,
                        base,
                        quote,
                        reason,
                    } => Self::SpotUnavailable {
                        pool_id,
                        base,
                        quote,
                        reason,
                    },
                    G::ZeroPrice {
                        pool_id,
                        base,
                        quote,
                    } => Self::ZeroPrice {
                        pool_id,
                        base,
                        quote,
                    },
                    G::SpotDeviatesFromTwap {
                        pool_id,
                        spot,
                        twap,
                        max_deviation,
                    } => Self::SpotDeviatesFromTwap {
                        pool_id,
                        spot,
                        twap,
                        max_deviation,
                    },
                    G::MinOutZero { denom, amount_in } => Self::MinOutZero { denom, amount_in },
                    G::ExpectedOutBelowMin {
                        denom,
                        amount_in,
                        expected_out,
                        min_out,
                    } => Self::ExpectedOutBelowMin {
                        denom,
                        amount_in,
                        expected_out,
                        min_out,
                    },
                    // No variant of its own in the contracts: the floor cannot be computed,
                    // like an unreadable estimate.
                    G::TakerFeeUnavailable {
                        denom_in,
                        denom_out,
                        reason,
                    } => Self::$bad_estimate {
                        reason: format!("taker fee of {denom_in} to {denom_out} failed: {reason}"),
                    },
                    G::BadEstimate { reason } => Self::$bad_estimate { reason },
                }
            }
        }
    };
}
