//! The `Authorization` header: the reference's header getter, with this port's decisions
//! on malformed, repeated and non-ASCII values.

use actix_web::http::header::{self, HeaderValue};
use actix_web::test::TestRequest;
use jwt_tests::{Hits, bearer_header, call};
use serde_json::json;

use super::{ALICE, app, build, config, expect_err, expect_ok};

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
