//! The governance rules every SPICE contract follows (DESIGN.md, cross-cutting rules):
//!
//! - an owner (a DAO contract or the gov module) with two-step transfer, through `cw-ownable`;
//! - an optional guardian that may pause but never unpause, so a compromised guardian key can
//!   halt the suite at worst, never re-open it;
//! - `migrate` only from an older version of the same contract (cw2), never a downgrade and
//!   never over a foreign contract's state.
//!
//! Each contract lists the governance variants in its own `ExecuteMsg`/`QueryMsg` (so their
//! JSON stays flat: `{"pause":{}}`, not `{"governance":{"pause":{}}}`) and dispatches them here.

mod error;
mod migration;
mod msg;
mod pause;

pub use cw_ownable::{Action as OwnershipAction, Ownership, OwnershipError};
pub use error::GovernanceError;
pub use migration::{ensure_migratable, set_version};
pub use msg::PauseInfoResponse;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use pause::{
    assert_not_paused, assert_owner, initialize, ownership, pause, pause_info, set_guardian,
    unpause, update_ownership, STORAGE_KEYS,
};
