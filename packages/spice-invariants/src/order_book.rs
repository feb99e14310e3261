//! order-book: standing orders with deposits, provider offers (audited providers only), amends,
//! cancels, pair fills, keeper matching with a bounty, expiry — leases open in the escrow.
//!
//! Invariants:
//! - after every step, per denom: the book's bank balance is the sum of its open orders'
//!   deposits, and also what tenants paid in minus refunds and what fills moved out (ghost,
//!   from message funds and `cancel_order` / `expire_order` / `fill` events); an order that is
//!   not open holds nothing; an open order holds at least the runway its remaining replicas
//!   need;
//! - at every fill (checked when it happens, from the `fill` events and the leases they open):
//!   the price per replica is the offer's ask, never above the order's max price and never below
//!   the offer's ask; the lease opened is at that price with that deposit, and its backups are
//!   priced within the order's max too; a fill the escrow refused (`fill_failed`) opened no
//!   lease and put everything back;
//! - who is paid: unless the tenant picked the offer itself, the offer a fill pays is the best
//!   usable one that had arrived before the order: no compatible offer (same book, spec met,
//!   another provider than the tenant) ahead of it in price-time priority and older than the
//!   order is still open after the step; no lease ever names its tenant as provider or backup;
//! - every coin the book holds is on its books: its bank balance per denom is the open orders'
//!   deposits plus the open offers' deposits;
//! - liveness: `Drain` runs `match_orders` until the queue is empty, at most `DRAIN_CALLS`
//!   times; the queue must empty within that bound, and afterwards no open, live order crosses
//!   an open, live, usable offer (a matchable pair left unmatched).
//!
//! Hostile actors: a provider that is also a tenant (`SelfCross`), Sybil offers that no order
//! can use posted ahead of the usable ones (`Sybil`), keepers calling with dust limits (`Match`
//! with limit 0 or 1), and offers posted without, or with the wrong, deposit.

use cosmwasm_std::{coin, Addr, Coin, Decimal, Uint128};
use order_book::msg::{ExecuteMsg, OffersResponse, OrdersResponse, QueryMsg};
use order_book::spec::{mismatch, Attribute, Capacity, Gpu, OrderSpec, Resources, SignedBy};
use order_book::state::{Offer, OfferStatus, Order, OrderStatus};
use proptest_derive::Arbitrary as PropArbitrary;
use spice_suite::{AKT_DENOM, OSMO_DENOM, USDC_DENOM};

use crate::common::{Amount, Caller, Pick, Price, Prov, Time, User};
use crate::world::{ensure, funds, Step, World};

/// Blocks of runway every order's deposit must pay at its max price (the deployment's).
pub const MIN_RUNWAY_BLOCKS: u64 = 14_400;
/// The offer deposit the model's book charges (1 AKT), on top of the registry's audit.
pub const OFFER_DEPOSIT: u128 = 1_000_000;
/// `match_orders` calls within which `Drain` must empty the queue.
pub const DRAIN_CALLS: usize = 30;

pub fn offer_deposit() -> Coin {
    coin(OFFER_DEPOSIT, AKT_DENOM)
}

/// The model's book charges an offer deposit (the deployed suite relies on its registry alone).
pub fn setup(w: &mut World) {
    let owner = w.roles.owner.clone();
    let book = w.suite.order_book.address.clone();
    cw_multi_test::Executor::execute_contract(
        &mut w.app,
        owner,
        book,
        &ExecuteMsg::UpdateConfig(order_book::msg::ConfigUpdate {
            offer_deposit: Some(offer_deposit()),
            ..Default::default()
        }),
        &[],
    )
    .expect("setup: the book's offer deposit");
}

/// What a `post_offer` attaches.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferPay {
    #[proptest(weight = 6)]
    Deposit,
    /// Refused.
    Nothing,
    /// One unit short: refused.
    Short,
}

impl OfferPay {
    fn funds(self) -> Vec<Coin> {
        match self {
            OfferPay::Deposit => vec![offer_deposit()],
            OfferPay::Nothing => vec![],
            OfferPay::Short => vec![coin(OFFER_DEPOSIT - 1, AKT_DENOM)],
        }
    }
}
const GIB: u64 = 1 << 30;

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookDenom {
    #[proptest(weight = 4)]
    Akt,
    Usdc,
    /// Not accepted by the book.
    Osmo,
}

