//! staking-vault on the operator strategy: proceeds in, TWAP-guarded conversion to AKT, IBC
//! transfers to the operator's delegation address and their relayed outcomes, the operator's
//! bounded reports, harvests to buyback-burn, the owner's unbonds and claims — and the market
//! moving the OSMO/AKT price under it, and escrow take fees landing in its bank.
//!
//! Invariants (after every step):
//! - AKT accounted by state equals AKT bought minus AKT paid out: `pending + transferring +
//!   at_operator + staked + unbonding + returned + lost == acquired − unbonded_out`, and
//!   `acquired` is every AKT deposit plus every conversion's output (ghost, from `convert`
//!   events);
//! - principal never leaves without the owner: `unbonded_out` is exactly what the owner paid out
//!   with `claim_unbonded { recipient }` (ghost), and no one else's claim or unbond is accepted;
//! - every coin the vault holds is on its books, or arrived by plain bank send since the last
//!   `sync` (escrow take fees, the model's fees; ghost): AKT `bank == pending + returned +
//!   revenue_pending + returns_arrived + rewards_arrived + unsynced`, OSMO `bank == waiting +
//!   held`, USDC (no route) `bank == held + unsynced` — equalities, not `≥`;
//! - the operator's arrivals come only through ibc-hooks `receive_return` from the delegation
//!   address; a plain arrival never backs a confirmation;
//! - the IBC escrow holds `transferring` plus every acknowledged transfer (ghost), and what
//!   reached Akash is accounted for: `acked == at_operator + staked + unbonding + lost +
//!   returned by the operator` (ghost, from accepted `confirm_returned` reports).

use cosmwasm_std::{coin, Decimal, Uint128};
use proptest_derive::Arbitrary as PropArbitrary;
use spice_suite::flows::AKASH_CHANNEL;
use spice_suite::{AKT_DENOM, OSMO_DENOM, USDC_DENOM};
use spice_testing::{
    ibc_escrow_address, ibc_pending_packets, relay_ack, relay_error_ack, relay_timeout,
};
use staking_vault::msg::{ExecuteMsg, StrategyMsg};

use crate::common::{Amount, Caller, Share, Time, User};
use crate::world::{attr, ensure, funds, Step, World, DELEGATION_ADDRESS};

/// A proceeds denom: OSMO has a route to AKT, AKT is principal itself, USDC has no route.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaultDenom {
    #[proptest(weight = 3)]
    Osmo,
    #[proptest(weight = 2)]
    Akt,
    Usdc,
}

impl VaultDenom {
    pub fn denom(self) -> &'static str {
        match self {
            VaultDenom::Osmo => OSMO_DENOM,
            VaultDenom::Akt => AKT_DENOM,
            VaultDenom::Usdc => USDC_DENOM,
        }
    }
}

/// The operator's Akash tx hash: a fresh one, the last one again (refused), or malformed.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    #[proptest(weight = 6)]
    Fresh,
    Reused,
    Invalid,
}

/// What the relayer brings back for the oldest packet in flight.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relay {
    #[proptest(weight = 4)]
    Ack,
    ErrorAck,
    /// Past the transfer's timeout first.
    Timeout,
}

/// Where the sunset sends the principal.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SunsetTo {
    #[proptest(weight = 2)]
    Buyback,
    Treasury,
    Hold,
}

/// When a sunset's unbond starts, from now.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SunsetStart {
    /// At once (in time, exactly).
    #[proptest(weight = 3)]
    Now,
    InAnHour,
    InADay,
    /// An hour ago: too late for a new sunset or a delay; a forward move may still go.
    AnHourAgo,
}

impl SunsetStart {
    fn offset(self) -> i64 {
        match self {
            SunsetStart::Now => 0,
            SunsetStart::InAnHour => 3_600,
            SunsetStart::InADay => 86_400,
            SunsetStart::AnHourAgo => -3_600,
        }
    }
}

/// A sunset's lead: the shortest allowed, a day longer, or a second too short.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SunsetLead {
    #[proptest(weight = 4)]
    Shortest,
    PlusADay,
    TooShort,
}

