use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt::revoked_token_loader(foo = 1)]
fn revoked() -> HttpResponse {
    HttpResponse::Unauthorized().finish()
}

fn main() {}
