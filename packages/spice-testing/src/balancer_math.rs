//! Fixed-point math of Osmosis' balancer (weighted) pools, ported operation by
//! operation so that results match the chain to the last unit.
//!
//! * [`Dec`] mirrors the Cosmos SDK `LegacyDec` (`osmomath.Dec`) for
//!   non-negative values: 18 decimal places, multiplication and division
//!   rounded half-to-even ("banker's rounding", `chopPrecisionAndRound`),
//!   division first multiplying by 10^36 and truncating, then rounding.
//! * [`pow`] is `osmomath.Pow`: the integer part of the exponent by
//!   square-and-multiply (`LegacyDec.Power`), the fractional part by the
//!   binomial (Maclaurin) series of `(1 + x)^a` stopped once a term falls
//!   below `powPrecision = 1e-8`; an exponent of exactly 0.5 uses
//!   `ApproxSqrt` (Newton's method) as Osmosis does.
//! * [`calc_out_amt_given_in`] is `balancer.Pool.CalcOutAmtGivenIn` /
//!   `solveConstantFunctionInvariant`:
//!   `out = B_out × (1 − (B_in / (B_in + A_in×(1−fee)))^(W_in/W_out))`, truncated.
//! * [`spot_price`] is `balancer.Pool.SpotPrice` followed by the gamm keeper's
//!   8-significant-figure rounding (`osmomath.SigFigRound`).
//!
//! No floating point anywhere; every operation is checked and an overflow is
//! an error, never a wrap.

use std::fmt;
use std::str::FromStr;

use anyhow::{anyhow, bail, ensure};
use cosmwasm_std::{Decimal, Decimal256, Uint128, Uint256, Uint512, Uint64};
use serde::{Deserialize, Serialize};

use crate::AnyResult;

/// 10^18, the number of atomics in one [`Dec`].
const PRECISION: u128 = 1_000_000_000_000_000_000;
/// `powPrecision` in `osmomath/math.go`: 0.00000001.
const POW_PRECISION_ATOMICS: u128 = 10_000_000_000;
/// `powIterationLimit` in `osmomath/math.go`.
const POW_ITERATION_LIMIT: u64 = 150_000;
/// `maxApproxRootIterations` of the SDK's `LegacyDec.ApproxRoot`.
const MAX_APPROX_ROOT_ITERATIONS: u32 = 100;
/// `SigFigsExponent` of x/gamm: spot prices are rounded to 8 significant figures.
const SPOT_PRICE_SIG_FIGS: u32 = 8;

/// A non-negative 18-decimal fixed-point number with the rounding rules of the
/// Cosmos SDK `LegacyDec`. Stored as its atomics (value × 10^18).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dec(Uint256);

impl Dec {
    /// Zero.
    pub const fn zero() -> Self {
        Dec(Uint256::zero())
    }

    /// One.
    pub const fn one() -> Self {
        Dec(Uint256::from_u128(PRECISION))
    }

    /// The smallest positive value, 10^-18 (`SmallestDec`).
    pub const fn smallest() -> Self {
        Dec(Uint256::from_u128(1))
    }

    /// Builds a value from its atomics (value × 10^18).
    pub const fn from_atomics(atomics: Uint256) -> Self {
        Dec(atomics)
    }

    /// The atomics (value × 10^18).
    pub const fn atomics(self) -> Uint256 {
        self.0
    }

    /// An integer as a decimal (`Int.ToLegacyDec()`).
    pub fn from_int(value: impl Into<Uint256>) -> AnyResult<Self> {
        value
            .into()
            .checked_mul(Uint256::from_u128(PRECISION))
            .map(Dec)
            .map_err(|e| anyhow!("decimal out of range: {e}"))
    }

    /// A `cosmwasm_std::Decimal` (also 18 decimals) as a [`Dec`]; exact.
    pub fn from_decimal(value: Decimal) -> Self {
        Dec(Uint256::from(value.atomics()))
    }

    /// This value as a `Decimal256`; exact.
    pub fn to_decimal256(self) -> Decimal256 {
        Decimal256::new(self.0)
    }

