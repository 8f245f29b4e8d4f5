//! An app for the blocklist tests, whatever the store: the access + refresh recipe
//! (login puts the refresh token's `jti`/`exp` into the access token; logout revokes both),
//! a refresh endpoint, and a protected endpoint that counts its runs.

use actix_http::Request;
use actix_web::App;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{HttpResponse, delete, get, post, web};
use jwt_runtime::JwtManagerBuilder;
use jwt_runtime::blocklist::Blocklist;
use jwt_runtime::config::TokenType;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::Value;
use serde_json::json;

use crate::{Hits, SECRET, bearer, msg, send, with_bearer};

/// The store, as the handlers see it.
pub type Store = web::Data<dyn Blocklist>;

/// A builder with the blacklist on for both token types; no registered loaders.
pub fn builder(config: JwtConfig) -> JwtManagerBuilder {
    JwtManager::builder(
        config
            .secret_key(SECRET)
            .blacklist_enabled(true)
            .blacklist_token_checks([TokenType::Access, TokenType::Refresh]),
    )
    .ignore_registered_loaders()
}

/// The recipe's user claims: which refresh token goes with this access token.
fn refresh_link(refresh: &Claims) -> Value {
    json!({"refresh_jti": refresh.jti(), "refresh_exp": refresh.expires_at()})
}

#[post("/login")]
async fn login_route(body: web::Json<Value>) -> Result<HttpResponse, JwtError> {
    let Some(user) = body.get("username").and_then(Value::as_str) else {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    };
    let refresh_token = create_refresh_token(&user)?;
    let refresh = decode_token(&refresh_token)?;
    let options = TokenOptions::default().user_claims(refresh_link(&refresh));
    Ok(HttpResponse::Ok().json(json!({
        "access_token": create_access_token_with(&user, options)?,
        "refresh_token": refresh_token,
    })))
}

#[post("/refresh")]
#[jwt_refresh_token_required]
async fn refresh_route(runs: web::Data<Hits>) -> Result<HttpResponse, JwtError> {
    runs.hit();
    let refresh = get_jwt().ok_or_else(|| JwtError::Internal("no token".to_owned()))?;
    let options = TokenOptions::default().user_claims(refresh_link(&refresh));
    let user = get_jwt_identity::<String>();
    Ok(HttpResponse::Ok()
        .json(json!({ "access_token": create_access_token_with(&user, options)? })))
}

/// Revokes the access token and the refresh token it names.
#[delete("/logout")]
#[jwt_required]
async fn logout_route(store: Store) -> HttpResponse {
    let Some(access) = get_jwt() else {
        return HttpResponse::InternalServerError().finish();
    };
    let link = access.user_claims_value();
    let refresh_jti = link["refresh_jti"].as_str();
    let refresh_exp = link["refresh_exp"].as_i64();
    let mut result = store.revoke(&access).await;
    if let (Ok(()), Some(jti)) = (&result, refresh_jti) {
        result = store.revoke_jti(jti, refresh_exp).await;
    }
    match result {
        Ok(()) => HttpResponse::Ok().json(json!({"msg": "Successfully logged out"})),
        Err(error) => HttpResponse::ServiceUnavailable().json(json!({"msg": error.to_string()})),
    }
}

#[get("/protected")]
#[jwt_required]
async fn protected_route(runs: web::Data<Hits>) -> HttpResponse {
    runs.hit();
    HttpResponse::Ok().json(json!({ "hello": get_jwt_identity::<String>() }))
}

/// The routes; the App needs [`Store`] and `web::Data<Hits>` as app data.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(login_route)
        .service(refresh_route)
        .service(logout_route)
        .service(protected_route);
}

/// An in-process App with [`routes`], wrapped with `manager`, with `store` and `runs` as
/// app data.
pub fn app(
    manager: &JwtManager,
    store: &Store,
    runs: &web::Data<Hits>,
) -> impl Future<
    Output = impl Service<
        Request,
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = actix_web::Error,
    > + use<>,
> + use<> {
    test::init_service(
        App::new()
            .wrap(manager.clone())
            .app_data(store.clone())
            .app_data(runs.clone())
            .configure(routes),
    )
}

/// `GET /protected` with `token` as bearer.
#[must_use]
pub fn protected_request(token: &str) -> TestRequest {
    bearer("/protected", token)
}

/// `POST /refresh` with `token` as bearer.
#[must_use]
pub fn refresh_request(token: &str) -> TestRequest {
    with_bearer(TestRequest::post().uri("/refresh"), token)
}

/// `DELETE /logout` with `token` as bearer.
#[must_use]
pub fn logout_request(token: &str) -> TestRequest {
    with_bearer(TestRequest::delete().uri("/logout"), token)
}

/// `(access_token, refresh_token)` of a login.
pub async fn login_tokens<S, B>(app: &S, user: &str) -> (String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let request = TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": user}));
    let (status, body) = send(app, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = |name: &str| body[name].as_str().map(str::to_owned);
    (
        token("access_token").unwrap_or_default(),
        token("refresh_token").unwrap_or_default(),
    )
}

/// The recipe end to end against `app`: both tokens work, logout revokes both, a new login
/// is unaffected. Returns the revoked `(access, refresh)`.
pub async fn logout_revokes_both<S, B>(app: &S, runs: &Hits) -> (String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (access, refresh) = login_tokens(app, "alice").await;
    let before = runs.count();
    assert_eq!(
        send(app, protected_request(&access)).await,
        (StatusCode::OK, json!({"hello": "alice"}))
    );
    let (status, body) = send(app, refresh_request(&refresh)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refreshed = body["access_token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(runs.count(), before + 2);

    assert_eq!(
        send(app, logout_request(&access)).await,
        (StatusCode::OK, msg("Successfully logged out"))
    );
    let revoked = (StatusCode::UNAUTHORIZED, msg("Token has been revoked"));
    assert_eq!(send(app, protected_request(&access)).await, revoked);
    assert_eq!(send(app, refresh_request(&refresh)).await, revoked);
    assert_eq!(send(app, logout_request(&access)).await, revoked);
    assert_eq!(
        runs.count(),
        before + 2,
        "no handler ran for a revoked token"
    );

    // An access token minted by /refresh names the same refresh token: its logout (here a
    // second one) revokes it too, and the refresh token stays revoked.
    assert_eq!(
        send(app, logout_request(&refreshed)).await,
        (StatusCode::OK, msg("Successfully logged out"))
    );
    assert_eq!(send(app, protected_request(&refreshed)).await, revoked);

    // Another login is unaffected.
    let (access2, refresh2) = login_tokens(app, "alice").await;
    assert_eq!(
        send(app, protected_request(&access2)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(app, refresh_request(&refresh2)).await.0,
        StatusCode::OK
    );
    (access, refresh)
}
