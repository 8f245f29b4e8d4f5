//! actix-web integration: the per-App middleware, the guard extractor the
//! attributes inject, explicit extractors, and `verify_*_in_request` for custom guards.

use std::future::{Future, Ready, ready};
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use actix_web::body::EitherBody;
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::{InternalError, JsonPayloadError, PayloadError};
use actix_web::http::header;
use actix_web::rt::time::timeout;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::{FutureExt, StreamExt, stream};
use serde::de::{DeserializeOwned, IgnoredAny};
use tokio::sync::oneshot;

use crate::claims::Claims;
use crate::config::TokenLocation;
use crate::context::{self, Ambient, RequestJwt, Verified};
use crate::error::JwtError;
use crate::locations::{self, Locations};
use crate::manager::JwtManager;
use crate::verify::{self, Mode};

/// The middleware `.wrap(manager.clone())` installs: makes the manager the
/// ambient one for every request of the App (Python's `JWTManager(app)`).
#[doc(hidden)]
#[derive(Debug)]
pub struct JwtMiddleware<S> {
    service: S,
    manager: JwtManager,
}

/// One line per App, like `JWTManager(app)`.
///
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use jwt_runtime::{JwtConfig, JwtManager};
///
/// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
/// let app = App::new().wrap(manager.clone()).route("/", web::get().to(HttpResponse::Ok));
/// # let _ = app;
/// # Ok::<(), jwt_runtime::ConfigError>(())
/// ```
impl<S, B> Transform<S, ServiceRequest> for JwtManager
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = JwtMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(JwtMiddleware {
            service,
            manager: self.clone(),
        }))
    }
}

impl<S, B> Service<ServiceRequest> for JwtMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = JwtResponseFuture<S::Future>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let ambient = Ambient::new(self.manager.clone());
        JwtResponseFuture {
            inner: context::scope_ambient(ambient, self.service.call(req)),
        }
    }
}

pin_project_lite::pin_project! {
    /// The App's response, with a [`JwtError`] a handler returned answered by the loaders.
    #[doc(hidden)]
    pub struct JwtResponseFuture<F> {
        #[pin]
        inner: tokio::task::futures::TaskLocalFuture<Ambient, F>,
    }
}

impl<F, B> Future for JwtResponseFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut inner = self.project().inner;
        let response = ready!(inner.as_mut().poll(cx))?;
        let Some(error) = response
            .response()
            .error()
            .and_then(|e| e.as_error::<JwtError>())
            .cloned()
        else {
            return Poll::Ready(Ok(response.map_into_left_body()));
        };
        let Some(ambient) = inner.take_value() else {
            return Poll::Ready(Ok(response.map_into_left_body()));
        };
        // `?` on a JwtError in a handler: answer through the loaders, as the reference's
        // app-level error handlers do.
        let (request, _) = response.into_parts();
        let answer = verify::error_response(&ambient.manager, &request, &error);
        Poll::Ready(Ok(
            ServiceResponse::new(request, answer).map_into_right_body()
        ))
    }
}

/// Whether this request's token may be in its body (JSON location, or a CSRF form field).
fn needs_body(manager: &JwtManager, req: &HttpRequest, locations: Option<Locations>) -> bool {
    let inner = &*manager.inner;
    let locations =
        locations.unwrap_or_else(|| Locations::from_slice(&inner.config.token_location));
    let headers = req.headers();
    (locations.contains(TokenLocation::Json)
        && locations::is_json(headers)
        && !locations::settled_before_json(inner, req, locations.as_slice()))
        || (inner.config.csrf_check_form
            && inner.config.cookie_csrf_protect
            && locations.contains(TokenLocation::Cookies)
            && locations::is_form(headers))
}

/// The request body, read for verification and handed on to the handler's own extractors.
struct BodyTap {
    original: Payload,
    forward: oneshot::Sender<(Bytes, Payload)>,
    /// Most bytes read; a longer body is refused.
    limit: usize,
    /// The declared `Content-Length`, within `limit`.
    declared: Option<usize>,
}

