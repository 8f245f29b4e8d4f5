//! `RedisBlocklist`'s mirrored mode against a real `redis-server`: checks answered from the
//! local copy (no command sent), revocations through another server applied, a new server
//! reading every live revocation before it trusts its copy, and the faults: the
//! subscription killed, Redis stopped and restarted, the network black-holed. In each
//! fault no revoked token is accepted: checks go to Redis (and fail closed) until the copy
//! is in sync again.
//!
//! Skipped, with the reason printed, when `REDIS_URL` is not set (`.ci/run` starts a
//! `redis-server` and sets it). Every test starts its own `redis-server`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::time::Instant;

use jwt_runtime::blocklist::{Blocklist, RedisBlocklist, Spend, SpendRequest};
use jwt_runtime::{Claims, JwtManager};
use serde_json::json;

use jwt_tests::SECRET;
use jwt_tests::redis_checks::{
    PATIENCE, manager, token, token_of_login, until_out_of_sync, until_refused,
};
use jwt_tests::redis_server::{Blackhole, RedisServer, admin, commands, reset_stats};

#[actix_web::test]
async fn checks_in_sync_send_nothing_and_revocations_arrive_from_other_servers() {
    let Some(server) = RedisServer::start("mirror_checks") else {
        return;
    };
    let mirrored = RedisBlocklist::connect(&server.url(), "m").await.unwrap();
    let direct = RedisBlocklist::connect_direct(&server.url(), "m")
        .await
        .unwrap();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    assert_eq!(direct.is_mirror_in_sync(), None);
    let manager = manager();
    let alice = token(&manager, "alice");
    let bob = token(&manager, "bob");

    // In sync: a thousand checks, not one command.
    let mut admin = admin(&server.url());
    reset_stats(&mut admin);
    for _ in 0..1000 {
        assert!(!mirrored.is_revoked(&alice).await.unwrap());
    }
    assert_eq!(commands(&mut admin).get("mget"), None);

    // Through the other server (direct mode writes the same script): refused here soon.
    direct.revoke(&alice).await.unwrap();
    until_refused(&mirrored, &alice).await;
    assert!(!mirrored.is_revoked(&bob).await.unwrap());
    // A login and a log-out-everywhere, the same way.
    direct.revoke_family("login-9", None).await.unwrap();
    direct
        .revoke_identity_before(&json!("carol"), jwt_tests::now_seconds())
        .await
        .unwrap();
    let of_login = token_of_login(&manager, "dave", "login-9");
    until_refused(&mirrored, &of_login).await;
    until_refused(&mirrored, &token(&manager, "carol")).await;
    // Its own revocations are refused at once, before their event comes back.
    mirrored.revoke(&bob).await.unwrap();
    assert!(mirrored.is_revoked(&bob).await.unwrap());
    // Still nothing sent per check.
    reset_stats(&mut admin);
    assert!(mirrored.is_revoked(&alice).await.unwrap());
    assert_eq!(commands(&mut admin).get("mget"), None);
}

#[actix_web::test]
async fn a_new_server_reads_every_live_revocation_before_trusting_its_copy() {
    let Some(server) = RedisServer::start("mirror_resync") else {
        return;
    };
    let direct = RedisBlocklist::connect_direct(&server.url(), "r")
        .await
        .unwrap();
    let future = jwt_tests::now_seconds() + 3600;
    for i in 0..5000 {
        direct
            .revoke_jti(&format!("early-{i}"), Some(future))
            .await
            .unwrap();
    }
    // An expired member left in the live set is not read back.
    let mut admin = admin(&server.url());
    redis::cmd("ZADD")
        .arg("r#live")
        .arg(1)
        .arg("j long-gone")
        .query::<()>(&mut admin)
        .unwrap();
    let mirrored = RedisBlocklist::connect(&server.url(), "r").await.unwrap();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    let mut admin_stats = jwt_tests::redis_server::admin(&server.url());
    reset_stats(&mut admin_stats);
    let manager = manager();
    for i in (0..5000).step_by(499) {
        let jti = format!("early-{i}");
        let claims = claims_with_jti(&manager, &jti);
        assert!(mirrored.is_revoked(&claims).await.unwrap(), "{jti}");
    }
    assert!(
        !mirrored
            .is_revoked(&claims_with_jti(&manager, "long-gone"))
            .await
            .unwrap()
    );
    assert_eq!(commands(&mut admin_stats).get("mget"), None);
    // Writes prune what has expired, so the set holds live revocations only.
    direct.revoke_jti("later", Some(future)).await.unwrap();
    let members: i64 = redis::cmd("ZCARD").arg("r#live").query(&mut admin).unwrap();
    assert_eq!(members, 5001);
}

/// A token with this `jti`.
fn claims_with_jti(manager: &JwtManager, jti: &str) -> Claims {
    let token = manager
        .create_access_token_with(&"x", jwt_runtime::TokenOptions::default())
        .unwrap();
    let mut raw = manager.decode_token(&token).unwrap().into_raw();
    raw.insert("jti".to_owned(), json!(jti));
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let forged =
        jsonwebtoken::encode(&header, &raw, &jwt_tests::hmac_key(SECRET.as_bytes())).unwrap();
    manager.decode_token(&forged).unwrap()
}

