//! What `JwtManager::new` refuses in every other setting, naming the option.

use std::time::Duration;

use jwt_runtime::config::{Algorithm, Expiry, TokenLocation};
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::SECRET;

use super::{base, build, lookup_ok, rejected, rs256};

#[test]
fn empty_token_location_is_refused() {
    let mut c = base();
    c.token_location = Vec::new();
    let err = rejected(c, "JWT_TOKEN_LOCATION");
    assert_eq!(err.value(), Some(""));
}

#[test]
fn duplicate_token_location_is_refused() {
    let err = rejected(
        base().token_location([
            TokenLocation::Headers,
            TokenLocation::Cookies,
            TokenLocation::Headers,
        ]),
        "JWT_TOKEN_LOCATION",
    );
    assert_eq!(err.value(), Some("headers,cookies,headers"));
}

#[test]
fn every_token_location_builds() {
    // `custom` needs the `token_source_loader` that reads it.
    let with_source = |config: JwtConfig| {
        JwtManager::builder(config)
            .ignore_registered_loaders()
            .token_source_loader(|_| None::<String>)
            .build()
    };
    for location in TokenLocation::ALL {
        with_source(base().token_location([location])).unwrap();
        if location != TokenLocation::Custom {
            build(base().token_location([location])).unwrap();
        }
    }
    with_source(base().token_location(TokenLocation::ALL)).unwrap();
    let error = build(base().token_location(TokenLocation::ALL)).unwrap_err();
    assert_eq!(error.option(), Some("JWT_TOKEN_LOCATION"));
}

#[test]
fn zero_expiry_is_refused() {
    let err = rejected(
        base().access_token_expires(Duration::ZERO),
        "JWT_ACCESS_TOKEN_EXPIRES",
    );
    assert_eq!(err.value(), Some("0"));
    let err = rejected(
        base().refresh_token_expires(Duration::ZERO),
        "JWT_REFRESH_TOKEN_EXPIRES",
    );
    assert_eq!(err.value(), Some("0"));
    // Never is the explicit form, and sub-second expiries are not zero.
    build(
        base()
            .access_token_expires(Expiry::Never)
            .refresh_token_expires(Expiry::Never),
    )
    .unwrap();
}

#[test]
fn decode_algorithms_of_another_key_family_are_refused() {
    let err = rejected(
        base().decode_algorithms([Algorithm::HS512, Algorithm::RS256]),
        "JWT_DECODE_ALGORITHMS",
    );
    assert_eq!(err.value(), Some("RS256"));
    rejected(
        rs256().decode_algorithms([Algorithm::HS256]),
        "JWT_DECODE_ALGORITHMS",
    );
    rejected(
        rs256().decode_algorithms([Algorithm::ES256]),
        "JWT_DECODE_ALGORITHMS",
    );
    // Same family is fine, with or without JWT_ALGORITHM in the list.
    build(base().decode_algorithms([Algorithm::HS512, Algorithm::HS384])).unwrap();
    build(rs256().decode_algorithms([Algorithm::RS512, Algorithm::PS256])).unwrap();
    build(base().decode_algorithms([])).unwrap();
}

#[test]
fn empty_header_name_is_refused() {
    let err = rejected(base().header_name(""), "JWT_HEADER_NAME");
    assert_eq!(err.value(), Some(""));
    rejected(base().header_name("   "), "JWT_HEADER_NAME");
}

#[test]
fn invalid_header_name_is_refused() {
    for bad in ["Auth orization", "Bad:Name", "Auth\nX", "Authé", "(x)"] {
        let err = rejected(base().header_name(bad), "JWT_HEADER_NAME");
        assert_eq!(err.value(), Some(bad));
    }
    build(base().header_name("X-Api-Token")).unwrap();
}

#[test]
fn header_type_with_whitespace_is_refused() {
    for bad in ["Bearer Token", " Bearer", "Bearer\t", "JWT\n"] {
        let err = rejected(base().header_type(bad), "JWT_HEADER_TYPE");
        assert_eq!(err.value(), Some(bad));
    }
    build(base().header_type("")).unwrap();
    build(base().header_type("JWT")).unwrap();
}

