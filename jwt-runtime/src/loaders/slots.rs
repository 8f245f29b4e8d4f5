//! The loader slots: one table, and what is generated from it.
//!
//! Each row of `slot_table!` is one loader slot: its name (the attribute, the builder
//! method and the `Loaders` field are all called that) and its registry's (linkme
//! needs a name unique in the crate), how it is called
//! (`value`: a plain fn; `maybe_async`: a plain or an `async` fn; `response`: gets the
//! request and answers with a response), its parameters (each passed by reference), its
//! result, the trait its user function's result goes through, the name of the builder's
//! `async` setter, and what happens when the token's JSON does not deserialise into the
//! user function's parameter. A response slot holds a function answering
//! `Option<HttpResponse>`: a user's loader always answers `Some` (its `Responder`, whatever
//! that is); `None` is how the `default_answer` policy lets the library's default answer stand. The builder's setters (`manager/builder.rs`) and the macro
//! crate's shims are generated from the same rows; adding a slot is one row here, one in
//! `jwt-macros/src/loader/spec.rs`, and its attribute's docs.

use serde_json::{Map, Value};

use crate::claims::Claims;
use crate::denied::Denied;
use crate::error::JwtError;

use super::{CheckResult, KeyResult, UserResult};

/// Calls `$callback!` with every loader slot, in the reference's order.
macro_rules! slot_table {
    ($callback:ident) => {
        $callback! {
            /// `user_claims_loader`: identity (as JSON) → the custom claims written into
            /// access tokens (and refresh tokens with `JWT_CLAIMS_IN_REFRESH_TOKEN`).
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .user_claims_loader(|identity| serde_json::json!({"me": identity}))
            ///     .build()?;
            /// let claims = manager.decode_token(&manager.create_access_token(&"a")?)?;
            /// assert_eq!(claims.user_claims_value()["me"], "a");
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            value user_claims_loader in JWT_USER_CLAIMS_LOADER(identity: Value) -> Result<Value, JwtError> as JsonOutput,
                bad_argument = refuse_creation;
            /// `user_identity_loader`: the identity object (as JSON) → the identity claim.
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .user_identity_loader(|user| user["name"].clone())
            ///     .build()?;
            /// let token = manager.create_access_token(&serde_json::json!({"name": "zoe", "id": 1}))?;
            /// assert_eq!(manager.decode_token(&token)?.identity::<String>()?, "zoe");
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            value user_identity_loader in JWT_USER_IDENTITY_LOADER(identity: Value) -> Result<Value, JwtError> as JsonOutput,
                bad_argument = refuse_creation;
            /// `additional_headers_loader`: identity → extra JOSE header fields (`alg` always
            /// comes from the configuration).
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .additional_headers_loader(|_| serde_json::json!({"kid": "k1"}))
            ///     .build()?;
            /// let header = manager.get_unverified_jwt_headers(&manager.create_access_token(&1)?)?;
            /// assert_eq!(header["kid"], "k1");
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            value additional_headers_loader in JWT_ADDITIONAL_HEADERS_LOADER(identity: Value) -> Result<Option<Map<String, Value>>, JwtError> as HeadersOutput,
                bad_argument = refuse_creation;
            /// `encode_key_loader`: identity → the signing secret or PEM key.
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// # use jwt_runtime::config::Secret;
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .encode_key_loader(|_| Secret::from("another-secret-of-32-bytes-long!"))
            ///     .build()?;
            /// let token = manager.create_access_token(&1)?;
            /// assert!(manager.decode_token(&token).is_err()); // signed with the other key
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            maybe_async encode_key_loader in JWT_ENCODE_KEY_LOADER(identity: Value) -> KeyResult as KeyOutput,
                async encode_key_loader_async {
                    /// An `async` `encode_key_loader` (a key store, a KMS). Tokens are then
                    /// created with [`JwtManager::create_access_token_async`](crate::JwtManager::create_access_token_async)
                    /// and [`JwtManager::create_refresh_token_async`](crate::JwtManager::create_refresh_token_async).
                    ///
                    /// ```
                    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
                    /// # use jwt_runtime::config::Secret;
                    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
                    ///     .encode_key_loader_async(|_identity| Box::pin(async { Ok(Secret::from("an-example-secret-of-32-bytes!!!")) }))
                    ///     .build()?;
                    /// let token = actix_web::rt::System::new()
                    ///     .block_on(manager.create_access_token_async(&"alice", TokenOptions::default()))?;
                    /// assert!(manager.decode_token(&token).is_ok());
                    /// # Ok::<(), Box<dyn std::error::Error>>(())
                    /// ```
                },
                bad_argument = refuse_creation;
            /// `decode_key_loader`: unverified (claims, header) → the verifying secret or PEM
            /// key. It only picks a key; it must not fetch anything per token.
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// # use jwt_runtime::config::Secret;
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .decode_key_loader(|_claims, _header| Secret::from("an-example-secret-of-32-bytes!!!"))
            ///     .build()?;
            /// assert!(manager.decode_token(&manager.create_access_token(&1)?).is_ok());
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            maybe_async decode_key_loader in JWT_DECODE_KEY_LOADER(claims: Map<String, Value>, header: Map<String, Value>) -> KeyResult as KeyOutput,
                async decode_key_loader_async {
                    /// An `async` `decode_key_loader`, awaited on every request (and by
                    /// [`JwtManager::decode_token_async`](crate::JwtManager::decode_token_async)).
                    /// It picks a key from the unverified claims and header; cache what it
                    /// fetches, it runs for every token.
                    ///
                    /// ```
                    /// # use jwt_runtime::{DecodeOptions, JwtConfig, JwtManager};
                    /// # use jwt_runtime::config::Secret;
                    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
                    ///     .decode_key_loader_async(|_claims, _header| Box::pin(async { Ok(Secret::from("an-example-secret-of-32-bytes!!!")) }))
                    ///     .build()?;
                    /// let token = manager.create_access_token(&"alice")?;
                    /// let claims = actix_web::rt::System::new()
                    ///     .block_on(manager.decode_token_async(&token, DecodeOptions::default()))?;
                    /// assert_eq!(claims.identity::<String>()?, "alice");
                    /// # Ok::<(), Box<dyn std::error::Error>>(())
                    /// ```
                };
            /// `token_in_blacklist_loader`: the verified claims → whether the token is revoked
            /// (`true`: revoked). An `Err` refuses the request (503).
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let config = JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!").blacklist_enabled(true);
            /// let manager = JwtManager::builder(config)
            ///     .token_in_blacklist_loader(|claims| claims.jti() == Some("revoked"))
            ///     .build()?;
            /// # let _ = manager;
            /// # Ok::<(), jwt_runtime::ConfigError>(())
            /// ```
            maybe_async token_in_blacklist_loader in JWT_TOKEN_IN_BLACKLIST_LOADER(token: Claims) -> CheckResult as CheckOutput,
                async token_in_blacklist_loader_async {
                    /// An `async` (or fallible) `token_in_blacklist_loader`. An `Err` refuses
                    /// the request (503).
                    ///
                    /// ```
                    /// # use jwt_runtime::{JwtConfig, JwtManager};
                    /// let config = JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!").blacklist_enabled(true);
                    /// let manager = JwtManager::builder(config)
                    ///     .token_in_blacklist_loader_async(|claims| {
                    ///         let jti = claims.jti().map(str::to_owned);
                    ///         Box::pin(async move { Ok::<bool, String>(jti.as_deref() == Some("revoked")) })
                    ///     })
                    ///     .build()?;
                    /// # let _ = manager;
                    /// # Ok::<(), jwt_runtime::ConfigError>(())
                    /// ```
                };
            /// `claims_verification_loader` (4.x: `token_verification_loader`): the verified
            /// token → whether it is acceptable (`false` answers 400 through
            /// `claims_verification_failed_loader`). 3.x asks it for access tokens (its
            /// attribute gets the user claims), 4.x for every token (header and payload).
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .claims_verification_loader(|token| token.user_claims_value().get("banned") != Some(&serde_json::json!(true)))
            ///     .build()?;
            /// # let _ = manager;
            /// # Ok::<(), jwt_runtime::ConfigError>(())
            /// ```
            maybe_async claims_verification_loader in JWT_CLAIMS_VERIFICATION_LOADER(token: Claims) -> CheckResult as CheckOutput,
                async claims_verification_loader_async {
                    /// An `async` (or fallible) `claims_verification_loader`.
                    ///
                    /// ```
                    /// # use jwt_runtime::{JwtConfig, JwtManager};
                    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
                    ///     .claims_verification_loader_async(|token| {
                    ///         let banned = token.raw().contains_key("banned");
                    ///         Box::pin(async move { Ok::<bool, String>(!banned) })
                    ///     })
                    ///     .build()?;
                    /// # let _ = manager;
                    /// # Ok::<(), jwt_runtime::ConfigError>(())
                    /// ```
                },
                bad_argument = decline_check;
            /// `claims_verification_failed_loader` (4.x: `token_verification_failed_loader`):
            /// the response when claims verification fails (gets the refused token).
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .claims_verification_failed_loader(|token| actix_web::HttpResponse::Forbidden().json(token.identity_value()))
            ///     .build()?;
            /// # let _ = manager;
            /// # Ok::<(), jwt_runtime::ConfigError>(())
            /// ```
            response claims_verification_failed_loader in JWT_CLAIMS_VERIFICATION_FAILED_LOADER(token: Claims) -> Option<HttpResponse> as ResponseOutput;
            /// `user_loader_callback_loader` (4.x: `user_lookup_loader`): the verified token
            /// → the current user, or `None` (401 through `user_loader_error_loader`). Its
            /// 3.x attribute gets the identity, the 4.x one the header and payload.
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// struct User { name: String }
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .user_loader_callback_loader(|token| token.identity_value().as_str().map(|name| User { name: name.to_owned() }))
            ///     .build()?;
            /// # let _ = manager;
            /// # Ok::<(), jwt_runtime::ConfigError>(())
            /// ```
            maybe_async user_loader_callback_loader in JWT_USER_LOADER_CALLBACK_LOADER(token: Claims) -> UserResult as UserOutput,
                async user_loader_callback_loader_async {
                    /// An `async` (or fallible) `user_loader_callback_loader` (a database).
                    ///
                    /// ```
                    /// # use jwt_runtime::{JwtConfig, JwtManager};
                    /// use std::{any::Any, rc::Rc};
                    /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
                    ///     .user_loader_callback_loader_async(|token| {
                    ///         let name = token.identity_value().as_str().map(str::to_owned);
                    ///         // The user (any type, as `get_current_user::<U>()` reads it), or `None`.
                    ///         Box::pin(async move { Ok(name.map(|name| Rc::new(name) as Rc<dyn Any>)) })
                    ///     })
                    ///     .build()?;
                    /// # let _ = manager;
                    /// # Ok::<(), jwt_runtime::ConfigError>(())
                    /// ```
                },
                bad_argument = no_user;
            /// `user_loader_error_loader` (4.x: `user_lookup_error_loader`): the response when
            /// the user loader finds no user (gets the token; its 3.x attribute the identity).
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .user_loader_error_loader(|token| actix_web::HttpResponse::NotFound().json(token.identity_value()))
            ///     .build()?;
            /// # let _ = manager;
            /// # Ok::<(), jwt_runtime::ConfigError>(())
            /// ```
            response user_loader_error_loader in JWT_USER_LOADER_ERROR_LOADER(token: Claims) -> Option<HttpResponse> as ResponseOutput,
                bad_argument = default_answer;
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
            response expired_token_loader in JWT_EXPIRED_TOKEN_LOADER(token: Claims) -> Option<HttpResponse> as ResponseOutput;
            /// `invalid_token_loader`: the response to a malformed or badly signed token (gets
            /// the message).
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .invalid_token_loader(|msg| actix_web::HttpResponse::BadRequest().body(msg.to_owned()))
            ///     .build()?;
            /// # let _ = manager;
            /// # Ok::<(), jwt_runtime::ConfigError>(())
            /// ```
            response invalid_token_loader in JWT_INVALID_TOKEN_LOADER(message: str) -> Option<HttpResponse> as ResponseOutput;
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
            response unauthorized_loader in JWT_UNAUTHORIZED_LOADER(message: str) -> Option<HttpResponse> as ResponseOutput;
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
            response needs_fresh_token_loader in JWT_NEEDS_FRESH_TOKEN_LOADER() -> Option<HttpResponse> as ResponseOutput;
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
            response revoked_token_loader in JWT_REVOKED_TOKEN_LOADER() -> Option<HttpResponse> as ResponseOutput;
            /// `refresh_token_reused_loader` (this port only): the answer to a spent refresh
            /// token presented again (its login is revoked by then); default 401
            /// `Token has been revoked`.
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .refresh_token_reused_loader(|token| {
            ///         tracing::warn!(identity = %token.identity_value(), "a spent refresh token came back");
            ///         actix_web::HttpResponse::Unauthorized().json(serde_json::json!({"msg": "Log in again"}))
            ///     })
            ///     .build()?;
            /// # let _ = manager;
            /// # Ok::<(), jwt_runtime::ConfigError>(())
            /// ```
            response refresh_token_reused_loader in JWT_REFRESH_TOKEN_REUSED_LOADER(token: Claims) -> Option<HttpResponse> as ResponseOutput;
            /// `insufficient_scope_loader` (this port only): the answer to a verified token
            /// that lacks a scope or role the route requires, or that its `check` refused;
            /// default 403 with the configured message key (`Missing scope "items:read"`).
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// let manager = JwtManager::builder(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))
            ///     .insufficient_scope_loader(|denied| {
            ///         actix_web::HttpResponse::Forbidden()
            ///             .json(serde_json::json!({"error": "forbidden", "missing": denied.missing().to_string()}))
            ///     })
            ///     .build()?;
            /// # let _ = manager;
            /// # Ok::<(), jwt_runtime::ConfigError>(())
            /// ```
            response insufficient_scope_loader in JWT_INSUFFICIENT_SCOPE_LOADER(denied: Denied) -> Option<HttpResponse> as ResponseOutput;
            /// `token_source_loader` (this port only): the request → the token of the
            /// `custom` location (`JWT_TOKEN_LOCATION`, or a route's `locations = [custom]`),
            /// or `None` when it holds none. The size cap and every verification rule
            /// apply to what it returns; it is never a cookie, so no CSRF check.
            ///
            /// ```
            /// # use jwt_runtime::{JwtConfig, JwtManager};
            /// # use jwt_runtime::config::TokenLocation;
            /// // A WebSocket handshake: `Sec-WebSocket-Protocol: access_token, <JWT>`.
            /// let manager = JwtManager::builder(
            ///     JwtConfig::default()
            ///         .secret_key("an-example-secret-of-32-bytes!!!")
            ///         .token_location([TokenLocation::Custom]),
            /// )
            /// .token_source_loader(|req| {
            ///     let protocols = req.headers().get("sec-websocket-protocol")?.to_str().ok()?;
            ///     let (scheme, token) = protocols.split_once(',')?;
            ///     (scheme.trim() == "access_token").then(|| token.trim().to_owned())
            /// })
            /// .build()?;
            /// # let _ = manager;
            /// # Ok::<(), jwt_runtime::ConfigError>(())
            /// ```
            value token_source_loader in JWT_TOKEN_SOURCE_LOADER(request: HttpRequest) -> Option<String> as TokenSourceOutput;
        }
    };
}
pub(crate) use slot_table;

/// One module per slot (named after it): its name, the fn type a loader attribute
/// registers, what a manager holds, the link-time registry, and the conversion between
/// them. The attribute shims name these through `__private::slots::<name>`.
macro_rules! slot_modules {
    ($(
        $(#[$doc:meta])*
        $kind:ident $name:ident in $registry:ident($($arg:ident: $argty:ty),*) -> $out:ty as $output:ident
            $(, async $async_name:ident { $(#[$async_doc:meta])* })?
            $(, bad_argument = $bad:ident)?;
    )*) => {
        $(
            #[doc = concat!("The `", stringify!($name), "` slot.")]
            pub mod $name {
                #[allow(unused_imports, reason = "each slot uses some of them")]
                use super::*;

                /// The slot's name: the attribute, the builder method and the field.
                pub const NAME: &str = stringify!($name);

                slot_types!($kind ($($argty),*) -> $out);

                /// The functions registered with the attribute, across the whole binary.
                #[linkme::distributed_slice]
                pub static $registry: [crate::loaders::LoaderEntry<Entry>];

                #[doc(hidden)]
                pub use self::$registry as REGISTRY;

                $(
                    /// What the shim answers when the token's JSON does not fit the user
                    /// function's parameter.
                    ///
                    /// # Errors
                    /// The slot's answer itself, when it is an error.
                    pub fn on_bad_argument(
                        value: &Value,
                        rust_type: &'static str,
                        error: &serde_json::Error,
                    ) -> $out {
                        crate::loaders::bad_argument::$bad(NAME, value, rust_type, error)
                    }
                )?
            }
        )*

        /// Every loader slot of a manager, each named after its attribute.
        #[derive(Clone, Default)]
        pub(crate) struct Loaders {
            $(pub(crate) $name: Option<$name::Held>,)*
        }

        impl Loaders {
            /// Fills every slot the builder left empty from the link-time registry.
            pub(crate) fn fill_from_registry(&mut self) -> Result<(), crate::error::ConfigError> {
                $(
                    if self.$name.is_none() {
                        self.$name = crate::loaders::single($name::NAME, &$name::REGISTRY)?
                            .map(|entry| $name::hold(&entry.loader));
                    }
                )*
                Ok(())
            }
        }
    };
}

/// A slot's `Entry` (registered) and `Held` (kept by a manager) types, by how it is called.
macro_rules! slot_types {
    (value ($($argty:ty),*) -> $out:ty) => {
        /// The shim a loader attribute registers.
        pub type Entry = fn($(&$argty),*) -> $out;
        /// What a manager holds.
        pub(crate) type Held = std::sync::Arc<dyn Fn($(&$argty),*) -> $out + Send + Sync>;

        pub(crate) fn hold(entry: &Entry) -> Held {
            std::sync::Arc::new(*entry)
        }
    };
    (response ($($argty:ty),*) -> $out:ty) => {
        /// The shim a loader attribute registers.
        pub type Entry = fn(&actix_web::HttpRequest, $(&$argty),*) -> $out;
        /// What a manager holds.
        pub(crate) type Held =
            std::sync::Arc<dyn Fn(&actix_web::HttpRequest, $(&$argty),*) -> $out + Send + Sync>;

        pub(crate) fn hold(entry: &Entry) -> Held {
            std::sync::Arc::new(*entry)
        }
    };
    (maybe_async ($($argty:ty),*) -> $out:ty) => {
        /// The shim a loader attribute registers: a plain or an `async` fn.
        pub type Entry = crate::loaders::MaybeAsync<
            fn($(&$argty),*) -> $out,
            for<'a> fn($(&'a $argty),*) -> futures_util::future::LocalBoxFuture<'a, $out>,
        >;
        /// What a manager holds.
        pub(crate) type Held = crate::loaders::MaybeAsync<
            std::sync::Arc<dyn Fn($(&$argty),*) -> $out + Send + Sync>,
            std::sync::Arc<
                dyn for<'a> Fn($(&'a $argty),*) -> futures_util::future::LocalBoxFuture<'a, $out>
                    + Send
                    + Sync,
            >,
        >;

        pub(crate) fn hold(entry: &Entry) -> Held {
            match *entry {
                crate::loaders::MaybeAsync::Sync(f) => crate::loaders::MaybeAsync::Sync(std::sync::Arc::new(f)),
                crate::loaders::MaybeAsync::Async(f) => crate::loaders::MaybeAsync::Async(std::sync::Arc::new(f)),
            }
        }
    };
}

use actix_web::{HttpRequest, HttpResponse};

slot_table!(slot_modules);
