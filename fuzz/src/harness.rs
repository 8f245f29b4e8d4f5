//! The harness shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and by the main
//! workspace's `tests/tests/fuzz_regressions.rs`: input decoding, the test apps (built
//! once per thread), a small reference model of the reference's `decode_token` and PyJWT 2's
//! claim checks, and one oracle per target. Each target function panics when its
//! oracle fails, which libFuzzer reports as a crash; the regression tests replay the
//! checked-in seeds (`fuzz/seeds/<target>/`) and every crash found through the same
//! functions on stable.
//!
//! Every manager here has the fixed key [`SECRET`] and the fixed clock [`NOW`], so every
//! input is deterministic. The fuzzer cannot forge a signature with that key: the only
//! tokens it can make authenticate are the genuine ones in the seeds ([`GENUINE`], made
//! by the library with that key), and the oracles check that whatever authenticates is
//! exactly one of those (or, for `signed_claims`, exactly what the model predicts).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::{Duration, UNIX_EPOCH};

use actix_web::dev::Service;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, Uri};
use actix_web::rt::SystemRunner;
use actix_web::test::{self, TestRequest};
use actix_web::web;
use actix_web::web::Bytes;
use actix_web::{App, HttpResponse};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{DecodingKey, EncodingKey};
use jwt_runtime::JwtManagerBuilder;
use jwt_runtime::config::Algorithm;
use jwt_runtime::config::{TokenLocation, TokenType};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------
// Key, clock, genuine tokens
// ---------------------------------------------------------------------------------------

/// The HMAC secret of every manager in the harness.
pub const SECRET: &str = "fuzz-target-secret-of-at-least-32-bytes!";
/// The managers' fixed clock (Unix seconds).
pub const NOW: u64 = 1_800_000_000;
/// [`NOW`] as a signed number, for claim arithmetic.
const NOW_SECS: i64 = 1_800_000_000;
/// `JWT_MAX_TOKEN_SIZE`'s default.
const MAX_TOKEN_SIZE: usize = 8192;

/// Tokens made by the library (`create_access_token` / `create_refresh_token`, with the
/// four locations configured so they carry a `csrf` claim) with [`SECRET`], at [`NOW`]
/// unless named otherwise: the only valid credentials the fuzzers ever see.
pub const GENUINE: [(&str, &str); 8] = [
    (
        "access",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE4MDAwMDAwMDAsIm5iZiI6MTgwMDAwMDAwMCwianRpIjoiMTBkZjA3NzMtNjcxOC00NjQ4LTg2NTEtMjY5MWJlNmM0MjgyIiwiZXhwIjoxODAwMDAwOTAwLCJpZGVudGl0eSI6ImFsaWNlIiwiZnJlc2giOmZhbHNlLCJ0eXBlIjoiYWNjZXNzIiwiY3NyZiI6IjMxYjZkNjg3LWY1YmQtNDA2YS05YjAxLTIwNDc0ZjQxYzEyZiJ9.-ophwQPjVJmPzm5o37omTdZPR3YGfMaeLUvQroXkOWA",
    ),
    (
        "access-fresh",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE4MDAwMDAwMDAsIm5iZiI6MTgwMDAwMDAwMCwianRpIjoiZmE5ZDQ0ZmMtMWY2OC00ZTVlLThlYzMtM2NlM2MyNmZmYzhkIiwiZXhwIjoxODAwMDAwOTAwLCJpZGVudGl0eSI6ImFsaWNlIiwiZnJlc2giOnRydWUsInR5cGUiOiJhY2Nlc3MiLCJjc3JmIjoiNjI2YjljNjEtMDAzNC00ZTc5LWEyNGUtZDQ2MjM5NTM2ZDM1In0.k_BM7yEEo-dgrvQ8nlj9uxYnFo5qHlU9vdvnnFMaYEc",
    ),
    (
        "access-fresh-for-60s",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE4MDAwMDAwMDAsIm5iZiI6MTgwMDAwMDAwMCwianRpIjoiYTFlMzljMzctYWY1ZC00YjY1LTg0MmQtNzI2ZTc1M2NkOGFmIiwiZXhwIjoxODAwMDAwOTAwLCJpZGVudGl0eSI6NDIsImZyZXNoIjoxODAwMDAwMDYwLCJ0eXBlIjoiYWNjZXNzIiwidXNlcl9jbGFpbXMiOnsicm9sZXMiOlsiYWRtaW4iXX0sImNzcmYiOiI5NTUxMGE1YS1iMzAzLTQ0NzAtYjZjMC00YjVjODViZGIzYjUifQ.o8Qr96l_stwIurl2mokh68ojxFCe_TrMGmCXBK5_Mms",
    ),
    (
        "access-never-expires",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE4MDAwMDAwMDAsIm5iZiI6MTgwMDAwMDAwMCwianRpIjoiNDYzODBmMDEtZDJkYy00ZmE2LWI3OTktZWRhOTQzODRkMzhjIiwiaWRlbnRpdHkiOnsiaWQiOjd9LCJmcmVzaCI6ZmFsc2UsInR5cGUiOiJhY2Nlc3MiLCJjc3JmIjoiYzM2NTMyYWEtZGEyOS00ZDYyLWIyMTUtNTgxODQwNzM1M2QxIn0.Lbf5xIHkCnaV95yeh1e2XjAApyUSRJe3YuT06E8YTJQ",
    ),
    (
        "refresh",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE4MDAwMDAwMDAsIm5iZiI6MTgwMDAwMDAwMCwianRpIjoiZTM1ZGRhZWQtYjgwMS00ZTUwLTllYzUtMTk3ZmYzYmVlNTY3IiwiZXhwIjoxODAyNTkyMDAwLCJpZGVudGl0eSI6ImFsaWNlIiwidHlwZSI6InJlZnJlc2giLCJjc3JmIjoiZTM4NDIwMTgtZWJiNy00ODhhLTg0NWItZjg0NThkNDJkM2E0In0.EfIxLHuOoxMuyoHxWVUhmwlTh5OIgCADSuZXRiwm1G8",
    ),
    (
        "access-expired",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTk5OTAwMDAsIm5iZiI6MTc5OTk5MDAwMCwianRpIjoiYmE1ZDVlMmItMGEwNS00M2NjLTgzN2QtODg3ZmUyNjc4MjY1IiwiZXhwIjoxNzk5OTkwOTAwLCJpZGVudGl0eSI6ImFsaWNlIiwiZnJlc2giOnRydWUsInR5cGUiOiJhY2Nlc3MiLCJjc3JmIjoiNDNjZWY2NWEtYTc0Mi00ZTE0LWJhMTgtY2Q5Yzg0MzNmMDdjIn0.e4rHZCNAYXXZkPh2ZeoDZunms19r8HBZiaepKlBc6MA",
    ),
    (
        "refresh-expired",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTk5OTAwMDAsIm5iZiI6MTc5OTk5MDAwMCwianRpIjoiMTBkM2UyNmUtNmVjNy00NDg1LThmZTQtMGU4MDEwM2JmMWQ3IiwiZXhwIjoxNzk5OTkwMDYwLCJpZGVudGl0eSI6ImFsaWNlIiwidHlwZSI6InJlZnJlc2giLCJjc3JmIjoiNjA1Yjg4ZmQtNzVkYy00YTNmLTgwMzYtMzEzZTUxZTIwNDFjIn0.n-T-ETE9ncfdEwH3mHO4MUlbcnBei5rBrw1KYOypm5A",
    ),
    (
        "access-not-yet-valid",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE4MDAwMDEwMDAsIm5iZiI6MTgwMDAwMTAwMCwianRpIjoiMWQyN2E1ZTAtZjk2Yi00OGZmLTg4NjAtZDJkNTNkZmU3ZmRkIiwiZXhwIjoxODAwMDAxOTAwLCJpZGVudGl0eSI6ImFsaWNlIiwiZnJlc2giOmZhbHNlLCJ0eXBlIjoiYWNjZXNzIiwiY3NyZiI6IjczY2E0OTVlLTcxMTktNDA2Ni1hNGFlLWRjZTI1NDkwMWNhMCJ9.5mQVZe3GI66U0EX2snMxkUNdcMmVKNc_c-RVNb2-TQk",
    ),
];

