//! The messages' JSON: variants that share a decoder (`spice_types::msg_fields`) read back
//! exactly what they were written as.

use cosmwasm_std::{from_json, to_json_vec, Uint128};

use crate::msg::{ExecuteMsg, QueryMsg};

#[test]
fn every_variant_with_a_shared_decoder_reads_back_what_was_written() {
    let execute = [
        ExecuteMsg::Deposit {},
        ExecuteMsg::Stake {},
        ExecuteMsg::Harvest {},
        ExecuteMsg::ResumeStrategy {},
        ExecuteMsg::Pause {},
        ExecuteMsg::Unpause {},
        ExecuteMsg::ConfirmDelegation {
            amount: Uint128::new(5),
            tx_hash: "a1".into(),
        },
        ExecuteMsg::ConfirmRewards {
            amount: Uint128::new(5),
            tx_hash: "b2".into(),
        },
        ExecuteMsg::ConfirmUndelegation {
            amount: Uint128::new(5),
            tx_hash: "c3".into(),
        },
        ExecuteMsg::ConfirmReturned {
            amount: Uint128::new(5),
            tx_hash: "d4".into(),
        },
        ExecuteMsg::ReportLoss {
            amount: Uint128::new(5),
            tx_hash: "e5".into(),
        },
        ExecuteMsg::AddLpPosition { position_id: 7 },
        ExecuteMsg::RemoveLpPosition { position_id: 8 },
        ExecuteMsg::RemoveRoute {
            denom: "uosmo".into(),
        },
    ];
    for msg in execute {
        let json = to_json_vec(&msg).unwrap();
        assert_eq!(from_json::<ExecuteMsg>(&json).unwrap(), msg);
    }
    let query = [
        QueryMsg::Config {},
        QueryMsg::Status {},
        QueryMsg::Ownership {},
        QueryMsg::PauseInfo {},
        QueryMsg::SimulateConvert {
            denom: "uosmo".into(),
        },
        QueryMsg::History {
            start_after: Some(3),
            limit: None,
        },
        QueryMsg::LpPositions {
            start_after: None,
            limit: Some(4),
        },
    ];
    for msg in query {
        let json = to_json_vec(&msg).unwrap();
        assert_eq!(from_json::<QueryMsg>(&json).unwrap(), msg);
    }
    // the wire form is the variant's object, fields by name
    assert_eq!(
        from_json::<ExecuteMsg>(br#"{"report_loss":{"tx_hash":"ab","amount":"9"}}"#).unwrap(),
        ExecuteMsg::ReportLoss {
            amount: Uint128::new(9),
            tx_hash: "ab".into()
        }
    );
    assert!(from_json::<ExecuteMsg>(br#"{"report_loss":{"amount":"9"}}"#).is_err());
    assert!(from_json::<ExecuteMsg>(br#"{"add_lp_position":{"position_id":"7"}}"#).is_err());
}
