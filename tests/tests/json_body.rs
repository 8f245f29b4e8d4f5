//! The body a guard reads before authentication (JSON location, CSRF form field): its
//! size limit (`JWT_JSON_BODY_LIMIT`, and the App's smaller `web::JsonConfig` or
//! `web::PayloadConfig` limit), its deadline (`JWT_JSON_BODY_TIMEOUT`), and the
//! one-pass search for the token key that builds nothing but the token.
//!
//! Refusals check the status, the JSON error body and that the handler did not run.
//! In-process cases go through `actix_web::test`; the cases about what the server does
//! before the body has arrived talk raw HTTP/1.1 to a real actix server on a loopback
//! port. Allocations are counted with `stats_alloc`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::alloc::System;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, ContentType};
use actix_web::test::{self, TestRequest};
use actix_web::{App, HttpResponse, web};
use jwt_runtime::config::TokenLocation;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::live::LiveServer;
use jwt_tests::{Hits, Reply, SECRET, bearer_header, call, json_post, send};
use serde_json::json;
use serde_json::{Map, Value};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

// ---------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------

const ALICE: &str = "alice";
const MISSING_KEY: &str = "Missing \"access_token\" key in json data.";
const TIMEOUT: &str = "Request body was not received in time";

fn too_large(limit: usize) -> String {
    format!("Request body is too large (limit {limit} bytes)")
}

/// The JSON location only.
fn config() -> JwtConfig {
    JwtConfig::default()
        .secret_key(SECRET)
        .token_location([TokenLocation::Json])
}

fn build(config: JwtConfig) -> JwtManager {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .build()
        .expect("valid configuration")
}

#[jwt_required]
async fn protected(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[jwt_optional]
async fn optional(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

/// Reads the whole body as JSON after the guard took the token from it.
#[jwt_required]
async fn json_echo(hits: web::Data<Hits>, body: web::Json<Value>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({
        "identity": get_jwt_identity::<String>(),
        "body": body.into_inner(),
    }))
}

/// Reads the whole body as bytes after the guard took the token from it; echoes them.
#[jwt_required]
async fn bytes_echo(hits: web::Data<Hits>, body: web::Bytes) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().body(body)
}

/// An in-process App with this file's handlers; each extra expression is added as
/// app data.
macro_rules! app {
    ($manager:expr, $hits:expr $(, $data:expr)* $(,)?) => {
        test::init_service(
            App::new()
                .wrap($manager.clone())
                .app_data($hits.clone())
                $(.app_data($data))*
                .route("/protected", web::post().to(protected))
                .route("/optional", web::post().to(optional))
                .route("/json_echo", web::post().to(json_echo))
                .route("/bytes_echo", web::post().to(bytes_echo)),
        )
        .await
    };
}

/// The request is refused with `status` and `{"msg": msg}`, and no handler runs.
async fn refused<S, B>(
    app: &S,
    hits: &Hits,
    case: &str,
    req: actix_http::Request,
    status: u16,
    msg: &str,
) where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = hits.count();
    let Reply {
        status: got,
        body,
        raw,
        ..
    } = call(app, req).await;
    assert_eq!(
        (got.as_u16(), &body),
        (status, &json!({ "msg": msg })),
        "case: {case}"
    );
    assert_eq!(
        raw,
        format!("{}\n", json!({ "msg": msg })).into_bytes(),
        "case: {case}: the library's error body"
    );
    assert_eq!(hits.count(), before, "case: {case}: the handler ran");
}

/// The request is answered 200 by the handler, which ran once; returns the raw body.
async fn accepted<S, B>(app: &S, hits: &Hits, case: &str, req: actix_http::Request) -> Vec<u8>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = hits.count();
    let Reply {
        status: got,
        body,
        raw,
        ..
    } = call(app, req).await;
    assert_eq!(got, 200, "case: {case}: {body}");
    assert_eq!(
        hits.count(),
        before + 1,
        "case: {case}: the handler did not run"
    );
    raw
}

