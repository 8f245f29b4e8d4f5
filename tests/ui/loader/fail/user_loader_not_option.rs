use jwt_runtime::prelude::*;

struct User {
    name: String,
}

#[jwt::user_loader_callback_loader]
fn load(identity: String) -> User {
    User { name: identity }
}

fn main() {}
