//! Utilization: oracle reports (the lower median of the first `oracle_quorum` reports per
//! entry) and the escrow's settlement hook (weight by value, in the epochs the service was
//! served).

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Order, Response, StdResult, Storage, Uint128};
use spice_types::{spice_event, IncentivesHookMsg, LeaseSettlement, MAX_SETTLEMENTS_PER_HOOK};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::epochs::load_epoch;
use crate::msg::ReportEntry;
use crate::state::{
    Config, EpochState, EpochStatus, AGREED, CONFIG, EPOCHS, NEXT_FINALIZE, PAIR_WEIGHT, PROVIDERS,
    PROVIDER_WEIGHT, VOTES,
};

/// Largest utilization one entry may claim. Weights are sums of `units × multiplier`
/// (multiplier ≤ 10), so `total_weight` would need ~10^19 maximal entries to overflow.
pub const MAX_UTILIZATION_UNITS: Uint128 = Uint128::new(1_000_000_000_000_000_000);

/// One settlement is spread over at most this many epochs (the latest ones it covers); older
/// portions are dropped. Bounds the hook's work whatever interval the escrow reports.
pub const MAX_HOOK_EPOCHS: u64 = 4;

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
    /// The provider (or this tenant–provider pair) already earned its cap for the epoch.
    Capped,
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
            Credit::Capped => "capped",
        }
    }
}

/// Turns verified utilization into weight for an unfinalized epoch: `units × tier multiplier`,
/// rounded down (in the protocol's favour), then cut to what the caps leave: at most
/// `max_weight_per_provider` per provider and epoch, and, for escrow settlements (`tenant`
/// given), at most `max_weight_per_pair` per tenant–provider pair and epoch. Unregistered and
/// unaudited providers earn nothing. Adds to the provider's weight and the epoch's running
/// total, so finalization never has to visit providers. The caller saves `state`.
pub fn credit(
    storage: &mut dyn Storage,
    config: &Config,
    epoch: u64,
    state: &mut EpochState,
    provider: &Addr,
    tenant: Option<&Addr>,
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
    let mut weight = units.checked_mul_floor(multiplier)?;
    if weight.is_zero() {
        return Ok(Credit::Zero);
    }
    let earned = PROVIDER_WEIGHT
        .may_load(storage, (provider, epoch))?
        .unwrap_or_default();
    weight = weight.min(config.max_weight_per_provider.saturating_sub(earned));
    let pair = match tenant {
        Some(tenant) => {
            let pair = PAIR_WEIGHT
                .may_load(storage, (provider, epoch, tenant))?
                .unwrap_or_default();
            weight = weight.min(config.max_weight_per_pair.saturating_sub(pair));
            Some((tenant, pair))
        }
        None => None,
    };
    if weight.is_zero() {
        return Ok(Credit::Capped);
    }
    PROVIDER_WEIGHT.save(storage, (provider, epoch), &earned.checked_add(weight)?)?;
    if let Some((tenant, pair)) = pair {
        PAIR_WEIGHT.save(
            storage,
            (provider, epoch, tenant),
            &pair.checked_add(weight)?,
        )?;
    }
    state.total_weight = state.total_weight.checked_add(weight)?;
    Ok(Credit::Weight(weight))
}

