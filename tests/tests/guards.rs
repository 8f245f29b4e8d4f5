//! The four guard attributes × every error path × every loader (set on the builder),
//! through real requests with `actix_web::test`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
#![allow(clippy::too_many_lines, reason = "scenario tests")]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::prelude::*;
use jwt_runtime::{Fresh, JwtManagerBuilder};
use jwt_tests::{SECRET, bearer, msg, ran, runs, send, with_bearer};
use serde_json::Value;

fn builder(config: JwtConfig) -> JwtManagerBuilder {
    JwtManager::builder(config.secret_key(SECRET)).ignore_registered_loaders()
}

fn manager() -> JwtManager {
    builder(JwtConfig::default()).build().unwrap()
}

/// A manager whose clock is an hour behind: its tokens are expired for the others.
fn past_manager() -> JwtManager {
    builder(JwtConfig::default())
        .clock(|| SystemTime::now() - Duration::from_secs(3600))
        .build()
        .unwrap()
}

#[get("/protected")]
#[jwt_required]
async fn protected() -> impl Responder {
    ran();
    HttpResponse::Ok()
        .json(json!({ "identity": get_jwt_identity::<Value>(), "claims": get_jwt_claims() }))
}

#[get("/optional")]
#[jwt_optional]
async fn optional() -> impl Responder {
    ran();
    HttpResponse::Ok()
        .json(json!({ "identity": get_jwt_identity::<Value>(), "raw": get_raw_jwt() }))
}

#[fresh_jwt_required]
#[get("/fresh")]
async fn fresh_route() -> impl Responder {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh() -> Result<HttpResponse, JwtError> {
    ran();
    let identity = get_jwt_identity::<Value>();
    Ok(HttpResponse::Ok().json(json!({ "access_token": create_access_token(&identity)? })))
}

#[get("/user")]
#[jwt_required]
async fn user_route() -> impl Responder {
    let user = get_current_user::<String>();
    HttpResponse::Ok().json(json!({ "user": user.as_deref() }))
}

#[get("/header")]
#[jwt_required]
async fn header_route() -> impl Responder {
    HttpResponse::Ok().json(get_raw_jwt_header())
}

/// Borrows from the request's claims: every `get_jwt()` shares one copy.
#[get("/shared")]
#[jwt_required]
async fn shared_route() -> impl Responder {
    let (first, second) = (get_jwt().unwrap(), get_jwt().unwrap());
    HttpResponse::Ok().json(json!({
        "identity": first.identity_value(),
        "shared": std::ptr::eq(first.identity_value(), second.identity_value())
            && std::ptr::eq(first.raw(), second.raw()),
        "raw": first.raw(),
    }))
}

/// `?` and early return inside a guarded handler.
#[get("/early/{n}")]
#[jwt_required]
async fn early(path: web::Path<u32>) -> Result<HttpResponse, actix_web::Error> {
    if *path == 0 {
        return Ok(HttpResponse::NoContent().finish());
    }
    let n: u32 = path
        .to_string()
        .parse()
        .map_err(actix_web::error::ErrorBadRequest)?;
    Ok(HttpResponse::Ok().json(json!({ "n": n, "identity": get_jwt_identity::<String>() })))
}

/// A plain (non-async) handler.
#[jwt_required]
fn sync_handler() -> std::future::Ready<HttpResponse> {
    std::future::ready(HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() })))
}

/// The guard comes before the body extractor: no token is 401, not a JSON 400.
#[post("/body")]
#[jwt_required]
async fn with_body(body: web::Json<Value>) -> impl Responder {
    HttpResponse::Ok()
        .json(json!({ "body": body.into_inner(), "identity": get_jwt_identity::<String>() }))
}

/// Python's `decode_token` in an unprotected view: errors answer through the loaders.
#[post("/decode")]
async fn decode(body: String) -> Result<HttpResponse, JwtError> {
    let claims = decode_token(&body, None, false)?;
    Ok(HttpResponse::Ok().json(claims))
}

macro_rules! app {
    ($manager:expr) => {
        test::init_service(
            App::new()
                .wrap($manager.clone())
                .service(protected)
                .service(optional)
                .service(fresh_route)
                .service(refresh)
                .service(user_route)
                .service(header_route)
                .service(shared_route)
                .service(early)
                .service(with_body)
                .service(decode)
                .route("/sync", web::get().to(sync_handler)),
        )
        .await
    };
}

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

