//! Header parsing: `Authorization` variants, duplicate cookies and query parameters,
//! and JSON bodies that are not objects.

use actix_web::http::header;
use actix_web::test;
use jwt_runtime::config::TokenLocation;
use jwt_tests::{NOW, bearer_header};
use serde_json::json;

use super::{
    BAD_BARE_HEADER, BAD_HEADER, MISSING_HEADER, MISSING_KEY, MISSING_QUERY, accepted, app,
    authorization, build, cookie_config, get, hs, refused, token,
};

#[actix_web::test]
async fn authorization_header_variants() {
    let manager = build(hs());
    let app = app!(manager);
    let valid = token(&json!({}));
    refused(&app, "no header", get("/protected"), 401, MISSING_HEADER).await;
    let refusals: Vec<(String, u16, &str)> = vec![
        (String::new(), 401, MISSING_HEADER),
        ("Bearer".to_owned(), 422, BAD_HEADER),
        ("Bearer ".to_owned(), 422, BAD_HEADER),
        ("Bearer  ".to_owned(), 422, BAD_HEADER),
        ("   ".to_owned(), 422, BAD_HEADER),
        ("\t".to_owned(), 422, BAD_HEADER),
        (",".to_owned(), 422, BAD_HEADER),
        (", ,".to_owned(), 422, BAD_HEADER),
        (format!("bearer {valid}"), 422, BAD_HEADER),
        (format!("BEARER {valid}"), 422, BAD_HEADER),
        (format!("Bearer{valid}"), 422, BAD_HEADER),
        (format!("Bearer:{valid}"), 422, BAD_HEADER),
        (format!("Bearer={valid}"), 422, BAD_HEADER),
        (valid.clone(), 422, BAD_HEADER),
        (format!("Bearer {valid},"), 422, BAD_HEADER),
        (format!("Bearer {valid}, "), 422, BAD_HEADER),
        (format!(", Bearer {valid}"), 422, BAD_HEADER),
        (format!("Bearer {valid},,Basic abc"), 422, BAD_HEADER),
        (format!("Bearer {valid} {valid}"), 422, BAD_HEADER),
        (format!("Bearer {valid} extra"), 422, BAD_HEADER),
        (format!("Bearer {valid}, Bearer {valid}"), 422, BAD_HEADER),
        (format!("Bearer {valid},Bearer garbage"), 422, BAD_HEADER),
        (format!("Bearer garbage, Bearer {valid}"), 422, BAD_HEADER),
        ("Basic dXNlcjpwYXNz".to_owned(), 422, BAD_HEADER),
        ("Bearer garbage".to_owned(), 422, "Not enough segments"),
        ("Bearer a.b".to_owned(), 422, "Not enough segments"),
        (
            "Bearer ...".to_owned(),
            422,
            "Invalid header string: EOF while parsing a value at line 1 column 0",
        ),
    ];
    for (value, status, message) in refusals {
        refused(
            &app,
            &format!("Authorization: {value:?}"),
            authorization("/protected", value.as_bytes()),
            status,
            message,
        )
        .await;
    }
    // Non-ASCII (obs-text) bytes are not a token.
    for value in [
        b"Bearer \xff\xfe".to_vec(),
        "Bearer é.é.é".as_bytes().to_vec(),
        [b"Bearer ", valid.as_bytes(), b"\x80"].concat(),
        [b"Bearer\xa0", valid.as_bytes()].concat(),
    ] {
        refused(
            &app,
            &format!("Authorization: {}", String::from_utf8_lossy(&value)),
            authorization("/protected", &value),
            422,
            BAD_HEADER,
        )
        .await;
    }
    // Two Authorization lines are ambiguous, even when both are valid.
    refused(
        &app,
        "two lines",
        get("/protected")
            .append_header(bearer_header(&valid))
            .append_header(bearer_header(&valid)),
        422,
        BAD_HEADER,
    )
    .await;
    refused(
        &app,
        "two lines, second empty",
        get("/protected")
            .append_header(bearer_header(&valid))
            .append_header((header::AUTHORIZATION, "")),
        422,
        BAD_HEADER,
    )
    .await;
    // Whitespace as Python's str.split() sees it, and other schemes alongside, are accepted.
    for value in [
        format!("Bearer {valid}"),
        format!("Bearer  {valid}"),
        format!("Bearer\t{valid}"),
        format!("Bearer {valid}\t"),
        format!("Basic abc, Bearer {valid}"),
        format!("Bearer {valid}, Basic abc"),
        format!("Basic abc,Bearer {valid}"),
    ] {
        accepted(
            &app,
            &format!("Authorization: {value:?}"),
            authorization("/protected", value.as_bytes()),
        )
        .await;
    }
    // jwt_optional treats a malformed header as no token: the handler runs anonymously.
    let body = accepted(
        &app,
        "optional, two lines",
        get("/optional")
            .append_header(bearer_header(&valid))
            .append_header(bearer_header(&valid)),
    )
    .await;
    assert_eq!(body, json!({"identity": null}));

    // The bare-token form (JWT_HEADER_TYPE = "").
    let manager = build(hs().header_type(""));
    let app = app!(manager);
    for value in [
        format!("Bearer {valid}"),
        format!("{valid} {valid}"),
        "   ".to_owned(),
        ",".to_owned(),
    ] {
        let status_message = if value == "," {
            (422, "Not enough segments")
        } else {
            (422, BAD_BARE_HEADER)
        };
        refused(
            &app,
            &format!("bare: {value:?}"),
            authorization("/protected", value.as_bytes()),
            status_message.0,
            status_message.1,
        )
        .await;
    }
    accepted(
        &app,
        "bare token",
        authorization("/protected", valid.as_bytes()),
    )
    .await;
    accepted(
        &app,
        "bare token, tab",
        authorization("/protected", format!("\t{valid}").as_bytes()),
    )
    .await;
}

