//! The four guard attributes: each token they accept and refuse, OPTIONS, the handler
//! shapes they keep, and the expiry of the tokens they issue.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{App, test};
use actix_web::{HttpResponse, web};
use jwt_runtime::Fresh;
use jwt_runtime::config::Expiry;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{bearer, msg, ran, runs, send, with_bearer};
use serde_json::Value;
use serde_json::json;

use super::{app, builder, manager, past_manager};

#[actix_web::test]
async fn jwt_required_accepts_a_valid_access_token_and_refuses_everything_else() {
    let manager = manager();
    let app = app!(manager);
    let access = manager.create_access_token(&"alice").unwrap();
    let before = runs();
    assert_eq!(
        send(&app, bearer("/protected", &access)).await,
        (StatusCode::OK, json!({"identity": "alice", "claims": {}}))
    );
    let cases: Vec<(test::TestRequest, StatusCode, Value)> = vec![
        (
            test::TestRequest::get().uri("/protected"),
            StatusCode::UNAUTHORIZED,
            msg("Missing Authorization Header"),
        ),
        (
            bearer("/protected", "aaaaa.bbbbb.ccccc"),
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Invalid header padding"),
        ),
        (
            bearer("/protected", "foobarbaz"),
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Not enough segments"),
        ),
        (
            bearer(
                "/protected",
                &manager.create_refresh_token(&"alice").unwrap(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Only access tokens are allowed"),
        ),
        (
            bearer(
                "/protected",
                &past_manager().create_access_token(&"alice").unwrap(),
            ),
            StatusCode::UNAUTHORIZED,
            msg("Token has expired"),
        ),
        (
            test::TestRequest::get()
                .uri("/protected")
                .insert_header(("Authorization", "Basic abc")),
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Bad Authorization header. Expected value 'Bearer <JWT>'"),
        ),
        (
            test::TestRequest::get()
                .uri("/protected")
                .insert_header(("Authorization", "Bearer ")),
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Bad Authorization header. Expected value 'Bearer <JWT>'"),
        ),
        (
            bearer(
                "/protected",
                &builder(JwtConfig::default())
                    .build()
                    .unwrap()
                    .create_access_token(&"a")
                    .unwrap()
                    .replacen('.', ".!", 1),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Invalid payload padding"),
        ),
        (
            bearer(
                "/protected",
                &JwtManager::builder(
                    JwtConfig::default().secret_key("another-secret-that-is-32-bytes!"),
                )
                .ignore_registered_loaders()
                .build()
                .unwrap()
                .create_access_token(&"a")
                .unwrap(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Signature verification failed"),
        ),
        (
            bearer(
                "/protected",
                &builder(JwtConfig::default().algorithm(Algorithm::HS512))
                    .build()
                    .unwrap()
                    .create_access_token(&"a")
                    .unwrap(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("The specified alg value is not allowed"),
        ),
    ];
    for (request, status, body) in cases {
        assert_eq!(
            send(&app, request).await,
            (status, body.clone()),
            "expected {status} {body}"
        );
    }
    assert_eq!(
        runs(),
        before + 1,
        "the handler ran only for the valid token"
    );
}

use jwt_runtime::config::Algorithm;

#[actix_web::test]
async fn jwt_optional_runs_anonymously_only_without_a_token() {
    let manager = manager();
    let app = app!(manager);
    let anonymous = json!({"identity": null, "raw": {}});
    assert_eq!(
        send(&app, test::TestRequest::get().uri("/optional")).await,
        (StatusCode::OK, anonymous.clone())
    );
    // A wrong scheme counts as "no token" (as probed on the reference).
    let basic = test::TestRequest::get()
        .uri("/optional")
        .insert_header(("Authorization", "Basic abc"));
    assert_eq!(send(&app, basic).await, (StatusCode::OK, anonymous));
    let (status, body) = send(
        &app,
        bearer("/optional", &manager.create_access_token(&"bob").unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["identity"], "bob");
    assert_eq!(body["raw"]["type"], "access");
    assert_eq!(
        send(
            &app,
            bearer(
                "/optional",
                &past_manager().create_access_token(&"bob").unwrap()
            )
        )
        .await,
        (StatusCode::UNAUTHORIZED, msg("Token has expired"))
    );
    assert_eq!(
        send(&app, bearer("/optional", "aaaaa.bbbbb.ccccc")).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Invalid header padding")
        )
    );
    assert_eq!(
        send(
            &app,
            bearer("/optional", &manager.create_refresh_token(&"bob").unwrap())
        )
        .await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Only access tokens are allowed")
        )
    );
}

#[actix_web::test]
async fn fresh_jwt_required_checks_freshness_of_every_form() {
    let manager = manager();
    let app = app!(manager);
    let token = |fresh: Fresh| {
        manager
            .create_access_token_with(&"carol", TokenOptions::default().fresh(fresh))
            .unwrap()
    };
    let ok = (StatusCode::OK, json!({"identity": "carol"}));
    let stale = (StatusCode::UNAUTHORIZED, msg("Fresh token required"));
    assert_eq!(send(&app, bearer("/fresh", &token(Fresh::Yes))).await, ok);
    assert_eq!(send(&app, bearer("/fresh", &token(Fresh::No))).await, stale);
    assert_eq!(
        send(
            &app,
            bearer("/fresh", &token(Fresh::For(Duration::from_secs(600))))
        )
        .await,
        ok
    );
    assert_eq!(
        send(&app, bearer("/fresh", &token(Fresh::Until(1)))).await,
        stale
    );
    assert_eq!(
        send(
            &app,
            bearer("/fresh", &manager.create_refresh_token(&"carol").unwrap())
        )
        .await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Only access tokens are allowed")
        )
    );
}

#[actix_web::test]
async fn refresh_route_needs_a_refresh_token_and_issues_a_non_fresh_access_token() {
    let manager = manager();
    let app = app!(manager);
    let refresh_token = manager.create_refresh_token(&"dave").unwrap();
    let request = with_bearer(test::TestRequest::post().uri("/refresh"), &refresh_token);
    let (status, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK);
    let access = manager
        .decode_token(body["access_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(access.identity::<String>().unwrap(), "dave");
    assert_eq!(access.fresh(), jwt_runtime::FreshClaim::Fresh(false));
    let access_token = manager.create_access_token(&"dave").unwrap();
    let request = with_bearer(test::TestRequest::post().uri("/refresh"), &access_token);
    assert_eq!(
        send(&app, request).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Only refresh tokens are allowed")
        )
    );
}

#[actix_web::test]
async fn options_requests_are_verified() {
    let manager = manager();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .route("/any", web::route().to(protected_any)),
    )
    .await;
    let options = || {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/any")
    };
    let before = runs();
    assert_eq!(
        send(&app, options()).await,
        (
            StatusCode::UNAUTHORIZED,
            msg("Missing Authorization Header")
        )
    );
    assert_eq!(runs(), before, "the handler ran without a token");
    let token = manager.create_access_token(&"alice").unwrap();
    let request = with_bearer(options(), &token);
    assert_eq!(
        send(&app, request).await,
        (StatusCode::OK, json!({"identity": "alice"}))
    );
}

#[jwt_required]
async fn protected_any() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[actix_web::test]
async fn handlers_keep_question_mark_early_return_sync_bodies_and_body_extractors() {
    let manager = manager();
    let app = app!(manager);
    let token = manager.create_access_token(&"erin").unwrap();
    assert_eq!(
        send(&app, bearer("/early/7", &token)).await,
        (StatusCode::OK, json!({"n": 7, "identity": "erin"}))
    );
    let response = test::call_service(&app, bearer("/early/0", &token).to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        send(&app, bearer("/sync", &token)).await,
        (StatusCode::OK, json!({"identity": "erin"}))
    );
    // No token: our 401 wins over the body extractor's 400.
    let request = test::TestRequest::post()
        .uri("/body")
        .insert_header(("content-type", "application/json"))
        .set_payload("not json");
    assert_eq!(
        send(&app, request).await,
        (
            StatusCode::UNAUTHORIZED,
            msg("Missing Authorization Header")
        )
    );
    let request = bearer("/body", &token)
        .method(actix_web::http::Method::POST)
        .set_json(json!({"x": 1}));
    assert_eq!(
        send(&app, request).await,
        (
            StatusCode::OK,
            json!({"body": {"x": 1}, "identity": "erin"})
        )
    );
}

#[actix_web::test]
async fn expires_delta_overrides_and_never_expiring_tokens() {
    let manager = manager();
    let app = app!(manager);
    let year = manager
        .create_access_token_with(
            &"dev",
            TokenOptions::default().expires(Duration::from_secs(365 * 86_400)),
        )
        .unwrap();
    let claims = manager.decode_token(&year).unwrap();
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap();
    assert_eq!(claims.expires_at(), Some(iat + 365 * 86_400));
    assert_eq!(
        send(&app, bearer("/protected", &year)).await.0,
        StatusCode::OK
    );
    let forever = past_manager()
        .create_access_token_with(&"api", TokenOptions::default().expires(Expiry::Never))
        .unwrap();
    assert_eq!(manager.decode_token(&forever).unwrap().expires_at(), None);
    assert_eq!(
        send(&app, bearer("/protected", &forever)).await.0,
        StatusCode::OK
    );
}