    /// This value as a `Decimal`, failing when it does not fit.
    pub fn to_decimal(self) -> AnyResult<Decimal> {
        let atomics = Uint128::try_from(self.0).map_err(|e| anyhow!("decimal too large: {e}"))?;
        Ok(Decimal::new(atomics))
    }

    /// Whether this is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Addition; an overflow is an error.
    pub fn checked_add(self, other: Self) -> AnyResult<Self> {
        self.0
            .checked_add(other.0)
            .map(Dec)
            .map_err(|e| anyhow!("decimal addition overflow: {e}"))
    }

    /// Subtraction; a negative result is an error (this type is non-negative).
    pub fn checked_sub(self, other: Self) -> AnyResult<Self> {
        self.0
            .checked_sub(other.0)
            .map(Dec)
            .map_err(|_| anyhow!("decimal subtraction underflow: {self} - {other}"))
    }

    /// `LegacyDec.Mul`: full-width product, then half-to-even rounding to 18 decimals.
    pub fn checked_mul(self, other: Self) -> AnyResult<Self> {
        let product = self.0.full_mul(other.0);
        narrow(chop_precision_and_round(product))
    }

    /// `LegacyDec.Quo`: `(a × 10^36) / b` truncated, then half-to-even rounding
    /// to 18 decimals.
    pub fn checked_quo(self, other: Self) -> AnyResult<Self> {
        ensure!(!other.is_zero(), "decimal division by zero: {self} / 0");
        let squared_precision = Uint512::from(PRECISION) * Uint512::from(PRECISION);
        let numerator = Uint512::from(self.0)
            .checked_mul(squared_precision)
            .map_err(|e| anyhow!("decimal division overflow: {e}"))?;
        narrow(chop_precision_and_round(numerator / Uint512::from(other.0)))
    }

    /// `LegacyDec.MulInt64`: exact multiplication by an integer.
    pub fn checked_mul_int(self, factor: u128) -> AnyResult<Self> {
        self.0
            .checked_mul(Uint256::from(factor))
            .map(Dec)
            .map_err(|e| anyhow!("decimal multiplication overflow: {e}"))
    }

    /// `LegacyDec.QuoInt64`: division of the atomics by an integer, truncating.
    pub fn checked_quo_int(self, divisor: u128) -> AnyResult<Self> {
        ensure!(divisor != 0, "decimal division by zero: {self} / 0");
        Ok(Dec(self.0 / Uint256::from(divisor)))
    }

    /// `LegacyDec.TruncateInt`: the integer part.
    pub fn truncate_int(self) -> Uint256 {
        self.0 / Uint256::from_u128(PRECISION)
    }

    /// `LegacyDec.TruncateDec`: the integer part, as a decimal.
    pub fn truncate_dec(self) -> Self {
        Dec(self.truncate_int() * Uint256::from_u128(PRECISION))
    }

    /// `LegacyDec.Power`: square-and-multiply, every product rounded.
    pub fn power(self, power: u64) -> AnyResult<Self> {
        if power == 0 {
            return Ok(Dec::one());
        }
        let mut base = self;
        let mut tmp = Dec::one();
        let mut i = power;
        while i > 1 {
            if i % 2 != 0 {
                tmp = tmp.checked_mul(base)?;
            }
            i /= 2;
            base = base.checked_mul(base)?;
        }
        base.checked_mul(tmp)
    }

    /// `LegacyDec.ApproxSqrt` (`ApproxRoot(2)`): Newton's method from a guess
    /// of 1, at most 100 iterations, stopping when the correction is at most
    /// 10^-18.
    pub fn approx_sqrt(self) -> AnyResult<Self> {
        if self.is_zero() || self == Dec::one() {
            return Ok(self);
        }
        let mut guess = Dec::one();
        for _ in 0..MAX_APPROX_ROOT_ITERATIONS {
            // prev = guess^(root-1) = guess (root = 2)
            let prev = if guess.is_zero() {
                Dec::smallest()
            } else {
                guess
            };
            let quotient = self.checked_quo(prev)?;
            // delta = (d/prev - guess) / root, truncated toward zero (big.Int Quo)
            let delta = if quotient >= guess {
                let delta = quotient.checked_sub(guess)?.checked_quo_int(2)?;
                guess = guess.checked_add(delta)?;
                delta
            } else {
                let delta = guess.checked_sub(quotient)?.checked_quo_int(2)?;
                guess = guess.checked_sub(delta)?;
                delta
            };
            if delta <= Dec::smallest() {
                break;
            }
        }
        Ok(guess)
    }

