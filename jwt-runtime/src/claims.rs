//! The verified claims of a token, with typed accessors.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::payload::{self, ClaimNames, Payload};
use crate::types::TokenType;

/// What an access token says of its freshness: its `fresh` claim. (What you ask for
/// when creating a token is [`Fresh`](crate::Fresh).)
///
/// ```
/// use jwt_runtime::FreshClaim;
/// assert!(FreshClaim::Fresh(true).is_fresh_at(0.0));
/// assert!(FreshClaim::Until(100).is_fresh_at(99.5));
/// assert!(!FreshClaim::Until(100).is_fresh_at(101.5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreshClaim {
    /// `true` or `false`.
    Fresh(bool),
    /// Fresh until this Unix time (seconds).
    Until(i64),
    /// Any other JSON value: never fresh.
    Invalid,
}

impl FreshClaim {
    /// Whether the token counts as fresh at `now` (Unix seconds), as the reference decides:
    /// a bool must be `true`; a timestamp must not be in the past.
    ///
    /// ```
    /// assert!(!jwt_runtime::FreshClaim::Fresh(false).is_fresh_at(0.0));
    /// ```
    #[must_use]
    #[allow(clippy::cast_precision_loss, reason = "timestamps are far below 2^53")]
    pub fn is_fresh_at(self, now: f64) -> bool {
        match self {
            FreshClaim::Fresh(fresh) => fresh,
            FreshClaim::Until(until) => (until as f64) >= now.trunc(),
            FreshClaim::Invalid => false,
        }
    }

    pub(crate) fn from_claim(value: Option<&Value>) -> Self {
        match value {
            None => FreshClaim::Fresh(false),
            Some(Value::Bool(b)) => FreshClaim::Fresh(*b),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(truncate_to_i64))
                .map_or(FreshClaim::Invalid, FreshClaim::Until),
            Some(_) => FreshClaim::Invalid,
        }
    }
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "saturating float to int is intended"
)]
fn truncate_to_i64(f: f64) -> i64 {
    f.trunc() as i64
}

/// The verified, normalised claims of a token, plus its JOSE header.
///
/// Normalised as the reference does: `jti` is `null` when absent, `type` defaults
/// to `"access"`, `fresh` to `false` (access tokens), user claims to `{}`.
///
/// ```
/// use jwt_runtime::{JwtConfig, JwtManager};
/// use jwt_runtime::config::TokenType;
/// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
/// let token = manager.create_access_token(&"alice")?;
/// let claims = manager.decode_token(&token)?;
/// assert_eq!(claims.identity::<String>()?, "alice");
/// assert_eq!(claims.token_type(), TokenType::Access);
/// assert_eq!(claims.user_claims_value(), &serde_json::json!({}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Cloning is cheap (one reference count): [`get_jwt`](crate::get_jwt) hands out the
/// request's claims without copying them, so borrow from it rather than cloning values out.
///
/// ```
/// # use jwt_runtime::{JwtConfig, JwtManager};
/// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
/// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
/// let shared = claims.clone();
/// assert!(std::ptr::eq(shared.identity_value(), claims.identity_value())); // not a copy
/// assert!(std::ptr::eq(shared.raw(), claims.raw()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Claims {
    inner: Arc<ClaimsInner>,
}

struct ClaimsInner {
    payload: Payload,
    /// The whole payload as a map, assembled on first use.
    raw: OnceLock<Map<String, Value>>,
    header: Arc<Map<String, Value>>,
    names: Arc<ClaimNames>,
    token_type: TokenType,
}

impl fmt::Debug for Claims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claims")
            .field("payload", self.raw())
            .field("header", self.header())
            .field("token_type", &self.inner.token_type)
            .finish()
    }
}

impl Claims {
    pub(crate) fn new(
        payload: Payload,
        header: Arc<Map<String, Value>>,
        names: Arc<ClaimNames>,
        token_type: TokenType,
    ) -> Self {
        Claims {
            inner: Arc::new(ClaimsInner {
                payload,
                raw: OnceLock::new(),
                header,
                names,
                token_type,
            }),
        }
    }

