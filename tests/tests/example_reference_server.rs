//! The reference server's contract (`shared/reference-server.md`), endpoint by endpoint:
//! in-process through `actix_web::test`, and once as a real process over TCP.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[path = "../../examples/reference_server.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::JwtManager;
use jwt_tests::{
    SECRET, call, free_port, hmac_key, json_post, redis_prefix, redis_url, send, server,
    with_bearer,
};
use serde_json::{Value, json};

fn manager(env: &[(&str, &str)]) -> JwtManager {
    example::build_manager(jwt_tests::server::reference_config(env)).unwrap()
}

async fn token_for<S, B>(app: &S, body: Value) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body) = send(app, json_post("/token", body.to_string())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn public_login_protected_optional_fresh_refresh_raw() {
    let manager = manager(&[]);
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;
    assert_eq!(
        send(&app, test::TestRequest::get().uri("/public")).await.1,
        json!({"hello": "world"})
    );

    for bad in [
        json!({"username": "test", "password": "x"}),
        json!({"username": "nobody"}),
        json!([1]),
    ] {
        assert_eq!(
            send(&app, json_post("/login", bad.to_string())).await.0,
            StatusCode::UNAUTHORIZED,
            "{bad}"
        );
    }
    let (status, body) = send(
        &app,
        test::TestRequest::post()
            .uri("/login")
            .set_payload("not json"),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Bad username or password"})
        )
    );

    let (status, body) = send(
        &app,
        json_post(
            "/login",
            json!({"username": "admin", "password": "admin"}).to_string(),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(manager.decode_token(&access).unwrap().raw()["fresh"], true);

    for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        let request = with_bearer(
            test::TestRequest::default()
                .method(method.parse().unwrap())
                .uri("/protected"),
            &access,
        );
        let (status, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::OK, "{method}");
        assert_eq!(
            body,
            json!({"identity": "admin", "claims": {"roles": ["admin"]}, "user": {"username": "admin"}})
        );
    }
    let (status, body) = send(&app, test::TestRequest::get().uri("/protected")).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Missing Authorization Header"})
        )
    );

    assert_eq!(
        send(&app, test::TestRequest::get().uri("/optional"))
            .await
            .1,
        json!({"identity": null})
    );
    assert_eq!(
        send(
            &app,
            with_bearer(test::TestRequest::get().uri("/optional"), &access)
        )
        .await
        .1,
        json!({"identity": "admin"})
    );
    assert_eq!(
        send(
            &app,
            with_bearer(test::TestRequest::post().uri("/fresh"), &access)
        )
        .await
        .1,
        json!({"identity": "admin"})
    );

    let (status, body) = send(
        &app,
        with_bearer(test::TestRequest::post().uri("/refresh"), &refresh),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let new_access = body["access_token"].as_str().unwrap();
    let claims = manager.decode_token(new_access).unwrap();
    assert_eq!(
        (
            claims.identity::<String>().unwrap().as_str(),
            &claims.raw()["fresh"]
        ),
        ("admin", &json!(false))
    );
    let (status, body) = send(
        &app,
        with_bearer(test::TestRequest::get().uri("/fresh"), new_access),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Fresh token required"})
        )
    );

    let (status, body) = send(
        &app,
        with_bearer(test::TestRequest::get().uri("/raw"), &access),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["jwt"]["identity"], "admin");
    assert_eq!(body["jwt"]["user_claims"], json!({"roles": ["admin"]}));
    assert_eq!(body["header"], json!({"alg": "HS256", "typ": "JWT"}));
}

