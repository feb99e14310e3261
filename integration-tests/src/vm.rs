//! Runs the optimized contract artifacts in cosmwasm-vm, the VM wasmd runs, and reports
//! what each call costs.
//!
//! ```no_run
//! use spice_integration_tests::vm::{addr, VmContract};
//! # fn main() -> anyhow::Result<()> {
//! let owner = addr("owner");
//! let mut token = VmContract::load("spice_token")?;
//! let init = token.instantiate(&owner, &serde_json::json!({ /* … */ }), &[])?;
//! println!("instantiate: {} SDK gas ({} VM gas, {:?})", init.sdk_gas, init.vm_gas, init.kv);
//! let (config, report) = token.query_json::<serde_json::Value>(&serde_json::json!({"config": {}}))?;
//! # Ok(()) }
//! ```
//!
//! Every call gets a fresh instance from a module cache, with its own gas limit, like
//! wasmd; contract state lives in a [`CountingStorage`] that survives between calls and is
//! rolled back when a call fails. Funds sent with a call are credited to the contract's
//! balance in the mock bank (senders' balances are not tracked).
//!
//! A contract can be migrated as wasmd's `MsgMigrateContract` does: [`VmContract::store_code`]
//! uploads other code next to it, [`VmContract::migrate`] runs that code's `migrate` on the
//! contract's state and switches to it only if the call succeeds; address, storage, bank
//! balances and block stay.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use cosmwasm_std_vm::{Addr, ContractResult, Env, MessageInfo, MigrateInfo, Timestamp};
use cosmwasm_vm::internals::{Logger, check_wasm};
use cosmwasm_vm::testing::{MockApi, MockQuerier, mock_env};
use cosmwasm_vm::{
    Backend, Cache, CacheOptions, GasReport, Instance, InstanceOptions, Size, VmError, VmResult,
    WasmLimits, call_execute, call_instantiate, call_migrate_with_info, call_query, call_reply,
    call_sudo, capabilities_from_csv,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tempfile::TempDir;

use crate::gas::{self, KvCounts, WASMD_GAS_MULTIPLIER};
use crate::querier::{StargateHandler, VmQuerier};
use crate::storage::CountingStorage;

pub use cosmwasm_std_vm::{
    Binary, Checksum, Coin, Event, MsgResponse, Reply, Response, SubMsgResponse, SubMsgResult,
    Uint128, coin, coins,
};

/// Bech32 prefix of Osmosis addresses; contracts' `addr_validate` accepts only these.
pub const BECH32_PREFIX: &str = "osmo";
/// Chain id in the `Env` given to contracts.
pub const CHAIN_ID: &str = "osmosis-1";
/// Capabilities Osmosis (wasmd 0.53 / wasmvm 2.2) offers; code needing others is refused
/// at upload, so loading it fails here too.
pub const OSMOSIS_CAPABILITIES: &str =
    "iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0";
/// Osmosis' block gas limit in SDK gas; the default per-call limit, so only calls that could
/// never fit in a block run out of gas.
pub const BLOCK_GAS_LIMIT: u64 = 300_000_000;
/// wasmd's default memory limit per contract instance.
const INSTANCE_MEMORY_LIMIT: Size = Size::mebi(32);
/// Compiled modules kept in memory per loaded contract (one module each).
const MEMORY_CACHE_SIZE: Size = Size::mebi(64);

/// Initial block of a new [`VmContract`]'s `Env`.
pub const GENESIS_HEIGHT: u64 = 1_000_000;
/// 2025-06-15T15:06:40Z, the initial block time.
pub const GENESIS_TIME: Timestamp = Timestamp::from_seconds(1_750_000_000);

type VmBackend = Backend<MockApi, CountingStorage, VmQuerier>;
type VmInstance = Instance<MockApi, CountingStorage, VmQuerier>;

/// The API contracts get: bech32 with the Osmosis prefix.
pub fn api() -> MockApi {
    MockApi::default().with_prefix(BECH32_PREFIX)
}

/// A valid Osmosis address derived from `label` (sha256 of it, bech32-encoded), so tests can
/// name accounts: `addr("alice")`.
pub fn addr(label: &str) -> String {
    api().addr_make(label)
}

/// `artifacts/` of the workspace; `SPICE_ARTIFACTS_DIR` overrides it.
pub fn artifacts_dir() -> PathBuf {
    match std::env::var_os("SPICE_ARTIFACTS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("integration-tests/ lives in the workspace directory")
            .join("artifacts"),
    }
}

/// Gas and storage use of one call, and what it returned.
#[derive(Clone, Debug, PartialEq)]
pub struct CallReport<T = ()> {
    /// What the contract returned (a `Response` for instantiate/execute, `()` where the
    /// payload is returned separately).
    pub response: T,
    /// VM gas metered inside the VM (wasm execution and API calls): what wasmvm reports to
    /// wasmd as used.
    pub vm_gas: u64,
    /// SDK gas wasmd charges for the call: `vm_gas / 140_000 + 60_000 + KV costs`.
    pub sdk_gas: u64,
    /// KV store operations of the call.
    pub kv: KvCounts,
}

impl<T> CallReport<T> {
    fn new(response: T, vm_gas: u64, kv: KvCounts) -> Self {
        Self {
            response,
            vm_gas,
            sdk_gas: gas::sdk_gas(vm_gas, &kv),
            kv,
        }
    }

    /// The same numbers with another payload.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> CallReport<U> {
        CallReport {
            response: f(self.response),
            vm_gas: self.vm_gas,
            sdk_gas: self.sdk_gas,
            kv: self.kv,
        }
    }

    /// The numbers alone.
    pub fn without_response(&self) -> CallReport {
        CallReport {
            response: (),
            vm_gas: self.vm_gas,
            sdk_gas: self.sdk_gas,
            kv: self.kv,
        }
    }
}

