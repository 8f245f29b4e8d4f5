use jwt_runtime::prelude::*;

#[derive(serde::Deserialize)]
struct User {
    id: u64,
}

#[jwt::user_identity_loader]
fn identity(user: &User) -> u64 {
    user.id
}

fn main() {}
