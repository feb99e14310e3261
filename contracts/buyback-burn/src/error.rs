use cosmwasm_std::{
    CheckedMultiplyRatioError, ConversionOverflowError, Decimal256, OverflowError, StdError,
    Uint128,
};
use cw_utils::PaymentError;
use spice_governance::GovernanceError;
use spice_osmosis::RouteError;
use spice_types::ValidationError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Governance(#[from] GovernanceError),

    #[error(transparent)]
    InvalidConfig(#[from] ValidationError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    MultiplyRatio(#[from] CheckedMultiplyRatioError),

    #[error(transparent)]
    ConversionOverflow(#[from] ConversionOverflowError),

    #[error("per_call_cap must be above zero")]
    ZeroPerCallCap,

    #[error("epoch_cap {epoch_cap} is below per_call_cap {per_call_cap}")]
    EpochCapBelowPerCallCap {
        epoch_cap: Uint128,
        per_call_cap: Uint128,
    },

    #[error("min_swap must be above zero")]
    ZeroMinSwap,

    #[error("min_swap {min_swap} is above per_call_cap {per_call_cap}")]
    MinSwapAbovePerCallCap {
        min_swap: Uint128,
        per_call_cap: Uint128,
    },

    #[error("max_hops is {value}; it must be 1 to {max}")]
    InvalidMaxHops { value: u32, max: u32 },

    // ---- routes ----
    #[error("no route is set for {denom}")]
    NoRoute { denom: String },

    #[error("the route for {denom} has no hops")]
    EmptyRoute { denom: String },

    #[error("the route for {denom} has {hops} hops; at most {max} are allowed")]
    TooManyHops { denom: String, hops: u32, max: u32 },

    #[error("the route for {denom} ends in {last}, not in the SPICE denom {spice_denom}")]
    RouteMustEndInSpice {
        denom: String,
        last: String,
        spice_denom: String,
    },

    #[error("the route for {denom} passes through {repeated} twice")]
    RouteCycle { denom: String, repeated: String },

    #[error("{denom} is SPICE itself; it needs no route")]
    RouteForSpice { denom: String },

    #[error("pool {pool_id} does not exist: {reason}")]
    PoolNotFound { pool_id: u64, reason: String },

    #[error("pool {pool_id} cannot swap {token_in} into {token_out}: {reason}")]
    PoolLacksDenoms {
        pool_id: u64,
        token_in: String,
        token_out: String,
        reason: String,
    },

    // ---- buyback ----
    #[error("a buyback of {denom} is already in flight")]
    BuybackInFlight { denom: String },

    #[error("limit must be above zero")]
    ZeroLimit,

    #[error("{denom} is cooling down until {next_allowed_at} (now {now})")]
    CooldownActive {
        denom: String,
        next_allowed_at: u64,
        now: u64,
    },

    #[error(
        "{denom} has spent its epoch cap of {epoch_cap}; the next epoch starts at {next_epoch_at}"
    )]
    EpochCapReached {
        denom: String,
        epoch_cap: Uint128,
        next_epoch_at: u64,
    },

    #[error("nothing of {denom} is pending (balance {balance}, which must also cover the keeper bounty)")]
    NothingPending { denom: String, balance: Uint128 },

    #[error("a buyback of {amount_in}{denom} is below the minimum swap {min_swap}; it would spend the cooldown on dust")]
    BelowMinSwap {
        denom: String,
        amount_in: Uint128,
        min_swap: Uint128,
    },

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

    #[error("{amount_in}{denom} buys less than one unit of SPICE at the TWAP")]
    MinOutZero { denom: String, amount_in: Uint128 },

    #[error("{amount_in}{denom} would buy {expected_out} SPICE, below the TWAP minimum {min_out}")]
    ExpectedOutBelowMin {
        denom: String,
        amount_in: Uint128,
        expected_out: Uint128,
        min_out: Uint128,
    },

    #[error("this contract holds no SPICE ({spice_denom} or cw20) to burn")]
    NothingToBurn { spice_denom: String },

    // ---- reply ----
    #[error("unknown reply id {id}")]
    UnknownReply { id: u64 },

    #[error("a swap reply arrived with no buyback in flight")]
    NoBuybackInFlight,

    #[error("the swap response cannot be read: {reason}")]
    BadSwapResponse { reason: String },

    #[error("the swap returned {spice_out} SPICE, below the minimum {min_out}")]
    SwapBelowMin {
        spice_out: Uint128,
        min_out: Uint128,
    },
}

// The shared guard's refusals, under this contract's own variants and messages.
spice_osmosis::impl_from_guard_error!(ContractError, bad_estimate: BadSwapResponse);

/// The shared route checks' refusals, under this contract's own variants and messages.
impl From<RouteError> for ContractError {
    fn from(e: RouteError) -> Self {
        // Hop counts are bounded by MAX_HOPS_LIMIT, far below u32::MAX.
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        match e {
            RouteError::InvalidDenom(e) => ContractError::InvalidConfig(e),
            RouteError::RouteForTarget { denom } => ContractError::RouteForSpice { denom },
            RouteError::EmptyRoute { denom } => ContractError::EmptyRoute { denom },
            RouteError::TooManyHops { denom, hops, max } => ContractError::TooManyHops {
                denom,
                hops: count(hops),
                max: count(max),
            },
            RouteError::MustEndInTarget {
                denom,
                last,
                target,
            } => ContractError::RouteMustEndInSpice {
                denom,
                last,
                spice_denom: target,
            },
            RouteError::RouteCycle { denom, repeated } => {
                ContractError::RouteCycle { denom, repeated }
            }
            RouteError::PoolNotFound {
                pool_id, reason, ..
            } => ContractError::PoolNotFound { pool_id, reason },
            RouteError::PoolLacksDenoms {
                pool_id,
                token_in,
                token_out,
                reason,
            } => ContractError::PoolLacksDenoms {
                pool_id,
                token_in,
                token_out,
                reason,
            },
        }
    }
}
