//! The "Storing Data in Access Tokens" example driven over HTTP: the claims its
//! `#[jwt::user_claims_loader]` adds come back through `get_jwt_claims()`.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/custom_claims.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use actix_web::http::StatusCode;
use actix_web::{App, test};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_runtime::JwtManager;
use jwt_tests::{bearer, send};
use serde_json::{Value, json};

#[actix_web::test]
async fn claims_round_trip() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    let login = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": "test", "password": "test"}));
    let (status, body) = send(&app, login).await;
    assert_eq!(status, StatusCode::OK);
    let token = body["access_token"].as_str().unwrap();

    let (status, body) = send(&app, bearer("/protected", token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"hello_is": "test", "foo_is": ["bar", "baz"]}));

    // The claims sit in the token, under "user_claims", readable by anyone holding it.
    let claims = manager.decode_token(token).unwrap();
    assert_eq!(
        claims.get("user_claims"),
        Some(&json!({"hello": "test", "foo": ["bar", "baz"]}))
    );
    assert_eq!(claims.identity::<String>().unwrap(), "test");
}

#[actix_web::test]
async fn the_loader_runs_for_every_access_token_and_no_refresh_token() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    // Any access token of this manager, whoever it is for, gets the claims.
    let token = manager.create_access_token(&"someone").unwrap();
    let (status, body) = send(&app, bearer("/protected", &token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"hello_is": "someone", "foo_is": ["bar", "baz"]})
    );

    // JWT_CLAIMS_IN_REFRESH_TOKEN is off: refresh tokens carry none.
    let refresh = manager.create_refresh_token(&"someone").unwrap();
    let payload = refresh.split('.').nth(1).unwrap();
    let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(payload["type"], "refresh");
    assert_eq!(payload.get("user_claims"), None, "{payload}");
}

#[actix_web::test]
async fn refusals() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(example::routes)).await;

    let login = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": "test", "password": "nope"}));
    let (status, body) = send(&app, login).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Bad username or password"}));

    let (status, body) = send(&app, test::TestRequest::get().uri("/protected")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Missing Authorization Header"}));
}