#[actix_web::test]
async fn a_killed_subscription_sends_checks_to_redis_until_the_copy_is_back() {
    let Some(server) = RedisServer::start("mirror_killed_subscription") else {
        return;
    };
    let mirrored = RedisBlocklist::connect(&server.url(), "k").await.unwrap();
    let direct = RedisBlocklist::connect_direct(&server.url(), "k")
        .await
        .unwrap();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    let manager = manager();
    let mut admin = admin(&server.url());
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("TYPE")
        .arg("pubsub")
        .query(&mut admin)
        .unwrap();
    assert_eq!(killed, 1);
    until_out_of_sync(&mirrored).await;
    // Revoked while nobody listens: refused anyway (the check goes to Redis)...
    let alice = token(&manager, "alice");
    direct.revoke(&alice).await.unwrap();
    assert!(mirrored.is_revoked(&alice).await.unwrap());
    // ...and once the copy is back, from the copy, which read it from the live set.
    assert!(mirrored.mirror_synced(PATIENCE).await);
    reset_stats(&mut admin);
    assert!(mirrored.is_revoked(&alice).await.unwrap());
    assert_eq!(commands(&mut admin).get("mget"), None);
}

#[actix_web::test]
async fn redis_stopped_refuses_every_check_and_the_copy_recovers_after_the_restart() {
    let Some(mut server) = RedisServer::start("mirror_restart") else {
        return;
    };
    let mirrored = RedisBlocklist::connect(&server.url(), "s").await.unwrap();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    let manager = manager();
    let revoked = token(&manager, "alice");
    let fine = token(&manager, "bob");
    mirrored.revoke(&revoked).await.unwrap();

    server.stop();
    let noticed = until_out_of_sync(&mirrored).await;
    // Fail closed: no answer is "not revoked", not even for a token nobody revoked.
    let started = Instant::now();
    assert!(mirrored.is_revoked(&fine).await.is_err());
    let refused_in = started.elapsed();
    eprintln!("Redis stopped: out of sync after {noticed:?}, a check refused in {refused_in:?}");

    server.run();
    let started = Instant::now();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    eprintln!(
        "Redis restarted: in sync again after {:?}",
        started.elapsed()
    );
    assert!(mirrored.is_revoked(&revoked).await.unwrap());
    assert!(!mirrored.is_revoked(&fine).await.unwrap());
}

#[actix_web::test]
async fn a_black_holed_network_is_noticed_and_never_lets_a_token_through() {
    let Some(server) = RedisServer::start("mirror_blackhole") else {
        return;
    };
    let proxy = Blackhole::start(server.port());
    let mirrored = RedisBlocklist::connect(&proxy.url(), "b").await.unwrap();
    let direct = RedisBlocklist::connect_direct(&server.url(), "b")
        .await
        .unwrap();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    let manager = manager();

    proxy.set_open(false);
    let alice = token(&manager, "alice");
    direct.revoke(&alice).await.unwrap();
    let noticed = until_out_of_sync(&mirrored).await;
    eprintln!("network black-holed: out of sync after {noticed:?}");
    // Out of sync, the check goes to Redis, which cannot answer: refused, not accepted.
    assert!(mirrored.is_revoked(&alice).await.is_err());

    proxy.set_open(true);
    assert!(mirrored.mirror_synced(PATIENCE).await);
    assert!(mirrored.is_revoked(&alice).await.unwrap());
}

#[actix_web::test]
async fn a_spend_whose_answer_was_lost_is_still_the_first_when_sent_again() {
    let Some(server) = RedisServer::start("spend_lost_reply") else {
        return;
    };
    let proxy = Blackhole::start(server.port());
    let store = RedisBlocklist::connect_direct(&proxy.url(), "s")
        .await
        .unwrap();
    let other = RedisBlocklist::connect_direct(&server.url(), "s")
        .await
        .unwrap();
    let spend = |successor| SpendRequest {
        jti: "refresh-1",
        successor,
        at_ms: 1_000,
        expires_at: Some(jwt_tests::now_seconds() + 600),
    };
    // A first spend loads the script, so the answer lost next is the script's own.
    let warm_up = SpendRequest {
        jti: "refresh-0",
        ..spend("next-0")
    };
    assert_eq!(
        store.spend_refresh_token(warm_up).await.unwrap(),
        Spend::First
    );
    let mut on_server = admin(&server.url());
    reset_stats(&mut on_server);
    proxy.lose_next_reply();
    // Redis ran the spend and its answer was lost with the connection: the store sends it
    // again on a new one and finds its own record, so the presenter is not taken for a
    // second one (which would end the session as a reuse).
    assert_eq!(
        store.spend_refresh_token(spend("next-1")).await.unwrap(),
        Spend::First
    );
    // Sent twice, recorded once.
    let calls = commands(&mut on_server);
    assert_eq!(
        (calls.get("evalsha"), calls.get("set")),
        (Some(&2), Some(&1)),
        "{calls:?}"
    );
    // Another presenter of the same token, even in the same millisecond with the same
    // successor, is a second one.
    assert_eq!(
        other.spend_refresh_token(spend("next-1")).await.unwrap(),
        Spend::Before {
            at_ms: 1_000,
            successor: "next-1".to_owned()
        }
    );
}
