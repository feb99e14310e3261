//! Property: whatever holders, the minter and the buyback path do, in any order, every call
//! does exactly what a plain model of SPICE predicts — it succeeds when the model says it must
//! (and moves exactly the predicted balances: the right accounts debited and credited), and is
//! refused when the model says it must be, leaving every balance as it was. Compared after every
//! step against the contract's queries *and* the bank (balances of every holder and of the
//! contract, the supply of native SPICE), so a contract that refused everything, credited the
//! wrong account or skipped a burn fails it. On top, the ledger balances:
//! `cw20_supply + native_supply + burned == minted <= cap`, and the bank's supply of native SPICE
//! is `native_supply + native_reserve`.

use std::collections::BTreeMap;

use cosmwasm_std::{coins, Addr, Coin, Uint128};
use cw20::{Cw20Coin, MinterResponse};
use cw_multi_test::{ContractWrapper, Executor};
use proptest::prelude::*;
use spice_testing::{osmosis_app, OsmosisApp};

use crate::contract;
use crate::msg::{
    BurnStatsResponse, EnableNative, ExecuteMsg, InstantiateMsg, QueryMsg, SupplyResponse,
};

const CAP: u128 = 10_000;
const HOLDERS: usize = 3;
const START: u128 = 1_000;

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
    /// Mints exactly what is left under the cap.
    MintRest {
        to: usize,
    },
    ToNative {
        from: usize,
        to: usize,
        amount: u128,
    },
    ToCw20 {
        from: usize,
        to: usize,
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
    /// The owner renounces the tokenfactory admin (only once the cap is fully minted).
    RenounceAdmin,
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
        who.clone().prop_map(|to| Op::MintRest { to }),
        (who.clone(), who.clone(), amount.clone()).prop_map(|(from, to, amount)| Op::ToNative {
            from,
            to,
            amount
        }),
        (who.clone(), who.clone(), amount.clone()).prop_map(|(from, to, amount)| Op::ToCw20 {
            from,
            to,
            amount
        }),
        (who.clone(), amount.clone()).prop_map(|(from, amount)| Op::BurnNative { from, amount }),
        (who.clone(), who, amount).prop_map(|(owner, spender, amount)| Op::BurnFrom {
            owner,
            spender,
            amount
        }),
        Just(Op::RenounceAdmin),
    ]
}

/// What SPICE must look like, kept by hand.
#[derive(Clone, Debug, Default, PartialEq)]
struct Model {
    cw20: Vec<u128>,
    native: Vec<u128>,
    allowances: BTreeMap<(usize, usize), u128>,
    minted: u128,
    burned_cw20: u128,
    burned_cw20_from: u128,
    burned_native: u128,
    /// `Some` once the admin is renounced.
    reserve: Option<u128>,
}

impl Model {
    fn cw20_supply(&self) -> u128 {
        self.cw20.iter().sum()
    }
}

