use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::{from_json, Addr, Uint128};
use cw20::{BalanceResponse, Cw20Coin, MinterResponse, TokenInfoResponse};
use spice_governance::testing::{assert_no_key_prefixes, check_governance_wiring, EntryPoints};

use crate::contract::{self, CONTRACT_NAME};
use crate::msg::{InstantiateMsg, QueryMsg, SupplyResponse, TokenConfigResponse};
use crate::state::STORAGE_KEYS;
use crate::ContractError;

type Mutation = Box<dyn Fn(&mut InstantiateMsg)>;

fn valid_msg(api: &MockApi, owner: &Addr, guardian: &Addr) -> InstantiateMsg {
    InstantiateMsg {
        name: "Spice".into(),
        symbol: "SPICE".into(),
        decimals: 6,
        initial_balances: vec![
            Cw20Coin {
                address: api.addr_make("alice").to_string(),
                amount: Uint128::new(600),
            },
            Cw20Coin {
                address: api.addr_make("bob").to_string(),
                amount: Uint128::new(400),
            },
        ],
        mint: Some(MinterResponse {
            minter: owner.to_string(),
            cap: Some(Uint128::new(10_000)),
        }),
        marketing: None,
        owner: Some(owner.to_string()),
        guardian: Some(guardian.to_string()),
        native: None,
    }
}

fn query<T: cosmwasm_schema::serde::de::DeserializeOwned>(
    deps: cosmwasm_std::Deps,
    msg: QueryMsg,
) -> T {
    from_json(contract::query(deps, mock_env(), msg).unwrap()).unwrap()
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
            event_prefix: "spice.token.",
        },
        valid_msg,
    );
}

#[test]
fn storage_keys_do_not_collide() {
    assert_no_key_prefixes(STORAGE_KEYS);
}

#[test]
fn cw20_base_instantiate_json_is_accepted_unchanged() {
    let mut deps = mock_dependencies();
    let alice = deps.api.addr_make("alice");
    let minter = deps.api.addr_make("minter");
    // Exactly what a cw20-base 2.0 deployer sends: no SPICE-only fields.
    let json = format!(
        r#"{{"name":"Spice","symbol":"SPICE","decimals":6,
            "initial_balances":[{{"address":"{alice}","amount":"1000"}}],
            "mint":{{"minter":"{minter}","cap":"5000"}}}}"#
    );
    let msg: InstantiateMsg = from_json(json.as_bytes()).unwrap();
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&minter, &[]), msg).unwrap();

    let info: TokenInfoResponse = query(deps.as_ref(), QueryMsg::TokenInfo {});
    assert_eq!(info.total_supply, Uint128::new(1_000));
    let balance: BalanceResponse = query(
        deps.as_ref(),
        QueryMsg::Balance {
            address: alice.to_string(),
        },
    );
    assert_eq!(balance.balance, Uint128::new(1_000));
    let config: TokenConfigResponse = query(deps.as_ref(), QueryMsg::Config {});
    assert_eq!(config.cap, Uint128::new(5_000));
    assert_eq!(config.minter, Some(minter.to_string()));
    // The instantiator owns the contract when no owner is named.
    assert_eq!(
        spice_governance::ownership(&deps.storage).unwrap().owner,
        Some(minter)
    );
}

#[test]
fn supply_ledger_starts_balanced() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let supply: SupplyResponse = query(deps.as_ref(), QueryMsg::Supply {});
    assert_eq!(
        supply,
        SupplyResponse {
            cap: Uint128::new(10_000),
            minted: Uint128::new(1_000),
            burned: Uint128::zero(),
            cw20_supply: Uint128::new(1_000),
            native_supply: Uint128::zero(),
            native_reserve: Uint128::zero(),
        }
    );
    assert_eq!(
        supply.cw20_supply + supply.native_supply + supply.burned,
        supply.minted
    );
}

#[test]
fn without_minter_the_initial_supply_is_the_cap() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let mut msg = valid_msg(&deps.api, &owner, &guardian);
    msg.mint = None;
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let supply: SupplyResponse = query(deps.as_ref(), QueryMsg::Supply {});
    assert_eq!(supply.cap, Uint128::new(1_000));
    assert_eq!(supply.minted, supply.cap);
}

#[test]
fn initial_supply_exactly_at_cap_passes_and_one_more_fails() {
    let api = MockApi::default();
    let owner = api.addr_make("owner");
    let guardian = api.addr_make("guardian");

    let mut at_cap = valid_msg(&api, &owner, &guardian);
    at_cap.mint.as_mut().unwrap().cap = Some(Uint128::new(1_000));
    let mut deps = mock_dependencies();
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), at_cap).unwrap();

    let mut above = valid_msg(&api, &owner, &guardian);
    above.mint.as_mut().unwrap().cap = Some(Uint128::new(999));
    let mut deps = mock_dependencies();
    let err = contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), above)
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::InitialSupplyAboveCap {
            supply: Uint128::new(1_000),
            cap: Uint128::new(999)
        }
    );
}

#[test]
fn instantiate_refuses_each_invalid_field() {
    let api = MockApi::default();
    let owner = api.addr_make("owner");
    let guardian = api.addr_make("guardian");
    let alice = api.addr_make("alice").to_string();
    let cases: Vec<(Mutation, ContractError)> = vec![
        (
            Box::new(|m| m.name = "Sp".into()),
            ContractError::InvalidName { name: "Sp".into() },
        ),
        (
            Box::new(|m| m.name = "S".repeat(51)),
            ContractError::InvalidName {
                name: "S".repeat(51),
            },
        ),
        (
            Box::new(|m| m.symbol = "SP1CE".into()),
            ContractError::InvalidSymbol {
                symbol: "SP1CE".into(),
            },
        ),
        (
            Box::new(|m| m.symbol = "SPICESPICESPI".into()),
            ContractError::InvalidSymbol {
                symbol: "SPICESPICESPI".into(),
            },
        ),
        (
            Box::new(|m| m.decimals = 19),
            ContractError::InvalidDecimals { decimals: 19 },
        ),
        (
            Box::new(|m| m.mint.as_mut().unwrap().cap = None),
            ContractError::UncappedMinter,
        ),
        (
            Box::new(move |m| m.initial_balances[1].address = alice.clone()),
            ContractError::DuplicateInitialBalanceAddress {
                address: api.addr_make("alice").to_string(),
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
fn initial_balances_overflowing_u128_are_refused() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let mut msg = valid_msg(&deps.api, &owner, &guardian);
    msg.initial_balances[0].amount = Uint128::MAX;
    let err = contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg)
        .unwrap_err();
    assert!(matches!(err, ContractError::Overflow(_)), "{err:?}");
}

#[test]
fn uppercase_holder_address_is_refused() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let mut msg = valid_msg(&deps.api, &owner, &guardian);
    msg.initial_balances[0].address = msg.initial_balances[0].address.to_uppercase();
    let err = contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg)
        .unwrap_err();
    assert!(matches!(err, ContractError::Std(_)), "{err:?}");
}
