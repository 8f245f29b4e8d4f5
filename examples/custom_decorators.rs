//! "Custom Decorators" from the flask-jwt-extended documentation: an
//! `admin_required` guard built on `verify_jwt_in_request`, which lets in only
//! tokens whose custom claims say `"roles": "admin"`.
//!
//! Python wraps the view in a decorator; actix-web's way is an extractor, so the
//! guard is the [`Admin`] extractor: a route that takes an `Admin` argument runs
//! only for admins.
//!
//! ```text
//! cargo run --example custom_decorators
//!
//! $ curl -H "Content-Type: application/json" -X POST \
//!     -d '{"username":"admin"}' http://localhost:5000/login
//! {"access_token":"eyJ..."}
//!
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! {"secret_message":"go banana!"}
//! ```
//!
//! Any other user gets 403 `{"msg":"Admins only!"}`; no token or a bad one gets
//! the usual 401 or 422.
//!
//! This port also has the one-line form: `#[jwt_required(roles = ["admin"])]` reads the
//! same claim (`roles` in the user claims), and the `insufficient_scope_loader` gives the
//! same 403. `/protected-one-line` serves it beside the hand-written guard.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::{App, FromRequest, HttpRequest, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

/// Python's `admin_required` decorator: verifies that a valid access token is in
/// the request, and that its custom claims give the user the `admin` role.
pub struct Admin;

impl FromRequest for Admin {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let jwt = verify_jwt_in_request(&req).await?;
            let claims = jwt.claims().user_claims_value();
            if claims["roles"] == "admin" {
                Ok(Admin)
            } else {
                let response = HttpResponse::Forbidden().json(json!({"msg": "Admins only!"}));
                Err(InternalError::from_response("Admins only!", response).into())
            }
        })
    }
}

#[jwt::user_claims_loader]
fn add_claims_to_access_token(identity: &Value) -> Value {
    if *identity == "admin" {
        json!({"roles": "admin"})
    } else {
        json!({"roles": "peasant"})
    }
}

#[post("/login")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let username = body.get("username").cloned().unwrap_or(Value::Null);
    let access_token = create_access_token(&username)?;
    Ok(HttpResponse::Ok().json(json!({ "access_token": access_token })))
}

#[get("/protected")]
async fn protected(_: Admin) -> HttpResponse {
    HttpResponse::Ok().json(json!({"secret_message": "go banana!"}))
}

/// The same guard in one line: the role comes from the user claims' `roles` (a string or
/// an array of strings), and a token without it is answered by the loader below.
#[get("/protected-one-line")]
#[jwt_required(roles = ["admin"])]
async fn protected_one_line() -> HttpResponse {
    HttpResponse::Ok().json(json!({"secret_message": "go banana!"}))
}

/// The answer to a token without the route's role, as the hand-written guard words it.
#[jwt::insufficient_scope_loader]
fn admins_only() -> HttpResponse {
    HttpResponse::Forbidden().json(json!({"msg": "Admins only!"}))
}

/// The example's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login)
        .service(protected)
        .service(protected_one_line);
}

/// The example's configuration: `app.config["JWT_SECRET_KEY"] = "super-secret"`.
#[must_use]
pub fn config() -> JwtConfig {
    JwtConfig::default().secret_key("super-secret") // Change this!
}

#[allow(
    dead_code,
    reason = "the tests include this file as a module and use `routes` and `config` only"
)]
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    jwt_examples::init_tracing();
    let manager = JwtManager::new(config()).map_err(std::io::Error::other)?;
    let server = HttpServer::new(move || App::new().wrap(manager.clone()).configure(routes))
        .bind(("127.0.0.1", 5000))?;
    println!("listening on 127.0.0.1:5000");
    server.run().await
}
