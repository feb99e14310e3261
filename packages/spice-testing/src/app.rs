//! The multi-test [`App`] with the Osmosis modules behind `Stargate`/`Any`
//! messages and `Stargate`/`Grpc` queries, plus the helpers tests use.

use anyhow::{anyhow, bail};
use cosmwasm_std::testing::mock_env;
use cosmwasm_std::{
    Addr, AnyMsg, Api, Binary, BlockInfo, Coin, CosmosMsg, CustomMsg, CustomQuery, Decimal, Empty,
    GrpcQuery, Querier, Storage, Timestamp, Uint128,
};
use cw_multi_test::{
    App, AppBuilder, AppResponse, BankKeeper, CosmosRouter, DistributionKeeper, Executor,
    FailingModule, GovFailingModule, IbcFailingModule, MockApiBech32, Stargate, WasmKeeper,
};
use osmosis_std::types::cosmos::base::v1beta1::Coin as ProtoCoin;
use osmosis_std::types::ibc::applications::transfer::v1 as ics20;
use osmosis_std::types::ibc::core::channel::v1 as ibc_channel;
use osmosis_std::types::osmosis::concentratedliquidity::v1beta1 as cl;
use osmosis_std::types::osmosis::gamm::poolmodels::balancer::v1beta1 as balancer;
use osmosis_std::types::osmosis::gamm::v1beta1 as gamm;
use osmosis_std::types::osmosis::poolmanager::v1beta1 as pm;
use osmosis_std::types::osmosis::tokenfactory::v1beta1 as tf;
use osmosis_std::types::osmosis::twap::v1beta1 as twap;
use serde::de::DeserializeOwned;

use crate::balancer_math::Dec;
use crate::chain::{decode, ensure_signer, module_address, timestamp_to_proto, Encoding, ExecEnv};
use crate::concentrated_liquidity::{self as cl_module, ClPositionState};
use crate::ibc_transfer::{self, SentPacket};
use crate::poolmanager::{self, BalancerPoolState, TakerFeeParams};
use crate::tokenfactory::{self, TokenfactoryParams};
use crate::{twap as twap_module, AnyResult};

/// The bech32 prefix of Osmosis accounts.
pub const OSMOSIS_PREFIX: &str = "osmo";
/// The chain id the emulated blocks carry.
pub const OSMOSIS_CHAIN_ID: &str = "osmosis-1";
/// Average Osmosis block time used by [`advance_time`].
pub const BLOCK_TIME_SECONDS: u64 = 5;

/// The multi-test app with the Osmosis emulation.
pub type OsmosisApp = App<
    BankKeeper,
    MockApiBech32,
    cosmwasm_std::MemoryStorage,
    FailingModule<Empty, Empty, Empty>,
    WasmKeeper<Empty, Empty>,
    crate::staking::SdkStaking,
    DistributionKeeper,
    IbcFailingModule,
    GovFailingModule,
    OsmosisStargate,
>;

/// The Osmosis modules, as cw-multi-test's `Stargate` handler.
///
/// Every `CosmosMsg::Stargate`/`CosmosMsg::Any` and every
/// `QueryRequest::Stargate`/`QueryRequest::Grpc` goes through one dispatcher;
/// unknown type URLs and paths fail with a clear error, like a chain without
/// the message route (or a query outside wasmd's accept list) would.
#[derive(Clone, Debug, Default)]
pub struct OsmosisStargate {
    tokenfactory: TokenfactoryParams,
    taker_fees: TakerFeeParams,
}

impl OsmosisStargate {
    /// A handler with the given tokenfactory parameters and mainnet's default taker fee.
    pub fn new(tokenfactory: TokenfactoryParams) -> Self {
        Self {
            tokenfactory,
            taker_fees: TakerFeeParams::default(),
        }
    }

    /// The same handler with other taker fee parameters.
    pub fn with_taker_fees(mut self, taker_fees: TakerFeeParams) -> Self {
        self.taker_fees = taker_fees;
        self
    }

