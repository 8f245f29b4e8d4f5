//! RFC 6750 challenges (`JWT_WWW_AUTHENTICATE`): `WWW-Authenticate: Bearer` on every 401
//! the library answers, with `error="invalid_token"` when a token was presented and
//! refused, and `error="insufficient_scope"` (with the route's `scope`) on a requirement's
//! refusal. Added to the loaders' answers too, unless a loader set the header itself.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, WWW_AUTHENTICATE};

use crate::config::JwtConfig;
use crate::error::JwtError;

/// Adds the challenge that fits `error` to its answer.
pub(crate) fn add(config: &JwtConfig, error: &JwtError, response: &mut HttpResponse) {
    if response.headers().contains_key(WWW_AUTHENTICATE) {
        return;
    }
    let scheme = if config.header_type.is_empty() {
        "Bearer"
    } else {
        config.header_type.as_str()
    };
    let challenge = match error {
        JwtError::InsufficientScope(denied) => {
            let mut challenge = format!("{scheme} error=\"insufficient_scope\"");
            if !denied.required_scopes().is_empty() {
                challenge.push_str(", scope=\"");
                challenge.push_str(&quoted(&denied.required_scopes().join(" ")));
                challenge.push('"');
            }
            with_description(challenge, &error.message())
        }
        _ if response.status() != StatusCode::UNAUTHORIZED => return,
        // No credentials: no error code (RFC 6750, section 3.1).
        JwtError::NoAuthorization(_) => scheme.to_owned(),
        _ => with_description(
            format!("{scheme} error=\"invalid_token\""),
            &error.message(),
        ),
    };
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
}

fn with_description(mut challenge: String, message: &str) -> String {
    challenge.push_str(", error_description=\"");
    challenge.push_str(&quoted(message));
    challenge.push('"');
    challenge
}

/// The characters RFC 6750 allows inside its quoted attributes (visible ASCII and space,
/// without `"` and `\`); a `"` becomes `'`, anything else outside them is dropped.
fn quoted(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '"' => Some('\''),
            '\\' => None,
            ' '..='~' => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn attribute_values_hold_only_what_rfc_6750_allows() {
        assert_eq!(quoted(r#"Missing "jwt" key\"#), "Missing 'jwt' key");
        assert_eq!(quoted("a\r\nb\u{e9}c"), "abc");
    }
}
