use cosmwasm_std::{Api, DepsMut, Env, MessageInfo, Response, Uint128};
use spice_types::{spice_event, validate_bps, validate_denoms, BPS_DENOMINATOR};

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION, TAG};
use crate::error::ContractError;
use crate::msg::{ConfigUpdate, InstantiateMsg, MigrateMsg};
use crate::state::{
    default_bond_slash_bps, default_max_backups, default_min_sponsor_deposit, Config, CONFIG,
    NEXT_LEASE_ID,
};

pub const MAX_TAKE_FEE_BPS: u16 = 1_000;
pub const MAX_KEEPER_BOUNTY_BPS: u16 = 500;
/// Hard cap on `max_backups`: a rollover pops the front of the list and every settlement reads
/// the lease, so the list stays small (10 × ~80 bytes) to keep each touch O(1) in gas.
pub const MAX_BACKUPS: u32 = 10;
/// Monitors are checked by a linear scan of the config, so their number is capped.
pub const MAX_MONITORS: usize = 20;

/// Config as it arrives in a message, before its addresses and bounds are checked.
struct UncheckedConfig {
    accepted_denoms: Vec<String>,
    take_fee_bps: u16,
    fee_collector: String,
    grace_period_blocks: u64,
    heartbeat_timeout_blocks: u64,
    order_book: Option<String>,
    keeper_bounty_bps: u16,
    incentives: Option<String>,
    monitors: Vec<String>,
    max_backups: u32,
    bond_slash_bps: u16,
    min_sponsor_deposit: Uint128,
}

/// The one validation both instantiate and `update_config` go through.
fn validate(api: &dyn Api, c: UncheckedConfig) -> Result<Config, ContractError> {
    validate_denoms("accepted_denoms", &c.accepted_denoms)?;
    validate_bps("take_fee_bps", c.take_fee_bps, MAX_TAKE_FEE_BPS)?;
    validate_bps(
        "keeper_bounty_bps",
        c.keeper_bounty_bps,
        MAX_KEEPER_BOUNTY_BPS,
    )?;
    validate_bps("bond_slash_bps", c.bond_slash_bps, BPS_DENOMINATOR)?;
    if c.heartbeat_timeout_blocks == 0 {
        return Err(ContractError::ZeroHeartbeatTimeout);
    }
    if c.max_backups > MAX_BACKUPS {
        return Err(ContractError::TooManyBackupsAllowed {
            value: c.max_backups,
            max: MAX_BACKUPS,
        });
    }
    if c.monitors.len() > MAX_MONITORS {
        return Err(ContractError::TooManyMonitors {
            count: c.monitors.len(),
            max: MAX_MONITORS,
        });
    }
    let mut monitors = Vec::with_capacity(c.monitors.len());
    for m in &c.monitors {
        let m = api.addr_validate(m)?;
        if monitors.contains(&m) {
            return Err(ContractError::DuplicateMonitor {
                monitor: m.into_string(),
            });
        }
        monitors.push(m);
    }
    Ok(Config {
        accepted_denoms: c.accepted_denoms,
        take_fee_bps: c.take_fee_bps,
        fee_collector: api.addr_validate(&c.fee_collector)?,
        grace_period_blocks: c.grace_period_blocks,
        heartbeat_timeout_blocks: c.heartbeat_timeout_blocks,
        order_book: c.order_book.map(|a| api.addr_validate(&a)).transpose()?,
        keeper_bounty_bps: c.keeper_bounty_bps,
        incentives: c.incentives.map(|a| api.addr_validate(&a)).transpose()?,
        monitors,
        max_backups: c.max_backups,
        bond_slash_bps: c.bond_slash_bps,
        min_sponsor_deposit: c.min_sponsor_deposit,
    })
}

pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let config = validate(
        deps.api,
        UncheckedConfig {
            accepted_denoms: msg.accepted_denoms,
            take_fee_bps: msg.take_fee_bps,
            fee_collector: msg.fee_collector,
            grace_period_blocks: msg.grace_period_blocks,
            heartbeat_timeout_blocks: msg.heartbeat_timeout_blocks,
            order_book: msg.order_book,
            keeper_bounty_bps: msg.keeper_bounty_bps,
            incentives: msg.incentives,
            monitors: msg.monitors.unwrap_or_default(),
            max_backups: msg.max_backups.unwrap_or_else(default_max_backups),
            bond_slash_bps: msg.bond_slash_bps.unwrap_or_else(default_bond_slash_bps),
            min_sponsor_deposit: msg
                .min_sponsor_deposit
                .unwrap_or_else(default_min_sponsor_deposit),
        },
    )?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let governance = spice_governance::initialize(deps.branch(), &owner, msg.guardian.as_deref())?;
    CONFIG.save(deps.storage, &config)?;
    NEXT_LEASE_ID.save(deps.storage, &1)?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "instantiate")
            .add_attributes(governance)
            .add_attribute("fee_collector", config.fee_collector.as_str())
            .add_attribute("take_fee_bps", config.take_fee_bps.to_string()),
    ))
}

pub fn update(
    deps: DepsMut,
    info: MessageInfo,
    update: ConfigUpdate,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    let current = CONFIG.load(deps.storage)?;
    let config = validate(
        deps.api,
        UncheckedConfig {
            accepted_denoms: update.accepted_denoms.unwrap_or(current.accepted_denoms),
            take_fee_bps: update.take_fee_bps.unwrap_or(current.take_fee_bps),
            fee_collector: update
                .fee_collector
                .unwrap_or_else(|| current.fee_collector.into_string()),
            grace_period_blocks: update
                .grace_period_blocks
                .unwrap_or(current.grace_period_blocks),
            heartbeat_timeout_blocks: update
                .heartbeat_timeout_blocks
                .unwrap_or(current.heartbeat_timeout_blocks),
            order_book: update
                .order_book
                .or_else(|| current.order_book.map(|a| a.into_string())),
            keeper_bounty_bps: update
                .keeper_bounty_bps
                .unwrap_or(current.keeper_bounty_bps),
            incentives: update
                .incentives
                .or_else(|| current.incentives.map(|a| a.into_string())),
            monitors: update.monitors.unwrap_or_else(|| {
                current
                    .monitors
                    .into_iter()
                    .map(|a| a.into_string())
                    .collect()
            }),
            max_backups: update.max_backups.unwrap_or(current.max_backups),
            bond_slash_bps: update.bond_slash_bps.unwrap_or(current.bond_slash_bps),
            min_sponsor_deposit: update
                .min_sponsor_deposit
                .unwrap_or(current.min_sponsor_deposit),
        },
    )?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "update_config")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("fee_collector", config.fee_collector.as_str())
            .add_attribute("take_fee_bps", config.take_fee_bps.to_string()),
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

/// Owner only. Remembers the pause that ends, so out-of-funds leases' grace clocks skip it.
pub fn unpause(mut deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    let now = env.block.height;
    let paused_at = spice_governance::pause_info(deps.storage)?.last_changed_height;
    let res = spice_governance::unpause(TAG, deps.branch(), &env, &info)?;
    crate::execute::health::record_pause_span(deps.storage, paused_at.unwrap_or(now), now)?;
    Ok(res.add_attribute(
        "paused_blocks",
        now.saturating_sub(paused_at.unwrap_or(now)).to_string(),
    ))
}
