//! Every HTTP method is verified, OPTIONS included. actix-web calls a handler for any
//! method when it is mounted with `web::resource(..).to(h)`, `web::to(h)`,
//! `web::route().to(h)` or `default_service`, or listed with several methods in
//! `#[route]`; a guard that let one method through unchecked would run the handler
//! anonymously.
//!
//! For each of those five mountings, each guard (the four attributes, the `Jwt` and
//! `Identity` extractors, and custom guards calling the four `verify_*_in_request`
//! functions), each method and each kind of bad token, the request must be refused
//! with the exact status and JSON body, and the handler must not run. The optional
//! guards run anonymously (identity null) without a token, and refuse the rest. A
//! valid token of the right kind runs the handler once with its identity, so the
//! suite cannot pass by refusing everything.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::dev::HttpServiceFactory;
use actix_web::http::{Method, StatusCode};
use actix_web::{App, FromRequest, HttpRequest, HttpResponse, Responder, web};
use actix_web::{Handler, route, test};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{NOW, SECRET, ran, runs, with_bearer};
use serde_json::Value;
use serde_json::json;

/// Where the handler is mounted (the `#[route]` handlers repeat it as a literal).
const URI: &str = "/x";

/// Counts a handler run and answers the identity of the request's token (null if none).
fn answer() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

/// How a handler is mounted.
#[derive(Clone, Copy, Debug)]
enum Style {
    /// `web::resource("/x").to(h)`
    Resource,
    /// `cfg.route("/x", web::to(h))`
    To,
    /// `cfg.route("/x", web::route().to(h))`
    AnyRoute,
    /// `default_service(web::to(h))`, reached through an unmatched path.
    Default,
    /// `#[route("/x", method = ..., method = ...)]` on the guarded handler.
    Attribute,
}

impl Style {
    fn uri(self) -> &'static str {
        match self {
            Self::Default => "/no/such/route",
            _ => URI,
        }
    }
}

fn mount<F, Args>(
    cfg: &mut web::ServiceConfig,
    style: Style,
    handler: F,
    routed: impl HttpServiceFactory + 'static,
) where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    match style {
        Style::Resource => cfg.service(web::resource(URI).to(handler)),
        Style::To => cfg.route(URI, web::to(handler)),
        Style::AnyRoute => cfg.route(URI, web::route().to(handler)),
        Style::Default => cfg.default_service(web::to(handler)),
        Style::Attribute => cfg.service(routed),
    };
}

/// A mount function for one guard: the same handler, plain (styles 1–4) and under
/// `#[route]` with every tested method (style 5).
macro_rules! guard {
    ($mount:ident: $(#[$attr:meta])* ($($arg:tt)*) -> $ret:ty $body:block) => {
        fn $mount(cfg: &mut web::ServiceConfig, style: Style) {
            $(#[$attr])*
            async fn handler($($arg)*) -> $ret $body

            #[route(
                "/x",
                method = "OPTIONS",
                method = "GET",
                method = "HEAD",
                method = "POST",
                method = "PUT",
                method = "PATCH",
                method = "DELETE"
            )]
            $(#[$attr])*
            async fn routed($($arg)*) -> $ret $body

            mount(cfg, style, handler, routed);
        }
    };
}

guard!(required: #[jwt_required] () -> HttpResponse {
    answer()
});
guard!(optional: #[jwt_optional] () -> HttpResponse {
    answer()
});
guard!(fresh: #[fresh_jwt_required] () -> HttpResponse {
    answer()
});
guard!(refresh: #[jwt_refresh_token_required] () -> HttpResponse {
    answer()
});
guard!(jwt_extractor: (jwt: Jwt) -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": jwt.identity::<Value>().unwrap() }))
});
guard!(identity_extractor: (JwtIdentity(identity): JwtIdentity<Value>) -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": identity }))
});
guard!(verify_required: (req: HttpRequest) -> actix_web::Result<HttpResponse> {
    verify_jwt_in_request(&req).await?;
    Ok(answer())
});
guard!(verify_optional: (req: HttpRequest) -> actix_web::Result<HttpResponse> {
    verify_jwt_in_request_optional(&req).await?;
    Ok(answer())
});
guard!(verify_fresh: (req: HttpRequest) -> actix_web::Result<HttpResponse> {
    verify_fresh_jwt_in_request(&req).await?;
    Ok(answer())
});
guard!(verify_refresh: (req: HttpRequest) -> actix_web::Result<HttpResponse> {
    verify_jwt_refresh_token_in_request(&req).await?;
    Ok(answer())
});

