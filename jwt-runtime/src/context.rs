//! Per-request state: the ambient manager (Python's `current_app`) and the verified
//! token of the request (Python's `ctx.jwt`, `ctx.jwt_header`, `ctx.jwt_user`), in one
//! store: the task-local the App's middleware scopes around the request's future.
//!
//! It is visible in the handler (plain or `async`), in its extractors and loaders, and
//! in any code the handler awaits, but not across `tokio::spawn` / `actix_rt::spawn`
//! (pass the values you need into a spawned task, or use the [`Jwt`](crate::Jwt)
//! extractor). When one request is verified twice (a guard attribute and a [`Jwt`](crate::Jwt)
//! extractor with other locations, say), the token of the last verification to finish
//! is the request's; a refused one never is.

use std::cell::{OnceCell, RefCell};
use std::future::Future;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::claims::Claims;
use crate::error::JwtError;
use crate::loaders::UserObject;
use crate::manager::JwtManager;
use crate::token::{DecodeOptions, TokenOptions};
use crate::types::TokenLocation;

/// What a request runs under (set by the middleware): the App's manager, and the token
/// verified for this request (by a guard attribute, an extractor or
/// [`verify_jwt_in_request`](crate::verify_jwt_in_request)).
pub(crate) struct Ambient {
    pub(crate) manager: JwtManager,
    verified: RefCell<Option<Rc<Verified>>>,
    /// A token refused after it was decoded (not fresh, claims or user refused): shown
    /// only to the loaders answering that refusal, never to the rest of the request.
    refused: RefCell<Option<Rc<Verified>>>,
}

impl Ambient {
    pub(crate) fn new(manager: JwtManager) -> Self {
        Ambient {
            manager,
            verified: RefCell::new(None),
            refused: RefCell::new(None),
        }
    }

    /// The request's verified token, if any (read by the middleware once the handler
    /// has answered).
    pub(crate) fn verified(&self) -> Option<Rc<Verified>> {
        self.verified.borrow().clone()
    }
}

/// The request's verified token, if any.
pub(crate) fn current_verified() -> Option<Rc<Verified>> {
    AMBIENT.try_with(Ambient::verified).ok().flatten()
}

/// The verified token of a request, and the user loaded for it.
pub(crate) struct Verified {
    pub(crate) claims: Claims,
    pub(crate) user: OnceCell<UserObject>,
    /// Where the token was found.
    pub(crate) location: TokenLocation,
    /// Whether the route rotates refresh tokens (its attribute's `rotate`).
    pub(crate) rotate: bool,
}

impl std::fmt::Debug for Verified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verified")
            .field("claims", &self.claims)
            .field("user_loaded", &self.user.get().is_some())
            .field("location", &self.location)
            .field("rotate", &self.rotate)
            .finish()
    }
}

impl Verified {
    pub(crate) fn new(claims: Claims, location: TokenLocation, rotate: bool) -> Self {
        Verified {
            claims,
            user: OnceCell::new(),
            location,
            rotate,
        }
    }
}

tokio::task_local! {
    static AMBIENT: Ambient;
}

pub(crate) fn scope_ambient<F: Future>(
    ambient: Ambient,
    future: F,
) -> tokio::task::futures::TaskLocalFuture<Ambient, F> {
    AMBIENT.scope(ambient, future)
}

/// Runs `f` with `ambient` in scope: the middleware answering an error after the
/// request's future has finished. A token refused after decoding is the request's token
/// again while the loaders answer the refusal, as they saw it before.
pub(crate) fn with_ambient<R>(ambient: Ambient, f: impl FnOnce(&Ambient) -> R) -> R {
    if let Some(refused) = ambient.refused.take() {
        drop(ambient.verified.replace(Some(refused)));
    }
    in_scope(ambient, f)
}

/// Runs `f` with `ambient` in scope as it is (a refused token stays refused): the
/// middleware working on a response after the request's future has finished.
pub(crate) fn in_scope<R>(ambient: Ambient, f: impl FnOnce(&Ambient) -> R) -> R {
    AMBIENT.sync_scope(ambient, || AMBIENT.with(f))
}

