use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

// Only refresh tokens rotate: `rotate` needs a refresh guard.
#[jwt_required(fresh, rotate)]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

// The other 3.x guards take no options at all.
#[fresh_jwt_required(rotate)]
async fn fresh() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
