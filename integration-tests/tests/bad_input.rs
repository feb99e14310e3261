//! Malformed input across the deployed suite: per contract, malformed addresses (bech32
//! garbage, empty, another chain's prefix, the upper-case spelling of a valid address,
//! 10 KB of address), zero amounts, amounts that would overflow a total, wrong and extra denoms
//! in the funds, duplicate ids, huge pagination limits and garbage `start_after`, and oversized
//! strings. Each call is refused with a clear `ContractError` naming the problem, and leaves
//! the chain exactly as it was. `--nocapture` prints what each contract answered.

mod common;

use common::*;
use cosmwasm_std::{Addr, Coin, Decimal, Uint128, coin, coins};
use serde::Serialize;
use spice_suite::{AKT_DENOM, OSMO_DENOM, USDC_DENOM};

use buyback_burn::ContractError as BuybackError;
use order_book::ContractError as BookError;
use provider_incentives::ContractError as IncentivesError;
use rollover_escrow::ContractError as EscrowError;
use spice_token::ContractError as TokenError;
use staking_vault::ContractError as VaultError;

const TEN_KB: usize = 10 * 1024;

/// One malformed call and the error it must get.
struct Bad {
    label: String,
    sender: Addr,
    msg: serde_json::Value,
    funds: Vec<Coin>,
    expect: Expect,
}

fn bad<T: Serialize>(label: &str, sender: &Addr, msg: &T, funds: Vec<Coin>, expect: Expect) -> Bad {
    Bad {
        label: label.to_string(),
        sender: sender.clone(),
        msg: serde_json::to_value(msg).expect("serializes"),
        funds,
        expect,
    }
}

/// Sends every case; each must be refused as expected with nothing changed.
fn refuse_all(w: &mut World, contract: &str, cases: Vec<Bad>) {
    let address = w.contract(contract);
    println!("\n{contract}: {} malformed calls", cases.len());
    for case in cases {
        let text = w.refuse(&case.sender, &address, &case.msg, &case.funds, &case.expect);
        println!("  {:<52} -> {}", case.label, short(&w.named(&text), 110));
    }
}

/// Every malformed form of `valid`, plus 10 KB of address.
fn malformed(valid: &Addr) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = malformed_addresses(valid)
        .into_iter()
        .map(|(what, a)| (what.to_string(), a))
        .collect();
    all.push(("10 KB".into(), format!("osmo1{}", "q".repeat(TEN_KB))));
    all
}

/// The error `addr_validate` gives, inside the contract's `Std` variant.
macro_rules! addr_err {
    ($err:ident) => {
        like::<$err>("Std(Invalid input)", |e| {
            matches!(e, $err::Std(s) if s.to_string().contains("Invalid input"))
        })
    };
}

/// A query the contract must refuse, with the text it must contain.
fn query_refused<Q: Serialize>(w: &World, contract: &Addr, q: &Q, contains: &str) {
    let err = w
        .try_query(contract, q)
        .expect_err("the query should be refused");
    assert!(err.to_string().contains(contains), "{err}");
}

/// How many entries a list query returned under `key`.
fn page_len<Q: Serialize>(w: &World, contract: &Addr, q: &Q, key: &str) -> usize {
    let res = w.try_query(contract, q).expect("the query answers");
    res[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is not a list: {res}"))
        .len()
}

// ---------- spice-token ----------

#[test]
fn token_refuses_malformed_input() {
    let mut w = World::new();
    let token = w.token();
    let (owner, tenant, spender, treasury) = (
        w.roles.owner.clone(),
        w.tenant.clone(),
        w.spender.clone(),
        w.roles.treasury.clone(),
    );
    w.give_spice(&tenant, 1_000, 1_000);
    w.give(&tenant, coins(10, OSMO_DENOM));
    let spice = w.spice();
    let mut cases = vec![];
    for (what, address) in malformed(&w.stranger) {
        cases.push(bad(
            &format!("transfer to {what}"),
            &tenant,
            &TokenMsg::Transfer {
                recipient: address.clone(),
                amount: Uint128::new(1),
            },
            vec![],
            addr_err!(TokenError),
        ));
        cases.push(bad(
            &format!("allowance for {what}"),
            &tenant,
            &TokenMsg::IncreaseAllowance {
                spender: address.clone(),
                amount: Uint128::new(1),
                expires: None,
            },
            vec![],
            addr_err!(TokenError),
        ));
        cases.push(bad(
            &format!("transfer_from owner {what}"),
            &spender,
            &TokenMsg::TransferFrom {
                owner: address.clone(),
                recipient: spender.to_string(),
                amount: Uint128::new(1),
            },
            vec![],
            addr_err!(TokenError),
        ));
        cases.push(bad(
            &format!("mint to {what}"),
            &owner,
            &TokenMsg::Mint {
                recipient: address.clone(),
                amount: Uint128::new(1),
            },
            vec![],
            addr_err!(TokenError),
        ));
        cases.push(bad(
            &format!("convert_to_native for {what}"),
            &tenant,
            &TokenMsg::ConvertToNative {
                amount: Uint128::new(1),
                recipient: Some(address.clone()),
            },
            vec![],
            addr_err!(TokenError),
        ));
        cases.push(bad(
            &format!("convert_to_cw20 for {what}"),
            &tenant,
            &TokenMsg::ConvertToCw20 {
                recipient: Some(address.clone()),
            },
            coins(1, &spice),
            addr_err!(TokenError),
        ));
        cases.push(bad(
            &format!("update_minter to {what}"),
            &owner,
            &TokenMsg::UpdateMinter {
                new_minter: Some(address.clone()),
            },
            vec![],
            addr_err!(TokenError),
        ));
    }
    let zero = Uint128::zero();
    let zero_amounts: Vec<(&str, &Addr, TokenMsg)> = vec![
        (
            "transfer 0",
            &tenant,
            TokenMsg::Transfer {
                recipient: spender.to_string(),
                amount: zero,
            },
        ),
        ("burn 0", &tenant, TokenMsg::Burn { amount: zero }),
        (
            "mint 0",
            &owner,
            TokenMsg::Mint {
                recipient: tenant.to_string(),
                amount: zero,
            },
        ),
        (
            "transfer_from 0",
            &spender,
            TokenMsg::TransferFrom {
                owner: treasury.to_string(),
                recipient: spender.to_string(),
                amount: zero,
            },
        ),
        (
            "burn_from 0",
            &spender,
            TokenMsg::BurnFrom {
                owner: treasury.to_string(),
                amount: zero,
            },
        ),
        (
            "convert_to_native 0",
            &tenant,
            TokenMsg::ConvertToNative {
                amount: zero,
                recipient: None,
            },
        ),
    ];
    for (label, sender, msg) in zero_amounts {
        cases.push(bad(
            label,
            sender,
            &msg,
            vec![],
            exact(TokenError::InvalidZeroAmount),
        ));
    }
    let max = Uint128::MAX;
    cases.extend([
        bad(
            "transfer u128::MAX",
            &tenant,
            &TokenMsg::Transfer {
                recipient: spender.to_string(),
                amount: max,
            },
            vec![],
            exact(TokenError::InsufficientBalance {
                address: tenant.to_string(),
                needed: max,
                available: Uint128::new(1_000),
            }),
        ),
        bad(
            "mint u128::MAX",
            &owner,
            &TokenMsg::Mint {
                recipient: tenant.to_string(),
                amount: max,
            },
            vec![],
            like::<TokenError>("Overflow (minted + amount does not fit)", |e| {
                matches!(e, TokenError::Overflow(_))
            }),
        ),
        bad(
            "transfer_from u128::MAX",
            &spender,
            &TokenMsg::TransferFrom {
                owner: treasury.to_string(),
                recipient: spender.to_string(),
                amount: max,
            },
            vec![],
            like::<TokenError>("InsufficientAllowance", |e| {
                matches!(e, TokenError::InsufficientAllowance { .. })
            }),
        ),
        bad(
            "transfer with OSMO attached",
            &tenant,
            &TokenMsg::Transfer {
                recipient: spender.to_string(),
                amount: Uint128::one(),
            },
            coins(10, OSMO_DENOM),
            exact(TokenError::UnexpectedFunds),
        ),
        bad(
            "convert_to_cw20 with OSMO",
            &tenant,
            &TokenMsg::ConvertToCw20 { recipient: None },
            coins(10, OSMO_DENOM),
            like::<TokenError>("InvalidNativeFunds", |e| {
                matches!(e, TokenError::InvalidNativeFunds { .. })
            }),
        ),
        bad(
            "burn_native with SPICE and OSMO",
            &tenant,
            &TokenMsg::BurnNative {},
            vec![coin(1, &spice), coin(10, OSMO_DENOM)],
            like::<TokenError>("InvalidNativeFunds", |e| {
                matches!(e, TokenError::InvalidNativeFunds { .. })
            }),
        ),
        bad(
            "burn_native with nothing",
            &tenant,
            &TokenMsg::BurnNative {},
            vec![],
            like::<TokenError>("InvalidNativeFunds", |e| {
                matches!(e, TokenError::InvalidNativeFunds { .. })
            }),
        ),
        bad(
            "allowance to oneself",
            &tenant,
            &TokenMsg::IncreaseAllowance {
                spender: tenant.to_string(),
                amount: Uint128::one(),
                expires: None,
            },
            vec![],
            exact(TokenError::CannotSetOwnAccount),
        ),
    ]);
    refuse_all(&mut w, "spice-token", cases);

    // An allowance cannot be raised past u128::MAX: the second raise overflows, refused.
    let sink = w.sink();
    w.exec(
        &tenant,
        &token,
        &TokenMsg::IncreaseAllowance {
            spender: sink.to_string(),
            amount: max,
            expires: None,
        },
        &[],
    )
    .unwrap();
    w.refuse(
        &tenant,
        &token,
        &TokenMsg::IncreaseAllowance {
            spender: sink.to_string(),
            amount: Uint128::one(),
            expires: None,
        },
        &[],
        &like::<TokenError>("Overflow", |e| matches!(e, TokenError::Overflow(_))),
    );

    // Pagination: 35 more holders; a limit of 10,000 still returns 30; garbage is refused.
    for i in 0..35 {
        let holder = w.addr(&format!("holder{i}"));
        w.give_spice(&holder, 1, 0);
    }
    let q = |start_after: Option<String>| spice_token::msg::QueryMsg::AllAccounts {
        start_after,
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &token, &q(None), "accounts"), 30);
    query_refused(
        &w,
        &token,
        &q(Some("not-an-address".into())),
        "Invalid input",
    );
    query_refused(
        &w,
        &token,
        &q(Some(w.stranger.as_str().to_uppercase())),
        "Invalid input",
    );
    let burners = spice_token::msg::QueryMsg::Burners {
        start_after: None,
        limit: Some(10_000),
    };
    assert!(page_len(&w, &token, &burners, "burners") <= 30);
    query_refused(
        &w,
        &token,
        &spice_token::msg::QueryMsg::Balance {
            address: "osmo1garbage".into(),
        },
        "Invalid input",
    );
}

