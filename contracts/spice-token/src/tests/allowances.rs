use cosmwasm_std::Uint128;
use cw20::{AllAllowancesResponse, AllSpenderAllowancesResponse, AllowanceResponse, Expiration};

use super::helpers::{attr, Token};
use crate::msg::{BurnStatsResponse, ExecuteMsg, QueryMsg};
use crate::ContractError;

fn allowance(
    t: &Token,
    owner: &cosmwasm_std::Addr,
    spender: &cosmwasm_std::Addr,
) -> AllowanceResponse {
    t.query(QueryMsg::Allowance {
        owner: owner.to_string(),
        spender: spender.to_string(),
    })
}

#[test]
fn increase_and_decrease_allowance_track_both_indexes() {
    let mut t = Token::new();
    let (alice, bob) = (t.alice.clone(), t.bob.clone());
    let res = t
        .exec(
            &alice,
            ExecuteMsg::IncreaseAllowance {
                spender: bob.to_string(),
                amount: Uint128::new(100),
                expires: None,
            },
        )
        .unwrap();
    assert_eq!(attr(&res, "action"), "increase_allowance");
    t.exec(
        &alice,
        ExecuteMsg::IncreaseAllowance {
            spender: bob.to_string(),
            amount: Uint128::new(50),
            expires: None,
        },
    )
    .unwrap();
    assert_eq!(allowance(&t, &alice, &bob).allowance, Uint128::new(150));

    t.exec(
        &alice,
        ExecuteMsg::DecreaseAllowance {
            spender: bob.to_string(),
            amount: Uint128::new(30),
            expires: None,
        },
    )
    .unwrap();
    assert_eq!(allowance(&t, &alice, &bob).allowance, Uint128::new(120));
    let by_spender: AllSpenderAllowancesResponse = t.query(QueryMsg::AllSpenderAllowances {
        spender: bob.to_string(),
        start_after: None,
        limit: None,
    });
    assert_eq!(by_spender.allowances.len(), 1);
    assert_eq!(by_spender.allowances[0].owner, alice.to_string());
    assert_eq!(by_spender.allowances[0].allowance, Uint128::new(120));

    // Decreasing by more than the allowance removes it everywhere.
    t.exec(
        &alice,
        ExecuteMsg::DecreaseAllowance {
            spender: bob.to_string(),
            amount: Uint128::new(500),
            expires: None,
        },
    )
    .unwrap();
    assert_eq!(allowance(&t, &alice, &bob), AllowanceResponse::default());
    let by_owner: AllAllowancesResponse = t.query(QueryMsg::AllAllowances {
        owner: alice.to_string(),
        start_after: None,
        limit: None,
    });
    assert!(by_owner.allowances.is_empty());
    let by_spender: AllSpenderAllowancesResponse = t.query(QueryMsg::AllSpenderAllowances {
        spender: bob.to_string(),
        start_after: None,
        limit: None,
    });
    assert!(by_spender.allowances.is_empty());
}

#[test]
fn own_account_and_expired_expirations_are_refused() {
    let mut t = Token::new();
    let (alice, bob) = (t.alice.clone(), t.bob.clone());
    let err = t
        .exec(
            &alice,
            ExecuteMsg::IncreaseAllowance {
                spender: alice.to_string(),
                amount: Uint128::new(1),
                expires: None,
            },
        )
        .unwrap_err();
    assert_eq!(err, ContractError::CannotSetOwnAccount);
    let past = Expiration::AtHeight(t.env.block.height);
    let err = t
        .exec(
            &alice,
            ExecuteMsg::IncreaseAllowance {
                spender: bob.to_string(),
                amount: Uint128::new(1),
                expires: Some(past),
            },
        )
        .unwrap_err();
    assert_eq!(err, ContractError::InvalidExpiration);
    let err = t
        .exec(
            &alice,
            ExecuteMsg::DecreaseAllowance {
                spender: bob.to_string(),
                amount: Uint128::new(1),
                expires: None,
            },
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::NoAllowance {
            owner: alice.to_string(),
            spender: bob.to_string()
        }
    );
}

#[test]
fn transfer_from_spends_allowance_and_refuses_beyond_it() {
    let mut t = Token::new();
    let (alice, bob, carol) = (t.alice.clone(), t.bob.clone(), t.carol.clone());
    t.exec(
        &alice,
        ExecuteMsg::IncreaseAllowance {
            spender: bob.to_string(),
            amount: Uint128::new(100),
            expires: None,
        },
    )
    .unwrap();
    let res = t
        .exec(
            &bob,
            ExecuteMsg::TransferFrom {
                owner: alice.to_string(),
                recipient: carol.to_string(),
                amount: Uint128::new(60),
            },
        )
        .unwrap();
    assert_eq!(attr(&res, "by"), bob.as_str());
    assert_eq!(t.balance(&alice), 540);
    assert_eq!(t.balance(&carol), 60);
    assert_eq!(allowance(&t, &alice, &bob).allowance, Uint128::new(40));

    let err = t
        .exec(
            &bob,
            ExecuteMsg::TransferFrom {
                owner: alice.to_string(),
                recipient: carol.to_string(),
                amount: Uint128::new(41),
            },
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::InsufficientAllowance {
            owner: alice.to_string(),
            spender: bob.to_string(),
            needed: Uint128::new(41),
            available: Uint128::new(40)
        }
    );
    // A stranger without allowance is refused.
    let err = t
        .exec(
            &carol,
            ExecuteMsg::TransferFrom {
                owner: alice.to_string(),
                recipient: carol.to_string(),
                amount: Uint128::new(1),
            },
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::NoAllowance { .. }));
    t.assert_ledger_balanced();
}

