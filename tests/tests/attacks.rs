//! The black-box attack suite: hostile tokens, headers, cookies, query strings
//! and bodies sent to a protected app. Every refused case checks the status, the JSON
//! error body (`{"msg": ...}`, `application/json`) and that the handler did not run.
//!
//! Most cases go through `actix_web::test` in-process, where the handlers run on the
//! test's thread and count their runs in a thread-local. The cases that need the wire
//! (a 10 MB header, two `Authorization` lines, raw non-ASCII bytes, a megabyte of dots)
//! talk raw HTTP/1.1 to a real actix server on a loopback port, whose handler counts its
//! runs in its `web::Data<Hits>`.
//!
//! Tokens are hand-made with `jsonwebtoken::crypto::sign` and base64, with a fixed
//! clock (`NOW`), so every signature and every message is deterministic.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
#![allow(clippy::too_many_lines, reason = "case tables")]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey};
use jwt_runtime::prelude::*;
use jwt_runtime::{JwtManagerBuilder, Secret};
use jwt_tests::live::LiveServer;
use jwt_tests::{
    ATTACKER, Hits, NOW, SECRET, b64, bearer, call, fixture_key, hmac_key, ran, runs, sign_parts,
};
use serde_json::{Map, Value};

/// The header the port writes for HS256.
const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

const NOT_ALLOWED: &str = "The specified alg value is not allowed";
const SIGNATURE_FAILED: &str = "Signature verification failed";
const BAD_HEADER: &str = "Bad Authorization header. Expected value 'Bearer <JWT>'";
const MISSING_HEADER: &str = "Missing Authorization Header";
const BAD_BARE_HEADER: &str = "Bad Authorization header. Expected value '<JWT>'";
const CSRF_MISMATCH: &str = "CSRF double submit tokens do not match";
const CSRF_MISSING: &str = "Missing CSRF token";
const MISSING_QUERY: &str = "Missing \"jwt\" query paramater";
const MISSING_KEY: &str = "Missing \"access_token\" key in json data.";
/// The base64url alphabet, in value order.
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// ---------------------------------------------------------------------------------------
// The protected app
// ---------------------------------------------------------------------------------------

#[jwt_required]
async fn protected() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[jwt_optional]
async fn optional() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[fresh_jwt_required]
async fn fresh() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

#[jwt_refresh_token_required]
async fn refresh() -> HttpResponse {
    ran();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

/// Every route answers every method, so CSRF methods can be exercised.
fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/protected", web::route().to(protected))
        .route("/optional", web::route().to(optional))
        .route("/fresh", web::route().to(fresh))
        .route("/refresh", web::route().to(refresh));
}

/// An in-process App with [`routes`], wrapped with `$manager`.
macro_rules! app {
    ($manager:expr) => {
        ::actix_web::test::init_service(
            ::actix_web::App::new()
                .wrap($manager.clone())
                .configure($crate::routes),
        )
        .await
    };
}

/// A builder with the fixed clock and no registered loaders.
fn clocked(config: JwtConfig) -> JwtManagerBuilder {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
}

fn build(config: JwtConfig) -> JwtManager {
    clocked(config).build().unwrap()
}

/// The default configuration (headers, HS256) with the server's secret.
fn hs() -> JwtConfig {
    JwtConfig::default().secret_key(SECRET)
}

// ---------------------------------------------------------------------------------------
// Requests and assertions
// ---------------------------------------------------------------------------------------

/// Asserts that `request` is refused with `status` and `{"msg": message}`, and that no
/// handler ran.
async fn refused<S, B>(app: &S, case: &str, request: test::TestRequest, status: u16, message: &str)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = runs();
    let reply = call(app, request.to_request()).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body),
        (status, &json!({ "msg": message })),
        "case: {case}"
    );
    assert_eq!(
        reply.content_type(),
        Some("application/json"),
        "case: {case}"
    );
    assert_eq!(runs(), before, "case: {case}: the handler ran");
}

/// Asserts that `request` is answered 200 by the handler (which ran once); returns the body.
async fn accepted<S, B>(app: &S, case: &str, request: test::TestRequest) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = runs();
    let reply = call(app, request.to_request()).await;
    assert_eq!(reply.status, 200, "case: {case}: {}", reply.body);
    assert_eq!(runs(), before + 1, "case: {case}: the handler did not run");
    reply.body
}

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri)
}

fn authorization(uri: &str, value: &[u8]) -> test::TestRequest {
    get(uri).insert_header((
        header::AUTHORIZATION,
        HeaderValue::from_bytes(value).unwrap(),
    ))
}

fn cookie_config() -> JwtConfig {
    hs().token_location([TokenLocation::Cookies])
}

fn with_cookie(request: test::TestRequest, token: &str) -> test::TestRequest {
    request.cookie(Cookie::new("access_token_cookie", token.to_owned()))
}

fn method(name: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(Method::from_bytes(name.as_bytes()).unwrap())
        .uri("/protected")
}

// ---------------------------------------------------------------------------------------
// Hand-made tokens
// ---------------------------------------------------------------------------------------

/// HS256 with the server's secret, whatever the header says.
fn signed(header: &str, payload: &str) -> String {
    sign_parts(
        header,
        payload.as_bytes(),
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS256,
    )
}

/// Claims the default manager accepts at `NOW`, with `extra` merged in.
fn claims(extra: &Value) -> Value {
    let mut claims = json!({
        "iat": NOW, "nbf": NOW, "jti": "attack", "exp": NOW + 900,
        "identity": "alice", "fresh": false, "type": "access",
    });
    for (key, value) in extra.as_object().unwrap() {
        claims[key] = value.clone();
    }
    claims
}

/// `claims(&json!({}))` without the named claims.
fn claims_without(names: &[&str]) -> Value {
    let mut claims = claims(&json!({}));
    for name in names {
        claims.as_object_mut().unwrap().remove(*name);
    }
    claims
}

/// A validly signed HS256 token with `claims(extra)`.
fn token(extra: &Value) -> String {
    signed(HS256, &claims(extra).to_string())
}

/// The three segments of a token.
fn segments(token: &str) -> (&str, &str, &str) {
    let mut parts = token.splitn(3, '.');
    (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    )
}

