// The insufficient-scope loader (with and without its argument) and the token source.
use jwt_runtime::prelude::*;
use actix_web::{HttpRequest, HttpResponse};

#[jwt::insufficient_scope_loader]
fn forbidden(denied: &Denied) -> HttpResponse {
    HttpResponse::Forbidden().body(denied.missing().to_string())
}

mod bare {
    use jwt_runtime::prelude::*;

    #[jwt::insufficient_scope_loader(crate = jwt_runtime)]
    fn forbidden() -> actix_web::HttpResponse {
        actix_web::HttpResponse::Forbidden().finish()
    }
}

#[jwt::token_source_loader]
fn from_protocol(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get("sec-websocket-protocol")?
        .to_str()
        .ok()
        .map(str::to_owned)
}

mod borrowed {
    use jwt_runtime::prelude::*;

    #[jwt::token_source_loader]
    fn fixed(_: &actix_web::HttpRequest) -> Option<&'static str> {
        None
    }
}

fn main() {}
