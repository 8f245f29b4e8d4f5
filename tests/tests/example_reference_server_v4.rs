//! The reference server in flask-jwt-extended 4.x mode (`JWT_COMPAT=4`) against its contract
//! (`shared/reference-server-v4.md`, a delta over `shared/reference-server.md`): the claim layout
//! of the tokens it creates, `/token`'s `additional_claims`, every endpoint and loader of the
//! mode, the header, query-string, JSON and cookie rules with the library's messages, and the
//! start-up refusals; in-process through `actix_web::test`, and as a real process over TCP.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[path = "../../examples/reference_server.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::test::TestRequest;
use actix_web::{App, test};
use jwt_runtime::JwtConfig;
use jwt_runtime::config::Compat;
use jwt_tests::{
    SECRET, bearer, call, free_port, hmac_key, json_post, keys_in_order, msg, segment_text, send,
    server,
};
use serde_json::{Value, json};

/// The claim order of a default 4.x token (`/login`, `/token` without options).
const LAYOUT: [&str; 9] = [
    "fresh", "iat", "jti", "type", "sub", "nbf", "csrf", "exp", "roles",
];

/// The 401 of an `Authorization` header without exactly one `Bearer` credential.
const NO_BEARER: &str =
    "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'";

/// The 422 of a `Bearer` credential that is not two words.
const BAD_BEARER: &str = "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'";

/// The environment of a server, as `(variable, value)` pairs.
type Env = &'static [(&'static str, &'static str)];

/// Asserts that `$app` answers `$request` with the status `$status` and the JSON `$body`.
macro_rules! answers {
    ($app:expr, $request:expr => $status:expr, $body:expr $(, $($context:tt)+)?) => {{
        let (status, body) = send($app, $request).await;
        assert_eq!((status.as_u16(), body), ($status, $body) $(, $($context)+)?);
    }};
}

/// The status `$app` answers `$request` with.
macro_rules! status {
    ($app:expr, $request:expr) => {
        send($app, $request).await.0.as_u16()
    };
}

/// The in-process server of the 4.x mode, configured by `env` (the test secret unless given).
async fn app(
    env: &[(&str, &str)],
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    let mut vars: HashMap<&str, &str> = env.iter().copied().collect();
    vars.insert("JWT_COMPAT", "4");
    vars.entry("JWT_SECRET_KEY").or_insert(SECRET);
    let config = JwtConfig::from_lookup(|name| vars.get(name).map(|v| (*v).to_owned())).unwrap();
    assert_eq!(config.compat, Compat::V4);
    let manager = example::build_manager(config).unwrap();
    let routes = example::routes_for(Compat::V4);
    test::init_service(App::new().wrap(manager).configure(routes)).await
}

/// The token `/token` makes of `body` (JSON text, sent as written: the key order matters).
async fn token_for<S, B>(app: &S, body: impl std::fmt::Display) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, reply) = send(app, json_post("/token", body.to_string())).await;
    assert_eq!(status.as_u16(), 200, "{body}: {reply}");
    reply["token"].as_str().unwrap().to_owned()
}

/// The access and refresh tokens of `/login` for `user` (password = user name).
async fn login<S, B>(app: &S, user: &str) -> (String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let body = json!({"username": user, "password": user}).to_string();
    let (status, reply) = send(app, json_post("/login", body)).await;
    assert_eq!(status.as_u16(), 200, "{reply}");
    let token = |key: &str| reply[key].as_str().unwrap().to_owned();
    (token("access_token"), token("refresh_token"))
}

/// A POST of `uri` with `Authorization: Bearer <token>`.
fn post(uri: &str, token: &str) -> TestRequest {
    jwt_tests::with_bearer(TestRequest::post().uri(uri), token)
}

/// A GET of `uri` with `Authorization: <value>`.
fn authorization(uri: &str, value: &str) -> TestRequest {
    let header = ("Authorization", value.to_owned());
    TestRequest::get().uri(uri).insert_header(header)
}

/// A GET of `uri` (no token).
fn get(uri: &str) -> TestRequest {
    TestRequest::get().uri(uri)
}

/// A token's payload.
fn payload(token: &str) -> Value {
    serde_json::from_str(&segment_text(token, 1)).unwrap()
}

