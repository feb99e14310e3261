use cosmwasm_std::{Decimal, Deps, DepsMut, Env, MessageInfo, Response, Uint128};
use spice_types::{
    spice_event, validate_bps, validate_denom, validate_fraction, validate_min_seconds,
};

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION, TAG};
use crate::error::ContractError;
use crate::msg::{ConfigUpdate, InstantiateMsg, MigrateMsg, StrategyMsg};
use crate::state::{Books, Config, OperatorStrategy, Strategy, BOOKS, CONFIG};

pub const MAX_SLIPPAGE_PERCENT: u64 = 10;
pub const MAX_KEEPER_BOUNTY_BPS: u16 = 500;
/// 10,000 AKT-sized units (6 decimals) per call unless configured.
pub const DEFAULT_PER_CONVERT_CAP: u128 = 10_000_000_000;
/// One unit of a 6-decimal token: the least a `convert` swaps unless configured.
pub const DEFAULT_MIN_CONVERT_AMOUNT: u128 = 1_000_000;
/// A conversion epoch is a day unless configured.
pub const DEFAULT_CONVERT_EPOCH_SECONDS: u64 = 86_400;
/// Ten default-sized conversions per denom and epoch unless configured.
pub const DEFAULT_CONVERT_EPOCH_CAP: u128 = 100_000_000_000;
/// `book_loss` may write off 10% of the exposure a day unless configured.
pub const DEFAULT_MAX_DAILY_LOSS_PERCENT: u64 = 10;
/// A cooldown shorter than this lets a keeper swap (and sandwich) nearly every block.
pub const MIN_CONVERT_COOLDOWN_SECONDS: u64 = 600;
/// An epoch spans at least an hour.
pub const MIN_CONVERT_EPOCH_SECONDS: u64 = 3_600;
/// Akash's unbonding time.
pub const DEFAULT_UNBONDING_PERIOD_SECONDS: u64 = 21 * 86_400;
/// Bounds that keep every loop over validators, routes and positions small.
pub const MAX_VALIDATORS: usize = 10;
pub const MAX_HOPS: usize = 4;
pub const MAX_ROUTES: usize = 20;
pub const MAX_LP_POSITIONS: usize = 50;
pub const MAX_UNBONDINGS: usize = 20;
/// A reward bound above 100% a year is no bound.
pub const MAX_OPERATOR_APR_PERCENT: u64 = 100;
pub const MIN_TRANSFER_TIMEOUT_SECONDS: u64 = 60;
pub const MAX_TRANSFER_TIMEOUT_SECONDS: u64 = 7 * 86_400;

/// Config as it arrives in a message, before its addresses and bounds are checked.
struct UncheckedConfig {
    akt_denom: String,
    revenue_recipient: String,
    twap_window_seconds: u64,
    max_slippage: Decimal,
    max_spot_deviation: Decimal,
    keeper_bounty_bps: u16,
    convert_cooldown_seconds: u64,
    per_convert_cap: Uint128,
    unbonding_period_seconds: u64,
    strategy: Option<StrategyMsg>,
    min_convert_amount: Uint128,
    convert_epoch_seconds: u64,
    convert_epoch_cap: Uint128,
    max_daily_loss: Decimal,
}

