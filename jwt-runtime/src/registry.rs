//! The link-time loader registry and the loaders a manager holds.
//!
//! Each `#[jwt::..._loader]` attribute adds one [`LoaderEntry`] to the
//! distributed slice of its slot. [`JwtManagerBuilder::build`](crate::JwtManagerBuilder::build)
//! takes at most one entry per slot (two are an error naming both), unless a
//! builder method set that slot explicitly.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse};
use futures_util::FutureExt as _;
use futures_util::future::LocalBoxFuture;
use linkme::distributed_slice;
use serde_json::{Map, Value};

use crate::claims::Claims;
use crate::config::Secret;
use crate::error::{ConfigError, JwtError};

/// One registered loader: the function (a shim around the user's) and where it was defined.
#[doc(hidden)]
#[allow(
    missing_debug_implementations,
    reason = "shown by its Display: name, file and line"
)]
pub struct LoaderEntry<F: 'static> {
    /// The shim.
    pub loader: F,
    /// `module_path!()::name`.
    pub name: &'static str,
    /// `file!()`.
    pub file: &'static str,
    /// `line!()`.
    pub line: u32,
}

impl<F> fmt::Display for LoaderEntry<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}:{})", self.name, self.file, self.line)
    }
}

/// A loader that may be a plain or an `async fn`.
#[doc(hidden)]
#[derive(Debug)]
pub enum MaybeAsync<S: 'static, A: 'static> {
    /// A plain fn.
    Sync(S),
    /// An `async fn`, boxed by its shim.
    Async(A),
}

/// The user object a user loader produced.
pub(crate) type UserObject = Rc<dyn Any>;

/// Result of a boolean check loader (blacklist, claims verification).
#[doc(hidden)]
pub type CheckResult = Result<bool, String>;
/// Result of a user loader: `Ok(None)` means "no such user".
#[doc(hidden)]
pub type UserResult = Result<Option<UserObject>, String>;

// Shim types, one per slot. `&Value` arguments are the identity (or user claims) as JSON.
#[doc(hidden)]
pub type JsonLoaderFn = fn(&Value) -> Result<Value, JwtError>;
#[doc(hidden)]
pub type HeadersLoaderFn = fn(&Value) -> Result<Option<Map<String, Value>>, JwtError>;
/// Result of a key loader.
#[doc(hidden)]
pub type KeyResult = Result<Secret, JwtError>;
#[doc(hidden)]
pub type EncodeKeyFn = fn(&Value) -> KeyResult;
#[doc(hidden)]
pub type EncodeKeyAsyncFn = for<'a> fn(&'a Value) -> LocalBoxFuture<'a, KeyResult>;
#[doc(hidden)]
pub type EncodeKeyLoaderFn = MaybeAsync<EncodeKeyFn, EncodeKeyAsyncFn>;
#[doc(hidden)]
pub type DecodeKeyFn = fn(&Map<String, Value>, &Map<String, Value>) -> KeyResult;
#[doc(hidden)]
pub type DecodeKeyAsyncFn =
    for<'a> fn(&'a Map<String, Value>, &'a Map<String, Value>) -> LocalBoxFuture<'a, KeyResult>;
#[doc(hidden)]
pub type DecodeKeyLoaderFn = MaybeAsync<DecodeKeyFn, DecodeKeyAsyncFn>;
#[doc(hidden)]
pub type ClaimsCheckFn = fn(&Claims) -> CheckResult;
#[doc(hidden)]
pub type ClaimsCheckAsyncFn = for<'a> fn(&'a Claims) -> LocalBoxFuture<'a, CheckResult>;
#[doc(hidden)]
pub type JsonCheckFn = fn(&Value) -> CheckResult;
#[doc(hidden)]
pub type JsonCheckAsyncFn = for<'a> fn(&'a Value) -> LocalBoxFuture<'a, CheckResult>;
#[doc(hidden)]
pub type UserFn = fn(&Value) -> UserResult;
#[doc(hidden)]
pub type UserAsyncFn = for<'a> fn(&'a Value) -> LocalBoxFuture<'a, UserResult>;
#[doc(hidden)]
pub type BlacklistLoaderFn = MaybeAsync<ClaimsCheckFn, ClaimsCheckAsyncFn>;
#[doc(hidden)]
pub type ClaimsVerificationLoaderFn = MaybeAsync<JsonCheckFn, JsonCheckAsyncFn>;
#[doc(hidden)]
pub type UserLoaderFn = MaybeAsync<UserFn, UserAsyncFn>;
#[doc(hidden)]
pub type ClaimsResponseFn = fn(&HttpRequest, &Claims) -> HttpResponse;
#[doc(hidden)]
pub type MessageResponseFn = fn(&HttpRequest, &str) -> HttpResponse;
#[doc(hidden)]
pub type IdentityResponseFn = fn(&HttpRequest, &Value) -> HttpResponse;
#[doc(hidden)]
pub type PlainResponseFn = fn(&HttpRequest) -> HttpResponse;