/// The App's `JWT_ERROR_MESSAGE_KEY` for this request (`msg` outside an App).
pub(crate) fn error_message_key() -> String {
    AMBIENT
        .try_with(|a| a.manager.inner.config.error_message_key.clone())
        .unwrap_or_else(|_| "msg".to_owned())
}

/// Makes `jwt` the verified token for the rest of the request (Python's
/// `verify_jwt_in_request()` storing `ctx.jwt`), `None` for an anonymous optional
/// request; returns the token it replaces.
pub(crate) fn replace_verified(jwt: Option<Rc<Verified>>) -> Option<Rc<Verified>> {
    // `replace` releases the borrow before the old token (and its user) is dropped.
    AMBIENT.try_with(|a| a.verified.replace(jwt)).ok().flatten()
}

/// A token refused after decoding: the request's token is `previous` again (nothing
/// that runs later sees the refused one), and `refused` is kept for the loaders that
/// answer the refusal.
pub(crate) fn refuse(refused: Rc<Verified>, previous: Option<Rc<Verified>>) {
    let replaced = AMBIENT.try_with(|a| {
        (
            a.verified.replace(previous),
            a.refused.replace(Some(refused)),
        )
    });
    drop(replaced);
}

/// The manager of the App serving the current request.
pub(crate) fn current_manager() -> Result<JwtManager, JwtError> {
    AMBIENT
        .try_with(|a| a.manager.clone())
        .map_err(|_| not_installed())
}

pub(crate) fn not_installed() -> JwtError {
    JwtError::Internal(
        "no JwtManager for this request: add `.wrap(manager.clone())` to the actix App, or call the JwtManager method directly"
            .to_owned(),
    )
}

/// Reads the request's verified token, if any.
fn with_request_jwt<R>(f: impl FnOnce(Option<&Verified>) -> R) -> R {
    let verified = AMBIENT
        .try_with(|a| a.verified.borrow().clone())
        .ok()
        .flatten();
    f(verified.as_deref())
}

/// The identity of the current request's token: Python's `get_jwt_identity()`.
///
/// `None` without a verified token (outside a protected handler, or an anonymous
/// `jwt_optional` request), or when the identity does not deserialise into `T`.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
/// use serde_json::json;
///
/// #[get("/whoami")]
/// #[jwt_required]
/// async fn whoami() -> impl Responder {
///     HttpResponse::Ok().json(json!({ "hello": get_jwt_identity::<String>() }))
/// }
/// ```
#[must_use]
pub fn get_jwt_identity<T: DeserializeOwned>() -> Option<T> {
    with_request_jwt(|jwt| jwt.and_then(|v| v.claims.identity().ok()))
}

/// The user claims of the current request's token (`{}` without one): Python's `get_jwt_claims()`.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
///
/// #[get("/claims")]
/// #[jwt_required]
/// async fn claims() -> impl Responder {
///     HttpResponse::Ok().json(get_jwt_claims())
/// }
/// ```
#[must_use]
pub fn get_jwt_claims() -> Value {
    with_request_jwt(|jwt| {
        jwt.map_or_else(
            || Value::Object(Map::new()),
            |v| v.claims.user_claims_value().clone(),
        )
    })
}

/// The whole verified payload of the current request (`{}` without one): Python's `get_raw_jwt()`.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
///
/// #[get("/raw")]
/// #[jwt_required]
/// async fn raw() -> impl Responder {
///     HttpResponse::Ok().json(get_raw_jwt())
/// }
/// ```
#[must_use]
pub fn get_raw_jwt() -> Map<String, Value> {
    with_request_jwt(|jwt| jwt.map(|v| v.claims.raw().clone()).unwrap_or_default())
}

/// The JOSE header of the current request's token (`{}` without one): Python's `get_raw_jwt_header()`.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
///
/// #[get("/header")]
/// #[jwt_required]
/// async fn header() -> impl Responder {
///     HttpResponse::Ok().json(get_raw_jwt_header())
/// }
/// ```
#[must_use]
pub fn get_raw_jwt_header() -> Map<String, Value> {
    with_request_jwt(|jwt| jwt.map(|v| v.claims.header().clone()).unwrap_or_default())
}

