//! A cw-multi-test App with real bank balances, the contract, and typed calls for its roles.

use cosmwasm_std::{coin, Addr, Coin, Empty, Timestamp, Uint128};
use cw_multi_test::error::{AnyError, AnyResult};
use cw_multi_test::{App, AppBuilder, AppResponse, Contract, ContractWrapper, Executor};

use crate::contract;
use crate::msg::{
    DisputeOutcome, EpochRange, EpochResponse, ExecuteMsg, InstantiateMsg, PendingRewardsResponse,
    QueryMsg, ReportEntry,
};
use crate::state::ProviderInfo;
use crate::ContractError;

pub const OSMO: &str = "uosmo";
pub const ATOM: &str = "uatom";
pub const EPOCH: u64 = 3_600;
pub const REPORT_WINDOW: u64 = 600;
pub const DISPUTE_WINDOW: u64 = 1_200;
/// What the funder and every provider start with, per denom.
pub const START_BALANCE: u128 = 1_000_000_000_000_000;

pub fn contract_code() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(contract::execute, contract::instantiate, contract::query)
            .with_migrate(contract::migrate),
    )
}

/// The contract's error behind a failed call.
pub fn contract_err(err: AnyError) -> ContractError {
    err.downcast::<ContractError>()
        .unwrap_or_else(|e| panic!("not a ContractError: {e:?}"))
}

pub struct SuiteBuilder {
    pub oracles: u32,
    pub quorum: u32,
    pub min_bond: Option<Uint128>,
    pub max_report_entries: Option<u32>,
    pub providers: u32,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        SuiteBuilder {
            oracles: 3,
            quorum: 2,
            min_bond: None,
            max_report_entries: None,
            providers: 5,
        }
    }
}

pub struct Suite {
    pub app: App,
    pub contract: Addr,
    pub owner: Addr,
    pub guardian: Addr,
    pub oracles: Vec<Addr>,
    pub auditor: Addr,
    pub escrow: Addr,
    pub funder: Addr,
    pub providers: Vec<Addr>,
    pub stranger: Addr,
    pub genesis: Timestamp,
}

impl SuiteBuilder {
    pub fn build(self) -> Suite {
        let mut app = AppBuilder::new().build(|_, _, _| {});
        let api = *app.api();
        let owner = api.addr_make("owner");
        let guardian = api.addr_make("guardian");
        let oracles: Vec<Addr> = (0..self.oracles)
            .map(|i| api.addr_make(&format!("oracle{i}")))
            .collect();
        let auditor = api.addr_make("auditor");
        let escrow = api.addr_make("escrow");
        let funder = api.addr_make("funder");
        let stranger = api.addr_make("stranger");
        let providers: Vec<Addr> = (0..self.providers)
            .map(|i| api.addr_make(&format!("provider{i}")))
            .collect();
        let funded: Vec<Addr> = providers
            .iter()
            .chain([&funder, &stranger])
            .cloned()
            .collect();
        app.init_modules(|router, _, storage| {
            for addr in &funded {
                router
                    .bank
                    .init_balance(
                        storage,
                        addr,
                        vec![coin(START_BALANCE, OSMO), coin(START_BALANCE, ATOM)],
                    )
                    .unwrap();
            }
        });
        // Epoch arithmetic is in whole seconds.
        let genesis = Timestamp::from_seconds(app.block_info().time.seconds());
        app.update_block(|b| b.time = genesis);
        let code = app.store_code(contract_code());
        let contract = app
            .instantiate_contract(
                code,
                owner.clone(),
                &InstantiateMsg {
                    owner: None,
                    guardian: Some(guardian.to_string()),
                    reward_denoms: vec![OSMO.into(), ATOM.into()],
                    genesis_time: Some(genesis),
                    epoch_seconds: EPOCH,
                    report_window_seconds: REPORT_WINDOW,
                    dispute_window_seconds: DISPUTE_WINDOW,
                    oracles: oracles.iter().map(Addr::to_string).collect(),
                    oracle_quorum: self.quorum,
                    auditors: vec![auditor.to_string()],
                    escrow: Some(escrow.to_string()),
                    tier_multipliers: None,
                    bond_denom: Some(OSMO.into()),
                    min_bond: self.min_bond,
                    max_report_entries: self.max_report_entries,
                },
                &[],
                "provider-incentives",
                None,
            )
            .unwrap();
        Suite {
            app,
            contract,
            owner,
            guardian,
            oracles,
            auditor,
            escrow,
            funder,
            providers,
            stranger,
            genesis,
        }
    }
}

pub fn info(moniker: &str) -> ProviderInfo {
    ProviderInfo {
        moniker: moniker.into(),
        host_uri: format!("https://{moniker}.example:8443"),
    }
}

pub fn entry(provider: &Addr, units: u128) -> ReportEntry {
    ReportEntry {
        provider: provider.to_string(),
        utilization_units: Uint128::new(units),
    }
}

impl Suite {
    pub fn new() -> Suite {
        SuiteBuilder::default().build()
    }

    pub fn p(&self, i: usize) -> Addr {
        self.providers[i].clone()
    }

