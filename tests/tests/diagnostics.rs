//! Answers in every case, and diagnostics a developer sees: a loader that panics still gets
//! the request a 500 JSON answer (and the connection goes on), a loader whose typed
//! parameter does not fit the token is reported, an App without `.wrap(manager)` and a
//! weak secret are reported, all through `tracing`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
#![allow(clippy::too_many_lines, reason = "case tables")]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{App, test};
use actix_web::{HttpResponse, get, web};
use jwt_runtime::JwtManagerBuilder;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::live::LiveServer;
use jwt_tests::{SECRET, bearer};
use serde_json::Value;
use serde_json::json;

/// Everything `tracing` printed on this thread while the guard lives.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

fn builder(config: JwtConfig) -> JwtManagerBuilder {
    JwtManager::builder(config.secret_key(SECRET).error_message_key("error"))
        .ignore_registered_loaders()
}

#[jwt_required]
async fn protected() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[fresh_jwt_required]
async fn fresh() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn login() -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(json!({ "token": create_access_token(&"alice")? })))
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/protected", web::get().to(protected))
        .route("/fresh", web::get().to(fresh))
        .route("/login", web::post().to(login));
}

fn boom() -> ! {
    std::panic::panic_any("loader exploded".to_owned())
}

/// A request that makes one loader run: what to send, given a token of a loader-free manager.
enum Trigger {
    /// GET /protected with a valid token.
    Valid,
    /// GET /protected with no token.
    NoToken,
    /// GET /protected with a malformed token.
    Garbage,
    /// GET /protected with an expired token.
    Expired,
    /// GET /fresh with a non-fresh token.
    NotFresh,
    /// POST /login (token creation).
    Login,
}

#[actix_web::test]
async fn a_panicking_loader_gets_a_500_json_answer_naming_it_in_the_log() {
    type Case = (
        &'static str,
        fn(JwtManagerBuilder) -> JwtManagerBuilder,
        Trigger,
    );
    let cases: [Case; 16] = [
        (
            "token_in_blacklist_loader",
            |b| b.token_in_blacklist_loader(|_| -> bool { boom() }),
            Trigger::Valid,
        ),
        (
            "token_in_blacklist_loader",
            |b| b.token_in_blacklist_loader_async(|_| Box::pin(async { boom() })),
            Trigger::Valid,
        ),
        (
            "claims_verification_loader",
            |b| b.claims_verification_loader(|_| -> bool { boom() }),
            Trigger::Valid,
        ),
        (
            "user_loader_callback_loader",
            |b| b.user_loader_callback_loader::<Option<String>>(|_| boom()),
            Trigger::Valid,
        ),
        (
            "decode_key_loader",
            |b| b.decode_key_loader(|_, _| -> jwt_runtime::config::Secret { boom() }),
            Trigger::Valid,
        ),
        (
            "decode_key_loader",
            |b| b.decode_key_loader_async(|_, _| Box::pin(async { boom() })),
            Trigger::Valid,
        ),
        (
            "unauthorized_loader",
            |b| b.unauthorized_loader(|_| -> HttpResponse { boom() }),
            Trigger::NoToken,
        ),
        (
            "invalid_token_loader",
            |b| b.invalid_token_loader(|_| -> HttpResponse { boom() }),
            Trigger::Garbage,
        ),
        (
            "expired_token_loader",
            |b| b.expired_token_loader(|_| -> HttpResponse { boom() }),
            Trigger::Expired,
        ),
        (
            "needs_fresh_token_loader",
            |b| b.needs_fresh_token_loader(|| -> HttpResponse { boom() }),
            Trigger::NotFresh,
        ),
        (
            "user_loader_error_loader",
            |b| {
                b.user_loader_callback_loader::<Option<String>>(|_| None)
                    .user_loader_error_loader(|_| -> HttpResponse { boom() })
            },
            Trigger::Valid,
        ),
        (
            "claims_verification_failed_loader",
            |b| {
                b.claims_verification_loader(|_| false)
                    .claims_verification_failed_loader(|_| -> HttpResponse { boom() })
            },
            Trigger::Valid,
        ),
        (
            "user_claims_loader",
            |b| b.user_claims_loader(|_| -> Value { boom() }),
            Trigger::Login,
        ),
        (
            "user_identity_loader",
            |b| b.user_identity_loader(|_| -> Value { boom() }),
            Trigger::Login,
        ),
        (
            "additional_headers_loader",
            |b| {
                b.additional_headers_loader(
                    |_| -> Option<serde_json::Map<String, serde_json::Value>> { boom() },
                )
            },
            Trigger::Login,
        ),
        (
            "encode_key_loader",
            |b| b.encode_key_loader(|_| -> jwt_runtime::config::Secret { boom() }),
            Trigger::Login,
        ),
    ];
    let plain = builder(JwtConfig::default()).build().unwrap();
    let valid = plain.create_access_token(&"alice").unwrap();
    let expired = builder(JwtConfig::default())
        .clock(|| std::time::SystemTime::now() - Duration::from_secs(3600))
        .build()
        .unwrap()
        .create_access_token(&"alice")
        .unwrap();
    for (loader, install, trigger) in cases {
        let revocation = loader == "token_in_blacklist_loader";
        let manager = install(builder(JwtConfig::default().blacklist_enabled(revocation)))
            .build()
            .unwrap();
        let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
        let request = match trigger {
            Trigger::Valid => bearer("/protected", &valid),
            Trigger::NoToken => test::TestRequest::get().uri("/protected"),
            Trigger::Garbage => bearer("/protected", "garbage"),
            Trigger::Expired => bearer("/protected", &expired),
            Trigger::NotFresh => bearer("/fresh", &valid),
            Trigger::Login => test::TestRequest::post().uri("/login"),
        };
        let (captured, _guard) = capture();
        let response = test::call_service(&app, request.to_request()).await;
        check_panic_answer(loader, response, &captured).await;
    }
}

