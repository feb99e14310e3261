//! A `Suite` on the Osmosis emulation: pools OSMO/AKT (1 AKT = 2 OSMO) and USDC/OSMO (1:1),
//! routes OSMO→AKT (one hop) and USDC→OSMO→AKT (two hops), the staking module with AKT as bond
//! denom and three validators, and the vault with either strategy.

use cosmwasm_std::{coin, coins, Addr, Coin, Decimal, DepsMut, Env, Response, Uint128, Validator};
use cw_multi_test::{AppResponse, ContractWrapper, Executor, StakingInfo};
use spice_testing::{
    advance_time, create_balancer_pool, fund, osmosis_app, relay_ack, relay_error_ack,
    relay_timeout, swap_exact_amount_in, OsmosisApp,
};

use crate::contract;
use crate::msg::{
    ExecuteMsg, HistoryResponse, InstantiateMsg, QueryMsg, ReturnKind, SimulateConvertResponse,
    StatusResponse, StrategyMsg, SudoMsg,
};
use crate::state::{Books, Hop, WeightedValidator};
use crate::ContractError;

pub const OSMO: &str = "uosmo";
pub const USDC: &str = "uusdc";
pub const AKT: &str = "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4";
pub const CHANNEL: &str = "channel-1";
pub const AKASH_ADDR: &str = "akash1q7spgzqdk5tt8ykcalcn3wmh4fqx6aqvnnyk5h";
pub const WINDOW: u64 = 1_800;
pub const COOLDOWN: u64 = 3_600;
pub const BOUNTY_BPS: u16 = 20;
pub const CAP: u128 = 1_000_000_000;
pub const MIN_CONVERT: u128 = 1_000;
pub const UNBONDING: u64 = 1_209_600;
pub const DAILY_OUTFLOW: u128 = 5_000_000_000;
pub const VALIDATORS: [&str; 3] = ["osmovaloper1alpha", "osmovaloper1beta", "osmovaloper1gamma"];
pub const HASH: &str = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90";

/// The vault's `sudo` entry point, or a test's wrapper around it.
pub type SudoFn = fn(DepsMut, Env, SudoMsg) -> Result<Response, ContractError>;

pub struct Suite {
    pub app: OsmosisApp,
    pub vault: Addr,
    pub owner: Addr,
    pub guardian: Addr,
    pub keeper: Addr,
    pub operator: Addr,
    pub buyback: Addr,
    pub treasury: Addr,
    pub stranger: Addr,
    pub akt_pool: u64,
    pub usdc_pool: u64,
    next_hash: u64,
}

pub fn cerr(e: &anyhow::Error) -> &ContractError {
    e.downcast_ref::<ContractError>()
        .or_else(|| e.root_cause().downcast_ref::<ContractError>())
        .unwrap_or_else(|| panic!("not a ContractError: {e:?}"))
}

#[track_caller]
pub fn assert_err(res: anyhow::Result<AppResponse>, expected: ContractError) {
    let err = res.expect_err("the call should fail");
    assert_eq!(cerr(&err), &expected);
}

pub fn hop(pool_id: u64, out: &str) -> Hop {
    Hop {
        pool_id,
        token_out_denom: out.to_string(),
    }
}

/// The `wasm-spice.vault.<action>` event's attribute.
pub fn event_attr(res: &AppResponse, action: &str, key: &str) -> String {
    let ty = format!("wasm-spice.vault.{action}");
    res.events
        .iter()
        .find(|e| e.ty == ty)
        .unwrap_or_else(|| panic!("no event {ty} in {:?}", res.events))
        .attributes
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no attribute {key} in {ty}"))
        .value
        .clone()
}

pub fn native_strategy() -> StrategyMsg {
    StrategyMsg::Native {
        validators: vec![
            WeightedValidator {
                address: VALIDATORS[0].into(),
                weight: 1,
            },
            WeightedValidator {
                address: VALIDATORS[1].into(),
                weight: 2,
            },
        ],
    }
}