/// The genuine token named `name`.
fn genuine(name: &str) -> &'static str {
    GENUINE
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, token)| token)
}

/// A builder with [`SECRET`], the fixed clock and no registered loaders.
pub fn builder(config: JwtConfig) -> JwtManagerBuilder {
    JwtManager::builder(config.secret_key(SECRET))
        .ignore_registered_loaders()
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
}

fn build(config: JwtConfig) -> JwtManager {
    match builder(config).build() {
        Ok(manager) => manager,
        Err(error) => panic!("harness configuration: {error}"),
    }
}

const ALL_LOCATIONS: [TokenLocation; 4] = [
    TokenLocation::Headers,
    TokenLocation::Cookies,
    TokenLocation::QueryString,
    TokenLocation::Json,
];

// ---------------------------------------------------------------------------------------
// Reading structured values from fuzz bytes
// ---------------------------------------------------------------------------------------

/// Takes values off the front of the input; an exhausted input reads as zeros.
struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((first, rest)) => {
                self.data = rest;
                *first
            }
            None => 0,
        }
    }

    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.data.split_at(n.min(self.data.len()));
        self.data = tail;
        head
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        for (slot, byte) in out.iter_mut().zip(self.bytes(N)) {
            *slot = *byte;
        }
        out
    }

    fn small(&mut self) -> i64 {
        i64::from(i8::from_le_bytes([self.byte()]))
    }

    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.array())
    }

    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }

    /// Up to 31 bytes, as (lossy) UTF-8.
    fn string(&mut self) -> String {
        let len = usize::from(self.byte() % 32);
        String::from_utf8_lossy(self.bytes(len)).into_owned()
    }
}

/// A finite float as JSON (JSON has no NaN or infinity).
fn float(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::from(0.5), Value::Number)
}

/// Any JSON value, nested up to three levels.
fn any_value(r: &mut Reader<'_>, depth: u8) -> Value {
    match r.byte() % 10 {
        0 => Value::Null,
        1 => Value::Bool(r.byte() & 1 == 1),
        2 => Value::from(r.small()),
        3 => Value::from(r.i64()),
        4 => Value::from(r.u64()),
        5 => float(f64::from_bits(r.u64())),
        7 if depth < 3 => {
            let len = r.byte() % 4;
            Value::Array((0..len).map(|_| any_value(r, depth + 1)).collect())
        }
        8 if depth < 3 => {
            let len = r.byte() % 4;
            let mut object = Map::new();
            for _ in 0..len {
                let key = r.string();
                object.insert(key, any_value(r, depth + 1));
            }
            Value::Object(object)
        }
        _ => Value::String(r.string()),
    }
}

/// A NumericDate claim (`iat`, `nbf`, `exp`), mostly near [`NOW`]; `None` leaves it out.
fn time_claim(r: &mut Reader<'_>, canonical: i64) -> Option<Value> {
    Some(match r.byte() % 12 {
        0 => Value::from(canonical),
        1 => return None,
        2 => Value::from(NOW_SECS + r.small()),
        3 => Value::from(NOW_SECS + i64::from(i16::from_le_bytes(r.array()))),
        4 => {
            let whole = NOW_SECS + r.small();
            #[allow(clippy::cast_precision_loss, reason = "values near NOW are exact")]
            float(whole as f64 + f64::from(r.byte()) / 256.0)
        }
        5 => Value::from(r.i64()),
        6 => Value::from(r.u64()),
        7 => float(f64::from_bits(r.u64())),
        8 => Value::String(if r.byte() & 1 == 0 {
            NOW.to_string()
        } else {
            r.string()
        }),
        9 => Value::Bool(r.byte() & 1 == 1),
        10 => Value::Null,
        _ => any_value(r, 0),
    })
}

/// One of a few fixed values, or anything; `None` leaves the claim out. Kind 0 is the
/// canonical (valid) value, kind 1 leaves the claim out.
fn claim(r: &mut Reader<'_>, fixed: &[Option<Value>]) -> Option<Value> {
    let kind = usize::from(r.byte() % 8);
    match fixed.get(kind) {
        Some(value) => value.clone(),
        None if kind % 2 == 0 => Some(Value::String(r.string())),
        None => Some(any_value(r, 0)),
    }
}

/// `{"k":v,...}` with the entries in order, duplicates kept (the parser keeps the last).
fn render(entries: &[(String, Value)]) -> String {
    let fields: Vec<String> = entries
        .iter()
        .map(|(key, value)| format!("{}:{value}", Value::String(key.clone())))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// What a JSON parser makes of [`render`]'s output: the last of duplicate keys wins.
fn fold(entries: &[(String, Value)]) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in entries {
        map.insert(key.clone(), value.clone());
    }
    map
}

// ---------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `b64(header).b64(payload).signature`, HS256 with [`SECRET`], whatever the header says.
///
/// # Panics
/// If jsonwebtoken cannot make an HMAC key or sign (never with [`SECRET`]).
#[must_use]
pub fn sign(header: &str, payload: &str) -> String {
    let key = match EncodingKey::from_secret(SECRET.as_bytes()) {
        Ok(key) => key,
        Err(error) => panic!("HMAC key: {error}"),
    };
    let mut token = format!("{}.{}", b64(header), b64(payload));
    match jsonwebtoken::crypto::sign(token.as_bytes(), &key, Algorithm::HS256) {
        Ok(signature) => {
            token.push('.');
            token.push_str(&signature);
        }
        Err(error) => panic!("signing: {error}"),
    }
    token
}

/// The header this library writes for HS256, byte for byte.
const HS256_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Claims valid at [`NOW`] for the default settings, with `extra` merged in.
fn valid_claims(token_type: &str, extra: &[(&str, Value)]) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("iat".into(), Value::from(NOW));
    claims.insert("nbf".into(), Value::from(NOW));
    claims.insert("jti".into(), Value::from("fuzz-jti"));
    claims.insert("exp".into(), Value::from(NOW + 900));
    claims.insert("identity".into(), Value::from("alice"));
    if token_type == "access" {
        claims.insert("fresh".into(), Value::Bool(false));
    }
    claims.insert("type".into(), Value::from(token_type));
    for (key, value) in extra {
        claims.insert((*key).to_owned(), value.clone());
    }
    claims
}

fn signed_claims_token(claims: &Map<String, Value>) -> String {
    sign(HS256_HEADER, &Value::Object(claims.clone()).to_string())
}

/// Verifies `token`'s signature without this library: jsonwebtoken's HMAC over the
/// first two segments, canonical base64url everywhere. Returns the header and the
/// payload bytes when it verifies with [`SECRET`] under one of `algorithms`.
fn independently_verified(
    token: &str,
    algorithms: &[Algorithm],
) -> Option<(Map<String, Value>, Vec<u8>)> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return None;
    };
    let header_bytes = URL_SAFE_NO_PAD.decode(header).ok()?;
    let payload_bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    URL_SAFE_NO_PAD.decode(signature).ok()?;
    let Ok(Value::Object(header_map)) = serde_json::from_slice::<Value>(&header_bytes) else {
        return None;
    };
    let name = header_map.get("alg").and_then(Value::as_str)?;
    let algorithm = *algorithms.iter().find(|a| alg_name(**a) == name)?;
    let key = DecodingKey::from_secret(SECRET.as_bytes()).ok()?;
    let message = format!("{header}.{payload}");
    match jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key, algorithm) {
        Ok(true) => Some((header_map, payload_bytes)),
        _ => None,
    }
}

fn alg_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        _ => "other",
    }
}

// ---------------------------------------------------------------------------------------
// The reference model: the reference's `decode_token`, PyJWT 2's checks, this port's decisions
// ---------------------------------------------------------------------------------------

/// What `decode_token` answers, as the model predicts it or as the library did.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Verified: the normalised claims.
    Valid(Map<String, Value>),
    /// `Token has expired`, with the normalised claims.
    Expired(Map<String, Value>),
    /// 422 with this message (`DecodeError`, `JWTDecodeError`, `InvalidTokenError`).
    Invalid(String),
    /// 401 `CSRFError` with this message.
    Csrf(String),
    /// Any other error: never expected from `decode_token`.
    Other(String),
}

