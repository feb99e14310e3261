//! Scenario tests of the IBC transfer (with ibc-hooks callbacks) and concentrated-liquidity
//! position emulation, driven by a tiny contract as a real sender would be.

use cosmwasm_std::{
    coin, coins, from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo,
    Reply, Response, StdError, StdResult, SubMsg, Uint128,
};
use cw_multi_test::{ContractWrapper, Executor};
use cw_storage_plus::Item;
use osmosis_std::types::ibc::applications::transfer::v1 as ics20;
use osmosis_std::types::osmosis::concentratedliquidity::v1beta1 as cl;
use prost::Message;

use crate::*;

const AKT: &str = "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4";
const OSMO: &str = "uosmo";
const RECEIVER: &str = "akash1q7spgzqdk5tt8ykcalcn3wmh4fqx6aqvnnyk5h";

/// Sends what it receives over ICS-20 (memo as given), reads the sequence in `reply`, records
/// every `sudo` it gets, and fails its `sudo` while `fail` is set. Also collects CL rewards.
mod hooked {
    use super::*;
    use cosmwasm_schema::cw_serde;

    #[cw_serde]
    pub enum ExecMsg {
        Send {
            channel: String,
            memo: String,
            timeout_seconds: u64,
        },
        SetFail {
            fail: bool,
        },
        Collect {
            position_ids: Vec<u64>,
        },
    }

    #[cw_serde]
    #[derive(Default)]
    pub struct State {
        pub sequences: Vec<u64>,
        pub sudo: Vec<String>,
        pub fail: bool,
        pub collected: Vec<String>,
    }

    pub const STATE: Item<State> = Item::new("s");

    pub fn instantiate(deps: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
        STATE.save(deps.storage, &State::default())?;
        Ok(Response::new())
    }

    pub fn execute(
        deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: ExecMsg,
    ) -> StdResult<Response> {
        match msg {
            ExecMsg::Send {
                channel,
                memo,
                timeout_seconds,
            } => {
                let token = info.funds[0].clone();
                let transfer = ics20::MsgTransfer {
                    source_port: "transfer".into(),
                    source_channel: channel,
                    token: Some(token.into()),
                    sender: env.contract.address.to_string(),
                    receiver: RECEIVER.into(),
                    timeout_height: None,
                    timeout_timestamp: env.block.time.plus_seconds(timeout_seconds).nanos(),
                    memo,
                };
                Ok(Response::new().add_submessage(SubMsg::reply_on_success(
                    any_msg(ics20::MsgTransfer::TYPE_URL, &transfer),
                    1,
                )))
            }
            ExecMsg::SetFail { fail } => {
                STATE.update(deps.storage, |mut s| -> StdResult<_> {
                    s.fail = fail;
                    Ok(s)
                })?;
                Ok(Response::new())
            }
            ExecMsg::Collect { position_ids } => {
                let sender = env.contract.address.to_string();
                let spread = cl::MsgCollectSpreadRewards {
                    position_ids: position_ids.clone(),
                    sender: sender.clone(),
                };
                let incentives = cl::MsgCollectIncentives {
                    position_ids,
                    sender,
                };
                Ok(Response::new()
                    .add_submessage(SubMsg::reply_on_success(
                        any_msg(cl::MsgCollectSpreadRewards::TYPE_URL, &spread),
                        2,
                    ))
                    .add_submessage(SubMsg::reply_on_success(
                        any_msg(cl::MsgCollectIncentives::TYPE_URL, &incentives),
                        3,
                    )))
            }
        }
    }

