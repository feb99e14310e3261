//! The staking fallback on Osmosis (issue 20): once the books hold no AKT, governance switches
//! new proceeds to native OSMO staking with one message; convert, stake and harvest then run
//! unchanged in OSMO.

use cosmwasm_std::{coins, Uint128};
use spice_governance::GovernanceError;
use spice_testing::fund;

use super::suite::*;
use crate::execute::sunset::SUNSET_MARGIN_SECONDS;
use crate::msg::{
    ExecuteMsg, PrincipalToMsg, QueryMsg, ReturnKind, SunsetPhase, SunsetStatusResponse,
};
use crate::state::{Config, FallbackMode, Strategy, WeightedValidator};
use crate::ContractError;

pub(super) const STAKE: u128 = 1_000_000_000;
const LEAD: u64 = UNBONDING + SUNSET_MARGIN_SECONDS;
const DAY: u64 = 86_400;

fn now(s: &Suite) -> u64 {
    s.app.block_info().time.seconds()
}

pub(super) fn osmo_staking(validators: &[&str]) -> ExecuteMsg {
    ExecuteMsg::SetFallback {
        mode: Some(FallbackMode::OsmoStaking {
            validators: validators.iter().map(|v| v.to_string()).collect(),
        }),
    }
}

fn config(s: &Suite) -> Config {
    s.query(&QueryMsg::Config {})
}

fn sunset_status(s: &Suite) -> SunsetStatusResponse {
    s.query(&QueryMsg::SunsetStatus {})
}

pub(super) fn delegated(s: &Suite, validator: &str) -> u128 {
    s.app
        .wrap()
        .query_delegation(s.vault.clone(), validator)
        .unwrap()
        .map_or(0, |d| d.amount.amount.u128())
}

/// The vault's bank in the staking denom holds exactly what its books say.
fn assert_bank_is_books(s: &Suite, denom: &str) {
    let b = s.books();
    assert_conserved(&b);
    let backed = b.pending + b.returned + b.revenue_pending + b.returns_arrived + b.rewards_arrived;
    assert_eq!(s.balance(&s.vault.clone(), denom), backed.u128(), "{b:?}");
}

/// Operator strategy on an OSMO-bonded chain: `STAKE` AKT delegated on Akash, OSMO and USDC
/// proceeds waiting, and a sunset (to buyback) whose unbond starts now; the keeper began it
/// and the operator confirmed the undelegation.
pub(super) fn sunset_unbonding() -> (Suite, u64) {
    let mut s = Suite::operator_bonded(OSMO);
    s.deposit(STAKE, AKT).unwrap();
    s.stake().unwrap();
    s.ack(1);
    s.confirm_delegation(STAKE).unwrap();
    s.deposit(3_000_000, OSMO).unwrap();
    s.deposit(2_000_000, USDC).unwrap();
    let at = now(&s) + LEAD;
    s.owner_exec(&ExecuteMsg::SetSunset {
        at,
        unbond_lead_seconds: LEAD,
        principal_to: PrincipalToMsg::Buyback,
    })
    .unwrap();
    s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}).unwrap();
    let tx_hash = s.hash();
    s.operator_exec(&ExecuteMsg::ConfirmUndelegation {
        amount: Uint128::new(STAKE),
        tx_hash,
    })
    .unwrap();
    (s, at)
}

/// The principal arrives, is confirmed and routed to buyback-burn: nothing of AKT is left.
fn finish_sunset(s: &mut Suite) {
    s.advance(UNBONDING);
    s.receive(ReturnKind::Principal, STAKE).unwrap();
    let tx_hash = s.hash();
    s.operator_exec(&ExecuteMsg::ConfirmReturned {
        amount: Uint128::new(STAKE),
        tx_hash,
    })
    .unwrap();
    s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}).unwrap();
    assert_eq!(s.balance(&s.buyback.clone(), AKT), STAKE);
    assert_bank_is_books(s, AKT);
}

