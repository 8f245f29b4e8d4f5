//! Tokens this library makes in flask-jwt-extended 4.x mode, decoded by flask-jwt-extended
//! 4.7.4 itself (`tests/python/decode_v4.py`, in a virtualenv with
//! `tests/python/requirements-v4.txt`): every one decodes there, to exactly the claims and
//! header we wrote.
//!
//! `.ci/run` makes the virtualenv and sets `JWT_TEST_PYTHON_V4` to its interpreter; without
//! it the test is skipped.
#![allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    reason = "tests; the table of cases is long"
)]

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_runtime::config::{Algorithm, Expiry};
use jwt_runtime::{Fresh, JwtConfig, JwtManager, TokenOptions};
use serde_json::{Map, Value, json};

const SECRET: &str = "interop-secret-key-that-is-long-enough-0123456789";

fn fje4_key(name: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/python-fje4-tokens.json"
    );
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    fixture["keys"][name].as_str().unwrap().to_owned()
}

fn manager(config: JwtConfig) -> JwtManager {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .build()
        .unwrap()
}

fn segment(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// `(name, the Flask config to decode with, the token)`.
fn cases() -> Vec<(&'static str, Value, String)> {
    let hs = || JwtConfig::v4().secret_key(SECRET);
    let python = json!({ "JWT_SECRET_KEY": SECRET });
    let with = |extra: Value| {
        let mut config = object(python.clone());
        config.extend(object(extra));
        Value::Object(config)
    };
    let default = manager(hs());
    let mut cases = vec![
        (
            "fresh_access_with_additional_claims",
            python.clone(),
            default
                .create_access_token_with(
                    &"test",
                    TokenOptions::default()
                        .fresh(true)
                        .additional_claims(object(json!({"roles": ["user"], "tenant": 7}))),
                )
                .unwrap(),
        ),
        (
            "refresh_token",
            python.clone(),
            default.create_refresh_token(&"test").unwrap(),
        ),
        (
            "fresh_for_five_minutes",
            python.clone(),
            default
                .create_access_token_with(
                    &"test",
                    TokenOptions::default().fresh(Fresh::For(Duration::from_secs(300))),
                )
                .unwrap(),
        ),
        (
            "additional_claims_override_type_and_sub",
            python.clone(),
            default
                .create_access_token_with(
                    &"test",
                    TokenOptions::default()
                        .additional_claims(object(json!({"type": "refresh", "sub": "carol"}))),
                )
                .unwrap(),
        ),
        (
            "never_expires",
            python.clone(),
            default
                .create_access_token_with(&"test", TokenOptions::default().expires(Expiry::Never))
                .unwrap(),
        ),
        (
            "extra_header",
            python.clone(),
            default
                .create_access_token_with(
                    &"test",
                    TokenOptions::default().headers(object(json!({"kid": "key-1"}))),
                )
                .unwrap(),
        ),
        (
            "without_nbf",
            with(json!({"JWT_ENCODE_NBF": false})),
            manager(hs().encode_nbf(false))
                .create_access_token(&"test")
                .unwrap(),
        ),
        (
            "without_csrf",
            with(json!({"JWT_COOKIE_CSRF_PROTECT": false})),
            manager(hs().cookie_csrf_protect(false))
                .create_access_token(&"test")
                .unwrap(),
        ),
        (
            "custom_identity_claim",
            with(json!({"JWT_IDENTITY_CLAIM": "uid"})),
            manager(hs().identity_claim("uid"))
                .create_access_token(&"test")
                .unwrap(),
        ),
        (
            "integer_identity_verify_sub_off",
            with(json!({"JWT_VERIFY_SUB": false})),
            manager(hs().verify_sub(false))
                .create_access_token(&42)
                .unwrap(),
        ),
        (
            "issuer_and_audience_list",
            with(json!({"JWT_DECODE_ISSUER": "auth.example", "JWT_DECODE_AUDIENCE": "b"})),
            manager(
                hs().encode_issuer("auth.example")
                    .encode_audience(["a", "b"]),
            )
            .create_refresh_token(&"test")
            .unwrap(),
        ),
        (
            "hs512",
            with(json!({"JWT_ALGORITHM": "HS512"})),
            manager(hs().algorithm(Algorithm::HS512))
                .create_access_token(&"test")
                .unwrap(),
        ),
    ];
    for (name, algorithm, family) in [
        ("rs256", Algorithm::RS256, "rsa"),
        ("es256", Algorithm::ES256, "ec"),
        ("eddsa", Algorithm::EdDSA, "ed"),
    ] {
        let public = fje4_key(&format!("{family}_public"));
        let signer = manager(
            JwtConfig::v4()
                .algorithm(algorithm)
                .private_key(fje4_key(&format!("{family}_private")))
                .public_key(public.clone()),
        );
        cases.push((
            name,
            json!({
                "JWT_ALGORITHM": format!("{algorithm:?}"),
                "JWT_PUBLIC_KEY": public,
            }),
            signer.create_access_token(&"test").unwrap(),
        ));
    }
    cases
}

#[test]
fn flask_jwt_extended_4_decodes_our_4x_tokens() {
    let Ok(python) = std::env::var("JWT_TEST_PYTHON_V4") else {
        jwt_tests::skipped(
            "python_v4: skipped (set JWT_TEST_PYTHON_V4 to a Python with tests/python/requirements-v4.txt)",
        );
        return;
    };
    let cases = cases();
    let input: Vec<Value> = cases
        .iter()
        .map(|(name, config, token)| json!({"name": name, "config": config, "token": token}))
        .collect();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/decode_v4.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::Array(input).to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "decode_v4.py failed");
    let answers: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answers.len(), cases.len());
    for ((name, _, token), answer) in cases.iter().zip(&answers) {
        assert_eq!(answer["name"], *name);
        assert_eq!(answer["ok"], true, "{name}: {}", answer["error"]);
        // Exactly what we wrote: flask-jwt-extended 4 adds nothing to a complete token.
        assert_eq!(answer["claims"], segment(token, 1), "{name}");
        assert_eq!(answer["header"], segment(token, 0), "{name}");
    }
}
