//! The seed document's app ("Changing Default Behaviors"), driven over HTTP, with its
//! loader registered by attribute (the link-time registry).
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/changing_default_behaviors.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::time::{Duration, SystemTime};

use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::JwtManager;
use jwt_tests::{bearer, with_bearer};
use serde_json::{Value, json};

#[actix_web::test]
async fn seed_document_scenario() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    let bad = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": "test", "password": "nope"}));
    let response = test::call_service(&app, bad.to_request()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        test::read_body_json::<Value, _>(response).await,
        json!({"msg": "Bad username or password"})
    );

    let login = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": "test", "password": "test"}));
    let body: Value = test::call_and_read_body_json(&app, login.to_request()).await;
    let token = body["access_token"].as_str().unwrap().to_owned();
    let body: Value =
        test::call_and_read_body_json(&app, bearer("/protected", &token).to_request()).await;
    assert_eq!(body, json!({"hello": "world"}));

    // The custom expired_token_loader answers, registered by `#[jwt::expired_token_loader]`.
    let expired = JwtManager::builder(example::config())
        .clock(|| SystemTime::now() - Duration::from_secs(3600))
        .build()
        .unwrap()
        .create_access_token(&"test")
        .unwrap();
    let response = test::call_service(&app, bearer("/protected", &expired).to_request()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        test::read_body_json::<Value, _>(response).await,
        json!({"status": 401, "sub_status": 42, "msg": "The access token has expired"})
    );

    // /create-dev-token: 365 days; /create-api-token: no exp at all.
    let post = |uri: &str| bearer(uri, &token).method(actix_web::http::Method::POST);
    let response = test::call_service(&app, post("/create-dev-token").to_request()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let dev: Value = test::read_body_json(response).await;
    let dev = manager
        .decode_token(dev["token"].as_str().unwrap())
        .unwrap();
    let iat = dev.get("iat").and_then(Value::as_i64).unwrap();
    assert_eq!(dev.expires_at(), Some(iat + 365 * 24 * 3600));
    assert_eq!(dev.identity::<String>().unwrap(), "test");

    let response = test::call_service(&app, post("/create-api-token").to_request()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let api: Value = test::read_body_json(response).await;
    let api_token = api["token"].as_str().unwrap().to_owned();
    let claims = manager.decode_token(&api_token).unwrap();
    assert_eq!(claims.expires_at(), None);
    assert!(!claims.raw().contains_key("exp"));
    // Still accepted by a server whose clock is a century ahead.
    let later = JwtManager::builder(example::config())
        .clock(|| SystemTime::now() + Duration::from_secs(100 * 365 * 24 * 3600))
        .build()
        .unwrap();
    assert!(later.decode_token(&api_token).is_ok());
}

#[actix_web::test]
async fn dev_and_api_tokens_keep_a_non_string_identity() {
    // An identity of any JSON type (here a number and an object) is carried over as it is,
    // never turned into `null`.
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;
    for identity in [json!(42), json!({"id": 7, "org": "acme"})] {
        let token = manager.create_access_token(&identity).unwrap();
        for uri in ["/create-dev-token", "/create-api-token"] {
            let request = with_bearer(test::TestRequest::post().uri(uri), &token);
            let body: Value = test::call_and_read_body_json(&app, request.to_request()).await;
            let minted = manager
                .decode_token(body["token"].as_str().unwrap())
                .unwrap();
            assert_eq!(minted.identity_value(), &identity, "{uri}");
        }
    }
}
