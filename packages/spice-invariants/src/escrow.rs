//! rollover-escrow: leases opened by tenants (and by the order book), streaming per block,
//! withdrawals (take fee to the vault, settlement hook to incentives), deposits, prefunded
//! balances and grants, auto top-ups, heartbeats, failures, rollovers, bonds, closes.
//!
//! Invariants (after every step):
//! - per lease: `deposited == paid + fees + refunded + balance + earned` (what it still holds),
//!   `balance ≤ deposited` (never negative), carry below one unit, a closed lease holds nothing;
//! - per denom: the escrow's bank balance is exactly what its leases hold, their bonds, and the
//!   users' prefunded balances;
//! - the take fees the leases recorded are the ones the `withdraw` events reported (ghost);
//! - settling twice in a row changes nothing, and settling changes nothing the lease query (which
//!   answers "as if settled now") did not already show (checked by the `Settle` action).
//!
//! Who is paid, and when (issue 17), with hostile actors — a provider that is also a tenant,
//! dust depositors, a monitor that reports healthy providers, failures interleaved with
//! settlements:
//! - no provider is paid for blocks after its monitor-attested failure height (every `settle`
//!   event checked against the standing failure, in `World::observe`), and no lease streams
//!   past its provider's heartbeat deadline (`check`);
//! - no depositor is refunded more than it put into a lease (`World::observe`);
//! - a tenant can always fund its lease: its deposit is never refused for lack of deposit slots
//!   (`TenantDeposit`).

use cosmwasm_std::{coin, Decimal, Uint128};
use proptest_derive::Arbitrary as PropArbitrary;
use rollover_escrow::msg::{ExecuteMsg, LeaseResponse, QueryMsg};
use rollover_escrow::state::{LeaseStatus, TopUpSource};
use spice_suite::{AKT_DENOM, OSMO_DENOM, USDC_DENOM};
use spice_types::{BackupProvider, OpenLeaseMsg};

use crate::common::{Amount, Caller, Pick, Price, Prov, Time, User};
use crate::world::{ensure, funds, json, Step, World};

/// A lease denom: AKT and USDC are accepted, OSMO is not.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseDenom {
    #[proptest(weight = 4)]
    Akt,
    Usdc,
    Osmo,
}

impl LeaseDenom {
    pub fn denom(self) -> &'static str {
        match self {
            LeaseDenom::Akt => AKT_DENOM,
            LeaseDenom::Usdc => USDC_DENOM,
            LeaseDenom::Osmo => OSMO_DENOM,
        }
    }
}

/// Who acts on a lease: its tenant, its current provider, the monitor, or a user.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    #[proptest(weight = 3)]
    Tenant,
    #[proptest(weight = 2)]
    Provider,
    Monitor,
    Stranger(User),
}

/// A termination reason from each range, and 0 (never valid).
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Tenant,
    Provider,
    Network,
    Zero,
}

