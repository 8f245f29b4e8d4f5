//! Token locations through real requests (the reference's options, messages and getters):
//! the `Authorization` header, the query string, the JSON body, cookies with the CSRF
//! double submit, the `Set-Cookie` lines of the cookie helpers, several locations in
//! order, the per-route `locations = [...]` override, and one browser-plus-API scenario.
//!
//! Every failure case checks the status, the exact JSON body and that the handler did
//! not run (a per-test [`Hits`] counter handed to the handlers as `web::Data`).

use std::collections::HashMap;
use std::time::Duration;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::cookie::time::{Duration as CookieDuration, OffsetDateTime};
use actix_web::cookie::{Cookie, SameSite as CookieSameSite};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, ContentType, HeaderValue};
use actix_web::route;
use actix_web::test::{self, TestRequest};
use jwt_runtime::prelude::*;
use jwt_tests::{Hits, Reply, SECRET, bearer_header, call, json_post};
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------

fn config() -> JwtConfig {
    JwtConfig::default().secret_key(SECRET)
}

fn located(locations: impl IntoIterator<Item = TokenLocation>) -> JwtConfig {
    config().token_location(locations)
}

fn build(config: JwtConfig) -> JwtManager {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .build()
        .expect("valid configuration")
}

/// An App with every handler of this file, the manager and the hit counter.
macro_rules! app {
    ($manager:expr, $hits:expr) => {
        test::init_service(
            App::new()
                .wrap($manager.clone())
                .app_data($hits.clone())
                .service(protected)
                .service(refresh_route)
                .service(optional)
                .service(json_echo)
                .service(form_echo)
                .service(override_cookies)
                .service(override_headers)
                .service(override_cookies_headers)
                .service(login)
                .service(login_max_age)
                .service(login_max_age_zero)
                .service(logout)
                .service(cookie_helpers_errors)
                .service(token_refresh),
        )
        .await
    };
}

/// The request is refused with `status` and `{"msg": msg}`, and no handler runs.
async fn expect_err<S, B>(app: &S, hits: &Hits, req: Request, status: u16, msg: &str)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = hits.count();
    let reply = call(app, req).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body),
        (status, &json!({ "msg": msg })),
        "raw body: {:?}",
        reply.text()
    );
    assert_eq!(
        reply.text(),
        format!("{}\n", json!({ "msg": msg })),
        "compact body + newline"
    );
    assert_eq!(hits.count(), before, "the handler must not run");
}

/// The request succeeds (200) and the handler runs once; returns the JSON body.
async fn expect_ok<S, B>(app: &S, hits: &Hits, req: Request) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = hits.count();
    let reply = call(app, req).await;
    assert_eq!(reply.status, 200, "raw body: {:?}", reply.text());
    assert_eq!(hits.count(), before + 1, "the handler must run once");
    reply.body
}

fn access_cookie(token: &str) -> Cookie<'static> {
    Cookie::new("access_token_cookie", token.to_owned())
}

fn refresh_cookie(token: &str) -> Cookie<'static> {
    Cookie::new("refresh_token_cookie", token.to_owned())
}

fn form_post(uri: &str, body: &str) -> TestRequest {
    TestRequest::post()
        .uri(uri)
        .insert_header(ContentType::form_url_encoded())
        .set_payload(body.to_owned())
}

const ALICE: &str = "alice";

// ---------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------

#[route(
    "/protected",
    method = "GET",
    method = "POST",
    method = "PUT",
    method = "PATCH",
    method = "DELETE"
)]
#[jwt_required]
async fn protected(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[route("/refresh", method = "GET", method = "POST")]
#[jwt_refresh_token_required]
async fn refresh_route(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[route("/optional", method = "GET", method = "POST")]
#[jwt_optional]
async fn optional(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

/// Reads the body itself after the guard took the token from it.
#[post("/json_echo")]
#[jwt_required]
async fn json_echo(hits: web::Data<Hits>, body: web::Json<Value>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({
        "identity": get_jwt_identity::<String>(),
        "body": body.into_inner(),
    }))
}

/// Reads the form itself after the guard took the CSRF field from it.
#[post("/form_echo")]
#[jwt_required]
async fn form_echo(
    hits: web::Data<Hits>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({
        "identity": get_jwt_identity::<String>(),
        "form": form.into_inner(),
    }))
}

#[route("/override/cookies", method = "GET", method = "POST")]
#[jwt_required(locations = [cookies])]
async fn override_cookies(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[get("/override/headers")]
#[jwt_required(locations = [headers])]
async fn override_headers(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[get("/override/cookies_headers")]
#[jwt_required(locations = [cookies, headers])]
async fn override_cookies_headers(hits: web::Data<Hits>) -> HttpResponse {
    hits.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

/// Python's cookie login: access then refresh cookies, tokens also in the body.
#[post("/login")]
async fn login() -> Result<HttpResponse, JwtError> {
    let access = create_access_token(&ALICE)?;
    let refresh = create_refresh_token(&ALICE)?;
    let mut response = HttpResponse::Ok();
    set_access_cookies(&mut response, &access)?;
    set_refresh_cookies(&mut response, &refresh)?;
    Ok(response.json(json!({ "access_token": access, "refresh_token": refresh })))
}

#[post("/login_max_age")]
async fn login_max_age() -> Result<HttpResponse, JwtError> {
    let mut response = HttpResponse::Ok();
    set_access_cookies_with(
        &mut response,
        &create_access_token(&ALICE)?,
        Some(Duration::from_hours(1)),
    )?;
    set_refresh_cookies_with(
        &mut response,
        &create_refresh_token(&ALICE)?,
        Some(Duration::from_hours(2)),
    )?;
    Ok(response.finish())
}

/// `max_age=0` is falsy in the reference: the configured lifetime applies.
#[post("/login_max_age_zero")]
async fn login_max_age_zero() -> Result<HttpResponse, JwtError> {
    let mut response = HttpResponse::Ok();
    set_access_cookies_with(
        &mut response,
        &create_access_token(&ALICE)?,
        Some(Duration::ZERO),
    )?;
    Ok(response.finish())
}

#[post("/logout")]
async fn logout() -> Result<HttpResponse, JwtError> {
    let mut response = HttpResponse::Ok();
    unset_jwt_cookies(&mut response)?;
    Ok(response.json(json!({ "logout": true })))
}

/// The cookie helpers' errors, reported by the caller (port decision: an error value, not a panic).
#[post("/cookie_helpers_errors")]
async fn cookie_helpers_errors() -> Result<HttpResponse, JwtError> {
    let access = create_access_token(&ALICE)?;
    let refresh = create_refresh_token(&ALICE)?;
    let mut response = HttpResponse::Ok();
    let errors = [
        set_access_cookies(&mut response, &access).err(),
        set_refresh_cookies(&mut response, &refresh).err(),
        unset_jwt_cookies(&mut response).err(),
        unset_access_cookies(&mut response).err(),
        unset_refresh_cookies(&mut response).err(),
    ]
    .map(|e| e.map(|e| e.to_string()));
    Ok(response.json(json!({ "errors": errors })))
}

/// The browser's refresh: a new access token in the access cookies (and the body).
#[post("/token/refresh")]
#[jwt_refresh_token_required]
async fn token_refresh(hits: web::Data<Hits>) -> Result<HttpResponse, JwtError> {
    hits.hit();
    let identity = get_jwt_identity::<String>().unwrap_or_default();
    let access = create_access_token(&identity)?;
    let mut response = HttpResponse::Ok();
    set_access_cookies(&mut response, &access)?;
    Ok(response.json(json!({ "refreshed": identity, "access_token": access })))
}

// ---------------------------------------------------------------------------------------
// Headers (the reference's header getter, with this port's decisions)
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn header_default_bearer() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer_header(&token))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        TestRequest::get().uri("/protected").to_request(),
        401,
        "Missing Authorization Header",
    )
    .await;
}

#[actix_web::test]
async fn header_wrong_scheme_is_422() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header((header::AUTHORIZATION, "Basic x"))
            .to_request(),
        422,
        "Bad Authorization header. Expected value 'Bearer <JWT>'",
    )
    .await;
}

