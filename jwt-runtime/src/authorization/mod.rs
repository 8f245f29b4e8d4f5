//! Authorization in the guard: the scopes, roles and `check` a route requires
//! (`#[jwt_required(scopes = ["items:read"], roles = ["admin"], check = path::to::fn)]`),
//! checked once the token is verified (after the user loader), and what a refusal says.
//!
//! Scopes are read from the top-level `JWT_SCOPE_CLAIM` (default `scope`, then `scp`);
//! roles from `JWT_ROLES_CLAIM` (default `roles`) inside the user claims, or at the top
//! level in 4.x mode, or along a JSON Pointer into the payload. Either claim may be a space-separated string (OAuth 2.0's `scope`) or
//! an array of strings; values are compared exactly. A refusal answers 403 through the
//! `insufficient_scope_loader`.

use std::fmt;

use actix_web::HttpRequest;
use serde_json::Value;

use crate::claims::Claims;
use crate::denied::{Denied, Missing};
use crate::error::JwtError;
use crate::loaders::{guarded, guarded_async};
use crate::types::Compat;

pub(crate) mod challenge;
mod check;

pub use check::{Checked, ClaimsCheck, run_check};

/// The claims scopes are read from when `JWT_SCOPE_CLAIM` is unset, in order.
const DEFAULT_SCOPE_CLAIMS: [&str; 2] = ["scope", "scp"];

/// What the route's `check` is called in messages and panics.
pub(crate) const CHECK_NAME: &str = "the route's `check`";

/// A route's `check`, as the generated requirement passes it.
pub(crate) type CheckFn = for<'a> fn(&'a Claims, &'a HttpRequest) -> Checked<'a>;

/// What a route requires of a verified token beyond its validity: every scope, every role,
/// and its `check`. Built at compile time from the attribute ([`Requirement::of`]).
#[derive(Clone, Copy)]
pub(crate) struct Requirement {
    scopes: &'static [&'static str],
    roles: &'static [&'static str],
    check: Option<CheckFn>,
}

impl fmt::Debug for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Requirement")
            .field("scopes", &self.scopes)
            .field("roles", &self.roles)
            .field("check", &self.check.is_some())
            .finish()
    }
}

impl Requirement {
    /// Nothing beyond a verified token.
    pub(crate) const NONE: Requirement = Requirement::of::<Unrestricted>();

    /// The requirement a route type stands for.
    #[must_use]
    pub(crate) const fn of<R: Requires>() -> Self {
        Requirement {
            scopes: R::SCOPES,
            roles: R::ROLES,
            check: if R::CHECKED { Some(R::check) } else { None },
        }
    }

    /// These scopes and roles, without a `check` ([`VerifyOptions`](crate::VerifyOptions)).
    pub(crate) const fn listed(
        scopes: &'static [&'static str],
        roles: &'static [&'static str],
    ) -> Self {
        Requirement {
            scopes,
            roles,
            check: None,
        }
    }

    /// Whether a verified token is enough.
    pub(crate) const fn is_empty(&self) -> bool {
        self.scopes.is_empty() && self.roles.is_empty() && self.check.is_none()
    }
}

/// A route's requirement as a type: the guard attributes generate one (a hidden unit
/// struct beside the handler) for `scopes`, `roles` and `check`.
#[doc(hidden)]
pub trait Requires: 'static {
    /// Every scope the token must hold.
    const SCOPES: &'static [&'static str] = &[];
    /// Every role the token must hold.
    const ROLES: &'static [&'static str] = &[];
    /// Whether [`Requires::check`] is the route's `check`.
    const CHECKED: bool = false;

    /// The route's `check`.
    #[must_use]
    fn check<'a>(_claims: &'a Claims, _request: &'a HttpRequest) -> Checked<'a> {
        Checked::Ready(Ok(true))
    }
}

/// No requirement beyond a verified token.
#[doc(hidden)]
#[derive(Debug)]
pub enum Unrestricted {}

impl Requires for Unrestricted {}

/// Where roles are read (`JWT_ROLES_CLAIM`), parsed once at start-up: a claim name (in
/// the user claims in 3.x mode, at the top level in 4.x), or an RFC 6901 JSON Pointer
/// into the whole payload (`/realm_access/roles`; `/user_claims/roles` in 3.x's nesting).
#[derive(Clone, Debug)]
pub(crate) enum ClaimPath {
    Name(String),
    Pointer(Vec<Segment>),
}

/// One step of a JSON Pointer: an object member, which is also an array index when it is
/// one (`0`, or digits without a leading zero).
#[derive(Clone, Debug)]
pub(crate) struct Segment {
    name: String,
    index: Option<usize>,
}

impl Segment {
    fn new(name: String) -> Self {
        let canonical = name == "0"
            || (!name.starts_with('0')
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_digit()));
        let index = canonical.then(|| name.parse().ok()).flatten();
        Segment { name, index }
    }
}