/// A pool the market trades on, and which side it sells.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Market {
    SellOsmoForAkt,
    SellAktForOsmo,
    SellOsmoForSpice,
    SellSpiceForOsmo,
}

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Debug)]
pub enum VaultAction {
    #[proptest(weight = 4)]
    Deposit {
        from: User,
        denom: VaultDenom,
        amount: Amount,
    },
    #[proptest(weight = 3)]
    Convert {
        keeper: User,
        denom: Option<VaultDenom>,
        limit: Option<Amount>,
    },
    #[proptest(weight = 3)]
    Stake {
        keeper: User,
    },
    #[proptest(weight = 2)]
    Harvest {
        keeper: User,
    },
    #[proptest(weight = 3)]
    Relay(Relay),
    #[proptest(weight = 3)]
    ConfirmDelegation {
        share: Share,
        hash: Hash,
    },
    /// A share of the reward allowance; `arrived`: the rewards' IBC transfer lands first.
    #[proptest(weight = 2)]
    ConfirmRewards {
        share: Share,
        arrived: bool,
        hash: Hash,
    },
    /// A share of what the owner asked to unbond.
    #[proptest(weight = 2)]
    ConfirmUndelegation {
        share: Share,
        hash: Hash,
    },
    /// A share of what is unbonding; `arrived`: the AKT lands first.
    #[proptest(weight = 2)]
    ConfirmReturned {
        share: Share,
        arrived: bool,
        hash: Hash,
    },
    /// A share of what is staked; always halts.
    ReportLoss {
        share: Share,
        hash: Hash,
    },
    /// Someone else sends the operator's report: refused.
    ImpostorReport {
        user: User,
        share: Share,
    },
    /// A share of what is staked and not yet requested.
    #[proptest(weight = 2)]
    Unbond {
        caller: Caller,
        share: Share,
    },
    #[proptest(weight = 2)]
    ClaimUnbonded {
        caller: Caller,
        to: Option<User>,
    },
    ResumeStrategy {
        caller: Caller,
    },
    Pause {
        caller: Caller,
    },
    Unpause {
        caller: Caller,
    },
    /// Sets (true) or removes (false) the OSMO route.
    SetOsmoRoute {
        caller: Caller,
        on: bool,
    },
    /// Re-sets the operator strategy with other bounds (refused while anything is in flight).
    Retune {
        caller: Caller,
        max_apr_percent: u8,
        max_daily_outflow: Amount,
    },
    UpdateConfig {
        caller: Caller,
        keeper_bounty_bps: u16,
        per_convert_cap: Option<Amount>,
        cooldown: Option<Time>,
    },
    /// Escrow take fees (or any AKT) landing in the vault's bank by plain transfer.
    FeeLands {
        amount: Amount,
    },
    /// Anyone books what arrived by plain send; `usdc`: names USDC (unrouted) besides AKT.
    #[proptest(weight = 2)]
    Sync {
        keeper: User,
        usdc: bool,
    },
    /// The market trades, moving spot away from TWAP.
    Trade {
        market: Market,
        amount: Amount,
    },
    #[proptest(weight = 3)]
    Advance(Time),
    /// Governance sets or moves the sunset.
    #[proptest(weight = 3)]
    SetSunset {
        caller: Caller,
        start: SunsetStart,
        lead: SunsetLead,
        to: SunsetTo,
    },
    CancelSunset {
        caller: Caller,
    },
    #[proptest(weight = 2)]
    BeginSunsetUnbond {
        keeper: User,
    },
    #[proptest(weight = 2)]
    RouteSunsetPrincipal {
        keeper: User,
    },
    /// Governance sets (true) or clears the `direct_buyback` fallback.
    #[proptest(weight = 2)]
    SetFallback {
        caller: Caller,
        on: bool,
    },
    /// A keeper forwards waiting proceeds under the fallback.
    #[proptest(weight = 2)]
    ForwardProceeds {
        keeper: User,
        denom: VaultDenom,
    },
}

/// The shortest sunset lead the deployed vault accepts: Akash's 21-day unbonding + the margin.
const SUNSET_LEAD: u64 = 21 * 86_400 + staking_vault::SUNSET_MARGIN_SECONDS;

fn sunset_status(w: &World) -> staking_vault::msg::SunsetStatusResponse {
    w.query(
        &w.suite.staking_vault.address,
        &staking_vault::msg::QueryMsg::SunsetStatus {},
    )
}

/// The sunset's unbond has started: nothing may be bought or staked.
fn sunset_started(w: &World) -> bool {
    let st = sunset_status(w);
    st.unbond_starts_at.is_some_and(|s| st.now >= s)
}

fn hash(w: &mut World, h: Hash) -> String {
    match h {
        Hash::Fresh => w.hash(),
        Hash::Reused => w.last_hash(),
        Hash::Invalid => "not-a-hash".into(),
    }
}

/// The operator's reward allowance as the contract will compute it at this block.
fn allowance_now(w: &World) -> u128 {
    let b = w.vault_books();
    let now = w.app.block_info().time.seconds();
    let elapsed = now.saturating_sub(b.checkpoint_at);
    let accrued = b.staked.u128() / 5 * u128::from(elapsed) / u128::from(365 * 86_400u64);
    b.reward_allowance.u128() + accrued
}

