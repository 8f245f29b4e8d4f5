//! `RedisBlocklist` in its direct mode against a real `redis-server`: TTLs, one round trip per check, the
//! access + refresh recipe, two managers sharing one Redis, and an outage (requests refused,
//! never let through; revocations survive the restart).
//!
//! Skipped, with the reason printed, when `REDIS_URL` is not set (`.ci/run` starts a
//! `redis-server` and sets it). The round-trip and outage tests start their own
//! `redis-server` (from `PATH`) on a free loopback port, so they can stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use jwt_runtime::JwtConfig;
use jwt_runtime::blocklist::Blocklist;
use jwt_runtime::blocklist::RedisBlocklist;
use jwt_runtime::config::Expiry;
use jwt_runtime::prelude::*;
use serde_json::json;

use jwt_tests::blocklist_app::{
    self, Store, app, builder, login_tokens, logout_request, protected_request, refresh_request,
};
use jwt_tests::redis_server::{RedisServer, admin, commands, reset_stats};
use jwt_tests::{Hits, SECRET, hmac_key, msg, now_seconds, redis_prefix, redis_url, send};

fn ttl(admin: &mut redis::Connection, key: &str) -> i64 {
    redis::cmd("TTL").arg(key).query(admin).unwrap()
}

/// What one run of the revoke script counts (for a token that expires, into a live set
/// that exists): the script and the commands it runs.
fn revoke_script() -> HashMap<String, u64> {
    [
        "evalsha",
        "set",
        "zremrangebyscore",
        "ttl",
        "zadd",
        "expireat",
        "publish",
    ]
    .into_iter()
    .map(|command| (command.to_owned(), 1))
    .collect()
}

#[actix_web::test]
async fn revoke_stores_the_jti_for_the_token_remaining_lifetime() {
    let Some(url) = redis_url("revoke_stores_the_jti_for_the_token_remaining_lifetime") else {
        return;
    };
    let prefix = redis_prefix("ttl");
    let blocklist = RedisBlocklist::connect_direct(&url, &prefix).await.unwrap();
    let mut admin = admin(&url);
    let manager = builder(JwtConfig::default())
        .blocklist(blocklist.clone())
        .build()
        .unwrap();
    let decode = |token: String| manager.decode_token(&token).unwrap();
    let expiring = decode(
        manager
            .create_access_token_with(
                &"alice",
                TokenOptions::default().expires(Duration::from_secs(1000)),
            )
            .unwrap(),
    );
    let other = decode(manager.create_access_token(&"alice").unwrap());
    let forever = decode(
        manager
            .create_access_token_with(&"bot", TokenOptions::default().expires(Expiry::Never))
            .unwrap(),
    );
    let key = |claims: &Claims| blocklist.key(claims.jti().unwrap());
    assert_eq!(
        key(&expiring),
        format!("{prefix}:{}", expiring.jti().unwrap())
    );

    assert!(!blocklist.is_revoked(&expiring).await.unwrap());
    blocklist.revoke(&expiring).await.unwrap();
    assert!(blocklist.is_revoked(&expiring).await.unwrap());
    assert!(!blocklist.is_revoked(&other).await.unwrap());
    let remaining = ttl(&mut admin, &key(&expiring));
    assert!((998..=1000).contains(&remaining), "TTL {remaining}");

    // Never expires: no TTL (-1), revoked for good.
    blocklist.revoke(&forever).await.unwrap();
    assert_eq!(ttl(&mut admin, &key(&forever)), -1);
    assert!(blocklist.is_revoked(&forever).await.unwrap());

    // Already expired: no entry at all (-2).
    blocklist
        .revoke_jti("expired", Some(now_seconds() - 5))
        .await
        .unwrap();
    assert_eq!(ttl(&mut admin, &blocklist.key("expired")), -2);

    // A manager with a decode leeway keeps entries that much longer.
    let with_leeway = RedisBlocklist::connect_direct(&url, &prefix).await.unwrap();
    let _manager = builder(JwtConfig::default().decode_leeway(Duration::from_secs(30)))
        .blocklist(with_leeway.clone())
        .build()
        .unwrap();
    with_leeway.revoke(&other).await.unwrap();
    let remaining = ttl(&mut admin, &key(&other));
    // 15 minutes (the default lifetime) + 30 s.
    assert!((928..=930).contains(&remaining), "TTL {remaining}");

    // A second connection (another server) sees the same revocations.
    let elsewhere = RedisBlocklist::connect_direct(&url, &prefix).await.unwrap();
    assert!(elsewhere.is_revoked(&expiring).await.unwrap());
    assert!(elsewhere.is_revoked(&forever).await.unwrap());
    // ... under the same prefix only.
    let other_app = RedisBlocklist::connect_direct(&url, &format!("{prefix}-other"))
        .await
        .unwrap();
    assert!(!other_app.is_revoked(&expiring).await.unwrap());

    redis::cmd("DEL")
        .arg(key(&forever))
        .query::<()>(&mut admin)
        .unwrap();
}

