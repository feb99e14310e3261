//! Random sequences of revenue, buybacks and time on the Osmosis emulation with the real token.

use cosmwasm_std::Uint128;
use proptest::prelude::*;

use super::suite::*;

#[derive(Clone, Debug)]
enum Op {
    Revenue { akt: bool, amount: u128 },
    Buyback { akt: bool, limit: Option<u128> },
    Advance { seconds: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), 1u128..3_000_000_000).prop_map(|(akt, amount)| Op::Revenue { akt, amount }),
        (
            any::<bool>(),
            prop_oneof![Just(None), (1u128..2_000_000_000).prop_map(Some)]
        )
            .prop_map(|(akt, limit)| Op::Buyback { akt, limit }),
        (1u64..8_000).prop_map(|seconds| Op::Advance { seconds }),
    ]
}

/// The books after any sequence: SPICE bought equals SPICE burned at the token (and nothing is
/// left here), and per denom what was swapped plus bounties plus what is still pending is exactly
/// what arrived, so spent ≤ received.
fn check_books(s: &Suite, received: &[(&str, u128)]) {
    let status = s.status();
    let history = s.history(None, Some(30)).buybacks;
    assert_eq!(status.spice_bought, status.spice_burned);
    assert_eq!(status.spice_burned.u128(), s.burned_at_token());
    assert_eq!(s.balance(&s.buyback.clone(), &s.spice.clone()), 0);
    if history.len() < 30 {
        let sum: u128 = history.iter().map(|r| r.spice_out.u128()).sum();
        assert_eq!(sum, status.spice_bought.u128());
    }
    assert!(history.iter().all(|r| r.spice_out >= r.min_out));
    for (denom, got) in received {
        let d = status.denoms.iter().find(|d| d.denom == *denom).unwrap();
        let spent = d.total_in.u128() + d.total_bounty.u128();
        assert!(spent <= *got, "{denom}: spent {spent} > received {got}");
        // The intermediate OSMO of the AKT route never lingers: OSMO's pending is OSMO's own.
        assert_eq!(spent + d.pending.u128(), *got, "{denom}");
    }
}

proptest! {

    /// Whatever keepers, revenue and time do, every SPICE bought is burned at the token, and no
    /// denom ever spends more than it received.
    #[test]
    fn spice_bought_is_burned_and_spent_never_exceeds_received(
        ops in proptest::collection::vec(op(), 1..20)
    ) {
        let mut s = Suite::new();
        let mut osmo_in = 0u128;
        let mut akt_in = 0u128;
        for op in ops {
            match op {
                Op::Revenue { akt, amount } => {
                    if akt { akt_in += amount; s.revenue(amount, AKT) }
                    else { osmo_in += amount; s.revenue(amount, OSMO) }
                }
                Op::Buyback { akt, limit } => {
                    let denom = if akt { AKT } else { OSMO };
                    if let Ok(res) = s.buyback(denom, limit) {
                        let amount: u128 = event_attr(&res, "swap", "amount_in").parse().unwrap();
                        prop_assert!(amount <= PER_CALL_CAP);
                        prop_assert!(limit.is_none_or(|l| amount <= l));
                    }
                }
                Op::Advance { seconds } => s.advance(seconds),
            }
            check_books(&s, &[(OSMO, osmo_in), (AKT, akt_in)]);
        }
        let status = s.status();
        for d in &status.denoms {
            prop_assert!(d.epoch_budget_left <= Uint128::new(EPOCH_CAP));
        }
    }
}
