//! Random sequences through the end of a sunset and the switch to native OSMO staking
//! (issue 20): the principal's return and routing, governance's `osmo_staking` switch (refused
//! while anything of AKT is on the books), then OSMO and USDC proceeds, conversions, native
//! stakes, harvests, the owner's unbonds and claims, and strangers trying governance's part.
//!
//! After every step, in whichever denom the vault stakes:
//! - principal is conserved: the buckets plus what was paid out plus what was lost equal
//!   `acquired`, and `acquired` / `unbonded_out` are exactly what the model saw come in (AKT
//!   deposits before, the OSMO moved to pending at the switch, OSMO deposits and conversion
//!   outputs after) and go out (the sunset's routing to buyback-burn, the owner's claims);
//! - the bank holds the books: the staking denom's balance is `pending + returned + revenue +
//!   arrivals`, plus at most what is unbonding natively (the staking module pays matured entries
//!   before the vault books them); every other denom's balance is its proceeds plus held coins;
//! - the staking module holds exactly `staked` in the vault's delegations;
//! - who is paid: the sunset's principal reaches buyback-burn in full, a harvest pays the
//!   keeper its bounty and buyback-burn the rest, a claim pays the owner's recipient exactly;
//! - a refused call changes nothing (books, proceeds, config, sunset, banks, delegations).

use cosmwasm_std::Uint128;
use proptest::prelude::*;

use super::fallback::{delegated, osmo_staking, sunset_unbonding, STAKE};
use super::suite::*;
use crate::msg::{ExecuteMsg, QueryMsg, ReturnKind, StatusResponse, SunsetStatusResponse};
use crate::state::{Books, Config};

#[derive(Clone, Debug)]
enum Op {
    DepositOsmo(u128),
    DepositUsdc(u128),
    /// The operator brings this share (‰) of the unbonding AKT home and confirms it.
    ReturnPrincipal(u16),
    RoutePrincipal,
    /// The owner switches to OSMO staking over these validators (bit mask of three).
    SwitchToOsmo(u8),
    /// The guardian or a stranger tries the switch.
    ImpostorSwitch(bool),
    /// The owner routes USDC to OSMO (only valid once OSMO is staked).
    RouteUsdcToOsmo,
    ConvertUsdc,
    Stake,
    Harvest,
    /// The owner unbonds this share (‰) of what is staked and not yet requested.
    Unbond(u16),
    /// A stranger tries to unbond.
    ImpostorUnbond,
    /// The owner claims what matured, to the treasury (true) or back to pending.
    Claim(bool),
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u128..5_000_000_000).prop_map(Op::DepositOsmo),
        1 => (1u128..2_000_000_000).prop_map(Op::DepositUsdc),
        2 => prop_oneof![Just(1000u16), 1u16..=1000].prop_map(Op::ReturnPrincipal),
        2 => Just(Op::RoutePrincipal),
        3 => (0u8..8).prop_map(Op::SwitchToOsmo),
        1 => any::<bool>().prop_map(Op::ImpostorSwitch),
        1 => Just(Op::RouteUsdcToOsmo),
        1 => Just(Op::ConvertUsdc),
        3 => Just(Op::Stake),
        2 => Just(Op::Harvest),
        2 => (1u16..=1000).prop_map(Op::Unbond),
        1 => Just(Op::ImpostorUnbond),
        2 => any::<bool>().prop_map(Op::Claim),
        // A few minutes, a day and a half, an unbonding period and a bit: never a sum that lands
        // exactly on an entry's maturity.
        3 => prop_oneof![Just(997u64), Just(129_601), Just(UNBONDING + 7)].prop_map(Op::Advance),
    ]
}

fn share(amount: Uint128, permille: u16) -> u128 {
    amount.u128() * u128::from(permille) / 1000
}

/// What `set_fallback { osmo_staking }` requires to be zero: every bucket of the staking denom
/// the vault could still be owed or hold (`lost` is gone for good and does not count).
fn held(b: &Books) -> u128 {
    [
        b.pending,
        b.transferring,
        b.at_operator,
        b.staked,
        b.unbonding,
        b.returned,
        b.revenue_pending,
        b.returns_arrived,
        b.rewards_arrived,
        b.unbond_requested,
    ]
    .iter()
    .map(|x| x.u128())
    .sum()
}

/// What the vault's bank must hold in the staking denom according to its books.
fn backed(b: &Books) -> u128 {
    (b.pending + b.returned + b.revenue_pending + b.returns_arrived + b.rewards_arrived).u128()
}