#[actix_web::test]
async fn token_helper_and_its_validation() {
    let manager = manager(&[]);
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;
    let token = token_for(
        &app,
        json!({"identity": {"id": 7}, "fresh": 300, "expires": false, "user_claims": {"x": 1}}),
    )
    .await;
    let claims = manager.decode_token(&token).unwrap();
    assert_eq!(claims.identity_value(), &json!({"id": 7}));
    assert!(claims.raw()["fresh"].is_i64());
    assert_eq!(claims.expires_at(), None);
    assert_eq!(claims.user_claims_value(), &json!({"x": 1}));
    let refresh = token_for(&app, json!({"identity": "u", "type": "refresh"})).await;
    assert_eq!(
        manager.decode_token(&refresh).unwrap().token_type(),
        jwt_runtime::config::TokenType::Refresh
    );
    // A past freshness is stale.
    let stale = token_for(&app, json!({"identity": "u", "fresh": -60})).await;
    let (status, _) = send(
        &app,
        with_bearer(test::TestRequest::get().uri("/fresh"), &stale),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for bad in [
        json!({"type": "access"}),
        json!({"identity": "u", "expires": 0}),
        json!({"identity": "u", "expires": -5}),
        json!({"identity": "u", "expires": "10"}),
        json!({"identity": "u", "type": "id"}),
        json!({"identity": "u", "fresh": "yes"}),
        json!(["identity"]),
        // Lifetimes no timestamp can hold: 400, never a panic or a 500.
        json!({"identity": "u", "expires": 1e20}),
        json!({"identity": "u", "expires": 1e300}),
        json!({"identity": "u", "expires": 18_446_744_073_709_551_615_u64}),
        json!({"identity": "u", "expires": 300_000_000_000_u64}),
        json!({"identity": "u", "fresh": 1e20}),
        json!({"identity": "u", "fresh": -1e20}),
        json!({"identity": "u", "expires": 1e-10}),
    ] {
        let (status, body) = send(&app, json_post("/token", bad.to_string())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["msg"].is_string(), "{bad}");
    }
}

#[actix_web::test]
async fn loaders_of_the_contract_ghost_banned_and_revoke() {
    let manager = manager(&[("JWT_BLACKLIST_ENABLED", "true")]);
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;
    let ghost = token_for(&app, json!({"identity": "ghost"})).await;
    let (status, body) = send(
        &app,
        with_bearer(test::TestRequest::get().uri("/protected"), &ghost),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Error loading the user ghost"})
        )
    );
    let banned = token_for(
        &app,
        json!({"identity": "u", "user_claims": {"banned": true}}),
    )
    .await;
    let (status, body) = send(
        &app,
        with_bearer(test::TestRequest::get().uri("/protected"), &banned),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"msg": "User claims verification failed"})
        )
    );

    let token = token_for(&app, json!({"identity": "u"})).await;
    let (status, body) = send(
        &app,
        with_bearer(test::TestRequest::post().uri("/revoke"), &token),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"msg": "Token revoked"}))
    );
    let (status, body) = send(
        &app,
        with_bearer(test::TestRequest::get().uri("/protected"), &token),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Token has been revoked"})
        )
    );
    // A token without `jti` cannot be revoked: 422, and it is not reported as revoked.
    let no_jti = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({"identity": "u", "type": "access", "fresh": false, "exp": 4_000_000_000_u64}),
        &hmac_key(SECRET.as_bytes()),
    )
    .unwrap();
    // The contract's loader asks whether the token's `jti` is in the store: such a token
    // is not, and `/revoke` says it cannot revoke it (never "Token revoked"), with
    // revocation on or off.
    let unchecked = self::manager(&[]);
    let unchecked = test::init_service(
        App::new()
            .wrap(unchecked.clone())
            .configure(example::routes),
    )
    .await;
    for app in [&app, &unchecked] {
        let (status, body) = send(
            app,
            with_bearer(test::TestRequest::post().uri("/revoke"), &no_jti),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["msg"].as_str().unwrap().contains("jti"), "{body}");
    }
    // Another token of the same user is unaffected.
    let other = token_for(&app, json!({"identity": "u"})).await;
    assert_eq!(
        send(
            &app,
            with_bearer(test::TestRequest::get().uri("/protected"), &other)
        )
        .await
        .0,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn cookie_login_refresh_logout_with_csrf() {
    let manager = manager(&[
        ("JWT_TOKEN_LOCATION", "cookies,headers"),
        ("JWT_ERROR_MESSAGE_KEY", "error"),
    ]);
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;
    let reply = call(
        &app,
        json_post(
            "/cookie/login",
            json!({"username": "test", "password": "test"}).to_string(),
        )
        .to_request(),
    )
    .await;
    let cookies = reply.cookies();
    let (status, body) = (reply.status, reply.body);
    assert_eq!((status, body), (StatusCode::OK, json!({"login": true})));
    let names: Vec<&str> = cookies.iter().map(Cookie::name).collect();
    assert_eq!(
        names,
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    let jar: HashMap<String, String> = cookies
        .iter()
        .map(|c| (c.name().to_owned(), c.value().to_owned()))
        .collect();
    let cookie = |request: test::TestRequest, name: &str| {
        request.cookie(Cookie::new(name.to_owned(), jar[name].clone()))
    };

    let (status, body) = send(
        &app,
        cookie(
            test::TestRequest::post().uri("/protected"),
            "access_token_cookie",
        ),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"error": "Missing CSRF token"})
        )
    );
    let request = cookie(
        test::TestRequest::post().uri("/protected"),
        "access_token_cookie",
    )
    .insert_header(("X-CSRF-TOKEN", jar["csrf_access_token"].clone()));
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
    assert_eq!(
        send(
            &app,
            cookie(
                test::TestRequest::get().uri("/protected"),
                "access_token_cookie"
            )
        )
        .await
        .0,
        StatusCode::OK
    );

    let request = cookie(
        test::TestRequest::post().uri("/cookie/refresh"),
        "refresh_token_cookie",
    )
    .insert_header(("X-CSRF-TOKEN", jar["csrf_refresh_token"].clone()));
    let reply = call(&app, request.to_request()).await;
    let cookies = reply.cookies();
    let (status, body) = (reply.status, reply.body);
    assert_eq!((status, body), (StatusCode::OK, json!({"refresh": true})));
    assert_eq!(
        cookies.iter().map(Cookie::name).collect::<Vec<_>>(),
        ["access_token_cookie", "csrf_access_token"]
    );

    let reply = call(
        &app,
        test::TestRequest::post().uri("/cookie/logout").to_request(),
    )
    .await;
    let cookies = reply.cookies();
    let (status, body) = (reply.status, reply.body);
    assert_eq!((status, body), (StatusCode::OK, json!({"logout": true})));
    assert_eq!(cookies.len(), 4);
    assert!(cookies.iter().all(|c| c.value().is_empty()));
}

