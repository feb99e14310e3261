//! The suite-level world the authorization, pause and bad-input tests share: the six contracts
//! deployed and wired by `spice_suite::deploy` on the emulated Osmosis chain, with one live
//! resource of every kind (an allowance, routes, a staked operator strategy, a recorded LP
//! position, a finalized incentive epoch, an open order and a compatible offer, an active lease
//! with a backup, a pending lease, a prefunded balance and a grant), so each message has
//! something real to act on. Building a world takes a few milliseconds, so every case gets its
//! own and no case can leak state into another.

// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Debug;

use anyhow::Result as AnyResult;
use cosmwasm_std::{
    Addr, Binary, Coin, Decimal, Deps, DepsMut, Env, MessageInfo, Order, Response, StdResult,
    Uint128, coin, coins, to_json_binary,
};
use cw_multi_test::{AppResponse, ContractWrapper, Executor};
use serde::Serialize;
use spice_suite::flows::{self, AKASH_CHANNEL, Pools};
use spice_suite::{AKT_DENOM, OSMO_DENOM, Roles, SuiteContracts, deploy};
use spice_testing::{OsmosisApp, advance_time, create_cl_position, fund, osmosis_app, relay_ack};

pub use buyback_burn::msg::ExecuteMsg as BuybackMsg;
pub use order_book::msg::ExecuteMsg as BookMsg;
pub use provider_incentives::msg::ExecuteMsg as IncentivesMsg;
pub use rollover_escrow::msg::ExecuteMsg as EscrowMsg;
pub use spice_token::msg::ExecuteMsg as TokenMsg;
pub use staking_vault::msg::ExecuteMsg as VaultMsg;

/// The six contracts by the names their schema directories carry.
pub const CONTRACTS: [&str; 6] = [
    "spice-token",
    "staking-vault",
    "buyback-burn",
    "provider-incentives",
    "order-book",
    "rollover-escrow",
];

/// Price per block of the world's active lease and deposit it was opened with.
pub const LEASE_PRICE: u128 = 100;
pub const LEASE_DEPOSIT: u128 = 10_000_000;
/// The treasury's cw20 allowance to `spender`.
pub const ALLOWANCE: u128 = 1_000_000_000;
/// The sponsor's prefunded escrow balance and its grant to the tenant.
pub const SPONSOR_BALANCE: u128 = 1_000_000;
pub const GRANT_LIMIT: u128 = 500_000;
/// What the vault's operator received over IBC, and how much of it it confirmed delegated.
pub const SENT_TO_OPERATOR: u128 = 2_000_000;
pub const CONFIRMED_DELEGATED: u128 = 1_000_000;

/// A valid transaction hash for operator reports, distinct per `n`.
pub fn tx_hash(n: u64) -> String {
    format!("{n:064X}")
}

pub struct World {
    pub app: OsmosisApp,
    pub roles: Roles,
    pub suite: SuiteContracts,
    pub pools: Pools,
    /// A fresh account with no role and no resource.
    pub stranger: Addr,
    pub keeper: Addr,
    /// Holds the treasury's cw20 allowance.
    pub spender: Addr,
    pub tenant: Addr,
    /// Registered and audited in provider-incentives; serves `lease`, owns `offer`, earned in
    /// `epoch`.
    pub provider: Addr,
    /// Registered and audited; the standby of `lease`.
    pub backup: Addr,
    /// Prefunded an escrow balance and granted the tenant part of it.
    pub sponsor: Addr,
    pub lease: u64,
    pub pending_lease: u64,
    pub order: u64,
    pub offer: u64,
    /// Finalized, in its dispute window; the provider earned in it.
    pub epoch: u64,
    pub lp_position: u64,
    sink: Option<Addr>,
}

impl World {
    pub fn new() -> Self {
        Self::build().expect("the world builds")
    }

