//! The manager: configuration validated once, keys prepared once, loaders resolved once;
//! token creation and decoding.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::Method;
use actix_web::http::header::HeaderName;
use futures_util::future::LocalBoxFuture;
use jsonwebtoken::EncodingKey;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::JwtConfig;
use crate::error::{ConfigError, JwtError};
use crate::keys::{self, PreparedKeys};
use crate::keyset::KeySetSource;
use crate::loaders::{KeyResult, Loaders, MaybeAsync, guarded, guarded_async, slots};
use crate::token::{
    self, DecodeSettings, EncodeSettings, Fresh, TokenDraft, TokenOptions, set_claim,
};
use crate::types::{Compat, Expiry, Secret, TokenType, timestamp_after};

mod builder;
mod decode;

pub use builder::JwtManagerBuilder;

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Extra JOSE header fields of a new token.
type Headers = Map<String, Value>;
/// A new token's claims beyond the library's: 3.x's user claims, 4.x's additional claims
/// (in writing order), and the extra headers.
type ExtraClaims = (Option<Value>, Vec<(String, Value)>, Option<Headers>);

/// The names one token type is sent and stored under, prepared once.
#[derive(Clone, Debug)]
pub(crate) struct TokenNames {
    pub(crate) cookie: String,
    pub(crate) cookie_path: String,
    pub(crate) csrf_cookie: String,
    pub(crate) csrf_cookie_path: String,
    pub(crate) csrf_header: HeaderName,
    pub(crate) csrf_field: String,
    pub(crate) json_key: String,
}

impl TokenNames {
    fn new(config: &JwtConfig, token_type: TokenType, csrf_header: HeaderName) -> Self {
        let c = config;
        let (cookie, cookie_path, csrf_cookie, csrf_cookie_path, csrf_field, json_key) =
            match token_type {
                TokenType::Access | TokenType::Other => (
                    &c.access_cookie_name,
                    &c.access_cookie_path,
                    &c.access_csrf_cookie_name,
                    &c.access_csrf_cookie_path,
                    &c.access_csrf_field_name,
                    &c.json_key,
                ),
                TokenType::Refresh => (
                    &c.refresh_cookie_name,
                    &c.refresh_cookie_path,
                    &c.refresh_csrf_cookie_name,
                    &c.refresh_csrf_cookie_path,
                    &c.refresh_csrf_field_name,
                    &c.refresh_json_key,
                ),
            };
        TokenNames {
            cookie: cookie.clone(),
            cookie_path: cookie_path.clone(),
            csrf_cookie: csrf_cookie.clone(),
            csrf_cookie_path: csrf_cookie_path.clone(),
            csrf_header,
            csrf_field: csrf_field.clone(),
            json_key: json_key.clone(),
        }
    }
}

/// Everything the request path reads, prepared once.
#[derive(Clone)]
pub(crate) struct Inner {
    pub(crate) config: JwtConfig,
    pub(crate) decode: DecodeSettings,
    keys: PreparedKeys,
    /// The JWK Set that verifies tokens by `kid`, given in memory or fetched.
    key_set: Option<Arc<KeySetSource>>,
    /// Issuers bound to their own keys, chosen by the token's unverified `iss`.
    issuer_keys: Vec<(String, Arc<KeySetSource>)>,
    /// The body of [`JwtManager::jwks_resource`]: this manager's public keys as a JWK Set.
    own_jwks: actix_web::web::Bytes,
    /// Whether new tokens carry a `csrf` claim (cookies are a location, with CSRF on).
    pub(crate) csrf_claim: bool,
    pub(crate) header_name: HeaderName,
    access: TokenNames,
    refresh: TokenNames,
    pub(crate) csrf_methods: Vec<Method>,
    pub(crate) loaders: Loaders,
    /// The revocation store sessions write to (rotation, log out everywhere).
    pub(crate) sessions: Option<Arc<dyn crate::blocklist::Blocklist>>,
    /// Where a route's `roles = [...]` are read (`JWT_ROLES_CLAIM`).
    pub(crate) roles_path: crate::authorization::ClaimPath,
    clock: Option<Clock>,
}

