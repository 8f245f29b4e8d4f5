//! Verifying with a JWK Set: keys chosen by `kid` and fitted to the configured algorithm,
//! a set held in memory or fetched from a real server on loopback (http and https with a
//! test CA), cached and refreshed on a clock the test controls, rotated mid-test, one
//! fetch for many waiting requests, failures that keep the last good set and then refuse
//! (503), `OpenID Connect` discovery, and this library's own keys published as a set.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::time::{Duration, Instant, UNIX_EPOCH};

use jwt_runtime::config::Algorithm;
use jwt_runtime::testing::ManualClock;
use jwt_runtime::{ConfigError, ErrorKind, JwkSet, JwtConfig, JwtError, JwtManager};
use jwt_tests::key_server::{Answer, KeyServer};
use jwt_tests::{NOW, fixture_key};
use serde_json::{Value, json};

const ED_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIApXpHB8eihD0GU9GvvKHP5Eh+mYJ3cHuuKrvPZmBBXv\n-----END PRIVATE KEY-----";
const ED_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAyzKgUB9g2k4KNdLaJfoJo7olH4Ih8fZfMftApGLE0hc=\n-----END PUBLIC KEY-----";

/// The public keys of the `open-products-facts` realm of a Keycloak server, exactly as
/// Keycloak publishes them at `/realms/<realm>/protocol/openid-connect/certs`: an
/// `RSA-OAEP` encryption key and an `RS256` signing key, with `x5c` chains. Origin:
/// openfoodfacts/openfoodfacts-server, `lib/ProductOpener/Config2_docker.pm` (the
/// realm's keys as its docker configuration pins them).
const KEYCLOAK_CERTS: &str = include_str!("../fixtures/keycloak-realm-certs.json");

fn examples_key(name: &str) -> String {
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/keys");
    std::fs::read_to_string(format!("{keys}/{name}")).unwrap()
}

/// A signing key of the test identity provider.
#[derive(Clone, Copy)]
enum Key {
    Rsa,
    /// A second RSA key, for rotations.
    Rsa2,
    Ec,
    Ed,
}

impl Key {
    fn algorithm(self) -> Algorithm {
        match self {
            Key::Rsa | Key::Rsa2 => Algorithm::RS256,
            Key::Ec => Algorithm::ES256,
            Key::Ed => Algorithm::EdDSA,
        }
    }

    fn pems(self) -> (String, String) {
        match self {
            Key::Rsa => (fixture_key("rsa_private"), fixture_key("rsa_public")),
            Key::Rsa2 => (
                examples_key("rs256-private.pem"),
                examples_key("rs256-public.pem"),
            ),
            Key::Ec => (fixture_key("ec_private"), fixture_key("ec_public")),
            Key::Ed => (ED_PRIVATE.to_owned(), ED_PUBLIC.to_owned()),
        }
    }
}

/// The identity provider: signs with `key`, writing `kid`, on `clock`.
fn provider(key: Key, kid: &str, clock: &ManualClock) -> JwtManager {
    let (private, public) = key.pems();
    JwtManager::builder(
        JwtConfig::default()
            .algorithm(key.algorithm())
            .private_key(private)
            .public_key(public)
            .public_key_id(kid),
    )
    .ignore_registered_loaders()
    .clock(clock.source())
    .build()
    .unwrap()
}

/// The provider's public key as a JWK (with its `kid`, `alg` and `use: sig`).
fn jwk(provider: &JwtManager) -> Value {
    serde_json::to_value(&provider.jwks().keys[0]).unwrap()
}

fn set(keys: &[Value]) -> Value {
    json!({ "keys": keys })
}

fn clock() -> ManualClock {
    ManualClock::at(UNIX_EPOCH + Duration::from_secs(NOW))
}

/// A service that verifies with the set at `url`.
fn remote_config(algorithm: Algorithm, url: &str) -> JwtConfig {
    JwtConfig::default()
        .algorithm(algorithm)
        .jwks_url(url)
        .jwks_timeout(Duration::from_secs(2))
}

fn service(config: JwtConfig, clock: &ManualClock) -> Result<JwtManager, ConfigError> {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .clock(clock.source())
        .build()
}

fn identity(manager: &JwtManager, token: &str) -> Result<String, JwtError> {
    Ok(manager.decode_token(token)?.identity::<String>().unwrap())
}

fn refused(manager: &JwtManager, token: &str) -> JwtError {
    manager.decode_token(token).unwrap_err()
}

fn assert_unavailable(error: &JwtError) {
    assert!(matches!(error, JwtError::KeySetUnavailable(_)), "{error}");
    assert_eq!(error.kind(), ErrorKind::KeySetUnavailable);
    assert_eq!(error.status().as_u16(), 503);
    assert!(error.message().contains("key set"), "{}", error.message());
}

const UNKNOWN_KID: &str = "No key in the key set matches the token's kid for RS256";