fn operator_err(field: &str, value: impl ToString, reason: &str) -> ContractError {
    ContractError::InvalidOperatorStrategy {
        field: field.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

/// A strategy's checks: 1 to 10 distinct validators the staking module knows, with positive
/// weights; or an operator with a valid address, a `channel-N`, an `akash1…` delegation
/// address, a positive daily outflow cap, an APR bound in (0, 100%] and a sane timeout.
pub fn validate_strategy(deps: Deps, msg: StrategyMsg) -> Result<Strategy, ContractError> {
    match msg {
        StrategyMsg::Native { validators } => {
            if validators.is_empty() || validators.len() > MAX_VALIDATORS {
                return Err(ContractError::ValidatorCount {
                    count: validators.len(),
                    max: MAX_VALIDATORS,
                });
            }
            for (i, v) in validators.iter().enumerate() {
                let invalid = |reason: &str| ContractError::InvalidValidator {
                    validator: v.address.clone(),
                    reason: reason.to_string(),
                };
                if v.weight == 0 {
                    return Err(invalid("weight must be at least 1"));
                }
                if validators[..i].iter().any(|o| o.address == v.address) {
                    return Err(invalid("listed twice"));
                }
                if !crate::chain::validator_exists(&deps.querier, &v.address)? {
                    return Err(invalid("the staking module does not know it"));
                }
            }
            Ok(Strategy::Native { validators })
        }
        StrategyMsg::Operator {
            operator,
            channel,
            delegation_address,
            max_daily_outflow,
            max_apr,
            transfer_timeout_seconds,
        } => {
            let operator = deps.api.addr_validate(&operator)?;
            let digits = channel.strip_prefix("channel-").unwrap_or_default();
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(operator_err(
                    "channel",
                    &channel,
                    "must be channel-<number>",
                ));
            }
            let body = delegation_address
                .strip_prefix("akash1")
                .unwrap_or_default();
            if body.len() < 38
                || body.len() > 58
                || !body
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            {
                return Err(operator_err(
                    "delegation_address",
                    &delegation_address,
                    "must be an akash1… bech32 account",
                ));
            }
            if max_daily_outflow.is_zero() {
                return Err(operator_err(
                    "max_daily_outflow",
                    max_daily_outflow,
                    "must be above zero",
                ));
            }
            if max_apr.is_zero() || max_apr > Decimal::percent(MAX_OPERATOR_APR_PERCENT) {
                return Err(operator_err(
                    "max_apr",
                    max_apr,
                    "must be above 0 and at most 1",
                ));
            }
            if !(MIN_TRANSFER_TIMEOUT_SECONDS..=MAX_TRANSFER_TIMEOUT_SECONDS)
                .contains(&transfer_timeout_seconds)
            {
                return Err(operator_err(
                    "transfer_timeout_seconds",
                    transfer_timeout_seconds,
                    "must be 60 seconds to 7 days",
                ));
            }
            Ok(Strategy::Operator(OperatorStrategy {
                operator,
                channel,
                delegation_address,
                max_daily_outflow,
                max_apr,
                transfer_timeout_seconds,
            }))
        }
    }
}

/// The strategy as a message again (for updates that keep it).
pub fn strategy_msg(strategy: &Strategy) -> StrategyMsg {
    match strategy {
        Strategy::Native { validators } => StrategyMsg::Native {
            validators: validators.clone(),
        },
        Strategy::Operator(op) => StrategyMsg::Operator {
            operator: op.operator.to_string(),
            channel: op.channel.clone(),
            delegation_address: op.delegation_address.clone(),
            max_daily_outflow: op.max_daily_outflow,
            max_apr: op.max_apr,
            transfer_timeout_seconds: op.transfer_timeout_seconds,
        },
    }
}

/// The one validation both instantiate and `update_config` go through.
fn validate(deps: Deps, c: UncheckedConfig) -> Result<Config, ContractError> {
    let api = deps.api;
    validate_denom(&c.akt_denom)?;
    // 10 minutes to 47 hours (Osmosis keeps 48 hours of TWAP history), shared with buyback-burn.
    spice_osmosis::validate_twap_window("twap_window_seconds", c.twap_window_seconds)?;
    let max = Decimal::percent(MAX_SLIPPAGE_PERCENT);
    validate_fraction("max_slippage", c.max_slippage, max)?;
    validate_fraction("max_spot_deviation", c.max_spot_deviation, max)?;
    validate_bps(
        "keeper_bounty_bps",
        c.keeper_bounty_bps,
        MAX_KEEPER_BOUNTY_BPS,
    )?;
    if c.per_convert_cap.is_zero() {
        return Err(ContractError::ZeroPerConvertCap);
    }
    validate_min_seconds(
        "convert_cooldown_seconds",
        c.convert_cooldown_seconds,
        MIN_CONVERT_COOLDOWN_SECONDS,
    )?;
    validate_min_seconds(
        "convert_epoch_seconds",
        c.convert_epoch_seconds,
        MIN_CONVERT_EPOCH_SECONDS,
    )?;
    // 0 < min ≤ per-call cap ≤ epoch cap: every bound can be met by one call.
    if c.min_convert_amount.is_zero() || c.min_convert_amount > c.per_convert_cap {
        return Err(ContractError::InvalidConvertBounds {
            min_convert_amount: c.min_convert_amount,
            per_convert_cap: c.per_convert_cap,
            convert_epoch_cap: c.convert_epoch_cap,
        });
    }
    if c.convert_epoch_cap < c.per_convert_cap {
        return Err(ContractError::InvalidConvertBounds {
            min_convert_amount: c.min_convert_amount,
            per_convert_cap: c.per_convert_cap,
            convert_epoch_cap: c.convert_epoch_cap,
        });
    }
    if c.max_daily_loss.is_zero() {
        return Err(ContractError::ZeroMaxDailyLoss);
    }
    validate_fraction("max_daily_loss", c.max_daily_loss, Decimal::one())?;
    validate_min_seconds("unbonding_period_seconds", c.unbonding_period_seconds, 1)?;
    let strategy = c.strategy.map(|s| validate_strategy(deps, s)).transpose()?;
    Ok(Config {
        akt_denom: c.akt_denom,
        revenue_recipient: api.addr_validate(&c.revenue_recipient)?,
        twap_window_seconds: c.twap_window_seconds,
        max_slippage: c.max_slippage,
        max_spot_deviation: c.max_spot_deviation,
        keeper_bounty_bps: c.keeper_bounty_bps,
        convert_cooldown_seconds: c.convert_cooldown_seconds,
        per_convert_cap: c.per_convert_cap,
        unbonding_period_seconds: c.unbonding_period_seconds,
        strategy,
        min_convert_amount: c.min_convert_amount,
        convert_epoch_seconds: c.convert_epoch_seconds,
        convert_epoch_cap: c.convert_epoch_cap,
        max_daily_loss: c.max_daily_loss,
    })
}

pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let config = validate(
        deps.as_ref(),
        UncheckedConfig {
            akt_denom: msg.akt_denom,
            revenue_recipient: msg.revenue_recipient,
            twap_window_seconds: msg.twap_window_seconds,
            max_slippage: msg.max_slippage,
            max_spot_deviation: msg.max_spot_deviation,
            keeper_bounty_bps: msg.keeper_bounty_bps,
            convert_cooldown_seconds: msg.convert_cooldown_seconds,
            per_convert_cap: msg
                .per_convert_cap
                .unwrap_or(Uint128::new(DEFAULT_PER_CONVERT_CAP)),
            unbonding_period_seconds: msg
                .unbonding_period_seconds
                .unwrap_or(DEFAULT_UNBONDING_PERIOD_SECONDS),
            strategy: msg.strategy,
            min_convert_amount: msg
                .min_convert_amount
                .unwrap_or(Uint128::new(DEFAULT_MIN_CONVERT_AMOUNT)),
            convert_epoch_seconds: msg
                .convert_epoch_seconds
                .unwrap_or(DEFAULT_CONVERT_EPOCH_SECONDS),
            convert_epoch_cap: msg
                .convert_epoch_cap
                .unwrap_or(Uint128::new(DEFAULT_CONVERT_EPOCH_CAP)),
            max_daily_loss: msg
                .max_daily_loss
                .unwrap_or(Decimal::percent(DEFAULT_MAX_DAILY_LOSS_PERCENT)),
        },
    )?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let governance = spice_governance::initialize(deps.branch(), &owner, msg.guardian.as_deref())?;
    CONFIG.save(deps.storage, &config)?;
    crate::state::BOOKS.save(
        deps.storage,
        &crate::state::Books {
            checkpoint_at: _env.block.time.seconds(),
            ..Default::default()
        },
    )?;
    crate::state::ACTIVITY.save(deps.storage, &crate::state::Activity::default())?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "instantiate")
            .add_attributes(governance)
            .add_attribute("akt_denom", &config.akt_denom)
            .add_attribute("revenue_recipient", config.revenue_recipient.as_str())
            .add_attribute(
                "strategy",
                config.strategy.as_ref().map_or("none", Strategy::kind),
            ),
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
        deps.as_ref(),
        UncheckedConfig {
            akt_denom: update.akt_denom.unwrap_or(current.akt_denom.clone()),
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
            per_convert_cap: update.per_convert_cap.unwrap_or(current.per_convert_cap),
            unbonding_period_seconds: update
                .unbonding_period_seconds
                .unwrap_or(current.unbonding_period_seconds),
            // The strategy changes only through `set_strategy`, which checks what is in flight.
            strategy: current.strategy.as_ref().map(strategy_msg),
            min_convert_amount: update
                .min_convert_amount
                .unwrap_or(current.min_convert_amount),
            convert_epoch_seconds: update
                .convert_epoch_seconds
                .unwrap_or(current.convert_epoch_seconds),
            convert_epoch_cap: update
                .convert_epoch_cap
                .unwrap_or(current.convert_epoch_cap),
            max_daily_loss: update.max_daily_loss.unwrap_or(current.max_daily_loss),
        },
    )?;
    if config.akt_denom != current.akt_denom {
        // The books count AKT in the old denom: a new denom would orphan every bucket.
        let held = denom_held(&BOOKS.load(deps.storage)?)?;
        if !held.is_zero() {
            return Err(ContractError::AktDenomInUse {
                akt_denom: current.akt_denom,
                held,
            });
        }
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "update_config")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("akt_denom", &config.akt_denom)
            .add_attribute("revenue_recipient", config.revenue_recipient.as_str())
            .add_attribute(
                "convert_cooldown_seconds",
                config.convert_cooldown_seconds.to_string(),
            )
            .add_attribute("min_convert_amount", config.min_convert_amount)
            .add_attribute(
                "convert_epoch_seconds",
                config.convert_epoch_seconds.to_string(),
            )
            .add_attribute("convert_epoch_cap", config.convert_epoch_cap)
            .add_attribute("max_daily_loss", config.max_daily_loss.to_string()),
    ))
}

/// What the books still hold of the staking denom: at home, away (staked, unbonding, in
/// flight), arrived and unconfirmed, asked back, or revenue not yet harvested. While it is not
/// zero the staking denom is frozen (`update_config { akt_denom }`, `set_fallback
/// osmo_staking`).
pub fn denom_held(b: &Books) -> Result<Uint128, ContractError> {
    Ok([
        b.pending,
        b.transferring,
        b.at_operator,
        b.staked,
        b.unbonding,
        b.returned,
        b.revenue_pending,
        b.returns_arrived,
        b.rewards_arrived,
        b.unbond_requested,
    ]
    .iter()
    .try_fold(Uint128::zero(), |acc, x| acc.checked_add(*x))?)
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