struct World {
    app: OsmosisApp,
    token: Addr,
    minter: Addr,
    holders: Vec<Addr>,
    denom: String,
    model: Model,
    accepted: u32,
    refused: u32,
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
                    amount: Uint128::new(START),
                })
                .collect(),
            mint: Some(MinterResponse {
                minter: minter.to_string(),
                cap: Some(Uint128::new(CAP)),
            }),
            marketing: None,
            // The minter is the owner too (it renounces the admin).
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
            model: Model {
                cw20: vec![START; HOLDERS],
                native: vec![0; HOLDERS],
                minted: START * HOLDERS as u128,
                ..Model::default()
            },
            accepted: 0,
            refused: 0,
        }
    }

    /// Sends `msg`; the model says whether it must succeed. `Err` when the contract disagrees.
    fn exec(
        &mut self,
        sender: &Addr,
        msg: ExecuteMsg,
        funds: Vec<Coin>,
        must_succeed: bool,
    ) -> Result<(), TestCaseError> {
        let res = self
            .app
            .execute_contract(sender.clone(), self.token.clone(), &msg, &funds);
        match (&res, must_succeed) {
            (Ok(_), true) => self.accepted += 1,
            (Err(_), false) => self.refused += 1,
            (Ok(_), false) => {
                return Err(TestCaseError::fail(format!(
                    "{msg:?} with {funds:?} from {sender} was accepted; the model refuses it"
                )))
            }
            (Err(e), true) => {
                return Err(TestCaseError::fail(format!(
                    "{msg:?} with {funds:?} from {sender} was refused ({e:#}); the model accepts it"
                )))
            }
        }
        Ok(())
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let h = self.holders.clone();
        let denom = self.denom.clone();
        let m = self.model.clone();
        let mut next = m.clone();
        // Attached native SPICE: none for 0 (a zero coin is not a valid fund), otherwise the
        // amount — more than the holder has is refused by the bank, so the call is too.
        let attach = |amount: u128| {
            if amount == 0 {
                vec![]
            } else {
                coins(amount, &denom)
            }
        };
        match *op {
            Op::Transfer { from, to, amount } => {
                let ok = amount > 0 && amount <= m.cw20[from];
                if ok {
                    next.cw20[from] -= amount;
                    next.cw20[to] += amount;
                }
                let msg = ExecuteMsg::Transfer {
                    recipient: h[to].to_string(),
                    amount: Uint128::new(amount),
                };
                self.exec(&h[from], msg, vec![], ok)?;
            }
            Op::Burn { from, amount } => {
                let ok = amount > 0 && amount <= m.cw20[from];
                if ok {
                    next.cw20[from] -= amount;
                    next.burned_cw20 += amount;
                }
                let msg = ExecuteMsg::Burn {
                    amount: Uint128::new(amount),
                };
                self.exec(&h[from], msg, vec![], ok)?;
            }
            Op::Mint { to, amount } => self.mint(to, amount, &mut next)?,
            Op::MintRest { to } => self.mint(to, CAP - m.minted, &mut next)?,
            Op::ToNative { from, to, amount } => {
                let ok = amount > 0 && amount <= m.cw20[from];
                if ok {
                    next.cw20[from] -= amount;
                    next.native[to] += amount;
                    if let Some(r) = next.reserve.as_mut() {
                        *r -= amount;
                    }
                }
                let msg = ExecuteMsg::ConvertToNative {
                    amount: Uint128::new(amount),
                    recipient: Some(h[to].to_string()),
                };
                self.exec(&h[from], msg, vec![], ok)?;
            }
            Op::ToCw20 { from, to, amount } => {
                let ok = amount > 0 && amount <= m.native[from];
                if ok {
                    next.native[from] -= amount;
                    next.cw20[to] += amount;
                    if let Some(r) = next.reserve.as_mut() {
                        *r += amount;
                    }
                }
                let msg = ExecuteMsg::ConvertToCw20 {
                    recipient: Some(h[to].to_string()),
                };
                self.exec(&h[from], msg, attach(amount), ok)?;
            }
            Op::BurnNative { from, amount } => {
                let ok = amount > 0 && amount <= m.native[from];
                if ok {
                    next.native[from] -= amount;
                    next.burned_native += amount;
                    if let Some(r) = next.reserve.as_mut() {
                        *r += amount;
                    }
                }
                self.exec(&h[from], ExecuteMsg::BurnNative {}, attach(amount), ok)?;
            }
            Op::BurnFrom {
                owner,
                spender,
                amount,
            } => {
                let distinct = owner != spender;
                if distinct {
                    *next.allowances.entry((owner, spender)).or_default() += amount;
                }
                let msg = ExecuteMsg::IncreaseAllowance {
                    spender: h[spender].to_string(),
                    amount: Uint128::new(amount),
                    expires: None,
                };
                self.exec(&h[owner], msg, vec![], distinct)?;
                let allowed = next.allowances.get(&(owner, spender)).copied();
                let ok = distinct
                    && amount > 0
                    && allowed.is_some_and(|a| a >= amount)
                    && amount <= m.cw20[owner];
                if ok {
                    *next.allowances.get_mut(&(owner, spender)).unwrap() -= amount;
                    next.cw20[owner] -= amount;
                    next.burned_cw20_from += amount;
                }
                let msg = ExecuteMsg::BurnFrom {
                    owner: h[owner].to_string(),
                    amount: Uint128::new(amount),
                };
                self.exec(&h[spender], msg, vec![], ok)?;
            }
            Op::RenounceAdmin => {
                let ok = m.reserve.is_none() && m.minted == CAP;
                if ok {
                    next.reserve = Some(m.cw20_supply());
                }
                let minter = self.minter.clone();
                self.exec(&minter, ExecuteMsg::RenounceNativeAdmin {}, vec![], ok)?;
            }
        }
        self.model = next;
        Ok(())
    }

    fn mint(&mut self, to: usize, amount: u128, next: &mut Model) -> Result<(), TestCaseError> {
        let ok = amount > 0 && self.model.minted + amount <= CAP;
        if ok {
            next.minted += amount;
            next.cw20[to] += amount;
        }
        let msg = ExecuteMsg::Mint {
            recipient: self.holders[to].to_string(),
            amount: Uint128::new(amount),
        };
        let minter = self.minter.clone();
        self.exec(&minter, msg, vec![], ok)
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

    /// The chain and the contract's queries against the model, then the ledger's own identity.
    fn check(&self) -> Result<(), TestCaseError> {
        let m = &self.model;
        for (i, h) in self.holders.iter().enumerate() {
            prop_assert_eq!(self.cw20(h), m.cw20[i], "cw20 of holder {}", i);
            prop_assert_eq!(self.native(h), m.native[i], "bank native of holder {}", i);
        }
        let reserve = m.reserve.unwrap_or_default();
        prop_assert_eq!(
            self.native(&self.token),
            reserve,
            "the contract's own native"
        );
        let native_sum: u128 = m.native.iter().sum();
        let bank = self.app.wrap().query_supply(&self.denom).unwrap().amount;
        prop_assert_eq!(
            bank.u128(),
            native_sum + reserve,
            "bank supply of native SPICE"
        );

        let s: SupplyResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.token, &QueryMsg::Supply {})
            .unwrap();
        prop_assert_eq!(s.minted.u128(), m.minted);
        prop_assert_eq!(s.cw20_supply.u128(), m.cw20_supply());
        prop_assert_eq!(s.native_supply.u128(), native_sum);
        prop_assert_eq!(s.native_reserve.u128(), reserve);
        prop_assert_eq!(s.cw20_supply + s.native_supply + s.burned, s.minted);
        prop_assert!(s.minted.u128() <= CAP);
        prop_assert!(m.reserve.is_none_or(|r| r >= m.cw20_supply()));

        let b: BurnStatsResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.token, &QueryMsg::BurnStats {})
            .unwrap();
        prop_assert_eq!(b.cw20_burn.u128(), m.burned_cw20);
        prop_assert_eq!(b.cw20_burn_from.u128(), m.burned_cw20_from);
        prop_assert_eq!(b.native.u128(), m.burned_native);
        prop_assert_eq!(
            s.burned.u128(),
            m.burned_cw20 + m.burned_cw20_from + m.burned_native
        );
        Ok(())
    }
}

