//! The demo story, step by step, on the embedded chain. Every flow lives in
//! `spice_suite::flows` (shared with the integration tests); every number printed is read back
//! from the chain by query.

use anyhow::{ensure, Context, Result};
use cosmwasm_std::{Addr, Uint128};
use cw_multi_test::Executor;
use serde::Serialize;
use spice_suite::flows::{
    self, BuybackReport, IncentivesReport, LeaseReport, OrderBookReport, PoolReport, Pools,
    SpiceEconomyReport, SunsetReport, VaultReport,
};
use spice_suite::{deploy, Roles, SuiteContracts};
use spice_testing::{osmosis_app, OsmosisApp};

/// Prints numbered steps as they happen (to stderr, so `--json` keeps stdout clean).
pub struct Progress {
    enabled: bool,
    step: usize,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        Progress { enabled, step: 0 }
    }

    fn step(&mut self, what: &str) {
        self.step += 1;
        if self.enabled {
            eprintln!("[{}] {what}", self.step);
        }
    }

    fn detail(&self, line: String) {
        if self.enabled {
            eprintln!("      {line}");
        }
    }
}

#[derive(Serialize)]
pub struct ContractRow {
    pub name: String,
    pub code_id: u64,
    pub address: String,
    pub owner: Option<String>,
    pub paused: bool,
}

#[derive(Serialize)]
pub struct SupplyReport {
    pub cap: Uint128,
    pub minted: Uint128,
    pub burned: Uint128,
    pub cw20_supply: Uint128,
    pub native_supply: Uint128,
    pub burned_cw20: Uint128,
    pub burned_native: Uint128,
    pub treasury_balance: Uint128,
}

#[derive(Serialize)]
pub struct Report {
    pub chain_height: u64,
    pub contracts: Vec<ContractRow>,
    pub spice_denom: String,
    pub spice_flow: SpiceEconomyReport,
    pub osmo_akt_pool: PoolReport,
    pub lease: LeaseReport,
    pub order_book: OrderBookReport,
    pub vault: VaultReport,
    pub buyback: BuybackReport,
    pub incentives: IncentivesReport,
    pub sunset: SunsetReport,
    pub spice_supply: SupplyReport,
    pub guardian_pause_checked: bool,
}

