//! A token's payload, parsed in one pass into a slot per claim this library reads.
//!
//! The request path never allocates a claim name and never looks a claim up by string:
//! keys are matched once while parsing, unknown claims go to a side map, and the full
//! `Map` (Python's `get_raw_jwt()`) is assembled only when someone asks for it.

use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde_json::{Map, Value};

/// Why a payload is not a JSON object, in PyJWT's words (`Invalid payload string: ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PayloadError(pub(crate) String);

/// Parses the payload JSON (after the signature check, as PyJWT does).
pub(crate) fn parse_payload(bytes: &[u8]) -> Result<Map<String, Value>, PayloadError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(PayloadError(
            "Invalid payload string: must be a json object".to_owned(),
        )),
        Err(e) => Err(invalid_payload(&e)),
    }
}

/// The error for a payload that is not valid JSON.
fn invalid_payload(error: &serde_json::Error) -> PayloadError {
    PayloadError(format!("Invalid payload string: {error}"))
}

pub(crate) const IAT: usize = 0;
pub(crate) const NBF: usize = 1;
pub(crate) const EXP: usize = 2;
pub(crate) const ISS: usize = 3;
pub(crate) const AUD: usize = 4;
pub(crate) const SUB: usize = 5;
pub(crate) const JTI: usize = 6;
pub(crate) const TYPE: usize = 7;
pub(crate) const FRESH: usize = 8;
pub(crate) const CSRF: usize = 9;
/// The login a token belongs to (this port's `fam`).
pub(crate) const FAM: usize = 10;
/// The identity claim, when `JWT_IDENTITY_CLAIM` is not one of the names above.
const IDENTITY: usize = 11;
/// The user claims, when `JWT_USER_CLAIMS` is not one of the names above.
const USER_CLAIMS: usize = 12;
const SLOTS: usize = 13;

/// The claim names with a fixed slot, in slot order.
const FIXED: [&str; 11] = [
    "iat", "nbf", "exp", "iss", "aud", "sub", "jti", "type", "fresh", "csrf", "fam",
];

/// The claims the library writes itself (besides the identity and the user claims): a
/// token's own top-level claims are the others.
pub(crate) const LAYOUT_CLAIMS: [&str; 10] = [
    "iat", "nbf", "exp", "iss", "aud", "jti", "type", "fresh", "csrf", "fam",
];

impl ClaimNames {
    /// Whether the library writes this claim itself in `compat`'s layout (so a token's
    /// own claims may not take the name in 3.x, and a renewal does not copy it).
    pub(crate) fn is_layout(&self, name: &str, compat: crate::types::Compat) -> bool {
        LAYOUT_CLAIMS.contains(&name)
            || name == self.identity
            || (compat == crate::types::Compat::V3 && name == self.user_claims)
    }
}

fn fixed_slot(name: &str) -> Option<usize> {
    FIXED.iter().position(|fixed| *fixed == name)
}

/// The claim names a manager reads and writes (`JWT_IDENTITY_CLAIM`, `JWT_USER_CLAIMS`),
/// and their slots.
#[derive(Debug)]
pub(crate) struct ClaimNames {
    pub(crate) identity: String,
    pub(crate) user_claims: String,
    pub(crate) identity_slot: usize,
    pub(crate) user_claims_slot: usize,
}

impl ClaimNames {
    pub(crate) fn new(identity: String, user_claims: String) -> Self {
        let identity_slot = fixed_slot(&identity).unwrap_or(IDENTITY);
        let user_claims_slot = fixed_slot(&user_claims).unwrap_or(if user_claims == identity {
            identity_slot
        } else {
            USER_CLAIMS
        });
        ClaimNames {
            identity,
            user_claims,
            identity_slot,
            user_claims_slot,
        }
    }

    /// The slot of a claim, if it has one.
    fn slot(&self, name: &str) -> Option<usize> {
        match name {
            "iat" => Some(IAT),
            "nbf" => Some(NBF),
            "exp" => Some(EXP),
            "iss" => Some(ISS),
            "aud" => Some(AUD),
            "sub" => Some(SUB),
            "jti" => Some(JTI),
            "type" => Some(TYPE),
            "fresh" => Some(FRESH),
            "csrf" => Some(CSRF),
            "fam" => Some(FAM),
            _ if name == self.identity => Some(self.identity_slot),
            _ if name == self.user_claims => Some(self.user_claims_slot),
            _ => None,
        }
    }

