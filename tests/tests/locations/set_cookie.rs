//! The `Set-Cookie` lines of the cookie helpers: the reference's cookie options.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::cookie::time::{Duration as CookieDuration, OffsetDateTime};
use actix_web::cookie::{Cookie, SameSite as CookieSameSite};
use actix_web::test::TestRequest;
use jwt_runtime::config::{TokenLocation, TokenType};
use jwt_runtime::{CookieOptions, JwtConfig, JwtManager};
use jwt_tests::{Hits, Reply, call};
use serde_json::json;

use super::{ALICE, access_cookie, app, build, config, expect_err, expect_ok, located};

async fn login_reply(config: JwtConfig) -> (JwtManager, Reply) {
    let manager = build(config);
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let reply = call(&app, TestRequest::post().uri("/login").to_request()).await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    (manager, reply)
}

#[actix_web::test]
async fn set_cookie_defaults() {
    let (manager, reply) = login_reply(located([TokenLocation::Cookies])).await;
    assert_eq!(
        reply.cookie_names(),
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    let cookies = reply.cookies();
    for cookie in &cookies {
        let jwt = cookie.name().ends_with("_cookie");
        assert_eq!(
            cookie.http_only(),
            jwt.then_some(true),
            "HttpOnly only on the JWT cookies: {cookie}"
        );
        assert_eq!(cookie.path(), Some("/"), "{cookie}");
        assert_eq!(cookie.max_age(), None, "session cookie: {cookie}");
        assert_eq!(cookie.expires(), None, "session cookie: {cookie}");
        assert_eq!(cookie.secure(), None, "{cookie}");
        assert_eq!(cookie.domain(), None, "{cookie}");
        assert_eq!(cookie.same_site(), None, "{cookie}");
        assert!(!cookie.value().is_empty(), "{cookie}");
    }
    // Values: the tokens of the body, and their csrf claims.
    let access = cookies[0].value();
    let refresh = cookies[2].value();
    assert_eq!(reply.body["access_token"], access);
    assert_eq!(reply.body["refresh_token"], refresh);
    assert_eq!(cookies[1].value(), manager.get_csrf_token(access).unwrap());
    assert_eq!(cookies[3].value(), manager.get_csrf_token(refresh).unwrap());
    assert_eq!(cookies[1].value().len(), 36, "a UUID");
    let claims = manager.decode_token(access).unwrap();
    assert_eq!(claims.token_type(), TokenType::Access);
    let claims = manager.decode_token(refresh).unwrap();
    assert_eq!(claims.token_type(), TokenType::Refresh);
}

#[actix_web::test]
async fn set_cookie_persistent_secure_domain_samesite() {
    let (_, reply) = login_reply(
        located([TokenLocation::Cookies])
            .session_cookie(false)
            .cookie_secure(true)
            .cookie_domain("example.com")
            .cookie_samesite(jwt_runtime::config::SameSite::Lax),
    )
    .await;
    assert_eq!(
        reply.set_cookie_lines().len(),
        4,
        "{:?}",
        reply.set_cookie_lines()
    );
    let in_a_year = OffsetDateTime::now_utc() + CookieDuration::days(364);
    for cookie in reply.cookies() {
        assert_eq!(
            cookie.max_age(),
            Some(CookieDuration::seconds(31_540_000)),
            "{cookie}"
        );
        let expires = cookie
            .expires_datetime()
            .unwrap_or_else(|| panic!("Expires on {cookie}"));
        assert!(expires > in_a_year, "{cookie}");
        assert_eq!(cookie.secure(), Some(true), "{cookie}");
        assert_eq!(cookie.domain(), Some("example.com"), "{cookie}");
        assert_eq!(cookie.same_site(), Some(CookieSameSite::Lax), "{cookie}");
    }
}

#[actix_web::test]
async fn set_cookie_samesite_strict() {
    let (_, reply) = login_reply(
        located([TokenLocation::Cookies]).cookie_samesite(jwt_runtime::config::SameSite::Strict),
    )
    .await;
    for cookie in reply.cookies() {
        assert_eq!(cookie.same_site(), Some(CookieSameSite::Strict), "{cookie}");
    }
}

#[actix_web::test]
async fn set_cookie_custom_names_and_paths() {
    let (manager, reply) = login_reply(
        located([TokenLocation::Cookies])
            .access_cookie_name("my_access")
            .refresh_cookie_name("my_refresh")
            .access_cookie_path("/api/")
            .refresh_cookie_path("/auth/refresh")
            .access_csrf_cookie_name("my_access_csrf")
            .refresh_csrf_cookie_name("my_refresh_csrf")
            .access_csrf_cookie_path("/app/")
            .refresh_csrf_cookie_path("/app/refresh"),
    )
    .await;
    assert_eq!(
        reply.cookie_names(),
        [
            "my_access",
            "my_access_csrf",
            "my_refresh",
            "my_refresh_csrf"
        ]
    );
    let paths: Vec<Option<String>> = reply
        .cookies()
        .iter()
        .map(|c| c.path().map(str::to_owned))
        .collect();
    assert_eq!(
        paths,
        [
            Some("/api/".to_owned()),
            Some("/app/".to_owned()),
            Some("/auth/refresh".to_owned()),
            Some("/app/refresh".to_owned())
        ]
    );
    // The custom names are also the ones read.
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let access = reply.cookie("my_access");
    let csrf = reply.cookie("my_access_csrf");
    expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .cookie(Cookie::new("my_access", access.value().to_owned()))
            .insert_header(("X-CSRF-TOKEN", csrf.value().to_owned()))
            .to_request(),
    )
    .await;
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .cookie(access_cookie(access.value()))
            .to_request(),
        401,
        "Missing cookie \"my_access\"",
    )
    .await;
}

