//! `buyback` on the Osmosis emulation with the real spice-token: swap, reply, burn, bounty.

use cosmwasm_std::{Decimal256, Uint128};

use super::suite::*;
use crate::msg::ExecuteMsg;
use crate::ContractError;

#[test]
fn buyback_swaps_burns_at_the_token_and_pays_the_keeper() {
    let mut s = Suite::new();
    s.revenue(500_000_000, OSMO);
    let sim = s.simulate(OSMO, None);
    assert!(sim.would_execute, "{sim:?}");
    // The balance must cover the bounty too: ⌊500,000,000 × 10000 / 10020⌋ = 499,001,996.
    assert_eq!(sim.amount_in, Uint128::new(499_001_996));
    // ⌊499,001,996 × 20 / 10000⌋ = 998,003 (rounded down).
    assert_eq!(sim.bounty, Uint128::new(998_003));
    let spice_before = s.balance(&s.buyback.clone(), &s.spice.clone());
    assert_eq!(spice_before, 0);

    let res = s.buyback(OSMO, None).unwrap();
    let out: u128 = event_attr(&res, "buyback", "spice_out").parse().unwrap();
    assert_eq!(Uint128::new(out), sim.expected_out);
    assert!(Uint128::new(out) >= sim.min_out);
    assert_eq!(event_attr(&res, "buyback", "spice_burned"), out.to_string());
    assert_eq!(event_attr(&res, "swap", "amount_in"), "499001996");

    // Every SPICE bought was burned at the token; none stays here.
    assert_eq!(s.burned_at_token(), out);
    assert_eq!(s.balance(&s.buyback.clone(), &s.spice.clone()), 0);
    // The keeper got the bounty in the input denom; 1 uosmo of dust stays pending.
    assert_eq!(s.balance(&s.keeper.clone(), OSMO), 998_003);
    assert_eq!(s.balance(&s.buyback.clone(), OSMO), 1);

    let status = s.status();
    assert_eq!(status.buybacks, 1);
    assert_eq!(status.spice_bought.u128(), out);
    assert_eq!(status.spice_burned.u128(), out);
    let osmo = status.denoms.iter().find(|d| d.denom == OSMO).unwrap();
    assert_eq!(osmo.pending, Uint128::one());
    assert_eq!(osmo.total_in, Uint128::new(499_001_996));
    assert_eq!(osmo.total_bounty, Uint128::new(998_003));
    // A half-size swap starts its share of the cooldown: ⌈3600 × 499,001,996 / 10⁹⌉ = 1,797 s.
    assert_eq!(osmo.next_allowed_at, s.now() + 1_797);

    let history = s.history(None, None).buybacks;
    assert_eq!(history.len(), 1);
    let record = &history[0];
    assert_eq!(record.id, 1);
    assert_eq!(record.keeper, s.keeper);
    assert_eq!(record.spice_out.u128(), out);
    assert_eq!(record.spice_burned.u128(), out);
    assert_eq!(record.height, s.app.block_info().height);
    assert_eq!(
        record.execution_price,
        Decimal256::from_ratio(out, 499_001_996u128)
    );
    // Paid a little below the TWAP (fee and impact), within the 2% slippage bound.
    assert!(record.execution_price < record.twap_price);
    assert!(
        record.execution_price * Decimal256::percent(100)
            >= record.twap_price * Decimal256::percent(98)
    );
}

#[test]
fn two_hop_revenue_akt_to_osmo_to_spice_composes_the_twaps() {
    let mut s = Suite::new();
    s.revenue(100_000_000, AKT);
    let sim = s.simulate(AKT, None);
    assert!(sim.would_execute, "{sim:?}");
    // 1 AKT = 2 OSMO and 1 OSMO = 1 SPICE: the composed TWAP is 2 SPICE per AKT.
    assert_eq!(sim.twap_price, Some(Decimal256::from_ratio(2u8, 1u8)));
    let amount_in = sim.amount_in.u128();
    // min_out = ⌈amount × 2 × (1 − 0.1%)² × 0.98⌉: both hops pay mainnet's taker fee
    let expected_min = (amount_in * 2 * 999 * 999 * 98).div_ceil(100_000_000);
    assert_eq!(sim.min_out.u128(), expected_min);

    let res = s.buyback(AKT, None).unwrap();
    let out: u128 = event_attr(&res, "buyback", "spice_out").parse().unwrap();
    assert_eq!(out, sim.expected_out.u128());
    assert_eq!(s.burned_at_token(), out);
    // Nothing of the intermediate OSMO stays behind.
    assert_eq!(s.balance(&s.buyback.clone(), OSMO), 0);
    assert_eq!(s.balance(&s.keeper.clone(), AKT), sim.bounty.u128());
}