    fn execute<ExecC, QueryC>(
        &self,
        env: &ExecEnv<ExecC, QueryC>,
        storage: &mut dyn Storage,
        sender: Addr,
        type_url: &str,
        value: &[u8],
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        let api = env.api;
        let community_pool = module_address(api, "distribution")?;
        let cl_account = module_address(api, cl_module::CL_MODULE_NAME)?;
        let other_module_account = |s: &dyn Storage, a: &Addr| -> AnyResult<bool> {
            Ok(*a == cl_account || poolmanager::is_pool_account(s, a)?)
        };
        let module_accounts = tokenfactory::ModuleAccounts {
            listed: tokenfactory::OSMOSIS_MODULE_ACCOUNTS
                .iter()
                .map(|name| module_address(api, name))
                .collect::<AnyResult<Vec<_>>>()?,
            other: &other_module_account,
        };
        match type_url {
            // tokenfactory
            tf::MsgCreateDenom::TYPE_URL => {
                let msg: tf::MsgCreateDenom = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                tokenfactory::create_denom(
                    env,
                    storage,
                    &self.tokenfactory,
                    &community_pool,
                    &sender,
                    msg,
                )
            }
            tf::MsgMint::TYPE_URL => {
                let msg: tf::MsgMint = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                tokenfactory::mint(env, storage, &module_accounts, &sender, msg)
            }
            tf::MsgBurn::TYPE_URL => {
                let msg: tf::MsgBurn = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                tokenfactory::burn(env, storage, &module_accounts, &sender, msg)
            }
            tf::MsgChangeAdmin::TYPE_URL => {
                let msg: tf::MsgChangeAdmin = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                tokenfactory::change_admin(api, storage, &sender, msg)
            }
            tf::MsgSetDenomMetadata::TYPE_URL => {
                let msg: tf::MsgSetDenomMetadata = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                tokenfactory::set_denom_metadata(storage, &sender, msg)
            }
            // poolmanager / gamm
            pm::MsgSwapExactAmountIn::TYPE_URL => {
                let msg: pm::MsgSwapExactAmountIn = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                poolmanager::swap_exact_amount_in(env, storage, &self.taker_fees, &sender, msg)
            }
            gamm::MsgSwapExactAmountIn::TYPE_URL => {
                let msg: gamm::MsgSwapExactAmountIn = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                poolmanager::gamm_swap_exact_amount_in(env, storage, &self.taker_fees, &sender, msg)
            }
            balancer::MsgCreateBalancerPool::TYPE_URL => {
                let msg: balancer::MsgCreateBalancerPool = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                poolmanager::create_balancer_pool(env, storage, &sender, msg)
            }
            gamm::MsgJoinPool::TYPE_URL => {
                let msg: gamm::MsgJoinPool = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                poolmanager::join_pool(env, storage, &sender, msg)
            }
            gamm::MsgExitPool::TYPE_URL => {
                let msg: gamm::MsgExitPool = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                poolmanager::exit_pool(env, storage, &sender, msg)
            }
            // concentrated liquidity (positions and their rewards only)
            cl::MsgCollectSpreadRewards::TYPE_URL => {
                let msg: cl::MsgCollectSpreadRewards = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                cl_module::collect_spread_rewards(env, storage, &sender, msg)
            }
            cl::MsgCollectIncentives::TYPE_URL => {
                let msg: cl::MsgCollectIncentives = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                cl_module::collect_incentives(env, storage, &sender, msg)
            }
            cl::MsgTransferPositions::TYPE_URL => {
                let msg: cl::MsgTransferPositions = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                cl_module::transfer_positions(env, storage, &sender, msg)
            }
            // ICS-20 with ibc-hooks callbacks; the relayer's ack and timeout
            ics20::MsgTransfer::TYPE_URL => {
                let msg: ics20::MsgTransfer = decode(type_url, value)?;
                ensure_signer(&sender, &msg.sender)?;
                ibc_transfer::transfer(env, storage, &sender, msg)
            }
            ibc_channel::MsgAcknowledgement::TYPE_URL => {
                let msg: ibc_channel::MsgAcknowledgement = decode(type_url, value)?;
                ensure_signer(&sender, &msg.signer)?;
                ibc_transfer::acknowledgement(env, storage, msg)
            }
            ibc_channel::MsgTimeout::TYPE_URL => {
                let msg: ibc_channel::MsgTimeout = decode(type_url, value)?;
                ensure_signer(&sender, &msg.signer)?;
                ibc_transfer::timeout(env, storage, msg)
            }
            other => bail!("Osmosis emulation: message type {other} is not emulated"),
        }
    }

