//! Random sequences of revenue, buybacks and time on the Osmosis emulation with the real token.
//!
//! Every buyback is checked against a model of the contract's sizing (limit, per-call cap,
//! epoch budget, the balance less the bounty, the minimum swap, the size-weighted cooldown):
//! a refusal the model does not allow fails the property, and so does an accepted call that
//! swapped another amount, paid another bounty, or whose SPICE did not leave the bank's supply
//! through spice-token's burn. Where the pools' prices have been quiet for a whole TWAP window
//! (spot equals TWAP) and the swap is small against the pool, the model also rules out a price
//! refusal, so a contract that refused every buyback fails; elsewhere a price refusal is allowed.
//! Every refused call must leave the bank balances, the status and the history as they were.

use cosmwasm_std::{Addr, Uint128};
use proptest::prelude::*;

use super::suite::*;
use crate::ContractError;

#[derive(Clone, Debug)]
enum Op {
    Revenue { akt: bool, amount: u128 },
    Buyback { akt: bool, limit: Option<u128> },
    Advance { seconds: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), 1u128..3_000_000_000).prop_map(|(akt, amount)| Op::Revenue { akt, amount }),
        (
            any::<bool>(),
            prop_oneof![Just(None), (1u128..2_000_000_000).prop_map(Some)]
        )
            .prop_map(|(akt, limit)| Op::Buyback { akt, limit }),
        (1u64..8_000).prop_map(|seconds| Op::Advance { seconds }),
    ]
}

const MIN_SWAP: u128 = PER_CALL_CAP / 100;

/// What the model remembers per denom.
#[derive(Clone, Debug, Default)]
struct DenomModel {
    received: u128,
    cooldown_until: u64,
    epoch: u64,
    spent_in_epoch: u128,
}

struct Model {
    osmo: DenomModel,
    akt: DenomModel,
    /// Last time each pool's price moved (the suite starts two windows after creation).
    spice_pool_moved: u64,
    akt_pool_moved: u64,
}

fn burned_by_buyback(s: &Suite) -> u128 {
    let r: spice_token::msg::BurnersResponse = s
        .app
        .wrap()
        .query_wasm_smart(
            &s.token,
            &spice_token::msg::QueryMsg::Burners {
                start_after: None,
                limit: Some(30),
            },
        )
        .unwrap();
    r.burners
        .iter()
        .find(|b| b.address == s.buyback.as_str())
        .map_or(0, |b| b.burned.u128())
}

fn bank_supply(s: &Suite) -> u128 {
    s.app.wrap().query_supply(&s.spice).unwrap().amount.u128()
}

type Snapshot = (u128, u128, u128, crate::msg::StatusResponse, usize, u128);

fn snapshot(s: &Suite, keeper: &Addr, denom: &str) -> Snapshot {
    (
        s.balance(&s.buyback.clone(), denom),
        s.balance(keeper, denom),
        bank_supply(s),
        s.status(),
        s.history(None, Some(30)).buybacks.len(),
        burned_by_buyback(s),
    )
}

