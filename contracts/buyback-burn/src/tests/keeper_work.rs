//! keeper_work: a denom is listed ready exactly when `buyback { denom }` would execute, with the
//! bounty the call then pays; refused denoms are listed waiting with the call's own error.

use super::suite::*;
use crate::msg::{ExecuteMsg, KeeperWorkResponse, QueryMsg};

fn work(s: &Suite, start_after: Option<&str>, limit: Option<u32>) -> KeeperWorkResponse {
    s.query(&QueryMsg::KeeperWork {
        start_after: start_after.map(str::to_string),
        limit,
    })
}

#[test]
fn keeper_work_lists_a_denom_ready_exactly_when_buyback_executes_and_pays_that_bounty() {
    let mut s = Suite::new();
    // Nothing held: nothing listed, and the call is refused.
    let w = work(&s, None, None);
    assert!(w.ready.is_empty() && w.waiting.is_empty(), "{w:?}");
    assert!(s.buyback(AKT, None).is_err());

    s.revenue(100_000_000, AKT);
    let w = work(&s, None, None);
    assert_eq!(w.ready.len(), 1, "{w:?}");
    let job = w.ready[0].clone();
    assert_eq!(job.denom, AKT);
    assert_eq!(
        job.msg,
        ExecuteMsg::Buyback {
            denom: AKT.into(),
            limit: None
        }
    );
    // The same math as simulate_buyback.
    let sim = s.simulate(AKT, None);
    assert_eq!(
        (job.amount_in, job.min_out, job.expected_out, job.bounty),
        (sim.amount_in, sim.min_out, sim.expected_out, sim.bounty)
    );
    assert!(!job.bounty.is_zero());
    let keeper = s.keeper.clone();
    let before = s.balance(&keeper, AKT);
    let res = s.exec(&keeper, &job.msg, &[]).unwrap();
    assert_eq!(
        event_attr(&res, "swap", "amount_in"),
        job.amount_in.to_string()
    );
    assert_eq!(s.balance(&keeper, AKT), before + job.bounty.u128());

    // Revenue again, inside the cooldown: listed waiting with the call's error, not ready.
    s.revenue(100_000_000, AKT);
    let w = work(&s, None, None);
    assert!(w.ready.is_empty(), "{w:?}");
    assert_eq!(w.waiting.len(), 1);
    let err = s.buyback(AKT, None).unwrap_err();
    assert_eq!(w.waiting[0].refusal, cerr(&err).to_string());
    assert!(w.waiting[0].next_allowed_at > s.now());
    assert_eq!(s.balance(&keeper, AKT), before + job.bounty.u128());
    // Control: once the cooldown ends it is ready again, and the call pays what it lists.
    let wait = w.waiting[0].next_allowed_at - s.now();
    s.advance(wait);
    let w = work(&s, None, None);
    assert_eq!(w.ready.len(), 1, "{w:?}");
    s.buyback(AKT, None).unwrap();
    assert_eq!(
        s.balance(&keeper, AKT),
        before + job.bounty.u128() + w.ready[0].bounty.u128()
    );
}

#[test]
fn keeper_work_pages_through_routes_and_leaves_out_empty_denoms() {
    let mut s = Suite::new();
    s.revenue(50_000_000, OSMO);
    // Routes: AKT (ibc/…) then uosmo. A page of one reads AKT, which holds nothing.
    let w = work(&s, None, Some(1));
    assert!(w.ready.is_empty() && w.waiting.is_empty(), "{w:?}");
    assert_eq!(w.next_start_after.as_deref(), Some(AKT));
    let w = work(&s, Some(AKT), Some(1));
    assert_eq!(w.ready.len(), 1);
    assert_eq!(w.ready[0].denom, OSMO);
    assert_eq!(w.next_start_after.as_deref(), Some(OSMO));
    let w = work(&s, Some(OSMO), Some(1));
    assert!(w.ready.is_empty() && w.next_start_after.is_none());
    // The whole list in one page; the limit is capped at 30.
    let w = work(&s, None, Some(1_000));
    assert_eq!(w.ready.len(), 1);
    assert!(w.next_start_after.is_none());
}

#[test]
fn keeper_work_lists_nothing_ready_while_paused() {
    let mut s = Suite::new();
    s.revenue(100_000_000, AKT);
    let guardian = s.guardian.clone();
    s.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();
    let w = work(&s, None, None);
    assert!(w.ready.is_empty());
    assert_eq!(w.waiting.len(), 1);
    let err = s.buyback(AKT, None).unwrap_err();
    assert_eq!(w.waiting[0].refusal, cerr(&err).to_string());
}
