//! Sessions through real requests, on a clock the tests control: refresh-token rotation
//! (the grace in milliseconds, reuse revoking the login, the reuse loader, the per-route
//! `rotate` option), log out everywhere (this second refused, the next one accepted),
//! implicit refresh of cookie sessions, and the start-up errors. The stores' own
//! atomicity (50 concurrent spends) is tested with both stores, Redis when `REDIS_URL`
//! is set.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::sync::Arc;
use std::time::Duration;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::{self, TestRequest};
use actix_web::{App, HttpResponse, get, post, web};
use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist, RedisBlocklist, Spend, SpendRequest};
use jwt_runtime::config::{Expiry, TokenLocation};
use jwt_runtime::prelude::*;
use jwt_runtime::testing::ManualClock;
use jwt_runtime::{JwtConfig, JwtManager, JwtManagerBuilder};
use serde_json::{Value, json};

use jwt_tests::{SECRET, bearer, call, msg, redis_prefix, redis_url, send};

#[post("/login")]
async fn login() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(create_token_pair(
        &"alice",
        TokenOptions::default().fresh(true),
    )?))
}

#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(refresh_tokens().await?))
}

#[post("/refresh/rotating")]
#[jwt_refresh_token_required(rotate)]
async fn refresh_rotating() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(refresh_tokens().await?))
}

#[post("/refresh/v4-style")]
#[jwt_required(refresh, rotate)]
async fn refresh_v4_style() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(refresh_tokens().await?))
}

#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[get("/not-a-refresh-route")]
#[jwt_required]
async fn misplaced_refresh() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(refresh_tokens().await?))
}

#[post("/revoke-all")]
#[jwt_required]
async fn revoke_all(manager: JwtManager) -> Result<HttpResponse, JwtError> {
    let identity = get_jwt_identity::<Value>().unwrap_or_default();
    manager.revoke_all_tokens(&identity).await?;
    Ok(HttpResponse::Ok().json(json!({"msg": "All tokens revoked"})))
}

#[post("/logout")]
#[jwt_required]
async fn logout() -> Result<HttpResponse, JwtError> {
    let mut response = HttpResponse::Ok();
    unset_jwt_cookies(&mut response)?;
    Ok(response.json(json!({"logout": true})))
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .service(login)
        .service(refresh)
        .service(refresh_rotating)
        .service(refresh_v4_style)
        .service(protected)
        .service(misplaced_refresh)
        .service(revoke_all)
        .service(logout);
}

/// A manager on `clock` with the blacklist on and a memory store on the same clock.
fn builder(config: JwtConfig, clock: &ManualClock) -> JwtManagerBuilder {
    let store = MemoryBlocklist::with_clock(clock.source());
    JwtManager::builder(config.secret_key(SECRET).blacklist_enabled(true))
        .ignore_registered_loaders()
        .clock(clock.source())
        .blocklist(store)
}

fn rotating(grace: Duration) -> JwtConfig {
    JwtConfig::default()
        .refresh_rotation(true)
        .refresh_reuse_grace(grace)
}

/// `(access, refresh)` from a JSON answer.
fn pair(body: &Value) -> (String, Option<String>) {
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().map(str::to_owned),
    )
}

async fn post_refresh<S, B>(app: &S, uri: &str, token: &str) -> (StatusCode, Value)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    send(
        app,
        bearer(uri, token).method(actix_web::http::Method::POST),
    )
    .await
}

async fn status_of<S, B>(app: &S, uri: &str, token: &str) -> StatusCode
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    send(app, bearer(uri, token)).await.0
}