    /// `|self − other|` and whether `self < other` (`osmomath.AbsDifferenceWithSign`).
    fn abs_difference_with_sign(self, other: Self) -> (Self, bool) {
        if self >= other {
            (Dec(self.0 - other.0), false)
        } else {
            (Dec(other.0 - self.0), true)
        }
    }

    /// The proto (gogoproto `customtype`) wire form of a `LegacyDec`: the
    /// atomics as an integer string, e.g. `"2000000000000000"` for 0.002.
    pub fn to_proto_string(self) -> String {
        self.0.to_string()
    }

    /// Parses the proto wire form (atomics as an integer string).
    pub fn from_proto_str(s: &str) -> AnyResult<Self> {
        if s.is_empty() {
            return Ok(Dec::zero());
        }
        Uint256::from_str(s).map(Dec).map_err(|e| {
            anyhow!(
                "invalid LegacyDec proto value {s:?}: {e} (on the wire a LegacyDec is its \
                 18-decimal atomics as an integer string, e.g. \"2000000000000000\" for 0.002)"
            )
        })
    }
}

impl fmt::Display for Dec {
    /// `LegacyDec.String()`: always 18 decimal places, e.g. `1.750000000000000000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let precision = Uint256::from_u128(PRECISION);
        let whole = self.0 / precision;
        let fractional = self.0 % precision;
        write!(f, "{whole}.{:0>18}", fractional.to_string())
    }
}

impl FromStr for Dec {
    type Err = anyhow::Error;

    /// Parses the JSON / `String()` form (`"1.5"`, `"1.500000000000000000"`, `"2"`).
    fn from_str(s: &str) -> AnyResult<Self> {
        Decimal256::from_str(s)
            .map(|d| Dec(d.atomics()))
            .map_err(|e| anyhow!("invalid decimal {s:?}: {e}"))
    }
}

/// `chopPrecisionAndRound`: divide by 10^18 rounding half to even.
fn chop_precision_and_round(value: Uint512) -> Uint512 {
    let precision = Uint512::from(PRECISION);
    let quotient = value / precision;
    let remainder = value % precision;
    let half = Uint512::from(PRECISION / 2);
    if remainder.is_zero() || remainder < half {
        quotient
    } else if remainder > half || quotient % Uint512::from(2u8) == Uint512::one() {
        quotient + Uint512::one()
    } else {
        quotient
    }
}

fn narrow(value: Uint512) -> AnyResult<Dec> {
    Uint256::try_from(value)
        .map(Dec)
        .map_err(|e| anyhow!("decimal out of range: {e}"))
}

/// `osmomath.Pow(base, exp)` for `0 < base < 2`.
pub fn pow(base: Dec, exp: Dec) -> AnyResult<Dec> {
    ensure!(!base.is_zero(), "base must be greater than 0");
    ensure!(
        base < Dec::from_int(2u8)?,
        "base must be lesser than two (got {base})"
    );
    let integer = exp.truncate_dec();
    let fractional = exp.checked_sub(integer)?;
    let integer_power = Uint64::try_from(exp.truncate_int())
        .map_err(|_| anyhow!("exponent {exp} too large"))?
        .u64();
    let integer_pow = base.power(integer_power)?;
    if fractional.is_zero() {
        return Ok(integer_pow);
    }
    let fractional_pow = pow_approx(
        base,
        fractional,
        Dec::from_atomics(POW_PRECISION_ATOMICS.into()),
    )?;
    integer_pow.checked_mul(fractional_pow)
}