    /// The claim name of a slot.
    fn name(&self, slot: usize) -> &str {
        match slot {
            IDENTITY => &self.identity,
            USER_CLAIMS => &self.user_claims,
            fixed => FIXED.get(fixed).copied().unwrap_or_default(),
        }
    }
}

/// A payload: one slot per claim this library reads, every other claim by name, and the
/// JSON it was read from.
#[derive(Debug, Default)]
pub(crate) struct Payload {
    slots: [Option<Value>; SLOTS],
    others: Map<String, Value>,
    json: Vec<u8>,
}

impl Payload {
    /// Parses the payload JSON, with PyJWT's messages. Like a `Map`, a repeated claim
    /// keeps its last value.
    pub(crate) fn parse(json: Vec<u8>, names: &ClaimNames) -> Result<Self, PayloadError> {
        let mut payload = Self::parse_slots(&json, names)?;
        payload.json = json;
        Ok(payload)
    }

    fn parse_slots(bytes: &[u8], names: &ClaimNames) -> Result<Self, PayloadError> {
        if bytes
            .iter()
            .find(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            != Some(&b'{')
        {
            // Not an object: the map parse gives the message (and would take an object).
            return parse_payload(bytes).map(|map| Payload::from_map(map, Vec::new(), names));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let payload = PayloadSeed(names)
            .deserialize(&mut deserializer)
            .map_err(|e| invalid_payload(&e))?;
        deserializer.end().map_err(|e| invalid_payload(&e))?;
        Ok(payload)
    }

    /// The same from an already parsed map (the payload a `decode_key_loader` saw) and
    /// its JSON.
    pub(crate) fn from_map(map: Map<String, Value>, json: Vec<u8>, names: &ClaimNames) -> Self {
        let mut payload = Payload {
            json,
            ..Payload::default()
        };
        for (name, value) in map {
            match names.slot(&name) {
                Some(slot) => payload.set(slot, value),
                None => {
                    payload.others.insert(name, value);
                }
            }
        }
        payload
    }

    /// The claim in `slot`.
    pub(crate) fn get(&self, slot: usize) -> Option<&Value> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    /// Whether the claim in `slot` is present.
    pub(crate) fn has(&self, slot: usize) -> bool {
        self.get(slot).is_some()
    }

    /// Sets the claim in `slot`.
    pub(crate) fn set(&mut self, slot: usize, value: Value) {
        if let Some(slot) = self.slots.get_mut(slot) {
            *slot = Some(value);
        }
    }

    /// Any claim by name.
    pub(crate) fn get_named(&self, name: &str, names: &ClaimNames) -> Option<&Value> {
        match names.slot(name) {
            Some(slot) => self.get(slot),
            None => self.others.get(name),
        }
    }

    /// The whole payload as a map: the JSON read again, plus the claims normalisation
    /// added, in the order it added them. So the map is the one a `Map` parse would give,
    /// key order included when `serde_json`'s `preserve_order` is on.
    pub(crate) fn to_map(&self, names: &ClaimNames) -> Map<String, Value> {
        let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(&self.json) else {
            return self.assemble(names);
        };
        for slot in [JTI, TYPE, FRESH, names.user_claims_slot] {
            if let Some(value) = self.get(slot)
                && !map.contains_key(names.name(slot))
            {
                map.insert(names.name(slot).to_owned(), value.clone());
            }
        }
        map
    }

    /// The whole payload from the slots (for a payload that was not read from JSON).
    fn assemble(&self, names: &ClaimNames) -> Map<String, Value> {
        let mut map = self.others.clone();
        for (slot, value) in self.slots.iter().enumerate() {
            if let Some(value) = value {
                map.insert(names.name(slot).to_owned(), value.clone());
            }
        }
        map
    }
}

/// Parses a payload object straight into its slots.
struct PayloadSeed<'n>(&'n ClaimNames);

impl<'de> DeserializeSeed<'de> for PayloadSeed<'_> {
    type Value = Payload;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Payload, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PayloadSeed<'_> {
    type Value = Payload;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Payload, A::Error> {
        let mut payload = Payload::default();
        while let Some(key) = map.next_key_seed(KeySeed(self.0))? {
            match key {
                Key::Slot(slot) => payload.set(slot, map.next_value()?),
                Key::Other(name) => {
                    let value = map.next_value()?;
                    payload.others.insert(name, value);
                }
            }
        }
        Ok(payload)
    }
}

