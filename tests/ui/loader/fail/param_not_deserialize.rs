use jwt_runtime::prelude::*;

struct User;

#[jwt::user_identity_loader]
fn identity(user: User) -> u64 {
    let _ = user;
    1
}

fn main() {}