#[test]
fn a_set_in_memory_verifies_by_kid() {
    let clock = clock();
    let first = provider(Key::Rsa, "first", &clock);
    let second = provider(Key::Rsa2, "second", &clock);
    let both: JwkSet = serde_json::from_value(set(&[jwk(&first), jwk(&second)])).unwrap();
    let verifier = JwtManager::builder(JwtConfig::default().algorithm(Algorithm::RS256))
        .ignore_registered_loaders()
        .clock(clock.source())
        .jwk_set(both)
        .build()
        .unwrap();
    for (manager, name) in [(&first, "alice"), (&second, "bob")] {
        let token = manager.create_access_token(&name).unwrap();
        assert_eq!(identity(&verifier, &token).unwrap(), name);
    }
    // A kid the set does not hold, and a key that is not the kid's.
    let stranger = provider(Key::Ec, "third", &clock);
    let outsider = provider(Key::Rsa2, "third", &clock);
    let err = refused(&verifier, &outsider.create_access_token(&"eve").unwrap());
    assert_eq!(err.message(), UNKNOWN_KID);
    let impostor = provider(Key::Rsa2, "first", &clock);
    let err = refused(&verifier, &impostor.create_access_token(&"eve").unwrap());
    assert_eq!(err.message(), "Signature verification failed");
    // The algorithm comes from the configuration, not from the token or the key.
    let err = refused(&verifier, &stranger.create_access_token(&"eve").unwrap());
    assert_eq!(err.message(), "The specified alg value is not allowed");
    // Without kid: the set's only key for the algorithm, and no guess among several.
    let unnamed = JwtManager::builder(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(fixture_key("rsa_private"))
            .public_key(fixture_key("rsa_public")),
    )
    .ignore_registered_loaders()
    .clock(clock.source())
    .build()
    .unwrap();
    let token = unnamed.create_access_token(&"carol").unwrap();
    let err = refused(&verifier, &token);
    assert_eq!(
        err.message(),
        "The token has no kid, and the key set has no single key for its algorithm"
    );
    let only_first = JwtManager::builder(JwtConfig::default().algorithm(Algorithm::RS256))
        .ignore_registered_loaders()
        .clock(clock.source())
        .jwk_set(serde_json::from_value(set(&[jwk(&first)])).unwrap())
        .build()
        .unwrap();
    assert_eq!(identity(&only_first, &token).unwrap(), "carol");
}

#[test]
fn keys_that_do_not_fit_the_algorithm_are_never_used() {
    let clock = clock();
    let signer = |kid: &str| provider(Key::Rsa, kid, &clock);
    let rsa = jwk(&signer("x"));
    let with = |kid: &str, changes: Value| {
        let mut key = rsa.clone();
        key["kid"] = json!(kid);
        for (name, value) in changes.as_object().unwrap() {
            if value.is_null() {
                key.as_object_mut().unwrap().remove(name);
            } else {
                key[name] = value.clone();
            }
        }
        key
    };
    let ec = jwk(&provider(Key::Ec, "ec", &clock));
    let ed = jwk(&provider(Key::Ed, "ed", &clock));
    let document = set(&[
        with("good", json!({})),
        with("no-alg", json!({"alg": null, "use": null})),
        with("rs384", json!({"alg": "RS384"})),
        with("enc", json!({"use": "enc", "alg": "RSA-OAEP"})),
        with("encrypt-only", json!({"key_ops": ["encrypt"]})),
        with("unknown-alg", json!({"alg": "XY999"})),
        ec,
        ed,
        json!({"kty": "oct", "kid": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}),
        json!({"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"}),
        json!({"kid": "no-kty"}),
        json!("not an object"),
    ]);
    let verifier = JwtManager::builder(JwtConfig::default().algorithm(Algorithm::RS256))
        .ignore_registered_loaders()
        .clock(clock.source())
        .jwk_set(
            serde_json::from_value(document.clone()).unwrap_or_else(|_| {
                // jsonwebtoken's JwkSet cannot hold the unreadable entries; the fetched path
                // below reads the same document key by key.
                serde_json::from_value(set(&[with("good", json!({}))])).unwrap()
            }),
        )
        .build()
        .unwrap();
    assert_eq!(
        identity(
            &verifier,
            &signer("good").create_access_token(&"ok").unwrap()
        )
        .unwrap(),
        "ok"
    );
    // The same document fetched: every unusable key is skipped, one by one.
    let server = KeyServer::http(Answer::json(&document));
    let fetched = service(remote_config(Algorithm::RS256, &server.url()), &clock).unwrap();
    for kid in ["good", "no-alg"] {
        let token = signer(kid).create_access_token(&kid).unwrap();
        assert_eq!(identity(&fetched, &token).unwrap(), kid);
    }
    for kid in [
        "rs384",
        "enc",
        "encrypt-only",
        "unknown-alg",
        "ec",
        "ed",
        "oct",
        "broken",
        "no-kty",
    ] {
        let token = signer(kid).create_access_token(&kid).unwrap();
        assert_eq!(refused(&fetched, &token).message(), UNKNOWN_KID, "{kid}");
    }
    // An HMAC token naming the symmetric key: the algorithm is not even allowed.
    let hmac = jwt_tests::sign_parts(
        &json!({"alg": "HS256", "kid": "oct", "typ": "JWT"}).to_string(),
        json!({"identity": "mallory", "type": "access", "fresh": false, "jti": "x", "iat": NOW, "nbf": NOW})
            .to_string()
            .as_bytes(),
        &jsonwebtoken::EncodingKey::from_secret(b"secret-secret-secret-secret-secret").unwrap(),
        jsonwebtoken::Algorithm::HS256,
    );
    assert_eq!(
        refused(&fetched, &hmac).message(),
        "The specified alg value is not allowed"
    );
}

#[test]
fn a_set_with_rsa_ec_and_okp_keys_serves_each_algorithm() {
    let clock = clock();
    let providers = [Key::Rsa, Key::Ec, Key::Ed].map(|key| {
        let kid = format!("{:?}-key", key.algorithm()).to_lowercase();
        (key, provider(key, &kid, &clock))
    });
    let server = KeyServer::http(Answer::json(&set(&providers
        .iter()
        .map(|(_, p)| jwk(p))
        .collect::<Vec<_>>())));
    for (key, issuer) in &providers {
        let verifier = service(remote_config(key.algorithm(), &server.url()), &clock).unwrap();
        let token = issuer.create_access_token(&"alice").unwrap();
        assert_eq!(identity(&verifier, &token).unwrap(), "alice");
        // The other providers' tokens are of another algorithm: refused.
        for (other, foreign) in &providers {
            if other.algorithm() != key.algorithm() {
                let token = foreign.create_access_token(&"eve").unwrap();
                assert_eq!(
                    refused(&verifier, &token).message(),
                    "The specified alg value is not allowed"
                );
            }
        }
    }
}

