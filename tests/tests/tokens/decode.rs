//! Decoding: the reference's `decode_token` defaults and claim checks, and its message
//! catalogue (PyJWT 2 messages) for every way a token is refused.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use jwt_runtime::config::{TokenLocation, TokenType};
use jwt_runtime::{ErrorKind, FreshClaim, JwtError, TokenOptions};
use jwt_tests::{SECRET, hmac_key, sign_parts};
use serde_json::{Map, Value, json};

use super::{
    HS256_HEADER, NOW, assert_uuid4, base, claims_with, craft, invalid, manager, manager_at,
    payload, payload_text,
};

#[test]
fn decode_normalises_a_minimal_token() {
    let m = manager(base());
    let claims = m.decode_token(&craft(&json!({"identity": "u"}))).unwrap();
    assert_eq!(claims.get("jti"), Some(&Value::Null));
    assert_eq!(claims.jti(), None);
    assert_eq!(claims.get("type"), Some(&json!("access")));
    assert_eq!(claims.token_type(), TokenType::Access);
    assert_eq!(claims.get("fresh"), Some(&json!(false)));
    assert_eq!(claims.fresh(), FreshClaim::Fresh(false));
    assert_eq!(claims.get("user_claims"), Some(&json!({})));
    assert_eq!(claims.expires_at(), None);
    assert_eq!(
        claims.raw().keys().collect::<Vec<_>>(),
        ["fresh", "identity", "jti", "type", "user_claims"]
    );
}

#[test]
fn decode_normalises_refresh_without_fresh() {
    let m = manager(base());
    let claims = m
        .decode_token(&craft(&json!({"identity": "u", "type": "refresh"})))
        .unwrap();
    assert_eq!(claims.token_type(), TokenType::Refresh);
    assert_eq!(claims.get("fresh"), None);
    assert_eq!(claims.fresh(), FreshClaim::Fresh(false));
    assert_eq!(claims.user_claims_value(), &json!({}));
}

#[test]
fn decode_keeps_what_is_there() {
    let m = manager(base().user_claims("ctx"));
    let claims = m
        .decode_token(&craft(
            &json!({"identity": null, "fresh": true, "ctx": {"a": 1}, "jti": "id-1", "other": [1]}),
        ))
        .unwrap();
    // A null identity is present, so it is not "Missing claim".
    assert_eq!(claims.identity_value(), &Value::Null);
    assert_eq!(claims.fresh(), FreshClaim::Fresh(true));
    assert_eq!(claims.user_claims_value(), &json!({"a": 1}));
    assert_eq!(claims.jti(), Some("id-1"));
    assert_eq!(claims.get("other"), Some(&json!([1])));
    assert_eq!(claims.get("user_claims"), None);
    assert_eq!(claims.header()["alg"], json!("HS256"));
}

#[test]
fn not_enough_segments() {
    let m = manager(base());
    for token in ["foobarbaz", "a.b", "", "."] {
        assert_eq!(invalid(&m, token), "Not enough segments", "{token:?}");
    }
}

#[test]
fn invalid_header_padding() {
    let m = manager(base());
    assert_eq!(invalid(&m, "aaaaa.bbbbb.ccccc"), "Invalid header padding");
    assert_eq!(invalid(&m, "e$J.e30.c2ln"), "Invalid header padding");
}

#[test]
fn invalid_header_string() {
    let m = manager(base());
    let non_object = format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode("[1,2]"));
    assert_eq!(
        invalid(&m, &non_object),
        "Invalid header string: must be a json object"
    );
    let not_json = format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode("{not json"));
    let message = invalid(&m, &not_json);
    assert!(message.starts_with("Invalid header string: "), "{message}");
    assert!(m.get_unverified_jwt_headers(&not_json).is_err());
}

#[test]
fn invalid_payload_padding() {
    let m = manager(base());
    let header = URL_SAFE_NO_PAD.encode(HS256_HEADER);
    assert_eq!(
        invalid(&m, &format!("{header}.a.c2ln")),
        "Invalid payload padding"
    );
    assert_eq!(
        invalid(&m, &format!("{header}.e3$9.c2ln")),
        "Invalid payload padding"
    );
}

#[test]
fn invalid_crypto_padding() {
    let m = manager(base());
    let token = m.create_access_token(&"a").unwrap();
    let (signing_input, _) = token.rsplit_once('.').unwrap();
    assert_eq!(
        invalid(&m, &format!("{signing_input}.a")),
        "Invalid crypto padding"
    );
    assert_eq!(
        invalid(&m, &format!("{signing_input}.!!!!")),
        "Invalid crypto padding"
    );
}

