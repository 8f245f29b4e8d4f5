//! The floor for the load benchmark: what a user would write by hand instead of
//! jwt-runtime. A plain `FromRequest` extractor around `jsonwebtoken::decode`, the same
//! routes and response bodies as `reference_server`'s `/public` and `/protected`.
//!
//! ```text
//! PORT=5001 JWT_SECRET_KEY=super-secret cargo run --release --example floor_server
//! ```

use std::future::{Ready, ready};
use std::io::Write as _;
use std::sync::OnceLock;

use actix_web::dev::Payload;
use actix_web::{App, FromRequest, HttpRequest, HttpResponse, HttpServer, get};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The claims the floor reads.
#[derive(Deserialize)]
struct TokenClaims {
    identity: Value,
    #[serde(default)]
    user_claims: Map<String, Value>,
    #[serde(rename = "type")]
    token_type: String,
}

/// Key and validation, prepared once.
struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

static VERIFIER: OnceLock<Verifier> = OnceLock::new();

/// A verified access token.
struct Authenticated(TokenClaims);

fn refuse(status: actix_web::http::StatusCode, message: &str) -> actix_web::Error {
    let response = HttpResponse::build(status).json(json!({ "msg": message }));
    actix_web::error::InternalError::from_response(message.to_owned(), response).into()
}

impl FromRequest for Authenticated {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        use actix_web::http::StatusCode;
        let Some(verifier) = VERIFIER.get() else {
            return ready(Err(refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "not configured",
            )));
        };
        let Some(header) = req
            .headers()
            .get("Authorization")
            .and_then(|h| h.to_str().ok())
        else {
            return ready(Err(refuse(
                StatusCode::UNAUTHORIZED,
                "Missing Authorization Header",
            )));
        };
        let Some(token) = header.strip_prefix("Bearer ") else {
            return ready(Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Bad Authorization header. Expected value 'Bearer <JWT>'",
            )));
        };
        ready(
            match jsonwebtoken::decode::<TokenClaims>(token, &verifier.key, &verifier.validation) {
                Ok(data) if data.claims.token_type == "access" => Ok(Authenticated(data.claims)),
                Ok(_) => Err(refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Only access tokens are allowed",
                )),
                Err(error) => Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, &error.to_string())),
            },
        )
    }
}

#[get("/public")]
async fn public() -> HttpResponse {
    HttpResponse::Ok().json(json!({"hello": "world"}))
}

#[get("/protected")]
async fn protected(Authenticated(claims): Authenticated) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "identity": claims.identity,
        "claims": claims.user_claims,
        "user": { "username": claims.identity },
    }))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    jwt_examples::init_tracing();
    let env = |name| jwt_examples::env_var(name).map_err(std::io::Error::other);
    let secret = env("JWT_SECRET_KEY")?.unwrap_or_else(|| "super-secret".to_owned());
    let key = DecodingKey::from_secret(secret.as_bytes()).map_err(std::io::Error::other)?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.validate_nbf = true;
    let _ = VERIFIER.set(Verifier { key, validation });
    let port: u16 = env("PORT")?.and_then(|p| p.parse().ok()).unwrap_or(5001);
    let workers: usize = env("WORKERS")?.and_then(|w| w.parse().ok()).unwrap_or(1);
    let server = HttpServer::new(|| App::new().service(public).service(protected))
        .workers(workers)
        .bind(("127.0.0.1", port))?;
    println!("listening on 127.0.0.1:{port}");
    std::io::stdout().flush()?;
    server.run().await
}
