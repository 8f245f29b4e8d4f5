//! Token creation and decoding, against raw `jsonwebtoken::decode` of the same token
//! into a plain struct (the floor).
//!
//! ```text
//! cargo bench -p jwt-runtime --bench token
//! ```
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark harness")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_runtime::{JwtConfig, JwtManager};
use serde::Deserialize;

const SECRET: &str = "a-benchmark-secret-of-32-bytes!!";

/// What a hand-written verifier would decode into.
#[derive(Deserialize)]
#[allow(dead_code, reason = "fields are decoded, not read")]
struct Plain {
    identity: String,
    jti: String,
    exp: u64,
    iat: u64,
    nbf: u64,
    fresh: bool,
    #[serde(rename = "type")]
    token_type: String,
}

fn bench(c: &mut Criterion) {
    let manager = JwtManager::builder(JwtConfig::default().secret_key(SECRET))
        .ignore_registered_loaders()
        .build()
        .unwrap();
    let token = manager.create_access_token(&"benchmark-user").unwrap();
    let key = DecodingKey::from_secret(SECRET.as_bytes()).unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.validate_nbf = true;

    let mut group = c.benchmark_group("hs256");
    group.bench_function("floor: jsonwebtoken::decode", |b| {
        b.iter(|| jsonwebtoken::decode::<Plain>(black_box(&token), &key, &validation).unwrap());
    });
    group.bench_function("decode_token (full verification)", |b| {
        b.iter(|| {
            manager
                .decode_token(black_box(&token), None, false)
                .unwrap()
        });
    });
    group.bench_function("create_access_token", |b| {
        b.iter(|| {
            manager
                .create_access_token(black_box(&"benchmark-user"))
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