/// The same request without its `Content-Length`: a body of unknown length (chunked).
fn without_length(req: TestRequest) -> actix_http::Request {
    let mut req = req.to_request();
    req.headers_mut().remove(header::CONTENT_LENGTH);
    assert!(!req.head().headers.contains_key(header::CONTENT_LENGTH));
    req
}

/// `{"access_token": token, "pad": "xxx…"}`, exactly `length` bytes long.
fn padded(token: &str, length: usize) -> String {
    let bare = json!({ "access_token": token, "pad": "" }).to_string();
    let pad = "x".repeat(length.checked_sub(bare.len()).expect("room for the token"));
    let body = json!({ "access_token": token, "pad": pad }).to_string();
    assert_eq!(body.len(), length);
    body
}

// ---------------------------------------------------------------------------------------
// The size limit
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn declared_length_over_the_limit_is_413_and_the_handler_does_not_run() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    // The default limit is 64 KiB, and the token inside the body does not help.
    let over = padded(&token, 64 * 1024 + 1);
    for uri in ["/protected", "/optional", "/json_echo", "/bytes_echo"] {
        refused(
            &app,
            &hits,
            uri,
            json_post(uri, over.clone()).to_request(),
            413,
            &too_large(64 * 1024),
        )
        .await;
    }
    let at = padded(&token, 64 * 1024);
    accepted(
        &app,
        &hits,
        "at the limit",
        json_post("/protected", at).to_request(),
    )
    .await;

    // A configured limit, and the App's message key.
    let manager = build(
        config()
            .json_body_limit(1000usize)
            .error_message_key("error"),
    );
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let before = hits.count();
    let (status, body) = send(&app, json_post("/protected", padded(&token, 1001))).await;
    assert_eq!(
        (status.as_u16(), body),
        (413, json!({ "error": too_large(1000) }))
    );
    assert_eq!(hits.count(), before);
    accepted(
        &app,
        &hits,
        "1000 bytes",
        json_post("/protected", padded(&token, 1000)).to_request(),
    )
    .await;
}

#[actix_web::test]
async fn a_body_of_unknown_length_is_413_once_past_the_limit() {
    let manager = build(config().json_body_limit(1000usize));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    refused(
        &app,
        &hits,
        "one byte over",
        without_length(json_post("/protected", padded(&token, 1001))),
        413,
        &too_large(1000),
    )
    .await;
    refused(
        &app,
        &hits,
        "70 KiB",
        without_length(json_post("/json_echo", padded(&token, 70 * 1024))),
        413,
        &too_large(1000),
    )
    .await;
    let at = padded(&token, 1000);
    let echoed = accepted(
        &app,
        &hits,
        "at the limit",
        without_length(json_post("/bytes_echo", at.clone())),
    )
    .await;
    assert_eq!(echoed, at.into_bytes());
}

#[actix_web::test]
async fn the_apps_smaller_json_config_limit_applies() {
    let manager = build(config());
    let hits = Hits::new_data();
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = json!({ "access_token": token }).to_string();
    let length = body.len();
    assert!(length > 100);

    let app = app!(manager, hits, web::JsonConfig::default().limit(100));
    refused(
        &app,
        &hits,
        "JsonConfig limit 100",
        json_post("/protected", body.clone()).to_request(),
        413,
        &too_large(100),
    )
    .await;
    // The same as `web::Data<JsonConfig>`, as actix's own extractor also reads it.
    let app = app!(
        manager,
        hits,
        web::Data::new(web::JsonConfig::default().limit(length - 1))
    );
    refused(
        &app,
        &hits,
        "Data<JsonConfig> one byte short",
        json_post("/protected", body.clone()).to_request(),
        413,
        &too_large(length - 1),
    )
    .await;
    let app = app!(manager, hits, web::JsonConfig::default().limit(length));
    accepted(
        &app,
        &hits,
        "JsonConfig limit = length",
        json_post("/json_echo", body.clone()).to_request(),
    )
    .await;
    // A larger JsonConfig does not raise the library's limit.
    let app = app!(manager, hits, web::JsonConfig::default().limit(1 << 20));
    refused(
        &app,
        &hits,
        "JsonConfig of 1 MiB",
        json_post("/protected", padded(&token, 70 * 1024)).to_request(),
        413,
        &too_large(64 * 1024),
    )
    .await;

    // PayloadConfig: actix does not tell its limit, so the message does not either.
    let app = app!(manager, hits, web::PayloadConfig::new(length - 1));
    refused(
        &app,
        &hits,
        "PayloadConfig one byte short",
        json_post("/protected", body.clone()).to_request(),
        413,
        "Request body is too large",
    )
    .await;
    let app = app!(manager, hits, web::PayloadConfig::new(length));
    let echoed = accepted(
        &app,
        &hits,
        "PayloadConfig = length",
        json_post("/bytes_echo", body.clone()).to_request(),
    )
    .await;
    assert_eq!(echoed, body.into_bytes());
}

