//! Osmosis swap plumbing shared by the SPICE contracts that turn revenue into a target denom
//! along owner-set routes, triggered by keepers (buyback-burn: into SPICE; staking-vault: into
//! AKT). One implementation of the checks that protect those swaps, so a fix lands in both.
//!
//! * [`route`]: the `Hop` type stored in each contract's routes, and the checks a route passes
//!   before it is stored;
//! * [`swap_guard`]: the TWAP/spot guard and the minimum output of a swap, the keeper bounty
//!   arithmetic, and the swap part of the `simulate_*` answers;
//! * [`swap`]: the `MsgSwapExactAmountIn` sub-message and the amount its reply reports;
//! * [`chain`]: the poolmanager and twap queries behind them, read only as far as needed.
//!
//! Errors are this crate's own ([`RouteError`], [`GuardError`]); each contract maps them onto
//! its existing variants, so its error names and messages do not change.

pub mod chain;
pub mod route;
pub mod swap;
pub mod swap_guard;

#[cfg(test)]
mod tests;

pub use route::{
    check_route_end, check_route_shape, validate_route, validate_twap_window, Hop, RouteError,
    RouteRules, MAX_TWAP_WINDOW_SECONDS, MIN_TWAP_WINDOW_SECONDS,
};
pub use swap::{swap_msg, swap_output, swap_routes};
pub use swap_guard::{
    affordable, bounty, deviates, guarded_route_quote, min_out, GuardError, GuardParams, Quote,
    SwapPreview,
};