    pub fn reply(deps: DepsMut, _: Env, reply: Reply) -> StdResult<Response> {
        let response = reply.result.into_result().map_err(StdError::generic_err)?;
        let value = response.msg_responses[0].value.clone();
        let mut state = STATE.load(deps.storage)?;
        let err = |e: prost::DecodeError| StdError::generic_err(e.to_string());
        match reply.id {
            1 => {
                let decoded = ics20::MsgTransferResponse::decode(value.as_slice()).map_err(err)?;
                state.sequences.push(decoded.sequence);
            }
            2 => {
                let decoded =
                    cl::MsgCollectSpreadRewardsResponse::decode(value.as_slice()).map_err(err)?;
                for c in decoded.collected_spread_rewards {
                    state
                        .collected
                        .push(format!("spread:{}{}", c.amount, c.denom));
                }
            }
            _ => {
                let decoded =
                    cl::MsgCollectIncentivesResponse::decode(value.as_slice()).map_err(err)?;
                for c in decoded.collected_incentives {
                    state
                        .collected
                        .push(format!("incentive:{}{}", c.amount, c.denom));
                }
            }
        }
        STATE.save(deps.storage, &state)?;
        Ok(Response::new())
    }

    pub fn sudo(deps: DepsMut, _: Env, msg: serde_json::Value) -> StdResult<Response> {
        let mut state = STATE.load(deps.storage)?;
        if state.fail {
            return Err(StdError::generic_err("sudo refused"));
        }
        state.sudo.push(msg.to_string());
        STATE.save(deps.storage, &state)?;
        Ok(Response::new())
    }

    pub fn query(deps: Deps, _: Env, _: Empty) -> StdResult<Binary> {
        to_json_binary(&STATE.load(deps.storage)?)
    }
}

struct Suite {
    app: OsmosisApp,
    contract: Addr,
    user: Addr,
}

impl Suite {
    fn new() -> Self {
        let mut app = osmosis_app();
        let user = app.api().addr_make("user");
        let code = app.store_code(Box::new(
            ContractWrapper::new(hooked::execute, hooked::instantiate, hooked::query)
                .with_reply(hooked::reply)
                .with_sudo(hooked::sudo),
        ));
        let contract = app
            .instantiate_contract(code, user.clone(), &Empty {}, &[], "hooked", None)
            .unwrap();
        fund(&mut app, &user, coins(1_000_000, AKT)).unwrap();
        Suite {
            app,
            contract,
            user,
        }
    }

    fn send(&mut self, amount: u128, channel: &str, memo: &str) -> anyhow::Result<()> {
        self.app.execute_contract(
            self.user.clone(),
            self.contract.clone(),
            &hooked::ExecMsg::Send {
                channel: channel.into(),
                memo: memo.into(),
                timeout_seconds: 600,
            },
            &coins(amount, AKT),
        )?;
        Ok(())
    }