/// The claims `names` of a token's payload, in that order.
fn claims(token: &str, names: &[&str]) -> Vec<Value> {
    let payload = payload(token);
    names.iter().map(|name| payload[*name].clone()).collect()
}

/// The payload's claim names in the order the token writes them.
fn claim_order(token: &str) -> Vec<String> {
    keys_in_order(&segment_text(token, 1))
}

/// [`LAYOUT`] without `name`.
fn layout_without(name: &str) -> Vec<&'static str> {
    LAYOUT.into_iter().filter(|n| *n != name).collect()
}

/// `claims` signed with the test secret (HS256), for payloads the server would not make.
fn signed(claims: &Value) -> String {
    let key = hmac_key(SECRET.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), claims, &key).unwrap()
}

/// A non-empty `msg`.
fn has_msg(body: &Value) -> bool {
    body["msg"].as_str().is_some_and(|m| !m.is_empty())
}

#[actix_web::test]
async fn created_tokens_have_the_4x_claim_layout() {
    let app = app(&[]).await;
    let (access, refresh) = login(&app, "test").await;
    for (token, kind, fresh) in [(&access, "access", true), (&refresh, "refresh", false)] {
        assert_eq!(claim_order(token), LAYOUT, "{kind}");
        let found = claims(token, &["type", "fresh", "sub", "roles"]);
        assert_eq!(
            found,
            [json!(kind), json!(fresh), json!("test"), json!(["user"])]
        );
        let claims = payload(token);
        assert!(claims["iat"].is_i64() && claims["exp"].is_i64(), "{claims}");
        assert_eq!(claims["nbf"], claims["iat"]);
        // `csrf` with the default header-only location: written whenever CSRF protection is on.
        let (jti, csrf) = (claims["jti"].as_str(), claims["csrf"].as_str());
        assert_eq!(
            (jti.map(str::len), csrf.map(str::len)),
            (Some(36), Some(36))
        );
        assert_ne!(jti, csrf);
        let header: Value = serde_json::from_str(&segment_text(token, 0)).unwrap();
        assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
    }
    assert_ne!(payload(&access)["jti"], payload(&refresh)["jti"]);
    let (admin, _) = login(&app, "admin").await;
    assert_eq!(payload(&admin)["roles"], json!(["admin"]));

    let with = |extra: &[&'static str]| {
        let mut names = LAYOUT.to_vec();
        names.splice(7..7, extra.iter().copied());
        names
    };
    let issuer: Env = &[
        ("JWT_ENCODE_AUDIENCE", "a,b"),
        ("JWT_ENCODE_ISSUER", "me"),
        ("JWT_DECODE_ISSUER", "me"),
    ];
    let cases: [(Env, Vec<&str>, Value); 4] = [
        (
            issuer,
            with(&["aud", "iss"]),
            json!({"aud": ["a", "b"], "iss": "me"}),
        ),
        (
            &[("JWT_ENCODE_AUDIENCE", "a")],
            with(&["aud"]),
            json!({"aud": "a"}),
        ),
        (
            &[("JWT_ENCODE_NBF", "false")],
            layout_without("nbf"),
            json!({}),
        ),
        (
            &[("JWT_COOKIE_CSRF_PROTECT", "false")],
            layout_without("csrf"),
            json!({}),
        ),
    ];
    for (env, order, extra) in cases {
        let app = self::app(env).await;
        let (access, refresh) = login(&app, "test").await;
        for token in [&access, &refresh] {
            assert_eq!(claim_order(token), order, "{env:?}");
            let claims = payload(token);
            for (name, value) in extra.as_object().unwrap() {
                assert_eq!(&claims[name], value, "{env:?}");
            }
        }
        // `aud` is ignored without JWT_DECODE_AUDIENCE; `iss` in refresh tokens lets them refresh.
        assert_eq!(status!(&app, bearer("/protected", &access)), 200, "{env:?}");
        assert_eq!(status!(&app, post("/refresh", &refresh)), 200, "{env:?}");
    }
}

