//! Errors: every failure the reference answers (with its message and status), and
//! configuration errors.

use std::fmt;

use actix_web::http::StatusCode;

use crate::claims::Claims;
use crate::denied::Denied;
use crate::payload::PayloadError;
use crate::types::TokenType;

/// Why a request (or a [`decode_token`](crate::decode_token) call) was refused.
///
/// Each variant carries the reference's exact default message ([`JwtError::message`])
/// and status code ([`JwtError::status`]); which loader answers it is in
/// [`JwtError::kind`]. As an actix [`ResponseError`](actix_web::ResponseError) it
/// answers the default JSON body, so `?` works in handlers.
///
/// ```
/// use jwt_runtime::JwtError;
/// let err = JwtError::NoAuthorization("Missing Authorization Header".into());
/// assert_eq!(err.status().as_u16(), 401);
/// assert_eq!(err.message(), "Missing Authorization Header");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum JwtError {
    /// No token where one was expected (`NoAuthorizationError`): 401, unauthorized loader.
    NoAuthorization(String),
    /// CSRF double submit missing or wrong (`CSRFError`): 401, unauthorized loader.
    Csrf(String),
    /// A malformed header (`InvalidHeaderError`): 422, invalid-token loader.
    InvalidHeader(String),
    /// The token is malformed, badly signed or fails a claim check (`DecodeError`,
    /// `JWTDecodeError`, `InvalidTokenError` ...): 422, invalid-token loader.
    InvalidToken(String),
    /// A refresh token where an access token is needed, or the reverse (`WrongTokenError`): 422.
    WrongTokenType(TokenType),
    /// The token's `exp` has passed (`ExpiredSignatureError`): 401, expired loader, which
    /// receives the expired token's claims.
    Expired(Claims),
    /// The blacklist loader said the token is revoked (`RevokedTokenError`): 401.
    Revoked,
    /// (this port only) A refresh token spent by rotation was presented again after
    /// `JWT_REFRESH_REUSE_GRACE`: its whole login is now revoked. 401 `Token has been
    /// revoked`, `refresh_token_reused_loader`, which receives the reused token.
    RefreshTokenReused(Claims),
    /// A non-fresh token on a `fresh_jwt_required` route (`FreshTokenRequired`): 401.
    FreshTokenRequired,
    /// The user loader found no user (`UserLoadError`): 401; holds the token, whose
    /// identity the message names.
    UserLoad(Claims),
    /// The claims verification loader returned `false` (`UserClaimsVerificationError`):
    /// 400; holds the refused token.
    UserClaimsVerification(Claims),
    /// (this port only) A verified token without a scope or role the route requires, or
    /// refused by its `check`: 403, `insufficient_scope_loader`, which receives the
    /// [`Denied`] (the token, what it missed, the route's scopes).
    InsufficientScope(Denied),
    /// The revocation store could not answer; the request is refused (fail closed): 503.
    RevocationCheckFailed(String),
    /// A loader failed, or the library is used outside a set-up App: 500.
    Internal(String),
    /// A body the guard reads to look for the token (JSON location, CSRF form field) is
    /// over the body limit (`JWT_JSON_BODY_LIMIT`, or the App's smaller `web::JsonConfig`
    /// or `web::PayloadConfig` limit): 413, no loader. Holds the limit when it is known.
    BodyTooLarge(Option<usize>),
    /// Such a body did not arrive within `JWT_JSON_BODY_TIMEOUT`: 408, no loader.
    BodyTimeout,
    /// A token was to be created by a manager that only verifies (an asymmetric
    /// `JWT_ALGORITHM` with `JWT_PUBLIC_KEY` and no `JWT_PRIVATE_KEY`): 500, no loader;
    /// the message names `JWT_PRIVATE_KEY`.
    VerifyOnly,
    /// The key set that verifies tokens (`JWT_JWKS_URL`, `JWT_OIDC_ISSUER`) has no usable
    /// version: never fetched, or expired and its refresh failed. The request is refused
    /// (fail closed): 503, no loader; holds the reason, which is logged.
    KeySetUnavailable(String),
}

