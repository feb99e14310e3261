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
    /// The transaction's hash (empty on the embedded chain, which has none).
    pub hash: String,
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

/// What a simulated transaction would do: its fee, and (where the chain reports them) the
/// events it would emit, so the keeper values an action by what it would actually be paid.
#[derive(Clone, Debug)]
pub struct Simulation {
    /// Estimated fee in the fee denom.
    pub fee: Coin,
    /// `(event type, key, value)` of every attribute the simulated transaction emitted; `None`
    /// when the chain simulates gas only.
    pub attributes: Option<Vec<(String, String, String)>>,
}

impl Simulation {
    /// Coins the simulated transaction sends to `who` (bank `transfer` events whose recipient
    /// is `who`), summed by denom; `None` when the chain reported no events.
    pub fn received_by(&self, who: &str) -> Result<Option<Vec<Coin>>> {
        let Some(attributes) = &self.attributes else {
            return Ok(None);
        };
        Ok(Some(transfers_to(attributes, who)?))
    }
}

/// Coins moved to `who` by the bank `transfer` events among `attributes` (an event's
/// attributes are consecutive; `recipient`, `sender`, `amount` in any order), summed by denom.
pub fn transfers_to(attributes: &[(String, String, String)], who: &str) -> Result<Vec<Coin>> {
    let mut received = vec![];
    let mut recipient: Option<&str> = None;
    let mut amount: Option<&str> = None;
    let mut flush = |recipient: &mut Option<&str>, amount: &mut Option<&str>| -> Result<()> {
        if let (Some(r), Some(a)) = (recipient.take(), amount.take()) {
            if r == who {
                received.extend(parse_coins(a)?);
            }
        }
        Ok(())
    };
    let mut previous_type: Option<&str> = None;
    for (ty, key, value) in attributes {
        // A new event starts at a type change or at a repeated key of the same type.
        let repeated = match key.as_str() {
            "recipient" => recipient.is_some(),
            "amount" => amount.is_some(),
            _ => false,
        };
        if previous_type != Some(ty.as_str()) || repeated {
            flush(&mut recipient, &mut amount)?;
        }
        previous_type = Some(ty.as_str());
        if ty != "transfer" {
            continue;
        }
        match key.as_str() {
            "recipient" => recipient = Some(value.as_str()),
            "amount" => amount = Some(value.as_str()),
            _ => {}
        }
    }
    flush(&mut recipient, &mut amount)?;
    crate::keeper::sum_coins(received)
}

/// `"12uakt,5ibc/27394…"` → coins; an empty string is no coins.
pub fn parse_coins(text: &str) -> Result<Vec<Coin>> {
    text.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            let digits = c.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 || digits == c.len() {
                anyhow::bail!("{c:?} is not a coin (amount then denom)");
            }
            Ok(Coin::new(
                c[..digits]
                    .parse::<u128>()
                    .map_err(|e| anyhow::anyhow!("{c:?}: {e}"))?,
                &c[digits..],
            ))
        })
        .collect()
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
    /// Simulates executing `msg` from the sender without committing anything: the estimated
    /// fee (in the fee denom) and the events, for "what would this pay, does it cover the fee".
    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation>;
    /// The denom fees are paid in.
    fn fee_denom(&self) -> String;

    /// The signer's account sequence: it grows by one with every transaction a block includes
    /// (accepted or failed), so comparing it before and after a send tells whether the send
    /// landed. `None` when the chain keeps no sequence (the embedded chain).
    fn account_sequence(&self) -> Result<Option<u64>> {
        Ok(None)
    }

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

/// A transaction was handed to the node and then its fate could not be learnt (the
/// connection dropped, the confirmation did not come in time): it may land until the block
/// after `timeout_height`. Never sent again blindly.
#[derive(Debug)]
pub struct Unconfirmed {
    pub hash: String,
    /// The transaction is invalid in any block above this height.
    pub timeout_height: u64,
    pub reason: String,
}

impl std::fmt::Display for Unconfirmed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unconfirmed transaction {} (valid up to height {}): {}",
            self.hash, self.timeout_height, self.reason
        )
    }
}

impl std::error::Error for Unconfirmed {}

/// A block included the transaction and it failed there: the fee was charged.
#[derive(Debug)]
pub struct FailedOnChain {
    pub hash: String,
    pub gas_used: u64,
    pub fee_paid: Uint128,
    pub log: String,
}

impl std::fmt::Display for FailedOnChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "transaction {} failed on chain (fee {} charged): {}",
            self.hash, self.fee_paid, self.log
        )
    }
}

impl std::error::Error for FailedOnChain {}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        list.iter()
            .map(|(t, k, v)| (t.to_string(), k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn transfers_to_the_keeper_are_summed_and_others_ignored() {
        let events = attrs(&[
            // The fee leaves the keeper (SDK 0.50 shape, with msg_index).
            ("transfer", "recipient", "fee_collector"),
            ("transfer", "sender", "keeper"),
            ("transfer", "amount", "3000uosmo"),
            ("wasm", "_contract_address", "escrow"),
            ("wasm", "bounty", "99"),
            // Two consecutive transfers (multi-test shape), one to the keeper.
            ("transfer", "recipient", "keeper"),
            ("transfer", "sender", "escrow"),
            (
                "transfer",
                "amount",
                "1340uakt,7ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2",
            ),
            ("transfer", "recipient", "provider"),
            ("transfer", "sender", "escrow"),
            ("transfer", "amount", "500uakt"),
            ("transfer", "recipient", "keeper"),
            ("transfer", "sender", "book"),
            ("transfer", "amount", "60uakt"),
            ("transfer", "msg_index", "0"),
        ]);
        let got = transfers_to(&events, "keeper").unwrap();
        assert_eq!(
            got,
            vec![
                Coin::new(
                    7u128,
                    "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2"
                ),
                Coin::new(1_400u128, "uakt"),
            ]
        );
        assert_eq!(
            transfers_to(&events, "provider").unwrap(),
            vec![Coin::new(500u128, "uakt")]
        );
        assert!(transfers_to(&events, "stranger").unwrap().is_empty());
    }

    #[test]
    fn malformed_amounts_are_errors_not_zero() {
        assert!(parse_coins("uakt").is_err());
        assert!(parse_coins("12").is_err());
        assert_eq!(parse_coins("").unwrap(), vec![]);
        let events = attrs(&[
            ("transfer", "recipient", "keeper"),
            ("transfer", "amount", "abc"),
        ]);
        assert!(transfers_to(&events, "keeper").is_err());
    }
}
