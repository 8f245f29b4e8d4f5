//! flask-jwt-extended 4.x's loader names, registered by attribute: the
//! `additional_claims_loader`'s claims go into access and refresh tokens at the top level
//! (merged under a call's `additional_claims`), and the `token_in_blocklist_loader`,
//! given the header and payload, is asked for every token type in 4.x mode, with no
//! `JWT_BLACKLIST_*` option, except where a route skips it. The token verification and
//! user lookup loaders, and their error loaders, get the header and payload too.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, Responder, get, post, test};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{SECRET, bearer, send};
use serde_json::{Map, Value, json};

static REVOKED: Mutex<Option<HashSet<String>>> = Mutex::new(None);

fn revoke(jti: &str) {
    REVOKED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_insert_with(HashSet::new)
        .insert(jti.to_owned());
}

#[jwt::additional_claims_loader]
fn roles(identity: &Value) -> Value {
    json!({ "roles": if identity == "admin" { ["admin"] } else { ["user"] } })
}

#[jwt::token_in_blocklist_loader]
fn revoked(header: &Map<String, Value>, payload: &Map<String, Value>) -> bool {
    assert_eq!(header["alg"], "HS256");
    let jti = payload["jti"].as_str().unwrap_or_default();
    REVOKED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .is_some_and(|revoked| revoked.contains(jti))
}

#[jwt::token_verification_loader]
fn not_banned(_header: &Map<String, Value>, payload: &Map<String, Value>) -> bool {
    payload.get("banned") != Some(&Value::Bool(true))
}

#[jwt::token_verification_failed_loader]
fn banned(header: &Map<String, Value>, payload: &Map<String, Value>) -> HttpResponse {
    HttpResponse::Forbidden()
        .json(json!({ "banned": payload.get("sub"), "alg": header.get("alg") }))
}

#[jwt::user_lookup_loader]
fn lookup(_header: &Map<String, Value>, payload: &Map<String, Value>) -> Option<String> {
    // `sub` in 4.x mode; this binary's 3.x test names it `identity`.
    let name = payload
        .get("sub")
        .or_else(|| payload.get("identity"))?
        .as_str()?;
    (name != "ghost").then(|| format!("user:{name}"))
}

#[jwt::user_lookup_error_loader]
fn no_user(_header: &Map<String, Value>, payload: &Map<String, Value>) -> HttpResponse {
    HttpResponse::NotFound().json(json!({ "missing": payload.get("sub") }))
}

#[get("/me")]
#[jwt_required]
async fn me() -> impl Responder {
    HttpResponse::Ok().json(json!({ "user": get_current_user::<String>().as_deref() }))
}

#[get("/protected")]
#[jwt_required]
async fn protected() -> impl Responder {
    HttpResponse::Ok().json(json!({ "roles": get_jwt().unwrap().get("roles") }))
}

