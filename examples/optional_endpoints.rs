//! "Partially protecting routes" from the flask-jwt-extended documentation:
//! `#[jwt_optional]` lets a route serve both anonymous and logged-in callers.
//!
//! ```text
//! cargo run --example optional_endpoints
//!
//! $ curl http://localhost:5000/partially-protected
//! {"logged_in_as":"anonymous user"}
//!
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/partially-protected
//! {"logged_in_as":"test"}
//! ```
//!
//! Without a token the route runs anonymously. A token that *is* sent but is
//! expired or badly made is an error (401 or 422), not an anonymous visit.

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

/// Python's truthiness of a JSON value: `None`, `""`, `0`, `false`, `[]` and `{}` are false.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

#[post("/login")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let username = body.get("username").filter(|v| truthy(v));
    let password = body.get("password").filter(|v| truthy(v));
    let Some(username) = username else {
        return Ok(HttpResponse::BadRequest().json(json!({"msg": "Missing username parameter"})));
    };
    let Some(password) = password else {
        return Ok(HttpResponse::BadRequest().json(json!({"msg": "Missing password parameter"})));
    };

    if username != "test" || password != "test" {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    }

    let access_token = create_access_token(username)?;
    Ok(HttpResponse::Ok().json(json!({ "access_token": access_token })))
}

#[get("/partially-protected")]
#[jwt_optional]
async fn partially_protected() -> HttpResponse {
    // If no JWT is sent in with the request, get_jwt_identity() returns None.
    match get_jwt_identity::<String>() {
        Some(current_user) => HttpResponse::Ok().json(json!({ "logged_in_as": current_user })),
        None => HttpResponse::Ok().json(json!({"logged_in_as": "anonymous user"})),
    }
}

/// The example's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login).service(partially_protected);
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
