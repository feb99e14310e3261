use cosmwasm_std::{Addr, Deps, Order, StdResult};
use cw20::{
    AllAccountsResponse, AllAllowancesResponse, AllSpenderAllowancesResponse, AllowanceInfo,
    AllowanceResponse, BalanceResponse, DownloadLogoResponse, EmbeddedLogo, Logo,
    MarketingInfoResponse, MinterResponse, SpenderAllowanceInfo, TokenInfoResponse,
};
use cw_storage_plus::Bound;
use spice_types::page_limit;

use crate::error::ContractError;
use crate::msg::{
    BurnStatsResponse, BurnerInfo, BurnersResponse, SupplyResponse, TokenConfigResponse,
};
use crate::state::{
    Ledger, ALLOWANCES, ALLOWANCES_BY_SPENDER, BALANCES, BURNERS, LOGO, MARKETING_INFO, NATIVE,
    NATIVE_RESERVE, TOKEN_INFO,
};

fn start_bound(deps: Deps, start_after: Option<String>) -> StdResult<Option<Addr>> {
    start_after.map(|a| deps.api.addr_validate(&a)).transpose()
}

pub fn balance(deps: Deps, address: String) -> StdResult<BalanceResponse> {
    let address = deps.api.addr_validate(&address)?;
    Ok(BalanceResponse {
        balance: BALANCES.get(deps.storage, &address)?,
    })
}

/// `total_supply` is the cw20 supply (the sum of cw20 balances), not SPICE's whole supply:
/// cw20 tools reconcile it against the balances they index. See `supply` for the whole.
pub fn token_info(deps: Deps) -> StdResult<TokenInfoResponse> {
    let info = TOKEN_INFO.load(deps.storage)?;
    Ok(TokenInfoResponse {
        name: info.name,
        symbol: info.symbol,
        decimals: info.decimals,
        total_supply: Ledger::load(deps.storage)?.cw20_supply,
    })
}

/// `null` once minting is renounced, as cw20-base answers.
pub fn minter(deps: Deps) -> StdResult<Option<MinterResponse>> {
    let info = TOKEN_INFO.load(deps.storage)?;
    let cap = Ledger::load(deps.storage)?.cap;
    Ok(info.minter.map(|m| MinterResponse {
        minter: m.into_string(),
        cap: Some(cap),
    }))
}

pub fn allowance(deps: Deps, owner: String, spender: String) -> StdResult<AllowanceResponse> {
    let owner = deps.api.addr_validate(&owner)?;
    let spender = deps.api.addr_validate(&spender)?;
    Ok(ALLOWANCES
        .may_load(deps.storage, (&owner, &spender))?
        .unwrap_or_default())
}

pub fn all_allowances(
    deps: Deps,
    owner: String,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<AllAllowancesResponse> {
    let owner = deps.api.addr_validate(&owner)?;
    let start = start_bound(deps, start_after)?;
    let allowances = ALLOWANCES
        .prefix(&owner)
        .range(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| {
            item.map(|(spender, a)| AllowanceInfo {
                spender: spender.into_string(),
                allowance: a.allowance,
                expires: a.expires,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(AllAllowancesResponse { allowances })
}

pub fn all_spender_allowances(
    deps: Deps,
    spender: String,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<AllSpenderAllowancesResponse> {
    let spender = deps.api.addr_validate(&spender)?;
    let start = start_bound(deps, start_after)?;
    let allowances = ALLOWANCES_BY_SPENDER
        .prefix(&spender)
        .range(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| {
            item.map(|(owner, a)| SpenderAllowanceInfo {
                owner: owner.into_string(),
                allowance: a.allowance,
                expires: a.expires,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(AllSpenderAllowancesResponse { allowances })
}

pub fn all_accounts(
    deps: Deps,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<AllAccountsResponse> {
    let start = start_bound(deps, start_after)?;
    let accounts = BALANCES
        .addresses(deps.storage, start.as_ref(), page_limit(limit))?
        .into_iter()
        .map(Addr::into_string)
        .collect();
    Ok(AllAccountsResponse { accounts })
}

pub fn marketing_info(deps: Deps) -> StdResult<MarketingInfoResponse> {
    Ok(MARKETING_INFO.may_load(deps.storage)?.unwrap_or_default())
}

pub fn download_logo(deps: Deps) -> Result<DownloadLogoResponse, ContractError> {
    match LOGO.may_load(deps.storage)? {
        Some(Logo::Embedded(EmbeddedLogo::Svg(data))) => Ok(DownloadLogoResponse {
            mime_type: "image/svg+xml".into(),
            data,
        }),
        Some(Logo::Embedded(EmbeddedLogo::Png(data))) => Ok(DownloadLogoResponse {
            mime_type: "image/png".into(),
            data,
        }),
        Some(Logo::Url(_)) | None => Err(ContractError::NoEmbeddedLogo),
    }
}

pub fn config(deps: Deps) -> StdResult<TokenConfigResponse> {
    let info = TOKEN_INFO.load(deps.storage)?;
    Ok(TokenConfigResponse {
        name: info.name,
        symbol: info.symbol,
        decimals: info.decimals,
        cap: Ledger::load(deps.storage)?.cap,
        minter: info.minter.map(Addr::into_string),
        native: NATIVE.may_load(deps.storage)?,
        native_admin_renounced: NATIVE_RESERVE.exists(deps.storage),
    })
}

pub fn supply(deps: Deps) -> StdResult<SupplyResponse> {
    let ledger = Ledger::load(deps.storage)?;
    Ok(SupplyResponse {
        cap: ledger.cap,
        minted: ledger.minted,
        burned: ledger.burned(),
        cw20_supply: ledger.cw20_supply,
        native_supply: ledger.native_supply,
        native_reserve: NATIVE_RESERVE.may_load(deps.storage)?.unwrap_or_default(),
    })
}

pub fn burn_stats(deps: Deps) -> StdResult<BurnStatsResponse> {
    let ledger = Ledger::load(deps.storage)?;
    Ok(BurnStatsResponse {
        cw20_burn: ledger.burned_cw20,
        cw20_burn_from: ledger.burned_cw20_from,
        native: ledger.burned_native,
        total: ledger.burned(),
    })
}

pub fn burners(
    deps: Deps,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<BurnersResponse> {
    let start = start_bound(deps, start_after)?;
    let burners = BURNERS
        .addresses(deps.storage, start.as_ref(), page_limit(limit))?
        .into_iter()
        .map(|address| {
            Ok(BurnerInfo {
                burned: BURNERS.get(deps.storage, &address)?,
                address: address.into_string(),
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(BurnersResponse { burners })
}
