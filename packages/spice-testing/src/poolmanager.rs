//! `x/poolmanager` + `x/gamm` emulation for balancer (weighted) pools.
//!
//! Emulated:
//! * `MsgCreateBalancerPool` (gamm poolmodels): 2–8 assets, user weights in
//!   `[1, 2^20)` scaled by `2^30` as on the chain, swap fee in `[0, 1)`,
//!   assets moved from the creator to the pool's module account (address
//!   derived exactly like Osmosis' `NewPoolAddress`), `100 × 10^18`
//!   `gamm/pool/{id}` shares minted to the creator. Pool ids start at 1.
//! * `MsgSwapExactAmountIn` of poolmanager (and the legacy gamm one): single
//!   and multi-hop routes, intermediate hops with a minimum of 1 and the last
//!   hop with `token_out_min_amount`, Osmosis' error texts, real bank
//!   transfers between the sender and each pool, response
//!   `MsgSwapExactAmountInResponse { token_out_amount }`.
//! * `MsgJoinPool` / `MsgExitPool` (gamm): plain proportional joins (all
//!   assets, rounded up against the joiner) and exits (rounded down, no exit
//!   fee). Osmosis' single-asset joins are not emulated.
//! * Queries: `EstimateSwapExactAmountIn`, `EstimateSinglePoolSwapExactAmountIn`,
//!   `SpotPrice` (18-decimal string, 8 significant figures like the chain),
//!   `Pool`, `NumPools`, `TotalPoolLiquidity`.
//!
//! * The **taker fee**, as poolmanager charges it since v19: on every hop of
//!   an exact-amount-in swap, `after = ⌊(1 − fee) × in⌋` of the token in goes
//!   into the pool and `in − after` to the `taker_fee_collector` module
//!   account, before the pool's spread factor applies; the estimates
//!   (`EstimateSwapExactAmountIn`, `EstimateSinglePoolSwapExactAmountIn`)
//!   deduct it the same way. The rate is the directed pair's override
//!   ([`set_trading_pair_taker_fee`]) or the default ([`TakerFeeParams`],
//!   mainnet's 0.1% from proposal 651 unless the app is built otherwise), and
//!   `TradingPairTakerFee` answers it.
//!
//! Not emulated: concentrated-liquidity, stableswap and CosmWasm pools; the
//! taker fee's distribution (stakers, community pool, burn) and its reduced
//! fee whitelist; the pool creation fee; exact-amount-out swaps and split
//! routes; smooth weight changes.

use std::str::FromStr;

use anyhow::{anyhow, bail, ensure};
use cosmwasm_std::{
    Addr, Api, BlockInfo, Coin, CustomMsg, CustomQuery, Event, Storage, Uint128, Uint256,
};
use cw_multi_test::AppResponse;
use cw_storage_plus::{Item, Map};
use osmosis_std::shim::Any;
use osmosis_std::types::cosmos::base::v1beta1::Coin as ProtoCoin;
use osmosis_std::types::osmosis::gamm::poolmodels::balancer::v1beta1 as balancer;
use osmosis_std::types::osmosis::gamm::v1beta1 as gamm;
use osmosis_std::types::osmosis::poolmanager::v1beta1 as pm;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::balancer_math::{calc_out_amt_given_in, spot_price, Dec};
use crate::chain::{derived_module_address, msg_response, Encoding, ExecEnv};
use crate::tokenfactory::validate_denom;
use crate::twap::{track_pool_change, PoolSnapshot};
use crate::AnyResult;

/// `GuaranteedWeightPrecision` of gamm balancer pools: user weights are scaled by 2^30.
pub const GUARANTEED_WEIGHT_PRECISION: u128 = 1 << 30;
/// `MaxUserSpecifiedWeight`: user weights must be below 2^20.
const MAX_USER_SPECIFIED_WEIGHT: u128 = 1 << 20;
/// `InitPoolSharesSupply`: 100 shares of 10^18 sub-shares.
pub const INIT_POOL_SHARES_SUPPLY: u128 = 100 * 1_000_000_000_000_000_000;
const MIN_POOL_ASSETS: usize = 2;
const MAX_POOL_ASSETS: usize = 8;

