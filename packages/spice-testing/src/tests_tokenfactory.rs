//! tokenfactory as Osmosis v31 runs it: the SDK's full metadata validation, module accounts
//! refused only as Osmosis lists them, and the creation gas in `Params`.

use cosmwasm_std::{coin, Addr, Decimal};
use cw_multi_test::Executor;
use osmosis_std::types::cosmos::bank::v1beta1::{DenomUnit, Metadata};
use osmosis_std::types::cosmos::base::v1beta1::Coin as ProtoCoin;
use osmosis_std::types::osmosis::tokenfactory::v1beta1 as tf;

use crate::*;

struct Tf {
    app: OsmosisApp,
    creator: Addr,
    denom: String,
}

fn created() -> Tf {
    let mut app = osmosis_app();
    let creator = app.api().addr_make("spice-token");
    app.execute(
        creator.clone(),
        tf::MsgCreateDenom {
            sender: creator.to_string(),
            subdenom: "uspice".to_string(),
        }
        .into(),
    )
    .unwrap();
    let denom = factory_denom(&creator, "uspice");
    Tf {
        app,
        creator,
        denom,
    }
}

fn unit(denom: &str, exponent: u32, aliases: &[&str]) -> DenomUnit {
    DenomUnit {
        denom: denom.to_string(),
        exponent,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    }
}

/// The token's shape: base at 0, `spice` at 6.
fn good(base: &str) -> Metadata {
    Metadata {
        description: String::new(),
        denom_units: vec![unit(base, 0, &[]), unit("spice", 6, &["SPICE"])],
        base: base.to_string(),
        display: "spice".to_string(),
        name: "Spice".to_string(),
        symbol: "SPICE".to_string(),
        uri: String::new(),
        uri_hash: String::new(),
    }
}

impl Tf {
    fn set(&mut self, metadata: Metadata) -> anyhow::Result<()> {
        let creator = self.creator.clone();
        self.app.execute(
            creator.clone(),
            tf::MsgSetDenomMetadata {
                sender: creator.to_string(),
                metadata: Some(metadata),
            }
            .into(),
        )?;
        Ok(())
    }

    fn display(&self) -> String {
        self.app
            .wrap()
            .query_denom_metadata(&self.denom)
            .unwrap()
            .display
    }
}

#[test]
fn metadata_is_validated_like_the_sdk_and_a_refusal_changes_nothing() {
    let mut t = created();
    let base = t.denom.clone();
    // What creation wrote: one unit, display = base, which the SDK accepts.
    assert_eq!(t.display(), base);
    let with = |f: &dyn Fn(&mut Metadata)| {
        let mut m = good(&base);
        f(&mut m);
        m
    };
    let cases: Vec<(Metadata, String)> = vec![
        (
            with(&|m| m.name = " ".into()),
            "name field cannot be blank".into(),
        ),
        (
            with(&|m| m.symbol = String::new()),
            "symbol field cannot be blank".into(),
        ),
        (
            with(&|m| m.display = "1spice".into()),
            "invalid metadata display denom: invalid denom: 1spice".into(),
        ),
        (
            with(&|m| m.denom_units.reverse()),
            format!("metadata's first denomination unit must be the one with base denom '{base}'"),
        ),
        (
            with(&|m| m.denom_units[0].exponent = 1),
            format!("the exponent for base denomination unit {base} must be 0"),
        ),
        (
            with(&|m| m.denom_units[1].exponent = 0),
            "denom units should be sorted asc by exponent".into(),
        ),
        // the token's display set to its base: a second unit with the base's name
        (
            with(&|m| {
                m.display = m.base.clone();
                m.denom_units[1].denom = m.base.clone();
            }),
            format!("duplicate denomination unit {base}"),
        ),
        (
            with(&|m| m.denom_units[1].denom = "s".into()),
            "invalid denom unit: invalid denom: s".into(),
        ),
        (
            with(&|m| m.denom_units[1].aliases = vec!["SPICE".into(), "SPICE".into()]),
            "duplicate denomination unit alias SPICE".into(),
        ),
        (
            with(&|m| m.denom_units[1].aliases = vec![" ".into()]),
            "alias for denom unit spice cannot be blank".into(),
        ),
        (
            with(&|m| m.display = "mspice".into()),
            "metadata must contain a denomination unit with display denom 'mspice'".into(),
        ),
        (
            with(&|m| m.denom_units.clear()),
            "metadata must contain a denomination unit with display denom 'spice'".into(),
        ),
    ];
    for (metadata, expected) in cases {
        let err = t.set(metadata.clone()).unwrap_err();
        assert_eq!(err.root_cause().to_string(), expected, "{metadata:?}");
        assert_eq!(t.display(), base, "a refused metadata is not stored");
    }
    // a base that is not a factory denom fails DeconstructDenom
    let mut foreign = good("uspice");
    foreign.denom_units[0].denom = "uspice".into();
    let err = t.set(foreign).unwrap_err();
    assert!(
        err.root_cause()
            .to_string()
            .contains("denom prefix is incorrect"),
        "{err}"
    );
    // Control: the token's metadata is accepted.
    t.set(good(&base)).unwrap();
    assert_eq!(t.display(), "spice");
}

