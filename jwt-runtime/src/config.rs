//! Configuration: every `JWT_*` option of flask-jwt-extended 3.x, typed.
//!
//! [`JwtConfig`] holds each option under the snake-case form of its Flask name
//! (`JWT_ACCESS_TOKEN_EXPIRES` → [`JwtConfig::access_token_expires`]), with the
//! same default. Build one with [`JwtConfig::default`] and the chained setters,
//! or read the Flask names from the environment with [`JwtConfig::from_env`].
//! Nothing is checked here: [`JwtManager::new`](crate::JwtManager::new) validates
//! the whole configuration once, at start-up.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::error::ConfigError;

pub use jsonwebtoken::Algorithm;

/// Where a token may be read from (`JWT_TOKEN_LOCATION` entries).
///
/// ```
/// use jwt_runtime::TokenLocation;
/// assert_eq!("cookies".parse::<TokenLocation>().unwrap(), TokenLocation::Cookies);
/// assert_eq!(TokenLocation::QueryString.as_str(), "query_string");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenLocation {
    /// `"headers"`: the `JWT_HEADER_NAME` request header.
    Headers,
    /// `"cookies"`: the access or refresh cookie, with CSRF double submit.
    Cookies,
    /// `"query_string"`: the `JWT_QUERY_STRING_NAME` query parameter.
    QueryString,
    /// `"json"`: a key of a JSON object body.
    Json,
}

impl TokenLocation {
    /// Every location, in the reference's order.
    pub const ALL: [TokenLocation; 4] = [
        TokenLocation::Headers,
        TokenLocation::Cookies,
        TokenLocation::QueryString,
        TokenLocation::Json,
    ];

    /// The Flask spelling (`"headers"`, `"cookies"`, `"query_string"`, `"json"`).
    ///
    /// ```
    /// assert_eq!(jwt_runtime::TokenLocation::Json.as_str(), "json");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenLocation::Headers => "headers",
            TokenLocation::Cookies => "cookies",
            TokenLocation::QueryString => "query_string",
            TokenLocation::Json => "json",
        }
    }
}

impl fmt::Display for TokenLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TokenLocation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        TokenLocation::ALL
            .into_iter()
            .find(|location| location.as_str() == s)
            .ok_or_else(|| {
                r#"JWT_TOKEN_LOCATION can only contain "headers", "cookies", "query_string", or "json""#
                    .to_owned()
            })
    }
}

/// The kind of a token: the `type` claim.
///
/// ```
/// use jwt_runtime::TokenType;
/// assert_eq!(TokenType::Refresh.as_str(), "refresh");
/// assert_eq!("access".parse::<TokenType>().unwrap(), TokenType::Access);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// `"access"`
    Access,
    /// `"refresh"`
    Refresh,
}

impl TokenType {
    /// `"access"` or `"refresh"`.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::TokenType::Access.as_str(), "access");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenType::Access => "access",
            TokenType::Refresh => "refresh",
        }
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TokenType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "access" => Ok(TokenType::Access),
            "refresh" => Ok(TokenType::Refresh),
            _ => Err(r#"JWT_BLACKLIST_TOKEN_CHECKS must be "access" or "refresh""#.to_owned()),
        }
    }
}

/// How long a token lives: `JWT_ACCESS_TOKEN_EXPIRES`, `JWT_REFRESH_TOKEN_EXPIRES`
/// and the `expires_delta` argument.
///
/// ```
/// use std::time::Duration;
/// use jwt_runtime::Expiry;
/// let day = Expiry::After(Duration::from_secs(86_400));
/// assert_ne!(day, Expiry::Never);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// The token carries an `exp` this long after its `iat`.
    After(Duration),
    /// The token carries no `exp` (Python's `False`). Pair it with revocation.
    Never,
}

impl Expiry {
    /// The latest `exp` (and `fresh`) a token is created with: 9999-12-31T23:59:59Z, the
    /// last second Python's `datetime` can hold. An expiry or freshness reaching past it
    /// is refused (at start-up for the configured ones, as an error when a token is
    /// created for the others), so no timestamp or Redis TTL derived from it overflows.
    ///
    /// ```
    /// use std::time::Duration;
    /// use jwt_runtime::{Expiry, JwtConfig, JwtManager, TokenOptions};
    /// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let forever = TokenOptions::default().expires(Duration::from_secs(u64::MAX));
    /// assert!(manager.create_access_token_with(&"alice", forever).is_err());
    /// assert_eq!(Expiry::LATEST_TIMESTAMP, 253_402_300_799);
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub const LATEST_TIMESTAMP: i64 = 253_402_300_799;
}

impl From<Duration> for Expiry {
    fn from(duration: Duration) -> Self {
        Expiry::After(duration)
    }
}

/// The `SameSite` attribute of the JWT and CSRF cookies (`JWT_COOKIE_SAMESITE`).
///
/// ```
/// assert_eq!("Lax".parse::<jwt_runtime::SameSite>().unwrap(), jwt_runtime::SameSite::Lax);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Lax`
    Lax,
    /// `SameSite=Strict`
    Strict,
    /// `SameSite=None` (browsers then require `Secure`)
    None,
}

