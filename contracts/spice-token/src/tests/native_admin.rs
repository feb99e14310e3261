//! Issue 18: the tokenfactory admin can be renounced once the cap is fully minted, and
//! ownership can never be renounced with a pause left behind.

use cosmwasm_std::Api;
use cosmwasm_std::{coins, Addr, Uint128};
use cw20::{Cw20Coin, MinterResponse};
use cw_multi_test::{ContractWrapper, Executor};
use osmosis_std::types::osmosis::tokenfactory::v1beta1::{
    QueryDenomAuthorityMetadataRequest, QueryDenomAuthorityMetadataResponse,
};
use spice_governance::OwnershipAction;
use spice_testing::{osmosis_app, OsmosisApp};

use crate::contract;
use crate::msg::{
    EnableNative, ExecuteMsg, InstantiateMsg, QueryMsg, SupplyResponse, TokenConfigResponse,
};
use crate::ContractError;

const CAP: u128 = 10_000;

struct Chain {
    app: OsmosisApp,
    token: Addr,
    owner: Addr,
    guardian: Addr,
    alice: Addr,
    stranger: Addr,
    denom: String,
}

/// Alice holds `initial` cw20 SPICE of a cap of 10,000; the owner is the minter.
fn chain(initial: u128) -> Chain {
    let mut app = osmosis_app();
    let code = app.store_code(Box::new(ContractWrapper::new(
        contract::execute,
        contract::instantiate,
        contract::query,
    )));
    let api = app.api();
    let (owner, guardian, alice, stranger) = (
        api.addr_make("owner"),
        api.addr_make("guardian"),
        api.addr_make("alice"),
        api.addr_make("stranger"),
    );
    let msg = InstantiateMsg {
        name: "Spice".into(),
        symbol: "SPICE".into(),
        decimals: 6,
        initial_balances: vec![Cw20Coin {
            address: alice.to_string(),
            amount: Uint128::new(initial),
        }],
        mint: Some(MinterResponse {
            minter: owner.to_string(),
            cap: Some(Uint128::new(CAP)),
        }),
        marketing: None,
        owner: Some(owner.to_string()),
        guardian: Some(guardian.to_string()),
        native: Some(EnableNative {
            subdenom: "uspice".into(),
            metadata: None,
        }),
    };
    let token = app
        .instantiate_contract(code, owner.clone(), &msg, &[], "spice", None)
        .unwrap();
    let denom = format!("factory/{token}/uspice");
    Chain {
        app,
        token,
        owner,
        guardian,
        alice,
        stranger,
        denom,
    }
}

impl Chain {
    fn exec(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[cosmwasm_std::Coin],
    ) -> anyhow::Result<()> {
        self.app
            .execute_contract(sender.clone(), self.token.clone(), msg, funds)
            .map(|_| ())
    }
    #[track_caller]
    fn refused(&mut self, sender: &Addr, msg: &ExecuteMsg, expected: ContractError) {
        let e = self.exec(sender, msg, &[]).unwrap_err();
        assert_eq!(e.downcast_ref::<ContractError>(), Some(&expected), "{e:?}");
    }
    fn supply(&self) -> SupplyResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.token, &QueryMsg::Supply {})
            .unwrap()
    }
    fn native(&self, who: &Addr) -> u128 {
        self.app
            .wrap()
            .query_balance(who, &self.denom)
            .unwrap()
            .amount
            .u128()
    }
    fn cw20(&self, who: &Addr) -> u128 {
        let r: cw20::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.token,
                &QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .unwrap();
        r.balance.u128()
    }
    fn bank_supply(&self) -> u128 {
        self.app
            .wrap()
            .query_supply(&self.denom)
            .unwrap()
            .amount
            .u128()
    }
    fn admin(&self) -> String {
        let r: QueryDenomAuthorityMetadataResponse = self
            .app
            .wrap()
            .query(
                &QueryDenomAuthorityMetadataRequest {
                    denom: self.denom.clone(),
                }
                .into(),
            )
            .unwrap();
        r.authority_metadata.unwrap().admin
    }
    /// The ledger, the bank and the reserve agree.
    fn assert_books(&self) {
        let s = self.supply();
        assert_eq!(
            s.cw20_supply + s.native_supply + s.burned,
            s.minted,
            "{s:?}"
        );
        assert_eq!(
            self.bank_supply(),
            (s.native_supply + s.native_reserve).u128(),
            "{s:?}"
        );
        assert_eq!(
            self.native(&self.token.clone()),
            s.native_reserve.u128(),
            "{s:?}"
        );
        assert!(
            s.native_reserve >= s.cw20_supply || s.native_reserve.is_zero(),
            "{s:?}"
        );
    }
}

