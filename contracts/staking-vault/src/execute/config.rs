use cosmwasm_std::{Api, Decimal, DepsMut, Env, MessageInfo, Response};
use spice_types::{
    spice_event, validate_bps, validate_denom, validate_fraction, validate_min_seconds,
};

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION, TAG};
use crate::error::ContractError;
use crate::msg::{ConfigUpdate, InstantiateMsg, MigrateMsg};
use crate::state::{Config, CONFIG};

/// Osmosis keeps 48 h of TWAP history; a window under 10 minutes is cheap to manipulate.
pub const MIN_TWAP_WINDOW_SECONDS: u64 = 600;
pub const MAX_SLIPPAGE_PERCENT: u64 = 10;
pub const MAX_KEEPER_BOUNTY_BPS: u16 = 500;

/// Config as it arrives in a message, before its addresses and bounds are checked.
struct UncheckedConfig {
    akt_denom: String,
    revenue_recipient: String,
    twap_window_seconds: u64,
    max_slippage: Decimal,
    max_spot_deviation: Decimal,
    keeper_bounty_bps: u16,
    convert_cooldown_seconds: u64,
}

/// The one validation both instantiate and `update_config` go through.
fn validate(api: &dyn Api, c: UncheckedConfig) -> Result<Config, ContractError> {
    validate_denom(&c.akt_denom)?;
    validate_min_seconds(
        "twap_window_seconds",
        c.twap_window_seconds,
        MIN_TWAP_WINDOW_SECONDS,
    )?;
    let max = Decimal::percent(MAX_SLIPPAGE_PERCENT);
    validate_fraction("max_slippage", c.max_slippage, max)?;
    validate_fraction("max_spot_deviation", c.max_spot_deviation, max)?;
    validate_bps(
        "keeper_bounty_bps",
        c.keeper_bounty_bps,
        MAX_KEEPER_BOUNTY_BPS,
    )?;
    Ok(Config {
        akt_denom: c.akt_denom,
        revenue_recipient: api.addr_validate(&c.revenue_recipient)?,
        twap_window_seconds: c.twap_window_seconds,
        max_slippage: c.max_slippage,
        max_spot_deviation: c.max_spot_deviation,
        keeper_bounty_bps: c.keeper_bounty_bps,
        convert_cooldown_seconds: c.convert_cooldown_seconds,
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
            akt_denom: msg.akt_denom,
            revenue_recipient: msg.revenue_recipient,
            twap_window_seconds: msg.twap_window_seconds,
            max_slippage: msg.max_slippage,
            max_spot_deviation: msg.max_spot_deviation,
            keeper_bounty_bps: msg.keeper_bounty_bps,
            convert_cooldown_seconds: msg.convert_cooldown_seconds,
        },
    )?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let governance = spice_governance::initialize(deps.branch(), &owner, msg.guardian.as_deref())?;
    CONFIG.save(deps.storage, &config)?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "instantiate")
            .add_attributes(governance)
            .add_attribute("akt_denom", &config.akt_denom)
            .add_attribute("revenue_recipient", config.revenue_recipient.as_str()),
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
            akt_denom: update.akt_denom.unwrap_or(current.akt_denom),
            revenue_recipient: update
                .revenue_recipient
                .unwrap_or_else(|| current.revenue_recipient.into_string()),
            twap_window_seconds: update
                .twap_window_seconds
                .unwrap_or(current.twap_window_seconds),
            max_slippage: update.max_slippage.unwrap_or(current.max_slippage),
            max_spot_deviation: update
                .max_spot_deviation
                .unwrap_or(current.max_spot_deviation),
            keeper_bounty_bps: update
                .keeper_bounty_bps
                .unwrap_or(current.keeper_bounty_bps),
            convert_cooldown_seconds: update
                .convert_cooldown_seconds
                .unwrap_or(current.convert_cooldown_seconds),
        },
    )?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "update_config")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("akt_denom", &config.akt_denom)
            .add_attribute("revenue_recipient", config.revenue_recipient.as_str()),
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
