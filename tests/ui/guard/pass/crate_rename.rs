// `crate = ...` when the runtime is reachable only under another name.
extern crate jwt_runtime as my_jwt;

use actix_web::{get, web, App, HttpResponse};

#[get("/path")]
#[my_jwt::jwt_required(crate = my_jwt)]
async fn by_path() -> HttpResponse {
    HttpResponse::Ok().json(my_jwt::get_jwt_claims())
}

#[my_jwt::jwt_optional(crate = "my_jwt", locations = [headers])]
async fn by_string() -> HttpResponse {
    HttpResponse::Ok().finish()
}

mod nested {
    use actix_web::HttpResponse;

    #[crate::my_jwt::fresh_jwt_required(crate = crate::my_jwt)]
    pub(crate) async fn nested() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    #[crate::my_jwt::expired_token_loader(crate = crate::my_jwt)]
    fn on_expired(token: &crate::my_jwt::Claims) -> HttpResponse {
        HttpResponse::Unauthorized().body(token.token_type().to_string())
    }
}

fn main() {
    let _ = App::new()
        .service(by_path)
        .route("/string", web::get().to(by_string))
        .route("/nested", web::post().to(nested::nested));
}
