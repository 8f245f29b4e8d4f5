// Names in the user's scope that could clash with the expansion's: hidden argument
// and scope names, and local items named like the paths the expansion spells.
#![allow(dead_code, non_camel_case_types)]

mod inner {
    use ::actix_web::{HttpRequest, HttpResponse, web};
    use ::jwt_runtime::prelude::*;

    type Result<T> = ::std::result::Result<T, ()>;
    struct Option;
    struct Guard;
    struct Box;
    struct Ready;
    mod core {}
    mod std {}
    mod jwt_runtime {}
    mod actix_web {}

    // No `#[get]` here: actix-web-codegen itself spells `actix_web::dev`, which the
    // local `mod actix_web` would break.
    #[jwt_required]
    pub(crate) async fn a(__jwt_guard: web::Path<u32>) -> HttpResponse {
        let __jwt_scope = __jwt_guard.into_inner();
        HttpResponse::Ok().body(__jwt_scope.to_string())
    }

    #[jwt_optional]
    pub(crate) fn b(__jwt_scope: HttpRequest) -> ::std::future::Ready<HttpResponse> {
        let __jwt_guard = __jwt_scope.path().to_owned();
        ::std::future::ready(HttpResponse::Ok().body(__jwt_guard))
    }

    #[jwt::user_loader_callback_loader]
    fn user(__jwt_value: &str) -> ::std::option::Option<String> {
        let __jwt_owned = __jwt_value;
        ::std::option::Option::Some(__jwt_owned.to_owned())
    }

    #[jwt::invalid_token_loader]
    fn invalid(__jwt_request: &str) -> HttpResponse {
        HttpResponse::Unauthorized().body(__jwt_request.to_owned())
    }
}

fn main() {
    let _ = actix_web::App::new()
        .route("/a/{n}", actix_web::web::get().to(inner::a))
        .route("/b", actix_web::web::get().to(inner::b));
}