#[test]
fn a_keycloak_set_as_published_is_read_key_by_key() {
    let clock = clock();
    let document: Value = serde_json::from_str(KEYCLOAK_CERTS).unwrap();
    let server = KeyServer::http(Answer::json(&document));
    let verifier = service(remote_config(Algorithm::RS256, &server.url()), &clock).unwrap();
    assert_eq!(server.fetches(), 1);
    // The RS256 signing key is used: a token naming it but signed by another key fails
    // on the signature (not on the kid).
    let signing_kid = "YXAXhfV5sYAARngF0K_hopF1fL4_CF_XCI5p2LR8v4E";
    let forged = provider(Key::Rsa, signing_kid, &clock)
        .create_access_token(&"eve")
        .unwrap();
    assert_eq!(
        refused(&verifier, &forged).message(),
        "Signature verification failed"
    );
    // The RSA-OAEP encryption key is never used to verify.
    let encryption_kid = "QjEI5mLtUTqKx-AWHvv09nnmsWb-DHByMVhAvmJ4x4g";
    let token = provider(Key::Rsa, encryption_kid, &clock)
        .create_access_token(&"eve")
        .unwrap();
    assert_eq!(refused(&verifier, &token).message(), UNKNOWN_KID);
}

#[test]
fn keys_rotate_without_a_failed_request() {
    let clock = clock();
    let old = provider(Key::Rsa, "2026-11", &clock);
    let new = provider(Key::Rsa2, "2026-12", &clock);
    let server = KeyServer::http(Answer::json(&set(&[jwk(&old)])));
    let verifier = service(remote_config(Algorithm::RS256, &server.url()), &clock).unwrap();
    let before = old.create_access_token(&"alice").unwrap();
    assert_eq!(identity(&verifier, &before).unwrap(), "alice");
    // The provider publishes its next key ahead of using it; the cache picks it up when
    // three quarters of its lifetime (600 s) have passed, while tokens keep verifying.
    server.serve(&set(&[jwk(&old), jwk(&new)]));
    clock.advance(Duration::from_secs(449));
    assert_eq!(identity(&verifier, &before).unwrap(), "alice");
    assert_eq!(server.fetches(), 1);
    clock.advance(Duration::from_secs(2));
    assert_eq!(identity(&verifier, &before).unwrap(), "alice");
    assert_eq!(server.fetches(), 2);
    // It signs with the new key and retires the old one: no request failed.
    let after = new.create_access_token(&"bob").unwrap();
    assert_eq!(identity(&verifier, &after).unwrap(), "bob");
    server.serve(&set(&[jwk(&new)]));
    clock.advance(Duration::from_secs(451));
    assert_eq!(identity(&verifier, &after).unwrap(), "bob");
    assert_eq!(server.fetches(), 3);
    // The old key is gone: its tokens are refused (an unknown kid).
    let err = refused(&verifier, &old.create_access_token(&"alice").unwrap());
    assert_eq!(err.message(), UNKNOWN_KID);
}

#[test]
fn an_unknown_kid_fetches_again_at_most_once_per_refetch_interval() {
    let clock = clock();
    let known = provider(Key::Rsa, "known", &clock);
    let surprise = provider(Key::Rsa2, "surprise", &clock);
    let server = KeyServer::http(Answer::json(&set(&[jwk(&known)])));
    let verifier = service(remote_config(Algorithm::RS256, &server.url()), &clock).unwrap();
    server.serve(&set(&[jwk(&known), jwk(&surprise)]));
    let token = surprise.create_access_token(&"bob").unwrap();
    // Within 30 s of the last fetch, an unknown kid does not fetch: refused.
    clock.advance(Duration::from_secs(29));
    for _ in 0..5 {
        assert_eq!(refused(&verifier, &token).message(), UNKNOWN_KID);
    }
    assert_eq!(server.fetches(), 1);
    clock.advance(Duration::from_secs(1));
    assert_eq!(identity(&verifier, &token).unwrap(), "bob");
    assert_eq!(server.fetches(), 2);
    // Tokens with made-up kids cannot make it fetch more often.
    let made_up = provider(Key::Rsa2, "made-up", &clock);
    for _ in 0..5 {
        let token = made_up.create_access_token(&"eve").unwrap();
        assert_eq!(refused(&verifier, &token).message(), UNKNOWN_KID);
    }
    assert_eq!(server.fetches(), 2);
    clock.advance(Duration::from_secs(30));
    let token = made_up.create_access_token(&"eve").unwrap();
    assert_eq!(refused(&verifier, &token).message(), UNKNOWN_KID);
    assert_eq!(server.fetches(), 3);
}

#[test]
fn a_shorter_cache_control_max_age_wins() {
    let clock = clock();
    let issuer = provider(Key::Rsa, "k", &clock);
    // The set is fetched again at three quarters of its lifetime (the smaller of 600 s
    // and max-age).
    for (header, next_fetch) in [
        ("public, max-age=60", 45),
        ("max-age=100000", 450),
        // Not followed: a set fetched for every request would be an outage of its own.
        ("no-cache", 450),
    ] {
        let mut answer = Answer::json(&set(&[jwk(&issuer)]));
        answer.cache_control = Some(header.to_owned());
        let server = KeyServer::http(answer);
        let verifier = service(remote_config(Algorithm::RS256, &server.url()), &clock).unwrap();
        let token = issuer.create_access_token(&"alice").unwrap();
        clock.advance(Duration::from_secs(next_fetch - 1));
        assert_eq!(identity(&verifier, &token).unwrap(), "alice");
        assert_eq!(server.fetches(), 1, "{header}");
        clock.advance(Duration::from_secs(1));
        assert_eq!(identity(&verifier, &token).unwrap(), "alice");
        assert_eq!(server.fetches(), 2, "{header}");
    }
}

