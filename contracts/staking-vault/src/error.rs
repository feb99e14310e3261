use cosmwasm_std::{
    CheckedMultiplyRatioError, ConversionOverflowError, Decimal256, OverflowError, StdError,
    Uint128,
};
use cw_utils::PaymentError;
use spice_governance::GovernanceError;
use spice_osmosis::RouteError;
use spice_types::ValidationError;
use thiserror::Error;

use crate::state::Bucket;

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

    // ---- config and strategy ----
    #[error("per_convert_cap must be above zero")]
    ZeroPerConvertCap,

    #[error("convert bounds must satisfy 0 < min_convert_amount {min_convert_amount} <= per_convert_cap {per_convert_cap} <= convert_epoch_cap {convert_epoch_cap}")]
    InvalidConvertBounds {
        min_convert_amount: Uint128,
        per_convert_cap: Uint128,
        convert_epoch_cap: Uint128,
    },

    #[error("max_daily_loss must be above zero")]
    ZeroMaxDailyLoss,

    #[error("akt_denom {akt_denom} cannot change while the books hold {held} of it")]
    AktDenomInUse { akt_denom: String, held: Uint128 },

    #[error("the native strategy needs 1 to {max} validators, got {count}")]
    ValidatorCount { count: usize, max: usize },

    #[error("validator {validator} is invalid: {reason}")]
    InvalidValidator { validator: String, reason: String },

    #[error("operator strategy field {field} is invalid ({value}): {reason}")]
    InvalidOperatorStrategy {
        field: String,
        value: String,
        reason: String,
    },

    #[error("the strategy cannot change while AKT is in flight or staked: transferring {transferring}, at operator {at_operator}, staked {staked}, unbonding {unbonding}, unbond requested {unbond_requested}")]
    StrategyBusy {
        transferring: Uint128,
        at_operator: Uint128,
        staked: Uint128,
        unbonding: Uint128,
        unbond_requested: Uint128,
    },

    #[error("validator {validator} still holds {amount} of the vault's stake; unbond it before removing it")]
    ValidatorStillStaked { validator: String, amount: Uint128 },

    #[error("no staking strategy is set")]
    NoStrategy,

    #[error("this needs the {expected} strategy; the vault uses {actual}")]
    WrongStrategy { expected: String, actual: String },

    #[error("the strategy is halted since {at}: {reason}; the owner must resume it")]
    StrategyHalted { reason: String, at: u64 },

    #[error("the strategy is not halted")]
    NotHalted,

    #[error("only the operator {operator} may report; {sender} is not")]
    NotOperator { operator: String, sender: String },

    // ---- routes and proceeds ----
    #[error("{denom} is not an accepted proceeds denom (no route to AKT)")]
    UnknownDenom { denom: String },

    #[error("no route is set for {denom}")]
    NoRoute { denom: String },

    #[error("the route for {denom} has no hops")]
    EmptyRoute { denom: String },

    #[error("the route for {denom} has {hops} hops; at most {max} are allowed")]
    TooManyHops {
        denom: String,
        hops: usize,
        max: usize,
    },

    #[error("at most {max} routes may be set")]
    TooManyRoutes { max: usize },

    #[error("the route for {denom} ends in {last}, not in AKT {akt_denom}")]
    RouteMustEndInAkt {
        denom: String,
        last: String,
        akt_denom: String,
    },

    #[error("the route for {denom} passes through {repeated} twice")]
    RouteCycle { denom: String, repeated: String },

    #[error("AKT needs no route")]
    RouteForAkt,

    #[error("pool {pool_id} cannot swap {token_in} into {token_out}: {reason}")]
    PoolLacksDenoms {
        pool_id: u64,
        token_in: String,
        token_out: String,
        reason: String,
    },

    #[error("send at least one coin to deposit")]
    EmptyDeposit,

    #[error("LP position {position_id} is already recorded")]
    LpPositionExists { position_id: u64 },

    #[error("LP position {position_id} is not recorded")]
    LpPositionUnknown { position_id: u64 },

    #[error("at most {max} LP positions may be recorded")]
    TooManyLpPositions { max: usize },

    #[error("no LP positions are recorded")]
    NoLpPositions,

    // ---- convert ----
    #[error("a conversion of {denom} is already in flight")]
    ConvertInFlight { denom: String },

    #[error("limit must be above zero")]
    ZeroLimit,

    #[error("{denom} is cooling down until {next_allowed_at} (now {now})")]
    CooldownActive {
        denom: String,
        next_allowed_at: u64,
        now: u64,
    },

    #[error("nothing of {denom} is waiting (waiting {waiting}, which must also cover the keeper bounty)")]
    NothingToConvert { denom: String, waiting: Uint128 },

    #[error("no proceeds denom can be converted now")]
    NoConvertibleDenom,

    #[error("{amount_in}{denom} is below the least conversion {min_convert_amount}")]
    BelowMinConvert {
        denom: String,
        amount_in: Uint128,
        min_convert_amount: Uint128,
    },

    #[error("{denom} converted {converted} of its epoch cap {cap}; the next epoch starts at {next_epoch_at}")]
    EpochCapReached {
        denom: String,
        converted: Uint128,
        cap: Uint128,
        next_epoch_at: u64,
    },

    // ---- sync, returns, losses ----
    #[error("the bank holds nothing beyond the books for the denoms named")]
    NothingToSync,

    #[error("every validator holds at least the stake the books record")]
    NothingToReconcile,

    #[error("sync takes at most {max} denoms, got {count}")]
    TooManyDenoms { count: usize, max: usize },

    #[error("receive_return must come from the ibc-hooks sender {expected} of the operator's delegation address; {sender} is not")]
    NotDelegationAddress { expected: String, sender: String },

    #[error("receive_return takes exactly one coin of {akt_denom}, got {funds}")]
    WrongReturnFunds { akt_denom: String, funds: String },

    #[error(
        "only the owner or the guardian may book a loss or move a sunset; {sender} is neither"
    )]
    NotOwnerOrGuardian { sender: String },

    #[error("a loss of {amount} exceeds today's bound: {booked} booked of {bound} ({max_daily_loss} of exposure {base})")]
    LossAboveDailyBound {
        amount: Uint128,
        booked: Uint128,
        bound: Uint128,
        max_daily_loss: cosmwasm_std::Decimal,
        base: Uint128,
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

    #[error("{amount_in}{denom} buys less than one unit of AKT at the TWAP")]
    MinOutZero { denom: String, amount_in: Uint128 },

    #[error("{amount_in}{denom} would buy {expected_out} AKT, below the TWAP minimum {min_out}")]
    ExpectedOutBelowMin {
        denom: String,
        amount_in: Uint128,
        expected_out: Uint128,
        min_out: Uint128,
    },

    // ---- stake, harvest, principal ----
    #[error("no AKT is pending to stake")]
    NothingToStake,

    #[error("today's outflow cap of {cap} is spent; the next day starts at {resets_at}")]
    OutflowCapReached { cap: Uint128, resets_at: u64 },

    #[error("a transfer to the operator is already waiting for its sequence")]
    TransferInFlight,

    #[error("nothing to harvest")]
    NothingToHarvest,

    #[error("already harvested in block {height}")]
    AlreadyHarvested { height: u64 },

    #[error("amount must be above zero")]
    ZeroAmount,

    #[error("{bucket:?} holds {available}; {needed} was asked")]
    InsufficientInBucket {
        bucket: Bucket,
        needed: Uint128,
        available: Uint128,
    },

    #[error("the vault's AKT balance {balance} does not back its books ({needed} needed)")]
    Unbacked { balance: Uint128, needed: Uint128 },

    #[error("at most {max} unbonding entries may be open")]
    TooManyUnbondings { max: usize },

    #[error("nothing has matured or returned to claim")]
    NothingToClaim,

    // ---- sunset ----
    #[error("sunset set too late: the unbond would start at {starts_at} (at {at} − lead {unbond_lead_seconds}), but it is already {now}")]
    SunsetTooLate {
        at: u64,
        unbond_lead_seconds: u64,
        starts_at: u64,
        now: u64,
    },

    #[error("sunset lead {unbond_lead_seconds}s is too short: at least {needed}s (unbonding {unbonding_period_seconds}s + margin {margin_seconds}s)")]
    SunsetLeadTooShort {
        unbond_lead_seconds: u64,
        needed: u64,
        unbonding_period_seconds: u64,
        margin_seconds: u64,
    },

    #[error("the sunset can only move earlier: cutover {current_at} (unbond from {current_starts_at}) cannot become {at} (unbond from {starts_at})")]
    SunsetDelayRefused {
        current_at: u64,
        current_starts_at: u64,
        at: u64,
        starts_at: u64,
    },

    #[error("the guardian may bring the unbond start forward by at most the unbonding period plus the margin from governance's schedule: {starts_at} is before {earliest}")]
    GuardianTooEarly { starts_at: u64, earliest: u64 },

    #[error("the guardian may only bring the sunset forward; principal_to stays {current}")]
    GuardianCannotRedirect { current: String },

    #[error("the sunset started at {starts_at} (cutover {at}); now {now}: no AKT is bought or staked, and it cannot be cancelled")]
    SunsetStarted { starts_at: u64, at: u64, now: u64 },

    #[error("no sunset is set")]
    NoSunset,

    #[error("the sunset unbond starts at {starts_at}; now {now}")]
    SunsetNotStarted { starts_at: u64, now: u64 },

    #[error("nothing left to unbond: staked {staked}, already requested {unbond_requested}")]
    NothingToUnbond {
        staked: Uint128,
        unbond_requested: Uint128,
    },

    #[error("the direct_buyback fallback is set: proceeds go to buyback-burn with forward_proceeds, not convert")]
    FallbackDirectBuyback,

    #[error("no fallback forwards proceeds (set_fallback direct_buyback first)")]
    NoFallback,

    #[error("native unbonding entry {id} of {amount} is still open: settle it before the staking denom changes")]
    UnbondingEntryOpen { id: u64, amount: Uint128 },

    #[error("no proceeds of {denom} waiting")]
    NothingToForward { denom: String },

    #[error("no principal at home to route")]
    NothingToRoute,

    #[error("the sunset holds the principal in the vault (principal_to: hold)")]
    PrincipalHeld,

    // ---- operator reports ----
    #[error("tx hash {tx_hash} was already accepted")]
    TxHashReused { tx_hash: String },

    #[error("tx hash {tx_hash:?} is not a transaction hash (exactly 64 hex characters)")]
    InvalidTxHash { tx_hash: String },

    // ---- replies ----
    #[error("unknown reply id {id}")]
    UnknownReply { id: u64 },

    #[error("a reply arrived with nothing in flight")]
    NothingInFlight,

    #[error("the message response cannot be read: {reason}")]
    BadResponse { reason: String },

    #[error("the swap returned {akt_out} AKT, below the minimum {min_out}")]
    SwapBelowMin { akt_out: Uint128, min_out: Uint128 },
}