pub fn run(progress: &mut Progress) -> Result<Report> {
    progress.step("Starting an embedded Osmosis chain (cw-multi-test + tokenfactory, poolmanager, twap emulation)");
    let mut app = osmosis_app();
    let roles = Roles::new(&app);

    progress.step("Storing and instantiating the six contracts, wired together");
    let suite = deploy(&mut app, &roles).context("deploying the suite")?;
    for contract in suite.all() {
        progress.detail(format!(
            "{:<20} code {}  {}",
            contract.name, contract.code_id, contract.address
        ));
    }

    progress.step("SPICE: the DAO mints, the treasury converts to native SPICE and seeds a SPICE/OSMO pool; SPICE is bought and burned");
    let spice_flow = flows::spice_economy(&mut app, &suite, &roles).context("SPICE flow")?;
    progress.detail(format!(
        "minted {}  converted {} to {}  pool {}",
        spice_flow.minted_by_dao,
        spice_flow.converted_to_native,
        suite.spice_denom(),
        spice_flow.spice_osmo_pool_id
    ));
    progress.detail(format!(
        "bought {} with OSMO and burned it (burn_native); burned {} cw20",
        spice_flow.bought_with_osmo, spice_flow.burned_cw20
    ));

    progress.step("Opening an OSMO/AKT pool and trading through it, as the vault will");
    let osmo_akt_pool = flows::osmo_akt_market(&mut app, &roles.treasury).context("AKT market")?;
    progress.detail(format!(
        "pool {}: {} -> {}; AKT in OSMO: spot {} -> {}, 1 h TWAP {}",
        osmo_akt_pool.pool_id,
        osmo_akt_pool.swap_in,
        osmo_akt_pool.swap_out,
        osmo_akt_pool.spot_price_before,
        osmo_akt_pool.spot_price_after,
        osmo_akt_pool.twap_one_hour
    ));

    progress.step("A lease streams per block, its provider fails, and it rolls over to the backup");
    let lease = flows::lease_with_rollover(&mut app, &suite, &roles).context("lease flow")?;
    progress.detail(format!(
        "lease {} at {}/block: primary withdrew {} (take fee {} to the vault), failed; rolled over to {}",
        lease.lease_id,
        lease.price_per_block,
        lease.primary_withdrew,
        lease.take_fee_to_vault,
        lease.rolled_over_to
    ));
    progress.detail(format!(
        "backup withdrew {}; tenant closed (reason {:?}) and got {} back of {}",
        lease.backup_withdrew, lease.close_reason, lease.refunded_to_tenant, lease.deposit
    ));

    progress.step("A standing GPU order waits; audited providers post offers; a keeper matches it into a lease");
    let order_book =
        flows::standing_order_filled(&mut app, &suite, &roles).context("order-book flow")?;
    progress.detail(format!(
        "order {} (class {}, max {}/block) waited: {}; filled by {} at {}/block with backups {:?}",
        order_book.order_id,
        order_book.resource_class,
        order_book.max_price_per_block,
        order_book.waited_while_book_was_empty,
        order_book.lease_provider,
        order_book.lease_price_per_block,
        order_book.lease_backups
    ));
    progress.detail(format!(
        "lease {} funded with the order's deposit {}; paid {} after 100 blocks",
        order_book.lease_id, order_book.lease_deposit, order_book.paid_after_100_blocks
    ));

    progress.step("LP proceeds buy AKT in the vault, which stakes it through the operator over IBC and harvests the rewards");
    let pools = Pools {
        osmo_akt: osmo_akt_pool.pool_id,
        spice_osmo: spice_flow.spice_osmo_pool_id,
    };
    let vault =
        flows::vault_stakes_and_harvests(&mut app, &suite, &roles, &pools).context("vault flow")?;
    progress.detail(format!(
        "{} -> {} uakt bought (keeper bounty {} uosmo); {} sent over IBC, acked, delegated: {} staked",
        vault.proceeds_in, vault.akt_bought, vault.convert_bounty, vault.sent_to_operator, vault.staked
    ));
    progress.detail(format!(
        "a month later {} uakt of rewards confirmed; harvest sent {} to buyback-burn (bounty {}); principal conserved: {}",
        vault.rewards_confirmed, vault.revenue_to_buyback, vault.harvest_bounty, vault.principal_conserved
    ));

    progress.step("The staking revenue (AKT) buys SPICE through AKT -> OSMO -> SPICE and burns it; the keeper earns a bounty");
    let buyback = flows::buyback_revenue(&mut app, &suite, &roles, &pools).context("buyback")?;
    progress.detail(format!(
        "revenue {} -> {} SPICE bought, {} burned; keeper bounty {}; burned natively in total {}",
        buyback.revenue_in,
        buyback.spice_bought,
        buyback.spice_burned,
        buyback.keeper_bounty,
        buyback.token_burned_native_total
    ));

    progress.step(
        "A provider that served a lease earns its share of the incentive epoch and claims it",
    );
    let incentives = flows::provider_epoch(&mut app, &suite, &roles).context("incentives")?;
    progress.detail(format!(
        "epoch {} budget {:?}, total weight {}; {} claimed {} uosmo",
        incentives.epoch,
        incentives.budget,
        incentives.total_weight,
        incentives.provider,
        incentives.claimed
    ));

    progress.step("AEP-79: Akash leaves its chain at cutover C; the DAO sets the vault's sunset, a keeper starts the full unbond, new proceeds switch to direct buyback");
    let sunset = flows::vault_sunset(&mut app, &suite, &roles).context("sunset")?;
    progress.detail(format!(
        "cutover {} (unbond from {}): operator instructed to undelegate {} uakt; phase {}, risk {}; new proceeds {} forwarded to buyback-burn",
        sunset.cutover_at,
        sunset.unbond_starts_at,
        sunset.unbond_requested,
        sunset.phase,
        sunset.sunset_risk,
        sunset.proceeds_forwarded
    ));

    progress.step("Reading SPICE's supply ledger (cw20 + native + burned == minted <= cap)");
    let spice_supply = supply(&app, &suite, &roles)?;
    progress.detail(format!(
        "cap {}  minted {}  burned {} (cw20 {}, native {})",
        spice_supply.cap,
        spice_supply.minted,
        spice_supply.burned,
        spice_supply.burned_cw20,
        spice_supply.burned_native
    ));

    progress.step("Guardian pauses the escrow; only the DAO may unpause it");
    let guardian_pause_checked = guardian_pause(&mut app, &suite, &roles)?;

    let contracts = suite
        .all()
        .iter()
        .map(|c| contract_row(&app, c.name, c.code_id, &c.address))
        .collect::<Result<Vec<_>>>()?;
    Ok(Report {
        chain_height: app.block_info().height,
        contracts,
        spice_denom: suite.spice_denom(),
        spice_flow,
        osmo_akt_pool,
        lease,
        order_book,
        vault,
        buyback,
        incentives,
        sunset,
        spice_supply,
        guardian_pause_checked,
    })
}

