//! Asymmetric keys (`JWT_ALGORITHM = "RS256"` with `JWT_PRIVATE_KEY` and
//! `JWT_PUBLIC_KEY`, from the flask-jwt-extended configuration options): tokens
//! are signed with an RSA private key and verified with its public key, so other
//! services can check this server's tokens with the public key alone, without
//! being able to mint any.
//!
//! ```text
//! cargo run --example asymmetric_keys
//!
//! $ curl -H "Content-Type: application/json" -X POST \
//!     -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! {"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9..."}
//!
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! {"logged_in_as":"test"}
//! ```
//!
//! Both keys are PEM files, compiled in from `examples/keys/`; they were made with
//!
//! ```text
//! openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rs256-private.pem
//! openssl pkey -in rs256-private.pem -pubout -out rs256-public.pem
//! ```
//!
//! The private key is checked in for the example only: a real server reads its
//! own from a secret store, and never publishes it. With `RS256` configured, a
//! token signed with anything else (an `HS256` secret, say) is refused with 422
//! `The specified alg value is not allowed`.

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::config::Algorithm;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

/// `JWT_PRIVATE_KEY`: signs new tokens. An example key: never use it for real.
const PRIVATE_KEY: &str = include_str!("keys/rs256-private.pem");

/// `JWT_PUBLIC_KEY`: verifies tokens; can be shared with anyone.
pub const PUBLIC_KEY: &str = include_str!("keys/rs256-public.pem");

#[post("/login")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let username = body.get("username").and_then(Value::as_str);
    let password = body.get("password").and_then(Value::as_str);
    if username != Some("test") || password != Some("test") {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    }

    // Signed with the private key.
    Ok(HttpResponse::Ok().json(json!({ "access_token": create_access_token(&username)? })))
}

// Verified with the public key.
#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    let current_user = get_jwt_identity::<String>();
    HttpResponse::Ok().json(json!({ "logged_in_as": current_user }))
}

/// The example's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login).service(protected);
}

/// The example's configuration: `JWT_ALGORITHM = "RS256"`, with PEM keys
/// (no `JWT_SECRET_KEY`: asymmetric algorithms never use it).
#[must_use]
pub fn config() -> JwtConfig {
    JwtConfig::default()
        .algorithm(Algorithm::RS256)
        .private_key(PRIVATE_KEY)
        .public_key(PUBLIC_KEY)
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
