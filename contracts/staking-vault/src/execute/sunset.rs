//! The sunset of AKT staking (AEP-79: at Akash's cutover C, bonded and unbonding stake and
//! unwithdrawn rewards become claims of the *delegator address* on another chain, unbonding
//! periods are not honoured, and IBC AKT must be home before C).
//!
//! | when | who | what |
//! |---|---|---|
//! | any time before `at − lead` | owner | `set_sunset { at, unbond_lead_seconds, principal_to }`: lead ≥ unbonding period + [`SUNSET_MARGIN_SECONDS`], start `at − lead` not passed; replace or `cancel_sunset` freely until the start |
//! | any time | owner, guardian | bring it forward (`at` and `at − lead` both no later); the guardian keeps `principal_to`; a forward move may start the unbond at once |
//! | from `at − lead` | — | `convert` and `stake` refused (`SunsetStarted`); the sunset can no longer be delayed or cancelled |
//! | from `at − lead` | anyone | `begin_sunset_unbond`: native undelegates everything staked; operator: `unbond_requested` = everything staked, the operator confirms through the bounded reports (`confirm_undelegation`, `receive_return`, `confirm_returned`) |
//! | as AKT comes home | anyone | `sync` / `harvest` as always (late rewards still go to buyback); `route_sunset_principal`: `pending + returned` (matured native entries settled first) to buyback-burn (it swaps under its own TWAP guard and caps) or the treasury, or refused for `hold` |
//! | once nothing of AKT is left in the books | owner | `set_fallback { mode: direct_buyback }`: new proceeds to buyback-burn (`forward_proceeds`); or `osmo_staking { validators }`: new proceeds converted to OSMO and staked natively, rewards harvested to buyback-burn (see [`set_fallback`]) |

use cosmwasm_std::{coins, BankMsg, Deps, DepsMut, Env, MessageInfo, Order, Response, Uint128};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::books::{self, backed_by_bank, max_apr, record, Transition};
use crate::execute::config::{denom_held, validate_strategy, MAX_UNBONDINGS};
use crate::execute::principal::undelegate_native;
use crate::execute::sync::{akt_surplus, settle_matured, MATURITY_MARGIN_SECONDS};
use crate::msg::{PrincipalToMsg, StrategyMsg, SunsetPhase, SunsetStatusResponse};
use crate::state::{
    Books, FallbackMode, PrincipalTo, Strategy, Sunset, WeightedValidator, BOOKS, CONFIG, FALLBACK,
    HELD, PROCEEDS, ROUTES, SUNSET, UNBONDINGS,
};

/// Time on top of the unbonding period for the operator to undelegate, the return transfer
/// (with a timeout and a retry) and the confirmations: 3 days.
pub const SUNSET_MARGIN_SECONDS: u64 = 3 * 86_400;

/// `Err(SunsetStarted)` once the sunset's unbond start has passed: no AKT is bought or staked.
pub fn assert_not_started(deps: Deps, now: u64) -> Result<(), ContractError> {
    match SUNSET.may_load(deps.storage)? {
        Some(s) if now >= s.starts_at() => Err(ContractError::SunsetStarted {
            starts_at: s.starts_at(),
            at: s.at,
            now,
        }),
        _ => Ok(()),
    }
}

fn started(deps: Deps, now: u64) -> Result<Sunset, ContractError> {
    let sunset = SUNSET
        .may_load(deps.storage)?
        .ok_or(ContractError::NoSunset)?;
    if now < sunset.starts_at() {
        return Err(ContractError::SunsetNotStarted {
            starts_at: sunset.starts_at(),
            now,
        });
    }
    Ok(sunset)
}

