//! The embedded chain as a [`SuiteChain`]: cw-multi-test with the Osmosis emulation, the suite
//! deployed by `spice_suite::deploy`, and one sender. No node, no gas: `gas_used` is 0 and no
//! fee is charged, but `simulate` answers a fixed, configurable fee (and the events of the
//! transaction, run and rolled back) so the keeper's "does the bounty cover the fee" decisions
//! can be exercised.
//!
//! [`seed_keeper_work`] leaves one piece of work for every keeper action on such a chain.

use anyhow::{anyhow, Context, Result};
use cosmwasm_std::{coin, Addr, Coin, Decimal, Order, Storage, Uint128};
use cw_multi_test::Executor;
use serde_json::Value;
use spice_suite::flows::{self, AKASH_CHANNEL};
use spice_suite::{deploy, Roles, SuiteContracts, AKT_DENOM, OSMO_DENOM, USDC_DENOM};
use spice_testing::{advance_time, fund, osmosis_app, relay_ack, OsmosisApp};

use crate::chain::{Simulation, SuiteAddresses, SuiteChain, TxOutcome};

/// A round fee for tests and demos. What a keeper transaction really costs on osmosis-1 is
/// `network::osmosis_keeper_fee()` (400k gas at cw-orch's 0.025 uosmo), the keeper's
/// `--network embedded` default.
pub const DEFAULT_FEE_UOSMO: u128 = 1_000;

pub struct EmbeddedChain {
    app: OsmosisApp,
    suite: SuiteContracts,
    roles: Roles,
    sender: Addr,
    fee: Coin,
}

impl EmbeddedChain {
    /// A fresh chain with the suite deployed; transactions are sent by a new, unfunded
    /// `keeper` account.
    pub fn deploy(fee: Coin) -> Result<Self> {
        let mut app = osmosis_app();
        let roles = Roles::new(&app);
        let suite = deploy(&mut app, &roles).context("deploying the suite")?;
        let sender = app.api().addr_make("keeper");
        Ok(EmbeddedChain {
            app,
            suite,
            roles,
            sender,
            fee,
        })
    }

    #[cfg(test)]
    pub fn app(&self) -> &OsmosisApp {
        &self.app
    }

    #[cfg(test)]
    pub fn app_mut(&mut self) -> &mut OsmosisApp {
        &mut self.app
    }

    pub fn suite(&self) -> &SuiteContracts {
        &self.suite
    }

    #[cfg(test)]
    pub fn roles(&self) -> &Roles {
        &self.roles
    }

    #[cfg(test)]
    pub fn set_fee(&mut self, fee: Coin) {
        self.fee = fee;
    }
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
        self.app
            .wrap()
            .query_wasm_smart(contract, msg)
            .map_err(|e| anyhow!("query {msg} on {contract}: {e}"))
    }

    fn execute(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<TxOutcome> {
        let response = self
            .app
            .execute_contract(self.sender.clone(), Addr::unchecked(contract), msg, funds)
            // `{:#}` keeps the whole chain: the contract's own error is the innermost cause.
            .map_err(|e| anyhow!("{e:#}"))?;
        let attributes = response
            .events
            .iter()
            .flat_map(|event| {
                event
                    .attributes
                    .iter()
                    .map(|a| (event.ty.clone(), a.key.clone(), a.value.clone()))
            })
            .collect();
        Ok(TxOutcome {
            hash: String::new(),
            gas_used: 0,
            fee_paid: Uint128::zero(),
            attributes,
        })
    }

    fn balance(&self, address: &str, denom: &str) -> Result<Uint128> {
        Ok(self.app.wrap().query_balance(address, denom)?.amount)
    }

    /// Executes on the chain, then puts every stored byte back as it was: the events of a
    /// transaction that never happened, at the configured fee.
    fn simulate(&mut self, contract: &str, msg: &Value, funds: &[Coin]) -> Result<Simulation> {
        let before: Vec<(Vec<u8>, Vec<u8>)> = self
            .app
            .storage()
            .range(None, None, Order::Ascending)
            .collect();
        let outcome = self.execute(contract, msg, funds);
        let storage = self.app.storage_mut();
        let written: Vec<Vec<u8>> = storage.range_keys(None, None, Order::Ascending).collect();
        for key in written {
            storage.remove(&key);
        }
        for (key, value) in before {
            storage.set(&key, &value);
        }
        Ok(Simulation {
            fee: self.fee.clone(),
            attributes: Some(outcome?.attributes),
        })
    }

    fn fee_denom(&self) -> String {
        self.fee.denom.clone()
    }

    fn addresses(&self) -> Result<SuiteAddresses> {
        let s = &self.suite;
        Ok(SuiteAddresses {
            spice_token: s.spice_token.address.to_string(),
            staking_vault: s.staking_vault.address.to_string(),
            buyback_burn: s.buyback_burn.address.to_string(),
            provider_incentives: s.provider_incentives.address.to_string(),
            order_book: s.order_book.address.to_string(),
            rollover_escrow: s.rollover_escrow.address.to_string(),
        })
    }
}

