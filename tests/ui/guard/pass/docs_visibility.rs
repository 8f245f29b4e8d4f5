// The doc comment and `pub` survive the guard: `missing_docs` is denied.
#![deny(missing_docs)]
//! A crate whose public handlers are documented.

/// Handlers.
pub mod handlers {
    use jwt_runtime::prelude::*;
    use actix_web::{HttpResponse, get};

    /// Says hello to the token's identity.
    #[jwt_required]
    pub async fn hello() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    /// Says hello, registered with `#[get]`.
    #[get("/hello")]
    #[jwt_optional]
    pub async fn hello_service() -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

fn main() {
    let _ = actix_web::App::new()
        .service(handlers::hello_service)
        .route("/", actix_web::web::get().to(handlers::hello));
}
