use cosmwasm_std::{Addr, Api, DepsMut, Env, MessageInfo, Response, Timestamp};
use spice_types::{spice_event, validate_denoms, validate_min_seconds};

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION, TAG};
use crate::error::ContractError;
use crate::msg::{ConfigUpdate, InstantiateMsg, MigrateMsg};
use crate::state::{Config, CONFIG};

pub const MIN_EPOCH_SECONDS: u64 = 3_600;
/// Oracle and auditor lists are scanned when a report or audit arrives; a bound keeps that O(1).
pub const MAX_ROLE_MEMBERS: u32 = 32;

/// Config as it arrives in a message, before its addresses and bounds are checked.
struct UncheckedConfig {
    reward_denoms: Vec<String>,
    genesis_time: Timestamp,
    epoch_seconds: u64,
    report_window_seconds: u64,
    dispute_window_seconds: u64,
    oracles: Vec<String>,
    oracle_quorum: u32,
    auditors: Vec<String>,
    escrow: Option<String>,
}

fn validate_members(
    api: &dyn Api,
    field: &str,
    list: &[String],
) -> Result<Vec<Addr>, ContractError> {
    let count = u32::try_from(list.len()).unwrap_or(u32::MAX);
    if count > MAX_ROLE_MEMBERS {
        return Err(ContractError::TooManyAddresses {
            field: field.to_string(),
            count,
            max: MAX_ROLE_MEMBERS,
        });
    }
    let mut members: Vec<Addr> = Vec::with_capacity(list.len());
    for address in list {
        let addr = api.addr_validate(address)?;
        if members.contains(&addr) {
            return Err(ContractError::DuplicateAddress {
                field: field.to_string(),
                address: addr.into_string(),
            });
        }
        members.push(addr);
    }
    Ok(members)
}

/// The one validation both instantiate and `update_config` go through.
fn validate(api: &dyn Api, c: UncheckedConfig) -> Result<Config, ContractError> {
    validate_denoms("reward_denoms", &c.reward_denoms)?;
    validate_min_seconds("epoch_seconds", c.epoch_seconds, MIN_EPOCH_SECONDS)?;
    let oracles = validate_members(api, "oracles", &c.oracles)?;
    let auditors = validate_members(api, "auditors", &c.auditors)?;
    let oracle_count = oracles.len() as u32;
    if c.oracle_quorum == 0 || c.oracle_quorum > oracle_count {
        return Err(ContractError::QuorumOutOfRange {
            quorum: c.oracle_quorum,
            oracles: oracle_count,
        });
    }
    Ok(Config {
        reward_denoms: c.reward_denoms,
        genesis_time: c.genesis_time,
        epoch_seconds: c.epoch_seconds,
        report_window_seconds: c.report_window_seconds,
        dispute_window_seconds: c.dispute_window_seconds,
        oracles,
        oracle_quorum: c.oracle_quorum,
        auditors,
        escrow: c.escrow.map(|a| api.addr_validate(&a)).transpose()?,
    })
}

pub fn instantiate(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let config = validate(
        deps.api,
        UncheckedConfig {
            reward_denoms: msg.reward_denoms,
            genesis_time: msg.genesis_time.unwrap_or(env.block.time),
            epoch_seconds: msg.epoch_seconds,
            report_window_seconds: msg.report_window_seconds,
            dispute_window_seconds: msg.dispute_window_seconds,
            oracles: msg.oracles,
            oracle_quorum: msg.oracle_quorum,
            auditors: msg.auditors,
            escrow: msg.escrow,
        },
    )?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let governance = spice_governance::initialize(deps.branch(), &owner, msg.guardian.as_deref())?;
    CONFIG.save(deps.storage, &config)?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "instantiate")
            .add_attributes(governance)
            .add_attribute("genesis_time", config.genesis_time.seconds().to_string())
            .add_attribute("epoch_seconds", config.epoch_seconds.to_string())
            .add_attribute("oracle_quorum", config.oracle_quorum.to_string()),
    ))
}

pub fn update(
    deps: DepsMut,
    info: MessageInfo,
    update: ConfigUpdate,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    let current = CONFIG.load(deps.storage)?;
    let to_strings = |list: Vec<Addr>| list.into_iter().map(Addr::into_string).collect();
    let config = validate(
        deps.api,
        UncheckedConfig {
            reward_denoms: update.reward_denoms.unwrap_or(current.reward_denoms),
            genesis_time: current.genesis_time,
            epoch_seconds: current.epoch_seconds,
            report_window_seconds: update
                .report_window_seconds
                .unwrap_or(current.report_window_seconds),
            dispute_window_seconds: update
                .dispute_window_seconds
                .unwrap_or(current.dispute_window_seconds),
            oracles: update
                .oracles
                .unwrap_or_else(|| to_strings(current.oracles)),
            oracle_quorum: update.oracle_quorum.unwrap_or(current.oracle_quorum),
            auditors: update
                .auditors
                .unwrap_or_else(|| to_strings(current.auditors)),
            escrow: update
                .escrow
                .or_else(|| current.escrow.map(Addr::into_string)),
        },
    )?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "update_config")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("oracles", config.oracles.len().to_string())
            .add_attribute("oracle_quorum", config.oracle_quorum.to_string()),
    ))
}

pub fn migrate(deps: DepsMut, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let from = spice_governance::ensure_migratable(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "migrate")
            .add_attribute("from_version", from)
            .add_attribute("to_version", CONTRACT_VERSION),
    ))
}
