//! Several locations, in order (the first error that is not "missing" wins), and the
//! per-route `locations = [...]` override.

use actix_web::http::header;
use actix_web::test::TestRequest;
use jwt_runtime::config::TokenLocation;
use jwt_tests::{Hits, bearer_header, json_post};
use serde_json::json;

use super::{ALICE, access_cookie, app, build, config, expect_err, expect_ok, located};

#[actix_web::test]
async fn all_four_locations_each_work_alone() {
    let flask = TokenLocation::ALL
        .into_iter()
        .filter(|l| *l != TokenLocation::Custom);
    let manager = build(located(flask));
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
