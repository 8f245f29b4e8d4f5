//! Hand-made tokens: any header, any payload, any key.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

/// Unpadded base64url, as in a token's segments.
#[must_use]
pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// An HMAC signing key from the bytes of `secret`.
#[must_use]
pub fn hmac_key(secret: &[u8]) -> EncodingKey {
    EncodingKey::from_secret(secret).unwrap()
}

/// `b64(header).b64(payload).signature`, signed with any key and algorithm, whatever the
/// header says.
#[must_use]
pub fn sign_parts(header: &str, payload: &[u8], key: &EncodingKey, algorithm: Algorithm) -> String {
    let mut token = format!("{}.{}", b64(header), b64(payload));
    let signature = jsonwebtoken::crypto::sign(token.as_bytes(), key, algorithm).unwrap();
    token.push('.');
    token.push_str(&signature);
    token
}

/// Segment `index` of a token (0: header, 1: payload), decoded, as text.
#[must_use]
pub fn segment_text(token: &str, index: usize) -> String {
    let part = token.split('.').nth(index).unwrap();
    String::from_utf8(URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// The top-level keys of a JSON object in the order they appear in the text
/// (`serde_json`'s `Map` is sorted here: no `preserve_order`).
#[must_use]
pub fn keys_in_order(json_text: &str) -> Vec<String> {
    serde_json::from_str::<OrderedKeys>(json_text).unwrap().0
}

struct OrderedKeys(Vec<String>);

impl<'de> Deserialize<'de> for OrderedKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = OrderedKeys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(OrderedKeys(keys))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}