#[test]
fn algorithm_not_allowed() {
    let m = manager(base());
    let body = claims_with(&json!({})).to_string();
    for header in [
        r#"{"alg":"none","typ":"JWT"}"#,
        r#"{"alg":"None","typ":"JWT"}"#,
        r#"{"alg":"NONE"}"#,
        r#"{"alg":"HS512","typ":"JWT"}"#,
        r#"{"alg":"RS256","typ":"JWT"}"#,
        r#"{"alg":"hs256","typ":"JWT"}"#,
        r#"{"typ":"JWT"}"#,
        r#"{"alg":256,"typ":"JWT"}"#,
        r#"{"alg":null}"#,
    ] {
        let token = sign_parts(
            header,
            body.as_bytes(),
            &hmac_key(SECRET.as_bytes()),
            Algorithm::HS256,
        );
        assert_eq!(
            invalid(&m, &token),
            "The specified alg value is not allowed",
            "{header}"
        );
    }
    // An unsigned `none` token (empty signature) too.
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(&body)
    );
    assert_eq!(
        invalid(&m, &unsigned),
        "The specified alg value is not allowed"
    );
    // A really HS512-signed token with HS256 configured.
    let hs512 = sign_parts(
        r#"{"alg":"HS512","typ":"JWT"}"#,
        body.as_bytes(),
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS512,
    );
    assert_eq!(
        invalid(&m, &hs512),
        "The specified alg value is not allowed"
    );
    // ... accepted once JWT_DECODE_ALGORITHMS lists it; JWT_ALGORITHM stays accepted.
    let m = manager(base().decode_algorithms([Algorithm::HS512]));
    m.decode_token(&hs512).unwrap();
    m.decode_token(&craft(&claims_with(&json!({})))).unwrap();
}

#[test]
fn signature_verification_failed() {
    let m = manager(base());
    let body = claims_with(&json!({})).to_string();
    let other = sign_parts(
        HS256_HEADER,
        body.as_bytes(),
        &hmac_key(b"another-secret-of-32-bytes-long!"),
        Algorithm::HS256,
    );
    assert_eq!(invalid(&m, &other), "Signature verification failed");
    // A tampered payload with the original signature.
    let token = m.create_access_token(&"alice").unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let forged_payload = payload_text(&token).replace("alice", "admin");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(forged_payload),
        parts[2]
    );
    assert_eq!(invalid(&m, &forged), "Signature verification failed");
    // An empty signature with a real algorithm.
    assert_eq!(
        invalid(&m, &format!("{}.{}.", parts[0], parts[1])),
        "Signature verification failed"
    );
}

#[test]
fn missing_identity_claim() {
    let m = manager(base());
    let token = craft(&claims_with(&json!({"-identity": null})));
    assert_eq!(invalid(&m, &token), "Missing claim: identity");
    let m = manager(base().identity_claim("sub"));
    assert_eq!(
        invalid(&m, &craft(&claims_with(&json!({})))),
        "Missing claim: sub"
    );
}

#[test]
fn missing_or_invalid_type() {
    let m = manager(base());
    for bad in [
        json!("bogus"),
        json!("Access"),
        json!(5),
        json!(null),
        json!(["access"]),
    ] {
        let token = craft(&claims_with(&json!({"type": bad})));
        assert_eq!(
            invalid(&m, &token),
            "Missing or invalid claim: type",
            "{bad}"
        );
    }
}

#[test]
fn csrf_claim_checks() {
    let cookie_manager = manager(base().token_location([TokenLocation::Cookies]));
    let token = cookie_manager.create_access_token(&"a").unwrap();
    let csrf = cookie_manager.get_csrf_token(&token).unwrap();
    assert_uuid4(&csrf);
    assert_eq!(payload(&token)["csrf"], json!(csrf));
    // The right value passes; an empty one is no check at all (Python: `if csrf_value:`).
    cookie_manager
        .decode_token_with(&token, jwt_runtime::DecodeOptions::default().csrf(&csrf))
        .unwrap();
    cookie_manager
        .decode_token_with(&token, jwt_runtime::DecodeOptions::default().csrf(""))
        .unwrap();
    cookie_manager.decode_token(&token).unwrap();
    // A wrong value is a CSRF error (401, unauthorized loader).
    match cookie_manager
        .decode_token_with(&token, jwt_runtime::DecodeOptions::default().csrf("wrong"))
    {
        Err(err @ JwtError::Csrf(_)) => {
            assert_eq!(err.message(), "CSRF double submit tokens do not match");
            assert_eq!(err.status().as_u16(), 401);
            assert_eq!(err.kind(), ErrorKind::Unauthorized);
        }
        other => panic!("expected a CSRF error, got {other:?}"),
    }
    // A prefix of the right value is wrong too.
    assert!(matches!(
        cookie_manager.decode_token_with(
            &token,
            jwt_runtime::DecodeOptions::default().csrf(&csrf[..10])
        ),
        Err(JwtError::Csrf(_))
    ));
    // A token without a csrf claim, checked with a value.
    let header_manager = manager(base());
    let plain = header_manager.create_access_token(&"a").unwrap();
    match cookie_manager.decode_token_with(&plain, jwt_runtime::DecodeOptions::default().csrf("x"))
    {
        Err(JwtError::InvalidToken(message)) => assert_eq!(message, "Missing claim: csrf"),
        other => panic!("expected Missing claim: csrf, got {other:?}"),
    }
    match header_manager.get_csrf_token(&plain) {
        Err(err) => {
            assert_eq!(err.message(), "Missing claim: csrf");
            assert_eq!(err.status().as_u16(), 422);
        }
        Ok(value) => panic!("no csrf claim, got {value}"),
    }
}

