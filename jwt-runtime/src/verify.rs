//! Request verification: the algorithm behind the guards (locations, decode, token
//! type, revocation, freshness, claims verification, user loader, in the reference's
//! order), the guard modes, and the one place an error becomes a response.

use std::rc::Rc;

use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use crate::authorization::{self, Requirement, challenge};
use crate::claims::Claims;
use crate::context::{self, Verified};
use crate::error::{ErrorKind, JwtError};
use crate::loaders::{guarded, slots};
use crate::locations::{self, Locations};
use crate::manager::JwtManager;
use crate::token::DecodeOptions;
use crate::types::{Compat, TokenLocation, TokenType};

/// Which checks a guard performs: the four guard attributes' fixed sets, or the options
/// of `#[jwt_required(...)]` (4.x's `jwt_required(optional, fresh, refresh, verify_type,
/// skip_revocation_check)`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "the options of the attribute, one bool each"
)]
pub struct Mode {
    /// No token at all is accepted (the handler runs without one).
    pub optional: bool,
    /// The access token must be fresh.
    pub fresh: bool,
    /// A refresh token is wanted instead of an access token.
    pub refresh: bool,
    /// The token's `type` must be the one wanted.
    pub verify_type: bool,
    /// The revocation loader is asked.
    pub check_revocation: bool,
    /// [`refresh_tokens`](crate::refresh_tokens) rotates on this route, whatever
    /// `JWT_REFRESH_ROTATION` says (refresh routes only).
    pub rotate: bool,
}

impl Mode {
    /// `jwt_required`: a valid access token.
    pub const REQUIRED: Mode = Mode {
        optional: false,
        fresh: false,
        refresh: false,
        verify_type: true,
        check_revocation: true,
        rotate: false,
    };
    /// `jwt_optional`: a valid access token, or none at all.
    pub const OPTIONAL: Mode = Mode {
        optional: true,
        ..Mode::REQUIRED
    };
    /// `fresh_jwt_required`: a valid, fresh access token.
    pub const FRESH: Mode = Mode {
        fresh: true,
        ..Mode::REQUIRED
    };
    /// `jwt_refresh_token_required`: a valid refresh token.
    pub const REFRESH: Mode = Mode {
        refresh: true,
        ..Mode::REQUIRED
    };

    fn token_type(self) -> TokenType {
        if self.refresh {
            TokenType::Refresh
        } else {
            TokenType::Access
        }
    }
}

/// The guard modes as types, for the guard the attributes add:
/// `Guard<mode::Required, { locations(&[]) }>`, or, for `#[jwt_required(...)]` with
/// options, `Guard<mode::With<OPTIONAL, FRESH, REFRESH, VERIFY_TYPE, CHECK_REVOCATION>, ..>`.
pub mod mode {
    use super::Mode;

    /// A guard mode.
    pub trait GuardMode: 'static {
        /// The checks it performs.
        #[doc(hidden)]
        const MODE: Mode;
    }

    /// The checks of `#[jwt_required(...)]` with options, one `bool` each.
    #[derive(Debug)]
    pub enum With<
        const OPTIONAL: bool,
        const FRESH: bool,
        const REFRESH: bool,
        const VERIFY_TYPE: bool,
        const CHECK_REVOCATION: bool,
        const ROTATE: bool = false,
    > {}

    impl<
        const OPTIONAL: bool,
        const FRESH: bool,
        const REFRESH: bool,
        const VERIFY_TYPE: bool,
        const CHECK_REVOCATION: bool,
        const ROTATE: bool,
    > GuardMode for With<OPTIONAL, FRESH, REFRESH, VERIFY_TYPE, CHECK_REVOCATION, ROTATE>
    {
        const MODE: Mode = Mode {
            optional: OPTIONAL,
            fresh: FRESH,
            refresh: REFRESH,
            verify_type: VERIFY_TYPE,
            check_revocation: CHECK_REVOCATION,
            rotate: ROTATE,
        };
    }

    /// `#[jwt_required]`: a valid access token.
    pub type Required = With<false, false, false, true, true>;
    /// `#[jwt_optional]`: a valid access token, or none at all.
    pub type Optional = With<true, false, false, true, true>;
    /// `#[fresh_jwt_required]`: a valid, fresh access token.
    pub type Fresh = With<false, true, false, true, true>;
    /// `#[jwt_refresh_token_required]`: a valid refresh token.
    pub type Refresh = With<false, false, true, true, true>;
}

