//! The "JWT in Cookies" example driven over HTTP: login sets the JWT and CSRF
//! cookies, state-changing requests need the `X-CSRF-TOKEN` double submit,
//! `/token/refresh` renews the access cookie and `/token/remove` unsets them all.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/jwt_in_cookies.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use actix_web::cookie::time::OffsetDateTime;
use actix_web::cookie::{Cookie, Expiration};
use actix_web::http::StatusCode;
use actix_web::{App, test};
use jwt_runtime::JwtManager;
use jwt_tests::{call, with_bearer};
use serde_json::json;

fn login(password: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/token/auth")
        .set_json(json!({"username": "test", "password": password}))
}

fn api(req: test::TestRequest, access: &str) -> test::TestRequest {
    req.uri("/api/example")
        .cookie(Cookie::new("access_token_cookie", access.to_owned()))
}

fn token_refresh(refresh: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/token/refresh")
        .cookie(Cookie::new("refresh_token_cookie", refresh.to_owned()))
}

#[actix_web::test]
async fn login_sets_jwt_and_csrf_cookies() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    let answer = call(&app, login("test").to_request()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, json!({"login": true}));
    assert_eq!(
        answer.cookie_names(),
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    // The JWTs: HttpOnly, each sent only where it is needed.
    for (name, path) in [
        ("access_token_cookie", "/api/"),
        ("refresh_token_cookie", "/token/refresh"),
    ] {
        let cookie = answer.cookie(name);
        assert_eq!(cookie.http_only(), Some(true), "{name}");
        assert_eq!(cookie.path(), Some(path), "{name}");
        assert_ne!(cookie.secure(), Some(true), "{name}");
        assert_eq!(cookie.max_age(), None, "{name}: a session cookie");
    }
    // The double-submit values: readable by the page's JavaScript, on every path.
    for (name, jwt) in [
        ("csrf_access_token", "access_token_cookie"),
        ("csrf_refresh_token", "refresh_token_cookie"),
    ] {
        let cookie = answer.cookie(name);
        assert_ne!(cookie.http_only(), Some(true), "{name}");
        assert_eq!(cookie.path(), Some("/"), "{name}");
        let token = answer.cookie(jwt);
        assert_eq!(
            cookie.value(),
            manager.get_csrf_token(token.value()).unwrap(),
            "{name}"
        );
    }
    let access = manager
        .decode_token(answer.cookie("access_token_cookie").value())
        .unwrap();
    assert_eq!(access.identity::<String>().unwrap(), "test");
    assert_eq!(access.get("type"), Some(&json!("access")));

    let answer = call(&app, login("nope").to_request()).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.body, json!({"login": false}));
    assert!(answer.cookies().is_empty());
}

#[actix_web::test]
async fn protected_route_with_csrf_double_submit() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;
    let answer = call(&app, login("test").to_request()).await;
    let access = answer.cookie("access_token_cookie").value().to_owned();
    let csrf = answer.cookie("csrf_access_token").value().to_owned();

    // GET changes nothing: the cookie alone is enough.
    let got = call(&app, api(test::TestRequest::get(), &access).to_request()).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, json!({"hello": "from test"}));

    // POST needs the CSRF value back in the X-CSRF-TOKEN header.
    let got = call(&app, api(test::TestRequest::post(), &access).to_request()).await;
    assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    assert_eq!(got.body, json!({"msg": "Missing CSRF token"}));

    let wrong = api(test::TestRequest::post(), &access).insert_header(("X-CSRF-TOKEN", "guess"));
    let got = call(&app, wrong.to_request()).await;
    assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        got.body,
        json!({"msg": "CSRF double submit tokens do not match"})
    );

    let right = api(test::TestRequest::post(), &access).insert_header(("X-CSRF-TOKEN", csrf));
    let got = call(&app, right.to_request()).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, json!({"hello": "from test"}));

    // Cookies are the only location: no cookie, no entry, header or not.
    for req in [
        test::TestRequest::get().uri("/api/example"),
        with_bearer(test::TestRequest::get().uri("/api/example"), &access),
    ] {
        let got = call(&app, req.to_request()).await;
        assert_eq!(got.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            got.body,
            json!({"msg": "Missing cookie \"access_token_cookie\""})
        );
    }
}

#[actix_web::test]
async fn refresh_renews_the_access_cookies() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;
    let answer = call(&app, login("test").to_request()).await;
    let access = answer.cookie("access_token_cookie").value().to_owned();
    let access_csrf = answer.cookie("csrf_access_token").value().to_owned();
    let refresh = answer.cookie("refresh_token_cookie").value().to_owned();
    let refresh_csrf = answer.cookie("csrf_refresh_token").value().to_owned();

    let got = call(&app, token_refresh(&refresh).to_request()).await;
    assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    assert_eq!(got.body, json!({"msg": "Missing CSRF token"}));

    // The access token's CSRF value is not the refresh token's.
    let got = call(
        &app,
        token_refresh(&refresh)
            .insert_header(("X-CSRF-TOKEN", access_csrf))
            .to_request(),
    )
    .await;
    assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        got.body,
        json!({"msg": "CSRF double submit tokens do not match"})
    );

    let got = call(
        &app,
        token_refresh(&refresh)
            .insert_header(("X-CSRF-TOKEN", refresh_csrf))
            .to_request(),
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, json!({"refresh": true}));
    assert_eq!(
        got.cookie_names(),
        ["access_token_cookie", "csrf_access_token"]
    );
    let new_access = got.cookie("access_token_cookie").value().to_owned();
    assert_ne!(new_access, access);
    assert_eq!(got.cookie("access_token_cookie").path(), Some("/api/"));
    let got = call(
        &app,
        api(test::TestRequest::get(), &new_access).to_request(),
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, json!({"hello": "from test"}));

    // No refresh cookie (the browser does not send it elsewhere), or an access token in its place.
    let got = call(
        &app,
        test::TestRequest::post().uri("/token/refresh").to_request(),
    )
    .await;
    assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        got.body,
        json!({"msg": "Missing cookie \"refresh_token_cookie\""})
    );
    let csrf = manager.get_csrf_token(&access).unwrap();
    let got = call(
        &app,
        token_refresh(&access)
            .insert_header(("X-CSRF-TOKEN", csrf))
            .to_request(),
    )
    .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(got.body, json!({"msg": "Only refresh tokens are allowed"}));
}

#[actix_web::test]
async fn remove_unsets_every_cookie() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(example::routes)).await;

    let got = call(
        &app,
        test::TestRequest::post().uri("/token/remove").to_request(),
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, json!({"logout": true}));
    assert_eq!(
        got.cookie_names(),
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    for (cookie, path) in got
        .cookies()
        .iter()
        .zip(["/api/", "/", "/token/refresh", "/"])
    {
        assert_eq!(cookie.value(), "", "{cookie}");
        assert_eq!(cookie.path(), Some(path), "{cookie}");
        assert_eq!(
            cookie.expires(),
            Some(Expiration::DateTime(OffsetDateTime::UNIX_EPOCH)),
            "{cookie}"
        );
    }
}
