//! Providers' capacity offers: post, withdraw, and the offer state machine.

use cosmwasm_std::{
    Addr, BankMsg, Coin, Decimal, Deps, DepsMut, Env, Event, MessageInfo, Response,
};
use spice_types::{spice_event, ProviderAuditQuery, ProviderAuditResponse};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::book::{enqueue, insert_ask, nonpayable, open_offers_dec, remove_ask};
use crate::execute::orders::check_expiry;
use crate::spec::{offer_class, validate_capacity, Capacity, MAX_UNITS};
use crate::state::{
    may_load_offer, next_offer_id, save_offer, Config, Offer, OfferStatus, Pending, CONFIG,
    OPEN_OFFERS,
};

/// The one place an offer's status changes: open → exhausted | withdrawn | expired, and
/// exhausted → open only when the escrow refused the lease of the fill that used it up
/// (`matching::reply` undoes that fill in the same transaction).
pub fn transition(offer: &mut Offer, to: OfferStatus) -> Result<(), ContractError> {
    match (offer.status, to) {
        (
            OfferStatus::Open,
            OfferStatus::Exhausted | OfferStatus::Withdrawn | OfferStatus::Expired,
        )
        | (OfferStatus::Exhausted, OfferStatus::Open) => {
            offer.status = to;
            Ok(())
        }
        (from, to) => Err(ContractError::InvalidOfferTransition {
            offer_id: offer.id,
            from: from.name().into(),
            to: to.name().into(),
        }),
    }
}

/// Takes an open offer out of the book into a terminal status; returns the deposit it held
/// (the caller refunds it).
pub fn close(
    deps: &mut DepsMut,
    offer: &mut Offer,
    to: OfferStatus,
) -> Result<Option<Coin>, ContractError> {
    remove_ask(deps.storage, offer)?;
    transition(offer, to)?;
    open_offers_dec(deps.storage, &offer.provider)?;
    let held = offer.deposit.take();
    save_offer(deps.storage, offer, false)?;
    Ok(held)
}

/// The refund of an offer's deposit to its provider, with its event.
pub fn refund_deposit(offer_id: u64, provider: &Addr, deposit: Coin) -> (BankMsg, Event) {
    let event = spice_event(TAG, "refund_offer_deposit")
        .add_attribute("offer_id", offer_id.to_string())
        .add_attribute("provider", provider.as_str())
        .add_attribute("amount", deposit.amount.to_string())
        .add_attribute("denom", &deposit.denom);
    let msg = BankMsg::Send {
        to_address: provider.to_string(),
        amount: vec![deposit],
    };
    (msg, event)
}

/// Adds the refund of `deposit` (when there is one) to `res`.
pub fn with_refund(res: Response, offer: &Offer, deposit: Option<Coin>) -> Response {
    match deposit {
        Some(d) => {
            let (msg, event) = refund_deposit(offer.id, &offer.provider, d);
            res.add_message(msg).add_event(event)
        }
        None => res,
    }
}

/// Exactly the configured deposit (or nothing when none is configured).
fn check_deposit(config: &Config, info: &MessageInfo) -> Result<Option<Coin>, ContractError> {
    match &config.offer_deposit {
        None => {
            nonpayable(info)?;
            Ok(None)
        }
        Some(d) if info.funds.as_slice() == std::slice::from_ref(d) => Ok(Some(d.clone())),
        Some(d) => Err(ContractError::WrongOfferDeposit {
            expected: d.to_string(),
            got: info.funds.clone(),
        }),
    }
}

pub fn load(deps: &DepsMut, offer_id: u64) -> Result<Offer, ContractError> {
    may_load_offer(deps.storage, offer_id)?.ok_or(ContractError::OfferNotFound { offer_id })
}

/// The registry's audit of `provider`, when a registry is configured.
pub fn audit(
    deps: Deps,
    config: &Config,
    provider: &Addr,
) -> Result<Option<ProviderAuditResponse>, ContractError> {
    let Some(registry) = &config.provider_registry else {
        return Ok(None);
    };
    Ok(Some(deps.querier.query_wasm_smart(
        registry,
        &ProviderAuditQuery::ProviderAudit {
            provider: provider.to_string(),
        },
    )?))
}