impl Reason {
    pub fn code(self) -> u32 {
        match self {
            Reason::Tenant => 1,
            Reason::Provider => 10_001,
            Reason::Network => 20_000,
            Reason::Zero => 0,
        }
    }
}

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopUpFrom {
    Balance,
    Grant(User),
}

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Debug)]
pub enum EscrowAction {
    /// A tenant opens a lease with `backups` (0–3) standby providers; `accept`: the provider
    /// accepts it right away.
    #[proptest(weight = 5)]
    Open {
        tenant: User,
        provider: Prov,
        price: Price,
        denom: LeaseDenom,
        deposit: Amount,
        backups: u8,
        accept: bool,
    },
    #[proptest(weight = 2)]
    Accept {
        lease: Pick,
        by: Prov,
    },
    /// Anyone settles, twice in a row.
    #[proptest(weight = 3)]
    Settle {
        lease: Pick,
        by: User,
    },
    #[proptest(weight = 3)]
    Withdraw {
        lease: Pick,
        by: Party,
    },
    #[proptest(weight = 2)]
    Close {
        lease: Pick,
        by: Party,
        reason: Reason,
    },
    #[proptest(weight = 3)]
    Deposit {
        lease: Pick,
        from: User,
        amount: Amount,
        /// Attach another denom than the lease's.
        wrong_denom: bool,
    },
    DepositFromGrant {
        lease: Pick,
        grantee: User,
        granter: User,
        amount: Amount,
    },
    #[proptest(weight = 2)]
    FundBalance {
        who: User,
        denom: LeaseDenom,
        amount: Amount,
    },
    WithdrawBalance {
        who: User,
        denom: LeaseDenom,
        amount: Amount,
    },
    Grant {
        granter: User,
        grantee: User,
        denom: LeaseDenom,
        limit: Amount,
        expires: Option<Time>,
    },
    Revoke {
        granter: User,
        grantee: User,
    },
    SetAutoTopUp {
        lease: Pick,
        by: Party,
        runway_blocks: u16,
        source: TopUpFrom,
    },
    #[proptest(weight = 2)]
    TopUp {
        lease: Pick,
        keeper: User,
    },
    Heartbeat {
        lease: Pick,
        by: Party,
    },
    ReportFailure {
        lease: Pick,
        by: Party,
        reason: Reason,
    },
    SetBackups {
        lease: Pick,
        by: Party,
        backups: u8,
    },
    #[proptest(weight = 2)]
    Rollover {
        lease: Pick,
        by: Party,
    },
    PostBond {
        lease: Pick,
        by: Party,
        amount: Amount,
    },
    Pause {
        caller: Caller,
    },
    Unpause {
        caller: Caller,
    },
    /// Feeds it: a standing order and a matching offer on the order book, matched by a keeper,
    /// open a lease here.
    Fill {
        tenant: User,
        provider: Prov,
        price: Price,
    },
    #[proptest(weight = 4)]
    Advance(Time),
    /// A provider opens a lease as the tenant of another provider (a provider that is also a
    /// tenant).
    ProviderOpens {
        tenant: Prov,
        provider: Prov,
        price: Price,
        deposit: Amount,
        backups: u8,
    },
    /// A stranger's one-unit deposit (dust).
    #[proptest(weight = 2)]
    DustDeposit {
        lease: Pick,
        from: User,
    },
    /// The lease's tenant funds it from its bank: never refused for lack of deposit slots.
    #[proptest(weight = 2)]
    TenantDeposit {
        lease: Pick,
        amount: Amount,
    },
    /// A provider's provider-level heartbeat, covering all its leases.
    #[proptest(weight = 2)]
    HeartbeatAll {
        by: Prov,
    },
    AcceptBackup {
        lease: Pick,
        by: Prov,
    },
    CloseExpired {
        keeper: User,
        limit: u8,
    },
    /// Batches (issue 23): the first `n % 6` of `leases` (0: an empty batch, refused), mixed
    /// with the single calls above; checked by `check_batch`.
    #[proptest(weight = 2)]
    SettleBatch {
        leases: [Pick; 5],
        n: u8,
        /// Also list a lease that does not exist (skipped, never reverting the others).
        bad: bool,
        by: User,
    },
    #[proptest(weight = 2)]
    WithdrawBatch {
        leases: [Pick; 5],
        n: u8,
        /// Also list a lease that does not exist (skipped, never reverting the others).
        bad: bool,
        by: Party,
    },
    #[proptest(weight = 2)]
    TopUpBatch {
        leases: [Pick; 5],
        n: u8,
        /// Also list a lease that does not exist (skipped, never reverting the others).
        bad: bool,
        keeper: User,
    },
    /// `amount` to each of the first `n % 6` leases in its own denom; `short`: one unit less
    /// attached than listed, which must refuse the whole call.
    #[proptest(weight = 2)]
    DepositBatch {
        leases: [Pick; 5],
        n: u8,
        /// Also list a lease that does not exist (skipped, never reverting the others).
        bad: bool,
        from: User,
        amount: Amount,
        short: bool,
    },
}

/// How many leases exist (ids are 1..=count), as the model counted `open_lease` events.
pub fn lease_count(w: &World) -> u64 {
    w.ghost.leases_opened
}

pub fn lease(w: &World, id: u64) -> Option<LeaseResponse> {
    w.try_query(
        &w.suite.rollover_escrow.address,
        &QueryMsg::Lease { lease_id: id },
    )
}

fn backups(w: &World, n: u8, primary: Prov) -> Vec<BackupProvider> {
    let prices = [Decimal::one(), Decimal::percent(50), Decimal::percent(133)];
    Prov::ALL
        .iter()
        .filter(|p| **p != primary)
        .map(|p| w.provider(*p))
        // The third is the tenant itself: refused as a backup? Let the contract decide.
        .chain([w.users[0].clone()])
        .zip(prices)
        .take(usize::from(n % 4))
        .map(|(p, price)| BackupProvider {
            provider: p.to_string(),
            price_per_block: price,
        })
        .collect()
}

