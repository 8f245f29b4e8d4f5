//! Every algorithm on the crypto backend this build uses (`rust_crypto` by default;
//! `.ci/run` runs it again with `--no-default-features --features aws_lc_rs`): a manager
//! signs and verifies, a verify-only manager and a JWK Set of its public key verify the
//! same token, plain `jsonwebtoken::decode` agrees, and an altered token is refused.
#![allow(clippy::unwrap_used, reason = "tests")]

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;

const ED_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIApXpHB8eihD0GU9GvvKHP5Eh+mYJ3cHuuKrvPZmBBXv\n-----END PRIVATE KEY-----";
const ED_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAyzKgUB9g2k4KNdLaJfoJo7olH4Ih8fZfMftApGLE0hc=\n-----END PUBLIC KEY-----";

fn fixture_key(name: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/python-reference-tokens.json"
    );
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    fixture["keys"][name].as_str().unwrap().to_owned()
}

fn pems(algorithm: Algorithm) -> (String, String) {
    match algorithm {
        Algorithm::EdDSA => (ED_PRIVATE.to_owned(), ED_PUBLIC.to_owned()),
        Algorithm::ES256 => (fixture_key("ec_private"), fixture_key("ec_public")),
        _ => (fixture_key("rsa_private"), fixture_key("rsa_public")),
    }
}

fn manager(config: JwtConfig) -> JwtManager {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .build()
        .unwrap()
}

#[test]
fn every_algorithm_signs_and_verifies() {
    for algorithm in [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::EdDSA,
    ] {
        let (private, public) = pems(algorithm);
        let config = || JwtConfig::default().algorithm(algorithm);
        let signer = manager(
            config()
                .private_key(private)
                .public_key(public.clone())
                .public_key_id("k"),
        );
        let token = signer.create_access_token(&"alice").unwrap();
        let verify_only = manager(config().public_key(public.clone()));
        let by_kid = JwtManager::builder(config())
            .ignore_registered_loaders()
            .jwk_set(signer.jwks())
            .build()
            .unwrap();
        for verifier in [&signer, &verify_only, &by_kid] {
            let claims = verifier.decode_token(&token).unwrap();
            assert_eq!(
                claims.identity::<String>().unwrap(),
                "alice",
                "{algorithm:?}"
            );
        }
        let key = match algorithm {
            Algorithm::ES256 => DecodingKey::from_ec_pem(public.as_bytes()),
            Algorithm::EdDSA => DecodingKey::from_ed_pem(public.as_bytes()),
            _ => DecodingKey::from_rsa_pem(public.as_bytes()),
        }
        .unwrap();
        let plain = jsonwebtoken::decode::<Value>(&token, &key, &Validation::new(algorithm))
            .unwrap()
            .claims;
        assert_eq!(plain["identity"], "alice", "{algorithm:?}");
        let (signing_input, signature) = token.rsplit_once('.').unwrap();
        let other = if signature.starts_with('A') { 'B' } else { 'A' };
        let altered = format!("{signing_input}.{other}{}", &signature[1..]);
        for verifier in [&verify_only, &by_kid] {
            let err = verifier.decode_token(&altered).unwrap_err();
            assert_eq!(
                err.message(),
                "Signature verification failed",
                "{algorithm:?}"
            );
        }
    }
}

#[test]
fn hmac_signs_and_verifies() {
    let secret = "a-backend-test-secret-of-32-bytes!";
    let manager = manager(JwtConfig::default().secret_key(secret));
    let token = manager.create_access_token(&"bob").unwrap();
    assert_eq!(
        manager
            .decode_token(&token)
            .unwrap()
            .identity::<String>()
            .unwrap(),
        "bob"
    );
    let key = DecodingKey::from_secret(secret.as_bytes()).unwrap();
    let plain = jsonwebtoken::decode::<Value>(&token, &key, &Validation::new(Algorithm::HS256));
    assert_eq!(plain.unwrap().claims["identity"], "bob");
}
