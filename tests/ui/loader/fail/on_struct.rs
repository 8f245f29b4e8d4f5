use jwt_runtime::prelude::*;

#[jwt::expired_token_loader]
struct Expired;

fn main() {}