impl BookDenom {
    pub fn denom(self) -> &'static str {
        match self {
            BookDenom::Akt => AKT_DENOM,
            BookDenom::Usdc => USDC_DENOM,
            BookDenom::Osmo => OSMO_DENOM,
        }
    }
}

/// What an order asks for per replica.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecKind {
    /// 1 CPU, 1 GiB, 8 GiB storage, anywhere.
    #[proptest(weight = 3)]
    Basic,
    /// 4 CPU, 8 GiB, 64 GiB and an `a1*` NVIDIA GPU in `us-*`.
    Gpu,
    /// Basic, from a provider the auditor vouches for.
    Signed,
}

/// What an offer sells per unit.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapKind {
    #[proptest(weight = 3)]
    Basic,
    Gpu,
    /// Basic capacity in `eu-west` (no GPU order matches it).
    Eu,
}

/// An order's deposit: exactly the runway it needs, one unit short (refused), or more.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deposit {
    #[proptest(weight = 3)]
    Exact,
    Short,
    #[proptest(weight = 2)]
    Extra(Amount),
}

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Debug)]
pub enum OrderBookAction {
    #[proptest(weight = 5)]
    Place {
        tenant: User,
        spec: SpecKind,
        price: Price,
        denom: BookDenom,
        /// 0 (refused), 1–4, or 33 (above the maximum).
        replicas: u8,
        deposit: Deposit,
        /// Expires this many blocks from now (0: already expired, refused).
        expires_in: Option<u8>,
    },
    #[proptest(weight = 2)]
    Amend {
        /// `None`: the order's tenant.
        by: Option<User>,
        order: Pick,
        price: Option<Price>,
        replicas: Option<u8>,
        top_up: Amount,
        expires_in: Option<u8>,
    },
    #[proptest(weight = 2)]
    Cancel {
        by: Option<User>,
        order: Pick,
    },
    #[proptest(weight = 5)]
    Post {
        provider: Prov,
        capacity: CapKind,
        price: Price,
        denom: BookDenom,
        /// 0 (refused) to 255 units.
        units: u8,
        expires_in: Option<u8>,
        pay: OfferPay,
    },
    /// A provider that is also a tenant: it offers capacity and orders the same capacity at
    /// the same price, so its own order and offer cross.
    SelfCross {
        provider: Prov,
        price: Price,
    },
    /// `count` cheap offers no order can use (eu-west capacity) from one provider, ahead of
    /// the usable ones.
    Sybil {
        provider: Prov,
        count: u8,
    },
    /// The keeper runs `match_orders` until the queue is empty; it must empty within
    /// `DRAIN_CALLS` calls and leave no matchable pair behind.
    #[proptest(weight = 2)]
    Drain,
    WithdrawOffer {
        by: Option<Prov>,
        offer: Pick,
    },
    /// The order's tenant (or the offer's provider) fills this pair.
    #[proptest(weight = 2)]
    FillPair {
        by_tenant: bool,
        order: Pick,
        offer: Pick,
    },
    #[proptest(weight = 2)]
    FillAny {
        keeper: User,
        order: Pick,
    },
    #[proptest(weight = 4)]
    Match {
        keeper: User,
        limit: u8,
    },
    Expire {
        keeper: User,
        limit: u8,
    },
    Pause {
        caller: Caller,
    },
    Unpause {
        caller: Caller,
    },
    /// Feeds it: the auditor (re)audits a provider in the registry the book asks.
    Audit {
        provider: Prov,
        tier: u8,
    },
    #[proptest(weight = 2)]
    Advance(Time),
}

fn resources(kind: SpecKind) -> Resources {
    match kind {
        SpecKind::Basic | SpecKind::Signed => Resources {
            cpu_millis: 1_000,
            memory_bytes: GIB,
            storage_bytes: 8 * GIB,
            gpu: Gpu::default(),
        },
        SpecKind::Gpu => Resources {
            cpu_millis: 4_000,
            memory_bytes: 8 * GIB,
            storage_bytes: 64 * GIB,
            gpu: Gpu {
                units: 1,
                vendor: Some("nvidia".into()),
                model: Some("a1*".into()),
            },
        },
    }
}

