//! Extractors: the guard the attributes add, [`Jwt`], [`JwtIdentity`], [`CurrentUser`],
//! and `verify_*_in_request` for custom guards. Each fails with a [`JwtError`], which the
//! App's middleware answers through the loaders.

use std::future::Future;
use std::marker::PhantomData;
use std::rc::Rc;

use actix_web::dev::Payload;
use actix_web::rt::time::timeout;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::actix::{BodyTap, needs_body};
use crate::authorization::{Requirement, Requires, Unrestricted};
use crate::claims::Claims;
use crate::context::{self, Verified};
use crate::error::JwtError;
use crate::locations::Locations;
use crate::types::TokenLocation;
use crate::verify::mode::GuardMode;
use crate::verify::{self, Mode};

/// Verification shared by the guard and the explicit extractors: reads the body when the
/// token may be in it, then verifies. The verified token becomes the request's.
fn extract(
    req: &HttpRequest,
    payload: &mut Payload,
    mode: Mode,
    locations: Option<Locations>,
    requirement: Requirement,
) -> impl Future<Output = Result<Option<Rc<Verified>>, JwtError>> + 'static {
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
        // Without the App's middleware nothing else would report this programming error.
        let manager = manager.inspect_err(|error| tracing::error!("{error}"))?;
        let body = match tap {
            None => None,
            Some(tap) => {
                let deadline = manager.inner.config.json_body_timeout;
                match timeout(deadline, tap?.read()).await {
                    Ok(body) => body?,
                    Err(_) => return Err(JwtError::BodyTimeout),
                }
            }
        };
        verify::verify_request(
            &manager,
            &req,
            body.as_deref(),
            mode,
            locations,
            requirement,
        )
        .await
    }
}

/// The hidden argument the guard attributes add to a handler: the mode as a type
/// ([`mode::Required`](crate::__private::mode::Required), ...), the route's token
/// locations as a code ([`locations`](crate::__private::locations); `0`: the configured
/// ones), and the route's scopes, roles and `check` as a type (the one the attribute
/// generates, or [`Unrestricted`](crate::__private::Unrestricted)).
#[doc(hidden)]
#[derive(Debug)]
pub struct Guard<M: GuardMode, const LOCATIONS: u16, R: Requires = Unrestricted>(
    PhantomData<(M, R)>,
);

impl<M: GuardMode, const LOCATIONS: u16, R: Requires> FromRequest for Guard<M, LOCATIONS, R> {
    type Error = JwtError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = extract(
            req,
            payload,
            M::MODE,
            Locations::from_code(LOCATIONS),
            const { Requirement::of::<R>() },
        );
        Box::pin(async move { verified.await.map(|_| Guard(PhantomData)) })
    }
}

/// A verified access token, as an explicit extractor (the `jwt_required` check). Like
/// the attributes, it makes the token the request's, so
/// [`get_jwt_identity`](crate::get_jwt_identity) and friends see it too.
///
/// ```
/// use actix_web::{HttpResponse, Responder, get};
/// use jwt_runtime::prelude::*;
/// use serde_json::json;
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
}

impl FromRequest for Jwt {
    type Error = JwtError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = extract(req, payload, Mode::REQUIRED, None, Requirement::NONE);
        Box::pin(async move { required(verified.await?) })
    }
}

/// A required token: only the optional mode lets a request through without one.
fn required(verified: Option<Rc<Verified>>) -> Result<Jwt, JwtError> {
    verified
        .map(Jwt)
        .ok_or_else(|| JwtError::NoAuthorization("No verified token for this request".to_owned()))
}

/// The identity of a verified access token, deserialised, as an extractor.
///
/// ```
/// use actix_web::get;
/// use jwt_runtime::prelude::*;
///
/// #[get("/hello")]
/// async fn hello(JwtIdentity(name): JwtIdentity<String>) -> String {
///     format!("hello {name}")
/// }
/// ```
#[derive(Debug)]
pub struct JwtIdentity<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JwtIdentity<T> {
    type Error = JwtError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = extract(req, payload, Mode::REQUIRED, None, Requirement::NONE);
        Box::pin(async move {
            let jwt = required(verified.await?)?;
            jwt.identity::<T>()
                .map(JwtIdentity)
                .map_err(|e| JwtError::InvalidToken(format!("Invalid identity: {e}")))
        })
    }
}

/// The user the user loader returned, as an extractor (the `jwt_required` check).
///
/// ```
/// use actix_web::get;
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
    type Error = JwtError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = extract(req, payload, Mode::REQUIRED, None, Requirement::NONE);
        Box::pin(async move {
            let jwt = required(verified.await?)?;
            jwt.user::<U>().map(CurrentUser).ok_or_else(|| {
                JwtError::Internal(format!(
                    "CurrentUser<{}> needs a user_loader_callback_loader returning that type",
                    std::any::type_name::<U>()
                ))
            })
        })
    }
}

