//! Items used only by the code the attributes generate. Not public API.

use std::any::Any;
use std::fmt::Display;
use std::rc::Rc;

use actix_web::{HttpRequest, HttpResponse, Responder};
use serde::Deserialize;
use serde_json::{Map, Value};

pub use crate::actix::Guard;
pub use crate::context::{Ambient, RequestJwt, SyncScope, enter_sync, scope_request};
pub use crate::registry::*;
pub use crate::{Claims, JwtError, Secret};
pub use ::actix_web;
pub use ::core;
pub use ::futures_util::future::LocalBoxFuture;
pub use ::linkme;
pub use ::serde_json;
pub use ::std;

/// Reads a loader's argument from JSON (the identity or the user claims).
///
/// # Errors
/// When the JSON does not fit the argument's type.
pub fn from_json<'a, T: Deserialize<'a>>(value: &'a Value) -> Result<T, serde_json::Error> {
    T::deserialize(value)
}

/// The owned form a `&T` loader parameter is read into: `T` itself, or `String` for `&str`.
#[diagnostic::on_unimplemented(
    message = "a loader parameter `&{Self}` is read from the token's JSON, so `{Self}` must implement `serde::Deserialize`",
    label = "not deserialisable"
)]
pub trait OwnedArg {
    /// What is deserialised and then borrowed.
    type Owned: serde::de::DeserializeOwned + std::borrow::Borrow<Self> + 'static;
}

impl<T: serde::de::DeserializeOwned + 'static> OwnedArg for T {
    type Owned = T;
}

impl OwnedArg for str {
    type Owned = String;
}

/// A `&T` loader argument: borrowed from the token's JSON when `T` is `Value` or
/// `Map` (no copy), otherwise deserialised into `T`'s owned form.
#[allow(
    missing_debug_implementations,
    reason = "generated code's local; `T` need not be Debug"
)]
pub enum Arg<'a, T: ?Sized + OwnedArg> {
    /// The JSON itself.
    Borrowed(&'a T::Owned),
    /// Deserialised from the JSON.
    Owned(T::Owned),
}

impl<T: ?Sized + OwnedArg> Arg<'_, T> {
    /// The argument to pass.
    pub fn get(&self) -> &T {
        match self {
            Arg::Borrowed(owned) => std::borrow::Borrow::borrow(*owned),
            Arg::Owned(owned) => std::borrow::Borrow::borrow(owned),
        }
    }
}

/// Reads a `&T` loader argument from JSON, borrowing where the types allow.
///
/// # Errors
/// When the JSON does not fit the argument's type.
pub fn read_arg<T: ?Sized + OwnedArg>(value: &Value) -> Result<Arg<'_, T>, serde_json::Error> {
    if let Some(same) = (value as &dyn Any).downcast_ref::<T::Owned>() {
        return Ok(Arg::Borrowed(same));
    }
    if let Value::Object(map) = value
        && let Some(same) = (map as &dyn Any).downcast_ref::<T::Owned>()
    {
        return Ok(Arg::Borrowed(same));
    }
    <T::Owned as Deserialize>::deserialize(value).map(Arg::Owned)
}

/// Warns that a loader was not called because the token's JSON does not fit its
/// parameter's type, so the library answered for it (fail closed).
pub fn warn_unreadable_argument(loader: &str, rust_type: &str, error: &serde_json::Error) {
    tracing::warn!(
        loader,
        rust_type,
        "{loader} was not called: the token's JSON does not deserialise into its parameter type `{rust_type}` ({error}); the request was refused as if it had declined"
    );
}

/// Turns a response loader's result into a response.
pub fn respond<R: Responder>(responder: R, req: &HttpRequest) -> HttpResponse {
    responder.respond_to(req).map_into_boxed_body()
}

/// The default answer to `error`, for a loader that could not read its argument.
#[must_use]
pub fn default_response(error: &JwtError) -> HttpResponse {
    crate::verify::default_response(&crate::context::error_message_key(), error)
}