impl ClaimPath {
    /// `JWT_ROLES_CLAIM`'s value: a name, or a pointer when it starts with `/`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("must not be empty".to_owned());
        }
        let Some(pointer) = text.strip_prefix('/') else {
            return Ok(ClaimPath::Name(text.to_owned()));
        };
        pointer
            .split('/')
            .map(|segment| {
                let mut unescaped = String::with_capacity(segment.len());
                let mut chars = segment.chars();
                while let Some(c) = chars.next() {
                    if c != '~' {
                        unescaped.push(c);
                        continue;
                    }
                    match chars.next() {
                        Some('0') => unescaped.push('~'),
                        Some('1') => unescaped.push('/'),
                        _ => {
                            return Err(
                                "a JSON Pointer escapes `~` as `~0` and `/` as `~1`".to_owned()
                            );
                        }
                    }
                }
                Ok(Segment::new(unescaped))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(ClaimPath::Pointer)
    }

    /// The roles claim of a token.
    fn find<'c>(&self, claims: &'c Claims, compat: Compat) -> Option<&'c Value> {
        match self {
            ClaimPath::Name(name) => match compat {
                Compat::V3 => claims.user_claims_value().get(name),
                Compat::V4 => claims.get(name),
            },
            ClaimPath::Pointer(segments) => {
                let (head, rest) = segments.split_first()?;
                walk(claims.get(&head.name)?, rest)
            }
        }
    }
}

/// Follows pointer segments down from `value`.
fn walk<'v>(value: &'v Value, segments: &[Segment]) -> Option<&'v Value> {
    segments
        .iter()
        .try_fold(value, |value, segment| match value {
            Value::Object(map) => map.get(&segment.name),
            Value::Array(items) => segment.index.and_then(|i| items.get(i)),
            _ => None,
        })
}

/// Whether a scope or role claim holds `wanted`: a space-separated string or an array of
/// strings, compared exactly. An empty `wanted` (which only [`VerifyOptions`]
/// could pass) is never held.
///
/// [`VerifyOptions`]: crate::VerifyOptions
fn holds(granted: Option<&Value>, wanted: &str) -> bool {
    if wanted.is_empty() {
        return false;
    }
    match granted {
        Some(Value::String(list)) => list.split(' ').any(|item| item == wanted),
        Some(Value::Array(items)) => items.iter().any(|item| item.as_str() == Some(wanted)),
        _ => false,
    }
}

/// The claim a token's scopes are read from.
fn scope_claim<'c>(configured: Option<&str>, claims: &'c Claims) -> Option<&'c Value> {
    match configured {
        Some(name) => claims.get(name),
        None => DEFAULT_SCOPE_CLAIMS
            .iter()
            .find_map(|name| claims.get(name)),
    }
}

/// Checks a verified token against the route's requirement: scopes, then roles, then the
/// route's `check`. A panicking or failing `check` answers 500.
pub(crate) async fn authorize(
    scope_claim_name: Option<&str>,
    roles: &ClaimPath,
    compat: Compat,
    requirement: &Requirement,
    claims: &Claims,
    req: &HttpRequest,
) -> Result<(), JwtError> {
    let denied = |missing| {
        JwtError::InsufficientScope(Denied::new(claims.clone(), missing, requirement.scopes))
    };
    if !requirement.scopes.is_empty() {
        let granted = scope_claim(scope_claim_name, claims);
        if let Some(scope) = requirement.scopes.iter().find(|s| !holds(granted, s)) {
            return Err(denied(Missing::Scope(scope)));
        }
    }
    if !requirement.roles.is_empty() {
        let granted = roles.find(claims, compat);
        if let Some(role) = requirement.roles.iter().find(|r| !holds(granted, r)) {
            return Err(denied(Missing::Role(role)));
        }
    }
    if let Some(check) = requirement.check {
        let answer = match guarded(CHECK_NAME, || check(claims, req))? {
            Checked::Ready(answer) => answer,
            Checked::Pending(future) => guarded_async(CHECK_NAME, future).await?,
        };
        match answer {
            Ok(true) => {}
            Ok(false) => return Err(denied(Missing::Check)),
            Err(detail) => {
                return Err(JwtError::Internal(format!("{CHECK_NAME} failed: {detail}")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use serde_json::json;

    use super::{ClaimPath, holds, walk};

    #[test]
    fn scope_lists_are_split_on_spaces_and_compared_exactly() {
        let granted = json!("items:read items:write");
        assert!(holds(Some(&granted), "items:write"));
        assert!(!holds(Some(&granted), "items"));
        assert!(!holds(Some(&granted), "ITEMS:READ"));
        assert!(holds(Some(&json!(["a", "b"])), "b"));
        assert!(!holds(Some(&json!([["a"]])), "a"));
        assert!(!holds(Some(&json!(7)), "7"));
        assert!(!holds(None, "a"));
        assert!(!holds(Some(&json!("a  b")), ""));
        assert!(!holds(Some(&json!([""])), ""));
    }

    #[test]
    fn json_pointers_follow_members_and_canonical_indexes() {
        let payload =
            json!({"realm_access": {"roles": ["admin"]}, "a/b": {"~": ["x"]}, "list": [["y"]]});
        let at = |path: &str| {
            let ClaimPath::Pointer(segments) = ClaimPath::parse(path).unwrap() else {
                return None;
            };
            let (head, rest) = segments.split_first()?;
            walk(payload.get(&head.name)?, rest).cloned()
        };
        assert_eq!(at("/realm_access/roles"), Some(json!(["admin"])));
        assert_eq!(at("/a~1b/~0"), Some(json!(["x"])));
        assert_eq!(at("/list/0"), Some(json!(["y"])));
        assert_eq!(at("/list/00"), None);
        assert_eq!(at("/list/+0"), None);
        assert_eq!(at("/list/x"), None);
        assert_eq!(at("/missing/roles"), None);
        assert!(matches!(ClaimPath::parse("roles"), Ok(ClaimPath::Name(_))));
        assert!(ClaimPath::parse("").is_err());
        assert!(ClaimPath::parse("/a~2").is_err());
    }
}