proptest! {
    #[test]
    fn every_call_does_what_the_model_predicts_and_the_ledger_balances(
        ops in prop::collection::vec(op(), 1..25)
    ) {
        let mut world = World::new();
        world.check()?;
        for op in &ops {
            world.apply(op)?;
            world.check()?;
        }
        // Sanity: the run exercised the contract (the model's predictions are not all refusals).
        prop_assert_eq!(world.accepted + world.refused, world_calls(&ops));
    }
}

/// Calls each op sends: two for `burn_from` (the allowance first), one for the others.
fn world_calls(ops: &[Op]) -> u32 {
    ops.iter()
        .map(|o| {
            if matches!(o, Op::BurnFrom { .. }) {
                2
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn the_model_accepts_most_steps_of_a_typical_run() {
    // A fixed run whose every step the model accepts: a contract refusing everything, or moving
    // the wrong balances, fails here deterministically.
    let mut w = World::new();
    let run = [
        Op::Transfer {
            from: 0,
            to: 1,
            amount: 300,
        },
        Op::ToNative {
            from: 1,
            to: 2,
            amount: 500,
        },
        Op::ToCw20 {
            from: 2,
            to: 0,
            amount: 200,
        },
        Op::BurnNative {
            from: 2,
            amount: 100,
        },
        Op::Burn {
            from: 0,
            amount: 50,
        },
        Op::BurnFrom {
            owner: 1,
            spender: 0,
            amount: 40,
        },
        Op::Mint {
            to: 2,
            amount: 1_000,
        },
        Op::MintRest { to: 0 },
        Op::RenounceAdmin,
        Op::ToNative {
            from: 0,
            to: 1,
            amount: 700,
        },
        Op::ToCw20 {
            from: 1,
            to: 1,
            amount: 100,
        },
        Op::BurnNative {
            from: 1,
            amount: 10,
        },
    ];
    for op in &run {
        w.apply(op).unwrap();
        w.check().unwrap();
    }
    assert_eq!(w.refused, 0);
    assert_eq!(w.accepted, 13);
}
