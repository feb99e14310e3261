//! Issue 17 "Marketplace under attack": the incentives findings, each attack beside its honest
//! control.

use cosmwasm_std::{coin, coins, Addr, Timestamp, Uint128};

use super::suite::{
    amount, contract_err, entry, Suite, SuiteBuilder, AKT, DISPUTE_DEADLINE, DISPUTE_WINDOW, EPOCH,
    JUNK, OSMO, START_BALANCE,
};
use crate::msg::{
    AttributeInput, DisputeOutcome, DisputeResponse, ExecuteMsg, ProviderResponse, QueryMsg,
};
use crate::ContractError;
use spice_types::ProviderAuditResponse;

fn claimed(s: &mut Suite, provider: &Addr) -> u128 {
    let before = s.balance(provider, OSMO);
    s.claim(provider, None, None).unwrap();
    s.balance(provider, OSMO) - before
}

/// Finalizes epochs `0..=last` and waits out the dispute window.
fn finalize_through(s: &mut Suite, last: u64) {
    s.go_to_window_close(last);
    for epoch in 0..=last {
        s.finalize(epoch).unwrap();
    }
    s.advance(DISPUTE_WINDOW);
}

// --- Finding 2: weight counts value, in the epochs served, capped ---

#[test]
fn self_dealing_dust_leases_earn_less_than_one_honest_lease() {
    let mut s = Suite::new();
    let (farmer, honest) = (s.p(0), s.p(1));
    s.onboard(&farmer, 1);
    s.onboard(&honest, 1);
    s.fund(None, &coins(1_000_000, OSMO)).unwrap();
    let escrow = s.escrow.clone();
    let start = s.genesis;
    // The farmer is its own tenant: 60 dust leases, each paying 1 uakt for a full epoch of
    // blocks (what 0.1.0 counted as 60 × 720 utilization units).
    s.set_time(start.plus_seconds(EPOCH - 10));
    for _ in 0..60 {
        s.settle(
            &escrow,
            &farmer,
            &farmer,
            AKT,
            1,
            (start, start.plus_seconds(EPOCH - 10)),
        )
        .unwrap();
    }
    // The honest provider: one real lease paying 5 000 uakt over the same time.
    let tenant = s.stranger.clone();
    s.settle(
        &escrow,
        &honest,
        &tenant,
        AKT,
        5_000,
        (start, start.plus_seconds(EPOCH - 10)),
    )
    .unwrap();
    assert_eq!(s.weight(&farmer, 0), 60);
    assert_eq!(s.weight(&honest, 0), 5_000);
    finalize_through(&mut s, 0);
    let (farmed, earned) = (claimed(&mut s, &farmer), claimed(&mut s, &honest));
    assert!(earned > farmed * 50, "honest {earned} vs farmer {farmed}");
    assert_eq!(farmed, 1_000_000 * 60 / 5_060);
}

#[test]
fn settlement_in_a_denom_without_a_value_weight_earns_nothing() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    let (escrow, tenant, now) = (s.escrow.clone(), s.stranger.clone(), s.now());
    let res = s
        .settle(&escrow, &a, &tenant, JUNK, 1_000_000, (now, now))
        .unwrap();
    assert!(res.events.iter().any(|e| e
        .attributes
        .iter()
        .any(|x| x.key == "result" && x.value == "unpriced")));
    assert_eq!(s.epoch(0).total_weight, Uint128::zero());
    // Control: the same settlement in the priced denom earns weight.
    s.settle(&escrow, &a, &tenant, AKT, 1_000, (now, now))
        .unwrap();
    assert_eq!(s.epoch(0).total_weight, Uint128::new(1_000));
}

#[test]
fn huge_settlement_is_bounded_and_never_fails_the_escrow() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 3);
    let (escrow, tenant, now) = (s.escrow.clone(), s.stranger.clone(), s.now());
    s.settle(&escrow, &a, &tenant, AKT, u128::MAX, (now, now))
        .unwrap();
    let max = crate::execute::reports::MAX_UTILIZATION_UNITS.u128();
    // Tier 3 doubles it.
    assert_eq!(s.weight(&a, 0), 2 * max);
}

