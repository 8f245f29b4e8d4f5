//! Authorization in the attribute, through real requests: `scopes` (a `scope` string, an
//! array, `scp`, `JWT_SCOPE_CLAIM`), `roles` (user claims, a JSON Pointer, 4.x's top
//! level), `check` (plain, `async`, with the request, failing, panicking), all required, on
//! every guard attribute; the `insufficient_scope_loader`; RFC 6750 challenges; top-level
//! claims in 3.x tokens; and the `custom` token location.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::{self, TestRequest};
use actix_web::{App, HttpRequest, HttpResponse, Responder, get, post};
use jwt_runtime::config::TokenLocation;
use jwt_runtime::prelude::*;
use jwt_runtime::{Claims, JwtConfig, JwtManager, Missing, TokenOptions};
use jwt_tests::{bearer, call, msg, ran, runs, send};
use serde_json::{Value, json};

use super::builder;

fn answer() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[get("/scoped")]
#[jwt_required(scopes = ["items:read"])]
async fn scoped() -> impl Responder {
    answer()
}

#[get("/two-scopes")]
#[jwt_required(scopes = ["items:read", "items:write"])]
async fn two_scopes() -> impl Responder {
    answer()
}

#[get("/admin")]
#[jwt_required(roles = ["admin"])]
async fn admin() -> impl Responder {
    answer()
}

fn is_alice(claims: &Claims) -> bool {
    claims.identity_value() == "alice"
}

async fn is_alice_later(claims: &Claims) -> bool {
    actix_web::rt::task::yield_now().await;
    claims.identity_value() == "alice"
}

/// The owner of `/items/{owner}`: the path names the identity.
fn owns_item(claims: &Claims, request: &HttpRequest) -> bool {
    // Both present and equal: a route without `{owner}` or a non-string identity is refused.
    matches!(
        (request.match_info().get("owner"), claims.identity_value().as_str()),
        (Some(owner), Some(identity)) if owner == identity
    )
}

fn check_store_down(_: &Claims) -> Result<bool, String> {
    Err("the permission store is down".to_owned())
}

#[allow(clippy::panic, reason = "a check that panics")]
fn check_panics(_: &Claims) -> bool {
    panic!("a bug in the check")
}

#[get("/alice-only")]
#[jwt_required(check = is_alice)]
async fn alice_only() -> impl Responder {
    answer()
}

#[get("/alice-only-async")]
#[jwt_required(check = is_alice_later)]
async fn alice_only_async() -> impl Responder {
    answer()
}

#[get("/items/{owner}")]
#[jwt_required(check = owns_item)]
async fn item() -> impl Responder {
    answer()
}

#[get("/failing-check")]
#[jwt_required(check = check_store_down)]
async fn failing_check() -> impl Responder {
    answer()
}

#[get("/panicking-check")]
#[jwt_required(check = check_panics)]
async fn panicking_check() -> impl Responder {
    answer()
}

#[get("/everything")]
#[jwt_required(scopes = ["items:read"], roles = ["admin"], check = is_alice)]
async fn everything() -> impl Responder {
    answer()
}

#[get("/optional-scoped")]
#[jwt_optional(scopes = ["items:read"])]
async fn optional_scoped() -> impl Responder {
    answer()
}

#[get("/fresh-admin")]
#[fresh_jwt_required(roles = ["admin"])]
async fn fresh_admin() -> impl Responder {
    answer()
}

#[post("/refresh-scoped")]
#[jwt_refresh_token_required(scopes = ["offline_access"])]
async fn refresh_scoped() -> impl Responder {
    answer()
}

#[get("/v4-options-scoped")]
#[jwt_required(optional, scopes = ["items:read"])]
async fn v4_options_scoped() -> impl Responder {
    answer()
}

#[get("/custom-only")]
#[jwt_required(locations = [custom])]
async fn custom_only() -> impl Responder {
    answer()
}

