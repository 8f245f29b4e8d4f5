//! The public API's shape, through real requests: extractors and `verify_*_in_request`
//! fail with a `JwtError` a custom guard can match on; every verification makes the token
//! the request's; `decode_token_with` takes its options by name; configuration errors are
//! an enum; and `jwt_runtime::testing` mints tokens of every kind and sends them from
//! every location.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode};
use actix_web::{App, FromRequest, HttpRequest, HttpResponse, Responder, get, post, test};
use jwt_runtime::config::{Expiry, TokenLocation};
use jwt_runtime::prelude::*;
use jwt_runtime::testing::{ManualClock, mint, request_with_token};
use jwt_runtime::{ConfigError, ErrorKind, JwtConfig, JwtManager};
use serde_json::{Value, json};

const SECRET: &str = "api-suite-secret-that-is-32-bytes!";

fn manager(clock: &ManualClock, locations: &[TokenLocation]) -> JwtManager {
    JwtManager::builder(
        JwtConfig::default()
            .secret_key(SECRET)
            .token_location(locations.iter().copied()),
    )
    .ignore_registered_loaders()
    .clock(clock.source())
    .build()
    .unwrap()
}

/// A custom guard that tells an expired token from the other refusals, by matching on
/// the `JwtError` that `verify_jwt_in_request` returns.
struct ExpiryAware(&'static str);

impl FromRequest for ExpiryAware {
    type Error = JwtError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match verify_jwt_in_request(&req).await {
                Ok(_) => Ok(ExpiryAware("valid")),
                Err(JwtError::Expired(claims)) => {
                    assert_eq!(claims.identity::<String>().unwrap(), "alice");
                    Ok(ExpiryAware("expired"))
                }
                Err(other) => Err(other),
            }
        })
    }
}

#[get("/expiry-aware")]
async fn expiry_aware(guard: ExpiryAware) -> impl Responder {
    HttpResponse::Ok().json(json!({ "token": guard.0, "identity": get_jwt_identity::<String>() }))
}

#[get("/extractor")]
async fn extractor(jwt: Jwt, JwtIdentity(name): JwtIdentity<String>) -> impl Responder {
    // The extractor's token is the request's too.
    HttpResponse::Ok().json(json!({
        "from_jwt": jwt.identity::<String>().unwrap(),
        "from_identity": name,
        "ambient": get_jwt_identity::<String>(),
    }))
}

#[post("/protected")]
#[jwt_required]
async fn protected() -> impl Responder {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh() -> impl Responder {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[post("/fresh")]
#[fresh_jwt_required]
async fn fresh() -> impl Responder {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

macro_rules! app {
    ($manager:expr) => {
        test::init_service(
            App::new()
                .wrap($manager.clone())
                .service(expiry_aware)
                .service(extractor)
                .service(protected)
                .service(refresh)
                .service(fresh),
        )
        .await
    };
}

async fn call<S, B>(app: &S, request: test::TestRequest) -> (StatusCode, Value)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    let body = test::read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap())
}

#[actix_web::test]
async fn a_custom_guard_matches_the_error_of_verify_jwt_in_request() {
    let clock = ManualClock::starting_now();
    let manager = manager(&clock, &[TokenLocation::Headers]);
    let app = app!(manager);
    let valid = mint(&manager).create("alice").unwrap();
    let expired = mint(&manager).expired().create("alice").unwrap();
    let get = |token: &str| {
        request_with_token(
            &manager,
            Method::GET,
            "/expiry-aware",
            TokenLocation::Headers,
            token,
        )
    };
    assert_eq!(
        call(&app, get(&valid)).await,
        (
            StatusCode::OK,
            json!({ "token": "valid", "identity": "alice" })
        )
    );
    // The guard let the expired token through on purpose; it was never verified, so
    // nothing is ambient.
    assert_eq!(
        call(&app, get(&expired)).await,
        (
            StatusCode::OK,
            json!({ "token": "expired", "identity": null })
        )
    );
    // Every other refusal is answered as usual, through the App.
    assert_eq!(
        call(&app, get("not.a.token")).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        call(&app, test::TestRequest::get().uri("/expiry-aware")).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Missing Authorization Header" })
        )
    );
}