impl Outcome {
    fn of(result: Result<Claims, JwtError>) -> Self {
        match result {
            Ok(claims) => Outcome::Valid(claims.raw().clone()),
            Err(JwtError::Expired(claims)) => Outcome::Expired(claims.raw().clone()),
            Err(JwtError::InvalidToken(message)) => Outcome::Invalid(message),
            Err(JwtError::Csrf(message)) => Outcome::Csrf(message),
            Err(other) => Outcome::Other(format!("{other:?}")),
        }
    }
}

fn invalid(message: &str) -> Outcome {
    Outcome::Invalid(message.to_owned())
}

/// The decode settings the model and a manager share.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// `JWT_DECODE_LEEWAY`, whole seconds.
    pub leeway: u64,
    /// `JWT_DECODE_ALGORITHMS` (HS256 first: it is `JWT_ALGORITHM`).
    pub algorithms: &'static [Algorithm],
    /// `JWT_DECODE_AUDIENCE`.
    pub audience: Option<&'static [&'static str]>,
    /// `JWT_DECODE_ISSUER`.
    pub issuer: Option<&'static str>,
    /// `JWT_IDENTITY_CLAIM`.
    pub identity: &'static str,
    /// `JWT_USER_CLAIMS`.
    pub user_claims: &'static str,
}

/// The configurations `signed_claims` picks from (and `decode` uses the first).
pub const SETTINGS: [Settings; 3] = [
    Settings {
        leeway: 0,
        algorithms: &[Algorithm::HS256, Algorithm::HS384, Algorithm::HS512],
        audience: None,
        issuer: None,
        identity: "identity",
        user_claims: "user_claims",
    },
    Settings {
        leeway: 30,
        algorithms: &[Algorithm::HS256, Algorithm::HS384],
        audience: Some(&["aud-a", "aud-b"]),
        issuer: Some("iss-x"),
        identity: "identity",
        user_claims: "user_claims",
    },
    Settings {
        leeway: 1,
        algorithms: &[Algorithm::HS256],
        audience: Some(&["aud-a"]),
        issuer: None,
        identity: "sub",
        user_claims: "uc",
    },
];

impl Settings {
    /// The library configuration with these settings (headers only, HS256).
    #[must_use]
    pub fn config(&self) -> JwtConfig {
        let mut config = JwtConfig::default()
            .decode_leeway(Duration::from_secs(self.leeway))
            .decode_algorithms(self.algorithms.iter().copied())
            .identity_claim(self.identity)
            .user_claims(self.user_claims);
        if let Some(audience) = self.audience {
            config = config.decode_audience(audience.iter().copied());
        }
        if let Some(issuer) = self.issuer {
            config = config.decode_issuer([issuer]);
        }
        config
    }
}

/// A NumericDate as PyJWT's `int()` reads it: integers exactly, floats truncated.
#[derive(Clone, Copy)]
enum Numeric {
    Int(i128),
    Float(f64),
}

impl Numeric {
    /// `int(value)`; `None` for what this port refuses (its decision: anything but a JSON number,
    /// where Python's `int()` would also take `True` and `"123"`).
    fn of(value: &Value) -> Option<Self> {
        let Value::Number(n) = value else {
            return None;
        };
        if let Some(i) = n.as_i64() {
            Some(Numeric::Int(i128::from(i)))
        } else if let Some(u) = n.as_u64() {
            Some(Numeric::Int(i128::from(u)))
        } else {
            n.as_f64().map(|f| Numeric::Float(f.trunc()))
        }
    }

    /// `int(value) > bound`, exactly (`bound` is a small integer, exact as a float).
    fn greater_than(self, bound: i64) -> bool {
        match self {
            Numeric::Int(i) => i > i128::from(bound),
            #[allow(clippy::cast_precision_loss, reason = "bound is near NOW, exact")]
            Numeric::Float(f) => f > bound as f64,
        }
    }
}

/// Python truthiness (`not payload["aud"]`).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// The header checks before the signature: the `alg` allow-list, then this port's
/// refusals of `kid` that is not a string, `b64` other than `true`, and `crit` naming
/// anything but a present `b64` (RFC 8725 §3.1).
fn model_header(header: &Map<String, Value>, allowed: &[Algorithm]) -> Result<Algorithm, Outcome> {
    let algorithm = header
        .get("alg")
        .and_then(Value::as_str)
        .and_then(|name| allowed.iter().copied().find(|a| alg_name(*a) == name))
        .ok_or_else(|| invalid("The specified alg value is not allowed"))?;
    if header.get("kid").is_some_and(|kid| !kid.is_string()) {
        return Err(invalid("Key ID header parameter must be a string"));
    }
    if header
        .get("b64")
        .is_some_and(|b64| *b64 != Value::Bool(true))
    {
        return Err(invalid("Unsupported b64 header parameter"));
    }
    if let Some(crit) = header.get("crit") {
        let only_b64 =
            *crit == Value::Array(vec![Value::from("b64")]) && header.contains_key("b64");
        if !only_b64 {
            return Err(invalid("Unsupported critical header parameter"));
        }
    }
    Ok(algorithm)
}

