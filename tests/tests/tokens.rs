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

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_runtime::{
    ErrorKind, Expiry, Fresh, Freshness, JwtConfig, JwtError, JwtManager, TokenLocation,
    TokenOptions, TokenType,
};
use jwt_tests::{SECRET, hmac_key, reference_fixture, sign_parts};
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
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
fn segment(token: &str, index: usize) -> String {
    let part = token.split('.').nth(index).unwrap();
    String::from_utf8(URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn header_text(token: &str) -> String {
    segment(token, 0)
}

fn payload_text(token: &str) -> String {
    segment(token, 1)
}

fn payload(token: &str) -> Map<String, Value> {
    serde_json::from_str(&payload_text(token)).unwrap()
}

/// The top-level keys of a JSON object in the order they appear in the text
/// (`serde_json`'s `Map` is sorted here: no `preserve_order`).
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

fn keys_in_order(json_text: &str) -> Vec<String> {
    serde_json::from_str::<OrderedKeys>(json_text).unwrap().0
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
    match manager.decode_token(token, None, false) {
        Ok(claims) => panic!("expected an invalid token, decoded {:?}", claims.raw()),
        Err(JwtError::InvalidToken(message)) => {
            let err = JwtError::InvalidToken(message.clone());
            assert_eq!(err.status().as_u16(), 422);
            assert_eq!(err.kind(), ErrorKind::Invalid);
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

// ---------------------------------------------------------------------------------------------
// Layout (the reference's claims, in its insertion order)
// ---------------------------------------------------------------------------------------------

#[test]
fn access_token_default_layout_and_order() {
    let m = manager(base());
    let token = m.create_access_token(&"alice").unwrap();
    assert_eq!(token.split('.').count(), 3);
    assert_eq!(header_text(&token), HS256_HEADER);
    let text = payload_text(&token);
    assert!(
        text.starts_with(&format!(r#"{{"iat":{NOW},"nbf":{NOW},"jti":""#)),
        "{text}"
    );
    assert_keys(
        &token,
        &["iat", "nbf", "jti", "exp", "identity", "fresh", "type"],
    );
    let p = payload(&token);
    assert_eq!(p["exp"], json!(NOW + 15 * 60));
    assert_eq!(p["identity"], json!("alice"));
    assert_eq!(p["fresh"], json!(false));
    assert_eq!(p["type"], json!("access"));
    // Compact separators, as PyJWT writes.
    assert!(!text.contains(": ") && !text.contains(", "), "{text}");
}

#[test]
fn access_token_full_layout_and_order() {
    let config = base()
        .token_location([TokenLocation::Headers, TokenLocation::Cookies])
        .encode_issuer("auth.example")
        .encode_audience(["api"]);
    let m = manager(config);
    let token = m
        .create_access_token_with(
            &"alice",
            TokenOptions::default()
                .fresh(true)
                .user_claims(json!({"roles": ["admin"]})),
        )
        .unwrap();
    assert_keys(
        &token,
        &[
            "iat",
            "nbf",
            "jti",
            "exp",
            "identity",
            "fresh",
            "type",
            "user_claims",
            "csrf",
            "iss",
            "aud",
        ],
    );
    let p = payload(&token);
    assert_eq!(p["fresh"], json!(true));
    assert_eq!(p["user_claims"], json!({"roles": ["admin"]}));
    assert_eq!(p["iss"], json!("auth.example"));
    assert_eq!(
        p["aud"],
        json!("api"),
        "one audience is written as a string"
    );
    assert_uuid4(p["csrf"].as_str().unwrap());
    assert_ne!(p["csrf"], p["jti"]);
}

#[test]
fn refresh_token_default_layout_and_order() {
    let m = manager(base());
    let token = m.create_refresh_token(&"alice").unwrap();
    assert_eq!(header_text(&token), HS256_HEADER);
    assert!(payload_text(&token).starts_with(r#"{"iat":"#));
    assert_keys(&token, &["iat", "nbf", "jti", "exp", "identity", "type"]);
    let p = payload(&token);
    assert_eq!(p["exp"], json!(NOW + 30 * 86_400));
    assert_eq!(p["type"], json!("refresh"));
}

#[test]
fn refresh_token_full_layout_has_issuer_but_no_fresh() {
    // This port's decision: JWT_ENCODE_ISSUER is written to refresh tokens too.
    let config = base()
        .token_location([TokenLocation::Cookies])
        .encode_issuer("auth.example")
        .encode_audience(["api", "web"]);
    let m = manager(config);
    let token = m
        .create_refresh_token_with(
            &"alice",
            TokenOptions::default()
                .fresh(true)
                .user_claims(json!({"a": 1})),
        )
        .unwrap();
    assert_keys(
        &token,
        &[
            "iat",
            "nbf",
            "jti",
            "exp",
            "identity",
            "type",
            "user_claims",
            "csrf",
            "iss",
            "aud",
        ],
    );
    let p = payload(&token);
    assert_eq!(p["iss"], json!("auth.example"));
    assert_eq!(p["aud"], json!(["api", "web"]));
    assert!(!p.contains_key("fresh"));
}

#[test]
fn refresh_token_with_issuer_passes_decode_issuer() {
    let config = base()
        .encode_issuer("auth.example")
        .decode_issuer("auth.example");
    let m = manager(config);
    let token = m.create_refresh_token(&"alice").unwrap();
    let claims = m.decode_token(&token, None, false).unwrap();
    assert_eq!(claims.token_type(), TokenType::Refresh);
    assert_eq!(claims.get("iss"), Some(&json!("auth.example")));
}

#[test]
fn custom_claim_names_take_the_identity_and_user_claims_slots() {
    let m = manager(base().identity_claim("sub").user_claims("ctx"));
    let token = m
        .create_access_token_with(
            &"alice",
            TokenOptions::default().user_claims(json!({"r": 1})),
        )
        .unwrap();
    assert_keys(
        &token,
        &["iat", "nbf", "jti", "exp", "sub", "fresh", "type", "ctx"],
    );
    let claims = m.decode_token(&token, None, false).unwrap();
    assert_eq!(claims.identity::<String>().unwrap(), "alice");
    assert_eq!(claims.user_claims_value(), &json!({"r": 1}));
}

#[test]
fn header_is_key_sorted_and_alg_follows_the_configuration() {
    let m = manager(base());
    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default()
                .headers(headers(&json!({"zzz": 1, "kid": "k1", "alg": "none"}))),
        )
        .unwrap();
    assert_eq!(
        header_text(&token),
        r#"{"alg":"HS256","kid":"k1","typ":"JWT","zzz":1}"#
    );
    m.decode_token(&token, None, false).unwrap();
    // An extra `typ` replaces the default one (PyJWT's `header.update(headers)`).
    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().headers(headers(&json!({"typ": "at+jwt"}))),
        )
        .unwrap();
    assert_eq!(header_text(&token), r#"{"alg":"HS256","typ":"at+jwt"}"#);

    let m = manager(base().algorithm(Algorithm::HS512));
    let token = m.create_access_token(&"a").unwrap();
    assert_eq!(header_text(&token), r#"{"alg":"HS512","typ":"JWT"}"#);
}

#[test]
fn falsy_typ_header_is_dropped() {
    // PyJWT 2 `encode`: `header.update(headers); if not header["typ"]: del header["typ"]`.
    let m = manager(base());
    for typ in [json!(null), json!("")] {
        let token = m
            .create_access_token_with(
                &"a",
                TokenOptions::default().headers(headers(&json!({ "typ": typ }))),
            )
            .unwrap();
        assert_eq!(header_text(&token), r#"{"alg":"HS256"}"#, "typ={typ}");
    }
}

#[test]
fn non_string_kid_is_refused_at_creation() {
    // PyJWT 2 `encode` runs `_validate_headers`, which raises
    // "Key ID header parameter must be a string"; the decoder refuses such a token anyway.
    let m = manager(base());
    let result = m.create_access_token_with(
        &"a",
        TokenOptions::default().headers(headers(&json!({"kid": 5}))),
    );
    assert!(result.is_err(), "created {result:?}");
}

#[test]
fn headers_loader_and_explicit_headers() {
    let m = JwtManager::builder(base())
        .ignore_registered_loaders()
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
        .additional_headers_loader(|identity| Some(headers(&json!({"kid": identity}))))
        .build()
        .unwrap();
    let access = m.create_access_token(&"k-7").unwrap();
    let refresh = m.create_refresh_token(&"k-7").unwrap();
    for token in [&access, &refresh] {
        assert_eq!(
            header_text(token),
            r#"{"alg":"HS256","kid":"k-7","typ":"JWT"}"#
        );
        let claims = m.decode_token(token, None, false).unwrap();
        assert_eq!(claims.header()["kid"], json!("k-7"));
        assert_eq!(m.get_unverified_jwt_headers(token).unwrap()["kid"], "k-7");
    }
    // An explicit `headers=` replaces the loader's.
    let token = m
        .create_access_token_with(
            &"k-7",
            TokenOptions::default().headers(headers(&json!({"x": true}))),
        )
        .unwrap();
    assert_eq!(
        header_text(&token),
        r#"{"alg":"HS256","typ":"JWT","x":true}"#
    );
}

#[test]
fn iat_equals_nbf_truncated_integer_seconds() {
    let m = manager_at_ms(base(), NOW * 1000 + 999);
    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().fresh(Duration::from_secs(600)),
        )
        .unwrap();
    let text = payload_text(&token);
    assert!(
        text.starts_with(&format!(r#"{{"iat":{NOW},"nbf":{NOW},"#)),
        "{text}"
    );
    let p = payload(&token);
    assert!(p["iat"].is_u64() && p["nbf"].is_u64() && p["exp"].is_u64());
    assert_eq!(p["exp"], json!(NOW + 900));
    assert_eq!(p["fresh"], json!(NOW + 600));
}

#[test]
fn jti_is_a_fresh_uuid4() {
    let m = manager(base());
    let a = payload(&m.create_access_token(&"a").unwrap());
    let b = payload(&m.create_access_token(&"a").unwrap());
    let r = payload(&m.create_refresh_token(&"a").unwrap());
    for p in [&a, &b, &r] {
        assert_uuid4(p["jti"].as_str().unwrap());
    }
    assert_ne!(a["jti"], b["jti"]);
    assert_ne!(a["jti"], r["jti"]);
    let token = m.create_access_token(&"a").unwrap();
    assert_eq!(
        m.get_jti(&token).unwrap().as_deref(),
        payload(&token)["jti"].as_str()
    );
}

#[test]
fn fresh_bool_and_duration() {
    let m = manager(base());
    let fresh_of = |options: TokenOptions| {
        payload(&m.create_access_token_with(&"a", options).unwrap())["fresh"].clone()
    };
    assert_eq!(fresh_of(TokenOptions::default()), json!(false));
    assert_eq!(fresh_of(TokenOptions::default().fresh(false)), json!(false));
    assert_eq!(fresh_of(TokenOptions::default().fresh(true)), json!(true));
    assert_eq!(
        fresh_of(TokenOptions::default().fresh(Fresh::Yes)),
        json!(true)
    );
    assert_eq!(
        fresh_of(TokenOptions::default().fresh(Duration::from_secs(600))),
        json!(NOW + 600)
    );

    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().fresh(Fresh::For(Duration::from_secs(600))),
        )
        .unwrap();
    let fresh = m.decode_token(&token, None, false).unwrap().fresh();
    assert_eq!(fresh, Freshness::Until((NOW + 600) as i64));
    assert!(fresh.is_fresh_at((NOW + 600) as f64));
    assert!(!fresh.is_fresh_at((NOW + 601) as f64));

    let token = m
        .create_access_token_with(&"a", TokenOptions::default().fresh(true))
        .unwrap();
    assert_eq!(
        m.decode_token(&token, None, false).unwrap().fresh(),
        Freshness::Fresh(true)
    );
}

#[test]
fn expiry_never_writes_no_exp() {
    let m = manager(base());
    let token = m
        .create_access_token_with(&"a", TokenOptions::default().expires(Expiry::Never))
        .unwrap();
    assert_keys(&token, &["iat", "nbf", "jti", "identity", "fresh", "type"]);
    assert_eq!(
        m.decode_token(&token, None, false).unwrap().expires_at(),
        None
    );
    let token = m
        .create_refresh_token_with(&"a", TokenOptions::default().expires(Expiry::Never))
        .unwrap();
    assert_keys(&token, &["iat", "nbf", "jti", "identity", "type"]);

    // From the configuration too.
    let m = manager(
        base()
            .access_token_expires(Expiry::Never)
            .refresh_token_expires(Expiry::Never),
    );
    assert!(!payload(&m.create_access_token(&"a").unwrap()).contains_key("exp"));
    assert!(!payload(&m.create_refresh_token(&"a").unwrap()).contains_key("exp"));
    // A never-expiring token stays valid forever.
    let token = m.create_access_token(&"a").unwrap();
    manager_at(base(), NOW + 100 * 365 * 86_400)
        .decode_token(&token, None, false)
        .unwrap();
}

#[test]
fn explicit_expiry_overrides_the_configuration() {
    let m = manager(base().access_token_expires(Expiry::Never));
    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().expires(Duration::from_secs(60)),
        )
        .unwrap();
    assert_eq!(payload(&token)["exp"], json!(NOW + 60));
    let token = m
        .create_refresh_token_with(
            &"a",
            TokenOptions::default().expires(Duration::from_secs(7)),
        )
        .unwrap();
    assert_eq!(payload(&token)["exp"], json!(NOW + 7));
}

#[test]
fn explicit_zero_expiry_is_an_error_not_never() {
    let m = manager(base());
    let err = m
        .create_access_token_with(&"a", TokenOptions::default().expires(Duration::ZERO))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Internal);
    assert!(
        m.create_refresh_token_with(&"a", TokenOptions::default().expires(Duration::ZERO))
            .is_err()
    );
}

#[test]
fn user_claims_written_only_when_non_empty() {
    let m = manager(base());
    for empty in [json!({}), json!(null)] {
        let token = m
            .create_access_token_with(&"a", TokenOptions::default().user_claims(empty.clone()))
            .unwrap();
        assert!(
            !payload(&token).contains_key("user_claims"),
            "{empty} must not be written"
        );
        // ... but it reads back as {}.
        assert_eq!(
            m.decode_token(&token, None, false)
                .unwrap()
                .user_claims_value(),
            &json!({})
        );
    }
    let token = m
        .create_access_token_with(&"a", TokenOptions::default().user_claims(json!({"k": 0})))
        .unwrap();
    assert_eq!(payload(&token)["user_claims"], json!({"k": 0}));
}

#[test]
fn user_claims_loader_for_access_and_optionally_refresh() {
    let build = |in_refresh: bool| {
        JwtManager::builder(base().claims_in_refresh_token(in_refresh))
            .ignore_registered_loaders()
            .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
            .user_claims_loader(|identity| {
                if identity == "nobody" {
                    json!({})
                } else {
                    json!({"me": identity})
                }
            })
            .build()
            .unwrap()
    };
    let m = build(false);
    assert_eq!(
        payload(&m.create_access_token(&"a").unwrap())["user_claims"],
        json!({"me": "a"})
    );
    assert!(!payload(&m.create_access_token(&"nobody").unwrap()).contains_key("user_claims"));
    assert!(!payload(&m.create_refresh_token(&"a").unwrap()).contains_key("user_claims"));
    // An explicit argument is always written, and replaces the loader.
    let token = m
        .create_refresh_token_with(&"a", TokenOptions::default().user_claims(json!({"x": 1})))
        .unwrap();
    assert_eq!(payload(&token)["user_claims"], json!({"x": 1}));
    let token = m
        .create_access_token_with(&"a", TokenOptions::default().user_claims(json!({"x": 2})))
        .unwrap();
    assert_eq!(payload(&token)["user_claims"], json!({"x": 2}));

    let m = build(true);
    assert_eq!(
        payload(&m.create_refresh_token(&"a").unwrap())["user_claims"],
        json!({"me": "a"})
    );
}

#[test]
fn identity_loader_transforms_the_identity() {
    let m = JwtManager::builder(base())
        .ignore_registered_loaders()
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
        .user_identity_loader(|user| user["name"].clone())
        .user_claims_loader(|user| json!({"id": user["id"]}))
        .build()
        .unwrap();
    let token = m
        .create_access_token(&json!({"name": "zoe", "id": 7}))
        .unwrap();
    let p = payload(&token);
    assert_eq!(p["identity"], json!("zoe"));
    // The claims loader gets the original identity object.
    assert_eq!(p["user_claims"], json!({"id": 7}));
}

#[test]
fn csrf_claim_only_with_cookies_and_csrf_protect() {
    let has_csrf = |config: JwtConfig| {
        let m = manager(config);
        let access = payload(&m.create_access_token(&"a").unwrap());
        let refresh = payload(&m.create_refresh_token(&"a").unwrap());
        assert_eq!(access.contains_key("csrf"), refresh.contains_key("csrf"));
        access.contains_key("csrf")
    };
    assert!(!has_csrf(base()));
    assert!(!has_csrf(base().token_location([
        TokenLocation::Headers,
        TokenLocation::QueryString,
        TokenLocation::Json
    ])));
    assert!(has_csrf(base().token_location([TokenLocation::Cookies])));
    assert!(has_csrf(base().token_location([
        TokenLocation::Headers,
        TokenLocation::Cookies
    ])));
    assert!(!has_csrf(
        base()
            .token_location([TokenLocation::Cookies])
            .cookie_csrf_protect(false)
    ));
}

#[test]
fn encode_audience_one_is_a_string_many_an_array() {
    let m = manager(base().encode_audience(["api"]).decode_audience(["api"]));
    let token = m.create_access_token(&"a").unwrap();
    assert_eq!(payload(&token)["aud"], json!("api"));
    m.decode_token(&token, None, false).unwrap();

    let m = manager(
        base()
            .encode_audience(["api", "web"])
            .decode_audience(["web"]),
    );
    let token = m.create_access_token(&"a").unwrap();
    assert_eq!(payload(&token)["aud"], json!(["api", "web"]));
    m.decode_token(&token, None, false).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Decode normalisation (the reference's `decode_token` defaults and claim checks)
// ---------------------------------------------------------------------------------------------

#[test]
fn decode_normalises_a_minimal_token() {
    let m = manager(base());
    let claims = m
        .decode_token(&craft(&json!({"identity": "u"})), None, false)
        .unwrap();
    assert_eq!(claims.get("jti"), Some(&Value::Null));
    assert_eq!(claims.jti(), None);
    assert_eq!(claims.get("type"), Some(&json!("access")));
    assert_eq!(claims.token_type(), TokenType::Access);
    assert_eq!(claims.get("fresh"), Some(&json!(false)));
    assert_eq!(claims.fresh(), Freshness::Fresh(false));
    assert_eq!(claims.get("user_claims"), Some(&json!({})));
    assert_eq!(claims.expires_at(), None);
    assert_eq!(
        claims.raw().keys().collect::<Vec<_>>(),
        ["fresh", "identity", "jti", "type", "user_claims"]
    );
}

#[test]
fn decode_normalises_refresh_without_fresh() {
    let m = manager(base());
    let claims = m
        .decode_token(
            &craft(&json!({"identity": "u", "type": "refresh"})),
            None,
            false,
        )
        .unwrap();
    assert_eq!(claims.token_type(), TokenType::Refresh);
    assert_eq!(claims.get("fresh"), None);
    assert_eq!(claims.fresh(), Freshness::Fresh(false));
    assert_eq!(claims.user_claims_value(), &json!({}));
}

#[test]
fn decode_keeps_what_is_there() {
    let m = manager(base().user_claims("ctx"));
    let claims = m
        .decode_token(
            &craft(&json!({"identity": null, "fresh": true, "ctx": {"a": 1}, "jti": "id-1", "other": [1]})),
            None,
            false,
        )
        .unwrap();
    // A null identity is present, so it is not "Missing claim".
    assert_eq!(claims.identity_value(), &Value::Null);
    assert_eq!(claims.fresh(), Freshness::Fresh(true));
    assert_eq!(claims.user_claims_value(), &json!({"a": 1}));
    assert_eq!(claims.jti(), Some("id-1"));
    assert_eq!(claims.get("other"), Some(&json!([1])));
    assert_eq!(claims.get("user_claims"), None);
    assert_eq!(claims.header()["alg"], json!("HS256"));
}

// ---------------------------------------------------------------------------------------------
// Decode errors (the reference's message catalogue, PyJWT 2 messages)
// ---------------------------------------------------------------------------------------------

#[test]
fn not_enough_segments() {
    let m = manager(base());
    for token in ["foobarbaz", "a.b", "", "."] {
        assert_eq!(invalid(&m, token), "Not enough segments", "{token:?}");
    }
}

#[test]
fn invalid_header_padding() {
    let m = manager(base());
    assert_eq!(invalid(&m, "aaaaa.bbbbb.ccccc"), "Invalid header padding");
    assert_eq!(invalid(&m, "e$J.e30.c2ln"), "Invalid header padding");
}

#[test]
fn invalid_header_string() {
    let m = manager(base());
    let non_object = format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode("[1,2]"));
    assert_eq!(
        invalid(&m, &non_object),
        "Invalid header string: must be a json object"
    );
    let not_json = format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode("{not json"));
    let message = invalid(&m, &not_json);
    assert!(message.starts_with("Invalid header string: "), "{message}");
    assert!(m.get_unverified_jwt_headers(&not_json).is_err());
}

#[test]
fn invalid_payload_padding() {
    let m = manager(base());
    let header = URL_SAFE_NO_PAD.encode(HS256_HEADER);
    assert_eq!(
        invalid(&m, &format!("{header}.a.c2ln")),
        "Invalid payload padding"
    );
    assert_eq!(
        invalid(&m, &format!("{header}.e3$9.c2ln")),
        "Invalid payload padding"
    );
}

#[test]
fn invalid_crypto_padding() {
    let m = manager(base());
    let token = m.create_access_token(&"a").unwrap();
    let (signing_input, _) = token.rsplit_once('.').unwrap();
    assert_eq!(
        invalid(&m, &format!("{signing_input}.a")),
        "Invalid crypto padding"
    );
    assert_eq!(
        invalid(&m, &format!("{signing_input}.!!!!")),
        "Invalid crypto padding"
    );
}

#[test]
fn algorithm_not_allowed() {
    let m = manager(base());
    let body = claims_with(&json!({})).to_string();
    for header in [
        r#"{"alg":"none","typ":"JWT"}"#,
        r#"{"alg":"None","typ":"JWT"}"#,
        r#"{"alg":"NONE"}"#,
        r#"{"alg":"HS512","typ":"JWT"}"#,
        r#"{"alg":"RS256","typ":"JWT"}"#,
        r#"{"alg":"hs256","typ":"JWT"}"#,
        r#"{"typ":"JWT"}"#,
        r#"{"alg":256,"typ":"JWT"}"#,
        r#"{"alg":null}"#,
    ] {
        let token = sign_parts(
            header,
            body.as_bytes(),
            &hmac_key(SECRET.as_bytes()),
            Algorithm::HS256,
        );
        assert_eq!(
            invalid(&m, &token),
            "The specified alg value is not allowed",
            "{header}"
        );
    }
    // An unsigned `none` token (empty signature) too.
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(&body)
    );
    assert_eq!(
        invalid(&m, &unsigned),
        "The specified alg value is not allowed"
    );
    // A really HS512-signed token with HS256 configured.
    let hs512 = sign_parts(
        r#"{"alg":"HS512","typ":"JWT"}"#,
        body.as_bytes(),
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS512,
    );
    assert_eq!(
        invalid(&m, &hs512),
        "The specified alg value is not allowed"
    );
    // ... accepted once JWT_DECODE_ALGORITHMS lists it; JWT_ALGORITHM stays accepted.
    let m = manager(base().decode_algorithms([Algorithm::HS512]));
    m.decode_token(&hs512, None, false).unwrap();
    m.decode_token(&craft(&claims_with(&json!({}))), None, false)
        .unwrap();
}

#[test]
fn signature_verification_failed() {
    let m = manager(base());
    let body = claims_with(&json!({})).to_string();
    let other = sign_parts(
        HS256_HEADER,
        body.as_bytes(),
        &hmac_key(b"another-secret-of-32-bytes-long!"),
        Algorithm::HS256,
    );
    assert_eq!(invalid(&m, &other), "Signature verification failed");
    // A tampered payload with the original signature.
    let token = m.create_access_token(&"alice").unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let forged_payload = payload_text(&token).replace("alice", "admin");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(forged_payload),
        parts[2]
    );
    assert_eq!(invalid(&m, &forged), "Signature verification failed");
    // An empty signature with a real algorithm.
    assert_eq!(
        invalid(&m, &format!("{}.{}.", parts[0], parts[1])),
        "Signature verification failed"
    );
}

#[test]
fn missing_identity_claim() {
    let m = manager(base());
    let token = craft(&claims_with(&json!({"-identity": null})));
    assert_eq!(invalid(&m, &token), "Missing claim: identity");
    let m = manager(base().identity_claim("sub"));
    assert_eq!(
        invalid(&m, &craft(&claims_with(&json!({})))),
        "Missing claim: sub"
    );
}

#[test]
fn missing_or_invalid_type() {
    let m = manager(base());
    for bad in [
        json!("bogus"),
        json!("Access"),
        json!(5),
        json!(null),
        json!(["access"]),
    ] {
        let token = craft(&claims_with(&json!({"type": bad})));
        assert_eq!(
            invalid(&m, &token),
            "Missing or invalid claim: type",
            "{bad}"
        );
    }
}

#[test]
fn csrf_claim_checks() {
    let cookie_manager = manager(base().token_location([TokenLocation::Cookies]));
    let token = cookie_manager.create_access_token(&"a").unwrap();
    let csrf = cookie_manager.get_csrf_token(&token).unwrap();
    assert_uuid4(&csrf);
    assert_eq!(payload(&token)["csrf"], json!(csrf));
    // The right value passes; an empty one is no check at all (Python: `if csrf_value:`).
    cookie_manager
        .decode_token(&token, Some(&csrf), false)
        .unwrap();
    cookie_manager
        .decode_token(&token, Some(""), false)
        .unwrap();
    cookie_manager.decode_token(&token, None, false).unwrap();
    // A wrong value is a CSRF error (401, unauthorized loader).
    match cookie_manager.decode_token(&token, Some("wrong"), false) {
        Err(err @ JwtError::Csrf(_)) => {
            assert_eq!(err.message(), "CSRF double submit tokens do not match");
            assert_eq!(err.status().as_u16(), 401);
            assert_eq!(err.kind(), ErrorKind::Unauthorized);
        }
        other => panic!("expected a CSRF error, got {other:?}"),
    }
    // A prefix of the right value is wrong too.
    assert!(matches!(
        cookie_manager.decode_token(&token, Some(&csrf[..10]), false),
        Err(JwtError::Csrf(_))
    ));
    // A token without a csrf claim, checked with a value.
    let header_manager = manager(base());
    let plain = header_manager.create_access_token(&"a").unwrap();
    match cookie_manager.decode_token(&plain, Some("x"), false) {
        Err(JwtError::InvalidToken(message)) => assert_eq!(message, "Missing claim: csrf"),
        other => panic!("expected Missing claim: csrf, got {other:?}"),
    }
    match header_manager.get_csrf_token(&plain) {
        Err(err) => {
            assert_eq!(err.message(), "Missing claim: csrf");
            assert_eq!(err.status().as_u16(), 422);
        }
        Ok(value) => panic!("no csrf claim, got {value}"),
    }
}

#[test]
fn audience_checks() {
    let with_aud = manager(base().decode_audience(["api", "web"]));
    let without_aud = manager(base());
    let token = |aud: Value| craft(&claims_with(&json!({"aud": aud})));
    let no_aud = craft(&claims_with(&json!({})));

    assert_eq!(
        invalid(&with_aud, &no_aud),
        r#"Token is missing the "aud" claim"#
    );
    for empty in [json!(""), json!([]), json!(null)] {
        assert_eq!(
            invalid(&with_aud, &token(empty.clone())),
            r#"Token is missing the "aud" claim"#,
            "{empty}"
        );
        // ... and an empty aud is no aud when none is expected.
        without_aud
            .decode_token(&token(empty), None, false)
            .unwrap();
    }
    assert_eq!(
        invalid(&with_aud, &token(json!("other"))),
        "Audience doesn't match"
    );
    assert_eq!(
        invalid(&with_aud, &token(json!(["other", "x"]))),
        "Audience doesn't match"
    );
    with_aud
        .decode_token(&token(json!("web")), None, false)
        .unwrap();
    with_aud
        .decode_token(&token(json!(["other", "api"])), None, false)
        .unwrap();
    for bad in [json!(5), json!(["api", 5]), json!({"api": true})] {
        assert_eq!(
            invalid(&with_aud, &token(bad.clone())),
            "Invalid claim format in token",
            "{bad}"
        );
    }
    // An aud present when none is configured.
    assert_eq!(
        invalid(&without_aud, &token(json!("api"))),
        "Invalid audience"
    );
    assert_eq!(
        invalid(&without_aud, &token(json!(["api"]))),
        "Invalid audience"
    );
    without_aud.decode_token(&no_aud, None, false).unwrap();
}

#[test]
fn issuer_checks() {
    let m = manager(base().decode_issuer("auth.example"));
    let token = |extra: Value| craft(&claims_with(&extra));
    assert_eq!(
        invalid(&m, &token(json!({}))),
        r#"Token is missing the "iss" claim"#
    );
    assert_eq!(
        invalid(&m, &token(json!({"iss": "evil.example"}))),
        "Invalid issuer"
    );
    assert_eq!(invalid(&m, &token(json!({"iss": ""}))), "Invalid issuer");
    assert_eq!(
        invalid(&m, &token(json!({"iss": 5}))),
        "Payload Issuer (iss) must be a string"
    );
    m.decode_token(&token(json!({"iss": "auth.example"})), None, false)
        .unwrap();
    // No issuer configured: any iss is accepted.
    manager(base())
        .decode_token(&token(json!({"iss": "anyone"})), None, false)
        .unwrap();
}

#[test]
fn not_yet_valid_nbf_and_iat() {
    let m = manager(base());
    assert_eq!(
        invalid(&m, &craft(&claims_with(&json!({"nbf": NOW + 1})))),
        "The token is not yet valid (nbf)"
    );
    assert_eq!(
        invalid(
            &m,
            &craft(&claims_with(&json!({"iat": NOW + 1, "-nbf": null})))
        ),
        "The token is not yet valid (iat)"
    );
    // iat is checked before nbf.
    assert_eq!(
        invalid(
            &m,
            &craft(&claims_with(&json!({"iat": NOW + 1, "nbf": NOW + 1})))
        ),
        "The token is not yet valid (iat)"
    );
    // A token created in the future of the verifier.
    let token = manager_at(base(), NOW + 10)
        .create_access_token(&"a")
        .unwrap();
    assert_eq!(invalid(&m, &token), "The token is not yet valid (iat)");
}

#[test]
fn wrong_typed_time_claims() {
    let m = manager(base());
    for (claim, message) in [
        ("iat", "Issued At claim (iat) must be an integer."),
        ("nbf", "Not Before claim (nbf) must be an integer."),
        ("exp", "Expiration Time claim (exp) must be an integer."),
    ] {
        for bad in [
            json!("abc"),
            json!("1795907433"),
            json!(null),
            json!([1]),
            json!({"t": 1}),
        ] {
            let mut extra = Map::new();
            extra.insert(claim.to_owned(), bad.clone());
            let token = craft(&claims_with(&Value::Object(extra)));
            assert_eq!(invalid(&m, &token), message, "{claim}={bad}");
        }
    }
    // Floats are truncated, as Python's int() does.
    m.decode_token(
        &craft(&claims_with(
            &json!({"exp": NOW as f64 + 100.7, "iat": NOW as f64 + 0.9}),
        )),
        None,
        false,
    )
    .unwrap();
}

#[test]
fn subject_must_be_a_string() {
    let m = manager(base());
    assert_eq!(
        invalid(&m, &craft(&claims_with(&json!({"sub": 5})))),
        "Subject must be a string"
    );
    m.decode_token(&craft(&claims_with(&json!({"sub": "5"}))), None, false)
        .unwrap();
    // With JWT_IDENTITY_CLAIM='sub', an integer identity makes an undecodable token,
    // as with PyJWT >= 2.10 (issue #556).
    let m = manager(base().identity_claim("sub"));
    let token = m.create_access_token(&42).unwrap();
    assert_eq!(invalid(&m, &token), "Subject must be a string");
    let token = m.create_access_token(&"42").unwrap();
    assert_eq!(
        m.decode_token(&token, None, false)
            .unwrap()
            .identity::<String>()
            .unwrap(),
        "42"
    );
}

#[test]
fn jwt_id_must_be_a_string() {
    let m = manager(base());
    for bad in [json!(5), json!(["x"]), json!(true)] {
        assert_eq!(
            invalid(&m, &craft(&claims_with(&json!({"jti": bad})))),
            "JWT ID must be a string"
        );
    }
}

#[test]
fn invalid_payload_string() {
    let m = manager(base());
    assert_eq!(
        invalid(
            &m,
            &sign_parts(
                HS256_HEADER,
                b"[1]",
                &hmac_key(SECRET.as_bytes()),
                Algorithm::HS256
            )
        ),
        "Invalid payload string: must be a json object"
    );
    let message = invalid(
        &m,
        &sign_parts(
            HS256_HEADER,
            b"{nope",
            &hmac_key(SECRET.as_bytes()),
            Algorithm::HS256,
        ),
    );
    assert!(message.starts_with("Invalid payload string: "), "{message}");
}

#[test]
fn the_signature_is_checked_before_the_payload_is_parsed() {
    // A deliberate difference from the reference (RFC 8725 §3.1): the reference parses
    // the payload of an unverified token first; this port never parses attacker-chosen
    // JSON before the algorithm and the signature check out. Both answer 422.
    let m = manager(base());
    let bad_signature = sign_parts(
        HS256_HEADER,
        b"{nope",
        &hmac_key(b"another-secret-of-32-bytes-long!"),
        Algorithm::HS256,
    );
    assert_eq!(invalid(&m, &bad_signature), "Signature verification failed");
    let bad_alg = sign_parts(
        r#"{"alg":"none"}"#,
        b"[1]",
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS256,
    );
    assert_eq!(
        invalid(&m, &bad_alg),
        "The specified alg value is not allowed"
    );
}

#[test]
fn key_id_must_be_a_string() {
    let m = manager(base());
    let body = claims_with(&json!({})).to_string();
    let token = sign_parts(
        r#"{"alg":"HS256","kid":5,"typ":"JWT"}"#,
        body.as_bytes(),
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS256,
    );
    assert_eq!(
        invalid(&m, &token),
        "Key ID header parameter must be a string"
    );
}

#[test]
fn token_size_cap() {
    let token = manager(base()).create_access_token(&"alice").unwrap();
    let len = token.len();
    manager(base().max_token_size(len))
        .decode_token(&token, None, false)
        .unwrap();
    let capped = manager(base().max_token_size(len - 1));
    assert_eq!(
        invalid(&capped, &token),
        format!("Token is too large ({len} bytes; the limit is {})", len - 1)
    );
    assert!(capped.get_unverified_jwt_headers(&token).is_err());
    // The default cap of 8192 bytes.
    let m = manager(base());
    let big = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().user_claims(json!({"blob": "x".repeat(8192)})),
        )
        .unwrap();
    assert!(invalid(&m, &big).starts_with("Token is too large ("));
    // The size is checked before anything is parsed.
    assert!(invalid(&capped, &"x".repeat(len)).starts_with("Token is too large"));
}

// ---------------------------------------------------------------------------------------------
// Expiry and leeway on a fixed clock
// ---------------------------------------------------------------------------------------------

#[test]
fn expired_token_carries_its_claims() {
    let creator = manager(base());
    let token = creator
        .create_access_token_with(
            &"alice",
            TokenOptions::default()
                .expires(Duration::from_secs(60))
                .user_claims(json!({"r": 1})),
        )
        .unwrap();
    let later = manager_at(base(), NOW + 3600);
    match later.decode_token(&token, None, false) {
        Err(JwtError::Expired(claims)) => {
            assert_eq!(claims.identity::<String>().unwrap(), "alice");
            assert_eq!(claims.token_type(), TokenType::Access);
            assert_eq!(claims.expires_at(), Some((NOW + 60) as i64));
            assert_eq!(claims.user_claims_value(), &json!({"r": 1}));
            let err = JwtError::Expired(claims);
            assert_eq!(err.message(), "Token has expired");
            assert_eq!(err.status().as_u16(), 401);
            assert_eq!(err.kind(), ErrorKind::Expired);
        }
        other => panic!("expected Expired, got {other:?}"),
    }
    let claims = later.decode_token(&token, None, true).unwrap();
    assert_eq!(claims.identity::<String>().unwrap(), "alice");
    // get_jti fully verifies, so it fails on an expired token.
    assert!(matches!(later.get_jti(&token), Err(JwtError::Expired(_))));
    // Refresh tokens expire the same way.
    let refresh = creator
        .create_refresh_token_with(
            &"bob",
            TokenOptions::default().expires(Duration::from_secs(60)),
        )
        .unwrap();
    match later.decode_token(&refresh, None, false) {
        Err(JwtError::Expired(claims)) => assert_eq!(claims.token_type(), TokenType::Refresh),
        other => panic!("expected Expired, got {other:?}"),
    }
}

#[test]
fn exp_boundary_without_leeway() {
    let token = manager(base())
        .create_access_token_with(
            &"a",
            TokenOptions::default().expires(Duration::from_secs(60)),
        )
        .unwrap();
    manager_at(base(), NOW + 59)
        .decode_token(&token, None, false)
        .unwrap();
    manager_at_ms(base(), (NOW + 59) * 1000 + 999)
        .decode_token(&token, None, false)
        .unwrap();
    // PyJWT 2: expired when exp <= now.
    assert!(matches!(
        manager_at(base(), NOW + 60).decode_token(&token, None, false),
        Err(JwtError::Expired(_))
    ));
    assert!(matches!(
        manager_at(base(), NOW + 61).decode_token(&token, None, false),
        Err(JwtError::Expired(_))
    ));
}

#[test]
fn exp_boundary_with_leeway() {
    let leeway = || base().decode_leeway(Duration::from_secs(30));
    let token = craft(&claims_with(&json!({"exp": NOW - 29})));
    manager(leeway()).decode_token(&token, None, false).unwrap();
    assert!(matches!(
        manager(base()).decode_token(&token, None, false),
        Err(JwtError::Expired(_))
    ));
    let token = craft(&claims_with(&json!({"exp": NOW - 30})));
    assert!(matches!(
        manager(leeway()).decode_token(&token, None, false),
        Err(JwtError::Expired(_))
    ));
    // Exactly now, with no leeway.
    let token = craft(&claims_with(&json!({"exp": NOW})));
    assert!(matches!(
        manager(base()).decode_token(&token, None, false),
        Err(JwtError::Expired(_))
    ));
    let token = craft(&claims_with(&json!({"exp": NOW + 1})));
    manager(base()).decode_token(&token, None, false).unwrap();
}

#[test]
fn nbf_and_iat_boundaries_with_leeway() {
    let leeway = || base().decode_leeway(Duration::from_secs(30));
    // nbf == now is valid.
    manager(base())
        .decode_token(&craft(&claims_with(&json!({"nbf": NOW}))), None, false)
        .unwrap();
    let nbf30 = craft(&claims_with(&json!({"nbf": NOW + 30})));
    let nbf31 = craft(&claims_with(&json!({"nbf": NOW + 31})));
    manager(leeway()).decode_token(&nbf30, None, false).unwrap();
    assert_eq!(
        invalid(&manager(leeway()), &nbf31),
        "The token is not yet valid (nbf)"
    );
    assert_eq!(
        invalid(&manager(base()), &nbf30),
        "The token is not yet valid (nbf)"
    );
    let iat30 = craft(&claims_with(&json!({"iat": NOW + 30, "-nbf": null})));
    let iat31 = craft(&claims_with(&json!({"iat": NOW + 31, "-nbf": null})));
    manager(leeway()).decode_token(&iat30, None, false).unwrap();
    assert_eq!(
        invalid(&manager(leeway()), &iat31),
        "The token is not yet valid (iat)"
    );
}

#[test]
fn fractional_clock() {
    // now = NOW + 0.5 s
    let m = manager_at_ms(base(), NOW * 1000 + 500);
    assert!(matches!(
        m.decode_token(&craft(&claims_with(&json!({"exp": NOW}))), None, false),
        Err(JwtError::Expired(_))
    ));
    m.decode_token(&craft(&claims_with(&json!({"exp": NOW + 1}))), None, false)
        .unwrap();
    assert_eq!(
        invalid(&m, &craft(&claims_with(&json!({"nbf": NOW + 1})))),
        "The token is not yet valid (nbf)"
    );
}

#[test]
fn expired_token_with_a_wrong_csrf_value_is_a_csrf_error() {
    // Reference quirk: on expiry, the second (allow_expired) decode pass runs the CSRF check.
    let config = || base().token_location([TokenLocation::Cookies]);
    let token = manager(config())
        .create_access_token_with(
            &"a",
            TokenOptions::default().expires(Duration::from_secs(60)),
        )
        .unwrap();
    let later = manager_at(config(), NOW + 3600);
    assert!(matches!(
        later.decode_token(&token, Some("wrong"), false),
        Err(JwtError::Csrf(_))
    ));
    let csrf = payload(&token)["csrf"].as_str().unwrap().to_owned();
    assert!(matches!(
        later.decode_token(&token, Some(&csrf), false),
        Err(JwtError::Expired(_))
    ));
}

#[test]
fn expired_token_with_a_bad_claim_reports_the_bad_claim() {
    // The reference decodes an expired token again with verify_exp off, so a later
    // failing check (iss, aud, identity) is what the caller sees.
    let m = manager(base().decode_issuer("auth.example"));
    let token = craft(&claims_with(&json!({"exp": NOW - 10, "iss": "evil"})));
    assert_eq!(invalid(&m, &token), "Invalid issuer");
    let token = craft(&claims_with(
        &json!({"exp": NOW - 10, "iss": "auth.example", "-identity": null}),
    ));
    assert_eq!(invalid(&m, &token), "Missing claim: identity");
}

// ---------------------------------------------------------------------------------------------
// Interop with the Python reference vectors
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Fixture {
    keys: BTreeMap<String, String>,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    token: String,
    config: BTreeMap<String, String>,
    expect: Map<String, Value>,
}

fn fixture() -> Fixture {
    serde_json::from_value(reference_fixture()).unwrap()
}

/// The vector's configuration, read through the environment syntax.
fn vector_config(vector: &Vector) -> JwtConfig {
    JwtConfig::from_lookup(|name| vector.config.get(name).cloned())
        .unwrap_or_else(|e| panic!("{}: {e}", vector.name))
}

/// The vector's creation time: the `iat` of its payload.
fn vector_iat(vector: &Vector) -> u64 {
    payload(&vector.token)["iat"].as_u64().unwrap()
}

/// Messages PyJWT 2 / quart-jwt-extended give for the vectors whose `expect` has no `msg`.
fn reference_message(name: &str, error: Option<&str>) -> Option<&'static str> {
    match (name, error) {
        (_, Some("invalid_signature")) => Some("Signature verification failed"),
        (_, Some("algorithm_not_allowed"))
        | (
            "attack_alg_confusion_hs256_with_rsa_public_key"
            | "attack_alg_none"
            | "attack_alg_none_uppercase",
            None,
        ) => Some("The specified alg value is not allowed"),
        ("access_with_wrong_issuer", None) => Some("Invalid issuer"),
        _ => None,
    }
}

#[test]
fn fixture_is_complete() {
    let fixture = fixture();
    assert!(fixture.vectors.len() >= 24);
    let mut names: Vec<&str> = fixture.vectors.iter().map(|v| v.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        fixture.vectors.len(),
        "vector names are unique"
    );
    for key in ["rsa_private", "rsa_public", "ec_private", "ec_public"] {
        assert!(fixture.keys[key].starts_with("-----BEGIN"), "{key}");
    }
}

#[test]
fn python_reference_vectors_decode_as_expected() {
    let fixture = fixture();
    let mut checked = 0;
    for vector in &fixture.vectors {
        let name = vector.name.as_str();
        let now = vector_iat(vector) + 5;
        let m = manager_at(vector_config(vector), now);
        let result = m.decode_token(&vector.token, None, false);
        let expect = &vector.expect;
        for key in expect.keys() {
            assert!(
                [
                    "valid",
                    "type",
                    "identity",
                    "fresh",
                    "user_claims",
                    "has_csrf",
                    "fresh_is_timestamp",
                    "is_fresh_now",
                    "has_exp",
                    "header_kid",
                    "error",
                    "status",
                    "msg",
                ]
                .contains(&key.as_str()),
                "{name}: unknown expectation {key}; teach this test about it"
            );
        }
        if expect["valid"] == json!(true) {
            let claims = result.unwrap_or_else(|e| panic!("{name}: expected valid, got {e:?}"));
            if let Some(t) = expect.get("type") {
                assert_eq!(claims.token_type().as_str(), t, "{name}: type");
            }
            if let Some(identity) = expect.get("identity") {
                assert_eq!(claims.identity_value(), identity, "{name}: identity");
            }
            if let Some(fresh) = expect.get("fresh") {
                assert_eq!(
                    claims.fresh(),
                    Freshness::Fresh(fresh.as_bool().unwrap()),
                    "{name}: fresh"
                );
            }
            if let Some(user_claims) = expect.get("user_claims") {
                assert_eq!(
                    claims.user_claims_value(),
                    user_claims,
                    "{name}: user_claims"
                );
            }
            if let Some(has_csrf) = expect.get("has_csrf") {
                assert_eq!(
                    claims.csrf().is_some(),
                    has_csrf.as_bool().unwrap(),
                    "{name}: has_csrf"
                );
            }
            if let Some(is_timestamp) = expect.get("fresh_is_timestamp") {
                assert_eq!(
                    matches!(claims.fresh(), Freshness::Until(_)),
                    is_timestamp.as_bool().unwrap(),
                    "{name}: fresh_is_timestamp ({:?})",
                    claims.fresh()
                );
            }
            if let Some(fresh_now) = expect.get("is_fresh_now") {
                assert_eq!(
                    claims.fresh().is_fresh_at(now as f64),
                    fresh_now.as_bool().unwrap(),
                    "{name}: is_fresh_now"
                );
            }
            if let Some(has_exp) = expect.get("has_exp") {
                assert_eq!(
                    claims.expires_at().is_some(),
                    has_exp.as_bool().unwrap(),
                    "{name}: has_exp"
                );
            }
            if let Some(kid) = expect.get("header_kid") {
                assert_eq!(claims.header().get("kid"), Some(kid), "{name}: header_kid");
            }
        } else {
            assert_eq!(expect["valid"], json!(false), "{name}");
            let err = match result {
                Ok(claims) => panic!("{name}: expected an error, decoded {:?}", claims.raw()),
                Err(err) => err,
            };
            if let Some(status) = expect.get("status") {
                assert_eq!(
                    u64::from(err.status().as_u16()),
                    status.as_u64().unwrap(),
                    "{name}: status ({err:?})"
                );
            }
            if let Some(msg) = expect.get("msg") {
                assert_eq!(err.message(), msg.as_str().unwrap(), "{name}: msg");
            }
            let error = expect.get("error").map(|e| e.as_str().unwrap());
            match error {
                Some("expired") => match &err {
                    JwtError::Expired(claims) => {
                        assert_eq!(claims.identity_value(), "test", "{name}");
                    }
                    other => panic!("{name}: expected Expired, got {other:?}"),
                },
                Some("invalid_signature" | "algorithm_not_allowed" | "missing_claim") | None => {
                    assert!(
                        matches!(err, JwtError::InvalidToken(_)),
                        "{name}: expected InvalidToken, got {err:?}"
                    );
                }
                Some(other) => panic!("{name}: unknown error kind {other}; teach this test"),
            }
            if let Some(message) = reference_message(name, error) {
                assert_eq!(err.message(), message, "{name}: message");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, fixture.vectors.len());
}

#[test]
fn python_reference_vectors_years_later() {
    // Deterministic forever: the long-lived ones are valid for ten years, the expired one
    // stays expired, and nothing depends on the real clock.
    let fixture = fixture();
    let get = |name: &str| fixture.vectors.iter().find(|v| v.name == name).unwrap();
    let long = get("access_long_lived");
    let exp = payload(&long.token)["exp"].as_u64().unwrap();
    manager_at(vector_config(long), exp - 1)
        .decode_token(&long.token, None, false)
        .unwrap();
    assert!(matches!(
        manager_at(vector_config(long), exp).decode_token(&long.token, None, false),
        Err(JwtError::Expired(_))
    ));
    let far = get("access_fresh_until_far_future");
    let fresh_until = payload(&far.token)["fresh"].as_u64().unwrap();
    let claims = manager_at(vector_config(far), fresh_until)
        .decode_token(&far.token, None, false)
        .unwrap();
    assert!(claims.fresh().is_fresh_at(fresh_until as f64));
    assert!(!claims.fresh().is_fresh_at((fresh_until + 1) as f64));
}

#[test]
fn python_reference_vectors_reject_tampering() {
    let fixture = fixture();
    for vector in fixture
        .vectors
        .iter()
        .filter(|v| v.expect["valid"] == json!(true))
    {
        let m = manager_at(vector_config(vector), vector_iat(vector) + 5);
        let parts: Vec<&str> = vector.token.split('.').collect();
        let forged = payload_text(&vector.token).replacen("\"test\"", "\"root\"", 1);
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(forged),
            parts[2]
        );
        if forged == vector.token {
            continue;
        }
        let message = invalid(&m, &forged);
        assert_eq!(message, "Signature verification failed", "{}", vector.name);
    }
}

/// Makes one token with a configured manager.
type CreateToken = Box<dyn Fn(&JwtManager) -> String>;

/// This library, configured and timed like a vector, writes the same header text and
/// the same payload (keys, order and values) except for the random `jti` and `csrf`.
#[test]
fn tokens_match_the_python_reference_layout() {
    let fixture = fixture();
    let get = |name: &str| fixture.vectors.iter().find(|v| v.name == name).unwrap();
    let ten_years = Duration::from_secs(315_360_000);
    let never = || TokenOptions::default().expires(Expiry::Never);
    let cases: Vec<(&str, CreateToken, JwtConfig)> = vec![
        (
            "access_string_identity_fresh_with_claims",
            Box::new(move |m: &JwtManager| {
                m.create_access_token_with(
                    &"test",
                    never().fresh(true).user_claims(json!({"roles": ["user"]})),
                )
                .unwrap()
            }),
            JwtConfig::default(),
        ),
        (
            "access_object_identity_not_fresh",
            Box::new(move |m: &JwtManager| {
                m.create_access_token_with(&json!({"id": 5, "name": "Zoë"}), never())
                    .unwrap()
            }),
            JwtConfig::default(),
        ),
        (
            "access_integer_identity",
            Box::new(move |m: &JwtManager| m.create_access_token_with(&42, never()).unwrap()),
            JwtConfig::default(),
        ),
        (
            "refresh_token",
            Box::new(move |m: &JwtManager| m.create_refresh_token_with(&"test", never()).unwrap()),
            JwtConfig::default(),
        ),
        (
            "refresh_token_with_claims",
            Box::new(move |m: &JwtManager| {
                m.create_refresh_token_with(&"test", never().user_claims(json!({"a": 1})))
                    .unwrap()
            }),
            JwtConfig::default(),
        ),
        (
            "access_with_csrf_claim",
            Box::new(move |m: &JwtManager| m.create_access_token_with(&"test", never()).unwrap()),
            JwtConfig::default().token_location([TokenLocation::Cookies]),
        ),
        (
            "access_fresh_until_far_future",
            Box::new(move |m: &JwtManager| {
                m.create_access_token_with(&"test", never().fresh(ten_years))
                    .unwrap()
            }),
            JwtConfig::default(),
        ),
        (
            "access_long_lived",
            Box::new(move |m: &JwtManager| {
                m.create_access_token_with(&"test", TokenOptions::default().expires(ten_years))
                    .unwrap()
            }),
            JwtConfig::default(),
        ),
        (
            "access_hs512",
            Box::new(move |m: &JwtManager| m.create_access_token_with(&"test", never()).unwrap()),
            JwtConfig::default().algorithm(Algorithm::HS512),
        ),
        (
            "access_custom_claim_names",
            Box::new(move |m: &JwtManager| {
                m.create_access_token_with(&"test", never().user_claims(json!({"r": 1})))
                    .unwrap()
            }),
            JwtConfig::default()
                .identity_claim("sub")
                .user_claims("ctx"),
        ),
        (
            "access_with_issuer",
            Box::new(move |m: &JwtManager| m.create_access_token_with(&"test", never()).unwrap()),
            JwtConfig::default().encode_issuer("auth.example"),
        ),
        (
            "access_extra_header",
            Box::new(move |m: &JwtManager| {
                m.create_access_token_with(
                    &"test",
                    never().headers(headers(&json!({"kid": "key-1"}))),
                )
                .unwrap()
            }),
            JwtConfig::default(),
        ),
    ];
    for (name, create, config) in cases {
        let vector = get(name);
        let secret = vector.config["JWT_SECRET_KEY"].as_str();
        let m = manager_at(config.secret_key(secret), vector_iat(vector));
        let ours = create(&m);
        assert_eq!(
            header_text(&ours),
            header_text(&vector.token),
            "{name}: header"
        );
        assert_eq!(
            keys_in_order(&payload_text(&ours)),
            keys_in_order(&payload_text(&vector.token)),
            "{name}: claim order"
        );
        let mut mine = payload(&ours);
        let theirs = payload(&vector.token);
        for random in ["jti", "csrf"] {
            if let Some(value) = theirs.get(random) {
                assert_uuid4(mine[random].as_str().unwrap());
                mine.insert(random.to_owned(), value.clone());
            }
        }
        assert_eq!(mine, theirs, "{name}: payload");
        // And the Python side's decoder accepts ours exactly as it accepts its own.
        let vm = manager_at(vector_config(vector), vector_iat(vector) + 5);
        let a = vm.decode_token(&ours, None, false).unwrap();
        let b = vm.decode_token(&vector.token, None, false).unwrap();
        assert_eq!(a.identity_value(), b.identity_value(), "{name}");
        assert_eq!(a.user_claims_value(), b.user_claims_value(), "{name}");
        assert_eq!(a.fresh(), b.fresh(), "{name}");
    }
}

/// Tokens made by this library decode with plain `jsonwebtoken` into the reference's claim layout.
#[test]
fn tokens_decode_with_plain_jsonwebtoken() {
    let fixture = fixture();
    let k = &fixture.keys;
    let cases: Vec<(jwt_runtime::Algorithm, JwtConfig, DecodingKey)> = vec![
        (
            Algorithm::HS256,
            base(),
            DecodingKey::from_secret(SECRET.as_bytes()).unwrap(),
        ),
        (
            Algorithm::HS512,
            base().algorithm(Algorithm::HS512),
            DecodingKey::from_secret(SECRET.as_bytes()).unwrap(),
        ),
        (
            Algorithm::RS256,
            JwtConfig::default()
                .algorithm(Algorithm::RS256)
                .private_key(k["rsa_private"].as_str())
                .public_key(k["rsa_public"].as_str()),
            DecodingKey::from_rsa_pem(k["rsa_public"].as_bytes()).unwrap(),
        ),
        (
            Algorithm::PS256,
            JwtConfig::default()
                .algorithm(Algorithm::PS256)
                .private_key(k["rsa_private"].as_str())
                .public_key(k["rsa_public"].as_str()),
            DecodingKey::from_rsa_pem(k["rsa_public"].as_bytes()).unwrap(),
        ),
        (
            Algorithm::ES256,
            JwtConfig::default()
                .algorithm(Algorithm::ES256)
                .private_key(k["ec_private"].as_str())
                .public_key(k["ec_public"].as_str()),
            DecodingKey::from_ec_pem(k["ec_public"].as_bytes()).unwrap(),
        ),
    ];
    for (algorithm, config, key) in cases {
        // The real clock: jsonwebtoken checks exp against it.
        let m = JwtManager::builder(
            config
                .token_location([TokenLocation::Headers, TokenLocation::Cookies])
                .encode_issuer("auth.example")
                .encode_audience(["api"]),
        )
        .ignore_registered_loaders()
        .build()
        .unwrap();
        let mut validation = Validation::new(algorithm);
        validation.validate_nbf = true;
        validation.set_audience(&["api"]);
        validation.set_issuer(&["auth.example"]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud"]);

        let access = m
            .create_access_token_with(
                &"alice",
                TokenOptions::default()
                    .fresh(true)
                    .user_claims(json!({"roles": ["admin"]}))
                    .headers(headers(&json!({"kid": "k1"}))),
            )
            .unwrap();
        let data = jsonwebtoken::decode::<Value>(&access, &key, &validation)
            .unwrap_or_else(|e| panic!("{algorithm:?}: {e}"));
        assert_eq!(data.header.alg, algorithm);
        assert_eq!(data.header.typ.as_deref(), Some("JWT"));
        assert_eq!(data.header.kid.as_deref(), Some("k1"));
        let c = data.claims;
        assert_eq!(c["iat"], c["nbf"]);
        assert_eq!(c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(), 900);
        assert_uuid4(c["jti"].as_str().unwrap());
        assert_uuid4(c["csrf"].as_str().unwrap());
        assert_eq!(c["identity"], json!("alice"));
        assert_eq!(c["fresh"], json!(true));
        assert_eq!(c["type"], json!("access"));
        assert_eq!(c["user_claims"], json!({"roles": ["admin"]}));
        assert_eq!(c["iss"], json!("auth.example"));
        assert_eq!(c["aud"], json!("api"));
        assert_keys(
            &access,
            &[
                "iat",
                "nbf",
                "jti",
                "exp",
                "identity",
                "fresh",
                "type",
                "user_claims",
                "csrf",
                "iss",
                "aud",
            ],
        );

        let refresh = m.create_refresh_token(&"alice").unwrap();
        let c = jsonwebtoken::decode::<Value>(&refresh, &key, &validation)
            .unwrap_or_else(|e| panic!("{algorithm:?}: {e}"))
            .claims;
        assert_eq!(c["type"], json!("refresh"));
        assert_eq!(
            c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(),
            30 * 86_400
        );
        assert_keys(
            &refresh,
            &[
                "iat", "nbf", "jti", "exp", "identity", "type", "csrf", "iss", "aud",
            ],
        );
    }
}

/// A token from this library is the same whichever clock reads it, and the clock
/// is the manager's own: creation and decoding never touch the system time.
#[test]
fn fixed_clock_is_used_for_creation_and_decoding() {
    let past = 1_000_000_u64;
    let m = manager_at(base(), past);
    let token = m.create_access_token(&"a").unwrap();
    assert_eq!(payload(&token)["iat"], json!(past));
    // Long expired by the real clock, valid at the manager's.
    m.decode_token(&token, None, false).unwrap();
    assert!(SystemTime::now() > UNIX_EPOCH + Duration::from_secs(past + 900));
}
