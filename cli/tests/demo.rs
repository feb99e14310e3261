//! Runs the `spice` binary as a user would and checks what it reports.

use std::process::Command;

use serde_json::Value;

fn demo_json() -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_spice"))
        .args(["demo", "--json"])
        .output()
        .expect("spice runs");
    assert!(
        output.status.success(),
        "spice demo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("--json prints one JSON document")
}

#[test]
fn demo_deploys_all_six_contracts_owned_and_unpaused() {
    let report = demo_json();
    let contracts = report["contracts"].as_array().unwrap();
    let names: Vec<&str> = contracts
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "spice-token",
            "buyback-burn",
            "staking-vault",
            "rollover-escrow",
            "order-book",
            "provider-incentives"
        ]
    );
    let owner = contracts[0]["owner"].as_str().unwrap();
    for c in contracts {
        assert_eq!(c["owner"].as_str(), Some(owner), "{c}");
        assert_eq!(c["paused"], Value::Bool(false), "{c}");
    }
    assert_eq!(report["guardian_pause_checked"], Value::Bool(true));
}

#[test]
fn demo_reports_a_balanced_spice_ledger_and_exact_swap() {
    let report = demo_json();
    let supply = &report["spice_supply"];
    let n = |v: &Value| v.as_str().unwrap().parse::<u128>().unwrap();
    assert_eq!(n(&supply["cap"]), 1_000_000_000_000_000);
    assert_eq!(
        n(&supply["cw20_supply"]) + n(&supply["native_supply"]) + n(&supply["burned"]),
        n(&supply["minted"])
    );
    // Everything burned is accounted by path: the holder's cw20 burn, the buyer's native burn,
    // the buyback's native burn of AKT revenue and, after the sunset, of OSMO.
    let flow = &report["spice_flow"];
    let buyback = &report["buyback"];
    assert_eq!(
        n(&supply["burned"]),
        n(&supply["burned_cw20"]) + n(&supply["burned_native"])
    );
    assert_eq!(
        n(&supply["burned_native"]),
        n(&flow["burned_native"])
            + n(&buyback["spice_burned"])
            + n(&report["osmo_staking"]["spice_burned"])
    );
    // 1,000 OSMO into 200,000 OSMO / 2,000,000 SPICE: Osmosis' 0.1% taker fee first (999e6
    // reach the pool), then the pool's 0.2% spread factor:
    // 2e12 * 997.002e6 / (2e11 + 997.002e6) = 9,920,565,879.9 -> 9,920,565,879 uspice (down).
    assert_eq!(n(&flow["burned_native"]), 9_920_565_879);
    assert_eq!(n(&supply["minted"]), 110_000_000_000_000);
    // The buyback burned exactly what it bought.
    assert_eq!(n(&buyback["spice_bought"]), n(&buyback["spice_burned"]));
    assert!(n(&buyback["spice_burned"]) > 0);
    // 100 OSMO into a 50,000 OSMO / 10,000 AKT pool: the 0.1% taker fee leaves 99.9e6, the
    // 0.2% spread factor 99.7002e6:
    // 10,000e6 * 99.7002e6 / (50,000e6 + 99.7002e6) = 19,900,358.6 -> 19,900,358 (rounded down).
    let pool = &report["osmo_akt_pool"];
    assert!(pool["swap_out"]
        .as_str()
        .unwrap()
        .starts_with("19900358ibc/"));
    assert_eq!(pool["spot_price_before"], "5");
}

