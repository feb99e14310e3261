//! `spice store-code-proposal`: code upload on Osmosis mainnet is permissioned (only the gov
//! module may store code), so each contract goes up through a gov v1 proposal whose one message
//! is a `MsgStoreCode` sent by the gov module account. This writes that proposal as the JSON
//! `osmosisd tx gov submit-proposal <file>` takes, one file per contract.
//!
//! The code is gzip-compressed in the proposal: wasmd accepts gzipped `wasm_byte_code` and
//! stores the uncompressed module, and compression keeps the transaction well under the
//! mempool's size limit (a 600 KB artifact is 800 KB in base64, about 250 KB gzipped).
//! Compression is deterministic (no timestamp, fixed level), so the same artifact always gives
//! the same proposal. The checksum in the summary is the sha256 of the uncompressed artifact:
//! the line of `artifacts/checksums.txt`, what a rebuild prints, and the `data_hash` that
//! `osmosisd q wasm code-info` reports once the code is stored. `--no-gzip` embeds the raw
//! artifact instead.
//!
//! Osmosis' proposal standards (prop 438) ask store-code proposals for the commit, the compiler
//! and a plain description; the summary carries all three and the command that reproduces the
//! artifact.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, ensure, Context, Result};
use base64::Engine;
use cosmwasm_std::Coin;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The gov module account on Osmosis (`sha256("gov")[..20]` with the `osmo` prefix): the only
/// sender allowed to store code on mainnet.
pub const OSMOSIS_GOV_MODULE: &str = "osmo10d07y265gmmuvt4z0w9aw880jnsr700jjeq4qp";
/// The default deposit: 1,600 OSMO, Osmosis' minimum deposit when this was written. Check
/// `osmosisd q gov params` before submitting: a proposal below the minimum waits in its deposit
/// period for others to top it up (from 25% of it, the minimum initial deposit), and governance
/// has discussed raising it.
pub const DEFAULT_DEPOSIT: &str = "1600000000uosmo";
/// How the artifacts are built, for the summary.
const BUILD_COMMAND: &str = "scripts/build-wasm.sh --locked --contract";
const TOOLCHAIN: &str = "rustc 1.96 (Debian 12's rustc-web) for wasm32-unknown-unknown with an \
     MVP-only std, optimized by binaryen's wasm-opt and checked by cosmwasm-check 2.3.6, all \
     pinned by scripts/build-wasm.sh";

/// A contract of the suite, as a proposal names and describes it.
pub struct SuiteContract {
    pub name: &'static str,
    pub purpose: &'static str,
}

pub const CONTRACTS: [SuiteContract; 6] = [
    SuiteContract {
        name: "spice-token",
        purpose: "SPICE, the suite's capped token: a cw20 that converts to and from a native \
                  tokenfactory denom, with every burn recorded.",
    },
    SuiteContract {
        name: "buyback-burn",
        purpose: "Buys SPICE with the protocol's revenue through Osmosis pools, guarded by TWAP \
                  and slippage bounds, and burns it.",
    },
    SuiteContract {
        name: "staking-vault",
        purpose: "Converts protocol proceeds to AKT and stakes it (natively or through a \
                  bounded operator over IBC); staking rewards fund the buyback.",
    },
    SuiteContract {
        name: "rollover-escrow",
        purpose: "Holds tenants' deposits for Akash compute leases, streams them to providers \
                  per block, and rolls a lease over to a backup provider when one fails.",
    },
    SuiteContract {
        name: "order-book",
        purpose: "A book of standing compute orders and provider offers; matches open leases \
                  in the escrow.",
    },
    SuiteContract {
        name: "provider-incentives",
        purpose: "Registers and audits compute providers and pays them epoch rewards by the \
                  utilization their leases settled.",
    },
];

pub fn contract(name: &str) -> Result<&'static SuiteContract> {
    CONTRACTS.iter().find(|c| c.name == name).ok_or_else(|| {
        let known: Vec<&str> = CONTRACTS.iter().map(|c| c.name).collect();
        anyhow!(
            "unknown contract {name:?}: the suite's contracts are {}",
            known.join(", ")
        )
    })
}