impl FromStr for SameSite {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "Lax" | "lax" => Ok(SameSite::Lax),
            "Strict" | "strict" => Ok(SameSite::Strict),
            "None" | "none" => Ok(SameSite::None),
            _ => {
                Err("expected one of `Lax`, `Strict`, `None`, or empty for no attribute".to_owned())
            }
        }
    }
}

/// A secret or key whose `Debug` output never shows the value.
///
/// ```
/// let secret = jwt_runtime::Secret::from("super-secret");
/// assert_eq!(format!("{secret:?}"), "Secret(12 bytes)");
/// assert_eq!(secret.expose(), b"super-secret");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// The raw bytes.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::Secret::from("k").expose(), b"k");
    /// ```
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.as_bytes().to_vec())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value.into_bytes())
    }
}

impl From<&[u8]> for Secret {
    fn from(value: &[u8]) -> Self {
        Secret(value.to_vec())
    }
}

impl From<Vec<u8>> for Secret {
    fn from(value: Vec<u8>) -> Self {
        Secret(value)
    }
}

/// Every option of flask-jwt-extended 3.x, with the reference's defaults.
///
/// Each field is documented with its Flask option name. Set fields directly or
/// with the chained setters of the same name; the manager validates everything
/// when it is built.
///
/// ```
/// use std::time::Duration;
/// use jwt_runtime::{Expiry, JwtConfig, TokenLocation};
///
/// let config = JwtConfig::default()
///     .secret_key("change-me-to-32-bytes-or-more!!!")
///     .token_location([TokenLocation::Headers, TokenLocation::Cookies])
///     .access_token_expires(Expiry::After(Duration::from_secs(300)));
/// assert_eq!(config.header_name, "Authorization");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct JwtConfig {
    /// `JWT_TOKEN_LOCATION`: where to look for a token, in order. Default `[Headers]`.
    pub token_location: Vec<TokenLocation>,
    /// `JWT_ACCESS_TOKEN_EXPIRES`: default 15 minutes.
    pub access_token_expires: Expiry,
    /// `JWT_REFRESH_TOKEN_EXPIRES`: default 30 days.
    pub refresh_token_expires: Expiry,
    /// `JWT_ALGORITHM`: the signing algorithm. Default `HS256`.
    pub algorithm: Algorithm,
    /// `JWT_DECODE_ALGORITHMS`: accepted algorithms; `None` means `[algorithm]`.
    /// `algorithm` is always accepted too.
    pub decode_algorithms: Option<Vec<Algorithm>>,
    /// `JWT_SECRET_KEY`: the HMAC secret for `HS*` algorithms.
    pub secret_key: Option<Secret>,
    /// `JWT_PRIVATE_KEY`: PEM signing key for `RS*`/`PS*`/`ES*`/`EdDSA`.
    pub private_key: Option<Secret>,
    /// `JWT_PUBLIC_KEY`: PEM verifying key for `RS*`/`PS*`/`ES*`/`EdDSA`.
    pub public_key: Option<Secret>,
    /// `JWT_IDENTITY_CLAIM`: the claim holding the identity. Default `"identity"`.
    pub identity_claim: String,
    /// `JWT_USER_CLAIMS`: the claim holding the custom claims. Default `"user_claims"`.
    pub user_claims: String,
    /// `JWT_CLAIMS_IN_REFRESH_TOKEN`: run the user-claims loader for refresh tokens too. Default `false`.
    pub claims_in_refresh_token: bool,
    /// `JWT_ERROR_MESSAGE_KEY`: key of the default error bodies. Default `"msg"`.
    pub error_message_key: String,
    /// `JWT_DECODE_AUDIENCE`: accepted `aud` values; `None` rejects tokens that carry one.
    pub decode_audience: Option<Vec<String>>,
    /// `JWT_ENCODE_AUDIENCE`: `aud` written into new tokens (one value is written as a string).
    pub encode_audience: Option<Vec<String>>,
    /// `JWT_ENCODE_ISSUER`: `iss` written into new access and refresh tokens.
    pub encode_issuer: Option<String>,
    /// `JWT_DECODE_ISSUER`: the required `iss`.
    pub decode_issuer: Option<String>,
    /// `JWT_DECODE_LEEWAY`: clock skew allowed on `exp`, `nbf` and `iat`. Default 0.
    pub decode_leeway: Duration,
    /// `JWT_BLACKLIST_ENABLED`: check `token_in_blacklist_loader`. Default `false`.
    pub blacklist_enabled: bool,
    /// `JWT_BLACKLIST_TOKEN_CHECKS`: token types looked up. Default `[Access, Refresh]`.
    pub blacklist_token_checks: Vec<TokenType>,
    /// `JWT_HEADER_NAME`: the request header read. Default `"Authorization"`.
    pub header_name: String,
    /// `JWT_HEADER_TYPE`: the scheme before the token; empty for a bare token. Default `"Bearer"`.
    pub header_type: String,
    /// `JWT_QUERY_STRING_NAME`: default `"jwt"`.
    pub query_string_name: String,
    /// `JWT_JSON_KEY`: body key of access tokens. Default `"access_token"`.
    pub json_key: String,
    /// `JWT_REFRESH_JSON_KEY`: body key of refresh tokens. Default `"refresh_token"`.
    pub refresh_json_key: String,
    /// `JWT_ACCESS_COOKIE_NAME`: default `"access_token_cookie"`.
    pub access_cookie_name: String,
    /// `JWT_REFRESH_COOKIE_NAME`: default `"refresh_token_cookie"`.
    pub refresh_cookie_name: String,
    /// `JWT_ACCESS_COOKIE_PATH`: default `"/"`.
    pub access_cookie_path: String,
    /// `JWT_REFRESH_COOKIE_PATH`: default `"/"`.
    pub refresh_cookie_path: String,
    /// `JWT_COOKIE_SECURE`: `Secure` on every cookie. Default `false`.
    pub cookie_secure: bool,
    /// `JWT_COOKIE_DOMAIN`: `Domain` on every cookie. Default none.
    pub cookie_domain: Option<String>,
    /// `JWT_SESSION_COOKIE`: session cookies (no `Max-Age`); `false` gives 365 days. Default `true`.
    pub session_cookie: bool,
    /// `JWT_COOKIE_SAMESITE`: default none (no attribute).
    pub cookie_samesite: Option<SameSite>,
    /// `JWT_COOKIE_CSRF_PROTECT`: double-submit CSRF protection for cookies. Default `true`.
    pub cookie_csrf_protect: bool,
    /// `JWT_CSRF_METHODS`: methods that need the CSRF value. Default `POST, PUT, PATCH, DELETE`.
    pub csrf_methods: Vec<String>,
    /// `JWT_ACCESS_CSRF_HEADER_NAME`: default `"X-CSRF-TOKEN"`.
    pub access_csrf_header_name: String,
    /// `JWT_REFRESH_CSRF_HEADER_NAME`: default `"X-CSRF-TOKEN"`.
    pub refresh_csrf_header_name: String,
    /// `JWT_CSRF_HEADER_NAME` (deprecated): overrides both CSRF header names when set.
    pub csrf_header_name: Option<String>,
    /// `JWT_CSRF_IN_COOKIES`: also set readable CSRF cookies. Default `true`.
    pub csrf_in_cookies: bool,
    /// `JWT_ACCESS_CSRF_COOKIE_NAME`: default `"csrf_access_token"`.
    pub access_csrf_cookie_name: String,
    /// `JWT_REFRESH_CSRF_COOKIE_NAME`: default `"csrf_refresh_token"`.
    pub refresh_csrf_cookie_name: String,
    /// `JWT_ACCESS_CSRF_COOKIE_PATH`: default `"/"`.
    pub access_csrf_cookie_path: String,
    /// `JWT_REFRESH_CSRF_COOKIE_PATH`: default `"/"`.
    pub refresh_csrf_cookie_path: String,
    /// `JWT_CSRF_CHECK_FORM`: read the CSRF value from a form field when the header is empty. Default `false`.
    pub csrf_check_form: bool,
    /// `JWT_ACCESS_CSRF_FIELD_NAME`: default `"csrf_token"`.
    pub access_csrf_field_name: String,
    /// `JWT_REFRESH_CSRF_FIELD_NAME`: default `"csrf_token"`.
    pub refresh_csrf_field_name: String,
    /// `JWT_MAX_TOKEN_SIZE` (this port only): longest accepted token in bytes. Default 8192.
    pub max_token_size: usize,
    /// `JWT_JSON_BODY_LIMIT` (this port only): most body bytes a guard reads before
    /// authentication, for the JSON location or a CSRF form field. Default 64 KiB; the
    /// App's `web::JsonConfig` / `web::PayloadConfig` limit applies when it is smaller.
    pub json_body_limit: usize,
    /// `JWT_JSON_BODY_TIMEOUT` (this port only): how long a guard waits for such a body
    /// before answering 408. Default 5 seconds.
    pub json_body_timeout: Duration,
}

