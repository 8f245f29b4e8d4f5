//! The CSRF double submit checked against the signed claim, and OPTIONS verified like
//! any other method.

use actix_web::cookie::Cookie;
use actix_web::http::header;
use jwt_tests::with_bearer;
use serde_json::Value;
use serde_json::json;

use super::{
    CSRF_MISMATCH, CSRF_MISSING, MISSING_HEADER, accepted, app, build, cookie_config, hs, method,
    refused, token, with_cookie,
};

#[actix_web::test]
async fn csrf_is_checked_against_the_signed_claim() {
    let manager = build(cookie_config());
    let app = app!(manager);
    let token = manager.create_access_token(&"alice").unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();

    refused(
        &app,
        "POST without CSRF",
        with_cookie(method("POST"), &token),
        401,
        CSRF_MISSING,
    )
    .await;
    refused(
        &app,
        "POST with an empty CSRF header",
        with_cookie(method("POST"), &token).insert_header(("X-CSRF-TOKEN", "")),
        401,
        CSRF_MISSING,
    )
    .await;
    for wrong in [
        "wrong".to_owned(),
        csrf.get(..35).unwrap().to_owned(),
        format!("{csrf}x"),
        format!("{csrf} "),
        csrf.to_uppercase(),
        format!("\"{csrf}\""),
        token.clone(),
    ] {
        refused(
            &app,
            &format!("POST with CSRF {wrong:?}"),
            with_cookie(method("POST"), &token).insert_header(("X-CSRF-TOKEN", wrong.as_str())),
            401,
            CSRF_MISMATCH,
        )
        .await;
    }
    // The attacker sets both the CSRF cookie and the header to the same value of their own:
    // the value is compared with the token's claim, not with the cookie.
    refused(
        &app,
        "CSRF cookie and header agree, claim differs",
        with_cookie(method("POST"), &token)
            .cookie(Cookie::new("csrf_access_token", "attacker"))
            .insert_header(("X-CSRF-TOKEN", "attacker")),
        401,
        CSRF_MISMATCH,
    )
    .await;
    // The real value in the CSRF cookie does not stand in for the header.
    refused(
        &app,
        "CSRF only in its cookie",
        with_cookie(method("POST"), &token).cookie(Cookie::new("csrf_access_token", csrf.clone())),
        401,
        CSRF_MISSING,
    )
    .await;
    // Nor in a form field, unless JWT_CSRF_CHECK_FORM is on.
    refused(
        &app,
        "CSRF in a form field",
        with_cookie(method("POST"), &token)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(format!("csrf_token={csrf}")),
        401,
        CSRF_MISSING,
    )
    .await;
    // Two CSRF headers: the first one counts.
    refused(
        &app,
        "two CSRF headers, wrong first",
        with_cookie(method("POST"), &token)
            .append_header(("X-CSRF-TOKEN", "wrong"))
            .append_header(("X-CSRF-TOKEN", csrf.as_str())),
        401,
        CSRF_MISMATCH,
    )
    .await;
    // Methods are compared case-insensitively.
    for name in ["post", "Post", "pOsT", "put", "patch", "delete", "DELETE"] {
        refused(
            &app,
            &format!("{name} without CSRF"),
            with_cookie(method(name), &token),
            401,
            CSRF_MISSING,
        )
        .await;
    }
    // Safe methods are exempt; the right value passes every unsafe one.
    for name in ["GET", "HEAD", "get"] {
        accepted(
            &app,
            &format!("{name} without CSRF"),
            with_cookie(method(name), &token),
        )
        .await;
    }
    for name in ["POST", "PUT", "PATCH", "DELETE", "post"] {
        accepted(
            &app,
            &format!("{name} with CSRF"),
            with_cookie(method(name), &token).insert_header(("X-CSRF-TOKEN", csrf.as_str())),
        )
        .await;
    }
    // A token without a csrf claim (issued for headers) cannot be used as a cookie on POST.
    let header_token = build(hs()).create_access_token(&"alice").unwrap();
    refused(
        &app,
        "cookie token without csrf claim",
        with_cookie(method("POST"), &header_token).insert_header(("X-CSRF-TOKEN", "anything")),
        422,
        "Missing claim: csrf",
    )
    .await;
    // A token whose csrf claim is not a string never matches.
    let odd = token_with_csrf(&json!(null));
    refused(
        &app,
        "csrf claim null",
        with_cookie(method("POST"), &odd).insert_header(("X-CSRF-TOKEN", "null")),
        401,
        CSRF_MISMATCH,
    )
    .await;
    let odd = token_with_csrf(&json!(123));
    refused(
        &app,
        "csrf claim 123",
        with_cookie(method("POST"), &odd).insert_header(("X-CSRF-TOKEN", "123")),
        401,
        CSRF_MISMATCH,
    )
    .await;

    // Configured methods are case-insensitive too.
    let manager = build(cookie_config().csrf_methods(["post"]));
    let app = app!(manager);
    refused(
        &app,
        "configured 'post'",
        with_cookie(method("POST"), &token),
        401,
        CSRF_MISSING,
    )
    .await;
    accepted(
        &app,
        "PUT not configured",
        with_cookie(method("PUT"), &token),
    )
    .await;
}

fn token_with_csrf(csrf: &Value) -> String {
    token(&json!({ "csrf": csrf }))
}

#[actix_web::test]
async fn options_requests_are_verified_like_any_other_method() {
    // Flask answers OPTIONS before the view; actix routes it to the handler of a
    // `web::route()`, so the reference's exemption would run guarded handlers anonymously.
    let manager = build(hs());
    let app = app!(manager);
    for uri in ["/protected", "/fresh"] {
        refused(
            &app,
            "OPTIONS without a token",
            method("OPTIONS").uri(uri),
            401,
            MISSING_HEADER,
        )
        .await;
        refused(
            &app,
            "OPTIONS with a forged token",
            method("OPTIONS")
                .uri(uri)
                .insert_header((header::AUTHORIZATION, "Bearer forged")),
            422,
            "Not enough segments",
        )
        .await;
    }
    refused(
        &app,
        "OPTIONS on a refresh route with an access token",
        with_bearer(method("OPTIONS").uri("/refresh"), &token(&json!({}))),
        422,
        "Only refresh tokens are allowed",
    )
    .await;
    let body = accepted(
        &app,
        "OPTIONS with a valid token",
        with_bearer(method("OPTIONS"), &token(&json!({}))),
    )
    .await;
    assert_eq!(body, json!({"identity": "alice"}));
    refused(
        &app,
        "lowercase options",
        method("options"),
        401,
        MISSING_HEADER,
    )
    .await;
}
