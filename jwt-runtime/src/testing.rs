//! Helpers for testing an app that uses this library: a clock you control, tokens of
//! any kind minted by your manager, and test requests that carry a token where the app
//! looks for it (a header, the cookie with its CSRF header, the query string, a JSON body).
//!
//! ```
//! use std::time::Duration;
//! use actix_web::http::Method;
//! use jwt_runtime::{JwtConfig, JwtManager};
//! use jwt_runtime::config::TokenLocation;
//! use jwt_runtime::testing::{ManualClock, mint, request_with_token};
//!
//! let clock = ManualClock::starting_now();
//! let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
//!     .clock(clock.source())
//!     .build()?;
//! let token = mint(&manager).fresh(true).create(&"alice")?;
//! let expired = mint(&manager).expired().create(&"alice")?;
//! assert!(manager.decode_token(&token).is_ok());
//! assert!(manager.decode_token(&expired).is_err());
//! clock.advance(Duration::from_secs(16 * 60));
//! assert!(manager.decode_token(&token).is_err()); // the 15-minute access token has expired
//! let request = request_with_token(&manager, Method::GET, "/protected", TokenLocation::Headers, &token);
//! # let _ = request;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::cookie::Cookie;
use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::JwtError;
use crate::manager::JwtManager;
use crate::payload::parse_payload;
use crate::token::{Fresh, TokenOptions};
use crate::types::{Expiry, TokenLocation, TokenType};

/// A clock that stands still until you move it; give [`source`](Self::source) to
/// [`JwtManagerBuilder::clock`](crate::JwtManagerBuilder::clock) (or to a store's
/// `with_clock`). Clones share the time.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let clock = jwt_runtime::testing::ManualClock::at(UNIX_EPOCH + Duration::from_secs(1_000));
/// clock.advance(Duration::from_secs(5));
/// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(1_005));
/// ```
#[derive(Clone, Debug)]
pub struct ManualClock {
    /// Nanoseconds since the Unix epoch.
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock showing `time` (times before 1970 show 1970).
    ///
    /// ```
    /// let clock = jwt_runtime::testing::ManualClock::at(std::time::UNIX_EPOCH);
    /// assert_eq!(clock.now(), std::time::UNIX_EPOCH);
    /// ```
    #[must_use]
    pub fn at(time: SystemTime) -> Self {
        ManualClock {
            nanos: Arc::new(AtomicU64::new(nanos_since_epoch(time))),
        }
    }

    /// A clock showing the system time now (then standing still).
    ///
    /// ```
    /// let clock = jwt_runtime::testing::ManualClock::starting_now();
    /// assert!(clock.now() <= std::time::SystemTime::now());
    /// ```
    #[must_use]
    pub fn starting_now() -> Self {
        Self::at(SystemTime::now())
    }

    /// The time it shows.
    ///
    /// ```
    /// let clock = jwt_runtime::testing::ManualClock::starting_now();
    /// assert_eq!(clock.now(), clock.clone().now());
    /// ```
    #[must_use]
    pub fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }

    /// Sets the time.
    ///
    /// ```
    /// let clock = jwt_runtime::testing::ManualClock::starting_now();
    /// clock.set(std::time::UNIX_EPOCH);
    /// assert_eq!(clock.now(), std::time::UNIX_EPOCH);
    /// ```
    pub fn set(&self, time: SystemTime) {
        self.nanos.store(nanos_since_epoch(time), Ordering::SeqCst);
    }

    /// Moves the time forward.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let clock = jwt_runtime::testing::ManualClock::at(UNIX_EPOCH);
    /// clock.advance(Duration::from_millis(1500));
    /// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_millis(1500));
    /// ```
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(by))
            })
            .ok();
    }

    /// The clock as a function, for `clock(...)` builders; it follows this clock.
    ///
    /// ```
    /// let clock = jwt_runtime::testing::ManualClock::starting_now();
    /// let source = clock.source();
    /// assert_eq!(source(), clock.now());
    /// ```
    pub fn source(&self) -> impl Fn() -> SystemTime + Send + Sync + 'static + use<> {
        let clock = self.clone();
        move || clock.now()
    }
}

fn nanos_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Starts minting a token with `manager` (its keys, loaders and configuration).
///
/// ```
/// # use jwt_runtime::{JwtConfig, JwtManager};
/// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
/// let refresh = jwt_runtime::testing::mint(&manager).refresh().create(&"alice")?;
/// assert_eq!(manager.decode_token(&refresh)?.token_type().as_str(), "refresh");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn mint(manager: &JwtManager) -> Mint<'_> {
    Mint {
        manager,
        token_type: TokenType::Access,
        options: TokenOptions::default(),
        issued: Issued::Now,
    }
}

