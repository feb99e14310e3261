//! The provider registry: self-registration with an optional bond, and audits.

use cosmwasm_std::{
    Addr, BankMsg, Coin, DepsMut, Env, MessageInfo, Order, Response, Storage, Uint128,
};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::epochs::coins_attr;
use crate::execute::epochs::load_epoch;
use crate::msg::AttributeInput;
use crate::state::{
    Audit, Config, EpochStatus, Leaving, Provider, ProviderInfo, SignedAttribute, AUDITS, CONFIG,
    PROVIDERS,
};

pub const MAX_MONIKER_LEN: u32 = 64;
pub const MAX_URI_LEN: u32 = 256;
pub const MAX_ATTRIBUTES: u32 = 16;
pub const MAX_ATTRIBUTE_KEY_LEN: u32 = 64;
pub const MAX_ATTRIBUTE_VALUE_LEN: u32 = 256;
pub const MAX_REASON_LEN: u32 = 512;

/// Non-empty and at most `max` bytes.
pub fn check_text(field: &str, value: &str, max: u32) -> Result<(), ContractError> {
    let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
    if len == 0 || len > max {
        return Err(ContractError::TextLength {
            field: field.to_string(),
            len,
            max,
        });
    }
    Ok(())
}

pub fn assert_auditor(config: &Config, sender: &Addr) -> Result<(), ContractError> {
    if !config.auditors.contains(sender) {
        return Err(ContractError::NotAuditor {
            sender: sender.to_string(),
        });
    }
    Ok(())
}

/// The attached bond: nothing, or one coin of the bond denom.
fn attached_bond(config: &Config, info: &MessageInfo) -> Result<Uint128, ContractError> {
    let Some(denom) = &config.bond_denom else {
        if !info.funds.is_empty() {
            return Err(ContractError::UnexpectedFunds {
                funds: coins_attr(&info.funds),
            });
        }
        return Ok(Uint128::zero());
    };
    let mut bond = Uint128::zero();
    for coin in &info.funds {
        if &coin.denom != denom {
            return Err(ContractError::WrongDenom {
                denom: coin.denom.clone(),
                accepted: vec![denom.clone()],
            });
        }
        bond = bond.checked_add(coin.amount)?;
    }
    Ok(bond)
}

/// The sender registers itself (or updates its info); attached funds add to its bond, which must
/// reach `min_bond`.
pub fn register(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    provider_info: ProviderInfo,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let config = CONFIG.load(deps.storage)?;
    check_text("moniker", &provider_info.moniker, MAX_MONIKER_LEN)?;
    check_text("host_uri", &provider_info.host_uri, MAX_URI_LEN)?;
    let added = attached_bond(&config, &info)?;
    let existing = PROVIDERS.may_load(deps.storage, &info.sender)?;
    let is_new = existing.is_none();
    let mut provider = existing.unwrap_or(Provider {
        info: provider_info.clone(),
        registered_at: env.block.time,
        bond: Uint128::zero(),
        tier: None,
        attributes: vec![],
        audited_at: None,
        open_disputes: 0,
        leaving: None,
    });
    provider.info = provider_info;
    // Registering again is how a leaving provider comes back.
    let rejoined = provider.leaving.take().is_some();
    provider.bond = provider.bond.checked_add(added)?;
    if provider.bond < config.min_bond {
        return Err(ContractError::BondTooSmall {
            bond: provider.bond,
            min_bond: config.min_bond,
            denom: config.bond_denom.unwrap_or_default(),
        });
    }
    PROVIDERS.save(deps.storage, &info.sender, &provider)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "register_provider")
            .add_attribute("provider", info.sender.as_str())
            .add_attribute("new", is_new.to_string())
            .add_attribute("rejoined", rejoined.to_string())
            .add_attribute("moniker", provider.info.moniker)
            .add_attribute("bond_added", added.to_string())
            .add_attribute("bond", provider.bond.to_string()),
    ))
}

