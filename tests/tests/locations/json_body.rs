//! The JSON body: the reference's JSON getter, with this port's media types.

use actix_web::http::header::{self, ContentType};
use actix_web::test::TestRequest;
use jwt_runtime::config::TokenLocation;
use jwt_tests::{Hits, call, json_post};
use serde_json::json;

use super::{ALICE, app, build, expect_err, expect_ok, form_post, located};

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
