//! The sunset of AKT staking (AEP-79): governance sets it, keepers run it, the operator's
//! reports stay bounded, principal goes where governance said.

use cosmwasm_std::{coins, Uint128};
use spice_governance::GovernanceError;

use super::suite::*;
use crate::execute::sunset::SUNSET_MARGIN_SECONDS;
use crate::msg::{
    ExecuteMsg, PrincipalToMsg, QueryMsg, ReturnKind, SunsetPhase, SunsetStatusResponse,
};
use crate::state::PrincipalTo;
use crate::ContractError;

const STAKE: u128 = 1_000_000_000;
/// The shortest lead the suite's unbonding period allows.
const LEAD: u64 = UNBONDING + SUNSET_MARGIN_SECONDS;
const DAY: u64 = 86_400;

fn now(s: &Suite) -> u64 {
    s.app.block_info().time.seconds()
}

fn set(at: u64, lead: u64, to: PrincipalToMsg) -> ExecuteMsg {
    ExecuteMsg::SetSunset {
        at,
        unbond_lead_seconds: lead,
        principal_to: to,
    }
}

fn sunset_status(s: &Suite) -> SunsetStatusResponse {
    s.query(&QueryMsg::SunsetStatus {})
}

/// The vault's AKT bank holds exactly what its books say it holds.
fn assert_bank_is_books(s: &Suite) {
    let b = s.books();
    assert_conserved(&b);
    let backed = b.pending + b.returned + b.revenue_pending + b.returns_arrived + b.rewards_arrived;
    assert_eq!(s.balance(&s.vault.clone(), AKT), backed.u128(), "{b:?}");
}

#[test]
fn a_sunset_set_too_late_or_with_a_short_lead_is_refused_with_the_numbers() {
    let mut s = Suite::native();
    let t = now(&s);
    // the lead must cover the unbonding period and the margin
    assert_err(
        s.owner_exec(&set(t + 10 * LEAD, LEAD - 1, PrincipalToMsg::Buyback)),
        ContractError::SunsetLeadTooShort {
            unbond_lead_seconds: LEAD - 1,
            needed: LEAD,
            unbonding_period_seconds: UNBONDING,
            margin_seconds: SUNSET_MARGIN_SECONDS,
        },
    );
    // the unbond would have had to start a second ago
    assert_err(
        s.owner_exec(&set(t + LEAD - 1, LEAD, PrincipalToMsg::Buyback)),
        ContractError::SunsetTooLate {
            at: t + LEAD - 1,
            unbond_lead_seconds: LEAD,
            starts_at: t - 1,
            now: t,
        },
    );
    // a cutover before the lead itself
    assert_err(
        s.owner_exec(&set(LEAD - 1, LEAD, PrincipalToMsg::Buyback)),
        ContractError::SunsetTooLate {
            at: LEAD - 1,
            unbond_lead_seconds: LEAD,
            starts_at: 0,
            now: t,
        },
    );
    assert_eq!(sunset_status(&s).phase, SunsetPhase::None);
    // control: exactly in time is accepted
    let res = s
        .owner_exec(&set(t + LEAD, LEAD, PrincipalToMsg::Buyback))
        .unwrap();
    assert_eq!(
        event_attr(&res, "sunset_set", "unbond_starts_at"),
        t.to_string()
    );
    assert_eq!(event_attr(&res, "sunset_set", "role"), "owner");
    let st = sunset_status(&s);
    assert_eq!(st.unbond_starts_at, Some(t));
    assert_eq!(st.seconds_to_cutover, LEAD);
    assert!(!st.sunset_risk);
}

