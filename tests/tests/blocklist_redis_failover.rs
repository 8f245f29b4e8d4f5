//! `RedisBlocklist` where Redis fails over: a real Redis Cluster of three primaries and
//! three replicas, and a real Redis Sentinel setup (a primary, a replica, three
//! sentinels), on loopback ports.
//!
//! - Cluster: both modes revoke, spend and see each other's revocations; every key of a
//!   prefix lands in one slot (so each script and check is one slot's); the mirror follows
//!   that slot's primary.
//! - In both, a primary crashed mid-test: checks are refused (never allowed) until its
//!   replica takes over, then every revocation is still refused (each write waited for a
//!   replica) and new ones arrive from the new primary; a revocation with no replica to
//!   acknowledge it fails; the crashed node comes back as a replica.
//! - Sentinel, a manual failover (the old primary answers all along): both stores leave
//!   it for the new one before it is demoted, and no acknowledged revocation is lost.
//!
//! Skipped, with the reason printed, when `REDIS_URL` is not set (`.ci/run` sets it and
//! has `redis-server` and `redis-cli` installed). Every test starts its own Redis nodes.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use jwt_runtime::Claims;
use jwt_runtime::blocklist::{Blocklist, RedisBlocklist, SentinelTarget, Spend, SpendRequest};
use serde_json::json;

use jwt_tests::redis_checks::{
    PATIENCE, manager, token, token_of_login, until_answered, until_refused,
};
use jwt_tests::redis_cluster::RedisCluster;
use jwt_tests::redis_sentinel::{MASTER_NAME, RedisSentinel};
use jwt_tests::redis_server::{admin, commands, reset_stats};

/// How many keys each primary holds, by node index.
fn keys_per_primary(cluster: &RedisCluster) -> Vec<(usize, i64)> {
    cluster
        .urls()
        .iter()
        .enumerate()
        .filter_map(|(index, url)| {
            let mut node = admin(url);
            let role: Vec<redis::Value> = redis::cmd("ROLE").query(&mut node).unwrap();
            let primary = redis::from_redis_value_ref::<String>(&role[0]).unwrap() == "master";
            primary.then(|| (index, redis::cmd("DBSIZE").query(&mut node).unwrap()))
        })
        .collect()
}

