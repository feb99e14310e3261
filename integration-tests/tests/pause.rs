//! The guardian's pause across the deployed suite: per contract, every entry and keeper action
//! is refused with the paused error and changes nothing, while every exit (refunds, claims,
//! closing one's own lease, cancelling one's own order, withdrawing, converting back) still
//! works; the guardian cannot unpause, the owner can, and entries work again. Pausing one
//! contract never traps money in another.

mod common;

use common::*;
use cosmwasm_std::{Addr, Coin, Decimal, Uint128, coin, coins};
use serde::Serialize;
use spice_governance::{GovernanceError, OwnershipError};
use spice_suite::{AKT_DENOM, OSMO_DENOM};

use buyback_burn::ContractError as BuybackError;
use order_book::ContractError as BookError;
use provider_incentives::ContractError as IncentivesError;
use rollover_escrow::ContractError as EscrowError;
use spice_token::ContractError as TokenError;
use staking_vault::ContractError as VaultError;
use staking_vault::msg::ReturnKind;

fn paused<E: StdErr + PartialEq + From<GovernanceError>>() -> Expect {
    exact(E::from(GovernanceError::Paused))
}

fn pause(w: &mut World, contract: &Addr) {
    let guardian = w.roles.guardian.clone();
    w.exec(
        &guardian,
        contract,
        &serde_json::json!({ "pause": {} }),
        &[],
    )
    .expect("the guardian pauses");
    assert!(w.paused(contract));
}

/// Each call is refused as paused and changes nothing.
fn assert_refused<E, T>(w: &mut World, contract: &Addr, calls: Vec<(Addr, T, Vec<Coin>)>)
where
    E: StdErr + PartialEq + From<GovernanceError>,
    T: Serialize + std::fmt::Debug,
{
    for (sender, msg, funds) in calls {
        w.refuse(&sender, contract, &msg, &funds, &paused::<E>());
    }
}

/// The guardian cannot unpause; the owner can; then `entry` goes through again.
fn owner_unpauses<E, T>(w: &mut World, contract: &Addr, entry: (Addr, T, Vec<Coin>))
where
    E: StdErr + PartialEq + From<GovernanceError>,
    T: Serialize + std::fmt::Debug,
{
    let (guardian, owner) = (w.roles.guardian.clone(), w.roles.owner.clone());
    let unpause = serde_json::json!({ "unpause": {} });
    w.refuse(
        &guardian,
        contract,
        &unpause,
        &[],
        &exact(E::from(GovernanceError::Ownership(
            OwnershipError::NotOwner,
        ))),
    );
    // Pausing twice is refused too, so a second guardian call cannot reset who paused.
    w.refuse(
        &guardian,
        contract,
        &serde_json::json!({ "pause": {} }),
        &[],
        &exact(E::from(GovernanceError::AlreadyPaused)),
    );
    w.exec(&owner, contract, &unpause, &[])
        .expect("the owner unpauses");
    assert!(!w.paused(contract));
    let (sender, msg, funds) = entry;
    w.exec(&sender, contract, &msg, &funds)
        .unwrap_or_else(|e| panic!("{msg:?} after unpause: {}", err_text(&e)));
}

#[track_caller]
fn ok<T: Serialize + std::fmt::Debug>(
    w: &mut World,
    sender: &Addr,
    contract: &Addr,
    msg: &T,
    funds: &[Coin],
) {
    if let Err(e) = w.exec(sender, contract, msg, funds) {
        panic!(
            "{msg:?} from {} is an exit and must stay open: {}",
            w.named(sender.as_str()),
            w.named(&err_text(&e))
        );
    }
}

/// The operator sends `amount` AKT home from its delegation address with the `receive_return`
/// memo: ibc-hooks executes the vault as the intermediary sender with the voucher attached. Only
/// arrivals booked this way back the operator's confirmations.
fn receive_home(w: &mut World, vault: &Addr, kind: ReturnKind, amount: u128) {
    let hooks = staking_vault::ibc_hooks_sender(
        w.app.api(),
        spice_suite::flows::AKASH_CHANNEL,
        spice_invariants::world::DELEGATION_ADDRESS,
    )
    .expect("hooks sender");
    w.give(&hooks, coins(amount, AKT_DENOM));
    w.exec(
        &hooks,
        vault,
        &VaultMsg::ReceiveReturn { kind },
        &coins(amount, AKT_DENOM),
    )
    .unwrap_or_else(|e| panic!("the return is received: {}", err_text(&e)));
}