use jwt_runtime::Algorithm;

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
        .decode_token(body["access_token"].as_str().unwrap(), None, false)
        .unwrap();
    assert_eq!(access.identity::<String>().unwrap(), "dave");
    assert_eq!(access.fresh(), jwt_runtime::Freshness::Fresh(false));
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
    let claims = manager.decode_token(&year, None, false).unwrap();
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap();
    assert_eq!(claims.expires_at(), Some(iat + 365 * 86_400));
    assert_eq!(
        send(&app, bearer("/protected", &year)).await.0,
        StatusCode::OK
    );
    let forever = past_manager()
        .create_access_token_with(&"api", TokenOptions::default().expires(Expiry::Never))
        .unwrap();
    assert_eq!(
        manager
            .decode_token(&forever, None, false)
            .unwrap()
            .expires_at(),
        None
    );
    assert_eq!(
        send(&app, bearer("/protected", &forever)).await.0,
        StatusCode::OK
    );
}

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
    use jwt_runtime::TokenType;
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
        .claims_verification_loader(move |_: &Value| {
            l2.lock().unwrap().push("claims");
            true
        })
        .user_loader_callback_loader(move |identity: &Value| {
            l3.lock().unwrap().push("user");
            identity.as_str().map(str::to_owned)
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
        .user_loader_callback_loader(|identity: &Value| {
            identity
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
        .user_loader_callback_loader(|_: &Value| None::<String>)
        .user_loader_error_loader(|identity: &Value| {
            HttpResponse::Created().json(json!({"missing": identity}))
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
        .claims_verification_loader(|claims: &Value| {
            // get_jwt_identity() works inside the verifier (test_claims_verification.py).
            assert!(get_jwt_identity::<String>().is_some());
            claims.get("ok") == Some(&Value::Bool(true))
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
        .claims_verification_loader(|_: &Value| false)
        .claims_verification_failed_loader(|| {
            HttpResponse::NotFound().json(json!({"who": get_jwt_identity::<String>()}))
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
        (StatusCode::NOT_FOUND, json!({"who": "gina"}))
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
        .decode_token(&manager.create_refresh_token(&user).unwrap(), None, false)
        .unwrap();
    assert_eq!(refresh_claims.user_claims_value(), &json!({}));
    let with_claims = builder(JwtConfig::default().claims_in_refresh_token(true))
        .user_claims_loader(|_: &Value| json!({"a": 1}))
        .build()
        .unwrap();
    let claims = with_claims
        .decode_token(
            &with_claims.create_refresh_token(&"x").unwrap(),
            None,
            false,
        )
        .unwrap();
    assert_eq!(claims.user_claims_value(), &json!({"a": 1}));
    // An explicit argument overrides the loader.
    let token = manager
        .create_access_token_with(&user, TokenOptions::default().user_claims(json!({"b": 2})))
        .unwrap();
    assert_eq!(
        manager
            .decode_token(&token, None, false)
            .unwrap()
            .user_claims_value(),
        &json!({"b": 2})
    );
}

#[actix_web::test]
async fn requests_outside_a_wrapped_app_get_a_clear_error() {
    let app = test::init_service(App::new().service(protected)).await;
    let manager = manager();
    let (status, body) = send(
        &app,
        bearer("/protected", &manager.create_access_token(&"x").unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, msg("Internal server error"));
}

/// Python's custom decorator: `verify_jwt_in_request()`, then the claims, in an extractor.
struct Admin;

impl FromRequest for Admin {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            verify_jwt_in_request(&req).await?;
            if get_jwt_claims()["roles"] == "admin" {
                Ok(Admin)
            } else {
                let answer = HttpResponse::Forbidden().json(json!({"msg": "Admins only!"}));
                Err(actix_web::error::InternalError::from_response("Admins only!", answer).into())
            }
        })
    }
}

#[get("/admin")]
async fn admin_only(_: Admin) -> HttpResponse {
    HttpResponse::Ok()
        .json(json!({ "admin": get_jwt_identity::<String>(), "claims": get_jwt_claims() }))
}

#[actix_web::test]
async fn a_custom_guard_makes_the_token_the_requests_for_the_handler() {
    let manager = manager();
    let app = test::init_service(App::new().wrap(manager.clone()).service(admin_only)).await;
    let admin = manager
        .create_access_token_with(
            &"root",
            TokenOptions::default().user_claims(json!({"roles": "admin"})),
        )
        .unwrap();
    assert_eq!(
        send(&app, bearer("/admin", &admin)).await,
        (
            StatusCode::OK,
            json!({"admin": "root", "claims": {"roles": "admin"}})
        )
    );
    let user = manager.create_access_token(&"joe").unwrap();
    assert_eq!(
        send(&app, bearer("/admin", &user)).await,
        (StatusCode::FORBIDDEN, msg("Admins only!"))
    );
    assert_eq!(
        send(&app, test::TestRequest::get().uri("/admin")).await,
        (
            StatusCode::UNAUTHORIZED,
            msg("Missing Authorization Header")
        )
    );
}

#[actix_web::test]
async fn async_key_loaders_are_awaited_on_the_request_path_and_by_the_async_api() {
    use jwt_runtime::Secret;
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
    let err = manager.decode_token(&current, None, false).unwrap_err();
    assert!(err.to_string().contains("decode_token_async"), "{err}");
    assert_eq!(
        manager
            .decode_token_async(&current, None, false)
            .await
            .unwrap()
            .identity::<String>()
            .unwrap(),
        "new-user"
    );
}

#[actix_web::test]
async fn get_jwt_shares_the_requests_claims() {
    let manager = manager();
    let app = app!(manager);
    let token = manager.create_access_token(&"alice").unwrap();
    let (status, body) = send(&app, bearer("/shared", &token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["identity"], "alice");
    assert_eq!(
        body["shared"], true,
        "two get_jwt() calls must share one copy"
    );
    assert_eq!(
        body["raw"],
        serde_json::to_value(manager.decode_token(&token, None, false).unwrap().raw()).unwrap()
    );
}
