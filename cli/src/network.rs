//! Real nodes through cw-orch's daemon: the networks `spice` knows, how it connects to them,
//! and [`SuiteChain`] for a daemon, so keepers and `spice status` run on a node exactly as they
//! do on the embedded chain.

use std::path::Path;
use std::str::FromStr;

use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use cosmrs::tx::{Fee, Msg, Raw, SignDoc, SignerInfo, SignerPublicKey};
use cosmwasm_std::{Addr, Coin, Uint128};
use cw_orch::daemon::env::DaemonEnvVars;
use cw_orch::daemon::senders::builder::SenderBuilder;
use cw_orch::daemon::senders::sign::{Signer as CwOrchSigner, SigningAccount};
use cw_orch::daemon::senders::{CosmosOptions, QueryOnlyDaemon, QueryOnlySender};
use cw_orch::daemon::{
    networks, DaemonBase, DaemonBuilder, DaemonError, QuerySender, TxBuilder, TxSender, Wallet,
};
use cw_orch::environment::{ChainInfoOwned, ChainKind, NetworkInfoOwned};
use cw_orch::prelude::*;
use serde_json::Value;
use spice_cli::deploy::{default_state_path, ChainOverrides, DeployState};

use crate::chain::{
    FailedOnChain, Simulation, SuiteAddresses, SuiteChain, Transport, TxOutcome, Unconfirmed,
};
use cw_orch::daemon::queriers::{Bank, CosmWasmBase, Node};
use std::time::Duration;

/// A chain `spice deploy` and `spice status` reach through a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Network {
    /// scripts/localnet.sh: one Injective validator on loopback (chain id spice-local-1).
    Local,
    /// Osmosis' public testnet.
    #[value(name = "osmo-test-5")]
    OsmoTest5,
    /// Osmosis mainnet.
    #[value(name = "osmosis-1")]
    Osmosis1,
}

impl Network {
    /// The name `deploy.toml` tables and state files use.
    pub fn name(self) -> &'static str {
        match self {
            Network::Local => "local",
            Network::OsmoTest5 => "osmo-test-5",
            Network::Osmosis1 => "osmosis-1",
        }
    }

    /// The environment variable the signing key's mnemonic is read from unless
    /// `--mnemonic-env` names another: cw-orch's names for each kind of chain.
    pub fn default_mnemonic_env(self) -> &'static str {
        match self {
            Network::Local => "LOCAL_MNEMONIC",
            Network::OsmoTest5 => "TEST_MNEMONIC",
            Network::Osmosis1 => "MAIN_MNEMONIC",
        }
    }

    /// The node and fee settings, with `deploy.toml`'s `[<network>.chain]` overrides applied.
    pub fn chain_info(self, overrides: &ChainOverrides) -> ChainInfoOwned {
        let mut info: ChainInfoOwned = match self {
            // What scripts/localnet.sh starts: Injective, so eth_secp256k1 keys (coin type
            // 60, cw-orch's "eth" feature signs them) and 18-decimal INJ for gas.
            Network::Local => ChainInfoOwned {
                kind: ChainKind::Local,
                chain_id: "spice-local-1".into(),
                gas_denom: "inj".into(),
                gas_price: 160_000_000.0,
                grpc_urls: vec!["http://127.0.0.1:9391".into()],
                lcd_url: None,
                fcd_url: None,
                network_info: NetworkInfoOwned {
                    chain_name: "spice-local".into(),
                    pub_address_prefix: "inj".into(),
                    coin_type: 60,
                },
            },
            Network::OsmoTest5 => networks::OSMO_5.into(),
            Network::Osmosis1 => networks::OSMOSIS_1.into(),
        };
        if let Some(url) = &overrides.grpc_url {
            info.grpc_urls = vec![url.clone()];
        }
        if let Some(id) = &overrides.chain_id {
            info.chain_id = id.clone();
        }
        if let Some(denom) = &overrides.gas_denom {
            info.gas_denom = denom.clone();
        }
        if let Some(price) = overrides.gas_price {
            info.gas_price = price;
        }
        info
    }
}

/// Gas of a typical keeper transaction on Osmosis (a top-up or match with its bank sends).
pub const KEEPER_TX_GAS: u64 = 400_000;

/// What a typical keeper transaction costs on osmosis-1, priced from one place: the gas price
/// in cw-orch's chain info, which is what [`KeeperDaemon`] signs with (so the embedded chain's
/// default fee is the real one, not a guess ten times lower).
pub fn osmosis_keeper_fee() -> Coin {
    let info: ChainInfoOwned = networks::OSMOSIS_1.into();
    Coin::new(
        (KEEPER_TX_GAS as f64 * info.gas_price).ceil() as u128,
        info.gas_denom,
    )
}

/// A signing daemon with the key from `$mnemonic_env`. The mnemonic is handed to cw-orch and
/// never printed; cw-orch's own state file is a throwaway (the deploy state file is ours).
pub fn connect(
    network: Network,
    overrides: &ChainOverrides,
    mnemonic_env: &str,
) -> Result<SpiceDaemon> {
    let mnemonic = std::env::var(mnemonic_env).map_err(|_| {
        anyhow!(
            "set {mnemonic_env} to the deployer's mnemonic (or name another variable with \
             --mnemonic-env)"
        )
    })?;
    DaemonBuilder::new(network.chain_info(overrides))
        .is_test(true)
        .build_sender(SpiceWalletOptions { mnemonic })
        .with_context(|| format!("connecting to {}", network.name()))
}

