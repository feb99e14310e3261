use cosmwasm_std::{StdError, Uint128};
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

    #[error("per_call_cap must be above zero")]
    ZeroPerCallCap,

    #[error("epoch_cap {epoch_cap} is below per_call_cap {per_call_cap}")]
    EpochCapBelowPerCallCap {
        epoch_cap: Uint128,
        per_call_cap: Uint128,
    },
}
