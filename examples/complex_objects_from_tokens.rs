//! "Complex Objects from Tokens" from the flask-jwt-extended documentation: a
//! `#[jwt::user_loader_callback_loader]` turns the token's identity into a user
//! object on every protected request, and `get_current_user()` hands it to the
//! route. A `#[jwt::user_loader_error_loader]` answers when there is no such user.
//!
//! ```text
//! cargo run --example complex_objects_from_tokens
//!
//! $ curl -H "Content-Type: application/json" -X POST \
//!     -d '{"username":"foo"}' http://localhost:5000/login
//! {"access_token":"eyJ..."}
//!
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/admin-only
//! {"msg":"don't forget to drink your ovaltine"}
//! ```
//!
//! `bar` and `baz` are not admins (403), and a token for an unknown user gets
//! 404 `{"msg":"User <name> not found"}`. The user loader runs on every request
//! to a protected route, needed or not: mind its cost if it queries a database.

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

/// A demo user object.
pub struct UserObject {
    /// The user's name (the token's identity).
    pub username: String,
    /// The user's roles.
    pub roles: Vec<String>,
}

/// An example store of users; in production, a database.
const USERS_TO_ROLES: [(&str, &[&str]); 3] = [
    ("foo", &["admin"]),
    ("bar", &["peasant"]),
    ("baz", &["peasant"]),
];

/// Called whenever a protected route is accessed, after the token is verified
/// (so `get_jwt_claims()` works in here too): the user of the token's identity.
/// Returns `None` when the user cannot be loaded, for example when it is not in
/// the store.
#[must_use]
#[jwt::user_loader_callback_loader]
pub fn user_loader_callback(identity: &str) -> Option<UserObject> {
    let (_, roles) = USERS_TO_ROLES
        .iter()
        .find(|(username, _)| *username == identity)?;
    Some(UserObject {
        username: identity.to_owned(),
        roles: roles.iter().map(|&role| role.to_owned()).collect(),
    })
}

// Overrides the answer when the user loader returns None. Without it, the answer
// is 401 {"msg": "Error loading the user <identity>"}. get_jwt_claims() works here too.
#[jwt::user_loader_error_loader]
fn custom_user_loader_error(identity: Value) -> HttpResponse {
    let identity = match identity {
        Value::String(name) => name,
        other => other.to_string(),
    };
    HttpResponse::NotFound().json(json!({ "msg": format!("User {identity} not found") }))
}

// Creates a token for any user, so that this can be tried out.
#[post("/login")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let username = body.get("username").cloned().unwrap_or(Value::Null);
    let access_token = create_access_token(&username)?;
    Ok(HttpResponse::Ok().json(json!({ "access_token": access_token })))
}

// When the user loader returns None this route does not run, even with a valid
// access token. get_current_user() returns the loaded user.
#[get("/admin-only")]
#[jwt_required]
async fn protected() -> HttpResponse {
    let current_user = get_current_user::<UserObject>();
    if current_user.is_some_and(|user| user.roles.iter().any(|role| role == "admin")) {
        HttpResponse::Ok().json(json!({"msg": "don't forget to drink your ovaltine"}))
    } else {
        HttpResponse::Forbidden().json(json!({"msg": "Forbidden"}))
    }
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
