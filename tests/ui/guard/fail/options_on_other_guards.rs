use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

// The options belong to `#[jwt_required(...)]`; the 3.x guards are fixed.
#[jwt_optional(fresh)]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
