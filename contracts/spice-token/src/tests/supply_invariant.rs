//! Property: whatever holders, the minter and the buyback path do, in any order, SPICE's
//! ledger balances — `cw20_supply + native_supply + burned == minted <= cap` — the cw20
//! balances sum to `cw20_supply`, and the bank's supply of native SPICE is `native_supply`.
//! Failed operations (overdrafts, cap breaches) must leave everything as it was.

use cosmwasm_std::{coins, Addr, Uint128};
use cw20::{Cw20Coin, MinterResponse};
use cw_multi_test::{ContractWrapper, Executor};
use proptest::prelude::*;
use spice_testing::{osmosis_app, OsmosisApp};

use crate::contract;
use crate::msg::{EnableNative, ExecuteMsg, InstantiateMsg, QueryMsg, SupplyResponse};

const CAP: u128 = 10_000;
const HOLDERS: usize = 3;

#[derive(Clone, Debug)]
enum Op {
    Transfer {
        from: usize,
        to: usize,
        amount: u128,
    },
    Burn {
        from: usize,
        amount: u128,
    },
    Mint {
        to: usize,
        amount: u128,
    },
    ToNative {
        from: usize,
        amount: u128,
    },
    ToCw20 {
        from: usize,
        amount: u128,
    },
    BurnNative {
        from: usize,
        amount: u128,
    },
    BurnFrom {
        owner: usize,
        spender: usize,
        amount: u128,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..HOLDERS;
    let amount = prop_oneof![0u128..5, 0u128..2_000, Just(CAP)];
    prop_oneof![
        (who.clone(), who.clone(), amount.clone()).prop_map(|(from, to, amount)| Op::Transfer {
            from,
            to,
            amount
        }),
        (who.clone(), amount.clone()).prop_map(|(from, amount)| Op::Burn { from, amount }),
        (who.clone(), amount.clone()).prop_map(|(to, amount)| Op::Mint { to, amount }),
        (who.clone(), amount.clone()).prop_map(|(from, amount)| Op::ToNative { from, amount }),
        (who.clone(), amount.clone()).prop_map(|(from, amount)| Op::ToCw20 { from, amount }),
        (who.clone(), amount.clone()).prop_map(|(from, amount)| Op::BurnNative { from, amount }),
        (who.clone(), who, amount).prop_map(|(owner, spender, amount)| Op::BurnFrom {
            owner,
            spender,
            amount
        }),
    ]
}

struct World {
    app: OsmosisApp,
    token: Addr,
    minter: Addr,
    holders: Vec<Addr>,
    denom: String,
}

impl World {
    fn new() -> Self {
        let mut app = osmosis_app();
        let code = app.store_code(Box::new(ContractWrapper::new(
            contract::execute,
            contract::instantiate,
            contract::query,
        )));
        let minter = app.api().addr_make("minter");
        let holders: Vec<Addr> = (0..HOLDERS)
            .map(|i| app.api().addr_make(&format!("holder{i}")))
            .collect();
        let msg = InstantiateMsg {
            name: "Spice".into(),
            symbol: "SPICE".into(),
            decimals: 6,
            initial_balances: holders
                .iter()
                .map(|h| Cw20Coin {
                    address: h.to_string(),
                    amount: Uint128::new(1_000),
                })
                .collect(),
            mint: Some(MinterResponse {
                minter: minter.to_string(),
                cap: Some(Uint128::new(CAP)),
            }),
            marketing: None,
            owner: None,
            guardian: None,
            native: Some(EnableNative {
                subdenom: "uspice".into(),
                metadata: None,
            }),
        };
        let token = app
            .instantiate_contract(code, minter.clone(), &msg, &[], "spice", None)
            .unwrap();
        let denom = format!("factory/{token}/uspice");
        World {
            app,
            token,
            minter,
            holders,
            denom,
        }
    }

    fn exec(&mut self, sender: &Addr, msg: ExecuteMsg, funds: Vec<cosmwasm_std::Coin>) {
        // Failures are expected (overdrafts, cap); the property is checked either way.
        let _ = self
            .app
            .execute_contract(sender.clone(), self.token.clone(), &msg, &funds);
    }

    fn apply(&mut self, op: &Op) {
        let h = self.holders.clone();
        let denom = self.denom.clone();
        match *op {
            Op::Transfer { from, to, amount } => self.exec(
                &h[from],
                ExecuteMsg::Transfer {
                    recipient: h[to].to_string(),
                    amount: Uint128::new(amount),
                },
                vec![],
            ),
            Op::Burn { from, amount } => self.exec(
                &h[from],
                ExecuteMsg::Burn {
                    amount: Uint128::new(amount),
                },
                vec![],
            ),
            Op::Mint { to, amount } => {
                let minter = self.minter.clone();
                self.exec(
                    &minter,
                    ExecuteMsg::Mint {
                        recipient: h[to].to_string(),
                        amount: Uint128::new(amount),
                    },
                    vec![],
                )
            }
            Op::ToNative { from, amount } => self.exec(
                &h[from],
                ExecuteMsg::ConvertToNative {
                    amount: Uint128::new(amount),
                    recipient: None,
                },
                vec![],
            ),
            Op::ToCw20 { from, amount } => {
                if amount > 0 && self.native(&h[from]) >= amount {
                    self.exec(
                        &h[from],
                        ExecuteMsg::ConvertToCw20 { recipient: None },
                        coins(amount, &denom),
                    )
                }
            }
            Op::BurnNative { from, amount } => {
                if amount > 0 && self.native(&h[from]) >= amount {
                    self.exec(&h[from], ExecuteMsg::BurnNative {}, coins(amount, &denom))
                }
            }
            Op::BurnFrom {
                owner,
                spender,
                amount,
            } => {
                self.exec(
                    &h[owner],
                    ExecuteMsg::IncreaseAllowance {
                        spender: h[spender].to_string(),
                        amount: Uint128::new(amount),
                        expires: None,
                    },
                    vec![],
                );
                self.exec(
                    &h[spender],
                    ExecuteMsg::BurnFrom {
                        owner: h[owner].to_string(),
                        amount: Uint128::new(amount),
                    },
                    vec![],
                )
            }
        }
    }

    fn native(&self, who: &Addr) -> u128 {
        self.app
            .wrap()
            .query_balance(who, &self.denom)
            .unwrap()
            .amount
            .u128()
    }

    fn cw20(&self, who: &Addr) -> u128 {
        let r: cw20::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.token,
                &QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .unwrap();
        r.balance.u128()
    }

    fn check(&self) -> Result<(), TestCaseError> {
        let s: SupplyResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.token, &QueryMsg::Supply {})
            .unwrap();
        prop_assert_eq!(s.cw20_supply + s.native_supply + s.burned, s.minted);
        prop_assert!(s.minted.u128() <= CAP);
        let cw20_sum: u128 = self.holders.iter().map(|h| self.cw20(h)).sum();
        prop_assert_eq!(cw20_sum, s.cw20_supply.u128());
        let bank = self.app.wrap().query_supply(&self.denom).unwrap().amount;
        prop_assert_eq!(bank, s.native_supply);
        let native_sum: u128 = self.holders.iter().map(|h| self.native(h)).sum();
        prop_assert_eq!(native_sum, s.native_supply.u128());
        Ok(())
    }
}

proptest! {
    #[test]
    fn supply_ledger_balances_after_every_operation(ops in prop::collection::vec(op(), 1..25)) {
        let mut world = World::new();
        world.check()?;
        for op in &ops {
            world.apply(op);
            world.check()?;
        }
    }
}
