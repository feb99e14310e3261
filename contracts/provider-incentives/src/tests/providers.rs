use cosmwasm_std::{coins, from_json, to_json_binary, Uint128};
use spice_types::{ProviderAuditQuery, ProviderAuditResponse};

use super::suite::{contract_err, info, Suite, SuiteBuilder, ATOM, OSMO};
use crate::msg::{AttributeInput, ExecuteMsg, ProviderResponse, ProvidersResponse, QueryMsg};
use crate::ContractError;

#[test]
fn register_takes_an_optional_bond_that_must_reach_the_minimum() {
    let mut s = SuiteBuilder {
        min_bond: Some(Uint128::new(100)),
        ..Default::default()
    }
    .build();
    let a = s.p(0);
    let err = contract_err(s.register(&a, &coins(99, OSMO)).unwrap_err());
    assert_eq!(
        err,
        ContractError::BondTooSmall {
            bond: Uint128::new(99),
            min_bond: Uint128::new(100),
            denom: OSMO.into()
        }
    );
    let err = contract_err(s.register(&a, &coins(100, ATOM)).unwrap_err());
    assert_eq!(
        err,
        ContractError::WrongDenom {
            denom: ATOM.into(),
            accepted: vec![OSMO.into()]
        }
    );
    s.register(&a, &coins(100, OSMO)).unwrap();
    // Re-registering updates the info and tops up the bond.
    s.exec(
        &a,
        &ExecuteMsg::RegisterProvider {
            info: info("renamed"),
        },
        &coins(5, OSMO),
    )
    .unwrap();
    let p: ProviderResponse = s.query(&QueryMsg::Provider {
        address: a.to_string(),
    });
    assert_eq!(p.bond, Uint128::new(105));
    assert_eq!(p.info.moniker, "renamed");
    assert_eq!(s.balance(&s.contract.clone(), OSMO), 105);
}

#[test]
fn register_refuses_bad_info() {
    let mut s = Suite::new();
    let a = s.p(0);
    let err = contract_err(
        s.exec(&a, &ExecuteMsg::RegisterProvider { info: info("") }, &[])
            .unwrap_err(),
    );
    assert_eq!(
        err,
        ContractError::TextLength {
            field: "moniker".into(),
            len: 0,
            max: 64
        }
    );
}

#[test]
fn audit_needs_a_registered_provider_and_a_configured_tier() {
    let mut s = Suite::new();
    let a = s.p(0);
    let err = contract_err(s.audit(&a, 1).unwrap_err());
    assert_eq!(
        err,
        ContractError::NotRegistered {
            provider: a.to_string()
        }
    );
    s.register(&a, &[]).unwrap();
    assert_eq!(
        contract_err(s.audit(&a, 0).unwrap_err()),
        ContractError::InvalidTier { tier: 0, max: 3 }
    );
    assert_eq!(
        contract_err(s.audit(&a, 4).unwrap_err()),
        ContractError::InvalidTier { tier: 4, max: 3 }
    );
    let auditor = s.auditor.clone();
    let many = (0..17)
        .map(|i| AttributeInput {
            key: format!("k{i}"),
            value: "v".into(),
        })
        .collect();
    let err = contract_err(
        s.exec(
            &auditor,
            &ExecuteMsg::AuditProvider {
                provider: a.to_string(),
                tier: 1,
                attributes: many,
            },
            &[],
        )
        .unwrap_err(),
    );
    assert_eq!(err, ContractError::TooManyAttributes { count: 17, max: 16 });
}

#[test]
fn provider_audit_query_answers_the_order_book_json() {
    let mut s = Suite::new();
    let a = s.p(0);
    let q = to_json_binary(&ProviderAuditQuery::ProviderAudit {
        provider: a.to_string(),
    })
    .unwrap();
    let as_ours: QueryMsg = from_json(&q).unwrap();
    let r: ProviderAuditResponse = s.query(&as_ours);
    assert!(!r.registered);
    assert_eq!(r.tier, None);
    s.register(&a, &[]).unwrap();
    let auditor = s.auditor.clone();
    s.exec(
        &auditor,
        &ExecuteMsg::AuditProvider {
            provider: a.to_string(),
            tier: 2,
            attributes: vec![AttributeInput {
                key: "region".into(),
                value: "eu-west".into(),
            }],
        },
        &[],
    )
    .unwrap();
    let r: ProviderAuditResponse = s
        .app
        .wrap()
        .query_wasm_smart(
            s.contract.clone(),
            &ProviderAuditQuery::ProviderAudit {
                provider: a.to_string(),
            },
        )
        .unwrap();
    assert!(r.registered);
    assert_eq!(r.tier, Some(2));
    assert_eq!(r.attributes[0].key, "region");
    assert_eq!(r.attributes[0].auditor, auditor.to_string());
}

#[test]
fn providers_are_listed_in_pages() {
    let mut s = Suite::new();
    for i in 0..5 {
        let p = s.p(i);
        s.register(&p, &[]).unwrap();
    }
    let page: ProvidersResponse = s.query(&QueryMsg::Providers {
        start_after: None,
        limit: Some(3),
    });
    assert_eq!(page.providers.len(), 3);
    let rest: ProvidersResponse = s.query(&QueryMsg::Providers {
        start_after: Some(page.providers[2].address.clone()),
        limit: None,
    });
    assert_eq!(rest.providers.len(), 2);
    let mut all: Vec<_> = page
        .providers
        .iter()
        .chain(&rest.providers)
        .map(|p| p.address.clone())
        .collect();
    let sorted = {
        let mut v = all.clone();
        v.sort();
        v
    };
    assert_eq!(all, sorted);
    all.dedup();
    assert_eq!(all.len(), 5);
}
