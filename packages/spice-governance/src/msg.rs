use cosmwasm_schema::cw_serde;
use cosmwasm_std::Addr;

#[cw_serde]
pub struct PauseInfoResponse {
    pub paused: bool,
    /// The account that may pause (never unpause) besides the owner.
    pub guardian: Option<Addr>,
    /// Who paused or unpaused last, and at which height; `None` before the first change.
    pub last_changed_by: Option<Addr>,
    pub last_changed_height: Option<u64>,
}