#[test]
fn settlement_is_credited_pro_rata_to_the_epochs_it_served() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    let (escrow, tenant) = (s.escrow.clone(), s.stranger.clone());
    let boundary = s.epoch_start(1);
    s.set_time(boundary.plus_seconds(300));
    // 400 uakt for 100 s of epoch 0 and 300 s of epoch 1.
    s.settle(
        &escrow,
        &a,
        &tenant,
        AKT,
        400,
        (boundary.minus_seconds(100), boundary.plus_seconds(300)),
    )
    .unwrap();
    assert_eq!(s.weight(&a, 0), 100);
    assert_eq!(s.weight(&a, 1), 300);
    // Rounding is down per portion: 10 uakt over 3 equal thirds credit 3 + 3 + 3.
    let (from, until) = (s.now(), s.now().plus_seconds(3));
    s.set_time(until);
    s.settle(&escrow, &a, &tenant, AKT, 10, (from, until))
        .unwrap();
    assert_eq!(s.weight(&a, 1), 310);
}

#[test]
fn backlog_withdrawn_late_does_not_land_in_the_chosen_epoch() {
    let mut s = Suite::new();
    let (hoarder, honest) = (s.p(0), s.p(1));
    s.onboard(&hoarder, 1);
    s.onboard(&honest, 1);
    let (escrow, tenant) = (s.escrow.clone(), s.stranger.clone());
    // Epoch 3 is well funded; the hoarder served from genesis and withdraws everything in
    // epoch 3, hoping to put all of it there.
    s.fund(Some(3), &coins(1_000_000, OSMO)).unwrap();
    s.go_to_window_close(1);
    s.finalize(0).unwrap();
    s.finalize(1).unwrap();
    let until = s.epoch_start(4).minus_seconds(1);
    s.set_time(until);
    let res = s
        .settle(
            &escrow,
            &hoarder,
            &tenant,
            AKT,
            4 * u128::from(EPOCH),
            (s.genesis, until),
        )
        .unwrap();
    // Epochs 0 and 1 are finalized: their share is forfeited; epochs 2 and 3 get theirs.
    assert_eq!(s.weight(&hoarder, 0), 0);
    assert_eq!(s.weight(&hoarder, 1), 0);
    assert_eq!(s.weight(&hoarder, 2), u128::from(EPOCH));
    assert_eq!(s.weight(&hoarder, 3), u128::from(EPOCH) - 1);
    assert!(res.events.iter().any(|e| e
        .attributes
        .iter()
        .any(|x| x.key == "forfeited_value" && x.value == (2 * EPOCH + 1).to_string())));
    // Control: the honest provider settled epoch 3's service in epoch 3, same value per second.
    s.settle(
        &escrow,
        &honest,
        &tenant,
        AKT,
        u128::from(EPOCH) - 1,
        (s.epoch_start(3), until),
    )
    .unwrap();
    assert_eq!(s.weight(&honest, 3), s.weight(&hoarder, 3));
}

#[test]
fn a_settlement_spreads_over_at_most_four_epochs_and_never_into_the_future() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.onboard(&a, 1);
    let (escrow, tenant) = (s.escrow.clone(), s.stranger.clone());
    let now = s.epoch_start(6);
    s.set_time(now);
    // Six epochs of service, claimed to run four epochs into the future: the future is cut at now,
    // and of epochs 0..=5 only the latest four (2..=5) are credited.
    s.settle(
        &escrow,
        &a,
        &tenant,
        AKT,
        6 * u128::from(EPOCH),
        (s.genesis, now.plus_seconds(4 * EPOCH)),
    )
    .unwrap();
    for epoch in 0..2 {
        assert_eq!(s.weight(&a, epoch), 0, "epoch {epoch}");
    }
    for epoch in 2..6 {
        assert_eq!(s.weight(&a, epoch), u128::from(EPOCH), "epoch {epoch}");
    }
    assert_eq!(s.weight(&a, 6), 0);
    // Service that ended before genesis (the escrow's unset time) earns nothing.
    let zero = Timestamp::from_seconds(0);
    s.settle(&escrow, &a, &tenant, AKT, 1_000, (zero, zero))
        .unwrap();
    assert_eq!(s.weight(&a, 0), 0);
}