#[actix_web::test]
async fn a_token_expiring_past_year_9999_is_revoked_for_good() {
    // Such an `exp` (a foreign token can carry any) needs a TTL Redis refuses
    // ("invalid expire time"): the revocation must still be stored, without one.
    let Some(url) = redis_url("a_token_expiring_past_year_9999_is_revoked_for_good") else {
        return;
    };
    let blocklist = RedisBlocklist::connect_direct(&url, &redis_prefix("far-future"))
        .await
        .unwrap();
    let mut admin = admin(&url);
    for exp in [Expiry::LATEST_TIMESTAMP + 1, i64::MAX / 1000, i64::MAX] {
        let jti = format!("far-{exp}");
        blocklist.revoke_jti(&jti, Some(exp)).await.unwrap();
        assert_eq!(ttl(&mut admin, &blocklist.key(&jti)), -1, "exp {exp}");
        redis::cmd("DEL")
            .arg(blocklist.key(&jti))
            .query::<()>(&mut admin)
            .unwrap();
    }
}

#[actix_web::test]
async fn a_token_without_jti_cannot_be_revoked_and_is_refused() {
    let Some(url) = redis_url("a_token_without_jti_cannot_be_revoked_and_is_refused") else {
        return;
    };
    let blocklist = RedisBlocklist::connect_direct(&url, &redis_prefix("no-jti"))
        .await
        .unwrap();
    let now = now_seconds();
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({"identity": "x", "type": "access", "iat": now, "nbf": now, "exp": now + 60}),
        &hmac_key(SECRET.as_bytes()),
    )
    .unwrap();
    let manager = builder(JwtConfig::default())
        .blocklist(blocklist.clone())
        .build()
        .unwrap();
    let claims = manager.decode_token(&token).unwrap();
    assert!(
        blocklist
            .revoke(&claims)
            .await
            .unwrap_err()
            .is_missing_jti()
    );
    assert!(blocklist.is_revoked(&claims).await.unwrap());
}