/// `artifacts/<crate name with underscores>.wasm`, as scripts/build-wasm.sh writes it.
pub fn artifact_file(name: &str) -> String {
    format!("{}.wasm", name.replace('-', "_"))
}

#[derive(clap::Args, Debug)]
pub struct ProposalArgs {
    /// The chain the proposal is for (osmo-test-5 to rehearse it). Only these two take
    /// store-code proposals: the local and embedded chains upload without governance.
    #[arg(long, value_parser = ["osmo-test-5", "osmosis-1"])]
    pub network: String,
    /// A contract of the suite (repeatable), e.g. spice-token.
    #[arg(
        long = "contract",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub contracts: Vec<String>,
    /// Every contract of the suite.
    #[arg(long)]
    pub all: bool,
    /// Where scripts/build-wasm.sh put the artifacts.
    #[arg(long, default_value = "artifacts")]
    pub artifacts: PathBuf,
    /// Where to write `<contract>.proposal.json`.
    #[arg(long, default_value = "proposals")]
    pub out: PathBuf,
    /// The deposit sent with the proposal. Default: 1,600 OSMO; check `osmosisd q gov params`.
    #[arg(long, default_value = DEFAULT_DEPOSIT)]
    pub deposit: String,
    /// Who may instantiate the code: `everybody`, or `only:<addr>,<addr>`.
    #[arg(long, default_value = "everybody")]
    pub instantiate_permission: String,
    /// Embed the raw artifact instead of gzipping it.
    #[arg(long)]
    pub no_gzip: bool,
    /// The source commit the artifacts were built from, as 40 hex digits (default: this
    /// checkout's HEAD).
    #[arg(long, value_parser = parse_commit)]
    pub commit: Option<String>,
    /// The proposal's metadata (at most 255 characters; default: the release's URL).
    #[arg(long)]
    pub metadata: Option<String>,
}

/// `instantiate_permission` of the stored code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Permission {
    Everybody,
    AnyOf(Vec<String>),
}

impl Permission {
    pub fn parse(text: &str) -> Result<Self> {
        if text == "everybody" {
            return Ok(Permission::Everybody);
        }
        let Some(list) = text.strip_prefix("only:") else {
            bail!("--instantiate-permission takes everybody or only:<addr>,<addr>, got {text:?}");
        };
        let addresses: Vec<String> = list
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect();
        ensure!(
            !addresses.is_empty(),
            "--instantiate-permission only: needs at least one address"
        );
        let mut seen = std::collections::BTreeSet::new();
        for a in &addresses {
            check_osmo_address(a)?;
            // wasmd refuses an AccessConfig listing an address twice, and only after the
            // deposit and the vote: refuse it here.
            ensure!(
                seen.insert(a.as_str()),
                "--instantiate-permission lists {a} twice (wasmd refuses duplicate addresses)"
            );
        }
        Ok(Permission::AnyOf(addresses))
    }

    fn to_json(&self) -> Value {
        match self {
            Permission::Everybody => json!({
                "permission": "ACCESS_TYPE_EVERYBODY",
                "addresses": [],
            }),
            Permission::AnyOf(addresses) => json!({
                "permission": "ACCESS_TYPE_ANY_OF_ADDRESSES",
                "addresses": addresses,
            }),
        }
    }

    fn describe(&self) -> String {
        match self {
            Permission::Everybody => "everybody".into(),
            Permission::AnyOf(a) => format!("only {}", a.join(", ")),
        }
    }
}

fn check_osmo_address(address: &str) -> Result<()> {
    let (hrp, data) =
        bech32::decode(address).map_err(|e| anyhow!("{address:?} is not an address: {e}"))?;
    ensure!(
        hrp.as_str() == "osmo",
        "{address:?} is not an Osmosis address (prefix {})",
        hrp.as_str()
    );
    ensure!(
        data.len() == 20 || data.len() == 32,
        "{address:?} is {} bytes long, not an account or contract address",
        data.len()
    );
    Ok(())
}