async fn check_panic_answer(
    loader: &str,
    response: actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
    captured: &Captured,
) {
    assert_eq!(
        response.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "{loader}"
    );
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "{loader}"
    );
    let body: Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
    assert_eq!(body, json!({"error": "Internal server error"}), "{loader}");
    let log = captured.text();
    assert!(
        log.contains("ERROR") && log.contains(&format!("{loader} panicked: loader exploded")),
        "{loader}: {log}"
    );
}

#[::core::prelude::v1::test]
fn after_a_panicking_loader_the_connection_answers_the_next_request() {
    let manager = builder(JwtConfig::default())
        .claims_verification_loader(|claims| {
            assert!(
                claims.user_claims_value().get("boom").is_none(),
                "loader exploded"
            );
            true
        })
        .build()
        .unwrap();
    let bomb = manager
        .create_access_token_with(
            &"alice",
            TokenOptions::default().user_claims(json!({"boom": true})),
        )
        .unwrap();
    let fine = manager.create_access_token(&"bob").unwrap();
    let server = LiveServer::start(manager.clone(), routes);
    let mut stream = server.connect(Duration::from_secs(10));
    // Two pipelined requests on one connection: the panic answers the first, the second
    // is still served.
    let request = |token: &str, close: &str| {
        format!(
            "GET /protected HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n{close}\r\n"
        )
    };
    stream
        .write_all(
            format!(
                "{}{}",
                request(&bomb, ""),
                request(&fine, "Connection: close\r\n")
            )
            .as_bytes(),
        )
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    drop(server);
    let first = answer.find("HTTP/1.1 500").expect(&answer);
    let second = answer.find("HTTP/1.1 200").expect(&answer);
    assert!(first < second, "{answer}");
    assert!(
        answer.contains(r#"{"error":"Internal server error"}"#),
        "{answer}"
    );
    assert!(answer.ends_with(r#"{"identity":"bob"}"#), "{answer}");
}

/// Registered for this test binary: a typed parameter that some identities do not fit.
#[jwt::user_loader_callback_loader]
fn load_user(identity: &str) -> Option<String> {
    (identity != "ghost").then(|| identity.to_owned())
}

#[actix_web::test]
async fn a_typed_loader_parameter_that_does_not_fit_fails_closed_with_a_warning() {
    let manager = JwtManager::new(JwtConfig::default().secret_key(SECRET)).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
    let (captured, _guard) = capture();
    let fits = manager.create_access_token(&"alice").unwrap();
    let request = bearer("/protected", &fits);
    assert_eq!(
        test::call_service(&app, request.to_request())
            .await
            .status(),
        StatusCode::OK
    );
    assert!(captured.text().is_empty(), "{}", captured.text());
    let number = manager.create_access_token(&42).unwrap();
    let request = bearer("/protected", &number);
    let response = test::call_service(&app, request.to_request()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
    assert_eq!(body, json!({"msg": "Error loading the user 42"}));
    let log = captured.text();
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("user_loader_callback_loader"), "{log}");
    assert!(log.contains("`&str`"), "{log}");
    assert!(log.contains("invalid type: integer `42`"), "{log}");
}

#[actix_web::test]
async fn an_app_without_the_manager_answers_500_json_and_logs_why() {
    let app = test::init_service(App::new().configure(routes)).await;
    let (captured, _guard) = capture();
    let response = test::call_service(
        &app,
        test::TestRequest::get().uri("/protected").to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
    assert_eq!(body, json!({"msg": "Internal server error"}));
    let log = captured.text();
    assert!(log.contains("ERROR") && log.contains(".wrap("), "{log}");
}

#[::core::prelude::v1::test]
fn a_weak_secret_is_reported_when_the_manager_is_built() {
    let (captured, _guard) = capture();
    JwtManager::builder(JwtConfig::default().secret_key("super-secret"))
        .ignore_registered_loaders()
        .build()
        .unwrap();
    let log = captured.text();
    assert!(
        log.contains("WARN") && log.contains("JWT_SECRET_KEY is 12 bytes long"),
        "{log}"
    );
}

#[::core::prelude::v1::test]
fn every_example_installs_a_subscriber() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let mut mains = 0;
    for entry in std::fs::read_dir(examples).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let (_, main) = text.split_once("fn main(").unwrap();
            assert!(
                main.contains("jwt_examples::init_tracing();"),
                "{} does not install the tracing subscriber",
                path.display()
            );
            mains += 1;
        }
    }
    assert!(mains >= 14, "{mains} examples");
}

/// A panic payload whose own drop panics.
struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("and again while dropped");
    }
}

