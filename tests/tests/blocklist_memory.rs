//! `MemoryBlocklist` and the `Blocklist` wiring: `revoke` / `is_revoked`, expiry (no unbounded
//! growth), concurrency, the access + refresh recipe through real requests, and how
//! `JWT_BLACKLIST_ENABLED` / `JWT_BLACKLIST_TOKEN_CHECKS` / `JWT_DECODE_LEEWAY` and store
//! failures play with a blocklist.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::StatusCode;
use actix_web::rt::System;
use jwt_runtime::blocklist::BlocklistError;
use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
use jwt_runtime::config::Expiry;
use jwt_runtime::config::TokenType;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::json;

use jwt_tests::blocklist_app::{
    self, Store, app, builder, login_tokens, logout_request, protected_request, refresh_request,
};
use jwt_tests::{Hits, SECRET, hmac_key, msg, now_seconds, send};

/// Runs a blocklist future to completion.
fn block_on<F: Future>(future: F) -> F::Output {
    System::new().block_on(future)
}

/// A settable clock: Unix seconds.
#[derive(Clone)]
struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn new(at: i64) -> Self {
        TestClock(Arc::new(AtomicI64::new(at)))
    }
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst).try_into().unwrap())
    }
    fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
    fn get(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Counts look-ups, so a test can tell when the blocklist was (not) asked.
struct Counting {
    inner: MemoryBlocklist,
    lookups: AtomicUsize,
}

impl Blocklist for Counting {
    fn is_revoked<'a>(
        &'a self,
        token: &'a Claims,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<bool, BlocklistError>> + 'a>> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        self.inner.is_revoked(token)
    }

    fn revoke_jti<'a>(
        &'a self,
        jti: &'a str,
        expires_at: Option<i64>,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), BlocklistError>> + 'a>> {
        self.inner.revoke_jti(jti, expires_at)
    }
}

/// A store that is down.
struct Down;

impl Blocklist for Down {
    fn is_revoked<'a>(
        &'a self,
        _: &'a Claims,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<bool, BlocklistError>> + 'a>> {
        Box::pin(async { Err(BlocklistError::store("connection refused")) })
    }

    fn revoke_jti<'a>(
        &'a self,
        _: &'a str,
        _: Option<i64>,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), BlocklistError>> + 'a>> {
        Box::pin(async { Err(BlocklistError::store("connection refused")) })
    }
}

/// A token signed with the test secret but without a `jti` (a foreign issuer's, say).
fn token_without_jti() -> String {
    let now = now_seconds();
    let claims = json!({"identity": "foreign", "type": "access", "fresh": false,
                        "iat": now, "nbf": now, "exp": now + 600});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &hmac_key(SECRET.as_bytes()),
    )
    .unwrap()
}

#[test]
fn revoke_then_is_revoked_by_jti_only() {
    let manager = builder(JwtConfig::default())
        .blocklist(MemoryBlocklist::new())
        .build()
        .unwrap();
    let blocklist = MemoryBlocklist::new();
    let decode = |token: &str| manager.decode_token(token).unwrap();
    let alice = decode(&manager.create_access_token(&"alice").unwrap());
    let alice2 = decode(&manager.create_access_token(&"alice").unwrap());
    let refresh = decode(&manager.create_refresh_token(&"alice").unwrap());
    let forever = decode(
        &manager
            .create_access_token_with(&"bot", TokenOptions::default().expires(Expiry::Never))
            .unwrap(),
    );
    block_on(async {
        assert!(!blocklist.is_revoked(&alice).await.unwrap());
        blocklist.revoke(&alice).await.unwrap();
        blocklist.revoke(&alice).await.unwrap(); // twice: still one entry
        assert!(blocklist.is_revoked(&alice).await.unwrap());
        // Same user, another token: not revoked.
        assert!(!blocklist.is_revoked(&alice2).await.unwrap());
        assert!(!blocklist.is_revoked(&refresh).await.unwrap());
        blocklist.revoke(&refresh).await.unwrap();
        blocklist.revoke(&forever).await.unwrap();
        assert!(blocklist.is_revoked(&refresh).await.unwrap());
        assert!(blocklist.is_revoked(&forever).await.unwrap());
    });
    assert_eq!(blocklist.len(), 3);
    assert!(blocklist.contains(alice.jti().unwrap()));

    // A clone shares the store.
    let clone = blocklist.clone();
    block_on(clone.revoke(&alice2)).unwrap();
    assert!(blocklist.contains(alice2.jti().unwrap()));

    // No jti: cannot be revoked, and is refused (fail closed).
    let foreign = manager.decode_token(&token_without_jti()).unwrap();
    assert_eq!(foreign.jti(), None);
    let error = block_on(blocklist.revoke(&foreign)).unwrap_err();
    assert!(error.is_missing_jti());
    assert_eq!(
        error.to_string(),
        "the token has no `jti` claim, so it cannot be revoked"
    );
    assert!(block_on(blocklist.is_revoked(&foreign)).unwrap());
}

