//! The tokenfactory twin: native SPICE (`factory/{contract}/{subdenom}`) that trades in
//! Osmosis pools, convertible 1:1 with cw20 SPICE both ways.
//!
//! Trust: this contract is the denom's tokenfactory admin, and the chain lets an admin mint any
//! amount and burn from any account. The contract never uses either power beyond this:
//! it mints native SPICE only after burning the same amount of the caller's cw20 SPICE (so the
//! cap still bounds everything), and burns native SPICE only from its own balance, which holds
//! exactly what callers attached. Holders trust the contract's code (and whoever may migrate
//! it) not to change that.
//!
//! Once the cap is fully minted the owner may renounce the admin (`renounce_native_admin`,
//! irreversible): the contract mints native SPICE equal to the cw20 supply into itself as a
//! reserve — its last mint — and hands the admin to the all-zero account, which no key
//! controls. After that no one can mint native SPICE or burn it from any account; holders then
//! trust only the bank module. cw20 ⇄ native conversions keep working 1:1 out of and into the
//! reserve (`reserve >= cw20_supply` always), and native burns stay in the reserve for good.

use cosmwasm_std::{
    BankMsg, CanonicalAddr, Coin, CosmosMsg, Deps, DepsMut, Env, MessageInfo, Response, Uint128,
};
use osmosis_std::types::cosmos::bank::v1beta1::{DenomUnit, Metadata};
use osmosis_std::types::cosmos::base::v1beta1::Coin as ProtoCoin;
use osmosis_std::types::osmosis::tokenfactory::v1beta1::{
    MsgBurn, MsgChangeAdmin, MsgCreateDenom, MsgMint, MsgSetDenomMetadata, TokenfactoryQuerier,
};
use spice_types::spice_event;

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::balances::{credit, debit, nonzero, record_burner, update_ledger};
use crate::msg::EnableNative;
use crate::state::{Ledger, NativeDenom, NATIVE, NATIVE_RESERVE, TOKEN_INFO};

/// Osmosis' limit on a tokenfactory subdenom.
pub const MAX_SUBDENOM_LEN: usize = 44;

fn validate_subdenom(subdenom: &str) -> Result<(), ContractError> {
    let ok = (1..=MAX_SUBDENOM_LEN).contains(&subdenom.len())
        && subdenom
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !ok {
        return Err(ContractError::InvalidSubdenom {
            subdenom: subdenom.to_string(),
        });
    }
    Ok(())
}

fn coin_strings(coins: impl Iterator<Item = (String, String)>) -> Vec<String> {
    let mut list: Vec<String> = coins
        .map(|(amount, denom)| format!("{amount}{denom}"))
        .collect();
    list.sort();
    list
}

/// The chain charges the creation fee from this contract, so the caller must attach exactly it.
fn check_creation_fee(deps: Deps, funds: &[Coin]) -> Result<(), ContractError> {
    let params = TokenfactoryQuerier::new(&deps.querier).params()?;
    let expected = coin_strings(
        params
            .params
            .map(|p| p.denom_creation_fee)
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c.amount, c.denom)),
    );
    let received = coin_strings(
        funds
            .iter()
            .map(|c| (c.amount.to_string(), c.denom.clone())),
    );
    if expected != received {
        return Err(ContractError::CreationFeeMismatch { expected, received });
    }
    Ok(())
}

/// The denom units and display of the bank metadata, valid as the SDK's `Metadata.Validate`
/// requires (the chain refuses the whole message otherwise): the base unit first with exponent
/// 0, exponents strictly ascending, no denom twice, the display among the units, every denom
/// valid. With `decimals == 0` the display unit would repeat exponent 0, so the base unit is
/// the only unit and the display, with the display name as its alias.
fn denom_units(
    base: &str,
    display: String,
    decimals: u8,
) -> Result<(Vec<DenomUnit>, String), ContractError> {
    let invalid = |reason: String| ContractError::InvalidDisplayDenom {
        display: display.clone(),
        reason,
    };
    spice_types::validate_denom(&display).map_err(|e| invalid(e.to_string()))?;
    if display == base {
        return Err(invalid("it is the base denom itself".into()));
    }
    if decimals == 0 {
        let units = vec![DenomUnit {
            denom: base.to_string(),
            exponent: 0,
            aliases: vec![display],
        }];
        return Ok((units, base.to_string()));
    }
    let units = vec![
        DenomUnit {
            denom: base.to_string(),
            exponent: 0,
            aliases: vec![],
        },
        DenomUnit {
            denom: display.clone(),
            exponent: u32::from(decimals),
            aliases: vec![],
        },
    ];
    Ok((units, display))
}