/// The check a guard performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    Access,
    Optional,
    Fresh,
    Refresh,
}

/// A guard: its name, the check it performs, and how to mount its handler.
type Guard = (&'static str, Check, fn(&mut web::ServiceConfig, Style));

const GUARDS: [Guard; 10] = [
    ("#[jwt_required]", Check::Access, required),
    ("#[jwt_optional]", Check::Optional, optional),
    ("#[fresh_jwt_required]", Check::Fresh, fresh),
    ("#[jwt_refresh_token_required]", Check::Refresh, refresh),
    ("Jwt", Check::Access, jwt_extractor),
    ("JwtIdentity<Value>", Check::Access, identity_extractor),
    ("verify_jwt_in_request", Check::Access, verify_required),
    (
        "verify_jwt_in_request_optional",
        Check::Optional,
        verify_optional,
    ),
    ("verify_fresh_jwt_in_request", Check::Fresh, verify_fresh),
    (
        "verify_jwt_refresh_token_in_request",
        Check::Refresh,
        verify_refresh,
    ),
];

const METHODS: [Method; 7] = [
    Method::OPTIONS,
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// What the request carries in `Authorization: Bearer`.
#[derive(Clone, Copy, Debug)]
enum Kind {
    NoToken,
    Garbage,
    /// Of the guard's own type (and fresh), only expired.
    Expired,
    /// A refresh token for an access guard, a fresh access token for a refresh guard.
    WrongType,
    /// A valid access token that is not fresh.
    NotFresh,
    /// A valid token of the guard's type (fresh for an access guard).
    Valid,
}

const KINDS: [Kind; 6] = [
    Kind::NoToken,
    Kind::Garbage,
    Kind::Expired,
    Kind::WrongType,
    Kind::NotFresh,
    Kind::Valid,
];

struct Tokens {
    fresh: String,
    not_fresh: String,
    refresh: String,
    expired_access: String,
    expired_refresh: String,
}

impl Tokens {
    fn new(manager: &JwtManager) -> Self {
        // Older than both default lifetimes (15 minutes for access, 30 days for refresh).
        let past = manager_at(NOW - 90 * 86_400);
        let fresh = TokenOptions::default().fresh(true);
        Self {
            fresh: manager
                .create_access_token_with(&"alice", fresh.clone())
                .unwrap(),
            not_fresh: manager.create_access_token(&"alice").unwrap(),
            refresh: manager.create_refresh_token(&"alice").unwrap(),
            expired_access: past.create_access_token_with(&"alice", fresh).unwrap(),
            expired_refresh: past.create_refresh_token(&"alice").unwrap(),
        }
    }

    fn get(&self, check: Check, kind: Kind) -> Option<&str> {
        let token = match (kind, check == Check::Refresh) {
            (Kind::NoToken, _) => return None,
            (Kind::Garbage, _) => "garbage",
            (Kind::Expired, true) => &self.expired_refresh,
            (Kind::Expired, false) => &self.expired_access,
            (Kind::Valid, true) | (Kind::WrongType, false) => &self.refresh,
            (Kind::Valid, false) | (Kind::WrongType, true) => &self.fresh,
            (Kind::NotFresh, _) => &self.not_fresh,
        };
        Some(token)
    }
}

/// The answer expected: the status, the JSON body, and whether the handler ran.
fn expected(check: Check, kind: Kind) -> (StatusCode, Value, bool) {
    let refused = |status, msg: &str| (status, json!({ "msg": msg }), false);
    let only_access = || {
        refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Only access tokens are allowed",
        )
    };
    let only_refresh = || {
        refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Only refresh tokens are allowed",
        )
    };
    let runs_as = |identity: Value| (StatusCode::OK, json!({ "identity": identity }), true);
    match (kind, check) {
        (Kind::NoToken, Check::Optional) => runs_as(Value::Null),
        (Kind::NoToken, _) => refused(StatusCode::UNAUTHORIZED, "Missing Authorization Header"),
        (Kind::Garbage, _) => refused(StatusCode::UNPROCESSABLE_ENTITY, "Not enough segments"),
        (Kind::Expired, _) => refused(StatusCode::UNAUTHORIZED, "Token has expired"),
        (Kind::WrongType | Kind::NotFresh, Check::Refresh) => only_refresh(),
        (Kind::WrongType, _) => only_access(),
        (Kind::NotFresh, Check::Fresh) => refused(StatusCode::UNAUTHORIZED, "Fresh token required"),
        (Kind::NotFresh | Kind::Valid, _) => runs_as(json!("alice")),
    }
}

