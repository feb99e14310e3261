//! The tokenfactory twin on the Osmosis emulation: real bank balances and supply.

use cosmwasm_std::{coin, coins, Addr, Uint128};
use cw20::{Cw20Coin, MinterResponse};
use cw_multi_test::{ContractWrapper, Executor};
use spice_testing::{fund, osmosis_app, OsmosisApp, OsmosisAppBuilder};

use crate::contract;
use crate::msg::{
    BurnStatsResponse, BurnersResponse, EnableNative, ExecuteMsg, InstantiateMsg, NativeMetadata,
    QueryMsg, SupplyResponse, TokenConfigResponse,
};

struct Chain {
    app: OsmosisApp,
    token: Addr,
    owner: Addr,
    alice: Addr,
    denom: String,
}

fn instantiate_msg(app: &OsmosisApp, native: Option<EnableNative>) -> InstantiateMsg {
    let api = app.api();
    InstantiateMsg {
        name: "Spice".into(),
        symbol: "SPICE".into(),
        decimals: 6,
        initial_balances: vec![Cw20Coin {
            address: api.addr_make("alice").to_string(),
            amount: Uint128::new(1_000),
        }],
        mint: Some(MinterResponse {
            minter: api.addr_make("owner").to_string(),
            cap: Some(Uint128::new(1_000_000)),
        }),
        marketing: None,
        owner: Some(api.addr_make("owner").to_string()),
        guardian: None,
        native,
    }
}

fn store(app: &mut OsmosisApp) -> u64 {
    app.store_code(Box::new(ContractWrapper::new(
        contract::execute,
        contract::instantiate,
        contract::query,
    )))
}

fn chain_with_native() -> Chain {
    let mut app = osmosis_app();
    let code = store(&mut app);
    let owner = app.api().addr_make("owner");
    let alice = app.api().addr_make("alice");
    let msg = instantiate_msg(
        &app,
        Some(EnableNative {
            subdenom: "uspice".into(),
            metadata: None,
        }),
    );
    let token = app
        .instantiate_contract(code, owner.clone(), &msg, &[], "spice", None)
        .unwrap();
    let denom = format!("factory/{token}/uspice");
    Chain {
        app,
        token,
        owner,
        alice,
        denom,
    }
}

impl Chain {
    fn exec(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[cosmwasm_std::Coin],
    ) -> anyhow::Result<()> {
        self.app
            .execute_contract(sender.clone(), self.token.clone(), msg, funds)
            .map(|_| ())
    }
    fn supply(&self) -> SupplyResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.token, &QueryMsg::Supply {})
            .unwrap()
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
    fn native(&self, who: &Addr) -> u128 {
        self.app
            .wrap()
            .query_balance(who, &self.denom)
            .unwrap()
            .amount
            .u128()
    }
    /// The ledger balances, and native supply equals the bank's supply of the denom.
    fn assert_consistent(&self) {
        let s = self.supply();
        assert_eq!(
            s.cw20_supply + s.native_supply + s.burned,
            s.minted,
            "{s:?}"
        );
        assert!(s.minted <= s.cap);
        assert_eq!(
            self.app.wrap().query_supply(&self.denom).unwrap().amount,
            s.native_supply
        );
    }
}

#[test]
fn instantiate_creates_the_denom_with_display_metadata() {
    let c = chain_with_native();
    let config: TokenConfigResponse = c
        .app
        .wrap()
        .query_wasm_smart(&c.token, &QueryMsg::Config {})
        .unwrap();
    assert_eq!(config.native.unwrap().denom, c.denom);
    let meta = c.app.wrap().query_denom_metadata(&c.denom).unwrap();
    assert_eq!(meta.display, "spice");
    assert_eq!(meta.symbol, "SPICE");
    let display_unit = meta
        .denom_units
        .iter()
        .find(|u| u.denom == "spice")
        .unwrap();
    assert_eq!(display_unit.exponent, 6);
}

