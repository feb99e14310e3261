//! The suite's money flows as scenarios on the emulated chain, each returning what it observed
//! (read back by query, never computed on the side). `spice demo` tells them as a story; the
//! integration tests assert on them.

use anyhow::{ensure, Result};
use cosmwasm_std::{coin, Addr, Coin, Decimal, Uint128};
use cw_multi_test::Executor;
use serde::Serialize;
use spice_testing::{
    advance_time, arithmetic_twap_to_now, create_balancer_pool, fund, relay_ack, spot_price,
    swap_exact_amount_in, OsmosisApp,
};
use spice_types::{BackupProvider, OpenLeaseMsg};

use crate::{Roles, SuiteContracts, AKT_DENOM, OSMO_DENOM};

#[derive(Clone, Debug, Serialize)]
pub struct Pools {
    pub osmo_akt: u64,
    pub spice_osmo: u64,
}

#[derive(Debug, Serialize)]
pub struct SpiceEconomyReport {
    pub minted_by_dao: Uint128,
    pub converted_to_native: Uint128,
    pub spice_osmo_pool_id: u64,
    pub bought_with_osmo: String,
    pub burned_native: Uint128,
    pub burned_cw20: Uint128,
}

/// The DAO mints SPICE, the treasury converts part of it to native SPICE and seeds a SPICE/OSMO
/// pool; a buyer buys native SPICE there and burns it through `burn_native`; a holder burns cw20.
pub fn spice_economy(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
) -> Result<SpiceEconomyReport> {
    use spice_token::msg::ExecuteMsg as Spice;
    let token = suite.spice_token.address.clone();
    let spice = suite.spice_denom();
    let minted_by_dao = Uint128::new(10_000_000_000_000);
    app.execute_contract(
        roles.owner.clone(),
        token.clone(),
        &Spice::Mint {
            recipient: roles.treasury.to_string(),
            amount: minted_by_dao,
        },
        &[],
    )?;
    let converted_to_native = Uint128::new(2_000_000_000_000);
    app.execute_contract(
        roles.treasury.clone(),
        token.clone(),
        &Spice::ConvertToNative {
            amount: converted_to_native,
            recipient: None,
        },
        &[],
    )?;
    // 2,000,000 SPICE against 200,000 OSMO: 0.1 OSMO per SPICE.
    fund(
        app,
        &roles.treasury,
        vec![coin(200_000_000_000, OSMO_DENOM)],
    )?;
    let spice_osmo_pool_id = create_balancer_pool(
        app,
        &roles.treasury,
        &[
            (coin(converted_to_native.u128(), &spice), 1),
            (coin(200_000_000_000, OSMO_DENOM), 1),
        ],
        Decimal::permille(2),
    )?;
    let buyer = app.api().addr_make("spice_buyer");
    fund(app, &buyer, vec![coin(1_000_000_000, OSMO_DENOM)])?;
    let bought = swap_exact_amount_in(
        app,
        &buyer,
        &[(spice_osmo_pool_id, spice.as_str())],
        coin(1_000_000_000, OSMO_DENOM),
        Uint128::one(),
    )?;
    app.execute_contract(
        buyer,
        token.clone(),
        &Spice::BurnNative {},
        &[coin(bought.u128(), &spice)],
    )?;
    let burned_cw20 = Uint128::new(1_000_000_000_000);
    app.execute_contract(
        roles.treasury.clone(),
        token,
        &Spice::Burn {
            amount: burned_cw20,
        },
        &[],
    )?;
    Ok(SpiceEconomyReport {
        minted_by_dao,
        converted_to_native,
        spice_osmo_pool_id,
        bought_with_osmo: coin(bought.u128(), &spice).to_string(),
        burned_native: bought,
        burned_cw20,
    })
}

#[derive(Debug, Serialize)]
pub struct PoolReport {
    pub pool_id: u64,
    pub swap_in: String,
    pub swap_out: String,
    pub spot_price_before: Decimal,
    pub spot_price_after: Decimal,
    pub twap_one_hour: Decimal,
}

/// An OSMO/AKT pool at 5 OSMO per AKT, and a treasury swap through it an hour later.
pub fn osmo_akt_market(app: &mut OsmosisApp, treasury: &Addr) -> Result<PoolReport> {
    let lp = app.api().addr_make("liquidity_provider");
    fund(
        app,
        &lp,
        vec![
            coin(50_000_000_000, OSMO_DENOM),
            coin(10_000_000_000, AKT_DENOM),
        ],
    )?;
    let pool_id = create_balancer_pool(
        app,
        &lp,
        &[
            (coin(50_000_000_000, OSMO_DENOM), 1),
            (coin(10_000_000_000, AKT_DENOM), 1),
        ],
        Decimal::permille(2),
    )?;
    let spot_price_before = spot_price(app, pool_id, AKT_DENOM, OSMO_DENOM)?;
    advance_time(app, 3_600);

    fund(app, treasury, vec![coin(100_000_000, OSMO_DENOM)])?;
    let swap_in = coin(100_000_000, OSMO_DENOM);
    let out = swap_exact_amount_in(
        app,
        treasury,
        &[(pool_id, AKT_DENOM)],
        swap_in.clone(),
        Uint128::one(),
    )?;
    let spot_price_after = spot_price(app, pool_id, AKT_DENOM, OSMO_DENOM)?;
    advance_time(app, 60);
    let start = app.block_info().time.minus_seconds(3_600);
    let twap_one_hour = arithmetic_twap_to_now(app, pool_id, AKT_DENOM, OSMO_DENOM, start)?;
    Ok(PoolReport {
        pool_id,
        swap_in: swap_in.to_string(),
        swap_out: coin(out.u128(), AKT_DENOM).to_string(),
        spot_price_before,
        spot_price_after,
        twap_one_hour,
    })
}

