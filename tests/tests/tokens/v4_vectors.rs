//! flask-jwt-extended 4.x mode against the 29 tokens flask-jwt-extended 4.7.4 made
//! (tests/fixtures/python-fje4-tokens.json): each decodes, or fails, as listed and as
//! 4.7.4 itself said, on a clock set to the fixture's `generated_at`; and tokens made
//! in 4.x mode have 4.7.4's layout.

use std::collections::BTreeMap;

use jwt_runtime::config::{Compat, Expiry, TokenType};
use jwt_runtime::{FreshClaim, JwtConfig, JwtManager, TokenOptions};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{keys_in_order, manager_at, payload, payload_text};

#[derive(Deserialize)]
struct Fixture {
    generated_at: u64,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    token: String,
    config: BTreeMap<String, Value>,
    expect: Map<String, Value>,
    payload_claim_order: Vec<String>,
    python: Map<String, Value>,
}

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/python-fje4-tokens.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The vector's configuration, read through the environment syntax with `JWT_COMPAT=4`.
fn vector_config(vector: &Vector) -> JwtConfig {
    let text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    JwtConfig::from_lookup(|name| match name {
        "JWT_COMPAT" => Some("4".to_owned()),
        _ => vector.config.get(name).map(text),
    })
    .unwrap_or_else(|e| panic!("{}: {e}", vector.name))
}

#[test]
fn every_vector_decodes_as_flask_jwt_extended_4_does() {
    let fixture = fixture();
    assert_eq!(fixture.vectors.len(), 29);
    for vector in &fixture.vectors {
        let name = vector.name.as_str();
        let config = vector_config(vector);
        assert_eq!(config.compat, Compat::V4, "{name}");
        // The fixture's clock; a token made a second later is read at its own `iat`
        // (PyJWT refuses an `iat` in the future too).
        let iat = payload(&vector.token)["iat"].as_u64().unwrap_or(0);
        let now = fixture.generated_at.max(iat);
        let manager = manager_at(config, now);
        let expect = &vector.expect;
        // The payload's claims are in the order 4.7.4 wrote them.
        assert_eq!(
            keys_in_order(&payload_text(&vector.token)),
            vector.payload_claim_order,
            "{name}"
        );
        let decoded = manager.decode_token(&vector.token);
        if expect["valid"] == false {
            let err = decoded.expect_err(name);
            if let Some(status) = expect.get("status") {
                assert_eq!(
                    u64::from(err.status().as_u16()),
                    status.as_u64().unwrap(),
                    "{name}"
                );
            }
            if let Some(msg) = expect.get("msg").and_then(Value::as_str) {
                assert_eq!(err.message(), msg, "{name}");
            }
            if let Some(part) = expect.get("msg_contains").and_then(Value::as_str) {
                assert!(err.message().contains(part), "{name}: {}", err.message());
            }
            // And in 4.7.4's own words (PyJWT's message after the exception's name).
            let python = vector.python["python_error"].as_str().unwrap();
            let python_message = python.split_once(": ").unwrap().1;
            if expect.get("error").and_then(Value::as_str) == Some("expired") {
                assert_eq!(python_message, "Signature has expired", "{name}");
            } else {
                assert_eq!(err.message(), python_message, "{name}");
            }
            continue;
        }
        let claims = decoded.unwrap_or_else(|e| panic!("{name}: {e}"));
        // Exactly the claims 4.7.4 decoded, without the volatile ones.
        let mut ours = claims.raw().clone();
        for volatile in ["jti", "csrf", "iat", "nbf", "exp"] {
            ours.remove(volatile);
        }
        assert_eq!(
            Value::Object(ours),
            vector.python["claims_without_jti_csrf"],
            "{name}"
        );
        if let Some(identity) = expect.get("identity") {
            assert_eq!(claims.identity_value(), identity, "{name}");
        }
        if let Some(token_type) = expect.get("type").and_then(Value::as_str) {
            assert_eq!(claims.token_type().as_str(), token_type, "{name}");
        }
        if let Some(fresh) = expect.get("fresh").and_then(Value::as_bool) {
            assert_eq!(claims.fresh(), FreshClaim::Fresh(fresh), "{name}");
        }
        if let Some(extra) = expect.get("additional_claims").and_then(Value::as_object) {
            for (claim, value) in extra {
                assert_eq!(claims.get(claim), Some(value), "{name}: {claim}");
            }
        }
        for (flag, claim) in [("has_nbf", "nbf"), ("has_csrf", "csrf"), ("has_exp", "exp")] {
            if let Some(present) = expect.get(flag).and_then(Value::as_bool) {
                assert_eq!(claims.get(claim).is_some(), present, "{name}: {claim}");
            }
        }
        if expect.get("fresh_is_timestamp") == Some(&Value::Bool(true)) {
            assert!(claims.get("fresh").unwrap().is_number(), "{name}");
            let fresh_now = expect["is_fresh_now"].as_bool().unwrap();
            #[allow(clippy::cast_precision_loss, reason = "a Unix time in seconds")]
            let at = now as f64;
            assert_eq!(claims.fresh().is_fresh_at(at), fresh_now, "{name}");
        }
        if let Some(kid) = expect.get("header_kid") {
            assert_eq!(claims.header().get("kid"), Some(kid), "{name}");
        }
    }
}

fn v4_manager(config: JwtConfig) -> JwtManager {
    manager_at(config, 1_796_155_507)
}

