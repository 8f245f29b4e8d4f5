//! RFC 6750 challenges (`JWT_WWW_AUTHENTICATE`): `WWW-Authenticate: Bearer` on every 401
//! the library answers, with `error="invalid_token"` when a token was presented and
//! refused, and `error="insufficient_scope"` (with the route's `scope` when a scope was
//! missing) on a requirement's 403. Added to the loaders' answers too when they keep
//! those statuses, unless a loader set the header itself.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, WWW_AUTHENTICATE};

use super::Missing;
use crate::error::JwtError;

/// The longest `error_description` sent: a message that names an identity stays short.
const MAX_DESCRIPTION: usize = 200;

/// Adds the challenge that fits `error` to its answer; `realm` is
/// `JWT_WWW_AUTHENTICATE_REALM`.
pub(crate) fn add(realm: Option<&str>, error: &JwtError, response: &mut HttpResponse) {
    if response.headers().contains_key(WWW_AUTHENTICATE) {
        return;
    }
    let status = response.status();
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(realm) = realm {
        params.push(("realm", quoted(realm, usize::MAX)));
    }
    match error {
        JwtError::InsufficientScope(denied)
            if status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED =>
        {
            params.push(("error", "insufficient_scope".to_owned()));
            if matches!(denied.missing(), Missing::Scope(_)) {
                params.push((
                    "scope",
                    quoted(&denied.required_scopes().join(" "), usize::MAX),
                ));
            }
        }
        _ if status != StatusCode::UNAUTHORIZED => return,
        // No credentials: no error code (RFC 6750, section 3.1).
        JwtError::NoAuthorization(_) => {}
        _ => params.push(("error", "invalid_token".to_owned())),
    }
    if params.iter().any(|(name, _)| *name == "error") {
        params.push((
            "error_description",
            quoted(&error.message(), MAX_DESCRIPTION),
        ));
    }
    let mut challenge = String::from("Bearer");
    for (i, (name, value)) in params.iter().enumerate() {
        challenge.push_str(if i == 0 { " " } else { ", " });
        challenge.push_str(name);
        challenge.push_str("=\"");
        challenge.push_str(value);
        challenge.push('"');
    }
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
}

/// At most `limit` of the characters RFC 6750 allows inside its quoted attributes
/// (visible ASCII and space, without `"` and `\`); a `"` becomes `'`, anything else
/// outside them is dropped.
fn quoted(text: &str, limit: usize) -> String {
    text.chars()
        .filter_map(|c| match c {
            '"' => Some('\''),
            '\\' => None,
            ' '..='~' => Some(c),
            _ => None,
        })
        .take(limit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{MAX_DESCRIPTION, quoted};

    #[test]
    fn attribute_values_hold_only_what_rfc_6750_allows() {
        assert_eq!(quoted(r#"Missing "jwt" key\"#, 100), "Missing 'jwt' key");
        assert_eq!(quoted("a\r\nb\u{e9}c", 100), "abc");
        assert_eq!(
            quoted(&"x".repeat(9000), MAX_DESCRIPTION).len(),
            MAX_DESCRIPTION
        );
    }
}