#[actix_web::test]
async fn duplicate_cookies_and_query_parameters() {
    let manager = build(cookie_config());
    let app = app!(manager);
    let valid = manager.create_access_token(&"alice").unwrap();
    let cookie = |value: String| get("/protected").insert_header((header::COOKIE, value));
    // The first cookie of the name counts (as the reference's `request.cookies`).
    refused(
        &app,
        "garbage cookie first",
        cookie(format!(
            "access_token_cookie=garbage; access_token_cookie={valid}"
        )),
        422,
        "Not enough segments",
    )
    .await;
    refused(
        &app,
        "expired cookie first",
        cookie(format!(
            "access_token_cookie={}; access_token_cookie={valid}",
            token(&json!({"exp": NOW - 10}))
        )),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "garbage in the first of two Cookie lines",
        get("/protected")
            .append_header((header::COOKIE, "access_token_cookie=garbage"))
            .append_header((header::COOKIE, format!("access_token_cookie={valid}"))),
        422,
        "Not enough segments",
    )
    .await;
    refused(
        &app,
        "empty cookie",
        cookie("access_token_cookie=".to_owned()),
        401,
        "Missing cookie \"access_token_cookie\"",
    )
    .await;
    refused(
        &app,
        "cookie with another name",
        cookie(format!("Access_Token_Cookie={valid}")),
        401,
        "Missing cookie \"access_token_cookie\"",
    )
    .await;
    accepted(
        &app,
        "valid cookie first",
        cookie(format!(
            "access_token_cookie={valid}; access_token_cookie=garbage"
        )),
    )
    .await;

    let manager = build(hs().token_location([TokenLocation::QueryString]));
    let app = app!(manager);
    for (query, status, message) in [
        (
            format!("jwt=garbage&jwt={valid}"),
            422,
            "Not enough segments",
        ),
        (format!("jwt=&jwt={valid}"), 401, MISSING_QUERY),
        (format!("jwt&jwt={valid}"), 401, MISSING_QUERY),
        (format!("JWT={valid}"), 401, MISSING_QUERY),
        (format!("jwt={valid}%00"), 422, "Invalid crypto padding"),
        (
            format!("jwt={}", ".".repeat(9000)),
            422,
            "Token is too large (9000 bytes; the limit is 8192)",
        ),
        ("jwt=%ZZ".to_owned(), 422, "Not enough segments"),
    ] {
        refused(
            &app,
            &format!("?{query}"),
            get(&format!("/protected?{query}")),
            status,
            message,
        )
        .await;
    }
    accepted(
        &app,
        "valid first",
        get(&format!("/protected?jwt={valid}&jwt=garbage")),
    )
    .await;
    accepted(
        &app,
        "percent-encoded dots",
        get(&format!("/protected?jwt={}", valid.replace('.', "%2E"))),
    )
    .await;
}

