// A token source must take the request and answer an optional token.
use jwt_runtime::prelude::*;

#[jwt::token_source_loader]
fn answers_a_bool(_: &actix_web::HttpRequest) -> bool {
    true
}

#[jwt::token_source_loader]
async fn is_async(_: &actix_web::HttpRequest) -> Option<String> {
    None
}

#[jwt::token_source_loader]
fn no_request() -> Option<String> {
    None
}

fn main() {}