#[test]
fn allowance_larger_than_balance_still_cannot_overdraw() {
    let mut t = Token::new();
    let (bob, carol) = (t.bob.clone(), t.carol.clone());
    t.exec(
        &bob,
        ExecuteMsg::IncreaseAllowance {
            spender: carol.to_string(),
            amount: Uint128::new(10_000),
            expires: None,
        },
    )
    .unwrap();
    let err = t
        .exec(
            &carol,
            ExecuteMsg::TransferFrom {
                owner: bob.to_string(),
                recipient: carol.to_string(),
                amount: Uint128::new(401),
            },
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::InsufficientBalance { .. }));
    assert_eq!(t.balance(&bob), 400);
}

#[test]
fn expired_allowance_is_refused() {
    let mut t = Token::new();
    let (alice, bob) = (t.alice.clone(), t.bob.clone());
    let expires = Expiration::AtHeight(t.env.block.height + 10);
    t.exec(
        &alice,
        ExecuteMsg::IncreaseAllowance {
            spender: bob.to_string(),
            amount: Uint128::new(100),
            expires: Some(expires),
        },
    )
    .unwrap();
    t.env.block.height += 10;
    let err = t
        .exec(
            &bob,
            ExecuteMsg::TransferFrom {
                owner: alice.to_string(),
                recipient: bob.to_string(),
                amount: Uint128::new(1),
            },
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::AllowanceExpired {
            owner: alice.to_string(),
            spender: bob.to_string()
        }
    );
}

#[test]
fn send_from_and_burn_from_spend_allowance_and_record_the_owner_as_burner() {
    let mut t = Token::new();
    let (alice, bob) = (t.alice.clone(), t.bob.clone());
    let target = t.deps.api.addr_make("target");
    t.exec(
        &alice,
        ExecuteMsg::IncreaseAllowance {
            spender: bob.to_string(),
            amount: Uint128::new(100),
            expires: None,
        },
    )
    .unwrap();
    let res = t
        .exec(
            &bob,
            ExecuteMsg::SendFrom {
                owner: alice.to_string(),
                contract: target.to_string(),
                amount: Uint128::new(30),
                msg: cosmwasm_std::Binary::default(),
            },
        )
        .unwrap();
    assert_eq!(res.messages.len(), 1);
    assert_eq!(t.balance(&target), 30);

    let res = t
        .exec(
            &bob,
            ExecuteMsg::BurnFrom {
                owner: alice.to_string(),
                amount: Uint128::new(20),
            },
        )
        .unwrap();
    assert_eq!(attr(&res, "action"), "burn_from");
    assert_eq!(t.balance(&alice), 550);
    assert_eq!(allowance(&t, &alice, &bob).allowance, Uint128::new(50));
    let stats: BurnStatsResponse = t.query(QueryMsg::BurnStats {});
    assert_eq!(stats.cw20_burn_from, Uint128::new(20));
    assert_eq!(stats.cw20_burn, Uint128::zero());
    let burners: crate::msg::BurnersResponse = t.query(QueryMsg::Burners {
        start_after: None,
        limit: None,
    });
    assert_eq!(burners.burners[0].address, alice.to_string());
    t.assert_ledger_balanced();
}

#[test]
fn all_allowances_paginate_by_spender() {
    let mut t = Token::new();
    let alice = t.alice.clone();
    let mut spenders: Vec<_> = (0..12)
        .map(|i| t.deps.api.addr_make(&format!("spender{i}")))
        .collect();
    for s in &spenders {
        t.exec(
            &alice,
            ExecuteMsg::IncreaseAllowance {
                spender: s.to_string(),
                amount: Uint128::new(1),
                expires: None,
            },
        )
        .unwrap();
    }
    spenders.sort();
    let first: AllAllowancesResponse = t.query(QueryMsg::AllAllowances {
        owner: alice.to_string(),
        start_after: None,
        limit: None,
    });
    assert_eq!(first.allowances.len(), 10);
    let rest: AllAllowancesResponse = t.query(QueryMsg::AllAllowances {
        owner: alice.to_string(),
        start_after: Some(first.allowances[9].spender.clone()),
        limit: Some(100),
    });
    assert_eq!(rest.allowances.len(), 2);
    assert_eq!(rest.allowances[1].spender, spenders[11].to_string());
}