#[actix_web::test]
async fn header_multiple_fields_in_any_position() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    for value in [
        format!("Bearer {token}, Basic x"),
        format!("Basic x, Bearer {token}"),
        format!("Basic x,Bearer {token}"),
    ] {
        let body = expect_ok(
            &app,
            &hits,
            TestRequest::get()
                .uri("/protected")
                .insert_header((header::AUTHORIZATION, value))
                .to_request(),
        )
        .await;
        assert_eq!(body, json!({ "identity": ALICE }));
    }
    // Two Bearer credentials are ambiguous: refused whichever of them is valid (RFC 6750 §2.1).
    for value in [
        format!("Bearer garbage, Bearer {token}"),
        format!("Bearer {token}, Bearer garbage"),
        format!("Bearer {token}, Bearer {token}"),
    ] {
        expect_err(
            &app,
            &hits,
            TestRequest::get()
                .uri("/protected")
                .insert_header((header::AUTHORIZATION, value))
                .to_request(),
            422,
            "Bad Authorization header. Expected value 'Bearer <JWT>'",
        )
        .await;
    }
}

#[actix_web::test]
async fn header_custom_name() {
    let manager = build(config().header_name("Foo"));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(("Foo", format!("Bearer {token}")))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        TestRequest::get().uri("/protected").to_request(),
        401,
        "Missing Foo Header",
    )
    .await;
    // The default header is not read any more.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer_header(&token))
            .to_request(),
        401,
        "Missing Foo Header",
    )
    .await;
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(("Foo", "Basic x"))
            .to_request(),
        422,
        "Bad Foo header. Expected value 'Bearer <JWT>'",
    )
    .await;
}

#[actix_web::test]
async fn header_custom_type() {
    let manager = build(config().header_type("JWT"));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header((header::AUTHORIZATION, format!("JWT {token}")))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer_header(&token))
            .to_request(),
        422,
        "Bad Authorization header. Expected value 'JWT <JWT>'",
    )
    .await;
}

#[actix_web::test]
async fn header_empty_type_takes_the_bare_token() {
    let manager = build(config().header_type(""));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header((header::AUTHORIZATION, token.clone()))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer_header(&token))
            .to_request(),
        422,
        "Bad Authorization header. Expected value '<JWT>'",
    )
    .await;
}

#[actix_web::test]
async fn header_malformed_values_are_422_never_500() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let bad = "Bad Authorization header. Expected value 'Bearer <JWT>'";
    let values = [
        // No token after the scheme.
        "Bearer ".to_owned(),
        "Bearer".to_owned(),
        // Three parts.
        format!("Bearer {token} extra"),
        // Trailing empty comma field: the reference's IndexError (500); this port says 422.
        format!("Bearer {token}, "),
        format!("Bearer {token},"),
        // Whitespace only: the same IndexError in the reference; this port says 422.
        "   ".to_owned(),
        // The scheme is case-sensitive.
        format!("bearer {token}"),
        "bearer x".to_owned(),
    ];
    for value in values {
        let before = hits.count();
        let reply = call(
            &app,
            TestRequest::get()
                .uri("/protected")
                .insert_header((header::AUTHORIZATION, value.clone()))
                .to_request(),
        )
        .await;
        assert_eq!(
            (reply.status.as_u16(), &reply.body),
            (422, &json!({ "msg": bad })),
            "Authorization: {value:?}"
        );
        assert_eq!(hits.count(), before, "Authorization: {value:?}");
    }
}

#[actix_web::test]
async fn header_empty_value_is_missing() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    // Python: `request.headers.get(...)` is '' (falsy) → NoAuthorizationError.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header((header::AUTHORIZATION, ""))
            .to_request(),
        401,
        "Missing Authorization Header",
    )
    .await;
}

#[actix_web::test]
async fn header_two_lines_are_refused() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .append_header(bearer_header(&token))
            .append_header(bearer_header(&token))
            .to_request(),
        422,
        "Bad Authorization header. Expected value 'Bearer <JWT>'",
    )
    .await;
}

#[actix_web::test]
async fn header_non_ascii_bytes_are_422() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    for bytes in [
        &b"Bearer \xff\xfe"[..],
        &b"Bearer caf\xc3\xa9"[..],
        &b"\xe9t\xe9"[..],
    ] {
        let before = hits.count();
        let reply = call(
            &app,
            TestRequest::get()
                .uri("/protected")
                .insert_header((
                    header::AUTHORIZATION,
                    HeaderValue::from_bytes(bytes).unwrap(),
                ))
                .to_request(),
        )
        .await;
        assert_eq!(
            (reply.status.as_u16(), &reply.body),
            (
                422,
                &json!({ "msg": "Bad Authorization header. Expected value 'Bearer <JWT>'" })
            ),
            "Authorization bytes {bytes:?}"
        );
        assert_eq!(hits.count(), before);
    }
}