// ---------- spice-token ----------

#[test]
fn paused_token_stops_minting_and_conversion_into_native_but_freezes_no_holder() {
    let mut w = World::new();
    let token = w.token();
    let (owner, tenant, spender, treasury) = (
        w.roles.owner.clone(),
        w.tenant.clone(),
        w.spender.clone(),
        w.roles.treasury.clone(),
    );
    w.give_spice(&tenant, 10_000, 1_000);
    let sink = w.sink();
    pause(&mut w, &token);

    assert_refused::<TokenError, _>(
        &mut w,
        &token,
        vec![
            (
                owner.clone(),
                TokenMsg::Mint {
                    recipient: tenant.to_string(),
                    amount: Uint128::new(1),
                },
                vec![],
            ),
            (
                tenant.clone(),
                TokenMsg::ConvertToNative {
                    amount: Uint128::new(1),
                    recipient: None,
                },
                vec![],
            ),
        ],
    );

    let spice = w.spice();
    let exits = vec![
        (
            tenant.clone(),
            TokenMsg::Transfer {
                recipient: spender.to_string(),
                amount: Uint128::new(100),
            },
            vec![],
        ),
        (
            tenant.clone(),
            TokenMsg::Burn {
                amount: Uint128::new(100),
            },
            vec![],
        ),
        (
            tenant.clone(),
            TokenMsg::Send {
                contract: sink.to_string(),
                amount: Uint128::new(100),
                msg: b"{}".into(),
            },
            vec![],
        ),
        (
            tenant.clone(),
            TokenMsg::IncreaseAllowance {
                spender: spender.to_string(),
                amount: Uint128::new(500),
                expires: None,
            },
            vec![],
        ),
        (
            tenant.clone(),
            TokenMsg::DecreaseAllowance {
                spender: spender.to_string(),
                amount: Uint128::new(100),
                expires: None,
            },
            vec![],
        ),
        (
            spender.clone(),
            TokenMsg::TransferFrom {
                owner: treasury.to_string(),
                recipient: spender.to_string(),
                amount: Uint128::new(100),
            },
            vec![],
        ),
        (
            spender.clone(),
            TokenMsg::SendFrom {
                owner: treasury.to_string(),
                contract: sink.to_string(),
                amount: Uint128::new(100),
                msg: b"{}".into(),
            },
            vec![],
        ),
        (
            spender.clone(),
            TokenMsg::BurnFrom {
                owner: treasury.to_string(),
                amount: Uint128::new(100),
            },
            vec![],
        ),
        (
            tenant.clone(),
            TokenMsg::ConvertToCw20 { recipient: None },
            coins(400, &spice),
        ),
        (tenant.clone(), TokenMsg::BurnNative {}, coins(600, &spice)),
    ];
    for (sender, msg, funds) in exits {
        ok(&mut w, &sender, &token, &msg, &funds);
    }
    // Everything the tenant held is accounted for: 10,000 + 1,000 in, 100 sent away, 100 to the
    // sink, 100 burned, 600 native burned; the native 400 came back as cw20.
    assert_eq!(w.cw20_balance(&tenant), 10_000 - 300 + 400);
    assert_eq!(w.balance(&tenant, &spice), 0);

    owner_unpauses::<TokenError, _>(
        &mut w,
        &token,
        (
            tenant.clone(),
            TokenMsg::ConvertToNative {
                amount: Uint128::new(1),
                recipient: None,
            },
            vec![],
        ),
    );
}

// ---------- staking-vault ----------