/// `osmomath.PowApprox` for `0 < base < 2`, `0 <= exp < 1`: the binomial series
/// `(1 + x)^a = Σ binom(a, k) x^k` with `x = base − 1`, summed until a term is
/// below `precision`.
pub fn pow_approx(base: Dec, exp: Dec, precision: Dec) -> AnyResult<Dec> {
    ensure!(!base.is_zero(), "base must be greater than 0");
    if exp.is_zero() {
        return Ok(Dec::one());
    }
    if exp == Dec::from_atomics(Uint256::from_u128(PRECISION / 2)) {
        return base.approx_sqrt();
    }
    let (x, x_negative) = base.abs_difference_with_sign(Dec::one());
    let mut term = Dec::one();
    let mut sum = Dec::one();
    let mut negative = false;
    let mut big_k = Dec::zero();
    let mut i: u64 = 1;
    while term >= precision {
        // big_k == i - 1 here
        let (c, c_negative) = exp.abs_difference_with_sign(big_k);
        big_k = Dec::from_int(i)?;
        term = term.checked_mul(c)?.checked_mul(x)?.checked_quo(big_k)?;
        if term.is_zero() {
            break;
        }
        if x_negative {
            negative = !negative;
        }
        if c_negative {
            negative = !negative;
        }
        sum = if negative {
            sum.checked_sub(term)?
        } else {
            sum.checked_add(term)?
        };
        if i == POW_ITERATION_LIMIT {
            bail!(
                "failed to reach precision within {POW_ITERATION_LIMIT} iterations, \
                 best guess: {sum} for {base}^{exp}"
            );
        }
        i += 1;
    }
    Ok(sum)
}

/// `solveConstantFunctionInvariant` for the swap-in direction:
/// `B_unknown × (1 − (B_fixed_before / B_fixed_after)^(W_fixed / W_unknown))`.
fn solve_constant_function_invariant(
    balance_fixed_before: Dec,
    balance_fixed_after: Dec,
    weight_fixed: Dec,
    balance_unknown_before: Dec,
    weight_unknown: Dec,
) -> AnyResult<Dec> {
    let weight_ratio = weight_fixed.checked_quo(weight_unknown)?;
    let y = balance_fixed_before.checked_quo(balance_fixed_after)?;
    let y_to_weight_ratio = pow(y, weight_ratio)?;
    let parenthetical = Dec::one().checked_sub(y_to_weight_ratio)?;
    parenthetical.checked_mul(balance_unknown_before)
}

/// `balancer.Pool.CalcOutAmtGivenIn`: the amount of the out-asset a swap of
/// `amount_in` (before the swap fee) yields, rounded down. Weights may be given
/// scaled or not: only their ratio matters.
///
/// Errors like Osmosis when the result is not positive.
pub fn calc_out_amt_given_in(
    balance_in: Uint128,
    weight_in: Uint128,
    balance_out: Uint128,
    weight_out: Uint128,
    amount_in: Uint128,
    swap_fee: Dec,
) -> AnyResult<Uint128> {
    let amount_in_after_fee =
        Dec::from_int(amount_in)?.checked_mul(Dec::one().checked_sub(swap_fee)?)?;
    let pool_in = Dec::from_int(balance_in)?;
    let pool_in_after = amount_in_after_fee.checked_add(pool_in)?;
    let out = solve_constant_function_invariant(
        pool_in,
        pool_in_after,
        Dec::from_int(weight_in)?,
        Dec::from_int(balance_out)?,
        Dec::from_int(weight_out)?,
    )?;
    // "We ignore the decimal component, as we round down the token amount out."
    let out =
        Uint128::try_from(out.truncate_int()).map_err(|e| anyhow!("token out too large: {e}"))?;
    ensure!(
        !out.is_zero(),
        "token amount must be positive: invalid calculated result"
    );
    Ok(out)
}

