//! Cookies and the CSRF double submit: the reference's cookie getter.

use actix_web::test::TestRequest;
use jwt_runtime::config::TokenLocation;
use jwt_tests::{Hits, bearer_header};
use serde_json::json;

use super::{
    ALICE, access_cookie, app, build, expect_err, expect_ok, form_post, located, refresh_cookie,
};

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