#[test]
fn osmo_staking_is_refused_while_the_books_hold_akt_and_the_refusal_changes_nothing() {
    let (mut s, at) = sunset_unbonding();
    let (books, cfg) = (s.books(), config(&s));
    assert_eq!(books.unbonding.u128(), STAKE);
    assert_err(
        s.owner_exec(&osmo_staking(&[VALIDATORS[0]])),
        ContractError::AktDenomInUse {
            akt_denom: AKT.into(),
            held: Uint128::new(STAKE),
        },
    );
    // arrived but not yet confirmed: still AKT in the books
    s.advance(UNBONDING);
    s.receive(ReturnKind::Principal, STAKE).unwrap();
    assert_err(
        s.owner_exec(&osmo_staking(&[VALIDATORS[0]])),
        ContractError::AktDenomInUse {
            akt_denom: AKT.into(),
            held: Uint128::new(2 * STAKE),
        },
    );
    // nothing changed: config, the sunset, the fallback, the bank
    assert_eq!(config(&s), cfg);
    let st = sunset_status(&s);
    assert_eq!(st.fallback, None);
    assert_eq!(st.sunset.map(|x| x.at), Some(at));
    assert_eq!(s.waiting(OSMO), 3_000_000);
    assert_eq!(s.balance(&s.vault.clone(), OSMO), 3_000_000);
    assert_eq!(s.books().acquired, books.acquired);
    assert_eq!(s.books().returns_arrived.u128(), STAKE);
}

