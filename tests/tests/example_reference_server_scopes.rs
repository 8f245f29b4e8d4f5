//! The reference server's scopes and roles (`shared/reference-server.md`: "Scopes and
//! roles"), black-box: `/token`'s top-level `claims`, `/scoped` (the `scope` string or
//! array, `scp`, `JWT_SCOPE_CLAIM`), `/admin` (the admin login's roles, `JWT_ROLES_CLAIM`,
//! 4.x's top level), and `JWT_WWW_AUTHENTICATE`'s challenges. In-process through
//! `actix_web::test`, and once as a real process over TCP.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[path = "../../examples/reference_server.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use actix_http::Request;
use actix_web::App;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::WWW_AUTHENTICATE;
use actix_web::test::{self, TestRequest};
use jwt_runtime::JwtManager;
use jwt_tests::server::ExampleServer;
use jwt_tests::{Reply, SECRET, call, json_post, msg, with_bearer};
use serde_json::{Value, json};

fn manager(env: &[(&str, &str)]) -> JwtManager {
    example::build_manager(jwt_tests::server::reference_config(env)).unwrap()
}

async fn post<S, B>(app: &S, path: &str, body: &Value) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    call(app, json_post(path, body.to_string()).to_request()).await
}

async fn token<S, B>(app: &S, body: Value) -> String
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = post(app, "/token", &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["token"].as_str().unwrap().to_owned()
}

async fn get<S, B>(app: &S, path: &str, token: &str) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let request = TestRequest::get().uri(path);
    let request = if token.is_empty() {
        request
    } else {
        with_bearer(request, token)
    };
    call(app, request.to_request()).await
}

fn challenge(reply: &Reply) -> Option<&str> {
    reply
        .headers
        .get(WWW_AUTHENTICATE)
        .map(|v| v.to_str().unwrap())
}

macro_rules! app {
    ($env:expr) => {{
        let manager = manager($env);
        test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await
    }};
}

#[actix_web::test]
async fn scoped_reads_scope_or_scp_and_answers_403_without_it() {
    let app = app!(&[]);
    for claims in [
        json!({"scope": "openid items:read"}),
        json!({"scope": ["items:read"]}),
        json!({"scp": "items:read"}),
    ] {
        let token = token(&app, json!({"identity": "carol", "claims": claims})).await;
        let reply = get(&app, "/scoped", &token).await;
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::OK, json!({"identity": "carol"})),
            "{claims}"
        );
    }
    let unscoped = token(
        &app,
        json!({"identity": "carol", "claims": {"scope": "openid"}}),
    )
    .await;
    let reply = get(&app, "/scoped", &unscoped).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.body, msg(r#"Missing scope "items:read""#));
    // Off by default: no challenge, as the Python library.
    assert_eq!(challenge(&reply), None);
    let reply = get(&app, "/scoped", "").await;
    assert_eq!(
        (reply.status, challenge(&reply)),
        (StatusCode::UNAUTHORIZED, None)
    );
}

#[actix_web::test]
async fn token_writes_top_level_claims_beside_the_user_claims() {
    let app = app!(&[]);
    let token = token(
        &app,
        json!({"identity": "carol", "claims": {"scope": "a b", "tenant": 7}, "user_claims": {"roles": ["x"]}}),
    )
    .await;
    let reply = get(&app, "/raw", &token).await;
    assert_eq!(reply.body["jwt"]["scope"], "a b");
    assert_eq!(reply.body["jwt"]["tenant"], 7);
    assert_eq!(reply.body["jwt"]["user_claims"], json!({"roles": ["x"]}));
    for (claims, message) in [
        (json!("scope"), "\"claims\" must be an object"),
        (
            json!({"type": "refresh"}),
            "\"claims\" cannot set `type`: the library writes it",
        ),
        (
            json!({"ok": 1, "identity": "admin"}),
            "\"claims\" cannot set `identity`: the library writes it",
        ),
    ] {
        let reply = post(
            &app,
            "/token",
            &json!({"identity": "carol", "claims": claims}),
        )
        .await;
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::BAD_REQUEST, msg(message))
        );
    }
}

