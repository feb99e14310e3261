//! `x/tokenfactory` emulation.
//!
//! Emulated: `MsgCreateDenom` (denom `factory/{creator}/{subdenom}`, the
//! creation fee sent from the creator to the community pool, duplicate refused
//! because the denom already has bank metadata, default metadata written like
//! the chain does), `MsgMint` (admin only; to `mint_to_address` or the sender),
//! `MsgBurn` (admin only; from `burn_from_address` or the sender — as on
//! Osmosis the admin may burn from **any** account except module accounts),
//! `MsgChangeAdmin`, `MsgSetDenomMetadata` (validated in full like the SDK's
//! `Metadata.Validate`, then stored as the bank module's metadata, so
//! `BankQuery::DenomMetadata` answers it). Module accounts are Osmosis' list
//! ([`OSMOSIS_MODULE_ACCOUNTS`]) for mint-to, and that list plus every other
//! module-type account (pools) for burn-from, as on the chain.
//! Queries (the whitelisted ones): `DenomAuthorityMetadata`, `Params`
//! (`denom_creation_gas_consume` 40,000,000 like mainnet). `DenomsFromCreator`
//! is not on the contract whitelist; tests read it through
//! [`denoms_from_creator`].
//!
//! Not emulated: `MsgForceTransfer`, `MsgSetBeforeSendHook`, the denom
//! creation gas charge itself (no gas metering; see
//! [`DENOM_CREATION_GAS_CONSUME`]), the "subdenom equal to a native denom" check.

use anyhow::{anyhow, ensure};
use cosmwasm_std::{Addr, Coin, DenomMetadata, DenomUnit, Empty, Event, Order, Storage, Uint128};
use cw_multi_test::AppResponse;
use cw_storage_plus::Map;
use osmosis_std::types::cosmos::bank::v1beta1::Metadata;
use osmosis_std::types::cosmos::base::v1beta1::Coin as ProtoCoin;
use osmosis_std::types::osmosis::tokenfactory::v1beta1 as tf;
use std::str::FromStr;

use crate::chain::{msg_response, ExecEnv};
use crate::AnyResult;
use cosmwasm_std::{CustomMsg, CustomQuery};
use serde::de::DeserializeOwned;

/// `MaxSubdenomLength` of x/tokenfactory.
const MAX_SUBDENOM_LENGTH: usize = 44;
/// `MaxCreatorLength` of x/tokenfactory (59 + `MaxHrpLength` 16).
const MAX_CREATOR_LENGTH: usize = 75;

/// Admin of each factory denom (`DenomAuthorityMetadata`).
const ADMINS: Map<&str, String> = Map::new("osmo_tf_admin");
/// Denoms by creator, for `DenomsFromCreator`.
const DENOMS_BY_CREATOR: Map<(&str, &str), Empty> = Map::new("osmo_tf_creator");
/// cw-multi-test's bank keeps denom metadata in this map at the root of the
/// app storage; writing it makes `BankQuery::DenomMetadata` answer like the
/// chain's bank module. A test in this crate guards the coupling.
const BANK_METADATA: Map<String, DenomMetadata> = Map::new("metadata");

/// The modules of Osmosis v31's `moduleAccountPermissions` (app/modules.go): tokenfactory's
/// `IsModuleAcc` list, refused as a mint-to and a burn-from address.
pub const OSMOSIS_MODULE_ACCOUNTS: &[&str] = &[
    "fee_collector",
    "distribution",
    "ibchooks",
    "interchainaccounts",
    "interchainquery",
    "mint",
    "developer_vesting_unvested",
    "bonded_tokens_pool",
    "not_bonded_tokens_pool",
    "gov",
    "transfer",
    "gamm",
    "incentives",
    "protorev",
    "lockup",
    "poolincentives",
    "superfluid",
    "txfees",
    "non_native_fee_collector",
    "non_native_fee_collector_stakers",
    "non_native_fee_collector_community_pool",
    "non_native_fee_collector_burn",
    "taker_fee_collector",
    "taker_fee_staking_rewards_buffer",
    "wasm",
    "tokenfactory",
    "valsetpref",
    "poolmanager",
    "cosmwasmpool",
    "auction",
    "smartaccount",
];

/// Which addresses tokenfactory treats as module accounts.
pub(crate) struct ModuleAccounts<'a> {
    /// The addresses of [`OSMOSIS_MODULE_ACCOUNTS`].
    pub listed: Vec<Addr>,
    /// Other accounts of type `ModuleAccountI` (pool accounts, the CL module's).
    pub other: &'a dyn Fn(&dyn Storage, &Addr) -> AnyResult<bool>,
}

