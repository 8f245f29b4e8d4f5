// The reference's legacy forms: fewer arguments.
use jwt_runtime::prelude::*;
use actix_web::HttpResponse;
use serde_json::json;
use serde_json::{Map, Value};

#[jwt::additional_headers_loader]
fn additional_headers() -> Option<Map<String, Value>> {
    None
}

#[jwt::decode_key_loader]
fn decode_key(claims: &Map<String, Value>) -> &'static str {
    if claims.contains_key("sub") {
        "a"
    } else {
        "b"
    }
}

#[jwt::expired_token_loader]
fn expired() -> HttpResponse {
    HttpResponse::Unauthorized().json(json!({ "msg": "Token has expired" }))
}

fn main() {}
