//! When a found piece of work is worth a transaction.
//!
//! Bounties come in the contracts' denoms (AKT, OSMO, SPICE, USDC) and fees in the chain's fee
//! denom, so a bounty is valued with `--price DENOM=P`: P fee-denom base units per base unit of
//! DENOM (`--price akt=5` when 1 AKT is worth 5 OSMO; the aliases `akt` and `spice` resolve to
//! the denoms the vault and buyback-burn are configured with). A coin in the fee denom is worth
//! its amount; a coin without a price is worth nothing, and the log says so.

use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::{anyhow, bail, Context, Result};
use cosmwasm_std::{Coin, Decimal, Uint128};
use serde_json::json;

use super::Bounty;
use crate::chain::{SuiteAddresses, SuiteChain};

#[derive(Clone, Debug)]
pub struct Policy {
    /// Fee-denom base units per base unit of each denom (keys may be aliases until resolved).
    pub prices: BTreeMap<String, Decimal>,
    /// What a bounty must be worth beyond the fee, in fee-denom base units.
    pub min_profit: Uint128,
    /// Whether to send actions no contract pays for (stake, expire_orders, rollover,
    /// finalize_epoch) at all.
    pub duties: bool,
    /// Largest fee, in fee-denom base units, the keeper pays for a duty.
    pub max_duty_fee: Uint128,
    /// The denom `min_profit` and `max_duty_fee` were given in, when one was: a fee in another
    /// denom cannot be compared with them.
    pub amounts_denom: Option<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            prices: BTreeMap::new(),
            min_profit: Uint128::zero(),
            duties: true,
            // 0.05 OSMO: a few keeper transactions at Osmosis' gas prices.
            max_duty_fee: Uint128::new(50_000),
            amounts_denom: None,
        }
    }
}

/// The verdict on one candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDecision {
    pub send: bool,
    pub reason: String,
    /// The bounty's worth in the fee denom (`None` for a duty).
    pub bounty_value: Option<String>,
}

/// Parses `DENOM=PRICE`.
pub fn parse_price(text: &str) -> Result<(String, Decimal)> {
    let (denom, price) = text
        .split_once('=')
        .ok_or_else(|| anyhow!("--price takes DENOM=PRICE, got {text:?}"))?;
    let price = Decimal::from_str(price.trim())
        .map_err(|e| anyhow!("--price {text:?}: {price:?} is not a decimal: {e}"))?;
    let denom = denom.trim();
    if denom.is_empty() {
        bail!("--price {text:?}: the denom is empty");
    }
    Ok((denom.to_string(), price))
}

/// Parses an amount in fee-denom base units: `1000`, or `1000uosmo` (the denom is checked
/// against the fee's when deciding).
pub fn parse_amount(text: &str) -> Result<(Uint128, Option<String>)> {
    let digits = text.trim();
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        bail!("{text:?} is not an amount (e.g. 1000 or 1000uosmo)");
    }
    let amount = Uint128::from_str(&digits[..end]).context("amount")?;
    let denom = &digits[end..];
    if denom.starts_with(['.', ',']) {
        bail!(
            "{text:?}: amounts are whole base units of the fee denom (e.g. 1500000uosmo, not 1.5)"
        );
    }
    if !denom.is_empty() && !is_denom(denom) {
        bail!("{text:?}: {denom:?} is not a denom (3–128 characters, a letter first, then letters, digits, / : . _ -)");
    }
    Ok((amount, (!denom.is_empty()).then(|| denom.to_string())))
}

/// The SDK's denom rule: `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`.
fn is_denom(denom: &str) -> bool {
    let mut chars = denom.chars();
    (3..=128).contains(&denom.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c))
}