fn delegations(s: &Suite) -> Vec<u128> {
    VALIDATORS.iter().map(|v| delegated(s, v)).collect()
}

fn config(s: &Suite) -> Config {
    s.query(&QueryMsg::Config {})
}

fn sunset(s: &Suite) -> SunsetStatusResponse {
    s.query(&QueryMsg::SunsetStatus {})
}

fn held_coin(status: &StatusResponse, denom: &str) -> u128 {
    status
        .held
        .iter()
        .find(|c| c.denom == denom)
        .map_or(0, |c| c.amount.u128())
}

/// Everything a refused call must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    status: StatusResponse,
    config: Config,
    sunset: SunsetStatusResponse,
    banks: Vec<u128>,
    delegations: Vec<u128>,
}

fn snapshot(s: &Suite) -> Snapshot {
    let mut banks = vec![];
    for who in [&s.vault, &s.treasury, &s.keeper, &s.buyback] {
        for denom in [AKT, OSMO, USDC] {
            banks.push(s.balance(who, denom));
        }
    }
    Snapshot {
        status: s.status(),
        config: config(s),
        sunset: sunset(s),
        banks,
        delegations: delegations(s),
    }
}

/// The model: what came in and went out, and the native unbonding entries not yet claimed.
struct Model {
    acquired: u128,
    paid_out: u128,
    /// (matures at, amount) of each accepted native unbond, until a claim books it.
    entries: Vec<(u64, u128)>,
}

/// `res` must be refused (when `refused`) and then change nothing; returns the response if the
/// call went through.
fn outcome(
    s: &Suite,
    before: &Snapshot,
    res: anyhow::Result<cw_multi_test::AppResponse>,
    must_refuse: bool,
    what: &str,
) -> Result<Option<cw_multi_test::AppResponse>, TestCaseError> {
    match res {
        Ok(res) => {
            prop_assert!(!must_refuse, "{} was accepted: {:?}", what, res.events);
            Ok(Some(res))
        }
        Err(_) => {
            prop_assert_eq!(
                &snapshot(s),
                before,
                "{} was refused but changed state",
                what
            );
            Ok(None)
        }
    }
}

fn check(s: &Suite, m: &Model) -> Result<(), TestCaseError> {
    let status = s.status();
    let b = &status.books;
    let sum = b.pending
        + b.transferring
        + b.at_operator
        + b.staked
        + b.unbonding
        + b.returned
        + b.unbonded_out
        + b.lost;
    prop_assert_eq!(
        sum,
        b.acquired,
        "buckets + paid out + lost != acquired: {:?}",
        b
    );
    prop_assert_eq!(b.acquired.u128(), m.acquired, "acquired vs what came in");
    prop_assert_eq!(
        b.unbonded_out.u128(),
        m.paid_out,
        "paid out vs what went out"
    );
    let staking = config(s).akt_denom;
    let bank = s.balance(&s.vault, &staking);
    let native = staking == OSMO;
    let slack = if native { b.unbonding.u128() } else { 0 };
    prop_assert!(
        bank >= backed(b) && bank <= backed(b) + slack,
        "bank {} {} vs books {} (+ up to {} unbonding): {:?}",
        bank,
        staking,
        backed(b),
        slack,
        b
    );
    let delegated: u128 = delegations(s).iter().sum();
    let expected_delegated = if native { b.staked.u128() } else { 0 };
    prop_assert_eq!(delegated, expected_delegated, "delegations vs staked");
    for denom in [AKT, OSMO, USDC] {
        if denom == staking {
            continue;
        }
        let waiting = status
            .proceeds
            .iter()
            .find(|p| p.denom == denom)
            .map_or(0, |p| p.waiting.u128());
        prop_assert_eq!(
            s.balance(&s.vault, denom),
            waiting + held_coin(&status, denom),
            "{} bank vs proceeds + held",
            denom
        );
    }
    Ok(())
}

