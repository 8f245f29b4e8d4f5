//! The "Complex Objects from Tokens" example driven over HTTP: the user loader
//! turns identities into `UserObject`s, the route checks their roles, and the
//! custom error loader answers for unknown users.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/complex_objects_from_tokens.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::JwtManager;
use jwt_tests::{bearer, send};
use serde_json::{Value, json};

/// Logs in as `username` (any JSON value) and calls `/admin-only` with the token.
async fn admin_only_as<S, B>(app: &S, username: &Value) -> (StatusCode, Value)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let login = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({ "username": username }));
    let (status, body) = send(app, login).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["access_token"].as_str().unwrap();
    send(app, bearer("/admin-only", token)).await
}

#[actix_web::test]
async fn the_user_loader_reads_the_store() {
    let user = example::user_loader_callback("foo").unwrap();
    assert_eq!(user.username, "foo");
    assert_eq!(user.roles, ["admin"]);
    let user = example::user_loader_callback("baz").unwrap();
    assert_eq!(user.username, "baz");
    assert_eq!(user.roles, ["peasant"]);
    assert!(example::user_loader_callback("qux").is_none());
}

#[actix_web::test]
async fn the_loaded_user_decides() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(example::routes)).await;

    let (status, body) = admin_only_as(&app, &json!("foo")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"msg": "don't forget to drink your ovaltine"}));

    for peasant in ["bar", "baz"] {
        let (status, body) = admin_only_as(&app, &json!(peasant)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{peasant}");
        assert_eq!(body, json!({"msg": "Forbidden"}), "{peasant}");
    }
}

#[actix_web::test]
async fn unknown_users_get_the_custom_error() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(example::routes)).await;

    // A valid token, but the user loader finds nobody: the route does not run.
    let (status, body) = admin_only_as(&app, &json!("qux")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"msg": "User qux not found"}));

    let (status, body) = admin_only_as(&app, &json!(42)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"msg": "User 42 not found"}));

    // Without a token the user loader is never asked.
    let (status, body) = send(&app, test::TestRequest::get().uri("/admin-only")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Missing Authorization Header"}));
}
