//! # spice-invariants — random use of the whole SPICE suite, invariants after every step
//!
//! A model of the suite as `spice_suite::deploy` wires it on the emulated Osmosis chain, driven
//! by random sequences of actions: every user, keeper, owner and time-advance action of each
//! contract (plus the actions of the others that feed it), with a few users and providers and
//! amounts biased to the edges so refusals are exercised as much as successes.
//!
//! - [`World::new`] deploys the suite and brings it to a running state (pools with TWAP history,
//!   routes, the operator strategy with principal delegated, audited providers, funded users).
//! - [`World::apply`] executes one [`Action`]. A contract refusing is fine where the model
//!   cannot tell; where it can ([`World::exec_expect`]) the outcome must match, and accepted
//!   calls are checked for their effect on bank balances and queries (cw-multi-test discards a
//!   refused message's writes itself, so comparing state around a refusal could never fail).
//! - [`World::check`] evaluates every contract's invariants through its queries, plus ghost
//!   totals the model keeps where no query answers (see [`world::Ghost`]; each module's docs
//!   list its invariants).
//! - [`run`] deploys, applies each action and checks after every step. A panic anywhere (a
//!   contract's overflow check, a failed query) is a failure too.
//!
//! Each action enum derives `arbitrary::Arbitrary` (the fuzz targets in `fuzz/` decode bytes
//! into it) and `proptest_derive::Arbitrary` (the property tests in
//! `integration-tests/tests/invariants.rs` draw it, shrinking to a minimal failing sequence).

pub mod buyback;
pub mod common;
pub mod escrow;
pub mod incentives;
pub mod order_book;
pub mod token;
pub mod vault;
pub mod world;

pub use buyback::BuybackAction;
pub use common::{Amount, Caller, Pick, Price, Prov, Share, Time, User};
pub use escrow::EscrowAction;
pub use incentives::IncentivesAction;
pub use order_book::OrderBookAction;
pub use token::TokenAction;
pub use vault::VaultAction;
pub use world::World;

/// The contract a run concentrates on: which action enum drives it, and which contract's
/// status a refusal is compared on. Every run checks every contract's invariants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Token,
    Vault,
    Buyback,
    Escrow,
    OrderBook,
    Incentives,
}

#[derive(Clone, Debug)]
pub enum Action {
    Token(TokenAction),
    Vault(VaultAction),
    Buyback(BuybackAction),
    Escrow(EscrowAction),
    OrderBook(OrderBookAction),
    Incentives(IncentivesAction),
}

macro_rules! from_action {
    ($($variant:ident($ty:ty)),*) => {
        $(impl From<$ty> for Action {
            fn from(a: $ty) -> Self {
                Action::$variant(a)
            }
        })*
    };
}
from_action!(
    Token(TokenAction),
    Vault(VaultAction),
    Buyback(BuybackAction),
    Escrow(EscrowAction),
    OrderBook(OrderBookAction),
    Incentives(IncentivesAction)
);

impl World {
    /// Executes one action. `Err` only when an invariant checked at the action itself broke (a
    /// refused message changed state, a fill crossed a price, settling twice changed a lease …).
    pub fn apply(&mut self, action: &Action) -> Result<(), String> {
        match action {
            Action::Token(a) => token::apply(self, a),
            Action::Vault(a) => vault::apply(self, a),
            Action::Buyback(a) => buyback::apply(self, a),
            Action::Escrow(a) => escrow::apply(self, a),
            Action::OrderBook(a) => order_book::apply(self, a),
            Action::Incentives(a) => incentives::apply(self, a),
        }
    }
}

/// Deploys the suite, applies each action and checks every invariant after every step. The
/// error names the step and the action that broke an invariant.
///
/// Runs on its own thread with a 256 MiB stack: cw-multi-test executes nested contract calls
/// (book → escrow → incentives, buyback → pools → token) recursively, and unoptimized builds
/// need far more than a test thread's 2 MiB. A panic is re-raised on the caller's thread.
pub fn run(focus: Focus, actions: &[Action]) -> Result<(), String> {
    let actions = actions.to_vec();
    let worker = std::thread::Builder::new()
        .name(format!("spice-invariants-{focus:?}"))
        .stack_size(256 << 20)
        .spawn(move || run_here(focus, &actions))
        .map_err(|e| format!("cannot start the model's thread: {e}"))?;
    worker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn run_here(focus: Focus, actions: &[Action]) -> Result<(), String> {
    let mut world = World::new(focus);
    world
        .check()
        .map_err(|e| format!("after deployment: {e}"))?;
    for (i, action) in actions.iter().enumerate() {
        world
            .apply(action)
            .and_then(|()| world.check())
            .map_err(|e| format!("step {i} ({action:?}): {e}"))?;
    }
    Ok(())
}

/// [`run`] over one contract's actions.
pub fn run_focus<A: Clone + Into<Action>>(focus: Focus, actions: &[A]) -> Result<(), String> {
    let actions: Vec<Action> = actions.iter().cloned().map(Into::into).collect();
    run(focus, &actions)
}