pub fn set_sunset(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    at: u64,
    unbond_lead_seconds: u64,
    principal_to: PrincipalToMsg,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    let is_owner = super::owner_or_guardian(deps.storage, &info.sender)?;
    let config = CONFIG.load(deps.storage)?;
    let needed = config
        .unbonding_period_seconds
        .saturating_add(SUNSET_MARGIN_SECONDS);
    if unbond_lead_seconds < needed {
        return Err(ContractError::SunsetLeadTooShort {
            unbond_lead_seconds,
            needed,
            unbonding_period_seconds: config.unbonding_period_seconds,
            margin_seconds: SUNSET_MARGIN_SECONDS,
        });
    }
    let principal_to = match principal_to {
        PrincipalToMsg::Buyback => PrincipalTo::Buyback,
        PrincipalToMsg::Hold => PrincipalTo::Hold,
        PrincipalToMsg::Treasury { address } => PrincipalTo::Treasury {
            address: deps.api.addr_validate(&address)?,
        },
    };
    let now = env.block.time.seconds();
    let too_late = |starts_at: u64| ContractError::SunsetTooLate {
        at,
        unbond_lead_seconds,
        starts_at,
        now,
    };
    let starts_at = at.checked_sub(unbond_lead_seconds).ok_or(too_late(0))?;
    let current = SUNSET.may_load(deps.storage)?;
    let role = if is_owner { "owner" } else { "guardian" };
    match &current {
        None => {
            if !is_owner {
                return Err(ContractError::NoSunset);
            }
            if starts_at < now {
                return Err(too_late(starts_at));
            }
        }
        Some(c) => {
            let forward = at <= c.at && starts_at <= c.starts_at();
            if forward {
                // Bringing it forward is always allowed (the unbond may start at once), but
                // not past the cutover itself; the guardian cannot redirect the principal.
                if at <= now {
                    return Err(too_late(starts_at));
                }
                if !is_owner && principal_to != c.principal_to {
                    return Err(ContractError::GuardianCannotRedirect {
                        current: c.principal_to.name().into(),
                    });
                }
                // Second review: "forward" alone let the guardian keep `at` and stretch the
                // lead to start the unbond at once, a year early and irreversibly. A guardian's
                // move is bounded by what one unbonding period covers (Akash moving C earlier).
                let earliest = c
                    .owner_starts_at
                    .unwrap_or_else(|| c.starts_at())
                    .saturating_sub(needed);
                if !is_owner && starts_at < earliest {
                    return Err(ContractError::GuardianTooEarly {
                        starts_at,
                        earliest,
                    });
                }
            } else {
                // A delay: only the owner, only before the unbond started, and the new
                // start must still be ahead.
                if !is_owner || now >= c.starts_at() {
                    return Err(ContractError::SunsetDelayRefused {
                        current_at: c.at,
                        current_starts_at: c.starts_at(),
                        at,
                        starts_at,
                    });
                }
                if starts_at < now {
                    return Err(too_late(starts_at));
                }
            }
        }
    }
    let sunset = Sunset {
        at,
        unbond_lead_seconds,
        principal_to,
        unbond_started_at: current.as_ref().and_then(|c| c.unbond_started_at),
        principal_routed: current
            .as_ref()
            .map_or(Uint128::zero(), |c| c.principal_routed),
        owner_starts_at: if is_owner {
            Some(starts_at)
        } else {
            current
                .as_ref()
                .and_then(|c| c.owner_starts_at.or(Some(c.starts_at())))
        },
    };
    SUNSET.save(deps.storage, &sunset)?;
    let to = match &sunset.principal_to {
        PrincipalTo::Treasury { address } => address.to_string(),
        other => other.name().to_string(),
    };
    record(
        deps.storage,
        &env,
        "sunset_set",
        Uint128::zero(),
        &config.akt_denom,
        format!("cutover {at}, unbond from {starts_at}, principal to {to}, by {role}"),
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "sunset_set")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("role", role)
            .add_attribute("at", at.to_string())
            .add_attribute("unbond_lead_seconds", unbond_lead_seconds.to_string())
            .add_attribute("unbond_starts_at", starts_at.to_string())
            .add_attribute("principal_to", sunset.principal_to.name())
            .add_attribute("principal_address", to)
            .add_attribute(
                "previous_at",
                current.map_or("none".to_string(), |c| c.at.to_string()),
            ),
    ))
}