#[actix_web::test]
async fn rotation_hands_the_same_successor_within_the_grace_and_revokes_the_login_after() {
    let clock = ManualClock::starting_now();
    let reused = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = Arc::clone(&reused);
    let manager = builder(rotating(Duration::from_millis(1_500)), &clock)
        .refresh_token_reused_loader(move |token| {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            HttpResponse::Unauthorized()
                .json(json!({"msg": "Session ended", "who": token.identity_value()}))
        })
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
    let (status, body) = send(&app, TestRequest::post().uri("/login")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (login_access, login_refresh) = pair(&body);
    let login_refresh = login_refresh.unwrap();
    let family = manager
        .decode_token(&login_access)
        .unwrap()
        .family()
        .map(str::to_owned);
    assert!(family.is_some());

    let (status, first) = post_refresh(&app, "/refresh", &login_refresh).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (access, successor) = pair(&first);
    let successor = successor.unwrap();
    for token in [&access, &successor] {
        let claims = manager.decode_token(token).unwrap();
        assert_eq!(claims.family().map(str::to_owned), family, "one login");
    }
    assert!(
        !manager
            .decode_token(&access)
            .unwrap()
            .fresh()
            .is_fresh_at(0.0)
    );

    // 1.5 s later: still the same successor (another tab), not a new branch.
    clock.advance(Duration::from_millis(1_500));
    let (status, again) = post_refresh(&app, "/refresh", &login_refresh).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(pair(&again).1.as_deref(), Some(successor.as_str()));
    assert_ne!(pair(&again).0, access, "a new access token all the same");

    // One millisecond past the grace: reuse. The loader answers, the login is revoked.
    clock.advance(Duration::from_millis(1));
    let (status, body) = post_refresh(&app, "/refresh", &login_refresh).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Session ended", "who": "alice"})
        )
    );
    assert_eq!(reused.load(std::sync::atomic::Ordering::SeqCst), 1);
    for token in [&login_access, &access, &pair(&again).0] {
        assert_eq!(
            send(&app, bearer("/protected", token)).await,
            (StatusCode::UNAUTHORIZED, msg("Token has been revoked"))
        );
    }
    assert_eq!(
        post_refresh(&app, "/refresh", &successor).await,
        (StatusCode::UNAUTHORIZED, msg("Token has been revoked"))
    );
    // Another login is untouched.
    let (_, other) = send(&app, TestRequest::post().uri("/login")).await;
    assert_eq!(
        status_of(&app, "/protected", &pair(&other).0).await,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn without_a_grace_a_second_presentation_is_reuse_and_the_default_answer_is_401() {
    let clock = ManualClock::starting_now();
    let manager = builder(rotating(Duration::ZERO), &clock).build().unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(routes)).await;
    let (_, body) = send(&app, TestRequest::post().uri("/login")).await;
    let refresh_token = pair(&body).1.unwrap();
    let (status, first) = post_refresh(&app, "/refresh", &refresh_token).await;
    assert_eq!(status, StatusCode::OK);
    // The same instant: no grace at all.
    assert_eq!(
        post_refresh(&app, "/refresh", &refresh_token).await,
        (StatusCode::UNAUTHORIZED, msg("Token has been revoked"))
    );
    assert_eq!(
        post_refresh(&app, "/refresh", &pair(&first).1.unwrap()).await,
        (StatusCode::UNAUTHORIZED, msg("Token has been revoked"))
    );
}

#[actix_web::test]
async fn the_rotate_option_rotates_one_route_and_refresh_routes_without_it_do_not() {
    let clock = ManualClock::starting_now();
    let manager = builder(JwtConfig::default(), &clock).build().unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
    let (_, body) = send(&app, TestRequest::post().uri("/login")).await;
    let refresh_token = pair(&body).1.unwrap();

    // No JWT_REFRESH_ROTATION: a plain refresh route answers an access token only, as often
    // as asked, in the same login.
    for _ in 0..2 {
        let (status, body) = post_refresh(&app, "/refresh", &refresh_token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
        let access = manager.decode_token(&pair(&body).0).unwrap();
        let presented = manager.decode_token(&refresh_token).unwrap();
        assert_eq!(access.family(), presented.family());
    }
    for uri in ["/refresh/rotating", "/refresh/v4-style"] {
        let (_, body) = send(&app, TestRequest::post().uri("/login")).await;
        let refresh_token = pair(&body).1.unwrap();
        let (status, body) = post_refresh(&app, uri, &refresh_token).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert!(pair(&body).1.is_some(), "{uri} rotates: {body}");
        assert_eq!(
            post_refresh(&app, uri, &refresh_token).await.0,
            StatusCode::UNAUTHORIZED,
            "{uri}: the spent token again"
        );
    }
    // Outside a refresh route the helper is a programming error, answered 500.
    let (_, body) = send(&app, TestRequest::post().uri("/login")).await;
    assert_eq!(
        send(&app, bearer("/not-a-refresh-route", &pair(&body).0)).await,
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            msg("Internal server error")
        )
    );
}