/// An operator report; returns whether it was accepted *and applied* (not a halting breach).
fn report(w: &mut World, msg: ExecuteMsg) -> Result<bool, String> {
    let operator = w.roles.operator.clone();
    let vault = w.suite.staking_vault.address.clone();
    Ok(w.exec(&operator, &vault, &msg, &[])?
        .and_then(|res| {
            res.events
                .iter()
                .filter(|e| e.ty.starts_with("wasm-spice.vault.") && !e.ty.ends_with(".halt"))
                .flat_map(|e| e.attributes.iter())
                .find(|a| a.key == "accepted")
                .map(|a| a.value == "true")
        })
        .unwrap_or(false))
}

/// A keeper harvests the vault's revenue to buyback-burn.
pub fn harvest(w: &mut World, keeper: User) -> Step {
    let keeper = w.user(keeper);
    let vault = w.suite.staking_vault.address.clone();
    w.exec(&keeper, &vault, &ExecuteMsg::Harvest {}, &[])?;
    Ok(())
}

/// The operator's rewards land and are confirmed: revenue for the next harvest.
pub fn rewards(w: &mut World, share: Share, arrived: bool, h: Hash) -> Step {
    let amount = share.of(allowance_now(w));
    if arrived && amount > 0 {
        receive(w, staking_vault::msg::ReturnKind::Rewards, amount)?;
    }
    let tx_hash = hash(w, h);
    report(
        w,
        ExecuteMsg::ConfirmRewards {
            amount: Uint128::new(amount),
            tx_hash,
        },
    )?;
    Ok(())
}

/// The market sells `amount` on one side of a pool (resolved against that pool's reserve).
pub fn trade(w: &mut World, market: Market, amount: Amount) -> Step {
    let spice = w.spice.clone();
    let (pool, input, output) = match market {
        Market::SellOsmoForAkt => (w.pools.osmo_akt, OSMO_DENOM, AKT_DENOM),
        Market::SellAktForOsmo => (w.pools.osmo_akt, AKT_DENOM, OSMO_DENOM),
        Market::SellOsmoForSpice => (w.pools.spice_osmo, OSMO_DENOM, spice.as_str()),
        Market::SellSpiceForOsmo => (w.pools.spice_osmo, spice.as_str(), OSMO_DENOM),
    };
    let reserve = spice_testing::pool_reserves(&w.app, pool)
        .ok()
        .and_then(|r| r.into_iter().find(|c| c.denom == input))
        .map(|c| c.amount.u128())
        .unwrap_or_default();
    let amount = amount.resolve(reserve);
    if amount == 0 {
        return Ok(());
    }
    let market_addr = w.market.clone();
    w.touched();
    // The market's own swap may fail (beyond its balance); that is not the suite's concern.
    let _ = spice_testing::swap_exact_amount_in(
        &mut w.app,
        &market_addr,
        &[(pool, output)],
        coin(amount, input),
        Uint128::one(),
    );
    Ok(())
}