/// Everything one proposal is made of.
pub struct ProposalInput<'a> {
    pub contract: &'a SuiteContract,
    pub wasm: &'a [u8],
    pub deposit: &'a Coin,
    pub permission: &'a Permission,
    pub gzip: bool,
    pub commit: &'a str,
    pub metadata: Option<&'a str>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    // GzEncoder writes no file name and a zero mtime: the output depends on the bytes alone.
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// The proposal JSON for one contract.
pub fn proposal_json(input: &ProposalInput) -> Result<Value> {
    ensure!(
        input.wasm.starts_with(b"\0asm"),
        "{} is not a wasm module (no \\0asm header)",
        artifact_file(input.contract.name)
    );
    let name = input.contract.name;
    let file = artifact_file(name);
    let checksum = sha256_hex(input.wasm);
    let (code, encoding) = if input.gzip {
        let zipped = gzip(input.wasm)?;
        let note = format!(
            "gzip-compressed ({} bytes); wasmd stores the uncompressed module",
            zipped.len()
        );
        (zipped, note)
    } else {
        (input.wasm.to_vec(), "the raw artifact".to_string())
    };
    let version = env!("CARGO_PKG_VERSION");
    let repository = env!("CARGO_PKG_REPOSITORY");
    let short = &checksum[..12];
    let title = format!("Store code: SPICE {name} v{version} (sha256 {short}…)");
    let unzip = if input.gzip { " | gunzip" } else { "" };
    let summary = format!(
        "Uploads the `{name}` contract of the SPICE suite, v{version}, to Osmosis.\n\n\
         {purpose}\n\n\
         - Artifact: `artifacts/{file}`, {size} bytes, sha256 `{checksum}`.\n\
         - In this proposal: `wasm_byte_code` is {encoding}. Once stored, `osmosisd q wasm \
         code-info <code id>` reports the checksum above as `data_hash`.\n\
         - Source: {repository}, commit `{commit}`.\n\
         - Reproduce: `git checkout {commit} && {BUILD_COMMAND} {name} && sha256sum \
         artifacts/{file}` prints the checksum above (`scripts/build-wasm.sh --verify` builds \
         twice from scratch in different directories and compares).\n\
         - Compiler: {TOOLCHAIN}.\n\
         - Check this proposal's code: `jq -r '.messages[0].wasm_byte_code' <proposal.json> | \
         base64 -d{unzip} | sha256sum`.\n\
         - Instantiate permission: {permission}. Sender: the gov module, `{OSMOSIS_GOV_MODULE}`.\n",
        purpose = input.contract.purpose,
        size = input.wasm.len(),
        commit = input.commit,
        permission = input.permission.describe(),
    );
    let metadata = input
        .metadata
        .map(str::to_string)
        .unwrap_or_else(|| format!("{repository}/releases/tag/v{version}"));
    ensure!(
        metadata.len() <= 255,
        "--metadata is {} characters; gov allows 255",
        metadata.len()
    );
    ensure!(title.len() <= 140, "title too long: {title}");
    Ok(json!({
        "messages": [{
            "@type": "/cosmwasm.wasm.v1.MsgStoreCode",
            "sender": OSMOSIS_GOV_MODULE,
            "wasm_byte_code": base64::engine::general_purpose::STANDARD.encode(&code),
            "instantiate_permission": input.permission.to_json(),
        }],
        "metadata": metadata,
        "deposit": input.deposit.to_string(),
        "title": title,
        "summary": summary,
        "expedited": false,
    }))
}

/// The checksum `checksums.txt` (sha256sum format) lists for `file`, if it lists it.
fn listed_checksum(artifacts: &Path, file: &str) -> Result<Option<String>> {
    let path = artifacts.join("checksums.txt");
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    Ok(text.lines().find_map(|line| {
        let (hash, listed) = line.split_once(char::is_whitespace)?;
        let listed = listed.trim().trim_start_matches('*');
        (Path::new(listed).file_name()? == file).then(|| hash.to_lowercase())
    }))
}

/// `--commit`: a full git commit hash (40 hex digits), lower-cased, so the proposal's
/// "git checkout <commit>" names exactly one commit.
pub fn parse_commit(text: &str) -> Result<String> {
    ensure!(
        text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit()),
        "--commit takes the full commit hash, 40 hex digits (git rev-parse HEAD), got {text:?}"
    );
    Ok(text.to_ascii_lowercase())
}