#[actix_web::test]
async fn header_optional_treats_a_bad_scheme_as_no_token() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    for value in ["Basic abc", "Bearer "] {
        let body = expect_ok(
            &app,
            &hits,
            TestRequest::get()
                .uri("/optional")
                .insert_header((header::AUTHORIZATION, value))
                .to_request(),
        )
        .await;
        assert_eq!(
            body,
            json!({ "identity": null }),
            "Authorization: {value:?}"
        );
    }
    // A malformed token is not swallowed.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/optional")
            .insert_header(bearer_header("aaaaa.bbbbb.ccccc"))
            .to_request(),
        422,
        "Invalid header padding",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Query string (the reference's query-string getter)
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn query_string_default_name() {
    let manager = build(located([TokenLocation::QueryString]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri(&format!("/protected?jwt={token}"))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri(&format!("/protected?other=1&jwt={token}"))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    for uri in ["/protected", "/protected?jwt=", "/protected?other=1"] {
        expect_err(
            &app,
            &hits,
            TestRequest::get().uri(uri).to_request(),
            401,
            "Missing \"jwt\" query paramater",
        )
        .await;
    }
}

#[actix_web::test]
async fn query_string_custom_name() {
    let manager = build(located([TokenLocation::QueryString]).query_string_name("foo"));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri(&format!("/protected?foo={token}"))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri(&format!("/protected?jwt={token}"))
            .to_request(),
        401,
        "Missing \"foo\" query paramater",
    )
    .await;
}

#[actix_web::test]
async fn query_string_only_ignores_the_header() {
    let manager = build(located([TokenLocation::QueryString]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer_header(&token))
            .to_request(),
        401,
        "Missing \"jwt\" query paramater",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// JSON body (the reference's JSON getter, with this port's media types)
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn json_token_and_the_handler_still_reads_the_body() {
    let manager = build(located([TokenLocation::Json]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let sent = json!({ "access_token": token, "note": "kept", "n": [1, 2, 3] });
    let body = expect_ok(
        &app,
        &hits,
        json_post("/json_echo", sent.to_string()).to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE, "body": sent }));
    // A handler that does not read the body.
    let body = expect_ok(
        &app,
        &hits,
        json_post("/protected", sent.to_string()).to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
}

#[actix_web::test]
async fn json_media_types_with_parameters_and_suffix_are_accepted() {
    let manager = build(located([TokenLocation::Json]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let payload = json!({ "access_token": token }).to_string();
    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "application/vnd.api+json",
    ] {
        let before = hits.count();
        let reply = call(
            &app,
            TestRequest::post()
                .uri("/protected")
                .insert_header((header::CONTENT_TYPE, content_type))
                .set_payload(payload.clone())
                .to_request(),
        )
        .await;
        assert_eq!(
            (reply.status.as_u16(), &reply.body),
            (200, &json!({ "identity": ALICE })),
            "Content-Type: {content_type}"
        );
        assert_eq!(hits.count(), before + 1);
    }
    // The handler's own extractor sees the whole body with the parameterised type too.
    let sent = json!({ "access_token": token, "x": 1 });
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/json_echo")
            .insert_header((header::CONTENT_TYPE, "application/json; charset=utf-8"))
            .set_payload(sent.to_string())
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE, "body": sent }));
}

#[actix_web::test]
async fn json_wrong_content_type_is_401() {
    let manager = build(located([TokenLocation::Json]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let msg = "Invalid content-type. Must be application/json.";
    expect_err(
        &app,
        &hits,
        form_post("/protected", &format!("access_token={token}")).to_request(),
        401,
        msg,
    )
    .await;
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .insert_header(ContentType::plaintext())
            .set_payload(json!({ "access_token": token }).to_string())
            .to_request(),
        401,
        msg,
    )
    .await;
    expect_err(
        &app,
        &hits,
        TestRequest::get().uri("/protected").to_request(),
        401,
        msg,
    )
    .await;
}

#[actix_web::test]
async fn json_missing_key_empty_array_or_invalid_body_is_401() {
    let manager = build(located([TokenLocation::Json]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let msg = "Missing \"access_token\" key in json data.";
    let bodies = [
        String::new(),
        json!([token]).to_string(),
        json!({ "other": token }).to_string(),
        "{not json".to_owned(),
        "null".to_owned(),
        json!(token).to_string(),
    ];
    for payload in bodies {
        let before = hits.count();
        let reply = call(
            &app,
            TestRequest::post()
                .uri("/protected")
                .insert_header(ContentType::json())
                .set_payload(payload.clone())
                .to_request(),
        )
        .await;
        assert_eq!(
            (reply.status.as_u16(), &reply.body),
            (401, &json!({ "msg": msg })),
            "body: {payload:?}"
        );
        assert_eq!(hits.count(), before, "body: {payload:?}");
    }
}

#[actix_web::test]
async fn json_refresh_route_reads_refresh_token_key() {
    let manager = build(located([TokenLocation::Json]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let refresh = manager.create_refresh_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        json_post("/refresh", json!({ "refresh_token": refresh }).to_string()).to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        json_post("/refresh", json!({ "access_token": refresh }).to_string()).to_request(),
        401,
        "Missing \"refresh_token\" key in json data.",
    )
    .await;
    // An access token under the refresh key: the type check.
    let access = manager.create_access_token(&ALICE).unwrap();
    expect_err(
        &app,
        &hits,
        json_post("/refresh", json!({ "refresh_token": access }).to_string()).to_request(),
        422,
        "Only refresh tokens are allowed",
    )
    .await;
}

#[actix_web::test]
async fn json_custom_keys() {
    let manager = build(
        located([TokenLocation::Json])
            .json_key("foo")
            .refresh_json_key("bar"),
    );
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let access = manager.create_access_token(&ALICE).unwrap();
    let refresh = manager.create_refresh_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        json_post("/protected", json!({ "foo": access }).to_string()).to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    let body = expect_ok(
        &app,
        &hits,
        json_post("/refresh", json!({ "bar": refresh }).to_string()).to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        json_post("/protected", json!({ "access_token": access }).to_string()).to_request(),
        401,
        "Missing \"foo\" key in json data.",
    )
    .await;
    expect_err(
        &app,
        &hits,
        json_post("/refresh", json!({ "refresh_token": refresh }).to_string()).to_request(),
        401,
        "Missing \"bar\" key in json data.",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Cookies and CSRF (the reference's cookie getter)
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn cookie_default_csrf() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let method = actix_web::http::Method::from_bytes(method.as_bytes()).unwrap();
        expect_err(
            &app,
            &hits,
            TestRequest::default()
                .method(method.clone())
                .uri("/protected")
                .cookie(access_cookie(&token))
                .to_request(),
            401,
            "Missing CSRF token",
        )
        .await;
        let body = expect_ok(
            &app,
            &hits,
            TestRequest::default()
                .method(method.clone())
                .uri("/protected")
                .cookie(access_cookie(&token))
                .insert_header(("X-CSRF-TOKEN", csrf.clone()))
                .to_request(),
        )
        .await;
        assert_eq!(body, json!({ "identity": ALICE }), "{method}");
        expect_err(
            &app,
            &hits,
            TestRequest::default()
                .method(method)
                .uri("/protected")
                .cookie(access_cookie(&token))
                .insert_header(("X-CSRF-TOKEN", "not-the-csrf-value"))
                .to_request(),
            401,
            "CSRF double submit tokens do not match",
        )
        .await;
    }
    // An empty header counts as missing.
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .insert_header(("X-CSRF-TOKEN", ""))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
}

#[actix_web::test]
async fn cookie_get_is_csrf_exempt() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    // GET with a wrong CSRF header: no check at all.
    expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .insert_header(("X-CSRF-TOKEN", "whatever"))
            .to_request(),
    )
    .await;
}

#[actix_web::test]
async fn cookie_missing() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    expect_err(
        &app,
        &hits,
        TestRequest::get().uri("/protected").to_request(),
        401,
        "Missing cookie \"access_token_cookie\"",
    )
    .await;
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(""))
            .to_request(),
        401,
        "Missing cookie \"access_token_cookie\"",
    )
    .await;
    // A header token does not help when only cookies are configured.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer_header(&token))
            .to_request(),
        401,
        "Missing cookie \"access_token_cookie\"",
    )
    .await;
    // The access cookie is not read on a refresh route.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/refresh")
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "Missing cookie \"refresh_token_cookie\"",
    )
    .await;
}

/// Cookie values are read as sent, as werkzeug reads them: not percent-decoded. A
/// malformed neighbour cookie does not hide the token cookie.
#[actix_web::test]
async fn cookie_values_are_read_raw() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let escaped = token.replace('.', "%2E");
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(("Cookie", format!("access_token_cookie={escaped}")))
            .to_request(),
        422,
        "Not enough segments",
    )
    .await;
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header((
                "Cookie",
                format!("no-equals-sign; access_token_cookie={token}; =empty-name"),
            ))
            .to_request(),
    )
    .await;
    assert_eq!(body["identity"], ALICE);
}

