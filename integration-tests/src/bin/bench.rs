//! `scripts/bench.sh`'s benchmark run: measures every path of the optimized artifacts in
//! cosmwasm-vm, writes `BENCHMARKS.md`, and with `--check` fails on the rules of
//! [`spice_integration_tests::bench::check`].
//!
//! ```text
//! bench [--check] [--write-budgets] [--out BENCHMARKS.md] [--budgets bench/budgets.toml] [--only SECTION]
//!       [--real-gas target/e2e/gas.json]
//! ```
//!
//! `--real-gas`: the gas a real node charged (written by `scripts/e2e.sh`); shown beside the
//! estimates when the file exists and matches the artifacts, "not measured" otherwise.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use spice_integration_tests::bench;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("integration-tests/ lives in the workspace")
        .to_path_buf()
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("bench: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<bool> {
    let mut check = false;
    let mut write_budgets = false;
    let mut out = workspace().join("BENCHMARKS.md");
    let mut budgets = workspace().join("bench/budgets.toml");
    let mut only: Option<String> = None;
    let mut real_gas = workspace().join("target/e2e/gas.json");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--write-budgets" => write_budgets = true,
            "--out" => out = args.next().context("--out needs a path")?.into(),
            "--budgets" => budgets = args.next().context("--budgets needs a path")?.into(),
            "--only" => only = Some(args.next().context("--only needs a section")?),
            "--real-gas" => real_gas = args.next().context("--real-gas needs a path")?.into(),
            other => anyhow::bail!("unknown argument {other:?}"),
        }
    }

    let started = Instant::now();
    let (results, missing) = bench::run_all(only.as_deref());
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("bench: measured in {seconds:.1}s");

    let real = bench::read_real_chain(
        &real_gas,
        &spice_integration_tests::vm::artifacts_dir().join("checksums.txt"),
    );
    eprint!("{}", bench::real_chain_report(&results, &real));
    if only.is_none() {
        let md = bench::render(&results, &missing, &real)?;
        std::fs::write(&out, md).with_context(|| format!("writing {}", out.display()))?;
        eprintln!("bench: wrote {}", out.display());
    }
    if write_budgets {
        std::fs::create_dir_all(budgets.parent().unwrap_or(Path::new(".")))?;
        std::fs::write(&budgets, bench::budgets_toml(&results, 5))
            .with_context(|| format!("writing {}", budgets.display()))?;
        eprintln!("bench: wrote {}", budgets.display());
    }
    if only.is_some() {
        // A partial run writes no document: its rows go to stderr instead.
        for r in &results.rows {
            eprintln!(
                "bench: {} {}.{} @{}: {} SDK gas, {} VM gas",
                r.table, r.contract, r.path, r.entries, r.report.sdk_gas, r.report.vm_gas
            );
        }
    }
    for m in &missing {
        eprintln!("bench: not measured: {m}");
    }
    for m in &results.vault_missing {
        eprintln!("bench: staking_vault not measured: {m}");
    }
    if !check {
        return Ok(missing.is_empty() && results.vault_missing.is_empty());
    }
    let text = std::fs::read_to_string(&budgets).with_context(|| {
        format!(
            "reading {} (create it with --write-budgets)",
            budgets.display()
        )
    })?;
    let budget_map = bench::parse_budgets(&text)?;
    let failures = bench::check(&results, &budget_map, &missing, only.as_deref());
    if failures.is_empty() {
        eprintln!("bench --check: OK ({} rows)", results.rows.len());
        Ok(true)
    } else {
        for f in &failures {
            eprintln!("bench --check: FAIL {f}");
        }
        Ok(false)
    }
}
