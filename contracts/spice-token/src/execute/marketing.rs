//! cw20 marketing info and logo, with cw20-base's rules: the marketing address edits them,
//! an embedded logo is a PNG or SVG of at most 5 KiB.

use cosmwasm_std::{Api, Binary, DepsMut, MessageInfo, Response, Storage};
use cw20::{EmbeddedLogo, Logo, LogoInfo, MarketingInfoResponse};

use crate::error::ContractError;
use crate::msg::InstantiateMarketingInfo;
use crate::state::{LOGO, MARKETING_INFO};

pub const LOGO_SIZE_CAP: usize = 5 * 1024;
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

fn verify_svg(logo: &Binary) -> Result<(), ContractError> {
    // A trimmed prefix check, as cw20-base does: the chain cannot afford to parse XML.
    let text = logo.as_slice();
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    if !(text.starts_with(b"<?xml ") || text.starts_with(b"<svg")) {
        return Err(ContractError::InvalidXmlPreamble);
    }
    Ok(())
}

fn verify_logo(logo: &Logo) -> Result<(), ContractError> {
    let embedded = match logo {
        Logo::Url(_) => return Ok(()),
        Logo::Embedded(embedded) => embedded,
    };
    let bytes = match embedded {
        EmbeddedLogo::Svg(bytes) | EmbeddedLogo::Png(bytes) => bytes,
    };
    if bytes.len() > LOGO_SIZE_CAP {
        return Err(ContractError::LogoTooBig {
            size: bytes.len(),
            max: LOGO_SIZE_CAP,
        });
    }
    match embedded {
        EmbeddedLogo::Svg(bytes) => verify_svg(bytes),
        EmbeddedLogo::Png(bytes) if bytes.as_slice().starts_with(&PNG_SIGNATURE) => Ok(()),
        EmbeddedLogo::Png(_) => Err(ContractError::InvalidPngHeader),
    }
}

fn logo_info(logo: &Logo) -> LogoInfo {
    match logo {
        Logo::Url(url) => LogoInfo::Url(url.clone()),
        Logo::Embedded(_) => LogoInfo::Embedded,
    }
}

/// Empty strings clear a field, as in cw20-base.
fn non_empty(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

pub fn instantiate_marketing(
    storage: &mut dyn Storage,
    api: &dyn Api,
    marketing: InstantiateMarketingInfo,
) -> Result<(), ContractError> {
    if let Some(logo) = &marketing.logo {
        verify_logo(logo)?;
        LOGO.save(storage, logo)?;
    }
    let info = MarketingInfoResponse {
        project: marketing.project.and_then(non_empty),
        description: marketing.description.and_then(non_empty),
        marketing: marketing
            .marketing
            .and_then(non_empty)
            .map(|m| api.addr_validate(&m))
            .transpose()?,
        logo: marketing.logo.as_ref().map(logo_info),
    };
    MARKETING_INFO.save(storage, &info)?;
    Ok(())
}

fn load_for_editing(
    storage: &dyn Storage,
    info: &MessageInfo,
) -> Result<MarketingInfoResponse, ContractError> {
    let marketing = MARKETING_INFO.may_load(storage)?.unwrap_or_default();
    if marketing.marketing.as_ref() != Some(&info.sender) {
        return Err(ContractError::NotMarketing {
            sender: info.sender.to_string(),
        });
    }
    Ok(marketing)
}

pub fn update_marketing(
    deps: DepsMut,
    info: MessageInfo,
    project: Option<String>,
    description: Option<String>,
    marketing: Option<String>,
) -> Result<Response, ContractError> {
    let mut current = load_for_editing(deps.storage, &info)?;
    if let Some(project) = project {
        current.project = non_empty(project);
    }
    if let Some(description) = description {
        current.description = non_empty(description);
    }
    if let Some(marketing) = marketing {
        current.marketing = non_empty(marketing)
            .map(|m| deps.api.addr_validate(&m))
            .transpose()?;
    }
    if current.project.is_none()
        && current.description.is_none()
        && current.marketing.is_none()
        && current.logo.is_none()
    {
        MARKETING_INFO.remove(deps.storage);
    } else {
        MARKETING_INFO.save(deps.storage, &current)?;
    }
    Ok(Response::new().add_attribute("action", "update_marketing"))
}

pub fn upload_logo(
    deps: DepsMut,
    info: MessageInfo,
    logo: Logo,
) -> Result<Response, ContractError> {
    let mut marketing = load_for_editing(deps.storage, &info)?;
    verify_logo(&logo)?;
    LOGO.save(deps.storage, &logo)?;
    marketing.logo = Some(logo_info(&logo));
    MARKETING_INFO.save(deps.storage, &marketing)?;
    Ok(Response::new().add_attribute("action", "upload_logo"))
}