impl Suite {
    pub fn operator_strategy(&self) -> StrategyMsg {
        StrategyMsg::Operator {
            operator: self.operator.to_string(),
            channel: CHANNEL.into(),
            delegation_address: AKASH_ADDR.into(),
            max_daily_outflow: Uint128::new(DAILY_OUTFLOW),
            max_apr: Decimal::percent(20),
            transfer_timeout_seconds: 600,
        }
    }

    /// Routes set, the chain two TWAP windows past the pools' creation, native strategy.
    pub fn native() -> Self {
        let mut s = Self::bare();
        let owner = s.owner.clone();
        s.exec(
            &owner,
            &ExecuteMsg::SetStrategy {
                strategy: native_strategy(),
            },
            &[],
        )
        .unwrap();
        s
    }

    pub fn operator() -> Self {
        Self::operator_with_sudo(contract::sudo)
    }

    /// An operator suite whose vault code answers `sudo` with `sudo` (a test's stand-in for a
    /// callback that fails).
    pub fn operator_with_sudo(sudo: SudoFn) -> Self {
        let mut s = Self::bare_with_sudo(sudo);
        let owner = s.owner.clone();
        let strategy = s.operator_strategy();
        s.exec(&owner, &ExecuteMsg::SetStrategy { strategy }, &[])
            .unwrap();
        s
    }

    /// Pools, staking module, vault with routes and no strategy.
    pub fn bare() -> Self {
        Self::bare_with_sudo(contract::sudo)
    }

    fn bare_with_sudo(sudo: SudoFn) -> Self {
        Self::build(sudo, AKT)
    }

    /// The operator strategy on a chain whose staking module bonds `bond_denom` (Osmosis:
    /// `OSMO`), the vault's AKT staked on Akash through the operator.
    pub fn operator_bonded(bond_denom: &str) -> Self {
        let mut s = Self::bare_bonded(bond_denom);
        let strategy = s.operator_strategy();
        s.owner_exec(&ExecuteMsg::SetStrategy { strategy }).unwrap();
        s
    }

    /// [`Suite::bare`] on a chain whose staking module bonds `bond_denom`.
    pub fn bare_bonded(bond_denom: &str) -> Self {
        Self::build(contract::sudo, bond_denom)
    }

    fn build(sudo: SudoFn, bond_denom: &str) -> Self {
        let mut app = osmosis_app();
        let api = app.api();
        let owner = api.addr_make("owner");
        let guardian = api.addr_make("guardian");
        let keeper = api.addr_make("keeper");
        let operator = api.addr_make("operator");
        let buyback = api.addr_make("buyback");
        let treasury = api.addr_make("treasury");
        let stranger = api.addr_make("stranger");
        let lp = api.addr_make("lp");

        let block = app.block_info();
        app.init_modules(|router, api, storage| {
            router
                .staking
                .setup(
                    storage,
                    StakingInfo {
                        bonded_denom: bond_denom.to_string(),
                        unbonding_time: UNBONDING,
                        apr: Decimal::percent(10),
                    },
                )
                .unwrap();
            for v in VALIDATORS {
                router
                    .staking
                    .add_validator(
                        api,
                        storage,
                        &block,
                        Validator::create(
                            v.to_string(),
                            Decimal::zero(),
                            Decimal::percent(20),
                            Decimal::percent(1),
                        ),
                    )
                    .unwrap();
            }
        });

        fund(
            &mut app,
            &lp,
            vec![
                coin(10_000_000_000_000, OSMO),
                coin(10_000_000_000_000, AKT),
                coin(10_000_000_000_000, USDC),
            ],
        )
        .unwrap();
        let akt_pool = create_balancer_pool(
            &mut app,
            &lp,
            &[
                (coin(50_000_000_000, AKT), 1),
                (coin(100_000_000_000, OSMO), 1),
            ],
            Decimal::permille(2),
        )
        .unwrap();
        let usdc_pool = create_balancer_pool(
            &mut app,
            &lp,
            &[
                (coin(100_000_000_000, USDC), 1),
                (coin(100_000_000_000, OSMO), 1),
            ],
            Decimal::permille(2),
        )
        .unwrap();

        let code = app.store_code(Box::new(
            ContractWrapper::new(contract::execute, contract::instantiate, contract::query)
                .with_reply(contract::reply)
                .with_sudo(sudo)
                .with_migrate(contract::migrate),
        ));
        let msg = InstantiateMsg {
            owner: Some(owner.to_string()),
            guardian: Some(guardian.to_string()),
            akt_denom: AKT.into(),
            revenue_recipient: buyback.to_string(),
            twap_window_seconds: WINDOW,
            max_slippage: Decimal::percent(2),
            max_spot_deviation: Decimal::percent(3),
            keeper_bounty_bps: BOUNTY_BPS,
            convert_cooldown_seconds: COOLDOWN,
            per_convert_cap: Some(Uint128::new(CAP)),
            unbonding_period_seconds: Some(UNBONDING),
            strategy: None,
            min_convert_amount: Some(Uint128::new(MIN_CONVERT)),
            convert_epoch_seconds: None,
            convert_epoch_cap: None,
            max_daily_loss: None,
        };
        let vault = app
            .instantiate_contract(code, owner.clone(), &msg, &[], "vault", None)
            .unwrap();
        let mut s = Suite {
            app,
            vault,
            owner,
            guardian,
            keeper,
            operator,
            buyback,
            treasury,
            stranger,
            akt_pool,
            usdc_pool,
            next_hash: 0,
        };
        let owner = s.owner.clone();
        s.exec(
            &owner,
            &ExecuteMsg::SetRoute {
                denom: OSMO.into(),
                hops: vec![hop(akt_pool, AKT)],
            },
            &[],
        )
        .unwrap();
        s.exec(
            &owner,
            &ExecuteMsg::SetRoute {
                denom: USDC.into(),
                hops: vec![hop(usdc_pool, OSMO), hop(akt_pool, AKT)],
            },
            &[],
        )
        .unwrap();
        advance_time(&mut s.app, 2 * WINDOW);
        s
    }

