//! Resource specs (after Akash's GroupSpec), their bounds, glob matching, the resource class a
//! spec belongs to, and the compatibility rules between an order's spec and an offer's capacity.
//!
//! **Resource class.** Every numeric dimension (CPU millicores, memory, storage, GPU count) is
//! placed on a doubling ladder (`base × 2^k`, or 0). An order's class takes, per dimension, the
//! *smallest* step covering what it asks; an offer's class takes the *largest* step its capacity
//! covers. So an order and an offer in the same class always agree on every number
//! (`asked ≤ step ≤ offered`), and the book only needs price-ordered keys per
//! `(class, denom)`: matching never compares sizes across the book. What the class does not
//! decide (region, attributes, GPU vendor/model, auditors) is checked per candidate, on a bounded
//! number of candidates. A provider with a large machine posts offers sized to the class it
//! sells (units of that class), like instance types.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::Api;
use spice_types::ProviderAuditResponse;

use crate::error::ContractError;

/// Most attributes (required by an order or offered by a provider) one spec may list.
pub const MAX_ATTRIBUTES: usize = 16;
/// Longest attribute key, value, glob pattern, region or GPU vendor/model, in bytes.
pub const MAX_STRING_LEN: usize = 64;
/// Most auditors in each of `signed_by.any_of` and `signed_by.all_of`.
pub const MAX_AUDITORS: usize = 8;
/// Most replicas one order may ask for.
pub const MAX_REPLICAS: u32 = 32;
/// Most units one offer may sell.
pub const MAX_UNITS: u32 = 1_000;
pub const MAX_CPU_MILLIS: u64 = 1_000_000;
pub const MAX_MEMORY_BYTES: u64 = 1 << 50;
pub const MAX_STORAGE_BYTES: u64 = 1 << 60;
pub const MAX_GPU_UNITS: u32 = 64;

const CPU_BASE: u64 = 125; // millicores
const MIB: u64 = 1 << 20;

#[cw_serde]
#[derive(Default)]
pub struct Gpu {
    pub units: u32,
    /// An order's glob pattern, an offer's exact value (e.g. `nvidia`).
    pub vendor: Option<String>,
    /// An order's glob pattern, an offer's exact value (e.g. `a100`).
    pub model: Option<String>,
}

/// Per replica (orders) or per unit (offers).
#[cw_serde]
pub struct Resources {
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    pub storage_bytes: u64,
    #[serde(default)]
    pub gpu: Gpu,
}

#[cw_serde]
pub struct Attribute {
    pub key: String,
    /// In an order: a glob pattern (`*` any run, `?` one character). In an offer: exact.
    pub value: String,
}

/// Auditors who must have signed the provider's attributes (Akash's `signed_by`).
#[cw_serde]
#[derive(Default)]
pub struct SignedBy {
    /// At least one of these must vouch for the provider.
    #[serde(default)]
    pub any_of: Vec<String>,
    /// Every one of these must vouch for the provider.
    #[serde(default)]
    pub all_of: Vec<String>,
}

impl SignedBy {
    pub fn is_empty(&self) -> bool {
        self.any_of.is_empty() && self.all_of.is_empty()
    }
}

/// What a tenant needs for each replica.
#[cw_serde]
pub struct OrderSpec {
    pub resources: Resources,
    /// Glob pattern on the offer's region.
    #[serde(default)]
    pub region: Option<String>,
    /// Each key must be offered with a value matching the pattern.
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    #[serde(default)]
    pub signed_by: SignedBy,
}

/// What a provider sells per unit.
#[cw_serde]
pub struct Capacity {
    pub resources: Resources,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
}

fn check_string(field: &str, s: &str, patterns: bool) -> Result<(), ContractError> {
    if s.is_empty() {
        return Err(ContractError::EmptyString {
            field: field.to_string(),
        });
    }
    if s.len() > MAX_STRING_LEN {
        return Err(ContractError::StringTooLong {
            field: field.to_string(),
            len: s.len(),
            max: MAX_STRING_LEN,
        });
    }
    if s.chars().any(|c| !c.is_ascii_graphic()) {
        return Err(ContractError::InvalidCharacters {
            field: field.to_string(),
            value: s.to_string(),
        });
    }
    if !patterns && s.contains(['*', '?']) {
        return Err(ContractError::WildcardNotAllowed {
            field: field.to_string(),
            value: s.to_string(),
        });
    }
    Ok(())
}

