//! Key rotation: `JWT_SECRET_KEY_FALLBACKS` / `JWT_PUBLIC_KEY_FALLBACKS` still verify the
//! tokens of former keys, tried only after the primary key fails on the signature, while
//! new tokens are always signed with the primary key.
#![allow(clippy::unwrap_used, reason = "tests")]

use actix_web::http::{Method, StatusCode};
use actix_web::{App, HttpResponse, Responder, get, test};
use jwt_runtime::config::{Algorithm, Secret, TokenLocation};
use jwt_runtime::prelude::*;
use jwt_runtime::testing::request_with_token;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{fixture_key, server};
use serde_json::{Value, json};

const OLD: &str = "the-secret-of-last-month-32-bytes!";
const NEW: &str = "the-secret-of-this-month-32-bytes!";
const OTHER: &str = "a-secret-nobody-configured-32-byte";

fn hs(config: JwtConfig) -> JwtManager {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .build()
        .unwrap()
}

fn with_secret(secret: &str) -> JwtManager {
    hs(JwtConfig::default().secret_key(secret))
}

#[get("/protected")]
#[jwt_required]
async fn protected() -> impl Responder {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[actix_web::test]
async fn a_secret_rotates_with_no_failed_request() {
    let before = with_secret(OLD);
    let after = hs(JwtConfig::default()
        .secret_key(NEW)
        .secret_key_fallbacks([OLD]));
    let app = test::init_service(App::new().wrap(after.clone()).service(protected)).await;
    let issued_before = before.create_access_token(&"alice").unwrap();
    let issued_after = after.create_access_token(&"bob").unwrap();
    // Both generations of tokens keep working through the rotation.
    for round in 0..20 {
        for (token, identity) in [(&issued_before, "alice"), (&issued_after, "bob")] {
            let request = request_with_token(
                &after,
                Method::GET,
                "/protected",
                TokenLocation::Headers,
                token,
            );
            let response = test::call_service(&app, request.to_request()).await;
            assert_eq!(response.status(), StatusCode::OK, "round {round}");
            let body: Value = test::read_body_json(response).await;
            assert_eq!(body, json!({ "identity": identity }));
        }
    }
    // New tokens are signed with the primary secret only.
    assert!(with_secret(NEW).decode_token(&issued_after).is_ok());
    let err = with_secret(OLD).decode_token(&issued_after).unwrap_err();
    assert_eq!(err.message(), "Signature verification failed");
    // A key that is neither is still refused.
    let stranger = with_secret(OTHER).create_access_token(&"mallory").unwrap();
    let err = after.decode_token(&stranger).unwrap_err();
    assert_eq!(err.message(), "Signature verification failed");
}

#[::core::prelude::v1::test]
fn a_public_key_rotates_too() {
    let (old_private, old_public) = (fixture_key("rsa_private"), fixture_key("rsa_public"));
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/keys");
    let new_private = std::fs::read_to_string(format!("{keys}/rs256-private.pem")).unwrap();
    let new_public = std::fs::read_to_string(format!("{keys}/rs256-public.pem")).unwrap();
    let rsa = |private: &str, public: &str| {
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(private)
            .public_key(public)
    };
    let before = hs(rsa(&old_private, &old_public));
    let after = hs(rsa(&new_private, &new_public).public_key_fallbacks([old_public.as_str()]));
    let old_token = before.create_access_token(&"alice").unwrap();
    let new_token = after.create_access_token(&"bob").unwrap();
    assert_eq!(
        after
            .decode_token(&old_token)
            .unwrap()
            .identity::<String>()
            .unwrap(),
        "alice"
    );
    assert_eq!(
        after
            .decode_token(&new_token)
            .unwrap()
            .identity::<String>()
            .unwrap(),
        "bob"
    );
    assert!(before.decode_token(&new_token).is_err());
    // The environment form: PEM blocks one after another.
    let env = [
        ("JWT_ALGORITHM", "RS256".to_owned()),
        ("JWT_PRIVATE_KEY", new_private.clone()),
        ("JWT_PUBLIC_KEY", new_public.clone()),
        (
            "JWT_PUBLIC_KEY_FALLBACKS",
            format!("{old_public}\n{new_public}"),
        ),
    ];
    let config = JwtConfig::from_lookup(|name| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
    })
    .unwrap();
    assert_eq!(config.public_key_fallbacks.len(), 2);
    assert!(hs(config).decode_token(&old_token).is_ok());
}

#[::core::prelude::v1::test]
fn fallbacks_are_read_and_checked_at_start_up() {
    let lookup = |value: &'static str| {
        move |name: &str| (name == "JWT_SECRET_KEY_FALLBACKS").then(|| value.to_owned())
    };
    let config = JwtConfig::from_lookup(lookup("one, two,,three")).unwrap();
    assert_eq!(
        config.secret_key_fallbacks,
        ["one", "two", "three"].map(Secret::from)
    );
    let err = JwtConfig::from_lookup(|name| {
        (name == "JWT_PUBLIC_KEY_FALLBACKS").then(|| "not pem".to_owned())
    })
    .unwrap_err();
    assert_eq!(err.option(), Some("JWT_PUBLIC_KEY_FALLBACKS"), "{err}");
    // A fallback of the other kind of key, or a public key as an HMAC secret, is refused.
    let err = JwtManager::new(
        JwtConfig::default()
            .secret_key(NEW)
            .public_key_fallbacks([fixture_key("rsa_public")]),
    )
    .unwrap_err();
    assert_eq!(err.option(), Some("JWT_PUBLIC_KEY_FALLBACKS"), "{err}");
    let err = JwtManager::new(
        JwtConfig::default()
            .secret_key(NEW)
            .secret_key_fallbacks([fixture_key("rsa_public")]),
    )
    .unwrap_err();
    assert_eq!(err.option(), Some("JWT_SECRET_KEY_FALLBACKS"), "{err}");
    let err = JwtManager::new(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(fixture_key("rsa_private"))
            .public_key(fixture_key("rsa_public"))
            .public_key_fallbacks(["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"]),
    )
    .unwrap_err();
    assert_eq!(err.option(), Some("JWT_PUBLIC_KEY_FALLBACKS"), "{err}");
}

#[::core::prelude::v1::test]
fn the_reference_server_verifies_with_its_fallback_secrets() {
    let server = server::ExampleServer::spawn(
        "reference_server",
        &[
            ("JWT_SECRET_KEY", NEW),
            ("JWT_SECRET_KEY_FALLBACKS", &format!("{OTHER},{OLD}")),
        ],
    );
    let old = with_secret(OLD).create_access_token(&"carol").unwrap();
    assert_eq!(server.request("GET", "/protected", &old, None).0, 200);
    let (status, body) = server.request("POST", "/token", "", Some(&json!({ "identity": "dave" })));
    assert_eq!(status, 200, "{body}");
    let issued = body["token"].as_str().unwrap();
    assert!(with_secret(NEW).decode_token(issued).is_ok());
    assert!(with_secret(OLD).decode_token(issued).is_err());
    drop(server.stop());
}