#[actix_web::test]
async fn cookie_csrf_disabled() {
    let manager = build(located([TokenLocation::Cookies]).cookie_csrf_protect(false));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    // No csrf claim is written without CSRF protection.
    assert!(manager.get_csrf_token(&token).is_err());
}

#[actix_web::test]
async fn cookie_custom_csrf_header_names() {
    let manager = build(
        located([TokenLocation::Cookies])
            .access_csrf_header_name("X-ACCESS-CSRF")
            .refresh_csrf_header_name("X-REFRESH-CSRF"),
    );
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let access = manager.create_access_token(&ALICE).unwrap();
    let refresh = manager.create_refresh_token(&ALICE).unwrap();
    let access_csrf = manager.get_csrf_token(&access).unwrap();
    let refresh_csrf = manager.get_csrf_token(&refresh).unwrap();
    // The default header name is not read any more.
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .cookie(access_cookie(&access))
            .insert_header(("X-CSRF-TOKEN", access_csrf.clone()))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .cookie(access_cookie(&access))
            .insert_header(("X-ACCESS-CSRF", access_csrf.clone()))
            .to_request(),
    )
    .await;
    // Each token type reads its own header.
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/refresh")
            .cookie(refresh_cookie(&refresh))
            .insert_header(("X-ACCESS-CSRF", refresh_csrf.clone()))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/refresh")
            .cookie(refresh_cookie(&refresh))
            .insert_header(("X-REFRESH-CSRF", refresh_csrf))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
}

