//! A resource server behind an identity provider (Keycloak, Auth0, Cognito, Google, or
//! another instance of this library): it holds no key of its own, and verifies access
//! tokens with the keys the provider publishes, found by `OpenID Connect` discovery.
//!
//! ```text
//! # Keycloak: the realm's URL is the issuer; its access tokens name the user in `sub`.
//! JWT_ALGORITHM=RS256 JWT_OIDC_ISSUER=https://keycloak.example/realms/shop \
//!   JWT_IDENTITY_CLAIM=sub JWT_DECODE_AUDIENCE=account cargo run --example resource_server
//! # Auth0: JWT_OIDC_ISSUER=https://<tenant>.auth0.com/ JWT_DECODE_AUDIENCE=<API identifier>
//! # Any JWK Set: JWT_JWKS_URL=https://login.example/.well-known/jwks.json
//!
//! # Without JWT_OIDC_ISSUER or JWT_JWKS_URL it plays both parts: a stand-in provider on
//! # port 5001 (another instance of this library) and the resource server on 5000.
//! cargo run --example resource_server
//!
//! $ ACCESS=$(curl -s -X POST http://localhost:5001/token | jq -r .access_token)
//! $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/api/me
//! {"expires":1764690000,"issuer":"http://127.0.0.1:5001","subject":"alice"}
//! $ curl http://localhost:5000/api/me
//! {"msg":"Missing Authorization Header"}
//! ```
//!
//! The provider's keys are fetched at start-up and kept current (a new `kid` is fetched
//! when it first appears, at most every `JWT_JWKS_REFETCH_SECONDS`); if the provider is
//! unreachable once the cached keys expire, requests are refused with 503, never let in.

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::config::Algorithm;
use jwt_runtime::prelude::*;
use jwt_runtime::{ConfigError, JwtConfig, JwtManager};
use serde_json::{Value, json};

/// The stand-in provider's signing key. An example key: never use it for real.
const PROVIDER_PRIVATE_KEY: &str = include_str!("keys/rs256-private.pem");
const PROVIDER_PUBLIC_KEY: &str = include_str!("keys/rs256-public.pem");

/// `GET /api/me`: who the provider says the caller is.
#[get("/api/me")]
#[jwt_required]
async fn me() -> HttpResponse {
    let claims = get_jwt();
    let claim = |name: &str| claims.as_ref().and_then(|c| c.get(name)).cloned();
    HttpResponse::Ok().json(json!({
        "subject": get_jwt_identity::<Value>(),
        "issuer": claim("iss"),
        "expires": claim("exp"),
    }))
}

/// The resource server's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(me);
}

/// The stand-in provider's manager: RS256, `kid` `demo-1`, tokens naming `issuer` and the
/// user in `sub`, as identity providers write them.
///
/// # Errors
/// Never with the example keys.
pub fn provider(issuer: &str) -> Result<JwtManager, ConfigError> {
    JwtManager::builder(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(PROVIDER_PRIVATE_KEY)
            .public_key(PROVIDER_PUBLIC_KEY)
            .public_key_id("demo-1")
            .identity_claim("sub")
            .encode_issuer(issuer),
    )
    .ignore_registered_loaders()
    .build()
}

/// `POST /token` of the stand-in provider: an access token for `alice`.
#[post("/token")]
async fn token(provider: web::Data<JwtManager>) -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(json!({ "access_token": provider.create_access_token(&"alice")? })))
}

/// Starts the stand-in provider on `port` (0: any free one): its discovery document, its
/// JWK Set and `POST /token`. Returns its issuer URL.
///
/// # Errors
/// When the port cannot be bound.
pub fn start_provider(port: u16) -> std::io::Result<String> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    let issuer = format!("http://{}", listener.local_addr()?);
    let manager = provider(&issuer).map_err(std::io::Error::other)?;
    let discovery = json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "id_token_signing_alg_values_supported": ["RS256"],
    });
    let server = HttpServer::new(move || {
        let discovery = discovery.clone();
        App::new()
            .app_data(web::Data::new(manager.clone()))
            .service(manager.jwks_resource())
            .service(token)
            .route(
                "/.well-known/openid-configuration",
                web::get().to(move || {
                    let discovery = discovery.clone();
                    async move { HttpResponse::Ok().json(discovery) }
                }),
            )
    })
    .workers(1)
    .listen(listener)?
    .run();
    actix_web::rt::spawn(server);
    Ok(issuer)
}

/// The resource server's configuration: the environment's, or, when it names no key
/// source, the stand-in provider at `demo_issuer` (started by the caller).
///
/// # Errors
/// The environment's first invalid option.
pub fn config(demo_issuer: impl FnOnce() -> std::io::Result<String>) -> Result<JwtConfig, String> {
    let config = JwtConfig::from_env().map_err(|e| e.to_string())?;
    if config.jwks_url.is_some() || config.oidc_issuer.is_some() {
        return Ok(config);
    }
    let issuer = demo_issuer().map_err(|e| format!("the stand-in provider: {e}"))?;
    tracing::info!(
        "no JWT_OIDC_ISSUER or JWT_JWKS_URL: verifying the stand-in provider at {issuer}"
    );
    Ok(config
        .algorithm(Algorithm::RS256)
        .oidc_issuer(issuer)
        .identity_claim("sub"))
}

#[allow(
    dead_code,
    reason = "the tests include this file as a module and use its functions only"
)]
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    jwt_examples::init_tracing();
    let manager = config(|| start_provider(5001))
        .and_then(|config| JwtManager::new(config).map_err(|e| e.to_string()))
        .map_err(std::io::Error::other)?;
    let server = HttpServer::new(move || App::new().wrap(manager.clone()).configure(routes))
        .bind(("127.0.0.1", 5000))?;
    println!("listening on 127.0.0.1:5000");
    server.run().await
}