/// The account acting as `party` on lease `l` (the current provider, the tenant …).
fn party(w: &World, l: Option<&LeaseResponse>, p: Party) -> cosmwasm_std::Addr {
    match (p, l) {
        (Party::Tenant, Some(l)) => l.tenant.clone(),
        (Party::Provider, Some(l)) => l.provider.clone(),
        (Party::Tenant, None) => w.users[0].clone(),
        (Party::Provider, None) => w.providers[0].clone(),
        (Party::Monitor, _) => w.roles.monitor.clone(),
        (Party::Stranger(u), _) => w.user(u),
    }
}

pub fn apply(w: &mut World, a: &EscrowAction) -> Step {
    let escrow = w.suite.rollover_escrow.address.clone();
    let count = lease_count(w);
    let pick = |w: &World, p: Pick| {
        let id = p.id(count);
        (id, lease(w, id))
    };
    match *a {
        EscrowAction::Open {
            tenant,
            provider,
            price,
            denom,
            deposit,
            backups: n,
            accept,
        } => {
            let tenant = w.user(tenant);
            let prov = w.provider(provider);
            let amount = deposit.resolve(w.bank(&tenant, denom.denom()));
            let msg = ExecuteMsg::OpenLease(OpenLeaseMsg {
                tenant: None,
                provider: prov.to_string(),
                price_per_block: price.decimal(),
                denom: denom.denom().into(),
                backups: backups(w, n, provider),
                spec_ref: None,
                order_id: None,
            });
            if w.exec(&tenant, &escrow, &msg, &funds(amount, denom.denom()))?
                .is_some()
                && accept
            {
                let id = lease_count(w);
                w.exec(
                    &prov,
                    &escrow,
                    &ExecuteMsg::AcceptLease { lease_id: id },
                    &[],
                )?;
            }
        }
        EscrowAction::Accept { lease: p, by } => {
            let (id, _) = pick(w, p);
            let by = w.provider(by);
            w.exec(&by, &escrow, &ExecuteMsg::AcceptLease { lease_id: id }, &[])?;
        }
        EscrowAction::Settle { lease: p, by } => {
            let (id, projected) = pick(w, p);
            let by = w.user(by);
            let bank_before = w.balances(&escrow);
            if w.exec(&by, &escrow, &ExecuteMsg::Settle { lease_id: id }, &[])?
                .is_some()
            {
                let once = lease(w, id);
                ensure(once == projected, || {
                    format!(
                        "settling lease {id} changed what the lease query showed:\nquery:   {}\nsettled: {}",
                        json(&projected),
                        json(&once)
                    )
                })?;
                let again = w.exec(&by, &escrow, &ExecuteMsg::Settle { lease_id: id }, &[])?;
                let twice = lease(w, id);
                let bank_after = w.balances(&escrow);
                ensure(
                    again.is_some() && twice == once && bank_after == bank_before,
                    || {
                        format!(
                            "settling lease {id} twice in a row changed something (accepted: {}):\nonce:  {}\ntwice: {}",
                            again.is_some(),
                            json(&once),
                            json(&twice)
                        )
                    },
                )?;
            }
        }
        EscrowAction::Withdraw { lease: p, by } => {
            let (id, l) = pick(w, p);
            let by = party(w, l.as_ref(), by);
            w.exec(&by, &escrow, &ExecuteMsg::Withdraw { lease_id: id }, &[])?;
        }
        EscrowAction::Close {
            lease: p,
            by,
            reason,
        } => {
            let (id, l) = pick(w, p);
            let by = party(w, l.as_ref(), by);
            let msg = ExecuteMsg::CloseLease {
                lease_id: id,
                reason: reason.code(),
            };
            if w.exec(&by, &escrow, &msg, &[])?.is_some() {
                let after = lease(w, id).ok_or("a closed lease disappeared")?;
                ensure(after.status == LeaseStatus::Closed, || {
                    format!("close_lease accepted but lease {id} is {:?}", after.status)
                })?;
            }
        }
        EscrowAction::Deposit {
            lease: p,
            from,
            amount,
            wrong_denom,
        } => {
            let (id, l) = pick(w, p);
            let from = w.user(from);
            let denom = match (&l, wrong_denom) {
                (Some(l), false) => l.denom.clone(),
                (Some(l), true) if l.denom == AKT_DENOM => USDC_DENOM.into(),
                _ => AKT_DENOM.into(),
            };
            let amount = amount.resolve(w.bank(&from, &denom));
            w.exec(
                &from,
                &escrow,
                &ExecuteMsg::Deposit { lease_id: id },
                &funds(amount, &denom),
            )?;
        }
        EscrowAction::DepositFromGrant {
            lease: p,
            grantee,
            granter,
            amount,
        } => {
            let (id, l) = pick(w, p);
            let (grantee, granter) = (w.user(grantee), w.user(granter));
            let denom = l.map(|l| l.denom).unwrap_or_else(|| AKT_DENOM.into());
            let amount = amount.resolve(prefunded(w, &granter, &denom));
            let msg = ExecuteMsg::DepositFromGrant {
                lease_id: id,
                granter: granter.to_string(),
                amount: Uint128::new(amount),
            };
            w.exec(&grantee, &escrow, &msg, &[])?;
        }
        EscrowAction::FundBalance { who, denom, amount } => {
            let who = w.user(who);
            let amount = amount.resolve(w.bank(&who, denom.denom()));
            w.exec(
                &who,
                &escrow,
                &ExecuteMsg::FundBalance {},
                &funds(amount, denom.denom()),
            )?;
        }
        EscrowAction::WithdrawBalance { who, denom, amount } => {
            let who = w.user(who);
            let amount = amount.resolve(prefunded(w, &who, denom.denom()));
            let msg = ExecuteMsg::WithdrawBalance {
                denom: denom.denom().into(),
                amount: Uint128::new(amount),
            };
            w.exec(&who, &escrow, &msg, &[])?;
        }
        EscrowAction::Grant {
            granter,
            grantee,
            denom,
            limit,
            expires,
        } => {
            let (granter, grantee) = (w.user(granter), w.user(grantee));
            let limit = limit.resolve(prefunded(w, &granter, denom.denom()));
            let height = w.app.block_info().height;
            let msg = ExecuteMsg::Grant {
                grantee: grantee.to_string(),
                spend_limit: coin(limit, denom.denom()),
                expiration: expires.map(|t| height + t.seconds() / 5),
            };
            w.exec(&granter, &escrow, &msg, &[])?;
        }
        EscrowAction::Revoke { granter, grantee } => {
            let (granter, grantee) = (w.user(granter), w.user(grantee));
            let msg = ExecuteMsg::Revoke {
                grantee: grantee.to_string(),
            };
            w.exec(&granter, &escrow, &msg, &[])?;
        }
        EscrowAction::SetAutoTopUp {
            lease: p,
            by,
            runway_blocks,
            source,
        } => {
            let (id, l) = pick(w, p);
            let by = party(w, l.as_ref(), by);
            let source = match source {
                TopUpFrom::Balance => TopUpSource::Balance,
                TopUpFrom::Grant(g) => TopUpSource::Grant {
                    granter: w.user(g).to_string(),
                },
            };
            let msg = ExecuteMsg::SetAutoTopUp {
                lease_id: id,
                target_runway_blocks: u64::from(runway_blocks),
                source,
            };
            w.exec(&by, &escrow, &msg, &[])?;
        }
        EscrowAction::TopUp { lease: p, keeper } => {
            let (id, _) = pick(w, p);
            let keeper = w.user(keeper);
            w.exec(&keeper, &escrow, &ExecuteMsg::TopUp { lease_id: id }, &[])?;
        }
        EscrowAction::Heartbeat { lease: p, by } => {
            let (id, l) = pick(w, p);
            let by = party(w, l.as_ref(), by);
            w.exec(
                &by,
                &escrow,
                &ExecuteMsg::Heartbeat { lease_id: Some(id) },
                &[],
            )?;
        }
        EscrowAction::ReportFailure {
            lease: p,
            by,
            reason,
        } => {
            let (id, l) = pick(w, p);
            let by = party(w, l.as_ref(), by);
            let msg = ExecuteMsg::ReportFailure {
                lease_id: id,
                reason: reason.code(),
            };
            w.exec(&by, &escrow, &msg, &[])?;
        }
        EscrowAction::SetBackups {
            lease: p,
            by,
            backups: n,
        } => {
            let (id, l) = pick(w, p);
            let by = party(w, l.as_ref(), by);
            let current = l
                .as_ref()
                .and_then(|l| w.providers.iter().position(|p| *p == l.provider))
                .map(|i| Prov::ALL[i])
                .unwrap_or(Prov::P0);
            let msg = ExecuteMsg::SetBackups {
                lease_id: id,
                backups: backups(w, n, current),
            };
            w.exec(&by, &escrow, &msg, &[])?;
        }
        EscrowAction::Rollover { lease: p, by } => {
            let (id, l) = pick(w, p);
            let by = party(w, l.as_ref(), by);
            w.exec(&by, &escrow, &ExecuteMsg::Rollover { lease_id: id }, &[])?;
        }
        EscrowAction::PostBond {
            lease: p,
            by,
            amount,
        } => {
            let (id, l) = pick(w, p);
            let by = party(w, l.as_ref(), by);
            let denom = l.map(|l| l.denom).unwrap_or_else(|| AKT_DENOM.into());
            let amount = amount.resolve(w.bank(&by, &denom));
            w.exec(
                &by,
                &escrow,
                &ExecuteMsg::PostBond { lease_id: id },
                &funds(amount, &denom),
            )?;
        }
        EscrowAction::Pause { caller } => w.pause(&escrow, caller, true)?,
        EscrowAction::Unpause { caller } => w.pause(&escrow, caller, false)?,
        EscrowAction::Fill {
            tenant,
            provider,
            price,
        } => crate::order_book::quick_fill(w, tenant, provider, price)?,
        EscrowAction::Advance(t) => w.advance(t.seconds()),
        EscrowAction::ProviderOpens {
            tenant,
            provider,
            price,
            deposit,
            backups: n,
        } => {
            let tenant = w.provider(tenant);
            let prov = w.provider(provider);
            let amount = deposit.resolve(w.bank(&tenant, AKT_DENOM));
            let msg = ExecuteMsg::OpenLease(OpenLeaseMsg {
                tenant: None,
                provider: prov.to_string(),
                price_per_block: price.decimal(),
                denom: AKT_DENOM.into(),
                backups: backups(w, n, provider),
                spec_ref: None,
                order_id: None,
            });
            if w.exec(&tenant, &escrow, &msg, &funds(amount, AKT_DENOM))?
                .is_some()
            {
                let id = lease_count(w);
                w.exec(
                    &prov,
                    &escrow,
                    &ExecuteMsg::AcceptLease { lease_id: id },
                    &[],
                )?;
            }
        }
        EscrowAction::DustDeposit { lease: p, from } => {
            let (id, l) = pick(w, p);
            let from = w.user(from);
            let denom = l.map(|l| l.denom).unwrap_or_else(|| AKT_DENOM.into());
            w.exec(
                &from,
                &escrow,
                &ExecuteMsg::Deposit { lease_id: id },
                &funds(1, &denom),
            )?;
        }
        EscrowAction::TenantDeposit { lease: p, amount } => {
            let (id, l) = pick(w, p);
            let Some(l) = l else { return Ok(()) };
            let amount = amount.resolve(w.bank(&l.tenant, &l.denom));
            let refused = w
                .exec(
                    &l.tenant,
                    &escrow,
                    &ExecuteMsg::Deposit { lease_id: id },
                    &funds(amount, &l.denom),
                )?
                .is_none();
            let why = w.last_error.clone().unwrap_or_default();
            ensure(!refused || !why.contains("separate deposits"), || {
                format!(
                    "escrow: tenant {} could not fund lease {id}: {why}",
                    l.tenant
                )
            })?;
        }
        EscrowAction::HeartbeatAll { by } => {
            let by = w.provider(by);
            w.exec(&by, &escrow, &ExecuteMsg::Heartbeat { lease_id: None }, &[])?;
        }
        EscrowAction::AcceptBackup { lease: p, by } => {
            let (id, _) = pick(w, p);
            let by = w.provider(by);
            w.exec(
                &by,
                &escrow,
                &ExecuteMsg::AcceptBackup { lease_id: id },
                &[],
            )?;
        }
        EscrowAction::CloseExpired { keeper, limit } => {
            let keeper = w.user(keeper);
            let msg = ExecuteMsg::CloseExpired {
                limit: Some(u32::from(limit % 31)),
            };
            w.exec(&keeper, &escrow, &msg, &[])?;
        }
        EscrowAction::SettleBatch { leases, n, bad, by } => {
            let ids = batch_ids(count, &leases, n, bad);
            let by = w.user(by);
            let msg = ExecuteMsg::SettleBatch {
                lease_ids: ids.clone(),
            };
            run_batch(w, &by, &msg, &[], &ids, Kind::Settle)?;
        }
        EscrowAction::WithdrawBatch { leases, n, bad, by } => {
            let ids = batch_ids(count, &leases, n, bad);
            let first = ids.first().and_then(|id| lease(w, *id));
            let by = party(w, first.as_ref(), by);
            let msg = ExecuteMsg::WithdrawBatch {
                lease_ids: ids.clone(),
            };
            run_batch(w, &by, &msg, &[], &ids, Kind::Withdraw)?;
        }
        EscrowAction::TopUpBatch {
            leases,
            n,
            bad,
            keeper,
        } => {
            let ids = batch_ids(count, &leases, n, bad);
            let keeper = w.user(keeper);
            // Work for the keeper: the first lease's tenant prefunds a tenth of its bank and
            // asks for a long runway from it (either may be refused: then there is none).
            let first = ids.first().and_then(|id| lease(w, *id));
            // Only a user's balance is on the model's books (`check` sums the users').
            if let Some(l) = first.filter(|l| w.users.contains(&l.tenant)) {
                let t = l.tenant.clone();
                let amount = w.bank(&t, &l.denom) / 10;
                w.exec(
                    &t,
                    &escrow,
                    &ExecuteMsg::FundBalance {},
                    &funds(amount, &l.denom),
                )?;
                let msg = ExecuteMsg::SetAutoTopUp {
                    lease_id: l.id,
                    target_runway_blocks: 100_000,
                    source: TopUpSource::Balance,
                };
                w.exec(&t, &escrow, &msg, &[])?;
            }
            let msg = ExecuteMsg::TopUpBatch {
                lease_ids: ids.clone(),
            };
            run_batch(w, &keeper, &msg, &[], &ids, Kind::TopUp)?;
        }
        EscrowAction::DepositBatch {
            leases,
            n,
            bad,
            from,
            amount,
            short,
        } => {
            let ids = batch_ids(count, &leases, n, bad);
            let from = w.user(from);
            let mut items = vec![];
            let mut listed: std::collections::BTreeMap<String, u128> = Default::default();
            for id in &ids {
                let denom = lease(w, *id).map_or_else(|| AKT_DENOM.to_string(), |l| l.denom);
                let have = w
                    .bank(&from, &denom)
                    .saturating_sub(listed.get(&denom).copied().unwrap_or_default());
                let a = amount.resolve(have / 6).max(1);
                let sum = listed.entry(denom.clone()).or_default();
                *sum = sum.saturating_add(a);
                items.push(rollover_escrow::msg::BatchDeposit {
                    lease_id: *id,
                    amount: coin(a, denom),
                });
            }
            let mut attached: Vec<cosmwasm_std::Coin> =
                listed.iter().map(|(d, a)| coin(*a, d)).collect();
            let short = short && !attached.is_empty();
            if short {
                attached[0].amount -= Uint128::one();
                attached.retain(|c| !c.amount.is_zero());
            }
            let msg = ExecuteMsg::DepositBatch { deposits: items };
            if short {
                // Funds that do not add up: refused whatever the items.
                let before = w.balances(&from);
                w.exec_expect(&from, &escrow, &msg, &attached, false)?;
                ensure(w.balances(&from) == before, || {
                    "escrow: a refused deposit_batch moved the sender's coins".to_string()
                })?;
            } else {
                run_batch(w, &from, &msg, &attached, &ids, Kind::Deposit)?;
            }
        }
    }
    Ok(())
}

