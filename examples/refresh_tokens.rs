//! "Refresh Tokens" from the flask-jwt-extended documentation: log in for a
//! short-lived access token and a long-lived refresh token, then trade the
//! refresh token for new access tokens at a `#[jwt_refresh_token_required]` route.
//!
//! ```text
//! cargo run --example refresh_tokens
//!
//! $ curl -H "Content-Type: application/json" -X POST \
//!     -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! {"access_token":"eyJ...","refresh_token":"eyJ..."}
//!
//! $ curl -X POST -H "Authorization: Bearer $REFRESH" http://localhost:5000/refresh
//! {"access_token":"eyJ..."}
//!
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! {"logged_in_as":"test"}
//! ```
//!
//! A refresh token cannot open a `#[jwt_required]` route, and an access token
//! cannot open the refresh route: both answer 422.

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

#[post("/login")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let username = body.get("username").and_then(Value::as_str);
    let password = body.get("password").and_then(Value::as_str);
    if username != Some("test") || password != Some("test") {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    }

    // Use create_access_token() and create_refresh_token() to create our
    // access and refresh tokens.
    Ok(HttpResponse::Ok().json(json!({
        "access_token": create_access_token(&username)?,
        "refresh_token": create_refresh_token(&username)?,
    })))
}

// `#[jwt_refresh_token_required]` makes sure a valid refresh token is in the
// request before this route runs. get_jwt_identity() reads the identity of the
// refresh token, and create_access_token() makes a new access token for it.
#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh() -> Result<HttpResponse, JwtError> {
    let current_user = get_jwt_identity::<Value>();
    Ok(HttpResponse::Ok().json(json!({ "access_token": create_access_token(&current_user)? })))
}

#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    let username = get_jwt_identity::<String>();
    HttpResponse::Ok().json(json!({ "logged_in_as": username }))
}

/// The example's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login).service(refresh).service(protected);
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
