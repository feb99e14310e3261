use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::Uint128;
use cw20::{BalanceResponse, Cw20Coin, Logo, MinterResponse, TokenInfoResponse};
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::state::SupplyTotals;

/// A superset of cw20-base 2.0's instantiate message: a cw20-base message instantiates SPICE
/// unchanged; the SPICE-only fields are optional.
#[cw_serde]
pub struct InstantiateMsg {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    pub initial_balances: Vec<Cw20Coin>,
    /// The minter and the hard cap on everything ever minted (burns never free room).
    pub mint: Option<MinterResponse>,
    pub marketing: Option<InstantiateMarketingInfo>,
    /// Governance (a DAO or the gov module); defaults to the instantiator.
    pub owner: Option<String>,
    /// May pause, never unpause.
    pub guardian: Option<String>,
}

/// cw20-base's marketing block, field for field.
#[cw_serde]
pub struct InstantiateMarketingInfo {
    pub project: Option<String>,
    pub description: Option<String>,
    pub marketing: Option<String>,
    pub logo: Option<Logo>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Two-step ownership transfer (cw-ownable): propose, accept, or renounce.
    UpdateOwnership(OwnershipAction),
    /// Owner only; `null` removes the guardian.
    SetGuardian { guardian: Option<String> },
    /// Owner or guardian.
    Pause {},
    /// Owner only.
    Unpause {},
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(TokenConfigResponse)]
    Config {},
    /// cw20: name, symbol, decimals and the cw20 supply.
    #[returns(TokenInfoResponse)]
    TokenInfo {},
    /// cw20: an account's cw20 balance (0 for unknown accounts).
    #[returns(BalanceResponse)]
    Balance { address: String },
    /// The supply ledger: `cw20_supply + native_supply + burned == minted <= cap`.
    #[returns(SupplyTotals)]
    Supply {},
    #[returns(spice_governance::Ownership<String>)]
    Ownership {},
    #[returns(PauseInfoResponse)]
    PauseInfo {},
}

#[cw_serde]
pub struct TokenConfigResponse {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    pub cap: Uint128,
    pub minter: Option<String>,
}

#[cw_serde]
pub struct MigrateMsg {}