/// Runs the verification for one request, whatever its method (OPTIONS included: actix
/// routes any method to a handler registered with `web::to`, `web::route()` or
/// `default_service`, so no method may skip the check). A verified token becomes the
/// request's; one refused after decoding (freshness, claims verification, user loader) is
/// visible only to the loaders (as Python's `ctx.jwt` is set before those checks), and
/// the request's token stays what it was. `Ok(None)`: no token, and the mode allows that.
pub(crate) async fn verify_request(
    manager: &JwtManager,
    req: &HttpRequest,
    body: Option<&[u8]>,
    mode: Mode,
    locations: Option<Locations>,
    requirement: Requirement,
) -> Result<Option<Rc<Verified>>, JwtError> {
    let (claims, location) = match decode_from_request(manager, req, body, mode, locations).await {
        Ok(found) => found,
        // No token lets an optional guard through; 3.x also lets a malformed header
        // through, 4.x answers it.
        Err(JwtError::NoAuthorization(_)) if mode.optional => {
            drop(context::replace_verified(None));
            return Ok(None);
        }
        Err(JwtError::InvalidHeader(_))
            if mode.optional && manager.inner.config.compat == Compat::V3 =>
        {
            drop(context::replace_verified(None));
            return Ok(None);
        }
        Err(error) => return Err(error),
    };
    let verified = Rc::new(Verified::new(claims, location, mode.rotate));
    let previous = context::replace_verified(Some(Rc::clone(&verified)));
    let checked = match after_decode(manager, mode, &verified).await {
        Ok(()) if requirement.is_empty() => Ok(()),
        Ok(()) => {
            let inner = &*manager.inner;
            authorization::authorize(
                inner.config.scope_claim.as_deref(),
                &inner.roles_path,
                inner.config.compat,
                &requirement,
                &verified.claims,
                req,
            )
            .await
        }
        Err(error) => Err(error),
    };
    if let Err(error) = checked {
        context::refuse(verified, previous);
        return Err(error);
    }
    drop(previous);
    Ok(Some(verified))
}

/// Locations → decode → type → blacklist.
async fn decode_from_request(
    manager: &JwtManager,
    req: &HttpRequest,
    body: Option<&[u8]>,
    mode: Mode,
    locations: Option<Locations>,
) -> Result<(Claims, TokenLocation), JwtError> {
    let inner = &*manager.inner;
    let token_type = mode.token_type();
    let locations = locations
        .as_ref()
        .map_or(inner.config.token_location.as_slice(), Locations::as_slice);
    let (found, location) = locations::find_token(inner, req, body, token_type, locations)?;
    let options = DecodeOptions::default().csrf_value(found.csrf.as_deref());
    let claims = manager.decode_token_async(&found.token, options).await?;
    // 4.x takes any token but a refresh token where an access token is wanted.
    let type_accepted = match (inner.config.compat, token_type) {
        (Compat::V4, TokenType::Access) => claims.token_type() != TokenType::Refresh,
        _ => claims.token_type() == token_type,
    };
    if mode.verify_type && !type_accepted {
        return Err(match (inner.config.compat, token_type) {
            // 4.x's wording (answered by the invalid-token loader, as there).
            (Compat::V4, TokenType::Access) => {
                JwtError::invalid("Only non-refresh tokens are allowed")
            }
            _ => JwtError::WrongTokenType(token_type),
        });
    }
    // 3.x checks revocation right after the type; 4.x after freshness (`after_decode`).
    if inner.config.compat == Compat::V3 {
        check_revocation(manager, mode, &claims).await?;
    }
    Ok((claims, location))
}

