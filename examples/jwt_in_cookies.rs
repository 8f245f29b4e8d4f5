//! "JWT in Cookies" from the flask-jwt-extended documentation: the tokens travel
//! in `HttpOnly` cookies, out of reach of JavaScript (and so of XSS), with
//! double-submit CSRF protection against the cross-site requests cookies invite.
//!
//! ```text
//! cargo run --example jwt_in_cookies
//!
//! $ curl -c jar -H "Content-Type: application/json" -X POST \
//!     -d '{"username":"test","password":"test"}' http://localhost:5000/token/auth
//! {"login":true}
//!
//! $ curl -b jar http://localhost:5000/api/example
//! {"hello":"from test"}
//!
//! $ curl -b jar -X POST http://localhost:5000/api/example
//! {"msg":"Missing CSRF token"}
//!
//! $ curl -b jar -X POST -H "X-CSRF-TOKEN: <csrf_access_token cookie>" \
//!     http://localhost:5000/api/example
//! {"hello":"from test"}
//! ```
//!
//! How the double submit works: each token carries a random `csrf` value. The
//! token itself goes into an `HttpOnly` cookie; the same random value also goes
//! into a second, readable cookie (`csrf_access_token`, `csrf_refresh_token`).
//! The site's JavaScript copies that value into an `X-CSRF-TOKEN` header on every
//! `POST`, `PUT`, `PATCH` or `DELETE`; without it, or when it does not match the
//! token, the request is refused (401). A cross-site attacker can make the
//! browser send the cookies, but cannot read the CSRF cookie to fill the header.
//!
//! The cookie paths keep each cookie to where it is needed: the access cookie is
//! only sent to `/api/`, the refresh cookie only to `/token/refresh`.
//! (The page's first, CSRF-free example is this one with
//! `.cookie_csrf_protect(false)`, which is almost never a good idea.)

use actix_web::{App, HttpResponse, HttpServer, post, web};
use jwt_runtime::config::TokenLocation;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

// With CSRF protection on (the default), set_access_cookies() and
// set_refresh_cookies() also set the readable CSRF cookies.
#[post("/token/auth")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let username = body.get("username").and_then(Value::as_str);
    let password = body.get("password").and_then(Value::as_str);
    if username != Some("test") || password != Some("test") {
        return Ok(HttpResponse::Unauthorized().json(json!({"login": false})));
    }

    // Create the tokens we send back to the user.
    let access_token = create_access_token(&username)?;
    let refresh_token = create_refresh_token(&username)?;

    // Set the JWTs and the CSRF double-submit cookies in the response.
    let mut resp = HttpResponse::Ok();
    set_access_cookies(&mut resp, &access_token)?;
    set_refresh_cookies(&mut resp, &refresh_token)?;
    Ok(resp.json(json!({"login": true})))
}

// Same as login, but only a new access cookie is set.
#[post("/token/refresh")]
#[jwt_refresh_token_required]
async fn refresh() -> Result<HttpResponse, JwtError> {
    let current_user = get_jwt_identity::<Value>();
    let access_token = create_access_token(&current_user)?;

    let mut resp = HttpResponse::Ok();
    set_access_cookies(&mut resp, &access_token)?;
    Ok(resp.json(json!({"refresh": true})))
}

// The JWT cookies are HttpOnly, so the frontend cannot delete them to log out:
// the backend answers with cookies that unset them.
#[post("/token/remove")]
async fn logout() -> Result<HttpResponse, JwtError> {
    let mut resp = HttpResponse::Ok();
    unset_jwt_cookies(&mut resp)?;
    Ok(resp.json(json!({"logout": true})))
}

// Protected routes need no change for cookies. A GET needs no CSRF value; a
// POST needs the X-CSRF-TOKEN header.
#[jwt_required]
async fn protected() -> HttpResponse {
    let username = get_jwt_identity::<String>().unwrap_or_default();
    HttpResponse::Ok().json(json!({ "hello": format!("from {username}") }))
}

/// The example's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login).service(refresh).service(logout).service(
        web::resource("/api/example")
            .route(web::get().to(protected))
            .route(web::post().to(protected)),
    );
}

/// The example's configuration: tokens in cookies, with CSRF protection.
#[must_use]
pub fn config() -> JwtConfig {
    JwtConfig::default()
        // Look for the JWTs in cookies only.
        .token_location([TokenLocation::Cookies])
        // Only send the cookies over HTTPS: should be `true` in production.
        .cookie_secure(false)
        // Send the access cookie only to the API, and the refresh cookie only to
        // the refresh route. Optional, but cookies are best not sent where not needed.
        .access_cookie_path("/api/")
        .refresh_cookie_path("/token/refresh")
        // Double-submit CSRF protection (the default, spelled out).
        .cookie_csrf_protect(true)
        // The key the JWTs are signed with.
        .secret_key("super-secret") // Change this!
}

#[allow(
    dead_code,
    reason = "the tests include this file as a module and use `routes` and `config` only"
)]
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    jwt_examples::init_tracing();
    let manager = JwtManager::new(config()).map_err(std::io::Error::other)?;
    let server = HttpServer::new(move || App::new().wrap(manager.clone()).configure(routes))
        .bind(("127.0.0.1", 5000))?;
    println!("listening on 127.0.0.1:5000");
    server.run().await
}
