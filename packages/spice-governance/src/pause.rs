use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Attribute, DepsMut, Env, MessageInfo, Response, StdResult, Storage};
use cw_ownable::{Action, Ownership};
use cw_storage_plus::Item;
use spice_types::{spice_event, ContractTag};

use crate::{GovernanceError, PauseInfoResponse};

#[cw_serde]
struct PauseState {
    paused: bool,
    last_changed_by: Option<Addr>,
    last_changed_height: Option<u64>,
}

const GUARDIAN: Item<Option<Addr>> = Item::new("gov_g");
const PAUSE: Item<PauseState> = Item::new("gov_p");

/// Every storage key this package writes, so each contract's key-collision test can include them.
pub const STORAGE_KEYS: [&str; 3] = [cw_ownable::OWNERSHIP_KEY, "gov_g", "gov_p"];

/// Records owner and guardian at instantiate; both addresses are validated here.
pub fn initialize(
    deps: DepsMut,
    owner: &str,
    guardian: Option<&str>,
) -> Result<Vec<Attribute>, GovernanceError> {
    let ownership = cw_ownable::initialize_owner(deps.storage, deps.api, Some(owner))?;
    let guardian = guardian.map(|g| deps.api.addr_validate(g)).transpose()?;
    GUARDIAN.save(deps.storage, &guardian)?;
    PAUSE.save(
        deps.storage,
        &PauseState {
            paused: false,
            last_changed_by: None,
            last_changed_height: None,
        },
    )?;
    let mut attrs = ownership.into_attributes();
    attrs.push(Attribute::new(
        "guardian",
        guardian
            .map(Addr::into_string)
            .unwrap_or_else(|| "none".into()),
    ));
    Ok(attrs)
}

pub fn assert_owner(storage: &dyn Storage, sender: &Addr) -> Result<(), GovernanceError> {
    Ok(cw_ownable::assert_owner(storage, sender)?)
}

pub fn assert_not_paused(storage: &dyn Storage) -> Result<(), GovernanceError> {
    if PAUSE.load(storage)?.paused {
        return Err(GovernanceError::Paused);
    }
    Ok(())
}

pub fn ownership(storage: &dyn Storage) -> StdResult<Ownership<Addr>> {
    cw_ownable::get_ownership(storage)
}

pub fn pause_info(storage: &dyn Storage) -> StdResult<PauseInfoResponse> {
    let state = PAUSE.load(storage)?;
    Ok(PauseInfoResponse {
        paused: state.paused,
        guardian: GUARDIAN.load(storage)?,
        last_changed_by: state.last_changed_by,
        last_changed_height: state.last_changed_height,
    })
}

/// Two-step transfer (propose, accept), renounce: cw-ownable's rules, with a SPICE event.
pub fn update_ownership(
    tag: ContractTag,
    deps: DepsMut,
    env: &Env,
    info: &MessageInfo,
    action: Action,
) -> Result<Response, GovernanceError> {
    let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
    Ok(Response::new().add_event(
        spice_event(tag, "update_ownership")
            .add_attribute("sender", info.sender.as_str())
            .add_attributes(ownership.into_attributes()),
    ))
}

/// Owner only; `None` removes the guardian.
pub fn set_guardian(
    tag: ContractTag,
    deps: DepsMut,
    info: &MessageInfo,
    guardian: Option<String>,
) -> Result<Response, GovernanceError> {
    assert_owner(deps.storage, &info.sender)?;
    let guardian = guardian.map(|g| deps.api.addr_validate(&g)).transpose()?;
    GUARDIAN.save(deps.storage, &guardian)?;
    Ok(Response::new().add_event(
        spice_event(tag, "set_guardian").add_attribute(
            "guardian",
            guardian
                .map(Addr::into_string)
                .unwrap_or_else(|| "none".into()),
        ),
    ))
}

/// Owner or guardian.
pub fn pause(
    tag: ContractTag,
    deps: DepsMut,
    env: &Env,
    info: &MessageInfo,
) -> Result<Response, GovernanceError> {
    let is_guardian = GUARDIAN.load(deps.storage)?.as_ref() == Some(&info.sender);
    if !is_guardian && !cw_ownable::is_owner(deps.storage, &info.sender)? {
        return Err(GovernanceError::NotOwnerOrGuardian {
            sender: info.sender.to_string(),
        });
    }
    if PAUSE.load(deps.storage)?.paused {
        return Err(GovernanceError::AlreadyPaused);
    }
    set_paused(deps.storage, true, env, info)?;
    Ok(Response::new()
        .add_event(spice_event(tag, "pause").add_attribute("sender", info.sender.as_str())))
}

/// Owner only: a guardian can stop the contract but never restart it.
pub fn unpause(
    tag: ContractTag,
    deps: DepsMut,
    env: &Env,
    info: &MessageInfo,
) -> Result<Response, GovernanceError> {
    assert_owner(deps.storage, &info.sender)?;
    if !PAUSE.load(deps.storage)?.paused {
        return Err(GovernanceError::NotPaused);
    }
    set_paused(deps.storage, false, env, info)?;
    Ok(Response::new()
        .add_event(spice_event(tag, "unpause").add_attribute("sender", info.sender.as_str())))
}

