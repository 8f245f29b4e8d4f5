//! Cookie helpers: set and unset the JWT and CSRF cookies on a response.

use std::time::Duration;

use actix_web::cookie::time::{Duration as CookieDuration, OffsetDateTime};
use actix_web::cookie::{Cookie, SameSite as CookieSameSite};
use actix_web::{HttpResponse, HttpResponseBuilder};

use crate::config::JwtConfig;
use crate::context::current_manager;
use crate::error::JwtError;
use crate::manager::JwtManager;
use crate::types::{Compat, SameSite, TokenLocation, TokenType};

/// Max-Age of non-session cookies (`JWT_SESSION_COOKIE=False`): 365 days, as the reference.
const PERSISTENT_COOKIE_SECONDS: u64 = 31_540_000;

/// The optional arguments of the cookie helpers (4.x's `max_age=` and `domain=`): each
/// falls back to the configuration when not given (or zero, or empty, as in Python).
///
/// ```
/// use std::time::Duration;
/// use jwt_runtime::cookies::CookieOptions;
/// let options = CookieOptions::default().max_age(Duration::from_secs(3600)).domain("example.com");
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct CookieOptions {
    max_age: Option<Duration>,
    domain: Option<String>,
}

impl CookieOptions {
    /// `max_age=`: the cookies' Max-Age (and Expires) instead of the configured one
    /// (`JWT_SESSION_COOKIE`). Ignored when unsetting.
    ///
    /// ```
    /// let options = jwt_runtime::cookies::CookieOptions::default().max_age(std::time::Duration::from_secs(60));
    /// # let _ = options;
    /// ```
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// `domain=`: the cookies' Domain instead of `JWT_COOKIE_DOMAIN`.
    ///
    /// ```
    /// let options = jwt_runtime::cookies::CookieOptions::default().domain("api.example.com");
    /// # let _ = options;
    /// ```
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }
}

/// A response the JWT and CSRF cookies can be set on: [`HttpResponse`] or
/// [`HttpResponseBuilder`]. (A response, not a cookie jar: the cookie crate's
/// `CookieJar` is something else.)
///
/// ```
/// use actix_web::HttpResponse;
/// use actix_web::cookie::Cookie;
/// use jwt_runtime::cookies::SetCookie;
/// let mut response = HttpResponse::Ok().finish();
/// response.add_jwt_cookie(Cookie::new("a", "b"))?;
/// assert_eq!(response.cookies().count(), 1);
/// # Ok::<(), jwt_runtime::JwtError>(())
/// ```
pub trait SetCookie {
    /// Adds one `Set-Cookie` header.
    ///
    /// # Errors
    /// When the cookie cannot be written as a header value.
    fn add_jwt_cookie(&mut self, cookie: Cookie<'static>) -> Result<(), JwtError>;
}

impl<B> SetCookie for HttpResponse<B> {
    fn add_jwt_cookie(&mut self, cookie: Cookie<'static>) -> Result<(), JwtError> {
        self.add_cookie(&cookie)
            .map_err(|e| JwtError::Internal(format!("cannot set cookie: {e}")))
    }
}

impl SetCookie for HttpResponseBuilder {
    fn add_jwt_cookie(&mut self, cookie: Cookie<'static>) -> Result<(), JwtError> {
        self.cookie(cookie);
        Ok(())
    }
}

fn same_site(value: SameSite) -> CookieSameSite {
    match value {
        SameSite::Lax => CookieSameSite::Lax,
        SameSite::Strict => CookieSameSite::Strict,
        SameSite::None => CookieSameSite::None,
    }
}

/// A cookie with the configured Secure and SameSite attributes, and the call's Domain
/// or the configured one.
fn cookie(
    config: &JwtConfig,
    options: &CookieOptions,
    name: &str,
    value: String,
    path: &str,
    http_only: bool,
) -> Cookie<'static> {
    let mut cookie = Cookie::new(name.to_owned(), value);
    cookie.set_path(path.to_owned());
    cookie.set_http_only(http_only);
    cookie.set_secure(config.cookie_secure);
    let domain = options
        .domain
        .as_ref()
        .filter(|domain| !domain.is_empty())
        .or(config.cookie_domain.as_ref());
    if let Some(domain) = domain {
        cookie.set_domain(domain.clone());
    }
    if let Some(samesite) = config.cookie_samesite {
        cookie.set_same_site(same_site(samesite));
    }
    cookie
}

