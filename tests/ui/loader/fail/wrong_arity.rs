use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt::invalid_token_loader]
fn invalid(message: &str, extra: &str) -> HttpResponse {
    HttpResponse::Unauthorized().body(format!("{message}{extra}"))
}

fn main() {}
