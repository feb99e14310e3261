//! Cooldown, per-call cap, epoch cap and keeper bounty, each at its edge.

use cosmwasm_std::Uint128;

use super::suite::*;
use crate::msg::ConfigUpdate;
use crate::ContractError;

/// Moves to 10 seconds into the next epoch, so a test's calls share one epoch.
fn start_of_next_epoch(s: &mut Suite) -> u64 {
    let now = s.now();
    let next = (now / EPOCH + 1) * EPOCH;
    s.advance(next - now + 10);
    next
}

fn amount_in(res: &cw_multi_test::AppResponse) -> u128 {
    event_attr(res, "swap", "amount_in").parse().unwrap()
}

#[test]
fn cooldown_refuses_until_exactly_its_end() {
    let mut s = Suite::new();
    s.revenue(5_000_000_000, OSMO);
    s.buyback(OSMO, None).unwrap();
    let first = s.now();
    // Another denom is not held up by OSMO's cooldown (once the TWAP has caught up with the
    // price the OSMO buyback moved: same SPICE pool).
    s.advance(WINDOW);
    s.revenue(100_000_000, AKT);
    s.buyback(AKT, None).unwrap();

    s.advance(COOLDOWN - WINDOW - 5);
    assert_err(
        s.buyback(OSMO, None),
        ContractError::CooldownActive {
            denom: OSMO.into(),
            next_allowed_at: first + COOLDOWN,
            now: first + COOLDOWN - 5,
        },
    );
    let sim = s.simulate(OSMO, None);
    assert!(!sim.would_execute);
    assert_eq!(sim.next_allowed_at, first + COOLDOWN);
    assert!(sim.refusal.unwrap().contains("cooling down"));
    s.advance(5);
    assert_eq!(s.now(), first + COOLDOWN);
    s.buyback(OSMO, None).unwrap();
}

#[test]
fn per_call_cap_and_limit_size_the_swap_and_the_rest_waits() {
    let mut s = Suite::new();
    s.revenue(5_000_000_000, OSMO);
    let res = s.buyback(OSMO, None).unwrap();
    assert_eq!(amount_in(&res), PER_CALL_CAP);
    // 5,000,000,000 − 1,000,000,000 swapped − 2,000,000 bounty
    assert_eq!(s.balance(&s.buyback.clone(), OSMO), 3_998_000_000);

    s.advance(COOLDOWN);
    let res = s.buyback(OSMO, Some(400_000_000)).unwrap();
    assert_eq!(amount_in(&res), 400_000_000);
    // A limit above the cap is cut to the cap.
    s.advance(COOLDOWN);
    let res = s.buyback(OSMO, Some(PER_CALL_CAP + 1)).unwrap();
    assert_eq!(amount_in(&res), PER_CALL_CAP);
}

#[test]
fn the_balance_covers_the_swap_and_its_bounty_exactly() {
    let mut s = Suite::new();
    // ⌊1,002,000,000 × 10000 / 10020⌋ = 1,000,000,000; bounty 2,000,000: nothing left.
    s.revenue(1_002_000_000, OSMO);
    let res = s.buyback(OSMO, None).unwrap();
    assert_eq!(amount_in(&res), 1_000_000_000);
    assert_eq!(event_attr(&res, "swap", "bounty"), "2000000");
    assert_eq!(s.balance(&s.buyback.clone(), OSMO), 0);

    // One unit less: ⌊1,001,999,999 × 10000 / 10020⌋ = 999,999,999, bounty 1,999,999, 1 left.
    s.advance(COOLDOWN);
    s.revenue(1_001_999_999, OSMO);
    let res = s.buyback(OSMO, None).unwrap();
    assert_eq!(amount_in(&res), 999_999_999);
    assert_eq!(event_attr(&res, "swap", "bounty"), "1999999");
    assert_eq!(s.balance(&s.buyback.clone(), OSMO), 1);
}