#[actix_web::test]
async fn the_csrf_form_field_body_has_the_same_limit() {
    let manager = build(
        JwtConfig::default()
            .secret_key(SECRET)
            .token_location([TokenLocation::Cookies])
            .csrf_check_form(true)
            .json_body_limit(1000usize),
    );
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let form = format!("csrf_token=x&pad={}", "x".repeat(2000));
    refused(
        &app,
        &hits,
        "form over the limit",
        TestRequest::post()
            .uri("/protected")
            .cookie(actix_web::cookie::Cookie::new("access_token_cookie", token))
            .insert_header(ContentType::form_url_encoded())
            .set_payload(form)
            .to_request(),
        413,
        &too_large(1000),
    )
    .await;
}

#[actix_web::test]
async fn a_request_that_does_not_need_the_body_is_not_limited() {
    // A header token: the body is the handler's business, whatever its size.
    let manager = build(
        JwtConfig::default()
            .secret_key(SECRET)
            .json_body_limit(1000usize),
    );
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = padded("unused", 70 * 1024);
    let echoed = accepted(
        &app,
        &hits,
        "header token, 70 KiB body",
        json_post("/bytes_echo", body.clone())
            .insert_header(bearer_header(&token))
            .to_request(),
    )
    .await;
    assert_eq!(echoed, body.clone().into_bytes());

    // With the JSON body as a later location too: a header token settles the request
    // before the body would be looked at, so the upload is still not limited ...
    let manager = build(
        JwtConfig::default()
            .secret_key(SECRET)
            .token_location([TokenLocation::Headers, TokenLocation::Json])
            .json_body_limit(1000usize),
    );
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let echoed = accepted(
        &app,
        &hits,
        "headers,json with a header token, 70 KiB body",
        json_post("/bytes_echo", body.clone())
            .insert_header(bearer_header(&token))
            .to_request(),
    )
    .await;
    assert_eq!(echoed, body.clone().into_bytes());
    // ... while without one the body is where the token would be, and it is limited.
    let (status, answer) = send(&app, json_post("/bytes_echo", body)).await;
    assert_eq!(
        (status.as_u16(), answer),
        (413, json!({"msg": too_large(1000)}))
    );
    assert_eq!(hits.count(), 1);
}

// ---------------------------------------------------------------------------------------
// Over the wire: what the server does before the body has arrived
// ---------------------------------------------------------------------------------------

#[jwt_required]
async fn counted(runs: web::Data<Hits>) -> HttpResponse {
    runs.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

/// Echoes the body it reads after the guard.
#[jwt_required]
async fn echoed(runs: web::Data<Hits>, body: web::Bytes) -> HttpResponse {
    runs.hit();
    HttpResponse::Ok().body(body)
}

/// The wire tests' routes: a counted `/protected` and an echoing `/echo`.
fn live_routes(config: &mut web::ServiceConfig) {
    config
        .route("/protected", web::route().to(counted))
        .route("/echo", web::post().to(echoed));
}

/// A real server with `config`.
fn live(config: JwtConfig) -> LiveServer {
    LiveServer::start(build(config), live_routes)
}

/// Reads give up after 10 s: the bound on a server that never answers.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The head of a JSON `POST /protected` with `extra` header lines (each ending in CRLF).
fn head(extra: &str) -> Vec<u8> {
    head_to("/protected", extra)
}

fn head_to(path: &str, extra: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\n{extra}\r\n"
    )
    .into_bytes()
}

