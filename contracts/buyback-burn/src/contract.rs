#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response};

use crate::error::ContractError;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::{execute, query};

pub const CONTRACT_NAME: &str = "crates.io:buyback-burn";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const TAG: spice_types::ContractTag = spice_types::ContractTag::Buyback;

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
        ExecuteMsg::Buyback { denom, limit } => {
            execute::buyback::buyback(deps, env, info, denom, limit)
        }
        ExecuteMsg::BurnHeld {} => execute::burn::burn_held(deps, env, info),
        ExecuteMsg::SetRoute { denom, hops } => execute::routes::set(deps, info, denom, hops),
        ExecuteMsg::RemoveRoute { denom } => execute::routes::remove(deps, info, denom),
        ExecuteMsg::UpdateConfig(update) => execute::config::update(deps, info, update),
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
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Routes { start_after, limit } => {
            to_json_binary(&query::routes(deps, start_after, limit)?)?
        }
        QueryMsg::Status { start_after, limit } => {
            to_json_binary(&query::status(deps, env, start_after, limit)?)?
        }
        QueryMsg::SimulateBuyback { denom, limit } => {
            to_json_binary(&query::simulate_buyback(deps, env, denom, limit)?)?
        }
        QueryMsg::History { start_after, limit } => {
            to_json_binary(&query::history(deps, start_after, limit)?)?
        }
        QueryMsg::KeeperWork { start_after, limit } => {
            to_json_binary(&query::keeper_work(deps, env, start_after, limit)?)?
        }
        QueryMsg::Ownership {} => to_json_binary(&spice_governance::ownership(deps.storage)?)?,
        QueryMsg::PauseInfo {} => to_json_binary(&spice_governance::pause_info(deps.storage)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    execute::buyback::reply(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    execute::config::migrate(deps, msg)
}