#[actix_web::test]
async fn jwt_scope_claim_renames_the_claim() {
    let app = app!(&[("JWT_SCOPE_CLAIM", "permissions")]);
    let permitted = token(
        &app,
        json!({"identity": "carol", "claims": {"permissions": ["items:read"]}}),
    )
    .await;
    assert_eq!(
        get(&app, "/scoped", &permitted).await.status,
        StatusCode::OK
    );
    let scope = token(
        &app,
        json!({"identity": "carol", "claims": {"scope": "items:read"}}),
    )
    .await;
    assert_eq!(
        get(&app, "/scoped", &scope).await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn admin_needs_the_admin_role_of_the_admin_login() {
    for compat in ["3", "4"] {
        let app = app!(&[("JWT_COMPAT", compat)]);
        let login = |user: &str| json!({"username": user, "password": user});
        let admin = post(&app, "/login", &login("admin")).await.body["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let reply = get(&app, "/admin", &admin).await;
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::OK, json!({"identity": "admin"})),
            "{compat}"
        );
        let user = post(&app, "/login", &login("test")).await.body["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let reply = get(&app, "/admin", &user).await;
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::FORBIDDEN, msg(r#"Missing role "admin""#)),
            "{compat}"
        );
    }
}

#[actix_web::test]
async fn jwt_roles_claim_takes_a_json_pointer() {
    // Into the whole payload: an identity provider's top-level roles.
    let app = app!(&[("JWT_ROLES_CLAIM", "/realm_access/roles")]);
    let top = token(
        &app,
        json!({"identity": "carol", "claims": {"realm_access": {"roles": ["admin"]}}}),
    )
    .await;
    assert_eq!(get(&app, "/admin", &top).await.status, StatusCode::OK);
    let flat = token(
        &app,
        json!({"identity": "carol", "user_claims": {"roles": ["admin"]}}),
    )
    .await;
    assert_eq!(
        get(&app, "/admin", &flat).await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn www_authenticate_challenges_every_401_and_the_scope_403() {
    let app = app!(&[
        ("JWT_WWW_AUTHENTICATE", "true"),
        ("JWT_BLACKLIST_ENABLED", "true")
    ]);
    let reply = get(&app, "/protected", "").await;
    assert_eq!(
        (reply.status, challenge(&reply)),
        (StatusCode::UNAUTHORIZED, Some("Bearer"))
    );
    let expired = token(&app, json!({"identity": "carol", "expires": 1e-6})).await;
    let reply = get(&app, "/protected", &expired).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        challenge(&reply),
        Some(r#"Bearer error="invalid_token", error_description="Token has expired""#)
    );
    // A revoked token: refused, so `invalid_token` too.
    let revoked = token(&app, json!({"identity": "carol"})).await;
    let revoke = call(
        &app,
        with_bearer(TestRequest::post().uri("/revoke"), &revoked).to_request(),
    )
    .await;
    assert_eq!(revoke.status, StatusCode::OK);
    let reply = get(&app, "/protected", &revoked).await;
    assert_eq!(
        challenge(&reply),
        Some(r#"Bearer error="invalid_token", error_description="Token has been revoked""#)
    );
    let unscoped = token(&app, json!({"identity": "carol"})).await;
    let reply = get(&app, "/scoped", &unscoped).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        challenge(&reply)
            .unwrap()
            .starts_with(r#"Bearer error="insufficient_scope", scope="items:read""#),
        "{:?}",
        challenge(&reply)
    );
}

/// The wire: a real process answers the scope 403 with its challenge.
#[test]
fn a_real_server_sends_the_challenge_over_the_wire() {
    let server = ExampleServer::spawn(
        "reference_server",
        &[("JWT_SECRET_KEY", SECRET), ("JWT_WWW_AUTHENTICATE", "true")],
    );
    let (status, body) = server.request(
        "POST",
        "/token",
        "",
        Some(&json!({"identity": "carol", "claims": {"scope": "openid"}})),
    );
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET /scoped HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    assert!(
        head.lines().any(|line| line.eq_ignore_ascii_case(
            r#"www-authenticate: Bearer error="insufficient_scope", scope="items:read", error_description="Missing scope 'items:read'""#
        )),
        "{head}"
    );
    assert_eq!(
        serde_json::from_str::<Value>(body).unwrap(),
        msg(r#"Missing scope "items:read""#)
    );
    let stderr = server.stop();
    assert!(!stderr.contains("ERROR"), "{stderr}");
}