impl<T> fmt::Display for CallReport<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kv = &self.kv;
        write!(
            f,
            "{} SDK gas ({} VM gas; {} reads/{} B, {} writes/{} B, {} deletes, {} iter steps/{} B)",
            self.sdk_gas,
            self.vm_gas,
            kv.reads,
            kv.read_bytes,
            kv.writes,
            kv.write_bytes,
            kv.deletes,
            kv.iter_steps,
            kv.iter_bytes
        )
    }
}

/// A call that did not succeed. Its state changes were rolled back; gas was still spent.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The contract returned an error (`ContractResult::Err`).
    #[error("{contract}.{entry_point} failed: {message}")]
    Contract {
        contract: String,
        entry_point: &'static str,
        message: String,
        report: Box<CallReport>,
    },
    /// The VM failed: out of gas, a panic/abort in the contract, a message that does not
    /// parse, ….
    #[error("{contract}.{entry_point}: VM error: {error}")]
    Vm {
        contract: String,
        entry_point: &'static str,
        error: String,
        out_of_gas: bool,
        report: Option<Box<CallReport>>,
    },
}

impl CallError {
    /// The contract's error message, if the contract (not the VM) failed.
    pub fn contract_message(&self) -> Option<&str> {
        match self {
            CallError::Contract { message, .. } => Some(message),
            CallError::Vm { .. } => None,
        }
    }

    /// Gas and storage use up to the failure, when the VM could still report it.
    pub fn report(&self) -> Option<&CallReport> {
        match self {
            CallError::Contract { report, .. } => Some(report),
            CallError::Vm { report, .. } => report.as_deref(),
        }
    }
}

/// One optimized contract artifact, instantiated at most once, with its own state.
pub struct VmContract {
    name: String,
    checksum: Checksum,
    wasm_len: usize,
    /// Size of every code [`store_code`](Self::store_code) uploaded, by checksum.
    code_lens: HashMap<Checksum, usize>,
    // Field order matters: the cache must be dropped before its directory.
    cache: Cache<MockApi, CountingStorage, VmQuerier>,
    _cache_dir: TempDir,
    /// `None` only while a call runs, or after the VM lost it (then every call fails).
    backend: Option<VmBackend>,
    env: Env,
    gas_limit_vm: u64,
}

impl fmt::Debug for VmContract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VmContract")
            .field("name", &self.name)
            .field("checksum", &self.checksum)
            .field("wasm_len", &self.wasm_len)
            .field("address", &self.env.contract.address)
            .field("block", &self.env.block)
            .finish_non_exhaustive()
    }
}

