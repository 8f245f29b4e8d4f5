//! "Storing Data in Access Tokens" from the flask-jwt-extended documentation:
//! a `#[jwt::user_claims_loader]` adds custom claims to every access token, and
//! `get_jwt_claims()` reads them back in a protected route.
//!
//! ```text
//! cargo run --example custom_claims
//!
//! $ curl -H "Content-Type: application/json" -X POST \
//!     -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! {"access_token":"eyJ..."}
//!
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! {"foo_is":["bar","baz"],"hello_is":"test"}
//! ```
//!
//! Storing data in the token saves looking it up again on the next request, but
//! anyone holding the token can read it: **never** put sensitive data in it.

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

// The user_claims_loader is called whenever an access token is created and adds
// what it returns to the token. It receives the identity the token is created
// for, and must return data that is JSON serialisable.
#[jwt::user_claims_loader]
fn add_claims_to_access_token(identity: &Value) -> Value {
    json!({
        "hello": identity,
        "foo": ["bar", "baz"],
    })
}

#[post("/login")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let username = body.get("username").and_then(Value::as_str);
    let password = body.get("password").and_then(Value::as_str);
    if username != Some("test") || password != Some("test") {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    }

    Ok(HttpResponse::Ok().json(json!({ "access_token": create_access_token(&username)? })))
}

// In a protected route, get_jwt_claims() returns the claims added to the token.
#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    let claims = get_jwt_claims();
    HttpResponse::Ok().json(json!({
        "hello_is": claims["hello"],
        "foo_is": claims["foo"],
    }))
}

/// The example's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login).service(protected);
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