fn batch_ids(count: u64, leases: &[Pick; 5], n: u8, bad: bool) -> Vec<u64> {
    let mut ids: Vec<u64> = leases
        .iter()
        .take(usize::from(n % 6))
        .map(|p| p.id(count))
        .collect();
    if bad && !ids.is_empty() {
        ids.push(count + 1);
    }
    ids
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Settle,
    Withdraw,
    TopUp,
    Deposit,
}

fn attr_of(e: &cosmwasm_std::Event, key: &str) -> String {
    e.attributes
        .iter()
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
        .unwrap_or_default()
}

/// Sends a batch and checks what each item did, against the lease queries and bank balances:
/// - an empty batch is refused;
/// - every item is either applied (its id in the summary's `lease_ids`) or skipped (a
///   `batch_item_skipped` event), and a lease all of whose items were skipped is exactly as
///   before (a failed item changed nothing), while the applied ones stay applied;
/// - a batch in which nothing applied is refused;
/// - withdraw: the sender received exactly the `net` of the `withdraw` events and each applied
///   lease has nothing left earned;
/// - top_up: the keeper received exactly the bounties, and each bounty is at most
///   `keeper_bounty_bps` of what that item moved, rounded down (what the single call pays: a
///   batch never pays on the pooled amount);
/// - deposit: the sender paid exactly the applied items (skipped ones came back).
fn run_batch(
    w: &mut World,
    sender: &cosmwasm_std::Addr,
    msg: &ExecuteMsg,
    funds: &[cosmwasm_std::Coin],
    ids: &[u64],
    kind: Kind,
) -> Step {
    let escrow = w.suite.rollover_escrow.address.clone();
    let before: Vec<Option<LeaseResponse>> = ids.iter().map(|id| lease(w, *id)).collect();
    let bank_before = w.balances(sender);
    let res = w.exec(sender, &escrow, msg, funds)?;
    let Some(res) = res else {
        ensure(w.balances(sender) == bank_before, || {
            format!(
                "escrow: a refused batch moved the sender's coins: {}",
                json(msg)
            )
        })?;
        return Ok(());
    };
    ensure(!ids.is_empty(), || {
        "escrow: an empty batch was accepted".to_string()
    })?;
    let events = |ty: &str| -> Vec<&cosmwasm_std::Event> {
        res.events
            .iter()
            .filter(|e| e.ty == format!("wasm-spice.escrow.{ty}"))
            .collect()
    };
    let skipped: Vec<u64> = events("batch_item_skipped")
        .iter()
        .filter_map(|e| attr_of(e, "lease_id").parse().ok())
        .collect();
    let summary = events(match kind {
        Kind::Settle => "settle_batch",
        Kind::Withdraw => "withdraw_batch",
        Kind::TopUp => "top_up_batch",
        Kind::Deposit => "deposit_batch",
    });
    let applied: Vec<u64> = summary
        .first()
        .map(|e| attr_of(e, "lease_ids"))
        .unwrap_or_default()
        .split(',')
        .filter_map(|x| x.parse().ok())
        .collect();
    ensure(
        summary.len() == 1 && applied.len() + skipped.len() == ids.len() && !applied.is_empty(),
        || {
            format!(
                "escrow: batch of {ids:?}: applied {applied:?}, skipped {skipped:?}, {} summaries",
                summary.len()
            )
        },
    )?;
    for (id, was) in ids.iter().zip(&before) {
        if !applied.contains(id) {
            let now = lease(w, *id);
            ensure(now == *was, || {
                format!(
                    "escrow: lease {id} was skipped in a batch but changed:
before: {}
after:  {}",
                    json(was),
                    json(&now)
                )
            })?;
        }
    }
    let sum = |ty: &str, key: &str| -> u128 {
        events(ty)
            .iter()
            .map(|e| attr_of(e, key).parse::<u128>().unwrap_or_default())
            .sum()
    };
    let delta = |after: u128, before: u128| after as i128 - before as i128;
    // `World::balances` is [AKT, USDC, OSMO, SPICE]: leases are in the first two.
    let after = w.balances(sender);
    match kind {
        Kind::Settle => {}
        Kind::Withdraw => {
            let got: i128 = (0..2).map(|i| delta(after[i], bank_before[i])).sum();
            let net = sum("withdraw", "net") as i128;
            // The sender may also be the fee collector: never in this world (the vault is).
            ensure(got == net, || {
                format!("escrow: withdraw_batch paid its sender {got}, the events say {net}")
            })?;
            for id in &applied {
                let l = lease(w, *id).ok_or("an applied lease disappeared")?;
                ensure(l.earned.is_zero(), || {
                    format!(
                        "escrow: lease {id} still has {} earned after withdraw_batch",
                        l.earned
                    )
                })?;
            }
        }
        Kind::TopUp => {
            let cfg: rollover_escrow::state::Config = w.query(&escrow, &QueryMsg::Config {});
            for e in events("top_up") {
                let moved = attr_of(e, "amount").parse::<u128>().unwrap_or_default();
                let bounty = attr_of(e, "bounty").parse::<u128>().unwrap_or_default();
                let share = moved * u128::from(cfg.keeper_bounty_bps) / 10_000;
                ensure(bounty <= share, || {
                    format!("escrow: a batch top-up of {moved} paid a bounty of {bounty} > {share}")
                })?;
            }
            let got: i128 = (0..2).map(|i| delta(after[i], bank_before[i])).sum();
            let bounties = sum("top_up", "bounty") as i128;
            ensure(got == bounties, || {
                format!("escrow: top_up_batch paid its keeper {got}, the events say {bounties}")
            })?;
        }
        Kind::Deposit => {
            let paid: i128 = (0..2).map(|i| delta(bank_before[i], after[i])).sum();
            let deposited = sum("deposit", "amount") as i128;
            ensure(paid == deposited, || {
                format!(
                    "escrow: deposit_batch took {paid} from its sender; the applied deposits are {deposited}"
                )
            })?;
        }
    }
    Ok(())
}