// ---------- staking-vault ----------

#[test]
fn vault_refuses_malformed_input() {
    let mut w = World::new();
    let vault = w.vault();
    let (owner, operator, keeper, treasury) = (
        w.roles.owner.clone(),
        w.roles.operator.clone(),
        w.keeper.clone(),
        w.roles.treasury.clone(),
    );
    w.give(
        &treasury,
        vec![coin(1_000, OSMO_DENOM), coin(1_000, "uatom")],
    );
    // Funds only to show the refusal is the contract's, not the bank's.
    w.give(&operator, coins(10, OSMO_DENOM));
    let now = w.app.block_info().time.seconds();
    let mut cases = vec![];
    for (what, address) in malformed(&w.stranger) {
        cases.push(bad(
            &format!("claim_unbonded to {what}"),
            &owner,
            &VaultMsg::ClaimUnbonded {
                recipient: Some(address.clone()),
            },
            vec![],
            addr_err!(VaultError),
        ));
        cases.push(bad(
            &format!("revenue_recipient {what}"),
            &owner,
            &VaultMsg::UpdateConfig(staking_vault::msg::ConfigUpdate {
                revenue_recipient: Some(address.clone()),
                ..Default::default()
            }),
            vec![],
            addr_err!(VaultError),
        ));
        cases.push(bad(
            &format!("sunset principal to a treasury at {what}"),
            &owner,
            &VaultMsg::SetSunset {
                at: now + 365 * 86_400,
                unbond_lead_seconds: 30 * 86_400,
                principal_to: staking_vault::msg::PrincipalToMsg::Treasury {
                    address: address.clone(),
                },
            },
            vec![],
            addr_err!(VaultError),
        ));
        cases.push(bad(
            &format!("set_guardian {what}"),
            &owner,
            &serde_json::json!({ "set_guardian": { "guardian": address } }),
            vec![],
            like::<VaultError>("Governance(Std(Invalid input))", |e| {
                e.to_string().contains("Invalid input")
            }),
        ));
    }
    let hash = tx_hash(40);
    cases.extend([
        bad(
            "unbond 0",
            &owner,
            &VaultMsg::Unbond {
                amount: Uint128::zero(),
            },
            vec![],
            exact(VaultError::ZeroAmount),
        ),
        bad(
            "convert limit 0",
            &keeper,
            &VaultMsg::Convert {
                denom: Some(OSMO_DENOM.into()),
                limit: Some(Uint128::zero()),
            },
            vec![],
            exact(VaultError::ZeroLimit),
        ),
        bad(
            "confirm_delegation 0",
            &operator,
            &VaultMsg::ConfirmDelegation {
                amount: Uint128::zero(),
                tx_hash: hash.clone(),
            },
            vec![],
            exact(VaultError::ZeroAmount),
        ),
        bad(
            "unbond u128::MAX",
            &owner,
            &VaultMsg::Unbond {
                amount: Uint128::MAX,
            },
            vec![],
            like::<VaultError>("InsufficientInBucket", |e| {
                matches!(e, VaultError::InsufficientInBucket { .. })
            }),
        ),
        bad(
            "deposit nothing",
            &treasury,
            &VaultMsg::Deposit {},
            vec![],
            exact(VaultError::EmptyDeposit),
        ),
        bad(
            "deposit an unrouted denom",
            &treasury,
            &VaultMsg::Deposit {},
            coins(10, "uatom"),
            exact(VaultError::UnknownDenom {
                denom: "uatom".into(),
            }),
        ),
        bad(
            "deposit OSMO with an unrouted extra denom",
            &treasury,
            &VaultMsg::Deposit {},
            vec![coin(10, "uatom"), coin(10, OSMO_DENOM)],
            exact(VaultError::UnknownDenom {
                denom: "uatom".into(),
            }),
        ),
        bad(
            "stake with OSMO attached",
            &treasury,
            &VaultMsg::Stake {},
            coins(10, OSMO_DENOM),
            like::<VaultError>("Payment", |e| matches!(e, VaultError::Payment(_))),
        ),
        bad(
            "operator report with OSMO attached",
            &operator,
            &VaultMsg::ConfirmDelegation {
                amount: Uint128::one(),
                tx_hash: hash.clone(),
            },
            coins(10, OSMO_DENOM),
            like::<VaultError>("Payment", |e| matches!(e, VaultError::Payment(_))),
        ),
        bad(
            "reused tx hash (lower case)",
            &operator,
            &VaultMsg::ConfirmDelegation {
                amount: Uint128::one(),
                tx_hash: tx_hash(1).to_lowercase(),
            },
            vec![],
            exact(VaultError::TxHashReused {
                tx_hash: tx_hash(1),
            }),
        ),
        bad(
            "10 KB tx hash",
            &operator,
            &VaultMsg::ConfirmDelegation {
                amount: Uint128::one(),
                tx_hash: "A".repeat(TEN_KB),
            },
            vec![],
            exact(VaultError::InvalidTxHash {
                tx_hash: "A".repeat(TEN_KB),
            }),
        ),
        bad(
            "non-hex tx hash",
            &operator,
            &VaultMsg::ConfirmDelegation {
                amount: Uint128::one(),
                tx_hash: "0xZZ".into(),
            },
            vec![],
            exact(VaultError::InvalidTxHash {
                tx_hash: "0xZZ".into(),
            }),
        ),
        bad(
            "duplicate LP position",
            &owner,
            &VaultMsg::AddLpPosition {
                position_id: w.lp_position,
            },
            vec![],
            exact(VaultError::LpPositionExists {
                position_id: w.lp_position,
            }),
        ),
        bad(
            "route with a 10 KB denom",
            &owner,
            &VaultMsg::SetRoute {
                denom: "u".repeat(TEN_KB),
                hops: vec![staking_vault::state::Hop {
                    pool_id: w.pools.osmo_akt,
                    token_out_denom: AKT_DENOM.into(),
                }],
            },
            vec![],
            like::<VaultError>("InvalidConfig(InvalidDenom)", |e| {
                matches!(e, VaultError::InvalidConfig(_))
            }),
        ),
        bad(
            "route back through its own denom",
            &owner,
            &VaultMsg::SetRoute {
                denom: OSMO_DENOM.into(),
                hops: vec![
                    staking_vault::state::Hop {
                        pool_id: w.pools.osmo_akt,
                        token_out_denom: OSMO_DENOM.into(),
                    },
                    staking_vault::state::Hop {
                        pool_id: w.pools.osmo_akt,
                        token_out_denom: AKT_DENOM.into(),
                    },
                ],
            },
            vec![],
            like::<VaultError>("RouteCycle", |e| matches!(e, VaultError::RouteCycle { .. })),
        ),
    ]);
    cases.extend([
        bad(
            "sunset lead shorter than unbonding + margin",
            &owner,
            &VaultMsg::SetSunset {
                at: now + 365 * 86_400,
                unbond_lead_seconds: 86_400,
                principal_to: staking_vault::msg::PrincipalToMsg::Buyback,
            },
            vec![],
            exact(VaultError::SunsetLeadTooShort {
                unbond_lead_seconds: 86_400,
                needed: 24 * 86_400,
                unbonding_period_seconds: 21 * 86_400,
                margin_seconds: 3 * 86_400,
            }),
        ),
        bad(
            "sunset cutover u64::MAX, lead u64::MAX (starts at 0)",
            &owner,
            &VaultMsg::SetSunset {
                at: u64::MAX,
                unbond_lead_seconds: u64::MAX,
                principal_to: staking_vault::msg::PrincipalToMsg::Buyback,
            },
            vec![],
            exact(VaultError::SunsetTooLate {
                at: u64::MAX,
                unbond_lead_seconds: u64::MAX,
                starts_at: 0,
                now,
            }),
        ),
        bad(
            "sunset cutover at 0",
            &owner,
            &VaultMsg::SetSunset {
                at: 0,
                unbond_lead_seconds: 30 * 86_400,
                principal_to: staking_vault::msg::PrincipalToMsg::Hold,
            },
            vec![],
            exact(VaultError::SunsetTooLate {
                at: 0,
                unbond_lead_seconds: 30 * 86_400,
                starts_at: 0,
                now,
            }),
        ),
        bad(
            "begin_sunset_unbond with funds attached",
            &operator,
            &VaultMsg::BeginSunsetUnbond {},
            coins(10, OSMO_DENOM),
            like::<VaultError>("Payment", |e| matches!(e, VaultError::Payment(_))),
        ),
        bad(
            "begin_sunset_unbond without a sunset",
            &keeper,
            &VaultMsg::BeginSunsetUnbond {},
            vec![],
            exact(VaultError::NoSunset),
        ),
        bad(
            "forward_proceeds of a 10 KB denom",
            &keeper,
            &VaultMsg::ForwardProceeds {
                denom: "u".repeat(TEN_KB),
            },
            vec![],
            like::<VaultError>("invalid denom", |e| {
                e.to_string().to_lowercase().contains("denom")
            }),
        ),
        bad(
            "forward_proceeds without a fallback",
            &keeper,
            &VaultMsg::ForwardProceeds {
                denom: OSMO_DENOM.into(),
            },
            vec![],
            exact(VaultError::NoFallback),
        ),
        bad(
            "set_fallback osmo_staking without validators",
            &owner,
            &VaultMsg::SetFallback {
                mode: Some(staking_vault::state::FallbackMode::OsmoStaking { validators: vec![] }),
            },
            vec![],
            exact(VaultError::ValidatorCount { count: 0, max: 10 }),
        ),
        bad(
            "set_fallback osmo_staking with a 10 KB validator",
            &owner,
            &VaultMsg::SetFallback {
                mode: Some(staking_vault::state::FallbackMode::OsmoStaking {
                    validators: vec!["v".repeat(TEN_KB)],
                }),
            },
            vec![],
            like::<VaultError>("InvalidValidator", |e| {
                matches!(e, VaultError::InvalidValidator { .. })
            }),
        ),
        bad(
            "cancel_sunset without a sunset",
            &owner,
            &VaultMsg::CancelSunset {},
            vec![],
            exact(VaultError::NoSunset),
        ),
    ]);
    refuse_all(&mut w, "staking-vault", cases);

    // Pagination: 35 deposits add 35 history entries; 10,000 still pages 30.
    for _ in 0..35 {
        w.exec(
            &treasury,
            &vault,
            &VaultMsg::Deposit {},
            &coins(1, AKT_DENOM),
        )
        .unwrap();
    }
    let history = staking_vault::msg::QueryMsg::History {
        start_after: None,
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &vault, &history, "entries"), 30);
    let routes = staking_vault::msg::QueryMsg::Routes {
        start_after: Some("~garbage~".into()),
        limit: Some(10_000),
    };
    // A denom bound that matches nothing pages from where it would sort: nothing after "~".
    assert_eq!(page_len(&w, &vault, &routes, "routes"), 0);
    let positions = staking_vault::msg::QueryMsg::LpPositions {
        start_after: Some(u64::MAX),
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &vault, &positions, "position_ids"), 0);
    // keeper_work: a huge limit is capped; a denom bound past every denom lists no denom step.
    let work = |start_after: Option<String>| staking_vault::msg::QueryMsg::KeeperWork {
        start_after,
        limit: Some(10_000),
    };
    w.try_query(&vault, &work(None))
        .expect("a huge limit is capped, not refused");
    assert_eq!(
        page_len(&w, &vault, &work(Some("~garbage~".into())), "ready"),
        0
    );
}

