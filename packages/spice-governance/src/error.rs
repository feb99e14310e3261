use cosmwasm_std::StdError;
use cw_ownable::OwnershipError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum GovernanceError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Ownership(#[from] OwnershipError),

    #[error("{sender} may not pause this contract: only the owner or the guardian can")]
    NotOwnerOrGuardian { sender: String },

    #[error(
        "the contract is paused; only exits (refunds, claims, closing your own positions) are open"
    )]
    Paused,

    #[error("the contract is already paused")]
    AlreadyPaused,

    #[error("the contract is not paused")]
    NotPaused,

    #[error("cannot migrate: the stored contract is {found}, this code is {expected}")]
    ForeignContract { expected: String, found: String },

    #[error("cannot migrate from version {stored} to the older version {new}")]
    Downgrade { stored: String, new: String },

    #[error("version {version} is not a semantic version: {reason}")]
    InvalidVersion { version: String, reason: String },
}
