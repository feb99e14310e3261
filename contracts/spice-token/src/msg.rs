use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Uint128};
use cw20::{
    AllAccountsResponse, AllAllowancesResponse, AllSpenderAllowancesResponse, AllowanceResponse,
    BalanceResponse, Cw20Coin, DownloadLogoResponse, Expiration, Logo, MarketingInfoResponse,
    MinterResponse, TokenInfoResponse,
};
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::state::NativeDenom;

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
    /// Creates the tokenfactory twin at instantiation (attach the chain's denom creation fee).
    pub native: Option<EnableNative>,
}

/// cw20-base's marketing block, field for field.
#[cw_serde]
pub struct InstantiateMarketingInfo {
    pub project: Option<String>,
    pub description: Option<String>,
    pub marketing: Option<String>,
    pub logo: Option<Logo>,
}

/// The tokenfactory twin: `factory/{contract}/{subdenom}`, with bank metadata whose display
/// unit has `decimals` as exponent, so wallets show native and cw20 SPICE alike.
#[cw_serde]
pub struct EnableNative {
    pub subdenom: String,
    /// Bank metadata; name, symbol and display default to the cw20 token's.
    pub metadata: Option<NativeMetadata>,
}

#[cw_serde]
#[derive(Default)]
pub struct NativeMetadata {
    pub description: Option<String>,
    /// Display unit (e.g. `spice`); defaults to the lower-cased symbol.
    pub display: Option<String>,
    pub uri: Option<String>,
    pub uri_hash: Option<String>,
}

#[cw_serde]
pub enum ExecuteMsg {
    // ---- cw20, with cw20-base's semantics and JSON ----
    Transfer {
        recipient: String,
        amount: Uint128,
    },
    /// Burns from the sender's balance; recorded in `burn_stats` and `burners`.
    Burn {
        amount: Uint128,
    },
    Send {
        contract: String,
        amount: Uint128,
        msg: Binary,
    },
    IncreaseAllowance {
        spender: String,
        amount: Uint128,
        expires: Option<Expiration>,
    },
    DecreaseAllowance {
        spender: String,
        amount: Uint128,
        expires: Option<Expiration>,
    },
    TransferFrom {
        owner: String,
        recipient: String,
        amount: Uint128,
    },
    SendFrom {
        owner: String,
        contract: String,
        amount: Uint128,
        msg: Binary,
    },
    BurnFrom {
        owner: String,
        amount: Uint128,
    },
    /// Minter only; everything ever minted stays within the cap.
    Mint {
        recipient: String,
        amount: Uint128,
    },
    /// Minter only; `null` renounces minting for good.
    UpdateMinter {
        new_minter: Option<String>,
    },
    /// Marketing address only.
    UpdateMarketing {
        project: Option<String>,
        description: Option<String>,
        marketing: Option<String>,
    },
    /// Marketing address only; PNG or SVG up to 5 KiB, or a URL.
    UploadLogo(Logo),

    // ---- the tokenfactory twin ----
    /// Owner only, once: creates the native denom (attach the chain's creation fee).
    EnableNative(EnableNative),
    /// Burns the sender's cw20 SPICE and mints the same amount of native SPICE to
    /// `recipient` (default: the sender).
    ConvertToNative {
        amount: Uint128,
        recipient: Option<String>,
    },
    /// With native SPICE attached: burns it and credits the same amount of cw20 SPICE to
    /// `recipient` (default: the sender).
    ConvertToCw20 {
        recipient: Option<String>,
    },
    /// With native SPICE attached: burns it for good and records the burn (buyback-burn's path).
    BurnNative {},
    /// Owner only, once, irreversible, and only when the cap is fully minted: mints native
    /// SPICE equal to the cw20 supply into this contract as the reserve that backs cw20 SPICE,
    /// then hands the denom's tokenfactory admin to an address no one controls (the all-zero
    /// account). From then on the contract can never mint or burn native SPICE (nor burn it from
    /// anyone's account): conversions move native SPICE in and out of the reserve, and native
    /// burns stay in the reserve for good.
    RenounceNativeAdmin {},

