// `#[get]` stacked above the guard: actix's macro runs first and keeps the guard attribute.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpResponse, get};
use serde_json::json;

#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "hello": get_jwt_identity::<String>() }))
}

fn main() {
    let _ = App::new().service(protected);
}
