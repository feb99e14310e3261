use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use spice_types::spice_event;

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION, TAG};
use crate::error::ContractError;
use crate::execute::{marketing, native};
use crate::msg::{InstantiateMsg, MigrateMsg};
use crate::state::{Ledger, TokenInfo, BALANCES, TOKEN_INFO};

/// cw20-base's rules, so every cw20 tool that accepts cw20-base accepts SPICE.
fn validate_token_info(msg: &InstantiateMsg) -> Result<(), ContractError> {
    if !(3..=50).contains(&msg.name.len()) {
        return Err(ContractError::InvalidName {
            name: msg.name.clone(),
        });
    }
    let symbol_ok = (3..=12).contains(&msg.symbol.len())
        && msg
            .symbol
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-');
    if !symbol_ok {
        return Err(ContractError::InvalidSymbol {
            symbol: msg.symbol.clone(),
        });
    }
    if msg.decimals > 18 {
        return Err(ContractError::InvalidDecimals {
            decimals: msg.decimals,
        });
    }
    Ok(())
}

pub fn instantiate(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    validate_token_info(&msg)?;
    if msg.native.is_none() && !info.funds.is_empty() {
        return Err(ContractError::UnexpectedFunds);
    }

    let mut supply = Uint128::zero();
    let mut holders: Vec<Addr> = Vec::with_capacity(msg.initial_balances.len());
    for coin in &msg.initial_balances {
        let holder = deps.api.addr_validate(&coin.address)?;
        if holders.contains(&holder) {
            return Err(ContractError::DuplicateInitialBalanceAddress {
                address: holder.into_string(),
            });
        }
        supply = supply.checked_add(coin.amount)?;
        BALANCES.set(deps.storage, &holder, coin.amount);
        holders.push(holder);
    }

    // Without a minter nothing can ever be minted, so the initial supply is the cap.
    let (minter, cap) = match &msg.mint {
        Some(mint) => (
            Some(deps.api.addr_validate(&mint.minter)?),
            mint.cap.ok_or(ContractError::UncappedMinter)?,
        ),
        None => (None, supply),
    };
    if supply > cap {
        return Err(ContractError::InitialSupplyAboveCap { supply, cap });
    }

    TOKEN_INFO.save(
        deps.storage,
        &TokenInfo {
            name: msg.name,
            symbol: msg.symbol,
            decimals: msg.decimals,
            minter: minter.clone(),
        },
    )?;
    Ledger {
        cap,
        minted: supply,
        cw20_supply: supply,
        ..Ledger::default()
    }
    .save(deps.storage);
    if let Some(info) = msg.marketing {
        marketing::instantiate_marketing(deps.storage, deps.api, info)?;
    }
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let governance = spice_governance::initialize(deps.branch(), &owner, msg.guardian.as_deref())?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let mut response = Response::new();
    if let Some(enable) = msg.native {
        let (msgs, native) = native::enable_native_msgs(deps.branch(), &env, &info.funds, enable)?;
        response = response
            .add_messages(msgs)
            .add_event(spice_event(TAG, "enable_native").add_attribute("denom", native.denom));
    }
    Ok(response.add_event(
        spice_event(TAG, "instantiate")
            .add_attributes(governance)
            .add_attribute("cap", cap)
            .add_attribute("initial_supply", supply)
            .add_attribute(
                "minter",
                minter
                    .map(Addr::into_string)
                    .unwrap_or_else(|| "none".into()),
            ),
    ))
}

pub fn migrate(deps: DepsMut, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let from = spice_governance::ensure_migratable(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    spice_governance::set_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(
        spice_event(TAG, "migrate")
            .add_attribute("from_version", from)
            .add_attribute("to_version", CONTRACT_VERSION),
    ))
}
