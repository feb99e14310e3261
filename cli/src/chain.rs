//! What the keeper and `spice status` need from a chain, whichever chain it is: the embedded
//! multi-test chain (tests, `--network embedded`) or a real node through cw-orch's daemon.
//! Messages are JSON values, as a wallet or frontend sends them, so one keeper drives both.

use anyhow::Result;
use cosmwasm_std::{Coin, Uint128};
use serde_json::Value;

/// The suite's contracts on one chain, by role.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct SuiteAddresses {
    pub spice_token: String,
    pub staking_vault: String,
    pub buyback_burn: String,
    pub provider_incentives: String,
    pub order_book: String,
    pub rollover_escrow: String,
}

/// What a transaction did, as far as a keeper cares.
#[derive(Clone, Debug, Default)]
pub struct TxOutcome {
    pub gas_used: u64,
    /// Fee paid by the sender, in the chain's fee denom (0 on the embedded chain).
    pub fee_paid: Uint128,
    /// `(event type, key, value)` of every attribute the transaction emitted.
    pub attributes: Vec<(String, String, String)>,
}

impl TxOutcome {
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(_, k, _)| k == key)
            .map(|(_, _, v)| v.as_str())
    }
}

pub trait SuiteChain {
    /// The address transactions are signed by.
    fn sender(&self) -> String;
    fn block_height(&self) -> Result<u64>;
    /// Seconds since the Unix epoch of the latest block.
    fn block_time(&self) -> Result<u64>;
    fn query(&self, contract: &str, msg: &Value) -> Result<Value>;
    /// Executes `msg` on `contract` from [`SuiteChain::sender`]; a contract error is an `Err`
    /// whose text holds the contract's message.
    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome>;
    fn balance(&self, address: &str, denom: &str) -> Result<Uint128>;
    /// Estimated fee (in the fee denom) of executing `msg`, for "does the bounty cover it".
    fn estimate_fee(&self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Coin>;

    /// Where the suite is deployed on this chain. A chain that was connected from a deployment
    /// state file knows it; the default says it does not.
    fn addresses(&self) -> Result<SuiteAddresses> {
        anyhow::bail!("this chain does not know where the suite is deployed")
    }
}

/// The node or the network failed, not the contract: the request may succeed if sent again.
/// A [`SuiteChain`] wraps such failures in this type (e.g. `anyhow::Error::new(Transport(..))`)
/// so the keeper retries them and never retries a contract's refusal.
#[derive(Debug)]
pub struct Transport(pub String);

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "transport error: {}", self.0)
    }
}

impl std::error::Error for Transport {}