#[test]
fn convert_both_ways_is_exactly_one_to_one() {
    let mut c = chain_with_native();
    let alice = c.alice.clone();
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(300),
            recipient: None,
        },
        &[],
    )
    .unwrap();
    assert_eq!(c.cw20(&alice), 700);
    assert_eq!(c.native(&alice), 300);
    c.assert_consistent();

    let denom = c.denom.clone();
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToCw20 { recipient: None },
        &coins(120, &denom),
    )
    .unwrap();
    assert_eq!(c.cw20(&alice), 820);
    assert_eq!(c.native(&alice), 180);
    // The contract keeps nothing: what was attached was burned.
    assert_eq!(c.native(&c.token.clone()), 0);
    let s = c.supply();
    assert_eq!(s.native_supply, Uint128::new(180));
    assert_eq!(s.cw20_supply, Uint128::new(820));
    c.assert_consistent();
}

#[test]
fn converts_can_credit_another_recipient() {
    let mut c = chain_with_native();
    let alice = c.alice.clone();
    let pool_user = c.app.api().addr_make("pool_user");
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(10),
            recipient: Some(pool_user.to_string()),
        },
        &[],
    )
    .unwrap();
    assert_eq!(c.native(&pool_user), 10);
    let denom = c.denom.clone();
    c.exec(
        &pool_user,
        &ExecuteMsg::ConvertToCw20 {
            recipient: Some(alice.to_string()),
        },
        &coins(10, &denom),
    )
    .unwrap();
    assert_eq!(c.cw20(&alice), 1_000);
    c.assert_consistent();
}

#[test]
fn burn_native_burns_attached_spice_and_records_it() {
    let mut c = chain_with_native();
    let alice = c.alice.clone();
    let buyback = c.app.api().addr_make("buyback");
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(500),
            recipient: Some(buyback.to_string()),
        },
        &[],
    )
    .unwrap();
    let denom = c.denom.clone();
    c.exec(&buyback, &ExecuteMsg::BurnNative {}, &coins(200, &denom))
        .unwrap();
    assert_eq!(c.native(&buyback), 300);
    let s = c.supply();
    assert_eq!(s.burned, Uint128::new(200));
    assert_eq!(s.native_supply, Uint128::new(300));
    let stats: BurnStatsResponse = c
        .app
        .wrap()
        .query_wasm_smart(&c.token, &QueryMsg::BurnStats {})
        .unwrap();
    assert_eq!(stats.native, Uint128::new(200));
    let burners: BurnersResponse = c
        .app
        .wrap()
        .query_wasm_smart(
            &c.token,
            &QueryMsg::Burners {
                start_after: None,
                limit: None,
            },
        )
        .unwrap();
    assert_eq!(burners.burners[0].address, buyback.to_string());
    assert_eq!(burners.burners[0].burned, Uint128::new(200));
    c.assert_consistent();
}

#[test]
fn native_entry_points_refuse_wrong_funds() {
    let mut c = chain_with_native();
    let alice = c.alice.clone();
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(100),
            recipient: None,
        },
        &[],
    )
    .unwrap();
    fund(&mut c.app, &alice, vec![coin(1_000, "uosmo")]).unwrap();
    let denom = c.denom.clone();
    for funds in [
        vec![],
        coins(5, "uosmo"),
        vec![coin(5, &denom), coin(5, "uosmo")],
    ] {
        for msg in [
            ExecuteMsg::ConvertToCw20 { recipient: None },
            ExecuteMsg::BurnNative {},
        ] {
            let err = c.exec(&alice, &msg, &funds).unwrap_err();
            assert!(
                err.root_cause()
                    .to_string()
                    .contains("attach only native SPICE"),
                "{funds:?}: {err}"
            );
        }
    }
    let err = c
        .exec(
            &alice,
            &ExecuteMsg::ConvertToNative {
                amount: Uint128::new(901),
                recipient: None,
            },
            &[],
        )
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("holds 900"));
    let err = c
        .exec(
            &alice,
            &ExecuteMsg::ConvertToNative {
                amount: Uint128::zero(),
                recipient: None,
            },
            &[],
        )
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("above zero"));
    c.assert_consistent();
}