#[actix_web::test]
async fn each_check_and_each_revocation_is_one_round_trip() {
    let Some(server) = RedisServer::start("each_check_and_each_revocation_is_one_round_trip")
    else {
        return;
    };
    let blocklist = RedisBlocklist::connect_direct(&server.url(), "rt")
        .await
        .unwrap();
    let mut admin = admin(&server.url());
    let manager = builder(JwtConfig::default())
        .blocklist(blocklist.clone())
        .build()
        .unwrap();
    let claims = manager
        .decode_token(&manager.create_access_token(&"a").unwrap())
        .unwrap();
    assert!(!blocklist.is_revoked(&claims).await.unwrap()); // connection warmed up

    // One command: the `jti`, the identity's cut-off (and a login's revocation) at once.
    reset_stats(&mut admin);
    assert!(!blocklist.is_revoked(&claims).await.unwrap());
    assert_eq!(
        commands(&mut admin),
        HashMap::from([("mget".to_owned(), 1)])
    );

    // A revocation is one script: the record, its place in the live set, its event.
    // (The first call loads the script; Redis counts the commands a script runs too.)
    let other = manager
        .decode_token(&manager.create_access_token(&"a").unwrap())
        .unwrap();
    blocklist.revoke(&other).await.unwrap();
    reset_stats(&mut admin);
    blocklist.revoke(&claims).await.unwrap();
    assert_eq!(commands(&mut admin), revoke_script());

    reset_stats(&mut admin);
    assert!(blocklist.is_revoked(&claims).await.unwrap());
    assert_eq!(
        commands(&mut admin),
        HashMap::from([("mget".to_owned(), 1)])
    );

    // Through a request: one MGET per checked request, a token of a login included.
    let store = Store::from(Arc::new(blocklist.clone()) as Arc<dyn Blocklist>);
    let runs = Hits::new_data();
    let app = app(&manager, &store, &runs).await;
    let token = manager.create_access_token(&"b").unwrap();
    let of_login = manager
        .create_token_pair(&"b", TokenOptions::default())
        .unwrap()
        .access_token;
    for token in [token, of_login] {
        reset_stats(&mut admin);
        assert_eq!(
            send(&app, protected_request(&token)).await.0,
            StatusCode::OK
        );
        assert_eq!(
            commands(&mut admin),
            HashMap::from([("mget".to_owned(), 1)])
        );
    }

    // Sessions: revoking a login and a cut-off are one script each.
    reset_stats(&mut admin);
    blocklist
        .revoke_family("a-login", Some(now_seconds() + 60))
        .await
        .unwrap();
    assert_eq!(commands(&mut admin), revoke_script());
    for round in 0..2 {
        reset_stats(&mut admin);
        blocklist
            .revoke_identity_before(&json!("b"), now_seconds())
            .await
            .unwrap();
        let sent = commands(&mut admin);
        if round == 1 {
            assert_eq!(sent.get("evalsha"), Some(&1), "{sent:?}");
        }
    }
}

#[actix_web::test]
async fn logout_revokes_access_and_refresh_tokens_together_in_redis() {
    let Some(url) = redis_url("logout_revokes_access_and_refresh_tokens_together_in_redis") else {
        return;
    };
    let blocklist = RedisBlocklist::connect_direct(&url, &redis_prefix("recipe"))
        .await
        .unwrap();
    let manager = builder(JwtConfig::default())
        .blocklist(blocklist.clone())
        .build()
        .unwrap();
    let store = Store::from(Arc::new(blocklist.clone()) as Arc<dyn Blocklist>);
    let runs = Hits::new_data();
    let app = app(&manager, &store, &runs).await;
    let (access, refresh) = blocklist_app::logout_revokes_both(&app, &runs).await;

    let mut admin = admin(&url);
    let jti = |token: &str| manager.get_jti(token).unwrap().unwrap();
    let access_ttl = ttl(&mut admin, &blocklist.key(&jti(&access)));
    let refresh_ttl = ttl(&mut admin, &blocklist.key(&jti(&refresh)));
    // Default lifetimes: 15 minutes and 30 days.
    assert!((895..=900).contains(&access_ttl), "{access_ttl}");
    assert!(
        (30 * 86_400 - 5..=30 * 86_400).contains(&refresh_ttl),
        "{refresh_ttl}"
    );
}

#[actix_web::test]
async fn two_managers_sharing_redis_refuse_a_token_revoked_through_either() {
    let Some(url) = redis_url("two_managers_sharing_redis_refuse_a_token_revoked_through_either")
    else {
        return;
    };
    let prefix = redis_prefix("shared");
    let mut apps = Vec::new();
    let mut runs_of = Vec::new();
    for _ in 0..2 {
        let blocklist = RedisBlocklist::connect_direct(&url, &prefix).await.unwrap();
        let manager = builder(JwtConfig::default())
            .blocklist(blocklist.clone())
            .build()
            .unwrap();
        let store = Store::from(Arc::new(blocklist) as Arc<dyn Blocklist>);
        let runs = Hits::new_data();
        apps.push(app(&manager, &store, &runs).await);
        runs_of.push(runs);
    }
    let [one, two] = &apps[..] else {
        unreachable!()
    };
    let revoked = (StatusCode::UNAUTHORIZED, msg("Token has been revoked"));

    // Logged in on one, logged out on two: both refuse.
    let (access, refresh) = login_tokens(one, "alice").await;
    assert_eq!(
        send(two, protected_request(&access)).await.0,
        StatusCode::OK
    );
    assert_eq!(send(two, logout_request(&access)).await.0, StatusCode::OK);
    for app in [one, two] {
        assert_eq!(send(app, protected_request(&access)).await, revoked);
        assert_eq!(send(app, refresh_request(&refresh)).await, revoked);
    }
    // And the other way round.
    let (access, _) = login_tokens(two, "bob").await;
    assert_eq!(send(one, logout_request(&access)).await.0, StatusCode::OK);
    for app in [one, two] {
        assert_eq!(send(app, protected_request(&access)).await, revoked);
    }
}

