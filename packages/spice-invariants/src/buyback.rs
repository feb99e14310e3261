//! buyback-burn: revenue in (the vault's harvests and plain transfers), TWAP-guarded buybacks
//! along AKT → OSMO → SPICE and OSMO → SPICE, burns at spice-token, caps, cooldowns, the keeper
//! bounty, governance — and the market moving prices under it.
//!
//! Invariants (after every step):
//! - what buyback-burn says it burned is what spice-token recorded burning for it (the token's
//!   `burners` entry for buyback-burn), and it is what it bought plus what `burn_held` burned;
//!   buyback-burn never holds native SPICE;
//! - at each accepted buyback, the bank's supply of native SPICE fell by the SPICE it bought and
//!   the keeper's balance rose by exactly the bounty;
//! - every record got at least its TWAP-derived minimum out;
//! - per revenue denom, spent (swapped + bounties, summed over the paged history) plus what is
//!   still pending (the bank balance) equals what was received: the vault's harvests
//!   (`revenue_harvested`) plus what the model sent (ghost); so spent ≤ received;
//! - each routed denom's totals in `status` match its history.

use std::collections::BTreeMap;

use buyback_burn::msg::{ExecuteMsg, HistoryResponse, QueryMsg, StatusResponse};
use cosmwasm_std::{coin, Uint128};
use proptest_derive::Arbitrary as PropArbitrary;
use spice_suite::{AKT_DENOM, OSMO_DENOM, USDC_DENOM};

use crate::common::{Amount, Caller, Share, Time, User};
use crate::vault::{Hash, Market};
use crate::world::{ensure, Step, World};

/// A revenue denom: AKT and OSMO are routed at deployment, USDC never is.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevDenom {
    #[proptest(weight = 3)]
    Akt,
    #[proptest(weight = 2)]
    Osmo,
    Usdc,
}

impl RevDenom {
    pub fn denom(self) -> &'static str {
        match self {
            RevDenom::Akt => AKT_DENOM,
            RevDenom::Osmo => OSMO_DENOM,
            RevDenom::Usdc => USDC_DENOM,
        }
    }
}

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Debug)]
pub enum BuybackAction {
    #[proptest(weight = 4)]
    Revenue {
        from: User,
        denom: RevDenom,
        amount: Amount,
    },
    #[proptest(weight = 5)]
    Buyback {
        keeper: User,
        denom: RevDenom,
        limit: Option<Amount>,
    },
    /// Sets the deployment's route for the denom (USDC's is a route that does not end in SPICE).
    SetRoute {
        caller: Caller,
        denom: RevDenom,
    },
    RemoveRoute {
        caller: Caller,
        denom: RevDenom,
    },
    UpdateCaps {
        caller: Caller,
        per_call_cap: Amount,
        epoch_cap: Amount,
        cooldown: Option<Time>,
        keeper_bounty_bps: Option<u16>,
    },
    Pause {
        caller: Caller,
    },
    Unpause {
        caller: Caller,
    },
    /// Feeds it: the vault's operator confirms rewards that arrived.
    #[proptest(weight = 2)]
    VaultRewards {
        share: Share,
    },
    /// Feeds it: a keeper harvests the vault's revenue to buyback-burn.
    #[proptest(weight = 2)]
    VaultHarvest {
        keeper: User,
    },
    #[proptest(weight = 2)]
    Trade {
        market: Market,
        amount: Amount,
    },
    #[proptest(weight = 3)]
    Advance(Time),
}

/// A user sends revenue straight to buyback-burn (a plain bank transfer).
pub fn send_revenue(w: &mut World, from: User, denom: &str, amount: Amount) -> Step {
    let from = w.user(from);
    let amount = amount.resolve(w.bank(&from, denom));
    let to = w.suite.buyback_burn.address.clone();
    if w.send_bank(&from, &to, coin(amount, denom)) {
        *w.ghost.buyback_direct.entry(denom.to_string()).or_default() += amount;
    }
    Ok(())
}