/// 4.x's `get_jwt_header()`: the verified token's JOSE header (empty without a token).
/// The same as [`get_raw_jwt_header`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
///
/// #[get("/header")]
/// #[jwt_required]
/// async fn header() -> impl Responder {
///     HttpResponse::Ok().json(get_jwt_header())
/// }
/// ```
#[must_use]
pub fn get_jwt_header() -> Map<String, Value> {
    get_raw_jwt_header()
}

/// 4.x's `get_jwt_request_location()`: where the request's verified token was found
/// (`None` without one).
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
///
/// #[get("/location")]
/// #[jwt_required]
/// async fn location() -> impl Responder {
///     let location = get_jwt_request_location().map(|l| l.as_str());
///     HttpResponse::Ok().json(serde_json::json!({ "location": location }))
/// }
/// ```
#[must_use]
pub fn get_jwt_request_location() -> Option<TokenLocation> {
    with_request_jwt(|jwt| jwt.map(|v| v.location))
}

/// The verified claims of the current request, if any.
///
/// Cheap: the request's claims are shared, not copied, so borrowing values from them
/// avoids the copies `get_jwt_identity` and `get_jwt_claims` make.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
/// use serde_json::json;
///
/// #[get("/type")]
/// #[jwt_required]
/// async fn token_type() -> impl Responder {
///     let claims = get_jwt().expect("verified");
///     HttpResponse::Ok().json(json!({
///         "type": claims.token_type().to_string(),
///         "identity": claims.identity_value(),
///     }))
/// }
/// ```
#[must_use]
pub fn get_jwt() -> Option<Claims> {
    with_request_jwt(|jwt| jwt.map(|v| v.claims.clone()))
}

/// The user the user loader returned for this request: Python's `get_current_user()`.
///
/// `None` without a user loader, without a token, or when the loader's user type is not `U`.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
/// use serde_json::json;
///
/// struct User { name: String }
///
/// #[get("/me")]
/// #[jwt_required]
/// async fn me() -> impl Responder {
///     let name = get_current_user::<User>().map(|u| u.name.clone());
///     HttpResponse::Ok().json(json!({ "name": name }))
/// }
/// ```
#[must_use]
pub fn get_current_user<U: 'static>() -> Option<Rc<U>> {
    with_request_jwt(|jwt| {
        jwt.and_then(|v| v.user.get().cloned())
            .and_then(|user| user.downcast::<U>().ok())
    })
}

/// Creates an access token with the current App's manager: Python's `create_access_token(identity)`.
///
/// # Errors
/// Outside a request of an App wrapped with a [`JwtManager`], or as
/// [`JwtManager::create_access_token`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
/// use serde_json::json;
///
/// #[post("/login")]
/// async fn login() -> Result<HttpResponse, JwtError> {
///     let token = create_access_token(&"test")?;
///     Ok(HttpResponse::Ok().json(json!({ "access_token": token })))
/// }
/// ```
pub fn create_access_token<I: serde::Serialize + ?Sized>(identity: &I) -> Result<String, JwtError> {
    current_manager()?.create_access_token(identity)
}

/// [`create_access_token`] with Python's keyword arguments.
///
/// # Errors
/// As [`create_access_token`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
/// use serde_json::json;
/// use jwt_runtime::config::Expiry;
///
/// #[post("/create-api-token")]
/// #[jwt_required]
/// async fn create_api_token() -> Result<HttpResponse, JwtError> {
///     let identity = get_jwt_identity::<String>();
///     let token = create_access_token_with(&identity, TokenOptions::default().expires(Expiry::Never))?;
///     Ok(HttpResponse::Created().json(json!({ "token": token })))
/// }
/// ```
pub fn create_access_token_with<I: serde::Serialize + ?Sized>(
    identity: &I,
    options: TokenOptions,
) -> Result<String, JwtError> {
    current_manager()?.create_access_token_with(identity, options)
}

/// Creates a refresh token with the current App's manager: Python's `create_refresh_token(identity)`.
///
/// # Errors
/// As [`create_access_token`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
/// use serde_json::json;
///
/// #[post("/login")]
/// async fn login() -> Result<HttpResponse, JwtError> {
///     Ok(HttpResponse::Ok().json(json!({ "refresh_token": create_refresh_token(&"test")? })))
/// }
/// ```
pub fn create_refresh_token<I: serde::Serialize + ?Sized>(
    identity: &I,
) -> Result<String, JwtError> {
    current_manager()?.create_refresh_token(identity)
}

