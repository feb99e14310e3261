//! The sandwich: an attacker buys SPICE right before a keeper's buyback to make it buy dear,
//! then sells into the higher price. Run with `--nocapture` to see the numbers.

use cosmwasm_std::{coin, Decimal, Decimal256};

use super::suite::*;
use crate::ContractError;

/// The revenue at stake: 1,000 OSMO, the per-call cap (1% of the pool's OSMO side).
const REVENUE: u128 = PER_CALL_CAP;

fn pct(d: Decimal) -> String {
    format!("{:.3}%", d.to_string().parse::<f64>().unwrap() * 100.0)
}

fn ratio_pct(num: u128, den: u128) -> f64 {
    num as f64 / den as f64 * 100.0
}

/// SPICE a plain swap of `REVENUE` OSMO gets on an untouched pool.
fn fair_out() -> u128 {
    let mut s = Suite::new();
    let who = s.app.api().addr_make("fair");
    let spice = s.spice.clone();
    s.trade(&who, &[(s.spice_pool, &spice)], coin(REVENUE, OSMO))
}

/// The attacker buys SPICE with `attack` OSMO; returns (SPICE bought, price rise X).
fn front_run(s: &mut Suite, attack: u128) -> (u128, Decimal) {
    let before = s.spice_price();
    let attacker = s.attacker.clone();
    let spice = s.spice.clone();
    let bought = s.trade(&attacker, &[(s.spice_pool, &spice)], coin(attack, OSMO));
    let after = s.spice_price();
    (bought, after / before - Decimal::one())
}

/// The attacker sells the SPICE back; returns the OSMO received.
fn back_run(s: &mut Suite, spice_bought: u128) -> u128 {
    let attacker = s.attacker.clone();
    let spice = s.spice.clone();
    // Sells the attacker's own SPICE (no fresh funding).
    spice_testing::swap_exact_amount_in(
        &mut s.app,
        &attacker,
        &[(s.spice_pool, OSMO)],
        coin(spice_bought, &spice),
        cosmwasm_std::Uint128::one(),
    )
    .unwrap()
    .u128()
}

#[test]
fn sandwich_is_refused_by_the_guard_and_costs_the_attacker_while_a_naive_swap_loses_y() {
    let fair = fair_out();
    let attack = 10_000_000_000u128; // 10,000 OSMO, 10% of the pool's OSMO side

    // (a) with the guard
    let mut s = Suite::new();
    s.revenue(REVENUE * 1_002 / 1_000, OSMO);
    let before = s.simulate(OSMO, None);
    assert!(before.would_execute, "{before:?}");
    let (bought, x) = front_run(&mut s, attack);
    let err = s.buyback(OSMO, None).unwrap_err();
    let (spot, twap, max) = match cerr(&err) {
        ContractError::SpotDeviatesFromTwap {
            spot,
            twap,
            max_deviation,
            ..
        } => (*spot, *twap, *max_deviation),
        other => panic!("expected the deviation guard, got {other:?}"),
    };
    let after = s.simulate(OSMO, None);
    assert!(!after.would_execute);
    assert!(after.refusal.unwrap().contains("manipulated"));
    let back = back_run(&mut s, bought);
    assert!(back < attack, "the attacker's round trip must lose");
    let attacker_loss = attack - back;
    // The revenue is untouched and waits for an honest price.
    assert_eq!(s.balance(&s.buyback.clone(), OSMO), REVENUE * 1_002 / 1_000);
    assert_eq!(s.burned_at_token(), 0);

    // (b) the same attack against a naive swap with no minimum out
    let mut n = Suite::new();
    let (bought_n, x_n) = front_run(&mut n, attack);
    assert_eq!(x_n, x);
    let naive = n.app.api().addr_make("naive");
    let spice = n.spice.clone();
    let naive_out = n.trade(&naive, &[(n.spice_pool, &spice)], coin(REVENUE, OSMO));
    let back_n = back_run(&mut n, bought_n);
    let y = 100.0 - ratio_pct(naive_out, fair);
    assert!(back_n > attack, "against a naive swap the sandwich pays");

    let deviation = if spot > twap {
        spot - twap
    } else {
        twap - spot
    } / twap;
    println!("== sandwich: pool 100,000 OSMO / 100,000 SPICE, 0.2% fee; revenue 1,000 OSMO ==");
    println!(
        "attacker front-run: {} OSMO -> {} uSPICE; SPICE price up X = {}",
        attack / 1_000_000,
        bought,
        pct(x)
    );
    println!(
        "(a) guard: TWAP {twap} vs spot {spot} SPICE/OSMO: deviation {:.3}% > max {:.1}% -> refused",
        deviation.to_string().parse::<f64>().unwrap() * 100.0,
        max.to_string().parse::<f64>().unwrap() * 100.0
    );
    println!(
        "    before the attack: amount_in {} expected_out {} min_out {} (TWAP x 0.98, rounded up)",
        before.amount_in, before.expected_out, before.min_out
    );
    println!(
        "    attacker round trip: {} -> {} uOSMO, loss {} uOSMO ({:.3}%)",
        attack,
        back,
        attacker_loss,
        ratio_pct(attacker_loss, attack)
    );
    println!(
        "(b) naive swap, min out 1: {naive_out} uSPICE vs {fair} fair: loses Y = {y:.3}% of the revenue; attacker profit {} uOSMO",
        back_n - attack
    );
    assert!(y > 15.0, "Y = {y}");
    assert!(x > Decimal::percent(20), "X = {x}");
    assert!(deviation > Decimal256::percent(3));
}

#[test]
fn small_pushes_inside_the_spot_band_are_caught_by_the_twap_minimum_or_cost_at_most_the_slippage() {
    let fair = fair_out();
    println!("== pushes below the 3% spot band (slippage bound 2%) ==");
    for attack in [50_000_000u128, 300_000_000, 1_000_000_000, 1_400_000_000] {
        let mut s = Suite::new();
        s.revenue(REVENUE * 1_002 / 1_000, OSMO);
        let (bought, x) = front_run(&mut s, attack);
        let sim = s.simulate(OSMO, None);
        let outcome = match s.buyback(OSMO, None) {
            Ok(res) => {
                let out: u128 = event_attr(&res, "buyback", "spice_out").parse().unwrap();
                assert!(out >= sim.min_out.u128());
                let loss = 100.0 - ratio_pct(out, fair);
                // Never more than the slippage bound below the fair result.
                assert!(loss <= 2.0, "loss {loss}%");
                format!(
                    "executed: {out} uSPICE, {loss:.3}% below fair, min_out {}",
                    sim.min_out
                )
            }
            Err(e) => {
                let e = cerr(&e);
                assert!(
                    matches!(
                        e,
                        ContractError::ExpectedOutBelowMin { .. }
                            | ContractError::SpotDeviatesFromTwap { .. }
                    ),
                    "{e:?}"
                );
                format!("refused: {e}")
            }
        };
        let back = back_run(&mut s, bought);
        println!(
            "push {} OSMO: X = {}; {outcome}; attacker round trip {:+} uOSMO",
            attack / 1_000_000,
            pct(x),
            back as i128 - attack as i128
        );
    }
}