// ---------- buyback-burn ----------

#[test]
fn buyback_refuses_malformed_input() {
    let mut w = World::new();
    let buyback = w.buyback();
    let (owner, keeper) = (w.roles.owner.clone(), w.keeper.clone());
    w.give(&keeper, coins(10, AKT_DENOM));
    let spice = w.spice();
    let mut cases = vec![];
    for (what, address) in malformed(&w.stranger) {
        cases.push(bad(
            &format!("spice_token {what}"),
            &owner,
            &BuybackMsg::UpdateConfig(buyback_burn::msg::ConfigUpdate {
                spice_token: Some(address.clone()),
                ..Default::default()
            }),
            vec![],
            addr_err!(BuybackError),
        ));
    }
    cases.extend([
        bad(
            "buyback limit 0",
            &keeper,
            &BuybackMsg::Buyback {
                denom: AKT_DENOM.into(),
                limit: Some(Uint128::zero()),
            },
            vec![],
            exact(BuybackError::ZeroLimit),
        ),
        bad(
            "buyback limit u128::MAX with nothing pending",
            &keeper,
            &BuybackMsg::Buyback {
                denom: AKT_DENOM.into(),
                limit: Some(Uint128::MAX),
            },
            vec![],
            exact(BuybackError::NothingPending {
                denom: AKT_DENOM.into(),
                balance: Uint128::zero(),
            }),
        ),
        bad(
            "per_call_cap 0",
            &owner,
            &BuybackMsg::UpdateConfig(buyback_burn::msg::ConfigUpdate {
                per_call_cap: Some(Uint128::zero()),
                ..Default::default()
            }),
            vec![],
            exact(BuybackError::ZeroPerCallCap),
        ),
        bad(
            "epoch_cap below per_call_cap",
            &owner,
            &BuybackMsg::UpdateConfig(buyback_burn::msg::ConfigUpdate {
                per_call_cap: Some(Uint128::MAX),
                ..Default::default()
            }),
            vec![],
            like::<BuybackError>("EpochCapBelowPerCallCap", |e| {
                matches!(e, BuybackError::EpochCapBelowPerCallCap { .. })
            }),
        ),
        bad(
            "buyback with AKT attached",
            &keeper,
            &BuybackMsg::Buyback {
                denom: AKT_DENOM.into(),
                limit: None,
            },
            coins(10, AKT_DENOM),
            like::<BuybackError>("Payment", |e| matches!(e, BuybackError::Payment(_))),
        ),
        bad(
            "buyback of an unrouted denom",
            &keeper,
            &BuybackMsg::Buyback {
                denom: "uatom".into(),
                limit: None,
            },
            vec![],
            exact(BuybackError::NoRoute {
                denom: "uatom".into(),
            }),
        ),
        bad(
            "route with a 10 KB denom",
            &owner,
            &BuybackMsg::SetRoute {
                denom: "u".repeat(TEN_KB),
                hops: vec![buyback_burn::state::Hop {
                    pool_id: w.pools.spice_osmo,
                    token_out_denom: spice.clone(),
                }],
            },
            vec![],
            like::<BuybackError>("InvalidConfig(InvalidDenom)", |e| {
                matches!(e, BuybackError::InvalidConfig(_))
            }),
        ),
        bad(
            "route visiting OSMO twice",
            &owner,
            &BuybackMsg::SetRoute {
                denom: AKT_DENOM.into(),
                hops: vec![
                    buyback_burn::state::Hop {
                        pool_id: w.pools.osmo_akt,
                        token_out_denom: OSMO_DENOM.into(),
                    },
                    buyback_burn::state::Hop {
                        pool_id: w.pools.osmo_akt,
                        token_out_denom: OSMO_DENOM.into(),
                    },
                    buyback_burn::state::Hop {
                        pool_id: w.pools.spice_osmo,
                        token_out_denom: spice.clone(),
                    },
                ],
            },
            vec![],
            like::<BuybackError>("RouteCycle", |e| {
                matches!(e, BuybackError::RouteCycle { .. })
            }),
        ),
        bad(
            "route through a pool that does not exist",
            &owner,
            &BuybackMsg::SetRoute {
                denom: OSMO_DENOM.into(),
                hops: vec![buyback_burn::state::Hop {
                    pool_id: u64::MAX,
                    token_out_denom: spice.clone(),
                }],
            },
            vec![],
            like::<BuybackError>("PoolNotFound", |e| {
                matches!(e, BuybackError::PoolNotFound { .. })
            }),
        ),
    ]);
    refuse_all(&mut w, "buyback-burn", cases);

    for q in [
        buyback_burn::msg::QueryMsg::Routes {
            start_after: None,
            limit: Some(10_000),
        },
        buyback_burn::msg::QueryMsg::Status {
            start_after: None,
            limit: Some(10_000),
        },
    ] {
        w.try_query(&buyback, &q)
            .expect("a huge limit is capped, not refused");
    }
    let routes = buyback_burn::msg::QueryMsg::Routes {
        start_after: Some("~garbage~".into()),
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &buyback, &routes, "routes"), 0);
    let history = buyback_burn::msg::QueryMsg::History {
        start_after: Some(u64::MAX),
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &buyback, &history, "buybacks"), 0);
    // keeper_work: a huge limit is capped, a start_after past every route lists nothing.
    let work = |start_after: Option<String>| buyback_burn::msg::QueryMsg::KeeperWork {
        start_after,
        limit: Some(10_000),
    };
    w.try_query(&buyback, &work(None))
        .expect("a huge limit is capped, not refused");
    assert_eq!(
        page_len(&w, &buyback, &work(Some("~garbage~".into())), "ready"),
        0
    );
}

