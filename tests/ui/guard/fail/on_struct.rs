use jwt_runtime::prelude::*;

#[jwt_required]
struct Protected;

fn main() {}