#[test]
fn osmo_staking_refuses_unauthorized_senders_funds_and_unknown_validators() {
    let (mut s, _) = sunset_unbonding();
    finish_sunset(&mut s);
    let cfg = config(&s);
    let (stranger, guardian) = (s.stranger.clone(), s.guardian.clone());
    for who in [&stranger, &guardian] {
        let err = s
            .exec(who, &osmo_staking(&[VALIDATORS[0]]), &[])
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
    let owner = s.owner.clone();
    fund(&mut s.app, &owner, coins(10, OSMO)).unwrap();
    let err = s
        .exec(&owner, &osmo_staking(&[VALIDATORS[0]]), &coins(10, OSMO))
        .unwrap_err();
    assert!(
        matches!(cerr(&err), ContractError::Payment(_)),
        "{:?}",
        cerr(&err)
    );
    assert_err(
        s.owner_exec(&osmo_staking(&["osmovaloper1nobody"])),
        ContractError::InvalidValidator {
            validator: "osmovaloper1nobody".into(),
            reason: "the staking module does not know it".into(),
        },
    );
    assert_err(
        s.owner_exec(&osmo_staking(&[VALIDATORS[0], VALIDATORS[0]])),
        ContractError::InvalidValidator {
            validator: VALIDATORS[0].into(),
            reason: "listed twice".into(),
        },
    );
    assert_err(
        s.owner_exec(&osmo_staking(&[])),
        ContractError::ValidatorCount {
            count: 0,
            max: crate::execute::config::MAX_VALIDATORS,
        },
    );
    // nothing changed
    assert_eq!(config(&s), cfg);
    assert_eq!(sunset_status(&s).fallback, None);
    assert_eq!(s.waiting(OSMO), 3_000_000);
}

#[test]
fn after_the_sunset_osmo_staking_converts_stakes_and_harvests_new_proceeds_as_osmo() {
    let (mut s, at) = sunset_unbonding();
    finish_sunset(&mut s);
    let before = s.books();
    assert_eq!(before.unbonded_out.u128(), STAKE);

    let res = s
        .owner_exec(&osmo_staking(&[VALIDATORS[0], VALIDATORS[2]]))
        .unwrap();
    let attr = |k: &str| event_attr(&res, "set_fallback", k);
    assert_eq!(attr("mode"), "osmo_staking");
    assert_eq!(
        attr("validators"),
        format!("{},{}", VALIDATORS[0], VALIDATORS[2])
    );
    assert_eq!(attr("staking_denom"), OSMO);
    assert_eq!(attr("previous_denom"), AKT);
    assert_eq!(attr("previous_acquired"), before.acquired.to_string());
    assert_eq!(attr("previous_unbonded_out"), STAKE.to_string());
    assert_eq!(attr("moved_to_pending"), "3000000");
    assert_eq!(attr("sunset_retired"), at.to_string());

    // the staking denom is the chain's bond denom, the strategy native with equal weights
    let cfg = config(&s);
    assert_eq!(cfg.akt_denom, OSMO);
    assert_eq!(
        cfg.strategy,
        Some(Strategy::Native {
            validators: [VALIDATORS[0], VALIDATORS[2]]
                .iter()
                .map(|v| WeightedValidator {
                    address: v.to_string(),
                    weight: 1,
                })
                .collect()
        })
    );
    let st = sunset_status(&s);
    assert_eq!(st.phase, SunsetPhase::None);
    assert!(!st.sunset_risk);
    assert!(matches!(
        st.fallback,
        Some(FallbackMode::OsmoStaking { .. })
    ));
    // the books restart in OSMO: the waiting OSMO proceeds are pending, nothing else
    let b = s.books();
    assert_eq!(
        (b.pending.u128(), b.acquired.u128()),
        (3_000_000, 3_000_000)
    );
    assert_eq!((b.unbonded_out.u128(), b.revenue_harvested.u128()), (0, 0));
    assert_eq!(s.waiting(OSMO), 0);
    assert_bank_is_books(&s, OSMO);
    assert_eq!(s.balance(&s.vault.clone(), AKT), 0);

    // USDC's route still ends in AKT: refused until governance routes it to OSMO
    assert_err(
        s.convert(USDC, None),
        ContractError::RouteMustEndInAkt {
            denom: USDC.into(),
            last: AKT.into(),
            akt_denom: OSMO.into(),
        },
    );
    let usdc_pool = s.usdc_pool;
    s.owner_exec(&ExecuteMsg::SetRoute {
        denom: USDC.into(),
        hops: vec![hop(usdc_pool, OSMO)],
    })
    .unwrap();
    let res = s.convert(USDC, None).unwrap();
    let osmo_out: u128 = event_attr(&res, "convert", "akt_out").parse().unwrap();
    assert!(osmo_out > 1_900_000, "{osmo_out}");
    // OSMO proceeds need no swap: they go straight to pending
    s.deposit(1_000_000, OSMO).unwrap();
    let pending = 3_000_000 + osmo_out + 1_000_000;
    assert_eq!(s.books().pending.u128(), pending);
    assert_bank_is_books(&s, OSMO);

    // stake: OSMO delegated to the two validators, half each (remainder to the first)
    s.stake().unwrap();
    assert_eq!(delegated(&s, VALIDATORS[2]), pending / 2);
    assert_eq!(delegated(&s, VALIDATORS[0]), pending - pending / 2);
    assert_eq!(delegated(&s, VALIDATORS[1]), 0);
    assert_eq!(s.books().staked.u128(), pending);
    assert_bank_is_books(&s, OSMO);

    // rewards harvested to buyback-burn as revenue, in OSMO
    s.advance(30 * DAY);
    let buyback_before = s.balance(&s.buyback.clone(), OSMO);
    let keeper_before = s.balance(&s.keeper.clone(), OSMO);
    let res = s.harvest().unwrap();
    let revenue: u128 = event_attr(&res, "harvest", "revenue").parse().unwrap();
    assert!(revenue > 0);
    let fee = revenue * u128::from(BOUNTY_BPS) / 10_000;
    assert_eq!(
        s.balance(&s.buyback.clone(), OSMO) - buyback_before,
        revenue - fee
    );
    assert_eq!(s.balance(&s.keeper.clone(), OSMO) - keeper_before, fee);
    let b = s.books();
    assert_eq!(b.revenue_harvested.u128(), revenue - fee);
    assert_eq!(b.staked.u128(), pending);
    assert_bank_is_books(&s, OSMO);

    // the retired sunset cannot reach the OSMO stake
    assert_err(
        s.keeper_exec(&ExecuteMsg::BeginSunsetUnbond {}),
        ContractError::NoSunset,
    );
    assert_err(
        s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}),
        ContractError::NoSunset,
    );
    // the books now hold OSMO: switching again is refused with the number
    assert_err(
        s.owner_exec(&osmo_staking(&[VALIDATORS[1]])),
        ContractError::AktDenomInUse {
            akt_denom: OSMO.into(),
            held: Uint128::new(pending),
        },
    );
}

#[test]
fn governance_may_choose_osmo_staking_before_any_akt_was_bought() {
    let mut s = Suite::bare_bonded(OSMO);
    let res = s.owner_exec(&osmo_staking(&[VALIDATORS[1]])).unwrap();
    assert_eq!(event_attr(&res, "set_fallback", "sunset_retired"), "none");
    assert_eq!(event_attr(&res, "set_fallback", "moved_to_pending"), "0");
    assert_eq!(config(&s).akt_denom, OSMO);
    s.deposit(5_000_000, OSMO).unwrap();
    s.stake().unwrap();
    assert_eq!(delegated(&s, VALIDATORS[1]), 5_000_000);
    assert_bank_is_books(&s, OSMO);
}
