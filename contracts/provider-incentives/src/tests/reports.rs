use cosmwasm_std::{from_json, to_json_binary, Uint128};
use spice_types::IncentivesHookMsg;

use super::suite::{contract_err, entry, Suite, SuiteBuilder, EPOCH, REPORT_WINDOW};
use crate::msg::{ExecuteMsg, ReportEntry};
use crate::ContractError;

fn weight_of(s: &Suite, provider: &cosmwasm_std::Addr, epoch: u64) -> Uint128 {
    s.pending(provider)
        .epochs
        .iter()
        .find(|e| e.epoch == epoch)
        .map(|e| e.weight)
        .unwrap_or_default()
}

#[test]
fn entry_counts_once_quorum_of_oracles_agree() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    s.report(0, 0, vec![entry(&a, 40)]).unwrap();
    // One of three oracles (quorum 2): nothing yet.
    assert_eq!(s.epoch(0).total_weight, Uint128::zero());
    let res = s.report(1, 0, vec![entry(&a, 40)]).unwrap();
    assert!(res
        .events
        .iter()
        .any(|e| e.ty == "wasm-spice.incentives.entry_agreed"));
    assert_eq!(s.epoch(0).total_weight, Uint128::new(40));
    // The third oracle agreeing later adds nothing.
    s.report(2, 0, vec![entry(&a, 40)]).unwrap();
    assert_eq!(s.epoch(0).total_weight, Uint128::new(40));
    assert_eq!(weight_of(&s, &a, 0), Uint128::new(40));
}

#[test]
fn differing_reports_agree_on_the_lower_median_once_quorum_reported() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    s.report(0, 0, vec![entry(&a, 41)]).unwrap();
    assert_eq!(s.epoch(0).total_weight, Uint128::zero());
    s.report(1, 0, vec![entry(&a, 40)]).unwrap();
    assert_eq!(s.epoch(0).total_weight, Uint128::new(40));
    // The third report comes after agreement and changes nothing.
    s.report(2, 0, vec![entry(&a, 900)]).unwrap();
    assert_eq!(s.epoch(0).total_weight, Uint128::new(40));
}

#[test]
fn lower_median_is_the_middle_or_the_lower_middle() {
    use crate::execute::reports::lower_median;
    let v = |xs: &[u128]| xs.iter().map(|x| Uint128::new(*x)).collect::<Vec<_>>();
    assert_eq!(lower_median(v(&[])), None);
    assert_eq!(lower_median(v(&[7])), Some(Uint128::new(7)));
    assert_eq!(lower_median(v(&[9, 7])), Some(Uint128::new(7)));
    assert_eq!(lower_median(v(&[9, 1, 7])), Some(Uint128::new(7)));
    assert_eq!(
        lower_median(v(&[u128::MAX, 0, 5, 6])),
        Some(Uint128::new(5))
    );
}

#[test]
fn first_value_to_reach_a_minority_quorum_wins() {
    // 1 of 2: each oracle alone is a quorum; the first report counts, the second is ignored.
    let mut s = SuiteBuilder {
        oracles: 2,
        quorum: 1,
        ..Default::default()
    }
    .build();
    let a = s.p(0);
    s.onboard(&a, 1);
    s.report(0, 0, vec![entry(&a, 10)]).unwrap();
    s.report(1, 0, vec![entry(&a, 99)]).unwrap();
    assert_eq!(s.epoch(0).total_weight, Uint128::new(10));
}

#[test]
fn an_oracle_reports_a_provider_once_per_epoch() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    s.report(0, 0, vec![entry(&a, 5)]).unwrap();
    let oracle = s.oracles[0].to_string();
    let err = contract_err(s.report(0, 0, vec![entry(&a, 6)]).unwrap_err());
    assert_eq!(
        err,
        ContractError::AlreadyReported {
            epoch: 0,
            provider: a.to_string(),
            oracle: oracle.clone()
        }
    );
    // Also within one report; the whole report is refused.
    let b = s.p(1);
    let err = contract_err(
        s.report(1, 0, vec![entry(&b, 1), entry(&b, 1)])
            .unwrap_err(),
    );
    assert!(matches!(err, ContractError::AlreadyReported { .. }));
    assert_eq!(s.epoch(0).total_weight, Uint128::zero());
}

#[test]
fn report_after_the_window_or_for_a_future_epoch_is_refused() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    let err = contract_err(s.report(0, 1, vec![entry(&a, 5)]).unwrap_err());
    assert_eq!(
        err,
        ContractError::EpochNotStarted {
            epoch: 1,
            current: 0
        }
    );
    // Inside the window after the epoch's end: still accepted.
    s.set_time(s.epoch_start(1).plus_seconds(REPORT_WINDOW - 1));
    s.agree(0, vec![entry(&a, 5)], 2);
    s.go_to_window_close(0);
    let err = contract_err(s.report(2, 0, vec![entry(&a, 5)]).unwrap_err());
    assert_eq!(
        err,
        ContractError::ReportWindowClosed {
            epoch: 0,
            closed_at: s.epoch_start(1).plus_seconds(REPORT_WINDOW)
        }
    );
    s.finalize(0).unwrap();
    let err = contract_err(s.report(2, 0, vec![entry(&a, 5)]).unwrap_err());
    assert_eq!(err, ContractError::EpochFinalized { epoch: 0 });
}

