//! The defaults: the reference's.

use std::time::Duration;

use jwt_runtime::JwtConfig;
use jwt_runtime::config::{Algorithm, Expiry, SameSite, TokenLocation, TokenType};

use super::{base, build, lookup_ok};

#[test]
fn defaults_equal_the_reference() {
    let c = JwtConfig::default();
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    // General options
    assert_eq!(c.token_location, [TokenLocation::Headers]);
    assert_eq!(
        c.access_token_expires,
        Expiry::After(Duration::from_secs(15 * 60))
    );
    assert_eq!(
        c.refresh_token_expires,
        Expiry::After(Duration::from_secs(30 * 86_400))
    );
    assert_eq!(c.algorithm, Algorithm::HS256);
    assert_eq!(c.decode_algorithms, None);
    assert_eq!(c.secret_key, None);
    assert_eq!(c.private_key, None);
    assert_eq!(c.public_key, None);
    assert_eq!(c.identity_claim, "identity");
    assert_eq!(c.user_claims, "user_claims");
    assert!(!c.claims_in_refresh_token);
    assert_eq!(c.error_message_key, "msg");
    assert_eq!(c.decode_audience, None);
    assert_eq!(c.encode_audience, None);
    assert_eq!(c.encode_issuer, None);
    assert_eq!(c.decode_issuer, None);
    assert_eq!(c.decode_leeway, Duration::ZERO);
    assert!(!c.blacklist_enabled);
    assert_eq!(
        c.blacklist_token_checks,
        [TokenType::Access, TokenType::Refresh]
    );
    // Headers
    assert_eq!(c.header_name, "Authorization");
    assert_eq!(c.header_type, "Bearer");
    // Query string and JSON
    assert_eq!(c.query_string_name, "jwt");
    assert_eq!(c.json_key, "access_token");
    assert_eq!(c.refresh_json_key, "refresh_token");
    // Cookies
    assert_eq!(c.access_cookie_name, "access_token_cookie");
    assert_eq!(c.refresh_cookie_name, "refresh_token_cookie");
    assert_eq!(c.access_cookie_path, "/");
    assert_eq!(c.refresh_cookie_path, "/");
    assert!(!c.cookie_secure);
    assert_eq!(c.cookie_domain, None);
    assert!(c.session_cookie);
    assert_eq!(c.cookie_samesite, None);
    assert!(c.cookie_csrf_protect);
    assert_eq!(c.csrf_methods, s(&["POST", "PUT", "PATCH", "DELETE"]));
    assert_eq!(c.access_csrf_header_name, "X-CSRF-TOKEN");
    assert_eq!(c.refresh_csrf_header_name, "X-CSRF-TOKEN");
    assert_eq!(c.csrf_header_name, None);
    assert!(c.csrf_in_cookies);
    assert_eq!(c.access_csrf_cookie_name, "csrf_access_token");
    assert_eq!(c.refresh_csrf_cookie_name, "csrf_refresh_token");
    assert_eq!(c.access_csrf_cookie_path, "/");
    assert_eq!(c.refresh_csrf_cookie_path, "/");
    assert!(!c.csrf_check_form);
    assert_eq!(c.access_csrf_field_name, "csrf_token");
    assert_eq!(c.refresh_csrf_field_name, "csrf_token");
    // This port only.
    assert_eq!(c.max_token_size, 8192);
}

#[test]
fn empty_environment_gives_the_defaults() {
    let from_env = lookup_ok(&[]);
    assert_eq!(
        format!("{from_env:?}"),
        format!("{:?}", JwtConfig::default())
    );
}

#[test]
fn unknown_variables_are_ignored() {
    let c = lookup_ok(&[("JWT_NOT_AN_OPTION", "banana"), ("PATH", "/bin")]);
    assert_eq!(format!("{c:?}"), format!("{:?}", JwtConfig::default()));
}

#[test]
fn defaults_plus_a_secret_build() {
    let manager = build(base()).unwrap();
    assert_eq!(manager.config().identity_claim, "identity");
    assert_eq!(manager.config().header_name, "Authorization");
}

#[test]
fn setters_set_the_field() {
    let c = JwtConfig::default()
        .token_location([TokenLocation::Cookies, TokenLocation::Json])
        .access_token_expires(Duration::from_secs(5))
        .refresh_token_expires(Expiry::Never)
        .decode_algorithms([Algorithm::HS512])
        .decode_audience(["a", "b"])
        .encode_audience(["a"])
        .encode_issuer("me")
        .decode_issuer(["you"])
        .cookie_domain("example.com")
        .cookie_samesite(SameSite::Strict)
        .csrf_methods(["GET"])
        .blacklist_token_checks([TokenType::Refresh]);
    assert_eq!(
        c.token_location,
        [TokenLocation::Cookies, TokenLocation::Json]
    );
    assert_eq!(
        c.access_token_expires,
        Expiry::After(Duration::from_secs(5))
    );
    assert_eq!(c.refresh_token_expires, Expiry::Never);
    assert_eq!(c.decode_algorithms, Some(vec![Algorithm::HS512]));
    assert_eq!(c.decode_audience, Some(vec!["a".into(), "b".into()]));
    assert_eq!(c.encode_audience, Some(vec!["a".into()]));
    assert_eq!(c.encode_issuer.as_deref(), Some("me"));
    assert_eq!(c.decode_issuer, Some(vec!["you".to_owned()]));
    assert_eq!(c.cookie_domain.as_deref(), Some("example.com"));
    assert_eq!(c.cookie_samesite, Some(SameSite::Strict));
    assert_eq!(c.csrf_methods, ["GET"]);
    assert_eq!(c.blacklist_token_checks, [TokenType::Refresh]);
}
