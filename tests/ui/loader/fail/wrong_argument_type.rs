use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt::expired_token_loader]
fn expired(token: String) -> HttpResponse {
    HttpResponse::Unauthorized().body(token)
}

fn main() {}
