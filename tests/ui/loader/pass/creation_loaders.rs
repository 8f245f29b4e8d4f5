// The loaders used when a token is created or decoded.
use jwt_runtime::prelude::*;
use serde_json::json;
use serde_json::{Map, Value};

#[jwt::user_claims_loader]
fn user_claims(identity: &str) -> Value {
    json!({ "roles": [identity] })
}

#[jwt::user_identity_loader]
fn user_identity(identity: String) -> String {
    identity.to_uppercase()
}

#[jwt::additional_headers_loader]
fn additional_headers(identity: &Value) -> Option<Map<String, Value>> {
    let mut map = Map::new();
    map.insert("kid".to_owned(), identity.clone());
    Some(map)
}

#[jwt::encode_key_loader]
fn encode_key(identity: String) -> String {
    format!("secret-for-{identity}")
}

#[jwt::decode_key_loader]
fn decode_key(claims: &Map<String, Value>, header: &Map<String, Value>) -> jwt_runtime::config::Secret {
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default();
    jwt_runtime::config::Secret::from(format!("{kid}{sub}"))
}

fn main() {}