#[actix_web::test]
async fn token_helper_merges_additional_claims_and_refuses_bad_bodies() {
    let app = app(&[]).await;
    let body = r#"{"identity": "u", "additional_claims": {"zeta": 1, "alpha": 2}}"#;
    let ordered = token_for(&app, body).await;
    assert_eq!(
        claim_order(&ordered),
        [&LAYOUT[..], &["zeta", "alpha"]].concat()
    );
    assert_eq!(claims(&ordered, &["zeta", "alpha"]), [json!(1), json!(2)]);

    // Same-named claims are replaced in place: the request wins over the loader and the library.
    let body = r#"{"identity": "u", "additional_claims": {"roles": ["x"], "sub": "carol"}}"#;
    let carol = token_for(&app, body).await;
    assert_eq!(claim_order(&carol), LAYOUT);
    let expected =
        json!({"identity": "carol", "claims": {"roles": ["x"]}, "user": {"username": "carol"}});
    answers!(&app, bearer("/protected", &carol) => 200, expected);
    let body = r#"{"identity": "u", "additional_claims": {"type": "refresh"}}"#;
    let typed = token_for(&app, body).await;
    assert_eq!(claim_order(&typed), LAYOUT);
    assert_eq!(payload(&typed)["type"], "refresh");
    assert_eq!(status!(&app, post("/refresh", &typed)), 200);
    let refused = msg("Only non-refresh tokens are allowed");
    answers!(&app, bearer("/protected", &typed) => 422, refused);

    // Refresh tokens ignore `fresh`; seconds make a NumericDate; `expires: false` drops `exp`.
    let refresh = token_for(
        &app,
        json!({"identity": "u", "type": "refresh", "fresh": true}),
    )
    .await;
    assert_eq!(
        claims(&refresh, &["type", "fresh"]),
        [json!("refresh"), json!(false)]
    );
    let fresh = token_for(
        &app,
        json!({"identity": "u", "fresh": 300, "expires": false}),
    )
    .await;
    let claims = payload(&fresh);
    assert!(claims["fresh"].as_f64().unwrap() >= claims["iat"].as_f64().unwrap() + 299.0);
    assert!(claims.get("exp").is_none(), "{claims}");
    answers!(&app, bearer("/fresh", &fresh) => 200, json!({"identity": "u"}));
    let stale = token_for(&app, json!({"identity": "u", "fresh": -60})).await;
    answers!(&app, bearer("/fresh", &stale) => 401, msg("Fresh token required"));
    let null = token_for(&app, json!({"identity": null})).await;
    assert_eq!(claim_order(&null), LAYOUT);

    let mut bad: Vec<String> = ["not json", "[1]", "\"identity\"", "7", "null", "{}"]
        .map(str::to_owned)
        .to_vec();
    for (field, values) in [
        ("type", json!(["id", null, 1, true])),
        ("fresh", json!(["yes", null, [1], {}])),
        ("expires", json!([0, -5, "10", true, null])),
        ("additional_claims", json!([null, [1], "x", 1, true])),
    ] {
        for value in values.as_array().unwrap() {
            bad.push(json!({"identity": "u", field: value}).to_string());
        }
    }
    for body in bad {
        let (status, reply) = send(&app, json_post("/token", body.clone())).await;
        assert_eq!(status.as_u16(), 400, "{body}: {reply}");
        assert!(has_msg(&reply), "{body}: {reply}");
    }
}

