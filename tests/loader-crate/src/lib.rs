//! Registers a `revoked_token_loader` from a library crate: a binary that never
//! names this crate does not link it (and so does not get the loader); one that
//! says `use jwt_test_loaders as _;` does.

use actix_web::HttpResponse;
use jwt_runtime::prelude::*;
use serde_json::json;

/// Answers revoked tokens with 410 Gone.
#[jwt::revoked_token_loader]
#[must_use]
pub fn revoked_from_library() -> HttpResponse {
    HttpResponse::Gone().json(json!({"msg": "revoked (library loader)"}))
}
