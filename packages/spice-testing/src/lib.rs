//! # spice-testing — an Osmosis emulation for cw-multi-test
//!
//! [`osmosis_app()`] returns a cw-multi-test [`App`](cw_multi_test::App) whose
//! `Stargate` handler ([`OsmosisStargate`]) answers the protobuf messages and
//! queries that `osmosis-std` produces (`CosmosMsg::Stargate` / `CosmosMsg::Any`,
//! `QueryRequest::Stargate` / `QueryRequest::Grpc`), so a SPICE contract runs
//! against it exactly as it would on Osmosis: same type URLs and paths, same
//! protobuf message responses (in `AppResponse::data` and `msg_responses`, so a
//! `reply` can decode them), same math to the last unit, same error texts where
//! a contract or test may look at them.
//!
//! ## What is emulated, and how faithfully
//!
//! | module | emulated | fidelity |
//! |---|---|---|
//! | tokenfactory | create denom (optional fee; mainnet has none but 40,000,000 gas, answered in `Params`), mint, burn (admin may burn from any account but Osmosis' module accounts, as on Osmosis), change admin, set metadata (validated in full like the SDK); `DenomAuthorityMetadata`, `Params` | exact rules and error texts of `x/tokenfactory` and `bank.Metadata.Validate`; bank supply follows real balances; metadata answers `BankQuery::DenomMetadata` |
//! | poolmanager / gamm | balancer pools: create, proportional join/exit, `MsgSwapExactAmountIn` (multi-hop) with the **taker fee** on every hop; `EstimateSwapExactAmountIn`, `EstimateSinglePoolSwapExactAmountIn` (net of the taker fee, like the chain's), `TradingPairTakerFee`, `SpotPrice`, `Pool`, `NumPools`, `TotalPoolLiquidity` | swap output, spot price and rounding are ported operation by operation from `x/gamm` and `osmomath` (`LegacyDec` banker's rounding, `osmomath.Pow`, 8-significant-figure spot prices) and checked against Osmosis' own test vectors; taker fee `⌊(1 − fee) × in⌋` to the pool, the rest to `taker_fee_collector`, mainnet's 0.1% default ([`OsmosisAppBuilder::with_default_taker_fee`], [`set_trading_pair_taker_fee`]); pool accounts derived like Osmosis'; reserves are real bank balances |
//! | twap | `ArithmeticTwapToNow`, `ArithmeticTwap` | `TwapRecord` accumulators per block per denom pair, millisecond time, 48 h history |
//! | ibc transfer + ibc-hooks ([`ibc_transfer`]) | `MsgTransfer` (escrow, sequence per channel, `MsgTransferResponse`), the `{"ibc_callback": …}` memo, the relayer's `MsgAcknowledgement` (success or error) and `MsgTimeout` via [`relay_ack`], [`relay_error_ack`], [`relay_timeout`] | escrow address derived like ibc-go; refunds on error ack and timeout; the contract's `sudo` receives ibc-hooks' exact `ibc_lifecycle_complete` JSON; a failing ack callback fails the relay, a failing timeout callback is swallowed (`ibc-timeout-callback-error` event, refund kept) as in `wasm_hook.go`; no counterparty chain, proofs or voucher burning |
//! | concentrated liquidity ([`concentrated_liquidity`]) | positions as records (id, owner, accrued rewards a test sets with [`accrue_cl_rewards`]), `MsgCollectSpreadRewards`, `MsgCollectIncentives`, `MsgTransferPositions` | owner checks and error texts like the chain's; protobuf responses; no liquidity, ticks or CL swaps |
//!
//! Only the paths on Osmosis' stargate whitelist ([`whitelist`]) are answered, to contracts and
//! tests alike; any other (`DenomsFromCreator`, `AllPools`, …) fails with the chain's
//! `'<path>' path is not allowed from the contract`. Queries sent as `QueryRequest::Stargate` are answered in JSON (what wasmd's
//! stargate query whitelist returns and `osmosis-std`'s query helpers parse);
//! `QueryRequest::Grpc` is answered with protobuf bytes. `LegacyDec` fields are
//! decimal strings in JSON and atomics on the proto wire, like the chain's codecs.
//!
//! ## What is NOT emulated
//!
//! * concentrated-liquidity pools beyond owned positions and their collectable rewards,
//!   stableswap and CosmWasm pools (only balancer pools can be swapped through);
//! * the taker fee's distribution and reduced-fee whitelist; the pool creation fee;
//! * exact-amount-out swaps, split routes, single-asset joins, smooth weight changes;
//! * the geometric TWAP; the chain's lazy daily pruning (see [`twap`]);
//! * tokenfactory force transfers and before-send hooks; gas (a contract must budget the
//!   40,000,000 gas of `MsgCreateDenom` itself).
//!
//! Known deviation: within one block, after a swap, a TWAP query whose
//! `start_time` is the current block time returns the new spot price where the
//! chain (which writes records in `EndBlock`) would still return the previous
//! one. Any window of positive length gives the chain's result.
//!
//! ## Use
//!
//! ```
//! use cosmwasm_std::{coin, Decimal, Uint128};
//! use spice_testing::{create_balancer_pool, fund, osmosis_app, swap_exact_amount_in};
//!
//! let mut app = osmosis_app();
//! let lp = app.api().addr_make("lp");
//! fund(&mut app, &lp, vec![coin(1_000_000, "uosmo"), coin(1_000_000, "uakt")]).unwrap();
//! let pool_id = create_balancer_pool(
//!     &mut app,
//!     &lp,
//!     &[(coin(1_000_000, "uosmo"), 1), (coin(1_000_000, "uakt"), 1)],
//!     Decimal::permille(2),
//! )
//! .unwrap();
//! let trader = app.api().addr_make("trader");
//! fund(&mut app, &trader, vec![coin(10_000, "uosmo")]).unwrap();
//! let out = swap_exact_amount_in(&mut app, &trader, &[(pool_id, "uakt")], coin(10_000, "uosmo"), Uint128::one()).unwrap();
//! // mainnet's 0.1% taker fee first (10 uosmo), then the pool's 0.2% on the 9,990 left
//! assert_eq!(out, Uint128::new(9_871));
//! ```

