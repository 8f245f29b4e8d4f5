//! A fixed number of requests (or decodes) of one scenario, for instruction counts under
//! callgrind (stable on a noisy machine, unlike wall time):
//!
//! ```text
//! cargo bench -p jwt-runtime --bench callgrind --no-run
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='callgrind::measured*' \
//!     target/release/deps/callgrind-* header 2000
//! ```
//!
//! Scenarios: every request of `support/scenarios.rs` (`bare`, `public`, `floor`, `header`,
//! `cookie`, `query`, `json`, `loaders`, `blocklist`), each a whole request through
//! `actix_web::test`; `decode`, `JwtManager::decode_token` alone; `raw-decode`,
//! `jsonwebtoken::decode` alone.
//!
//! Only the iterations are counted (`measured`), not the set-up: a blocklist filled with
//! 100 000 entries costs a varying amount (randomly seeded hashing) that would drown
//! the figure otherwise. The difference between two runs with different counts gives the
//! cost of one iteration.
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark harness")]

#[path = "support/floor.rs"]
#[allow(dead_code, reason = "each bench uses part of the shared floor")]
mod support;

#[path = "support/scenarios.rs"]
#[allow(dead_code, reason = "each bench uses part of the shared scenarios")]
mod scenarios;

use scenarios::{Scenario, plain_app, send, wrapped_app};
use support::FloorKeys;

/// Runs the iterations: the only code callgrind counts.
#[inline(never)]
fn measured<R>(iterations: impl FnOnce() -> R) -> R {
    iterations()
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let name = args.next().unwrap_or_else(|| "header".to_owned());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let runtime = actix_web::rt::Runtime::new().unwrap();
    let scenario = Scenario::new(&name, &runtime);
    let token = &scenario.token;
    if name == "decode" || name == "raw-decode" {
        let floor_keys = FloorKeys::new();
        measured(|| {
            for _ in 0..count {
                if name == "decode" {
                    let claims = scenario
                        .manager
                        .decode_token(std::hint::black_box(token))
                        .unwrap();
                    std::hint::black_box(claims);
                } else {
                    std::hint::black_box(floor_keys.decode(std::hint::black_box(token)));
                }
            }
        });
        return;
    }
    let (wrapped, plain) =
        runtime.block_on(async { (wrapped_app(&scenario.manager).await, plain_app().await) });
    measured(|| {
        runtime.block_on(async {
            for _ in 0..count {
                let status = send(&scenario, &wrapped, &plain).await;
                assert!(status.is_success(), "{name}: {status}");
            }
        });
    });
}