// ---------- provider-incentives ----------

#[test]
fn incentives_refuse_malformed_input() {
    let mut w = World::new();
    let incentives = w.incentives();
    let (owner, auditor, oracle, treasury, provider, stranger) = (
        w.roles.owner.clone(),
        w.roles.auditor.clone(),
        w.roles.oracle.clone(),
        w.roles.treasury.clone(),
        w.provider.clone(),
        w.stranger.clone(),
    );
    let escrow = w.escrow();
    w.give(
        &treasury,
        vec![coin(1_000, OSMO_DENOM), coin(1_000, "uatom")],
    );
    w.give(&stranger, coins(10, OSMO_DENOM));
    let current = w.current_epoch();
    let mut cases = vec![];
    for (what, address) in malformed(&provider) {
        cases.push(bad(
            &format!("audit {what}"),
            &auditor,
            &IncentivesMsg::AuditProvider {
                provider: address.clone(),
                tier: 1,
                attributes: vec![],
            },
            vec![],
            addr_err!(IncentivesError),
        ));
        cases.push(bad(
            &format!("report on {what}"),
            &oracle,
            &IncentivesMsg::SubmitReport {
                epoch: current,
                entries: vec![provider_incentives::msg::ReportEntry {
                    provider: address.clone(),
                    utilization_units: Uint128::one(),
                }],
            },
            vec![],
            addr_err!(IncentivesError),
        ));
        cases.push(bad(
            &format!("dispute {what}"),
            &auditor,
            &IncentivesMsg::Dispute {
                epoch: w.epoch,
                provider: address.clone(),
                reason: "x".into(),
            },
            vec![],
            addr_err!(IncentivesError),
        ));
        cases.push(bad(
            &format!("oracle {what}"),
            &owner,
            &IncentivesMsg::UpdateConfig(provider_incentives::msg::ConfigUpdate {
                oracles: Some(vec![address.clone()]),
                ..Default::default()
            }),
            vec![],
            addr_err!(IncentivesError),
        ));
        cases.push(bad(
            &format!("lease_settled for {what}"),
            &escrow,
            &IncentivesMsg::LeaseSettled {
                provider: address.clone(),
                tenant: address.clone(),
                lease_id: 1,
                denom: AKT_DENOM.into(),
                amount: Uint128::one(),
                take_fee: Uint128::zero(),
                blocks: 1,
                served_from: cosmwasm_std::Timestamp::from_seconds(1),
                served_until: cosmwasm_std::Timestamp::from_seconds(1),
            },
            vec![],
            addr_err!(IncentivesError),
        ));
    }
    cases.extend([
        bad(
            "a zero value weight",
            &owner,
            &IncentivesMsg::UpdateConfig(provider_incentives::msg::ConfigUpdate {
                value_weights: Some(vec![provider_incentives::msg::ValueWeight {
                    denom: AKT_DENOM.into(),
                    weight: cosmwasm_std::Decimal::zero(),
                }]),
                ..Default::default()
            }),
            vec![],
            exact(IncentivesError::ValueWeightOutOfRange {
                denom: AKT_DENOM.into(),
                value: cosmwasm_std::Decimal::zero(),
                max: cosmwasm_std::Decimal::raw(1_000_000_000_000_000_000_000_000),
            }),
        ),
        bad(
            "a zero per-pair weight cap",
            &owner,
            &IncentivesMsg::UpdateConfig(provider_incentives::msg::ConfigUpdate {
                max_weight_per_pair: Some(Uint128::zero()),
                ..Default::default()
            }),
            vec![],
            exact(IncentivesError::ZeroCap {
                field: "max_weight_per_pair".into(),
            }),
        ),
        bad(
            "a payout cap in a denom the pool does not pay",
            &owner,
            &IncentivesMsg::UpdateConfig(provider_incentives::msg::ConfigUpdate {
                max_payout_per_epoch: Some(vec![cosmwasm_std::coin(1, AKT_DENOM)]),
                ..Default::default()
            }),
            vec![],
            exact(IncentivesError::PayoutCapNotRewarded {
                denom: AKT_DENOM.into(),
            }),
        ),
    ]);
    let text = |field: &str, len: usize, max: u32| {
        exact(IncentivesError::TextLength {
            field: field.into(),
            len: len as u32,
            max,
        })
    };
    cases.extend([
        bad(
            "fund with nothing",
            &treasury,
            &IncentivesMsg::Fund { epoch: None },
            vec![],
            like::<IncentivesError>("NoFunds", |e| matches!(e, IncentivesError::NoFunds { .. })),
        ),
        bad(
            "fund with a denom that is not rewarded",
            &treasury,
            &IncentivesMsg::Fund { epoch: None },
            coins(10, "uatom"),
            like::<IncentivesError>(
                "WrongDenom",
                |e| matches!(e, IncentivesError::WrongDenom { denom, .. } if denom == "uatom"),
            ),
        ),
        bad(
            "fund OSMO with an extra denom",
            &treasury,
            &IncentivesMsg::Fund { epoch: None },
            vec![coin(10, "uatom"), coin(10, OSMO_DENOM)],
            like::<IncentivesError>(
                "WrongDenom",
                |e| matches!(e, IncentivesError::WrongDenom { denom, .. } if denom == "uatom"),
            ),
        ),
        bad(
            "fund a past epoch",
            &treasury,
            &IncentivesMsg::Fund { epoch: Some(0) },
            coins(10, OSMO_DENOM),
            exact(IncentivesError::EpochInPast { epoch: 0, current }),
        ),
        bad(
            "fund epoch u64::MAX",
            &treasury,
            &IncentivesMsg::Fund {
                epoch: Some(u64::MAX),
            },
            coins(10, OSMO_DENOM),
            like::<IncentivesError>("EpochTooFarAhead or EpochOutOfRange", |e| {
                matches!(
                    e,
                    IncentivesError::EpochTooFarAhead { .. }
                        | IncentivesError::EpochOutOfRange { .. }
                )
            }),
        ),
        bad(
            "register with funds but no bond denom",
            &stranger,
            &IncentivesMsg::RegisterProvider {
                info: provider_incentives::state::ProviderInfo {
                    moniker: "m".into(),
                    host_uri: "https://m.example".into(),
                },
            },
            coins(10, OSMO_DENOM),
            exact(IncentivesError::UnexpectedFunds {
                funds: "10uosmo".into(),
            }),
        ),
        bad(
            "10 KB moniker",
            &stranger,
            &IncentivesMsg::RegisterProvider {
                info: provider_incentives::state::ProviderInfo {
                    moniker: "m".repeat(TEN_KB),
                    host_uri: "https://m.example".into(),
                },
            },
            vec![],
            text("moniker", TEN_KB, 64),
        ),
        bad(
            "empty moniker",
            &stranger,
            &IncentivesMsg::RegisterProvider {
                info: provider_incentives::state::ProviderInfo {
                    moniker: String::new(),
                    host_uri: "https://m.example".into(),
                },
            },
            vec![],
            text("moniker", 0, 64),
        ),
        bad(
            "10 KB attribute value",
            &auditor,
            &IncentivesMsg::AuditProvider {
                provider: provider.to_string(),
                tier: 1,
                attributes: vec![provider_incentives::msg::AttributeInput {
                    key: "gpu".into(),
                    value: "a".repeat(TEN_KB),
                }],
            },
            vec![],
            text("attribute value", TEN_KB, 256),
        ),
        bad(
            "10 KB dispute reason",
            &auditor,
            &IncentivesMsg::Dispute {
                epoch: w.epoch,
                provider: provider.to_string(),
                reason: "r".repeat(TEN_KB),
            },
            vec![],
            text("reason", TEN_KB, 512),
        ),
        bad(
            "tier u32::MAX",
            &auditor,
            &IncentivesMsg::AuditProvider {
                provider: provider.to_string(),
                tier: u32::MAX,
                attributes: vec![],
            },
            vec![],
            exact(IncentivesError::InvalidTier {
                tier: u32::MAX,
                max: 3,
            }),
        ),
        bad(
            "empty report",
            &oracle,
            &IncentivesMsg::SubmitReport {
                epoch: current,
                entries: vec![],
            },
            vec![],
            exact(IncentivesError::ReportSize { count: 0, max: 50 }),
        ),
        bad(
            "utilization u128::MAX",
            &oracle,
            &IncentivesMsg::SubmitReport {
                epoch: current,
                entries: vec![provider_incentives::msg::ReportEntry {
                    provider: provider.to_string(),
                    utilization_units: Uint128::MAX,
                }],
            },
            vec![],
            like::<IncentivesError>("UtilizationTooLarge", |e| {
                matches!(e, IncentivesError::UtilizationTooLarge { .. })
            }),
        ),
        bad(
            "the same provider twice in one report",
            &oracle,
            &IncentivesMsg::SubmitReport {
                epoch: current,
                entries: vec![
                    provider_incentives::msg::ReportEntry {
                        provider: provider.to_string(),
                        utilization_units: Uint128::one(),
                    },
                    provider_incentives::msg::ReportEntry {
                        provider: provider.to_string(),
                        utilization_units: Uint128::new(1_000),
                    },
                ],
            },
            vec![],
            exact(IncentivesError::AlreadyReported {
                epoch: current,
                provider: provider.to_string(),
                oracle: oracle.to_string(),
            }),
        ),
        bad(
            "duplicate oracles",
            &owner,
            &IncentivesMsg::UpdateConfig(provider_incentives::msg::ConfigUpdate {
                oracles: Some(vec![oracle.to_string(), oracle.to_string()]),
                ..Default::default()
            }),
            vec![],
            like::<IncentivesError>("DuplicateAddress", |e| {
                matches!(e, IncentivesError::DuplicateAddress { .. })
            }),
        ),
        bad(
            "finalize an epoch twice",
            &stranger,
            &IncentivesMsg::FinalizeEpoch { epoch: w.epoch },
            vec![],
            exact(IncentivesError::EpochFinalized { epoch: w.epoch }),
        ),
        bad(
            "claim a reversed range",
            &provider,
            &IncentivesMsg::Claim {
                epochs: Some(provider_incentives::msg::EpochRange { first: 5, last: 1 }),
                limit: Some(10_000),
            },
            vec![],
            exact(IncentivesError::InvalidEpochRange { first: 5, last: 1 }),
        ),
        bad(
            "resolve a dispute that was never raised, slashing u128::MAX",
            &owner,
            &IncentivesMsg::ResolveDispute {
                epoch: w.epoch,
                provider: provider.to_string(),
                outcome: provider_incentives::msg::DisputeOutcome::Clawback,
                slash: Some(Uint128::MAX),
            },
            vec![],
            exact(IncentivesError::DisputeNotFound {
                epoch: w.epoch,
                provider: provider.to_string(),
            }),
        ),
    ]);
    refuse_all(&mut w, "provider-incentives", cases);

    // Pagination: 35 more providers; a limit of 10,000 still returns 30.
    for i in 0..35 {
        let p = w.addr(&format!("p{i}"));
        w.exec(
            &p,
            &incentives,
            &IncentivesMsg::RegisterProvider {
                info: provider_incentives::state::ProviderInfo {
                    moniker: format!("p{i}"),
                    host_uri: format!("https://p{i}.example"),
                },
            },
            &[],
        )
        .unwrap();
    }
    let q = |start_after: Option<String>| provider_incentives::msg::QueryMsg::Providers {
        start_after,
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &incentives, &q(None), "providers"), 30);
    query_refused(&w, &incentives, &q(Some("garbage".into())), "Invalid input");
    let pending = provider_incentives::msg::QueryMsg::PendingRewards {
        provider: provider.to_string(),
        start_after: None,
        limit: Some(10_000),
    };
    assert!(page_len(&w, &incentives, &pending, "epochs") <= 30);
    // keeper_work: a huge limit is capped at 30 epochs; start_after u64::MAX lists nothing.
    let work = |start_after: Option<u64>| provider_incentives::msg::QueryMsg::KeeperWork {
        start_after,
        limit: Some(10_000),
    };
    assert!(page_len(&w, &incentives, &work(None), "ready") <= 30);
    assert_eq!(page_len(&w, &incentives, &work(Some(u64::MAX)), "ready"), 0);
    query_refused(
        &w,
        &incentives,
        &provider_incentives::msg::QueryMsg::Provider {
            address: provider.as_str().to_uppercase(),
        },
        "Invalid input",
    );
}

