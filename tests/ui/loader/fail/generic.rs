use jwt_runtime::prelude::*;

#[jwt::user_claims_loader]
fn user_claims<T: serde::Serialize>(identity: T) -> T {
    identity
}

fn main() {}
