//! `JwtConfig::from_lookup`: the environment syntax of every option.

use std::time::Duration;

use jwt_runtime::JwtConfig;
use jwt_runtime::config::{Algorithm, Expiry, SameSite, Secret, TokenLocation, TokenType};
use jwt_tests::SECRET;

use super::{build, keys, lookup, lookup_err, lookup_ok, rejected};

#[test]
fn env_token_location_is_a_comma_separated_ordered_list() {
    let c = lookup_ok(&[("JWT_TOKEN_LOCATION", "cookies,headers")]);
    assert_eq!(
        c.token_location,
        [TokenLocation::Cookies, TokenLocation::Headers]
    );
    let c = lookup_ok(&[("JWT_TOKEN_LOCATION", "json, query_string ,headers,cookies")]);
    assert_eq!(
        c.token_location,
        [
            TokenLocation::Json,
            TokenLocation::QueryString,
            TokenLocation::Headers,
            TokenLocation::Cookies
        ]
    );
    let c = lookup_ok(&[("JWT_TOKEN_LOCATION", "query_string")]);
    assert_eq!(c.token_location, [TokenLocation::QueryString]);
}

#[test]
fn env_token_location_rejects_unknown_entries() {
    lookup_err("JWT_TOKEN_LOCATION", "banana");
    lookup_err("JWT_TOKEN_LOCATION", "headers,banana");
    lookup_err("JWT_TOKEN_LOCATION", "Headers");
    lookup_err("JWT_TOKEN_LOCATION", "headers,,cookies");
    let err = lookup(&[("JWT_TOKEN_LOCATION", "banana")]).unwrap_err();
    assert!(
        err.to_string().contains(
            r#"JWT_TOKEN_LOCATION can only contain "headers", "cookies", "query_string", "json", or "custom""#
        ),
        "{err}"
    );
}

#[test]
fn env_empty_token_location_is_refused_by_the_manager() {
    let c = lookup_ok(&[("JWT_TOKEN_LOCATION", ""), ("JWT_SECRET_KEY", SECRET)]);
    assert!(c.token_location.is_empty());
    let err = rejected(c, "JWT_TOKEN_LOCATION");
    assert!(
        err.to_string().contains(
            r#"must contain at least one of "headers", "cookies", "query_string", or "json""#
        ),
        "{err}"
    );
}

#[test]
fn env_expiries_are_whole_seconds_or_false() {
    for option in ["JWT_ACCESS_TOKEN_EXPIRES", "JWT_REFRESH_TOKEN_EXPIRES"] {
        let get = |c: &JwtConfig| {
            if option == "JWT_ACCESS_TOKEN_EXPIRES" {
                c.access_token_expires
            } else {
                c.refresh_token_expires
            }
        };
        assert_eq!(
            get(&lookup_ok(&[(option, "3600")])),
            Expiry::After(Duration::from_secs(3600)),
            "{option}"
        );
        assert_eq!(
            get(&lookup_ok(&[(option, "1")])),
            Expiry::After(Duration::from_secs(1)),
            "{option}"
        );
        assert_eq!(get(&lookup_ok(&[(option, "false")])), Expiry::Never);
        assert_eq!(get(&lookup_ok(&[(option, "False")])), Expiry::Never);
        for bad in ["0", "-5", "1.5", "15m", "abc", "true", "", "1e3"] {
            lookup_err(option, bad);
        }
    }
}

#[test]
fn env_algorithm() {
    for (name, algorithm) in [
        ("HS256", Algorithm::HS256),
        ("HS384", Algorithm::HS384),
        ("HS512", Algorithm::HS512),
        ("RS256", Algorithm::RS256),
        ("RS384", Algorithm::RS384),
        ("RS512", Algorithm::RS512),
        ("PS256", Algorithm::PS256),
        ("PS384", Algorithm::PS384),
        ("PS512", Algorithm::PS512),
        ("ES256", Algorithm::ES256),
        ("ES384", Algorithm::ES384),
        ("EdDSA", Algorithm::EdDSA),
    ] {
        assert_eq!(
            lookup_ok(&[("JWT_ALGORITHM", name)]).algorithm,
            algorithm,
            "{name}"
        );
    }
    for bad in ["none", "None", "HS257", "hs256", ""] {
        lookup_err("JWT_ALGORITHM", bad);
    }
}