    fn callback_memo(&self) -> String {
        format!(r#"{{"ibc_callback":"{}"}}"#, self.contract)
    }

    fn state(&self) -> hooked::State {
        self.app
            .wrap()
            .query_wasm_smart(&self.contract, &Empty {})
            .unwrap()
    }

    fn balance(&self, who: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(who, denom)
            .unwrap()
            .amount
            .u128()
    }
}

fn sudo_json(s: &Suite) -> Vec<serde_json::Value> {
    s.state()
        .sudo
        .iter()
        .map(|m| serde_json::from_str(m).unwrap())
        .collect()
}

#[test]
fn transfer_escrows_at_the_ibc_go_escrow_address_with_sequences_per_channel() {
    let mut s = Suite::new();
    let memo = s.callback_memo();
    s.send(1_000, "channel-1", &memo).unwrap();
    s.send(2_000, "channel-1", &memo).unwrap();
    s.send(3_000, "channel-7", "").unwrap();
    // The reply read MsgTransferResponse.sequence: 1 and 2 on channel-1, 1 on channel-7.
    assert_eq!(s.state().sequences, vec![1, 2, 1]);
    let escrow = ibc_escrow_address(&s.app, "channel-1");
    assert_eq!(s.balance(&escrow, AKT), 3_000);
    assert_eq!(
        s.balance(&ibc_escrow_address(&s.app, "channel-7"), AKT),
        3_000
    );
    assert_eq!(s.balance(&s.contract.clone(), AKT), 0);
    // ibc-go's GetEscrowAddress: sha256("ics20-1" ‖ 0 ‖ "transfer/channel-0")[..20].
    let api = cosmwasm_std::testing::MockApi::default().with_prefix("osmo");
    assert_eq!(
        ibc_transfer::escrow_address(&api, "transfer", "channel-0")
            .unwrap()
            .as_str(),
        "osmo1a53udazy8ayufvy0s434pfwjcedzqv347h34au"
    );
    let packet = ibc_sent_packet(&s.app, "channel-1", 2).unwrap();
    assert_eq!(packet.coin, coin(2_000, AKT));
    assert_eq!(packet.callback, Some(s.contract.clone()));
    assert_eq!(packet.receiver, RECEIVER);
    assert_eq!(
        ibc_sent_packet(&s.app, "channel-7", 1).unwrap().callback,
        None
    );
    assert_eq!(ibc_pending_packets(&s.app).len(), 3);
}

#[test]
fn success_ack_keeps_funds_escrowed_and_calls_back_with_ibc_hooks_json() {
    let mut s = Suite::new();
    let memo = s.callback_memo();
    s.send(1_000, "channel-1", &memo).unwrap();
    relay_ack(&mut s.app, "channel-1", 1).unwrap();
    // ack: the bytes {"result":"AQ=="} as Go's json.Marshal([]byte) writes them
    assert_eq!(
        sudo_json(&s),
        vec![serde_json::json!({"ibc_lifecycle_complete": {"ibc_ack": {
            "channel": "channel-1", "sequence": 1, "ack": "eyJyZXN1bHQiOiJBUT09In0=", "success": true
        }}})]
    );
    assert_eq!(
        s.balance(&ibc_escrow_address(&s.app, "channel-1"), AKT),
        1_000
    );
    assert_eq!(s.balance(&s.contract.clone(), AKT), 0);
    // relayed once: a second ack finds no commitment
    let err = relay_ack(&mut s.app, "channel-1", 1).unwrap_err();
    assert!(err
        .root_cause()
        .to_string()
        .contains("packet commitment not found"));
    assert!(ibc_pending_packets(&s.app).is_empty());
}

#[test]
fn error_ack_refunds_the_sender_before_the_callback() {
    let mut s = Suite::new();
    let memo = s.callback_memo();
    s.send(1_000, "channel-1", &memo).unwrap();
    relay_error_ack(&mut s.app, "channel-1", 1, "insufficient funds").unwrap();
    let sudo = &s.state().sudo[0];
    let parsed: serde_json::Value = serde_json::from_str(sudo).unwrap();
    let ack = &parsed["ibc_lifecycle_complete"]["ibc_ack"];
    assert_eq!(ack["success"], false);
    assert_eq!(ack["sequence"], 1);
    let bytes = Binary::from_base64(ack["ack"].as_str().unwrap()).unwrap();
    assert_eq!(bytes.as_slice(), br#"{"error":"insufficient funds"}"#);
    assert_eq!(s.balance(&s.contract.clone(), AKT), 1_000);
    assert_eq!(s.balance(&ibc_escrow_address(&s.app, "channel-1"), AKT), 0);
}

#[test]
fn timeout_is_refused_before_it_passes_then_refunds_and_calls_back() {
    let mut s = Suite::new();
    let memo = s.callback_memo();
    s.send(1_000, "channel-1", &memo).unwrap();
    let err = relay_timeout(&mut s.app, "channel-1", 1).unwrap_err();
    assert!(err.root_cause().to_string().contains("timeout not reached"));
    advance_time(&mut s.app, 600);
    relay_timeout(&mut s.app, "channel-1", 1).unwrap();
    assert_eq!(
        sudo_json(&s),
        vec![
            serde_json::json!({"ibc_lifecycle_complete": {"ibc_timeout": {
                "channel": "channel-1", "sequence": 1
            }}})
        ]
    );
    assert_eq!(s.balance(&s.contract.clone(), AKT), 1_000);
}

#[test]
fn failing_callback_fails_the_relay_and_reverts_the_refund() {
    let mut s = Suite::new();
    let memo = s.callback_memo();
    s.send(1_000, "channel-1", &memo).unwrap();
    let (user, contract) = (s.user.clone(), s.contract.clone());
    s.app
        .execute_contract(
            user.clone(),
            contract.clone(),
            &hooked::ExecMsg::SetFail { fail: true },
            &[],
        )
        .unwrap();
    let err = relay_error_ack(&mut s.app, "channel-1", 1, "nope").unwrap_err();
    assert!(
        err.to_string().contains("Ack callback error")
            || err.root_cause().to_string().contains("sudo refused")
    );
    assert_eq!(s.balance(&contract, AKT), 0);
    assert!(ibc_sent_packet(&s.app, "channel-1", 1).is_some());
    // the relayer retries once the contract accepts
    s.app
        .execute_contract(
            user,
            contract.clone(),
            &hooked::ExecMsg::SetFail { fail: false },
            &[],
        )
        .unwrap();
    relay_error_ack(&mut s.app, "channel-1", 1, "nope").unwrap();
    assert_eq!(s.balance(&contract, AKT), 1_000);
}

#[test]
fn failing_timeout_callback_is_swallowed_the_refund_stays_and_the_callback_is_gone() {
    let mut s = Suite::new();
    let memo = s.callback_memo();
    s.send(1_000, "channel-1", &memo).unwrap();
    s.send(500, "channel-1", &memo).unwrap();
    let (user, contract) = (s.user.clone(), s.contract.clone());
    advance_time(&mut s.app, 3_600);
    // Control: a callback that succeeds is called and the refund arrives.
    relay_timeout(&mut s.app, "channel-1", 1).unwrap();
    assert_eq!(sudo_json(&s).len(), 1);
    assert_eq!(s.balance(&contract, AKT), 1_000);

    s.app
        .execute_contract(
            user,
            contract.clone(),
            &hooked::ExecMsg::SetFail { fail: true },
            &[],
        )
        .unwrap();
    let before = s.state();
    // ibc-hooks' OnTimeoutPacketOverride: the relay succeeds despite the contract's error
    let res = relay_timeout(&mut s.app, "channel-1", 2).unwrap();
    let event = res
        .events
        .iter()
        .find(|e| e.ty == "ibc-timeout-callback-error")
        .expect("the error is reported in an event");
    let attr = |key: &str| {
        event
            .attributes
            .iter()
            .find(|a| a.key == key)
            .map(|a| a.value.clone())
            .unwrap()
    };
    assert_eq!(attr("contract"), contract.to_string());
    assert_eq!(
        attr("message"),
        r#"{"ibc_lifecycle_complete": {"ibc_timeout": {"channel": "channel-1", "sequence": 2}}}"#
    );
    assert!(attr("error").contains("sudo refused"), "{}", attr("error"));
    // the refund stays; the contract's state is as before; the packet and its callback are gone
    assert_eq!(s.balance(&contract, AKT), 1_500);
    assert_eq!(s.state(), before);
    assert!(ibc_sent_packet(&s.app, "channel-1", 2).is_none());
    relay_timeout(&mut s.app, "channel-1", 2).unwrap_err();
}

#[test]
fn transfers_without_a_valid_callback_or_with_bad_fields_behave_like_the_chain() {
    let mut s = Suite::new();
    // not JSON, or an invalid address: the packet goes, no callback is registered
    s.send(10, "channel-1", "hello").unwrap();
    s.send(10, "channel-1", r#"{"ibc_callback":"not-an-address"}"#)
        .unwrap();
    relay_error_ack(&mut s.app, "channel-1", 1, "x").unwrap();
    relay_timeout(&mut s.app, "channel-1", 2).unwrap_err();
    assert!(s.state().sudo.is_empty());
    assert_eq!(s.balance(&s.contract.clone(), AKT), 10);

    let err = s.send(10, "chan-1", "").unwrap_err();
    assert!(err
        .root_cause()
        .to_string()
        .contains("invalid channel identifier"));
    // a signer that is not the sender
    let user = s.user.clone();
    let msg = ics20::MsgTransfer {
        source_port: "transfer".into(),
        source_channel: "channel-1".into(),
        token: Some(coin(5, AKT).into()),
        sender: s.contract.to_string(),
        receiver: RECEIVER.into(),
        timeout_height: None,
        timeout_timestamp: 0,
        memo: String::new(),
    };
    let err = s
        .app
        .execute(user.clone(), any_msg(ics20::MsgTransfer::TYPE_URL, &msg))
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("unauthorized"));
    // no timeout at all
    let msg = ics20::MsgTransfer {
        sender: user.to_string(),
        ..msg
    };
    let err = s
        .app
        .execute(user, any_msg(ics20::MsgTransfer::TYPE_URL, &msg))
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("cannot both be 0"));
}

#[test]
fn cl_positions_pay_accrued_rewards_to_their_owner_once() {
    let mut s = Suite::new();
    let contract = s.contract.clone();
    let user = s.user.clone();
    let mine = create_cl_position(&mut s.app, &contract, 1_066).unwrap();
    let theirs = create_cl_position(&mut s.app, &user, 1_066).unwrap();
    assert_eq!((mine, theirs), (1, 2));
    accrue_cl_rewards(
        &mut s.app,
        mine,
        vec![coin(300, OSMO), coin(7, AKT)],
        vec![coin(50, OSMO)],
    )
    .unwrap();
    accrue_cl_rewards(&mut s.app, mine, vec![coin(200, OSMO)], vec![]).unwrap();
    assert_eq!(
        cl_position(&s.app, mine).unwrap().spread_rewards,
        vec![coin(7, AKT), coin(500, OSMO)]
    );

    s.app
        .execute_contract(
            user.clone(),
            contract.clone(),
            &hooked::ExecMsg::Collect {
                position_ids: vec![mine],
            },
            &[],
        )
        .unwrap();
    assert_eq!(
        s.state().collected,
        vec![
            format!("spread:7{AKT}"),
            "spread:500uosmo".to_string(),
            "incentive:50uosmo".to_string()
        ]
    );
    assert_eq!(s.balance(&contract, OSMO), 550);
    assert_eq!(s.balance(&contract, AKT), 7);
    // collected once: a second collection pays nothing
    s.app
        .execute_contract(
            user.clone(),
            contract.clone(),
            &hooked::ExecMsg::Collect {
                position_ids: vec![mine],
            },
            &[],
        )
        .unwrap();
    assert_eq!(s.balance(&contract, OSMO), 550);

    // not the owner; not a position
    let err = s
        .app
        .execute_contract(
            user.clone(),
            contract.clone(),
            &hooked::ExecMsg::Collect {
                position_ids: vec![theirs],
            },
            &[],
        )
        .unwrap_err();
    assert!(err
        .root_cause()
        .to_string()
        .contains("is not the owner of position ID (2)"));
    let err = s
        .app
        .execute_contract(
            user.clone(),
            contract.clone(),
            &hooked::ExecMsg::Collect {
                position_ids: vec![9],
            },
            &[],
        )
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("position not found"));

    // transferring collects for the old owner first
    accrue_cl_rewards(&mut s.app, theirs, vec![coin(11, OSMO)], vec![]).unwrap();
    transfer_cl_positions(&mut s.app, &user, &[theirs], &contract).unwrap();
    assert_eq!(s.balance(&user, OSMO), 11);
    assert_eq!(cl_position(&s.app, theirs).unwrap().owner, contract);
    let _: Uint128 = from_json(to_json_binary(&Uint128::zero()).unwrap()).unwrap();
}
