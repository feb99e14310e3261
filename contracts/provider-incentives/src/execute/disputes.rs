//! Disputes: auditors hold a provider's reward for an epoch; the owner claws it back or
//! releases it, and may slash the provider's bond.

use cosmwasm_std::{Coin, DepsMut, Env, MessageInfo, Response, Timestamp, Uint128};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::epochs::{add_coin, add_to_pool, coins_attr, rewards, settle, sub_coin};
use crate::execute::providers::{assert_auditor, check_text, MAX_REASON_LEN};
use crate::msg::DisputeOutcome;
use crate::state::{
    Config, Dispute, EpochStatus, CONFIG, DISPUTES, EPOCHS, PROVIDERS, PROVIDER_WEIGHT,
};

/// Auditors, after finalization and before claims open. Open while paused: it only holds money.
pub fn dispute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    epoch: u64,
    provider: String,
    reason: String,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    assert_auditor(&config, &info.sender)?;
    check_text("reason", &reason, MAX_REASON_LEN)?;
    let provider = deps.api.addr_validate(&provider)?;
    let mut state = EPOCHS.may_load(deps.storage, epoch)?.unwrap_or_default();
    let (EpochStatus::Finalized, Some(closed_at)) = (state.status, state.claimable_at) else {
        return Err(ContractError::EpochNotFinalized { epoch });
    };
    if env.block.time >= closed_at {
        return Err(ContractError::DisputeWindowClosed { epoch, closed_at });
    }
    let weight = PROVIDER_WEIGHT
        .may_load(deps.storage, (&provider, epoch))?
        .ok_or_else(|| ContractError::NothingToDispute {
            epoch,
            provider: provider.to_string(),
        })?;
    let amounts = rewards(&state, weight)?;
    PROVIDER_WEIGHT.remove(deps.storage, (&provider, epoch));
    for coin in &amounts {
        add_coin(&mut state.held, &coin.denom, coin.amount)?;
    }
    EPOCHS.save(deps.storage, epoch, &state)?;
    DISPUTES.save(
        deps.storage,
        (epoch, &provider),
        &Dispute {
            weight,
            amounts: amounts.clone(),
            auditor: info.sender.clone(),
            reason: reason.clone(),
            raised_at: env.block.time,
        },
    )?;
    if let Some(mut record) = PROVIDERS.may_load(deps.storage, &provider)? {
        record.open_disputes = record.open_disputes.saturating_add(1);
        PROVIDERS.save(deps.storage, &provider, &record)?;
    }
    Ok(Response::new().add_event(
        spice_event(TAG, "dispute")
            .add_attribute("auditor", info.sender.as_str())
            .add_attribute("epoch", epoch.to_string())
            .add_attribute("provider", provider.as_str())
            .add_attribute("weight", weight.to_string())
            .add_attribute("held", coins_attr(&amounts))
            .add_attribute("reason", reason),
    ))
}

/// When a dispute raised at `raised_at` stops being resolvable and anyone may expire it.
pub fn dispute_deadline(config: &Config, raised_at: Timestamp) -> Timestamp {
    raised_at.plus_seconds(config.dispute_deadline_seconds)
}

/// Anyone, once the dispute's deadline has passed. The documented rule: an accusation that
/// governance did not uphold in time lapses — the held reward is released to the provider
/// (claimable again, as on `Release`), no bond is slashed, and the dispute no longer locks the
/// provider's bond. Open while paused: it only unblocks an exit.
pub fn expire(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    epoch: u64,
    provider: String,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let provider = deps.api.addr_validate(&provider)?;
    let dispute = DISPUTES
        .may_load(deps.storage, (epoch, &provider))?
        .ok_or_else(|| ContractError::DisputeNotFound {
            epoch,
            provider: provider.to_string(),
        })?;
    let expires_at = dispute_deadline(&config, dispute.raised_at);
    if env.block.time < expires_at {
        return Err(ContractError::DisputeNotExpired {
            epoch,
            provider: provider.into_string(),
            expires_at,
        });
    }
    let mut state = EPOCHS.load(deps.storage, epoch)?;
    for coin in &dispute.amounts {
        sub_coin(&mut state.held, &coin.denom, coin.amount)?;
    }
    EPOCHS.save(deps.storage, epoch, &state)?;
    DISPUTES.remove(deps.storage, (epoch, &provider));
    PROVIDER_WEIGHT.save(deps.storage, (&provider, epoch), &dispute.weight)?;
    if let Some(mut record) = PROVIDERS.may_load(deps.storage, &provider)? {
        record.open_disputes = record.open_disputes.saturating_sub(1);
        PROVIDERS.save(deps.storage, &provider, &record)?;
    }
    Ok(Response::new().add_event(
        spice_event(TAG, "expire_dispute")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("epoch", epoch.to_string())
            .add_attribute("provider", provider.as_str())
            .add_attribute("released", coins_attr(&dispute.amounts))
            .add_attribute("expired_at", expires_at.seconds().to_string()),
    ))
}