/// 3.x refuses the helpers when cookies are not a token location; 4.x sets the cookies
/// whatever `JWT_TOKEN_LOCATION` says.
fn cookies_required(function: &str, manager: &JwtManager) -> Result<(), JwtError> {
    let config = manager.config();
    if config.compat == Compat::V4 || config.token_location.contains(&TokenLocation::Cookies) {
        Ok(())
    } else {
        Err(JwtError::Internal(format!(
            "{function}() called without 'JWT_TOKEN_LOCATION' configured to use cookies"
        )))
    }
}

impl JwtManager {
    /// Python's `set_access_cookies(response, token, max_age, domain)`: the access cookie,
    /// and its CSRF cookie when CSRF protection is on.
    ///
    /// # Errors
    /// In 3.x mode when cookies are not a token location (`JWT_TOKEN_LOCATION`); when
    /// the token does not verify (its CSRF value is read from it).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::cookies::CookieOptions;
    /// # use jwt_runtime::config::TokenLocation;
    /// let manager = JwtManager::new(JwtConfig::default()
    ///     .secret_key("an-example-secret-of-32-bytes!!!")
    ///     .token_location([TokenLocation::Cookies]))?;
    /// let mut response = actix_web::HttpResponse::Ok().finish();
    /// manager.set_access_cookies(&mut response, &manager.create_access_token(&"bob")?, &CookieOptions::default())?;
    /// assert_eq!(response.cookies().count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_access_cookies(
        &self,
        response: &mut impl SetCookie,
        token: &str,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        self.set_cookies(
            "set_access_cookies",
            TokenType::Access,
            response,
            token,
            options,
        )
    }

    /// Python's `set_refresh_cookies(response, token, max_age, domain)`.
    ///
    /// # Errors
    /// As [`set_access_cookies`](Self::set_access_cookies).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::cookies::CookieOptions;
    /// # use jwt_runtime::config::TokenLocation;
    /// let manager = JwtManager::new(JwtConfig::default()
    ///     .secret_key("an-example-secret-of-32-bytes!!!")
    ///     .token_location([TokenLocation::Cookies]))?;
    /// let mut response = actix_web::HttpResponse::Ok();
    /// manager.set_refresh_cookies(&mut response, &manager.create_refresh_token(&"bob")?, &CookieOptions::default())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_refresh_cookies(
        &self,
        response: &mut impl SetCookie,
        token: &str,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        self.set_cookies(
            "set_refresh_cookies",
            TokenType::Refresh,
            response,
            token,
            options,
        )
    }

    fn set_cookies(
        &self,
        function: &str,
        token_type: TokenType,
        response: &mut impl SetCookie,
        token: &str,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        cookies_required(function, self)?;
        let config = self.config();
        let names = self.inner.names(token_type);
        let (name, path, csrf_name, csrf_path) = (
            names.cookie.as_str(),
            names.cookie_path.as_str(),
            names.csrf_cookie.as_str(),
            names.csrf_cookie_path.as_str(),
        );
        // `max_age=0` is falsy in the reference and falls back to the configuration.
        let max_age = options.max_age.filter(|d| !d.is_zero()).or_else(|| {
            (!config.session_cookie).then(|| Duration::from_secs(PERSISTENT_COOKIE_SECONDS))
        });
        let with_age = |mut cookie: Cookie<'static>| {
            if let Some(age) = max_age {
                let age = CookieDuration::seconds(i64::try_from(age.as_secs()).unwrap_or(i64::MAX));
                cookie.set_max_age(age);
                cookie.set_expires(
                    OffsetDateTime::now_utc()
                        .checked_add(age)
                        .unwrap_or(OffsetDateTime::now_utc()),
                );
            }
            cookie
        };
        let csrf = if self.inner.csrf_claim && config.csrf_in_cookies {
            Some(self.get_csrf_token(token)?)
        } else {
            None
        };
        response.add_jwt_cookie(with_age(cookie(
            config,
            options,
            name,
            token.to_owned(),
            path,
            true,
        )))?;
        if let Some(csrf) = csrf {
            response.add_jwt_cookie(with_age(cookie(
                config, options, csrf_name, csrf, csrf_path, false,
            )))?;
        }
        Ok(())
    }

    /// Python's `unset_jwt_cookies(response, domain)`: unsets the access, then the refresh
    /// cookies (`options`' domain, else `JWT_COOKIE_DOMAIN`).
    ///
    /// # Errors
    /// In 3.x mode when cookies are not a token location (`JWT_TOKEN_LOCATION`).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::cookies::CookieOptions;
    /// # use jwt_runtime::config::TokenLocation;
    /// let manager = JwtManager::new(JwtConfig::default()
    ///     .secret_key("an-example-secret-of-32-bytes!!!")
    ///     .token_location([TokenLocation::Cookies]))?;
    /// let mut response = actix_web::HttpResponse::Ok().finish();
    /// manager.unset_jwt_cookies(&mut response, &CookieOptions::default())?;
    /// assert_eq!(response.cookies().count(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unset_jwt_cookies(
        &self,
        response: &mut impl SetCookie,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        self.unset_access_cookies(response, options)?;
        self.unset_refresh_cookies(response, options)
    }

    /// Python's `unset_access_cookies(response, domain)`.
    ///
    /// # Errors
    /// As [`unset_jwt_cookies`](Self::unset_jwt_cookies).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::cookies::CookieOptions;
    /// # use jwt_runtime::config::TokenLocation;
    /// let manager = JwtManager::new(JwtConfig::default()
    ///     .secret_key("an-example-secret-of-32-bytes!!!")
    ///     .token_location([TokenLocation::Cookies]))?;
    /// let mut response = actix_web::HttpResponse::Ok().finish();
    /// manager.unset_access_cookies(&mut response, &CookieOptions::default())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unset_access_cookies(
        &self,
        response: &mut impl SetCookie,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        self.unset_cookies(TokenType::Access, response, options)
    }

    /// Python's `unset_refresh_cookies(response, domain)`.
    ///
    /// # Errors
    /// As [`unset_jwt_cookies`](Self::unset_jwt_cookies).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::cookies::CookieOptions;
    /// # use jwt_runtime::config::TokenLocation;
    /// let manager = JwtManager::new(JwtConfig::default()
    ///     .secret_key("an-example-secret-of-32-bytes!!!")
    ///     .token_location([TokenLocation::Cookies]))?;
    /// let mut response = actix_web::HttpResponse::Ok().finish();
    /// manager.unset_refresh_cookies(&mut response, &CookieOptions::default())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unset_refresh_cookies(
        &self,
        response: &mut impl SetCookie,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        self.unset_cookies(TokenType::Refresh, response, options)
    }

    fn unset_cookies(
        &self,
        token_type: TokenType,
        response: &mut impl SetCookie,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        // The reference names unset_refresh_cookies() for both (a copy-paste quirk kept for parity).
        cookies_required("unset_refresh_cookies", self)?;
        let config = self.config();
        let names = self.inner.names(token_type);
        let (name, path, csrf_name, csrf_path) = (
            names.cookie.as_str(),
            names.cookie_path.as_str(),
            names.csrf_cookie.as_str(),
            names.csrf_cookie_path.as_str(),
        );
        let expired = |mut cookie: Cookie<'static>| {
            cookie.set_expires(OffsetDateTime::UNIX_EPOCH);
            cookie
        };
        response.add_jwt_cookie(expired(cookie(
            config,
            options,
            name,
            String::new(),
            path,
            true,
        )))?;
        if self.inner.csrf_claim && config.csrf_in_cookies {
            response.add_jwt_cookie(expired(cookie(
                config,
                options,
                csrf_name,
                String::new(),
                csrf_path,
                false,
            )))?;
        }
        Ok(())
    }
}