// ---------- order-book ----------

#[test]
fn order_book_refuses_malformed_input() {
    let mut w = World::new();
    let book = w.book();
    let (owner, tenant, provider) = (w.roles.owner.clone(), w.tenant.clone(), w.provider.clone());
    w.give(
        &tenant,
        vec![
            coin(10_000_000, AKT_DENOM),
            coin(10_000_000, USDC_DENOM),
            coin(10_000_000, "uatom"),
        ],
    );
    let deposit = coins(100_000, AKT_DENOM);
    let (order, offer) = (w.order, w.offer);
    let place =
        |f: &dyn Fn(&mut order_book::spec::OrderSpec, &mut Decimal, &mut String, &mut u32)| {
            let BookMsg::PlaceOrder {
                mut spec,
                mut max_price_per_block,
                mut denom,
                expires_at,
                mut replicas,
            } = order_msg(Decimal::one())
            else {
                unreachable!()
            };
            f(
                &mut spec,
                &mut max_price_per_block,
                &mut denom,
                &mut replicas,
            );
            BookMsg::PlaceOrder {
                spec,
                max_price_per_block,
                denom,
                expires_at,
                replicas,
            }
        };
    let post = |f: &dyn Fn(&mut order_book::spec::Capacity, &mut Decimal, &mut u32)| {
        let BookMsg::PostOffer {
            mut spec_capacity,
            mut price_per_block,
            denom,
            mut units,
            expires_at,
        } = offer_msg(Decimal::percent(50))
        else {
            unreachable!()
        };
        f(&mut spec_capacity, &mut price_per_block, &mut units);
        BookMsg::PostOffer {
            spec_capacity,
            price_per_block,
            denom,
            units,
            expires_at,
        }
    };
    let mut cases = vec![];
    for (what, address) in malformed(&w.roles.auditor) {
        let a = address.clone();
        cases.push(bad(
            &format!("signed_by {what}"),
            &tenant,
            &place(&move |spec, _, _, _| spec.signed_by.any_of = vec![a.clone()]),
            deposit.clone(),
            addr_err!(BookError),
        ));
        cases.push(bad(
            &format!("escrow {what}"),
            &owner,
            &BookMsg::UpdateConfig(order_book::msg::ConfigUpdate {
                escrow: Some(address.clone()),
                ..Default::default()
            }),
            vec![],
            addr_err!(BookError),
        ));
    }
    let long = "x".repeat(TEN_KB);
    let (l1, l2) = (long.clone(), long.clone());
    cases.extend([
        bad(
            "max price 0",
            &tenant,
            &place(&|_, price, _, _| *price = Decimal::zero()),
            deposit.clone(),
            like::<BookError>("ZeroPrice", |e| matches!(e, BookError::ZeroPrice { .. })),
        ),
        bad(
            "0 replicas",
            &tenant,
            &place(&|_, _, _, replicas| *replicas = 0),
            deposit.clone(),
            like::<BookError>("ReplicasOutOfRange", |e| {
                matches!(e, BookError::ReplicasOutOfRange { value: 0, .. })
            }),
        ),
        bad(
            "u32::MAX replicas",
            &tenant,
            &place(&|_, _, _, replicas| *replicas = u32::MAX),
            deposit.clone(),
            like::<BookError>("ReplicasOutOfRange", |e| {
                matches!(e, BookError::ReplicasOutOfRange { .. })
            }),
        ),
        bad(
            "max price Decimal::MAX",
            &tenant,
            &place(&|_, price, _, _| *price = Decimal::MAX),
            deposit.clone(),
            like::<BookError>("InsufficientDeposit (computed in 256 bits)", |e| {
                matches!(e, BookError::InsufficientDeposit { .. })
            }),
        ),
        bad(
            "CPU u64::MAX",
            &tenant,
            &place(&|spec, _, _, _| spec.resources.cpu_millis = u64::MAX),
            deposit.clone(),
            like::<BookError>("ResourceOutOfRange", |e| {
                matches!(e, BookError::ResourceOutOfRange { .. })
            }),
        ),
        bad(
            "denom not accepted",
            &tenant,
            &place(&|_, _, denom, _| *denom = "uatom".into()),
            coins(100_000, "uatom"),
            like::<BookError>("DenomNotAccepted", |e| {
                matches!(e, BookError::DenomNotAccepted { .. })
            }),
        ),
        bad(
            "deposit in USDC for an AKT order",
            &tenant,
            &place(&|_, _, _, _| {}),
            coins(100_000, USDC_DENOM),
            like::<BookError>("WrongDenom", |e| matches!(e, BookError::WrongDenom { .. })),
        ),
        bad(
            "deposit with an extra denom",
            &tenant,
            &place(&|_, _, _, _| {}),
            vec![coin(100_000, AKT_DENOM), coin(1, USDC_DENOM)],
            like::<BookError>("MultipleCoins", |e| {
                matches!(e, BookError::MultipleCoins { .. })
            }),
        ),
        bad(
            "no deposit",
            &tenant,
            &place(&|_, _, _, _| {}),
            vec![],
            like::<BookError>("NoFunds", |e| matches!(e, BookError::NoFunds { .. })),
        ),
        bad(
            "duplicate attribute keys",
            &tenant,
            &place(&|spec, _, _, _| {
                spec.attributes = vec![
                    order_book::spec::Attribute {
                        key: "tier".into(),
                        value: "a".into(),
                    },
                    order_book::spec::Attribute {
                        key: "tier".into(),
                        value: "b".into(),
                    },
                ]
            }),
            deposit.clone(),
            exact(BookError::DuplicateAttribute { key: "tier".into() }),
        ),
        bad(
            "10 KB region",
            &tenant,
            &place(&move |spec, _, _, _| spec.region = Some(l1.clone())),
            deposit.clone(),
            exact(BookError::StringTooLong {
                field: "region".into(),
                len: TEN_KB,
                max: 64,
            }),
        ),
        bad(
            "10 KB offer attribute",
            &provider,
            &post(&move |cap, _, _| {
                cap.attributes = vec![order_book::spec::Attribute {
                    key: "tier".into(),
                    value: l2.clone(),
                }]
            }),
            vec![],
            like::<BookError>(
                "StringTooLong",
                |e| matches!(e, BookError::StringTooLong { len, .. } if *len == TEN_KB),
            ),
        ),
        bad(
            "offer of 0 units",
            &provider,
            &post(&|_, _, units| *units = 0),
            vec![],
            like::<BookError>("UnitsOutOfRange", |e| {
                matches!(e, BookError::UnitsOutOfRange { value: 0, .. })
            }),
        ),
        bad(
            "offer at price 0",
            &provider,
            &post(&|_, price, _| *price = Decimal::zero()),
            vec![],
            like::<BookError>("ZeroPrice", |e| matches!(e, BookError::ZeroPrice { .. })),
        ),
        bad(
            "offer with coins where the book charges no deposit",
            &provider,
            &post(&|_, _, _| {}),
            coins(1, AKT_DENOM),
            like::<BookError>("UnexpectedFunds", |e| {
                matches!(e, BookError::UnexpectedFunds { .. })
            }),
        ),
        bad(
            "offer deposit in a malformed denom",
            &owner,
            &BookMsg::UpdateConfig(order_book::msg::ConfigUpdate {
                offer_deposit: Some(coin(1, "u")),
                ..Default::default()
            }),
            vec![],
            like::<BookError>("InvalidDenom", |e| {
                matches!(
                    e,
                    BookError::InvalidConfig(spice_types::ValidationError::InvalidDenom { .. })
                )
            }),
        ),
        bad(
            "cancel with funds",
            &tenant,
            &BookMsg::CancelOrder { order_id: order },
            coins(1, AKT_DENOM),
            like::<BookError>("UnexpectedFunds", |e| {
                matches!(e, BookError::UnexpectedFunds { .. })
            }),
        ),
        bad(
            "order id that does not exist",
            &tenant,
            &BookMsg::CancelOrder { order_id: u64::MAX },
            vec![],
            exact(BookError::OrderNotFound { order_id: u64::MAX }),
        ),
        bad(
            "offer id that does not exist",
            &provider,
            &BookMsg::WithdrawOffer { offer_id: 0 },
            vec![],
            exact(BookError::OfferNotFound { offer_id: 0 }),
        ),
        bad(
            "amend that changes nothing",
            &tenant,
            &BookMsg::AmendOrder {
                order_id: order,
                max_price_per_block: None,
                expires_at: None,
                replicas: None,
            },
            vec![],
            exact(BookError::NothingToAmend),
        ),
    ]);
    refuse_all(&mut w, "order-book", cases);

    // The same id twice: a cancelled order and a withdrawn offer cannot be closed again.
    w.exec(
        &tenant,
        &book,
        &BookMsg::CancelOrder { order_id: order },
        &[],
    )
    .unwrap();
    w.exec(
        &provider,
        &book,
        &BookMsg::WithdrawOffer { offer_id: offer },
        &[],
    )
    .unwrap();
    w.refuse(
        &tenant,
        &book,
        &BookMsg::CancelOrder { order_id: order },
        &[],
        &like::<BookError>("OrderNotOpen", |e| {
            matches!(e, BookError::OrderNotOpen { .. })
        }),
    );
    w.refuse(
        &provider,
        &book,
        &BookMsg::WithdrawOffer { offer_id: offer },
        &[],
        &like::<BookError>("OfferNotOpen", |e| {
            matches!(e, BookError::OfferNotOpen { .. })
        }),
    );

    // Pagination: 35 orders from two tenants (20 open orders each at most).
    let other = w.addr("tenant2");
    w.give(&other, coins(10_000_000, AKT_DENOM));
    for i in 0..35 {
        let who = if i < 19 { &tenant } else { &other };
        w.exec(who, &book, &order_msg(Decimal::one()), &deposit)
            .unwrap();
    }
    let orders = order_book::msg::QueryMsg::Orders {
        tenant: None,
        status: None,
        start_after: None,
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &book, &orders, "orders"), 30);
    let by_garbage = order_book::msg::QueryMsg::Orders {
        tenant: Some("garbage".into()),
        status: None,
        start_after: None,
        limit: Some(10_000),
    };
    query_refused(&w, &book, &by_garbage, "Invalid input");
    let offers = order_book::msg::QueryMsg::Offers {
        provider: Some(provider.as_str().to_uppercase()),
        start_after: None,
        limit: Some(10_000),
    };
    query_refused(&w, &book, &offers, "Invalid input");
    let class = w.order_info(order).resource_class;
    let depth: order_book::msg::DepthResponse = w.query(
        &book,
        &order_book::msg::QueryMsg::Depth {
            resource_class: class,
            denom: AKT_DENOM.into(),
            limit: Some(10_000),
        },
    );
    assert!(depth.bids.len() <= 30 && depth.asks.len() <= 30);
    // keeper_work: a huge limit becomes the calls' own caps.
    let work: order_book::msg::KeeperWorkResponse = w.query(
        &book,
        &order_book::msg::QueryMsg::KeeperWork {
            limit: Some(u32::MAX),
        },
    );
    if let Some(m) = work.match_orders {
        assert_eq!(
            m.msg,
            order_book::msg::ExecuteMsg::MatchOrders { limit: Some(10) }
        );
    }
    if let Some(e) = work.expire_orders {
        assert_eq!(
            e.msg,
            order_book::msg::ExecuteMsg::ExpireOrders { limit: Some(30) }
        );
    }
}

