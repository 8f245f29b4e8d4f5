// `locations = [...]`, as identifiers and as strings, on every guard.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpResponse, get, post};

#[get("/headers-cookies")]
#[jwt_required(locations = [headers, cookies])]
async fn headers_cookies() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[post("/json")]
#[jwt_required(locations = ["json"])]
async fn json_body() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/all")]
#[jwt_optional(locations = [query_string, "json", cookies, headers])]
async fn all() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[post("/fresh")]
#[fresh_jwt_required(locations = [cookies])]
async fn fresh() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[post("/refresh")]
#[jwt_refresh_token_required(locations = ["cookies", "headers"])]
async fn refresh() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _ = App::new()
        .service(headers_cookies)
        .service(json_body)
        .service(all)
        .service(fresh)
        .service(refresh);
}