#[test]
fn the_guardian_only_brings_the_sunset_forward_and_the_owner_only_delays_before_the_start() {
    let mut s = Suite::native();
    let t = now(&s);
    let at = t + 100 * DAY;
    let guardian = s.guardian.clone();
    let stranger = s.stranger.clone();
    // the guardian cannot create one
    assert_err(
        s.exec(&guardian, &set(at, LEAD, PrincipalToMsg::Buyback), &[]),
        ContractError::NoSunset,
    );
    s.owner_exec(&set(at, LEAD, PrincipalToMsg::Buyback))
        .unwrap();
    // the guardian cannot delay, nor lengthen... the start later
    assert_err(
        s.exec(&guardian, &set(at + 1, LEAD, PrincipalToMsg::Buyback), &[]),
        ContractError::SunsetDelayRefused {
            current_at: at,
            current_starts_at: at - LEAD,
            at: at + 1,
            starts_at: at + 1 - LEAD,
        },
    );
    // nor redirect the principal
    let treasury = s.treasury.to_string();
    assert_err(
        s.exec(
            &guardian,
            &set(
                at - DAY,
                LEAD,
                PrincipalToMsg::Treasury { address: treasury },
            ),
            &[],
        ),
        ContractError::GuardianCannotRedirect {
            current: "buyback".into(),
        },
    );
    // a stranger cannot touch it at all
    assert_err(
        s.exec(
            &stranger,
            &set(at - DAY, LEAD, PrincipalToMsg::Buyback),
            &[],
        ),
        ContractError::NotOwnerOrGuardian {
            sender: stranger.to_string(),
        },
    );
    assert_eq!(sunset_status(&s).sunset.unwrap().at, at);
    // forward by ten days: accepted
    let res = s
        .exec(
            &guardian,
            &set(at - 10 * DAY, LEAD, PrincipalToMsg::Buyback),
            &[],
        )
        .unwrap();
    assert_eq!(event_attr(&res, "sunset_set", "role"), "guardian");
    assert_eq!(
        event_attr(&res, "sunset_set", "previous_at"),
        at.to_string()
    );
    let at = at - 10 * DAY;
    // before the start the owner may delay, and cancel
    s.owner_exec(&set(at + 5 * DAY, LEAD, PrincipalToMsg::Hold))
        .unwrap();
    s.owner_exec(&ExecuteMsg::CancelSunset {}).unwrap();
    assert_eq!(sunset_status(&s).phase, SunsetPhase::None);
    assert_err(
        s.owner_exec(&ExecuteMsg::CancelSunset {}),
        ContractError::NoSunset,
    );
    s.owner_exec(&set(at, LEAD, PrincipalToMsg::Buyback))
        .unwrap();
    // once the start has passed, not even the owner delays or cancels
    s.advance(at - LEAD - now(&s));
    assert_eq!(sunset_status(&s).phase, SunsetPhase::Home);
    assert_err(
        s.owner_exec(&set(at + 1, LEAD, PrincipalToMsg::Buyback)),
        ContractError::SunsetDelayRefused {
            current_at: at,
            current_starts_at: at - LEAD,
            at: at + 1,
            starts_at: at + 1 - LEAD,
        },
    );
    let t = now(&s);
    assert_err(
        s.owner_exec(&ExecuteMsg::CancelSunset {}),
        ContractError::SunsetStarted {
            starts_at: at - LEAD,
            at,
            now: t,
        },
    );
    // ... but forward still goes, the owner may still redirect
    let treasury = s.treasury.to_string();
    s.owner_exec(&set(
        at - DAY,
        LEAD,
        PrincipalToMsg::Treasury { address: treasury },
    ))
    .unwrap();
    let st = sunset_status(&s);
    assert_eq!(st.sunset.as_ref().unwrap().at, at - DAY);
    assert_eq!(
        st.sunset.unwrap().principal_to,
        PrincipalTo::Treasury {
            address: s.treasury.clone()
        }
    );
}

