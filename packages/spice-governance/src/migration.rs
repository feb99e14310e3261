use cosmwasm_std::Storage;
use semver::Version;

use crate::GovernanceError;

/// Refuses a migration onto another contract's state or to an older version; the same version
/// is allowed so governance can re-run a migration that only changes config.
/// Returns the stored version, for the migration's event.
pub fn ensure_migratable(
    storage: &dyn Storage,
    contract_name: &str,
    new_version: &str,
) -> Result<String, GovernanceError> {
    let stored = cw2::get_contract_version(storage)?;
    if stored.contract != contract_name {
        return Err(GovernanceError::ForeignContract {
            expected: contract_name.to_string(),
            found: stored.contract,
        });
    }
    let parse = |v: &str| {
        Version::parse(v).map_err(|e| GovernanceError::InvalidVersion {
            version: v.to_string(),
            reason: e.to_string(),
        })
    };
    if parse(&stored.version)? > parse(new_version)? {
        return Err(GovernanceError::Downgrade {
            stored: stored.version,
            new: new_version.to_string(),
        });
    }
    Ok(stored.version)
}

pub fn set_version(
    storage: &mut dyn Storage,
    contract_name: &str,
    version: &str,
) -> Result<(), GovernanceError> {
    Ok(cw2::set_contract_version(storage, contract_name, version)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    #[test]
    fn newer_and_same_versions_migrate() {
        let mut storage = MockStorage::new();
        set_version(&mut storage, "crates.io:spice-token", "0.1.0").unwrap();
        assert_eq!(
            ensure_migratable(&storage, "crates.io:spice-token", "0.2.0").unwrap(),
            "0.1.0"
        );
        assert!(ensure_migratable(&storage, "crates.io:spice-token", "0.1.0").is_ok());
    }

    #[test]
    fn downgrade_is_refused() {
        let mut storage = MockStorage::new();
        set_version(&mut storage, "crates.io:spice-token", "0.2.0").unwrap();
        assert_eq!(
            ensure_migratable(&storage, "crates.io:spice-token", "0.1.9").unwrap_err(),
            GovernanceError::Downgrade {
                stored: "0.2.0".into(),
                new: "0.1.9".into()
            }
        );
    }

    #[test]
    fn foreign_contract_is_refused() {
        let mut storage = MockStorage::new();
        set_version(&mut storage, "crates.io:cw20-base", "2.0.0").unwrap();
        assert_eq!(
            ensure_migratable(&storage, "crates.io:spice-token", "0.1.0").unwrap_err(),
            GovernanceError::ForeignContract {
                expected: "crates.io:spice-token".into(),
                found: "crates.io:cw20-base".into()
            }
        );
    }

    #[test]
    fn missing_version_is_an_error() {
        let storage = MockStorage::new();
        assert!(matches!(
            ensure_migratable(&storage, "crates.io:spice-token", "0.1.0"),
            Err(GovernanceError::Std(_))
        ));
    }

    #[test]
    fn unparsable_version_is_refused() {
        let mut storage = MockStorage::new();
        set_version(&mut storage, "crates.io:spice-token", "v1").unwrap();
        assert!(matches!(
            ensure_migratable(&storage, "crates.io:spice-token", "0.1.0"),
            Err(GovernanceError::InvalidVersion { .. })
        ));
    }
}
