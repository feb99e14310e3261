//! Governance with one SPICE rule on top of the suite's: a pause must always be undoable.
//! The guardian may pause and only the owner may unpause, so a renounced owner plus a pause
//! would freeze minting and conversions into native SPICE forever. Hence renouncing ownership
//! is refused while paused, and pausing is refused once ownership is renounced.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};
use spice_governance::OwnershipAction;

use crate::contract::TAG;
use crate::error::ContractError;

pub fn update_ownership(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    action: OwnershipAction,
) -> Result<Response, ContractError> {
    if action == OwnershipAction::RenounceOwnership
        && spice_governance::pause_info(deps.storage)?.paused
    {
        return Err(ContractError::RenounceWhilePaused);
    }
    Ok(spice_governance::update_ownership(
        TAG, deps, &env, &info, action,
    )?)
}

pub fn pause(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    if spice_governance::ownership(deps.storage)?.owner.is_none() {
        return Err(ContractError::PauseWithoutOwner);
    }
    Ok(spice_governance::pause(TAG, deps, &env, &info)?)
}
