//! The reference server: every feature of jwt-runtime behind HTTP, configured
//! from the environment with the Flask option names. `JWT_COMPAT=4` serves the
//! flask-jwt-extended 4.x semantics instead of 3.x's: 4.x's defaults and token layout,
//! its loaders' behaviour, and four more endpoints (`/any-type`, `/location`,
//! `/query-first`, `/skip-revocation`), one per option of `#[jwt_required(...)]`.
//!
//! ```text
//! PORT=5000 JWT_SECRET_KEY=super-secret cargo run --release --example reference_server
//! PORT=5000 JWT_COMPAT=4 JWT_SECRET_KEY=super-secret cargo run --release --example reference_server
//! ```

use std::io::Write as _;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::ConfigError;
use jwt_runtime::blocklist::RedisBlocklist;
use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
use jwt_runtime::config::{Compat, Expiry, TokenLocation};
use jwt_runtime::prelude::*;
use jwt_runtime::{Fresh, JwtConfig, JwtManager};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use serde_json::json;

/// How many times the `/protected` handler ran: printed at shutdown, so the load check
/// (`scripts/load_check.sh`) can compare it with the valid requests it sent.
static PROTECTED_RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The revoked tokens: the library's Redis store when `REDIS_URL` is set (shared by every
/// server on that Redis), its in-memory store otherwise. Chosen once, in `main`.
static STORE: OnceLock<Arc<dyn Blocklist>> = OnceLock::new();

fn store() -> &'static Arc<dyn Blocklist> {
    STORE.get_or_init(|| Arc::new(MemoryBlocklist::new()))
}

#[jwt::user_claims_loader]
fn roles(identity: &Value) -> Value {
    if identity == "admin" {
        json!({"roles": ["admin"]})
    } else {
        json!({"roles": ["user"]})
    }
}

#[jwt::user_loader_callback_loader]
fn load_user(identity: &Value) -> Option<Value> {
    (identity != "ghost").then(|| json!({"username": identity}))
}

/// The server's manager: the loaders registered above; claims verification (a token
/// whose `banned` is `true` is refused: 3.x looks in the user claims, 4.x at the top
/// level); and, when `JWT_BLACKLIST_ENABLED` (always in 4.x), the contract's
/// revocation check: the token's `jti` is in the store. (A token without `jti` is not in
/// it: `/revoke` says it cannot be revoked. The library's own
/// `JwtManagerBuilder::blocklist` refuses such tokens instead.) A store that cannot
/// answer refuses the request: 503.
///
/// # Errors
/// The configuration's first invalid setting.
pub fn build_manager(config: JwtConfig) -> Result<JwtManager, ConfigError> {
    let v4 = config.compat == Compat::V4;
    let revocation = v4 || config.blacklist_enabled;
    if revocation {
        // Entries live as long as their token may be accepted.
        store().retain_after_expiry(config.decode_leeway);
    }
    let builder = JwtManager::builder(config).claims_verification_loader(move |token| {
        let banned = if v4 {
            token.get("banned")
        } else {
            token.user_claims_value().get("banned")
        };
        banned != Some(&Value::Bool(true))
    });
    if !revocation {
        return builder.build();
    }
    builder
        // Rotation and `/revoke-all` write to the same store.
        .session_store(Arc::clone(store()))
        .token_in_blacklist_loader_async(|token| {
            Box::pin(async move {
                if token.jti().is_none() {
                    return Ok(false);
                }
                store().is_revoked(token).await.map_err(|e| e.to_string())
            })
        })
        .build()
}

fn error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "msg": message }))
}

/// `{"username", "password"}` of a login body, if the credentials are valid.
fn check_login(body: &[u8]) -> Option<String> {
    let body: Value = serde_json::from_slice(body).ok()?;
    let username = body.get("username")?.as_str()?;
    let password = body.get("password")?.as_str()?;
    (matches!((username, password), ("test", "test") | ("admin", "admin")))
        .then(|| username.to_owned())
}

#[get("/public")]
async fn public() -> HttpResponse {
    HttpResponse::Ok().json(json!({"hello": "world"}))
}

