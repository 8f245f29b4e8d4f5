//! "Token Freshness" from the flask-jwt-extended documentation: logging in with
//! a password gives a *fresh* access token; refreshing gives a *non-fresh* one;
//! `#[fresh_jwt_required]` routes only accept fresh tokens, and `/fresh-login`
//! gets a fresh one again without minting another refresh token.
//!
//! ```text
//! cargo run --example token_freshness
//!
//! $ curl -H "Content-Type: application/json" -X POST \
//!     -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! {"access_token":"eyJ...","refresh_token":"eyJ..."}
//!
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected-fresh
//! {"fresh_logged_in_as":"test"}
//!
//! $ curl -X POST -H "Authorization: Bearer $REFRESH" http://localhost:5000/refresh
//! {"access_token":"eyJ..."}        # non-fresh
//!
//! $ curl -H "Authorization: Bearer $NON_FRESH" http://localhost:5000/protected-fresh
//! {"msg":"Fresh token required"}
//! ```
//!
//! Fresh tokens are for critical actions (changing an email address, paying);
//! with refresh tokens, users still do not have to log in again for everything else.

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

/// The username of a request body with the right credentials.
fn check_credentials(body: &[u8]) -> Option<String> {
    let body: Value = serde_json::from_slice(body).unwrap_or_default();
    let username = body.get("username").and_then(Value::as_str);
    let password = body.get("password").and_then(Value::as_str);
    (username == Some("test") && password == Some("test")).then(|| "test".to_owned())
}

fn bad_login() -> HttpResponse {
    HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"}))
}

// Standard login route: returns a fresh access token and a refresh token.
#[post("/login")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let Some(username) = check_credentials(&body) else {
        return Ok(bad_login());
    };
    // The user just gave their username and password, so the token is marked fresh.
    Ok(HttpResponse::Ok().json(json!({
        "access_token": create_access_token_with(&username, TokenOptions::default().fresh(true))?,
        "refresh_token": create_refresh_token(&username)?,
    })))
}

// Refresh route: a new access token from the refresh token, marked non-fresh,
// as no password was checked here.
#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh() -> Result<HttpResponse, JwtError> {
    let current_user = get_jwt_identity::<Value>();
    let new_token = create_access_token_with(&current_user, TokenOptions::default().fresh(false))?;
    Ok(HttpResponse::Ok().json(json!({ "access_token": new_token })))
}

// Fresh login route: checks the password again and returns only a fresh access
// token, so that refresh tokens are not minted over and over.
#[post("/fresh-login")]
async fn fresh_login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let Some(username) = check_credentials(&body) else {
        return Ok(bad_login());
    };
    let new_token = create_access_token_with(&username, TokenOptions::default().fresh(true))?;
    Ok(HttpResponse::Ok().json(json!({ "access_token": new_token })))
}

// Any valid access token can open this route.
#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    let username = get_jwt_identity::<String>();
    HttpResponse::Ok().json(json!({ "logged_in_as": username }))
}

// Only fresh access tokens can open this route.
#[get("/protected-fresh")]
#[fresh_jwt_required]
async fn protected_fresh() -> HttpResponse {
    let username = get_jwt_identity::<String>();
    HttpResponse::Ok().json(json!({ "fresh_logged_in_as": username }))
}

/// The example's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(fresh_login)
        .service(protected)
        .service(protected_fresh);
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