pub fn order_spec(w: &World, kind: SpecKind) -> OrderSpec {
    OrderSpec {
        resources: resources(kind),
        region: (kind == SpecKind::Gpu).then(|| "us-*".to_string()),
        attributes: vec![],
        signed_by: SignedBy {
            any_of: if kind == SpecKind::Signed {
                vec![w.roles.auditor.to_string()]
            } else {
                vec![]
            },
            all_of: vec![],
        },
    }
}

pub fn capacity(kind: CapKind) -> Capacity {
    let mut resources = resources(if kind == CapKind::Gpu {
        SpecKind::Gpu
    } else {
        SpecKind::Basic
    });
    resources.gpu.model = resources.gpu.model.map(|_| "a100".to_string());
    Capacity {
        resources,
        region: Some(
            if kind == CapKind::Eu {
                "eu-west"
            } else {
                "us-west"
            }
            .into(),
        ),
        attributes: vec![Attribute {
            key: "tier".into(),
            value: "datacenter".into(),
        }],
    }
}

fn replicas(r: u8) -> u32 {
    [0, 1, 1, 2, 2, 3, 4, 33][usize::from(r % 8)]
}

/// `max(⌈runway × price × replicas⌉, replicas)`, saturating (a huge price needs more than exists).
pub fn needed(price: Decimal, replicas: u32) -> u128 {
    Uint128::from(MIN_RUNWAY_BLOCKS * u64::from(replicas))
        .checked_mul_ceil(price)
        .map(|u| u.u128())
        .unwrap_or(u128::MAX)
        .max(u128::from(replicas))
}

pub fn order(w: &World, id: u64) -> Option<Order> {
    w.try_query(
        &w.suite.order_book.address,
        &QueryMsg::Order { order_id: id },
    )
}

pub fn offer(w: &World, id: u64) -> Option<Offer> {
    w.try_query(
        &w.suite.order_book.address,
        &QueryMsg::Offer { offer_id: id },
    )
}

fn expiry(w: &World, blocks: Option<u8>) -> Option<u64> {
    blocks.map(|b| w.app.block_info().height + u64::from(b))
}

/// A tenant's standing order at `price` and a provider's offer at the same price, matched by a
/// keeper: the order book opens a lease in the escrow.
pub fn quick_fill(w: &mut World, tenant: User, provider: Prov, price: Price) -> Step {
    let book = w.suite.order_book.address.clone();
    let tenant = w.user(tenant);
    let p = price.decimal();
    let deposit = needed(p, 1);
    if deposit > w.bank(&tenant, AKT_DENOM) {
        return Ok(());
    }
    let place = ExecuteMsg::PlaceOrder {
        spec: order_spec(w, SpecKind::Basic),
        max_price_per_block: p,
        denom: AKT_DENOM.into(),
        expires_at: None,
        replicas: 1,
    };
    if w.exec(&tenant, &book, &place, &funds(deposit, AKT_DENOM))?
        .is_none()
    {
        return Ok(());
    }
    let prov = w.provider(provider);
    let post = ExecuteMsg::PostOffer {
        spec_capacity: capacity(CapKind::Basic),
        price_per_block: p,
        denom: AKT_DENOM.into(),
        units: 1,
        expires_at: None,
    };
    w.exec(&prov, &book, &post, &[offer_deposit()])?;
    let keeper = w.keeper.clone();
    w.exec(
        &keeper,
        &book,
        &ExecuteMsg::MatchOrders { limit: Some(10) },
        &[],
    )?;
    Ok(())
}