/// Owner (governance), before the dispute's deadline. Clawback returns the held reward to the
/// pool (the oldest unfinalized epoch); release makes it claimable again. `slash` moves that
/// much of the provider's bond into the pool too. Open while paused, like every owner action.
pub fn resolve(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    epoch: u64,
    provider: String,
    outcome: DisputeOutcome,
    slash: Option<Uint128>,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    let config = CONFIG.load(deps.storage)?;
    let provider = deps.api.addr_validate(&provider)?;
    let dispute = DISPUTES
        .may_load(deps.storage, (epoch, &provider))?
        .ok_or_else(|| ContractError::DisputeNotFound {
            epoch,
            provider: provider.to_string(),
        })?;
    let expired_at = dispute_deadline(&config, dispute.raised_at);
    if env.block.time >= expired_at {
        return Err(ContractError::DisputeExpired {
            epoch,
            provider: provider.into_string(),
            expired_at,
        });
    }
    let mut record = PROVIDERS.may_load(deps.storage, &provider)?;
    let slash = slash.unwrap_or_default();
    let bond = record.as_ref().map(|r| r.bond).unwrap_or_default();
    if slash > bond {
        return Err(ContractError::SlashExceedsBond {
            provider: provider.into_string(),
            requested: slash,
            bond,
        });
    }

    let mut state = EPOCHS.load(deps.storage, epoch)?;
    for coin in &dispute.amounts {
        sub_coin(&mut state.held, &coin.denom, coin.amount)?;
    }
    DISPUTES.remove(deps.storage, (epoch, &provider));
    let mut response = Response::new();
    let (outcome_name, dust, pool_epoch) = match outcome {
        DisputeOutcome::Release => {
            PROVIDER_WEIGHT.save(deps.storage, (&provider, epoch), &dispute.weight)?;
            ("release", vec![], None)
        }
        DisputeOutcome::Clawback => {
            let dust = settle(deps.storage, &mut state, dispute.weight, &dispute.amounts)?;
            let pool_epoch = add_to_pool(deps.storage, &dispute.amounts)?;
            ("clawback", dust, Some(pool_epoch))
        }
    };
    EPOCHS.save(deps.storage, epoch, &state)?;

    if let Some(record) = record.as_mut() {
        record.open_disputes = record.open_disputes.saturating_sub(1);
        record.bond = record.bond.checked_sub(slash)?;
        PROVIDERS.save(deps.storage, &provider, record)?;
    }
    if !slash.is_zero() {
        // A non-zero bond implies a bond denom (validated as a reward denom).
        let denom = config.bond_denom.clone().unwrap_or_default();
        let slashed = [Coin::new(slash, denom)];
        let to = add_to_pool(deps.storage, &slashed)?;
        response = response.add_event(
            spice_event(TAG, "slash_bond")
                .add_attribute("provider", provider.as_str())
                .add_attribute("amount", coins_attr(&slashed))
                .add_attribute("to_epoch", to.to_string())
                .add_attribute(
                    "bond_left",
                    record
                        .as_ref()
                        .map(|r| r.bond)
                        .unwrap_or_default()
                        .to_string(),
                ),
        );
    }
    Ok(response.add_event(
        spice_event(TAG, "resolve_dispute")
            .add_attribute("epoch", epoch.to_string())
            .add_attribute("provider", provider.as_str())
            .add_attribute("outcome", outcome_name)
            .add_attribute("amount", coins_attr(&dispute.amounts))
            .add_attribute(
                "clawed_back_to",
                pool_epoch
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "none".into()),
            )
            .add_attribute("dust_carried", coins_attr(&dust)),
    ))
}
