use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Uint128};
use cw20::{AllowanceResponse, Logo, MarketingInfoResponse};
use cw_storage_plus::{Item, Map};

#[cw_serde]
pub struct TokenInfo {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    pub minter: Option<Addr>,
}

/// The supply ledger, one item so each operation reads and writes it once.
/// `cap` bounds `minted`, everything ever minted, so a burn never frees room to mint again
/// (cw20-base lets it; SPICE does not). Invariant after every operation:
/// `cw20_supply + native_supply + burned() == minted <= cap`.
#[cw_serde]
pub struct Ledger {
    pub cap: Uint128,
    pub minted: Uint128,
    pub cw20_supply: Uint128,
    pub native_supply: Uint128,
    /// Burned through cw20 `burn`.
    pub burned_cw20: Uint128,
    /// Burned through cw20 `burn_from`.
    pub burned_cw20_from: Uint128,
    /// Native SPICE burned through `burn_native` (the buyback path).
    pub burned_native: Uint128,
}

impl Ledger {
    pub fn burned(&self) -> Uint128 {
        // Each term is bounded by `minted`, itself bounded by `cap`, so the sum cannot overflow.
        self.burned_cw20 + self.burned_cw20_from + self.burned_native
    }
}

/// The tokenfactory twin, once enabled.
#[cw_serde]
pub struct NativeDenom {
    /// `factory/{this contract}/{subdenom}`.
    pub denom: String,
    pub subdenom: String,
}

pub const TOKEN_INFO: Item<TokenInfo> = Item::new("ti");
pub const LEDGER: Item<Ledger> = Item::new("led");
pub const NATIVE: Item<NativeDenom> = Item::new("nat");
/// Short key on the hottest path: every transfer reads and writes two of these.
pub const BALANCES: Map<&Addr, Uint128> = Map::new("b");
/// (owner, spender) → allowance.
pub const ALLOWANCES: Map<(&Addr, &Addr), AllowanceResponse> = Map::new("ao");
/// (spender, owner) → allowance: the same entries indexed by spender, as cw20-base keeps them.
pub const ALLOWANCES_BY_SPENDER: Map<(&Addr, &Addr), AllowanceResponse> = Map::new("sa");
pub const MARKETING_INFO: Item<MarketingInfoResponse> = Item::new("mk");
pub const LOGO: Item<Logo> = Item::new("lg");
/// Per-address burn totals, over every burn path.
pub const BURNERS: Map<&Addr, Uint128> = Map::new("xb");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &["ti", "led", "nat", "b", "ao", "sa", "mk", "lg", "xb"];
