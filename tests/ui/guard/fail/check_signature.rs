// A `check` of the wrong shape: an error on the path the user wrote.
use jwt_runtime::prelude::*;
use actix_web::HttpResponse;

fn takes_a_number(_: u32) -> bool {
    true
}

fn answers_text(_: &Claims) -> String {
    String::new()
}

async fn answers_a_number(_: &Claims) -> i32 {
    1
}

#[jwt_required(check = takes_a_number)]
async fn first() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(check = answers_text)]
async fn second() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_optional(check = answers_a_number)]
async fn third() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
