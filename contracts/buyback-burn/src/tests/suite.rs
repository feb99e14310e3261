//! A `Suite` on the Osmosis emulation: the real spice-token contract with its tokenfactory twin,
//! two balancer pools (OSMO/SPICE and AKT/OSMO), the buyback contract with routes for OSMO (one
//! hop) and AKT (two hops), an owner, a guardian, keepers and an attacker.

use cosmwasm_std::{coin, coins, from_json, Addr, Coin, Decimal, Uint128};
use cw_multi_test::{AppResponse, ContractWrapper, Executor};
use spice_testing::{
    advance_time, create_balancer_pool, fund, osmosis_app, swap_exact_amount_in, OsmosisApp,
};

use crate::contract;
use crate::msg::{
    ConfigUpdate, ExecuteMsg, HistoryResponse, InstantiateMsg, QueryMsg, RoutesResponse,
    SimulateBuybackResponse, StatusResponse,
};
use crate::state::Hop;
use crate::ContractError;

pub const OSMO: &str = "uosmo";
pub const AKT: &str = "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4";
pub const USDC: &str = "uusdc";
/// Reserves of each side of the OSMO/SPICE pool (100,000 OSMO and 100,000 SPICE).
pub const SPICE_POOL_SIDE: u128 = 100_000_000_000;
pub const PER_CALL_CAP: u128 = 1_000_000_000;
pub const EPOCH_CAP: u128 = 3_000_000_000;
pub const EPOCH: u64 = 86_400;
pub const COOLDOWN: u64 = 3_600;
pub const WINDOW: u64 = 1_800;
pub const BOUNTY_BPS: u16 = 20;

pub struct Suite {
    pub app: OsmosisApp,
    pub token: Addr,
    pub buyback: Addr,
    pub spice: String,
    pub owner: Addr,
    pub guardian: Addr,
    pub keeper: Addr,
    pub lp: Addr,
    pub attacker: Addr,
    pub stranger: Addr,
    /// OSMO/SPICE, 1:1, 0.2% swap fee.
    pub spice_pool: u64,
    /// AKT/OSMO, 1 AKT = 2 OSMO, 0.2% swap fee.
    pub akt_pool: u64,
}

/// The contract error inside a multi-test error.
pub fn cerr(e: &anyhow::Error) -> &ContractError {
    e.downcast_ref::<ContractError>()
        .or_else(|| e.root_cause().downcast_ref::<ContractError>())
        .unwrap_or_else(|| panic!("not a ContractError: {e:?}"))
}

/// The call failed with exactly `expected`.
#[track_caller]
pub fn assert_err(res: anyhow::Result<AppResponse>, expected: ContractError) {
    let err = res.expect_err("the call should fail");
    assert_eq!(cerr(&err), &expected);
}

pub fn hop(pool_id: u64, out: &str) -> Hop {
    Hop {
        pool_id,
        token_out_denom: out.to_string(),
    }
}

impl Suite {
    /// Routes set, and the chain one TWAP window past the pools' creation.
    pub fn new() -> Self {
        let mut s = Self::bare();
        s.set_route(OSMO, vec![hop(s.spice_pool, &s.spice.clone())])
            .unwrap();
        s.set_route(
            AKT,
            vec![hop(s.akt_pool, OSMO), hop(s.spice_pool, &s.spice.clone())],
        )
        .unwrap();
        advance_time(&mut s.app, 2 * WINDOW);
        s
    }

