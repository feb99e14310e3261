use cosmwasm_std::{Deps, StdResult};
use cw20::{BalanceResponse, TokenInfoResponse};

use crate::msg::TokenConfigResponse;
use crate::state::{SupplyTotals, BALANCES, SUPPLY, TOKEN_INFO};

pub fn config(deps: Deps) -> StdResult<TokenConfigResponse> {
    let info = TOKEN_INFO.load(deps.storage)?;
    let supply = SUPPLY.load(deps.storage)?;
    Ok(TokenConfigResponse {
        name: info.name,
        symbol: info.symbol,
        decimals: info.decimals,
        cap: supply.cap,
        minter: info.minter.map(|m| m.into_string()),
    })
}

pub fn token_info(deps: Deps) -> StdResult<TokenInfoResponse> {
    let info = TOKEN_INFO.load(deps.storage)?;
    Ok(TokenInfoResponse {
        name: info.name,
        symbol: info.symbol,
        decimals: info.decimals,
        total_supply: SUPPLY.load(deps.storage)?.cw20_supply,
    })
}

pub fn balance(deps: Deps, address: String) -> StdResult<BalanceResponse> {
    let address = deps.api.addr_validate(&address)?;
    Ok(BalanceResponse {
        balance: BALANCES
            .may_load(deps.storage, &address)?
            .unwrap_or_default(),
    })
}

pub fn supply(deps: Deps) -> StdResult<SupplyTotals> {
    SUPPLY.load(deps.storage)
}
