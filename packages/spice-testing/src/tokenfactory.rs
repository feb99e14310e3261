//! `x/tokenfactory` emulation.
//!
//! Emulated: `MsgCreateDenom` (denom `factory/{creator}/{subdenom}`, the
//! creation fee sent from the creator to the community pool, duplicate refused
//! because the denom already has bank metadata, default metadata written like
//! the chain does), `MsgMint` (admin only; to `mint_to_address` or the sender),
//! `MsgBurn` (admin only; from `burn_from_address` or the sender — as on
//! Osmosis the admin may burn from **any** account, but not from module
//! accounts such as pools), `MsgChangeAdmin`, `MsgSetDenomMetadata` (stored as
//! the bank module's metadata, so `BankQuery::DenomMetadata` answers it).
//! Queries: `DenomAuthorityMetadata`, `DenomsFromCreator`, `Params`.
//!
//! Not emulated: `MsgForceTransfer`, `MsgSetBeforeSendHook`, the denom
//! creation gas charge, the "subdenom equal to a native denom" check.

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

/// Tokenfactory parameters of the emulated chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenfactoryParams {
    /// Charged from the creator on `MsgCreateDenom` and sent to the community
    /// pool. Osmosis mainnet charges a fee; the default here is none.
    pub denom_creation_fee: Vec<Coin>,
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
    module_accounts: &dyn Fn(&dyn Storage, &Addr) -> AnyResult<bool>,
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
    ensure!(
        !module_accounts(storage, &to)?,
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
    module_accounts: &dyn Fn(&dyn Storage, &Addr) -> AnyResult<bool>,
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
    ensure!(
        !module_accounts(storage, &from)?,
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

/// The checks of the SDK's `bank.Metadata.Validate` that matter here.
fn validate_metadata(metadata: &Metadata) -> AnyResult<()> {
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
    let first = metadata
        .denom_units
        .first()
        .ok_or_else(|| anyhow!("metadata must contain at least one denomination unit"))?;
    ensure!(
        first.denom == metadata.base && first.exponent == 0,
        "metadata's first denomination unit must be the one with base denom '{}' and exponent 0",
        metadata.base
    );
    let mut previous = 0u32;
    for (i, unit) in metadata.denom_units.iter().enumerate() {
        ensure!(
            i == 0 || unit.exponent > previous,
            "the denomination units must be sorted in ascending order"
        );
        previous = unit.exponent;
    }
    ensure!(
        metadata
            .denom_units
            .iter()
            .any(|u| u.denom == metadata.display),
        "metadata must contain a denomination unit with display denom '{}'",
        metadata.display
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

pub(crate) fn query_denoms_from_creator(
    storage: &dyn Storage,
    req: tf::QueryDenomsFromCreatorRequest,
) -> AnyResult<tf::QueryDenomsFromCreatorResponse> {
    let denoms = DENOMS_BY_CREATOR
        .prefix(req.creator.as_str())
        .keys(storage, None, None, Order::Ascending)
        .collect::<Result<Vec<String>, _>>()?;
    Ok(tf::QueryDenomsFromCreatorResponse { denoms })
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
            denom_creation_gas_consume: 0,
        }),
    }
}
