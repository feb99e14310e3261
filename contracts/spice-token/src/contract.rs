#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};

use crate::error::ContractError;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::{execute, query};

pub const CONTRACT_NAME: &str = "crates.io:spice-token";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const TAG: spice_types::ContractTag = spice_types::ContractTag::Token;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    execute::config::instantiate(deps, env, info, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::UpdateOwnership(action) => Ok(spice_governance::update_ownership(
            TAG, deps, &env, &info, action,
        )?),
        ExecuteMsg::SetGuardian { guardian } => {
            Ok(spice_governance::set_guardian(TAG, deps, &info, guardian)?)
        }
        ExecuteMsg::Pause {} => Ok(spice_governance::pause(TAG, deps, &env, &info)?),
        ExecuteMsg::Unpause {} => Ok(spice_governance::unpause(TAG, deps, &env, &info)?),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::TokenInfo {} => to_json_binary(&query::token_info(deps)?)?,
        QueryMsg::Balance { address } => to_json_binary(&query::balance(deps, address)?)?,
        QueryMsg::Supply {} => to_json_binary(&query::supply(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&spice_governance::ownership(deps.storage)?)?,
        QueryMsg::PauseInfo {} => to_json_binary(&spice_governance::pause_info(deps.storage)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    execute::config::migrate(deps, msg)
}