#[test]
fn report_size_and_units_are_bounded() {
    let mut s = SuiteBuilder {
        max_report_entries: Some(2),
        ..Default::default()
    }
    .build();
    let (a, b, c) = (s.p(0), s.p(1), s.p(2));
    let err = contract_err(s.report(0, 0, vec![]).unwrap_err());
    assert_eq!(err, ContractError::ReportSize { count: 0, max: 2 });
    let err = contract_err(
        s.report(0, 0, vec![entry(&a, 1), entry(&b, 1), entry(&c, 1)])
            .unwrap_err(),
    );
    assert_eq!(err, ContractError::ReportSize { count: 3, max: 2 });
    let too_many = 1_000_000_000_000_000_001u128;
    let err = contract_err(s.report(0, 0, vec![entry(&a, too_many)]).unwrap_err());
    assert_eq!(
        err,
        ContractError::UtilizationTooLarge {
            provider: a.to_string(),
            units: Uint128::new(too_many),
            max: Uint128::new(too_many - 1)
        }
    );
    let err = contract_err(
        s.report(
            0,
            0,
            vec![ReportEntry {
                provider: "not an address".into(),
                utilization_units: Uint128::one(),
            }],
        )
        .unwrap_err(),
    );
    assert!(matches!(err, ContractError::Std(_)));
}

#[test]
fn unregistered_and_unaudited_providers_earn_nothing() {
    let mut s = Suite::new();
    let (unregistered, unaudited, audited) = (s.p(0), s.p(1), s.p(2));
    s.register(&unaudited, &[]).unwrap();
    s.onboard(&audited, 1);
    s.agree(
        0,
        vec![
            entry(&unregistered, 100),
            entry(&unaudited, 100),
            entry(&audited, 100),
        ],
        2,
    );
    assert_eq!(s.epoch(0).total_weight, Uint128::new(100));
    assert!(s.pending(&unregistered).epochs.is_empty());
    assert!(s.pending(&unaudited).epochs.is_empty());
    let escrow = s.escrow.clone();
    let res = s.lease_settled(&escrow, &unaudited, 50).unwrap();
    let ev = res
        .events
        .iter()
        .find(|e| e.ty == "wasm-spice.incentives.lease_settled")
        .unwrap();
    assert!(ev
        .attributes
        .iter()
        .any(|a| a.key == "result" && a.value == "unaudited"));
    assert_eq!(s.epoch(0).total_weight, Uint128::new(100));
}

#[test]
fn tier_multiplies_weight_rounding_down() {
    let mut s = Suite::new();
    let (t1, t2, t3) = (s.p(0), s.p(1), s.p(2));
    s.onboard(&t1, 1);
    s.onboard(&t2, 2);
    s.onboard(&t3, 3);
    // 3 units at tier 2 (×1.5) is 4.5, rounded down to 4.
    s.agree(0, vec![entry(&t1, 3), entry(&t2, 3), entry(&t3, 3)], 2);
    assert_eq!(weight_of(&s, &t1, 0), Uint128::new(3));
    assert_eq!(weight_of(&s, &t2, 0), Uint128::new(4));
    assert_eq!(weight_of(&s, &t3, 0), Uint128::new(6));
    assert_eq!(s.epoch(0).total_weight, Uint128::new(13));
}

#[test]
fn lease_settled_is_accepted_from_the_escrow_only_and_counts_value_where_served() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 2);
    let stranger = s.stranger.clone();
    let err = contract_err(s.lease_settled(&stranger, &a, 10).unwrap_err());
    assert_eq!(
        err,
        ContractError::NotEscrow {
            sender: stranger.to_string(),
            escrow: s.escrow.to_string()
        }
    );
    // The escrow sends spice_types' hook message; its JSON parses as our ExecuteMsg.
    let hook = IncentivesHookMsg::LeaseSettled {
        provider: a.to_string(),
        tenant: stranger.to_string(),
        lease_id: 9,
        denom: "uakt".into(),
        amount: Uint128::new(10),
        take_fee: Uint128::new(1),
        blocks: 10,
        served_from: s.genesis,
        served_until: s.genesis,
    };
    let msg: ExecuteMsg = from_json(to_json_binary(&hook).unwrap()).unwrap();
    let escrow = s.escrow.clone();
    s.exec(&escrow, &msg, &[]).unwrap();
    // 10 uakt of value at tier 2 (×1.5): weight 15, no oracle involved.
    assert_eq!(s.epoch(0).total_weight, Uint128::new(15));
    // The same service reported an epoch later still counts where it was served.
    s.advance(EPOCH);
    s.exec(&escrow, &msg, &[]).unwrap();
    assert_eq!(s.epoch(0).total_weight, Uint128::new(30));
    assert_eq!(s.epoch(1).total_weight, Uint128::zero());
}

