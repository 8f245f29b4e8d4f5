//! "Changing Default Behaviors" from the flask-jwt-extended documentation:
//! a custom `expired_token_loader`, and per-token `expires_delta`.
//!
//! ```text
//! cargo run --example changing_default_behaviors
//! ```

use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, Responder, get, post, web};
use jwt_runtime::config::Expiry;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

// Using the expired_token_loader attribute, we will now call this function
// whenever an expired but otherwise valid access token attempts to access an endpoint.
#[jwt::expired_token_loader]
fn my_expired_token_callback(expired_token: &Claims) -> impl Responder {
    let token_type = expired_token.token_type();
    (
        web::Json(json!({
            "status": 401,
            "sub_status": 42,
            "msg": format!("The {token_type} token has expired"),
        })),
        actix_web::http::StatusCode::UNAUTHORIZED,
    )
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

#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().json(json!({"hello": "world"}))
}

#[post("/create-dev-token")]
#[jwt_required]
async fn create_dev_token() -> Result<HttpResponse, JwtError> {
    // Any JSON identity (a number, an object) carries over as it is.
    let identity = get_jwt_identity::<serde_json::Value>();
    let expires = Duration::from_hours(365 * 24);
    let token = create_access_token_with(&identity, TokenOptions::default().expires(expires))?;
    Ok(HttpResponse::Created().json(json!({ "token": token })))
}

#[post("/create-api-token")]
#[jwt_required]
async fn create_api_token() -> Result<HttpResponse, JwtError> {
    let identity = get_jwt_identity::<serde_json::Value>();
    let token =
        create_access_token_with(&identity, TokenOptions::default().expires(Expiry::Never))?;
    Ok(HttpResponse::Created().json(json!({ "token": token })))
}

/// The example's routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(login)
        .service(protected)
        .service(create_dev_token)
        .service(create_api_token);
}

/// The example's configuration: `app.config["JWT_SECRET_KEY"] = "super-secret"`.
#[must_use]
pub fn config() -> JwtConfig {
    JwtConfig::default().secret_key("super-secret") // Change this!
}

#[allow(
    dead_code,
    reason = "the tests include this file as a module and use `routes` only"
)]
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    jwt_examples::init_tracing();
    let manager = JwtManager::new(config()).map_err(std::io::Error::other)?;
    println!("listening on 127.0.0.1:5000");
    HttpServer::new(move || App::new().wrap(manager.clone()).configure(routes))
        .bind(("127.0.0.1", 5000))?
        .run()
        .await
}