    pub fn exec(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.contract.clone(), msg, funds)
    }

    pub fn exec_err(&mut self, sender: &Addr, msg: &ExecuteMsg, funds: &[Coin]) -> ContractError {
        contract_err(self.exec(sender, msg, funds).unwrap_err())
    }

    pub fn query<T: cosmwasm_schema::serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(self.contract.clone(), msg)
            .unwrap()
    }

    // --- time ---

    pub fn now(&self) -> Timestamp {
        self.app.block_info().time
    }

    pub fn set_time(&mut self, time: Timestamp) {
        self.app.update_block(|b| {
            b.height += 1;
            b.time = time;
        });
    }

    pub fn advance(&mut self, seconds: u64) {
        let to = self.now().plus_seconds(seconds);
        self.set_time(to);
    }

    pub fn epoch_start(&self, epoch: u64) -> Timestamp {
        self.genesis.plus_seconds(epoch * EPOCH)
    }

    /// Moves to the first second at which `epoch` can be finalized.
    pub fn go_to_window_close(&mut self, epoch: u64) {
        let t = self.epoch_start(epoch + 1).plus_seconds(REPORT_WINDOW);
        self.set_time(t);
    }

    // --- typed calls ---

    pub fn fund(&mut self, epoch: Option<u64>, funds: &[Coin]) -> AnyResult<AppResponse> {
        let funder = self.funder.clone();
        self.exec(&funder, &ExecuteMsg::Fund { epoch }, funds)
    }

    pub fn register(&mut self, provider: &Addr, bond: &[Coin]) -> AnyResult<AppResponse> {
        self.exec(
            provider,
            &ExecuteMsg::RegisterProvider { info: info("prov") },
            bond,
        )
    }

    pub fn audit(&mut self, provider: &Addr, tier: u32) -> AnyResult<AppResponse> {
        let auditor = self.auditor.clone();
        self.exec(
            &auditor,
            &ExecuteMsg::AuditProvider {
                provider: provider.to_string(),
                tier,
                attributes: vec![],
            },
            &[],
        )
    }

    /// Registers (no bond) and audits at `tier`.
    pub fn onboard(&mut self, provider: &Addr, tier: u32) {
        self.register(provider, &[]).unwrap();
        self.audit(provider, tier).unwrap();
    }

    pub fn report(
        &mut self,
        oracle: usize,
        epoch: u64,
        entries: Vec<ReportEntry>,
    ) -> AnyResult<AppResponse> {
        let oracle = self.oracles[oracle].clone();
        self.exec(&oracle, &ExecuteMsg::SubmitReport { epoch, entries }, &[])
    }

    /// The first `quorum` oracles report the same entries.
    pub fn agree(&mut self, epoch: u64, entries: Vec<ReportEntry>, quorum: usize) {
        for oracle in 0..quorum {
            self.report(oracle, epoch, entries.clone()).unwrap();
        }
    }

    pub fn lease_settled(
        &mut self,
        sender: &Addr,
        provider: &Addr,
        blocks: u64,
    ) -> AnyResult<AppResponse> {
        self.exec(
            sender,
            &ExecuteMsg::LeaseSettled {
                provider: provider.to_string(),
                tenant: "tenant".into(),
                lease_id: 1,
                denom: "uakt".into(),
                amount: Uint128::new(1_000),
                take_fee: Uint128::zero(),
                blocks,
                served_from: cosmwasm_std::Timestamp::from_seconds(0),
                served_until: cosmwasm_std::Timestamp::from_seconds(0),
            },
            &[],
        )
    }

    pub fn finalize(&mut self, epoch: u64) -> AnyResult<AppResponse> {
        let stranger = self.stranger.clone();
        self.exec(&stranger, &ExecuteMsg::FinalizeEpoch { epoch }, &[])
    }

    pub fn claim(
        &mut self,
        provider: &Addr,
        epochs: Option<EpochRange>,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        self.exec(provider, &ExecuteMsg::Claim { epochs, limit }, &[])
    }

    pub fn dispute(&mut self, epoch: u64, provider: &Addr) -> AnyResult<AppResponse> {
        let auditor = self.auditor.clone();
        self.exec(
            &auditor,
            &ExecuteMsg::Dispute {
                epoch,
                provider: provider.to_string(),
                reason: "served no real workload".into(),
            },
            &[],
        )
    }

    pub fn resolve(
        &mut self,
        epoch: u64,
        provider: &Addr,
        outcome: DisputeOutcome,
        slash: Option<u128>,
    ) -> AnyResult<AppResponse> {
        let owner = self.owner.clone();
        self.exec(
            &owner,
            &ExecuteMsg::ResolveDispute {
                epoch,
                provider: provider.to_string(),
                outcome,
                slash: slash.map(Uint128::new),
            },
            &[],
        )
    }

    pub fn pause(&mut self) {
        let guardian = self.guardian.clone();
        self.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();
    }

    // --- queries ---

    pub fn epoch(&self, epoch: u64) -> EpochResponse {
        self.query(&QueryMsg::Epoch { epoch })
    }

    pub fn pending(&self, provider: &Addr) -> PendingRewardsResponse {
        self.query(&QueryMsg::PendingRewards {
            provider: provider.to_string(),
            start_after: None,
            limit: Some(30),
        })
    }

    pub fn balance(&self, addr: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(addr, denom)
            .unwrap()
            .amount
            .u128()
    }
}

/// The amount of `denom` in a coin list (0 when absent).
pub fn amount(list: &[Coin], denom: &str) -> u128 {
    list.iter()
        .find(|c| c.denom == denom)
        .map(|c| c.amount.u128())
        .unwrap_or(0)
}
