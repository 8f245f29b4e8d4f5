use actix_web::HttpResponse;
use jwt_runtime::prelude::*;
use serde_json::{Map, Value};

// 4.x's user lookup and verification loaders take the header and the payload.
#[jwt::user_lookup_loader]
fn lookup(identity: String) -> Option<String> {
    Some(identity)
}

#[jwt::token_verification_failed_loader]
async fn failed(_header: &Map<String, Value>, _payload: &Map<String, Value>) -> HttpResponse {
    HttpResponse::Forbidden().finish()
}

fn main() {}