/// Every name that must not be empty (or blank).
#[test]
fn empty_names_are_refused() {
    type Set = fn(JwtConfig, &str) -> JwtConfig;
    let table: [(&str, Set); 16] = [
        ("JWT_IDENTITY_CLAIM", |c, v| c.identity_claim(v)),
        ("JWT_USER_CLAIMS", |c, v| c.user_claims(v)),
        ("JWT_ERROR_MESSAGE_KEY", |c, v| c.error_message_key(v)),
        ("JWT_QUERY_STRING_NAME", |c, v| c.query_string_name(v)),
        ("JWT_JSON_KEY", |c, v| c.json_key(v)),
        ("JWT_REFRESH_JSON_KEY", |c, v| c.refresh_json_key(v)),
        ("JWT_ACCESS_COOKIE_NAME", |c, v| c.access_cookie_name(v)),
        ("JWT_REFRESH_COOKIE_NAME", |c, v| c.refresh_cookie_name(v)),
        ("JWT_ACCESS_CSRF_COOKIE_NAME", |c, v| {
            c.access_csrf_cookie_name(v)
        }),
        ("JWT_REFRESH_CSRF_COOKIE_NAME", |c, v| {
            c.refresh_csrf_cookie_name(v)
        }),
        ("JWT_ACCESS_CSRF_HEADER_NAME", |c, v| {
            c.access_csrf_header_name(v)
        }),
        ("JWT_REFRESH_CSRF_HEADER_NAME", |c, v| {
            c.refresh_csrf_header_name(v)
        }),
        ("JWT_ACCESS_CSRF_FIELD_NAME", |c, v| {
            c.access_csrf_field_name(v)
        }),
        ("JWT_REFRESH_CSRF_FIELD_NAME", |c, v| {
            c.refresh_csrf_field_name(v)
        }),
        ("JWT_HEADER_NAME", |c, v| c.header_name(v)),
        ("JWT_DECODE_ISSUER", |c, v| c.decode_issuer([v])),
    ];
    for (option, set) in table {
        for empty in ["", " "] {
            let err = rejected(set(base(), empty), option);
            assert_eq!(err.value(), Some(empty), "{option}");
        }
        // And the same options parsed from the environment.
        let c = lookup_ok(&[(option, ""), ("JWT_SECRET_KEY", SECRET)]);
        if option == "JWT_DECODE_ISSUER" {
            // Empty means unset for optional strings.
            build(c).unwrap();
        } else {
            rejected(c, option);
        }
    }
}

#[test]
fn reserved_claim_names_are_refused() {
    for reserved in ["iat", "nbf", "jti", "exp", "fresh", "type", "csrf"] {
        let err = rejected(base().identity_claim(reserved), "JWT_IDENTITY_CLAIM");
        assert_eq!(err.value(), Some(reserved));
        let err = rejected(base().user_claims(reserved), "JWT_USER_CLAIMS");
        assert_eq!(err.value(), Some(reserved));
    }
    // `iss` and `aud` are the library's only while it writes them.
    let err = rejected(
        base().encode_issuer("me").identity_claim("iss"),
        "JWT_IDENTITY_CLAIM",
    );
    assert_eq!(err.value(), Some("iss"));
    let err = rejected(
        base().encode_audience(["api"]).user_claims("aud"),
        "JWT_USER_CLAIMS",
    );
    assert_eq!(err.value(), Some("aud"));
    build(base().identity_claim("iss")).unwrap();
    // `sub` is the documented alternative and stays allowed.
    build(base().identity_claim("sub")).unwrap();
}

#[test]
fn identity_claim_equal_to_user_claims_is_refused() {
    let err = rejected(
        base().identity_claim("who").user_claims("who"),
        "JWT_USER_CLAIMS",
    );
    assert_eq!(err.value(), Some("who"));
    rejected(base().user_claims("identity"), "JWT_USER_CLAIMS");
}

