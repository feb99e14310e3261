//! cw20 transfers, sends, burns and minting, with cw20-base's semantics and attributes
//! (`action`, `from`, `to`, `amount`, …) so cw20 indexers and wallets read SPICE unchanged.

use cosmwasm_std::{Binary, DepsMut, MessageInfo, Response, Uint128};
use cw20::Cw20ReceiveMsg;

use crate::error::ContractError;
use crate::execute::balances::{credit, debit, nonzero, record_burner, update_ledger};
use crate::state::TOKEN_INFO;

pub fn transfer(
    deps: DepsMut,
    info: MessageInfo,
    recipient: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonzero(amount)?;
    let recipient_addr = deps.api.addr_validate(&recipient)?;
    debit(deps.storage, &info.sender, amount)?;
    credit(deps.storage, &recipient_addr, amount)?;
    Ok(Response::new()
        .add_attribute("action", "transfer")
        .add_attribute("from", info.sender)
        .add_attribute("to", recipient)
        .add_attribute("amount", amount))
}

pub fn send(
    deps: DepsMut,
    info: MessageInfo,
    contract: String,
    amount: Uint128,
    msg: Binary,
) -> Result<Response, ContractError> {
    nonzero(amount)?;
    let contract_addr = deps.api.addr_validate(&contract)?;
    debit(deps.storage, &info.sender, amount)?;
    credit(deps.storage, &contract_addr, amount)?;
    let hook = Cw20ReceiveMsg {
        sender: info.sender.to_string(),
        amount,
        msg,
    }
    .into_cosmos_msg(contract.clone())?;
    Ok(Response::new()
        .add_message(hook)
        .add_attribute("action", "send")
        .add_attribute("from", info.sender)
        .add_attribute("to", contract)
        .add_attribute("amount", amount))
}

pub fn burn(deps: DepsMut, info: MessageInfo, amount: Uint128) -> Result<Response, ContractError> {
    nonzero(amount)?;
    debit(deps.storage, &info.sender, amount)?;
    update_ledger(deps.storage, |ledger| {
        ledger.cw20_supply = ledger.cw20_supply.checked_sub(amount)?;
        ledger.burned_cw20 = ledger.burned_cw20.checked_add(amount)?;
        Ok(())
    })?;
    let burner_total = record_burner(deps.storage, &info.sender, amount)?;
    Ok(Response::new()
        .add_attribute("action", "burn")
        .add_attribute("from", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("burner_total", burner_total))
}

pub fn mint(
    deps: DepsMut,
    info: MessageInfo,
    recipient: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonzero(amount)?;
    let token = TOKEN_INFO.load(deps.storage)?;
    match &token.minter {
        None => return Err(ContractError::NoMinter),
        Some(minter) if *minter != info.sender => {
            return Err(ContractError::NotMinter {
                sender: info.sender.to_string(),
            })
        }
        Some(_) => {}
    }
    let recipient_addr = deps.api.addr_validate(&recipient)?;
    update_ledger(deps.storage, |ledger| {
        // The cap bounds everything ever minted: burned SPICE frees no room.
        let would_be = ledger.minted.checked_add(amount)?;
        if would_be > ledger.cap {
            return Err(ContractError::CannotExceedCap {
                amount,
                would_be,
                cap: ledger.cap,
            });
        }
        ledger.minted = would_be;
        ledger.cw20_supply = ledger.cw20_supply.checked_add(amount)?;
        Ok(())
    })?;
    credit(deps.storage, &recipient_addr, amount)?;
    Ok(Response::new()
        .add_attribute("action", "mint")
        .add_attribute("to", recipient)
        .add_attribute("amount", amount))
}

pub fn update_minter(
    deps: DepsMut,
    info: MessageInfo,
    new_minter: Option<String>,
) -> Result<Response, ContractError> {
    let mut token = TOKEN_INFO.load(deps.storage)?;
    match &token.minter {
        None => return Err(ContractError::NoMinter),
        Some(minter) if *minter != info.sender => {
            return Err(ContractError::NotMinter {
                sender: info.sender.to_string(),
            })
        }
        Some(_) => {}
    }
    token.minter = new_minter
        .as_deref()
        .map(|m| deps.api.addr_validate(m))
        .transpose()?;
    TOKEN_INFO.save(deps.storage, &token)?;
    Ok(Response::new()
        .add_attribute("action", "update_minter")
        .add_attribute(
            "new_minter",
            new_minter.unwrap_or_else(|| "None".to_string()),
        ))
}
