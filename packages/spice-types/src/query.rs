//! Chain queries through one copy of cosmwasm-std's request plumbing.
//!
//! `QuerierWrapper::query` is generic over the chain's custom query type, so every crate that
//! queries the chain links its own copy of the request serialization and the error mapping
//! (about 9 KB of wasm each, measured in staking-vault, which queried from two crates). The
//! contracts send their chain queries through [`query`] instead: the same request JSON, the
//! same answers and the same error messages as `QuerierWrapper::query`, linked once.

use cosmwasm_schema::serde::de::DeserializeOwned;
use cosmwasm_std::{
    from_json, to_json_vec, BalanceResponse, BankQuery, Binary, ContractResult, QuerierWrapper,
    QueryRequest, StdError, StdResult, SystemResult, Uint128,
};

/// `QuerierWrapper::query`: `request` answered by the chain, decoded as `T`.
pub fn query<T: DeserializeOwned>(
    querier: &QuerierWrapper,
    request: &QueryRequest,
) -> StdResult<T> {
    from_json(query_raw(querier, request)?)
}

/// The answer's bytes, with cosmwasm-std's error messages. Never inlined: one copy serves
/// every query of the contract.
#[inline(never)]
pub fn query_raw(querier: &QuerierWrapper, request: &QueryRequest) -> StdResult<Binary> {
    let raw = to_json_vec(request).map_err(|serialize_err| {
        StdError::generic_err(format!("Serializing QueryRequest: {serialize_err}"))
    })?;
    match querier.raw_query(&raw) {
        SystemResult::Err(system_err) => Err(StdError::generic_err(format!(
            "Querier system error: {system_err}"
        ))),
        SystemResult::Ok(ContractResult::Err(contract_err)) => Err(StdError::generic_err(format!(
            "Querier contract error: {contract_err}"
        ))),
        SystemResult::Ok(ContractResult::Ok(value)) => Ok(value),
    }
}

/// `QuerierWrapper::query_balance(address, denom).amount`.
pub fn query_balance(querier: &QuerierWrapper, address: &str, denom: &str) -> StdResult<Uint128> {
    let request = QueryRequest::Bank(BankQuery::Balance {
        address: address.to_string(),
        denom: denom.to_string(),
    });
    let answer: BalanceResponse = query(querier, &request)?;
    Ok(answer.amount.amount)
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::MockQuerier;
    use cosmwasm_std::{coins, Empty, StakingQuery, ValidatorResponse, WasmQuery};

    use super::*;

    #[test]
    fn answers_and_errors_match_the_queriers_own() {
        let mock: MockQuerier<Empty> =
            MockQuerier::new(&[("vault", &coins(42, "uakt")), ("other", &[])]);
        let querier = QuerierWrapper::<Empty>::new(&mock);
        assert_eq!(
            query_balance(&querier, "vault", "uakt").unwrap(),
            Uint128::new(42)
        );
        assert_eq!(
            query_balance(&querier, "vault", "uosmo").unwrap(),
            querier.query_balance("vault", "uosmo").unwrap().amount
        );
        let request = QueryRequest::Staking(StakingQuery::Validator {
            address: "val".into(),
        });
        assert_eq!(
            query::<ValidatorResponse>(&querier, &request).unwrap(),
            querier.query::<ValidatorResponse>(&request).unwrap()
        );
        // a failing query fails with the wrapper's very message
        let request = QueryRequest::Wasm(WasmQuery::Smart {
            contract_addr: "nobody".into(),
            msg: Binary::from(b"{}"),
        });
        let ours = query::<Empty>(&querier, &request).unwrap_err();
        let theirs = querier.query::<Empty>(&request).unwrap_err();
        assert_eq!(ours.to_string(), theirs.to_string());
        assert!(ours.to_string().contains("Querier system error"), "{ours}");
    }
}
