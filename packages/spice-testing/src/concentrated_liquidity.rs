//! Just enough of `x/concentrated-liquidity` for a contract that *owns* positions and collects
//! what they earn.
//!
//! Emulated:
//! * positions as records: id (from 1, like the chain's `NextPositionId`), owner, pool id, and
//!   the spread rewards and incentives accrued to them. A test creates a position with
//!   [`create_position`](crate::create_cl_position) and makes it earn with
//!   [`accrue_rewards`](crate::accrue_cl_rewards), which mints the coins into the module's
//!   account (so bank supply stays consistent) and records them against the position.
//! * `MsgCollectSpreadRewards { position_ids, sender }` and
//!   `MsgCollectIncentives { position_ids, sender }`: every id must exist and belong to the
//!   sender (the chain's `PositionIdNotFoundError` / `NotPositionOwnerError` texts), the accrued
//!   coins move from the module account to the sender and are zeroed; responses
//!   `MsgCollectSpreadRewardsResponse { collected_spread_rewards }` and
//!   `MsgCollectIncentivesResponse { collected_incentives, forfeited_incentives: [] }`
//!   (coins summed over the positions, sorted by denom), in `data` and `msg_responses`.
//! * `MsgTransferPositions { position_ids, sender, new_owner }`: owner only; accrued rewards
//!   are collected to the old owner first, as on the chain.
//!
//! Not emulated: liquidity, ticks, prices and swaps in CL pools (positions hold no liquidity
//! here; the pool id is a label), reward accrual from swaps or incentive gauges (a test sets
//! the accruals), forfeiting incentives of young positions, the uptime accumulators.

use std::collections::BTreeMap;

use anyhow::{anyhow, ensure};
use cosmwasm_std::{Addr, Coin, CustomMsg, CustomQuery, Event, Storage, Uint128};
use cw_multi_test::AppResponse;
use cw_storage_plus::{Item, Map};
use osmosis_std::types::cosmos::base::v1beta1::Coin as ProtoCoin;
use osmosis_std::types::osmosis::concentratedliquidity::v1beta1 as cl;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::chain::{msg_response, ExecEnv};
use crate::AnyResult;

/// The module account that holds accrued, uncollected rewards.
pub const CL_MODULE_NAME: &str = "concentratedliquidity";

const NEXT_POSITION_ID: Item<u64> = Item::new("osmo_cl_next_position");
const POSITIONS: Map<u64, ClPositionState> = Map::new("osmo_cl_positions");

/// A position as the emulation keeps it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ClPositionState {
    pub position_id: u64,
    pub owner: Addr,
    pub pool_id: u64,
    /// Accrued, uncollected spread rewards (sorted by denom, no zeros).
    pub spread_rewards: Vec<Coin>,
    /// Accrued, uncollected incentives (sorted by denom, no zeros).
    pub incentives: Vec<Coin>,
}

/// A position, if it exists.
pub fn load_position(
    storage: &dyn Storage,
    position_id: u64,
) -> AnyResult<Option<ClPositionState>> {
    Ok(POSITIONS.may_load(storage, position_id)?)
}

pub(crate) fn create_position(
    storage: &mut dyn Storage,
    owner: &Addr,
    pool_id: u64,
) -> AnyResult<u64> {
    let id = NEXT_POSITION_ID.may_load(storage)?.unwrap_or(1);
    NEXT_POSITION_ID.save(storage, &(id + 1))?;
    POSITIONS.save(
        storage,
        id,
        &ClPositionState {
            position_id: id,
            owner: owner.clone(),
            pool_id,
            spread_rewards: vec![],
            incentives: vec![],
        },
    )?;
    Ok(id)
}

/// Adds `more` into `into`, keeping it sorted by denom without zeros.
pub(crate) fn add_coins(into: &mut Vec<Coin>, more: &[Coin]) -> AnyResult<()> {
    let mut sums: BTreeMap<String, Uint128> = BTreeMap::new();
    for c in into.iter().chain(more.iter()) {
        let entry = sums.entry(c.denom.clone()).or_default();
        *entry = entry.checked_add(c.amount)?;
    }
    *into = sums
        .into_iter()
        .filter(|(_, a)| !a.is_zero())
        .map(|(d, a)| Coin::new(a, d))
        .collect();
    Ok(())
}