/// A daemon signing with [`SpiceWallet`].
pub type SpiceDaemon = DaemonBase<SpiceWallet>;

/// cw-orch's [`Wallet`] with one fix. cw-orch-daemon 0.29 names Injective's eth_secp256k1 key
/// type `//injective.crypto.v1beta1.ethsecp256k1.PubKey` (its `Name` impl adds a slash that
/// prost 0.13 adds again), and injectived 1.20 refuses every such transaction as unparsable
/// ("unable to resolve type URL"). The signer info carries the type URL with one slash; the
/// signature itself is cw-orch's, over the corrected bytes.
#[derive(Clone)]
pub struct SpiceWallet(pub Wallet);

/// Builds a [`SpiceWallet`] from a mnemonic, with the chain's coin type.
#[derive(Clone)]
pub struct SpiceWalletOptions {
    pub mnemonic: String,
}

impl SenderBuilder for SpiceWalletOptions {
    type Error = DaemonError;
    type Sender = SpiceWallet;

    async fn build(&self, chain_info: &Arc<ChainInfoOwned>) -> Result<SpiceWallet, DaemonError> {
        let options = CosmosOptions::default().mnemonic(self.mnemonic.clone());
        Ok(SpiceWallet(Wallet::new(chain_info, options).await?))
    }
}

impl QuerySender for SpiceWallet {
    type Error = DaemonError;
    type Options = SpiceWalletOptions;

    fn channel(&self) -> tonic::transport::Channel {
        self.0.channel()
    }
}

impl CwOrchSigner for SpiceWallet {
    fn chain_id(&self) -> String {
        CwOrchSigner::chain_id(&self.0)
    }

    fn account_id(&self) -> cosmrs::AccountId {
        CwOrchSigner::account_id(&self.0)
    }

    fn signing_account(
        &self,
    ) -> impl std::future::Future<Output = Result<SigningAccount, DaemonError>> + Send {
        CwOrchSigner::signing_account(&self.0)
    }

    fn sign(&self, sign_doc: SignDoc) -> Result<Raw, DaemonError> {
        CwOrchSigner::sign(&self.0, sign_doc)
    }

    fn signer_info(&self, sequence: u64) -> SignerInfo {
        let mut info = CwOrchSigner::signer_info(&self.0, sequence);
        if let Some(key) = &mut info.public_key {
            fix_key_type_url(key);
        }
        info
    }

    fn build_fee(&self, amount: impl Into<u128>, gas_limit: u64) -> Result<Fee, DaemonError> {
        CwOrchSigner::build_fee(&self.0, amount, gas_limit)
    }

    fn gas_price(&self) -> Result<f64, DaemonError> {
        CwOrchSigner::gas_price(&self.0)
    }
}

/// A daemon that only queries: `spice status` needs no key.
pub fn connect_query_only(network: Network, overrides: &ChainOverrides) -> Result<QueryOnlyDaemon> {
    cw_orch::daemon::DaemonBuilder::new(network.chain_info(overrides))
        .is_test(true)
        .build_sender(())
        .with_context(|| format!("connecting to {}", network.name()))
}

/// [`SuiteChain`] over a cw-orch daemon; `S` is its sender: a [`SpiceWallet`] signs, a
/// [`QueryOnlySender`] refuses every transaction.
pub struct DaemonChain<S> {
    pub daemon: DaemonBase<S>,
    /// Where the suite is, when connected from a deployment state file (the keeper needs it).
    pub addresses: Option<SuiteAddresses>,
}

/// What differs between a signing and a query-only daemon.
pub trait Signer {
    fn address(&self) -> Option<String>;
    fn execute(
        chain: &DaemonBase<Self>,
        contract: &str,
        msg: &Value,
        funds: &[Coin],
    ) -> Result<TxOutcome>
    where
        Self: Sized;
    fn simulate(
        chain: &DaemonBase<Self>,
        contract: &str,
        msg: &Value,
        funds: &[Coin],
    ) -> Result<Simulation>
    where
        Self: Sized;
}

impl Signer for SpiceWallet {
    fn address(&self) -> Option<String> {
        Some(TxSender::address(self).to_string())
    }

    fn execute(
        chain: &SpiceDaemon,
        contract: &str,
        msg: &Value,
        funds: &[Coin],
    ) -> Result<TxOutcome> {
        let resp = TxHandler::execute(chain, msg, funds, &Addr::unchecked(contract))?;
        let fee_denom = chain.chain_info().gas_denom.clone();
        let mut outcome = TxOutcome {
            hash: resp.txhash.clone(),
            gas_used: resp.gas_used,
            ..TxOutcome::default()
        };
        for event in IndexResponse::events(&resp) {
            for attr in &event.attributes {
                // The SDK's ante handler reports the fee as `tx.fee = <amount><denom>`.
                if event.ty == "tx" && attr.key == "fee" {
                    outcome.fee_paid = parse_fee(&attr.value, &fee_denom)?;
                }
                outcome
                    .attributes
                    .push((event.ty.clone(), attr.key.clone(), attr.value.clone()));
            }
        }
        Ok(outcome)
    }

