use cosmwasm_std::Decimal;
use thiserror::Error;

pub const BPS_DENOMINATOR: u16 = 10_000;

/// Config values outside their allowed range. Each contract wraps this in its `ContractError`,
/// so a governance proposal with a bad value fails naming the field and the bound.
#[derive(Error, Debug, PartialEq, Eq)]
pub enum ValidationError {
    #[error("{field} is {value} bps; at most {max} bps is allowed")]
    BpsTooHigh { field: String, value: u16, max: u16 },

    #[error("{field} is {value}; it must be a fraction at most {max}")]
    FractionTooHigh {
        field: String,
        value: Decimal,
        max: Decimal,
    },

    #[error("{field} is {value} seconds; at least {min} seconds is required")]
    WindowTooShort { field: String, value: u64, min: u64 },

    #[error("{field} is {value} seconds; at most {max} seconds is allowed")]
    WindowTooLong { field: String, value: u64, max: u64 },

    #[error("invalid denom {denom:?}: {reason}")]
    InvalidDenom { denom: String, reason: String },

    #[error("{field} lists denom {denom} more than once")]
    DuplicateDenom { field: String, denom: String },

    #[error("{field} must not be empty")]
    Empty { field: String },
}

pub fn validate_bps(field: &str, value: u16, max: u16) -> Result<(), ValidationError> {
    if value > max.min(BPS_DENOMINATOR) {
        return Err(ValidationError::BpsTooHigh {
            field: field.to_string(),
            value,
            max: max.min(BPS_DENOMINATOR),
        });
    }
    Ok(())
}

pub fn validate_fraction(field: &str, value: Decimal, max: Decimal) -> Result<(), ValidationError> {
    if value > max {
        return Err(ValidationError::FractionTooHigh {
            field: field.to_string(),
            value,
            max,
        });
    }
    Ok(())
}

pub fn validate_min_seconds(field: &str, value: u64, min: u64) -> Result<(), ValidationError> {
    if value < min {
        return Err(ValidationError::WindowTooShort {
            field: field.to_string(),
            value,
            min,
        });
    }
    Ok(())
}

pub fn validate_max_seconds(field: &str, value: u64, max: u64) -> Result<(), ValidationError> {
    if value > max {
        return Err(ValidationError::WindowTooLong {
            field: field.to_string(),
            value,
            max,
        });
    }
    Ok(())
}

/// The Cosmos SDK's denom rule: 3 to 128 characters, a letter first, then letters, digits and
/// `/ : . _ -`. Checking it here turns a typo into an error at config time instead of a bank
/// error at the first transfer.
pub fn validate_denom(denom: &str) -> Result<(), ValidationError> {
    let invalid = |reason: &str| ValidationError::InvalidDenom {
        denom: denom.to_string(),
        reason: reason.to_string(),
    };
    if denom.len() < 3 || denom.len() > 128 {
        return Err(invalid("must be 3 to 128 characters long"));
    }
    let mut chars = denom.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return Err(invalid("must start with a letter"));
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | ':' | '.' | '_' | '-')) {
        return Err(invalid("may contain only letters, digits and / : . _ -"));
    }
    Ok(())
}

/// A non-empty list of valid, distinct denoms.
pub fn validate_denoms(field: &str, denoms: &[String]) -> Result<(), ValidationError> {
    if denoms.is_empty() {
        return Err(ValidationError::Empty {
            field: field.to_string(),
        });
    }
    for (i, denom) in denoms.iter().enumerate() {
        validate_denom(denom)?;
        if denoms[..i].contains(denom) {
            return Err(ValidationError::DuplicateDenom {
                field: field.to_string(),
                denom: denom.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bps_at_bound_passes_and_one_more_fails() {
        assert!(validate_bps("fee", 500, 500).is_ok());
        assert_eq!(
            validate_bps("fee", 501, 500),
            Err(ValidationError::BpsTooHigh {
                field: "fee".into(),
                value: 501,
                max: 500
            })
        );
        // No bound can allow more than 100%.
        assert!(validate_bps("fee", 10_001, u16::MAX).is_err());
    }

    #[test]
    fn denoms_follow_the_sdk_rule() {
        for ok in [
            "uosmo",
            "factory/osmo1abc/uspice",
            "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4",
        ] {
            assert!(validate_denom(ok).is_ok(), "{ok}");
        }
        for bad in ["", "ab", "1uosmo", "u osmo", "uosmo!", &"a".repeat(129)] {
            assert!(validate_denom(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn denom_lists_must_be_non_empty_and_distinct() {
        assert!(validate_denoms("accepted", &[]).is_err());
        assert_eq!(
            validate_denoms("accepted", &["uosmo".into(), "uosmo".into()]),
            Err(ValidationError::DuplicateDenom {
                field: "accepted".into(),
                denom: "uosmo".into()
            })
        );
        assert!(validate_denoms("accepted", &["uosmo".into(), "uakt".into()]).is_ok());
    }

    #[test]
    fn fractions_and_windows_have_bounds() {
        assert!(validate_fraction("slippage", Decimal::percent(5), Decimal::percent(5)).is_ok());
        assert!(validate_fraction("slippage", Decimal::percent(6), Decimal::percent(5)).is_err());
        assert!(validate_min_seconds("twap_window", 600, 600).is_ok());
        assert!(validate_min_seconds("twap_window", 599, 600).is_err());
    }
}