/// The denom of a pool's LP shares, `gamm/pool/{id}`.
pub fn pool_share_denom(pool_id: u64) -> String {
    format!("gamm/pool/{pool_id}")
}

/// The pool's account: `address.Module("poolmanager", "pool" ‖ big-endian id)`,
/// the same bytes as on Osmosis.
pub fn pool_address(api: &dyn Api, pool_id: u64) -> AnyResult<Addr> {
    let mut key = b"pool".to_vec();
    key.extend_from_slice(&pool_id.to_be_bytes());
    derived_module_address(api, "poolmanager", &key)
}

/// One asset of a balancer pool.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PoolAssetState {
    /// Bank denom.
    pub denom: String,
    /// Reserve held by the pool account.
    pub amount: Uint128,
    /// Weight as stored on chain (user weight × 2^30).
    pub weight: Uint128,
}

/// A balancer pool as stored by the emulation.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct BalancerPoolState {
    /// Pool id (from 1).
    pub id: u64,
    /// The pool's module account, which holds the reserves.
    pub address: Addr,
    /// Swap (spread) fee, e.g. 0.002.
    pub swap_fee: Dec,
    /// Outstanding `gamm/pool/{id}` shares.
    pub total_shares: Uint128,
    /// Assets sorted by denom, like the chain keeps them.
    pub assets: Vec<PoolAssetState>,
    /// Carried for the `Pool` query.
    pub future_pool_governor: String,
}

impl BalancerPoolState {
    fn asset(&self, denom: &str) -> AnyResult<&PoolAssetState> {
        self.assets
            .iter()
            .find(|a| a.denom == denom)
            .ok_or_else(|| anyhow!("({denom}) does not exist in the pool"))
    }

    fn asset_mut(&mut self, denom: &str) -> AnyResult<&mut PoolAssetState> {
        self.assets
            .iter_mut()
            .find(|a| a.denom == denom)
            .ok_or_else(|| anyhow!("({denom}) does not exist in the pool"))
    }

    /// The reserves as coins.
    pub fn reserves(&self) -> Vec<Coin> {
        self.assets
            .iter()
            .map(|a| Coin::new(a.amount, a.denom.clone()))
            .collect()
    }

    /// `CalcOutAmtGivenIn` against the current reserves.
    pub fn calc_out_amt_given_in(
        &self,
        token_in: &Coin,
        token_out_denom: &str,
    ) -> AnyResult<Uint128> {
        ensure!(
            token_in.denom != token_out_denom,
            "cannot trade same denomination in and out"
        );
        let asset_in = self.asset(&token_in.denom)?;
        let asset_out = self.asset(token_out_denom)?;
        calc_out_amt_given_in(
            asset_in.amount,
            asset_in.weight,
            asset_out.amount,
            asset_out.weight,
            token_in.amount,
            self.swap_fee,
        )
    }

    /// Spot price of `base` in `quote`, as the gamm keeper computes it.
    pub fn spot_price(&self, base: &str, quote: &str) -> AnyResult<Dec> {
        let base = self.asset(base)?;
        let quote = self.asset(quote)?;
        spot_price(base.amount, base.weight, quote.amount, quote.weight)
    }

    fn snapshot(&self) -> Vec<(String, Uint128, Uint128)> {
        self.assets
            .iter()
            .map(|a| (a.denom.clone(), a.amount, a.weight))
            .collect()
    }
}

const NEXT_POOL_ID: Item<u64> = Item::new("osmo_pm_next_pool_id");
/// Per directed pair `(denom in, denom out)` taker fee overrides.
const PAIR_TAKER_FEES: Map<(&str, &str), Dec> = Map::new("osmo_pm_pair_taker_fee");

/// The module account that collects taker fees (`txfees`' `taker_fee_collector`).
pub const TAKER_FEE_COLLECTOR: &str = "taker_fee_collector";