    fn simulate(
        chain: &SpiceDaemon,
        contract: &str,
        msg: &Value,
        funds: &[Coin],
    ) -> Result<Simulation> {
        let exec = cosmrs::cosmwasm::MsgExecuteContract {
            sender: CwOrchSigner::account_id(chain.sender()),
            contract: cosmrs::AccountId::from_str(contract)
                .map_err(|e| anyhow!("contract address {contract}: {e}"))?,
            msg: serde_json::to_vec(msg)?,
            funds: funds
                .iter()
                .map(|c| {
                    Ok(cosmrs::Coin {
                        denom: c
                            .denom
                            .parse()
                            .map_err(|e| anyhow!("denom {}: {e}", c.denom))?,
                        amount: c.amount.u128(),
                    })
                })
                .collect::<Result<_>>()?,
        };
        let any = exec
            .to_any()
            .map_err(|e| anyhow!("encoding the execute: {e}"))?;
        let height = chain.block_info()?.height;
        let body = TxBuilder::build_body(vec![any], None, height + 10);
        let (gas, attributes) = chain
            .rt_handle
            .block_on(simulate_with_events(chain.sender(), &body))?;
        let info = chain.chain_info();
        Ok(Simulation {
            fee: Coin::new(fee_for_gas(gas, info.gas_price), info.gas_denom.clone()),
            attributes: Some(attributes),
        })
    }
}

