//! The whole SPICE suite on the emulated Osmosis chain: stores the six contracts and
//! instantiates them in dependency order, wired together as DESIGN.md draws them
//! (escrow fees to the vault, vault revenue to buyback-burn, buyback burning at spice-token,
//! the order book opening leases in the escrow, incentives reading the escrow).
//! `spice demo` and the multi-contract scenarios in `integration-tests/` start from here.

use anyhow::Result;
use cosmwasm_std::{Addr, Decimal, Uint128};
use cw20::{Cw20Coin, MinterResponse};
use cw_multi_test::{ContractWrapper, Executor};
use serde::Serialize;
use spice_testing::{factory_denom, OsmosisApp};

/// AKT on Osmosis: the IBC denom of AKT over channel-1 from Akash.
/// The order book's offer deposit while it has no provider registry (5 AKT, like Akash's bid
/// deposit).
pub const OFFER_DEPOSIT: u128 = 5_000_000;
pub const AKT_DENOM: &str = "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4";
pub const USDC_DENOM: &str = "uusdc";
pub const OSMO_DENOM: &str = "uosmo";
/// SPICE has 6 decimals, like most Cosmos assets.
pub const SPICE_DECIMALS: u8 = 6;
/// 1 billion SPICE may ever exist.
pub const SPICE_CAP: u128 = 1_000_000_000_000_000;
pub const SPICE_SUBDENOM: &str = "uspice";

#[derive(Clone, Debug, Serialize)]
pub struct Deployed {
    pub name: &'static str,
    pub code_id: u64,
    pub address: Addr,
}

/// Addresses of the deployed suite, in the order it was instantiated.
#[derive(Clone, Debug, Serialize)]
pub struct SuiteContracts {
    pub spice_token: Deployed,
    pub buyback_burn: Deployed,
    pub staking_vault: Deployed,
    pub rollover_escrow: Deployed,
    pub order_book: Deployed,
    pub provider_incentives: Deployed,
}

impl SuiteContracts {
    pub fn all(&self) -> [&Deployed; 6] {
        [
            &self.spice_token,
            &self.buyback_burn,
            &self.staking_vault,
            &self.rollover_escrow,
            &self.order_book,
            &self.provider_incentives,
        ]
    }

    /// The tokenfactory denom SPICE trades under in Osmosis pools.
    pub fn spice_denom(&self) -> String {
        factory_denom(self.spice_token.address.as_str(), SPICE_SUBDENOM)
    }
}

/// Who governs the deployed suite.
#[derive(Clone, Debug, Serialize)]
pub struct Roles {
    pub owner: Addr,
    pub guardian: Addr,
    pub treasury: Addr,
    pub oracle: Addr,
    /// Every incentives oracle, `oracle` first; the suite deploys a quorum of 2 of these 3.
    pub oracles: Vec<Addr>,
    pub auditor: Addr,
    /// Watches leases and reports provider failures to the escrow.
    pub monitor: Addr,
    /// Runs the vault's Akash delegation address (a multisig) and reports each step.
    pub operator: Addr,
}

impl Roles {
    pub fn new(app: &OsmosisApp) -> Self {
        let api = app.api();
        Roles {
            owner: api.addr_make("dao"),
            guardian: api.addr_make("guardian"),
            treasury: api.addr_make("treasury"),
            oracle: api.addr_make("oracle"),
            oracles: vec![
                api.addr_make("oracle"),
                api.addr_make("oracle_2"),
                api.addr_make("oracle_3"),
            ],
            auditor: api.addr_make("auditor"),
            monitor: api.addr_make("monitor"),
            operator: api.addr_make("operator"),
        }
    }
}

pub mod flows;

/// Incentives as deployed: oracles that must agree on an entry (of `Roles::oracles`).
pub const INCENTIVES_ORACLE_QUORUM: u32 = 2;
/// Most weight (≈ uakt of lease value) one provider earns per epoch: 10 000 AKT.
pub const INCENTIVES_MAX_WEIGHT_PER_PROVIDER: u128 = 10_000_000_000;
/// Most weight one tenant's leases earn one provider per epoch: 2 000 AKT.
pub const INCENTIVES_MAX_WEIGHT_PER_PAIR: u128 = 2_000_000_000;
/// Most OSMO an epoch pays out; the rest carries on: 10 000 OSMO.
pub const INCENTIVES_MAX_PAYOUT_PER_EPOCH: u128 = 10_000_000_000;
/// Disputes resolve within 14 days or lapse.
pub const INCENTIVES_DISPUTE_DEADLINE_SECONDS: u64 = 1_209_600;