#[test]
fn paused_vault_stops_entries_keepers_and_inbound_reports_but_not_the_owners_exit() {
    let mut w = World::new();
    let vault = w.vault();
    let (owner, operator, keeper, treasury) = (
        w.roles.owner.clone(),
        w.roles.operator.clone(),
        w.keeper.clone(),
        w.roles.treasury.clone(),
    );
    // A transfer to the operator is in flight when the guardian pauses.
    w.give(&treasury, coins(5_000, AKT_DENOM));
    w.exec(
        &treasury,
        &vault,
        &VaultMsg::Deposit {},
        &coins(5_000, AKT_DENOM),
    )
    .unwrap();
    w.exec(&keeper, &vault, &VaultMsg::Stake {}, &[]).unwrap();
    w.give(&treasury, coins(1_000, OSMO_DENOM));
    pause(&mut w, &vault);

    let books = w.vault_books();
    assert_refused::<VaultError, _>(
        &mut w,
        &vault,
        vec![
            (
                treasury.clone(),
                VaultMsg::Deposit {},
                coins(1_000, OSMO_DENOM),
            ),
            (
                keeper.clone(),
                VaultMsg::CollectLpProceeds { limit: None },
                vec![],
            ),
            (
                keeper.clone(),
                VaultMsg::Convert {
                    denom: None,
                    limit: None,
                },
                vec![],
            ),
            (keeper.clone(), VaultMsg::Stake {}, vec![]),
            (keeper.clone(), VaultMsg::Harvest {}, vec![]),
            (
                operator.clone(),
                VaultMsg::ConfirmDelegation {
                    amount: Uint128::new(1_000),
                    tx_hash: tx_hash(20),
                },
                vec![],
            ),
            (
                operator.clone(),
                VaultMsg::ConfirmRewards {
                    amount: Uint128::new(1),
                    tx_hash: tx_hash(21),
                },
                vec![],
            ),
        ],
    );

    // The in-flight transfer still settles: ibc-hooks' callback is never refused.
    spice_testing::relay_ack(&mut w.app, spice_suite::flows::AKASH_CHANNEL, 2).unwrap();
    assert_eq!(
        w.vault_books().at_operator.u128(),
        books.at_operator.u128() + 5_000
    );

    // The owner's exit: unbond, the operator confirms the undelegation and the AKT's return,
    // and the owner claims it to the treasury.
    ok(
        &mut w,
        &owner,
        &vault,
        &VaultMsg::Unbond {
            amount: Uint128::new(400_000),
        },
        &[],
    );
    ok(
        &mut w,
        &operator,
        &vault,
        &VaultMsg::ConfirmUndelegation {
            amount: Uint128::new(400_000),
            tx_hash: tx_hash(22),
        },
        &[],
    );
    receive_home(&mut w, &vault, ReturnKind::Principal, 400_000);
    ok(
        &mut w,
        &operator,
        &vault,
        &VaultMsg::ConfirmReturned {
            amount: Uint128::new(400_000),
            tx_hash: tx_hash(23),
        },
        &[],
    );
    let before = w.balance(&treasury, AKT_DENOM);
    ok(
        &mut w,
        &owner,
        &vault,
        &VaultMsg::ClaimUnbonded {
            recipient: Some(treasury.to_string()),
        },
        &[],
    );
    assert_eq!(w.balance(&treasury, AKT_DENOM), before + 400_000);
    // Owner configuration stays open (a route can be pulled during an incident).
    ok(
        &mut w,
        &owner,
        &vault,
        &VaultMsg::RemoveRoute {
            denom: OSMO_DENOM.into(),
        },
        &[],
    );

    owner_unpauses::<VaultError, _>(
        &mut w,
        &vault,
        (
            treasury.clone(),
            VaultMsg::Deposit {},
            coins(1_000, AKT_DENOM),
        ),
    );
}

// ---------- buyback-burn ----------

#[test]
fn paused_buyback_stops_buying_but_not_governance() {
    let mut w = World::new();
    let buyback = w.buyback();
    let (owner, keeper) = (w.roles.owner.clone(), w.keeper.clone());
    w.give(&buyback, coins(1_000_000, AKT_DENOM));
    pause(&mut w, &buyback);
    let buy = BuybackMsg::Buyback {
        denom: AKT_DENOM.into(),
        limit: None,
    };
    assert_refused::<BuybackError, _>(
        &mut w,
        &buyback,
        vec![(keeper.clone(), buy.clone(), vec![])],
    );
    // The simulation says why, so keepers do not waste gas.
    let sim: buyback_burn::msg::SimulateBuybackResponse = w.query(
        &buyback,
        &buyback_burn::msg::QueryMsg::SimulateBuyback {
            denom: AKT_DENOM.into(),
            limit: None,
        },
    );
    assert!(!sim.would_execute);
    assert_eq!(
        sim.refusal,
        Some(BuybackError::Governance(GovernanceError::Paused).to_string())
    );
    ok(
        &mut w,
        &owner,
        &buyback,
        &BuybackMsg::UpdateConfig(buyback_burn::msg::ConfigUpdate {
            cooldown_seconds: Some(7_200),
            ..Default::default()
        }),
        &[],
    );
    owner_unpauses::<BuybackError, _>(&mut w, &buyback, (keeper, buy, vec![]));
    assert!(w.balance(&buyback, AKT_DENOM) <= 1);
}

