//! Loaders: the link-time registry the attributes fill, what a manager holds, and how
//! a loader is run (a panic in it is caught).
//!
//! Each `#[jwt::..._loader]` attribute adds one [`LoaderEntry`] to the registry of its
//! slot ([`slots`]). [`JwtManagerBuilder::build`](crate::JwtManagerBuilder::build) takes
//! at most one entry per slot (two are an error naming both), unless a builder method set
//! that slot explicitly.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::Arc;

use futures_util::FutureExt as _;
use futures_util::future::LocalBoxFuture;

use crate::error::{ConfigError, JwtError};
use crate::types::Secret;

pub(crate) mod output;
pub mod slots;

pub(crate) use slots::{Loaders, slot_table};

/// One registered loader: the shim around the user's function, and where that function
/// is defined (named in the error when a slot has two).
#[doc(hidden)]
#[allow(
    missing_debug_implementations,
    reason = "shown by its Display: name, file and line"
)]
pub struct LoaderEntry<F: 'static> {
    /// Calls the user's function with the slot's arguments and converts its result.
    pub loader: F,
    /// The user's function, by path (`my_app::auth::on_expired`).
    pub name: &'static str,
    /// Its source file and line.
    pub file: &'static str,
    #[allow(missing_docs, reason = "documented with `file`")]
    pub line: u32,
}

impl<F> fmt::Display for LoaderEntry<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}:{})", self.name, self.file, self.line)
    }
}

/// A loader that may be a plain or an `async fn`.
#[doc(hidden)]
#[derive(Debug, Clone)]
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
/// Result of a key loader.
#[doc(hidden)]
pub type KeyResult = Result<Secret, JwtError>;

/// A one-argument loader that may be `async`, as a manager holds it.
pub(crate) type MaybeAsyncHeld<T, R> = MaybeAsync<
    Arc<dyn Fn(&T) -> R + Send + Sync>,
    Arc<dyn for<'a> Fn(&'a T) -> LocalBoxFuture<'a, R> + Send + Sync>,
>;

impl<T: ?Sized, R> MaybeAsyncHeld<T, R> {
    /// Runs the loader, awaiting it if it is `async`; `Err` when it panicked.
    pub(crate) async fn run(&self, name: &'static str, value: &T) -> Result<R, JwtError> {
        match self {
            MaybeAsync::Sync(f) => guarded(name, || f(value)),
            MaybeAsync::Async(f) => guarded_async(name, async { f(value).await }).await,
        }
    }
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

/// The single entry of a slot; two or more is a start-up error naming each.
fn single<F>(
    loader: &'static str,
    entries: &'static [LoaderEntry<F>],
) -> Result<Option<&'static LoaderEntry<F>>, ConfigError> {
    match entries {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(ConfigError::DuplicateLoader {
            loader,
            entries: many.iter().map(ToString::to_string).collect(),
        }),
    }
}

/// What a loader shim answers when the token's JSON does not deserialise into the user
/// function's parameter, by slot (the `bad_argument` column of the slot table). The
/// slots that answer for the loader (fail closed) also warn, naming the loader, the type
/// and serde's error.
#[allow(
    clippy::unnecessary_wraps,
    reason = "each policy returns its slot's result type"
)]
pub(crate) mod bad_argument {
    use actix_web::HttpResponse;
    use serde_json::Value;

    use super::{CheckResult, JwtError, UserResult};

    /// Token creation fails with an error naming the loader.
    pub(crate) fn refuse_creation<T>(
        loader: &'static str,
        _: &Value,
        _: &'static str,
        error: &serde_json::Error,
    ) -> Result<T, JwtError> {
        Err(JwtError::Internal(format!(
            "{loader} could not read its argument: {error}"
        )))
    }

    /// The check declines (claims verification fails).
    pub(crate) fn decline_check(
        loader: &'static str,
        _: &Value,
        rust_type: &'static str,
        error: &serde_json::Error,
    ) -> CheckResult {
        warn(loader, rust_type, error);
        Ok(false)
    }

    /// No user (the user-load error answers).
    pub(crate) fn no_user(
        loader: &'static str,
        _: &Value,
        rust_type: &'static str,
        error: &serde_json::Error,
    ) -> UserResult {
        warn(loader, rust_type, error);
        Ok(None)
    }

    /// The library's default answer to the slot's error (a response loader that declines).
    pub(crate) fn default_answer(
        loader: &'static str,
        _: &Value,
        rust_type: &'static str,
        error: &serde_json::Error,
    ) -> Option<HttpResponse> {
        warn(loader, rust_type, error);
        None
    }

    fn warn(loader: &'static str, rust_type: &'static str, error: &serde_json::Error) {
        tracing::warn!(
            loader,
            rust_type,
            "{loader} was not called: the token's JSON does not deserialise into its parameter type `{rust_type}` ({error}); the request was refused as if it had declined"
        );
    }
}