fn set_paused(
    storage: &mut dyn Storage,
    paused: bool,
    env: &Env,
    info: &MessageInfo,
) -> StdResult<()> {
    PAUSE.save(
        storage,
        &PauseState {
            paused,
            last_changed_by: Some(info.sender.clone()),
            last_changed_height: Some(env.block.height),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};
    use cw_ownable::OwnershipError;

    const TAG: ContractTag = ContractTag::Escrow;

    fn setup() -> (
        cosmwasm_std::OwnedDeps<
            cosmwasm_std::MemoryStorage,
            cosmwasm_std::testing::MockApi,
            cosmwasm_std::testing::MockQuerier,
        >,
        Addr,
        Addr,
        Addr,
    ) {
        let mut deps = mock_dependencies();
        let owner = deps.api.addr_make("owner");
        let guardian = deps.api.addr_make("guardian");
        let stranger = deps.api.addr_make("stranger");
        initialize(deps.as_mut(), owner.as_str(), Some(guardian.as_str())).unwrap();
        (deps, owner, guardian, stranger)
    }

    #[test]
    fn guardian_pauses_but_cannot_unpause() {
        let (mut deps, owner, guardian, _) = setup();
        let env = mock_env();
        let res = pause(TAG, deps.as_mut(), &env, &message_info(&guardian, &[])).unwrap();
        assert_eq!(res.events[0].ty, "spice.escrow.pause");
        assert_eq!(
            assert_not_paused(&deps.storage),
            Err(GovernanceError::Paused)
        );
        let info = pause_info(&deps.storage).unwrap();
        assert!(info.paused);
        assert_eq!(info.last_changed_by, Some(guardian.clone()));
        assert_eq!(info.last_changed_height, Some(env.block.height));

        let err = unpause(TAG, deps.as_mut(), &env, &message_info(&guardian, &[])).unwrap_err();
        assert_eq!(err, GovernanceError::Ownership(OwnershipError::NotOwner));
        unpause(TAG, deps.as_mut(), &env, &message_info(&owner, &[])).unwrap();
        assert!(assert_not_paused(&deps.storage).is_ok());
    }

    #[test]
    fn stranger_cannot_pause_or_set_guardian() {
        let (mut deps, _, _, stranger) = setup();
        let env = mock_env();
        let err = pause(TAG, deps.as_mut(), &env, &message_info(&stranger, &[])).unwrap_err();
        assert_eq!(
            err,
            GovernanceError::NotOwnerOrGuardian {
                sender: stranger.to_string()
            }
        );
        let err = set_guardian(
            TAG,
            deps.as_mut(),
            &message_info(&stranger, &[]),
            Some(stranger.to_string()),
        )
        .unwrap_err();
        assert_eq!(err, GovernanceError::Ownership(OwnershipError::NotOwner));
    }

    #[test]
    fn double_pause_and_unpause_when_running_are_refused() {
        let (mut deps, owner, _, _) = setup();
        let env = mock_env();
        let info = message_info(&owner, &[]);
        assert_eq!(
            unpause(TAG, deps.as_mut(), &env, &info).unwrap_err(),
            GovernanceError::NotPaused
        );
        pause(TAG, deps.as_mut(), &env, &info).unwrap();
        assert_eq!(
            pause(TAG, deps.as_mut(), &env, &info).unwrap_err(),
            GovernanceError::AlreadyPaused
        );
    }

    #[test]
    fn owner_replaces_and_removes_guardian() {
        let (mut deps, owner, guardian, stranger) = setup();
        let env = mock_env();
        let info = message_info(&owner, &[]);
        set_guardian(TAG, deps.as_mut(), &info, Some(stranger.to_string())).unwrap();
        assert_eq!(
            pause_info(&deps.storage).unwrap().guardian,
            Some(stranger.clone())
        );
        // The old guardian lost its power.
        assert!(pause(TAG, deps.as_mut(), &env, &message_info(&guardian, &[])).is_err());
        set_guardian(TAG, deps.as_mut(), &info, None).unwrap();
        assert_eq!(pause_info(&deps.storage).unwrap().guardian, None);
        assert!(pause(TAG, deps.as_mut(), &env, &message_info(&stranger, &[])).is_err());
    }

    #[test]
    fn invalid_guardian_address_is_refused() {
        let (mut deps, owner, _, _) = setup();
        let err = set_guardian(
            TAG,
            deps.as_mut(),
            &message_info(&owner, &[]),
            Some("Not-An-Address".into()),
        )
        .unwrap_err();
        assert!(matches!(err, GovernanceError::Std(_)));
    }

    #[test]
    fn ownership_moves_in_two_steps() {
        let (mut deps, owner, _, stranger) = setup();
        let env = mock_env();
        update_ownership(
            TAG,
            deps.as_mut(),
            &env,
            &message_info(&owner, &[]),
            Action::TransferOwnership {
                new_owner: stranger.to_string(),
                expiry: None,
            },
        )
        .unwrap();
        // Still the old owner until accepted.
        assert_eq!(ownership(&deps.storage).unwrap().owner, Some(owner.clone()));
        update_ownership(
            TAG,
            deps.as_mut(),
            &env,
            &message_info(&stranger, &[]),
            Action::AcceptOwnership,
        )
        .unwrap();
        assert_eq!(ownership(&deps.storage).unwrap().owner, Some(stranger));
        assert!(assert_owner(&deps.storage, &owner).is_err());
    }
}
