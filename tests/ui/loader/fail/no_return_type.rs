use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt::needs_fresh_token_loader]
fn needs_fresh() {
    let _ = HttpResponse::Unauthorized().finish();
}

fn main() {}
