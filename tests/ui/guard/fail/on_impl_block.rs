use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

struct Api;

#[jwt_optional]
impl Api {
    async fn protected(&self) -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

fn main() {}
