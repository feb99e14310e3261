//! `keeper_work`: one query lists the action each lease needs now, with its bounty, paged off
//! the depletion index; each listed action then succeeds and pays the bounty listed.

use cosmwasm_std::{coin, coins};

use super::suite::{attr, ev, Suite, AKT, GRACE, HEARTBEAT_WINDOW};
use crate::msg::{ExecuteMsg, KeeperWork, KeeperWorkResponse, QueryMsg};
use crate::state::TopUpSource;

fn work(s: &Suite, start_after: Option<(u64, u64)>, limit: Option<u32>) -> KeeperWorkResponse {
    s.query(&QueryMsg::KeeperWork { start_after, limit })
}

#[test]
fn healthy_leases_need_no_work() {
    let mut s = Suite::new();
    s.open_active("1", 1_000, vec![]);
    s.advance_live(100);
    let w = work(&s, None, None);
    assert!(w.items.is_empty(), "{w:?}");
    assert_eq!(w.next, None);
}

#[test]
fn a_top_up_is_listed_with_the_bounty_the_top_up_then_pays() {
    let mut s = Suite::new();
    let (t, k) = (s.tenant.clone(), s.keeper.clone());
    let id = s.open_active("2", 100, vec![]);
    s.exec(&t, &ExecuteMsg::FundBalance {}, &coins(10_000, AKT))
        .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::SetAutoTopUp {
            lease_id: id,
            target_runway_blocks: 200,
            source: TopUpSource::Balance,
        },
        &[],
    )
    .unwrap();
    s.advance(10);
    let w = work(&s, None, None);
    assert_eq!(w.items.len(), 1);
    assert_eq!(w.items[0].lease_id, id);
    assert_eq!(w.items[0].work, KeeperWork::TopUp);
    assert_eq!(w.items[0].bounty, Some(coin(3, AKT)));
    let res = s
        .exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[])
        .unwrap();
    assert_eq!(attr(ev(&res, "spice.escrow.top_up")[0], "bounty"), "3");
    // Done: nothing left to do.
    assert!(work(&s, None, None).items.is_empty());
}

#[test]
fn dry_leases_are_listed_to_settle_then_to_close_after_grace() {
    let mut s = Suite::new();
    let k = s.keeper.clone();
    let id = s.open_active("1", 30, vec![]);
    s.advance_live(40);
    let w = work(&s, None, None);
    assert_eq!(w.items.len(), 1);
    assert_eq!(w.items[0].work, KeeperWork::Settle);
    assert_eq!(w.items[0].bounty, None);
    s.exec(&k, &ExecuteMsg::Settle { lease_id: id }, &[])
        .unwrap();
    // Marked dry, within grace: nothing for a keeper.
    assert!(work(&s, None, None).items.is_empty());
    s.advance(GRACE + 1);
    let w = work(&s, None, None);
    assert_eq!(w.items[0].work, KeeperWork::CloseExpired);
    let res = s
        .exec(&k, &ExecuteMsg::CloseExpired { limit: None }, &[])
        .unwrap();
    assert_eq!(
        attr(ev(&res, "spice.escrow.close_expired")[0], "closed"),
        "1"
    );
    assert!(work(&s, None, None).items.is_empty());
}

#[test]
fn a_failed_provider_is_listed_for_rollover() {
    let mut s = Suite::new();
    let b = s.backup1.clone();
    let id = s.open_active("1", 10_000, vec![super::suite::backup(&b, "1")]);
    s.advance(HEARTBEAT_WINDOW + 5);
    let w = work(&s, None, None);
    assert_eq!(w.items.len(), 1);
    assert_eq!(w.items[0].work, KeeperWork::Rollover);
    let k = s.keeper.clone();
    s.exec(&k, &ExecuteMsg::Rollover { lease_id: id }, &[])
        .unwrap();
    assert_eq!(s.lease(id).provider, b);
}

#[test]
fn keeper_work_pages_through_the_index_bounded_by_limit() {
    let mut s = Suite::new();
    let ids: Vec<u64> = (0..3).map(|_| s.open_active("1", 30, vec![])).collect();
    s.advance_live(40);
    let first = work(&s, None, Some(2));
    assert_eq!(first.items.len(), 2);
    let next = first.next.expect("more to come");
    let second = work(&s, Some(next), Some(2));
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.next, None);
    let listed: Vec<u64> = first
        .items
        .iter()
        .chain(&second.items)
        .map(|i| i.lease_id)
        .collect();
    assert_eq!(listed, ids);
    // A limit above 30 is accepted (capped at 30 entries looked at).
    assert_eq!(work(&s, None, Some(1_000)).items.len(), 3);
}