#[test]
fn env_decode_algorithms() {
    let c = lookup_ok(&[("JWT_DECODE_ALGORITHMS", "HS256, HS512")]);
    assert_eq!(
        c.decode_algorithms,
        Some(vec![Algorithm::HS256, Algorithm::HS512])
    );
    assert_eq!(
        lookup_ok(&[("JWT_DECODE_ALGORITHMS", "")]).decode_algorithms,
        None
    );
    lookup_err("JWT_DECODE_ALGORITHMS", "HS256,bogus");
    lookup_err("JWT_DECODE_ALGORITHMS", "none");
}

#[test]
fn env_secret_key_and_its_secret_key_fallback() {
    let c = lookup_ok(&[("JWT_SECRET_KEY", "jwt-secret")]);
    assert_eq!(c.secret_key, Some(Secret::from("jwt-secret")));
    let c = lookup_ok(&[("SECRET_KEY", "flask-secret")]);
    assert_eq!(c.secret_key, Some(Secret::from("flask-secret")));
    let c = lookup_ok(&[
        ("JWT_SECRET_KEY", "jwt-secret"),
        ("SECRET_KEY", "flask-secret"),
    ]);
    assert_eq!(c.secret_key, Some(Secret::from("jwt-secret")));
    assert_eq!(lookup_ok(&[("JWT_SECRET_KEY", "")]).secret_key, None);
    assert_eq!(lookup_ok(&[("SECRET_KEY", "")]).secret_key, None);
    // A secret from SECRET_KEY is really used.
    let c = lookup_ok(&[("SECRET_KEY", SECRET)]);
    build(c).unwrap();
}

#[test]
fn env_empty_jwt_secret_key_falls_back_to_secret_key() {
    // An empty value is "unset", and the reference falls back when JWT_SECRET_KEY is falsy
    // (`config['JWT_SECRET_KEY'] or config['SECRET_KEY']`).
    let c = lookup_ok(&[("JWT_SECRET_KEY", ""), ("SECRET_KEY", "flask-secret")]);
    assert_eq!(c.secret_key, Some(Secret::from("flask-secret")));
}

#[test]
fn env_pem_keys() {
    let k = keys();
    let c = lookup_ok(&[
        ("JWT_ALGORITHM", "RS256"),
        ("JWT_PRIVATE_KEY", &k.rsa_private),
        ("JWT_PUBLIC_KEY", &k.rsa_public),
    ]);
    assert_eq!(c.private_key, Some(Secret::from(k.rsa_private.as_str())));
    assert_eq!(c.public_key, Some(Secret::from(k.rsa_public.as_str())));
    build(c).unwrap();
    let c = lookup_ok(&[("JWT_PRIVATE_KEY", ""), ("JWT_PUBLIC_KEY", "")]);
    assert_eq!(c.private_key, None);
    assert_eq!(c.public_key, None);
}

/// Every plain string option: set as given.
#[test]
fn env_string_options() {
    type Field = fn(&JwtConfig) -> &str;
    let table: [(&str, Field); 20] = [
        ("JWT_IDENTITY_CLAIM", |c| &c.identity_claim),
        ("JWT_USER_CLAIMS", |c| &c.user_claims),
        ("JWT_ERROR_MESSAGE_KEY", |c| &c.error_message_key),
        ("JWT_HEADER_NAME", |c| &c.header_name),
        ("JWT_HEADER_TYPE", |c| &c.header_type),
        ("JWT_QUERY_STRING_NAME", |c| &c.query_string_name),
        ("JWT_JSON_KEY", |c| &c.json_key),
        ("JWT_REFRESH_JSON_KEY", |c| &c.refresh_json_key),
        ("JWT_ACCESS_COOKIE_NAME", |c| &c.access_cookie_name),
        ("JWT_REFRESH_COOKIE_NAME", |c| &c.refresh_cookie_name),
        ("JWT_ACCESS_COOKIE_PATH", |c| &c.access_cookie_path),
        ("JWT_REFRESH_COOKIE_PATH", |c| &c.refresh_cookie_path),
        ("JWT_ACCESS_CSRF_HEADER_NAME", |c| {
            &c.access_csrf_header_name
        }),
        ("JWT_REFRESH_CSRF_HEADER_NAME", |c| {
            &c.refresh_csrf_header_name
        }),
        ("JWT_ACCESS_CSRF_COOKIE_NAME", |c| {
            &c.access_csrf_cookie_name
        }),
        ("JWT_REFRESH_CSRF_COOKIE_NAME", |c| {
            &c.refresh_csrf_cookie_name
        }),
        ("JWT_ACCESS_CSRF_COOKIE_PATH", |c| {
            &c.access_csrf_cookie_path
        }),
        ("JWT_REFRESH_CSRF_COOKIE_PATH", |c| {
            &c.refresh_csrf_cookie_path
        }),
        ("JWT_ACCESS_CSRF_FIELD_NAME", |c| &c.access_csrf_field_name),
        ("JWT_REFRESH_CSRF_FIELD_NAME", |c| {
            &c.refresh_csrf_field_name
        }),
    ];
    for (option, field) in table {
        let value = format!("/custom-{}", option.to_ascii_lowercase());
        let c = lookup_ok(&[(option, &value)]);
        assert_eq!(field(&c), value, "{option}");
    }
}