/// cw-orch's gas simulation (the same signed bytes: zero fee, the account's sequence), keeping
/// what cw-orch drops: the events the transaction would emit.
async fn simulate_with_events(
    wallet: &SpiceWallet,
    body: &cosmrs::tx::Body,
) -> Result<(u64, Vec<(String, String, String)>)> {
    use cosmrs::proto::cosmos::tx::v1beta1::{service_client::ServiceClient, SimulateRequest};
    let account = CwOrchSigner::signing_account(wallet).await?;
    let fee = CwOrchSigner::build_fee(wallet, 0u8, 0)?;
    let auth_info = CwOrchSigner::signer_info(wallet, account.sequence).auth_info(fee);
    let chain_id = cosmrs::tendermint::chain::Id::try_from(CwOrchSigner::chain_id(wallet))
        .map_err(|e| anyhow!("chain id: {e}"))?;
    let sign_doc = cosmrs::tx::SignDoc::new(body, &auth_info, &chain_id, account.account_number)
        .map_err(|e| anyhow!("sign doc: {e}"))?;
    let raw = CwOrchSigner::sign(wallet, sign_doc)?;
    let tx_bytes = raw
        .to_bytes()
        .map_err(|e| anyhow!("encoding the tx: {e}"))?;
    let mut client = ServiceClient::new(wallet.channel());
    #[allow(deprecated)]
    let response = client
        .simulate(SimulateRequest { tx: None, tx_bytes })
        .await
        .map_err(simulate_error)?
        .into_inner();
    let gas = response
        .gas_info
        .map(|g| g.gas_used)
        .ok_or_else(|| anyhow!("the node's simulation has no gas info"))?;
    let attributes = response
        .result
        .map(|r| {
            r.events
                .into_iter()
                .flat_map(|e| {
                    let ty = e.r#type;
                    e.attributes
                        .into_iter()
                        // Strings on the wire since CometBFT 0.37; the proto says bytes.
                        .map(move |a| {
                            (
                                ty.clone(),
                                String::from_utf8_lossy(&a.key).into_owned(),
                                String::from_utf8_lossy(&a.value).into_owned(),
                            )
                        })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((gas, attributes))
}

/// A contract's refusal (the node answers the simulation with an error) stays a refusal; the
/// node being unreachable or overloaded is a transport error the keeper may retry.
fn simulate_error(status: tonic::Status) -> anyhow::Error {
    use tonic::Code;
    match status.code() {
        Code::Unavailable | Code::DeadlineExceeded | Code::ResourceExhausted | Code::Aborted => {
            anyhow::Error::new(crate::chain::Transport(format!("simulate: {status}")))
        }
        _ => anyhow!("simulate: {}", status.message()),
    }
}

/// `//injective…PubKey` → `/injective…PubKey`; every other key as it is.
fn fix_key_type_url(key: &mut SignerPublicKey) {
    if let SignerPublicKey::Any(any) = key {
        if let Some(rest) = any.type_url.strip_prefix("//") {
            any.type_url = format!("/{rest}");
        }
    }
}

/// What cw-orch will charge for a transaction simulated at `gas`: its buffer (1.4 under 200,000
/// gas, 1.3 above, or `CW_ORCH_GAS_BUFFER`), at least `CW_ORCH_MIN_GAS` (150,000) gas, at the
/// gas price. Rounded up: an estimate that may be too low is worse than one a unit too high.
fn fee_for_gas(gas: u64, gas_price: f64) -> u128 {
    gas_and_fee(gas, gas_price).1
}

/// The gas limit and fee a transaction simulated at `gas` is sent with (see [`fee_for_gas`]).
fn gas_and_fee(gas: u64, gas_price: f64) -> (u64, u128) {
    gas_and_fee_with(gas, gas_price, None)
}

/// [`gas_and_fee`] with the keeper's own buffer when it has one.
fn gas_and_fee_with(gas: u64, gas_price: f64, buffer: Option<f64>) -> (u64, u128) {
    let buffer = buffer.unwrap_or_else(|| {
        DaemonEnvVars::gas_buffer().unwrap_or(if gas < 200_000 { 1.4 } else { 1.3 })
    });
    let gas_limit = (gas as f64 * buffer)
        .max(DaemonEnvVars::min_gas() as f64)
        .ceil();
    (gas_limit as u64, (gas_limit * gas_price).ceil() as u128)
}

impl Signer for QueryOnlySender {
    fn address(&self) -> Option<String> {
        None
    }

    fn execute(_: &QueryOnlyDaemon, contract: &str, _: &Value, _: &[Coin]) -> Result<TxOutcome> {
        bail!("no key loaded: cannot execute on {contract}")
    }

    fn simulate(_: &QueryOnlyDaemon, contract: &str, _: &Value, _: &[Coin]) -> Result<Simulation> {
        bail!("no key loaded: cannot simulate an execute on {contract}")
    }
}

/// `"3200000000000000inj"` → 3200000000000000 when the denom is the fee denom; fees paid in
/// another denom count as 0 in it.
fn parse_fee(fee: &str, denom: &str) -> Result<Uint128> {
    let mut total = Uint128::zero();
    for coin in fee.split(',').filter(|c| !c.is_empty()) {
        let digits = coin.chars().take_while(char::is_ascii_digit).count();
        if &coin[digits..] == denom {
            total = total.checked_add(Uint128::from_str(&coin[..digits])?)?;
        }
    }
    Ok(total)
}

impl<S> SuiteChain for DaemonChain<S>
where
    S: Signer + cw_orch::daemon::QuerySender<Error = cw_orch::daemon::DaemonError>,
    DaemonBase<S>: QueryHandler,
{
    fn sender(&self) -> String {
        self.daemon.sender().address().unwrap_or_default()
    }

    fn block_height(&self) -> Result<u64> {
        Ok(self.daemon.block_info()?.height)
    }

    fn block_time(&self) -> Result<u64> {
        Ok(self.daemon.block_info()?.time.seconds())
    }

    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        Ok(self
            .daemon
            .wasm_querier()
            .smart_query(&Addr::unchecked(contract), msg)?)
    }

    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        S::execute(&self.daemon, contract, msg, funds)
    }

    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        let coins = self
            .daemon
            .bank_querier()
            .balance(&Addr::unchecked(address), Some(denom.to_string()))?;
        Ok(coins
            .into_iter()
            .find(|c| c.denom == denom)
            .map(|c| c.amount)
            .unwrap_or_default())
    }

    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation> {
        S::simulate(&self.daemon, contract, msg, funds)
    }

    fn fee_denom(&self) -> String {
        self.daemon.chain_info().gas_denom.clone()
    }

    fn addresses(&self) -> Result<SuiteAddresses> {
        self.addresses
            .clone()
            .ok_or_else(|| anyhow!("no deployment state file was given for this chain"))
    }
}

/// Bounds on the keeper's calls to a node.
#[derive(Clone, Copy, Debug)]
pub struct NodeLimits {
    /// Longest wait for one answer (a query, a simulation, a broadcast, one confirmation poll).
    pub call: Duration,
    /// Longest wait for a broadcast transaction to be found in a block.
    pub confirm: Duration,
    /// Gas limit = simulated gas × this (at least cw-orch's floor); `None` takes cw-orch's
    /// buffer (1.4 under 200,000 gas, 1.3 above, or `CW_ORCH_GAS_BUFFER`). The fee the keeper
    /// values an action at is the fee of this limit, so the buffer is paid for honestly.
    pub gas_buffer: Option<f64>,
}

impl Default for NodeLimits {
    fn default() -> Self {
        NodeLimits {
            call: Duration::from_secs(20),
            confirm: Duration::from_secs(60),
            gas_buffer: None,
        }
    }
}

/// Blocks a transaction stays valid for (`timeout_height` = latest height + this).
const TX_TIMEOUT_BLOCKS: u64 = 10;

/// The keeper's chain on a node. Unlike cw-orch's `execute` (confirmation polled with a wait
/// growing 1.6× per try, an account-sequence retry without end, a resend at whatever fee the
/// node asks), every call here has a timeout, a transaction is broadcast once, at the fee its
/// simulation was valued at, and its confirmation is awaited at most [`NodeLimits::confirm`].
/// A transaction handed to the node whose fate is not known is reported [`Unconfirmed`], with
/// its hash and timeout height; one a block took and failed is [`FailedOnChain`] with the fee
/// it was charged.
pub struct KeeperDaemon {
    pub chain: DaemonChain<SpiceWallet>,
    pub limits: NodeLimits,
    /// The gas limit and fee of the last simulation, by contract and message: the transaction
    /// that follows is sent with exactly the fee the profit check saw.
    priced: Option<(String, Value, u64, u128)>,
}

impl KeeperDaemon {
    pub fn new(chain: DaemonChain<SpiceWallet>, limits: NodeLimits) -> Self {
        KeeperDaemon {
            chain,
            limits,
            priced: None,
        }
    }

    fn wallet(&self) -> &SpiceWallet {
        self.chain.daemon.sender()
    }

    /// Runs `fut` on the daemon's runtime for at most [`NodeLimits::call`]; running out of
    /// time is a [`Transport`] failure.
    fn bounded<T, E>(
        &self,
        what: &str,
        fut: impl std::future::Future<Output = Result<T, E>>,
    ) -> Result<T>
    where
        E: Into<anyhow::Error>,
    {
        bounded_on(&self.chain.daemon.rt_handle, self.limits.call, what, fut)
    }

    async fn price(
        wallet: &SpiceWallet,
        contract: &str,
        msg: &Value,
        funds: &[Coin],
        gas_price: f64,
        gas_buffer: Option<f64>,
    ) -> Result<(u64, u128, Vec<(String, String, String)>)> {
        let any = execute_any(wallet, contract, msg, funds)?;
        let height = Node::new_async(wallet.channel())._block_height().await?;
        let body = TxBuilder::build_body(vec![any], None, height + TX_TIMEOUT_BLOCKS);
        let (gas, attributes) = simulate_with_events(wallet, &body).await?;
        let (gas_limit, fee) = gas_and_fee_with(gas, gas_price, gas_buffer);
        Ok((gas_limit, fee, attributes))
    }
}

/// [`KeeperDaemon::bounded`] for a runtime handle.
fn bounded_on<T, E>(
    handle: &tokio::runtime::Handle,
    limit: Duration,
    what: &str,
    fut: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T>
where
    E: Into<anyhow::Error>,
{
    match handle.block_on(async { tokio::time::timeout(limit, fut).await }) {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(anyhow::Error::new(Transport(format!(
            "{what}: no answer within {} s",
            limit.as_secs()
        )))),
    }
}

/// `MsgExecuteContract` from the wallet, as an `Any`.
fn execute_any(
    wallet: &SpiceWallet,
    contract: &str,
    msg: &Value,
    funds: &[Coin],
) -> Result<cosmrs::Any> {
    let exec = cosmrs::cosmwasm::MsgExecuteContract {
        sender: CwOrchSigner::account_id(wallet),
        contract: cosmrs::AccountId::from_str(contract)
            .map_err(|e| anyhow!("contract address {contract}: {e}"))?,
        msg: serde_json::to_vec(msg)?,
        funds: funds
            .iter()
            .map(|c| {
                Ok(cosmrs::Coin {
                    denom: c
                        .denom
                        .parse()
                        .map_err(|e| anyhow!("denom {}: {e}", c.denom))?,
                    amount: c.amount.u128(),
                })
            })
            .collect::<Result<_>>()?,
    };
    exec.to_any()
        .map_err(|e| anyhow!("encoding the execute: {e}"))
}

impl SuiteChain for KeeperDaemon {
    fn sender(&self) -> String {
        TxSender::address(self.wallet()).to_string()
    }

    fn block_height(&self) -> Result<u64> {
        let node = Node::new_async(self.wallet().channel());
        self.bounded("latest block", node._block_height())
    }

    fn block_time(&self) -> Result<u64> {
        let node = Node::new_async(self.wallet().channel());
        Ok(self
            .bounded("latest block", node._block_info())?
            .time
            .seconds())
    }

    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        let querier = CosmWasmBase::<SpiceWallet>::new_async(self.wallet().channel());
        let address = Addr::unchecked(contract);
        let data = self.bounded(
            &format!("querying {contract}"),
            querier._contract_state(&address, serde_json::to_vec(msg)?),
        )?;
        Ok(serde_json::from_slice(&data)?)
    }

    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        let bank = Bank::new_async(self.wallet().channel());
        let address = Addr::unchecked(address);
        let coins = self.bounded("balance", bank._balance(&address, Some(denom.to_string())))?;
        Ok(coins
            .into_iter()
            .find(|c| c.denom == denom)
            .map(|c| c.amount)
            .unwrap_or_default())
    }

    fn account_sequence(&self) -> Result<Option<u64>> {
        let account = self.bounded("account", CwOrchSigner::signing_account(self.wallet()))?;
        Ok(Some(account.sequence))
    }

    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation> {
        let info = self.chain.daemon.chain_info().clone();
        let (gas_limit, fee, attributes) = self.bounded(
            "simulating",
            KeeperDaemon::price(
                self.wallet(),
                contract,
                msg,
                funds,
                info.gas_price,
                self.limits.gas_buffer,
            ),
        )?;
        self.priced = if funds.is_empty() {
            Some((contract.to_string(), msg.clone(), gas_limit, fee))
        } else {
            None
        };
        Ok(Simulation {
            fee: Coin::new(fee, info.gas_denom.clone()),
            attributes: Some(attributes),
        })
    }

    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        let info = self.chain.daemon.chain_info().clone();
        let priced = self
            .priced
            .take()
            .filter(|(c, m, _, _)| funds.is_empty() && c == contract && m == msg);
        let (gas_limit, fee) = match priced {
            Some((_, _, gas_limit, fee)) => (gas_limit, fee),
            None => {
                let (gas_limit, fee, _) = self.bounded(
                    "simulating",
                    KeeperDaemon::price(
                        self.wallet(),
                        contract,
                        msg,
                        funds,
                        info.gas_price,
                        self.limits.gas_buffer,
                    ),
                )?;
                (gas_limit, fee)
            }
        };
        let wallet = self.wallet().clone();
        let any = execute_any(&wallet, contract, msg, funds)?;
        let height = self.block_height()?;
        let timeout_height = height + TX_TIMEOUT_BLOCKS;
        let body = TxBuilder::build_body(vec![any], None, timeout_height);
        let account = self.bounded("account", CwOrchSigner::signing_account(&wallet))?;
        let tx_fee = CwOrchSigner::build_fee(&wallet, fee, gas_limit)?;
        let auth_info = CwOrchSigner::signer_info(&wallet, account.sequence).auth_info(tx_fee);
        let chain_id = cosmrs::tendermint::chain::Id::try_from(CwOrchSigner::chain_id(&wallet))
            .map_err(|e| anyhow!("chain id: {e}"))?;
        let sign_doc = SignDoc::new(&body, &auth_info, &chain_id, account.account_number)
            .map_err(|e| anyhow!("sign doc: {e}"))?;
        let tx_bytes = CwOrchSigner::sign(&wallet, sign_doc)?
            .to_bytes()
            .map_err(|e| anyhow!("encoding the tx: {e}"))?;
        let hash = {
            use sha2::Digest;
            hex::encode_upper(sha2::Sha256::digest(&tx_bytes))
        };
        let unconfirmed = |reason: String| {
            anyhow::Error::new(Unconfirmed {
                hash: hash.clone(),
                timeout_height,
                reason,
            })
        };

        // From here on the node may have the transaction: an error is not a "not sent".
        use cosmrs::proto::cosmos::tx::v1beta1::{
            service_client::ServiceClient, BroadcastMode, BroadcastTxRequest, GetTxRequest,
        };
        let mut client = ServiceClient::new(wallet.channel());
        let broadcast = bounded_on(
            &self.chain.daemon.rt_handle,
            self.limits.call,
            "broadcast",
            client.broadcast_tx(BroadcastTxRequest {
                tx_bytes,
                mode: BroadcastMode::Sync.into(),
            }),
        );
        let checked = match broadcast {
            Ok(answer) => answer.into_inner().tx_response,
            Err(e) => return Err(unconfirmed(format!("broadcast: {e:#}"))),
        };
        if let Some(checked) = checked {
            if checked.code != 0 {
                // Refused by the node's check before any block: no fee, no sequence used.
                bail!(
                    "the node refused the transaction (code {}): {}",
                    checked.code,
                    checked.raw_log
                );
            }
        }

        let until = std::time::Instant::now() + self.limits.confirm;
        loop {
            let found = bounded_on(
                &self.chain.daemon.rt_handle,
                self.limits.call,
                "looking the transaction up",
                client.get_tx(GetTxRequest { hash: hash.clone() }),
            );
            if let Ok(found) = found {
                if let Some(response) = found.into_inner().tx_response {
                    return tx_result(response, &info.gas_denom, fee, &hash);
                }
            }
            // A block above the timeout height without it: it can never land, and it did not.
            if self.block_height().is_ok_and(|h| h > timeout_height) {
                return Err(anyhow::Error::new(Transport(format!(
                    "transaction {hash} expired at height {timeout_height} without being included"
                ))));
            }
            let now = std::time::Instant::now();
            if now >= until {
                return Err(unconfirmed(format!(
                    "not found in a block within {} s",
                    self.limits.confirm.as_secs()
                )));
            }
            std::thread::sleep((until - now).min(Duration::from_secs(1)));
        }
    }

    fn fee_denom(&self) -> String {
        self.chain.fee_denom()
    }

    fn addresses(&self) -> Result<SuiteAddresses> {
        self.chain.addresses()
    }
}