impl VmContract {
    /// Loads `artifacts/<name>.wasm`, e.g. `VmContract::load("spice_token")`.
    pub fn load(name: &str) -> anyhow::Result<Self> {
        Self::load_path(name, &artifacts_dir().join(format!("{name}.wasm")))
    }

    /// Loads a reference artifact, `artifacts/reference/<name>.wasm` (e.g. `cw20_base`).
    pub fn load_reference(name: &str) -> anyhow::Result<Self> {
        Self::load_path(
            name,
            &artifacts_dir()
                .join("reference")
                .join(format!("{name}.wasm")),
        )
    }

    /// Loads the artifact at `path`, naming the contract `name` in reports and errors.
    pub fn load_path(name: &str, path: &Path) -> anyhow::Result<Self> {
        if !path.is_file() {
            bail!(
                "artifact {} not found: run `scripts/build-wasm.sh` first (it builds every \
                 contract and the reference artifacts into artifacts/)",
                path.display()
            );
        }
        let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Self::from_wasm(name, &wasm)
    }

    /// Checks `wasm` as wasmd does at upload (Osmosis' capabilities, wasmd's limits) and
    /// compiles it with singlepass and gas metering.
    pub fn from_wasm(name: &str, wasm: &[u8]) -> anyhow::Result<Self> {
        let capabilities: HashSet<String> = capabilities_from_csv(OSMOSIS_CAPABILITIES);
        check_upload(name, wasm, &capabilities)?;

        let cache_dir = tempfile::Builder::new()
            .prefix("spice-vm-cache-")
            .tempdir()
            .context("creating the module cache directory")?;
        let options = CacheOptions::new(
            cache_dir.path(),
            capabilities,
            MEMORY_CACHE_SIZE,
            INSTANCE_MEMORY_LIMIT,
        );
        // SAFETY: the cache directory is new and private to this contract; nothing else
        // writes modules into it.
        let cache = unsafe { Cache::new(options) }.context("creating the module cache")?;
        // Checked above already; compiled once here, later instances come from memory.
        let checksum = cache
            .store_code(wasm, false, true)
            .with_context(|| format!("{name}: compiling"))?;

        let api = api();
        let mut env = mock_env();
        env.block.height = GENESIS_HEIGHT;
        env.block.time = GENESIS_TIME;
        env.block.chain_id = CHAIN_ID.to_string();
        env.contract.address = Addr::unchecked(api.addr_make(&format!("contract:{name}")));

        Ok(Self {
            name: name.to_string(),
            checksum,
            wasm_len: wasm.len(),
            code_lens: HashMap::from([(checksum, wasm.len())]),
            cache,
            _cache_dir: cache_dir,
            backend: Some(Backend {
                api,
                storage: CountingStorage::new(),
                querier: VmQuerier::new(MockQuerier::new(&[])),
            }),
            env,
            gas_limit_vm: BLOCK_GAS_LIMIT * WASMD_GAS_MULTIPLIER,
        })
    }

    /// The name given at load (the artifact name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Size of the loaded wasm in bytes (of the code it runs now, after a migration).
    pub fn wasm_len(&self) -> usize {
        self.wasm_len
    }

    /// Checksum (sha256) of the code the contract runs now, as wasmd's code info shows it.
    pub fn checksum(&self) -> Checksum {
        self.checksum
    }

    /// The contract's address (bech32, Osmosis prefix).
    pub fn address(&self) -> &str {
        self.env.contract.address.as_str()
    }

    /// The `Env` the next call gets.
    pub fn env(&self) -> &Env {
        &self.env
    }

    pub fn block_height(&self) -> u64 {
        self.env.block.height
    }

    pub fn block_time(&self) -> Timestamp {
        self.env.block.time
    }

    pub fn set_block_height(&mut self, height: u64) {
        self.env.block.height = height;
    }

    pub fn set_block_time(&mut self, time: Timestamp) {
        self.env.block.time = time;
    }

    /// Moves `blocks` blocks and `seconds` seconds ahead.
    pub fn advance_blocks(&mut self, blocks: u64, seconds: u64) {
        self.env.block.height += blocks;
        self.env.block.time = self.env.block.time.plus_seconds(seconds);
    }

