//! Every loader set on the builder: the answers they replace, the order they run in, and
//! async key loaders.

use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::test;
use actix_web::{HttpResponse, web};
use jwt_runtime::JwtConfig;
use jwt_runtime::prelude::*;
use jwt_tests::{SECRET, bearer, msg, runs, send, with_bearer};
use serde_json::Value;
use serde_json::json;

use super::{app, builder, manager, past_manager};

#[actix_web::test]
async fn response_loaders_replace_every_default_answer() {
    let manager = builder(JwtConfig::default().blacklist_enabled(true))
        .expired_token_loader(|token: &Claims| {
            (
                web::Json(json!({"status": 401, "sub_status": 42, "msg": format!("The {} token has expired", token.token_type())})),
                StatusCode::UNAUTHORIZED,
            )
        })
        .invalid_token_loader(|message: &str| HttpResponse::BadRequest().json(json!({"invalid": message})))
        .unauthorized_loader(|message: &str| HttpResponse::Forbidden().json(json!({"unauthorized": message})))
        .needs_fresh_token_loader(|| HttpResponse::Conflict().finish())
        .revoked_token_loader(|| HttpResponse::NotFound().finish())
        .token_in_blacklist_loader(|token: &Claims| token.identity::<String>().is_ok_and(|id| id == "revoked"))
        .build()
        .unwrap();
    let app = app!(manager);
    assert_eq!(
        send(
            &app,
            bearer(
                "/protected",
                &past_manager().create_access_token(&"x").unwrap()
            )
        )
        .await,
        (
            StatusCode::UNAUTHORIZED,
            json!({"status": 401, "sub_status": 42, "msg": "The access token has expired"})
        )
    );
    assert_eq!(
        send(&app, bearer("/protected", "foobarbaz")).await,
        (
            StatusCode::BAD_REQUEST,
            json!({"invalid": "Not enough segments"})
        )
    );
    assert_eq!(
        send(&app, test::TestRequest::get().uri("/protected")).await,
        (
            StatusCode::FORBIDDEN,
            json!({"unauthorized": "Missing Authorization Header"})
        )
    );
    let response = test::call_service(
        &app,
        bearer("/fresh", &manager.create_access_token(&"x").unwrap()).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let response = test::call_service(
        &app,
        bearer(
            "/protected",
            &manager.create_access_token(&"revoked").unwrap(),
        )
        .to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // The app-level handler: `?` on decode_token in an unprotected view goes through the loader too.
    let expired = past_manager().create_access_token(&"x").unwrap();
    let request = test::TestRequest::post()
        .uri("/decode")
        .set_payload(expired);
    assert_eq!(
        send(&app, request).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({"status": 401, "sub_status": 42, "msg": "The access token has expired"})
        )
    );
}

#[actix_web::test]
async fn blacklist_checks_only_the_configured_token_types_and_fails_closed() {
    use jwt_runtime::config::TokenType;
    for (checks, access_revoked, refresh_revoked) in [
        (vec![TokenType::Access], true, false),
        (vec![TokenType::Refresh], false, true),
        (vec![TokenType::Access, TokenType::Refresh], true, true),
    ] {
        let manager = builder(
            JwtConfig::default()
                .blacklist_enabled(true)
                .blacklist_token_checks(checks.clone()),
        )
        .token_in_blacklist_loader(|_: &Claims| true)
        .build()
        .unwrap();
        let app = app!(manager);
        let (status, body) = send(
            &app,
            bearer("/protected", &manager.create_access_token(&"x").unwrap()),
        )
        .await;
        if access_revoked {
            assert_eq!(
                (status, body),
                (StatusCode::UNAUTHORIZED, msg("Token has been revoked")),
                "{checks:?}"
            );
        } else {
            assert_eq!(status, StatusCode::OK, "{checks:?}");
        }
        let refresh_token = manager.create_refresh_token(&"x").unwrap();
        let request = with_bearer(test::TestRequest::post().uri("/refresh"), &refresh_token);
        let (status, _) = send(&app, request).await;
        assert_eq!(
            status == StatusCode::UNAUTHORIZED,
            refresh_revoked,
            "{checks:?}"
        );
    }
    // An error from the revocation store never lets the request through.
    let manager = builder(JwtConfig::default().blacklist_enabled(true))
        .token_in_blacklist_loader_async(|_| {
            Box::pin(async { Err::<bool, String>("connection refused".to_owned()) })
        })
        .build()
        .unwrap();
    let app = app!(manager);
    let before = runs();
    let (status, body) = send(
        &app,
        bearer("/protected", &manager.create_access_token(&"x").unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, msg("Token revocation check failed; try again later"));
    assert_eq!(runs(), before);
}

#[actix_web::test]
async fn loaders_run_in_the_reference_order_and_a_wrong_type_stops_before_the_blacklist() {
    let log = Arc::new(Mutex::new(Vec::<&'static str>::new()));
    let (l1, l2, l3) = (Arc::clone(&log), Arc::clone(&log), Arc::clone(&log));
    let manager = builder(JwtConfig::default().blacklist_enabled(true))
        .token_in_blacklist_loader(move |_: &Claims| {
            l1.lock().unwrap().push("blacklist");
            false
        })
        .claims_verification_loader(move |_: &Claims| {
            l2.lock().unwrap().push("claims");
            true
        })
        .user_loader_callback_loader(move |token: &Claims| {
            l3.lock().unwrap().push("user");
            token.identity_value().as_str().map(str::to_owned)
        })
        .build()
        .unwrap();
    let app = app!(manager);
    let take = || std::mem::take(&mut *log.lock().unwrap());
    assert_eq!(
        send(
            &app,
            bearer("/protected", &manager.create_access_token(&"x").unwrap())
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(take(), ["blacklist", "claims", "user"]);
    assert_eq!(
        send(
            &app,
            bearer("/fresh", &manager.create_access_token(&"x").unwrap())
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(take(), ["blacklist"]);
    let refresh_token = manager.create_refresh_token(&"x").unwrap();
    let request = with_bearer(test::TestRequest::post().uri("/refresh"), &refresh_token);
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
    assert_eq!(take(), ["blacklist", "user"]);
    assert_eq!(
        send(&app, bearer("/protected", &refresh_token)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(take().is_empty());
}

#[actix_web::test]
async fn user_loader_and_its_error_loader() {
    let loaded = builder(JwtConfig::default())
        .user_loader_callback_loader(|token: &Claims| {
            token
                .identity_value()
                .as_str()
                .filter(|id| *id != "ghost")
                .map(|id| format!("user:{id}"))
        })
        .build()
        .unwrap();
    let app = app!(loaded);
    assert_eq!(
        send(
            &app,
            bearer("/user", &loaded.create_access_token(&"frank").unwrap())
        )
        .await,
        (StatusCode::OK, json!({"user": "user:frank"}))
    );
    assert_eq!(
        send(
            &app,
            bearer("/user", &loaded.create_access_token(&"ghost").unwrap())
        )
        .await,
        (
            StatusCode::UNAUTHORIZED,
            msg("Error loading the user ghost")
        )
    );
    assert_eq!(
        send(
            &app,
            bearer("/user", &loaded.create_access_token(&42).unwrap())
        )
        .await,
        (StatusCode::UNAUTHORIZED, msg("Error loading the user 42"))
    );
    let custom = builder(JwtConfig::default())
        .user_loader_callback_loader(|_: &Claims| None::<String>)
        .user_loader_error_loader(|token: &Claims| {
            HttpResponse::Created().json(json!({"missing": token.identity_value()}))
        })
        .build()
        .unwrap();
    let app = app!(custom);
    assert_eq!(
        send(
            &app,
            bearer("/user", &custom.create_access_token(&"ghost").unwrap())
        )
        .await,
        (StatusCode::CREATED, json!({"missing": "ghost"}))
    );
    // Without a loader there is no user.
    let plain = manager();
    let app = app!(plain);
    assert_eq!(
        send(
            &app,
            bearer("/user", &plain.create_access_token(&"x").unwrap())
        )
        .await,
        (StatusCode::OK, json!({"user": null}))
    );
}

#[actix_web::test]
async fn claims_verification_on_access_routes_only_with_identity_visible_to_the_failed_loader() {
    let manager = builder(JwtConfig::default())
        .claims_verification_loader(|token: &Claims| {
            // get_jwt_identity() works inside the verifier (test_claims_verification.py).
            assert!(get_jwt_identity::<String>().is_some());
            token.user_claims_value().get("ok") == Some(&Value::Bool(true))
        })
        .build()
        .unwrap();
    let app = app!(manager);
    let token = |ok: bool| {
        manager
            .create_access_token_with(
                &"gina",
                TokenOptions::default().user_claims(json!({"ok": ok})),
            )
            .unwrap()
    };
    for uri in ["/protected", "/optional"] {
        assert_eq!(
            send(&app, bearer(uri, &token(true))).await.0,
            StatusCode::OK,
            "{uri}"
        );
        assert_eq!(
            send(&app, bearer(uri, &token(false))).await,
            (
                StatusCode::BAD_REQUEST,
                msg("User claims verification failed")
            ),
            "{uri}"
        );
    }
    let fresh_false = manager
        .create_access_token_with(
            &"gina",
            TokenOptions::default()
                .fresh(true)
                .user_claims(json!({"ok": false})),
        )
        .unwrap();
    assert_eq!(
        send(&app, bearer("/fresh", &fresh_false)).await.0,
        StatusCode::BAD_REQUEST
    );
    // Refresh routes skip claims verification.
    let refresh_token = manager.create_refresh_token(&"gina").unwrap();
    let request = with_bearer(test::TestRequest::post().uri("/refresh"), &refresh_token);
    assert_eq!(send(&app, request).await.0, StatusCode::OK);

    let custom = builder(JwtConfig::default())
        .claims_verification_loader(|_: &Claims| false)
        .claims_verification_failed_loader(|token: &Claims| {
            HttpResponse::NotFound().json(json!({
                "who": get_jwt_identity::<String>(),
                "refused": token.identity_value(),
            }))
        })
        .build()
        .unwrap();
    let app = app!(custom);
    assert_eq!(
        send(
            &app,
            bearer("/protected", &custom.create_access_token(&"gina").unwrap())
        )
        .await,
        (
            StatusCode::NOT_FOUND,
            json!({"who": "gina", "refused": "gina"})
        )
    );
}

#[actix_web::test]
async fn error_message_key_and_additional_headers() {
    let manager = builder(JwtConfig::default().error_message_key("message"))
        .additional_headers_loader(|identity: &Value| {
            Some(json!({"kid": identity}).as_object().cloned().unwrap())
        })
        .build()
        .unwrap();
    let app = app!(manager);
    assert_eq!(
        send(&app, test::TestRequest::get().uri("/protected")).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({"message": "Missing Authorization Header"})
        )
    );
    let (status, header) = send(
        &app,
        bearer("/header", &manager.create_access_token(&"key-7").unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header,
        json!({"alg": "HS256", "typ": "JWT", "kid": "key-7"})
    );
    // An explicit `headers=` overrides the loader.
    let mut explicit = serde_json::Map::new();
    explicit.insert("kid".into(), "explicit".into());
    let token = manager
        .create_access_token_with(&"key-7", TokenOptions::default().headers(explicit))
        .unwrap();
    assert_eq!(
        send(&app, bearer("/header", &token)).await.1["kid"],
        "explicit"
    );
}

#[actix_web::test]
async fn user_claims_and_identity_loaders_shape_new_tokens() {
    let manager = builder(JwtConfig::default())
        .user_identity_loader(|user: &Value| user["username"].clone())
        .user_claims_loader(|user: &Value| json!({"roles": user["roles"]}))
        .build()
        .unwrap();
    let app = app!(manager);
    let user = json!({"username": "hana", "roles": ["admin"]});
    let token = manager.create_access_token(&user).unwrap();
    assert_eq!(
        send(&app, bearer("/protected", &token)).await,
        (
            StatusCode::OK,
            json!({"identity": "hana", "claims": {"roles": ["admin"]}})
        )
    );
    // Not in refresh tokens by default; with the option they are.
    let refresh_claims = manager
        .decode_token(&manager.create_refresh_token(&user).unwrap())
        .unwrap();
    assert_eq!(refresh_claims.user_claims_value(), &json!({}));
    let with_claims = builder(JwtConfig::default().claims_in_refresh_token(true))
        .user_claims_loader(|_: &Value| json!({"a": 1}))
        .build()
        .unwrap();
    let claims = with_claims
        .decode_token(&with_claims.create_refresh_token(&"x").unwrap())
        .unwrap();
    assert_eq!(claims.user_claims_value(), &json!({"a": 1}));
    // An explicit argument overrides the loader.
    let token = manager
        .create_access_token_with(&user, TokenOptions::default().user_claims(json!({"b": 2})))
        .unwrap();
    assert_eq!(
        manager.decode_token(&token).unwrap().user_claims_value(),
        &json!({"b": 2})
    );
}
#[actix_web::test]
async fn async_key_loaders_are_awaited_on_the_request_path_and_by_the_async_api() {
    use jwt_runtime::config::Secret;
    const OLD: &str = "the-previous-secret-of-32-bytes!";
    let manager = builder(JwtConfig::default())
        .encode_key_loader_async(|identity: &Value| {
            let old = identity == "old-user";
            Box::pin(async move { Ok(Secret::from(if old { OLD } else { SECRET })) })
        })
        .decode_key_loader_async(|_claims, header| {
            let old = header.get("kid") == Some(&json!("old"));
            Box::pin(async move { Ok(Secret::from(if old { OLD } else { SECRET })) })
        })
        .build()
        .unwrap();
    let app = app!(manager);
    let mut kid = serde_json::Map::new();
    kid.insert("kid".into(), "old".into());
    let old = manager
        .create_access_token_async(&"old-user", TokenOptions::default().headers(kid))
        .await
        .unwrap();
    let current = manager
        .create_access_token_async(&"new-user", TokenOptions::default())
        .await
        .unwrap();
    assert_eq!(
        send(&app, bearer("/protected", &old)).await.1["identity"],
        "old-user"
    );
    assert_eq!(
        send(&app, bearer("/protected", &current)).await.1["identity"],
        "new-user"
    );
    // The key named by `kid` must be the one that signed: a mismatch is a bad signature.
    let mut wrong = serde_json::Map::new();
    wrong.insert("kid".into(), "old".into());
    let mislabelled = manager
        .create_access_token_async(&"new-user", TokenOptions::default().headers(wrong))
        .await
        .unwrap();
    assert_eq!(
        send(&app, bearer("/protected", &mislabelled)).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("Signature verification failed")
        )
    );
    // The synchronous API says which call to use instead of blocking.
    let err = manager.create_access_token(&"x").unwrap_err();
    assert!(
        err.to_string().contains("create_access_token_async"),
        "{err}"
    );
    let err = manager.decode_token(&current).unwrap_err();
    assert!(err.to_string().contains("decode_token_async"), "{err}");
    assert_eq!(
        manager
            .decode_token_async(&current, jwt_runtime::DecodeOptions::default())
            .await
            .unwrap()
            .identity::<String>()
            .unwrap(),
        "new-user"
    );
}
