//! [`JwtManagerBuilder`]: loaders set in code, the clock, and [`build`](JwtManagerBuilder::build),
//! which validates the configuration, prepares the keys and resolves the loaders.

use std::sync::Arc;
use std::time::SystemTime;

use actix_web::HttpRequest;
use actix_web::http::Method;
use actix_web::http::header::HeaderName;
use futures_util::future::LocalBoxFuture;
use serde_json::{Map, Value};

use super::{Clock, Inner, JwtManager, TokenNames};
use crate::authorization::ClaimPath;
use crate::claims::Claims;
use crate::config::JwtConfig;
use crate::denied::Denied;
use crate::error::ConfigError;
use crate::keys;
use crate::keyset::{self, KeySetSource, KeySource};
use crate::loaders::output::{
    CheckOutput, HeadersOutput, JsonOutput, KeyOutput, ResponseOutput, TokenSourceOutput,
    UserOutput,
};
use crate::loaders::{CheckResult, KeyResult, Loaders, MaybeAsync, UserResult, slot_table};
use crate::payload::ClaimNames;
use crate::token::{self, DecodeSettings};
use crate::types::{TokenLocation, TokenType};
use jsonwebtoken::jwk::JwkSet;

/// Builds a [`JwtManager`], with explicit loaders that take precedence over the registry.
///
/// Every loader attribute has a builder method of the same name, taking a closure of the
/// attribute's signature (response loaders: without the request).
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
    key_set: Option<JwkSet>,
    root_certificates: Vec<Vec<u8>>,
    issuers: Vec<(String, KeySource)>,
    sessions: Option<Arc<dyn crate::blocklist::Blocklist>>,
}