#[test]
fn a_failed_refresh_keeps_the_last_good_set_until_it_expires_then_refuses() {
    let clock = clock();
    let issuer = provider(Key::Rsa, "k", &clock);
    let server = KeyServer::http(Answer::json(&set(&[jwk(&issuer)])));
    let verifier = service(remote_config(Algorithm::RS256, &server.url()), &clock).unwrap();
    let mut failing = Answer::json(&json!({"error": "down"}));
    failing.status = 500;
    server.answer(failing);
    // The refresh at 450 s fails: the set fetched at 0 s still verifies until 600 s.
    clock.advance(Duration::from_secs(500));
    let token = issuer.create_access_token(&"alice").unwrap();
    assert_eq!(identity(&verifier, &token).unwrap(), "alice");
    assert_eq!(server.fetches(), 2);
    // A failing server is asked again at most once a second.
    assert_eq!(identity(&verifier, &token).unwrap(), "alice");
    assert_eq!(server.fetches(), 2);
    clock.advance(Duration::from_secs(99));
    assert_eq!(identity(&verifier, &token).unwrap(), "alice");
    assert_eq!(server.fetches(), 3);
    // Expired, and the fetch fails again: refused, never allowed.
    clock.advance(Duration::from_secs(2));
    assert_unavailable(&refused(&verifier, &token));
    assert_eq!(server.fetches(), 4);
    assert_unavailable(&refused(&verifier, &token));
    assert_eq!(server.fetches(), 4);
    // The server recovers: so does the service, within a second.
    server.serve(&set(&[jwk(&issuer)]));
    clock.advance(Duration::from_secs(1));
    let token = issuer.create_access_token(&"alice").unwrap();
    assert_eq!(identity(&verifier, &token).unwrap(), "alice");
    assert_eq!(server.fetches(), 5);
}