#[test]
fn weight_is_capped_per_tenant_provider_pair_and_per_provider() {
    let mut s = SuiteBuilder {
        max_weight_per_pair: Some(Uint128::new(100)),
        max_weight_per_provider: Some(Uint128::new(250)),
        ..Default::default()
    }
    .build();
    let (a, b) = (s.p(0), s.p(1));
    s.onboard(&a, 1);
    s.onboard(&b, 1);
    let (escrow, now) = (s.escrow.clone(), s.now());
    let (t1, t2, t3) = (s.p(2), s.p(3), s.p(4));
    // A provider cannot farm through one tenant (itself or a friend) beyond the pair cap …
    s.settle(&escrow, &a, &t1, AKT, 500, (now, now)).unwrap();
    s.settle(&escrow, &a, &t1, AKT, 500, (now, now)).unwrap();
    assert_eq!(s.weight(&a, 0), 100);
    // … nor through many tenants beyond the provider cap.
    s.settle(&escrow, &a, &t2, AKT, 500, (now, now)).unwrap();
    s.settle(&escrow, &a, &t3, AKT, 500, (now, now)).unwrap();
    assert_eq!(s.weight(&a, 0), 250);
    // Oracle weight counts toward the provider cap too.
    s.agree(0, vec![entry(&a, 1_000)], 2);
    assert_eq!(s.weight(&a, 0), 250);
    assert_eq!(s.epoch(0).total_weight, Uint128::new(250));
    // Control: another provider below its caps is credited in full; the caps renew next epoch.
    s.settle(&escrow, &b, &t1, AKT, 80, (now, now)).unwrap();
    assert_eq!(s.weight(&b, 0), 80);
    s.advance(EPOCH);
    let now = s.now();
    s.settle(&escrow, &a, &t1, AKT, 60, (now, now)).unwrap();
    assert_eq!(s.weight(&a, 1), 60);
}

#[test]
fn payout_above_the_epoch_cap_carries_to_the_next_epoch() {
    let mut s = SuiteBuilder {
        max_payout_per_epoch: Some(vec![coin(400, OSMO)]),
        ..Default::default()
    }
    .build();
    let a = s.p(0);
    s.onboard(&a, 1);
    s.fund(None, &[coin(1_000, OSMO), coin(50, "uatom")])
        .unwrap();
    s.lease_settled(&s.escrow.clone(), &a, 10).unwrap();
    s.go_to_window_close(0);
    let res = s.finalize(0).unwrap();
    assert!(res.events.iter().any(|e| e
        .attributes
        .iter()
        .any(|x| x.key == "deferred" && x.value == "600uosmo")));
    assert_eq!(amount(&s.epoch(0).budget, OSMO), 400);
    assert_eq!(amount(&s.epoch(1).budget, OSMO), 600);
    // Uncapped denoms pay in full.
    assert_eq!(amount(&s.epoch(0).budget, "uatom"), 50);
    s.advance(DISPUTE_WINDOW);
    assert_eq!(claimed(&mut s, &a), 400);
}

// --- Finding 7: audits are kept per auditor ---

fn audit_by(s: &mut Suite, auditor: usize, provider: &Addr, tier: u32, attrs: &[(&str, &str)]) {
    let auditor = s.auditors[auditor].clone();
    s.exec(
        &auditor,
        &ExecuteMsg::AuditProvider {
            provider: provider.to_string(),
            tier,
            attributes: attrs
                .iter()
                .map(|(k, v)| AttributeInput {
                    key: (*k).into(),
                    value: (*v).into(),
                })
                .collect(),
        },
        &[],
    )
    .unwrap();
}

