//! keeper_work: a step is listed ready exactly when its call succeeds now, paying the listed
//! bounty; a step with work pending but refused is listed waiting with the call's own error.

use super::suite::*;
use crate::msg::{ExecuteMsg, KeeperWorkResponse, QueryMsg};

const DEPOSIT: u128 = 1_000_000_000;

fn work(s: &Suite, start_after: Option<&str>, limit: Option<u32>) -> KeeperWorkResponse {
    s.query(&QueryMsg::KeeperWork {
        start_after: start_after.map(str::to_string),
        limit,
    })
}

fn steps() -> Vec<ExecuteMsg> {
    let convert = |d: &str| ExecuteMsg::Convert {
        denom: Some(d.into()),
        limit: None,
    };
    vec![
        ExecuteMsg::Harvest {},
        ExecuteMsg::Stake {},
        convert(OSMO),
        convert(USDC),
        ExecuteMsg::Stake {},
        ExecuteMsg::BeginSunsetUnbond {},
        ExecuteMsg::RouteSunsetPrincipal {},
        ExecuteMsg::ForwardProceeds { denom: OSMO.into() },
    ]
}

/// Sends every step in turn, asking the query before each: a listed step must succeed and pay
/// its listed bounty, an unlisted one must be refused and pay nothing. Returns the steps that
/// ran.
fn send_all_and_check(s: &mut Suite) -> Vec<ExecuteMsg> {
    let mut ran = vec![];
    for msg in steps() {
        let w = work(s, None, None);
        let listed = w.ready.iter().find(|r| r.msg == msg).cloned();
        let keeper = s.keeper.clone();
        let before: Vec<u128> = [AKT, OSMO, USDC]
            .iter()
            .map(|d| s.balance(&keeper, d))
            .collect();
        let res = s.keeper_exec(&msg);
        let paid: Vec<u128> = [AKT, OSMO, USDC]
            .iter()
            .zip(&before)
            .map(|(d, b)| s.balance(&keeper, d) - b)
            .collect();
        match listed {
            Some(job) => {
                assert!(res.is_ok(), "{msg:?} listed but refused: {res:?}");
                let listed: Vec<u128> = [AKT, OSMO, USDC]
                    .iter()
                    .map(|d| {
                        job.bounty
                            .iter()
                            .find(|c| c.denom == *d)
                            .map_or(0, |c| c.amount.u128())
                    })
                    .collect();
                if msg == (ExecuteMsg::Harvest {}) {
                    // The native strategy's withdrawn rewards add their own bounty on top.
                    assert!(paid.iter().zip(&listed).all(|(p, l)| p >= l), "{paid:?}");
                } else {
                    assert_eq!(paid, listed, "{msg:?}");
                }
                ran.push(msg);
            }
            None => {
                let err = res.expect_err("not listed, so refused");
                assert_eq!(paid, vec![0, 0, 0]);
                // A refusal with work pending is listed waiting with the same error.
                if let Some(wait) = w.waiting.iter().find(|x| x.msg == msg) {
                    assert_eq!(wait.refusal, cerr(&err).to_string());
                }
            }
        }
    }
    ran
}

#[test]
fn keeper_work_lists_a_step_exactly_when_its_call_succeeds_and_pays_that_bounty() {
    let mut s = Suite::native();
    // Nothing to do: nothing listed, and every step is refused.
    let w = work(&s, None, None);
    assert!(w.ready.is_empty() && w.waiting.is_empty(), "{w:?}");
    assert!(send_all_and_check(&mut s).is_empty());

    // Proceeds waiting: convert (with its bounty) and then the stake of what it bought.
    s.deposit(DEPOSIT, OSMO).unwrap();
    let w = work(&s, None, None);
    let convert = ExecuteMsg::Convert {
        denom: Some(OSMO.into()),
        limit: None,
    };
    let job = w.ready.iter().find(|r| r.msg == convert).expect("convert");
    let sim = s.simulate(OSMO);
    assert_eq!(job.bounty, cosmwasm_std::coins(sim.bounty.u128(), OSMO));
    let ran = send_all_and_check(&mut s);
    assert_eq!(ran, vec![convert.clone(), ExecuteMsg::Stake {}]);

    // More proceeds inside the cooldown: convert waits, listed with the call's refusal.
    s.deposit(DEPOSIT, OSMO).unwrap();
    let w = work(&s, None, None);
    assert!(w.ready.iter().all(|r| r.msg != convert));
    assert!(w.waiting.iter().any(|x| x.msg == convert), "{w:?}");
    assert!(send_all_and_check(&mut s).is_empty());
    // Control: after the cooldown it is ready again, and the call pays what it lists.
    s.advance(COOLDOWN);
    let ran = send_all_and_check(&mut s);
    assert!(ran.contains(&convert), "{ran:?}");
}

#[test]
fn keeper_work_pages_the_per_denom_steps() {
    let mut s = Suite::native();
    s.deposit(DEPOSIT, OSMO).unwrap();
    s.deposit(10_000_000, USDC).unwrap();
    let all = work(&s, None, Some(30));
    let converts: Vec<_> = all
        .ready
        .iter()
        .filter(|r| matches!(r.msg, ExecuteMsg::Convert { .. }))
        .collect();
    assert_eq!(converts.len(), 2, "{all:?}");
    // Page by page, the vault-wide steps only on the first.
    let mut seen = vec![];
    let mut start: Option<String> = None;
    for _ in 0..10 {
        let page = work(&s, start.as_deref(), Some(1));
        if start.is_some() {
            assert!(page.ready.iter().all(|r| matches!(
                r.msg,
                ExecuteMsg::Convert { .. } | ExecuteMsg::ForwardProceeds { .. }
            )));
        }
        seen.extend(
            page.ready
                .into_iter()
                .filter(|r| matches!(r.msg, ExecuteMsg::Convert { .. })),
        );
        start = page.next_start_after;
        if start.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 2);
}
