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

use std::future::{Ready, ready};

use actix_web::dev::{Payload, Service};
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, FromRequest, HttpRequest, HttpResponse, web};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_runtime::prelude::*;
use serde::Deserialize;
use serde_json::Value;

const SECRET: &str = "a-benchmark-secret-of-32-bytes!!";

#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[derive(Deserialize)]
struct Plain {
    identity: Value,
}

struct Floor(Plain);

struct FloorKeys {
    key: DecodingKey,
    validation: Validation,
}

impl FromRequest for Floor {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let keys = req.app_data::<web::Data<FloorKeys>>().unwrap();
        let token = req
            .headers()
            .get("Authorization")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or_default();
        ready(
            jsonwebtoken::decode::<Plain>(token, &keys.key, &keys.validation)
                .map(|data| Floor(data.claims))
                .map_err(actix_web::error::ErrorUnprocessableEntity),
        )
    }
}

async fn floor(Floor(claims): Floor) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": claims.identity }))
}

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
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.validate_nbf = true;
    if scenario == "decode" || scenario == "raw-decode" {
        let key = DecodingKey::from_secret(SECRET.as_bytes()).unwrap();
        for _ in 0..count {
            if scenario == "decode" {
                std::hint::black_box(
                    manager
                        .decode_token(std::hint::black_box(&token), None, false)
                        .unwrap(),
                );
            } else {
                let claims =
                    jsonwebtoken::decode::<Plain>(std::hint::black_box(&token), &key, &validation)
                        .unwrap();
                std::hint::black_box(claims);
            }
        }
        return;
    }
    let keys = web::Data::new(FloorKeys {
        key: DecodingKey::from_secret(SECRET.as_bytes()).unwrap(),
        validation,
    });
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
