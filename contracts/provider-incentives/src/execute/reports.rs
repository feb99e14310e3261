//! Utilization: oracle reports (M of N agreement per entry) and the escrow's settlement hook.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Storage, Uint128};
use spice_types::{spice_event, IncentivesHookMsg};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::epochs::load_epoch;
use crate::msg::ReportEntry;
use crate::state::{
    Config, EpochState, EpochStatus, AGREED, CONFIG, EPOCHS, PROVIDERS, PROVIDER_WEIGHT, TALLIES,
    VOTES,
};

/// Largest utilization one entry may claim. Weights are sums of `units × multiplier`
/// (multiplier ≤ 10), so `total_weight` would need ~10^19 maximal entries to overflow.
pub const MAX_UTILIZATION_UNITS: Uint128 = Uint128::new(1_000_000_000_000_000_000);

/// Why utilization did not become weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credit {
    Weight(Uint128),
    Unregistered,
    Unaudited,
    /// The provider asked to unbond before this epoch.
    Leaving,
    /// The tier's multiplier times the units rounded down to nothing, or no units at all.
    Zero,
}

impl Credit {
    pub fn weight(self) -> Uint128 {
        match self {
            Credit::Weight(w) => w,
            _ => Uint128::zero(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Credit::Weight(_) => "credited",
            Credit::Unregistered => "unregistered",
            Credit::Unaudited => "unaudited",
            Credit::Leaving => "leaving",
            Credit::Zero => "zero_weight",
        }
    }
}

/// Turns verified utilization into weight for an unfinalized epoch: `units × tier multiplier`,
/// rounded down (in the protocol's favour). Unregistered and unaudited providers earn nothing.
/// Adds to the provider's weight and the epoch's running total, so finalization never has to
/// visit providers. The caller saves `state`.
pub fn credit(
    storage: &mut dyn Storage,
    config: &Config,
    epoch: u64,
    state: &mut EpochState,
    provider: &Addr,
    units: Uint128,
) -> Result<Credit, ContractError> {
    if state.status == EpochStatus::Finalized {
        return Err(ContractError::EpochFinalized { epoch });
    }
    let Some(record) = PROVIDERS.may_load(storage, provider)? else {
        return Ok(Credit::Unregistered);
    };
    if record
        .leaving
        .as_ref()
        .is_some_and(|l| epoch > l.last_epoch)
    {
        return Ok(Credit::Leaving);
    }
    let Some(multiplier) = record.tier.and_then(|t| config.tier_multiplier(t)) else {
        return Ok(Credit::Unaudited);
    };
    let weight = units.checked_mul_floor(multiplier)?;
    if weight.is_zero() {
        return Ok(Credit::Zero);
    }
    let earned = PROVIDER_WEIGHT
        .may_load(storage, (provider, epoch))?
        .unwrap_or_default()
        .checked_add(weight)?;
    PROVIDER_WEIGHT.save(storage, (provider, epoch), &earned)?;
    state.total_weight = state.total_weight.checked_add(weight)?;
    Ok(Credit::Weight(weight))
}

pub fn submit_report(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    epoch: u64,
    entries: Vec<ReportEntry>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let config = CONFIG.load(deps.storage)?;
    if !config.oracles.contains(&info.sender) {
        return Err(ContractError::NotOracle {
            sender: info.sender.to_string(),
        });
    }
    let count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
    if count == 0 || count > config.max_report_entries {
        return Err(ContractError::ReportSize {
            count,
            max: config.max_report_entries,
        });
    }
    let now = env.block.time;
    let current = config.epoch_at(now);
    if epoch > current || now < config.genesis_time {
        return Err(ContractError::EpochNotStarted { epoch, current });
    }
    let mut state = load_epoch(deps.storage, &config, epoch, now)?;
    if state.status == EpochStatus::Finalized {
        return Err(ContractError::EpochFinalized { epoch });
    }
    let closed_at = config.report_window_end(epoch)?;
    if now >= closed_at {
        return Err(ContractError::ReportWindowClosed { epoch, closed_at });
    }

    let mut response = Response::new();
    let mut agreed = 0u32;
    for entry in entries {
        let provider = deps.api.addr_validate(&entry.provider)?;
        let units = entry.utilization_units;
        if units > MAX_UTILIZATION_UNITS {
            return Err(ContractError::UtilizationTooLarge {
                provider: provider.into_string(),
                units,
                max: MAX_UTILIZATION_UNITS,
            });
        }
        // An oracle reports once per epoch and provider (also within one report).
        if VOTES.has(deps.storage, (epoch, &provider, &info.sender)) {
            return Err(ContractError::AlreadyReported {
                epoch,
                provider: provider.into_string(),
                oracle: info.sender.into_string(),
            });
        }
        VOTES.save(deps.storage, (epoch, &provider, &info.sender), &units)?;
        let tally_key = (epoch, &provider, units.u128());
        let tally = TALLIES
            .may_load(deps.storage, tally_key)?
            .unwrap_or_default()
            .checked_add(1)
            .ok_or(ContractError::EpochOutOfRange { epoch })?;
        TALLIES.save(deps.storage, tally_key, &tally)?;
        // Agreement: `oracle_quorum` identical values. The first value to get there counts;
        // with M ≤ N/2 a second value could also reach M later, and is ignored.
        if tally >= config.oracle_quorum && !AGREED.has(deps.storage, (epoch, &provider)) {
            AGREED.save(deps.storage, (epoch, &provider), &units)?;
            let credited = credit(deps.storage, &config, epoch, &mut state, &provider, units)?;
            agreed += 1;
            response = response.add_event(
                spice_event(TAG, "entry_agreed")
                    .add_attribute("epoch", epoch.to_string())
                    .add_attribute("provider", provider.as_str())
                    .add_attribute("utilization_units", units.to_string())
                    .add_attribute("result", credited.as_str())
                    .add_attribute("weight", credited.weight().to_string()),
            );
        }
    }
    EPOCHS.save(deps.storage, epoch, &state)?;
    Ok(response.add_event(
        spice_event(TAG, "submit_report")
            .add_attribute("oracle", info.sender.as_str())
            .add_attribute("epoch", epoch.to_string())
            .add_attribute("entries", count.to_string())
            .add_attribute("agreed", agreed.to_string())
            .add_attribute("total_weight", state.total_weight.to_string()),
    ))
}

/// The escrow's settlement hook. One block of paid service is one utilization unit: `blocks` is
/// comparable across lease denoms, `amount` is not (no price is trusted here), so `amount` and
/// `denom` are only recorded in the event. Counts for the epoch the hook arrives in.
///
/// Never fails for the escrow except on malformed input, so a settlement in the escrow is not
/// reverted by this contract: while paused, or for an unregistered or unaudited provider, the
/// hook is acknowledged and nothing is credited.
pub fn lease_settled(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    hook: IncentivesHookMsg,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if config.escrow.as_ref() != Some(&info.sender) {
        return Err(ContractError::NotEscrow {
            sender: info.sender.to_string(),
            escrow: config
                .escrow
                .map(Addr::into_string)
                .unwrap_or_else(|| "none".into()),
        });
    }
    let IncentivesHookMsg::LeaseSettled {
        provider,
        lease_id,
        denom,
        amount,
        blocks,
        ..
    } = hook;
    let provider = deps.api.addr_validate(&provider)?;
    let epoch = config.epoch_at(env.block.time);
    let (result, weight) = if spice_governance::assert_not_paused(deps.storage).is_err() {
        ("paused", Uint128::zero())
    } else if env.block.time < config.genesis_time {
        ("before_genesis", Uint128::zero())
    } else {
        let mut state = load_epoch(deps.storage, &config, epoch, env.block.time)?;
        let units = Uint128::from(blocks);
        let credited = credit(deps.storage, &config, epoch, &mut state, &provider, units)?;
        EPOCHS.save(deps.storage, epoch, &state)?;
        (credited.as_str(), credited.weight())
    };
    Ok(Response::new().add_event(
        spice_event(TAG, "lease_settled")
            .add_attribute("provider", provider.as_str())
            .add_attribute("lease_id", lease_id.to_string())
            .add_attribute("denom", denom)
            .add_attribute("amount", amount.to_string())
            .add_attribute("blocks", blocks.to_string())
            .add_attribute("epoch", epoch.to_string())
            .add_attribute("result", result)
            .add_attribute("weight", weight.to_string()),
    ))
}