    /// Per-call gas limit in SDK gas (default: Osmosis' block gas limit). The VM gets
    /// `limit × 140_000`, and the KV costs are not part of what it meters.
    pub fn set_gas_limit(&mut self, sdk_gas: u64) {
        self.gas_limit_vm = sdk_gas.saturating_mul(WASMD_GAS_MULTIPLIER);
    }

    /// The contract's storage, e.g. to `peek` at raw keys. Reads through it are not counted.
    pub fn storage(&self) -> &CountingStorage {
        &self.backend_ref().storage
    }

    /// Every key and value of the contract's storage, ascending by key; not counted.
    pub fn storage_records(&mut self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.backend_mut().storage.records()
    }

    /// The mock querier: bank balances (`update_balance`), staking, wasm query handlers.
    pub fn querier_mut(&mut self) -> &mut MockQuerier {
        &mut self.backend_mut().querier
    }

    /// Answers the contract's stargate/gRPC queries (`QueryRequest::Stargate`/`Grpc`) with
    /// `handler(path, request bytes)`; the mock querier refuses them otherwise.
    pub fn set_stargate_handler(&mut self, handler: StargateHandler) {
        self.backend_mut().querier.set_stargate_handler(handler);
    }

    /// Sets `address`' bank balance (replacing it).
    pub fn set_balance(&mut self, address: &str, balance: Vec<Coin>) {
        self.querier_mut().update_balance(address, balance);
    }

    /// Calls `instantiate` as `sender`, sending `funds`.
    pub fn instantiate<M: Serialize + ?Sized>(
        &mut self,
        sender: &str,
        msg: &M,
        funds: &[Coin],
    ) -> Result<CallReport<Response>, CallError> {
        let msg = self.encode("instantiate", msg)?;
        let info = MessageInfo {
            sender: Addr::unchecked(sender),
            funds: funds.to_vec(),
        };
        let env = self.env.clone();
        self.call("instantiate", true, funds, |instance| {
            call_instantiate(instance, &env, &info, &msg)
        })
    }

    /// Calls `execute` as `sender`, sending `funds`.
    pub fn execute<M: Serialize + ?Sized>(
        &mut self,
        sender: &str,
        msg: &M,
        funds: &[Coin],
    ) -> Result<CallReport<Response>, CallError> {
        let msg = self.encode("execute", msg)?;
        let info = MessageInfo {
            sender: Addr::unchecked(sender),
            funds: funds.to_vec(),
        };
        let env = self.env.clone();
        self.call("execute", true, funds, |instance| {
            call_execute(instance, &env, &info, &msg)
        })
    }

    /// Calls `reply` with `reply` as the result of a submessage the contract sent (the harness
    /// never executes submessages; this stands in for the chain's answer).
    pub fn reply(&mut self, reply: &Reply) -> Result<CallReport<Response>, CallError> {
        let env = self.env.clone();
        self.call("reply", true, &[], |instance| {
            call_reply(instance, &env, reply)
        })
    }

    /// Calls `sudo` with `msg` (what the chain sends: ibc-hooks callbacks, governance).
    pub fn sudo<M: Serialize + ?Sized>(
        &mut self,
        msg: &M,
    ) -> Result<CallReport<Response>, CallError> {
        let msg = self.encode("sudo", msg)?;
        let env = self.env.clone();
        self.call("sudo", true, &[], |instance| {
            call_sudo(instance, &env, &msg)
        })
    }

    /// Uploads `wasm` next to the contract's code, checked and compiled as [`from_wasm`]
    /// does, so [`migrate`](Self::migrate) can switch to it. The contract keeps running its
    /// current code until then.
    ///
    /// [`from_wasm`]: Self::from_wasm
    pub fn store_code(&mut self, wasm: &[u8]) -> anyhow::Result<Checksum> {
        let capabilities: HashSet<String> = capabilities_from_csv(OSMOSIS_CAPABILITIES);
        check_upload(&self.name, wasm, &capabilities)?;
        let checksum = self
            .cache
            .store_code(wasm, false, true)
            .with_context(|| format!("{}: compiling the new code", self.name))?;
        self.code_lens.insert(checksum, wasm.len());
        Ok(checksum)
    }