pub fn cancel_sunset(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    let sunset = SUNSET
        .may_load(deps.storage)?
        .ok_or(ContractError::NoSunset)?;
    let now = env.block.time.seconds();
    if now >= sunset.starts_at() {
        return Err(ContractError::SunsetStarted {
            starts_at: sunset.starts_at(),
            at: sunset.at,
            now,
        });
    }
    SUNSET.remove(deps.storage);
    let config = CONFIG.load(deps.storage)?;
    record(
        deps.storage,
        &env,
        "sunset_cancelled",
        Uint128::zero(),
        &config.akt_denom,
        format!("cutover {} was set", sunset.at),
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "sunset_cancelled")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("at", sunset.at.to_string()),
    ))
}

/// Permissionless: never refused for a pause or a halt (it only brings principal home).
pub fn begin_unbond(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    let now = env.block.time.seconds();
    let mut sunset = started(deps.as_ref(), now)?;
    let config = CONFIG.load(deps.storage)?;
    let mut b = BOOKS.load(deps.storage)?;
    let amount = b.staked.saturating_sub(b.unbond_requested);
    if amount.is_zero() {
        return Err(ContractError::NothingToUnbond {
            staked: b.staked,
            unbond_requested: b.unbond_requested,
        });
    }
    let first = sunset.unbond_started_at.is_none();
    sunset.unbond_started_at.get_or_insert(now);
    SUNSET.save(deps.storage, &sunset)?;
    let keeper = info.sender.as_str();
    match config.strategy.as_ref().ok_or(ContractError::NoStrategy)? {
        Strategy::Native { .. } => {
            let response = undelegate_native(deps, &env, &config, b, amount, "sunset_unbond")?;
            Ok(response.add_event(
                spice_event(TAG, "sunset_unbond_started")
                    .add_attribute("keeper", keeper)
                    .add_attribute("first", first.to_string())
                    .add_attribute("at", sunset.at.to_string()),
            ))
        }
        Strategy::Operator(op) => {
            books::checkpoint(&mut b, op.max_apr, now)?;
            b.unbond_requested = b.unbond_requested.checked_add(amount)?;
            BOOKS.save(deps.storage, &b)?;
            record(
                deps.storage,
                &env,
                "sunset_unbond",
                amount,
                &config.akt_denom,
                format!(
                    "operator: undelegate everything at {} and send it home before {}",
                    op.delegation_address, sunset.at
                ),
            )?;
            Ok(Response::new()
                .add_event(
                    spice_event(TAG, "sunset_unbond")
                        .add_attribute("strategy", "operator")
                        .add_attribute("amount", amount)
                        .add_attribute("unbond_requested", b.unbond_requested)
                        .add_attribute("delegation_address", &op.delegation_address)
                        .add_attribute("operator", op.operator.as_str()),
                )
                .add_event(
                    spice_event(TAG, "sunset_unbond_started")
                        .add_attribute("keeper", keeper)
                        .add_attribute("first", first.to_string())
                        .add_attribute("at", sunset.at.to_string()),
                ))
        }
    }
}

