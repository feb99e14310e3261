//! `burn_held`: burns the SPICE this contract holds outside a buyback — native SPICE sent to it
//! by mistake or as a donation, cw20 SPICE transferred to it — through spice-token's own burn
//! paths (`burn_native`, cw20 `burn`), so the token's burn totals record every unit.
//!
//! Permissionless and unpaid: it can only destroy SPICE that was already on its way to being
//! burned, moves no other denom, touches no cooldown or budget, and pays no bounty, so there is
//! nothing to gain by calling it with dust or at a chosen moment. Nothing is reserved between
//! transactions (a buyback swaps and burns within one), so everything held is burnable.

use cosmwasm_std::{coins, to_json_binary, DepsMut, Env, MessageInfo, Response, WasmMsg};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::buyback::pending;
use crate::msg::{SpiceTokenBalance, SpiceTokenMsg, SpiceTokenQuery};
use crate::state::{CONFIG, IN_FLIGHT, TOTALS};

pub fn burn_held(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    spice_governance::assert_not_paused(deps.storage)?;
    if let Some(in_flight) = IN_FLIGHT.may_load(deps.storage)? {
        return Err(ContractError::BuybackInFlight {
            denom: in_flight.denom,
        });
    }
    let config = CONFIG.load(deps.storage)?;
    let native = pending(deps.as_ref(), &env, &config.spice_denom)?;
    let cw20 = deps
        .querier
        .query_wasm_smart::<SpiceTokenBalance>(
            &config.spice_token,
            &SpiceTokenQuery::Balance {
                address: env.contract.address.to_string(),
            },
        )?
        .balance;
    if native.is_zero() && cw20.is_zero() {
        return Err(ContractError::NothingToBurn {
            spice_denom: config.spice_denom,
        });
    }
    let burned = native.checked_add(cw20)?;
    let mut totals = TOTALS.may_load(deps.storage)?.unwrap_or_default();
    totals.spice_burned = totals.spice_burned.checked_add(burned)?;
    totals.spice_burned_held = totals.spice_burned_held.checked_add(burned)?;
    TOTALS.save(deps.storage, &totals)?;

    let mut response = Response::new();
    if !native.is_zero() {
        response = response.add_message(WasmMsg::Execute {
            contract_addr: config.spice_token.to_string(),
            msg: to_json_binary(&SpiceTokenMsg::BurnNative {})?,
            funds: coins(native.u128(), &config.spice_denom),
        });
    }
    if !cw20.is_zero() {
        response = response.add_message(WasmMsg::Execute {
            contract_addr: config.spice_token.to_string(),
            msg: to_json_binary(&SpiceTokenMsg::Burn { amount: cw20 })?,
            funds: vec![],
        });
    }
    Ok(response.add_event(
        spice_event(TAG, "burn_held")
            .add_attribute("caller", info.sender.as_str())
            .add_attribute("native", native)
            .add_attribute("cw20", cw20)
            .add_attribute("total_burned", totals.spice_burned),
    ))
}
