//! Algorithms and signatures: `alg: none`, algorithm confusion with a public key,
//! unusable HMAC secrets, relabelled algorithms, and stripped or tampered signatures.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey};
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{ATTACKER, SECRET, b64, bearer, fixture_key, hmac_key, sign_parts};
use serde_json::json;

use super::{
    HS256, NOT_ALLOWED, SIGNATURE_FAILED, accepted, app, build, claims, hs, refused, segments,
    token,
};

#[actix_web::test]
async fn alg_none_in_any_spelling_is_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let payload = b64(claims(&json!({})).to_string());
    for alg in [
        json!("none"),
        json!("None"),
        json!("NONE"),
        json!("nOnE"),
        json!("none "),
        json!(" none"),
        json!("none\u{0}"),
        json!(""),
        json!(null),
        json!(false),
        json!(0),
        json!(["HS256"]),
        json!({"HS256": true}),
    ] {
        let header = b64(json!({"alg": alg, "typ": "JWT"}).to_string());
        let input = format!("{header}.{payload}");
        let real_mac = jsonwebtoken::crypto::sign(
            input.as_bytes(),
            &hmac_key(SECRET.as_bytes()),
            Algorithm::HS256,
        )
        .unwrap();
        for signature in ["", "AAAA", real_mac.as_str()] {
            refused(
                &app,
                &format!("alg {alg} with signature {signature:?}"),
                bearer("/protected", &format!("{input}.{signature}")),
                422,
                NOT_ALLOWED,
            )
            .await;
        }
    }
    // No `alg` at all, even with the right MAC.
    let header = b64(r#"{"typ":"JWT"}"#);
    let input = format!("{header}.{payload}");
    let mac = jsonwebtoken::crypto::sign(
        input.as_bytes(),
        &hmac_key(SECRET.as_bytes()),
        Algorithm::HS256,
    )
    .unwrap();
    refused(
        &app,
        "no alg",
        bearer("/protected", &format!("{input}.{mac}")),
        422,
        NOT_ALLOWED,
    )
    .await;
    // An unsecured JWS without its empty third segment.
    let header = b64(r#"{"alg":"none"}"#);
    refused(
        &app,
        "two segments",
        bearer("/protected", &format!("{header}.{payload}")),
        422,
        "Not enough segments",
    )
    .await;
    // The optional guard refuses it too (only a missing token is anonymous).
    refused(
        &app,
        "alg none on jwt_optional",
        bearer("/optional", &format!("{header}.{payload}.")),
        422,
        NOT_ALLOWED,
    )
    .await;
}

#[actix_web::test]
async fn algorithm_confusion_with_a_public_key_as_hmac_secret_is_refused() {
    for (algorithm, private, public, own) in [
        (
            Algorithm::RS256,
            "rsa_private",
            "rsa_public",
            Algorithm::RS256,
        ),
        (
            Algorithm::ES256,
            "ec_private",
            "ec_public",
            Algorithm::ES256,
        ),
    ] {
        let public_pem = fixture_key(public);
        let manager = build(
            JwtConfig::default()
                .algorithm(algorithm)
                .private_key(fixture_key(private))
                .public_key(public_pem.clone()),
        );
        let app = app!(manager);
        let own_token = manager.create_access_token(&"alice").unwrap();
        accepted(
            &app,
            "the manager's own token",
            bearer("/protected", &own_token),
        )
        .await;

        let payload = claims(&json!({"identity": "admin"})).to_string();
        // The public key as the MAC key: as given, trimmed, and as its DER bytes.
        let der = STANDARD
            .decode(
                public_pem
                    .lines()
                    .filter(|line| !line.starts_with("-----"))
                    .collect::<String>(),
            )
            .unwrap();
        let secrets: [&[u8]; 3] = [
            public_pem.as_bytes(),
            public_pem.trim().as_bytes(),
            der.as_slice(),
        ];
        for secret in secrets {
            for (mac, name) in [
                (Algorithm::HS256, "HS256"),
                (Algorithm::HS384, "HS384"),
                (Algorithm::HS512, "HS512"),
            ] {
                let header = json!({"alg": name, "typ": "JWT"}).to_string();
                let forged = sign_parts(&header, payload.as_bytes(), &hmac_key(secret), mac);
                refused(
                    &app,
                    &format!("{name} keyed with the {own:?} public key"),
                    bearer("/protected", &forged),
                    422,
                    NOT_ALLOWED,
                )
                .await;
            }
        }
    }

    // One key family per manager: an RSA manager cannot also accept HMAC.
    let err = JwtManager::new(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(fixture_key("rsa_private"))
            .public_key(fixture_key("rsa_public"))
            .decode_algorithms([Algorithm::RS256, Algorithm::HS256]),
    )
    .unwrap_err();
    assert_eq!(err.option(), Some("JWT_DECODE_ALGORITHMS"), "{err}");
}

#[::core::prelude::v1::test]
fn unusable_hmac_secrets_refuse_to_start() {
    for (secret, case) in [
        (String::new(), "empty"),
        (fixture_key("rsa_public"), "RSA public key PEM"),
        (fixture_key("ec_public"), "EC public key PEM"),
        (
            format!("  \n{}", fixture_key("rsa_private")),
            "RSA private key PEM, indented",
        ),
        (
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host".to_owned(),
            "SSH RSA key",
        ),
        (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host".to_owned(),
            "SSH Ed25519 key",
        ),
        (
            "ecdsa-sha2-nistp256 AAAAE2VjZHNh user@host".to_owned(),
            "SSH ECDSA key",
        ),
    ] {
        let err = JwtManager::new(JwtConfig::default().secret_key(secret)).unwrap_err();
        assert_eq!(err.option(), Some("JWT_SECRET_KEY"), "{case}: {err}");
    }
    // A short secret (the documentation's "super-secret") still starts, with a warning.
    assert!(JwtManager::new(JwtConfig::default().secret_key("super-secret")).is_ok());
}

#[actix_web::test]
async fn relabelled_algorithms_are_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let payload = claims(&json!({})).to_string();
    let secret = hmac_key(SECRET.as_bytes());
    // Signed with one HMAC, labelled as another.
    let cases = [
        (
            r#"{"alg":"HS256","typ":"JWT"}"#,
            Algorithm::HS512,
            SIGNATURE_FAILED,
        ),
        (
            r#"{"alg":"HS256","typ":"JWT"}"#,
            Algorithm::HS384,
            SIGNATURE_FAILED,
        ),
        (
            r#"{"alg":"HS512","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"HS384","typ":"JWT"}"#,
            Algorithm::HS384,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"RS256","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"PS256","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"ES256","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"EdDSA","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"hs256","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"HS256 ","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"HS2560","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"HS25","typ":"JWT"}"#,
            Algorithm::HS256,
            NOT_ALLOWED,
        ),
        (
            r#"{"alg":"H\u0053256","typ":"JWT"}"#,
            Algorithm::HS512,
            SIGNATURE_FAILED,
        ),
    ];
    for (header, algorithm, message) in cases {
        let forged = sign_parts(header, payload.as_bytes(), &secret, algorithm);
        refused(
            &app,
            &format!("{header} signed {algorithm:?}"),
            bearer("/protected", &forged),
            422,
            message,
        )
        .await;
    }
    // Two `alg` members: serde keeps the last, which is the one that must verify.
    let forged = sign_parts(
        r#"{"alg":"none","alg":"HS256"}"#,
        payload.as_bytes(),
        &secret,
        Algorithm::HS384,
    );
    refused(
        &app,
        "duplicate alg",
        bearer("/protected", &forged),
        422,
        SIGNATURE_FAILED,
    )
    .await;

    // A manager that accepts the three HMACs still checks the one the header names.
    let manager =
        build(hs().decode_algorithms([Algorithm::HS256, Algorithm::HS384, Algorithm::HS512]));
    let app = app!(manager);
    let forged = sign_parts(
        r#"{"alg":"HS512","typ":"JWT"}"#,
        payload.as_bytes(),
        &secret,
        Algorithm::HS256,
    );
    refused(
        &app,
        "HS256 labelled HS512",
        bearer("/protected", &forged),
        422,
        SIGNATURE_FAILED,
    )
    .await;
    let genuine = sign_parts(
        r#"{"alg":"HS512","typ":"JWT"}"#,
        payload.as_bytes(),
        &secret,
        Algorithm::HS512,
    );
    accepted(&app, "HS512 labelled HS512", bearer("/protected", &genuine)).await;

    // RSA: RS256 relabelled PS256 (both allowed).
    let manager = build(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .decode_algorithms([Algorithm::RS256, Algorithm::PS256])
            .private_key(fixture_key("rsa_private"))
            .public_key(fixture_key("rsa_public")),
    );
    let app = app!(manager);
    let rsa = EncodingKey::from_rsa_pem(fixture_key("rsa_private").as_bytes()).unwrap();
    let forged = sign_parts(
        r#"{"alg":"PS256"}"#,
        payload.as_bytes(),
        &rsa,
        Algorithm::RS256,
    );
    refused(
        &app,
        "RS256 labelled PS256",
        bearer("/protected", &forged),
        422,
        SIGNATURE_FAILED,
    )
    .await;
    let forged = sign_parts(
        r#"{"alg":"RS384"}"#,
        payload.as_bytes(),
        &rsa,
        Algorithm::RS384,
    );
    refused(
        &app,
        "RS384 (not allowed)",
        bearer("/protected", &forged),
        422,
        NOT_ALLOWED,
    )
    .await;
    let genuine = sign_parts(
        r#"{"alg":"PS256"}"#,
        payload.as_bytes(),
        &rsa,
        Algorithm::PS256,
    );
    accepted(&app, "PS256 labelled PS256", bearer("/protected", &genuine)).await;
}