    fn build() -> AnyResult<Self> {
        let mut app = osmosis_app();
        let roles = Roles::new(&app);
        let suite = deploy(&mut app, &roles)?;
        let api = app.api();
        let stranger = api.addr_make("stranger");
        let keeper = api.addr_make("keeper");
        let spender = api.addr_make("spender");
        let tenant = api.addr_make("tenant");
        let provider = api.addr_make("provider");
        let backup = api.addr_make("backup");
        let sponsor = api.addr_make("sponsor");
        let mut w = World {
            app,
            roles,
            suite,
            pools: Pools {
                osmo_akt: 0,
                spice_osmo: 0,
            },
            stranger,
            keeper,
            spender,
            tenant,
            provider,
            backup,
            sponsor,
            lease: 0,
            pending_lease: 0,
            order: 0,
            offer: 0,
            epoch: 0,
            lp_position: 0,
            sink: None,
        };
        w.incentive_epoch()?;
        // Pools after the epoch's week, so their TWAP history covers the present.
        let economy = flows::spice_economy(&mut w.app, &w.suite, &w.roles)?;
        let market = flows::osmo_akt_market(&mut w.app, &w.roles.treasury)?;
        w.pools = Pools {
            osmo_akt: market.pool_id,
            spice_osmo: economy.spice_osmo_pool_id,
        };
        w.token_allowance()?;
        w.vault_operator_strategy()?;
        w.buyback_route()?;
        w.escrow_leases_and_grants()?;
        w.book_order_and_offer()?;
        Ok(w)
    }

    /// Both providers register and are audited; the provider serves a lease whose settlement
    /// counts in the current epoch; the epoch is funded, ends, and is finalized.
    fn incentive_epoch(&mut self) -> AnyResult<()> {
        let (provider, backup, auditor) = (
            self.provider.clone(),
            self.backup.clone(),
            self.roles.auditor.clone(),
        );
        for (who, name) in [(&provider, "provider"), (&backup, "backup")] {
            self.exec(
                who,
                &self.incentives(),
                &IncentivesMsg::RegisterProvider {
                    info: provider_incentives::state::ProviderInfo {
                        moniker: name.into(),
                        host_uri: format!("https://{name}.example:8443"),
                    },
                },
                &[],
            )?;
            self.exec(
                &auditor,
                &self.incentives(),
                &IncentivesMsg::AuditProvider {
                    provider: who.to_string(),
                    tier: 1,
                    attributes: vec![provider_incentives::msg::AttributeInput {
                        key: "gpu".into(),
                        value: "a100".into(),
                    }],
                },
                &[],
            )?;
        }
        self.epoch = self.current_epoch();
        let early = self.app.api().addr_make("early_tenant");
        self.give(&early, coins(5_000_000, AKT_DENOM));
        self.exec(
            &early,
            &self.escrow(),
            &EscrowMsg::OpenLease(spice_types::OpenLeaseMsg {
                tenant: None,
                provider: provider.to_string(),
                price_per_block: Decimal::percent(1_000),
                denom: AKT_DENOM.into(),
                backups: vec![],
                spec_ref: None,
                order_id: None,
            }),
            &coins(5_000_000, AKT_DENOM),
        )?;
        let early_lease = self.newest_lease_of(&early);
        self.exec(
            &provider,
            &self.escrow(),
            &EscrowMsg::AcceptLease {
                lease_id: early_lease,
            },
            &[],
        )?;
        self.advance_blocks(200);
        self.exec(
            &provider,
            &self.escrow(),
            &EscrowMsg::Withdraw {
                lease_id: early_lease,
            },
            &[],
        )?;
        self.exec(
            &early,
            &self.escrow(),
            &EscrowMsg::CloseLease {
                lease_id: early_lease,
                reason: 1,
            },
            &[],
        )?;
        // Two of the three oracles (the deployed quorum) report the provider's utilization, so
        // it has weight whatever the escrow's hook reports.
        for oracle in self.roles.oracles.clone().iter().take(2) {
            self.exec(
                oracle,
                &self.incentives(),
                &IncentivesMsg::SubmitReport {
                    epoch: self.epoch,
                    entries: vec![provider_incentives::msg::ReportEntry {
                        provider: provider.to_string(),
                        utilization_units: Uint128::new(2_000),
                    }],
                },
                &[],
            )?;
        }
        let treasury = self.roles.treasury.clone();
        self.give(&treasury, coins(7_000_000_000, OSMO_DENOM));
        self.exec(
            &treasury,
            &self.incentives(),
            &IncentivesMsg::Fund {
                epoch: Some(self.epoch),
            },
            &coins(7_000_000_000, OSMO_DENOM),
        )?;
        let closes = self
            .epoch_info(self.epoch)
            .report_window_closes_at
            .seconds();
        let now = self.app.block_info().time.seconds();
        advance_time(&mut self.app, closes - now + 1);
        for e in 0..=self.epoch {
            self.exec(
                &treasury,
                &self.incentives(),
                &IncentivesMsg::FinalizeEpoch { epoch: e },
                &[],
            )?;
        }
        Ok(())
    }

