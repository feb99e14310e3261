//! The bank and staking answers the vault reads, through `spice_types::query` (one copy of the
//! querier plumbing for the whole contract) and read only as far as the vault needs: decoding
//! cosmwasm-std's full `Validator` and `FullDelegation` answers links code for fields the vault
//! never looks at. The requests are the ones `QuerierWrapper`'s helpers send; unknown and unread
//! fields are skipped.

use cosmwasm_schema::serde::de::IgnoredAny;
use cosmwasm_schema::serde::Deserialize;
use cosmwasm_std::{Coin, QuerierWrapper, QueryRequest, StakingQuery, StdResult, Uint128};
use spice_types::query::{query, query_balance};

/// `StakingQuery::Validator`'s answer: only whether there is one.
#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct ValidatorAnswer {
    validator: Option<IgnoredAny>,
}

/// `StakingQuery::Delegation`'s answer: only the rewards accrued.
#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct DelegationAnswer {
    delegation: Option<DelegationRewards>,
}

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct DelegationRewards {
    amount: Coin,
    accumulated_rewards: Vec<Coin>,
}

/// What the staking module reports `delegator` has delegated to `validator` in `denom` (zero
/// without a delegation).
pub fn delegated(
    querier: &QuerierWrapper,
    delegator: &str,
    validator: &str,
    denom: &str,
) -> StdResult<Uint128> {
    let request = QueryRequest::Staking(StakingQuery::Delegation {
        delegator: delegator.to_string(),
        validator: validator.to_string(),
    });
    let answer: DelegationAnswer = query(querier, &request)?;
    Ok(answer
        .delegation
        .filter(|d| d.amount.denom == denom)
        .map_or(Uint128::zero(), |d| d.amount.amount))
}

/// The staking module knows `address` (`query_validator(address)?.is_some()`).
pub fn validator_exists(querier: &QuerierWrapper, address: &str) -> StdResult<bool> {
    let request = QueryRequest::Staking(StakingQuery::Validator {
        address: address.to_string(),
    });
    let answer: ValidatorAnswer = query(querier, &request)?;
    Ok(answer.validator.is_some())
}

/// `delegator`'s delegation to `validator` has accrued a non-zero amount of `denom`.
pub fn has_accrued_rewards(
    querier: &QuerierWrapper,
    delegator: &str,
    validator: &str,
    denom: &str,
) -> StdResult<bool> {
    let request = QueryRequest::Staking(StakingQuery::Delegation {
        delegator: delegator.to_string(),
        validator: validator.to_string(),
    });
    let answer: DelegationAnswer = query(querier, &request)?;
    Ok(answer.delegation.is_some_and(|d| {
        d.accumulated_rewards
            .iter()
            .any(|c| c.denom == denom && !c.amount.is_zero())
    }))
}

/// The vault's own balance of `denom`.
pub fn balance(
    querier: &QuerierWrapper,
    vault: &cosmwasm_std::Addr,
    denom: &str,
) -> StdResult<Uint128> {
    query_balance(querier, vault.as_str(), denom)
}