#[test]
fn revenue_in_several_denoms_is_bought_back_per_denom_and_burn_totals_match() {
    let mut s = Suite::new();
    // A third denom with its own pool straight into SPICE.
    let lp = s.lp.clone();
    let spice = s.spice.clone();
    spice_testing::fund(&mut s.app, &lp, cosmwasm_std::coins(100_000_000_000, USDC)).unwrap();
    let usdc_pool = spice_testing::create_balancer_pool(
        &mut s.app,
        &lp,
        &[
            (cosmwasm_std::coin(50_000_000_000, USDC), 1),
            (cosmwasm_std::coin(100_000_000_000, &spice), 1),
        ],
        cosmwasm_std::Decimal::permille(3),
    )
    .unwrap();
    s.set_route(USDC, vec![hop(usdc_pool, &spice)]).unwrap();
    s.advance(2 * WINDOW);

    s.revenue(200_000_000, OSMO);
    s.revenue(100_000_000, AKT);
    s.revenue(50_000_000, USDC);
    let mut bought = 0u128;
    for denom in [OSMO, AKT, USDC] {
        let res = s.buyback(denom, None).unwrap();
        bought += event_attr(&res, "buyback", "spice_out")
            .parse::<u128>()
            .unwrap();
    }
    let status = s.status();
    assert_eq!(status.buybacks, 3);
    assert_eq!(status.spice_bought.u128(), bought);
    assert_eq!(status.spice_burned.u128(), bought);
    assert_eq!(s.burned_at_token(), bought);
    let per_denom: u128 = status.denoms.iter().map(|d| d.total_spice_out.u128()).sum();
    assert_eq!(per_denom, bought);
    assert_eq!(status.denoms.len(), 3);
}

#[test]
fn buyback_without_route_or_pending_revenue_is_refused() {
    let mut s = Suite::new();
    s.revenue(1_000_000, USDC);
    assert_err(
        s.buyback(USDC, None),
        ContractError::NoRoute {
            denom: USDC.to_string(),
        },
    );
    assert_err(
        s.buyback(OSMO, None),
        ContractError::NothingPending {
            denom: OSMO.to_string(),
            balance: Uint128::zero(),
        },
    );
    // 1 uosmo cannot pay a swap and its bounty: ⌊1 × 10000 / 10020⌋ = 0.
    s.revenue(1, OSMO);
    assert_err(
        s.buyback(OSMO, None),
        ContractError::NothingPending {
            denom: OSMO.to_string(),
            balance: Uint128::one(),
        },
    );
    assert_err(s.buyback(OSMO, Some(0)), ContractError::ZeroLimit);
}

#[test]
fn buyback_refuses_attached_funds() {
    let mut s = Suite::new();
    s.revenue(10_000_000, OSMO);
    let keeper = s.keeper.clone();
    spice_testing::fund(&mut s.app, &keeper, cosmwasm_std::coins(5, OSMO)).unwrap();
    let err = s
        .exec(
            &keeper,
            &ExecuteMsg::Buyback {
                denom: OSMO.to_string(),
                limit: None,
            },
            &cosmwasm_std::coins(5, OSMO),
        )
        .unwrap_err();
    assert!(matches!(cerr(&err), ContractError::Payment(_)));
}

#[test]
fn buyback_refuses_when_the_twap_window_predates_the_pool() {
    // Routes set right after the pools were created: no 30-minute history yet.
    let mut s = Suite::bare();
    let spice = s.spice.clone();
    let pool = s.spice_pool;
    s.set_route(OSMO, vec![hop(pool, &spice)]).unwrap();
    s.revenue(20_000_000, OSMO);
    let err = s.buyback(OSMO, None).unwrap_err();
    match cerr(&err) {
        ContractError::TwapUnavailable {
            pool_id,
            base,
            quote,
            reason,
        } => {
            assert_eq!(*pool_id, pool);
            assert_eq!(base, OSMO);
            assert_eq!(quote, &spice);
            assert!(reason.contains("too old"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    s.advance(WINDOW);
    s.buyback(OSMO, None).unwrap();
}

#[test]
fn a_route_no_longer_ending_in_the_configured_spice_denom_is_refused() {
    let mut s = Suite::new();
    s.revenue(10_000_000, OSMO);
    s.update_config(crate::msg::ConfigUpdate {
        spice_denom: Some("factory/other/uspice".into()),
        ..Default::default()
    })
    .unwrap();
    assert_err(
        s.buyback(OSMO, None),
        ContractError::RouteMustEndInSpice {
            denom: OSMO.to_string(),
            last: s.spice.clone(),
            spice_denom: "factory/other/uspice".into(),
        },
    );
}
