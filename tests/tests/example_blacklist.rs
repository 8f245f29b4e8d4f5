//! `examples/blacklist.rs` ("Blacklist and Token Revoking"): in-process with the memory
//! store, with whatever store the environment selects, and as two real server processes
//! sharing one Redis (when `REDIS_URL` is set): a token revoked through either is refused
//! by both.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[path = "../../examples/blacklist.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
use jwt_tests::server::ExampleServer;
use jwt_tests::{bearer, msg, redis_prefix, redis_url, send, with_bearer};
use serde_json::{Value, json};

/// The Python example's walk-through, against any store.
async fn scenario(blocklist: Arc<dyn Blocklist>) {
    let manager = example::manager(Arc::clone(&blocklist)).unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager)
            .app_data(example::Revoked::from(blocklist))
            .configure(example::routes),
    )
    .await;
    let login = |body: Value| test::TestRequest::post().uri("/login").set_json(body);
    assert_eq!(
        send(&app, login(json!({"username": "test", "password": "nope"}))).await,
        (StatusCode::UNAUTHORIZED, msg("Bad username or password"))
    );
    let (status, body) = send(&app, login(json!({"username": "test", "password": "test"}))).await;
    assert_eq!(status, StatusCode::OK);
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let protected = |token: &str| bearer("/protected", token);
    let refresh_with = |token: &str| with_bearer(test::TestRequest::post().uri("/refresh"), token);
    let logout =
        |path: &str, token: &str| with_bearer(test::TestRequest::delete().uri(path), token);
    let revoked = (StatusCode::UNAUTHORIZED, msg("Token has been revoked"));

    assert_eq!(
        send(&app, protected(&access)).await,
        (StatusCode::OK, json!({"hello": "world"}))
    );
    // Revoke the access token: it is refused from now on.
    assert_eq!(
        send(&app, logout("/logout", &access)).await,
        (StatusCode::OK, msg("Successfully logged out"))
    );
    assert_eq!(send(&app, protected(&access)).await, revoked);
    assert_eq!(send(&app, logout("/logout", &access)).await, revoked);

    // The refresh token still works, and its new access token too.
    let (status, body) = send(&app, refresh_with(&refresh)).await;
    assert_eq!(status, StatusCode::OK);
    let new_access = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(send(&app, protected(&new_access)).await.0, StatusCode::OK);
    // A refresh token is no access token, on either logout.
    assert_eq!(
        send(&app, logout("/logout", &refresh)).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Only access tokens are allowed")
        )
    );
    // Revoke the refresh token (JWT_BLACKLIST_TOKEN_CHECKS has both types).
    assert_eq!(
        send(&app, logout("/logout2", &refresh)).await,
        (StatusCode::OK, msg("Successfully logged out"))
    );
    assert_eq!(send(&app, refresh_with(&refresh)).await, revoked);
    // The access token minted before is a token of its own.
    assert_eq!(send(&app, protected(&new_access)).await.0, StatusCode::OK);
}

#[actix_web::test]
async fn login_logout_and_the_revoked_token_is_refused_in_memory() {
    scenario(Arc::new(MemoryBlocklist::new())).await;
}

#[actix_web::test]
async fn the_same_with_the_store_the_environment_selects() {
    // Redis when REDIS_URL is set, memory otherwise: what `cargo run --example blacklist` uses.
    scenario(example::blocklist_from_env().await.unwrap()).await;
}

#[::core::prelude::v1::test]
fn two_server_processes_sharing_redis_refuse_a_token_revoked_through_either() {
    let Some(url) =
        redis_url("two_server_processes_sharing_redis_refuse_a_token_revoked_through_either")
    else {
        return;
    };
    let prefix = redis_prefix("example");
    let env = [
        ("REDIS_URL", url.as_str()),
        ("REDIS_KEY_PREFIX", prefix.as_str()),
        ("JWT_SECRET_KEY", "two-servers-one-secret-of-32-bytes"),
    ];
    let one = ExampleServer::spawn("blacklist", &env);
    let two = ExampleServer::spawn("blacklist", &env);
    let login = |server: &ExampleServer| {
        let (status, body) = server.request(
            "POST",
            "/login",
            "",
            Some(&json!({"username": "test", "password": "test"})),
        );
        assert_eq!(status, 200, "{body}");
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["refresh_token"].as_str().unwrap().to_owned(),
        )
    };
    let revoked = (401, msg("Token has been revoked"));
    let hello = (200, json!({"hello": "world"}));
    let logged_out = (200, msg("Successfully logged out"));

    // Issued by one, revoked through two: both refuse it.
    let (access, refresh) = login(&one);
    assert_eq!(one.request("GET", "/protected", &access, None), hello);
    assert_eq!(two.request("GET", "/protected", &access, None), hello);
    assert_eq!(two.request("DELETE", "/logout", &access, None), logged_out);
    assert_eq!(one.request("GET", "/protected", &access, None), revoked);
    assert_eq!(two.request("GET", "/protected", &access, None), revoked);

    // Revoked through one: both refuse it (a refresh token this time).
    assert_eq!(two.request("POST", "/refresh", &refresh, None).0, 200);
    assert_eq!(
        one.request("DELETE", "/logout2", &refresh, None),
        logged_out
    );
    assert_eq!(one.request("POST", "/refresh", &refresh, None), revoked);
    assert_eq!(two.request("POST", "/refresh", &refresh, None), revoked);

    // Other tokens are unaffected.
    let (access, _) = login(&two);
    assert_eq!(one.request("GET", "/protected", &access, None), hello);
}
