//! The request scenarios the `request` (criterion) and `callgrind` benches share: one
//! manager and one test request per scenario, and the two Apps they run through.

use std::fmt::Write as _;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, HttpResponse, web};
use jwt_runtime::JwtManagerBuilder;
use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
use jwt_runtime::config::TokenLocation;
use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
use serde_json::json;

use crate::support::{FloorKeys, SECRET, floor, protected, scoped};

/// Every request scenario, in report order.
pub(crate) const REQUESTS: [&str; 15] = [
    "bare",
    "public",
    "floor",
    "header",
    "header-v4",
    "cookie",
    "query",
    "json",
    "json-flood",
    "loaders",
    "blocklist",
    "blocklist-sessions",
    "cookie-renew",
    "claims",
    "scoped",
];

/// What each scenario is.
pub(crate) fn describe(name: &str) -> &'static str {
    match name {
        "bare" => "GET /public, App without JwtManager",
        "public" => "GET /public, App wrapped with JwtManager",
        "floor" => "hand-written extractor around jsonwebtoken::decode, bearer header",
        "header" => "#[jwt_required], bearer header",
        "header-v4" => "#[jwt_required], bearer header, flask-jwt-extended 4.x mode",
        "cookie" => "#[jwt_required], cookie + X-CSRF-TOKEN, POST",
        "query" => "#[jwt_required], ?jwt= query string",
        "json" => "#[jwt_required], JSON body, POST",
        "json-flood" => "#[jwt_required], 60 KiB JSON body of 4,500 keys, the token's last, POST",
        "loaders" => "#[jwt_required], header, claims-verification and user loaders",
        "blocklist" => "#[jwt_required], header, MemoryBlocklist with 100 000 other tokens",
        "blocklist-sessions" => {
            "as blocklist, plus 10 000 revoked logins and 10 000 cut-offs; a token of a login"
        }
        "cookie-renew" => {
            "as cookie, with JWT_IMPLICIT_REFRESH_WINDOW: every response renews the cookie"
        }
        "claims" => "as header, with the token of scoped (a scope claim and roles)",
        "scoped" => "#[jwt_required(scopes = [..], roles = [..])], bearer header, both held",
        _ => "unknown scenario",
    }
}

/// One scenario: its manager, a token for it, and how to build its request.
pub(crate) struct Scenario {
    pub(crate) name: String,
    pub(crate) manager: JwtManager,
    pub(crate) token: String,
    csrf: String,
}

/// A manager reading tokens from `location` only, with no registered loaders.
fn reading(location: TokenLocation) -> JwtManagerBuilder {
    JwtManager::builder(
        JwtConfig::default()
            .secret_key(SECRET)
            .token_location([location]),
    )
    .ignore_registered_loaders()
}

impl Scenario {
    /// Builds the scenario (filling the blocklist for `blocklist`) on `runtime`.
    pub(crate) fn new(name: &str, runtime: &actix_web::rt::Runtime) -> Self {
        let manager = match name {
            "cookie" => reading(TokenLocation::Cookies).build(),
            "query" => reading(TokenLocation::QueryString).build(),
            "header-v4" => JwtManager::builder(JwtConfig::v4().secret_key(SECRET))
                .ignore_registered_loaders()
                .build(),
            "json" | "json-flood" => reading(TokenLocation::Json).build(),
            "loaders" => reading(TokenLocation::Headers)
                .claims_verification_loader(|token| {
                    token.user_claims_value().get("banned").is_none()
                })
                .user_loader_callback_loader(|token| Some(token.identity_value().clone()))
                .build(),
            "cookie-renew" => JwtManager::builder(
                JwtConfig::default()
                    .secret_key(SECRET)
                    .token_location([TokenLocation::Cookies])
                    .implicit_refresh_window(std::time::Duration::from_secs(15 * 60)),
            )
            .ignore_registered_loaders()
            .build(),
            "blocklist" | "blocklist-sessions" => {
                let store = MemoryBlocklist::new();
                runtime.block_on(async {
                    for i in 0..100_000 {
                        store.revoke_jti(&format!("other-{i}"), None).await.unwrap();
                    }
                    if name == "blocklist-sessions" {
                        for i in 0..10_000 {
                            store
                                .revoke_family(&format!("login-{i}"), None)
                                .await
                                .unwrap();
                            let identity = serde_json::Value::from(format!("user-{i}"));
                            store.revoke_identity_before(&identity, 0).await.unwrap();
                        }
                    }
                });
                JwtManager::builder(
                    JwtConfig::default()
                        .secret_key(SECRET)
                        .blacklist_enabled(true),
                )
                .ignore_registered_loaders()
                .blocklist(store)
                .build()
            }
            _ => reading(TokenLocation::Headers).build(),
        }
        .unwrap();
        let token = if name == "blocklist-sessions" {
            let pair = manager.create_token_pair(&"benchmark-user", TokenOptions::default());
            pair.unwrap().access_token
        } else if name == "claims" || name == "scoped" {
            let options = TokenOptions::default()
                .claims([("scope".to_owned(), json!("openid profile items:read"))])
                .user_claims(json!({"roles": ["user", "admin"]}));
            manager
                .create_access_token_with(&"benchmark-user", options)
                .unwrap()
        } else {
            manager.create_access_token(&"benchmark-user").unwrap()
        };
        let csrf = if name.starts_with("cookie") {
            manager.get_csrf_token(&token).unwrap()
        } else {
            String::new()
        };
        Scenario {
            name: name.to_owned(),
            manager,
            token,
            csrf,
        }
    }

