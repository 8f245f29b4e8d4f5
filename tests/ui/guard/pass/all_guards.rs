// Each of the four guards, registered as a service.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpResponse, get, post};
use serde_json::json;

#[get("/required")]
#[jwt_required]
async fn required() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[get("/optional")]
#[jwt_optional]
async fn optional() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[post("/fresh")]
#[fresh_jwt_required]
async fn fresh() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "claims": get_jwt_claims() }))
}

#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh() -> Result<HttpResponse, JwtError> {
    let identity: String = get_jwt_identity().unwrap_or_default();
    Ok(HttpResponse::Ok().json(json!({ "access_token": create_access_token(&identity)? })))
}

fn main() {
    let _ = App::new()
        .service(required)
        .service(optional)
        .service(fresh)
        .service(refresh);
}