impl Inner {
    /// The cookie, CSRF and JSON names of a token type.
    pub(crate) fn names(&self, token_type: TokenType) -> &TokenNames {
        match token_type {
            TokenType::Access | TokenType::Other => &self.access,
            TokenType::Refresh => &self.refresh,
        }
    }
}

/// The JWT manager: Python's `JWTManager`. Built once, cloned cheaply into every
/// actix `App` with `.wrap(manager.clone())`.
///
/// ```
/// use jwt_runtime::{JwtConfig, JwtManager};
/// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
/// let token = manager.create_access_token(&"alice")?;
/// assert_eq!(manager.decode_token(&token)?.identity::<String>()?, "alice");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct JwtManager {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for JwtManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtManager")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// A key a loader is choosing: known now, or once its future resolves.
enum PendingKey<'a> {
    /// No key loader (`None`: the configured key), or a plain one's key.
    Ready(Option<Secret>),
    /// An `async` key loader's future.
    Async(LocalBoxFuture<'a, KeyResult>),
}

impl PendingKey<'_> {
    /// The key, awaiting an `async` loader (a panic while it runs is caught).
    async fn wait(self, loader: &'static str) -> Result<Option<Secret>, JwtError> {
        match self {
            PendingKey::Ready(key) => Ok(key),
            PendingKey::Async(future) => Ok(Some(guarded_async(loader, future).await??)),
        }
    }

    /// The key of a plain loader (the sync methods refuse an `async` one before asking;
    /// a future here is still an error, never the configured key).
    fn ready(self, loader: &str) -> Result<Option<Secret>, JwtError> {
        match self {
            PendingKey::Ready(key) => Ok(key),
            PendingKey::Async(_) => Err(JwtError::Internal(format!("{loader} is async"))),
        }
    }
}

/// Refuses an `async` loader in a method that cannot await it, before it is called.
fn refuse_async<S, A>(
    loader: Option<&MaybeAsync<S, A>>,
    name: &str,
    instead: &str,
) -> Result<(), JwtError> {
    match loader {
        Some(MaybeAsync::Async(_)) => {
            Err(JwtError::Internal(format!("{name} is async: {instead}")))
        }
        _ => Ok(()),
    }
}

impl JwtManager {
    /// Builds a manager from a configuration, with the loaders registered by attributes.
    ///
    /// # Errors
    /// See [`JwtManagerBuilder::build`].
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn new(config: JwtConfig) -> Result<Self, ConfigError> {
        Self::builder(config).build()
    }

