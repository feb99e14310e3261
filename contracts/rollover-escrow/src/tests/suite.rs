//! A `Suite` over cw-multi-test's `App` with real bank balances: the escrow, a tenant, providers,
//! a monitor, a keeper, the order book, and (on demand) a mock provider-incentives contract that
//! records every hook it receives.

use cosmwasm_std::{
    coin, coins, to_json_binary, Addr, Binary, Coin, Decimal, Deps, DepsMut, Empty, Env,
    MessageInfo, Response, StdResult, Uint128,
};
use cw_multi_test::{App, AppResponse, ContractWrapper, Executor};
use cw_storage_plus::Item;
use spice_types::{BackupProvider, IncentivesHookMsg, OpenLeaseMsg};

use crate::contract;
use crate::msg::{
    ConfigUpdate, ExecuteMsg, GrantResponse, InstantiateMsg, LeaseResponse, LeasesResponse,
    QueryMsg, ThresholdResponse,
};
use crate::ContractError;

pub const AKT: &str = "uakt";
pub const USDC: &str = "uusdc";
pub const GRACE: u64 = 50;
pub const HEARTBEAT_TIMEOUT: u64 = 20;
/// Silence after which a provider counts as failed: `MISSED_INTERVALS` heartbeat intervals.
pub const HEARTBEAT_WINDOW: u64 = HEARTBEAT_TIMEOUT * crate::execute::health::MISSED_INTERVALS;
pub const START: u128 = 1_000_000_000;

pub struct Suite {
    pub app: App,
    pub escrow: Addr,
    pub owner: Addr,
    pub guardian: Addr,
    pub tenant: Addr,
    pub provider: Addr,
    pub backup1: Addr,
    pub backup2: Addr,
    pub monitor: Addr,
    pub keeper: Addr,
    pub sponsor: Addr,
    pub stranger: Addr,
    pub fee_collector: Addr,
    pub order_book: Addr,
}

const HOOKS: Item<Vec<IncentivesHookMsg>> = Item::new("hooks");

fn mock_incentives_exec(
    deps: DepsMut,
    _: Env,
    _: MessageInfo,
    msg: IncentivesHookMsg,
) -> StdResult<Response> {
    let mut all = HOOKS.may_load(deps.storage)?.unwrap_or_default();
    all.push(msg);
    HOOKS.save(deps.storage, &all)?;
    Ok(Response::new())
}

fn mock_incentives_inst(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

fn mock_incentives_query(deps: Deps, _: Env, _: Empty) -> StdResult<Binary> {
    to_json_binary(&HOOKS.may_load(deps.storage)?.unwrap_or_default())
}

pub fn backup(provider: &Addr, price: &str) -> BackupProvider {
    BackupProvider {
        provider: provider.to_string(),
        price_per_block: price.parse().unwrap(),
    }
}

/// The contract error inside a multi-test error.
pub fn cerr(e: &anyhow::Error) -> &ContractError {
    e.downcast_ref::<ContractError>()
        .or_else(|| e.root_cause().downcast_ref::<ContractError>())
        .unwrap_or_else(|| panic!("not a ContractError: {e:?}"))
}

/// The message failed with exactly `expected`.
#[track_caller]
pub fn assert_err(res: anyhow::Result<AppResponse>, expected: ContractError) {
    let e = res.expect_err("expected the message to fail");
    assert_eq!(cerr(&e), &expected);
}

pub fn ev<'a>(res: &'a AppResponse, ty: &str) -> Vec<&'a cosmwasm_std::Event> {
    res.events
        .iter()
        .filter(|e| e.ty == format!("wasm-{ty}"))
        .collect()
}

pub fn attr(e: &cosmwasm_std::Event, key: &str) -> String {
    e.attributes
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no {key} in {e:?}"))
        .value
        .clone()
}

impl Suite {
    pub fn new() -> Self {
        Self::with(|_| {})
    }