#[test]
fn bodies_that_are_not_a_usable_set_are_fetch_failures() {
    let clock = clock();
    let issuer = provider(Key::Rsa, "k", &clock);
    let ten_mib = {
        let mut padded = set(&[jwk(&issuer)]);
        padded["padding"] = json!("x".repeat(10 * 1024 * 1024));
        padded.to_string().into_bytes()
    };
    let answer = |body: &[u8]| Answer {
        body: body.to_vec(),
        ..Answer::json(&Value::Null)
    };
    let mut chunked = answer(&ten_mib);
    chunked.chunked = true;
    let mut not_found = Answer::json(&set(&[jwk(&issuer)]));
    not_found.status = 404;
    let ec_only = set(&[jwk(&provider(Key::Ec, "k", &clock))]).to_string();
    let cases = [
        ("10 MiB", answer(&ten_mib)),
        ("10 MiB chunked", chunked),
        ("not JSON", answer(b"<html>login</html>")),
        ("no keys", answer(br#"{"keys": []}"#)),
        ("not a set", answer(b"[1, 2, 3]")),
        ("only keys of another algorithm", answer(ec_only.as_bytes())),
        ("404", not_found),
    ];
    for (case, bad) in cases {
        let server = KeyServer::http(bad);
        // A failed first fetch does not stop the start: it is logged, and requests are
        // refused until a fetch succeeds.
        let verifier = service(remote_config(Algorithm::RS256, &server.url()), &clock)
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let token = issuer.create_access_token(&"alice").unwrap();
        let err = refused(&verifier, &token);
        assert_unavailable(&err);
        assert!(err.to_string().contains(&server.url()), "{case}: {err}");
        server.serve(&set(&[jwk(&issuer)]));
        clock.advance(Duration::from_secs(30));
        assert_eq!(identity(&verifier, &token).unwrap(), "alice", "{case}");
    }
}

#[test]
fn a_slow_server_is_a_fetch_failure_after_the_timeout() {
    let clock = clock();
    let issuer = provider(Key::Rsa, "k", &clock);
    let mut slow = Answer::json(&set(&[jwk(&issuer)]));
    slow.delay = Duration::from_secs(5);
    let server = KeyServer::http(slow);
    let started = Instant::now();
    let verifier = service(
        remote_config(Algorithm::RS256, &server.url()).jwks_timeout(Duration::from_secs(1)),
        &clock,
    )
    .unwrap();
    // The start is not held up past the timeout.
    assert!(started.elapsed() < Duration::from_secs(4));
    let token = issuer.create_access_token(&"alice").unwrap();
    let err = refused(&verifier, &token);
    assert_unavailable(&err);
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[test]
fn https_with_a_test_ca() {
    let clock = clock();
    let issuer = provider(Key::Ec, "k", &clock);
    let server = KeyServer::https(Answer::json(&set(&[jwk(&issuer)])));
    assert!(server.url().starts_with("https://localhost:"));
    let token = issuer.create_access_token(&"alice").unwrap();
    // Without the CA, the certificate is not trusted: a fetch failure.
    let untrusting = service(remote_config(Algorithm::ES256, &server.url()), &clock).unwrap();
    let err = refused(&untrusting, &token);
    assert_unavailable(&err);
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    let trusting = JwtManager::builder(remote_config(Algorithm::ES256, &server.url()))
        .ignore_registered_loaders()
        .clock(clock.source())
        .jwks_root_certificate(server.ca_pem())
        .build()
        .unwrap();
    assert_eq!(identity(&trusting, &token).unwrap(), "alice");
}

/// `count` concurrent async decodes of `token`, each the identity `expected`.
async fn assert_all_decode_as(verifier: &JwtManager, token: &str, count: usize, expected: &str) {
    let decodes = (0..count)
        .map(|_| verifier.decode_token_async(token, jwt_runtime::DecodeOptions::default()));
    for claims in futures_util::future::join_all(decodes).await {
        assert_eq!(claims.unwrap().identity::<String>().unwrap(), expected);
    }
}

#[actix_web::test]
async fn many_waiting_requests_share_one_fetch() {
    let clock = clock();
    let issuer = provider(Key::Rsa, "k", &clock);
    let rotated = provider(Key::Rsa2, "k2", &clock);
    let mut slow = Answer::json(&set(&[jwk(&issuer)]));
    slow.delay = Duration::from_millis(200);
    let server = KeyServer::http(slow.clone());
    let verifier = service(remote_config(Algorithm::RS256, &server.url()), &clock).unwrap();
    // Inside a runtime the first fetch runs there: the first request waits for it.
    let first = issuer.create_access_token(&"alice").unwrap();
    let claims = verifier
        .decode_token_async(&first, jwt_runtime::DecodeOptions::default())
        .await
        .unwrap();
    assert_eq!(claims.identity::<String>().unwrap(), "alice");
    assert_eq!(server.fetches(), 1);
    // The set expires: 50 requests arrive at once, and one fetch serves them all.
    clock.advance(Duration::from_secs(601));
    let token = issuer.create_access_token(&"alice").unwrap();
    assert_all_decode_as(&verifier, &token, 50, "alice").await;
    assert_eq!(server.fetches(), 2);
    // The same for 50 requests with a kid the set does not know yet.
    slow.body = set(&[jwk(&issuer), jwk(&rotated)]).to_string().into_bytes();
    server.answer(slow);
    clock.advance(Duration::from_secs(31));
    let token = rotated.create_access_token(&"bob").unwrap();
    assert_all_decode_as(&verifier, &token, 50, "bob").await;
    assert_eq!(server.fetches(), 3);
}

#[test]
fn oidc_discovery_finds_the_set_and_the_issuer() {
    let clock = clock();
    let server = KeyServer::http(Answer::json(&Value::Null));
    let issuer_url = server.issuer();
    let (private, public) = Key::Rsa.pems();
    let idp = JwtManager::builder(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(private)
            .public_key(public)
            .public_key_id("idp-1")
            .encode_issuer(issuer_url.clone()),
    )
    .ignore_registered_loaders()
    .clock(clock.source())
    .build()
    .unwrap();
    server.serve(&set(&[jwk(&idp)]));
    let verifier = service(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .oidc_issuer(issuer_url.clone()),
        &clock,
    )
    .unwrap();
    assert_eq!((server.discovery_fetches(), server.fetches()), (1, 1));
    let token = idp.create_access_token(&"alice").unwrap();
    assert_eq!(identity(&verifier, &token).unwrap(), "alice");
    // Its tokens must name it.
    let elsewhere = provider(Key::Rsa, "idp-1", &clock);
    let err = refused(&verifier, &elsewhere.create_access_token(&"eve").unwrap());
    assert_eq!(err.message(), r#"Token is missing the "iss" claim"#);
    // The discovery document is read once; later fetches go to its jwks_uri.
    clock.advance(Duration::from_secs(451));
    assert_eq!(identity(&verifier, &token).unwrap(), "alice");
    assert_eq!((server.discovery_fetches(), server.fetches()), (1, 2));
    // A discovery document that names another issuer is not trusted.
    server.claim_issuer("https://impostor.example");
    let misled = service(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .oidc_issuer(issuer_url.clone()),
        &clock,
    )
    .unwrap();
    let err = refused(&misled, &token);
    assert_unavailable(&err);
    assert!(err.to_string().contains("JWT_OIDC_ISSUER"), "{err}");
}

#[test]
fn a_static_key_beside_a_set_verifies_tokens_without_kid_and_with_its_own_kid() {
    let clock = clock();
    let idp = provider(Key::Ec, "idp", &clock);
    let server = KeyServer::http(Answer::json(&set(&[jwk(&idp)])));
    // This service signs its own tokens (the EC fixture key, kid "self") and also
    // accepts the identity provider's.
    let (self_private, self_public) = Key::Ec.pems();
    let service_manager = service(
        remote_config(Algorithm::ES256, &server.url())
            .private_key(self_private)
            .public_key(self_public)
            .public_key_id("self"),
        &clock,
    )
    .unwrap();
    let own_token = service_manager.create_access_token(&"me").unwrap();
    let header = service_manager
        .get_unverified_jwt_headers(&own_token)
        .unwrap();
    assert_eq!(header["kid"], "self");
    assert_eq!(identity(&service_manager, &own_token).unwrap(), "me");
    assert_eq!(
        identity(
            &service_manager,
            &idp.create_access_token(&"alice").unwrap()
        )
        .unwrap(),
        "alice"
    );
    // The set unavailable: its own tokens still verify with the static key.
    let mut down = Answer::json(&Value::Null);
    down.status = 503;
    server.answer(down);
    clock.advance(Duration::from_secs(601));
    let own_token = service_manager.create_access_token(&"me").unwrap();
    assert_eq!(identity(&service_manager, &own_token).unwrap(), "me");
    let idp_token = idp.create_access_token(&"alice").unwrap();
    assert_unavailable(&refused(&service_manager, &idp_token));
}

#[test]
fn this_library_publishes_its_own_keys_as_a_set() {
    let clock = clock();
    let (private, public) = Key::Rsa2.pems();
    let manager = JwtManager::builder(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(private)
            .public_key(public)
            .public_key_id("current")
            .public_key_fallbacks([fixture_key("rsa_public")]),
    )
    .ignore_registered_loaders()
    .clock(clock.source())
    .build()
    .unwrap();
    let set = serde_json::to_value(manager.jwks()).unwrap();
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kid"], "current");
    for key in keys {
        assert_eq!(key["kty"], "RSA");
        assert_eq!(key["alg"], "RS256");
        assert_eq!(key["use"], "sig");
        assert!(key.get("d").is_none(), "no private part is published");
    }
    // The fallback's kid is its RFC 7638 thumbprint: what the former key would have had
    // as its id if it had been named by its thumbprint.
    let former = provider(Key::Rsa, "x", &clock);
    let thumbprint = former.jwks().keys[0]
        .thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
        .unwrap();
    assert_eq!(keys[1]["kid"], thumbprint.as_str());
    // HMAC keys are secret: nothing is published.
    let hmac = JwtManager::new(JwtConfig::default().secret_key(jwt_tests::SECRET)).unwrap();
    assert!(hmac.jwks().keys.is_empty());
}

#[actix_web::test]
async fn the_jwks_resource_serves_the_set_and_404_for_hmac() {
    use actix_web::{App, test};
    let (private, public) = Key::Ed.pems();
    let manager = JwtManager::new(
        JwtConfig::default()
            .algorithm(Algorithm::EdDSA)
            .private_key(private)
            .public_key(public)
            .public_key_id("ed-1"),
    )
    .unwrap();
    let app = test::init_service(App::new().service(manager.jwks_resource())).await;
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/.well-known/jwks.json")
            .to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/json"
    );
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body, serde_json::to_value(manager.jwks()).unwrap());
    assert_eq!(body["keys"][0]["crv"], "Ed25519");
    assert_eq!(body["keys"][0]["kid"], "ed-1");
    let hmac = JwtManager::new(JwtConfig::default().secret_key(jwt_tests::SECRET)).unwrap();
    let app = test::init_service(App::new().service(hmac.jwks_resource())).await;
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/.well-known/jwks.json")
            .to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 404);
}

#[test]
fn one_instance_of_this_library_is_another_ones_key_source() {
    // The signing service: reference_server with RS256 keys and a kid.
    let (private, public) = Key::Rsa.pems();
    let login = jwt_tests::server::ExampleServer::spawn(
        "reference_server",
        &[
            ("JWT_ALGORITHM", "RS256"),
            ("JWT_PRIVATE_KEY", &private),
            ("JWT_PUBLIC_KEY", &public),
            ("JWT_PUBLIC_KEY_ID", "login-1"),
        ],
    );
    let (status, tokens) = login.request(
        "POST",
        "/login",
        "",
        Some(&json!({"username": "test", "password": "test"})),
    );
    assert_eq!(status, 200);
    let (status, published) = login.request("GET", "/.well-known/jwks.json", "", None);
    assert_eq!(status, 200);
    assert_eq!(published["keys"][0]["kid"], "login-1");
    // The verifying service: this library again, with the login service's set.
    let url = format!("http://127.0.0.1:{}/.well-known/jwks.json", login.port());
    let verifier = JwtManager::builder(remote_config(Algorithm::RS256, &url))
        .ignore_registered_loaders()
        .build()
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(identity(&verifier, token).unwrap(), "test");
}

#[test]
fn key_set_options_are_checked_at_start_up() {
    let rs = || JwtConfig::default().algorithm(Algorithm::RS256);
    let err = |config: JwtConfig| JwtManager::new(config).unwrap_err();
    let e = err(JwtConfig::default()
        .secret_key(jwt_tests::SECRET)
        .jwks_url("http://127.0.0.1:1/jwks"));
    assert_eq!(e.option(), Some("JWT_JWKS_URL"));
    assert!(e.to_string().contains("symmetric"), "{e}");
    let e = err(rs()
        .jwks_url("http://127.0.0.1:1/jwks")
        .oidc_issuer("http://127.0.0.1:1"));
    assert_eq!(e.option(), Some("JWT_OIDC_ISSUER"));
    for bad in ["ftp://example.com/jwks", "not a url", "file:///etc/passwd"] {
        let e = err(rs().jwks_url(bad));
        assert_eq!(e.option(), Some("JWT_JWKS_URL"), "{bad}");
    }
    for (option, config) in [
        ("JWT_JWKS_TIMEOUT", rs().jwks_timeout(Duration::ZERO)),
        (
            "JWT_JWKS_CONNECT_TIMEOUT",
            rs().jwks_connect_timeout(Duration::ZERO),
        ),
        (
            "JWT_JWKS_REFETCH_SECONDS",
            rs().jwks_refetch_seconds(Duration::ZERO),
        ),
        (
            "JWT_JWKS_CACHE_SECONDS",
            rs().jwks_cache_seconds(Duration::ZERO),
        ),
    ] {
        let e = err(config.jwks_url("http://127.0.0.1:1/jwks"));
        assert_eq!(e.option(), Some(option));
    }
    let e = err(rs()
        .oidc_issuer("http://127.0.0.1:1")
        .decode_issuer(["someone-else"]));
    assert_eq!(e.option(), Some("JWT_DECODE_ISSUER"));
    // No key at all: still an error naming JWT_PUBLIC_KEY.
    assert_eq!(err(rs()).option(), Some("JWT_PUBLIC_KEY"));
    // A given set that holds no usable key.
    let e = JwtManager::builder(rs())
        .jwk_set(serde_json::from_value(json!({"keys": []})).unwrap())
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("no key usable with RS256"), "{e}");
    // The options from the environment.
    let config = JwtConfig::from_lookup(|name| {
        match name {
            "JWT_ALGORITHM" => Some("ES256"),
            "JWT_JWKS_URL" => Some("https://idp.example/jwks"),
            "JWT_JWKS_CACHE_SECONDS" => Some("120"),
            "JWT_JWKS_REFETCH_SECONDS" => Some("10"),
            "JWT_JWKS_CONNECT_TIMEOUT" => Some("1"),
            "JWT_JWKS_TIMEOUT" => Some("3"),
            "JWT_PUBLIC_KEY_ID" => Some("k-7"),
            _ => None,
        }
        .map(str::to_owned)
    })
    .unwrap();
    assert_eq!(config.jwks_url.as_deref(), Some("https://idp.example/jwks"));
    assert_eq!(config.jwks_cache_seconds, Duration::from_secs(120));
    assert_eq!(config.jwks_refetch_seconds, Duration::from_secs(10));
    assert_eq!(config.jwks_connect_timeout, Duration::from_secs(1));
    assert_eq!(config.jwks_timeout, Duration::from_secs(3));
    assert_eq!(config.public_key_id.as_deref(), Some("k-7"));
}

