// `#[get]` stacked below the guard: the guard runs first and actix sees the added argument.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpResponse, get};
use serde_json::json;

#[jwt_required]
#[get("/protected")]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "hello": get_jwt_identity::<String>() }))
}

fn main() {
    let _ = App::new().service(protected);
}