pub fn route_principal(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    cw_utils::nonpayable(&info)?;
    let now = env.block.time.seconds();
    let mut sunset = started(deps.as_ref(), now)?;
    let to = match &sunset.principal_to {
        PrincipalTo::Hold => return Err(ContractError::PrincipalHeld),
        PrincipalTo::Buyback => CONFIG.load(deps.storage)?.revenue_recipient,
        PrincipalTo::Treasury { address } => address.clone(),
    };
    let config = CONFIG.load(deps.storage)?;
    let apr = max_apr(&config);
    let mut b = BOOKS.load(deps.storage)?;
    // Native entries that matured were paid into the bank: settle them first (as `sync`).
    let mut lost = Uint128::zero();
    if matches!(config.strategy, Some(Strategy::Native { .. })) {
        let mut surplus = akt_surplus(deps.as_ref(), &env, &config, &b)?;
        lost = settle_matured(deps.storage, &mut b, &config, &mut surplus, now)?.lost;
    }
    let (returned, pending) = (b.returned, b.pending);
    let amount = returned.checked_add(pending)?;
    if amount.is_zero() {
        return Err(ContractError::NothingToRoute);
    }
    let balance = crate::chain::balance(&deps.querier, &env.contract.address, &config.akt_denom)?;
    let needed = backed_by_bank(&b)?;
    if balance < needed {
        return Err(ContractError::Unbacked { balance, needed });
    }
    books::apply(&mut b, Transition::PayOut, returned, apr, now)?;
    books::apply(&mut b, Transition::PayOutPending, pending, apr, now)?;
    BOOKS.save(deps.storage, &b)?;
    sunset.principal_routed = sunset.principal_routed.checked_add(amount)?;
    SUNSET.save(deps.storage, &sunset)?;
    record(
        deps.storage,
        &env,
        "sunset_principal_routed",
        amount,
        &config.akt_denom,
        format!("{} to {to}", sunset.principal_to.name()),
    )?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: to.to_string(),
            amount: coins(amount.u128(), &config.akt_denom),
        })
        .add_event(
            spice_event(TAG, "sunset_principal_routed")
                .add_attribute("keeper", info.sender.as_str())
                .add_attribute("principal_to", sunset.principal_to.name())
                .add_attribute("to", to.as_str())
                .add_attribute("amount", amount)
                .add_attribute("returned", returned)
                .add_attribute("pending", pending)
                .add_attribute("lost", lost)
                .add_attribute("principal_routed", sunset.principal_routed),
        ))
}