/// A provider that names itself `issuer` in its tokens.
fn named_provider(key: Key, kid: &str, issuer: &str, clock: &ManualClock) -> JwtManager {
    let (private, public) = key.pems();
    JwtManager::builder(
        JwtConfig::default()
            .algorithm(key.algorithm())
            .private_key(private)
            .public_key(public)
            .public_key_id(kid)
            .encode_issuer(issuer),
    )
    .ignore_registered_loaders()
    .clock(clock.source())
    .build()
    .unwrap()
}

#[test]
fn each_issuer_verifies_with_its_own_keys_only() {
    use jwt_runtime::KeySource;
    let clock = clock();
    let login = named_provider(Key::Rsa, "login-1", "https://login.example", &clock);
    let partner = named_provider(Key::Rsa2, "p-1", "https://partner.example", &clock);
    let remote = named_provider(Key::Rsa2, "r-1", "https://remote.example", &clock);
    let server = KeyServer::http(Answer::json(&set(&[jwk(&remote)])));
    let (_, login_public) = Key::Rsa.pems();
    let (own_private, own_public) = Key::Rsa2.pems();
    let service = JwtManager::builder(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(own_private)
            .public_key(own_public)
            .encode_issuer("https://self.example")
            .decode_issuer(["https://self.example"]),
    )
    .ignore_registered_loaders()
    .clock(clock.source())
    .issuer("https://login.example", KeySource::PublicKey(login_public))
    .issuer(
        "https://partner.example",
        KeySource::JwkSet(serde_json::from_value(set(&[jwk(&partner)])).unwrap()),
    )
    .issuer("https://remote.example", KeySource::JwksUrl(server.url()))
    .build()
    .unwrap();
    for (issuer, name) in [
        (&login, "l"),
        (&partner, "p"),
        (&remote, "r"),
        (&service, "s"),
    ] {
        let token = issuer.create_access_token(&name).unwrap();
        assert_eq!(identity(&service, &token).unwrap(), name);
    }
    // The partner's key cannot sign for the login service, nor the service's own key
    // for the partner (the same key material, bound to another issuer).
    let forged = named_provider(Key::Rsa2, "login-1", "https://login.example", &clock);
    let err = refused(&service, &forged.create_access_token(&"eve").unwrap());
    assert_eq!(err.message(), "Signature verification failed");
    let forged = named_provider(Key::Rsa, "p-1", "https://partner.example", &clock);
    let err = refused(&service, &forged.create_access_token(&"eve").unwrap());
    assert_eq!(err.message(), "Signature verification failed");
    // Unlisted and missing issuers are refused before any key is touched.
    let stranger = named_provider(Key::Rsa2, "x", "https://stranger.example", &clock);
    let err = refused(&service, &stranger.create_access_token(&"eve").unwrap());
    assert_eq!(err.message(), "Invalid issuer");
    let anonymous = provider(Key::Rsa2, "x", &clock);
    let err = refused(&service, &anonymous.create_access_token(&"eve").unwrap());
    assert_eq!(err.message(), r#"Token is missing the "iss" claim"#);
    // Binding mistakes are start-up errors.
    let base = || {
        JwtManager::builder(JwtConfig::default().algorithm(Algorithm::RS256))
            .ignore_registered_loaders()
    };
    let pem = || KeySource::PublicKey(Key::Rsa.pems().1);
    let e = base()
        .issuer("a", pem())
        .issuer("a", pem())
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("bound to keys twice"), "{e}");
    let e = base().issuer(" ", pem()).build().unwrap_err();
    assert_eq!(e.option(), Some("JWT_DECODE_ISSUER"));
    let e = base()
        .issuer("a", KeySource::PublicKey("not a key".to_owned()))
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("not a valid public key"), "{e}");
    let e = base()
        .issuer("a", KeySource::PublicKey(Key::Ec.pems().1))
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("not a valid public key"), "{e}");
    let e = JwtManager::builder(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .decode_issuer(["a"]),
    )
    .issuer("a", pem())
    .build()
    .unwrap_err();
    assert!(e.to_string().contains("do not list it"), "{e}");
}