#[actix_web::test]
async fn set_cookie_without_csrf_cookies() {
    let (manager, reply) =
        login_reply(located([TokenLocation::Cookies]).csrf_in_cookies(false)).await;
    assert_eq!(
        reply.cookie_names(),
        ["access_token_cookie", "refresh_token_cookie"]
    );
    // CSRF protection is still on: the claim is written and checked.
    let access = reply.cookie("access_token_cookie");
    assert!(manager.get_csrf_token(access.value()).is_ok());

    let (_, reply) =
        login_reply(located([TokenLocation::Cookies]).cookie_csrf_protect(false)).await;
    assert_eq!(
        reply.cookie_names(),
        ["access_token_cookie", "refresh_token_cookie"]
    );
}

#[actix_web::test]
async fn set_cookie_only_access_without_csrf_cookie() {
    let manager = build(located([TokenLocation::Cookies]).csrf_in_cookies(false));
    let mut response = HttpResponse::Ok().finish();
    let token = manager.create_access_token(&ALICE).unwrap();
    manager
        .set_access_cookies(&mut response, &token, &CookieOptions::default())
        .unwrap();
    let cookies: Vec<_> = response.cookies().collect();
    assert_eq!(cookies.len(), 1);
    assert_eq!(cookies[0].name(), "access_token_cookie");
    assert_eq!(cookies[0].value(), token);
}

#[actix_web::test]
async fn unset_jwt_cookies_expires_all_four() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let reply = call(&app, TestRequest::post().uri("/logout").to_request()).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!({ "logout": true }));
    assert_eq!(
        reply.cookie_names(),
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    for (line, cookie) in reply.set_cookie_lines().iter().zip(reply.cookies()) {
        assert_eq!(cookie.value(), "", "{line}");
        let expires = cookie
            .expires_datetime()
            .unwrap_or_else(|| panic!("Expires on {line}"));
        assert_eq!(expires.year(), 1970, "{line}");
        assert_eq!(expires.unix_timestamp(), 0, "{line}");
        assert!(line.contains("01 Jan 1970 00:00:00 GMT"), "{line}");
        assert_eq!(cookie.path(), Some("/"), "{line}");
        let jwt = cookie.name().ends_with("_cookie");
        assert_eq!(cookie.http_only(), jwt.then_some(true), "{line}");
    }
}

#[actix_web::test]
async fn unset_cookies_keep_the_configured_attributes() {
    let manager = build(
        located([TokenLocation::Cookies])
            .cookie_secure(true)
            .cookie_domain("example.com")
            .access_cookie_path("/api/"),
    );
    let mut response = HttpResponse::Ok();
    manager
        .unset_access_cookies(&mut response, &CookieOptions::default())
        .unwrap();
    let response = response.finish();
    let cookies: Vec<_> = response.cookies().collect();
    assert_eq!(cookies.len(), 2);
    assert_eq!(cookies[0].name(), "access_token_cookie");
    assert_eq!(cookies[0].path(), Some("/api/"));
    assert_eq!(cookies[1].name(), "csrf_access_token");
    for cookie in cookies {
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.domain(), Some("example.com"));
    }
}

#[actix_web::test]
async fn cookie_helpers_without_the_cookie_location_return_an_error() {
    let manager = build(config());
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let reply = call(
        &app,
        TestRequest::post()
            .uri("/cookie_helpers_errors")
            .to_request(),
    )
    .await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    assert!(
        reply.set_cookie_lines().is_empty(),
        "{:?}",
        reply.set_cookie_lines()
    );
    let errors = reply.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 5);
    for error in errors {
        let text = error
            .as_str()
            .unwrap_or_else(|| panic!("an error: {error}"));
        assert!(text.contains("JWT_TOKEN_LOCATION"), "{text}");
    }
    assert!(errors[0].as_str().unwrap().contains("set_access_cookies()"));
    assert!(
        errors[1]
            .as_str()
            .unwrap()
            .contains("set_refresh_cookies()")
    );

    // The manager methods, on both response types.
    let token = manager.create_access_token(&ALICE).unwrap();
    let mut built = HttpResponse::Ok().finish();
    let error = manager
        .set_access_cookies(&mut built, &token, &CookieOptions::default())
        .unwrap_err();
    assert!(error.to_string().contains("JWT_TOKEN_LOCATION"), "{error}");
    assert_eq!(built.cookies().count(), 0);
    let mut builder = HttpResponse::Ok();
    let error = manager
        .unset_jwt_cookies(&mut builder, &CookieOptions::default())
        .unwrap_err();
    assert!(error.to_string().contains("JWT_TOKEN_LOCATION"), "{error}");
}