/// A claim name, matched to its slot without allocating.
enum Key {
    Slot(usize),
    Other(String),
}

struct KeySeed<'n>(&'n ClaimNames);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a claim name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(self
            .0
            .slot(name)
            .map_or_else(|| Key::Other(name.to_owned()), Key::Slot))
    }

    fn visit_string<E: serde::de::Error>(self, name: String) -> Result<Key, E> {
        Ok(self.0.slot(&name).map_or(Key::Other(name), Key::Slot))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::{ClaimNames, FRESH, JTI, Payload, TYPE};
    use serde_json::{Value, json};

    fn names(identity: &str, user_claims: &str) -> ClaimNames {
        ClaimNames::new(identity.to_owned(), user_claims.to_owned())
    }

    fn parse(json: &str, names: &ClaimNames) -> Result<Payload, String> {
        Payload::parse(json.as_bytes().to_vec(), names).map_err(|e| e.0)
    }

    #[test]
    fn the_assembled_map_is_the_parsed_object() {
        let names = names("identity", "user_claims");
        let text = r#"{"iat":1,"jti":"j","identity":{"id":7},"user_claims":{"a":[1]},"x":"y","sub":"s","exp":2.5}"#;
        let payload = parse(text, &names).unwrap();
        let expected: serde_json::Map<String, Value> = serde_json::from_str(text).unwrap();
        assert_eq!(payload.to_map(&names), expected);
        assert_eq!(payload.get_named("x", &names), Some(&json!("y")));
        assert_eq!(payload.get(names.identity_slot), Some(&json!({"id": 7})));
        assert_eq!(payload.assemble(&names), expected);
        let from_map = Payload::from_map(expected.clone(), text.as_bytes().to_vec(), &names);
        assert_eq!(from_map.to_map(&names), expected);
        assert_eq!(from_map.assemble(&names), expected);
    }

    #[test]
    fn normalised_claims_follow_the_token_s_own() {
        let names = names("identity", "user_claims");
        let mut payload = parse(r#"{"identity":1}"#, &names).unwrap();
        payload.set(JTI, Value::Null);
        payload.set(TYPE, json!("access"));
        payload.set(FRESH, json!(false));
        payload.set(names.user_claims_slot, json!({}));
        let expected = json!({"identity": 1, "jti": null, "type": "access", "fresh": false, "user_claims": {}});
        assert_eq!(Value::Object(payload.to_map(&names)), expected);
        assert_eq!(Value::Object(payload.assemble(&names)), expected);
    }

    #[test]
    fn configured_names_may_share_a_fixed_slot() {
        let names = names("sub", "sub");
        let payload = parse(r#"{"sub":"alice"}"#, &names).unwrap();
        assert_eq!(payload.get(names.identity_slot), Some(&json!("alice")));
        assert_eq!(payload.get(names.user_claims_slot), Some(&json!("alice")));
        let expected = json!({"sub": "alice"}).as_object().unwrap().clone();
        assert_eq!(payload.to_map(&names), expected);
        assert_eq!(payload.assemble(&names), expected);
    }

    #[test]
    fn a_repeated_claim_keeps_its_last_value_like_a_map() {
        let names = names("identity", "user_claims");
        let text = r#"{"jti":"a","z":1,"jti":"b","z":2}"#;
        let payload = parse(text, &names).unwrap();
        let map: serde_json::Map<String, Value> = serde_json::from_str(text).unwrap();
        assert_eq!(payload.to_map(&names), map);
        assert_eq!(payload.assemble(&names), map);
    }

    #[test]
    fn errors_read_as_a_map_parse_would() {
        let names = names("identity", "user_claims");
        for text in [
            r#"{"a":1"#,
            r#"{"a":1} x"#,
            r#"{"a":tru}"#,
            r#"{"\ud800":1}"#,
            "{1:2}",
            "",
            "[1",
            "\x0c{}",
            &"[".repeat(100_000),
        ] {
            let expected = match serde_json::from_str::<Value>(text) {
                Err(e) => format!("Invalid payload string: {e}"),
                Ok(_) => unreachable!("{text} parses"),
            };
            assert_eq!(parse(text, &names).unwrap_err(), expected, "{text}");
        }
        for text in ["[1]", " 3", "\"s\"", "null"] {
            assert_eq!(
                parse(text, &names).unwrap_err(),
                "Invalid payload string: must be a json object",
                "{text}"
            );
        }
    }
}