#[test]
fn env_empty_header_type_means_a_bare_token() {
    let c = lookup_ok(&[("JWT_HEADER_TYPE", ""), ("JWT_SECRET_KEY", SECRET)]);
    assert_eq!(c.header_type, "");
    build(c).unwrap();
}

/// Every boolean option: `true`/`false`/`1`/`0`, anything else refused.
#[test]
fn env_boolean_options() {
    type Field = fn(&JwtConfig) -> bool;
    let table: [(&str, Field); 7] = [
        ("JWT_CLAIMS_IN_REFRESH_TOKEN", |c| c.claims_in_refresh_token),
        ("JWT_BLACKLIST_ENABLED", |c| c.blacklist_enabled),
        ("JWT_COOKIE_SECURE", |c| c.cookie_secure),
        ("JWT_SESSION_COOKIE", |c| c.session_cookie),
        ("JWT_COOKIE_CSRF_PROTECT", |c| c.cookie_csrf_protect),
        ("JWT_CSRF_IN_COOKIES", |c| c.csrf_in_cookies),
        ("JWT_CSRF_CHECK_FORM", |c| c.csrf_check_form),
    ];
    for (option, field) in table {
        for (text, value) in [
            ("true", true),
            ("false", false),
            ("1", true),
            ("0", false),
            ("True", true),
            ("FALSE", false),
        ] {
            assert_eq!(
                field(&lookup_ok(&[(option, text)])),
                value,
                "{option}={text}"
            );
        }
        for bad in ["yes", "no", "2", "", "on", "truee"] {
            lookup_err(option, bad);
        }
    }
}

#[test]
fn env_audiences_are_lists_and_empty_means_unset() {
    for option in ["JWT_DECODE_AUDIENCE", "JWT_ENCODE_AUDIENCE"] {
        let get = |c: JwtConfig| {
            if option == "JWT_DECODE_AUDIENCE" {
                c.decode_audience
            } else {
                c.encode_audience
            }
        };
        assert_eq!(
            get(lookup_ok(&[(option, "api")])),
            Some(vec!["api".to_owned()])
        );
        assert_eq!(
            get(lookup_ok(&[(option, "api, web")])),
            Some(vec!["api".to_owned(), "web".to_owned()])
        );
        assert_eq!(get(lookup_ok(&[(option, "")])), None);
    }
}

#[test]
fn env_issuers_and_cookie_domain_empty_means_unset() {
    let c = lookup_ok(&[
        ("JWT_ENCODE_ISSUER", "auth.example"),
        ("JWT_DECODE_ISSUER", "auth.example"),
        ("JWT_COOKIE_DOMAIN", "example.com"),
        ("JWT_CSRF_HEADER_NAME", "X-Both"),
    ]);
    assert_eq!(c.encode_issuer.as_deref(), Some("auth.example"));
    assert_eq!(c.decode_issuer, Some(vec!["auth.example".to_owned()]));
    let several = lookup_ok(&[
        ("JWT_SECRET_KEY", SECRET),
        ("JWT_DECODE_ISSUER", "auth.example, login.example"),
    ]);
    assert_eq!(
        several.decode_issuer,
        Some(vec!["auth.example".to_owned(), "login.example".to_owned()])
    );
    assert_eq!(c.cookie_domain.as_deref(), Some("example.com"));
    assert_eq!(c.csrf_header_name.as_deref(), Some("X-Both"));
    let c = lookup_ok(&[
        ("JWT_ENCODE_ISSUER", ""),
        ("JWT_DECODE_ISSUER", ""),
        ("JWT_COOKIE_DOMAIN", ""),
        ("JWT_CSRF_HEADER_NAME", ""),
    ]);
    assert_eq!(c.encode_issuer, None);
    assert_eq!(c.decode_issuer, None);
    assert_eq!(c.cookie_domain, None);
    assert_eq!(c.csrf_header_name, None);
}

