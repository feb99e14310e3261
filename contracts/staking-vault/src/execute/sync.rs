//! Every coin the vault holds is on its books.
//!
//! Coins reach the vault outside `deposit` and swap replies: the escrow pays take fees by plain
//! bank send, anyone may donate, the staking module pays accrued rewards on its own whenever a
//! delegation changes, and native unbondings are paid at maturity. `sync` books what the bank
//! holds beyond the books, per denom:
//!
//! | denom | surplus (`bank − books`) is booked as |
//! |---|---|
//! | AKT, native strategy | first the matured unbonding entries (ascending id) → `returned`; an entry the surplus cannot cover matured short (slashed while unbonding): the rest is `lost`; what remains → acquired (`pending`, to stake) |
//! | AKT, operator strategy / none | acquired (`pending`). Never a return: the operator's AKT comes home only through ibc-hooks `receive_return`, so a fee or a donation can never back a `confirm_returned` / `confirm_rewards` |
//! | a routed denom | proceeds (`convert` swaps them) |
//! | any other denom | held (`status.held`); `set_route` turns it into proceeds |
//!
//! Rewards the staking module pays on `stake` / `unbond` are booked in their reply as revenue
//! (the balance after the messages minus what it would be without rewards), so `sync` never
//! sees them.
//!
//! An unbonding entry counts as matured only once `matures_at < now`: the chain pays it in the
//! end-blocker of the block whose time reaches `matures_at`, after that block's transactions.

use cosmwasm_std::{
    Addr, Api, CanonicalAddr, Coin, Deps, DepsMut, Env, MessageInfo, Order, Reply, Response,
    StdResult, Storage, Uint128,
};
use sha2::{Digest, Sha256};
use spice_types::{spice_event, validate_denom};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::books::{self, backed_by_bank, max_apr, record, Transition};
use crate::execute::config::{MAX_ROUTES, MAX_UNBONDINGS, MAX_VALIDATORS};
use crate::msg::{LossKind, ReturnKind};
use crate::state::{
    Books, Config, Strategy, Unbonding, BOOKS, CONFIG, HELD, PROCEEDS, ROUTES, STAKING_IN_FLIGHT,
    UNBONDINGS, VALIDATOR_STAKE,
};

pub const STAKING_REPLY_ID: u64 = 6;
/// How long after its maturity an unbonding entry may still be paid before a shortfall counts
/// as a loss: the chain pays after the transactions of the block that reaches the completion
/// time, and its unbonding time may differ slightly from the configured one.
pub const MATURITY_MARGIN_SECONDS: u64 = 3_600;

/// Most denoms one `sync` names.
pub const MAX_SYNC_DENOMS: usize = 10;
const DAY_SECONDS: u64 = 86_400;

/// What booking the AKT surplus did.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct AktBooked {
    pub returned: Uint128,
    pub lost: Uint128,
    pub acquired: Uint128,
}

/// The vault's AKT balance beyond its books (zero when the books need more than the bank has).
pub fn akt_surplus(deps: Deps, env: &Env, config: &Config, b: &Books) -> StdResult<Uint128> {
    let balance = crate::chain::balance(&deps.querier, &env.contract.address, &config.akt_denom)?;
    Ok(balance.saturating_sub(backed_by_bank(b).unwrap_or(Uint128::MAX)))
}

/// Native: settles matured unbonding entries against `surplus` (see the module docs).
pub fn settle_matured(
    storage: &mut dyn Storage,
    b: &mut Books,
    config: &Config,
    surplus: &mut Uint128,
    now: u64,
) -> Result<AktBooked, ContractError> {
    let mut booked = AktBooked::default();
    let matured: Vec<(u64, Unbonding)> = UNBONDINGS
        .range(storage, None, None, Order::Ascending)
        .take(MAX_UNBONDINGS)
        .filter(|r| r.as_ref().map_or(true, |(_, u)| u.matures_at < now))
        .collect::<StdResult<_>>()?;
    let apr = max_apr(config);
    for (id, entry) in matured {
        let arrived = entry.amount.min(*surplus);
        let short = entry.amount.checked_sub(arrived)?;
        *surplus = surplus.checked_sub(arrived)?;
        if !arrived.is_zero() {
            books::apply(b, Transition::ReturnArrived, arrived, apr, now)?;
        }
        booked.returned = booked.returned.checked_add(arrived)?;
        if short.is_zero() {
            UNBONDINGS.remove(storage, id);
        } else if entry.matures_at.saturating_add(MATURITY_MARGIN_SECONDS) < now {
            books::apply(b, Transition::UnbondingLoss, short, apr, now)?;
            booked.lost = booked.lost.checked_add(short)?;
            UNBONDINGS.remove(storage, id);
        } else {
            // The staking module pays a matured entry in the end-blocker of the first block
            // at or past its completion time, after that block's transactions: a shortfall is
            // only a loss once the margin has passed. Until then the entry waits for the rest
            // (the surplus is used up, so nothing is booked as acquired meanwhile).
            UNBONDINGS.save(
                storage,
                id,
                &Unbonding {
                    amount: short,
                    matures_at: entry.matures_at,
                },
            )?;
        }
    }
    Ok(booked)
}

