use cosmwasm_std::{Api, Decimal, DepsMut, Env, MessageInfo, Response, Uint128};
use spice_types::{
    spice_event, validate_bps, validate_denom, validate_fraction, validate_min_seconds,
};

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION, TAG};
use crate::error::ContractError;
use crate::msg::{ConfigUpdate, InstantiateMsg, MigrateMsg};
use crate::state::{Config, Totals, CONFIG, HISTORY_SEQ, TOTALS};

pub const MIN_EPOCH_SECONDS: u64 = 600;
pub const MAX_SLIPPAGE_PERCENT: u64 = 10;
pub const MAX_KEEPER_BOUNTY_BPS: u16 = 500;
/// Hops a route may cross when the config names none.
pub const DEFAULT_MAX_HOPS: u32 = 3;
/// Hard bound on `max_hops`: every per-hop loop (two queries per hop) stays this short.
pub const MAX_HOPS_LIMIT: u32 = 5;

/// Config as it arrives in a message, before its addresses and bounds are checked.
struct UncheckedConfig {
    spice_token: String,
    spice_denom: String,
    twap_window_seconds: u64,
    max_slippage: Decimal,
    max_spot_deviation: Decimal,
    keeper_bounty_bps: u16,
    cooldown_seconds: u64,
    per_call_cap: Uint128,
    epoch_cap: Uint128,
    epoch_seconds: u64,
    max_hops: u32,
    min_swap: Uint128,
}

/// `min_swap` at instantiate (and for a config stored before it existed): 1% of the per-call
/// cap, rounded up, so a forced minimum swap blocks the next keeper for 1% of the cooldown.
pub fn default_min_swap(per_call_cap: Uint128) -> Uint128 {
    // per_call_cap ≤ Uint128::MAX, so adding 99 before dividing cannot overflow in u256 terms;
    // done as ⌈x / 100⌉ = x / 100 + (x % 100 != 0).
    let floor = per_call_cap / Uint128::new(100);
    if (per_call_cap % Uint128::new(100)).is_zero() {
        floor
    } else {
        floor + Uint128::one()
    }
}