impl BodyTap {
    /// Checks the declared length against the limits, then takes the payload and leaves
    /// in its place one that replays what this tap reads. A refused body is not read.
    fn install(
        manager: &JwtManager,
        req: &HttpRequest,
        payload: &mut Payload,
    ) -> Result<Self, JwtError> {
        let limit = manager.inner.config.json_body_limit;
        let declared = declared_length(req);
        if let Some(length) = declared {
            refuse_declared(req, limit, length)?;
        }
        let original = payload.take();
        let (forward, receive) = oneshot::channel::<(Bytes, Payload)>();
        let replay = stream::once(receive)
            .map(|received| match received {
                Ok((head, rest)) => stream::once(ready(Ok(head)))
                    .filter(|chunk| ready(!matches!(chunk, Ok(b) if b.is_empty())))
                    .chain(rest)
                    .left_stream(),
                Err(_) => stream::once(ready(Err(PayloadError::Incomplete(None)))).right_stream(),
            })
            .flatten();
        *payload = Payload::Stream {
            payload: Box::pin(replay),
        };
        Ok(BodyTap {
            original,
            forward,
            limit,
            declared,
        })
    }

    /// Reads the whole body and forwards it. `Ok(None)`: the body is broken (the
    /// handler's extractors get the same error). A body over the limit is refused as
    /// soon as it passes it, and nothing is forwarded.
    async fn read(mut self) -> Result<Option<Bytes>, JwtError> {
        // A body in one chunk is kept as it came; a second chunk starts a buffer.
        let mut first: Option<Bytes> = None;
        let mut buffer = BytesMut::new();
        let mut length = 0_usize;
        let error = loop {
            match self.original.next().await {
                None => break None,
                Some(Ok(chunk)) => {
                    length = length.saturating_add(chunk.len());
                    if length > self.limit {
                        return Err(JwtError::BodyTooLarge(Some(self.limit)));
                    }
                    if first.is_none() && buffer.is_empty() {
                        first = Some(chunk);
                        continue;
                    }
                    if let Some(head) = first.take() {
                        let expected = self.declared.unwrap_or(0).max(length);
                        buffer.reserve(expected);
                        buffer.extend_from_slice(&head);
                    }
                    buffer.extend_from_slice(&chunk);
                }
                Some(Err(error)) => break Some(error),
            }
        };
        let body = first.unwrap_or_else(|| buffer.freeze());
        let (rest, complete) = match error {
            None => (Payload::None, true),
            Some(error) => {
                let rest: Payload = Payload::Stream {
                    payload: Box::pin(stream::once(ready(Err(error)))),
                };
                (rest, false)
            }
        };
        let _ = self.forward.send((body.clone(), rest));
        Ok(complete.then_some(body))
    }
}

/// The `Content-Length` the request declares, if it has a valid one.
fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Refuses a declared length over one of the limits, in this order: `JWT_JSON_BODY_LIMIT`,
/// the App's `web::JsonConfig` limit (JSON bodies), its `web::PayloadConfig` limit. The
/// error names the limit that refused the body when it is known.
fn refuse_declared(req: &HttpRequest, limit: usize, length: usize) -> Result<(), JwtError> {
    if length > limit {
        return Err(JwtError::BodyTooLarge(Some(limit)));
    }
    if locations::is_json(req.headers())
        && let Some(limit) = json_config_refuses(req)
    {
        return Err(JwtError::BodyTooLarge(Some(limit)));
    }
    if payload_config_refuses(req) {
        return Err(JwtError::BodyTooLarge(None));
    }
    Ok(())
}

// actix-web 4 keeps the `JsonConfig` and `PayloadConfig` limits private, so the two
// probes below ask the extractors themselves. Each compares the declared length with
// its limit as soon as it is built. The probe's payload never yields: the real body is
// neither read nor waited for, and a length within the limit leaves the probe pending.

/// A payload that never yields a chunk.
fn pending_payload() -> Payload {
    Payload::Stream {
        payload: Box::pin(stream::pending()),
    }
}