#[actix_web::test]
async fn both_modes_revoke_spend_and_see_each_other_in_one_slot() {
    let Some(cluster) = RedisCluster::start("cluster_modes") else {
        return;
    };
    let urls = cluster.urls();
    let nodes: Vec<&str> = urls.iter().map(String::as_str).collect();
    let mirrored = RedisBlocklist::connect_cluster(&nodes, "{c}")
        .await
        .unwrap();
    // One node is enough to find the rest; a replica will do.
    let direct = RedisBlocklist::connect_cluster_direct(&nodes[5..], "{c}")
        .await
        .unwrap();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    assert_eq!(direct.is_mirror_in_sync(), None);
    assert_eq!(mirrored.key("abc"), "{c}:abc");
    let manager = manager();
    let alice = token(&manager, "alice");
    let bob = token(&manager, "bob");

    // Through the direct store: refused by both, the mirrored one without asking Redis.
    direct.revoke(&alice).await.unwrap();
    assert!(direct.is_revoked(&alice).await.unwrap());
    until_refused(&mirrored, &alice).await;
    assert!(!mirrored.is_revoked(&bob).await.unwrap());
    assert!(!direct.is_revoked(&bob).await.unwrap());
    let primary = cluster.primary_of("{c}").unwrap();
    let mut on_primary = admin(&urls[primary]);
    reset_stats(&mut on_primary);
    for _ in 0..1000 {
        assert!(mirrored.is_revoked(&alice).await.unwrap());
    }
    assert_eq!(commands(&mut on_primary).get("mget"), None);

    // A login and a log-out-everywhere through the mirrored store: refused by both.
    mirrored.revoke_family("login-7", None).await.unwrap();
    mirrored
        .revoke_identity_before(&json!("carol"), jwt_tests::now_seconds())
        .await
        .unwrap();
    let of_login = token_of_login(&manager, "dave", "login-7");
    let carol = token(&manager, "carol");
    for claims in [&of_login, &carol] {
        assert!(mirrored.is_revoked(claims).await.unwrap());
        assert!(direct.is_revoked(claims).await.unwrap());
    }

    // A refresh token is spent once across both stores, 50 spends at once.
    let stores: Vec<Arc<RedisBlocklist>> = vec![Arc::new(mirrored.clone()), Arc::new(direct)];
    let spends = (0..50).map(|i| {
        let store = Arc::clone(&stores[i % 2]);
        actix_web::rt::spawn(async move {
            let successor = format!("successor-{i}");
            let request = SpendRequest {
                jti: "refresh-1",
                successor: &successor,
                at_ms: 1_000,
                expires_at: Some(jwt_tests::now_seconds() + 60),
            };
            store.spend_refresh_token(request).await.unwrap()
        })
    });
    let spends = futures_util::future::join_all(spends).await;
    let first = spends
        .iter()
        .filter(|spend| *spend.as_ref().unwrap() == Spend::First)
        .count();
    assert_eq!(first, 1, "{spends:?}");

    // Every key the store wrote is on the primary of `{c}`'s slot; the others hold none.
    for (index, keys) in keys_per_primary(&cluster) {
        if index == primary {
            assert!(keys >= 5, "{keys} keys on the store's primary");
        } else {
            assert_eq!(keys, 0, "node {index} holds keys of the store");
        }
    }

    // Whatever the prefix around its tag and whatever the id, every key of the store is
    // in the tag's slot, as the cluster itself computes it.
    let mut asked = admin(&urls[0]);
    let mut slot = |key: &str| -> i64 {
        redis::cmd("CLUSTER")
            .arg("KEYSLOT")
            .arg(key)
            .query(&mut asked)
            .unwrap()
    };
    for prefix in ["app:{c}", "a{b}c", "{{x}", "{a}b}", "ключ:{é}"] {
        let store = RedisBlocklist::connect_cluster_direct(&nodes, prefix)
            .await
            .unwrap();
        let tag_slot = slot(&format!("{prefix}#live"));
        for key in [
            store.key("plain"),
            store.key("{other}"),
            store.key("}{"),
            format!("{prefix}#events"),
            format!("{prefix}#family:{{f}}"),
            format!("{prefix}#identity:s:}}{{"),
            format!("{prefix}#spent:{{x}}"),
        ] {
            assert_eq!(slot(&key), tag_slot, "{key}");
        }
        store.revoke(&bob).await.unwrap();
        assert!(store.is_revoked(&bob).await.unwrap());
    }
    // A prefix without a tag is refused before anything is sent.
    for untagged in ["", "c", "a{}b"] {
        let error = RedisBlocklist::connect_cluster(&nodes, untagged)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("hash tag"), "{error}");
    }
    // Each write waits for its replicas: asking for two when each primary has one fails
    // the revocation (the client answers 503) instead of reporting it done.
    let demanding = RedisBlocklist::connect_cluster_direct(&nodes, "{c}")
        .await
        .unwrap()
        .acknowledged_by(2);
    let error = demanding
        .revoke(&token(&manager, "ivan"))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("1 of the 2 replicas"), "{error}");
}