    /// [`store_code`](Self::store_code) of the artifact at `path`.
    pub fn store_code_path(&mut self, path: &Path) -> anyhow::Result<Checksum> {
        if !path.is_file() {
            bail!("code {} not found", path.display());
        }
        let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        self.store_code(&wasm)
    }

    /// Migrates the contract to `code` (from [`store_code`](Self::store_code)) as `sender`,
    /// the way wasmd executes `MsgMigrateContract`: `code`'s `migrate` entry point runs on the
    /// contract's storage with the same address and balances, and gets a `MigrateInfo` when
    /// it takes one (the old code's migrate version, if it declares one, as wasmvm reads it).
    /// On success the contract runs `code` from then on; on failure its state and code are
    /// left as they were, like a failed transaction. wasmd's admin check is not modelled: any
    /// `sender` may migrate.
    pub fn migrate<M: Serialize + ?Sized>(
        &mut self,
        sender: &str,
        code: &Checksum,
        msg: &M,
    ) -> Result<CallReport<Response>, CallError> {
        let msg = self.encode("migrate", msg)?;
        let unknown_code = |error: String| CallError::Vm {
            contract: self.name.clone(),
            entry_point: "migrate",
            error,
            out_of_gas: false,
            report: None,
        };
        let Some(&wasm_len) = self.code_lens.get(code) else {
            return Err(unknown_code(format!(
                "code {code} was not stored with store_code"
            )));
        };
        let old_migrate_version = self
            .cache
            .analyze(&self.checksum)
            .map_err(|e| unknown_code(format!("analyzing the current code: {e}")))?
            .contract_migrate_version;
        let info = MigrateInfo {
            sender: Addr::unchecked(sender),
            old_migrate_version,
        };
        let env = self.env.clone();
        let report = self.call_code(*code, "migrate", true, &[], |instance| {
            call_migrate_with_info(instance, &env, &msg, &info)
        })?;
        self.checksum = *code;
        self.wasm_len = wasm_len;
        Ok(report)
    }

    /// Calls `query` (read-only storage); returns the raw JSON and the report. Priced like a
    /// query made by another contract inside a transaction (60,000 call cost included).
    pub fn query<M: Serialize + ?Sized>(
        &mut self,
        msg: &M,
    ) -> Result<(Binary, CallReport), CallError> {
        let msg = self.encode("query", msg)?;
        let env = self.env.clone();
        let report = self.call("query", false, &[], |instance| {
            call_query(instance, &env, &msg)
        })?;
        let numbers = report.without_response();
        Ok((report.response, numbers))
    }

    /// [`query`](Self::query) with the response parsed as `T`.
    pub fn query_json<T: DeserializeOwned>(
        &mut self,
        msg: &(impl Serialize + ?Sized),
    ) -> anyhow::Result<(T, CallReport)> {
        let (binary, report) = self.query(msg)?;
        let parsed = serde_json::from_slice(binary.as_slice()).with_context(|| {
            format!(
                "{}: query response {} does not parse",
                self.name,
                String::from_utf8_lossy(binary.as_slice())
            )
        })?;
        Ok((parsed, report))
    }

    fn encode<M: Serialize + ?Sized>(
        &self,
        entry_point: &'static str,
        msg: &M,
    ) -> Result<Vec<u8>, CallError> {
        serde_json::to_vec(msg).map_err(|e| CallError::Vm {
            contract: self.name.clone(),
            entry_point,
            error: format!("message does not serialize: {e}"),
            out_of_gas: false,
            report: None,
        })
    }

    fn backend_ref(&self) -> &VmBackend {
        self.backend
            .as_ref()
            .expect("the VM lost this contract's state in an earlier call")
    }

    fn backend_mut(&mut self) -> &mut VmBackend {
        self.backend
            .as_mut()
            .expect("the VM lost this contract's state in an earlier call")
    }

