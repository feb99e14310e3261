//! Messages one SPICE contract sends another, defined here so neither crate depends on the
//! other's.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Addr, Coin, CosmosMsg, Decimal, StdResult, Timestamp, Uint128, WasmMsg,
};

/// rollover-escrow → provider-incentives: a provider was paid for serving a lease.
/// provider-incentives accepts it only from its configured escrow and counts it as verified
/// utilization for the epoch in which it arrives (no oracle needed).
/// JSON: `{"lease_settled":{"provider":"…","lease_id":1,"denom":"…","amount":"…","blocks":10}}`.
#[cw_serde]
pub enum IncentivesHookMsg {
    LeaseSettled {
        provider: String,
        /// The lease's tenant, so incentives can cap weight per tenant–provider pair.
        tenant: String,
        lease_id: u64,
        denom: String,
        /// What the provider earned in this settlement, before the take fee.
        amount: Uint128,
        /// The take fee charged on `amount` (paid to the fee collector).
        take_fee: Uint128,
        /// Blocks of service this settlement paid for.
        blocks: u64,
        /// Block time at which the paid-for service began (the previous settlement point) …
        served_from: Timestamp,
        /// … and ended (this settlement, or the failure time when settlement stopped there).
        served_until: Timestamp,
    },
    /// Several settlements in one call (the escrow's batches: one hook per batch instead of
    /// one per lease), each credited exactly as its own `lease_settled` would be, in order.
    /// At most [`MAX_SETTLEMENTS_PER_HOOK`]; incentives refuses more (the escrow never sends
    /// more: it splits).
    LeasesSettled { settlements: Vec<LeaseSettlement> },
}

/// Most settlements one `leases_settled` hook carries (the escrow's largest batch).
pub const MAX_SETTLEMENTS_PER_HOOK: usize = 30;

/// One provider payout, as `IncentivesHookMsg::LeaseSettled` carries it.
#[cw_serde]
pub struct LeaseSettlement {
    pub provider: String,
    pub tenant: String,
    pub lease_id: u64,
    pub denom: String,
    pub amount: Uint128,
    pub take_fee: Uint128,
    pub blocks: u64,
    pub served_from: Timestamp,
    pub served_until: Timestamp,
}

impl IncentivesHookMsg {
    /// The settlements this hook carries, in order.
    pub fn into_settlements(self) -> Vec<LeaseSettlement> {
        match self {
            IncentivesHookMsg::LeaseSettled {
                provider,
                tenant,
                lease_id,
                denom,
                amount,
                take_fee,
                blocks,
                served_from,
                served_until,
            } => vec![LeaseSettlement {
                provider,
                tenant,
                lease_id,
                denom,
                amount,
                take_fee,
                blocks,
                served_from,
                served_until,
            }],
            IncentivesHookMsg::LeasesSettled { settlements } => settlements,
        }
    }
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

/// A standby provider for a lease, in the order it takes over.
#[cw_serde]
pub struct BackupProvider {
    pub provider: String,
    /// What this provider is paid per block once it serves the lease, in the lease's denom
    /// (fractional: fractions carry over between settlements, never dropped).
    pub price_per_block: Decimal,
}

/// order-book (or a tenant) → rollover-escrow: open a lease funded by the attached coin,
/// which must be exactly one coin of `denom` (the initial deposit).
///
/// - Sent by a tenant: `tenant` is omitted or equal to the sender; the lease waits for the
///   provider's `accept_lease`.
/// - Sent by the escrow's configured order book on a match: `tenant` names the order's owner
///   (who gets every refund), and the lease starts at once, since the provider agreed by posting
///   its offer.
///
/// JSON: `{"open_lease":{"tenant":…,"provider":"…","price_per_block":"0.5","denom":"…",
/// "backups":[…],"spec_ref":…,"order_id":…}}`.
#[cw_serde]
pub struct OpenLeaseMsg {
    pub tenant: Option<String>,
    pub provider: String,
    pub price_per_block: Decimal,
    pub denom: String,
    pub backups: Vec<BackupProvider>,
    /// Free-form reference to the resource spec (e.g. the order book's order id or a hash).
    pub spec_ref: Option<String>,
    /// The order this lease fills, when opened by the order book.
    pub order_id: Option<u64>,
}

#[cw_serde]
pub enum EscrowOpenLease {
    OpenLease(OpenLeaseMsg),
}

impl OpenLeaseMsg {
    /// The message that opens this lease with `deposit` as its first deposit.
    pub fn into_cosmos_msg(self, escrow: &Addr, deposit: Coin) -> StdResult<CosmosMsg> {
        Ok(WasmMsg::Execute {
            contract_addr: escrow.to_string(),
            msg: to_json_binary(&EscrowOpenLease::OpenLease(self))?,
            funds: vec![deposit],
        }
        .into())
    }
}

/// Most leases one `open_leases` opens (the order book splits a larger pass into several calls).
pub const MAX_OPEN_LEASES: usize = 30;

/// One lease of an `open_leases` batch: the lease and its first deposit, in `lease.denom`.
#[cw_serde]
pub struct OpenLeaseItem {
    pub lease: OpenLeaseMsg,
    pub deposit: Uint128,
}

/// order-book → rollover-escrow: open several leases in one call, each exactly as its own
/// `open_lease` would (sender: the escrow's configured order book only). The coins attached
/// must be the items' deposits summed per denom. An item the escrow refuses is skipped (nothing
/// of it written) and its deposit sent back to the order book in the same call; the response's
/// `data` is an [`OpenLeasesResponse`] with one result per item, in item order.
///
/// JSON: `{"open_leases":{"leases":[{"lease":{…open_lease's fields…},"deposit":"100"}]}}`.
#[cw_serde]
pub enum EscrowOpenLeases {
    OpenLeases { leases: Vec<OpenLeaseItem> },
}

/// The `data` of `open_leases`: what became of each item, in item order.
#[cw_serde]
pub struct OpenLeasesResponse {
    pub results: Vec<OpenLeaseResult>,
}

#[cw_serde]
pub enum OpenLeaseResult {
    /// The lease opened with this id.
    Opened { lease_id: u64 },
    /// The escrow refused the item (its deposit went back to the sender), and why.
    Refused { error: String },
}

impl EscrowOpenLeases {
    /// The message that opens `leases`, with their deposits attached (summed per denom).
    pub fn into_cosmos_msg(self, escrow: &Addr) -> StdResult<CosmosMsg> {
        let EscrowOpenLeases::OpenLeases { leases } = &self;
        let mut funds: Vec<Coin> = vec![];
        for item in leases {
            match funds.iter_mut().find(|c| c.denom == item.lease.denom) {
                Some(c) => c.amount = c.amount.checked_add(item.deposit)?,
                None => funds.push(Coin::new(item.deposit, item.lease.denom.clone())),
            }
        }
        // The chain wants funds sorted by denom and without zero coins.
        funds.retain(|c| !c.amount.is_zero());
        funds.sort_by(|a, b| a.denom.cmp(&b.denom));
        Ok(WasmMsg::Execute {
            contract_addr: escrow.to_string(),
            msg: to_json_binary(&self)?,
            funds,
        }
        .into())
    }
}

/// order-book → provider-incentives query: is this provider audited, and how?
/// JSON: `{"provider_audit":{"provider":"…"}}`, answered with [`ProviderAuditResponse`].
#[cw_serde]
pub enum ProviderAuditQuery {
    ProviderAudit { provider: String },
}

#[cw_serde]
pub struct ProviderAuditResponse {
    pub provider: String,
    pub registered: bool,
    /// `None` until an auditor has audited the provider.
    pub tier: Option<u32>,
    /// Attributes the auditors signed for this provider, as (key, value) pairs, and who signed.
    pub attributes: Vec<AuditedAttribute>,
}

#[cw_serde]
pub struct AuditedAttribute {
    pub key: String,
    pub value: String,
    pub auditor: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::to_json_string;