/// The error of a creation-time loader that could not read the identity.
#[must_use]
pub fn argument_error(loader: &str, error: &serde_json::Error) -> JwtError {
    JwtError::Internal(format!("{loader} could not read its argument: {error}"))
}

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
    fn into_json(self, loader: &str) -> Result<Value, JwtError>;
}

impl<T: serde::Serialize> JsonOutput for T {
    fn into_json(self, loader: &str) -> Result<Value, JwtError> {
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
    fn into_headers(self) -> Result<Option<Map<String, Value>>, JwtError>;
}

impl<T: serde::Serialize> HeadersOutput for T {
    fn into_headers(self) -> Result<Option<Map<String, Value>>, JwtError> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => Ok(Some(map)),
            Ok(Value::Null) => Ok(None),
            Ok(other) => Err(JwtError::Internal(format!(
                "additional_headers_loader returned {other}, not an object"
            ))),
            Err(e) => Err(JwtError::Internal(format!(
                "additional_headers_loader returned a value that is not JSON: {e}"
            ))),
        }
    }
}

/// What the key loaders may return: a secret or PEM text, or `Result` of one.
#[diagnostic::on_unimplemented(
    message = "key loaders must return a key (`&str`, `String`, `Vec<u8>`, `jwt_runtime::Secret`) or a `Result` of one, found `{Self}`",
    label = "not a key"
)]
pub trait KeyOutput {
    /// The key bytes.
    ///
    /// # Errors
    /// The loader's own error.
    fn into_key(self, loader: &str) -> Result<Secret, JwtError>;
}

impl<T: Into<Secret>> KeyOutput for T {
    fn into_key(self, _: &str) -> Result<Secret, JwtError> {
        Ok(self.into())
    }
}

impl<T: Into<Secret>, E: Display> KeyOutput for Result<T, E> {
    fn into_key(self, loader: &str) -> Result<Secret, JwtError> {
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
    fn into_check(self) -> CheckResult;
}

impl CheckOutput for bool {
    fn into_check(self) -> CheckResult {
        Ok(self)
    }
}

impl<E: Display> CheckOutput for Result<bool, E> {
    fn into_check(self) -> CheckResult {
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
    fn into_user(self) -> UserResult;
}

impl<U: Any> UserOutput for Option<U> {
    fn into_user(self) -> UserResult {
        Ok(self.map(|user| Rc::new(user) as Rc<dyn Any>))
    }
}

impl<U: Any, E: Display> UserOutput for Result<Option<U>, E> {
    fn into_user(self) -> UserResult {
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
    fn into_response(self, req: &HttpRequest) -> HttpResponse;
}

impl<R: Responder> ResponseOutput for R {
    fn into_response(self, req: &HttpRequest) -> HttpResponse {
        respond(self, req)
    }
}

#[cfg(test)]
#[allow(clippy::panic, clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::{Arg, read_arg};
    use serde_json::{Map, Value, json};

    #[test]
    fn json_arguments_are_borrowed_not_copied() {
        let value = json!({"roles": ["admin"]});
        let Ok(Arg::Borrowed(borrowed)) = read_arg::<Value>(&value) else {
            panic!("a `&Value` parameter must borrow");
        };
        assert!(std::ptr::eq(borrowed, &raw const value));
        let Ok(Arg::Borrowed(map)) = read_arg::<Map<String, Value>>(&value) else {
            panic!("a `&Map` parameter must borrow an object");
        };
        assert!(std::ptr::eq(map, value.as_object().unwrap()));
        assert!(read_arg::<Map<String, Value>>(&json!([1])).is_err());
    }

    #[test]
    fn other_arguments_are_deserialised() {
        let Ok(Arg::Owned(roles)) = read_arg::<Vec<String>>(&json!(["a", "b"])) else {
            panic!("a `&Vec<String>` parameter is read into its owned form");
        };
        assert_eq!(roles, ["a", "b"]);
        assert_eq!(read_arg::<str>(&json!("bob")).unwrap().get(), "bob");
        assert!(read_arg::<str>(&json!(7)).is_err());
    }
}