/// A keeper runs a buyback of `denom`.
pub fn buyback(w: &mut World, keeper: User, denom: &str, limit: Option<Amount>) -> Step {
    let keeper = w.user(keeper);
    let contract = w.suite.buyback_burn.address.clone();
    let pending = w.bank(&contract, denom);
    let msg = ExecuteMsg::Buyback {
        denom: denom.to_string(),
        limit: limit.map(|l| Uint128::new(l.resolve(pending))),
    };
    let before = w.bank(&keeper, denom);
    let supply_before = crate::token::bank_supply(w)?;
    let burned_before = burned_at_token(w);
    if let Some(res) = w.exec(&keeper, &contract, &msg, &[])? {
        let num = |key: &str| -> u128 {
            crate::world::attr(&res, "spice.buyback.buyback", key)
                .and_then(|b| b.parse().ok())
                .unwrap_or_default()
        };
        let (bounty, spice_out) = (num("bounty"), num("spice_out"));
        let got = w.bank(&keeper, denom) - before;
        ensure(got == bounty, || {
            format!("buyback keeper got {got} {denom}, the event says the bounty is {bounty}")
        })?;
        let supply = crate::token::bank_supply(w)?;
        let burned = burned_at_token(w);
        ensure(
            spice_out > 0
                && supply + spice_out == supply_before
                && burned == burned_before + spice_out,
            || {
                format!(
                    "buyback of {denom} bought {spice_out} SPICE: the bank's supply went \
                     {supply_before} -> {supply}, the token's burns for buyback-burn \
                     {burned_before} -> {burned}"
                )
            },
        )?;
    }
    Ok(())
}

/// What spice-token recorded burning for buyback-burn (its `burners` entry).
fn burned_at_token(w: &World) -> u128 {
    let address = w.suite.buyback_burn.address.to_string();
    let page: spice_token::msg::BurnersResponse = w.query(
        &w.suite.spice_token.address,
        &spice_token::msg::QueryMsg::Burners {
            start_after: None,
            limit: Some(30),
        },
    );
    // Few burners in a run (users and buyback-burn); start_after pages further if ever needed.
    page.burners
        .iter()
        .find(|b| b.address == address)
        .map_or(0, |b| b.burned.u128())
}

pub fn apply(w: &mut World, a: &BuybackAction) -> Step {
    let contract = w.suite.buyback_burn.address.clone();
    match *a {
        BuybackAction::Revenue {
            from,
            denom,
            amount,
        } => send_revenue(w, from, denom.denom(), amount)?,
        BuybackAction::Buyback {
            keeper,
            denom,
            limit,
        } => buyback(w, keeper, denom.denom(), limit)?,
        BuybackAction::SetRoute { caller, denom } => {
            let who = w.caller(caller);
            let spice = w.spice.clone();
            let hops = match denom {
                RevDenom::Akt => vec![
                    (w.pools.osmo_akt, OSMO_DENOM),
                    (w.pools.spice_osmo, spice.as_str()),
                ],
                RevDenom::Osmo => vec![(w.pools.spice_osmo, spice.as_str())],
                RevDenom::Usdc => vec![(w.pools.osmo_akt, OSMO_DENOM)],
            };
            let msg = ExecuteMsg::SetRoute {
                denom: denom.denom().into(),
                hops: hops
                    .into_iter()
                    .map(|(pool_id, out)| buyback_burn::state::Hop {
                        pool_id,
                        token_out_denom: out.into(),
                    })
                    .collect(),
            };
            w.exec(&who, &contract, &msg, &[])?;
        }
        BuybackAction::RemoveRoute { caller, denom } => {
            let who = w.caller(caller);
            let msg = ExecuteMsg::RemoveRoute {
                denom: denom.denom().into(),
            };
            w.exec(&who, &contract, &msg, &[])?;
        }
        BuybackAction::UpdateCaps {
            caller,
            per_call_cap,
            epoch_cap,
            cooldown,
            keeper_bounty_bps,
        } => {
            let who = w.caller(caller);
            let msg = ExecuteMsg::UpdateConfig(buyback_burn::msg::ConfigUpdate {
                per_call_cap: Some(Uint128::new(per_call_cap.resolve(1_000_000_000))),
                epoch_cap: Some(Uint128::new(epoch_cap.resolve(10_000_000_000))),
                cooldown_seconds: cooldown.map(Time::seconds),
                keeper_bounty_bps: keeper_bounty_bps.map(|b| b % 1_000),
                ..Default::default()
            });
            w.exec(&who, &contract, &msg, &[])?;
        }
        BuybackAction::Pause { caller } => w.pause(&contract, caller, true)?,
        BuybackAction::Unpause { caller } => w.pause(&contract, caller, false)?,
        BuybackAction::VaultRewards { share } => {
            crate::vault::rewards(w, share, true, Hash::Fresh)?
        }
        BuybackAction::VaultHarvest { keeper } => crate::vault::harvest(w, keeper)?,
        BuybackAction::Trade { market, amount } => crate::vault::trade(w, market, amount)?,
        BuybackAction::Advance(t) => w.advance(t.seconds()),
    }
    Ok(())
}

