//! Token engine tests through the public API: the reference's claim layout and order,
//! the header, decode normalisation, every PyJWT 2 decode message the reference emits, expiry
//! and leeway boundaries on a fixed clock, and interop with the Python reference vectors
//! (tests/fixtures/python-reference-tokens.json) in both directions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::duration_suboptimal_units,
    reason = "tests fail by panicking; test tables are long; test timestamps are small \
              positive integers far below 2^52; durations are written in the seconds the spec uses"
)]

mod decode;
mod expiry;
mod interop;
mod layout;
mod v4_vectors;

use std::time::{Duration, UNIX_EPOCH};

use jsonwebtoken::Algorithm;
use jwt_runtime::{ErrorKind, JwtConfig, JwtError, JwtManager};
pub(crate) use jwt_tests::keys_in_order;
use jwt_tests::{SECRET, hmac_key, segment_text, sign_parts};
use serde_json::{Map, Value, json};

/// The creation time of the reference vectors (late 2026).
const NOW: u64 = 1_795_907_433;
/// The exact JOSE header PyJWT 2 writes for HS256.
const HS256_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn base() -> JwtConfig {
    JwtConfig::default().secret_key(SECRET)
}

/// A manager whose clock reads `now` (milliseconds allow fractional seconds).
fn manager_at_ms(config: JwtConfig, now_ms: u64) -> JwtManager {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .clock(move || UNIX_EPOCH + Duration::from_millis(now_ms))
        .build()
        .unwrap()
}

fn manager_at(config: JwtConfig, now: u64) -> JwtManager {
    manager_at_ms(config, now * 1000)
}

fn manager(config: JwtConfig) -> JwtManager {
    manager_at(config, NOW)
}

/// The decoded text of segment `index` (0 = header, 1 = payload).
fn header_text(token: &str) -> String {
    segment_text(token, 0)
}

fn payload_text(token: &str) -> String {
    segment_text(token, 1)
}

fn payload(token: &str) -> Map<String, Value> {
    serde_json::from_str(&payload_text(token)).unwrap()
}

#[track_caller]
fn assert_keys(token: &str, expected: &[&str]) {
    let text = payload_text(token);
    assert_eq!(keys_in_order(&text), expected, "payload: {text}");
}

/// An HS256 token with the standard header, signed with `SECRET`.
fn craft(payload: &Value) -> String {
    sign_parts(
        HS256_HEADER,
        payload.to_string().as_bytes(),
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS256,
    )
}

/// The claims PyJWT would accept at `NOW`, with `extra` merged in; a key written
/// `"-name": null` in `extra` removes `name` instead.
fn claims_with(extra: &Value) -> Value {
    let mut claims = json!({"iat": NOW, "nbf": NOW, "jti": "j", "identity": "u", "fresh": false, "type": "access"});
    for (key, value) in extra.as_object().unwrap() {
        if value.is_null() && key.starts_with('-') {
            claims.as_object_mut().unwrap().remove(&key[1..]);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

/// Decodes, expects a 422 `InvalidToken`, returns its message.
#[track_caller]
fn invalid(manager: &JwtManager, token: &str) -> String {
    match manager.decode_token(token) {
        Ok(claims) => panic!("expected an invalid token, decoded {:?}", claims.raw()),
        Err(JwtError::InvalidToken(message)) => {
            let err = JwtError::InvalidToken(message.clone());
            assert_eq!(err.status().as_u16(), 422);
            assert_eq!(err.kind(), ErrorKind::InvalidToken);
            message
        }
        Err(other) => panic!("expected InvalidToken, got {other:?}"),
    }
}

#[track_caller]
fn assert_uuid4(value: &str) {
    let bytes = value.as_bytes();
    assert_eq!(bytes.len(), 36, "{value}");
    for (i, b) in bytes.iter().enumerate() {
        if [8, 13, 18, 23].contains(&i) {
            assert_eq!(*b, b'-', "{value}");
        } else {
            assert!(b.is_ascii_hexdigit() && !b.is_ascii_uppercase(), "{value}");
        }
    }
    assert_eq!(bytes[14], b'4', "version nibble of {value}");
    assert!(b"89ab".contains(&bytes[19]), "variant of {value}");
}

fn headers(value: &Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}