pub fn apply(w: &mut World, a: &OrderBookAction) -> Step {
    let book = w.suite.order_book.address.clone();
    let (orders, offers) = (w.ghost.orders_placed, w.ghost.offers_posted);
    match *a {
        OrderBookAction::Place {
            tenant,
            spec,
            price,
            denom,
            replicas: r,
            deposit,
            expires_in,
        } => {
            let tenant = w.user(tenant);
            let n = replicas(r);
            let need = needed(price.decimal(), n);
            let amount = match deposit {
                Deposit::Exact => need,
                Deposit::Short => need.saturating_sub(1),
                Deposit::Extra(x) => need.saturating_add(x.resolve(1_000_000)),
            };
            let msg = ExecuteMsg::PlaceOrder {
                spec: order_spec(w, spec),
                max_price_per_block: price.decimal(),
                denom: denom.denom().into(),
                expires_at: expiry(w, expires_in),
                replicas: n,
            };
            w.exec(&tenant, &book, &msg, &funds(amount, denom.denom()))?;
        }
        OrderBookAction::Amend {
            by,
            order: p,
            price,
            replicas: r,
            top_up,
            expires_in,
        } => {
            let id = p.id(orders);
            let o = order(w, id);
            let by = by
                .map(|u| w.user(u))
                .or_else(|| o.as_ref().map(|o| o.tenant.clone()))
                .unwrap_or_else(|| w.users[0].clone());
            let denom = o
                .as_ref()
                .map_or(AKT_DENOM.to_string(), |o| o.denom.clone());
            let amount = top_up.resolve(w.bank(&by, &denom)).min(1_000_000_000_000);
            let msg = ExecuteMsg::AmendOrder {
                order_id: id,
                max_price_per_block: price.map(Price::decimal),
                expires_at: expiry(w, expires_in),
                replicas: r.map(replicas),
            };
            w.exec(&by, &book, &msg, &funds(amount, &denom))?;
        }
        OrderBookAction::Cancel { by, order: p } => {
            let id = p.id(orders);
            let by = by
                .map(|u| w.user(u))
                .or_else(|| order(w, id).map(|o| o.tenant))
                .unwrap_or_else(|| w.users[0].clone());
            w.exec(&by, &book, &ExecuteMsg::CancelOrder { order_id: id }, &[])?;
        }
        OrderBookAction::Post {
            provider,
            capacity: kind,
            price,
            denom,
            units,
            expires_in,
            pay,
        } => {
            let prov = w.provider(provider);
            let msg = ExecuteMsg::PostOffer {
                spec_capacity: capacity(kind),
                price_per_block: price.decimal(),
                denom: denom.denom().into(),
                units: u32::from(units % 6),
                expires_at: expiry(w, expires_in),
            };
            w.exec(&prov, &book, &msg, &pay.funds())?;
        }
        OrderBookAction::SelfCross { provider, price } => {
            let prov = w.provider(provider);
            let p = price.decimal();
            let post = ExecuteMsg::PostOffer {
                spec_capacity: capacity(CapKind::Basic),
                price_per_block: p,
                denom: AKT_DENOM.into(),
                units: 1,
                expires_at: None,
            };
            w.exec(&prov, &book, &post, &[offer_deposit()])?;
            let place = ExecuteMsg::PlaceOrder {
                spec: order_spec(w, SpecKind::Basic),
                max_price_per_block: p,
                denom: AKT_DENOM.into(),
                expires_at: None,
                replicas: 1,
            };
            let deposit = needed(p, 1);
            if deposit <= w.bank(&prov, AKT_DENOM) {
                w.exec(&prov, &book, &place, &funds(deposit, AKT_DENOM))?;
            }
        }
        OrderBookAction::Sybil { provider, count } => {
            let prov = w.provider(provider);
            for _ in 0..(count % 12) {
                let post = ExecuteMsg::PostOffer {
                    spec_capacity: capacity(CapKind::Eu),
                    price_per_block: Decimal::from_ratio(1u128, 1_000_000u128),
                    denom: AKT_DENOM.into(),
                    units: 1,
                    expires_at: None,
                };
                w.exec(&prov, &book, &post, &[offer_deposit()])?;
            }
        }
        OrderBookAction::Drain => drain(w)?,
        OrderBookAction::WithdrawOffer { by, offer: p } => {
            let id = p.id(offers);
            let by = by
                .map(|p| w.provider(p))
                .or_else(|| offer(w, id).map(|o| o.provider))
                .unwrap_or_else(|| w.providers[0].clone());
            w.exec(&by, &book, &ExecuteMsg::WithdrawOffer { offer_id: id }, &[])?;
        }
        OrderBookAction::FillPair {
            by_tenant,
            order: po,
            offer: pf,
        } => {
            let (order_id, offer_id) = (po.id(orders), pf.id(offers));
            let by: Addr = if by_tenant {
                order(w, order_id).map(|o| o.tenant)
            } else {
                offer(w, offer_id).map(|o| o.provider)
            }
            .unwrap_or_else(|| w.users[0].clone());
            let msg = ExecuteMsg::FillOrder {
                order_id,
                offer_id: Some(offer_id),
            };
            w.exec(&by, &book, &msg, &[])?;
        }
        OrderBookAction::FillAny { keeper, order: p } => {
            let keeper = w.user(keeper);
            let msg = ExecuteMsg::FillOrder {
                order_id: p.id(orders),
                offer_id: None,
            };
            w.exec(&keeper, &book, &msg, &[])?;
        }
        OrderBookAction::Match { keeper, limit } => {
            let keeper = w.user(keeper);
            let msg = ExecuteMsg::MatchOrders {
                limit: Some(u32::from(limit % 12)),
            };
            w.exec(&keeper, &book, &msg, &[])?;
        }
        OrderBookAction::Expire { keeper, limit } => {
            let keeper = w.user(keeper);
            let msg = ExecuteMsg::ExpireOrders {
                limit: Some(u32::from(limit % 32)),
            };
            w.exec(&keeper, &book, &msg, &[])?;
        }
        OrderBookAction::Pause { caller } => w.pause(&book, caller, true)?,
        OrderBookAction::Unpause { caller } => w.pause(&book, caller, false)?,
        OrderBookAction::Audit { provider, tier } => {
            crate::incentives::audit(w, crate::incentives::Auditor::Auditor, provider, tier)?
        }
        OrderBookAction::Advance(t) => w.advance(t.seconds()),
    }
    Ok(())
}