#[derive(Debug, Serialize)]
pub struct LeaseReport {
    pub lease_id: u64,
    pub price_per_block: Decimal,
    pub deposit: Uint128,
    pub primary: Addr,
    pub backup: Addr,
    pub primary_withdrew: Uint128,
    pub take_fee_to_vault: Uint128,
    pub rolled_over_to: Addr,
    pub backup_withdrew: Uint128,
    pub refunded_to_tenant: Uint128,
    pub close_reason: Option<u32>,
    pub held_after_close: Uint128,
}

/// A tenant opens a lease with a primary and one backup; the primary streams, withdraws (the
/// take fee goes to the vault), then fails; a monitor reports it and the lease rolls over to the
/// backup at the backup's price; the tenant closes the lease and gets the rest back.
pub fn lease_with_rollover(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
) -> Result<LeaseReport> {
    use rollover_escrow::msg::{ExecuteMsg as Escrow, LeaseResponse, QueryMsg as EscrowQuery};
    let escrow = suite.rollover_escrow.address.clone();
    let tenant = app.api().addr_make("tenant");
    let primary = provider(app, 0);
    let backup = provider(app, 1);
    let deposit = Uint128::new(10_000_000);
    fund(app, &tenant, vec![coin(deposit.u128(), AKT_DENOM)])?;
    let price_per_block = Decimal::percent(2_500);
    app.execute_contract(
        tenant.clone(),
        escrow.clone(),
        &Escrow::OpenLease(OpenLeaseMsg {
            tenant: None,
            provider: primary.to_string(),
            price_per_block,
            denom: AKT_DENOM.into(),
            backups: vec![BackupProvider {
                provider: backup.to_string(),
                price_per_block: Decimal::percent(3_000),
            }],
            spec_ref: Some("gpu-a100-x1".into()),
            order_id: None,
        }),
        &[coin(deposit.u128(), AKT_DENOM)],
    )?;
    let lease_id = newest_lease_of(app, &escrow, &tenant)?;
    app.execute_contract(
        primary.clone(),
        escrow.clone(),
        &Escrow::AcceptLease { lease_id },
        &[],
    )?;
    // The backup agrees in advance; rollover never hands a lease to one that did not.
    app.execute_contract(
        backup.clone(),
        escrow.clone(),
        &Escrow::AcceptBackup { lease_id },
        &[],
    )?;
    let vault_before = balance(app, &suite.staking_vault.address, AKT_DENOM);
    advance_live(app, &escrow, &[&primary, &backup], 1_000)?;
    app.execute_contract(
        primary.clone(),
        escrow.clone(),
        &Escrow::Withdraw { lease_id },
        &[],
    )?;
    let primary_withdrew = balance(app, &primary, AKT_DENOM);
    let take_fee_to_vault = balance(app, &suite.staking_vault.address, AKT_DENOM) - vault_before;

    advance_blocks(app, 100);
    app.execute_contract(
        roles.monitor.clone(),
        escrow.clone(),
        &Escrow::ReportFailure {
            lease_id,
            reason: 10_100,
        },
        &[],
    )?;
    app.execute_contract(
        roles.monitor.clone(),
        escrow.clone(),
        &Escrow::Rollover { lease_id },
        &[],
    )?;
    let lease: LeaseResponse = app
        .wrap()
        .query_wasm_smart(&escrow, &EscrowQuery::Lease { lease_id })?;
    let rolled_over_to = lease.provider.clone();

    advance_live(app, &escrow, &[&backup], 500)?;
    app.execute_contract(
        backup.clone(),
        escrow.clone(),
        &Escrow::Withdraw { lease_id },
        &[],
    )?;
    let backup_withdrew = balance(app, &backup, AKT_DENOM);
    app.execute_contract(
        tenant.clone(),
        escrow.clone(),
        &Escrow::CloseLease {
            lease_id,
            reason: 1,
        },
        &[],
    )?;
    let lease: LeaseResponse = app
        .wrap()
        .query_wasm_smart(&escrow, &EscrowQuery::Lease { lease_id })?;
    let refunded_to_tenant = balance(app, &tenant, AKT_DENOM);
    ensure!(
        lease.total_deposited
            == lease.total_paid + lease.total_fees + lease.total_refunded + lease.balance,
        "escrow conservation broken: {lease:?}"
    );
    Ok(LeaseReport {
        lease_id,
        price_per_block,
        deposit,
        primary,
        backup,
        primary_withdrew,
        take_fee_to_vault,
        rolled_over_to,
        backup_withdrew,
        refunded_to_tenant,
        close_reason: lease.close_reason,
        held_after_close: lease.balance,
    })
}

#[derive(Debug, Serialize)]
pub struct VaultReport {
    pub proceeds_in: String,
    pub akt_bought: Uint128,
    pub convert_bounty: Uint128,
    pub sent_to_operator: Uint128,
    pub staked: Uint128,
    pub rewards_confirmed: Uint128,
    pub revenue_to_buyback: Uint128,
    pub harvest_bounty: Uint128,
    pub principal_conserved: bool,
}

/// The IBC channel from Osmosis to Akash the vault stakes through (emulated).
pub const AKASH_CHANNEL: &str = "channel-1";
/// The operator's delegation address on Akash.
pub const AKASH_DELEGATION: &str = "akash1q7spgzqdk5tt8ykcalcn3wmh4fqx6aqvnnyk5h";

