//! The layout of new tokens: the reference's claims in its insertion order, the header,
//! and what each option and loader writes.

use std::time::{Duration, UNIX_EPOCH};

use jsonwebtoken::Algorithm;
use jwt_runtime::config::{Expiry, TokenLocation, TokenType};
use jwt_runtime::{ErrorKind, Fresh, FreshClaim, JwtConfig, JwtManager, TokenOptions};
use serde_json::json;

use super::{
    HS256_HEADER, NOW, assert_keys, assert_uuid4, base, header_text, headers, manager, manager_at,
    manager_at_ms, payload, payload_text,
};

#[test]
fn access_token_default_layout_and_order() {
    let m = manager(base());
    let token = m.create_access_token(&"alice").unwrap();
    assert_eq!(token.split('.').count(), 3);
    assert_eq!(header_text(&token), HS256_HEADER);
    let text = payload_text(&token);
    assert!(
        text.starts_with(&format!(r#"{{"iat":{NOW},"nbf":{NOW},"jti":""#)),
        "{text}"
    );
    assert_keys(
        &token,
        &["iat", "nbf", "jti", "exp", "identity", "fresh", "type"],
    );
    let p = payload(&token);
    assert_eq!(p["exp"], json!(NOW + 15 * 60));
    assert_eq!(p["identity"], json!("alice"));
    assert_eq!(p["fresh"], json!(false));
    assert_eq!(p["type"], json!("access"));
    // Compact separators, as PyJWT writes.
    assert!(!text.contains(": ") && !text.contains(", "), "{text}");
}

#[test]
fn access_token_full_layout_and_order() {
    let config = base()
        .token_location([TokenLocation::Headers, TokenLocation::Cookies])
        .encode_issuer("auth.example")
        .encode_audience(["api"]);
    let m = manager(config);
    let token = m
        .create_access_token_with(
            &"alice",
            TokenOptions::default()
                .fresh(true)
                .user_claims(json!({"roles": ["admin"]})),
        )
        .unwrap();
    assert_keys(
        &token,
        &[
            "iat",
            "nbf",
            "jti",
            "exp",
            "identity",
            "fresh",
            "type",
            "user_claims",
            "csrf",
            "iss",
            "aud",
        ],
    );
    let p = payload(&token);
    assert_eq!(p["fresh"], json!(true));
    assert_eq!(p["user_claims"], json!({"roles": ["admin"]}));
    assert_eq!(p["iss"], json!("auth.example"));
    assert_eq!(
        p["aud"],
        json!("api"),
        "one audience is written as a string"
    );
    assert_uuid4(p["csrf"].as_str().unwrap());
    assert_ne!(p["csrf"], p["jti"]);
}

#[test]
fn refresh_token_default_layout_and_order() {
    let m = manager(base());
    let token = m.create_refresh_token(&"alice").unwrap();
    assert_eq!(header_text(&token), HS256_HEADER);
    assert!(payload_text(&token).starts_with(r#"{"iat":"#));
    assert_keys(&token, &["iat", "nbf", "jti", "exp", "identity", "type"]);
    let p = payload(&token);
    assert_eq!(p["exp"], json!(NOW + 30 * 86_400));
    assert_eq!(p["type"], json!("refresh"));
}

#[test]
fn refresh_token_full_layout_has_issuer_but_no_fresh() {
    // This port's decision: JWT_ENCODE_ISSUER is written to refresh tokens too.
    let config = base()
        .token_location([TokenLocation::Cookies])
        .encode_issuer("auth.example")
        .encode_audience(["api", "web"]);
    let m = manager(config);
    let token = m
        .create_refresh_token_with(
            &"alice",
            TokenOptions::default()
                .fresh(true)
                .user_claims(json!({"a": 1})),
        )
        .unwrap();
    assert_keys(
        &token,
        &[
            "iat",
            "nbf",
            "jti",
            "exp",
            "identity",
            "type",
            "user_claims",
            "csrf",
            "iss",
            "aud",
        ],
    );
    let p = payload(&token);
    assert_eq!(p["iss"], json!("auth.example"));
    assert_eq!(p["aud"], json!(["api", "web"]));
    assert!(!p.contains_key("fresh"));
}

#[test]
fn refresh_token_with_issuer_passes_decode_issuer() {
    let config = base()
        .encode_issuer("auth.example")
        .decode_issuer(["auth.example"]);
    let m = manager(config);
    let token = m.create_refresh_token(&"alice").unwrap();
    let claims = m.decode_token(&token).unwrap();
    assert_eq!(claims.token_type(), TokenType::Refresh);
    assert_eq!(claims.get("iss"), Some(&json!("auth.example")));
}

#[test]
fn custom_claim_names_take_the_identity_and_user_claims_slots() {
    let m = manager(base().identity_claim("sub").user_claims("ctx"));
    let token = m
        .create_access_token_with(
            &"alice",
            TokenOptions::default().user_claims(json!({"r": 1})),
        )
        .unwrap();
    assert_keys(
        &token,
        &["iat", "nbf", "jti", "exp", "sub", "fresh", "type", "ctx"],
    );
    let claims = m.decode_token(&token).unwrap();
    assert_eq!(claims.identity::<String>().unwrap(), "alice");
    assert_eq!(claims.user_claims_value(), &json!({"r": 1}));
}

#[test]
fn header_is_key_sorted_and_alg_follows_the_configuration() {
    let m = manager(base());
    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default()
                .headers(headers(&json!({"zzz": 1, "kid": "k1", "alg": "none"}))),
        )
        .unwrap();
    assert_eq!(
        header_text(&token),
        r#"{"alg":"HS256","kid":"k1","typ":"JWT","zzz":1}"#
    );
    m.decode_token(&token).unwrap();
    // An extra `typ` replaces the default one (PyJWT's `header.update(headers)`).
    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().headers(headers(&json!({"typ": "at+jwt"}))),
        )
        .unwrap();
    assert_eq!(header_text(&token), r#"{"alg":"HS256","typ":"at+jwt"}"#);

    let m = manager(base().algorithm(Algorithm::HS512));
    let token = m.create_access_token(&"a").unwrap();
    assert_eq!(header_text(&token), r#"{"alg":"HS512","typ":"JWT"}"#);
}

#[test]
fn falsy_typ_header_is_dropped() {
    // PyJWT 2 `encode`: `header.update(headers); if not header["typ"]: del header["typ"]`.
    let m = manager(base());
    for typ in [json!(null), json!("")] {
        let token = m
            .create_access_token_with(
                &"a",
                TokenOptions::default().headers(headers(&json!({ "typ": typ }))),
            )
            .unwrap();
        assert_eq!(header_text(&token), r#"{"alg":"HS256"}"#, "typ={typ}");
    }
}

#[test]
fn non_string_kid_is_refused_at_creation() {
    // PyJWT 2 `encode` runs `_validate_headers`, which raises
    // "Key ID header parameter must be a string"; the decoder refuses such a token anyway.
    let m = manager(base());
    let result = m.create_access_token_with(
        &"a",
        TokenOptions::default().headers(headers(&json!({"kid": 5}))),
    );
    assert!(result.is_err(), "created {result:?}");
}

#[test]
fn headers_loader_and_explicit_headers() {
    let m = JwtManager::builder(base())
        .ignore_registered_loaders()
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
        .additional_headers_loader(|identity| Some(headers(&json!({"kid": identity}))))
        .build()
        .unwrap();
    let access = m.create_access_token(&"k-7").unwrap();
    let refresh = m.create_refresh_token(&"k-7").unwrap();
    for token in [&access, &refresh] {
        assert_eq!(
            header_text(token),
            r#"{"alg":"HS256","kid":"k-7","typ":"JWT"}"#
        );
        let claims = m.decode_token(token).unwrap();
        assert_eq!(claims.header()["kid"], json!("k-7"));
        assert_eq!(m.get_unverified_jwt_headers(token).unwrap()["kid"], "k-7");
    }
    // An explicit `headers=` replaces the loader's.
    let token = m
        .create_access_token_with(
            &"k-7",
            TokenOptions::default().headers(headers(&json!({"x": true}))),
        )
        .unwrap();
    assert_eq!(
        header_text(&token),
        r#"{"alg":"HS256","typ":"JWT","x":true}"#
    );
}

#[test]
fn iat_equals_nbf_truncated_integer_seconds() {
    let m = manager_at_ms(base(), NOW * 1000 + 999);
    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().fresh(Duration::from_secs(600)),
        )
        .unwrap();
    let text = payload_text(&token);
    assert!(
        text.starts_with(&format!(r#"{{"iat":{NOW},"nbf":{NOW},"#)),
        "{text}"
    );
    let p = payload(&token);
    assert!(p["iat"].is_u64() && p["nbf"].is_u64() && p["exp"].is_u64());
    assert_eq!(p["exp"], json!(NOW + 900));
    assert_eq!(p["fresh"], json!(NOW + 600));
}

#[test]
fn jti_is_a_fresh_uuid4() {
    let m = manager(base());
    let a = payload(&m.create_access_token(&"a").unwrap());
    let b = payload(&m.create_access_token(&"a").unwrap());
    let r = payload(&m.create_refresh_token(&"a").unwrap());
    for p in [&a, &b, &r] {
        assert_uuid4(p["jti"].as_str().unwrap());
    }
    assert_ne!(a["jti"], b["jti"]);
    assert_ne!(a["jti"], r["jti"]);
    let token = m.create_access_token(&"a").unwrap();
    assert_eq!(
        m.get_jti(&token).unwrap().as_deref(),
        payload(&token)["jti"].as_str()
    );
}

#[test]
fn fresh_bool_and_duration() {
    let m = manager(base());
    let fresh_of = |options: TokenOptions| {
        payload(&m.create_access_token_with(&"a", options).unwrap())["fresh"].clone()
    };
    assert_eq!(fresh_of(TokenOptions::default()), json!(false));
    assert_eq!(fresh_of(TokenOptions::default().fresh(false)), json!(false));
    assert_eq!(fresh_of(TokenOptions::default().fresh(true)), json!(true));
    assert_eq!(
        fresh_of(TokenOptions::default().fresh(Fresh::Yes)),
        json!(true)
    );
    assert_eq!(
        fresh_of(TokenOptions::default().fresh(Duration::from_secs(600))),
        json!(NOW + 600)
    );

    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().fresh(Fresh::For(Duration::from_secs(600))),
        )
        .unwrap();
    let fresh = m.decode_token(&token).unwrap().fresh();
    assert_eq!(fresh, FreshClaim::Until((NOW + 600) as i64));
    assert!(fresh.is_fresh_at((NOW + 600) as f64));
    assert!(!fresh.is_fresh_at((NOW + 601) as f64));

    let token = m
        .create_access_token_with(&"a", TokenOptions::default().fresh(true))
        .unwrap();
    assert_eq!(
        m.decode_token(&token).unwrap().fresh(),
        FreshClaim::Fresh(true)
    );
}

#[test]
fn expiry_never_writes_no_exp() {
    let m = manager(base());
    let token = m
        .create_access_token_with(&"a", TokenOptions::default().expires(Expiry::Never))
        .unwrap();
    assert_keys(&token, &["iat", "nbf", "jti", "identity", "fresh", "type"]);
    assert_eq!(m.decode_token(&token).unwrap().expires_at(), None);
    let token = m
        .create_refresh_token_with(&"a", TokenOptions::default().expires(Expiry::Never))
        .unwrap();
    assert_keys(&token, &["iat", "nbf", "jti", "identity", "type"]);

    // From the configuration too.
    let m = manager(
        base()
            .access_token_expires(Expiry::Never)
            .refresh_token_expires(Expiry::Never),
    );
    assert!(!payload(&m.create_access_token(&"a").unwrap()).contains_key("exp"));
    assert!(!payload(&m.create_refresh_token(&"a").unwrap()).contains_key("exp"));
    // A never-expiring token stays valid forever.
    let token = m.create_access_token(&"a").unwrap();
    manager_at(base(), NOW + 100 * 365 * 86_400)
        .decode_token(&token)
        .unwrap();
}

#[test]
fn explicit_expiry_overrides_the_configuration() {
    let m = manager(base().access_token_expires(Expiry::Never));
    let token = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().expires(Duration::from_secs(60)),
        )
        .unwrap();
    assert_eq!(payload(&token)["exp"], json!(NOW + 60));
    let token = m
        .create_refresh_token_with(
            &"a",
            TokenOptions::default().expires(Duration::from_secs(7)),
        )
        .unwrap();
    assert_eq!(payload(&token)["exp"], json!(NOW + 7));
}

#[test]
fn explicit_zero_expiry_is_an_error_not_never() {
    let m = manager(base());
    let err = m
        .create_access_token_with(&"a", TokenOptions::default().expires(Duration::ZERO))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Internal);
    assert!(
        m.create_refresh_token_with(&"a", TokenOptions::default().expires(Duration::ZERO))
            .is_err()
    );
}

#[test]
fn user_claims_written_only_when_non_empty() {
    let m = manager(base());
    for empty in [json!({}), json!(null)] {
        let token = m
            .create_access_token_with(&"a", TokenOptions::default().user_claims(empty.clone()))
            .unwrap();
        assert!(
            !payload(&token).contains_key("user_claims"),
            "{empty} must not be written"
        );
        // ... but it reads back as {}.
        assert_eq!(
            m.decode_token(&token).unwrap().user_claims_value(),
            &json!({})
        );
    }
    let token = m
        .create_access_token_with(&"a", TokenOptions::default().user_claims(json!({"k": 0})))
        .unwrap();
    assert_eq!(payload(&token)["user_claims"], json!({"k": 0}));
}

#[test]
fn user_claims_loader_for_access_and_optionally_refresh() {
    let build = |in_refresh: bool| {
        JwtManager::builder(base().claims_in_refresh_token(in_refresh))
            .ignore_registered_loaders()
            .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
            .user_claims_loader(|identity| {
                if identity == "nobody" {
                    json!({})
                } else {
                    json!({"me": identity})
                }
            })
            .build()
            .unwrap()
    };
    let m = build(false);
    assert_eq!(
        payload(&m.create_access_token(&"a").unwrap())["user_claims"],
        json!({"me": "a"})
    );
    assert!(!payload(&m.create_access_token(&"nobody").unwrap()).contains_key("user_claims"));
    assert!(!payload(&m.create_refresh_token(&"a").unwrap()).contains_key("user_claims"));
    // An explicit argument is always written, and replaces the loader.
    let token = m
        .create_refresh_token_with(&"a", TokenOptions::default().user_claims(json!({"x": 1})))
        .unwrap();
    assert_eq!(payload(&token)["user_claims"], json!({"x": 1}));
    let token = m
        .create_access_token_with(&"a", TokenOptions::default().user_claims(json!({"x": 2})))
        .unwrap();
    assert_eq!(payload(&token)["user_claims"], json!({"x": 2}));

    let m = build(true);
    assert_eq!(
        payload(&m.create_refresh_token(&"a").unwrap())["user_claims"],
        json!({"me": "a"})
    );
}

#[test]
fn identity_loader_transforms_the_identity() {
    let m = JwtManager::builder(base())
        .ignore_registered_loaders()
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
        .user_identity_loader(|user| user["name"].clone())
        .user_claims_loader(|user| json!({"id": user["id"]}))
        .build()
        .unwrap();
    let token = m
        .create_access_token(&json!({"name": "zoe", "id": 7}))
        .unwrap();
    let p = payload(&token);
    assert_eq!(p["identity"], json!("zoe"));
    // The claims loader gets the original identity object.
    assert_eq!(p["user_claims"], json!({"id": 7}));
}

#[test]
fn csrf_claim_only_with_cookies_and_csrf_protect() {
    let has_csrf = |config: JwtConfig| {
        let m = manager(config);
        let access = payload(&m.create_access_token(&"a").unwrap());
        let refresh = payload(&m.create_refresh_token(&"a").unwrap());
        assert_eq!(access.contains_key("csrf"), refresh.contains_key("csrf"));
        access.contains_key("csrf")
    };
    assert!(!has_csrf(base()));
    assert!(!has_csrf(base().token_location([
        TokenLocation::Headers,
        TokenLocation::QueryString,
        TokenLocation::Json
    ])));
    assert!(has_csrf(base().token_location([TokenLocation::Cookies])));
    assert!(has_csrf(base().token_location([
        TokenLocation::Headers,
        TokenLocation::Cookies
    ])));
    assert!(!has_csrf(
        base()
            .token_location([TokenLocation::Cookies])
            .cookie_csrf_protect(false)
    ));
}

#[test]
fn encode_audience_one_is_a_string_many_an_array() {
    let m = manager(base().encode_audience(["api"]).decode_audience(["api"]));
    let token = m.create_access_token(&"a").unwrap();
    assert_eq!(payload(&token)["aud"], json!("api"));
    m.decode_token(&token).unwrap();

    let m = manager(
        base()
            .encode_audience(["api", "web"])
            .decode_audience(["web"]),
    );
    let token = m.create_access_token(&"a").unwrap();
    assert_eq!(payload(&token)["aud"], json!(["api", "web"]));
    m.decode_token(&token).unwrap();
}
