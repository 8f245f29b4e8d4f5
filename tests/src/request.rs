//! Requests to an in-process App (`actix_web::test`) and what a test reads of the answer.

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType, HeaderMap, HeaderName};
use actix_web::test::{self, TestRequest};
use serde_json::{Value, json};

/// What a test reads of a response.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as sent.
    pub raw: Vec<u8>,
    /// The body as JSON, or its text as a JSON string when it is not JSON.
    pub body: Value,
}

impl Reply {
    /// The body as text (lossy).
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// The `Content-Type`, when there is one and it is text.
    #[must_use]
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }

    /// The `Set-Cookie` lines, in order.
    #[must_use]
    pub fn set_cookie_lines(&self) -> Vec<&str> {
        self.headers
            .get_all(header::SET_COOKIE)
            .map(|value| value.to_str().expect("ASCII Set-Cookie"))
            .collect()
    }

    /// The `Set-Cookie` lines, parsed, in order.
    #[must_use]
    pub fn cookies(&self) -> Vec<Cookie<'static>> {
        self.set_cookie_lines()
            .into_iter()
            .map(|line| Cookie::parse(line.to_owned()).expect("a valid Set-Cookie line"))
            .collect()
    }

    /// The names of the cookies set, in order.
    #[must_use]
    pub fn cookie_names(&self) -> Vec<String> {
        self.cookies().iter().map(|c| c.name().to_owned()).collect()
    }

    /// The cookie `name` set by the response (the test fails when there is none).
    #[must_use]
    pub fn cookie(&self, name: &str) -> Cookie<'static> {
        self.cookies()
            .into_iter()
            .find(|c| c.name() == name)
            .unwrap_or_else(|| panic!("no Set-Cookie {name} in {:?}", self.set_cookie_lines()))
    }
}

/// Calls `app` with `request` and reads the whole response.
pub async fn call<S, B>(app: &S, request: Request) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = test::call_service(app, request).await;
    let status = response.status();
    let headers = response.headers().clone();
    let raw = test::read_body(response).await.to_vec();
    let body = serde_json::from_slice(&raw)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&raw).into_owned()));
    Reply {
        status,
        headers,
        raw,
        body,
    }
}

/// Sends `request` to `app`: the status and the body (JSON, or its text as a JSON string).
pub async fn send<S, B>(app: &S, request: TestRequest) -> (StatusCode, Value)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = call(app, request.to_request()).await;
    (reply.status, reply.body)
}

/// The `Authorization: Bearer <token>` header.
#[must_use]
pub fn bearer_header(token: &str) -> (HeaderName, String) {
    (header::AUTHORIZATION, format!("Bearer {token}"))
}

/// `request` with `Authorization: Bearer <token>`.
#[must_use]
pub fn with_bearer(request: TestRequest, token: &str) -> TestRequest {
    request.insert_header(bearer_header(token))
}

/// A GET of `uri` with `Authorization: Bearer <token>`.
#[must_use]
pub fn bearer(uri: &str, token: &str) -> TestRequest {
    with_bearer(TestRequest::get().uri(uri), token)
}

/// A POST of `uri` with `body` (JSON or not: any bytes) as `application/json`.
#[must_use]
pub fn json_post(uri: &str, body: impl Into<Vec<u8>>) -> TestRequest {
    TestRequest::post()
        .uri(uri)
        .insert_header(ContentType::json())
        .set_payload(body.into())
}

/// The library's error body, `{"msg": text}`.
#[must_use]
pub fn msg(text: &str) -> Value {
    json!({ "msg": text })
}
