//! Finding 3 of issue 18: a stranger calling `buyback` with a dust `limit` each time the cooldown
//! ended used to reset the cooldown and throttle the treasury to dust per cooldown for gas alone.
//! Now a call below `min_swap` is refused and changes nothing, and the cooldown a buyback starts
//! is weighted by its size: `⌈cooldown × amount_in / per_call_cap⌉`, so the smallest swap a
//! stranger can force blocks the next keeper for a sliver of the cooldown only.

use cosmwasm_std::Uint128;

use super::suite::*;
use crate::msg::ConfigUpdate;
use crate::state::Config;
use crate::ContractError;

/// The default minimum: 1% of the per-call cap.
const MIN_SWAP: u128 = PER_CALL_CAP / 100;

fn amount_in(res: &cw_multi_test::AppResponse) -> u128 {
    event_attr(res, "swap", "amount_in").parse().unwrap()
}

/// What a refused call must leave unchanged: the contract's and the caller's bank balances,
/// the status (cooldowns, budgets, totals) and the history.
fn snapshot(
    s: &Suite,
    who: &cosmwasm_std::Addr,
) -> (u128, u128, crate::msg::StatusResponse, usize) {
    (
        s.balance(&s.buyback.clone(), OSMO),
        s.balance(who, OSMO),
        s.status(),
        s.history(None, Some(30)).buybacks.len(),
    )
}

#[test]
fn honest_full_buyback_starts_the_full_cooldown() {
    // Control: a full-size buyback blocks the next one for the whole cooldown.
    let mut s = Suite::new();
    s.revenue(5_000_000_000, OSMO);
    let res = s.buyback(OSMO, None).unwrap();
    assert_eq!(amount_in(&res), PER_CALL_CAP);
    let started = s.now();
    assert_eq!(s.simulate(OSMO, None).next_allowed_at, started + COOLDOWN);
    s.advance(COOLDOWN - 1);
    assert_err(
        s.buyback(OSMO, None),
        ContractError::CooldownActive {
            denom: OSMO.into(),
            next_allowed_at: started + COOLDOWN,
            now: started + COOLDOWN - 1,
        },
    );
    s.advance(1);
    s.buyback(OSMO, None).unwrap();
}

#[test]
fn dust_buyback_is_refused_and_changes_nothing() {
    let mut s = Suite::new();
    s.revenue(5_000_000_000, OSMO);
    let attacker = s.attacker.clone();
    let before = snapshot(&s, &attacker);
    assert_err(
        s.buyback_by(&attacker, OSMO, Some(1)),
        ContractError::BelowMinSwap {
            denom: OSMO.into(),
            amount_in: Uint128::one(),
            min_swap: Uint128::new(MIN_SWAP),
        },
    );
    assert_err(
        s.buyback_by(&attacker, OSMO, Some(MIN_SWAP - 1)),
        ContractError::BelowMinSwap {
            denom: OSMO.into(),
            amount_in: Uint128::new(MIN_SWAP - 1),
            min_swap: Uint128::new(MIN_SWAP),
        },
    );
    assert_eq!(snapshot(&s, &attacker), before);
    let sim = s.simulate(OSMO, Some(1));
    assert!(!sim.would_execute);
    assert!(sim.refusal.unwrap().contains("below the minimum swap"));
    // The honest keeper right after: a full swap, nothing blocked.
    let res = s.buyback(OSMO, None).unwrap();
    assert_eq!(amount_in(&res), PER_CALL_CAP);
}

#[test]
fn smallest_accepted_buyback_blocks_only_its_share_of_the_cooldown() {
    let mut s = Suite::new();
    s.revenue(5_000_000_000, OSMO);
    let attacker = s.attacker.clone();
    let res = s.buyback_by(&attacker, OSMO, Some(MIN_SWAP)).unwrap();
    assert_eq!(amount_in(&res), MIN_SWAP);
    // ⌈3600 × 10,000,000 / 1,000,000,000⌉ = 36 seconds, not the hour.
    let started = s.now();
    let share = COOLDOWN * (MIN_SWAP as u64) / (PER_CALL_CAP as u64);
    assert_eq!(share, 36);
    assert_eq!(s.simulate(OSMO, None).next_allowed_at, started + share);
    s.advance(share - 1);
    assert!(matches!(
        cerr(&s.buyback(OSMO, None).unwrap_err()),
        ContractError::CooldownActive { .. }
    ));
    s.advance(1);
    let res = s.buyback(OSMO, None).unwrap();
    assert_eq!(amount_in(&res), PER_CALL_CAP);
}

