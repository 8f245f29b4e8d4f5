// User loaders, sync and async, returning `Option<User>` and `Result<Option<User>, E>`,
// and the user loader error loader.
use jwt_runtime::prelude::*;
use actix_web::{App, HttpResponse, get};
use serde_json::json;

struct User {
    name: String,
}

#[derive(Debug)]
struct DbError;

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("database unavailable")
    }
}

#[jwt::user_loader_callback_loader]
fn load(identity: &str) -> Option<User> {
    Some(User {
        name: identity.to_owned(),
    })
}

#[jwt::user_loader_callback_loader]
async fn load_async(identity: String) -> Option<User> {
    std::future::ready(()).await;
    Some(User { name: identity })
}

#[jwt::user_loader_callback_loader]
fn load_result(identity: &str) -> Result<Option<User>, DbError> {
    if identity.is_empty() {
        return Err(DbError);
    }
    Ok(Some(User {
        name: identity.to_owned(),
    }))
}

#[jwt::user_loader_callback_loader]
async fn load_result_async(identity: String) -> Result<Option<User>, DbError> {
    std::future::ready(()).await;
    Ok((!identity.is_empty()).then(|| User { name: identity }))
}

#[jwt::user_loader_error_loader]
fn load_error(identity: &str) -> HttpResponse {
    HttpResponse::NotFound().json(json!({ "msg": format!("Error loading the user {identity}") }))
}

#[get("/me")]
#[jwt_required]
async fn me() -> HttpResponse {
    let user = get_current_user::<User>();
    HttpResponse::Ok().body(user.map(|u| u.name.clone()).unwrap_or_default())
}

fn main() {
    let _ = App::new().service(me);
}