/// What [`seed_keeper_work`] left for the keeper, by id.
#[derive(Clone, Debug)]
pub struct SeededWork {
    /// Streams with little runway and an auto top-up from the tenant's prefunded balance.
    pub lease_to_top_up: u64,
    /// Its provider was reported failed by a monitor; a backup is waiting.
    pub lease_failed: u64,
    /// Runs dry soon and has no auto top-up: an alert, not an action.
    pub lease_without_top_up: u64,
    /// Crosses two audited offers on the book.
    pub order_to_match: u64,
    /// Past its `expires_at`.
    pub order_expired: u64,
    /// Past its report window.
    pub epoch_due: u64,
}

/// The vault's operator confirmed this much AKT of rewards, waiting for `harvest`.
pub const SEEDED_REWARDS: u128 = 500_000;
/// OSMO proceeds deposited in the vault, waiting for `convert`.
pub const SEEDED_PROCEEDS: u128 = 500_000_000;
/// AKT deposited in the vault, pending: waiting for `stake` (with what `convert` buys).
pub const SEEDED_PENDING_AKT: u128 = 10_000_000;
/// AKT revenue sitting in buyback-burn, waiting for `buyback`.
pub const SEEDED_REVENUE: u128 = 10_000_000;

/// Leaves one piece of work for every keeper action: OSMO proceeds in the vault (convert) and
/// pending AKT (stake), confirmed staking rewards (harvest), AKT revenue in buyback-burn (buyback), a
/// standing order crossing audited offers (match_orders), an expired order (expire_orders), a
/// lease low on funds with an auto top-up (top_up), a lease whose provider was reported failed
/// (rollover) and an incentive epoch past its report window (finalize_epoch).
///
/// Time moves about eight days forward (epoch 0 of the incentives must be over); everything
/// that ages with blocks — leases, orders — is created last.
pub fn seed_keeper_work(chain: &mut EmbeddedChain) -> Result<SeededWork> {
    let suite = chain.suite.clone();
    let roles = chain.roles.clone();
    let app = &mut chain.app;

    let spice = flows::spice_economy(app, &suite, &roles).context("SPICE economy")?;
    let market = flows::osmo_akt_market(app, &roles.treasury).context("AKT market")?;
    vault_with_rewards(app, &suite, &roles, market.pool_id).context("vault setup")?;
    buyback_route(
        app,
        &suite,
        &roles,
        market.pool_id,
        spice.spice_osmo_pool_id,
    )
    .context("buyback setup")?;

    // Epoch 0 of the incentives ends 7 days after the deploy, its report window a day later.
    use provider_incentives::msg::{EpochResponse, QueryMsg as IncentivesQuery};
    let epoch: EpochResponse = app.wrap().query_wasm_smart(
        &suite.provider_incentives.address,
        &IncentivesQuery::Epoch { epoch: 0 },
    )?;
    let now = app.block_info().time.seconds();
    let closes = epoch.report_window_closes_at.seconds();
    advance_time(app, closes.saturating_sub(now) + 1);

    // Work that waits for a keeper, now that time stands still.
    fund(
        app,
        &roles.treasury,
        vec![
            coin(SEEDED_PROCEEDS, OSMO_DENOM),
            coin(SEEDED_REVENUE + SEEDED_PENDING_AKT, AKT_DENOM),
        ],
    )?;
    for deposit in [
        coin(SEEDED_PROCEEDS, OSMO_DENOM),
        coin(SEEDED_PENDING_AKT, AKT_DENOM),
    ] {
        app.execute_contract(
            roles.treasury.clone(),
            suite.staking_vault.address.clone(),
            &staking_vault::msg::ExecuteMsg::Deposit {},
            &[deposit],
        )?;
    }
    app.send_tokens(
        roles.treasury.clone(),
        suite.buyback_burn.address.clone(),
        &[coin(SEEDED_REVENUE, AKT_DENOM)],
    )?;

    let (order_to_match, order_expired) = order_book_work(app, &suite, &roles)?;
    let (lease_to_top_up, lease_failed, lease_without_top_up) = escrow_work(app, &suite, &roles)?;
    Ok(SeededWork {
        lease_to_top_up,
        lease_failed,
        lease_without_top_up,
        order_to_match,
        order_expired,
        epoch_due: 0,
    })
}

