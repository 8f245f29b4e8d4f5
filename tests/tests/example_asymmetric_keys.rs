//! The asymmetric-keys example driven over HTTP: RS256 tokens signed with the
//! checked-in private key, verified with the public key (by the server, and by
//! anyone else holding it), and tokens signed any other way refused.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/asymmetric_keys.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use actix_web::http::StatusCode;
use actix_web::{App, test};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{bearer, send};
use serde_json::{Value, json};

#[actix_web::test]
async fn rs256_round_trip() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    let login = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": "test", "password": "test"}));
    let (status, body) = send(&app, login).await;
    assert_eq!(status, StatusCode::OK);
    let token = body["access_token"].as_str().unwrap();

    let header = manager.get_unverified_jwt_headers(token).unwrap();
    assert_eq!(header["alg"], "RS256");

    let (status, body) = send(&app, bearer("/protected", token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"logged_in_as": "test"}));

    // Anyone with the public key alone can check the token.
    let key = DecodingKey::from_rsa_pem(example::PUBLIC_KEY.as_bytes()).unwrap();
    let data =
        jsonwebtoken::decode::<Value>(token, &key, &Validation::new(Algorithm::RS256)).unwrap();
    assert_eq!(data.claims["identity"], "test");
    assert_eq!(data.claims["type"], "access");

    let login = test::TestRequest::post()
        .uri("/login")
        .set_json(json!({"username": "test", "password": "nope"}));
    let (status, body) = send(&app, login).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Bad username or password"}));
}

#[actix_web::test]
async fn other_signatures_are_refused() {
    let manager = JwtManager::new(example::config()).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;

    // An HS256 token, as the server made them before switching to RS256.
    let hs256 = JwtManager::new(JwtConfig::default().secret_key("super-secret"))
        .unwrap()
        .create_access_token(&"test")
        .unwrap();
    let (status, body) = send(&app, bearer("/protected", &hs256)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"msg": "The specified alg value is not allowed"})
    );

    // Signed by the right key, then changed: the signature no longer matches.
    let token = manager.create_access_token(&"test").unwrap();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let claims = manager.decode_token(&token).unwrap();
    let mut payload = claims.raw().clone();
    payload.insert("identity".to_owned(), json!("admin"));
    parts[1] = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        serde_json::to_vec(&payload).unwrap(),
    );
    let tampered = parts.join(".");
    let (status, body) = send(&app, bearer("/protected", &tampered)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, json!({"msg": "Signature verification failed"}));
}