/// The App's `web::JsonConfig` limit, when the declared length is over it. With the
/// config's own error handler, whose error hides the limit, the handler's `web::Json`
/// refuses the body instead, after authentication.
fn json_config_refuses(req: &HttpRequest) -> Option<usize> {
    if req.app_data::<web::JsonConfig>().is_none()
        && req.app_data::<web::Data<web::JsonConfig>>().is_none()
    {
        return None;
    }
    let probe = web::Json::<IgnoredAny>::from_request(req, &mut pending_payload());
    match probe
        .now_or_never()?
        .err()?
        .as_error::<JsonPayloadError>()?
    {
        JsonPayloadError::OverflowKnownLength { limit, .. } => Some(*limit),
        _ => None,
    }
}

/// Whether the declared length is over the App's `web::PayloadConfig` limit (whose value
/// actix does not report).
fn payload_config_refuses(req: &HttpRequest) -> bool {
    if req.app_data::<web::PayloadConfig>().is_none()
        && req.app_data::<web::Data<web::PayloadConfig>>().is_none()
    {
        return false;
    }
    let probe = Bytes::from_request(req, &mut pending_payload());
    matches!(
        probe.now_or_never(),
        Some(Err(error)) if matches!(error.as_error::<PayloadError>(), Some(PayloadError::Overflow))
    )
}

/// Extraction shared by the guard and the explicit extractors.
fn extract(
    req: &HttpRequest,
    payload: &mut Payload,
    mode: Mode,
    locations: Option<Locations>,
) -> impl Future<Output = Result<RequestJwt, actix_web::Error>> + 'static {
    let req = req.clone();
    let manager = context::current_manager();
    // No payload (`verify_jwt_in_request`, or a request without a body): nothing to read.
    let tap = match &manager {
        Ok(manager)
            if !matches!(payload, Payload::None) && needs_body(manager, &req, locations) =>
        {
            Some(BodyTap::install(manager, &req, payload))
        }
        _ => None,
    };
    async move {
        let manager = manager.map_err(|error| {
            let response = verify::default_response("msg", &error);
            tracing::error!("{error}");
            InternalError::from_response(error, response)
        })?;
        let refuse = |error: JwtError| -> actix_web::Error {
            let response = verify::error_response(&manager, &req, &error);
            InternalError::from_response(error, response).into()
        };
        let body = match tap {
            None => None,
            Some(Err(error)) => return Err(refuse(error)),
            Some(Ok(tap)) => {
                let deadline = manager.inner.config.json_body_timeout;
                match timeout(deadline, tap.read()).await {
                    Ok(Ok(body)) => body,
                    Ok(Err(error)) => return Err(refuse(error)),
                    Err(_) => return Err(refuse(JwtError::BodyTimeout)),
                }
            }
        };
        verify::verify_request(&manager, &req, body.as_deref(), mode, locations)
            .await
            .map_err(|(error, response)| InternalError::from_response(error, response).into())
    }
}

/// The hidden first argument the guard attributes add to a handler.
#[doc(hidden)]
#[derive(Debug)]
pub struct Guard<const MODE: u8, const LOCATIONS: u16>(pub RequestJwt);

impl<const MODE: u8, const LOCATIONS: u16> FromRequest for Guard<MODE, LOCATIONS> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = extract(
            req,
            payload,
            Mode::from_code(MODE),
            Locations::from_code(LOCATIONS),
        );
        Box::pin(async move { verified.await.map(Guard) })
    }
}

/// A verified access token, as an explicit extractor (the `jwt_required` check).
///
/// Unlike the attributes, it does not make the token ambient: read it from the value.
///
/// ```
/// use jwt_runtime::prelude::*;
///
/// #[get("/me")]
/// async fn me(jwt: Jwt) -> impl Responder {
///     HttpResponse::Ok().json(json!({ "identity": jwt.claims().identity_value() }))
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Jwt(Rc<Verified>);

impl Jwt {
    /// The verified claims.
    ///
    /// ```
    /// # use jwt_runtime::prelude::*;
    /// async fn handler(jwt: Jwt) -> String { jwt.claims().token_type().to_string() }
    /// ```
    #[must_use]
    pub fn claims(&self) -> &Claims {
        &self.0.claims
    }

