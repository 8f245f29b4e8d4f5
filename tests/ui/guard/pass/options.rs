// `#[jwt_required(...)]` with 4.x's options, alone, together and with `locations`, above
// and below the route attribute; `= true` / `= false` and the bare form.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpResponse, get, post};

#[get("/optional")]
#[jwt_required(optional)]
async fn optional() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[jwt_required(fresh = true, locations = [headers, cookies])]
#[post("/fresh")]
async fn fresh() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[post("/refresh")]
#[jwt_required(refresh, verify_type = false)]
async fn refresh() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/any")]
#[jwt_required(optional = false, verify_type = false, skip_revocation_check)]
async fn any_type() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _ = App::new()
        .service(optional)
        .service(fresh)
        .service(refresh)
        .service(any_type);
}
