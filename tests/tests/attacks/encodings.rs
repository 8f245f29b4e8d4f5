//! Encodings, sizes and nesting: padded or standard-alphabet base64, segments that are
//! not JSON objects, deep nesting and huge tokens.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use jsonwebtoken::Algorithm;
use jwt_runtime::JwtConfig;
use jwt_tests::{SECRET, b64, bearer, hmac_key, sign_parts};
use serde_json::json;

use super::{
    BAD_HEADER, BASE64URL, HS256, accepted, app, build, claims, hs, refused, segments, signed,
    token,
};

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
