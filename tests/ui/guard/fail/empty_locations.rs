use jwt_runtime::prelude::*;

#[jwt_required(locations = [])]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