#[test]
fn renounce_before_the_cap_is_minted_is_refused_and_changes_nothing() {
    let mut c = chain(4_000);
    let owner = c.owner.clone();
    let admin = c.admin();
    assert_eq!(admin, c.token.as_str());
    c.refused(
        &owner,
        &ExecuteMsg::RenounceNativeAdmin {},
        ContractError::CapNotFullyMinted {
            minted: Uint128::new(4_000),
            cap: Uint128::new(CAP),
        },
    );
    assert_eq!(c.admin(), admin);
    assert_eq!(c.supply().native_reserve, Uint128::zero());
}

#[test]
fn only_the_owner_renounces_the_native_admin() {
    let mut c = chain(CAP);
    for who in [c.stranger.clone(), c.guardian.clone(), c.alice.clone()] {
        let err = c
            .exec(&who, &ExecuteMsg::RenounceNativeAdmin {}, &[])
            .unwrap_err();
        assert!(
            matches!(
                err.downcast_ref::<ContractError>(),
                Some(ContractError::Governance(_))
            ),
            "{err:?}"
        );
    }
    assert_eq!(c.admin(), c.token.as_str());
}

#[test]
fn renounced_admin_mints_nothing_ever_again_and_conversions_use_the_reserve() {
    let mut c = chain(CAP);
    let (owner, alice, stranger) = (c.owner.clone(), c.alice.clone(), c.stranger.clone());
    // Alice holds 3,000 native SPICE before the renounce.
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(3_000),
            recipient: None,
        },
        &[],
    )
    .unwrap();
    let res = c
        .app
        .execute_contract(
            owner.clone(),
            c.token.clone(),
            &ExecuteMsg::RenounceNativeAdmin {},
            &[],
        )
        .unwrap();
    let ev = res
        .events
        .iter()
        .find(|e| e.ty == "wasm-spice.token.renounce_native_admin")
        .unwrap();
    assert!(ev
        .attributes
        .iter()
        .any(|a| a.key == "reserve" && a.value == "7000"));
    // The admin is the null address; the reserve backs the 7,000 cw20 SPICE exactly.
    let null = c
        .app
        .api()
        .addr_humanize(&cosmwasm_std::CanonicalAddr::from(vec![0u8; 20]))
        .unwrap();
    assert_eq!(c.admin(), null.as_str());
    let s = c.supply();
    assert_eq!(s.native_reserve, Uint128::new(7_000));
    assert_eq!(c.bank_supply(), 10_000);
    c.assert_books();
    let config: TokenConfigResponse = c
        .app
        .wrap()
        .query_wasm_smart(&c.token, &QueryMsg::Config {})
        .unwrap();
    assert!(config.native_admin_renounced);

    // cw20 → native comes out of the reserve: the bank's supply does not move (no mint).
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(7_000),
            recipient: Some(stranger.to_string()),
        },
        &[],
    )
    .unwrap();
    assert_eq!(c.native(&stranger), 7_000);
    assert_eq!(c.bank_supply(), 10_000);
    assert_eq!(c.supply().native_reserve, Uint128::zero());
    c.assert_books();
    // native → cw20 goes into the reserve, and back again.
    let denom = c.denom.clone();
    c.exec(
        &stranger,
        &ExecuteMsg::ConvertToCw20 { recipient: None },
        &coins(2_500, &denom),
    )
    .unwrap();
    assert_eq!(c.cw20(&stranger), 2_500);
    assert_eq!(c.supply().native_reserve, Uint128::new(2_500));
    assert_eq!(c.bank_supply(), 10_000);
    c.assert_books();
    // A native burn stays in the reserve for good: recorded, out of circulation.
    c.exec(&stranger, &ExecuteMsg::BurnNative {}, &coins(500, &denom))
        .unwrap();
    let s = c.supply();
    assert_eq!(s.burned, Uint128::new(500));
    assert_eq!(s.native_reserve, Uint128::new(3_000));
    assert_eq!(s.native_supply + s.cw20_supply, Uint128::new(9_500));
    c.assert_books();
    // Converting more than the cw20 balance is refused as before; the reserve never runs dry
    // for what cw20 holders own.
    c.exec(
        &stranger,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(2_500),
            recipient: None,
        },
        &[],
    )
    .unwrap();
    c.assert_books();
    // Renouncing twice is refused.
    c.refused(
        &owner,
        &ExecuteMsg::RenounceNativeAdmin {},
        ContractError::NativeAdminRenounced {
            denom: denom.clone(),
        },
    );
    // The contract is no longer the admin: the chain refuses any mint it would send.
    let mint = osmosis_std::types::osmosis::tokenfactory::v1beta1::MsgMint {
        sender: c.token.to_string(),
        amount: Some(osmosis_std::types::cosmos::base::v1beta1::Coin {
            denom: denom.clone(),
            amount: "1".into(),
        }),
        mint_to_address: c.token.to_string(),
    };
    assert!(c.app.execute(c.token.clone(), mint.into()).is_err());
}