#[test]
fn native_messages_before_enabling_are_refused_and_owner_enables_once() {
    let mut app = osmosis_app();
    let code = store(&mut app);
    let owner = app.api().addr_make("owner");
    let alice = app.api().addr_make("alice");
    let msg = instantiate_msg(&app, None);
    let token = app
        .instantiate_contract(code, owner.clone(), &msg, &[], "spice", None)
        .unwrap();
    let err = app
        .execute_contract(
            alice.clone(),
            token.clone(),
            &ExecuteMsg::ConvertToNative {
                amount: Uint128::one(),
                recipient: None,
            },
            &[],
        )
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("not enabled"));

    let enable = ExecuteMsg::EnableNative(EnableNative {
        subdenom: "uspice".into(),
        metadata: Some(NativeMetadata {
            display: Some("SPICE".into()),
            ..Default::default()
        }),
    });
    let err = app
        .execute_contract(alice.clone(), token.clone(), &enable, &[])
        .unwrap_err();
    assert!(
        err.root_cause()
            .to_string()
            .contains("not the contract's current owner"),
        "{err}"
    );
    app.execute_contract(owner.clone(), token.clone(), &enable, &[])
        .unwrap();
    let err = app
        .execute_contract(owner.clone(), token.clone(), &enable, &[])
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("already enabled"));
    let denom = format!("factory/{token}/uspice");
    assert_eq!(
        app.wrap().query_denom_metadata(&denom).unwrap().display,
        "SPICE"
    );
}

#[test]
fn enable_native_requires_exactly_the_creation_fee() {
    let mut app = OsmosisAppBuilder::new()
        .with_denom_creation_fee(coins(10_000_000, "uosmo"))
        .build();
    let code = store(&mut app);
    let owner = app.api().addr_make("owner");
    fund(&mut app, &owner, coins(20_000_000, "uosmo")).unwrap();
    let msg = instantiate_msg(&app, None);
    let token = app
        .instantiate_contract(code, owner.clone(), &msg, &[], "spice", None)
        .unwrap();
    let enable = ExecuteMsg::EnableNative(EnableNative {
        subdenom: "uspice".into(),
        metadata: None,
    });
    for wrong in [vec![], coins(9_999_999, "uosmo")] {
        let err = app
            .execute_contract(owner.clone(), token.clone(), &enable, &wrong)
            .unwrap_err();
        assert!(
            err.root_cause().to_string().contains("creation fee"),
            "{err}"
        );
    }
    app.execute_contract(
        owner.clone(),
        token.clone(),
        &enable,
        &coins(10_000_000, "uosmo"),
    )
    .unwrap();
    // The fee went to the chain, not into the contract.
    assert!(app
        .wrap()
        .query_balance(&token, "uosmo")
        .unwrap()
        .amount
        .is_zero());
}

#[test]
fn invalid_subdenoms_are_refused() {
    let mut app = osmosis_app();
    let code = store(&mut app);
    let owner = app.api().addr_make("owner");
    for bad in ["", "u spice", "u/spice", &"a".repeat(45)] {
        let msg = instantiate_msg(
            &app,
            Some(EnableNative {
                subdenom: bad.to_string(),
                metadata: None,
            }),
        );
        let err = app
            .instantiate_contract(code, owner.clone(), &msg, &[], "spice", None)
            .unwrap_err();
        assert!(
            err.root_cause().to_string().contains("subdenom"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn pause_stops_conversion_into_native_but_not_back_or_burns() {
    let mut c = chain_with_native();
    let (alice, owner) = (c.alice.clone(), c.owner.clone());
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(100),
            recipient: None,
        },
        &[],
    )
    .unwrap();
    c.exec(&owner, &ExecuteMsg::Pause {}, &[]).unwrap();
    let err = c
        .exec(
            &alice,
            &ExecuteMsg::ConvertToNative {
                amount: Uint128::new(1),
                recipient: None,
            },
            &[],
        )
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("paused"));
    let denom = c.denom.clone();
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToCw20 { recipient: None },
        &coins(50, &denom),
    )
    .unwrap();
    c.exec(&alice, &ExecuteMsg::BurnNative {}, &coins(50, &denom))
        .unwrap();
    assert_eq!(c.native(&alice), 0);
    c.assert_consistent();
}

// ---- issue 18: denom metadata the SDK accepts ----

fn instantiate_with(
    decimals: u8,
    metadata: Option<NativeMetadata>,
) -> (OsmosisApp, anyhow::Result<Addr>) {
    let mut app = osmosis_app();
    let code = store(&mut app);
    let owner = app.api().addr_make("owner");
    let mut msg = instantiate_msg(
        &app,
        Some(EnableNative {
            subdenom: "uspice".into(),
            metadata,
        }),
    );
    msg.decimals = decimals;
    let res = app.instantiate_contract(code, owner, &msg, &[], "spice", None);
    (app, res)
}

