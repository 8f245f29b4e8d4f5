//! A fixed number of protected requests, for instruction counts under callgrind
//! (stable on a noisy machine, unlike wall time):
//!
//! ```text
//! cargo bench -p jwt-runtime --bench callgrind --no-run
//! valgrind --tool=callgrind target/release/deps/callgrind-* floor 2000
//! valgrind --tool=callgrind target/release/deps/callgrind-* header 2000
//! valgrind --tool=callgrind target/release/deps/callgrind-* decode 2000      # decode_token only
//! valgrind --tool=callgrind target/release/deps/callgrind-* raw-decode 2000  # jsonwebtoken::decode only
//! valgrind --tool=callgrind target/release/deps/callgrind-* public 2000      # unprotected, with the middleware
//! valgrind --tool=callgrind target/release/deps/callgrind-* bare 2000        # unprotected, no middleware
//! ```
//! The difference between two runs with different counts gives the cost per request.
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark harness")]

use actix_web::dev::Service;
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, HttpResponse, web};
use jwt_runtime::prelude::*;

#[path = "support/floor.rs"]
#[allow(dead_code, reason = "each bench uses part of the shared floor")]
mod support;

use support::{FloorKeys, SECRET, floor, protected};

async fn public() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "hello": "world" }))
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let scenario = args.next().unwrap_or_else(|| "header".to_owned());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let runtime = actix_web::rt::Runtime::new().unwrap();
    let manager = JwtManager::builder(JwtConfig::default().secret_key(SECRET))
        .ignore_registered_loaders()
        .build()
        .unwrap();
    let token = manager.create_access_token(&"benchmark-user").unwrap();
    let floor_keys = FloorKeys::new();
    if scenario == "decode" || scenario == "raw-decode" {
        for _ in 0..count {
            if scenario == "decode" {
                let claims = manager
                    .decode_token(std::hint::black_box(&token), None, false)
                    .unwrap();
                std::hint::black_box(claims);
            } else {
                std::hint::black_box(floor_keys.decode(std::hint::black_box(&token)));
            }
        }
        return;
    }
    let keys = web::Data::new(floor_keys);
    runtime.block_on(async {
        let app = init_service(
            App::new()
                .app_data(keys)
                .wrap(manager.clone())
                .route("/floor", web::get().to(floor))
                .route("/public", web::get().to(public))
                .route("/header", web::get().to(protected)),
        )
        .await;
        let plain = init_service(App::new().route("/public", web::get().to(public))).await;
        for _ in 0..count {
            let request = TestRequest::get()
                .uri(&format!("/{scenario}"))
                .insert_header(("Authorization", format!("Bearer {token}")));
            let response = if scenario == "bare" {
                plain
                    .call(request.uri("/public").to_request())
                    .await
                    .unwrap()
                    .map_into_boxed_body()
            } else {
                app.call(request.to_request())
                    .await
                    .unwrap()
                    .map_into_boxed_body()
            };
            assert!(response.status().is_success());
        }
    });
}