// ---------------------------------------------------------------------------------------
// Algorithms and signatures
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn alg_none_in_any_spelling_is_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let payload = b64(claims(&json!({})).to_string());
    for alg in [
        json!("none"),
        json!("None"),
        json!("NONE"),
        json!("nOnE"),
        json!("none "),
        json!(" none"),
        json!("none\u{0}"),
        json!(""),
        json!(null),
        json!(false),
        json!(0),
        json!(["HS256"]),
        json!({"HS256": true}),
    ] {
        let header = b64(json!({"alg": alg, "typ": "JWT"}).to_string());
        let input = format!("{header}.{payload}");
        let real_mac = jsonwebtoken::crypto::sign(
            input.as_bytes(),
            &hmac_key(SECRET.as_bytes()),
            Algorithm::HS256,
        )
        .unwrap();
        for signature in ["", "AAAA", real_mac.as_str()] {
            refused(
                &app,
                &format!("alg {alg} with signature {signature:?}"),
                bearer("/protected", &format!("{input}.{signature}")),
                422,
                NOT_ALLOWED,
            )
            .await;
        }
    }
    // No `alg` at all, even with the right MAC.
    let header = b64(r#"{"typ":"JWT"}"#);
    let input = format!("{header}.{payload}");
    let mac = jsonwebtoken::crypto::sign(
        input.as_bytes(),
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS256,
    )
    .unwrap();
    refused(
        &app,
        "no alg",
        bearer("/protected", &format!("{input}.{mac}")),
        422,
        NOT_ALLOWED,
    )
    .await;
    // An unsecured JWS without its empty third segment.
    let header = b64(r#"{"alg":"none"}"#);
    refused(
        &app,
        "two segments",
        bearer("/protected", &format!("{header}.{payload}")),
        422,
        "Not enough segments",
    )
    .await;
    // The optional guard refuses it too (only a missing token is anonymous).
    refused(
        &app,
        "alg none on jwt_optional",
        bearer("/optional", &format!("{header}.{payload}.")),
        422,
        NOT_ALLOWED,
    )
    .await;
}

/// RFC 7519 §6.1: the example unsecured JWT (also RFC 7515 Appendix A.5).
const RFC_UNSECURED: &str = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";

#[actix_web::test]
async fn rfc7519_unsecured_token_is_refused() {
    for config in [
        hs(),
        hs().identity_claim("http://example.com/is_root"),
        JwtConfig::default().secret_key(rfc_a1_secret()),
    ] {
        let manager = build(config);
        let app = app!(manager);
        refused(
            &app,
            "RFC 7519 §6.1",
            bearer("/protected", RFC_UNSECURED),
            422,
            NOT_ALLOWED,
        )
        .await;
    }
}

/// The payload of every RFC 7515 Appendix A example: `{"iss":"joe", "exp":1300819380,
/// "http://example.com/is_root":true}` with CRLF line breaks.
const RFC_PAYLOAD: &str = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
/// RFC 7515 A.1: HS256.
const RFC_A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// RFC 7515 A.1's key (JWK `k`).
const RFC_A1_K: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
/// RFC 7515 A.2: RS256 (header `{"alg":"RS256"}`).
const RFC_A2_SIGNATURE: &str = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
/// RFC 7515 A.2's RSA key (JWK n, e, d, p, q, dp, dq, qi).
const RFC_A2_KEY: [&str; 8] = [
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
    "AQAB",
    "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
    "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
    "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
    "BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
    "h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
    "IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U",
];
/// RFC 7515 A.3: ES256 (header `{"alg":"ES256"}`).
const RFC_A3_SIGNATURE: &str =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
/// RFC 7515 A.3's P-256 key (JWK x, y, d).
const RFC_A3_KEY: [&str; 3] = [
    "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
];
/// RFC 7515 A.4: ES512 (header `{"alg":"ES512"}`), which this port does not implement.
const RFC_A4: &str = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";

fn rfc_a1_secret() -> Secret {
    Secret::from(URL_SAFE_NO_PAD.decode(RFC_A1_K).unwrap())
}

/// Just enough DER to turn the RFC's JWKs into the PEM files jsonwebtoken reads.
mod der {
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let length = content.len();
        if length < 0x80 {
            out.push(u8::try_from(length).unwrap());
        } else {
            let bytes = length.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            out.push(0x80 | u8::try_from(bytes.len() - skip).unwrap());
            out.extend_from_slice(bytes.get(skip..).unwrap());
        }
        out.extend_from_slice(content);
        out
    }

    /// A non-negative INTEGER from big-endian bytes.
    pub(super) fn uint(bytes: &[u8]) -> Vec<u8> {
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let mut content = bytes.get(skip..).unwrap().to_vec();
        if content.first().is_none_or(|b| *b >= 0x80) {
            content.insert(0, 0);
        }
        tlv(0x02, &content)
    }

    pub(super) fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }

    pub(super) fn octets(bytes: &[u8]) -> Vec<u8> {
        tlv(0x04, bytes)
    }

    pub(super) fn bits(bytes: &[u8]) -> Vec<u8> {
        tlv(0x03, &[&[0][..], bytes].concat())
    }

    pub(super) fn explicit(number: u8, content: &[u8]) -> Vec<u8> {
        tlv(0xa0 | number, content)
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn jwk(value: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(value).unwrap()
}

/// RFC 7515 A.2's key pair as PKCS#1 PEM (private, public).
fn rfc_a2_pems() -> (String, String) {
    let ints: Vec<Vec<u8>> = RFC_A2_KEY.iter().map(|c| der::uint(&jwk(c))).collect();
    let mut private = vec![der::uint(&[0])];
    private.extend(ints.iter().cloned());
    let public = der::seq(ints.get(..2).unwrap());
    (
        pem("RSA PRIVATE KEY", &der::seq(&private)),
        pem("RSA PUBLIC KEY", &public),
    )
}

/// RFC 7515 A.3's key pair as PKCS#8 / SPKI PEM (private, public).
fn rfc_a3_pems() -> (String, String) {
    let [x, y, d] = RFC_A3_KEY.map(jwk);
    let ec_public_key = vec![0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    let prime256v1 = vec![0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    let algorithm = der::seq(&[ec_public_key, prime256v1]);
    let point = der::bits(&[&[0x04][..], &x, &y].concat());
    let ec_private = der::seq(&[der::uint(&[1]), der::octets(&d), der::explicit(1, &point)]);
    let pkcs8 = der::seq(&[der::uint(&[0]), algorithm.clone(), der::octets(&ec_private)]);
    let spki = der::seq(&[algorithm, point]);
    (pem("PRIVATE KEY", &pkcs8), pem("PUBLIC KEY", &spki))
}

#[actix_web::test]
async fn rfc7515_appendix_a_tokens_answer_expired() {
    // The RFC payload has no `identity`; naming one of its claims as the identity claim
    // lets it normalise. (`iss` is refused as JWT_IDENTITY_CLAIM only while the port
    // writes it itself, i.e. with JWT_ENCODE_ISSUER.)
    let identity_claim = "http://example.com/is_root";
    let err = JwtManager::new(
        JwtConfig::default()
            .secret_key(rfc_a1_secret())
            .encode_issuer("me")
            .identity_claim("iss"),
    )
    .unwrap_err();
    assert_eq!(err.option(), "JWT_IDENTITY_CLAIM");

    // A.1, HS256 with the RFC's key.
    let manager = build(
        JwtConfig::default()
            .secret_key(rfc_a1_secret())
            .identity_claim(identity_claim),
    );
    let app = app!(manager);
    refused(
        &app,
        "A.1",
        bearer("/protected", RFC_A1),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "A.1 optional",
        bearer("/optional", RFC_A1),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "A.5 (unsecured) on the A.1 manager",
        bearer("/protected", RFC_UNSECURED),
        422,
        NOT_ALLOWED,
    )
    .await;
    refused(
        &app,
        "A.4 (ES512) on the A.1 manager",
        bearer("/protected", RFC_A4),
        422,
        NOT_ALLOWED,
    )
    .await;
    // Without a usable identity claim, the reference answers the normalisation error.
    let manager = build(JwtConfig::default().secret_key(rfc_a1_secret()));
    let app = app!(manager);
    refused(
        &app,
        "A.1 without its identity claim",
        bearer("/protected", RFC_A1),
        422,
        "Missing claim: identity",
    )
    .await;
    // With another key, the signature fails first.
    let manager = build(hs().identity_claim(identity_claim));
    let app = app!(manager);
    refused(
        &app,
        "A.1, other key",
        bearer("/protected", RFC_A1),
        422,
        SIGNATURE_FAILED,
    )
    .await;

    // A.2, RS256 with the RFC's RSA key.
    let (private, public) = rfc_a2_pems();
    let manager = build(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(private)
            .public_key(public)
            .identity_claim(identity_claim),
    );
    let app = app!(manager);
    let a2 = format!(
        "{}.{RFC_PAYLOAD}.{RFC_A2_SIGNATURE}",
        b64(r#"{"alg":"RS256"}"#)
    );
    assert!(a2.starts_with("eyJhbGciOiJSUzI1NiJ9."));
    refused(
        &app,
        "A.2",
        bearer("/protected", &a2),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "A.1 on the A.2 manager",
        bearer("/protected", RFC_A1),
        422,
        NOT_ALLOWED,
    )
    .await;
    refused(
        &app,
        "A.5 on the A.2 manager",
        bearer("/protected", RFC_UNSECURED),
        422,
        NOT_ALLOWED,
    )
    .await;

    // A.3, ES256 with the RFC's P-256 key.
    let (private, public) = rfc_a3_pems();
    let manager = build(
        JwtConfig::default()
            .algorithm(Algorithm::ES256)
            .private_key(private)
            .public_key(public)
            .identity_claim(identity_claim),
    );
    let app = app!(manager);
    let a3 = format!(
        "{}.{RFC_PAYLOAD}.{RFC_A3_SIGNATURE}",
        b64(r#"{"alg":"ES256"}"#)
    );
    assert!(a3.starts_with("eyJhbGciOiJFUzI1NiJ9."));
    refused(
        &app,
        "A.3",
        bearer("/protected", &a3),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "A.2 on the A.3 manager",
        bearer("/protected", &a2),
        422,
        NOT_ALLOWED,
    )
    .await;
    refused(
        &app,
        "A.4 on the A.3 manager",
        bearer("/protected", RFC_A4),
        422,
        NOT_ALLOWED,
    )
    .await;
}

#[actix_web::test]
async fn algorithm_confusion_with_a_public_key_as_hmac_secret_is_refused() {
    for (algorithm, private, public, own) in [
        (
            Algorithm::RS256,
            "rsa_private",
            "rsa_public",
            Algorithm::RS256,
        ),
        (
            Algorithm::ES256,
            "ec_private",
            "ec_public",
            Algorithm::ES256,
        ),
    ] {
        let public_pem = fixture_key(public);
        let manager = build(
            JwtConfig::default()
                .algorithm(algorithm)
                .private_key(fixture_key(private))
                .public_key(public_pem.clone()),
        );
        let app = app!(manager);
        let own_token = manager.create_access_token(&"alice").unwrap();
        accepted(
            &app,
            "the manager's own token",
            bearer("/protected", &own_token),
        )
        .await;

        let payload = claims(&json!({"identity": "admin"})).to_string();
        // The public key as the MAC key: as given, trimmed, and as its DER bytes.
        let der = STANDARD
            .decode(
                public_pem
                    .lines()
                    .filter(|line| !line.starts_with("-----"))
                    .collect::<String>(),
            )
            .unwrap();
        let secrets: [&[u8]; 3] = [
            public_pem.as_bytes(),
            public_pem.trim().as_bytes(),
            der.as_slice(),
        ];
        for secret in secrets {
            for (mac, name) in [
                (Algorithm::HS256, "HS256"),
                (Algorithm::HS384, "HS384"),
                (Algorithm::HS512, "HS512"),
            ] {
                let header = json!({"alg": name, "typ": "JWT"}).to_string();
                let forged = sign_parts(&header, payload.as_bytes(), &hmac_key(secret), mac);
                refused(
                    &app,
                    &format!("{name} keyed with the {own:?} public key"),
                    bearer("/protected", &forged),
                    422,
                    NOT_ALLOWED,
                )
                .await;
            }
        }
    }

    // One key family per manager: an RSA manager cannot also accept HMAC.
    let err = JwtManager::new(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(fixture_key("rsa_private"))
            .public_key(fixture_key("rsa_public"))
            .decode_algorithms([Algorithm::RS256, Algorithm::HS256]),
    )
    .unwrap_err();
    assert_eq!(err.option(), "JWT_DECODE_ALGORITHMS", "{err}");
}

#[::core::prelude::v1::test]
fn unusable_hmac_secrets_refuse_to_start() {
    for (secret, case) in [
        (String::new(), "empty"),
        (fixture_key("rsa_public"), "RSA public key PEM"),
        (fixture_key("ec_public"), "EC public key PEM"),
        (
            format!("  \n{}", fixture_key("rsa_private")),
            "RSA private key PEM, indented",
        ),
        (
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host".to_owned(),
            "SSH RSA key",
        ),
        (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host".to_owned(),
            "SSH Ed25519 key",
        ),
        (
            "ecdsa-sha2-nistp256 AAAAE2VjZHNh user@host".to_owned(),
            "SSH ECDSA key",
        ),
    ] {
        let err = JwtManager::new(JwtConfig::default().secret_key(secret)).unwrap_err();
        assert_eq!(err.option(), "JWT_SECRET_KEY", "{case}: {err}");
    }
    // A short secret (the documentation's "super-secret") still starts, with a warning.
    assert!(JwtManager::new(JwtConfig::default().secret_key("super-secret")).is_ok());
}

#[actix_web::test]
async fn relabelled_algorithms_are_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let payload = claims(&json!({})).to_string();
    let secret = hmac_key(SECRET.as_bytes());
    // Signed with one HMAC, labelled as another.
    let cases = [
        (
            r#"{"alg":"HS256","typ":"JWT"}"#,
            Algorithm::HS512,
            SIGNATURE_FAILED,
        ),
        (
            r#"{"alg":"HS256","typ":"JWT"}"#,
            Algorithm::HS384,
            SIGNATURE_FAILED,
        ),
        (
            r#"{"alg":"HS512","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"HS384","typ":"JWT"}"#,
            Algorithm::HS384,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"RS256","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"PS256","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"ES256","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"EdDSA","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"hs256","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"HS256 ","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"HS2560","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"HS25","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"H\u0053256","typ":"JWT"}"#,
            Algorithm::HS512,
            SIGNATURE_FAILED,
        ),
    ];
    for (header, algorithm, message) in cases {
        let forged = sign_parts(header, payload.as_bytes(), &secret, algorithm);
        refused(
            &app,
            &format!("{header} signed {algorithm:?}"),
            bearer("/protected", &forged),
            422,
            message,
        )
        .await;
    }
    // Two `alg` members: serde keeps the last, which is the one that must verify.
    let forged = sign_parts(
        r#"{"alg":"none","alg":"HS256"}"#,
        payload.as_bytes(),
        &secret,
        Algorithm::HS384,
    );
    refused(
        &app,
        "duplicate alg",
        bearer("/protected", &forged),
        422,
        SIGNATURE_FAILED,
    )
    .await;

    // A manager that accepts the three HMACs still checks the one the header names.
    let manager =
        build(hs().decode_algorithms([Algorithm::HS256, Algorithm::HS384, Algorithm::HS512]));
    let app = app!(manager);
    let forged = sign_parts(
        r#"{"alg":"HS512","typ":"JWT"}"#,
        payload.as_bytes(),
        &secret,
        Algorithm::HS256,
    );
    refused(
        &app,
        "HS256 labelled HS512",
        bearer("/protected", &forged),
        422,
        SIGNATURE_FAILED,
    )
    .await;
    let genuine = sign_parts(
        r#"{"alg":"HS512","typ":"JWT"}"#,
        payload.as_bytes(),
        &secret,
        Algorithm::HS512,
    );
    accepted(&app, "HS512 labelled HS512", bearer("/protected", &genuine)).await;

    // RSA: RS256 relabelled PS256 (both allowed).
    let manager = build(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .decode_algorithms([Algorithm::RS256, Algorithm::PS256])
            .private_key(fixture_key("rsa_private"))
            .public_key(fixture_key("rsa_public")),
    );
    let app = app!(manager);
    let rsa = EncodingKey::from_rsa_pem(fixture_key("rsa_private").as_bytes()).unwrap();
    let forged = sign_parts(
        r#"{"alg":"PS256"}"#,
        payload.as_bytes(),
        &rsa,
        Algorithm::RS256,
    );
    refused(
        &app,
        "RS256 labelled PS256",
        bearer("/protected", &forged),
        422,
        SIGNATURE_FAILED,
    )
    .await;
    let forged = sign_parts(
        r#"{"alg":"RS384"}"#,
        payload.as_bytes(),
        &rsa,
        Algorithm::RS384,
    );
    refused(
        &app,
        "RS384 (not allowed)",
        bearer("/protected", &forged),
        422,
        NOT_ALLOWED,
    )
    .await;
    let genuine = sign_parts(
        r#"{"alg":"PS256"}"#,
        payload.as_bytes(),
        &rsa,
        Algorithm::PS256,
    );
    accepted(&app, "PS256 labelled PS256", bearer("/protected", &genuine)).await;
}

#[actix_web::test]
async fn stripped_or_tampered_signatures_are_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let valid = token(&json!({}));
    accepted(&app, "valid", bearer("/protected", &valid)).await;
    let (header, payload, signature) = segments(&valid);
    let forged_payload = b64(claims(&json!({"identity": "admin"})).to_string());
    let mut flipped = signature.to_owned().into_bytes();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    let attacker = sign_parts(
        HS256,
        claims(&json!({"identity": "admin"})).to_string().as_bytes(),
        &hmac_key(ATTACKER.as_bytes()),
        Algorithm::HS256,
    );
    // Whether 86 characters decode depends on the last one's trailing bits.
    let doubled_message = if URL_SAFE_NO_PAD
        .decode(format!("{signature}{signature}"))
        .is_ok()
    {
        SIGNATURE_FAILED
    } else {
        "Invalid crypto padding"
    };
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("{header}.{payload}."),
            "stripped signature",
            SIGNATURE_FAILED,
        ),
        (
            format!("{header}.{payload}"),
            "no signature segment",
            "Not enough segments",
        ),
        (
            format!("{header}.{payload}.{flipped}"),
            "one signature char changed",
            SIGNATURE_FAILED,
        ),
        (
            format!("{header}.{payload}.{}", signature.get(..40).unwrap()),
            "truncated signature",
            SIGNATURE_FAILED,
        ),
        (
            format!("{header}.{payload}.{signature}{signature}"),
            "doubled signature",
            doubled_message,
        ),
        (
            format!("{header}.{payload}.{signature}AAAA"),
            "signature with 3 zero bytes more",
            SIGNATURE_FAILED,
        ),
        (
            format!("{header}.{forged_payload}.{signature}"),
            "tampered payload",
            SIGNATURE_FAILED,
        ),
        (
            format!(
                "{}.{payload}.{signature}",
                b64(r#"{"alg":"HS256","typ":"JWS"}"#)
            ),
            "tampered header",
            SIGNATURE_FAILED,
        ),
        (attacker, "signed with another secret", SIGNATURE_FAILED),
        (
            format!("{header}.{payload}.{signature}.{signature}"),
            "four segments",
            "Invalid payload padding",
        ),
        (
            "..".to_owned(),
            "empty segments",
            "Invalid header string: EOF while parsing a value at line 1 column 0",
        ),
        (
            format!(".{payload}.{signature}"),
            "empty header",
            "Invalid header string: EOF while parsing a value at line 1 column 0",
        ),
        (
            format!("{header}..{signature}"),
            "empty payload",
            SIGNATURE_FAILED,
        ),
    ];
    for (forged, case, message) in cases {
        refused(&app, case, bearer("/protected", &forged), 422, message).await;
    }
}

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

#[actix_web::test]
async fn options_requests_are_verified_like_any_other_method() {
    // Flask answers OPTIONS before the view; actix routes it to the handler of a
    // `web::route()`, so the reference's exemption would run guarded handlers anonymously.
    let manager = build(hs());
    let app = app!(manager);
    for uri in ["/protected", "/fresh"] {
        refused(
            &app,
            "OPTIONS without a token",
            method("OPTIONS").uri(uri),
            401,
            MISSING_HEADER,
        )
        .await;
        refused(
            &app,
            "OPTIONS with a forged token",
            method("OPTIONS")
                .uri(uri)
                .insert_header((header::AUTHORIZATION, "Bearer forged")),
            422,
            "Not enough segments",
        )
        .await;
    }
    refused(
        &app,
        "OPTIONS on a refresh route with an access token",
        method("OPTIONS").uri("/refresh").insert_header((
            header::AUTHORIZATION,
            format!("Bearer {}", token(&json!({}))),
        )),
        422,
        "Only refresh tokens are allowed",
    )
    .await;
    let body = accepted(
        &app,
        "OPTIONS with a valid token",
        method("OPTIONS").insert_header((
            header::AUTHORIZATION,
            format!("Bearer {}", token(&json!({}))),
        )),
    )
    .await;
    assert_eq!(body, json!({"identity": "alice"}));
    refused(
        &app,
        "lowercase options",
        method("options"),
        401,
        MISSING_HEADER,
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Time claims
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn time_claims_are_checked_around_the_leeway() {
    for leeway in [0, 30] {
        let manager = build(hs().decode_leeway(Duration::from_secs(leeway)));
        let app = app!(manager);
        let case = |what: &str| format!("leeway {leeway}: {what}");
        // exp: expired when exp <= now - leeway (PyJWT 2).
        let edge = NOW - leeway;
        for (exp, ok) in [
            (edge + 2, true),
            (edge + 1, true),
            (edge, false),
            (edge - 1, false),
            (edge - 2, false),
        ] {
            let request = bearer("/protected", &token(&json!({"exp": exp})));
            if ok {
                accepted(&app, &case(&format!("exp {exp}")), request).await;
            } else {
                refused(
                    &app,
                    &case(&format!("exp {exp}")),
                    request,
                    401,
                    "Token has expired",
                )
                .await;
            }
        }
        // nbf and iat: not yet valid when > now + leeway.
        let edge = NOW + leeway;
        for claim in ["nbf", "iat"] {
            for (value, ok) in [
                (edge - 2, true),
                (edge, true),
                (edge + 1, false),
                (edge + 2, false),
            ] {
                let request = bearer("/protected", &token(&json!({ claim: value })));
                let what = case(&format!("{claim} {value}"));
                if ok {
                    accepted(&app, &what, request).await;
                } else {
                    let message = format!("The token is not yet valid ({claim})");
                    refused(&app, &what, request, 422, &message).await;
                }
            }
        }
    }
    // Without exp, nbf or iat a token does not expire (the reference's `JWT_*_EXPIRES: False`).
    let manager = build(hs());
    let app = app!(manager);
    let timeless = signed(HS256, &claims_without(&["exp", "nbf", "iat"]).to_string());
    accepted(&app, "no time claims", bearer("/protected", &timeless)).await;
}

/// `None`: accepted; `Some((status, message))`: refused.
type Outcome = Option<(u16, &'static str)>;

#[actix_web::test]
async fn time_claims_of_the_wrong_type_are_refused_not_ignored() {
    let manager = build(hs());
    let app = app!(manager);
    for (claim, message) in [
        ("exp", "Expiration Time claim (exp) must be an integer."),
        ("nbf", "Not Before claim (nbf) must be an integer."),
        ("iat", "Issued At claim (iat) must be an integer."),
    ] {
        for value in [
            json!(null),
            json!(true),
            json!(false),
            json!(NOW.to_string()),
            json!(""),
            json!("never"),
            json!([]),
            json!([NOW]),
            json!({}),
            json!({"$numberLong": NOW}),
        ] {
            refused(
                &app,
                &format!("{claim}: {value}"),
                bearer("/protected", &token(&json!({ claim: value }))),
                422,
                message,
            )
            .await;
        }
    }
    // Huge and extreme numbers: compared without overflow.
    let huge: [(&str, &str, Outcome); 14] = [
        ("exp", "1e308", None),
        ("exp", "18446744073709551615", None),
        ("exp", "99999999999999999999999999", None),
        ("exp", "-1e308", Some((401, "Token has expired"))),
        (
            "exp",
            "-9223372036854775808",
            Some((401, "Token has expired")),
        ),
        ("exp", "0", Some((401, "Token has expired"))),
        ("exp", "1700000000.5", Some((401, "Token has expired"))),
        (
            "nbf",
            "1e308",
            Some((422, "The token is not yet valid (nbf)")),
        ),
        (
            "nbf",
            "18446744073709551615",
            Some((422, "The token is not yet valid (nbf)")),
        ),
        ("nbf", "-9223372036854775808", None),
        (
            "iat",
            "99999999999999999999999999",
            Some((422, "The token is not yet valid (iat)")),
        ),
        ("iat", "-1e308", None),
        ("iat", "1700000000.9", None),
        ("nbf", "-0.0", None),
    ];
    for (claim, number, outcome) in huge {
        let text = claims(&json!({})).to_string().replacen(
            &format!("\"{claim}\":{}", claims(&json!({}))[claim]),
            &format!("\"{claim}\":{number}"),
            1,
        );
        assert!(text.contains(number), "{text}");
        let request = bearer("/protected", &signed(HS256, &text));
        let case = format!("{claim} {number}");
        match outcome {
            None => {
                accepted(&app, &case, request).await;
            }
            Some((status, message)) => refused(&app, &case, request, status, message).await,
        }
    }
    // Numbers JSON parsers cannot hold.
    let text = claims(&json!({})).to_string().replacen(
        &format!("\"exp\":{}", NOW + 900),
        "\"exp\":1e999",
        1,
    );
    refused(
        &app,
        "exp 1e999",
        bearer("/protected", &signed(HS256, &text)),
        422,
        "Invalid payload string: number out of range at line 1 column 12",
    )
    .await;
}

#[actix_web::test]
async fn other_claims_of_the_wrong_type_are_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let cases: Vec<(Value, &str)> = vec![
        (
            claims(&json!({"type": 1})),
            "Missing or invalid claim: type",
        ),
        (
            claims(&json!({"type": null})),
            "Missing or invalid claim: type",
        ),
        (
            claims(&json!({"type": "Access"})),
            "Missing or invalid claim: type",
        ),
        (
            claims(&json!({"type": "admin"})),
            "Missing or invalid claim: type",
        ),
        (
            claims(&json!({"type": ["access"]})),
            "Missing or invalid claim: type",
        ),
        (claims_without(&["identity"]), "Missing claim: identity"),
        (claims(&json!({"jti": 1})), "JWT ID must be a string"),
        (claims(&json!({"jti": {}})), "JWT ID must be a string"),
        (claims(&json!({"sub": 1})), "Subject must be a string"),
        (claims(&json!({"aud": "someone"})), "Invalid audience"),
        (claims(&json!({"aud": ["someone"]})), "Invalid audience"),
    ];
    for (payload, message) in cases {
        refused(
            &app,
            &payload.to_string(),
            bearer("/protected", &signed(HS256, &payload.to_string())),
            422,
            message,
        )
        .await;
    }
    // With an issuer and an audience configured.
    let manager = build(
        hs().decode_issuer("the-issuer")
            .decode_audience(["the-audience"]),
    );
    let app = app!(manager);
    let good = json!({"iss": "the-issuer", "aud": "the-audience"});
    accepted(&app, "iss + aud", bearer("/protected", &token(&good))).await;
    let cases: Vec<(Value, &str)> = vec![
        (
            claims(&json!({"aud": "the-audience"})),
            r#"Token is missing the "iss" claim"#,
        ),
        (
            claims(&json!({"iss": 1, "aud": "the-audience"})),
            "Payload Issuer (iss) must be a string",
        ),
        (
            claims(&json!({"iss": ["the-issuer"], "aud": "the-audience"})),
            "Payload Issuer (iss) must be a string",
        ),
        (
            claims(&json!({"iss": "The-Issuer", "aud": "the-audience"})),
            "Invalid issuer",
        ),
        (
            claims(&json!({"iss": "the-issuer"})),
            r#"Token is missing the "aud" claim"#,
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": 1})),
            "Invalid claim format in token",
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": [1]})),
            "Invalid claim format in token",
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": {"the-audience": 1}})),
            "Invalid claim format in token",
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": "other"})),
            "Audience doesn't match",
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": ""})),
            r#"Token is missing the "aud" claim"#,
        ),
    ];
    for (payload, message) in cases {
        refused(
            &app,
            &payload.to_string(),
            bearer("/protected", &signed(HS256, &payload.to_string())),
            422,
            message,
        )
        .await;
    }
}

#[actix_web::test]
async fn wrong_token_type_is_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let refresh_token = manager.create_refresh_token(&"alice").unwrap();
    let access_token = manager
        .create_access_token_with(&"alice", TokenOptions::default().fresh(true))
        .unwrap();
    for uri in ["/protected", "/optional", "/fresh"] {
        refused(
            &app,
            uri,
            bearer(uri, &refresh_token),
            422,
            "Only access tokens are allowed",
        )
        .await;
    }
    let crafted = token(&json!({"type": "refresh", "fresh": true}));
    refused(
        &app,
        "crafted refresh + fresh",
        bearer("/fresh", &crafted),
        422,
        "Only access tokens are allowed",
    )
    .await;
    refused(
        &app,
        "access on refresh",
        bearer("/refresh", &access_token).method(Method::POST),
        422,
        "Only refresh tokens are allowed",
    )
    .await;
    // `type` missing means access (the reference's normalisation).
    let untyped = signed(HS256, &claims_without(&["type"]).to_string());
    accepted(&app, "no type", bearer("/protected", &untyped)).await;
    refused(
        &app,
        "no type on refresh",
        bearer("/refresh", &untyped),
        422,
        "Only refresh tokens are allowed",
    )
    .await;
}

#[actix_web::test]
async fn fresh_claim_of_every_json_type() {
    let manager = build(hs());
    let app = app!(manager);
    let fresh_cases: [(&str, bool); 22] = [
        ("true", true),
        ("false", false),
        ("null", false),
        ("0", false),
        ("1", false),
        ("-1", false),
        ("1700000000", true),
        ("1700000002", true),
        ("1699999999", false),
        ("1699999998", false),
        ("1700000000.5", true),
        ("1699999999.9", false),
        ("1e300", true),
        ("-1e300", false),
        ("18446744073709551615", true),
        (r#""true""#, false),
        (r#""""#, false),
        (r#""1700000100""#, false),
        ("[]", false),
        ("[true]", false),
        ("{}", false),
        (r#"{"fresh":true}"#, false),
    ];
    for (fresh, ok) in fresh_cases {
        let text = claims(&json!({})).to_string().replacen(
            "\"fresh\":false",
            &format!("\"fresh\":{fresh}"),
            1,
        );
        assert!(text.contains(&format!("\"fresh\":{fresh}")), "{text}");
        let request = bearer("/fresh", &signed(HS256, &text));
        let case = format!("fresh: {fresh}");
        if ok {
            accepted(&app, &case, request).await;
        } else {
            refused(&app, &case, request, 401, "Fresh token required").await;
        }
    }
    let missing = signed(HS256, &claims_without(&["fresh"]).to_string());
    refused(
        &app,
        "fresh missing",
        bearer("/fresh", &missing),
        401,
        "Fresh token required",
    )
    .await;
    // Non-fresh tokens still pass the plain guard.
    accepted(
        &app,
        "not fresh, jwt_required",
        bearer("/protected", &token(&json!({"fresh": []}))),
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// CSRF
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn csrf_is_checked_against_the_signed_claim() {
    let manager = build(cookie_config());
    let app = app!(manager);
    let token = manager.create_access_token(&"alice").unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();

    refused(
        &app,
        "POST without CSRF",
        with_cookie(method("POST"), &token),
        401,
        CSRF_MISSING,
    )
    .await;
    refused(
        &app,
        "POST with an empty CSRF header",
        with_cookie(method("POST"), &token).insert_header(("X-CSRF-TOKEN", "")),
        401,
        CSRF_MISSING,
    )
    .await;
    for wrong in [
        "wrong".to_owned(),
        csrf.get(..35).unwrap().to_owned(),
        format!("{csrf}x"),
        format!("{csrf} "),
        csrf.to_uppercase(),
        format!("\"{csrf}\""),
        token.clone(),
    ] {
        refused(
            &app,
            &format!("POST with CSRF {wrong:?}"),
            with_cookie(method("POST"), &token).insert_header(("X-CSRF-TOKEN", wrong.as_str())),
            401,
            CSRF_MISMATCH,
        )
        .await;
    }
    // The attacker sets both the CSRF cookie and the header to the same value of their own:
    // the value is compared with the token's claim, not with the cookie.
    refused(
        &app,
        "CSRF cookie and header agree, claim differs",
        with_cookie(method("POST"), &token)
            .cookie(Cookie::new("csrf_access_token", "attacker"))
            .insert_header(("X-CSRF-TOKEN", "attacker")),
        401,
        CSRF_MISMATCH,
    )
    .await;
    // The real value in the CSRF cookie does not stand in for the header.
    refused(
        &app,
        "CSRF only in its cookie",
        with_cookie(method("POST"), &token).cookie(Cookie::new("csrf_access_token", csrf.clone())),
        401,
        CSRF_MISSING,
    )
    .await;
    // Nor in a form field, unless JWT_CSRF_CHECK_FORM is on.
    refused(
        &app,
        "CSRF in a form field",
        with_cookie(method("POST"), &token)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(format!("csrf_token={csrf}")),
        401,
        CSRF_MISSING,
    )
    .await;
    // Two CSRF headers: the first one counts.
    refused(
        &app,
        "two CSRF headers, wrong first",
        with_cookie(method("POST"), &token)
            .append_header(("X-CSRF-TOKEN", "wrong"))
            .append_header(("X-CSRF-TOKEN", csrf.as_str())),
        401,
        CSRF_MISMATCH,
    )
    .await;
    // Methods are compared case-insensitively.
    for name in ["post", "Post", "pOsT", "put", "patch", "delete", "DELETE"] {
        refused(
            &app,
            &format!("{name} without CSRF"),
            with_cookie(method(name), &token),
            401,
            CSRF_MISSING,
        )
        .await;
    }
    // Safe methods are exempt; the right value passes every unsafe one.
    for name in ["GET", "HEAD", "get"] {
        accepted(
            &app,
            &format!("{name} without CSRF"),
            with_cookie(method(name), &token),
        )
        .await;
    }
    for name in ["POST", "PUT", "PATCH", "DELETE", "post"] {
        accepted(
            &app,
            &format!("{name} with CSRF"),
            with_cookie(method(name), &token).insert_header(("X-CSRF-TOKEN", csrf.as_str())),
        )
        .await;
    }
    // A token without a csrf claim (issued for headers) cannot be used as a cookie on POST.
    let header_token = build(hs()).create_access_token(&"alice").unwrap();
    refused(
        &app,
        "cookie token without csrf claim",
        with_cookie(method("POST"), &header_token).insert_header(("X-CSRF-TOKEN", "anything")),
        422,
        "Missing claim: csrf",
    )
    .await;
    // A token whose csrf claim is not a string never matches.
    let odd = token_with_csrf(&json!(null));
    refused(
        &app,
        "csrf claim null",
        with_cookie(method("POST"), &odd).insert_header(("X-CSRF-TOKEN", "null")),
        401,
        CSRF_MISMATCH,
    )
    .await;
    let odd = token_with_csrf(&json!(123));
    refused(
        &app,
        "csrf claim 123",
        with_cookie(method("POST"), &odd).insert_header(("X-CSRF-TOKEN", "123")),
        401,
        CSRF_MISMATCH,
    )
    .await;

    // Configured methods are case-insensitive too.
    let manager = build(cookie_config().csrf_methods(["post"]));
    let app = app!(manager);
    refused(
        &app,
        "configured 'post'",
        with_cookie(method("POST"), &token),
        401,
        CSRF_MISSING,
    )
    .await;
    accepted(
        &app,
        "PUT not configured",
        with_cookie(method("PUT"), &token),
    )
    .await;
}

fn token_with_csrf(csrf: &Value) -> String {
    token(&json!({ "csrf": csrf }))
}

// ---------------------------------------------------------------------------------------
// Header parsing
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn authorization_header_variants() {
    let manager = build(hs());
    let app = app!(manager);
    let valid = token(&json!({}));
    refused(&app, "no header", get("/protected"), 401, MISSING_HEADER).await;
    let refusals: Vec<(String, u16, &str)> = vec![
        (String::new(), 401, MISSING_HEADER),
        ("Bearer".to_owned(), 422, BAD_HEADER),
        ("Bearer ".to_owned(), 422, BAD_HEADER),
        ("Bearer  ".to_owned(), 422, BAD_HEADER),
        ("   ".to_owned(), 422, BAD_HEADER),
        ("\t".to_owned(), 422, BAD_HEADER),
        (",".to_owned(), 422, BAD_HEADER),
        (", ,".to_owned(), 422, BAD_HEADER),
        (format!("bearer {valid}"), 422, BAD_HEADER),
        (format!("BEARER {valid}"), 422, BAD_HEADER),
        (format!("Bearer{valid}"), 422, BAD_HEADER),
        (format!("Bearer:{valid}"), 422, BAD_HEADER),
        (format!("Bearer={valid}"), 422, BAD_HEADER),
        (valid.clone(), 422, BAD_HEADER),
        (format!("Bearer {valid},"), 422, BAD_HEADER),
        (format!("Bearer {valid}, "), 422, BAD_HEADER),
        (format!(", Bearer {valid}"), 422, BAD_HEADER),
        (format!("Bearer {valid},,Basic abc"), 422, BAD_HEADER),
        (format!("Bearer {valid} {valid}"), 422, BAD_HEADER),
        (format!("Bearer {valid} extra"), 422, BAD_HEADER),
        (format!("Bearer {valid}, Bearer {valid}"), 422, BAD_HEADER),
        (format!("Bearer {valid},Bearer garbage"), 422, BAD_HEADER),
        (format!("Bearer garbage, Bearer {valid}"), 422, BAD_HEADER),
        ("Basic dXNlcjpwYXNz".to_owned(), 422, BAD_HEADER),
        ("Bearer garbage".to_owned(), 422, "Not enough segments"),
        ("Bearer a.b".to_owned(), 422, "Not enough segments"),
        (
            "Bearer ...".to_owned(),
            422,
            "Invalid header string: EOF while parsing a value at line 1 column 0",
        ),
    ];
    for (value, status, message) in refusals {
        refused(
            &app,
            &format!("Authorization: {value:?}"),
            authorization("/protected", value.as_bytes()),
            status,
            message,
        )
        .await;
    }
    // Non-ASCII (obs-text) bytes are not a token.
    for value in [
        b"Bearer \xff\xfe".to_vec(),
        "Bearer é.é.é".as_bytes().to_vec(),
        [b"Bearer ", valid.as_bytes(), b"\x80"].concat(),
        [b"Bearer\xa0", valid.as_bytes()].concat(),
    ] {
        refused(
            &app,
            &format!("Authorization: {}", String::from_utf8_lossy(&value)),
            authorization("/protected", &value),
            422,
            BAD_HEADER,
        )
        .await;
    }
    // Two Authorization lines are ambiguous, even when both are valid.
    refused(
        &app,
        "two lines",
        get("/protected")
            .append_header((header::AUTHORIZATION, format!("Bearer {valid}")))
            .append_header((header::AUTHORIZATION, format!("Bearer {valid}"))),
        422,
        BAD_HEADER,
    )
    .await;
    refused(
        &app,
        "two lines, second empty",
        get("/protected")
            .append_header((header::AUTHORIZATION, format!("Bearer {valid}")))
            .append_header((header::AUTHORIZATION, "")),
        422,
        BAD_HEADER,
    )
    .await;
    // Whitespace as Python's str.split() sees it, and other schemes alongside, are accepted.
    for value in [
        format!("Bearer {valid}"),
        format!("Bearer  {valid}"),
        format!("Bearer\t{valid}"),
        format!("Bearer {valid}\t"),
        format!("Basic abc, Bearer {valid}"),
        format!("Bearer {valid}, Basic abc"),
        format!("Basic abc,Bearer {valid}"),
    ] {
        accepted(
            &app,
            &format!("Authorization: {value:?}"),
            authorization("/protected", value.as_bytes()),
        )
        .await;
    }
    // jwt_optional treats a malformed header as no token: the handler runs anonymously.
    let body = accepted(
        &app,
        "optional, two lines",
        get("/optional")
            .append_header((header::AUTHORIZATION, format!("Bearer {valid}")))
            .append_header((header::AUTHORIZATION, format!("Bearer {valid}"))),
    )
    .await;
    assert_eq!(body, json!({"identity": null}));

    // The bare-token form (JWT_HEADER_TYPE = "").
    let manager = build(hs().header_type(""));
    let app = app!(manager);
    for value in [
        format!("Bearer {valid}"),
        format!("{valid} {valid}"),
        "   ".to_owned(),
        ",".to_owned(),
    ] {
        let status_message = if value == "," {
            (422, "Not enough segments")
        } else {
            (422, BAD_BARE_HEADER)
        };
        refused(
            &app,
            &format!("bare: {value:?}"),
            authorization("/protected", value.as_bytes()),
            status_message.0,
            status_message.1,
        )
        .await;
    }
    accepted(
        &app,
        "bare token",
        authorization("/protected", valid.as_bytes()),
    )
    .await;
    accepted(
        &app,
        "bare token, tab",
        authorization("/protected", format!("\t{valid}").as_bytes()),
    )
    .await;
}

#[actix_web::test]
async fn duplicate_cookies_and_query_parameters() {
    let manager = build(cookie_config());
    let app = app!(manager);
    let valid = manager.create_access_token(&"alice").unwrap();
    let cookie = |value: String| get("/protected").insert_header((header::COOKIE, value));
    // The first cookie of the name counts (as the reference's `request.cookies`).
    refused(
        &app,
        "garbage cookie first",
        cookie(format!(
            "access_token_cookie=garbage; access_token_cookie={valid}"
        )),
        422,
        "Not enough segments",
    )
    .await;
    refused(
        &app,
        "expired cookie first",
        cookie(format!(
            "access_token_cookie={}; access_token_cookie={valid}",
            token(&json!({"exp": NOW - 10}))
        )),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "garbage in the first of two Cookie lines",
        get("/protected")
            .append_header((header::COOKIE, "access_token_cookie=garbage"))
            .append_header((header::COOKIE, format!("access_token_cookie={valid}"))),
        422,
        "Not enough segments",
    )
    .await;
    refused(
        &app,
        "empty cookie",
        cookie("access_token_cookie=".to_owned()),
        401,
        "Missing cookie \"access_token_cookie\"",
    )
    .await;
    refused(
        &app,
        "cookie with another name",
        cookie(format!("Access_Token_Cookie={valid}")),
        401,
        "Missing cookie \"access_token_cookie\"",
    )
    .await;
    accepted(
        &app,
        "valid cookie first",
        cookie(format!(
            "access_token_cookie={valid}; access_token_cookie=garbage"
        )),
    )
    .await;

    let manager = build(hs().token_location([TokenLocation::QueryString]));
    let app = app!(manager);
    for (query, status, message) in [
        (
            format!("jwt=garbage&jwt={valid}"),
            422,
            "Not enough segments",
        ),
        (format!("jwt=&jwt={valid}"), 401, MISSING_QUERY),
        (format!("jwt&jwt={valid}"), 401, MISSING_QUERY),
        (format!("JWT={valid}"), 401, MISSING_QUERY),
        (format!("jwt={valid}%00"), 422, "Invalid crypto padding"),
        (
            format!("jwt={}", ".".repeat(9000)),
            422,
            "Token is too large (9000 bytes; the limit is 8192)",
        ),
        ("jwt=%ZZ".to_owned(), 422, "Not enough segments"),
    ] {
        refused(
            &app,
            &format!("?{query}"),
            get(&format!("/protected?{query}")),
            status,
            message,
        )
        .await;
    }
    accepted(
        &app,
        "valid first",
        get(&format!("/protected?jwt={valid}&jwt=garbage")),
    )
    .await;
    accepted(
        &app,
        "percent-encoded dots",
        get(&format!("/protected?jwt={}", valid.replace('.', "%2E"))),
    )
    .await;
}

#[actix_web::test]
async fn json_bodies_that_are_not_objects() {
    // A 4 MiB body limit, so the deep and long bodies below reach the parser.
    let manager = build(
        hs().token_location([TokenLocation::Json])
            .json_body_limit(4_usize << 20),
    );
    let app = app!(manager);
    let valid = token(&json!({}));
    let post = |content_type: &str, body: Vec<u8>| {
        test::TestRequest::post()
            .uri("/protected")
            .insert_header((header::CONTENT_TYPE, content_type.to_owned()))
            .set_payload(body)
    };
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!(
        "{}1{}",
        r#"{"access_token":"#.repeat(100_000),
        "}".repeat(100_000)
    );
    let bodies: Vec<String> = vec![
        String::new(),
        "[]".to_owned(),
        format!(r#"["{valid}"]"#),
        format!(r#"[{{"access_token":"{valid}"}}]"#),
        format!(r#""{valid}""#),
        "null".to_owned(),
        "42".to_owned(),
        "true".to_owned(),
        r#"{"access_token":5}"#.to_owned(),
        r#"{"access_token":null}"#.to_owned(),
        r#"{"access_token":""}"#.to_owned(),
        r#"{"access_token":true}"#.to_owned(),
        format!(r#"{{"access_token":["{valid}"]}}"#),
        format!(r#"{{"access_token":{{"token":"{valid}"}}}}"#),
        format!(r#"{{"Access_Token":"{valid}"}}"#),
        format!(r#"{{"access_token":"{valid}""#),
        format!(r#"{{"access_token":"{valid}"}} trailing"#),
        format!(r#"{{"access_token":'{valid}'}}"#),
        deep_array,
        deep_object,
    ];
    for body in bodies {
        let case = format!(
            "body {}",
            body.get(..body.len().min(60)).unwrap_or_default()
        );
        refused(
            &app,
            &case,
            post("application/json", body.into_bytes()),
            401,
            MISSING_KEY,
        )
        .await;
    }
    // Invalid UTF-8 in the body.
    refused(
        &app,
        "non-UTF-8 body",
        post("application/json", b"{\"access_token\":\"\xff\"}".to_vec()),
        401,
        MISSING_KEY,
    )
    .await;
    let body = format!(r#"{{"access_token":"{valid}"}}"#);
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
        "json",
    ] {
        refused(
            &app,
            content_type,
            post(content_type, body.clone().into_bytes()),
            401,
            "Invalid content-type. Must be application/json.",
        )
        .await;
    }
    refused(
        &app,
        "no content type",
        test::TestRequest::post()
            .uri("/protected")
            .set_payload(body.clone()),
        401,
        "Invalid content-type. Must be application/json.",
    )
    .await;
    accepted(
        &app,
        "valid body",
        post("application/json", body.clone().into_bytes()),
    )
    .await;
    accepted(
        &app,
        "valid body, charset",
        post("application/json; charset=utf-8", body.into_bytes()),
    )
    .await;
    // Duplicate keys: the last one counts, as Python's json module reads it.
    let duplicate = format!(r#"{{"access_token":"{valid}","access_token":"garbage"}}"#);
    refused(
        &app,
        "duplicate key, garbage last",
        post("application/json", duplicate.into_bytes()),
        422,
        "Not enough segments",
    )
    .await;
    // A megabyte of dots as the token; then a body over the body limit.
    let dots = format!(r#"{{"access_token":"{}"}}"#, ".".repeat(1_000_000));
    refused(
        &app,
        "1 MB of dots",
        post("application/json", dots.into_bytes()),
        422,
        "Token is too large (1000000 bytes; the limit is 8192)",
    )
    .await;
    let over = format!(
        r#"{{"access_token":"{valid}","pad":"{}"}}"#,
        "x".repeat(4 << 20)
    );
    refused(
        &app,
        "body over the 4 MiB limit",
        post("application/json", over.into_bytes()),
        413,
        "Request body is too large (limit 4194304 bytes)",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Encodings, sizes and nesting
// ---------------------------------------------------------------------------------------

/// A valid token whose payload and signature contain `-` or `_` (so the standard alphabet
/// differs) and whose payload needs padding.
fn token_with_urlsafe_signature() -> String {
    // Five `?` in a row always contain an aligned `???`, which encodes as `Pz8_`.
    (0..1000)
        .map(|n| token(&json!({ "jti": format!("attack-?????-{n}") })))
        .find(|t| {
            let (_, payload, signature) = segments(t);
            payload.len() % 4 != 0 && payload.contains(['-', '_']) && signature.contains(['-', '_'])
        })
        .expect("a token with url-safe characters in payload and signature")
}

#[actix_web::test]
async fn padded_and_standard_alphabet_base64_is_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let valid = token_with_urlsafe_signature();
    accepted(&app, "valid", bearer("/protected", &valid)).await;
    let (header, payload, signature) = segments(&valid);
    let standard = |s: &str| s.replace('-', "+").replace('_', "/");
    let payload_json = URL_SAFE_NO_PAD.decode(payload).unwrap();
    let signature_bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    // A header whose standard-alphabet encoding differs: `?` and `>` encode to `/` and `+`.
    let odd_header = r#"{"alg":"HS256","typ":"JWT","x":"???>>>"}"#;
    let odd = signed(odd_header, &claims(&json!({})).to_string());
    let (odd_h, odd_p, odd_s) = segments(&odd);
    assert!(odd_h.contains(['-', '_']), "{odd_h}");
    assert!(URL_SAFE.encode(odd_header).ends_with('='));
    assert!(URL_SAFE.encode(&payload_json).ends_with('='));
    assert!(URL_SAFE.encode(&signature_bytes).ends_with('='));
    accepted(&app, "odd header, url-safe", bearer("/protected", &odd)).await;
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("{}.{odd_p}.{odd_s}", URL_SAFE.encode(odd_header)),
            "padded header",
            "Invalid header padding",
        ),
        (
            format!("{header}=.{payload}.{signature}"),
            "header with a stray =",
            "Invalid header padding",
        ),
        (
            format!("{}.{odd_p}.{odd_s}", standard(odd_h)),
            "standard-alphabet header",
            "Invalid header padding",
        ),
        (
            format!("{header}.{}.{signature}", URL_SAFE.encode(&payload_json)),
            "padded payload",
            "Invalid payload padding",
        ),
        (
            format!("{header}.{}.{signature}", STANDARD.encode(&payload_json)),
            "standard payload",
            "Invalid payload padding",
        ),
        (
            format!("{header}.{payload}.{}", URL_SAFE.encode(&signature_bytes)),
            "padded signature",
            "Invalid crypto padding",
        ),
        (
            format!("{header}.{payload}.{}", standard(signature)),
            "standard-alphabet signature",
            "Invalid crypto padding",
        ),
        (
            format!("{header}.{payload} .{signature}"),
            "space in payload (two words in the header)",
            BAD_HEADER,
        ),
        (
            format!("{header}.{payload}.{signature}%3D"),
            "percent-encoded padding",
            "Invalid crypto padding",
        ),
    ];
    for (forged, case, message) in cases {
        refused(&app, case, bearer("/protected", &forged), 422, message).await;
    }
    // Non-canonical last characters (nonzero trailing bits) decode to the same bytes
    // in lenient decoders; here they are refused.
    let last = *signature.as_bytes().last().unwrap();
    let value = BASE64URL.iter().position(|c| *c == last).unwrap();
    assert_eq!(signature.len() % 4, 3);
    assert_eq!(
        value & 3,
        0,
        "a canonical 43-char signature ends in two zero bits"
    );
    let sibling = char::from(BASE64URL[value | 1]);
    let non_canonical = format!(
        "{header}.{payload}.{}{sibling}",
        signature.get(..signature.len() - 1).unwrap()
    );
    let refused_message = "Invalid crypto padding";
    refused(
        &app,
        "non-canonical signature",
        bearer("/protected", &non_canonical),
        422,
        refused_message,
    )
    .await;
}

#[actix_web::test]
async fn non_json_and_non_object_segments_are_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let secret = hmac_key(SECRET.as_bytes());
    let sign =
        |header: &str, payload: &[u8]| sign_parts(header, payload, &secret, Algorithm::HS256);
    let cases: Vec<(String, &str, &str)> = vec![
        (
            sign(HS256, b"hello"),
            "text payload",
            "Invalid payload string: expected value at line 1 column 1",
        ),
        (
            sign(HS256, b""),
            "empty payload",
            "Invalid payload string: EOF while parsing a value at line 1 column 0",
        ),
        (
            sign(HS256, b"[1,2]"),
            "array payload",
            "Invalid payload string: must be a json object",
        ),
        (
            sign(HS256, b"\"identity\""),
            "string payload",
            "Invalid payload string: must be a json object",
        ),
        (
            sign(HS256, b"null"),
            "null payload",
            "Invalid payload string: must be a json object",
        ),
        (
            sign(HS256, b"{\"identity\":\"\xff\"}"),
            "non-UTF-8 payload",
            "Invalid payload string: invalid unicode code point at line 1 column 14",
        ),
        (
            sign(HS256, b"{\"identity\":\"a\"} {}"),
            "two JSON values",
            "Invalid payload string: trailing characters at line 1 column 18",
        ),
        (
            sign(HS256, b"\xef\xbb\xbf{}"),
            "BOM",
            "Invalid payload string: expected value at line 1 column 1",
        ),
        (
            format!("{}.e30.c2ln", b64("not json")),
            "text header",
            "Invalid header string: expected ident at line 1 column 2",
        ),
        (
            format!("{}.e30.c2ln", b64("[\"HS256\"]")),
            "array header",
            "Invalid header string: must be a json object",
        ),
        (
            format!("{}.e30.c2ln", b64("\"HS256\"")),
            "string header",
            "Invalid header string: must be a json object",
        ),
        (
            format!("{}.e30.c2ln", b64(b"\xff\xfe")),
            "binary header",
            "Invalid header string: expected value at line 1 column 1",
        ),
    ];
    for (forged, case, message) in cases {
        refused(&app, case, bearer("/protected", &forged), 422, message).await;
    }
}

#[actix_web::test]
async fn deep_nesting_and_huge_tokens_are_refused() {
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    let secret = hmac_key(SECRET.as_bytes());
    let deep_header = format!("{}.e30.c2ln", b64(&deep_array));
    let deep_payload = sign_parts(HS256, deep_array.as_bytes(), &secret, Algorithm::HS256);
    let deep_claim = sign_parts(
        HS256,
        claims(&json!({}))
            .to_string()
            .replacen("\"alice\"", &deep_object, 1)
            .as_bytes(),
        &secret,
        Algorithm::HS256,
    );
    let big_identity = "a".repeat(75_000);
    let big = build(hs().max_token_size(1usize << 20))
        .create_access_token(&big_identity)
        .unwrap();
    assert!((100_000..110_000).contains(&big.len()), "{}", big.len());
    let dots = ".".repeat(1 << 20);

    // Default cap: everything above 8 KiB is refused before decoding.
    let manager = build(hs());
    let app = app!(manager);
    for (forged, case) in [
        (&deep_header, "100k-deep header"),
        (&deep_payload, "100k-deep payload"),
        (&deep_claim, "100k-deep claim"),
        (&big, "100 KB signed token"),
        (&dots, "1 MiB of dots"),
    ] {
        let message = format!(
            "Token is too large ({} bytes; the limit is 8192)",
            forged.len()
        );
        refused(&app, case, bearer("/protected", forged), 422, &message).await;
    }
    // The cap's edge: 8192 bytes are decoded, 8193 are not.
    refused(
        &app,
        "8192 dots",
        bearer("/protected", &".".repeat(8192)),
        422,
        "Invalid header string: EOF while parsing a value at line 1 column 0",
    )
    .await;
    refused(
        &app,
        "8193 dots",
        bearer("/protected", &".".repeat(8193)),
        422,
        "Token is too large (8193 bytes; the limit is 8192)",
    )
    .await;

    // A cap of 1 MiB: the parser's recursion limit answers instead.
    let manager = build(hs().max_token_size(1usize << 20));
    let app = app!(manager);
    let recursion = "recursion limit exceeded at line 1 column 128";
    refused(
        &app,
        "100k-deep header",
        bearer("/protected", &deep_header),
        422,
        &format!("Invalid header string: {recursion}"),
    )
    .await;
    refused(
        &app,
        "100k-deep payload",
        bearer("/protected", &deep_payload),
        422,
        &format!("Invalid payload string: {recursion}"),
    )
    .await;
    refused(
        &app,
        "100k-deep claim",
        bearer("/protected", &deep_claim),
        422,
        "Invalid payload string: recursion limit exceeded at line 1 column 691",
    )
    .await;
    refused(
        &app,
        "1 MiB of dots",
        bearer("/protected", &dots),
        422,
        "Invalid header string: EOF while parsing a value at line 1 column 0",
    )
    .await;
    let body = accepted(
        &app,
        "100 KB signed token under a 1 MiB cap",
        bearer("/protected", &big),
    )
    .await;
    assert_eq!(body["identity"], big_identity.as_str());

    // JWT_MAX_TOKEN_SIZE from the environment.
    let config = JwtConfig::from_lookup(|name| match name {
        "JWT_SECRET_KEY" => Some(SECRET.to_owned()),
        "JWT_MAX_TOKEN_SIZE" => Some("400".to_owned()),
        _ => None,
    })
    .unwrap();
    let manager = build(config);
    let app = app!(manager);
    let small = token(&json!({}));
    assert!(small.len() <= 400, "{}", small.len());
    accepted(
        &app,
        "under JWT_MAX_TOKEN_SIZE",
        bearer("/protected", &small),
    )
    .await;
    let padded = token(&json!({"identity": "a".repeat(400)}));
    let message = format!(
        "Token is too large ({} bytes; the limit is 400)",
        padded.len()
    );
    refused(
        &app,
        "validly signed, over JWT_MAX_TOKEN_SIZE",
        bearer("/protected", &padded),
        422,
        &message,
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Over the wire: a real actix server on a loopback port
// ---------------------------------------------------------------------------------------

#[jwt_required]
async fn counted(runs: web::Data<Hits>) -> HttpResponse {
    runs.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

struct Server(LiveServer);

impl Server {
    fn start() -> Self {
        Server(LiveServer::start(build(hs()), |config| {
            config.route("/protected", web::route().to(counted));
        }))
    }

    fn runs(&self) -> usize {
        self.0.runs()
    }

    fn connect(&self) -> TcpStream {
        self.0.connect(Duration::from_secs(20))
    }

    /// Sends `head_lines` (header lines, each without CRLF) as a `GET /protected` and
    /// returns the status and the body.
    fn get(&self, head_lines: &[&[u8]]) -> (u16, Vec<u8>) {
        let mut request =
            b"GET /protected HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".to_vec();
        for line in head_lines {
            request.extend_from_slice(line);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"\r\n");
        let mut stream = self.connect();
        stream.write_all(&request).unwrap();
        parse_response(&read_all(&mut stream))
    }

    /// Asserts a refusal with the JSON error body, and that the handler did not run.
    fn refused(&self, case: &str, head_lines: &[&[u8]], status: u16, message: &str) {
        let before = self.runs();
        let (got, body) = self.get(head_lines);
        assert_eq!(
            got,
            status,
            "case: {case}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&body).ok(),
            Some(json!({ "msg": message })),
            "case: {case}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(self.runs(), before, "case: {case}: the handler ran");
    }

    /// Asserts a 200 from the handler.
    fn accepted(&self, case: &str) {
        let before = self.runs();
        let token = self.0.manager.create_access_token(&"alice").unwrap();
        let line = format!("Authorization: Bearer {token}");
        let (status, body) = self.get(&[line.as_bytes()]);
        assert_eq!(
            status,
            200,
            "case: {case}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&body).unwrap(),
            json!({"identity": "alice"})
        );
        assert_eq!(self.runs(), before + 1, "case: {case}");
    }
}

/// Reads until EOF or an error (a reset after the response still leaves what came first).
fn read_all(stream: &mut TcpStream) -> Vec<u8> {
    let mut response = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(buffer.get(..n).unwrap()),
        }
    }
    response
}

/// The status and the body of a `Content-Length` (or empty) HTTP/1.1 response.
fn parse_response(response: &[u8]) -> (u16, Vec<u8>) {
    let text = String::from_utf8_lossy(response);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
    let body = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| response.get(at + 4..).unwrap().to_vec())
        .unwrap_or_default();
    (status, body)
}

#[::core::prelude::v1::test]
fn a_10_mb_header_gets_431_and_the_next_connection_works() {
    let server = Server::start();
    server.accepted("before");
    let mut stream = server.connect();
    let mut reader = stream.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'a'; 1 << 16];
        let _ = stream
            .write_all(b"GET /protected HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ");
        for _ in 0..160 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"\r\n\r\n");
        let _ = stream.shutdown(Shutdown::Write);
    });
    let response = read_all(&mut reader);
    writer.join().unwrap();
    let (status, _) = parse_response(&response);
    assert_eq!(status, 431, "{}", String::from_utf8_lossy(&response));
    assert_eq!(server.runs(), 1);
    server.accepted("after the 10 MB header");
    // The same for a megabyte of dots as the token.
    let line = format!("Authorization: Bearer {}", ".".repeat(1 << 20));
    let (status, _) = server.get(&[line.as_bytes()]);
    assert_eq!(status, 431);
    server.accepted("after the megabyte of dots");
    // Too many header lines are refused by actix too.
    let lines: Vec<Vec<u8>> = (0..200)
        .map(|n| format!("X-Filler-{n}: x").into_bytes())
        .collect();
    let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    assert_eq!(server.get(&lines).0, 431);
    server.accepted("after 200 header lines");
    assert_eq!(server.runs(), 4);
}

#[::core::prelude::v1::test]
fn raw_header_attacks_over_tcp() {
    let server = Server::start();
    let valid = server.0.manager.create_access_token(&"alice").unwrap();
    let line = format!("Authorization: Bearer {valid}");
    server.refused(
        "two Authorization lines",
        &[line.as_bytes(), line.as_bytes()],
        422,
        BAD_HEADER,
    );
    server.refused(
        "two Authorization lines, differently cased names",
        &[
            line.as_bytes(),
            format!("authorization: Bearer {valid}").as_bytes(),
        ],
        422,
        BAD_HEADER,
    );
    server.refused(
        "non-ASCII bytes",
        &[b"Authorization: Bearer \xc3\xa9\xff.\x80.\xfe"],
        422,
        BAD_HEADER,
    );
    server.refused(
        "a valid token with a Latin-1 byte appended",
        &[[line.as_bytes(), b"\xe9"].concat().as_slice()],
        422,
        BAD_HEADER,
    );
    server.refused("empty value", &[b"Authorization:"], 401, MISSING_HEADER);
    server.refused(
        "whitespace-only value",
        &[b"Authorization:    \t  "],
        401,
        MISSING_HEADER,
    );
    server.refused("Bearer", &[b"Authorization: Bearer"], 422, BAD_HEADER);
    server.refused(
        "Bearer and spaces",
        &[b"Authorization: Bearer   "],
        422,
        BAD_HEADER,
    );
    server.refused(
        "lowercase scheme",
        &[format!("Authorization: bearer {valid}").as_bytes()],
        422,
        BAD_HEADER,
    );
    server.refused(
        "trailing comma",
        &[format!("{line},").as_bytes()],
        422,
        BAD_HEADER,
    );
    server.refused(
        "two credentials",
        &[format!("{line}, Bearer {valid}").as_bytes()],
        422,
        BAD_HEADER,
    );
    let hundred_kb = format!("Authorization: Bearer {}", "a".repeat(100_000));
    server.refused(
        "100 KB token",
        &[hundred_kb.as_bytes()],
        422,
        "Token is too large (100000 bytes; the limit is 8192)",
    );
    // What httparse refuses never reaches the app: actix answers 400.
    for bad in [
        &b"Authorization: Bearer a\x00b"[..],
        b"Authorization : Bearer x",
        b"Authori zation: x",
    ] {
        let before = server.runs();
        assert_eq!(
            server.get(&[bad]).0,
            400,
            "{}",
            String::from_utf8_lossy(bad)
        );
        assert_eq!(server.runs(), before);
    }
    // Tab separators and obs-fold-free whitespace are fine.
    let (status, _) = server.get(&[format!("Authorization: Bearer\t{valid}").as_bytes()]);
    assert_eq!(status, 200);
    server.accepted("after the attacks");
}
