//! Smoke test of the whole path.
use actix_web::{App, test};
use jwt_runtime::prelude::*;

#[jwt::expired_token_loader]
fn on_expired(token: &Claims) -> HttpResponse {
    HttpResponse::Unauthorized().json(json!({"status": 401, "sub_status": 42, "msg": format!("The {} token has expired", token.token_type())}))
}

#[get("/protected")]
#[jwt_required]
async fn protected() -> impl Responder {
    HttpResponse::Ok().json(json!({ "hello": get_jwt_identity::<String>() }))
}

#[jwt_optional]
#[get("/optional")]
async fn optional() -> impl Responder {
    HttpResponse::Ok().json(json!({ "hello": get_jwt_identity::<String>() }))
}

#[actix_web::test]
async fn smoke() {
    let manager =
        JwtManager::new(JwtConfig::default().secret_key("0123456789abcdef0123456789abcdef"))
            .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .service(protected)
            .service(optional),
    )
    .await;
    let token = manager.create_access_token(&"alice").unwrap();
    let req = test::TestRequest::get()
        .uri("/protected")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_request();
    let resp: serde_json::Value = test::call_and_read_body_json(&app, req).await;
    assert_eq!(resp, json!({"hello": "alice"}));
    let req = test::TestRequest::get().uri("/protected").to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), 401);
    let body = test::read_body(resp).await;
    assert_eq!(body, "{\"msg\":\"Missing Authorization Header\"}\n");
    let req = test::TestRequest::get().uri("/optional").to_request();
    let resp: serde_json::Value = test::call_and_read_body_json(&app, req).await;
    assert_eq!(resp, json!({"hello": null}));
    let expired = manager
        .create_access_token_with(
            &"a",
            TokenOptions::default().expires(std::time::Duration::from_secs(1)),
        )
        .unwrap();
    let _ = expired;
}
