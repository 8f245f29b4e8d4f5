//! The options of token creation and decoding: Python's keyword arguments.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::types::Expiry;

/// The optional arguments of Python's `create_access_token` / `create_refresh_token`.
///
/// ```
/// use std::time::Duration;
/// use jwt_runtime::TokenOptions;
/// use jwt_runtime::config::Expiry;
/// let options = TokenOptions::default()
///     .fresh(true)
///     .expires(Expiry::After(Duration::from_secs(365 * 86_400)))
///     .user_claims(serde_json::json!({"roles": ["admin"]}));
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct TokenOptions {
    pub(crate) fresh: Fresh,
    pub(crate) expires: Option<Expiry>,
    pub(crate) user_claims: Option<Value>,
    pub(crate) additional_claims: Option<Vec<(String, Value)>>,
    pub(crate) headers: Option<Map<String, Value>>,
    pub(crate) family: Option<String>,
}

impl TokenOptions {
    /// `fresh=`: `true`, `false`, or a [`Duration`] the token stays fresh for (access tokens only).
    ///
    /// ```
    /// let options = jwt_runtime::TokenOptions::default().fresh(std::time::Duration::from_secs(60));
    /// # let _ = options;
    /// ```
    pub fn fresh(mut self, fresh: impl Into<Fresh>) -> Self {
        self.fresh = fresh.into();
        self
    }

    /// `expires_delta=`: a duration or [`Expiry::Never`]; the configured default otherwise.
    ///
    /// ```
    /// let options = jwt_runtime::TokenOptions::default().expires(jwt_runtime::config::Expiry::Never);
    /// # let _ = options;
    /// ```
    pub fn expires(mut self, expires: impl Into<Expiry>) -> Self {
        self.expires = Some(expires.into());
        self
    }

    /// `user_claims=`: written instead of the user-claims loader's result.
    ///
    /// ```
    /// let options = jwt_runtime::TokenOptions::default().user_claims(serde_json::json!({"a": 1}));
    /// # let _ = options;
    /// ```
    pub fn user_claims(mut self, claims: Value) -> Self {
        self.user_claims = Some(claims);
        self
    }

    /// Claims written at the top level of the token (an OAuth 2.0 `scope`, say), in the
    /// order given, in either mode.
    ///
    /// - 3.x: after the library's claims, beside the user claims; a claim the library
    ///   writes itself (`iat`, `exp`, `type`, the identity, the user claims, ...) is refused.
    /// - 4.x: 4.x's `additional_claims=`, merged over the `user_claims_loader`'s (4.x's
    ///   `additional_claims_loader`); as in 4.x they may override the library's claims, and
    ///   a name already written keeps its place with the new value.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let options = TokenOptions::default().claims([("scope".to_owned(), "items:read".into())]);
    /// let token = manager.create_access_token_with(&"bob", options)?;
    /// assert_eq!(manager.decode_token(&token)?.get("scope").unwrap(), "items:read");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn claims(mut self, claims: impl IntoIterator<Item = (String, Value)>) -> Self {
        self.additional_claims = Some(claims.into_iter().collect());
        self
    }

    /// 4.x's name of [`TokenOptions::claims`].
    ///
    /// ```
    /// let mut claims = serde_json::Map::new();
    /// claims.insert("roles".into(), serde_json::json!(["admin"]));
    /// let options = jwt_runtime::TokenOptions::default().additional_claims(claims);
    /// # let _ = options;
    /// ```
    pub fn additional_claims(self, claims: impl IntoIterator<Item = (String, Value)>) -> Self {
        self.claims(claims)
    }

    /// (this port only) the login the token belongs to, written as its `fam` claim: every
    /// token of a family is revoked at once by
    /// [`Blocklist::revoke_family`](crate::blocklist::Blocklist::revoke_family), which is
    /// what refresh-token reuse does. [`create_token_pair`](crate::create_token_pair) and
    /// [`refresh_tokens`](crate::refresh_tokens) set it; with `JWT_REFRESH_ROTATION`, a
    /// refresh token created without one starts a new family.
    ///
    /// ```
    /// let options = jwt_runtime::TokenOptions::default().family("a-login-id");
    /// # let _ = options;
    /// ```
    pub fn family(mut self, family: impl Into<String>) -> Self {
        self.family = Some(family.into());
        self
    }

    /// `headers=`: extra JOSE header fields (e.g. `kid`), instead of the headers loader's.
    /// `alg` always comes from the configuration.
    ///
    /// ```
    /// let mut headers = serde_json::Map::new();
    /// headers.insert("kid".into(), "key-1".into());
    /// let options = jwt_runtime::TokenOptions::default().headers(headers);
    /// # let _ = options;
    /// ```
    pub fn headers(mut self, headers: Map<String, Value>) -> Self {
        self.headers = Some(headers);
        self
    }
}

