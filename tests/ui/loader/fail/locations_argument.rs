use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt::revoked_token_loader(locations = [headers])]
fn revoked() -> HttpResponse {
    HttpResponse::Unauthorized().finish()
}

fn main() {}
