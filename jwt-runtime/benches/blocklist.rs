//! The blacklisted request path: a whole `#[jwt_required]` request through
//! `actix_web::test`, with no blocklist (the floor), with `MemoryBlocklist` (holding 100 000
//! revoked tokens, then also 10 000 revoked logins and cut-offs) and, with the `redis`
//! feature and `REDIS_URL` set, with `RedisBlocklist` in both modes (also on a Redis
//! Cluster with `REDIS_CLUSTER_URLS`, its nodes' URLs comma-separated); each for a token that is accepted
//! (a look-up miss), a token of a login (`fam`: one more look-up) and one that is revoked
//! (a hit, 401).
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6379/ cargo bench -p jwt-runtime --bench blocklist --features redis
//! REDIS_CLUSTER_URLS=redis://127.0.0.1:7000/,redis://127.0.0.1:7001/ cargo bench ... # the same on a cluster
//! ```
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark harness")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::Service;
use actix_web::http::StatusCode;
use actix_web::rt::{System, SystemRunner};
use actix_web::{App, HttpResponse, get, test};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
use jwt_runtime::{JwtConfig, JwtManager, jwt_required};

const SECRET: &str = "a-benchmark-secret-of-32-bytes!!";

#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Benchmarks a protected request with an accepted token and (with a blocklist) a revoked one.
fn requests(
    group: &mut BenchmarkGroup<'_, WallTime>,
    system: &SystemRunner,
    name: &str,
    blocklist: Option<&Arc<dyn Blocklist>>,
) {
    let config = JwtConfig::default()
        .secret_key(SECRET)
        .blacklist_enabled(blocklist.is_some());
    let mut builder = JwtManager::builder(config).ignore_registered_loaders();
    if let Some(blocklist) = blocklist {
        builder = builder.blocklist(Arc::clone(blocklist));
    }
    let manager = builder.build().unwrap();
    let app = system.block_on(test::init_service(
        App::new().wrap(manager.clone()).service(protected),
    ));
    let accepted = manager.create_access_token(&"benchmark-user").unwrap();
    let revoked = manager.create_access_token(&"benchmark-user").unwrap();
    // A token of a login (`fam` claim): one more look-up, the login's.
    let of_login = manager
        .create_token_pair(&"benchmark-user", jwt_runtime::TokenOptions::default())
        .unwrap()
        .access_token;
    let mut cases = vec![
        ("accepted", accepted, StatusCode::OK),
        ("accepted, token of a login", of_login, StatusCode::OK),
    ];
    if let Some(blocklist) = blocklist {
        let claims = manager.decode_token(&revoked).unwrap();
        system.block_on(blocklist.revoke(&claims)).unwrap();
        cases.push(("revoked", revoked, StatusCode::UNAUTHORIZED));
    }
    for (case, token, status) in cases {
        let header = ("Authorization", format!("Bearer {token}"));
        group.bench_function(format!("{name}: {case}"), |b| {
            b.iter_custom(|iters| {
                system.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let request = test::TestRequest::get()
                            .uri("/protected")
                            .insert_header(header.clone())
                            .to_request();
                        let response = app.call(request).await.unwrap();
                        assert_eq!(response.status(), status);
                    }
                    start.elapsed()
                })
            });
        });
    }
}

fn bench(c: &mut Criterion) {
    let system = System::new();
    let mut group = c.benchmark_group("protected request");
    group.measurement_time(Duration::from_secs(4));
    requests(&mut group, &system, "no blocklist", None);

    let memory = MemoryBlocklist::new();
    system.block_on(async {
        let exp = jwt_runtime_now() + 3600;
        for i in 0..100_000 {
            memory
                .revoke_jti(&format!("other-{i}"), Some(exp))
                .await
                .unwrap();
        }
    });
    let memory: Arc<dyn Blocklist> = Arc::new(memory);
    requests(&mut group, &system, "memory", Some(&memory));
    // The same store once it also holds revoked logins and log-out-everywhere cut-offs of
    // other users: those look-ups are no longer skipped.
    system.block_on(async {
        for i in 0..10_000 {
            memory
                .revoke_family(&format!("login-{i}"), None)
                .await
                .unwrap();
            let identity = serde_json::Value::from(format!("user-{i}"));
            memory.revoke_identity_before(&identity, 0).await.unwrap();
        }
    });
    requests(&mut group, &system, "memory with sessions", Some(&memory));

    #[cfg(feature = "redis")]
    {
        let single = std::env::var("REDIS_URL")
            .ok()
            .filter(|url| !url.is_empty());
        match single {
            Some(url) => redis_cases(&mut group, &system, "redis", &Target::Single(url)),
            None => eprintln!("redis: skipped: REDIS_URL is not set"),
        }
        let cluster = std::env::var("REDIS_CLUSTER_URLS")
            .ok()
            .filter(|urls| !urls.is_empty());
        match cluster {
            Some(urls) => redis_cases(
                &mut group,
                &system,
                "redis cluster",
                &Target::Cluster(urls.split(',').map(str::to_owned).collect()),
            ),
            None => eprintln!("redis cluster: skipped: REDIS_CLUSTER_URLS is not set"),
        }
    }
    #[cfg(not(feature = "redis"))]
    eprintln!("redis: skipped: build with `--features redis` (and set REDIS_URL)");
    group.finish();
}