    fn token_allowance(&mut self) -> AnyResult<()> {
        let treasury = self.roles.treasury.clone();
        self.exec(
            &treasury,
            &self.token(),
            &TokenMsg::IncreaseAllowance {
                spender: self.spender.to_string(),
                amount: Uint128::new(ALLOWANCE),
                expires: None,
            },
            &[],
        )?;
        Ok(())
    }

    /// OSMO proceeds route to AKT; the operator strategy has AKT staked and more at the operator
    /// waiting to be confirmed; a concentrated-liquidity position of the vault is recorded.
    fn vault_operator_strategy(&mut self) -> AnyResult<()> {
        use staking_vault::msg::StrategyMsg;
        use staking_vault::state::Hop;
        let owner = self.roles.owner.clone();
        self.exec(
            &owner,
            &self.vault(),
            &VaultMsg::SetRoute {
                denom: OSMO_DENOM.into(),
                hops: vec![Hop {
                    pool_id: self.pools.osmo_akt,
                    token_out_denom: AKT_DENOM.into(),
                }],
            },
            &[],
        )?;
        self.exec(
            &owner,
            &self.vault(),
            &VaultMsg::SetStrategy {
                strategy: StrategyMsg::Operator {
                    operator: self.roles.operator.to_string(),
                    channel: AKASH_CHANNEL.into(),
                    delegation_address: "akash1q7spgzqdk5tt8ykcalcn3wmh4fqx6aqvnnyk5h".into(),
                    max_daily_outflow: Uint128::new(1_000_000_000),
                    max_apr: Decimal::percent(20),
                    transfer_timeout_seconds: 600,
                },
            },
            &[],
        )?;
        let treasury = self.roles.treasury.clone();
        self.give(&treasury, coins(SENT_TO_OPERATOR, AKT_DENOM));
        self.exec(
            &treasury,
            &self.vault(),
            &VaultMsg::Deposit {},
            &coins(SENT_TO_OPERATOR, AKT_DENOM),
        )?;
        let keeper = self.keeper.clone();
        self.exec(&keeper, &self.vault(), &VaultMsg::Stake {}, &[])?;
        relay_ack(&mut self.app, AKASH_CHANNEL, 1)?;
        let operator = self.roles.operator.clone();
        self.exec(
            &operator,
            &self.vault(),
            &VaultMsg::ConfirmDelegation {
                amount: Uint128::new(CONFIRMED_DELEGATED),
                tx_hash: tx_hash(1),
            },
            &[],
        )?;
        let vault = self.vault();
        self.lp_position = create_cl_position(&mut self.app, &vault, self.pools.osmo_akt)?;
        self.exec(
            &owner,
            &self.vault(),
            &VaultMsg::AddLpPosition {
                position_id: self.lp_position,
            },
            &[],
        )?;
        Ok(())
    }

    /// AKT revenue buys SPICE through AKT → OSMO → SPICE. No revenue is waiting yet.
    fn buyback_route(&mut self) -> AnyResult<()> {
        use buyback_burn::state::Hop;
        let owner = self.roles.owner.clone();
        self.exec(
            &owner,
            &self.buyback(),
            &BuybackMsg::SetRoute {
                denom: AKT_DENOM.into(),
                hops: vec![
                    Hop {
                        pool_id: self.pools.osmo_akt,
                        token_out_denom: OSMO_DENOM.into(),
                    },
                    Hop {
                        pool_id: self.pools.spice_osmo,
                        token_out_denom: self.suite.spice_denom(),
                    },
                ],
            },
            &[],
        )?;
        Ok(())
    }

