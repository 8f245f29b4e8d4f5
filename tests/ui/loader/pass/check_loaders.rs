// Blacklist and claims-verification loaders, sync and async, `bool` and `Result<bool, E>`.
use jwt_runtime::prelude::*;

#[jwt::token_in_blacklist_loader]
fn blacklist(token: &Claims) -> bool {
    token.jti() == Some("revoked")
}

#[jwt::token_in_blacklist_loader]
async fn blacklist_async(token: &Claims) -> Result<bool, std::io::Error> {
    let jti = token.jti().map(str::to_owned);
    std::future::ready(()).await;
    Ok(jti.as_deref() == Some("revoked"))
}

#[jwt::claims_verification_loader]
fn verify(user_claims: serde_json::Value) -> bool {
    user_claims.get("roles").is_some()
}

#[derive(serde::Deserialize)]
struct UserClaims {
    roles: Vec<String>,
}

#[jwt::claims_verification_loader]
async fn verify_async(user_claims: UserClaims) -> Result<bool, String> {
    std::future::ready(()).await;
    Ok(!user_claims.roles.is_empty())
}

fn main() {}