/// The operator sends `amount` AKT home from its delegation address over IBC with the ibc-hooks
/// memo `{"wasm":{"contract":<vault>,"msg":{"receive_return":{"kind":…}}}}`: the ICS-20 module
/// mints the voucher to the hooks sender derived from (channel, delegation address), which calls
/// the vault with it. Only arrivals booked this way can back the operator's confirmations.
pub fn operator_sends_home(
    app: &mut OsmosisApp,
    vault: &Addr,
    kind: staking_vault::msg::ReturnKind,
    amount: Uint128,
) -> Result<()> {
    let hooks_sender = staking_vault::ibc_hooks_sender(app.api(), AKASH_CHANNEL, AKASH_DELEGATION)?;
    fund(app, &hooks_sender, vec![coin(amount.u128(), AKT_DENOM)])?;
    app.execute_contract(
        hooks_sender,
        vault.clone(),
        &staking_vault::msg::ExecuteMsg::ReceiveReturn { kind },
        &[coin(amount.u128(), AKT_DENOM)],
    )?;
    Ok(())
}

/// Liquidity-pool proceeds (OSMO) reach the vault; a keeper converts them to AKT through the
/// TWAP-guarded route; the vault sends the AKT over IBC to the operator's Akash delegation
/// address; the relayer acknowledges; the operator confirms the delegation and, a month later,
/// sends rewards back and confirms them within the APR bound; a keeper harvests them to
/// buyback-burn.
pub fn vault_stakes_and_harvests(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
    pools: &Pools,
) -> Result<VaultReport> {
    use staking_vault::msg::{
        ExecuteMsg as Vault, QueryMsg as VaultQuery, StatusResponse, StrategyMsg,
    };
    use staking_vault::state::Hop;
    let vault = suite.staking_vault.address.clone();
    let owner = roles.owner.clone();
    app.execute_contract(
        owner.clone(),
        vault.clone(),
        &Vault::SetRoute {
            denom: OSMO_DENOM.into(),
            hops: vec![Hop {
                pool_id: pools.osmo_akt,
                token_out_denom: AKT_DENOM.into(),
            }],
        },
        &[],
    )?;
    app.execute_contract(
        owner,
        vault.clone(),
        &Vault::SetStrategy {
            strategy: StrategyMsg::Operator {
                operator: roles.operator.to_string(),
                channel: AKASH_CHANNEL.into(),
                delegation_address: AKASH_DELEGATION.into(),
                max_daily_outflow: Uint128::new(1_000_000_000),
                max_apr: Decimal::percent(20),
                transfer_timeout_seconds: 600,
            },
        },
        &[],
    )?;

    // 500 OSMO of proceeds: 1% of the pool, well inside the 2% slippage bound.
    let proceeds = coin(500_000_000, OSMO_DENOM);
    fund(app, &roles.treasury, vec![proceeds.clone()])?;
    app.execute_contract(
        roles.treasury.clone(),
        vault.clone(),
        &Vault::Deposit {},
        std::slice::from_ref(&proceeds),
    )?;
    let keeper = app.api().addr_make("vault_keeper");
    app.execute_contract(
        keeper.clone(),
        vault.clone(),
        &Vault::Convert {
            denom: Some(OSMO_DENOM.into()),
            limit: None,
        },
        &[],
    )?;
    let convert_bounty = balance(app, &keeper, OSMO_DENOM);
    let status: StatusResponse = app
        .wrap()
        .query_wasm_smart(&vault, &VaultQuery::Status {})?;
    let akt_bought = status.books.pending;

    app.execute_contract(keeper.clone(), vault.clone(), &Vault::Stake {}, &[])?;
    let status: StatusResponse = app
        .wrap()
        .query_wasm_smart(&vault, &VaultQuery::Status {})?;
    let sent_to_operator = status.books.transferring;
    relay_ack(app, AKASH_CHANNEL, 1)?;
    app.execute_contract(
        roles.operator.clone(),
        vault.clone(),
        &Vault::ConfirmDelegation {
            amount: sent_to_operator,
            tx_hash: format!("{:064X}", 1),
        },
        &[],
    )?;

    // A month later the operator sends the rewards back over IBC with the ibc-hooks memo
    // `{"wasm":{"contract":<vault>,"msg":{"receive_return":{"kind":"rewards"}}}}`: the ICS-20
    // module mints the voucher to the hooks sender derived from (channel, delegation address),
    // which calls the vault with it. Then the operator reports them: 1 AKT, within 20% APR.
    advance_time(app, 30 * 86_400);
    let rewards = Uint128::new(1_000_000);
    operator_sends_home(
        app,
        &vault,
        staking_vault::msg::ReturnKind::Rewards,
        rewards,
    )?;
    app.execute_contract(
        roles.operator.clone(),
        vault.clone(),
        &Vault::ConfirmRewards {
            amount: rewards,
            tx_hash: format!("{:064X}", 2),
        },
        &[],
    )?;
    let buyback_before = balance(app, &suite.buyback_burn.address, AKT_DENOM);
    let keeper_before = balance(app, &keeper, AKT_DENOM);
    app.execute_contract(keeper.clone(), vault.clone(), &Vault::Harvest {}, &[])?;
    let status: StatusResponse = app
        .wrap()
        .query_wasm_smart(&vault, &VaultQuery::Status {})?;
    let b = &status.books;
    let principal_conserved = b.pending
        + b.transferring
        + b.at_operator
        + b.staked
        + b.unbonding
        + b.returned
        + b.unbonded_out
        + b.lost
        == b.acquired;
    ensure!(
        status.halt.is_none(),
        "the strategy halted: {:?}",
        status.halt
    );
    Ok(VaultReport {
        proceeds_in: proceeds.to_string(),
        akt_bought,
        convert_bounty,
        sent_to_operator,
        staked: b.staked,
        rewards_confirmed: rewards,
        revenue_to_buyback: balance(app, &suite.buyback_burn.address, AKT_DENOM) - buyback_before,
        harvest_bounty: balance(app, &keeper, AKT_DENOM) - keeper_before,
        principal_conserved,
    })
}

