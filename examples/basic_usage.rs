//! "Basic Usage" from the flask-jwt-extended documentation: `create_access_token`
//! to log in, `#[jwt_required]` to protect a route, and `get_jwt_identity()` to
//! read who the token belongs to.
//!
//! ```text
//! cargo run --example basic_usage
//!
//! $ curl http://localhost:5000/protected
//! {"msg":"Missing Authorization Header"}
//!
//! $ curl -H "Content-Type: application/json" -X POST \
//!     -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! {"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9..."}
//!
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! {"logged_in_as":"test"}
//! ```
//!
//! Remember to change the secret key of your application, and keep it private:
//! whoever has it can sign tokens for any user.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, post, web};
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

fn bad_request(msg: &str) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({ "msg": msg }))
}

// Provide a route to create access tokens. `create_access_token()` makes the
// token; it is returned to the caller however you choose.
#[post("/login")]
async fn login(req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let is_json = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let Some(Value::Object(body)) = is_json
        .then(|| serde_json::from_slice::<Value>(&body).ok())
        .flatten()
    else {
        return Ok(bad_request("Missing JSON in request"));
    };

    let username = body.get("username").filter(|v| truthy(v));
    let password = body.get("password").filter(|v| truthy(v));
    let Some(username) = username else {
        return Ok(bad_request("Missing username parameter"));
    };
    let Some(password) = password else {
        return Ok(bad_request("Missing password parameter"));
    };

    if username != "test" || password != "test" {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    }

    // The identity can be any data that is JSON serialisable.
    let access_token = create_access_token(username)?;
    Ok(HttpResponse::Ok().json(json!({ "access_token": access_token })))
}

// Protect a route with `#[jwt_required]`, which requires a valid access token
// in the request to get in.
#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    // Read the identity of the current user with get_jwt_identity.
    let current_user = get_jwt_identity::<String>();
    HttpResponse::Ok().json(json!({ "logged_in_as": current_user }))
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