#[actix_web::test]
async fn an_outage_refuses_requests_and_revocations_survive_the_restart() {
    let Some(mut server) =
        RedisServer::start("an_outage_refuses_requests_and_revocations_survive_the_restart")
    else {
        return;
    };
    let blocklist = RedisBlocklist::connect_direct(&server.url(), "outage")
        .await
        .unwrap();
    let manager = builder(JwtConfig::default())
        .blocklist(blocklist.clone())
        .build()
        .unwrap();
    let store = Store::from(Arc::new(blocklist.clone()) as Arc<dyn Blocklist>);
    let runs = Hits::new_data();
    let app = app(&manager, &store, &runs).await;
    let never = |user: &str| {
        manager
            .create_access_token_with(&user, TokenOptions::default().expires(Expiry::Never))
            .unwrap()
    };
    let (revoked_access, revoked_refresh) = login_tokens(&app, "alice").await;
    let revoked_forever = never("bot");
    let (valid_access, valid_refresh) = login_tokens(&app, "bob").await;
    let valid_forever = never("bot");
    assert_eq!(
        send(&app, logout_request(&revoked_access)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, logout_request(&revoked_forever)).await.0,
        StatusCode::OK
    );
    let revoked = (StatusCode::UNAUTHORIZED, msg("Token has been revoked"));
    assert_eq!(
        send(&app, protected_request(&revoked_access)).await,
        revoked
    );
    assert_eq!(
        send(&app, protected_request(&valid_access)).await.0,
        StatusCode::OK
    );
    let runs_before = runs.count();

    // Outage: every checked request is refused, none is let through, and quickly.
    server.stop();
    let unavailable = (
        StatusCode::SERVICE_UNAVAILABLE,
        msg("Token revocation check failed; try again later"),
    );
    for _ in 0..3 {
        for (path, token) in [
            ("/protected", &valid_access),
            ("/protected", &valid_forever),
            ("/protected", &revoked_access),
            ("/protected", &revoked_forever),
            ("/refresh", &valid_refresh),
            ("/refresh", &revoked_refresh),
        ] {
            let request = if path == "/refresh" {
                refresh_request(token)
            } else {
                protected_request(token)
            };
            let started = Instant::now();
            assert_eq!(send(&app, request).await, unavailable, "{path}");
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "took {:?}",
                started.elapsed()
            );
        }
    }
    // Revoking during the outage fails too (the handler says so; nothing is let through).
    assert_eq!(runs.count(), runs_before, "no protected handler ran");

    // Back up, same data directory: the connection comes back by itself and the
    // revocations made before the outage still hold.
    server.run();
    let mut answer = None;
    for _ in 0..100 {
        let got = send(&app, protected_request(&valid_access)).await;
        if got.0 == StatusCode::OK {
            answer = Some(got);
            break;
        }
        assert_eq!(got, unavailable);
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        answer,
        Some((StatusCode::OK, json!({"hello": "bob"}))),
        "reconnected"
    );
    assert_eq!(
        send(&app, protected_request(&revoked_access)).await,
        revoked
    );
    assert_eq!(
        send(&app, protected_request(&revoked_forever)).await,
        revoked
    );
    assert_eq!(send(&app, refresh_request(&revoked_refresh)).await, revoked);
    assert_eq!(
        send(&app, protected_request(&valid_forever)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, refresh_request(&valid_refresh)).await.0,
        StatusCode::OK
    );
    // A fresh login works, and revoking works again.
    let (fresh, _) = login_tokens(&app, "carol").await;
    assert_eq!(
        send(&app, protected_request(&fresh)).await.0,
        StatusCode::OK
    );
    assert_eq!(send(&app, logout_request(&fresh)).await.0, StatusCode::OK);
    assert_eq!(send(&app, protected_request(&fresh)).await, revoked);
}