impl Default for JwtConfig {
    fn default() -> Self {
        let s = str::to_owned;
        JwtConfig {
            token_location: vec![TokenLocation::Headers],
            access_token_expires: Expiry::After(Duration::from_mins(15)),
            refresh_token_expires: Expiry::After(Duration::from_hours(30 * 24)),
            algorithm: Algorithm::HS256,
            decode_algorithms: None,
            secret_key: None,
            private_key: None,
            public_key: None,
            identity_claim: s("identity"),
            user_claims: s("user_claims"),
            claims_in_refresh_token: false,
            error_message_key: s("msg"),
            decode_audience: None,
            encode_audience: None,
            encode_issuer: None,
            decode_issuer: None,
            decode_leeway: Duration::ZERO,
            blacklist_enabled: false,
            blacklist_token_checks: vec![TokenType::Access, TokenType::Refresh],
            header_name: s("Authorization"),
            header_type: s("Bearer"),
            query_string_name: s("jwt"),
            json_key: s("access_token"),
            refresh_json_key: s("refresh_token"),
            access_cookie_name: s("access_token_cookie"),
            refresh_cookie_name: s("refresh_token_cookie"),
            access_cookie_path: s("/"),
            refresh_cookie_path: s("/"),
            cookie_secure: false,
            cookie_domain: None,
            session_cookie: true,
            cookie_samesite: None,
            cookie_csrf_protect: true,
            csrf_methods: ["POST", "PUT", "PATCH", "DELETE"].map(s).to_vec(),
            access_csrf_header_name: s("X-CSRF-TOKEN"),
            refresh_csrf_header_name: s("X-CSRF-TOKEN"),
            csrf_header_name: None,
            csrf_in_cookies: true,
            access_csrf_cookie_name: s("csrf_access_token"),
            refresh_csrf_cookie_name: s("csrf_refresh_token"),
            access_csrf_cookie_path: s("/"),
            refresh_csrf_cookie_path: s("/"),
            csrf_check_form: false,
            access_csrf_field_name: s("csrf_token"),
            refresh_csrf_field_name: s("csrf_token"),
            max_token_size: 8192,
            json_body_limit: 64 * 1024,
            json_body_timeout: Duration::from_secs(5),
        }
    }
}

