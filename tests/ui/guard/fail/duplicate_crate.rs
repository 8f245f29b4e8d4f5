use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt_required(crate = jwt_runtime, crate = jwt_runtime)]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
