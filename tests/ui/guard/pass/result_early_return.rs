// `Result<HttpResponse, actix_web::Error>` with `?` and an early `return` in the body.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpResponse, web, get};
use serde_json::json;

#[get("/items/{id}")]
#[jwt_required]
async fn item(path: web::Path<u32>) -> Result<HttpResponse, actix_web::Error> {
    let id = path.into_inner();
    if id == 0 {
        return Ok(HttpResponse::NotFound().finish());
    }
    let parsed: u32 = "7".parse().map_err(actix_web::error::ErrorBadRequest)?;
    let token = create_access_token(&id)?;
    Ok(HttpResponse::Ok().json(json!({ "id": id + parsed, "token": token })))
}

#[jwt_optional]
fn sync_item() -> std::future::Ready<Result<HttpResponse, actix_web::Error>> {
    if get_jwt_identity::<String>().is_none() {
        return std::future::ready(Ok(HttpResponse::Unauthorized().finish()));
    }
    std::future::ready(Ok(HttpResponse::Ok().finish()))
}

fn main() {
    let _ = App::new()
        .service(item)
        .route("/sync", web::get().to(sync_item));
}
