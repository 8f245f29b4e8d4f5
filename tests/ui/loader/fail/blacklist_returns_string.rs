use jwt_runtime::prelude::*;

#[jwt::token_in_blacklist_loader]
fn blacklisted(token: &Claims) -> String {
    token.jti().unwrap_or_default().to_owned()
}

fn main() {}
