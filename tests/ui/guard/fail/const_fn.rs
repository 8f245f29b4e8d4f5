use jwt_runtime::prelude::*;

#[jwt_required]
const fn protected() -> u32 {
    1
}

fn main() {}
