use cosmwasm_std::Uint128;
use serde::Deserialize;
use serde_json::json;
use spice_suite::{deploy, Roles, AKT_DENOM, SPICE_CAP};
use spice_testing::osmosis_app;

#[test]
fn deploy_wires_every_contract_to_the_ones_it_pays_or_calls() {
    let mut app = osmosis_app();
    let roles = Roles::new(&app);
    let suite = deploy(&mut app, &roles).unwrap();
    let q = app.wrap();

    let escrow: rollover_escrow::state::Config = q
        .query_wasm_smart(
            &suite.rollover_escrow.address,
            &rollover_escrow::msg::QueryMsg::Config {},
        )
        .unwrap();
    assert_eq!(escrow.fee_collector, suite.staking_vault.address);
    assert_eq!(escrow.order_book, Some(suite.order_book.address.clone()));
    assert_eq!(
        escrow.incentives,
        Some(suite.provider_incentives.address.clone())
    );
    assert_eq!(escrow.monitors, vec![roles.monitor.clone()]);

    let vault: staking_vault::state::Config = q
        .query_wasm_smart(
            &suite.staking_vault.address,
            &staking_vault::msg::QueryMsg::Config {},
        )
        .unwrap();
    assert_eq!(vault.revenue_recipient, suite.buyback_burn.address);

    let buyback: buyback_burn::state::Config = q
        .query_wasm_smart(
            &suite.buyback_burn.address,
            &buyback_burn::msg::QueryMsg::Config {},
        )
        .unwrap();
    assert_eq!(buyback.spice_token, suite.spice_token.address);
    assert_eq!(buyback.spice_denom, suite.spice_denom());

    let book: order_book::state::Config = q
        .query_wasm_smart(
            &suite.order_book.address,
            &order_book::msg::QueryMsg::Config {},
        )
        .unwrap();
    assert_eq!(book.escrow, suite.rollover_escrow.address);
    assert_eq!(
        book.provider_registry,
        Some(suite.provider_incentives.address.clone())
    );

    let incentives: provider_incentives::state::Config = q
        .query_wasm_smart(
            &suite.provider_incentives.address,
            &provider_incentives::msg::QueryMsg::Config {},
        )
        .unwrap();
    assert_eq!(
        incentives.escrow,
        Some(suite.rollover_escrow.address.clone())
    );
    assert_eq!(incentives.oracles, roles.oracles);
    // No single oracle decides an entry.
    assert!(incentives.oracle_quorum >= 2);
    assert!(incentives
        .value_weights
        .iter()
        .any(|v| v.denom == AKT_DENOM));
    assert!(incentives.max_weight_per_pair < incentives.max_weight_per_provider);
    assert_eq!(incentives.max_payout_per_epoch.len(), 1);

    let token: spice_token::msg::TokenConfigResponse = q
        .query_wasm_smart(
            &suite.spice_token.address,
            &spice_token::msg::QueryMsg::Config {},
        )
        .unwrap();
    assert_eq!(token.native.map(|n| n.denom), Some(suite.spice_denom()));

    let supply: spice_token::msg::SupplyResponse = q
        .query_wasm_smart(
            &suite.spice_token.address,
            &spice_token::msg::QueryMsg::Supply {},
        )
        .unwrap();
    assert_eq!(supply.cap, Uint128::new(SPICE_CAP));
    assert_eq!(supply.minted, Uint128::new(SPICE_CAP / 10));
}

#[test]
fn every_contract_is_owned_by_the_dao_and_guarded() {
    let mut app = osmosis_app();
    let roles = Roles::new(&app);
    let suite = deploy(&mut app, &roles).unwrap();
    for contract in suite.all() {
        let ownership: Ownership = app
            .wrap()
            .query_wasm_smart(&contract.address, &json!({ "ownership": {} }))
            .unwrap();
        assert_eq!(
            ownership.owner.as_deref(),
            Some(roles.owner.as_str()),
            "{}",
            contract.name
        );
        let pause: PauseInfo = app
            .wrap()
            .query_wasm_smart(&contract.address, &json!({ "pause_info": {} }))
            .unwrap();
        assert!(!pause.paused, "{}", contract.name);
        assert_eq!(
            pause.guardian.as_deref(),
            Some(roles.guardian.as_str()),
            "{}",
            contract.name
        );
        // The DAO is each contract's wasm admin too, so only governance can migrate.
        let info = app
            .wrap()
            .query_wasm_contract_info(&contract.address)
            .unwrap();
        assert_eq!(info.admin.as_ref(), Some(&roles.owner), "{}", contract.name);
    }
}

#[derive(Deserialize)]
struct Ownership {
    owner: Option<String>,
}

#[derive(Deserialize)]
struct PauseInfo {
    paused: bool,
    guardian: Option<String>,
}
