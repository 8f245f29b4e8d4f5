//! actix-web integration: the per-App middleware (the ambient manager, and the one place
//! a refused request is answered) and reading the body a guard needs before the handler.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use actix_web::body::EitherBody;
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::{InternalError, JsonPayloadError, PayloadError};
use actix_web::http::header;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use futures_util::{FutureExt, StreamExt, stream};
use serde::de::IgnoredAny;
use tokio::sync::oneshot;

use crate::context::{self, Ambient};
use crate::error::JwtError;
use crate::locations::{self, Locations};
use crate::manager::JwtManager;
use crate::sessions;
use crate::types::TokenLocation;
use crate::verify;

/// The middleware `.wrap(manager.clone())` installs: makes the manager the
/// ambient one for every request of the App (Python's `JWTManager(app)`).
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
    /// The App's response, with a [`JwtError`] answered by the loaders.
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
        let mut response = ready!(inner.as_mut().poll(cx))?;
        let Some(error) = response
            .response()
            .error()
            .and_then(|e| e.as_error::<JwtError>())
            .cloned()
        else {
            // The handler has answered; its verified token is still the request's.
            if let Some(ambient) = inner.take_value()
                && !ambient
                    .manager
                    .inner
                    .config
                    .implicit_refresh_window
                    .is_zero()
            {
                context::in_scope(ambient, |ambient| {
                    sessions::implicit::renew_cookie(ambient, response.response_mut());
                });
            }
            return Poll::Ready(Ok(response.map_into_left_body()));
        };
        let Some(ambient) = inner.take_value() else {
            return Poll::Ready(Ok(response.map_into_left_body()));
        };
        // A JwtError from a guard, an extractor or a handler's `?`: answer through the
        // loaders (with the request's token still in scope), as the reference's app-level
        // error handlers do.
        let (request, answered) = response.into_parts();
        let mut answer = context::with_ambient(ambient, |ambient| {
            verify::error_response(&ambient.manager, &request, &error)
        });
        keep_added_headers(&answered, &mut answer);
        // The error stays on the response, for middleware further out.
        let answer = HttpResponse::from_error(InternalError::from_response(error, answer));
        Poll::Ready(Ok(
            ServiceResponse::new(request, answer).map_into_right_body()
        ))
    }
}

/// Headers that middleware inside this one added to the response being replaced (CORS,
/// security headers, a session cookie) are kept on the answer, unless it sets them itself;
/// the body's own headers are the answer's.
fn keep_added_headers<B>(replaced: &HttpResponse<B>, answer: &mut HttpResponse) {
    let own: Vec<header::HeaderName> = answer.headers().keys().cloned().collect();
    for (name, value) in replaced.headers() {
        if name == header::CONTENT_TYPE || name == header::CONTENT_LENGTH || own.contains(name) {
            continue;
        }
        answer.headers_mut().append(name.clone(), value.clone());
    }
}

/// Whether this request's token may be in its body (JSON location, or a CSRF form field).
pub(crate) fn needs_body(
    manager: &JwtManager,
    req: &HttpRequest,
    locations: Option<Locations>,
) -> bool {
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
pub(crate) struct BodyTap {
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
    pub(crate) fn install(
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
    pub(crate) async fn read(mut self) -> Result<Option<Bytes>, JwtError> {
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
