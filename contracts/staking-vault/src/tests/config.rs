use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::{from_json, Addr, Decimal};
use spice_governance::testing::{assert_no_key_prefixes, check_governance_wiring, EntryPoints};
use spice_governance::GovernanceError;
use spice_types::ValidationError;

use crate::contract::{self, CONTRACT_NAME};
use crate::msg::{ConfigUpdate, ExecuteMsg, InstantiateMsg, QueryMsg};
use crate::state::{Config, STORAGE_KEYS};
use crate::ContractError;

const AKT: &str = "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4";

type Mutation = fn(&mut InstantiateMsg);

fn valid_msg(api: &MockApi, owner: &Addr, guardian: &Addr) -> InstantiateMsg {
    InstantiateMsg {
        owner: Some(owner.to_string()),
        guardian: Some(guardian.to_string()),
        akt_denom: AKT.into(),
        revenue_recipient: api.addr_make("buyback").to_string(),
        twap_window_seconds: 1_800,
        max_slippage: Decimal::percent(2),
        max_spot_deviation: Decimal::percent(3),
        keeper_bounty_bps: 20,
        convert_cooldown_seconds: 3_600,
        per_convert_cap: None,
        unbonding_period_seconds: None,
        strategy: None,
        min_convert_amount: None,
        convert_epoch_seconds: None,
        convert_epoch_cap: None,
        max_daily_loss: None,
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
            event_prefix: "spice.vault.",
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
    assert_eq!(config.akt_denom, AKT);
    assert_eq!(config.revenue_recipient, deps.api.addr_make("buyback"));
    assert_eq!(config.max_slippage, Decimal::percent(2));
}

#[test]
fn instantiate_refuses_each_invalid_field() {
    let api = MockApi::default();
    let owner = api.addr_make("owner");
    let guardian = api.addr_make("guardian");
    let cases: Vec<(Mutation, ContractError)> = vec![
        (
            |m| m.twap_window_seconds = 599,
            ValidationError::WindowTooShort {
                field: "twap_window_seconds".into(),
                value: 599,
                min: 600,
            }
            .into(),
        ),
        (
            |m| m.max_slippage = Decimal::permille(101),
            ValidationError::FractionTooHigh {
                field: "max_slippage".into(),
                value: Decimal::permille(101),
                max: Decimal::percent(10),
            }
            .into(),
        ),
        (
            |m| m.max_spot_deviation = Decimal::one(),
            ValidationError::FractionTooHigh {
                field: "max_spot_deviation".into(),
                value: Decimal::one(),
                max: Decimal::percent(10),
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
            |m| m.akt_denom = "1akt".into(),
            ValidationError::InvalidDenom {
                denom: "1akt".into(),
                reason: "must start with a letter".into(),
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
fn instantiate_refuses_unvalidated_revenue_recipient() {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let mut msg = valid_msg(&deps.api, &owner, &guardian);
    msg.revenue_recipient = msg.revenue_recipient.to_uppercase();
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

    let longer_window = ExecuteMsg::UpdateConfig(ConfigUpdate {
        twap_window_seconds: Some(3_600),
        ..Default::default()
    });
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&guardian, &[]),
        longer_window.clone(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::Governance(GovernanceError::Ownership(_))
    ));

    let too_short = ExecuteMsg::UpdateConfig(ConfigUpdate {
        twap_window_seconds: Some(60),
        ..Default::default()
    });
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        too_short,
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::InvalidConfig(_)));

    let res = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        longer_window,
    )
    .unwrap();
    assert_eq!(res.events[0].ty, "spice.vault.update_config");
    let config: Config =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap())
            .unwrap();
    assert_eq!(config.twap_window_seconds, 3_600);
    assert_eq!(config.keeper_bounty_bps, 20);
}
