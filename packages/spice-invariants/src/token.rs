//! spice-token: the cw20 surface, minting under the cap, the tokenfactory twin, burns — and the
//! buyback path that burns native SPICE at the token.
//!
//! Invariants (after every step):
//! - `cw20_supply + native_supply + burned == minted <= cap`, and `minted` is the initial supply
//!   plus every accepted mint (ghost);
//! - the cw20 balances of every account (paged through `all_accounts`) sum to `cw20_supply`;
//! - the bank's supply of native SPICE is `native_supply + native_reserve`, and the token
//!   contract's own bank balance is `native_reserve`;
//! - the per-address burner totals add up to `burned`, and the native burns are what
//!   buyback-burn bought plus the users' own `burn_native` (ghost);
//!
//! and at each action, where the model can tell: `transfer`, `burn`, `convert_to_native` and
//! `burn_native` succeed exactly when the model says (amount above zero and covered, not paused
//! for conversions), and an accepted one moved exactly the predicted balances — the sender
//! debited, the recipient (not anyone else) credited, the bank's supply of native SPICE down by
//! a native burn — read from the token's queries and the bank.

use cosmwasm_std::{coin, Uint128};
use cw20::Expiration;
use proptest_derive::Arbitrary as PropArbitrary;
use spice_suite::{AKT_DENOM, OSMO_DENOM};
use spice_token::msg::{ExecuteMsg, QueryMsg, SupplyResponse};

use crate::common::{Amount, Caller, Time, User};
use crate::world::{ensure, funds, Step, World};

#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Debug)]
pub enum TokenAction {
    #[proptest(weight = 3)]
    Transfer {
        from: User,
        to: User,
        amount: Amount,
    },
    /// cw20 `send` to buyback-burn, which has no cw20 receiver: always refused.
    Send {
        from: User,
        amount: Amount,
    },
    #[proptest(weight = 2)]
    Burn {
        from: User,
        amount: Amount,
    },
    #[proptest(weight = 2)]
    IncreaseAllowance {
        owner: User,
        spender: User,
        amount: Amount,
        /// Expires a few blocks from now.
        expiring: bool,
    },
    DecreaseAllowance {
        owner: User,
        spender: User,
        amount: Amount,
    },
    #[proptest(weight = 2)]
    TransferFrom {
        spender: User,
        owner: User,
        to: User,
        amount: Amount,
    },
    #[proptest(weight = 2)]
    BurnFrom {
        spender: User,
        owner: User,
        amount: Amount,
    },
    SendFrom {
        spender: User,
        owner: User,
        amount: Amount,
    },
    /// The owner (the DAO) is the minter until `update_minter` hands minting on.
    #[proptest(weight = 2)]
    Mint {
        caller: Caller,
        to: User,
        amount: Amount,
    },
    UpdateMinter {
        caller: Caller,
        to: Option<User>,
    },
    #[proptest(weight = 3)]
    ConvertToNative {
        from: User,
        amount: Amount,
        to: Option<User>,
    },
    #[proptest(weight = 3)]
    ConvertToCw20 {
        from: User,
        amount: Amount,
        to: Option<User>,
    },
    #[proptest(weight = 2)]
    BurnNative {
        from: User,
        amount: Amount,
    },
    Pause {
        caller: Caller,
    },
    Unpause {
        caller: Caller,
    },
    /// Feeds native SPICE to a user: it buys on the SPICE/OSMO pool with OSMO.
    BuyNative {
        user: User,
        osmo: Amount,
    },
    /// Feeds buyback-burn: revenue (AKT or OSMO) sent to it by a user.
    Revenue {
        from: User,
        akt: bool,
        amount: Amount,
    },
    /// A keeper runs buyback-burn, which burns native SPICE at the token.
    Buyback {
        keeper: User,
        akt: bool,
        limit: Option<Amount>,
    },
    #[proptest(weight = 2)]
    Advance(Time),
}

fn cw20_balance(w: &World, who: &str) -> u128 {
    let r: cw20::BalanceResponse = w.query(
        &w.suite.spice_token.address,
        &QueryMsg::Balance {
            address: who.to_string(),
        },
    );
    r.balance.u128()
}

fn burn_stats(w: &World) -> spice_token::msg::BurnStatsResponse {
    w.query(&w.suite.spice_token.address, &QueryMsg::BurnStats {})
}

/// The bank's supply of native SPICE.
pub fn bank_supply(w: &World) -> Result<u128, String> {
    w.app
        .wrap()
        .query_supply(&w.spice)
        .map(|c| c.amount.u128())
        .map_err(|e| e.to_string())
}