#[actix_web::test]
async fn cookie_csrf_from_form_field_default_name() {
    let manager = build(located([TokenLocation::Cookies]).csrf_check_form(true));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        form_post("/protected", &format!("csrf_token={csrf}"))
            .cookie(access_cookie(&token))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    // The handler still reads the whole form itself.
    let body = expect_ok(
        &app,
        &hits,
        form_post("/form_echo", &format!("name=bob&csrf_token={csrf}&x=1"))
            .cookie(access_cookie(&token))
            .to_request(),
    )
    .await;
    assert_eq!(
        body,
        json!({
            "identity": ALICE,
            "form": { "name": "bob", "csrf_token": csrf, "x": "1" },
        })
    );
    expect_err(
        &app,
        &hits,
        form_post("/protected", "csrf_token=wrong")
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "CSRF double submit tokens do not match",
    )
    .await;
    expect_err(
        &app,
        &hits,
        form_post("/protected", "other=1")
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    // The header still wins when it is present.
    expect_ok(
        &app,
        &hits,
        form_post("/protected", "csrf_token=wrong")
            .cookie(access_cookie(&token))
            .insert_header(("X-CSRF-TOKEN", csrf.clone()))
            .to_request(),
    )
    .await;
}

#[actix_web::test]
async fn cookie_csrf_form_field_is_ignored_without_the_option() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();
    expect_err(
        &app,
        &hits,
        form_post("/protected", &format!("csrf_token={csrf}"))
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
}

#[actix_web::test]
async fn cookie_csrf_from_form_field_custom_names() {
    let manager = build(
        located([TokenLocation::Cookies])
            .csrf_check_form(true)
            .access_csrf_field_name("my_access_csrf")
            .refresh_csrf_field_name("my_refresh_csrf"),
    );
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let access = manager.create_access_token(&ALICE).unwrap();
    let refresh = manager.create_refresh_token(&ALICE).unwrap();
    let access_csrf = manager.get_csrf_token(&access).unwrap();
    let refresh_csrf = manager.get_csrf_token(&refresh).unwrap();
    expect_ok(
        &app,
        &hits,
        form_post("/protected", &format!("my_access_csrf={access_csrf}"))
            .cookie(access_cookie(&access))
            .to_request(),
    )
    .await;
    expect_err(
        &app,
        &hits,
        form_post("/protected", &format!("csrf_token={access_csrf}"))
            .cookie(access_cookie(&access))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    let body = expect_ok(
        &app,
        &hits,
        form_post("/refresh", &format!("my_refresh_csrf={refresh_csrf}"))
            .cookie(refresh_cookie(&refresh))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        form_post("/refresh", &format!("my_access_csrf={refresh_csrf}"))
            .cookie(refresh_cookie(&refresh))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
}

#[actix_web::test]
async fn cookie_custom_csrf_methods() {
    let manager = build(located([TokenLocation::Cookies]).csrf_methods(["GET"]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .insert_header(("X-CSRF-TOKEN", csrf))
            .to_request(),
    )
    .await;
    // POST is no longer checked.
    expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .to_request(),
    )
    .await;
}

#[actix_web::test]
async fn cookie_refresh_route() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let access = manager.create_access_token(&ALICE).unwrap();
    let refresh = manager.create_refresh_token(&ALICE).unwrap();
    let refresh_csrf = manager.get_csrf_token(&refresh).unwrap();
    let access_csrf = manager.get_csrf_token(&access).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/refresh")
            .cookie(refresh_cookie(&refresh))
            .insert_header(("X-CSRF-TOKEN", refresh_csrf))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/refresh")
            .cookie(refresh_cookie(&refresh))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    // The access token's CSRF value does not match the refresh token's.
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/refresh")
            .cookie(refresh_cookie(&refresh))
            .insert_header(("X-CSRF-TOKEN", access_csrf))
            .to_request(),
        401,
        "CSRF double submit tokens do not match",
    )
    .await;
    // A refresh token in the refresh cookie is not an access token.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(refresh_cookie(&refresh))
            .to_request(),
        401,
        "Missing cookie \"access_token_cookie\"",
    )
    .await;
}

#[actix_web::test]
async fn cookie_jwt_optional_still_checks_csrf() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/optional")
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/optional")
            .cookie(access_cookie(&token))
            .insert_header(("X-CSRF-TOKEN", csrf))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::post().uri("/optional").to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": null }));
}

// ---------------------------------------------------------------------------------------
// Set-Cookie lines (the reference's cookie options)
// ---------------------------------------------------------------------------------------

async fn login_reply(config: JwtConfig) -> (JwtManager, Reply) {
    let manager = build(config);
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let reply = call(&app, TestRequest::post().uri("/login").to_request()).await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    (manager, reply)
}

#[actix_web::test]
async fn set_cookie_defaults() {
    let (manager, reply) = login_reply(located([TokenLocation::Cookies])).await;
    assert_eq!(
        reply.cookie_names(),
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    let cookies = reply.cookies();
    for cookie in &cookies {
        let jwt = cookie.name().ends_with("_cookie");
        assert_eq!(
            cookie.http_only(),
            jwt.then_some(true),
            "HttpOnly only on the JWT cookies: {cookie}"
        );
        assert_eq!(cookie.path(), Some("/"), "{cookie}");
        assert_eq!(cookie.max_age(), None, "session cookie: {cookie}");
        assert_eq!(cookie.expires(), None, "session cookie: {cookie}");
        assert_eq!(cookie.secure(), None, "{cookie}");
        assert_eq!(cookie.domain(), None, "{cookie}");
        assert_eq!(cookie.same_site(), None, "{cookie}");
        assert!(!cookie.value().is_empty(), "{cookie}");
    }
    // Values: the tokens of the body, and their csrf claims.
    let access = cookies[0].value();
    let refresh = cookies[2].value();
    assert_eq!(reply.body["access_token"], access);
    assert_eq!(reply.body["refresh_token"], refresh);
    assert_eq!(cookies[1].value(), manager.get_csrf_token(access).unwrap());
    assert_eq!(cookies[3].value(), manager.get_csrf_token(refresh).unwrap());
    assert_eq!(cookies[1].value().len(), 36, "a UUID");
    let claims = manager.decode_token(access, None, false).unwrap();
    assert_eq!(claims.token_type(), TokenType::Access);
    let claims = manager.decode_token(refresh, None, false).unwrap();
    assert_eq!(claims.token_type(), TokenType::Refresh);
}

#[actix_web::test]
async fn set_cookie_persistent_secure_domain_samesite() {
    let (_, reply) = login_reply(
        located([TokenLocation::Cookies])
            .session_cookie(false)
            .cookie_secure(true)
            .cookie_domain("example.com")
            .cookie_samesite(jwt_runtime::SameSite::Lax),
    )
    .await;
    assert_eq!(
        reply.set_cookie_lines().len(),
        4,
        "{:?}",
        reply.set_cookie_lines()
    );
    let in_a_year = OffsetDateTime::now_utc() + CookieDuration::days(364);
    for cookie in reply.cookies() {
        assert_eq!(
            cookie.max_age(),
            Some(CookieDuration::seconds(31_540_000)),
            "{cookie}"
        );
        let expires = cookie
            .expires_datetime()
            .unwrap_or_else(|| panic!("Expires on {cookie}"));
        assert!(expires > in_a_year, "{cookie}");
        assert_eq!(cookie.secure(), Some(true), "{cookie}");
        assert_eq!(cookie.domain(), Some("example.com"), "{cookie}");
        assert_eq!(cookie.same_site(), Some(CookieSameSite::Lax), "{cookie}");
    }
}

#[actix_web::test]
async fn set_cookie_samesite_strict() {
    let (_, reply) = login_reply(
        located([TokenLocation::Cookies]).cookie_samesite(jwt_runtime::SameSite::Strict),
    )
    .await;
    for cookie in reply.cookies() {
        assert_eq!(cookie.same_site(), Some(CookieSameSite::Strict), "{cookie}");
    }
}

#[actix_web::test]
async fn set_cookie_custom_names_and_paths() {
    let (manager, reply) = login_reply(
        located([TokenLocation::Cookies])
            .access_cookie_name("my_access")
            .refresh_cookie_name("my_refresh")
            .access_cookie_path("/api/")
            .refresh_cookie_path("/auth/refresh")
            .access_csrf_cookie_name("my_access_csrf")
            .refresh_csrf_cookie_name("my_refresh_csrf")
            .access_csrf_cookie_path("/app/")
            .refresh_csrf_cookie_path("/app/refresh"),
    )
    .await;
    assert_eq!(
        reply.cookie_names(),
        [
            "my_access",
            "my_access_csrf",
            "my_refresh",
            "my_refresh_csrf"
        ]
    );
    let paths: Vec<Option<String>> = reply
        .cookies()
        .iter()
        .map(|c| c.path().map(str::to_owned))
        .collect();
    assert_eq!(
        paths,
        [
            Some("/api/".to_owned()),
            Some("/app/".to_owned()),
            Some("/auth/refresh".to_owned()),
            Some("/app/refresh".to_owned())
        ]
    );
    // The custom names are also the ones read.
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let access = reply.cookie("my_access");
    let csrf = reply.cookie("my_access_csrf");
    expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .cookie(Cookie::new("my_access", access.value().to_owned()))
            .insert_header(("X-CSRF-TOKEN", csrf.value().to_owned()))
            .to_request(),
    )
    .await;
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(access.value()))
            .to_request(),
        401,
        "Missing cookie \"my_access\"",
    )
    .await;
}

