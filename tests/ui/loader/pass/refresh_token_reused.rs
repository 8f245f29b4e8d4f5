// The reuse loader, with the reused token and without it.
use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

#[jwt::refresh_token_reused_loader]
fn reused(token: &Claims) -> HttpResponse {
    HttpResponse::Unauthorized().json(serde_json::json!({ "who": token.identity_value() }))
}

mod other {
    use jwt_runtime::prelude::*;

    #[jwt::refresh_token_reused_loader(crate = jwt_runtime)]
    fn reused() -> &'static str {
        "log in again"
    }
}

fn main() {}
