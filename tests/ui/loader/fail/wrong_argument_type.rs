use jwt_runtime::prelude::*;

#[jwt::expired_token_loader]
fn expired(token: String) -> HttpResponse {
    HttpResponse::Unauthorized().body(token)
}

fn main() {}
