use jwt_runtime::prelude::*;
use serde_json::{Map, Value};

#[jwt::encode_key_loader]
async fn encode_key(identity: String) -> String {
    format!("a-tenant-secret-of-at-least-32-bytes-{identity}")
}

#[jwt::decode_key_loader]
async fn decode_key(claims: &Map<String, Value>, header: &Map<String, Value>) -> Result<String, std::io::Error> {
    let _ = (claims, header);
    Ok("a-tenant-secret-of-at-least-32-bytes".to_owned())
}

fn main() {}