#[post("/refresh")]
#[jwt_required(refresh)]
async fn refresh() -> impl Responder {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[get("/skip")]
#[jwt_required(skip_revocation_check)]
async fn skip() -> impl Responder {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

fn manager() -> JwtManager {
    JwtManager::new(JwtConfig::v4().secret_key(SECRET)).unwrap()
}

#[actix_web::test]
async fn the_4x_loaders_by_attribute() {
    let manager = manager();
    // Additional claims at the top level, in refresh tokens too; a call's win.
    let access = manager.create_access_token(&"admin").unwrap();
    let claims = manager.decode_token(&access).unwrap();
    assert_eq!(claims.get("roles"), Some(&json!(["admin"])));
    assert!(claims.get("user_claims").is_none());
    let refresh_token = manager.create_refresh_token(&"alice").unwrap();
    let claims = manager.decode_token(&refresh_token).unwrap();
    assert_eq!(claims.get("roles"), Some(&json!(["user"])));
    let mut own = Map::new();
    own.insert("roles".to_owned(), json!(["auditor"]));
    let audited = manager
        .create_access_token_with(
            &"alice",
            jwt_runtime::TokenOptions::default().additional_claims(own),
        )
        .unwrap();
    assert_eq!(
        manager.decode_token(&audited).unwrap().get("roles"),
        Some(&json!(["auditor"]))
    );

    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .service(protected)
            .service(refresh)
            .service(skip),
    )
    .await;
    assert_eq!(
        send(&app, bearer("/protected", &access)).await,
        (StatusCode::OK, json!({"roles": ["admin"]}))
    );
    let post_refresh = || {
        test::TestRequest::post()
            .uri("/refresh")
            .insert_header(("Authorization", format!("Bearer {refresh_token}")))
    };
    assert_eq!(send(&app, post_refresh()).await.0, StatusCode::OK);
    // Revoked: refused for both token types, with no JWT_BLACKLIST_* option (4.x).
    for token in [&access, &refresh_token] {
        revoke(manager.decode_token(token).unwrap().jti().unwrap());
    }
    let revoked = (
        StatusCode::UNAUTHORIZED,
        json!({"msg": "Token has been revoked"}),
    );
    assert_eq!(send(&app, bearer("/protected", &access)).await, revoked);
    assert_eq!(send(&app, post_refresh()).await, revoked);
    // Except where the route skips the check.
    assert_eq!(
        send(&app, bearer("/skip", &access)).await,
        (StatusCode::OK, json!({"identity": "admin"}))
    );
}

#[::core::prelude::v1::test]
fn a_3x_manager_asks_the_4x_blocklist_loader_as_its_options_say() {
    // In 3.x mode the same slot follows JWT_BLACKLIST_ENABLED: off, nothing is asked.
    let manager = JwtManager::new(JwtConfig::default().secret_key(SECRET)).unwrap();
    let token = manager.create_access_token(&"carol").unwrap();
    revoke(manager.decode_token(&token).unwrap().jti().unwrap());
    let answer = actix_web::rt::System::new().block_on(async {
        let app = test::init_service(App::new().wrap(manager.clone()).service(protected)).await;
        send(&app, bearer("/protected", &token)).await
    });
    // Not asked (so not refused); and in 3.x the loader's claims are user claims.
    assert_eq!(answer, (StatusCode::OK, json!({"roles": null})));
    let claims = manager.decode_token(&token).unwrap();
    assert_eq!(claims.user_claims_value(), &json!({"roles": ["user"]}));
}

#[get("/optional")]
#[jwt_required(optional)]
async fn optional() -> impl Responder {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[get("/fresh")]
#[jwt_required(fresh)]
async fn fresh() -> impl Responder {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
}

#[get("/type")]
#[jwt_required]
async fn token_type() -> impl Responder {
    HttpResponse::Ok().json(json!({ "type": get_jwt().unwrap().get("type") }))
}

#[actix_web::test]
async fn verification_follows_4x() {
    let manager = JwtManager::new(
        JwtConfig::v4()
            .secret_key(SECRET)
            .encode_audience(["api"])
            .token_location([
                jwt_runtime::config::TokenLocation::Headers,
                jwt_runtime::config::TokenLocation::QueryString,
            ])
            .query_string_value_prefix("Bearer "),
    )
    .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .service(optional)
            .service(fresh)
            .service(token_type),
    )
    .await;
    // `aud` is checked only when JWT_DECODE_AUDIENCE is set: its own tokens decode.
    let token = manager.create_access_token(&"alice").unwrap();
    assert_eq!(
        manager.decode_token(&token).unwrap().get("aud"),
        Some(&json!("api"))
    );
    // An optional guard lets only a missing token through; a malformed one is answered.
    assert_eq!(
        send(&app, test::TestRequest::get().uri("/optional")).await,
        (StatusCode::OK, json!({"identity": null}))
    );
    let malformed = test::TestRequest::get()
        .uri("/optional")
        .insert_header(("Authorization", "Bearer a b"));
    assert_eq!(
        send(&app, malformed).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let unprefixed = test::TestRequest::get().uri(&format!("/optional?jwt={token}"));
    assert_eq!(
        send(&app, unprefixed).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A `type` other than refresh passes where an access token is wanted, kept as it is.
    let mut custom = Map::new();
    custom.insert("type".to_owned(), json!("service"));
    let service = manager
        .create_access_token_with(
            &"robot",
            jwt_runtime::TokenOptions::default().additional_claims(custom),
        )
        .unwrap();
    assert_eq!(
        send(&app, bearer("/type", &service)).await,
        (StatusCode::OK, json!({"type": "service"}))
    );
    let decoded = manager.decode_token(&service).unwrap();
    assert_eq!(
        (decoded.token_type(), decoded.type_name()),
        (jwt_runtime::config::TokenType::Other, "service")
    );
    // Refresh tokens are never fresh, whatever the call says.
    let refresh_token = manager
        .create_refresh_token_with(&"alice", jwt_runtime::TokenOptions::default().fresh(true))
        .unwrap();
    assert_eq!(
        manager.decode_token(&refresh_token).unwrap().get("fresh"),
        Some(&json!(false))
    );
    // 4.x's wording.
    let refresh_on_access = manager.create_refresh_token(&"alice").unwrap();
    assert_eq!(
        send(&app, bearer("/type", &refresh_on_access)).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"msg": "Only non-refresh tokens are allowed"})
        )
    );
    assert_eq!(
        send(&app, test::TestRequest::get().uri("/type")).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Missing JWT in headers or query_string (Missing Authorization Header; Missing 'jwt' query paramater)"})
        )
    );
    let two_words = test::TestRequest::get()
        .uri("/type")
        .insert_header(("Authorization", "Bearer a b"));
    assert_eq!(
        send(&app, two_words).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"msg": "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"})
        )
    );
    // Freshness is checked before revocation.
    revoke(manager.decode_token(&token).unwrap().jti().unwrap());
    assert_eq!(
        send(&app, bearer("/fresh", &token)).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Fresh token required"})
        )
    );
}

