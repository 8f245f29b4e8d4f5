//! The "Token Freshness" example driven over HTTP: fresh tokens from a password
//! login, non-fresh ones from `/refresh`, and `#[fresh_jwt_required]` telling them apart.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/token_freshness.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::JwtManager;
use jwt_tests::{bearer, send, with_bearer};
use serde_json::json;

fn credentials(uri: &str, password: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri(uri)
        .set_json(json!({"username": "test", "password": password}))
}

#[actix_web::test]
async fn fresh_then_refreshed_then_fresh_again() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    // Login: a fresh access token and a refresh token.
    let (status, body) = send(&app, credentials("/login", "test")).await;
    assert_eq!(status, StatusCode::OK);
    let fresh = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let claims = manager.decode_token(&fresh).unwrap();
    assert_eq!(claims.get("fresh"), Some(&json!(true)));
    let claims = manager.decode_token(&refresh).unwrap();
    assert_eq!(
        claims.get("fresh"),
        None,
        "refresh tokens carry no freshness"
    );

    // A fresh token opens both routes.
    let (status, body) = send(&app, bearer("/protected", &fresh)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "test"}));
    let (status, body) = send(&app, bearer("/protected-fresh", &fresh)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"fresh_logged_in_as": "test"}));

    // /refresh: a non-fresh access token, good for /protected only.
    let req = with_bearer(test::TestRequest::post().uri("/refresh"), &refresh);
    let (status, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access_token"]);
    let non_fresh = body["access_token"].as_str().unwrap().to_owned();
    let claims = manager.decode_token(&non_fresh).unwrap();
    assert_eq!(claims.get("fresh"), Some(&json!(false)));
    let (status, body) = send(&app, bearer("/protected", &non_fresh)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "test"}));
    let (status, body) = send(&app, bearer("/protected-fresh", &non_fresh)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Fresh token required"}));

    // /fresh-login: the password again gives a fresh access token, and no refresh token.
    let (status, body) = send(&app, credentials("/fresh-login", "nope")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Bad username or password"}));
    let (status, body) = send(&app, credentials("/fresh-login", "test")).await;
    assert_eq!(status, StatusCode::OK);
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access_token"]);
    let fresh_again = body["access_token"].as_str().unwrap();
    let (status, body) = send(&app, bearer("/protected-fresh", fresh_again)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"fresh_logged_in_as": "test"}));
}

#[actix_web::test]
async fn refusals() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    let (status, body) = send(&app, credentials("/login", "nope")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Bad username or password"}));

    // A refresh token is not an access token, fresh or not.
    let refresh = manager.create_refresh_token(&"test").unwrap();
    for uri in ["/protected", "/protected-fresh"] {
        let (status, body) = send(&app, bearer(uri, &refresh)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(
            body,
            json!({"msg": "Only access tokens are allowed"}),
            "{uri}"
        );
    }

    // And an access token, even a fresh one, does not refresh.
    let fresh = manager
        .create_access_token_with(&"test", jwt_runtime::TokenOptions::default().fresh(true))
        .unwrap();
    let req = with_bearer(test::TestRequest::post().uri("/refresh"), &fresh);
    let (status, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, json!({"msg": "Only refresh tokens are allowed"}));

    let (status, body) = send(&app, test::TestRequest::get().uri("/protected-fresh")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Missing Authorization Header"}));
}