#[actix_web::test]
async fn set_cookie_max_age_argument() {
    let manager = build(located([TokenLocation::Cookies]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);
    let reply = call(&app, TestRequest::post().uri("/login_max_age").to_request()).await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    let ages: Vec<_> = reply.cookies().iter().map(Cookie::max_age).collect();
    assert_eq!(
        ages,
        [
            Some(CookieDuration::seconds(3600)),
            Some(CookieDuration::seconds(3600)),
            Some(CookieDuration::seconds(7200)),
            Some(CookieDuration::seconds(7200))
        ]
    );
    for cookie in reply.cookies() {
        assert!(cookie.expires_datetime().is_some(), "{cookie}");
    }
    // max_age=0 is falsy: the configured (session) lifetime applies.
    let reply = call(
        &app,
        TestRequest::post().uri("/login_max_age_zero").to_request(),
    )
    .await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    assert_eq!(reply.set_cookie_lines().len(), 2);
    for cookie in reply.cookies() {
        assert_eq!(cookie.max_age(), None, "{cookie}");
        assert_eq!(cookie.expires(), None, "{cookie}");
    }
}

#[actix_web::test]
async fn set_cookie_max_age_argument_overrides_persistent_config() {
    let manager = build(located([TokenLocation::Cookies]).session_cookie(false));
    let mut response = HttpResponse::Ok();
    let token = manager.create_access_token(&ALICE).unwrap();
    manager
        .set_access_cookies(
            &mut response,
            &token,
            &CookieOptions::default().max_age(Duration::from_mins(1)),
        )
        .unwrap();
    let response = response.finish();
    for cookie in response.cookies() {
        assert_eq!(
            cookie.max_age(),
            Some(CookieDuration::seconds(60)),
            "{cookie}"
        );
    }
}

#[actix_web::test]
async fn a_call_s_domain_and_max_age_replace_the_configured_ones() {
    let manager = build(located([TokenLocation::Cookies]).cookie_domain("example.com"));
    let token = manager.create_access_token(&ALICE).unwrap();
    let options = CookieOptions::default()
        .domain("api.example.com")
        .max_age(Duration::from_secs(90));
    let mut response = HttpResponse::Ok().finish();
    manager
        .set_access_cookies(&mut response, &token, &options)
        .unwrap();
    manager
        .unset_refresh_cookies(&mut response, &options)
        .unwrap();
    let cookies: Vec<_> = response.cookies().collect();
    assert_eq!(cookies.len(), 4);
    for cookie in &cookies {
        assert_eq!(cookie.domain(), Some("api.example.com"), "{cookie}");
    }
    assert_eq!(cookies[0].max_age(), Some(CookieDuration::seconds(90)));
    assert_eq!(cookies[1].max_age(), Some(CookieDuration::seconds(90)));
    // Unsetting ignores max_age: the cookies expire at once.
    assert_eq!(
        cookies[2].expires_datetime(),
        Some(OffsetDateTime::UNIX_EPOCH)
    );
    // An empty domain falls back to the configuration, as 4.x's `domain or ...`.
    let mut response = HttpResponse::Ok().finish();
    manager
        .set_access_cookies(&mut response, &token, &CookieOptions::default().domain(""))
        .unwrap();
    assert!(
        response
            .cookies()
            .all(|cookie| cookie.domain() == Some("example.com"))
    );
}

#[actix_web::test]
async fn in_4x_mode_the_cookie_helpers_ignore_the_token_location() {
    // Headers only: 3.x refuses the helpers, 4.x sets the cookies and their CSRF cookies.
    let manager = JwtManager::new(JwtConfig::v4().secret_key(jwt_tests::SECRET)).unwrap();
    let mut response = HttpResponse::Ok().finish();
    manager
        .set_access_cookies(
            &mut response,
            &manager.create_access_token(&ALICE).unwrap(),
            &CookieOptions::default(),
        )
        .unwrap();
    manager
        .set_refresh_cookies(
            &mut response,
            &manager.create_refresh_token(&ALICE).unwrap(),
            &CookieOptions::default(),
        )
        .unwrap();
    let names: Vec<String> = response.cookies().map(|c| c.name().to_owned()).collect();
    assert_eq!(
        names,
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    let mut response = HttpResponse::Ok().finish();
    manager
        .unset_jwt_cookies(&mut response, &CookieOptions::default())
        .unwrap();
    assert_eq!(response.cookies().count(), 4);
}