    /// The identity, deserialised.
    ///
    /// # Errors
    /// When the identity does not deserialise into `T`.
    ///
    /// ```
    /// # use jwt_runtime::prelude::*;
    /// async fn handler(jwt: Jwt) -> String { jwt.identity::<String>().unwrap_or_default() }
    /// ```
    pub fn identity<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        self.0.claims.identity()
    }

    /// The user loaded by the user loader, if any and if it is a `U`.
    ///
    /// ```
    /// # use jwt_runtime::prelude::*;
    /// struct User;
    /// async fn handler(jwt: Jwt) -> String { jwt.user::<User>().is_some().to_string() }
    /// ```
    #[must_use]
    pub fn user<U: 'static>(&self) -> Option<Rc<U>> {
        self.0
            .user
            .get()
            .cloned()
            .and_then(|user| user.downcast::<U>().ok())
    }

    /// Runs `future` with this token ambient, so `get_jwt_identity()` and friends see it.
    ///
    /// ```
    /// # use jwt_runtime::prelude::*;
    /// async fn handler(jwt: Jwt) -> String {
    ///     jwt.scope(async { get_jwt_identity::<String>().unwrap_or_default() }).await
    /// }
    /// ```
    pub fn scope<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
        context::scope_request(Some(Rc::clone(&self.0)), future)
    }
}

impl FromRequest for Jwt {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = extract(req, payload, Mode::Required, None);
        Box::pin(async move { required(verified.await) })
    }
}

fn required(jwt: Result<RequestJwt, actix_web::Error>) -> Result<Jwt, actix_web::Error> {
    match jwt? {
        Some(verified) => Ok(Jwt(verified)),
        // Only the optional mode lets a request through without a token.
        None => Err(anonymous()),
    }
}

/// A `JwtError` as an actix error: the App's middleware answers it through the loaders
/// (and logs it when it is internal), with the configured message key.
fn answered(error: JwtError) -> actix_web::Error {
    error.into()
}

fn anonymous() -> actix_web::Error {
    answered(JwtError::NoAuthorization(
        "No verified token for this request".to_owned(),
    ))
}

/// The identity of a verified access token, deserialised, as an extractor.
///
/// ```
/// use jwt_runtime::prelude::*;
///
/// #[get("/hello")]
/// async fn hello(Identity(name): Identity<String>) -> String {
///     format!("hello {name}")
/// }
/// ```
#[derive(Debug)]
pub struct Identity<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Identity<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = extract(req, payload, Mode::Required, None);
        Box::pin(async move {
            let jwt = required(verified.await)?;
            jwt.identity::<T>()
                .map(Identity)
                .map_err(|e| answered(JwtError::InvalidToken(format!("Invalid identity: {e}"))))
        })
    }
}

/// The user the user loader returned, as an extractor (the `jwt_required` check).
///
/// ```
/// use jwt_runtime::prelude::*;
///
/// struct User { name: String }
///
/// #[get("/me")]
/// async fn me(user: CurrentUser<User>) -> String {
///     user.name.clone()
/// }
/// ```
#[derive(Debug)]
pub struct CurrentUser<U>(pub Rc<U>);

impl<U> std::ops::Deref for CurrentUser<U> {
    type Target = U;

    fn deref(&self) -> &U {
        &self.0
    }
}

impl<U: 'static> FromRequest for CurrentUser<U> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = extract(req, payload, Mode::Required, None);
        let _: PhantomData<U> = PhantomData;
        Box::pin(async move {
            let jwt = required(verified.await)?;
            jwt.user::<U>().map(CurrentUser).ok_or_else(|| {
                answered(JwtError::Internal(format!(
                    "CurrentUser<{}> needs a user_loader_callback_loader returning that type",
                    std::any::type_name::<U>()
                )))
            })
        })
    }
}

async fn verify_in_request(req: &HttpRequest, mode: Mode) -> Result<Option<Jwt>, actix_web::Error> {
    let mut payload = Payload::None;
    let verified = extract(req, &mut payload, mode, None).await?;
    // As in Python, the verified token is then the request's for the rest of it.
    context::set_request_verified(verified.clone());
    Ok(verified.map(Jwt))
}

