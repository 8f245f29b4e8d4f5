use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt_required(optional, optional = false)]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
