//! Routes: the pools each revenue denom is swapped through to reach SPICE.

use cosmwasm_std::{Deps, DepsMut, MessageInfo, Response};
use spice_osmosis::RouteRules;
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::state::{Config, Hop, CONFIG, ROUTES};

/// The checks every stored route passes: it starts at `denom`, ends in SPICE, never visits a
/// denom twice (so no hop swaps a denom into itself), crosses at most `max_hops` pools, and every
/// pool exists and holds both denoms of its hop (asked of poolmanager).
pub fn validate_route(
    deps: Deps,
    config: &Config,
    denom: &str,
    hops: &[Hop],
) -> Result<(), ContractError> {
    let rules = RouteRules {
        target_denom: &config.spice_denom,
        max_hops: usize::try_from(config.max_hops).unwrap_or(usize::MAX),
        check_pools_exist: true,
    };
    Ok(spice_osmosis::validate_route(
        &deps.querier,
        denom,
        hops,
        &rules,
    )?)
}

pub fn set(
    deps: DepsMut,
    info: MessageInfo,
    denom: String,
    hops: Vec<Hop>,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    validate_route(deps.as_ref(), &config, &denom, &hops)?;
    let replaced = ROUTES.has(deps.storage, &denom);
    ROUTES.save(deps.storage, &denom, &hops)?;
    let path = hops
        .iter()
        .map(|h| format!("{}:{}", h.pool_id, h.token_out_denom))
        .collect::<Vec<_>>()
        .join(",");
    Ok(Response::new().add_event(
        spice_event(TAG, "set_route")
            .add_attribute("denom", denom)
            .add_attribute("hops", path)
            .add_attribute("replaced", replaced.to_string()),
    ))
}

pub fn remove(deps: DepsMut, info: MessageInfo, denom: String) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    cw_utils::nonpayable(&info)?;
    if !ROUTES.has(deps.storage, &denom) {
        return Err(ContractError::NoRoute { denom });
    }
    ROUTES.remove(deps.storage, &denom);
    Ok(Response::new().add_event(spice_event(TAG, "remove_route").add_attribute("denom", denom)))
}