    /// Starts a [`JwtManagerBuilder`].
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!")).build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn builder(config: JwtConfig) -> JwtManagerBuilder {
        JwtManagerBuilder::new(config)
    }

    /// Whether [`TokenOptions::claims`](crate::TokenOptions::claims) refuses a claim of
    /// this name: in 3.x mode, a claim the library writes itself (`iat`, `exp`, `type`,
    /// the identity, the user claims, ...); in 4.x mode none (4.x lets additional claims
    /// override the library's).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// assert!(manager.is_reserved_claim("type"));
    /// assert!(!manager.is_reserved_claim("scope"));
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    #[must_use]
    pub fn is_reserved_claim(&self, name: &str) -> bool {
        self.inner.config.compat == Compat::V3
            && self.inner.decode.names.is_layout(name, Compat::V3)
    }

    /// The validated configuration.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// assert_eq!(manager.config().identity_claim, "identity");
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    #[must_use]
    pub fn config(&self) -> &JwtConfig {
        &self.inner.config
    }

    /// Unix time now, in seconds, from the manager's clock.
    pub(crate) fn now(&self) -> f64 {
        let now = self
            .inner
            .clock
            .as_ref()
            .map_or_else(SystemTime::now, |clock| clock());
        now.duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    }

    /// The same manager (keys, loaders, configuration) on another clock.
    pub(crate) fn with_clock(&self, clock: Clock) -> JwtManager {
        let mut inner = Inner::clone(&self.inner);
        inner.clock = Some(clock);
        JwtManager {
            inner: Arc::new(inner),
        }
    }

    /// Python's `create_access_token(identity)`.
    ///
    /// # Errors
    /// When the identity or a loader result cannot be serialised, or a loader fails.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_access_token(&"alice")?;
    /// assert_eq!(token.split('.').count(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_access_token<I: Serialize + ?Sized>(
        &self,
        identity: &I,
    ) -> Result<String, JwtError> {
        self.create_token(identity, TokenType::Access, TokenOptions::default())
    }

    /// Python's `create_access_token(identity, fresh=, expires_delta=, user_claims=, headers=)`.
    ///
    /// # Errors
    /// As [`create_access_token`](Self::create_access_token).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_access_token_with(&"alice", TokenOptions::default().fresh(true))?;
    /// assert!(manager.decode_token(&token)?.fresh().is_fresh_at(0.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_access_token_with<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        self.create_token(identity, TokenType::Access, options)
    }

    /// Python's `create_refresh_token(identity)`.
    ///
    /// # Errors
    /// As [`create_access_token`](Self::create_access_token).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_refresh_token(&"alice")?;
    /// # let _ = token;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_refresh_token<I: Serialize + ?Sized>(
        &self,
        identity: &I,
    ) -> Result<String, JwtError> {
        self.create_token(identity, TokenType::Refresh, TokenOptions::default())
    }

    /// Python's `create_refresh_token(identity, expires_delta=, user_claims=, headers=)`;
    /// `fresh` is ignored for refresh tokens.
    ///
    /// # Errors
    /// As [`create_access_token`](Self::create_access_token).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # use jwt_runtime::config::Expiry;
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_refresh_token_with(&"alice", TokenOptions::default().expires(Expiry::Never))?;
    /// # let _ = token;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_refresh_token_with<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        self.create_token(identity, TokenType::Refresh, options)
    }

    /// Python's `create_access_token(...)` for a manager whose `encode_key_loader` is `async`.
    ///
    /// # Errors
    /// As [`create_access_token`](Self::create_access_token), and the loader's error.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = actix_web::rt::System::new()
    ///     .block_on(manager.create_access_token_async(&"alice", TokenOptions::default().fresh(true)))?;
    /// # let _ = token;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn create_access_token_async<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        self.create_token_async(identity, TokenType::Access, options)
            .await
    }

    /// Python's `create_refresh_token(...)` for a manager whose `encode_key_loader` is `async`.
    ///
    /// # Errors
    /// As [`create_access_token_async`](Self::create_access_token_async).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = actix_web::rt::System::new()
    ///     .block_on(manager.create_refresh_token_async(&"alice", TokenOptions::default()))?;
    /// # let _ = token;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn create_refresh_token_async<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        self.create_token_async(identity, TokenType::Refresh, options)
            .await
    }

    fn create_token<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        token_type: TokenType,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        let draft = self.draft(identity, token_type, options)?;
        refuse_async(
            self.inner.loaders.encode_key_loader.as_ref(),
            slots::encode_key_loader::NAME,
            "create tokens with create_access_token_async / create_refresh_token_async",
        )?;
        let key = self
            .encode_key(&draft)?
            .ready(slots::encode_key_loader::NAME)?;
        self.sign(&draft, key.as_ref())
    }

    async fn create_token_async<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        token_type: TokenType,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        let draft = self.draft(identity, token_type, options)?;
        let key = self
            .encode_key(&draft)?
            .wait(slots::encode_key_loader::NAME)
            .await?;
        self.sign(&draft, key.as_ref())
    }

    /// The `encode_key_loader`'s key for a draft, if there is a loader.
    fn encode_key<'a>(&self, draft: &'a TokenDraft) -> Result<PendingKey<'a>, JwtError> {
        const NAME: &str = slots::encode_key_loader::NAME;
        Ok(match &self.inner.loaders.encode_key_loader {
            None => PendingKey::Ready(None),
            Some(MaybeAsync::Sync(loader)) => {
                PendingKey::Ready(Some(guarded(NAME, || loader(&draft.identity))??))
            }
            Some(MaybeAsync::Async(loader)) => {
                PendingKey::Async(guarded(NAME, || loader(&draft.identity))?)
            }
        })
    }

    /// The claims and headers a new token gets beyond the library's (3.x's user claims,
    /// 4.x's additional claims, the headers): in 4.x mode the
    /// loaders' merged with the call's (for every token type); in 3.x mode the call's
    /// `user_claims` or the loader's (refresh tokens only with
    /// `JWT_CLAIMS_IN_REFRESH_TOKEN`), and the call's headers or the loader's.
    fn claims_and_headers(
        &self,
        identity: &Value,
        token_type: TokenType,
        options: &mut TokenOptions,
    ) -> Result<ExtraClaims, JwtError> {
        let config = &self.inner.config;
        let loaders = &self.inner.loaders;
        let loaded_claims = || {
            loaders
                .user_claims_loader
                .as_ref()
                .map(|loader| guarded(slots::user_claims_loader::NAME, || loader(identity))?)
                .transpose()
        };
        let loaded_headers = || {
            loaders
                .additional_headers_loader
                .as_ref()
                .map(|loader| guarded(slots::additional_headers_loader::NAME, || loader(identity))?)
                .transpose()
                .map(Option::flatten)
        };
        Ok(if config.compat == Compat::V4 {
            // 4.x merges the call's claims and headers over the loaders', for every type.
            let mut claims = Vec::new();
            for layer in [loaded_claims()?, options.user_claims.take()]
                .into_iter()
                .flatten()
            {
                match layer {
                    Value::Object(layer) => {
                        for (name, value) in layer {
                            set_claim(&mut claims, name, value);
                        }
                    }
                    Value::Null => {}
                    _ => {
                        return Err(JwtError::Internal(
                            "additional claims must be a JSON object".to_owned(),
                        ));
                    }
                }
            }
            for (name, value) in options.additional_claims.take().unwrap_or_default() {
                set_claim(&mut claims, name, value);
            }
            let mut headers = loaded_headers()?.unwrap_or_default();
            headers.extend(options.headers.take().unwrap_or_default());
            (None, claims, Some(headers).filter(|h| !h.is_empty()))
        } else {
            let mut claims = Vec::new();
            for (name, value) in options.additional_claims.take().unwrap_or_default() {
                set_claim(&mut claims, name, value);
            }
            if let Some((name, _)) = claims.iter().find(|(name, _)| self.is_reserved_claim(name)) {
                return Err(JwtError::Internal(format!(
                    "the claim `{name}` is written by the library itself; choose another name for TokenOptions::claims"
                )));
            }
            let user_claims = match options.user_claims.take() {
                Some(claims) => Some(claims),
                None if token_type == TokenType::Access || config.claims_in_refresh_token => {
                    loaded_claims()?
                }
                None => None,
            };
            let headers = match options.headers.take() {
                Some(headers) => Some(headers),
                None => loaded_headers()?,
            };
            (user_claims, claims, headers)
        })
    }

    /// Everything of a new token but its key: the loaders and the options applied.
    fn draft<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        token_type: TokenType,
        mut options: TokenOptions,
    ) -> Result<TokenDraft, JwtError> {
        let config = &self.inner.config;
        let loaders = &self.inner.loaders;
        if self.inner.keys.encoding.is_none() && loaders.encode_key_loader.is_none() {
            return Err(JwtError::VerifyOnly);
        }
        let identity = serde_json::to_value(identity)
            .map_err(|e| JwtError::Internal(format!("identity is not serialisable: {e}")))?;
        let (user_claims, additional_claims, headers) =
            self.claims_and_headers(&identity, token_type, &mut options)?;
        let identity_claim = match &loaders.user_identity_loader {
            Some(loader) => Some(guarded(slots::user_identity_loader::NAME, || {
                loader(&identity)
            })??),
            None => None,
        };
        let expires = options.expires.unwrap_or(match token_type {
            TokenType::Access | TokenType::Other => config.access_token_expires,
            TokenType::Refresh => config.refresh_token_expires,
        });
        if expires == Expiry::After(Duration::ZERO) {
            return Err(JwtError::Internal(
                "expires_delta must not be zero; use Expiry::Never for no expiry".to_owned(),
            ));
        }
        let now = self.now();
        if let Expiry::After(delta) = expires
            && timestamp_after(now, delta).is_none()
        {
            return Err(JwtError::Internal(
                "expires_delta reaches past 9999-12-31; use Expiry::Never for no expiry".to_owned(),
            ));
        }
        let fresh_too_late = match options.fresh {
            Fresh::For(delta) => timestamp_after(now, delta).is_none(),
            Fresh::Until(timestamp) => timestamp > Expiry::LATEST_TIMESTAMP,
            Fresh::No | Fresh::Yes => false,
        };
        if fresh_too_late {
            return Err(JwtError::Internal(
                "fresh reaches past 9999-12-31".to_owned(),
            ));
        }
        // Rotation links refresh tokens by their login: a refresh token created without
        // one starts a new login.
        let family = options.family.take().or_else(|| {
            (config.refresh_rotation && token_type == TokenType::Refresh)
                .then(|| uuid::Uuid::new_v4().to_string())
        });
        Ok(TokenDraft {
            token_type,
            identity,
            identity_claim,
            fresh: options.fresh,
            expires,
            user_claims,
            additional_claims,
            headers,
            family,
            now,
        })
    }

    /// Signs a draft with the configured key, or with the one a key loader returned.
    fn sign(&self, draft: &TokenDraft, secret: Option<&Secret>) -> Result<String, JwtError> {
        let inner = &*self.inner;
        let config = &inner.config;
        let loaded_key;
        let secret_was_loaded = secret.is_some();
        let key: &EncodingKey = match secret {
            Some(secret) => {
                loaded_key =
                    keys::encoding_key_from_pem(config.algorithm.family(), secret.expose())
                        .map_err(|e| {
                            JwtError::Internal(format!(
                                "{} failed: {e}",
                                slots::encode_key_loader::NAME
                            ))
                        })?;
                &loaded_key
            }
            None => inner.keys.encoding.as_ref().ok_or(JwtError::VerifyOnly)?,
        };
        let settings = EncodeSettings {
            names: &inner.decode.names,
            config,
            // The configured key's id; a key loader's key is not that key.
            kid: if secret_was_loaded {
                None
            } else {
                config.public_key_id.as_deref()
            },
            csrf: inner.csrf_claim,
        };
        token::encode(draft, &settings, key)
    }

    /// Python's `get_jti(encoded_token)`: fully verifies, then returns the `jti`.
    ///
    /// # Errors
    /// As [`decode_token`](Self::decode_token).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let jti = manager.get_jti(&manager.create_access_token(&1)?)?;
    /// assert_eq!(jti.map(|j| j.len()), Some(36));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_jti(&self, encoded_token: &str) -> Result<Option<String>, JwtError> {
        Ok(self.decode_token(encoded_token)?.jti().map(str::to_owned))
    }

    /// Python's `get_csrf_token(encoded_token)`: fully verifies, then returns the `csrf` claim.
    ///
    /// # Errors
    /// As [`decode_token`](Self::decode_token), and `Missing claim: csrf` when the token has none.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::config::TokenLocation;
    /// let manager = JwtManager::new(JwtConfig::default()
    ///     .secret_key("an-example-secret-of-32-bytes!!!")
    ///     .token_location([TokenLocation::Cookies]))?;
    /// let csrf = manager.get_csrf_token(&manager.create_access_token(&1)?)?;
    /// assert_eq!(csrf.len(), 36);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_csrf_token(&self, encoded_token: &str) -> Result<String, JwtError> {
        self.decode_token(encoded_token)?
            .csrf()
            .map(str::to_owned)
            .ok_or_else(|| JwtError::invalid("Missing claim: csrf"))
    }

    /// Python's `get_unverified_jwt_headers(encoded_token)`: the header, without any check.
    ///
    /// # Errors
    /// [`JwtError::InvalidToken`] for a malformed token.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let header = manager.get_unverified_jwt_headers(&manager.create_access_token(&1)?)?;
    /// assert_eq!(header["typ"], "JWT");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_unverified_jwt_headers(
        &self,
        encoded_token: &str,
    ) -> Result<Map<String, Value>, JwtError> {
        let split = self.split(encoded_token)?;
        Ok(Arc::unwrap_or_clone(split.header))
    }
}