#[test]
fn tokens_made_in_4x_mode_have_its_layout() {
    let fixture = fixture();
    let order = |name: &str| {
        fixture
            .vectors
            .iter()
            .find(|v| v.name == name)
            .unwrap()
            .payload_claim_order
            .clone()
    };
    let secret = "interop-secret-key-that-is-long-enough-0123456789";
    let manager = v4_manager(JwtConfig::v4().secret_key(secret));
    let mut roles = Map::new();
    roles.insert("roles".to_owned(), json!(["user"]));
    let token = manager
        .create_access_token_with(
            &"test",
            TokenOptions::default().fresh(true).additional_claims(roles),
        )
        .unwrap();
    assert_eq!(
        keys_in_order(&payload_text(&token)),
        order("access_string_identity_fresh_additional_claims")
    );
    let claims = payload(&token);
    assert_eq!(claims["sub"], "test");
    assert_eq!(claims["fresh"], true);
    assert_eq!(claims["roles"], json!(["user"]));
    // Refresh tokens carry `fresh` too; `csrf` is written with CSRF protection on, even
    // for a header-only app.
    let refresh = manager.create_refresh_token(&"test").unwrap();
    assert_eq!(
        keys_in_order(&payload_text(&refresh)),
        order("refresh_token")
    );
    // Overrides stay where the claim stands; new claims come after `exp`.
    let mut overrides = Map::new();
    overrides.insert("type".to_owned(), json!("access"));
    overrides.insert("fresh".to_owned(), json!(false));
    overrides.insert("aud".to_owned(), json!("api://one"));
    overrides.insert("tenant".to_owned(), json!(7));
    let token = manager
        .create_access_token_with(
            &"test",
            TokenOptions::default().additional_claims(overrides),
        )
        .unwrap();
    assert_eq!(
        keys_in_order(&payload_text(&token)),
        order("access_claim_override_type_and_fresh")
    );
    // New claims in the order given, not in name order; a repeated one keeps its place.
    let ordered = manager
        .create_access_token_with(
            &"test",
            TokenOptions::default().additional_claims([
                ("zeta".to_owned(), json!(1)),
                ("alpha".to_owned(), json!(2)),
                ("mid".to_owned(), json!(3)),
                ("zeta".to_owned(), json!(4)),
            ]),
        )
        .unwrap();
    let keys = keys_in_order(&payload_text(&ordered));
    assert_eq!(keys[keys.len() - 3..], ["zeta", "alpha", "mid"]);
    assert_eq!(payload(&ordered)["zeta"], 4);
    // Without nbf, without csrf, without exp.
    let no_nbf = v4_manager(JwtConfig::v4().secret_key(secret).encode_nbf(false));
    assert_eq!(
        keys_in_order(&payload_text(&no_nbf.create_access_token(&"test").unwrap())),
        order("access_without_nbf")
    );
    let no_csrf = v4_manager(
        JwtConfig::v4()
            .secret_key(secret)
            .cookie_csrf_protect(false),
    );
    assert_eq!(
        keys_in_order(&payload_text(
            &no_csrf.create_access_token(&"test").unwrap()
        )),
        order("access_without_csrf")
    );
    let forever = manager
        .create_access_token_with(&"test", TokenOptions::default().expires(Expiry::Never))
        .unwrap();
    assert_eq!(
        keys_in_order(&payload_text(&forever)),
        order("access_never_expires")
    );
    // And they decode in 4.x mode as 4.7.4's own do.
    let with_audience = v4_manager(
        JwtConfig::v4()
            .secret_key(secret)
            .decode_audience(["api://one"]),
    );
    let claims = with_audience.decode_token(&token).unwrap();
    assert_eq!(claims.token_type(), TokenType::Access);
    assert_eq!(claims.get("tenant"), Some(&json!(7)));
    assert!(claims.get("user_claims").is_none());
}

#[test]
fn options_4x_removed_are_refused_in_4x_mode() {
    for (option, value_3x) in [
        ("JWT_USER_CLAIMS", "claims"),
        ("JWT_CLAIMS_IN_REFRESH_TOKEN", "true"),
        ("JWT_BLACKLIST_ENABLED", "true"),
        ("JWT_BLACKLIST_TOKEN_CHECKS", "access"),
    ] {
        let err = JwtConfig::from_lookup(|name| match name {
            "JWT_COMPAT" => Some("4".to_owned()),
            _ if name == option => Some("true".to_owned()),
            _ => None,
        })
        .unwrap_err();
        assert_eq!(err.option(), Some(option));
        assert!(err.to_string().contains("4.x"), "{err}");
        // Still 3.x options in 3.x mode.
        let config = JwtConfig::from_lookup(|name| (name == option).then(|| value_3x.to_owned()))
            .unwrap_or_else(|e| panic!("{option}: {e}"));
        assert_eq!(config.compat, Compat::V3, "{option}");
    }
    let err = JwtManager::new(
        JwtConfig::v4()
            .secret_key("a-test-secret-that-is-32-bytes!!")
            .blacklist_enabled(true),
    )
    .unwrap_err();
    assert_eq!(err.option(), Some("JWT_BLACKLIST_ENABLED"));
    assert!(
        err.to_string().contains("token_in_blocklist_loader"),
        "{err}"
    );
    let err =
        JwtConfig::from_lookup(|name| (name == "JWT_COMPAT").then(|| "5".to_owned())).unwrap_err();
    assert_eq!(err.option(), Some("JWT_COMPAT"));
    // 4.x's query-string prefix is read verbatim (its trailing space kept).
    let config = JwtConfig::from_lookup(|name| match name {
        "JWT_COMPAT" => Some("4".to_owned()),
        "JWT_QUERY_STRING_VALUE_PREFIX" => Some("Bearer ".to_owned()),
        _ => None,
    })
    .unwrap();
    assert_eq!(config.query_string_value_prefix, "Bearer ");
    // 3.x stays the default, unchanged.
    assert_eq!(JwtConfig::default().compat, Compat::V3);
    assert_eq!(JwtConfig::default().identity_claim, "identity");
}