#[test]
fn text_mode_prints_progress_and_report() {
    let output = Command::new(env!("CARGO_BIN_EXE_spice"))
        .arg("demo")
        .output()
        .expect("spice runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("[2] Storing and instantiating the six contracts"));
    assert!(stdout.contains("rollover-escrow"));
    assert!(stdout.contains("Guardian pause / DAO-only unpause: checked"));
}

#[test]
fn text_report_reads_in_tokens_and_words_without_rust_debug() {
    let output = Command::new(env!("CARGO_BIN_EXE_spice"))
        .arg("demo")
        .output()
        .expect("spice runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The same numbers the JSON report carries in base units (see the tests above).
    assert!(
        stdout.contains("tenant refunded 9.9575 AKT of 10 AKT (closed: tenant's reason 1)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("swapped 100 OSMO for 19.900358 AKT"),
        "{stdout}"
    );
    assert!(stdout.contains("claimed 7,000 OSMO"), "{stdout}");
    assert!(stdout.contains("filled at 0.0000025 AKT/block"), "{stdout}");
    assert!(stderr.contains("epoch 4 budget 7,000 OSMO"), "{stderr}");
    assert!(stderr.contains("with backups osmo1"), "{stderr}");
    for text in [&stdout, &stderr] {
        for debug in [
            "Some(", "None", "Addr(", "Coin {", "[Addr", "ibc/1480", "uakt", "uosmo",
        ] {
            assert!(!text.contains(debug), "{debug} in {text}");
        }
    }
}

#[test]
fn demo_lease_rolls_over_and_refunds_exactly() {
    let report = demo_json();
    let lease = &report["lease"];
    let n = |v: &Value| v.as_str().unwrap().parse::<u128>().unwrap();
    // Primary: 1,000 blocks at 25 = 25,000, less the 1% take fee (250) sent to the vault.
    assert_eq!(n(&lease["primary_withdrew"]), 24_750);
    assert_eq!(n(&lease["take_fee_to_vault"]), 250);
    assert_eq!(lease["rolled_over_to"], lease["backup"]);
    // Backup: 500 blocks at 30 = 15,000, less 1% = 14,850.
    assert_eq!(n(&lease["backup_withdrew"]), 14_850);
    // 10,000,000 - 25,000 - 2,500 (primary up to the reported failure) - 15,000.
    assert_eq!(n(&lease["refunded_to_tenant"]), 9_957_500);
    assert_eq!(n(&lease["held_after_close"]), 0);
}

#[test]
fn demo_fills_the_standing_order_at_the_cheapest_offer_with_a_backup() {
    let report = demo_json();
    let book = &report["order_book"];
    assert_eq!(book["waited_while_book_was_empty"], Value::Bool(true));
    assert_eq!(book["lease_price_per_block"], "2.5");
    assert_eq!(book["lease_backups"].as_array().unwrap().len(), 1);
    // 100,000 deposited less the 10 bps keeper bounty.
    assert_eq!(book["lease_deposit"], "99900");
    assert_eq!(book["paid_after_100_blocks"], "250");
}

#[test]
fn demo_pays_the_serving_provider_its_weighted_share() {
    let report = demo_json();
    let inc = &report["incentives"];
    // Only this provider earned in the funded epoch, at tier 2 (x1.5): the oracles' 2,000 units
    // = 3,000 weight, plus the escrow's hook for the lease it served in this epoch (200 blocks at
    // 10 uakt = 2,000 uakt, valued at 1 unit per uakt) = 3,000 more; it takes the whole budget.
    assert_eq!(inc["total_weight"], "6000");
    assert_eq!(inc["claimed"], "7000000000");
}

#[test]
fn demo_vault_buys_stakes_and_harvests_exactly() {
    let report = demo_json();
    let vault = &report["vault"];
    // 500 OSMO waiting; the call swaps 500e6 * 10000 / 10020 = 499,001,996 (room left for the
    // 20 bps bounty = 998,003 uosmo). The 0.1% taker fee leaves 498,502,994 for the pool
    // (50,099.9 OSMO / 9,980.099642 AKT after step 4's swap), whose 0.2% spread factor leaves
    // 497,505,988.012: 9,980,099,642 * 497,505,988.012 / (50,099,900,000 + 497,505,988.012)
    // = 98,130,709.19 -> 98,130,709.
    assert_eq!(vault["akt_bought"], "98130709");
    assert_eq!(vault["convert_bounty"], "998003");
    assert_eq!(vault["sent_to_operator"], "98130709");
    assert_eq!(vault["staked"], "98130709");
    // 1 AKT of rewards, 20 bps to the keeper, the rest to buyback-burn.
    assert_eq!(vault["revenue_to_buyback"], "998000");
    assert_eq!(vault["harvest_bounty"], "2000");
    assert_eq!(vault["principal_conserved"], Value::Bool(true));
    // buyback-burn spent exactly the harvested revenue.
    assert_eq!(
        report["buyback"]["revenue_in"]
            .as_str()
            .unwrap()
            .split('i')
            .next(),
        Some("998000")
    );
}

#[test]
fn demo_sunsets_the_vault_and_forwards_new_proceeds_to_buyback() {
    let report = demo_json();
    let sunset = &report["sunset"];
    assert_eq!(sunset["phase"], "Unbonding");
    assert_eq!(sunset["sunset_risk"], false);
    assert_eq!(
        sunset["unbond_requested"].as_str().unwrap(),
        report["vault"]["staked"].as_str().unwrap()
    );
    let forwarded = sunset["proceeds_forwarded"].as_str().unwrap();
    assert!(forwarded.ends_with("uosmo"), "{forwarded}");
    assert!(
        forwarded.trim_end_matches("uosmo").parse::<u128>().unwrap() >= 100_000_000,
        "{forwarded}"
    );
}

#[test]
fn demo_brings_the_akt_home_then_stakes_osmo_and_burns_spice_with_its_rewards() {
    let report = demo_json();
    let o = &report["osmo_staking"];
    let n = |v: &serde_json::Value| v.as_str().unwrap().parse::<u128>().unwrap();
    // All the AKT asked back at the sunset came home and went to buyback-burn.
    assert_eq!(
        n(&o["principal_routed"]),
        n(&report["sunset"]["unbond_requested"])
    );
    assert_eq!(o["validator"], "osmovaloper1spicedemo");
    assert_eq!(n(&o["osmo_staked"]), 200_000_000);
    // A month at 10% APR on 200 OSMO, less 5% commission: about 1.56 OSMO, split 99.8 / 0.2.
    let revenue = n(&o["revenue_to_buyback"]);
    let bounty = n(&o["keeper_bounty"]);
    assert!(
        (1_400_000..1_700_000).contains(&(revenue + bounty)),
        "{revenue} + {bounty}"
    );
    assert!(
        bounty > 0 && bounty < revenue / 100,
        "{bounty} of {revenue}"
    );
    // Buyback-burn spent the forwarded proceeds and the rewards on SPICE and burned it.
    assert!(n(&o["osmo_bought_with"]) >= 100_000_000 + revenue);
    assert!(n(&o["spice_burned"]) > 0);
}
