//! A service that only verifies: an asymmetric `JWT_ALGORITHM` with `JWT_PUBLIC_KEY` and
//! no `JWT_PRIVATE_KEY` starts, verifies tokens signed elsewhere, and refuses to create
//! any with an error that names `JWT_PRIVATE_KEY`; the public key is still checked at
//! start-up.
#![allow(clippy::unwrap_used, reason = "tests")]

use actix_web::http::{Method, StatusCode};
use actix_web::{App, HttpResponse, Responder, get, post, test};
use jwt_runtime::config::{Algorithm, TokenLocation};
use jwt_runtime::prelude::*;
use jwt_runtime::testing::request_with_token;
use jwt_runtime::{ConfigError, ErrorKind, JwtConfig, JwtManager};
use jwt_tests::{fixture_key, server};
use serde_json::{Value, json};

fn config(algorithm: Algorithm, public: &str) -> JwtConfig {
    JwtConfig::default().algorithm(algorithm).public_key(public)
}

/// The signing service: both keys.
fn issuer(algorithm: Algorithm, private: &str, public: &str) -> JwtManager {
    JwtManager::builder(config(algorithm, public).private_key(private))
        .ignore_registered_loaders()
        .build()
        .unwrap()
}

/// The verifying service: the public key alone.
fn verifier(algorithm: Algorithm, public: &str) -> JwtManager {
    JwtManager::builder(config(algorithm, public))
        .ignore_registered_loaders()
        .build()
        .unwrap()
}

#[::core::prelude::v1::test]
fn a_public_key_alone_verifies_what_the_private_key_signs() {
    for (algorithm, private, public) in [
        (Algorithm::RS256, "rsa_private", "rsa_public"),
        (Algorithm::ES256, "ec_private", "ec_public"),
    ] {
        let (private, public) = (fixture_key(private), fixture_key(public));
        let issuer = issuer(algorithm, &private, &public);
        let verifier = verifier(algorithm, &public);
        let token = issuer.create_access_token(&"alice").unwrap();
        let claims = verifier.decode_token(&token).unwrap();
        assert_eq!(claims.identity::<String>().unwrap(), "alice");
        // A token it did not sign is still refused.
        let mut forged = token.clone();
        forged.truncate(token.len() - 4);
        forged.push_str("AAAA");
        assert!(verifier.decode_token(&forged).is_err());
        for created in [
            verifier.create_access_token(&"alice"),
            verifier.create_refresh_token(&"alice"),
        ] {
            let err = created.unwrap_err();
            assert!(matches!(err, JwtError::VerifyOnly), "{err}");
            assert_eq!(err.kind(), ErrorKind::VerifyOnly);
            assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert!(err.message().contains("JWT_PRIVATE_KEY"), "{err}");
        }
    }
}

#[::core::prelude::v1::test]
fn the_public_key_is_still_checked_at_start_up() {
    // No key at all: the public one is what is missing.
    let err = JwtManager::new(JwtConfig::default().algorithm(Algorithm::RS256)).unwrap_err();
    assert_eq!(err.option(), Some("JWT_PUBLIC_KEY"), "{err}");
    // Not a key, and a key of the wrong family.
    let err = JwtManager::new(config(Algorithm::RS256, "not a key")).unwrap_err();
    assert!(
        matches!(
            &err,
            ConfigError::Invalid {
                option: "JWT_PUBLIC_KEY",
                ..
            }
        ),
        "{err}"
    );
    let err = JwtManager::new(config(Algorithm::RS256, &fixture_key("ec_public"))).unwrap_err();
    assert_eq!(err.option(), Some("JWT_PUBLIC_KEY"), "{err}");
    // A private key without its public one is not enough to verify.
    let err = JwtManager::new(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(fixture_key("rsa_private")),
    )
    .unwrap_err();
    assert_eq!(err.option(), Some("JWT_PUBLIC_KEY"), "{err}");
}

#[get("/protected")]
#[jwt_required]
async fn protected() -> impl Responder {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[post("/login")]
async fn login() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(json!({ "access_token": create_access_token(&"alice")? })))
}

#[actix_web::test]
async fn a_verify_only_app_answers_token_creation_with_a_500_naming_the_option() {
    let (private, public) = (fixture_key("rsa_private"), fixture_key("rsa_public"));
    let issuer = issuer(Algorithm::RS256, &private, &public);
    let verifier = verifier(Algorithm::RS256, &public);
    let app = test::init_service(
        App::new()
            .wrap(verifier.clone())
            .service(protected)
            .service(login),
    )
    .await;
    let token = issuer.create_access_token(&"bob").unwrap();
    let request = request_with_token(
        &verifier,
        Method::GET,
        "/protected",
        TokenLocation::Headers,
        &token,
    );
    let response = test::call_service(&app, request.to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body, json!({ "identity": "bob" }));
    let response =
        test::call_service(&app, test::TestRequest::post().uri("/login").to_request()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(
        body,
        json!({ "msg": "Cannot create tokens: JWT_PRIVATE_KEY is not set; this server only verifies them" })
    );
}

#[::core::prelude::v1::test]
fn the_reference_server_starts_verify_only_from_the_environment() {
    let (private, public) = (fixture_key("rsa_private"), fixture_key("rsa_public"));
    let server = server::ExampleServer::spawn(
        "reference_server",
        &[
            ("JWT_ALGORITHM", "RS256"),
            ("JWT_PUBLIC_KEY", public.as_str()),
        ],
    );
    let token = issuer(Algorithm::RS256, &private, &public)
        .create_access_token(&"carol")
        .unwrap();
    let (status, body) = server.request("GET", "/protected", &token, None);
    assert_eq!(status, 200, "{body}");
    let credentials = json!({ "username": "test", "password": "test" });
    let wanted = json!({ "identity": "carol" });
    for (path, body) in [("/login", &credentials), ("/token", &wanted)] {
        let (status, answer) = server.request("POST", path, "", Some(body));
        assert_eq!(status, 500, "{path}: {answer}");
        assert!(
            answer["msg"].as_str().unwrap().contains("JWT_PRIVATE_KEY"),
            "{path}: {answer}"
        );
    }
    let refresh = issuer(Algorithm::RS256, &private, &public)
        .create_refresh_token(&"carol")
        .unwrap();
    let (status, answer) = server.request("POST", "/refresh", &refresh, None);
    assert_eq!(status, 500, "{answer}");
    assert!(
        answer["msg"].as_str().unwrap().contains("JWT_PRIVATE_KEY"),
        "{answer}"
    );
    drop(server.stop());
}
