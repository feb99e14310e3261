use cosmwasm_std::{Addr, Api, DepsMut, Env, MessageInfo, Response};
use spice_types::{spice_event, validate_denoms};

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION, TAG};
use crate::error::ContractError;
use crate::msg::{ConfigUpdate, InstantiateMsg, MigrateMsg};
use crate::state::{Config, CONFIG};

pub const MAX_OPEN_ORDERS_PER_TENANT: u32 = 100;

/// Config as it arrives in a message, before its addresses and bounds are checked.
struct UncheckedConfig {
    escrow: String,
    accepted_denoms: Vec<String>,
    min_runway_blocks: u64,
    max_open_orders_per_tenant: u32,
    provider_registry: Option<String>,
}

/// The one validation both instantiate and `update_config` go through.
fn validate(api: &dyn Api, c: UncheckedConfig) -> Result<Config, ContractError> {
    validate_denoms("accepted_denoms", &c.accepted_denoms)?;
    if c.min_runway_blocks == 0 {
        return Err(ContractError::ZeroRunway);
    }
    if c.max_open_orders_per_tenant == 0
        || c.max_open_orders_per_tenant > MAX_OPEN_ORDERS_PER_TENANT
    {
        return Err(ContractError::OpenOrderCapOutOfRange {
            value: c.max_open_orders_per_tenant,
            max: MAX_OPEN_ORDERS_PER_TENANT,
        });
    }
    Ok(Config {
        escrow: api.addr_validate(&c.escrow)?,
        accepted_denoms: c.accepted_denoms,
        min_runway_blocks: c.min_runway_blocks,
        max_open_orders_per_tenant: c.max_open_orders_per_tenant,
        provider_registry: c
            .provider_registry
            .map(|a| api.addr_validate(&a))
            .transpose()?,
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
            escrow: msg.escrow,
            accepted_denoms: msg.accepted_denoms,
            min_runway_blocks: msg.min_runway_blocks,
            max_open_orders_per_tenant: msg.max_open_orders_per_tenant,
            provider_registry: msg.provider_registry,
        },
    )?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let governance = spice_governance::initialize(deps.branch(), &owner, msg.guardian.as_deref())?;
    CONFIG.save(deps.storage, &config)?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "instantiate")
            .add_attributes(governance)
            .add_attribute("escrow", config.escrow.as_str()),
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
            escrow: update
                .escrow
                .unwrap_or_else(|| current.escrow.into_string()),
            accepted_denoms: update.accepted_denoms.unwrap_or(current.accepted_denoms),
            min_runway_blocks: update
                .min_runway_blocks
                .unwrap_or(current.min_runway_blocks),
            max_open_orders_per_tenant: update
                .max_open_orders_per_tenant
                .unwrap_or(current.max_open_orders_per_tenant),
            provider_registry: update
                .provider_registry
                .or_else(|| current.provider_registry.map(Addr::into_string)),
        },
    )?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "update_config")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("escrow", config.escrow.as_str()),
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