    fn escrow_leases_and_grants(&mut self) -> AnyResult<()> {
        let (tenant, provider, sponsor) = (
            self.tenant.clone(),
            self.provider.clone(),
            self.sponsor.clone(),
        );
        self.give(&tenant, coins(LEASE_DEPOSIT + 1_000_000, AKT_DENOM));
        self.exec(
            &tenant,
            &self.escrow(),
            &EscrowMsg::OpenLease(self.lease_msg(&provider, true)),
            &coins(LEASE_DEPOSIT, AKT_DENOM),
        )?;
        self.lease = self.newest_lease_of(&tenant);
        self.exec(
            &provider,
            &self.escrow(),
            &EscrowMsg::AcceptLease {
                lease_id: self.lease,
            },
            &[],
        )?;
        self.exec(
            &tenant,
            &self.escrow(),
            &EscrowMsg::OpenLease(self.lease_msg(&provider, false)),
            &coins(1_000_000, AKT_DENOM),
        )?;
        self.pending_lease = self.newest_lease_of(&tenant);
        self.give(&sponsor, coins(SPONSOR_BALANCE, AKT_DENOM));
        self.exec(
            &sponsor,
            &self.escrow(),
            &EscrowMsg::FundBalance {},
            &coins(SPONSOR_BALANCE, AKT_DENOM),
        )?;
        self.exec(
            &sponsor,
            &self.escrow(),
            &EscrowMsg::Grant {
                grantee: tenant.to_string(),
                spend_limit: coin(GRANT_LIMIT, AKT_DENOM),
                expiration: None,
            },
            &[],
        )?;
        // Some blocks of service, so the provider has earnings to withdraw.
        self.advance_blocks(10);
        Ok(())
    }

    /// An open lease request of the tenant with the provider, with the backup on standby.
    pub fn lease_msg(&self, provider: &Addr, with_backup: bool) -> spice_types::OpenLeaseMsg {
        spice_types::OpenLeaseMsg {
            tenant: None,
            provider: provider.to_string(),
            price_per_block: Decimal::from_ratio(LEASE_PRICE, 1u128),
            denom: AKT_DENOM.into(),
            backups: if with_backup {
                vec![spice_types::BackupProvider {
                    provider: self.backup.to_string(),
                    price_per_block: Decimal::from_ratio(LEASE_PRICE + 20, 1u128),
                }]
            } else {
                vec![]
            },
            spec_ref: Some("gpu-a100-x1".into()),
            order_id: None,
        }
    }

    /// The tenant's order and the provider's compatible offer, both waiting in the match queue.
    fn book_order_and_offer(&mut self) -> AnyResult<()> {
        let (tenant, provider) = (self.tenant.clone(), self.provider.clone());
        self.give(&tenant, coins(100_000, AKT_DENOM));
        self.exec(
            &tenant,
            &self.book(),
            &order_msg(Decimal::one()),
            &coins(100_000, AKT_DENOM),
        )?;
        self.order = self.newest_order();
        self.exec(
            &provider,
            &self.book(),
            &offer_msg(Decimal::percent(50)),
            &[],
        )?;
        self.offer = self.newest_offer();
        Ok(())
    }

    // ---------- addresses ----------

