//! The whole suite under random use: one property per contract, each driving that contract's
//! actions (and the actions of the contracts that feed it) on the suite as `spice_suite::deploy`
//! wires it, with every contract's invariants checked after every step. The invariants
//! themselves are stated in `packages/spice-invariants` (each module's docs).
//!
//! Sequences are 1 to 40 actions; proptest's default 256 cases per property, or
//! `PROPTEST_CASES` (e.g. `PROPTEST_CASES=10000 cargo test -p spice-integration-tests --test
//! invariants`). A failure prints the shrunk action sequence and the broken invariant.

use std::fmt::Debug;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use spice_invariants::{
    Action, BuybackAction, EscrowAction, Focus, IncentivesAction, OrderBookAction, TokenAction,
    VaultAction, run_focus,
};

/// Proptest's defaults (256 cases, `PROPTEST_CASES` overrides), without writing regression
/// files into the source tree: a failure is reported with its shrunk sequence instead (shrinking
/// given room enough to get there).
fn config() -> Config {
    Config {
        failure_persistence: None,
        max_shrink_iters: 4_096,
        ..Config::default()
    }
}

/// Runs the property for `focus` over sequences of 1 to 40 of its actions. The runner lives on
/// a thread with a large stack: the derived strategies of these wide enums, unoptimized, need
/// more than a test thread's 2 MiB to generate and shrink.
fn property<A>(focus: Focus)
where
    A: Arbitrary + Clone + Debug + Into<Action> + Send + 'static,
{
    let outcome = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut runner = TestRunner::new(config());
            let started = std::time::Instant::now();
            let cases = std::cell::Cell::new(0u64);
            runner
                .run(&proptest::collection::vec(any::<A>(), 1..=40), |actions| {
                    // Progress for long runs (`--nocapture` shows it).
                    cases.set(cases.get() + 1);
                    if cases.get().is_multiple_of(500) {
                        eprintln!(
                            "{focus:?}: {} cases in {:?}",
                            cases.get(),
                            started.elapsed()
                        );
                    }
                    run_focus(focus, &actions).map_err(TestCaseError::fail)
                })
                .map_err(|e| e.to_string())
        })
        .expect("start the property's thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    if let Err(e) = outcome {
        panic!("{focus:?}: {e}");
    }
}

/// SPICE's ledger balances after any cw20, allowance, mint, conversion, native burn, pause and
/// buyback-burn sequence: cw20 + native + burned == minted ≤ cap, the cw20 balances sum to the
/// cw20 supply, the bank's native supply matches, and every burn is accounted for.
#[test]
fn token_invariants_hold_under_random_use() {
    property::<TokenAction>(Focus::Token);
}

/// The vault's AKT is accounted for through deposits, conversions, IBC transfers and their
/// outcomes, operator reports (honest or not), harvests, unbonds and claims: what its state
/// accounts equals what it bought minus what the owner paid out, its bank covers its books, and
/// principal never leaves without the owner.
#[test]
fn vault_invariants_hold_under_random_use() {
    property::<VaultAction>(Focus::Vault);
}

/// Every SPICE buyback-burn buys is burned, and per denom what it spent plus what is pending is
/// exactly what it received (so spent ≤ received), whatever revenue, keepers, caps, routes and
/// the market do.
#[test]
fn buyback_invariants_hold_under_random_use() {
    property::<BuybackAction>(Focus::Buyback);
}

/// Every lease's deposits are paid to providers, fees, refunds or still held; the escrow's bank
/// is exactly what leases, bonds and prefunded balances hold; settling twice changes nothing.
/// With hostile actors (providers as tenants, dust depositors, a lying monitor, failures
/// between settlements): no provider is paid past its failure height or heartbeat deadline, no
/// depositor gets back more than it put in, and a tenant can always fund its lease.
#[test]
fn escrow_invariants_hold_under_random_use() {
    property::<EscrowAction>(Focus::Escrow);
}

/// The book holds exactly its open orders' deposits, and no fill is above an order's max price
/// or below an offer's ask.
#[test]
fn order_book_invariants_hold_under_random_use() {
    property::<OrderBookAction>(Focus::OrderBook);
}

/// Funded == claimed + held + carried, the bank matches the books, and no epoch pays more than
/// its budget, through funding, reports, escrow settlements, finalization, claims, disputes and
/// resolutions.
#[test]
fn incentives_invariants_hold_under_random_use() {
    property::<IncentivesAction>(Focus::Incentives);
}
