//! "Blacklist and Token Revoking" from the flask-jwt-extended documentation: log in,
//! call a protected endpoint, log out (which revokes the token), and the revoked token
//! is refused from then on.
//!
//! Revoked tokens go to Redis when `REDIS_URL` is set, so every server using that Redis
//! (and the same `REDIS_KEY_PREFIX`) refuses them; to memory otherwise (one process).
//!
//! ```text
//! cargo run --example blacklist
//! REDIS_URL=redis://127.0.0.1:6379/ PORT=5001 cargo run --example blacklist
//! ```

use std::io::Write as _;
use std::sync::Arc;

use actix_web::{App, HttpResponse, HttpServer, delete, get, post, web};
use jwt_runtime::ConfigError;
use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
use jwt_runtime::blocklist::{BlocklistError, RedisBlocklist};
use jwt_runtime::config::TokenType;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

/// Where revoked tokens go: Redis or memory, shared by the manager and the handlers.
pub type Revoked = web::Data<dyn Blocklist>;

/// Adds a token's `jti` to the blocklist, until the token would have expired anyway.
async fn revoke(blocklist: &dyn Blocklist) -> HttpResponse {
    let Some(token) = get_jwt() else {
        return HttpResponse::Unauthorized().json(json!({"msg": "Missing token"}));
    };
    match blocklist.revoke(&token).await {
        Ok(()) => HttpResponse::Ok().json(json!({"msg": "Successfully logged out"})),
        Err(error) => {
            eprintln!("blacklist: could not revoke a token: {error}");
            HttpResponse::ServiceUnavailable()
                .json(json!({"msg": "Could not revoke the token; try again later"}))
        }
    }
}

#[post("/login")]
async fn login(body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let username = body.get("username").and_then(Value::as_str);
    let password = body.get("password").and_then(Value::as_str);
    if username != Some("test") || password != Some("test") {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    }
    Ok(HttpResponse::Ok().json(json!({
        "access_token": create_access_token(&username)?,
        "refresh_token": create_refresh_token(&username)?,
    })))
}

// Standard refresh endpoint. A blacklisted refresh token will not be able to access it.
#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh() -> Result<HttpResponse, JwtError> {
    let current_user = get_jwt_identity::<String>();
    Ok(HttpResponse::Ok().json(json!({ "access_token": create_access_token(&current_user)? })))
}

// Endpoint for revoking the current user's access token.
#[delete("/logout")]
#[jwt_required]
async fn logout(blocklist: Revoked) -> HttpResponse {
    revoke(&**blocklist).await
}

// Endpoint for revoking the current user's refresh token.
#[delete("/logout2")]
#[jwt_refresh_token_required]
async fn logout2(blocklist: Revoked) -> HttpResponse {
    revoke(&**blocklist).await
}

// A blacklisted access token will not be able to access this any more.
#[get("/protected")]
#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().json(json!({"hello": "world"}))
}

/// The example's routes. The App also needs the blocklist as [`Revoked`] app data.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(login)
        .service(refresh)
        .service(logout)
        .service(logout2)
        .service(protected);
}

/// The example's configuration: the `JWT_*` environment (`JWT_SECRET_KEY` defaults to
/// `super-secret`), the blacklist on, checked for both token types.
///
/// # Errors
/// An invalid or unreadable `JWT_*` variable.
pub fn config() -> Result<JwtConfig, ConfigError> {
    let config = JwtConfig::from_env()?;
    let config = match config.secret_key {
        Some(_) => config,
        None => config.secret_key("super-secret"), // Change this!
    };
    Ok(config
        .blacklist_enabled(true)
        .blacklist_token_checks([TokenType::Access, TokenType::Refresh]))
}

/// The manager: [`config`], with `blocklist` as its `token_in_blacklist_loader`.
///
/// # Errors
/// An invalid configuration.
pub fn manager(blocklist: Arc<dyn Blocklist>) -> Result<JwtManager, ConfigError> {
    JwtManager::builder(config()?).blocklist(blocklist).build()
}

/// Redis at `REDIS_URL` (keys `<REDIS_KEY_PREFIX>:<jti>`, prefix `blacklist-example` by
/// default) when it is set, memory otherwise.
///
/// # Errors
/// When Redis does not answer.
pub async fn blocklist_from_env() -> Result<Arc<dyn Blocklist>, BlocklistError> {
    let env = |name| jwt_examples::env_var(name).map_err(BlocklistError::store);
    match env("REDIS_URL")? {
        Some(url) if !url.is_empty() => {
            let prefix = env("REDIS_KEY_PREFIX")?.unwrap_or_else(|| "blacklist-example".to_owned());
            let blocklist = RedisBlocklist::connect(&url, &prefix).await?;
            eprintln!("blacklist: revoked tokens go to Redis, keys `{prefix}:<jti>`");
            Ok(Arc::new(blocklist))
        }
        _ => {
            eprintln!("blacklist: revoked tokens go to memory (set REDIS_URL to share them)");
            Ok(Arc::new(MemoryBlocklist::new()))
        }
    }
}

#[allow(
    dead_code,
    reason = "the tests include this file as a module and use `routes` only"
)]
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    jwt_examples::init_tracing();
    let blocklist = blocklist_from_env().await.map_err(std::io::Error::other)?;
    let manager = manager(Arc::clone(&blocklist)).map_err(std::io::Error::other)?;
    let port = jwt_examples::env_var("PORT")
        .map_err(std::io::Error::other)?
        .unwrap_or_else(|| "5000".to_owned());
    let port: u16 = port
        .parse()
        .map_err(|_| std::io::Error::other(format!("PORT: not a port number: `{port}`")))?;
    let revoked = Revoked::from(blocklist);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(manager.clone())
            .app_data(revoked.clone())
            .configure(routes)
    })
    .bind(("127.0.0.1", port))?;
    println!("listening on 127.0.0.1:{port}");
    std::io::stdout().flush()?;
    server.run().await
}
