//! Request verification: the algorithm behind the four guards (locations, decode,
//! token type, revocation, freshness, claims verification, user loader, in the
//! reference's order), and the error → loader → response mapping.

use std::rc::Rc;

use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use crate::claims::Claims;
use crate::config::TokenType;
use crate::context::{self, RequestJwt, Verified};
use crate::error::JwtError;
use crate::locations::{self, Locations};
use crate::manager::JwtManager;
use crate::registry::guarded;

/// Which of the four checks a guard performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `jwt_required`: a valid access token.
    Required,
    /// `jwt_optional`: a valid access token, or none at all.
    Optional,
    /// `fresh_jwt_required`: a valid, fresh access token.
    Fresh,
    /// `jwt_refresh_token_required`: a valid refresh token.
    Refresh,
}

impl Mode {
    /// The mode a guard attribute encodes as a const.
    #[must_use]
    pub(crate) const fn from_code(code: u8) -> Self {
        match code {
            1 => Mode::Optional,
            2 => Mode::Fresh,
            3 => Mode::Refresh,
            _ => Mode::Required,
        }
    }

    fn token_type(self) -> TokenType {
        match self {
            Mode::Refresh => TokenType::Refresh,
            _ => TokenType::Access,
        }
    }
}

/// Runs the verification for one request, whatever its method (OPTIONS included: actix
/// routes any method to a handler registered with `web::to`, `web::route()` or
/// `default_service`, so no method may skip the check). `Ok(None)`: no token, and the mode
/// allows that. `Err`: the response to send instead of running the handler.
pub(crate) async fn verify_request(
    manager: &JwtManager,
    req: &HttpRequest,
    body: Option<&[u8]>,
    mode: Mode,
    locations: Option<Locations>,
) -> Result<RequestJwt, (JwtError, HttpResponse)> {
    let claims = match decode_from_request(manager, req, body, mode, locations).await {
        Ok(claims) => claims,
        Err(JwtError::NoAuthorization(_) | JwtError::InvalidHeader(_))
            if mode == Mode::Optional =>
        {
            return Ok(None);
        }
        Err(error) => {
            let response = error_response(manager, req, &error);
            return Err((error, response));
        }
    };
    // The verified token is visible (get_jwt_identity) to the loaders from here on.
    let verified = Rc::new(Verified::new(claims));
    let after = after_decode(manager, req, mode, Rc::clone(&verified));
    context::scope_request(Some(Rc::clone(&verified)), after).await?;
    Ok(Some(verified))
}

/// Locations → decode → type → blacklist.
async fn decode_from_request(
    manager: &JwtManager,
    req: &HttpRequest,
    body: Option<&[u8]>,
    mode: Mode,
    locations: Option<Locations>,
) -> Result<Claims, JwtError> {
    let inner = &*manager.inner;
    let token_type = mode.token_type();
    let locations = locations
        .as_ref()
        .map_or(inner.config.token_location.as_slice(), Locations::as_slice);
    let found = locations::find_token(inner, req, body, token_type, locations)?;
    let claims = manager
        .decode_token_async(&found.token, found.csrf.as_deref(), false)
        .await?;
    if claims.token_type() != token_type {
        return Err(JwtError::WrongTokenType(token_type));
    }
    if inner.config.blacklist_enabled
        && inner.config.blacklist_token_checks.contains(&token_type)
        && let Some(check) = &inner.loaders.token_in_blacklist
    {
        match check.run("token_in_blacklist_loader", &claims).await? {
            Ok(false) => {}
            Ok(true) => return Err(JwtError::Revoked),
            Err(detail) => return Err(JwtError::RevocationCheckFailed(detail)),
        }
    }
    Ok(claims)
}