#[::core::prelude::v1::test]
fn the_server_process_prints_its_line_serves_and_refuses_a_bad_environment() {
    let binary = server_binary();

    let bad = Command::new(&binary)
        .env("JWT_SECRET_KEY", SECRET)
        .env("JWT_ACCESS_TOKEN_EXPIRES", "soon")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("JWT_ACCESS_TOKEN_EXPIRES") && stderr.contains("soon"),
        "{stderr}"
    );

    let port = free_port();
    let mut child = Command::new(&binary)
        .env("JWT_SECRET_KEY", SECRET)
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), format!("listening on 127.0.0.1:{port}"));
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(b"GET /protected HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(
        response.ends_with("{\"msg\":\"Missing Authorization Header\"}\n"),
        "{response}"
    );
}

/// The reference server binary that `cargo test` builds beside the tests.
fn server_binary() -> std::path::PathBuf {
    server::example_binary("reference_server")
}

#[::core::prelude::v1::test]
fn unreadable_environment_values_stop_the_server_naming_them() {
    use std::os::unix::ffi::OsStrExt as _;
    let garbage = std::ffi::OsStr::from_bytes(b"\xff\xfe");
    // Each of these once read as "unset": revocation off, audience and issuer unchecked,
    // cookies without Secure or SameSite.
    for name in [
        "JWT_BLACKLIST_ENABLED",
        "JWT_DECODE_AUDIENCE",
        "JWT_DECODE_ISSUER",
        "JWT_COOKIE_SECURE",
        "JWT_COOKIE_SAMESITE",
        "JWT_SECRET_KEY",
        "PORT",
    ] {
        let mut command = Command::new(server_binary());
        command.env("JWT_SECRET_KEY", SECRET).env("PORT", "1");
        let output = command.env(name, garbage).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(name) && stderr.contains("not valid UTF-8"),
            "{name}: {stderr}"
        );
    }
}

