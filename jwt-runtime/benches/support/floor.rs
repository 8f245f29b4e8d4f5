//! The floor the benches compare with: a hand-written `FromRequest` extractor around
//! raw `jsonwebtoken::decode`, and the handlers both sides answer with.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_runtime::prelude::*;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;

/// The secret both sides verify with.
pub(crate) const SECRET: &str = "a-benchmark-secret-of-32-bytes!!";

/// What a hand-written verifier decodes into.
#[derive(Deserialize)]
pub(crate) struct Plain {
    identity: Value,
}

/// Key and validation of the floor, prepared once (leeway 0 and `nbf` checked, as ours).
pub(crate) struct FloorKeys {
    key: DecodingKey,
    validation: Validation,
}

impl FloorKeys {
    pub(crate) fn new() -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_nbf = true;
        FloorKeys {
            key: DecodingKey::from_secret(SECRET.as_bytes()).unwrap(),
            validation,
        }
    }

    /// Raw `jsonwebtoken::decode` of `token` into [`Plain`].
    pub(crate) fn decode(&self, token: &str) -> Plain {
        jsonwebtoken::decode::<Plain>(token, &self.key, &self.validation)
            .unwrap()
            .claims
    }
}

/// The floor's extractor.
pub(crate) struct Floor(Plain);

impl FromRequest for Floor {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let keys = req.app_data::<web::Data<FloorKeys>>().unwrap();
        let token = req
            .headers()
            .get("Authorization")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or_default();
        ready(
            jsonwebtoken::decode::<Plain>(token, &keys.key, &keys.validation)
                .map(|data| Floor(data.claims))
                .map_err(actix_web::error::ErrorUnprocessableEntity),
        )
    }
}

/// `GET /protected` of the floor.
pub(crate) async fn floor(Floor(claims): Floor) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": claims.identity }))
}

/// `GET /protected` of jwt-runtime: the same answer.
#[jwt_required]
pub(crate) async fn protected() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

/// `GET /scoped`: the same, with a scope and a role required.
#[jwt_required(scopes = ["items:read"], roles = ["admin"])]
pub(crate) async fn scoped() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}
