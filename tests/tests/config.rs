//! Configuration tests: the reference defaults, the environment syntax of
//! `JwtConfig::from_lookup`, and every setting `JwtManager::new` must refuse, naming the option.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines,
    clippy::duration_suboptimal_units,
    reason = "tests fail by panicking; option tables are long by nature; durations are \
              written in the whole seconds the environment syntax uses"
)]

use std::collections::HashMap;

use base64::Engine as _;
use std::time::Duration;

use jwt_tests::{SECRET, fixture_key};

use jwt_runtime::{
    Algorithm, ConfigError, Expiry, JwtConfig, JwtManager, SameSite, Secret, TokenLocation,
    TokenType,
};

/// An RSA key pair that is NOT the pair of the fixture's RSA keys.
const OTHER_RSA_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxYXy4QuNUff/50bS+gN0
Xv3x7zwuBJVodjsBsZx6ifEDH3mmKEnEdmd4v0rLLLD6U8TyKFpPLv6fWLeSEuC0
yiBtAUMCmnodUu8tuxTNjxCqAuRmPleKFw9frBccM85vmpRNTUJz/Sn7nxTGBt2t
wPg9uqMXSZPYOUiNJ+v9lwA4bdjQB+V60569qIK/Vp1u8OPim8pcAAMUwMbW4p3r
p+CqpRBMwReHwAHs3AulEAHv6fsVnZOLPvC+4UjWw/zmu0J1qD40omBI9mekafsw
K07wk2CfHEfx76QkhN5FChmPs8Dlz8agDpNb3jPtcXf1XQSFSBYqRowTC1RZ6qxD
NwIDAQAB
-----END PUBLIC KEY-----
";

/// An Ed25519 key pair.
const ED_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIPmC2uMTlLjqGVzW+1h8Kth4X4BdjMtUmWWT8HdYOtvE
-----END PRIVATE KEY-----
";
const ED_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAiCfUtiPDU1PRpAvuw6seq0VXHyEbEvFBVXCfgGzzuy8=
-----END PUBLIC KEY-----
";

/// The PEM keys shipped with the interop vectors.
struct Keys {
    rsa_private: String,
    rsa_public: String,
    ec_private: String,
    ec_public: String,
}

fn keys() -> Keys {
    Keys {
        rsa_private: fixture_key("rsa_private"),
        rsa_public: fixture_key("rsa_public"),
        ec_private: fixture_key("ec_private"),
        ec_public: fixture_key("ec_public"),
    }
}

/// A valid HS256 configuration to break one setting at a time.
fn base() -> JwtConfig {
    JwtConfig::default().secret_key(SECRET)
}

fn rs256() -> JwtConfig {
    let k = keys();
    JwtConfig::default()
        .algorithm(Algorithm::RS256)
        .private_key(k.rsa_private)
        .public_key(k.rsa_public)
}

fn build(config: JwtConfig) -> Result<JwtManager, ConfigError> {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .build()
}

/// Builds, expects a `ConfigError`, and checks that it names `option`.
#[track_caller]
fn rejected(config: JwtConfig, option: &str) -> ConfigError {
    let Err(err) = build(config) else {
        panic!("{option}: the manager must refuse this configuration");
    };
    assert_eq!(err.option(), option, "wrong option named: {err}");
    assert!(
        err.to_string().starts_with(option),
        "the message must start with the option name: {err}"
    );
    err
}

fn lookup(pairs: &[(&str, &str)]) -> Result<JwtConfig, ConfigError> {
    let env: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    JwtConfig::from_lookup(|name| env.get(name).cloned())
}

#[track_caller]
fn lookup_ok(pairs: &[(&str, &str)]) -> JwtConfig {
    lookup(pairs).unwrap_or_else(|e| panic!("{pairs:?} must parse: {e}"))
}