/// Records `spread` and `incentives` as accrued to the position (the caller mints them into
/// the module account).
pub(crate) fn accrue(
    storage: &mut dyn Storage,
    position_id: u64,
    spread: &[Coin],
    incentives: &[Coin],
) -> AnyResult<()> {
    let mut position = POSITIONS
        .may_load(storage, position_id)?
        .ok_or_else(|| not_found(position_id))?;
    add_coins(&mut position.spread_rewards, spread)?;
    add_coins(&mut position.incentives, incentives)?;
    POSITIONS.save(storage, position_id, &position)?;
    Ok(())
}

fn not_found(position_id: u64) -> anyhow::Error {
    anyhow!("position not found. position id ({position_id})")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Spread,
    Incentives,
}

fn collect<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    position_ids: &[u64],
    kind: Kind,
) -> AnyResult<(Vec<Coin>, Vec<Event>)>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let module = crate::chain::module_address(env.api, CL_MODULE_NAME)?;
    let mut total: Vec<Coin> = vec![];
    let mut events = vec![];
    for id in position_ids {
        let mut position = POSITIONS
            .may_load(storage, *id)?
            .ok_or_else(|| not_found(*id))?;
        ensure!(
            position.owner == *sender,
            "address ({sender}) is not the owner of position ID ({id})"
        );
        let coins = match kind {
            Kind::Spread => std::mem::take(&mut position.spread_rewards),
            Kind::Incentives => std::mem::take(&mut position.incentives),
        };
        POSITIONS.save(storage, *id, &position)?;
        events.extend(env.send(storage, &module, sender, coins.clone())?);
        let (ty, key) = match kind {
            Kind::Spread => ("collect_spread_rewards", "tokens_out"),
            Kind::Incentives => ("collect_incentives", "incentive_tokens_out"),
        };
        events.push(
            Event::new(ty)
                .add_attribute("position_id", id.to_string())
                .add_attribute("owner", sender.as_str())
                .add_attribute(
                    key,
                    coins
                        .iter()
                        .map(Coin::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
        );
        add_coins(&mut total, &coins)?;
    }
    Ok((total, events))
}

fn proto(coins: Vec<Coin>) -> Vec<ProtoCoin> {
    coins.into_iter().map(ProtoCoin::from).collect()
}

pub(crate) fn collect_spread_rewards<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    msg: cl::MsgCollectSpreadRewards,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let (coins, events) = collect(env, storage, sender, &msg.position_ids, Kind::Spread)?;
    Ok(msg_response(
        cl::MsgCollectSpreadRewardsResponse::TYPE_URL,
        &cl::MsgCollectSpreadRewardsResponse {
            collected_spread_rewards: proto(coins),
        },
        events,
    ))
}

pub(crate) fn collect_incentives<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    msg: cl::MsgCollectIncentives,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let (coins, events) = collect(env, storage, sender, &msg.position_ids, Kind::Incentives)?;
    Ok(msg_response(
        cl::MsgCollectIncentivesResponse::TYPE_URL,
        &cl::MsgCollectIncentivesResponse {
            collected_incentives: proto(coins),
            forfeited_incentives: vec![],
        },
        events,
    ))
}

pub(crate) fn transfer_positions<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    msg: cl::MsgTransferPositions,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let new_owner = env.api.addr_validate(&msg.new_owner)?;
    let (_, mut events) = collect(env, storage, sender, &msg.position_ids, Kind::Spread)?;
    let (_, more) = collect(env, storage, sender, &msg.position_ids, Kind::Incentives)?;
    events.extend(more);
    for id in &msg.position_ids {
        let mut position = POSITIONS
            .may_load(storage, *id)?
            .ok_or_else(|| not_found(*id))?;
        position.owner = new_owner.clone();
        POSITIONS.save(storage, *id, &position)?;
        events.push(
            Event::new("transfer_position")
                .add_attribute("position_id", id.to_string())
                .add_attribute("sender", sender.as_str())
                .add_attribute("new_owner", new_owner.as_str()),
        );
    }
    Ok(msg_response(
        cl::MsgTransferPositionsResponse::TYPE_URL,
        &cl::MsgTransferPositionsResponse {},
        events,
    ))
}
