//! Against an identity provider nobody here wrote: panva's certified `oidc-provider`
//! (`tests/idp/`, under Node.js), started on a loopback port by this test. It issues JWT
//! access tokens for two resource servers (RS256 and ES256, resource indicators), with its
//! own discovery document and JWK Set (keys made at its start); this library finds them by
//! `JWT_OIDC_ISSUER` and verifies its tokens, in `decode_token` and through a protected
//! route.
//!
//! `.ci/run` installs it (`npm ci` in `tests/idp`) and sets `JWT_TEST_IDP=required`; without
//! Node.js or the installed package the test is skipped, unless that variable says it is
//! required.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use actix_web::{App, HttpResponse, get, test};
use jwt_runtime::config::Algorithm;
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtConfig, JwtManager};
use serde_json::{Value, json};

const CLIENT_ID: &str = "jwt-runtime-test";
const CLIENT_SECRET: &str = "jwt-runtime-test-secret";
const API: &str = "urn:jwt-runtime:api";
const API_ES256: &str = "urn:jwt-runtime:api-es256";

/// The running provider, stopped when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `tests/idp/server.mjs`, or says why it cannot (`None`: skipped).
fn start_provider() -> Option<Provider> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/idp"));
    let required = std::env::var("JWT_TEST_IDP").is_ok_and(|v| v == "required");
    let node = Command::new("node").arg("--version").output();
    let installed = dir.join("node_modules/oidc-provider").exists();
    if !installed || node.is_err() {
        let reason = "real_identity_provider: skipped (needs Node.js and `npm ci` in tests/idp)";
        assert!(!required, "{reason}");
        jwt_tests::skipped(reason);
        return None;
    }
    let mut child = Command::new("node")
        .arg("server.mjs")
        .arg("0")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let issuer = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("the provider did not start: {line:?}"))
        .to_owned();
    Some(Provider { child, issuer })
}

/// A client-credentials access token for `resource` with `scope`, from the provider's
/// token endpoint (an HTTP/1.1 form POST).
fn access_token(provider: &Provider, resource: &str, scope: &str) -> String {
    let authority = provider.issuer.strip_prefix("http://").unwrap();
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("client_secret", CLIENT_SECRET)
        .append_pair("resource", resource)
        .append_pair("scope", scope)
        .finish();
    let mut stream = TcpStream::connect(authority).unwrap();
    write!(
        stream,
        "POST /token HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{response}");
    // The body may be chunked: the JSON object is what lies between its braces.
    let json = &body[body.find('{').unwrap()..=body.rfind('}').unwrap()];
    let answer: Value = serde_json::from_str(json).unwrap();
    assert_eq!(answer["token_type"], "Bearer");
    answer["access_token"].as_str().unwrap().to_owned()
}

/// A service that verifies the provider's tokens for `audience`.
fn verifier(provider: &Provider, algorithm: Algorithm, audience: &str) -> JwtManager {
    JwtManager::builder(
        JwtConfig::default()
            .algorithm(algorithm)
            .oidc_issuer(provider.issuer.clone())
            .identity_claim("sub")
            .decode_audience([audience]),
    )
    .ignore_registered_loaders()
    .build()
    .unwrap()
}

#[get("/items")]
#[jwt_required]
async fn items() -> HttpResponse {
    let claims = get_jwt().unwrap();
    HttpResponse::Ok().json(json!({
        "client": get_jwt_identity::<String>(),
        "scope": claims.get("scope"),
    }))
}

#[::core::prelude::v1::test]
fn its_tokens_verify_by_discovery() {
    let Some(provider) = start_provider() else {
        return;
    };
    let service = verifier(&provider, Algorithm::RS256, API);
    let token = access_token(&provider, API, "items:read");
    let header = service.get_unverified_jwt_headers(&token).unwrap();
    assert_eq!(header["typ"], "at+jwt");
    assert!(header["kid"].as_str().unwrap().starts_with("rs256-"));
    let claims = service.decode_token(&token).unwrap();
    assert_eq!(claims.identity::<String>().unwrap(), CLIENT_ID);
    assert_eq!(claims.get("iss").unwrap(), provider.issuer.as_str());
    assert_eq!(claims.get("scope").unwrap(), "items:read");
    // The ES256 resource's tokens, with its key from the same set.
    let es256 = verifier(&provider, Algorithm::ES256, API_ES256);
    let token_es = access_token(&provider, API_ES256, "items:write");
    let claims = es256.decode_token(&token_es).unwrap();
    assert_eq!(claims.get("scope").unwrap(), "items:write");
    // Each service refuses the other's tokens: another algorithm, another audience.
    assert_eq!(
        service.decode_token(&token_es).unwrap_err().message(),
        "The specified alg value is not allowed"
    );
    let other_audience = verifier(&provider, Algorithm::RS256, API_ES256);
    assert_eq!(
        other_audience.decode_token(&token).unwrap_err().message(),
        "Audience doesn't match"
    );
    // A token altered on the way is refused.
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{signed}.{flipped}{}", &signature[1..]);
    assert_eq!(
        service.decode_token(&tampered).unwrap_err().message(),
        "Signature verification failed"
    );
}

#[actix_web::test]
async fn a_protected_route_accepts_its_tokens() {
    let Some(provider) = start_provider() else {
        return;
    };
    let service = verifier(&provider, Algorithm::RS256, API);
    let app = test::init_service(App::new().wrap(service.clone()).service(items)).await;
    let token = access_token(&provider, API, "items:read items:write");
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/items")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(
        body,
        json!({"client": CLIENT_ID, "scope": "items:read items:write"})
    );
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/items")
            .insert_header(("Authorization", "Bearer not.a.token"))
            .to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
}