/// The price of one unit of `base` in units of `quote`, as the gamm keeper's
/// `CalculateSpotPrice` returns it for a balancer pool:
/// `(B_quote / W_quote) / (B_base / W_base)`, computed as
/// `(B_quote / B_base) × (W_base / W_quote)` with `LegacyDec` rounding, then
/// rounded to 8 significant figures.
pub fn spot_price(
    base_balance: Uint128,
    base_weight: Uint128,
    quote_balance: Uint128,
    quote_weight: Uint128,
) -> AnyResult<Dec> {
    ensure!(
        !base_weight.is_zero() && !quote_weight.is_zero(),
        "pool is misconfigured, got 0 weight"
    );
    ensure!(
        !base_balance.is_zero(),
        "internal spot price error (pool holds none of the base asset)"
    );
    let inv_weight_ratio = Dec::from_int(base_weight)?.checked_quo(Dec::from_int(quote_weight)?)?;
    let supply_ratio = Dec::from_int(quote_balance)?.checked_quo(Dec::from_int(base_balance)?)?;
    let price = supply_ratio.checked_mul(inv_weight_ratio)?;
    // MaxSpotPrice = 2^128 - 1
    let max_spot_price = Dec::from_int(Uint256::from(u128::MAX))?;
    ensure!(price <= max_spot_price, "invalid spot price (overflowed)");
    ensure!(!price.is_zero(), "internal spot price error");
    sig_fig_round(price, SPOT_PRICE_SIG_FIGS)
}