#[actix_web::test]
async fn endpoints_of_the_4x_mode() {
    let app = app(&[]).await;
    let (access, refresh) = login(&app, "admin").await;
    let admin =
        json!({"identity": "admin", "claims": {"roles": ["admin"]}, "user": {"username": "admin"}});
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        let request = TestRequest::default().method(method.parse().unwrap());
        let request = jwt_tests::with_bearer(request.uri("/protected"), &access);
        answers!(&app, request => 200, admin.clone(), "{method}");
    }
    answers!(&app, get("/protected") => 401, msg("Missing Authorization Header"));
    // A token without roles, jti, type or fresh: roles null, and `get_jwt()` normalised.
    let bare = signed(&json!({"sub": "u", "exp": 4_000_000_000_u64}));
    let expected = json!({"identity": "u", "claims": {"roles": null}, "user": {"username": "u"}});
    answers!(&app, bearer("/protected", &bare) => 200, expected);
    let (status, body) = send(&app, bearer("/raw", &bare)).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let jwt = ["type", "fresh", "jti", "sub"].map(|name| body["jwt"][name].clone());
    assert_eq!(
        jwt,
        [json!("access"), json!(false), Value::Null, json!("u")]
    );
    // Nothing to revoke without `jti`: the port's 422 (4.7.4 answers 200).
    let (status, body) = send(&app, post("/revoke", &bare)).await;
    assert_eq!(status.as_u16(), 422, "{body}");
    assert!(body["msg"].as_str().unwrap().contains("jti"), "{body}");
    let raw = json!({"jwt": payload(&access), "header": {"alg": "HS256", "typ": "JWT"}});
    answers!(&app, bearer("/raw", &access) => 200, raw);

    answers!(&app, get("/optional") => 200, json!({"identity": null}));
    answers!(&app, bearer("/optional", &access) => 200, json!({"identity": "admin"}));
    answers!(&app, authorization("/optional", "Basic abc") => 200, json!({"identity": null}));
    // 4.x answers every error but "no token", a malformed header and expiry included.
    answers!(&app, authorization("/optional", "Bearer a b") => 422, msg(BAD_BEARER));
    let expired = signed(&json!({"sub": "u", "type": "access", "exp": 1}));
    answers!(&app, bearer("/optional", &expired) => 401, msg("Token has expired"));

    answers!(&app, post("/fresh", &access) => 200, json!({"identity": "admin"}));
    // The new access token's roles are the loader's, not the refresh token's.
    let body =
        json!({"identity": "admin", "type": "refresh", "additional_claims": {"roles": ["x"]}});
    let custom = token_for(&app, body).await;
    for token in [&refresh, &custom] {
        let (status, body) = send(&app, post("/refresh", token)).await;
        assert_eq!(status.as_u16(), 200, "{body}");
        let new_access = body["access_token"].as_str().unwrap();
        let found = claims(new_access, &["type", "fresh", "sub", "roles"]);
        assert_eq!(
            found,
            [
                json!("access"),
                json!(false),
                json!("admin"),
                json!(["admin"])
            ]
        );
        assert_eq!(claim_order(new_access), LAYOUT);
        answers!(&app, bearer("/fresh", new_access) => 401, msg("Fresh token required"));
    }
    let only_refresh = msg("Only refresh tokens are allowed");
    answers!(&app, post("/refresh", &access) => 422, only_refresh.clone());
    let no_refresh = msg("Only non-refresh tokens are allowed");
    answers!(&app, bearer("/protected", &refresh) => 422, no_refresh);
    // Any type but `refresh` is accepted as access; `/refresh` wants exactly `refresh`.
    let odd = token_for(
        &app,
        json!({"identity": "u", "additional_claims": {"type": "odd"}}),
    )
    .await;
    assert_eq!(status!(&app, bearer("/protected", &odd)), 200);
    answers!(&app, post("/refresh", &odd) => 422, only_refresh);
    for (token, kind) in [(&refresh, "refresh"), (&access, "access"), (&odd, "odd")] {
        let identity = payload(token)["sub"].clone();
        let expected = json!({"identity": identity, "type": kind});
        answers!(&app, bearer("/any-type", token) => 200, expected);
    }

    // Revocation: always on, for access and refresh tokens; `/skip-revocation` opts out.
    let revoked = msg("Token has been revoked");
    let (access, refresh) = login(&app, "test").await;
    answers!(&app, post("/revoke", &access) => 200, msg("Token revoked"));
    for uri in [
        "/protected",
        "/raw",
        "/any-type",
        "/location",
        "/query-first",
    ] {
        answers!(&app, bearer(uri, &access) => 401, revoked.clone(), "{uri}");
    }
    answers!(&app, bearer("/skip-revocation", &access) => 200, json!({"identity": "test"}));
    // `/revoke` takes access tokens: one with the refresh token's `jti` revokes that.
    let jti = payload(&refresh)["jti"].clone();
    let body = json!({"identity": "test", "additional_claims": {"jti": jti}});
    let twin = token_for(&app, body).await;
    assert_eq!(status!(&app, post("/refresh", &refresh)), 200);
    assert_eq!(status!(&app, post("/revoke", &twin)), 200);
    answers!(&app, post("/refresh", &refresh) => 401, revoked.clone());
    answers!(&app, post("/cookie/refresh", &refresh) => 401, revoked.clone());
    answers!(&app, bearer("/any-type", &refresh) => 401, revoked);
    let (other, _) = login(&app, "test").await;
    assert_eq!(status!(&app, bearer("/protected", &other)), 200);
}