#[actix_web::test]
async fn extractors_make_their_token_the_requests_and_fail_with_the_default_answers() {
    let clock = ManualClock::starting_now();
    let manager = manager(&clock, &[TokenLocation::Headers]);
    let app = app!(manager);
    let token = mint(&manager).create("bob").unwrap();
    let request = request_with_token(
        &manager,
        Method::GET,
        "/extractor",
        TokenLocation::Headers,
        &token,
    );
    assert_eq!(
        call(&app, request).await,
        (
            StatusCode::OK,
            json!({ "from_jwt": "bob", "from_identity": "bob", "ambient": "bob" })
        )
    );
    let expired = mint(&manager).expired().create("bob").unwrap();
    let request = request_with_token(
        &manager,
        Method::GET,
        "/extractor",
        TokenLocation::Headers,
        &expired,
    );
    assert_eq!(
        call(&app, request).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Token has expired" })
        )
    );
}

#[actix_web::test]
async fn minted_tokens_work_from_every_location() {
    let clock = ManualClock::starting_now();
    // `custom` is where a `token_source_loader` reads (tests/tests/guards/authorization.rs).
    let flask = TokenLocation::ALL
        .into_iter()
        .filter(|l| *l != TokenLocation::Custom);
    for location in flask {
        let manager = manager(&clock, &[location]);
        let app = app!(manager);
        let access = mint(&manager).fresh(true).create("carol").unwrap();
        let stale = mint(&manager).create("carol").unwrap();
        let refresh_token = mint(&manager).refresh().create("carol").unwrap();
        let send = |uri: &'static str, token: &str| {
            request_with_token(&manager, Method::POST, uri, location, token)
        };
        let ok = (StatusCode::OK, json!({ "identity": "carol" }));
        assert_eq!(
            call(&app, send("/protected", &access)).await,
            ok,
            "{location}"
        );
        assert_eq!(call(&app, send("/fresh", &access)).await, ok, "{location}");
        assert_eq!(
            call(&app, send("/refresh", &refresh_token)).await,
            ok,
            "{location}"
        );
        assert_eq!(
            call(&app, send("/fresh", &stale)).await,
            (
                StatusCode::UNAUTHORIZED,
                json!({ "msg": "Fresh token required" })
            ),
            "{location}"
        );
        // A refresh token is sent where refresh tokens go (the refresh cookie, the
        // `refresh_token` key), so an access route does not find one there; in a header or
        // the query string it is found and refused as the wrong type.
        let wrong_type = match location {
            TokenLocation::Cookies => (
                StatusCode::UNAUTHORIZED,
                json!({ "msg": "Missing cookie \"access_token_cookie\"" }),
            ),
            TokenLocation::Json => (
                StatusCode::UNAUTHORIZED,
                json!({ "msg": "Missing \"access_token\" key in json data." }),
            ),
            _ => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "msg": "Only access tokens are allowed" }),
            ),
        };
        assert_eq!(
            call(&app, send("/protected", &refresh_token)).await,
            wrong_type,
            "{location}"
        );
    }
}

#[actix_web::test]
async fn the_manual_clock_expires_tokens_and_mint_makes_future_ones() {
    let clock = ManualClock::starting_now();
    let manager = manager(&clock, &[TokenLocation::Headers]);
    let app = app!(manager);
    let token = mint(&manager)
        .expires(Duration::from_secs(60))
        .create("dave")
        .unwrap();
    let send = |token: &str| {
        request_with_token(
            &manager,
            Method::POST,
            "/protected",
            TokenLocation::Headers,
            token,
        )
    };
    assert_eq!(call(&app, send(&token)).await.0, StatusCode::OK);
    clock.advance(Duration::from_secs(61));
    assert_eq!(
        call(&app, send(&token)).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Token has expired" })
        )
    );
    let future = mint(&manager).not_yet_valid().create("dave").unwrap();
    assert_eq!(
        call(&app, send(&future)).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "msg": "The token is not yet valid (iat)" })
        )
    );
    let forever = mint(&manager)
        .expires(Expiry::Never)
        .create("dave")
        .unwrap();
    clock.advance(Duration::from_secs(10 * 365 * 86_400));
    assert_eq!(call(&app, send(&forever)).await.0, StatusCode::OK);
}