#[derive(Debug, Serialize)]
pub struct BuybackReport {
    pub revenue_in: String,
    pub spice_bought: Uint128,
    pub spice_burned: Uint128,
    pub keeper_bounty: Uint128,
    pub token_burned_native_total: Uint128,
}

/// Staking revenue (AKT) reaches buyback-burn; the DAO routes AKT → OSMO → SPICE; a keeper
/// triggers the TWAP-guarded buyback, the SPICE is burned at the token and the keeper is paid.
pub fn buyback_revenue(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
    pools: &Pools,
) -> Result<BuybackReport> {
    use buyback_burn::msg::{ExecuteMsg as Buyback, QueryMsg as BuybackQuery, StatusResponse};
    use buyback_burn::state::Hop;
    let buyback = suite.buyback_burn.address.clone();
    let spice = suite.spice_denom();
    app.execute_contract(
        roles.owner.clone(),
        buyback.clone(),
        &Buyback::SetRoute {
            denom: AKT_DENOM.into(),
            hops: vec![
                Hop {
                    pool_id: pools.osmo_akt,
                    token_out_denom: OSMO_DENOM.into(),
                },
                Hop {
                    pool_id: pools.spice_osmo,
                    token_out_denom: spice.clone(),
                },
            ],
        },
        &[],
    )?;
    // The revenue is what reached buyback-burn: the vault's harvested staking rewards.
    let revenue = coin(balance(app, &buyback, AKT_DENOM).u128(), AKT_DENOM);
    ensure!(!revenue.amount.is_zero(), "no revenue reached buyback-burn");
    // The TWAP window (30 min) must be covered by pool history without the revenue's own swap.
    advance_time(app, 3_600);
    let keeper = app.api().addr_make("buyback_keeper");
    app.execute_contract(
        keeper.clone(),
        buyback.clone(),
        &Buyback::Buyback {
            denom: AKT_DENOM.into(),
            limit: None,
        },
        &[],
    )?;
    let status: StatusResponse = app.wrap().query_wasm_smart(
        &buyback,
        &BuybackQuery::Status {
            start_after: None,
            limit: None,
        },
    )?;
    let stats: spice_token::msg::BurnStatsResponse = app.wrap().query_wasm_smart(
        &suite.spice_token.address,
        &spice_token::msg::QueryMsg::BurnStats {},
    )?;
    Ok(BuybackReport {
        revenue_in: revenue.to_string(),
        spice_bought: status.spice_bought,
        spice_burned: status.spice_burned,
        keeper_bounty: balance(app, &keeper, AKT_DENOM),
        token_burned_native_total: stats.native,
    })
}

#[derive(Debug, Serialize)]
pub struct IncentivesReport {
    pub epoch: u64,
    pub budget: Vec<Coin>,
    pub total_weight: Uint128,
    pub provider: Addr,
    pub claimed: Uint128,
}

