use jwt_runtime::prelude::*;

#[jwt::additional_claims_loader]
async fn additional_claims(identity: &serde_json::Value) -> serde_json::Value {
    identity.clone()
}

fn main() {}
