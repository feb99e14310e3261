//! `spice deploy`: stores the six artifacts and instantiates the suite on a cw-orch chain, in
//! `spice-suite`'s order and with its wiring, recording each step in a state file so a re-run
//! only does what is left.
//!
//! Every contract is instantiated with `instantiate2`, its address fixed by (code checksum,
//! deployer, salt) before anything is sent. That is what lets the escrow accept the order book
//! as lease opener, and the book use incentives as provider registry, at instantiation: the
//! embedded chain's `spice_suite::deploy` wires them afterwards with `update_config` from the
//! owner, which on a real chain would need the DAO (the owner) to sign. So the owner is the DAO
//! from the first block, and the deployer key never holds any power over the suite.
//!
//! Before the first transaction a run checks all it can (see [`deploy_with`]): an artifact
//! rebuilt since the state file recorded its code, a `--code-ids` code that is not the
//! artifact, recorded contracts gone from the chain, a failed query (never taken for "not
//! there"), and on mainnet `--yes`, roles other than the deployer, and code ids for every
//! contract. After each instantiation it reads the contract's code id and wasm admin back.
//! The state file is written atomically under a `flock`, so a crash at any step leaves a
//! state the next run finishes.
//!
//! Generic over [`CwEnv`]: the CLI runs it on cw-orch's `Daemon`, the tests on its `Mock`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use cosmwasm_std::{Addr, Binary, Checksum, Decimal, Timestamp, Uint128};
use cw20::{Cw20Coin, MinterResponse};
use cw_orch::prelude::CwOrchError as CwEnvError;
use cw_orch::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use spice_interfaces::{
    BuybackBurn, OrderBook, ProviderIncentives, RolloverEscrow, SpiceSuite, SpiceToken,
    StakingVault,
};

// ---------------------------------------------------------------------------------------
// deploy.toml
// ---------------------------------------------------------------------------------------

/// `deploy.toml`: one table per network (`[local]`, `[osmo-test-5]`, `[osmosis-1]`).
/// Addresses, denoms and parameters only: keys never go in it.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct DeployFile {
    pub networks: BTreeMap<String, NetworkConfig>,
}

impl DeployFile {
    pub fn parse(text: &str) -> Result<Self> {
        Ok(toml::from_str(text)?)
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("parsing {}", path.display()))
    }

    pub fn network(&self, name: &str) -> Result<&NetworkConfig> {
        self.networks.get(name).ok_or_else(|| {
            anyhow!(
                "no [{name}] table in the deploy config (it has: {})",
                self.networks.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })
    }
}

/// Everything one network's deployment needs besides the code and the key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// Node overrides (endpoint, gas price); the built-in network's values otherwise.
    #[serde(default)]
    pub chain: ChainOverrides,
    pub roles: RolesConfig,
    pub denoms: DenomsConfig,
    #[serde(default)]
    pub token: TokenParams,
    #[serde(default)]
    pub buyback: BuybackParams,
    #[serde(default)]
    pub vault: VaultParams,
    #[serde(default)]
    pub escrow: EscrowParams,
    #[serde(default)]
    pub order_book: OrderBookParams,
    #[serde(default)]
    pub incentives: IncentivesParams,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainOverrides {
    pub grpc_url: Option<String>,
    pub chain_id: Option<String>,
    pub gas_denom: Option<String>,
    pub gas_price: Option<f64>,
}

impl ChainOverrides {
    /// `[<network>.chain]` of the deploy config at `path`; none when the file does not exist
    /// (the built-in network's values then apply). `keeper`, `status` and `alerts` read the
    /// node settings this one way.
    pub fn from_config_file(path: &Path, network: &str) -> Result<Self> {
        if !path.is_file() {
            return Ok(Self::default());
        }
        Ok(DeployFile::load(path)?
            .networks
            .get(network)
            .map(|n| n.chain.clone())
            .unwrap_or_default())
    }
}