#[test]
fn audience_checks() {
    let with_aud = manager(base().decode_audience(["api", "web"]));
    let without_aud = manager(base());
    let token = |aud: Value| craft(&claims_with(&json!({"aud": aud})));
    let no_aud = craft(&claims_with(&json!({})));

    assert_eq!(
        invalid(&with_aud, &no_aud),
        r#"Token is missing the "aud" claim"#
    );
    for empty in [json!(""), json!([]), json!(null)] {
        assert_eq!(
            invalid(&with_aud, &token(empty.clone())),
            r#"Token is missing the "aud" claim"#,
            "{empty}"
        );
        // ... and an empty aud is no aud when none is expected.
        without_aud.decode_token(&token(empty)).unwrap();
    }
    assert_eq!(
        invalid(&with_aud, &token(json!("other"))),
        "Audience doesn't match"
    );
    assert_eq!(
        invalid(&with_aud, &token(json!(["other", "x"]))),
        "Audience doesn't match"
    );
    with_aud.decode_token(&token(json!("web"))).unwrap();
    with_aud
        .decode_token(&token(json!(["other", "api"])))
        .unwrap();
    for bad in [json!(5), json!(["api", 5]), json!({"api": true})] {
        assert_eq!(
            invalid(&with_aud, &token(bad.clone())),
            "Invalid claim format in token",
            "{bad}"
        );
    }
    // An aud present when none is configured.
    assert_eq!(
        invalid(&without_aud, &token(json!("api"))),
        "Invalid audience"
    );
    assert_eq!(
        invalid(&without_aud, &token(json!(["api"]))),
        "Invalid audience"
    );
    without_aud.decode_token(&no_aud).unwrap();
}

#[test]
fn issuer_checks() {
    let m = manager(base().decode_issuer(["auth.example"]));
    let token = |extra: Value| craft(&claims_with(&extra));
    assert_eq!(
        invalid(&m, &token(json!({}))),
        r#"Token is missing the "iss" claim"#
    );
    assert_eq!(
        invalid(&m, &token(json!({"iss": "evil.example"}))),
        "Invalid issuer"
    );
    assert_eq!(invalid(&m, &token(json!({"iss": ""}))), "Invalid issuer");
    assert_eq!(
        invalid(&m, &token(json!({"iss": 5}))),
        "Payload Issuer (iss) must be a string"
    );
    m.decode_token(&token(json!({"iss": "auth.example"})))
        .unwrap();
    // Several issuers: a token from any of them is accepted, no other.
    let several = manager(base().decode_issuer(["auth.example", "login.example"]));
    for iss in ["auth.example", "login.example"] {
        several.decode_token(&token(json!({ "iss": iss }))).unwrap();
    }
    assert_eq!(
        invalid(
            &several,
            &token(json!({"iss": "auth.example,login.example"}))
        ),
        "Invalid issuer"
    );
    // No issuer configured: any iss is accepted.
    manager(base())
        .decode_token(&token(json!({"iss": "anyone"})))
        .unwrap();
}

#[test]
fn not_yet_valid_nbf_and_iat() {
    let m = manager(base());
    assert_eq!(
        invalid(&m, &craft(&claims_with(&json!({"nbf": NOW + 1})))),
        "The token is not yet valid (nbf)"
    );
    assert_eq!(
        invalid(
            &m,
            &craft(&claims_with(&json!({"iat": NOW + 1, "-nbf": null})))
        ),
        "The token is not yet valid (iat)"
    );
    // iat is checked before nbf.
    assert_eq!(
        invalid(
            &m,
            &craft(&claims_with(&json!({"iat": NOW + 1, "nbf": NOW + 1})))
        ),
        "The token is not yet valid (iat)"
    );
    // A token created in the future of the verifier.
    let token = manager_at(base(), NOW + 10)
        .create_access_token(&"a")
        .unwrap();
    assert_eq!(invalid(&m, &token), "The token is not yet valid (iat)");
}