fn allowance(w: &World, owner: &str, spender: &str) -> u128 {
    let r: cw20::AllowanceResponse = w.query(
        &w.suite.spice_token.address,
        &QueryMsg::Allowance {
            owner: owner.to_string(),
            spender: spender.to_string(),
        },
    );
    r.allowance.u128()
}

pub fn apply(w: &mut World, a: &TokenAction) -> Step {
    let token = w.suite.spice_token.address.clone();
    let spice = w.spice.clone();
    let u = |w: &World, x: User| w.user(x);
    match *a {
        TokenAction::Transfer { from, to, amount } => {
            let (from, to) = (u(w, from), u(w, to));
            let (from_before, to_before) =
                (cw20_balance(w, from.as_str()), cw20_balance(w, to.as_str()));
            let amount = amount.resolve(from_before);
            let msg = ExecuteMsg::Transfer {
                recipient: to.to_string(),
                amount: Uint128::new(amount),
            };
            let ok = amount > 0 && amount <= from_before;
            if w.exec_expect(&from, &token, &msg, &[], ok)?.is_some() && from != to {
                let (f, t) = (cw20_balance(w, from.as_str()), cw20_balance(w, to.as_str()));
                ensure(f == from_before - amount && t == to_before + amount, || {
                    format!(
                        "transfer of {amount}: sender {from_before} -> {f}, recipient \
                         {to_before} -> {t}"
                    )
                })?;
            }
        }
        TokenAction::Send { from, amount } => {
            let from = u(w, from);
            let amount = amount.resolve(cw20_balance(w, from.as_str()));
            let msg = ExecuteMsg::Send {
                contract: w.suite.buyback_burn.address.to_string(),
                amount: Uint128::new(amount),
                msg: Default::default(),
            };
            let res = w.exec(&from, &token, &msg, &[])?;
            ensure(res.is_none(), || {
                "buyback-burn accepted a cw20 send it cannot receive".into()
            })?;
        }
        TokenAction::Burn { from, amount } => {
            let from = u(w, from);
            let before = cw20_balance(w, from.as_str());
            let amount = amount.resolve(before);
            let msg = ExecuteMsg::Burn {
                amount: Uint128::new(amount),
            };
            let stats_before = burn_stats(w);
            if w.exec_expect(&from, &token, &msg, &[], amount > 0 && amount <= before)?
                .is_some()
            {
                let (after, stats) = (cw20_balance(w, from.as_str()), burn_stats(w));
                ensure(
                    after == before - amount
                        && stats.cw20_burn.u128() == stats_before.cw20_burn.u128() + amount,
                    || format!("burn of {amount}: balance {before} -> {after}, {stats:?}"),
                )?;
            }
        }
        TokenAction::IncreaseAllowance {
            owner,
            spender,
            amount,
            expiring,
        } => {
            let (owner, spender) = (u(w, owner), u(w, spender));
            let amount = amount.resolve(cw20_balance(w, owner.as_str()));
            let expires = expiring.then(|| Expiration::AtHeight(w.app.block_info().height + 3));
            let msg = ExecuteMsg::IncreaseAllowance {
                spender: spender.to_string(),
                amount: Uint128::new(amount),
                expires,
            };
            w.exec(&owner, &token, &msg, &[])?;
        }
        TokenAction::DecreaseAllowance {
            owner,
            spender,
            amount,
        } => {
            let (owner, spender) = (u(w, owner), u(w, spender));
            let amount = amount.resolve(allowance(w, owner.as_str(), spender.as_str()));
            let msg = ExecuteMsg::DecreaseAllowance {
                spender: spender.to_string(),
                amount: Uint128::new(amount),
                expires: None,
            };
            w.exec(&owner, &token, &msg, &[])?;
        }
        TokenAction::TransferFrom {
            spender,
            owner,
            to,
            amount,
        } => {
            let (spender, owner, to) = (u(w, spender), u(w, owner), u(w, to));
            let amount = amount.resolve(allowance(w, owner.as_str(), spender.as_str()));
            let before = allowance(w, owner.as_str(), spender.as_str());
            let msg = ExecuteMsg::TransferFrom {
                owner: owner.to_string(),
                recipient: to.to_string(),
                amount: Uint128::new(amount),
            };
            if w.exec(&spender, &token, &msg, &[])?.is_some() {
                let after = allowance(w, owner.as_str(), spender.as_str());
                ensure(after + amount == before, || {
                    format!("transfer_from of {amount} moved the allowance {before} -> {after}")
                })?;
            }
        }
        TokenAction::BurnFrom {
            spender,
            owner,
            amount,
        } => {
            let (spender, owner) = (u(w, spender), u(w, owner));
            let amount = amount.resolve(allowance(w, owner.as_str(), spender.as_str()));
            let msg = ExecuteMsg::BurnFrom {
                owner: owner.to_string(),
                amount: Uint128::new(amount),
            };
            w.exec(&spender, &token, &msg, &[])?;
        }
        TokenAction::SendFrom {
            spender,
            owner,
            amount,
        } => {
            let (spender, owner) = (u(w, spender), u(w, owner));
            let amount = amount.resolve(allowance(w, owner.as_str(), spender.as_str()));
            let msg = ExecuteMsg::SendFrom {
                owner: owner.to_string(),
                contract: w.suite.buyback_burn.address.to_string(),
                amount: Uint128::new(amount),
                msg: Default::default(),
            };
            let res = w.exec(&spender, &token, &msg, &[])?;
            ensure(res.is_none(), || {
                "buyback-burn accepted a cw20 send_from it cannot receive".into()
            })?;
        }
        TokenAction::Mint { caller, to, amount } => {
            let (caller, to) = (w.caller(caller), u(w, to));
            let s: SupplyResponse = w.query(&token, &QueryMsg::Supply {});
            // `Balance` here is the room left under the cap.
            let amount = amount.resolve(s.cap.u128() - s.minted.u128());
            let msg = ExecuteMsg::Mint {
                recipient: to.to_string(),
                amount: Uint128::new(amount),
            };
            if w.exec(&caller, &token, &msg, &[])?.is_some() {
                w.ghost.spice_minted += amount;
            }
        }
        TokenAction::UpdateMinter { caller, to } => {
            let caller = w.caller(caller);
            let msg = ExecuteMsg::UpdateMinter {
                // `None` hands minting back to the DAO rather than renouncing it for good, so a
                // run keeps exercising the cap; renouncing is covered by the token's unit tests.
                new_minter: Some(
                    to.map(|t| w.user(t))
                        .unwrap_or_else(|| w.roles.owner.clone())
                        .to_string(),
                ),
            };
            w.exec(&caller, &token, &msg, &[])?;
        }
        TokenAction::ConvertToNative { from, amount, to } => {
            let from = u(w, from);
            let recipient = to.map(|t| w.user(t)).unwrap_or_else(|| from.clone());
            let before = cw20_balance(w, from.as_str());
            let bank_before = w.bank(&recipient, &spice);
            let amount = amount.resolve(before);
            let msg = ExecuteMsg::ConvertToNative {
                amount: Uint128::new(amount),
                recipient: to.map(|t| w.user(t).to_string()),
            };
            let paused: spice_governance::PauseInfoResponse =
                w.query(&token, &QueryMsg::PauseInfo {});
            let ok = !paused.paused && amount > 0 && amount <= before;
            if w.exec_expect(&from, &token, &msg, &[], ok)?.is_some() {
                let (after, bank) = (cw20_balance(w, from.as_str()), w.bank(&recipient, &spice));
                ensure(
                    after == before - amount && bank == bank_before + amount,
                    || {
                        format!(
                            "convert_to_native of {amount}: cw20 {before} -> {after}, recipient's \
                         native {bank_before} -> {bank}"
                        )
                    },
                )?;
            }
        }
        TokenAction::ConvertToCw20 { from, amount, to } => {
            let from = u(w, from);
            let amount = amount.resolve(w.bank(&from, &spice));
            let msg = ExecuteMsg::ConvertToCw20 {
                recipient: to.map(|t| w.user(t).to_string()),
            };
            w.exec(&from, &token, &msg, &funds(amount, &spice))?;
        }
        TokenAction::BurnNative { from, amount } => {
            let from = u(w, from);
            let held = w.bank(&from, &spice);
            let amount = amount.resolve(held);
            let supply_before = bank_supply(w)?;
            if w.exec_expect(
                &from,
                &token,
                &ExecuteMsg::BurnNative {},
                &funds(amount, &spice),
                amount > 0 && amount <= held,
            )?
            .is_some()
            {
                w.ghost.spice_burned_native_by_users += amount;
                let (after, supply) = (w.bank(&from, &spice), bank_supply(w)?);
                ensure(
                    after == held - amount && supply + amount == supply_before,
                    || {
                        format!(
                            "burn_native of {amount}: holder {held} -> {after}, bank supply \
                         {supply_before} -> {supply}"
                        )
                    },
                )?;
            }
        }
        TokenAction::Pause { caller } => w.pause(&token, caller, true)?,
        TokenAction::Unpause { caller } => w.pause(&token, caller, false)?,
        TokenAction::BuyNative { user, osmo } => {
            let user = u(w, user);
            // At most 1% of the pool per buy: the point is to hand users native SPICE.
            let amount = osmo.resolve(w.bank(&user, OSMO_DENOM)).min(2_000_000_000);
            if amount > 0 {
                w.touched();
                let _ = spice_testing::swap_exact_amount_in(
                    &mut w.app,
                    &user,
                    &[(w.pools.spice_osmo, spice.as_str())],
                    coin(amount, OSMO_DENOM),
                    Uint128::one(),
                );
            }
        }
        TokenAction::Revenue { from, akt, amount } => {
            crate::buyback::send_revenue(w, from, if akt { AKT_DENOM } else { OSMO_DENOM }, amount)?
        }
        TokenAction::Buyback { keeper, akt, limit } => {
            crate::buyback::buyback(w, keeper, if akt { AKT_DENOM } else { OSMO_DENOM }, limit)?
        }
        TokenAction::Advance(t) => w.advance(t.seconds()),
    }
    Ok(())
}