/// Books the AKT surplus by the module's rule.
pub fn book_akt(
    deps: &mut DepsMut,
    env: &Env,
    config: &Config,
    b: &mut Books,
) -> Result<AktBooked, ContractError> {
    let now = env.block.time.seconds();
    let mut surplus = akt_surplus(deps.as_ref(), env, config, b)?;
    let mut booked = match config.strategy {
        Some(Strategy::Native { .. }) => {
            settle_matured(deps.storage, b, config, &mut surplus, now)?
        }
        _ => AktBooked::default(),
    };
    if !surplus.is_zero() {
        books::apply(b, Transition::Acquire, surplus, max_apr(config), now)?;
        booked.acquired = surplus;
    }
    Ok(booked)
}

pub fn sync(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    denoms: Option<Vec<String>>,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let denoms = match denoms {
        Some(d) => {
            if d.is_empty() || d.len() > MAX_SYNC_DENOMS {
                return Err(ContractError::TooManyDenoms {
                    count: d.len(),
                    max: MAX_SYNC_DENOMS,
                });
            }
            for denom in &d {
                validate_denom(denom)?;
            }
            let mut d = d;
            d.sort();
            d.dedup();
            d
        }
        None => {
            let mut d: Vec<String> = ROUTES
                .keys(deps.storage, None, None, Order::Ascending)
                .take(MAX_ROUTES)
                .collect::<StdResult<_>>()?;
            d.insert(0, config.akt_denom.clone());
            d
        }
    };
    let mut event = spice_event(TAG, "sync").add_attribute("sender", info.sender.as_str());
    let mut booked_any = false;
    let mut proceeds = vec![];
    let mut held = vec![];
    for denom in denoms {
        if denom == config.akt_denom {
            let mut b = BOOKS.load(deps.storage)?;
            let akt = book_akt(&mut deps, &env, &config, &mut b)?;
            BOOKS.save(deps.storage, &b)?;
            if akt != AktBooked::default() {
                booked_any = true;
                record(
                    deps.storage,
                    &env,
                    "sync",
                    akt.acquired,
                    &config.akt_denom,
                    format!("returned {}, lost {}", akt.returned, akt.lost),
                )?;
            }
            event = event
                .add_attribute("akt_acquired", akt.acquired)
                .add_attribute("akt_returned", akt.returned)
                .add_attribute("akt_lost", akt.lost)
                .add_attribute("pending", b.pending);
            continue;
        }
        let bank = crate::chain::balance(&deps.querier, &env.contract.address, &denom)?;
        let routed = ROUTES.has(deps.storage, &denom);
        let map = if routed { PROCEEDS } else { HELD };
        let booked = map.may_load(deps.storage, &denom)?.unwrap_or_default();
        let surplus = bank.saturating_sub(booked);
        if surplus.is_zero() {
            continue;
        }
        booked_any = true;
        map.save(deps.storage, &denom, &booked.checked_add(surplus)?)?;
        let coin = Coin::new(surplus, &denom).to_string();
        record(
            deps.storage,
            &env,
            "sync",
            surplus,
            &denom,
            if routed { "proceeds" } else { "held" }.into(),
        )?;
        if routed {
            proceeds.push(coin);
        } else {
            held.push(coin);
        }
    }
    if !booked_any {
        return Err(ContractError::NothingToSync);
    }
    Ok(Response::new().add_event(
        event
            .add_attribute("proceeds", proceeds.join(","))
            .add_attribute("held", held.join(",")),
    ))
}

