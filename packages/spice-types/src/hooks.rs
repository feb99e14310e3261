//! Messages one SPICE contract sends another, defined here so neither crate depends on the
//! other's.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, StdResult, Uint128, WasmMsg};

/// rollover-escrow → provider-incentives: a provider was paid for serving a lease.
/// provider-incentives accepts it only from its configured escrow and counts it as verified
/// utilization for the epoch in which it arrives (no oracle needed).
/// JSON: `{"lease_settled":{"provider":"…","lease_id":1,"denom":"…","amount":"…","blocks":10}}`.
#[cw_serde]
pub enum IncentivesHookMsg {
    LeaseSettled {
        provider: String,
        lease_id: u64,
        denom: String,
        /// What the provider earned in this settlement, before the take fee.
        amount: Uint128,
        /// Blocks of service this settlement paid for.
        blocks: u64,
    },
}

impl IncentivesHookMsg {
    pub fn into_cosmos_msg(self, incentives: &Addr) -> StdResult<CosmosMsg> {
        Ok(WasmMsg::Execute {
            contract_addr: incentives.to_string(),
            msg: to_json_binary(&self)?,
            funds: vec![],
        }
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::to_json_string;

    #[test]
    fn lease_settled_json_is_flat_snake_case() {
        let msg = IncentivesHookMsg::LeaseSettled {
            provider: "osmo1p".into(),
            lease_id: 7,
            denom: "uakt".into(),
            amount: Uint128::new(42),
            blocks: 3,
        };
        assert_eq!(
            to_json_string(&msg).unwrap(),
            r#"{"lease_settled":{"provider":"osmo1p","lease_id":7,"denom":"uakt","amount":"42","blocks":3}}"#
        );
    }
}
