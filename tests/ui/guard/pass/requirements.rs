// `scopes`, `roles` and `check` on every guard attribute, alone and together, with the
// route attribute above or below, on a `pub` handler, and every form a `check` may take.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpRequest, HttpResponse, get, post};

mod checks {
    use jwt_runtime::Claims;

    pub fn is_admin(claims: &Claims) -> bool {
        claims.identity_value() == "admin"
    }
}

fn with_request(claims: &Claims, request: &HttpRequest) -> bool {
    // Both present and equal: a route without `{owner}` or a non-string identity is refused.
    matches!(
        (request.match_info().get("owner"), claims.identity_value().as_str()),
        (Some(owner), Some(identity)) if owner == identity
    )
}

async fn later(claims: &Claims) -> Result<bool, std::io::Error> {
    Ok(claims.jti().is_some())
}

async fn later_with_request(_: &Claims, request: &HttpRequest) -> bool {
    request.method() == actix_web::http::Method::GET
}

#[get("/scoped")]
#[jwt_required(scopes = ["items:read", "items:write"])]
pub async fn scoped() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(roles = ["admin"], check = checks::is_admin)]
#[get("/admin")]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/items/{owner}")]
#[jwt_optional(scopes = ["items:read"], check = with_request)]
async fn item() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/fresh")]
#[fresh_jwt_required(check = later, locations = [headers, custom])]
async fn fresh() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[post("/refresh")]
#[jwt_refresh_token_required(rotate, scopes = ["offline_access"], check = later_with_request)]
async fn refresh() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(refresh_tokens().await?))
}

#[get("/v4")]
#[jwt_required(optional, scopes = ["a"], roles = ["b", "c"], check = checks::is_admin, crate = jwt_runtime)]
async fn v4() -> HttpResponse {
    HttpResponse::Ok().finish()
}

// A `cfg` below the attribute applies to the hidden type too: two variants of one
// handler, and one compiled out whose `check` does not even exist.
#[jwt_required(scopes = ["a"])]
#[cfg(all())]
async fn twin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(scopes = ["b"])]
#[cfg(not(all()))]
async fn twin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(check = does_not_exist)]
#[cfg(any())]
async fn gone() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _ = actix_web::web::get().to(twin);
    let _ = App::new()
        .service(scoped)
        .service(admin)
        .service(item)
        .service(fresh)
        .service(refresh)
        .service(v4);
}
