//! Settings that would fail open are refused.

use std::time::Duration;

use base64::Engine as _;
use jwt_runtime::config::{Expiry, Secret, TokenLocation};
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{SECRET, hmac_key, now_seconds};

use super::{ED_PUBLIC, base, build, keys, lookup_err, lookup_ok, rejected};

#[test]
fn a_decode_leeway_over_one_day_is_refused() {
    build(base().decode_leeway(Duration::from_secs(86_400))).unwrap();
    for seconds in [86_401, 10 * 365 * 86_400, u64::MAX] {
        let err = rejected(
            base().decode_leeway(Duration::from_secs(seconds)),
            "JWT_DECODE_LEEWAY",
        );
        assert_eq!(err.value(), Some(seconds.to_string().as_str()));
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
    assert!(manager.decode_token(&latest).is_ok());
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
    let now = now_seconds();
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &serde_json::json!({"identity": "admin", "type": "access", "fresh": false, "jti": "x", "iat": now, "nbf": now, "exp": now + 60}),
        &hmac_key(&public_der),
    )
    .unwrap();
    let err = manager.decode_token(&forged).unwrap_err();
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