#[test]
fn pending_below_the_minimum_waits_for_more_revenue() {
    let mut s = Suite::new();
    // Covers MIN_SWAP − 1 plus its bounty: too little to be worth a swap (or a bounty).
    s.revenue(MIN_SWAP, OSMO);
    let keeper = s.keeper.clone();
    let before = snapshot(&s, &keeper);
    assert!(matches!(
        cerr(&s.buyback(OSMO, None).unwrap_err()),
        ContractError::BelowMinSwap { .. }
    ));
    assert_eq!(snapshot(&s, &keeper), before);
    s.revenue(MIN_SWAP, OSMO);
    s.buyback(OSMO, None).unwrap();
}

#[test]
fn min_swap_is_validated_like_instantiate() {
    let mut s = Suite::new();
    let config: Config = s.query(&crate::msg::QueryMsg::Config {});
    assert_eq!(config.min_swap, Uint128::new(MIN_SWAP));
    assert_err(
        s.update_config(ConfigUpdate {
            min_swap: Some(Uint128::zero()),
            ..Default::default()
        }),
        ContractError::ZeroMinSwap,
    );
    assert_err(
        s.update_config(ConfigUpdate {
            min_swap: Some(Uint128::new(PER_CALL_CAP + 1)),
            ..Default::default()
        }),
        ContractError::MinSwapAbovePerCallCap {
            min_swap: Uint128::new(PER_CALL_CAP + 1),
            per_call_cap: Uint128::new(PER_CALL_CAP),
        },
    );
    // Lowering the per-call cap under the minimum is refused the same way.
    assert_err(
        s.update_config(ConfigUpdate {
            per_call_cap: Some(Uint128::new(MIN_SWAP - 1)),
            ..Default::default()
        }),
        ContractError::MinSwapAbovePerCallCap {
            min_swap: Uint128::new(MIN_SWAP),
            per_call_cap: Uint128::new(MIN_SWAP - 1),
        },
    );
    let res = s
        .update_config(ConfigUpdate {
            min_swap: Some(Uint128::new(PER_CALL_CAP)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        event_attr(&res, "update_config", "min_swap"),
        PER_CALL_CAP.to_string()
    );
    let stranger = s.stranger.clone();
    assert!(matches!(
        cerr(
            &s.exec(
                &stranger,
                &crate::msg::ExecuteMsg::UpdateConfig(ConfigUpdate {
                    min_swap: Some(Uint128::one()),
                    ..Default::default()
                }),
                &[],
            )
            .unwrap_err()
        ),
        ContractError::Governance(_)
    ));
}

#[test]
fn instantiate_takes_an_explicit_min_swap_or_one_percent_of_the_per_call_cap() {
    let api = cosmwasm_std::testing::MockApi::default();
    let owner = api.addr_make("owner");
    let guardian = api.addr_make("guardian");
    let mut msg = super::config::valid_msg(&api, &owner, &guardian);
    let mut deps = cosmwasm_std::testing::mock_dependencies();
    let env = cosmwasm_std::testing::mock_env();
    let info = cosmwasm_std::testing::message_info(&owner, &[]);
    crate::contract::instantiate(deps.as_mut(), env.clone(), info.clone(), msg.clone()).unwrap();
    let config = crate::state::CONFIG.load(&deps.storage).unwrap();
    assert_eq!(config.min_swap, Uint128::new(10_000_000));

    msg.min_swap = Some(Uint128::new(500_000));
    let mut deps = cosmwasm_std::testing::mock_dependencies();
    crate::contract::instantiate(deps.as_mut(), env, info, msg).unwrap();
    let config = crate::state::CONFIG.load(&deps.storage).unwrap();
    assert_eq!(config.min_swap, Uint128::new(500_000));
}
