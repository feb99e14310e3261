use cosmwasm_std::{
    Addr, Api, Coin, Decimal, DepsMut, Env, MessageInfo, Response, Timestamp, Uint128,
};
use spice_types::{spice_event, validate_denom, validate_denoms, validate_min_seconds};

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION, TAG};
use crate::error::ContractError;
use crate::msg::{ConfigUpdate, InstantiateMsg, MigrateMsg};
use crate::state::{
    default_dispute_deadline, uncapped, Config, ValueWeight, CONFIG, NEXT_FINALIZE,
};

pub const MIN_EPOCH_SECONDS: u64 = 3_600;
/// Every epoch keeps a budget per reward denom; the cap bounds that list.
pub const MAX_REWARD_DENOMS: u32 = 8;
pub const MAX_TIERS: u32 = 10;
/// A tier multiplies weight by at most this much.
pub const MAX_TIER_MULTIPLIER: Decimal = Decimal::raw(10_000_000_000_000_000_000);
pub const DEFAULT_MAX_REPORT_ENTRIES: u32 = 50;
/// An oracle report is processed entry by entry in one transaction; the cap bounds its gas.
pub const MAX_REPORT_ENTRIES: u32 = 100;

fn default_tier_multipliers() -> Vec<Decimal> {
    vec![Decimal::one(), Decimal::percent(150), Decimal::percent(200)]
}
/// Lease denoms that may carry a value weight (the list is scanned per settlement).
pub const MAX_VALUE_WEIGHTS: u32 = 16;
/// Weight units per base unit of a denom, at most: keeps `amount × weight` far from overflow
/// for any amount an escrow settles.
pub const MAX_VALUE_WEIGHT: Decimal = Decimal::raw(1_000_000_000_000_000_000_000_000);
pub const MIN_DISPUTE_DEADLINE_SECONDS: u64 = 3_600;
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
    tier_multipliers: Vec<Decimal>,
    bond_denom: Option<String>,
    min_bond: Uint128,
    max_report_entries: u32,
    value_weights: Vec<ValueWeight>,
    max_weight_per_provider: Uint128,
    max_weight_per_pair: Uint128,
    max_payout_per_epoch: Vec<Coin>,
    dispute_deadline_seconds: u64,
}

fn validate_value_weights(weights: &[ValueWeight]) -> Result<(), ContractError> {
    let count = u32::try_from(weights.len()).unwrap_or(u32::MAX);
    if count > MAX_VALUE_WEIGHTS {
        return Err(ContractError::TooManyValueWeights {
            count,
            max: MAX_VALUE_WEIGHTS,
        });
    }
    for (i, w) in weights.iter().enumerate() {
        validate_denom(&w.denom)?;
        if weights[..i].iter().any(|o| o.denom == w.denom) {
            return Err(ContractError::DuplicateDenom {
                field: "value_weights".into(),
                denom: w.denom.clone(),
            });
        }
        if w.weight.is_zero() || w.weight > MAX_VALUE_WEIGHT {
            return Err(ContractError::ValueWeightOutOfRange {
                denom: w.denom.clone(),
                value: w.weight,
                max: MAX_VALUE_WEIGHT,
            });
        }
    }
    Ok(())
}

