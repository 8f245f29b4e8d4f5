//! Implicit refresh of cookie sessions (`JWT_IMPLICIT_REFRESH_WINDOW`): the App's
//! middleware renews an access cookie that is about to expire, on the way out.

use actix_web::HttpResponse;
use serde_json::Value;

use crate::claims::Claims;
use crate::context::Ambient;
use crate::cookies::CookieOptions;
use crate::error::JwtError;
use crate::manager::JwtManager;
use crate::token::TokenOptions;
use crate::types::{Compat, TokenLocation, TokenType};

/// Adds a renewed access cookie (and its CSRF cookie) to `response` when the request was
/// authenticated by an access-token cookie expiring within the window, the response is
/// below 400, and the handler did not set or unset any JWT cookie itself (a logout must
/// stay a logout). A failure is logged; the response goes out as the handler made it.
pub(crate) fn renew_cookie<B>(ambient: &Ambient, response: &mut HttpResponse<B>) {
    let manager = &ambient.manager;
    let window = manager.inner.config.implicit_refresh_window;
    if window.is_zero() || response.status().as_u16() >= 400 {
        return;
    }
    let Some(verified) = ambient.verified() else {
        return;
    };
    let claims = &verified.claims;
    if verified.location != TokenLocation::Cookies || claims.token_type() != TokenType::Access {
        return;
    }
    #[allow(
        clippy::cast_precision_loss,
        reason = "a NumericDate before the year 9999 is exact in an f64"
    )]
    let remaining = claims.expires_at().map(|exp| exp as f64 - manager.now());
    if remaining.is_none_or(|remaining| remaining > window.as_secs_f64())
        || sets_jwt_cookies(manager, response)
    {
        return;
    }
    let renewed = renewal(manager, claims)
        .and_then(|token| manager.set_access_cookies(response, &token, &CookieOptions::default()));
    if let Err(error) = renewed {
        tracing::error!("implicit refresh of an access cookie failed: {error}");
    }
}

/// Whether the handler's response sets or unsets a cookie of this manager's tokens.
fn sets_jwt_cookies<B>(manager: &JwtManager, response: &HttpResponse<B>) -> bool {
    let access = manager.inner.names(TokenType::Access);
    let refresh = manager.inner.names(TokenType::Refresh);
    let names = [
        &access.cookie,
        &access.csrf_cookie,
        &refresh.cookie,
        &refresh.csrf_cookie,
    ];
    response
        .cookies()
        .any(|cookie| names.iter().any(|name| *name == cookie.name()))
}

/// A new access token for the same identity, claims and login, not fresh.
fn renewal(manager: &JwtManager, claims: &Claims) -> Result<String, JwtError> {
    let mut options = TokenOptions::default().fresh(false);
    if let Some(family) = claims.family() {
        options = options.family(family);
    }
    let compat = manager.inner.config.compat;
    if compat == Compat::V3 {
        options = options.user_claims(claims.user_claims_value().clone());
    }
    // The token's own top-level claims (4.x's additional claims, 3.x's `claims`: scopes).
    let names = &manager.inner.decode.names;
    let own: Vec<(String, Value)> = claims
        .raw()
        .into_iter()
        .filter(|(name, _)| !names.is_layout(name, compat))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    if !own.is_empty() {
        options = options.claims(own);
    }
    manager.create_access_token_with(claims.identity_value(), options)
}