/// What a block made of the transaction: its events and the fee charged (the `tx.fee` event,
/// or the fee it carried: the SDK charges it whole, success or failure).
fn tx_result(
    response: cosmrs::proto::cosmos::base::abci::v1beta1::TxResponse,
    fee_denom: &str,
    fee_sent: u128,
    hash: &str,
) -> Result<TxOutcome> {
    let code = response.code;
    let raw_log = response.raw_log.clone();
    let gas_used = u64::try_from(response.gas_used).unwrap_or_default();
    let mut outcome = TxOutcome {
        hash: hash.to_string(),
        gas_used,
        fee_paid: Uint128::new(fee_sent),
        ..TxOutcome::default()
    };
    for event in response.events {
        for attr in event.attributes {
            let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
            let value = String::from_utf8_lossy(attr.value.as_ref()).into_owned();
            if event.r#type == "tx" && key == "fee" {
                outcome.fee_paid = parse_fee(&value, fee_denom)?;
            }
            outcome.attributes.push((event.r#type.clone(), key, value));
        }
    }
    if code != 0 {
        return Err(anyhow::Error::new(FailedOnChain {
            hash: hash.to_string(),
            gas_used,
            fee_paid: outcome.fee_paid,
            log: raw_log,
        }));
    }
    Ok(outcome)
}

/// The keeper's chain on `network` (`local`, `osmo-test-5`, `osmosis-1`): a signing daemon with
/// the key from the network's mnemonic variable, and the suite's addresses from `state_file`
/// (default `spice-state-<network>.json`). Node overrides come from `deploy.toml` if present.
pub fn connect_keeper(
    network: &str,
    state_file: Option<&Path>,
    config: Option<&Path>,
    mnemonic_env: Option<&str>,
    limits: NodeLimits,
) -> Result<Box<dyn SuiteChain>> {
    let network = match network {
        "local" => Network::Local,
        "osmo-test-5" => Network::OsmoTest5,
        "osmosis-1" => Network::Osmosis1,
        other => bail!("unknown network {other:?}: local, osmo-test-5, osmosis-1 or embedded"),
    };
    let explicit = config.is_some();
    let config = config.unwrap_or(Path::new("deploy.toml"));
    if explicit && !config.is_file() {
        bail!("no deploy config at {}", config.display());
    }
    let overrides = ChainOverrides::from_config_file(config, network.name())?;
    let state_path = state_file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| default_state_path(network.name()));
    if !state_path.is_file() {
        bail!(
            "no state file at {}: deploy first, or pass --state-file",
            state_path.display()
        );
    }
    let state = DeployState::load_or_default(&state_path)?;
    let addresses = crate::addresses(&state)?;
    cap_cw_orch_waits();
    let mnemonic_env = mnemonic_env.unwrap_or(network.default_mnemonic_env());
    // cw-orch connects without a timeout: a node that accepts the connection and never
    // answers would hold the keeper before its first round.
    let (owned_overrides, owned_env) = (overrides.clone(), mnemonic_env.to_string());
    let connecting = within(limits.call * 3, "connecting to the node", move || {
        connect(network, &owned_overrides, &owned_env)
    })?;
    let chain = KeeperDaemon::new(
        DaemonChain {
            daemon: connecting?,
            addresses: Some(addresses),
        },
        limits,
    );
    // Keeping a suite recorded on one chain against a node of another sends to addresses that
    // mean something else there (or nothing).
    let node = Node::new_async(chain.wallet().channel());
    let node_chain_id = chain
        .bounded("latest block", node._block_info())
        .with_context(|| format!("reading {}'s latest block", network.name()))?
        .chain_id;
    check_chain_id(&state.chain_id, &node_chain_id, &state_path)?;
    Ok(Box::new(chain))
}

