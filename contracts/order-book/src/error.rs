use cosmwasm_std::StdError;
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

    #[error("min_runway_blocks must be at least 1")]
    ZeroRunway,

    #[error("max_open_orders_per_tenant is {value}; it must be between 1 and {max}")]
    OpenOrderCapOutOfRange { value: u32, max: u32 },
}