/// `body` in chunks of `size` bytes, with the last chunk when `end`.
fn chunked(body: &str, size: usize, end: bool) -> Vec<u8> {
    let mut encoded = Vec::new();
    for chunk in body.as_bytes().chunks(size) {
        encoded.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        encoded.extend_from_slice(chunk);
        encoded.extend_from_slice(b"\r\n");
    }
    if end {
        encoded.extend_from_slice(b"0\r\n\r\n");
    }
    encoded
}

/// Reads one response: the status and the JSON body. Stops once the head and its
/// `Content-Length` body are in, at EOF, or at the read timeout (then it fails).
fn read_response(stream: &mut TcpStream) -> (u16, Value) {
    let mut response = Vec::new();
    let mut buffer = [0_u8; 8192];
    let complete = |response: &[u8]| {
        let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
            return false;
        };
        let head = String::from_utf8_lossy(response.get(..end).unwrap()).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .map_or(0, |value| value.trim().parse::<usize>().unwrap());
        response.len() >= end + 4 + length
    };
    while !complete(&response) {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(buffer.get(..n).unwrap()),
        }
    }
    let text = String::from_utf8_lossy(&response);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no response before the read timeout: {text:?}"));
    let at = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let body = serde_json::from_slice(response.get(at + 4..).unwrap())
        .unwrap_or_else(|_| Value::String(text.into_owned()));
    (status, body)
}

#[::core::prelude::v1::test]
fn over_the_wire_a_declared_length_over_the_limit_is_413_before_the_body_is_sent() {
    let server = live(config());
    let mut stream = server.connect(READ_TIMEOUT);
    // Ten megabytes announced, not one byte sent.
    stream
        .write_all(&head("Content-Length: 10000000\r\n"))
        .unwrap();
    let (status, body) = read_response(&mut stream);
    assert_eq!(
        (status, body),
        (413, json!({ "msg": too_large(64 * 1024) }))
    );
    assert_eq!(server.runs(), 0);
    // The server still answers the next request normally.
    let token = server.manager.create_access_token(&ALICE).unwrap();
    let body = json!({ "access_token": token }).to_string();
    let mut stream = server.connect(READ_TIMEOUT);
    let mut request = head(&format!("Content-Length: {}\r\n", body.len()));
    request.extend_from_slice(body.as_bytes());
    stream.write_all(&request).unwrap();
    assert_eq!(
        read_response(&mut stream),
        (200, json!({ "identity": ALICE }))
    );
    assert_eq!(server.runs(), 1);
}

#[::core::prelude::v1::test]
fn over_the_wire_a_chunked_body_is_413_once_past_the_limit_without_its_end() {
    let server = live(config().json_body_limit(1000usize));
    let token = server.manager.create_access_token(&ALICE).unwrap();
    // No last chunk: the body never ends.
    let mut request = head("Transfer-Encoding: chunked\r\n");
    request.extend_from_slice(&chunked(&padded(&token, 2000), 300, false));
    let mut stream = server.connect(READ_TIMEOUT);
    stream.write_all(&request).unwrap();
    let (status, body) = read_response(&mut stream);
    assert_eq!((status, body), (413, json!({ "msg": too_large(1000) })));
    assert_eq!(server.runs(), 0);
    // Within the limit, in many chunks: the handler gets every byte.
    let body = padded(&token, 1000);
    let mut request = head_to("/echo", "Transfer-Encoding: chunked\r\n");
    request.extend_from_slice(&chunked(&body, 70, true));
    let mut stream = server.connect(READ_TIMEOUT);
    stream.write_all(&request).unwrap();
    let sent: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(read_response(&mut stream), (200, sent));
    assert_eq!(server.runs(), 1);
}