/// The provider that served the lease registers and is audited; the escrow's settlement hook
/// counts its blocks; the epoch is funded, finalized after its report window, and the provider
/// claims its share after the dispute window.
pub fn provider_epoch(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
) -> Result<IncentivesReport> {
    use provider_incentives::msg::{
        AttributeInput, EpochResponse, ExecuteMsg as Incentives, QueryMsg as IncentivesQuery,
    };
    use provider_incentives::state::ProviderInfo;
    use rollover_escrow::msg::ExecuteMsg as Escrow;
    let incentives = suite.provider_incentives.address.clone();
    let escrow = suite.rollover_escrow.address.clone();
    let provider = provider(app, 2);
    app.execute_contract(
        provider.clone(),
        incentives.clone(),
        &Incentives::RegisterProvider {
            info: ProviderInfo {
                moniker: "spice-gpu-1".into(),
                host_uri: "https://provider.spice.example:8443".into(),
            },
        },
        &[],
    )?;
    app.execute_contract(
        roles.auditor.clone(),
        incentives.clone(),
        &Incentives::AuditProvider {
            provider: provider.to_string(),
            tier: 2,
            attributes: vec![AttributeInput {
                key: "gpu".into(),
                value: "a100".into(),
            }],
        },
        &[],
    )?;
    let epoch_info: EpochResponse = app
        .wrap()
        .query_wasm_smart(&incentives, &IncentivesQuery::Epoch { epoch: 0 })?;
    let epoch = epoch_info.current_epoch;

    // A lease served by this provider; its withdrawal reports the settled blocks.
    let tenant = app.api().addr_make("tenant_2");
    fund(app, &tenant, vec![coin(5_000_000, AKT_DENOM)])?;
    app.execute_contract(
        tenant.clone(),
        escrow.clone(),
        &Escrow::OpenLease(OpenLeaseMsg {
            tenant: None,
            provider: provider.to_string(),
            price_per_block: Decimal::percent(1_000),
            denom: AKT_DENOM.into(),
            backups: vec![],
            spec_ref: None,
            order_id: None,
        }),
        &[coin(5_000_000, AKT_DENOM)],
    )?;
    let lease_id = newest_lease_of(app, &escrow, &tenant)?;
    app.execute_contract(
        provider.clone(),
        escrow.clone(),
        &Escrow::AcceptLease { lease_id },
        &[],
    )?;
    advance_blocks(app, 200);
    app.execute_contract(
        provider.clone(),
        escrow.clone(),
        &Escrow::Withdraw { lease_id },
        &[],
    )?;

    // The deployed quorum of oracles (2 of 3) also reports the provider's utilization.
    for oracle in roles
        .oracles
        .iter()
        .take(crate::INCENTIVES_ORACLE_QUORUM as usize)
    {
        app.execute_contract(
            oracle.clone(),
            incentives.clone(),
            &Incentives::SubmitReport {
                epoch,
                entries: vec![provider_incentives::msg::ReportEntry {
                    provider: provider.to_string(),
                    utilization_units: Uint128::new(2_000),
                }],
            },
            &[],
        )?;
    }

    let budget = coin(7_000_000_000, OSMO_DENOM);
    fund(app, &roles.treasury, vec![budget.clone()])?;
    app.execute_contract(
        roles.treasury.clone(),
        incentives.clone(),
        &Incentives::Fund { epoch: Some(epoch) },
        std::slice::from_ref(&budget),
    )?;
    // Past the epoch's end and its report window, finalize; past the dispute window, claim.
    let info: EpochResponse = app
        .wrap()
        .query_wasm_smart(&incentives, &IncentivesQuery::Epoch { epoch })?;
    let now = app.block_info().time.seconds();
    advance_time(app, info.report_window_closes_at.seconds() - now + 1);
    // Epochs finalize in order; a keeper walks the (empty, budget-less) earlier ones first.
    for earlier_or_this in 0..=epoch {
        app.execute_contract(
            roles.treasury.clone(),
            incentives.clone(),
            &Incentives::FinalizeEpoch {
                epoch: earlier_or_this,
            },
            &[],
        )?;
    }
    let info: EpochResponse = app
        .wrap()
        .query_wasm_smart(&incentives, &IncentivesQuery::Epoch { epoch })?;
    let claimable_at = info.claimable_at.map(|t| t.seconds()).unwrap_or_default();
    let now = app.block_info().time.seconds();
    advance_time(app, claimable_at.saturating_sub(now) + 1);
    let before = balance(app, &provider, OSMO_DENOM);
    app.execute_contract(
        provider.clone(),
        incentives,
        &Incentives::Claim {
            epochs: None,
            limit: None,
        },
        &[],
    )?;
    Ok(IncentivesReport {
        epoch,
        budget: info.budget,
        total_weight: info.total_weight,
        claimed: balance(app, &provider, OSMO_DENOM) - before,
        provider,
    })
}

/// The id of `tenant`'s most recently opened lease.
fn newest_lease_of(app: &OsmosisApp, escrow: &Addr, tenant: &Addr) -> Result<u64> {
    use rollover_escrow::msg::{LeasesResponse, QueryMsg};
    let leases: LeasesResponse = app.wrap().query_wasm_smart(
        escrow,
        &QueryMsg::LeasesByTenant {
            tenant: tenant.to_string(),
            start_after: None,
            limit: Some(30),
        },
    )?;
    leases
        .leases
        .iter()
        .map(|l| l.id)
        .max()
        .ok_or_else(|| anyhow::anyhow!("{tenant} has no lease"))
}

fn provider(app: &OsmosisApp, i: u32) -> Addr {
    app.api().addr_make(&format!("provider{i}"))
}

fn balance(app: &OsmosisApp, who: &Addr, denom: &str) -> Uint128 {
    app.wrap()
        .query_balance(who, denom)
        .map(|c| c.amount)
        .unwrap_or_default()
}

/// Advances `blocks` blocks of 5 seconds each, with `providers` sending their provider-level
/// heartbeat (`heartbeat {}`) every 100 blocks, as live providers do: the escrow stops paying a
/// provider silent for three heartbeat intervals.
fn advance_live(
    app: &mut OsmosisApp,
    escrow: &Addr,
    providers: &[&Addr],
    blocks: u64,
) -> anyhow::Result<()> {
    let mut left = blocks;
    while left > 0 {
        let step = left.min(100);
        advance_blocks(app, step);
        left -= step;
        for p in providers {
            app.execute_contract(
                (*p).clone(),
                escrow.clone(),
                &rollover_escrow::msg::ExecuteMsg::Heartbeat { lease_id: None },
                &[],
            )?;
        }
    }
    Ok(())
}

/// Advances `blocks` blocks of 5 seconds each.
fn advance_blocks(app: &mut OsmosisApp, blocks: u64) {
    app.update_block(|b| {
        b.height += blocks;
        b.time = b.time.plus_seconds(blocks * 5);
    });
}

#[derive(Debug, Serialize)]
pub struct OrderBookReport {
    pub order_id: u64,
    pub resource_class: String,
    pub max_price_per_block: Decimal,
    pub waited_while_book_was_empty: bool,
    pub offers: Vec<(Addr, Decimal)>,
    pub lease_id: u64,
    pub lease_provider: Addr,
    pub lease_price_per_block: Decimal,
    pub lease_backups: Vec<Addr>,
    pub lease_deposit: Uint128,
    pub paid_after_100_blocks: Uint128,
}