/// Stamps out one chained setter per field.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty => $conv:expr;)*) => {
        impl JwtConfig {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $name(mut self, value: impl Into<$ty>) -> Self {
                    let value: $ty = value.into();
                    #[allow(clippy::redundant_closure_call)]
                    { self.$name = ($conv)(value); }
                    self
                }
            )*
        }
    };
}

setters! {
    /// Sets `JWT_ACCESS_TOKEN_EXPIRES`.
    ///
    /// ```
    /// # use jwt_runtime::{Expiry, JwtConfig};
    /// let config = JwtConfig::default().access_token_expires(Expiry::Never);
    /// assert_eq!(config.access_token_expires, Expiry::Never);
    /// ```
    access_token_expires: Expiry => |v| v;
    /// Sets `JWT_REFRESH_TOKEN_EXPIRES`.
    ///
    /// ```
    /// # use jwt_runtime::{Expiry, JwtConfig};
    /// let config = JwtConfig::default().refresh_token_expires(std::time::Duration::from_secs(60));
    /// assert_eq!(config.refresh_token_expires, Expiry::After(std::time::Duration::from_secs(60)));
    /// ```
    refresh_token_expires: Expiry => |v| v;
    /// Sets `JWT_ALGORITHM`.
    ///
    /// ```
    /// # use jwt_runtime::{Algorithm, JwtConfig};
    /// assert_eq!(JwtConfig::default().algorithm(Algorithm::HS512).algorithm, Algorithm::HS512);
    /// ```
    algorithm: Algorithm => |v| v;
    /// Sets `JWT_SECRET_KEY`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(JwtConfig::default().secret_key("s3cr3t").secret_key.is_some());
    /// ```
    secret_key: Secret => Some;
    /// Sets `JWT_PRIVATE_KEY` (PEM).
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(JwtConfig::default().private_key("-----BEGIN PRIVATE KEY-----").private_key.is_some());
    /// ```
    private_key: Secret => Some;
    /// Sets `JWT_PUBLIC_KEY` (PEM).
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(JwtConfig::default().public_key("-----BEGIN PUBLIC KEY-----").public_key.is_some());
    /// ```
    public_key: Secret => Some;
    /// Sets `JWT_IDENTITY_CLAIM`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().identity_claim("sub").identity_claim, "sub");
    /// ```
    identity_claim: String => |v| v;
    /// Sets `JWT_USER_CLAIMS`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().user_claims("ctx").user_claims, "ctx");
    /// ```
    user_claims: String => |v| v;
    /// Sets `JWT_CLAIMS_IN_REFRESH_TOKEN`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(JwtConfig::default().claims_in_refresh_token(true).claims_in_refresh_token);
    /// ```
    claims_in_refresh_token: bool => |v| v;
    /// Sets `JWT_ERROR_MESSAGE_KEY`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().error_message_key("message").error_message_key, "message");
    /// ```
    error_message_key: String => |v| v;
    /// Sets `JWT_ENCODE_ISSUER`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().encode_issuer("me").encode_issuer.as_deref(), Some("me"));
    /// ```
    encode_issuer: String => Some;
    /// Sets `JWT_DECODE_ISSUER`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().decode_issuer("me").decode_issuer.as_deref(), Some("me"));
    /// ```
    decode_issuer: String => Some;
    /// Sets `JWT_DECODE_LEEWAY`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// let config = JwtConfig::default().decode_leeway(std::time::Duration::from_secs(30));
    /// assert_eq!(config.decode_leeway.as_secs(), 30);
    /// ```
    decode_leeway: Duration => |v| v;
    /// Sets `JWT_BLACKLIST_ENABLED`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(JwtConfig::default().blacklist_enabled(true).blacklist_enabled);
    /// ```
    blacklist_enabled: bool => |v| v;
    /// Sets `JWT_HEADER_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().header_name("Foo").header_name, "Foo");
    /// ```
    header_name: String => |v| v;
    /// Sets `JWT_HEADER_TYPE` (empty for a bare token).
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().header_type("").header_type, "");
    /// ```
    header_type: String => |v| v;
    /// Sets `JWT_QUERY_STRING_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().query_string_name("token").query_string_name, "token");
    /// ```
    query_string_name: String => |v| v;
    /// Sets `JWT_JSON_KEY`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().json_key("t").json_key, "t");
    /// ```
    json_key: String => |v| v;
    /// Sets `JWT_REFRESH_JSON_KEY`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().refresh_json_key("r").refresh_json_key, "r");
    /// ```
    refresh_json_key: String => |v| v;
    /// Sets `JWT_ACCESS_COOKIE_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().access_cookie_name("a").access_cookie_name, "a");
    /// ```
    access_cookie_name: String => |v| v;
    /// Sets `JWT_REFRESH_COOKIE_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().refresh_cookie_name("r").refresh_cookie_name, "r");
    /// ```
    refresh_cookie_name: String => |v| v;
    /// Sets `JWT_ACCESS_COOKIE_PATH`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().access_cookie_path("/api").access_cookie_path, "/api");
    /// ```
    access_cookie_path: String => |v| v;
    /// Sets `JWT_REFRESH_COOKIE_PATH`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().refresh_cookie_path("/r").refresh_cookie_path, "/r");
    /// ```
    refresh_cookie_path: String => |v| v;
    /// Sets `JWT_COOKIE_SECURE`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(JwtConfig::default().cookie_secure(true).cookie_secure);
    /// ```
    cookie_secure: bool => |v| v;
    /// Sets `JWT_COOKIE_DOMAIN`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().cookie_domain("ex.com").cookie_domain.as_deref(), Some("ex.com"));
    /// ```
    cookie_domain: String => Some;
    /// Sets `JWT_SESSION_COOKIE`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(!JwtConfig::default().session_cookie(false).session_cookie);
    /// ```
    session_cookie: bool => |v| v;
    /// Sets `JWT_COOKIE_SAMESITE`.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, SameSite};
    /// assert_eq!(JwtConfig::default().cookie_samesite(SameSite::Lax).cookie_samesite, Some(SameSite::Lax));
    /// ```
    cookie_samesite: SameSite => Some;
    /// Sets `JWT_COOKIE_CSRF_PROTECT`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(!JwtConfig::default().cookie_csrf_protect(false).cookie_csrf_protect);
    /// ```
    cookie_csrf_protect: bool => |v| v;
    /// Sets `JWT_ACCESS_CSRF_HEADER_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().access_csrf_header_name("X").access_csrf_header_name, "X");
    /// ```
    access_csrf_header_name: String => |v| v;
    /// Sets `JWT_REFRESH_CSRF_HEADER_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().refresh_csrf_header_name("X").refresh_csrf_header_name, "X");
    /// ```
    refresh_csrf_header_name: String => |v| v;
    /// Sets the deprecated `JWT_CSRF_HEADER_NAME`, which overrides both CSRF header names.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().csrf_header_name("X").csrf_header_name.as_deref(), Some("X"));
    /// ```
    csrf_header_name: String => Some;
    /// Sets `JWT_CSRF_IN_COOKIES`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(!JwtConfig::default().csrf_in_cookies(false).csrf_in_cookies);
    /// ```
    csrf_in_cookies: bool => |v| v;
    /// Sets `JWT_ACCESS_CSRF_COOKIE_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().access_csrf_cookie_name("c").access_csrf_cookie_name, "c");
    /// ```
    access_csrf_cookie_name: String => |v| v;
    /// Sets `JWT_REFRESH_CSRF_COOKIE_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().refresh_csrf_cookie_name("c").refresh_csrf_cookie_name, "c");
    /// ```
    refresh_csrf_cookie_name: String => |v| v;
    /// Sets `JWT_ACCESS_CSRF_COOKIE_PATH`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().access_csrf_cookie_path("/a").access_csrf_cookie_path, "/a");
    /// ```
    access_csrf_cookie_path: String => |v| v;
    /// Sets `JWT_REFRESH_CSRF_COOKIE_PATH`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().refresh_csrf_cookie_path("/r").refresh_csrf_cookie_path, "/r");
    /// ```
    refresh_csrf_cookie_path: String => |v| v;
    /// Sets `JWT_CSRF_CHECK_FORM`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert!(JwtConfig::default().csrf_check_form(true).csrf_check_form);
    /// ```
    csrf_check_form: bool => |v| v;
    /// Sets `JWT_ACCESS_CSRF_FIELD_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().access_csrf_field_name("f").access_csrf_field_name, "f");
    /// ```
    access_csrf_field_name: String => |v| v;
    /// Sets `JWT_REFRESH_CSRF_FIELD_NAME`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().refresh_csrf_field_name("f").refresh_csrf_field_name, "f");
    /// ```
    refresh_csrf_field_name: String => |v| v;
    /// Sets `JWT_MAX_TOKEN_SIZE`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().max_token_size(4096usize).max_token_size, 4096);
    /// ```
    max_token_size: usize => |v| v;
    /// Sets `JWT_JSON_BODY_LIMIT`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// assert_eq!(JwtConfig::default().json_body_limit(1024usize).json_body_limit, 1024);
    /// ```
    json_body_limit: usize => |v| v;
    /// Sets `JWT_JSON_BODY_TIMEOUT`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// use std::time::Duration;
    /// let config = JwtConfig::default().json_body_timeout(Duration::from_secs(2));
    /// assert_eq!(config.json_body_timeout, Duration::from_secs(2));
    /// ```
    json_body_timeout: Duration => |v| v;
}