/// [`create_refresh_token`] with Python's keyword arguments.
///
/// # Errors
/// As [`create_access_token`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
/// use serde_json::json;
/// use jwt_runtime::config::Expiry;
///
/// #[post("/login")]
/// async fn login() -> Result<HttpResponse, JwtError> {
///     let token = create_refresh_token_with(&"test", TokenOptions::default().expires(Expiry::Never))?;
///     Ok(HttpResponse::Ok().json(json!({ "refresh_token": token })))
/// }
/// ```
pub fn create_refresh_token_with<I: serde::Serialize + ?Sized>(
    identity: &I,
    options: TokenOptions,
) -> Result<String, JwtError> {
    current_manager()?.create_refresh_token_with(identity, options)
}

/// Decodes a token with the current App's manager: Python's `decode_token(encoded_token)`.
///
/// # Errors
/// As [`JwtManager::decode_token`]; returned from a handler with `?`, the error
/// answers through the App's loaders, as the reference's app-level handlers do.
///
/// ```
/// use actix_web::{HttpResponse, post};
/// use jwt_runtime::prelude::*;
///
/// #[post("/inspect")]
/// async fn inspect(body: String) -> Result<HttpResponse, JwtError> {
///     let claims = decode_token(body.trim())?;
///     Ok(HttpResponse::Ok().json(claims))
/// }
/// ```
pub fn decode_token(encoded_token: &str) -> Result<Claims, JwtError> {
    current_manager()?.decode_token(encoded_token)
}

/// Python's `decode_token_with(encoded_token, jwt_runtime::DecodeOptions::default().csrf_value(csrf_value=).allow_expired(allow_expired=))` with the current
/// App's manager.
///
/// # Errors
/// As [`JwtManager::decode_token_with`].
///
/// ```
/// use actix_web::{HttpResponse, post};
/// use jwt_runtime::prelude::*;
///
/// #[post("/inspect-expired")]
/// async fn inspect(body: String) -> Result<HttpResponse, JwtError> {
///     let claims = decode_token_with(body.trim(), DecodeOptions::default().allow_expired(true))?;
///     Ok(HttpResponse::Ok().json(claims))
/// }
/// ```
pub fn decode_token_with(
    encoded_token: &str,
    options: DecodeOptions<'_>,
) -> Result<Claims, JwtError> {
    current_manager()?.decode_token_with(encoded_token, options)
}

/// Python's `get_jti(encoded_token)` with the current App's manager.
///
/// # Errors
/// As [`decode_token`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
/// use serde_json::json;
///
/// #[post("/jti")]
/// async fn jti(body: String) -> Result<HttpResponse, JwtError> {
///     Ok(HttpResponse::Ok().json(json!({ "jti": get_jti(body.trim())? })))
/// }
/// ```
pub fn get_jti(encoded_token: &str) -> Result<Option<String>, JwtError> {
    current_manager()?.get_jti(encoded_token)
}

/// Python's `get_csrf_token(encoded_token)` with the current App's manager.
///
/// # Errors
/// As [`decode_token`], and when the token has no `csrf` claim.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
/// use serde_json::json;
///
/// #[post("/csrf")]
/// async fn csrf(body: String) -> Result<HttpResponse, JwtError> {
///     Ok(HttpResponse::Ok().json(json!({ "csrf": get_csrf_token(body.trim())? })))
/// }
/// ```
pub fn get_csrf_token(encoded_token: &str) -> Result<String, JwtError> {
    current_manager()?.get_csrf_token(encoded_token)
}

/// Python's `get_unverified_jwt_headers(encoded_token)` with the current App's manager.
///
/// # Errors
/// For a malformed token, or outside a set-up App.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
///
/// #[post("/kid")]
/// async fn kid(body: String) -> Result<HttpResponse, JwtError> {
///     let header = get_unverified_jwt_headers(body.trim())?;
///     Ok(HttpResponse::Ok().json(header.get("kid")))
/// }
/// ```
pub fn get_unverified_jwt_headers(encoded_token: &str) -> Result<Map<String, Value>, JwtError> {
    current_manager()?.get_unverified_jwt_headers(encoded_token)
}