#[actix_web::test]
async fn set_cookie_without_csrf_cookies() {
    let (manager, reply) =
        login_reply(located([TokenLocation::Cookies]).csrf_in_cookies(false)).await;
    assert_eq!(
        reply.cookie_names(),
        ["access_token_cookie", "refresh_token_cookie"]
    );
    // CSRF protection is still on: the claim is written and checked.
    let access = reply.cookie("access_token_cookie");
    assert!(manager.get_csrf_token(access.value()).is_ok());

    let (_, reply) =
        login_reply(located([TokenLocation::Cookies]).cookie_csrf_protect(false)).await;
    assert_eq!(
        reply.cookie_names(),
        ["access_token_cookie", "refresh_token_cookie"]
    );
}

#[actix_web::test]
async fn set_cookie_only_access_without_csrf_cookie() {
    let manager = build(located([TokenLocation::Cookies]).csrf_in_cookies(false));
    let mut response = HttpResponse::Ok().finish();
    let token = manager.create_access_token(&ALICE).unwrap();
    manager
        .set_access_cookies(&mut response, &token, None)
        .unwrap();
    let cookies: Vec<_> = response.cookies().collect();
    assert_eq!(cookies.len(), 1);
    assert_eq!(cookies[0].name(), "access_token_cookie");
    assert_eq!(cookies[0].value(), token);
}

#[actix_web::test]
async fn unset_jwt_cookies_expires_all_four() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let reply = call(&app, TestRequest::post().uri("/logout").to_request()).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!({ "logout": true }));
    assert_eq!(
        reply.cookie_names(),
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    for (line, cookie) in reply.set_cookie_lines().iter().zip(reply.cookies()) {
        assert_eq!(cookie.value(), "", "{line}");
        let expires = cookie
            .expires_datetime()
            .unwrap_or_else(|| panic!("Expires on {line}"));
        assert_eq!(expires.year(), 1970, "{line}");
        assert_eq!(expires.unix_timestamp(), 0, "{line}");
        assert!(line.contains("01 Jan 1970 00:00:00 GMT"), "{line}");
        assert_eq!(cookie.path(), Some("/"), "{line}");
        let jwt = cookie.name().ends_with("_cookie");
        assert_eq!(cookie.http_only(), jwt.then_some(true), "{line}");
    }
}

#[actix_web::test]
async fn unset_cookies_keep_the_configured_attributes() {
    let manager = build(
        located([TokenLocation::Cookies])
            .cookie_secure(true)
            .cookie_domain("example.com")
            .access_cookie_path("/api/"),
    );
    let mut response = HttpResponse::Ok();
    manager.unset_access_cookies(&mut response).unwrap();
    let response = response.finish();
    let cookies: Vec<_> = response.cookies().collect();
    assert_eq!(cookies.len(), 2);
    assert_eq!(cookies[0].name(), "access_token_cookie");
    assert_eq!(cookies[0].path(), Some("/api/"));
    assert_eq!(cookies[1].name(), "csrf_access_token");
    for cookie in cookies {
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.domain(), Some("example.com"));
    }
}

#[actix_web::test]
async fn cookie_helpers_without_the_cookie_location_return_an_error() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let reply = call(
        &app,
        TestRequest::post()
            .uri("/cookie_helpers_errors")
            .to_request(),
    )
    .await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    assert!(
        reply.set_cookie_lines().is_empty(),
        "{:?}",
        reply.set_cookie_lines()
    );
    let errors = reply.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 5);
    for error in errors {
        let text = error
            .as_str()
            .unwrap_or_else(|| panic!("an error: {error}"));
        assert!(text.contains("JWT_TOKEN_LOCATION"), "{text}");
    }
    assert!(errors[0].as_str().unwrap().contains("set_access_cookies()"));
    assert!(
        errors[1]
            .as_str()
            .unwrap()
            .contains("set_refresh_cookies()")
    );

    // The manager methods, on both response types.
    let token = manager.create_access_token(&ALICE).unwrap();
    let mut built = HttpResponse::Ok().finish();
    let error = manager
        .set_access_cookies(&mut built, &token, None)
        .unwrap_err();
    assert!(error.to_string().contains("JWT_TOKEN_LOCATION"), "{error}");
    assert_eq!(built.cookies().count(), 0);
    let mut builder = HttpResponse::Ok();
    let error = manager.unset_jwt_cookies(&mut builder).unwrap_err();
    assert!(error.to_string().contains("JWT_TOKEN_LOCATION"), "{error}");
}

