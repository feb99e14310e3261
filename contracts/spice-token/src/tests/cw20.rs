use cosmwasm_std::{coin, from_json, to_json_binary, Binary, CosmosMsg, Uint128, WasmMsg};
use cw20::{Cw20ReceiveMsg, MinterResponse, TokenInfoResponse};

use super::helpers::{attr, Token, CAP};
use crate::msg::{BurnStatsResponse, BurnersResponse, ExecuteMsg, QueryMsg};
use crate::ContractError;

#[test]
fn transfer_moves_balance_with_cw20_base_attributes() {
    let mut t = Token::new();
    let (alice, carol) = (t.alice.clone(), t.carol.clone());
    let res = t
        .exec(
            &alice,
            ExecuteMsg::Transfer {
                recipient: carol.to_string(),
                amount: Uint128::new(250),
            },
        )
        .unwrap();
    assert_eq!(attr(&res, "action"), "transfer");
    assert_eq!(attr(&res, "from"), alice.as_str());
    assert_eq!(attr(&res, "to"), carol.as_str());
    assert_eq!(attr(&res, "amount"), "250");
    assert_eq!(t.balance(&alice), 350);
    assert_eq!(t.balance(&carol), 250);
    t.assert_ledger_balanced();
}

#[test]
fn transfer_of_whole_balance_removes_the_account_from_listings() {
    let mut t = Token::new();
    let (alice, bob) = (t.alice.clone(), t.bob.clone());
    t.exec(
        &alice,
        ExecuteMsg::Transfer {
            recipient: bob.to_string(),
            amount: Uint128::new(600),
        },
    )
    .unwrap();
    assert_eq!(t.balance(&alice), 0);
    let accounts: cw20::AllAccountsResponse = t.query(QueryMsg::AllAccounts {
        start_after: None,
        limit: None,
    });
    assert_eq!(accounts.accounts, vec![bob.to_string()]);
}

#[test]
fn transfer_refuses_overdraft_zero_and_bad_recipient() {
    let mut t = Token::new();
    let (alice, carol) = (t.alice.clone(), t.carol.clone());
    let err = t
        .exec(
            &alice,
            ExecuteMsg::Transfer {
                recipient: carol.to_string(),
                amount: Uint128::new(601),
            },
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::InsufficientBalance {
            address: alice.to_string(),
            needed: Uint128::new(601),
            available: Uint128::new(600)
        }
    );
    let err = t
        .exec(
            &alice,
            ExecuteMsg::Transfer {
                recipient: carol.to_string(),
                amount: Uint128::zero(),
            },
        )
        .unwrap_err();
    assert_eq!(err, ContractError::InvalidZeroAmount);
    for bad in ["", "carol", &carol.as_str().to_uppercase()] {
        let err = t
            .exec(
                &alice,
                ExecuteMsg::Transfer {
                    recipient: bad.to_string(),
                    amount: Uint128::new(1),
                },
            )
            .unwrap_err();
        assert!(matches!(err, ContractError::Std(_)), "{bad}: {err:?}");
    }
    assert_eq!(t.balance(&alice), 600);
}

#[test]
fn funds_attached_to_a_cw20_message_are_refused() {
    let mut t = Token::new();
    let alice = t.alice.clone();
    let err = t
        .exec_with(
            &alice,
            &[coin(5, "uosmo")],
            ExecuteMsg::Transfer {
                recipient: t.bob.to_string(),
                amount: Uint128::new(1),
            },
        )
        .unwrap_err();
    assert_eq!(err, ContractError::UnexpectedFunds);
}

#[test]
fn send_credits_contract_and_calls_its_receive_hook() {
    let mut t = Token::new();
    let alice = t.alice.clone();
    let vault = t.deps.api.addr_make("vault");
    let payload = to_json_binary(&"stake").unwrap();
    let res = t
        .exec(
            &alice,
            ExecuteMsg::Send {
                contract: vault.to_string(),
                amount: Uint128::new(100),
                msg: payload.clone(),
            },
        )
        .unwrap();
    assert_eq!(t.balance(&vault), 100);
    assert_eq!(res.messages.len(), 1);
    match &res.messages[0].msg {
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr, msg, ..
        }) => {
            assert_eq!(contract_addr, vault.as_str());
            #[derive(serde::Deserialize)]
            #[serde(rename_all = "snake_case")]
            enum Hook {
                Receive(Cw20ReceiveMsg),
            }
            let Hook::Receive(received) = from_json::<Hook>(msg).unwrap();
            assert_eq!(
                received,
                Cw20ReceiveMsg {
                    sender: alice.to_string(),
                    amount: Uint128::new(100),
                    msg: payload
                }
            );
        }
        other => panic!("unexpected message {other:?}"),
    }
}