    /// The identity, deserialised into any type (`String`, `u64`, your own struct).
    ///
    /// # Errors
    /// When the identity claim does not deserialise into `T`.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&42)?)?;
    /// assert_eq!(claims.identity::<u64>()?, 42);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn identity<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(self.identity_value())
    }

    /// The identity claim as JSON.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
    /// assert_eq!(claims.identity_value(), "bob");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn identity_value(&self) -> &Value {
        self.inner
            .payload
            .get(self.inner.names.identity_slot)
            .unwrap_or(&Value::Null)
    }

    /// The custom claims (`JWT_USER_CLAIMS`), deserialised.
    ///
    /// # Errors
    /// When the user claims do not deserialise into `T`.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let options = TokenOptions::default().user_claims(serde_json::json!({"roles": ["admin"]}));
    /// let token = manager.create_access_token_with(&"bob", options)?;
    /// let claims = manager.decode_token(&token)?;
    /// #[derive(serde::Deserialize)]
    /// struct Roles { roles: Vec<String> }
    /// assert_eq!(claims.user_claims::<Roles>()?.roles, ["admin"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn user_claims<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(self.user_claims_value())
    }

    /// The custom claims as JSON (`{}` when the token has none).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
    /// assert_eq!(claims.user_claims_value(), &serde_json::json!({}));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn user_claims_value(&self) -> &Value {
        self.inner
            .payload
            .get(self.inner.names.user_claims_slot)
            .unwrap_or(&Value::Null)
    }

    /// `access` or `refresh`.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::config::TokenType;
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_refresh_token(&"bob")?)?;
    /// assert_eq!(claims.token_type(), TokenType::Refresh);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn token_type(&self) -> TokenType {
        self.inner.token_type
    }

    /// The `type` claim's text: `access`, `refresh`, or a custom type (4.x mode,
    /// [`TokenType::Other`]); empty when the claim is not a string.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # use jwt_runtime::config::TokenType;
    /// # let manager = JwtManager::new(JwtConfig::v4().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let mut claims = serde_json::Map::new();
    /// claims.insert("type".to_owned(), "service".into());
    /// let token = manager.create_access_token_with(&"robot", TokenOptions::default().additional_claims(claims))?;
    /// let claims = manager.decode_token(&token)?;
    /// assert_eq!((claims.token_type(), claims.type_name()), (TokenType::Other, "service"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn type_name(&self) -> &str {
        self.inner
            .payload
            .get(payload::TYPE)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The `fresh` claim (refresh tokens are never fresh).
    ///
    /// ```
    /// # use jwt_runtime::{FreshClaim, JwtConfig, JwtManager, TokenOptions};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_access_token_with(&"bob", TokenOptions::default().fresh(true))?;
    /// assert_eq!(manager.decode_token(&token)?.fresh(), FreshClaim::Fresh(true));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn fresh(&self) -> FreshClaim {
        match self.inner.token_type {
            TokenType::Access | TokenType::Other => {
                FreshClaim::from_claim(self.inner.payload.get(payload::FRESH))
            }
            TokenType::Refresh => FreshClaim::Fresh(false),
        }
    }

    /// The `jti` (unique token id), if the token has one.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
    /// assert_eq!(claims.jti().map(str::len), Some(36));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn jti(&self) -> Option<&str> {
        self.inner.payload.get(payload::JTI).and_then(Value::as_str)
    }

    /// The `exp` claim (Unix seconds); `None` for a token that never expires.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # use jwt_runtime::config::Expiry;
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_access_token_with(&"bob", TokenOptions::default().expires(Expiry::Never))?;
    /// assert_eq!(manager.decode_token(&token)?.expires_at(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn expires_at(&self) -> Option<i64> {
        self.inner.payload.get(payload::EXP).and_then(numeric_date)
    }

    /// The `iat` claim (Unix seconds), when the token has one.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
    /// assert!(claims.issued_at().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn issued_at(&self) -> Option<i64> {
        self.inner.payload.get(payload::IAT).and_then(numeric_date)
    }

    /// The `fam` claim: the login (token family) the token belongs to, written by
    /// [`create_token_pair`](crate::create_token_pair), [`refresh_tokens`](crate::refresh_tokens)
    /// and [`TokenOptions::family`](crate::TokenOptions::family).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_access_token_with(&"bob", TokenOptions::default().family("login-1"))?;
    /// assert_eq!(manager.decode_token(&token)?.family(), Some("login-1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn family(&self) -> Option<&str> {
        self.inner.payload.get(payload::FAM).and_then(Value::as_str)
    }

    /// The `csrf` claim, present when cookie CSRF protection was on at creation.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
    /// assert_eq!(claims.csrf(), None); // cookies are not a token location here
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn csrf(&self) -> Option<&str> {
        self.inner
            .payload
            .get(payload::CSRF)
            .and_then(Value::as_str)
    }

    /// Any claim by name.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
    /// assert_eq!(claims.get("type"), Some(&serde_json::json!("access")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn get(&self, claim: &str) -> Option<&Value> {
        self.inner.payload.get_named(claim, &self.inner.names)
    }

    /// The whole normalised payload (Python's `get_raw_jwt()`).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
    /// assert!(claims.raw().contains_key("iat"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn raw(&self) -> &Map<String, Value> {
        self.inner
            .raw
            .get_or_init(|| self.inner.payload.to_map(&self.inner.names))
    }

    /// The JOSE header (Python's `get_raw_jwt_header()`).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
    /// assert_eq!(claims.header()["alg"], "HS256");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn header(&self) -> &Map<String, Value> {
        &self.inner.header
    }

    /// Takes the payload map out.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"bob")?)?;
    /// let map = claims.into_raw();
    /// assert_eq!(map["identity"], "bob");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn into_raw(self) -> Map<String, Value> {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => inner
                .raw
                .take()
                .unwrap_or_else(|| inner.payload.to_map(&inner.names)),
            Err(shared) => Claims { inner: shared }.raw().clone(),
        }
    }
}

impl serde::Serialize for Claims {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw().serialize(serializer)
    }
}

/// The claim naming a token's login (token family).
pub(crate) const FAMILY_CLAIM: &str = "fam";

/// A JSON number read as a NumericDate, truncated as Python's `int()` does.
pub(crate) fn numeric_date(value: &Value) -> Option<i64> {
    let Value::Number(n) = value else { return None };
    n.as_i64()
        .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(truncate_to_i64))
}