fn check_range(field: &str, value: u64, min: u64, max: u64) -> Result<(), ContractError> {
    if value < min || value > max {
        return Err(ContractError::ResourceOutOfRange {
            field: field.to_string(),
            value,
            min,
            max,
        });
    }
    Ok(())
}

fn validate_resources(r: &Resources, patterns: bool) -> Result<(), ContractError> {
    check_range("cpu_millis", r.cpu_millis, 1, MAX_CPU_MILLIS)?;
    check_range("memory_bytes", r.memory_bytes, 1, MAX_MEMORY_BYTES)?;
    check_range("storage_bytes", r.storage_bytes, 0, MAX_STORAGE_BYTES)?;
    check_range("gpu.units", r.gpu.units.into(), 0, MAX_GPU_UNITS.into())?;
    if let Some(v) = &r.gpu.vendor {
        check_string("gpu.vendor", v, patterns)?;
    }
    if let Some(m) = &r.gpu.model {
        check_string("gpu.model", m, patterns)?;
    }
    Ok(())
}

fn validate_attributes(attrs: &[Attribute], patterns: bool) -> Result<(), ContractError> {
    if attrs.len() > MAX_ATTRIBUTES {
        return Err(ContractError::TooManyAttributes {
            count: attrs.len(),
            max: MAX_ATTRIBUTES,
        });
    }
    for (i, a) in attrs.iter().enumerate() {
        check_string("attributes.key", &a.key, false)?;
        check_string("attributes.value", &a.value, patterns)?;
        // Bounded: at most MAX_ATTRIBUTES² comparisons.
        if attrs[..i].iter().any(|b| b.key == a.key) {
            return Err(ContractError::DuplicateAttribute { key: a.key.clone() });
        }
    }
    Ok(())
}

fn validate_auditors(
    api: &dyn Api,
    field: &str,
    list: &[String],
) -> Result<Vec<String>, ContractError> {
    if list.len() > MAX_AUDITORS {
        return Err(ContractError::TooManyAuditors {
            field: field.to_string(),
            count: list.len(),
            max: MAX_AUDITORS,
        });
    }
    list.iter()
        .map(|a| Ok(api.addr_validate(a)?.into_string()))
        .collect()
}

/// Checks an order's spec and returns it with its auditor addresses validated.
pub fn validate_order_spec(api: &dyn Api, spec: OrderSpec) -> Result<OrderSpec, ContractError> {
    validate_resources(&spec.resources, true)?;
    if let Some(r) = &spec.region {
        check_string("region", r, true)?;
    }
    validate_attributes(&spec.attributes, true)?;
    let signed_by = SignedBy {
        any_of: validate_auditors(api, "signed_by.any_of", &spec.signed_by.any_of)?,
        all_of: validate_auditors(api, "signed_by.all_of", &spec.signed_by.all_of)?,
    };
    Ok(OrderSpec { signed_by, ..spec })
}

/// Checks an offer's capacity: exact values only, no glob characters.
pub fn validate_capacity(c: &Capacity) -> Result<(), ContractError> {
    validate_resources(&c.resources, false)?;
    if let Some(r) = &c.region {
        check_string("region", r, false)?;
    }
    validate_attributes(&c.attributes, false)
}

/// Glob match: `*` matches any run of characters (also empty), `?` exactly one, anything else
/// itself. Iterative with one backtrack point, so at most `pattern.len() × text.len()` steps
/// (both at most `MAX_STRING_LEN`).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

fn step_cap(base: u64, level: u32) -> u128 {
    if level == 0 {
        0
    } else {
        (base as u128) << (level - 1)
    }
}

/// Smallest ladder step covering `v` (orders). At most 66 iterations (u64 range).
fn level_ceil(v: u64, base: u64) -> u32 {
    let mut level = 0;
    while step_cap(base, level) < v as u128 {
        level += 1;
    }
    level
}

/// Largest ladder step `c` covers (offers). At most 66 iterations.
fn level_floor(c: u64, base: u64) -> u32 {
    let mut level = 0;
    while step_cap(base, level + 1) <= c as u128 {
        level += 1;
    }
    level
}