    fn query(
        &self,
        storage: &dyn Storage,
        block: &BlockInfo,
        path: &str,
        data: &[u8],
        encoding: Encoding,
    ) -> AnyResult<Binary> {
        // wasmd's AcceptList querier in front of every stargate/gRPC query from a contract:
        // Osmosis answers only the paths of its `wasmbinding/stargate_whitelist.go`.
        if !crate::whitelist::is_whitelisted(path) {
            bail!(crate::whitelist::not_allowed_error(path));
        }
        match path {
            // tokenfactory
            "/osmosis.tokenfactory.v1beta1.Query/DenomAuthorityMetadata" => encoding.encode(
                &tokenfactory::query_denom_authority_metadata(storage, decode(path, data)?)?,
            ),
            "/osmosis.tokenfactory.v1beta1.Query/Params" => {
                encoding.encode(&tokenfactory::query_params(&self.tokenfactory))
            }
            // poolmanager
            "/osmosis.poolmanager.v1beta1.Query/EstimateSwapExactAmountIn" => {
                encoding.encode(&poolmanager::query_estimate_swap_exact_amount_in(
                    storage,
                    &self.taker_fees,
                    decode(path, data)?,
                )?)
            }
            "/osmosis.poolmanager.v1beta1.Query/EstimateSinglePoolSwapExactAmountIn" => encoding
                .encode(
                    &poolmanager::query_estimate_single_pool_swap_exact_amount_in(
                        storage,
                        &self.taker_fees,
                        decode(path, data)?,
                    )?,
                ),
            "/osmosis.poolmanager.v1beta1.Query/SpotPrice" => encoding.encode(
                &poolmanager::query_spot_price(storage, decode(path, data)?)?,
            ),
            "/osmosis.poolmanager.v1beta1.Query/NumPools" => {
                encoding.encode(&poolmanager::query_num_pools(storage)?)
            }
            "/osmosis.poolmanager.v1beta1.Query/Pool" => encoding.encode(&poolmanager::query_pool(
                storage,
                decode(path, data)?,
                encoding,
            )?),
            "/osmosis.poolmanager.v1beta1.Query/TradingPairTakerFee" => {
                encoding.encode(&poolmanager::query_trading_pair_taker_fee(
                    storage,
                    &self.taker_fees,
                    decode(path, data)?,
                    encoding,
                )?)
            }
            "/osmosis.poolmanager.v1beta1.Query/TotalPoolLiquidity" => encoding.encode(
                &poolmanager::query_total_pool_liquidity(storage, decode(path, data)?)?,
            ),
            // twap
            "/osmosis.twap.v1beta1.Query/ArithmeticTwapToNow" => {
                encoding.encode(&twap_module::query_arithmetic_twap_to_now(
                    storage,
                    block,
                    decode(path, data)?,
                    encoding,
                )?)
            }
            "/osmosis.twap.v1beta1.Query/ArithmeticTwap" => encoding.encode(
                &twap_module::query_arithmetic_twap(storage, block, decode(path, data)?, encoding)?,
            ),
            other => bail!("Osmosis emulation: query path {other} is not emulated"),
        }
    }
}

impl Stargate for OsmosisStargate {
    fn execute_stargate<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        type_url: String,
        value: Binary,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        let env = ExecEnv { api, router, block };
        self.execute(&env, storage, sender, &type_url, value.as_slice())
    }

    fn query_stargate(
        &self,
        _api: &dyn Api,
        storage: &dyn Storage,
        _querier: &dyn Querier,
        block: &BlockInfo,
        path: String,
        data: Binary,
    ) -> AnyResult<Binary> {
        self.query(storage, block, &path, data.as_slice(), Encoding::Json)
    }

    fn execute_any<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: AnyMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        let env = ExecEnv { api, router, block };
        self.execute(&env, storage, sender, &msg.type_url, msg.value.as_slice())
    }

    fn query_grpc(
        &self,
        _api: &dyn Api,
        storage: &dyn Storage,
        _querier: &dyn Querier,
        block: &BlockInfo,
        request: GrpcQuery,
    ) -> AnyResult<Binary> {
        self.query(
            storage,
            block,
            &request.path,
            request.data.as_slice(),
            Encoding::Proto,
        )
    }
}

