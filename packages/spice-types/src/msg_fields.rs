//! Shared decoders for message variants that carry the same fields.
//!
//! serde derives one decoder per struct variant, so an enum with five `{ amount, tx_hash }`
//! variants links five copies of the same field parsing (about 1 KB of wasm each). A variant
//! marked `#[serde(deserialize_with = "spice_types::msg_fields::no_fields")]` (or one of the
//! others here) is decoded by a derived struct with the same fields instead, one copy for every
//! variant of that shape. The JSON is the same: the variant's object with these fields, optional
//! fields optional, duplicates refused, and unknown fields skipped, as serde's derive skips them
//! inside a struct variant even under `#[cw_serde]` (its `deny_unknown_fields` guards the enum's
//! own keys only; the test below holds both decoders to the same answers). The JSON schema is
//! generated from the variants themselves and does not change.

use cosmwasm_schema::serde::{Deserialize, Deserializer};
use cosmwasm_std::Uint128;

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct NoFields {}

/// `{}`: a variant without fields (`pause {}`, `config {}`).
pub fn no_fields<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    NoFields::deserialize(d).map(|_| ())
}

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct Page<K> {
    start_after: Option<K>,
    limit: Option<u32>,
}

/// `{ start_after, limit }`: a page of a paginated query.
pub fn page<'de, D, K>(d: D) -> Result<(Option<K>, Option<u32>), D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de>,
{
    Page::deserialize(d).map(|p| (p.start_after, p.limit))
}

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct DenomOnly {
    denom: String,
}

/// `{ denom }`.
pub fn denom<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    DenomOnly::deserialize(d).map(|v| v.denom)
}

#[derive(Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct DenomLimit {
    denom: String,
    limit: Option<Uint128>,
}

/// `{ denom, limit }` with an optional amount limit.
pub fn denom_limit<'de, D: Deserializer<'de>>(d: D) -> Result<(String, Option<Uint128>), D::Error> {
    DenomLimit::deserialize(d).map(|v| (v.denom, v.limit))
}

#[cfg(test)]
mod tests {
    use cosmwasm_schema::cw_serde;
    use cosmwasm_std::{from_json, to_json_vec, Uint128};

    /// The same enum twice: as `#[cw_serde]` derives it, and with the shared decoders.
    mod derived {
        use super::*;

        #[cw_serde]
        pub enum Msg {
            Pause {},
            Page {
                start_after: Option<u64>,
                limit: Option<u32>,
            },
            Remove {
                denom: String,
            },
            Buy {
                denom: String,
                limit: Option<Uint128>,
            },
        }
    }

    mod shared {
        use super::*;

        #[cw_serde]
        pub enum Msg {
            #[serde(deserialize_with = "crate::msg_fields::no_fields")]
            Pause {},
            #[serde(deserialize_with = "crate::msg_fields::page")]
            Page {
                start_after: Option<u64>,
                limit: Option<u32>,
            },
            #[serde(deserialize_with = "crate::msg_fields::denom")]
            Remove { denom: String },
            #[serde(deserialize_with = "crate::msg_fields::denom_limit")]
            Buy {
                denom: String,
                limit: Option<Uint128>,
            },
        }
    }

    /// Both decode `json` alike: to the same value (compared through its JSON), or both refuse.
    fn same(json: &str) -> bool {
        let a = from_json::<derived::Msg>(json.as_bytes());
        let b = from_json::<shared::Msg>(json.as_bytes());
        match (a, b) {
            (Ok(a), Ok(b)) => to_json_vec(&a).unwrap() == to_json_vec(&b).unwrap(),
            (Err(_), Err(_)) => true,
            _ => false,
        }
    }

    #[test]
    fn shared_decoders_accept_and_refuse_exactly_what_the_derived_ones_do() {
        let cases = [
            // accepted
            r#"{"pause":{}}"#,
            r#"{"page":{}}"#,
            r#"{"page":{"start_after":7,"limit":3}}"#,
            r#"{"page":{"limit":null}}"#,
            r#"{"remove":{"denom":"uosmo"}}"#,
            r#"{"buy":{"denom":"uosmo"}}"#,
            r#"{"buy":{"denom":"uosmo","limit":"100"}}"#,
            // unknown fields inside a variant: skipped by both
            r#"{"pause":{"x":1}}"#,
            r#"{"remove":{"denom":"uosmo","x":{"y":[1]}}}"#,
            // refused: missing, duplicate or mistyped fields, wrong shapes, unknown variants
            r#"{"pause":null}"#,
            r#"{"pauze":{}}"#,
            r#""pause""#,
            r#"{"page":{"start_after":"7"}}"#,
            r#"{"page":{"offset":1}}"#,
            r#"{"remove":{}}"#,
            r#"{"remove":{"denom":"a","denom":"b"}}"#,
            r#"{"remove":{"denom":1}}"#,
            r#"{"buy":{"limit":"1"}}"#,
            r#"{"buy":{"denom":"uosmo","limit":100}}"#,
        ];
        for json in cases {
            assert!(
                same(json),
                "{json}: derived {:?}, shared {:?}",
                from_json::<derived::Msg>(json.as_bytes()),
                from_json::<shared::Msg>(json.as_bytes())
            );
        }
        // and the accepted ones decode to what was sent
        assert!(from_json::<shared::Msg>(br#"{"buy":{"denom":"uosmo","limit":"100"}}"#).is_ok());
        assert!(from_json::<shared::Msg>(br#"{"remove":{"denom":"a","denom":"b"}}"#).is_err());
    }
}
