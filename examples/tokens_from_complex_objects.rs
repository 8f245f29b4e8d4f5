//! "Tokens from Complex Objects" from the flask-jwt-extended documentation: pass
//! a whole user object to `create_access_token`; a `#[jwt::user_identity_loader]`
//! picks the identity out of it and a `#[jwt::user_claims_loader]` adds its roles
//! as claims, so the user is looked up only once, at login.
//!
//! ```text
//! cargo run --example tokens_from_complex_objects
//!
//! $ curl -H "Content-Type: application/json" -X POST \
//!     -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! {"access_token":"eyJ..."}
//!
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! {"current_identity":"test","current_roles":["foo","bar"]}
//! ```
//!
//! The loaders receive the object as JSON and read it back as their parameter's
//! type, so the object derives `Serialize` and `Deserialize`.

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::json;

/// A complex object a token can be built from; in practice a database row.
#[derive(Clone, Serialize, Deserialize)]
pub struct UserObject {
    /// The user's name: the token's identity.
    pub username: String,
    /// The user's roles: a custom claim.
    pub roles: Vec<String>,
}

// Called whenever create_access_token is used, with the object passed to it:
// decides which custom claims go into the access token.
#[jwt::user_claims_loader]
fn add_claims_to_access_token(user: &UserObject) -> Value {
    json!({ "roles": user.roles })
}

// Called whenever create_access_token is used, with the object passed to it:
// decides what the identity of the access token is.
#[jwt::user_identity_loader]
fn user_identity_lookup(user: UserObject) -> String {
    user.username
}

#[post("/login")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let username = body.get("username").and_then(Value::as_str);
    let password = body.get("password").and_then(Value::as_str);
    if username != Some("test") || password != Some("test") {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    }

    // An example UserObject.
    let user = UserObject {
        username: "test".to_owned(),
        roles: vec!["foo".to_owned(), "bar".to_owned()],
    };

    // The object goes straight to create_access_token: the user_claims_loader
    // reads its properties, and the user_identity_loader its identity.
    let access_token = create_access_token(&user)?;
    Ok(HttpResponse::Ok().json(json!({ "access_token": access_token })))
}

#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "current_identity": get_jwt_identity::<String>(), // test
        "current_roles": get_jwt_claims()["roles"],       // ["foo", "bar"]
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