/// The taker fee settings of poolmanager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TakerFeeParams {
    /// `taker_fee_params.default_taker_fee`, charged on every pair without an override.
    pub default_taker_fee: Dec,
}

impl Default for TakerFeeParams {
    /// Mainnet's default taker fee, 0.1% (proposal 651; pairs may differ, e.g. 0.2% on
    /// ATOM/OSMO, 0.02% on stable and LST pairs).
    fn default() -> Self {
        Self {
            default_taker_fee: Dec::from_decimal(cosmwasm_std::Decimal::permille(1)),
        }
    }
}

/// `GetTradingPairTakerFee(denom in, denom out)`: the directed pair's override, else the default.
pub fn trading_pair_taker_fee(
    storage: &dyn Storage,
    params: &TakerFeeParams,
    denom_in: &str,
    denom_out: &str,
) -> AnyResult<Dec> {
    Ok(PAIR_TAKER_FEES
        .may_load(storage, (denom_in, denom_out))?
        .unwrap_or(params.default_taker_fee))
}

/// Overrides the taker fee of swaps from `denom_in` to `denom_out` (what the protocol fee
/// sub-DAO's `MsgSetDenomPairTakerFee` does per direction).
pub fn set_pair_taker_fee(
    storage: &mut dyn Storage,
    denom_in: &str,
    denom_out: &str,
    taker_fee: Dec,
) -> AnyResult<()> {
    ensure!(
        taker_fee < Dec::one(),
        "taker fee must be in [0, 1), got {taker_fee}"
    );
    PAIR_TAKER_FEES.save(storage, (denom_in, denom_out), &taker_fee)?;
    Ok(())
}

/// `CalcTakerFeeExactIn`: `(token in after the fee, the fee)`, with
/// `after = ⌊(1 − fee) × amount⌋` (the fee is rounded up, in the protocol's favour).
pub fn calc_taker_fee_exact_in(amount: Uint128, taker_fee: Dec) -> AnyResult<(Uint128, Uint128)> {
    let after = Dec::one()
        .checked_sub(taker_fee)?
        .checked_mul_int(amount.u128())?
        .truncate_int();
    let after = Uint128::try_from(after).map_err(|e| anyhow!("amount overflow: {e}"))?;
    Ok((after, amount.checked_sub(after)?))
}
const POOLS: Map<u64, BalancerPoolState> = Map::new("osmo_pm_pools");
const POOL_BY_ADDRESS: Map<&Addr, u64> = Map::new("osmo_pm_pool_addr");

/// Loads a pool, failing like poolmanager when it does not exist.
pub fn load_pool(storage: &dyn Storage, pool_id: u64) -> AnyResult<BalancerPoolState> {
    POOLS
        .may_load(storage, pool_id)?
        .ok_or_else(|| anyhow!("failed to find route for pool id ({pool_id})"))
}

/// Whether `address` is a pool's module account.
pub(crate) fn is_pool_account(storage: &dyn Storage, address: &Addr) -> AnyResult<bool> {
    Ok(POOL_BY_ADDRESS.has(storage, address))
}

/// The number of pools created so far.
pub fn num_pools(storage: &dyn Storage) -> AnyResult<u64> {
    Ok(NEXT_POOL_ID.may_load(storage)?.unwrap_or(1) - 1)
}

fn save_pool(
    storage: &mut dyn Storage,
    block: &BlockInfo,
    pool: &BalancerPoolState,
) -> AnyResult<()> {
    POOLS.save(storage, pool.id, pool)?;
    let assets = pool.snapshot();
    track_pool_change(
        storage,
        block,
        &PoolSnapshot {
            pool_id: pool.id,
            assets: &assets,
        },
    )
}

fn parse_int(value: &str, what: &str) -> AnyResult<Uint128> {
    Uint128::from_str(value).map_err(|e| anyhow!("invalid {what} {value:?}: {e}"))
}

