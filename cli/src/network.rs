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
use spice_cli::deploy::{default_state_path, ChainOverrides, DeployFile, DeployState};

use crate::chain::{Simulation, SuiteAddresses, SuiteChain, TxOutcome};

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
    let buffer = DaemonEnvVars::gas_buffer().unwrap_or(if gas < 200_000 { 1.4 } else { 1.3 });
    let gas_limit = (gas as f64 * buffer).max(DaemonEnvVars::min_gas() as f64);
    (gas_limit * gas_price).ceil() as u128
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

    fn addresses(&self) -> Result<SuiteAddresses> {
        self.addresses
            .clone()
            .ok_or_else(|| anyhow!("no deployment state file was given for this chain"))
    }
}

/// The keeper's chain on `network` (`local`, `osmo-test-5`, `osmosis-1`): a signing daemon with
/// the key from the network's mnemonic variable, and the suite's addresses from `state_file`
/// (default `spice-state-<network>.json`). Node overrides come from `deploy.toml` if present.
pub fn connect_keeper(network: &str, state_file: Option<&Path>) -> Result<Box<dyn SuiteChain>> {
    let network = match network {
        "local" => Network::Local,
        "osmo-test-5" => Network::OsmoTest5,
        "osmosis-1" => Network::Osmosis1,
        other => bail!("unknown network {other:?}: local, osmo-test-5, osmosis-1 or embedded"),
    };
    let config = Path::new("deploy.toml");
    let overrides = if config.is_file() {
        DeployFile::load(config)?
            .networks
            .get(network.name())
            .map(|n| n.chain.clone())
            .unwrap_or_default()
    } else {
        ChainOverrides::default()
    };
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
    let daemon = connect(network, &overrides, network.default_mnemonic_env())?;
    Ok(Box::new(DaemonChain {
        daemon,
        addresses: Some(addresses),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn fee_estimate_applies_cw_orchs_buffer_and_floor() {
        // Below the 150,000 gas floor: the floor is charged.
        assert_eq!(fee_for_gas(50_000, 0.025), 3_750);
        // 180,000 × 1.4 = 252,000 gas.
        assert_eq!(fee_for_gas(180_000, 0.025), 6_300);
        // 1,000,000 × 1.3 at the localnet's 160,000,000 inj per gas.
        assert_eq!(fee_for_gas(1_000_000, 160_000_000.0), 208_000_000_000_000);
    }
}