/// PyJWT 2's `_validate_claims` (iat → nbf → exp → iss → aud → sub → jti) at [`NOW`], then
/// the reference's claim normalisation, then expiry (non-expiry errors win, as
/// the reference's second `allow_expired` pass makes them).
#[must_use]
pub fn model_claims(
    mut payload: Map<String, Value>,
    settings: &Settings,
    csrf_value: Option<&str>,
    allow_expired: bool,
) -> Outcome {
    let leeway = i64::try_from(settings.leeway).unwrap_or(i64::MAX);
    for (name, message) in [
        ("iat", "Issued At claim (iat) must be an integer."),
        ("nbf", "Not Before claim (nbf) must be an integer."),
    ] {
        if let Some(value) = payload.get(name) {
            let Some(time) = Numeric::of(value) else {
                return invalid(message);
            };
            if time.greater_than(NOW_SECS + leeway) {
                return Outcome::Invalid(format!("The token is not yet valid ({name})"));
            }
        }
    }
    let mut expired = false;
    if let Some(exp) = payload.get("exp") {
        // Port decision: checked (and refused when not a number) even with `allow_expired`, where
        // PyJWT's `verify_exp: False` would skip it.
        let Some(exp) = Numeric::of(exp) else {
            return invalid("Expiration Time claim (exp) must be an integer.");
        };
        expired = !exp.greater_than(NOW_SECS - leeway);
    }
    if let Some(issuer) = settings.issuer {
        match payload.get("iss") {
            None => return invalid(r#"Token is missing the "iss" claim"#),
            Some(Value::String(iss)) if iss == issuer => {}
            Some(Value::String(_)) => return invalid("Invalid issuer"),
            Some(_) => return invalid("Payload Issuer (iss) must be a string"),
        }
    }
    let aud = payload.get("aud").filter(|aud| truthy(aud));
    match (settings.audience, aud) {
        (None, None) => {}
        (None, Some(_)) => return invalid("Invalid audience"),
        (Some(_), None) => return invalid(r#"Token is missing the "aud" claim"#),
        (Some(expected), Some(aud)) => {
            let claimed: Vec<&str> = match aud {
                Value::String(one) => vec![one.as_str()],
                Value::Array(items) => {
                    let strings: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    if strings.len() != items.len() {
                        return invalid("Invalid claim format in token");
                    }
                    strings
                }
                _ => return invalid("Invalid claim format in token"),
            };
            if expected.iter().all(|e| !claimed.contains(e)) {
                return invalid("Audience doesn't match");
            }
        }
    }
    if payload.get("sub").is_some_and(|sub| !sub.is_string()) {
        return invalid("Subject must be a string");
    }
    if payload.get("jti").is_some_and(|jti| !jti.is_string()) {
        return invalid("JWT ID must be a string");
    }
    // The reference's claim normalisation.
    payload.entry("jti").or_insert(Value::Null);
    if !payload.contains_key(settings.identity) {
        return Outcome::Invalid(format!("Missing claim: {}", settings.identity));
    }
    let token_type = payload
        .entry("type")
        .or_insert_with(|| Value::from("access"))
        .clone();
    match token_type.as_str() {
        Some("access") => {
            payload.entry("fresh").or_insert(Value::Bool(false));
        }
        Some("refresh") => {}
        _ => return invalid("Missing or invalid claim: type"),
    }
    if !payload.contains_key(settings.user_claims) {
        payload.insert(settings.user_claims.to_owned(), Value::Object(Map::new()));
    }
    if let Some(csrf_value) = csrf_value.filter(|v| !v.is_empty()) {
        match payload.get("csrf") {
            None => return invalid("Missing claim: csrf"),
            // Port decision: a non-string claim is a mismatch (reference's compare_digest: 500).
            Some(Value::String(claim)) if claim == csrf_value => {}
            Some(_) => return Outcome::Csrf("CSRF double submit tokens do not match".into()),
        }
    }
    if expired && !allow_expired {
        Outcome::Expired(payload)
    } else {
        Outcome::Valid(payload)
    }
}

/// `Token is too large (...)`: this port's `JWT_MAX_TOKEN_SIZE` refusal.
fn too_large(token: &str) -> Outcome {
    Outcome::Invalid(too_large_message(token))
}

fn too_large_message(token: &str) -> String {
    format!(
        "Token is too large ({} bytes; the limit is {MAX_TOKEN_SIZE})",
        token.len()
    )
}

/// What the `Authorization` header getter finds (the reference's, with this port's decisions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderModel {
    /// 401 `Missing Authorization Header`.
    Missing,
    /// 422 `Bad Authorization header. Expected value '<type> <JWT>'`.
    Bad,
    /// A token to decode.
    Token(String),
}

/// The reference's header getter on the header lines of a request, with `scheme` as
/// `JWT_HEADER_TYPE`. Where the reference answers 500 (an empty comma field, a blank
/// value) this port answers 422; two lines, or two fields of the scheme, are refused as
/// ambiguous; a value that is not visible ASCII is refused (422).
#[must_use]
pub fn model_authorization(lines: &[&[u8]], scheme: &str) -> HeaderModel {
    let value = match lines {
        [] => return HeaderModel::Missing,
        [value] => *value,
        _ => return HeaderModel::Bad,
    };
    if value.is_empty() {
        return HeaderModel::Missing;
    }
    if !value
        .iter()
        .all(|b| *b == b'\t' || (0x20..0x7f).contains(b))
    {
        return HeaderModel::Bad;
    }
    let Ok(text) = std::str::from_utf8(value) else {
        return HeaderModel::Bad;
    };
    if scheme.is_empty() {
        let words: Vec<&str> = text.split_ascii_whitespace().collect();
        return match words.as_slice() {
            [token] => HeaderModel::Token((*token).to_owned()),
            _ => HeaderModel::Bad,
        };
    }
    // fields = re.split(r",\s*", auth); keep those whose first word is the scheme.
    let mut kept: Vec<Vec<&str>> = Vec::new();
    for field in text.split(',') {
        let words: Vec<&str> = field.split_ascii_whitespace().collect();
        match words.first() {
            None => return HeaderModel::Bad,
            Some(first) if *first == scheme => kept.push(words),
            Some(_) => {}
        }
    }
    match kept.as_slice() {
        [words] => match words.as_slice() {
            [_, token] => HeaderModel::Token((*token).to_owned()),
            _ => HeaderModel::Bad,
        },
        _ => HeaderModel::Bad,
    }
}

// ---------------------------------------------------------------------------------------
// The test apps, built once per thread
// ---------------------------------------------------------------------------------------

/// Which guarded handler ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `#[jwt_required]` at `/protected`.
    Required,
    /// `#[jwt_optional]` at `/optional` (which also reads the body).
    Optional,
    /// `#[fresh_jwt_required]` at `/fresh`.
    Fresh,
    /// `#[jwt_refresh_token_required]` at `/refresh`.
    Refresh,
}

/// One run of a handler, as it saw the request.
#[derive(Clone, Debug)]
pub struct Run {
    /// The handler.
    pub route: Route,
    /// `get_jwt_identity()`.
    pub identity: Option<Value>,
    /// `get_raw_jwt()`.
    pub claims: Map<String, Value>,
    /// The body the handler's own extractor read (`/optional` only).
    pub body: Option<Bytes>,
}

thread_local! {
    /// The handler runs of the current request (the test service runs on this thread).
    static RUNS: RefCell<Vec<Run>> = const { RefCell::new(Vec::new()) };
    static RUNTIME: SystemRunner = actix_web::rt::System::new();
    // The apps are leaked: a service dropped after the thread's runtime would panic.
    static HEADERS_APP: &'static TestApp = TestApp::leak(JwtConfig::default());
    static BARE_HEADERS_APP: &'static TestApp = TestApp::leak(JwtConfig::default().header_type(""));
    static COOKIES_APP: &'static TestApp =
        TestApp::leak(JwtConfig::default().token_location([TokenLocation::Cookies]));
    static ALL_LOCATIONS_APP: &'static TestApp =
        TestApp::leak(JwtConfig::default().token_location(ALL_LOCATIONS));
    static MANAGERS: Vec<JwtManager> = SETTINGS.iter().map(|s| build(s.config())).collect();
}

fn record(route: Route, body: Option<Bytes>) -> HttpResponse {
    let run = Run {
        route,
        identity: get_jwt_identity::<Value>(),
        claims: get_raw_jwt(),
        body,
    };
    RUNS.with(|runs| runs.borrow_mut().push(run));
    HttpResponse::Ok().finish()
}

#[jwt_required]
async fn required_handler() -> HttpResponse {
    record(Route::Required, None)
}

#[jwt_optional]
async fn optional_handler(body: web::Bytes) -> HttpResponse {
    record(Route::Optional, Some(body))
}

#[fresh_jwt_required]
async fn fresh_handler() -> HttpResponse {
    record(Route::Fresh, None)
}

#[jwt_refresh_token_required]
async fn refresh_handler() -> HttpResponse {
    record(Route::Refresh, None)
}

/// Every route answers every method.
fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/protected", web::route().to(required_handler))
        .route("/optional", web::route().to(optional_handler))
        .route("/fresh", web::route().to(fresh_handler))
        .route("/refresh", web::route().to(refresh_handler));
}

type Reply = Pin<Box<dyn Future<Output = (u16, Bytes)>>>;

/// A test service and its manager.
struct TestApp {
    manager: JwtManager,
    call: Box<dyn Fn(TestRequest) -> Reply>,
}

impl TestApp {
    fn leak(config: JwtConfig) -> &'static Self {
        let manager = build(config);
        let app = App::new().wrap(manager.clone()).configure(routes);
        let service = RUNTIME.with(|rt| rt.block_on(test::init_service(app)));
        let service = Rc::new(service);
        let call = Box::new(move |request: TestRequest| -> Reply {
            let service = Rc::clone(&service);
            Box::pin(async move {
                match service.call(request.to_request()).await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        (status, test::read_body(response).await)
                    }
                    Err(error) => (
                        error.as_response_error().status_code().as_u16(),
                        Bytes::from(error.to_string()),
                    ),
                }
            })
        });
        Box::leak(Box::new(TestApp { manager, call }))
    }
}

/// What a request got: status, body, and the handler runs it caused.
struct Answer {
    status: u16,
    body: Bytes,
    runs: Vec<Run>,
}

impl Answer {
    /// `{"msg": ...}` of an error body.
    fn message(&self) -> Option<String> {
        let body: Value = serde_json::from_slice(&self.body).ok()?;
        body.get("msg")?.as_str().map(str::to_owned)
    }
}

fn app(which: &'static std::thread::LocalKey<&'static TestApp>) -> &'static TestApp {
    which.with(|app| *app)
}

fn send(app: &TestApp, request: TestRequest) -> Answer {
    RUNS.with(|runs| runs.borrow_mut().clear());
    let reply = (app.call)(request);
    let (status, body) = RUNTIME.with(|rt| rt.block_on(reply));
    let runs = RUNS.with(|runs| std::mem::take(&mut *runs.borrow_mut()));
    Answer { status, body, runs }
}

fn header_value(bytes: &[u8]) -> Option<HeaderValue> {
    HeaderValue::from_bytes(bytes).ok()
}

/// The request's own description in a failed assertion.
fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).escape_debug().to_string()
}