/// A token being minted: an access token issued now unless told otherwise.
#[derive(Debug)]
#[must_use]
pub struct Mint<'m> {
    manager: &'m JwtManager,
    token_type: TokenType,
    options: TokenOptions,
    issued: Issued,
}

/// When a minted token is issued.
#[derive(Clone, Copy, Debug)]
enum Issued {
    Now,
    At(SystemTime),
    /// Long enough ago that it has expired.
    Expired,
    /// Far enough ahead that it is not valid yet.
    Future,
}

impl Mint<'_> {
    /// A refresh token instead of an access token.
    ///
    /// ```
    /// # let manager = jwt_runtime::JwtManager::new(jwt_runtime::JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = jwt_runtime::testing::mint(&manager).refresh().create(&1)?;
    /// # let _ = token;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refresh(mut self) -> Self {
        self.token_type = TokenType::Refresh;
        self
    }

    /// Its freshness (access tokens), as [`TokenOptions::fresh`].
    ///
    /// ```
    /// # let manager = jwt_runtime::JwtManager::new(jwt_runtime::JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = jwt_runtime::testing::mint(&manager).fresh(true).create(&1)?;
    /// assert!(manager.decode_token(&token)?.fresh().is_fresh_at(0.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fresh(mut self, fresh: impl Into<Fresh>) -> Self {
        self.options = self.options.fresh(fresh);
        self
    }

    /// Its lifetime, as [`TokenOptions::expires`].
    ///
    /// ```
    /// # let manager = jwt_runtime::JwtManager::new(jwt_runtime::JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = jwt_runtime::testing::mint(&manager).expires(jwt_runtime::config::Expiry::Never).create(&1)?;
    /// assert_eq!(manager.decode_token(&token)?.expires_at(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expires(mut self, expires: impl Into<Expiry>) -> Self {
        self.options = self.options.expires(expires);
        self
    }

    /// Its user claims, as [`TokenOptions::user_claims`].
    ///
    /// ```
    /// # let manager = jwt_runtime::JwtManager::new(jwt_runtime::JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = jwt_runtime::testing::mint(&manager).user_claims(serde_json::json!({"role": "admin"})).create(&1)?;
    /// assert_eq!(manager.decode_token(&token)?.user_claims_value()["role"], "admin");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn user_claims(mut self, claims: Value) -> Self {
        self.options = self.options.user_claims(claims);
        self
    }

    /// Extra header fields, as [`TokenOptions::headers`].
    ///
    /// ```
    /// # let manager = jwt_runtime::JwtManager::new(jwt_runtime::JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let mut headers = serde_json::Map::new();
    /// headers.insert("kid".into(), "k1".into());
    /// let token = jwt_runtime::testing::mint(&manager).headers(headers).create(&1)?;
    /// assert_eq!(manager.get_unverified_jwt_headers(&token)?["kid"], "k1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn headers(mut self, headers: Map<String, Value>) -> Self {
        self.options = self.options.headers(headers);
        self
    }

    /// Issued at `time` (its `iat` and `nbf`; `exp` and a fresh duration count from it).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// # let manager = jwt_runtime::JwtManager::new(jwt_runtime::JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    /// let token = jwt_runtime::testing::mint(&manager).issued_at(an_hour_ago).create(&1)?;
    /// assert!(manager.decode_token(&token).is_err()); // its 15 minutes are over
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn issued_at(mut self, time: SystemTime) -> Self {
        self.issued = Issued::At(time);
        self
    }

    /// Issued long enough ago (its lifetime and a minute more, past the leeway) that it
    /// has expired; a token that never expires is given one second.
    ///
    /// ```
    /// # let manager = jwt_runtime::JwtManager::new(jwt_runtime::JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = jwt_runtime::testing::mint(&manager).expired().create(&1)?;
    /// assert!(matches!(manager.decode_token(&token), Err(jwt_runtime::JwtError::Expired(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expired(mut self) -> Self {
        self.issued = Issued::Expired;
        self
    }

    /// Issued a minute past the leeway in the future: not valid yet (`iat`, `nbf`).
    ///
    /// ```
    /// # let manager = jwt_runtime::JwtManager::new(jwt_runtime::JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = jwt_runtime::testing::mint(&manager).not_yet_valid().create(&1)?;
    /// assert_eq!(manager.decode_token(&token).unwrap_err().message(), "The token is not yet valid (iat)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn not_yet_valid(mut self) -> Self {
        self.issued = Issued::Future;
        self
    }

    /// Creates the token for `identity`.
    ///
    /// # Errors
    /// As [`JwtManager::create_access_token_with`].
    ///
    /// ```
    /// # let manager = jwt_runtime::JwtManager::new(jwt_runtime::JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = jwt_runtime::testing::mint(&manager).create(&"alice")?;
    /// assert_eq!(manager.decode_token(&token)?.identity::<String>()?, "alice");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create<I: Serialize + ?Sized>(self, identity: &I) -> Result<String, JwtError> {
        let Mint {
            manager,
            token_type,
            mut options,
            issued,
        } = self;
        let config = manager.config();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs_f64(manager.now());
        let margin = config.decode_leeway + Duration::from_secs(60);
        let issued_at = match issued {
            Issued::Now => None,
            Issued::At(time) => Some(time),
            Issued::Future => Some(now + margin),
            Issued::Expired => {
                let lifetime = match options.expires.unwrap_or(match token_type {
                    TokenType::Access | TokenType::Other => config.access_token_expires,
                    TokenType::Refresh => config.refresh_token_expires,
                }) {
                    Expiry::After(lifetime) => lifetime,
                    Expiry::Never => {
                        options = options.expires(Duration::from_secs(1));
                        Duration::from_secs(1)
                    }
                };
                Some(now.checked_sub(lifetime + margin).unwrap_or(UNIX_EPOCH))
            }
        };
        let issuer = match issued_at {
            None => manager.clone(),
            Some(time) => manager.with_clock(Arc::new(move || time)),
        };
        match token_type {
            TokenType::Access | TokenType::Other => {
                issuer.create_access_token_with(identity, options)
            }
            TokenType::Refresh => issuer.create_refresh_token_with(identity, options),
        }
    }
}