pub fn apply(w: &mut World, a: &VaultAction) -> Step {
    let vault = w.suite.staking_vault.address.clone();
    match *a {
        VaultAction::Deposit {
            from,
            denom,
            amount,
        } => {
            let from = w.user(from);
            let amount = amount.resolve(w.bank(&from, denom.denom()));
            if amount == 0 {
                // A deposit without coins: refused.
                w.exec(&from, &vault, &ExecuteMsg::Deposit {}, &[])?;
                return Ok(());
            }
            let res = w.exec(
                &from,
                &vault,
                &ExecuteMsg::Deposit {},
                &funds(amount, denom.denom()),
            )?;
            if res.is_some() && denom == VaultDenom::Akt {
                w.ghost.vault_acquired += amount;
            }
        }
        VaultAction::Convert {
            keeper,
            denom,
            limit,
        } => {
            let keeper = w.user(keeper);
            let started = sunset_started(w) || sunset_status(w).fallback.is_some();
            let waiting = staking_waiting(w, denom.map_or(OSMO_DENOM, VaultDenom::denom));
            let msg = ExecuteMsg::Convert {
                denom: denom.map(|d| d.denom().to_string()),
                limit: limit.map(|l| Uint128::new(l.resolve(waiting))),
            };
            if let Some(res) = w.exec(&keeper, &vault, &msg, &[])? {
                ensure(!started, || {
                    "convert accepted after the sunset started or under the fallback".into()
                })?;
                let out = attr(&res, "spice.vault.convert", "akt_out")
                    .ok_or("convert accepted without an akt_out attribute")?;
                w.ghost.vault_acquired += out
                    .parse::<u128>()
                    .map_err(|e| format!("akt_out {out}: {e}"))?;
            }
        }
        VaultAction::Stake { keeper } => {
            let keeper = w.user(keeper);
            let started = sunset_started(w);
            let res = w.exec(&keeper, &vault, &ExecuteMsg::Stake {}, &[])?;
            ensure(res.is_none() || !started, || {
                "stake accepted after the sunset started".into()
            })?;
        }
        VaultAction::Harvest { keeper } => harvest(w, keeper)?,
        VaultAction::Relay(outcome) => {
            let Some(packet) = ibc_pending_packets(&w.app)
                .into_iter()
                .find(|p| p.channel == AKASH_CHANNEL)
            else {
                return Ok(());
            };
            w.touched();
            let result = match outcome {
                Relay::Ack => relay_ack(&mut w.app, AKASH_CHANNEL, packet.sequence),
                Relay::ErrorAck => relay_error_ack(
                    &mut w.app,
                    AKASH_CHANNEL,
                    packet.sequence,
                    "ABCI code: 5: insufficient funds",
                ),
                Relay::Timeout => {
                    advance_time_for_timeout(w);
                    relay_timeout(&mut w.app, AKASH_CHANNEL, packet.sequence)
                }
            };
            // The relayer's messages must never be refused because of the vault: a refused
            // acknowledgement would leave the packet (and the vault's AKT) stuck.
            result.map_err(|e| {
                format!(
                    "relaying {outcome:?} for packet {} failed: {e:#}",
                    packet.sequence
                )
            })?;
            if outcome == Relay::Ack {
                w.ghost.vault_acked += packet.coin.amount.u128();
            }
        }
        VaultAction::ConfirmDelegation { share, hash: h } => {
            let amount = share.of(w.vault_books().at_operator.u128());
            let tx_hash = hash(w, h);
            report(
                w,
                ExecuteMsg::ConfirmDelegation {
                    amount: Uint128::new(amount),
                    tx_hash,
                },
            )?;
        }
        VaultAction::ConfirmRewards {
            share,
            arrived,
            hash: h,
        } => rewards(w, share, arrived, h)?,
        VaultAction::ConfirmUndelegation { share, hash: h } => {
            let b = w.vault_books();
            let amount = share.of(b.unbond_requested.u128().min(b.staked.u128()));
            let tx_hash = hash(w, h);
            report(
                w,
                ExecuteMsg::ConfirmUndelegation {
                    amount: Uint128::new(amount),
                    tx_hash,
                },
            )?;
        }
        VaultAction::ConfirmReturned {
            share,
            arrived,
            hash: h,
        } => {
            let amount = share.of(w.vault_books().unbonding.u128());
            if arrived && amount > 0 {
                receive(w, staking_vault::msg::ReturnKind::Principal, amount)?;
            }
            let tx_hash = hash(w, h);
            if report(
                w,
                ExecuteMsg::ConfirmReturned {
                    amount: Uint128::new(amount),
                    tx_hash,
                },
            )? {
                w.ghost.vault_returned += amount;
            }
        }
        VaultAction::ReportLoss { share, hash: h } => {
            let amount = share.of(w.vault_books().staked.u128());
            let tx_hash = hash(w, h);
            report(
                w,
                ExecuteMsg::ReportLoss {
                    amount: Uint128::new(amount),
                    tx_hash,
                },
            )?;
        }
        VaultAction::ImpostorReport { user, share } => {
            let user = w.user(user);
            let amount = share.of(w.vault_books().at_operator.u128());
            let tx_hash = w.hash();
            let res = w.exec(
                &user,
                &vault,
                &ExecuteMsg::ConfirmDelegation {
                    amount: Uint128::new(amount),
                    tx_hash,
                },
                &[],
            )?;
            ensure(res.is_none(), || {
                format!("the vault accepted an operator report from {user}")
            })?;
        }
        VaultAction::Unbond { caller, share } => {
            let b = w.vault_books();
            let amount = share.of(b.staked.u128().saturating_sub(b.unbond_requested.u128()));
            let who = w.caller(caller);
            let res = w.exec(
                &who,
                &vault,
                &ExecuteMsg::Unbond {
                    amount: Uint128::new(amount),
                },
                &[],
            )?;
            ensure(res.is_none() || caller == Caller::Owner, || {
                format!("unbond accepted from {who}, not the owner")
            })?;
        }
        VaultAction::ClaimUnbonded { caller, to } => {
            let returned = w.vault_books().returned.u128();
            let who = w.caller(caller);
            let recipient = to.map(|t| w.user(t));
            let before = recipient.as_ref().map(|r| w.bank(r, AKT_DENOM));
            let res = w.exec(
                &who,
                &vault,
                &ExecuteMsg::ClaimUnbonded {
                    recipient: recipient.as_ref().map(|r| r.to_string()),
                },
                &[],
            )?;
            if res.is_some() {
                ensure(caller == Caller::Owner, || {
                    format!("claim_unbonded accepted from {who}, not the owner")
                })?;
                if let (Some(r), Some(before)) = (&recipient, before) {
                    let got = w.bank(r, AKT_DENOM) - before;
                    ensure(got == returned, || {
                        format!("claim_unbonded paid {got}, {returned} was returned")
                    })?;
                    w.ghost.vault_paid_out_by_owner += got;
                }
            }
        }
        VaultAction::ResumeStrategy { caller } => {
            let who = w.caller(caller);
            w.exec(&who, &vault, &ExecuteMsg::ResumeStrategy {}, &[])?;
        }
        VaultAction::Pause { caller } => w.pause(&vault, caller, true)?,
        VaultAction::Unpause { caller } => w.pause(&vault, caller, false)?,
        VaultAction::SetOsmoRoute { caller, on } => {
            let who = w.caller(caller);
            let msg = if on {
                ExecuteMsg::SetRoute {
                    denom: OSMO_DENOM.into(),
                    hops: vec![staking_vault::state::Hop {
                        pool_id: w.pools.osmo_akt,
                        token_out_denom: AKT_DENOM.into(),
                    }],
                }
            } else {
                ExecuteMsg::RemoveRoute {
                    denom: OSMO_DENOM.into(),
                }
            };
            w.exec(&who, &vault, &msg, &[])?;
        }
        VaultAction::Retune {
            caller,
            max_apr_percent,
            max_daily_outflow,
        } => {
            let who = w.caller(caller);
            let msg = ExecuteMsg::SetStrategy {
                strategy: StrategyMsg::Operator {
                    operator: w.roles.operator.to_string(),
                    channel: AKASH_CHANNEL.into(),
                    delegation_address: DELEGATION_ADDRESS.into(),
                    max_daily_outflow: Uint128::new(max_daily_outflow.resolve(START_OUTFLOW)),
                    max_apr: Decimal::percent(u64::from(max_apr_percent)),
                    transfer_timeout_seconds: 600,
                },
            };
            w.exec(&who, &vault, &msg, &[])?;
        }
        VaultAction::UpdateConfig {
            caller,
            keeper_bounty_bps,
            per_convert_cap,
            cooldown,
        } => {
            let who = w.caller(caller);
            let msg = ExecuteMsg::UpdateConfig(staking_vault::msg::ConfigUpdate {
                keeper_bounty_bps: Some(keeper_bounty_bps % 1_000),
                per_convert_cap: per_convert_cap.map(|c| Uint128::new(c.resolve(10_000_000_000))),
                convert_cooldown_seconds: cooldown.map(Time::seconds),
                ..Default::default()
            });
            w.exec(&who, &vault, &msg, &[])?;
        }
        VaultAction::FeeLands { amount } => {
            let amount = amount.resolve(1_000_000).min(START_OUTFLOW);
            if amount > 0 {
                w.mint_bank(&vault, vec![coin(amount, AKT_DENOM)]);
                *w.ghost
                    .vault_sent_plain
                    .entry(AKT_DENOM.to_string())
                    .or_default() += amount;
            }
        }
        VaultAction::Sync { keeper, usdc } => {
            let keeper = w.user(keeper);
            let unsynced_akt = unsynced(w, AKT_DENOM);
            let denoms = usdc.then(|| vec![AKT_DENOM.to_string(), USDC_DENOM.to_string()]);
            let usdc_named = usdc && unsynced(w, USDC_DENOM) > 0;
            let res = w.exec(&keeper, &vault, &ExecuteMsg::Sync { denoms }, &[])?;
            ensure(res.is_some() == (unsynced_akt > 0 || usdc_named), || {
                format!(
                    "sync accepted: {}, unsynced AKT {unsynced_akt}, USDC named {usdc_named}",
                    res.is_some()
                )
            })?;
            if let Some(res) = res {
                let got = attr(&res, "spice.vault.sync", "akt_acquired")
                    .ok_or("sync without akt_acquired")?;
                ensure(got == unsynced_akt.to_string(), || {
                    format!("sync booked {got} AKT, {unsynced_akt} arrived by plain send")
                })?;
                w.ghost.vault_acquired += unsynced_akt;
                mark_synced(w, AKT_DENOM);
                if usdc {
                    mark_synced(w, USDC_DENOM);
                }
            }
        }
        VaultAction::Trade { market, amount } => trade(w, market, amount)?,
        VaultAction::Advance(t) => w.advance(t.seconds()),
        VaultAction::SetSunset {
            caller,
            start,
            lead,
            to,
        } => set_sunset(w, caller, start, lead, to)?,
        VaultAction::CancelSunset { caller } => {
            let st = sunset_status(w);
            let ok = caller == Caller::Owner && st.unbond_starts_at.is_some_and(|s| st.now < s);
            let who = w.caller(caller);
            w.exec_expect(&who, &vault, &ExecuteMsg::CancelSunset {}, &[], ok)?;
        }
        VaultAction::BeginSunsetUnbond { keeper } => {
            let started = sunset_started(w);
            let b = w.vault_books();
            let ok = started && b.staked > b.unbond_requested;
            let keeper = w.user(keeper);
            if w.exec_expect(&keeper, &vault, &ExecuteMsg::BeginSunsetUnbond {}, &[], ok)?
                .is_some()
            {
                let after = w.vault_books();
                ensure(after.unbond_requested == after.staked, || {
                    format!("begin_sunset_unbond left {after:?} with stake not requested")
                })?;
            }
        }
        VaultAction::RouteSunsetPrincipal { keeper } => route_sunset(w, keeper)?,
        VaultAction::SetFallback { caller, on } => {
            let who = w.caller(caller);
            let msg = ExecuteMsg::SetFallback {
                mode: on.then_some(staking_vault::state::FallbackMode::DirectBuyback),
            };
            w.exec_expect(&who, &vault, &msg, &[], caller == Caller::Owner)?;
        }
        VaultAction::ForwardProceeds { keeper, denom } => {
            let denom = denom.denom();
            let waiting = staking_waiting(w, denom);
            let paused = w
                .query::<spice_governance::PauseInfoResponse>(
                    &vault,
                    &staking_vault::msg::QueryMsg::PauseInfo {},
                )
                .paused;
            let ok = !paused && sunset_status(w).fallback.is_some() && waiting > 0;
            let buyback = w.suite.buyback_burn.address.clone();
            let before = w.bank(&buyback, denom);
            let keeper = w.user(keeper);
            let msg = ExecuteMsg::ForwardProceeds {
                denom: denom.to_string(),
            };
            if w.exec_expect(&keeper, &vault, &msg, &[], ok)?.is_some() {
                let got = w.bank(&buyback, denom) - before;
                ensure(got == waiting, || {
                    format!("forward_proceeds sent {got} {denom}, {waiting} were waiting")
                })?;
                *w.ghost.buyback_direct.entry(denom.to_string()).or_default() += got;
            }
        }
    }
    Ok(())
}

