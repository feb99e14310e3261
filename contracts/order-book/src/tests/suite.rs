//! A `Suite` over cw-multi-test's `App` with real bank balances: the order book, the real
//! rollover-escrow (which refuses what it refuses on chain: a tenant as its own provider, bad
//! backups, denoms it does not take), a mock provider-incentives registry answering
//! `provider_audit`, tenants, providers and a keeper.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    coin, to_json_binary, Addr, Binary, Coin, Decimal, Deps, DepsMut, Empty, Env, MessageInfo,
    Response, StdResult, Uint128,
};
use cw_multi_test::{App, AppResponse, ContractWrapper, Executor};
use cw_storage_plus::Map;
use spice_types::{
    AuditedAttribute, BackupProvider, OpenLeaseMsg, ProviderAuditQuery, ProviderAuditResponse,
};

use crate::contract;
use crate::msg::{
    ConfigUpdate, DepthResponse, ExecuteMsg, InstantiateMsg, OffersResponse, OrdersResponse,
    QueryMsg,
};
use crate::spec::{Attribute, Capacity, Gpu, OrderSpec, Resources, SignedBy};
use crate::state::{Offer, Order, OrderStatus};
use crate::ContractError;

pub const AKT: &str = "uakt";
pub const USDC: &str = "uusdc";
pub const START: u128 = 1_000_000_000_000;
pub const RUNWAY: u64 = 100;
pub const GIB: u64 = 1 << 30;
/// The refundable deposit every offer locks in these tests (in OSMO, so the AKT books of
/// orders and leases stay separate from it).
pub const OFFER_DEPOSIT: u128 = 5_000_000;
pub const OSMO: &str = "uosmo";

pub fn offer_deposit() -> Coin {
    coin(OFFER_DEPOSIT, OSMO)
}

// ---------- the real rollover-escrow ----------

/// One lease the escrow opened, as the `open_lease` that opened it and the coins attached
/// (read back from the real escrow's `lease` query).
#[cw_serde]
pub struct LeaseRecord {
    pub msg: OpenLeaseMsg,
    pub funds: Vec<Coin>,
}

