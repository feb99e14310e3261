#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};

use spice_types::IncentivesHookMsg;

use crate::error::ContractError;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::{execute, query};

pub const CONTRACT_NAME: &str = "crates.io:provider-incentives";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const TAG: spice_types::ContractTag = spice_types::ContractTag::Incentives;

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
        ExecuteMsg::Fund { epoch } => execute::epochs::fund(deps, env, info, epoch),
        ExecuteMsg::RegisterProvider {
            info: provider_info,
        } => execute::providers::register(deps, env, info, provider_info),
        ExecuteMsg::UnbondProvider {} => execute::providers::unbond(deps, env, info),
        ExecuteMsg::WithdrawBond {} => execute::providers::withdraw_bond(deps, env, info),
        ExecuteMsg::AuditProvider {
            provider,
            tier,
            attributes,
        } => execute::providers::audit(deps, env, info, provider, tier, attributes),
        ExecuteMsg::SubmitReport { epoch, entries } => {
            execute::reports::submit_report(deps, env, info, epoch, entries)
        }
        ExecuteMsg::LeaseSettled {
            provider,
            tenant,
            lease_id,
            denom,
            amount,
            take_fee,
            blocks,
            served_from,
            served_until,
        } => execute::reports::lease_settled(
            deps,
            env,
            info,
            IncentivesHookMsg::LeaseSettled {
                provider,
                tenant,
                lease_id,
                denom,
                amount,
                take_fee,
                blocks,
                served_from,
                served_until,
            },
        ),
        ExecuteMsg::LeasesSettled { settlements } => execute::reports::lease_settled(
            deps,
            env,
            info,
            IncentivesHookMsg::LeasesSettled { settlements },
        ),
        ExecuteMsg::FinalizeEpoch { epoch } => execute::epochs::finalize(deps, env, epoch),
        ExecuteMsg::Claim { epochs, limit } => {
            execute::claims::claim(deps, env, info, epochs, limit)
        }
        ExecuteMsg::Dispute {
            epoch,
            provider,
            reason,
        } => execute::disputes::dispute(deps, env, info, epoch, provider, reason),
        ExecuteMsg::ExpireDispute { epoch, provider } => {
            execute::disputes::expire(deps, env, info, epoch, provider)
        }
        ExecuteMsg::ResolveDispute {
            epoch,
            provider,
            outcome,
            slash,
        } => execute::disputes::resolve(deps, env, info, epoch, provider, outcome, slash),
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
        QueryMsg::Ownership {} => to_json_binary(&spice_governance::ownership(deps.storage)?)?,
        QueryMsg::PauseInfo {} => to_json_binary(&spice_governance::pause_info(deps.storage)?)?,
        QueryMsg::Epoch { epoch } => to_json_binary(&query::epoch(deps, env, epoch)?)?,
        QueryMsg::KeeperWork { start_after, limit } => {
            to_json_binary(&query::keeper_work(deps, env, start_after, limit)?)?
        }
        QueryMsg::Provider { address } => to_json_binary(&query::provider(deps, address)?)?,
        QueryMsg::Providers { start_after, limit } => {
            to_json_binary(&query::providers(deps, start_after, limit)?)?
        }
        QueryMsg::PendingRewards {
            provider,
            start_after,
            limit,
        } => to_json_binary(&query::pending_rewards(
            deps,
            env,
            provider,
            start_after,
            limit,
        )?)?,
        QueryMsg::ProviderAudit { provider } => {
            to_json_binary(&query::provider_audit(deps, provider)?)?
        }
        QueryMsg::Dispute { epoch, provider } => {
            to_json_binary(&query::dispute(deps, epoch, provider)?)?
        }
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    execute::config::migrate(deps, msg)
}
