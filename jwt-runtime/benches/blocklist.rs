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
        let exp = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap()
            + 3600;
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
                .block_on(jwt_runtime::blocklist::RedisBlocklist::connect(
                    &url, &prefix,
                ))
                .unwrap();
            let redis: Arc<dyn Blocklist> = Arc::new(redis);
            requests(&mut group, &system, "redis", Some(&redis));
        }
        _ => eprintln!("redis: skipped: REDIS_URL is not set"),
    }
    #[cfg(not(feature = "redis"))]
    eprintln!("redis: skipped: build with `--features redis` (and set REDIS_URL)");
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