// ---------- provider-incentives ----------

#[test]
fn paused_incentives_stop_funding_registration_audits_reports_and_finalization() {
    let mut w = World::new();
    let incentives = w.incentives();
    let (treasury, auditor, oracle, keeper, stranger, provider) = (
        w.roles.treasury.clone(),
        w.roles.auditor.clone(),
        w.roles.oracle.clone(),
        w.keeper.clone(),
        w.stranger.clone(),
        w.provider.clone(),
    );
    w.give(&treasury, coins(1_000, OSMO_DENOM));
    let next = w.epoch + 1;
    pause(&mut w, &incentives);
    let current = w.current_epoch();
    assert_refused::<IncentivesError, _>(
        &mut w,
        &incentives,
        vec![
            (
                treasury.clone(),
                IncentivesMsg::Fund { epoch: None },
                coins(1_000, OSMO_DENOM),
            ),
            (
                stranger.clone(),
                IncentivesMsg::RegisterProvider {
                    info: provider_incentives::state::ProviderInfo {
                        moniker: "late".into(),
                        host_uri: "https://late.example".into(),
                    },
                },
                vec![],
            ),
            (
                auditor.clone(),
                IncentivesMsg::AuditProvider {
                    provider: provider.to_string(),
                    tier: 3,
                    attributes: vec![],
                },
                vec![],
            ),
            (
                oracle.clone(),
                IncentivesMsg::SubmitReport {
                    epoch: current,
                    entries: vec![provider_incentives::msg::ReportEntry {
                        provider: provider.to_string(),
                        utilization_units: Uint128::new(10),
                    }],
                },
                vec![],
            ),
        ],
    );
    // Finalization is a keeper action: refused while paused even once it is due.
    let closes = w.epoch_info(next).report_window_closes_at.seconds();
    let now = w.app.block_info().time.seconds();
    spice_testing::advance_time(&mut w.app, closes - now + 1);
    assert_refused::<IncentivesError, _>(
        &mut w,
        &incentives,
        vec![(
            keeper.clone(),
            IncentivesMsg::FinalizeEpoch { epoch: next },
            vec![],
        )],
    );
    owner_unpauses::<IncentivesError, _>(
        &mut w,
        &incentives,
        (keeper, IncentivesMsg::FinalizeEpoch { epoch: next }, vec![]),
    );
}

#[test]
fn paused_incentives_keep_claims_disputes_and_leaving_open() {
    let mut w = World::new();
    let incentives = w.incentives();
    let (owner, auditor, provider, backup) = (
        w.roles.owner.clone(),
        w.roles.auditor.clone(),
        w.provider.clone(),
        w.backup.clone(),
    );
    // The backup leaves now; its last epoch is finalized and past its dispute window later.
    ok(
        &mut w,
        &backup,
        &incentives,
        &IncentivesMsg::UnbondProvider {},
        &[],
    );
    pause(&mut w, &incentives);

    // An auditor holds the provider's reward and the owner releases it, both while paused.
    let epoch = w.epoch;
    let dispute = IncentivesMsg::Dispute {
        epoch,
        provider: provider.to_string(),
        reason: "double-reported blocks".into(),
    };
    ok(&mut w, &auditor, &incentives, &dispute, &[]);
    ok(
        &mut w,
        &owner,
        &incentives,
        &IncentivesMsg::ResolveDispute {
            epoch,
            provider: provider.to_string(),
            outcome: provider_incentives::msg::DisputeOutcome::Release,
            slash: None,
        },
        &[],
    );
    // Past the dispute window the provider claims its reward.
    let at = w.epoch_info(w.epoch).claimable_at.unwrap().seconds();
    let now = w.app.block_info().time.seconds();
    spice_testing::advance_time(&mut w.app, at - now + 1);
    let before = w.balance(&provider, OSMO_DENOM);
    ok(
        &mut w,
        &provider,
        &incentives,
        &IncentivesMsg::Claim {
            epochs: None,
            limit: None,
        },
        &[],
    );
    assert!(w.balance(&provider, OSMO_DENOM) > before);
    // The provider can start leaving while paused too.
    ok(
        &mut w,
        &provider,
        &incentives,
        &IncentivesMsg::UnbondProvider {},
        &[],
    );

    // The backup's last epoch still has to be finalized, a keeper action the pause stops:
    // the bond waits for the epoch, not for the pause.
    let err = w
        .exec(&backup, &incentives, &IncentivesMsg::WithdrawBond {}, &[])
        .unwrap_err();
    assert!(
        matches!(
            cerr::<IncentivesError>(&err),
            Some(IncentivesError::BondLocked { .. })
        ),
        "{}",
        err_text(&err)
    );
    let owner_ = owner.clone();
    w.exec(
        &owner_,
        &incentives,
        &serde_json::json!({ "unpause": {} }),
        &[],
    )
    .unwrap();
    let last = w.epoch + 1;
    let closes = w.epoch_info(last).report_window_closes_at.seconds();
    let now = w.app.block_info().time.seconds();
    spice_testing::advance_time(&mut w.app, closes.saturating_sub(now) + 1);
    w.exec(
        &owner,
        &incentives,
        &IncentivesMsg::FinalizeEpoch { epoch: last },
        &[],
    )
    .unwrap();
    let at = w.epoch_info(last).claimable_at.unwrap().seconds();
    let now = w.app.block_info().time.seconds();
    spice_testing::advance_time(&mut w.app, at.saturating_sub(now) + 1);
    pause(&mut w, &incentives);
    ok(
        &mut w,
        &backup,
        &incentives,
        &IncentivesMsg::WithdrawBond {},
        &[],
    );
}