    /// Whether the scenario runs through [`plain_app`] (no middleware).
    pub(crate) fn is_plain(&self) -> bool {
        self.name == "bare" || self.name == "floor"
    }

    /// The scenario's request.
    pub(crate) fn request(&self) -> TestRequest {
        let token = &self.token;
        match self.name.as_str() {
            "bare" | "public" => TestRequest::get().uri("/public"),
            "cookie" | "cookie-renew" => TestRequest::post()
                .uri("/protected")
                .cookie(actix_web::cookie::Cookie::new(
                    "access_token_cookie",
                    token.clone(),
                ))
                .insert_header(("X-CSRF-TOKEN", self.csrf.clone())),
            "query" => TestRequest::get().uri(&format!("/protected?jwt={token}")),
            "json-flood" => TestRequest::post()
                .uri("/protected")
                .insert_header(ContentType::json())
                .set_payload(flood_body(token)),
            "json" => TestRequest::post()
                .uri("/protected")
                .insert_header(ContentType::json())
                .set_payload(format!(r#"{{"access_token":"{token}"}}"#)),
            "scoped" => TestRequest::get()
                .uri("/scoped")
                .insert_header(("Authorization", format!("Bearer {token}"))),
            _ => TestRequest::get()
                .uri("/protected")
                .insert_header(("Authorization", format!("Bearer {token}"))),
        }
    }
}

/// A JSON object of 4,500 small members (numbers, strings, arrays, objects) and then the
/// token: what an unauthenticated client can make the guard read, within the body limit.
fn flood_body(token: &str) -> String {
    let mut body = String::from("{");
    for i in 0..4500 {
        let value = match i % 4 {
            0 => format!("{i}"),
            1 => "\"v\"".to_owned(),
            2 => "[1,2]".to_owned(),
            _ => "{\"a\":1}".to_owned(),
        };
        write!(body, "\"k{i}\":{value},").unwrap();
    }
    write!(body, "\"access_token\":\"{token}\"}}").unwrap();
    body
}

/// Sends the scenario's request through its App; returns the status.
pub(crate) async fn send<W, P, BW, BP>(scenario: &Scenario, wrapped: &W, plain: &P) -> StatusCode
where
    W: Service<actix_http::Request, Response = ServiceResponse<BW>, Error = actix_web::Error>,
    P: Service<actix_http::Request, Response = ServiceResponse<BP>, Error = actix_web::Error>,
{
    let request = scenario.request().to_request();
    if scenario.is_plain() {
        plain.call(request).await.unwrap().status()
    } else {
        wrapped.call(request).await.unwrap().status()
    }
}

async fn public() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "hello": "world" }))
}

/// The App of jwt-runtime: wrapped with `manager`, `/public` and a `#[jwt_required]` `/protected`.
pub(crate) async fn wrapped_app(
    manager: &JwtManager,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    init_service(
        App::new()
            .wrap(manager.clone())
            .route("/public", web::get().to(public))
            .route("/protected", web::route().to(protected))
            .route("/scoped", web::get().to(scoped)),
    )
    .await
}

/// The App of the floor: no middleware, `/public` and the hand-written `/protected`.
pub(crate) async fn plain_app() -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    init_service(
        App::new()
            .app_data(web::Data::new(FloorKeys::new()))
            .route("/public", web::get().to(public))
            .route("/protected", web::get().to(floor)),
    )
    .await
}