fn buyback_step(
    s: &mut Suite,
    m: &mut Model,
    akt: bool,
    limit: Option<u128>,
) -> Result<(), TestCaseError> {
    let denom = if akt { AKT } else { OSMO };
    let keeper = s.keeper.clone();
    let now = s.now();
    let d = if akt { &m.akt } else { &m.osmo };
    let epoch = now / EPOCH;
    let spent = if d.epoch == epoch {
        d.spent_in_epoch
    } else {
        0
    };
    let pending = s.balance(&s.buyback.clone(), denom);
    let affordable = pending * 10_000 / (10_000 + u128::from(BOUNTY_BPS));
    let amount = [
        limit.unwrap_or(u128::MAX),
        PER_CALL_CAP,
        EPOCH_CAP - spent,
        affordable,
    ]
    .into_iter()
    .min()
    .unwrap();
    let sized_ok = now >= d.cooldown_until && spent < EPOCH_CAP && amount >= MIN_SWAP;
    // Prices flat for a whole window, and a swap small enough to stay inside the slippage.
    let quiet = now >= m.spice_pool_moved + WINDOW && (!akt || now >= m.akt_pool_moved + WINDOW);
    let small = amount <= if akt { 200_000_000 } else { PER_CALL_CAP };

    let before = snapshot(s, &keeper, denom);
    match s.buyback(denom, limit) {
        Ok(res) => {
            prop_assert!(
                sized_ok,
                "accepted, but the model refuses it: {amount} at {now}"
            );
            let swapped: u128 = event_attr(&res, "swap", "amount_in").parse().unwrap();
            let bounty: u128 = event_attr(&res, "swap", "bounty").parse().unwrap();
            let out: u128 = event_attr(&res, "buyback", "spice_out").parse().unwrap();
            prop_assert_eq!(swapped, amount);
            prop_assert_eq!(bounty, amount * u128::from(BOUNTY_BPS) / 10_000);
            let after = snapshot(s, &keeper, denom);
            prop_assert_eq!(
                after.0,
                before.0 - amount - bounty,
                "the contract's {}",
                denom
            );
            prop_assert_eq!(after.1, before.1 + bounty, "the keeper's {}", denom);
            prop_assert_eq!(after.2 + out, before.2, "bank supply of native SPICE");
            prop_assert_eq!(
                after.5,
                before.5 + out,
                "the token's burns for buyback-burn"
            );
            prop_assert_eq!(after.4, before.4 + 1);
            let d = if akt { &mut m.akt } else { &mut m.osmo };
            d.cooldown_until = now + (u128::from(COOLDOWN) * amount).div_ceil(PER_CALL_CAP) as u64;
            d.epoch = epoch;
            d.spent_in_epoch = spent + amount;
            m.spice_pool_moved = now;
            if akt {
                m.akt_pool_moved = now;
            }
        }
        Err(e) => {
            let err = cerr(&e);
            let price = matches!(
                err,
                ContractError::SpotDeviatesFromTwap { .. }
                    | ContractError::ExpectedOutBelowMin { .. }
                    | ContractError::MinOutZero { .. }
            );
            prop_assert!(
                !sized_ok || (price && !(quiet && small)),
                "refused ({err}), but the model accepts {amount} of {denom} at {now}"
            );
            prop_assert_eq!(
                snapshot(s, &keeper, denom),
                before,
                "a refusal changed state"
            );
        }
    }
    Ok(())
}

proptest! {

    /// Whatever keepers, revenue and time do, each buyback does what the model predicts, every
    /// SPICE bought leaves the bank's supply through the token's burn, and no denom ever spends
    /// more than it received.
    #[test]
    fn every_buyback_is_sized_as_modelled_and_its_spice_is_burned_at_the_token(
        ops in proptest::collection::vec(op(), 1..20)
    ) {
        let mut s = Suite::new();
        let start = s.now() - 2 * WINDOW;
        let mut m = Model {
            osmo: DenomModel::default(),
            akt: DenomModel::default(),
            spice_pool_moved: start,
            akt_pool_moved: start,
        };
        for op in ops {
            match op {
                Op::Revenue { akt, amount } => {
                    if akt { m.akt.received += amount; s.revenue(amount, AKT) }
                    else { m.osmo.received += amount; s.revenue(amount, OSMO) }
                }
                Op::Buyback { akt, limit } => buyback_step(&mut s, &mut m, akt, limit)?,
                Op::Advance { seconds } => s.advance(seconds),
            }
            let status = s.status();
            prop_assert_eq!(status.spice_burned.u128(), burned_by_buyback(&s));
            prop_assert_eq!(s.balance(&s.buyback.clone(), &s.spice.clone()), 0);
            for (denom, d) in [(OSMO, &m.osmo), (AKT, &m.akt)] {
                let row = status.denoms.iter().find(|r| r.denom == denom).unwrap();
                let spent = row.total_in.u128() + row.total_bounty.u128();
                prop_assert_eq!(spent + row.pending.u128(), d.received, "{}", denom);
                prop_assert!(row.epoch_budget_left <= Uint128::new(EPOCH_CAP));
            }
        }
    }
}

#[test]
fn a_quiet_market_buyback_the_model_accepts_goes_through() {
    // The deterministic floor of the property: fresh suite, revenue, one buyback each way.
    let mut s = Suite::new();
    let start = s.now() - 2 * WINDOW;
    let mut m = Model {
        osmo: DenomModel::default(),
        akt: DenomModel::default(),
        spice_pool_moved: start,
        akt_pool_moved: start,
    };
    s.revenue(3_000_000_000, OSMO);
    buyback_step(&mut s, &mut m, false, None).unwrap();
    assert_eq!(s.status().buybacks, 1);
    s.advance(WINDOW);
    s.revenue(100_000_000, AKT);
    buyback_step(&mut s, &mut m, true, None).unwrap();
    assert_eq!(s.status().buybacks, 2);
}