fn supply(app: &OsmosisApp, suite: &SuiteContracts, roles: &Roles) -> Result<SupplyReport> {
    use spice_token::msg::{BurnStatsResponse, QueryMsg, SupplyResponse};
    let token = &suite.spice_token.address;
    let totals: SupplyResponse = app.wrap().query_wasm_smart(token, &QueryMsg::Supply {})?;
    let stats: BurnStatsResponse = app
        .wrap()
        .query_wasm_smart(token, &QueryMsg::BurnStats {})?;
    let treasury: cw20::BalanceResponse = app.wrap().query_wasm_smart(
        token,
        &QueryMsg::Balance {
            address: roles.treasury.to_string(),
        },
    )?;
    ensure!(
        totals.cw20_supply + totals.native_supply + totals.burned == totals.minted
            && totals.minted <= totals.cap,
        "supply ledger out of balance: {totals:?}"
    );
    Ok(SupplyReport {
        cap: totals.cap,
        minted: totals.minted,
        burned: totals.burned,
        cw20_supply: totals.cw20_supply,
        native_supply: totals.native_supply,
        burned_cw20: stats.cw20_burn + stats.cw20_burn_from,
        burned_native: stats.native,
        treasury_balance: treasury.balance,
    })
}

fn guardian_pause(app: &mut OsmosisApp, suite: &SuiteContracts, roles: &Roles) -> Result<bool> {
    let escrow = &suite.rollover_escrow.address;
    let pause = rollover_escrow::msg::ExecuteMsg::Pause {};
    let unpause = rollover_escrow::msg::ExecuteMsg::Unpause {};
    app.execute_contract(roles.guardian.clone(), escrow.clone(), &pause, &[])?;
    let guardian_could_unpause = app
        .execute_contract(roles.guardian.clone(), escrow.clone(), &unpause, &[])
        .is_ok();
    ensure!(!guardian_could_unpause, "the guardian must not unpause");
    app.execute_contract(roles.owner.clone(), escrow.clone(), &unpause, &[])?;
    Ok(true)
}

fn contract_row(app: &OsmosisApp, name: &str, code_id: u64, address: &Addr) -> Result<ContractRow> {
    #[derive(serde::Deserialize)]
    struct Ownership {
        owner: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct PauseInfo {
        paused: bool,
    }
    let ownership: Ownership = app
        .wrap()
        .query_wasm_smart(address, &serde_json::json!({ "ownership": {} }))?;
    let pause: PauseInfo = app
        .wrap()
        .query_wasm_smart(address, &serde_json::json!({ "pause_info": {} }))?;
    Ok(ContractRow {
        name: name.to_string(),
        code_id,
        address: address.to_string(),
        owner: ownership.owner,
        paused: pause.paused,
    })
}

pub fn print_report(report: &Report) {
    println!();
    println!(
        "SPICE suite on the embedded chain (height {})",
        report.chain_height
    );
    println!();
    println!("{:<20} {:>4}  {:<8} address", "contract", "code", "paused");
    for c in &report.contracts {
        println!(
            "{:<20} {:>4}  {:<8} {}",
            c.name, c.code_id, c.paused, c.address
        );
    }
    println!();
    let s = &report.spice_supply;
    println!("SPICE ({}):", report.spice_denom);
    println!(
        "  cap {}  minted {}  burned {} (cw20 {}, native {})  cw20 {}  native {}",
        s.cap, s.minted, s.burned, s.burned_cw20, s.burned_native, s.cw20_supply, s.native_supply
    );
    let v = &report.vault;
    println!(
        "Vault: {} bought {} uakt, {} staked via the operator; harvested {} to buyback",
        v.proceeds_in, v.akt_bought, v.staked, v.revenue_to_buyback
    );
    let z = &report.sunset;
    println!(
        "Sunset (AEP-79): cutover {}, unbond from {}, {} uakt to come home; phase {}; new proceeds {} sent straight to buyback",
        z.cutover_at, z.unbond_starts_at, z.unbond_requested, z.phase, z.proceeds_forwarded
    );
    let b = &report.buyback;
    println!(
        "Buyback: {} bought {} SPICE, burned {}; keeper bounty {}",
        b.revenue_in, b.spice_bought, b.spice_burned, b.keeper_bounty
    );
    let l = &report.lease;
    println!(
        "Lease {}: primary paid {}, rolled over to {}, backup paid {}, tenant refunded {} of {}",
        l.lease_id,
        l.primary_withdrew,
        l.rolled_over_to,
        l.backup_withdrew,
        l.refunded_to_tenant,
        l.deposit
    );
    let o = &report.order_book;
    println!(
        "Order {}: filled at {}/block (max {}), lease {} with {} backup(s)",
        o.order_id,
        o.lease_price_per_block,
        o.max_price_per_block,
        o.lease_id,
        o.lease_backups.len()
    );
    let i = &report.incentives;
    println!(
        "Incentives epoch {}: {} claimed {} uosmo",
        i.epoch, i.provider, i.claimed
    );
    let p = &report.osmo_akt_pool;
    println!(
        "OSMO/AKT pool {}: swapped {} for {}; spot {} -> {}, 1 h TWAP {}",
        p.pool_id, p.swap_in, p.swap_out, p.spot_price_before, p.spot_price_after, p.twap_one_hour
    );
    println!(
        "Guardian pause / DAO-only unpause: {}",
        if report.guardian_pause_checked {
            "checked"
        } else {
            "not checked"
        }
    );
}