#[test]
fn sunset_messages_refuse_unauthorized_senders_and_funds() {
    let mut s = Suite::native();
    let t = now(&s);
    let stranger = s.stranger.clone();
    let guardian = s.guardian.clone();
    assert_err(
        s.exec(&stranger, &set(t + LEAD, LEAD, PrincipalToMsg::Hold), &[]),
        ContractError::NotOwnerOrGuardian {
            sender: stranger.to_string(),
        },
    );
    s.owner_exec(&set(t + 2 * LEAD, LEAD, PrincipalToMsg::Hold))
        .unwrap();
    for who in [&stranger, &guardian] {
        let err = s.exec(who, &ExecuteMsg::CancelSunset {}, &[]).unwrap_err();
        assert!(
            matches!(
                cerr(&err),
                ContractError::Governance(GovernanceError::Ownership(_))
            ),
            "{:?}",
            cerr(&err)
        );
    }
    // the keeper actions are permissionless but refuse attached funds
    let keeper = s.keeper.clone();
    spice_testing::fund(&mut s.app, &keeper, coins(10, OSMO)).unwrap();
    for msg in [
        ExecuteMsg::BeginSunsetUnbond {},
        ExecuteMsg::RouteSunsetPrincipal {},
    ] {
        let err = s.exec(&keeper, &msg, &coins(10, OSMO)).unwrap_err();
        assert!(matches!(cerr(&err), ContractError::Payment(_)), "{msg:?}");
    }
    // and wait for the start
    assert_err(
        s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}),
        ContractError::SunsetNotStarted {
            starts_at: t + LEAD,
            now: t,
        },
    );
    assert_err(
        s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}),
        ContractError::SunsetNotStarted {
            starts_at: t + LEAD,
            now: t,
        },
    );
}