/// Builds an [`OsmosisApp`]. `osmosis_app()` is `OsmosisAppBuilder::new().build()`.
#[derive(Clone, Debug, Default)]
pub struct OsmosisAppBuilder {
    tokenfactory: TokenfactoryParams,
    taker_fees: TakerFeeParams,
    block: Option<BlockInfo>,
    balances: Vec<(String, Vec<Coin>)>,
}

impl OsmosisAppBuilder {
    /// Defaults: no denom creation fee, `mock_env()`'s block with chain id `osmosis-1`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Charges `fee` (sent to the community pool) on every `MsgCreateDenom`.
    pub fn with_denom_creation_fee(mut self, fee: Vec<Coin>) -> Self {
        self.tokenfactory.denom_creation_fee = fee;
        self
    }

    /// Charges `rate` as the default taker fee on every swap hop (mainnet: 0.1%, the
    /// default; `Decimal::zero()` turns it off, like a chain before v19).
    pub fn with_default_taker_fee(mut self, rate: Decimal) -> Self {
        self.taker_fees.default_taker_fee = Dec::from_decimal(rate);
        self
    }

    /// Starts the chain at `block`.
    pub fn with_block(mut self, block: BlockInfo) -> Self {
        self.block = Some(block);
        self
    }

    /// Funds `address` at genesis.
    pub fn with_balance(mut self, address: &Addr, coins: Vec<Coin>) -> Self {
        self.balances.push((address.to_string(), coins));
        self
    }

    /// Builds the app.
    pub fn build(self) -> OsmosisApp {
        let block = self.block.unwrap_or_else(|| {
            let mut block = mock_env().block;
            block.chain_id = OSMOSIS_CHAIN_ID.to_string();
            block
        });
        let balances = self.balances;
        AppBuilder::new()
            .with_api(MockApiBech32::new(OSMOSIS_PREFIX))
            .with_wasm(WasmKeeper::new())
            .with_staking(crate::staking::SdkStaking::default())
            .with_stargate(OsmosisStargate::new(self.tokenfactory).with_taker_fees(self.taker_fees))
            .with_block(block)
            .build(|router, _api, storage| {
                for (address, coins) in balances {
                    router
                        .bank
                        .init_balance(storage, &Addr::unchecked(address), coins)
                        .expect("genesis balance");
                }
            })
    }
}

/// An Osmosis app with default settings (no denom creation fee, mainnet's 0.1% taker fee).
pub fn osmosis_app() -> OsmosisApp {
    OsmosisAppBuilder::new().build()
}

/// Moves the chain forward by `seconds`, adding one block per
/// [`BLOCK_TIME_SECONDS`] (rounded up, at least one block).
pub fn advance_time(app: &mut OsmosisApp, seconds: u64) {
    let blocks = seconds.div_ceil(BLOCK_TIME_SECONDS).max(1);
    app.update_block(|block| {
        block.time = block.time.plus_seconds(seconds);
        block.height += blocks;
    });
}

/// Mints `coins` to `address` out of thin air (test funding).
pub fn fund(app: &mut OsmosisApp, address: &Addr, coins: Vec<Coin>) -> AnyResult<()> {
    app.sudo(cw_multi_test::SudoMsg::Bank(
        cw_multi_test::BankSudo::Mint {
            to_address: address.to_string(),
            amount: coins,
        },
    ))?;
    Ok(())
}

/// The community pool's account (`distribution` module account), which
/// receives the denom creation fee.
pub fn community_pool_address(app: &OsmosisApp) -> Addr {
    module_address(app.api(), "distribution").expect("module address")
}

/// The denoms `creator` created through tokenfactory (the chain's `DenomsFromCreator`, which
/// contracts cannot query on Osmosis).
pub fn denoms_from_creator(app: &OsmosisApp, creator: &Addr) -> Vec<String> {
    tokenfactory::denoms_from_creator(app.storage(), creator.as_str()).expect("denom store")
}

/// The `taker_fee_collector` module account, which receives the taker fees.
pub fn taker_fee_collector_address(app: &OsmosisApp) -> Addr {
    module_address(app.api(), poolmanager::TAKER_FEE_COLLECTOR).expect("module address")
}

