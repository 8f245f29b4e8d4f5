//! The "Partially protecting routes" example driven over HTTP: `#[jwt_optional]`
//! serves anonymous callers and token holders, and still refuses bad tokens.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/optional_endpoints.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::time::{Duration, SystemTime};

use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::JwtManager;
use jwt_tests::send;
use serde_json::json;

fn partially_protected(authorization: Option<&str>) -> test::TestRequest {
    let req = test::TestRequest::get().uri("/partially-protected");
    match authorization {
        Some(value) => req.insert_header(("Authorization", value.to_owned())),
        None => req,
    }
}

#[actix_web::test]
async fn anonymous_and_logged_in() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(example::routes)).await;

    let (status, body) = send(&app, partially_protected(None)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "anonymous user"}));

    // Another scheme is no JWT at all: still anonymous.
    let (status, body) = send(&app, partially_protected(Some("Basic dGVzdDp0ZXN0"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "anonymous user"}));

    let login = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": "test", "password": "test"}));
    let (status, body) = send(&app, login).await;
    assert_eq!(status, StatusCode::OK);
    let token = body["access_token"].as_str().unwrap();

    let bearer = format!("Bearer {token}");
    let (status, body) = send(&app, partially_protected(Some(&bearer))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "test"}));
}

#[actix_web::test]
async fn a_bad_token_is_an_error_not_an_anonymous_visit() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    let expired = JwtManager::builder(example::config())
        .clock(|| SystemTime::now() - Duration::from_hours(1))
        .build()
        .unwrap()
        .create_access_token(&"test")
        .unwrap();
    let refresh = manager.create_refresh_token(&"test").unwrap();
    for (authorization, status, message) in [
        (
            format!("Bearer {expired}"),
            StatusCode::UNAUTHORIZED,
            "Token has expired",
        ),
        (
            "Bearer foobarbaz".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not enough segments",
        ),
        (
            format!("Bearer {refresh}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Only access tokens are allowed",
        ),
    ] {
        let (got, body) = send(&app, partially_protected(Some(&authorization))).await;
        assert_eq!(got, status, "{message}");
        assert_eq!(body, json!({ "msg": message }));
    }
}

#[actix_web::test]
async fn login_refusals() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(example::routes)).await;

    for (request, status, message) in [
        (
            json!({"password": "test"}),
            StatusCode::BAD_REQUEST,
            "Missing username parameter",
        ),
        (
            json!({"username": "test", "password": ""}),
            StatusCode::BAD_REQUEST,
            "Missing password parameter",
        ),
        (
            json!({"username": "test", "password": "nope"}),
            StatusCode::UNAUTHORIZED,
            "Bad username or password",
        ),
    ] {
        let login = test::TestRequest::post().uri("/login").set_json(&request);
        let (got, body) = send(&app, login).await;
        assert_eq!(got, status, "{request}");
        assert_eq!(body, json!({ "msg": message }), "{request}");
    }
}