#[test]
fn second_auditor_does_not_erase_the_first_auditors_attributes_or_raise_the_tier() {
    let mut s = SuiteBuilder {
        auditors: 2,
        ..Default::default()
    }
    .build();
    let a = s.p(0);
    s.register(&a, &[]).unwrap();
    audit_by(&mut s, 0, &a, 1, &[("gpu", "a100")]);
    audit_by(&mut s, 1, &a, 3, &[("region", "eu")]);
    let audit: ProviderAuditResponse = s.query(&QueryMsg::ProviderAudit {
        provider: a.to_string(),
    });
    let signed: Vec<(String, String, String)> = audit
        .attributes
        .iter()
        .map(|x| (x.key.clone(), x.value.clone(), x.auditor.clone()))
        .collect();
    let (first, second) = (s.auditors[0].to_string(), s.auditors[1].to_string());
    assert!(signed.contains(&("gpu".into(), "a100".into(), first.clone())));
    assert!(signed.contains(&("region".into(), "eu".into(), second.clone())));
    assert_eq!(signed.len(), 2);
    // The tier is the lowest any auditor gave.
    assert_eq!(audit.tier, Some(1));
    // An auditor's new audit replaces only its own.
    audit_by(&mut s, 0, &a, 2, &[("gpu", "h100")]);
    let record: ProviderResponse = s.query(&QueryMsg::Provider {
        address: a.to_string(),
    });
    assert_eq!(record.tier, Some(2));
    let keys: Vec<(String, String)> = record
        .attributes
        .iter()
        .map(|x| (x.value.clone(), x.auditor.to_string()))
        .collect();
    assert!(keys.contains(&("h100".into(), first)));
    assert!(keys.contains(&("eu".into(), second)));
    assert_eq!(keys.len(), 2);
}

#[test]
fn single_auditor_audit_answers_as_before() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.register(&a, &[]).unwrap();
    audit_by(&mut s, 0, &a, 2, &[("gpu", "a100")]);
    audit_by(&mut s, 0, &a, 3, &[("gpu", "h100")]);
    let audit: ProviderAuditResponse = s.query(&QueryMsg::ProviderAudit {
        provider: a.to_string(),
    });
    assert_eq!(audit.tier, Some(3));
    assert_eq!(audit.attributes.len(), 1);
    assert_eq!(audit.attributes[0].value, "h100");
}

// --- Finding 9: oracle agreement and dispute deadlines ---

#[test]
fn fast_lying_oracle_cannot_set_the_agreed_value() {
    let mut s = Suite::new();
    let (a, b) = (s.p(0), s.p(1));
    s.onboard(&a, 1);
    s.onboard(&b, 1);
    // Quorum 2 of 3. The liar reports first, inflating a; one honest oracle follows.
    s.report(2, 0, vec![entry(&a, 1_000_000)]).unwrap();
    s.report(0, 0, vec![entry(&a, 100)]).unwrap();
    // The lower median of the two reports: the liar can only lower a value, never raise it.
    assert_eq!(s.weight(&a, 0), 100);
    // A later report changes nothing.
    s.report(1, 0, vec![entry(&a, 100)]).unwrap();
    assert_eq!(s.weight(&a, 0), 100);
    // Control: two honest oracles that differ slightly agree on the lower value.
    s.report(0, 0, vec![entry(&b, 205)]).unwrap();
    s.report(1, 0, vec![entry(&b, 200)]).unwrap();
    assert_eq!(s.weight(&b, 0), 200);
}

#[test]
fn with_quorum_three_one_liar_is_outvoted_by_the_median() {
    let mut s = SuiteBuilder {
        oracles: 4,
        quorum: 3,
        ..Default::default()
    }
    .build();
    let a = s.p(0);
    s.onboard(&a, 1);
    s.report(3, 0, vec![entry(&a, 9_999_999)]).unwrap();
    s.report(0, 0, vec![entry(&a, 100)]).unwrap();
    assert_eq!(s.weight(&a, 0), 0);
    s.report(1, 0, vec![entry(&a, 110)]).unwrap();
    assert_eq!(s.weight(&a, 0), 110);
}