    /// Pools and contracts, no routes, no time elapsed.
    pub fn bare() -> Self {
        let mut app = osmosis_app();
        let api = app.api();
        let owner = api.addr_make("owner");
        let guardian = api.addr_make("guardian");
        let keeper = api.addr_make("keeper");
        let lp = api.addr_make("lp");
        let attacker = api.addr_make("attacker");
        let stranger = api.addr_make("stranger");

        let token_code = app.store_code(Box::new(ContractWrapper::new(
            spice_token::contract::execute,
            spice_token::contract::instantiate,
            spice_token::contract::query,
        )));
        let token_msg: spice_token::msg::InstantiateMsg = from_json(
            format!(
                r#"{{"name":"Spice","symbol":"SPICE","decimals":6,
                "initial_balances":[{{"address":"{lp}","amount":"1000000000000000"}}],
                "mint":null,"marketing":null,"owner":"{owner}","guardian":null,
                "native":{{"subdenom":"uspice","metadata":null}}}}"#
            )
            .as_bytes(),
        )
        .unwrap();
        let token = app
            .instantiate_contract(token_code, owner.clone(), &token_msg, &[], "spice", None)
            .unwrap();
        let spice = format!("factory/{token}/uspice");

        // The LP converts cw20 SPICE into native SPICE (so the token's ledger knows it) and
        // seeds the pools.
        app.execute_contract(
            lp.clone(),
            token.clone(),
            &spice_token::msg::ExecuteMsg::ConvertToNative {
                amount: Uint128::new(500_000_000_000_000),
                recipient: None,
            },
            &[],
        )
        .unwrap();
        fund(
            &mut app,
            &lp,
            vec![
                coin(10_000_000_000_000, OSMO),
                coin(10_000_000_000_000, AKT),
            ],
        )
        .unwrap();
        let spice_pool = create_balancer_pool(
            &mut app,
            &lp,
            &[
                (coin(SPICE_POOL_SIDE, OSMO), 1),
                (coin(SPICE_POOL_SIDE, &spice), 1),
            ],
            Decimal::permille(2),
        )
        .unwrap();
        let akt_pool = create_balancer_pool(
            &mut app,
            &lp,
            &[
                (coin(50_000_000_000, AKT), 1),
                (coin(100_000_000_000, OSMO), 1),
            ],
            Decimal::permille(2),
        )
        .unwrap();

        let code = app.store_code(Box::new(
            ContractWrapper::new(contract::execute, contract::instantiate, contract::query)
                .with_reply(contract::reply)
                .with_migrate(contract::migrate),
        ));
        let msg = InstantiateMsg {
            owner: Some(owner.to_string()),
            guardian: Some(guardian.to_string()),
            spice_token: token.to_string(),
            spice_denom: spice.clone(),
            twap_window_seconds: WINDOW,
            max_slippage: Decimal::percent(2),
            max_spot_deviation: Decimal::percent(3),
            keeper_bounty_bps: BOUNTY_BPS,
            cooldown_seconds: COOLDOWN,
            per_call_cap: Uint128::new(PER_CALL_CAP),
            epoch_cap: Uint128::new(EPOCH_CAP),
            epoch_seconds: EPOCH,
            min_swap: None,
        };
        let buyback = app
            .instantiate_contract(code, owner.clone(), &msg, &[], "buyback", None)
            .unwrap();
        Suite {
            app,
            token,
            buyback,
            spice,
            owner,
            guardian,
            keeper,
            lp,
            attacker,
            stranger,
            spice_pool,
            akt_pool,
        }
    }

    pub fn exec(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> anyhow::Result<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.buyback.clone(), msg, funds)
    }

    pub fn set_route(&mut self, denom: &str, hops: Vec<Hop>) -> anyhow::Result<AppResponse> {
        let owner = self.owner.clone();
        self.exec(
            &owner,
            &ExecuteMsg::SetRoute {
                denom: denom.to_string(),
                hops,
            },
            &[],
        )
    }

    pub fn update_config(&mut self, update: ConfigUpdate) -> anyhow::Result<AppResponse> {
        let owner = self.owner.clone();
        self.exec(&owner, &ExecuteMsg::UpdateConfig(update), &[])
    }

    /// Revenue arriving by a plain bank send.
    pub fn revenue(&mut self, amount: u128, denom: &str) {
        let from = self.app.api().addr_make("vault");
        fund(&mut self.app, &from, coins(amount, denom)).unwrap();
        self.app
            .send_tokens(from, self.buyback.clone(), &coins(amount, denom))
            .unwrap();
    }

    pub fn buyback_by(
        &mut self,
        keeper: &Addr,
        denom: &str,
        limit: Option<u128>,
    ) -> anyhow::Result<AppResponse> {
        self.exec(
            keeper,
            &ExecuteMsg::Buyback {
                denom: denom.to_string(),
                limit: limit.map(Uint128::new),
            },
            &[],
        )
    }

    pub fn buyback(&mut self, denom: &str, limit: Option<u128>) -> anyhow::Result<AppResponse> {
        let keeper = self.keeper.clone();
        self.buyback_by(&keeper, denom, limit)
    }

    pub fn advance(&mut self, seconds: u64) {
        advance_time(&mut self.app, seconds);
    }

    pub fn now(&self) -> u64 {
        self.app.block_info().time.seconds()
    }

    pub fn balance(&self, who: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(who, denom)
            .unwrap()
            .amount
            .u128()
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(&self.buyback, msg)
            .unwrap()
    }

    pub fn status(&self) -> StatusResponse {
        self.query(&QueryMsg::Status {
            start_after: None,
            limit: None,
        })
    }

    pub fn simulate(&self, denom: &str, limit: Option<u128>) -> SimulateBuybackResponse {
        self.query(&QueryMsg::SimulateBuyback {
            denom: denom.to_string(),
            limit: limit.map(Uint128::new),
        })
    }

    pub fn history(&self, start_after: Option<u64>, limit: Option<u32>) -> HistoryResponse {
        self.query(&QueryMsg::History { start_after, limit })
    }

    pub fn routes(&self, start_after: Option<&str>, limit: Option<u32>) -> RoutesResponse {
        self.query(&QueryMsg::Routes {
            start_after: start_after.map(str::to_string),
            limit,
        })
    }

    /// Native SPICE burned at the token, by its own accounting.
    pub fn burned_at_token(&self) -> u128 {
        let stats: spice_token::msg::BurnStatsResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.token, &spice_token::msg::QueryMsg::BurnStats {})
            .unwrap();
        stats.native.u128()
    }

    /// Swaps for an outside trader (the attacker, a naive holder), min out 1.
    pub fn trade(&mut self, who: &Addr, routes: &[(u64, &str)], token_in: Coin) -> u128 {
        fund(&mut self.app, who, vec![token_in.clone()]).unwrap();
        swap_exact_amount_in(&mut self.app, who, routes, token_in, Uint128::one())
            .unwrap()
            .u128()
    }

    /// Price of one SPICE in OSMO in the OSMO/SPICE pool, now.
    pub fn spice_price(&self) -> Decimal {
        spice_testing::spot_price(&self.app, self.spice_pool, &self.spice, OSMO).unwrap()
    }
}

/// The `wasm-spice.buyback.<action>` event's attribute.
pub fn event_attr(res: &AppResponse, action: &str, key: &str) -> String {
    let ty = format!("wasm-spice.buyback.{action}");
    res.events
        .iter()
        .find(|e| e.ty == ty)
        .unwrap_or_else(|| panic!("no event {ty} in {:?}", res.events))
        .attributes
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no attribute {key} in {ty}"))
        .value
        .clone()
}
