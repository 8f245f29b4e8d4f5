//! The four guard attributes × every error path × every loader (set on the builder),
//! through real requests with `actix_web::test`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
#![allow(clippy::too_many_lines, reason = "scenario tests")]

mod attributes;
mod authorization;
mod loaders;
mod options;
mod request_api;

use std::time::{Duration, SystemTime};

use actix_web::{HttpResponse, Responder, get, post, web};
use jwt_runtime::JwtManagerBuilder;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{SECRET, ran};
use serde_json::Value;
use serde_json::json;

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
    let claims = decode_token(&body)?;
    Ok(HttpResponse::Ok().json(claims))
}

/// An in-process App with every handler of this binary, wrapped with `$manager`.
macro_rules! app {
    ($manager:expr) => {
        ::actix_web::test::init_service(
            ::actix_web::App::new()
                .wrap($manager.clone())
                .service($crate::protected)
                .service($crate::optional)
                .service($crate::fresh_route)
                .service($crate::refresh)
                .service($crate::user_route)
                .service($crate::header_route)
                .service($crate::shared_route)
                .service($crate::early)
                .service($crate::with_body)
                .service($crate::decode)
                .route("/sync", ::actix_web::web::get().to($crate::sync_handler)),
        )
        .await
    };
}
pub(crate) use app;
