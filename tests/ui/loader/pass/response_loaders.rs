// Every response loader, returning `HttpResponse` or `(Json<Value>, StatusCode)`.
use actix_web::http::StatusCode;
use jwt_runtime::prelude::*;
use actix_web::{HttpResponse, web};
use serde_json::json;

#[jwt::expired_token_loader]
fn expired(token: &Claims) -> HttpResponse {
    HttpResponse::Unauthorized()
        .json(json!({ "msg": format!("The {} token has expired", token.token_type()) }))
}

#[jwt::invalid_token_loader]
fn invalid(message: &str) -> (web::Json<serde_json::Value>, StatusCode) {
    (
        web::Json(json!({ "msg": message })),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

#[jwt::unauthorized_loader]
fn unauthorized(message: &str) -> HttpResponse {
    HttpResponse::Unauthorized().json(json!({ "msg": message }))
}

#[jwt::needs_fresh_token_loader]
fn needs_fresh() -> (web::Json<serde_json::Value>, StatusCode) {
    (
        web::Json(json!({ "msg": "Fresh token required" })),
        StatusCode::UNAUTHORIZED,
    )
}

#[jwt::revoked_token_loader]
fn revoked() -> HttpResponse {
    HttpResponse::Unauthorized().json(json!({ "msg": "Token has been revoked" }))
}

#[jwt::claims_verification_failed_loader]
fn claims_failed() -> (web::Json<serde_json::Value>, StatusCode) {
    (
        web::Json(json!({ "msg": "User claims verification failed" })),
        StatusCode::BAD_REQUEST,
    )
}

#[jwt::user_loader_error_loader]
fn user_error(identity: serde_json::Value) -> (web::Json<serde_json::Value>, StatusCode) {
    (
        web::Json(json!({ "msg": format!("Error loading the user {identity}") })),
        StatusCode::NOT_FOUND,
    )
}

fn main() {}