#[::core::prelude::v1::test]
fn an_invalid_worker_count_stops_the_server_naming_it() {
    for workers in ["abc", "0"] {
        let output = Command::new(server_binary())
            .env("JWT_SECRET_KEY", SECRET)
            .env("PORT", "1")
            .env("WORKERS", workers)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{workers}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("WORKERS"), "{stderr}");
    }
}

#[::core::prelude::v1::test]
fn a_bare_run_shows_the_weak_secret_warning_and_verifies_options_requests() {
    let server =
        server::ExampleServer::spawn("reference_server", &[("JWT_SECRET_KEY", "super-secret")]);
    let (status, body) = server.request("POST", "/token", "", Some(&json!({"identity": "alice"})));
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(
        server.request("OPTIONS", "/any-method", "", None),
        (401, json!({"msg": "Missing Authorization Header"}))
    );
    assert_eq!(
        server.request("OPTIONS", "/any-method", "garbage", None).0,
        422
    );
    for method in ["OPTIONS", "GET", "DELETE", "PATCH"] {
        assert_eq!(
            server.request(method, "/any-method", &token, None),
            (200, json!({"identity": "alice", "method": method})),
        );
    }
    let stderr = server.stop();
    assert!(
        stderr.contains("WARN") && stderr.contains("JWT_SECRET_KEY is 12 bytes long"),
        "{stderr}"
    );
}

#[::core::prelude::v1::test]
fn servers_sharing_redis_refuse_a_token_revoked_through_either() {
    // With REDIS_URL, the revoked set is the library's Redis store: every server on it
    // refuses a token revoked through one of them.
    let Some(url) = redis_url("servers_sharing_redis_refuse_a_token_revoked_through_either") else {
        return;
    };
    let prefix = redis_prefix("reference");
    let env = [
        ("REDIS_URL", url.as_str()),
        ("REDIS_KEY_PREFIX", prefix.as_str()),
        ("JWT_SECRET_KEY", SECRET),
        ("JWT_BLACKLIST_ENABLED", "true"),
    ];
    let one = server::ExampleServer::spawn("reference_server", &env);
    let two = server::ExampleServer::spawn("reference_server", &env);
    let (status, body) = one.request("POST", "/token", "", Some(&json!({"identity": "u"})));
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap();
    assert_eq!(two.request("GET", "/raw", token, None).0, 200);
    assert_eq!(
        two.request("POST", "/revoke", token, None),
        (200, json!({"msg": "Token revoked"}))
    );
    // `one` mirrors the shared Redis: the revocation arrives about a round trip later (the
    // contract allows 100 ms; the bound here is far above it, never a measurement).
    let refused = (401, json!({"msg": "Token has been revoked"}));
    let started = std::time::Instant::now();
    while one.request("GET", "/raw", token, None) != refused
        && started.elapsed() < std::time::Duration::from_secs(5)
    {
        std::thread::yield_now();
    }
    for server in [&one, &two] {
        assert_eq!(server.request("GET", "/raw", token, None), refused);
    }
    let (_, body) = two.request("POST", "/token", "", Some(&json!({"identity": "u"})));
    assert_eq!(
        one.request("GET", "/raw", body["token"].as_str().unwrap(), None)
            .0,
        200
    );
}
