//! cw20 allowances, as cw20-base keeps them: one entry per (owner, spender), mirrored by
//! spender for `all_spender_allowances`.

use cosmwasm_std::{
    Addr, Binary, BlockInfo, DepsMut, Env, MessageInfo, Response, Storage, Uint128,
};
use cw20::{AllowanceResponse, Cw20ReceiveMsg, Expiration};

use crate::error::ContractError;
use crate::execute::balances::{credit, debit, nonzero, record_burner, update_ledger};
use crate::state::{ALLOWANCES, ALLOWANCES_BY_SPENDER};

fn save_allowance(
    storage: &mut dyn Storage,
    owner: &Addr,
    spender: &Addr,
    allowance: &AllowanceResponse,
) -> Result<(), ContractError> {
    ALLOWANCES.save(storage, (owner, spender), allowance)?;
    ALLOWANCES_BY_SPENDER.save(storage, (spender, owner), allowance)?;
    Ok(())
}

fn remove_allowance(storage: &mut dyn Storage, owner: &Addr, spender: &Addr) {
    ALLOWANCES.remove(storage, (owner, spender));
    ALLOWANCES_BY_SPENDER.remove(storage, (spender, owner));
}

pub fn increase(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    spender: String,
    amount: Uint128,
    expires: Option<Expiration>,
) -> Result<Response, ContractError> {
    let spender_addr = deps.api.addr_validate(&spender)?;
    if spender_addr == info.sender {
        return Err(ContractError::CannotSetOwnAccount);
    }
    let mut allowance = ALLOWANCES
        .may_load(deps.storage, (&info.sender, &spender_addr))?
        .unwrap_or_default();
    if let Some(expires) = expires {
        if expires.is_expired(&env.block) {
            return Err(ContractError::InvalidExpiration);
        }
        allowance.expires = expires;
    }
    allowance.allowance = allowance.allowance.checked_add(amount)?;
    save_allowance(deps.storage, &info.sender, &spender_addr, &allowance)?;
    Ok(Response::new()
        .add_attribute("action", "increase_allowance")
        .add_attribute("owner", info.sender)
        .add_attribute("spender", spender)
        .add_attribute("amount", amount))
}

pub fn decrease(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    spender: String,
    amount: Uint128,
    expires: Option<Expiration>,
) -> Result<Response, ContractError> {
    let spender_addr = deps.api.addr_validate(&spender)?;
    if spender_addr == info.sender {
        return Err(ContractError::CannotSetOwnAccount);
    }
    let mut allowance = ALLOWANCES
        .may_load(deps.storage, (&info.sender, &spender_addr))?
        .ok_or_else(|| ContractError::NoAllowance {
            owner: info.sender.to_string(),
            spender: spender.clone(),
        })?;
    if amount < allowance.allowance {
        allowance.allowance -= amount;
        if let Some(expires) = expires {
            if expires.is_expired(&env.block) {
                return Err(ContractError::InvalidExpiration);
            }
            allowance.expires = expires;
        }
        save_allowance(deps.storage, &info.sender, &spender_addr, &allowance)?;
    } else {
        remove_allowance(deps.storage, &info.sender, &spender_addr);
    }
    Ok(Response::new()
        .add_attribute("action", "decrease_allowance")
        .add_attribute("owner", info.sender)
        .add_attribute("spender", spender)
        .add_attribute("amount", amount))
}

/// Spends `amount` of `spender`'s allowance from `owner`, refusing expired or short ones.
fn deduct(
    storage: &mut dyn Storage,
    owner: &Addr,
    spender: &Addr,
    block: &BlockInfo,
    amount: Uint128,
) -> Result<(), ContractError> {
    let mut allowance = ALLOWANCES
        .may_load(storage, (owner, spender))?
        .ok_or_else(|| ContractError::NoAllowance {
            owner: owner.to_string(),
            spender: spender.to_string(),
        })?;
    if allowance.expires.is_expired(block) {
        return Err(ContractError::AllowanceExpired {
            owner: owner.to_string(),
            spender: spender.to_string(),
        });
    }
    allowance.allowance = allowance.allowance.checked_sub(amount).map_err(|_| {
        ContractError::InsufficientAllowance {
            owner: owner.to_string(),
            spender: spender.to_string(),
            needed: amount,
            available: allowance.allowance,
        }
    })?;
    save_allowance(storage, owner, spender, &allowance)
}

pub fn transfer_from(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    recipient: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonzero(amount)?;
    let owner_addr = deps.api.addr_validate(&owner)?;
    let recipient_addr = deps.api.addr_validate(&recipient)?;
    deduct(deps.storage, &owner_addr, &info.sender, &env.block, amount)?;
    debit(deps.storage, &owner_addr, amount)?;
    credit(deps.storage, &recipient_addr, amount)?;
    Ok(Response::new()
        .add_attribute("action", "transfer_from")
        .add_attribute("from", owner)
        .add_attribute("to", recipient)
        .add_attribute("by", info.sender)
        .add_attribute("amount", amount))
}

pub fn send_from(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    contract: String,
    amount: Uint128,
    msg: Binary,
) -> Result<Response, ContractError> {
    nonzero(amount)?;
    let owner_addr = deps.api.addr_validate(&owner)?;
    let contract_addr = deps.api.addr_validate(&contract)?;
    deduct(deps.storage, &owner_addr, &info.sender, &env.block, amount)?;
    debit(deps.storage, &owner_addr, amount)?;
    credit(deps.storage, &contract_addr, amount)?;
    let hook = Cw20ReceiveMsg {
        sender: info.sender.to_string(),
        amount,
        msg,
    }
    .into_cosmos_msg(contract.clone())?;
    Ok(Response::new()
        .add_message(hook)
        .add_attribute("action", "send_from")
        .add_attribute("from", owner)
        .add_attribute("to", contract)
        .add_attribute("by", info.sender)
        .add_attribute("amount", amount))
}

pub fn burn_from(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonzero(amount)?;
    let owner_addr = deps.api.addr_validate(&owner)?;
    deduct(deps.storage, &owner_addr, &info.sender, &env.block, amount)?;
    debit(deps.storage, &owner_addr, amount)?;
    update_ledger(deps.storage, |ledger| {
        ledger.cw20_supply = ledger.cw20_supply.checked_sub(amount)?;
        ledger.burned_cw20_from = ledger.burned_cw20_from.checked_add(amount)?;
        Ok(())
    })?;
    // The burn counts for the account whose SPICE was destroyed, not the spender.
    let burner_total = record_burner(deps.storage, &owner_addr, amount)?;
    Ok(Response::new()
        .add_attribute("action", "burn_from")
        .add_attribute("from", owner)
        .add_attribute("by", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("burner_total", burner_total))
}
