use jwt_runtime::prelude::*;

#[jwt_required(foo = 1)]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
