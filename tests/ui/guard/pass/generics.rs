// A generic handler with a where-clause, registered by turbofish.
use std::fmt::Display;

use jwt_runtime::prelude::*;
use actix_web::{App, HttpResponse, web};

trait Greeting {
    fn greeting() -> &'static str;
}

struct English;

impl Greeting for English {
    fn greeting() -> &'static str {
        "hello"
    }
}

#[jwt_required(locations = [headers])]
async fn greet<G, T>(path: web::Path<T>) -> HttpResponse
where
    G: Greeting + 'static,
    T: serde::de::DeserializeOwned + Display + 'static,
{
    HttpResponse::Ok().body(format!("{} {}", G::greeting(), path.into_inner()))
}

fn main() {
    let _ = App::new()
        .service(web::resource("/x/{name}").route(web::get().to(greet::<English, String>)));
}
