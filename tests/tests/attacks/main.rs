//! The black-box attack suite: hostile tokens, headers, cookies, query strings
//! and bodies sent to a protected app. Every refused case checks the status, the JSON
//! error body (`{"msg": ...}`, `application/json`) and that the handler did not run.
//!
//! Most cases go through `actix_web::test` in-process, where the handlers run on the
//! test's thread and count their runs in a thread-local. The cases that need the wire
//! (a 10 MB header, two `Authorization` lines, raw non-ASCII bytes, a megabyte of dots)
//! talk raw HTTP/1.1 to a real actix server on a loopback port, whose handler counts its
//! runs in its `web::Data<Hits>`.
//!
//! Tokens are hand-made with `jsonwebtoken::crypto::sign` and base64, with a fixed
//! clock (`NOW`), so every signature and every message is deterministic.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
#![allow(clippy::too_many_lines, reason = "case tables")]

mod algorithms;
mod csrf;
mod encodings;
mod headers;
mod keys;
mod rfc_examples;
mod time_claims;
mod wire;

use std::time::{Duration, UNIX_EPOCH};

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test;
use actix_web::{HttpResponse, web};
use jsonwebtoken::Algorithm;
use jwt_runtime::JwtManagerBuilder;
use jwt_runtime::config::TokenLocation;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{NOW, SECRET, call, hmac_key, ran, runs, sign_parts};
use serde_json::Value;
use serde_json::json;

/// The header the port writes for HS256.
const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

const NOT_ALLOWED: &str = "The specified alg value is not allowed";
const SIGNATURE_FAILED: &str = "Signature verification failed";
const BAD_HEADER: &str = "Bad Authorization header. Expected value 'Bearer <JWT>'";
const MISSING_HEADER: &str = "Missing Authorization Header";
const BAD_BARE_HEADER: &str = "Bad Authorization header. Expected value '<JWT>'";
const CSRF_MISMATCH: &str = "CSRF double submit tokens do not match";
const CSRF_MISSING: &str = "Missing CSRF token";
const MISSING_QUERY: &str = "Missing \"jwt\" query paramater";
const MISSING_KEY: &str = "Missing \"access_token\" key in json data.";
/// The base64url alphabet, in value order.
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// ---------------------------------------------------------------------------------------
// The protected app
// ---------------------------------------------------------------------------------------

#[jwt_required]
async fn protected() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[jwt_optional]
async fn optional() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[fresh_jwt_required]
async fn fresh() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[jwt_refresh_token_required]
async fn refresh() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

/// Every route answers every method, so CSRF methods can be exercised.
fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/protected", web::route().to(protected))
        .route("/optional", web::route().to(optional))
        .route("/fresh", web::route().to(fresh))
        .route("/refresh", web::route().to(refresh));
}

/// An in-process App with [`routes`], wrapped with `$manager`.
macro_rules! app {
    ($manager:expr) => {
        ::actix_web::test::init_service(
            ::actix_web::App::new()
                .wrap($manager.clone())
                .configure($crate::routes),
        )
        .await
    };
}
pub(crate) use app;

/// A builder with the fixed clock and no registered loaders.
fn clocked(config: JwtConfig) -> JwtManagerBuilder {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
}

fn build(config: JwtConfig) -> JwtManager {
    clocked(config).build().unwrap()
}

/// The default configuration (headers, HS256) with the server's secret.
fn hs() -> JwtConfig {
    JwtConfig::default().secret_key(SECRET)
}

// ---------------------------------------------------------------------------------------
// Requests and assertions
// ---------------------------------------------------------------------------------------

/// Asserts that `request` is refused with `status` and `{"msg": message}`, and that no
/// handler ran.
async fn refused<S, B>(app: &S, case: &str, request: test::TestRequest, status: u16, message: &str)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = runs();
    let reply = call(app, request.to_request()).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body),
        (status, &json!({ "msg": message })),
        "case: {case}"
    );
    assert_eq!(
        reply.content_type(),
        Some("application/json"),
        "case: {case}"
    );
    assert_eq!(runs(), before, "case: {case}: the handler ran");
}

/// Asserts that `request` is answered 200 by the handler (which ran once); returns the body.
async fn accepted<S, B>(app: &S, case: &str, request: test::TestRequest) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = runs();
    let reply = call(app, request.to_request()).await;
    assert_eq!(reply.status, 200, "case: {case}: {}", reply.body);
    assert_eq!(runs(), before + 1, "case: {case}: the handler did not run");
    reply.body
}

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri)
}

fn authorization(uri: &str, value: &[u8]) -> test::TestRequest {
    get(uri).insert_header((
        header::AUTHORIZATION,
        HeaderValue::from_bytes(value).unwrap(),
    ))
}

fn cookie_config() -> JwtConfig {
    hs().token_location([TokenLocation::Cookies])
}

fn with_cookie(request: test::TestRequest, token: &str) -> test::TestRequest {
    request.cookie(Cookie::new("access_token_cookie", token.to_owned()))
}

fn method(name: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(Method::from_bytes(name.as_bytes()).unwrap())
        .uri("/protected")
}

// ---------------------------------------------------------------------------------------
// Hand-made tokens
// ---------------------------------------------------------------------------------------

/// HS256 with the server's secret, whatever the header says.
fn signed(header: &str, payload: &str) -> String {
    sign_parts(
        header,
        payload.as_bytes(),
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS256,
    )
}

/// Claims the default manager accepts at `NOW`, with `extra` merged in.
fn claims(extra: &Value) -> Value {
    let mut claims = json!({
        "iat": NOW, "nbf": NOW, "jti": "attack", "exp": NOW + 900,
        "identity": "alice", "fresh": false, "type": "access",
    });
    for (key, value) in extra.as_object().unwrap() {
        claims[key] = value.clone();
    }
    claims
}

/// `claims(&json!({}))` without the named claims.
fn claims_without(names: &[&str]) -> Value {
    let mut claims = claims(&json!({}));
    for name in names {
        claims.as_object_mut().unwrap().remove(*name);
    }
    claims
}

/// A validly signed HS256 token with `claims(extra)`.
fn token(extra: &Value) -> String {
    signed(HS256, &claims(extra).to_string())
}

/// The three segments of a token.
fn segments(token: &str) -> (&str, &str, &str) {
    let mut parts = token.splitn(3, '.');
    (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    )
}
