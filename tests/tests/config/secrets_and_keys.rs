//! What `JwtManager::new` refuses or accepts in its keys.

use jwt_runtime::config::Algorithm;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::SECRET;

use super::{ED_PRIVATE, ED_PUBLIC, OTHER_RSA_PUBLIC, base, build, keys, rejected, rs256};

#[test]
fn no_secret_for_hmac_is_refused() {
    for algorithm in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let err = rejected(JwtConfig::default().algorithm(algorithm), "JWT_SECRET_KEY");
        assert!(err.to_string().contains("symmetric algorithm"), "{err}");
    }
    // JwtManager::new (with the registry) refuses it too.
    assert_eq!(
        JwtManager::new(JwtConfig::default()).unwrap_err().option(),
        Some("JWT_SECRET_KEY")
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
        assert!(!err.value().unwrap_or_default().contains("AAAA"), "{err}");
    }
}

#[test]
fn short_secret_is_accepted() {
    // Only a warning in the log (RFC 7518 §3.2), as PyJWT 2 only warns.
    build(JwtConfig::default().secret_key("short")).unwrap();
}

#[test]
fn rs256_without_private_key_only_verifies() {
    // A public key alone starts a manager that verifies and cannot sign.
    let k = keys();
    let manager = build(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .public_key(k.rsa_public),
    )
    .unwrap();
    let err = manager.create_access_token(&"alice").unwrap_err();
    assert!(err.message().contains("JWT_PRIVATE_KEY"), "{err}");
    // A secret does not stand in for the missing keys: the public key is what is missing.
    rejected(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .secret_key(SECRET),
        "JWT_PUBLIC_KEY",
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
        ["JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY"].contains(&err.option().unwrap_or_default()),
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
