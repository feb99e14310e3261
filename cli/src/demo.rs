//! The demo story, step by step, on the embedded chain. Every number printed is read back
//! from the chain by query, never computed on the side.

use anyhow::{ensure, Context, Result};
use cosmwasm_std::{coin, Addr, Decimal, Uint128};
use cw_multi_test::Executor;
use serde::Serialize;
use spice_suite::{deploy, Roles, SuiteContracts, AKT_DENOM, OSMO_DENOM};
use spice_testing::{
    advance_time, arithmetic_twap_to_now, create_balancer_pool, fund, osmosis_app, spot_price,
    swap_exact_amount_in, OsmosisApp,
};

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
pub struct PoolReport {
    pub pool_id: u64,
    pub swap_in: String,
    pub swap_out: String,
    pub spot_price_before: Decimal,
    pub spot_price_after: Decimal,
    pub twap_one_hour: Decimal,
}

#[derive(Serialize)]
pub struct SupplyReport {
    pub cap: Uint128,
    pub minted: Uint128,
    pub burned: Uint128,
    pub cw20_supply: Uint128,
    pub native_supply: Uint128,
    pub treasury_balance: Uint128,
}

#[derive(Serialize)]
pub struct Report {
    pub chain_height: u64,
    pub contracts: Vec<ContractRow>,
    pub spice_denom: String,
    pub spice_supply: SupplyReport,
    pub osmo_akt_pool: PoolReport,
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

    progress.step("Reading SPICE's supply ledger (cw20 + native + burned == minted <= cap)");
    let spice_supply = supply(&app, &suite, &roles)?;
    progress.detail(format!(
        "cap {}  minted {}  treasury holds {}",
        spice_supply.cap, spice_supply.minted, spice_supply.treasury_balance
    ));

    progress.step("Opening an OSMO/AKT pool and trading through it, as the vault will");
    let osmo_akt_pool = trade_osmo_for_akt(&mut app, &roles.treasury)?;
    progress.detail(format!(
        "pool {}: {} -> {}; spot {} -> {}; 1 h TWAP {}",
        osmo_akt_pool.pool_id,
        osmo_akt_pool.swap_in,
        osmo_akt_pool.swap_out,
        osmo_akt_pool.spot_price_before,
        osmo_akt_pool.spot_price_after,
        osmo_akt_pool.twap_one_hour
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
        spice_supply,
        osmo_akt_pool,
        guardian_pause_checked,
    })
}

fn supply(app: &OsmosisApp, suite: &SuiteContracts, roles: &Roles) -> Result<SupplyReport> {
    let totals: spice_token::state::SupplyTotals = app.wrap().query_wasm_smart(
        &suite.spice_token.address,
        &spice_token::msg::QueryMsg::Supply {},
    )?;
    let treasury: cw20::BalanceResponse = app.wrap().query_wasm_smart(
        &suite.spice_token.address,
        &spice_token::msg::QueryMsg::Balance {
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
        treasury_balance: treasury.balance,
    })
}

fn trade_osmo_for_akt(app: &mut OsmosisApp, treasury: &Addr) -> Result<PoolReport> {
    let lp = app.api().addr_make("liquidity_provider");
    fund(
        app,
        &lp,
        vec![
            coin(50_000_000_000, OSMO_DENOM),
            coin(10_000_000_000, AKT_DENOM),
        ],
    )?;
    // 5 OSMO per AKT, 0.2% swap fee.
    let pool_id = create_balancer_pool(
        app,
        &lp,
        &[
            (coin(50_000_000_000, OSMO_DENOM), 1),
            (coin(10_000_000_000, AKT_DENOM), 1),
        ],
        Decimal::permille(2),
    )?;
    let spot_price_before = spot_price(app, pool_id, AKT_DENOM, OSMO_DENOM)?;
    advance_time(app, 3_600);

    fund(app, treasury, vec![coin(100_000_000, OSMO_DENOM)])?;
    let swap_in = coin(100_000_000, OSMO_DENOM);
    let out = swap_exact_amount_in(
        app,
        treasury,
        &[(pool_id, AKT_DENOM)],
        swap_in.clone(),
        Uint128::one(),
    )?;
    let spot_price_after = spot_price(app, pool_id, AKT_DENOM, OSMO_DENOM)?;
    advance_time(app, 60);
    let start = app.block_info().time.minus_seconds(3_600);
    let twap_one_hour = arithmetic_twap_to_now(app, pool_id, AKT_DENOM, OSMO_DENOM, start)?;
    Ok(PoolReport {
        pool_id,
        swap_in: swap_in.to_string(),
        swap_out: coin(out.u128(), AKT_DENOM).to_string(),
        spot_price_before,
        spot_price_after,
        twap_one_hour,
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
        "  cap {}  minted {}  burned {}  cw20 {}  native {}",
        s.cap, s.minted, s.burned, s.cw20_supply, s.native_supply
    );
    let p = &report.osmo_akt_pool;
    println!("OSMO/AKT pool {}:", p.pool_id);
    println!("  swapped {} for {}", p.swap_in, p.swap_out);
    println!(
        "  AKT price in OSMO: spot {} -> {}, 1 h TWAP {}",
        p.spot_price_before, p.spot_price_after, p.twap_one_hour
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