proptest! {
    /// See the module's documentation: the whole way from AKT unbonding at the sunset to OSMO
    /// staked natively, with every coin on the books and every refusal changing nothing.
    #[test]
    fn the_sunset_and_the_switch_to_osmo_staking_keep_every_coin_booked(
        home in any::<bool>(),
        ops in proptest::collection::vec(op(), 1..30),
    ) {
        let (mut s, _at) = sunset_unbonding();
        let mut m = Model { acquired: STAKE, paid_out: 0, entries: vec![] };
        if home {
            // Half the cases start with the principal home and routed: the switch is open.
            s.advance(UNBONDING);
            s.receive(ReturnKind::Principal, STAKE).unwrap();
            let tx_hash = s.hash();
            s.operator_exec(&ExecuteMsg::ConfirmReturned { amount: Uint128::new(STAKE), tx_hash }).unwrap();
            s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {}).unwrap();
            m.paid_out = STAKE;
        }
        let mut usdc_to_osmo = false;
        check(&s, &m)?;
        for op in ops {
            let before = snapshot(&s);
            let b = before.status.books.clone();
            let native = before.config.akt_denom == OSMO;
            let now = s.app.block_info().time.seconds();
            match op {
                Op::DepositOsmo(a) => {
                    s.deposit(a, OSMO).unwrap();
                    if native {
                        m.acquired += a;
                        prop_assert_eq!(s.books().pending, b.pending + Uint128::new(a));
                    } else {
                        prop_assert_eq!(s.waiting(OSMO), before_waiting(&before, OSMO) + a);
                    }
                }
                Op::DepositUsdc(a) => {
                    s.deposit(a, USDC).unwrap();
                    prop_assert_eq!(s.waiting(USDC), before_waiting(&before, USDC) + a);
                }
                Op::ReturnPrincipal(permille) => {
                    let amount = share(b.unbonding, permille);
                    if native || amount == 0 {
                        continue;
                    }
                    s.advance(UNBONDING);
                    s.receive(ReturnKind::Principal, amount).unwrap();
                    let tx_hash = s.hash();
                    let res = s.operator_exec(&ExecuteMsg::ConfirmReturned {
                        amount: Uint128::new(amount),
                        tx_hash,
                    }).unwrap();
                    prop_assert_eq!(event_attr(&res, "confirm_returned", "accepted"), "true");
                    prop_assert_eq!(s.books().returned, b.returned + Uint128::new(amount));
                }
                Op::RoutePrincipal => {
                    let at_home = (b.pending + b.returned).u128();
                    let started = before.sunset.unbond_starts_at.is_some_and(|t| now >= t);
                    let buyback = s.balance(&s.buyback, AKT);
                    let res = s.keeper_exec(&ExecuteMsg::RouteSunsetPrincipal {});
                    let ok = !native && started && at_home > 0;
                    if outcome(&s, &before, res, !ok, "route_sunset_principal")?.is_some() {
                        prop_assert_eq!(s.balance(&s.buyback, AKT) - buyback, at_home);
                        m.paid_out += at_home;
                    } else {
                        prop_assert!(!ok, "route_sunset_principal refused with {} at home", at_home);
                    }
                }
                Op::SwitchToOsmo(mask) => {
                    let validators: Vec<&str> = (0..3).filter(|i| mask & (1 << i) != 0).map(|i| VALIDATORS[i]).collect();
                    let ok = !validators.is_empty() && held(&b) == 0 && m.entries.is_empty();
                    let moved = before_waiting(&before, OSMO) + held_coin(&before.status, OSMO);
                    let res = s.owner_exec(&osmo_staking(&validators));
                    if let Some(res) = outcome(&s, &before, res, !ok, "osmo_staking")? {
                        prop_assert_eq!(event_attr(&res, "set_fallback", "previous_acquired"), b.acquired.to_string());
                        prop_assert_eq!(event_attr(&res, "set_fallback", "moved_to_pending"), moved.to_string());
                        prop_assert_eq!(config(&s).akt_denom, OSMO);
                        prop_assert!(sunset(&s).sunset.is_none(), "the sunset outlived the switch");
                        let after = s.books();
                        prop_assert_eq!((after.acquired.u128(), after.pending.u128()), (moved, moved));
                        m.acquired = moved;
                        m.paid_out = 0;
                        usdc_to_osmo = false;
                    } else {
                        prop_assert!(!ok, "osmo_staking refused with nothing of the staking denom held");
                    }
                }
                Op::ImpostorSwitch(guardian) => {
                    let who = if guardian { s.guardian.clone() } else { s.stranger.clone() };
                    let res = s.exec(&who, &osmo_staking(&[VALIDATORS[0]]), &[]);
                    outcome(&s, &before, res, true, "osmo_staking by a stranger")?;
                }
                Op::RouteUsdcToOsmo => {
                    let pool = s.usdc_pool;
                    let res = s.owner_exec(&ExecuteMsg::SetRoute {
                        denom: USDC.into(),
                        hops: vec![hop(pool, OSMO)],
                    });
                    if outcome(&s, &before, res, false, "set_route USDC→OSMO")?.is_some() {
                        usdc_to_osmo = true;
                    }
                }
                Op::ConvertUsdc => {
                    let waiting = before_waiting(&before, USDC);
                    let res = s.convert(USDC, None);
                    // Before the switch the sunset has started: nothing may be bought.
                    let must_refuse = !native || !usdc_to_osmo || waiting == 0;
                    if let Some(res) = outcome(&s, &before, res, must_refuse, "convert USDC")? {
                        let out: u128 = event_attr(&res, "convert", "akt_out").parse().unwrap();
                        prop_assert!(out > 0);
                        m.acquired += out;
                        prop_assert_eq!(s.books().pending, b.pending + Uint128::new(out));
                    }
                }
                Op::Stake => {
                    let delegated_before: u128 = before.delegations.iter().sum();
                    let res = s.stake();
                    let ok = native && !b.pending.is_zero();
                    if outcome(&s, &before, res, !ok, "stake")?.is_some() {
                        let after = s.books();
                        prop_assert_eq!(after.staked, b.staked + b.pending);
                        prop_assert!(after.pending.is_zero());
                        prop_assert_eq!(delegations(&s).iter().sum::<u128>(), delegated_before + b.pending.u128());
                    } else {
                        prop_assert!(!ok, "stake refused with {} pending", b.pending);
                    }
                }
                Op::Harvest => {
                    let (buyback, keeper) = (s.balance(&s.buyback, OSMO), s.balance(&s.keeper, OSMO));
                    let res = s.harvest();
                    if let Some(res) = outcome(&s, &before, res, !native, "harvest")? {
                        let revenue: u128 = event_attr(&res, "harvest", "revenue").parse().unwrap();
                        let fee = revenue * u128::from(BOUNTY_BPS) / 10_000;
                        prop_assert!(revenue > 0);
                        prop_assert_eq!(s.balance(&s.buyback, OSMO) - buyback, revenue - fee);
                        prop_assert_eq!(s.balance(&s.keeper, OSMO) - keeper, fee);
                        prop_assert_eq!(s.books().staked, b.staked, "a harvest moved principal");
                    }
                }
                Op::Unbond(permille) => {
                    let amount = share(b.staked - b.unbond_requested, permille);
                    let res = s.owner_exec(&ExecuteMsg::Unbond { amount: Uint128::new(amount) });
                    let ok = native && amount > 0;
                    if outcome(&s, &before, res, !ok, "unbond")?.is_some() {
                        let after = s.books();
                        prop_assert_eq!(after.unbonding, b.unbonding + Uint128::new(amount));
                        prop_assert_eq!(after.staked + Uint128::new(amount), b.staked);
                        m.entries.push((now + UNBONDING, amount));
                    } else {
                        prop_assert!(!ok, "the owner's unbond of {} refused", amount);
                    }
                }
                Op::ImpostorUnbond => {
                    let stranger = s.stranger.clone();
                    let res = s.exec(&stranger, &ExecuteMsg::Unbond { amount: Uint128::one() }, &[]);
                    outcome(&s, &before, res, true, "unbond by a stranger")?;
                }
                Op::Claim(to_treasury) => {
                    let staking = before.config.akt_denom.clone();
                    let matured: u128 = m.entries.iter().filter(|(t, _)| *t < now).map(|(_, a)| a).sum();
                    let treasury = s.balance(&s.treasury, &staking);
                    let recipient = to_treasury.then(|| s.treasury.to_string());
                    let res = s.owner_exec(&ExecuteMsg::ClaimUnbonded { recipient });
                    let must_refuse = matured == 0 && b.returned.is_zero();
                    if outcome(&s, &before, res, must_refuse, "claim_unbonded")?.is_some() {
                        let after = s.books();
                        prop_assert!(after.lost.is_zero(), "a native unbond matured short: {:?}", after);
                        let claimed = b.returned.u128() + matured;
                        if to_treasury {
                            prop_assert_eq!(s.balance(&s.treasury, &staking) - treasury, claimed);
                            m.paid_out += claimed;
                        } else {
                            prop_assert_eq!(after.pending, b.pending + Uint128::new(claimed));
                        }
                        m.entries.retain(|(t, _)| *t >= now);
                    } else {
                        prop_assert!(must_refuse, "claim refused with {} matured", matured);
                    }
                }
                Op::Advance(seconds) => s.advance(seconds),
            }
            check(&s, &m)?;
        }
    }
}

fn before_waiting(before: &Snapshot, denom: &str) -> u128 {
    before
        .status
        .proceeds
        .iter()
        .find(|p| p.denom == denom)
        .map_or(0, |p| p.waiting.u128())
}
