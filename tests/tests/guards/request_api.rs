//! The request API outside the attributes: an App without the manager, a custom guard
//! built on `verify_jwt_in_request`, and the claims every `get_jwt()` shares.

use actix_web::http::StatusCode;
use actix_web::{App, test};
use actix_web::{FromRequest, HttpRequest, HttpResponse, get};
use jwt_runtime::prelude::*;
use jwt_tests::{bearer, msg, send};
use serde_json::json;

use super::{app, manager, protected};

#[actix_web::test]
async fn requests_outside_a_wrapped_app_get_a_clear_error() {
    let app = test::init_service(App::new().service(protected)).await;
    let manager = manager();
    let (status, body) = send(
        &app,
        bearer("/protected", &manager.create_access_token(&"x").unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, msg("Internal server error"));
}

/// Python's custom decorator: `verify_jwt_in_request()`, then the claims, in an extractor.
struct Admin;

impl FromRequest for Admin {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            verify_jwt_in_request(&req).await?;
            if get_jwt_claims()["roles"] == "admin" {
                Ok(Admin)
            } else {
                let answer = HttpResponse::Forbidden().json(json!({"msg": "Admins only!"}));
                Err(actix_web::error::InternalError::from_response("Admins only!", answer).into())
            }
        })
    }
}

#[get("/admin")]
async fn admin_only(_: Admin) -> HttpResponse {
    HttpResponse::Ok()
        .json(json!({ "admin": get_jwt_identity::<String>(), "claims": get_jwt_claims() }))
}

#[actix_web::test]
async fn a_custom_guard_makes_the_token_the_requests_for_the_handler() {
    let manager = manager();
    let app = test::init_service(App::new().wrap(manager.clone()).service(admin_only)).await;
    let admin = manager
        .create_access_token_with(
            &"root",
            TokenOptions::default().user_claims(json!({"roles": "admin"})),
        )
        .unwrap();
    assert_eq!(
        send(&app, bearer("/admin", &admin)).await,
        (
            StatusCode::OK,
            json!({"admin": "root", "claims": {"roles": "admin"}})
        )
    );
    let user = manager.create_access_token(&"joe").unwrap();
    assert_eq!(
        send(&app, bearer("/admin", &user)).await,
        (StatusCode::FORBIDDEN, msg("Admins only!"))
    );
    assert_eq!(
        send(&app, test::TestRequest::get().uri("/admin")).await,
        (
            StatusCode::UNAUTHORIZED,
            msg("Missing Authorization Header")
        )
    );
}
#[actix_web::test]
async fn get_jwt_shares_the_requests_claims() {
    let manager = manager();
    let app = app!(manager);
    let token = manager.create_access_token(&"alice").unwrap();
    let (status, body) = send(&app, bearer("/shared", &token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["identity"], "alice");
    assert_eq!(
        body["shared"], true,
        "two get_jwt() calls must share one copy"
    );
    assert_eq!(
        body["raw"],
        serde_json::to_value(manager.decode_token(&token).unwrap().raw()).unwrap()
    );
}

/// 4.x's `verify_jwt_in_request(optional=True, verify_type=False, locations=["query_string"])`.
#[get("/in-code")]
async fn in_code(req: HttpRequest) -> Result<HttpResponse, JwtError> {
    let options = VerifyOptions::default()
        .optional(true)
        .verify_type(false)
        .locations([jwt_runtime::config::TokenLocation::QueryString]);
    let jwt = verify_jwt_in_request_with(&req, options).await?;
    Ok(HttpResponse::Ok().json(json!({
        "identity": jwt.as_ref().map(|jwt| jwt.identity::<String>().unwrap()),
        "type": jwt.map(|jwt| jwt.claims().token_type().as_str()),
    })))
}

#[actix_web::test]
async fn verify_jwt_in_request_with_options() {
    let manager = manager();
    let app = test::init_service(App::new().wrap(manager.clone()).service(in_code)).await;
    let get = |uri: String| test::TestRequest::get().uri(&uri);
    // No token: fine, optional.
    assert_eq!(
        send(&app, get("/in-code".to_owned())).await,
        (StatusCode::OK, json!({"identity": null, "type": null}))
    );
    // Either type, from the query string only.
    let refresh = manager.create_refresh_token(&"alice").unwrap();
    assert_eq!(
        send(&app, get(format!("/in-code?jwt={refresh}"))).await,
        (
            StatusCode::OK,
            json!({"identity": "alice", "type": "refresh"})
        )
    );
    let access = manager.create_access_token(&"bob").unwrap();
    assert_eq!(
        send(&app, bearer("/in-code", &access)).await,
        (StatusCode::OK, json!({"identity": null, "type": null}))
    );
    // A bad token is still refused.
    let (status, _) = send(&app, get("/in-code?jwt=not.a.token".to_owned())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