fn proto_coin(coin: &ProtoCoin) -> AnyResult<Coin> {
    validate_denom(&coin.denom)?;
    Ok(Coin::new(
        parse_int(&coin.amount, "coin amount")?,
        coin.denom.clone(),
    ))
}

pub(crate) fn create_balancer_pool<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    msg: balancer::MsgCreateBalancerPool,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let params = msg.pool_params.unwrap_or_default();
    let swap_fee = Dec::from_proto_str(&params.swap_fee)?;
    ensure!(
        swap_fee < Dec::one(),
        "invalid swap fee {swap_fee}: must be in [0, 1)"
    );
    let exit_fee = Dec::from_proto_str(&params.exit_fee)?;
    ensure!(exit_fee.is_zero(), "exit fee must be 0, got {exit_fee}");
    ensure!(
        params.smooth_weight_change_params.is_none(),
        "smooth weight change pools are not emulated"
    );
    ensure!(
        msg.pool_assets.len() >= MIN_POOL_ASSETS,
        "pool should have at least 2 assets, as they must be swapping between at least two assets"
    );
    ensure!(
        msg.pool_assets.len() <= MAX_POOL_ASSETS,
        "pool has too many assets (currently capped at 8 assets for both balancer and stableswap)"
    );

    let mut assets = Vec::with_capacity(msg.pool_assets.len());
    for asset in &msg.pool_assets {
        let token = proto_coin(
            asset
                .token
                .as_ref()
                .ok_or_else(|| anyhow!("pool asset without a token"))?,
        )?;
        ensure!(
            !token.amount.is_zero(),
            "{}: invalid coins (pool assets must be positive)",
            token
        );
        let weight = parse_int(&asset.weight, "weight")?;
        ensure!(
            !weight.is_zero(),
            "{weight}: token weight should be greater than 0"
        );
        ensure!(
            weight.u128() < MAX_USER_SPECIFIED_WEIGHT,
            "{weight}: user specified token weight should be less than 2^20"
        );
        assets.push(PoolAssetState {
            denom: token.denom,
            amount: token.amount,
            weight: weight.checked_mul(Uint128::new(GUARANTEED_WEIGHT_PRECISION))?,
        });
    }
    assets.sort_by(|a, b| a.denom.cmp(&b.denom));
    for pair in assets.windows(2) {
        ensure!(
            pair[0].denom != pair[1].denom,
            "duplicate denom {} in pool assets",
            pair[0].denom
        );
    }

    let pool_id = NEXT_POOL_ID.may_load(storage)?.unwrap_or(1);
    NEXT_POOL_ID.save(storage, &(pool_id + 1))?;
    let address = pool_address(env.api, pool_id)?;
    let pool = BalancerPoolState {
        id: pool_id,
        address: address.clone(),
        swap_fee,
        total_shares: Uint128::new(INIT_POOL_SHARES_SUPPLY),
        assets,
        future_pool_governor: msg.future_pool_governor,
    };

    let mut events = env.send(storage, sender, &address, pool.reserves())?;
    env.mint(
        storage,
        sender,
        vec![Coin::new(pool.total_shares, pool_share_denom(pool_id))],
    )?;
    POOL_BY_ADDRESS.save(storage, &address, &pool_id)?;
    save_pool(storage, env.block, &pool)?;

    events.push(
        Event::new("pool_created")
            .add_attribute("module", "gamm")
            .add_attribute("pool_id", pool_id.to_string()),
    );
    Ok(msg_response(
        balancer::MsgCreateBalancerPoolResponse::TYPE_URL,
        &balancer::MsgCreateBalancerPoolResponse { pool_id },
        events,
    ))
}