#[actix_web::test]
async fn stripped_or_tampered_signatures_are_refused() {
    let manager = build(hs());
    let app = app!(manager);
    let valid = token(&json!({}));
    accepted(&app, "valid", bearer("/protected", &valid)).await;
    let (header, payload, signature) = segments(&valid);
    let forged_payload = b64(claims(&json!({"identity": "admin"})).to_string());
    let mut flipped = signature.to_owned().into_bytes();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    let attacker = sign_parts(
        HS256,
        claims(&json!({"identity": "admin"})).to_string().as_bytes(),
        &hmac_key(ATTACKER.as_bytes()),
        Algorithm::HS256,
    );
    // Whether 86 characters decode depends on the last one's trailing bits.
    let doubled_message = if URL_SAFE_NO_PAD
        .decode(format!("{signature}{signature}"))
        .is_ok()
    {
        SIGNATURE_FAILED
    } else {
        "Invalid crypto padding"
    };
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("{header}.{payload}."),
            "stripped signature",
            SIGNATURE_FAILED,
        ),
        (
            format!("{header}.{payload}"),
            "no signature segment",
            "Not enough segments",
        ),
        (
            format!("{header}.{payload}.{flipped}"),
            "one signature char changed",
            SIGNATURE_FAILED,
        ),
        (
            format!("{header}.{payload}.{}", signature.get(..40).unwrap()),
            "truncated signature",
            SIGNATURE_FAILED,
        ),
        (
            format!("{header}.{payload}.{signature}{signature}"),
            "doubled signature",
            doubled_message,
        ),
        (
            format!("{header}.{payload}.{signature}AAAA"),
            "signature with 3 zero bytes more",
            SIGNATURE_FAILED,
        ),
        (
            format!("{header}.{forged_payload}.{signature}"),
            "tampered payload",
            SIGNATURE_FAILED,
        ),
        (
            format!(
                "{}.{payload}.{signature}",
                b64(r#"{"alg":"HS256","typ":"JWS"}"#)
            ),
            "tampered header",
            SIGNATURE_FAILED,
        ),
        (attacker, "signed with another secret", SIGNATURE_FAILED),
        (
            format!("{header}.{payload}.{signature}.{signature}"),
            "four segments",
            "Invalid payload padding",
        ),
        (
            "..".to_owned(),
            "empty segments",
            "Invalid header string: EOF while parsing a value at line 1 column 0",
        ),
        (
            format!(".{payload}.{signature}"),
            "empty header",
            "Invalid header string: EOF while parsing a value at line 1 column 0",
        ),
        (
            format!("{header}..{signature}"),
            "empty payload",
            SIGNATURE_FAILED,
        ),
    ];
    for (forged, case, message) in cases {
        refused(&app, case, bearer("/protected", &forged), 422, message).await;
    }
}