#[::core::prelude::v1::test]
fn decode_options_are_named() {
    let clock = ManualClock::starting_now();
    let manager = manager(&clock, &[TokenLocation::Cookies]);
    let token = mint(&manager).expired().create("erin").unwrap();
    let err = manager.decode_token(&token).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ExpiredToken);
    let claims = manager
        .decode_token_with(&token, DecodeOptions::default().allow_expired(true))
        .unwrap();
    let csrf = claims.csrf().unwrap().to_owned();
    let options = DecodeOptions::default().allow_expired(true);
    assert!(
        manager
            .decode_token_with(&token, options.csrf(&csrf))
            .is_ok()
    );
    let err = manager
        .decode_token_with(&token, options.csrf("something-else"))
        .unwrap_err();
    assert!(matches!(err, JwtError::Csrf(_)), "{err}");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
}

#[::core::prelude::v1::test]
fn configuration_errors_are_an_enum() {
    let err = JwtManager::new(
        JwtConfig::default()
            .secret_key(SECRET)
            .header_type("two words"),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ConfigError::Invalid { option: "JWT_HEADER_TYPE", value, .. } if value == "two words"),
        "{err}"
    );
    assert_eq!(err.option(), Some("JWT_HEADER_TYPE"));
    assert_eq!(
        err.to_string(),
        "JWT_HEADER_TYPE: invalid value `two words`: must be one word (or empty for a bare token)"
    );
}

#[get("/maybe")]
async fn maybe(jwt: Option<Jwt>) -> impl Responder {
    // `Option<Jwt>` swallows a refusal: the refused token must not be the request's.
    HttpResponse::Ok()
        .json(json!({ "jwt": jwt.is_some(), "identity": get_jwt_identity::<String>() }))
}

#[actix_web::test]
async fn a_token_refused_after_decoding_is_seen_by_its_loaders_only() {
    let clock = ManualClock::starting_now();
    let manager = JwtManager::builder(JwtConfig::default().secret_key(SECRET))
        .ignore_registered_loaders()
        .clock(clock.source())
        .claims_verification_loader(|token| token.user_claims_value().get("banned").is_none())
        .claims_verification_failed_loader(|_| {
            HttpResponse::Forbidden().json(json!({ "refused": get_jwt_identity::<String>() }))
        })
        .build()
        .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .service(maybe)
            .service(protected),
    )
    .await;
    let banned = mint(&manager)
        .user_claims(json!({ "banned": true }))
        .create("mallory")
        .unwrap();
    let welcome = mint(&manager).create("alice").unwrap();
    let get = |token: &str| {
        request_with_token(
            &manager,
            Method::GET,
            "/maybe",
            TokenLocation::Headers,
            token,
        )
    };
    assert_eq!(
        call(&app, get(&banned)).await,
        (StatusCode::OK, json!({ "jwt": false, "identity": null }))
    );
    assert_eq!(
        call(&app, get(&welcome)).await,
        (StatusCode::OK, json!({ "jwt": true, "identity": "alice" }))
    );
    // The loader answering the refusal still sees the refused token, as Python's does.
    let post = request_with_token(
        &manager,
        Method::POST,
        "/protected",
        TokenLocation::Headers,
        &banned,
    );
    assert_eq!(
        call(&app, post).await,
        (StatusCode::FORBIDDEN, json!({ "refused": "mallory" }))
    );
}

#[actix_web::test]
async fn a_refusal_keeps_the_headers_of_inner_middleware_and_its_error() {
    let clock = ManualClock::starting_now();
    let manager = manager(&clock, &[TokenLocation::Headers]);
    let app = test::init_service(
        App::new()
            .wrap(actix_web::middleware::DefaultHeaders::new().add(("X-Inner", "kept")))
            .wrap(manager.clone())
            .service(protected),
    )
    .await;
    let response = test::call_service(
        &app,
        test::TestRequest::post().uri("/protected").to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers().get("X-Inner").unwrap(), "kept");
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/json"
    );
    // Middleware further out still sees why the request was refused.
    let error = response.response().error().expect("the refusal's error");
    assert!(
        error.to_string().contains("Missing Authorization Header"),
        "{error}"
    );
    let body: Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
    assert_eq!(body, json!({ "msg": "Missing Authorization Header" }));
}