#[test]
fn epoch_cap_is_spent_to_the_unit_then_refused_until_the_next_epoch() {
    let mut s = Suite::new();
    // The epoch's last 1,000 units are below the default minimum swap; spending the budget to
    // the unit is what is tested here (dust.rs covers the minimum).
    s.update_config(ConfigUpdate {
        min_swap: Some(Uint128::one()),
        ..Default::default()
    })
    .unwrap();
    let epoch_start = start_of_next_epoch(&mut s);
    s.revenue(10_000_000_000, OSMO);
    for _ in 0..2 {
        assert_eq!(amount_in(&s.buyback(OSMO, None).unwrap()), PER_CALL_CAP);
        s.advance(COOLDOWN);
    }
    // 3,000,000,000 cap − 2,000,000,000 spent − 999,999,000 = 1,000 left.
    assert_eq!(
        amount_in(&s.buyback(OSMO, Some(999_999_000)).unwrap()),
        999_999_000
    );
    s.advance(COOLDOWN);
    assert_eq!(
        s.simulate(OSMO, None).epoch_budget_left,
        Uint128::new(1_000)
    );
    // The epoch budget, not the per-call cap, now sizes the call.
    assert_eq!(amount_in(&s.buyback(OSMO, None).unwrap()), 1_000);
    s.advance(COOLDOWN);
    assert_err(
        s.buyback(OSMO, None),
        ContractError::EpochCapReached {
            denom: OSMO.into(),
            epoch_cap: Uint128::new(EPOCH_CAP),
            next_epoch_at: epoch_start + EPOCH,
        },
    );
    let status = s.status();
    let osmo = status.denoms.iter().find(|d| d.denom == OSMO).unwrap();
    assert_eq!(osmo.epoch_budget_left, Uint128::zero());
    assert_eq!(osmo.epoch_ends_at, epoch_start + EPOCH);

    // At the epoch's first second the budget is whole again.
    let now = s.now();
    s.advance(epoch_start + EPOCH - now);
    assert_eq!(s.now(), epoch_start + EPOCH);
    assert_eq!(
        s.simulate(OSMO, None).epoch_budget_left,
        Uint128::new(EPOCH_CAP)
    );
    assert_eq!(amount_in(&s.buyback(OSMO, None).unwrap()), PER_CALL_CAP);
}

#[test]
fn lowering_the_epoch_cap_below_what_was_spent_leaves_no_budget() {
    let mut s = Suite::new();
    start_of_next_epoch(&mut s);
    s.revenue(10_000_000_000, OSMO);
    s.buyback(OSMO, None).unwrap();
    s.update_config(ConfigUpdate {
        per_call_cap: Some(Uint128::new(500_000_000)),
        epoch_cap: Some(Uint128::new(500_000_000)),
        ..Default::default()
    })
    .unwrap();
    s.advance(COOLDOWN);
    let err = s.buyback(OSMO, None).unwrap_err();
    assert!(matches!(cerr(&err), ContractError::EpochCapReached { .. }));
}

#[test]
fn bounty_rounds_down_and_is_paid_only_when_a_swap_executed() {
    let mut s = Suite::new();
    // Swaps this small are below the default minimum; the rounding is what is tested here.
    s.update_config(ConfigUpdate {
        min_swap: Some(Uint128::one()),
        ..Default::default()
    })
    .unwrap();
    s.revenue(10_000_000, OSMO);
    let keeper = s.keeper.clone();
    // ⌊499 × 20 / 10000⌋ = 0: no bounty, no bank message.
    let res = s.buyback(OSMO, Some(499)).unwrap();
    assert_eq!(event_attr(&res, "buyback", "bounty"), "0");
    assert_eq!(s.balance(&keeper, OSMO), 0);
    // ⌊500 × 20 / 10000⌋ = 1.
    s.advance(COOLDOWN);
    let res = s.buyback(OSMO, Some(500)).unwrap();
    assert_eq!(event_attr(&res, "buyback", "bounty"), "1");
    assert_eq!(s.balance(&keeper, OSMO), 1);

    // Refused calls (cooldown, no route, nothing pending) pay nothing and change nothing.
    let before = s.balance(&s.buyback.clone(), OSMO);
    assert!(s.buyback(OSMO, None).is_err());
    assert!(s.buyback(USDC, None).is_err());
    assert!(s.buyback(AKT, None).is_err());
    assert_eq!(s.balance(&keeper, OSMO), 1);
    assert_eq!(s.balance(&keeper, AKT), 0);
    assert_eq!(s.balance(&s.buyback.clone(), OSMO), before);
    assert_eq!(s.history(None, None).buybacks.len(), 2);

    // With a zero bounty the keeper's call still works and earns nothing.
    s.update_config(ConfigUpdate {
        keeper_bounty_bps: Some(0),
        ..Default::default()
    })
    .unwrap();
    s.advance(COOLDOWN);
    let other = s.stranger.clone();
    s.buyback_by(&other, OSMO, None).unwrap();
    assert_eq!(s.balance(&other, OSMO), 0);
    // The whole pending balance went into the swap: nothing is held back for a bounty.
    assert_eq!(s.balance(&s.buyback.clone(), OSMO), 0);
}

#[test]
fn history_pages_in_order_with_each_keeper() {
    let mut s = Suite::new();
    s.revenue(5_000_000_000, OSMO);
    let keepers = [s.keeper.clone(), s.stranger.clone(), s.attacker.clone()];
    for k in &keepers {
        s.buyback_by(k, OSMO, Some(100_000_000)).unwrap();
        s.advance(COOLDOWN);
    }
    let all = s.history(None, None).buybacks;
    assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(
        all.iter().map(|r| r.keeper.clone()).collect::<Vec<_>>(),
        keepers.to_vec()
    );
    assert!(all.windows(2).all(|w| w[0].height < w[1].height));
    let page = s.history(Some(1), Some(1)).buybacks;
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, 2);
    assert!(s.history(Some(3), None).buybacks.is_empty());
}
