//! Hand-made tokens: any header, any payload, any key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};

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