/// The address ibc-hooks executes as for a packet from `original_sender` arriving on
/// `channel`: `sha256(sha256("ibc-wasm-hook-intermediary") ‖ "<channel>/<original_sender>")`
/// (Osmosis' `DeriveIntermediateSender`).
pub fn ibc_hooks_sender(api: &dyn Api, channel: &str, original_sender: &str) -> StdResult<Addr> {
    let type_hash = Sha256::digest(b"ibc-wasm-hook-intermediary");
    let mut hasher = Sha256::new();
    hasher.update(type_hash);
    hasher.update(format!("{channel}/{original_sender}").as_bytes());
    let hash = hasher.finalize();
    api.addr_humanize(&CanonicalAddr::from(hash.to_vec()))
}

pub fn receive_return(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    kind: ReturnKind,
) -> Result<Response, ContractError> {
    // Never refused for a pause or a halt: refusing would bounce principal back to Akash.
    let config = CONFIG.load(deps.storage)?;
    let op = match &config.strategy {
        Some(Strategy::Operator(op)) => op.clone(),
        Some(other) => {
            return Err(ContractError::WrongStrategy {
                expected: "operator".into(),
                actual: other.kind().into(),
            })
        }
        None => return Err(ContractError::NoStrategy),
    };
    let expected = ibc_hooks_sender(deps.api, &op.channel, &op.delegation_address)?;
    if info.sender != expected {
        return Err(ContractError::NotDelegationAddress {
            expected: expected.to_string(),
            sender: info.sender.to_string(),
        });
    }
    let amount = match info.funds.as_slice() {
        [c] if c.denom == config.akt_denom && !c.amount.is_zero() => c.amount,
        funds => {
            return Err(ContractError::WrongReturnFunds {
                akt_denom: config.akt_denom.clone(),
                funds: funds
                    .iter()
                    .map(Coin::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            })
        }
    };
    let now = env.block.time.seconds();
    let mut b = BOOKS.load(deps.storage)?;
    books::checkpoint(&mut b, op.max_apr, now)?;
    // Held up to what a confirmation can still explain; any excess is acquired principal.
    let (room, name) = match kind {
        ReturnKind::Principal => (b.unbonding.saturating_sub(b.returns_arrived), "principal"),
        ReturnKind::Rewards => (
            b.reward_allowance.saturating_sub(b.rewards_arrived),
            "rewards",
        ),
    };
    let held = amount.min(room);
    let slot = match kind {
        ReturnKind::Principal => &mut b.returns_arrived,
        ReturnKind::Rewards => &mut b.rewards_arrived,
    };
    *slot = slot.checked_add(held)?;
    let excess = amount.checked_sub(held)?;
    if !excess.is_zero() {
        books::apply(&mut b, Transition::Acquire, excess, op.max_apr, now)?;
    }
    BOOKS.save(deps.storage, &b)?;
    record(
        deps.storage,
        &env,
        "receive_return",
        amount,
        &config.akt_denom,
        format!("{name}: held {held}, acquired {excess}"),
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "receive_return")
            .add_attribute("kind", name)
            .add_attribute("amount", amount)
            .add_attribute("held", held)
            .add_attribute("acquired", excess),
    ))
}

pub fn reconcile_native(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    match &config.strategy {
        Some(Strategy::Native { .. }) => {}
        Some(other) => {
            return Err(ContractError::WrongStrategy {
                expected: "native".into(),
                actual: other.kind().into(),
            })
        }
        None => return Err(ContractError::NoStrategy),
    }
    let stakes: Vec<(String, Uint128)> = VALIDATOR_STAKE
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_VALIDATORS)
        .collect::<StdResult<_>>()?;
    let mut lost = Uint128::zero();
    let mut per_validator = vec![];
    for (validator, booked) in stakes {
        let on_chain = crate::chain::delegated(
            &deps.querier,
            env.contract.address.as_str(),
            &validator,
            &config.akt_denom,
        )?;
        // Never up: a delegation above the books is not the vault's to claim here.
        if on_chain >= booked {
            continue;
        }
        let short = booked.checked_sub(on_chain)?;
        lost = lost.checked_add(short)?;
        if on_chain.is_zero() {
            VALIDATOR_STAKE.remove(deps.storage, &validator);
        } else {
            VALIDATOR_STAKE.save(deps.storage, &validator, &on_chain)?;
        }
        per_validator.push(format!("{validator}:{short}"));
    }
    if lost.is_zero() {
        return Err(ContractError::NothingToReconcile);
    }
    let mut b = BOOKS.load(deps.storage)?;
    books::apply(
        &mut b,
        Transition::Loss,
        lost,
        max_apr(&config),
        env.block.time.seconds(),
    )?;
    BOOKS.save(deps.storage, &b)?;
    record(
        deps.storage,
        &env,
        "reconcile_native",
        lost,
        &config.akt_denom,
        per_validator.join(","),
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "reconcile_native")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("lost", lost)
            .add_attribute("validators", per_validator.join(","))
            .add_attribute("staked", b.staked),
    ))
}

