#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};

use crate::error::ContractError;
use crate::execute::{allowances, config, cw20, governance, marketing, native};
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::query;

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
    config::instantiate(deps, env, info, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    if !msg.takes_funds() && !info.funds.is_empty() {
        return Err(ContractError::UnexpectedFunds);
    }
    match msg {
        ExecuteMsg::Transfer { recipient, amount } => cw20::transfer(deps, info, recipient, amount),
        ExecuteMsg::Burn { amount } => cw20::burn(deps, info, amount),
        ExecuteMsg::Send {
            contract,
            amount,
            msg,
        } => cw20::send(deps, info, contract, amount, msg),
        ExecuteMsg::Mint { recipient, amount } => cw20::mint(deps, info, recipient, amount),
        ExecuteMsg::UpdateMinter { new_minter } => cw20::update_minter(deps, info, new_minter),
        ExecuteMsg::IncreaseAllowance {
            spender,
            amount,
            expires,
        } => allowances::increase(deps, env, info, spender, amount, expires),
        ExecuteMsg::DecreaseAllowance {
            spender,
            amount,
            expires,
        } => allowances::decrease(deps, env, info, spender, amount, expires),
        ExecuteMsg::TransferFrom {
            owner,
            recipient,
            amount,
        } => allowances::transfer_from(deps, env, info, owner, recipient, amount),
        ExecuteMsg::SendFrom {
            owner,
            contract,
            amount,
            msg,
        } => allowances::send_from(deps, env, info, owner, contract, amount, msg),
        ExecuteMsg::BurnFrom { owner, amount } => {
            allowances::burn_from(deps, env, info, owner, amount)
        }
        ExecuteMsg::UpdateMarketing {
            project,
            description,
            marketing,
        } => marketing::update_marketing(deps, info, project, description, marketing),
        ExecuteMsg::UploadLogo(logo) => marketing::upload_logo(deps, info, logo),
        ExecuteMsg::EnableNative(enable) => native::enable(deps, env, info, enable),
        ExecuteMsg::ConvertToNative { amount, recipient } => {
            native::convert_to_native(deps, env, info, amount, recipient)
        }
        ExecuteMsg::ConvertToCw20 { recipient } => {
            native::convert_to_cw20(deps, env, info, recipient)
        }
        ExecuteMsg::BurnNative {} => native::burn_native(deps, env, info),
        ExecuteMsg::RenounceNativeAdmin {} => native::renounce_admin(deps, env, info),
        ExecuteMsg::UpdateOwnership(action) => {
            governance::update_ownership(deps, env, info, action)
        }
        ExecuteMsg::SetGuardian { guardian } => {
            Ok(spice_governance::set_guardian(TAG, deps, &info, guardian)?)
        }
        ExecuteMsg::Pause {} => governance::pause(deps, env, info),
        ExecuteMsg::Unpause {} => Ok(spice_governance::unpause(TAG, deps, &env, &info)?),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Balance { address } => to_json_binary(&query::balance(deps, address)?)?,
        QueryMsg::TokenInfo {} => to_json_binary(&query::token_info(deps)?)?,
        QueryMsg::Minter {} => to_json_binary(&query::minter(deps)?)?,
        QueryMsg::Allowance { owner, spender } => {
            to_json_binary(&query::allowance(deps, owner, spender)?)?
        }
        QueryMsg::AllAllowances {
            owner,
            start_after,
            limit,
        } => to_json_binary(&query::all_allowances(deps, owner, start_after, limit)?)?,
        QueryMsg::AllSpenderAllowances {
            spender,
            start_after,
            limit,
        } => to_json_binary(&query::all_spender_allowances(
            deps,
            spender,
            start_after,
            limit,
        )?)?,
        QueryMsg::AllAccounts { start_after, limit } => {
            to_json_binary(&query::all_accounts(deps, start_after, limit)?)?
        }
        QueryMsg::MarketingInfo {} => to_json_binary(&query::marketing_info(deps)?)?,
        QueryMsg::DownloadLogo {} => to_json_binary(&query::download_logo(deps)?)?,
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Supply {} => to_json_binary(&query::supply(deps)?)?,
        QueryMsg::BurnStats {} => to_json_binary(&query::burn_stats(deps)?)?,
        QueryMsg::Burners { start_after, limit } => {
            to_json_binary(&query::burners(deps, start_after, limit)?)?
        }
        QueryMsg::Ownership {} => to_json_binary(&spice_governance::ownership(deps.storage)?)?,
        QueryMsg::PauseInfo {} => to_json_binary(&spice_governance::pause_info(deps.storage)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    config::migrate(deps, msg)
}
