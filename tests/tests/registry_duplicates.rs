//! Two loaders registered for one slot: building the manager fails, naming both.
#![allow(clippy::unwrap_used, reason = "tests")]

use actix_web::http::StatusCode;
use actix_web::{App, test};
use actix_web::{HttpResponse, get};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{SECRET, bearer, msg, send};
use serde_json::json;

#[jwt::unauthorized_loader]
fn first(message: &str) -> HttpResponse {
    HttpResponse::Unauthorized().body(message.to_owned())
}

mod nested {
    use actix_web::HttpResponse;
    use jwt_runtime::prelude::*;

    #[jwt::unauthorized_loader]
    fn second(message: String) -> HttpResponse {
        HttpResponse::Forbidden().body(message)
    }
}

/// The unauthorized slot's two registrations, as a start-up error names them.
const FIRST: &str = "registry_duplicates::first (tests/tests/registry_duplicates.rs:12)";
const SECOND: &str = "registry_duplicates::nested::second (tests/tests/registry_duplicates.rs:21)";

#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[::core::prelude::v1::test]
fn two_loaders_in_one_slot_are_a_start_up_error_naming_both() {
    let error = JwtManager::new(JwtConfig::default().secret_key(SECRET)).unwrap_err();
    assert!(
        matches!(
            &error,
            jwt_runtime::ConfigError::DuplicateLoader {
                loader: "unauthorized_loader",
                ..
            }
        ),
        "{error}"
    );
    let text = error.to_string();
    assert!(text.contains(FIRST), "{text}");
    assert!(text.contains(SECOND), "{text}");
    // A builder-set loader for that slot resolves the conflict.
    let manager = JwtManager::builder(JwtConfig::default().secret_key(SECRET))
        .unauthorized_loader(|message: &str| HttpResponse::Unauthorized().body(message.to_owned()))
        .build();
    assert!(manager.is_ok());
}

#[actix_web::test]
async fn a_library_crate_this_binary_never_names_contributes_no_loader() {
    // The unauthorized slot holds this binary's two loaders and nothing else.
    let error = JwtManager::new(JwtConfig::default().secret_key(SECRET)).unwrap_err();
    let jwt_runtime::ConfigError::DuplicateLoader { entries, .. } = &error else {
        panic!("not a duplicate-loader error: {error}");
    };
    let mut named: Vec<&str> = entries.iter().map(String::as_str).collect();
    named.sort_unstable();
    assert_eq!(named, [FIRST, SECOND], "{error}");
    assert!(
        error.to_string().contains("2 functions are registered"),
        "{error}"
    );
    // jwt-test-loaders is a dependency of this package, but this binary never names it,
    // so the linker drops its revoked_token_loader (the documented pitfall): a revoked
    // token gets the library's default answer, not that loader's 410.
    let manager = JwtManager::builder(
        JwtConfig::default()
            .secret_key(SECRET)
            .blacklist_enabled(true),
    )
    .unauthorized_loader(|message: &str| {
        HttpResponse::Unauthorized().json(json!({ "builder": message }))
    })
    .token_in_blacklist_loader(|_| true)
    .build()
    .unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).service(protected)).await;
    let token = manager.create_access_token(&"alice").unwrap();
    assert_eq!(
        send(&app, bearer("/protected", &token)).await,
        (StatusCode::UNAUTHORIZED, msg("Token has been revoked"))
    );
    // The unauthorized case answers through the builder's loader, not a registered one.
    assert_eq!(
        send(&app, test::TestRequest::get().uri("/protected")).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({ "builder": "Missing Authorization Header" })
        )
    );
}
