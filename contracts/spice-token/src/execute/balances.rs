//! Balance and ledger moves every cw20 and native path shares, so the supply invariant is
//! kept in one place: `cw20_supply + native_supply + burned == minted <= cap`.

use cosmwasm_std::{Addr, Storage, Uint128};

use crate::error::ContractError;
use crate::state::{Ledger, BALANCES, BURNERS};

pub fn debit(
    storage: &mut dyn Storage,
    holder: &Addr,
    amount: Uint128,
) -> Result<(), ContractError> {
    // An emptied account is removed, so `all_accounts` lists holders only.
    BALANCES.update(storage, holder, |available| {
        available
            .checked_sub(amount)
            .map_err(|_| ContractError::InsufficientBalance {
                address: holder.to_string(),
                needed: amount,
                available,
            })
    })?;
    Ok(())
}

pub fn credit(
    storage: &mut dyn Storage,
    holder: &Addr,
    amount: Uint128,
) -> Result<(), ContractError> {
    BALANCES.update(storage, holder, |balance| {
        Ok::<_, ContractError>(balance.checked_add(amount)?)
    })?;
    Ok(())
}

pub fn update_ledger(
    storage: &mut dyn Storage,
    change: impl FnOnce(&mut Ledger) -> Result<(), ContractError>,
) -> Result<Ledger, ContractError> {
    let mut ledger = Ledger::load(storage)?;
    change(&mut ledger)?;
    ledger.save(storage);
    Ok(ledger)
}

/// Adds to `burner`'s lifetime burn total (every path counts).
pub fn record_burner(
    storage: &mut dyn Storage,
    burner: &Addr,
    amount: Uint128,
) -> Result<Uint128, ContractError> {
    BURNERS.update(storage, burner, |total| Ok(total.checked_add(amount)?))
}

pub fn nonzero(amount: Uint128) -> Result<(), ContractError> {
    if amount.is_zero() {
        return Err(ContractError::InvalidZeroAmount);
    }
    Ok(())
}
