// A guarded handler returning `impl Responder`.
use jwt_runtime::prelude::*;
use actix_web::{App, Responder, web, get};
use serde_json::json;

#[get("/responder")]
#[jwt_required]
async fn responder() -> impl Responder {
    web::Json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[jwt_optional]
async fn text() -> impl Responder {
    "hello"
}

fn main() {
    let _ = App::new()
        .service(responder)
        .route("/text", web::get().to(text));
}