/// A test request carrying `token` where `manager`'s configuration looks for it in
/// `location`: the `JWT_HEADER_NAME` header with its `JWT_HEADER_TYPE`; the access or
/// refresh cookie (by the token's `type`) with its CSRF header when CSRF protection is on
/// and the token has a `csrf` claim; the `JWT_QUERY_STRING_NAME` parameter (appended to
/// `uri`); or a JSON object body under the `JWT_JSON_KEY` / `JWT_REFRESH_JSON_KEY` key.
/// For `custom`, where the token goes is the `token_source_loader`'s choice: the request
/// comes back without it, to be given the token there. The request can be changed further
/// before it is sent.
///
/// ```
/// use actix_web::http::Method;
/// use jwt_runtime::{JwtConfig, JwtManager};
/// use jwt_runtime::config::TokenLocation;
/// use jwt_runtime::testing::request_with_token;
/// let manager = JwtManager::new(JwtConfig::default()
///     .secret_key("an-example-secret-of-32-bytes!!!")
///     .token_location([TokenLocation::Cookies]))?;
/// let token = manager.create_access_token(&"alice")?;
/// let request = request_with_token(&manager, Method::POST, "/api", TokenLocation::Cookies, &token)
///     .to_http_request();
/// assert_eq!(request.cookie("access_token_cookie").map(|c| c.value().to_owned()), Some(token.clone()));
/// assert_eq!(request.headers().get("X-CSRF-TOKEN").unwrap(), manager.get_csrf_token(&token)?.as_str());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn request_with_token(
    manager: &JwtManager,
    method: Method,
    uri: &str,
    location: TokenLocation,
    token: &str,
) -> TestRequest {
    let inner = &*manager.inner;
    let config = &inner.config;
    let request = TestRequest::default().method(method);
    let unverified = unverified_claims(token);
    let token_type = match unverified.get("type").and_then(Value::as_str) {
        Some("refresh") => TokenType::Refresh,
        _ => TokenType::Access,
    };
    let names = inner.names(token_type);
    match location {
        TokenLocation::Headers => {
            let value = if config.header_type.is_empty() {
                token.to_owned()
            } else {
                format!("{} {token}", config.header_type)
            };
            request
                .uri(uri)
                .insert_header((inner.header_name.clone(), value))
        }
        TokenLocation::Cookies => {
            let request = request
                .uri(uri)
                .cookie(Cookie::new(names.cookie.clone(), token.to_owned()));
            match unverified.get("csrf").and_then(Value::as_str) {
                Some(csrf) if config.cookie_csrf_protect => {
                    request.insert_header((names.csrf_header.clone(), csrf.to_owned()))
                }
                _ => request,
            }
        }
        TokenLocation::QueryString => {
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair(&config.query_string_name, token)
                .finish();
            let separator = if uri.contains('?') { '&' } else { '?' };
            request.uri(&format!("{uri}{separator}{query}"))
        }
        TokenLocation::Json => {
            let mut body = Map::new();
            body.insert(names.json_key.clone(), Value::String(token.to_owned()));
            request.uri(uri).set_json(Value::Object(body))
        }
        // Where the `token_source_loader` reads is the application's (documented above).
        TokenLocation::Custom => request.uri(uri),
    }
}

/// The token's claims, unverified (empty for a malformed token).
fn unverified_claims(token: &str) -> Map<String, Value> {
    use base64::Engine as _;
    token
        .split('.')
        .nth(1)
        .and_then(|payload| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .ok()
        })
        .and_then(|payload| parse_payload(&payload).ok())
        .unwrap_or_default()
}