#[actix_web::test]
async fn a_sync_decode_inside_a_runtime_refreshes_in_the_background() {
    let clock = clock();
    let issuer = provider(Key::Rsa, "k", &clock);
    let mut down = Answer::json(&Value::Null);
    down.status = 502;
    let server = KeyServer::http(down);
    let verifier = service(remote_config(Algorithm::RS256, &server.url()), &clock).unwrap();
    let token = issuer.create_access_token(&"alice").unwrap();
    // Let the first fetch (started in the background) fail.
    let claims = verifier.decode_token_async(&token, jwt_runtime::DecodeOptions::default());
    assert_unavailable(&claims.await.unwrap_err());
    server.serve(&set(&[jwk(&issuer)]));
    clock.advance(Duration::from_secs(2));
    // A plain decode_token cannot wait: it answers 503 now and starts a fetch.
    assert_unavailable(&refused(&verifier, &token));
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.fetches() < 2 || verifier.decode_token(&token).is_err() {
        assert!(Instant::now() < deadline, "no background fetch");
        actix_web::rt::task::yield_now().await;
    }
    assert_eq!(identity(&verifier, &token).unwrap(), "alice");
    assert_eq!(server.fetches(), 2);
}

#[test]
fn fallback_keys_beside_a_set_do_not_hide_it() {
    let clock = clock();
    let current = provider(Key::Rsa2, "current", &clock);
    let unnamed = JwtManager::builder(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(Key::Rsa2.pems().0)
            .public_key(Key::Rsa2.pems().1),
    )
    .ignore_registered_loaders()
    .clock(clock.source())
    .build()
    .unwrap();
    let verifier = JwtManager::builder(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .public_key_id("current")
            .public_key_fallbacks([fixture_key("rsa_public")]),
    )
    .ignore_registered_loaders()
    .clock(clock.source())
    .jwk_set(serde_json::from_value(set(&[jwk(&current)])).unwrap())
    .build()
    .unwrap();
    // Without JWT_PUBLIC_KEY, a token without kid (or with the own kid) is the set's.
    let token = unnamed.create_access_token(&"bob").unwrap();
    assert_eq!(identity(&verifier, &token).unwrap(), "bob");
    let token = current.create_access_token(&"carol").unwrap();
    assert_eq!(identity(&verifier, &token).unwrap(), "carol");
    // The fallback is published under its thumbprint, not under JWT_PUBLIC_KEY_ID.
    let published = serde_json::to_value(verifier.jwks()).unwrap();
    assert_eq!(published["keys"].as_array().unwrap().len(), 1);
    assert_ne!(published["keys"][0]["kid"], "current");
}