#[test]
fn wrong_typed_time_claims() {
    let m = manager(base());
    for (claim, message) in [
        ("iat", "Issued At claim (iat) must be an integer."),
        ("nbf", "Not Before claim (nbf) must be an integer."),
        ("exp", "Expiration Time claim (exp) must be an integer."),
    ] {
        for bad in [
            json!("abc"),
            json!("1795907433"),
            json!(null),
            json!([1]),
            json!({"t": 1}),
        ] {
            let mut extra = Map::new();
            extra.insert(claim.to_owned(), bad.clone());
            let token = craft(&claims_with(&Value::Object(extra)));
            assert_eq!(invalid(&m, &token), message, "{claim}={bad}");
        }
    }
    // Floats are truncated, as Python's int() does.
    m.decode_token(&craft(&claims_with(
        &json!({"exp": NOW as f64 + 100.7, "iat": NOW as f64 + 0.9}),
    )))
    .unwrap();
}

#[test]
fn subject_must_be_a_string() {
    let m = manager(base());
    assert_eq!(
        invalid(&m, &craft(&claims_with(&json!({"sub": 5})))),
        "Subject must be a string"
    );
    m.decode_token(&craft(&claims_with(&json!({"sub": "5"}))))
        .unwrap();
    // With JWT_IDENTITY_CLAIM='sub', an integer identity makes an undecodable token,
    // as with PyJWT >= 2.10 (issue #556).
    let m = manager(base().identity_claim("sub"));
    let token = m.create_access_token(&42).unwrap();
    assert_eq!(invalid(&m, &token), "Subject must be a string");
    let token = m.create_access_token(&"42").unwrap();
    assert_eq!(
        m.decode_token(&token)
            .unwrap()
            .identity::<String>()
            .unwrap(),
        "42"
    );
}

#[test]
fn jwt_id_must_be_a_string() {
    let m = manager(base());
    for bad in [json!(5), json!(["x"]), json!(true)] {
        assert_eq!(
            invalid(&m, &craft(&claims_with(&json!({"jti": bad})))),
            "JWT ID must be a string"
        );
    }
}

#[test]
fn invalid_payload_string() {
    let m = manager(base());
    assert_eq!(
        invalid(
            &m,
            &sign_parts(
                HS256_HEADER,
                b"[1]",
                &hmac_key(SECRET.as_bytes()),
                Algorithm::HS256
            )
        ),
        "Invalid payload string: must be a json object"
    );
    let message = invalid(
        &m,
        &sign_parts(
            HS256_HEADER,
            b"{nope",
            &hmac_key(SECRET.as_bytes()),
            Algorithm::HS256,
        ),
    );
    assert!(message.starts_with("Invalid payload string: "), "{message}");
}

#[test]
fn the_signature_is_checked_before_the_payload_is_parsed() {
    // A deliberate difference from the reference (RFC 8725 §3.1): the reference parses
    // the payload of an unverified token first; this port never parses attacker-chosen
    // JSON before the algorithm and the signature check out. Both answer 422.
    let m = manager(base());
    let bad_signature = sign_parts(
        HS256_HEADER,
        b"{nope",
        &hmac_key(b"another-secret-of-32-bytes-long!"),
        Algorithm::HS256,
    );
    assert_eq!(invalid(&m, &bad_signature), "Signature verification failed");
    let bad_alg = sign_parts(
        r#"{"alg":"none"}"#,
        b"[1]",
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS256,
    );
    assert_eq!(
        invalid(&m, &bad_alg),
        "The specified alg value is not allowed"
    );
}

#[test]
fn key_id_must_be_a_string() {
    let m = manager(base());
    let body = claims_with(&json!({})).to_string();
    let token = sign_parts(
        r#"{"alg":"HS256","kid":5,"typ":"JWT"}"#,
        body.as_bytes(),
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS256,
    );
    assert_eq!(
        invalid(&m, &token),
        "Key ID header parameter must be a string"
    );
}

#[test]
fn token_size_cap() {
    let token = manager(base()).create_access_token(&"alice").unwrap();
    let len = token.len();
    manager(base().max_token_size(len))
        .decode_token(&token)
        .unwrap();
    let capped = manager(base().max_token_size(len - 1));
    assert_eq!(
        invalid(&capped, &token),
        format!("Token is too large ({len} bytes; the limit is {})", len - 1)
    );
    assert!(capped.get_unverified_jwt_headers(&token).is_err());
    // The default cap of 8192 bytes.
    let m = manager(base());
    let big = m
        .create_access_token_with(
            &"a",
            TokenOptions::default().user_claims(json!({"blob": "x".repeat(8192)})),
        )
        .unwrap();
    assert!(invalid(&m, &big).starts_with("Token is too large ("));
    // The size is checked before anything is parsed.
    assert!(invalid(&capped, &"x".repeat(len)).starts_with("Token is too large"));
}
