use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::{from_json, Addr};
use spice_governance::testing::{assert_no_key_prefixes, check_governance_wiring, EntryPoints};
use spice_governance::GovernanceError;
use spice_types::ValidationError;

use crate::contract::{self, CONTRACT_NAME};
use crate::msg::{ConfigUpdate, ExecuteMsg, InstantiateMsg, QueryMsg};
use crate::state::{Config, STORAGE_KEYS};
use crate::ContractError;

type Mutation = fn(&mut InstantiateMsg);

fn valid_msg(api: &MockApi, owner: &Addr, guardian: &Addr) -> InstantiateMsg {
    InstantiateMsg {
        owner: Some(owner.to_string()),
        guardian: Some(guardian.to_string()),
        accepted_denoms: vec!["uakt".into(), "uusdc".into()],
        take_fee_bps: 100,
        fee_collector: api.addr_make("vault").to_string(),
        grace_period_blocks: 600,
        heartbeat_timeout_blocks: 100,
        order_book: Some(api.addr_make("order_book").to_string()),
        keeper_bounty_bps: 10,
        incentives: Some(api.addr_make("incentives").to_string()),
        monitors: Some(vec![api.addr_make("monitor").to_string()]),
        max_backups: Some(5),
        bond_slash_bps: Some(5_000),
        min_sponsor_deposit: None,
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
            event_prefix: "spice.escrow.",
        },
        valid_msg,
    );
}

#[test]
fn storage_keys_do_not_collide() {
    assert_no_key_prefixes(STORAGE_KEYS);
}

#[test]
fn instantiate_stores_validated_config_and_defaults_owner_to_sender() {
    let mut deps = mock_dependencies();
    let creator = deps.api.addr_make("creator");
    let guardian = deps.api.addr_make("guardian");
    let mut msg = valid_msg(&deps.api, &creator, &guardian);
    msg.owner = None;
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&creator, &[]), msg).unwrap();

    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.take_fee_bps, 100);
    assert_eq!(config.fee_collector, deps.api.addr_make("vault"));
    assert_eq!(config.order_book, Some(deps.api.addr_make("order_book")));
    assert_eq!(
        spice_governance::ownership(&deps.storage).unwrap().owner,
        Some(creator)
    );
}

#[test]
fn instantiate_refuses_each_invalid_field() {
    let api = MockApi::default();
    let owner = api.addr_make("owner");
    let guardian = api.addr_make("guardian");
    let cases: Vec<(Mutation, ContractError)> = vec![
        (
            |m| m.take_fee_bps = 1_001,
            ValidationError::BpsTooHigh {
                field: "take_fee_bps".into(),
                value: 1_001,
                max: 1_000,
            }
            .into(),
        ),
        (
            |m| m.keeper_bounty_bps = 501,
            ValidationError::BpsTooHigh {
                field: "keeper_bounty_bps".into(),
                value: 501,
                max: 500,
            }
            .into(),
        ),
        (
            |m| m.accepted_denoms = vec![],
            ValidationError::Empty {
                field: "accepted_denoms".into(),
            }
            .into(),
        ),
        (
            |m| m.heartbeat_timeout_blocks = 0,
            ContractError::ZeroHeartbeatTimeout,
        ),
        (
            |m| m.max_backups = Some(11),
            ContractError::TooManyBackupsAllowed { value: 11, max: 10 },
        ),
        (
            |m| m.bond_slash_bps = Some(10_001),
            ValidationError::BpsTooHigh {
                field: "bond_slash_bps".into(),
                value: 10_001,
                max: 10_000,
            }
            .into(),
        ),
        (
            |m| {
                m.monitors = Some(
                    (0..21)
                        .map(|i| MockApi::default().addr_make(&format!("m{i}")).to_string())
                        .collect(),
                )
            },
            ContractError::TooManyMonitors { count: 21, max: 20 },
        ),
        (
            |m| {
                let a = MockApi::default().addr_make("m").to_string();
                m.monitors = Some(vec![a.clone(), a]);
            },
            ContractError::DuplicateMonitor {
                monitor: MockApi::default().addr_make("m").to_string(),
            },
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
fn instantiate_refuses_unvalidated_addresses() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    for bad in ["", "not an address", &owner.as_str().to_uppercase()] {
        let mut msg = valid_msg(&deps.api, &owner, &guardian);
        msg.fee_collector = bad.to_string();
        let err = contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg)
            .unwrap_err();
        assert!(matches!(err, ContractError::Std(_)), "{bad}: {err:?}");
    }
}

#[test]
fn update_config_is_owner_only_and_validated_like_instantiate() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();

    let raise_fee = ExecuteMsg::UpdateConfig(ConfigUpdate {
        take_fee_bps: Some(250),
        ..Default::default()
    });
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&guardian, &[]),
        raise_fee.clone(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::Governance(GovernanceError::Ownership(_))
    ));

    let too_high = ExecuteMsg::UpdateConfig(ConfigUpdate {
        take_fee_bps: Some(5_000),
        ..Default::default()
    });
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        too_high,
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::InvalidConfig(_)));

    let res = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        raise_fee,
    )
    .unwrap();
    assert_eq!(res.events[0].ty, "spice.escrow.update_config");
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.take_fee_bps, 250);
    // Fields left out keep their values.
    assert_eq!(config.grace_period_blocks, 600);
}

#[test]
fn instantiate_json_without_the_new_fields_still_parses_with_defaults() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let vault = deps.api.addr_make("vault");
    let json = format!(
        r#"{{"owner":null,"guardian":null,"accepted_denoms":["uakt"],"take_fee_bps":100,"fee_collector":"{vault}","grace_period_blocks":600,"heartbeat_timeout_blocks":100,"order_book":null,"keeper_bounty_bps":10}}"#
    );
    let msg: InstantiateMsg = from_json(json.as_bytes()).unwrap();
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.incentives, None);
    assert!(config.monitors.is_empty());
    assert_eq!(config.max_backups, 5);
    assert_eq!(config.bond_slash_bps, 10_000);
}

#[test]
fn update_config_replaces_monitors_and_keeps_incentives() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let new_monitor = deps.api.addr_make("new_monitor");
    contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            monitors: Some(vec![new_monitor.to_string()]),
            max_backups: Some(10),
            ..Default::default()
        }),
    )
    .unwrap();
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.monitors, vec![new_monitor]);
    assert_eq!(config.max_backups, 10);
    assert_eq!(config.incentives, Some(deps.api.addr_make("incentives")));
}
