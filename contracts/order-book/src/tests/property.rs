//! Deposit conservation over random sequences of book operations.

use cosmwasm_std::{coins, Addr};
use proptest::prelude::*;

use super::suite::*;
use crate::msg::ExecuteMsg;
use crate::state::{Order, OrderStatus};

#[derive(Debug, Clone)]
enum Op {
    Place {
        tenant: usize,
        price_tenths: u64,
        replicas: u32,
        extra: u128,
        expires: Option<u64>,
    },
    Post {
        provider: usize,
        price_tenths: u64,
        units: u32,
        us: bool,
        expires: Option<u64>,
    },
    Cancel {
        order: u64,
    },
    Withdraw {
        offer: u64,
    },
    Amend {
        order: u64,
        price_tenths: Option<u64>,
        replicas: Option<u32>,
        top_up: u128,
    },
    Match {
        limit: u32,
    },
    FillAny {
        order: u64,
    },
    FillPair {
        order: u64,
        offer: u64,
    },
    Expire {
        limit: u32,
    },
    Advance {
        blocks: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let expires = proptest::option::of(1u64..30);
    prop_oneof![
        3 => (0usize..2, 1u64..30, 1u32..4, 0u128..500, expires.clone()).prop_map(
            |(tenant, price_tenths, replicas, extra, expires)| Op::Place {
                tenant, price_tenths, replicas, extra, expires
            }
        ),
        3 => (0usize..4, 1u64..30, 1u32..4, any::<bool>(), expires).prop_map(
            |(provider, price_tenths, units, us, expires)| Op::Post {
                provider, price_tenths, units, us, expires
            }
        ),
        1 => (1u64..12).prop_map(|order| Op::Cancel { order }),
        1 => (1u64..12).prop_map(|offer| Op::Withdraw { offer }),
        1 => (1u64..12, proptest::option::of(1u64..30), proptest::option::of(1u32..5), 0u128..600)
            .prop_map(|(order, price_tenths, replicas, top_up)| Op::Amend {
                order, price_tenths, replicas, top_up
            }),
        3 => (1u32..12).prop_map(|limit| Op::Match { limit }),
        1 => (1u64..12).prop_map(|order| Op::FillAny { order }),
        1 => (1u64..12, 1u64..12).prop_map(|(order, offer)| Op::FillPair { order, offer }),
        1 => (1u32..12).prop_map(|limit| Op::Expire { limit }),
        1 => (1u64..20).prop_map(|blocks| Op::Advance { blocks }),
    ]
}

fn price(tenths: u64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

fn all_orders(s: &Suite) -> Vec<Order> {
    let mut out: Vec<Order> = vec![];
    loop {
        let page = s.orders(None, None, out.last().map(|o| o.id), Some(30));
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

fn run(s: &mut Suite, tenants: &[Addr], op: Op) {
    let h = s.height();
    // Failures (bad amend, nothing to fill, wrong sender…) are part of the random walk: a
    // refused message must leave every balance untouched, which the checks below confirm.
    let _ = match op {
        Op::Place {
            tenant,
            price_tenths,
            replicas,
            extra,
            expires,
        } => {
            let p = price(price_tenths);
            let deposit = s.needed(&p, replicas) + extra;
            let msg = ExecuteMsg::PlaceOrder {
                spec: spec(),
                max_price_per_block: dec(&p),
                denom: AKT.into(),
                expires_at: expires.map(|e| h + e),
                replicas,
            };
            s.exec(&tenants[tenant], &msg, &coins(deposit, AKT))
        }
        Op::Post {
            provider,
            price_tenths,
            units,
            us,
            expires,
        } => {
            let msg = ExecuteMsg::PostOffer {
                spec_capacity: capacity(if us { "us-west" } else { "eu-west" }),
                price_per_block: dec(&price(price_tenths)),
                denom: AKT.into(),
                units,
                expires_at: expires.map(|e| h + e),
            };
            let p = s.p(provider);
            s.exec(&p, &msg, &[])
        }
        Op::Cancel { order } => {
            let owner = tenants[(order % 2) as usize].clone();
            s.exec(&owner, &ExecuteMsg::CancelOrder { order_id: order }, &[])
        }
        Op::Withdraw { offer } => {
            let p = s.p((offer % 4) as usize);
            s.exec(&p, &ExecuteMsg::WithdrawOffer { offer_id: offer }, &[])
        }
        Op::Amend {
            order,
            price_tenths,
            replicas,
            top_up,
        } => {
            let owner = tenants[(order % 2) as usize].clone();
            let msg = ExecuteMsg::AmendOrder {
                order_id: order,
                max_price_per_block: price_tenths.map(|t| dec(&price(t))),
                expires_at: None,
                replicas,
            };
            let funds = if top_up == 0 {
                vec![]
            } else {
                coins(top_up, AKT)
            };
            s.exec(&owner, &msg, &funds)
        }
        Op::Match { limit } => {
            let k = s.keeper.clone();
            s.exec(&k, &ExecuteMsg::MatchOrders { limit: Some(limit) }, &[])
        }
        Op::FillAny { order } => {
            let k = s.keeper.clone();
            s.fill(&k, order, None)
        }
        Op::FillPair { order, offer } => {
            let owner = tenants[(order % 2) as usize].clone();
            s.fill(&owner, order, Some(offer))
        }
        Op::Expire { limit } => s.expire(Some(limit)),
        Op::Advance { blocks } => {
            s.advance(blocks);
            Ok(Default::default())
        }
    };
}

proptest! {

    /// Whatever tenants, providers and keepers do, in any order:
    /// - the book holds exactly the deposits of its open orders (never more, never less);
    /// - every other unit a tenant paid in went either to the escrow, attached to an
    ///   `open_lease`, to the keeper as bounty, or back to the tenant (nothing is created or
    ///   lost);
    /// - every open order still holds at least its runway for the replicas it still wants;
    /// - a filled order holds nothing.
    #[test]
    fn deposits_are_conserved(ops in proptest::collection::vec(op(), 1..30)) {
        let mut s = Suite::with(|m| m.keeper_bounty_bps = Some(50));
        let tenants = vec![s.tenant.clone(), s.tenant2.clone()];
        let keeper = s.keeper.clone();
        let total_before: u128 = tenants.iter().map(|t| s.balance(t, AKT)).sum::<u128>()
            + s.balance(&keeper, AKT);
        for op in ops {
            run(&mut s, &tenants, op);
            let orders = all_orders(&s);
            let held: u128 = orders
                .iter()
                .filter(|o| o.status == OrderStatus::Open)
                .map(|o| o.deposit.u128())
                .sum();
            prop_assert_eq!(s.balance(&s.book, AKT), held);
            prop_assert!(orders
                .iter()
                .filter(|o| o.status != OrderStatus::Open)
                .all(|o| o.deposit.is_zero()));
            for o in orders.iter().filter(|o| o.status == OrderStatus::Open) {
                let p = o.max_price_per_block.to_string();
                prop_assert!(o.deposit.u128() >= s.needed(&p, o.remaining()));
            }
            let leased: u128 = s
                .leases()
                .iter()
                .flat_map(|l| l.funds.iter())
                .map(|c| c.amount.u128())
                .sum();
            prop_assert_eq!(s.balance(&s.escrow, AKT), leased);
            let total_after: u128 = tenants.iter().map(|t| s.balance(t, AKT)).sum::<u128>()
                + s.balance(&keeper, AKT)
                + held
                + leased;
            prop_assert_eq!(total_after, total_before);
        }
    }
}
