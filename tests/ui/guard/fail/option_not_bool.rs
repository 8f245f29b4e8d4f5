use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt_required(verify_type = 1)]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
