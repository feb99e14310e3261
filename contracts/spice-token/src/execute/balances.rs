//! Balance and ledger moves every cw20 and native path shares, so the supply invariant is
//! kept in one place: `cw20_supply + native_supply + burned == minted <= cap`.

use cosmwasm_std::{Addr, Storage, Uint128};

use crate::error::ContractError;
use crate::state::{Ledger, BALANCES, BURNERS, LEDGER};

pub fn debit(
    storage: &mut dyn Storage,
    holder: &Addr,
    amount: Uint128,
) -> Result<(), ContractError> {
    let available = BALANCES.may_load(storage, holder)?.unwrap_or_default();
    let left = available
        .checked_sub(amount)
        .map_err(|_| ContractError::InsufficientBalance {
            address: holder.to_string(),
            needed: amount,
            available,
        })?;
    // An emptied account is removed, so `all_accounts` lists holders only.
    if left.is_zero() {
        BALANCES.remove(storage, holder);
    } else {
        BALANCES.save(storage, holder, &left)?;
    }
    Ok(())
}

pub fn credit(
    storage: &mut dyn Storage,
    holder: &Addr,
    amount: Uint128,
) -> Result<(), ContractError> {
    BALANCES.update(storage, holder, |balance| -> Result<_, ContractError> {
        Ok(balance.unwrap_or_default().checked_add(amount)?)
    })?;
    Ok(())
}

pub fn update_ledger(
    storage: &mut dyn Storage,
    change: impl FnOnce(&mut Ledger) -> Result<(), ContractError>,
) -> Result<Ledger, ContractError> {
    let mut ledger = LEDGER.load(storage)?;
    change(&mut ledger)?;
    LEDGER.save(storage, &ledger)?;
    Ok(ledger)
}

/// Adds to `burner`'s lifetime burn total (every path counts).
pub fn record_burner(
    storage: &mut dyn Storage,
    burner: &Addr,
    amount: Uint128,
) -> Result<Uint128, ContractError> {
    BURNERS.update(storage, burner, |total| -> Result<_, ContractError> {
        Ok(total.unwrap_or_default().checked_add(amount)?)
    })
}

pub fn nonzero(amount: Uint128) -> Result<(), ContractError> {
    if amount.is_zero() {
        return Err(ContractError::InvalidZeroAmount);
    }
    Ok(())
}