#[test]
fn native_sunset_unbonds_everything_harvests_late_rewards_and_routes_principal_to_buyback() {
    let mut s = Suite::native();
    let bought = s.acquire(1_002_000_000);
    s.stake().unwrap();
    let t = now(&s);
    let at = t + LEAD + 30 * DAY;
    s.owner_exec(&set(at, LEAD, PrincipalToMsg::Buyback))
        .unwrap();
    // before the start: business as usual
    s.deposit(2_000_000, OSMO).unwrap();
    s.advance(COOLDOWN);
    let more = event_attr(&s.convert(OSMO, None).unwrap(), "convert", "akt_out")
        .parse::<u128>()
        .unwrap();
    s.stake().unwrap();
    let staked = bought + more;
    assert_eq!(s.books().staked.u128(), staked);
    let st = sunset_status(&s);
    assert_eq!(st.phase, SunsetPhase::Scheduled);
    assert_eq!(st.seconds_to_unbond_start, at - LEAD - now(&s));
    assert!(!st.sunset_risk);
    assert_err(
        s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}),
        ContractError::SunsetNotStarted {
            starts_at: at - LEAD,
            now: now(&s),
        },
    );

    // the start: no conversion, no stake
    s.advance(at - LEAD - now(&s));
    let t = now(&s);
    let osmo_waiting = s.waiting(OSMO);
    s.deposit(3_000_000, OSMO).unwrap();
    s.deposit(5_000, AKT).unwrap();
    let started = || ContractError::SunsetStarted {
        starts_at: at - LEAD,
        at,
        now: t,
    };
    assert_err(s.convert(OSMO, None), started());
    assert_err(s.stake(), started());
    assert_eq!(s.simulate(OSMO).refusal, Some(started().to_string()));
    let st = sunset_status(&s);
    assert_eq!(st.phase, SunsetPhase::Unbonding);
    assert!(!st.sunset_risk, "a lead of exactly the need is in time");

    // a stranger starts the full unbond
    let stranger = s.stranger.clone();
    let res = s
        .exec(&stranger, &ExecuteMsg::BeginSunsetUnbond {}, &[])
        .unwrap();
    assert_eq!(
        event_attr(&res, "sunset_unbond", "amount"),
        staked.to_string()
    );
    assert_eq!(event_attr(&res, "sunset_unbond_started", "first"), "true");
    let b = s.books();
    assert_eq!((b.staked.u128(), b.unbonding.u128()), (0, staked));
    assert_err(
        s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}),
        ContractError::NothingToUnbond {
            staked: Uint128::zero(),
            unbond_requested: Uint128::zero(),
        },
    );
    let st = sunset_status(&s);
    assert_eq!(st.unbonding.u128(), staked);
    assert_eq!(
        st.seconds_needed,
        UNBONDING + crate::execute::sync::MATURITY_MARGIN_SECONDS
    );
    assert!(!st.sunset_risk);
    // the AKT deposited after the start is at home: routed at once
    let res = s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}).unwrap();
    assert_eq!(
        event_attr(&res, "sunset_principal_routed", "amount"),
        "5000"
    );
    assert_eq!(s.balance(&s.buyback.clone(), AKT), 5_000);
    assert_err(
        s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}),
        ContractError::NothingToRoute,
    );

    // maturity: the staking module pays; route settles the entry and sends it all
    s.advance(UNBONDING + 1);
    let buyback_before = s.balance(&s.buyback.clone(), AKT);
    let res = s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}).unwrap();
    assert_eq!(
        event_attr(&res, "sunset_principal_routed", "amount"),
        staked.to_string()
    );
    assert_eq!(s.balance(&s.buyback.clone(), AKT) - buyback_before, staked);
    let b = s.books();
    assert_eq!(
        (
            b.staked.u128(),
            b.unbonding.u128(),
            b.returned.u128(),
            b.pending.u128()
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(b.unbonded_out.u128(), staked + 5_000);
    // late rewards (paid by the staking module on the undelegation) still go to buyback
    let rewards = b.revenue_pending.u128();
    assert!(rewards > 0);
    let buyback_before = s.balance(&s.buyback.clone(), AKT);
    s.harvest().unwrap();
    let fee = rewards * u128::from(BOUNTY_BPS) / 10_000;
    assert_eq!(
        s.balance(&s.buyback.clone(), AKT) - buyback_before,
        rewards - fee
    );
    assert_bank_is_books(&s);
    let st = sunset_status(&s);
    assert_eq!(st.phase, SunsetPhase::Home);
    assert_eq!(st.sunset.unwrap().principal_routed.u128(), staked + 5_000);
    assert!(!st.sunset_risk);
    // the OSMO proceeds stay booked, waiting for governance's fallback
    assert_eq!(s.waiting(OSMO), osmo_waiting + 3_000_000);
    s.advance(at - now(&s));
    assert_eq!(sunset_status(&s).phase, SunsetPhase::PastCutover);
}

#[test]
fn native_sunset_with_hold_keeps_principal_and_treasury_receives_it_when_redirected() {
    let mut s = Suite::native();
    let bought = s.acquire(1_002_000_000);
    s.stake().unwrap();
    let at = now(&s) + LEAD;
    s.owner_exec(&set(at, LEAD, PrincipalToMsg::Hold)).unwrap();
    s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}).unwrap();
    s.advance(UNBONDING + 1);
    assert_err(
        s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}),
        ContractError::PrincipalHeld,
    );
    s.sync().unwrap();
    assert_eq!(s.books().returned.u128(), bought);
    assert_bank_is_books(&s);
    // a pause stops the routing
    let guardian = s.guardian.clone();
    let treasury = s.treasury.to_string();
    s.owner_exec(&set(
        at,
        LEAD,
        PrincipalToMsg::Treasury { address: treasury },
    ))
    .unwrap();
    s.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();
    assert_err(
        s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}),
        ContractError::Governance(GovernanceError::Paused),
    );
    assert_eq!(s.balance(&s.treasury.clone(), AKT), 0);
    s.owner_exec(&ExecuteMsg::Unpause {}).unwrap();
    s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}).unwrap();
    assert_eq!(s.balance(&s.treasury.clone(), AKT), bought);
    assert_bank_is_books(&s);
}