#[test]
fn cookie_paths_must_start_with_a_slash() {
    type Set = fn(JwtConfig, &str) -> JwtConfig;
    let table: [(&str, Set); 4] = [
        ("JWT_ACCESS_COOKIE_PATH", |c, v| c.access_cookie_path(v)),
        ("JWT_REFRESH_COOKIE_PATH", |c, v| c.refresh_cookie_path(v)),
        ("JWT_ACCESS_CSRF_COOKIE_PATH", |c, v| {
            c.access_csrf_cookie_path(v)
        }),
        ("JWT_REFRESH_CSRF_COOKIE_PATH", |c, v| {
            c.refresh_csrf_cookie_path(v)
        }),
    ];
    for (option, set) in table {
        for bad in ["", "api", "api/", "/api;Domain=evil", "/a\nb"] {
            let err = rejected(set(base(), bad), option);
            assert_eq!(err.value(), Some(bad), "{option}");
        }
        build(set(base(), "/api/auth")).unwrap();
    }
}

#[test]
fn invalid_cookie_names_are_refused() {
    type Set = fn(JwtConfig, &str) -> JwtConfig;
    let table: [(&str, Set); 4] = [
        ("JWT_ACCESS_COOKIE_NAME", |c, v| c.access_cookie_name(v)),
        ("JWT_REFRESH_COOKIE_NAME", |c, v| c.refresh_cookie_name(v)),
        ("JWT_ACCESS_CSRF_COOKIE_NAME", |c, v| {
            c.access_csrf_cookie_name(v)
        }),
        ("JWT_REFRESH_CSRF_COOKIE_NAME", |c, v| {
            c.refresh_csrf_cookie_name(v)
        }),
    ];
    for (option, set) in table {
        for bad in ["a b", "a;b", "a=b", "a,b", "é"] {
            let err = rejected(set(base(), bad), option);
            assert_eq!(err.value(), Some(bad), "{option}");
        }
        build(set(base(), "my_cookie-1")).unwrap();
    }
}

#[test]
fn invalid_cookie_domain_is_refused() {
    for bad in ["", "ex ample.com", "example.com; Secure", "a\nb"] {
        let err = rejected(base().cookie_domain(bad), "JWT_COOKIE_DOMAIN");
        assert_eq!(err.value(), Some(bad));
    }
    build(base().cookie_domain("example.com")).unwrap();
    build(base().cookie_domain(".example.com")).unwrap();
}

#[test]
fn cookie_domain_must_be_a_domain() {
    // RFC 6265 §4.1.1: domain-value is a subdomain (letters, digits, `-`, `.`);
    // these are common paste errors (a URL, a host:port, several domains, issue #446).
    let accepted: Vec<&str> = [
        "https://example.com",
        "example.com/app",
        "example.com:8080",
        "a.example.com,b.example.com",
        "\"example.com\"",
    ]
    .into_iter()
    .filter(|bad| match build(base().cookie_domain(*bad)) {
        Ok(_) => true,
        Err(err) => {
            assert_eq!(err.option(), Some("JWT_COOKIE_DOMAIN"), "{err}");
            assert_eq!(err.value(), Some(*bad));
            false
        }
    })
    .collect();
    assert!(
        accepted.is_empty(),
        "accepted as JWT_COOKIE_DOMAIN: {accepted:?}"
    );
}

#[test]
fn blank_issuer_and_audience_values_are_refused() {
    let cases: [(&str, JwtConfig); 3] = [
        ("JWT_ENCODE_ISSUER", base().encode_issuer(" ")),
        ("JWT_DECODE_AUDIENCE", base().decode_audience(["api", " "])),
        ("JWT_ENCODE_AUDIENCE", base().encode_audience([" "])),
    ];
    let accepted: Vec<&str> = cases
        .into_iter()
        .filter(|(option, config)| match build(config.clone()) {
            Ok(_) => true,
            Err(err) => {
                assert_eq!(err.option(), Some(*option), "{err}");
                false
            }
        })
        .map(|(option, _)| option)
        .collect();
    assert!(
        accepted.is_empty(),
        "blank values accepted for: {accepted:?}"
    );
}

#[test]
fn env_audience_with_an_empty_entry_is_refused_by_the_manager() {
    for value in ["api,,web", "api,", ",api"] {
        for option in ["JWT_DECODE_AUDIENCE", "JWT_ENCODE_AUDIENCE"] {
            let c = lookup_ok(&[(option, value), ("JWT_SECRET_KEY", SECRET)]);
            rejected(c, option);
        }
    }
}