#[actix_web::test]
async fn locations_header_rules_and_their_messages() {
    let app = app(&[]).await;
    let (token, _) = login(&app, "test").await;
    answers!(&app, bearer("/location", &token) => 200, json!({"location": "headers"}));
    let two_bearers = format!("Bearer {token}, Bearer {token}");
    let lowercase = format!("bearer {token}");
    for value in [
        "Basic abc",
        &two_bearers,
        &lowercase,
        &token,
        ", ,",
        ",  ,Basic abc",
    ] {
        answers!(&app, authorization("/protected", value) => 401, msg(NO_BEARER), "{value}");
    }
    for value in ["", ",", " , "] {
        let missing = msg("Missing Authorization Header");
        answers!(&app, authorization("/protected", value) => 401, missing, "{value:?}");
    }
    answers!(&app, authorization("/protected", "Bearer a b") => 422, msg(BAD_BEARER));
    let beside_basic = format!("Basic abc, Bearer {token}");
    assert_eq!(
        status!(&app, authorization("/protected", &beside_basic)),
        200
    );

    // `/query-first`: the query string wins over the header.
    let (other, _) = login(&app, "admin").await;
    let both = bearer(&format!("/query-first?jwt={other}"), &token);
    answers!(&app, both => 200, json!({"identity": "admin", "location": "query_string"}));
    let header_only = json!({"identity": "test", "location": "headers"});
    answers!(&app, bearer("/query-first", &token) => 200, header_only);
    let nowhere = "Missing JWT in query_string or headers \
        (Missing 'jwt' query paramater; Missing Authorization Header)";
    answers!(&app, get("/query-first") => 401, msg(nowhere));

    let app = self::app(&[("JWT_TOKEN_LOCATION", "headers,query_string")]).await;
    let found = json!({"location": "query_string"});
    answers!(&app, get(&format!("/location?jwt={token}")) => 200, found);
    let nowhere = "Missing JWT in headers or query_string \
        (Missing Authorization Header; Missing 'jwt' query paramater)";
    answers!(&app, get("/location?jwt=") => 401, msg(nowhere));

    let prefixed: Env = &[
        ("JWT_TOKEN_LOCATION", "query_string"),
        ("JWT_QUERY_STRING_VALUE_PREFIX", "Bearer "),
    ];
    let app = self::app(prefixed).await;
    let found = json!({"location": "query_string"});
    answers!(&app, get(&format!("/location?jwt=Bearer%20{token}")) => 200, found);
    let wrong_prefix =
        msg("Invalid value for query parameter 'jwt'. Expected the value to start with 'Bearer '");
    for value in [
        token.clone(),
        format!("bearer%20{token}"),
        format!("Bearer{token}"),
    ] {
        let request = get(&format!("/location?jwt={value}"));
        answers!(&app, request => 422, wrong_prefix.clone(), "{value}");
    }
    answers!(&app, get("/location") => 401, msg("Missing 'jwt' query paramater"));

    let app = self::app(&[("JWT_TOKEN_LOCATION", "json")]).await;
    let json_get = |body: &str| {
        let request = get("/location").insert_header(ContentType::json());
        request.set_payload(body.to_owned())
    };
    let body = json!({"access_token": token}).to_string();
    answers!(&app, json_get(&body) => 200, json!({"location": "json"}));
    let missing = msg("Missing \"access_token\" key in json data.");
    for body in [
        "{}",
        "null",
        "[1]",
        r#"{"access_token": ""}"#,
        r#"{"access_token": 0}"#,
        r#"{"access_token": false}"#,
        r#"{"access_token": []}"#,
        r#"{"access_token": null}"#,
        "not json",
    ] {
        answers!(&app, json_get(body) => 401, missing.clone(), "{body}");
    }
    // A non-string value Python finds true is decoded, and refused there.
    for body in [
        r#"{"access_token": 7}"#,
        r#"{"access_token": true}"#,
        r#"{"access_token": [1]}"#,
        r#"{"access_token": {"a": 1}}"#,
    ] {
        assert_eq!(
            send(&app, json_get(body)).await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
    }

    let app = self::app(&[("JWT_TOKEN_LOCATION", "query_string,cookies,json")]).await;
    let nowhere = "Missing JWT in query_string, cookies or json (Missing 'jwt' query paramater; \
        Missing cookie \"access_token_cookie\"; Invalid content-type. Must be application/json.)";
    answers!(&app, get("/location") => 401, msg(nowhere));
}

#[actix_web::test]
async fn loaders_refuse_banned_tokens_ghosts_and_non_string_subjects() {
    let app = app(&[]).await;
    let refused = msg("User claims verification failed");
    // Verification runs before the user lookup, and for refresh tokens too.
    for identity in ["u", "ghost"] {
        let body = json!({"identity": identity, "additional_claims": {"banned": true}});
        let token = token_for(&app, body).await;
        answers!(&app, bearer("/protected", &token) => 400, refused.clone(), "{identity}");
    }
    let body = json!({"identity": "u", "type": "refresh", "additional_claims": {"banned": true}});
    let token = token_for(&app, body).await;
    answers!(&app, post("/refresh", &token) => 400, refused);
    let passing = [
        json!({"banned": false}),
        json!({"banned": "true"}),
        json!({"banned": 1}),
        json!({"banned": null}),
        json!({"profile": {"banned": true}}),
    ];
    for claims in passing {
        let token = token_for(&app, json!({"identity": "u", "additional_claims": claims})).await;
        assert_eq!(status!(&app, bearer("/protected", &token)), 200, "{claims}");
    }

    let ghost = token_for(&app, json!({"identity": "ghost"})).await;
    answers!(&app, bearer("/protected", &ghost) => 401, msg("Error loading the user ghost"));

    let identities = [
        json!(7),
        json!({"id": 7}),
        json!(null),
        json!(true),
        json!(["u"]),
    ];
    for identity in &identities {
        let token = token_for(&app, json!({"identity": identity})).await;
        let (status, body) = send(&app, bearer("/protected", &token)).await;
        assert_eq!(status.as_u16(), 422, "{identity}: {body}");
        assert!(has_msg(&body), "{identity}: {body}");
    }
    let lenient = self::app(&[("JWT_VERIFY_SUB", "false")]).await;
    for identity in &identities {
        let token = token_for(&lenient, json!({"identity": identity})).await;
        let user = json!({"username": identity});
        let expected = json!({"identity": identity, "claims": {"roles": ["user"]}, "user": user});
        answers!(&lenient, bearer("/protected", &token) => 200, expected, "{identity}");
    }
}

#[actix_web::test]
async fn cookie_helpers_work_whatever_the_token_location() {
    const NAMES: [&str; 4] = [
        "access_token_cookie",
        "csrf_access_token",
        "refresh_token_cookie",
        "csrf_refresh_token",
    ];
    let credentials = json!({"username": "test", "password": "test"}).to_string();
    // The default, header-only configuration.
    let app = app(&[]).await;
    let reply = call(
        &app,
        json_post("/cookie/login", credentials.clone()).to_request(),
    )
    .await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body),
        (200, &json!({"login": true}))
    );
    assert_eq!(reply.cookie_names(), NAMES);
    let access = reply.cookie("access_token_cookie");
    let csrf = reply.cookie("csrf_access_token");
    assert_eq!(payload(access.value())["csrf"], csrf.value());
    let refresh = reply.cookie("refresh_token_cookie");
    assert_eq!(payload(refresh.value())["type"], "refresh");
    let reply = call(&app, post("/cookie/refresh", refresh.value()).to_request()).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body),
        (200, &json!({"refresh": true}))
    );
    assert_eq!(reply.cookie_names(), NAMES[..2]);
    let reply = call(&app, TestRequest::post().uri("/cookie/logout").to_request()).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body),
        (200, &json!({"logout": true}))
    );
    assert_eq!(reply.cookie_names(), NAMES);
    let unset = reply.cookies().iter().all(|c| c.value().is_empty());
    assert!(unset, "{:?}", reply.set_cookie_lines());

    let app = self::app(&[("JWT_TOKEN_LOCATION", "cookies")]).await;
    let reply = call(&app, json_post("/cookie/login", credentials).to_request()).await;
    assert_eq!(reply.cookie_names(), NAMES);
    let access = reply.cookie("access_token_cookie");
    let csrf = reply.cookie("csrf_access_token");
    let with_cookie = |request: TestRequest| {
        request.cookie(Cookie::new(
            "access_token_cookie",
            access.value().to_owned(),
        ))
    };
    let protected = || with_cookie(TestRequest::post().uri("/protected"));
    answers!(&app, protected() => 401, msg("Missing CSRF token"));
    let wrong = protected().insert_header(("X-CSRF-TOKEN", "not-the-token"));
    answers!(&app, wrong => 401, msg("CSRF double submit tokens do not match"));
    let right = protected().insert_header(("X-CSRF-TOKEN", csrf.value().to_owned()));
    assert_eq!(status!(&app, right), 200);
    let location = with_cookie(get("/location"));
    answers!(&app, location => 200, json!({"location": "cookies"}));
}