/// A tenant's standing GPU order waits on an empty book; two audited providers post offers;
/// a keeper matches the order with the cheaper one, which opens a streaming lease in the escrow
/// with the other offer attached as backup.
pub fn standing_order_filled(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
) -> Result<OrderBookReport> {
    use order_book::msg::ExecuteMsg as Book;
    use order_book::spec::{Attribute, Capacity, Gpu, OrderSpec, Resources, SignedBy};
    use order_book::state::{Order, OrderStatus};
    use rollover_escrow::msg::{
        ExecuteMsg as Escrow, LeaseResponse, LeasesResponse, QueryMsg as EscrowQuery,
    };
    const GIB: u64 = 1 << 30;
    let book = suite.order_book.address.clone();
    let escrow = suite.rollover_escrow.address.clone();
    let tenant = app.api().addr_make("gpu_tenant");
    let resources = Resources {
        cpu_millis: 4_000,
        memory_bytes: 8 * GIB,
        storage_bytes: 64 * GIB,
        gpu: Gpu {
            units: 1,
            vendor: Some("nvidia".into()),
            model: Some("a100".into()),
        },
    };
    let max_price_per_block = Decimal::percent(300);
    let deposit = Uint128::new(100_000);
    fund(app, &tenant, vec![coin(deposit.u128(), AKT_DENOM)])?;
    app.execute_contract(
        tenant.clone(),
        book.clone(),
        &Book::PlaceOrder {
            spec: OrderSpec {
                resources: Resources {
                    gpu: Gpu {
                        units: 1,
                        vendor: Some("nvidia".into()),
                        model: Some("a1*".into()),
                    },
                    ..resources.clone()
                },
                region: Some("us-*".into()),
                attributes: vec![],
                signed_by: SignedBy {
                    any_of: vec![roles.auditor.to_string()],
                    all_of: vec![],
                },
            },
            max_price_per_block,
            denom: AKT_DENOM.into(),
            expires_at: None,
            replicas: 1,
        },
        &[coin(deposit.u128(), AKT_DENOM)],
    )?;
    let order_id = 1;
    // Nothing to match yet: the order stays open on the book.
    app.execute_contract(
        roles.treasury.clone(),
        book.clone(),
        &Book::MatchOrders { limit: None },
        &[],
    )?;
    let order: Order = app
        .wrap()
        .query_wasm_smart(&book, &order_book::msg::QueryMsg::Order { order_id })?;
    let waited_while_book_was_empty = order.status == OrderStatus::Open;

    let mut offers = vec![];
    for (i, price) in [(3, Decimal::percent(250)), (4, Decimal::percent(280))] {
        let p = provider(app, i);
        audit(app, suite, roles, &p, &format!("gpu-provider-{i}"))?;
        app.execute_contract(
            p.clone(),
            book.clone(),
            &Book::PostOffer {
                spec_capacity: Capacity {
                    resources: resources.clone(),
                    region: Some("us-west".into()),
                    attributes: vec![Attribute {
                        key: "tier".into(),
                        value: "datacenter".into(),
                    }],
                },
                price_per_block: price,
                denom: AKT_DENOM.into(),
                units: 2,
                expires_at: None,
            },
            &[],
        )?;
        offers.push((p, price));
    }
    let keeper = app.api().addr_make("book_keeper");
    app.execute_contract(
        keeper,
        book.clone(),
        &Book::MatchOrders { limit: None },
        &[],
    )?;

    let leases: LeasesResponse = app.wrap().query_wasm_smart(
        &escrow,
        &EscrowQuery::LeasesByTenant {
            tenant: tenant.to_string(),
            start_after: None,
            limit: None,
        },
    )?;
    let lease = leases
        .leases
        .first()
        .ok_or_else(|| anyhow::anyhow!("the match opened no lease"))?;
    let lease_id = lease.id;
    advance_blocks(app, 100);
    app.execute_contract(
        offers[0].0.clone(),
        escrow.clone(),
        &Escrow::Withdraw { lease_id },
        &[],
    )?;
    let after: LeaseResponse = app
        .wrap()
        .query_wasm_smart(&escrow, &EscrowQuery::Lease { lease_id })?;
    Ok(OrderBookReport {
        order_id,
        resource_class: order.resource_class,
        max_price_per_block,
        waited_while_book_was_empty,
        lease_id,
        lease_provider: lease.provider.clone(),
        lease_price_per_block: lease.price_per_block,
        lease_backups: lease.backups.iter().map(|b| b.provider.clone()).collect(),
        lease_deposit: lease.total_deposited,
        paid_after_100_blocks: after.total_paid + after.total_fees,
        offers,
    })
}