macro_rules! slots {
    ($($slice:ident: $ty:ty;)*) => {$(
        #[doc(hidden)]
        #[distributed_slice]
        pub static $slice: [LoaderEntry<$ty>];
    )*};
}

slots! {
    JWT_USER_CLAIMS_LOADER: JsonLoaderFn;
    JWT_USER_IDENTITY_LOADER: JsonLoaderFn;
    JWT_ADDITIONAL_HEADERS_LOADER: HeadersLoaderFn;
    JWT_ENCODE_KEY_LOADER: EncodeKeyLoaderFn;
    JWT_DECODE_KEY_LOADER: DecodeKeyLoaderFn;
    JWT_TOKEN_IN_BLACKLIST_LOADER: BlacklistLoaderFn;
    JWT_CLAIMS_VERIFICATION_LOADER: ClaimsVerificationLoaderFn;
    JWT_CLAIMS_VERIFICATION_FAILED_LOADER: PlainResponseFn;
    JWT_USER_LOADER_CALLBACK_LOADER: UserLoaderFn;
    JWT_USER_LOADER_ERROR_LOADER: IdentityResponseFn;
    JWT_EXPIRED_TOKEN_LOADER: ClaimsResponseFn;
    JWT_INVALID_TOKEN_LOADER: MessageResponseFn;
    JWT_UNAUTHORIZED_LOADER: MessageResponseFn;
    JWT_NEEDS_FRESH_TOKEN_LOADER: PlainResponseFn;
    JWT_REVOKED_TOKEN_LOADER: PlainResponseFn;
}

// What a manager holds: shared, thread-safe callables.
pub(crate) type JsonLoader = Arc<dyn Fn(&Value) -> Result<Value, JwtError> + Send + Sync>;
pub(crate) type HeadersLoader =
    Arc<dyn Fn(&Value) -> Result<Option<Map<String, Value>>, JwtError> + Send + Sync>;
type JsonMap = Map<String, Value>;
pub(crate) type SyncEncodeKey = Arc<dyn Fn(&Value) -> KeyResult + Send + Sync>;
pub(crate) type AsyncEncodeKey =
    Arc<dyn for<'a> Fn(&'a Value) -> LocalBoxFuture<'a, KeyResult> + Send + Sync>;
pub(crate) type SyncDecodeKey = Arc<dyn Fn(&JsonMap, &JsonMap) -> KeyResult + Send + Sync>;
pub(crate) type AsyncDecodeKey =
    Arc<dyn for<'a> Fn(&'a JsonMap, &'a JsonMap) -> LocalBoxFuture<'a, KeyResult> + Send + Sync>;

/// An `encode_key_loader` as the manager holds it.
#[derive(Clone)]
pub(crate) enum EncodeKeyLoader {
    Sync(SyncEncodeKey),
    Async(AsyncEncodeKey),
}

/// A `decode_key_loader` as the manager holds it.
#[derive(Clone)]
pub(crate) enum DecodeKeyLoader {
    Sync(SyncDecodeKey),
    Async(AsyncDecodeKey),
}
pub(crate) type AsyncCheck<T> =
    Arc<dyn for<'a> Fn(&'a T) -> LocalBoxFuture<'a, CheckResult> + Send + Sync>;
pub(crate) type SyncCheck<T> = Arc<dyn Fn(&T) -> CheckResult + Send + Sync>;
pub(crate) type AsyncUser =
    Arc<dyn for<'a> Fn(&'a Value) -> LocalBoxFuture<'a, UserResult> + Send + Sync>;
