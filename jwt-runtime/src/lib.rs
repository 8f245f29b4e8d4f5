//! JWT authentication for actix-web 4, in the style of Python's
//! flask-jwt-extended 3.x (and its async twin quart-jwt-extended): the same
//! options, claims, messages and status codes, with decorators as attributes.
//!
//! # Quickstart
//!
//! ```no_run,standalone_crate
//! use jwt_runtime::prelude::*;
//! use actix_web::{App, HttpResponse, HttpServer, Responder, web, get, post};
//! use serde_json::json;
//! use jwt_runtime::{JwtConfig, JwtManager};
//!
//! // Python: @jwt.expired_token_loader
//! #[jwt::expired_token_loader]
//! fn on_expired(token: &Claims) -> HttpResponse {
//!     HttpResponse::Unauthorized().json(json!({
//!         "status": 401,
//!         "sub_status": 42,
//!         "msg": format!("The {} token has expired", token.token_type()),
//!     }))
//! }
//!
//! #[post("/login")]
//! async fn login(body: web::Json<serde_json::Value>) -> Result<HttpResponse, JwtError> {
//!     if body["username"] != "test" || body["password"] != "test" {
//!         return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
//!     }
//!     Ok(HttpResponse::Ok().json(json!({ "access_token": create_access_token(&"test")? })))
//! }
//!
//! // Python: @jwt_required
//! #[get("/protected")]
//! #[jwt_required]
//! async fn protected() -> impl Responder {
//!     HttpResponse::Ok().json(json!({ "hello": get_jwt_identity::<String>() }))
//! }
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     // Python: app.config[...] = ...; JWTManager(app)
//!     let config = JwtConfig::default().secret_key("change-me-to-a-long-random-secret!!");
//!     let manager = JwtManager::new(config).expect("valid JWT configuration");
//!     HttpServer::new(move || App::new().wrap(manager.clone()).service(login).service(protected))
//!         .bind(("127.0.0.1", 5000))?
//!         .run()
//!         .await
//! }
//! ```
//!
//! # The attributes
//!
//! | Python | Rust |
//! |---|---|
//! | `@jwt_required` | [`#[jwt_required]`](macro@jwt_required) |
//! | `@jwt_optional` | [`#[jwt_optional]`](macro@jwt_optional) |
//! | `@fresh_jwt_required` | [`#[fresh_jwt_required]`](macro@fresh_jwt_required) |
//! | `@jwt_refresh_token_required` | [`#[jwt_refresh_token_required]`](macro@jwt_refresh_token_required) |
//! | `@jwt.expired_token_loader` (and the 14 other loaders) | [`#[jwt::expired_token_loader]`](macro@expired_token_loader) ... |
//!
//! Inside a guarded handler, [`get_jwt_identity`], [`get_jwt_claims`], [`get_raw_jwt`],
//! [`get_raw_jwt_header`] and [`get_current_user`] read the verified token.
//!
//! Loaders are registered at link time. A loader defined in a library crate that
//! the binary never names is dropped by the linker; name the crate once with
//! `extern crate my_loaders as _;` (or `use my_loaders as _;`) to keep it.
//!
//! # A tour
//!
//! - **Configuration**: [`JwtConfig`] has every `JWT_*` option of the reference under
//!   its snake-case name, with the same defaults. Build it with the chained setters, or
//!   read the Flask names from the environment with [`JwtConfig::from_env`].
//!   [`JwtManager::new`] validates it once: a bad value is a [`ConfigError`] that names
//!   the option, at start-up.
//! - **The manager**: [`JwtManager`] holds the prepared keys and the loaders. It is
//!   installed per App with `.wrap(manager.clone())`, which makes it the ambient one for
//!   [`create_access_token`] and friends. Its methods work anywhere else (a CLI, a test):
//!   [`JwtManager::create_access_token_with`], [`JwtManager::decode_token`].
//! - **Tokens**: the claim layout is the reference's (`iat`, `nbf`, `jti`, `exp`,
//!   identity, `fresh`, `type`, user claims, `csrf`, `iss`, `aud`). [`TokenOptions`]
//!   carries Python's keyword arguments, and [`Claims`] is the verified, normalised
//!   payload.
//! - **Where tokens come from**: headers, cookies (with CSRF double submit:
//!   [`set_access_cookies`], [`unset_jwt_cookies`]), the query string and JSON bodies,
//!   tried in the order of `JWT_TOKEN_LOCATION`. Any guard can override the order with
//!   `locations = [...]`.
//! - **Errors**: every failure is a [`JwtError`] with the reference's message and status.
//!   A loader (or the default JSON body) answers it. Returned with `?` from a handler, it
//!   goes through the same loaders. A loader that panics is caught: the request gets 500
//!   `Internal server error` as JSON, the panic is logged with the loader's name, and the
//!   connection and the worker go on.
//! - **Diagnostics**: warnings (a weak secret, a cookie setting browsers drop) and
//!   programming errors (an App without `.wrap(manager)`) are `tracing` events; install a
//!   subscriber (`tracing_subscriber::fmt().init()`) to see them. Without one they are
//!   `log` records, so `env_logger` shows them too.
//! - **Methods**: every method is verified, OPTIONS included (the Python library exempts
//!   OPTIONS because Flask answers it before the view; actix would run the handler).
//!   Answer CORS preflights with `actix-cors`, which replies before the guard.
//! - **Custom guards**: [`verify_jwt_in_request`] and its siblings, and the extractors
//!   [`Jwt`], [`JwtIdentity`] and [`CurrentUser`]; each fails with a [`JwtError`] a custom
//!   guard can match on (`JwtError::Expired(_)`, ...).
//! - **Revocation**: `JWT_BLACKLIST_ENABLED` with a `token_in_blacklist_loader`, or a
//!   [`Blocklist`](blocklist::Blocklist) ([`MemoryBlocklist`](blocklist::MemoryBlocklist), or
//!   `RedisBlocklist` with the `redis` feature)
//!   wired in with [`JwtManagerBuilder::blocklist`].
//! - **Sessions** (in the same store, so across servers): [`create_token_pair`] makes a
//!   login's tokens; [`refresh_tokens`] rotates refresh tokens with
//!   `JWT_REFRESH_ROTATION` (or `rotate` on a route), and a spent one presented again
//!   revokes the login ([`macro@refresh_token_reused_loader`]);
//!   [`JwtManager::revoke_all_tokens`] logs an identity out everywhere;
//!   `JWT_IMPLICIT_REFRESH_WINDOW` renews access cookies about to expire.
//! - **Authorization**: `#[jwt_required(scopes = ["items:read"], roles = ["admin"],
//!   check = path::to::fn)]` (on every guard attribute) refuses a verified token that
//!   lacks them with 403 ([`macro@insufficient_scope_loader`]); the requirement is a
//!   compile-time constant. `JWT_WWW_AUTHENTICATE` adds RFC 6750 challenges.
//! - **Your own token source**: a [`macro@token_source_loader`] reads the `custom`
//!   location (`JWT_TOKEN_LOCATION`, or `locations = [custom]`).
//! - **Crypto backend**: jsonwebtoken's `rust_crypto` (the default feature) or
//!   `aws_lc_rs`. Exactly one must be on; otherwise building the manager fails with an
//!   error that says so.