/// Sets the taker fee of swaps from `denom_in` to `denom_out` (one direction, like the
/// protocol fee sub-DAO's per-pair overrides).
pub fn set_trading_pair_taker_fee(
    app: &mut OsmosisApp,
    denom_in: &str,
    denom_out: &str,
    rate: Decimal,
) -> AnyResult<()> {
    poolmanager::set_pair_taker_fee(
        app.storage_mut(),
        denom_in,
        denom_out,
        Dec::from_decimal(rate),
    )
}

/// Creates a balancer pool with `MsgCreateBalancerPool` sent by `creator`,
/// who provides the assets and receives the 100 × 10^18 initial shares.
/// `assets` are `(reserve, user weight)`; `swap_fee` e.g. `Decimal::permille(2)`.
pub fn create_balancer_pool(
    app: &mut OsmosisApp,
    creator: &Addr,
    assets: &[(Coin, u64)],
    swap_fee: Decimal,
) -> AnyResult<u64> {
    let msg = balancer::MsgCreateBalancerPool {
        sender: creator.to_string(),
        pool_params: Some(gamm::PoolParams {
            swap_fee: Dec::from_decimal(swap_fee).to_proto_string(),
            exit_fee: Dec::zero().to_proto_string(),
            smooth_weight_change_params: None,
        }),
        pool_assets: assets
            .iter()
            .map(|(coin, weight)| gamm::PoolAsset {
                token: Some(ProtoCoin::from(coin.clone())),
                weight: weight.to_string(),
            })
            .collect(),
        future_pool_governor: String::new(),
    };
    let response = app.execute(
        creator.clone(),
        any_msg(balancer::MsgCreateBalancerPool::TYPE_URL, &msg),
    )?;
    let decoded: balancer::MsgCreateBalancerPoolResponse = decode_data(&response)?;
    Ok(decoded.pool_id)
}

/// Joins a pool proportionally, receiving `share_out` shares; `token_in_maxs`
/// empty means no limit. Returns the tokens paid.
pub fn join_pool(
    app: &mut OsmosisApp,
    sender: &Addr,
    pool_id: u64,
    share_out: Uint128,
    token_in_maxs: Vec<Coin>,
) -> AnyResult<Vec<Coin>> {
    let msg = gamm::MsgJoinPool {
        sender: sender.to_string(),
        pool_id,
        share_out_amount: share_out.to_string(),
        token_in_maxs: token_in_maxs.into_iter().map(ProtoCoin::from).collect(),
    };
    let response = app.execute(sender.clone(), any_msg(gamm::MsgJoinPool::TYPE_URL, &msg))?;
    let decoded: gamm::MsgJoinPoolResponse = decode_data(&response)?;
    proto_coins(decoded.token_in)
}

/// Exits a pool proportionally, burning `share_in` shares. Returns the tokens received.
pub fn exit_pool(
    app: &mut OsmosisApp,
    sender: &Addr,
    pool_id: u64,
    share_in: Uint128,
    token_out_mins: Vec<Coin>,
) -> AnyResult<Vec<Coin>> {
    let msg = gamm::MsgExitPool {
        sender: sender.to_string(),
        pool_id,
        share_in_amount: share_in.to_string(),
        token_out_mins: token_out_mins.into_iter().map(ProtoCoin::from).collect(),
    };
    let response = app.execute(sender.clone(), any_msg(gamm::MsgExitPool::TYPE_URL, &msg))?;
    let decoded: gamm::MsgExitPoolResponse = decode_data(&response)?;
    proto_coins(decoded.token_out)
}

