//! A fixed number of requests (or decodes) of one scenario, for instruction counts under
//! callgrind (stable on a noisy machine, unlike wall time):
//!
//! ```text
//! cargo bench -p jwt-runtime --bench callgrind --no-run
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='callgrind::measured*' \
//!     target/release/deps/callgrind-* header 2000
//! ```
//!
//! Only the iterations are counted (`measured`), not the set-up: a blocklist filled with
//! 100 000 entries costs a varying amount (randomly seeded hashing) that would drown
//! the figure otherwise.
//!
//! Scenarios, each a whole request through `actix_web::test` unless said otherwise:
//!
//! - `bare`: unprotected `GET /public`, App without the middleware;
//! - `public`: the same, App wrapped with `JwtManager`;
//! - `floor`: hand-written extractor around `jsonwebtoken::decode`, bearer header, no middleware;
//! - `header`, `cookie` (with the CSRF header, POST), `query`, `json` (POST body): `#[jwt_required]`
//!   with that one token location;
//! - `loaders`: `header` with a claims-verification and a user loader;
//! - `blocklist`: `header` with `MemoryBlocklist` holding 100 000 other revoked tokens;
//! - `decode`: `JwtManager::decode_token` alone; `raw-decode`: `jsonwebtoken::decode` alone.
//!
//! The difference between two runs with different counts gives the cost of one iteration.
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark harness")]

use actix_web::dev::Service;
use actix_web::http::header::ContentType;
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, HttpResponse, web};
use jwt_runtime::prelude::*;
use jwt_runtime::{Blocklist, JwtManagerBuilder, MemoryBlocklist};

#[path = "support/floor.rs"]
#[allow(dead_code, reason = "each bench uses part of the shared floor")]
mod support;

use support::{FloorKeys, SECRET, floor, protected};

async fn public() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "hello": "world" }))
}

/// A manager reading tokens from `location` only, with no registered loaders.
fn manager(location: TokenLocation) -> JwtManagerBuilder {
    JwtManager::builder(
        JwtConfig::default()
            .secret_key(SECRET)
            .token_location([location]),
    )
    .ignore_registered_loaders()
}

/// Runs the iterations: the only code callgrind counts.
#[inline(never)]
fn measured<R>(iterations: impl FnOnce() -> R) -> R {
    iterations()
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let scenario = args.next().unwrap_or_else(|| "header".to_owned());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let runtime = actix_web::rt::Runtime::new().unwrap();
    let manager = match scenario.as_str() {
        "cookie" => manager(TokenLocation::Cookies).build(),
        "query" => manager(TokenLocation::QueryString).build(),
        "json" => manager(TokenLocation::Json).build(),
        "loaders" => manager(TokenLocation::Headers)
            .claims_verification_loader(|claims| claims.get("banned").is_none())
            .user_loader_callback_loader(|identity| Some(identity.clone()))
            .build(),
        "blocklist" => {
            let store = MemoryBlocklist::new();
            runtime.block_on(async {
                for i in 0..100_000 {
                    store.revoke_jti(&format!("other-{i}"), None).await.unwrap();
                }
            });
            JwtManager::builder(
                JwtConfig::default()
                    .secret_key(SECRET)
                    .blacklist_enabled(true),
            )
            .ignore_registered_loaders()
            .blocklist(store)
            .build()
        }
        _ => manager(TokenLocation::Headers).build(),
    }
    .unwrap();
    let token = manager.create_access_token(&"benchmark-user").unwrap();
    let floor_keys = FloorKeys::new();
    if scenario == "decode" || scenario == "raw-decode" {
        measured(|| {
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
        });
        return;
    }
    let csrf = if scenario == "cookie" {
        manager.get_csrf_token(&token).unwrap()
    } else {
        String::new()
    };
    let request = || match scenario.as_str() {
        "bare" | "public" => TestRequest::get().uri("/public"),
        "cookie" => TestRequest::post()
            .uri("/protected")
            .cookie(actix_web::cookie::Cookie::new(
                "access_token_cookie",
                token.clone(),
            ))
            .insert_header(("X-CSRF-TOKEN", csrf.clone())),
        "query" => TestRequest::get().uri(&format!("/protected?jwt={token}")),
        "json" => TestRequest::post()
            .uri("/protected")
            .insert_header(ContentType::json())
            .set_payload(format!(r#"{{"access_token":"{token}"}}"#)),
        _ => TestRequest::get()
            .uri("/protected")
            .insert_header(("Authorization", format!("Bearer {token}"))),
    };
    let (wrapped, plain) = runtime.block_on(async {
        let wrapped = init_service(
            App::new()
                .wrap(manager.clone())
                .route("/public", web::get().to(public))
                .route("/protected", web::route().to(protected)),
        )
        .await;
        let plain = init_service(
            App::new()
                .app_data(web::Data::new(floor_keys))
                .route("/public", web::get().to(public))
                .route("/protected", web::get().to(floor)),
        )
        .await;
        (wrapped, plain)
    });
    measured(|| {
        runtime.block_on(async {
            for _ in 0..count {
                let response = if scenario == "bare" || scenario == "floor" {
                    plain
                        .call(request().to_request())
                        .await
                        .unwrap()
                        .map_into_boxed_body()
                } else {
                    wrapped
                        .call(request().to_request())
                        .await
                        .unwrap()
                        .map_into_boxed_body()
                };
                assert!(response.status().is_success(), "{scenario}");
            }
        });
    });
}
