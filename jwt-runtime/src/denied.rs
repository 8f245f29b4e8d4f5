//! What a route's requirement refused: the payload of
//! [`JwtError::InsufficientScope`](crate::JwtError::InsufficientScope) and what the
//! `insufficient_scope_loader` receives.

use std::fmt;

use crate::claims::Claims;

/// What a route required and the token did not have.
///
/// ```
/// use jwt_runtime::Missing;
/// assert_eq!(Missing::Scope("items:read").to_string(), r#"Missing scope "items:read""#);
/// assert_eq!(Missing::Role("admin").to_string(), r#"Missing role "admin""#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// A scope of `scopes = [...]`.
    Scope(&'static str),
    /// A role of `roles = [...]`.
    Role(&'static str),
    /// The route's `check` answered `false`.
    Check,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Scope(scope) => write!(f, "Missing scope \"{scope}\""),
            Missing::Role(role) => write!(f, "Missing role \"{role}\""),
            Missing::Check => f.write_str("Permission denied"),
        }
    }
}

/// A verified token refused by the route's requirement: what the
/// `insufficient_scope_loader` receives.
///
/// ```
/// use actix_web::HttpResponse;
/// use jwt_runtime::prelude::*;
///
/// #[jwt::insufficient_scope_loader]
/// fn forbidden(denied: &Denied) -> HttpResponse {
///     HttpResponse::Forbidden().json(serde_json::json!({
///         "msg": denied.missing().to_string(),
///         "identity": denied.token().identity_value(),
///     }))
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Denied {
    token: Claims,
    missing: Missing,
    required_scopes: &'static [&'static str],
}

impl Denied {
    /// The refused token.
    ///
    /// ```
    /// # fn f(denied: &jwt_runtime::Denied) -> String {
    /// denied.token().identity_value().to_string()
    /// # }
    /// ```
    #[must_use]
    pub fn token(&self) -> &Claims {
        &self.token
    }

    /// The first requirement the token did not meet (scopes, then roles, then `check`).
    ///
    /// ```
    /// # fn f(denied: &jwt_runtime::Denied) -> bool {
    /// matches!(denied.missing(), jwt_runtime::Missing::Role(_))
    /// # }
    /// ```
    #[must_use]
    pub fn missing(&self) -> Missing {
        self.missing
    }

    /// Every scope the route requires (what RFC 6750's `scope` attribute lists).
    ///
    /// ```
    /// # fn f(denied: &jwt_runtime::Denied) -> String {
    /// denied.required_scopes().join(" ")
    /// # }
    /// ```
    #[must_use]
    pub fn required_scopes(&self) -> &'static [&'static str] {
        self.required_scopes
    }
}

impl Denied {
    pub(crate) fn new(
        token: Claims,
        missing: Missing,
        required_scopes: &'static [&'static str],
    ) -> Self {
        Denied {
            token,
            missing,
            required_scopes,
        }
    }
}