/// Parses, expects a `ConfigError` naming `option` with the raw `value`.
#[track_caller]
fn lookup_err(option: &str, value: &str) {
    let Err(err) = lookup(&[(option, value)]) else {
        panic!("{option}={value:?} must be refused");
    };
    assert_eq!(err.option(), option, "{err}");
    assert_eq!(err.value(), value, "{err}");
    assert!(err.to_string().starts_with(option), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Defaults (the reference's)
// ---------------------------------------------------------------------------------------------

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
        .decode_issuer("you")
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
    assert_eq!(c.decode_issuer.as_deref(), Some("you"));
    assert_eq!(c.cookie_domain.as_deref(), Some("example.com"));
    assert_eq!(c.cookie_samesite, Some(SameSite::Strict));
    assert_eq!(c.csrf_methods, ["GET"]);
    assert_eq!(c.blacklist_token_checks, [TokenType::Refresh]);
}

// ---------------------------------------------------------------------------------------------
// from_lookup: syntax of every option
// ---------------------------------------------------------------------------------------------

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
            r#"JWT_TOKEN_LOCATION can only contain "headers", "cookies", "query_string", or "json""#
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
    assert_eq!(c.decode_issuer.as_deref(), Some("auth.example"));
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

// ---------------------------------------------------------------------------------------------
// JwtManager::new: keys
// ---------------------------------------------------------------------------------------------

#[test]
fn no_secret_for_hmac_is_refused() {
    for algorithm in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let err = rejected(JwtConfig::default().algorithm(algorithm), "JWT_SECRET_KEY");
        assert!(err.to_string().contains("symmetric algorithm"), "{err}");
    }
    // JwtManager::new (with the registry) refuses it too.
    assert_eq!(
        JwtManager::new(JwtConfig::default()).unwrap_err().option(),
        "JWT_SECRET_KEY"
    );
}

#[test]
fn empty_secret_is_refused() {
    rejected(JwtConfig::default().secret_key(""), "JWT_SECRET_KEY");
    rejected(
        JwtConfig::default().secret_key(Vec::<u8>::new()),
        "JWT_SECRET_KEY",
    );
}

#[test]
fn asymmetric_key_as_hmac_secret_is_refused() {
    let k = keys();
    for secret in [
        k.rsa_public.clone(),
        k.rsa_private.clone(),
        k.ec_public.clone(),
        format!("\n  {}", k.rsa_public),
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host".to_owned(),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG user@host".to_owned(),
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI user@host".to_owned(),
    ] {
        let err = rejected(
            JwtConfig::default().secret_key(secret.as_str()),
            "JWT_SECRET_KEY",
        );
        // The key material is never echoed.
        assert!(!err.to_string().contains("MII"), "{err}");
        assert!(!err.value().contains("AAAA"), "{err}");
    }
}

#[test]
fn short_secret_is_accepted() {
    // Only a warning in the log (RFC 7518 §3.2), as PyJWT 2 only warns.
    build(JwtConfig::default().secret_key("short")).unwrap();
}

#[test]
fn rs256_without_private_key_is_refused() {
    let k = keys();
    let err = rejected(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .public_key(k.rsa_public),
        "JWT_PRIVATE_KEY",
    );
    assert!(
        err.to_string()
            .contains(r#"must be set to use asymmetric cryptography algorithm "RS256""#),
        "{err}"
    );
    // A secret does not stand in for the missing key.
    rejected(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .secret_key(SECRET),
        "JWT_PRIVATE_KEY",
    );
}

#[test]
fn rs256_without_public_key_is_refused() {
    let k = keys();
    let err = rejected(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(k.rsa_private),
        "JWT_PUBLIC_KEY",
    );
    assert!(
        err.to_string()
            .contains(r#"must be set to use asymmetric cryptography algorithm "RS256""#),
        "{err}"
    );
}

#[test]
fn mismatched_rsa_pair_is_refused() {
    let k = keys();
    let err = rejected(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(k.rsa_private)
            .public_key(OTHER_RSA_PUBLIC),
        "JWT_PUBLIC_KEY",
    );
    assert!(!err.to_string().contains("MII"), "{err}");
}

#[test]
fn garbage_pem_is_refused() {
    let k = keys();
    for garbage in [
        "garbage",
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
        "",
    ] {
        rejected(
            JwtConfig::default()
                .algorithm(Algorithm::RS256)
                .private_key(garbage)
                .public_key(k.rsa_public.as_str()),
            "JWT_PRIVATE_KEY",
        );
        rejected(
            JwtConfig::default()
                .algorithm(Algorithm::RS256)
                .private_key(k.rsa_private.as_str())
                .public_key(garbage),
            "JWT_PUBLIC_KEY",
        );
    }
}

#[test]
fn keys_of_another_family_are_refused() {
    let k = keys();
    // EC keys for RS256.
    rejected(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(k.ec_private.as_str())
            .public_key(k.ec_public.as_str()),
        "JWT_PRIVATE_KEY",
    );
    // RSA keys for ES256.
    rejected(
        JwtConfig::default()
            .algorithm(Algorithm::ES256)
            .private_key(k.rsa_private.as_str())
            .public_key(k.rsa_public.as_str()),
        "JWT_PRIVATE_KEY",
    );
    // A P-256 key for ES384 (wrong curve).
    let err = build(
        JwtConfig::default()
            .algorithm(Algorithm::ES384)
            .private_key(k.ec_private.as_str())
            .public_key(k.ec_public.as_str()),
    )
    .unwrap_err();
    assert!(
        ["JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY"].contains(&err.option()),
        "{err}"
    );
}

#[test]
fn valid_asymmetric_configurations_build() {
    let k = keys();
    for algorithm in [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS512,
    ] {
        build(
            JwtConfig::default()
                .algorithm(algorithm)
                .private_key(k.rsa_private.as_str())
                .public_key(k.rsa_public.as_str()),
        )
        .unwrap();
    }
    build(
        JwtConfig::default()
            .algorithm(Algorithm::ES256)
            .private_key(k.ec_private.as_str())
            .public_key(k.ec_public.as_str()),
    )
    .unwrap();
    build(
        JwtConfig::default()
            .algorithm(Algorithm::EdDSA)
            .private_key(ED_PRIVATE)
            .public_key(ED_PUBLIC),
    )
    .unwrap();
    // The secret is ignored for asymmetric algorithms, even a bad one (as in the reference).
    build(rs256().secret_key("")).unwrap();
    // And the PEM keys are ignored for HMAC.
    build(base().private_key("garbage").public_key("garbage")).unwrap();
}

// ---------------------------------------------------------------------------------------------
// JwtManager::new: everything else
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_token_location_is_refused() {
    let mut c = base();
    c.token_location = Vec::new();
    let err = rejected(c, "JWT_TOKEN_LOCATION");
    assert_eq!(err.value(), "");
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
    assert_eq!(err.value(), "headers,cookies,headers");
}

#[test]
fn every_token_location_builds() {
    for location in TokenLocation::ALL {
        build(base().token_location([location])).unwrap();
    }
    build(base().token_location(TokenLocation::ALL)).unwrap();
}

#[test]
fn zero_expiry_is_refused() {
    let err = rejected(
        base().access_token_expires(Duration::ZERO),
        "JWT_ACCESS_TOKEN_EXPIRES",
    );
    assert_eq!(err.value(), "0");
    let err = rejected(
        base().refresh_token_expires(Duration::ZERO),
        "JWT_REFRESH_TOKEN_EXPIRES",
    );
    assert_eq!(err.value(), "0");
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
    assert_eq!(err.value(), "RS256");
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
    assert_eq!(err.value(), "");
    rejected(base().header_name("   "), "JWT_HEADER_NAME");
}

#[test]
fn invalid_header_name_is_refused() {
    for bad in ["Auth orization", "Bad:Name", "Auth\nX", "Authé", "(x)"] {
        let err = rejected(base().header_name(bad), "JWT_HEADER_NAME");
        assert_eq!(err.value(), bad);
    }
    build(base().header_name("X-Api-Token")).unwrap();
}

#[test]
fn header_type_with_whitespace_is_refused() {
    for bad in ["Bearer Token", " Bearer", "Bearer\t", "JWT\n"] {
        let err = rejected(base().header_type(bad), "JWT_HEADER_TYPE");
        assert_eq!(err.value(), bad);
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
        ("JWT_DECODE_ISSUER", |c, v| c.decode_issuer(v)),
    ];
    for (option, set) in table {
        for empty in ["", " "] {
            let err = rejected(set(base(), empty), option);
            assert_eq!(err.value(), empty, "{option}");
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
        assert_eq!(err.value(), reserved);
        let err = rejected(base().user_claims(reserved), "JWT_USER_CLAIMS");
        assert_eq!(err.value(), reserved);
    }
    // `iss` and `aud` are the library's only while it writes them.
    let err = rejected(
        base().encode_issuer("me").identity_claim("iss"),
        "JWT_IDENTITY_CLAIM",
    );
    assert_eq!(err.value(), "iss");
    let err = rejected(
        base().encode_audience(["api"]).user_claims("aud"),
        "JWT_USER_CLAIMS",
    );
    assert_eq!(err.value(), "aud");
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
    assert_eq!(err.value(), "who");
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
            assert_eq!(err.value(), bad, "{option}");
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
            assert_eq!(err.value(), bad, "{option}");
        }
        build(set(base(), "my_cookie-1")).unwrap();
    }
}

#[test]
fn invalid_cookie_domain_is_refused() {
    for bad in ["", "ex ample.com", "example.com; Secure", "a\nb"] {
        let err = rejected(base().cookie_domain(bad), "JWT_COOKIE_DOMAIN");
        assert_eq!(err.value(), bad);
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
            assert_eq!(err.option(), "JWT_COOKIE_DOMAIN", "{err}");
            assert_eq!(err.value(), *bad);
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
                assert_eq!(err.option(), *option, "{err}");
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
    assert_eq!(err.value(), "api,");
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
    assert_eq!(err.value(), "");
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
        assert_eq!(err.value(), bad);
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
    assert_eq!(err.value(), "X CSRF");
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
        assert_eq!(err.value(), tiny.to_string());
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

// ---------------------------------------------------------------------------------------------
// Settings that would fail open
// ---------------------------------------------------------------------------------------------

#[test]
fn a_decode_leeway_over_one_day_is_refused() {
    build(base().decode_leeway(Duration::from_secs(86_400))).unwrap();
    for seconds in [86_401, 10 * 365 * 86_400, u64::MAX] {
        let err = rejected(
            base().decode_leeway(Duration::from_secs(seconds)),
            "JWT_DECODE_LEEWAY",
        );
        assert_eq!(err.value(), seconds.to_string());
    }
    // The same through the environment: it parses, and the manager refuses it.
    let config = lookup_ok(&[("JWT_DECODE_LEEWAY", "18446744073709551615")]);
    rejected(config.secret_key(SECRET), "JWT_DECODE_LEEWAY");
}

#[test]
fn an_expiry_past_the_year_9999_is_refused() {
    // About 8,000 years from now: the last second a token may still expire at.
    build(base().access_token_expires(Duration::from_secs(250_000_000_000))).unwrap();
    for (option, config) in [
        (
            "JWT_ACCESS_TOKEN_EXPIRES",
            base().access_token_expires(Duration::from_secs(u64::MAX)),
        ),
        (
            "JWT_REFRESH_TOKEN_EXPIRES",
            base().refresh_token_expires(Duration::from_secs(300_000_000_000)),
        ),
    ] {
        let err = rejected(config, option);
        assert!(err.to_string().contains("9999-12-31"), "{err}");
    }
    // Per token, too: an error, never a panic or a wrapped-around timestamp.
    let manager = build(base()).unwrap();
    for options in [
        jwt_runtime::TokenOptions::default().expires(Duration::from_secs(u64::MAX)),
        jwt_runtime::TokenOptions::default().fresh(Duration::from_secs(u64::MAX)),
        jwt_runtime::TokenOptions::default()
            .fresh(jwt_runtime::Fresh::Until(Expiry::LATEST_TIMESTAMP + 1)),
    ] {
        let err = manager
            .create_access_token_with(&"alice", options)
            .unwrap_err();
        assert!(err.to_string().contains("9999-12-31"), "{err}");
    }
    let latest = manager
        .create_access_token_with(
            &"alice",
            jwt_runtime::TokenOptions::default()
                .fresh(jwt_runtime::Fresh::Until(Expiry::LATEST_TIMESTAMP)),
        )
        .unwrap();
    assert!(manager.decode_token(&latest, None, false).is_ok());
}

#[test]
fn keys_in_other_forms_are_refused_as_hmac_secrets() {
    let k = keys();
    let base64_body = |pem: &str| {
        pem.lines()
            .filter(|line| !line.starts_with("-----"))
            .collect::<String>()
    };
    let mut forms = vec![
        // A byte-order mark before the PEM (as some editors save it).
        format!("\u{feff}{}", k.rsa_public),
        format!("\u{feff}\n{}", k.ec_public),
        // Bare base64 DER: the PEM body without its armour (one line, or wrapped).
        base64_body(&k.rsa_public),
        base64_body(&k.ec_public),
        base64_body(ED_PUBLIC),
        base64_body(&k.rsa_private),
        k.rsa_public
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("\n"),
        // JWK JSON, and a JWK Set.
        r#"{"kty":"RSA","n":"xYXy4QuNUff_50bS-gN0Xv3x7zwuBJVodjsBsZx6ifE","e":"AQAB"}"#.to_owned(),
        r#" {"kty":"OKP","crv":"Ed25519","x":"iCfUtiPDU1PRpAvuw6seq0VXHyEbEvFBVXCfgGzzuy8"}"#
            .to_owned(),
        r#"{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b"}]}"#.to_owned(),
    ];
    // As secrets stores and env files hand keys over: quoted, with `\n` escapes, base64 of
    // the PEM text, hex of the DER, a JWK inside a JSON string or an array, SSH options.
    forms.push(format!("\"{}\"", k.rsa_public));
    forms.push(format!("'{}'", k.ec_public));
    forms.push(format!("\"{}\"", k.rsa_public.replace('\n', "\\n")));
    forms.push(k.rsa_public.replace('\n', "\\r\\n"));
    forms.push(base64::engine::general_purpose::STANDARD.encode(&k.rsa_public));
    forms.push(hex(&der(&k.rsa_public)));
    forms.push(
        serde_json::Value::String(r#"{"kty":"RSA","n":"x","e":"AQAB"}"#.to_owned()).to_string(),
    );
    forms.push(r#"[{"kty":"OKP","crv":"Ed25519","x":"iCfU"}]"#.to_owned());
    forms.push(r#"{"kty":"EC","kty":"EC","crv":"P-256","x":"a","y":"b"}"#.to_owned());
    forms.push(r#"from="10.0.0.1" ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host"#.to_owned());
    forms.push(
        "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t user".to_owned(),
    );
    // The URL-safe alphabet, unpadded.
    forms.push(
        base64_body(&k.rsa_public)
            .replace('+', "-")
            .replace('/', "_")
            .trim_end_matches('=')
            .to_owned(),
    );
    for secret in forms {
        assert!(
            build(JwtConfig::default().secret_key(secret.as_str())).is_err(),
            "accepted as an HMAC secret: {secret:?}"
        );
        let err = rejected(
            JwtConfig::default().secret_key(secret.as_str()),
            "JWT_SECRET_KEY",
        );
        assert!(!err.to_string().contains("MII"), "the key is echoed: {err}");
    }
    // Raw DER bytes, of a public key and of a private key.
    for pem in [&k.rsa_public, &k.rsa_private, &k.ec_public] {
        rejected(JwtConfig::default().secret_key(der(pem)), "JWT_SECRET_KEY");
    }
    // A decode_key_loader cannot hand an HMAC verifier a public key as DER either: the
    // token signed with it as the secret (algorithm confusion) is refused.
    let public_der = der(&k.rsa_public);
    let loader_der = public_der.clone();
    let manager = JwtManager::builder(base())
        .ignore_registered_loaders()
        .decode_key_loader(move |_, _| Secret::from(loader_der.clone()))
        .build()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &serde_json::json!({"identity": "admin", "type": "access", "fresh": false, "jti": "x", "iat": now, "nbf": now, "exp": now + 60}),
        &jsonwebtoken::EncodingKey::from_secret(&public_der).unwrap(),
    )
    .unwrap();
    let err = manager.decode_token(&forged, None, false).unwrap_err();
    assert_eq!(err.status().as_u16(), 422, "{err}");
    // Secrets that only look a little like those still work: random base64, JSON that is
    // no key, a passphrase starting with a brace.
    for secret in [
        "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==",
        // Random 32 bytes whose base64 happens to open a DER SEQUENCE: too short for a key.
        "MB4CuknLwEtjL0lpDTeHGoQtt7D5QHqSOzu1imU5mYY=",
        "30820122300d06092a864886f70d0101010500",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        r#"{"not":"a key","but":"a long enough secret"}"#,
        "{ a passphrase with braces that is long enough }",
    ] {
        build(JwtConfig::default().secret_key(secret)).unwrap_or_else(|e| panic!("{secret}: {e}"));
    }
}

#[test]
fn host_and_secure_cookie_prefixes_are_checked_at_start_up() {
    let cookies = || {
        base()
            .token_location([TokenLocation::Cookies])
            .access_cookie_name("__Host-access")
    };
    // The rules met: Secure, path `/`, no domain.
    build(cookies().cookie_secure(true)).unwrap();
    let err = rejected(cookies(), "JWT_COOKIE_SECURE");
    assert!(err.to_string().contains("__Host-access"), "{err}");
    rejected(
        cookies().cookie_secure(true).access_cookie_path("/api/"),
        "JWT_ACCESS_COOKIE_PATH",
    );
    rejected(
        cookies().cookie_secure(true).cookie_domain("example.com"),
        "JWT_COOKIE_DOMAIN",
    );
    // Every cookie the library sets is checked, CSRF cookies included.
    rejected(
        base()
            .refresh_csrf_cookie_name("__Host-csrf")
            .cookie_secure(true)
            .refresh_csrf_cookie_path("/refresh"),
        "JWT_REFRESH_CSRF_COOKIE_PATH",
    );
    // Browsers match the prefixes in any case.
    rejected(
        base().access_cookie_name("__HOST-access"),
        "JWT_COOKIE_SECURE",
    );
    // `__Secure-` needs Secure only.
    rejected(
        base().refresh_cookie_name("__Secure-refresh"),
        "JWT_COOKIE_SECURE",
    );
    build(
        base()
            .refresh_cookie_name("__Secure-refresh")
            .cookie_secure(true)
            .refresh_cookie_path("/refresh")
            .cookie_domain("example.com"),
    )
    .unwrap();
}

#[test]
fn the_body_limit_and_deadline_are_read_and_checked() {
    let config = lookup_ok(&[
        ("JWT_JSON_BODY_LIMIT", "1024"),
        ("JWT_JSON_BODY_TIMEOUT", "2"),
    ]);
    assert_eq!(config.json_body_limit, 1024);
    assert_eq!(config.json_body_timeout, Duration::from_secs(2));
    let defaults = JwtConfig::default();
    assert_eq!(
        (defaults.json_body_limit, defaults.json_body_timeout),
        (64 * 1024, Duration::from_secs(5))
    );
    for bad in ["-1", "1k", ""] {
        lookup_err("JWT_JSON_BODY_LIMIT", bad);
        lookup_err("JWT_JSON_BODY_TIMEOUT", bad);
    }
    rejected(base().json_body_limit(0_usize), "JWT_JSON_BODY_LIMIT");
    rejected(
        base().json_body_timeout(Duration::ZERO),
        "JWT_JSON_BODY_TIMEOUT",
    );
}

/// The DER bytes of a PEM block.
fn der(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut text, b| {
        write!(text, "{b:02x}").unwrap();
        text
    })
}
