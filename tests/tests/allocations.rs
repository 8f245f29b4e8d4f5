//! How many heap allocations one verified request costs, counted with an instrumented
//! global allocator (`stats_alloc`). The bound makes a regression on the per-request
//! path (an extra clone, a re-parse, a needless `String`) fail here.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::alloc::System;

use actix_web::dev::Service;
use actix_web::test::init_service;
use actix_web::{App, HttpResponse, web};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{SECRET, bearer};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn public() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Allocations of the whole request (actix's own included) for a header token: 15 today
/// (7 of them actix's, as on `/public`).
const PROTECTED_BUDGET: usize = 18;

#[actix_web::test]
async fn one_verified_request_allocates_within_budget() {
    let manager = JwtManager::builder(JwtConfig::default().secret_key(SECRET))
        .ignore_registered_loaders()
        .build()
        .unwrap();
    let token = manager.create_access_token(&"alice").unwrap();
    let app = init_service(
        App::new()
            .wrap(manager.clone())
            .route("/protected", web::get().to(protected))
            .route("/public", web::get().to(public)),
    )
    .await;
    let count = |uri: &'static str| {
        let request = bearer(uri, &token).to_request();
        let app = &app;
        async move {
            let region = Region::new(GLOBAL);
            let response = app.call(request).await.unwrap();
            assert!(response.status().is_success());
            drop(response);
            region.change().allocations
        }
    };
    // Warm up (first use builds the per-thread verifier and actix's pools).
    count("/protected").await;
    count("/public").await;
    let public = count("/public").await;
    let protected = count("/protected").await;
    println!(
        "allocations per request: /public {public}, /protected {protected} (verification: {})",
        protected - public
    );
    assert!(
        protected <= PROTECTED_BUDGET,
        "a verified request allocated {protected} times (budget {PROTECTED_BUDGET})"
    );
    assert!(protected > public, "verification must show up in the count");
}
