use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt_required(foo = 1)]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
