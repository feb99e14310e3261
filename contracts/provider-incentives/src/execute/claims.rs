//! Providers claim what they earned, epoch by epoch, a bounded number of epochs per call.

use cosmwasm_std::{BankMsg, Coin, DepsMut, Env, MessageInfo, Order, Response, StdResult, Uint128};
use cw_storage_plus::Bound;
use spice_types::{page_limit, spice_event};

use crate::contract::TAG;
use crate::error::ContractError;
use crate::execute::epochs::{add_coin, coins_attr, rewards, settle};
use crate::msg::EpochRange;
use crate::state::{EpochStatus, EPOCHS, PROVIDER_WEIGHT};

/// Pays the sender's rewards for its oldest claimable epochs: at most `limit` epochs (default
/// 10, max 30), each O(1) (one epoch read, one share per denom). Stops at the first epoch that
/// is not finalized or still in its dispute window; later epochs are claimed by later calls.
/// Open while paused: claims are exits.
pub fn claim(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    epochs: Option<EpochRange>,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    let (min, max) = match &epochs {
        Some(range) if range.first > range.last => {
            return Err(ContractError::InvalidEpochRange {
                first: range.first,
                last: range.last,
            })
        }
        Some(range) => (
            Some(Bound::inclusive(range.first)),
            Some(Bound::inclusive(range.last)),
        ),
        None => (None, None),
    };
    let provider = info.sender;
    let entries: Vec<(u64, Uint128)> = PROVIDER_WEIGHT
        .prefix(&provider)
        .range(deps.storage, min, max, Order::Ascending)
        .take(page_limit(limit))
        .collect::<StdResult<_>>()?;

    let now = env.block.time;
    let mut paid: Vec<Coin> = vec![];
    let mut dust: Vec<Coin> = vec![];
    let mut claimed: Vec<u64> = vec![];
    for (epoch, weight) in entries {
        let mut state = EPOCHS.load(deps.storage, epoch)?;
        let open = state.status == EpochStatus::Finalized
            && state.claimable_at.is_some_and(|at| now >= at);
        if !open {
            break;
        }
        let reward = rewards(&state, weight)?;
        PROVIDER_WEIGHT.remove(deps.storage, (&provider, epoch));
        for coin in settle(deps.storage, &mut state, weight, &reward)? {
            add_coin(&mut dust, &coin.denom, coin.amount)?;
        }
        EPOCHS.save(deps.storage, epoch, &state)?;
        for coin in reward {
            add_coin(&mut paid, &coin.denom, coin.amount)?;
        }
        claimed.push(epoch);
    }
    let (Some(first), Some(last)) = (claimed.first(), claimed.last()) else {
        return Err(ContractError::NothingToClaim {
            provider: provider.into_string(),
        });
    };
    let event = spice_event(TAG, "claim")
        .add_attribute("provider", provider.as_str())
        .add_attribute("epochs", claimed.len().to_string())
        .add_attribute("first_epoch", first.to_string())
        .add_attribute("last_epoch", last.to_string())
        .add_attribute("amount", coins_attr(&paid))
        .add_attribute("dust_carried", coins_attr(&dust));
    let mut response = Response::new().add_event(event);
    if !paid.is_empty() {
        paid.sort_by(|a, b| a.denom.cmp(&b.denom));
        response = response.add_message(BankMsg::Send {
            to_address: provider.into_string(),
            amount: paid,
        });
    }
    Ok(response)
}