/// Registers `provider` in the incentives registry and has the auditor audit it (tier 1) and
/// sign its GPU attribute: the order book takes offers only from audited providers, and an
/// order's `signed_by` needs the auditor's signature on the provider's attributes.
pub fn audit(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
    provider: &Addr,
    moniker: &str,
) -> Result<()> {
    use provider_incentives::msg::ExecuteMsg as Incentives;
    use provider_incentives::state::ProviderInfo;
    let incentives = suite.provider_incentives.address.clone();
    app.execute_contract(
        provider.clone(),
        incentives.clone(),
        &Incentives::RegisterProvider {
            info: ProviderInfo {
                moniker: moniker.into(),
                host_uri: format!("https://{moniker}.spice.example:8443"),
            },
        },
        &[],
    )?;
    app.execute_contract(
        roles.auditor.clone(),
        incentives,
        &Incentives::AuditProvider {
            provider: provider.to_string(),
            tier: 1,
            attributes: vec![provider_incentives::msg::AttributeInput {
                key: "gpu".into(),
                value: "a100".into(),
            }],
        },
        &[],
    )?;
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct SunsetReport {
    /// Akash's cutover C and when the unbond started (`C − lead`).
    pub cutover_at: u64,
    pub unbond_starts_at: u64,
    /// What the operator is instructed to undelegate and bring home.
    pub unbond_requested: Uint128,
    pub phase: String,
    pub sunset_risk: bool,
    /// New LP proceeds forwarded to buyback-burn under the `direct_buyback` fallback.
    pub proceeds_forwarded: String,
}

/// AEP-79: Akash leaves its Cosmos chain at cutover C. The DAO sets the vault's sunset with the
/// shortest lead (unbonding + margin), so the unbond starts at once; a keeper instructs the
/// operator to undelegate everything (its confirmations stay bounded); the DAO switches new
/// proceeds to the `direct_buyback` fallback and a keeper forwards them to buyback-burn.
pub fn vault_sunset(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
) -> Result<SunsetReport> {
    use staking_vault::msg::{
        ExecuteMsg as Vault, PrincipalToMsg, QueryMsg as VaultQuery, SunsetStatusResponse,
    };
    let vault = suite.staking_vault.address.clone();
    let owner = roles.owner.clone();
    let config: staking_vault::state::Config = app
        .wrap()
        .query_wasm_smart(&vault, &VaultQuery::Config {})?;
    let lead = config.unbonding_period_seconds + staking_vault::SUNSET_MARGIN_SECONDS;
    let now = app.block_info().time.seconds();
    app.execute_contract(
        owner.clone(),
        vault.clone(),
        &Vault::SetSunset {
            at: now + lead,
            unbond_lead_seconds: lead,
            principal_to: PrincipalToMsg::Buyback,
        },
        &[],
    )?;
    let keeper = app.api().addr_make("vault_keeper");
    app.execute_contract(
        keeper.clone(),
        vault.clone(),
        &Vault::BeginSunsetUnbond {},
        &[],
    )?;
    app.execute_contract(
        owner,
        vault.clone(),
        &Vault::SetFallback {
            mode: Some(staking_vault::state::FallbackMode::DirectBuyback),
        },
        &[],
    )?;
    let proceeds = coin(100_000_000, OSMO_DENOM);
    fund(app, &roles.treasury, vec![proceeds.clone()])?;
    app.execute_contract(
        roles.treasury.clone(),
        vault.clone(),
        &Vault::Deposit {},
        std::slice::from_ref(&proceeds),
    )?;
    let before = balance(app, &suite.buyback_burn.address, OSMO_DENOM);
    app.execute_contract(
        keeper,
        vault.clone(),
        &Vault::ForwardProceeds {
            denom: OSMO_DENOM.into(),
        },
        &[],
    )?;
    let forwarded = balance(app, &suite.buyback_burn.address, OSMO_DENOM) - before;
    let status: SunsetStatusResponse = app
        .wrap()
        .query_wasm_smart(&vault, &VaultQuery::SunsetStatus {})?;
    ensure!(
        forwarded >= proceeds.amount,
        "buyback-burn received {forwarded}, {} were deposited",
        proceeds.amount
    );
    Ok(SunsetReport {
        cutover_at: now + lead,
        unbond_starts_at: now,
        unbond_requested: status.unbond_requested,
        phase: format!("{:?}", status.phase),
        sunset_risk: status.sunset_risk,
        proceeds_forwarded: coin(forwarded.u128(), OSMO_DENOM).to_string(),
    })
}

#[derive(Debug, Serialize)]
pub struct OsmoStakingReport {
    /// AKT that came home from Akash and went to buyback-burn as the sunset said.
    pub principal_routed: Uint128,
    /// The validator the DAO chose on Osmosis, and the OSMO proceeds staked with it.
    pub validator: String,
    pub osmo_staked: Uint128,
    /// OSMO rewards harvested a month later: buyback-burn's share and the keeper's bounty.
    pub revenue_to_buyback: Uint128,
    pub keeper_bounty: Uint128,
    /// SPICE bought with buyback-burn's OSMO (the forwarded proceeds and the rewards) and burned.
    pub osmo_bought_with: Uint128,
    pub spice_burned: Uint128,
}

/// The validator the demo's emulated Osmosis bonds OSMO with.
pub const OSMO_VALIDATOR: &str = "osmovaloper1spicedemo";

/// After [`vault_sunset`]: the operator confirms the undelegation, the AKT comes home over IBC
/// after Akash's unbonding period, a keeper routes it to buyback-burn; with nothing of AKT left
/// on the books the DAO switches the vault to staking OSMO natively on Osmosis
/// (`set_fallback { osmo_staking }`), new proceeds are staked, a month of rewards is harvested
/// to buyback-burn, and buyback-burn buys SPICE with its OSMO and burns it: the loop without
/// Akash.
pub fn vault_osmo_staking(
    app: &mut OsmosisApp,
    suite: &SuiteContracts,
    roles: &Roles,
    pools: &Pools,
) -> Result<OsmoStakingReport> {
    use staking_vault::msg::{ExecuteMsg as Vault, QueryMsg as VaultQuery, StatusResponse};
    let vault = suite.staking_vault.address.clone();
    let buyback = suite.buyback_burn.address.clone();
    let keeper = app.api().addr_make("vault_keeper");
    let books = |app: &OsmosisApp| -> Result<staking_vault::state::Books> {
        let status: StatusResponse = app
            .wrap()
            .query_wasm_smart(&vault, &VaultQuery::Status {})?;
        Ok(status.books)
    };
    let config: staking_vault::state::Config = app
        .wrap()
        .query_wasm_smart(&vault, &VaultQuery::Config {})?;

    // The operator undelegates on Akash and reports it; after the unbonding period the AKT
    // comes home through the ibc-hooks memo and the operator confirms it.
    let requested = books(app)?.unbond_requested;
    ensure!(!requested.is_zero(), "nothing was asked back at the sunset");
    app.execute_contract(
        roles.operator.clone(),
        vault.clone(),
        &Vault::ConfirmUndelegation {
            amount: requested,
            tx_hash: format!("{:064X}", 10),
        },
        &[],
    )?;
    advance_time(app, config.unbonding_period_seconds + 3_600);
    operator_sends_home(
        app,
        &vault,
        staking_vault::msg::ReturnKind::Principal,
        requested,
    )?;
    app.execute_contract(
        roles.operator.clone(),
        vault.clone(),
        &Vault::ConfirmReturned {
            amount: requested,
            tx_hash: format!("{:064X}", 11),
        },
        &[],
    )?;
    let akt_before = balance(app, &buyback, AKT_DENOM);
    app.execute_contract(
        keeper.clone(),
        vault.clone(),
        &Vault::RouteSunsetPrincipal {},
        &[],
    )?;
    let principal_routed = balance(app, &buyback, AKT_DENOM) - akt_before;

    // Osmosis' staking module (the emulation starts without validators): OSMO bonds, 14 days.
    let block = app.block_info();
    app.init_modules(|router, api, storage| -> Result<()> {
        router.staking.setup(
            storage,
            cw_multi_test::StakingInfo {
                bonded_denom: OSMO_DENOM.into(),
                unbonding_time: 14 * 86_400,
                apr: Decimal::percent(10),
            },
        )?;
        router.staking.add_validator(
            api,
            storage,
            &block,
            cosmwasm_std::Validator::create(
                OSMO_VALIDATOR.into(),
                Decimal::percent(5),
                Decimal::percent(20),
                Decimal::percent(1),
            ),
        )?;
        Ok(())
    })?;
    app.execute_contract(
        roles.owner.clone(),
        vault.clone(),
        &Vault::SetFallback {
            mode: Some(staking_vault::state::FallbackMode::OsmoStaking {
                validators: vec![OSMO_VALIDATOR.into()],
            }),
        },
        &[],
    )?;

    // New LP proceeds are the staking denom itself: pending at once, staked by a keeper.
    let proceeds = coin(200_000_000, OSMO_DENOM);
    fund(app, &roles.treasury, vec![proceeds.clone()])?;
    app.execute_contract(
        roles.treasury.clone(),
        vault.clone(),
        &Vault::Deposit {},
        std::slice::from_ref(&proceeds),
    )?;
    app.execute_contract(keeper.clone(), vault.clone(), &Vault::Stake {}, &[])?;
    let osmo_staked = books(app)?.staked;
    let delegated = app
        .wrap()
        .query_delegation(&vault, OSMO_VALIDATOR)?
        .map_or(Uint128::zero(), |d| d.amount.amount);
    ensure!(
        delegated == osmo_staked && osmo_staked == proceeds.amount,
        "staked {osmo_staked}, delegated {delegated}, deposited {}",
        proceeds.amount
    );

    advance_time(app, 30 * 86_400);
    let osmo_before = balance(app, &buyback, OSMO_DENOM);
    let keeper_before = balance(app, &keeper, OSMO_DENOM);
    app.execute_contract(keeper.clone(), vault.clone(), &Vault::Harvest {}, &[])?;
    let revenue_to_buyback = balance(app, &buyback, OSMO_DENOM) - osmo_before;
    let keeper_bounty = balance(app, &keeper, OSMO_DENOM) - keeper_before;
    ensure!(
        !revenue_to_buyback.is_zero(),
        "no OSMO rewards reached buyback-burn"
    );

    // Buyback-burn buys SPICE with its OSMO (the sunset's forwarded proceeds and the rewards).
    use buyback_burn::msg::{ExecuteMsg as Buyback, QueryMsg as BuybackQuery};
    app.execute_contract(
        roles.owner.clone(),
        buyback.clone(),
        &Buyback::SetRoute {
            denom: OSMO_DENOM.into(),
            hops: vec![buyback_burn::state::Hop {
                pool_id: pools.spice_osmo,
                token_out_denom: suite.spice_denom(),
            }],
        },
        &[],
    )?;
    let osmo_bought_with = balance(app, &buyback, OSMO_DENOM);
    let status = |app: &OsmosisApp| -> Result<buyback_burn::msg::StatusResponse> {
        Ok(app.wrap().query_wasm_smart(
            &buyback,
            &BuybackQuery::Status {
                start_after: None,
                limit: None,
            },
        )?)
    };
    let burned_before = status(app)?.spice_burned;
    app.execute_contract(
        app.api().addr_make("buyback_keeper"),
        buyback.clone(),
        &Buyback::Buyback {
            denom: OSMO_DENOM.into(),
            limit: None,
        },
        &[],
    )?;
    let spice_burned = status(app)?.spice_burned - burned_before;
    ensure!(
        !spice_burned.is_zero(),
        "buyback-burn burned no SPICE with OSMO"
    );
    Ok(OsmoStakingReport {
        principal_routed,
        validator: OSMO_VALIDATOR.into(),
        osmo_staked,
        revenue_to_buyback,
        keeper_bounty,
        osmo_bought_with,
        spice_burned,
    })
}
