//! The demo story, step by step, on the embedded chain. Every flow lives in
//! `spice_suite::flows` (shared with the integration tests); every number printed is read back
//! from the chain by query.

use anyhow::{ensure, Context, Result};
use cosmwasm_std::{Addr, Uint128};
use cw_multi_test::Executor;
use serde::Serialize;
use spice_cli::display::{self, coin_text, price_per_block, short_address, uamount};
use spice_suite::flows::{
    self, BuybackReport, IncentivesReport, LeaseReport, OrderBookReport, OsmoStakingReport,
    PoolReport, Pools, SpiceEconomyReport, SunsetReport, VaultReport,
};
use spice_suite::{deploy, Roles, SuiteContracts, AKT_DENOM, OSMO_DENOM};
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
    pub osmo_staking: OsmoStakingReport,
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
    let spice = suite.spice_denom();
    progress.detail(format!(
        "minted {}  converted {} to native ({})  pool {}",
        uamount(spice_flow.minted_by_dao, &spice),
        uamount(spice_flow.converted_to_native, &spice),
        display::short_denom(&spice),
        spice_flow.spice_osmo_pool_id
    ));
    progress.detail(format!(
        "bought {} with OSMO and burned it (burn_native); burned {} cw20",
        coin_text(&spice_flow.bought_with_osmo),
        uamount(spice_flow.burned_cw20, &spice)
    ));

    progress.step("Opening an OSMO/AKT pool and trading through it, as the vault will");
    let osmo_akt_pool = flows::osmo_akt_market(&mut app, &roles.treasury).context("AKT market")?;
    progress.detail(format!(
        "pool {}: {} -> {}; AKT in OSMO: spot {} -> {}, 1 h TWAP {}",
        osmo_akt_pool.pool_id,
        coin_text(&osmo_akt_pool.swap_in),
        coin_text(&osmo_akt_pool.swap_out),
        osmo_akt_pool.spot_price_before,
        osmo_akt_pool.spot_price_after,
        osmo_akt_pool.twap_one_hour
    ));

    progress.step("A lease streams per block, its provider fails, and it rolls over to the backup");
    let lease = flows::lease_with_rollover(&mut app, &suite, &roles).context("lease flow")?;
    progress.detail(format!(
        "lease {} at {}: primary withdrew {} (take fee {} to the vault), failed; rolled over to {}",
        lease.lease_id,
        price_per_block(lease.price_per_block, AKT_DENOM),
        uamount(lease.primary_withdrew, AKT_DENOM),
        uamount(lease.take_fee_to_vault, AKT_DENOM),
        short_address(lease.rolled_over_to.as_str())
    ));
    progress.detail(format!(
        "backup withdrew {}; tenant closed ({}) and got {} back of {}",
        uamount(lease.backup_withdrew, AKT_DENOM),
        lease
            .close_reason
            .map_or("no reason given".to_string(), display::reason),
        uamount(lease.refunded_to_tenant, AKT_DENOM),
        uamount(lease.deposit, AKT_DENOM)
    ));

    progress.step("A standing GPU order waits; audited providers post offers; a keeper matches it into a lease");
    let order_book =
        flows::standing_order_filled(&mut app, &suite, &roles).context("order-book flow")?;
    progress.detail(format!(
        "order {} (class {}, max {}) {}; filled by {} at {} with backups {}",
        order_book.order_id,
        order_book.resource_class,
        price_per_block(order_book.max_price_per_block, AKT_DENOM),
        if order_book.waited_while_book_was_empty {
            "waited on an empty book"
        } else {
            "matched at once"
        },
        short_address(order_book.lease_provider.as_str()),
        price_per_block(order_book.lease_price_per_block, AKT_DENOM),
        addresses(&order_book.lease_backups)
    ));
    progress.detail(format!(
        "lease {} funded with the order's deposit {}; paid {} after 100 blocks",
        order_book.lease_id,
        uamount(order_book.lease_deposit, AKT_DENOM),
        uamount(order_book.paid_after_100_blocks, AKT_DENOM)
    ));

    progress.step("LP proceeds buy AKT in the vault, which stakes it through the operator over IBC and harvests the rewards");
    let pools = Pools {
        osmo_akt: osmo_akt_pool.pool_id,
        spice_osmo: spice_flow.spice_osmo_pool_id,
    };
    let vault =
        flows::vault_stakes_and_harvests(&mut app, &suite, &roles, &pools).context("vault flow")?;
    progress.detail(format!(
        "{} -> {} bought (keeper bounty {}); {} sent over IBC, acked, delegated: {} staked",
        coin_text(&vault.proceeds_in),
        uamount(vault.akt_bought, AKT_DENOM),
        uamount(vault.convert_bounty, OSMO_DENOM),
        uamount(vault.sent_to_operator, AKT_DENOM),
        uamount(vault.staked, AKT_DENOM)
    ));
    progress.detail(format!(
        "a month later {} of rewards confirmed; harvest sent {} to buyback-burn (bounty {}); principal {}",
        uamount(vault.rewards_confirmed, AKT_DENOM),
        uamount(vault.revenue_to_buyback, AKT_DENOM),
        uamount(vault.harvest_bounty, AKT_DENOM),
        if vault.principal_conserved { "conserved" } else { "NOT conserved" }
    ));

    progress.step("The staking revenue (AKT) buys SPICE through AKT -> OSMO -> SPICE and burns it; the keeper earns a bounty");
    let buyback = flows::buyback_revenue(&mut app, &suite, &roles, &pools).context("buyback")?;
    progress.detail(format!(
        "revenue {} -> {} bought, {} burned; keeper bounty {}; burned natively in total {}",
        coin_text(&buyback.revenue_in),
        uamount(buyback.spice_bought, &spice),
        uamount(buyback.spice_burned, &spice),
        uamount(buyback.keeper_bounty, AKT_DENOM),
        uamount(buyback.token_burned_native_total, &spice)
    ));

    progress.step(
        "A provider that served a lease earns its share of the incentive epoch and claims it",
    );
    let incentives = flows::provider_epoch(&mut app, &suite, &roles).context("incentives")?;
    progress.detail(format!(
        "epoch {} budget {}, total weight {}; {} claimed {}",
        incentives.epoch,
        display::coins(&incentives.budget),
        incentives.total_weight,
        short_address(incentives.provider.as_str()),
        uamount(incentives.claimed, OSMO_DENOM)
    ));

    progress.step("AEP-79: Akash leaves its chain at cutover C; the DAO sets the vault's sunset, a keeper starts the full unbond, new proceeds switch to direct buyback");
    let sunset = flows::vault_sunset(&mut app, &suite, &roles).context("sunset")?;
    progress.detail(format!(
        "cutover {} (unbond from {}): operator instructed to undelegate {}; phase {}, {}; new proceeds {} forwarded to buyback-burn",
        display::date(sunset.cutover_at),
        display::date(sunset.unbond_starts_at),
        uamount(sunset.unbond_requested, AKT_DENOM),
        sunset.phase.to_lowercase(),
        if sunset.sunset_risk {
            "at risk: less time left than the unbonding needs"
        } else {
            "in time"
        },
        coin_text(&sunset.proceeds_forwarded)
    ));

    progress.step("The AKT comes home after Akash's unbonding and goes to buyback-burn; the DAO switches the vault to staking OSMO on Osmosis; a month of rewards buys SPICE and burns it");
    let osmo_staking = flows::vault_osmo_staking(&mut app, &suite, &roles, &pools)
        .context("osmo staking fallback")?;
    progress.detail(format!(
        "{} routed to buyback-burn; {} staked with {}; rewards {} to buyback-burn (keeper bounty {}); {} bought {} and burned it",
        uamount(osmo_staking.principal_routed, AKT_DENOM),
        uamount(osmo_staking.osmo_staked, OSMO_DENOM),
        osmo_staking.validator,
        uamount(osmo_staking.revenue_to_buyback, OSMO_DENOM),
        uamount(osmo_staking.keeper_bounty, OSMO_DENOM),
        uamount(osmo_staking.osmo_bought_with, OSMO_DENOM),
        uamount(osmo_staking.spice_burned, &spice),
    ));

    progress.step("Reading SPICE's supply ledger (cw20 + native + burned == minted <= cap)");
    let spice_supply = supply(&app, &suite, &roles)?;
    progress.detail(format!(
        "cap {}  minted {}  burned {} (cw20 {}, native {})",
        uamount(spice_supply.cap, &spice),
        uamount(spice_supply.minted, &spice),
        uamount(spice_supply.burned, &spice),
        uamount(spice_supply.burned_cw20, &spice),
        uamount(spice_supply.burned_native, &spice)
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
        osmo_staking,
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

/// Addresses shortened and joined; `none` for none.
fn addresses(list: &[Addr]) -> String {
    if list.is_empty() {
        return "none".to_string();
    }
    list.iter()
        .map(|a| short_address(a.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn print_report(report: &Report) {
    let spice = report.spice_denom.as_str();
    let akt = |n: Uint128| uamount(n, AKT_DENOM);
    let sp = |n: Uint128| uamount(n, spice);
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
            c.name,
            c.code_id,
            if c.paused { "yes" } else { "no" },
            c.address
        );
    }
    println!();
    let s = &report.spice_supply;
    println!("SPICE ({}):", display::short_denom(spice));
    println!(
        "  cap {}  minted {}  burned {} (cw20 {}, native {})  cw20 {}  native {}",
        sp(s.cap),
        sp(s.minted),
        sp(s.burned),
        sp(s.burned_cw20),
        sp(s.burned_native),
        sp(s.cw20_supply),
        sp(s.native_supply)
    );
    let v = &report.vault;
    println!(
        "Vault: {} bought {}, {} staked via the operator; harvested {} to buyback",
        coin_text(&v.proceeds_in),
        akt(v.akt_bought),
        akt(v.staked),
        akt(v.revenue_to_buyback)
    );
    let z = &report.sunset;
    println!(
        "Sunset (AEP-79): cutover {}, unbond from {} ({} before it), {} to come home; phase {}; new proceeds {} sent straight to buyback",
        display::date(z.cutover_at),
        display::date(z.unbond_starts_at),
        display::duration(z.cutover_at.saturating_sub(z.unbond_starts_at)),
        akt(z.unbond_requested),
        z.phase.to_lowercase(),
        coin_text(&z.proceeds_forwarded)
    );
    let o = &report.osmo_staking;
    println!(
        "After the sunset: {} home and routed to buyback; {} staked on Osmosis with {}; rewards {} to buyback (bounty {}); {} bought and burned {}",
        akt(o.principal_routed),
        uamount(o.osmo_staked, OSMO_DENOM),
        o.validator,
        uamount(o.revenue_to_buyback, OSMO_DENOM),
        uamount(o.keeper_bounty, OSMO_DENOM),
        uamount(o.osmo_bought_with, OSMO_DENOM),
        sp(o.spice_burned)
    );
    let b = &report.buyback;
    println!(
        "Buyback: {} bought {}, burned {}; keeper bounty {}",
        coin_text(&b.revenue_in),
        sp(b.spice_bought),
        sp(b.spice_burned),
        akt(b.keeper_bounty)
    );
    let l = &report.lease;
    println!(
        "Lease {}: primary paid {}, rolled over to {}, backup paid {}, tenant refunded {} of {}{}",
        l.lease_id,
        akt(l.primary_withdrew),
        short_address(l.rolled_over_to.as_str()),
        akt(l.backup_withdrew),
        akt(l.refunded_to_tenant),
        akt(l.deposit),
        l.close_reason.map_or(String::new(), |r| format!(
            " (closed: {})",
            display::reason(r)
        ))
    );
    let o = &report.order_book;
    println!(
        "Order {}: filled at {} (max {}), lease {} with {} backup(s)",
        o.order_id,
        price_per_block(o.lease_price_per_block, AKT_DENOM),
        price_per_block(o.max_price_per_block, AKT_DENOM),
        o.lease_id,
        o.lease_backups.len()
    );
    let i = &report.incentives;
    println!(
        "Incentives epoch {}: {} claimed {}",
        i.epoch,
        short_address(i.provider.as_str()),
        uamount(i.claimed, OSMO_DENOM)
    );
    let p = &report.osmo_akt_pool;
    println!(
        "OSMO/AKT pool {}: swapped {} for {}; AKT in OSMO: spot {} -> {}, 1 h TWAP {}",
        p.pool_id,
        coin_text(&p.swap_in),
        coin_text(&p.swap_out),
        p.spot_price_before,
        p.spot_price_after,
        p.twap_one_hour
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