/// Executes a swap route; returns the final amount out and the events.
#[allow(clippy::too_many_arguments)]
pub(crate) fn route_exact_amount_in<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    taker_fees: &TakerFeeParams,
    sender: &Addr,
    routes: &[pm::SwapAmountInRoute],
    token_in: Option<ProtoCoin>,
    token_out_min_amount: &str,
) -> AnyResult<(Uint128, Vec<Event>)>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    // ValidateBasic
    ensure!(!routes.is_empty(), "provided empty routes");
    for route in routes {
        validate_denom(&route.token_out_denom)?;
    }
    let token_in =
        proto_coin(&token_in.ok_or_else(|| anyhow!("token_in is required: invalid coins"))?)?;
    ensure!(!token_in.amount.is_zero(), "{token_in}: invalid coins");
    let token_out_min_amount = parse_int(token_out_min_amount, "token_out_min_amount")?;
    ensure!(
        !token_out_min_amount.is_zero(),
        "min out amount or max in amount should be positive, was ({token_out_min_amount})"
    );

    let mut events = vec![];
    let mut current_in = token_in;
    let mut out = Uint128::zero();
    for (i, route) in routes.iter().enumerate() {
        // "To prevent the multihop swap from being interrupted prematurely, we keep
        //  the minimum expected output at a very low number until the last pool"
        let min_out = if i + 1 == routes.len() {
            token_out_min_amount
        } else {
            Uint128::one()
        };
        let mut pool = load_pool(storage, route.pool_id)?;
        // chargeTakerFee, then the pool's swap with what is left.
        let taker_fee = trading_pair_taker_fee(
            storage,
            taker_fees,
            &current_in.denom,
            &route.token_out_denom,
        )?;
        let (after_fee, fee) = calc_taker_fee_exact_in(current_in.amount, taker_fee)?;
        if !fee.is_zero() {
            let collector = crate::chain::module_address(env.api, TAKER_FEE_COLLECTOR)?;
            events.extend(env.send(
                storage,
                sender,
                &collector,
                vec![Coin::new(fee, current_in.denom.clone())],
            )?);
        }
        current_in = Coin::new(after_fee, current_in.denom.clone());
        out = pool.calc_out_amt_given_in(&current_in, &route.token_out_denom)?;
        if out < min_out {
            // x/gamm/keeper/swap.go:
            //   errorsmod.Wrapf(types.ErrLimitMinAmount, "%s token is lesser than min amount", tokenOutDenom)
            // with ErrLimitMinAmount = "calculated amount is lesser than min amount".
            bail!(
                "{} token is lesser than min amount: calculated amount is lesser than min amount",
                route.token_out_denom
            );
        }
        let token_out = Coin::new(out, route.token_out_denom.clone());

        let asset_in = pool.asset_mut(&current_in.denom)?;
        asset_in.amount = asset_in.amount.checked_add(current_in.amount)?;
        let asset_out = pool.asset_mut(&token_out.denom)?;
        asset_out.amount = asset_out.amount.checked_sub(token_out.amount)?;

        events.extend(env.send(storage, sender, &pool.address, vec![current_in.clone()])?);
        events.extend(env.send(storage, &pool.address, sender, vec![token_out.clone()])?);
        save_pool(storage, env.block, &pool)?;
        events.push(
            Event::new("token_swapped")
                .add_attribute("module", "gamm")
                .add_attribute("sender", sender)
                .add_attribute("pool_id", pool.id.to_string())
                .add_attribute("tokens_in", current_in.to_string())
                .add_attribute("tokens_out", token_out.to_string()),
        );
        current_in = token_out;
    }
    Ok((out, events))
}

pub(crate) fn swap_exact_amount_in<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    taker_fees: &TakerFeeParams,
    sender: &Addr,
    msg: pm::MsgSwapExactAmountIn,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let (out, events) = route_exact_amount_in(
        env,
        storage,
        taker_fees,
        sender,
        &msg.routes,
        msg.token_in,
        &msg.token_out_min_amount,
    )?;
    Ok(msg_response(
        pm::MsgSwapExactAmountInResponse::TYPE_URL,
        &pm::MsgSwapExactAmountInResponse {
            token_out_amount: out.to_string(),
        },
        events,
    ))
}

