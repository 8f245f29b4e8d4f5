//! The value types of the configuration and the claims: token locations and types,
//! expiries, `SameSite`, secrets, and the algorithm names. A leaf: it imports nothing
//! from the rest of the crate.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use jsonwebtoken::Algorithm;

/// Which flask-jwt-extended line the tokens, defaults and options follow: 3.x (the
/// default) or 4.x (`JWT_COMPAT=4`, [`JwtConfig::v4`](crate::JwtConfig::v4)).
///
/// ```
/// use jwt_runtime::config::Compat;
/// assert_eq!("4".parse::<Compat>(), Ok(Compat::V4));
/// assert_eq!(Compat::default(), Compat::V3);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Compat {
    /// flask-jwt-extended 3.x: `identity`, `user_claims`, the blacklist options.
    #[default]
    V3,
    /// flask-jwt-extended 4.x: `sub`, additional claims at the top level, `nbf`
    /// optional, `csrf` whenever CSRF protection is on.
    V4,
}

impl std::str::FromStr for Compat {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim() {
            "3" => Ok(Compat::V3),
            "4" => Ok(Compat::V4),
            _ => Err("expected 3 or 4 (the flask-jwt-extended major version)".to_owned()),
        }
    }
}

/// Where a token may be read from (`JWT_TOKEN_LOCATION` entries).
///
/// ```
/// use jwt_runtime::config::TokenLocation;
/// assert_eq!("cookies".parse::<TokenLocation>().unwrap(), TokenLocation::Cookies);
/// assert_eq!(TokenLocation::QueryString.as_str(), "query_string");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenLocation {
    /// `"headers"`: the `JWT_HEADER_NAME` request header.
    Headers,
    /// `"cookies"`: the access or refresh cookie, with CSRF double submit.
    Cookies,
    /// `"query_string"`: the `JWT_QUERY_STRING_NAME` query parameter.
    QueryString,
    /// `"json"`: a key of a JSON object body.
    Json,
    /// `"custom"` (this port only): what the `token_source_loader` reads from the request
    /// (a WebSocket subprotocol header, a gateway's header). Every verification rule
    /// applies; it is never a cookie, so no CSRF check (do not read a cookie there).
    Custom,
}

impl TokenLocation {
    /// Every location: the reference's four in its order, then `custom`.
    pub const ALL: [TokenLocation; 5] = [
        TokenLocation::Headers,
        TokenLocation::Cookies,
        TokenLocation::QueryString,
        TokenLocation::Json,
        TokenLocation::Custom,
    ];

    /// The Flask spelling (`"headers"`, `"cookies"`, `"query_string"`, `"json"`), and
    /// `"custom"`.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::config::TokenLocation::Json.as_str(), "json");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenLocation::Headers => "headers",
            TokenLocation::Cookies => "cookies",
            TokenLocation::QueryString => "query_string",
            TokenLocation::Json => "json",
            TokenLocation::Custom => "custom",
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
                r#"can only contain "headers", "cookies", "query_string", "json", or "custom""#
                    .to_owned()
            })
    }
}

/// The kind of a token: the `type` claim.
///
/// ```
/// use jwt_runtime::config::TokenType;
/// assert_eq!(TokenType::Refresh.as_str(), "refresh");
/// assert_eq!("access".parse::<TokenType>().unwrap(), TokenType::Access);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// `"access"`
    Access,
    /// `"refresh"`
    Refresh,
    /// Any other `type` claim, which only 4.x mode accepts (flask-jwt-extended 4.x takes
    /// every token that is not a refresh token where an access token is wanted, e.g. one
    /// made with `additional_claims` `{"type": "service"}`). The claim's text is
    /// [`Claims::type_name`](crate::Claims::type_name); `as_str` says `"other"`. Tokens are
    /// never created, nor options configured, with this variant.
    Other,
}

impl TokenType {
    /// The `type` claim's value.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::config::TokenType::Access.as_str(), "access");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenType::Access => "access",
            TokenType::Refresh => "refresh",
            TokenType::Other => "other",
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
            _ => Err(r#"must be "access" or "refresh""#.to_owned()),
        }
    }
}

/// How long a token lives: `JWT_ACCESS_TOKEN_EXPIRES`, `JWT_REFRESH_TOKEN_EXPIRES`
/// and the `expires_delta` argument.
///
/// ```
/// use std::time::Duration;
/// use jwt_runtime::config::Expiry;
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
    /// use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// use jwt_runtime::config::Expiry;
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
/// assert_eq!("Lax".parse::<jwt_runtime::config::SameSite>().unwrap(), jwt_runtime::config::SameSite::Lax);
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
/// let secret = jwt_runtime::config::Secret::from("super-secret");
/// assert_eq!(format!("{secret:?}"), "Secret(12 bytes)");
/// assert_eq!(secret.expose(), b"super-secret");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// The raw bytes.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::config::Secret::from("k").expose(), b"k");
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

/// Every algorithm this port accepts, with its JOSE name.
pub(crate) const ALGORITHMS: [(Algorithm, &str); 12] = [
    (Algorithm::HS256, "HS256"),
    (Algorithm::HS384, "HS384"),
    (Algorithm::HS512, "HS512"),
    (Algorithm::RS256, "RS256"),
    (Algorithm::RS384, "RS384"),
    (Algorithm::RS512, "RS512"),
    (Algorithm::PS256, "PS256"),
    (Algorithm::PS384, "PS384"),
    (Algorithm::PS512, "PS512"),
    (Algorithm::ES256, "ES256"),
    (Algorithm::ES384, "ES384"),
    (Algorithm::EdDSA, "EdDSA"),
];

/// The JOSE name of an algorithm.
pub(crate) fn algorithm_name(algorithm: Algorithm) -> &'static str {
    ALGORITHMS
        .iter()
        .find(|(a, _)| *a == algorithm)
        .map_or("unsupported", |(_, name)| name)
}

/// `now + delta` in whole Unix seconds, as `exp` and `fresh` are written; `None` past
/// [`Expiry::LATEST_TIMESTAMP`].
pub(crate) fn timestamp_after(now: f64, delta: Duration) -> Option<i64> {
    let timestamp = seconds_after(now, delta);
    (timestamp <= Expiry::LATEST_TIMESTAMP).then_some(timestamp)
}

/// `now + delta` in whole Unix seconds.
pub(crate) fn seconds_after(now: f64, delta: Duration) -> i64 {
    whole_seconds(now + delta.as_secs_f64())
}

/// Unix seconds, rounded down.
#[allow(
    clippy::cast_possible_truncation,
    reason = "Unix seconds fit in i64 until the year 292 billion"
)]
pub(crate) fn whole_seconds(t: f64) -> i64 {
    t.floor() as i64
}
