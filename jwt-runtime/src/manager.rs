//! The manager: configuration validated once, keys prepared once, loaders resolved once.

use std::any::Any;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::Method;
use actix_web::http::header::HeaderName;
use actix_web::{HttpRequest, HttpResponse, Responder};
use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::claims::Claims;
use crate::config::{Expiry, JwtConfig, Secret, TokenLocation, TokenType};
use crate::error::{ConfigError, JwtError};
use crate::keys::{self, PreparedKeys};
use crate::payload::{ClaimNames, Payload};
use crate::registry::{
    Check, DecodeKeyLoader, EncodeKeyLoader, Loaders, UserLoader, guarded, guarded_async,
};

const ENCODE_KEY: &str = "encode_key_loader";
const DECODE_KEY: &str = "decode_key_loader";
use crate::token::{self, DecodeSettings, Fresh, TokenDraft};

/// The optional arguments of Python's `create_access_token` / `create_refresh_token`.
///
/// ```
/// use std::time::Duration;
/// use jwt_runtime::{Expiry, TokenOptions};
/// let options = TokenOptions::default()
///     .fresh(true)
///     .expires(Expiry::After(Duration::from_secs(365 * 86_400)))
///     .user_claims(serde_json::json!({"roles": ["admin"]}));
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct TokenOptions {
    fresh: Fresh,
    expires: Option<Expiry>,
    user_claims: Option<Value>,
    headers: Option<Map<String, Value>>,
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
    /// let options = jwt_runtime::TokenOptions::default().expires(jwt_runtime::Expiry::Never);
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

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// A new token before its key: what the loaders and options made of it.
struct Draft {
    token_type: TokenType,
    /// The identity as given (what key loaders receive).
    identity: Value,
    /// The `user_identity_loader`'s result, when there is one.
    identity_claim: Option<Value>,
    fresh: Fresh,
    expires: Expiry,
    user_claims: Option<Value>,
    headers: Option<Map<String, Value>>,
    /// When the token is issued (Unix seconds): the time its bounds were checked at.
    now: f64,
}

/// Everything the request path reads, prepared once.
pub(crate) struct Inner {
    pub(crate) config: JwtConfig,
    pub(crate) decode: DecodeSettings,
    keys: PreparedKeys,
    pub(crate) csrf_protect: bool,
    pub(crate) header_name: HeaderName,
    pub(crate) access_csrf_header: HeaderName,
    pub(crate) refresh_csrf_header: HeaderName,
    pub(crate) csrf_methods: Vec<Method>,
    pub(crate) loaders: Loaders,
    clock: Option<Clock>,
}

/// The JWT manager: Python's `JWTManager`. Built once, cloned cheaply into every
/// actix `App` with `.wrap(manager.clone())`.
///
/// ```
/// use jwt_runtime::{JwtConfig, JwtManager};
/// let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
/// let token = manager.create_access_token(&"alice")?;
/// assert_eq!(manager.decode_token(&token, None, false)?.identity::<String>()?, "alice");
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

/// Builds a [`JwtManager`], with explicit loaders that take precedence over the registry.
///
/// ```
/// use actix_web::HttpResponse;
/// use jwt_runtime::{JwtConfig, JwtManager};
/// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
///     .revoked_token_loader(|| HttpResponse::NotFound().finish())
///     .build()?;
/// # let _ = manager;
/// # Ok::<(), jwt_runtime::ConfigError>(())
/// ```
#[must_use]
pub struct JwtManagerBuilder {
    config: JwtConfig,
    loaders: Loaders,
    use_registry: bool,
    clock: Option<Clock>,
}

impl std::fmt::Debug for JwtManagerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtManagerBuilder")
            .field("config", &self.config)
            .field("use_registry", &self.use_registry)
            .field("clock", &self.clock.is_some())
            .finish_non_exhaustive()
    }
}

fn respond(responder: impl Responder, req: &HttpRequest) -> HttpResponse {
    responder.respond_to(req).map_into_boxed_body()
}

fn loader_failed(slot: &str, error: impl std::fmt::Display) -> String {
    format!("{slot} failed: {error}")
}

impl JwtManagerBuilder {
    /// Ignores loaders registered with attributes: only builder-set loaders are used.
    /// Useful for tests and for apps with several managers.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .ignore_registered_loaders()
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn ignore_registered_loaders(mut self) -> Self {
        self.use_registry = false;
        self
    }