    /// Runs one call of the contract's current code; see [`call_code`](Self::call_code).
    fn call<T>(
        &mut self,
        entry_point: &'static str,
        mutating: bool,
        funds: &[Coin],
        run: impl FnOnce(&mut VmInstance) -> VmResult<ContractResult<T>>,
    ) -> Result<CallReport<T>, CallError> {
        self.call_code(self.checksum, entry_point, mutating, funds, run)
    }

    /// Runs one call of `code` on a fresh instance; commits its state changes when it
    /// succeeds and rolls them (and the funds credited) back otherwise.
    fn call_code<T>(
        &mut self,
        code: Checksum,
        entry_point: &'static str,
        mutating: bool,
        funds: &[Coin],
        run: impl FnOnce(&mut VmInstance) -> VmResult<ContractResult<T>>,
    ) -> Result<CallReport<T>, CallError> {
        let name = self.name.clone();
        let vm_error =
            |error: String, out_of_gas: bool, report: Option<CallReport>| CallError::Vm {
                contract: name.clone(),
                entry_point,
                error,
                out_of_gas,
                report: report.map(Box::new),
            };
        let Some(mut backend) = self.backend.take() else {
            return Err(vm_error(
                "the VM lost this contract's state in an earlier call".into(),
                false,
                None,
            ));
        };
        backend.storage.take_counts();
        backend.storage.begin();
        let contract = self.env.contract.address.to_string();
        let balance_before = mutating.then(|| credit(&mut backend.querier, &contract, funds));

        let options = InstanceOptions {
            gas_limit: self.gas_limit_vm,
        };
        let mut instance = match self.cache.get_instance(&code, backend, options) {
            Ok(instance) => instance,
            // The backend went down with the failed instantiation; see `backend` docs.
            Err(e) => return Err(vm_error(format!("creating an instance: {e}"), false, None)),
        };
        let result = run(&mut instance);
        let gas_report: GasReport = instance.create_gas_report();
        let Some(mut backend) = instance.recycle() else {
            return Err(vm_error(
                "the instance did not give its storage back".into(),
                false,
                None,
            ));
        };

        let kv = backend.storage.take_counts();
        let succeeded = matches!(result, Ok(ContractResult::Ok(_))) && mutating;
        if succeeded {
            backend.storage.commit();
        } else {
            // Queries change nothing (read-only storage); rolling back is a no-op for them.
            backend.storage.rollback();
            if let Some(balance) = balance_before {
                backend.querier.update_balance(contract, balance);
            }
        }
        self.backend = Some(backend);

        let report = CallReport::new((), gas_report.used_internally, kv);
        match result {
            Ok(ContractResult::Ok(response)) => Ok(report.map(|()| response)),
            Ok(ContractResult::Err(message)) => Err(CallError::Contract {
                contract: name,
                entry_point,
                message,
                report: Box::new(report),
            }),
            Err(error) => {
                let out_of_gas = matches!(error, VmError::GasDepletion { .. });
                Err(vm_error(error.to_string(), out_of_gas, Some(report)))
            }
        }
    }
}

/// Checks `wasm` as wasmd does at upload: Osmosis' capabilities, wasmd's limits.
fn check_upload(name: &str, wasm: &[u8], capabilities: &HashSet<String>) -> anyhow::Result<()> {
    check_wasm(wasm, capabilities, &WasmLimits::default(), Logger::Off)
        .with_context(|| format!("{name}: the artifact would be refused at upload on Osmosis"))
}

/// Adds `funds` to `address`' balance in the mock bank and returns the balance before.
fn credit(querier: &mut MockQuerier, address: &str, funds: &[Coin]) -> Vec<Coin> {
    // The mock bank can only be read by swapping a balance out.
    let before = querier
        .update_balance(address, Vec::new())
        .unwrap_or_default();
    let mut by_denom: BTreeMap<String, Coin> = BTreeMap::new();
    for coin in before.iter().chain(funds) {
        by_denom
            .entry(coin.denom.clone())
            .and_modify(|sum| {
                sum.amount = sum
                    .amount
                    .checked_add(coin.amount)
                    .expect("test balances overflow Uint128");
            })
            .or_insert_with(|| coin.clone());
    }
    querier.update_balance(
        address,
        by_denom
            .into_values()
            .filter(|c| !c.amount.is_zero())
            .collect(),
    );
    before
}