/// The optional arguments of Python's `decode_token_with(encoded_token, jwt_runtime::DecodeOptions::default().csrf_value(csrf_value=None).allow_expired(/// allow_expired=False))`.
///
/// ```
/// use jwt_runtime::{DecodeOptions, JwtConfig, JwtManager};
/// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
/// let token = manager.create_access_token(&"alice")?;
/// let claims = manager.decode_token_with(&token, DecodeOptions::default().allow_expired(true))?;
/// assert_eq!(claims.identity::<String>()?, "alice");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct DecodeOptions<'a> {
    pub(crate) csrf_value: Option<&'a str>,
    pub(crate) allow_expired: bool,
}

impl<'a> DecodeOptions<'a> {
    /// `csrf_value=`: the double-submit value the token's `csrf` claim must equal
    /// (compared in constant time); an empty value is not checked.
    ///
    /// ```
    /// let options = jwt_runtime::DecodeOptions::default().csrf("3b1f...");
    /// # let _ = options;
    /// ```
    pub fn csrf(mut self, value: &'a str) -> Self {
        self.csrf_value = Some(value);
        self
    }

    /// `csrf_value=` from an optional value (`None` checks nothing).
    ///
    /// ```
    /// let options = jwt_runtime::DecodeOptions::default().csrf_value(None);
    /// # let _ = options;
    /// ```
    pub fn csrf_value(mut self, value: Option<&'a str>) -> Self {
        self.csrf_value = value;
        self
    }

    /// `allow_expired=`: an expired token decodes instead of failing with
    /// [`JwtError::Expired`](crate::JwtError::Expired).
    ///
    /// ```
    /// let options = jwt_runtime::DecodeOptions::default().allow_expired(true);
    /// # let _ = options;
    /// ```
    pub fn allow_expired(mut self, allow: bool) -> Self {
        self.allow_expired = allow;
        self
    }
}

/// The `fresh` argument of token creation ([`TokenOptions::fresh`]): what you ask for.
/// What a token says is its [`FreshClaim`](crate::FreshClaim).
///
/// ```
/// use std::time::Duration;
/// use jwt_runtime::Fresh;
/// let options = jwt_runtime::TokenOptions::default().fresh(Fresh::For(Duration::from_secs(600)));
/// # let _ = options;
/// assert_eq!(Fresh::from(true), Fresh::Yes);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fresh {
    /// `fresh: false` (the default).
    #[default]
    No,
    /// `fresh: true`.
    Yes,
    /// Fresh for this long: written as the Unix time it stops being fresh.
    For(Duration),
    /// Fresh until this Unix time (seconds), written as given; a past time is never fresh.
    Until(i64),
}

impl From<bool> for Fresh {
    fn from(fresh: bool) -> Self {
        if fresh { Fresh::Yes } else { Fresh::No }
    }
}

impl From<Duration> for Fresh {
    fn from(duration: Duration) -> Self {
        Fresh::For(duration)
    }
}
