use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::{from_json, Addr, Decimal, Timestamp, Uint128};
use spice_governance::testing::{assert_no_key_prefixes, check_governance_wiring, EntryPoints};
use spice_governance::GovernanceError;
use spice_types::ValidationError;

use crate::contract::{self, CONTRACT_NAME};
use crate::msg::{ConfigUpdate, ExecuteMsg, InstantiateMsg, QueryMsg};
use crate::state::{Config, STORAGE_KEYS};
use crate::ContractError;

type Mutation = Box<dyn Fn(&mut InstantiateMsg)>;

fn valid_msg(api: &MockApi, owner: &Addr, guardian: &Addr) -> InstantiateMsg {
    InstantiateMsg {
        owner: Some(owner.to_string()),
        guardian: Some(guardian.to_string()),
        reward_denoms: vec!["uosmo".into()],
        genesis_time: None,
        epoch_seconds: 604_800,
        report_window_seconds: 86_400,
        dispute_window_seconds: 172_800,
        oracles: ["oracle1", "oracle2", "oracle3"]
            .iter()
            .map(|o| api.addr_make(o).to_string())
            .collect(),
        oracle_quorum: 2,
        auditors: vec![api.addr_make("auditor").to_string()],
        escrow: None,
        tier_multipliers: None,
        bond_denom: None,
        min_bond: None,
        max_report_entries: None,
        value_weights: None,
        max_weight_per_provider: None,
        max_weight_per_pair: None,
        max_payout_per_epoch: None,
        dispute_deadline_seconds: None,
    }
}

/// The new fields' bad values, each with its error: instantiate and `update_config` share one
/// validation, so both refuse each of them.
fn bad_new_fields() -> Vec<(ConfigUpdate, ContractError)> {
    let weight = |denom: &str, w: &str| crate::msg::ValueWeight {
        denom: denom.into(),
        weight: w.parse().unwrap(),
    };
    vec![
        (
            ConfigUpdate {
                value_weights: Some(vec![weight("uakt", "0")]),
                ..Default::default()
            },
            ContractError::ValueWeightOutOfRange {
                denom: "uakt".into(),
                value: Decimal::zero(),
                max: crate::execute::config::MAX_VALUE_WEIGHT,
            },
        ),
        (
            ConfigUpdate {
                value_weights: Some(vec![weight("uakt", "1"), weight("uakt", "2")]),
                ..Default::default()
            },
            ContractError::DuplicateDenom {
                field: "value_weights".into(),
                denom: "uakt".into(),
            },
        ),
        (
            ConfigUpdate {
                max_weight_per_provider: Some(Uint128::zero()),
                ..Default::default()
            },
            ContractError::ZeroCap {
                field: "max_weight_per_provider".into(),
            },
        ),
        (
            ConfigUpdate {
                max_weight_per_pair: Some(Uint128::zero()),
                ..Default::default()
            },
            ContractError::ZeroCap {
                field: "max_weight_per_pair".into(),
            },
        ),
        (
            ConfigUpdate {
                max_payout_per_epoch: Some(vec![cosmwasm_std::coin(5, "uatom")]),
                ..Default::default()
            },
            ContractError::PayoutCapNotRewarded {
                denom: "uatom".into(),
            },
        ),
        (
            ConfigUpdate {
                max_payout_per_epoch: Some(vec![cosmwasm_std::coin(0, "uosmo")]),
                ..Default::default()
            },
            ContractError::ZeroCap {
                field: "max_payout_per_epoch uosmo".into(),
            },
        ),
        (
            ConfigUpdate {
                dispute_deadline_seconds: Some(3_599),
                ..Default::default()
            },
            ValidationError::WindowTooShort {
                field: "dispute_deadline_seconds".into(),
                value: 3_599,
                min: 3_600,
            }
            .into(),
        ),
    ]
}