/// Messages creating the denom and its metadata; shared by instantiate and `enable_native`.
///
/// Gas: on Osmosis `MsgCreateDenom` charges no coins but consumes 40,000,000 gas
/// (`denom_creation_gas_consume`, v16), on top of this call's own; the transaction that
/// instantiates the token or calls `enable_native` must budget it (the block limit is 300M).
/// The metadata must pass the SDK's `Metadata.Validate`: a `display` equal to the base (or
/// `decimals` 0, which gives the display unit exponent 0 like the base) is refused by the
/// chain as a duplicate or unsorted unit, failing the whole call.
pub fn enable_native_msgs(
    deps: DepsMut,
    env: &Env,
    funds: &[Coin],
    enable: EnableNative,
) -> Result<(Vec<CosmosMsg>, NativeDenom), ContractError> {
    if let Some(existing) = NATIVE.may_load(deps.storage)? {
        return Err(ContractError::NativeAlreadyEnabled {
            denom: existing.denom,
        });
    }
    validate_subdenom(&enable.subdenom)?;
    check_creation_fee(deps.as_ref(), funds)?;
    let contract = env.contract.address.to_string();
    let native = NativeDenom {
        denom: format!("factory/{contract}/{}", enable.subdenom),
        subdenom: enable.subdenom,
    };
    NATIVE.save(deps.storage, &native)?;

    let token = TOKEN_INFO.load(deps.storage)?;
    let meta = enable.metadata.unwrap_or_default();
    let display = meta.display.unwrap_or_else(|| token.symbol.to_lowercase());
    let (denom_units, display) = denom_units(&native.denom, display, token.decimals)?;
    let metadata = Metadata {
        description: meta.description.unwrap_or_default(),
        denom_units,
        base: native.denom.clone(),
        display,
        name: token.name,
        symbol: token.symbol,
        uri: meta.uri.unwrap_or_default(),
        uri_hash: meta.uri_hash.unwrap_or_default(),
    };
    let msgs = vec![
        MsgCreateDenom {
            sender: contract.clone(),
            subdenom: native.subdenom.clone(),
        }
        .into(),
        MsgSetDenomMetadata {
            sender: contract,
            metadata: Some(metadata),
        }
        .into(),
    ];
    Ok((msgs, native))
}

pub fn enable(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    enable: EnableNative,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    let (msgs, native) = enable_native_msgs(deps, &env, &info.funds, enable)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_event(spice_event(TAG, "enable_native").add_attribute("denom", native.denom)))
}

fn native_denom(deps: Deps) -> Result<NativeDenom, ContractError> {
    NATIVE
        .may_load(deps.storage)?
        .ok_or(ContractError::NativeNotEnabled)
}

/// Exactly one coin, of native SPICE, above zero.
fn attached_native(info: &MessageInfo, denom: &str) -> Result<Uint128, ContractError> {
    cw_utils::must_pay(info, denom).map_err(|e| ContractError::native_funds(denom, e))
}

fn proto_coin(amount: Uint128, denom: &str) -> Option<ProtoCoin> {
    Some(ProtoCoin {
        denom: denom.to_string(),
        amount: amount.to_string(),
    })
}

pub fn convert_to_native(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
    recipient: Option<String>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    nonzero(amount)?;
    let native = native_denom(deps.as_ref())?;
    let recipient = match recipient {
        Some(r) => deps.api.addr_validate(&r)?,
        None => info.sender.clone(),
    };
    debit(deps.storage, &info.sender, amount)?;
    update_ledger(deps.storage, |ledger| {
        ledger.cw20_supply = ledger.cw20_supply.checked_sub(amount)?;
        ledger.native_supply = ledger.native_supply.checked_add(amount)?;
        Ok(())
    })?;
    // Minted while this contract is the admin; paid out of the reserve once it renounced.
    let (msg, source): (CosmosMsg, _) = match NATIVE_RESERVE.may_load(deps.storage)? {
        None => (
            MsgMint {
                sender: env.contract.address.to_string(),
                amount: proto_coin(amount, &native.denom),
                mint_to_address: recipient.to_string(),
            }
            .into(),
            "mint",
        ),
        Some(reserve) => {
            let left = reserve.checked_sub(amount).map_err(|_| {
                ContractError::InsufficientNativeReserve {
                    needed: amount,
                    available: reserve,
                }
            })?;
            NATIVE_RESERVE.save(deps.storage, &left)?;
            (
                BankMsg::Send {
                    to_address: recipient.to_string(),
                    amount: vec![Coin::new(amount, &native.denom)],
                }
                .into(),
                "reserve",
            )
        }
    };
    Ok(Response::new().add_message(msg).add_event(
        spice_event(TAG, "convert_to_native")
            .add_attribute("sender", info.sender)
            .add_attribute("recipient", recipient)
            .add_attribute("amount", amount)
            .add_attribute("denom", native.denom)
            .add_attribute("source", source),
    ))
}

