//! [`SuiteChain`] on the embedded chain: cw-multi-test with the Osmosis emulation, one sender.

use anyhow::{anyhow, Result};
use cosmwasm_std::{Addr, Coin, Uint128};
use cw_multi_test::Executor;
use serde_json::Value;
use spice_testing::OsmosisApp;

use crate::chain::{SuiteChain, TxOutcome};

pub struct EmbeddedChain {
    pub app: OsmosisApp,
    pub sender: Addr,
}

impl SuiteChain for EmbeddedChain {
    fn sender(&self) -> String {
        self.sender.to_string()
    }

    fn block_height(&self) -> Result<u64> {
        Ok(self.app.block_info().height)
    }

    fn block_time(&self) -> Result<u64> {
        Ok(self.app.block_info().time.seconds())
    }

    fn query(&self, contract: &str, msg: &Value) -> Result<Value> {
        Ok(self.app.wrap().query_wasm_smart(contract, msg)?)
    }

    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        let resp = self
            .app
            .execute_contract(self.sender.clone(), Addr::unchecked(contract), msg, funds)
            // The root cause holds the contract's own message.
            .map_err(|e| anyhow!("{}", e.root_cause()))?;
        let attributes = resp
            .events
            .iter()
            .flat_map(|e| {
                e.attributes
                    .iter()
                    .map(|a| (e.ty.clone(), a.key.clone(), a.value.clone()))
            })
            .collect();
        Ok(TxOutcome {
            gas_used: 0,
            fee_paid: Uint128::zero(),
            attributes,
        })
    }

    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        Ok(self.app.wrap().query_balance(address, denom)?.amount)
    }

    fn estimate_fee(&self, _contract: &str, _msg: &Value, _funds: &[Coin]) -> Result<Coin> {
        // The embedded chain charges no gas.
        Ok(Coin::new(0u128, "uosmo"))
    }
}