#[test]
fn renounce_with_everything_native_mints_no_reserve() {
    let mut c = chain(CAP);
    let (owner, alice) = (c.owner.clone(), c.alice.clone());
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(CAP),
            recipient: None,
        },
        &[],
    )
    .unwrap();
    c.exec(&owner, &ExecuteMsg::RenounceNativeAdmin {}, &[])
        .unwrap();
    assert_eq!(c.supply().native_reserve, Uint128::zero());
    assert_eq!(c.bank_supply(), CAP);
    c.assert_books();
    // Converting back and forth still works through the (now filling) reserve.
    let denom = c.denom.clone();
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToCw20 { recipient: None },
        &coins(10, &denom),
    )
    .unwrap();
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(10),
            recipient: None,
        },
        &[],
    )
    .unwrap();
    assert_eq!(c.native(&alice), CAP);
    c.assert_books();
}

// ---- a renounced owner never leaves a pause behind ----

#[test]
fn owner_cannot_renounce_while_the_guardian_has_paused() {
    let mut c = chain(1_000);
    let (owner, guardian) = (c.owner.clone(), c.guardian.clone());
    c.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();
    c.refused(
        &owner,
        &ExecuteMsg::UpdateOwnership(OwnershipAction::RenounceOwnership),
        ContractError::RenounceWhilePaused,
    );
    let ownership: spice_governance::Ownership<String> = c
        .app
        .wrap()
        .query_wasm_smart(&c.token, &QueryMsg::Ownership {})
        .unwrap();
    assert_eq!(ownership.owner, Some(owner.to_string()));
    // Control: unpaused, the owner renounces.
    c.exec(&owner, &ExecuteMsg::Unpause {}, &[]).unwrap();
    c.exec(
        &owner,
        &ExecuteMsg::UpdateOwnership(OwnershipAction::RenounceOwnership),
        &[],
    )
    .unwrap();
}

#[test]
fn guardian_cannot_pause_once_ownership_is_renounced() {
    let mut c = chain(1_000);
    let (owner, guardian, alice) = (c.owner.clone(), c.guardian.clone(), c.alice.clone());
    // Control: with an owner, the guardian pauses and the owner unpauses.
    c.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();
    c.exec(&owner, &ExecuteMsg::Unpause {}, &[]).unwrap();
    c.exec(
        &owner,
        &ExecuteMsg::UpdateOwnership(OwnershipAction::RenounceOwnership),
        &[],
    )
    .unwrap();
    c.refused(
        &guardian,
        &ExecuteMsg::Pause {},
        ContractError::PauseWithoutOwner,
    );
    let info: spice_governance::PauseInfoResponse = c
        .app
        .wrap()
        .query_wasm_smart(&c.token, &QueryMsg::PauseInfo {})
        .unwrap();
    assert!(!info.paused);
    // Minting and conversions stay open for good.
    c.exec(
        &owner,
        &ExecuteMsg::Mint {
            recipient: alice.to_string(),
            amount: Uint128::new(5),
        },
        &[],
    )
    .unwrap();
    c.exec(
        &alice,
        &ExecuteMsg::ConvertToNative {
            amount: Uint128::new(5),
            recipient: None,
        },
        &[],
    )
    .unwrap();
    assert_eq!(c.native(&alice), 5);
}