    /// Replaces the system clock (tests, simulations).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .clock(|| UNIX_EPOCH + Duration::from_secs(1_000_000))
    ///     .build()?;
    /// let claims = manager.decode_token(&manager.create_access_token(&1)?, None, false)?;
    /// assert_eq!(claims.get("iat"), Some(&serde_json::json!(1_000_000)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// `user_claims_loader`: identity (as JSON) → custom claims.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .user_claims_loader(|identity| serde_json::json!({"me": identity}))
    ///     .build()?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"a")?, None, false)?;
    /// assert_eq!(claims.user_claims_value()["me"], "a");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn user_claims_loader<R: Serialize>(
        mut self,
        f: impl Fn(&Value) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.user_claims = Some(Arc::new(move |identity| {
            serde_json::to_value(f(identity))
                .map_err(|e| JwtError::Internal(loader_failed("user_claims_loader", e)))
        }));
        self
    }

    /// `user_identity_loader`: identity object (as JSON) → the identity claim.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .user_identity_loader(|user| user["name"].clone())
    ///     .build()?;
    /// let token = manager.create_access_token(&serde_json::json!({"name": "zoe", "id": 1}))?;
    /// assert_eq!(manager.decode_token(&token, None, false)?.identity::<String>()?, "zoe");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn user_identity_loader<R: Serialize>(
        mut self,
        f: impl Fn(&Value) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.user_identity = Some(Arc::new(move |identity| {
            serde_json::to_value(f(identity))
                .map_err(|e| JwtError::Internal(loader_failed("user_identity_loader", e)))
        }));
        self
    }

    /// `additional_headers_loader`: identity → extra JOSE header fields.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .additional_headers_loader(|_| Some(serde_json::json!({"kid": "k1"}).as_object().unwrap().clone()))
    ///     .build()?;
    /// let header = manager.get_unverified_jwt_headers(&manager.create_access_token(&1)?)?;
    /// assert_eq!(header["kid"], "k1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn additional_headers_loader(
        mut self,
        f: impl Fn(&Value) -> Option<Map<String, Value>> + Send + Sync + 'static,
    ) -> Self {
        self.loaders.additional_headers = Some(Arc::new(move |identity| Ok(f(identity))));
        self
    }

    /// `encode_key_loader`: identity → the signing secret or PEM key.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, Secret};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .encode_key_loader(|_| Secret::from("another-secret-of-32-bytes-long!"))
    ///     .build()?;
    /// let token = manager.create_access_token(&1)?;
    /// assert!(manager.decode_token(&token, None, false).is_err()); // signed with the other key
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_key_loader(
        mut self,
        f: impl Fn(&Value) -> Secret + Send + Sync + 'static,
    ) -> Self {
        self.loaders.encode_key = Some(EncodeKeyLoader::Sync(Arc::new(move |identity| {
            Ok(f(identity))
        })));
        self
    }

    /// `decode_key_loader`: unverified (claims, header) → the verifying secret or PEM key.
    /// It only picks a key; it must not fetch anything per token.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, Secret};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .decode_key_loader(|_claims, _header| Secret::from("an-example-secret-of-32-bytes!!!"))
    ///     .build()?;
    /// assert!(manager.decode_token(&manager.create_access_token(&1)?, None, false).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_key_loader(
        mut self,
        f: impl Fn(&Map<String, Value>, &Map<String, Value>) -> Secret + Send + Sync + 'static,
    ) -> Self {
        self.loaders.decode_key = Some(DecodeKeyLoader::Sync(Arc::new(move |claims, header| {
            Ok(f(claims, header))
        })));
        self
    }

    /// An `async` `encode_key_loader` (a key store, a KMS). Tokens are then created with
    /// [`JwtManager::create_access_token_async`] / [`JwtManager::create_refresh_token_async`].
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, Secret, TokenOptions};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .encode_key_loader_async(|_identity| Box::pin(async { Ok(Secret::from("an-example-secret-of-32-bytes!!!")) }))
    ///     .build()?;
    /// let token = actix_web::rt::System::new()
    ///     .block_on(manager.create_access_token_async(&"alice", TokenOptions::default()))?;
    /// assert!(manager.decode_token(&token, None, false).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_key_loader_async(
        mut self,
        f: impl for<'a> Fn(&'a Value) -> LocalBoxFuture<'a, Result<Secret, JwtError>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.loaders.encode_key = Some(EncodeKeyLoader::Async(Arc::new(f)));
        self
    }

    /// An `async` `decode_key_loader`, awaited on every request (and by
    /// [`JwtManager::decode_token_async`]). It picks a key from the unverified claims and
    /// header; cache what it fetches, it runs for every token.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, Secret};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .decode_key_loader_async(|_claims, _header| Box::pin(async { Ok(Secret::from("an-example-secret-of-32-bytes!!!")) }))
    ///     .build()?;
    /// let token = manager.create_access_token(&"alice")?;
    /// let claims = actix_web::rt::System::new().block_on(manager.decode_token_async(&token, None, false))?;
    /// assert_eq!(claims.identity::<String>()?, "alice");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_key_loader_async(
        mut self,
        f: impl for<'a> Fn(
            &'a Map<String, Value>,
            &'a Map<String, Value>,
        ) -> LocalBoxFuture<'a, Result<Secret, JwtError>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.loaders.decode_key = Some(DecodeKeyLoader::Async(Arc::new(f)));
        self
    }

    /// `token_in_blacklist_loader`: `true` means revoked.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!").blacklist_enabled(true))
    ///     .token_in_blacklist_loader(|claims| claims.jti() == Some("revoked"))
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn token_in_blacklist_loader(
        mut self,
        f: impl Fn(&Claims) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.loaders.token_in_blacklist = Some(Check::Sync(Arc::new(move |claims| Ok(f(claims)))));
        self
    }

    /// An `async` (or fallible) `token_in_blacklist_loader`. An `Err` refuses the request (503).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!").blacklist_enabled(true))
    ///     .token_in_blacklist_loader_async(|claims| {
    ///         let jti = claims.jti().map(str::to_owned);
    ///         Box::pin(async move { Ok::<bool, String>(jti.as_deref() == Some("revoked")) })
    ///     })
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn token_in_blacklist_loader_async(
        mut self,
        f: impl for<'a> Fn(&'a Claims) -> LocalBoxFuture<'a, Result<bool, String>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.loaders.token_in_blacklist = Some(Check::Async(Arc::new(f)));
        self
    }

    /// Wires a [`Blocklist`](crate::Blocklist) in as the `token_in_blacklist_loader`: a
    /// token is refused (401 `Token has been revoked`) when
    /// [`is_revoked`](crate::Blocklist::is_revoked) says so, and the request is refused
    /// (503, logged) when the store cannot answer. `JWT_BLACKLIST_ENABLED` and
    /// `JWT_BLACKLIST_TOKEN_CHECKS` still decide when it is asked. Entries are kept
    /// `JWT_DECODE_LEEWAY` past their token's `exp`
    /// ([`retain_after_expiry`](crate::Blocklist::retain_after_expiry)).
    ///
    /// Keep a clone (or an `Arc`) to revoke tokens from your handlers.
    ///
    /// ```
    /// # use jwt_runtime::{Blocklist, JwtConfig, JwtManager, MemoryBlocklist};
    /// let blocklist = MemoryBlocklist::new();
    /// let config = JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!").blacklist_enabled(true);
    /// let manager = JwtManager::builder(config).blocklist(blocklist.clone()).build()?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"alice")?, None, false)?;
    /// actix_web::rt::System::new().block_on(blocklist.revoke(&claims))?;
    /// assert!(blocklist.contains(claims.jti().unwrap()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn blocklist(self, blocklist: impl crate::Blocklist) -> Self {
        blocklist.retain_after_expiry(self.config.decode_leeway);
        if !self.config.blacklist_enabled {
            tracing::warn!(
                "a blocklist is set but JWT_BLACKLIST_ENABLED is false: revoked tokens are accepted"
            );
        }
        let blocklist = Arc::new(blocklist);
        self.token_in_blacklist_loader_async(move |claims| {
            let blocklist = Arc::clone(&blocklist);
            Box::pin(async move {
                crate::Blocklist::is_revoked(&*blocklist, claims)
                    .await
                    .map_err(|error| format!("blocklist: {error}"))
            })
        })
    }

    /// `claims_verification_loader`: user claims → whether they are acceptable.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .claims_verification_loader(|claims| claims.get("banned") != Some(&serde_json::json!(true)))
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn claims_verification_loader(
        mut self,
        f: impl Fn(&Value) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.loaders.claims_verification = Some(Check::Sync(Arc::new(move |claims| Ok(f(claims)))));
        self
    }

    /// `user_loader_callback_loader`: identity → the current user, or `None` (401).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// #[derive(Clone)]
    /// struct User { name: String }
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .user_loader_callback_loader(|identity| identity.as_str().map(|name| User { name: name.to_owned() }))
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn user_loader_callback_loader<U: Any>(
        mut self,
        f: impl Fn(&Value) -> Option<U> + Send + Sync + 'static,
    ) -> Self {
        self.loaders.user_loader = Some(UserLoader::Sync(Arc::new(move |identity| {
            Ok(f(identity).map(|u| Rc::new(u) as Rc<dyn Any>))
        })));
        self
    }

    /// `claims_verification_failed_loader`: the response when claims verification fails.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .claims_verification_failed_loader(|| actix_web::HttpResponse::Forbidden().finish())
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn claims_verification_failed_loader<R: Responder>(
        mut self,
        f: impl Fn() -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.claims_verification_failed = Some(Arc::new(move |req| respond(f(), req)));
        self
    }

    /// `user_loader_error_loader`: the response when the user loader finds no user.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .user_loader_error_loader(|identity| actix_web::HttpResponse::NotFound().json(identity))
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn user_loader_error_loader<R: Responder>(
        mut self,
        f: impl Fn(&Value) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.user_loader_error =
            Some(Arc::new(move |req, identity| respond(f(identity), req)));
        self
    }

    /// `expired_token_loader`: the response to an expired token (gets its claims).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .expired_token_loader(|claims| actix_web::HttpResponse::Unauthorized().json(
    ///         serde_json::json!({"msg": format!("The {} token has expired", claims.token_type())})))
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn expired_token_loader<R: Responder>(
        mut self,
        f: impl Fn(&Claims) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.expired_token = Some(Arc::new(move |req, claims| respond(f(claims), req)));
        self
    }

    /// `invalid_token_loader`: the response to a malformed or badly signed token (gets the message).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .invalid_token_loader(|msg| actix_web::HttpResponse::BadRequest().body(msg.to_owned()))
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn invalid_token_loader<R: Responder>(
        mut self,
        f: impl Fn(&str) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.invalid_token = Some(Arc::new(move |req, msg| respond(f(msg), req)));
        self
    }

    /// `unauthorized_loader`: the response when no token (or no CSRF value) was sent.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .unauthorized_loader(|msg| actix_web::HttpResponse::Unauthorized().body(msg.to_owned()))
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn unauthorized_loader<R: Responder>(
        mut self,
        f: impl Fn(&str) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.unauthorized = Some(Arc::new(move |req, msg| respond(f(msg), req)));
        self
    }

    /// `needs_fresh_token_loader`: the response to a non-fresh token on a fresh-only route.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .needs_fresh_token_loader(|| actix_web::HttpResponse::Forbidden().finish())
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn needs_fresh_token_loader<R: Responder>(
        mut self,
        f: impl Fn() -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.needs_fresh_token = Some(Arc::new(move |req| respond(f(), req)));
        self
    }

    /// `revoked_token_loader`: the response to a revoked token.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .revoked_token_loader(|| actix_web::HttpResponse::NotFound().finish())
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn revoked_token_loader<R: Responder>(
        mut self,
        f: impl Fn() -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.revoked_token = Some(Arc::new(move |req| respond(f(), req)));
        self
    }

    /// Validates the configuration, prepares the keys and resolves the loaders.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the first invalid option,
    /// a loader slot with two registered functions, or a missing crypto backend.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let err = JwtManager::builder(JwtConfig::default().secret_key("")).build().unwrap_err();
    /// assert_eq!(err.option(), "JWT_SECRET_KEY");
    /// ```
    pub fn build(self) -> Result<JwtManager, ConfigError> {
        let JwtManagerBuilder {
            mut config,
            mut loaders,
            use_registry,
            clock,
        } = self;
        if jsonwebtoken::crypto::CryptoProvider::try_get_default().is_none() {
            return Err(ConfigError::new(
                "jwt-runtime features",
                "rust_crypto/aws_lc_rs",
                "enable exactly one crypto backend feature of jwt-runtime: `rust_crypto` (default) or `aws_lc_rs`",
            ));
        }
        if use_registry {
            loaders.fill_from_registry()?;
        }
        validate(&mut config)?;
        if config.blacklist_enabled && loaders.token_in_blacklist.is_none() {
            return Err(ConfigError::new(
                "JWT_BLACKLIST_ENABLED",
                "true",
                "a token_in_blacklist_loader must be provided (`#[jwt::token_in_blacklist_loader]` or the builder) when the blacklist is enabled",
            ));
        }
        let keys = keys::prepare(&config)?;
        let mut algorithms = config.decode_algorithms.clone().unwrap_or_default();
        if !algorithms.contains(&config.algorithm) {
            algorithms.push(config.algorithm);
        }
        let names = Arc::new(ClaimNames::new(
            config.identity_claim.clone(),
            config.user_claims.clone(),
        ));
        let decode = DecodeSettings {
            id: token::next_manager_id(),
            known_headers: algorithms
                .iter()
                .map(|a| token::KnownHeader::new(*a))
                .collect(),
            algorithms,
            leeway: config.decode_leeway.as_secs_f64(),
            audience: config.decode_audience.clone(),
            issuer: config.decode_issuer.clone(),
            names,
            max_token_size: config.max_token_size,
        };
        let header = |option: &'static str, name: &str| {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::new(option, name, "not a valid HTTP header name"))
        };
        let header_name = header("JWT_HEADER_NAME", &config.header_name)?;
        let (access_csrf, refresh_csrf) = match &config.csrf_header_name {
            Some(both) => (
                header("JWT_CSRF_HEADER_NAME", both)?,
                header("JWT_CSRF_HEADER_NAME", both)?,
            ),
            None => (
                header(
                    "JWT_ACCESS_CSRF_HEADER_NAME",
                    &config.access_csrf_header_name,
                )?,
                header(
                    "JWT_REFRESH_CSRF_HEADER_NAME",
                    &config.refresh_csrf_header_name,
                )?,
            ),
        };
        let csrf_methods = config
            .csrf_methods
            .iter()
            .map(|m| {
                Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                    .map_err(|_| ConfigError::new("JWT_CSRF_METHODS", m, "not a valid HTTP method"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let csrf_protect =
            config.token_location.contains(&TokenLocation::Cookies) && config.cookie_csrf_protect;
        Ok(JwtManager {
            inner: Arc::new(Inner {
                decode,
                keys,
                csrf_protect,
                header_name,
                access_csrf_header: access_csrf,
                refresh_csrf_header: refresh_csrf,
                csrf_methods,
                loaders,
                clock,
                config,
            }),
        })
    }
}

/// Claims the token engine writes itself; the identity and user-claims names must differ from them.
const RESERVED_CLAIMS: [&str; 7] = ["iat", "nbf", "jti", "exp", "fresh", "type", "csrf"];

/// Every invalid or inconsistent setting, refused at start-up with the option named
/// (never a 500 on the first request).
fn validate(c: &mut JwtConfig) -> Result<(), ConfigError> {
    let locations = c
        .token_location
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    if c.token_location.is_empty() {
        return Err(ConfigError::new(
            "JWT_TOKEN_LOCATION",
            "",
            r#"JWT_TOKEN_LOCATION must contain at least one of "headers", "cookies", "query_string", or "json""#,
        ));
    }
    for (i, location) in c.token_location.iter().enumerate() {
        if c.token_location
            .iter()
            .take(i)
            .any(|earlier| earlier == location)
        {
            return Err(ConfigError::new(
                "JWT_TOKEN_LOCATION",
                &locations,
                format!("\"{location}\" is listed twice"),
            ));
        }
    }
    for (option, expiry) in [
        ("JWT_ACCESS_TOKEN_EXPIRES", c.access_token_expires),
        ("JWT_REFRESH_TOKEN_EXPIRES", c.refresh_token_expires),
    ] {
        if expiry == Expiry::After(Duration::ZERO) {
            return Err(ConfigError::new(
                option,
                "0",
                "a zero duration is not allowed; use Expiry::Never (`false`) for tokens that never expire",
            ));
        }
    }
    let family = c.algorithm.family();
    for algorithm in c.decode_algorithms.iter().flatten() {
        if algorithm.family() != family {
            return Err(ConfigError::new(
                "JWT_DECODE_ALGORITHMS",
                token::algorithm_name(*algorithm),
                format!(
                    "uses a different key family than JWT_ALGORITHM {}; one manager verifies with one key",
                    token::algorithm_name(c.algorithm)
                ),
            ));
        }
    }
    let non_empty: [(&'static str, &str); 16] = [
        ("JWT_HEADER_NAME", &c.header_name),
        ("JWT_IDENTITY_CLAIM", &c.identity_claim),
        ("JWT_USER_CLAIMS", &c.user_claims),
        ("JWT_ERROR_MESSAGE_KEY", &c.error_message_key),
        ("JWT_QUERY_STRING_NAME", &c.query_string_name),
        ("JWT_JSON_KEY", &c.json_key),
        ("JWT_REFRESH_JSON_KEY", &c.refresh_json_key),
        ("JWT_ACCESS_COOKIE_NAME", &c.access_cookie_name),
        ("JWT_REFRESH_COOKIE_NAME", &c.refresh_cookie_name),
        ("JWT_ACCESS_CSRF_HEADER_NAME", &c.access_csrf_header_name),
        ("JWT_REFRESH_CSRF_HEADER_NAME", &c.refresh_csrf_header_name),
        ("JWT_ACCESS_CSRF_COOKIE_NAME", &c.access_csrf_cookie_name),
        ("JWT_REFRESH_CSRF_COOKIE_NAME", &c.refresh_csrf_cookie_name),
        ("JWT_ACCESS_CSRF_FIELD_NAME", &c.access_csrf_field_name),
        ("JWT_REFRESH_CSRF_FIELD_NAME", &c.refresh_csrf_field_name),
        (
            "JWT_DECODE_ISSUER",
            c.decode_issuer.as_deref().unwrap_or("unset"),
        ),
    ];
    for (option, value) in non_empty {
        if value.trim().is_empty() {
            return Err(ConfigError::new(option, value, "must not be empty"));
        }
    }
    if c.header_type.chars().any(char::is_whitespace) {
        return Err(ConfigError::new(
            "JWT_HEADER_TYPE",
            &c.header_type,
            "must be one word (or empty for a bare token)",
        ));
    }
    for (option, name) in [
        ("JWT_IDENTITY_CLAIM", &c.identity_claim),
        ("JWT_USER_CLAIMS", &c.user_claims),
    ] {
        let written = RESERVED_CLAIMS.contains(&name.as_str())
            || (name == "iss" && c.encode_issuer.is_some())
            || (name == "aud" && c.encode_audience.is_some());
        if written {
            return Err(ConfigError::new(
                option,
                name,
                "collides with a claim the library writes itself",
            ));
        }
    }
    if c.identity_claim == c.user_claims {
        return Err(ConfigError::new(
            "JWT_USER_CLAIMS",
            &c.user_claims,
            "must differ from JWT_IDENTITY_CLAIM",
        ));
    }
    validate_cookies(c)?;
    for (option, audience) in [
        ("JWT_DECODE_AUDIENCE", &c.decode_audience),
        ("JWT_ENCODE_AUDIENCE", &c.encode_audience),
    ] {
        if let Some(audience) = audience
            && (audience.is_empty() || audience.iter().any(|a| a.trim().is_empty()))
        {
            return Err(ConfigError::new(
                option,
                audience.join(","),
                "audience values must not be empty",
            ));
        }
    }
    if c.encode_issuer
        .as_deref()
        .is_some_and(|iss| iss.trim().is_empty())
    {
        return Err(ConfigError::new(
            "JWT_ENCODE_ISSUER",
            "",
            "must not be empty",
        ));
    }
    if c.csrf_header_name.as_deref() == Some("") {
        c.csrf_header_name = None;
    }
    if c.decode_leeway > MAX_LEEWAY {
        return Err(ConfigError::new(
            "JWT_DECODE_LEEWAY",
            c.decode_leeway.as_secs(),
            "at most one day (86400 seconds): a longer leeway accepts tokens long expired",
        ));
    }
    for (option, expiry) in [
        ("JWT_ACCESS_TOKEN_EXPIRES", c.access_token_expires),
        ("JWT_REFRESH_TOKEN_EXPIRES", c.refresh_token_expires),
    ] {
        if let Expiry::After(duration) = expiry
            && token::timestamp_after(unix_now(), duration).is_none()
        {
            return Err(ConfigError::new(
                option,
                duration.as_secs(),
                "too long: tokens would expire after 9999-12-31; use Expiry::Never (`false`) for tokens that never expire",
            ));
        }
    }
    if c.json_body_limit == 0 {
        return Err(ConfigError::new(
            "JWT_JSON_BODY_LIMIT",
            0,
            "must be at least 1 byte: 0 refuses every JSON body and CSRF form field",
        ));
    }
    if c.json_body_timeout.is_zero() {
        return Err(ConfigError::new(
            "JWT_JSON_BODY_TIMEOUT",
            0,
            "must be more than zero seconds",
        ));
    }
    if c.max_token_size < 16 {
        return Err(ConfigError::new(
            "JWT_MAX_TOKEN_SIZE",
            c.max_token_size,
            "too small to hold any token",
        ));
    }
    Ok(())
}

/// Cookie paths, names, domain and the prefix rules.
fn validate_cookies(c: &JwtConfig) -> Result<(), ConfigError> {
    for (option, path) in [
        ("JWT_ACCESS_COOKIE_PATH", &c.access_cookie_path),
        ("JWT_REFRESH_COOKIE_PATH", &c.refresh_cookie_path),
        ("JWT_ACCESS_CSRF_COOKIE_PATH", &c.access_csrf_cookie_path),
        ("JWT_REFRESH_CSRF_COOKIE_PATH", &c.refresh_csrf_cookie_path),
    ] {
        if !path.starts_with('/') || path.chars().any(|ch| ch.is_control() || ch == ';') {
            return Err(ConfigError::new(
                option,
                path,
                "a cookie path must start with `/` and contain no `;`",
            ));
        }
    }
    for (option, name) in [
        ("JWT_ACCESS_COOKIE_NAME", &c.access_cookie_name),
        ("JWT_REFRESH_COOKIE_NAME", &c.refresh_cookie_name),
        ("JWT_ACCESS_CSRF_COOKIE_NAME", &c.access_csrf_cookie_name),
        ("JWT_REFRESH_CSRF_COOKIE_NAME", &c.refresh_csrf_cookie_name),
    ] {
        if !name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
        {
            return Err(ConfigError::new(option, name, "not a valid cookie name"));
        }
    }
    if let Some(domain) = &c.cookie_domain {
        let host = domain.strip_prefix('.').unwrap_or(domain);
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            || host.starts_with(['.', '-'])
            || host.ends_with(['.', '-'])
        {
            return Err(ConfigError::new(
                "JWT_COOKIE_DOMAIN",
                domain,
                "not a valid cookie domain: a plain host name such as `example.com` (RFC 6265 §5.2.3)",
            ));
        }
    }
    for (option, name, path_option, path) in [
        (
            "JWT_ACCESS_COOKIE_NAME",
            &c.access_cookie_name,
            "JWT_ACCESS_COOKIE_PATH",
            &c.access_cookie_path,
        ),
        (
            "JWT_REFRESH_COOKIE_NAME",
            &c.refresh_cookie_name,
            "JWT_REFRESH_COOKIE_PATH",
            &c.refresh_cookie_path,
        ),
        (
            "JWT_ACCESS_CSRF_COOKIE_NAME",
            &c.access_csrf_cookie_name,
            "JWT_ACCESS_CSRF_COOKIE_PATH",
            &c.access_csrf_cookie_path,
        ),
        (
            "JWT_REFRESH_CSRF_COOKIE_NAME",
            &c.refresh_csrf_cookie_name,
            "JWT_REFRESH_CSRF_COOKIE_PATH",
            &c.refresh_csrf_cookie_path,
        ),
    ] {
        check_cookie_prefix(c, option, name, path_option, path)?;
    }
    if c.cookie_samesite == Some(crate::config::SameSite::None) && !c.cookie_secure {
        tracing::warn!(
            "JWT_COOKIE_SAMESITE=None without JWT_COOKIE_SECURE=true: browsers will drop these cookies"
        );
    }
    Ok(())
}

/// The longest `JWT_DECODE_LEEWAY` accepted.
const MAX_LEEWAY: Duration = Duration::from_secs(86_400);

/// Unix seconds now, from the system clock (start-up checks).
fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// The browser rules of the cookie name prefixes (RFC 6265bis §4.1.3): a `__Host-`
/// cookie must be `Secure`, have the path `/` and no `Domain` (so a sibling domain cannot
/// plant it: cookie tossing); a `__Secure-` cookie must be `Secure`. Browsers silently drop
/// cookies that break them, so they are checked at start-up.
fn check_cookie_prefix(
    c: &JwtConfig,
    option: &'static str,
    name: &str,
    path_option: &'static str,
    path: &str,
) -> Result<(), ConfigError> {
    // Browsers match the prefixes without regard to case.
    let has_prefix = |prefix: &str| {
        name.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    let host = has_prefix("__Host-");
    if (host || has_prefix("__Secure-")) && !c.cookie_secure {
        return Err(ConfigError::new(
            "JWT_COOKIE_SECURE",
            "false",
            format!("{option} `{name}` has a cookie prefix that requires JWT_COOKIE_SECURE=true"),
        ));
    }
    if host && path != "/" {
        return Err(ConfigError::new(
            path_option,
            path,
            format!("must be `/` for the `__Host-` cookie {option} `{name}`"),
        ));
    }
    if host && let Some(domain) = &c.cookie_domain {
        return Err(ConfigError::new(
            "JWT_COOKIE_DOMAIN",
            domain,
            format!("must be unset for the `__Host-` cookie {option} `{name}`"),
        ));
    }
    Ok(())
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
        JwtManagerBuilder {
            config,
            loaders: Loaders::default(),
            use_registry: true,
            clock: None,
        }
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
    /// assert!(manager.decode_token(&token, None, false)?.fresh().is_fresh_at(0.0));
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
    /// # use jwt_runtime::{Expiry, JwtConfig, JwtManager, TokenOptions};
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

    fn create_token<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        token_type: TokenType,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        let draft = self.draft(identity, token_type, options)?;
        let secret = match &self.inner.loaders.encode_key {
            None => None,
            Some(EncodeKeyLoader::Sync(loader)) => {
                Some(guarded(ENCODE_KEY, || loader(&draft.identity))??)
            }
            Some(EncodeKeyLoader::Async(_)) => {
                return Err(JwtError::Internal(
                    "encode_key_loader is async: create tokens with create_access_token_async / create_refresh_token_async"
                        .to_owned(),
                ));
            }
        };
        self.sign(&draft, secret.as_ref())
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

    async fn create_token_async<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        token_type: TokenType,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        let draft = self.draft(identity, token_type, options)?;
        let secret = match &self.inner.loaders.encode_key {
            None => None,
            Some(EncodeKeyLoader::Sync(loader)) => {
                Some(guarded(ENCODE_KEY, || loader(&draft.identity))??)
            }
            Some(EncodeKeyLoader::Async(loader)) => {
                Some(guarded_async(ENCODE_KEY, async { loader(&draft.identity).await }).await??)
            }
        };
        self.sign(&draft, secret.as_ref())
    }

    /// Everything of a new token but its key: the loaders and the options applied.
    fn draft<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        token_type: TokenType,
        options: TokenOptions,
    ) -> Result<Draft, JwtError> {
        let config = &self.inner.config;
        let loaders = &self.inner.loaders;
        let identity = serde_json::to_value(identity)
            .map_err(|e| JwtError::Internal(format!("identity is not serialisable: {e}")))?;
        let user_claims = match options.user_claims {
            Some(claims) => Some(claims),
            None if token_type == TokenType::Access || config.claims_in_refresh_token => loaders
                .user_claims
                .as_ref()
                .map(|loader| guarded("user_claims_loader", || loader(&identity))?)
                .transpose()?,
            None => None,
        };
        let headers = match options.headers {
            Some(headers) => Some(headers),
            None => loaders
                .additional_headers
                .as_ref()
                .map(|loader| guarded("additional_headers_loader", || loader(&identity))?)
                .transpose()?
                .flatten(),
        };
        let identity_claim = match &loaders.user_identity {
            Some(loader) => Some(guarded("user_identity_loader", || loader(&identity))??),
            None => None,
        };
        let expires = options.expires.unwrap_or(match token_type {
            TokenType::Access => config.access_token_expires,
            TokenType::Refresh => config.refresh_token_expires,
        });
        if expires == Expiry::After(Duration::ZERO) {
            return Err(JwtError::Internal(
                "expires_delta must not be zero; use Expiry::Never for no expiry".to_owned(),
            ));
        }
        let now = self.now();
        if let Expiry::After(delta) = expires
            && token::timestamp_after(now, delta).is_none()
        {
            return Err(JwtError::Internal(
                "expires_delta reaches past 9999-12-31; use Expiry::Never for no expiry".to_owned(),
            ));
        }
        let fresh_too_late = match options.fresh {
            Fresh::For(delta) => token::timestamp_after(now, delta).is_none(),
            Fresh::Until(timestamp) => timestamp > Expiry::LATEST_TIMESTAMP,
            Fresh::No | Fresh::Yes => false,
        };
        if fresh_too_late {
            return Err(JwtError::Internal(
                "fresh reaches past 9999-12-31".to_owned(),
            ));
        }
        Ok(Draft {
            token_type,
            identity,
            identity_claim,
            fresh: options.fresh,
            expires,
            user_claims,
            headers,
            now,
        })
    }

    /// Signs a draft with the configured key, or with the one a key loader returned.
    fn sign(&self, draft: &Draft, secret: Option<&Secret>) -> Result<String, JwtError> {
        let inner = &*self.inner;
        let config = &inner.config;
        let loaded_key;
        let key: &EncodingKey = match secret {
            Some(secret) => {
                loaded_key =
                    keys::encoding_key_from_pem(config.algorithm.family(), secret.expose())
                        .map_err(|e| JwtError::Internal(loader_failed("encode_key_loader", e)))?;
                &loaded_key
            }
            None => &inner.keys.encoding,
        };
        let token_draft = TokenDraft {
            token_type: draft.token_type,
            identity: draft.identity_claim.as_ref().unwrap_or(&draft.identity),
            fresh: draft.fresh,
            expires: draft.expires,
            user_claims: draft.user_claims.as_ref(),
            csrf: inner.csrf_protect,
            issuer: config.encode_issuer.as_deref(),
            audience: config.encode_audience.as_deref(),
            headers: draft.headers.as_ref(),
            now: draft.now,
        };
        token::encode(&token_draft, &inner.decode.names, config.algorithm, key)
    }

    /// Python's `decode_token(encoded_token, csrf_value=None, allow_expired=False)`:
    /// full verification and normalisation; no blacklist or type check.
    ///
    /// # Errors
    /// [`JwtError::Expired`] (with the claims) for an expired token unless `allow_expired`,
    /// [`JwtError::Csrf`] for a CSRF mismatch, [`JwtError::InvalidToken`] for everything else.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, JwtError};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let err = manager.decode_token("foobarbaz", None, false).unwrap_err();
    /// assert_eq!(err.message(), "Not enough segments");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_token(
        &self,
        encoded_token: &str,
        csrf_value: Option<&str>,
        allow_expired: bool,
    ) -> Result<Claims, JwtError> {
        let split = self.split(encoded_token)?;
        let loaded = match &self.inner.loaders.decode_key {
            None => None,
            Some(DecodeKeyLoader::Sync(loader)) => {
                // The loader sees unverified data only to choose a key.
                let unverified = token::parse_payload(&split.payload)?;
                let secret = guarded(DECODE_KEY, || loader(&unverified, &split.header))??;
                Some((unverified, secret))
            }
            Some(DecodeKeyLoader::Async(_)) => {
                return Err(JwtError::Internal(
                    "decode_key_loader is async: decode tokens with decode_token_async".to_owned(),
                ));
            }
        };
        self.finish_decode(split, loaded, csrf_value, allow_expired)
    }

    /// [`decode_token`](Self::decode_token) for any `decode_key_loader`, `async` ones
    /// included (the request path uses this).
    ///
    /// # Errors
    /// As [`decode_token`](Self::decode_token), and the loader's error.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_access_token(&"alice")?;
    /// let claims = actix_web::rt::System::new().block_on(manager.decode_token_async(&token, None, false))?;
    /// assert_eq!(claims.identity::<String>()?, "alice");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn decode_token_async(
        &self,
        encoded_token: &str,
        csrf_value: Option<&str>,
        allow_expired: bool,
    ) -> Result<Claims, JwtError> {
        let split = self.split(encoded_token)?;
        let loaded = match &self.inner.loaders.decode_key {
            None => None,
            Some(loader) => {
                let unverified = token::parse_payload(&split.payload)?;
                let secret = match loader {
                    DecodeKeyLoader::Sync(loader) => {
                        guarded(DECODE_KEY, || loader(&unverified, &split.header))??
                    }
                    DecodeKeyLoader::Async(loader) => {
                        guarded_async(DECODE_KEY, async {
                            loader(&unverified, &split.header).await
                        })
                        .await??
                    }
                };
                Some((unverified, secret))
            }
        };
        self.finish_decode(split, loaded, csrf_value, allow_expired)
    }

    fn split<'t>(&self, encoded_token: &'t str) -> Result<token::SplitToken<'t>, JwtError> {
        let settings = &self.inner.decode;
        settings.check_size(encoded_token)?;
        token::split(encoded_token, &settings.known_headers)
    }

    /// Signature (with the configured key, or the one a loader chose), claims, normalisation.
    fn finish_decode(
        &self,
        split: token::SplitToken<'_>,
        loaded: Option<(Map<String, Value>, Secret)>,
        csrf_value: Option<&str>,
        allow_expired: bool,
    ) -> Result<Claims, JwtError> {
        let settings = &self.inner.decode;
        let payload = if let Some((unverified, secret)) = loaded {
            // The token chose the key (e.g. by `kid`): a key unusable for the configured
            // algorithm is the token's fault (422), never a 500 and never an HMAC keyed
            // with a public key (algorithm confusion).
            let key: DecodingKey =
                keys::loaded_decoding_key(self.inner.config.algorithm.family(), secret.expose())?;
            settings.verify_signature(&split, &key, false)?;
            Payload::from_map(unverified, split.payload, &settings.names)
        } else {
            settings.verify_signature(&split, &self.inner.keys.decoding, true)?;
            Payload::parse(split.payload, &settings.names)?
        };
        let expired = settings.validate_claims(&payload, self.now())?;
        let claims = settings.normalise(payload, split.header, csrf_value)?;
        if expired && !allow_expired {
            return Err(JwtError::Expired(Box::new(claims)));
        }
        Ok(claims)
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
        Ok(self
            .decode_token(encoded_token, None, false)?
            .jti()
            .map(str::to_owned))
    }

    /// Python's `get_csrf_token(encoded_token)`: fully verifies, then returns the `csrf` claim.
    ///
    /// # Errors
    /// As [`decode_token`](Self::decode_token), and `Missing claim: csrf` when the token has none.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenLocation};
    /// let manager = JwtManager::new(JwtConfig::default()
    ///     .secret_key("an-example-secret-of-32-bytes!!!")
    ///     .token_location([TokenLocation::Cookies]))?;
    /// let csrf = manager.get_csrf_token(&manager.create_access_token(&1)?)?;
    /// assert_eq!(csrf.len(), 36);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_csrf_token(&self, encoded_token: &str) -> Result<String, JwtError> {
        self.decode_token(encoded_token, None, false)?
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
        self.inner.decode.check_size(encoded_token)?;
        let split = token::split(encoded_token, &self.inner.decode.known_headers)?;
        Ok(Arc::unwrap_or_clone(split.header))
    }
}
