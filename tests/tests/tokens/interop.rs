//! Interop with the Python reference vectors, in both directions.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_runtime::config::{Expiry, TokenLocation};
use jwt_runtime::{FreshClaim, JwtConfig, JwtError, JwtManager, TokenOptions};
use jwt_tests::{SECRET, reference_fixture};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    assert_keys, assert_uuid4, base, header_text, headers, invalid, keys_in_order, manager_at,
    payload, payload_text,
};

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
        let result = m.decode_token(&vector.token);
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
                    FreshClaim::Fresh(fresh.as_bool().unwrap()),
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
                    matches!(claims.fresh(), FreshClaim::Until(_)),
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
        .decode_token(&long.token)
        .unwrap();
    assert!(matches!(
        manager_at(vector_config(long), exp).decode_token(&long.token),
        Err(JwtError::Expired(_))
    ));
    let far = get("access_fresh_until_far_future");
    let fresh_until = payload(&far.token)["fresh"].as_u64().unwrap();
    let claims = manager_at(vector_config(far), fresh_until)
        .decode_token(&far.token)
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
        let a = vm.decode_token(&ours).unwrap();
        let b = vm.decode_token(&vector.token).unwrap();
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
    let cases: Vec<(jwt_runtime::config::Algorithm, JwtConfig, DecodingKey)> = vec![
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
    m.decode_token(&token).unwrap();
    assert!(SystemTime::now() > UNIX_EPOCH + Duration::from_secs(past + 900));
}