/// Auditors record their own audit of a registered provider: its tier and the attributes they
/// sign. Each (provider, auditor) audit replaces only that auditor's earlier one, as Akash's
/// x/audit keeps attributes per auditor, so `signed_by.all_of` over several auditors can hold.
///
/// Tier rule: the provider's tier is the lowest tier over the auditors that audited it. An
/// auditor can only lower what another vouched for, so no single auditor can raise a
/// provider's weight above any other auditor's judgement. The new tier applies to weight
/// credited from now on.
pub fn audit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    provider: String,
    tier: u32,
    attributes: Vec<AttributeInput>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let config = CONFIG.load(deps.storage)?;
    assert_auditor(&config, &info.sender)?;
    let address = deps.api.addr_validate(&provider)?;
    let mut record = PROVIDERS.may_load(deps.storage, &address)?.ok_or_else(|| {
        ContractError::NotRegistered {
            provider: address.to_string(),
        }
    })?;
    if config.tier_multiplier(tier).is_none() {
        return Err(ContractError::InvalidTier {
            tier,
            max: u32::try_from(config.tier_multipliers.len()).unwrap_or(u32::MAX),
        });
    }
    let count = u32::try_from(attributes.len()).unwrap_or(u32::MAX);
    if count > MAX_ATTRIBUTES {
        return Err(ContractError::TooManyAttributes {
            count,
            max: MAX_ATTRIBUTES,
        });
    }
    let mut signed = Vec::with_capacity(attributes.len());
    for attribute in attributes {
        check_text("attribute key", &attribute.key, MAX_ATTRIBUTE_KEY_LEN)?;
        check_text("attribute value", &attribute.value, MAX_ATTRIBUTE_VALUE_LEN)?;
        signed.push((attribute.key, attribute.value));
    }
    move_legacy_audit(deps.storage, &address, &mut record)?;
    let now = env.block.time;
    AUDITS.save(
        deps.storage,
        (&address, &info.sender),
        &Audit {
            tier,
            attributes: signed,
            audited_at: now,
        },
    )?;
    let (lowest, auditors) = lowest_tier(deps.storage, &address)?;
    record.tier = lowest;
    record.audited_at = Some(now);
    PROVIDERS.save(deps.storage, &address, &record)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "audit_provider")
            .add_attribute("auditor", info.sender.as_str())
            .add_attribute("provider", address.as_str())
            .add_attribute("tier", tier.to_string())
            .add_attribute(
                "provider_tier",
                lowest
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "none".into()),
            )
            .add_attribute("auditors", auditors.to_string())
            .add_attribute("attributes", count.to_string()),
    ))
}

/// A 0.1.0 record kept the last audit inline (its attributes name the auditor); it becomes
/// that auditor's entry in `AUDITS`. A 0.1.0 audit without attributes named no auditor, so its
/// tier cannot be attributed and gives way to the audits recorded from now on.
fn move_legacy_audit(
    storage: &mut dyn Storage,
    provider: &Addr,
    record: &mut Provider,
) -> Result<(), ContractError> {
    let legacy = std::mem::take(&mut record.attributes);
    let (Some(first), Some(tier)) = (legacy.first(), record.tier) else {
        return Ok(());
    };
    let auditor = first.auditor.clone();
    if AUDITS.has(storage, (provider, &auditor)) {
        return Ok(());
    }
    AUDITS.save(
        storage,
        (provider, &auditor),
        &Audit {
            tier,
            attributes: legacy
                .into_iter()
                .filter(|a| a.auditor == auditor)
                .map(|a| (a.key, a.value))
                .collect(),
            audited_at: record.audited_at.unwrap_or_default(),
        },
    )?;
    Ok(())
}

/// The lowest tier over the provider's audits, and how many auditors audited it. Bounded by
/// the auditor list's cap (an auditor removed from the config keeps its audit on record).
pub fn lowest_tier(
    storage: &dyn Storage,
    provider: &Addr,
) -> Result<(Option<u32>, u32), ContractError> {
    let mut lowest: Option<u32> = None;
    let mut count = 0u32;
    for item in AUDITS
        .prefix(provider)
        .range(storage, None, None, Order::Ascending)
    {
        let (_, audit) = item?;
        lowest = Some(lowest.map_or(audit.tier, |t| t.min(audit.tier)));
        count = count.saturating_add(1);
    }
    Ok((lowest, count))
}

