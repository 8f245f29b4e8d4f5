//! Time claims around the leeway, claims of the wrong JSON type, the wrong token type
//! and every JSON type of `fresh`.

use std::time::Duration;

use actix_web::http::Method;
use jwt_runtime::prelude::*;
use jwt_tests::{NOW, bearer};
use serde_json::Value;
use serde_json::json;

use super::{HS256, accepted, app, build, claims, claims_without, hs, refused, signed, token};

#[actix_web::test]
async fn time_claims_are_checked_around_the_leeway() {
    for leeway in [0, 30] {
        let manager = build(hs().decode_leeway(Duration::from_secs(leeway)));
        let app = app!(manager);
        let case = |what: &str| format!("leeway {leeway}: {what}");
        // exp: expired when exp <= now - leeway (PyJWT 2).
        let edge = NOW - leeway;
        for (exp, ok) in [
            (edge + 2, true),
            (edge + 1, true),
            (edge, false),
            (edge - 1, false),
            (edge - 2, false),
        ] {
            let request = bearer("/protected", &token(&json!({"exp": exp})));
            if ok {
                accepted(&app, &case(&format!("exp {exp}")), request).await;
            } else {
                refused(
                    &app,
                    &case(&format!("exp {exp}")),
                    request,
                    401,
                    "Token has expired",
                )
                .await;
            }
        }
        // nbf and iat: not yet valid when > now + leeway.
        let edge = NOW + leeway;
        for claim in ["nbf", "iat"] {
            for (value, ok) in [
                (edge - 2, true),
                (edge, true),
                (edge + 1, false),
                (edge + 2, false),
            ] {
                let request = bearer("/protected", &token(&json!({ claim: value })));
                let what = case(&format!("{claim} {value}"));
                if ok {
                    accepted(&app, &what, request).await;
                } else {
                    let message = format!("The token is not yet valid ({claim})");
                    refused(&app, &what, request, 422, &message).await;
                }
            }
        }
    }
    // Without exp, nbf or iat a token does not expire (the reference's `JWT_*_EXPIRES: False`).
    let manager = build(hs());
    let app = app!(manager);
    let timeless = signed(HS256, &claims_without(&["exp", "nbf", "iat"]).to_string());
    accepted(&app, "no time claims", bearer("/protected", &timeless)).await;
}

/// `None`: accepted; `Some((status, message))`: refused.
type Outcome = Option<(u16, &'static str)>;

#[actix_web::test]
async fn time_claims_of_the_wrong_type_are_refused_not_ignored() {
    let manager = build(hs());
    let app = app!(manager);
    for (claim, message) in [
        ("exp", "Expiration Time claim (exp) must be an integer."),
        ("nbf", "Not Before claim (nbf) must be an integer."),
        ("iat", "Issued At claim (iat) must be an integer."),
    ] {
        for value in [
            json!(null),
            json!(true),
            json!(false),
            json!(NOW.to_string()),
            json!(""),
            json!("never"),
            json!([]),
            json!([NOW]),
            json!({}),
            json!({"$numberLong": NOW}),
        ] {
            refused(
                &app,
                &format!("{claim}: {value}"),
                bearer("/protected", &token(&json!({ claim: value }))),
                422,
                message,
            )
            .await;
        }
    }
    // Huge and extreme numbers: compared without overflow.
    let huge: [(&str, &str, Outcome); 14] = [
        ("exp", "1e308", None),
        ("exp", "18446744073709551615", None),
        ("exp", "99999999999999999999999999", None),
        ("exp", "-1e308", Some((401, "Token has expired"))),
        (
            "exp",
            "-9223372036854775808",
            Some((401, "Token has expired")),
        ),
        ("exp", "0", Some((401, "Token has expired"))),
        ("exp", "1700000000.5", Some((401, "Token has expired"))),
        (
            "nbf",
            "1e308",
            Some((422, "The token is not yet valid (nbf)")),
        ),
        (
            "nbf",
            "18446744073709551615",
            Some((422, "The token is not yet valid (nbf)")),
        ),
        ("nbf", "-9223372036854775808", None),
        (
            "iat",
            "99999999999999999999999999",
            Some((422, "The token is not yet valid (iat)")),
        ),
        ("iat", "-1e308", None),
        ("iat", "1700000000.9", None),
        ("nbf", "-0.0", None),
    ];
    for (claim, number, outcome) in huge {
        let text = claims(&json!({})).to_string().replacen(
            &format!("\"{claim}\":{}", claims(&json!({}))[claim]),
            &format!("\"{claim}\":{number}"),
            1,
        );
        assert!(text.contains(number), "{text}");
        let request = bearer("/protected", &signed(HS256, &text));
        let case = format!("{claim} {number}");
        match outcome {
            None => {
                accepted(&app, &case, request).await;
            }
            Some((status, message)) => refused(&app, &case, request, status, message).await,
        }
    }
    // Numbers JSON parsers cannot hold.
    let text = claims(&json!({})).to_string().replacen(
        &format!("\"exp\":{}", NOW + 900),
        "\"exp\":1e999",
        1,
    );
    refused(
        &app,
        "exp 1e999",
        bearer("/protected", &signed(HS256, &text)),
        422,
        "Invalid payload string: number out of range at line 1 column 12",
    )
    .await;
}

#[actix_web::test]
async fn other_claims_of_the_wrong_type_are_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let cases: Vec<(Value, &str)> = vec![
        (
            claims(&json!({"type": 1})),
            "Missing or invalid claim: type",
        ),
        (
            claims(&json!({"type": null})),
            "Missing or invalid claim: type",
        ),
        (
            claims(&json!({"type": "Access"})),
            "Missing or invalid claim: type",
        ),
        (
            claims(&json!({"type": "admin"})),
            "Missing or invalid claim: type",
        ),
        (
            claims(&json!({"type": ["access"]})),
            "Missing or invalid claim: type",
        ),
        (claims_without(&["identity"]), "Missing claim: identity"),
        (claims(&json!({"jti": 1})), "JWT ID must be a string"),
        (claims(&json!({"jti": {}})), "JWT ID must be a string"),
        (claims(&json!({"sub": 1})), "Subject must be a string"),
        (claims(&json!({"aud": "someone"})), "Invalid audience"),
        (claims(&json!({"aud": ["someone"]})), "Invalid audience"),
    ];
    for (payload, message) in cases {
        refused(
            &app,
            &payload.to_string(),
            bearer("/protected", &signed(HS256, &payload.to_string())),
            422,
            message,
        )
        .await;
    }
    // With an issuer and an audience configured.
    let manager = build(
        hs().decode_issuer(["the-issuer"])
            .decode_audience(["the-audience"]),
    );
    let app = app!(manager);
    let good = json!({"iss": "the-issuer", "aud": "the-audience"});
    accepted(&app, "iss + aud", bearer("/protected", &token(&good))).await;
    let cases: Vec<(Value, &str)> = vec![
        (
            claims(&json!({"aud": "the-audience"})),
            r#"Token is missing the "iss" claim"#,
        ),
        (
            claims(&json!({"iss": 1, "aud": "the-audience"})),
            "Payload Issuer (iss) must be a string",
        ),
        (
            claims(&json!({"iss": ["the-issuer"], "aud": "the-audience"})),
            "Payload Issuer (iss) must be a string",
        ),
        (
            claims(&json!({"iss": "The-Issuer", "aud": "the-audience"})),
            "Invalid issuer",
        ),
        (
            claims(&json!({"iss": "the-issuer"})),
            r#"Token is missing the "aud" claim"#,
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": 1})),
            "Invalid claim format in token",
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": [1]})),
            "Invalid claim format in token",
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": {"the-audience": 1}})),
            "Invalid claim format in token",
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": "other"})),
            "Audience doesn't match",
        ),
        (
            claims(&json!({"iss": "the-issuer", "aud": ""})),
            r#"Token is missing the "aud" claim"#,
        ),
    ];
    for (payload, message) in cases {
        refused(
            &app,
            &payload.to_string(),
            bearer("/protected", &signed(HS256, &payload.to_string())),
            422,
            message,
        )
        .await;
    }
}

