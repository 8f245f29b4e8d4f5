use jwt_runtime::prelude::*;

#[jwt_required(locations = [headers, cookies, "headers"])]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