/// The one validation both instantiate and `update_config` go through.
fn validate(api: &dyn Api, c: UncheckedConfig) -> Result<Config, ContractError> {
    validate_denom(&c.spice_denom)?;
    // 10 minutes to 47 hours: Osmosis keeps 48 hours of TWAP history.
    spice_osmosis::validate_twap_window("twap_window_seconds", c.twap_window_seconds)?;
    validate_min_seconds("epoch_seconds", c.epoch_seconds, MIN_EPOCH_SECONDS)?;
    let max = Decimal::percent(MAX_SLIPPAGE_PERCENT);
    validate_fraction("max_slippage", c.max_slippage, max)?;
    validate_fraction("max_spot_deviation", c.max_spot_deviation, max)?;
    validate_bps(
        "keeper_bounty_bps",
        c.keeper_bounty_bps,
        MAX_KEEPER_BOUNTY_BPS,
    )?;
    if c.per_call_cap.is_zero() {
        return Err(ContractError::ZeroPerCallCap);
    }
    if c.epoch_cap < c.per_call_cap {
        return Err(ContractError::EpochCapBelowPerCallCap {
            epoch_cap: c.epoch_cap,
            per_call_cap: c.per_call_cap,
        });
    }
    if c.min_swap.is_zero() {
        return Err(ContractError::ZeroMinSwap);
    }
    if c.min_swap > c.per_call_cap {
        return Err(ContractError::MinSwapAbovePerCallCap {
            min_swap: c.min_swap,
            per_call_cap: c.per_call_cap,
        });
    }
    if c.max_hops == 0 || c.max_hops > MAX_HOPS_LIMIT {
        return Err(ContractError::InvalidMaxHops {
            value: c.max_hops,
            max: MAX_HOPS_LIMIT,
        });
    }
    Ok(Config {
        spice_token: api.addr_validate(&c.spice_token)?,
        spice_denom: c.spice_denom,
        twap_window_seconds: c.twap_window_seconds,
        max_slippage: c.max_slippage,
        max_spot_deviation: c.max_spot_deviation,
        keeper_bounty_bps: c.keeper_bounty_bps,
        cooldown_seconds: c.cooldown_seconds,
        per_call_cap: c.per_call_cap,
        epoch_cap: c.epoch_cap,
        epoch_seconds: c.epoch_seconds,
        max_hops: c.max_hops,
        min_swap: c.min_swap,
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
            spice_token: msg.spice_token,
            spice_denom: msg.spice_denom,
            twap_window_seconds: msg.twap_window_seconds,
            max_slippage: msg.max_slippage,
            max_spot_deviation: msg.max_spot_deviation,
            keeper_bounty_bps: msg.keeper_bounty_bps,
            cooldown_seconds: msg.cooldown_seconds,
            per_call_cap: msg.per_call_cap,
            epoch_cap: msg.epoch_cap,
            epoch_seconds: msg.epoch_seconds,
            // Not an instantiate field: spice-suite builds this message as a Rust literal.
            max_hops: DEFAULT_MAX_HOPS,
            min_swap: msg
                .min_swap
                .unwrap_or_else(|| default_min_swap(msg.per_call_cap)),
        },
    )?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let governance = spice_governance::initialize(deps.branch(), &owner, msg.guardian.as_deref())?;
    CONFIG.save(deps.storage, &config)?;
    TOTALS.save(deps.storage, &Totals::default())?;
    HISTORY_SEQ.save(deps.storage, &0)?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "instantiate")
            .add_attributes(governance)
            .add_attribute("spice_token", config.spice_token.as_str())
            .add_attribute("spice_denom", &config.spice_denom),
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
            spice_token: update
                .spice_token
                .unwrap_or_else(|| current.spice_token.into_string()),
            spice_denom: update.spice_denom.unwrap_or(current.spice_denom),
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
            cooldown_seconds: update.cooldown_seconds.unwrap_or(current.cooldown_seconds),
            per_call_cap: update.per_call_cap.unwrap_or(current.per_call_cap),
            epoch_cap: update.epoch_cap.unwrap_or(current.epoch_cap),
            epoch_seconds: update.epoch_seconds.unwrap_or(current.epoch_seconds),
            max_hops: update.max_hops.unwrap_or(current.max_hops),
            min_swap: update.min_swap.unwrap_or(current.min_swap),
        },
    )?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "update_config")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("spice_token", config.spice_token.as_str())
            .add_attribute("spice_denom", &config.spice_denom)
            .add_attribute(
                "twap_window_seconds",
                config.twap_window_seconds.to_string(),
            )
            .add_attribute("max_slippage", config.max_slippage.to_string())
            .add_attribute("max_spot_deviation", config.max_spot_deviation.to_string())
            .add_attribute("keeper_bounty_bps", config.keeper_bounty_bps.to_string())
            .add_attribute("cooldown_seconds", config.cooldown_seconds.to_string())
            .add_attribute("per_call_cap", config.per_call_cap)
            .add_attribute("epoch_cap", config.epoch_cap)
            .add_attribute("epoch_seconds", config.epoch_seconds.to_string())
            .add_attribute("min_swap", config.min_swap)
            .add_attribute("max_hops", config.max_hops.to_string()),
    ))
}

pub fn migrate(deps: DepsMut, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let from = spice_governance::ensure_migratable(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    // A config stored before `min_swap` existed reads 0: give it the instantiate default.
    let mut config = CONFIG.load(deps.storage)?;
    if config.min_swap.is_zero() {
        config.min_swap = default_min_swap(config.per_call_cap);
        CONFIG.save(deps.storage, &config)?;
    }
    Ok(Response::new().add_event(
        spice_event(TAG, "migrate")
            .add_attribute("from_version", from)
            .add_attribute("to_version", CONTRACT_VERSION)
            .add_attribute("min_swap", config.min_swap),
    ))
}