/// [`JwtManager::set_access_cookies`] with the current App's manager and no `max_age`.
///
/// # Errors
/// As [`JwtManager::set_access_cookies`], or outside a set-up App.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
/// use serde_json::json;
///
/// #[post("/login")]
/// async fn login() -> Result<HttpResponse, JwtError> {
///     let mut response = HttpResponse::Ok();
///     set_access_cookies(&mut response, &create_access_token(&"test")?)?;
///     Ok(response.json(json!({"login": true})))
/// }
/// ```
pub fn set_access_cookies(response: &mut impl SetCookie, token: &str) -> Result<(), JwtError> {
    current_manager()?.set_access_cookies(response, token, &CookieOptions::default())
}

/// [`set_access_cookies`] with Python's `max_age` and `domain` arguments.
///
/// # Errors
/// As [`set_access_cookies`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
///
/// #[post("/login")]
/// async fn login() -> Result<HttpResponse, JwtError> {
///     let mut response = HttpResponse::Ok();
///     let options = CookieOptions::default().max_age(std::time::Duration::from_secs(3600));
///     set_access_cookies_with(&mut response, &create_access_token(&"test")?, &options)?;
///     Ok(response.finish())
/// }
/// ```
pub fn set_access_cookies_with(
    response: &mut impl SetCookie,
    token: &str,
    options: &CookieOptions,
) -> Result<(), JwtError> {
    current_manager()?.set_access_cookies(response, token, options)
}