pub(crate) fn gamm_swap_exact_amount_in<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    taker_fees: &TakerFeeParams,
    sender: &Addr,
    msg: gamm::MsgSwapExactAmountIn,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let (out, events) = route_exact_amount_in(
        env,
        storage,
        taker_fees,
        sender,
        &msg.routes,
        msg.token_in,
        &msg.token_out_min_amount,
    )?;
    Ok(msg_response(
        gamm::MsgSwapExactAmountInResponse::TYPE_URL,
        &gamm::MsgSwapExactAmountInResponse {
            token_out_amount: out.to_string(),
        },
        events,
    ))
}

/// `ceil(a × b / c)` / `floor(a × b / c)` in 256-bit arithmetic.
fn mul_div(a: Uint128, b: Uint128, c: Uint128, round_up: bool) -> AnyResult<Uint128> {
    ensure!(!c.is_zero(), "division by zero");
    let product = a.full_mul(b);
    let c = Uint256::from(c);
    let mut q = product / c;
    if round_up && !(product % c).is_zero() {
        q += Uint256::one();
    }
    Uint128::try_from(q).map_err(|e| anyhow!("amount overflow: {e}"))
}

pub(crate) fn join_pool<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    msg: gamm::MsgJoinPool,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let share_out = parse_int(&msg.share_out_amount, "share_out_amount")?;
    ensure!(!share_out.is_zero(), "share out amount must be positive");
    let maxs = msg
        .token_in_maxs
        .iter()
        .map(proto_coin)
        .collect::<AnyResult<Vec<_>>>()?;
    let mut pool = load_pool(storage, msg.pool_id)?;

    let mut tokens_in = Vec::with_capacity(pool.assets.len());
    let total_shares = pool.total_shares;
    for asset in pool.assets.iter_mut() {
        // The joiner pays the rounding: required amounts are rounded up.
        let needed = mul_div(asset.amount, share_out, total_shares, true)?;
        if !maxs.is_empty() {
            let max = maxs
                .iter()
                .find(|c| c.denom == asset.denom)
                .map(|c| c.amount)
                .unwrap_or_default();
            ensure!(
                needed <= max,
                "TokenInMaxs is less than the needed LP liquidity to this JoinPoolNoSwap, \
                 upperbound: {max}{denom}, needed {needed}{denom}: calculated amount is larger than max amount",
                denom = asset.denom
            );
        }
        asset.amount = asset.amount.checked_add(needed)?;
        tokens_in.push(Coin::new(needed, asset.denom.clone()));
    }
    pool.total_shares = pool.total_shares.checked_add(share_out)?;

    let mut events = env.send(storage, sender, &pool.address, tokens_in.clone())?;
    env.mint(
        storage,
        sender,
        vec![Coin::new(share_out, pool_share_denom(pool.id))],
    )?;
    save_pool(storage, env.block, &pool)?;
    events.push(
        Event::new("pool_joined")
            .add_attribute("module", "gamm")
            .add_attribute("sender", sender)
            .add_attribute("pool_id", pool.id.to_string())
            .add_attribute("tokens_in", coins_string(&tokens_in)),
    );
    Ok(msg_response(
        gamm::MsgJoinPoolResponse::TYPE_URL,
        &gamm::MsgJoinPoolResponse {
            share_out_amount: share_out.to_string(),
            token_in: tokens_in.into_iter().map(ProtoCoin::from).collect(),
        },
        events,
    ))
}