#[test]
fn new_config_fields_are_validated_alike_by_instantiate_and_update() {
    let api = MockApi::default();
    let owner = api.addr_make("owner");
    let guardian = api.addr_make("guardian");
    for (update, expected) in bad_new_fields() {
        let mut msg = valid_msg(&api, &owner, &guardian);
        msg.value_weights = update.value_weights.clone();
        msg.max_weight_per_provider = update.max_weight_per_provider;
        msg.max_weight_per_pair = update.max_weight_per_pair;
        msg.max_payout_per_epoch = update.max_payout_per_epoch.clone();
        msg.dispute_deadline_seconds = update.dispute_deadline_seconds;
        let mut deps = mock_dependencies();
        let err = contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg)
            .unwrap_err();
        assert_eq!(err, expected, "instantiate");

        let mut deps = mock_dependencies();
        let msg = valid_msg(&api, &owner, &guardian);
        contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
        let before = contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap();
        let err = contract::execute(
            deps.as_mut(),
            mock_env(),
            message_info(&owner, &[]),
            ExecuteMsg::UpdateConfig(update),
        )
        .unwrap_err();
        assert_eq!(err, expected, "update_config");
        let after = contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap();
        assert_eq!(before, after);
    }
    // A valid update of every new field is stored and announced.
    let mut deps = mock_dependencies();
    let msg = valid_msg(&api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let res = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            value_weights: Some(vec![crate::msg::ValueWeight {
                denom: "uakt".into(),
                weight: Decimal::percent(250),
            }]),
            max_weight_per_provider: Some(Uint128::new(1_000)),
            max_weight_per_pair: Some(Uint128::new(100)),
            max_payout_per_epoch: Some(vec![cosmwasm_std::coin(7, "uosmo")]),
            dispute_deadline_seconds: Some(86_400),
            ..Default::default()
        }),
    )
    .unwrap();
    let attr = |k: &str| {
        res.events[0]
            .attributes
            .iter()
            .find(|a| a.key == k)
            .map(|a| a.value.clone())
            .unwrap()
    };
    assert_eq!(attr("value_weights"), "uakt:2.5");
    assert_eq!(attr("max_payout_per_epoch"), "7uosmo");
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.max_weight_per_pair, Uint128::new(100));
    assert_eq!(config.dispute_deadline_seconds, 86_400);
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
            event_prefix: "spice.incentives.",
        },
        valid_msg,
    );
}

#[test]
fn storage_keys_do_not_collide() {
    assert_no_key_prefixes(STORAGE_KEYS);
}

