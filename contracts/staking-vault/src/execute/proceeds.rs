//! Proceeds in: deposits, routes (the accepted denoms), and protocol-owned LP positions whose
//! spread rewards and incentives are collected by keepers.

use cosmwasm_std::{
    coins, AnyMsg, BankMsg, Coin, CosmosMsg, Deps, DepsMut, Empty, Env, MessageInfo, Order, Reply,
    Response, StdResult, SubMsg, Uint128,
};
use cw_storage_plus::Bound;
use osmosis_std::types::osmosis::concentratedliquidity::v1beta1::{
    MsgCollectIncentives, MsgCollectIncentivesResponse, MsgCollectSpreadRewards,
    MsgCollectSpreadRewardsResponse,
};
use spice_osmosis::RouteRules;
use spice_types::{page_limit, spice_event};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::books::{self, max_apr, record, Transition};
use crate::execute::config::{MAX_HOPS, MAX_LP_POSITIONS, MAX_ROUTES};
use crate::execute::convert::bounty;
use crate::state::{
    Config, Hop, ACTIVITY, BOOKS, CONFIG, LP_KEEPER, LP_POSITIONS, PROCEEDS, ROUTES,
};

pub const COLLECT_SPREAD_REPLY_ID: u64 = 3;
pub const COLLECT_INCENTIVES_REPLY_ID: u64 = 4;

/// Credits `coin` as proceeds: AKT enters the books as acquired and pending; any other denom
/// waits for `convert`. Returns the event attribute `amount+denom`.
fn credit(
    deps: &mut DepsMut,
    env: &Env,
    config: &Config,
    coin: &Coin,
) -> Result<(), ContractError> {
    if coin.amount.is_zero() {
        return Ok(());
    }
    if coin.denom == config.akt_denom {
        let mut b = BOOKS.load(deps.storage)?;
        books::apply(
            &mut b,
            Transition::Acquire,
            coin.amount,
            max_apr(config),
            env.block.time.seconds(),
        )?;
        BOOKS.save(deps.storage, &b)?;
    } else {
        let waiting = PROCEEDS
            .may_load(deps.storage, &coin.denom)?
            .unwrap_or_default()
            .checked_add(coin.amount)?;
        PROCEEDS.save(deps.storage, &coin.denom, &waiting)?;
    }
    Ok(())
}

pub fn deposit(mut deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    if info.funds.is_empty() {
        return Err(ContractError::EmptyDeposit);
    }
    let config = CONFIG.load(deps.storage)?;
    // Bounded: a message carries few coins, and every accepted denom has one of ≤ 20 routes.
    for coin in &info.funds {
        if coin.denom != config.akt_denom && !ROUTES.has(deps.storage, &coin.denom) {
            return Err(ContractError::UnknownDenom {
                denom: coin.denom.clone(),
            });
        }
    }
    for coin in &info.funds {
        credit(&mut deps, &env, &config, coin)?;
    }
    let funds = info
        .funds
        .iter()
        .map(Coin::to_string)
        .collect::<Vec<_>>()
        .join(",");
    record(
        deps.storage,
        &env,
        "deposit",
        Uint128::zero(),
        "",
        format!("{funds} from {}", info.sender),
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "deposit")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("funds", funds),
    ))
}

/// A stored route starts at `denom`, ends in AKT, never visits a denom twice, crosses at most
/// `MAX_HOPS` pools, and every hop is priced by its pool.
pub fn validate_route(
    deps: Deps,
    config: &Config,
    denom: &str,
    hops: &[Hop],
) -> Result<(), ContractError> {
    let rules = RouteRules {
        target_denom: &config.akt_denom,
        max_hops: MAX_HOPS,
        // A missing pool fails the spot-price check as a pool that cannot swap the hop.
        check_pools_exist: false,
    };
    Ok(spice_osmosis::validate_route(
        &deps.querier,
        denom,
        hops,
        &rules,
    )?)
}