/// Runs `f` on its own thread and waits at most `limit` for it; past that the thread is left
/// to finish (or not) on its own and the caller gets a [`Transport`] error.
fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone once the wait is over: nothing left to tell.
        tx.send(f()).ok();
    });
    rx.recv_timeout(limit).map_err(|_| {
        anyhow::Error::new(Transport(format!(
            "{what}: no answer within {} s",
            limit.as_secs()
        )))
    })
}

/// cw-orch-daemon 0.29 polls for a transaction 50 times with a wait growing 1.6× per try (hours
/// in all). The keeper confirms its own transactions ([`KeeperDaemon::execute`]); for any
/// cw-orch path still taken these caps keep the wait to a few minutes: at most 10 polls, at
/// most 10 s apart. Set values are left alone.
pub fn cap_cw_orch_waits() {
    use cw_orch::daemon::env::{BLOCK_TIME_MAX_ENV_NAME, MAX_TX_QUERIES_RETRY_ENV_NAME};
    for (name, value) in [
        (MAX_TX_QUERIES_RETRY_ENV_NAME, "10"),
        (BLOCK_TIME_MAX_ENV_NAME, "10s"),
    ] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}

/// The state file's chain (when it records one) must be the node's.
pub fn check_chain_id(recorded: &str, node: &str, state_path: &Path) -> Result<()> {
    if !recorded.is_empty() && recorded != node {
        bail!(
            "{} records a deployment on chain {recorded}, but the node is on chain {node}: \
             refusing to act on the wrong suite",
            state_path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_file_of_another_chain_is_refused() {
        let path = Path::new("spice-state-local.json");
        assert!(check_chain_id("spice-local-1", "spice-local-1", path).is_ok());
        assert!(check_chain_id("", "osmosis-1", path).is_ok());
        let err = check_chain_id("osmo-test-5", "osmosis-1", path).unwrap_err();
        assert!(
            err.to_string().contains("osmo-test-5") && err.to_string().contains("osmosis-1"),
            "{err}"
        );
    }

    #[test]
    fn fee_attribute_counts_only_the_fee_denom() {
        assert_eq!(
            parse_fee("3200000000000000inj", "inj").unwrap(),
            Uint128::new(3_200_000_000_000_000)
        );
        assert_eq!(
            parse_fee("5000uosmo,7ibc/ABC", "uosmo").unwrap(),
            Uint128::new(5000)
        );
        assert_eq!(parse_fee("", "uosmo").unwrap(), Uint128::zero());
    }

    #[test]
    fn local_network_is_the_injective_localnet() {
        let info = Network::Local.chain_info(&ChainOverrides::default());
        assert_eq!(info.chain_id, "spice-local-1");
        assert_eq!(info.network_info.coin_type, 60);
        assert_eq!(info.network_info.pub_address_prefix, "inj");
        assert_eq!(info.grpc_urls, ["http://127.0.0.1:9391"]);
        let moved = Network::Local.chain_info(&ChainOverrides {
            grpc_url: Some("http://127.0.0.1:19391".into()),
            gas_price: Some(500_000_000.0),
            ..ChainOverrides::default()
        });
        assert_eq!(moved.grpc_urls, ["http://127.0.0.1:19391"]);
        assert_eq!(moved.gas_price, 500_000_000.0);
        assert_eq!(
            Network::Osmosis1
                .chain_info(&ChainOverrides::default())
                .chain_id,
            "osmosis-1"
        );
        assert_eq!(Network::OsmoTest5.default_mnemonic_env(), "TEST_MNEMONIC");
    }

    #[test]
    fn injective_key_type_is_named_as_injectived_resolves_it() {
        use cw_orch::daemon::proto::injective::InjectivePubKey;
        let any = cosmrs::Any::from_msg(&InjectivePubKey { key: vec![2u8; 33] }).unwrap();
        // cw-orch's own encoding; when this fails, cw-orch is fixed and SpiceWallet can go.
        assert_eq!(
            any.type_url,
            "//injective.crypto.v1beta1.ethsecp256k1.PubKey"
        );
        let mut key = SignerPublicKey::Any(any);
        fix_key_type_url(&mut key);
        let SignerPublicKey::Any(fixed) = key else {
            panic!("still an Any")
        };
        assert_eq!(
            fixed.type_url,
            "/injective.crypto.v1beta1.ethsecp256k1.PubKey"
        );
        assert_eq!(fixed.value.len(), 35, "the key bytes are untouched");
    }

    fn tx_response(
        code: u32,
        fee_event: Option<&str>,
    ) -> cosmrs::proto::cosmos::base::abci::v1beta1::TxResponse {
        use cosmrs::proto::tendermint::v0_34::abci::{Event, EventAttribute};
        let mut events = vec![Event {
            r#type: "wasm".into(),
            attributes: vec![EventAttribute {
                key: "bounty".into(),
                value: "40".into(),
                index: true,
            }],
        }];
        if let Some(fee) = fee_event {
            events.insert(
                0,
                Event {
                    r#type: "tx".into(),
                    attributes: vec![EventAttribute {
                        key: "fee".into(),
                        value: fee.to_string().into(),
                        index: true,
                    }],
                },
            );
        }
        cosmrs::proto::cosmos::base::abci::v1beta1::TxResponse {
            code,
            gas_used: 123_456,
            raw_log: if code == 0 {
                String::new()
            } else {
                "out of gas".into()
            },
            events,
            ..Default::default()
        }
    }

    #[test]
    fn a_transaction_a_block_failed_reports_the_fee_it_was_charged() {
        let err = tx_result(tx_response(11, Some("3750uosmo")), "uosmo", 9_999, "AB").unwrap_err();
        let failed = err
            .downcast_ref::<FailedOnChain>()
            .expect("failed on chain");
        assert_eq!(failed.fee_paid, Uint128::new(3_750));
        assert_eq!(failed.gas_used, 123_456);
        assert!(failed.log.contains("out of gas"));
        // Without the fee event the fee the transaction carried is what the SDK charged.
        let err = tx_result(tx_response(11, None), "uosmo", 9_999, "AB").unwrap_err();
        assert_eq!(
            err.downcast_ref::<FailedOnChain>().unwrap().fee_paid,
            Uint128::new(9_999)
        );
        // Control: a success carries its events and the fee event's amount.
        let ok = tx_result(tx_response(0, Some("3750uosmo")), "uosmo", 9_999, "AB").unwrap();
        assert_eq!(ok.fee_paid, Uint128::new(3_750));
        assert_eq!(ok.attribute("bounty"), Some("40"));
    }

    #[test]
    fn a_call_that_never_answers_is_cut_at_its_timeout() {
        let started = std::time::Instant::now();
        let err = within(Duration::from_millis(50), "connecting", || {
            std::thread::sleep(Duration::from_secs(5))
        })
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(crate::keeper::retry::is_transport(&err), "{err:#}");
        assert!(within(Duration::from_secs(5), "quick", || 7).unwrap() == 7);

        // As the daemon's runtime: Handle::block_on drives no timer on a current-thread one.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_time()
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let err = bounded_on(rt.handle(), Duration::from_millis(50), "query", async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok::<_, anyhow::Error>(())
        })
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(err.to_string().contains("no answer within"), "{err:#}");
    }

    #[test]
    fn cw_orchs_confirmation_wait_is_capped_unless_set() {
        cap_cw_orch_waits();
        assert_eq!(DaemonEnvVars::max_tx_query_retries(), 10);
        assert_eq!(
            DaemonEnvVars::max_block_time(),
            Some(Duration::from_secs(10))
        );
    }

    #[test]
    fn the_embedded_keeper_fee_is_osmosis_gas_price_from_the_chain_info() {
        // cw-orch prices osmosis-1 gas at 0.025 uosmo: ten times the 0.0025 once assumed.
        let info: ChainInfoOwned = networks::OSMOSIS_1.into();
        assert_eq!(info.gas_price, 0.025);
        assert_eq!(osmosis_keeper_fee(), Coin::new(10_000u128, "uosmo"));
        // The keeper's estimate and its signed fee come from the same gas price.
        assert_eq!(
            fee_for_gas(KEEPER_TX_GAS, info.gas_price),
            gas_and_fee(KEEPER_TX_GAS, info.gas_price).1
        );
    }

    #[test]
    fn fee_estimate_applies_cw_orchs_buffer_and_floor() {
        // Below the 150,000 gas floor: the floor is charged.
        assert_eq!(fee_for_gas(50_000, 0.025), 3_750);
        // 180,000 × 1.4 = 252,000 gas.
        assert_eq!(fee_for_gas(180_000, 0.025), 6_300);
        // 1,000,000 × 1.3 at the localnet's 160,000,000 inj per gas.
        assert_eq!(fee_for_gas(1_000_000, 160_000_000.0), 208_000_000_000_000);
    }

    #[test]
    fn the_keepers_gas_buffer_sets_the_limit_and_the_fee_it_is_valued_at() {
        // The localnet's native `stake` simulated at 284,788 gas right after a harvest used
        // more than 370,225 (× 1.3) when it ran: out of gas, the fee lost. × 1.5 covers it.
        let (limit, fee) = gas_and_fee_with(284_788, 160_000_000.0, Some(1.5));
        assert_eq!(limit, 427_182);
        assert_eq!(fee, 427_182 * 160_000_000);
        assert!(limit > 379_628);
        // Without one, cw-orch's buffer as before.
        assert_eq!(
            gas_and_fee_with(1_000_000, 0.025, None),
            gas_and_fee(1_000_000, 0.025)
        );
        // The floor still applies.
        assert_eq!(gas_and_fee_with(10_000, 0.025, Some(1.5)).0, 150_000);
    }
}