/// The vault converts OSMO to AKT and stakes through an operator; 1,000 AKT was staked a day
/// ago and the operator has confirmed [`SEEDED_REWARDS`] of rewards, within its APR bound.
fn vault_with_rewards(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
    osmo_akt_pool: u64,
) -> Result<()> {
    use staking_vault::msg::{ExecuteMsg as Vault, QueryMsg, StatusResponse, StrategyMsg};
    use staking_vault::state::Hop;
    let vault = suite.staking_vault.address.clone();
    let owner = roles.owner.clone();
    app.execute_contract(
        owner.clone(),
        vault.clone(),
        &Vault::SetRoute {
            denom: OSMO_DENOM.into(),
            hops: vec![Hop {
                pool_id: osmo_akt_pool,
                token_out_denom: AKT_DENOM.into(),
            }],
        },
        &[],
    )?;
    app.execute_contract(
        owner,
        vault.clone(),
        &Vault::SetStrategy {
            strategy: StrategyMsg::Operator {
                operator: roles.operator.to_string(),
                channel: AKASH_CHANNEL.into(),
                delegation_address: flows::AKASH_DELEGATION.into(),
                max_daily_outflow: Uint128::new(1_000_000_000),
                max_apr: Decimal::percent(20),
                transfer_timeout_seconds: 600,
            },
        },
        &[],
    )?;
    let principal = coin(1_000_000_000, AKT_DENOM);
    fund(app, &roles.treasury, vec![principal.clone()])?;
    app.execute_contract(
        roles.treasury.clone(),
        vault.clone(),
        &Vault::Deposit {},
        &[principal],
    )?;
    app.execute_contract(roles.treasury.clone(), vault.clone(), &Vault::Stake {}, &[])?;
    let status: StatusResponse = app.wrap().query_wasm_smart(&vault, &QueryMsg::Status {})?;
    relay_ack(app, AKASH_CHANNEL, 1)?;
    app.execute_contract(
        roles.operator.clone(),
        vault.clone(),
        &Vault::ConfirmDelegation {
            amount: status.books.transferring,
            tx_hash: format!("{:064X}", 1),
        },
        &[],
    )?;
    // A day at 20% APR on 1,000 AKT allows 547,945 uakt of rewards.
    advance_time(app, 86_400);
    flows::operator_sends_home(
        app,
        &vault,
        staking_vault::msg::ReturnKind::Rewards,
        Uint128::new(SEEDED_REWARDS),
    )?;
    app.execute_contract(
        roles.operator.clone(),
        vault,
        &Vault::ConfirmRewards {
            amount: Uint128::new(SEEDED_REWARDS),
            tx_hash: format!("{:064X}", 2),
        },
        &[],
    )?;
    Ok(())
}