// One argument per message field, so contract.rs stays a table of contents.
#[allow(clippy::too_many_arguments)]
pub fn post(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    spec_capacity: Capacity,
    price_per_block: Decimal,
    denom: String,
    units: u32,
    expires_at: Option<u64>,
) -> Result<Response, ContractError> {
    spice_governance::assert_not_paused(deps.storage)?;
    let config = CONFIG.load(deps.storage)?;
    if !config.accepted_denoms.contains(&denom) {
        return Err(ContractError::DenomNotAccepted {
            denom,
            accepted: config.accepted_denoms,
        });
    }
    if price_per_block.is_zero() {
        return Err(ContractError::ZeroPrice {
            field: "price_per_block".into(),
        });
    }
    if units == 0 || units > MAX_UNITS {
        return Err(ContractError::UnitsOutOfRange {
            value: units,
            max: MAX_UNITS,
        });
    }
    check_expiry(expires_at, &env)?;
    validate_capacity(&spec_capacity)?;
    let open = OPEN_OFFERS
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    if open >= config.max_open_offers_per_provider {
        return Err(ContractError::TooManyOpenOffers {
            provider: info.sender.to_string(),
            max: config.max_open_offers_per_provider,
        });
    }
    if let Some(audit) = audit(deps.as_ref(), &config, &info.sender)? {
        if !audit.registered || audit.tier.is_none() {
            return Err(ContractError::ProviderNotAudited {
                provider: info.sender.to_string(),
            });
        }
    }
    let deposit = check_deposit(&config, &info)?;

    let (id, seq) = next_offer_id(deps.storage)?;
    let offer = Offer {
        id,
        provider: info.sender.clone(),
        resource_class: offer_class(&spec_capacity.resources),
        capacity: spec_capacity,
        denom,
        price_per_block,
        units,
        units_left: units,
        seq,
        expires_at,
        created_at: env.block.height,
        status: OfferStatus::Open,
        deposit,
    };
    save_offer(deps.storage, &offer, true)?;
    insert_ask(deps.storage, &offer)?;
    OPEN_OFFERS.save(deps.storage, &offer.provider, &(open + 1))?;
    enqueue(
        deps.storage,
        offer.seq,
        &Pending::Offer {
            id,
            resume_after: None,
        },
    )?;
    Ok(Response::new().add_event(
        spice_event(TAG, "post_offer")
            .add_attribute("offer_id", id.to_string())
            .add_attribute("provider", offer.provider.as_str())
            .add_attribute("resource_class", &offer.resource_class)
            .add_attribute("denom", &offer.denom)
            .add_attribute("price_per_block", price_per_block.to_string())
            .add_attribute("units", units.to_string())
            .add_attribute("seq", offer.seq.to_string())
            .add_attribute(
                "deposit",
                offer
                    .deposit
                    .as_ref()
                    .map_or_else(|| "none".to_string(), Coin::to_string),
            ),
    ))
}

/// Open while paused.
pub fn withdraw(
    mut deps: DepsMut,
    info: MessageInfo,
    offer_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut offer = load(&deps, offer_id)?;
    if offer.provider != info.sender {
        return Err(ContractError::NotOfferProvider {
            offer_id,
            sender: info.sender.to_string(),
        });
    }
    if offer.status != OfferStatus::Open {
        return Err(ContractError::OfferNotOpen {
            offer_id,
            status: offer.status.name().into(),
        });
    }
    let units_left = offer.units_left;
    let deposit = close(&mut deps, &mut offer, OfferStatus::Withdrawn)?;
    let res = Response::new().add_event(
        spice_event(TAG, "withdraw_offer")
            .add_attribute("offer_id", offer_id.to_string())
            .add_attribute("provider", offer.provider.as_str())
            .add_attribute("units_left", units_left.to_string()),
    );
    Ok(with_refund(res, &offer, deposit))
}
