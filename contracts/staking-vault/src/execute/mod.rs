pub mod books;
pub mod config;
pub mod convert;
pub mod harvest;
pub mod operator;
pub mod principal;
pub mod proceeds;
pub mod strategy;
pub mod sunset;
pub mod sync;

/// Refuses anyone but the owner or the guardian; says whether `sender` is the owner (whose
/// powers are wider: the guardian only ever tightens).
pub fn owner_or_guardian(
    storage: &dyn cosmwasm_std::Storage,
    sender: &cosmwasm_std::Addr,
) -> Result<bool, crate::ContractError> {
    let is_owner = spice_governance::assert_owner(storage, sender).is_ok();
    let guardian = spice_governance::pause_info(storage)?.guardian;
    if !is_owner && guardian.as_ref() != Some(sender) {
        return Err(crate::ContractError::NotOwnerOrGuardian {
            sender: sender.to_string(),
        });
    }
    Ok(is_owner)
}