/// The owner sets a sunset whose unbond starts ahead; once set, anyone of the two may bring it
/// forward (the guardian without redirecting the principal, and its unbond start at most one
/// lead before the owner's), the owner may delay it only before
/// its start, and no one else may touch it.
fn set_sunset(
    w: &mut World,
    caller: Caller,
    start: SunsetStart,
    lead: SunsetLead,
    to: SunsetTo,
) -> Step {
    let vault = w.suite.staking_vault.address.clone();
    let st = sunset_status(w);
    let now = st.now;
    let starts_at = now.saturating_add_signed(start.offset());
    let short = lead == SunsetLead::TooShort;
    let lead = match lead {
        SunsetLead::Shortest => SUNSET_LEAD,
        SunsetLead::PlusADay => SUNSET_LEAD + 86_400,
        SunsetLead::TooShort => SUNSET_LEAD - 1,
    };
    let at = starts_at + lead;
    let principal_to = match to {
        SunsetTo::Buyback => staking_vault::msg::PrincipalToMsg::Buyback,
        SunsetTo::Hold => staking_vault::msg::PrincipalToMsg::Hold,
        SunsetTo::Treasury => staking_vault::msg::PrincipalToMsg::Treasury {
            address: w.roles.treasury.to_string(),
        },
    };
    let stored_to = match to {
        SunsetTo::Buyback => staking_vault::state::PrincipalTo::Buyback,
        SunsetTo::Hold => staking_vault::state::PrincipalTo::Hold,
        SunsetTo::Treasury => staking_vault::state::PrincipalTo::Treasury {
            address: w.roles.treasury.clone(),
        },
    };
    let owner = caller == Caller::Owner;
    let ok = (owner || caller == Caller::Guardian)
        && !short
        && match &st.sunset {
            None => owner && starts_at >= now,
            Some(c) => {
                if at <= c.at && starts_at <= c.starts_at() {
                    // The guardian moves the start at most one lead (the unbonding period
                    // plus the margin) before governance's schedule.
                    let earliest = c
                        .owner_starts_at
                        .unwrap_or_else(|| c.starts_at())
                        .saturating_sub(SUNSET_LEAD);
                    at > now && (owner || (stored_to == c.principal_to && starts_at >= earliest))
                } else {
                    owner && now < c.starts_at() && starts_at >= now
                }
            }
        };
    let who = w.caller(caller);
    let msg = ExecuteMsg::SetSunset {
        at,
        unbond_lead_seconds: lead,
        principal_to,
    };
    if w.exec_expect(&who, &vault, &msg, &[], ok)?.is_some() {
        let after = sunset_status(w)
            .sunset
            .ok_or("set_sunset accepted, no sunset stored")?;
        ensure(after.at == at && after.principal_to == stored_to, || {
            format!("set_sunset stored {after:?}, asked for cutover {at} to {to:?}")
        })?;
    }
    Ok(())
}

