use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Uint128};
use cw_storage_plus::{Item, Map};

#[cw_serde]
pub struct TokenInfo {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    pub minter: Option<Addr>,
}

/// The supply ledger. `cap` bounds `minted`, everything ever minted, so a burn never frees
/// room to mint again (cw20-base lets it; SPICE does not).
#[cw_serde]
pub struct SupplyTotals {
    pub cap: Uint128,
    pub minted: Uint128,
    pub burned: Uint128,
    pub cw20_supply: Uint128,
    pub native_supply: Uint128,
}

pub const TOKEN_INFO: Item<TokenInfo> = Item::new("ti");
pub const SUPPLY: Item<SupplyTotals> = Item::new("sup");
/// Short key on the hottest path: every transfer reads and writes two of these.
pub const BALANCES: Map<&Addr, Uint128> = Map::new("b");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &["ti", "sup", "b"];