#[actix_web::test]
async fn wrong_token_type_is_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let refresh_token = manager.create_refresh_token(&"alice").unwrap();
    let access_token = manager
        .create_access_token_with(&"alice", TokenOptions::default().fresh(true))
        .unwrap();
    for uri in ["/protected", "/optional", "/fresh"] {
        refused(
            &app,
            uri,
            bearer(uri, &refresh_token),
            422,
            "Only access tokens are allowed",
        )
        .await;
    }
    let crafted = token(&json!({"type": "refresh", "fresh": true}));
    refused(
        &app,
        "crafted refresh + fresh",
        bearer("/fresh", &crafted),
        422,
        "Only access tokens are allowed",
    )
    .await;
    refused(
        &app,
        "access on refresh",
        bearer("/refresh", &access_token).method(Method::POST),
        422,
        "Only refresh tokens are allowed",
    )
    .await;
    // `type` missing means access (the reference's normalisation).
    let untyped = signed(HS256, &claims_without(&["type"]).to_string());
    accepted(&app, "no type", bearer("/protected", &untyped)).await;
    refused(
        &app,
        "no type on refresh",
        bearer("/refresh", &untyped),
        422,
        "Only refresh tokens are allowed",
    )
    .await;
}

#[actix_web::test]
async fn fresh_claim_of_every_json_type() {
    let manager = build(hs());
    let app = app!(manager);
    let fresh_cases: [(&str, bool); 22] = [
        ("true", true),
        ("false", false),
        ("null", false),
        ("0", false),
        ("1", false),
        ("-1", false),
        ("1700000000", true),
        ("1700000002", true),
        ("1699999999", false),
        ("1699999998", false),
        ("1700000000.5", true),
        ("1699999999.9", false),
        ("1e300", true),
        ("-1e300", false),
        ("18446744073709551615", true),
        (r#""true""#, false),
        (r#""""#, false),
        (r#""1700000100""#, false),
        ("[]", false),
        ("[true]", false),
        ("{}", false),
        (r#"{"fresh":true}"#, false),
    ];
    for (fresh, ok) in fresh_cases {
        let text = claims(&json!({})).to_string().replacen(
            "\"fresh\":false",
            &format!("\"fresh\":{fresh}"),
            1,
        );
        assert!(text.contains(&format!("\"fresh\":{fresh}")), "{text}");
        let request = bearer("/fresh", &signed(HS256, &text));
        let case = format!("fresh: {fresh}");
        if ok {
            accepted(&app, &case, request).await;
        } else {
            refused(&app, &case, request, 401, "Fresh token required").await;
        }
    }
    let missing = signed(HS256, &claims_without(&["fresh"]).to_string());
    refused(
        &app,
        "fresh missing",
        bearer("/fresh", &missing),
        401,
        "Fresh token required",
    )
    .await;
    // Non-fresh tokens still pass the plain guard.
    accepted(
        &app,
        "not fresh, jwt_required",
        bearer("/protected", &token(&json!({"fresh": []}))),
    )
    .await;
}