#[test]
fn lease_settled_while_paused_is_acknowledged_but_not_counted() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    s.pause();
    let escrow = s.escrow.clone();
    let res = s.lease_settled(&escrow, &a, 10).unwrap();
    assert!(res
        .events
        .iter()
        .any(|e| e.ty == "wasm-spice.incentives.lease_settled"
            && e.attributes
                .iter()
                .any(|a| a.key == "result" && a.value == "paused")));
    assert_eq!(s.epoch(0).total_weight, Uint128::zero());
}

fn settlement(
    provider: &cosmwasm_std::Addr,
    tenant: &cosmwasm_std::Addr,
    lease_id: u64,
    amount: u128,
    at: cosmwasm_std::Timestamp,
) -> spice_types::LeaseSettlement {
    spice_types::LeaseSettlement {
        provider: provider.to_string(),
        tenant: tenant.to_string(),
        lease_id,
        denom: "uakt".into(),
        amount: Uint128::new(amount),
        take_fee: Uint128::new(amount / 100),
        blocks: 10,
        served_from: at,
        served_until: at,
    }
}

#[test]
fn leases_settled_credits_each_settlement_exactly_as_its_own_hook() {
    // Two identical suites: one gets three `lease_settled` hooks, the other one
    // `leases_settled` carrying the same three settlements (the escrow's batch).
    let [mut singles, mut batched] = [Suite::new(), Suite::new()];
    let (a, b) = (singles.p(0), singles.p(1));
    for s in [&mut singles, &mut batched] {
        s.onboard(&a, 2);
        s.onboard(&b, 1);
    }
    let tenant = singles.stranger.clone();
    let at = singles.genesis;
    let list = vec![
        settlement(&a, &tenant, 1, 10, at),
        settlement(&b, &tenant, 2, 7, at),
        settlement(&a, &tenant, 3, 5, at),
    ];
    let escrow = singles.escrow.clone();
    for one in &list {
        let hook = IncentivesHookMsg::LeaseSettled {
            provider: one.provider.clone(),
            tenant: one.tenant.clone(),
            lease_id: one.lease_id,
            denom: one.denom.clone(),
            amount: one.amount,
            take_fee: one.take_fee,
            blocks: one.blocks,
            served_from: one.served_from,
            served_until: one.served_until,
        };
        let msg: ExecuteMsg = from_json(to_json_binary(&hook).unwrap()).unwrap();
        singles.exec(&escrow, &msg, &[]).unwrap();
    }
    let hook = IncentivesHookMsg::LeasesSettled { settlements: list };
    let msg: ExecuteMsg = from_json(to_json_binary(&hook).unwrap()).unwrap();
    let res = batched.exec(&escrow, &msg, &[]).unwrap();
    // One `lease_settled` event per settlement, in order.
    let ids: Vec<String> = res
        .events
        .iter()
        .filter(|e| e.ty == "wasm-spice.incentives.lease_settled")
        .flat_map(|e| e.attributes.iter().filter(|x| x.key == "lease_id"))
        .map(|x| x.value.clone())
        .collect();
    assert_eq!(ids, ["1", "2", "3"]);
    // a: (10 + 5) × 1.5 = 22 (rounded down per settlement: 15 + 7), b: 7 at tier 1.
    for p in [&a, &b] {
        assert_eq!(weight_of(&batched, p, 0), weight_of(&singles, p, 0));
    }
    assert_eq!(weight_of(&batched, &a, 0), Uint128::new(22));
    assert_eq!(weight_of(&batched, &b, 0), Uint128::new(7));
    assert_eq!(batched.epoch(0).total_weight, singles.epoch(0).total_weight);
}

#[test]
fn leases_settled_is_the_escrows_only_and_bounded() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    let tenant = s.stranger.clone();
    let at = s.genesis;
    let msg = |n: usize| ExecuteMsg::LeasesSettled {
        settlements: (0..n as u64)
            .map(|i| settlement(&a, &tenant, i, 1, at))
            .collect(),
    };
    let stranger = s.stranger.clone();
    assert_eq!(
        contract_err(s.exec(&stranger, &msg(2), &[]).unwrap_err()),
        ContractError::NotEscrow {
            sender: stranger.to_string(),
            escrow: s.escrow.to_string()
        }
    );
    let escrow = s.escrow.clone();
    for n in [0, spice_types::MAX_SETTLEMENTS_PER_HOOK + 1] {
        assert_eq!(
            contract_err(s.exec(&escrow, &msg(n), &[]).unwrap_err()),
            ContractError::SettlementCount {
                count: n,
                max: spice_types::MAX_SETTLEMENTS_PER_HOOK
            }
        );
    }
    // Refusals credited nothing; the largest allowed hook is accepted.
    assert_eq!(s.epoch(0).total_weight, Uint128::zero());
    s.exec(&escrow, &msg(spice_types::MAX_SETTLEMENTS_PER_HOOK), &[])
        .unwrap();
    assert_eq!(s.epoch(0).total_weight, Uint128::new(30));
}