/// Swaps `token_in` along `routes` (`(pool_id, token_out_denom)` per hop)
/// with `MsgSwapExactAmountIn` sent by `sender`. Returns the amount out.
pub fn swap_exact_amount_in(
    app: &mut OsmosisApp,
    sender: &Addr,
    routes: &[(u64, &str)],
    token_in: Coin,
    token_out_min_amount: Uint128,
) -> AnyResult<Uint128> {
    let msg = pm::MsgSwapExactAmountIn {
        sender: sender.to_string(),
        routes: routes
            .iter()
            .map(|(pool_id, denom)| pm::SwapAmountInRoute {
                pool_id: *pool_id,
                token_out_denom: denom.to_string(),
            })
            .collect(),
        token_in: Some(token_in.into()),
        token_out_min_amount: token_out_min_amount.to_string(),
    };
    let response = app.execute(
        sender.clone(),
        any_msg(pm::MsgSwapExactAmountIn::TYPE_URL, &msg),
    )?;
    let decoded: pm::MsgSwapExactAmountInResponse = decode_data(&response)?;
    decoded
        .token_out_amount
        .parse()
        .map_err(|e| anyhow!("bad token_out_amount {:?}: {e}", decoded.token_out_amount))
}

/// A pool's state (reserves, weights, fee, shares).
pub fn pool(app: &OsmosisApp, pool_id: u64) -> AnyResult<BalancerPoolState> {
    poolmanager::load_pool(app.storage(), pool_id)
}

/// A pool's reserves, sorted by denom.
pub fn pool_reserves(app: &OsmosisApp, pool_id: u64) -> AnyResult<Vec<Coin>> {
    Ok(pool(app, pool_id)?.reserves())
}

/// The spot price of `base` in `quote` through the chain's `SpotPrice` query.
pub fn spot_price(app: &OsmosisApp, pool_id: u64, base: &str, quote: &str) -> AnyResult<Decimal> {
    let response = pm::PoolmanagerQuerier::new(&app.wrap()).spot_price(
        pool_id,
        base.to_string(),
        quote.to_string(),
    )?;
    Ok(response.spot_price.parse()?)
}

/// The arithmetic TWAP of `base` in `quote` from `start_time` to now, through
/// the chain's `ArithmeticTwapToNow` query.
pub fn arithmetic_twap_to_now(
    app: &OsmosisApp,
    pool_id: u64,
    base: &str,
    quote: &str,
    start_time: Timestamp,
) -> AnyResult<Decimal> {
    let response = twap::TwapQuerier::new(&app.wrap()).arithmetic_twap_to_now(
        pool_id,
        base.to_string(),
        quote.to_string(),
        Some(timestamp_to_proto(start_time)),
    )?;
    Ok(response.arithmetic_twap.parse()?)
}

/// `CosmosMsg::Any` carrying a protobuf message, the form cosmwasm 2.x contracts send.
pub fn any_msg<T: prost::Message>(type_url: &str, msg: &T) -> CosmosMsg {
    CosmosMsg::Any(AnyMsg {
        type_url: type_url.to_string(),
        value: Binary::new(msg.encode_to_vec()),
    })
}

fn decode_data<T: prost::Message + Default>(response: &AppResponse) -> AnyResult<T> {
    let data = response
        .data
        .as_ref()
        .ok_or_else(|| anyhow!("message response carries no data"))?;
    T::decode(data.as_slice()).map_err(|e| anyhow!("cannot decode message response: {e}"))
}

fn proto_coins(coins: Vec<ProtoCoin>) -> AnyResult<Vec<Coin>> {
    coins
        .into_iter()
        .map(|c| Coin::try_from(c).map_err(|e| anyhow!("bad coin: {e}")))
        .collect()
}

// ------------------------------------------------------------------ IBC transfers

/// The account that relays packets in tests.
fn relayer(app: &OsmosisApp) -> Addr {
    app.api().addr_make("relayer")
}

/// The ICS-20 escrow account of `channel` on port `transfer`.
pub fn ibc_escrow_address(app: &OsmosisApp, channel: &str) -> Addr {
    ibc_transfer::escrow_address(app.api(), ibc_transfer::TRANSFER_PORT, channel)
        .expect("escrow address")
}

/// The packet sent on `channel` with `sequence`, while it waits for an ack or a timeout.
pub fn ibc_sent_packet(app: &OsmosisApp, channel: &str, sequence: u64) -> Option<SentPacket> {
    ibc_transfer::sent_packet(app.storage(), channel, sequence).expect("packet store")
}

/// Every packet waiting for an ack or a timeout.
pub fn ibc_pending_packets(app: &OsmosisApp) -> Vec<SentPacket> {
    ibc_transfer::pending_packets(app.storage()).expect("packet store")
}

