//! Strategy validation, config bounds and the read side.

use cosmwasm_std::{Decimal, Uint128};

use super::suite::*;
use crate::msg::{ConfigUpdate, ExecuteMsg, QueryMsg, StrategyMsg};
use crate::state::WeightedValidator;
use crate::ContractError;

#[test]
fn set_strategy_refuses_each_invalid_field() {
    let mut s = Suite::bare();
    let v = |address: &str, weight: u32| WeightedValidator {
        address: address.into(),
        weight,
    };
    let op = |s: &Suite| s.operator_strategy();
    let with = |mut m: StrategyMsg, f: &dyn Fn(&mut StrategyMsg)| {
        f(&mut m);
        m
    };
    let invalid_op =
        |field: &str, value: &str, reason: &str| ContractError::InvalidOperatorStrategy {
            field: field.into(),
            value: value.into(),
            reason: reason.into(),
        };
    let cases: Vec<(StrategyMsg, ContractError)> = vec![
        (
            StrategyMsg::Native { validators: vec![] },
            ContractError::ValidatorCount { count: 0, max: 10 },
        ),
        (
            StrategyMsg::Native {
                validators: vec![v("osmovaloper1nobody", 1)],
            },
            ContractError::InvalidValidator {
                validator: "osmovaloper1nobody".into(),
                reason: "the staking module does not know it".into(),
            },
        ),
        (
            StrategyMsg::Native {
                validators: vec![v(VALIDATORS[0], 0)],
            },
            ContractError::InvalidValidator {
                validator: VALIDATORS[0].into(),
                reason: "weight must be at least 1".into(),
            },
        ),
        (
            StrategyMsg::Native {
                validators: vec![v(VALIDATORS[0], 1), v(VALIDATORS[0], 2)],
            },
            ContractError::InvalidValidator {
                validator: VALIDATORS[0].into(),
                reason: "listed twice".into(),
            },
        ),
        (
            with(op(&s), &|m| {
                if let StrategyMsg::Operator { channel, .. } = m {
                    *channel = "chan-1".into()
                }
            }),
            invalid_op("channel", "chan-1", "must be channel-<number>"),
        ),
        (
            with(op(&s), &|m| {
                if let StrategyMsg::Operator {
                    delegation_address, ..
                } = m
                {
                    *delegation_address = "cosmos1abc".into()
                }
            }),
            invalid_op(
                "delegation_address",
                "cosmos1abc",
                "must be an akash1… bech32 account",
            ),
        ),
        (
            with(op(&s), &|m| {
                if let StrategyMsg::Operator {
                    max_daily_outflow, ..
                } = m
                {
                    *max_daily_outflow = Uint128::zero()
                }
            }),
            invalid_op("max_daily_outflow", "0", "must be above zero"),
        ),
        (
            with(op(&s), &|m| {
                if let StrategyMsg::Operator { max_apr, .. } = m {
                    *max_apr = Decimal::percent(101)
                }
            }),
            invalid_op("max_apr", "1.01", "must be above 0 and at most 1"),
        ),
        (
            with(op(&s), &|m| {
                if let StrategyMsg::Operator {
                    transfer_timeout_seconds,
                    ..
                } = m
                {
                    *transfer_timeout_seconds = 59
                }
            }),
            invalid_op(
                "transfer_timeout_seconds",
                "59",
                "must be 60 seconds to 7 days",
            ),
        ),
    ];
    for (strategy, expected) in cases {
        assert_err(
            s.owner_exec(&ExecuteMsg::SetStrategy { strategy }),
            expected,
        );
    }
    assert_err(
        s.owner_exec(&ExecuteMsg::UpdateConfig(ConfigUpdate {
            per_convert_cap: Some(Uint128::zero()),
            ..Default::default()
        })),
        ContractError::ZeroPerConvertCap,
    );
    s.owner_exec(&ExecuteMsg::UpdateConfig(ConfigUpdate {
        per_convert_cap: Some(Uint128::new(7)),
        min_convert_amount: Some(Uint128::new(7)),
        convert_epoch_cap: Some(Uint128::new(7)),
        ..Default::default()
    }))
    .unwrap();
    let config: crate::state::Config = s.query(&QueryMsg::Config {});
    assert_eq!(config.per_convert_cap, Uint128::new(7));
    assert_eq!(config.unbonding_period_seconds, UNBONDING);
}

#[test]
fn status_and_history_follow_every_action_in_order() {
    let mut s = Suite::operator();
    s.deposit(1_000, AKT).unwrap();
    s.deposit(500, OSMO).unwrap();
    s.stake().unwrap();
    s.ack(1);
    let status = s.status();
    assert_eq!(status.strategy.as_deref(), Some("operator"));
    assert_eq!(status.in_flight.u128(), 1_000);
    assert_eq!(status.books.at_operator.u128(), 1_000);
    assert_eq!(
        status.outflow_left_today,
        Some(Uint128::new(DAILY_OUTFLOW - 1_000))
    );
    assert!(status
        .proceeds
        .iter()
        .any(|p| p.denom == OSMO && p.waiting.u128() == 500));
    let actions: Vec<String> = s.history().entries.into_iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec!["deposit", "deposit", "transfer_sent", "transfer_ack"]
    );
    let page: crate::msg::HistoryResponse = s.query(&QueryMsg::History {
        start_after: Some(2),
        limit: Some(1),
    });
    assert_eq!(page.entries.len(), 1);
    assert_eq!(page.entries[0].id, 3);
    let routes: crate::msg::RoutesResponse = s.query(&QueryMsg::Routes {
        start_after: None,
        limit: None,
    });
    assert_eq!(routes.routes.len(), 2);
}