#[test]
fn env_decode_leeway_is_whole_seconds() {
    assert_eq!(
        lookup_ok(&[("JWT_DECODE_LEEWAY", "30")]).decode_leeway,
        Duration::from_secs(30)
    );
    assert_eq!(
        lookup_ok(&[("JWT_DECODE_LEEWAY", "0")]).decode_leeway,
        Duration::ZERO
    );
    for bad in ["-1", "1.5", "abc", "", "false"] {
        lookup_err("JWT_DECODE_LEEWAY", bad);
    }
}

#[test]
fn env_blacklist_token_checks() {
    assert_eq!(
        lookup_ok(&[("JWT_BLACKLIST_TOKEN_CHECKS", "access")]).blacklist_token_checks,
        [TokenType::Access]
    );
    assert_eq!(
        lookup_ok(&[("JWT_BLACKLIST_TOKEN_CHECKS", "refresh, access")]).blacklist_token_checks,
        [TokenType::Refresh, TokenType::Access]
    );
    lookup_err("JWT_BLACKLIST_TOKEN_CHECKS", "bogus");
    lookup_err("JWT_BLACKLIST_TOKEN_CHECKS", "access,Refresh");
    let err = lookup(&[("JWT_BLACKLIST_TOKEN_CHECKS", "bogus")]).unwrap_err();
    assert!(
        err.to_string()
            .contains(r#"JWT_BLACKLIST_TOKEN_CHECKS must be "access" or "refresh""#),
        "{err}"
    );
}

#[test]
fn env_cookie_samesite() {
    for (text, value) in [
        ("Lax", Some(SameSite::Lax)),
        ("Strict", Some(SameSite::Strict)),
        ("None", Some(SameSite::None)),
        ("", None),
    ] {
        assert_eq!(
            lookup_ok(&[("JWT_COOKIE_SAMESITE", text)]).cookie_samesite,
            value,
            "{text:?}"
        );
    }
    lookup_err("JWT_COOKIE_SAMESITE", "bogus");
    lookup_err("JWT_COOKIE_SAMESITE", "Laxx");
}

#[test]
fn env_csrf_methods_are_a_list() {
    assert_eq!(
        lookup_ok(&[("JWT_CSRF_METHODS", "GET")]).csrf_methods,
        ["GET"]
    );
    assert_eq!(
        lookup_ok(&[("JWT_CSRF_METHODS", "GET, POST,DELETE")]).csrf_methods,
        ["GET", "POST", "DELETE"]
    );
}

#[test]
fn env_max_token_size() {
    assert_eq!(
        lookup_ok(&[("JWT_MAX_TOKEN_SIZE", "4096")]).max_token_size,
        4096
    );
    for bad in ["-1", "4k", "", "1.5"] {
        lookup_err("JWT_MAX_TOKEN_SIZE", bad);
    }
}

#[test]
fn env_full_configuration_builds() {
    let k = keys();
    let c = lookup_ok(&[
        ("JWT_TOKEN_LOCATION", "headers,cookies,query_string,json"),
        ("JWT_ACCESS_TOKEN_EXPIRES", "600"),
        ("JWT_REFRESH_TOKEN_EXPIRES", "false"),
        ("JWT_ALGORITHM", "ES256"),
        ("JWT_PRIVATE_KEY", &k.ec_private),
        ("JWT_PUBLIC_KEY", &k.ec_public),
        ("JWT_IDENTITY_CLAIM", "sub"),
        ("JWT_USER_CLAIMS", "ctx"),
        ("JWT_DECODE_AUDIENCE", "api"),
        ("JWT_ENCODE_AUDIENCE", "api"),
        ("JWT_ENCODE_ISSUER", "auth"),
        ("JWT_DECODE_ISSUER", "auth"),
        ("JWT_DECODE_LEEWAY", "10"),
        ("JWT_COOKIE_SECURE", "1"),
        ("JWT_COOKIE_DOMAIN", "example.com"),
        ("JWT_COOKIE_SAMESITE", "Strict"),
        ("JWT_CSRF_METHODS", "POST,PUT"),
        ("JWT_CSRF_CHECK_FORM", "true"),
        ("JWT_MAX_TOKEN_SIZE", "4096"),
    ]);
    let manager = build(c).unwrap();
    assert_eq!(manager.config().algorithm, Algorithm::ES256);
    assert_eq!(manager.config().token_location.len(), 4);
}