/// Verifies without reading the body (headers, cookies, the query string).
async fn verify_in_request(
    req: &HttpRequest,
    mode: Mode,
) -> Result<Option<Rc<Verified>>, JwtError> {
    extract(req, &mut Payload::None, mode, None, Requirement::NONE).await
}

/// Python's `verify_jwt_in_request()`, for custom guards (the "custom decorators" pattern).
///
/// Reads headers, cookies and the query string; a JSON-body token needs an attribute
/// or extractor, which can reach the body. Once verified, the token is the request's:
/// [`get_jwt_identity`](crate::get_jwt_identity) and friends see it in the handler.
///
/// # Errors
/// Why the request is refused, as a [`JwtError`] (a custom guard can match on it, e.g.
/// `JwtError::Expired(_)`); returned with `?`, the App answers it through the loaders.
///
/// ```
/// use actix_web::{FromRequest, HttpRequest, HttpResponse, Responder, get};
/// use jwt_runtime::prelude::*;
/// use serde_json::json;
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
pub async fn verify_jwt_in_request(req: &HttpRequest) -> Result<Jwt, JwtError> {
    required(verify_in_request(req, Mode::REQUIRED).await?)
}

/// Python's `verify_jwt_in_request_optional()`: `Ok(None)` when no token was sent.
///
/// # Errors
/// As [`verify_jwt_in_request`], except for a missing token or a malformed header.
///
/// ```
/// # use actix_web::HttpRequest;
/// # use jwt_runtime::prelude::*;
/// async fn handler(req: HttpRequest) -> Result<String, JwtError> {
///     let jwt = verify_jwt_in_request_optional(&req).await?;
///     Ok(jwt.map_or("anonymous".to_owned(), |jwt| jwt.identity::<String>().unwrap_or_default()))
/// }
/// ```
pub async fn verify_jwt_in_request_optional(req: &HttpRequest) -> Result<Option<Jwt>, JwtError> {
    Ok(verify_in_request(req, Mode::OPTIONAL).await?.map(Jwt))
}

/// Python's `verify_fresh_jwt_in_request()`.
///
/// # Errors
/// As [`verify_jwt_in_request`], and [`JwtError::FreshTokenRequired`] for a non-fresh token.
///
/// ```
/// # use actix_web::HttpRequest;
/// # use jwt_runtime::prelude::*;
/// async fn handler(req: HttpRequest) -> Result<String, JwtError> {
///     let jwt = verify_fresh_jwt_in_request(&req).await?;
///     Ok(jwt.identity::<String>().unwrap_or_default())
/// }
/// ```
pub async fn verify_fresh_jwt_in_request(req: &HttpRequest) -> Result<Jwt, JwtError> {
    required(verify_in_request(req, Mode::FRESH).await?)
}

/// Python's `verify_jwt_refresh_token_in_request()`.
///
/// # Errors
/// As [`verify_jwt_in_request`], and [`JwtError::WrongTokenType`] for an access token.
///
/// ```
/// # use actix_web::HttpRequest;
/// # use jwt_runtime::prelude::*;
/// async fn handler(req: HttpRequest) -> Result<String, JwtError> {
///     let jwt = verify_jwt_refresh_token_in_request(&req).await?;
///     Ok(jwt.identity::<String>().unwrap_or_default())
/// }
/// ```
pub async fn verify_jwt_refresh_token_in_request(req: &HttpRequest) -> Result<Jwt, JwtError> {
    required(verify_in_request(req, Mode::REFRESH).await?)
}

/// The options of 4.x's `verify_jwt_in_request(optional, fresh, refresh, locations,
/// verify_type, skip_revocation_check)`, for [`verify_jwt_in_request_with`]; the same
/// checks as `#[jwt_required(...)]`'s options, chosen at run time.
///
/// ```
/// use jwt_runtime::VerifyOptions;
/// use jwt_runtime::config::TokenLocation;
/// let options = VerifyOptions::default()
///     .optional(true)
///     .verify_type(false)
///     .locations([TokenLocation::Cookies, TokenLocation::Headers]);
/// # let _ = options;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct VerifyOptions {
    mode: Mode,
    locations: Option<Locations>,
    scopes: &'static [&'static str],
    roles: &'static [&'static str],
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            mode: Mode::REQUIRED,
            locations: None,
            scopes: &[],
            roles: &[],
        }
    }
}

impl VerifyOptions {
    /// `optional=`: no token at all is not an error (`Ok(None)`).
    ///
    /// ```
    /// let options = jwt_runtime::VerifyOptions::default().optional(true);
    /// # let _ = options;
    /// ```
    pub fn optional(mut self, optional: bool) -> Self {
        self.mode.optional = optional;
        self
    }

