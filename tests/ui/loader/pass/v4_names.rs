// flask-jwt-extended 4.x's loader names with their 4.x signatures.
use actix_web::HttpResponse;
use jwt_runtime::prelude::*;
use serde_json::{Map, Value, json};

#[jwt::additional_claims_loader]
fn additional_claims(identity: &Value) -> Value {
    json!({ "tenant": identity })
}

#[jwt::token_in_blocklist_loader]
async fn in_blocklist(_header: &Map<String, Value>, payload: &Map<String, Value>) -> Result<bool, String> {
    Ok(payload.get("jti").is_none())
}

#[jwt::token_verification_loader]
async fn verified(_header: &Map<String, Value>, payload: &Map<String, Value>) -> Result<bool, std::io::Error> {
    Ok(payload.contains_key("sub"))
}

#[jwt::token_verification_failed_loader]
fn verification_failed(_header: &Map<String, Value>, payload: &Map<String, Value>) -> HttpResponse {
    HttpResponse::Forbidden().json(payload)
}

struct User(String);

#[jwt::user_lookup_loader]
async fn lookup(_header: &Map<String, Value>, payload: &Map<String, Value>) -> Option<User> {
    payload.get("sub")?.as_str().map(|sub| User(sub.to_owned()))
}

#[jwt::user_lookup_error_loader]
fn lookup_failed(header: &Map<String, Value>, _payload: &Map<String, Value>) -> impl actix_web::Responder {
    HttpResponse::NotFound().json(header)
}

fn main() {
    let _ = |user: User| user.0;
}