/// A Redis to bench against: one node, or a cluster through these nodes.
#[cfg(feature = "redis")]
enum Target {
    Single(String),
    Cluster(Vec<String>),
}

#[cfg(feature = "redis")]
impl Target {
    async fn connect(
        &self,
        prefix: &str,
        mirrored: bool,
    ) -> jwt_runtime::blocklist::RedisBlocklist {
        use jwt_runtime::blocklist::RedisBlocklist;
        let store = match (self, mirrored) {
            (Target::Single(url), false) => RedisBlocklist::connect_direct(url, prefix).await,
            (Target::Single(url), true) => RedisBlocklist::connect(url, prefix).await,
            (Target::Cluster(urls), mirrored) => {
                let nodes: Vec<&str> = urls.iter().map(String::as_str).collect();
                if mirrored {
                    RedisBlocklist::connect_cluster(&nodes, prefix).await
                } else {
                    RedisBlocklist::connect_cluster_direct(&nodes, prefix).await
                }
            }
        };
        store.unwrap()
    }
}

/// The direct and the mirrored store on `target`, with the memory store's 100 000 other
/// revocations in Redis: the mirrored one reads them back in one full resync, then checks
/// from its local copy.
#[cfg(feature = "redis")]
fn redis_cases(
    group: &mut BenchmarkGroup<'_, WallTime>,
    system: &SystemRunner,
    name: &str,
    target: &Target,
) {
    // One hash tag, so a cluster keeps every key of the store in one slot.
    let prefix = format!("{{jwt-runtime-bench:{}}}", std::process::id());
    let redis = system.block_on(target.connect(&prefix, false));
    let exp = jwt_runtime_now() + 3600;
    system.block_on(async {
        for i in 0..100_000 {
            redis
                .revoke_jti(&format!("other-{i}"), Some(exp))
                .await
                .unwrap();
        }
    });
    let started = Instant::now();
    let mirrored = system.block_on(target.connect(&prefix, true));
    assert!(system.block_on(mirrored.mirror_synced(Duration::from_secs(30))));
    eprintln!(
        "{name} mirrored: full resync of 100,000 revocations in {} ms",
        started.elapsed().as_millis()
    );
    propagation(system, name, &redis, &mirrored);
    let redis: Arc<dyn Blocklist> = Arc::new(redis);
    requests(group, system, name, Some(&redis));
    let mirrored: Arc<dyn Blocklist> = Arc::new(mirrored);
    requests(group, system, &format!("{name} mirrored"), Some(&mirrored));
}

/// Unix seconds now.
fn jwt_runtime_now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// How long a revocation written through one store takes to be refused by a mirrored one:
/// 1,000 revocations, the time from the write's start to the first refusing check.
#[cfg(feature = "redis")]
fn propagation(
    system: &SystemRunner,
    name: &str,
    writer: &jwt_runtime::blocklist::RedisBlocklist,
    reader: &jwt_runtime::blocklist::RedisBlocklist,
) {
    let manager = JwtManager::builder(JwtConfig::default().secret_key(SECRET))
        .ignore_registered_loaders()
        .build()
        .unwrap();
    let mut delays: Vec<Duration> = system.block_on(async {
        let mut delays = Vec::new();
        for _ in 0..1000 {
            let claims = manager
                .decode_token(&manager.create_access_token(&"benchmark-user").unwrap())
                .unwrap();
            let started = Instant::now();
            writer.revoke(&claims).await.unwrap();
            while !reader.is_revoked(&claims).await.unwrap() {
                actix_web::rt::task::yield_now().await;
            }
            delays.push(started.elapsed());
        }
        delays
    });
    delays.sort();
    let at = |q: usize| delays[(delays.len() * q / 100).min(delays.len() - 1)];
    eprintln!(
        "{name} mirrored: propagation over 1,000 revocations: p50 {:?}, p99 {:?}, max {:?}",
        at(50),
        at(99),
        delays[delays.len() - 1]
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