#[test]
fn burn_reduces_supply_and_records_the_burner() {
    let mut t = Token::new();
    let alice = t.alice.clone();
    let res = t
        .exec(
            &alice,
            ExecuteMsg::Burn {
                amount: Uint128::new(100),
            },
        )
        .unwrap();
    assert_eq!(attr(&res, "action"), "burn");
    assert_eq!(attr(&res, "burner_total"), "100");
    t.exec(
        &alice,
        ExecuteMsg::Burn {
            amount: Uint128::new(50),
        },
    )
    .unwrap();

    let supply = t.supply();
    assert_eq!(supply.burned, Uint128::new(150));
    assert_eq!(supply.cw20_supply, Uint128::new(850));
    assert_eq!(supply.minted, Uint128::new(1_000));
    let stats: BurnStatsResponse = t.query(QueryMsg::BurnStats {});
    assert_eq!(stats.cw20_burn, Uint128::new(150));
    assert_eq!(stats.total, Uint128::new(150));
    let burners: BurnersResponse = t.query(QueryMsg::Burners {
        start_after: None,
        limit: None,
    });
    assert_eq!(burners.burners.len(), 1);
    assert_eq!(burners.burners[0].address, alice.to_string());
    assert_eq!(burners.burners[0].burned, Uint128::new(150));
    let info: TokenInfoResponse = t.query(QueryMsg::TokenInfo {});
    assert_eq!(info.total_supply, Uint128::new(850));
    t.assert_ledger_balanced();
}

#[test]
fn burn_more_than_balance_is_refused() {
    let mut t = Token::new();
    let bob = t.bob.clone();
    let err = t
        .exec(
            &bob,
            ExecuteMsg::Burn {
                amount: Uint128::new(401),
            },
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::InsufficientBalance { .. }));
    assert_eq!(t.supply().burned, Uint128::zero());
}

#[test]
fn minting_exactly_to_the_cap_passes_and_one_more_fails() {
    let mut t = Token::new();
    let (minter, carol) = (t.minter.clone(), t.carol.clone());
    let room = CAP - 1_000;
    let res = t
        .exec(
            &minter,
            ExecuteMsg::Mint {
                recipient: carol.to_string(),
                amount: Uint128::new(room),
            },
        )
        .unwrap();
    assert_eq!(attr(&res, "action"), "mint");
    assert_eq!(t.supply().minted, Uint128::new(CAP));
    let err = t
        .exec(
            &minter,
            ExecuteMsg::Mint {
                recipient: carol.to_string(),
                amount: Uint128::one(),
            },
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::CannotExceedCap {
            amount: Uint128::one(),
            would_be: Uint128::new(CAP + 1),
            cap: Uint128::new(CAP)
        }
    );
    t.assert_ledger_balanced();
}

#[test]
fn burning_frees_no_room_to_mint_again() {
    let mut t = Token::new();
    let (minter, carol) = (t.minter.clone(), t.carol.clone());
    t.exec(
        &minter,
        ExecuteMsg::Mint {
            recipient: carol.to_string(),
            amount: Uint128::new(CAP - 1_000),
        },
    )
    .unwrap();
    t.exec(
        &carol,
        ExecuteMsg::Burn {
            amount: Uint128::new(500),
        },
    )
    .unwrap();
    // cw20-base would allow minting 500 again here; SPICE's cap counts everything ever minted.
    let err = t
        .exec(
            &minter,
            ExecuteMsg::Mint {
                recipient: carol.to_string(),
                amount: Uint128::new(500),
            },
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::CannotExceedCap { .. }));
    t.assert_ledger_balanced();
}

#[test]
fn only_the_minter_mints_and_renouncing_is_final() {
    let mut t = Token::new();
    let (minter, alice, owner) = (t.minter.clone(), t.alice.clone(), t.owner.clone());
    let mint = ExecuteMsg::Mint {
        recipient: alice.to_string(),
        amount: Uint128::new(1),
    };
    for stranger in [&alice, &owner] {
        let err = t.exec(stranger, mint.clone()).unwrap_err();
        assert_eq!(
            err,
            ContractError::NotMinter {
                sender: stranger.to_string()
            }
        );
    }
    let err = t
        .exec(
            &alice,
            ExecuteMsg::UpdateMinter {
                new_minter: Some(alice.to_string()),
            },
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::NotMinter { .. }));

    t.exec(&minter, ExecuteMsg::UpdateMinter { new_minter: None })
        .unwrap();
    let minter_info: Option<MinterResponse> = t.query(QueryMsg::Minter {});
    assert_eq!(minter_info, None);
    assert_eq!(t.exec(&minter, mint).unwrap_err(), ContractError::NoMinter);
    assert_eq!(
        t.exec(
            &minter,
            ExecuteMsg::UpdateMinter {
                new_minter: Some(minter.to_string())
            }
        )
        .unwrap_err(),
        ContractError::NoMinter
    );
}