    pub fn with(tweak: impl FnOnce(&mut InstantiateMsg)) -> Self {
        let api = cosmwasm_std::testing::MockApi::default();
        let owner = api.addr_make("owner");
        let guardian = api.addr_make("guardian");
        let tenant = api.addr_make("tenant");
        let provider = api.addr_make("provider");
        let backup1 = api.addr_make("backup1");
        let backup2 = api.addr_make("backup2");
        let monitor = api.addr_make("monitor");
        let keeper = api.addr_make("keeper");
        let sponsor = api.addr_make("sponsor");
        let stranger = api.addr_make("stranger");
        let fee_collector = api.addr_make("fee_collector");
        let order_book = api.addr_make("order_book");
        let funded = [
            &tenant,
            &provider,
            &backup1,
            &backup2,
            &sponsor,
            &stranger,
            &order_book,
            &monitor,
        ]
        .map(|a| a.clone());
        let mut app = App::new(|router, _, storage| {
            for a in &funded {
                router
                    .bank
                    .init_balance(
                        storage,
                        a,
                        vec![coin(START, AKT), coin(START, USDC), coin(START, "uatom")],
                    )
                    .unwrap();
            }
        });
        let code = app.store_code(Box::new(
            ContractWrapper::new(contract::execute, contract::instantiate, contract::query)
                .with_migrate(contract::migrate)
                .with_reply(contract::reply),
        ));
        let mut msg = InstantiateMsg {
            owner: Some(owner.to_string()),
            guardian: Some(guardian.to_string()),
            accepted_denoms: vec![AKT.into(), USDC.into()],
            take_fee_bps: 100,
            fee_collector: fee_collector.to_string(),
            grace_period_blocks: GRACE,
            heartbeat_timeout_blocks: HEARTBEAT_TIMEOUT,
            order_book: Some(order_book.to_string()),
            keeper_bounty_bps: 100,
            incentives: None,
            monitors: Some(vec![monitor.to_string()]),
            max_backups: Some(3),
            bond_slash_bps: Some(5_000),
            min_sponsor_deposit: Some(Uint128::one()),
        };
        tweak(&mut msg);
        let escrow = app
            .instantiate_contract(code, owner.clone(), &msg, &[], "escrow", None)
            .unwrap();
        Suite {
            app,
            escrow,
            owner,
            guardian,
            tenant,
            provider,
            backup1,
            backup2,
            monitor,
            keeper,
            sponsor,
            stranger,
            fee_collector,
            order_book,
        }
    }

    /// Deploys a mock provider-incentives and points the escrow at it.
    pub fn with_incentives(&mut self) -> Addr {
        let code = self.app.store_code(Box::new(ContractWrapper::new(
            mock_incentives_exec,
            mock_incentives_inst,
            mock_incentives_query,
        )));
        let addr = self
            .app
            .instantiate_contract(code, self.owner.clone(), &Empty {}, &[], "inc", None)
            .unwrap();
        self.exec(
            &self.owner.clone(),
            &ExecuteMsg::UpdateConfig(ConfigUpdate {
                incentives: Some(addr.to_string()),
                ..Default::default()
            }),
            &[],
        )
        .unwrap();
        addr
    }

    /// Deploys a provider-incentives stand-in that refuses every hook, and points the escrow at it.
    pub fn with_failing_incentives(&mut self) -> Addr {
        let code = self.app.store_code(Box::new(ContractWrapper::new(
            |_: DepsMut, _: Env, _: MessageInfo, _: IncentivesHookMsg| -> StdResult<Response> {
                Err(cosmwasm_std::StdError::generic_err("incentives refuses"))
            },
            mock_incentives_inst,
            mock_incentives_query,
        )));
        let addr = self
            .app
            .instantiate_contract(code, self.owner.clone(), &Empty {}, &[], "inc", None)
            .unwrap();
        self.exec(
            &self.owner.clone(),
            &ExecuteMsg::UpdateConfig(ConfigUpdate {
                incentives: Some(addr.to_string()),
                ..Default::default()
            }),
            &[],
        )
        .unwrap();
        addr
    }

    pub fn hooks(&self, incentives: &Addr) -> Vec<IncentivesHookMsg> {
        self.app
            .wrap()
            .query_wasm_smart(incentives, &Empty {})
            .unwrap()
    }

    pub fn height(&self) -> u64 {
        self.app.block_info().height
    }

    pub fn advance(&mut self, blocks: u64) {
        self.app.update_block(|b| {
            b.height += blocks;
            b.time = b.time.plus_seconds(5 * blocks);
        });
    }