#[actix_web::test]
async fn a_panic_payload_that_panics_when_dropped_is_caught_too() {
    let manager = builder(JwtConfig::default())
        .user_loader_callback_loader::<Option<String>>(|_| std::panic::panic_any(PanicOnDrop))
        .build()
        .unwrap();
    let token = manager.create_access_token(&"alice").unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
    let (captured, _guard) = capture();
    let request = bearer("/protected", &token);
    let response = test::call_service(&app, request.to_request()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let log = captured.text();
    assert!(
        log.contains("user_loader_callback_loader panicked: a non-string panic payload"),
        "{log}"
    );
}

#[get("/identity")]
async fn identity_number(identity: JwtIdentity<u64>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": identity.0 }))
}

#[get("/user")]
async fn user_string(user: CurrentUser<String>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "user": *user }))
}

#[actix_web::test]
async fn extractor_errors_answer_through_the_loaders_with_the_configured_key() {
    let manager = builder(JwtConfig::default())
        .invalid_token_loader(|message| {
            HttpResponse::UnprocessableEntity().json(json!({ "custom": message }))
        })
        .user_loader_callback_loader(|_| Some(7_u32))
        .build()
        .unwrap();
    let token = manager.create_access_token(&"alice").unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .service(identity_number)
            .service(user_string),
    )
    .await;
    let (captured, _guard) = capture();
    let get = |uri: &str| bearer(uri, &token).to_request();
    // An identity that is not a `u64`: the invalid-token loader answers.
    let response = test::call_service(&app, get("/identity")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
    assert!(
        body["custom"]
            .as_str()
            .unwrap()
            .starts_with("Invalid identity"),
        "{body}"
    );
    // A user of another type: a programming error, 500 with the configured key, logged.
    let response = test::call_service(&app, get("/user")).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
    assert_eq!(body, json!({"error": "Internal server error"}));
    let log = captured.text();
    assert!(
        log.contains("ERROR") && log.contains("CurrentUser<alloc::string::String>"),
        "{log}"
    );
}

/// A revocation store that is down.
struct Down;

impl jwt_runtime::blocklist::Blocklist for Down {
    fn is_revoked<'a>(
        &'a self,
        _: &'a Claims,
    ) -> std::pin::Pin<
        Box<dyn Future<Output = Result<bool, jwt_runtime::blocklist::BlocklistError>> + 'a>,
    > {
        Box::pin(async {
            Err(jwt_runtime::blocklist::BlocklistError::store(
                "connection refused",
            ))
        })
    }

    fn revoke_jti<'a>(
        &'a self,
        _: &'a str,
        _: Option<i64>,
    ) -> std::pin::Pin<
        Box<dyn Future<Output = Result<(), jwt_runtime::blocklist::BlocklistError>> + 'a>,
    > {
        Box::pin(async {
            Err(jwt_runtime::blocklist::BlocklistError::store(
                "connection refused",
            ))
        })
    }
}

#[actix_web::test]
async fn a_store_outage_is_logged_once_a_second_not_once_a_request() {
    let manager = builder(JwtConfig::default().blacklist_enabled(true))
        .blocklist(Down)
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
    let (captured, _guard) = capture();
    let token = manager.create_access_token(&"alice").unwrap();
    for _ in 0..200 {
        let response = test::call_service(&app, bearer("/protected", &token).to_request()).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    let log = captured.text();
    // Every request failed; one line for the first, and one more at most if the run
    // crossed a second boundary (counting those in between).
    let lines: Vec<&str> = log.lines().filter(|line| line.contains("ERROR")).collect();
    assert!((1..=2).contains(&lines.len()), "{log}");
    assert!(lines[0].contains("connection refused"), "{log}");
    if let Some(second) = lines.get(1) {
        assert!(second.contains("more such failures"), "{log}");
    }
}