#[test]
fn sunset_risk_is_flagged_when_the_guardian_brings_the_cutover_inside_the_unbonding_time() {
    let mut s = Suite::native();
    s.acquire(1_002_000_000);
    s.stake().unwrap();
    let t = now(&s);
    // Governance's schedule: the unbond starts in five days.
    s.owner_exec(&set(t + LEAD + 5 * DAY, LEAD, PrincipalToMsg::Buyback))
        .unwrap();
    assert!(!sunset_status(&s).sunset_risk);
    // Akash moves C: the guardian brings it forward to ten days from now (the unbond start
    // moves 12 days earlier, within the guardian's bound of one lead)
    let guardian = s.guardian.clone();
    s.exec(
        &guardian,
        &set(t + 10 * DAY, LEAD, PrincipalToMsg::Buyback),
        &[],
    )
    .unwrap();
    let st = sunset_status(&s);
    assert_eq!(st.phase, SunsetPhase::Unbonding);
    assert_eq!(st.seconds_to_cutover, 10 * DAY);
    assert_eq!(st.seconds_needed, LEAD);
    assert!(st.sunset_risk);
    // the unbond starts at once
    s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}).unwrap();
    assert!(
        sunset_status(&s).sunset_risk,
        "14 days of unbonding > 10 days"
    );
    // a cutover already past cannot be set
    let t = now(&s);
    assert_err(
        s.exec(&guardian, &set(t, LEAD, PrincipalToMsg::Buyback), &[]),
        ContractError::SunsetTooLate {
            at: t,
            unbond_lead_seconds: LEAD,
            starts_at: t - LEAD,
            now: t,
        },
    );
}

/// Operator strategy: with `STAKE` delegated at the operator and two transfers in flight.
fn operator_in_flight() -> Suite {
    let mut s = Suite::operator();
    s.deposit(STAKE, AKT).unwrap();
    s.stake().unwrap();
    s.ack(1);
    s.confirm_delegation(STAKE).unwrap();
    s.deposit(2_000, AKT).unwrap();
    s.stake().unwrap(); // sequence 2
    s.deposit(3_000, AKT).unwrap();
    s.stake().unwrap(); // sequence 3
    s
}

