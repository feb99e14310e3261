#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response};

use crate::error::ContractError;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::{execute, query};

pub const CONTRACT_NAME: &str = "crates.io:rollover-escrow";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const TAG: spice_types::ContractTag = spice_types::ContractTag::Escrow;

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
        ExecuteMsg::UpdateConfig(update) => execute::config::update(deps, info, update),
        ExecuteMsg::UpdateOwnership(action) => Ok(spice_governance::update_ownership(
            TAG, deps, &env, &info, action,
        )?),
        ExecuteMsg::SetGuardian { guardian } => {
            Ok(spice_governance::set_guardian(TAG, deps, &info, guardian)?)
        }
        ExecuteMsg::Pause {} => Ok(spice_governance::pause(TAG, deps, &env, &info)?),
        ExecuteMsg::Unpause {} => execute::config::unpause(deps, env, info),
        ExecuteMsg::OpenLease(msg) => execute::lease::open(deps, env, info, msg),
        ExecuteMsg::OpenLeases { leases } => {
            execute::open_batch::open_leases(deps, env, info, leases)
        }
        ExecuteMsg::AcceptLease { lease_id } => execute::lease::accept(deps, env, info, lease_id),
        ExecuteMsg::Settle { lease_id } => execute::lease::settle_lease(deps, env, info, lease_id),
        ExecuteMsg::Withdraw { lease_id } => execute::lease::withdraw(deps, env, info, lease_id),
        ExecuteMsg::CloseLease { lease_id, reason } => {
            execute::lease::close_lease(deps, env, info, lease_id, reason)
        }
        ExecuteMsg::Deposit { lease_id } => execute::funding::deposit(deps, env, info, lease_id),
        ExecuteMsg::DepositFromGrant {
            lease_id,
            granter,
            amount,
        } => execute::funding::deposit_from_grant(deps, env, info, lease_id, granter, amount),
        ExecuteMsg::FundBalance {} => execute::funding::fund_balance(deps, info),
        ExecuteMsg::WithdrawBalance { denom, amount } => {
            execute::funding::withdraw_balance(deps, info, denom, amount)
        }
        ExecuteMsg::Grant {
            grantee,
            spend_limit,
            expiration,
        } => execute::funding::grant(deps, env, info, grantee, spend_limit, expiration),
        ExecuteMsg::Revoke { grantee } => execute::funding::revoke(deps, info, grantee),
        ExecuteMsg::SetAutoTopUp {
            lease_id,
            target_runway_blocks,
            source,
        } => execute::funding::set_auto_top_up(deps, info, lease_id, target_runway_blocks, source),
        ExecuteMsg::TopUp { lease_id } => execute::funding::top_up(deps, env, info, lease_id),
        ExecuteMsg::Heartbeat { lease_id } => {
            execute::rollover::heartbeat(deps, env, info, lease_id)
        }
        ExecuteMsg::ReportFailure { lease_id, reason } => {
            execute::rollover::report_failure(deps, env, info, lease_id, reason)
        }
        ExecuteMsg::SetBackups { lease_id, backups } => {
            execute::rollover::set_backups(deps, info, lease_id, backups)
        }
        ExecuteMsg::Rollover { lease_id } => execute::rollover::rollover(deps, env, info, lease_id),
        ExecuteMsg::PostBond { lease_id } => execute::rollover::post_bond(deps, info, lease_id),
        ExecuteMsg::AcceptBackup { lease_id } => {
            execute::rollover::accept_backup(deps, env, info, lease_id)
        }
        ExecuteMsg::CloseExpired { limit } => execute::lease::close_expired(deps, env, info, limit),
        ExecuteMsg::SettleBatch { lease_ids } => {
            execute::batch::settle_batch(deps, env, info, lease_ids)
        }
        ExecuteMsg::WithdrawBatch { lease_ids } => {
            execute::batch::withdraw_batch(deps, env, info, lease_ids)
        }
        ExecuteMsg::TopUpBatch { lease_ids } => {
            execute::batch::top_up_batch(deps, env, info, lease_ids)
        }
        ExecuteMsg::DepositBatch { deposits } => {
            execute::batch::deposit_batch(deps, env, info, deposits)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&spice_governance::ownership(deps.storage)?)?,
        QueryMsg::PauseInfo {} => to_json_binary(&spice_governance::pause_info(deps.storage)?)?,
        QueryMsg::Lease { lease_id } => to_json_binary(&query::lease(deps, env, lease_id)?)?,
        QueryMsg::LeasesByTenant {
            tenant,
            start_after,
            limit,
        } => to_json_binary(&query::leases_by_tenant(
            deps,
            env,
            tenant,
            start_after,
            limit,
        )?)?,
        QueryMsg::LeasesByProvider {
            provider,
            start_after,
            limit,
        } => to_json_binary(&query::leases_by_provider(
            deps,
            env,
            provider,
            start_after,
            limit,
        )?)?,
        QueryMsg::LeasesBelowThreshold {
            runway_blocks,
            start_after,
            limit,
        } => to_json_binary(&query::leases_below_threshold(
            deps,
            env,
            runway_blocks,
            start_after,
            limit,
        )?)?,
        QueryMsg::KeeperWork { start_after, limit } => {
            to_json_binary(&query::keeper_work(deps, env, start_after, limit)?)?
        }
        QueryMsg::Grant { granter, grantee } => {
            to_json_binary(&query::grant(deps, env, granter, grantee)?)?
        }
        QueryMsg::Balance { owner, denom } => to_json_binary(&query::balance(deps, owner, denom)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    execute::config::migrate(deps, msg)
}

/// Only the provider-incentives hook replies (on error): its failure is recorded in an event and
/// swallowed, so incentives can never block a withdrawal, close or rollover.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    execute::ledger::reply(deps, env, msg)
}
