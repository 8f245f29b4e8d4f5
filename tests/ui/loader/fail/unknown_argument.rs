use jwt_runtime::prelude::*;

#[jwt::revoked_token_loader(foo = 1)]
fn revoked() -> HttpResponse {
    HttpResponse::Unauthorized().finish()
}

fn main() {}
