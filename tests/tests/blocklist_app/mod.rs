//! An app for the blocklist tests, whatever the store: the access + refresh recipe
//! (login puts the refresh token's `jti`/`exp` into the access token; logout revokes both),
//! a refresh endpoint, and a protected endpoint that counts its runs.
#![allow(dead_code, reason = "each test crate uses part of this module")]

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test;
use actix_web::{HttpResponse, web};
use actix_web::{delete, get, post};
use jwt_runtime::JwtManagerBuilder;
use jwt_runtime::blocklist::Blocklist;
use jwt_runtime::config::TokenType;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

pub(crate) const SECRET: &str = "a-test-secret-that-is-32-bytes!!";

/// The store, as the handlers see it.
pub(crate) type Store = web::Data<dyn Blocklist>;

/// How many times the protected handlers ran.
#[derive(Default)]
pub(crate) struct Runs(AtomicUsize);

impl Runs {
    pub(crate) fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A builder with the blacklist on for both token types; no registered loaders.
pub(crate) fn builder(config: JwtConfig) -> JwtManagerBuilder {
    JwtManager::builder(
        config
            .secret_key(SECRET)
            .blacklist_enabled(true)
            .blacklist_token_checks([TokenType::Access, TokenType::Refresh]),
    )
    .ignore_registered_loaders()
}

/// The recipe's user claims: which refresh token goes with this access token.
fn refresh_link(refresh: &Claims) -> Value {
    json!({"refresh_jti": refresh.jti(), "refresh_exp": refresh.expires_at()})
}

#[post("/login")]
async fn login_route(body: web::Json<Value>) -> Result<HttpResponse, JwtError> {
    let Some(user) = body.get("username").and_then(Value::as_str) else {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    };
    let refresh_token = create_refresh_token(&user)?;
    let refresh = decode_token(&refresh_token)?;
    let options = TokenOptions::default().user_claims(refresh_link(&refresh));
    Ok(HttpResponse::Ok().json(json!({
        "access_token": create_access_token_with(&user, options)?,
        "refresh_token": refresh_token,
    })))
}

#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh_route(runs: web::Data<Runs>) -> Result<HttpResponse, JwtError> {
    runs.0.fetch_add(1, Ordering::SeqCst);
    let refresh = get_jwt().ok_or_else(|| JwtError::Internal("no token".to_owned()))?;
    let options = TokenOptions::default().user_claims(refresh_link(&refresh));
    let user = get_jwt_identity::<String>();
    Ok(HttpResponse::Ok()
        .json(json!({ "access_token": create_access_token_with(&user, options)? })))
}

/// Revokes the access token and the refresh token it names.
#[delete("/logout")]
#[jwt_required]
async fn logout_route(store: Store) -> HttpResponse {
    let Some(access) = get_jwt() else {
        return HttpResponse::InternalServerError().finish();
    };
    let link = access.user_claims_value();
    let refresh_jti = link["refresh_jti"].as_str();
    let refresh_exp = link["refresh_exp"].as_i64();
    let mut result = store.revoke(&access).await;
    if let (Ok(()), Some(jti)) = (&result, refresh_jti) {
        result = store.revoke_jti(jti, refresh_exp).await;
    }
    match result {
        Ok(()) => HttpResponse::Ok().json(json!({"msg": "Successfully logged out"})),
        Err(error) => HttpResponse::ServiceUnavailable().json(json!({"msg": error.to_string()})),
    }
}

#[get("/protected")]
#[jwt_required]
async fn protected_route(runs: web::Data<Runs>) -> HttpResponse {
    runs.0.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok().json(json!({ "hello": get_jwt_identity::<String>() }))
}

/// The routes; the App needs [`Store`] and `web::Data<Runs>` as app data.
pub(crate) fn routes(config: &mut web::ServiceConfig) {
    config
        .service(login_route)
        .service(refresh_route)
        .service(logout_route)
        .service(protected_route);
}

/// `app!(manager, store: Store, runs: web::Data<Runs>)`.
macro_rules! app {
    ($manager:expr, $store:expr, $runs:expr) => {
        actix_web::test::init_service(
            actix_web::App::new()
                .wrap($manager.clone())
                .app_data($store.clone())
                .app_data($runs.clone())
                .configure(blocklist_app::routes),
        )
        .await
    };
}
pub(crate) use app;

pub(crate) async fn send<S, B>(app: &S, request: test::TestRequest) -> (StatusCode, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    let body = test::read_body(response).await;
    (
        status,
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned())),
    )
}

pub(crate) fn bearer(request: test::TestRequest, token: &str) -> test::TestRequest {
    request.insert_header(("Authorization", format!("Bearer {token}")))
}

pub(crate) fn get(uri: &str, token: &str) -> test::TestRequest {
    bearer(test::TestRequest::get().uri(uri), token)
}

pub(crate) fn post(uri: &str, token: &str) -> test::TestRequest {
    bearer(test::TestRequest::post().uri(uri), token)
}

pub(crate) fn delete(uri: &str, token: &str) -> test::TestRequest {
    bearer(test::TestRequest::delete().uri(uri), token)
}

pub(crate) fn msg(text: &str) -> Value {
    json!({ "msg": text })
}

/// `(access_token, refresh_token)` of a login.
pub(crate) async fn login_tokens<S, B>(app: &S, user: &str) -> (String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let request = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": user}));
    let (status, body) = send(app, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = |name: &str| body[name].as_str().map(str::to_owned);
    (
        token("access_token").unwrap_or_default(),
        token("refresh_token").unwrap_or_default(),
    )
}

/// The recipe end to end against `app`: both tokens work, logout revokes both, a new login
/// is unaffected. Returns the revoked `(access, refresh)`.
pub(crate) async fn logout_revokes_both<S, B>(app: &S, runs: &Runs) -> (String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (access, refresh) = login_tokens(app, "alice").await;
    let before = runs.get();
    assert_eq!(
        send(app, get("/protected", &access)).await,
        (StatusCode::OK, json!({"hello": "alice"}))
    );
    let (status, body) = send(app, post("/refresh", &refresh)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refreshed = body["access_token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(runs.get(), before + 2);

    assert_eq!(
        send(app, delete("/logout", &access)).await,
        (StatusCode::OK, msg("Successfully logged out"))
    );
    let revoked = (StatusCode::UNAUTHORIZED, msg("Token has been revoked"));
    assert_eq!(send(app, get("/protected", &access)).await, revoked);
    assert_eq!(send(app, post("/refresh", &refresh)).await, revoked);
    assert_eq!(send(app, delete("/logout", &access)).await, revoked);
    assert_eq!(runs.get(), before + 2, "no handler ran for a revoked token");

    // An access token minted by /refresh names the same refresh token: its logout (here a
    // second one) revokes it too, and the refresh token stays revoked.
    assert_eq!(
        send(app, delete("/logout", &refreshed)).await,
        (StatusCode::OK, msg("Successfully logged out"))
    );
    assert_eq!(send(app, get("/protected", &refreshed)).await, revoked);

    // Another login is unaffected.
    let (access2, refresh2) = login_tokens(app, "alice").await;
    assert_eq!(
        send(app, get("/protected", &access2)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(app, post("/refresh", &refresh2)).await.0,
        StatusCode::OK
    );
    (access, refresh)
}
