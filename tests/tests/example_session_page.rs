//! `examples/session_page.rs` in a real browser: headless Chromium (Debian's package),
//! driven through the `DevTools` protocol by `tests/browser/drive.mjs` (puppeteer-core),
//! logs in with the form, saves a note with a CSRF-protected `fetch` (whose answer renews
//! the access cookie), is refused without the CSRF header, and logs out. After each step
//! the test checks the cookies the browser actually kept.
//!
//! `.ci/run` installs Chromium and the driver (`npm ci` in `tests/browser`) and sets
//! `JWT_TEST_BROWSER=required`; without them the test is skipped, unless that variable
//! says it is required.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::Command;

use jwt_tests::SECRET;
use jwt_tests::server::ExampleServer;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const JWT_COOKIES: [&str; 4] = [
    "access_token_cookie",
    "csrf_access_token",
    "refresh_token_cookie",
    "csrf_refresh_token",
];

/// The driver's directory, or `None` (skipped, with the reason) when something is missing.
fn driver() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/browser"));
    let required = std::env::var("JWT_TEST_BROWSER").is_ok_and(|v| v == "required");
    let missing = if !Path::new(CHROMIUM).exists() {
        Some("Chromium (apt-get install chromium)")
    } else if Command::new("node").arg("--version").output().is_err() {
        Some("Node.js")
    } else if !dir.join("node_modules/puppeteer-core").exists() {
        Some("the driver (`npm ci` in tests/browser)")
    } else {
        None
    };
    if let Some(missing) = missing {
        let reason = format!("example_session_page: skipped: needs {missing}");
        assert!(!required, "{reason}");
        jwt_tests::skipped(&reason);
        return None;
    }
    Some(dir)
}

/// The cookie `name` the browser kept after `step` (the test fails when there is none).
fn kept<'a>(findings: &'a Value, step: &str, name: &str) -> &'a Value {
    let cookie = &findings[step][name];
    assert!(
        cookie.is_object(),
        "{step}: the browser kept no {name}: {}",
        findings[step]
    );
    cookie
}

#[test]
fn a_browser_logs_in_posts_with_csrf_gets_a_renewed_cookie_and_logs_out() {
    let Some(dir) = driver() else {
        return;
    };
    // A window as long as the lifetime: every cookie request renews, no waiting needed.
    let server = ExampleServer::spawn(
        "session_page",
        &[
            ("JWT_SECRET_KEY", SECRET),
            ("JWT_ACCESS_TOKEN_EXPIRES", "600"),
            ("JWT_IMPLICIT_REFRESH_WINDOW", "600"),
        ],
    );
    let url = format!("http://127.0.0.1:{}/", server.port());
    let output = Command::new("node")
        .arg("drive.mjs")
        .arg(&url)
        .arg(CHROMIUM)
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the driver failed: {}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let findings: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("not the driver's findings ({e}): {stdout}"));

    assert_eq!(
        findings["before_login"],
        json!({}),
        "no cookie before the login"
    );

    // The login: four cookies, the tokens out of the page's reach, all Strict, path `/`,
    // session cookies; a fresh access token.
    for name in JWT_COOKIES {
        let cookie = kept(&findings, "after_login", name);
        assert_eq!(
            cookie["httpOnly"],
            json!(!name.starts_with("csrf")),
            "{name}: {cookie}"
        );
        assert_eq!(cookie["sameSite"], "Strict", "{name}: {cookie}");
        assert_eq!(cookie["path"], "/", "{name}: {cookie}");
        assert_eq!(cookie["session"], true, "{name}: {cookie}");
    }
    let login = &findings["login_access"];
    assert_eq!(
        (&login["identity"], &login["fresh"]),
        (&json!("test"), &json!(true)),
        "{login}"
    );
    assert!(login["fam"].is_string(), "a login's token: {login}");

    // The protected POST with the CSRF header: accepted, and the answer renewed the
    // access cookie (a new token, not fresh, same identity and login, its CSRF cookie too).
    assert_eq!(
        findings["save"],
        json!({"status": 200, "body": {"identity": "test", "note": "hello"}})
    );
    let before = kept(&findings, "after_login", "access_token_cookie");
    let after = kept(&findings, "after_save", "access_token_cookie");
    assert_ne!(
        before["value"], after["value"],
        "the access cookie was renewed"
    );
    assert_eq!(after["httpOnly"], true);
    let renewed = &findings["renewed_access"];
    assert_eq!(renewed["identity"], "test", "{renewed}");
    assert_eq!(renewed["fresh"], false, "{renewed}");
    assert_eq!(renewed["fam"], login["fam"], "the same login");
    assert_ne!(renewed["jti"], login["jti"]);
    assert_eq!(
        findings["page_csrf_matches"], true,
        "the CSRF cookie was renewed with it"
    );
    assert_eq!(
        kept(&findings, "after_save", "refresh_token_cookie"),
        kept(&findings, "after_login", "refresh_token_cookie"),
        "the refresh cookie is left alone"
    );

    // Without the CSRF header: refused.
    assert_eq!(
        findings["without_csrf"],
        json!({"status": 401, "body": {"msg": "Missing CSRF token"}})
    );

    // Logout: the browser keeps no JWT cookie, and the next request sets none again.
    assert_eq!(
        findings["logout"],
        json!({"status": 200, "body": {"logout": true}})
    );
    assert_eq!(
        findings["after_logout"],
        json!({}),
        "logout left cookies behind"
    );
    assert_eq!(
        findings["save_after_logout"]["status"], 401,
        "{}",
        findings["save_after_logout"]
    );
    assert_eq!(findings["after_save_after_logout"], json!({}));
}