// ---------- rollover-escrow ----------

#[test]
fn escrow_refuses_malformed_input() {
    let mut w = World::new();
    let escrow = w.escrow();
    let (owner, tenant, provider, sponsor) = (
        w.roles.owner.clone(),
        w.tenant.clone(),
        w.provider.clone(),
        w.sponsor.clone(),
    );
    let lease = w.lease;
    w.give(
        &tenant,
        vec![
            coin(1_000_000, AKT_DENOM),
            coin(10_000, USDC_DENOM),
            coin(10_000, "uatom"),
        ],
    );
    let book = w.book();
    w.give(&book, coins(1_000_000, AKT_DENOM));
    let base = w.lease_msg(&provider, false);
    let item = |deposit: u128| spice_types::OpenLeaseItem {
        lease: spice_types::OpenLeaseMsg {
            tenant: Some(tenant.to_string()),
            ..base.clone()
        },
        deposit: Uint128::new(deposit),
    };
    let open = |f: &dyn Fn(&mut spice_types::OpenLeaseMsg)| {
        let mut msg = base.clone();
        f(&mut msg);
        EscrowMsg::OpenLease(msg)
    };
    let deposit = coins(1_000, AKT_DENOM);
    let mut cases = vec![];
    for (what, address) in malformed(&w.backup) {
        let (a1, a2, a3) = (address.clone(), address.clone(), address.clone());
        cases.extend([
            bad(
                &format!("lease provider {what}"),
                &tenant,
                &open(&move |m| m.provider = a1.clone()),
                deposit.clone(),
                addr_err!(EscrowError),
            ),
            bad(
                &format!("backup {what}"),
                &tenant,
                &open(&move |m| {
                    m.backups = vec![spice_types::BackupProvider {
                        provider: a2.clone(),
                        price_per_block: Decimal::one(),
                    }]
                }),
                deposit.clone(),
                addr_err!(EscrowError),
            ),
            bad(
                &format!("tenant {what}"),
                &tenant,
                &open(&move |m| m.tenant = Some(a3.clone())),
                deposit.clone(),
                addr_err!(EscrowError),
            ),
            bad(
                &format!("grant to {what}"),
                &sponsor,
                &EscrowMsg::Grant {
                    grantee: address.clone(),
                    spend_limit: coin(1, AKT_DENOM),
                    expiration: None,
                },
                vec![],
                addr_err!(EscrowError),
            ),
            bad(
                &format!("deposit from granter {what}"),
                &tenant,
                &EscrowMsg::DepositFromGrant {
                    lease_id: lease,
                    granter: address.clone(),
                    amount: Uint128::one(),
                },
                vec![],
                addr_err!(EscrowError),
            ),
            bad(
                &format!("revoke {what}"),
                &sponsor,
                &EscrowMsg::Revoke {
                    grantee: address.clone(),
                },
                vec![],
                addr_err!(EscrowError),
            ),
            bad(
                &format!("auto top-up from granter {what}"),
                &tenant,
                &EscrowMsg::SetAutoTopUp {
                    lease_id: lease,
                    target_runway_blocks: 10,
                    source: rollover_escrow::state::TopUpSource::Grant {
                        granter: address.clone(),
                    },
                },
                vec![],
                addr_err!(EscrowError),
            ),
            bad(
                &format!("fee_collector {what}"),
                &owner,
                &EscrowMsg::UpdateConfig(rollover_escrow::msg::ConfigUpdate {
                    fee_collector: Some(address.clone()),
                    ..Default::default()
                }),
                vec![],
                addr_err!(EscrowError),
            ),
            bad(
                &format!("monitor {what}"),
                &owner,
                &EscrowMsg::UpdateConfig(rollover_escrow::msg::ConfigUpdate {
                    monitors: Some(vec![address.clone()]),
                    ..Default::default()
                }),
                vec![],
                addr_err!(EscrowError),
            ),
        ]);
    }
    let backup = w.backup.to_string();
    let (b1, b2) = (backup.clone(), backup.clone());
    let p1 = provider.to_string();
    cases.extend([
        bad(
            "price 0",
            &tenant,
            &open(&|m| m.price_per_block = Decimal::zero()),
            deposit.clone(),
            exact(EscrowError::ZeroPrice),
        ),
        bad(
            "no deposit",
            &tenant,
            &open(&|_| {}),
            vec![],
            exact(EscrowError::ExpectedOneCoin { count: 0 }),
        ),
        bad(
            "deposit with an extra denom",
            &tenant,
            &open(&|_| {}),
            vec![coin(1_000, AKT_DENOM), coin(1, USDC_DENOM)],
            exact(EscrowError::ExpectedOneCoin { count: 2 }),
        ),
        bad(
            "denom not accepted",
            &tenant,
            &open(&|m| m.denom = "uatom".into()),
            coins(1_000, "uatom"),
            like::<EscrowError>("DenomNotAccepted", |e| {
                matches!(e, EscrowError::DenomNotAccepted { .. })
            }),
        ),
        bad(
            "USDC attached to an AKT lease",
            &tenant,
            &open(&|_| {}),
            coins(1_000, USDC_DENOM),
            exact(EscrowError::FundsDenomMismatch {
                expected: AKT_DENOM.into(),
                got: USDC_DENOM.into(),
            }),
        ),
        bad(
            "the same backup twice",
            &tenant,
            &open(&move |m| {
                m.backups = vec![
                    spice_types::BackupProvider {
                        provider: b1.clone(),
                        price_per_block: Decimal::one(),
                    },
                    spice_types::BackupProvider {
                        provider: b1.clone(),
                        price_per_block: Decimal::one(),
                    },
                ]
            }),
            deposit.clone(),
            exact(EscrowError::DuplicateBackup {
                provider: backup.clone(),
            }),
        ),
        bad(
            "the provider as its own backup",
            &tenant,
            &open(&move |m| {
                m.backups = vec![spice_types::BackupProvider {
                    provider: p1.clone(),
                    price_per_block: Decimal::one(),
                }]
            }),
            deposit.clone(),
            exact(EscrowError::BackupIsProvider {
                provider: provider.to_string(),
            }),
        ),
        bad(
            "a backup at price 0",
            &tenant,
            &open(&move |m| {
                m.backups = vec![spice_types::BackupProvider {
                    provider: b2.clone(),
                    price_per_block: Decimal::zero(),
                }]
            }),
            deposit.clone(),
            exact(EscrowError::ZeroPrice),
        ),
        bad(
            "deposit USDC into an AKT lease",
            &tenant,
            &EscrowMsg::Deposit { lease_id: lease },
            coins(10, USDC_DENOM),
            exact(EscrowError::WrongDenom {
                lease_id: lease,
                expected: AKT_DENOM.into(),
                got: USDC_DENOM.into(),
            }),
        ),
        bad(
            "deposit into a lease that does not exist",
            &tenant,
            &EscrowMsg::Deposit { lease_id: u64::MAX },
            coins(10, AKT_DENOM),
            exact(EscrowError::LeaseNotFound { lease_id: u64::MAX }),
        ),
        bad(
            "fund_balance in a denom not accepted",
            &tenant,
            &EscrowMsg::FundBalance {},
            coins(10, "uatom"),
            like::<EscrowError>("DenomNotAccepted", |e| {
                matches!(e, EscrowError::DenomNotAccepted { .. })
            }),
        ),
        bad(
            "settle with funds",
            &tenant,
            &EscrowMsg::Settle { lease_id: lease },
            coins(10, AKT_DENOM),
            exact(EscrowError::UnexpectedFunds { count: 1 }),
        ),
        bad(
            "settle_batch of no leases",
            &tenant,
            &EscrowMsg::SettleBatch { lease_ids: vec![] },
            vec![],
            exact(EscrowError::EmptyBatch),
        ),
        bad(
            "withdraw_batch of 31 leases",
            &tenant,
            &EscrowMsg::WithdrawBatch {
                lease_ids: vec![lease; 31],
            },
            vec![],
            exact(EscrowError::BatchTooLarge { count: 31, max: 30 }),
        ),
        bad(
            "top_up_batch of u64::MAX ids (none exists)",
            &tenant,
            &EscrowMsg::TopUpBatch {
                lease_ids: vec![u64::MAX],
            },
            vec![],
            exact(EscrowError::LeaseNotFound { lease_id: u64::MAX }),
        ),
        bad(
            "top_up_batch with funds",
            &tenant,
            &EscrowMsg::TopUpBatch {
                lease_ids: vec![lease],
            },
            coins(10, AKT_DENOM),
            exact(EscrowError::UnexpectedFunds { count: 1 }),
        ),
        bad(
            "deposit_batch listing more than attached",
            &tenant,
            &EscrowMsg::DepositBatch {
                deposits: vec![rollover_escrow::msg::BatchDeposit {
                    lease_id: lease,
                    amount: cosmwasm_std::coin(11, AKT_DENOM),
                }],
            },
            coins(10, AKT_DENOM),
            exact(EscrowError::BatchFundsMismatch {
                denom: AKT_DENOM.into(),
                attached: Uint128::new(10),
                listed: Uint128::new(11),
            }),
        ),
        bad(
            "deposit_batch listing u128::MAX twice",
            &tenant,
            &EscrowMsg::DepositBatch {
                deposits: vec![
                    rollover_escrow::msg::BatchDeposit {
                        lease_id: lease,
                        amount: cosmwasm_std::coin(u128::MAX, AKT_DENOM),
                    };
                    2
                ],
            },
            coins(10, AKT_DENOM),
            like::<EscrowError>("Overflow", |e| matches!(e, EscrowError::Overflow(_))),
        ),
        bad(
            "deposit_batch of a zero item",
            &tenant,
            &EscrowMsg::DepositBatch {
                deposits: vec![rollover_escrow::msg::BatchDeposit {
                    lease_id: lease,
                    amount: cosmwasm_std::coin(0, AKT_DENOM),
                }],
            },
            vec![],
            exact(EscrowError::ZeroAmount),
        ),
        bad(
            "open_leases of no leases",
            &book,
            &EscrowMsg::OpenLeases { leases: vec![] },
            vec![],
            exact(EscrowError::EmptyBatch),
        ),
        bad(
            "open_leases of 31 leases",
            &book,
            &EscrowMsg::OpenLeases {
                leases: vec![item(1); 31],
            },
            coins(31, AKT_DENOM),
            exact(EscrowError::BatchTooLarge { count: 31, max: 30 }),
        ),
        bad(
            "open_leases listing more than attached",
            &book,
            &EscrowMsg::OpenLeases {
                leases: vec![item(600), item(500)],
            },
            coins(1_000, AKT_DENOM),
            exact(EscrowError::BatchFundsMismatch {
                denom: AKT_DENOM.into(),
                attached: Uint128::new(1_000),
                listed: Uint128::new(1_100),
            }),
        ),
        bad(
            "open_leases listing u128::MAX twice",
            &book,
            &EscrowMsg::OpenLeases {
                leases: vec![item(u128::MAX); 2],
            },
            coins(10, AKT_DENOM),
            like::<EscrowError>("Overflow", |e| matches!(e, EscrowError::Overflow(_))),
        ),
        bad(
            "withdraw_balance 0",
            &sponsor,
            &EscrowMsg::WithdrawBalance {
                denom: AKT_DENOM.into(),
                amount: Uint128::zero(),
            },
            vec![],
            exact(EscrowError::ZeroAmount),
        ),
        bad(
            "withdraw_balance u128::MAX",
            &sponsor,
            &EscrowMsg::WithdrawBalance {
                denom: AKT_DENOM.into(),
                amount: Uint128::MAX,
            },
            vec![],
            exact(EscrowError::InsufficientBalance {
                owner: sponsor.to_string(),
                denom: AKT_DENOM.into(),
                needed: Uint128::MAX,
                available: Uint128::new(SPONSOR_BALANCE),
            }),
        ),
        bad(
            "withdraw_balance of a 10 KB denom",
            &sponsor,
            &EscrowMsg::WithdrawBalance {
                denom: "u".repeat(TEN_KB),
                amount: Uint128::one(),
            },
            vec![],
            like::<EscrowError>("InsufficientBalance", |e| {
                matches!(e, EscrowError::InsufficientBalance { .. })
            }),
        ),
        bad(
            "deposit_from_grant 0",
            &tenant,
            &EscrowMsg::DepositFromGrant {
                lease_id: lease,
                granter: sponsor.to_string(),
                amount: Uint128::zero(),
            },
            vec![],
            exact(EscrowError::ZeroAmount),
        ),
        bad(
            "deposit_from_grant u128::MAX",
            &tenant,
            &EscrowMsg::DepositFromGrant {
                lease_id: lease,
                granter: sponsor.to_string(),
                amount: Uint128::MAX,
            },
            vec![],
            exact(EscrowError::GrantLimitExceeded {
                granter: sponsor.to_string(),
                grantee: tenant.to_string(),
                needed: Uint128::MAX,
                remaining: Uint128::new(GRANT_LIMIT),
            }),
        ),
        bad(
            "grant of 0",
            &sponsor,
            &EscrowMsg::Grant {
                grantee: tenant.to_string(),
                spend_limit: coin(0, AKT_DENOM),
                expiration: None,
            },
            vec![],
            exact(EscrowError::ZeroAmount),
        ),
        bad(
            "grant in a denom not accepted",
            &sponsor,
            &EscrowMsg::Grant {
                grantee: tenant.to_string(),
                spend_limit: coin(10, "uatom"),
                expiration: None,
            },
            vec![],
            like::<EscrowError>("DenomNotAccepted", |e| {
                matches!(e, EscrowError::DenomNotAccepted { .. })
            }),
        ),
        bad(
            "close with reason 0",
            &tenant,
            &EscrowMsg::CloseLease {
                lease_id: lease,
                reason: 0,
            },
            vec![],
            like::<EscrowError>("ReasonOutOfRange", |e| {
                matches!(e, EscrowError::ReasonOutOfRange { reason: 0, .. })
            }),
        ),
        bad(
            "failure with a tenant reason code",
            &tenant,
            &EscrowMsg::ReportFailure {
                lease_id: lease,
                reason: 1,
            },
            vec![],
            like::<EscrowError>("ReasonOutOfRange", |e| {
                matches!(e, EscrowError::ReasonOutOfRange { reason: 1, .. })
            }),
        ),
        bad(
            "duplicate monitors",
            &owner,
            &EscrowMsg::UpdateConfig(rollover_escrow::msg::ConfigUpdate {
                monitors: Some(vec![
                    w.roles.monitor.to_string(),
                    w.roles.monitor.to_string(),
                ]),
                ..Default::default()
            }),
            vec![],
            exact(EscrowError::DuplicateMonitor {
                monitor: w.roles.monitor.to_string(),
            }),
        ),
        bad(
            "accept an active lease again",
            &provider,
            &EscrowMsg::AcceptLease { lease_id: lease },
            vec![],
            like::<EscrowError>("WrongStatus", |e| {
                matches!(e, EscrowError::WrongStatus { .. })
            }),
        ),
        bad(
            "10 KB spec_ref",
            &tenant,
            &open(&|m| m.spec_ref = Some("s".repeat(TEN_KB))),
            deposit.clone(),
            exact(EscrowError::SpecRefTooLong {
                len: TEN_KB,
                max: 256,
            }),
        ),
    ]);
    refuse_all(&mut w, "rollover-escrow", cases);

    // A runway target of u64::MAX blocks is priced exactly (in 256 bits): the keeper's top-up
    // moves the tenant's whole prefunded balance, no more, and nothing overflows.
    w.exec(
        &tenant,
        &escrow,
        &EscrowMsg::FundBalance {},
        &coins(500_000, AKT_DENOM),
    )
    .unwrap();
    w.exec(
        &tenant,
        &escrow,
        &EscrowMsg::SetAutoTopUp {
            lease_id: lease,
            target_runway_blocks: u64::MAX,
            source: rollover_escrow::state::TopUpSource::Balance,
        },
        &[],
    )
    .unwrap();
    let held = w.lease_info(lease).balance.u128();
    let keeper = w.keeper.clone();
    w.exec(&keeper, &escrow, &EscrowMsg::TopUp { lease_id: lease }, &[])
        .unwrap();
    assert_eq!(w.lease_info(lease).balance.u128(), held + 500_000);
    assert!(
        w.all_balances(&keeper).is_empty(),
        "nothing was left for a bounty"
    );

    // The same lease closed twice: the second close is refused.
    w.exec(
        &tenant,
        &escrow,
        &EscrowMsg::CloseLease {
            lease_id: lease,
            reason: 1,
        },
        &[],
    )
    .unwrap();
    w.refuse(
        &tenant,
        &escrow,
        &EscrowMsg::CloseLease {
            lease_id: lease,
            reason: 1,
        },
        &[],
        &like::<EscrowError>("WrongStatus", |e| {
            matches!(e, EscrowError::WrongStatus { .. })
        }),
    );

    // Pagination: 35 more leases of one tenant; a limit of 10,000 still pages 30.
    for _ in 0..35 {
        let msg = EscrowMsg::OpenLease(w.lease_msg(&provider, false));
        w.exec(&tenant, &escrow, &msg, &coins(10, AKT_DENOM))
            .unwrap();
    }
    let q = |tenant: String| rollover_escrow::msg::QueryMsg::LeasesByTenant {
        tenant,
        start_after: None,
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &escrow, &q(tenant.to_string()), "leases"), 30);
    query_refused(&w, &escrow, &q("garbage".into()), "Invalid input");
    query_refused(
        &w,
        &escrow,
        &q(tenant.as_str().to_uppercase()),
        "Invalid input",
    );
    let below = rollover_escrow::msg::QueryMsg::LeasesBelowThreshold {
        runway_blocks: u64::MAX,
        start_after: Some((u64::MAX, u64::MAX)),
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &escrow, &below, "leases"), 0);
    let work = rollover_escrow::msg::QueryMsg::KeeperWork {
        start_after: Some((u64::MAX, u64::MAX)),
        limit: Some(10_000),
    };
    assert_eq!(page_len(&w, &escrow, &work, "items"), 0);
    let work = rollover_escrow::msg::QueryMsg::KeeperWork {
        start_after: None,
        limit: Some(u32::MAX),
    };
    assert!(page_len(&w, &escrow, &work, "items") <= 30);
}

