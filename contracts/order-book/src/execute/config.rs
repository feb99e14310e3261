use cosmwasm_std::{Addr, Api, Coin, DepsMut, Env, MessageInfo, Response};
use spice_types::{spice_event, validate_bps, validate_denom, validate_denoms};

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION, TAG};
use crate::error::ContractError;
use crate::msg::{ConfigUpdate, InstantiateMsg, MigrateMsg};
use crate::state::{default_max_open_offers, Config, CONFIG};

pub const MAX_OPEN_ORDERS_PER_TENANT: u32 = 100;
pub const MAX_OPEN_OFFERS_PER_PROVIDER: u32 = 100;
/// The keeper's share of a fill's deposit is at most 1%.
pub const MAX_KEEPER_BOUNTY_BPS: u16 = 100;

/// Config as it arrives in a message, before its addresses and bounds are checked.
struct UncheckedConfig {
    escrow: String,
    accepted_denoms: Vec<String>,
    min_runway_blocks: u64,
    max_open_orders_per_tenant: u32,
    provider_registry: Option<String>,
    keeper_bounty_bps: u16,
    max_open_offers_per_provider: u32,
    offer_deposit: Option<Coin>,
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
    validate_bps(
        "keeper_bounty_bps",
        c.keeper_bounty_bps,
        MAX_KEEPER_BOUNTY_BPS,
    )?;
    if c.max_open_offers_per_provider == 0
        || c.max_open_offers_per_provider > MAX_OPEN_OFFERS_PER_PROVIDER
    {
        return Err(ContractError::OpenOfferCapOutOfRange {
            value: c.max_open_offers_per_provider,
            max: MAX_OPEN_OFFERS_PER_PROVIDER,
        });
    }
    // A zero deposit is no deposit; any other must be a valid denom.
    let offer_deposit = c.offer_deposit.filter(|d| !d.amount.is_zero());
    if let Some(d) = &offer_deposit {
        validate_denom(&d.denom)?;
    }
    // Without a registry anyone may post offers; a deposit is then what makes each one cost.
    if offer_deposit.is_none() && c.provider_registry.is_none() {
        return Err(ContractError::OfferDepositRequired);
    }
    Ok(Config {
        offer_deposit,
        keeper_bounty_bps: c.keeper_bounty_bps,
        max_open_offers_per_provider: c.max_open_offers_per_provider,
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
            keeper_bounty_bps: msg.keeper_bounty_bps.unwrap_or_default(),
            max_open_offers_per_provider: msg
                .max_open_offers_per_provider
                .unwrap_or_else(default_max_open_offers),
            offer_deposit: msg.offer_deposit,
        },
    )?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let governance = spice_governance::initialize(deps.branch(), &owner, msg.guardian.as_deref())?;
    CONFIG.save(deps.storage, &config)?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "instantiate")
            .add_attributes(governance)
            .add_attribute("escrow", config.escrow.as_str())
            .add_attribute("offer_deposit", deposit_attr(&config.offer_deposit)),
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
            keeper_bounty_bps: update
                .keeper_bounty_bps
                .unwrap_or(current.keeper_bounty_bps),
            max_open_offers_per_provider: update
                .max_open_offers_per_provider
                .unwrap_or(current.max_open_offers_per_provider),
            offer_deposit: update.offer_deposit.or(current.offer_deposit),
        },
    )?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "update_config")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("escrow", config.escrow.as_str())
            .add_attribute("offer_deposit", deposit_attr(&config.offer_deposit)),
    ))
}

fn deposit_attr(deposit: &Option<Coin>) -> String {
    deposit
        .as_ref()
        .map_or_else(|| "none".to_string(), Coin::to_string)
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
