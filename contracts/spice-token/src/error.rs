use cosmwasm_std::{OverflowError, StdError, Uint128};
use cw_utils::PaymentError;
use spice_governance::GovernanceError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Governance(#[from] GovernanceError),

    #[error("name {name:?} must be 3 to 50 characters long")]
    InvalidName { name: String },

    #[error("symbol {symbol:?} must be 3 to 12 characters from a-z, A-Z and -")]
    InvalidSymbol { symbol: String },

    #[error("decimals {decimals} exceeds the maximum of 18")]
    InvalidDecimals { decimals: u8 },

    #[error("initial_balances lists {address} more than once")]
    DuplicateInitialBalanceAddress { address: String },

    #[error("the initial supply {supply} exceeds the cap {cap}")]
    InitialSupplyAboveCap { supply: Uint128, cap: Uint128 },

    #[error("SPICE's supply is capped: mint.cap must be set when a minter is given")]
    UncappedMinter,

    #[error("amount must be above zero")]
    InvalidZeroAmount,

    #[error("{address} holds {available}, {needed} is needed")]
    InsufficientBalance {
        address: String,
        needed: Uint128,
        available: Uint128,
    },

    #[error("minting {amount} would bring everything ever minted to {would_be}, above the cap {cap}; burns never free room")]
    CannotExceedCap {
        amount: Uint128,
        would_be: Uint128,
        cap: Uint128,
    },

    #[error("{sender} is not the minter")]
    NotMinter { sender: String },

    #[error("minting has been renounced")]
    NoMinter,

    #[error("{sender} is not the marketing address")]
    NotMarketing { sender: String },

    #[error("cannot set an allowance for your own account")]
    CannotSetOwnAccount,

    #[error("the allowance's expiration is already in the past")]
    InvalidExpiration,

    #[error("{spender} has no allowance from {owner}")]
    NoAllowance { owner: String, spender: String },

    #[error("the allowance of {spender} from {owner} has expired")]
    AllowanceExpired { owner: String, spender: String },

    #[error("the allowance of {spender} from {owner} is {available}, {needed} is needed")]
    InsufficientAllowance {
        owner: String,
        spender: String,
        needed: Uint128,
        available: Uint128,
    },

    #[error("the logo is {size} bytes; at most {max} bytes are allowed")]
    LogoTooBig { size: usize, max: usize },

    #[error("an embedded SVG logo must start with an XML preamble or an <svg> tag")]
    InvalidXmlPreamble,

    #[error("an embedded PNG logo must start with the PNG signature")]
    InvalidPngHeader,

    #[error("the token has no embedded logo")]
    NoEmbeddedLogo,

    #[error("the native twin is already enabled as {denom}")]
    NativeAlreadyEnabled { denom: String },

    #[error("the native twin is not enabled yet")]
    NativeNotEnabled,

    #[error("subdenom {subdenom:?} must be 1 to 44 characters from a-z, A-Z, 0-9 and . _ -")]
    InvalidSubdenom { subdenom: String },

    #[error("attach exactly the denom creation fee {expected:?}; got {received:?}")]
    CreationFeeMismatch {
        expected: Vec<String>,
        received: Vec<String>,
    },

    #[error("attach only native SPICE ({denom}): {reason}")]
    InvalidNativeFunds { denom: String, reason: String },

    #[error("this message takes no funds")]
    UnexpectedFunds,

    #[error("display unit {display:?} is not usable in the denom metadata: {reason}")]
    InvalidDisplayDenom { display: String, reason: String },

    #[error(
        "ownership cannot be renounced while the contract is paused: no one could ever unpause it"
    )]
    RenounceWhilePaused,

    #[error("ownership has been renounced: no one could ever unpause, so the contract can no longer be paused")]
    PauseWithoutOwner,

    #[error("the tokenfactory admin can be renounced only once the cap is fully minted: minted {minted} of {cap}")]
    CapNotFullyMinted { minted: Uint128, cap: Uint128 },

    #[error("the tokenfactory admin of {denom} has already been renounced")]
    NativeAdminRenounced { denom: String },

    #[error("the native reserve holds {available}, {needed} is needed")]
    InsufficientNativeReserve { needed: Uint128, available: Uint128 },
}

impl ContractError {
    pub fn native_funds(denom: &str, err: PaymentError) -> Self {
        ContractError::InvalidNativeFunds {
            denom: denom.to_string(),
            reason: err.to_string(),
        }
    }
}