pub fn convert_to_cw20(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    recipient: Option<String>,
) -> Result<Response, ContractError> {
    let native = native_denom(deps.as_ref())?;
    let amount = attached_native(&info, &native.denom)?;
    let recipient = match recipient {
        Some(r) => deps.api.addr_validate(&r)?,
        None => info.sender.clone(),
    };
    update_ledger(deps.storage, |ledger| {
        ledger.native_supply = ledger.native_supply.checked_sub(amount)?;
        ledger.cw20_supply = ledger.cw20_supply.checked_add(amount)?;
        Ok(())
    })?;
    credit(deps.storage, &recipient, amount)?;
    let (response, sink) = burn_or_reserve(deps, &env, amount, &native.denom)?;
    Ok(response.add_event(
        spice_event(TAG, "convert_to_cw20")
            .add_attribute("sender", info.sender)
            .add_attribute("recipient", recipient)
            .add_attribute("amount", amount)
            .add_attribute("denom", native.denom)
            .add_attribute("sink", sink),
    ))
}

pub fn burn_native(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    let native = native_denom(deps.as_ref())?;
    let amount = attached_native(&info, &native.denom)?;
    let ledger = update_ledger(deps.storage, |ledger| {
        ledger.native_supply = ledger.native_supply.checked_sub(amount)?;
        ledger.burned_native = ledger.burned_native.checked_add(amount)?;
        Ok(())
    })?;
    let burner_total = record_burner(deps.storage, &info.sender, amount)?;
    let (response, sink) = burn_or_reserve(deps, &env, amount, &native.denom)?;
    Ok(response.add_event(
        spice_event(TAG, "burn_native")
            .add_attribute("burner", info.sender)
            .add_attribute("amount", amount)
            .add_attribute("burner_total", burner_total)
            .add_attribute("total_burned", ledger.burned())
            .add_attribute("sink", sink),
    ))
}

/// Native SPICE this contract received and must take out of circulation: burned while it is the
/// admin, added to the reserve (where it backs cw20 SPICE or stays burned) once it renounced.
fn burn_or_reserve(
    deps: DepsMut,
    env: &Env,
    amount: Uint128,
    denom: &str,
) -> Result<(Response, &'static str), ContractError> {
    match NATIVE_RESERVE.may_load(deps.storage)? {
        None => Ok((
            Response::new().add_message(burn_own(env, amount, denom)),
            "burn",
        )),
        Some(reserve) => {
            NATIVE_RESERVE.save(deps.storage, &reserve.checked_add(amount)?)?;
            Ok((Response::new(), "reserve"))
        }
    }
}

/// The account the tokenfactory admin is handed to on renounce: twenty zero bytes, the
/// conventional null address, whose key no one can know.
pub fn null_address(deps: Deps) -> Result<String, ContractError> {
    Ok(deps
        .api
        .addr_humanize(&CanonicalAddr::from(vec![0u8; 20]))?
        .into_string())
}

/// Owner only, once, when the cap is fully minted: the last native mint (the reserve, equal to
/// the cw20 supply, into this contract) and the admin handed to the null address.
pub fn renounce_admin(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    spice_governance::assert_owner(deps.storage, &info.sender)?;
    let native = native_denom(deps.as_ref())?;
    if NATIVE_RESERVE.exists(deps.storage) {
        return Err(ContractError::NativeAdminRenounced {
            denom: native.denom,
        });
    }
    let ledger = Ledger::load(deps.storage)?;
    if ledger.minted < ledger.cap {
        return Err(ContractError::CapNotFullyMinted {
            minted: ledger.minted,
            cap: ledger.cap,
        });
    }
    let reserve = ledger.cw20_supply;
    NATIVE_RESERVE.save(deps.storage, &reserve)?;
    let contract = env.contract.address.to_string();
    let new_admin = null_address(deps.as_ref())?;
    let mut response = Response::new();
    if !reserve.is_zero() {
        response = response.add_message(MsgMint {
            sender: contract.clone(),
            amount: proto_coin(reserve, &native.denom),
            mint_to_address: contract.clone(),
        });
    }
    Ok(response
        .add_message(MsgChangeAdmin {
            sender: contract,
            denom: native.denom.clone(),
            new_admin: new_admin.clone(),
        })
        .add_event(
            spice_event(TAG, "renounce_native_admin")
                .add_attribute("denom", native.denom)
                .add_attribute("new_admin", new_admin)
                .add_attribute("reserve", reserve),
        ))
}

/// Burns from this contract's own balance only: an empty `burn_from_address` means the
/// sender (this contract) on every Osmosis version.
fn burn_own(env: &Env, amount: Uint128, denom: &str) -> CosmosMsg {
    MsgBurn {
        sender: env.contract.address.to_string(),
        amount: proto_coin(amount, denom),
        burn_from_address: String::new(),
    }
    .into()
}