/// Python's `verify_jwt_in_request()`, for custom guards (the "custom decorators" pattern).
///
/// Reads headers, cookies and the query string; a JSON-body token needs an attribute
/// or extractor, which can reach the body. Once verified, the token is the request's:
/// [`get_jwt_identity`](crate::get_jwt_identity) and friends see it in the handler.
///
/// # Errors
/// The response to send instead (the loaders' or the default one).
///
/// ```
/// use jwt_runtime::prelude::*;
///
/// /// Python's `admin_required` decorator as an extractor.
/// struct Admin;
///
/// impl FromRequest for Admin {
///     type Error = actix_web::Error;
///     type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;
///
///     fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
///         let req = req.clone();
///         Box::pin(async move {
///             verify_jwt_in_request(&req).await?;
///             if get_jwt_claims()["roles"] == "admin" {
///                 Ok(Admin)
///             } else {
///                 let answer = HttpResponse::Forbidden().json(json!({ "msg": "Admins only!" }));
///                 Err(actix_web::error::InternalError::from_response("Admins only!", answer).into())
///             }
///         })
///     }
/// }
///
/// // As after Python's `verify_jwt_in_request()`, the token is the request's from then on.
/// #[get("/admin")]
/// async fn admin_only(_: Admin) -> impl Responder {
///     HttpResponse::Ok().json(json!({ "admin": get_jwt_identity::<String>() }))
/// }
/// ```
pub async fn verify_jwt_in_request(req: &HttpRequest) -> Result<Jwt, actix_web::Error> {
    required(Ok(verify_in_request(req, Mode::Required)
        .await?
        .map(|jwt| jwt.0)))
}

/// Python's `verify_jwt_in_request_optional()`: `Ok(None)` when no token was sent.
///
/// # Errors
/// As [`verify_jwt_in_request`], except for a missing token or a malformed header.
///
/// ```
/// # use jwt_runtime::prelude::*;
/// async fn handler(req: HttpRequest) -> actix_web::Result<String> {
///     let jwt = verify_jwt_in_request_optional(&req).await?;
///     Ok(jwt.map_or("anonymous".to_owned(), |jwt| jwt.identity::<String>().unwrap_or_default()))
/// }
/// ```
pub async fn verify_jwt_in_request_optional(
    req: &HttpRequest,
) -> Result<Option<Jwt>, actix_web::Error> {
    verify_in_request(req, Mode::Optional).await
}

/// Python's `verify_fresh_jwt_in_request()`.
///
/// # Errors
/// As [`verify_jwt_in_request`], and "Fresh token required" for a non-fresh token.
///
/// ```
/// # use jwt_runtime::prelude::*;
/// async fn handler(req: HttpRequest) -> actix_web::Result<String> {
///     let jwt = verify_fresh_jwt_in_request(&req).await?;
///     Ok(jwt.identity::<String>().unwrap_or_default())
/// }
/// ```
pub async fn verify_fresh_jwt_in_request(req: &HttpRequest) -> Result<Jwt, actix_web::Error> {
    required(Ok(verify_in_request(req, Mode::Fresh)
        .await?
        .map(|jwt| jwt.0)))
}

/// Python's `verify_jwt_refresh_token_in_request()`.
///
/// # Errors
/// As [`verify_jwt_in_request`], and "Only refresh tokens are allowed" for an access token.
///
/// ```
/// # use jwt_runtime::prelude::*;
/// async fn handler(req: HttpRequest) -> actix_web::Result<String> {
///     let jwt = verify_jwt_refresh_token_in_request(&req).await?;
///     Ok(jwt.identity::<String>().unwrap_or_default())
/// }
/// ```
pub async fn verify_jwt_refresh_token_in_request(
    req: &HttpRequest,
) -> Result<Jwt, actix_web::Error> {
    required(Ok(verify_in_request(req, Mode::Refresh)
        .await?
        .map(|jwt| jwt.0)))
}
