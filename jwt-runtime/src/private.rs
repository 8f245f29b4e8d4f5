//! Items used only by the code the attributes generate. Not public API.

use std::any::Any;

use serde::Deserialize;
use serde_json::Value;

pub use crate::actix::{JwtMiddleware, JwtResponseFuture};
pub use crate::authorization::{Checked, ClaimsCheck, Requires, Unrestricted, run_check};
pub use crate::extract::Guard;
pub use crate::loaders::output::{
    CheckOutput, HeadersOutput, JsonOutput, KeyOutput, ResponseOutput, TokenSourceOutput,
    UserOutput,
};
pub use crate::loaders::{CheckResult, KeyResult, LoaderEntry, MaybeAsync, UserResult, slots};
pub use crate::locations::code as locations;
pub use crate::types::TokenLocation;
pub use crate::verify::{Mode, mode};
pub use crate::{Claims, JwtError};
pub use ::actix_web;
pub use ::core;
pub use ::futures_util::future::LocalBoxFuture;
pub use ::linkme;
pub use ::serde_json;
pub use ::std;

/// A by-value loader parameter, read from the token's JSON (the identity or the user claims).
#[diagnostic::on_unimplemented(
    message = "a loader parameter `{Self}` is read from the token's JSON, so it must implement `serde::Deserialize`",
    label = "not deserialisable"
)]
pub trait JsonArg<'a>: Sized {
    /// Reads the parameter (it may borrow from the JSON, e.g. a `Cow<str>`).
    ///
    /// # Errors
    /// When the JSON does not fit the parameter's type.
    fn from_json(value: &'a Value) -> Result<Self, serde_json::Error>;
}

impl<'a, T: Deserialize<'a>> JsonArg<'a> for T {
    fn from_json(value: &'a Value) -> Result<Self, serde_json::Error> {
        T::deserialize(value)
    }
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
