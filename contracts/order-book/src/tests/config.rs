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
        escrow: api.addr_make("escrow").to_string(),
        accepted_denoms: vec!["uakt".into()],
        min_runway_blocks: 14_400,
        max_open_orders_per_tenant: 20,
        provider_registry: None,
        keeper_bounty_bps: None,
        max_open_offers_per_provider: None,
        offer_deposit: Some(cosmwasm_std::coin(5_000_000, "uakt")),
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
            event_prefix: "spice.order_book.",
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
    assert_eq!(config.escrow, deps.api.addr_make("escrow"));
    assert_eq!(config.max_open_orders_per_tenant, 20);
    assert_eq!(config.provider_registry, None);
    // Fields added for matching default when left out of older JSON.
    assert_eq!(config.keeper_bounty_bps, 0);
    assert_eq!(config.max_open_offers_per_provider, 20);
    assert_eq!(
        config.offer_deposit,
        Some(cosmwasm_std::coin(5_000_000, "uakt"))
    );
}

#[test]
fn instantiate_json_without_the_new_fields_still_parses() {
    let msg: InstantiateMsg = cosmwasm_std::from_json(
        br#"{"owner":null,"guardian":null,"escrow":"e","accepted_denoms":["uakt"],"min_runway_blocks":1,"max_open_orders_per_tenant":1,"provider_registry":null}"#,
    )
    .unwrap();
    assert_eq!(msg.keeper_bounty_bps, None);
    assert_eq!(msg.max_open_offers_per_provider, None);
    assert_eq!(msg.offer_deposit, None);
}

#[test]
fn a_stored_config_without_offer_deposit_loads_with_none() {
    let config: Config = cosmwasm_std::from_json(
        br#"{"escrow":"e","accepted_denoms":["uakt"],"min_runway_blocks":1,"max_open_orders_per_tenant":1,"provider_registry":"r"}"#,
    )
    .unwrap();
    assert_eq!(config.offer_deposit, None);
}

#[test]
fn instantiate_refuses_each_invalid_field() {
    let api = MockApi::default();
    let owner = api.addr_make("owner");
    let guardian = api.addr_make("guardian");
    let cases: Vec<(Mutation, ContractError)> = vec![
        (|m| m.min_runway_blocks = 0, ContractError::ZeroRunway),
        (
            |m| m.max_open_orders_per_tenant = 0,
            ContractError::OpenOrderCapOutOfRange { value: 0, max: 100 },
        ),
        (
            |m| m.max_open_orders_per_tenant = 101,
            ContractError::OpenOrderCapOutOfRange {
                value: 101,
                max: 100,
            },
        ),
        (
            |m| m.keeper_bounty_bps = Some(101),
            ValidationError::BpsTooHigh {
                field: "keeper_bounty_bps".into(),
                value: 101,
                max: 100,
            }
            .into(),
        ),
        (
            |m| m.max_open_offers_per_provider = Some(0),
            ContractError::OpenOfferCapOutOfRange { value: 0, max: 100 },
        ),
        (
            |m| m.max_open_offers_per_provider = Some(101),
            ContractError::OpenOfferCapOutOfRange {
                value: 101,
                max: 100,
            },
        ),
        (
            |m| m.offer_deposit = None,
            ContractError::OfferDepositRequired,
        ),
        (
            |m| m.offer_deposit = Some(cosmwasm_std::coin(0, "uakt")),
            ContractError::OfferDepositRequired,
        ),
        (
            |m| m.offer_deposit = Some(cosmwasm_std::coin(1, "u")),
            ValidationError::InvalidDenom {
                denom: "u".into(),
                reason: "must be 3 to 128 characters long".into(),
            }
            .into(),
        ),
        (
            |m| m.accepted_denoms = vec!["uakt".into(), "uakt".into()],
            ValidationError::DuplicateDenom {
                field: "accepted_denoms".into(),
                denom: "uakt".into(),
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
fn instantiate_refuses_unvalidated_escrow_address() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let mut msg = valid_msg(&deps.api, &owner, &guardian);
    msg.escrow = "cosmos1invalid".into();
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

    let registry = deps.api.addr_make("incentives");
    let require_audit = ExecuteMsg::UpdateConfig(ConfigUpdate {
        provider_registry: Some(registry.to_string()),
        ..Default::default()
    });
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&guardian, &[]),
        require_audit.clone(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::Governance(GovernanceError::Ownership(_))
    ));

    let zero_runway = ExecuteMsg::UpdateConfig(ConfigUpdate {
        min_runway_blocks: Some(0),
        ..Default::default()
    });
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        zero_runway,
    )
    .unwrap_err();
    assert_eq!(err, ContractError::ZeroRunway);

    let res = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        require_audit,
    )
    .unwrap();
    assert_eq!(res.events[0].ty, "spice.order_book.update_config");
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.provider_registry, Some(registry));
    assert_eq!(config.min_runway_blocks, 14_400);
}
