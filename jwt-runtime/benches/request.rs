//! The whole protected request through `actix_web::test`, for each token location, with
//! and without loaders, against the floor: the same request through a hand-written
//! extractor around raw `jsonwebtoken::decode`.
//!
//! ```text
//! cargo bench -p jwt-runtime --bench request
//! ```
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark harness")]

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::ContentType;
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, web};
use criterion::{Criterion, criterion_group, criterion_main};
use jwt_runtime::TokenLocation;
use jwt_runtime::prelude::*;

#[path = "support/floor.rs"]
#[allow(dead_code, reason = "each bench uses part of the shared floor")]
mod support;

use support::{FloorKeys, SECRET, floor, protected};

fn run<S, B>(
    c: &mut Criterion,
    runtime: &actix_web::rt::Runtime,
    name: &str,
    app: &S,
    request: impl Fn() -> TestRequest,
) where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    runtime.block_on(async {
        let response = app.call(request().to_request()).await.unwrap();
        assert!(
            response.status().is_success(),
            "{name}: {}",
            response.status()
        );
    });
    c.bench_function(name, |b| {
        b.iter(|| runtime.block_on(async { app.call(request().to_request()).await.unwrap() }));
    });
}

fn bench(c: &mut Criterion) {
    let runtime = actix_web::rt::Runtime::new().unwrap();
    let config = || {
        JwtConfig::default().secret_key(SECRET).token_location([
            TokenLocation::Headers,
            TokenLocation::Cookies,
            TokenLocation::QueryString,
            TokenLocation::Json,
        ])
    };
    let plain = JwtManager::builder(config())
        .ignore_registered_loaders()
        .build()
        .unwrap();
    let loaded = JwtManager::builder(config())
        .ignore_registered_loaders()
        .claims_verification_loader(|claims| claims.get("banned").is_none())
        .user_loader_callback_loader(|identity| Some(identity.clone()))
        .build()
        .unwrap();
    let token = plain.create_access_token(&"benchmark-user").unwrap();
    let csrf = plain.get_csrf_token(&token).unwrap();

    let floor_keys = web::Data::new(FloorKeys::new());
    let floor_app = runtime.block_on(init_service(
        App::new()
            .app_data(floor_keys)
            .route("/p", web::get().to(floor)),
    ));
    let app = runtime.block_on(init_service(
        App::new()
            .wrap(plain.clone())
            .route("/p", web::route().to(protected)),
    ));
    let loaded_app = runtime.block_on(init_service(
        App::new()
            .wrap(loaded.clone())
            .route("/p", web::route().to(protected)),
    ));

    let header = || {
        TestRequest::get()
            .uri("/p")
            .insert_header(("Authorization", format!("Bearer {token}")))
    };
    run(
        c,
        &runtime,
        "request/floor: hand-written extractor, header",
        &floor_app,
        header,
    );
    run(c, &runtime, "request/header", &app, header);
    run(
        c,
        &runtime,
        "request/header + claims and user loaders",
        &loaded_app,
        header,
    );
    run(c, &runtime, "request/cookie + csrf", &app, || {
        TestRequest::post()
            .uri("/p")
            .cookie(actix_web::cookie::Cookie::new(
                "access_token_cookie",
                token.clone(),
            ))
            .insert_header(("X-CSRF-TOKEN", csrf.clone()))
    });
    run(c, &runtime, "request/query string", &app, || {
        TestRequest::get().uri(&format!("/p?jwt={token}"))
    });
    run(c, &runtime, "request/json body", &app, || {
        TestRequest::post()
            .uri("/p")
            .insert_header(ContentType::json())
            .set_payload(format!(r#"{{"access_token":"{token}"}}"#))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