/// The lower median of the votes: the middle value for an odd count, the lower of the two
/// middle values for an even one. With a quorum of M, a value is agreed only once M oracles
/// reported, and fewer than half of them can never move it outside the range of the others'
/// values; for an even M the lower middle means a lone liar can only lower it (in the
/// protocol's favour), never raise it.
pub fn lower_median(mut votes: Vec<Uint128>) -> Option<Uint128> {
    votes.sort();
    let middle = votes.len().checked_sub(1)? / 2;
    votes.get(middle).copied()
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
        if AGREED.has(deps.storage, (epoch, &provider)) {
            // Agreed already: later reports are recorded and change nothing.
            continue;
        }
        // Agreement: once `oracle_quorum` oracles reported, the lower median of their values.
        // Bounded: at most MAX_ROLE_MEMBERS votes per (epoch, provider).
        let votes: Vec<Uint128> = VOTES
            .prefix((epoch, &provider))
            .range(deps.storage, None, None, Order::Ascending)
            .map(|item| item.map(|(_, v)| v))
            .collect::<StdResult<_>>()?;
        let quorum = usize::try_from(config.oracle_quorum).unwrap_or(usize::MAX);
        if votes.len() < quorum {
            continue;
        }
        if let Some(units) = lower_median(votes) {
            AGREED.save(deps.storage, (epoch, &provider), &units)?;
            let credited = credit(
                deps.storage,
                &config,
                epoch,
                &mut state,
                &provider,
                None,
                units,
            )?;
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

/// The epochs a settlement's value is credited to, with each one's portion.
///
/// The value is spread over `served_from..served_until` (whole seconds) in proportion to the
/// time each epoch covers: portion = `floor(value × overlap / duration)`, rounded down in the
/// protocol's favour. A zero-length interval puts the whole value in the epoch of
/// `served_until`. `served_until` is clamped to `now` (the hook cannot claim future service).
/// Portions that fall before genesis, in already finalized epochs (before `next_finalize`), or
/// more than `MAX_HOOK_EPOCHS` epochs before the last one covered are forfeited: a backlog
/// withdrawn late cannot be dumped into a chosen epoch. Returns (portions, forfeited).
pub fn attribute(
    config: &Config,
    next_finalize: u64,
    now: cosmwasm_std::Timestamp,
    served_from: cosmwasm_std::Timestamp,
    served_until: cosmwasm_std::Timestamp,
    value: Uint128,
) -> Result<(Vec<(u64, Uint128)>, Uint128), ContractError> {
    let until = served_until.seconds().min(now.seconds());
    let from = served_from.seconds().min(until);
    let genesis = config.genesis_time.seconds();
    let mut portions: Vec<(u64, Uint128)> = vec![];
    if value.is_zero() || until < genesis || (until == genesis && from < until) {
        return Ok((portions, value));
    }
    if from == until {
        let epoch = config.epoch_at(cosmwasm_std::Timestamp::from_seconds(until));
        if epoch >= next_finalize {
            portions.push((epoch, value));
            return Ok((portions, Uint128::zero()));
        }
        return Ok((portions, value));
    }
    let duration = until - from;
    // The epoch holding the last served second.
    let last = config.epoch_at(cosmwasm_std::Timestamp::from_seconds(until - 1));
    let first = config
        .epoch_at(cosmwasm_std::Timestamp::from_seconds(from.max(genesis)))
        .max(next_finalize)
        .max(last.saturating_sub(MAX_HOOK_EPOCHS - 1));
    let mut credited = Uint128::zero();
    for epoch in first..=last {
        let start = config.epoch_start(epoch)?.seconds().max(from);
        let end = config.epoch_end(epoch)?.seconds().min(until);
        if end <= start {
            continue;
        }
        let portion = value.checked_multiply_ratio(end - start, duration)?;
        if !portion.is_zero() {
            credited = credited.checked_add(portion)?;
            portions.push((epoch, portion));
        }
    }
    Ok((portions, value.checked_sub(credited)?))
}

/// The escrow's settlement hook: weight follows value actually paid, in the epochs the
/// service was served.
///
/// Formula: `value = min(floor(amount × value_weight(denom)), MAX_UTILIZATION_UNITS)` (units of weight per base unit of
/// the lease denom, governance-set; a denom without a weight earns nothing), spread over the
/// served interval by [`attribute`]; each epoch's portion becomes weight through [`credit`]
/// (× tier, capped per provider and per tenant–provider pair). `blocks` and `take_fee` are
/// recorded in the event only: a dust-priced lease pays dust and earns dust, however many
/// blocks it runs, and self-dealing costs the take fee on every unit of value it claims.
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
    let settlements = hook.into_settlements();
    if settlements.is_empty() || settlements.len() > MAX_SETTLEMENTS_PER_HOOK {
        return Err(ContractError::SettlementCount {
            count: settlements.len(),
            max: MAX_SETTLEMENTS_PER_HOOK,
        });
    }
    let mut response = Response::new();
    for settlement in settlements {
        response = response.add_event(credit_settlement(
            deps.storage,
            deps.api,
            &env,
            &config,
            settlement,
        )?);
    }
    Ok(response)
}

/// One settlement credited (see [`lease_settled`]): its `lease_settled` event.
fn credit_settlement(
    storage: &mut dyn cosmwasm_std::Storage,
    api: &dyn cosmwasm_std::Api,
    env: &Env,
    config: &Config,
    settlement: LeaseSettlement,
) -> Result<cosmwasm_std::Event, ContractError> {
    let LeaseSettlement {
        provider,
        tenant,
        lease_id,
        denom,
        amount,
        take_fee,
        blocks,
        served_from,
        served_until,
    } = settlement;
    let provider = api.addr_validate(&provider)?;
    let tenant = api.addr_validate(&tenant)?;
    let now = env.block.time;
    let mut credited: Vec<String> = vec![];
    let mut total = Uint128::zero();
    let (result, value, forfeited) = if spice_governance::assert_not_paused(storage).is_err() {
        ("paused", Uint128::zero(), Uint128::zero())
    } else if let Some(price) = config.value_weight(&denom) {
        // One settlement is worth at most MAX_UTILIZATION_UNITS (like one oracle entry), so the
        // hook never overflows and never fails the escrow, whatever the amount.
        let value = amount
            .checked_mul_floor(price)
            .map_or(MAX_UTILIZATION_UNITS, |v| v.min(MAX_UTILIZATION_UNITS));
        let next = NEXT_FINALIZE.load(storage)?;
        let (portions, forfeited) = attribute(config, next, now, served_from, served_until, value)?;
        let mut last = "forfeited";
        for (epoch, units) in portions {
            let mut state = load_epoch(storage, config, epoch, now)?;
            let c = credit(
                storage,
                config,
                epoch,
                &mut state,
                &provider,
                Some(&tenant),
                units,
            )?;
            EPOCHS.save(storage, epoch, &state)?;
            total = total.checked_add(c.weight())?;
            credited.push(format!("{epoch}:{}", c.weight()));
            last = c.as_str();
        }
        (last, value, forfeited)
    } else {
        ("unpriced", Uint128::zero(), Uint128::zero())
    };
    Ok(spice_event(TAG, "lease_settled")
        .add_attribute("provider", provider.as_str())
        .add_attribute("tenant", tenant.as_str())
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("denom", denom)
        .add_attribute("amount", amount.to_string())
        .add_attribute("take_fee", take_fee.to_string())
        .add_attribute("blocks", blocks.to_string())
        .add_attribute("served_from", served_from.seconds().to_string())
        .add_attribute("served_until", served_until.seconds().to_string())
        .add_attribute("value", value.to_string())
        .add_attribute("forfeited_value", forfeited.to_string())
        .add_attribute("result", result)
        .add_attribute(
            "epochs",
            if credited.is_empty() {
                "none".into()
            } else {
                credited.join(",")
            },
        )
        .add_attribute("weight", total.to_string()))
}