/// [`JwtManager::set_refresh_cookies`] with the current App's manager and no `max_age`.
///
/// # Errors
/// As [`set_access_cookies`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
///
/// #[post("/login")]
/// async fn login() -> Result<HttpResponse, JwtError> {
///     let mut response = HttpResponse::Ok();
///     set_refresh_cookies(&mut response, &create_refresh_token(&"test")?)?;
///     Ok(response.finish())
/// }
/// ```
pub fn set_refresh_cookies(response: &mut impl SetCookie, token: &str) -> Result<(), JwtError> {
    current_manager()?.set_refresh_cookies(response, token, &CookieOptions::default())
}

/// [`set_refresh_cookies`] with Python's `max_age` and `domain` arguments.
///
/// # Errors
/// As [`set_access_cookies`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
///
/// #[post("/login")]
/// async fn login() -> Result<HttpResponse, JwtError> {
///     let mut response = HttpResponse::Ok();
///     let options = CookieOptions::default().domain("example.com");
///     set_refresh_cookies_with(&mut response, &create_refresh_token(&"test")?, &options)?;
///     Ok(response.finish())
/// }
/// ```
pub fn set_refresh_cookies_with(
    response: &mut impl SetCookie,
    token: &str,
    options: &CookieOptions,
) -> Result<(), JwtError> {
    current_manager()?.set_refresh_cookies(response, token, options)
}

/// Python's `unset_jwt_cookies(response)` with the current App's manager.
///
/// # Errors
/// In 3.x mode when cookies are not a token location; outside a set-up App.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
/// use serde_json::json;
///
/// #[post("/logout")]
/// async fn logout() -> Result<HttpResponse, JwtError> {
///     let mut response = HttpResponse::Ok();
///     unset_jwt_cookies(&mut response)?;
///     Ok(response.json(json!({"logout": true})))
/// }
/// ```
pub fn unset_jwt_cookies(response: &mut impl SetCookie) -> Result<(), JwtError> {
    current_manager()?.unset_jwt_cookies(response, &CookieOptions::default())
}

/// [`unset_jwt_cookies`] with Python's `domain` argument.
///
/// # Errors
/// As [`unset_jwt_cookies`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
///
/// #[post("/logout")]
/// async fn logout() -> Result<HttpResponse, JwtError> {
///     let mut response = HttpResponse::Ok();
///     unset_jwt_cookies_with(&mut response, &CookieOptions::default().domain("example.com"))?;
///     Ok(response.finish())
/// }
/// ```
pub fn unset_jwt_cookies_with(
    response: &mut impl SetCookie,
    options: &CookieOptions,
) -> Result<(), JwtError> {
    current_manager()?.unset_jwt_cookies(response, options)
}

/// Python's `unset_access_cookies(response)` with the current App's manager.
///
/// # Errors
/// As [`unset_jwt_cookies`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
///
/// #[post("/logout")]
/// async fn logout() -> Result<HttpResponse, JwtError> {
///     let mut response = HttpResponse::Ok();
///     unset_access_cookies(&mut response)?;
///     Ok(response.finish())
/// }
/// ```
pub fn unset_access_cookies(response: &mut impl SetCookie) -> Result<(), JwtError> {
    current_manager()?.unset_access_cookies(response, &CookieOptions::default())
}

/// Python's `unset_refresh_cookies(response)` with the current App's manager.
///
/// # Errors
/// As [`unset_jwt_cookies`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
///
/// #[post("/logout")]
/// async fn logout() -> Result<HttpResponse, JwtError> {
///     let mut response = HttpResponse::Ok();
///     unset_refresh_cookies(&mut response)?;
///     Ok(response.finish())
/// }
/// ```
pub fn unset_refresh_cookies(response: &mut impl SetCookie) -> Result<(), JwtError> {
    current_manager()?.unset_refresh_cookies(response, &CookieOptions::default())
}
