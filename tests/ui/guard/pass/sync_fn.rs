// A plain (non-async) handler returning `std::future::Ready<HttpResponse>`.
use std::future::{ready, Ready};

use jwt_runtime::prelude::*;
use actix_web::{App, HttpRequest, HttpResponse, web, get};
use serde_json::json;

#[jwt_required]
fn plain() -> Ready<HttpResponse> {
    ready(HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() })))
}

#[get("/plain-service")]
#[fresh_jwt_required]
fn plain_service(req: HttpRequest) -> Ready<HttpResponse> {
    ready(HttpResponse::Ok().body(req.path().to_owned()))
}

fn main() {
    let _ = App::new()
        .service(plain_service)
        .route("/plain", web::get().to(plain));
}
