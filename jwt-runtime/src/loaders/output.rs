//! What a loader's function may return, per slot (the `as` column of the slot table).
//!
//! Attribute shims and builder setters both convert the user function's result with these
//! traits; their `on_unimplemented` messages are the errors a wrong return type gets.

use std::any::Any;
use std::fmt::Display;
use std::rc::Rc;

use actix_web::{HttpRequest, HttpResponse, Responder};
use serde_json::{Map, Value};

use super::{CheckResult, KeyResult, UserResult};
use crate::error::JwtError;
use crate::types::Secret;

/// What `user_claims_loader` and `user_identity_loader` may return: anything serialisable.
#[diagnostic::on_unimplemented(
    message = "this loader must return a value that implements `serde::Serialize`, found `{Self}`",
    label = "not serialisable"
)]
pub trait JsonOutput {
    /// Serialises the result.
    ///
    /// # Errors
    /// When serialisation fails.
    fn into_output(self, loader: &'static str) -> Result<Value, JwtError>;
}

impl<T: serde::Serialize> JsonOutput for T {
    fn into_output(self, loader: &'static str) -> Result<Value, JwtError> {
        serde_json::to_value(self).map_err(|e| {
            JwtError::Internal(format!("{loader} returned a value that is not JSON: {e}"))
        })
    }
}

/// What `additional_headers_loader` may return: a JSON object, or nothing.
#[diagnostic::on_unimplemented(
    message = "`additional_headers_loader` must return a serialisable map or `Option` of one, found `{Self}`",
    label = "not a header map"
)]
pub trait HeadersOutput {
    /// The extra header fields.
    ///
    /// # Errors
    /// When the result is not a JSON object or `null`.
    fn into_output(self, loader: &'static str) -> Result<Option<Map<String, Value>>, JwtError>;
}

impl<T: serde::Serialize> HeadersOutput for T {
    fn into_output(self, loader: &'static str) -> Result<Option<Map<String, Value>>, JwtError> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => Ok(Some(map)),
            Ok(Value::Null) => Ok(None),
            Ok(other) => Err(JwtError::Internal(format!(
                "{loader} returned {other}, not an object"
            ))),
            Err(e) => Err(JwtError::Internal(format!(
                "{loader} returned a value that is not JSON: {e}"
            ))),
        }
    }
}

/// What the key loaders may return: a secret or PEM text, or `Result` of one.
#[diagnostic::on_unimplemented(
    message = "key loaders must return a key (`&str`, `String`, `Vec<u8>`, `jwt_runtime::config::Secret`) or a `Result` of one, found `{Self}`",
    label = "not a key"
)]
pub trait KeyOutput {
    /// The key bytes.
    ///
    /// # Errors
    /// The loader's own error.
    fn into_output(self, loader: &'static str) -> KeyResult;
}

impl<T: Into<Secret>> KeyOutput for T {
    fn into_output(self, _: &'static str) -> KeyResult {
        Ok(self.into())
    }
}

impl<T: Into<Secret>, E: Display> KeyOutput for Result<T, E> {
    fn into_output(self, loader: &'static str) -> KeyResult {
        self.map(Into::into)
            .map_err(|e| JwtError::Internal(format!("{loader} failed: {e}")))
    }
}

/// What `token_in_blacklist_loader` and `claims_verification_loader` may return.
#[diagnostic::on_unimplemented(
    message = "this loader must return `bool` or `Result<bool, E>` with `E: Display`, found `{Self}`",
    label = "not a yes/no answer"
)]
pub trait CheckOutput {
    /// The answer, or why there is none.
    ///
    /// # Errors
    /// The loader's own error, as text.
    fn into_output(self, loader: &'static str) -> CheckResult;
}

impl CheckOutput for bool {
    fn into_output(self, _: &'static str) -> CheckResult {
        Ok(self)
    }
}

impl<E: Display> CheckOutput for Result<bool, E> {
    fn into_output(self, _: &'static str) -> CheckResult {
        self.map_err(|e| e.to_string())
    }
}

/// What `user_loader_callback_loader` may return: `Option<User>` or `Result<Option<User>, E>`.
#[diagnostic::on_unimplemented(
    message = "`user_loader_callback_loader` must return `Option<User>` or `Result<Option<User>, E>`, found `{Self}`",
    label = "not an optional user"
)]
pub trait UserOutput {
    /// The user, no user, or why there is no answer.
    ///
    /// # Errors
    /// The loader's own error, as text.
    fn into_output(self, loader: &'static str) -> UserResult;
}

impl<U: Any> UserOutput for Option<U> {
    fn into_output(self, _: &'static str) -> UserResult {
        Ok(self.map(|user| Rc::new(user) as Rc<dyn Any>))
    }
}

impl<U: Any, E: Display> UserOutput for Result<Option<U>, E> {
    fn into_output(self, _: &'static str) -> UserResult {
        self.map(|user| user.map(|user| Rc::new(user) as Rc<dyn Any>))
            .map_err(|e| e.to_string())
    }
}

/// What response loaders may return: any actix `Responder`.
#[diagnostic::on_unimplemented(
    message = "response loaders must return an actix `Responder` (e.g. `HttpResponse`, or `(Json<_>, StatusCode)`), found `{Self}`",
    label = "not a Responder"
)]
pub trait ResponseOutput {
    /// The response.
    fn into_output(self, req: &HttpRequest) -> Option<HttpResponse>;
}

impl<R: Responder> ResponseOutput for R {
    fn into_output(self, req: &HttpRequest) -> Option<HttpResponse> {
        Some(self.respond_to(req).map_into_boxed_body())
    }
}

/// What `token_source_loader` may return: the token, or `None` when the request holds none.
#[diagnostic::on_unimplemented(
    message = "`token_source_loader` must return `Option<String>` (or `Option<&str>`), found `{Self}`",
    label = "not an optional token"
)]
pub trait TokenSourceOutput {
    /// The token, if any.
    fn into_output(self, loader: &'static str) -> Option<String>;
}

impl<T: Into<String>> TokenSourceOutput for Option<T> {
    fn into_output(self, _: &'static str) -> Option<String> {
        self.map(Into::into)
    }
}