/// Which loader answers a [`JwtError`]: each variant is named after its loader, or after
/// the [`JwtError`] variant that no loader answers.
///
/// ```
/// use jwt_runtime::{ErrorKind, JwtError};
/// assert_eq!(JwtError::Csrf("Missing CSRF token".into()).kind(), ErrorKind::Unauthorized);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `unauthorized_loader`
    Unauthorized,
    /// `invalid_token_loader`
    InvalidToken,
    /// `expired_token_loader`
    ExpiredToken,
    /// `revoked_token_loader`
    RevokedToken,
    /// `refresh_token_reused_loader`
    RefreshTokenReused,
    /// `needs_fresh_token_loader`
    NeedsFreshToken,
    /// `user_loader_error_loader`
    UserLoaderError,
    /// `claims_verification_failed_loader`
    ClaimsVerificationFailed,
    /// `insufficient_scope_loader`
    InsufficientScope,
    /// No loader: the revocation store could not answer.
    RevocationCheckFailed,
    /// No loader: a server-side failure.
    Internal,
    /// No loader: the body read before authentication is over the limit.
    BodyTooLarge,
    /// No loader: the body read before authentication did not arrive in time.
    BodyTimeout,
    /// No loader: a verify-only manager was asked to create a token.
    VerifyOnly,
    /// No loader: the key set that verifies tokens cannot be fetched.
    KeySetUnavailable,
}

impl JwtError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        JwtError::InvalidToken(message.into())
    }

    /// The default message, as the reference words it.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::JwtError::Revoked.message(), "Token has been revoked");
    /// ```
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            JwtError::NoAuthorization(m)
            | JwtError::Csrf(m)
            | JwtError::InvalidHeader(m)
            | JwtError::InvalidToken(m) => m.clone(),
            JwtError::WrongTokenType(t) => format!("Only {t} tokens are allowed"),
            JwtError::Expired(_) => "Token has expired".to_owned(),
            JwtError::Revoked | JwtError::RefreshTokenReused(_) => {
                "Token has been revoked".to_owned()
            }
            JwtError::FreshTokenRequired => "Fresh token required".to_owned(),
            JwtError::UserLoad(token) => format!(
                "Error loading the user {}",
                display_identity(token.identity_value())
            ),
            JwtError::UserClaimsVerification(_) => "User claims verification failed".to_owned(),
            JwtError::InsufficientScope(denied) => denied.missing().to_string(),
            JwtError::RevocationCheckFailed(_) => {
                "Token revocation check failed; try again later".to_owned()
            }
            JwtError::Internal(_) => "Internal server error".to_owned(),
            JwtError::BodyTooLarge(Some(limit)) => {
                format!("Request body is too large (limit {limit} bytes)")
            }
            JwtError::BodyTooLarge(None) => "Request body is too large".to_owned(),
            JwtError::BodyTimeout => "Request body was not received in time".to_owned(),
            JwtError::VerifyOnly => {
                "Cannot create tokens: JWT_PRIVATE_KEY is not set; this server only verifies them"
                    .to_owned()
            }
            JwtError::KeySetUnavailable(_) => {
                "The key set that verifies tokens is unavailable; try again later".to_owned()
            }
        }
    }

    /// The default status code, as the reference answers it.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::JwtError::FreshTokenRequired.status().as_u16(), 401);
    /// ```
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self.kind() {
            ErrorKind::Unauthorized
            | ErrorKind::ExpiredToken
            | ErrorKind::RevokedToken
            | ErrorKind::RefreshTokenReused
            | ErrorKind::NeedsFreshToken
            | ErrorKind::UserLoaderError => StatusCode::UNAUTHORIZED,
            ErrorKind::InvalidToken => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::ClaimsVerificationFailed => StatusCode::BAD_REQUEST,
            ErrorKind::InsufficientScope => StatusCode::FORBIDDEN,
            ErrorKind::RevocationCheckFailed | ErrorKind::KeySetUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ErrorKind::Internal | ErrorKind::VerifyOnly => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
        }
    }

    /// Which loader answers this error.
    ///
    /// ```
    /// use jwt_runtime::{ErrorKind, JwtError};
    /// assert_eq!(JwtError::FreshTokenRequired.kind(), ErrorKind::NeedsFreshToken);
    /// ```
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            JwtError::NoAuthorization(_) | JwtError::Csrf(_) => ErrorKind::Unauthorized,
            JwtError::InvalidHeader(_)
            | JwtError::InvalidToken(_)
            | JwtError::WrongTokenType(_) => ErrorKind::InvalidToken,
            JwtError::Expired(_) => ErrorKind::ExpiredToken,
            JwtError::Revoked => ErrorKind::RevokedToken,
            JwtError::RefreshTokenReused(_) => ErrorKind::RefreshTokenReused,
            JwtError::FreshTokenRequired => ErrorKind::NeedsFreshToken,
            JwtError::UserLoad(_) => ErrorKind::UserLoaderError,
            JwtError::UserClaimsVerification(_) => ErrorKind::ClaimsVerificationFailed,
            JwtError::InsufficientScope(_) => ErrorKind::InsufficientScope,
            JwtError::RevocationCheckFailed(_) => ErrorKind::RevocationCheckFailed,
            JwtError::Internal(_) => ErrorKind::Internal,
            JwtError::BodyTooLarge(_) => ErrorKind::BodyTooLarge,
            JwtError::BodyTimeout => ErrorKind::BodyTimeout,
            JwtError::VerifyOnly => ErrorKind::VerifyOnly,
            JwtError::KeySetUnavailable(_) => ErrorKind::KeySetUnavailable,
        }
    }
}