// ---------- order-book ----------

#[test]
fn paused_book_stops_new_orders_offers_amendments_and_matching_but_lets_everyone_leave() {
    let mut w = World::new();
    let book = w.book();
    let (tenant, provider, keeper) = (w.tenant.clone(), w.provider.clone(), w.keeper.clone());
    // A second order of the tenant that expires in two blocks.
    let expiring = BookMsg::PlaceOrder {
        spec: match order_msg(Decimal::one()) {
            BookMsg::PlaceOrder { spec, .. } => spec,
            _ => unreachable!(),
        },
        max_price_per_block: Decimal::percent(10),
        denom: AKT_DENOM.into(),
        expires_at: Some(w.height() + 2),
        replicas: 1,
    };
    w.give(&tenant, coins(300_000, AKT_DENOM));
    w.exec(&tenant, &book, &expiring, &coins(100_000, AKT_DENOM))
        .unwrap();
    let expiring_id = w.newest_order();
    let tenant_before = w.balance(&tenant, AKT_DENOM);
    let (order, offer) = (w.order, w.offer);
    pause(&mut w, &book);

    assert_refused::<BookError, _>(
        &mut w,
        &book,
        vec![
            (
                tenant.clone(),
                order_msg(Decimal::one()),
                coins(100_000, AKT_DENOM),
            ),
            (
                tenant.clone(),
                BookMsg::AmendOrder {
                    order_id: order,
                    max_price_per_block: Some(Decimal::percent(80)),
                    expires_at: None,
                    replicas: None,
                },
                vec![],
            ),
            (provider.clone(), offer_msg(Decimal::percent(40)), vec![]),
            (
                tenant.clone(),
                BookMsg::FillOrder {
                    order_id: order,
                    offer_id: Some(offer),
                },
                vec![],
            ),
            (keeper.clone(), BookMsg::MatchOrders { limit: None }, vec![]),
        ],
    );

    ok(
        &mut w,
        &tenant,
        &book,
        &BookMsg::CancelOrder { order_id: order },
        &[],
    );
    ok(
        &mut w,
        &provider,
        &book,
        &BookMsg::WithdrawOffer { offer_id: offer },
        &[],
    );
    w.advance_blocks(2);
    ok(
        &mut w,
        &keeper,
        &book,
        &BookMsg::ExpireOrders { limit: None },
        &[],
    );
    assert_eq!(
        w.order_info(expiring_id).status,
        order_book::state::OrderStatus::Expired
    );
    // Both deposits came back.
    assert_eq!(w.balance(&tenant, AKT_DENOM), tenant_before + 200_000);

    owner_unpauses::<BookError, _>(
        &mut w,
        &book,
        (tenant, order_msg(Decimal::one()), coins(100_000, AKT_DENOM)),
    );
}

// ---------- rollover-escrow ----------