fn empty_inst(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

// ---------- mock provider-incentives registry ----------

#[cw_serde]
pub enum RegistryExec {
    SetAudit(ProviderAuditResponse),
}

const AUDITS: Map<&str, ProviderAuditResponse> = Map::new("audits");

fn registry_exec(deps: DepsMut, _: Env, _: MessageInfo, msg: RegistryExec) -> StdResult<Response> {
    let RegistryExec::SetAudit(audit) = msg;
    AUDITS.save(deps.storage, &audit.provider.clone(), &audit)?;
    Ok(Response::new())
}

fn registry_query(deps: Deps, _: Env, msg: ProviderAuditQuery) -> StdResult<Binary> {
    let ProviderAuditQuery::ProviderAudit { provider } = msg;
    let audit = AUDITS
        .may_load(deps.storage, &provider)?
        .unwrap_or(ProviderAuditResponse {
            provider,
            registered: false,
            tier: None,
            attributes: vec![],
        });
    to_json_binary(&audit)
}

// ---------- helpers ----------

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
        .filter(|e| e.ty == format!("wasm-spice.order_book.{ty}"))
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

pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn resources() -> Resources {
    Resources {
        cpu_millis: 1_000,
        memory_bytes: GIB,
        storage_bytes: 8 * GIB,
        gpu: Gpu::default(),
    }
}

/// One replica of 1 CPU, 1 GiB, 8 GiB storage, anywhere.
pub fn spec() -> OrderSpec {
    OrderSpec {
        resources: resources(),
        region: None,
        attributes: vec![],
        signed_by: SignedBy::default(),
    }
}

pub fn attrs(pairs: &[(&str, &str)]) -> Vec<Attribute> {
    pairs
        .iter()
        .map(|(k, v)| Attribute {
            key: k.to_string(),
            value: v.to_string(),
        })
        .collect()
}

/// Capacity of the same class as `spec()`, in `region`, with a couple of attributes.
pub fn capacity(region: &str) -> Capacity {
    Capacity {
        resources: resources(),
        region: Some(region.into()),
        attributes: attrs(&[("arch", "amd64"), ("tier", "community")]),
    }
}

pub struct Suite {
    pub app: App,
    pub book: Addr,
    pub escrow: Addr,
    pub registry: Addr,
    pub owner: Addr,
    pub guardian: Addr,
    pub tenant: Addr,
    pub tenant2: Addr,
    pub providers: Vec<Addr>,
    pub keeper: Addr,
    pub stranger: Addr,
    pub auditor: Addr,
    pub auditor2: Addr,
}

impl Suite {
    pub fn new() -> Self {
        Self::with(|_| {})
    }

    /// `tweak` edits the order book's instantiate message (the registry address is already set
    /// in `provider_registry`; set it to `None` to run without audits).
    pub fn with(tweak: impl FnOnce(&mut InstantiateMsg)) -> Self {
        let api = cosmwasm_std::testing::MockApi::default();
        let owner = api.addr_make("owner");
        let guardian = api.addr_make("guardian");
        let tenant = api.addr_make("tenant");
        let tenant2 = api.addr_make("tenant2");
        let providers: Vec<Addr> = (0..6).map(|i| api.addr_make(&format!("p{i}"))).collect();
        let keeper = api.addr_make("keeper");
        let stranger = api.addr_make("stranger");
        let auditor = api.addr_make("auditor");
        let auditor2 = api.addr_make("auditor2");
        let funded: Vec<Addr> = [&tenant, &tenant2, &stranger, &keeper]
            .into_iter()
            .cloned()
            .chain(providers.iter().cloned())
            .collect();
        let mut app = App::new(|router, _, storage| {
            for a in &funded {
                router
                    .bank
                    .init_balance(
                        storage,
                        a,
                        vec![coin(START, AKT), coin(START, USDC), coin(START, "uosmo")],
                    )
                    .unwrap();
            }
        });
        let book_code = app.store_code(Box::new(
            ContractWrapper::new(contract::execute, contract::instantiate, contract::query)
                .with_reply(contract::reply)
                .with_migrate(contract::migrate),
        ));
        let escrow_code = app.store_code(Box::new(ContractWrapper::new(
            rollover_escrow::contract::execute,
            rollover_escrow::contract::instantiate,
            rollover_escrow::contract::query,
        )));
        let registry_code = app.store_code(Box::new(ContractWrapper::new(
            registry_exec,
            empty_inst,
            registry_query,
        )));
        let escrow = app
            .instantiate_contract(
                escrow_code,
                owner.clone(),
                &rollover_escrow::msg::InstantiateMsg {
                    owner: Some(owner.to_string()),
                    guardian: None,
                    accepted_denoms: vec![AKT.into(), USDC.into()],
                    take_fee_bps: 100,
                    fee_collector: owner.to_string(),
                    grace_period_blocks: 600,
                    heartbeat_timeout_blocks: 100,
                    order_book: None,
                    keeper_bounty_bps: 10,
                    incentives: None,
                    min_sponsor_deposit: None,
                    monitors: None,
                    max_backups: None,
                    bond_slash_bps: None,
                },
                &[],
                "escrow",
                None,
            )
            .unwrap();
        let registry = app
            .instantiate_contract(registry_code, owner.clone(), &Empty {}, &[], "reg", None)
            .unwrap();
        let mut msg = InstantiateMsg {
            owner: Some(owner.to_string()),
            guardian: Some(guardian.to_string()),
            escrow: escrow.to_string(),
            accepted_denoms: vec![AKT.into(), USDC.into()],
            min_runway_blocks: RUNWAY,
            max_open_orders_per_tenant: 20,
            provider_registry: None,
            keeper_bounty_bps: None,
            max_open_offers_per_provider: None,
            offer_deposit: Some(offer_deposit()),
        };
        tweak(&mut msg);
        let book = app
            .instantiate_contract(book_code, owner.clone(), &msg, &[], "order-book", None)
            .unwrap();
        // The escrow opens leases for this book only.
        app.execute_contract(
            owner.clone(),
            escrow.clone(),
            &rollover_escrow::msg::ExecuteMsg::UpdateConfig(rollover_escrow::msg::ConfigUpdate {
                order_book: Some(book.to_string()),
                ..Default::default()
            }),
            &[],
        )
        .unwrap();
        Suite {
            app,
            book,
            escrow,
            registry,
            owner,
            guardian,
            tenant,
            tenant2,
            providers,
            keeper,
            stranger,
            auditor,
            auditor2,
        }
    }

    /// A book that requires audited providers, with every provider audited (tier 1) by
    /// `auditor` for `region=us-west`.
    pub fn with_registry() -> Self {
        let mut s = Self::new();
        let registry = s.registry.to_string();
        s.update_config(ConfigUpdate {
            provider_registry: Some(registry),
            ..Default::default()
        })
        .unwrap();
        for p in s.providers.clone() {
            let auditor = s.auditor.clone();
            s.set_audit(&p, true, Some(1), &[("region", "us-west", &auditor)]);
        }
        s
    }

    pub fn p(&self, i: usize) -> Addr {
        self.providers[i].clone()
    }

    pub fn exec(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> anyhow::Result<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.book.clone(), msg, funds)
    }

    pub fn update_config(&mut self, update: ConfigUpdate) -> anyhow::Result<AppResponse> {
        let owner = self.owner.clone();
        self.exec(&owner, &ExecuteMsg::UpdateConfig(update), &[])
    }

    pub fn set_audit(
        &mut self,
        provider: &Addr,
        registered: bool,
        tier: Option<u32>,
        signed: &[(&str, &str, &Addr)],
    ) {
        let audit = ProviderAuditResponse {
            provider: provider.to_string(),
            registered,
            tier,
            attributes: signed
                .iter()
                .map(|(k, v, a)| AuditedAttribute {
                    key: k.to_string(),
                    value: v.to_string(),
                    auditor: a.to_string(),
                })
                .collect(),
        };
        self.app
            .execute_contract(
                self.owner.clone(),
                self.registry.clone(),
                &RegistryExec::SetAudit(audit),
                &[],
            )
            .unwrap();
    }

    pub fn place_msg(spec: OrderSpec, price: &str, replicas: u32) -> ExecuteMsg {
        ExecuteMsg::PlaceOrder {
            spec,
            max_price_per_block: dec(price),
            denom: AKT.into(),
            expires_at: None,
            replicas,
        }
    }

    /// Places an order with exactly the least deposit; returns its id.
    pub fn place(&mut self, tenant: &Addr, spec: OrderSpec, price: &str, replicas: u32) -> u64 {
        let deposit = self.needed(price, replicas);
        self.place_paying(tenant, spec, price, replicas, deposit)
    }

    pub fn place_paying(
        &mut self,
        tenant: &Addr,
        spec: OrderSpec,
        price: &str,
        replicas: u32,
        deposit: u128,
    ) -> u64 {
        let res = self
            .exec(
                tenant,
                &Self::place_msg(spec, price, replicas),
                &[coin(deposit, AKT)],
            )
            .unwrap();
        attr(ev(&res, "place_order")[0], "order_id")
            .parse()
            .unwrap()
    }

    /// The least deposit, by the contract's formula restated:
    /// max(ceil(RUNWAY × price × replicas), replicas).
    pub fn needed(&self, price: &str, replicas: u32) -> u128 {
        Uint128::from(RUNWAY * replicas as u64)
            .mul_ceil(dec(price))
            .u128()
            .max(replicas as u128)
    }

    pub fn post_msg(capacity: Capacity, price: &str, units: u32) -> ExecuteMsg {
        ExecuteMsg::PostOffer {
            spec_capacity: capacity,
            price_per_block: dec(price),
            denom: AKT.into(),
            units,
            expires_at: None,
        }
    }

    /// Posts an offer with the configured deposit attached; returns its id.
    pub fn post(&mut self, provider: &Addr, capacity: Capacity, price: &str, units: u32) -> u64 {
        let res = self
            .exec(
                provider,
                &Self::post_msg(capacity, price, units),
                &self.deposit_funds(),
            )
            .unwrap();
        attr(ev(&res, "post_offer")[0], "offer_id").parse().unwrap()
    }

    /// The coins `post_offer` must carry under the book's current config.
    pub fn deposit_funds(&self) -> Vec<Coin> {
        let c: crate::state::Config = self
            .app
            .wrap()
            .query_wasm_smart(&self.book, &QueryMsg::Config {})
            .unwrap();
        c.offer_deposit.into_iter().collect()
    }

    pub fn match_orders(&mut self, limit: u32) -> AppResponse {
        let keeper = self.keeper.clone();
        self.exec(
            &keeper,
            &ExecuteMsg::MatchOrders { limit: Some(limit) },
            &[],
        )
        .unwrap()
    }

    pub fn fill(
        &mut self,
        sender: &Addr,
        order_id: u64,
        offer_id: Option<u64>,
    ) -> anyhow::Result<AppResponse> {
        self.exec(sender, &ExecuteMsg::FillOrder { order_id, offer_id }, &[])
    }

    pub fn expire(&mut self, limit: Option<u32>) -> anyhow::Result<AppResponse> {
        let stranger = self.stranger.clone();
        self.exec(&stranger, &ExecuteMsg::ExpireOrders { limit }, &[])
    }

    pub fn advance(&mut self, blocks: u64) {
        self.app.update_block(|b| {
            b.height += blocks;
            b.time = b.time.plus_seconds(6 * blocks);
        });
    }

    pub fn height(&self) -> u64 {
        self.app.block_info().height
    }

    pub fn order(&self, order_id: u64) -> Order {
        self.app
            .wrap()
            .query_wasm_smart(&self.book, &QueryMsg::Order { order_id })
            .unwrap()
    }

    pub fn offer(&self, offer_id: u64) -> Offer {
        self.app
            .wrap()
            .query_wasm_smart(&self.book, &QueryMsg::Offer { offer_id })
            .unwrap()
    }

    pub fn orders(
        &self,
        tenant: Option<&Addr>,
        status: Option<OrderStatus>,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Vec<Order> {
        let r: OrdersResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.book,
                &QueryMsg::Orders {
                    tenant: tenant.map(|t| t.to_string()),
                    status,
                    start_after,
                    limit,
                },
            )
            .unwrap();
        r.orders
    }

    pub fn offers(&self, provider: Option<&Addr>, limit: Option<u32>) -> Vec<Offer> {
        let r: OffersResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.book,
                &QueryMsg::Offers {
                    provider: provider.map(|p| p.to_string()),
                    start_after: None,
                    limit,
                },
            )
            .unwrap();
        r.offers
    }

    pub fn depth(&self, class: &str, limit: Option<u32>) -> DepthResponse {
        self.app
            .wrap()
            .query_wasm_smart(
                &self.book,
                &QueryMsg::Depth {
                    resource_class: class.into(),
                    denom: AKT.into(),
                    limit,
                },
            )
            .unwrap()
    }

    /// Every lease the escrow opened, in order, as the `open_lease` that opened it.
    pub fn leases(&self) -> Vec<LeaseRecord> {
        let mut out = vec![];
        for lease_id in 1.. {
            let Ok(l) = self
                .app
                .wrap()
                .query_wasm_smart::<rollover_escrow::msg::LeaseResponse>(
                    &self.escrow,
                    &rollover_escrow::msg::QueryMsg::Lease { lease_id },
                )
            else {
                return out;
            };
            out.push(LeaseRecord {
                msg: OpenLeaseMsg {
                    tenant: Some(l.tenant.to_string()),
                    provider: l.provider.to_string(),
                    price_per_block: l.price_per_block,
                    denom: l.denom.clone(),
                    backups: l
                        .backups
                        .iter()
                        .map(|b| BackupProvider {
                            provider: b.provider.to_string(),
                            price_per_block: b.price_per_block,
                        })
                        .collect(),
                    spec_ref: l.spec_ref,
                    order_id: l.order_id,
                },
                funds: vec![coin(l.total_deposited.u128(), &l.denom)],
            });
        }
        out
    }

    pub fn balance(&self, who: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(who, denom)
            .unwrap()
            .amount
            .u128()
    }
}