#[test]
fn zero_decimals_twin_gets_metadata_the_sdk_accepts() {
    // Two units with exponent 0 are refused by the SDK (and the emulation): with no decimals
    // the base unit is the only unit, and the display name is its alias.
    let (app, token) = instantiate_with(0, None);
    let token = token.expect("a 0-decimals SPICE with a native twin instantiates");
    let denom = format!("factory/{token}/uspice");
    let meta = app.wrap().query_denom_metadata(&denom).unwrap();
    assert_eq!(meta.denom_units.len(), 1);
    assert_eq!(meta.denom_units[0].denom, denom);
    assert_eq!(meta.denom_units[0].exponent, 0);
    assert_eq!(meta.denom_units[0].aliases, vec!["spice".to_string()]);
    assert_eq!(meta.display, denom);
    assert_eq!(meta.symbol, "SPICE");
}

#[test]
fn six_decimals_twin_keeps_its_display_unit() {
    // Control for the test above.
    let (app, token) = instantiate_with(6, None);
    let denom = format!("factory/{}/uspice", token.unwrap());
    let meta = app.wrap().query_denom_metadata(&denom).unwrap();
    assert_eq!(meta.denom_units.len(), 2);
    assert_eq!(meta.denom_units[1].exponent, 6);
    assert_eq!(meta.display, "spice");
}

#[test]
fn display_the_sdk_would_refuse_is_refused_up_front() {
    for display in ["x", "1spice", "has space"] {
        let (_, res) = instantiate_with(
            6,
            Some(NativeMetadata {
                display: Some(display.into()),
                ..Default::default()
            }),
        );
        let err = res.unwrap_err();
        assert!(
            matches!(
                err.downcast_ref::<crate::ContractError>(),
                Some(crate::ContractError::InvalidDisplayDenom { .. })
            ),
            "{display}: {err:?}"
        );
    }
    // A display equal to the base would list the base twice.
    let mut app = osmosis_app();
    let code = store(&mut app);
    let owner = app.api().addr_make("owner");
    let token = app
        .instantiate_contract(
            code,
            owner.clone(),
            &instantiate_msg(&app, None),
            &[],
            "spice",
            None,
        )
        .unwrap();
    let base = format!("factory/{token}/uspice");
    let err = app
        .execute_contract(
            owner,
            token.clone(),
            &ExecuteMsg::EnableNative(EnableNative {
                subdenom: "uspice".into(),
                metadata: Some(NativeMetadata {
                    display: Some(base.clone()),
                    ..Default::default()
                }),
            }),
            &[],
        )
        .unwrap_err();
    assert_eq!(
        err.downcast_ref::<crate::ContractError>(),
        Some(&crate::ContractError::InvalidDisplayDenom {
            display: base,
            reason: "it is the base denom itself".into(),
        })
    );
    // Refused: nothing was enabled.
    let config: TokenConfigResponse = app
        .wrap()
        .query_wasm_smart(&token, &QueryMsg::Config {})
        .unwrap();
    assert_eq!(config.native, None);
}

// ---- issue 18: cw20 `token_info.total_supply` ----

#[test]
fn token_info_total_supply_is_the_cw20_supply_and_supply_shows_the_whole() {
    let mut c = chain_with_native();
    let alice = c.alice.clone();
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(400),
            recipient: None,
        },
        &[],
    )
    .unwrap();
    let info: cw20::TokenInfoResponse = c
        .app
        .wrap()
        .query_wasm_smart(&c.token, &QueryMsg::TokenInfo {})
        .unwrap();
    // What a cw20 indexer reconciles: the cw20 balances sum to total_supply.
    assert_eq!(info.total_supply.u128(), c.cw20(&alice));
    assert_eq!(info.total_supply, Uint128::new(600));
    // The whole circulating supply: cw20 plus native (the bank's own count).
    let s = c.supply();
    assert_eq!(
        s.cw20_supply + s.native_supply,
        Uint128::new(1_000),
        "{s:?}"
    );
    assert_eq!(
        c.app.wrap().query_supply(&c.denom).unwrap().amount,
        s.native_supply
    );
}