    pub fn token(&self) -> Addr {
        self.suite.spice_token.address.clone()
    }
    pub fn vault(&self) -> Addr {
        self.suite.staking_vault.address.clone()
    }
    pub fn buyback(&self) -> Addr {
        self.suite.buyback_burn.address.clone()
    }
    pub fn incentives(&self) -> Addr {
        self.suite.provider_incentives.address.clone()
    }
    pub fn book(&self) -> Addr {
        self.suite.order_book.address.clone()
    }
    pub fn escrow(&self) -> Addr {
        self.suite.rollover_escrow.address.clone()
    }
    /// A contract's address by its schema name.
    pub fn contract(&self, name: &str) -> Addr {
        match name {
            "spice-token" => self.token(),
            "staking-vault" => self.vault(),
            "buyback-burn" => self.buyback(),
            "provider-incentives" => self.incentives(),
            "order-book" => self.book(),
            "rollover-escrow" => self.escrow(),
            other => panic!("no contract named {other}"),
        }
    }
    pub fn spice(&self) -> String {
        self.suite.spice_denom()
    }
    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    /// A contract that accepts any execute message: the receiver of cw20 `send`s.
    pub fn sink(&mut self) -> Addr {
        if let Some(sink) = &self.sink {
            return sink.clone();
        }
        let code = self.app.store_code(Box::new(ContractWrapper::new(
            sink_execute,
            sink_instantiate,
            sink_query,
        )));
        let owner = self.roles.owner.clone();
        let sink = self
            .app
            .instantiate_contract(code, owner, &serde_json::json!({}), &[], "sink", None)
            .expect("the sink instantiates");
        self.sink = Some(sink.clone());
        sink
    }

    /// `text` with every known account's address replaced by its role, for readable tables.
    pub fn named(&self, text: &str) -> String {
        let mut out = text.to_string();
        let r = &self.roles;
        let names = [
            (&self.stranger, "<stranger>"),
            (&self.keeper, "<keeper>"),
            (&self.spender, "<spender>"),
            (&self.tenant, "<tenant>"),
            (&self.provider, "<provider>"),
            (&self.backup, "<backup>"),
            (&self.sponsor, "<sponsor>"),
            (&r.owner, "<owner>"),
            (&r.guardian, "<guardian>"),
            (&r.treasury, "<treasury>"),
            (&r.oracle, "<oracle>"),
            (&r.auditor, "<auditor>"),
            (&r.monitor, "<monitor>"),
            (&r.operator, "<operator>"),
        ];
        for (addr, name) in names {
            out = out.replace(addr.as_str(), name);
        }
        for deployed in self.suite.all() {
            out = out.replace(deployed.address.as_str(), &format!("<{}>", deployed.name));
        }
        out
    }

    // ---------- chain ----------

