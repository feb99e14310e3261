//! keeper_work: an epoch is listed ready exactly when `finalize_epoch` accepts it now, in the
//! order the call requires; the first one not ready comes with the call's own error.

use cosmwasm_std::coins;

use super::suite::*;
use crate::msg::{ExecuteMsg, KeeperWorkResponse, QueryMsg};
use crate::state::EpochStatus;

fn work(s: &Suite, start_after: Option<u64>, limit: Option<u32>) -> KeeperWorkResponse {
    s.query(&QueryMsg::KeeperWork { start_after, limit })
}

fn ready(w: &KeeperWorkResponse) -> Vec<u64> {
    w.ready.iter().map(|r| r.epoch).collect()
}

#[test]
fn keeper_work_lists_epochs_exactly_when_finalize_epoch_accepts_them() {
    let mut s = Suite::new();
    s.fund(Some(0), &coins(1_000, OSMO)).unwrap();
    // Epoch 0 still open: nothing ready, and the call says why.
    let w = work(&s, None, None);
    assert!(w.ready.is_empty());
    let next = w.next.expect("the next epoch");
    assert_eq!(next.epoch, 0);
    let err = contract_err(s.finalize(0).unwrap_err());
    assert_eq!(next.refusal, err.to_string());
    assert_eq!(next.ready_at, s.epoch_start(1).plus_seconds(REPORT_WINDOW));
    // One second before the window closes: still refused, still not listed.
    s.set_time(next.ready_at.minus_seconds(1));
    assert!(work(&s, None, None).ready.is_empty());
    assert!(s.finalize(0).is_err());

    // Epochs 0, 1 and 2 over: all three listed, in the order the call takes them.
    s.go_to_window_close(2);
    let w = work(&s, None, None);
    assert_eq!(ready(&w), vec![0, 1, 2]);
    assert_eq!(w.ready[0].msg, ExecuteMsg::FinalizeEpoch { epoch: 0 });
    assert_eq!(w.ready[0].budget, coins(1_000, OSMO));
    assert_eq!(w.next.as_ref().map(|n| n.epoch), Some(3));
    // A page of two, and the next page after it.
    assert_eq!(ready(&work(&s, None, Some(2))), vec![0, 1]);
    assert_eq!(ready(&work(&s, Some(1), Some(2))), vec![2]);
    let keeper = s.p(0);
    for job in &w.ready {
        s.exec(&keeper, &job.msg, &[]).unwrap();
        assert_eq!(s.epoch(job.epoch).status, EpochStatus::Finalized);
    }
    // Done: nothing listed, and the next call is refused (epoch 3 has not ended).
    let w = work(&s, None, None);
    assert!(w.ready.is_empty());
    assert_eq!(w.next.as_ref().map(|n| n.epoch), Some(3));
    assert!(s.finalize(3).is_err());
    assert!(s.finalize(2).is_err());
}

#[test]
fn keeper_work_lists_nothing_while_paused() {
    let mut s = Suite::new();
    s.go_to_window_close(0);
    assert_eq!(ready(&work(&s, None, None)), vec![0]);
    s.pause();
    let w = work(&s, None, None);
    assert!(w.ready.is_empty());
    let err = contract_err(s.finalize(0).unwrap_err());
    assert_eq!(w.next.expect("refused").refusal, err.to_string());
}
