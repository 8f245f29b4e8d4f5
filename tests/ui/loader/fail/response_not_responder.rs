use jwt_runtime::prelude::*;

struct NotAResponse;

#[jwt::revoked_token_loader]
fn revoked() -> NotAResponse {
    NotAResponse
}

fn main() {}
