#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response};

use crate::error::ContractError;
use crate::execute::operator::Report;
use crate::execute::{convert, harvest, operator, principal, proceeds, strategy, sunset, sync};
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, SudoMsg};
use crate::{execute, query};

pub const CONTRACT_NAME: &str = "crates.io:staking-vault";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const TAG: spice_types::ContractTag = spice_types::ContractTag::Vault;

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
        ExecuteMsg::Deposit {} => proceeds::deposit(deps, env, info),
        ExecuteMsg::Sync { denoms } => sync::sync(deps, env, info, denoms),
        ExecuteMsg::ReceiveReturn { kind } => sync::receive_return(deps, env, info, kind),
        ExecuteMsg::ReconcileNative {} => sync::reconcile_native(deps, env, info),
        ExecuteMsg::BookLoss { kind, amount } => sync::book_loss(deps, env, info, kind, amount),
        ExecuteMsg::CollectLpProceeds { limit } => {
            proceeds::collect_lp_proceeds(deps, env, info, limit)
        }
        ExecuteMsg::Convert { denom, limit } => convert::convert(deps, env, info, denom, limit),
        ExecuteMsg::Stake {} => strategy::stake(deps, env, info),
        ExecuteMsg::Harvest {} => harvest::harvest(deps, env, info),
        ExecuteMsg::Unbond { amount } => principal::unbond(deps, env, info, amount),
        ExecuteMsg::ClaimUnbonded { recipient } => {
            principal::claim_unbonded(deps, env, info, recipient)
        }
        ExecuteMsg::ConfirmDelegation { amount, tx_hash } => {
            operator::report(deps, env, info, Report::Delegation, amount, tx_hash)
        }
        ExecuteMsg::ConfirmRewards { amount, tx_hash } => {
            operator::report(deps, env, info, Report::Rewards, amount, tx_hash)
        }
        ExecuteMsg::ConfirmUndelegation { amount, tx_hash } => {
            operator::report(deps, env, info, Report::Undelegation, amount, tx_hash)
        }
        ExecuteMsg::ConfirmReturned { amount, tx_hash } => {
            operator::report(deps, env, info, Report::Returned, amount, tx_hash)
        }
        ExecuteMsg::ReportLoss { amount, tx_hash } => {
            operator::report(deps, env, info, Report::Loss, amount, tx_hash)
        }
        ExecuteMsg::ResumeStrategy {} => strategy::resume(deps, env, info),
        ExecuteMsg::SetStrategy { strategy: s } => strategy::set_strategy(deps, env, info, s),
        ExecuteMsg::SetRoute { denom, hops } => proceeds::set_route(deps, info, denom, hops),
        ExecuteMsg::RemoveRoute { denom } => proceeds::remove_route(deps, info, denom),
        ExecuteMsg::AddLpPosition { position_id } => {
            proceeds::add_lp_position(deps, info, position_id)
        }
        ExecuteMsg::RemoveLpPosition { position_id } => {
            proceeds::remove_lp_position(deps, info, position_id)
        }
        ExecuteMsg::SetSunset {
            at,
            unbond_lead_seconds,
            principal_to,
        } => sunset::set_sunset(deps, env, info, at, unbond_lead_seconds, principal_to),
        ExecuteMsg::CancelSunset {} => sunset::cancel_sunset(deps, env, info),
        ExecuteMsg::BeginSunsetUnbond {} => sunset::begin_unbond(deps, env, info),
        ExecuteMsg::RouteSunsetPrincipal {} => sunset::route_principal(deps, env, info),
        ExecuteMsg::SetFallback { mode } => sunset::set_fallback(deps, env, info, mode),
        ExecuteMsg::ForwardProceeds { denom } => sunset::forward_proceeds(deps, env, info, denom),
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
pub fn sudo(deps: DepsMut, env: Env, msg: SudoMsg) -> Result<Response, ContractError> {
    match msg {
        SudoMsg::IbcLifecycleComplete(lifecycle) => strategy::lifecycle(deps, env, lifecycle),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    match msg.id {
        convert::SWAP_REPLY_ID => convert::reply(deps, env, msg),
        strategy::TRANSFER_REPLY_ID => strategy::transfer_reply(deps, env, msg),
        proceeds::COLLECT_SPREAD_REPLY_ID | proceeds::COLLECT_INCENTIVES_REPLY_ID => {
            proceeds::collect_reply(deps, env, msg)
        }
        harvest::HARVEST_REPLY_ID => harvest::reply(deps, env, msg),
        sync::STAKING_REPLY_ID => sync::staking_reply(deps, env, msg),
        id => Err(ContractError::UnknownReply { id }),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Status {} => to_json_binary(&query::status(deps, env)?)?,
        QueryMsg::SunsetStatus {} => to_json_binary(&sunset::status(deps, env)?)?,
        QueryMsg::SimulateConvert { denom } => {
            to_json_binary(&query::simulate_convert(deps, env, denom)?)?
        }
        QueryMsg::KeeperWork { start_after, limit } => {
            to_json_binary(&query::keeper_work(deps, env, start_after, limit)?)?
        }
        QueryMsg::History { start_after, limit } => {
            to_json_binary(&query::history(deps, start_after, limit)?)?
        }
        QueryMsg::Routes { start_after, limit } => {
            to_json_binary(&query::routes(deps, start_after, limit)?)?
        }
        QueryMsg::LpPositions { start_after, limit } => {
            to_json_binary(&query::lp_positions(deps, start_after, limit)?)?
        }
        QueryMsg::Ownership {} => to_json_binary(&spice_governance::ownership(deps.storage)?)?,
        QueryMsg::PauseInfo {} => to_json_binary(&spice_governance::pause_info(deps.storage)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    execute::config::migrate(deps, msg)
}