macro_rules! store {
    ($app:expr, $krate:ident, reply, sudo) => {
        $app.store_code(Box::new(
            ContractWrapper::new(
                $krate::contract::execute,
                $krate::contract::instantiate,
                $krate::contract::query,
            )
            .with_migrate($krate::contract::migrate)
            .with_reply($krate::contract::reply)
            .with_sudo($krate::contract::sudo),
        ))
    };
    ($app:expr, $krate:ident, reply) => {
        $app.store_code(Box::new(
            ContractWrapper::new(
                $krate::contract::execute,
                $krate::contract::instantiate,
                $krate::contract::query,
            )
            .with_migrate($krate::contract::migrate)
            .with_reply($krate::contract::reply),
        ))
    };
    ($app:expr, $krate:ident) => {
        $app.store_code(Box::new(
            ContractWrapper::new(
                $krate::contract::execute,
                $krate::contract::instantiate,
                $krate::contract::query,
            )
            .with_migrate($krate::contract::migrate),
        ))
    };
}

/// Stores and instantiates the six contracts, each wired to the ones it pays or calls.
/// The treasury holds the initial SPICE supply (10% of the cap); the DAO is the minter.
pub fn deploy(app: &mut OsmosisApp, roles: &Roles) -> Result<SuiteContracts> {
    let owner = &roles.owner;
    let token_code = store!(app, spice_token);
    let buyback_code = store!(app, buyback_burn, reply);
    let vault_code = store!(app, staking_vault, reply, sudo);
    let escrow_code = store!(app, rollover_escrow);
    let order_book_code = store!(app, order_book, reply);
    let incentives_code = store!(app, provider_incentives);

    let spice_token = instantiate_one(
        app,
        roles,
        token_code,
        "spice-token",
        &spice_token::msg::InstantiateMsg {
            name: "Spice".into(),
            symbol: "SPICE".into(),
            decimals: SPICE_DECIMALS,
            initial_balances: vec![Cw20Coin {
                address: roles.treasury.to_string(),
                amount: Uint128::new(SPICE_CAP / 10),
            }],
            mint: Some(MinterResponse {
                minter: owner.to_string(),
                cap: Some(Uint128::new(SPICE_CAP)),
            }),
            marketing: None,
            owner: Some(owner.to_string()),
            guardian: Some(roles.guardian.to_string()),
            native: Some(spice_token::msg::EnableNative {
                subdenom: SPICE_SUBDENOM.into(),
                metadata: None,
            }),
        },
    )?;
    let spice_denom = factory_denom(spice_token.address.as_str(), SPICE_SUBDENOM);

    let buyback_burn = instantiate_one(
        app,
        roles,
        buyback_code,
        "buyback-burn",
        &buyback_burn::msg::InstantiateMsg {
            owner: Some(owner.to_string()),
            guardian: Some(roles.guardian.to_string()),
            spice_token: spice_token.address.to_string(),
            spice_denom,
            twap_window_seconds: 1_800,
            max_slippage: Decimal::percent(2),
            max_spot_deviation: Decimal::percent(3),
            keeper_bounty_bps: 20,
            cooldown_seconds: 3_600,
            per_call_cap: Uint128::new(1_000_000_000),
            epoch_cap: Uint128::new(10_000_000_000),
            epoch_seconds: 86_400,
            // Half a unit of a 6-decimal denom: a month of the demo's staking rewards (about
            // 1 AKT) is one buyback, and dust still cannot spend the cooldown.
            min_swap: Some(Uint128::new(500_000)),
        },
    )?;

    let staking_vault = instantiate_one(
        app,
        roles,
        vault_code,
        "staking-vault",
        &staking_vault::msg::InstantiateMsg {
            owner: Some(owner.to_string()),
            guardian: Some(roles.guardian.to_string()),
            akt_denom: AKT_DENOM.into(),
            revenue_recipient: buyback_burn.address.to_string(),
            twap_window_seconds: 1_800,
            max_slippage: Decimal::percent(2),
            max_spot_deviation: Decimal::percent(3),
            keeper_bounty_bps: 20,
            convert_cooldown_seconds: 3_600,
            per_convert_cap: None,
            unbonding_period_seconds: None,
            strategy: None,
            min_convert_amount: None,
            convert_epoch_seconds: None,
            convert_epoch_cap: None,
            max_daily_loss: None,
        },
    )?;

    let rollover_escrow = instantiate_one(
        app,
        roles,
        escrow_code,
        "rollover-escrow",
        &rollover_escrow::msg::InstantiateMsg {
            owner: Some(owner.to_string()),
            guardian: Some(roles.guardian.to_string()),
            accepted_denoms: vec![AKT_DENOM.into(), USDC_DENOM.into()],
            take_fee_bps: 100,
            fee_collector: staking_vault.address.to_string(),
            grace_period_blocks: 600,
            heartbeat_timeout_blocks: 100,
            // The order book and incentives are instantiated after the escrow; governance
            // wires them next.
            order_book: None,
            keeper_bounty_bps: 10,
            incentives: None,
            monitors: Some(vec![roles.monitor.to_string()]),
            max_backups: None,
            bond_slash_bps: None,
            min_sponsor_deposit: None,
        },
    )?;

    let order_book = instantiate_one(
        app,
        roles,
        order_book_code,
        "order-book",
        &order_book::msg::InstantiateMsg {
            owner: Some(owner.to_string()),
            guardian: Some(roles.guardian.to_string()),
            escrow: rollover_escrow.address.to_string(),
            accepted_denoms: vec![AKT_DENOM.into(), USDC_DENOM.into()],
            min_runway_blocks: 14_400,
            max_open_orders_per_tenant: 20,
            provider_registry: None,
            keeper_bounty_bps: Some(10),
            max_open_offers_per_provider: None,
            // Required while no registry gates offers; dropped below once the registry does.
            offer_deposit: Some(cosmwasm_std::coin(OFFER_DEPOSIT, AKT_DENOM)),
        },
    )?;

    let provider_incentives = instantiate_one(
        app,
        roles,
        incentives_code,
        "provider-incentives",
        &provider_incentives::msg::InstantiateMsg {
            owner: Some(owner.to_string()),
            guardian: Some(roles.guardian.to_string()),
            reward_denoms: vec![OSMO_DENOM.into()],
            genesis_time: None,
            epoch_seconds: 604_800,
            report_window_seconds: 86_400,
            dispute_window_seconds: 172_800,
            oracles: roles.oracles.iter().map(Addr::to_string).collect(),
            // Two of three: no single oracle decides an entry, and the lower median of the two
            // reports means a lone liar can only lower a value.
            oracle_quorum: INCENTIVES_ORACLE_QUORUM,
            auditors: vec![roles.auditor.to_string()],
            escrow: Some(rollover_escrow.address.to_string()),
            tier_multipliers: None,
            bond_denom: None,
            min_bond: None,
            max_report_entries: None,
            // Weight follows lease value: one unit per uakt and per uusdc. These are prices
            // governance sets (and revisits as AKT's price moves); other denoms earn nothing.
            value_weights: Some(vec![
                provider_incentives::msg::ValueWeight {
                    denom: AKT_DENOM.into(),
                    weight: cosmwasm_std::Decimal::one(),
                },
                provider_incentives::msg::ValueWeight {
                    denom: USDC_DENOM.into(),
                    weight: cosmwasm_std::Decimal::one(),
                },
            ]),
            max_weight_per_provider: Some(INCENTIVES_MAX_WEIGHT_PER_PROVIDER.into()),
            max_weight_per_pair: Some(INCENTIVES_MAX_WEIGHT_PER_PAIR.into()),
            max_payout_per_epoch: Some(vec![cosmwasm_std::coin(
                INCENTIVES_MAX_PAYOUT_PER_EPOCH,
                OSMO_DENOM,
            )]),
            dispute_deadline_seconds: Some(INCENTIVES_DISPUTE_DEADLINE_SECONDS),
        },
    )?;

    // Close the loop the instantiation order could not: the escrow accepts leases from the
    // book, and offers require an audit in the incentives registry.
    app.execute_contract(
        owner.clone(),
        rollover_escrow.address.clone(),
        &rollover_escrow::msg::ExecuteMsg::UpdateConfig(rollover_escrow::msg::ConfigUpdate {
            order_book: Some(order_book.address.to_string()),
            incentives: Some(provider_incentives.address.to_string()),
            ..Default::default()
        }),
        &[],
    )?;
    app.execute_contract(
        owner.clone(),
        order_book.address.clone(),
        &order_book::msg::ExecuteMsg::UpdateConfig(order_book::msg::ConfigUpdate {
            provider_registry: Some(provider_incentives.address.to_string()),
            // Only audited providers post offers now; a deployment may keep a deposit too.
            offer_deposit: Some(cosmwasm_std::coin(0, AKT_DENOM)),
            ..Default::default()
        }),
        &[],
    )?;

    Ok(SuiteContracts {
        spice_token,
        buyback_burn,
        staking_vault,
        rollover_escrow,
        order_book,
        provider_incentives,
    })
}

fn instantiate_one<T: Serialize>(
    app: &mut OsmosisApp,
    roles: &Roles,
    code_id: u64,
    name: &'static str,
    msg: &T,
) -> Result<Deployed> {
    let address = app.instantiate_contract(
        code_id,
        roles.owner.clone(),
        msg,
        &[],
        name,
        Some(roles.owner.to_string()),
    )?;
    Ok(Deployed {
        name,
        code_id,
        address,
    })
}
