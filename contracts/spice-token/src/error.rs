use cosmwasm_std::{OverflowError, StdError, Uint128};
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

    #[error("marketing info is not supported yet; instantiate without `marketing`")]
    MarketingNotSupported,
}
