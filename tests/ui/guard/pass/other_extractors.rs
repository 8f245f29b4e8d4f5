// Other extractors alongside the guard's hidden argument.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpRequest, HttpResponse, web, post};
use serde_json::json;

#[post("/users/{id}")]
#[jwt_required]
async fn update(
    req: HttpRequest,
    path: web::Path<(u32,)>,
    body: web::Json<serde_json::Value>,
) -> HttpResponse {
    let (id,) = path.into_inner();
    HttpResponse::Ok().json(json!({
        "id": id,
        "body": body.into_inner(),
        "path": req.path(),
    }))
}

#[jwt_optional]
async fn query(
    query: web::Query<std::collections::HashMap<String, String>>,
    req: HttpRequest,
) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "n": query.len(), "path": req.path() }))
}

fn main() {
    let _ = App::new()
        .service(update)
        .route("/query", web::get().to(query));
}
