use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::{from_json, Addr, Decimal, Uint128};
use spice_governance::testing::{assert_no_key_prefixes, check_governance_wiring, EntryPoints};
use spice_governance::GovernanceError;
use spice_types::ValidationError;

use crate::contract::{self, CONTRACT_NAME};
use crate::msg::{ConfigUpdate, ExecuteMsg, InstantiateMsg, QueryMsg};
use crate::state::{Config, STORAGE_KEYS};
use crate::ContractError;

type Mutation = fn(&mut InstantiateMsg);

pub(super) fn valid_msg(api: &MockApi, owner: &Addr, guardian: &Addr) -> InstantiateMsg {
    let token = api.addr_make("spice_token");
    InstantiateMsg {
        owner: Some(owner.to_string()),
        guardian: Some(guardian.to_string()),
        spice_token: token.to_string(),
        spice_denom: format!("factory/{token}/uspice"),
        twap_window_seconds: 1_800,
        max_slippage: Decimal::percent(2),
        max_spot_deviation: Decimal::percent(3),
        keeper_bounty_bps: 20,
        cooldown_seconds: 3_600,
        per_call_cap: Uint128::new(1_000_000_000),
        epoch_cap: Uint128::new(10_000_000_000),
        epoch_seconds: 86_400,
        min_swap: None,
    }
}

#[test]
fn governance_follows_the_suite_rules() {
    check_governance_wiring(
        EntryPoints {
            instantiate: contract::instantiate,
            execute: contract::execute,
            query: contract::query,
            migrate: contract::migrate,
            contract_name: CONTRACT_NAME,
            event_prefix: "spice.buyback.",
        },
        valid_msg,
    );
}

#[test]
fn storage_keys_do_not_collide() {
    assert_no_key_prefixes(STORAGE_KEYS);
}

#[test]
fn instantiate_stores_validated_config() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.spice_token, deps.api.addr_make("spice_token"));
    assert_eq!(config.epoch_cap, Uint128::new(10_000_000_000));
}

#[test]
fn instantiate_refuses_each_invalid_field() {
    let api = MockApi::default();
    let owner = api.addr_make("owner");
    let guardian = api.addr_make("guardian");
    let cases: Vec<(Mutation, ContractError)> = vec![
        (
            |m| m.min_swap = Some(Uint128::zero()),
            ContractError::ZeroMinSwap,
        ),
        (
            |m| m.min_swap = Some(Uint128::new(1_000_000_001)),
            ContractError::MinSwapAbovePerCallCap {
                min_swap: Uint128::new(1_000_000_001),
                per_call_cap: Uint128::new(1_000_000_000),
            },
        ),
        (
            // Osmosis prunes TWAP records after 48 hours: a longer window fails every buyback.
            |m| m.twap_window_seconds = 47 * 3_600 + 1,
            ValidationError::WindowTooLong {
                field: "twap_window_seconds".into(),
                value: 47 * 3_600 + 1,
                max: 47 * 3_600,
            }
            .into(),
        ),
        (
            |m| m.twap_window_seconds = 0,
            ValidationError::WindowTooShort {
                field: "twap_window_seconds".into(),
                value: 0,
                min: 600,
            }
            .into(),
        ),
        (
            |m| m.epoch_seconds = 599,
            ValidationError::WindowTooShort {
                field: "epoch_seconds".into(),
                value: 599,
                min: 600,
            }
            .into(),
        ),
        (
            |m| m.max_slippage = Decimal::percent(11),
            ValidationError::FractionTooHigh {
                field: "max_slippage".into(),
                value: Decimal::percent(11),
                max: Decimal::percent(10),
            }
            .into(),
        ),
        (
            |m| m.keeper_bounty_bps = 10_000,
            ValidationError::BpsTooHigh {
                field: "keeper_bounty_bps".into(),
                value: 10_000,
                max: 500,
            }
            .into(),
        ),
        (
            |m| m.per_call_cap = Uint128::zero(),
            ContractError::ZeroPerCallCap,
        ),
        (
            |m| m.epoch_cap = Uint128::new(999_999_999),
            ContractError::EpochCapBelowPerCallCap {
                epoch_cap: Uint128::new(999_999_999),
                per_call_cap: Uint128::new(1_000_000_000),
            },
        ),
        (
            |m| m.spice_denom = "sp".into(),
            ValidationError::InvalidDenom {
                denom: "sp".into(),
                reason: "must be 3 to 128 characters long".into(),
            }
            .into(),
        ),
    ];
    for (mutate, expected) in cases {
        let mut deps = mock_dependencies();
        let mut msg = valid_msg(&api, &owner, &guardian);
        mutate(&mut msg);
        let err = contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg)
            .unwrap_err();
        assert_eq!(err, expected);
    }
}

