//! The blacklisted request path: a whole `#[jwt_required]` request through
//! `actix_web::test`, with no blocklist (the floor), with `MemoryBlocklist` (holding 100 000
//! revoked tokens, then also 10 000 revoked logins and cut-offs) and, with the `redis`
//! feature and `REDIS_URL` set, with `RedisBlocklist`; each for a token that is accepted
//! (a look-up miss), a token of a login (`fam`: one more look-up) and one that is revoked
//! (a hit, 401).
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6379/ cargo bench -p jwt-runtime --bench blocklist --features redis
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
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let prefix = format!("jwt-runtime-bench:{}", std::process::id());
            let redis = system
                .block_on(jwt_runtime::blocklist::RedisBlocklist::connect_direct(
                    &url, &prefix,
                ))
                .unwrap();
            // The mirrored mode, with the memory store's 100 000 other revocations in Redis:
            // read back in one full resync, then checks from the local copy.
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
            let mirrored = system
                .block_on(jwt_runtime::blocklist::RedisBlocklist::connect(
                    &url, &prefix,
                ))
                .unwrap();
            assert!(system.block_on(mirrored.mirror_synced(Duration::from_secs(30))));
            eprintln!(
                "redis mirrored: full resync of 100,000 revocations in {} ms",
                started.elapsed().as_millis()
            );
            propagation(&system, &redis, &mirrored);
            let redis: Arc<dyn Blocklist> = Arc::new(redis);
            requests(&mut group, &system, "redis", Some(&redis));
            let mirrored: Arc<dyn Blocklist> = Arc::new(mirrored);
            requests(&mut group, &system, "redis mirrored", Some(&mirrored));
        }
        _ => eprintln!("redis: skipped: REDIS_URL is not set"),
    }
    #[cfg(not(feature = "redis"))]
    eprintln!("redis: skipped: build with `--features redis` (and set REDIS_URL)");
    group.finish();
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
        "redis mirrored: propagation over 1,000 revocations: p50 {:?}, p99 {:?}, max {:?}",
        at(50),
        at(99),
        delays[delays.len() - 1]
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