#[::core::prelude::v1::test]
fn over_the_wire_a_body_that_never_completes_is_408_at_the_deadline() {
    let deadline = Duration::from_millis(200);
    let server = live(config().json_body_timeout(deadline));
    let mut stream = server.connect(READ_TIMEOUT);
    let mut request = head("Content-Length: 1000\r\n");
    request.extend_from_slice(br#"{"access_token":"#);
    let started = Instant::now();
    stream.write_all(&request).unwrap();
    let (status, body) = read_response(&mut stream);
    let waited = started.elapsed();
    assert_eq!((status, body), (408, json!({ "msg": TIMEOUT })));
    assert!(
        waited >= deadline,
        "answered after {waited:?}, before the deadline"
    );
    assert!(waited < Duration::from_secs(5), "answered after {waited:?}");
    assert_eq!(server.runs(), 0);
}

// ---------------------------------------------------------------------------------------
// Finding the key
// ---------------------------------------------------------------------------------------

/// A JSON object of about `size` bytes: many small keys, then the token key last.
fn many_keys(token: &str, size: usize) -> (String, usize) {
    let mut object = Map::new();
    let mut n = 0;
    while object.len() * 20 + token.len() < size {
        object.insert(format!("key-{n:05}"), Value::String(format!("v{n}")));
        n += 1;
    }
    let keys = Value::Object(object).to_string();
    let keys = keys.strip_suffix('}').unwrap();
    (format!(r#"{keys},"access_token":"{token}"}}"#), n)
}

#[actix_web::test]
async fn a_60_kib_body_with_thousands_of_keys_and_the_token_last() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let (body, keys) = many_keys(&token, 60 * 1024);
    assert!(keys > 2500, "{keys} keys");
    assert!(
        (55 * 1024..64 * 1024).contains(&body.len()),
        "{} bytes",
        body.len()
    );
    let sent: Value = serde_json::from_str(&body).unwrap();
    // The handler's `web::Json` reads the whole body after the guard.
    let echoed = accepted(
        &app,
        &hits,
        "web::Json",
        json_post("/json_echo", body.clone()).to_request(),
    )
    .await;
    let echoed: Value = serde_json::from_slice(&echoed).unwrap();
    assert_eq!(echoed, json!({ "identity": ALICE, "body": sent }));
    // And `web::Bytes` gets every byte, in one chunk or many.
    let echoed = accepted(
        &app,
        &hits,
        "web::Bytes",
        json_post("/bytes_echo", body.clone()).to_request(),
    )
    .await;
    assert_eq!(echoed, body.as_bytes());
    let echoed = accepted(
        &app,
        &hits,
        "web::Bytes, no length",
        without_length(json_post("/bytes_echo", body.clone())),
    )
    .await;
    assert_eq!(echoed, body.as_bytes());
}

#[actix_web::test]
async fn the_allocations_of_a_request_do_not_grow_with_the_keys_of_its_body() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let small = json!({ "access_token": token }).to_string();
    let (large, keys) = many_keys(&token, 60 * 1024);
    let allocations = |body: String| {
        let app = &app;
        async move {
            let request = json_post("/protected", body).to_request();
            let region = Region::new(GLOBAL);
            let response = app.call(request).await.unwrap();
            assert_eq!(response.status(), 200);
            drop(response);
            region.change().allocations
        }
    };
    // Other tests of this file allocate on other threads, which only adds: take the least.
    let (mut least_small, mut least_large) = (usize::MAX, usize::MAX);
    for _ in 0..10 {
        least_small = least_small.min(allocations(small.clone()).await);
        least_large = least_large.min(allocations(large.clone()).await);
    }
    println!("allocations per request: {least_small} (one key), {least_large} ({keys} keys)");
    assert!(
        least_large <= least_small + 4,
        "{keys} keys cost {least_large} allocations, one key {least_small}"
    );
}

#[actix_web::test]
async fn the_key_counts_at_the_top_level_only_and_its_last_value_wins() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let nested = [
        json!({ "outer": { "access_token": token } }).to_string(),
        json!({ "list": [{ "access_token": token }] }).to_string(),
        json!([{ "access_token": token }]).to_string(),
        format!(r#"{{"outer":"{{\"access_token\":\"{token}\"}}"}}"#),
    ];
    for body in nested {
        refused(
            &app,
            &hits,
            &body,
            json_post("/protected", body.clone()).to_request(),
            401,
            MISSING_KEY,
        )
        .await;
    }
    let beside =
        json!({ "outer": { "access_token": "nested" }, "access_token": token }).to_string();
    accepted(
        &app,
        &hits,
        "top level beside a nested one",
        json_post("/protected", beside).to_request(),
    )
    .await;

    // Duplicates: the last value counts, as Python's `json` module reads the object.
    let last = format!(r#"{{"access_token":"garbage","access_token":"{token}"}}"#);
    accepted(
        &app,
        &hits,
        "valid last",
        json_post("/protected", last).to_request(),
    )
    .await;
    let first = format!(r#"{{"access_token":"{token}","access_token":"garbage"}}"#);
    refused(
        &app,
        &hits,
        "garbage last",
        json_post("/protected", first).to_request(),
        422,
        "Not enough segments",
    )
    .await;
    for value in ["5", "null", r#""""#, "[]", "{}"] {
        let body = format!(r#"{{"access_token":"{token}","access_token":{value}}}"#);
        // A last value Python finds true (5) is decoded and refused; a false one is missing.
        let (status, message) = if value == "5" {
            (
                422,
                "Invalid \"access_token\" in json data: the token must be a string",
            )
        } else {
            (401, MISSING_KEY)
        };
        refused(
            &app,
            &hits,
            &body,
            json_post("/protected", body.clone()).to_request(),
            status,
            message,
        )
        .await;
        let body = format!(r#"{{"access_token":{value},"access_token":"{token}"}}"#);
        accepted(
            &app,
            &hits,
            &body,
            json_post("/protected", body.clone()).to_request(),
        )
        .await;
    }

    // Escapes in the key and in the token are read as JSON reads them.
    let escaped_key = format!(r#"{{"access\u005ftoken":"{token}"}}"#);
    accepted(
        &app,
        &hits,
        "escaped key",
        json_post("/protected", escaped_key).to_request(),
    )
    .await;
    let escaped_token = format!(r#"{{"access_token":"{}"}}"#, token.replace('.', r"\u002e"));
    accepted(
        &app,
        &hits,
        "escaped token",
        json_post("/protected", escaped_token).to_request(),
    )
    .await;
}

#[actix_web::test]
async fn a_body_that_is_not_one_valid_json_object_is_401_wherever_the_fault() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let good = json!({ "access_token": token }).to_string();
    let bodies: Vec<Vec<u8>> = vec![
        format!("{good} trailing").into_bytes(),
        format!("{good}{good}").into_bytes(),
        format!(r#"{{"access_token":"{token}","after":}}"#).into_bytes(),
        format!(r#"{{"access_token":"{token}","after":[1,2}}"#).into_bytes(),
        format!(r#"{{"access_token":"{token}","after":"\q"}}"#).into_bytes(),
        format!(r#"{{"access_token":"{token}","after":01}}"#).into_bytes(),
        format!(r#"{{"access_token":"{token}""#).into_bytes(),
        // Invalid UTF-8 in a value the search skips.
        [
            format!(r#"{{"access_token":"{token}","after":""#).as_bytes(),
            b"\xff\"}",
        ]
        .concat(),
    ];
    for body in bodies {
        let case = String::from_utf8_lossy(&body).into_owned();
        refused(
            &app,
            &hits,
            &case,
            json_post("/protected", body).to_request(),
            401,
            MISSING_KEY,
        )
        .await;
    }
    // A skipped value may nest as deep as the body limit allows: it is skipped without
    // recursion.
    let deep = format!(
        r#"{{"access_token":"{token}","deep":{}{}}}"#,
        "[".repeat(1000),
        "]".repeat(1000)
    );
    accepted(
        &app,
        &hits,
        "deep skipped value",
        json_post("/protected", deep).to_request(),
    )
    .await;
    accepted(
        &app,
        &hits,
        "with whitespace around",
        json_post("/protected", format!(" \n{good}\r\n ")).to_request(),
    )
    .await;
}