pub fn book_loss(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    kind: LossKind,
    amount: Uint128,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    super::owner_or_guardian(deps.storage, &info.sender)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let config = CONFIG.load(deps.storage)?;
    let op = match &config.strategy {
        Some(Strategy::Operator(op)) => op.clone(),
        Some(other) => {
            return Err(ContractError::WrongStrategy {
                expected: "operator".into(),
                actual: other.kind().into(),
            })
        }
        None => return Err(ContractError::NoStrategy),
    };
    let now = env.block.time.seconds();
    let mut b = BOOKS.load(deps.storage)?;
    let day = now / DAY_SECONDS;
    if b.loss_day != day || b.loss_base.is_zero() {
        b.loss_day = day;
        b.loss_today = Uint128::zero();
        b.loss_base = b.staked.checked_add(b.unbonding)?;
    }
    // Rounded down: the bound is the protocol's.
    let bound = b.loss_base.mul_floor(config.max_daily_loss);
    let booked = b.loss_today.checked_add(amount)?;
    if booked > bound {
        return Err(ContractError::LossAboveDailyBound {
            amount,
            booked: b.loss_today,
            bound,
            max_daily_loss: config.max_daily_loss,
            base: b.loss_base,
        });
    }
    let transition = match kind {
        LossKind::Staked => Transition::Loss,
        LossKind::Unbonding => Transition::UnbondingLoss,
    };
    books::apply(&mut b, transition, amount, op.max_apr, now)?;
    // What the owner asked to unbond cannot exceed what is left staked.
    b.unbond_requested = b.unbond_requested.min(b.staked);
    b.loss_today = booked;
    BOOKS.save(deps.storage, &b)?;
    let name = match kind {
        LossKind::Staked => "staked",
        LossKind::Unbonding => "unbonding",
    };
    record(
        deps.storage,
        &env,
        "book_loss",
        amount,
        &config.akt_denom,
        format!("{name} by {}", info.sender),
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "book_loss")
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("kind", name)
            .add_attribute("amount", amount)
            .add_attribute("loss_today", b.loss_today)
            .add_attribute("bound", bound)
            .add_attribute("lost", b.lost),
    ))
}

/// The reply after native `Delegate` / `Undelegate` messages: what the staking module paid on
/// its own (accrued rewards) is revenue.
pub fn staking_reply(deps: DepsMut, env: Env, _reply: Reply) -> Result<Response, ContractError> {
    let flight = STAKING_IN_FLIGHT
        .may_load(deps.storage)?
        .ok_or(ContractError::NothingInFlight)?;
    STAKING_IN_FLIGHT.remove(deps.storage);
    let config = CONFIG.load(deps.storage)?;
    let balance = crate::chain::balance(&deps.querier, &env.contract.address, &config.akt_denom)?;
    let rewards = balance.saturating_sub(flight.expected_balance);
    if rewards.is_zero() {
        return Ok(Response::new());
    }
    let mut b = BOOKS.load(deps.storage)?;
    b.revenue_pending = b.revenue_pending.checked_add(rewards)?;
    BOOKS.save(deps.storage, &b)?;
    record(
        deps.storage,
        &env,
        "rewards_withdrawn",
        rewards,
        &config.akt_denom,
        format!("paid by the staking module on {}", flight.action),
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "rewards_withdrawn")
            .add_attribute("action", flight.action)
            .add_attribute("amount", rewards)
            .add_attribute("revenue_pending", b.revenue_pending),
    ))
}

/// Held coins of `denom` become proceeds (when a route is set), or proceeds become held (when
/// it is removed), so `sync` keeps comparing the bank with one bucket per denom.
pub fn move_between(
    storage: &mut dyn Storage,
    denom: &str,
    to_proceeds: bool,
) -> Result<Uint128, ContractError> {
    let (from, to) = if to_proceeds {
        (HELD, PROCEEDS)
    } else {
        (PROCEEDS, HELD)
    };
    let amount = from.may_load(storage, denom)?.unwrap_or_default();
    if !amount.is_zero() {
        from.remove(storage, denom);
        let total = to
            .may_load(storage, denom)?
            .unwrap_or_default()
            .checked_add(amount)?;
        to.save(storage, denom, &total)?;
    }
    Ok(amount)
}