pub fn set_route(
    deps: DepsMut,
    info: MessageInfo,
    denom: String,
    hops: Vec<Hop>,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    validate_route(deps.as_ref(), &config, &denom, &hops)?;
    let replaced = ROUTES.has(deps.storage, &denom);
    if !replaced
        && ROUTES
            .keys(deps.storage, None, None, Order::Ascending)
            .take(MAX_ROUTES)
            .count()
            >= MAX_ROUTES
    {
        return Err(ContractError::TooManyRoutes { max: MAX_ROUTES });
    }
    ROUTES.save(deps.storage, &denom, &hops)?;
    // Coins `sync` held for want of a route become proceeds.
    let released = crate::execute::sync::move_between(deps.storage, &denom, true)?;
    let path = hops
        .iter()
        .map(|h| format!("{}:{}", h.pool_id, h.token_out_denom))
        .collect::<Vec<_>>()
        .join(",");
    Ok(Response::new().add_event(
        spice_event(TAG, "set_route")
            .add_attribute("denom", denom)
            .add_attribute("hops", path)
            .add_attribute("replaced", replaced.to_string())
            .add_attribute("released_from_held", released),
    ))
}

pub fn remove_route(
    deps: DepsMut,
    info: MessageInfo,
    denom: String,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    if !ROUTES.has(deps.storage, &denom) {
        return Err(ContractError::NoRoute { denom });
    }
    ROUTES.remove(deps.storage, &denom);
    // Waiting proceeds cannot be converted without a route: they are held until one is set.
    let held = crate::execute::sync::move_between(deps.storage, &denom, false)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "remove_route")
            .add_attribute("denom", denom)
            .add_attribute("moved_to_held", held),
    ))
}

pub fn add_lp_position(
    deps: DepsMut,
    info: MessageInfo,
    position_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    if LP_POSITIONS.has(deps.storage, position_id) {
        return Err(ContractError::LpPositionExists { position_id });
    }
    let count = LP_POSITIONS
        .keys(deps.storage, None, None, Order::Ascending)
        .take(MAX_LP_POSITIONS)
        .count();
    if count >= MAX_LP_POSITIONS {
        return Err(ContractError::TooManyLpPositions {
            max: MAX_LP_POSITIONS,
        });
    }
    LP_POSITIONS.save(deps.storage, position_id, &Empty {})?;
    Ok(Response::new().add_event(
        spice_event(TAG, "add_lp_position").add_attribute("position_id", position_id.to_string()),
    ))
}

pub fn remove_lp_position(
    deps: DepsMut,
    info: MessageInfo,
    position_id: u64,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    if !LP_POSITIONS.has(deps.storage, position_id) {
        return Err(ContractError::LpPositionUnknown { position_id });
    }
    LP_POSITIONS.remove(deps.storage, position_id);
    Ok(Response::new().add_event(
        spice_event(TAG, "remove_lp_position")
            .add_attribute("position_id", position_id.to_string()),
    ))
}

/// Collects up to `limit` positions after the cursor (wrapping around), in two sub-messages
/// whose replies credit what arrived.
pub fn collect_lp_proceeds(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    cw_utils::nonpayable(&info)?;
    let limit = page_limit(limit);
    let mut activity = ACTIVITY.load(deps.storage)?;
    let after = activity.lp_cursor.map(Bound::exclusive);
    let mut ids: Vec<u64> = LP_POSITIONS
        .keys(deps.storage, after, None, Order::Ascending)
        .take(limit)
        .collect::<StdResult<_>>()?;
    if ids.len() < limit {
        let wrap: Vec<u64> = LP_POSITIONS
            .keys(deps.storage, None, None, Order::Ascending)
            .take(limit - ids.len())
            .collect::<StdResult<_>>()?;
        for id in wrap {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    if ids.is_empty() {
        return Err(ContractError::NoLpPositions);
    }
    activity.lp_cursor = ids.last().copied();
    ACTIVITY.save(deps.storage, &activity)?;
    LP_KEEPER.save(deps.storage, &info.sender)?;
    let sender = env.contract.address.to_string();
    let spread = MsgCollectSpreadRewards {
        position_ids: ids.clone(),
        sender: sender.clone(),
    };
    let incentives = MsgCollectIncentives {
        position_ids: ids.clone(),
        sender,
    };
    let any = |type_url: &str, value: Vec<u8>| {
        CosmosMsg::Any(AnyMsg {
            type_url: type_url.to_string(),
            value: value.into(),
        })
    };
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(
            any(MsgCollectSpreadRewards::TYPE_URL, spread.to_proto_bytes()),
            COLLECT_SPREAD_REPLY_ID,
        ))
        .add_submessage(SubMsg::reply_on_success(
            any(MsgCollectIncentives::TYPE_URL, incentives.to_proto_bytes()),
            COLLECT_INCENTIVES_REPLY_ID,
        ))
        .add_event(
            spice_event(TAG, "collect_lp")
                .add_attribute("keeper", info.sender.as_str())
                .add_attribute(
                    "position_ids",
                    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(","),
                ),
        ))
}