/// Checks every fill in `res` against the order and offer it paired, and the lease it opened.
pub fn check_fills(w: &World, res: &cw_multi_test::AppResponse) -> Step {
    let fills: Vec<_> = res
        .events
        .iter()
        .filter(|e| e.ty == "wasm-spice.order_book.fill")
        .collect();
    // The leases the book opened (a tenant's own `open_lease` is not a fill).
    let book = w.suite.order_book.address.as_str();
    let leases: Vec<String> = res
        .events
        .iter()
        .filter(|e| e.ty == "wasm-spice.escrow.open_lease")
        .filter(|e| {
            e.attributes
                .iter()
                .any(|a| a.key == "sender" && a.value == book)
        })
        .filter_map(|e| {
            e.attributes
                .iter()
                .find(|a| a.key == "lease_id")
                .map(|a| a.value.clone())
        })
        .collect();
    // A fill whose lease the escrow refused is undone in the book's reply and opens nothing.
    let failed: Vec<(String, String)> = res
        .events
        .iter()
        .filter(|e| e.ty == "wasm-spice.order_book.fill_failed")
        .map(|e| {
            let get = |k: &str| {
                e.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .map(|a| a.value.clone())
                    .unwrap_or_default()
            };
            (get("order_id"), get("offer_id"))
        })
        .collect();
    let fills: Vec<_> = fills
        .into_iter()
        .filter(|f| {
            let get = |k: &str| {
                f.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .map(|a| a.value.clone())
                    .unwrap_or_default()
            };
            !failed.contains(&(get("order_id"), get("offer_id")))
        })
        .collect();
    ensure(fills.len() == leases.len(), || {
        format!("{} fills opened {} leases", fills.len(), leases.len())
    })?;
    let tenant_picked = tenant_picked(res);
    for (fill, lease_id) in fills.iter().zip(leases) {
        let get = |k: &str| {
            fill.attributes
                .iter()
                .find(|a| a.key == k)
                .map(|a| a.value.clone())
                .ok_or_else(|| format!("fill event without {k}"))
        };
        let parse_u = |k: &str| -> Result<u128, String> {
            get(k)?
                .parse::<u128>()
                .map_err(|e| format!("fill {k}: {e}"))
        };
        let order_id = parse_u("order_id")? as u64;
        let offer_id = parse_u("offer_id")? as u64;
        let n = parse_u("replicas")?;
        let price: Decimal = get("price_per_block")?
            .parse()
            .map_err(|e| format!("fill price: {e}"))?;
        let o = order(w, order_id).ok_or("a filled order disappeared")?;
        let f = offer(w, offer_id).ok_or("a filled offer disappeared")?;
        let per = |p: Decimal| {
            p.checked_mul(Decimal::from_ratio(n, 1u128))
                .unwrap_or(Decimal::MAX)
        };
        ensure(
            n >= 1 && price <= per(o.max_price_per_block) && price >= per(f.price_per_block),
            || {
                format!(
                    "fill of order {order_id} (max {}) with offer {offer_id} (ask {}) for {n} replicas at {price}",
                    o.max_price_per_block, f.price_per_block
                )
            },
        )?;
        let lease_id: u64 = lease_id.parse().map_err(|e| format!("lease id: {e}"))?;
        let l = crate::escrow::lease(w, lease_id).ok_or("a fill's lease is missing")?;
        let deposit = parse_u("deposit")?;
        ensure(
            l.order_id == Some(order_id)
                && l.tenant == o.tenant
                && l.provider == f.provider
                && l.history.is_empty()
                && l.total_deposited.u128() == deposit,
            || format!("fill of order {order_id} opened the wrong lease {lease_id}: {l:?}"),
        )?;
        ensure(
            l.provider != l.tenant && l.backups.iter().all(|b| b.provider != l.tenant),
            || format!("lease {lease_id} names its tenant as provider or backup: {l:?}"),
        )?;
        if !tenant_picked {
            who_is_paid(w, &o, &f)?;
        }
        for b in &l.backups {
            ensure(b.price_per_block <= per(o.max_price_per_block), || {
                format!(
                    "lease {lease_id} for order {order_id} (max {} × {n}) has a backup at {}",
                    o.max_price_per_block, b.price_per_block
                )
            })?;
        }
    }
    Ok(())
}