/// Revenue (AKT) is bought back along AKT → OSMO → SPICE.
fn buyback_route(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
    osmo_akt_pool: u64,
    spice_osmo_pool: u64,
) -> Result<()> {
    use buyback_burn::msg::ExecuteMsg as Buyback;
    use buyback_burn::state::Hop;
    app.execute_contract(
        roles.owner.clone(),
        suite.buyback_burn.address.clone(),
        &Buyback::SetRoute {
            denom: AKT_DENOM.into(),
            hops: vec![
                Hop {
                    pool_id: osmo_akt_pool,
                    token_out_denom: OSMO_DENOM.into(),
                },
                Hop {
                    pool_id: spice_osmo_pool,
                    token_out_denom: suite.spice_denom(),
                },
            ],
        },
        &[],
    )?;
    Ok(())
}

/// A GPU order crossing two audited offers, and a USDC order that expired 5 blocks ago.
fn order_book_work(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
) -> Result<(u64, u64)> {
    use order_book::msg::ExecuteMsg as Book;
    use order_book::spec::{Attribute, Capacity, Gpu, OrderSpec, Resources, SignedBy};
    const GIB: u64 = 1 << 30;
    let book = suite.order_book.address.clone();
    let resources = Resources {
        cpu_millis: 4_000,
        memory_bytes: 8 * GIB,
        storage_bytes: 64 * GIB,
        gpu: Gpu {
            units: 1,
            vendor: Some("nvidia".into()),
            model: Some("a100".into()),
        },
    };
    let spec = |signed_by: Vec<String>| OrderSpec {
        resources: resources.clone(),
        region: Some("us-*".into()),
        attributes: vec![],
        signed_by: SignedBy {
            any_of: signed_by,
            all_of: vec![],
        },
    };

    let expiring_tenant = app.api().addr_make("expiring_tenant");
    fund(app, &expiring_tenant, vec![coin(1_000, USDC_DENOM)])?;
    let expires_at = app.block_info().height + 5;
    app.execute_contract(
        expiring_tenant,
        book.clone(),
        &Book::PlaceOrder {
            spec: spec(vec![]),
            max_price_per_block: Decimal::percent(1),
            denom: USDC_DENOM.into(),
            expires_at: Some(expires_at),
            replicas: 1,
        },
        &[coin(1_000, USDC_DENOM)],
    )?;
    let order_expired = newest_order(app, &book)?;
    advance_time(app, 5 * spice_testing::BLOCK_TIME_SECONDS);

    let tenant = app.api().addr_make("gpu_tenant");
    // 10 bps of it pays the match: 1,000 uakt.
    let deposit = coin(1_000_000, AKT_DENOM);
    fund(app, &tenant, vec![deposit.clone()])?;
    app.execute_contract(
        tenant,
        book.clone(),
        &Book::PlaceOrder {
            spec: spec(vec![roles.auditor.to_string()]),
            max_price_per_block: Decimal::percent(300),
            denom: AKT_DENOM.into(),
            expires_at: None,
            replicas: 1,
        },
        &[deposit],
    )?;
    let order_to_match = newest_order(app, &book)?;
    for (name, price) in [
        ("gpu_provider_a", Decimal::percent(250)),
        ("gpu_provider_b", Decimal::percent(280)),
    ] {
        let provider = app.api().addr_make(name);
        spice_suite::flows::audit(app, suite, roles, &provider, name)?;
        app.execute_contract(
            provider,
            book.clone(),
            &Book::PostOffer {
                spec_capacity: Capacity {
                    resources: resources.clone(),
                    region: Some("us-west".into()),
                    attributes: vec![Attribute {
                        key: "tier".into(),
                        value: "datacenter".into(),
                    }],
                },
                price_per_block: price,
                denom: AKT_DENOM.into(),
                units: 2,
                expires_at: None,
            },
            &[],
        )?;
    }
    Ok((order_to_match, order_expired))
}

fn newest_order(app: &OsmosisApp, book: &Addr) -> Result<u64> {
    let page: order_book::msg::OrdersResponse = app.wrap().query_wasm_smart(
        book,
        &order_book::msg::QueryMsg::Orders {
            tenant: None,
            status: None,
            start_after: None,
            limit: Some(30),
        },
    )?;
    page.orders
        .iter()
        .map(|o| o.id)
        .max()
        .ok_or_else(|| anyhow!("no order on the book"))
}