    // ---- governance ----
    /// Two-step ownership transfer (cw-ownable): propose, accept, or renounce.
    UpdateOwnership(OwnershipAction),
    /// Owner only; `null` removes the guardian.
    SetGuardian {
        guardian: Option<String>,
    },
    /// Owner or guardian: stops minting and conversions into native SPICE. cw20 transfers,
    /// burns and conversions back to cw20 stay open, so no holder is ever frozen. Refused once
    /// ownership is renounced (no one could unpause); renouncing is refused while paused.
    Pause {},
    /// Owner only.
    Unpause {},
}

impl ExecuteMsg {
    /// Only these messages take coins; any other refuses them, so nothing sent by mistake is
    /// stranded in the contract.
    pub fn takes_funds(&self) -> bool {
        matches!(
            self,
            ExecuteMsg::EnableNative(_)
                | ExecuteMsg::ConvertToCw20 { .. }
                | ExecuteMsg::BurnNative {}
        )
    }
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    // ---- cw20 ----
    #[returns(BalanceResponse)]
    Balance { address: String },
    /// cw20's answer. `total_supply` is the cw20 supply only — the sum of the cw20 balances,
    /// as every cw20 tool expects it to be; native SPICE is a bank coin, counted by the bank.
    /// SPICE's whole circulating supply is `supply {}`'s `cw20_supply + native_supply`.
    #[returns(TokenInfoResponse)]
    TokenInfo {},
    /// `null` once minting has been renounced.
    #[returns(Option<MinterResponse>)]
    Minter {},
    #[returns(AllowanceResponse)]
    Allowance { owner: String, spender: String },
    #[returns(AllAllowancesResponse)]
    AllAllowances {
        owner: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(AllSpenderAllowancesResponse)]
    AllSpenderAllowances {
        spender: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(AllAccountsResponse)]
    AllAccounts {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(MarketingInfoResponse)]
    MarketingInfo {},
    #[returns(DownloadLogoResponse)]
    DownloadLogo {},

    // ---- SPICE ----
    #[returns(TokenConfigResponse)]
    Config {},
    /// `cw20_supply + native_supply + burned == minted <= cap`.
    #[returns(SupplyResponse)]
    Supply {},
    /// Burn totals by path.
    #[returns(BurnStatsResponse)]
    BurnStats {},
    /// Per-address burn totals, ascending by address.
    #[returns(BurnersResponse)]
    Burners {
        start_after: Option<String>,
        limit: Option<u32>,
    },

    // ---- governance ----
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
    /// The tokenfactory twin, once enabled.
    pub native: Option<NativeDenom>,
    /// True once `renounce_native_admin` ran: native SPICE can never be minted again.
    pub native_admin_renounced: bool,
}

#[cw_serde]
pub struct SupplyResponse {
    pub cap: Uint128,
    pub minted: Uint128,
    pub burned: Uint128,
    pub cw20_supply: Uint128,
    /// Native SPICE outside this contract.
    pub native_supply: Uint128,
    /// Native SPICE this contract holds once the tokenfactory admin is renounced (0 before):
    /// the bank's supply of the denom is `native_supply + native_reserve`.
    pub native_reserve: Uint128,
}

#[cw_serde]
pub struct BurnStatsResponse {
    pub cw20_burn: Uint128,
    pub cw20_burn_from: Uint128,
    pub native: Uint128,
    pub total: Uint128,
}

#[cw_serde]
pub struct BurnerInfo {
    pub address: String,
    pub burned: Uint128,
}

#[cw_serde]
pub struct BurnersResponse {
    pub burners: Vec<BurnerInfo>,
}

#[cw_serde]
pub struct MigrateMsg {}
