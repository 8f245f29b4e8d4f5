use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt_required(locations = [headers, banana])]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
