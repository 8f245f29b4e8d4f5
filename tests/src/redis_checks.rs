//! What the Redis store tests ask of a `RedisBlocklist`: tokens to check, and waits for
//! a revocation to arrive, a fault to be noticed, or Redis to answer again. Each wait
//! yields or sleeps briefly and gives up after [`PATIENCE`]; none measures anything.

use std::time::{Duration, Instant};

use jwt_runtime::blocklist::{Blocklist, RedisBlocklist};
use jwt_runtime::{Claims, JwtConfig, JwtManager};

use crate::SECRET;

/// Long enough for any step on a loaded machine (a failover included).
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A manager with the tests' secret and no registered loaders.
#[must_use]
pub fn manager() -> JwtManager {
    JwtManager::builder(JwtConfig::default().secret_key(SECRET))
        .ignore_registered_loaders()
        .build()
        .unwrap()
}

/// The claims of a new access token for `identity`.
#[must_use]
pub fn token(manager: &JwtManager, identity: &str) -> Claims {
    manager
        .decode_token(&manager.create_access_token(&identity).unwrap())
        .unwrap()
}

/// Waits (yielding, never sleeping a fixed time) until `store` answers that `claims` is
/// revoked (an error does not count); how long.
pub async fn until_refused(store: &RedisBlocklist, claims: &Claims) -> Duration {
    let started = Instant::now();
    while !store.is_revoked(claims).await.unwrap_or(false) {
        assert!(started.elapsed() < PATIENCE, "never refused");
        actix_web::rt::task::yield_now().await;
    }
    started.elapsed()
}

/// Waits until the store's copy is out of sync (a fault was noticed); how long.
pub async fn until_out_of_sync(store: &RedisBlocklist) -> Duration {
    let started = Instant::now();
    while store.is_mirror_in_sync() == Some(true) {
        assert!(started.elapsed() < PATIENCE, "the fault was never noticed");
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    started.elapsed()
}

/// Waits until `store` answers for `claims` at all (Redis is serving again); the answer.
pub async fn until_answered(store: &RedisBlocklist, claims: &Claims) -> bool {
    let started = Instant::now();
    loop {
        if let Ok(revoked) = store.is_revoked(claims).await {
            return revoked;
        }
        assert!(started.elapsed() < PATIENCE, "never answered again");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The claims of a new access token of a login (`fam`) of `identity`.
#[must_use]
pub fn token_of_login(manager: &JwtManager, identity: &str, family: &str) -> Claims {
    let pair = manager
        .create_token_pair(
            &identity,
            jwt_runtime::TokenOptions::default().family(family),
        )
        .unwrap();
    manager.decode_token(&pair.access_token).unwrap()
}