#[actix_web::test]
async fn log_out_everywhere_refuses_this_second_and_accepts_the_next() {
    let clock = ManualClock::starting_now();
    let manager = builder(JwtConfig::default(), &clock).build().unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
    let before = manager.create_access_token(&"alice").unwrap();
    let refresh_before = manager.create_refresh_token(&"alice").unwrap();
    let bob = manager.create_access_token(&"bob").unwrap();
    clock.advance(Duration::from_millis(300));
    assert_eq!(
        send(
            &app,
            bearer("/revoke-all", &before).method(actix_web::http::Method::POST)
        )
        .await,
        (StatusCode::OK, msg("All tokens revoked"))
    );
    let same_second = manager.create_access_token(&"alice").unwrap();
    for token in [&before, &same_second] {
        assert_eq!(
            send(&app, bearer("/protected", token)).await,
            (StatusCode::UNAUTHORIZED, msg("Token has been revoked"))
        );
    }
    assert_eq!(
        post_refresh(&app, "/refresh", &refresh_before).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(status_of(&app, "/protected", &bob).await, StatusCode::OK);
    clock.advance(Duration::from_secs(1));
    let after = manager.create_access_token(&"alice").unwrap();
    assert_eq!(status_of(&app, "/protected", &after).await, StatusCode::OK);
    assert_eq!(
        status_of(&app, "/protected", &before).await,
        StatusCode::UNAUTHORIZED
    );
}

/// A cookie request to `uri` with the access token (and its CSRF header for POSTs).
fn with_access_cookie(
    manager: &JwtManager,
    method: actix_web::http::Method,
    uri: &str,
    token: &str,
) -> Request {
    jwt_runtime::testing::request_with_token(manager, method, uri, TokenLocation::Cookies, token)
        .to_request()
}

#[actix_web::test]
async fn implicit_refresh_renews_an_access_cookie_near_its_expiry_and_never_after_logout() {
    let clock = ManualClock::starting_now();
    let config = JwtConfig::default()
        .token_location([TokenLocation::Cookies, TokenLocation::Headers])
        .access_token_expires(Expiry::After(Duration::from_secs(600)))
        .implicit_refresh_window(Duration::from_secs(60));
    let manager = builder(config, &clock).build().unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
    let token = manager
        .create_access_token_with(
            &"alice",
            TokenOptions::default()
                .fresh(true)
                .user_claims(json!({"roles": ["admin"]}))
                .claims([("scope".to_owned(), json!("items:read"))])
                .family("login-1"),
        )
        .unwrap();
    let get = actix_web::http::Method::GET;

    // Ten minutes left: nothing to renew.
    let reply = call(
        &app,
        with_access_cookie(&manager, get.clone(), "/protected", &token),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.set_cookie_lines().is_empty(),
        "{:?}",
        reply.set_cookie_lines()
    );

    // Within the last minute: a new access cookie and CSRF cookie, same identity, claims
    // and login, not fresh.
    clock.advance(Duration::from_secs(541));
    let reply = call(
        &app,
        with_access_cookie(&manager, get.clone(), "/protected", &token),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.cookie_names(),
        ["access_token_cookie", "csrf_access_token"]
    );
    let renewed = reply.cookie("access_token_cookie").value().to_owned();
    let claims = manager.decode_token(&renewed).unwrap();
    assert_eq!(claims.identity_value(), "alice");
    assert_eq!(claims.user_claims_value(), &json!({"roles": ["admin"]}));
    // The token's own top-level claims (its scopes) are kept too.
    assert_eq!(claims.get("scope"), Some(&json!("items:read")));
    assert_eq!(claims.family(), Some("login-1"));
    assert!(!claims.fresh().is_fresh_at(0.0));
    assert_eq!(
        reply.cookie("csrf_access_token").value(),
        claims.csrf().unwrap()
    );
    assert!(
        claims.expires_at().unwrap() > manager.decode_token(&token).unwrap().expires_at().unwrap()
    );

    // The same token in a header: no cookie.
    let reply = call(&app, bearer("/protected", &token).to_request()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.set_cookie_lines().is_empty());

    // Logout unsets the cookies and nothing sets them again.
    let post = actix_web::http::Method::POST;
    let reply = call(
        &app,
        with_access_cookie(&manager, post.clone(), "/logout", &token),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .cookies()
            .iter()
            .all(|cookie| cookie.value().is_empty()),
        "only unsets: {:?}",
        reply.set_cookie_lines()
    );

    // A refused request (no CSRF value on a POST) gets no cookie either.
    let request = TestRequest::post()
        .uri("/logout")
        .cookie(actix_web::cookie::Cookie::new(
            "access_token_cookie",
            token.clone(),
        ))
        .to_request();
    let reply = call(&app, request).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.set_cookie_lines().is_empty());
    assert!(reply.headers.get(header::SET_COOKIE).is_none());
}