#[test]
fn instantiate_refuses_unvalidated_token_address() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let mut msg = valid_msg(&deps.api, &owner, &guardian);
    msg.spice_token = "spice_token".into();
    let err = contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg)
        .unwrap_err();
    assert!(matches!(err, ContractError::Std(_)));
}

#[test]
fn update_config_is_owner_only_and_validated_like_instantiate() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();

    let smaller_calls = ExecuteMsg::UpdateConfig(ConfigUpdate {
        per_call_cap: Some(Uint128::new(5_000)),
        // The minimum swap may not exceed the per-call cap.
        min_swap: Some(Uint128::new(50)),
        ..Default::default()
    });
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&guardian, &[]),
        smaller_calls.clone(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::Governance(GovernanceError::Ownership(_))
    ));

    // The update is checked against the fields it leaves alone too.
    let above_epoch = ExecuteMsg::UpdateConfig(ConfigUpdate {
        per_call_cap: Some(Uint128::new(20_000_000_000)),
        ..Default::default()
    });
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        above_epoch,
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::EpochCapBelowPerCallCap { .. }));

    let res = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        smaller_calls,
    )
    .unwrap();
    assert_eq!(res.events[0].ty, "spice.buyback.update_config");
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.per_call_cap, Uint128::new(5_000));
    assert_eq!(config.cooldown_seconds, 3_600);
}

#[test]
fn instantiate_json_parses_and_max_hops_defaults_to_three() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let token = deps.api.addr_make("spice_token");
    // The JSON the skeleton accepted, before `max_hops` existed.
    let json = format!(
        r#"{{"owner":null,"guardian":null,"spice_token":"{token}","spice_denom":"factory/{token}/uspice",
        "twap_window_seconds":1800,"max_slippage":"0.02","max_spot_deviation":"0.03",
        "keeper_bounty_bps":20,"cooldown_seconds":3600,"per_call_cap":"1000","epoch_cap":"5000",
        "epoch_seconds":86400}}"#
    );
    let msg: InstantiateMsg = from_json(json.as_bytes()).unwrap();
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.max_hops, 3);
    // A config stored before the field existed loads with the default too.
    let stored = r#"{"spice_token":"a","spice_denom":"uspice","twap_window_seconds":600,
        "max_slippage":"0","max_spot_deviation":"0","keeper_bounty_bps":0,"cooldown_seconds":0,
        "per_call_cap":"1","epoch_cap":"1","epoch_seconds":600}"#;
    let old: Config = from_json(stored.as_bytes()).unwrap();
    assert_eq!(old.max_hops, 3);
}

#[test]
fn update_config_bounds_max_hops_from_one_to_five() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    for (value, ok) in [(0, false), (1, true), (5, true), (6, false)] {
        let res = contract::execute(
            deps.as_mut(),
            mock_env(),
            message_info(&owner, &[]),
            ExecuteMsg::UpdateConfig(ConfigUpdate {
                max_hops: Some(value),
                ..Default::default()
            }),
        );
        match ok {
            true => assert_eq!(
                res.unwrap().events[0].attributes.last().unwrap().value,
                value.to_string()
            ),
            false => assert_eq!(
                res.unwrap_err(),
                ContractError::InvalidMaxHops { value, max: 5 }
            ),
        }
    }
}

#[test]
fn twap_window_longer_than_osmosis_history_is_refused_by_update_config_too() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let update = |seconds| {
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            twap_window_seconds: Some(seconds),
            ..Default::default()
        })
    };
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        update(48 * 3_600),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ValidationError::WindowTooLong {
            field: "twap_window_seconds".into(),
            value: 48 * 3_600,
            max: 47 * 3_600,
        }
        .into()
    );
    // The edge itself is accepted.
    contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        update(47 * 3_600),
    )
    .unwrap();
}