/// Who governs and operates the suite. `"deployer"` stands for the signing account (handy on
/// a local chain; never for a real owner).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolesConfig {
    /// The DAO: owner and wasm admin of every contract, SPICE minter.
    pub owner: String,
    pub guardian: Option<String>,
    /// Receives the initial SPICE supply.
    pub treasury: String,
    /// Runs the vault's Akash delegation address; required by an operator strategy.
    pub operator: Option<String>,
    /// Reports provider failures to the escrow.
    #[serde(default)]
    pub monitors: Vec<String>,
    pub oracles: Vec<String>,
    #[serde(default)]
    pub auditors: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenomsConfig {
    /// AKT as this chain knows it (on Osmosis an `ibc/…` denom).
    pub akt: String,
    /// What tenants may pay leases and orders in (escrow and order book).
    pub payment: Vec<String>,
    /// What provider incentives pay out.
    pub rewards: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenParams {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    /// Most SPICE that may ever exist, in base units.
    pub cap: Uint128,
    /// Minted to the treasury at instantiation, in base units.
    pub initial_supply: Uint128,
    pub subdenom: String,
    /// Creates the tokenfactory twin at instantiation. Osmosis' tokenfactory messages only:
    /// off on chains without it (the Injective localnet, cw-orch's Mock).
    pub enable_native: bool,
}

impl Default for TokenParams {
    fn default() -> Self {
        TokenParams {
            name: "Spice".into(),
            symbol: "SPICE".into(),
            decimals: spice_suite::SPICE_DECIMALS,
            cap: Uint128::new(spice_suite::SPICE_CAP),
            initial_supply: Uint128::new(spice_suite::SPICE_CAP / 10),
            subdenom: spice_suite::SPICE_SUBDENOM.into(),
            enable_native: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuybackParams {
    /// The denom buybacks buy; `factory/<token>/<subdenom>` when left out.
    pub spice_denom: Option<String>,
    pub twap_window_seconds: u64,
    pub max_slippage: Decimal,
    pub max_spot_deviation: Decimal,
    pub keeper_bounty_bps: u16,
    pub cooldown_seconds: u64,
    pub per_call_cap: Uint128,
    pub epoch_cap: Uint128,
    pub epoch_seconds: u64,
    /// Least input one buyback swaps; left out, the contract's default (1% of `per_call_cap`).
    pub min_swap: Option<Uint128>,
}

impl Default for BuybackParams {
    fn default() -> Self {
        BuybackParams {
            spice_denom: None,
            twap_window_seconds: 1_800,
            max_slippage: Decimal::percent(2),
            max_spot_deviation: Decimal::percent(3),
            keeper_bounty_bps: 20,
            cooldown_seconds: 3_600,
            per_call_cap: Uint128::new(1_000_000_000),
            epoch_cap: Uint128::new(10_000_000_000),
            epoch_seconds: 86_400,
            min_swap: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VaultParams {
    pub twap_window_seconds: u64,
    pub max_slippage: Decimal,
    pub max_spot_deviation: Decimal,
    pub keeper_bounty_bps: u16,
    pub convert_cooldown_seconds: u64,
    pub per_convert_cap: Option<Uint128>,
    pub unbonding_period_seconds: Option<u64>,
    /// Without one, `stake` is refused until the DAO sets a strategy.
    pub strategy: Option<StrategyConfig>,
}

impl Default for VaultParams {
    fn default() -> Self {
        VaultParams {
            twap_window_seconds: 1_800,
            max_slippage: Decimal::percent(2),
            max_spot_deviation: Decimal::percent(3),
            keeper_bounty_bps: 20,
            convert_cooldown_seconds: 3_600,
            per_convert_cap: None,
            unbonding_period_seconds: None,
            strategy: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StrategyConfig {
    /// Delegates on this chain (AKT must be its bond denom).
    Native {
        validators: Vec<staking_vault::state::WeightedValidator>,
    },
    /// ICS-20 to the operator's delegation address on Akash; the operator is `roles.operator`.
    Operator {
        channel: String,
        delegation_address: String,
        max_daily_outflow: Uint128,
        max_apr: Decimal,
        transfer_timeout_seconds: u64,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EscrowParams {
    pub take_fee_bps: u16,
    pub grace_period_blocks: u64,
    pub heartbeat_timeout_blocks: u64,
    pub keeper_bounty_bps: u16,
    pub max_backups: Option<u32>,
    pub bond_slash_bps: Option<u16>,
    /// Smallest bank deposit by anyone but the tenant; default 1,000 base units.
    pub min_sponsor_deposit: Option<Uint128>,
}

impl Default for EscrowParams {
    fn default() -> Self {
        EscrowParams {
            take_fee_bps: 100,
            grace_period_blocks: 600,
            heartbeat_timeout_blocks: 100,
            keeper_bounty_bps: 10,
            max_backups: None,
            bond_slash_bps: None,
            min_sponsor_deposit: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrderBookParams {
    pub min_runway_blocks: u64,
    pub max_open_orders_per_tenant: u32,
    pub keeper_bounty_bps: u16,
    pub max_open_offers_per_provider: Option<u32>,
    /// Refundable deposit per offer (the registry gates offers too); none by default.
    pub offer_deposit: Option<cosmwasm_std::Coin>,
}

impl Default for OrderBookParams {
    fn default() -> Self {
        OrderBookParams {
            min_runway_blocks: 14_400,
            max_open_orders_per_tenant: 20,
            keeper_bounty_bps: 10,
            max_open_offers_per_provider: None,
            offer_deposit: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IncentivesParams {
    /// Start of epoch 0, seconds since the Unix epoch; the instantiation block's time if left out.
    pub genesis_time: Option<u64>,
    pub epoch_seconds: u64,
    pub report_window_seconds: u64,
    pub dispute_window_seconds: u64,
    pub oracle_quorum: u32,
    pub tier_multipliers: Option<Vec<Decimal>>,
    pub bond_denom: Option<String>,
    pub min_bond: Option<Uint128>,
    pub max_report_entries: Option<u32>,
}

impl Default for IncentivesParams {
    fn default() -> Self {
        IncentivesParams {
            genesis_time: None,
            epoch_seconds: 604_800,
            report_window_seconds: 86_400,
            dispute_window_seconds: 172_800,
            oracle_quorum: 1,
            tier_multipliers: None,
            bond_denom: None,
            min_bond: None,
            max_report_entries: None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// State file
// ---------------------------------------------------------------------------------------

/// The suite's contracts by role, in instantiation order; the keys of the state file.
pub const CONTRACTS: [&str; 6] = [
    "spice_token",
    "buyback_burn",
    "staking_vault",
    "rollover_escrow",
    "order_book",
    "provider_incentives",
];

/// What is deployed where: written after every step, so an interrupted run resumes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeployState {
    pub network: String,
    pub chain_id: String,
    /// The account that signed; instantiate2 addresses depend on it.
    pub deployer: String,
    /// Salt prefix of this deployment's addresses (`spice@<height of the first run>`).
    pub deployment: String,
    pub contracts: BTreeMap<String, ContractState>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContractState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_id: Option<u64>,
    /// Hex SHA-256 of the stored code, as the chain reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl DeployState {
    /// The state at `path`, or an empty one if there is no such file yet.
    pub fn load_or_default(path: &Path) -> Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("parsing the state file {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(DeployState::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Written whole to a temporary file of its own (unique name, same directory), flushed to
    /// disk and renamed over the old one, so a crash leaves either the old or the new state,
    /// never half a file, and two writers never share a temporary file.
    pub fn save(&self, path: &Path) -> Result<()> {
        use std::io::Write;
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .with_context(|| format!("{} is not a file path", path.display()))?
            .to_string_lossy();
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{seq}.tmp", std::process::id()));
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        let written = (|| -> std::io::Result<()> {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)?;
            // The rename itself is durable once the directory is.
            std::fs::File::open(&dir)?.sync_all()
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp); // best effort: the error below is what matters
            return Err(e).with_context(|| format!("writing {}", path.display()));
        }
        Ok(())
    }

    pub fn contract(&self, key: &str) -> ContractState {
        self.contracts.get(key).cloned().unwrap_or_default()
    }

    pub fn address(&self, key: &str) -> Option<&str> {
        self.contracts.get(key).and_then(|c| c.address.as_deref())
    }
}

/// `<state file>.lock`, held with `flock(2)` while a deploy runs, so two runs never
/// interleave their transactions and writes on one state file. The kernel releases it when
/// the process ends however it ends (a crash or `kill -9` leaves nothing to clean up); the
/// file itself stays, holding the pid of the last run.
pub struct StateLock {
    _file: std::fs::File,
}

impl StateLock {
    pub fn path_for(state_path: &Path) -> PathBuf {
        let mut name = state_path.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    pub fn acquire(state_path: &Path) -> Result<Self> {
        use std::io::{Read, Seek, Write};
        let path = Self::path_for(state_path);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        if !try_lock(&file).with_context(|| format!("locking {}", path.display()))? {
            let mut holder = String::new();
            // Only for the message: an unreadable pid still refuses.
            let _ = file.read_to_string(&mut holder);
            bail!(
                "another deploy (pid {}) is using {}: wait for it to finish",
                holder.trim(),
                state_path.display()
            );
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(StateLock { _file: file })
    }
}

/// An exclusive, non-blocking `flock`: `Ok(false)` when another process holds it.
#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a file descriptor this `File` owns and keeps open.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    if err.kind() == std::io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(err)
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &std::fs::File) -> std::io::Result<bool> {
    Ok(true)
}

/// Default state file of a network: `spice-state-<network>.json` in the working directory.
pub fn default_state_path(network: &str) -> PathBuf {
    PathBuf::from(format!("spice-state-{network}.json"))
}

// ---------------------------------------------------------------------------------------
// The deployment
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    Uploaded {
        code_id: u64,
    },
    /// The recorded code id holds code with the artifact's checksum.
    UploadSkipped {
        code_id: u64,
    },
    Instantiated {
        address: String,
    },
    /// Recorded in the state file and present on chain.
    InstantiateSkipped {
        address: String,
    },
    /// Not in the state file but already at its address (a run that stopped before saving).
    Adopted {
        address: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub contract: &'static str,
    #[serde(flatten)]
    pub action: Action,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.contract;
        match &self.action {
            Action::Uploaded { code_id } => write!(f, "{name:<20} stored as code {code_id}"),
            Action::UploadSkipped { code_id } => {
                write!(
                    f,
                    "{name:<20} code {code_id} already stored (same checksum)"
                )
            }
            Action::Instantiated { address } => write!(f, "{name:<20} instantiated at {address}"),
            Action::InstantiateSkipped { address } => {
                write!(f, "{name:<20} already instantiated at {address}")
            }
            Action::Adopted { address } => {
                write!(f, "{name:<20} found on chain at {address} (recorded now)")
            }
        }
    }
}

/// One wiring check: what a contract's config says against what it should say.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WiringCheck {
    pub what: &'static str,
    pub expected: String,
    pub actual: String,
}

impl WiringCheck {
    pub fn ok(&self) -> bool {
        self.expected == self.actual
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DeployReport {
    pub state: DeployState,
    pub steps: Vec<Step>,
    pub wiring: Vec<WiringCheck>,
}

impl DeployReport {
    /// Whether this run sent no transaction at all.
    pub fn nothing_done(&self) -> bool {
        self.steps.iter().all(|s| {
            matches!(
                s.action,
                Action::UploadSkipped { .. } | Action::InstantiateSkipped { .. }
            )
        })
    }
}

/// How a run may proceed beyond the plain local/testnet deploy.
#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    /// Code ids stored by governance (`--code-ids key=id,…`), by contract key; each is checked
    /// to hold exactly the artifact's code before anything is sent.
    pub code_ids: BTreeMap<String, u64>,
    /// A network with real money (osmosis-1): needs `yes`, refuses `"deployer"` as owner or
    /// guardian, and never uploads (code upload is permissioned there).
    pub mainnet: bool,
    /// `--yes`: the operator confirmed a mainnet deployment.
    pub yes: bool,
}

/// The networks [`DeployOptions::mainnet`] is for.
pub fn is_mainnet(network: &str) -> bool {
    network == "osmosis-1"
}

/// The network's rules, checked before connecting: on mainnet the deployer key may hold no
/// role (it would be the owner and wasm admin of everything) and the run needs `--yes`.
pub fn check_policy(config: &NetworkConfig, options: &DeployOptions) -> Result<()> {
    if !options.mainnet {
        return Ok(());
    }
    let roles = &config.roles;
    let mut held = Vec::new();
    if roles.owner == "deployer" {
        held.push("roles.owner (owner, wasm admin and SPICE minter)");
    }
    if roles.guardian.as_deref() == Some("deployer") {
        held.push("roles.guardian");
    }
    if !held.is_empty() {
        bail!(
            "on mainnet the deployer key may not hold {}: set the DAO's (or the guardian \
             multisig's) address in deploy.toml",
            held.join(" or ")
        );
    }
    if !options.yes {
        bail!(
            "this is mainnet: the run pays real fees and makes {} owner and wasm admin of every \
             contract. Check deploy.toml's table for this network, then run again with --yes",
            roles.owner
        );
    }
    Ok(())
}

/// `--code-ids spice_token=12,buyback_burn=13,…`: contract keys to code ids, each key once.
pub fn parse_code_ids(text: &str) -> Result<BTreeMap<String, u64>> {
    let mut ids = BTreeMap::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, id) = pair
            .split_once('=')
            .with_context(|| format!("--code-ids: {pair:?} is not <contract>=<code id>"))?;
        let key = key.trim();
        if !CONTRACTS.contains(&key) {
            bail!("--code-ids: {key:?} is not one of {}", CONTRACTS.join(", "));
        }
        let id: u64 = id
            .trim()
            .parse()
            .with_context(|| format!("--code-ids: {id:?} is not a code id"))?;
        if ids.insert(key.to_string(), id).is_some() {
            bail!("--code-ids names {key} twice");
        }
    }
    Ok(ids)
}

/// Roles with `"deployer"` replaced by the signing account.
struct Roles {
    owner: String,
    guardian: Option<String>,
    treasury: String,
    operator: Option<String>,
    monitors: Vec<String>,
    oracles: Vec<String>,
    auditors: Vec<String>,
}

impl Roles {
    fn resolve(config: &RolesConfig, deployer: &str) -> Roles {
        let one = |a: &String| {
            if a == "deployer" {
                deployer.to_string()
            } else {
                a.clone()
            }
        };
        let many = |v: &Vec<String>| v.iter().map(one).collect();
        Roles {
            owner: one(&config.owner),
            guardian: config.guardian.as_ref().map(one),
            treasury: one(&config.treasury),
            operator: config.operator.as_ref().map(one),
            monitors: many(&config.monitors),
            oracles: many(&config.oracles),
            auditors: many(&config.auditors),
        }
    }
}

/// Deploys (or finishes deploying) the suite described by `config` on `chain`, recording every
/// step in the state file at `state_path`. `progress` hears each step as it happens.
pub fn deploy<Chain: CwEnv>(
    chain: Chain,
    network: &str,
    config: &NetworkConfig,
    state_path: &Path,
    progress: &mut dyn FnMut(&Step),
) -> Result<DeployReport> {
    deploy_with(
        chain,
        network,
        config,
        state_path,
        &DeployOptions::default(),
        progress,
    )
}

/// [`deploy`] with the mainnet rules and governance-stored code ids of `options`.
///
/// Everything that can be checked is checked before the first transaction: the policy of
/// the network, the lock on the state file, every artifact against the code the state file
/// (or `--code-ids`) names, every recorded contract against the chain, and every address the
/// run will instantiate at. A query that fails for any reason but "not found" stops the run.
pub fn deploy_with<Chain: CwEnv>(
    chain: Chain,
    network: &str,
    config: &NetworkConfig,
    state_path: &Path,
    options: &DeployOptions,
    progress: &mut dyn FnMut(&Step),
) -> Result<DeployReport> {
    check_policy(config, options)?;
    for key in options.code_ids.keys() {
        if !CONTRACTS.contains(&key.as_str()) {
            bail!(
                "--code-ids names {key}, which is not one of the suite's contracts ({})",
                CONTRACTS.join(", ")
            );
        }
    }
    let _lock = StateLock::acquire(state_path)?;
    let sender = chain.sender_addr();
    let chain_id = chain.env_info().chain_id;
    let mut state = DeployState::load_or_default(state_path)?;
    let fresh = state.chain_id.is_empty();
    if fresh {
        state.network = network.to_string();
        state.chain_id = chain_id.clone();
        state.deployer = sender.to_string();
        let height = chain.block_info()?.height;
        state.deployment = format!("spice@{height}");
    } else if state.chain_id != chain_id {
        bail!(
            "{} records a deployment on chain {}, but this node is {chain_id}",
            state_path.display(),
            state.chain_id
        );
    }
    let all_recorded = CONTRACTS.iter().all(|k| state.address(k).is_some());
    if !all_recorded && state.deployer != sender.as_str() {
        bail!(
            "{} was started by {}, but this key is {sender}: the remaining addresses depend on \
             the deployer, so finish with the same key (or start a new state file)",
            state_path.display(),
            state.deployer
        );
    }

    // ---- Pre-flight: no transaction before all of this holds. ----
    let suite = SpiceSuite::new(chain.clone());
    let querier = chain.wasm_querier();
    let local = [
        querier.local_hash(&suite.spice_token)?,
        querier.local_hash(&suite.buyback_burn)?,
        querier.local_hash(&suite.staking_vault)?,
        querier.local_hash(&suite.rollover_escrow)?,
        querier.local_hash(&suite.order_book)?,
        querier.local_hash(&suite.provider_incentives)?,
    ];
    let mut plan: BTreeMap<&'static str, Option<u64>> = BTreeMap::new();
    let mut need_upload = Vec::new();
    for (key, artifact) in CONTRACTS.iter().zip(&local) {
        let code_id = plan_code(&chain, &state, state_path, options, key, artifact)?;
        if code_id.is_none() {
            need_upload.push(*key);
        }
        plan.insert(key, code_id);
    }
    if options.mainnet && !need_upload.is_empty() {
        bail!(
            "code upload is permissioned on this network and no code id is known for {}: \
             submit spice store-code-proposal for them, and once the proposals pass run again \
             with --code-ids {}",
            need_upload.join(", "),
            need_upload
                .iter()
                .map(|k| format!("{k}=<id>"))
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    // Where each contract is or will be: recorded, else instantiate2's address from the
    // artifact's checksum (which is what an upload stores).
    let mut addr = BTreeMap::new();
    for (key, artifact) in CONTRACTS.iter().zip(&local) {
        let a = match state.address(key) {
            Some(a) => {
                let info = match lookup(querier.contract_info(&Addr::unchecked(a)))
                    .with_context(|| format!("looking up {key} at {a}"))?
                {
                    Some(info) => info,
                    None => bail!(
                        "{} records {key} at {a}, but the chain has no contract there (was the \
                         chain reset? then start a new state file)",
                        state_path.display()
                    ),
                };
                if let Some(code_id) = plan[key] {
                    if info.code_id != code_id {
                        bail!(
                            "{key} at {a} runs code {}, but this deployment's {key} is code \
                             {code_id}: the state file does not describe this chain",
                            info.code_id
                        );
                    }
                }
                a.to_string()
            }
            None => {
                let predicted = predict_address(artifact, &sender, &salt(&state, key))?;
                if lookup(querier.contract_info(&Addr::unchecked(&predicted)))
                    .with_context(|| format!("looking up {key}'s address {predicted}"))?
                    .is_some_and(|info| plan[key].is_some_and(|id| id != info.code_id))
                {
                    bail!(
                        "a contract is already at {key}'s address {predicted}, running other \
                         code than this deployment's {key}"
                    );
                }
                predicted
            }
        };
        addr.insert(*key, a);
    }
    if fresh {
        state.save(state_path)?;
    }

    let mut run = Run {
        chain: &chain,
        state,
        state_path,
        steps: Vec::new(),
        progress,
    };
    // Store what is missing first, like spice-suite.
    macro_rules! upload {
        ($i:expr, $contract:expr) => {
            run.upload(CONTRACTS[$i], &$contract, plan[CONTRACTS[$i]], &local[$i])?
        };
    }
    let code_ids = [
        upload!(0, suite.spice_token),
        upload!(1, suite.buyback_burn),
        upload!(2, suite.staking_vault),
        upload!(3, suite.rollover_escrow),
        upload!(4, suite.order_book),
        upload!(5, suite.provider_incentives),
    ];
    for (key, code_id) in CONTRACTS.iter().zip(code_ids) {
        if run.state.address(key).is_none() {
            let by_chain = chain_address(querier.instantiate2_addr(
                code_id,
                &sender,
                salt(&run.state, key),
            )?)?;
            if by_chain != addr[key] {
                bail!(
                    "{key}: the chain predicts {by_chain} for code {code_id}, not {} (its \
                     checksum changed during the run?)",
                    addr[key]
                );
            }
        }
    }
    let at = |key: &str| addr[key].clone();

    let roles = Roles::resolve(&config.roles, sender.as_str());
    let owner = Addr::unchecked(&roles.owner);
    let subdenom = &config.token.subdenom;
    let spice_denom = config
        .buyback
        .spice_denom
        .clone()
        .unwrap_or_else(|| format!("factory/{}/{subdenom}", at("spice_token")));

    let t = &config.token;
    run.instantiate(
        &suite.spice_token,
        "spice_token",
        &at("spice_token"),
        code_ids[0],
        &owner,
        &spice_token::msg::InstantiateMsg {
            name: t.name.clone(),
            symbol: t.symbol.clone(),
            decimals: t.decimals,
            initial_balances: if t.initial_supply.is_zero() {
                vec![]
            } else {
                vec![Cw20Coin {
                    address: roles.treasury.clone(),
                    amount: t.initial_supply,
                }]
            },
            mint: Some(MinterResponse {
                minter: roles.owner.clone(),
                cap: Some(t.cap),
            }),
            marketing: None,
            owner: Some(roles.owner.clone()),
            guardian: roles.guardian.clone(),
            native: t.enable_native.then(|| spice_token::msg::EnableNative {
                subdenom: subdenom.clone(),
                metadata: None,
            }),
        },
    )?;

    let b = &config.buyback;
    run.instantiate(
        &suite.buyback_burn,
        "buyback_burn",
        &at("buyback_burn"),
        code_ids[1],
        &owner,
        &buyback_burn::msg::InstantiateMsg {
            owner: Some(roles.owner.clone()),
            guardian: roles.guardian.clone(),
            spice_token: at("spice_token"),
            spice_denom,
            twap_window_seconds: b.twap_window_seconds,
            max_slippage: b.max_slippage,
            max_spot_deviation: b.max_spot_deviation,
            keeper_bounty_bps: b.keeper_bounty_bps,
            cooldown_seconds: b.cooldown_seconds,
            per_call_cap: b.per_call_cap,
            epoch_cap: b.epoch_cap,
            epoch_seconds: b.epoch_seconds,
            min_swap: b.min_swap,
        },
    )?;

    let v = &config.vault;
    let strategy = match &v.strategy {
        None => None,
        Some(StrategyConfig::Native { validators }) => {
            Some(staking_vault::msg::StrategyMsg::Native {
                validators: validators.clone(),
            })
        }
        Some(StrategyConfig::Operator {
            channel,
            delegation_address,
            max_daily_outflow,
            max_apr,
            transfer_timeout_seconds,
        }) => Some(staking_vault::msg::StrategyMsg::Operator {
            operator: roles
                .operator
                .clone()
                .context("vault.strategy is \"operator\" but roles.operator is not set")?,
            channel: channel.clone(),
            delegation_address: delegation_address.clone(),
            max_daily_outflow: *max_daily_outflow,
            max_apr: *max_apr,
            transfer_timeout_seconds: *transfer_timeout_seconds,
        }),
    };
    run.instantiate(
        &suite.staking_vault,
        "staking_vault",
        &at("staking_vault"),
        code_ids[2],
        &owner,
        &staking_vault::msg::InstantiateMsg {
            owner: Some(roles.owner.clone()),
            guardian: roles.guardian.clone(),
            akt_denom: config.denoms.akt.clone(),
            revenue_recipient: at("buyback_burn"),
            twap_window_seconds: v.twap_window_seconds,
            max_slippage: v.max_slippage,
            max_spot_deviation: v.max_spot_deviation,
            keeper_bounty_bps: v.keeper_bounty_bps,
            convert_cooldown_seconds: v.convert_cooldown_seconds,
            per_convert_cap: v.per_convert_cap,
            unbonding_period_seconds: v.unbonding_period_seconds,
            strategy,
            // The vault's defaults (min 10⁶, a day's epoch, 10% a day of losses).
            min_convert_amount: None,
            convert_epoch_seconds: None,
            convert_epoch_cap: None,
            max_daily_loss: None,
        },
    )?;

    let e = &config.escrow;
    run.instantiate(
        &suite.rollover_escrow,
        "rollover_escrow",
        &at("rollover_escrow"),
        code_ids[3],
        &owner,
        &rollover_escrow::msg::InstantiateMsg {
            owner: Some(roles.owner.clone()),
            guardian: roles.guardian.clone(),
            accepted_denoms: config.denoms.payment.clone(),
            take_fee_bps: e.take_fee_bps,
            fee_collector: at("staking_vault"),
            grace_period_blocks: e.grace_period_blocks,
            heartbeat_timeout_blocks: e.heartbeat_timeout_blocks,
            // Not instantiated yet, but their addresses are already fixed.
            order_book: Some(at("order_book")),
            keeper_bounty_bps: e.keeper_bounty_bps,
            incentives: Some(at("provider_incentives")),
            monitors: Some(roles.monitors.clone()),
            max_backups: e.max_backups,
            bond_slash_bps: e.bond_slash_bps,
            min_sponsor_deposit: e.min_sponsor_deposit,
        },
    )?;

    let o = &config.order_book;
    run.instantiate(
        &suite.order_book,
        "order_book",
        &at("order_book"),
        code_ids[4],
        &owner,
        &order_book::msg::InstantiateMsg {
            owner: Some(roles.owner.clone()),
            guardian: roles.guardian.clone(),
            escrow: at("rollover_escrow"),
            accepted_denoms: config.denoms.payment.clone(),
            min_runway_blocks: o.min_runway_blocks,
            max_open_orders_per_tenant: o.max_open_orders_per_tenant,
            provider_registry: Some(at("provider_incentives")),
            keeper_bounty_bps: Some(o.keeper_bounty_bps),
            max_open_offers_per_provider: o.max_open_offers_per_provider,
            offer_deposit: o.offer_deposit.clone(),
        },
    )?;

    let i = &config.incentives;
    run.instantiate(
        &suite.provider_incentives,
        "provider_incentives",
        &at("provider_incentives"),
        code_ids[5],
        &owner,
        &provider_incentives::msg::InstantiateMsg {
            owner: Some(roles.owner.clone()),
            guardian: roles.guardian.clone(),
            reward_denoms: config.denoms.rewards.clone(),
            genesis_time: i.genesis_time.map(Timestamp::from_seconds),
            epoch_seconds: i.epoch_seconds,
            report_window_seconds: i.report_window_seconds,
            dispute_window_seconds: i.dispute_window_seconds,
            oracles: roles.oracles.clone(),
            oracle_quorum: i.oracle_quorum,
            auditors: roles.auditors.clone(),
            escrow: Some(at("rollover_escrow")),
            tier_multipliers: i.tier_multipliers.clone(),
            bond_denom: i.bond_denom.clone(),
            min_bond: i.min_bond,
            max_report_entries: i.max_report_entries,
            // Issue 17's incentives parameters: the contract's defaults (no value weights, no
            // caps, 30-day dispute deadline) until deploy.toml carries them.
            value_weights: None,
            max_weight_per_provider: None,
            max_weight_per_pair: None,
            max_payout_per_epoch: None,
            dispute_deadline_seconds: None,
        },
    )?;

    let wiring = check_wiring(&suite, &roles.owner)?;
    let wrong: Vec<String> = wiring
        .iter()
        .filter(|c| !c.ok())
        .map(|c| format!("{}: {} (expected {})", c.what, c.actual, c.expected))
        .collect();
    if !wrong.is_empty() {
        bail!(
            "deployed, but wired wrong (was an artifact rebuilt between two runs? its address \
             then moved):\n  {}",
            wrong.join("\n  ")
        );
    }
    Ok(DeployReport {
        state: run.state,
        steps: run.steps,
        wiring,
    })
}

struct Run<'a, Chain> {
    chain: &'a Chain,
    state: DeployState,
    state_path: &'a Path,
    steps: Vec<Step>,
    progress: &'a mut dyn FnMut(&Step),
}

/// Salt of `key` in this deployment: `<deployment>/<key>`.
fn salt(state: &DeployState, key: &str) -> Binary {
    Binary::from(format!("{}/{key}", state.deployment).into_bytes())
}

impl<Chain: CwEnv> Run<'_, Chain> {
    fn record(&mut self, contract: &'static str, action: Action) -> Result<()> {
        let step = Step { contract, action };
        (self.progress)(&step);
        self.steps.push(step);
        self.state.save(self.state_path)
    }

    /// Uses the code id the pre-flight found (already checked against the artifact), or
    /// stores the artifact and checks the chain kept exactly it.
    fn upload<C>(
        &mut self,
        key: &'static str,
        contract: &C,
        planned: Option<u64>,
        artifact: &Checksum,
    ) -> Result<u64>
    where
        C: CwOrchUpload<Chain>,
    {
        let (code_id, action) = match planned {
            Some(code_id) => {
                contract.set_code_id(code_id);
                (code_id, Action::UploadSkipped { code_id })
            }
            None => {
                contract.upload()?;
                let code_id = contract.code_id()?;
                (code_id, Action::Uploaded { code_id })
            }
        };
        let stored = self
            .chain
            .wasm_querier()
            .code_id_hash(code_id)
            .map_err(Into::into)?;
        if stored != *artifact {
            bail!(
                "code {code_id} holds checksum {}, not the artifact's {} for {key}",
                stored.to_hex(),
                artifact.to_hex()
            );
        }
        let entry = self.state.contracts.entry(key.to_string()).or_default();
        entry.code_id = Some(code_id);
        entry.checksum = Some(stored.to_hex());
        self.record(key, action)?;
        Ok(code_id)
    }

    /// Instantiates the contract at its fixed address unless it is already there, then reads
    /// its code id and wasm admin back from the chain.
    fn instantiate<C>(
        &mut self,
        contract: &C,
        key: &'static str,
        expected: &str,
        code_id: u64,
        admin: &Addr,
        msg: &C::InstantiateMsg,
    ) -> Result<()>
    where
        C: CwOrchInstantiate<Chain>,
    {
        let expected_addr = Addr::unchecked(expected);
        let querier = self.chain.wasm_querier();
        let on_chain = lookup(querier.contract_info(&expected_addr))
            .with_context(|| format!("looking up {key} at {expected}"))?
            .is_some();
        let action = if let Some(recorded) = self.state.address(key).map(str::to_string) {
            // The pre-flight found it on chain.
            Action::InstantiateSkipped { address: recorded }
        } else if on_chain {
            Action::Adopted {
                address: expected.to_string(),
            }
        } else {
            contract.instantiate2(msg, Some(admin), &[], salt(&self.state, key))?;
            let address = contract.addr_str()?;
            if address != expected {
                bail!("{key} was instantiated at {address}, not at the predicted {expected}");
            }
            Action::Instantiated { address }
        };
        let info = querier.contract_info(&expected_addr).map_err(Into::into)?;
        if info.code_id != code_id {
            bail!(
                "{key} at {expected} runs code {}, not this deployment's code {code_id}",
                info.code_id
            );
        }
        if info.admin.as_ref() != Some(admin) {
            bail!(
                "{key} at {expected} has wasm admin {}, not the owner {admin}: only the wasm \
                 admin can migrate it, so fix that (MsgUpdateAdmin from the current admin) \
                 before using the suite",
                info.admin
                    .as_ref()
                    .map_or("none".to_string(), |a| a.to_string())
            );
        }
        contract.set_address(&expected_addr);
        self.state
            .contracts
            .entry(key.to_string())
            .or_default()
            .address = Some(expected.to_string());
        self.record(key, action)
    }
}

/// The code id to use for `key` without uploading, checked against the artifact, or `None`
/// when it must be stored. Refuses a changed artifact, conflicting ids and failed queries.
fn plan_code<Chain: CwEnv>(
    chain: &Chain,
    state: &DeployState,
    state_path: &Path,
    options: &DeployOptions,
    key: &str,
    artifact: &Checksum,
) -> Result<Option<u64>> {
    let recorded = state.contract(key);
    let given = options.code_ids.get(key).copied();
    if let (Some(given), Some(recorded)) = (given, recorded.code_id) {
        if given != recorded {
            bail!(
                "--code-ids gives {key} as code {given}, but {} records code {recorded}: \
                 drop it from --code-ids, or start a new state file",
                state_path.display()
            );
        }
    }
    if let (Some(code_id), Some(checksum)) = (recorded.code_id, &recorded.checksum) {
        if *checksum != artifact.to_hex() {
            bail!(
                "{key}'s artifact changed since this deployment stored it as code {code_id}: \
                 recorded checksum {checksum}, artifact now {}. Nothing was sent. Deploy the \
                 artifact this deployment started with (rebuild it from the same commit with \
                 scripts/build-wasm.sh), or start a new deployment with another --state file; \
                 a deployed contract changes code only by a migration from its admin",
                artifact.to_hex()
            );
        }
    }
    let Some(code_id) = given.or(recorded.code_id) else {
        return Ok(None);
    };
    let source = if given.is_some() {
        "--code-ids gives"
    } else {
        "the state file records"
    };
    let on_chain = match lookup(chain.wasm_querier().code_id_hash(code_id))
        .with_context(|| format!("looking up code {code_id} ({key})"))?
    {
        Some(hash) => hash,
        None => bail!(
            "{source} {key} as code {code_id}, but the chain has no code {code_id} (was the \
             chain reset? then start a new state file)"
        ),
    };
    if on_chain != *artifact {
        bail!(
            "{source} {key} as code {code_id}, whose checksum is {}, but the artifact's is {}: \
             that code is not this artifact (a different build, or the wrong id). Nothing was \
             sent",
            on_chain.to_hex(),
            artifact.to_hex()
        );
    }
    Ok(Some(code_id))
}

/// `Ok(None)` when the chain says the thing does not exist; any other failure (transport,
/// timeout, a node that cannot answer) stays an error, never "not there".
fn lookup<T, E: Into<CwEnvError>>(result: Result<T, E>) -> Result<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            let e: CwEnvError = e.into();
            if is_not_found(&e.to_string()) {
                Ok(None)
            } else {
                Err(anyhow!(e))
            }
        }
    }
}

/// Whether a query error means "no such code/contract" (wasmd's `ErrNoSuchCodeFn` and
/// `ErrNoSuchContractFn`, gRPC `NotFound`, cw-multi-test's messages) rather than a failure to ask.
pub fn is_not_found(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    let transport = [
        "transport error",
        "unavailable",
        "deadline",
        "timed out",
        "timeout",
        "connection",
    ];
    if transport.iter().any(|t| m.contains(t)) {
        return false;
    }
    ["not found", "no such", "notfound", "unregistered"]
        .iter()
        .any(|t| m.contains(t))
}

/// instantiate2's address for code with `checksum`, as the chain will compute it.
fn predict_address(checksum: &Checksum, creator: &Addr, salt: &Binary) -> Result<String> {
    let (hrp, data) = bech32::decode(creator.as_str())
        .map_err(|e| anyhow!("deployer {creator} is not bech32: {e}"))?;
    let canon = cosmwasm_std::instantiate2_address(checksum.as_slice(), &data.into(), salt)
        .map_err(|e| anyhow!("instantiate2 address for {creator}: {e}"))?;
    let addr = bech32::encode::<bech32::Bech32>(hrp, canon.as_slice())
        .map_err(|e| anyhow!("encoding an address: {e}"))?;
    chain_address(addr)
}

fn config_of<Chain: CwEnv, C: CwOrchQuery<Chain>>(
    contract: &C,
    msg: &C::QueryMsg,
) -> Result<Value> {
    Ok(contract.query::<Value>(msg)?)
}

/// Reads back every contract's config and compares it with the wiring spice-suite draws.
pub fn check_wiring<Chain: CwEnv>(
    suite: &SpiceSuite<Chain>,
    owner: &str,
) -> Result<Vec<WiringCheck>> {
    let token = suite.spice_token.addr_str()?;
    let buyback = suite.buyback_burn.addr_str()?;
    let vault = suite.staking_vault.addr_str()?;
    let escrow = suite.rollover_escrow.addr_str()?;
    let book = suite.order_book.addr_str()?;
    let incentives = suite.provider_incentives.addr_str()?;

    let buyback_cfg = config_of(&suite.buyback_burn, &buyback_burn::msg::QueryMsg::Config {})?;
    let vault_cfg = config_of(
        &suite.staking_vault,
        &staking_vault::msg::QueryMsg::Config {},
    )?;
    let escrow_cfg = config_of(
        &suite.rollover_escrow,
        &rollover_escrow::msg::QueryMsg::Config {},
    )?;
    let book_cfg = config_of(&suite.order_book, &order_book::msg::QueryMsg::Config {})?;
    let incentives_cfg = config_of(
        &suite.provider_incentives,
        &provider_incentives::msg::QueryMsg::Config {},
    )?;

    let field = |v: &Value, k: &str| match &v[k] {
        Value::String(s) => s.clone(),
        Value::Null => "none".to_string(),
        other => other.to_string(),
    };
    let mut checks = vec![
        (
            "buyback_burn.spice_token",
            token,
            field(&buyback_cfg, "spice_token"),
        ),
        (
            "staking_vault.revenue_recipient",
            buyback,
            field(&vault_cfg, "revenue_recipient"),
        ),
        (
            "rollover_escrow.fee_collector",
            vault,
            field(&escrow_cfg, "fee_collector"),
        ),
        (
            "rollover_escrow.order_book",
            book.clone(),
            field(&escrow_cfg, "order_book"),
        ),
        (
            "rollover_escrow.incentives",
            incentives.clone(),
            field(&escrow_cfg, "incentives"),
        ),
        (
            "order_book.escrow",
            escrow.clone(),
            field(&book_cfg, "escrow"),
        ),
        (
            "order_book.provider_registry",
            incentives,
            field(&book_cfg, "provider_registry"),
        ),
        (
            "provider_incentives.escrow",
            escrow,
            field(&incentives_cfg, "escrow"),
        ),
    ];
    macro_rules! owner_check {
        ($what:literal, $contract:expr, $krate:ident) => {
            let o = $contract.query::<Value>(&$krate::msg::QueryMsg::Ownership {})?;
            checks.push(($what, owner.to_string(), field(&o, "owner")));
        };
    }
    owner_check!("spice_token.owner", suite.spice_token, spice_token);
    owner_check!("buyback_burn.owner", suite.buyback_burn, buyback_burn);
    owner_check!("staking_vault.owner", suite.staking_vault, staking_vault);
    owner_check!(
        "rollover_escrow.owner",
        suite.rollover_escrow,
        rollover_escrow
    );
    owner_check!("order_book.owner", suite.order_book, order_book);
    owner_check!(
        "provider_incentives.owner",
        suite.provider_incentives,
        provider_incentives
    );
    Ok(checks
        .into_iter()
        .map(|(what, expected, actual)| WiringCheck {
            what,
            expected,
            actual,
        })
        .collect())
}

/// The deploy report as the CLI prints it with `--json`.
pub fn report_json(report: &DeployReport) -> Value {
    json!({
        "network": report.state.network,
        "chain_id": report.state.chain_id,
        "deployer": report.state.deployer,
        "deployment": report.state.deployment,
        "contracts": report.state.contracts,
        "steps": report.steps,
        "wiring": report.wiring,
        "nothing_done": report.nothing_done(),
    })
}

/// The six `(key, artifact path)` pairs a node deployment uploads.
pub fn artifacts() -> [(&'static str, PathBuf); 6] {
    use spice_interfaces::artifact_path;
    [
        ("spice_token", artifact_path(SpiceToken::<Mock>::ARTIFACT)),
        ("buyback_burn", artifact_path(BuybackBurn::<Mock>::ARTIFACT)),
        (
            "staking_vault",
            artifact_path(StakingVault::<Mock>::ARTIFACT),
        ),
        (
            "rollover_escrow",
            artifact_path(RolloverEscrow::<Mock>::ARTIFACT),
        ),
        ("order_book", artifact_path(OrderBook::<Mock>::ARTIFACT)),
        (
            "provider_incentives",
            artifact_path(ProviderIncentives::<Mock>::ARTIFACT),
        ),
    ]
}

/// Injective derives instantiate2 addresses as wasmd does but keeps only the first 20 bytes
/// (its accounts are Ethereum-sized; seen on injectived 1.20.1), so a prediction for an `inj`
/// chain is cut to match. Every other chain keeps wasmd's 32 bytes.
pub fn chain_address(predicted: String) -> Result<String> {
    let (hrp, data) = bech32::decode(&predicted)
        .map_err(|e| anyhow::anyhow!("predicted address {predicted} is not bech32: {e}"))?;
    if hrp.as_str() == "inj" && data.len() > 20 {
        return bech32::encode::<bech32::Bech32>(hrp, &data[..20])
            .map_err(|e| anyhow::anyhow!("re-encoding {predicted}: {e}"));
    }
    Ok(predicted)
}

#[cfg(test)]
mod chain_address_tests {
    use super::chain_address;

    #[test]
    fn injective_contract_addresses_are_cut_to_20_bytes() {
        // As injectived 1.20.1 reported the contract it instantiated at the predicted address.
        assert_eq!(
            chain_address(
                "inj18k9kjzvw3sdq7jxte6yqesf7cdeqc3r7hp3n8rk7ucwyf4a7plkqkehaf9".to_string()
            )
            .unwrap(),
            "inj18k9kjzvw3sdq7jxte6yqesf7cdeqc3r7zw8rxu"
        );
    }

    #[test]
    fn other_chains_keep_wasmd_addresses() {
        let osmo =
            bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("osmo").unwrap(), &[7u8; 32])
                .unwrap();
        assert_eq!(chain_address(osmo.clone()).unwrap(), osmo);
        assert!(chain_address("not-bech32".to_string()).is_err());
    }
}