/// The revocation loader's answer for a verified token: 3.x asks it as `JWT_BLACKLIST_*`
/// say, 4.x always, for every token type; a route may skip it.
async fn check_revocation(
    manager: &JwtManager,
    mode: Mode,
    claims: &Claims,
) -> Result<(), JwtError> {
    let inner = &*manager.inner;
    let revocation_checked = match inner.config.compat {
        Compat::V3 => {
            inner.config.blacklist_enabled
                && inner
                    .config
                    .blacklist_token_checks
                    .contains(&claims.token_type())
        }
        Compat::V4 => true,
    };
    if mode.check_revocation
        && revocation_checked
        && let Some(check) = &inner.loaders.token_in_blacklist_loader
    {
        match check
            .run(slots::token_in_blacklist_loader::NAME, claims)
            .await?
        {
            Ok(false) => {}
            Ok(true) => return Err(JwtError::Revoked),
            Err(detail) => return Err(JwtError::RevocationCheckFailed(detail)),
        }
    }
    Ok(())
}

/// Freshness → claims verification → user loader.
async fn after_decode(
    manager: &JwtManager,
    mode: Mode,
    verified: &Verified,
) -> Result<(), JwtError> {
    let loaders = &manager.inner.loaders;
    let claims = &verified.claims;
    if mode.fresh && !claims.fresh().is_fresh_at(manager.now()) {
        return Err(JwtError::FreshTokenRequired);
    }
    if manager.inner.config.compat == Compat::V4 {
        check_revocation(manager, mode, claims).await?;
    }
    // 3.x verifies the claims of access tokens only, 4.x of every token.
    let claims_verified =
        manager.inner.config.compat == Compat::V4 || claims.token_type() != TokenType::Refresh;
    if claims_verified && let Some(check) = &loaders.claims_verification_loader {
        const NAME: &str = slots::claims_verification_loader::NAME;
        match check.run(NAME, claims).await? {
            Ok(true) => {}
            Ok(false) => return Err(JwtError::UserClaimsVerification(claims.clone())),
            Err(detail) => return Err(JwtError::Internal(format!("{NAME} failed: {detail}"))),
        }
    }
    if let Some(loader) = &loaders.user_loader_callback_loader {
        const NAME: &str = slots::user_loader_callback_loader::NAME;
        match loader.run(NAME, claims).await? {
            Ok(Some(user)) => {
                let _ = verified.user.set(user);
            }
            Ok(None) => return Err(JwtError::UserLoad(claims.clone())),
            Err(detail) => return Err(JwtError::Internal(format!("{NAME} failed: {detail}"))),
        }
    }
    Ok(())
}