#[post("/login")]
async fn login(manager: JwtManager, body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let Some(username) = check_login(&body) else {
        return Ok(error(StatusCode::UNAUTHORIZED, "Bad username or password"));
    };
    Ok(HttpResponse::Ok().json(login_tokens(&manager, &username)?))
}

/// The tokens of a login: a fresh access token and a refresh token. With rotation, they
/// are one login (a family) for the store; without, they are the 3.x tokens exactly.
fn login_tokens(manager: &JwtManager, username: &str) -> Result<TokenPair, JwtError> {
    let fresh = TokenOptions::default().fresh(true);
    if manager.config().refresh_rotation {
        return create_token_pair(username, fresh);
    }
    Ok(TokenPair {
        access_token: create_access_token_with(username, fresh)?,
        refresh_token: Some(create_refresh_token(username)?),
    })
}

/// A top-level claims object of a `/token` body, in the order the body lists them
/// (a repeated name then keeps its first place and its last value, as Python's `dict`:
/// `TokenOptions::additional_claims` writes them so).
struct OrderedClaims(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for OrderedClaims {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = OrderedClaims;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedClaims, A::Error> {
                let mut claims = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    claims.push(entry);
                }
                Ok(OrderedClaims(claims))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// The parts of a `/token` body read in their own order.
#[derive(serde::Deserialize)]
struct TokenBody {
    #[serde(default)]
    additional_claims: Option<OrderedClaims>,
    #[serde(default)]
    claims: Option<OrderedClaims>,
}

/// `POST /token`: any token, for black-box tests.
#[post("/token")]
async fn issue_token(manager: JwtManager, body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let bytes = body;
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&bytes) else {
        return Ok(error(StatusCode::BAD_REQUEST, "Body must be a JSON object"));
    };
    let Some(identity) = body.get("identity") else {
        return Ok(error(StatusCode::BAD_REQUEST, "Missing \"identity\""));
    };
    let mut options = TokenOptions::default();
    match body.get("fresh") {
        None | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => options = options.fresh(true),
        Some(Value::Number(seconds)) => {
            // Fresh until `now + seconds` (in the past for a negative number).
            let until = seconds.as_f64().map(|seconds| (now() + seconds).floor());
            let Some(until) = until.filter(|until| until.abs() <= LATEST) else {
                return Ok(error(
                    StatusCode::BAD_REQUEST,
                    "\"fresh\" must be true, false or seconds (up to 9999-12-31)",
                ));
            };
            #[allow(
                clippy::cast_possible_truncation,
                reason = "whole seconds within the year 9999, checked above"
            )]
            let until = until as i64;
            options = options.fresh(Fresh::Until(until));
        }
        Some(_) => {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                "\"fresh\" must be true, false or seconds",
            ));
        }
    }
    match body.get("expires") {
        None => {}
        Some(Value::Bool(false)) => options = options.expires(Expiry::Never),
        Some(Value::Number(seconds)) if let Some(lifetime) = lifetime(seconds) => {
            options = options.expires(lifetime);
        }
        Some(_) => {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                "\"expires\" must be a positive number of seconds (up to 9999-12-31) or false",
            ));
        }
    }
    match body.get("user_claims") {
        None => {}
        Some(claims @ Value::Object(_)) => options = options.user_claims(claims.clone()),
        Some(_) => {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                "\"user_claims\" must be an object",
            ));
        }
    }
    // Top-level claims, in the body's order: `claims` in either mode, and 4.x's
    // `additional_claims=` too.
    let keys: &[&str] = match manager.config().compat {
        Compat::V3 => &["claims"],
        Compat::V4 => &["additional_claims", "claims"],
    };
    for key in keys {
        if body.get(*key).is_some_and(|value| !value.is_object()) {
            let message = format!("\"{key}\" must be an object");
            return Ok(error(StatusCode::BAD_REQUEST, &message));
        }
    }
    if keys.iter().any(|key| body.contains_key(*key)) {
        let Ok(ordered) = serde_json::from_slice::<TokenBody>(&bytes) else {
            return Ok(error(StatusCode::BAD_REQUEST, "claims must be objects"));
        };
        let additional = ordered.additional_claims.filter(|_| keys.len() == 2);
        let claims: Vec<(String, Value)> = [additional, ordered.claims]
            .into_iter()
            .flatten()
            .flat_map(|OrderedClaims(claims)| claims)
            .collect();
        if let Some((name, _)) = claims
            .iter()
            .find(|(name, _)| manager.is_reserved_claim(name))
        {
            let message = format!("\"claims\" cannot set `{name}`: the library writes it");
            return Ok(error(StatusCode::BAD_REQUEST, &message));
        }
        options = options.claims(claims);
    }
    let token = match body.get("type").map(Value::as_str) {
        None | Some(Some("access")) => create_access_token_with(identity, options)?,
        Some(Some("refresh")) => create_refresh_token_with(identity, options)?,
        Some(_) => {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                "\"type\" must be \"access\" or \"refresh\"",
            ));
        }
    };
    Ok(HttpResponse::Ok().json(json!({ "token": token })))
}

