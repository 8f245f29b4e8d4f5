//! The query string: the reference's query-string getter.

use actix_web::test::TestRequest;
use jwt_runtime::config::TokenLocation;
use jwt_tests::{Hits, bearer_header};
use serde_json::json;

use super::{ALICE, app, build, expect_err, expect_ok, located};

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
async fn query_string_value_prefix_is_required_and_taken_off() {
    let manager = build(located([TokenLocation::QueryString]).query_string_value_prefix("Bearer "));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let token = manager.create_access_token(&ALICE).unwrap();
    // `Bearer <token>`, with its space percent-encoded or as `+`.
    for value in [format!("Bearer%20{token}"), format!("Bearer+{token}")] {
        let body = expect_ok(
            &app,
            &hits,
            TestRequest::get()
                .uri(&format!("/protected?jwt={value}"))
                .to_request(),
        )
        .await;
        assert_eq!(body, json!({ "identity": ALICE }));
    }
    // Without the prefix, or with it in another case: refused, never decoded as it is.
    for value in [
        token.clone(),
        format!("bearer%20{token}"),
        format!("Bearer{token}"),
    ] {
        expect_err(
            &app,
            &hits,
            TestRequest::get()
                .uri(&format!("/protected?jwt={value}"))
                .to_request(),
            422,
            "Invalid value for query parameter 'jwt'. Expected the value to start with 'Bearer '",
        )
        .await;
    }
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