/// Three streaming leases: one with 1,000 blocks of runway and an auto top-up to 14,400 blocks
/// from the tenant's prefunded balance, one whose provider a monitor reported failed (with a
/// backup waiting), and one with 1,000 blocks of runway and no auto top-up.
fn escrow_work(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
) -> Result<(u64, u64, u64)> {
    use rollover_escrow::msg::ExecuteMsg as Escrow;
    use rollover_escrow::state::TopUpSource;
    let escrow = suite.rollover_escrow.address.clone();

    let tenant = app.api().addr_make("topped_up_tenant");
    fund(app, &tenant, vec![coin(10_100_000, AKT_DENOM)])?;
    app.execute_contract(
        tenant.clone(),
        escrow.clone(),
        &Escrow::FundBalance {},
        &[coin(10_000_000, AKT_DENOM)],
    )?;
    let lease_to_top_up = open_lease(
        app,
        &escrow,
        &tenant,
        "topped_up_provider",
        Decimal::percent(10_000),
        100_000,
        vec![],
    )?;
    app.execute_contract(
        tenant,
        escrow.clone(),
        &Escrow::SetAutoTopUp {
            lease_id: lease_to_top_up,
            target_runway_blocks: 14_400,
            source: TopUpSource::Balance,
        },
        &[],
    )?;

    let tenant = app.api().addr_make("failing_tenant");
    fund(app, &tenant, vec![coin(1_000_000, AKT_DENOM)])?;
    let backup = app.api().addr_make("backup_provider");
    let lease_failed = open_lease(
        app,
        &escrow,
        &tenant,
        "failing_provider",
        Decimal::percent(1_000),
        1_000_000,
        vec![spice_types::BackupProvider {
            provider: backup.to_string(),
            price_per_block: Decimal::percent(1_200),
        }],
    )?;
    // A backup takes over only once it has agreed to.
    app.execute_contract(
        backup.clone(),
        escrow.clone(),
        &Escrow::AcceptBackup {
            lease_id: lease_failed,
        },
        &[],
    )?;
    app.execute_contract(
        roles.monitor.clone(),
        escrow.clone(),
        &Escrow::ReportFailure {
            lease_id: lease_failed,
            reason: 10_100,
        },
        &[],
    )?;

    let tenant = app.api().addr_make("thin_tenant");
    fund(app, &tenant, vec![coin(1_000, AKT_DENOM)])?;
    let lease_without_top_up = open_lease(
        app,
        &escrow,
        &tenant,
        "thin_provider",
        Decimal::one(),
        1_000,
        vec![],
    )?;
    Ok((lease_to_top_up, lease_failed, lease_without_top_up))
}

/// Opens a lease from `tenant` to the provider named `provider` (who accepts it at once).
pub(crate) fn open_lease(
    app: &mut OsmosisApp,
    escrow: &Addr,
    tenant: &Addr,
    provider: &str,
    price_per_block: Decimal,
    deposit: u128,
    backups: Vec<spice_types::BackupProvider>,
) -> Result<u64> {
    use rollover_escrow::msg::{ExecuteMsg as Escrow, LeasesResponse, QueryMsg};
    let provider = app.api().addr_make(provider);
    app.execute_contract(
        tenant.clone(),
        escrow.clone(),
        &Escrow::OpenLease(spice_types::OpenLeaseMsg {
            tenant: None,
            provider: provider.to_string(),
            price_per_block,
            denom: AKT_DENOM.into(),
            backups,
            spec_ref: None,
            order_id: None,
        }),
        &[coin(deposit, AKT_DENOM)],
    )?;
    let leases: LeasesResponse = app.wrap().query_wasm_smart(
        escrow,
        &QueryMsg::LeasesByTenant {
            tenant: tenant.to_string(),
            start_after: None,
            limit: Some(30),
        },
    )?;
    let lease_id = leases
        .leases
        .iter()
        .map(|l| l.id)
        .max()
        .ok_or_else(|| anyhow!("{tenant} has no lease"))?;
    app.execute_contract(
        provider,
        escrow.clone(),
        &Escrow::AcceptLease { lease_id },
        &[],
    )?;
    Ok(lease_id)
}
