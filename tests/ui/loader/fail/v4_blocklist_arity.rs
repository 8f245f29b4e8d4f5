use jwt_runtime::prelude::*;

// 4.x's blocklist loader takes the header and the payload.
#[jwt::token_in_blocklist_loader]
fn in_blocklist(token: &Claims) -> bool {
    token.jti().is_none()
}

fn main() {}