impl ModuleAccounts<'_> {
    fn is_listed(&self, address: &Addr) -> bool {
        self.listed.contains(address)
    }

    fn is_module_account(&self, storage: &dyn Storage, address: &Addr) -> AnyResult<bool> {
        (self.other)(storage, address)
    }
}

/// Gas `MsgCreateDenom` consumes on Osmosis (`denom_creation_gas_consume`, set to 40,000,000 by
/// the v16 upgrade; the fee in coins is empty since). The emulation does not meter gas; a
/// contract creating a denom must budget this on top of its own (Osmosis' block gas limit is
/// 300,000,000).
pub const DENOM_CREATION_GAS_CONSUME: u64 = 40_000_000;

/// Tokenfactory parameters of the emulated chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenfactoryParams {
    /// Charged from the creator on `MsgCreateDenom` and sent to the community pool. Osmosis
    /// mainnet charges none (since v16 it charges gas instead); the default here is none.
    pub denom_creation_fee: Vec<Coin>,
    /// Answered in `Params` as `denom_creation_gas_consume`; mainnet's by default.
    pub denom_creation_gas_consume: u64,
}

impl Default for TokenfactoryParams {
    fn default() -> Self {
        Self {
            denom_creation_fee: vec![],
            denom_creation_gas_consume: DENOM_CREATION_GAS_CONSUME,
        }
    }
}

/// `factory/{creator}/{subdenom}`.
pub fn factory_denom(creator: impl AsRef<str>, subdenom: &str) -> String {
    format!("factory/{}/{subdenom}", creator.as_ref())
}

/// The admin of a factory denom, if the denom exists.
pub fn denom_admin(storage: &dyn Storage, denom: &str) -> AnyResult<Option<String>> {
    Ok(ADMINS.may_load(storage, denom)?)
}

/// The cosmos-sdk `ValidateDenom` rule: `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`.
pub(crate) fn validate_denom(denom: &str) -> AnyResult<()> {
    let mut chars = denom.chars();
    let valid = denom.len() >= 3
        && denom.len() <= 128
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c));
    ensure!(valid, "invalid denom: {denom}");
    Ok(())
}

fn proto_coin(coin: Option<ProtoCoin>, what: &str) -> AnyResult<Coin> {
    let coin = coin.ok_or_else(|| anyhow!("{what}: invalid coins (missing amount)"))?;
    let amount = Uint128::from_str(&coin.amount)
        .map_err(|e| anyhow!("{}{}: invalid coins ({e})", coin.amount, coin.denom))?;
    validate_denom(&coin.denom)
        .map_err(|e| anyhow!("{amount}{}: invalid coins ({e})", coin.denom))?;
    ensure!(!amount.is_zero(), "{amount}{}: invalid coins", coin.denom);
    Ok(Coin::new(amount, coin.denom))
}

fn ensure_admin(storage: &dyn Storage, denom: &str, sender: &Addr) -> AnyResult<()> {
    // An unknown denom has an empty admin on the chain, so it fails the same way.
    let admin = ADMINS.may_load(storage, denom)?.unwrap_or_default();
    ensure!(admin == sender.as_str(), "unauthorized account");
    Ok(())
}

pub(crate) fn create_denom<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    params: &TokenfactoryParams,
    community_pool: &Addr,
    sender: &Addr,
    msg: tf::MsgCreateDenom,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    ensure!(
        msg.subdenom.len() <= MAX_SUBDENOM_LENGTH,
        "subdenom too long, max length is {MAX_SUBDENOM_LENGTH} bytes"
    );
    ensure!(
        sender.as_str().len() <= MAX_CREATOR_LENGTH,
        "creator too long, max length is {MAX_CREATOR_LENGTH} bytes"
    );
    let denom = factory_denom(sender, &msg.subdenom);
    validate_denom(&denom)?;
    ensure!(
        !BANK_METADATA.has(storage, denom.clone()),
        "attempting to create a denom that already exists (has bank metadata)"
    );

    let mut events = env.send(
        storage,
        sender,
        community_pool,
        params.denom_creation_fee.clone(),
    )?;

    BANK_METADATA.save(
        storage,
        denom.clone(),
        &DenomMetadata {
            description: String::new(),
            denom_units: vec![DenomUnit {
                denom: denom.clone(),
                exponent: 0,
                aliases: vec![],
            }],
            base: denom.clone(),
            display: denom.clone(),
            name: denom.clone(),
            symbol: denom.clone(),
            uri: String::new(),
            uri_hash: String::new(),
        },
    )?;
    ADMINS.save(storage, &denom, &sender.to_string())?;
    DENOMS_BY_CREATOR.save(storage, (sender.as_str(), &denom), &Empty {})?;

    events.push(
        Event::new("create_denom")
            .add_attribute("creator", sender)
            .add_attribute("new_token_denom", &denom),
    );
    Ok(msg_response(
        tf::MsgCreateDenomResponse::TYPE_URL,
        &tf::MsgCreateDenomResponse {
            new_token_denom: denom,
        },
        events,
    ))
}