    pub fn exec<T: Serialize + Debug>(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        msg: &T,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), contract.clone(), msg, funds)
    }

    /// Mints bank coins to `who` (test funding; never SPICE, whose supply the token tracks).
    pub fn give(&mut self, who: &Addr, coins: Vec<Coin>) {
        assert!(
            coins.iter().all(|c| c.denom != self.spice()),
            "native SPICE comes from convert_to_native, not from thin air"
        );
        fund(&mut self.app, who, coins).expect("funding works");
    }

    /// Gives `who` cw20 SPICE from the treasury, and converts `native` of it to native SPICE.
    pub fn give_spice(&mut self, who: &Addr, cw20: u128, native: u128) {
        let treasury = self.roles.treasury.clone();
        self.exec(
            &treasury,
            &self.token(),
            &TokenMsg::Transfer {
                recipient: who.to_string(),
                amount: Uint128::new(cw20 + native),
            },
            &[],
        )
        .expect("the treasury holds SPICE");
        if native > 0 {
            self.exec(
                who,
                &self.token(),
                &TokenMsg::ConvertToNative {
                    amount: Uint128::new(native),
                    recipient: None,
                },
                &[],
            )
            .expect("conversion to native works");
        }
    }

    pub fn balance(&self, who: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(who, denom)
            .map(|c| c.amount.u128())
            .unwrap_or_default()
    }

    pub fn all_balances(&self, who: &Addr) -> Vec<Coin> {
        #[allow(deprecated)]
        self.app
            .wrap()
            .query_all_balances(who)
            .expect("bank answers")
    }

    pub fn cw20_balance(&self, who: &Addr) -> u128 {
        let res: cw20::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                self.token(),
                &spice_token::msg::QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .expect("balance answers");
        res.balance.u128()
    }

    /// Advances `blocks` blocks of 5 seconds each.
    pub fn advance_blocks(&mut self, blocks: u64) {
        self.app.update_block(|b| {
            b.height += blocks;
            b.time = b.time.plus_seconds(blocks * 5);
        });
    }

    pub fn height(&self) -> u64 {
        self.app.block_info().height
    }

    // ---------- queries ----------

    pub fn query<T: serde::de::DeserializeOwned, Q: Serialize>(
        &self,
        contract: &Addr,
        msg: &Q,
    ) -> T {
        self.app
            .wrap()
            .query_wasm_smart(contract, msg)
            .expect("the query answers")
    }

    pub fn try_query<Q: Serialize>(
        &self,
        contract: &Addr,
        msg: &Q,
    ) -> StdResult<serde_json::Value> {
        self.app.wrap().query_wasm_smart(contract, msg)
    }

    pub fn paused(&self, contract: &Addr) -> bool {
        let info: spice_governance::PauseInfoResponse =
            self.query(contract, &serde_json::json!({ "pause_info": {} }));
        info.paused
    }

    pub fn current_epoch(&self) -> u64 {
        self.epoch_info(0).current_epoch
    }

    pub fn epoch_info(&self, epoch: u64) -> provider_incentives::msg::EpochResponse {
        self.query(
            &self.incentives(),
            &provider_incentives::msg::QueryMsg::Epoch { epoch },
        )
    }

    pub fn lease_info(&self, lease_id: u64) -> rollover_escrow::msg::LeaseResponse {
        self.query(
            &self.escrow(),
            &rollover_escrow::msg::QueryMsg::Lease { lease_id },
        )
    }

    pub fn order_info(&self, order_id: u64) -> order_book::state::Order {
        self.query(&self.book(), &order_book::msg::QueryMsg::Order { order_id })
    }

    pub fn offer_info(&self, offer_id: u64) -> order_book::state::Offer {
        self.query(&self.book(), &order_book::msg::QueryMsg::Offer { offer_id })
    }

    pub fn vault_books(&self) -> staking_vault::state::Books {
        let status: staking_vault::msg::StatusResponse =
            self.query(&self.vault(), &staking_vault::msg::QueryMsg::Status {});
        status.books
    }

    pub fn newest_lease_of(&self, tenant: &Addr) -> u64 {
        let leases: rollover_escrow::msg::LeasesResponse = self.query(
            &self.escrow(),
            &rollover_escrow::msg::QueryMsg::LeasesByTenant {
                tenant: tenant.to_string(),
                start_after: None,
                limit: Some(30),
            },
        );
        leases.leases.iter().map(|l| l.id).max().expect("a lease")
    }

    pub fn newest_order(&self) -> u64 {
        let orders: order_book::msg::OrdersResponse = self.query(
            &self.book(),
            &order_book::msg::QueryMsg::Orders {
                tenant: None,
                status: None,
                start_after: None,
                limit: Some(30),
            },
        );
        orders.orders.iter().map(|o| o.id).max().expect("an order")
    }

    pub fn newest_offer(&self) -> u64 {
        let offers: order_book::msg::OffersResponse = self.query(
            &self.book(),
            &order_book::msg::QueryMsg::Offers {
                provider: None,
                start_after: None,
                limit: Some(30),
            },
        );
        offers.offers.iter().map(|o| o.id).max().expect("an offer")
    }

    // ---------- nothing changed ----------

    /// Every key and value the chain's bank and wasm modules hold: all balances, and every
    /// contract's whole storage. Equal snapshots mean a call changed nothing at all.
    pub fn snapshot(&self) -> Snapshot {
        let mut kv = BTreeMap::new();
        for namespace in [b"bank".as_slice(), b"wasm".as_slice()] {
            let storage = self.app.prefixed_storage(namespace);
            for (k, v) in storage.range(None, None, Order::Ascending) {
                let mut key = namespace.to_vec();
                key.extend_from_slice(&k);
                kv.insert(key, v);
            }
        }
        Snapshot { kv }
    }

    /// Sends `msg` from `sender`, asserts it fails with `expected` and that the chain is exactly
    /// as it was. Returns the error's text.
    #[track_caller]
    pub fn refuse<T: Serialize + Debug>(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        msg: &T,
        funds: &[Coin],
        expected: &Expect,
    ) -> String {
        let before = self.snapshot();
        let what = short(&format!("{msg:?}"), 300);
        let err = match self.exec(sender, contract, msg, funds) {
            Ok(_) => panic!(
                "{what} from {} should fail with {}",
                self.named(sender.as_str()),
                expected.text
            ),
            Err(err) => err,
        };
        if let Err(why) = expected.check(&err) {
            panic!("{what}: {}", self.named(&why));
        }
        let after = self.snapshot();
        before.assert_same(&after, &what);
        err_text(&err)
    }
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

