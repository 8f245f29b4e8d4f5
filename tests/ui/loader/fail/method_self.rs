use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

struct Loaders;

impl Loaders {
    #[jwt::unauthorized_loader]
    fn unauthorized(&self, message: &str) -> HttpResponse {
        HttpResponse::Unauthorized().body(message.to_owned())
    }
}

fn main() {}