#[test]
fn entries_expire_with_their_token_and_memory_stays_bounded() {
    let clock = TestClock::new(1_000_000);
    let blocklist = MemoryBlocklist::with_clock({
        let clock = clock.clone();
        move || clock.now()
    });
    block_on(async {
        // Already expired: nothing to keep.
        blocklist
            .revoke_jti("old", Some(clock.get()))
            .await
            .unwrap();
        blocklist
            .revoke_jti("older", Some(clock.get() - 100))
            .await
            .unwrap();
        assert!(blocklist.is_empty());

        blocklist
            .revoke_jti("short", Some(clock.get() + 10))
            .await
            .unwrap();
        blocklist.revoke_jti("forever", None).await.unwrap();
        // Revoked again with an earlier exp: the longer entry wins.
        blocklist
            .revoke_jti("short", Some(clock.get() + 5))
            .await
            .unwrap();
    });
    assert_eq!(blocklist.len(), 2);
    clock.advance(9);
    assert!(blocklist.contains("short"));
    clock.advance(1); // exp reached: the token itself is expired now
    assert!(!blocklist.contains("short"));
    assert_eq!(blocklist.len(), 1, "read lazily removes the expired entry");
    assert!(blocklist.contains("forever"));

    // Many revocations over time: only the still-valid ones are kept (plus a bounded
    // amount not yet swept), however many were ever revoked.
    let per_round = 5_000_i64;
    let mut max_len = 0;
    block_on(async {
        for round in 0..40 {
            for i in 0..per_round {
                blocklist
                    .revoke_jti(&format!("r{round}-{i}"), Some(clock.get() + 60))
                    .await
                    .unwrap();
            }
            max_len = max_len.max(blocklist.len());
            clock.advance(61);
        }
    });
    let per_round = usize::try_from(per_round).unwrap();
    // 200_000 revoked in all; at most one round alive at a time.
    assert!(
        max_len <= 2 * per_round + 16 * 64 + 1,
        "{max_len} entries held for {per_round} live ones"
    );
    assert!(blocklist.contains("forever"));
    // Every round has expired by now: a sweep leaves the never-expiring entry only.
    blocklist.purge_expired();
    assert_eq!(blocklist.len(), 1);
}

#[test]
fn retain_after_expiry_keeps_entries_for_the_leeway() {
    let clock = TestClock::new(2_000_000);
    let blocklist = MemoryBlocklist::with_clock({
        let clock = clock.clone();
        move || clock.now()
    });
    blocklist.retain_after_expiry(Duration::from_millis(29_500)); // rounds up to 30 s
    blocklist.retain_after_expiry(Duration::from_secs(5)); // never lowers
    block_on(blocklist.revoke_jti("t", Some(clock.get() + 10))).unwrap();
    clock.advance(39);
    assert!(blocklist.contains("t"));
    clock.advance(1);
    assert!(!blocklist.contains("t"));
    // Expired 20 s ago, but within the 30 s margin: still worth keeping.
    block_on(blocklist.revoke_jti("late", Some(clock.get() - 20))).unwrap();
    assert!(blocklist.contains("late"));
}