/// Owner: the fallback for new proceeds.
///
/// * `direct_buyback` / `null`: only the marker changes (`convert` refused / allowed again).
/// * `osmo_staking { validators }` — staking that does not depend on Akash (issue 20):
///   1. allowed only while the books hold none of the current staking denom (pending, in
///      flight, at the operator, staked, unbonding, returned, arrivals, asked back, revenue:
///      the rule that freezes `akt_denom`) and no native unbonding entry is open — after a
///      completed sunset, or before any AKT was bought;
///   2. the validators are checked like the native strategy's (1 to MAX_VALIDATORS, distinct,
///      known to the staking module), equal weights;
///   3. the staking denom becomes the chain's bond denom (the staking querier's, `uosmo` on
///      Osmosis) and the strategy `native` over the validators;
///   4. the books start afresh in the new denom: the cumulative AKT figures (`acquired`,
///      `unbonded_out`, `lost`, `revenue_harvested`, `harvest_bounties`) would otherwise add
///      OSMO to AKT; they are kept in the event and the history entry, and the books'
///      invariant (`buckets + unbonded_out + lost == acquired`) holds from zero;
///   5. proceeds (and held coins) already waiting in the bond denom are in the bank: they
///      become acquired and pending at once (the new denom needs no swap), so bank == books
///      holds for it; the bond denom's own route (which led to AKT) is removed;
///   6. a sunset, whose work is done (nothing of AKT away), is retired: it concerned AKT and
///      must not freeze `convert`/`stake` of OSMO or let a keeper undelegate the OSMO stake.
///      Its figures stay in the history. Governance may set a new sunset later.
///
///   Routes still ending in AKT are refused by `convert` (`check_route_end`) until governance
///   sets routes to OSMO. `null` or `direct_buyback` afterwards keep the staking denom OSMO.
pub fn set_fallback(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    mode: Option<FallbackMode>,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    let name = mode.as_ref().map_or("none", FallbackMode::name);
    let mut event = spice_event(TAG, "set_fallback")
        .add_attribute("sender", info.sender.as_str())
        .add_attribute("mode", name);
    let mut config = CONFIG.load(deps.storage)?;
    let mut detail = name.to_string();
    if let Some(FallbackMode::OsmoStaking { validators }) = &mode {
        // The input first, then the state.
        let strategy = validate_strategy(
            deps.as_ref(),
            StrategyMsg::Native {
                validators: validators
                    .iter()
                    .map(|address| WeightedValidator {
                        address: address.clone(),
                        weight: 1,
                    })
                    .collect(),
            },
        )?;
        let now = env.block.time.seconds();
        let b = BOOKS.load(deps.storage)?;
        let held = denom_held(&b)?;
        if !held.is_zero() {
            return Err(ContractError::AktDenomInUse {
                akt_denom: config.akt_denom,
                held,
            });
        }
        if let Some(entry) = UNBONDINGS
            .range(deps.storage, None, None, Order::Ascending)
            .next()
        {
            let (id, entry) = entry?;
            return Err(ContractError::UnbondingEntryOpen {
                id,
                amount: entry.amount,
            });
        }
        let bond_denom = deps.querier.query_bonded_denom()?;
        let previous_denom = std::mem::replace(&mut config.akt_denom, bond_denom.clone());
        config.strategy = Some(strategy);
        CONFIG.save(deps.storage, &config)?;
        // Proceeds and held coins of the bond denom are in the bank: now they are the staking
        // denom itself.
        let waiting = PROCEEDS
            .may_load(deps.storage, &bond_denom)?
            .unwrap_or_default()
            .checked_add(
                HELD.may_load(deps.storage, &bond_denom)?
                    .unwrap_or_default(),
            )?;
        PROCEEDS.remove(deps.storage, &bond_denom);
        HELD.remove(deps.storage, &bond_denom);
        ROUTES.remove(deps.storage, &bond_denom);
        let mut fresh = Books {
            checkpoint_at: now,
            ..Books::default()
        };
        if !waiting.is_zero() {
            books::apply(
                &mut fresh,
                Transition::Acquire,
                waiting,
                max_apr(&config),
                now,
            )?;
        }
        BOOKS.save(deps.storage, &fresh)?;
        let retired = SUNSET.may_load(deps.storage)?;
        SUNSET.remove(deps.storage);
        let retired_at = retired
            .as_ref()
            .map_or("none".to_string(), |s| s.at.to_string());
        detail = format!(
            "{name}: staking {bond_denom} (was {previous_denom}) with {}; {previous_denom} \
             acquired {}, unbonded_out {}, lost {}, revenue_harvested {}; sunset retired: \
             {retired_at}",
            validators.join(","),
            b.acquired,
            b.unbonded_out,
            b.lost,
            b.revenue_harvested,
        );
        event = event
            .add_attribute("validators", validators.join(","))
            .add_attribute("staking_denom", &bond_denom)
            .add_attribute("previous_denom", &previous_denom)
            .add_attribute("previous_acquired", b.acquired)
            .add_attribute("previous_unbonded_out", b.unbonded_out)
            .add_attribute("previous_lost", b.lost)
            .add_attribute("previous_revenue_harvested", b.revenue_harvested)
            .add_attribute("previous_harvest_bounties", b.harvest_bounties)
            .add_attribute("moved_to_pending", waiting)
            .add_attribute("sunset_retired", retired_at);
    }
    match &mode {
        Some(m) => FALLBACK.save(deps.storage, m)?,
        None => FALLBACK.remove(deps.storage),
    }
    record(
        deps.storage,
        &env,
        "set_fallback",
        Uint128::zero(),
        &config.akt_denom,
        detail,
    )?;
    Ok(Response::new().add_event(event))
}