fn head_commit() -> Result<String> {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .context("running git (or pass --commit)")?;
    ensure!(
        out.status.success(),
        "not in a git checkout: pass --commit <the commit the artifacts were built from>"
    );
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false);
    if dirty {
        eprintln!("warning: the checkout has uncommitted changes; HEAD may not be what the artifacts were built from");
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Writes one proposal per contract and returns the files written.
pub fn write_proposals(args: &ProposalArgs) -> Result<Vec<(PathBuf, String)>> {
    match args.network.as_str() {
        "osmosis-1" | "osmo-test-5" => {}
        other => bail!(
            "{other} uploads code without governance: deploy there directly; store-code \
             proposals are for osmosis-1 (or osmo-test-5 to rehearse)"
        ),
    }
    let contracts: Vec<&SuiteContract> = if args.all {
        CONTRACTS.iter().collect()
    } else {
        args.contracts
            .iter()
            .map(|n| contract(n))
            .collect::<Result<_>>()?
    };
    let deposit: Coin = args
        .deposit
        .parse()
        .map_err(|e| anyhow!("--deposit {:?}: {e}", args.deposit))?;
    ensure!(
        deposit.denom == "uosmo",
        "--deposit must be in uosmo, got {}",
        deposit.denom
    );
    let permission = Permission::parse(&args.instantiate_permission)?;
    let commit = match &args.commit {
        Some(c) => c.clone(),
        None => head_commit()?,
    };
    std::fs::create_dir_all(&args.out).with_context(|| args.out.display().to_string())?;
    let mut written = vec![];
    for c in contracts {
        let file = artifact_file(c.name);
        let path = args.artifacts.join(&file);
        let wasm = std::fs::read(&path).with_context(|| {
            format!(
                "reading {} (build it with {BUILD_COMMAND} {})",
                path.display(),
                c.name
            )
        })?;
        let checksum = sha256_hex(&wasm);
        if let Some(listed) = listed_checksum(&args.artifacts, &file)? {
            ensure!(
                listed == checksum,
                "{} has sha256 {checksum} but checksums.txt lists {listed}: rebuild the artifacts",
                path.display()
            );
        }
        let proposal = proposal_json(&ProposalInput {
            contract: c,
            wasm: &wasm,
            deposit: &deposit,
            permission: &permission,
            gzip: !args.no_gzip,
            commit: &commit,
            metadata: args.metadata.as_deref(),
        })?;
        let out = args.out.join(format!("{}.proposal.json", c.name));
        std::fs::write(&out, serde_json::to_string_pretty(&proposal)? + "\n")
            .with_context(|| out.display().to_string())?;
        written.push((out, checksum));
    }
    Ok(written)
}

pub fn run(args: &ProposalArgs) -> Result<()> {
    let written = write_proposals(args)?;
    let unzip = if args.no_gzip { "" } else { " | gunzip" };
    for (path, checksum) in &written {
        println!("wrote {}  (artifact sha256 {checksum})", path.display());
    }
    println!();
    println!("Submit each proposal (the deposit goes with it):");
    for (path, _) in &written {
        println!(
            "  osmosisd tx gov submit-proposal {} --from <key> --chain-id {} --gas auto --gas-adjustment 1.5 --gas-prices 0.03uosmo",
            path.display(),
            args.network
        );
    }
    println!();
    println!("Voters check the code before voting: each line must print its proposal's checksum,");
    println!("the one in its summary, which a rebuild at the commit reproduces:");
    for (path, checksum) in &written {
        println!(
            "  jq -r '.messages[0].wasm_byte_code' {} | base64 -d{unzip} | sha256sum   # {checksum}",
            path.display()
        );
    }
    println!();
    println!(
        "Once stored, `osmosisd q wasm code-info <code id>` shows the same checksum as data_hash."
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![];
        GzDecoder::new(bytes).read_to_end(&mut out)?;
        Ok(out)
    }

    fn fake_wasm(seed: u8) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        // Compressible but not trivial, like real code.
        wasm.extend((0..4_000u32).map(|i| (i % 251) as u8 ^ seed));
        wasm
    }

    fn args(artifacts: &Path, out: &Path) -> ProposalArgs {
        ProposalArgs {
            network: "osmosis-1".into(),
            contracts: vec!["spice-token".into()],
            all: false,
            artifacts: artifacts.to_path_buf(),
            out: out.to_path_buf(),
            deposit: DEFAULT_DEPOSIT.into(),
            instantiate_permission: "everybody".into(),
            no_gzip: false,
            commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
            metadata: None,
        }
    }

    fn artifacts_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (i, c) in CONTRACTS.iter().enumerate() {
            std::fs::write(dir.path().join(artifact_file(c.name)), fake_wasm(i as u8)).unwrap();
        }
        dir
    }

    fn read(path: &Path) -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn code_of(proposal: &Value) -> Vec<u8> {
        let b64 = proposal["messages"][0]["wasm_byte_code"].as_str().unwrap();
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    }

    #[test]
    fn proposal_embeds_the_gzipped_artifact_and_its_checksum() {
        let artifacts = artifacts_dir();
        let out = tempfile::tempdir().unwrap();
        let written = write_proposals(&args(artifacts.path(), out.path())).unwrap();
        assert_eq!(written.len(), 1);
        let proposal = read(&out.path().join("spice-token.proposal.json"));
        let artifact = std::fs::read(artifacts.path().join("spice_token.wasm")).unwrap();

        let code = code_of(&proposal);
        assert!(code.starts_with(&[0x1f, 0x8b]), "gzip magic");
        assert!(code.len() < artifact.len());
        assert_eq!(gunzip(&code).unwrap(), artifact);

        let checksum = sha256_hex(&artifact);
        assert_eq!(written[0].1, checksum);
        let summary = proposal["summary"].as_str().unwrap();
        assert!(
            summary.contains(&format!("sha256 `{checksum}`")),
            "{summary}"
        );
        assert!(summary.contains("scripts/build-wasm.sh --locked --contract spice-token"));
        assert!(summary.contains("0123456789abcdef0123456789abcdef01234567"));
        assert!(proposal["title"]
            .as_str()
            .unwrap()
            .contains(&checksum[..12]));

        let msg = &proposal["messages"][0];
        assert_eq!(msg["@type"], "/cosmwasm.wasm.v1.MsgStoreCode");
        assert_eq!(msg["sender"], OSMOSIS_GOV_MODULE);
        assert_eq!(
            msg["instantiate_permission"],
            json!({"permission": "ACCESS_TYPE_EVERYBODY", "addresses": []})
        );
        assert_eq!(proposal["deposit"], "1600000000uosmo");
        assert_eq!(proposal["expedited"], false);
        assert!(proposal["metadata"].as_str().unwrap().len() <= 255);
    }

    #[test]
    fn proposal_without_gzip_embeds_the_artifact_bytes_exactly() {
        let artifacts = artifacts_dir();
        let out = tempfile::tempdir().unwrap();
        let mut a = args(artifacts.path(), out.path());
        a.no_gzip = true;
        a.contracts = vec!["order-book".into()];
        write_proposals(&a).unwrap();
        let proposal = read(&out.path().join("order-book.proposal.json"));
        let artifact = std::fs::read(artifacts.path().join("order_book.wasm")).unwrap();
        assert_eq!(code_of(&proposal), artifact);
        assert!(!proposal["summary"].as_str().unwrap().contains("gunzip"));
    }

    #[test]
    fn gzip_is_deterministic() {
        let wasm = fake_wasm(7);
        assert_eq!(gzip(&wasm).unwrap(), gzip(&wasm).unwrap());
    }

    #[test]
    fn all_writes_one_proposal_per_contract() {
        let artifacts = artifacts_dir();
        let out = tempfile::tempdir().unwrap();
        let mut a = args(artifacts.path(), out.path());
        a.all = true;
        a.contracts = vec![];
        let written = write_proposals(&a).unwrap();
        assert_eq!(written.len(), 6);
        for c in &CONTRACTS {
            let proposal = read(&out.path().join(format!("{}.proposal.json", c.name)));
            let artifact = std::fs::read(artifacts.path().join(artifact_file(c.name))).unwrap();
            assert_eq!(gunzip(&code_of(&proposal)).unwrap(), artifact, "{}", c.name);
        }
    }

    #[test]
    fn unknown_contract_is_refused_naming_the_known_ones() {
        let artifacts = artifacts_dir();
        let out = tempfile::tempdir().unwrap();
        let mut a = args(artifacts.path(), out.path());
        a.contracts = vec!["spice-tokn".into()];
        let err = write_proposals(&a).unwrap_err().to_string();
        assert!(err.contains("unknown contract \"spice-tokn\""), "{err}");
        assert!(err.contains("spice-token, buyback-burn"), "{err}");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }

    #[test]
    fn artifact_disagreeing_with_checksums_txt_is_refused() {
        let artifacts = artifacts_dir();
        std::fs::write(
            artifacts.path().join("checksums.txt"),
            format!("{}  artifacts/spice_token.wasm\n", "ab".repeat(32)),
        )
        .unwrap();
        let out = tempfile::tempdir().unwrap();
        let err = write_proposals(&args(artifacts.path(), out.path()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("checksums.txt lists"), "{err}");

        let real = sha256_hex(&std::fs::read(artifacts.path().join("spice_token.wasm")).unwrap());
        std::fs::write(
            artifacts.path().join("checksums.txt"),
            format!("{real}  artifacts/spice_token.wasm\n"),
        )
        .unwrap();
        write_proposals(&args(artifacts.path(), out.path())).unwrap();
    }

    #[test]
    fn non_wasm_artifact_is_refused() {
        let artifacts = artifacts_dir();
        std::fs::write(artifacts.path().join("spice_token.wasm"), b"not wasm").unwrap();
        let out = tempfile::tempdir().unwrap();
        let err = write_proposals(&args(artifacts.path(), out.path()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a wasm module"), "{err}");
    }

    #[test]
    fn instantiate_permission_lists_only_valid_osmosis_addresses() {
        let encode = |prefix: &str, bytes: &[u8]| {
            bech32::encode::<bech32::Bech32>(bech32::Hrp::parse(prefix).unwrap(), bytes).unwrap()
        };
        let a = encode("osmo", &[7; 20]);
        let a = a.as_str();
        let b = OSMOSIS_GOV_MODULE;
        assert_eq!(
            Permission::parse(&format!("only:{a},{b}")).unwrap(),
            Permission::AnyOf(vec![a.into(), b.into()])
        );
        assert_eq!(
            Permission::parse(&format!("only:{a}")).unwrap().to_json(),
            json!({"permission": "ACCESS_TYPE_ANY_OF_ADDRESSES", "addresses": [a]})
        );
        assert!(Permission::parse(&format!("only:{}", encode("cosmos", &[7; 20]))).is_err());
        assert!(Permission::parse(&format!("only:{}", encode("osmo", &[7; 8]))).is_err());
        assert!(Permission::parse("only:osmo1notanaddress").is_err());
        assert!(Permission::parse("only:").is_err());
        assert!(Permission::parse("nobody").is_err());
    }

    #[test]
    fn gov_module_address_is_sha256_of_gov_on_osmo() {
        let hash = Sha256::digest(b"gov");
        let hrp = bech32::Hrp::parse("osmo").unwrap();
        let address = bech32::encode::<bech32::Bech32>(hrp, &hash[..20]).unwrap();
        assert_eq!(address, OSMOSIS_GOV_MODULE);
    }

    #[test]
    fn local_networks_and_foreign_deposits_are_refused() {
        let artifacts = artifacts_dir();
        let out = tempfile::tempdir().unwrap();
        let mut a = args(artifacts.path(), out.path());
        a.network = "local".into();
        assert!(write_proposals(&a)
            .unwrap_err()
            .to_string()
            .contains("without governance"));
        let mut a = args(artifacts.path(), out.path());
        a.deposit = "1000uatom".into();
        assert!(write_proposals(&a)
            .unwrap_err()
            .to_string()
            .contains("uosmo"));
    }
}
