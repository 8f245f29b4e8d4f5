use jwt_runtime::prelude::*;

#[jwt_required(locations = [headers, banana])]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