/// Principal at home goes where the sunset says, exactly, once the unbond started; never while
/// paused, never for `hold`.
fn route_sunset(w: &mut World, keeper: User) -> Step {
    let vault = w.suite.staking_vault.address.clone();
    let st = sunset_status(w);
    let b = w.vault_books();
    let at_home = b.pending.u128() + b.returned.u128();
    let paused = w
        .query::<spice_governance::PauseInfoResponse>(
            &vault,
            &staking_vault::msg::QueryMsg::PauseInfo {},
        )
        .paused;
    let to = st.sunset.as_ref().map(|s| s.principal_to.clone());
    let recipient = match &to {
        Some(staking_vault::state::PrincipalTo::Buyback) => {
            Some(w.suite.buyback_burn.address.clone())
        }
        Some(staking_vault::state::PrincipalTo::Treasury { address }) => Some(address.clone()),
        _ => None,
    };
    let started = st.unbond_starts_at.is_some_and(|s| st.now >= s);
    let ok = started && !paused && recipient.is_some() && at_home > 0;
    let before = recipient.as_ref().map_or(0, |r| w.bank(r, AKT_DENOM));
    let keeper = w.user(keeper);
    if w.exec_expect(
        &keeper,
        &vault,
        &ExecuteMsg::RouteSunsetPrincipal {},
        &[],
        ok,
    )?
    .is_some()
    {
        let r = recipient.ok_or("routed without a recipient")?;
        let got = w.bank(&r, AKT_DENOM) - before;
        ensure(got == at_home, || {
            format!("route_sunset_principal paid {got}, {at_home} was at home")
        })?;
        // Principal leaves only as governance's sunset says (owner-set): the same ghost as the
        // owner's claims; what reached buyback-burn is its revenue.
        w.ghost.vault_paid_out_by_owner += got;
        if to == Some(staking_vault::state::PrincipalTo::Buyback) {
            *w.ghost
                .buyback_direct
                .entry(AKT_DENOM.to_string())
                .or_default() += got;
        }
    }
    Ok(())
}

