//! Random use of the suite focused on one contract: the bytes decode into up to 32 of its
//! actions, `spice_invariants::run` deploys the suite, applies them and checks every invariant
//! after every step. A broken invariant panics, which libFuzzer records as a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spice_invariants::{run_focus, Focus, OrderBookAction};

fuzz_target!(|actions: Vec<OrderBookAction>| {
    let actions = &actions[..actions.len().min(32)];
    if let Err(broken) = run_focus(Focus::OrderBook, actions) {
        panic!("invariant broken: {broken}");
    }
});
