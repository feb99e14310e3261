//! `spice-schema <dir>` writes, for each contract, `<dir>/<contract>/<contract>.json` (the whole
//! API, as cosmwasm-schema's `write_api!` does) and `<dir>/<contract>/raw/<message>.json`.
//! One binary for all six contracts, so `scripts/schema.sh` compiles once.

use std::fs;
use std::path::Path;

use cosmwasm_schema::{generate_api, Api};

fn write(dir: &Path, name: &str, api: Api) -> std::io::Result<()> {
    let api = api.render();
    let contract_dir = dir.join(name);
    let raw_dir = contract_dir.join("raw");
    fs::create_dir_all(&raw_dir)?;
    let json = api.to_string().map_err(std::io::Error::other)?;
    fs::write(contract_dir.join(format!("{name}.json")), json + "\n")?;
    for (file, json) in api.to_schema_files().map_err(std::io::Error::other)? {
        fs::write(raw_dir.join(file), json + "\n")?;
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "schema".into());
    let dir = Path::new(&dir);

    macro_rules! contract_api {
        ($name:literal, $krate:ident) => {
            generate_api! {
                name: $name,
                instantiate: $krate::msg::InstantiateMsg,
                execute: $krate::msg::ExecuteMsg,
                query: $krate::msg::QueryMsg,
                migrate: $krate::msg::MigrateMsg,
            }
        };
    }

    write(
        dir,
        "spice-token",
        contract_api!("spice-token", spice_token),
    )?;
    write(
        dir,
        "staking-vault",
        contract_api!("staking-vault", staking_vault),
    )?;
    write(
        dir,
        "buyback-burn",
        contract_api!("buyback-burn", buyback_burn),
    )?;
    write(
        dir,
        "provider-incentives",
        contract_api!("provider-incentives", provider_incentives),
    )?;
    write(dir, "order-book", contract_api!("order-book", order_book))?;
    write(
        dir,
        "rollover-escrow",
        contract_api!("rollover-escrow", rollover_escrow),
    )?;
    Ok(())
}