#[actix_web::test]
async fn verification_and_user_lookup_loaders_get_the_header_and_payload() {
    let manager = manager();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .service(me)
            .service(refresh),
    )
    .await;
    let banned = || {
        let mut claims = Map::new();
        claims.insert("banned".to_owned(), json!(true));
        jwt_runtime::TokenOptions::default().additional_claims(claims)
    };
    assert_eq!(
        send(
            &app,
            bearer("/me", &manager.create_access_token(&"dora").unwrap())
        )
        .await,
        (StatusCode::OK, json!({"user": "user:dora"}))
    );
    let refused = (
        StatusCode::FORBIDDEN,
        json!({"banned": "eve", "alg": "HS256"}),
    );
    let access = manager.create_access_token_with(&"eve", banned()).unwrap();
    assert_eq!(send(&app, bearer("/me", &access)).await, refused);
    // 4.x verifies refresh tokens too.
    let refresh_token = manager.create_refresh_token_with(&"eve", banned()).unwrap();
    let request = test::TestRequest::post()
        .uri("/refresh")
        .insert_header(("Authorization", format!("Bearer {refresh_token}")));
    assert_eq!(send(&app, request).await, refused);
    // No user: the error loader answers, from the payload.
    assert_eq!(
        send(
            &app,
            bearer("/me", &manager.create_access_token(&"ghost").unwrap())
        )
        .await,
        (StatusCode::NOT_FOUND, json!({"missing": "ghost"}))
    );
}

#[actix_web::test]
async fn the_authorization_header_is_read_as_4x_reads_it() {
    let manager = JwtManager::new(JwtConfig::v4().secret_key(SECRET)).unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .service(token_type)
            .service(optional),
    )
    .await;
    let token = manager.create_access_token(&"alice").unwrap();
    let with = |value: String| {
        test::TestRequest::get()
            .uri("/type")
            .insert_header(("Authorization", value))
    };
    let no_bearer = (
        StatusCode::UNAUTHORIZED,
        json!({"msg": "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'"}),
    );
    // Another scheme, a lowercase type, a bare token, two Bearer credentials, a blank
    // field: "no token here".
    for value in [
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l".to_owned(),
        format!("bearer {token}"),
        token.clone(),
        format!("Bearer {token}, Bearer {token}"),
        ", ,Basic abc".to_owned(),
        " , ,".to_owned(),
    ] {
        assert_eq!(send(&app, with(value.clone())).await, no_bearer, "{value}");
    }
    // Trimmed of whitespace and commas; the Bearer field among others.
    for value in [
        format!(" ,Bearer {token}, "),
        format!("Basic abc, Bearer {token}"),
        format!("Bearer {token},Basic abc"),
    ] {
        assert_eq!(
            send(&app, with(value.clone())).await.0,
            StatusCode::OK,
            "{value}"
        );
    }
    for value in [",,,", ""] {
        assert_eq!(
            send(&app, with(value.to_owned())).await,
            (
                StatusCode::UNAUTHORIZED,
                json!({"msg": "Missing Authorization Header"})
            ),
            "{value:?}"
        );
    }
    for value in ["Bearer", "Bearer a b", "Basic x, Bearer"] {
        assert_eq!(
            send(&app, with(value.to_owned())).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"msg": "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"})
            ),
            "{value}"
        );
    }
    // "No token" is what an optional guard lets through.
    let other_scheme = test::TestRequest::get()
        .uri("/optional")
        .insert_header(("Authorization", "Basic abc"));
    assert_eq!(
        send(&app, other_scheme).await,
        (StatusCode::OK, json!({"identity": null}))
    );
}