pub fn check(w: &World) -> Step {
    let token = &w.suite.spice_token.address;
    let s: SupplyResponse = w.query(token, &QueryMsg::Supply {});
    let sum = s
        .cw20_supply
        .checked_add(s.native_supply)
        .and_then(|x| x.checked_add(s.burned))
        .map_err(|e| format!("SPICE supply overflows: {e} ({s:?})"))?;
    ensure(sum == s.minted, || {
        format!("SPICE: cw20 + native + burned != minted: {s:?}")
    })?;
    ensure(s.minted <= s.cap, || {
        format!("SPICE minted above the cap: {s:?}")
    })?;
    ensure(s.minted.u128() == w.ghost.spice_minted, || {
        format!(
            "SPICE minted {} but the model minted {}",
            s.minted, w.ghost.spice_minted
        )
    })?;

    // Every cw20 balance, paged through all_accounts.
    let mut total = 0u128;
    let mut start_after: Option<String> = None;
    loop {
        let page: cw20::AllAccountsResponse = w.query(
            token,
            &QueryMsg::AllAccounts {
                start_after: start_after.clone(),
                limit: Some(30),
            },
        );
        for a in &page.accounts {
            total += cw20_balance(w, a);
        }
        match page.accounts.last() {
            Some(last) if page.accounts.len() == 30 => start_after = Some(last.clone()),
            _ => break,
        }
    }
    ensure(total == s.cw20_supply.u128(), || {
        format!(
            "SPICE: cw20 balances sum to {total}, cw20_supply is {}",
            s.cw20_supply
        )
    })?;

    let bank = bank_supply(w)?;
    ensure(
        bank == s.native_supply.u128() + s.native_reserve.u128(),
        || {
            format!(
                "SPICE: the bank's native supply is {bank}, the ledger's {} + reserve {}",
                s.native_supply, s.native_reserve
            )
        },
    )?;
    let held = w.bank(token, &w.spice);
    ensure(held == s.native_reserve.u128(), || {
        format!(
            "SPICE: the token holds {held} native SPICE, its reserve is {}",
            s.native_reserve
        )
    })?;

    let stats = burn_stats(w);
    let mut burners = 0u128;
    let mut start_after: Option<String> = None;
    loop {
        let page: spice_token::msg::BurnersResponse = w.query(
            token,
            &QueryMsg::Burners {
                start_after: start_after.clone(),
                limit: Some(30),
            },
        );
        burners += page.burners.iter().map(|b| b.burned.u128()).sum::<u128>();
        match page.burners.last() {
            Some(last) if page.burners.len() == 30 => start_after = Some(last.address.clone()),
            _ => break,
        }
    }
    ensure(burners == s.burned.u128(), || {
        format!(
            "SPICE: burners sum to {burners}, the ledger's burned total is {}",
            s.burned
        )
    })?;
    let bb: buyback_burn::msg::StatusResponse = w.query(
        &w.suite.buyback_burn.address,
        &buyback_burn::msg::QueryMsg::Status {
            start_after: None,
            limit: Some(1),
        },
    );
    // What buyback-burn bought (its swaps' replies) against what the token recorded burning.
    ensure(
        stats.native.u128() == bb.spice_bought.u128() + w.ghost.spice_burned_native_by_users,
        || {
            format!(
                "SPICE: native burns {} != buyback-burn's purchases {} + users' {}",
                stats.native, bb.spice_bought, w.ghost.spice_burned_native_by_users
            )
        },
    )?;
    Ok(())
}
