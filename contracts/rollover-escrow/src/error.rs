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

    #[error("heartbeat_timeout_blocks must be at least 1")]
    ZeroHeartbeatTimeout,
}
