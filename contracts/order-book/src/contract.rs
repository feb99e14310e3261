#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response};

use crate::error::ContractError;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::{execute, query};

pub const CONTRACT_NAME: &str = "crates.io:order-book";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const TAG: spice_types::ContractTag = spice_types::ContractTag::OrderBook;

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
        ExecuteMsg::Unpause {} => Ok(spice_governance::unpause(TAG, deps, &env, &info)?),
        ExecuteMsg::PlaceOrder {
            spec,
            max_price_per_block,
            denom,
            expires_at,
            replicas,
        } => execute::orders::place(
            deps,
            env,
            info,
            spec,
            max_price_per_block,
            denom,
            expires_at,
            replicas,
        ),
        ExecuteMsg::AmendOrder {
            order_id,
            max_price_per_block,
            expires_at,
            replicas,
        } => execute::orders::amend(
            deps,
            env,
            info,
            order_id,
            max_price_per_block,
            expires_at,
            replicas,
        ),
        ExecuteMsg::CancelOrder { order_id } => execute::orders::cancel(deps, info, order_id),
        ExecuteMsg::PostOffer {
            spec_capacity,
            price_per_block,
            denom,
            units,
            expires_at,
        } => execute::offers::post(
            deps,
            env,
            info,
            spec_capacity,
            price_per_block,
            denom,
            units,
            expires_at,
        ),
        ExecuteMsg::WithdrawOffer { offer_id } => execute::offers::withdraw(deps, info, offer_id),
        ExecuteMsg::FillOrder { order_id, offer_id } => {
            execute::matching::fill_order(deps, env, info, order_id, offer_id)
        }
        ExecuteMsg::MatchOrders { limit } => {
            execute::matching::match_orders(deps, env, info, limit)
        }
        ExecuteMsg::ExpireOrders { limit } => execute::expiry::expire(deps, env, info, limit),
    }
}

/// The escrow's answer to each lease a fill opened (`execute::matching::reply`).
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    execute::matching::reply(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&spice_governance::ownership(deps.storage)?)?,
        QueryMsg::PauseInfo {} => to_json_binary(&spice_governance::pause_info(deps.storage)?)?,
        QueryMsg::Order { order_id } => to_json_binary(&query::order(deps, order_id)?)?,
        QueryMsg::Orders {
            tenant,
            status,
            start_after,
            limit,
        } => to_json_binary(&query::list_orders(
            deps,
            tenant,
            status,
            start_after,
            limit,
        )?)?,
        QueryMsg::Offer { offer_id } => to_json_binary(&query::offer(deps, offer_id)?)?,
        QueryMsg::Offers {
            provider,
            start_after,
            limit,
        } => to_json_binary(&query::list_offers(deps, provider, start_after, limit)?)?,
        QueryMsg::Depth {
            resource_class,
            denom,
            limit,
        } => to_json_binary(&query::depth(deps, resource_class, denom, limit)?)?,
        QueryMsg::ResourceClass { resources } => to_json_binary(&query::resource_class(resources))?,
        QueryMsg::KeeperWork { limit } => to_json_binary(&query::keeper_work(deps, env, limit)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    execute::config::migrate(deps, msg)
}