/// `owner`'s prefunded balance of `denom` in the escrow.
pub fn prefunded(w: &World, owner: &cosmwasm_std::Addr, denom: &str) -> u128 {
    let r: rollover_escrow::msg::BalanceResponse = w.query(
        &w.suite.rollover_escrow.address,
        &QueryMsg::Balance {
            owner: owner.to_string(),
            denom: denom.to_string(),
        },
    );
    r.amount.u128()
}

pub fn check(w: &World) -> Step {
    let escrow = &w.suite.rollover_escrow.address;
    let denoms = [AKT_DENOM, USDC_DENOM];
    let mut held = [0u128; 2];
    let mut fees = [0u128; 2];
    let cfg: rollover_escrow::state::Config = w.query(escrow, &QueryMsg::Config {});
    let heartbeat_timeout = cfg.heartbeat_timeout_blocks;
    for id in 1..=lease_count(w) {
        let l = lease(w, id).ok_or_else(|| format!("escrow: lease {id} is missing"))?;
        let out = l.total_paid + l.total_fees + l.total_refunded + l.balance + l.earned;
        ensure(l.total_deposited == out, || {
            format!(
                "escrow: lease {id} took in {} but paid {} + fees {} + refunded {} + holds {} + earned {}",
                l.total_deposited, l.total_paid, l.total_fees, l.total_refunded, l.balance, l.earned
            )
        })?;
        ensure(
            l.balance <= l.total_deposited && l.carry < Decimal::one(),
            || format!("escrow: lease {id} out of bounds: {}", json(&l)),
        )?;
        // Never streamed past the provider's heartbeat deadline (its latest proof of life plus
        // the missed intervals), nor past a standing monitor-attested failure.
        if l.status == LeaseStatus::Active {
            let window = heartbeat_timeout.saturating_mul(rollover_escrow::MISSED_INTERVALS);
            ensure(
                l.settled_height <= l.last_heartbeat.saturating_add(window),
                || {
                    format!(
                        "escrow: lease {id} streamed to {} past its provider's heartbeat deadline {}",
                        l.settled_height,
                        l.last_heartbeat + window
                    )
                },
            )?;
            if let Some(f) = l.failure.as_ref().filter(|f| f.reporter == w.roles.monitor) {
                ensure(l.settled_height <= f.height.max(l.provider_since), || {
                    format!(
                        "escrow: lease {id} streamed to {} past its attested failure at {}",
                        l.settled_height, f.height
                    )
                })?;
            }
        }
        if l.status == LeaseStatus::Closed {
            ensure(
                l.balance.is_zero() && l.earned.is_zero() && l.bond.is_zero(),
                || format!("escrow: closed lease {id} still holds funds: {}", json(&l)),
            )?;
        }
        let i = denoms
            .iter()
            .position(|d| *d == l.denom)
            .ok_or_else(|| format!("escrow: lease {id} in unaccepted denom {}", l.denom))?;
        held[i] += (l.balance + l.earned + l.bond).u128();
        fees[i] += l.total_fees.u128();
    }
    for (i, denom) in denoms.iter().enumerate() {
        let prefunded: u128 = w.users.iter().map(|u| prefunded(w, u, denom)).sum();
        let bank = w.bank(escrow, denom);
        ensure(bank == held[i] + prefunded, || {
            format!(
                "escrow: bank holds {bank} {denom}; leases and bonds hold {}, prefunded balances {prefunded}",
                held[i]
            )
        })?;
        let seen = w.ghost.escrow_fees.get(*denom).copied().unwrap_or_default();
        ensure(fees[i] == seen, || {
            format!(
                "escrow: leases recorded {} {denom} of fees, withdrawals reported {seen}",
                fees[i]
            )
        })?;
    }
    Ok(())
}
