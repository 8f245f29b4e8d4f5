//! Key selection: key URLs and embedded keys in the header are never followed, and the
//! decode-key loader only picks a key (from unverified data) and cannot lower the checks.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::Algorithm;
use jwt_runtime::config::Secret;
use jwt_tests::{ATTACKER, SECRET, b64, bearer, call, fixture_key, hmac_key, runs, sign_parts};
use serde_json::json;
use serde_json::{Map, Value};

use super::{SIGNATURE_FAILED, accepted, app, build, claims, clocked, hs, refused, signed};

#[actix_web::test]
async fn key_url_and_embedded_key_headers_are_never_followed() {
    let manager = build(hs());
    let app = app!(manager);
    // Anything that tried to fetch a key would connect here.
    let trap = TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let url = format!("http://{}/jwks.json", trap.local_addr().unwrap());
    let attacker_jwk = json!({"kty": "oct", "k": b64(ATTACKER), "alg": "HS256"});
    let headers = [
        json!({"alg": "HS256", "typ": "JWT", "jku": url}),
        json!({"alg": "HS256", "typ": "JWT", "x5u": url}),
        json!({"alg": "HS256", "typ": "JWT", "jwk": attacker_jwk}),
        json!({"alg": "HS256", "typ": "JWT", "x5c": [STANDARD.encode(ATTACKER)]}),
        json!({"alg": "HS256", "typ": "JWT", "kid": "attacker"}),
        json!({"alg": "HS256", "typ": "JWT", "kid": "../../../../../../dev/null"}),
        json!({"alg": "HS256", "typ": "JWT", "kid": "' UNION SELECT 'attacker-chosen-secret-of-32-bytes' --"}),
        json!({"alg": "HS256", "typ": "JWT", "jku": url, "x5u": url, "jwk": attacker_jwk, "kid": "k"}),
    ];
    let payload = claims(&json!({"identity": "admin"})).to_string();
    for header in &headers {
        let forged = sign_parts(
            &header.to_string(),
            payload.as_bytes(),
            &hmac_key(ATTACKER.as_bytes()),
            Algorithm::HS256,
        );
        refused(
            &app,
            &format!("attacker key via {header}"),
            bearer("/protected", &forged),
            422,
            SIGNATURE_FAILED,
        )
        .await;
        // The same headers on a token the server signed are ignored.
        let genuine = signed(&header.to_string(), &claims(&json!({})).to_string());
        accepted(
            &app,
            &format!("server key with {header}"),
            bearer("/protected", &genuine),
        )
        .await;
    }
    assert_eq!(
        trap.accept().map(|_| ()).map_err(|e| e.kind()),
        Err(std::io::ErrorKind::WouldBlock),
        "something fetched the jku/x5u URL"
    );
    // Header members the port refuses outright.
    for (header, message) in [
        (
            json!({"alg": "HS256", "kid": 7}),
            "Key ID header parameter must be a string",
        ),
        (
            json!({"alg": "HS256", "kid": null}),
            "Key ID header parameter must be a string",
        ),
        (
            json!({"alg": "HS256", "kid": ["a"]}),
            "Key ID header parameter must be a string",
        ),
        (
            json!({"alg": "HS256", "crit": ["exp"], "exp": 1}),
            "Unsupported critical header parameter",
        ),
        (
            json!({"alg": "HS256", "crit": ["jku"], "jku": "x"}),
            "Unsupported critical header parameter",
        ),
        (
            json!({"alg": "HS256", "crit": []}),
            "Unsupported critical header parameter",
        ),
        (
            json!({"alg": "HS256", "b64": false}),
            "Unsupported b64 header parameter",
        ),
        (
            json!({"alg": "HS256", "b64": "false"}),
            "Unsupported b64 header parameter",
        ),
    ] {
        let genuine = signed(&header.to_string(), &claims(&json!({})).to_string());
        refused(
            &app,
            &header.to_string(),
            bearer("/protected", &genuine),
            422,
            message,
        )
        .await;
    }
}