#[get("/verify-with-options")]
async fn verify_with_options(req: HttpRequest) -> Result<HttpResponse, JwtError> {
    let options = VerifyOptions::default()
        .scopes(&["items:read"])
        .roles(&["admin"]);
    verify_jwt_in_request_with(&req, options).await?;
    Ok(answer())
}

macro_rules! app {
    ($manager:expr) => {
        test::init_service(
            App::new()
                .wrap($manager.clone())
                .service(scoped)
                .service(two_scopes)
                .service(admin)
                .service(alice_only)
                .service(alice_only_async)
                .service(item)
                .service(failing_check)
                .service(panicking_check)
                .service(everything)
                .service(optional_scoped)
                .service(fresh_admin)
                .service(refresh_scoped)
                .service(v4_options_scoped)
                .service(custom_only)
                .service(verify_with_options),
        )
        .await
    };
}

fn claims(pairs: Value) -> Vec<(String, Value)> {
    let Value::Object(map) = pairs else {
        panic!("claims are an object: {pairs}");
    };
    map.into_iter().collect()
}

/// An access token for `identity` with these top-level claims and user claims.
fn token(manager: &JwtManager, identity: &str, top: Value, user_claims: Value) -> String {
    manager
        .create_access_token_with(
            &identity,
            TokenOptions::default()
                .claims(claims(top))
                .user_claims(user_claims)
                .fresh(true),
        )
        .unwrap()
}