pub(crate) fn mint<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    module_accounts: &ModuleAccounts,
    sender: &Addr,
    msg: tf::MsgMint,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let amount = proto_coin(msg.amount, "mint amount")?;
    ensure!(
        BANK_METADATA.has(storage, amount.denom.clone()),
        "denom: {}: denom does not exist",
        amount.denom
    );
    ensure_admin(storage, &amount.denom, sender)?;
    let to = if msg.mint_to_address.is_empty() {
        sender.clone()
    } else {
        env.api.addr_validate(&msg.mint_to_address)?
    };
    // mintTo refuses the module accounts of the app's `maccPerms` only: a pool's account is a
    // module account but not on that list, so minting into a pool is allowed, as on Osmosis.
    ensure!(
        !module_accounts.is_listed(&to),
        "minting to Module Account is not allowed"
    );
    env.mint(storage, &to, vec![amount.clone()])?;
    let events = vec![Event::new("tf_mint")
        .add_attribute("mint_to_address", &to)
        .add_attribute("amount", amount.to_string())];
    Ok(msg_response(
        tf::MsgMintResponse::TYPE_URL,
        &tf::MsgMintResponse {},
        events,
    ))
}

pub(crate) fn burn<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    module_accounts: &ModuleAccounts,
    sender: &Addr,
    msg: tf::MsgBurn,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let amount = proto_coin(msg.amount, "burn amount")?;
    ensure_admin(storage, &amount.denom, sender)?;
    // Osmosis lets the admin burn from any account; the SPICE token contract
    // must never expose that power.
    let from = if msg.burn_from_address.is_empty() {
        sender.clone()
    } else {
        env.api.addr_validate(&msg.burn_from_address)?
    };
    // Burn refuses any `ModuleAccountI` (pools included) and burnFrom the `maccPerms` list.
    ensure!(
        !module_accounts.is_listed(&from) && !module_accounts.is_module_account(storage, &from)?,
        "burning from Module Account is not allowed"
    );
    let mut events = env.burn(storage, &from, vec![amount.clone()])?;
    events.push(
        Event::new("tf_burn")
            .add_attribute("burn_from_address", &from)
            .add_attribute("amount", amount.to_string()),
    );
    Ok(msg_response(
        tf::MsgBurnResponse::TYPE_URL,
        &tf::MsgBurnResponse {},
        events,
    ))
}

pub(crate) fn change_admin(
    api: &dyn cosmwasm_std::Api,
    storage: &mut dyn Storage,
    sender: &Addr,
    msg: tf::MsgChangeAdmin,
) -> AnyResult<AppResponse> {
    ensure_admin(storage, &msg.denom, sender)?;
    let new_admin = api.addr_validate(&msg.new_admin)?;
    ADMINS.save(storage, &msg.denom, &new_admin.to_string())?;
    let events = vec![Event::new("change_admin")
        .add_attribute("denom", &msg.denom)
        .add_attribute("new_admin", &new_admin)];
    Ok(msg_response(
        tf::MsgChangeAdminResponse::TYPE_URL,
        &tf::MsgChangeAdminResponse {},
        events,
    ))
}

/// cosmos-sdk's `bank.Metadata.Validate` (x/bank/types/metadata.go), check for check and in its
/// order, with its error texts; then tokenfactory's `DeconstructDenom` of the base.
pub fn validate_metadata(metadata: &Metadata) -> AnyResult<()> {
    ensure!(
        !metadata.name.trim().is_empty(),
        "name field cannot be blank"
    );
    ensure!(
        !metadata.symbol.trim().is_empty(),
        "symbol field cannot be blank"
    );
    validate_denom(&metadata.base).map_err(|e| anyhow!("invalid metadata base denom: {e}"))?;
    validate_denom(&metadata.display)
        .map_err(|e| anyhow!("invalid metadata display denom: {e}"))?;
    let mut has_display = false;
    let mut current_exponent = 0u32;
    let mut seen_units = std::collections::BTreeSet::new();
    // Bounded by the message's own units.
    for (i, unit) in metadata.denom_units.iter().enumerate() {
        if i == 0 {
            ensure!(
                unit.denom == metadata.base,
                "metadata's first denomination unit must be the one with base denom '{}'",
                metadata.base
            );
            ensure!(
                unit.exponent == 0,
                "the exponent for base denomination unit {} must be 0",
                metadata.base
            );
        } else {
            ensure!(
                current_exponent < unit.exponent,
                "denom units should be sorted asc by exponent"
            );
        }
        current_exponent = unit.exponent;
        ensure!(
            !seen_units.contains(unit.denom.as_str()),
            "duplicate denomination unit {}",
            unit.denom
        );
        if unit.denom == metadata.display {
            has_display = true;
        }
        // DenomUnit.Validate
        validate_denom(&unit.denom).map_err(|e| anyhow!("invalid denom unit: {e}"))?;
        let mut seen_aliases = std::collections::BTreeSet::new();
        for alias in &unit.aliases {
            ensure!(
                !seen_aliases.contains(alias.as_str()),
                "duplicate denomination unit alias {alias}"
            );
            ensure!(
                !alias.trim().is_empty(),
                "alias for denom unit {} cannot be blank",
                unit.denom
            );
            seen_aliases.insert(alias.as_str());
        }
        seen_units.insert(unit.denom.as_str());
    }
    ensure!(
        has_display,
        "metadata must contain a denomination unit with display denom '{}'",
        metadata.display
    );
    deconstruct_denom(&metadata.base)?;
    Ok(())
}

