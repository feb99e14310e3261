use cosmwasm_std::{
    CheckedMultiplyFractionError, CheckedMultiplyRatioError, Coin, Decimal, DivideByZeroError,
    OverflowError, StdError, Uint128,
};
use spice_governance::GovernanceError;
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
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    DivideByZero(#[from] DivideByZeroError),

    #[error(transparent)]
    MultiplyFraction(#[from] CheckedMultiplyFractionError),

    #[error(transparent)]
    MultiplyRatio(#[from] CheckedMultiplyRatioError),

    #[error("min_runway_blocks must be at least 1")]
    ZeroRunway,

    #[error("max_open_orders_per_tenant is {value}; it must be between 1 and {max}")]
    OpenOrderCapOutOfRange { value: u32, max: u32 },

    #[error("max_open_offers_per_provider is {value}; it must be between 1 and {max}")]
    OpenOfferCapOutOfRange { value: u32, max: u32 },

    #[error("a book without a provider_registry must charge a non-zero offer_deposit, against Sybil offers")]
    OfferDepositRequired,

    #[error("post_offer must attach exactly the offer deposit {expected}; got {got:?}")]
    WrongOfferDeposit { expected: String, got: Vec<Coin> },

    // --- specs ---
    #[error("{field} must not be empty")]
    EmptyString { field: String },

    #[error("{field} is {len} bytes long; at most {max} are allowed")]
    StringTooLong {
        field: String,
        len: usize,
        max: usize,
    },

    #[error("{field} {value:?} may contain only printable ASCII without spaces")]
    InvalidCharacters { field: String, value: String },

    #[error("{field} {value:?}: an offer states exact values, without * or ?")]
    WildcardNotAllowed { field: String, value: String },

    #[error("{field} is {value}; it must be between {min} and {max}")]
    ResourceOutOfRange {
        field: String,
        value: u64,
        min: u64,
        max: u64,
    },

    #[error("{count} attributes listed; at most {max} are allowed")]
    TooManyAttributes { count: usize, max: usize },

    #[error("attribute {key} is listed more than once")]
    DuplicateAttribute { key: String },

    #[error("{field} lists {count} auditors; at most {max} are allowed")]
    TooManyAuditors {
        field: String,
        count: usize,
        max: usize,
    },

    #[error("signed_by needs a provider registry to check auditors, and none is configured")]
    SignedByNeedsRegistry,

    // --- prices, amounts, funds ---
    #[error("{field} must be greater than zero")]
    ZeroPrice { field: String },

    #[error("denom {denom} is not accepted; accepted: {accepted:?}")]
    DenomNotAccepted {
        denom: String,
        accepted: Vec<String>,
    },

    #[error("send exactly one coin of {denom}")]
    NoFunds { denom: String },

    #[error("send exactly one coin of {denom}; got {coins:?}")]
    MultipleCoins { denom: String, coins: Vec<Coin> },

    #[error("sent {got}; this order is paid in {expected}")]
    WrongDenom { expected: String, got: String },

    #[error("this call takes no funds; got {coins:?}")]
    UnexpectedFunds { coins: Vec<Coin> },

    #[error("deposit must be at least {needed}{denom} (runway × max price × replicas); it is {available}")]
    InsufficientDeposit {
        denom: String,
        needed: Uint128,
        available: Uint128,
    },

    #[error("replicas is {value}; it must be between {min} and {max}")]
    ReplicasOutOfRange { value: u32, min: u32, max: u32 },

    #[error("units is {value}; it must be between 1 and {max}")]
    UnitsOutOfRange { value: u32, max: u32 },

    #[error("expires_at {expires_at} is not after the current height {height}")]
    ExpiryNotInFuture { expires_at: u64, height: u64 },

    #[error("tenant {tenant} already has {max} open orders")]
    TooManyOpenOrders { tenant: String, max: u32 },

    #[error("provider {provider} already has {max} open offers")]
    TooManyOpenOffers { provider: String, max: u32 },

    #[error("provider {provider} is not audited in the provider registry")]
    ProviderNotAudited { provider: String },

    #[error("amend_order changes nothing")]
    NothingToAmend,

    // --- lookups, ownership, life cycle ---
    #[error("order {order_id} not found")]
    OrderNotFound { order_id: u64 },

    #[error("offer {offer_id} not found")]
    OfferNotFound { offer_id: u64 },

    #[error("{sender} is not the tenant of order {order_id}")]
    NotOrderTenant { order_id: u64, sender: String },

    #[error("{sender} is not the provider of offer {offer_id}")]
    NotOfferProvider { offer_id: u64, sender: String },

    #[error("{sender} may not pair order {order_id} with offer {offer_id}: only its tenant or the offer's provider may")]
    NotPartyToFill {
        order_id: u64,
        offer_id: u64,
        sender: String,
    },

    #[error("order {order_id} is {status}, not open")]
    OrderNotOpen { order_id: u64, status: String },

    #[error("offer {offer_id} is {status}, not open")]
    OfferNotOpen { offer_id: u64, status: String },

    #[error("order {order_id} cannot go from {from} to {to}")]
    InvalidOrderTransition {
        order_id: u64,
        from: String,
        to: String,
    },

    #[error("offer {offer_id} cannot go from {from} to {to}")]
    InvalidOfferTransition {
        offer_id: u64,
        from: String,
        to: String,
    },

    #[error("order {order_id} expired at height {expires_at}")]
    OrderExpired { order_id: u64, expires_at: u64 },

    #[error("offer {offer_id} expired at height {expires_at}")]
    OfferExpired { offer_id: u64, expires_at: u64 },

    #[error("replicas {replicas} is below the {filled} already filled")]
    ReplicasBelowFilled { replicas: u32, filled: u32 },

    // --- matching ---
    #[error("order {order_id}'s tenant {address} is also offer {offer_id}'s provider: the escrow refuses a lease with itself")]
    SelfCrossing {
        order_id: u64,
        offer_id: u64,
        address: String,
    },

    #[error("the escrow does not accept {denom} (it accepts {accepted:?})")]
    EscrowRefusesDenom {
        denom: String,
        accepted: Vec<String>,
    },

    #[error("the escrow is paused: no lease can open until it is unpaused")]
    EscrowPaused,

    #[error("offer {better_offer_id} at {better_price} rests ahead of offer {offer_id} at {price} for order {order_id}: only the order's tenant may pick a later or dearer offer")]
    BetterOfferRests {
        order_id: u64,
        offer_id: u64,
        price: Decimal,
        better_offer_id: u64,
        better_price: Decimal,
    },

    #[error("more than {scanned} offers rest ahead of offer {offer_id} for order {order_id}; only the order's tenant may pick it, or let match_orders fill the order")]
    PriorityUnverified {
        order_id: u64,
        offer_id: u64,
        scanned: u32,
    },

    #[error("reply {id} is not one this contract sends")]
    UnknownReply { id: u64 },

    #[error(
        "the escrow's open_leases answer cannot be read ({reason}): nothing of this call stands"
    )]
    OpenLeasesAnswerUnreadable { reason: String },

    #[error("order class {order_class} and offer class {offer_class} differ")]
    ClassMismatch {
        order_class: String,
        offer_class: String,
    },

    #[error("order is priced in {order_denom}, offer in {offer_denom}")]
    DenomMismatch {
        order_denom: String,
        offer_denom: String,
    },

    #[error("offer {offer_id} asks {price_per_block} per block, above order {order_id}'s max {max_price_per_block}")]
    PriceAboveMax {
        order_id: u64,
        offer_id: u64,
        max_price_per_block: Decimal,
        price_per_block: Decimal,
    },

    #[error("offer {offer_id} cannot serve order {order_id}: {reason}")]
    Incompatible {
        order_id: u64,
        offer_id: u64,
        reason: String,
    },

    #[error("order {order_id} (seq {seq}) waits in the match queue behind item {head}; run match_orders")]
    OrderQueued { order_id: u64, seq: u64, head: u64 },

    #[error(
        "no compatible offer at or below order {order_id}'s max price among the best {scanned}"
    )]
    NoCompatibleOffer { order_id: u64, scanned: u32 },
}
