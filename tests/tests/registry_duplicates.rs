//! Two loaders registered for one slot: building the manager fails, naming both.
#![allow(clippy::unwrap_used, reason = "tests")]

use actix_web::HttpResponse;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};

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

#[test]
fn two_loaders_in_one_slot_are_a_start_up_error_naming_both() {
    let error =
        JwtManager::new(JwtConfig::default().secret_key("a-test-secret-that-is-32-bytes!!"))
            .unwrap_err();
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
    assert!(
        text.contains("registry_duplicates::first (tests/tests/registry_duplicates.rs:8)"),
        "{text}"
    );
    assert!(
        text.contains(
            "registry_duplicates::nested::second (tests/tests/registry_duplicates.rs:17)"
        ),
        "{text}"
    );
    // A builder-set loader for that slot resolves the conflict.
    let manager =
        JwtManager::builder(JwtConfig::default().secret_key("a-test-secret-that-is-32-bytes!!"))
            .unauthorized_loader(|message: &str| {
                HttpResponse::Unauthorized().body(message.to_owned())
            })
            .build();
    assert!(manager.is_ok());
}

#[test]
fn a_library_crate_this_binary_never_names_contributes_no_loader() {
    // jwt-test-loaders is a dependency of this package, but this binary never names it,
    // so the linker drops its revoked_token_loader (the documented pitfall).
    assert_eq!(
        jwt_runtime::__private::slots::revoked_token_loader::REGISTRY.len(),
        0
    );
    assert_eq!(
        jwt_runtime::__private::slots::unauthorized_loader::REGISTRY.len(),
        2
    );
}
