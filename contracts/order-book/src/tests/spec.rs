//! Spec compatibility rules, globs, auditor requirements and bounds (pure functions).

use cosmwasm_std::testing::MockApi;
use spice_types::{AuditedAttribute, ProviderAuditResponse};

use super::suite::{attrs, capacity, resources, spec, GIB};
use crate::spec::{
    auditors_satisfied, glob_match, mismatch, offer_class, order_class, validate_capacity,
    validate_order_spec, Gpu, SignedBy, MAX_ATTRIBUTES, MAX_AUDITORS, MAX_STRING_LEN,
};
use crate::ContractError;

#[test]
fn glob_star_matches_any_run_and_question_mark_one_character() {
    assert!(glob_match("us-*", "us-west"));
    assert!(glob_match("us-*", "us-"));
    assert!(glob_match("*west*", "us-west-2"));
    assert!(glob_match("a?00", "a100"));
    assert!(!glob_match("a?00", "a1000"));
    assert!(!glob_match("a?00", "a00"));
    assert!(glob_match("*", ""));
    assert!(glob_match("n*a*x", "nvidia-max"));
    assert!(!glob_match("n*a*x", "nvidia-may"));
    // Worst-case backtracking stays within pattern × text steps.
    let long = "a".repeat(MAX_STRING_LEN);
    assert!(!glob_match(&format!("{}b", "*a".repeat(31)), &long));
}

#[test]
fn glob_without_wildcards_is_exact() {
    assert!(glob_match("amd64", "amd64"));
    assert!(!glob_match("amd64", "amd64x"));
    assert!(!glob_match("amd64", "AMD64"));
}

#[test]
fn same_ladder_sizes_share_a_class_and_off_ladder_sizes_round_against_each_side() {
    assert_eq!(order_class(&resources()), "c1000-m1024-s8192-g0");
    assert_eq!(offer_class(&resources()), order_class(&resources()));
    // An order for 1.5 CPU waits in the 2-CPU class; an offer of 1.999 CPU sells 1 CPU.
    let mut r = resources();
    r.cpu_millis = 1_500;
    assert_eq!(order_class(&r), "c2000-m1024-s8192-g0");
    r.cpu_millis = 1_999;
    assert_eq!(offer_class(&r), "c1000-m1024-s8192-g0");
    // Memory just above 1 GiB: the order needs the 2 GiB class, the offer sells 1 GiB.
    let mut r = resources();
    r.memory_bytes = GIB + 1;
    assert_eq!(order_class(&r), "c1000-m2048-s8192-g0");
    assert_eq!(offer_class(&r), "c1000-m1024-s8192-g0");
    r.gpu.units = 3;
    assert!(order_class(&r).ends_with("-g4"));
    assert!(offer_class(&r).ends_with("-g2"));
}

#[test]
fn region_pattern_must_match_the_offer_region() {
    let mut s = spec();
    s.region = Some("us-*".into());
    assert_eq!(mismatch(&s, &capacity("us-west")), None);
    assert_eq!(mismatch(&s, &capacity("eu-central")), Some("region".into()));
    let mut no_region = capacity("x");
    no_region.region = None;
    assert_eq!(mismatch(&s, &no_region), Some("region".into()));
    // No region asked: anywhere goes.
    assert_eq!(mismatch(&spec(), &no_region), None);
}

#[test]
fn each_required_attribute_must_be_offered_with_a_matching_value() {
    let mut s = spec();
    s.attributes = attrs(&[("arch", "amd*"), ("tier", "c?mmunity")]);
    assert_eq!(mismatch(&s, &capacity("us-west")), None);
    s.attributes = attrs(&[("arch", "arm*")]);
    assert_eq!(
        mismatch(&s, &capacity("us-west")),
        Some("attribute arch".into())
    );
    s.attributes = attrs(&[("persistent", "true")]);
    assert_eq!(
        mismatch(&s, &capacity("us-west")),
        Some("attribute persistent".into())
    );
}

#[test]
fn gpu_vendor_and_model_patterns_apply_when_gpus_are_asked() {
    let mut s = spec();
    s.resources.gpu = Gpu {
        units: 1,
        vendor: Some("nvidia".into()),
        model: Some("a100*".into()),
    };
    let mut c = capacity("us-west");
    c.resources.gpu = Gpu {
        units: 1,
        vendor: Some("nvidia".into()),
        model: Some("a100-80g".into()),
    };
    assert_eq!(mismatch(&s, &c), None);
    c.resources.gpu.model = Some("h100".into());
    assert_eq!(mismatch(&s, &c), Some("gpu.model".into()));
    c.resources.gpu.vendor = Some("amd".into());
    assert_eq!(mismatch(&s, &c), Some("gpu.vendor".into()));
    c.resources.gpu.units = 0;
    assert_eq!(mismatch(&s, &c), Some("gpu.units".into()));
    // Without GPUs asked, vendor patterns are ignored.
    s.resources.gpu.units = 0;
    assert_eq!(mismatch(&s, &c), None);
    // Fewer CPUs than asked never matches, whatever the class says.
    c.resources.cpu_millis = 999;
    assert_eq!(mismatch(&s, &c), Some("cpu_millis".into()));
}

