use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi, MockQuerier};
use cosmwasm_std::{from_json, Addr, Coin, Env, MemoryStorage, OwnedDeps, Response, Uint128};
use cw20::{Cw20Coin, MinterResponse};
use serde::de::DeserializeOwned;

use crate::contract;
use crate::msg::{ExecuteMsg, InstantiateMsg, QueryMsg, SupplyResponse};
use crate::ContractError;

pub type Deps = OwnedDeps<MemoryStorage, MockApi, MockQuerier>;

pub const CAP: u128 = 1_000_000;

/// A token with alice 600 and bob 400, minted by `minter`, capped at 1,000,000.
pub struct Token {
    pub deps: Deps,
    pub env: Env,
    pub owner: Addr,
    pub minter: Addr,
    pub alice: Addr,
    pub bob: Addr,
    pub carol: Addr,
}

impl Token {
    pub fn new() -> Self {
        let mut deps = mock_dependencies();
        let api = deps.api;
        let owner = api.addr_make("owner");
        let minter = api.addr_make("minter");
        let alice = api.addr_make("alice");
        let bob = api.addr_make("bob");
        let carol = api.addr_make("carol");
        let msg = InstantiateMsg {
            name: "Spice".into(),
            symbol: "SPICE".into(),
            decimals: 6,
            initial_balances: vec![
                Cw20Coin {
                    address: alice.to_string(),
                    amount: Uint128::new(600),
                },
                Cw20Coin {
                    address: bob.to_string(),
                    amount: Uint128::new(400),
                },
            ],
            mint: Some(MinterResponse {
                minter: minter.to_string(),
                cap: Some(Uint128::new(CAP)),
            }),
            marketing: None,
            owner: Some(owner.to_string()),
            guardian: None,
            native: None,
        };
        let env = mock_env();
        contract::instantiate(deps.as_mut(), env.clone(), message_info(&owner, &[]), msg).unwrap();
        Token {
            deps,
            env,
            owner,
            minter,
            alice,
            bob,
            carol,
        }
    }

    pub fn exec(&mut self, sender: &Addr, msg: ExecuteMsg) -> Result<Response, ContractError> {
        self.exec_with(sender, &[], msg)
    }

    pub fn exec_with(
        &mut self,
        sender: &Addr,
        funds: &[Coin],
        msg: ExecuteMsg,
    ) -> Result<Response, ContractError> {
        contract::execute(
            self.deps.as_mut(),
            self.env.clone(),
            message_info(sender, funds),
            msg,
        )
    }

    pub fn query<T: DeserializeOwned>(&self, msg: QueryMsg) -> T {
        from_json(contract::query(self.deps.as_ref(), self.env.clone(), msg).unwrap()).unwrap()
    }

    pub fn balance(&self, who: &Addr) -> u128 {
        let res: cw20::BalanceResponse = self.query(QueryMsg::Balance {
            address: who.to_string(),
        });
        res.balance.u128()
    }

    pub fn supply(&self) -> SupplyResponse {
        self.query(QueryMsg::Supply {})
    }

    /// `cw20_supply + native_supply + burned == minted <= cap`, and balances sum to cw20 supply.
    pub fn assert_ledger_balanced(&self) {
        let s = self.supply();
        assert_eq!(
            s.cw20_supply + s.native_supply + s.burned,
            s.minted,
            "{s:?}"
        );
        assert!(s.minted <= s.cap, "{s:?}");
        let accounts: cw20::AllAccountsResponse = self.query(QueryMsg::AllAccounts {
            start_after: None,
            limit: Some(30),
        });
        let sum: u128 = accounts
            .accounts
            .iter()
            .map(|a| self.balance(&Addr::unchecked(a)))
            .sum();
        assert_eq!(sum, s.cw20_supply.u128());
    }
}

pub fn attr<'a>(res: &'a Response, key: &str) -> &'a str {
    &res.attributes
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no attribute {key} in {:?}", res.attributes))
        .value
}
