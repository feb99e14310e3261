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
//!   priced within the order's max too.

use cosmwasm_std::{Addr, Decimal, Uint128};
use order_book::msg::{ExecuteMsg, OrdersResponse, QueryMsg};
use order_book::spec::{Attribute, Capacity, Gpu, OrderSpec, Resources, SignedBy};
use order_book::state::{Offer, Order, OrderStatus};
use proptest_derive::Arbitrary as PropArbitrary;
use spice_suite::{AKT_DENOM, OSMO_DENOM, USDC_DENOM};

use crate::common::{Amount, Caller, Pick, Price, Prov, Time, User};
use crate::world::{ensure, funds, Step, World};

/// Blocks of runway every order's deposit must pay at its max price (the deployment's).
pub const MIN_RUNWAY_BLOCKS: u64 = 14_400;
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
    },
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
    w.exec(&prov, &book, &post, &[])?;
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
        } => {
            let prov = w.provider(provider);
            let msg = ExecuteMsg::PostOffer {
                spec_capacity: capacity(kind),
                price_per_block: price.decimal(),
                denom: denom.denom().into(),
                units: u32::from(units % 6),
                expires_at: expiry(w, expires_in),
            };
            w.exec(&prov, &book, &msg, &[])?;
        }
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
    ensure(fills.len() == leases.len(), || {
        format!("{} fills opened {} leases", fills.len(), leases.len())
    })?;
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
    for denom in [AKT_DENOM, USDC_DENOM] {
        let open: u128 = orders
            .iter()
            .filter(|o| o.status == OrderStatus::Open && o.denom == denom)
            .map(|o| o.deposit.u128())
            .sum();
        let bank = w.bank(&w.suite.order_book.address, denom);
        let ghost = w.ghost.book_held.get(denom).copied().unwrap_or_default();
        ensure(
            bank == open && i128::try_from(bank).ok() == Some(ghost),
            || {
                format!(
                    "book: holds {bank} {denom}, open orders' deposits sum to {open}, \
                 tenants paid in net {ghost}"
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
