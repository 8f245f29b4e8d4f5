// Names in the user's scope that could clash with the expansion's.
#![allow(dead_code, non_camel_case_types)]

use jwt_runtime::prelude::*;

type Result<T> = std::result::Result<T, ()>;
struct Option;
struct Guard;
struct Box;
mod core {}
mod std {}
mod jwt_runtime {}

#[get("/a")]
#[jwt_required]
async fn a(__jwt_guard: web::Path<u32>) -> HttpResponse {
    let __jwt_scope = __jwt_guard.into_inner();
    HttpResponse::Ok().body(__jwt_scope.to_string())
}

#[jwt_optional]
fn b(__jwt_scope: HttpRequest) -> ::std::future::Ready<HttpResponse> {
    let __jwt_guard = __jwt_scope.path().to_owned();
    ::std::future::ready(HttpResponse::Ok().body(__jwt_guard))
}

fn main() {
    let _ = App::new().service(a).route("/b", web::get().to(b));
}