/// The operator strategy's daily outflow bound at deployment (1,000,000 AKT).
const START_OUTFLOW: u128 = 1_000_000_000_000;

fn staking_waiting(w: &World, denom: &str) -> u128 {
    let s: staking_vault::msg::StatusResponse = w.query(
        &w.suite.staking_vault.address,
        &staking_vault::msg::QueryMsg::Status {},
    );
    s.proceeds
        .iter()
        .find(|p| p.denom == denom)
        .map(|p| p.waiting.u128())
        .unwrap_or_default()
}

/// What reached the vault in `denom` by plain bank send (escrow take fees, the model's fees) and
/// no `sync` booked yet.
pub fn unsynced(w: &World, denom: &str) -> u128 {
    let fees = w.ghost.escrow_fees.get(denom).copied().unwrap_or_default();
    let plain = w
        .ghost
        .vault_sent_plain
        .get(denom)
        .copied()
        .unwrap_or_default();
    let synced = w.ghost.vault_synced.get(denom).copied().unwrap_or_default();
    (fees + plain).saturating_sub(synced)
}

fn mark_synced(w: &mut World, denom: &str) {
    let fees = w.ghost.escrow_fees.get(denom).copied().unwrap_or_default();
    let plain = w
        .ghost
        .vault_sent_plain
        .get(denom)
        .copied()
        .unwrap_or_default();
    w.ghost.vault_synced.insert(denom.to_string(), fees + plain);
}

