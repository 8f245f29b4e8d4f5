//! The link-time registry: a loader from a library crate is picked up once the
//! binary names that crate, and builder methods override registered loaders.
#![allow(clippy::unwrap_used, reason = "tests")]

// The documented way to keep a library's loaders: name the crate once.
use jwt_test_loaders as _;

use actix_web::http::StatusCode;
use actix_web::{App, test};
use actix_web::{HttpResponse, get};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{SECRET, bearer};
use serde_json::json;

#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt::token_in_blacklist_loader]
async fn everything_is_revoked(_token: &Claims) -> Result<bool, std::io::Error> {
    // An async loader, as one reading a revocation store would be.
    std::future::ready(Ok(true)).await
}

#[get("/user")]
#[jwt_required]
async fn user() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "user": get_current_user::<String>().as_deref() }))
}

// A `&Map` parameter borrows the user claims from the token; a non-object fails the check.
#[jwt::claims_verification_loader]
fn not_disapproved(claims: &serde_json::Map<String, serde_json::Value>) -> bool {
    claims.get("approved") != Some(&json!(false))
}

// A `&str` parameter reads a string identity; any other identity (or "") means "no user".
#[jwt::user_loader_callback_loader]
fn user_by_name(identity: &str) -> Option<String> {
    (!identity.is_empty()).then(|| identity.to_uppercase())
}

#[actix_web::test]
async fn registered_loaders_read_borrowed_arguments() {
    let manager = JwtManager::new(JwtConfig::default().secret_key(SECRET)).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).service(user)).await;
    let cases = [
        (
            json!("alice"),
            json!({"approved": true}),
            200,
            json!({"user": "ALICE"}),
        ),
        (json!("alice"), json!({}), 200, json!({"user": "ALICE"})),
        (
            json!("alice"),
            json!({"approved": false}),
            400,
            json!({"msg": "User claims verification failed"}),
        ),
        (
            json!("alice"),
            json!(["not", "an", "object"]),
            400,
            json!({"msg": "User claims verification failed"}),
        ),
        (
            json!(42),
            json!({}),
            401,
            json!({"msg": "Error loading the user 42"}),
        ),
    ];
    for (identity, claims, status, body) in cases {
        let options = TokenOptions::default().user_claims(claims.clone());
        let token = manager
            .create_access_token_with(&identity, options)
            .unwrap();
        let request = bearer("/user", &token);
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(response.status().as_u16(), status, "{identity} {claims}");
        let got: serde_json::Value = test::read_body_json(response).await;
        assert_eq!(got, body, "{identity} {claims}");
    }
}

#[actix_web::test]
async fn loaders_from_a_library_crate_and_this_binary_are_registered() {
    let manager = JwtManager::new(
        JwtConfig::default()
            .secret_key(SECRET)
            .blacklist_enabled(true),
    )
    .unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).service(protected)).await;
    let token = manager.create_access_token(&"x").unwrap();
    let request = bearer("/protected", &token);
    let response = test::call_service(&app, request.to_request()).await;
    assert_eq!(response.status(), StatusCode::GONE);
    let body: serde_json::Value = test::read_body_json(response).await;
    assert_eq!(body, json!({"msg": "revoked (library loader)"}));
}

#[actix_web::test]
async fn builder_loaders_override_registered_ones() {
    let manager = JwtManager::builder(
        JwtConfig::default()
            .secret_key(SECRET)
            .blacklist_enabled(true),
    )
    .revoked_token_loader(|| HttpResponse::NotFound().finish())
    .token_in_blacklist_loader(|_: &Claims| false)
    .build()
    .unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).service(protected)).await;
    let token = manager.create_access_token(&"x").unwrap();
    let request = bearer("/protected", &token);
    assert_eq!(
        test::call_service(&app, request.to_request())
            .await
            .status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn ignoring_the_registry_restores_the_defaults() {
    let manager = JwtManager::builder(
        JwtConfig::default()
            .secret_key(SECRET)
            .blacklist_enabled(true),
    )
    .ignore_registered_loaders()
    .build()
    .unwrap_err();
    assert_eq!(manager.option(), Some("JWT_BLACKLIST_ENABLED"));
}