fn class_name(r: &Resources, level: fn(u64, u64) -> u32) -> String {
    let cpu = step_cap(CPU_BASE, level(r.cpu_millis, CPU_BASE));
    let mem = step_cap(1, level(r.memory_bytes.div_ceil(MIB), 1));
    let sto = step_cap(1, level(r.storage_bytes.div_ceil(MIB), 1));
    let gpu = step_cap(1, level(r.gpu.units.into(), 1));
    format!("c{cpu}-m{mem}-s{sto}-g{gpu}")
}

/// The class an order for `r` per replica waits in: `c<millicores>-m<MiB>-s<MiB>-g<gpus>`.
pub fn order_class(r: &Resources) -> String {
    // Memory and storage are counted in whole MiB, rounded up for an order (it never gets less
    // than it asked) ...
    class_name(r, level_ceil)
}

/// The class an offer of `r` per unit sells into.
pub fn offer_class(r: &Resources) -> String {
    // ... and rounded down for an offer (it never promises more than it has).
    let whole_mib = Resources {
        memory_bytes: r.memory_bytes / MIB * MIB,
        storage_bytes: r.storage_bytes / MIB * MIB,
        ..r.clone()
    };
    class_name(&whole_mib, level_floor)
}

/// Why an offer's capacity cannot serve an order's spec, or `None` when it can (auditors aside).
pub fn mismatch(spec: &OrderSpec, cap: &Capacity) -> Option<String> {
    let (want, have) = (&spec.resources, &cap.resources);
    // The class already implies these; checked again so a pair named by hand is held to them.
    if have.cpu_millis < want.cpu_millis {
        return Some("cpu_millis".into());
    }
    if have.memory_bytes < want.memory_bytes {
        return Some("memory_bytes".into());
    }
    if have.storage_bytes < want.storage_bytes {
        return Some("storage_bytes".into());
    }
    if have.gpu.units < want.gpu.units {
        return Some("gpu.units".into());
    }
    let pattern_ok = |pattern: &Option<String>, value: &Option<String>| match (pattern, value) {
        (None, _) => true,
        (Some(p), Some(v)) => glob_match(p, v),
        (Some(_), None) => false,
    };
    if want.gpu.units > 0 {
        if !pattern_ok(&want.gpu.vendor, &have.gpu.vendor) {
            return Some("gpu.vendor".into());
        }
        if !pattern_ok(&want.gpu.model, &have.gpu.model) {
            return Some("gpu.model".into());
        }
    }
    if !pattern_ok(&spec.region, &cap.region) {
        return Some("region".into());
    }
    // Bounded: MAX_ATTRIBUTES² comparisons.
    for req in &spec.attributes {
        let offered = cap.attributes.iter().find(|a| a.key == req.key);
        if !offered.is_some_and(|a| glob_match(&req.value, &a.value)) {
            return Some(format!("attribute {}", req.key));
        }
    }
    None
}

/// Whether `auditor` vouches for the provider in `audit`: it signed, for every attribute the
/// order requires, that key with a value matching the order's pattern (and, when the order
/// requires no attribute, at least one attribute of the provider).
fn vouches(spec: &OrderSpec, audit: &ProviderAuditResponse, auditor: &str) -> bool {
    let signed = || audit.attributes.iter().filter(|a| a.auditor == auditor);
    if spec.attributes.is_empty() {
        return signed().next().is_some();
    }
    spec.attributes
        .iter()
        .all(|req| signed().any(|a| a.key == req.key && glob_match(&req.value, &a.value)))
}

/// `signed_by`: one of `any_of` (when listed) and all of `all_of` vouch for the provider.
pub fn auditors_satisfied(spec: &OrderSpec, audit: Option<&ProviderAuditResponse>) -> bool {
    if spec.signed_by.is_empty() {
        return true;
    }
    let Some(audit) = audit else {
        return false;
    };
    let any_ok = spec.signed_by.any_of.is_empty()
        || spec
            .signed_by
            .any_of
            .iter()
            .any(|a| vouches(spec, audit, a));
    let all_ok = spec
        .signed_by
        .all_of
        .iter()
        .all(|a| vouches(spec, audit, a));
    any_ok && all_ok
}