fn validate_payout_caps(caps: &[Coin], reward_denoms: &[String]) -> Result<(), ContractError> {
    for (i, cap) in caps.iter().enumerate() {
        if !reward_denoms.contains(&cap.denom) {
            return Err(ContractError::PayoutCapNotRewarded {
                denom: cap.denom.clone(),
            });
        }
        if caps[..i].iter().any(|o| o.denom == cap.denom) {
            return Err(ContractError::DuplicateDenom {
                field: "max_payout_per_epoch".into(),
                denom: cap.denom.clone(),
            });
        }
        if cap.amount.is_zero() {
            return Err(ContractError::ZeroCap {
                field: format!("max_payout_per_epoch {}", cap.denom),
            });
        }
    }
    Ok(())
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
/// `previous_denoms` is the stored list on update: reward denoms may be added, never removed,
/// so no budget ever holds a denom the config does not list.
fn validate(
    api: &dyn Api,
    c: UncheckedConfig,
    previous_denoms: &[String],
) -> Result<Config, ContractError> {
    validate_denoms("reward_denoms", &c.reward_denoms)?;
    let denom_count = u32::try_from(c.reward_denoms.len()).unwrap_or(u32::MAX);
    if denom_count > MAX_REWARD_DENOMS {
        return Err(ContractError::TooManyRewardDenoms {
            count: denom_count,
            max: MAX_REWARD_DENOMS,
        });
    }
    if let Some(denom) = previous_denoms
        .iter()
        .find(|d| !c.reward_denoms.contains(d))
    {
        return Err(ContractError::RewardDenomRemoved {
            denom: denom.clone(),
        });
    }
    let tier_count = u32::try_from(c.tier_multipliers.len()).unwrap_or(u32::MAX);
    if tier_count == 0 || tier_count > MAX_TIERS {
        return Err(ContractError::TierCountOutOfRange {
            count: tier_count,
            max: MAX_TIERS,
        });
    }
    for (tier, value) in (1u32..).zip(&c.tier_multipliers) {
        if value.is_zero() || *value > MAX_TIER_MULTIPLIER {
            return Err(ContractError::TierMultiplierOutOfRange {
                tier,
                value: *value,
                max: MAX_TIER_MULTIPLIER,
            });
        }
    }
    if let Some(denom) = &c.bond_denom {
        if !c.reward_denoms.contains(denom) {
            return Err(ContractError::BondDenomNotRewarded {
                denom: denom.clone(),
            });
        }
    } else if !c.min_bond.is_zero() {
        return Err(ContractError::MinBondWithoutDenom {
            min_bond: c.min_bond,
        });
    }
    if c.max_report_entries == 0 || c.max_report_entries > MAX_REPORT_ENTRIES {
        return Err(ContractError::MaxReportEntriesOutOfRange {
            value: c.max_report_entries,
            max: MAX_REPORT_ENTRIES,
        });
    }
    validate_min_seconds("epoch_seconds", c.epoch_seconds, MIN_EPOCH_SECONDS)?;
    validate_min_seconds(
        "dispute_deadline_seconds",
        c.dispute_deadline_seconds,
        MIN_DISPUTE_DEADLINE_SECONDS,
    )?;
    validate_value_weights(&c.value_weights)?;
    validate_payout_caps(&c.max_payout_per_epoch, &c.reward_denoms)?;
    for (field, cap) in [
        ("max_weight_per_provider", c.max_weight_per_provider),
        ("max_weight_per_pair", c.max_weight_per_pair),
    ] {
        if cap.is_zero() {
            return Err(ContractError::ZeroCap {
                field: field.into(),
            });
        }
    }
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
        tier_multipliers: c.tier_multipliers,
        bond_denom: c.bond_denom,
        min_bond: c.min_bond,
        max_report_entries: c.max_report_entries,
        value_weights: c.value_weights,
        max_weight_per_provider: c.max_weight_per_provider,
        max_weight_per_pair: c.max_weight_per_pair,
        max_payout_per_epoch: c.max_payout_per_epoch,
        dispute_deadline_seconds: c.dispute_deadline_seconds,
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
            tier_multipliers: msg
                .tier_multipliers
                .unwrap_or_else(default_tier_multipliers),
            bond_denom: msg.bond_denom,
            min_bond: msg.min_bond.unwrap_or_default(),
            max_report_entries: msg.max_report_entries.unwrap_or(DEFAULT_MAX_REPORT_ENTRIES),
            value_weights: msg.value_weights.unwrap_or_default(),
            max_weight_per_provider: msg.max_weight_per_provider.unwrap_or_else(uncapped),
            max_weight_per_pair: msg.max_weight_per_pair.unwrap_or_else(uncapped),
            max_payout_per_epoch: msg.max_payout_per_epoch.unwrap_or_default(),
            dispute_deadline_seconds: msg
                .dispute_deadline_seconds
                .unwrap_or_else(default_dispute_deadline),
        },
        &[],
    )?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let governance = spice_governance::initialize(deps.branch(), &owner, msg.guardian.as_deref())?;
    CONFIG.save(deps.storage, &config)?;
    // Epochs finalize in order from epoch 0.
    NEXT_FINALIZE.save(deps.storage, &0)?;
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
    let previous_denoms = current.reward_denoms.clone();
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
            tier_multipliers: update.tier_multipliers.unwrap_or(current.tier_multipliers),
            bond_denom: current.bond_denom,
            min_bond: update.min_bond.unwrap_or(current.min_bond),
            max_report_entries: update
                .max_report_entries
                .unwrap_or(current.max_report_entries),
            value_weights: update.value_weights.unwrap_or(current.value_weights),
            max_weight_per_provider: update
                .max_weight_per_provider
                .unwrap_or(current.max_weight_per_provider),
            max_weight_per_pair: update
                .max_weight_per_pair
                .unwrap_or(current.max_weight_per_pair),
            max_payout_per_epoch: update
                .max_payout_per_epoch
                .unwrap_or(current.max_payout_per_epoch),
            dispute_deadline_seconds: update
                .dispute_deadline_seconds
                .unwrap_or(current.dispute_deadline_seconds),
        },
        &previous_denoms,
    )?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "update_config")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("oracles", config.oracles.len().to_string())
            .add_attribute("oracle_quorum", config.oracle_quorum.to_string())
            .add_attribute("value_weights", value_weights_attr(&config.value_weights))
            .add_attribute(
                "max_weight_per_provider",
                config.max_weight_per_provider.to_string(),
            )
            .add_attribute(
                "max_weight_per_pair",
                config.max_weight_per_pair.to_string(),
            )
            .add_attribute(
                "max_payout_per_epoch",
                crate::execute::epochs::coins_attr(&config.max_payout_per_epoch),
            )
            .add_attribute(
                "dispute_deadline_seconds",
                config.dispute_deadline_seconds.to_string(),
            ),
    ))
}

fn value_weights_attr(weights: &[ValueWeight]) -> String {
    if weights.is_empty() {
        return "none".into();
    }
    weights
        .iter()
        .map(|w| format!("{}:{}", w.denom, w.weight))
        .collect::<Vec<_>>()
        .join(",")
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