// ---------------------------------------------------------------------------------------
// Target 1: header_parsing
// ---------------------------------------------------------------------------------------

/// `header_parsing`: the input is the `Authorization` header value; a `\n` splits it
/// into two header lines. Sent to `/protected` (`#[jwt_required]`) of an app with the
/// `Bearer` scheme and of one with no scheme (`JWT_HEADER_TYPE=""`).
///
/// Oracle: no panic; the status and `{"msg"}` are exactly what [`model_authorization`]
/// then `decode_token` of the token it finds predict (so never 5xx); the handler runs
/// iff the answer is 200, and then only for a token whose signature verifies with the
/// key independently of this library and whose identity the handler saw. Random bytes
/// therefore never get a 2xx: only the genuine seed tokens can.
///
/// # Panics
/// When the oracle fails: that is the finding libFuzzer reports.
pub fn header_parsing(data: &[u8]) {
    let lines: Vec<&[u8]> = data.splitn(2, |b| *b == b'\n').collect();
    let Some(values) = lines
        .iter()
        .map(|line| header_value(line))
        .collect::<Option<Vec<HeaderValue>>>()
    else {
        return;
    };
    for (which, scheme) in [(&HEADERS_APP, "Bearer"), (&BARE_HEADERS_APP, "")] {
        let app = app(which);
        let mut request = TestRequest::get().uri("/protected");
        for value in &values {
            request = request.append_header((header::AUTHORIZATION, value.clone()));
        }
        let answer = send(app, request);
        let case = format!("scheme {scheme:?}, header {}", show(data));
        let found = model_authorization(&lines, scheme);
        let expected: Result<Claims, (u16, String)> = match &found {
            HeaderModel::Missing => Err((401, "Missing Authorization Header".into())),
            HeaderModel::Bad if scheme.is_empty() => Err((
                422,
                "Bad Authorization header. Expected value '<JWT>'".into(),
            )),
            HeaderModel::Bad => Err((
                422,
                "Bad Authorization header. Expected value 'Bearer <JWT>'".into(),
            )),
            HeaderModel::Token(token) => match app.manager.decode_token(token) {
                Ok(claims) if claims.token_type() == TokenType::Access => Ok(claims),
                Ok(_) => Err((422, "Only access tokens are allowed".into())),
                Err(error) => Err((error.status().as_u16(), error.message())),
            },
        };
        match expected {
            Ok(claims) => {
                assert_eq!(answer.status, 200, "{case}: {:?}", answer.message());
                let [run] = answer.runs.as_slice() else {
                    panic!("{case}: the handler ran {} times", answer.runs.len());
                };
                assert_eq!(
                    run.identity.as_ref(),
                    Some(claims.identity_value()),
                    "{case}"
                );
                assert_eq!(&run.claims, claims.raw(), "{case}");
                let HeaderModel::Token(token) = &found else {
                    unreachable!("only a token decodes")
                };
                assert!(
                    independently_verified(token, &[Algorithm::HS256]).is_some(),
                    "{case}: authenticated a token that does not verify with the key"
                );
            }
            Err((status, message)) => {
                assert!(answer.runs.is_empty(), "{case}: the handler ran");
                assert_eq!(
                    (answer.status, answer.message()),
                    (status, Some(message)),
                    "{case}: model said {found:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Target 2: decode
// ---------------------------------------------------------------------------------------

/// `decode`: the input (lossy UTF-8) is a token for `decode_token`; after a `\n`, the
/// rest is the CSRF value. The manager is `SETTINGS[0]` (HS256, HS384 and HS512 allowed).
///
/// Oracle: no panic; when the token's signature verifies with the key independently of
/// this library (jsonwebtoken's HMAC, canonical base64url, exactly three segments), the
/// outcome is exactly what the model predicts, with and without `allow_expired`;
/// otherwise it is an `InvalidToken` error. So random input never decodes.
///
/// # Panics
/// When the oracle fails: that is the finding libFuzzer reports.
pub fn decode(data: &[u8]) {
    let (token, csrf) = match data.iter().position(|b| *b == b'\n') {
        Some(at) => (
            data.get(..at).unwrap_or_default(),
            Some(String::from_utf8_lossy(
                data.get(at + 1..).unwrap_or_default(),
            )),
        ),
        None => (data, None),
    };
    let token = String::from_utf8_lossy(token);
    let settings = &SETTINGS[0];
    let manager = MANAGERS.with(|m| m[0].clone());
    let verified = independently_verified(&token, settings.algorithms);
    for allow_expired in [false, true] {
        let got = Outcome::of(
            manager.decode_token_with(
                &token,
                jwt_runtime::DecodeOptions::default()
                    .csrf_value(csrf.as_deref())
                    .allow_expired(allow_expired),
            ),
        );
        let case = format!("token {token:?}, csrf {csrf:?}, allow_expired {allow_expired}");
        if token.len() > MAX_TOKEN_SIZE {
            assert_eq!(got, too_large(&token), "{case}");
            continue;
        }
        let Some((header, payload)) = &verified else {
            assert!(
                matches!(got, Outcome::Invalid(_)),
                "{case}: a token that does not verify gave {got:?}"
            );
            continue;
        };
        let expected = match model_header(header, settings.algorithms) {
            Err(refused) => refused,
            Ok(_) => match serde_json::from_slice::<Value>(payload) {
                Ok(Value::Object(map)) => {
                    model_claims(map, settings, csrf.as_deref(), allow_expired)
                }
                Ok(_) => invalid("Invalid payload string: must be a json object"),
                Err(error) => Outcome::Invalid(format!("Invalid payload string: {error}")),
            },
        };
        assert_eq!(got, expected, "{case}");
    }
    // Reading the header without verification never panics either.
    let _ = manager.get_unverified_jwt_headers(&token);
}

// ---------------------------------------------------------------------------------------
// Target 3: signed_claims
// ---------------------------------------------------------------------------------------

/// The names of the claim slots, in the order `signed_claims` reads them.
const SLOTS: [&str; 12] = [
    "iat",
    "nbf",
    "exp",
    "<identity>",
    "type",
    "fresh",
    "<user_claims>",
    "jti",
    "csrf",
    "iss",
    "aud",
    "sub",
];

/// A JOSE header (its text, and what it parses to) chosen by the input.
fn header_variant(r: &mut Reader<'_>) -> (String, Map<String, Value>) {
    let kind = r.byte() % 8;
    let entries: Vec<(String, Value)> = match kind {
        0..=3 => {
            let text = HS256_HEADER.to_owned();
            let map = match serde_json::from_str(&text) {
                Ok(Value::Object(map)) => map,
                _ => Map::new(),
            };
            return (text, map);
        }
        4 => vec![("typ".into(), "JWT".into()), ("alg".into(), "HS256".into())],
        5 => {
            let key_id = if r.byte() & 1 == 0 {
                Value::String(r.string())
            } else {
                any_value(r, 0)
            };
            vec![("alg".into(), "HS256".into()), ("kid".into(), key_id)]
        }
        6 => {
            let alg = ("alg".to_owned(), Value::from("HS256"));
            let b64 = |v: Value| ("b64".to_owned(), v);
            let crit = |v: Value| ("crit".to_owned(), v);
            match r.byte() % 7 {
                0 => vec![alg, b64(Value::Bool(true))],
                1 => vec![alg, b64(Value::Bool(false))],
                2 => vec![
                    alg,
                    crit(serde_json::json!(["b64"])),
                    b64(Value::Bool(true)),
                ],
                3 => vec![alg, crit(serde_json::json!(["b64"]))],
                4 => vec![alg, crit(serde_json::json!(["exp"]))],
                5 => vec![alg, crit(serde_json::json!([]))],
                _ => vec![alg, b64(any_value(r, 0))],
            }
        }
        _ => {
            let alg = match r.byte() % 8 {
                0 => Value::from("none"),
                1 => Value::from("HS384"),
                2 => Value::from("hs256"),
                3 => Value::from("HS512"),
                4 => Value::from(256),
                5 => Value::Null,
                6 => Value::from("HS256 "),
                _ => any_value(r, 0),
            };
            vec![("alg".into(), alg), ("typ".into(), "JWT".into())]
        }
    };
    (render(&entries), fold(&entries))
}

/// The claims `signed_claims` signs: one kind byte per slot (0: the canonical valid
/// value, 1: left out, then fixed edge values, then anything), then up to three
/// duplicate or extra entries.
fn claim_entries(r: &mut Reader<'_>, settings: &Settings) -> Vec<(String, Value)> {
    let s = |text: &str| Some(Value::from(text));
    let aud_canonical = settings
        .audience
        .and_then(|a| a.first())
        .map(|a| Value::from(*a));
    let iss_canonical = settings.issuer.map(Value::from);
    let mut entries = Vec::new();
    for slot in SLOTS {
        let value = match slot {
            "iat" | "nbf" => time_claim(r, NOW_SECS),
            "exp" => time_claim(r, NOW_SECS + 900),
            "<identity>" => claim(
                r,
                &[s("alice"), None, Some(Value::from(42)), Some(Value::Null)],
            ),
            "type" => claim(
                r,
                &[
                    s("access"),
                    None,
                    s("refresh"),
                    s("Access"),
                    Some(Value::from(1)),
                ],
            ),
            "fresh" => claim(
                r,
                &[
                    Some(Value::Bool(false)),
                    None,
                    Some(Value::Bool(true)),
                    Some(Value::from(NOW_SECS + 60)),
                ],
            ),
            "<user_claims>" => claim(r, &[None, None, Some(serde_json::json!({"roles": ["a"]}))]),
            "jti" => claim(
                r,
                &[s("jti-1"), None, Some(Value::Null), Some(Value::from(7))],
            ),
            "csrf" => claim(r, &[s("csrf-1"), None, s(""), Some(Value::from(1))]),
            "iss" => claim(r, &[iss_canonical.clone(), None, s("iss-x"), s("other")]),
            "aud" => claim(
                r,
                &[
                    aud_canonical.clone(),
                    None,
                    Some(serde_json::json!(["zzz", "aud-b"])),
                    s(""),
                    Some(serde_json::json!([])),
                    Some(serde_json::json!(["aud-a", 1])),
                ],
            ),
            _ => claim(r, &[None, None, s("alice"), Some(Value::from(1))]),
        };
        let name = match slot {
            "<identity>" => settings.identity,
            "<user_claims>" => settings.user_claims,
            other => other,
        };
        if let Some(value) = value {
            entries.push((name.to_owned(), value));
        }
    }
    for _ in 0..r.byte() % 4 {
        let names = [
            "iat", "nbf", "exp", "identity", "type", "fresh", "jti", "csrf", "iss", "aud", "sub",
            "uc",
        ];
        let index = usize::from(r.byte()) % (names.len() + 1);
        let name = names
            .get(index)
            .map_or_else(|| r.string(), |n| (*n).to_owned());
        let value = any_value(r, 0);
        entries.push((name, value));
    }
    entries
}

/// `signed_claims`: builds a header and claims from the input (see [`claim_entries`]),
/// signs them properly with the key (HS256, whatever the header says) and decodes them
/// with one of [`SETTINGS`], a CSRF value and `allow_expired` chosen by the input.
///
/// Input: settings index, header kind, CSRF kind, `allow_expired`, one kind byte per
/// claim slot (with its payload bytes), the number of extra entries, then those.
///
/// Oracle: `decode_token`'s outcome (valid with these normalised claims, expired with
/// these, or this exact error) equals [`model_claims`]'s prediction.
///
/// # Panics
/// When the oracle fails: that is the finding libFuzzer reports.
pub fn signed_claims(data: &[u8]) {
    let mut r = Reader::new(data);
    let index = usize::from(r.byte() % 3);
    let settings = &SETTINGS[index];
    let (header_text, header) = header_variant(&mut r);
    let csrf_kind = r.byte() % 4;
    let allow_expired = r.byte() & 1 == 1;
    let entries = claim_entries(&mut r, settings);
    let payload_text = render(&entries);
    let payload = fold(&entries);
    let csrf_value = match csrf_kind {
        0 => None,
        1 => Some(String::new()),
        2 => Some(
            payload
                .get("csrf")
                .and_then(Value::as_str)
                .unwrap_or("csrf-1")
                .to_owned(),
        ),
        _ => Some(r.string()),
    };
    let token = sign(&header_text, &payload_text);
    let manager = MANAGERS.with(|m| m[index].clone());
    let got = Outcome::of(
        manager.decode_token_with(
            &token,
            jwt_runtime::DecodeOptions::default()
                .csrf_value(csrf_value.as_deref())
                .allow_expired(allow_expired),
        ),
    );
    let expected = if token.len() > MAX_TOKEN_SIZE {
        too_large(&token)
    } else {
        match model_header(&header, settings.algorithms) {
            Err(refused) => refused,
            Ok(Algorithm::HS256) => {
                model_claims(payload, settings, csrf_value.as_deref(), allow_expired)
            }
            Ok(_) => invalid("Signature verification failed"),
        }
    };
    assert_eq!(
        got, expected,
        "settings {index}, header {header_text}, payload {payload_text}, csrf {csrf_value:?}, allow_expired {allow_expired}"
    );
}

// ---------------------------------------------------------------------------------------
// Target 4: csrf_decision
// ---------------------------------------------------------------------------------------

/// Whether `method` is one of `JWT_CSRF_METHODS` (POST, PUT, PATCH, DELETE), in any case.
fn is_csrf_method(method: &Method) -> bool {
    ["POST", "PUT", "PATCH", "DELETE"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method.as_str()))
}

/// `csrf_decision`: four `\n`-separated fields: the method, flags, the `X-CSRF-TOKEN`
/// header value and the token's `csrf` claim. Flags (letters, any order): `c` send the
/// token cookie, `h` send the header, `k` the token has the claim, `s` the header is
/// the claim (implies `h` and `k`), `n` the claim is the number 42, `r` use a refresh
/// token on `/refresh` (else an access token on `/protected`). The token is signed with
/// the key and valid at [`NOW`]; the app reads cookies only, CSRF protection on.
///
/// Oracle: whatever the method (OPTIONS included), with the cookie, the
/// handler runs (as `alice`) iff the method is not a CSRF method (case-insensitive) or
/// the header equals the claim; every refusal has the reference's exact status and
/// message; never 5xx.
///
/// # Panics
/// When the oracle fails: that is the finding libFuzzer reports.
pub fn csrf_decision(data: &[u8]) {
    let mut fields = data.splitn(4, |b| *b == b'\n');
    let mut next = || fields.next().unwrap_or_default();
    let (method, flags, header, claim) = (next(), next(), next(), next());
    let Ok(method) = Method::from_bytes(method) else {
        return;
    };
    let has = |flag: u8| flags.contains(&flag);
    let refresh = has(b'r');
    let claim_value = if has(b'n') {
        Some(Value::from(42))
    } else if has(b'k') || has(b's') {
        Some(Value::String(String::from_utf8_lossy(claim).into_owned()))
    } else {
        None
    };
    let sent_header: Option<Vec<u8>> = if has(b's') {
        claim_value
            .as_ref()
            .and_then(Value::as_str)
            .map(|c| c.as_bytes().to_vec())
    } else if has(b'h') {
        Some(header.to_vec())
    } else {
        None
    };
    let header_value = match &sent_header {
        Some(bytes) => match HeaderValue::from_bytes(bytes) {
            Ok(value) => Some(value),
            Err(_) => return,
        },
        None => None,
    };
    let mut claims = valid_claims(if refresh { "refresh" } else { "access" }, &[]);
    if let Some(value) = &claim_value {
        claims.insert("csrf".into(), value.clone());
    }
    let token = signed_claims_token(&claims);
    let (cookie_name, path) = if refresh {
        ("refresh_token_cookie", "/refresh")
    } else {
        ("access_token_cookie", "/protected")
    };
    let mut request = TestRequest::default().method(method.clone()).uri(path);
    if has(b'c') {
        request = request.insert_header((header::COOKIE, format!("{cookie_name}={token}")));
    }
    if let Some(value) = header_value {
        request = request.insert_header(("X-CSRF-TOKEN", value));
    }
    let answer = send(app(&COOKIES_APP), request);
    let case = format!("input {}", show(data));
    // The model.
    let usable_header = sent_header
        .filter(|h| !h.is_empty() && h.iter().all(|b| *b == b'\t' || (0x20..0x7f).contains(b)));
    let expected: Result<Option<&str>, (u16, String)> = if !has(b'c') {
        Err((401, format!("Missing cookie \"{cookie_name}\"")))
    } else if is_csrf_method(&method) && usable_header.is_none() {
        // The CSRF value is looked for before the token is decoded.
        Err((401, "Missing CSRF token".into()))
    } else if token.len() > MAX_TOKEN_SIZE {
        // A long claim makes a token over `JWT_MAX_TOKEN_SIZE`: refused before anything else.
        Err((422, too_large_message(&token)))
    } else if !is_csrf_method(&method) {
        Ok(Some("alice"))
    } else {
        match (usable_header, &claim_value) {
            (None, _) => unreachable!("refused above"),
            (Some(_), None) => Err((422, "Missing claim: csrf".into())),
            (Some(h), Some(Value::String(c))) if c.as_bytes() == h.as_slice() => Ok(Some("alice")),
            (Some(_), Some(_)) => Err((401, "CSRF double submit tokens do not match".into())),
        }
    };
    assert!(answer.status < 500, "{case}: {}", answer.status);
    match expected {
        Ok(identity) => {
            assert_eq!(answer.status, 200, "{case}: {:?}", answer.message());
            let [run] = answer.runs.as_slice() else {
                panic!("{case}: the handler ran {} times", answer.runs.len());
            };
            assert_eq!(run.identity, identity.map(Value::from), "{case}");
        }
        Err((status, message)) => {
            assert!(answer.runs.is_empty(), "{case}: the handler ran");
            assert_eq!(
                (answer.status, answer.message()),
                (status, Some(message)),
                "{case}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Target 5: request
// ---------------------------------------------------------------------------------------

thread_local! {
    /// The normalised claims of every genuine token that decodes at [`NOW`].
    static GENUINE_CLAIMS: Vec<Map<String, Value>> = {
        let manager = app(&ALL_LOCATIONS_APP).manager.clone();
        GENUINE
            .iter()
            .filter_map(|(_, token)| manager.decode_token(token).ok())
            .map(|claims| claims.raw().clone())
            .collect()
    };
}

/// `request`: a whole request, as `\n`-separated fields: method, request target (path
/// and query), `Authorization`, `Cookie`, `Content-Type`, `X-CSRF-TOKEN`, then the body
/// (the rest, newlines included). An empty header field sends no header. The app reads
/// all four locations (headers, cookies, query string, JSON body), CSRF protection on,
/// with the four guarded routes.
///
/// Oracle: no panic, never 5xx, 2xx iff a handler ran (once). A handler that ran either
/// saw no token (only on `/optional`, whatever the method: then the identity is `None` and the
/// claims are empty) or saw exactly the claims of one genuine token, of the route's type
/// (a fresh one on `/fresh`), not expired. `/optional` gets the body as sent.
///
/// # Panics
/// When the oracle fails: that is the finding libFuzzer reports.
pub fn request(data: &[u8]) {
    let mut fields = data.splitn(7, |b| *b == b'\n');
    let mut next = || fields.next().unwrap_or_default();
    let (method, target, authorization, cookie, content_type, csrf, body) =
        (next(), next(), next(), next(), next(), next(), next());
    let Ok(method) = Method::from_bytes(method) else {
        return;
    };
    let Ok(target) = std::str::from_utf8(target) else {
        return;
    };
    let target = if target.starts_with('/') {
        target.to_owned()
    } else {
        format!("/{target}")
    };
    if Uri::try_from(target.as_str()).is_err() {
        return;
    }
    let mut request = TestRequest::default()
        .method(method.clone())
        .uri(&target)
        .set_payload(body.to_vec());
    for (name, value) in [
        (header::AUTHORIZATION, authorization),
        (header::COOKIE, cookie),
        (header::CONTENT_TYPE, content_type),
        (header::HeaderName::from_static("x-csrf-token"), csrf),
    ] {
        if value.is_empty() {
            continue;
        }
        let Some(value) = header_value(value) else {
            return;
        };
        request = request.insert_header((name, value));
    }
    let answer = send(app(&ALL_LOCATIONS_APP), request);
    let case = format!("input {}", show(data));
    assert!(
        answer.status < 500,
        "{case}: {} {:?}",
        answer.status,
        answer.body
    );
    let ran = (200..300).contains(&answer.status);
    assert_eq!(
        answer.runs.len(),
        usize::from(ran),
        "{case}: status {}",
        answer.status
    );
    let Some(run) = answer.runs.first() else {
        return;
    };
    if run.route == Route::Optional {
        assert_eq!(run.body.as_deref(), Some(body), "{case}: the body changed");
    }
    if run.identity.is_none() {
        assert!(
            run.route == Route::Optional,
            "{case}: {:?} ran without a token",
            run.route
        );
        assert!(run.claims.is_empty(), "{case}: claims without identity");
        return;
    }
    let claims = &run.claims;
    assert!(
        GENUINE_CLAIMS.with(|genuine| genuine.contains(claims)),
        "{case}: authenticated claims that no genuine token has: {claims:?}"
    );
    let token_type = claims.get("type").and_then(Value::as_str);
    let expected_type = if run.route == Route::Refresh {
        "refresh"
    } else {
        "access"
    };
    assert_eq!(token_type, Some(expected_type), "{case}");
    if run.route == Route::Fresh {
        let fresh = match claims.get("fresh") {
            Some(Value::Bool(b)) => *b,
            Some(value) => Numeric::of(value).is_some_and(|t| t.greater_than(NOW_SECS - 1)),
            None => false,
        };
        assert!(fresh, "{case}: a stale token passed fresh_jwt_required");
    }
    if let Some(exp) = claims.get("exp") {
        assert!(
            Numeric::of(exp).is_some_and(|t| t.greater_than(NOW_SECS)),
            "{case}: an expired token passed"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------------------

/// The checked-in seed inputs, `(target, file name, bytes)`, as `fuzz/seeds/` holds them.
#[must_use]
#[allow(clippy::too_many_lines, reason = "seed tables")]
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut add = |target: &'static str, name: &str, bytes: Vec<u8>| {
        out.push((target, name.to_owned(), bytes));
    };
    let access = genuine("access");
    let refresh = genuine("refresh");
    let (head, rest) = access.split_once('.').unwrap_or_default();
    let (payload, signature) = rest.split_once('.').unwrap_or_default();
    let csrf_of = |token: &str| {
        let payload = token.split('.').nth(1).unwrap_or_default();
        let bytes = URL_SAFE_NO_PAD.decode(payload).unwrap_or_default();
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|claims| {
                claims
                    .get("csrf")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    };
    let tampered = format!("{head}.{payload}.{}", signature.replace(['A', 'B'], "C"));
    let alg_none = format!("{}.{payload}.", b64(r#"{"alg":"none","typ":"JWT"}"#));
    let odd = signed_claims_token(&valid_claims(
        "access",
        &[
            ("aud", serde_json::json!(["x", 1])),
            ("exp", Value::from("soon")),
        ],
    ));

    // header_parsing
    for (name, token) in GENUINE {
        add(
            "header_parsing",
            &format!("bearer-{name}"),
            format!("Bearer {token}").into(),
        );
        add("header_parsing", &format!("bare-{name}"), token.into());
    }
    for (name, value) in [
        (
            "bearer-then-basic",
            format!("Bearer {access}, Basic dXNlcjpwYXNz"),
        ),
        (
            "basic-then-bearer",
            format!("Basic dXNlcjpwYXNz, Bearer {access}"),
        ),
        ("two-bearers", format!("Bearer {access}, Bearer {refresh}")),
        ("trailing-comma", format!("Bearer {access},")),
        ("empty-field", format!("Bearer {access}, , Basic x")),
        ("two-lines", format!("Bearer {access}\nBearer {access}")),
        ("empty-then-line", format!("\nBearer {access}")),
        ("lowercase-scheme", format!("bearer {access}")),
        ("tab-separated", format!("Bearer\t{access}")),
        ("three-words", format!("Bearer {access} extra")),
        ("tampered", format!("Bearer {tampered}")),
        ("alg-none", format!("Bearer {alg_none}")),
        ("odd-claims", format!("Bearer {odd}")),
        ("scheme-only", "Bearer".to_owned()),
        ("scheme-space", "Bearer ".to_owned()),
        ("blank", " ".to_owned()),
        ("basic", "Basic dXNlcjpwYXNz".to_owned()),
        ("dots", "Bearer ...".to_owned()),
        ("short", "Bearer a.b.c".to_owned()),
        ("empty", String::new()),
    ] {
        add("header_parsing", name, value.into());
    }
    add(
        "header_parsing",
        "obs-text",
        b"Bearer \xff\xfe.abc".to_vec(),
    );

    // decode
    for (name, token) in GENUINE {
        add("decode", name, token.into());
        add(
            "decode",
            &format!("{name}-csrf"),
            format!("{token}\n{}", csrf_of(token)).into(),
        );
        add(
            "decode",
            &format!("{name}-wrong-csrf"),
            format!("{token}\nwrong").into(),
        );
    }
    for (name, token) in [
        ("tampered", tampered.clone()),
        ("alg-none", alg_none.clone()),
        ("odd-claims", odd.clone()),
        ("two-segments", format!("{head}.{payload}")),
        ("four-segments", format!("{access}.{signature}")),
        ("padded", format!("{access}=")),
        ("header-only", format!("{head}..")),
        ("short", "a.b.c".to_owned()),
        ("dots", "..".to_owned()),
        ("empty", String::new()),
    ] {
        add("decode", name, token.into());
    }

    // signed_claims: settings, header kind, csrf kind, allow_expired, 12 slot kinds, extras.
    for settings in 0..3u8 {
        let base = |edit: &dyn Fn(&mut Vec<u8>)| {
            let mut input = vec![settings, 0, 0, 0];
            input.extend([0; 12]);
            input.push(0);
            edit(&mut input);
            input
        };
        add(
            "signed_claims",
            &format!("s{settings}-canonical"),
            base(&|_| {}),
        );
        for (slot, name) in SLOTS.iter().enumerate() {
            let name = name.trim_matches(['<', '>']);
            for kind in [1u8, 2, 3] {
                let input = base(&|input| {
                    if let Some(byte) = input.get_mut(4 + slot) {
                        *byte = kind;
                    }
                });
                add(
                    "signed_claims",
                    &format!("s{settings}-{name}-kind{kind}"),
                    input,
                );
            }
        }
        for header in 4..8u8 {
            add(
                "signed_claims",
                &format!("s{settings}-header{header}"),
                base(&|input| input[1] = header),
            );
        }
        for csrf in 1..4u8 {
            add(
                "signed_claims",
                &format!("s{settings}-csrf{csrf}"),
                base(&|input| input[2] = csrf),
            );
        }
        add(
            "signed_claims",
            &format!("s{settings}-expired-allowed"),
            base(&|input| {
                input[3] = 1;
                input[6] = 2;
                input.splice(7..7, [0x80]);
            }),
        );
    }

    // csrf_decision: method, flags, header, claim.
    for (name, text) in [
        ("get-cookie", "GET\nck\n\ncsrf-1"),
        ("post-no-header", "POST\nck\n\ncsrf-1"),
        ("post-match", "POST\nchk\ncsrf-1\ncsrf-1"),
        ("post-same", "POST\ncs\n\nsame-value"),
        ("post-mismatch", "POST\nchk\nwrong\ncsrf-1"),
        ("lowercase-post", "post\ncs\n\nabc"),
        ("delete-no-claim", "DELETE\nch\nabc\n"),
        ("patch-number-claim", "PATCH\nchn\n42\n"),
        ("put-refresh", "PUT\ncrs\n\nrefresh-csrf"),
        ("options", "OPTIONS\n\n\n"),
        ("post-no-cookie", "POST\nhk\nabc\nabc"),
        ("head", "HEAD\nck\n\nx"),
        ("custom-method", "PURGE\nck\n\nx"),
        ("post-blank-header", "POST\nchk\n \n "),
        ("post-empty-claim", "POST\nchk\nx\n"),
    ] {
        add("csrf_decision", name, text.into());
    }

    // request: method, target, Authorization, Cookie, Content-Type, X-CSRF-TOKEN, body.
    let fresh = genuine("access-fresh");
    let fresh60 = genuine("access-fresh-for-60s");
    let expired = genuine("access-expired");
    let json = "application/json";
    let form = "application/x-www-form-urlencoded";
    for (name, fields) in [
        (
            "header",
            [
                "GET",
                "/protected",
                &format!("Bearer {access}"),
                "",
                "",
                "",
                "",
            ],
        ),
        (
            "optional-anonymous",
            ["GET", "/optional", "", "", "", "", ""],
        ),
        (
            "optional-basic",
            [
                "POST",
                "/optional",
                "Basic abc",
                "",
                "text/plain",
                "",
                "hello\nworld",
            ],
        ),
        (
            "json-body",
            [
                "POST",
                "/optional",
                "",
                "",
                json,
                "",
                &format!(r#"{{"access_token":"{access}"}}"#),
            ],
        ),
        (
            "json-refresh",
            [
                "POST",
                "/refresh",
                "",
                "",
                "application/vnd.api+json",
                "",
                &format!(r#"{{"refresh_token":"{refresh}"}}"#),
            ],
        ),
        (
            "query",
            [
                "GET",
                &format!("/protected?jwt={access}"),
                "",
                "",
                "",
                "",
                "",
            ],
        ),
        (
            "query-twice",
            [
                "GET",
                &format!("/protected?jwt=&jwt={access}"),
                "",
                "",
                "",
                "",
                "",
            ],
        ),
        (
            "fresh",
            ["GET", "/fresh", &format!("Bearer {fresh}"), "", "", "", ""],
        ),
        (
            "fresh-for-60s",
            [
                "GET",
                "/fresh",
                &format!("Bearer {fresh60}"),
                "",
                "",
                "",
                "",
            ],
        ),
        (
            "fresh-stale",
            ["GET", "/fresh", &format!("Bearer {access}"), "", "", "", ""],
        ),
        (
            "refresh-header",
            [
                "GET",
                "/refresh",
                &format!("Bearer {refresh}"),
                "",
                "",
                "",
                "",
            ],
        ),
        (
            "refresh-on-protected",
            [
                "GET",
                "/protected",
                &format!("Bearer {refresh}"),
                "",
                "",
                "",
                "",
            ],
        ),
        (
            "cookie-post",
            [
                "POST",
                "/protected",
                "",
                &format!("access_token_cookie={access}"),
                "",
                &csrf_of(access),
                "",
            ],
        ),
        (
            "cookie-post-no-csrf",
            [
                "PUT",
                "/protected",
                "",
                &format!("access_token_cookie={access}"),
                "",
                "",
                "",
            ],
        ),
        (
            "cookie-refresh",
            [
                "DELETE",
                "/refresh",
                "",
                &format!("refresh_token_cookie={refresh}"),
                "",
                &csrf_of(refresh),
                "",
            ],
        ),
        (
            "cookie-get",
            [
                "GET",
                "/optional",
                "",
                &format!("a=b; access_token_cookie={access}"),
                "",
                "",
                "",
            ],
        ),
        (
            "form-csrf",
            [
                "POST",
                "/optional",
                "",
                &format!("access_token_cookie={access}"),
                form,
                "",
                "csrf_token=x",
            ],
        ),
        (
            "expired",
            [
                "GET",
                "/protected",
                &format!("Bearer {expired}"),
                "",
                "",
                "",
                "",
            ],
        ),
        (
            "options",
            ["OPTIONS", "/protected", "Bearer garbage", "", "", "", ""],
        ),
        (
            "not-found",
            [
                "GET",
                "/nowhere",
                &format!("Bearer {access}"),
                "",
                "",
                "",
                "",
            ],
        ),
        (
            "bad-header-good-cookie",
            [
                "GET",
                "/protected",
                "Bearer x.y.z",
                &format!("access_token_cookie={access}"),
                "",
                "",
                "",
            ],
        ),
        (
            "json-array",
            ["POST", "/optional", "", "", json, "", "[1,2]"],
        ),
    ] {
        add("request", name, fields.join("\n").into());
    }
    out
}
