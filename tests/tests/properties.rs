//! Property tests (proptest, on stable) of the token engine and the request path:
//!
//! - create → decode round trips for arbitrary identities (strings, integers, floats,
//!   nested JSON from a recursive strategy), user claims, freshness and claim names;
//! - arbitrary bytes and strings as a token never panic and never decode;
//! - arbitrary JOSE headers and payloads signed with a key the server does not hold never decode;
//! - every one-character mutation, truncation or extension of a valid token is refused;
//! - arbitrary `Authorization` header bytes, cookies, query strings and JSON bodies sent to
//!   a protected app never panic, never answer 5xx, and never run the handler.
//!
//! Each property runs a modest number of cases so the file takes a few seconds; the
//! app-based properties build their app once and run every case against it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::time::{Duration, UNIX_EPOCH};

use actix_web::App;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};
use jsonwebtoken::Algorithm;
use jwt_runtime::config::{TokenLocation, TokenType};
use jwt_runtime::prelude::*;
use jwt_runtime::{FreshClaim, JwtManagerBuilder};
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{ATTACKER, NOW, SECRET, b64, bearer, hmac_key, ran, runs, send};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::json;
use serde_json::{Map, Value};

const CASES: u32 = 256;

#[jwt_required]
async fn protected() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

fn builder(config: JwtConfig) -> JwtManagerBuilder {
    JwtManager::builder(config.secret_key(SECRET))
        .ignore_registered_loaders()
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
}

fn manager() -> JwtManager {
    builder(JwtConfig::default()).build().unwrap()
}

/// Python truthiness, which decides whether user claims are written.
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

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

/// The cases of every property; failures are reported, not persisted to files.
fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(CASES)
    }
}

/// Any finite float.
fn any_float() -> impl Strategy<Value = Value> {
    any::<f64>()
        .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
        .prop_map(Value::from)
}

/// Floats with few significant digits, which every JSON parser reads back exactly.
fn short_float() -> impl Strategy<Value = Value> {
    any::<i32>().prop_map(|m| Value::from(f64::from(m) / 4.0))
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        short_float(),
        any::<String>().prop_map(Value::String),
    ]
}

/// Any JSON value (floats with few digits), nested up to four levels, about 32 nodes.
fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(any::<String>(), json_value(), 0..5)
        .prop_map(|map| map.into_iter().collect())
}

/// An object of scalars (cheaper to generate than nested ones).
fn flat_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-z]{1,6}|.{0,8}", json_leaf(), 0..6)
        .prop_map(|map| map.into_iter().collect())
}

/// A claim name the configuration accepts (not one the library writes itself).
fn claim_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,11}".prop_filter("reserved", |name| {
        ![
            "iat", "nbf", "jti", "exp", "fresh", "type", "csrf", "iss", "aud",
        ]
        .contains(&name.as_str())
    })
}

/// Bytes a `HeaderValue` can hold: visible ASCII, space, tab and obs-text.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => 0x20u8..=0x7e,
            1 => 0x80u8..=0xff,
            1 => Just(b'\t'),
        ],
        0..300,
    )
}

/// Token-shaped text: base64url runs, dots, padding and the standard alphabet.
fn tokenish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,80}",
        "[A-Za-z0-9_\\-.=+/]{0,300}",
        "eyJ[A-Za-z0-9_-]{0,60}\\.eyJ[A-Za-z0-9_-]{0,200}\\.[A-Za-z0-9_-]{43}",
    ]
}

/// `Authorization` values: raw bytes, and strings built around the Bearer scheme.
fn authorization_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        header_bytes(),
        (
            prop_oneof![
                Just("Bearer"),
                Just("bearer"),
                Just("Basic"),
                Just(""),
                Just("Bearer,")
            ],
            "[ \t,]{0,3}",
            tokenish(),
            "[ \t,]{0,3}",
            prop::option::of(tokenish()),
        )
            .prop_map(|(scheme, gap, token, tail, second)| {
                let second = second.map(|t| format!("Bearer {t}")).unwrap_or_default();
                format!("{scheme}{gap}{token}{tail}{second}").into_bytes()
            }),
    ]
}

