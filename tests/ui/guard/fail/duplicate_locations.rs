use jwt_runtime::prelude::*;

#[jwt_required(locations = [headers], locations = [cookies])]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