#[actix_web::test]
async fn a_crashed_primary_refuses_checks_until_its_replica_takes_over() {
    let Some(mut cluster) = RedisCluster::start("cluster_failover") else {
        return;
    };
    let urls = cluster.urls();
    let nodes: Vec<&str> = urls.iter().map(String::as_str).collect();
    let mirrored = RedisBlocklist::connect_cluster(&nodes, "{f}")
        .await
        .unwrap();
    let direct = RedisBlocklist::connect_cluster_direct(&nodes, "{f}")
        .await
        .unwrap();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    let manager = manager();
    let revoked: Vec<Claims> = (0..100)
        .map(|i| token(&manager, &format!("user-{i}")))
        .collect();
    for claims in &revoked {
        direct.revoke(claims).await.unwrap();
    }
    direct
        .revoke_identity_before(&json!("erin"), jwt_tests::now_seconds())
        .await
        .unwrap();
    let erin = token(&manager, "erin");
    let frank = token(&manager, "frank");
    for claims in &revoked {
        until_refused(&mirrored, claims).await;
    }
    let primary = cluster.primary_of("{f}").unwrap();
    // No waiting for replication here: each revocation the store reported done had
    // reached the replica already.
    let crashed = Instant::now();
    cluster.node(primary).kill();
    // Until the replica takes over, no check lets a revoked token through, and an
    // unrevoked one is refused (an error, a 503) rather than answered from nowhere.
    let mut refusals = 0;
    let mut out_of_sync_after = None;
    while cluster.primary_of("{f}") == Some(primary) {
        for store in [&mirrored, &direct] {
            assert!(store.is_revoked(&revoked[0]).await.unwrap_or(true));
            assert!(store.is_revoked(&erin).await.unwrap_or(true));
            match store.is_revoked(&frank).await {
                Err(_) => refusals += 1,
                Ok(revoked) => assert!(!revoked),
            }
        }
        if out_of_sync_after.is_none() && mirrored.is_mirror_in_sync() == Some(false) {
            out_of_sync_after = Some(crashed.elapsed());
        }
        assert!(crashed.elapsed() < PATIENCE, "no failover");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    let out_of_sync_after = out_of_sync_after.expect("the crash was never noticed");
    assert!(
        refusals > 0,
        "no check was refused while the slot had no primary"
    );
    let new_primary = cluster.until_primary("{f}", Some(primary));
    let failed_over = crashed.elapsed();

    // The mirror follows the new primary and reads the live set again from it.
    assert!(mirrored.mirror_synced(PATIENCE).await);
    let in_sync_after = crashed.elapsed();
    assert!(!until_answered(&direct, &frank).await);
    let answered_after = crashed.elapsed();
    for claims in revoked.iter().chain([&erin]) {
        assert!(mirrored.is_revoked(claims).await.unwrap());
        assert!(direct.is_revoked(claims).await.unwrap());
    }
    assert!(!mirrored.is_revoked(&frank).await.unwrap());
    // A server started after the failover reads every revocation from the new primary.
    let late = RedisBlocklist::connect_cluster(&nodes, "{f}")
        .await
        .unwrap();
    assert!(late.mirror_synced(PATIENCE).await);
    for claims in revoked.iter().chain([&erin]) {
        assert!(late.is_revoked(claims).await.unwrap());
    }
    // The new primary has no replica yet: a revocation cannot be made durable, so it
    // fails rather than being reported done.
    let error = direct.revoke(&frank).await.unwrap_err();
    assert!(error.to_string().contains("replicas"), "{error}");

    // The crashed node comes back as the new primary's replica: revocations work again,
    // and reach the mirror from the new primary.
    cluster.node(primary).run();
    cluster.until_healthy();
    assert_eq!(cluster.until_primary("{f}", None), new_primary);
    let started = Instant::now();
    while direct.revoke(&frank).await.is_err() {
        assert!(started.elapsed() < PATIENCE, "the replica never caught up");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    until_refused(&mirrored, &frank).await;
    let mut on_new_primary = admin(&urls[new_primary]);
    reset_stats(&mut on_new_primary);
    assert_eq!(mirrored.is_mirror_in_sync(), Some(true));
    assert!(mirrored.is_revoked(&frank).await.unwrap());
    assert!(direct.is_revoked(&frank).await.unwrap());
    assert_eq!(commands(&mut on_new_primary).get("mget"), Some(&1));
    eprintln!(
        "primary crashed: mirror out of sync after {out_of_sync_after:?}, {refusals} checks refused, \
         replica promoted after {failed_over:?}, mirror in sync after {in_sync_after:?}, \
         direct checks answered after {answered_after:?}"
    );
}

#[actix_web::test]
async fn a_crashed_sentinel_primary_refuses_checks_until_its_replica_is_promoted() {
    let Some(mut setup) = RedisSentinel::start("sentinel_failover") else {
        return;
    };
    let urls = setup.sentinel_urls();
    let sentinels: Vec<&str> = urls.iter().map(String::as_str).collect();
    let target = SentinelTarget::new(&sentinels, MASTER_NAME);
    let mirrored = RedisBlocklist::connect_sentinel(&target, "s")
        .await
        .unwrap();
    // One sentinel is enough; the first one asked is down here.
    let with_a_dead_sentinel =
        SentinelTarget::new(&["redis://127.0.0.1:1/", sentinels[2]], MASTER_NAME);
    let direct = RedisBlocklist::connect_sentinel_direct(&with_a_dead_sentinel, "s")
        .await
        .unwrap();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    let unknown = SentinelTarget::new(&sentinels, "no-such-master");
    let unknown = RedisBlocklist::connect_sentinel(&unknown, "s").await;
    assert!(unknown.unwrap_err().to_string().contains("no-such-master"));

    // Both modes see each other's revocations; the mirrored one without asking Redis.
    let manager = manager();
    let revoked: Vec<Claims> = (0..100)
        .map(|i| token(&manager, &format!("user-{i}")))
        .collect();
    for claims in &revoked {
        direct.revoke(claims).await.unwrap();
    }
    let gina = token(&manager, "gina");
    mirrored.revoke(&gina).await.unwrap();
    assert!(direct.is_revoked(&gina).await.unwrap());
    for claims in &revoked {
        until_refused(&mirrored, claims).await;
    }
    let frank = token(&manager, "frank");
    let mut on_primary = admin(&setup.node(0).url());
    reset_stats(&mut on_primary);
    assert!(!mirrored.is_revoked(&frank).await.unwrap());
    assert_eq!(commands(&mut on_primary).get("mget"), None);

    // No waiting for replication here: each revocation the store reported done had
    // reached the replica already.
    let crashed = Instant::now();
    setup.node(0).kill();
    let mut refusals = 0;
    while setup.named_primary() != Some(1) {
        for store in [&mirrored, &direct] {
            assert!(store.is_revoked(&revoked[0]).await.unwrap_or(true));
            match store.is_revoked(&frank).await {
                Err(_) => refusals += 1,
                Ok(revoked) => assert!(!revoked),
            }
        }
        assert!(crashed.elapsed() < PATIENCE, "no failover");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        refusals > 0,
        "no check was refused while there was no primary"
    );
    let promoted = crashed.elapsed();

    // Both stores follow the promoted replica, which holds every revocation.
    assert!(!until_answered(&direct, &frank).await);
    assert!(mirrored.mirror_synced(PATIENCE).await);
    let recovered = crashed.elapsed();
    for claims in revoked.iter().chain([&gina]) {
        assert!(mirrored.is_revoked(claims).await.unwrap());
        assert!(direct.is_revoked(claims).await.unwrap());
    }
    // The new primary has no replica: a revocation cannot be made durable, so it fails.
    let error = direct.revoke(&frank).await.unwrap_err();
    assert!(error.to_string().contains("replicas"), "{error}");

    // The crashed primary restarts with its old data and the sentinels make it a replica;
    // the stores keep using the new primary meanwhile.
    setup.node(0).run();
    let started = Instant::now();
    while !setup.is_replica(0) {
        assert!(direct.is_revoked(&frank).await.unwrap_or(true));
        assert!(mirrored.is_revoked(&frank).await.unwrap_or(true));
        assert!(
            started.elapsed() < PATIENCE,
            "the old primary never became a replica"
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(setup.named_primary(), Some(1));
    setup.until_replicated(1);
    for late in [&frank, &token(&manager, "hank")] {
        direct.revoke(late).await.unwrap();
        until_refused(&mirrored, late).await;
        assert_eq!(mirrored.is_mirror_in_sync(), Some(true));
    }
    eprintln!(
        "sentinel primary crashed: {refusals} checks refused, replica promoted after {promoted:?}, \
         both stores answering from it after {recovered:?}"
    );
}

#[actix_web::test]
async fn a_manual_failover_is_followed_before_the_old_primary_is_demoted() {
    let Some(setup) = RedisSentinel::start("sentinel_manual_failover") else {
        return;
    };
    let urls = setup.sentinel_urls();
    let sentinels: Vec<&str> = urls.iter().map(String::as_str).collect();
    let target = SentinelTarget::new(&sentinels, MASTER_NAME);
    let mirrored = RedisBlocklist::connect_sentinel(&target, "m")
        .await
        .unwrap();
    let direct = RedisBlocklist::connect_sentinel_direct(&target, "m")
        .await
        .unwrap();
    assert!(mirrored.mirror_synced(PATIENCE).await);
    let manager = manager();

    // The sentinels promote the replica; the old primary keeps answering as a primary
    // until they reconfigure it, seconds later. Revocations go on through the direct
    // store all along: each is either refused (an error) or durable.
    setup.failover();
    let mut acknowledged = Vec::new();
    let started = Instant::now();
    while setup.named_primary() != Some(1) {
        let claims = token(&manager, &format!("during-{}", acknowledged.len()));
        if direct.revoke(&claims).await.is_ok() {
            acknowledged.push(claims);
        }
        assert!(started.elapsed() < PATIENCE, "no failover");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    // Named: a revocation written on the new primary reaches both stores while the old
    // primary still says it is one, so they do not wait for its demotion. The new primary
    // has no replica yet, so this one write is let through unreplicated.
    let on_new = RedisBlocklist::connect_sentinel_direct(&target, "m")
        .await
        .unwrap()
        .acknowledged_by(0);
    let kate = token(&manager, "kate");
    on_new.revoke(&kate).await.unwrap();
    until_refused(&direct, &kate).await;
    until_refused(&mirrored, &kate).await;
    // The mirror left the old primary once the sentinels stopped naming it, and
    // resynchronised from the new one.
    assert!(mirrored.mirror_synced(PATIENCE).await);
    assert!(mirrored.is_revoked(&kate).await.unwrap());
    assert!(
        !setup.is_replica(0),
        "the old primary was demoted before the stores left it: the test proves nothing"
    );
    // Once it is demoted, every revocation the direct store reported done is still there.
    let started = Instant::now();
    while !setup.is_replica(0) {
        assert!(
            started.elapsed() < 3 * PATIENCE,
            "the old primary never became a replica"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    setup.until_replicated(1);
    let late = RedisBlocklist::connect_sentinel(&target, "m")
        .await
        .unwrap();
    assert!(late.mirror_synced(PATIENCE).await);
    for claims in &acknowledged {
        assert!(late.is_revoked(claims).await.unwrap());
    }
    eprintln!(
        "manual failover: {} revocations acknowledged during it, none lost",
        acknowledged.len()
    );
}