#[test]
fn concurrent_revocations_and_lookups_from_many_threads() {
    let blocklist = MemoryBlocklist::new();
    let exp = now_seconds() + 3600;
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let blocklist = blocklist.clone();
            std::thread::spawn(move || {
                System::new().block_on(async {
                    for i in 0..2_000 {
                        let jti = format!("{t}-{i}");
                        assert!(!blocklist.contains(&jti));
                        blocklist.revoke_jti(&jti, Some(exp)).await.unwrap();
                        assert!(blocklist.contains(&jti));
                        // Another thread's entries, possibly being written right now.
                        let _ = blocklist.contains(&format!("{}-{i}", (t + 1) % 8));
                    }
                });
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(blocklist.len(), 8 * 2_000);
    assert!((0..8).all(|t| (0..2_000).all(|i| blocklist.contains(&format!("{t}-{i}")))));
}

#[actix_web::test]
async fn logout_revokes_access_and_refresh_tokens_together() {
    let blocklist = MemoryBlocklist::new();
    let manager = builder(JwtConfig::default())
        .blocklist(blocklist.clone())
        .build()
        .unwrap();
    let store = Store::from(Arc::new(blocklist.clone()) as Arc<dyn Blocklist>);
    let runs = Hits::new_data();
    let app = app(&manager, &store, &runs).await;
    let (access, refresh) = blocklist_app::logout_revokes_both(&app, &runs).await;
    let jti = |token: &str| manager.get_jti(token).unwrap().unwrap();
    assert!(blocklist.contains(&jti(&access)));
    assert!(blocklist.contains(&jti(&refresh)));
}

#[actix_web::test]
async fn token_checks_decide_which_types_are_looked_up() {
    for (checks, access_refused, refresh_refused) in [
        (vec![TokenType::Access, TokenType::Refresh], true, true),
        (vec![TokenType::Access], true, false),
        (vec![TokenType::Refresh], false, true),
        (vec![], false, false),
    ] {
        let counting = Arc::new(Counting {
            inner: MemoryBlocklist::new(),
            lookups: AtomicUsize::new(0),
        });
        let manager = JwtManager::builder(
            JwtConfig::default()
                .secret_key(SECRET)
                .blacklist_enabled(true)
                .blacklist_token_checks(checks.clone()),
        )
        .ignore_registered_loaders()
        .blocklist(Arc::clone(&counting))
        .build()
        .unwrap();
        let store = Store::from(Arc::clone(&counting) as Arc<dyn Blocklist>);
        let runs = Hits::new_data();
        let app = app(&manager, &store, &runs).await;
        let (access, refresh) = login_tokens(&app, "bob").await;
        for token in [&access, &refresh] {
            let claims = manager.decode_token(token).unwrap();
            counting.inner.revoke(&claims).await.unwrap();
        }
        let lookups = counting.lookups.load(Ordering::SeqCst);
        let revoked = (StatusCode::UNAUTHORIZED, msg("Token has been revoked"));
        let access_answer = send(&app, protected_request(&access)).await;
        let refresh_answer = send(&app, refresh_request(&refresh)).await;
        assert_eq!(access_answer == revoked, access_refused, "{checks:?}");
        assert_eq!(refresh_answer == revoked, refresh_refused, "{checks:?}");
        assert_eq!(
            counting.lookups.load(Ordering::SeqCst) - lookups,
            checks.len(),
            "only the checked types are looked up: {checks:?}"
        );
        // A wrong token type is refused before the look-up.
        let lookups = counting.lookups.load(Ordering::SeqCst);
        assert_eq!(
            send(&app, protected_request(&refresh)).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                msg("Only access tokens are allowed")
            )
        );
        assert_eq!(counting.lookups.load(Ordering::SeqCst), lookups);
    }
}

#[actix_web::test]
async fn blacklist_disabled_never_asks_the_blocklist() {
    let counting = Arc::new(Counting {
        inner: MemoryBlocklist::new(),
        lookups: AtomicUsize::new(0),
    });
    let manager = JwtManager::builder(JwtConfig::default().secret_key(SECRET))
        .ignore_registered_loaders()
        .blocklist(Arc::clone(&counting))
        .build()
        .unwrap();
    let store = Store::from(Arc::clone(&counting) as Arc<dyn Blocklist>);
    let runs = Hits::new_data();
    let app = app(&manager, &store, &runs).await;
    let (access, _) = login_tokens(&app, "carol").await;
    assert_eq!(send(&app, logout_request(&access)).await.0, StatusCode::OK);
    // Revoked in the store, but JWT_BLACKLIST_ENABLED is false, as the reference has it.
    assert_eq!(
        send(&app, protected_request(&access)).await.0,
        StatusCode::OK
    );
    assert_eq!(counting.lookups.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn a_store_that_cannot_answer_refuses_every_request() {
    let manager = builder(JwtConfig::default())
        .blocklist(Down)
        .build()
        .unwrap();
    let store = Store::from(Arc::new(Down) as Arc<dyn Blocklist>);
    let runs = Hits::new_data();
    let app = app(&manager, &store, &runs).await;
    let (access, refresh) = login_tokens(&app, "dave").await;
    let unavailable = (
        StatusCode::SERVICE_UNAVAILABLE,
        msg("Token revocation check failed; try again later"),
    );
    assert_eq!(send(&app, protected_request(&access)).await, unavailable);
    assert_eq!(send(&app, refresh_request(&refresh)).await, unavailable);
    assert_eq!(send(&app, logout_request(&access)).await, unavailable);
    assert_eq!(runs.count(), 0, "no handler ran");
}

#[actix_web::test]
async fn a_token_without_jti_is_refused_where_revocation_is_checked() {
    let manager = builder(JwtConfig::default())
        .blocklist(MemoryBlocklist::new())
        .build()
        .unwrap();
    let store = Store::from(Arc::new(MemoryBlocklist::new()) as Arc<dyn Blocklist>);
    let runs = Hits::new_data();
    let app = app(&manager, &store, &runs).await;
    assert_eq!(
        send(&app, protected_request(&token_without_jti())).await,
        (StatusCode::UNAUTHORIZED, msg("Token has been revoked"))
    );
    assert_eq!(runs.count(), 0);
}

#[actix_web::test]
async fn a_revoked_token_stays_refused_through_the_decode_leeway() {
    let clock = TestClock::new(now_seconds());
    let blocklist = MemoryBlocklist::with_clock({
        let clock = clock.clone();
        move || clock.now()
    });
    let manager = builder(JwtConfig::default().decode_leeway(Duration::from_secs(30)))
        .clock({
            let clock = clock.clone();
            move || clock.now()
        })
        .blocklist(blocklist.clone())
        .build()
        .unwrap();
    let store = Store::from(Arc::new(blocklist.clone()) as Arc<dyn Blocklist>);
    let runs = Hits::new_data();
    let app = app(&manager, &store, &runs).await;
    let token = manager
        .create_access_token_with(
            &"erin",
            TokenOptions::default().expires(Duration::from_secs(10)),
        )
        .unwrap();
    assert_eq!(send(&app, logout_request(&token)).await.0, StatusCode::OK);
    // 20 s past exp: the manager still accepts the token (leeway 30 s), so the
    // blocklist must still refuse it.
    clock.advance(30);
    assert_eq!(
        send(&app, protected_request(&token)).await,
        (StatusCode::UNAUTHORIZED, msg("Token has been revoked"))
    );
    // Past exp + leeway: expired, and the entry is gone.
    clock.advance(10);
    assert_eq!(
        send(&app, protected_request(&token)).await,
        (StatusCode::UNAUTHORIZED, msg("Token has expired"))
    );
    assert_eq!(blocklist.purge_expired(), 1);
    assert!(blocklist.is_empty());
    assert_eq!(runs.count(), 0);
}

#[test]
fn blocklist_errors_display_and_chain() {
    let error = BlocklistError::store(std::io::Error::other("timed out"));
    assert_eq!(error.to_string(), "the revocation store failed: timed out");
    assert_eq!(
        std::error::Error::source(&error).map(ToString::to_string),
        Some("timed out".to_owned())
    );
    assert!(std::error::Error::source(&BlocklistError::MissingJti).is_none());
}