#[test]
fn empty_audience_entries_are_refused() {
    let err = rejected(base().decode_audience(["api", ""]), "JWT_DECODE_AUDIENCE");
    assert_eq!(err.value(), Some("api,"));
    rejected(base().decode_audience([""]), "JWT_DECODE_AUDIENCE");
    rejected(
        base().decode_audience(Vec::<String>::new()),
        "JWT_DECODE_AUDIENCE",
    );
    rejected(base().encode_audience(["", "web"]), "JWT_ENCODE_AUDIENCE");
    rejected(
        base().encode_audience(Vec::<String>::new()),
        "JWT_ENCODE_AUDIENCE",
    );
    build(
        base()
            .decode_audience(["api", "web"])
            .encode_audience(["api"]),
    )
    .unwrap();
}

#[test]
fn empty_encode_issuer_is_refused() {
    let err = rejected(base().encode_issuer(""), "JWT_ENCODE_ISSUER");
    assert_eq!(err.value(), Some(""));
    build(base().encode_issuer("auth.example")).unwrap();
}

#[test]
fn blacklist_without_loader_is_refused() {
    let err = rejected(base().blacklist_enabled(true), "JWT_BLACKLIST_ENABLED");
    assert!(
        err.to_string().contains("token_in_blacklist_loader"),
        "{err}"
    );
    JwtManager::builder(base().blacklist_enabled(true))
        .ignore_registered_loaders()
        .token_in_blacklist_loader(|_| false)
        .build()
        .unwrap();
    // A loader without the option is harmless.
    JwtManager::builder(base())
        .ignore_registered_loaders()
        .token_in_blacklist_loader(|_| true)
        .build()
        .unwrap();
}

#[test]
fn invalid_csrf_methods_are_refused() {
    for bad in ["GE T", "", "P(ST", "GET\n"] {
        let err = rejected(base().csrf_methods(["POST", bad]), "JWT_CSRF_METHODS");
        assert_eq!(err.value(), Some(bad));
    }
    build(base().csrf_methods(["GET", "POST", "PURGE"])).unwrap();
    build(base().csrf_methods(Vec::<String>::new())).unwrap();
}

#[test]
fn invalid_csrf_header_names_are_refused() {
    let err = rejected(
        base().access_csrf_header_name("X CSRF"),
        "JWT_ACCESS_CSRF_HEADER_NAME",
    );
    assert_eq!(err.value(), Some("X CSRF"));
    rejected(
        base().refresh_csrf_header_name("X:CSRF"),
        "JWT_REFRESH_CSRF_HEADER_NAME",
    );
    // The deprecated override is checked too, and an empty one means unset.
    rejected(base().csrf_header_name("bad name"), "JWT_CSRF_HEADER_NAME");
    build(base().csrf_header_name("")).unwrap();
    build(base().csrf_header_name("X-Both")).unwrap();
}

#[test]
fn tiny_max_token_size_is_refused() {
    for tiny in [0_usize, 1, 15] {
        let err = rejected(base().max_token_size(tiny), "JWT_MAX_TOKEN_SIZE");
        assert_eq!(err.value(), Some(tiny.to_string().as_str()));
    }
    build(base().max_token_size(4096_usize)).unwrap();
}

#[test]
fn config_error_display_names_option_value_and_reason() {
    let err = build(base().header_type("Bearer Token")).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("JWT_HEADER_TYPE"), "{text}");
    assert!(text.contains("`Bearer Token`"), "{text}");
    // It is a std error.
    let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
    assert_eq!(boxed.to_string(), text);
}

#[test]
fn secrets_never_appear_in_config_errors() {
    // An error found after the secret is read still does not print it.
    let err = build(
        JwtConfig::default()
            .secret_key("do-not-print-this-secret-anywhere")
            .header_name(""),
    )
    .unwrap_err();
    assert!(!err.to_string().contains("do-not-print"), "{err}");
    let debug = format!(
        "{:?}",
        base().secret_key("do-not-print-this-secret-anywhere")
    );
    assert!(!debug.contains("do-not-print"), "{debug}");
}
