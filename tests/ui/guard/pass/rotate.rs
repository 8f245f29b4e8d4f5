// `rotate` on the refresh guards: the 3.x attribute and `#[jwt_required(refresh, ...)]`,
// bare and with a `bool`.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpResponse, post};

#[post("/refresh")]
#[jwt_refresh_token_required(rotate)]
async fn refresh() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(refresh_tokens().await?))
}

#[post("/refresh/v4")]
#[jwt_required(refresh, rotate = true, locations = [cookies])]
async fn refresh_v4() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(refresh_tokens().await?))
}

#[post("/refresh/plain")]
#[jwt_refresh_token_required(rotate = false, locations = [headers])]
async fn refresh_plain() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(refresh_tokens().await?))
}

fn main() {
    let _ = App::new()
        .service(refresh)
        .service(refresh_v4)
        .service(refresh_plain);
}