pub(crate) fn exit_pool<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    msg: gamm::MsgExitPool,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let share_in = parse_int(&msg.share_in_amount, "share_in_amount")?;
    ensure!(!share_in.is_zero(), "share in amount must be positive");
    let mins = msg
        .token_out_mins
        .iter()
        .map(proto_coin)
        .collect::<AnyResult<Vec<_>>>()?;
    let mut pool = load_pool(storage, msg.pool_id)?;
    ensure!(
        share_in < pool.total_shares,
        "attempted to exit {share_in} shares of the {} outstanding: cannot exit all shares in a pool",
        pool.total_shares
    );

    let mut tokens_out = Vec::with_capacity(pool.assets.len());
    let total_shares = pool.total_shares;
    for asset in pool.assets.iter_mut() {
        // The pool keeps the rounding: amounts out are rounded down (exit fee 0).
        let out = mul_div(asset.amount, share_in, total_shares, false)?;
        if let Some(min) = mins.iter().find(|c| c.denom == asset.denom) {
            ensure!(
                out >= min.amount,
                "Exit pool returned {out}{denom} , minimum tokens out specified as {min}: \
                 calculated amount is lesser than min amount",
                denom = asset.denom,
                min = min
            );
        }
        asset.amount = asset.amount.checked_sub(out)?;
        tokens_out.push(Coin::new(out, asset.denom.clone()));
    }
    pool.total_shares = pool.total_shares.checked_sub(share_in)?;

    let mut events = env.burn(
        storage,
        sender,
        vec![Coin::new(share_in, pool_share_denom(pool.id))],
    )?;
    events.extend(env.send(storage, &pool.address, sender, tokens_out.clone())?);
    save_pool(storage, env.block, &pool)?;
    events.push(
        Event::new("pool_exited")
            .add_attribute("module", "gamm")
            .add_attribute("sender", sender)
            .add_attribute("pool_id", pool.id.to_string())
            .add_attribute("tokens_out", coins_string(&tokens_out)),
    );
    Ok(msg_response(
        gamm::MsgExitPoolResponse::TYPE_URL,
        &gamm::MsgExitPoolResponse {
            token_out: tokens_out.into_iter().map(ProtoCoin::from).collect(),
        },
        events,
    ))
}