impl std::fmt::Debug for JwtManagerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtManagerBuilder")
            .field("config", &self.config)
            .field("use_registry", &self.use_registry)
            .field("clock", &self.clock.is_some())
            .field("key_set", &self.key_set.as_ref().map(|set| set.keys.len()))
            .field("root_certificates", &self.root_certificates.len())
            .field(
                "issuers",
                &self
                    .issuers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// One builder method per loader slot, from the slot table.
macro_rules! builder_setters {
    ($(
        $(#[$doc:meta])*
        $kind:ident $name:ident in $registry:ident($($arg:ident: $argty:ty),*) -> $out:ty as $output:ident
            $(, async $async_name:ident { $(#[$async_doc:meta])* })?
            $(, bad_argument = $bad:ident)?;
    )*) => {
        impl JwtManagerBuilder {
            $(
                builder_setter!(
                    $kind $(#[$doc])* $name($($arg: $argty),*) -> $out as $output;
                    [$($async_name { $(#[$async_doc])* })?]
                );
            )*
        }
    };
}

/// The builder method(s) of one slot, by how it is called.
macro_rules! builder_setter {
    (value $(#[$doc:meta])* $name:ident($($arg:ident: $argty:ty),*) -> $out:ty as $output:ident; []) => {
        $(#[$doc])*
        pub fn $name<R: $output>(mut self, f: impl Fn($(&$argty),*) -> R + Send + Sync + 'static) -> Self {
            self.loaders.$name = Some(Arc::new(move |$($arg: &$argty),*| {
                $output::into_output(f($($arg),*), stringify!($name))
            }));
            self
        }
    };
    (response $(#[$doc:meta])* $name:ident($($arg:ident: $argty:ty),*) -> $out:ty as $output:ident; []) => {
        $(#[$doc])*
        pub fn $name<R: $output>(mut self, f: impl Fn($(&$argty),*) -> R + Send + Sync + 'static) -> Self {
            self.loaders.$name = Some(Arc::new(move |req: &HttpRequest, $($arg: &$argty),*| {
                $output::into_output(f($($arg),*), req)
            }));
            self
        }
    };
    (
        maybe_async $(#[$doc:meta])* $name:ident($($arg:ident: $argty:ty),*) -> $out:ty as $output:ident;
        [$async_name:ident { $(#[$async_doc:meta])* }]
    ) => {
        $(#[$doc])*
        pub fn $name<R: $output>(mut self, f: impl Fn($(&$argty),*) -> R + Send + Sync + 'static) -> Self {
            self.loaders.$name = Some(MaybeAsync::Sync(Arc::new(move |$($arg: &$argty),*| {
                $output::into_output(f($($arg),*), stringify!($name))
            })));
            self
        }

        $(#[$async_doc])*
        pub fn $async_name(
            mut self,
            f: impl for<'a> Fn($(&'a $argty),*) -> LocalBoxFuture<'a, $out> + Send + Sync + 'static,
        ) -> Self {
            self.loaders.$name = Some(MaybeAsync::Async(Arc::new(f)));
            self
        }
    };
}

slot_table!(builder_setters);

impl JwtManagerBuilder {
    pub(super) fn new(config: JwtConfig) -> Self {
        JwtManagerBuilder {
            config,
            loaders: Loaders::default(),
            use_registry: true,
            clock: None,
            key_set: None,
            root_certificates: Vec::new(),
            issuers: Vec::new(),
            sessions: None,
        }
    }

    /// Binds an issuer to its own keys: a token whose (unverified) `iss` is `issuer`
    /// verifies with `keys` only, never with the configured ones. With any issuer bound,
    /// the accepted issuers are the bound ones and those of `JWT_DECODE_ISSUER` (which
    /// verify with the configured keys); a token naming another issuer, or none, is
    /// refused before any key is touched.
    ///
    /// ```
    /// use jsonwebtoken::Algorithm;
    /// use jwt_runtime::{JwtConfig, JwtManager, KeySource};
    /// const PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIApXpHB8eihD0GU9GvvKHP5Eh+mYJ3cHuuKrvPZmBBXv\n-----END PRIVATE KEY-----";
    /// const PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAyzKgUB9g2k4KNdLaJfoJo7olH4Ih8fZfMftApGLE0hc=\n-----END PUBLIC KEY-----";
    /// let partner = JwtManager::new(JwtConfig::default().algorithm(Algorithm::EdDSA)
    ///     .private_key(PRIVATE).public_key(PUBLIC).encode_issuer("partner"))?;
    /// let service = JwtManager::builder(JwtConfig::default().algorithm(Algorithm::EdDSA))
    ///     .issuer("partner", KeySource::PublicKey(PUBLIC.to_owned()))
    ///     .build()?;
    /// let token = partner.create_access_token(&"alice")?;
    /// assert_eq!(service.decode_token(&token)?.identity::<String>()?, "alice");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn issuer(mut self, issuer: impl Into<String>, keys: KeySource) -> Self {
        self.issuers.push((issuer.into(), keys));
        self
    }

    /// Verifies tokens with the keys of a JWK Set held in memory, chosen by the token's
    /// `kid` (a token without `kid`: the set's only key for its algorithm, or the static
    /// `JWT_PUBLIC_KEY` when it is set). The algorithm still comes only from
    /// `JWT_ALGORITHM`/`JWT_DECODE_ALGORITHMS`; a key whose `kty`, `crv` or `alg` does not
    /// fit it, an `enc` key and a symmetric key are never used. For a set fetched over
    /// HTTP, set `JWT_JWKS_URL` (the `jwks` feature).
    ///
    /// ```
    /// use jsonwebtoken::Algorithm;
    /// use jwt_runtime::{JwtConfig, JwtManager};
    /// const PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIApXpHB8eihD0GU9GvvKHP5Eh+mYJ3cHuuKrvPZmBBXv\n-----END PRIVATE KEY-----";
    /// const PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAyzKgUB9g2k4KNdLaJfoJo7olH4Ih8fZfMftApGLE0hc=\n-----END PUBLIC KEY-----";
    /// let login = JwtManager::new(JwtConfig::default().algorithm(Algorithm::EdDSA)
    ///     .private_key(PRIVATE).public_key(PUBLIC).public_key_id("login-1"))?;
    /// let service = JwtManager::builder(JwtConfig::default().algorithm(Algorithm::EdDSA))
    ///     .jwk_set(login.jwks())
    ///     .build()?;
    /// let token = login.create_access_token(&"alice")?;
    /// assert_eq!(service.decode_token(&token)?.identity::<String>()?, "alice");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn jwk_set(mut self, set: JwkSet) -> Self {
        self.key_set = Some(set);
        self
    }

    /// Trusts one more root certificate (PEM) when fetching `JWT_JWKS_URL` or the OIDC
    /// discovery document over https, beside the system's roots and webpki's (a private
    /// CA, a test CA).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let builder = JwtManager::builder(JwtConfig::default())
    ///     .jwks_root_certificate(b"-----BEGIN CERTIFICATE-----\n...".to_vec());
    /// # let _ = builder;
    /// ```
    pub fn jwks_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

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

    /// Replaces the system clock (tests, simulations); see also
    /// [`testing::ManualClock`](crate::testing::ManualClock).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
    ///     .clock(|| UNIX_EPOCH + Duration::from_secs(1_000_000))
    ///     .build()?;
    /// let claims = manager.decode_token(&manager.create_access_token(&1)?)?;
    /// assert_eq!(claims.get("iat"), Some(&serde_json::json!(1_000_000)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Wires a [`Blocklist`](crate::blocklist::Blocklist) in as the
    /// `token_in_blacklist_loader`: a token is refused (401 `Token has been revoked`) when
    /// [`is_revoked`](crate::blocklist::Blocklist::is_revoked) says so, and the request is
    /// refused (503, logged) when the store cannot answer. `JWT_BLACKLIST_ENABLED` and
    /// `JWT_BLACKLIST_TOKEN_CHECKS` still decide when it is asked. Entries are kept
    /// `JWT_DECODE_LEEWAY` past their token's `exp`
    /// ([`retain_after_expiry`](crate::blocklist::Blocklist::retain_after_expiry)).
    ///
    /// Keep a clone (or an `Arc`) to revoke tokens from your handlers.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// let blocklist = MemoryBlocklist::new();
    /// let config = JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!").blacklist_enabled(true);
    /// let manager = JwtManager::builder(config).blocklist(blocklist.clone()).build()?;
    /// let claims = manager.decode_token(&manager.create_access_token(&"alice")?)?;
    /// actix_web::rt::System::new().block_on(blocklist.revoke(&claims))?;
    /// assert!(blocklist.contains(claims.jti().unwrap()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn blocklist(self, blocklist: impl crate::blocklist::Blocklist) -> Self {
        if !self.config.blacklist_enabled {
            tracing::warn!(
                "a blocklist is set but JWT_BLACKLIST_ENABLED is false: revoked tokens are accepted"
            );
        }
        let blocklist = Arc::new(blocklist);
        self.session_store(Arc::clone(&blocklist) as Arc<dyn crate::blocklist::Blocklist>)
            .token_in_blacklist_loader_async(move |claims| {
                let blocklist = Arc::clone(&blocklist);
                Box::pin(async move {
                    crate::blocklist::Blocklist::is_revoked(&*blocklist, claims)
                        .await
                        .map_err(|error| format!("blocklist: {error}"))
                })
            })
    }

    /// The store that sessions write to: refresh-token rotation
    /// (`JWT_REFRESH_ROTATION`), reuse detection and log out everywhere
    /// ([`JwtManager::revoke_all_tokens`]), without making it the revocation check (your
    /// own `token_in_blacklist_loader` then asks it). [`blocklist`](Self::blocklist) does
    /// both. Entries are kept `JWT_DECODE_LEEWAY` past their token's `exp`, identity
    /// cut-offs as long as the longer token lifetime.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// use std::sync::Arc;
    /// use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// let store = Arc::new(MemoryBlocklist::new());
    /// let config = JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!").blacklist_enabled(true);
    /// let check = Arc::clone(&store);
    /// let manager = JwtManager::builder(config)
    ///     .session_store(store)
    ///     .token_in_blacklist_loader(move |token| check.refuses(token))
    ///     .build()?;
    /// # let _ = manager;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn session_store(mut self, store: Arc<dyn crate::blocklist::Blocklist>) -> Self {
        store.retain_after_expiry(self.config.decode_leeway);
        self.sessions = Some(store);
        self
    }

    /// Validates the configuration, prepares the keys and resolves the loaders.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the first invalid option, a loader slot with two
    /// registered functions, or a missing crypto backend.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// let err = JwtManager::builder(JwtConfig::default().secret_key("")).build().unwrap_err();
    /// assert_eq!(err.option(), Some("JWT_SECRET_KEY"));
    /// ```
    pub fn build(self) -> Result<JwtManager, ConfigError> {
        let JwtManagerBuilder {
            mut config,
            mut loaders,
            use_registry,
            clock,
            key_set,
            root_certificates,
            issuers,
            sessions,
        } = self;
        if jsonwebtoken::crypto::CryptoProvider::try_get_default().is_none() {
            return Err(ConfigError::NoCryptoBackend);
        }
        if use_registry {
            loaders.fill_from_registry()?;
        }
        config.validate()?;
        needs_met(&config, &loaders, sessions.as_ref())?;
        if let Some(store) = &sessions {
            // A cut-off must outlive every token issued before it.
            store.retain_cut_offs_for(
                config
                    .longest_token_lifetime()
                    .map(|lifetime| lifetime + config.decode_leeway),
            );
        }
        let roles_path = ClaimPath::parse(&config.roles_claim)
            .map_err(|reason| ConfigError::new("JWT_ROLES_CLAIM", &config.roles_claim, reason))?;
        let decode = decode_settings(&config, &issuers);
        let sources = KeySources {
            key_set,
            root_certificates,
            issuers,
        };
        let (keys, key_set, issuer_keys, own_jwks) =
            sources.prepare(&config, &decode, clock.as_ref())?;
        let header = |option: &'static str, name: &str| {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::new(option, name, "not a valid HTTP header name"))
        };
        let header_name = header("JWT_HEADER_NAME", &config.header_name)?;
        let csrf_header = |token_type: TokenType| match &config.csrf_header_name {
            Some(both) => header("JWT_CSRF_HEADER_NAME", both),
            None => match token_type {
                TokenType::Access | TokenType::Other => header(
                    "JWT_ACCESS_CSRF_HEADER_NAME",
                    &config.access_csrf_header_name,
                ),
                TokenType::Refresh => header(
                    "JWT_REFRESH_CSRF_HEADER_NAME",
                    &config.refresh_csrf_header_name,
                ),
            },
        };
        let access = TokenNames::new(&config, TokenType::Access, csrf_header(TokenType::Access)?);
        let refresh = TokenNames::new(
            &config,
            TokenType::Refresh,
            csrf_header(TokenType::Refresh)?,
        );
        let csrf_methods = config
            .csrf_methods
            .iter()
            .map(|m| {
                Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                    .map_err(|_| ConfigError::new("JWT_CSRF_METHODS", m, "not a valid HTTP method"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // 4.x writes `csrf` whenever CSRF protection is on, whatever the locations.
        let csrf_claim = config.cookie_csrf_protect
            && (config.compat == crate::types::Compat::V4
                || config.token_location.contains(&TokenLocation::Cookies));
        Ok(JwtManager {
            inner: Arc::new(Inner {
                config,
                decode,
                keys,
                key_set,
                issuer_keys,
                own_jwks,
                csrf_claim,
                header_name,
                access,
                refresh,
                csrf_methods,
                loaders,
                sessions,
                roles_path,
                clock,
            }),
        })
    }
}

/// The options that need a loader or a store have it.
fn needs_met(
    config: &JwtConfig,
    loaders: &Loaders,
    sessions: Option<&Arc<dyn crate::blocklist::Blocklist>>,
) -> Result<(), ConfigError> {
    if config.blacklist_enabled && loaders.token_in_blacklist_loader.is_none() {
        return Err(ConfigError::new(
            "JWT_BLACKLIST_ENABLED",
            "true",
            "a token_in_blacklist_loader must be provided (`#[jwt::token_in_blacklist_loader]` or the builder) when the blacklist is enabled",
        ));
    }
    if config.token_location.contains(&TokenLocation::Custom)
        && loaders.token_source_loader.is_none()
    {
        return Err(ConfigError::new(
            "JWT_TOKEN_LOCATION",
            "custom",
            "the `custom` location is read by a token_source_loader (`#[jwt::token_source_loader]` or the builder), and none is registered",
        ));
    }
    if config.refresh_rotation && sessions.is_none() {
        return Err(ConfigError::new(
            "JWT_REFRESH_ROTATION",
            "true",
            "needs a revocation store for spent refresh tokens: JwtManagerBuilder::blocklist (MemoryBlocklist, RedisBlocklist)",
        ));
    }
    Ok(())
}

/// The decoder's settings: the accepted algorithms (always including `JWT_ALGORITHM`),
/// their usual headers, the claim names and the limits.
fn decode_settings(config: &JwtConfig, bound: &[(String, KeySource)]) -> DecodeSettings {
    let mut algorithms = config.decode_algorithms.clone().unwrap_or_default();
    if !algorithms.contains(&config.algorithm) {
        algorithms.push(config.algorithm);
    }
    DecodeSettings {
        id: token::next_manager_id(),
        known_headers: algorithms
            .iter()
            .map(|a| token::KnownHeader::new(*a, None))
            .chain(
                config
                    .public_key_id
                    .as_deref()
                    .map(|kid| token::KnownHeader::new(config.algorithm, Some(kid))),
            )
            .collect(),
        algorithms,
        leeway: config.decode_leeway.as_secs_f64(),
        audience: config.decode_audience.clone(),
        // An OIDC issuer is the expected one unless JWT_DECODE_ISSUER lists issuers
        // (which must include it).
        issuers: accepted_issuers(config, bound),
        names: Arc::new(ClaimNames::new(
            config.identity_claim.clone(),
            config.user_claims.clone(),
        )),
        max_token_size: config.max_token_size,
        compat: config.compat,
        verify_sub: config.verify_sub,
    }
}

/// The verifying keys a builder was given, beside the configured ones.
struct KeySources {
    key_set: Option<JwkSet>,
    root_certificates: Vec<Vec<u8>>,
    issuers: Vec<(String, KeySource)>,
}

/// The prepared keys, the key set, the bound issuers' sources and the own JWK Set body.
type Prepared = (
    keys::PreparedKeys,
    Option<Arc<KeySetSource>>,
    Vec<(String, Arc<KeySetSource>)>,
    actix_web::web::Bytes,
);

impl KeySources {
    /// Reads and checks every key: the key set, each bound issuer's source (an issuer
    /// bound twice is refused), the configured keys (optional when another source
    /// verifies), and this manager's public keys as a JWK Set.
    fn prepare(
        self,
        config: &JwtConfig,
        decode: &DecodeSettings,
        clock: Option<&Clock>,
    ) -> Result<Prepared, ConfigError> {
        let KeySources {
            key_set,
            root_certificates,
            issuers,
        } = self;
        let key_set = build_key_set(config, key_set, &root_certificates, decode, clock.cloned())?;
        if let Some((duplicate, _)) = issuers
            .iter()
            .enumerate()
            .find_map(|(i, (issuer, _))| issuers.iter().take(i).find(|(other, _)| other == issuer))
        {
            return Err(ConfigError::new(
                "JWT_DECODE_ISSUER",
                duplicate.clone(),
                "is bound to keys twice",
            ));
        }
        let issuer_keys = issuers
            .into_iter()
            .map(|(issuer, source)| {
                let keys = issuer_keys(
                    config,
                    &issuer,
                    source,
                    &root_certificates,
                    decode,
                    clock.cloned(),
                )?;
                Ok((issuer, keys))
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        let keys = keys::prepare(config, key_set.is_some() || !issuer_keys.is_empty())?;
        let own_jwks = serde_json::to_vec(&keyset::own_key_set(
            config.algorithm,
            &keys.verifying,
            keys.has_primary,
            config.public_key_id.as_deref(),
        ))
        .map_err(|e| ConfigError::new("JWT_PUBLIC_KEY", "<PEM>", e.to_string()))?
        .into();
        Ok((keys, key_set, issuer_keys, own_jwks))
    }
}

/// The key set: the one given to the builder, or the one `JWT_JWKS_URL` /
/// `JWT_OIDC_ISSUER` names (fetched once now). Refused for HMAC algorithms.
fn build_key_set(
    config: &JwtConfig,
    given: Option<JwkSet>,
    root_certificates: &[Vec<u8>],
    decode: &DecodeSettings,
    clock: Option<Clock>,
) -> Result<Option<Arc<KeySetSource>>, ConfigError> {
    let remote = config.jwks_url.is_some() || config.oidc_issuer.is_some();
    if let Some(set) = given {
        if remote {
            return Err(ConfigError::new(
                if config.jwks_url.is_some() {
                    "JWT_JWKS_URL"
                } else {
                    "JWT_OIDC_ISSUER"
                },
                "<set>",
                "a JWK Set is also given to the builder; use one of them",
            ));
        }
        if config.algorithm.family() == jsonwebtoken::AlgorithmFamily::Hmac {
            return Err(ConfigError::new(
                "JWT_ALGORITHM",
                crate::types::algorithm_name(config.algorithm),
                "a JWK Set holds public keys; use an asymmetric algorithm with it",
            ));
        }
        let source = KeySetSource::in_memory(&set, &decode.algorithms, clock)
            .map_err(|reason| ConfigError::new("JWT_JWKS_URL", "<set>", reason))?;
        return Ok(Some(Arc::new(source)));
    }
    if !remote {
        return Ok(None);
    }
    #[cfg(feature = "jwks")]
    {
        let options = keyset::fetch::RemoteOptions {
            url: config.jwks_url.clone(),
            oidc_issuer: config.oidc_issuer.clone(),
            cache: config.jwks_cache_seconds,
            refetch: config.jwks_refetch_seconds,
            connect_timeout: config.jwks_connect_timeout,
            timeout: config.jwks_timeout,
            root_certificates: root_certificates.to_vec(),
        };
        KeySetSource::remote(&options, decode.algorithms.clone(), clock).map(Some)
    }
    #[cfg(not(feature = "jwks"))]
    {
        // `JwtConfig::validate` has refused the option already.
        let _ = root_certificates;
        Ok(None)
    }
}

/// The accepted `iss` values: `JWT_DECODE_ISSUER` (or the OIDC issuer), and the issuers
/// bound to their own keys; `None` (any) when none of them is set.
fn accepted_issuers(config: &JwtConfig, bound: &[(String, KeySource)]) -> Option<Vec<String>> {
    let mut accepted = config
        .decode_issuer
        .clone()
        .or_else(|| config.oidc_issuer.clone().map(|issuer| vec![issuer]));
    if !bound.is_empty() {
        let list = accepted.get_or_insert_with(Vec::new);
        list.extend(bound.iter().map(|(issuer, _)| issuer.clone()));
    }
    accepted
}

/// The key source of one bound issuer. Refused: a duplicate issuer, an empty one, a key
/// of another family, a set without usable keys, a URL without the `jwks` feature.
fn issuer_keys(
    config: &JwtConfig,
    issuer: &str,
    source: KeySource,
    root_certificates: &[Vec<u8>],
    decode: &DecodeSettings,
    clock: Option<Clock>,
) -> Result<Arc<KeySetSource>, ConfigError> {
    let refuse = |reason: String| ConfigError::new("JWT_DECODE_ISSUER", issuer, reason);
    if issuer.trim().is_empty() {
        return Err(refuse(
            "an issuer bound to keys must not be empty".to_owned(),
        ));
    }
    if config
        .decode_issuer
        .iter()
        .flatten()
        .any(|accepted| accepted == issuer)
    {
        return Err(refuse(
            "is bound to its own keys; do not list it in JWT_DECODE_ISSUER as well".to_owned(),
        ));
    }
    let family = config.algorithm.family();
    match source {
        KeySource::PublicKey(pem) => {
            if family == jsonwebtoken::AlgorithmFamily::Hmac {
                return Err(refuse(
                    "a public key needs an asymmetric JWT_ALGORITHM".to_owned(),
                ));
            }
            let key = keys::decoding_key_from_pem(family, pem.as_bytes())
                .map_err(|e| refuse(format!("not a valid public key: {e}")))?;
            Ok(Arc::new(KeySetSource::static_key(key, &decode.algorithms)))
        }
        KeySource::JwkSet(set) => KeySetSource::in_memory(&set, &decode.algorithms, clock)
            .map(Arc::new)
            .map_err(refuse),
        #[cfg(feature = "jwks")]
        KeySource::JwksUrl(url) => {
            let options = keyset::fetch::RemoteOptions {
                url: Some(url),
                oidc_issuer: None,
                cache: config.jwks_cache_seconds,
                refetch: config.jwks_refetch_seconds,
                connect_timeout: config.jwks_connect_timeout,
                timeout: config.jwks_timeout,
                root_certificates: root_certificates.to_vec(),
            };
            KeySetSource::remote(&options, decode.algorithms.clone(), clock)
        }
        #[cfg(not(feature = "jwks"))]
        KeySource::JwksUrl(url) => {
            let _ = (root_certificates, clock);
            Err(refuse(format!(
                "fetching the JWK Set {url} needs the `jwks` cargo feature of jwt-runtime"
            )))
        }
    }
}