#[test]
fn paused_escrow_stops_entries_and_keepers_but_lets_tenants_providers_and_sponsors_leave() {
    let mut w = World::new();
    let escrow = w.escrow();
    let (tenant, provider, sponsor, monitor, keeper, stranger) = (
        w.tenant.clone(),
        w.provider.clone(),
        w.sponsor.clone(),
        w.roles.monitor.clone(),
        w.keeper.clone(),
        w.stranger.clone(),
    );
    let (lease, pending) = (w.lease, w.pending_lease);
    w.give(&stranger, coins(10_000, AKT_DENOM));
    w.give(&provider, coins(100, AKT_DENOM));
    let open_lease = EscrowMsg::OpenLease(w.lease_msg(&provider, false));
    pause(&mut w, &escrow);

    assert_refused::<EscrowError, _>(
        &mut w,
        &escrow,
        vec![
            (
                stranger.clone(),
                open_lease.clone(),
                coins(1_000, AKT_DENOM),
            ),
            (
                provider.clone(),
                EscrowMsg::AcceptLease { lease_id: pending },
                vec![],
            ),
            (
                keeper.clone(),
                EscrowMsg::Settle { lease_id: lease },
                vec![],
            ),
            (
                stranger.clone(),
                EscrowMsg::Deposit { lease_id: lease },
                coins(1_000, AKT_DENOM),
            ),
            (
                tenant.clone(),
                EscrowMsg::DepositFromGrant {
                    lease_id: lease,
                    granter: sponsor.to_string(),
                    amount: Uint128::new(100),
                },
                vec![],
            ),
            (
                stranger.clone(),
                EscrowMsg::FundBalance {},
                coins(1_000, AKT_DENOM),
            ),
            (
                sponsor.clone(),
                EscrowMsg::Grant {
                    grantee: stranger.to_string(),
                    spend_limit: coin(100, AKT_DENOM),
                    expiration: None,
                },
                vec![],
            ),
            (
                tenant.clone(),
                EscrowMsg::SetAutoTopUp {
                    lease_id: lease,
                    target_runway_blocks: 100,
                    source: rollover_escrow::state::TopUpSource::Balance,
                },
                vec![],
            ),
            (keeper.clone(), EscrowMsg::TopUp { lease_id: lease }, vec![]),
            (
                tenant.clone(),
                EscrowMsg::SetBackups {
                    lease_id: lease,
                    backups: vec![],
                },
                vec![],
            ),
            (
                tenant.clone(),
                EscrowMsg::Rollover { lease_id: lease },
                vec![],
            ),
            (
                provider.clone(),
                EscrowMsg::PostBond { lease_id: lease },
                coins(100, AKT_DENOM),
            ),
        ],
    );

    // The provider takes what it earned and keeps proving life; the monitor can still report.
    ok(
        &mut w,
        &provider,
        &escrow,
        &EscrowMsg::Withdraw { lease_id: lease },
        &[],
    );
    ok(
        &mut w,
        &provider,
        &escrow,
        &EscrowMsg::Heartbeat {
            lease_id: Some(lease),
        },
        &[],
    );
    ok(
        &mut w,
        &monitor,
        &escrow,
        &EscrowMsg::ReportFailure {
            lease_id: lease,
            reason: 10_001,
        },
        &[],
    );
    // The tenant closes both its leases and gets every remaining unit back.
    let tenant_before = w.balance(&tenant, AKT_DENOM);
    let held = w.lease_info(lease).balance.u128() + w.lease_info(pending).balance.u128();
    ok(
        &mut w,
        &tenant,
        &escrow,
        &EscrowMsg::CloseLease {
            lease_id: lease,
            reason: 1,
        },
        &[],
    );
    ok(
        &mut w,
        &tenant,
        &escrow,
        &EscrowMsg::CloseLease {
            lease_id: pending,
            reason: 1,
        },
        &[],
    );
    assert_eq!(w.balance(&tenant, AKT_DENOM), tenant_before + held);
    // The sponsor takes its authority and its balance back.
    ok(
        &mut w,
        &sponsor,
        &escrow,
        &EscrowMsg::Revoke {
            grantee: tenant.to_string(),
        },
        &[],
    );
    ok(
        &mut w,
        &sponsor,
        &escrow,
        &EscrowMsg::WithdrawBalance {
            denom: AKT_DENOM.into(),
            amount: Uint128::new(SPONSOR_BALANCE),
        },
        &[],
    );
    assert_eq!(w.balance(&sponsor, AKT_DENOM), SPONSOR_BALANCE);
    // Nothing is left in the escrow: every lease is closed and every balance withdrawn.
    assert_eq!(w.balance(&escrow, AKT_DENOM), 0);

    owner_unpauses::<EscrowError, _>(
        &mut w,
        &escrow,
        (stranger.clone(), open_lease, coins(1_000, AKT_DENOM)),
    );
}