/// The operator sends `amount` AKT home with the `receive_return` memo: ibc-hooks executes the
/// vault as the intermediary of (channel, delegation address) with the voucher attached. What
/// exceeds what a confirmation can still explain is acquired (from the event).
fn receive(w: &mut World, kind: staking_vault::msg::ReturnKind, amount: u128) -> Step {
    let hooks = staking_vault::ibc_hooks_sender(w.app.api(), AKASH_CHANNEL, DELEGATION_ADDRESS)
        .map_err(|e| format!("hooks sender: {e}"))?;
    w.mint_bank(&hooks, vec![coin(amount, AKT_DENOM)]);
    let vault = w.suite.staking_vault.address.clone();
    let res = w
        .exec(
            &hooks,
            &vault,
            &ExecuteMsg::ReceiveReturn { kind },
            &funds(amount, AKT_DENOM),
        )?
        .ok_or("the vault refused AKT coming home from the delegation address")?;
    let acquired = attr(&res, "spice.vault.receive_return", "acquired")
        .ok_or("receive_return without acquired")?;
    w.ghost.vault_acquired += acquired
        .parse::<u128>()
        .map_err(|e| format!("acquired {acquired}: {e}"))?;
    Ok(())
}

/// Moves time past the operator's transfer timeout (600 seconds).
fn advance_time_for_timeout(w: &mut World) {
    spice_testing::advance_time(&mut w.app, 601);
}

pub fn check(w: &World) -> Step {
    let b = w.vault_books();
    let at_home_or_away = [
        b.pending,
        b.transferring,
        b.at_operator,
        b.staked,
        b.unbonding,
        b.returned,
        b.lost,
    ]
    .iter()
    .try_fold(Uint128::zero(), |acc, x| acc.checked_add(*x))
    .map_err(|e| format!("vault buckets overflow: {e}"))?;
    ensure(
        at_home_or_away.checked_add(b.unbonded_out).ok() == Some(b.acquired),
        || {
            format!(
                "vault: AKT in buckets {at_home_or_away} + paid out {} != acquired {}: {b:?}",
                b.unbonded_out, b.acquired
            )
        },
    )?;
    ensure(b.acquired.u128() == w.ghost.vault_acquired, || {
        format!(
            "vault: acquired {} but the model saw {} bought or deposited",
            b.acquired, w.ghost.vault_acquired
        )
    })?;
    ensure(
        b.unbonded_out.u128() == w.ghost.vault_paid_out_by_owner,
        || {
            format!(
                "vault: {} of principal left, the owner paid out {}",
                b.unbonded_out, w.ghost.vault_paid_out_by_owner
            )
        },
    )?;
    let vault = &w.suite.staking_vault.address;
    let status: staking_vault::msg::StatusResponse =
        w.query(vault, &staking_vault::msg::QueryMsg::Status {});
    let held = |denom: &str| {
        status
            .held
            .iter()
            .find(|c| c.denom == denom)
            .map_or(0, |c| c.amount.u128())
    };
    let bank = w.bank(vault, AKT_DENOM);
    let home = b.pending.u128()
        + b.returned.u128()
        + b.revenue_pending.u128()
        + b.returns_arrived.u128()
        + b.rewards_arrived.u128();
    let unsynced_akt = unsynced(w, AKT_DENOM);
    ensure(bank == home + unsynced_akt, || {
        format!("vault: bank holds {bank} AKT, its books {home} + unsynced arrivals {unsynced_akt}: {b:?}")
    })?;
    let osmo = w.bank(vault, OSMO_DENOM);
    let waiting = staking_waiting(w, OSMO_DENOM);
    ensure(osmo == waiting + held(OSMO_DENOM), || {
        format!(
            "vault: bank holds {osmo} OSMO, proceeds {waiting} + held {}",
            held(OSMO_DENOM)
        )
    })?;
    let usdc = w.bank(vault, USDC_DENOM);
    let unsynced_usdc = unsynced(w, USDC_DENOM);
    ensure(usdc == held(USDC_DENOM) + unsynced_usdc, || {
        format!(
            "vault: bank holds {usdc} USDC, held {} + unsynced arrivals {unsynced_usdc}",
            held(USDC_DENOM)
        )
    })?;
    let escrow = w.bank(&ibc_escrow_address(&w.app, AKASH_CHANNEL), AKT_DENOM);
    ensure(
        escrow == b.transferring.u128() + w.ghost.vault_acked,
        || {
            format!(
                "vault: the IBC escrow holds {escrow}, transferring {} + acknowledged {}",
                b.transferring, w.ghost.vault_acked
            )
        },
    )?;
    let on_akash = b.at_operator.u128() + b.staked.u128() + b.unbonding.u128() + b.lost.u128();
    ensure(
        on_akash + w.ghost.vault_returned == w.ghost.vault_acked,
        || {
            format!(
            "vault: acknowledged {} != at operator + staked + unbonding + lost {on_akash} + returned {}",
            w.ghost.vault_acked, w.ghost.vault_returned
        )
        },
    )?;
    ensure(b.unbond_requested <= b.staked, || {
        format!(
            "vault: unbond requested {} above staked {}",
            b.unbond_requested, b.staked
        )
    })?;
    Ok(())
}