/// Runs the server binary with `env` and checks that it stops before listening, with a
/// non-zero exit: what it wrote to stderr.
fn refused_at_start(env: &[(&str, &str)]) -> String {
    let mut child = Command::new(server::example_binary("reference_server"))
        .env("JWT_SECRET_KEY", SECRET)
        .env("PORT", free_port().to_string())
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A server that starts prints its line and keeps running: read that line only.
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    if line.contains("listening on") {
        child.kill().unwrap();
    }
    let output = child.wait_with_output().unwrap();
    assert!(!line.contains("listening on"), "{env:?} started: {line}");
    assert!(!output.status.success(), "{env:?}: {:?}", output.status);
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[::core::prelude::v1::test]
fn bad_compat_values_and_removed_options_stop_the_server_naming_them() {
    for value in ["", "5"] {
        let stderr = refused_at_start(&[("JWT_COMPAT", value)]);
        assert!(stderr.contains("JWT_COMPAT"), "{value:?}: {stderr}");
    }
    for option in [
        "JWT_USER_CLAIMS",
        "JWT_BLACKLIST_ENABLED",
        "JWT_BLACKLIST_TOKEN_CHECKS",
        "JWT_CLAIMS_IN_REFRESH_TOKEN",
    ] {
        for value in ["", "false"] {
            let stderr = refused_at_start(&[("JWT_COMPAT", "4"), (option, value)]);
            assert!(stderr.contains(option), "{option}={value:?}: {stderr}");
        }
    }
}

#[::core::prelude::v1::test]
fn the_4x_server_starts_with_its_own_options_and_serves_over_tcp() {
    let server = server::ExampleServer::spawn(
        "reference_server",
        &[
            ("JWT_COMPAT", "4"),
            ("JWT_SECRET_KEY", SECRET),
            ("JWT_VERIFY_SUB", "false"),
            ("JWT_ENCODE_NBF", "false"),
            ("JWT_QUERY_STRING_VALUE_PREFIX", "Bearer "),
        ],
    );
    let credentials = json!({"username": "test", "password": "test"});
    let (status, body) = server.request("POST", "/login", "", Some(&credentials));
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    assert_eq!(claim_order(refresh), layout_without("nbf"));
    let expected = (200, json!({"identity": "test", "type": "refresh"}));
    assert_eq!(server.request("GET", "/any-type", refresh, None), expected);
    // The prefix is taken verbatim, trailing space included.
    let uri = format!("/query-first?jwt=Bearer%20{access}");
    let expected = (200, json!({"identity": "test", "location": "query_string"}));
    assert_eq!(server.request("GET", &uri, "", None), expected);
    let (status, body) = server.request("POST", "/token", "", Some(&json!({"identity": 7})));
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap();
    let expected = (200, json!({"identity": 7, "type": "access"}));
    assert_eq!(server.request("GET", "/any-type", token, None), expected);
}