#[test]
fn operator_sunset_goes_home_through_the_bounded_reports_and_lies_halt() {
    let mut s = operator_in_flight();
    let at = now(&s) + LEAD;
    let treasury = s.treasury.to_string();
    s.owner_exec(&set(
        at,
        LEAD,
        PrincipalToMsg::Treasury { address: treasury },
    ))
    .unwrap();
    let st = sunset_status(&s);
    assert_eq!((st.staked.u128(), st.in_flight.u128()), (STAKE, 5_000));
    // a keeper records the instruction
    let res = s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}).unwrap();
    assert_eq!(
        event_attr(&res, "sunset_unbond", "amount"),
        STAKE.to_string()
    );
    assert_eq!(
        event_attr(&res, "sunset_unbond", "delegation_address"),
        AKASH_ADDR
    );
    assert_eq!(s.books().unbond_requested.u128(), STAKE);
    assert_err(
        s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}),
        ContractError::NothingToUnbond {
            staked: Uint128::new(STAKE),
            unbond_requested: Uint128::new(STAKE),
        },
    );
    // the transfers in flight come back: one times out, one is refused by Akash
    s.advance(601);
    s.timeout(2);
    s.error_ack(3);
    assert_eq!(s.books().pending.u128(), 5_000);
    assert_err(
        s.stake(),
        ContractError::SunsetStarted {
            starts_at: at - LEAD,
            at,
            now: now(&s),
        },
    );
    s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}).unwrap();
    assert_eq!(s.balance(&s.treasury.clone(), AKT), 5_000);
    assert_bank_is_books(&s);

    // the operator lies: undelegated more than asked → halt, not applied
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ConfirmUndelegation {
            amount: Uint128::new(STAKE + 1),
            tx_hash,
        })
        .unwrap();
    assert_eq!(
        event_attr(&res, "confirm_undelegation", "accepted"),
        "false"
    );
    assert_eq!(s.books().staked.u128(), STAKE);
    // late: nothing confirmed, the timeline shows it
    s.advance(2 * DAY);
    let st = sunset_status(&s);
    assert_eq!(st.unbond_requested.u128(), STAKE);
    assert!(st.sunset_risk, "{st:?}");
    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();
    let tx_hash = s.hash();
    s.operator_exec(&ExecuteMsg::ConfirmUndelegation {
        amount: Uint128::new(STAKE),
        tx_hash,
    })
    .unwrap();
    let b = s.books();
    assert_eq!((b.staked.u128(), b.unbonding.u128()), (0, STAKE));
    // late rewards: sent home and confirmed within the APR bound, then harvested to buyback
    s.return_and_confirm_rewards(1_000).unwrap();
    s.harvest().unwrap();
    assert_eq!(s.balance(&s.buyback.clone(), AKT), 1_000 - 2);
    // the operator claims a return that never arrived → halt
    let tx_hash = s.hash();
    let res = s
        .operator_exec(&ExecuteMsg::ConfirmReturned {
            amount: Uint128::new(STAKE),
            tx_hash,
        })
        .unwrap();
    assert!(event_attr(&res, "halt", "reason").contains("reported as arrived"));
    s.owner_exec(&ExecuteMsg::ResumeStrategy {}).unwrap();
    // the principal arrives over IBC through the hook and is confirmed
    s.advance(UNBONDING);
    s.receive(ReturnKind::Principal, STAKE).unwrap();
    assert_err(
        s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}),
        ContractError::NothingToRoute,
    );
    let tx_hash = s.hash();
    s.operator_exec(&ExecuteMsg::ConfirmReturned {
        amount: Uint128::new(STAKE),
        tx_hash,
    })
    .unwrap();
    s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}).unwrap();
    assert_eq!(s.balance(&s.treasury.clone(), AKT), STAKE + 5_000);
    let b = s.books();
    assert_eq!(b.unbonded_out.u128(), STAKE + 5_000);
    assert_bank_is_books(&s);
    let st = sunset_status(&s);
    assert_eq!(st.phase, SunsetPhase::Home);
    assert!(!st.sunset_risk);
}

