//! `convert`: TWAP guard, caps, cooldown, bounty, simulation.

use cosmwasm_std::{coin, Decimal256, Uint128};

use super::suite::*;
use crate::msg::ExecuteMsg;
use crate::ContractError;

/// 1,002 OSMO: with the 20 bps bounty left aside, exactly the 1,000 OSMO cap is swappable.
const DEPOSIT: u128 = 1_002_000_000;

#[test]
fn convert_swaps_at_a_twap_floor_and_pays_the_bounty_from_the_reply() {
    let mut s = Suite::native();
    s.deposit(DEPOSIT, OSMO).unwrap();
    let sim = s.simulate(OSMO);
    assert!(sim.would_execute, "{sim:?}");
    // TWAP 0.5 AKT per OSMO, mainnet's 0.1% taker fee:
    // min_out = ⌈1,000,000,000 × 0.5 × 0.999 × 0.98⌉ = 489,510,000.
    assert_eq!(sim.amount_in.u128(), 1_000_000_000);
    assert_eq!(sim.twap_price, Some(Decimal256::percent(50)));
    assert_eq!(sim.min_out.u128(), 489_510_000);
    assert_eq!(sim.bounty.u128(), 2_000_000);
    let res = s.convert(OSMO, None).unwrap();
    let out: u128 = event_attr(&res, "convert", "akt_out").parse().unwrap();
    // The reply's amount is what the pool paid, the estimate the simulation showed.
    assert_eq!(out, sim.expected_out.u128());
    assert!(out >= 489_510_000);
    assert_eq!(s.balance(&s.keeper.clone(), OSMO), 2_000_000);
    assert_eq!(s.waiting(OSMO), 0);
    let b = s.books();
    assert_eq!((b.pending.u128(), b.acquired.u128()), (out, out));
    assert_eq!(s.balance(&s.vault.clone(), AKT), out);
    assert_eq!(s.history().entries.last().unwrap().action, "convert");
}

#[test]
fn twap_guard_refuses_a_manipulated_pool_with_numbers() {
    let mut s = Suite::native();
    s.deposit(DEPOSIT, OSMO).unwrap();
    // The attacker dumps 10,000 OSMO into the 100,000 OSMO / 50,000 AKT pool: OSMO gets cheap.
    let attacker = s.stranger.clone();
    let akt_pool = s.akt_pool;
    s.trade(&attacker, &[(akt_pool, AKT)], coin(10_000_000_000, OSMO));
    let err = s.convert(OSMO, None).unwrap_err();
    match cerr(&err) {
        ContractError::SpotDeviatesFromTwap {
            pool_id,
            spot,
            twap,
            max_deviation,
        } => {
            assert_eq!(*pool_id, akt_pool);
            // TWAP over the last 30 minutes is still 0.5 AKT per OSMO; spot is
            // ≈ 45,463 / 110,000 ≈ 0.4133, 17% below, beyond the 3% band.
            assert_eq!(*twap, Decimal256::percent(50));
            assert!(
                *spot < Decimal256::permille(414) && *spot > Decimal256::permille(413),
                "{spot}"
            );
            assert_eq!(*max_deviation, Decimal256::percent(3));
        }
        other => panic!("expected the deviation guard, got {other:?}"),
    }
    let sim = s.simulate(OSMO);
    assert!(!sim.would_execute);
    assert!(sim.refusal.unwrap().contains("manipulated"));
    assert_eq!(
        s.waiting(OSMO),
        DEPOSIT,
        "the proceeds wait for an honest price"
    );
    assert_eq!(
        s.balance(&s.keeper.clone(), OSMO),
        0,
        "no bounty without a swap"
    );
}