#[test]
fn a_token_with_a_bad_header_never_fetches() {
    let clock = clock();
    let issuer = provider(Key::Rsa, "k", &clock);
    let server = KeyServer::http(Answer::json(&set(&[jwk(&issuer)])));
    let verifier = service(remote_config(Algorithm::RS256, &server.url()), &clock).unwrap();
    clock.advance(Duration::from_secs(31));
    let none = format!(
        "{}.{}.",
        jwt_tests::b64(r#"{"alg":"none","kid":"junk"}"#),
        jwt_tests::b64(r#"{"identity":"eve"}"#)
    );
    assert_eq!(
        refused(&verifier, &none).message(),
        "The specified alg value is not allowed"
    );
    assert_eq!(server.fetches(), 1);
}

#[test]
fn reference_server_verifies_with_a_jwks_url() {
    let clock = ManualClock::starting_now();
    let idp = provider(Key::Ec, "idp-1", &clock);
    let keys = KeyServer::http(Answer::json(&set(&[jwk(&idp)])));
    let server = jwt_tests::server::ExampleServer::spawn(
        "reference_server",
        &[("JWT_ALGORITHM", "ES256"), ("JWT_JWKS_URL", &keys.url())],
    );
    let token = idp.create_access_token(&"alice").unwrap();
    let (status, body) = server.request("GET", "/protected", &token, None);
    assert_eq!((status, &body["identity"]), (200, &json!("alice")));
    // An unknown kid (fetched again, still unknown): 422 with a JSON error.
    let stranger = provider(Key::Ec, "someone-else", &clock);
    let (status, body) = server.request(
        "GET",
        "/protected",
        &stranger.create_access_token(&"eve").unwrap(),
        None,
    );
    assert_eq!(status, 422);
    assert_eq!(body["msg"], UNKNOWN_KID.replace("RS256", "ES256"));
    // It only verifies: creating a token is a 500 that names JWT_PRIVATE_KEY.
    let (status, body) = server.request(
        "POST",
        "/login",
        "",
        Some(&json!({"username": "test", "password": "test"})),
    );
    assert_eq!(status, 500);
    assert!(
        body["msg"].as_str().unwrap().contains("JWT_PRIVATE_KEY"),
        "{body}"
    );
    drop(server);
    // No usable set and the fetch fails: 503 naming the key set; the handler never runs.
    let mut down = Answer::json(&Value::Null);
    down.status = 500;
    keys.answer(down);
    let server = jwt_tests::server::ExampleServer::spawn(
        "reference_server",
        &[("JWT_ALGORITHM", "ES256"), ("JWT_JWKS_URL", &keys.url())],
    );
    let (status, body) = server.request("GET", "/protected", &token, None);
    assert_eq!(status, 503);
    assert!(body["msg"].as_str().unwrap().contains("key set"), "{body}");
    let warnings = server.stop();
    assert!(
        warnings.contains("fetching the JWK Set failed"),
        "{warnings}"
    );
}

#[test]
fn a_server_that_never_accepts_is_a_fetch_failure_after_the_connect_timeout() {
    let clock = clock();
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let address = listener.local_addr().unwrap();
    // Fill its accept queue: a later connection waits for an answer that never comes.
    let mut held = Vec::new();
    while let Ok(stream) =
        std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200))
    {
        held.push(stream);
        assert!(held.len() < 100_000, "the accept queue never filled");
    }
    let started = Instant::now();
    let verifier = service(
        remote_config(Algorithm::RS256, &format!("http://{address}/jwks"))
            .jwks_connect_timeout(Duration::from_secs(1))
            .jwks_timeout(Duration::from_secs(60)),
        &clock,
    )
    .unwrap();
    // The connect timeout ended the fetch, long before the whole-fetch timeout.
    assert!(started.elapsed() < Duration::from_secs(30));
    let token = provider(Key::Rsa, "k", &clock)
        .create_access_token(&"alice")
        .unwrap();
    let err = refused(&verifier, &token);
    assert_unavailable(&err);
    assert!(err.to_string().contains("tcp connect error"), "{err}");
    drop((held, listener));
}