#[test]
fn minter_hands_over_and_the_cap_stays() {
    let mut t = Token::new();
    let (minter, alice) = (t.minter.clone(), t.alice.clone());
    t.exec(
        &minter,
        ExecuteMsg::UpdateMinter {
            new_minter: Some(alice.to_string()),
        },
    )
    .unwrap();
    let info: Option<MinterResponse> = t.query(QueryMsg::Minter {});
    assert_eq!(
        info,
        Some(MinterResponse {
            minter: alice.to_string(),
            cap: Some(Uint128::new(CAP))
        })
    );
    assert!(t
        .exec(
            &minter,
            ExecuteMsg::Mint {
                recipient: alice.to_string(),
                amount: Uint128::one()
            }
        )
        .is_err());
    t.exec(
        &alice,
        ExecuteMsg::Mint {
            recipient: alice.to_string(),
            amount: Uint128::one(),
        },
    )
    .unwrap();
    assert_eq!(t.balance(&alice), 601);
}

#[test]
fn pause_stops_minting_but_never_transfers_or_burns() {
    let mut t = Token::new();
    let (owner, minter, alice, bob) = (
        t.owner.clone(),
        t.minter.clone(),
        t.alice.clone(),
        t.bob.clone(),
    );
    t.exec(&owner, ExecuteMsg::Pause {}).unwrap();
    let err = t
        .exec(
            &minter,
            ExecuteMsg::Mint {
                recipient: alice.to_string(),
                amount: Uint128::one(),
            },
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::Governance(_)));
    t.exec(
        &alice,
        ExecuteMsg::Transfer {
            recipient: bob.to_string(),
            amount: Uint128::new(10),
        },
    )
    .unwrap();
    t.exec(
        &alice,
        ExecuteMsg::Burn {
            amount: Uint128::new(10),
        },
    )
    .unwrap();
    assert_eq!(t.balance(&alice), 580);
}

#[test]
fn burners_paginate_in_address_order_with_capped_limit() {
    let mut t = Token::new();
    let minter = t.minter.clone();
    let mut burners: Vec<_> = (0..35)
        .map(|i| t.deps.api.addr_make(&format!("burner{i}")))
        .collect();
    for b in &burners {
        t.exec(
            &minter,
            ExecuteMsg::Mint {
                recipient: b.to_string(),
                amount: Uint128::new(2),
            },
        )
        .unwrap();
        t.exec(
            b,
            ExecuteMsg::Burn {
                amount: Uint128::one(),
            },
        )
        .unwrap();
    }
    burners.sort();
    let page: BurnersResponse = t.query(QueryMsg::Burners {
        start_after: None,
        limit: Some(1_000),
    });
    assert_eq!(page.burners.len(), 30);
    assert_eq!(page.burners[0].address, burners[0].to_string());
    let rest: BurnersResponse = t.query(QueryMsg::Burners {
        start_after: Some(page.burners[29].address.clone()),
        limit: None,
    });
    assert_eq!(rest.burners.len(), 5);
    assert_eq!(rest.burners[4].address, burners[34].to_string());
    let default_page: BurnersResponse = t.query(QueryMsg::Burners {
        start_after: None,
        limit: None,
    });
    assert_eq!(default_page.burners.len(), 10);
}

#[test]
fn send_payload_is_passed_through_byte_for_byte() {
    let mut t = Token::new();
    let alice = t.alice.clone();
    let target = t.deps.api.addr_make("target");
    let payload = Binary::from(vec![0u8, 255, 7]);
    let res = t
        .exec(
            &alice,
            ExecuteMsg::Send {
                contract: target.to_string(),
                amount: Uint128::new(1),
                msg: payload.clone(),
            },
        )
        .unwrap();
    let CosmosMsg::Wasm(WasmMsg::Execute { msg, funds, .. }) = &res.messages[0].msg else {
        panic!("expected a wasm execute");
    };
    assert!(funds.is_empty());
    let json: serde_json_wasm_value::Value = from_json(msg).unwrap();
    assert_eq!(json.receive.msg, payload);
}

mod serde_json_wasm_value {
    use cosmwasm_std::{Binary, Uint128};
    #[derive(serde::Deserialize)]
    pub struct Inner {
        pub msg: Binary,
        #[allow(dead_code)]
        pub amount: Uint128,
    }
    #[derive(serde::Deserialize)]
    pub struct Value {
        pub receive: Inner,
    }
}