/// Review H1: a tenant's auto top-up target whose cost overflows (a huge price, a target of
/// u64::MAX blocks) failed the whole `keeper_work` page, hiding every other lease's work from
/// every keeper. Now the cost saturates (the top-up moves what the source holds) and one lease's
/// error could only hide that lease.
#[test]
fn keeper_work_lists_the_others_when_one_lease_top_up_cost_overflows() {
    let mut s = Suite::new();
    let (t, k) = (s.tenant.clone(), s.keeper.clone());
    let honest = s.open_active("1", 30, vec![]);
    s.exec(&t, &ExecuteMsg::FundBalance {}, &coins(10_000, AKT))
        .unwrap();
    let auto = |lease_id, target_runway_blocks| ExecuteMsg::SetAutoTopUp {
        lease_id,
        target_runway_blocks,
        source: TopUpSource::Balance,
    };
    s.exec(&t, &auto(honest, 200), &[]).unwrap();
    let hostile = s.open_active("20000000000000000000", 1, vec![]);
    s.exec(&t, &auto(hostile, u64::MAX), &[]).unwrap();
    s.advance_live(2);
    let w = work(&s, None, None);
    let listed = |id| w.items.iter().find(|i| i.lease_id == id).map(|i| &i.work);
    assert_eq!(listed(honest), Some(&KeeperWork::TopUp), "{w:?}");
    assert_eq!(listed(hostile), Some(&KeeperWork::TopUp), "{w:?}");
    // The hostile lease's top-up moves everything the tenant's balance holds and never
    // overflows (the bounty is capped by what the source has left: nothing).
    let (keeper_before, lease_before) = (s.bank(&k, AKT), s.lease(hostile).total_deposited);
    s.exec(&k, &ExecuteMsg::TopUp { lease_id: hostile }, &[])
        .unwrap();
    let bal: crate::msg::BalanceResponse = s.query(&QueryMsg::Balance {
        owner: t.to_string(),
        denom: AKT.into(),
    });
    assert_eq!(bal.amount.u128(), 0);
    assert_eq!(
        s.lease(hostile).total_deposited.u128(),
        lease_before.u128() + 10_000
    );
    assert_eq!(s.bank(&k, AKT), keeper_before);
}

/// Review M1: a top-up the escrow would refuse (the grant bucket full, so a seventh grant
/// source is refused `TooManyDeposits`) was listed with a bounty; keepers paid for failing
/// batch items and honest items in the same batch were starved. Now only a top-up whose own
/// code succeeds (run on a dropped overlay) is listed.
#[test]
fn keeper_work_does_not_list_a_top_up_the_escrow_would_refuse() {
    let mut s = Suite::new();
    let (t, k, g) = (s.tenant.clone(), s.keeper.clone(), s.sponsor.clone());
    let id = s.open_active("2", 100, vec![]);
    s.exec(&t, &ExecuteMsg::FundBalance {}, &coins(10_000, AKT))
        .unwrap();
    for i in 0..crate::execute::ledger::MAX_GRANT_ENTRIES {
        let h = s.app.api().addr_make(&format!("helper{i}"));
        s.exec(
            &t,
            &ExecuteMsg::Grant {
                grantee: h.to_string(),
                spend_limit: coin(100, AKT),
                expiration: None,
            },
            &[],
        )
        .unwrap();
        s.exec(
            &h,
            &ExecuteMsg::DepositFromGrant {
                lease_id: id,
                granter: t.to_string(),
                amount: 10u128.into(),
            },
            &[],
        )
        .unwrap();
    }
    s.exec(&g, &ExecuteMsg::FundBalance {}, &coins(10_000, AKT))
        .unwrap();
    s.exec(
        &g,
        &ExecuteMsg::Grant {
            grantee: t.to_string(),
            spend_limit: coin(5_000, AKT),
            expiration: None,
        },
        &[],
    )
    .unwrap();
    s.exec(
        &t,
        &ExecuteMsg::SetAutoTopUp {
            lease_id: id,
            target_runway_blocks: 1_000,
            source: TopUpSource::Grant {
                granter: g.to_string(),
            },
        },
        &[],
    )
    .unwrap();
    s.advance_live(1);
    // The escrow refuses this top-up ...
    let err = s
        .exec(&k, &ExecuteMsg::TopUp { lease_id: id }, &[])
        .unwrap_err();
    assert!(
        format!("{:?}", err.root_cause()).contains("TooManyDeposits"),
        "{err:?}"
    );
    // ... so keeper_work does not list it.
    let w = work(&s, None, None);
    assert!(w.items.iter().all(|i| i.lease_id != id), "{w:?}");
    // Control: once the grant bucket has room (a helper's entry spent and pruned is not
    // reachable here; a balance source instead), the same lease is listed.
    s.exec(
        &t,
        &ExecuteMsg::SetAutoTopUp {
            lease_id: id,
            target_runway_blocks: 1_000,
            source: TopUpSource::Balance,
        },
        &[],
    )
    .unwrap();
    let w = work(&s, None, None);
    assert!(
        w.items
            .iter()
            .any(|i| i.lease_id == id && i.work == KeeperWork::TopUp),
        "{w:?}"
    );
}
