//! The example tokens published with the JWT and JWS standards, with their keys
//! rebuilt as PEM: refused or expired, never accepted.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::Algorithm;
use jwt_runtime::config::Secret;
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::{b64, bearer};

use super::{NOT_ALLOWED, SIGNATURE_FAILED, app, build, hs, refused};

/// RFC 7519 §6.1: the example unsecured JWT (also RFC 7515 Appendix A.5).
const RFC_UNSECURED: &str = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";

#[actix_web::test]
async fn rfc7519_unsecured_token_is_refused() {
    for config in [
        hs(),
        hs().identity_claim("http://example.com/is_root"),
        JwtConfig::default().secret_key(rfc_a1_secret()),
    ] {
        let manager = build(config);
        let app = app!(manager);
        refused(
            &app,
            "RFC 7519 §6.1",
            bearer("/protected", RFC_UNSECURED),
            422,
            NOT_ALLOWED,
        )
        .await;
    }
}

/// The payload of every RFC 7515 Appendix A example: `{"iss":"joe", "exp":1300819380,
/// "http://example.com/is_root":true}` with CRLF line breaks.
const RFC_PAYLOAD: &str = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
/// RFC 7515 A.1: HS256.
const RFC_A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// RFC 7515 A.1's key (JWK `k`).
const RFC_A1_K: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
/// RFC 7515 A.2: RS256 (header `{"alg":"RS256"}`).
const RFC_A2_SIGNATURE: &str = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
/// RFC 7515 A.2's RSA key (JWK n, e, d, p, q, dp, dq, qi).
const RFC_A2_KEY: [&str; 8] = [
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
    "AQAB",
    "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
    "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
    "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
    "BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
    "h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
    "IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U",
];
/// RFC 7515 A.3: ES256 (header `{"alg":"ES256"}`).
const RFC_A3_SIGNATURE: &str =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
/// RFC 7515 A.3's P-256 key (JWK x, y, d).
const RFC_A3_KEY: [&str; 3] = [
    "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
];
/// RFC 7515 A.4: ES512 (header `{"alg":"ES512"}`), which this port does not implement.
const RFC_A4: &str = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";

fn rfc_a1_secret() -> Secret {
    Secret::from(URL_SAFE_NO_PAD.decode(RFC_A1_K).unwrap())
}

