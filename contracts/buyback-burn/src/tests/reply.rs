//! The reply and the in-flight marker in isolation (mock dependencies), and the guard's
//! arithmetic at its boundary values.

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};
use cosmwasm_std::{Binary, Decimal256, MsgResponse, Reply, SubMsgResponse, SubMsgResult, Uint128};
use osmosis_std::types::osmosis::poolmanager::v1beta1::MsgSwapExactAmountInResponse;

use super::config::valid_msg;
use crate::contract;
use crate::execute::buyback::{affordable, bounty, deviates, min_out, SWAP_REPLY_ID};
use crate::msg::ExecuteMsg;
use crate::state::{InFlight, IN_FLIGHT};
use crate::ContractError;

type Deps = cosmwasm_std::OwnedDeps<
    cosmwasm_std::MemoryStorage,
    cosmwasm_std::testing::MockApi,
    cosmwasm_std::testing::MockQuerier,
>;

fn instantiated() -> Deps {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let guardian = deps.api.addr_make("guardian");
    let msg = valid_msg(&deps.api, &owner, &guardian);
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    deps
}

fn in_flight(deps: &mut Deps) {
    let keeper = deps.api.addr_make("keeper");
    IN_FLIGHT
        .save(
            deps.as_mut().storage,
            &InFlight {
                denom: "uosmo".into(),
                keeper,
                amount_in: Uint128::new(1_000),
                min_out: Uint128::new(900),
                bounty: Uint128::new(2),
                twap_price: Decimal256::one(),
            },
        )
        .unwrap();
}

#[allow(deprecated)]
fn swap_reply(id: u64, msg_responses: Vec<MsgResponse>) -> Reply {
    Reply {
        id,
        payload: Binary::default(),
        gas_used: 0,
        result: SubMsgResult::Ok(SubMsgResponse {
            events: vec![],
            data: None,
            msg_responses,
        }),
    }
}

fn swap_response(out: &str) -> MsgResponse {
    MsgResponse {
        type_url: MsgSwapExactAmountInResponse::TYPE_URL.into(),
        value: MsgSwapExactAmountInResponse {
            token_out_amount: out.into(),
        }
        .into(),
    }
}

#[test]
fn a_buyback_while_one_is_in_flight_is_refused() {
    let mut deps = instantiated();
    in_flight(&mut deps);
    let keeper = deps.api.addr_make("keeper");
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&keeper, &[]),
        ExecuteMsg::Buyback {
            denom: "uakt".into(),
            limit: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::BuybackInFlight {
            denom: "uosmo".into()
        }
    );
}

#[test]
fn reply_refuses_unknown_ids_missing_state_and_bad_responses() {
    let mut deps = instantiated();
    let env = mock_env();
    assert_eq!(
        contract::reply(deps.as_mut(), env.clone(), swap_reply(7, vec![])).unwrap_err(),
        ContractError::UnknownReply { id: 7 }
    );
    assert_eq!(
        contract::reply(
            deps.as_mut(),
            env.clone(),
            swap_reply(SWAP_REPLY_ID, vec![swap_response("950")])
        )
        .unwrap_err(),
        ContractError::NoBuybackInFlight
    );
    in_flight(&mut deps);
    let err = contract::reply(
        deps.as_mut(),
        env.clone(),
        swap_reply(
            SWAP_REPLY_ID,
            vec![MsgResponse {
                type_url: MsgSwapExactAmountInResponse::TYPE_URL.into(),
                value: Binary::new(vec![0xff, 0xff]),
            }],
        ),
    )
    .unwrap_err();
    assert!(
        matches!(err, ContractError::BadSwapResponse { .. }),
        "{err:?}"
    );
    // (a failed reply reverts on chain; the mock storage does not, so mark it again)
    in_flight(&mut deps);
    let err = contract::reply(
        deps.as_mut(),
        env.clone(),
        swap_reply(SWAP_REPLY_ID, vec![]),
    )
    .unwrap_err();
    assert!(
        matches!(err, ContractError::BadSwapResponse { .. }),
        "{err:?}"
    );
    in_flight(&mut deps);
    assert_eq!(
        contract::reply(
            deps.as_mut(),
            env,
            swap_reply(SWAP_REPLY_ID, vec![swap_response("899")])
        )
        .unwrap_err(),
        ContractError::SwapBelowMin {
            spice_out: Uint128::new(899),
            min_out: Uint128::new(900)
        }
    );
}