impl JwtConfig {
    /// Sets `JWT_TOKEN_LOCATION`.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, TokenLocation};
    /// let config = JwtConfig::default().token_location([TokenLocation::Cookies]);
    /// assert_eq!(config.token_location, [TokenLocation::Cookies]);
    /// ```
    #[must_use]
    pub fn token_location(mut self, locations: impl IntoIterator<Item = TokenLocation>) -> Self {
        self.token_location = locations.into_iter().collect();
        self
    }

    /// Sets `JWT_DECODE_ALGORITHMS`.
    ///
    /// ```
    /// # use jwt_runtime::{Algorithm, JwtConfig};
    /// let config = JwtConfig::default().decode_algorithms([Algorithm::HS512]);
    /// assert_eq!(config.decode_algorithms, Some(vec![Algorithm::HS512]));
    /// ```
    #[must_use]
    pub fn decode_algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.decode_algorithms = Some(algorithms.into_iter().collect());
        self
    }

    /// Sets `JWT_DECODE_AUDIENCE`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// let config = JwtConfig::default().decode_audience(["api"]);
    /// assert_eq!(config.decode_audience, Some(vec!["api".to_owned()]));
    /// ```
    #[must_use]
    pub fn decode_audience<S: Into<String>>(
        mut self,
        audience: impl IntoIterator<Item = S>,
    ) -> Self {
        self.decode_audience = Some(audience.into_iter().map(Into::into).collect());
        self
    }

    /// Sets `JWT_ENCODE_AUDIENCE`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// let config = JwtConfig::default().encode_audience(["api", "web"]);
    /// assert_eq!(config.encode_audience.map(|a| a.len()), Some(2));
    /// ```
    #[must_use]
    pub fn encode_audience<S: Into<String>>(
        mut self,
        audience: impl IntoIterator<Item = S>,
    ) -> Self {
        self.encode_audience = Some(audience.into_iter().map(Into::into).collect());
        self
    }

    /// Sets `JWT_BLACKLIST_TOKEN_CHECKS`.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, TokenType};
    /// let config = JwtConfig::default().blacklist_token_checks([TokenType::Refresh]);
    /// assert_eq!(config.blacklist_token_checks, [TokenType::Refresh]);
    /// ```
    #[must_use]
    pub fn blacklist_token_checks(mut self, checks: impl IntoIterator<Item = TokenType>) -> Self {
        self.blacklist_token_checks = checks.into_iter().collect();
        self
    }

    /// Sets `JWT_CSRF_METHODS`.
    ///
    /// ```
    /// # use jwt_runtime::JwtConfig;
    /// let config = JwtConfig::default().csrf_methods(["GET"]);
    /// assert_eq!(config.csrf_methods, ["GET"]);
    /// ```
    #[must_use]
    pub fn csrf_methods<S: Into<String>>(mut self, methods: impl IntoIterator<Item = S>) -> Self {
        self.csrf_methods = methods.into_iter().map(Into::into).collect();
        self
    }

    /// Reads every `JWT_*` option from the process environment.
    ///
    /// Syntax: lists are comma-separated (`headers,cookies`); booleans are
    /// `true`/`false`/`1`/`0`; durations are whole seconds, or `false` for
    /// "never expires"; keys are PEM text; an empty value for an optional string
    /// means "unset". `JWT_SECRET_KEY` falls back to `SECRET_KEY`, as Flask's does.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable and its value when a value does not parse,
    /// or when a variable is set but is not valid UTF-8 (never read as unset: a setting
    /// that cannot be read must not fall back to a weaker default).
    ///
    /// ```no_run
    /// let config = jwt_runtime::JwtConfig::from_env()?;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(&|name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            // The value may be a secret: it is not shown.
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::new(
                name,
                "<not UTF-8>",
                "is set but is not valid UTF-8; fix or unset it",
            )),
        })
    }

    /// Like [`from_env`](Self::from_env), reading from any lookup function
    /// (a map in tests, a secrets store, ...).
    ///
    /// # Errors
    /// A [`ConfigError`] naming the option and its value when a value does not parse.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let env = HashMap::from([("JWT_TOKEN_LOCATION", "cookies,headers"), ("JWT_ACCESS_TOKEN_EXPIRES", "false")]);
    /// let config = jwt_runtime::JwtConfig::from_lookup(|k| env.get(k).map(|v| v.to_string()))?;
    /// assert_eq!(config.token_location.len(), 2);
    /// assert_eq!(config.access_token_expires, jwt_runtime::Expiry::Never);
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(&|name| Ok(lookup(name)))
    }

    /// Reads every option through `lookup`, which may refuse a variable it cannot read.
    fn read(lookup: &RawLookup<'_>) -> Result<Self, ConfigError> {
        let env = EnvReader { lookup };
        let mut c = JwtConfig::default();
        env.list("JWT_TOKEN_LOCATION", &mut c.token_location)?;
        env.expiry("JWT_ACCESS_TOKEN_EXPIRES", &mut c.access_token_expires)?;
        env.expiry("JWT_REFRESH_TOKEN_EXPIRES", &mut c.refresh_token_expires)?;
        env.parsed("JWT_ALGORITHM", &mut c.algorithm, parse_algorithm)?;
        if let Some(value) = env.get("JWT_DECODE_ALGORITHMS")? {
            c.decode_algorithms = if value.trim().is_empty() {
                None
            } else {
                Some(
                    split_list(&value)
                        .map(|a| {
                            parse_algorithm(a)
                                .map_err(|e| ConfigError::new("JWT_DECODE_ALGORITHMS", &value, e))
                        })
                        .collect::<Result<_, _>>()?,
                )
            };
        }
        c.secret_key = match env.get("JWT_SECRET_KEY")?.filter(|v| !v.is_empty()) {
            Some(secret) => Some(secret),
            None => env.get("SECRET_KEY")?.filter(|v| !v.is_empty()),
        }
        .map(Secret::from);
        c.private_key = env
            .get("JWT_PRIVATE_KEY")?
            .filter(|v| !v.is_empty())
            .map(Secret::from);
        c.public_key = env
            .get("JWT_PUBLIC_KEY")?
            .filter(|v| !v.is_empty())
            .map(Secret::from);
        env.string("JWT_IDENTITY_CLAIM", &mut c.identity_claim)?;
        env.string("JWT_USER_CLAIMS", &mut c.user_claims)?;
        env.boolean(
            "JWT_CLAIMS_IN_REFRESH_TOKEN",
            &mut c.claims_in_refresh_token,
        )?;
        env.string("JWT_ERROR_MESSAGE_KEY", &mut c.error_message_key)?;
        env.optional_list("JWT_DECODE_AUDIENCE", &mut c.decode_audience)?;
        env.optional_list("JWT_ENCODE_AUDIENCE", &mut c.encode_audience)?;
        env.optional("JWT_ENCODE_ISSUER", &mut c.encode_issuer)?;
        env.optional("JWT_DECODE_ISSUER", &mut c.decode_issuer)?;
        env.parsed("JWT_DECODE_LEEWAY", &mut c.decode_leeway, parse_seconds)?;
        env.boolean("JWT_BLACKLIST_ENABLED", &mut c.blacklist_enabled)?;
        env.list("JWT_BLACKLIST_TOKEN_CHECKS", &mut c.blacklist_token_checks)?;
        env.string("JWT_HEADER_NAME", &mut c.header_name)?;
        env.string("JWT_HEADER_TYPE", &mut c.header_type)?;
        env.string("JWT_QUERY_STRING_NAME", &mut c.query_string_name)?;
        env.string("JWT_JSON_KEY", &mut c.json_key)?;
        env.string("JWT_REFRESH_JSON_KEY", &mut c.refresh_json_key)?;
        env.string("JWT_ACCESS_COOKIE_NAME", &mut c.access_cookie_name)?;
        env.string("JWT_REFRESH_COOKIE_NAME", &mut c.refresh_cookie_name)?;
        env.string("JWT_ACCESS_COOKIE_PATH", &mut c.access_cookie_path)?;
        env.string("JWT_REFRESH_COOKIE_PATH", &mut c.refresh_cookie_path)?;
        env.boolean("JWT_COOKIE_SECURE", &mut c.cookie_secure)?;
        env.optional("JWT_COOKIE_DOMAIN", &mut c.cookie_domain)?;
        env.boolean("JWT_SESSION_COOKIE", &mut c.session_cookie)?;
        if let Some(value) = env.get("JWT_COOKIE_SAMESITE")? {
            c.cookie_samesite = if value.is_empty() {
                None
            } else {
                Some(
                    value
                        .parse()
                        .map_err(|e| ConfigError::new("JWT_COOKIE_SAMESITE", &value, e))?,
                )
            };
        }
        env.boolean("JWT_COOKIE_CSRF_PROTECT", &mut c.cookie_csrf_protect)?;
        if let Some(value) = env.get("JWT_CSRF_METHODS")? {
            c.csrf_methods = split_list(&value)
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect();
        }
        env.string(
            "JWT_ACCESS_CSRF_HEADER_NAME",
            &mut c.access_csrf_header_name,
        )?;
        env.string(
            "JWT_REFRESH_CSRF_HEADER_NAME",
            &mut c.refresh_csrf_header_name,
        )?;
        env.optional("JWT_CSRF_HEADER_NAME", &mut c.csrf_header_name)?;
        env.boolean("JWT_CSRF_IN_COOKIES", &mut c.csrf_in_cookies)?;
        env.string(
            "JWT_ACCESS_CSRF_COOKIE_NAME",
            &mut c.access_csrf_cookie_name,
        )?;
        env.string(
            "JWT_REFRESH_CSRF_COOKIE_NAME",
            &mut c.refresh_csrf_cookie_name,
        )?;
        env.string(
            "JWT_ACCESS_CSRF_COOKIE_PATH",
            &mut c.access_csrf_cookie_path,
        )?;
        env.string(
            "JWT_REFRESH_CSRF_COOKIE_PATH",
            &mut c.refresh_csrf_cookie_path,
        )?;
        env.boolean("JWT_CSRF_CHECK_FORM", &mut c.csrf_check_form)?;
        env.string("JWT_ACCESS_CSRF_FIELD_NAME", &mut c.access_csrf_field_name)?;
        env.string(
            "JWT_REFRESH_CSRF_FIELD_NAME",
            &mut c.refresh_csrf_field_name,
        )?;
        env.parsed("JWT_MAX_TOKEN_SIZE", &mut c.max_token_size, |v| {
            v.parse::<usize>()
                .map_err(|_| "expected a whole number of bytes".to_owned())
        })?;
        env.parsed("JWT_JSON_BODY_LIMIT", &mut c.json_body_limit, |v| {
            v.parse::<usize>()
                .map_err(|_| "expected a whole number of bytes".to_owned())
        })?;
        env.parsed(
            "JWT_JSON_BODY_TIMEOUT",
            &mut c.json_body_timeout,
            parse_seconds,
        )?;
        Ok(c)
    }
}

