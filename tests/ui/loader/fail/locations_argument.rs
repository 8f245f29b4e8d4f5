use jwt_runtime::prelude::*;

#[jwt::revoked_token_loader(locations = [headers])]
fn revoked() -> HttpResponse {
    HttpResponse::Unauthorized().finish()
}

fn main() {}
