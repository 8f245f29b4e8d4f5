//! Token locations through real requests (the reference's options, messages and getters):
//! the `Authorization` header, the query string, the JSON body, cookies with the CSRF
//! double submit, the `Set-Cookie` lines of the cookie helpers, several locations in
//! order, the per-route `locations = [...]` override, and one browser-plus-API scenario.
//!
//! Every failure case checks the status, the exact JSON body and that the handler did
//! not run (a per-test [`Hits`] counter handed to the handlers as `web::Data`).

mod browser_and_api;
mod cookies;
mod headers;
mod json_body;
mod query_string;
mod set_cookie;
mod several_locations;

use std::collections::HashMap;
use std::time::Duration;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::ContentType;
use actix_web::route;
use actix_web::test::TestRequest;
use actix_web::{HttpResponse, get, post, web};
use jwt_runtime::config::TokenLocation;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{Hits, SECRET, call};
use serde_json::Value;
use serde_json::json;

// ---------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------

fn config() -> JwtConfig {
    JwtConfig::default().secret_key(SECRET)
}

fn located(locations: impl IntoIterator<Item = TokenLocation>) -> JwtConfig {
    config().token_location(locations)
}

fn build(config: JwtConfig) -> JwtManager {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .build()
        .expect("valid configuration")
}

/// An App with every handler of this binary, the manager and the hit counter.
macro_rules! app {
    ($manager:expr, $hits:expr) => {
        ::actix_web::test::init_service(
            ::actix_web::App::new()
                .wrap($manager.clone())
                .app_data($hits.clone())
                .service($crate::protected)
                .service($crate::refresh_route)
                .service($crate::optional)
                .service($crate::json_echo)
                .service($crate::form_echo)
                .service($crate::override_cookies)
                .service($crate::override_headers)
                .service($crate::override_cookies_headers)
                .service($crate::login)
                .service($crate::login_max_age)
                .service($crate::login_max_age_zero)
                .service($crate::logout)
                .service($crate::cookie_helpers_errors)
                .service($crate::token_refresh),
        )
        .await
    };
}
pub(crate) use app;

/// The request is refused with `status` and `{"msg": msg}`, and no handler runs.
async fn expect_err<S, B>(app: &S, hits: &Hits, req: Request, status: u16, msg: &str)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = hits.count();
    let reply = call(app, req).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body),
        (status, &json!({ "msg": msg })),
        "raw body: {:?}",
        reply.text()
    );
    assert_eq!(
        reply.text(),
        format!("{}\n", json!({ "msg": msg })),
        "compact body + newline"
    );
    assert_eq!(hits.count(), before, "the handler must not run");
}

/// The request succeeds (200) and the handler runs once; returns the JSON body.
async fn expect_ok<S, B>(app: &S, hits: &Hits, req: Request) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = hits.count();
    let reply = call(app, req).await;
    assert_eq!(reply.status, 200, "raw body: {:?}", reply.text());
    assert_eq!(hits.count(), before + 1, "the handler must run once");
    reply.body
}

fn access_cookie(token: &str) -> Cookie<'static> {
    Cookie::new("access_token_cookie", token.to_owned())
}

fn refresh_cookie(token: &str) -> Cookie<'static> {
    Cookie::new("refresh_token_cookie", token.to_owned())
}

fn form_post(uri: &str, body: &str) -> TestRequest {
    TestRequest::post()
        .uri(uri)
        .insert_header(ContentType::form_url_encoded())
        .set_payload(body.to_owned())
}

const ALICE: &str = "alice";

// ---------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------