    /// Advances `blocks`, with the provider and both backups heartbeating (`heartbeat {}`) every
    /// heartbeat interval, as live providers do.
    pub fn advance_live(&mut self, blocks: u64) {
        let mut left = blocks;
        while left > 0 {
            let step = left.min(HEARTBEAT_TIMEOUT);
            self.advance(step);
            left -= step;
            for p in [
                self.provider.clone(),
                self.backup1.clone(),
                self.backup2.clone(),
            ] {
                self.exec(&p, &ExecuteMsg::Heartbeat { lease_id: None }, &[])
                    .unwrap();
            }
        }
    }

    pub fn exec(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> anyhow::Result<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.escrow.clone(), msg, funds)
    }

    /// Runs `msg` and returns the contract's error (panics if it succeeds).
    pub fn err(&mut self, sender: &Addr, msg: &ExecuteMsg, funds: &[Coin]) -> anyhow::Error {
        self.exec(sender, msg, funds)
            .expect_err("expected the message to fail")
    }

    pub fn open_msg(&self, price: &str, backups: Vec<BackupProvider>) -> OpenLeaseMsg {
        OpenLeaseMsg {
            tenant: None,
            provider: self.provider.to_string(),
            price_per_block: price.parse::<Decimal>().unwrap(),
            denom: AKT.into(),
            backups,
            spec_ref: Some("sdl-hash".into()),
            order_id: None,
        }
    }

    /// Tenant opens a lease; the provider accepts, and so does every backup (`accept_backup`).
    /// Returns its id.
    pub fn open_active(&mut self, price: &str, deposit: u128, backups: Vec<BackupProvider>) -> u64 {
        let names: Vec<Addr> = backups
            .iter()
            .map(|b| Addr::unchecked(b.provider.clone()))
            .collect();
        let id = self.open_active_unaccepted(price, deposit, backups);
        for b in names {
            self.exec(&b, &ExecuteMsg::AcceptBackup { lease_id: id }, &[])
                .unwrap();
        }
        id
    }

    /// Like `open_active`, but no backup has accepted yet.
    pub fn open_active_unaccepted(
        &mut self,
        price: &str,
        deposit: u128,
        backups: Vec<BackupProvider>,
    ) -> u64 {
        let msg = self.open_msg(price, backups);
        let tenant = self.tenant.clone();
        let res = self
            .exec(&tenant, &ExecuteMsg::OpenLease(msg), &coins(deposit, AKT))
            .unwrap();
        let id: u64 = attr(ev(&res, "spice.escrow.open_lease")[0], "lease_id")
            .parse()
            .unwrap();
        let provider = self.provider.clone();
        self.exec(&provider, &ExecuteMsg::AcceptLease { lease_id: id }, &[])
            .unwrap();
        id
    }

    pub fn lease(&self, lease_id: u64) -> LeaseResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.escrow, &QueryMsg::Lease { lease_id })
            .unwrap()
    }

    pub fn query<T: cosmwasm_schema::serde::de::DeserializeOwned>(&self, q: &QueryMsg) -> T {
        self.app.wrap().query_wasm_smart(&self.escrow, q).unwrap()
    }

    pub fn leases_by_tenant(&self, start_after: Option<u64>, limit: Option<u32>) -> LeasesResponse {
        self.query(&QueryMsg::LeasesByTenant {
            tenant: self.tenant.to_string(),
            start_after,
            limit,
        })
    }

    pub fn below(
        &self,
        runway: u64,
        start_after: Option<(u64, u64)>,
        limit: Option<u32>,
    ) -> ThresholdResponse {
        self.query(&QueryMsg::LeasesBelowThreshold {
            runway_blocks: runway,
            start_after,
            limit,
        })
    }

    pub fn grant_info(&self, granter: &Addr, grantee: &Addr) -> GrantResponse {
        self.query(&QueryMsg::Grant {
            granter: granter.to_string(),
            grantee: grantee.to_string(),
        })
    }

    pub fn bank(&self, who: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(who, denom)
            .unwrap()
            .amount
            .u128()
    }

    pub fn prefunded(&self, who: &Addr, denom: &str) -> Uint128 {
        let r: crate::msg::BalanceResponse = self.query(&QueryMsg::Balance {
            owner: who.to_string(),
            denom: denom.to_string(),
        });
        r.amount
    }
}