/// Whether `res` is the tenant's own `fill_order` with an explicit offer (its choice to pay
/// that provider).
fn tenant_picked(res: &cw_multi_test::AppResponse) -> bool {
    res.events
        .iter()
        .filter(|e| e.ty == "wasm-spice.order_book.fill_order")
        .any(|e| {
            let get = |k: &str| {
                e.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .map(|a| a.value.clone())
                    .unwrap_or_default()
            };
            get("picked_by_tenant") == "true"
        })
}

/// Whether `offer` can serve `order` now as the book and the escrow see it (auditors aside:
/// orders with `signed_by` are left out of the checks that use this).
fn usable(w: &World, order: &Order, offer: &Offer) -> bool {
    let height = w.app.block_info().height;
    let live = |at: Option<u64>| at.is_none_or(|at| height < at);
    order.status == OrderStatus::Open
        && offer.status == OfferStatus::Open
        && live(order.expires_at)
        && live(offer.expires_at)
        && order.resource_class == offer.resource_class
        && order.denom == offer.denom
        && offer.price_per_block <= order.max_price_per_block
        && order.tenant != offer.provider
        && order.spec.signed_by.any_of.is_empty()
        && order.spec.signed_by.all_of.is_empty()
        && mismatch(&order.spec, &offer.capacity).is_none()
}

/// Price-time priority: no compatible offer that had arrived before the order and rests
/// ahead of the paid offer (cheaper, or as cheap and earlier) is still open after the step.
fn who_is_paid(w: &World, order: &Order, paid: &Offer) -> Step {
    if !order.spec.signed_by.any_of.is_empty() || !order.spec.signed_by.all_of.is_empty() {
        return Ok(());
    }
    // The order as it was when matched: open, with the replicas this step took.
    let mut before = order.clone();
    before.status = OrderStatus::Open;
    for g in all_offers(w) {
        let ahead = (g.price_per_block, g.seq) < (paid.price_per_block, paid.seq);
        if g.id != paid.id && ahead && g.seq < order.seq && usable(w, &before, &g) {
            return Err(format!(
                "order {} paid offer {} at {} while offer {} at {} (older than the order) rests \
                 ahead of it",
                order.id, paid.id, paid.price_per_block, g.id, g.price_per_block
            ));
        }
    }
    Ok(())
}