fn relay_ack_bytes(
    app: &mut OsmosisApp,
    channel: &str,
    sequence: u64,
    ack: &str,
) -> AnyResult<AppResponse> {
    let relayer = relayer(app);
    let msg = ibc_channel::MsgAcknowledgement {
        packet: Some(ibc_transfer::packet_for(channel, sequence)),
        acknowledgement: ack.as_bytes().to_vec(),
        proof_acked: vec![],
        proof_height: None,
        signer: relayer.to_string(),
    };
    app.execute(
        relayer,
        any_msg(ibc_channel::MsgAcknowledgement::TYPE_URL, &msg),
    )
}

/// The counterparty received the packet: a success acknowledgement is relayed back. The coins
/// stay escrowed; the callback contract (if any) gets `ibc_ack` with `success: true`.
pub fn relay_ack(app: &mut OsmosisApp, channel: &str, sequence: u64) -> AnyResult<AppResponse> {
    relay_ack_bytes(app, channel, sequence, ibc_transfer::SUCCESS_ACK)
}

/// The counterparty refused the packet: an error acknowledgement is relayed back, the sender
/// is refunded, and the callback contract gets `ibc_ack` with `success: false`.
pub fn relay_error_ack(
    app: &mut OsmosisApp,
    channel: &str,
    sequence: u64,
    reason: &str,
) -> AnyResult<AppResponse> {
    let ack = ibc_transfer::error_ack(reason);
    relay_ack_bytes(app, channel, sequence, &ack)
}

/// The packet timed out (its timeout must have passed): the sender is refunded and the
/// callback contract gets `ibc_timeout`.
pub fn relay_timeout(app: &mut OsmosisApp, channel: &str, sequence: u64) -> AnyResult<AppResponse> {
    let relayer = relayer(app);
    let msg = ibc_channel::MsgTimeout {
        packet: Some(ibc_transfer::packet_for(channel, sequence)),
        proof_unreceived: vec![],
        proof_height: None,
        next_sequence_recv: sequence,
        signer: relayer.to_string(),
    };
    app.execute(relayer, any_msg(ibc_channel::MsgTimeout::TYPE_URL, &msg))
}

// ------------------------------------------------------- concentrated-liquidity positions

/// Creates a position (no liquidity, a record) in `pool_id` owned by `owner`; returns its id.
pub fn create_cl_position(app: &mut OsmosisApp, owner: &Addr, pool_id: u64) -> AnyResult<u64> {
    app.init_modules(|_, _, storage| cl_module::create_position(storage, owner, pool_id))
}

/// Makes a position earn: mints `spread_rewards` and `incentives` into the concentrated-
/// liquidity module account and records them as accrued to the position, to be collected by
/// its owner with `MsgCollectSpreadRewards` / `MsgCollectIncentives`.
pub fn accrue_cl_rewards(
    app: &mut OsmosisApp,
    position_id: u64,
    spread_rewards: Vec<Coin>,
    incentives: Vec<Coin>,
) -> AnyResult<()> {
    let module = module_address(app.api(), cl_module::CL_MODULE_NAME)?;
    app.init_modules(|_, _, storage| {
        cl_module::accrue(storage, position_id, &spread_rewards, &incentives)
    })?;
    let mut all = spread_rewards;
    cl_module::add_coins(&mut all, &incentives)?;
    if !all.is_empty() {
        fund(app, &module, all)?;
    }
    Ok(())
}

/// A position's state (owner, accrued rewards), if it exists.
pub fn cl_position(app: &OsmosisApp, position_id: u64) -> Option<ClPositionState> {
    cl_module::load_position(app.storage(), position_id).expect("position store")
}

/// Transfers positions with `MsgTransferPositions` sent by their owner.
pub fn transfer_cl_positions(
    app: &mut OsmosisApp,
    owner: &Addr,
    position_ids: &[u64],
    new_owner: &Addr,
) -> AnyResult<AppResponse> {
    let msg = cl::MsgTransferPositions {
        position_ids: position_ids.to_vec(),
        sender: owner.to_string(),
        new_owner: new_owner.to_string(),
    };
    app.execute(
        owner.clone(),
        any_msg(cl::MsgTransferPositions::TYPE_URL, &msg),
    )
}
