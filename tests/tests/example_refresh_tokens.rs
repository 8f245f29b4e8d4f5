//! The "Refresh Tokens" example driven over HTTP: the refresh token buys new
//! access tokens, and neither kind of token opens the other's routes.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/refresh_tokens.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::time::{Duration, SystemTime};

use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::JwtManager;
use jwt_tests::{bearer, send, with_bearer};
use serde_json::{Value, json};

fn refresh(token: &str) -> test::TestRequest {
    with_bearer(test::TestRequest::post().uri("/refresh"), token)
}

#[actix_web::test]
async fn login_protected_refresh() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    let login = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": "test", "password": "test"}));
    let (status, body) = send(&app, login).await;
    assert_eq!(status, StatusCode::OK);
    let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["access_token", "refresh_token"]);
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh_token = body["refresh_token"].as_str().unwrap().to_owned();

    let (status, body) = send(&app, bearer("/protected", &access)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "test"}));

    // The refresh token lives 30 days, the access token 15 minutes.
    let claims = manager.decode_token(&refresh_token).unwrap();
    assert_eq!(claims.get("type"), Some(&json!("refresh")));
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap();
    assert_eq!(claims.expires_at(), Some(iat + 30 * 24 * 3600));

    // A new access token, for the refresh token's identity.
    let (status, body) = send(&app, refresh(&refresh_token)).await;
    assert_eq!(status, StatusCode::OK);
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access_token"]);
    let new_access = body["access_token"].as_str().unwrap();
    assert_ne!(new_access, access);
    let claims = manager.decode_token(new_access).unwrap();
    assert_eq!(claims.identity::<String>().unwrap(), "test");
    assert_eq!(claims.get("type"), Some(&json!("access")));
    let (status, body) = send(&app, bearer("/protected", new_access)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "test"}));
}

#[actix_web::test]
async fn an_expired_access_token_is_replaced_with_the_refresh_token() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    // Logged in an hour ago: the access token has expired, the refresh token has not.
    let an_hour_ago = JwtManager::builder(example::config())
        .clock(|| SystemTime::now() - Duration::from_hours(1))
        .build()
        .unwrap();
    let old_access = an_hour_ago.create_access_token(&"test").unwrap();
    let old_refresh = an_hour_ago.create_refresh_token(&"test").unwrap();

    let (status, body) = send(&app, bearer("/protected", &old_access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Token has expired"}));

    let (status, body) = send(&app, refresh(&old_refresh)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = send(
        &app,
        bearer("/protected", body["access_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "test"}));
}

#[actix_web::test]
async fn each_token_only_opens_its_own_routes() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;
    let access = manager.create_access_token(&"test").unwrap();
    let refresh_token = manager.create_refresh_token(&"test").unwrap();

    let (status, body) = send(&app, bearer("/protected", &refresh_token)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, json!({"msg": "Only access tokens are allowed"}));

    let (status, body) = send(&app, refresh(&access)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, json!({"msg": "Only refresh tokens are allowed"}));

    let (status, body) = send(&app, test::TestRequest::post().uri("/refresh")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Missing Authorization Header"}));

    let login = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": "test", "password": "nope"}));
    let (status, body) = send(&app, login).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Bad username or password"}));
}