#[test]
fn reply_burns_what_the_swap_returned_pays_the_bounty_and_clears_the_marker() {
    let mut deps = instantiated();
    in_flight(&mut deps);
    let res = contract::reply(
        deps.as_mut(),
        mock_env(),
        swap_reply(SWAP_REPLY_ID, vec![swap_response("950")]),
    )
    .unwrap();
    assert!(IN_FLIGHT.may_load(&deps.storage).unwrap().is_none());
    assert_eq!(res.messages.len(), 2);
    match &res.messages[0].msg {
        cosmwasm_std::CosmosMsg::Wasm(cosmwasm_std::WasmMsg::Execute { msg, funds, .. }) => {
            assert_eq!(msg.as_slice(), br#"{"burn_native":{}}"#);
            assert_eq!(funds[0].amount, Uint128::new(950));
        }
        other => panic!("unexpected {other:?}"),
    }
    match &res.messages[1].msg {
        cosmwasm_std::CosmosMsg::Bank(cosmwasm_std::BankMsg::Send { amount, .. }) => {
            assert_eq!(amount, &cosmwasm_std::coins(2, "uosmo"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(res.events[0].ty, "spice.buyback.buyback");
}

#[test]
fn min_out_rounds_up_at_the_boundaries() {
    let two_pct = Decimal256::percent(2);
    let one = Decimal256::one();
    assert_eq!(
        min_out(Uint128::zero(), &[one], two_pct).unwrap(),
        Uint128::zero()
    );
    // 1 × 0.98 = 0.98 -> 1 (rounded down it would be 0: no protection at all)
    assert_eq!(
        min_out(Uint128::one(), &[one], two_pct).unwrap(),
        Uint128::one()
    );
    assert_eq!(
        min_out(Uint128::new(100), &[one], two_pct).unwrap(),
        Uint128::new(98)
    );
    // 101 × 0.98 = 98.98 -> 99
    assert_eq!(
        min_out(Uint128::new(101), &[one], two_pct).unwrap(),
        Uint128::new(99)
    );
    // two hops compose: 1,000 × 2 × 0.5 × 0.98 = 980
    let two = Decimal256::from_ratio(2u8, 1u8);
    let half = Decimal256::percent(50);
    assert_eq!(
        min_out(Uint128::new(1_000), &[two, half], two_pct).unwrap(),
        Uint128::new(980)
    );
    assert_eq!(
        min_out(Uint128::MAX, &[one], Decimal256::zero()).unwrap(),
        Uint128::MAX
    );
    // more than u128 of SPICE: an error, never a wrap
    assert!(matches!(
        min_out(Uint128::MAX, &[two], Decimal256::zero()),
        Err(ContractError::ConversionOverflow(_))
    ));
}

#[test]
fn affordable_and_bounty_round_against_the_keeper_at_the_boundaries() {
    assert_eq!(affordable(Uint128::zero(), 20).unwrap(), Uint128::zero());
    assert_eq!(affordable(Uint128::one(), 20).unwrap(), Uint128::zero());
    assert_eq!(affordable(Uint128::one(), 0).unwrap(), Uint128::one());
    assert_eq!(
        affordable(Uint128::new(1_002), 20).unwrap(),
        Uint128::new(1_000)
    );
    let max = affordable(Uint128::MAX, 500).unwrap();
    assert!(max + bounty(max, 500).unwrap() <= Uint128::MAX);
    assert_eq!(bounty(Uint128::zero(), 20).unwrap(), Uint128::zero());
    assert_eq!(bounty(Uint128::new(499), 20).unwrap(), Uint128::zero());
    assert_eq!(bounty(Uint128::new(500), 20).unwrap(), Uint128::one());
    assert_eq!(
        bounty(Uint128::MAX, 500).unwrap(),
        Uint128::MAX.multiply_ratio(500u128, 10_000u128)
    );
}

#[test]
fn spot_on_the_band_edge_passes_and_one_atom_beyond_is_refused() {
    let twap = Decimal256::one();
    let max = Decimal256::percent(3);
    let edge_up = Decimal256::percent(103);
    let edge_down = Decimal256::percent(97);
    let atom = Decimal256::new(1u128.into());
    assert!(!deviates(edge_up, twap, max));
    assert!(!deviates(edge_down, twap, max));
    assert!(deviates(edge_up + atom, twap, max));
    assert!(deviates(edge_down - atom, twap, max));
    assert!(!deviates(twap, twap, Decimal256::zero()));
}