/// Parses a JOSE algorithm name (`HS256`, `RS512`, `EdDSA`, ...).
pub(crate) fn parse_algorithm(name: &str) -> Result<Algorithm, String> {
    name.parse::<Algorithm>().map_err(|_| {
        "unknown algorithm; expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA"
            .to_owned()
    })
}

/// Whole seconds, as a duration.
fn parse_seconds(value: &str) -> Result<Duration, String> {
    value
        .parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|_| "expected a whole number of seconds".to_owned())
}

fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim)
}

/// A variable's value, `None` when unset, or why a set variable cannot be read.
type RawLookup<'a> = dyn Fn(&'static str) -> Result<Option<String>, ConfigError> + 'a;

/// Typed reads of environment values, each error naming the variable.
struct EnvReader<'a> {
    lookup: &'a RawLookup<'a>,
}

impl EnvReader<'_> {
    fn get(&self, name: &'static str) -> Result<Option<String>, ConfigError> {
        (self.lookup)(name)
    }

    fn string(&self, name: &'static str, slot: &mut String) -> Result<(), ConfigError> {
        if let Some(value) = self.get(name)? {
            *slot = value;
        }
        Ok(())
    }

    fn optional(&self, name: &'static str, slot: &mut Option<String>) -> Result<(), ConfigError> {
        if let Some(value) = self.get(name)? {
            *slot = Some(value).filter(|v| !v.is_empty());
        }
        Ok(())
    }

    fn optional_list(
        &self,
        name: &'static str,
        slot: &mut Option<Vec<String>>,
    ) -> Result<(), ConfigError> {
        if let Some(value) = self.get(name)? {
            *slot = if value.trim().is_empty() {
                None
            } else {
                Some(split_list(&value).map(str::to_owned).collect())
            };
        }
        Ok(())
    }

    fn parsed<T>(
        &self,
        name: &'static str,
        slot: &mut T,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<(), ConfigError> {
        if let Some(value) = self.get(name)? {
            *slot = parse(value.trim()).map_err(|reason| ConfigError::new(name, &value, reason))?;
        }
        Ok(())
    }

    fn boolean(&self, name: &'static str, slot: &mut bool) -> Result<(), ConfigError> {
        self.parsed(name, slot, |v| match v.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err("expected `true`, `false`, `1` or `0`".to_owned()),
        })
    }

    fn expiry(&self, name: &'static str, slot: &mut Expiry) -> Result<(), ConfigError> {
        self.parsed(name, slot, |v| {
            if v.eq_ignore_ascii_case("false") {
                return Ok(Expiry::Never);
            }
            match v.parse::<u64>() {
                Ok(0) => Err(
                    "a zero duration is not allowed; use `false` for tokens that never expire"
                        .to_owned(),
                ),
                Ok(secs) => Ok(Expiry::After(Duration::from_secs(secs))),
                Err(_) => Err(
                    "expected a positive whole number of seconds, or `false` for never".to_owned(),
                ),
            }
        })
    }

    fn list<T: FromStr<Err = String>>(
        &self,
        name: &'static str,
        slot: &mut Vec<T>,
    ) -> Result<(), ConfigError> {
        self.parsed(name, slot, |v| {
            if v.is_empty() {
                return Ok(Vec::new());
            }
            split_list(v).map(str::parse).collect()
        })
    }
}

impl FromStr for Expiry {
    type Err = String;

    /// `"false"` or whole seconds.
    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("false") {
            return Ok(Expiry::Never);
        }
        s.parse::<u64>()
            .map(|secs| Expiry::After(Duration::from_secs(secs)))
            .map_err(|_| "expected whole seconds or `false`".to_owned())
    }
}