// ---------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn access_tokens_round_trip(
        identity in json_value(),
        user_claims in json_value(),
        fresh in any::<bool>(),
    ) {
        let manager = manager();
        let options = TokenOptions::default().user_claims(user_claims.clone()).fresh(fresh);
        let token = manager.create_access_token_with(&identity, options).unwrap();
        let claims = manager.decode_token(&token).unwrap();
        prop_assert_eq!(claims.identity_value(), &identity);
        let expected = if truthy(&user_claims) { user_claims } else { json!({}) };
        prop_assert_eq!(claims.user_claims_value(), &expected);
        prop_assert_eq!(claims.token_type(), TokenType::Access);
        prop_assert_eq!(claims.fresh(), FreshClaim::Fresh(fresh));
        prop_assert_eq!(claims.get("iat"), Some(&json!(NOW)));
    }

    #[test]
    fn identities_of_every_shape_round_trip(
        text in any::<String>(),
        signed in any::<i64>(),
        unsigned in any::<u64>(),
        nested in json_object(),
    ) {
        let manager = manager();
        let token = manager.create_access_token(&text).unwrap();
        prop_assert_eq!(manager.decode_token(&token).unwrap().identity::<String>().unwrap(), text);
        let token = manager.create_access_token(&signed).unwrap();
        prop_assert_eq!(manager.decode_token(&token).unwrap().identity::<i64>().unwrap(), signed);
        let token = manager.create_refresh_token(&unsigned).unwrap();
        let claims = manager.decode_token(&token).unwrap();
        prop_assert_eq!(claims.identity::<u64>().unwrap(), unsigned);
        prop_assert_eq!(claims.token_type(), TokenType::Refresh);
        let token = manager.create_refresh_token(&nested).unwrap();
        prop_assert_eq!(manager.decode_token(&token).unwrap().identity::<Map<String, Value>>().unwrap(), nested);
    }

    #[test]
    fn custom_claim_names_round_trip(
        identity_claim in claim_name(),
        user_claims_claim in claim_name(),
        identity in json_value(),
        user_claims in json_object(),
    ) {
        prop_assume!(identity_claim != user_claims_claim);
        let manager = builder(
            JwtConfig::default()
                .identity_claim(identity_claim.clone())
                .user_claims(user_claims_claim.clone()),
        )
        .build()
        .unwrap();
        let options = TokenOptions::default().user_claims(Value::Object(user_claims.clone()));
        let token = manager.create_access_token_with(&identity, options).unwrap();
        let claims = manager.decode_token(&token).unwrap();
        prop_assert_eq!(claims.get(&identity_claim), Some(&identity));
        prop_assert_eq!(claims.user_claims_value(), &Value::Object(user_claims));
        // Another manager with the default names refuses it (no `identity` claim).
        if identity_claim != "identity" {
            let message = manager_default_names_message(&token);
            prop_assert_eq!(message, "Missing claim: identity");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]

    fn float_identities_and_claims_round_trip_exactly(
        identity in any_float(),
        claim in any_float(),
    ) {
        let manager = manager();
        let options = TokenOptions::default().user_claims(json!({ "x": claim }));
        let token = manager.create_access_token_with(&identity, options).unwrap();
        let claims = manager.decode_token(&token).unwrap();
        prop_assert_eq!(claims.identity_value(), &identity);
        prop_assert_eq!(&claims.user_claims_value()["x"], &claim);
    }
}

fn manager_default_names_message(token: &str) -> String {
    manager().decode_token(token).unwrap_err().message()
}

// ---------------------------------------------------------------------------------------
// Garbage never decodes
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_decode(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let manager = manager();
        let text = String::from_utf8_lossy(&bytes);
        let error = manager.decode_token(&text).unwrap_err();
        prop_assert!(error.status().is_client_error(), "{error:?}");
    }

    #[test]
    fn arbitrary_strings_never_decode(text in prop_oneof![any::<String>(), tokenish()]) {
        let manager = manager();
        let error = manager.decode_token(&text).unwrap_err();
        prop_assert!(error.status().is_client_error(), "{error:?}");
        let _ = manager.get_unverified_jwt_headers(&text);
    }

    #[test]
    fn forged_headers_and_payloads_never_decode(
        mut header in flat_object(),
        alg in prop_oneof![
            Just(json!("HS256")), Just(json!("HS512")), Just(json!("none")),
            Just(json!("RS256")), json_leaf(),
        ],
        mut payload in flat_object(),
        identity in json_value(),
        signature in prop_oneof![
            Just(Signature::Attacker), Just(Signature::Empty), Just(Signature::ServerKeyOtherInput),
            "[A-Za-z0-9_-]{0,90}".prop_map(Signature::Random),
        ],
    ) {
        header.insert("alg".to_owned(), alg);
        payload.insert("identity".to_owned(), identity);
        payload.insert("exp".to_owned(), json!(NOW + 60));
        let input = format!("{}.{}", b64(Value::Object(header).to_string()), b64(Value::Object(payload).to_string()));
        let signature = match signature {
            Signature::Attacker => sign(input.as_bytes(), ATTACKER),
            Signature::Empty => String::new(),
            Signature::ServerKeyOtherInput => sign(format!("{input}x").as_bytes(), SECRET),
            Signature::Random(text) => text,
        };
        let token = format!("{input}.{signature}");
        let error = manager().decode_token(&token).unwrap_err();
        prop_assert!(error.status().is_client_error(), "{error:?}");
    }
}

#[derive(Clone, Debug)]
enum Signature {
    Attacker,
    Empty,
    ServerKeyOtherInput,
    Random(String),
}

fn sign(input: &[u8], secret: &str) -> String {
    jsonwebtoken::crypto::sign(input, &hmac_key(secret.as_bytes()), Algorithm::HS256).unwrap()
}

// ---------------------------------------------------------------------------------------
// Mutations of a valid token
// ---------------------------------------------------------------------------------------