fn audit(signed: &[(&str, &str, &str)]) -> ProviderAuditResponse {
    ProviderAuditResponse {
        provider: "p".into(),
        registered: true,
        tier: Some(1),
        attributes: signed
            .iter()
            .map(|(k, v, a)| AuditedAttribute {
                key: k.to_string(),
                value: v.to_string(),
                auditor: a.to_string(),
            })
            .collect(),
    }
}

#[test]
fn signed_by_any_of_needs_one_auditor_vouching_for_every_required_attribute() {
    let mut s = spec();
    s.attributes = attrs(&[("region", "us-*")]);
    s.signed_by = SignedBy {
        any_of: vec!["a1".into(), "a2".into()],
        all_of: vec![],
    };
    assert!(auditors_satisfied(
        &s,
        Some(&audit(&[("region", "us-west", "a2")]))
    ));
    // Signed by someone not listed, or a value outside the pattern: no.
    assert!(!auditors_satisfied(
        &s,
        Some(&audit(&[("region", "us-west", "a3")]))
    ));
    assert!(!auditors_satisfied(
        &s,
        Some(&audit(&[("region", "eu-1", "a1")]))
    ));
    // No registry answer vouches for no one.
    assert!(!auditors_satisfied(&s, None));
    // Without signed_by anything goes.
    assert!(auditors_satisfied(&spec(), None));
}

#[test]
fn signed_by_all_of_needs_every_listed_auditor() {
    let mut s = spec();
    s.signed_by = SignedBy {
        any_of: vec![],
        all_of: vec!["a1".into(), "a2".into()],
    };
    // No attribute required: each auditor must have signed something for the provider.
    assert!(!auditors_satisfied(
        &s,
        Some(&audit(&[("tier", "1", "a1")]))
    ));
    assert!(auditors_satisfied(
        &s,
        Some(&audit(&[("tier", "1", "a1"), ("region", "x", "a2")]))
    ));
}

#[test]
fn oversized_or_malformed_specs_are_refused() {
    let api = MockApi::default();
    let mut s = spec();
    s.attributes = (0..=MAX_ATTRIBUTES)
        .map(|i| crate::spec::Attribute {
            key: format!("k{i}"),
            value: "v".into(),
        })
        .collect();
    assert_eq!(
        validate_order_spec(&api, s).unwrap_err(),
        ContractError::TooManyAttributes {
            count: MAX_ATTRIBUTES + 1,
            max: MAX_ATTRIBUTES
        }
    );
    let mut s = spec();
    s.region = Some("x".repeat(MAX_STRING_LEN + 1));
    assert_eq!(
        validate_order_spec(&api, s).unwrap_err(),
        ContractError::StringTooLong {
            field: "region".into(),
            len: MAX_STRING_LEN + 1,
            max: MAX_STRING_LEN
        }
    );
    let mut s = spec();
    s.attributes = attrs(&[("a", "1"), ("a", "2")]);
    assert_eq!(
        validate_order_spec(&api, s).unwrap_err(),
        ContractError::DuplicateAttribute { key: "a".into() }
    );
    let mut s = spec();
    s.resources.cpu_millis = 0;
    assert!(matches!(
        validate_order_spec(&api, s).unwrap_err(),
        ContractError::ResourceOutOfRange { .. }
    ));
    let mut s = spec();
    s.attributes = attrs(&[("bad key", "v")]);
    assert!(matches!(
        validate_order_spec(&api, s).unwrap_err(),
        ContractError::InvalidCharacters { .. }
    ));
    let mut s = spec();
    s.signed_by.any_of = (0..=MAX_AUDITORS)
        .map(|i| api.addr_make(&format!("a{i}")).to_string())
        .collect();
    assert!(matches!(
        validate_order_spec(&api, s).unwrap_err(),
        ContractError::TooManyAuditors { .. }
    ));
    let mut s = spec();
    s.signed_by.all_of = vec!["not-an-address".into()];
    assert!(matches!(
        validate_order_spec(&api, s).unwrap_err(),
        ContractError::Std(_)
    ));
    // Offers state exact values.
    let mut c = capacity("us-*");
    assert!(matches!(
        validate_capacity(&c).unwrap_err(),
        ContractError::WildcardNotAllowed { .. }
    ));
    c.region = Some("us-west".into());
    assert_eq!(validate_capacity(&c), Ok(()));
}