/// `osmomath.SigFigRound(d, 10^sig_figs)`.
pub fn sig_fig_round(value: Dec, sig_figs: u32) -> AnyResult<Dec> {
    if value.is_zero() {
        return Ok(value);
    }
    let point_one = Dec::one().checked_quo_int(10)?;
    let mut k: u32 = 0;
    let mut scaled = value;
    while scaled < point_one {
        scaled = scaled.checked_mul_int(10)?;
        k += 1;
    }
    let ten_to_sig_fig = 10u128.pow(sig_figs);
    // numerator = round(d × 10^k × 10^sigfig) as an integer (banker's rounding)
    let rounded = chop_precision_and_round(Uint512::from(
        scaled.checked_mul_int(ten_to_sig_fig)?.atomics(),
    ));
    let numerator = Dec::from_int(
        Uint256::try_from(rounded).map_err(|e| anyhow!("sig fig rounding overflow: {e}"))?,
    )?;
    let ten_to_k = Uint256::from(10u8)
        .checked_pow(k)
        .map_err(|e| anyhow!("sig fig rounding overflow: {e}"))?;
    let denominator = ten_to_k
        .checked_mul(Uint256::from(ten_to_sig_fig))
        .map_err(|e| anyhow!("sig fig rounding overflow: {e}"))?;
    // QuoIntMut: truncating division of the atomics
    Ok(Dec(numerator.atomics() / denominator))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Dec {
        s.parse().unwrap()
    }

    #[test]
    fn mul_and_quo_round_half_to_even_like_legacy_dec() {
        // 0.000000000000000001 × 0.5 = 0.0000000000000000005 -> ties to even -> 0
        assert_eq!(
            dec("0.000000000000000001").checked_mul(dec("0.5")).unwrap(),
            Dec::zero()
        );
        // 0.000000000000000003 × 0.5 = 0.0000000000000000015 -> ties to even -> 0.000000000000000002
        assert_eq!(
            dec("0.000000000000000003").checked_mul(dec("0.5")).unwrap(),
            dec("0.000000000000000002")
        );
        // 1 / 3 = 0.333333333333333333(3) -> rounds down
        assert_eq!(
            dec("1").checked_quo(dec("3")).unwrap(),
            dec("0.333333333333333333")
        );
        // 2 / 3 = 0.666666666666666666(6) -> rounds up
        assert_eq!(
            dec("2").checked_quo(dec("3")).unwrap(),
            dec("0.666666666666666667")
        );
        assert!(dec("1").checked_quo(Dec::zero()).is_err());
    }

    #[test]
    fn display_always_prints_eighteen_decimals() {
        assert_eq!(dec("1.75").to_string(), "1.750000000000000000");
        assert_eq!(Dec::zero().to_string(), "0.000000000000000000");
        assert_eq!(dec("0.002").to_proto_string(), "2000000000000000");
        assert_eq!(
            Dec::from_proto_str("2000000000000000").unwrap(),
            dec("0.002")
        );
        assert!(Dec::from_proto_str("0.002").is_err());
    }

    #[test]
    fn integer_power_is_exact_for_short_decimals() {
        // 0.5^4 = 0.0625 exactly
        assert_eq!(dec("0.5").power(4).unwrap(), dec("0.0625"));
        assert_eq!(dec("0.9").power(0).unwrap(), Dec::one());
        // pow with an integer exponent takes the same path
        assert_eq!(pow(dec("0.5"), dec("4")).unwrap(), dec("0.0625"));
    }

    #[test]
    fn fractional_power_is_within_pow_precision() {
        // 0.5^0.25 = 0.840896415253714543... ; series stops below 1e-8 per term
        let got = pow(dec("0.5"), dec("0.25")).unwrap();
        let expected = dec("0.840896415253714543");
        let diff = if got > expected {
            got.checked_sub(expected).unwrap()
        } else {
            expected.checked_sub(got).unwrap()
        };
        assert!(diff < dec("0.00000001"), "got {got}");
        // exponent 0.5 goes through ApproxSqrt: sqrt(0.25) = 0.5 exactly
        assert_eq!(pow(dec("0.25"), dec("0.5")).unwrap(), dec("0.5"));
        // 1.5^1.5 = 1.837117307087383573... (integer part 1.5, fractional via sqrt)
        let got = pow(dec("1.5"), dec("1.5")).unwrap();
        assert!(
            got > dec("1.837117307") && got < dec("1.837117308"),
            "got {got}"
        );
    }

    #[test]
    fn pow_rejects_bases_outside_osmosis_domain() {
        assert!(pow(Dec::zero(), dec("0.3")).is_err());
        assert!(pow(dec("2"), dec("0.3")).is_err());
    }

    #[test]
    fn spot_price_is_weight_adjusted_and_rounded_to_eight_sig_figs() {
        // equal weights: 4 quote / 2 base = 2
        assert_eq!(
            spot_price(2u128.into(), 1u128.into(), 4u128.into(), 1u128.into()).unwrap(),
            dec("2")
        );
        // 1/3 -> 0.33333333 (8 significant figures)
        assert_eq!(
            spot_price(3u128.into(), 1u128.into(), 1u128.into(), 1u128.into()).unwrap(),
            dec("0.33333333")
        );
        // 80/20, base weight 80: (1_000 / 20) / (4_000 / 80) = 50 / 50 = 1
        assert_eq!(
            spot_price(
                4_000u128.into(),
                80u128.into(),
                1_000u128.into(),
                20u128.into()
            )
            .unwrap(),
            dec("1")
        );
        // 1/30000 = 0.0000333333333... -> k = 5 leading shifts -> 0.000033333333
        assert_eq!(
            spot_price(30_000u128.into(), 1u128.into(), 1u128.into(), 1u128.into()).unwrap(),
            dec("0.000033333333")
        );
        assert!(spot_price(Uint128::zero(), 1u128.into(), 1u128.into(), 1u128.into()).is_err());
    }

    #[test]
    fn swap_out_of_equal_weight_pool_matches_constant_product() {
        // 10,000 in with 0.2% fee: 9,980 after fee;
        // 1,000,000 × (1 − 1,000,000/1,009,980) = 1,000,000 × 9,980/1,009,980 = 9,881.38 -> 9,881
        let out = calc_out_amt_given_in(
            1_000_000u128.into(),
            1u128.into(),
            1_000_000u128.into(),
            1u128.into(),
            10_000u128.into(),
            dec("0.002"),
        )
        .unwrap();
        assert_eq!(out, Uint128::new(9_881));
    }

    #[test]
    fn zero_out_is_refused_like_osmosis() {
        let err = calc_out_amt_given_in(
            1_000_000u128.into(),
            1u128.into(),
            1_000u128.into(),
            1u128.into(),
            1u128.into(),
            Dec::zero(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("token amount must be positive"),
            "{err}"
        );
    }
}