/// Every attribute signed for the provider, auditor by auditor (ascending address), and any a
/// 0.1.0 record still holds inline.
pub fn signed_attributes(
    storage: &dyn Storage,
    provider: &Addr,
    record: &Provider,
) -> Result<Vec<SignedAttribute>, ContractError> {
    let mut out = record.attributes.clone();
    for item in AUDITS
        .prefix(provider)
        .range(storage, None, None, Order::Ascending)
    {
        let (auditor, audit) = item?;
        out.extend(
            audit
                .attributes
                .into_iter()
                .map(|(key, value)| SignedAttribute {
                    key,
                    value,
                    auditor: auditor.clone(),
                }),
        );
    }
    Ok(out)
}

fn load_provider(deps: &DepsMut, provider: &Addr) -> Result<Provider, ContractError> {
    PROVIDERS
        .may_load(deps.storage, provider)?
        .ok_or_else(|| ContractError::NotRegistered {
            provider: provider.to_string(),
        })
}

/// The provider stops earning after the current epoch and starts the wait for its bond. An exit:
/// open while paused.
pub fn unbond(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let mut provider = load_provider(&deps, &info.sender)?;
    if let Some(leaving) = &provider.leaving {
        return Err(ContractError::AlreadyLeaving {
            provider: info.sender.to_string(),
            last_epoch: leaving.last_epoch,
        });
    }
    let last_epoch = config.epoch_at(env.block.time);
    provider.leaving = Some(Leaving {
        requested_at: env.block.time,
        last_epoch,
    });
    PROVIDERS.save(deps.storage, &info.sender, &provider)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "unbond_provider")
            .add_attribute("provider", info.sender.as_str())
            .add_attribute("last_epoch", last_epoch.to_string())
            .add_attribute("bond", provider.bond.to_string()),
    ))
}

/// Pays a leaving provider its bond once nothing can still slash it: no dispute open, and its
/// last earning epoch finalized and past the dispute window (epochs finalize in order, so every
/// earlier epoch is too). An exit: open while paused.
pub fn withdraw_bond(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let mut provider = load_provider(&deps, &info.sender)?;
    let Some(leaving) = provider.leaving.clone() else {
        return Err(ContractError::NotLeaving {
            provider: info.sender.to_string(),
        });
    };
    let locked = |reason: String| ContractError::BondLocked {
        provider: info.sender.to_string(),
        reason,
    };
    if provider.open_disputes > 0 {
        return Err(locked(format!(
            "{} dispute(s) against it are open",
            provider.open_disputes
        )));
    }
    let last = load_epoch(deps.storage, &config, leaving.last_epoch, env.block.time)?;
    match (last.status, last.claimable_at) {
        (EpochStatus::Finalized, Some(at)) if at <= env.block.time => {}
        (EpochStatus::Finalized, Some(at)) => {
            return Err(locked(format!(
                "epoch {} can be disputed until {}",
                leaving.last_epoch,
                at.seconds()
            )))
        }
        _ => {
            return Err(locked(format!(
                "epoch {} is not finalized yet",
                leaving.last_epoch
            )))
        }
    }
    let amount = provider.bond;
    provider.bond = Uint128::zero();
    PROVIDERS.save(deps.storage, &info.sender, &provider)?;
    let mut response = Response::new();
    if let (false, Some(denom)) = (amount.is_zero(), &config.bond_denom) {
        response = response.add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![Coin::new(amount, denom)],
        });
    }
    Ok(response.add_event(
        spice_event(TAG, "withdraw_bond")
            .add_attribute("provider", info.sender.as_str())
            .add_attribute("amount", amount.to_string()),
    ))
}
