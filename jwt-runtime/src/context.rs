//! Per-request state: the ambient manager (Python's `current_app`) and the verified
//! token of the request (Python's `ctx.jwt`, `ctx.jwt_header`, `ctx.jwt_user`).
//!
//! Both live in task-locals scoped around the request's future, so they are visible
//! in the handler and in any `async` code it awaits, but not across `tokio::spawn`
//! / `actix_rt::spawn` (pass the values you need into a spawned task, or use the
//! [`Jwt`](crate::Jwt) extractor).

use std::cell::{OnceCell, RefCell};
use std::future::Future;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::claims::Claims;
use crate::error::JwtError;
use crate::manager::{JwtManager, TokenOptions};
use crate::registry::UserObject;

/// What a request runs under (set by the middleware): the App's manager, and the
/// token a custom guard verified with [`verify_jwt_in_request`](crate::verify_jwt_in_request).
#[doc(hidden)]
pub struct Ambient {
    pub(crate) manager: JwtManager,
    pub(crate) verified: RefCell<RequestJwt>,
}

impl std::fmt::Debug for Ambient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ambient")
            .field("manager", &self.manager)
            .field("verified", &self.verified)
            .finish()
    }
}

impl Ambient {
    pub(crate) fn new(manager: JwtManager) -> Self {
        Ambient {
            manager,
            verified: RefCell::new(None),
        }
    }
}

/// The verified token of a request, and the user loaded for it.
#[doc(hidden)]
pub struct Verified {
    pub(crate) claims: Claims,
    pub(crate) user: OnceCell<UserObject>,
}

impl std::fmt::Debug for Verified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verified")
            .field("claims", &self.claims)
            .field("user_loaded", &self.user.get().is_some())
            .finish()
    }
}

impl Verified {
    pub(crate) fn new(claims: Claims) -> Self {
        Verified {
            claims,
            user: OnceCell::new(),
        }
    }
}

/// What the handler body sees: `None` when `jwt_optional` let an anonymous request through.
#[doc(hidden)]
pub type RequestJwt = Option<Rc<Verified>>;

tokio::task_local! {
    static AMBIENT: Ambient;
    static REQUEST_JWT: RequestJwt;
}

thread_local! {
    /// For plain (non-async) handlers: set while the handler's body runs.
    static SYNC_REQUEST_JWT: RefCell<RequestJwt> = const { RefCell::new(None) };
}

pub(crate) fn scope_ambient<F: Future>(
    ambient: Ambient,
    future: F,
) -> tokio::task::futures::TaskLocalFuture<Ambient, F> {
    AMBIENT.scope(ambient, future)
}

/// The App's `JWT_ERROR_MESSAGE_KEY` for this request (`msg` outside an App).
pub(crate) fn error_message_key() -> String {
    AMBIENT
        .try_with(|a| a.manager.inner.config.error_message_key.clone())
        .unwrap_or_else(|_| "msg".to_owned())
}

/// Makes `jwt` the verified token for the rest of the request (Python's
/// `verify_jwt_in_request()` storing `ctx.jwt`).
pub(crate) fn set_request_verified(jwt: RequestJwt) {
    let _ = AMBIENT.try_with(|a| *a.verified.borrow_mut() = jwt);
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

/// Runs `future` with `jwt` as the request's verified token.
#[doc(hidden)]
pub fn scope_request<F: Future>(
    jwt: RequestJwt,
    future: F,
) -> tokio::task::futures::TaskLocalFuture<RequestJwt, F> {
    REQUEST_JWT.scope(jwt, future)
}

/// Restores the previous synchronous context on drop.
#[doc(hidden)]
#[derive(Debug)]
pub struct SyncScope {
    previous: RequestJwt,
}

impl Drop for SyncScope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        SYNC_REQUEST_JWT.with(|slot| *slot.borrow_mut() = previous);
    }
}

/// Makes `jwt` the request's verified token until the returned guard drops (plain fns).
#[doc(hidden)]
#[must_use]
pub fn enter_sync(jwt: RequestJwt) -> SyncScope {
    let previous = SYNC_REQUEST_JWT.with(|slot| slot.replace(jwt));
    SyncScope { previous }
}

/// The verified token in scope: an async attribute's, else a plain fn attribute's,
/// else the one a custom guard verified for this request.
fn with_request_jwt<R>(f: impl Fn(Option<&Verified>) -> R) -> R {
    REQUEST_JWT
        .try_with(|jwt| f(jwt.as_deref()))
        .unwrap_or_else(|_| {
            SYNC_REQUEST_JWT.with(|slot| match slot.borrow().as_deref() {
                Some(verified) => f(Some(verified)),
                None => AMBIENT
                    .try_with(|a| f(a.verified.borrow().as_deref()))
                    .unwrap_or_else(|_| f(None)),
            })
        })
}

/// The identity of the current request's token: Python's `get_jwt_identity()`.
///
/// `None` without a verified token (outside a protected handler, or an anonymous
/// `jwt_optional` request), or when the identity does not deserialise into `T`.
///
/// ```
/// use jwt_runtime::prelude::*;
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

/// The verified claims of the current request, if any.
///
/// Cheap: the request's claims are shared, not copied, so borrowing values from them
/// avoids the copies `get_jwt_identity` and `get_jwt_claims` make.
///
/// ```
/// use jwt_runtime::prelude::*;
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

/// Decodes a token with the current App's manager: Python's `decode_token(...)`.
///
/// # Errors
/// As [`JwtManager::decode_token`]; returned from a handler with `?`, the error
/// answers through the App's loaders, as the reference's app-level handlers do.
///
/// ```
/// use jwt_runtime::prelude::*;
///
/// #[post("/inspect")]
/// async fn inspect(body: String) -> Result<HttpResponse, JwtError> {
///     let claims = decode_token(body.trim(), None, false)?;
///     Ok(HttpResponse::Ok().json(claims))
/// }
/// ```
pub fn decode_token(
    encoded_token: &str,
    csrf_value: Option<&str>,
    allow_expired: bool,
) -> Result<Claims, JwtError> {
    current_manager()?.decode_token(encoded_token, csrf_value, allow_expired)
}

/// Python's `get_jti(encoded_token)` with the current App's manager.
///
/// # Errors
/// As [`decode_token`].
///
/// ```
/// use jwt_runtime::prelude::*;
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