fn response_bytes(reply: Reply, type_url: &str) -> Result<Vec<u8>, ContractError> {
    let bad = |reason: String| ContractError::BadResponse { reason };
    let response = reply.result.into_result().map_err(bad)?;
    match response
        .msg_responses
        .iter()
        .find(|r| r.type_url == type_url)
    {
        Some(r) => Ok(r.value.to_vec()),
        #[allow(deprecated)]
        None => Ok(response
            .data
            .ok_or_else(|| bad(format!("no {type_url}")))?
            .to_vec()),
    }
}

/// Credits what a collection returned, less the keeper's bounty (bps of each coin, rounded
/// down), which is paid here; the bounty is zero when nothing arrived.
pub fn collect_reply(mut deps: DepsMut, env: Env, reply: Reply) -> Result<Response, ContractError> {
    let bad = |e: String| ContractError::BadResponse { reason: e };
    let (kind, coins_in) = match reply.id {
        COLLECT_SPREAD_REPLY_ID => {
            let bytes = response_bytes(reply, MsgCollectSpreadRewardsResponse::TYPE_URL)?;
            let r = MsgCollectSpreadRewardsResponse::try_from(cosmwasm_std::Binary::new(bytes))
                .map_err(|e| bad(e.to_string()))?;
            ("spread_rewards", r.collected_spread_rewards)
        }
        _ => {
            let bytes = response_bytes(reply, MsgCollectIncentivesResponse::TYPE_URL)?;
            let r = MsgCollectIncentivesResponse::try_from(cosmwasm_std::Binary::new(bytes))
                .map_err(|e| bad(e.to_string()))?;
            ("incentives", r.collected_incentives)
        }
    };
    let config = CONFIG.load(deps.storage)?;
    let keeper = LP_KEEPER.load(deps.storage)?;
    let mut response = Response::new();
    let mut credited = vec![];
    // Bounded: one coin per denom the positions earn.
    for c in coins_in {
        let amount: Uint128 = c.amount.parse().map_err(|e| bad(format!("{e}")))?;
        let fee = bounty(amount, config.keeper_bounty_bps)?;
        let net = Coin::new(amount.checked_sub(fee)?, &c.denom);
        credit(&mut deps, &env, &config, &net)?;
        if !fee.is_zero() {
            response = response.add_message(BankMsg::Send {
                to_address: keeper.to_string(),
                amount: coins(fee.u128(), &c.denom),
            });
        }
        credited.push(format!("{net} (bounty {fee})"));
    }
    if !credited.is_empty() {
        record(
            deps.storage,
            &env,
            "collect_lp",
            Uint128::zero(),
            "",
            format!("{kind}: {}", credited.join(",")),
        )?;
    }
    Ok(response.add_event(
        spice_event(TAG, "collect_lp_proceeds")
            .add_attribute("kind", kind)
            .add_attribute("keeper", keeper.as_str())
            .add_attribute("credited", credited.join(",")),
    ))
}