/// Python's `str(identity)` for the user-load message: strings bare, the rest as JSON.
pub(crate) fn display_identity(identity: &serde_json::Value) -> String {
    match identity {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::RevocationCheckFailed(detail)
            | JwtError::Internal(detail)
            | JwtError::KeySetUnavailable(detail) => {
                write!(f, "{}: {detail}", self.message())
            }
            _ => f.write_str(&self.message()),
        }
    }
}

impl std::error::Error for JwtError {}

impl From<PayloadError> for JwtError {
    fn from(error: PayloadError) -> Self {
        JwtError::InvalidToken(error.0)
    }
}

/// Why a configuration was refused, found when it is read or the manager is built.
///
/// ```
/// use jwt_runtime::{ConfigError, JwtConfig, JwtManager};
/// let err = JwtManager::new(JwtConfig::default()).unwrap_err();
/// assert_eq!(err.option(), Some("JWT_SECRET_KEY"));
/// assert!(matches!(err, ConfigError::Invalid { option: "JWT_SECRET_KEY", .. }));
/// assert!(err.to_string().starts_with("JWT_SECRET_KEY"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// An option has an invalid value, or one inconsistent with another option.
    Invalid {
        /// The option, by its Flask name (`JWT_ALGORITHM`, ...).
        option: &'static str,
        /// The offending value, as written (keys and secrets are not shown).
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two or more functions are registered for one loader slot.
    DuplicateLoader {
        /// The loader attribute (`unauthorized_loader`, ...).
        loader: &'static str,
        /// Each registered function: its path, file and line.
        entries: Vec<String>,
    },
    /// Neither crypto backend feature of jwt-runtime (`rust_crypto`, `aws_lc_rs`) is on.
    NoCryptoBackend,
}

impl ConfigError {
    pub(crate) fn new(
        option: &'static str,
        value: impl fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        ConfigError::Invalid {
            option,
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// The option at fault, by its Flask name, for an [`Invalid`](Self::Invalid) value.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let err = JwtManager::new(JwtConfig::default().secret_key("k".repeat(32)).header_name("")).unwrap_err();
    /// assert_eq!(err.option(), Some("JWT_HEADER_NAME"));
    /// ```
    #[must_use]
    pub fn option(&self) -> Option<&'static str> {
        match self {
            ConfigError::Invalid { option, .. } => Some(option),
            _ => None,
        }
    }

    /// The offending value, as written, for an [`Invalid`](Self::Invalid) value.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let err = JwtManager::new(JwtConfig::default().secret_key("k".repeat(32)).header_name("")).unwrap_err();
    /// assert_eq!(err.value(), Some(""));
    /// ```
    #[must_use]
    pub fn value(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { value, .. } => Some(value),
            _ => None,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Invalid {
                option,
                value,
                reason,
            } => write!(f, "{option}: invalid value `{value}`: {reason}"),
            ConfigError::DuplicateLoader { loader, entries } => write!(
                f,
                "{loader}: {} functions are registered with `#[jwt::{loader}]` ({}); keep one, or set this loader on the builder",
                entries.len(),
                entries.join(" and ")
            ),
            ConfigError::NoCryptoBackend => f.write_str(
                "jwt-runtime features: enable exactly one crypto backend feature of jwt-runtime: `rust_crypto` (default) or `aws_lc_rs`",
            ),
        }
    }
}

impl std::error::Error for ConfigError {}
