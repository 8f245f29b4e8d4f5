//! A browser session on one page: a login form, a CSRF-protected `fetch`, implicit refresh
//! of the access cookie, and logout. The tokens travel in `HttpOnly` cookies; the page's
//! script copies the readable `csrf_access_token` cookie into `X-CSRF-TOKEN`.
//!
//! ```text
//! PORT=5000 JWT_SECRET_KEY=change-me-to-32-bytes-or-more!!! cargo run --example session_page
//! # then open http://127.0.0.1:5000/ and log in as test / test
//! ```
//!
//! The configuration comes from the environment (`JwtConfig::from_env`, Flask's names).
//! What the page needs, when the environment does not say otherwise: `JWT_TOKEN_LOCATION`
//! `cookies`, `JWT_COOKIE_SAMESITE` `Strict`, and `JWT_IMPLICIT_REFRESH_WINDOW` of 5
//! minutes, so an access cookie in its last 5 minutes is renewed by any answer below 400
//! (and never by the logout, which unsets the cookies). Set `JWT_COOKIE_SECURE=true` when
//! serving over HTTPS.

use std::io::Write as _;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use jwt_runtime::config::{SameSite, TokenLocation};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde::Deserialize;
use serde_json::json;

/// The page: a login form (a plain form post), and two buttons that `fetch`.
const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>jwt-runtime session</title></head>
<body>
  <h1>Session</h1>
  <form id="login" method="post" action="/login">
    <input id="username" name="username" placeholder="username">
    <input id="password" name="password" type="password" placeholder="password">
    <button id="submit" type="submit">Log in</button>
  </form>
  <button id="save">Save a note</button>
  <button id="logout">Log out</button>
  <pre id="result"></pre>
  <script>
    // The readable CSRF cookie: its value goes into the header of every unsafe request.
    function csrfToken() {
      const found = document.cookie.match(/(?:^|; )csrf_access_token=([^;]*)/);
      return found ? decodeURIComponent(found[1]) : "";
    }
    async function send(path, body) {
      const response = await fetch(path, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": csrfToken() },
        body: JSON.stringify(body),
      });
      const answer = { status: response.status, body: await response.json() };
      document.getElementById("result").textContent = JSON.stringify(answer);
      return answer;
    }
    document.getElementById("save").onclick = () => send("/api/notes", { note: "hello" });
    document.getElementById("logout").onclick = () => send("/logout", {});
  </script>
</body>
</html>
"#;

#[get("/")]
async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(PAGE)
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// The form's post: the login's cookies, then back to the page.
#[post("/login")]
async fn login(form: web::Form<Credentials>) -> Result<HttpResponse, JwtError> {
    if (form.username.as_str(), form.password.as_str()) != ("test", "test") {
        return Ok(HttpResponse::Unauthorized().json(json!({"msg": "Bad username or password"})));
    }
    let tokens = create_token_pair(&form.username, TokenOptions::default().fresh(true))?;
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, "/"));
    set_access_cookies(&mut response, &tokens.access_token)?;
    if let Some(refresh_token) = &tokens.refresh_token {
        set_refresh_cookies(&mut response, refresh_token)?;
    }
    Ok(response.finish())
}

#[derive(Deserialize)]
struct Note {
    note: String,
}

/// A protected, CSRF-checked call; near the end of the cookie's life its answer renews it.
#[post("/api/notes")]
#[jwt_required]
async fn save_note(note: web::Json<Note>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "identity": get_jwt_identity::<String>(),
        "note": note.note,
    }))
}

/// Logout unsets every JWT cookie; the implicit refresh never sets them again.
#[post("/logout")]
async fn logout() -> Result<HttpResponse, JwtError> {
    let mut response = HttpResponse::Ok();
    unset_jwt_cookies(&mut response)?;
    Ok(response.json(json!({"logout": true})))
}

/// The environment's configuration, with the page's defaults where it says nothing.
fn config() -> Result<JwtConfig, jwt_runtime::ConfigError> {
    let unset = |name: &str| std::env::var_os(name).is_none();
    let mut config = JwtConfig::from_env()?;
    if unset("JWT_TOKEN_LOCATION") {
        config = config.token_location([TokenLocation::Cookies]);
    }
    if unset("JWT_COOKIE_SAMESITE") {
        config = config.cookie_samesite(SameSite::Strict);
    }
    if unset("JWT_IMPLICIT_REFRESH_WINDOW") {
        config = config.implicit_refresh_window(Duration::from_secs(5 * 60));
    }
    Ok(config)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    jwt_examples::init_tracing();
    let manager = match config().and_then(JwtManager::new) {
        Ok(manager) => manager,
        Err(error) => {
            eprintln!("session_page: invalid configuration: {error}");
            std::process::exit(2);
        }
    };
    let port: u16 = match std::env::var("PORT").map(|port| port.parse()) {
        Err(_) => 5000,
        Ok(Ok(port)) => port,
        Ok(Err(_)) => {
            eprintln!("session_page: invalid configuration: PORT: expected a port number");
            std::process::exit(2);
        }
    };
    let server = HttpServer::new(move || {
        App::new()
            .wrap(manager.clone())
            .service(page)
            .service(login)
            .service(save_note)
            .service(logout)
    })
    .bind(("127.0.0.1", port))?;
    println!("listening on 127.0.0.1:{port}");
    std::io::stdout().flush()?;
    server.run().await
}