#![warn(missing_debug_implementations)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Config structs mirror the reference option for option, many of them booleans.
#![allow(clippy::struct_excessive_bools)]

mod actix;
mod attributes;
mod authorization;
pub mod blocklist;
mod claims;
pub mod config;
mod context;
pub mod cookies;
mod denied;
mod error;
mod extract;
mod keys;
mod keyset;
mod loaders;
mod locations;
mod manager;
mod payload;
mod sessions;
pub mod testing;
mod token;
mod types;
mod verify;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use crate::attributes::*;
pub use crate::claims::{Claims, FreshClaim};
pub use crate::config::JwtConfig;
pub use crate::context::{
    create_access_token, create_access_token_with, create_refresh_token, create_refresh_token_with,
    decode_token, decode_token_with, get_csrf_token, get_current_user, get_jti, get_jwt,
    get_jwt_claims, get_jwt_header, get_jwt_identity, get_jwt_request_location, get_raw_jwt,
    get_raw_jwt_header, get_unverified_jwt_headers,
};
pub use crate::cookies::{
    CookieOptions, set_access_cookies, set_access_cookies_with, set_refresh_cookies,
    set_refresh_cookies_with, unset_access_cookies, unset_jwt_cookies, unset_jwt_cookies_with,
    unset_refresh_cookies,
};
pub use crate::denied::{Denied, Missing};
pub use crate::error::{ConfigError, ErrorKind, JwtError};
pub use crate::extract::{
    CurrentUser, Jwt, JwtIdentity, VerifyOptions, verify_fresh_jwt_in_request,
    verify_jwt_in_request, verify_jwt_in_request_optional, verify_jwt_in_request_with,
    verify_jwt_refresh_token_in_request,
};
pub use crate::keyset::KeySource;
pub use crate::manager::{JwtManager, JwtManagerBuilder};
pub use crate::sessions::{TokenPair, create_token_pair, refresh_tokens};
pub use crate::token::{DecodeOptions, Fresh, TokenOptions};
/// jsonwebtoken's JWK Set (RFC 7517), for [`JwtManagerBuilder::jwk_set`] and
/// [`JwtManager::jwks`].
pub use jsonwebtoken::jwk::JwkSet;

/// What a handler module needs: `use jwt_runtime::prelude::*;`.
///
/// This library's names only: the guard attributes, `jwt` (so
/// `#[jwt::expired_token_loader]` resolves), the request functions and the types they
/// take and return. Start-up items (the configuration, the manager, blocklists) are at
/// the crate root and in their modules; the items of actix-web and `serde_json` come
/// from those crates.
///
/// ```rust,standalone_crate
/// use actix_web::HttpResponse;
/// use jwt_runtime::prelude::*;
///
/// #[jwt::revoked_token_loader]
/// fn revoked() -> HttpResponse {
///     HttpResponse::NotFound().finish()
/// }
/// ```
pub mod prelude {
    pub use crate as jwt;
    pub use crate::{
        Claims, CookieOptions, CurrentUser, DecodeOptions, Denied, Jwt, JwtError, JwtIdentity,
        TokenOptions, TokenPair, VerifyOptions, create_access_token, create_access_token_with,
        create_refresh_token, create_refresh_token_with, create_token_pair, decode_token,
        decode_token_with, fresh_jwt_required, get_csrf_token, get_current_user, get_jti, get_jwt,
        get_jwt_claims, get_jwt_header, get_jwt_identity, get_jwt_request_location, get_raw_jwt,
        get_raw_jwt_header, get_unverified_jwt_headers, jwt_optional, jwt_refresh_token_required,
        jwt_required, refresh_tokens, set_access_cookies, set_access_cookies_with,
        set_refresh_cookies, set_refresh_cookies_with, unset_access_cookies, unset_jwt_cookies,
        unset_jwt_cookies_with, unset_refresh_cookies, verify_fresh_jwt_in_request,
        verify_jwt_in_request, verify_jwt_in_request_optional, verify_jwt_in_request_with,
        verify_jwt_refresh_token_in_request,
    };
}

/// The README's code blocks, compiled as doctests so the quickstart stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