// The shared guard's refusals, under this contract's own variants and messages.
spice_osmosis::impl_from_guard_error!(ContractError, bad_estimate: BadResponse);

/// The shared route checks' refusals, under this contract's own variants and messages.
impl From<RouteError> for ContractError {
    fn from(e: RouteError) -> Self {
        match e {
            RouteError::InvalidDenom(e) => ContractError::InvalidConfig(e),
            RouteError::RouteForTarget { .. } => ContractError::RouteForAkt,
            RouteError::EmptyRoute { denom } => ContractError::EmptyRoute { denom },
            RouteError::TooManyHops { denom, hops, max } => {
                ContractError::TooManyHops { denom, hops, max }
            }
            RouteError::MustEndInTarget {
                denom,
                last,
                target,
            } => ContractError::RouteMustEndInAkt {
                denom,
                last,
                akt_denom: target,
            },
            RouteError::RouteCycle { denom, repeated } => {
                ContractError::RouteCycle { denom, repeated }
            }
            // The vault does not ask for the existence check; were it asked, a missing pool is
            // one that cannot swap the hop.
            RouteError::PoolNotFound {
                pool_id,
                token_in,
                token_out,
                reason,
            } => ContractError::PoolLacksDenoms {
                pool_id,
                token_in,
                token_out,
                reason: format!("pool does not exist: {reason}"),
            },
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