    /// `fresh=`: the access token must be fresh.
    ///
    /// ```
    /// let options = jwt_runtime::VerifyOptions::default().fresh(true);
    /// # let _ = options;
    /// ```
    pub fn fresh(mut self, fresh: bool) -> Self {
        self.mode.fresh = fresh;
        self
    }

    /// `refresh=`: a refresh token instead of an access token.
    ///
    /// ```
    /// let options = jwt_runtime::VerifyOptions::default().refresh(true);
    /// # let _ = options;
    /// ```
    pub fn refresh(mut self, refresh: bool) -> Self {
        self.mode.refresh = refresh;
        self
    }

    /// `verify_type=`: `false` accepts either token type.
    ///
    /// ```
    /// let options = jwt_runtime::VerifyOptions::default().verify_type(false);
    /// # let _ = options;
    /// ```
    pub fn verify_type(mut self, verify_type: bool) -> Self {
        self.mode.verify_type = verify_type;
        self
    }

    /// `skip_revocation_check=`: `true` does not ask the blacklist loader.
    ///
    /// ```
    /// let options = jwt_runtime::VerifyOptions::default().skip_revocation_check(true);
    /// # let _ = options;
    /// ```
    pub fn skip_revocation_check(mut self, skip: bool) -> Self {
        self.mode.check_revocation = !skip;
        self
    }

    /// (this port only) every scope the token must hold, as `scopes = [...]` on a guard
    /// attribute: refused with 403 through the `insufficient_scope_loader` otherwise. Each
    /// is one word (an empty one is never held).
    ///
    /// ```
    /// let options = jwt_runtime::VerifyOptions::default().scopes(&["items:read"]);
    /// # let _ = options;
    /// ```
    pub fn scopes(mut self, scopes: &'static [&'static str]) -> Self {
        self.scopes = scopes;
        self
    }

    /// (this port only) every role the token must hold, as `roles = [...]` on a guard
    /// attribute.
    ///
    /// ```
    /// let options = jwt_runtime::VerifyOptions::default().roles(&["admin"]);
    /// # let _ = options;
    /// ```
    pub fn roles(mut self, roles: &'static [&'static str]) -> Self {
        self.roles = roles;
        self
    }

    /// `locations=`: where to look, in order, instead of `JWT_TOKEN_LOCATION` (a location
    /// named twice counts once; an empty list means the configured ones).
    ///
    /// ```
    /// use jwt_runtime::config::TokenLocation;
    /// let options = jwt_runtime::VerifyOptions::default().locations([TokenLocation::QueryString]);
    /// # let _ = options;
    /// ```
    pub fn locations(mut self, locations: impl IntoIterator<Item = TokenLocation>) -> Self {
        let mut distinct: Vec<TokenLocation> = Vec::new();
        for location in locations {
            if !distinct.contains(&location) {
                distinct.push(location);
            }
        }
        self.locations = Locations::from_code(crate::locations::code(&distinct));
        self
    }
}

/// 4.x's `verify_jwt_in_request(...)` with its options: `Ok(None)` only when
/// [`VerifyOptions::optional`] and no token was sent.
///
/// # Errors
/// As [`verify_jwt_in_request`], for the checks the options ask for.
///
/// ```
/// # use actix_web::HttpRequest;
/// # use jwt_runtime::prelude::*;
/// async fn handler(req: HttpRequest) -> Result<String, JwtError> {
///     let options = VerifyOptions::default().optional(true).verify_type(false);
///     let jwt = verify_jwt_in_request_with(&req, options).await?;
///     Ok(jwt.map_or("anonymous".to_owned(), |jwt| jwt.identity::<String>().unwrap_or_default()))
/// }
/// ```
pub async fn verify_jwt_in_request_with(
    req: &HttpRequest,
    options: VerifyOptions,
) -> Result<Option<Jwt>, JwtError> {
    let verified = extract(
        req,
        &mut Payload::None,
        options.mode,
        options.locations,
        Requirement::listed(options.scopes, options.roles),
    )
    .await?;
    Ok(verified.map(Jwt))
}

/// The App's manager, in a handler (a cheap clone): its configuration, its key set, its
/// token functions. Outside an App set up with `.wrap(manager)` the request fails (500).
///
/// ```
/// use actix_web::get;
/// use jwt_runtime::JwtManager;
///
/// #[get("/mode")]
/// async fn mode(manager: JwtManager) -> String {
///     format!("{:?}", manager.config().compat)
/// }
/// ```
impl FromRequest for crate::manager::JwtManager {
    type Error = JwtError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(_: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(context::current_manager())
    }
}