#[actix_web::test]
async fn scopes_come_from_a_space_separated_scope_an_array_or_scp() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let app = app!(manager);
    for (top, expected) in [
        (json!({"scope": "openid items:read"}), StatusCode::OK),
        (json!({"scope": ["items:read"]}), StatusCode::OK),
        (json!({"scp": "items:read"}), StatusCode::OK),
        (json!({"scp": ["profile", "items:read"]}), StatusCode::OK),
        (json!({"scope": "items:reader"}), StatusCode::FORBIDDEN),
        (json!({"scope": "ITEMS:READ"}), StatusCode::FORBIDDEN),
        (json!({"scope": 7}), StatusCode::FORBIDDEN),
        // `scope` is read first; `scp` only when a token has no `scope`.
        (
            json!({"scope": "openid", "scp": "items:read"}),
            StatusCode::FORBIDDEN,
        ),
        (json!({}), StatusCode::FORBIDDEN),
    ] {
        let before = runs();
        let token = token(&manager, "alice", top.clone(), json!({}));
        let (status, body) = send(&app, bearer("/scoped", &token)).await;
        assert_eq!(status, expected, "{top}: {body}");
        if expected == StatusCode::FORBIDDEN {
            assert_eq!(body, msg(r#"Missing scope "items:read""#), "{top}");
            assert_eq!(
                runs(),
                before,
                "the handler never runs when a scope is missing"
            );
        } else {
            assert_eq!(body, json!({"identity": "alice"}));
        }
    }
}

#[actix_web::test]
async fn every_scope_is_required_and_the_first_missing_one_is_named() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let app = app!(manager);
    let read_only = token(&manager, "alice", json!({"scope": "items:read"}), json!({}));
    let (status, body) = send(&app, bearer("/two-scopes", &read_only)).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, msg(r#"Missing scope "items:write""#))
    );
    let both = token(
        &manager,
        "alice",
        json!({"scope": "items:write items:read"}),
        json!({}),
    );
    assert_eq!(
        send(&app, bearer("/two-scopes", &both)).await.0,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn jwt_scope_claim_names_the_only_claim_read() {
    let manager = builder(JwtConfig::default().scope_claim("permissions"))
        .build()
        .unwrap();
    let app = app!(manager);
    let permitted = token(
        &manager,
        "alice",
        json!({"permissions": ["items:read"]}),
        json!({}),
    );
    assert_eq!(
        send(&app, bearer("/scoped", &permitted)).await.0,
        StatusCode::OK
    );
    let scope_only = token(&manager, "alice", json!({"scope": "items:read"}), json!({}));
    assert_eq!(
        send(&app, bearer("/scoped", &scope_only)).await.0,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn roles_come_from_the_user_claims_in_3x_and_the_top_level_in_4x() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let app = app!(manager);
    let admin_token = token(&manager, "alice", json!({}), json!({"roles": ["admin"]}));
    assert_eq!(
        send(&app, bearer("/admin", &admin_token)).await.0,
        StatusCode::OK
    );
    let spaced = token(&manager, "alice", json!({}), json!({"roles": "user admin"}));
    assert_eq!(
        send(&app, bearer("/admin", &spaced)).await.0,
        StatusCode::OK
    );
    let user = token(&manager, "alice", json!({}), json!({"roles": ["user"]}));
    let (status, body) = send(&app, bearer("/admin", &user)).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, msg(r#"Missing role "admin""#))
    );
    // In 3.x a top-level `roles` claim is not where roles are read.
    let top = token(&manager, "alice", json!({"roles": ["admin"]}), json!({}));
    assert_eq!(
        send(&app, bearer("/admin", &top)).await.0,
        StatusCode::FORBIDDEN
    );

    let v4 = builder(JwtConfig::v4()).build().unwrap();
    let app = app!(v4);
    let admin_token = v4
        .create_access_token_with(
            &"alice",
            TokenOptions::default().claims(claims(json!({"roles": ["admin"]}))),
        )
        .unwrap();
    assert_eq!(
        send(&app, bearer("/admin", &admin_token)).await.0,
        StatusCode::OK
    );
    let user = v4
        .create_access_token_with(
            &"alice",
            TokenOptions::default().claims(claims(json!({"roles": ["user"]}))),
        )
        .unwrap();
    assert_eq!(
        send(&app, bearer("/admin", &user)).await.0,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn a_json_pointer_reaches_nested_roles() {
    let manager = builder(JwtConfig::v4().roles_claim("/realm_access/roles"))
        .build()
        .unwrap();
    let app = app!(manager);
    let keycloak_like = manager
        .create_access_token_with(
            &"alice",
            TokenOptions::default().claims(claims(
                json!({"realm_access": {"roles": ["offline", "admin"]}}),
            )),
        )
        .unwrap();
    assert_eq!(
        send(&app, bearer("/admin", &keycloak_like)).await.0,
        StatusCode::OK
    );
    let flat = manager
        .create_access_token_with(
            &"alice",
            TokenOptions::default().claims(claims(json!({"roles": ["admin"]}))),
        )
        .unwrap();
    assert_eq!(
        send(&app, bearer("/admin", &flat)).await.0,
        StatusCode::FORBIDDEN
    );
    let error = builder(JwtConfig::default().roles_claim("/a~2"))
        .build()
        .unwrap_err();
    assert_eq!(error.option(), Some("JWT_ROLES_CLAIM"), "{error}");
}

#[actix_web::test]
async fn a_json_pointer_starts_at_the_whole_payload_in_3x_too() {
    // An identity provider's top-level roles, verified in 3.x mode.
    let manager = builder(JwtConfig::default().roles_claim("/realm_access/roles"))
        .build()
        .unwrap();
    let app = app!(manager);
    let top = token(
        &manager,
        "alice",
        json!({"realm_access": {"roles": ["admin"]}}),
        json!({}),
    );
    assert_eq!(send(&app, bearer("/admin", &top)).await.0, StatusCode::OK);
    let nested = token(
        &manager,
        "alice",
        json!({}),
        json!({"realm_access": {"roles": ["admin"]}}),
    );
    assert_eq!(
        send(&app, bearer("/admin", &nested)).await.0,
        StatusCode::FORBIDDEN
    );
    // 3.x's nesting, spelled out.
    let manager = builder(JwtConfig::default().roles_claim("/user_claims/roles"))
        .build()
        .unwrap();
    let app = app!(manager);
    let admin_token = token(&manager, "alice", json!({}), json!({"roles": ["admin"]}));
    assert_eq!(
        send(&app, bearer("/admin", &admin_token)).await.0,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn checks_are_plain_or_async_and_may_read_the_request() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let app = app!(manager);
    let alice = token(&manager, "alice", json!({}), json!({}));
    let bob = token(&manager, "bob", json!({}), json!({}));
    for route in ["/alice-only", "/alice-only-async"] {
        assert_eq!(
            send(&app, bearer(route, &alice)).await.0,
            StatusCode::OK,
            "{route}"
        );
        let (status, body) = send(&app, bearer(route, &bob)).await;
        assert_eq!(
            (status, body),
            (StatusCode::FORBIDDEN, msg("Permission denied")),
            "{route}"
        );
    }
    assert_eq!(
        send(&app, bearer("/items/bob", &bob)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, bearer("/items/bob", &alice)).await.0,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn a_failing_or_panicking_check_answers_500_and_the_handler_never_runs() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let app = app!(manager);
    let alice = token(&manager, "alice", json!({}), json!({}));
    let before = runs();
    for route in ["/failing-check", "/panicking-check"] {
        let (status, body) = send(&app, bearer(route, &alice)).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                msg("Internal server error")
            )
        );
    }
    assert_eq!(runs(), before);
}

#[actix_web::test]
async fn scopes_roles_and_check_are_all_required_in_that_order() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let app = app!(manager);
    let cases = [
        (
            "bob",
            json!({}),
            json!({}),
            Some(r#"Missing scope "items:read""#),
        ),
        (
            "bob",
            json!({"scope": "items:read"}),
            json!({}),
            Some(r#"Missing role "admin""#),
        ),
        (
            "bob",
            json!({"scope": "items:read"}),
            json!({"roles": ["admin"]}),
            Some("Permission denied"),
        ),
        (
            "alice",
            json!({"scope": "items:read"}),
            json!({"roles": ["admin"]}),
            None,
        ),
    ];
    for (identity, top, user_claims, refused) in cases {
        let token = token(&manager, identity, top, user_claims);
        let (status, body) = send(&app, bearer("/everything", &token)).await;
        match refused {
            Some(message) => assert_eq!((status, body), (StatusCode::FORBIDDEN, msg(message))),
            None => assert_eq!(status, StatusCode::OK, "{body}"),
        }
    }
}

#[actix_web::test]
async fn every_guard_attribute_takes_a_requirement() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let app = app!(manager);
    // Optional: no token is anonymous; a token must meet the requirement.
    for route in ["/optional-scoped", "/v4-options-scoped"] {
        let (status, body) = send(&app, TestRequest::get().uri(route)).await;
        assert_eq!(
            (status, body),
            (StatusCode::OK, json!({"identity": null})),
            "{route}"
        );
        let unscoped = token(&manager, "alice", json!({}), json!({}));
        assert_eq!(
            send(&app, bearer(route, &unscoped)).await.0,
            StatusCode::FORBIDDEN
        );
        let scoped_token = token(&manager, "alice", json!({"scope": "items:read"}), json!({}));
        assert_eq!(
            send(&app, bearer(route, &scoped_token)).await.0,
            StatusCode::OK
        );
    }
    // Fresh: freshness is checked first (401), then the role (403).
    // A stale token without the role: freshness answers, so it is checked first.
    let stale = manager
        .create_access_token_with(
            &"alice",
            TokenOptions::default().user_claims(json!({"roles": ["user"]})),
        )
        .unwrap();
    let (status, body) = send(&app, bearer("/fresh-admin", &stale)).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, msg("Fresh token required"))
    );
    let fresh_user = token(&manager, "alice", json!({}), json!({"roles": ["user"]}));
    assert_eq!(
        send(&app, bearer("/fresh-admin", &fresh_user)).await.0,
        StatusCode::FORBIDDEN
    );
    let fresh_admin_token = token(&manager, "alice", json!({}), json!({"roles": ["admin"]}));
    assert_eq!(
        send(&app, bearer("/fresh-admin", &fresh_admin_token))
            .await
            .0,
        StatusCode::OK
    );
    // Refresh tokens carry top-level claims too.
    let refresh = |scope: &str| {
        manager
            .create_refresh_token_with(
                &"alice",
                TokenOptions::default().claims(claims(json!({"scope": scope}))),
            )
            .unwrap()
    };
    let post = |token: &str| {
        TestRequest::post()
            .uri("/refresh-scoped")
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
    };
    assert_eq!(
        send(&app, post(&refresh("offline_access"))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, post(&refresh("openid"))).await.0,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn verify_options_take_scopes_and_roles() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let app = app!(manager);
    let scoped_user = token(
        &manager,
        "alice",
        json!({"scope": "items:read"}),
        json!({"roles": ["user"]}),
    );
    let (status, body) = send(&app, bearer("/verify-with-options", &scoped_user)).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, msg(r#"Missing role "admin""#))
    );
    let scoped_admin = token(
        &manager,
        "alice",
        json!({"scope": "items:read"}),
        json!({"roles": ["admin"]}),
    );
    assert_eq!(
        send(&app, bearer("/verify-with-options", &scoped_admin))
            .await
            .0,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn the_insufficient_scope_loader_answers_with_what_was_missing() {
    let manager = builder(JwtConfig::default().error_message_key("message"))
        .insufficient_scope_loader(|denied| {
            let missing = match denied.missing() {
                Missing::Scope(scope) => format!("scope {scope}"),
                Missing::Role(role) => format!("role {role}"),
                _ => "check".to_owned(),
            };
            HttpResponse::NotFound().json(json!({
                "missing": missing,
                "required": denied.required_scopes(),
                "identity": denied.token().identity_value(),
                // The refused token is visible to the loaders, as for the other loaders.
                "seen": get_jwt_identity::<Value>(),
            }))
        })
        .build()
        .unwrap();
    let app = app!(manager);
    let bob = token(&manager, "bob", json!({"scope": "items:read"}), json!({}));
    let (status, body) = send(&app, bearer("/two-scopes", &bob)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"missing": "scope items:write", "required": ["items:read", "items:write"], "identity": "bob", "seen": "bob"})
    );
    let (_, body) = send(&app, bearer("/admin", &bob)).await;
    assert_eq!(body["missing"], "role admin");
    // Without a loader, the default body uses the configured message key.
    let plain = builder(JwtConfig::default().error_message_key("message"))
        .build()
        .unwrap();
    let app = app!(plain);
    let (status, body) = send(&app, bearer("/admin", &bob)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"message": r#"Missing role "admin""#})
        )
    );
}

#[actix_web::test]
async fn claims_verification_still_answers_400_before_any_requirement() {
    let manager = builder(JwtConfig::default())
        .claims_verification_loader(|claims| claims.user_claims_value().get("banned").is_none())
        .build()
        .unwrap();
    let app = app!(manager);
    let banned = token(&manager, "alice", json!({}), json!({"banned": true}));
    let (status, body) = send(&app, bearer("/admin", &banned)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            msg("User claims verification failed")
        )
    );
}

fn challenge(reply: &jwt_tests::Reply) -> Option<&str> {
    reply
        .headers
        .get(header::WWW_AUTHENTICATE)
        .map(|value| value.to_str().unwrap())
}

#[actix_web::test]
async fn rfc_6750_challenges_are_off_by_default() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let app = app!(manager);
    let reply = call(&app, TestRequest::get().uri("/scoped").to_request()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenge(&reply), None);
    let unscoped = token(&manager, "alice", json!({}), json!({}));
    let reply = call(&app, bearer("/scoped", &unscoped).to_request()).await;
    assert_eq!(challenge(&reply), None);
}

#[actix_web::test]
async fn rfc_6750_challenges_name_the_error_and_the_scope() {
    let manager = builder(JwtConfig::default().www_authenticate(true))
        .build()
        .unwrap();
    let app = app!(manager);
    // No token: the scheme alone.
    let reply = call(&app, TestRequest::get().uri("/scoped").to_request()).await;
    assert_eq!(
        (reply.status, challenge(&reply)),
        (StatusCode::UNAUTHORIZED, Some("Bearer"))
    );
    // A refused token: `invalid_token`, the message (quotes made RFC-safe).
    let expired = manager
        .create_access_token_with(
            &"alice",
            TokenOptions::default().expires(std::time::Duration::from_secs(1)),
        )
        .unwrap();
    let past = builder(JwtConfig::default().www_authenticate(true))
        .clock(|| std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    let later = app!(past);
    let reply = call(&later, bearer("/scoped", &expired).to_request()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        challenge(&reply),
        Some(r#"Bearer error="invalid_token", error_description="Token has expired""#)
    );
    // A missing scope: 403 with `insufficient_scope` and the route's scopes.
    let unscoped = token(&manager, "alice", json!({"scope": "items:read"}), json!({}));
    let reply = call(&app, bearer("/two-scopes", &unscoped).to_request()).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        challenge(&reply),
        Some(
            r#"Bearer error="insufficient_scope", scope="items:read items:write", error_description="Missing scope 'items:write'""#
        )
    );
    // A missing role: `insufficient_scope`, no scope to name.
    let reply = call(&app, bearer("/admin", &unscoped).to_request()).await;
    assert_eq!(
        challenge(&reply),
        Some(r#"Bearer error="insufficient_scope", error_description="Missing role 'admin'""#)
    );
    // A scope held and a role missing: no `scope` to ask for.
    let reply = call(&app, bearer("/everything", &unscoped).to_request()).await;
    assert_eq!(
        challenge(&reply),
        Some(r#"Bearer error="insufficient_scope", error_description="Missing role 'admin'""#)
    );
    // A malformed token answers 422, which carries no challenge.
    let reply = call(&app, bearer("/scoped", "not.a.token").to_request()).await;
    assert_eq!(
        (reply.status, challenge(&reply)),
        (StatusCode::UNPROCESSABLE_ENTITY, None)
    );
    // The realm, when configured, leads every challenge.
    let realm = builder(
        JwtConfig::default()
            .www_authenticate(true)
            .www_authenticate_realm("items"),
    )
    .build()
    .unwrap();
    let app = app!(realm);
    let reply = call(&app, TestRequest::get().uri("/scoped").to_request()).await;
    assert_eq!(challenge(&reply), Some(r#"Bearer realm="items""#));
    let no_scope = token(&realm, "alice", json!({}), json!({}));
    let reply = call(&app, bearer("/scoped", &no_scope).to_request()).await;
    assert_eq!(
        challenge(&reply),
        Some(
            r#"Bearer realm="items", error="insufficient_scope", scope="items:read", error_description="Missing scope 'items:read'""#
        )
    );
}

#[actix_web::test]
async fn challenges_are_added_to_loader_answers_unless_they_set_one() {
    let manager = builder(
        JwtConfig::default()
            .www_authenticate(true)
            .header_type("JWT")
            .blacklist_enabled(true),
    )
    .unauthorized_loader(|message| HttpResponse::Unauthorized().body(message.to_owned()))
    // A loader that hides the route (404) gets no challenge.
    .insufficient_scope_loader(|_| HttpResponse::NotFound().finish())
    .revoked_token_loader(|| {
        HttpResponse::Unauthorized()
            .insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("JWT realm=\"api\""),
            ))
            .finish()
    })
    .token_in_blacklist_loader(|claims| claims.identity_value() == "revoked")
    .build()
    .unwrap();
    let app = app!(manager);
    let reply = call(&app, TestRequest::get().uri("/scoped").to_request()).await;
    // The scheme is RFC 6750's `Bearer`, whatever `JWT_HEADER_TYPE` the header uses.
    assert_eq!(
        (reply.status, challenge(&reply)),
        (StatusCode::UNAUTHORIZED, Some("Bearer"))
    );
    assert_eq!(reply.text(), "Missing Authorization Header");
    let unscoped = manager.create_access_token(&"alice").unwrap();
    let request = TestRequest::get()
        .uri("/scoped")
        .insert_header((header::AUTHORIZATION, format!("JWT {unscoped}")));
    let reply = call(&app, request.to_request()).await;
    assert_eq!(
        (reply.status, challenge(&reply)),
        (StatusCode::NOT_FOUND, None)
    );
    let revoked = manager.create_access_token(&"revoked").unwrap();
    let request = TestRequest::get()
        .uri("/scoped")
        .insert_header((header::AUTHORIZATION, format!("JWT {revoked}")));
    let reply = call(&app, request.to_request()).await;
    assert_eq!(challenge(&reply), Some("JWT realm=\"api\""));
}

#[actix_web::test]
async fn top_level_claims_in_3x_tokens_never_take_a_layout_claim() {
    let manager = builder(JwtConfig::default()).build().unwrap();
    let token = manager
        .create_access_token_with(
            &"alice",
            TokenOptions::default()
                .claims(claims(json!({"scope": "a", "tenant": 7})))
                .user_claims(json!({"roles": ["x"]})),
        )
        .unwrap();
    let decoded = manager.decode_token(&token).unwrap();
    assert_eq!(decoded.get("scope"), Some(&json!("a")));
    assert_eq!(decoded.get("tenant"), Some(&json!(7)));
    assert_eq!(decoded.user_claims_value(), &json!({"roles": ["x"]}));
    let layout = [
        "iat",
        "nbf",
        "exp",
        "iss",
        "aud",
        "jti",
        "type",
        "fresh",
        "csrf",
        "fam",
        "identity",
        "user_claims",
    ];
    for taken in layout {
        assert!(manager.is_reserved_claim(taken), "{taken}");
        let error = manager
            .create_access_token_with(
                &"alice",
                TokenOptions::default().claims([(taken.to_owned(), json!("forged"))]),
            )
            .unwrap_err();
        assert!(
            error.to_string().contains(&format!("`{taken}`")),
            "{taken}: {error}"
        );
    }
    // Renamed identity and user claims are theirs too; the old names are free.
    let renamed = builder(
        JwtConfig::default()
            .identity_claim("sub")
            .user_claims("ctx"),
    )
    .build()
    .unwrap();
    assert!(renamed.is_reserved_claim("sub") && renamed.is_reserved_claim("ctx"));
    assert!(!renamed.is_reserved_claim("identity") && !renamed.is_reserved_claim("user_claims"));
    // 4.x lets its additional claims override the library's, as 4.x does.
    let v4 = builder(JwtConfig::v4()).build().unwrap();
    assert!(!v4.is_reserved_claim("type"));
    // A repeated name is written once, with its last value.
    let token = manager
        .create_access_token_with(
            &"alice",
            TokenOptions::default().claims([
                ("scope".to_owned(), json!("a")),
                ("scope".to_owned(), json!("b")),
            ]),
        )
        .unwrap();
    let payload = jwt_tests::segment_text(&token, 1);
    let keys = jwt_tests::keys_in_order(&payload);
    assert_eq!(
        keys.iter().filter(|key| *key == "scope").count(),
        1,
        "{payload}"
    );
    assert_eq!(
        manager.decode_token(&token).unwrap().get("scope"),
        Some(&json!("b"))
    );
}

/// `Sec-WebSocket-Protocol: access_token, <JWT>`, as browsers' WebSocket API can send it.
fn websocket_protocol(req: &HttpRequest) -> Option<String> {
    let protocols = req.headers().get("sec-websocket-protocol")?.to_str().ok()?;
    let (scheme, token) = protocols.split_once(',')?;
    (scheme.trim() == "access_token").then(|| token.trim().to_owned())
}

fn websocket(uri: &str, token: &str) -> TestRequest {
    TestRequest::get()
        .uri(uri)
        .insert_header(("sec-websocket-protocol", format!("access_token, {token}")))
}

#[actix_web::test]
async fn the_custom_location_reads_the_token_source_with_every_rule() {
    let manager = builder(
        JwtConfig::default()
            .token_location([TokenLocation::Headers, TokenLocation::Custom])
            .max_token_size(600_usize),
    )
    .token_source_loader(websocket_protocol)
    .build()
    .unwrap();
    let app = app!(manager);
    let scoped_token = token(&manager, "alice", json!({"scope": "items:read"}), json!({}));
    let (status, body) = send(&app, websocket("/scoped", &scoped_token)).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"identity": "alice"}))
    );
    // The requirement, the signature and the size cap all apply.
    let unscoped = token(&manager, "alice", json!({}), json!({}));
    assert_eq!(
        send(&app, websocket("/scoped", &unscoped)).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = send(&app, websocket("/scoped", &format!("{scoped_token}x"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let huge = token(
        &manager,
        "alice",
        json!({"scope": "items:read", "pad": "p".repeat(700)}),
        json!({}),
    );
    let (status, body) = send(&app, websocket("/scoped", &huge)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Nowhere: both locations say what they missed.
    let (status, body) = send(&app, TestRequest::get().uri("/scoped")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        msg(
            "Missing JWT in headers or custom (Missing Authorization Header; Missing JWT from the custom token source)"
        )
    );
}

#[actix_web::test]
async fn a_custom_token_is_never_a_cookie_so_no_csrf_is_asked() {
    let manager = builder(
        JwtConfig::default().token_location([TokenLocation::Cookies, TokenLocation::Custom]),
    )
    .token_source_loader(|req: &HttpRequest| {
        let value = req.headers().get("x-gateway-token")?;
        value.to_str().ok().map(str::to_owned)
    })
    .build()
    .unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).service(refresh_scoped)).await;
    let refresh = manager
        .create_refresh_token_with(
            &"alice",
            TokenOptions::default().claims(claims(json!({"scope": "offline_access"}))),
        )
        .unwrap();
    // The custom source on a POST: no CSRF value needed.
    let request = TestRequest::post()
        .uri("/refresh-scoped")
        .insert_header(("x-gateway-token", refresh.clone()));
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
    // The same token as a cookie: the cookie location asks for its CSRF value.
    let request =
        TestRequest::post()
            .uri("/refresh-scoped")
            .cookie(actix_web::cookie::Cookie::new(
                "refresh_token_cookie",
                refresh,
            ));
    let (status, body) = send(&app, request).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, msg("Missing CSRF token"))
    );
}

#[actix_web::test]
async fn a_route_may_read_only_the_custom_location() {
    let manager = builder(JwtConfig::default())
        .token_source_loader(websocket_protocol)
        .build()
        .unwrap();
    let app = app!(manager);
    let alice = token(&manager, "alice", json!({}), json!({}));
    assert_eq!(
        send(&app, websocket("/custom-only", &alice)).await.0,
        StatusCode::OK
    );
    let (status, body) = send(&app, bearer("/custom-only", &alice)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            msg("Missing JWT from the custom token source")
        )
    );
    // Without a source the route cannot be served: 500, logged; never the handler.
    let sourceless = builder(JwtConfig::default()).build().unwrap();
    let app = app!(sourceless);
    let before = runs();
    let (status, _) = send(&app, websocket("/custom-only", &alice)).await;
    assert_eq!(
        (status, runs()),
        (StatusCode::INTERNAL_SERVER_ERROR, before)
    );
}

#[actix_web::test]
async fn the_custom_location_without_a_source_is_refused_at_start_up() {
    let error = builder(JwtConfig::default().token_location([TokenLocation::Custom]))
        .build()
        .unwrap_err();
    assert_eq!(error.option(), Some("JWT_TOKEN_LOCATION"));
    assert!(error.to_string().contains("token_source_loader"), "{error}");
}