pub(crate) type SyncUser = Arc<dyn Fn(&Value) -> UserResult + Send + Sync>;
pub(crate) type ClaimsResponse = Arc<dyn Fn(&HttpRequest, &Claims) -> HttpResponse + Send + Sync>;
pub(crate) type MessageResponse = Arc<dyn Fn(&HttpRequest, &str) -> HttpResponse + Send + Sync>;
pub(crate) type IdentityResponse = Arc<dyn Fn(&HttpRequest, &Value) -> HttpResponse + Send + Sync>;
pub(crate) type PlainResponse = Arc<dyn Fn(&HttpRequest) -> HttpResponse + Send + Sync>;

/// A check loader as the manager holds it.
#[derive(Clone)]
pub(crate) enum Check<T: ?Sized + 'static> {
    Sync(SyncCheck<T>),
    Async(AsyncCheck<T>),
}

/// Runs a loader. A panic in it becomes an [`JwtError::Internal`] naming the loader (the
/// request is answered 500 and logged; the connection and the worker go on).
pub(crate) fn guarded<R>(loader: &'static str, call: impl FnOnce() -> R) -> Result<R, JwtError> {
    std::panic::catch_unwind(AssertUnwindSafe(call)).map_err(|panic| panicked(loader, panic))
}

/// [`guarded`] for an `async` loader: a panic while it is polled is caught too.
pub(crate) async fn guarded_async<F: Future>(
    loader: &'static str,
    future: F,
) -> Result<F::Output, JwtError> {
    AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .map_err(|panic| panicked(loader, panic))
}

fn panicked(loader: &'static str, panic: Box<dyn Any + Send>) -> JwtError {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-string panic payload");
    let error = JwtError::Internal(format!("{loader} panicked: {message}"));
    // A payload whose own drop panics must not escape either.
    let _ = std::panic::catch_unwind(AssertUnwindSafe(move || drop(panic)));
    error
}

impl<T: ?Sized> Check<T> {
    /// Runs the check; `Err` when it panicked.
    pub(crate) async fn run(
        &self,
        loader: &'static str,
        value: &T,
    ) -> Result<CheckResult, JwtError> {
        match self {
            Check::Sync(f) => guarded(loader, || f(value)),
            Check::Async(f) => guarded_async(loader, async { f(value).await }).await,
        }
    }
}

/// A user loader as the manager holds it.
#[derive(Clone)]
pub(crate) enum UserLoader {
    Sync(SyncUser),
    Async(AsyncUser),
}

impl UserLoader {
    /// Runs the user loader; `Err` when it panicked.
    pub(crate) async fn run(&self, identity: &Value) -> Result<UserResult, JwtError> {
        const NAME: &str = "user_loader_callback_loader";
        match self {
            UserLoader::Sync(f) => guarded(NAME, || f(identity)),
            UserLoader::Async(f) => guarded_async(NAME, async { f(identity).await }).await,
        }
    }
}

/// Every loader slot of a manager.
#[derive(Clone, Default)]
pub(crate) struct Loaders {
    pub(crate) user_claims: Option<JsonLoader>,
    pub(crate) user_identity: Option<JsonLoader>,
    pub(crate) additional_headers: Option<HeadersLoader>,
    pub(crate) encode_key: Option<EncodeKeyLoader>,
    pub(crate) decode_key: Option<DecodeKeyLoader>,
    pub(crate) token_in_blacklist: Option<Check<Claims>>,
    pub(crate) claims_verification: Option<Check<Value>>,
    pub(crate) claims_verification_failed: Option<PlainResponse>,
    pub(crate) user_loader: Option<UserLoader>,
    pub(crate) user_loader_error: Option<IdentityResponse>,
    pub(crate) expired_token: Option<ClaimsResponse>,
    pub(crate) invalid_token: Option<MessageResponse>,
    pub(crate) unauthorized: Option<MessageResponse>,
    pub(crate) needs_fresh_token: Option<PlainResponse>,
    pub(crate) revoked_token: Option<PlainResponse>,
}

/// The single entry of a slot; two or more is a start-up error naming each.
fn single<F>(
    slot: &'static str,
    entries: &'static [LoaderEntry<F>],
) -> Result<Option<&'static LoaderEntry<F>>, ConfigError> {
    match entries {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => {
            let names: Vec<String> = many.iter().map(ToString::to_string).collect();
            Err(ConfigError::new(
                slot,
                names.join(" and "),
                format!(
                    "{} functions are registered with `#[jwt::{slot}]`; keep one, or set this loader on the builder",
                    many.len()
                ),
            ))
        }
    }
}

