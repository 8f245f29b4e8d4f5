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
use crate::claims::Claims;
use crate::config::JwtConfig;
use crate::error::ConfigError;
use crate::keys;
use crate::loaders::output::{
    CheckOutput, HeadersOutput, JsonOutput, KeyOutput, ResponseOutput, UserOutput,
};
use crate::loaders::{CheckResult, KeyResult, Loaders, MaybeAsync, UserResult, slot_table};
use crate::payload::ClaimNames;
use crate::token::{self, DecodeSettings};
use crate::types::{TokenLocation, TokenType};

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
        }
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
                crate::blocklist::Blocklist::is_revoked(&*blocklist, claims)
                    .await
                    .map_err(|error| format!("blocklist: {error}"))
            })
        })
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
        } = self;
        if jsonwebtoken::crypto::CryptoProvider::try_get_default().is_none() {
            return Err(ConfigError::NoCryptoBackend);
        }
        if use_registry {
            loaders.fill_from_registry()?;
        }
        config.validate()?;
        if config.blacklist_enabled && loaders.token_in_blacklist_loader.is_none() {
            return Err(ConfigError::new(
                "JWT_BLACKLIST_ENABLED",
                "true",
                "a token_in_blacklist_loader must be provided (`#[jwt::token_in_blacklist_loader]` or the builder) when the blacklist is enabled",
            ));
        }
        let keys = keys::prepare(&config)?;
        let decode = decode_settings(&config);
        let header = |option: &'static str, name: &str| {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::new(option, name, "not a valid HTTP header name"))
        };
        let header_name = header("JWT_HEADER_NAME", &config.header_name)?;
        let csrf_header = |token_type: TokenType| match &config.csrf_header_name {
            Some(both) => header("JWT_CSRF_HEADER_NAME", both),
            None => match token_type {
                TokenType::Access => header(
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
        let csrf_claim =
            config.token_location.contains(&TokenLocation::Cookies) && config.cookie_csrf_protect;
        Ok(JwtManager {
            inner: Arc::new(Inner {
                config,
                decode,
                keys,
                csrf_claim,
                header_name,
                access,
                refresh,
                csrf_methods,
                loaders,
                clock,
            }),
        })
    }
}

/// The decoder's settings: the accepted algorithms (always including `JWT_ALGORITHM`),
/// their usual headers, the claim names and the limits.
fn decode_settings(config: &JwtConfig) -> DecodeSettings {
    let mut algorithms = config.decode_algorithms.clone().unwrap_or_default();
    if !algorithms.contains(&config.algorithm) {
        algorithms.push(config.algorithm);
    }
    DecodeSettings {
        id: token::next_manager_id(),
        known_headers: algorithms
            .iter()
            .map(|a| token::KnownHeader::new(*a))
            .collect(),
        algorithms,
        leeway: config.decode_leeway.as_secs_f64(),
        audience: config.decode_audience.clone(),
        issuer: config.decode_issuer.clone(),
        names: Arc::new(ClaimNames::new(
            config.identity_claim.clone(),
            config.user_claims.clone(),
        )),
        max_token_size: config.max_token_size,
    }
}
