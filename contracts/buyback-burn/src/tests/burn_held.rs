//! `burn_held`: SPICE that reached buyback-burn outside a buyback (a native SPICE donation, a
//! cw20 transfer) is burned through spice-token's burn paths, so the token's own totals and the
//! bank's supply show it — not only this contract's counters.

use cosmwasm_std::{coins, Addr, Uint128};
use cw_multi_test::Executor;

use super::suite::*;
use crate::msg::ExecuteMsg;
use crate::ContractError;

fn token_query<T: serde::de::DeserializeOwned>(s: &Suite, msg: &spice_token::msg::QueryMsg) -> T {
    s.app.wrap().query_wasm_smart(&s.token, msg).unwrap()
}

fn cw20_balance(s: &Suite, who: &Addr) -> u128 {
    let r: crate::msg::SpiceTokenBalance = token_query(
        s,
        &spice_token::msg::QueryMsg::Balance {
            address: who.to_string(),
        },
    );
    r.balance.u128()
}

fn burned_by(s: &Suite, who: &Addr) -> u128 {
    let r: spice_token::msg::BurnersResponse = token_query(
        s,
        &spice_token::msg::QueryMsg::Burners {
            start_after: None,
            limit: Some(30),
        },
    );
    r.burners
        .iter()
        .find(|b| b.address == who.as_str())
        .map_or(0, |b| b.burned.u128())
}

fn bank_supply(s: &Suite) -> u128 {
    s.app.wrap().query_supply(&s.spice).unwrap().amount.u128()
}

/// Native and cw20 SPICE sent to the contract outside any buyback.
fn hold(s: &mut Suite, native: u128, cw20: u128) {
    let (lp, buyback, token, spice) = (
        s.lp.clone(),
        s.buyback.clone(),
        s.token.clone(),
        s.spice.clone(),
    );
    if native > 0 {
        s.app
            .send_tokens(lp.clone(), buyback.clone(), &coins(native, &spice))
            .unwrap();
    }
    if cw20 > 0 {
        s.app
            .execute_contract(
                lp,
                token,
                &spice_token::msg::ExecuteMsg::Transfer {
                    recipient: buyback.to_string(),
                    amount: Uint128::new(cw20),
                },
                &[],
            )
            .unwrap();
    }
}

#[test]
fn held_spice_is_burned_through_the_token_and_the_bank_supply_falls() {
    let mut s = Suite::new();
    hold(&mut s, 7_000, 3_000);
    let buyback = s.buyback.clone();
    let stats_before: spice_token::msg::BurnStatsResponse =
        token_query(&s, &spice_token::msg::QueryMsg::BurnStats {});
    let supply_before = bank_supply(&s);
    // Anyone may call it: a stranger does.
    let stranger = s.stranger.clone();
    let res = s.exec(&stranger, &ExecuteMsg::BurnHeld {}, &[]).unwrap();
    assert_eq!(event_attr(&res, "burn_held", "native"), "7000");
    assert_eq!(event_attr(&res, "burn_held", "cw20"), "3000");

    // Nothing is left here, the bank's supply fell by the native part, and the token recorded
    // both parts against this contract.
    assert_eq!(s.balance(&buyback, &s.spice.clone()), 0);
    assert_eq!(cw20_balance(&s, &buyback), 0);
    assert_eq!(bank_supply(&s), supply_before - 7_000);
    let stats: spice_token::msg::BurnStatsResponse =
        token_query(&s, &spice_token::msg::QueryMsg::BurnStats {});
    assert_eq!(stats.native, stats_before.native + Uint128::new(7_000));
    assert_eq!(
        stats.cw20_burn,
        stats_before.cw20_burn + Uint128::new(3_000)
    );
    assert_eq!(burned_by(&s, &buyback), 10_000);
    let status = s.status();
    assert_eq!(status.spice_burned_held, Uint128::new(10_000));
    assert_eq!(status.spice_burned, Uint128::new(10_000));
    assert_eq!(status.spice_bought, Uint128::zero());
    // The stranger got nothing for it.
    assert_eq!(s.balance(&stranger, &s.spice.clone()), 0);
    assert_eq!(s.balance(&stranger, OSMO), 0);
}

#[test]
fn burn_held_counts_alongside_buybacks() {
    // Control: a buyback's SPICE is burned in its own transaction and never held.
    let mut s = Suite::new();
    s.revenue(2_000_000_000, OSMO);
    s.buyback(OSMO, None).unwrap();
    let buyback = s.buyback.clone();
    assert_eq!(s.balance(&buyback, &s.spice.clone()), 0);
    let bought = s.status().spice_bought.u128();
    assert_eq!(burned_by(&s, &buyback), bought);
    assert_err(
        s.exec(&buyback.clone(), &ExecuteMsg::BurnHeld {}, &[]),
        ContractError::NothingToBurn {
            spice_denom: s.spice.clone(),
        },
    );
    hold(&mut s, 5, 0);
    let keeper = s.keeper.clone();
    s.exec(&keeper, &ExecuteMsg::BurnHeld {}, &[]).unwrap();
    assert_eq!(burned_by(&s, &buyback), bought + 5);
    let status = s.status();
    assert_eq!(status.spice_burned.u128(), bought + 5);
    assert_eq!(status.spice_burned_held.u128(), 5);
}

#[test]
fn burn_held_with_nothing_held_or_while_paused_is_refused_and_changes_nothing() {
    let mut s = Suite::new();
    let stranger = s.stranger.clone();
    let supply = bank_supply(&s);
    let status = s.status();
    assert_err(
        s.exec(&stranger, &ExecuteMsg::BurnHeld {}, &[]),
        ContractError::NothingToBurn {
            spice_denom: s.spice.clone(),
        },
    );
    assert_eq!(s.status(), status);
    assert_eq!(bank_supply(&s), supply);

    hold(&mut s, 100, 0);
    let guardian = s.guardian.clone();
    s.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();
    assert!(matches!(
        cerr(
            &s.exec(&stranger, &ExecuteMsg::BurnHeld {}, &[])
                .unwrap_err()
        ),
        ContractError::Governance(_)
    ));
    assert_eq!(s.balance(&s.buyback.clone(), &s.spice.clone()), 100);
    assert_eq!(bank_supply(&s), supply);
    let owner = s.owner.clone();
    s.exec(&owner, &ExecuteMsg::Unpause {}, &[]).unwrap();

    // Funds attached are refused (nothing would account for them).
    fund_and_expect_refusal(&mut s, &stranger);
    s.exec(&stranger, &ExecuteMsg::BurnHeld {}, &[]).unwrap();
    assert_eq!(bank_supply(&s), supply - 100);
}

fn fund_and_expect_refusal(s: &mut Suite, who: &Addr) {
    spice_testing::fund(&mut s.app, who, coins(10, OSMO)).unwrap();
    let err = s
        .exec(who, &ExecuteMsg::BurnHeld {}, &coins(10, OSMO))
        .unwrap_err();
    assert!(matches!(cerr(&err), ContractError::Payment(_)), "{err:?}");
    assert_eq!(s.balance(who, OSMO), 10);
}