fn valid_token() -> String {
    manager()
        .create_access_token_with(
            &json!({"user": "alice", "roles": ["admin"]}),
            TokenOptions::default().user_claims(json!({"scope": "all"})),
        )
        .unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn one_character_substitutions_never_authenticate(
        index in any::<prop::sample::Index>(),
        replacement in prop_oneof![
            8 => prop::char::range('-', 'z'),
            1 => any::<char>(),
        ],
    ) {
        let token = valid_token();
        let mut chars: Vec<char> = token.chars().collect();
        let slot = index.get_mut(&mut chars);
        prop_assume!(*slot != replacement);
        *slot = replacement;
        let mutated: String = chars.into_iter().collect();
        prop_assert!(manager().decode_token(&mutated).is_err(), "{mutated}");
    }

    #[test]
    fn one_bit_flips_never_authenticate(index in any::<prop::sample::Index>(), bit in 0u8..8) {
        let token = valid_token();
        let mut bytes = token.into_bytes();
        *index.get_mut(&mut bytes) ^= 1 << bit;
        let mutated = String::from_utf8_lossy(&bytes);
        prop_assert!(manager().decode_token(&mutated).is_err(), "{mutated}");
    }

    #[test]
    fn truncations_and_extensions_never_authenticate(
        cut in any::<prop::sample::Index>(),
        suffix in "[A-Za-z0-9_\\-.=]{1,8}",
        prefix in "[A-Za-z0-9_\\-.=]{1,8}",
    ) {
        let token = valid_token();
        let manager = manager();
        let at = cut.index(token.len());
        prop_assert!(manager.decode_token(token.get(..at).unwrap()).is_err());
        let extended = format!("{token}{suffix}");
        let prefixed = format!("{prefix}{token}");
        prop_assert!(manager.decode_token(&extended).is_err());
        prop_assert!(manager.decode_token(&prefixed).is_err());
    }
}

// ---------------------------------------------------------------------------------------
// Through a protected app
// ---------------------------------------------------------------------------------------

/// Runs `property` over `strategy` against one app: every location (headers, cookies,
/// query string, JSON body) is tried, and every request must be refused with a 4xx JSON
/// `{"msg": ...}` without running the handler.
fn against_the_app<S: Strategy>(
    strategy: &S,
    request: impl Fn(S::Value, &str) -> actix_web::test::TestRequest,
) {
    let manager = builder(JwtConfig::default().token_location([
        TokenLocation::Headers,
        TokenLocation::Cookies,
        TokenLocation::QueryString,
        TokenLocation::Json,
    ]))
    .build()
    .unwrap();
    let valid = manager.create_access_token(&"alice").unwrap();
    let system = actix_web::rt::System::new();
    let app = system.block_on(actix_web::test::init_service(
        App::new()
            .wrap(manager.clone())
            .route("/protected", web::route().to(protected)),
    ));
    // The app works: a valid token in a header runs the handler.
    let (status, _) = system.block_on(send(&app, bearer("/protected", &valid)));
    assert_eq!(status, 200);
    let mut runner = TestRunner::new(config());
    let result = runner.run(strategy, |value| {
        let before = runs();
        let (status, body) = system.block_on(send(&app, request(value, &valid)));
        prop_assert!(
            (400..500).contains(&status.as_u16()),
            "status {status}, body {body}"
        );
        prop_assert!(body["msg"].is_string(), "body {body}");
        prop_assert_eq!(runs(), before, "the handler ran: {}", body);
        Ok::<(), TestCaseError>(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

#[::core::prelude::v1::test]
fn arbitrary_authorization_headers_never_authenticate() {
    against_the_app(&authorization_value(), |value, _| {
        actix_web::test::TestRequest::get()
            .uri("/protected")
            .insert_header((
                header::AUTHORIZATION,
                HeaderValue::from_bytes(&value).unwrap(),
            ))
    });
}

#[::core::prelude::v1::test]
fn mutated_tokens_in_a_header_never_authenticate() {
    let strategy = (any::<prop::sample::Index>(), prop::char::range('-', 'z'));
    against_the_app(&strategy, |(index, replacement), valid| {
        let mut chars: Vec<char> = valid.chars().collect();
        let slot = index.get_mut(&mut chars);
        // Keep the mutation a mutation.
        *slot = if *slot == replacement {
            '!'
        } else {
            replacement
        };
        let mutated: String = chars.into_iter().collect();
        bearer("/protected", &mutated)
    });
}

#[::core::prelude::v1::test]
fn arbitrary_cookies_query_strings_and_bodies_never_authenticate() {
    let strategy = (
        prop::option::of(header_bytes()),
        "[A-Za-z0-9._~%=&+-]{0,120}",
        prop::option::of(prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            json_value().prop_map(|v| v.to_string().into_bytes()),
            tokenish().prop_map(|t| json!({ "access_token": t }).to_string().into_bytes()),
        ]),
        prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("post")],
    );
    against_the_app(&strategy, |(cookie, query, body, method), _| {
        let mut request = actix_web::test::TestRequest::default()
            .method(method.parse().unwrap())
            .uri(&format!("/protected?{query}"));
        if let Some(cookie) = cookie {
            request =
                request.insert_header((header::COOKIE, HeaderValue::from_bytes(&cookie).unwrap()));
        }
        if let Some(body) = body {
            request = request
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload(body);
        }
        request
    });
}