#[actix_web::test]
async fn json_bodies_that_are_not_objects() {
    // A 4 MiB body limit, so the deep and long bodies below reach the parser.
    let manager = build(
        hs().token_location([TokenLocation::Json])
            .json_body_limit(4_usize << 20),
    );
    let app = app!(manager);
    let valid = token(&json!({}));
    let post = |content_type: &str, body: Vec<u8>| {
        test::TestRequest::post()
            .uri("/protected")
            .insert_header((header::CONTENT_TYPE, content_type.to_owned()))
            .set_payload(body)
    };
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!(
        "{}1{}",
        r#"{"access_token":"#.repeat(100_000),
        "}".repeat(100_000)
    );
    let bodies: Vec<String> = vec![
        String::new(),
        "[]".to_owned(),
        format!(r#"["{valid}"]"#),
        format!(r#"[{{"access_token":"{valid}"}}]"#),
        format!(r#""{valid}""#),
        "null".to_owned(),
        "42".to_owned(),
        "true".to_owned(),
        r#"{"access_token":0}"#.to_owned(),
        r#"{"access_token":null}"#.to_owned(),
        r#"{"access_token":""}"#.to_owned(),
        r#"{"access_token":false}"#.to_owned(),
        r#"{"access_token":[]}"#.to_owned(),
        r#"{"access_token":{}}"#.to_owned(),
        format!(r#"{{"Access_Token":"{valid}"}}"#),
        format!(r#"{{"access_token":"{valid}""#),
        format!(r#"{{"access_token":"{valid}"}} trailing"#),
        format!(r#"{{"access_token":'{valid}'}}"#),
        deep_array,
        deep_object,
    ];
    for body in bodies {
        let case = format!(
            "body {}",
            body.get(..body.len().min(60)).unwrap_or_default()
        );
        refused(
            &app,
            &case,
            post("application/json", body.into_bytes()),
            401,
            MISSING_KEY,
        )
        .await;
    }
    // A non-string value Python finds true is not "missing": it is decoded, and refused.
    for body in [
        r#"{"access_token":5}"#.to_owned(),
        r#"{"access_token":true}"#.to_owned(),
        format!(r#"{{"access_token":["{valid}"]}}"#),
        format!(r#"{{"access_token":{{"token":"{valid}"}}}}"#),
    ] {
        refused(
            &app,
            &format!("body {body}"),
            post("application/json", body.into_bytes()),
            422,
            "Invalid \"access_token\" in json data: the token must be a string",
        )
        .await;
    }
    // Invalid UTF-8 in the body.
    refused(
        &app,
        "non-UTF-8 body",
        post("application/json", b"{\"access_token\":\"\xff\"}".to_vec()),
        401,
        MISSING_KEY,
    )
    .await;
    let body = format!(r#"{{"access_token":"{valid}"}}"#);
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
        "json",
    ] {
        refused(
            &app,
            content_type,
            post(content_type, body.clone().into_bytes()),
            401,
            "Invalid content-type. Must be application/json.",
        )
        .await;
    }
    refused(
        &app,
        "no content type",
        test::TestRequest::post()
            .uri("/protected")
            .set_payload(body.clone()),
        401,
        "Invalid content-type. Must be application/json.",
    )
    .await;
    accepted(
        &app,
        "valid body",
        post("application/json", body.clone().into_bytes()),
    )
    .await;
    accepted(
        &app,
        "valid body, charset",
        post("application/json; charset=utf-8", body.into_bytes()),
    )
    .await;
    // Duplicate keys: the last one counts, as Python's json module reads it.
    let duplicate = format!(r#"{{"access_token":"{valid}","access_token":"garbage"}}"#);
    refused(
        &app,
        "duplicate key, garbage last",
        post("application/json", duplicate.into_bytes()),
        422,
        "Not enough segments",
    )
    .await;
    // A megabyte of dots as the token; then a body over the body limit.
    let dots = format!(r#"{{"access_token":"{}"}}"#, ".".repeat(1_000_000));
    refused(
        &app,
        "1 MB of dots",
        post("application/json", dots.into_bytes()),
        422,
        "Token is too large (1000000 bytes; the limit is 8192)",
    )
    .await;
    let over = format!(
        r#"{{"access_token":"{valid}","pad":"{}"}}"#,
        "x".repeat(4 << 20)
    );
    refused(
        &app,
        "body over the 4 MiB limit",
        post("application/json", over.into_bytes()),
        413,
        "Request body is too large (limit 4194304 bytes)",
    )
    .await;
}
