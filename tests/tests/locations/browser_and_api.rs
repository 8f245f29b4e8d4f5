//! One App serving a browser (cookies, CSRF) and an API client (headers) at once.

use actix_web::cookie::Cookie;
use actix_web::cookie::time::OffsetDateTime;
use actix_web::test::TestRequest;
use jwt_runtime::config::TokenLocation;
use jwt_tests::{Hits, Reply, bearer_header, call};
use serde_json::json;

use super::{ALICE, app, build, expect_err, expect_ok, located};

/// A browser's cookie jar: applies Set-Cookie lines, sends the non-empty cookies.
#[derive(Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn store(&mut self, reply: &Reply) {
        for cookie in reply.cookies() {
            self.0.retain(|(name, _)| name != cookie.name());
            let expired = cookie
                .expires_datetime()
                .is_some_and(|at| at <= OffsetDateTime::now_utc());
            if !expired && !cookie.value().is_empty() {
                self.0
                    .push((cookie.name().to_owned(), cookie.value().to_owned()));
            }
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn send(&self, mut req: TestRequest) -> TestRequest {
        for (name, value) in &self.0 {
            req = req.cookie(Cookie::new(name.clone(), value.clone()));
        }
        req
    }
}

#[actix_web::test]
async fn browser_and_api_clients_share_one_app() {
    let manager = build(located([TokenLocation::Cookies, TokenLocation::Headers]));
    let hits = Hits::new_data();
    let app = app!(manager, hits);

    // --- Browser ---
    let mut jar = Jar::default();
    let reply = call(&app, TestRequest::post().uri("/login").to_request()).await;
    assert_eq!(reply.status, 200);
    jar.store(&reply);
    let mut names: Vec<&str> = jar.0.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "access_token_cookie",
            "csrf_access_token",
            "csrf_refresh_token",
            "refresh_token_cookie"
        ]
    );

    // GET needs no CSRF value.
    let body = expect_ok(
        &app,
        &hits,
        jar.send(TestRequest::get().uri("/protected")).to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));
    // POST without the double-submit header is refused.
    expect_err(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/protected")).to_request(),
        401,
        "Missing CSRF token",
    )
    .await;
    // POST with the header copied from the readable csrf_access_token cookie.
    let csrf = jar.get("csrf_access_token").unwrap().to_owned();
    let body = expect_ok(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/protected"))
            .insert_header(("X-CSRF-TOKEN", csrf.clone()))
            .to_request(),
    )
    .await;
    assert_eq!(body, json!({ "identity": ALICE }));

    // Refresh with the refresh cookie and its own CSRF value.
    let old_access = jar.get("access_token_cookie").unwrap().to_owned();
    expect_err(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/token/refresh"))
            .insert_header(("X-CSRF-TOKEN", csrf.clone()))
            .to_request(),
        401,
        "CSRF double submit tokens do not match",
    )
    .await;
    let refresh_csrf = jar.get("csrf_refresh_token").unwrap().to_owned();
    let before = hits.count();
    let reply = call(
        &app,
        jar.send(TestRequest::post().uri("/token/refresh"))
            .insert_header(("X-CSRF-TOKEN", refresh_csrf))
            .to_request(),
    )
    .await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    assert_eq!(hits.count(), before + 1);
    assert_eq!(reply.body["refreshed"], ALICE);
    assert_eq!(
        reply.cookie_names(),
        ["access_token_cookie", "csrf_access_token"]
    );
    jar.store(&reply);
    let new_access = jar.get("access_token_cookie").unwrap().to_owned();
    assert_ne!(new_access, old_access);
    assert_eq!(reply.body["access_token"], new_access.as_str());
    // The old CSRF value no longer matches the new access cookie; the new one does.
    let new_csrf = jar.get("csrf_access_token").unwrap().to_owned();
    assert_ne!(new_csrf, csrf);
    expect_err(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/protected"))
            .insert_header(("X-CSRF-TOKEN", csrf))
            .to_request(),
        401,
        "CSRF double submit tokens do not match",
    )
    .await;
    expect_ok(
        &app,
        &hits,
        jar.send(TestRequest::post().uri("/protected"))
            .insert_header(("X-CSRF-TOKEN", new_csrf))
            .to_request(),
    )
    .await;

    // Logout clears the four cookies.
    let reply = call(
        &app,
        jar.send(TestRequest::post().uri("/logout")).to_request(),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.set_cookie_lines().len(), 4);
    jar.store(&reply);
    assert!(jar.0.is_empty(), "{:?}", jar.0);
    expect_err(
        &app,
        &hits,
        jar.send(TestRequest::get().uri("/protected")).to_request(),
        401,
        "Missing JWT in cookies or headers (Missing cookie \"access_token_cookie\"; \
         Missing Authorization Header)",
    )
    .await;

    // --- API client: bearer header, no cookies, no CSRF ---
    let reply = call(&app, TestRequest::post().uri("/login").to_request()).await;
    assert_eq!(reply.status, 200);
    let access = reply.body["access_token"].as_str().unwrap().to_owned();
    let refresh = reply.body["refresh_token"].as_str().unwrap().to_owned();
    for req in [
        TestRequest::get(),
        TestRequest::post(),
        TestRequest::delete(),
    ] {
        let body = expect_ok(
            &app,
            &hits,
            req.uri("/protected")
                .insert_header(bearer_header(&access))
                .to_request(),
        )
        .await;
        assert_eq!(body, json!({ "identity": ALICE }));
    }
    let before = hits.count();
    let reply = call(
        &app,
        TestRequest::post()
            .uri("/token/refresh")
            .insert_header(bearer_header(&refresh))
            .to_request(),
    )
    .await;
    assert_eq!(reply.status, 200, "raw: {:?}", reply.text());
    assert_eq!(hits.count(), before + 1);
    let new_access = reply.body["access_token"].as_str().unwrap().to_owned();
    expect_ok(
        &app,
        &hits,
        TestRequest::post()
            .uri("/protected")
            .insert_header(bearer_header(&new_access))
            .to_request(),
    )
    .await;
    // The wrong token type through the header.
    expect_err(
        &app,
        &hits,
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer_header(&refresh))
            .to_request(),
        422,
        "Only access tokens are allowed",
    )
    .await;
}