/// A check loader's registry entry: plain or async fn pointer.
type CheckEntry<T> = LoaderEntry<
    MaybeAsync<fn(&T) -> CheckResult, for<'a> fn(&'a T) -> LocalBoxFuture<'a, CheckResult>>,
>;

fn check_from<T: ?Sized>(entry: &'static CheckEntry<T>) -> Check<T> {
    match entry.loader {
        MaybeAsync::Sync(f) => Check::Sync(Arc::new(f)),
        MaybeAsync::Async(f) => Check::Async(Arc::new(f)),
    }
}

impl Loaders {
    /// Fills every slot the builder left empty from the link-time registry.
    pub(crate) fn fill_from_registry(&mut self) -> Result<(), ConfigError> {
        macro_rules! fill {
            ($field:ident, $slot:literal, $slice:ident, |$e:ident| $convert:expr) => {
                if self.$field.is_none() {
                    self.$field = single($slot, &$slice)?.map(|$e| $convert);
                }
            };
        }
        fill!(
            user_claims,
            "user_claims_loader",
            JWT_USER_CLAIMS_LOADER,
            |e| Arc::new(e.loader) as JsonLoader
        );
        fill!(
            user_identity,
            "user_identity_loader",
            JWT_USER_IDENTITY_LOADER,
            |e| Arc::new(e.loader) as JsonLoader
        );
        fill!(
            additional_headers,
            "additional_headers_loader",
            JWT_ADDITIONAL_HEADERS_LOADER,
            |e| Arc::new(e.loader) as HeadersLoader
        );
        fill!(
            encode_key,
            "encode_key_loader",
            JWT_ENCODE_KEY_LOADER,
            |e| match e.loader {
                MaybeAsync::Sync(f) => EncodeKeyLoader::Sync(Arc::new(f)),
                MaybeAsync::Async(f) => EncodeKeyLoader::Async(Arc::new(f)),
            }
        );
        fill!(
            decode_key,
            "decode_key_loader",
            JWT_DECODE_KEY_LOADER,
            |e| match e.loader {
                MaybeAsync::Sync(f) => DecodeKeyLoader::Sync(Arc::new(f)),
                MaybeAsync::Async(f) => DecodeKeyLoader::Async(Arc::new(f)),
            }
        );
        fill!(
            token_in_blacklist,
            "token_in_blacklist_loader",
            JWT_TOKEN_IN_BLACKLIST_LOADER,
            |e| check_from(e)
        );
        fill!(
            claims_verification,
            "claims_verification_loader",
            JWT_CLAIMS_VERIFICATION_LOADER,
            |e| check_from(e)
        );
        fill!(
            claims_verification_failed,
            "claims_verification_failed_loader",
            JWT_CLAIMS_VERIFICATION_FAILED_LOADER,
            |e| Arc::new(e.loader) as PlainResponse
        );
        fill!(
            user_loader,
            "user_loader_callback_loader",
            JWT_USER_LOADER_CALLBACK_LOADER,
            |e| match e.loader {
                MaybeAsync::Sync(f) => UserLoader::Sync(Arc::new(f)),
                MaybeAsync::Async(f) => UserLoader::Async(Arc::new(f)),
            }
        );
        fill!(
            user_loader_error,
            "user_loader_error_loader",
            JWT_USER_LOADER_ERROR_LOADER,
            |e| Arc::new(e.loader) as IdentityResponse
        );
        fill!(
            expired_token,
            "expired_token_loader",
            JWT_EXPIRED_TOKEN_LOADER,
            |e| Arc::new(e.loader) as ClaimsResponse
        );
        fill!(
            invalid_token,
            "invalid_token_loader",
            JWT_INVALID_TOKEN_LOADER,
            |e| Arc::new(e.loader) as MessageResponse
        );
        fill!(
            unauthorized,
            "unauthorized_loader",
            JWT_UNAUTHORIZED_LOADER,
            |e| Arc::new(e.loader) as MessageResponse
        );
        fill!(
            needs_fresh_token,
            "needs_fresh_token_loader",
            JWT_NEEDS_FRESH_TOKEN_LOADER,
            |e| Arc::new(e.loader) as PlainResponse
        );
        fill!(
            revoked_token,
            "revoked_token_loader",
            JWT_REVOKED_TOKEN_LOADER,
            |e| Arc::new(e.loader) as PlainResponse
        );
        Ok(())
    }
}
