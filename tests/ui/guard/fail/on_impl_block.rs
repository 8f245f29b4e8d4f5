use jwt_runtime::prelude::*;

struct Api;

#[jwt_optional]
impl Api {
    async fn protected(&self) -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

fn main() {}
