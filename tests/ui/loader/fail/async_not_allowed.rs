use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt::expired_token_loader]
async fn expired(token: &Claims) -> HttpResponse {
    HttpResponse::Unauthorized().body(token.token_type().to_string())
}

fn main() {}