/// `text`, cut to `max` characters.
pub fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// An order of the tenant the world's offer can fill: one A100 replica, `max_price` per block.
pub fn order_msg(max_price: Decimal) -> BookMsg {
    BookMsg::PlaceOrder {
        spec: order_book::spec::OrderSpec {
            resources: gpu_resources(),
            region: Some("us-*".into()),
            attributes: vec![],
            signed_by: order_book::spec::SignedBy::default(),
        },
        max_price_per_block: max_price,
        denom: AKT_DENOM.into(),
        expires_at: None,
        replicas: 1,
    }
}

/// Two units of A100 capacity in us-west at `price` per block.
pub fn offer_msg(price: Decimal) -> BookMsg {
    BookMsg::PostOffer {
        spec_capacity: order_book::spec::Capacity {
            resources: gpu_resources(),
            region: Some("us-west".into()),
            attributes: vec![order_book::spec::Attribute {
                key: "tier".into(),
                value: "datacenter".into(),
            }],
        },
        price_per_block: price,
        denom: AKT_DENOM.into(),
        units: 2,
        expires_at: None,
    }
}

pub fn gpu_resources() -> order_book::spec::Resources {
    const GIB: u64 = 1 << 30;
    order_book::spec::Resources {
        cpu_millis: 4_000,
        memory_bytes: 8 * GIB,
        storage_bytes: 64 * GIB,
        gpu: order_book::spec::Gpu {
            units: 1,
            vendor: Some("nvidia".into()),
            model: Some("a100".into()),
        },
    }
}

