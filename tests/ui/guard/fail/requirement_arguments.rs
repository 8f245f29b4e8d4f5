// Each requirement argument refused at compile time, on the user's span.
use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt_required(scopes = [])]
async fn empty_scopes() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_optional(roles = [])]
async fn empty_roles() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[fresh_jwt_required(scopes = ["items read"])]
async fn two_words() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_refresh_token_required(scopes = ["a", "b", "a"])]
async fn duplicate_scope() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(roles = [admin])]
async fn not_a_string() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(roles = [""])]
async fn empty_role() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(check = |claims: &Claims| claims.jti().is_some())]
async fn closure_check() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(scopes = ["a"], scopes = ["b"])]
async fn scopes_twice() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(scopes = "items:read")]
async fn not_a_list() -> HttpResponse {
    HttpResponse::Ok().finish()
}

struct Api;

impl Api {
    #[jwt_required(scopes = ["a"])]
    async fn method(&self) -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

fn main() {}