/// The keeper runs `match_orders` until a call finds the queue empty (at most `DRAIN_CALLS`
/// calls); then no open, live order may cross an open, live, usable offer.
fn drain(w: &mut World) -> Step {
    let book = w.suite.order_book.address.clone();
    let paused: spice_governance::PauseInfoResponse = w.query(&book, &QueryMsg::PauseInfo {});
    if paused.paused {
        return Ok(());
    }
    let keeper = w.keeper.clone();
    let mut drained = false;
    for _ in 0..DRAIN_CALLS {
        let res = w
            .exec(
                &keeper,
                &book,
                &ExecuteMsg::MatchOrders { limit: Some(10) },
                &[],
            )?
            .ok_or("the book refused match_orders while not paused")?;
        let processed = crate::world::attr(&res, "spice.order_book.match_orders", "processed");
        if processed.as_deref() == Some("0") {
            drained = true;
            break;
        }
    }
    ensure(drained, || {
        format!("the book's queue did not drain within {DRAIN_CALLS} match_orders calls")
    })?;
    let offers = all_offers(w);
    for o in all_orders(w) {
        if let Some(g) = offers.iter().find(|g| usable(w, &o, g)) {
            return Err(format!(
                "liveness: the queue drained but order {} (max {}) and offer {} (ask {}) still \
                 cross",
                o.id, o.max_price_per_block, g.id, g.price_per_block
            ));
        }
    }
    Ok(())
}

pub fn all_offers(w: &World) -> Vec<Offer> {
    let mut out: Vec<Offer> = vec![];
    loop {
        let page: OffersResponse = w.query(
            &w.suite.order_book.address,
            &QueryMsg::Offers {
                provider: None,
                start_after: out.last().map(|o| o.id),
                limit: Some(30),
            },
        );
        let done = page.offers.len() < 30;
        out.extend(page.offers);
        if done {
            return out;
        }
    }
}

fn all_orders(w: &World) -> Vec<Order> {
    let mut out: Vec<Order> = vec![];
    loop {
        let page: OrdersResponse = w.query(
            &w.suite.order_book.address,
            &QueryMsg::Orders {
                tenant: None,
                status: None,
                start_after: out.last().map(|o| o.id),
                limit: Some(30),
            },
        );
        let done = page.orders.len() < 30;
        out.extend(page.orders);
        if done {
            return out;
        }
    }
}

pub fn check(w: &World) -> Step {
    let orders = all_orders(w);
    ensure(orders.len() as u64 == w.ghost.orders_placed, || {
        format!(
            "book: {} orders listed, {} placed",
            orders.len(),
            w.ghost.orders_placed
        )
    })?;
    let offers = all_offers(w);
    ensure(offers.len() as u64 == w.ghost.offers_posted, || {
        format!(
            "book: {} offers listed, {} posted",
            offers.len(),
            w.ghost.offers_posted
        )
    })?;
    for denom in [AKT_DENOM, USDC_DENOM] {
        let open: u128 = orders
            .iter()
            .filter(|o| o.status == OrderStatus::Open && o.denom == denom)
            .map(|o| o.deposit.u128())
            .sum();
        // Offer deposits: held exactly while the offer is open.
        let offer_held: u128 = offers
            .iter()
            .filter_map(|f| f.deposit.as_ref())
            .filter(|d| d.denom == denom)
            .map(|d| d.amount.u128())
            .sum();
        let bank = w.bank(&w.suite.order_book.address, denom);
        let ghost = w.ghost.book_held.get(denom).copied().unwrap_or_default();
        ensure(
            bank == open + offer_held && i128::try_from(bank).ok() == Some(ghost),
            || {
                format!(
                    "book: holds {bank} {denom}, open orders' deposits sum to {open} and open \
                 offers' to {offer_held}, paid in net {ghost}"
                )
            },
        )?;
    }
    for f in &offers {
        ensure(
            (f.status == OfferStatus::Open) == f.deposit.is_some(),
            || {
                format!(
                    "book: {:?} offer {} holds deposit {:?}",
                    f.status, f.id, f.deposit
                )
            },
        )?;
    }
    for o in &orders {
        if o.status == OrderStatus::Open {
            let need = needed(o.max_price_per_block, o.remaining());
            ensure(o.deposit.u128() >= need, || {
                format!(
                    "book: open order {} holds {} for {} replicas, needs {need}",
                    o.id,
                    o.deposit,
                    o.remaining()
                )
            })?;
        } else {
            ensure(o.deposit.is_zero(), || {
                format!(
                    "book: {:?} order {} still holds {}",
                    o.status, o.id, o.deposit
                )
            })?;
        }
    }
    Ok(())
}