/// A lease priced at `Decimal::MAX` per block is the tenant's own choice; whatever it does to the
/// arithmetic, the tenant must still be able to close it and get the deposit back.
#[test]
fn an_absurdly_priced_lease_can_still_be_closed_and_refunded() {
    let mut w = World::new();
    let escrow = w.escrow();
    let (tenant, provider) = (w.tenant.clone(), w.provider.clone());
    let mut msg = w.lease_msg(&provider, false);
    msg.price_per_block = Decimal::MAX;
    w.give(&tenant, coins(1_000, AKT_DENOM));
    let before = w.balance(&tenant, AKT_DENOM);
    w.exec(
        &tenant,
        &escrow,
        &EscrowMsg::OpenLease(msg),
        &coins(1_000, AKT_DENOM),
    )
    .unwrap();
    let lease = w.newest_lease_of(&tenant);
    w.exec(
        &provider,
        &escrow,
        &EscrowMsg::AcceptLease { lease_id: lease },
        &[],
    )
    .unwrap();
    w.advance_blocks(3);
    // The provider's withdrawal may fail or pay; either way the tenant's exit must work.
    let withdrew = w.exec(
        &provider,
        &escrow,
        &EscrowMsg::Withdraw { lease_id: lease },
        &[],
    );
    println!(
        "withdraw at Decimal::MAX: {:?}",
        withdrew.map_err(|e| err_text(&e)).map(|_| ())
    );
    w.exec(
        &tenant,
        &escrow,
        &EscrowMsg::CloseLease {
            lease_id: lease,
            reason: 1,
        },
        &[],
    )
    .unwrap_or_else(|e| panic!("the tenant cannot close its lease: {}", err_text(&e)));
    let info = w.lease_info(lease);
    assert_eq!(
        info.total_deposited,
        info.total_paid + info.total_fees + info.total_refunded
    );
    // Whatever the provider earned came out of the deposit; the rest is back with the tenant.
    assert_eq!(
        w.balance(&tenant, AKT_DENOM),
        before - (info.total_paid + info.total_fees).u128()
    );
}