    pub fn exec(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> anyhow::Result<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.vault.clone(), msg, funds)
    }

    pub fn owner_exec(&mut self, msg: &ExecuteMsg) -> anyhow::Result<AppResponse> {
        let owner = self.owner.clone();
        self.exec(&owner, msg, &[])
    }

    pub fn keeper_exec(&mut self, msg: &ExecuteMsg) -> anyhow::Result<AppResponse> {
        let keeper = self.keeper.clone();
        self.exec(&keeper, msg, &[])
    }

    /// The treasury deposits `amount` of `denom` (funded first).
    pub fn deposit(&mut self, amount: u128, denom: &str) -> anyhow::Result<AppResponse> {
        let treasury = self.treasury.clone();
        fund(&mut self.app, &treasury, coins(amount, denom)).unwrap();
        self.exec(&treasury, &ExecuteMsg::Deposit {}, &coins(amount, denom))
    }

    pub fn convert(&mut self, denom: &str, limit: Option<u128>) -> anyhow::Result<AppResponse> {
        self.keeper_exec(&ExecuteMsg::Convert {
            denom: Some(denom.into()),
            limit: limit.map(Uint128::new),
        })
    }

    pub fn stake(&mut self) -> anyhow::Result<AppResponse> {
        self.keeper_exec(&ExecuteMsg::Stake {})
    }

    pub fn harvest(&mut self) -> anyhow::Result<AppResponse> {
        self.keeper_exec(&ExecuteMsg::Harvest {})
    }

    /// A fresh, valid tx hash.
    pub fn hash(&mut self) -> String {
        self.next_hash += 1;
        format!("{:064X}", self.next_hash)
    }

    pub fn operator_exec(&mut self, msg: &ExecuteMsg) -> anyhow::Result<AppResponse> {
        let operator = self.operator.clone();
        self.exec(&operator, msg, &[])
    }

    pub fn confirm_delegation(&mut self, amount: u128) -> anyhow::Result<AppResponse> {
        let tx_hash = self.hash();
        self.operator_exec(&ExecuteMsg::ConfirmDelegation {
            amount: Uint128::new(amount),
            tx_hash,
        })
    }

    /// The address ibc-hooks executes as for transfers from the delegation address.
    pub fn hooks_sender(&self) -> Addr {
        crate::execute::sync::ibc_hooks_sender(self.app.api(), CHANNEL, AKASH_ADDR).unwrap()
    }

    /// The operator sends `amount` AKT home over IBC with the `receive_return` hook memo: the
    /// ICS-20 module mints the voucher to the hooks sender, which executes the vault with it.
    pub fn receive(&mut self, kind: ReturnKind, amount: u128) -> anyhow::Result<AppResponse> {
        let sender = self.hooks_sender();
        fund(&mut self.app, &sender, coins(amount, AKT)).unwrap();
        self.exec(
            &sender,
            &ExecuteMsg::ReceiveReturn { kind },
            &coins(amount, AKT),
        )
    }

    /// Anyone books what reached the vault by plain bank send.
    pub fn sync(&mut self) -> anyhow::Result<AppResponse> {
        let stranger = self.stranger.clone();
        self.exec(&stranger, &ExecuteMsg::Sync { denoms: None }, &[])
    }

    /// A plain bank send to the vault (a take fee, a donation).
    pub fn send_to_vault(&mut self, amount: u128, denom: &str) {
        let vault = self.vault.clone();
        fund(&mut self.app, &vault, coins(amount, denom)).unwrap();
    }

    /// The operator sends `amount` AKT rewards back through the hook and confirms.
    pub fn return_and_confirm_rewards(&mut self, amount: u128) -> anyhow::Result<AppResponse> {
        self.receive(ReturnKind::Rewards, amount).unwrap();
        let tx_hash = self.hash();
        self.operator_exec(&ExecuteMsg::ConfirmRewards {
            amount: Uint128::new(amount),
            tx_hash,
        })
    }

    pub fn ack(&mut self, sequence: u64) {
        relay_ack(&mut self.app, CHANNEL, sequence).unwrap();
    }

    pub fn error_ack(&mut self, sequence: u64) {
        relay_error_ack(&mut self.app, CHANNEL, sequence, "receiver refused").unwrap();
    }

    pub fn timeout(&mut self, sequence: u64) {
        relay_timeout(&mut self.app, CHANNEL, sequence).unwrap();
    }

    pub fn advance(&mut self, seconds: u64) {
        advance_time(&mut self.app, seconds);
    }

    pub fn balance(&self, who: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(who, denom)
            .unwrap()
            .amount
            .u128()
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app.wrap().query_wasm_smart(&self.vault, msg).unwrap()
    }

    pub fn status(&self) -> StatusResponse {
        self.query(&QueryMsg::Status {})
    }

    pub fn books(&self) -> Books {
        self.status().books
    }

    pub fn simulate(&self, denom: &str) -> SimulateConvertResponse {
        self.query(&QueryMsg::SimulateConvert {
            denom: denom.into(),
        })
    }

    pub fn history(&self) -> HistoryResponse {
        self.query(&QueryMsg::History {
            start_after: None,
            limit: Some(30),
        })
    }

    pub fn waiting(&self, denom: &str) -> u128 {
        self.status()
            .proceeds
            .iter()
            .find(|p| p.denom == denom)
            .map_or(0, |p| p.waiting.u128())
    }

    /// An outside trader swaps (min out 1); returns the amount out.
    pub fn trade(&mut self, who: &Addr, routes: &[(u64, &str)], token_in: Coin) -> u128 {
        fund(&mut self.app, who, vec![token_in.clone()]).unwrap();
        swap_exact_amount_in(&mut self.app, who, routes, token_in, Uint128::one())
            .unwrap()
            .u128()
    }

    /// Buys AKT into the vault's pending: deposits OSMO and converts it.
    pub fn acquire(&mut self, osmo: u128) -> u128 {
        self.deposit(osmo, OSMO).unwrap();
        let res = self.convert(OSMO, None).unwrap();
        event_attr(&res, "convert", "akt_out").parse().unwrap()
    }
}

/// The books balance: every unit of AKT acquired is in exactly one place.
pub fn assert_conserved(b: &Books) {
    let sum = b.pending.u128()
        + b.transferring.u128()
        + b.at_operator.u128()
        + b.staked.u128()
        + b.unbonding.u128()
        + b.returned.u128()
        + b.unbonded_out.u128()
        + b.lost.u128();
    assert_eq!(sum, b.acquired.u128(), "{b:?}");
}