fn manager_at(now: u64) -> JwtManager {
    JwtManager::builder(JwtConfig::default().secret_key(SECRET))
        .ignore_registered_loaders()
        .clock(move || -> SystemTime { UNIX_EPOCH + Duration::from_secs(now) })
        .build()
        .unwrap()
}

/// Every guard × method × token kind under one mounting style.
async fn check_style(style: Style) {
    let manager = manager_at(NOW);
    let tokens = Tokens::new(&manager);
    let mut refusals = 0;
    for &(name, check, mount_guard) in &GUARDS {
        let app = test::init_service(
            App::new()
                .wrap(manager.clone())
                .configure(|cfg| mount_guard(cfg, style)),
        )
        .await;
        for method in METHODS {
            for kind in KINDS {
                let case = format!("{style:?} × {name} × {method} × {kind:?}");
                let mut request = test::TestRequest::default()
                    .method(method.clone())
                    .uri(style.uri());
                if let Some(token) = tokens.get(check, kind) {
                    request = with_bearer(request, token);
                }
                let (status, body, runs_handler) = expected(check, kind);
                let before = runs();
                let response = test::call_service(&app, request.to_request()).await;
                let got = response.status();
                let bytes = test::read_body(response).await;
                assert_eq!(
                    runs() - before,
                    usize::from(runs_handler),
                    "{case}: handler runs (body {bytes:?})"
                );
                assert_eq!(got, status, "{case}: status (body {bytes:?})");
                // A HEAD answer has no body to compare.
                if method != Method::HEAD {
                    let got: Value = serde_json::from_slice(&bytes)
                        .unwrap_or_else(|_| panic!("{case}: not JSON: {bytes:?}"));
                    assert_eq!(got, body, "{case}: body");
                }
                refusals += usize::from(!runs_handler);
            }
        }
    }
    // Per method, of the 6 kinds: 4 refused by each of the 4 plain access guards, 3 by each
    // of the 2 optional ones, 5 by each of the 2 fresh and the 2 refresh ones.
    assert_eq!(
        refusals,
        METHODS.len() * (4 * 4 + 2 * 3 + 2 * 5 + 2 * 5),
        "{style:?}"
    );
}

#[actix_web::test]
async fn web_resource_to() {
    check_style(Style::Resource).await;
}

#[actix_web::test]
async fn route_web_to() {
    check_style(Style::To).await;
}

#[actix_web::test]
async fn route_web_route_to() {
    check_style(Style::AnyRoute).await;
}

#[actix_web::test]
async fn default_service() {
    check_style(Style::Default).await;
}

#[actix_web::test]
async fn route_attribute_with_several_methods() {
    check_style(Style::Attribute).await;
}
