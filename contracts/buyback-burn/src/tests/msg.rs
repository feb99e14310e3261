//! The messages' JSON: variants that share a decoder (`spice_types::msg_fields`) read back
//! exactly what they were written as.

use cosmwasm_std::{from_json, to_json_vec, Uint128};

use crate::msg::{ExecuteMsg, QueryMsg};

#[test]
fn every_variant_with_a_shared_decoder_reads_back_what_was_written() {
    let execute = [
        ExecuteMsg::Buyback {
            denom: "uosmo".into(),
            limit: Some(Uint128::new(5)),
        },
        ExecuteMsg::Buyback {
            denom: "uatom".into(),
            limit: None,
        },
        ExecuteMsg::RemoveRoute {
            denom: "uosmo".into(),
        },
        ExecuteMsg::Pause {},
        ExecuteMsg::Unpause {},
    ];
    for msg in execute {
        let json = to_json_vec(&msg).unwrap();
        assert_eq!(from_json::<ExecuteMsg>(&json).unwrap(), msg);
    }
    let query = [
        QueryMsg::Config {},
        QueryMsg::Ownership {},
        QueryMsg::PauseInfo {},
        QueryMsg::Routes {
            start_after: Some("uosmo".into()),
            limit: Some(2),
        },
        QueryMsg::Status {
            start_after: None,
            limit: None,
        },
        QueryMsg::History {
            start_after: Some(9),
            limit: Some(1),
        },
        QueryMsg::SimulateBuyback {
            denom: "uosmo".into(),
            limit: Some(Uint128::one()),
        },
    ];
    for msg in query {
        let json = to_json_vec(&msg).unwrap();
        assert_eq!(from_json::<QueryMsg>(&json).unwrap(), msg);
    }
    assert_eq!(
        from_json::<ExecuteMsg>(br#"{"buyback":{"denom":"uosmo"}}"#).unwrap(),
        ExecuteMsg::Buyback {
            denom: "uosmo".into(),
            limit: None
        }
    );
    assert!(from_json::<ExecuteMsg>(br#"{"buyback":{"limit":"1"}}"#).is_err());
    assert!(from_json::<QueryMsg>(br#"{"history":{"start_after":"9"}}"#).is_err());
}