/// The latest time a token may expire or stay fresh, as a float.
#[allow(
    clippy::cast_precision_loss,
    reason = "253402300799 is exact in an f64"
)]
const LATEST: f64 = Expiry::LATEST_TIMESTAMP as f64;

/// Unix time now, in seconds.
fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// A token lifetime of `seconds`: positive, and ending by 9999-12-31.
fn lifetime(seconds: &serde_json::Number) -> Option<Duration> {
    let seconds = seconds
        .as_f64()
        .filter(|s| *s > 0.0 && now() + s <= LATEST)?;
    // Under a nanosecond rounds to zero, which no token can have.
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|lifetime| !lifetime.is_zero())
}

#[jwt_required]
async fn protected(manager: JwtManager) -> HttpResponse {
    PROTECTED_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // `get_jwt()` shares the request's claims: borrowing from them copies nothing.
    let jwt = get_jwt();
    let claims = match manager.config().compat {
        Compat::V3 => json!(jwt.as_ref().map(Claims::user_claims_value)),
        // 4.x's claims are at the top level.
        Compat::V4 => json!({"roles": jwt.as_ref().and_then(|jwt| jwt.get("roles"))}),
    };
    HttpResponse::Ok().json(json!({
        "identity": jwt.as_ref().map(Claims::identity_value),
        "claims": claims,
        "user": get_current_user::<Value>().as_deref(),
    }))
}

/// `GET /scoped`: a token with the scope `items:read` (in `scope` or `scp`, or in
/// `JWT_SCOPE_CLAIM`); 403 otherwise.
#[get("/scoped")]
#[jwt_required(scopes = ["items:read"])]
async fn scoped() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

/// `GET /admin`: a token with the role `admin` (the user claims' `roles`, or
/// `JWT_ROLES_CLAIM`; the top level in 4.x mode); 403 otherwise.
#[get("/admin")]
#[jwt_required(roles = ["admin"])]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[get("/optional")]
#[jwt_optional]
async fn optional() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[fresh_jwt_required]
async fn fresh() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

/// A new access token; with `JWT_REFRESH_ROTATION`, a new refresh token too (the
/// presented one is spent, and presenting it again revokes the login).
#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(refresh_tokens().await?))
}

#[post("/cookie/login")]
async fn cookie_login(manager: JwtManager, body: web::Bytes) -> Result<HttpResponse, JwtError> {
    let Some(username) = check_login(&body) else {
        return Ok(error(StatusCode::UNAUTHORIZED, "Bad username or password"));
    };
    let tokens = login_tokens(&manager, &username)?;
    let mut response = HttpResponse::Ok();
    set_token_cookies(&mut response, &tokens)?;
    Ok(response.json(json!({"login": true})))
}

/// The access cookie, and the refresh cookie when there is a refresh token.
fn set_token_cookies(
    response: &mut actix_web::HttpResponseBuilder,
    tokens: &TokenPair,
) -> Result<(), JwtError> {
    set_access_cookies(response, &tokens.access_token)?;
    if let Some(refresh_token) = &tokens.refresh_token {
        set_refresh_cookies(response, refresh_token)?;
    }
    Ok(())
}

#[post("/cookie/refresh")]
#[jwt_refresh_token_required]
async fn cookie_refresh() -> Result<HttpResponse, JwtError> {
    let tokens = refresh_tokens().await?;
    let mut response = HttpResponse::Ok();
    set_token_cookies(&mut response, &tokens)?;
    Ok(response.json(json!({"refresh": true})))
}