/// Just enough DER to turn the RFC's JWKs into the PEM files jsonwebtoken reads.
mod der {
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let length = content.len();
        if length < 0x80 {
            out.push(u8::try_from(length).unwrap());
        } else {
            let bytes = length.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            out.push(0x80 | u8::try_from(bytes.len() - skip).unwrap());
            out.extend_from_slice(bytes.get(skip..).unwrap());
        }
        out.extend_from_slice(content);
        out
    }

    /// A non-negative INTEGER from big-endian bytes.
    pub(super) fn uint(bytes: &[u8]) -> Vec<u8> {
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let mut content = bytes.get(skip..).unwrap().to_vec();
        if content.first().is_none_or(|b| *b >= 0x80) {
            content.insert(0, 0);
        }
        tlv(0x02, &content)
    }

    pub(super) fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }

    pub(super) fn octets(bytes: &[u8]) -> Vec<u8> {
        tlv(0x04, bytes)
    }

    pub(super) fn bits(bytes: &[u8]) -> Vec<u8> {
        tlv(0x03, &[&[0][..], bytes].concat())
    }

    pub(super) fn explicit(number: u8, content: &[u8]) -> Vec<u8> {
        tlv(0xa0 | number, content)
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn jwk(value: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(value).unwrap()
}

/// RFC 7515 A.2's key pair as PKCS#1 PEM (private, public).
fn rfc_a2_pems() -> (String, String) {
    let ints: Vec<Vec<u8>> = RFC_A2_KEY.iter().map(|c| der::uint(&jwk(c))).collect();
    let mut private = vec![der::uint(&[0])];
    private.extend(ints.iter().cloned());
    let public = der::seq(ints.get(..2).unwrap());
    (
        pem("RSA PRIVATE KEY", &der::seq(&private)),
        pem("RSA PUBLIC KEY", &public),
    )
}

/// RFC 7515 A.3's key pair as PKCS#8 / SPKI PEM (private, public).
fn rfc_a3_pems() -> (String, String) {
    let [x, y, d] = RFC_A3_KEY.map(jwk);
    let ec_public_key = vec![0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    let prime256v1 = vec![0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    let algorithm = der::seq(&[ec_public_key, prime256v1]);
    let point = der::bits(&[&[0x04][..], &x, &y].concat());
    let ec_private = der::seq(&[der::uint(&[1]), der::octets(&d), der::explicit(1, &point)]);
    let pkcs8 = der::seq(&[der::uint(&[0]), algorithm.clone(), der::octets(&ec_private)]);
    let spki = der::seq(&[algorithm, point]);
    (pem("PRIVATE KEY", &pkcs8), pem("PUBLIC KEY", &spki))
}

#[actix_web::test]
async fn rfc7515_appendix_a_tokens_answer_expired() {
    // The RFC payload has no `identity`; naming one of its claims as the identity claim
    // lets it normalise. (`iss` is refused as JWT_IDENTITY_CLAIM only while the port
    // writes it itself, i.e. with JWT_ENCODE_ISSUER.)
    let identity_claim = "http://example.com/is_root";
    let err = JwtManager::new(
        JwtConfig::default()
            .secret_key(rfc_a1_secret())
            .encode_issuer("me")
            .identity_claim("iss"),
    )
    .unwrap_err();
    assert_eq!(err.option(), Some("JWT_IDENTITY_CLAIM"));

    // A.1, HS256 with the RFC's key.
    let manager = build(
        JwtConfig::default()
            .secret_key(rfc_a1_secret())
            .identity_claim(identity_claim),
    );
    let app = app!(manager);
    refused(
        &app,
        "A.1",
        bearer("/protected", RFC_A1),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "A.1 optional",
        bearer("/optional", RFC_A1),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "A.5 (unsecured) on the A.1 manager",
        bearer("/protected", RFC_UNSECURED),
        422,
        NOT_ALLOWED,
    )
    .await;
    refused(
        &app,
        "A.4 (ES512) on the A.1 manager",
        bearer("/protected", RFC_A4),
        422,
        NOT_ALLOWED,
    )
    .await;
    // Without a usable identity claim, the reference answers the normalisation error.
    let manager = build(JwtConfig::default().secret_key(rfc_a1_secret()));
    let app = app!(manager);
    refused(
        &app,
        "A.1 without its identity claim",
        bearer("/protected", RFC_A1),
        422,
        "Missing claim: identity",
    )
    .await;
    // With another key, the signature fails first.
    let manager = build(hs().identity_claim(identity_claim));
    let app = app!(manager);
    refused(
        &app,
        "A.1, other key",
        bearer("/protected", RFC_A1),
        422,
        SIGNATURE_FAILED,
    )
    .await;

    // A.2, RS256 with the RFC's RSA key.
    let (private, public) = rfc_a2_pems();
    let manager = build(
        JwtConfig::default()
            .algorithm(Algorithm::RS256)
            .private_key(private)
            .public_key(public)
            .identity_claim(identity_claim),
    );
    let app = app!(manager);
    let a2 = format!(
        "{}.{RFC_PAYLOAD}.{RFC_A2_SIGNATURE}",
        b64(r#"{"alg":"RS256"}"#)
    );
    assert!(a2.starts_with("eyJhbGciOiJSUzI1NiJ9."));
    refused(
        &app,
        "A.2",
        bearer("/protected", &a2),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "A.1 on the A.2 manager",
        bearer("/protected", RFC_A1),
        422,
        NOT_ALLOWED,
    )
    .await;
    refused(
        &app,
        "A.5 on the A.2 manager",
        bearer("/protected", RFC_UNSECURED),
        422,
        NOT_ALLOWED,
    )
    .await;

    // A.3, ES256 with the RFC's P-256 key.
    let (private, public) = rfc_a3_pems();
    let manager = build(
        JwtConfig::default()
            .algorithm(Algorithm::ES256)
            .private_key(private)
            .public_key(public)
            .identity_claim(identity_claim),
    );
    let app = app!(manager);
    let a3 = format!(
        "{}.{RFC_PAYLOAD}.{RFC_A3_SIGNATURE}",
        b64(r#"{"alg":"ES256"}"#)
    );
    assert!(a3.starts_with("eyJhbGciOiJFUzI1NiJ9."));
    refused(
        &app,
        "A.3",
        bearer("/protected", &a3),
        401,
        "Token has expired",
    )
    .await;
    refused(
        &app,
        "A.2 on the A.3 manager",
        bearer("/protected", &a2),
        422,
        NOT_ALLOWED,
    )
    .await;
    refused(
        &app,
        "A.4 on the A.3 manager",
        bearer("/protected", RFC_A4),
        422,
        NOT_ALLOWED,
    )
    .await;
}
