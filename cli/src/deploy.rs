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
//! Generic over [`CwEnv`]: the CLI runs it on cw-orch's `Daemon`, the tests on its `Mock`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use cosmwasm_std::{Addr, Binary, Decimal, Timestamp, Uint128};
use cw20::{Cw20Coin, MinterResponse};
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

    /// Written whole to a temporary file and renamed, so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp = path.with_extension("json.tmp");
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }

    pub fn contract(&self, key: &str) -> ContractState {
        self.contracts.get(key).cloned().unwrap_or_default()
    }

    pub fn address(&self, key: &str) -> Option<&str> {
        self.contracts.get(key).and_then(|c| c.address.as_deref())
    }
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
    let sender = chain.sender_addr();
    let chain_id = chain.env_info().chain_id;
    let mut state = DeployState::load_or_default(state_path)?;
    if state.chain_id.is_empty() {
        state.network = network.to_string();
        state.chain_id = chain_id.clone();
        state.deployer = sender.to_string();
        let height = chain.block_info()?.height;
        state.deployment = format!("spice@{height}");
        state.save(state_path)?;
    } else if state.chain_id != chain_id {
        bail!(
            "{} records a deployment on chain {}, but this node is {chain_id}",
            state_path.display(),
            state.chain_id
        );
    }
    let suite = SpiceSuite::new(chain.clone());
    let mut run = Run {
        chain: &chain,
        state,
        state_path,
        steps: Vec::new(),
        progress,
    };

    // Store all six first, like spice-suite: every address below depends on a checksum.
    let code_ids = [
        run.upload(CONTRACTS[0], &suite.spice_token)?,
        run.upload(CONTRACTS[1], &suite.buyback_burn)?,
        run.upload(CONTRACTS[2], &suite.staking_vault)?,
        run.upload(CONTRACTS[3], &suite.rollover_escrow)?,
        run.upload(CONTRACTS[4], &suite.order_book)?,
        run.upload(CONTRACTS[5], &suite.provider_incentives)?,
    ];

    let all_recorded = CONTRACTS.iter().all(|k| run.state.address(k).is_some());
    if !all_recorded && run.state.deployer != sender.as_str() {
        bail!(
            "{} was started by {}, but this key is {sender}: the remaining addresses depend on \
             the deployer, so finish with the same key (or start a new state file)",
            state_path.display(),
            run.state.deployer
        );
    }
    // Each contract's address: the recorded one, else where instantiate2 will put it.
    let mut addr = BTreeMap::new();
    for (key, code_id) in CONTRACTS.iter().zip(code_ids) {
        let a = match run.state.address(key) {
            Some(a) => a.to_string(),
            None => chain_address(chain.wasm_querier().instantiate2_addr(
                code_id,
                &sender,
                run.salt(key),
            )?)?,
        };
        addr.insert(*key, a);
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

impl<Chain: CwEnv> Run<'_, Chain> {
    fn salt(&self, key: &str) -> Binary {
        Binary::from(format!("{}/{key}", self.state.deployment).into_bytes())
    }

    fn record(&mut self, contract: &'static str, action: Action) -> Result<()> {
        let step = Step { contract, action };
        (self.progress)(&step);
        self.steps.push(step);
        self.state.save(self.state_path)
    }

    /// Stores the contract unless the code id recorded for it already holds the same code.
    fn upload<C>(&mut self, key: &'static str, contract: &C) -> Result<u64>
    where
        C: CwOrchUpload<Chain> + ConditionalUpload<Chain>,
    {
        if let Some(code_id) = self.state.contract(key).code_id {
            contract.set_code_id(code_id);
        }
        let uploaded = contract.upload_if_needed()?.is_some();
        let code_id = contract.code_id()?;
        let checksum = self.chain.wasm_querier().code_id_hash(code_id)?;
        let entry = self.state.contracts.entry(key.to_string()).or_default();
        entry.code_id = Some(code_id);
        entry.checksum = Some(checksum.to_hex());
        let action = if uploaded {
            Action::Uploaded { code_id }
        } else {
            Action::UploadSkipped { code_id }
        };
        self.record(key, action)?;
        Ok(code_id)
    }

    /// Instantiates the contract at its fixed address unless it is already there.
    fn instantiate<C>(
        &mut self,
        contract: &C,
        key: &'static str,
        expected: &str,
        admin: &Addr,
        msg: &C::InstantiateMsg,
    ) -> Result<()>
    where
        C: CwOrchInstantiate<Chain>,
    {
        let expected_addr = Addr::unchecked(expected);
        let on_chain = self
            .chain
            .wasm_querier()
            .contract_info(&expected_addr)
            .is_ok();
        if let Some(recorded) = self.state.address(key).map(str::to_string) {
            if !on_chain {
                bail!(
                    "{} records {key} at {recorded}, but the chain has no contract there (was \
                     the chain reset? then start a new state file)",
                    self.state_path.display()
                );
            }
            contract.set_address(&expected_addr);
            return self.record(key, Action::InstantiateSkipped { address: recorded });
        }
        let action = if on_chain {
            Action::Adopted {
                address: expected.to_string(),
            }
        } else {
            contract.instantiate2(msg, Some(admin), &[], self.salt(key))?;
            let address = contract.addr_str()?;
            if address != expected {
                bail!("{key} was instantiated at {address}, not at the predicted {expected}");
            }
            Action::Instantiated { address }
        };
        contract.set_address(&expected_addr);
        self.state
            .contracts
            .entry(key.to_string())
            .or_default()
            .address = Some(expected.to_string());
        self.record(key, action)
    }
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