#[test]
fn per_call_cap_leaves_the_rest_and_the_cooldown_refuses_until_it_elapses() {
    let mut s = Suite::native();
    // Another denom has its own cooldown; a limit below the cap is honoured.
    s.deposit(10_000_000, USDC).unwrap();
    let res = s.convert(USDC, Some(5_000_000)).unwrap();
    assert_eq!(event_attr(&res, "convert_swap", "amount_in"), "5000000");
    s.deposit(3 * DEPOSIT, OSMO).unwrap();
    let res = s.convert(OSMO, None).unwrap();
    assert_eq!(
        event_attr(&res, "convert_swap", "amount_in"),
        CAP.to_string()
    );
    assert_eq!(s.waiting(OSMO), 3 * DEPOSIT - CAP - 2_000_000);
    let now = s.app.block_info().time.seconds();
    assert_err(
        s.convert(OSMO, None),
        ContractError::CooldownActive {
            denom: OSMO.into(),
            next_allowed_at: now + COOLDOWN,
            now,
        },
    );
    s.advance(COOLDOWN);
    s.convert(OSMO, None).unwrap();
    assert_err(s.convert(OSMO, Some(0)), ContractError::ZeroLimit);
}

#[test]
fn bounty_is_paid_only_when_a_swap_happened() {
    let mut s = Suite::native();
    // The least conversion at one unit, so the pools' own refusals are reached.
    s.owner_exec(&ExecuteMsg::UpdateConfig(crate::msg::ConfigUpdate {
        min_convert_amount: Some(Uint128::one()),
        ..Default::default()
    }))
    .unwrap();
    assert_err(
        s.convert(OSMO, None),
        ContractError::NothingToConvert {
            denom: OSMO.into(),
            waiting: Uint128::zero(),
        },
    );
    assert_err(
        s.keeper_exec(&ExecuteMsg::Convert {
            denom: None,
            limit: None,
        }),
        ContractError::NoConvertibleDenom,
    );
    // 1 uosmo buys no AKT at the TWAP: refused, nothing paid.
    s.deposit(1, OSMO).unwrap();
    assert_err(
        s.convert(OSMO, None),
        ContractError::NothingToConvert {
            denom: OSMO.into(),
            waiting: Uint128::one(),
        },
    );
    // 3 uosmo: 2 swappable, min out ⌈2 × 0.5 × 0.98⌉ = 1, but the pool would pay 0 and
    // poolmanager's estimate refuses: nothing swapped, nothing paid.
    s.deposit(2, OSMO).unwrap();
    let err = s.convert(OSMO, None).unwrap_err();
    assert!(
        matches!(cerr(&err), ContractError::BadResponse { reason } if reason.contains("token amount must be positive")),
        "{:?}",
        cerr(&err)
    );
    assert_eq!(s.balance(&s.keeper.clone(), OSMO), 0);
    assert_eq!(s.books().acquired.u128(), 0);

    // With no denom given, the first denom with proceeds and no cooldown goes; it pays.
    let mut s = Suite::native();
    s.deposit(100_200_000, USDC).unwrap();
    let res = s
        .keeper_exec(&ExecuteMsg::Convert {
            denom: None,
            limit: None,
        })
        .unwrap();
    assert_eq!(event_attr(&res, "convert", "denom"), USDC);
    // ⌊100,000,000 × 20 / 10,000⌋
    assert_eq!(event_attr(&res, "convert", "bounty"), "200000");
    assert_eq!(s.balance(&s.keeper.clone(), USDC), 200_000);
}

#[test]
fn two_hop_route_composes_the_twap_of_each_pool() {
    let mut s = Suite::native();
    // 100 USDC (+ bounty): each pool's price impact stays near 0.1%.
    s.deposit(100_200_000, USDC).unwrap();
    let sim = s.simulate(USDC);
    // 1 USDC = 1 OSMO = 0.5 AKT, 0.1% taker fee per hop:
    // min_out = ⌈100,000,000 × 1 × 0.999 × 0.5 × 0.999 × 0.98⌉ = 48,902,049.
    assert_eq!(sim.twap_price, Some(Decimal256::percent(50)), "{sim:?}");
    assert_eq!(sim.amount_in.u128(), 100_000_000);
    assert_eq!(sim.min_out.u128(), 48_902_049);
    let res = s.convert(USDC, None).unwrap();
    let out: u128 = event_attr(&res, "convert", "akt_out").parse().unwrap();
    assert_eq!(out, sim.expected_out.u128());
    assert_eq!(
        s.balance(&s.vault.clone(), OSMO),
        0,
        "no intermediate OSMO lingers"
    );
}