#[test]
fn after_the_sunset_the_direct_buyback_fallback_forwards_new_proceeds_to_buyback() {
    let mut s = Suite::native();
    let bought = s.acquire(1_002_000_000);
    s.stake().unwrap();
    let at = now(&s) + LEAD;
    s.owner_exec(&set(at, LEAD, PrincipalToMsg::Buyback))
        .unwrap();
    s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}).unwrap();
    s.advance(UNBONDING + 1);
    s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}).unwrap();
    assert_eq!(s.books().unbonded_out.u128(), bought);

    // new LP proceeds arrive; without a fallback they wait (no AKT is bought any more)
    let waiting_before = s.waiting(OSMO);
    s.deposit(4_000_000, OSMO).unwrap();
    let waiting = waiting_before + 4_000_000;
    assert_err(
        s.keeper_exec(&ExecuteMsg::ForwardProceeds { denom: OSMO.into() }),
        ContractError::NoFallback,
    );
    // only the owner chooses the fallback
    let (stranger, guardian) = (s.stranger.clone(), s.guardian.clone());
    for who in [&stranger, &guardian] {
        let err = s
            .exec(
                who,
                &ExecuteMsg::SetFallback {
                    mode: Some(crate::state::FallbackMode::DirectBuyback),
                },
                &[],
            )
            .unwrap_err();
        assert!(
            matches!(
                cerr(&err),
                ContractError::Governance(GovernanceError::Ownership(_))
            ),
            "{:?}",
            cerr(&err)
        );
    }
    let res = s
        .owner_exec(&ExecuteMsg::SetFallback {
            mode: Some(crate::state::FallbackMode::DirectBuyback),
        })
        .unwrap();
    assert_eq!(event_attr(&res, "set_fallback", "mode"), "direct_buyback");
    assert_eq!(
        sunset_status(&s).fallback,
        Some(crate::state::FallbackMode::DirectBuyback)
    );
    assert_err(s.convert(OSMO, None), ContractError::FallbackDirectBuyback);
    // a stranger forwards every waiting OSMO to buyback-burn, which swaps it under its guard
    let res = s
        .exec(
            &stranger,
            &ExecuteMsg::ForwardProceeds { denom: OSMO.into() },
            &[],
        )
        .unwrap();
    assert_eq!(
        event_attr(&res, "proceeds_forwarded", "amount"),
        waiting.to_string()
    );
    assert_eq!(s.balance(&s.buyback.clone(), OSMO), waiting);
    assert_eq!(s.balance(&s.vault.clone(), OSMO), 0);
    assert_eq!(s.waiting(OSMO), 0);
    assert_eq!(
        s.balance(&stranger, OSMO),
        0,
        "no bounty: nothing was swapped"
    );
    assert_err(
        s.keeper_exec(&ExecuteMsg::ForwardProceeds { denom: OSMO.into() }),
        ContractError::NothingToForward { denom: OSMO.into() },
    );
    // a pause stops the forwarding; clearing the fallback brings convert's own refusal back
    s.deposit(1_000_000, OSMO).unwrap();
    s.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();
    assert_err(
        s.keeper_exec(&ExecuteMsg::ForwardProceeds { denom: OSMO.into() }),
        ContractError::Governance(GovernanceError::Paused),
    );
    s.owner_exec(&ExecuteMsg::Unpause {}).unwrap();
    s.owner_exec(&ExecuteMsg::SetFallback { mode: None })
        .unwrap();
    let t = now(&s);
    assert_err(
        s.convert(OSMO, None),
        ContractError::SunsetStarted {
            starts_at: at - LEAD,
            at,
            now: t,
        },
    );
    assert_eq!(s.waiting(OSMO), 1_000_000);
    assert_bank_is_books(&s);
}

/// Second review: the guardian kept `at` and stretched the lead to start the unbond at once, a
/// year before the cutover and irreversibly. A guardian's move is now bounded by one unbonding
/// period plus the margin from governance's schedule; the owner is not bounded.
#[test]
fn the_guardian_cannot_start_the_sunset_months_early() {
    let mut s = Suite::native();
    let t = now(&s);
    let at = t + 365 * DAY;
    let guardian = s.guardian.clone();
    s.owner_exec(&set(at, LEAD, PrincipalToMsg::Buyback))
        .unwrap();
    let owner_start = at - LEAD;
    // The bound: the unbonding period plus the margin (what LEAD is here).
    let needed = LEAD;
    let earliest = owner_start - needed;
    // A year early: refused with the bound, and nothing changed.
    assert_err(
        s.exec(
            &guardian,
            &set(at, at - t - 1, PrincipalToMsg::Buyback),
            &[],
        ),
        ContractError::GuardianTooEarly {
            starts_at: t + 1,
            earliest,
        },
    );
    assert_eq!(sunset_status(&s).sunset.unwrap().unbond_lead_seconds, LEAD);
    // Two steps cannot add up to more than one bound either.
    s.exec(
        &guardian,
        &set(at, LEAD + needed, PrincipalToMsg::Buyback),
        &[],
    )
    .unwrap();
    assert_err(
        s.exec(
            &guardian,
            &set(at, LEAD + needed + DAY, PrincipalToMsg::Buyback),
            &[],
        ),
        ContractError::GuardianTooEarly {
            starts_at: at - LEAD - needed - DAY,
            earliest,
        },
    );
    // The owner (governance) may bring it as far forward as it likes.
    s.owner_exec(&set(at, at - t - 1, PrincipalToMsg::Buyback))
        .unwrap();
    assert_eq!(
        sunset_status(&s).sunset.unwrap().unbond_lead_seconds,
        at - t - 1
    );
}
