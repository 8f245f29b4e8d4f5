//! Expiry and leeway on a fixed clock.

use std::time::Duration;

use jwt_runtime::config::{TokenLocation, TokenType};
use jwt_runtime::{ErrorKind, JwtError, TokenOptions};
use serde_json::json;

use super::{NOW, base, claims_with, craft, invalid, manager, manager_at, manager_at_ms, payload};

#[test]
fn expired_token_carries_its_claims() {
    let creator = manager(base());
    let token = creator
        .create_access_token_with(
            &"alice",
            TokenOptions::default()
                .expires(Duration::from_secs(60))
                .user_claims(json!({"r": 1})),
        )
        .unwrap();
    let later = manager_at(base(), NOW + 3600);
    match later.decode_token(&token) {
        Err(JwtError::Expired(claims)) => {
            assert_eq!(claims.identity::<String>().unwrap(), "alice");
            assert_eq!(claims.token_type(), TokenType::Access);
            assert_eq!(claims.expires_at(), Some((NOW + 60) as i64));
            assert_eq!(claims.user_claims_value(), &json!({"r": 1}));
            let err = JwtError::Expired(claims);
            assert_eq!(err.message(), "Token has expired");
            assert_eq!(err.status().as_u16(), 401);
            assert_eq!(err.kind(), ErrorKind::ExpiredToken);
        }
        other => panic!("expected Expired, got {other:?}"),
    }
    let claims = later
        .decode_token_with(
            &token,
            jwt_runtime::DecodeOptions::default().allow_expired(true),
        )
        .unwrap();
    assert_eq!(claims.identity::<String>().unwrap(), "alice");
    // get_jti fully verifies, so it fails on an expired token.
    assert!(matches!(later.get_jti(&token), Err(JwtError::Expired(_))));
    // Refresh tokens expire the same way.
    let refresh = creator
        .create_refresh_token_with(
            &"bob",
            TokenOptions::default().expires(Duration::from_secs(60)),
        )
        .unwrap();
    match later.decode_token(&refresh) {
        Err(JwtError::Expired(claims)) => assert_eq!(claims.token_type(), TokenType::Refresh),
        other => panic!("expected Expired, got {other:?}"),
    }
}

#[test]
fn exp_boundary_without_leeway() {
    let token = manager(base())
        .create_access_token_with(
            &"a",
            TokenOptions::default().expires(Duration::from_secs(60)),
        )
        .unwrap();
    manager_at(base(), NOW + 59).decode_token(&token).unwrap();
    manager_at_ms(base(), (NOW + 59) * 1000 + 999)
        .decode_token(&token)
        .unwrap();
    // PyJWT 2: expired when exp <= now.
    assert!(matches!(
        manager_at(base(), NOW + 60).decode_token(&token),
        Err(JwtError::Expired(_))
    ));
    assert!(matches!(
        manager_at(base(), NOW + 61).decode_token(&token),
        Err(JwtError::Expired(_))
    ));
}

#[test]
fn exp_boundary_with_leeway() {
    let leeway = || base().decode_leeway(Duration::from_secs(30));
    let token = craft(&claims_with(&json!({"exp": NOW - 29})));
    manager(leeway()).decode_token(&token).unwrap();
    assert!(matches!(
        manager(base()).decode_token(&token),
        Err(JwtError::Expired(_))
    ));
    let token = craft(&claims_with(&json!({"exp": NOW - 30})));
    assert!(matches!(
        manager(leeway()).decode_token(&token),
        Err(JwtError::Expired(_))
    ));
    // Exactly now, with no leeway.
    let token = craft(&claims_with(&json!({"exp": NOW})));
    assert!(matches!(
        manager(base()).decode_token(&token),
        Err(JwtError::Expired(_))
    ));
    let token = craft(&claims_with(&json!({"exp": NOW + 1})));
    manager(base()).decode_token(&token).unwrap();
}

#[test]
fn nbf_and_iat_boundaries_with_leeway() {
    let leeway = || base().decode_leeway(Duration::from_secs(30));
    // nbf == now is valid.
    manager(base())
        .decode_token(&craft(&claims_with(&json!({"nbf": NOW}))))
        .unwrap();
    let nbf30 = craft(&claims_with(&json!({"nbf": NOW + 30})));
    let nbf31 = craft(&claims_with(&json!({"nbf": NOW + 31})));
    manager(leeway()).decode_token(&nbf30).unwrap();
    assert_eq!(
        invalid(&manager(leeway()), &nbf31),
        "The token is not yet valid (nbf)"
    );
    assert_eq!(
        invalid(&manager(base()), &nbf30),
        "The token is not yet valid (nbf)"
    );
    let iat30 = craft(&claims_with(&json!({"iat": NOW + 30, "-nbf": null})));
    let iat31 = craft(&claims_with(&json!({"iat": NOW + 31, "-nbf": null})));
    manager(leeway()).decode_token(&iat30).unwrap();
    assert_eq!(
        invalid(&manager(leeway()), &iat31),
        "The token is not yet valid (iat)"
    );
}

#[test]
fn fractional_clock() {
    // now = NOW + 0.5 s
    let m = manager_at_ms(base(), NOW * 1000 + 500);
    assert!(matches!(
        m.decode_token(&craft(&claims_with(&json!({"exp": NOW})))),
        Err(JwtError::Expired(_))
    ));
    m.decode_token(&craft(&claims_with(&json!({"exp": NOW + 1}))))
        .unwrap();
    assert_eq!(
        invalid(&m, &craft(&claims_with(&json!({"nbf": NOW + 1})))),
        "The token is not yet valid (nbf)"
    );
}

#[test]
fn expired_token_with_a_wrong_csrf_value_is_a_csrf_error() {
    // Reference quirk: on expiry, the second (allow_expired) decode pass runs the CSRF check.
    let config = || base().token_location([TokenLocation::Cookies]);
    let token = manager(config())
        .create_access_token_with(
            &"a",
            TokenOptions::default().expires(Duration::from_secs(60)),
        )
        .unwrap();
    let later = manager_at(config(), NOW + 3600);
    assert!(matches!(
        later.decode_token_with(&token, jwt_runtime::DecodeOptions::default().csrf("wrong")),
        Err(JwtError::Csrf(_))
    ));
    let csrf = payload(&token)["csrf"].as_str().unwrap().to_owned();
    assert!(matches!(
        later.decode_token_with(&token, jwt_runtime::DecodeOptions::default().csrf(&csrf)),
        Err(JwtError::Expired(_))
    ));
}

#[test]
fn expired_token_with_a_bad_claim_reports_the_bad_claim() {
    // The reference decodes an expired token again with verify_exp off, so a later
    // failing check (iss, aud, identity) is what the caller sees.
    let m = manager(base().decode_issuer(["auth.example"]));
    let token = craft(&claims_with(&json!({"exp": NOW - 10, "iss": "evil"})));
    assert_eq!(invalid(&m, &token), "Invalid issuer");
    let token = craft(&claims_with(
        &json!({"exp": NOW - 10, "iss": "auth.example", "-identity": null}),
    ));
    assert_eq!(invalid(&m, &token), "Missing claim: identity");
}
