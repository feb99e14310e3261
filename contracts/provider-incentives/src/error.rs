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

    #[error("oracle_quorum {quorum} must be between 1 and the number of oracles ({oracles})")]
    QuorumOutOfRange { quorum: u32, oracles: u32 },

    #[error("{field} lists {address} more than once")]
    DuplicateAddress { field: String, address: String },

    #[error("at most {max} {field} are allowed, got {count}")]
    TooManyAddresses { field: String, count: u32, max: u32 },
}