/// tokenfactory's `DeconstructDenom`: `factory/{valid creator}/{subdenom}`.
fn deconstruct_denom(denom: &str) -> AnyResult<()> {
    let parts: Vec<&str> = denom.splitn(3, '/').collect();
    ensure!(
        parts.len() == 3 && parts[0] == "factory",
        "denom prefix is incorrect. Is: {}.  Should be: factory: invalid denom",
        parts[0]
    );
    ensure!(
        !parts[1].is_empty() && parts[1].len() <= MAX_CREATOR_LENGTH,
        "Invalid creator address ({}): invalid denom",
        parts[1]
    );
    Ok(())
}

pub(crate) fn set_denom_metadata(
    storage: &mut dyn Storage,
    sender: &Addr,
    msg: tf::MsgSetDenomMetadata,
) -> AnyResult<AppResponse> {
    let metadata = msg
        .metadata
        .ok_or_else(|| anyhow!("metadata is required"))?;
    // ValidateBasic, before the message reaches the keeper.
    validate_metadata(&metadata)?;
    ensure_admin(storage, &metadata.base, sender)?;
    let stored = DenomMetadata {
        description: metadata.description.clone(),
        denom_units: metadata
            .denom_units
            .iter()
            .map(|u| DenomUnit {
                denom: u.denom.clone(),
                exponent: u.exponent,
                aliases: u.aliases.clone(),
            })
            .collect(),
        base: metadata.base.clone(),
        display: metadata.display.clone(),
        name: metadata.name.clone(),
        symbol: metadata.symbol.clone(),
        uri: metadata.uri.clone(),
        uri_hash: metadata.uri_hash.clone(),
    };
    BANK_METADATA.save(storage, metadata.base.clone(), &stored)?;
    let events = vec![Event::new("set_denom_metadata").add_attribute("denom", &metadata.base)];
    Ok(msg_response(
        tf::MsgSetDenomMetadataResponse::TYPE_URL,
        &tf::MsgSetDenomMetadataResponse {},
        events,
    ))
}

pub(crate) fn query_denom_authority_metadata(
    storage: &dyn Storage,
    req: tf::QueryDenomAuthorityMetadataRequest,
) -> AnyResult<tf::QueryDenomAuthorityMetadataResponse> {
    // Like the chain, an unknown denom answers an empty admin rather than an error.
    let admin = ADMINS.may_load(storage, &req.denom)?.unwrap_or_default();
    Ok(tf::QueryDenomAuthorityMetadataResponse {
        authority_metadata: Some(tf::DenomAuthorityMetadata { admin }),
    })
}

/// The denoms `creator` created (what the chain's `DenomsFromCreator` gRPC query lists; that
/// query is not on Osmosis' contract whitelist, so only tests read it, through this).
pub fn denoms_from_creator(storage: &dyn Storage, creator: &str) -> AnyResult<Vec<String>> {
    Ok(DENOMS_BY_CREATOR
        .prefix(creator)
        .keys(storage, None, None, Order::Ascending)
        .collect::<Result<Vec<String>, _>>()?)
}

pub(crate) fn query_params(params: &TokenfactoryParams) -> tf::QueryParamsResponse {
    tf::QueryParamsResponse {
        params: Some(tf::Params {
            denom_creation_fee: params
                .denom_creation_fee
                .iter()
                .cloned()
                .map(ProtoCoin::from)
                .collect(),
            denom_creation_gas_consume: params.denom_creation_gas_consume,
        }),
    }
}
