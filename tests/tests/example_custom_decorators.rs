//! The "Custom Decorators" example driven over HTTP: its `Admin` extractor (Python's
//! `admin_required`) and its one-line form `roles = ["admin"]` let admins in, turn other
//! users away with 403, and leave missing or bad tokens to the usual answers.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/custom_decorators.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::time::{Duration, SystemTime};

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::JwtManager;
use jwt_tests::{bearer, send};
use serde_json::json;

async fn login<S, B>(app: &S, username: &str) -> String
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let req = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({ "username": username }));
    let (status, body) = send(app, req).await;
    assert_eq!(status, StatusCode::OK);
    body["access_token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn admins_only() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    let admin = login(&app, "admin").await;
    assert_eq!(
        manager.decode_token(&admin).unwrap().user_claims_value(),
        &json!({"roles": "admin"})
    );
    let peasant = login(&app, "test").await;
    assert_eq!(
        manager.decode_token(&peasant).unwrap().user_claims_value(),
        &json!({"roles": "peasant"})
    );
    // Claims set at creation, not the user loader's, make the admin.
    let forged_role = manager
        .create_access_token_with(
            &"test",
            jwt_runtime::TokenOptions::default().user_claims(json!({"roles": "admin"})),
        )
        .unwrap();
    // The hand-written guard and the one-line form answer alike.
    for route in ["/protected", "/protected-one-line"] {
        let (status, body) = send(&app, bearer(route, &admin)).await;
        assert_eq!(status, StatusCode::OK, "{route}");
        assert_eq!(body, json!({"secret_message": "go banana!"}));

        let (status, body) = send(&app, bearer(route, &peasant)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{route}");
        assert_eq!(body, json!({"msg": "Admins only!"}));

        let (status, _) = send(&app, bearer(route, &forged_role)).await;
        assert_eq!(status, StatusCode::OK, "{route}");
    }
}

#[actix_web::test]
async fn the_token_is_verified_first() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    for route in ["/protected", "/protected-one-line"] {
        let (status, body) = send(&app, test::TestRequest::get().uri(route)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, json!({"msg": "Missing Authorization Header"}));

        let (status, body) = send(&app, bearer(route, "foobarbaz")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body, json!({"msg": "Not enough segments"}));

        let expired = JwtManager::builder(example::config())
            .clock(|| SystemTime::now() - Duration::from_hours(1))
            .build()
            .unwrap()
            .create_access_token(&"admin")
            .unwrap();
        let (status, body) = send(&app, bearer(route, &expired)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, json!({"msg": "Token has expired"}));

        let refresh = manager.create_refresh_token(&"admin").unwrap();
        let (status, body) = send(&app, bearer(route, &refresh)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body, json!({"msg": "Only access tokens are allowed"}));
    }
}
