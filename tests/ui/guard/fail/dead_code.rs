#![deny(dead_code)]

use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt_required]
async fn never_registered() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