#[actix_web::test]
async fn implicit_refresh_in_4x_mode_keeps_the_top_level_claims() {
    let clock = ManualClock::starting_now();
    let config = JwtConfig::v4()
        .token_location([TokenLocation::Cookies])
        .implicit_refresh_window(Duration::from_secs(15 * 60));
    let manager = JwtManager::builder(config.secret_key(SECRET))
        .ignore_registered_loaders()
        .clock(clock.source())
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
    let token = manager
        .create_access_token_with(
            &"alice",
            TokenOptions::default()
                .additional_claims([("roles".to_owned(), json!(["admin"]))])
                .fresh(true),
        )
        .unwrap();
    let reply = call(
        &app,
        with_access_cookie(&manager, actix_web::http::Method::GET, "/protected", &token),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let renewed = manager
        .decode_token(reply.cookie("access_token_cookie").value())
        .unwrap();
    assert_eq!(renewed.get("roles"), Some(&json!(["admin"])));
    assert_eq!(renewed.get("sub"), Some(&json!("alice")));
    assert_eq!(renewed.get("fresh"), Some(&json!(false)));
}

#[test]
fn start_up_refuses_sessions_that_cannot_work() {
    let base = || JwtConfig::default().secret_key(SECRET);
    let error = JwtManager::new(base().refresh_rotation(true)).unwrap_err();
    assert_eq!(error.option(), Some("JWT_REFRESH_ROTATION"));
    assert!(
        error.to_string().contains("JWT_BLACKLIST_ENABLED"),
        "{error}"
    );

    let error = JwtManager::builder(base().refresh_rotation(true).blacklist_enabled(true))
        .ignore_registered_loaders()
        .token_in_blacklist_loader(|_| false)
        .build()
        .unwrap_err();
    assert_eq!(error.option(), Some("JWT_REFRESH_ROTATION"));
    assert!(
        error.to_string().contains("JwtManagerBuilder::blocklist"),
        "{error}"
    );

    let error =
        JwtManager::new(base().implicit_refresh_window(Duration::from_secs(60))).unwrap_err();
    assert_eq!(error.option(), Some("JWT_IMPLICIT_REFRESH_WINDOW"));

    let error =
        JwtManager::new(base().refresh_reuse_grace(Duration::from_secs(86_401))).unwrap_err();
    assert_eq!(error.option(), Some("JWT_REFRESH_REUSE_GRACE"));
}

/// 50 spends of one `jti` at once: exactly one is first, and every other sees its successor.
async fn one_spend_wins(stores: Vec<Arc<dyn Blocklist>>, jti: &str) {
    let spends = (0..50).map(|i| {
        let store = Arc::clone(&stores[i % stores.len()]);
        let jti = jti.to_owned();
        actix_web::rt::spawn(async move {
            let successor = format!("successor-{i}");
            let request = SpendRequest {
                jti: &jti,
                successor: &successor,
                at_ms: 1_000,
                expires_at: Some(jwt_tests::now_seconds() + 60),
            };
            (
                successor.clone(),
                store.spend_refresh_token(request).await.unwrap(),
            )
        })
    });
    let results = futures_util::future::join_all(spends).await;
    let results: Vec<(String, Spend)> = results.into_iter().map(Result::unwrap).collect();
    let winners: Vec<&String> = results
        .iter()
        .filter(|(_, spend)| *spend == Spend::First)
        .map(|(successor, _)| successor)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for (_, spend) in &results {
        if let Spend::Before { successor, .. } = spend {
            assert_eq!(successor, winners[0]);
        }
    }
}

#[actix_web::test]
async fn fifty_concurrent_spends_have_one_winner_in_memory() {
    let store: Arc<dyn Blocklist> = Arc::new(MemoryBlocklist::new());
    one_spend_wins(vec![store], "memory-jti").await;
}

#[actix_web::test]
async fn fifty_concurrent_spends_have_one_winner_across_redis_connections() {
    let Some(url) = redis_url("fifty_concurrent_spends_have_one_winner_across_redis_connections")
    else {
        return;
    };
    let prefix = redis_prefix("spends");
    let mut stores: Vec<Arc<dyn Blocklist>> = Vec::new();
    for _ in 0..4 {
        stores.push(Arc::new(
            RedisBlocklist::connect_direct(&url, &prefix).await.unwrap(),
        ));
    }
    one_spend_wins(stores, "redis-jti").await;
}

/// Revoked logins and cut-offs, as every store must keep them.
async fn store_keeps_logins_and_cut_offs(store: &dyn Blocklist, manager: &JwtManager) {
    let pair = manager
        .create_token_pair(&"carol", TokenOptions::default())
        .unwrap();
    let access = manager.decode_token(&pair.access_token).unwrap();
    let refresh_claims = manager
        .decode_token(pair.refresh_token.as_deref().unwrap())
        .unwrap();
    let other = manager
        .decode_token(&manager.create_access_token(&"carol").unwrap())
        .unwrap();
    assert!(!store.is_revoked(&access).await.unwrap());
    store
        .revoke_family(
            access.family().unwrap(),
            Some(jwt_tests::now_seconds() + 60),
        )
        .await
        .unwrap();
    assert!(store.is_revoked(&access).await.unwrap());
    assert!(store.is_revoked(&refresh_claims).await.unwrap());
    assert!(
        !store.is_revoked(&other).await.unwrap(),
        "not of that login"
    );

    let iat = other.issued_at().unwrap();
    let identity = json!("carol");
    store
        .revoke_identity_before(&identity, iat - 1)
        .await
        .unwrap();
    assert!(
        !store.is_revoked(&other).await.unwrap(),
        "issued after the cut-off"
    );
    store.revoke_identity_before(&identity, iat).await.unwrap();
    assert!(store.is_revoked(&other).await.unwrap());
    // An earlier cut-off never lowers a later one.
    store
        .revoke_identity_before(&identity, iat - 10)
        .await
        .unwrap();
    assert!(store.is_revoked(&other).await.unwrap());
    // Identities are told apart by their JSON: the number 7 is not the string "7".
    let number = manager
        .decode_token(&manager.create_access_token(&7).unwrap())
        .unwrap();
    store
        .revoke_identity_before(&json!("7"), iat + 1)
        .await
        .unwrap();
    assert!(!store.is_revoked(&number).await.unwrap());
}

#[actix_web::test]
async fn memory_store_keeps_logins_and_cut_offs() {
    let manager = JwtManager::new(JwtConfig::default().secret_key(SECRET)).unwrap();
    store_keeps_logins_and_cut_offs(&MemoryBlocklist::new(), &manager).await;
}

#[actix_web::test]
async fn redis_store_keeps_logins_and_cut_offs_with_ttls() {
    let Some(url) = redis_url("redis_store_keeps_logins_and_cut_offs_with_ttls") else {
        return;
    };
    let prefix = redis_prefix("sessions");
    let store = RedisBlocklist::connect_direct(&url, &prefix).await.unwrap();
    store.retain_cut_offs_for(Some(Duration::from_secs(3_600)));
    let manager = JwtManager::new(JwtConfig::default().secret_key(SECRET)).unwrap();
    store_keeps_logins_and_cut_offs(&store, &manager).await;
    // Every record leaves by itself: each key has a TTL.
    let mut admin = redis::Client::open(url.as_str())
        .unwrap()
        .get_connection()
        .unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}#*"))
        .query(&mut admin)
        .unwrap();
    assert!(keys.len() >= 2, "{keys:?}");
    for key in keys {
        let ttl: i64 = redis::cmd("TTL").arg(&key).query(&mut admin).unwrap();
        assert!(ttl > 0 && ttl <= 3_600 + 60, "{key}: {ttl}");
    }
}

#[actix_web::test]
async fn a_revoked_login_never_rotates_even_where_refresh_tokens_are_not_checked() {
    let clock = ManualClock::starting_now();
    let config =
        rotating(Duration::ZERO).blacklist_token_checks([jwt_runtime::config::TokenType::Access]);
    let manager = builder(config, &clock).build().unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
    let (_, body) = send(&app, TestRequest::post().uri("/login")).await;
    let (access, refresh_token) = pair(&body);
    let refresh_token = refresh_token.unwrap();
    let (_, first) = post_refresh(&app, "/refresh", &refresh_token).await;
    // Reuse revokes the login; its unspent successor is not looked up by the guard here,
    // and still cannot rotate.
    assert_eq!(
        post_refresh(&app, "/refresh", &refresh_token).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post_refresh(&app, "/refresh", &pair(&first).1.unwrap()).await,
        (StatusCode::UNAUTHORIZED, msg("Token has been revoked"))
    );
    assert_eq!(
        status_of(&app, "/protected", &access).await,
        StatusCode::UNAUTHORIZED
    );
}