#[post("/cookie/logout")]
async fn cookie_logout() -> Result<HttpResponse, JwtError> {
    let mut response = HttpResponse::Ok();
    unset_jwt_cookies(&mut response)?;
    Ok(response.json(json!({"logout": true})))
}

#[post("/revoke")]
#[jwt_required]
async fn revoke() -> HttpResponse {
    let Some(token) = get_jwt() else {
        return error(StatusCode::UNAUTHORIZED, "No verified token");
    };
    match store().revoke(&token).await {
        Ok(()) => HttpResponse::Ok().json(json!({"msg": "Token revoked"})),
        Err(e) if e.is_missing_jti() => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The token has no jti claim, so it cannot be revoked",
        ),
        Err(e) => {
            tracing::error!("POST /revoke: {e}");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "The revocation store failed; try again later",
            )
        }
    }
}

/// Log out everywhere: every token of the identity issued up to now is refused, on every
/// server of the store.
#[post("/revoke-all")]
#[jwt_required]
async fn revoke_all(manager: JwtManager) -> Result<HttpResponse, JwtError> {
    let Some(token) = get_jwt() else {
        return Ok(error(StatusCode::UNAUTHORIZED, "No verified token"));
    };
    let config = manager.config();
    if !(config.blacklist_enabled || config.compat == Compat::V4) {
        return Ok(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "JWT_BLACKLIST_ENABLED is false: revocations are not checked",
        ));
    }
    manager.revoke_all_tokens(token.identity_value()).await?;
    Ok(HttpResponse::Ok().json(json!({"msg": "All tokens revoked"})))
}

/// Any method (`web::route()` has no method guard): OPTIONS is verified like the others.
#[jwt_required]
async fn any_method(req: HttpRequest) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "identity": get_jwt_identity::<Value>(),
        "method": req.method().as_str(),
    }))
}

#[get("/raw")]
#[jwt_required]
async fn raw() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "jwt": get_raw_jwt(), "header": get_raw_jwt_header() }))
}

#[get("/any-type")]
#[jwt_required(verify_type = false)]
async fn any_type() -> HttpResponse {
    let jwt = get_jwt();
    HttpResponse::Ok().json(json!({
        "identity": jwt.as_ref().map(Claims::identity_value),
        "type": jwt.as_ref().and_then(|jwt| jwt.get("type")),
    }))
}

#[get("/location")]
#[jwt_required]
async fn location() -> HttpResponse {
    HttpResponse::Ok()
        .json(json!({ "location": get_jwt_request_location().map(TokenLocation::as_str) }))
}

#[get("/query-first")]
#[jwt_required(locations = [query_string, headers])]
async fn query_first() -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "identity": get_jwt_identity::<Value>(),
        "location": get_jwt_request_location().map(TokenLocation::as_str),
    }))
}

#[get("/skip-revocation")]
#[jwt_required(skip_revocation_check)]
async fn skip_revocation() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

/// The routes of a mode: the 3.x contract's, and in 4.x mode one more per option of
/// `#[jwt_required(...)]`.
pub fn routes_for(compat: Compat) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |config| {
        routes(config);
        if compat == Compat::V4 {
            config
                .service(any_type)
                .service(location)
                .service(query_first)
                .service(skip_revocation);
        }
    }
}

/// Every route of the 3.x contract.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(public)
        .service(login)
        .service(issue_token)
        .service(
            web::resource("/protected")
                .route(web::get().to(protected))
                .route(web::post().to(protected))
                .route(web::put().to(protected))
                .route(web::patch().to(protected))
                .route(web::delete().to(protected)),
        )
        .service(optional)
        .service(
            web::resource("/fresh")
                .route(web::get().to(fresh))
                .route(web::post().to(fresh)),
        )
        .service(refresh)
        .service(cookie_login)
        .service(cookie_refresh)
        .service(cookie_logout)
        .service(revoke)
        .service(revoke_all)
        .service(raw)
        .service(scoped)
        .service(admin)
        .route("/any-method", web::route().to(any_method));
}