#[actix_web::test]
async fn decode_key_loader_only_picks_a_key_from_unverified_data() {
    type Seen = Arc<Mutex<Vec<(Map<String, Value>, Map<String, Value>)>>>;
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    let manager = clocked(hs())
        .decode_key_loader(move |claims, header| {
            log.lock().unwrap().push((claims.clone(), header.clone()));
            match header.get("kid").and_then(Value::as_str) {
                Some("k1") => Secret::from(SECRET),
                _ => Secret::from("a-server-side-key-of-32-bytes!!!"),
            }
        })
        .build()
        .unwrap();
    let app = app!(manager);
    let k1 = r#"{"alg":"HS256","kid":"k1"}"#;
    let genuine = signed(k1, &claims(&json!({})).to_string());
    accepted(&app, "kid k1, server key", bearer("/protected", &genuine)).await;
    assert_eq!(seen.lock().unwrap().len(), 1);

    // The loader is handed what the attacker wrote, picks a key, and the signature fails.
    let forged = sign_parts(
        r#"{"alg":"HS256","kid":"k1","jku":"http://127.0.0.1:9/keys"}"#,
        claims(&json!({"identity": "admin"})).to_string().as_bytes(),
        &hmac_key(ATTACKER.as_bytes()),
        Algorithm::HS256,
    );
    refused(
        &app,
        "forged, kid k1",
        bearer("/protected", &forged),
        422,
        SIGNATURE_FAILED,
    )
    .await;
    {
        let seen = seen.lock().unwrap();
        let (unverified_claims, unverified_header) = seen.last().unwrap();
        assert_eq!(unverified_claims["identity"], "admin");
        assert_eq!(unverified_header["jku"], "http://127.0.0.1:9/keys");
    }
    let forged = sign_parts(
        r#"{"alg":"HS256","kid":"k2"}"#,
        claims(&json!({"identity": "admin"})).to_string().as_bytes(),
        &hmac_key(ATTACKER.as_bytes()),
        Algorithm::HS256,
    );
    refused(
        &app,
        "forged, kid k2",
        bearer("/protected", &forged),
        422,
        SIGNATURE_FAILED,
    )
    .await;
    let calls = seen.lock().unwrap().len();

    // Tokens refused before any decoding never reach the loader.
    let oversized = ".".repeat(8193);
    refused(
        &app,
        "oversized",
        bearer("/protected", &oversized),
        422,
        "Token is too large (8193 bytes; the limit is 8192)",
    )
    .await;
    refused(
        &app,
        "one segment",
        bearer("/protected", "abc"),
        422,
        "Not enough segments",
    )
    .await;
    refused(
        &app,
        "header not base64url",
        bearer("/protected", "a*b.c.d"),
        422,
        "Invalid header padding",
    )
    .await;
    assert_eq!(seen.lock().unwrap().len(), calls);
}

/// Asserts that `request` is refused (any 4xx, or 5xx when `allow_5xx`) with a
/// `{"msg": ...}` body, and that no handler ran; for cases whose exact answer is open.
async fn not_authenticated<S, B>(app: &S, case: &str, request: test::TestRequest, allow_5xx: bool)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = runs();
    let reply = call(app, request.to_request()).await;
    let (status, body) = (reply.status.as_u16(), reply.body);
    let upper = if allow_5xx { 599 } else { 499 };
    assert!(
        (400..=upper).contains(&status),
        "case: {case}: {status} {body}"
    );
    assert!(body["msg"].is_string(), "case: {case}: {body}");
    assert_eq!(runs(), before, "case: {case}: the handler ran");
}

#[actix_web::test]

async fn decode_key_loader_returning_a_public_key_as_hmac_secret_is_refused() {
    // The start-up check refuses a PEM public key as JWT_SECRET_KEY (the algorithm-confusion
    // trap); a key picked per token by the decode_key_loader must get the same treatment,
    // or an HS256 token MAC'ed with the (public) PEM authenticates.
    let public_pem = fixture_key("rsa_public");
    let loader_pem = public_pem.clone();
    let manager = clocked(hs())
        .decode_key_loader(
            move |_, header| match header.get("kid").and_then(Value::as_str) {
                Some("legacy-rsa") => Secret::from(loader_pem.as_str()),
                _ => Secret::from(SECRET),
            },
        )
        .build()
        .unwrap();
    let app = app!(manager);
    let forged = sign_parts(
        r#"{"alg":"HS256","kid":"legacy-rsa"}"#,
        claims(&json!({"identity": "admin"})).to_string().as_bytes(),
        &hmac_key(public_pem.as_bytes()),
        Algorithm::HS256,
    );
    not_authenticated(
        &app,
        "HS256 MAC'ed with the public PEM the loader returns",
        bearer("/protected", &forged),
        true,
    )
    .await;
}

#[actix_web::test]
async fn decode_key_loader_returning_an_empty_secret_is_not_a_server_error() {
    // A loader that answers "no key" (an empty secret) for a kid it does not know: the
    // attacker chooses the kid, so the answer should be the invalid-token 422, not a 500.
    let manager = clocked(hs())
        .decode_key_loader(
            |_, header| match header.get("kid").and_then(Value::as_str) {
                Some("k1") => Secret::from(SECRET),
                _ => Secret::from(""),
            },
        )
        .build()
        .unwrap();
    let app = app!(manager);
    let forged = sign_parts(
        r#"{"alg":"HS256","kid":"unknown"}"#,
        claims(&json!({})).to_string().as_bytes(),
        &hmac_key(ATTACKER.as_bytes()),
        Algorithm::HS256,
    );
    not_authenticated(&app, "unknown kid", bearer("/protected", &forged), false).await;
}