impl Policy {
    /// Replaces the aliases `akt` and `spice` (and `osmo`) with the denoms the suite uses.
    pub fn resolve_aliases(
        &mut self,
        chain: &dyn SuiteChain,
        addresses: &SuiteAddresses,
    ) -> Result<()> {
        let aliases: Vec<String> = self
            .prices
            .keys()
            .filter(|k| matches!(k.to_lowercase().as_str(), "akt" | "spice" | "osmo"))
            .cloned()
            .collect();
        for alias in aliases {
            let denom = match alias.to_lowercase().as_str() {
                "akt" => config_string(chain, &addresses.staking_vault, "akt_denom")?,
                "spice" => config_string(chain, &addresses.buyback_burn, "spice_denom")?,
                _ => "uosmo".to_string(),
            };
            if let Some(price) = self.prices.remove(&alias) {
                self.prices.insert(denom, price);
            }
        }
        Ok(())
    }

    /// What `coin` is worth in `fee_denom`, when known.
    pub fn value(&self, coin: &Coin, fee_denom: &str) -> Result<Option<Uint128>> {
        if coin.denom == fee_denom {
            return Ok(Some(coin.amount));
        }
        match self.prices.get(&coin.denom) {
            // Rounded down: the keeper never counts on more than the bounty is worth.
            Some(price) => Ok(Some(coin.amount.checked_mul_floor(*price)?)),
            None => Ok(None),
        }
    }

    pub fn decide(&self, bounty: &Bounty, fee: &Coin) -> PolicyDecision {
        if let Some(denom) = self.amounts_denom.as_ref().filter(|d| **d != fee.denom) {
            return PolicyDecision {
                send: false,
                reason: format!(
                    "--min-profit / --max-duty-fee are in {denom} but the fee is in {}",
                    fee.denom
                ),
                bounty_value: None,
            };
        }
        match bounty {
            Bounty::Unpaid => self.decide_duty(fee),
            Bounty::Paid(coins) => self.decide_paid(coins, fee),
        }
    }

    fn decide_duty(&self, fee: &Coin) -> PolicyDecision {
        let skip = |reason: String| PolicyDecision {
            send: false,
            reason,
            bounty_value: None,
        };
        if !self.duties {
            return skip("no bounty, and duties are off (--no-duties)".into());
        }
        if fee.amount > self.max_duty_fee {
            return skip(format!(
                "no bounty: a duty, but the fee {fee} is above --max-duty-fee {}{}",
                self.max_duty_fee, fee.denom
            ));
        }
        PolicyDecision {
            send: true,
            reason: format!(
                "a duty (no bounty): the fee {fee} is within --max-duty-fee {}{}",
                self.max_duty_fee, fee.denom
            ),
            bounty_value: None,
        }
    }

    fn decide_paid(&self, coins: &[Coin], fee: &Coin) -> PolicyDecision {
        let mut worth = Uint128::zero();
        let mut unpriced = vec![];
        for coin in coins {
            match self.value(coin, &fee.denom) {
                Ok(Some(v)) => worth = worth.saturating_add(v),
                Ok(None) => unpriced.push(coin.denom.clone()),
                Err(e) => unpriced.push(format!("{} ({e})", coin.denom)),
            }
        }
        let value = format!("{worth}{}", fee.denom);
        let needed = fee.amount.saturating_add(self.min_profit);
        let mut reason = if worth >= needed {
            format!(
                "the bounty, worth {value}, covers the fee {fee} + min profit {}",
                self.min_profit
            )
        } else {
            format!(
                "the bounty, worth {value}, does not cover the fee {fee} + min profit {}",
                self.min_profit
            )
        };
        if !unpriced.is_empty() {
            reason.push_str(&format!(
                "; no --price for {} (counted as worth 0)",
                unpriced.join(", ")
            ));
        }
        PolicyDecision {
            send: worth >= needed,
            reason,
            bounty_value: Some(value),
        }
    }
}

fn config_string(chain: &dyn SuiteChain, contract: &str, field: &str) -> Result<String> {
    let config = chain.query(contract, &json!({ "config": {} }))?;
    config[field]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow!("{contract}'s config has no {field}"))
}