#[test]
fn dispute_left_unresolved_expires_releasing_reward_and_bond() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.register(&a, &coins(500, OSMO)).unwrap();
    s.audit(&a, 1).unwrap();
    s.fund(None, &coins(1_000, OSMO)).unwrap();
    s.agree(0, vec![entry(&a, 100)], 2);
    s.exec(&a, &ExecuteMsg::UnbondProvider {}, &[]).unwrap();
    s.go_to_window_close(0);
    s.finalize(0).unwrap();
    s.dispute(0, &a).unwrap();
    let dispute: Option<DisputeResponse> = s.query(&QueryMsg::Dispute {
        epoch: 0,
        provider: a.to_string(),
    });
    let expires_at = dispute.unwrap().expires_at;
    assert_eq!(expires_at, s.now().plus_seconds(DISPUTE_DEADLINE));
    s.advance(DISPUTE_WINDOW);
    // Governance does nothing: the bond is locked until the deadline …
    assert!(matches!(
        s.exec_err(&a, &ExecuteMsg::WithdrawBond {}, &[]),
        ContractError::BondLocked { .. }
    ));
    let stranger = s.stranger.clone();
    let expire = ExecuteMsg::ExpireDispute {
        epoch: 0,
        provider: a.to_string(),
    };
    let held_before = s.epoch(0).held;
    assert_eq!(
        s.exec_err(&stranger, &expire, &[]),
        ContractError::DisputeNotExpired {
            epoch: 0,
            provider: a.to_string(),
            expires_at,
        }
    );
    assert_eq!(s.epoch(0).held, held_before);
    // … and not forever.
    s.set_time(expires_at);
    assert_eq!(
        contract_err(
            s.resolve(0, &a, DisputeOutcome::Clawback, Some(500))
                .unwrap_err()
        ),
        ContractError::DisputeExpired {
            epoch: 0,
            provider: a.to_string(),
            expired_at: expires_at,
        }
    );
    let res = s.exec(&stranger, &expire, &[]).unwrap();
    assert!(res
        .events
        .iter()
        .any(|e| e.ty == "wasm-spice.incentives.expire_dispute"));
    assert!(s.epoch(0).held.is_empty());
    assert_eq!(claimed(&mut s, &a), 1_000);
    let before = s.balance(&a, OSMO);
    s.exec(&a, &ExecuteMsg::WithdrawBond {}, &[]).unwrap();
    assert_eq!(s.balance(&a, OSMO), before + 500);
    assert_eq!(s.balance(&a, OSMO), START_BALANCE + 1_000);
    // Expired once: gone.
    assert!(matches!(
        s.exec_err(&stranger, &expire, &[]),
        ContractError::DisputeNotFound { .. }
    ));
}

#[test]
fn dispute_resolved_before_its_deadline_still_slashes() {
    let mut s = Suite::new();
    let a = s.p(0);
    s.register(&a, &coins(500, OSMO)).unwrap();
    s.audit(&a, 1).unwrap();
    s.fund(None, &coins(1_000, OSMO)).unwrap();
    s.agree(0, vec![entry(&a, 100)], 2);
    s.go_to_window_close(0);
    s.finalize(0).unwrap();
    s.dispute(0, &a).unwrap();
    s.advance(DISPUTE_DEADLINE - 1);
    s.resolve(0, &a, DisputeOutcome::Clawback, Some(200))
        .unwrap();
    let record: ProviderResponse = s.query(&QueryMsg::Provider {
        address: a.to_string(),
    });
    assert_eq!(record.bond, Uint128::new(300));
    assert_eq!(amount(&s.epoch(1).budget, OSMO), 1_200);
}