/// Freshness → claims verification → user loader, with the token in scope.
async fn after_decode(
    manager: &JwtManager,
    req: &HttpRequest,
    mode: Mode,
    verified: Rc<Verified>,
) -> Result<(), (JwtError, HttpResponse)> {
    let fail = |error: JwtError| {
        let response = error_response(manager, req, &error);
        (error, response)
    };
    let loaders = &manager.inner.loaders;
    let claims = &verified.claims;
    if mode == Mode::Fresh && !claims.fresh().is_fresh_at(manager.now()) {
        return Err(fail(JwtError::FreshTokenRequired));
    }
    if mode != Mode::Refresh
        && let Some(check) = &loaders.claims_verification
    {
        match check
            .run("claims_verification_loader", claims.user_claims_value())
            .await
            .map_err(fail)?
        {
            Ok(true) => {}
            Ok(false) => return Err(fail(JwtError::UserClaimsVerification)),
            Err(detail) => {
                let detail = format!("claims_verification_loader failed: {detail}");
                return Err(fail(JwtError::Internal(detail)));
            }
        }
    }
    if let Some(loader) = &loaders.user_loader {
        match loader.run(claims.identity_value()).await.map_err(fail)? {
            Ok(Some(user)) => {
                let _ = verified.user.set(user);
            }
            Ok(None) => return Err(fail(JwtError::UserLoad(claims.identity_value().clone()))),
            Err(detail) => {
                return Err(fail(JwtError::Internal(format!(
                    "user_loader_callback_loader failed: {detail}"
                ))));
            }
        }
    }
    Ok(())
}

/// The answer to an error: its loader's response, or the reference's default JSON body.
pub(crate) fn error_response(
    manager: &JwtManager,
    req: &HttpRequest,
    error: &JwtError,
) -> HttpResponse {
    let loaders = &manager.inner.loaders;
    let custom = match error {
        JwtError::NoAuthorization(message) | JwtError::Csrf(message) => loaders
            .unauthorized
            .as_ref()
            .map(|f| guarded("unauthorized_loader", || f(req, message))),
        JwtError::InvalidHeader(_) | JwtError::InvalidToken(_) | JwtError::WrongTokenType(_) => {
            loaders
                .invalid_token
                .as_ref()
                .map(|f| guarded("invalid_token_loader", || f(req, &error.message())))
        }
        JwtError::Expired(claims) => loaders
            .expired_token
            .as_ref()
            .map(|f| guarded("expired_token_loader", || f(req, claims))),
        JwtError::Revoked => loaders
            .revoked_token
            .as_ref()
            .map(|f| guarded("revoked_token_loader", || f(req))),
        JwtError::FreshTokenRequired => loaders
            .needs_fresh_token
            .as_ref()
            .map(|f| guarded("needs_fresh_token_loader", || f(req))),
        JwtError::UserLoad(identity) => loaders
            .user_loader_error
            .as_ref()
            .map(|f| guarded("user_loader_error_loader", || f(req, identity))),
        JwtError::UserClaimsVerification => loaders
            .claims_verification_failed
            .as_ref()
            .map(|f| guarded("claims_verification_failed_loader", || f(req))),
        JwtError::RevocationCheckFailed(_) | JwtError::Internal(_) => {
            tracing::error!("{error}");
            None
        }
        JwtError::BodyTooLarge(_) | JwtError::BodyTimeout => None,
    };
    match custom {
        Some(Ok(response)) => response,
        // The loader panicked: the answer to that, not to the original error.
        Some(Err(panic)) => error_response(manager, req, &panic),
        None => default_response(&manager.inner.config.error_message_key, error),
    }
}

/// `{"<JWT_ERROR_MESSAGE_KEY>":"<message>"}\n` with the default status.
pub(crate) fn default_response(message_key: &str, error: &JwtError) -> HttpResponse {
    let mut body = Map::new();
    body.insert(message_key.to_owned(), Value::String(error.message()));
    let mut text = Value::Object(body).to_string();
    text.push('\n');
    HttpResponse::build(error.status())
        .content_type("application/json")
        .body(text)
}

impl actix_web::ResponseError for JwtError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.status()
    }

    /// The default body, with the App's `JWT_ERROR_MESSAGE_KEY`. The App's middleware
    /// then answers through the loaders, as the reference's app-level handlers do.
    fn error_response(&self) -> HttpResponse {
        default_response(&context::error_message_key(), self)
    }
}
