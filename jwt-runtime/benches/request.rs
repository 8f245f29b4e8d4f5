//! Every criterion figure the speed targets call for, in one run: raw `jsonwebtoken::decode` of the
//! token into a plain struct (the floor), `decode_token`, token creation, and the whole
//! protected request through `actix_web::test` for each token location, with loaders and
//! with the in-memory blocklist, next to the same request through a hand-written extractor.
//! At the end it prints every mean and its ratio to the floor.
//!
//! ```text
//! cargo bench -p jwt-runtime --bench request
//! ```
//!
//! Wall time on a shared machine drifts during a run; `callgrind.rs` counts instructions
//! for the same scenarios, which do not.
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark harness")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;

#[path = "support/floor.rs"]
#[allow(dead_code, reason = "each bench uses part of the shared floor")]
mod support;

#[path = "support/timing.rs"]
mod timing;

#[path = "support/scenarios.rs"]
#[allow(dead_code, reason = "each bench uses part of the shared scenarios")]
mod scenarios;

use scenarios::{REQUESTS, Scenario, describe, plain_app, send, wrapped_app};
use support::FloorKeys;
use timing::{per_iteration, timed};

fn main() {
    let mut c = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let runtime = actix_web::rt::Runtime::new().unwrap();
    let mut totals = Vec::new();

    let header = Scenario::new("header", &runtime);
    let floor_keys = FloorKeys::new();
    timed(
        &mut c,
        &mut totals,
        "floor: jsonwebtoken::decode",
        |iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(floor_keys.decode(black_box(&header.token)));
            }
            start.elapsed()
        },
    );
    timed(
        &mut c,
        &mut totals,
        "decode_token (full verification)",
        |iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(
                    header
                        .manager
                        .decode_token(black_box(&header.token))
                        .unwrap(),
                );
            }
            start.elapsed()
        },
    );
    timed(&mut c, &mut totals, "create_access_token", |iters| {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(
                header
                    .manager
                    .create_access_token(black_box(&"benchmark-user"))
                    .unwrap(),
            );
        }
        start.elapsed()
    });

    for name in REQUESTS {
        let scenario = Scenario::new(name, &runtime);
        let (wrapped, plain) =
            runtime.block_on(async { (wrapped_app(&scenario.manager).await, plain_app().await) });
        let label = format!("request/{name}: {}", describe(name));
        timed(&mut c, &mut totals, &label, |iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let status = send(&scenario, &wrapped, &plain).await;
                    assert!(status.is_success(), "{name}: {status}");
                }
                start.elapsed()
            })
        });
    }
    c.final_summary();

    let mean = |name: &str| {
        totals
            .iter()
            .find(|(n, ..)| n.starts_with(name))
            .map_or(f64::NAN, |(_, total, iters)| per_iteration(*total, *iters))
    };
    let raw = mean("floor: jsonwebtoken::decode");
    let request_floor = mean("request/floor");
    println!(
        "\nmean per iteration, and ratios to raw jsonwebtoken::decode and to the floor request:"
    );
    for (name, total, iters) in &totals {
        let m = per_iteration(*total, *iters);
        println!(
            "{:>9.3} us  {:>5.2}x raw decode  {:>5.2}x floor request  {name}",
            m * 1e6,
            m / raw,
            m / request_floor
        );
    }
}