#[actix_web::test]
async fn set_cookie_max_age_argument() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let reply = call(&app, TestRequest::post().uri("/login_max_age").to_request()).await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    let ages: Vec<_> = reply.cookies().iter().map(Cookie::max_age).collect();
    assert_eq!(
        ages,
        [
            Some(CookieDuration::seconds(3600)),
            Some(CookieDuration::seconds(3600)),
            Some(CookieDuration::seconds(7200)),
            Some(CookieDuration::seconds(7200))
        ]
    );
    for cookie in reply.cookies() {
        assert!(cookie.expires_datetime().is_some(), "{cookie}");
    }
    // max_age=0 is falsy: the configured (session) lifetime applies.
    let reply = call(
        &app,
        TestRequest::post().uri("/login_max_age_zero").to_request(),
    )
    .await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    assert_eq!(reply.set_cookie_lines().len(), 2);
    for cookie in reply.cookies() {
        assert_eq!(cookie.max_age(), None, "{cookie}");
        assert_eq!(cookie.expires(), None, "{cookie}");
    }
}

#[actix_web::test]
async fn set_cookie_max_age_argument_overrides_persistent_config() {
    let manager = build(located([TokenLocation::Cookies]).session_cookie(false));
    let mut response = HttpResponse::Ok();
    let token = manager.create_access_token(&ALICE).unwrap();
    manager
        .set_access_cookies(&mut response, &token, Some(Duration::from_mins(1)))
        .unwrap();
    let response = response.finish();
    for cookie in response.cookies() {
        assert_eq!(
            cookie.max_age(),
            Some(CookieDuration::seconds(60)),
            "{cookie}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Several locations (in order; the first non-"missing" error wins)
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn all_four_locations_each_work_alone() {
    let manager = build(located(TokenLocation::ALL));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let requests = [
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer_header(&token))
            .to_request(),
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .to_request(),
        TestRequest::get()
            .uri(&format!("/protected?jwt={token}"))
            .to_request(),
        json_post("/protected", json!({ "access_token": token }).to_string()).to_request(),
    ];
    for req in requests {
        let body = expect_ok(&app, &hits, req).await;
        assert_eq!(body, json!({ "identity": ALICE }));
    }
    expect_err(
        &app,
        &hits,
        TestRequest::get().uri("/protected").to_request(),
        401,
        "Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; \
         Missing cookie \"access_token_cookie\"; Missing \"jwt\" query paramater; \
         Invalid content-type. Must be application/json.)",
    )
    .await;
}

#[actix_web::test]
async fn missing_everywhere_messages() {
    let manager = build(located([TokenLocation::Cookies, TokenLocation::Headers]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    expect_err(
        &app,
        &hits,
        TestRequest::get().uri("/protected").to_request(),
        401,
        "Missing JWT in cookies or headers (Missing cookie \"access_token_cookie\"; \
         Missing Authorization Header)",
    )
    .await;

    let manager = build(located([TokenLocation::Json, TokenLocation::QueryString]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    expect_err(
        &app,
        &hits,
        TestRequest::get().uri("/protected").to_request(),
        401,
        "Missing JWT in json or query_string (Invalid content-type. Must be application/json.; \
         Missing \"jwt\" query paramater)",
    )
    .await;
    expect_err(
        &app,
        &hits,
        json_post("/protected", json!({}).to_string()).to_request(),
        401,
        "Missing JWT in json or query_string (Missing \"access_token\" key in json data.; \
         Missing \"jwt\" query paramater)",
    )
    .await;
    // The refresh route names the refresh key.
    expect_err(
        &app,
        &hits,
        json_post("/refresh", json!({}).to_string()).to_request(),
        401,
        "Missing JWT in json or query_string (Missing \"refresh_token\" key in json data.; \
         Missing \"jwt\" query paramater)",
    )
    .await;
}

#[actix_web::test]
async fn location_order_decides_between_a_valid_cookie_and_a_bad_header() {
    let bad_header = ("Authorization", "Bearer aaaaa.bbbbb.ccccc");

    let manager = build(located([TokenLocation::Cookies, TokenLocation::Headers]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .insert_header(bad_header)
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));

    let manager = build(located([TokenLocation::Headers, TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    // A valid cookie alone works in either order.
    expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .to_request(),
    )
    .await;
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .insert_header(bad_header)
            .to_request(),
        422,
        "Invalid header padding",
    )
    .await;
    // A malformed header (wrong scheme) is not "missing" either.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .insert_header((header::AUTHORIZATION, "Basic x"))
            .to_request(),
        422,
        "Bad Authorization header. Expected value 'Bearer <JWT>'",
    )
    .await;
}

#[actix_web::test]
async fn cookie_without_csrf_wins_over_a_later_valid_header() {
    let manager = build(located([TokenLocation::Cookies, TokenLocation::Headers]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .insert_header(bearer_header(&token))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    // Without the cookie, the header alone passes with no CSRF check.
    expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .insert_header(bearer_header(&token))
            .to_request(),
    )
    .await;
}

#[actix_web::test]
async fn per_route_locations_override_the_config() {
    // Config: headers only; routes: cookies / headers / (cookies, headers).
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let body = expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/override/cookies")
            .cookie(access_cookie(&token))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/override/cookies")
            .insert_header(bearer_header(&token))
            .to_request(),
        401,
        "Missing cookie \"access_token_cookie\"",
    )
    .await;
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/override/cookies_headers")
            .to_request(),
        401,
        "Missing JWT in cookies or headers (Missing cookie \"access_token_cookie\"; \
         Missing Authorization Header)",
    )
    .await;
    // The config still applies to the other routes.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "Missing Authorization Header",
    )
    .await;

    // Config: (headers, cookies); route: (cookies, headers) → the cookie wins over a bad header.
    let manager = build(located([TokenLocation::Headers, TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let bad_header = ("Authorization", "Bearer aaaaa.bbbbb.ccccc");
    expect_ok(
        &app,
        &hits,
        TestRequest::get()
            .uri("/override/cookies_headers")
            .cookie(access_cookie(&token))
            .insert_header(bad_header)
            .to_request(),
    )
    .await;
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(&token))
            .insert_header(bad_header)
            .to_request(),
        422,
        "Invalid header padding",
    )
    .await;
    // Route: headers only → the cookie is ignored.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/override/headers")
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "Missing Authorization Header",
    )
    .await;
}

#[actix_web::test]
async fn per_route_cookie_location_keeps_csrf_protection() {
    // Config: headers and cookies, CSRF on; route: cookies only → CSRF still checked.
    let manager = build(located([TokenLocation::Headers, TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/override/cookies")
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/override/cookies")
            .cookie(access_cookie(&token))
            .insert_header(("X-CSRF-TOKEN", csrf))
            .to_request(),
    )
    .await;
}

#[actix_web::test]
async fn per_route_cookie_location_on_a_headers_only_app_is_not_csrf_free() {
    // Config: headers only, JWT_COOKIE_CSRF_PROTECT left on; a route overrides to cookies.
    // A cookie-authenticated POST with no double-submit value must not pass (the reference: cookie
    // reads on JWT_CSRF_METHODS need the CSRF value; flask-jwt-extended 4, where per-route
    // locations come from, answers 401 `Missing CSRF token` here).
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    expect_err(
        &app,
        &hits,
        TestRequest::post()
            .uri("/override/cookies")
            .cookie(access_cookie(&token))
            .to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// The "done when" scenario: a browser and an API client against one App
// ---------------------------------------------------------------------------------------

/// A browser's cookie jar: applies Set-Cookie lines, sends the non-empty cookies.
#[derive(Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn store(&mut self, reply: &Reply) {
        for cookie in reply.cookies() {
            self.0.retain(|(name, _)| name != cookie.name());
            let expired = cookie
                .expires_datetime()
                .is_some_and(|at| at <= OffsetDateTime::now_utc());
            if !expired && !cookie.value().is_empty() {
                self.0
                    .push((cookie.name().to_owned(), cookie.value().to_owned()));
            }
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn send(&self, mut req: TestRequest) -> TestRequest {
        for (name, value) in &self.0 {
            req = req.cookie(Cookie::new(name.clone(), value.clone()));
        }
        req
    }
}

#[actix_web::test]
async fn browser_and_api_clients_share_one_app() {
    let manager = build(located([TokenLocation::Cookies, TokenLocation::Headers]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);

    // --- Browser ---
    let mut jar = Jar::default();
    let reply = call(&app, TestRequest::post().uri("/login").to_request()).await;
    assert_eq!(reply.status, 200);
    jar.store(&reply);
    let mut names: Vec<&str> = jar.0.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "access_token_cookie",
            "csrf_access_token",
            "csrf_refresh_token",
            "refresh_token_cookie"
        ]
    );

    // GET needs no CSRF value.
    let body = expect_ok(
        &app,
        &hits,
        jar.send(TestRequest::get().uri("/protected")).to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    // POST without the double-submit header is refused.
    expect_err(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/protected")).to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    // POST with the header copied from the readable csrf_access_token cookie.
    let csrf = jar.get("csrf_access_token").unwrap().to_owned();
    let body = expect_ok(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/protected"))
            .insert_header(("X-CSRF-TOKEN", csrf.clone()))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));

    // Refresh with the refresh cookie and its own CSRF value.
    let old_access = jar.get("access_token_cookie").unwrap().to_owned();
    expect_err(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/token/refresh"))
            .insert_header(("X-CSRF-TOKEN", csrf.clone()))
            .to_request(),
        401,
        "CSRF double submit tokens do not match",
    )
    .await;
    let refresh_csrf = jar.get("csrf_refresh_token").unwrap().to_owned();
    let before = hits.count();
    let reply = call(
        &app,
        jar.send(TestRequest::post().uri("/token/refresh"))
            .insert_header(("X-CSRF-TOKEN", refresh_csrf))
            .to_request(),
    )
    .await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    assert_eq!(hits.count(), before + 1);
    assert_eq!(reply.body["refreshed"], ALICE);
    assert_eq!(
        reply.cookie_names(),
        ["access_token_cookie", "csrf_access_token"]
    );
    jar.store(&reply);
    let new_access = jar.get("access_token_cookie").unwrap().to_owned();
    assert_ne!(new_access, old_access);
    assert_eq!(reply.body["access_token"], new_access.as_str());
    // The old CSRF value no longer matches the new access cookie; the new one does.
    let new_csrf = jar.get("csrf_access_token").unwrap().to_owned();
    assert_ne!(new_csrf, csrf);
    expect_err(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/protected"))
            .insert_header(("X-CSRF-TOKEN", csrf))
            .to_request(),
        401,
        "CSRF double submit tokens do not match",
    )
    .await;
    expect_ok(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/protected"))
            .insert_header(("X-CSRF-TOKEN", new_csrf))
            .to_request(),
    )
    .await;

    // Logout clears the four cookies.
    let reply = call(
        &app,
        jar.send(TestRequest::post().uri("/logout")).to_request(),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.set_cookie_lines().len(), 4);
    jar.store(&reply);
    assert!(jar.0.is_empty(), "{:?}", jar.0);
    expect_err(
        &app,
        &hits,
        jar.send(TestRequest::get().uri("/protected")).to_request(),
        401,
        "Missing JWT in cookies or headers (Missing cookie \"access_token_cookie\"; \
         Missing Authorization Header)",
    )
    .await;

    // --- API client: bearer header, no cookies, no CSRF ---
    let reply = call(&app, TestRequest::post().uri("/login").to_request()).await;
    assert_eq!(reply.status, 200);
    let access = reply.body["access_token"].as_str().unwrap().to_owned();
    let refresh = reply.body["refresh_token"].as_str().unwrap().to_owned();
    for req in [
        TestRequest::get(),
        TestRequest::post(),
        TestRequest::delete(),
    ] {
        let body = expect_ok(
            &app,
            &hits,
            req.uri("/protected")
                .insert_header(bearer_header(&access))
                .to_request(),
        )
        .await;
        assert_eq!(body, json!({ "identity": ALICE }));
    }
    let before = hits.count();
    let reply = call(
        &app,
        TestRequest::post()
            .uri("/token/refresh")
            .insert_header(bearer_header(&refresh))
            .to_request(),
    )
    .await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    assert_eq!(hits.count(), before + 1);
    let new_access = reply.body["access_token"].as_str().unwrap().to_owned();
    expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .insert_header(bearer_header(&new_access))
            .to_request(),
    )
    .await;
    // The wrong token type through the header.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer_header(&refresh))
            .to_request(),
        422,
        "Only access tokens are allowed",
    )
    .await;
}