#[allow(
    dead_code,
    reason = "the tests include this file as a module and use `routes` only"
)]
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    jwt_examples::init_tracing();
    let exit = |error: &dyn std::fmt::Display| -> ! {
        eprintln!("reference_server: invalid configuration: {error}");
        std::process::exit(2);
    };
    let env = |name: &str| jwt_examples::env_var(name).unwrap_or_else(|error| exit(&error));
    if let Some(url) = env("REDIS_URL") {
        let flag = |name: &str, default: bool| match env(name).as_deref() {
            None => default,
            Some("false") => false,
            Some("true") => true,
            Some(other) => exit(&format!(
                "{name}: invalid value `{other}`: expected true or false"
            )),
        };
        // Not part of the contract: `REDIS_MIRROR=false` selects the direct mode (one
        // round trip per check; the default mirrors the live revocations in memory);
        // `REDIS_CLUSTER=true` reads REDIS_URL as the comma-separated URLs of Redis
        // Cluster nodes, `REDIS_SENTINEL_MASTER=<name>` as those of Redis Sentinels.
        let cluster = flag("REDIS_CLUSTER", false);
        // A cluster keeps the store's keys in one slot: its default prefix holds a hash tag.
        let default_prefix = if cluster {
            "{reference-server}"
        } else {
            "reference-server"
        };
        let prefix = env("REDIS_KEY_PREFIX").unwrap_or_else(|| default_prefix.to_owned());
        if cluster && let Err(error) = RedisBlocklist::check_cluster_prefix(&prefix) {
            exit(&format!("REDIS_KEY_PREFIX: {error}"));
        }
        let direct = !flag("REDIS_MIRROR", true);
        let nodes: Vec<&str> = url.split(',').map(str::trim).collect();
        let sentinel = |master: &str| jwt_runtime::blocklist::SentinelTarget::new(&nodes, master);
        let store = match (cluster, env("REDIS_SENTINEL_MASTER"), direct) {
            (true, Some(_), _) => {
                exit(&"REDIS_CLUSTER and REDIS_SENTINEL_MASTER exclude each other")
            }
            (true, None, false) => RedisBlocklist::connect_cluster(&nodes, &prefix).await,
            (true, None, true) => RedisBlocklist::connect_cluster_direct(&nodes, &prefix).await,
            (false, Some(master), false) => {
                RedisBlocklist::connect_sentinel(&sentinel(&master), &prefix).await
            }
            (false, Some(master), true) => {
                RedisBlocklist::connect_sentinel_direct(&sentinel(&master), &prefix).await
            }
            (false, None, true) => RedisBlocklist::connect_direct(&url, &prefix).await,
            (false, None, false) => RedisBlocklist::connect(&url, &prefix).await,
        };
        match store {
            Ok(redis) => {
                let _ = STORE.set(Arc::new(redis));
            }
            Err(error) => exit(&format!("REDIS_URL: {error}")),
        }
    }
    let manager = match JwtConfig::from_env().and_then(build_manager) {
        Ok(manager) => manager,
        Err(error) => exit(&error),
    };
    let port = env("PORT").unwrap_or_else(|| "5000".to_owned());
    let Ok(port) = port.parse::<u16>() else {
        eprintln!(
            "reference_server: invalid configuration: PORT: invalid value `{port}`: expected a port number"
        );
        std::process::exit(2);
    };
    // WORKERS (not part of the contract) lets the load benchmark pin one worker per server.
    let workers = env("WORKERS").map(|w| match w.parse::<usize>() {
        Ok(workers) if workers > 0 => workers,
        _ => exit(&format!(
            "WORKERS: invalid value `{w}`: expected a positive number"
        )),
    });
    // `/.well-known/jwks.json`: the public keys, for services that verify these tokens.
    let routes = routes_for(manager.config().compat);
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(manager.clone())
            .service(manager.jwks_resource())
            .configure(routes.clone())
    });
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    let server = server.bind(("127.0.0.1", port))?;
    println!("listening on 127.0.0.1:{port}");
    std::io::stdout().flush()?;
    server.run().await?;
    println!(
        "protected handler runs: {}",
        PROTECTED_RUNS.load(std::sync::atomic::Ordering::Relaxed)
    );
    Ok(())
}
