use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};
use cosmwasm_std::{from_json, Binary, Uint128};
use cw20::{Cw20Coin, DownloadLogoResponse, EmbeddedLogo, Logo, LogoInfo, MarketingInfoResponse};

use crate::contract;
use crate::msg::{ExecuteMsg, InstantiateMarketingInfo, InstantiateMsg, QueryMsg};
use crate::ContractError;

const PNG: [u8; 12] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];

fn token_with_marketing(
    logo: Option<Logo>,
) -> Result<(super::helpers::Deps, cosmwasm_std::Addr), ContractError> {
    let mut deps = mock_dependencies();
    let marketer = deps.api.addr_make("marketer");
    let holder = deps.api.addr_make("holder");
    let msg = InstantiateMsg {
        name: "Spice".into(),
        symbol: "SPICE".into(),
        decimals: 6,
        initial_balances: vec![Cw20Coin {
            address: holder.to_string(),
            amount: Uint128::new(1),
        }],
        mint: None,
        marketing: Some(InstantiateMarketingInfo {
            project: Some("spice.zone".into()),
            description: Some("Akash-flavoured".into()),
            marketing: Some(marketer.to_string()),
            logo,
        }),
        owner: None,
        guardian: None,
        native: None,
    };
    contract::instantiate(deps.as_mut(), mock_env(), message_info(&holder, &[]), msg)?;
    Ok((deps, marketer))
}

fn marketing(deps: &super::helpers::Deps) -> MarketingInfoResponse {
    from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::MarketingInfo {}).unwrap())
        .unwrap()
}

#[test]
fn instantiate_stores_marketing_and_embedded_png_logo() {
    let (deps, marketer) = token_with_marketing(Some(Logo::Embedded(EmbeddedLogo::Png(
        Binary::from(PNG.to_vec()),
    ))))
    .unwrap();
    let info = marketing(&deps);
    assert_eq!(info.project.as_deref(), Some("spice.zone"));
    assert_eq!(info.marketing, Some(marketer));
    assert_eq!(info.logo, Some(LogoInfo::Embedded));
    let logo: DownloadLogoResponse =
        from_json(contract::query(deps.as_ref(), mock_env(), QueryMsg::DownloadLogo {}).unwrap())
            .unwrap();
    assert_eq!(logo.mime_type, "image/png");
    assert_eq!(logo.data.as_slice(), &PNG);
}

#[test]
fn logo_validation_follows_cw20_base() {
    let too_big = Binary::from(vec![b'<'; 5 * 1024 + 1]);
    assert_eq!(
        token_with_marketing(Some(Logo::Embedded(EmbeddedLogo::Svg(too_big))))
            .err()
            .unwrap(),
        ContractError::LogoTooBig {
            size: 5 * 1024 + 1,
            max: 5 * 1024
        }
    );
    assert_eq!(
        token_with_marketing(Some(Logo::Embedded(EmbeddedLogo::Png(Binary::from(
            b"GIF89a".to_vec()
        )))))
        .err()
        .unwrap(),
        ContractError::InvalidPngHeader
    );
    assert_eq!(
        token_with_marketing(Some(Logo::Embedded(EmbeddedLogo::Svg(Binary::from(
            b"<html>".to_vec()
        )))))
        .err()
        .unwrap(),
        ContractError::InvalidXmlPreamble
    );
    let svg = Binary::from(b"  <svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec());
    assert!(token_with_marketing(Some(Logo::Embedded(EmbeddedLogo::Svg(svg)))).is_ok());
}

#[test]
fn only_the_marketing_address_updates_marketing_and_logo() {
    let (mut deps, marketer) = token_with_marketing(None).unwrap();
    let stranger = deps.api.addr_make("stranger");
    let update = ExecuteMsg::UpdateMarketing {
        project: Some(String::new()),
        description: Some("new".into()),
        marketing: None,
    };
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&stranger, &[]),
        update.clone(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::NotMarketing {
            sender: stranger.to_string()
        }
    );
    let err = contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&stranger, &[]),
        ExecuteMsg::UploadLogo(Logo::Url("https://spice.zone/logo.png".into())),
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::NotMarketing { .. }));

    contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&marketer, &[]),
        update,
    )
    .unwrap();
    let info = marketing(&deps);
    // An empty string clears the field, as in cw20-base.
    assert_eq!(info.project, None);
    assert_eq!(info.description.as_deref(), Some("new"));

    contract::execute(
        deps.as_mut(),
        mock_env(),
        message_info(&marketer, &[]),
        ExecuteMsg::UploadLogo(Logo::Url("https://spice.zone/logo.png".into())),
    )
    .unwrap();
    assert_eq!(
        marketing(&deps).logo,
        Some(LogoInfo::Url("https://spice.zone/logo.png".into()))
    );
    // A URL logo has nothing to download.
    let err = contract::query(deps.as_ref(), mock_env(), QueryMsg::DownloadLogo {}).unwrap_err();
    assert_eq!(err, ContractError::NoEmbeddedLogo);
}

#[test]
fn without_marketing_info_nobody_can_edit_it() {
    let mut t = super::helpers::Token::new();
    let owner = t.owner.clone();
    let err = t
        .exec(
            &owner,
            ExecuteMsg::UpdateMarketing {
                project: Some("x".into()),
                description: None,
                marketing: None,
            },
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::NotMarketing { .. }));
    let info: MarketingInfoResponse = t.query(QueryMsg::MarketingInfo {});
    assert_eq!(info, MarketingInfoResponse::default());
}