/// The answer to an error: its loader's response, or the reference's default JSON body.
/// Every refused request is answered here (by the App's middleware).
pub(crate) fn error_response(
    manager: &JwtManager,
    req: &HttpRequest,
    error: &JwtError,
) -> HttpResponse {
    let loaders = &manager.inner.loaders;
    let answer =
        |slot: &'static str, call: &dyn Fn() -> Option<HttpResponse>| Some(guarded(slot, call));
    let custom = match (error.kind(), error) {
        (ErrorKind::Unauthorized, JwtError::NoAuthorization(message) | JwtError::Csrf(message)) => {
            loaders
                .unauthorized_loader
                .as_ref()
                .and_then(|f| answer(slots::unauthorized_loader::NAME, &|| f(req, message)))
        }
        (ErrorKind::InvalidToken, _) => loaders.invalid_token_loader.as_ref().and_then(|f| {
            answer(slots::invalid_token_loader::NAME, &|| {
                f(req, &error.message())
            })
        }),
        (ErrorKind::ExpiredToken, JwtError::Expired(claims)) => loaders
            .expired_token_loader
            .as_ref()
            .and_then(|f| answer(slots::expired_token_loader::NAME, &|| f(req, claims))),
        (ErrorKind::RevokedToken, _) => loaders
            .revoked_token_loader
            .as_ref()
            .and_then(|f| answer(slots::revoked_token_loader::NAME, &|| f(req))),
        (ErrorKind::RefreshTokenReused, JwtError::RefreshTokenReused(token)) => loaders
            .refresh_token_reused_loader
            .as_ref()
            .and_then(|f| answer(slots::refresh_token_reused_loader::NAME, &|| f(req, token))),
        (ErrorKind::InsufficientScope, JwtError::InsufficientScope(denied)) => loaders
            .insufficient_scope_loader
            .as_ref()
            .and_then(|f| answer(slots::insufficient_scope_loader::NAME, &|| f(req, denied))),
        (ErrorKind::NeedsFreshToken, _) => loaders
            .needs_fresh_token_loader
            .as_ref()
            .and_then(|f| answer(slots::needs_fresh_token_loader::NAME, &|| f(req))),
        (ErrorKind::UserLoaderError, JwtError::UserLoad(token)) => loaders
            .user_loader_error_loader
            .as_ref()
            .and_then(|f| answer(slots::user_loader_error_loader::NAME, &|| f(req, token))),
        (ErrorKind::ClaimsVerificationFailed, JwtError::UserClaimsVerification(token)) => loaders
            .claims_verification_failed_loader
            .as_ref()
            .and_then(|f| {
                answer(slots::claims_verification_failed_loader::NAME, &|| {
                    f(req, token)
                })
            }),
        (ErrorKind::RevocationCheckFailed | ErrorKind::KeySetUnavailable, _) => {
            OUTAGES.log(error);
            None
        }
        (ErrorKind::Internal | ErrorKind::VerifyOnly, _) => {
            tracing::error!("{error}");
            None
        }
        _ => None,
    };
    let config = &manager.inner.config;
    let mut response = match custom {
        Some(Ok(Some(response))) => response,
        // The loader panicked: the answer to that, not to the original error.
        Some(Err(panic)) => return error_response(manager, req, &panic),
        // No loader, or it declined.
        Some(Ok(None)) | None => default_response(&config.error_message_key, error),
    };
    if config.www_authenticate {
        challenge::add(
            config.www_authenticate_realm.as_deref(),
            error,
            &mut response,
        );
    }
    response
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

/// The default body with the App's `JWT_ERROR_MESSAGE_KEY`; the App's middleware then
/// answers the error through the loaders. So `?` on a `JwtError` works in handlers and
/// extractors alike.
impl actix_web::ResponseError for JwtError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        default_response(&context::error_message_key(), self)
    }
}

/// A store or key set that cannot be read fails every request while it lasts: logged at
/// most once a second, with how many more failed meanwhile, so an outage under load does
/// not flood the log (nor slow the server down writing it).
static OUTAGES: OutageLog = OutageLog::new();

/// At most one log line a second for errors that come in floods.
struct OutageLog {
    /// The Unix second of the last line written.
    last: std::sync::atomic::AtomicI64,
    /// Errors not written since.
    quiet: std::sync::atomic::AtomicU64,
}

impl OutageLog {
    const fn new() -> Self {
        OutageLog {
            last: std::sync::atomic::AtomicI64::new(i64::MIN),
            quiet: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn log(&self, error: &JwtError) {
        use std::sync::atomic::Ordering;
        let now = crate::blocklist::unix_seconds(std::time::SystemTime::now());
        let last = self.last.load(Ordering::Relaxed);
        if last >= now
            || self
                .last
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            self.quiet.fetch_add(1, Ordering::Relaxed);
            return;
        }
        match self.quiet.swap(0, Ordering::Relaxed) {
            0 => tracing::error!("{error}"),
            quiet => {
                tracing::error!("{error} (and {quiet} more such failures since the last report)");
            }
        }
    }
}