#[route(
    "/protected",
    method = "GET",
    method = "POST",
    method = "PUT",
    method = "PATCH",
    method = "DELETE"
)]
#[jwt_required]
async fn protected(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[route("/refresh", method = "GET", method = "POST")]
#[jwt_refresh_token_required]
async fn refresh_route(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[route("/optional", method = "GET", method = "POST")]
#[jwt_optional]
async fn optional(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

/// Reads the body itself after the guard took the token from it.
#[post("/json_echo")]
#[jwt_required]
async fn json_echo(hits: web::Data<Hits>, body: web::Json<Value>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({
        "identity": get_jwt_identity::<String>(),
        "body": body.into_inner(),
    }))
}

/// Reads the form itself after the guard took the CSRF field from it.
#[post("/form_echo")]
#[jwt_required]
async fn form_echo(
    hits: web::Data<Hits>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({
        "identity": get_jwt_identity::<String>(),
        "form": form.into_inner(),
    }))
}

#[route("/override/cookies", method = "GET", method = "POST")]
#[jwt_required(locations = [cookies])]
async fn override_cookies(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[get("/override/headers")]
#[jwt_required(locations = [headers])]
async fn override_headers(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[get("/override/cookies_headers")]
#[jwt_required(locations = [cookies, headers])]
async fn override_cookies_headers(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

/// Python's cookie login: access then refresh cookies, tokens also in the body.
#[post("/login")]
async fn login() -> Result<HttpResponse, JwtError> {
    let access = create_access_token(&ALICE)?;
    let refresh = create_refresh_token(&ALICE)?;
    let mut response = HttpResponse::Ok();
    set_access_cookies(&mut response, &access)?;
    set_refresh_cookies(&mut response, &refresh)?;
    Ok(response.json(json!({ "access_token": access, "refresh_token": refresh })))
}

#[post("/login_max_age")]
async fn login_max_age() -> Result<HttpResponse, JwtError> {
    let mut response = HttpResponse::Ok();
    set_access_cookies_with(
        &mut response,
        &create_access_token(&ALICE)?,
        &CookieOptions::default().max_age(Duration::from_hours(1)),
    )?;
    set_refresh_cookies_with(
        &mut response,
        &create_refresh_token(&ALICE)?,
        &CookieOptions::default().max_age(Duration::from_hours(2)),
    )?;
    Ok(response.finish())
}

/// `max_age=0` is falsy in the reference: the configured lifetime applies.
#[post("/login_max_age_zero")]
async fn login_max_age_zero() -> Result<HttpResponse, JwtError> {
    let mut response = HttpResponse::Ok();
    set_access_cookies_with(
        &mut response,
        &create_access_token(&ALICE)?,
        &CookieOptions::default().max_age(Duration::ZERO),
    )?;
    Ok(response.finish())
}

#[post("/logout")]
async fn logout() -> Result<HttpResponse, JwtError> {
    let mut response = HttpResponse::Ok();
    unset_jwt_cookies(&mut response)?;
    Ok(response.json(json!({ "logout": true })))
}

/// The cookie helpers' errors, reported by the caller (port decision: an error value, not a panic).
#[post("/cookie_helpers_errors")]
async fn cookie_helpers_errors() -> Result<HttpResponse, JwtError> {
    let access = create_access_token(&ALICE)?;
    let refresh = create_refresh_token(&ALICE)?;
    let mut response = HttpResponse::Ok();
    let errors = [
        set_access_cookies(&mut response, &access).err(),
        set_refresh_cookies(&mut response, &refresh).err(),
        unset_jwt_cookies(&mut response).err(),
        unset_access_cookies(&mut response).err(),
        unset_refresh_cookies(&mut response).err(),
    ]
    .map(|e| e.map(|e| e.to_string()));
    Ok(response.json(json!({ "errors": errors })))
}

/// The browser's refresh: a new access token in the access cookies (and the body).
#[post("/token/refresh")]
#[jwt_refresh_token_required]
async fn token_refresh(hits: web::Data<Hits>) -> Result<HttpResponse, JwtError> {
    hits.hit();
    let identity = get_jwt_identity::<String>().unwrap_or_default();
    let access = create_access_token(&identity)?;
    let mut response = HttpResponse::Ok();
    set_access_cookies(&mut response, &access)?;
    Ok(response.json(json!({ "refreshed": identity, "access_token": access })))
}
