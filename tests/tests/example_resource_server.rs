//! `examples/resource_server.rs`: a service with no key of its own verifies the tokens of
//! an identity provider found by `OpenID Connect` discovery (the example's stand-in
//! provider, on a real loopback port), and refuses everything else.
#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "../../examples/resource_server.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use actix_web::{App, test};
use jwt_runtime::JwtManager;
use serde_json::Value;

#[actix_web::test]
async fn the_resource_server_verifies_the_providers_tokens() {
    let mut started = None;
    let config = example::config(|| {
        let issuer = example::start_provider(0)?;
        started = Some(issuer.clone());
        Ok(issuer)
    })
    .unwrap();
    let issuer = started.expect("no key source in the environment: the stand-in starts");
    let manager = JwtManager::new(config).unwrap();
    let app = test::init_service(App::new().wrap(manager.clone()).configure(example::routes)).await;
    let provider = example::provider(&issuer).unwrap();
    let token = provider.create_access_token(&"alice").unwrap();
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api/me")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["subject"], "alice");
    assert_eq!(body["issuer"], issuer.as_str());
    // It cannot create tokens, and a token of its own making would not be the provider's.
    assert!(manager.create_access_token(&"mallory").is_err());
    let response =
        test::call_service(&app, test::TestRequest::get().uri("/api/me").to_request()).await;
    assert_eq!(response.status().as_u16(), 401);
}
