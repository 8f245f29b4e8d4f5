use jwt_runtime::prelude::*;
use actix_web::{HttpRequest, HttpResponse};

#[jwt_required]
async fn protected(
    a1: HttpRequest,
    a2: HttpRequest,
    a3: HttpRequest,
    a4: HttpRequest,
    a5: HttpRequest,
    a6: HttpRequest,
    a7: HttpRequest,
    a8: HttpRequest,
    a9: HttpRequest,
    a10: HttpRequest,
    a11: HttpRequest,
    a12: HttpRequest,
    a13: HttpRequest,
    a14: HttpRequest,
    a15: HttpRequest,
    a16: HttpRequest,
) -> HttpResponse {
    let _ = (
        a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16,
    );
    HttpResponse::Ok().finish()
}

fn main() {}