#[test]
fn mint_and_burn_refuse_osmosis_module_accounts_but_mint_into_a_pool() {
    let mut t = created();
    let creator = t.creator.clone();
    let lp = t.app.api().addr_make("lp");
    fund(
        &mut t.app,
        &lp,
        vec![coin(1_000_000, "uosmo"), coin(1_000_000, "uakt")],
    )
    .unwrap();
    let pool_id = create_balancer_pool(
        &mut t.app,
        &lp,
        &[(coin(1_000_000, "uosmo"), 1), (coin(1_000_000, "uakt"), 1)],
        Decimal::permille(2),
    )
    .unwrap();
    let pool = pool_address(t.app.api(), pool_id).unwrap();
    let amount = |n: u64| {
        Some(ProtoCoin {
            denom: t.denom.clone(),
            amount: n.to_string(),
        })
    };
    let mint = |to: &Addr, n: u64| -> cosmwasm_std::CosmosMsg {
        tf::MsgMint {
            sender: creator.to_string(),
            amount: amount(n),
            mint_to_address: to.to_string(),
        }
        .into()
    };
    let burn = |from: &Addr, n: u64| -> cosmwasm_std::CosmosMsg {
        tf::MsgBurn {
            sender: creator.to_string(),
            amount: amount(n),
            burn_from_address: from.to_string(),
        }
        .into()
    };
    let balance = |app: &OsmosisApp, who: &Addr| {
        app.wrap()
            .query_balance(who, factory_denom(&creator, "uspice"))
            .unwrap()
            .amount
            .u128()
    };
    // A pool's account is not on Osmosis' module account list: minting into it is allowed.
    t.app.execute(creator.clone(), mint(&pool, 7)).unwrap();
    assert_eq!(balance(&t.app, &pool), 7);
    // ... but it is a module account, so nothing is burned from it.
    let err = t.app.execute(creator.clone(), burn(&pool, 7)).unwrap_err();
    assert_eq!(
        err.root_cause().to_string(),
        "burning from Module Account is not allowed"
    );
    assert_eq!(balance(&t.app, &pool), 7);
    // Listed module accounts: neither way.
    for module in [
        community_pool_address(&t.app),
        taker_fee_collector_address(&t.app),
    ] {
        let err = t
            .app
            .execute(creator.clone(), mint(&module, 1))
            .unwrap_err();
        assert_eq!(
            err.root_cause().to_string(),
            "minting to Module Account is not allowed"
        );
        assert_eq!(balance(&t.app, &module), 0);
    }
    // Control: an ordinary holder may be minted to and, by the admin, burned from.
    let holder = t.app.api().addr_make("holder");
    t.app.execute(creator.clone(), mint(&holder, 5)).unwrap();
    t.app.execute(creator.clone(), burn(&holder, 2)).unwrap();
    assert_eq!(balance(&t.app, &holder), 3);
}

#[test]
fn params_carry_mainnets_creation_gas_and_no_fee() {
    let app = osmosis_app();
    let params = tf::TokenfactoryQuerier::new(&app.wrap())
        .params()
        .unwrap()
        .params
        .unwrap();
    assert_eq!(params.denom_creation_fee, vec![]);
    assert_eq!(params.denom_creation_gas_consume, 40_000_000);
    assert_eq!(
        crate::tokenfactory::DENOM_CREATION_GAS_CONSUME,
        params.denom_creation_gas_consume
    );
}
