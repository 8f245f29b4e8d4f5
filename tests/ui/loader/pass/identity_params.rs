// Identity parameters as `&str`, `String`, `&Value`, and a user struct by value and by reference.
use jwt_runtime::prelude::*;
use actix_web::HttpResponse;
use serde_json::json;

#[derive(Clone, serde::Deserialize, serde::Serialize)]
struct UserId {
    id: u64,
    name: String,
}

#[jwt::user_claims_loader]
fn claims_str(identity: &str) -> serde_json::Value {
    json!({ "name": identity })
}

#[jwt::user_claims_loader]
fn claims_string(identity: String) -> Vec<String> {
    vec![identity]
}

#[jwt::user_identity_loader]
fn identity_value(identity: &serde_json::Value) -> serde_json::Value {
    identity.clone()
}

#[jwt::user_identity_loader]
fn identity_struct(user: UserId) -> u64 {
    user.id
}

#[jwt::encode_key_loader]
fn key_struct_ref(user: &UserId) -> String {
    format!("{}-{}", user.id, user.name)
}

#[jwt::user_loader_callback_loader]
fn user_struct_ref(user: &UserId) -> Option<UserId> {
    Some(user.clone())
}

#[jwt::user_loader_error_loader]
fn user_error_struct(user: UserId) -> HttpResponse {
    HttpResponse::NotFound().body(user.name)
}

#[jwt::claims_verification_loader]
fn verify_ref(claims: &serde_json::Value) -> bool {
    claims.is_object()
}

fn main() {}
