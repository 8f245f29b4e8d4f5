//! `#[jwt_required(...)]` with 4.x's options, through real requests: `optional`,
//! `fresh`, `refresh`, `verify_type = false`, `skip_revocation_check`, and combinations.

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, Responder, get, post, test};
use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, TokenOptions};
use jwt_tests::{bearer, send};
use serde_json::{Value, json};

use super::builder;

fn answer() -> HttpResponse {
    let claims = get_jwt();
    HttpResponse::Ok().json(json!({
        "identity": get_jwt_identity::<Value>(),
        "type": claims.as_ref().map(|c| c.token_type().as_str()),
    }))
}

#[get("/optional")]
#[jwt_required(optional)]
async fn optional() -> impl Responder {
    answer()
}

#[get("/optional-fresh")]
#[jwt_required(optional, fresh)]
async fn optional_fresh() -> impl Responder {
    answer()
}

#[get("/fresh")]
#[jwt_required(fresh = true)]
async fn fresh() -> impl Responder {
    answer()
}

#[post("/refresh")]
#[jwt_required(refresh)]
async fn refresh() -> impl Responder {
    answer()
}

#[get("/any-type")]
#[jwt_required(verify_type = false)]
async fn any_type() -> impl Responder {
    answer()
}

#[get("/skip-revocation")]
#[jwt_required(skip_revocation_check)]
async fn skip_revocation() -> impl Responder {
    answer()
}

#[get("/checked")]
#[jwt_required(optional = false, verify_type = true, skip_revocation_check = false)]
async fn checked() -> impl Responder {
    answer()
}

#[actix_web::test]
async fn every_option_through_requests() {
    let blocklist = MemoryBlocklist::new();
    let manager = builder(JwtConfig::default().blacklist_enabled(true))
        .blocklist(blocklist.clone())
        .build()
        .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .service(optional)
            .service(optional_fresh)
            .service(fresh)
            .service(refresh)
            .service(any_type)
            .service(skip_revocation)
            .service(checked),
    )
    .await;
    let access = manager.create_access_token(&"alice").unwrap();
    let fresh_access = manager
        .create_access_token_with(&"alice", TokenOptions::default().fresh(true))
        .unwrap();
    let refresh_token = manager.create_refresh_token(&"alice").unwrap();
    let ok = |token_type: &str| json!({"identity": "alice", "type": token_type});
    let get = |uri: &str| test::TestRequest::get().uri(uri);

    // optional: no token runs the handler without one; a bad token is still refused.
    assert_eq!(
        send(&app, get("/optional")).await,
        (StatusCode::OK, json!({"identity": null, "type": null}))
    );
    assert_eq!(
        send(&app, bearer("/optional", &access)).await,
        (StatusCode::OK, ok("access"))
    );
    let (status, _) = send(&app, bearer("/optional", "not.a.token")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // optional + fresh: no token passes, a stale token does not.
    assert_eq!(send(&app, get("/optional-fresh")).await.0, StatusCode::OK);
    let (status, body) = send(&app, bearer("/optional-fresh", &access)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Fresh token required"})
        )
    );
    // fresh.
    let (status, _) = send(&app, bearer("/fresh", &access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        send(&app, bearer("/fresh", &fresh_access)).await,
        (StatusCode::OK, ok("access"))
    );
    // refresh: only refresh tokens.
    let post = |token: &str| {
        test::TestRequest::post()
            .uri("/refresh")
            .insert_header(("Authorization", format!("Bearer {token}")))
    };
    assert_eq!(
        send(&app, post(&refresh_token)).await,
        (StatusCode::OK, ok("refresh"))
    );
    let (status, body) = send(&app, post(&access)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"msg": "Only refresh tokens are allowed"})
        )
    );
    // verify_type = false: either type.
    assert_eq!(
        send(&app, bearer("/any-type", &access)).await,
        (StatusCode::OK, ok("access"))
    );
    assert_eq!(
        send(&app, bearer("/any-type", &refresh_token)).await,
        (StatusCode::OK, ok("refresh"))
    );
    // Without the option, a refresh token is refused where an access token is wanted.
    let (status, _) = send(&app, bearer("/checked", &refresh_token)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // skip_revocation_check: a revoked token passes there, and only there.
    blocklist
        .revoke(&manager.decode_token(&access).unwrap())
        .await
        .unwrap();
    let (status, body) = send(&app, bearer("/checked", &access)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Token has been revoked"})
        )
    );
    assert_eq!(
        send(&app, bearer("/skip-revocation", &access)).await,
        (StatusCode::OK, ok("access"))
    );
}

#[get("/location")]
#[jwt_required(optional)]
async fn location() -> impl Responder {
    HttpResponse::Ok().json(json!({
        "location": get_jwt_request_location().map(jwt_runtime::config::TokenLocation::as_str),
        "alg": get_jwt_header().get("alg"),
    }))
}

#[actix_web::test]
async fn the_request_location_and_header_of_the_verified_token() {
    use jwt_runtime::config::TokenLocation;
    let manager = builder(JwtConfig::default().token_location([
        TokenLocation::Headers,
        TokenLocation::Cookies,
        TokenLocation::QueryString,
        TokenLocation::Json,
    ]))
    .build()
    .unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).service(location)).await;
    let token = manager.create_access_token(&"alice").unwrap();
    let cases = [
        ("headers", bearer("/location", &token)),
        (
            "cookies",
            test::TestRequest::get()
                .uri("/location")
                .cookie(actix_web::cookie::Cookie::new(
                    "access_token_cookie",
                    token.clone(),
                )),
        ),
        (
            "query_string",
            test::TestRequest::get().uri(&format!("/location?jwt={token}")),
        ),
        (
            "json",
            test::TestRequest::get()
                .uri("/location")
                .insert_header(("Content-Type", "application/json"))
                .set_payload(json!({ "access_token": token }).to_string()),
        ),
    ];
    for (expected, request) in cases {
        let (status, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::OK, "{expected}");
        assert_eq!(
            body,
            json!({"location": expected, "alg": "HS256"}),
            "{expected}"
        );
    }
    let (_, body) = send(&app, test::TestRequest::get().uri("/location")).await;
    assert_eq!(body, json!({"location": null, "alg": null}));
}