pub mod app;
pub mod balancer_math;
mod chain;
pub mod concentrated_liquidity;
pub mod ibc_transfer;
pub mod poolmanager;
pub mod staking;
pub mod tokenfactory;
pub mod twap;
pub mod whitelist;

/// The result type of the emulation (cw-multi-test's).
pub type AnyResult<T> = anyhow::Result<T>;

pub use app::{
    accrue_cl_rewards, advance_time, any_msg, arithmetic_twap_to_now, cl_position,
    community_pool_address, create_balancer_pool, create_cl_position, denoms_from_creator,
    exit_pool, fund, ibc_escrow_address, ibc_pending_packets, ibc_sent_packet, join_pool,
    osmosis_app, pool, pool_reserves, relay_ack, relay_error_ack, relay_timeout,
    set_trading_pair_taker_fee, spot_price, swap_exact_amount_in, taker_fee_collector_address,
    transfer_cl_positions, OsmosisApp, OsmosisAppBuilder, OsmosisStargate, BLOCK_TIME_SECONDS,
    OSMOSIS_CHAIN_ID, OSMOSIS_PREFIX,
};
pub use concentrated_liquidity::ClPositionState;
pub use ibc_transfer::{SentPacket, SUCCESS_ACK};
pub use poolmanager::{
    calc_taker_fee_exact_in, pool_address, pool_share_denom, BalancerPoolState, PoolAssetState,
    TakerFeeParams, TAKER_FEE_COLLECTOR,
};
pub use staking::SdkStaking;
pub use tokenfactory::{factory_denom, TokenfactoryParams};
pub use twap::TWAP_HISTORY_SECONDS;
pub use whitelist::{is_whitelisted, STARGATE_WHITELIST};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_ibc_cl;
#[cfg(test)]
mod tests_taker_fee;
#[cfg(test)]
mod tests_tokenfactory;
#[cfg(test)]
mod tests_whitelist;