#[derive(PartialEq, Eq)]
pub struct Snapshot {
    kv: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl Snapshot {
    #[track_caller]
    pub fn assert_same(&self, after: &Snapshot, what: &str) {
        if self == after {
            return;
        }
        let changed: Vec<String> = self
            .kv
            .keys()
            .chain(after.kv.keys())
            .filter(|k| self.kv.get(*k) != after.kv.get(*k))
            .take(5)
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .collect();
        panic!("{what} changed the chain; first changed keys: {changed:?}");
    }
}

// ---------- errors ----------

/// The typed contract error inside a failed call, wherever cw-multi-test put it in the chain.
pub fn cerr<E: StdErr>(e: &anyhow::Error) -> Option<&E> {
    e.downcast_ref::<E>()
        .or_else(|| e.root_cause().downcast_ref::<E>())
}

/// What a contract error is: `thiserror` types that anyhow can carry.
pub trait StdErr: std::error::Error + Send + Sync + 'static {}
impl<T: std::error::Error + Send + Sync + 'static> StdErr for T {}

/// The root cause's text: what the contract said.
pub fn err_text(e: &anyhow::Error) -> String {
    e.root_cause().to_string()
}

/// An expected refusal: a description and a check of the typed error.
pub struct Expect {
    pub text: String,
    check: Box<dyn Fn(&anyhow::Error) -> bool>,
}

impl Expect {
    pub fn check(&self, err: &anyhow::Error) -> Result<(), String> {
        if (self.check)(err) {
            Ok(())
        } else {
            Err(format!("expected `{}`, got `{}`", self.text, err_text(err)))
        }
    }
}

/// Exactly this contract error.
pub fn exact<E>(expected: E) -> Expect
where
    E: StdErr + PartialEq,
{
    Expect {
        text: expected.to_string(),
        check: Box::new(move |err| cerr::<E>(err) == Some(&expected)),
    }
}

/// A contract error of type `E` for which `pred` holds (for values the test cannot know).
pub fn like<E>(text: &str, pred: impl Fn(&E) -> bool + 'static) -> Expect
where
    E: StdErr,
{
    Expect {
        text: text.to_string(),
        check: Box::new(move |err| cerr::<E>(err).is_some_and(&pred)),
    }
}

/// An address refused by `addr_validate`: a `Std` error of the contract's type.
pub fn bad_address<E>(pred: fn(&E) -> bool) -> Expect
where
    E: StdErr,
{
    like(
        "Generic error: Invalid input (address validation)",
        move |e: &E| pred(e) && e.to_string().contains("Invalid input"),
    )
}

// ---------- addresses a contract must refuse ----------

/// Malformed forms of `valid`: bech32 garbage, a checksum-valid address with another chain's
/// prefix, and the upper-case spelling of `valid` itself.
pub fn malformed_addresses(valid: &Addr) -> Vec<(&'static str, String)> {
    vec![
        ("bech32 garbage", "osmo1notanaddress!!".to_string()),
        ("empty", String::new()),
        (
            "wrong prefix",
            // The same bytes as `valid`, encoded for the Cosmos Hub.
            reencode(valid, "cosmos"),
        ),
        ("upper case", valid.as_str().to_uppercase()),
    ]
}

fn reencode(valid: &Addr, prefix: &'static str) -> String {
    use bech32_shim::reencode as re;
    re(valid.as_str(), prefix)
}

/// Bech32 re-encoding without a direct dependency: cw-multi-test's `MockApiBech32` builds an
/// address with any prefix from the same canonical bytes.
mod bech32_shim {
    use cosmwasm_std::Api;
    use cw_multi_test::MockApiBech32;

    pub fn reencode(address: &str, prefix: &'static str) -> String {
        let osmo = MockApiBech32::new("osmo");
        let canonical = osmo
            .addr_canonicalize(address)
            .expect("a valid osmo address");
        MockApiBech32::new(prefix)
            .addr_humanize(&canonical)
            .expect("re-encodes")
            .into_string()
    }
}

// ---------- the schema ----------

/// The execute variants a contract's generated schema lists (`schema/<c>/<c>.json`).
pub fn schema_execute_variants(contract: &str) -> Vec<String> {
    let path = format!(
        "{}/../schema/{contract}/{contract}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let one_of = schema["execute"]["oneOf"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: execute has no oneOf"));
    let mut names = vec![];
    for variant in one_of {
        if let Some(required) = variant["required"].as_array() {
            assert_eq!(required.len(), 1, "{path}: {variant}");
            names.push(required[0].as_str().expect("a name").to_string());
        } else if let Some(units) = variant["enum"].as_array() {
            names.extend(units.iter().filter_map(|u| u.as_str().map(String::from)));
        } else {
            panic!("{path}: unexpected execute variant {variant}");
        }
    }
    names
}

/// The variant name of a message as it goes over the wire.
pub fn variant_of<T: Serialize>(msg: &T) -> String {
    match serde_json::to_value(msg).expect("serializes") {
        serde_json::Value::Object(map) if map.len() == 1 => {
            map.keys().next().expect("one key").clone()
        }
        serde_json::Value::String(s) => s,
        other => panic!("not an enum message: {other}"),
    }
}

// ---------- a contract that accepts anything ----------

fn sink_instantiate(
    _: DepsMut,
    _: Env,
    _: MessageInfo,
    _: serde_json::Value,
) -> StdResult<Response> {
    Ok(Response::new())
}

fn sink_execute(_: DepsMut, _: Env, _: MessageInfo, _: serde_json::Value) -> StdResult<Response> {
    Ok(Response::new())
}

fn sink_query(_: Deps, _: Env, _: serde_json::Value) -> StdResult<Binary> {
    to_json_binary(&())
}