/// Under `direct_buyback`: the denom's waiting proceeds go to the revenue recipient, which
/// swaps them under its own guard and caps. No bounty: nothing is swapped here.
pub fn forward_proceeds(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    denom: String,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    cw_utils::nonpayable(&info)?;
    spice_types::validate_denom(&denom)?;
    if FALLBACK.may_load(deps.storage)? != Some(FallbackMode::DirectBuyback) {
        return Err(ContractError::NoFallback);
    }
    let amount = PROCEEDS.may_load(deps.storage, &denom)?.unwrap_or_default();
    if amount.is_zero() {
        return Err(ContractError::NothingToForward { denom });
    }
    PROCEEDS.remove(deps.storage, &denom);
    let config = CONFIG.load(deps.storage)?;
    record(
        deps.storage,
        &env,
        "proceeds_forwarded",
        amount,
        &denom,
        format!("to {}", config.revenue_recipient),
    )?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: config.revenue_recipient.to_string(),
            amount: coins(amount.u128(), &denom),
        })
        .add_event(
            spice_event(TAG, "proceeds_forwarded")
                .add_attribute("keeper", info.sender.as_str())
                .add_attribute("denom", &denom)
                .add_attribute("amount", amount)
                .add_attribute("to", config.revenue_recipient.as_str()),
        ))
}

/// The timeline, what is still away from home, and whether the time left is enough.
pub fn status(deps: Deps, env: Env) -> Result<SunsetStatusResponse, ContractError> {
    let now = env.block.time.seconds();
    let config = CONFIG.load(deps.storage)?;
    let b = BOOKS.load(deps.storage)?;
    let sunset = SUNSET.may_load(deps.storage)?;
    let in_flight = b.transferring.checked_add(b.at_operator)?;
    let to_unbond = b.staked.checked_add(in_flight)?;
    let full = config
        .unbonding_period_seconds
        .saturating_add(SUNSET_MARGIN_SECONDS);
    let seconds_needed = if !to_unbond.is_zero() {
        full
    } else if !b.unbonding.is_zero() {
        match &config.strategy {
            Some(Strategy::Native { .. }) => {
                let mut last = 0u64;
                for entry in UNBONDINGS
                    .range(deps.storage, None, None, Order::Ascending)
                    .take(MAX_UNBONDINGS)
                {
                    last = last.max(entry?.1.matures_at);
                }
                last.saturating_add(MATURITY_MARGIN_SECONDS)
                    .saturating_sub(now)
            }
            // The operator undelegated at the earliest when the sunset unbond began.
            _ => sunset
                .as_ref()
                .and_then(|s| s.unbond_started_at)
                .unwrap_or(now)
                .saturating_add(full)
                .saturating_sub(now),
        }
    } else {
        0
    };
    let away = to_unbond.checked_add(b.unbonding)?;
    let (phase, starts_at, to_start, to_cutover, risk) = match &sunset {
        None => (SunsetPhase::None, None, 0, 0, false),
        Some(s) => {
            let phase = if now >= s.at {
                SunsetPhase::PastCutover
            } else if now < s.starts_at() {
                SunsetPhase::Scheduled
            } else if away.is_zero() {
                SunsetPhase::Home
            } else {
                SunsetPhase::Unbonding
            };
            let to_cutover = s.at.saturating_sub(now);
            (
                phase,
                Some(s.starts_at()),
                s.starts_at().saturating_sub(now),
                to_cutover,
                to_cutover < seconds_needed,
            )
        }
    };
    Ok(SunsetStatusResponse {
        fallback: FALLBACK.may_load(deps.storage)?,
        sunset,
        phase,
        now,
        unbond_starts_at: starts_at,
        seconds_to_unbond_start: to_start,
        seconds_to_cutover: to_cutover,
        staked: b.staked,
        unbonding: b.unbonding,
        in_flight,
        unbond_requested: b.unbond_requested,
        at_home: b.pending.checked_add(b.returned)?,
        seconds_needed,
        sunset_risk: risk,
    })
}