#[test]
fn instantiate_defaults_genesis_to_block_time() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    let env = mock_env();
    contract::instantiate(deps.as_mut(), env.clone(), message_info(&owner, &[]), msg).unwrap();
    let config: Config =
        from_json(contract::query(deps.as_ref(), env.clone(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.genesis_time, env.block.time);
    assert_eq!(config.oracles.len(), 3);
    assert_eq!(config.oracle_quorum, 2);
}

#[test]
fn instantiate_refuses_each_invalid_field() {
    let api = MockApi::default();
    let owner = api.addr_make("owner");
    let guardian = api.addr_make("guardian");
    let oracle1 = api.addr_make("oracle1").to_string();
    let cases: Vec<(Mutation, ContractError)> = vec![
        (
            Box::new(|m| m.oracle_quorum = 0),
            ContractError::QuorumOutOfRange {
                quorum: 0,
                oracles: 3,
            },
        ),
        (
            Box::new(|m| m.oracle_quorum = 4),
            ContractError::QuorumOutOfRange {
                quorum: 4,
                oracles: 3,
            },
        ),
        (
            Box::new(|m| m.epoch_seconds = 3_599),
            ValidationError::WindowTooShort {
                field: "epoch_seconds".into(),
                value: 3_599,
                min: 3_600,
            }
            .into(),
        ),
        (
            Box::new(|m| m.reward_denoms = vec![]),
            ValidationError::Empty {
                field: "reward_denoms".into(),
            }
            .into(),
        ),
        (
            Box::new(move |m| m.oracles[1] = m.oracles[0].clone()),
            ContractError::DuplicateAddress {
                field: "oracles".into(),
                address: oracle1.clone(),
            },
        ),
        (
            Box::new(|m| m.auditors = vec![MockApi::default().addr_make("a").to_string(); 33]),
            ContractError::TooManyAddresses {
                field: "auditors".into(),
                count: 33,
                max: 32,
            },
        ),
        (
            Box::new(|m| m.tier_multipliers = Some(vec![])),
            ContractError::TierCountOutOfRange { count: 0, max: 10 },
        ),
        (
            Box::new(|m| m.tier_multipliers = Some(vec![Decimal::one(); 11])),
            ContractError::TierCountOutOfRange { count: 11, max: 10 },
        ),
        (
            Box::new(|m| m.tier_multipliers = Some(vec![Decimal::one(), Decimal::zero()])),
            ContractError::TierMultiplierOutOfRange {
                tier: 2,
                value: Decimal::zero(),
                max: Decimal::percent(1_000),
            },
        ),
        (
            Box::new(|m| m.tier_multipliers = Some(vec![Decimal::percent(1_001)])),
            ContractError::TierMultiplierOutOfRange {
                tier: 1,
                value: Decimal::percent(1_001),
                max: Decimal::percent(1_000),
            },
        ),
        (
            Box::new(|m| m.bond_denom = Some("uatom".into())),
            ContractError::BondDenomNotRewarded {
                denom: "uatom".into(),
            },
        ),
        (
            Box::new(|m| m.min_bond = Some(Uint128::new(1))),
            ContractError::MinBondWithoutDenom {
                min_bond: Uint128::new(1),
            },
        ),
        (
            Box::new(|m| m.max_report_entries = Some(0)),
            ContractError::MaxReportEntriesOutOfRange { value: 0, max: 100 },
        ),
        (
            Box::new(|m| m.max_report_entries = Some(101)),
            ContractError::MaxReportEntriesOutOfRange {
                value: 101,
                max: 100,
            },
        ),
        (
            Box::new(|m| m.reward_denoms = (0..9).map(|i| format!("denom{i}")).collect()),
            ContractError::TooManyRewardDenoms { count: 9, max: 8 },
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
fn update_config_is_owner_only_keeps_schedule_and_checks_quorum() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let mut msg = valid_msg(&deps.api, &owner, &guardian);
    msg.genesis_time = Some(Timestamp::from_seconds(1_700_000_000));
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();

    let one_oracle = vec![deps.api.addr_make("oracle9").to_string()];
    let shrink = ExecuteMsg::UpdateConfig(ConfigUpdate {
        oracles: Some(one_oracle.clone()),
        ..Default::default()
    });
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&guardian, &[]),
        shrink.clone(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::Governance(GovernanceError::Ownership(_))
    ));
    // One oracle cannot satisfy the stored quorum of two.
    let err = contract::execute(deps.as_mut(), mock_env(), message_info(&owner, &[]), shrink)
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::QuorumOutOfRange {
            quorum: 2,
            oracles: 1
        }
    );

    let shrink_with_quorum = ExecuteMsg::UpdateConfig(ConfigUpdate {
        oracles: Some(one_oracle),
        oracle_quorum: Some(1),
        ..Default::default()
    });
    let res = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        shrink_with_quorum,
    )
    .unwrap();
    assert_eq!(res.events[0].ty, "spice.incentives.update_config");
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.oracle_quorum, 1);
    assert_eq!(config.genesis_time, Timestamp::from_seconds(1_700_000_000));
    assert_eq!(config.epoch_seconds, 604_800);
}

#[test]
fn reward_denoms_may_be_added_but_never_removed() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let set = |denoms: Vec<&str>| {
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            reward_denoms: Some(denoms.into_iter().map(String::from).collect()),
            ..Default::default()
        })
    };
    let info = message_info(&owner, &[]);
    contract::execute(
        deps.as_mut(),
        mock_env(),
        info.clone(),
        set(vec!["uosmo", "uatom"]),
    )
    .unwrap();
    let err = contract::execute(deps.as_mut(), mock_env(), info, set(vec!["uatom"])).unwrap_err();
    assert_eq!(
        err,
        ContractError::RewardDenomRemoved {
            denom: "uosmo".into()
        }
    );
}