    #[test]
    fn open_lease_json_is_what_the_escrow_parses() {
        let msg = EscrowOpenLease::OpenLease(OpenLeaseMsg {
            tenant: Some("osmo1t".into()),
            provider: "osmo1p".into(),
            price_per_block: Decimal::percent(50),
            denom: "uakt".into(),
            backups: vec![BackupProvider {
                provider: "osmo1b".into(),
                price_per_block: Decimal::one(),
            }],
            spec_ref: None,
            order_id: Some(3),
        });
        assert_eq!(
            to_json_string(&msg).unwrap(),
            r#"{"open_lease":{"tenant":"osmo1t","provider":"osmo1p","price_per_block":"0.5","denom":"uakt","backups":[{"provider":"osmo1b","price_per_block":"1"}],"spec_ref":null,"order_id":3}}"#
        );
    }

    #[test]
    fn open_leases_attaches_the_deposits_summed_per_denom_sorted_without_zeros() {
        let item = |denom: &str, deposit: u128| OpenLeaseItem {
            lease: OpenLeaseMsg {
                tenant: Some("osmo1t".into()),
                provider: "osmo1p".into(),
                price_per_block: Decimal::one(),
                denom: denom.into(),
                backups: vec![],
                spec_ref: None,
                order_id: Some(1),
            },
            deposit: Uint128::new(deposit),
        };
        let msg = EscrowOpenLeases::OpenLeases {
            leases: vec![
                item("uusdc", 5),
                item("uakt", 7),
                item("uatom", 0),
                item("uusdc", 6),
            ],
        }
        .into_cosmos_msg(&Addr::unchecked("escrow"))
        .unwrap();
        let CosmosMsg::Wasm(WasmMsg::Execute { msg, funds, .. }) = msg else {
            panic!("not a wasm execute");
        };
        assert_eq!(
            funds,
            vec![Coin::new(7u128, "uakt"), Coin::new(11u128, "uusdc")]
        );
        let text = String::from_utf8(msg.to_vec()).unwrap();
        assert!(text.starts_with(r#"{"open_leases":{"leases":[{"lease":{"tenant":"osmo1t""#));
        assert!(text.contains(r#""deposit":"5"}"#));
    }

    #[test]
    fn lease_settled_json_is_flat_snake_case() {
        let msg = IncentivesHookMsg::LeaseSettled {
            provider: "osmo1p".into(),
            tenant: "osmo1t".into(),
            lease_id: 7,
            denom: "uakt".into(),
            amount: Uint128::new(42),
            take_fee: Uint128::new(1),
            blocks: 3,
            served_from: Timestamp::from_seconds(100),
            served_until: Timestamp::from_seconds(115),
        };
        assert_eq!(
            to_json_string(&msg).unwrap(),
            r#"{"lease_settled":{"provider":"osmo1p","tenant":"osmo1t","lease_id":7,"denom":"uakt","amount":"42","take_fee":"1","blocks":3,"served_from":"100000000000","served_until":"115000000000"}}"#
        );
    }
}