pub fn check(w: &World) -> Step {
    let contract = &w.suite.buyback_burn.address;
    let status: StatusResponse = w.query(
        contract,
        &QueryMsg::Status {
            start_after: None,
            limit: Some(30),
        },
    );
    let at_token = burned_at_token(w);
    ensure(
        status.spice_burned.u128() == at_token
            && status.spice_burned == status.spice_bought + status.spice_burned_held,
        || {
            format!(
                "buyback: says it burned {} (bought {} + held {}), spice-token recorded {at_token}",
                status.spice_burned, status.spice_bought, status.spice_burned_held
            )
        },
    )?;
    ensure(w.bank(contract, &w.spice) == 0, || {
        "buyback: native SPICE left in the contract".into()
    })?;

    // Spent per denom, and SPICE out, from the whole history.
    let mut spent: BTreeMap<String, (u128, u128)> = BTreeMap::new();
    let mut spice_out = 0u128;
    let mut records = 0u64;
    let mut start_after = None;
    loop {
        let page: HistoryResponse = w.query(
            contract,
            &QueryMsg::History {
                start_after,
                limit: Some(30),
            },
        );
        for r in &page.buybacks {
            ensure(
                r.spice_out >= r.min_out && r.spice_out == r.spice_burned,
                || format!("buyback record {} out of bounds: {r:?}", r.id),
            )?;
            let e = spent.entry(r.denom.clone()).or_default();
            e.0 += r.amount_in.u128();
            e.1 += r.bounty.u128();
            spice_out += r.spice_out.u128();
            records += 1;
        }
        match page.buybacks.last() {
            Some(last) if page.buybacks.len() == 30 => start_after = Some(last.id),
            _ => break,
        }
    }
    ensure(
        records == status.buybacks && spice_out == status.spice_bought.u128(),
        || {
            format!(
                "buyback: history has {records} records buying {spice_out}, status says {} buying {}",
                status.buybacks, status.spice_bought
            )
        },
    )?;
    for d in &status.denoms {
        let (swapped, bounties) = spent.get(&d.denom).copied().unwrap_or_default();
        ensure(
            d.total_in.u128() == swapped && d.total_bounty.u128() == bounties,
            || format!("buyback: {} totals disagree with history: {d:?}", d.denom),
        )?;
    }

    let harvested = w.vault_books().revenue_harvested.u128();
    for denom in [AKT_DENOM, OSMO_DENOM, USDC_DENOM] {
        let received = w
            .ghost
            .buyback_direct
            .get(denom)
            .copied()
            .unwrap_or_default()
            + if denom == AKT_DENOM { harvested } else { 0 };
        let (swapped, bounties) = spent.get(denom).copied().unwrap_or_default();
        let pending = w.bank(contract, denom);
        ensure(swapped + bounties + pending == received, || {
            format!(
                "buyback: {denom}: swapped {swapped} + bounties {bounties} + pending {pending} \
                 != received {received}"
            )
        })?;
    }
    Ok(())
}