fn coins_string(coins: &[Coin]) -> String {
    coins
        .iter()
        .map(Coin::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// `MultihopEstimateOutGivenExactAmountIn`: each hop deducts the pair's taker fee from its
/// token in, then applies the pool's spread factor (`taker_fees: None` is the chain's
/// `...NoTakerFee` variant).
pub fn estimate_route(
    storage: &dyn Storage,
    taker_fees: Option<&TakerFeeParams>,
    routes: &[pm::SwapAmountInRoute],
    token_in: Coin,
) -> AnyResult<Uint128> {
    ensure!(!routes.is_empty(), "provided empty routes");
    let mut current = token_in;
    for route in routes {
        let pool = load_pool(storage, route.pool_id)?;
        if let Some(params) = taker_fees {
            let rate =
                trading_pair_taker_fee(storage, params, &current.denom, &route.token_out_denom)?;
            current.amount = calc_taker_fee_exact_in(current.amount, rate)?.0;
        }
        let out = pool.calc_out_amt_given_in(&current, &route.token_out_denom)?;
        ensure!(!out.is_zero(), "token amount must be positive");
        current = Coin::new(out, route.token_out_denom.clone());
    }
    Ok(current.amount)
}

fn parse_coin_str(value: &str) -> AnyResult<Coin> {
    Coin::from_str(value).map_err(|e| anyhow!("invalid token_in {value:?}: {e}"))
}

pub(crate) fn query_estimate_swap_exact_amount_in(
    storage: &dyn Storage,
    taker_fees: &TakerFeeParams,
    req: pm::EstimateSwapExactAmountInRequest,
) -> AnyResult<pm::EstimateSwapExactAmountInResponse> {
    let out = estimate_route(
        storage,
        Some(taker_fees),
        &req.routes,
        parse_coin_str(&req.token_in)?,
    )?;
    Ok(pm::EstimateSwapExactAmountInResponse {
        token_out_amount: out.to_string(),
    })
}

pub(crate) fn query_estimate_single_pool_swap_exact_amount_in(
    storage: &dyn Storage,
    taker_fees: &TakerFeeParams,
    req: pm::EstimateSinglePoolSwapExactAmountInRequest,
) -> AnyResult<pm::EstimateSwapExactAmountInResponse> {
    let routes = [pm::SwapAmountInRoute {
        pool_id: req.pool_id,
        token_out_denom: req.token_out_denom,
    }];
    let out = estimate_route(
        storage,
        Some(taker_fees),
        &routes,
        parse_coin_str(&req.token_in)?,
    )?;
    Ok(pm::EstimateSwapExactAmountInResponse {
        token_out_amount: out.to_string(),
    })
}

pub(crate) fn query_spot_price(
    storage: &dyn Storage,
    req: pm::SpotPriceRequest,
) -> AnyResult<pm::SpotPriceResponse> {
    ensure!(!req.base_asset_denom.is_empty(), "invalid base asset denom");
    ensure!(
        !req.quote_asset_denom.is_empty(),
        "invalid quote asset denom"
    );
    let pool = load_pool(storage, req.pool_id)?;
    let price = pool.spot_price(&req.base_asset_denom, &req.quote_asset_denom)?;
    // "This query has historically had 18 decimals in response."
    Ok(pm::SpotPriceResponse {
        spot_price: price.to_string(),
    })
}

pub(crate) fn query_trading_pair_taker_fee(
    storage: &dyn Storage,
    taker_fees: &TakerFeeParams,
    req: pm::TradingPairTakerFeeRequest,
    encoding: Encoding,
) -> AnyResult<pm::TradingPairTakerFeeResponse> {
    let fee = trading_pair_taker_fee(storage, taker_fees, &req.denom_0, &req.denom_1)?;
    Ok(pm::TradingPairTakerFeeResponse {
        taker_fee: match encoding {
            Encoding::Json => fee.to_string(),
            Encoding::Proto => fee.to_proto_string(),
        },
    })
}

pub(crate) fn query_num_pools(storage: &dyn Storage) -> AnyResult<pm::NumPoolsResponse> {
    Ok(pm::NumPoolsResponse {
        num_pools: num_pools(storage)?,
    })
}

pub(crate) fn query_total_pool_liquidity(
    storage: &dyn Storage,
    req: pm::TotalPoolLiquidityRequest,
) -> AnyResult<pm::TotalPoolLiquidityResponse> {
    let pool = load_pool(storage, req.pool_id)?;
    Ok(pm::TotalPoolLiquidityResponse {
        liquidity: pool.reserves().into_iter().map(ProtoCoin::from).collect(),
    })
}

/// The gamm `Pool` message. `LegacyDec` fields are atomics on the proto wire
/// and decimal strings in JSON, as the chain's codecs produce them.
fn gamm_pool(pool: &BalancerPoolState, encoding: Encoding) -> gamm::Pool {
    let dec = |d: Dec| match encoding {
        Encoding::Json => d.to_string(),
        Encoding::Proto => d.to_proto_string(),
    };
    let total_weight: Uint128 = pool.assets.iter().map(|a| a.weight).sum();
    gamm::Pool {
        address: pool.address.to_string(),
        id: pool.id,
        pool_params: Some(gamm::PoolParams {
            swap_fee: dec(pool.swap_fee),
            exit_fee: dec(Dec::zero()),
            smooth_weight_change_params: None,
        }),
        future_pool_governor: pool.future_pool_governor.clone(),
        total_shares: Some(ProtoCoin {
            denom: pool_share_denom(pool.id),
            amount: pool.total_shares.to_string(),
        }),
        pool_assets: pool
            .assets
            .iter()
            .map(|a| gamm::PoolAsset {
                token: Some(ProtoCoin {
                    denom: a.denom.clone(),
                    amount: a.amount.to_string(),
                }),
                weight: a.weight.to_string(),
            })
            .collect(),
        total_weight: total_weight.to_string(),
    }
}

pub(crate) fn query_pool(
    storage: &dyn Storage,
    req: pm::PoolRequest,
    encoding: Encoding,
) -> AnyResult<pm::PoolResponse> {
    let pool = load_pool(storage, req.pool_id)?;
    let pool = gamm_pool(&pool, encoding);
    Ok(pm::PoolResponse {
        pool: Some(Any {
            type_url: gamm::Pool::TYPE_URL.to_string(),
            value: prost::Message::encode_to_vec(&pool),
        }),
    })
}
