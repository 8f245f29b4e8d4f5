// flask-jwt-extended 4.x's loader names with their 4.x signatures.
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

fn main() {}
