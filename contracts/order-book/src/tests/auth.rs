//! Every execute message refuses a sender who may not send it.

use cosmwasm_std::coins;

use super::suite::*;
use crate::msg::{ConfigUpdate, ExecuteMsg};
use crate::ContractError;

#[test]
fn every_execute_message_refuses_an_unauthorized_sender() {
    let mut s = Suite::with_registry();
    let (t, stranger, p) = (s.tenant.clone(), s.stranger.clone(), s.p(0));
    let order = s.place(&t, spec(), "1", 1);
    let mut c = capacity("us-west");
    c.region = Some("eu-west".into());
    let offer = s.post(&p, c, "1", 1);

    let amend = ExecuteMsg::AmendOrder {
        order_id: order,
        max_price_per_block: Some(dec("2")),
        expires_at: None,
        replicas: None,
    };
    assert_err(
        s.exec(&stranger, &amend, &[]),
        ContractError::NotOrderTenant {
            order_id: order,
            sender: stranger.to_string(),
        },
    );
    assert_err(
        s.exec(&p, &ExecuteMsg::CancelOrder { order_id: order }, &[]),
        ContractError::NotOrderTenant {
            order_id: order,
            sender: p.to_string(),
        },
    );
    assert_err(
        s.exec(&t, &ExecuteMsg::WithdrawOffer { offer_id: offer }, &[]),
        ContractError::NotOfferProvider {
            offer_id: offer,
            sender: t.to_string(),
        },
    );
    assert_err(
        s.fill(&stranger, order, Some(offer)),
        ContractError::NotPartyToFill {
            order_id: order,
            offer_id: offer,
            sender: stranger.to_string(),
        },
    );
    // post_offer: only audited providers.
    assert_err(
        s.exec(
            &stranger,
            &Suite::post_msg(capacity("us-west"), "1", 1),
            &[],
        ),
        ContractError::ProviderNotAudited {
            provider: stranger.to_string(),
        },
    );
    // Governance messages (the conformance check in config.rs covers the rest).
    for msg in [
        ExecuteMsg::UpdateConfig(ConfigUpdate::default()),
        ExecuteMsg::Pause {},
        ExecuteMsg::Unpause {},
        ExecuteMsg::SetGuardian { guardian: None },
    ] {
        let err = s.exec(&stranger, &msg, &[]).unwrap_err();
        assert!(
            matches!(cerr(&err), ContractError::Governance(_)),
            "{msg:?}: {err:?}"
        );
    }
    // Permissionless messages take no coins from anyone.
    for msg in [
        ExecuteMsg::MatchOrders { limit: None },
        ExecuteMsg::ExpireOrders { limit: None },
        ExecuteMsg::FillOrder {
            order_id: order,
            offer_id: None,
        },
    ] {
        assert_err(
            s.exec(&stranger, &msg, &coins(1, AKT)),
            ContractError::UnexpectedFunds {
                coins: coins(1, AKT),
            },
        );
    }
    // Nothing changed hands.
    assert!(s.leases().is_empty());
}
