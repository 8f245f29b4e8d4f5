// A guard on a method: the hidden argument goes after `self`.
use jwt_runtime::prelude::*;
use actix_web::{HttpResponse, web};

struct Api {
    greeting: String,
}

impl Api {
    #[jwt_required]
    async fn hello(&self, name: web::Path<String>) -> HttpResponse {
        HttpResponse::Ok().body(format!("{} {}", self.greeting, name.into_inner()))
    }

    #[jwt_optional]
    fn plain(self) -> std::future::Ready<HttpResponse> {
        std::future::ready(HttpResponse::Ok().body(self.greeting))
    }
}

fn main() {
    let _ = Api::hello;
    let _ = Api::plain;
}