// ---------- across contracts ----------

#[test]
fn a_paused_escrow_stops_the_books_matching_but_tenants_still_cancel_at_the_book() {
    let mut w = World::new();
    let (book, escrow) = (w.book(), w.escrow());
    let (tenant, keeper) = (w.tenant.clone(), w.keeper.clone());
    pause(&mut w, &escrow);
    // No lease can open in the paused escrow: the book's matching waits, queue untouched.
    w.refuse(
        &keeper,
        &book,
        &BookMsg::MatchOrders { limit: None },
        &[],
        &exact(BookError::EscrowPaused),
    );
    let before = w.balance(&tenant, AKT_DENOM);
    let order = w.order;
    ok(
        &mut w,
        &tenant,
        &book,
        &BookMsg::CancelOrder { order_id: order },
        &[],
    );
    assert_eq!(w.balance(&tenant, AKT_DENOM), before + 100_000);
}

#[test]
fn paused_receivers_never_block_the_payers_exits() {
    let mut w = World::new();
    let (vault, buyback, incentives, escrow, token) = (
        w.vault(),
        w.buyback(),
        w.incentives(),
        w.escrow(),
        w.token(),
    );
    let (provider, keeper) = (w.provider.clone(), w.keeper.clone());
    for contract in [&vault, &buyback, &incentives, &token] {
        pause(&mut w, contract);
    }
    // The provider withdraws at the escrow: the take fee reaches the paused vault, and the
    // paused incentives acknowledge the settlement without crediting it.
    let weight = w.epoch_info(w.current_epoch()).total_weight;
    let fees_before = w.balance(&vault, AKT_DENOM);
    let lease = w.lease;
    ok(
        &mut w,
        &provider,
        &escrow,
        &EscrowMsg::Withdraw { lease_id: lease },
        &[],
    );
    assert!(w.balance(&vault, AKT_DENOM) > fees_before);
    assert_eq!(w.epoch_info(w.current_epoch()).total_weight, weight);

    // With the vault running again, a harvest pays the paused buyback-burn.
    let owner = w.roles.owner.clone();
    w.exec(&owner, &vault, &serde_json::json!({ "unpause": {} }), &[])
        .unwrap();
    spice_testing::advance_time(&mut w.app, 30 * 86_400);
    receive_home(&mut w, &vault, ReturnKind::Rewards, 1_000);
    let operator = w.roles.operator.clone();
    w.exec(
        &operator,
        &vault,
        &VaultMsg::ConfirmRewards {
            amount: Uint128::new(1_000),
            tx_hash: tx_hash(30),
        },
        &[],
    )
    .unwrap();
    let revenue_before = w.balance(&buyback, AKT_DENOM);
    ok(&mut w, &keeper, &vault, &VaultMsg::Harvest {}, &[]);
    assert!(w.balance(&buyback, AKT_DENOM) > revenue_before);
    // A month of the world's rewards is below the buyback's `min_swap`; more revenue arrives,
    // enough for a swap of `min_swap` and the keeper's bounty on it.
    let config: buyback_burn::state::Config =
        w.query(&buyback, &buyback_burn::msg::QueryMsg::Config {});
    let with_bounty =
        config.min_swap.u128() * (10_000 + u128::from(config.keeper_bounty_bps)) / 10_000 + 1;
    w.give(&buyback, coins(with_bounty, AKT_DENOM));

    // With buyback-burn running again, its burn goes through the paused token: burning
    // native SPICE is never stopped.
    w.exec(&owner, &buyback, &serde_json::json!({ "unpause": {} }), &[])
        .unwrap();
    let burned_before: spice_token::msg::BurnStatsResponse =
        w.query(&token, &spice_token::msg::QueryMsg::BurnStats {});
    ok(
        &mut w,
        &keeper,
        &buyback,
        &BuybackMsg::Buyback {
            denom: AKT_DENOM.into(),
            limit: None,
        },
        &[],
    );
    let burned: spice_token::msg::BurnStatsResponse =
        w.query(&token, &spice_token::msg::QueryMsg::BurnStats {});
    assert!(burned.native > burned_before.native);
}
