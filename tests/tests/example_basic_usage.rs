//! The "Basic Usage" example driven over HTTP: log in, call the protected route
//! with the token, and every way the page's routes refuse a request.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/basic_usage.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::time::{Duration, SystemTime};

use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{bearer, send};
use serde_json::{Value, json};

fn login(body: &Value) -> test::TestRequest {
    test::TestRequest::post().uri("/login").set_json(body)
}

#[actix_web::test]
async fn login_then_protected() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    // $ curl http://localhost:5000/protected
    let (status, body) = send(&app, test::TestRequest::get().uri("/protected")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Missing Authorization Header"}));

    let (status, body) = send(
        &app,
        login(&json!({"username": "test", "password": "test"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access_token"]);
    let token = body["access_token"].as_str().unwrap();

    let (status, body) = send(&app, bearer("/protected", token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "test"}));

    // A plain access token: identity "test", not fresh, 15 minutes.
    let claims = manager.decode_token(token).unwrap();
    assert_eq!(claims.identity::<String>().unwrap(), "test");
    assert_eq!(claims.get("type"), Some(&json!("access")));
    assert_eq!(claims.get("fresh"), Some(&json!(false)));
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap();
    assert_eq!(claims.expires_at(), Some(iat + 15 * 60));
}

#[actix_web::test]
async fn login_refusals() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(example::routes)).await;

    // Not JSON at all.
    let form = test::TestRequest::post()
        .uri("/login")
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload("username=test&password=test");
    let (status, body) = send(&app, form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"msg": "Missing JSON in request"}));

    for (request, message) in [
        (json!({"password": "test"}), "Missing username parameter"),
        (
            json!({"username": "", "password": "test"}),
            "Missing username parameter",
        ),
        (json!({"username": "test"}), "Missing password parameter"),
        (
            json!({"username": "test", "password": null}),
            "Missing password parameter",
        ),
    ] {
        let (status, body) = send(&app, login(&request)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{request}");
        assert_eq!(body, json!({ "msg": message }), "{request}");
    }

    for request in [
        json!({"username": "test", "password": "nope"}),
        json!({"username": "admin", "password": "test"}),
        json!({"username": 1, "password": "test"}),
    ] {
        let (status, body) = send(&app, login(&request)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{request}");
        assert_eq!(
            body,
            json!({"msg": "Bad username or password"}),
            "{request}"
        );
    }
}

#[actix_web::test]
async fn protected_refusals() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(example::routes)).await;

    // Not a JWT.
    let (status, body) = send(&app, bearer("/protected", "foobarbaz")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, json!({"msg": "Not enough segments"}));

    // The wrong scheme.
    let basic = test::TestRequest::get()
        .uri("/protected")
        .insert_header(("Authorization", "Basic dGVzdDp0ZXN0"));
    let (status, body) = send(&app, basic).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"msg": "Bad Authorization header. Expected value 'Bearer <JWT>'"})
    );

    // Signed with another secret: why the secret must stay secret, and stable.
    let forged = JwtManager::new(JwtConfig::default().secret_key("not-the-super-secret"))
        .unwrap()
        .create_access_token(&"test")
        .unwrap();
    let (status, body) = send(&app, bearer("/protected", &forged)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, json!({"msg": "Signature verification failed"}));

    // Expired.
    let expired = JwtManager::builder(example::config())
        .clock(|| SystemTime::now() - Duration::from_hours(1))
        .build()
        .unwrap()
        .create_access_token(&"test")
        .unwrap();
    let (status, body) = send(&app, bearer("/protected", &expired)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Token has expired"}));
}
