//! The "Tokens from Complex Objects" example driven over HTTP: a `UserObject`
//! becomes a token whose identity is its username and whose claims are its roles.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/tokens_from_complex_objects.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::JwtManager;
use jwt_tests::{bearer, send};
use serde_json::json;

#[actix_web::test]
async fn identity_and_roles_from_one_object() {
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
    assert_eq!(
        body,
        json!({"current_identity": "test", "current_roles": ["foo", "bar"]})
    );

    // The identity claim is the username alone, not the whole object.
    let claims = manager.decode_token(token).unwrap();
    assert_eq!(claims.get("identity"), Some(&json!("test")));
    assert_eq!(
        claims.get("user_claims"),
        Some(&json!({"roles": ["foo", "bar"]}))
    );
}

#[actix_web::test]
async fn any_user_object_works() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    let user = example::UserObject {
        username: "zoe".to_owned(),
        roles: vec!["admin".to_owned()],
    };
    let token = manager.create_access_token(&user).unwrap();
    let (status, body) = send(&app, bearer("/protected", &token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"current_identity": "zoe", "current_roles": ["admin"]})
    );
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
